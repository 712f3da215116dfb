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

/// Limits checked before a spreadsheet is decompressed or parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest upload.
    pub max_bytes: usize,
    /// Most entries in the zip container of an `.xlsx` or `.ods`.
    pub max_entries: usize,
    /// Largest total uncompressed size of those entries.
    pub max_uncompressed: u64,
    /// Largest compression ratio of one entry (uncompressed / compressed) above 1 MiB: zip bombs compress 1000:1.
    pub max_ratio: u64,
    /// Most data rows.
    pub max_rows: usize,
    /// Most columns.
    pub max_columns: usize,
}

impl Default for ReadLimits {
    /// Sized for a commune's register: 50,000 rows fit well inside them.
    fn default() -> Self {
        ReadLimits {
            max_bytes: 20 * 1024 * 1024,
            max_entries: 200,
            max_uncompressed: 200 * 1024 * 1024,
            max_ratio: 100,
            max_rows: 60_000,
            max_columns: 40,
        }
    }
}

/// Why a spreadsheet was refused. Each variant has a stable code for the interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    /// Larger than [`ReadLimits::max_bytes`].
    #[error("file too large")]
    TooLarge,
    /// A zip container over the limits (entries, size or ratio): possibly a zip bomb.
    #[error("suspicious compression")]
    Suspicious,
    /// Holds macros (`vbaProject.bin`).
    #[error("contains macros")]
    Macros,
    /// Links to other workbooks.
    #[error("contains external links")]
    ExternalLinks,
    /// Not a spreadsheet we can read, or damaged.
    #[error("unreadable")]
    Unreadable,
    /// More rows or columns than allowed.
    #[error("too many rows or columns")]
    TooManyRows,
    /// No sheet or no rows.
    #[error("empty")]
    Empty,
}

impl SheetError {
    /// The stable code of this refusal.
    pub fn code(self) -> &'static str {
        match self {
            SheetError::TooLarge => "file_too_large",
            SheetError::Suspicious => "file_suspicious",
            SheetError::Macros => "file_has_macros",
            SheetError::ExternalLinks => "file_has_external_links",
            SheetError::Unreadable => "file_unreadable",
            SheetError::TooManyRows => "file_too_many_rows",
            SheetError::Empty => "file_empty",
        }
    }
}

/// Reads the first worksheet of an `.xlsx` or `.ods` file, or a `.csv` (UTF-8, comma or semicolon), as rows of
/// text, blank rows included (row `i` is line `i + 1` of the spreadsheet). Numbers lose a trailing `.0`. The zip container is inspected from its central directory before anything
/// is decompressed.
pub fn read_table(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Vec<String>>, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::TooLarge);
    }
    let rows = if bytes.starts_with(b"PK\x03\x04") { read_zipped(bytes, limits)? } else { read_csv(bytes)? };
    if rows.len() > limits.max_rows + 1 || rows.iter().any(|row| row.len() > limits.max_columns) {
        return Err(SheetError::TooManyRows);
    }
    // Blank rows stay, so row numbers match what the spreadsheet shows.
    if !rows.iter().any(|row| row.iter().any(|cell| !cell.trim().is_empty())) {
        return Err(SheetError::Empty);
    }
    Ok(rows)
}

/// Opens a zip container (`.xlsx`, `.ods`, `.docx`) and checks it from its central directory, before anything is
/// decompressed: entry count, total size, compression ratio, macros and external links.
pub(crate) fn open_checked_zip<'a>(
    bytes: &'a [u8],
    limits: &ReadLimits,
) -> Result<zip::ZipArchive<std::io::Cursor<&'a [u8]>>, SheetError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    if archive.len() > limits.max_entries {
        return Err(SheetError::Suspicious);
    }
    let mut total: u64 = 0;
    for idx in 0..archive.len() {
        let entry = archive.by_index_raw(idx).map_err(|_| SheetError::Unreadable)?;
        let name = entry.name().map_err(|_| SheetError::Unreadable)?.to_ascii_lowercase();
        if name.ends_with("vbaproject.bin") || name.contains("macros/") {
            return Err(SheetError::Macros);
        }
        if name.contains("externallink") {
            return Err(SheetError::ExternalLinks);
        }
        let (size, compressed) = (entry.size(), entry.compressed_size().max(1));
        total = total.saturating_add(size);
        if total > limits.max_uncompressed || (size > 1024 * 1024 && size / compressed > limits.max_ratio) {
            return Err(SheetError::Suspicious);
        }
    }
    Ok(archive)
}

fn read_zipped(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Vec<String>>, SheetError> {
    open_checked_zip(bytes, limits)?;
    use calamine::Reader;
    let mut workbook =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    let range = workbook.worksheet_range_at(0).ok_or(SheetError::Empty)?.map_err(|_| SheetError::Unreadable)?;
    let (height, width) = range.get_size();
    if height > limits.max_rows + 1 || width > limits.max_columns {
        return Err(SheetError::TooManyRows);
    }
    Ok(range.rows().map(|row| row.iter().map(cell_text).collect()).collect())
}

fn cell_text(cell: &calamine::Data) -> String {
    match cell {
        calamine::Data::Float(number) if number.fract() == 0.0 && number.abs() < 1e15 => format!("{}", *number as i64),
        calamine::Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, SheetError> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
        .map_err(|_| SheetError::Unreadable)?;
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    reader
        .records()
        .map(|record| record.map(|r| r.iter().map(str::to_owned).collect()).map_err(|_| SheetError::Unreadable))
        .collect()
}
