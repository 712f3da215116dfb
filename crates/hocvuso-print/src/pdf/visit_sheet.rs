//! The volunteer's printable visit sheet: the people not yet reached, by hamlet and household, most in need first,
//! with their missing core skills as empty tick boxes and blank lines for notes and the next step.

use serde::Serialize;

use super::{DocDate, Document, render_pdf};
use crate::PrintError;

const TEMPLATE: &str = include_str!("visit_sheet.typ");

/// What the sheet shows. The caller has already chosen the least data (no CCCD; a phone only with consent).
#[derive(Clone, Debug, Serialize)]
pub struct VisitSheet {
    /// The commune's name.
    pub commune: String,
    /// What the sheet covers, e.g. "Thôn Đông" or "Các hộ được phân công".
    pub scope: String,
    /// Who visits; `None` leaves a line to write a name on.
    pub volunteer: Option<String>,
    /// The printing date, dd/mm/yyyy.
    pub date: String,
    /// A one-line count, e.g. "3 người chưa phổ cập ở 2 hộ".
    pub summary: String,
    /// The hamlets, in the order of their most urgent person.
    pub hamlets: Vec<SheetHamlet>,
}

/// One hamlet of the sheet.
#[derive(Clone, Debug, Serialize)]
pub struct SheetHamlet {
    /// The hamlet's name.
    pub name: String,
    /// Its households, in the order of their most urgent person.
    pub households: Vec<SheetHousehold>,
}

/// One household of the sheet.
#[derive(Clone, Debug, Serialize)]
pub struct SheetHousehold {
    /// The address.
    pub address: String,
    /// The people not yet reached, most in need first.
    pub people: Vec<SheetPerson>,
}

/// One person not yet reached.
#[derive(Clone, Debug, Serialize)]
pub struct SheetPerson {
    /// The full name.
    pub name: String,
    /// The birth year, if known.
    pub born: Option<i32>,
    /// Why they are urgent ("Cao tuổi", "Sống một mình"…).
    pub reasons: Vec<String>,
    /// The core skills still missing, each printed with an empty tick box.
    pub missing: Vec<String>,
    /// The last contact, dd/mm/yyyy, or words saying there was none.
    pub last_contact: String,
    /// The phone number, only for people who consented to be contacted.
    pub phone: Option<String>,
}

/// Typesets the sheet as an A4 PDF.
pub fn render_visit_sheet(sheet: &VisitSheet, date: DocDate) -> Result<Vec<u8>, PrintError> {
    let data = serde_json::to_value(sheet).map_err(|err| PrintError::Pdf(format!("data: {err}")))?;
    render_pdf(&Document { template: TEMPLATE, data: &data, files: Vec::new(), date })
}
