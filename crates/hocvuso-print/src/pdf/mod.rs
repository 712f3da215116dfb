//! PDF documents typeset by typst inside the binary: a template of ours, the caller's data as JSON, fonts compiled in.
//!
//! The compiler sees a small in-memory world and nothing else: one main source (the template), the shared
//! `/base.typ`, the data as the virtual file `/data.json`, and whatever other virtual files the caller adds (pictures,
//! QR codes). No file system, no network, no package downloads, and the date comes from the caller, never the clock.
//!
//! User text never becomes typst markup: templates read it with `json("/data.json")` and place the strings as text,
//! so a name like `#eval("…")` or `[*]` prints exactly as typed. Why typst and what it costs: `docs/decisions/0003-pdf.md`.

pub mod leaflet;
pub mod visit_sheet;
// contests: results
pub mod certificate;

pub use leaflet::{Leaflet, LeafletStep, Paper, render_leaflet};

use std::collections::HashMap;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::PrintError;

/// Be Vietnam Pro (SIL OFL 1.1), see `fonts/README.md`: drawn for Vietnamese, every stacked diacritic included.
const FONT_FILES: [&[u8]; 3] = [
    include_bytes!("../../fonts/BeVietnamPro-Regular.ttf"),
    include_bytes!("../../fonts/BeVietnamPro-Bold.ttf"),
    include_bytes!("../../fonts/BeVietnamPro-Italic.ttf"),
];

/// Page, font and language settings and small helpers that every document template imports.
const BASE: &str = include_str!("base.typ");

/// The fonts, parsed once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = FONT_FILES.iter().flat_map(|data| Font::iter(Bytes::new(*data))).collect();
    Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A calendar date (the document's date, in Vietnam).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocDate {
    /// The year, e.g. 2026.
    pub year: i32,
    /// 1–12.
    pub month: u8,
    /// 1–31.
    pub day: u8,
}

/// One document to typeset.
pub struct Document<'a> {
    /// The typst template: one of ours, never text from a user.
    pub template: &'static str,
    /// The data, serialised to `/data.json` for the template.
    pub data: &'a serde_json::Value,
    /// Further virtual files by absolute path (e.g. `/qr.svg`).
    pub files: Vec<(String, Vec<u8>)>,
    /// The date `datetime.today()` returns and the PDF's creation date.
    pub date: DocDate,
}

/// The world typst compiles in: the template, the shared base, the data and the caller's files; nothing else.
struct MemoryWorld {
    main: Source,
    base: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

fn file_id(path: &str) -> Result<FileId, PrintError> {
    let vpath = VirtualPath::new(path).map_err(|err| PrintError::Pdf(format!("bad virtual path {path}: {err:?}")))?;
    Ok(FileId::new(RootedPath::new(VirtualRoot::Project, vpath)))
}

impl MemoryWorld {
    fn new(document: &Document<'_>) -> Result<Self, PrintError> {
        let today = Datetime::from_ymd(document.date.year, document.date.month, document.date.day)
            .ok_or_else(|| PrintError::Pdf(format!("bad date {:?}", document.date)))?;
        let data = serde_json::to_vec(document.data).map_err(|err| PrintError::Pdf(format!("data: {err}")))?;
        let mut files = HashMap::new();
        files.insert(file_id("/data.json")?, Bytes::new(data));
        for (path, bytes) in &document.files {
            files.insert(file_id(path)?, Bytes::new(bytes.clone()));
        }
        Ok(Self {
            main: Source::new(file_id("/main.typ")?, document.template.to_owned()),
            base: Source::new(file_id("/base.typ")?, BASE.to_owned()),
            files,
            today,
        })
    }
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == self.base.id() {
            Ok(self.base.clone())
        } else if self.files.contains_key(&id) {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match self.files.get(&id) {
            Some(bytes) => Ok(bytes.clone()),
            None if id == self.main.id() || id == self.base.id() => Err(FileError::AccessDenied),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Packages (`@preview/…`) are refused here too: nothing is ever downloaded.
fn not_found(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Project => FileError::NotFound(id.vpath().get_with_slash().into()),
        VirtualRoot::Package(_) => FileError::AccessDenied,
    }
}

fn describe(errors: &[SourceDiagnostic]) -> String {
    errors.iter().map(|error| error.message.as_str()).collect::<Vec<_>>().join("; ")
}

/// Typesets a document to PDF bytes. CPU-bound (tens of milliseconds in release): call it off the async runtime.
pub fn render_pdf(document: &Document<'_>) -> Result<Vec<u8>, PrintError> {
    let world = MemoryWorld::new(document)?;
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // typst memoises across compilations; keep what recent documents share (fonts, the base) and drop the rest,
    // so a long-running server does not grow with every document.
    typst::comemo::evict(10);
    let paged = compiled.map_err(|errors| PrintError::Pdf(describe(&errors)))?;
    let options = PdfOptions {
        creator: Smart::Custom(Some("Học vụ số".into())),
        timestamp: Some(Timestamp::new_utc(world.today)),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| PrintError::Pdf(describe(&errors)))
}

/// A QR code as an SVG picture, for a template to show with `image("/…svg")` (add it to [`Document::files`]).
///
/// Medium error correction: a printed leaflet survives a fold or a smudge.
pub fn qr_svg(text: &str) -> Result<Vec<u8>, PrintError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|err| PrintError::Pdf(format!("qr code: {err}")))?;
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok(svg.into_bytes())
}
