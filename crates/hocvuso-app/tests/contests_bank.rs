//! The question bank and contest set-up through the use cases, with real files built here (text in UTF-8 and
//! UTF-16, Word documents with list numbering, spreadsheets), on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

use hocvuso_app::contests::bank::{self, BankFormat, BankImport, ContestForm};
use hocvuso_app::contests::{self, EntrantInput};
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::contests::overview::ContestStatus;
use hocvuso_domain::contests::questions::{Difficulty, Question};
use hocvuso_domain::ids::{CommuneId, QuestionId};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_domain::privacy::AuditSubject;
use hocvuso_print::sheet::{Cell, Sheet, write_xlsx};
use hocvuso_store::{NewUser, Store};
use hocvuso_test_support::{stores, test_now};
use time::Duration;

const COMMUNE: CommuneId = CommuneId(16777);
const OTHER: CommuneId = CommuneId(16804);

const TEXT: &str = "Chủ đề: An toàn\n\
    Câu 1: Người lạ xin mã OTP qua điện thoại, bạn làm gì?\nA. Đọc mã cho họ\nB. Không đọc, cúp máy\nĐáp án: B\n\
    Câu 2: Đường link lạ báo trúng thưởng thì sao?\nA. Bấm vào ngay\nB. Không bấm, hỏi người thân\nC. Gửi cho bạn bè\nĐáp án: B\n\
    Chủ đề: VNeID\n\
    Câu 3: VNeID là ứng dụng của ai?\nA. Bộ Công an\nB. Một công ty game\nĐáp án: A\n\
    Câu 4: Những gì cần khi kích hoạt mức 2?\nA. CCCD gắn chip\nB. Số điện thoại chính chủ\nC. Thẻ ngân hàng\nĐáp án: A, B\n";

/// Activates the commune with a staff account; returns that account as the actor.
async fn staff_of(store: &Store, commune: CommuneId, phone: &str) -> Actor {
    let mut tx = store.write().await.unwrap();
    tx.activate_commune(commune, test_now()).await.unwrap();
    let user = tx
        .insert_user(
            &NewUser {
                phone: PhoneNumber::parse(phone).unwrap(),
                display_name: "Cán bộ xã".into(),
                password_hash: "x".into(),
                role: Role::CommuneStaff,
                province_code: None,
                commune_id: Some(commune),
                hamlet_id: None,
            },
            test_now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Actor { user_id: user, role: Role::CommuneStaff, province_code: None, commune_id: Some(commune), hamlet_id: None }
}

fn ctx_of(store: &Store) -> Ctx {
    Ctx::new(store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1))
}

async fn bank_of(ctx: &Ctx, actor: &Actor, commune: CommuneId) -> Vec<Question> {
    contests::question_bank(ctx, actor, commune).await.unwrap().into_iter().map(|(_, q)| q).collect()
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A zip container with these parts.
fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// One paragraph of WordprocessingML; `numbered` ones are items of Word's automatic list (w:numPr).
fn paragraph(text: &str, numbered: bool) -> String {
    let numbering = if numbered {
        r#"<w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr></w:pPr>"#
    } else {
        ""
    };
    format!(r#"<w:p>{numbering}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

/// A minimal valid .docx holding these paragraphs.
fn docx(paragraphs: &[(&str, bool)]) -> Vec<u8> {
    let body: String = paragraphs.iter().map(|(text, numbered)| paragraph(text, *numbered)).collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    zipped(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), ("word/document.xml", document.as_bytes())])
}

/// A question spreadsheet as an organiser makes it: a title row, headers typed without accents, then the rows.
fn workbook(rows: &[[&str; 8]]) -> Vec<u8> {
    write_xlsx(&[Sheet {
        name: "Câu hỏi".into(),
        title: "NGÂN HÀNG CÂU HỎI HỘI THI".into(),
        headers: ["CHU DE", "Muc do", "Cau hoi", "a", "B", "Phương án C", "Dap an", "Giai thich"]
            .map(str::to_owned)
            .to_vec(),
        rows: rows.iter().map(|row| row.iter().map(|c| Cell::from(*c)).collect()).collect(),
    }])
    .unwrap()
}

async fn import(ctx: &Ctx, me: &Actor, name: &str, bytes: Vec<u8>) -> Result<BankImport, AppError> {
    bank::import_question_file(ctx, me, COMMUNE, name, bytes).await
}

fn problems(report: &BankImport) -> Vec<(Option<u32>, usize, &'static str)> {
    report.problems.iter().map(|p| (p.number, p.at, p.code)).collect()
}

#[tokio::test]
async fn text_word_and_spreadsheet_files_fill_the_bank() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let report = import(&ctx, &me, "ngan hang.TXT", TEXT.as_bytes().to_vec()).await.unwrap();
        assert_eq!((report.format, report.n_read, report.imported.len()), (BankFormat::Text, 4, 4), "{}", test.label);

        // Notepad's "Unicode": UTF-16 little-endian with its byte-order mark.
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(
            "Câu 1: Mã QR dùng để làm gì?\r\n*A. Mở nhanh trang web\r\nB. Gọi điện\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let report = import(&ctx, &me, "qr.txt", utf16).await.unwrap();
        assert_eq!(report.imported.len(), 1, "{}: {:?}", test.label, report.problems);

        // Word: the options are an automatic "A. B. C." list, so their letters are not in the text.
        let word = docx(&[
            ("Chủ đề: Dịch vụ công", false),
            ("Mức độ: khó", false),
            ("Câu 1: Nộp hồ sơ trực tuyến ở đâu?", false),
            ("Cổng Dịch vụ công quốc gia", true),
            ("Một trang lạ gửi qua tin nhắn", true),
            ("Trang của người bán hàng", true),
            ("Đáp án: A", false),
            ("Câu 2: Những giấy tờ nào có trong VNeID?", false),
            ("Giấy phép lái xe", true),
            ("Thẻ bảo hiểm y tế", true),
            ("Vé xổ số", true),
            ("Đáp án: A, B", false),
        ]);
        let report = import(&ctx, &me, "cau hoi.docx", word).await.unwrap();
        assert!(report.problems.is_empty(), "{}: {:?}", test.label, report.problems);
        assert_eq!(report.imported.len(), 2);

        let sheet = workbook(&[
            ["Thanh toán", "dễ", "Mã QR trên hoá đơn dùng để làm gì?", "Thanh toán nhanh", "Gọi điện", "", "A", ""],
            ["", "", "", "", "", "", "", ""],
            [
                "Thanh toán",
                "",
                "Chuyển khoản nhầm thì làm gì?",
                "Bỏ qua",
                "Báo ngân hàng ngay",
                "Đăng lên mạng",
                "b",
                "Ngân hàng giúp tra soát.",
            ],
        ]);
        let report = import(&ctx, &me, "bang.xlsx", sheet).await.unwrap();
        assert!(report.problems.is_empty(), "{}: {:?}", test.label, report.problems);
        assert_eq!((report.format, report.imported.len()), (BankFormat::Sheet, 2));
        let csv = "Câu hỏi;A;B;Đáp án\nAi cấp mã OTP?;Ngân hàng;Người lạ;A\n";
        assert_eq!(import(&ctx, &me, "x.csv", csv.as_bytes().to_vec()).await.unwrap().imported.len(), 1);

        let bank = bank_of(&ctx, &me, COMMUNE).await;
        assert_eq!(bank.len(), 10, "{}", test.label);
        let word_question = bank.iter().find(|q| q.text == "Những giấy tờ nào có trong VNeID?").unwrap();
        assert_eq!(word_question.options, vec!["Giấy phép lái xe", "Thẻ bảo hiểm y tế", "Vé xổ số"]);
        assert_eq!((word_question.correct.clone(), word_question.difficulty), (vec![0, 1], Difficulty::Hard));
        assert_eq!(word_question.topic, "Dịch vụ công");
        let row = bank.iter().find(|q| q.text.starts_with("Chuyển khoản")).unwrap();
        assert_eq!((row.correct.clone(), row.explanation.as_str()), (vec![1], "Ngân hàng giúp tra soát."));
        assert_eq!(bank.iter().find(|q| q.text.starts_with("Mã QR trên")).unwrap().difficulty, Difficulty::Easy);

        let view = bank::bank_view(&ctx, &me, COMMUNE, Some("Thanh toán")).await.unwrap();
        assert_eq!((view.n_questions, view.questions.len()), (10, 2));
        assert!(view.topics.contains(&("VNeID".to_owned(), 2)), "{:?}", view.topics);
    }
}

#[tokio::test]
async fn a_half_valid_file_adds_nothing_and_names_every_problem() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let sheet = workbook(&[
            ["An toàn", "dễ", "Câu tốt?", "Có", "Không", "", "A", ""],
            ["An toàn", "rất khó", "Mức độ lạ?", "Có", "Không", "", "A", ""],
            ["An toàn", "", "Đáp án ngoài?", "Có", "Không", "", "D", ""],
            ["An toàn", "", "Bỏ trống B?", "Có", "", "Ba", "A", ""],
        ]);
        let report = import(&ctx, &me, "bang.xlsx", sheet).await.unwrap();
        assert!(report.imported.is_empty());
        // The title is row 1, the headers row 3: the questions are rows 4 to 7.
        assert_eq!(
            problems(&report),
            vec![
                (Some(2), 5, "question_file_unknown_difficulty"),
                (Some(3), 6, "question_answer_not_an_option"),
                (Some(4), 7, "question_empty_option")
            ],
            "{}",
            test.label
        );
        let word = docx(&[
            ("Ghi chú của ban tổ chức", false),
            ("Câu 1: Tốt?", false),
            ("Có", true),
            ("Không", true),
            ("Đáp án: B", false),
            ("Câu 2: Thiếu đáp án", false),
            ("Có", true),
            ("Không", true),
        ]);
        let report = import(&ctx, &me, "de.docx", word).await.unwrap();
        assert_eq!(report.n_read, 2);
        assert_eq!(
            problems(&report),
            vec![(None, 1, "question_file_text_outside_question"), (Some(2), 6, "question_no_answer")],
            "{}",
            test.label
        );
        let text = "Câu 1: Tốt?\nA. Có\nB. Không\nĐáp án: A\nCâu 2: Một lựa chọn\nA. Có\nĐáp án: A\n";
        let report = import(&ctx, &me, "de.txt", text.as_bytes().to_vec()).await.unwrap();
        assert_eq!(problems(&report), vec![(Some(2), 5, "question_too_few_options")]);
        let no_header = write_xlsx(&[Sheet {
            name: "x".into(),
            title: "x".into(),
            headers: vec!["Nội dung khác".into()],
            rows: vec![],
        }])
        .unwrap();
        let report = import(&ctx, &me, "khac.xlsx", no_header).await.unwrap();
        assert_eq!(problems(&report), vec![(None, 1, "question_sheet_no_header")]);
        assert!(bank_of(&ctx, &me, COMMUNE).await.is_empty(), "{}: nothing was added", test.label);
    }
}

#[tokio::test]
async fn dangerous_or_foreign_files_are_refused_before_reading() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let refused = |result: Result<BankImport, AppError>| match result {
            Err(AppError::Invalid(rejections)) => rejections[0].code,
            other => panic!("not refused: {other:?}"),
        };
        let good = docx(&[("Câu 1: Tốt?", false), ("Có", true), ("Không", true), ("Đáp án: A", false)]);
        // 30 MB of spaces compress to a few kilobytes: refused from the zip's directory, never inflated.
        let document = format!("<w:document>{}</w:document>", " ".repeat(30 << 20));
        let bomb =
            zipped(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes()), ("word/document.xml", document.as_bytes())]);
        assert!(bomb.len() < 200_000);
        assert_eq!(refused(import(&ctx, &me, "bom.docx", bomb).await), "file_suspicious", "{}", test.label);
        let docm_types = CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml");
        let macro_doc = zipped(&[
            ("[Content_Types].xml", docm_types.as_bytes()),
            ("word/document.xml", b"<w:document/>"),
            ("word/vbaProject.bin", b"\xD0\xCF\x11\xE0"),
        ]);
        assert_eq!(refused(import(&ctx, &me, "de.docm", macro_doc.clone()).await), "file_has_macros");
        assert_eq!(refused(import(&ctx, &me, "de.docx", macro_doc).await), "file_has_macros");
        let sheet = workbook(&[["", "", "Hỏi?", "Có", "Không", "", "A", ""]]);
        assert_eq!(refused(import(&ctx, &me, "bang.docx", sheet.clone()).await), "file_unreadable");
        assert_eq!(refused(import(&ctx, &me, "bang.txt", sheet).await), "question_file_wrong_type");
        assert_eq!(refused(import(&ctx, &me, "de.pdf", good.clone()).await), "question_file_wrong_type");
        assert_eq!(refused(import(&ctx, &me, "de.txt", b"C\xE2u 1".to_vec()).await), "file_unreadable");
        assert_eq!(refused(import(&ctx, &me, "de.txt", Vec::new()).await), "file_empty");
        let huge = vec![b'a'; bank::MAX_BANK_FILE_BYTES + 1];
        assert_eq!(refused(import(&ctx, &me, "de.txt", huge).await), "file_too_large");
        // Only the commune's staff import.
        let volunteer = Actor { role: Role::Volunteer, ..me.clone() };
        assert!(matches!(import(&ctx, &volunteer, "de.docx", good.clone()).await, Err(AppError::NotFound)));
        assert!(matches!(bank::import_question_file(&ctx, &me, OTHER, "de.docx", good).await, Err(AppError::NotFound)));
        assert!(bank_of(&ctx, &me, COMMUNE).await.is_empty(), "{}", test.label);
    }
}

#[tokio::test]
async fn an_exported_bank_reads_back_the_same() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let other = staff_of(&test.store, OTHER, "0900000021").await;
        import(&ctx, &me, "a.txt", TEXT.as_bytes().to_vec()).await.unwrap();
        // Texts a spreadsheet would read as formulas, a multi-line question and an explanation survive the trip.
        let tricky =
            "Mức độ: khó\nCâu 5: =1+1 bằng mấy?\ndòng thứ hai\nA. -2\nB. @2\nC. +2\nĐáp án: C\nGiải thích: =SUM(A1)\n";
        assert_eq!(import(&ctx, &me, "b.txt", tricky.as_bytes().to_vec()).await.unwrap().imported.len(), 1);
        let original = bank_of(&ctx, &me, COMMUNE).await;

        let xlsx = bank::export_bank_xlsx(&ctx, &me, COMMUNE).await.unwrap();
        assert!(xlsx.file_name.ends_with(".xlsx"));
        let back = bank::import_question_file(&ctx, &other, OTHER, &xlsx.file_name, xlsx.bytes).await.unwrap();
        assert!(back.problems.is_empty(), "{}: {:?}", test.label, back.problems);
        assert_eq!(bank_of(&ctx, &other, OTHER).await, original, "{}: xlsx round trip", test.label);

        let text = bank::export_bank_text(&ctx, &me, COMMUNE).await.unwrap();
        let again = bank::import_question_file(&ctx, &me, COMMUNE, &text.file_name, text.bytes).await.unwrap();
        assert!(again.problems.is_empty(), "{}: {:?}", test.label, again.problems);
        let doubled = bank_of(&ctx, &me, COMMUNE).await;
        assert_eq!(doubled[original.len()..], original[..], "{}: text round trip", test.label);

        let mut tx = test.store.read().await.unwrap();
        let audit = tx.list_audit(Some(COMMUNE), 20).await.unwrap();
        let exports: Vec<&str> =
            audit.iter().filter(|e| e.subject == AuditSubject::QuestionBank).map(|e| e.detail.as_str()).collect();
        assert_eq!(exports, vec!["question bank text", "question bank xlsx"], "{}", test.label);
        drop(tx);
        assert!(matches!(bank::export_bank_xlsx(&ctx, &other, COMMUNE).await, Err(AppError::NotFound)));
    }
}

fn form() -> ContestForm {
    ContestForm {
        title: "Hiểu biết an toàn số".into(),
        rules: "Thi một lần.".into(),
        organiser: "UBND xã".into(),
        // test_now() is 2026-11-28 08:00 in Vietnam.
        opens_at: "2026-11-28T09:00".into(),
        closes_at: "2026-11-30T09:00".into(),
        time_limit_minutes: "10".into(),
        attempts_allowed: "1".into(),
        counting: "best".into(),
        total: "3".into(),
        quotas: vec![("VNeID".into(), "2".into()), ("An toàn".into(), String::new())],
        shuffle_options: true,
        prediction_question: String::new(),
        results: "after_close".into(),
        ranking: vec!["score".into(), "time_taken".into(), String::new(), String::new()],
        cccd: "not_asked".into(),
        units: "Thôn Đông\n\n Thôn Tây \n".into(),
    }
}

fn fields_of(result: Result<impl std::fmt::Debug, AppError>) -> Vec<(&'static str, &'static str)> {
    match result {
        Err(AppError::Invalid(rejections)) => rejections.iter().map(|r| (r.field, r.code)).collect(),
        other => panic!("not refused: {other:?}"),
    }
}

#[tokio::test]
async fn a_contest_set_up_from_the_form_and_its_overview() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        import(&ctx, &me, "a.txt", TEXT.as_bytes().to_vec()).await.unwrap();
        let set_up = |form: ContestForm| {
            let (ctx, me) = (ctx.clone(), me.clone());
            async move { bank::set_up_contest(&ctx, &me, COMMUNE, &form).await }
        };
        assert_eq!(
            fields_of(set_up(ContestForm { opens_at: "28/11/2026".into(), total: "ba".into(), ..form() }).await),
            vec![("opens_at", "contest_datetime_invalid"), ("total", "contest_number_invalid")]
        );
        let cases = [
            (ContestForm { title: " ".into(), ..form() }, ("title", "contest_title")),
            (
                ContestForm { closes_at: "2026-11-28T08:00".into(), ..form() },
                ("closes_at", "contest_closes_before_opens"),
            ),
            (ContestForm { time_limit_minutes: "0".into(), ..form() }, ("time_limit_minutes", "contest_time_limit")),
            (
                ContestForm { quotas: vec![("VNeID".into(), "3".into())], ..form() },
                ("quotas", "contest_topic_too_small"),
            ),
            (ContestForm { total: "9".into(), ..form() }, ("total", "contest_bank_too_small")),
            (ContestForm { units: "\n".into(), ..form() }, ("units", "contest_units")),
            (ContestForm { ranking: vec!["score".into(), "score".into()], ..form() }, ("ranking", "contest_ranking")),
            (ContestForm { counting: "worst".into(), ..form() }, ("choice", "contest_choice_invalid")),
        ];
        for (form, expected) in cases {
            assert_eq!(fields_of(set_up(form).await), vec![expected], "{}", test.label);
        }
        let contest = set_up(form()).await.unwrap();
        let overview = bank::contest_overview(&ctx, &me, contest).await.unwrap();
        let settings = &overview.contest.settings;
        assert_eq!(settings.opens_at, test_now() + Duration::hours(1), "Vietnam's 09:00 is 02:00 UTC");
        assert_eq!(settings.units, vec!["Thôn Đông", "Thôn Tây"]);
        assert_eq!(settings.plan.quotas.len(), 1);
        assert_eq!(settings.prediction_question, None);
        assert_eq!(
            (overview.status, overview.n_questions, overview.figures.n_entrants),
            (ContestStatus::NotOpen, 4, 0)
        );

        // Two people take part: one answers every question at once and submits in the same second, one takes five minutes.
        let person = |phone: &str, unit: &str| EntrantInput {
            full_name: "Hà Văn Sơn".into(),
            birth_year: "1958".into(),
            phone: phone.into(),
            cccd: String::new(),
            unit: unit.into(),
        };
        let fast = contests::register(&ctx, contest, &person("0912345678", "Thôn Tây")).await.unwrap().code;
        let slow = contests::register(&ctx, contest, &person("0987654321", "Thôn Đông")).await.unwrap().code;
        ctx.clock.advance(Duration::hours(1));
        for (code, minutes) in [(&fast, 0), (&slow, 5)] {
            let view = contests::start_attempt(&ctx, contest, code).await.unwrap();
            for position in 0..view.questions.len() {
                contests::answer(&ctx, contest, code, view.attempt_id, position, &[0], 1).await.unwrap();
            }
            ctx.clock.advance(Duration::minutes(minutes));
            contests::submit(&ctx, contest, code, view.attempt_id, None).await.unwrap();
        }
        let overview = bank::contest_overview(&ctx, &me, contest).await.unwrap();
        assert_eq!(overview.status, ContestStatus::Open);
        let figures = &overview.figures;
        assert_eq!((figures.n_entrants, figures.n_started, figures.n_submitted), (2, 2, 2), "{}", test.label);
        assert_eq!(figures.by_unit, vec![("Thôn Đông".to_owned(), 1), ("Thôn Tây".to_owned(), 1)]);
        assert_eq!(overview.flagged.len(), 1, "{}: only the attempt made in no time", test.label);
        assert_eq!((overview.flagged[0].unit.as_str(), overview.flagged[0].n_answered), ("Thôn Tây", 3));

        let list = bank::commune_contests(&ctx, &me, COMMUNE).await.unwrap();
        assert_eq!(list.iter().map(|c| (c.contest.id, c.n_entrants)).collect::<Vec<_>>(), vec![(contest, 2)]);
        let other = staff_of(&test.store, OTHER, "0900000021").await;
        assert!(matches!(bank::contest_overview(&ctx, &other, contest).await, Err(AppError::NotFound)));
        let volunteer = Actor { role: Role::Volunteer, ..me.clone() };
        assert!(matches!(bank::contest_overview(&ctx, &volunteer, contest).await, Err(AppError::NotFound)));
        assert!(matches!(bank::set_up_contest(&ctx, &volunteer, COMMUNE, &form()).await, Err(AppError::NotFound)));
    }
}

#[tokio::test]
async fn a_retired_question_leaves_the_bank_but_not_the_contests() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let ids: Vec<QuestionId> = import(&ctx, &me, "a.txt", TEXT.as_bytes().to_vec()).await.unwrap().imported;
        let contest = bank::set_up_contest(&ctx, &me, COMMUNE, &form()).await.unwrap();
        bank::retire_question(&ctx, &me, COMMUNE, ids[0]).await.unwrap();
        assert_eq!(bank_of(&ctx, &me, COMMUNE).await.len(), 3, "{}", test.label);
        assert!(matches!(bank::retire_question(&ctx, &me, COMMUNE, ids[0]).await, Err(AppError::NotFound)));
        let other = staff_of(&test.store, OTHER, "0900000021").await;
        assert!(matches!(bank::retire_question(&ctx, &other, OTHER, ids[1]).await, Err(AppError::NotFound)));
        assert_eq!(bank::contest_overview(&ctx, &me, contest).await.unwrap().n_questions, 4);
    }
}
