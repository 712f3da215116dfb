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
