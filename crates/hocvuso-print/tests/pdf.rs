//! Typesets PDFs and reads them back with poppler's `pdftotext` and `pdffonts`, as a person's PDF reader would
//! (without poppler-utils they say SKIPPED, except in CI, where they fail: `hocvuso_test_support::pdf`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_print::pdf::visit_sheet::{SheetHamlet, SheetHousehold, SheetPerson, VisitSheet, render_visit_sheet};
use hocvuso_print::pdf::{DocDate, Document, qr_svg, render_pdf};
use hocvuso_test_support::pdf::{pdf_text, poppler};

const DATE: DocDate = DocDate { year: 2026, month: 11, day: 28 };
const HOSTILE: &str = "Lê #eval(\"1+1\") [*] $x^2$ <b>in đậm</b> @nhãn \\ `mã`";

fn person(name: &str, born: Option<i32>, reasons: &[&str], missing: &[&str], phone: Option<&str>) -> SheetPerson {
    SheetPerson {
        name: name.into(),
        born,
        reasons: reasons.iter().map(|r| (*r).to_owned()).collect(),
        missing: missing.iter().map(|m| (*m).to_owned()).collect(),
        last_contact: "Chưa lần nào".into(),
        phone: phone.map(str::to_owned),
    }
}

fn sheet() -> VisitSheet {
    let mut visited = person("Trần Thị Ngữ", Some(1941), &["Cao tuổi", "Sống một mình"], &["Dùng Zalo"], None);
    visited.last_contact = "03/10/2026".into();
    VisitSheet {
        commune: "Xã Quỳ Châu".into(),
        scope: "Các hộ được phân công".into(),
        volunteer: Some("Đặng Thuỳ Dương".into()),
        date: "28/11/2026".into(),
        summary: "3 người chưa phổ cập ở 2 hộ".into(),
        hamlets: vec![SheetHamlet {
            name: "Thôn Ẩm Thượng".into(),
            households: vec![
                SheetHousehold {
                    address: "Xóm Giữa, số 7".into(),
                    people: vec![
                        visited,
                        person(
                            "Nguyễn Văn Ỷ",
                            Some(1958),
                            &["Chưa có điện thoại thông minh"],
                            &["Quét mã QR", "Kích hoạt VNeID mức 2"],
                            Some("0912345678"),
                        ),
                    ],
                },
                SheetHousehold {
                    address: "Đội 3".into(),
                    people: vec![person(HOSTILE, None, &[], &["Nhận biết lừa đảo"], None)],
                },
            ],
        }],
    }
}

#[test]
fn the_visit_sheet_prints_its_data_with_every_diacritic() {
    let pdf = render_visit_sheet(&sheet(), DATE).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let Some(text) = pdf_text(&pdf) else { return };
    for expected in [
        "PHIẾU ĐI THĂM HỘ GIA ĐÌNH",
        "Xã Quỳ Châu",
        "Các hộ được phân công",
        "Đặng Thuỳ Dương",
        "28/11/2026",
        "3 người chưa phổ cập ở 2 hộ",
        "Thôn Ẩm Thượng",
        "Hộ: Xóm Giữa, số 7",
        "Trần Thị Ngữ (sinh năm 1941) · Cao tuổi, Sống một mình",
        "Lần gặp gần nhất: 03/10/2026",
        "Nguyễn Văn Ỷ (sinh năm 1958) · Chưa có điện thoại thông minh",
        "Điện thoại: 0912345678",
        "Quét mã QR",
        "Kích hoạt VNeID mức 2",
        "Ghi chú:",
        "Việc lần sau:",
    ] {
        assert!(text.contains(expected), "{expected:?} not in the PDF text:\n{text}");
    }
    // The order on paper is the order given: the visited elder first, then the man without a smartphone.
    assert!(text.find("Trần Thị Ngữ").unwrap() < text.find("Nguyễn Văn Ỷ").unwrap());
    assert_eq!(text.matches("Điện thoại:").count(), 1, "a phone only where one was given");
}

#[test]
fn a_hostile_name_prints_literally_and_is_never_evaluated() {
    let pdf = render_visit_sheet(&sheet(), DATE).unwrap();
    let Some(text) = pdf_text(&pdf) else { return };
    let hostile: String = HOSTILE.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains(&hostile), "{hostile:?} not printed literally in:\n{text}");
    assert!(!text.contains("Lê 2 "), "#eval ran");
}

#[test]
fn the_font_is_embedded_and_is_the_only_one() {
    let pdf = render_visit_sheet(&sheet(), DATE).unwrap();
    let Some(fonts) = poppler("pdffonts", &["-"], &pdf) else { return };
    // Two header lines, then one line per font: name, type, encoding, emb, sub, uni, object, generation.
    let rows: Vec<Vec<&str>> = fonts.lines().skip(2).map(|line| line.split_whitespace().collect()).collect();
    assert!(rows.len() >= 2, "regular and bold are used:\n{fonts}");
    for row in &rows {
        assert!(row[0].contains("BeVietnamPro"), "unexpected font:\n{fonts}");
        let (emb, uni) = (row[row.len() - 5], row[row.len() - 3]);
        assert_eq!((emb, uni), ("yes", "yes"), "embedded with a Unicode map:\n{fonts}");
    }
}

#[test]
fn an_empty_round_says_everyone_is_reached() {
    let empty = VisitSheet { volunteer: None, summary: "0 người".into(), hamlets: Vec::new(), ..sheet() };
    let pdf = render_visit_sheet(&empty, DATE).unwrap();
    let Some(text) = pdf_text(&pdf) else { return };
    assert!(text.contains("Không còn ai chưa phổ cập kỹ năng số."), "{text}");
    assert!(!text.contains("Đặng Thuỳ Dương"));
}

#[test]
fn the_date_is_the_one_passed_in() {
    let data = serde_json::json!({});
    let template = "#set text(font: \"Be Vietnam Pro\")\nHôm nay #datetime.today().display(\"[day]/[month]/[year]\")";
    let pdf = render_pdf(&Document { template, data: &data, files: Vec::new(), date: DATE }).unwrap();
    let Some(text) = pdf_text(&pdf) else { return };
    assert_eq!(text, "Hôm nay 28/11/2026");
}

#[test]
fn templates_reach_no_file_system_and_no_package() {
    let data = serde_json::json!({});
    for template in ["#read(\"/etc/passwd\")", "#read(\"../../Cargo.toml\")", "#import \"@preview/cetz:0.3.0\""] {
        let result = render_pdf(&Document { template, data: &data, files: Vec::new(), date: DATE });
        assert!(result.is_err(), "{template} compiled");
    }
}

#[test]
fn a_qr_code_is_an_svg_a_template_can_place() {
    let svg = qr_svg("https://hocvuso.example/huong-dan/zalo").unwrap();
    let svg_text = String::from_utf8(svg.clone()).unwrap();
    assert!(svg_text.contains("<svg") && svg_text.contains("<path"), "{svg_text}");
    assert_ne!(svg, qr_svg("https://hocvuso.example/huong-dan/vneid").unwrap(), "the code depends on the text");
    let data = serde_json::json!({ "caption": "Quét để xem hướng dẫn" });
    let template = "#import \"/base.typ\": *\n#show: doc.with(paper: \"a5\")\n#let data = json(\"/data.json\")\n\
                    #image(\"/qr.svg\", width: 3cm)\n#data.caption";
    let pdf =
        render_pdf(&Document { template, data: &data, files: vec![("/qr.svg".into(), svg)], date: DATE }).unwrap();
    let Some(text) = pdf_text(&pdf) else { return };
    assert!(text.contains("Quét để xem hướng dẫn"), "{text}");
}

#[test]
fn the_same_data_gives_the_same_bytes() {
    // No clock and no randomness inside: a document can be compared or cached by its inputs.
    assert_eq!(render_visit_sheet(&sheet(), DATE).unwrap(), render_visit_sheet(&sheet(), DATE).unwrap());
}
