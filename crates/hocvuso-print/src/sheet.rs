//! Spreadsheets: a table model and its `.xlsx` rendering.
//!
//! Every value a person typed is written as a string cell, never as a formula; values that begin with a character
//! a spreadsheet reads as a formula (`=`, `+`, `-`, `@`, tab, carriage return) also get Excel's quote-prefix format,
//! so even a user who edits and re-saves the cell does not turn it into one (OWASP "CSV injection").

use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use crate::PrintError;

/// One cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text, written as a string cell.
    Text(String),
    /// A number (counts, years).
    Number(f64),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Option<i32>> for Cell {
    fn from(number: Option<i32>) -> Cell {
        number.map_or(Cell::Empty, |n| Cell::Number(f64::from(n)))
    }
}

/// One worksheet: a title row above a header row and the data.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    /// Tab name (at most 31 characters; longer names are cut).
    pub name: String,
    /// A line above the table, e.g. "Danh sách người chưa phổ cập – Xã Quỳ Châu – 28/11/2026".
    pub title: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<Cell>>,
}

/// Whether a spreadsheet would read this text as the start of a formula.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Renders the sheets as one `.xlsx` workbook.
pub fn write_xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, PrintError> {
    let err = |e: rust_xlsxwriter::XlsxError| PrintError::Spreadsheet(e.to_string());
    let mut workbook = Workbook::new();
    let title_format = Format::new().set_bold().set_font_size(13);
    let header_format = Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_text_wrap();
    let text_guard = Format::new().set_quote_prefix();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        let name: String = sheet.name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        worksheet.set_name(name).map_err(err)?;
        worksheet.write_string_with_format(0, 0, &sheet.title, &title_format).map_err(err)?;
        for (col, header) in sheet.headers.iter().enumerate() {
            let col = u16::try_from(col).map_err(|_| PrintError::Spreadsheet("too many columns".into()))?;
            worksheet.write_string_with_format(2, col, header, &header_format).map_err(err)?;
            worksheet.set_column_width(col, 18).map_err(err)?;
        }
        for (row_idx, row) in sheet.rows.iter().enumerate() {
            let row_number = u32::try_from(row_idx + 3).map_err(|_| PrintError::Spreadsheet("too many rows".into()))?;
            for (col, cell) in row.iter().enumerate() {
                let col = u16::try_from(col).map_err(|_| PrintError::Spreadsheet("too many columns".into()))?;
                match cell {
                    Cell::Text(text) if looks_like_formula(text) => {
                        worksheet.write_string_with_format(row_number, col, text, &text_guard).map_err(err)?;
                    }
                    Cell::Text(text) => {
                        worksheet.write_string(row_number, col, text).map_err(err)?;
                    }
                    Cell::Number(number) => {
                        worksheet.write_number(row_number, col, *number).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        worksheet.set_freeze_panes(3, 0).map_err(err)?;
    }
    workbook.save_to_buffer().map_err(err)
}
