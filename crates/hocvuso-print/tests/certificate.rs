//! Contest certificates ("Giấy chứng nhận"), read back with poppler as a person's PDF reader would: one A4 landscape
//! page per winner with their name, unit, prize and the contest, and names that look like typst markup print as typed.
//! Without poppler-utils these say SKIPPED, except in CI (`hocvuso_test_support::pdf`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_print::pdf::DocDate;
use hocvuso_print::pdf::certificate::{CertificatePage, Certificates, render_certificates};
use hocvuso_test_support::pdf::{pdf_text, poppler};

fn page(name: &str, award: &str) -> CertificatePage {
    CertificatePage {
        name: name.to_owned(),
        unit: "Thôn Đông".to_owned(),
        award: award.to_owned(),
        standing: "Xếp hạng 1 – 10/10 câu đúng".to_owned(),
        date_line: "Quỳ Châu, ngày 05 tháng 12 năm 2026".to_owned(),
        code: "ABCDEFGHJKMNPQRS".to_owned(),
        url: "https://hocvuso.example/certificates/ABCDEFGHJKMNPQRS".to_owned(),
    }
}

fn certificates() -> Certificates {
    Certificates {
        commune: "Xã Quỳ Châu".to_owned(),
        organiser: "UBND xã Quỳ Châu".to_owned(),
        contest: "Tìm hiểu kỹ năng số #eval(\"1+1\") [*]".to_owned(),
        pages: vec![page("Nguyễn Thị Ánh", "Giải Nhất"), page("Lò Văn #set", "Giải Khuyến khích")],
        date: DocDate { year: 2026, month: 12, day: 5 },
    }
}

#[test]
fn each_winner_gets_an_a4_landscape_page_with_name_unit_prize_and_contest() {
    let pdf = render_certificates(&certificates()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(info) = poppler("pdfinfo", &["-"], &pdf) else { return };
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 2")), "{info}");
    // typst's A4 is 595.28 × 841.89 pt; landscape puts the long side first.
    let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap();
    assert!(size.contains("841.8") && size.find("841.8") < size.find("595.2"), "{size}");
    let text = pdf_text(&pdf).unwrap();
    for expected in [
        "GIẤY CHỨNG NHẬN",
        "Nguyễn Thị Ánh",
        "Lò Văn #set",
        "GIẢI NHẤT",
        "GIẢI KHUYẾN KHÍCH",
        "Thôn Đông",
        "Tìm hiểu kỹ năng số #eval(\"1+1\") [*]",
        "Quỳ Châu, ngày 05 tháng 12 năm 2026",
        "ABCDEFGHJKMNPQRS",
    ] {
        assert!(text.contains(expected), "{expected:?} not in:\n{text}");
    }
}
