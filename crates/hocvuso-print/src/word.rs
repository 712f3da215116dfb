//! Reading the text of Word documents (`.docx`): the paragraphs of `word/document.xml`, each with whether Word
//! numbers it as a list item (`w:numPr`), which is how an organiser's "A. B. C." options look when Word's automatic
//! numbering typed the letters.
//!
//! The container gets the spreadsheets' checks before anything is decompressed (size, entries, compression ratio,
//! macros); a macro-enabled document (`.docm`) or anything that is not a Word document is refused. The XML is parsed
//! with roxmltree, which refuses a DTD (no entity expansion).

use std::io::Read;

use crate::sheet::{ReadLimits, SheetError, open_checked_zip};

/// The main part of a Word document.
const DOCUMENT_PART: &str = "word/document.xml";

/// The Word namespace (WordprocessingML).
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Most XML nodes of a document: a bank of a few thousand questions has a few hundred thousand.
const MAX_NODES: u32 = 2_000_000;

/// One paragraph of a Word document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Its text; a line break typed inside it (Shift+Enter) is a `\n`, a tab a `\t`.
    pub text: String,
    /// Whether Word numbers it as an item of a list (the number or letter is not part of `text`).
    pub is_numbered: bool,
}

/// Reads the paragraphs of a `.docx` file, in order (paragraphs of tables included, cell by cell).
pub fn read_paragraphs(bytes: &[u8], limits: &ReadLimits) -> Result<Vec<Paragraph>, SheetError> {
    if bytes.len() > limits.max_bytes {
        return Err(SheetError::TooLarge);
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(SheetError::Unreadable);
    }
    let mut archive = open_checked_zip(bytes, limits)?;
    let content_types = read_part(&mut archive, "[Content_Types].xml", limits)?;
    // A .docm renamed to .docx still says what it is in its content types.
    if content_types.contains("macroEnabled") {
        return Err(SheetError::Macros);
    }
    if !content_types.contains("wordprocessingml.document.main+xml") {
        return Err(SheetError::Unreadable);
    }
    let document = read_part(&mut archive, DOCUMENT_PART, limits)?;
    let options =
        roxmltree::ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, ..roxmltree::ParsingOptions::default() };
    let document = roxmltree::Document::parse_with_options(&document, options).map_err(|_| SheetError::Unreadable)?;
    let paragraphs: Vec<Paragraph> =
        document.descendants().filter(|node| node.has_tag_name((W, "p"))).map(paragraph).collect();
    if paragraphs.iter().all(|p| p.text.trim().is_empty()) {
        return Err(SheetError::Empty);
    }
    Ok(paragraphs)
}

/// Reads one part of the container, never more than the limit whatever its header claims.
fn read_part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    limits: &ReadLimits,
) -> Result<String, SheetError> {
    let entry = archive.by_name(name).map_err(|_| SheetError::Unreadable)?;
    let mut text = String::new();
    entry
        .take(limits.max_uncompressed.saturating_add(1))
        .read_to_string(&mut text)
        .map_err(|_| SheetError::Unreadable)?;
    if text.len() as u64 > limits.max_uncompressed {
        return Err(SheetError::Suspicious);
    }
    Ok(text)
}

fn paragraph(node: roxmltree::Node<'_, '_>) -> Paragraph {
    let is_numbered = node
        .children()
        .filter(|child| child.has_tag_name((W, "pPr")))
        .flat_map(|properties| properties.children().filter(|child| child.has_tag_name((W, "numPr"))))
        .flat_map(|numbering| numbering.children().filter(|child| child.has_tag_name((W, "numId"))))
        // numId 0 is Word's way of saying "numbering removed".
        .any(|id| id.attribute((W, "val")).is_some_and(|value| value != "0"));
    let mut text = String::new();
    for descendant in node.descendants() {
        // A nested paragraph (a text box) is its own paragraph.
        if descendant != node && descendant.has_tag_name((W, "p")) {
            break;
        }
        if descendant.has_tag_name((W, "t")) {
            text.push_str(descendant.text().unwrap_or(""));
        } else if descendant.has_tag_name((W, "tab")) && descendant.parent().is_some_and(|p| p.has_tag_name((W, "r"))) {
            text.push('\t');
        } else if descendant.has_tag_name((W, "br")) || descendant.has_tag_name((W, "cr")) {
            text.push('\n');
        }
    }
    Paragraph { text, is_numbered }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

    fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            writer.start_file(*name, options).unwrap_or_else(|e| panic!("{e}"));
            writer.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        writer.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
    }

    fn body(paragraphs: &str) -> String {
        format!(r#"<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body>{paragraphs}</w:body></w:document>"#)
    }

    #[test]
    fn reads_paragraphs_and_their_list_numbering() {
        let xml = body(concat!(
            r#"<w:p><w:r><w:t>Câu 1: Mã OTP </w:t></w:r><w:r><w:t>là gì?</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>Mật khẩu một lần</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr><w:r><w:t>Không đánh số</w:t><w:br/><w:t>dòng hai</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:delText>đã xoá</w:delText><w:tab/><w:t>Đáp án: A</w:t></w:r></w:p>"#,
        ));
        let file = docx(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), (DOCUMENT_PART, xml.as_bytes())]);
        let paragraphs = read_paragraphs(&file, &ReadLimits::default()).unwrap_or_else(|e| panic!("{e}"));
        let texts: Vec<(&str, bool)> = paragraphs.iter().map(|p| (p.text.as_str(), p.is_numbered)).collect();
        assert_eq!(
            texts,
            vec![
                ("Câu 1: Mã OTP là gì?", false),
                ("Mật khẩu một lần", true),
                ("Không đánh số\ndòng hai", false),
                ("\tĐáp án: A", false)
            ]
        );
    }

    #[test]
    fn refuses_macros_bombs_and_other_files() {
        let xml = body(r#"<w:p><w:r><w:t>Câu 1</w:t></w:r></w:p>"#);
        let limits = ReadLimits::default();
        let macros = docx(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            (DOCUMENT_PART, xml.as_bytes()),
            ("word/vbaProject.bin", b"\x00\x01"),
        ]);
        assert_eq!(read_paragraphs(&macros, &limits), Err(SheetError::Macros));
        let docm_types = CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml");
        let renamed = docx(&[("[Content_Types].xml", docm_types.as_bytes()), (DOCUMENT_PART, xml.as_bytes())]);
        assert_eq!(read_paragraphs(&renamed, &limits), Err(SheetError::Macros));
        let bomb = docx(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), (DOCUMENT_PART, &vec![b' '; 20 << 20])]);
        assert!(bomb.len() < 1 << 20, "the bomb is small on disk");
        assert_eq!(read_paragraphs(&bomb, &limits), Err(SheetError::Suspicious));
        let sheet = docx(&[("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(read_paragraphs(&sheet, &limits), Err(SheetError::Unreadable));
        assert_eq!(read_paragraphs(b"Cau 1: plain text", &limits), Err(SheetError::Unreadable));
        let dtd = format!(
            r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>{}"#,
            body("").replace("<?xml version=\"1.0\"?>", "")
        );
        let with_dtd = docx(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), (DOCUMENT_PART, dtd.as_bytes())]);
        assert_eq!(read_paragraphs(&with_dtd, &limits), Err(SheetError::Unreadable));
    }
}
