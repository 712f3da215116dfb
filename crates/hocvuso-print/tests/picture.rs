//! Uploaded pictures (issue #4): drawings cleaned by `clean_svg`, photos re-encoded by `reencode_raster`, and every
//! hostile or broken file refused with its stable code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Cursor;
use std::path::Path;

use base64::Engine as _;
use hocvuso_print::picture::{PictureFormat, RasterLimits, SvgLimits, clean_svg, reencode_raster};

fn svg_code(svg: &str) -> &'static str {
    match clean_svg(svg.as_bytes(), &SvgLimits::default()) {
        Ok(out) => panic!("accepted: {}", String::from_utf8_lossy(&out)),
        Err(err) => err.code(),
    }
}

fn raster_code(bytes: &[u8]) -> &'static str {
    match reencode_raster(bytes, &RasterLimits::default()) {
        Ok(picture) => panic!("accepted a {}×{} picture", picture.width, picture.height),
        Err(err) => err.code(),
    }
}

/// A small photo-like picture: a gradient, so JPEG has something to encode.
fn photo(width: u32, height: u32) -> image::RgbImage {
    image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    })
}

fn encode(picture: &image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    picture.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

const SVG_OPEN: &str =
    r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 320 240">"#;

fn svg(inner: &str) -> String {
    format!("{SVG_OPEN}{inner}</svg>")
}

#[test]
fn every_starter_drawing_passes_and_comes_out_the_same_drawing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
    let mut count = 0;
    for guide in std::fs::read_dir(&dir).unwrap() {
        let guide = guide.unwrap().path();
        if !guide.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&guide).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "svg") {
                continue;
            }
            let original = std::fs::read(&file).unwrap();
            let cleaned = clean_svg(&original, &SvgLimits::default())
                .unwrap_or_else(|err| panic!("{}: {} ({err})", file.display(), err.code()));
            // Cleaning a clean drawing changes nothing more, and the drawing keeps its elements and text.
            assert_eq!(clean_svg(&cleaned, &SvgLimits::default()).unwrap(), cleaned, "{}", file.display());
            let (before, after) = (String::from_utf8(original).unwrap(), String::from_utf8(cleaned).unwrap());
            for tag in ["<rect", "<path", "<text", "<circle", "<title"] {
                assert_eq!(before.matches(tag).count(), after.matches(tag).count(), "{tag} in {}", file.display());
            }
            count += 1;
        }
    }
    assert!(count >= 24 * 4, "only {count} drawings found");
}

#[test]
fn scripts_and_event_handlers_are_refused() {
    assert_eq!(svg_code(&svg("<script>alert(1)</script>")), "svg_script");
    assert_eq!(svg_code(&svg(r#"<script xlink:href="data:text/javascript,alert(1)"/>"#)), "svg_script");
    assert_eq!(svg_code(r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#), "svg_script");
    assert_eq!(svg_code(&svg(r#"<rect width="9" height="9" ONCLICK="alert(1)"/>"#)), "svg_script");
    assert_eq!(svg_code(&svg(r#"<a href="java&#10;script:alert(1)"><text>x</text></a>"#)), "svg_script");
    assert_eq!(
        svg_code(&svg(r#"<a><set attributeName="href" to="https://evil.example"/><text>x</text></a>"#)),
        "svg_script"
    );
    assert_eq!(svg_code(&svg(r#"<rect><animate attributeName="onclick" to="alert(1)"/></rect>"#)), "svg_script");
}

#[test]
fn foreign_markup_is_refused() {
    let foreign =
        r#"<foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>"#;
    assert_eq!(svg_code(&svg(foreign)), "svg_foreign_object");
    let xhtml = r#"<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil.example"/>"#;
    assert_eq!(svg_code(&svg(xhtml)), "svg_foreign_object");
}

#[test]
fn references_outside_the_file_are_refused() {
    for inner in [
        r#"<image href="https://evil.example/track.png" width="10" height="10"/>"#,
        r#"<image xlink:href="file:///etc/passwd" width="10" height="10"/>"#,
        r#"<use href="other.svg#icon"/>"#,
        r#"<a href="https://evil.example"><text>x</text></a>"#,
        r#"<rect width="9" height="9" fill="url(https://evil.example/p.svg#g)"/>"#,
        r#"<rect width="9" height="9" style="fill: url( 'http://evil.example/x' )"/>"#,
        r#"<style>@import "https://evil.example/a.css";</style>"#,
        r#"<style>rect { fill: url(//evil.example/x) }</style>"#,
    ] {
        assert_eq!(svg_code(&svg(inner)), "svg_external_reference", "{inner}");
    }
    // Links inside the file stay.
    let local = svg(r##"<defs><linearGradient id="g"/></defs><rect id="r" fill="url(#g)"/><use href="#r"/>"##);
    let cleaned = String::from_utf8(clean_svg(local.as_bytes(), &SvgLimits::default()).unwrap()).unwrap();
    assert!(cleaned.contains(r##"fill="url(#g)""##) && cleaned.contains(r##"href="#r""##), "{cleaned}");
}

#[test]
fn a_doctype_and_an_entity_bomb_are_refused_before_expansion() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&e;</text></svg>"#;
    assert_eq!(svg_code(bomb), "svg_doctype");
    let external = r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>"#;
    assert_eq!(svg_code(external), "svg_doctype");
}

#[test]
fn too_many_elements_or_too_deep_is_refused() {
    let many = svg(&"<g/>".repeat(100_000));
    assert!(many.len() < SvgLimits::default().max_bytes, "refused for its elements, not its size");
    assert_eq!(svg_code(&many), "svg_too_complex");
    let deep = svg(&format!("{}{}", "<g>".repeat(200), "</g>".repeat(200)));
    assert_eq!(svg_code(&deep), "svg_too_complex");
    let fits = svg(&"<g/>".repeat(1_000));
    assert!(clean_svg(fits.as_bytes(), &SvgLimits::default()).is_ok());
}

#[test]
fn large_malformed_and_non_svg_files_are_refused() {
    let large = svg(&format!("<text>{}</text>", "a".repeat(600 * 1024)));
    assert_eq!(svg_code(&large), "picture_too_large");
    assert_eq!(svg_code(r#"<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>"#), "picture_malformed");
    assert_eq!(svg_code(&svg("<rect/>")[..40]), "picture_malformed");
    assert_eq!(svg_code("<html><body/></html>"), "picture_unsupported");
    assert_eq!(svg_code("<svg><rect/></svg>"), "picture_unsupported", "no SVG namespace");
    assert_eq!(clean_svg(&[0xff, 0xfe, 0x00], &SvgLimits::default()).unwrap_err().code(), "picture_malformed");
    // Names that are not ASCII are no trouble (a byte-sliced check would panic on them).
    let accented = svg(r#"<rect width="9" height="9" ơn="1" ôn:x="2" xmlns:ôn="urn:x"/>"#);
    let cleaned = String::from_utf8(clean_svg(accented.as_bytes(), &SvgLimits::default()).unwrap()).unwrap();
    assert!(cleaned.contains(r#"ơn="1""#) && !cleaned.contains("urn:x"), "{cleaned}");
}

#[test]
fn comments_metadata_and_editor_attributes_are_left_out() {
    let messy = r##"<?xml version="1.0"?><!-- made by someone@example.com -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3" viewBox="0 0 10 10">
<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">Nguyễn Văn A</rdf:RDF></metadata>
<?php echo 1; ?><rect width="10" height="10" fill="#fff" inkscape:label="nền"/><text x="1" y="5">Chạm &amp; giữ &lt;3</text></svg>"##;
    let cleaned = String::from_utf8(clean_svg(messy.as_bytes(), &SvgLimits::default()).unwrap()).unwrap();
    for gone in ["someone@example.com", "inkscape", "metadata", "Nguyễn Văn A", "php", "<?xml"] {
        assert!(!cleaned.contains(gone), "{gone} in {cleaned}");
    }
    assert!(cleaned.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">"#), "{cleaned}");
    assert!(cleaned.contains("<text x=\"1\" y=\"5\">Chạm &amp; giữ &lt;3</text>"), "{cleaned}");
}

#[test]
fn a_small_embedded_photo_is_kept_re_encoded_and_anything_else_is_refused() {
    let png = encode(&image::DynamicImage::ImageRgb8(photo(16, 12)), image::ImageFormat::Png);
    let data = base64::engine::general_purpose::STANDARD.encode(&png);
    let embedded = svg(&format!(r#"<image width="16" height="12" href="data:image/png;base64,{data}"/>"#));
    let cleaned = String::from_utf8(clean_svg(embedded.as_bytes(), &SvgLimits::default()).unwrap()).unwrap();
    assert!(cleaned.contains("href=\"data:image/jpeg;base64,"), "re-encoded as a fresh JPEG: {}", &cleaned[..200]);

    let html = base64::engine::general_purpose::STANDARD.encode("<script>alert(1)</script>");
    for inner in [
        format!(r#"<image href="data:text/html;base64,{html}"/>"#),
        format!(r#"<image href="data:image/svg+xml;base64,{html}"/>"#),
        format!(r#"<image href="data:image/png;base64,{html}"/>"#),
        r#"<image href="data:image/png;base64,!!!notbase64"/>"#.to_owned(),
        format!(r#"<use href="data:image/png;base64,{data}"/>"#),
        format!(r#"<image href="data:image/png;base64,{}"/>"#, "A".repeat(400 * 1024)),
    ] {
        assert_eq!(svg_code(&svg(&inner)), "svg_embedded_image", "{}", &inner[..60.min(inner.len())]);
    }
}

/// A JPEG with an EXIF block holding a GPS position (21°N), put right after the start-of-image marker.
fn jpeg_with_gps() -> Vec<u8> {
    let jpeg = encode(&image::DynamicImage::ImageRgb8(photo(64, 48)), image::ImageFormat::Jpeg);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08"); // big-endian TIFF, IFD0 at 8
    tiff.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]); // GPSInfo → 26; no next IFD
    tiff.extend_from_slice(&[0, 2]); // GPS IFD: two entries
    tiff.extend_from_slice(&[0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef "N"
    tiff.extend_from_slice(&[0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 56]); // GPSLatitude, 3 rationals at 56
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for (num, den) in [(21u32, 1u32), (1, 1), (30, 1)] {
        tiff.extend_from_slice(&num.to_be_bytes());
        tiff.extend_from_slice(&den.to_be_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xff, 0xe1]);
    out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

#[test]
fn a_photo_comes_out_without_its_gps_position() {
    let original = jpeg_with_gps();
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(&original)).unwrap();
    let latitude = exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY).expect("the fixture has a GPS latitude");
    assert!(latitude.display_value().to_string().contains("21"), "{}", latitude.display_value());

    let picture = reencode_raster(&original, &RasterLimits::default()).unwrap();
    assert_eq!((picture.format, picture.width, picture.height), (PictureFormat::Jpeg, 64, 48));
    assert!(exif::Reader::new().read_from_container(&mut Cursor::new(&picture.bytes)).is_err(), "EXIF is gone");
    assert!(!picture.bytes.windows(4).any(|w| w == b"Exif"), "no EXIF block at all");
    assert_eq!(image::load_from_memory(&picture.bytes).unwrap().width(), 64, "still a picture");
}

#[test]
fn a_large_photo_is_shrunk_and_transparency_keeps_png() {
    let big = encode(&image::DynamicImage::ImageRgb8(photo(3000, 2000)), image::ImageFormat::Png);
    let picture = reencode_raster(&big, &RasterLimits::default()).unwrap();
    assert_eq!((picture.format, picture.width, picture.height), (PictureFormat::Jpeg, 1200, 800));
    let decoded = image::load_from_memory(&picture.bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (1200, 800));

    let tall = encode(&image::DynamicImage::ImageRgb8(photo(900, 2400)), image::ImageFormat::Jpeg);
    let picture = reencode_raster(&tall, &RasterLimits::default()).unwrap();
    assert_eq!((picture.width, picture.height), (600, 1600), "the height is bounded too");

    let clear = image::RgbaImage::from_pixel(40, 30, image::Rgba([10, 20, 30, 0]));
    let webp = encode(&image::DynamicImage::ImageRgba8(clear), image::ImageFormat::WebP);
    let picture = reencode_raster(&webp, &RasterLimits::default()).unwrap();
    assert_eq!((picture.format, picture.width, picture.height), (PictureFormat::Png, 40, 30));
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // 50,000 × 50,000 RGBA would take 10 GB once decoded; the file is 60 bytes.
    let bomb = hocvuso_test_support::picture::png_claiming(50_000);
    let err = reencode_raster(&bomb, &RasterLimits::default()).unwrap_err();
    assert_eq!(err.code(), "picture_too_many_pixels");
    assert!(err.to_string().contains("50000×50000"), "found in the header: {err}");

    // A thin strip is refused by its longest side even though its pixel count is small.
    let strip = encode(&image::DynamicImage::ImageRgb8(photo(13_000, 1)), image::ImageFormat::Png);
    assert_eq!(raster_code(&strip), "picture_too_many_pixels");
}

#[test]
fn truncated_and_foreign_files_are_refused_with_their_codes() {
    let rgb = image::DynamicImage::ImageRgb8(photo(200, 150));
    for format in [image::ImageFormat::Png, image::ImageFormat::Jpeg, image::ImageFormat::WebP] {
        let whole = encode(&rgb, format);
        for cut in [whole.len() / 2, 30] {
            let result = reencode_raster(&whole[..cut], &RasterLimits::default()).map(|p| p.width);
            assert_eq!(
                result.map_err(|e| e.code()),
                Err("picture_malformed"),
                "{format:?} cut at {cut} of {}",
                whole.len()
            );
        }
    }
    assert_eq!(raster_code(b"\x89PNG"), "picture_malformed");
    let gif = encode(&rgb, image::ImageFormat::Gif);
    assert_eq!(raster_code(&gif), "picture_unsupported");
    assert_eq!(raster_code(svg("<rect/>").as_bytes()), "picture_unsupported");
    assert_eq!(raster_code(b"%PDF-1.7 this is not a picture at all"), "picture_unsupported");
    let limits = RasterLimits { max_bytes: 1000, ..RasterLimits::default() };
    let err = reencode_raster(&encode(&rgb, image::ImageFormat::Png), &limits).unwrap_err();
    assert_eq!(err.code(), "picture_too_large");
}
