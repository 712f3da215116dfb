//! Pictures people upload for guides (issue #4): drawings (SVG) are parsed and re-written from an allow-listed tree,
//! photos are re-encoded, so what is stored and served is ours, never the uploaded bytes. Why: `docs/decisions/0010-pictures.md`.
//!
//! - [`clean_svg`] parses with a real XML parser (roxmltree, no DTD), refuses anything that runs code, reaches outside
//!   the file or embeds foreign markup, and writes a new SVG with no comments, no metadata and no unknown namespaces.
//! - [`reencode_raster`] reads a PNG, JPEG or WebP header first, refuses giant dimensions before a pixel is decoded,
//!   decodes under allocation limits, turns it upright (EXIF orientation), shrinks it and writes a fresh JPEG (or PNG
//!   when it has transparency): EXIF, GPS positions, comments and colour profiles are not carried over.

use std::io::Cursor;

use base64::Engine as _;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};

/// Why a picture was refused. [`PictureError::code`] is the stable code for the API and for `error_message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// The file is larger than the limit (bytes).
    #[error("the file has {size} bytes, more than {limit}")]
    TooLarge {
        /// The file's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The picture has more pixels (or a longer side) than allowed; found from its header, before decoding.
    #[error("{width}×{height} pixels is more than allowed")]
    TooManyPixels {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
    },
    /// Not a PNG, JPEG, WebP or SVG file.
    #[error("unsupported picture format")]
    Unsupported,
    /// The file is cut short or damaged.
    #[error("malformed picture: {0}")]
    Malformed(String),
    /// The SVG has a DOCTYPE (entities can expand to gigabytes or read files).
    #[error("svg with a DOCTYPE")]
    SvgDoctype,
    /// The SVG has too many elements or is nested too deep.
    #[error("svg too complex")]
    SvgTooComplex,
    /// The SVG has a script, an event handler (`onload=`…) or a `javascript:` link.
    #[error("svg with a script: {0}")]
    SvgScript(String),
    /// The SVG has a `foreignObject` or elements of another markup (XHTML…).
    #[error("svg with foreign markup: {0}")]
    SvgForeignObject(String),
    /// The SVG refers to a file or site outside itself (`href`, `url(…)`, `@import`).
    #[error("svg with an external reference: {0}")]
    SvgExternalReference(String),
    /// An embedded image is not a small PNG, JPEG or WebP.
    #[error("svg with a refused embedded image: {0}")]
    SvgEmbeddedImage(String),
    /// Encoding failed (a bug or a resource problem of ours, not the file's fault).
    #[error("picture internal error: {0}")]
    Internal(String),
}

impl PictureError {
    /// The stable error code (API `error` field, key of the Vietnamese message).
    pub fn code(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "picture_too_large",
            Self::TooManyPixels { .. } => "picture_too_many_pixels",
            Self::Unsupported => "picture_unsupported",
            Self::Malformed(_) => "picture_malformed",
            Self::SvgDoctype => "svg_doctype",
            Self::SvgTooComplex => "svg_too_complex",
            Self::SvgScript(_) => "svg_script",
            Self::SvgForeignObject(_) => "svg_foreign_object",
            Self::SvgExternalReference(_) => "svg_external_reference",
            Self::SvgEmbeddedImage(_) => "svg_embedded_image",
            Self::Internal(_) => "picture_internal",
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// SVG

/// Limits for [`clean_svg`].
#[derive(Clone, Debug)]
pub struct SvgLimits {
    /// The largest file accepted (bytes).
    pub max_bytes: usize,
    /// The most elements.
    pub max_elements: usize,
    /// The deepest nesting of elements.
    pub max_depth: usize,
    /// The largest embedded `data:` image (decoded bytes).
    pub max_embedded_bytes: usize,
}

impl Default for SvgLimits {
    /// 512 KB, 5,000 elements, 64 levels, embedded images up to 256 KB. A starter drawing has 30–80 elements.
    fn default() -> Self {
        Self { max_bytes: 512 * 1024, max_elements: 5_000, max_depth: 64, max_embedded_bytes: 256 * 1024 }
    }
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Elements left out of the output with everything inside them: they carry no drawing.
const DROPPED_ELEMENTS: [&str; 1] = ["metadata"];

/// Animation elements: they can set any attribute later (`<set attributeName="href" to="javascript:…">`).
const ANIMATION_ELEMENTS: [&str; 5] = ["set", "animate", "animateTransform", "animateMotion", "discard"];

/// Cleans an uploaded SVG: parses it, refuses what could run, reach out or explode, and writes it anew.
///
/// The output holds SVG elements only (no prefix; `xlink:href` kept as such), their attributes without event
/// handlers or foreign namespaces, text, and nothing else: no comments, processing instructions, `<metadata>` or
/// editor attributes (Inkscape, Illustrator). Embedded `data:` images are re-encoded by [`reencode_raster`].
pub fn clean_svg(bytes: &[u8], limits: &SvgLimits) -> Result<Vec<u8>, PictureError> {
    if bytes.len() > limits.max_bytes {
        return Err(PictureError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| PictureError::Malformed("not UTF-8".into()))?;
    // roxmltree refuses a DTD by default (no entity expansion at all); its node limit bounds memory while parsing.
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::try_from(limits.max_elements.saturating_mul(4)).unwrap_or(u32::MAX),
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|err| match err {
        roxmltree::Error::DtdDetected => PictureError::SvgDoctype,
        roxmltree::Error::NodesLimitReached => PictureError::SvgTooComplex,
        other => PictureError::Malformed(other.to_string()),
    })?;
    let root = document.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err(PictureError::Unsupported);
    }
    let mut writer = SvgWriter { out: String::with_capacity(text.len()), elements: 0, limits, uses_xlink: false };
    writer.element(root, 0)?;
    let mut out = String::with_capacity(writer.out.len() + 80);
    // The root's namespace declarations are written here, once, now that we know whether xlink is used.
    let body = writer.out;
    let after_name = "<svg".len();
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\"");
    if writer.uses_xlink {
        out.push_str(" xmlns:xlink=\"http://www.w3.org/1999/xlink\"");
    }
    out.push_str(&body[after_name..]);
    Ok(out.into_bytes())
}

struct SvgWriter<'l> {
    out: String,
    elements: usize,
    limits: &'l SvgLimits,
    uses_xlink: bool,
}

impl SvgWriter<'_> {
    fn element(&mut self, node: roxmltree::Node<'_, '_>, depth: usize) -> Result<(), PictureError> {
        self.elements += 1;
        if self.elements > self.limits.max_elements || depth > self.limits.max_depth {
            return Err(PictureError::SvgTooComplex);
        }
        let tag = node.tag_name();
        let name = tag.name();
        if tag.namespace() != Some(SVG_NS) {
            return Err(PictureError::SvgForeignObject(format!(
                "<{name}> in {}",
                tag.namespace().unwrap_or("no namespace")
            )));
        }
        if name.eq_ignore_ascii_case("script")
            || name.eq_ignore_ascii_case("handler")
            || name.eq_ignore_ascii_case("listener")
        {
            return Err(PictureError::SvgScript(format!("<{name}>")));
        }
        if name.eq_ignore_ascii_case("foreignObject") {
            return Err(PictureError::SvgForeignObject("<foreignObject>".into()));
        }
        if ANIMATION_ELEMENTS.contains(&name) {
            check_animation(node)?;
        }
        if DROPPED_ELEMENTS.contains(&name) {
            return Ok(());
        }
        self.out.push('<');
        self.out.push_str(name);
        for attribute in node.attributes() {
            let (prefix, local) = match attribute.namespace() {
                None => ("", attribute.name()),
                Some(XLINK_NS) => ("xlink:", attribute.name()),
                Some(XML_NS) => ("xml:", attribute.name()),
                // Editor and unknown namespaces (inkscape:, sodipodi:, i:…) carry nothing to draw: left out.
                Some(_) => continue,
            };
            let value = self.attribute_value(name, local, attribute.value())?;
            if prefix == "xlink:" {
                self.uses_xlink = true;
            }
            self.out.push(' ');
            self.out.push_str(prefix);
            self.out.push_str(local);
            self.out.push_str("=\"");
            escape_into(&mut self.out, &value, true);
            self.out.push('"');
        }
        let children: Vec<_> = node.children().filter(|c| c.is_element() || c.is_text()).collect();
        if children.is_empty() {
            self.out.push_str("/>");
            return Ok(());
        }
        self.out.push('>');
        for child in children {
            if child.is_element() {
                self.element(child, depth + 1)?;
            } else if let Some(text) = child.text() {
                if name == "style" {
                    check_css(text)?;
                }
                escape_into(&mut self.out, text, false);
            }
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        Ok(())
    }

    /// Checks one attribute; returns the value to write (an embedded image comes back re-encoded).
    fn attribute_value(&mut self, element: &str, name: &str, value: &str) -> Result<String, PictureError> {
        if name.len() > 2 && name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
            return Err(PictureError::SvgScript(format!("{name}=")));
        }
        let folded: String = value.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
        if folded.to_ascii_lowercase().contains("javascript:") {
            return Err(PictureError::SvgScript(format!("{name}=\"javascript:…\"")));
        }
        if name == "href" {
            if folded.starts_with('#') {
                return Ok(value.to_owned());
            }
            if element == "image" && folded.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")) {
                return self.embedded_image(&folded);
            }
            if folded.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("data:")) {
                return Err(PictureError::SvgEmbeddedImage(format!("data: link on <{element}>")));
            }
            return Err(PictureError::SvgExternalReference(format!("{name}=\"{}\"", shorten(value))));
        }
        check_css(value)?;
        Ok(value.to_owned())
    }

    /// A `data:image/png|jpeg|webp;base64,…` image under the size limit, re-encoded (no metadata, bounded pixels).
    fn embedded_image(&self, url: &str) -> Result<String, PictureError> {
        let Some((header, payload)) = url.split_once(',') else {
            return Err(PictureError::SvgEmbeddedImage("data: link without data".into()));
        };
        let header = header.to_ascii_lowercase();
        let mime = header.strip_prefix("data:").and_then(|h| h.strip_suffix(";base64")).unwrap_or_default();
        if !matches!(mime, "image/png" | "image/jpeg" | "image/jpg" | "image/webp") {
            return Err(PictureError::SvgEmbeddedImage(format!("type {}", shorten(&header))));
        }
        // Base64 grows data by 4/3: check the encoded length before decoding anything.
        if payload.len() / 4 * 3 > self.limits.max_embedded_bytes {
            return Err(PictureError::SvgEmbeddedImage(format!("more than {} bytes", self.limits.max_embedded_bytes)));
        }
        let raw = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .map_err(|_| PictureError::SvgEmbeddedImage("bad base64".into()))?;
        let limits = RasterLimits { max_bytes: self.limits.max_embedded_bytes, ..RasterLimits::default() };
        let picture = reencode_raster(&raw, &limits).map_err(|err| match err {
            PictureError::Internal(_) => err,
            other => PictureError::SvgEmbeddedImage(other.to_string()),
        })?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(&picture.bytes);
        Ok(format!("data:{};base64,{encoded}", picture.format.mime()))
    }
}

/// `<set>`/`<animate…>` may not change links or handlers.
fn check_animation(node: roxmltree::Node<'_, '_>) -> Result<(), PictureError> {
    let target = node.attribute("attributeName").unwrap_or_default().to_ascii_lowercase();
    if target.ends_with("href") || target.starts_with("on") {
        return Err(PictureError::SvgScript(format!("<{} attributeName=\"{target}\">", node.tag_name().name())));
    }
    Ok(())
}

/// CSS in a `style` attribute, a presentation attribute or a `<style>` element: only `url(#local)` references.
fn check_css(css: &str) -> Result<(), PictureError> {
    let lower: String = css.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    // CSS escapes (`\75 rl(`) could hide a url(; a drawing has no reason to use them.
    if lower.contains("@import") || lower.contains('\\') && lower.contains('(') {
        return Err(PictureError::SvgExternalReference(format!("css \"{}\"", shorten(css))));
    }
    if lower.contains("expression(") || lower.contains("behavior:") || lower.contains("-moz-binding") {
        return Err(PictureError::SvgScript(format!("css \"{}\"", shorten(css))));
    }
    let mut rest = lower.as_str();
    while let Some(start) = rest.find("url(") {
        let inside = rest[start + 4..].trim_start_matches(['"', '\'']);
        if !inside.starts_with('#') {
            return Err(PictureError::SvgExternalReference(format!("url({}", shorten(inside))));
        }
        rest = &rest[start + 4..];
    }
    Ok(())
}

fn shorten(value: &str) -> String {
    value.chars().take(60).collect()
}

/// XML escaping for text (`<`, `>`, `&`) and attribute values (also `"` and line breaks, so they survive).
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Photos

/// Limits for [`reencode_raster`].
#[derive(Clone, Debug)]
pub struct RasterLimits {
    /// The largest file accepted (bytes).
    pub max_bytes: usize,
    /// The most pixels (width × height) read from the header; more is refused before decoding.
    pub max_pixels: u64,
    /// The longest side in the header; more is refused before decoding.
    pub max_side: u32,
    /// The output's largest width; wider pictures are shrunk, keeping their proportions.
    pub max_width: u32,
    /// The output's largest height.
    pub max_height: u32,
    /// JPEG quality of the output, 1–100.
    pub jpeg_quality: u8,
}

impl Default for RasterLimits {
    /// 10 MB, 40 megapixels (a 48 MP phone's default 12 MP photo passes), sides up to 12,000 px; out at most
    /// 1200 × 1600 px, JPEG quality 82.
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 12_000,
            max_width: 1200,
            max_height: 1600,
            jpeg_quality: 82,
        }
    }
}

/// The format of a re-encoded picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PictureFormat {
    /// Photos without transparency.
    Jpeg,
    /// Pictures with transparency.
    Png,
}

impl PictureFormat {
    /// The MIME type, e.g. for `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// A re-encoded picture: new bytes, no metadata.
#[derive(Clone, Debug)]
pub struct Picture {
    /// The encoded file.
    pub bytes: Vec<u8>,
    /// JPEG or PNG.
    pub format: PictureFormat,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Re-encodes an uploaded PNG, JPEG or WebP: header checked before decoding, upright, shrunk, written anew.
///
/// CPU-bound (decoding, resizing and encoding a whole photo): call it off the async runtime.
pub fn reencode_raster(bytes: &[u8], limits: &RasterLimits) -> Result<Picture, PictureError> {
    if bytes.len() > limits.max_bytes {
        return Err(PictureError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    let format = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::WebP)) => format,
        Ok(_) => return Err(PictureError::Unsupported),
        Err(_) if looks_like_svg(bytes) => return Err(PictureError::Unsupported),
        Err(_) if bytes.len() < 16 => return Err(PictureError::Malformed("too short".into())),
        Err(_) => return Err(PictureError::Unsupported),
    };
    // The header alone: dimensions before a single pixel is decoded or a buffer allocated for them.
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(malformed)?;
    if width == 0 || height == 0 {
        return Err(PictureError::Malformed("empty picture".into()));
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels || width.max(height) > limits.max_side {
        return Err(PictureError::TooManyPixels { width, height });
    }
    // The JPEG decoder fills a cut-off photo with grey instead of failing; a cut file is refused here instead.
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PictureError::Malformed("the JPEG ends before its end marker".into()));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // A second fence: the decoder itself refuses to allocate more than the accepted picture needs (RGBA, 16-bit).
    let mut decoder_limits = image::Limits::default();
    decoder_limits.max_image_width = Some(limits.max_side);
    decoder_limits.max_image_height = Some(limits.max_side);
    decoder_limits.max_alloc = Some(limits.max_pixels.saturating_mul(8).saturating_add(64 * 1024 * 1024));
    reader.limits(decoder_limits);
    let refused = |err: image::ImageError| match err {
        image::ImageError::Limits(_) => PictureError::TooManyPixels { width, height },
        other => malformed(other),
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let orientation = decoder.orientation().map_err(refused)?;
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    picture.apply_orientation(orientation);
    if picture.width() > limits.max_width || picture.height() > limits.max_height {
        picture = picture.resize(limits.max_width, limits.max_height, image::imageops::FilterType::Triangle);
    }
    let (width, height) = (picture.width(), picture.height());
    let mut out = Vec::new();
    let format = if picture.color().has_alpha() {
        picture
            .to_rgba8()
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|err| PictureError::Internal(err.to_string()))?;
        PictureFormat::Png
    } else {
        let rgb = picture.to_rgb8();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, limits.jpeg_quality.clamp(1, 100));
        rgb.write_with_encoder(encoder).map_err(|err| PictureError::Internal(err.to_string()))?;
        PictureFormat::Jpeg
    };
    Ok(Picture { bytes: out, format, width, height })
}

/// Checks a photo that [`reencode_raster`] wrote earlier (read back from storage) before another reader decodes it:
/// a PNG or JPEG by its magic bytes, within the size limit, dimensions from the header no larger than the output
/// limits (with no decoding), and a JPEG that reaches its end marker. Returns its format. Used by the leaflet, which
/// hands the bytes to typst's image decoder.
pub fn check_raster(bytes: &[u8], limits: &RasterLimits) -> Result<PictureFormat, PictureError> {
    if bytes.len() > limits.max_bytes {
        return Err(PictureError::TooLarge { size: bytes.len(), limit: limits.max_bytes });
    }
    let (format, picture_format) = match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => (ImageFormat::Png, PictureFormat::Png),
        Ok(ImageFormat::Jpeg) => (ImageFormat::Jpeg, PictureFormat::Jpeg),
        _ => return Err(PictureError::Unsupported),
    };
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().map_err(malformed)?;
    if width == 0 || height == 0 {
        return Err(PictureError::Malformed("empty picture".into()));
    }
    if width > limits.max_width.max(limits.max_height) || height > limits.max_width.max(limits.max_height) {
        return Err(PictureError::TooManyPixels { width, height });
    }
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PictureError::Malformed("the JPEG ends before its end marker".into()));
    }
    Ok(picture_format)
}

fn malformed(err: image::ImageError) -> PictureError {
    match err {
        image::ImageError::Limits(_) => PictureError::TooManyPixels { width: 0, height: 0 },
        image::ImageError::Unsupported(_) => PictureError::Unsupported,
        other => PictureError::Malformed(other.to_string()),
    }
}

/// Walks a JPEG's marker segments (lengths, then entropy-coded scans up to the next marker) and tells whether its end
/// marker (EOI) is reached. Data after EOI (a phone's motion-photo video, say) is allowed and ignored.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return false;
    }
    let mut at = 2;
    loop {
        // Fill bytes (0xFF repeated) may precede a marker.
        while bytes.get(at) == Some(&0xff) && bytes.get(at + 1) == Some(&0xff) {
            at += 1;
        }
        let (Some(&0xff), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else { return false };
        at += 2;
        match marker {
            0xd9 => return true,
            0x01 | 0xd0..=0xd7 => continue,
            _ => {}
        }
        let (Some(&high), Some(&low)) = (bytes.get(at), bytes.get(at + 1)) else { return false };
        at += usize::from(u16::from_be_bytes([high, low]));
        if at > bytes.len() {
            return false;
        }
        if marker == 0xda {
            // A scan: entropy-coded data, where 0xFF is followed by 0x00 (a stuffed byte) or a restart marker.
            loop {
                match (bytes.get(at), bytes.get(at + 1)) {
                    (Some(&0xff), Some(&next)) if next == 0x00 || (0xd0..=0xd7).contains(&next) => at += 2,
                    (Some(&0xff), Some(_)) => break,
                    (Some(_), _) => at += 1,
                    (None, _) => return false,
                }
            }
        }
    }
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    head.contains("<svg")
}
