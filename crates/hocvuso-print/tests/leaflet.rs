//! The guide leaflet (issue #4, item 7), typeset from the real starter guides in `content/guides/` and read back with
//! poppler as a person's PDF reader would: the text matches the guide, the font is embedded and the QR code scans
//! to the guide's address. Without poppler-utils these say SKIPPED, except in CI (`hocvuso_test_support::pdf`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hocvuso_print::PrintError;
use hocvuso_print::pdf::{DocDate, Leaflet, LeafletStep, Paper, render_leaflet};
use hocvuso_test_support::pdf::{pdf_images, pdf_text, poppler};

const DATE: DocDate = DocDate { year: 2026, month: 11, day: 28 };
const URL: &str = "https://hocvuso.example/huong-dan/dang-ky-khai-sinh";

fn guides_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides")
}

/// A test-only reader of a guide file: `title` and `summary` from the `+++` front matter, then each `## ` step with
/// its paragraphs (picture lines left out) and the picture the `![…](N.svg)` line names.
fn read_guide(slug: &str, paper: Paper) -> Leaflet {
    let dir = guides_dir();
    let source = std::fs::read_to_string(dir.join(format!("{slug}.md"))).unwrap();
    let (front, body) = source.trim_start_matches("+++\n").split_once("\n+++\n").unwrap();
    let field = |key: &str| -> String {
        let line = front.lines().find(|l| l.starts_with(&format!("{key} = "))).unwrap();
        // A TOML basic string of a guide is also a JSON string.
        serde_json::from_str(line.split_once(" = ").unwrap().1).unwrap()
    };
    let mut steps = Vec::new();
    for chunk in body.split("\n## ").skip(1) {
        let (title, rest) = chunk.split_once('\n').unwrap();
        let mut picture_svg = None;
        let mut paragraphs = Vec::new();
        for para in rest.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(file) =
                para.strip_prefix("![").and_then(|p| p.split_once("](")).map(|(_, f)| f.trim_end_matches(')'))
            {
                picture_svg = Some(std::fs::read(dir.join(slug).join(file)).unwrap());
            } else {
                paragraphs.push(para.to_owned());
            }
        }
        steps.push(LeafletStep {
            title: title.trim().to_owned(),
            text: paragraphs.join("\n\n"),
            picture_svg,
            photo: None,
        });
    }
    Leaflet {
        title: field("title"),
        summary: field("summary"),
        steps,
        url: URL.into(),
        paper,
        date: DATE,
        commune: "Xã Quỳ Châu".into(),
    }
}

/// What a reader sees of a step's text: `**` marks gone, white space folded.
fn visible(text: &str) -> String {
    text.replace("**", "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text in the order typst wrote it (`pdftotext -raw`): a step's words come before the words drawn in its picture,
/// which plain `pdftotext` interleaves by position. Steps are never split across pages, so no footer falls inside one.
fn text_in_writing_order(pdf: &[u8]) -> Option<String> {
    let text = poppler("pdftotext", &["-raw", "-", "-"], pdf)?;
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[test]
fn a_starter_guide_prints_its_title_summary_and_every_step_in_a5_and_a4() {
    for paper in [Paper::A5, Paper::A4] {
        let leaflet = read_guide("dang-ky-khai-sinh", paper);
        assert_eq!(leaflet.steps.len(), 8);
        let pdf = render_leaflet(&leaflet).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let Some(raw) = pdf_text(&pdf) else { return };
        assert!(raw.contains("Xã Quỳ Châu · In ngày 28/11/2026"), "the footer names the commune and date:\n{raw}");
        let text = text_in_writing_order(&pdf).unwrap();
        assert!(text.contains("Đăng ký khai sinh trực tuyến"), "{text}");
        assert!(text.contains(&visible(&leaflet.summary)), "{text}");
        assert!(text.contains(URL), "the address is printed too:\n{text}");
        let mut last = 0;
        for (i, step) in leaflet.steps.iter().enumerate() {
            let heading = format!("{} {}", i + 1, step.title);
            let at = text.find(&heading).unwrap_or_else(|| panic!("{heading:?} not in {paper:?}:\n{text}"));
            assert!(at > last, "step {} out of order", i + 1);
            last = at;
            for paragraph in step.text.split("\n\n") {
                let expected = visible(paragraph);
                assert!(text.contains(&expected), "{paper:?}: {expected:?} not in:\n{text}");
            }
        }
    }
}

#[test]
fn a4_and_a5_are_different_papers() {
    let size = |paper| {
        let pdf = render_leaflet(&read_guide("quet-ma-qr", paper)).unwrap();
        let info = poppler("pdfinfo", &["-"], &pdf)?;
        Some(info.lines().find(|l| l.starts_with("Page size:")).unwrap().to_owned())
    };
    let (Some(a5), Some(a4)) = (size(Paper::A5), size(Paper::A4)) else { return };
    // typst's A5 is 419.53 × 595.28 pt, A4 595.28 × 841.89 pt.
    assert!(a5.contains("419.5") && a5.contains("595.2"), "{a5}");
    assert!(a4.contains("595.2") && a4.contains("841.8"), "{a4}");
}

#[test]
fn the_font_is_embedded_with_a_unicode_map() {
    let pdf = render_leaflet(&read_guide("dang-ky-khai-sinh", Paper::A5)).unwrap();
    let Some(fonts) = poppler("pdffonts", &["-"], &pdf) else { return };
    let rows: Vec<Vec<&str>> = fonts.lines().skip(2).map(|line| line.split_whitespace().collect()).collect();
    assert!(rows.iter().any(|row| row[0].contains("BeVietnamPro")), "{fonts}");
    for row in &rows {
        let (emb, uni) = (row[row.len() - 5], row[row.len() - 3]);
        assert_eq!(emb, "yes", "every font embedded:\n{fonts}");
        assert_eq!(uni, "yes", "text can be copied:\n{fonts}");
    }
}

/// Renders page 1 at 150 dpi in grey (pdftoppm) and returns it, or `None` where poppler is missing outside CI.
fn first_page_grey(pdf: &[u8], name: &str) -> Option<image::GrayImage> {
    let dir = std::env::temp_dir().join(format!("hocvuso-leaflet-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.pdf");
    std::fs::write(&input, pdf).unwrap();
    let root = dir.join("page");
    let status = Command::new("pdftoppm")
        .args(["-png", "-gray", "-r", "150", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&input)
        .arg(&root)
        .status();
    match status {
        Ok(status) => assert!(status.success(), "pdftoppm failed"),
        Err(err) if std::env::var("CI").as_deref() != Ok("true") => {
            eprintln!("SKIPPED: pdftoppm is not installed ({err}); apt-get install poppler-utils");
            return None;
        }
        Err(err) => panic!("pdftoppm must be installed in CI (poppler-utils): {err}"),
    }
    let page = image::open(root.with_extension("png")).unwrap().to_luma8();
    std::fs::remove_dir_all(&dir).unwrap();
    Some(page)
}

#[test]
fn the_qr_code_scans_to_the_guide_address() {
    for paper in [Paper::A5, Paper::A4] {
        let pdf = render_leaflet(&read_guide("dang-ky-khai-sinh", paper)).unwrap();
        let Some(page) = first_page_grey(&pdf, &format!("{paper:?}")) else { return };
        let mut prepared = rqrr::PreparedImage::prepare(page);
        let grids = prepared.detect_grids();
        assert_eq!(grids.len(), 1, "{paper:?}: one QR code on the first page");
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, URL);
    }
}

#[test]
fn every_starter_guide_prints() {
    let mut count = 0;
    for entry in std::fs::read_dir(guides_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") && path.file_stem().is_some_and(|s| s != "README") {
            let slug = path.file_stem().unwrap().to_str().unwrap();
            let leaflet = read_guide(slug, Paper::A5);
            assert!((4..=10).contains(&leaflet.steps.len()), "{slug}");
            render_leaflet(&leaflet).unwrap_or_else(|err| panic!("{slug}: {err}"));
            count += 1;
        }
    }
    assert!(count >= 24, "the starter set has {count} guides");
}

#[test]
fn text_is_data_never_markup_and_plain_marks_render() {
    let leaflet = Leaflet {
        title: "Lê #eval(\"1+1\") [*] $x^2$".into(),
        summary: "<b>không</b> @nhãn \\ `mã`".into(),
        steps: vec![LeafletStep {
            title: "#set page(paper: \"a3\")".into(),
            text: "Chạm **Đăng nhập** rồi đợi.\n\n- Mục một\n- Mục #hai".into(),
            picture_svg: None,
            photo: None,
        }],
        url: "https://hocvuso.example/huong-dan/x".into(),
        paper: Paper::A5,
        date: DATE,
        commune: "Xã #A".into(),
    };
    let pdf = render_leaflet(&leaflet).unwrap();
    let Some(text) = pdf_text(&pdf) else { return };
    for expected in [
        "Lê #eval(\"1+1\") [*] $x^2$",
        "<b>không</b> @nhãn \\ `mã`",
        "1 #set page(paper: \"a3\")",
        "Chạm Đăng nhập rồi đợi.",
        "Mục #hai",
        "Xã #A",
    ] {
        assert!(text.contains(expected), "{expected:?} not printed literally in:\n{text}");
    }
    assert!(!text.contains("**"), "bold marks are not printed: {text}");
}

#[test]
fn a_hostile_picture_is_refused_before_typst_reads_it() {
    let mut leaflet = read_guide("quet-ma-qr", Paper::A5);
    leaflet.steps[0].picture_svg =
        Some(br#"<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>"#.to_vec());
    match render_leaflet(&leaflet) {
        Err(PrintError::Picture(err)) => assert_eq!(err.code(), "svg_external_reference"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_same_guide_gives_the_same_bytes() {
    let leaflet = read_guide("quet-ma-qr", Paper::A5);
    assert_eq!(render_leaflet(&leaflet).unwrap(), render_leaflet(&leaflet).unwrap());
}

/// A photo as the guide editor stores it: a generated picture put through `reencode_raster` (a JPEG, or a PNG when
/// it has transparency).
fn uploaded_photo(width: u32, height: u32, transparent: bool) -> Vec<u8> {
    use hocvuso_print::picture::{RasterLimits, reencode_raster};
    let picture = if transparent {
        image::DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 120, if x < 10 { 0 } else { 255 }])
        }))
    } else {
        image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
        }))
    };
    let mut out = Vec::new();
    picture.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    reencode_raster(&out, &RasterLimits::default()).unwrap().bytes
}

#[test]
fn uploaded_photos_are_printed_with_the_drawings() {
    let mut leaflet = read_guide("quet-ma-qr", Paper::A5);
    let drawings_only = render_leaflet(&leaflet).unwrap();
    // Step 1 gets a JPEG photo (no transparency), step 2 a PNG with transparency, as the editor stores them.
    for (step, transparent) in [(0, false), (1, true)] {
        leaflet.steps[step].picture_svg = None;
        leaflet.steps[step].photo = Some(uploaded_photo(640, 480, transparent));
    }
    assert!(leaflet.steps[0].photo.as_ref().unwrap().starts_with(&[0xff, 0xd8]), "a JPEG");
    assert!(leaflet.steps[1].photo.as_ref().unwrap().starts_with(b"\x89PNG"), "a PNG");
    let pdf = render_leaflet(&leaflet).unwrap();
    let Some(before) = pdf_images(&drawings_only) else { return };
    assert!(before.is_empty(), "the drawings and the QR code are vector graphics: {before:?}");
    let images = pdf_images(&pdf).unwrap();
    let pictures: Vec<_> = images.iter().filter(|(kind, _, _)| kind == "image").collect();
    assert_eq!(pictures.len(), 2, "{images:?}");
    assert!(pictures.iter().all(|(_, w, h)| (*w, *h) == (640, 480)), "{images:?}");
    // The text of both steps is still there.
    let text = pdf_text(&pdf).unwrap();
    assert!(text.contains(&visible(&leaflet.steps[0].title)), "{text}");
    assert!(text.contains(&visible(&leaflet.steps[1].title)), "{text}");
}

#[test]
fn a_bad_photo_is_refused_before_typst_decodes_it() {
    let mut leaflet = read_guide("quet-ma-qr", Paper::A5);
    let photo = uploaded_photo(64, 48, false);
    for (bytes, code) in [
        (photo[..photo.len() / 2].to_vec(), "picture_malformed"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), "picture_unsupported"),
        (hocvuso_test_support::picture::png_claiming(50_000), "picture_too_many_pixels"),
    ] {
        leaflet.steps[0].picture_svg = None;
        leaflet.steps[0].photo = Some(bytes);
        match render_leaflet(&leaflet) {
            Err(PrintError::Picture(err)) => assert_eq!(err.code(), code),
            other => panic!("{code}: {other:?}"),
        }
    }
}
