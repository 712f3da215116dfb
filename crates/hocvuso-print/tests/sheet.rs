//! Renders workbooks and reads them back with calamine, as Excel or LibreOffice would.
#![allow(clippy::unwrap_used)]

use calamine::{Data, Reader, Xlsx};
use hocvuso_print::sheet::{Cell, Sheet, looks_like_formula, write_xlsx};

#[test]
fn vietnamese_text_and_numbers_round_trip_and_nothing_becomes_a_formula() {
    let sheet = Sheet {
        name: "Người dân: chưa phổ cập".into(),
        title: "Danh sách người chưa phổ cập – Xã Quỳ Châu".into(),
        headers: vec!["Họ và tên".into(), "Năm sinh".into(), "Ghi chú".into()],
        rows: vec![
            vec![Cell::from("Nguyễn Thị Ánh"), Cell::from(Some(1950)), Cell::from("=HYPERLINK(\"http://x\",\"bấm\")")],
            vec![Cell::from("Đỗ Văn An"), Cell::Empty, Cell::from("+84 912 345 678")],
        ],
    };
    let bytes = write_xlsx(&[sheet]).unwrap();
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(workbook.sheet_names(), vec!["Người dân chưa phổ cập".to_owned()]);
    let range = workbook.worksheet_range("Người dân chưa phổ cập").unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("Danh sách người chưa phổ cập – Xã Quỳ Châu".into())));
    assert_eq!(range.get_value((3, 0)), Some(&Data::String("Nguyễn Thị Ánh".into())));
    assert_eq!(range.get_value((3, 1)), Some(&Data::Float(1950.0)));
    assert_eq!(range.get_value((3, 2)), Some(&Data::String("=HYPERLINK(\"http://x\",\"bấm\")".into())));
    let formulas = workbook.worksheet_formula("Người dân chưa phổ cập").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no cell holds a formula");
}

#[test]
fn formula_triggers_are_recognised() {
    for text in ["=1+1", "+84", "-2", "@SUM(A1)", "\tx"] {
        assert!(looks_like_formula(text), "{text}");
    }
    assert!(!looks_like_formula("0912345678") && !looks_like_formula("Hà Nội"));
}

use hocvuso_print::sheet::{ReadLimits, SheetError, read_table};
use std::io::Write;

fn zip_with(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut buffer = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut buffer);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap();
    buffer.into_inner()
}

#[test]
fn a_written_workbook_reads_back_as_text_rows() {
    let sheet = Sheet {
        name: "Danh sách".into(),
        title: "Thôn Đông".into(),
        headers: vec!["Họ và tên".into(), "Năm sinh".into(), "Số điện thoại".into()],
        rows: vec![vec![Cell::from("Lò Văn Páo"), Cell::from(Some(1960)), Cell::Number(912345678.0)]],
    };
    let rows = read_table(&write_xlsx(&[sheet]).unwrap(), &ReadLimits::default()).unwrap();
    assert_eq!(rows[0][0], "Thôn Đông");
    assert!(rows[1].iter().all(String::is_empty), "the blank row under the title stays");
    assert_eq!(rows[3], vec!["Lò Văn Páo", "1960", "912345678"], "numbers lose their .0");
}

#[test]
fn csv_with_semicolons_and_a_bom_is_read() {
    let rows =
        read_table("\u{feff}Họ và tên;Năm sinh\nVi Thị Mai;1970\n\n".as_bytes(), &ReadLimits::default()).unwrap();
    assert_eq!(rows, vec![vec!["Họ và tên", "Năm sinh"], vec!["Vi Thị Mai", "1970"]]);
}

#[test]
fn hostile_and_broken_files_are_refused_before_decompression() {
    let limits = ReadLimits::default();
    let bomb = zip_with(&[("xl/worksheets/sheet1.xml", vec![b'0'; 50 * 1024 * 1024])]);
    assert!(bomb.len() < 1024 * 1024, "the test bomb is small on the wire");
    assert_eq!(read_table(&bomb, &limits), Err(SheetError::Suspicious));
    let macros = zip_with(&[("xl/vbaProject.bin", b"x".to_vec())]);
    assert_eq!(read_table(&macros, &limits), Err(SheetError::Macros));
    let links = zip_with(&[("xl/externalLinks/externalLink1.xml", b"x".to_vec())]);
    assert_eq!(read_table(&links, &limits), Err(SheetError::ExternalLinks));
    let many: Vec<(String, Vec<u8>)> = (0..300).map(|i| (format!("f{i}"), vec![b'x'])).collect();
    let many: Vec<(&str, Vec<u8>)> = many.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    assert_eq!(read_table(&zip_with(&many), &limits), Err(SheetError::Suspicious));
    assert_eq!(read_table(b"PK\x03\x04 truncated", &limits), Err(SheetError::Unreadable));
    assert_eq!(read_table(&[0xff, 0xfe, 0x00], &limits), Err(SheetError::Unreadable));
    assert_eq!(read_table(b"", &limits), Err(SheetError::Empty));
    let small = ReadLimits { max_bytes: 10, ..limits };
    assert_eq!(read_table(b"a,b,c\n1,2,3\n", &small), Err(SheetError::TooLarge));
    let narrow = ReadLimits { max_rows: 1, ..limits };
    assert_eq!(read_table(b"a\n1\n2\n3\n", &narrow), Err(SheetError::TooManyRows));
}
