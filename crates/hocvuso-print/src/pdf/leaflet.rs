//! A guide as a printable leaflet (issue #4, item 7): the title and summary, a QR code to the online guide, the
//! numbered steps each with its picture, and the commune and date in the footer. A5 or A4.

use serde::Serialize;

use super::{DocDate, Document, qr_svg, render_pdf};
use crate::PrintError;
use crate::picture::{RasterLimits, SvgLimits, check_raster, clean_svg};

const TEMPLATE: &str = include_str!("leaflet.typ");

/// The paper a leaflet is laid out for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Paper {
    /// 148 × 210 mm: a sheet of A4 folded once, the usual handout.
    #[default]
    A5,
    /// 210 × 297 mm: larger text and pictures, for people who see poorly or for a notice board.
    A4,
}

impl Paper {
    /// typst's paper name.
    fn typst_name(self) -> &'static str {
        match self {
            Self::A5 => "a5",
            Self::A4 => "a4",
        }
    }
}

/// One step of a guide.
#[derive(Clone, Debug)]
pub struct LeafletStep {
    /// The step's heading, e.g. "Mở ứng dụng VNeID".
    pub title: String,
    /// The step's text: paragraphs separated by a blank line, `- ` bullet lines, `**bold**`; nothing else is markup.
    pub text: String,
    /// The step's drawing (SVG). It is cleaned again with [`clean_svg`] before typst sees it.
    pub picture_svg: Option<Vec<u8>>,
    /// The step's photo (PNG or JPEG as `reencode_raster` wrote it at upload), drawn when there is no drawing. It is
    /// checked again with [`check_raster`] before typst decodes it.
    pub photo: Option<Vec<u8>>,
}

/// What a leaflet shows. Every string is placed as text (`/data.json`), never read as typst markup.
#[derive(Clone, Debug)]
pub struct Leaflet {
    /// The guide's title.
    pub title: String,
    /// One sentence: what the guide helps with.
    pub summary: String,
    /// The steps, in order; they are numbered from 1.
    pub steps: Vec<LeafletStep>,
    /// The online guide's address, printed as a QR code and as text.
    pub url: String,
    /// A5 or A4.
    pub paper: Paper,
    /// The printing date (footer and PDF creation date).
    pub date: DocDate,
    /// The commune's name (footer).
    pub commune: String,
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    summary: &'a str,
    url: &'a str,
    commune: &'a str,
    date: String,
    paper: &'static str,
    steps: Vec<StepData<'a>>,
}

#[derive(Serialize)]
struct StepData<'a> {
    title: &'a str,
    text: &'a str,
    /// The virtual path of the step's picture, if it has one.
    picture: Option<String>,
}

/// Typesets a guide's leaflet. CPU-bound (see `docs/performance.md`): call it off the async runtime.
///
/// Fails with [`PrintError::Picture`] when a step's SVG is refused by [`clean_svg`] or its photo by [`check_raster`]
/// (pictures are cleaned when they are uploaded; this second pass keeps a file changed on disk or in the database
/// from reaching typst's picture readers unchecked).
pub fn render_leaflet(leaflet: &Leaflet) -> Result<Vec<u8>, PrintError> {
    let limits = SvgLimits::default();
    let raster_limits = RasterLimits::default();
    let mut files: Vec<(String, Vec<u8>)> = vec![("/qr.svg".to_owned(), qr_svg(&leaflet.url)?)];
    let mut steps = Vec::with_capacity(leaflet.steps.len());
    for (index, step) in leaflet.steps.iter().enumerate() {
        let picture = match (&step.picture_svg, &step.photo) {
            (Some(svg), _) => {
                let path = format!("/step-{}.svg", index + 1);
                files.push((path.clone(), clean_svg(svg, &limits)?));
                Some(path)
            }
            (None, Some(photo)) => {
                let format = check_raster(photo, &raster_limits)?;
                let path = format!("/step-{}.{}", index + 1, format.extension());
                files.push((path.clone(), photo.clone()));
                Some(path)
            }
            (None, None) => None,
        };
        steps.push(StepData { title: &step.title, text: &step.text, picture });
    }
    let DocDate { year, month, day } = leaflet.date;
    let data = Data {
        title: &leaflet.title,
        summary: &leaflet.summary,
        url: &leaflet.url,
        commune: &leaflet.commune,
        date: format!("{day:02}/{month:02}/{year}"),
        paper: leaflet.paper.typst_name(),
        steps,
    };
    let data = serde_json::to_value(&data).map_err(|err| PrintError::Pdf(format!("data: {err}")))?;
    render_pdf(&Document { template: TEMPLATE, data: &data, files, date: leaflet.date })
}
