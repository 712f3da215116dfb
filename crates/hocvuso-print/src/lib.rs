//! Documents of Học vụ số, rendered from a small model of their own: inputs in, bytes out.
//!
//! No database, no clock and no other hocvuso crate: the heavy document libraries compile once here and stay cached
//! while the rest of the workspace changes. Callers turn their data into [`sheet::Sheet`]s or a document model of
//! [`pdf`] (e.g. [`pdf::visit_sheet::VisitSheet`]) and ask for bytes.

pub mod pdf;
pub mod picture;
pub mod sheet;
// contests: question bank
pub mod word;

/// Everything rendering can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The spreadsheet library refused the content.
    #[error("spreadsheet: {0}")]
    Spreadsheet(String),
    /// typst refused the template, the data or a file (a bug of ours: templates are compiled in).
    #[error("pdf: {0}")]
    Pdf(String),
    /// A picture handed to a document was refused (see [`picture::clean_svg`]).
    #[error("picture: {0}")]
    Picture(#[from] picture::PictureError),
}
