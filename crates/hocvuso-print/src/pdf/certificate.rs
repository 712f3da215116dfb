//! Winners' certificates of a contest ("Giấy chứng nhận", issue #5 item 5): one A4 landscape page each, with the
//! organiser, the contest, the winner's name, unit and prize, the place and date line, and a QR code to the page
//! of the site that verifies the certificate.

use serde::Serialize;

use super::{DocDate, Document, qr_svg, render_pdf};
use crate::PrintError;

const TEMPLATE: &str = include_str!("certificate.typ");

/// One certificate (one page).
#[derive(Clone, Debug)]
pub struct CertificatePage {
    /// The winner's full name.
    pub name: String,
    /// The winner's unit (hamlet, school, organisation).
    pub unit: String,
    /// The prize, e.g. "Giải Nhất".
    pub award: String,
    /// The place and score in words, e.g. "Xếp hạng 1 – 10/10 câu đúng".
    pub standing: String,
    /// The date line, e.g. "Quỳ Châu, ngày 05 tháng 12 năm 2026".
    pub date_line: String,
    /// The verification code, printed under the QR code.
    pub code: String,
    /// The address that verifies it, printed as a QR code.
    pub url: String,
}

/// The certificates of one contest. Every string is placed as text (`/data.json`), never read as typst markup.
#[derive(Clone, Debug)]
pub struct Certificates {
    /// The commune, e.g. "Xã Quỳ Châu" (the header's first line).
    pub commune: String,
    /// Who organises the contest, e.g. "UBND xã Quỳ Châu".
    pub organiser: String,
    /// The contest's title.
    pub contest: String,
    /// The pages, in order.
    pub pages: Vec<CertificatePage>,
    /// The printing date (the PDF's creation date).
    pub date: DocDate,
}

#[derive(Serialize)]
struct Data<'a> {
    commune: &'a str,
    organiser: &'a str,
    contest: &'a str,
    pages: Vec<PageData<'a>>,
}

#[derive(Serialize)]
struct PageData<'a> {
    name: &'a str,
    unit: &'a str,
    award: &'a str,
    standing: &'a str,
    date_line: &'a str,
    code: &'a str,
    url: &'a str,
    qr: String,
}

/// Typesets the certificates, one A4 landscape page each. CPU-bound: call it off the async runtime.
pub fn render_certificates(certificates: &Certificates) -> Result<Vec<u8>, PrintError> {
    let mut files = Vec::with_capacity(certificates.pages.len());
    let mut pages = Vec::with_capacity(certificates.pages.len());
    for (index, page) in certificates.pages.iter().enumerate() {
        let qr = format!("/qr-{}.svg", index + 1);
        files.push((qr.clone(), qr_svg(&page.url)?));
        pages.push(PageData {
            name: &page.name,
            unit: &page.unit,
            award: &page.award,
            standing: &page.standing,
            date_line: &page.date_line,
            code: &page.code,
            url: &page.url,
            qr,
        });
    }
    let data = Data {
        commune: &certificates.commune,
        organiser: &certificates.organiser,
        contest: &certificates.contest,
        pages,
    };
    let data = serde_json::to_value(&data).map_err(|err| PrintError::Pdf(format!("data: {err}")))?;
    render_pdf(&Document { template: TEMPLATE, data: &data, files, date: certificates.date })
}
