//! Editing a question on a page, with a picture, on SQLite and PostgreSQL: an edit is a new question (the old one
//! retired), contests created before keep the old question, its key and its picture; a refused field or picture
//! stores nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_app::contests::bank::{self, ContestForm};
use hocvuso_app::contests::edit::{self, QuestionForm};
use hocvuso_app::contests::{self, EntrantInput};
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::ids::{CommuneId, ContestId, QuestionId};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_store::{NewUser, Store};
use hocvuso_test_support::{stores, test_now};
use time::Duration;

const COMMUNE: CommuneId = CommuneId(16777);
const OTHER: CommuneId = CommuneId(16804);

const TEXT: &str = "Chủ đề: An toàn\n\
    Câu 1: Người lạ xin mã OTP qua điện thoại, bạn làm gì?\nA. Đọc mã cho họ\nB. Không đọc, cúp máy\nĐáp án: B\n\
    Câu 2: Đường link lạ báo trúng thưởng thì sao?\nA. Bấm vào ngay\nB. Không bấm, hỏi người thân\nC. Gửi cho bạn bè\nĐáp án: B\n";

/// A drawing with what the cleaner keeps and what it drops (a comment, editor metadata).
const SVG: &str = r##"<?xml version="1.0"?><!-- made in Inkscape --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20"><metadata>x</metadata><rect width="40" height="20" fill="#1a5fb4"/><text x="4" y="14">OTP</text></svg>"##;

/// A 1×1 PNG with transparency (so it stays a PNG).
const PNG: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x38, 0x20, 0xa3, 0xf1, 0x1f, 0x00, 0x04, 0xa8, 0x02, 0x04, 0x82, 0x2f, 0xc2,
    0x80, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

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

/// A contest drawing every question of the bank (two), open from 09:00 Vietnam time (an hour after `test_now`).
fn contest_form(title: &str) -> ContestForm {
    ContestForm {
        title: title.into(),
        rules: "Thi một lần.".into(),
        organiser: "UBND xã".into(),
        opens_at: "2026-11-28T09:00".into(),
        closes_at: "2026-11-30T09:00".into(),
        time_limit_minutes: "10".into(),
        attempts_allowed: "1".into(),
        counting: "best".into(),
        total: "2".into(),
        quotas: Vec::new(),
        shuffle_options: false,
        prediction_question: String::new(),
        results: "after_attempt".into(),
        ranking: vec!["score".into()],
        cccd: "not_asked".into(),
        units: "Thôn Đông".into(),
    }
}

/// The first question's form as it is stored, changed by `change`.
fn edited(change: impl FnOnce(&mut QuestionForm)) -> QuestionForm {
    let mut form = QuestionForm {
        topic: "An toàn".into(),
        difficulty: "medium".into(),
        text: "Người lạ xin mã OTP qua tin nhắn, bạn làm gì?".into(),
        options: vec!["Đọc mã cho họ".into(), "Không đọc, cúp máy".into(), "Báo công an xã".into()],
        right: vec![1, 2],
        explanation: "Không ai được hỏi mã OTP của bạn.".into(),
        picture_alt: "Tin nhắn xin mã OTP".into(),
        remove_picture: false,
    };
    change(&mut form);
    form
}

fn fields_of(result: Result<impl std::fmt::Debug, AppError>) -> Vec<(&'static str, &'static str)> {
    match result {
        Err(AppError::Invalid(rejections)) => rejections.iter().map(|r| (r.field, r.code)).collect(),
        other => panic!("not refused: {other:?}"),
    }
}

/// Registers someone, opens the contest, starts an attempt and returns its questions' texts with their pictures'
/// names and descriptions.
async fn shown(ctx: &Ctx, contest: ContestId, phone: &str) -> Vec<(String, Option<(String, String)>, usize)> {
    let person = EntrantInput {
        full_name: "Hà Văn Sơn".into(),
        birth_year: "1958".into(),
        phone: phone.into(),
        cccd: String::new(),
        unit: "Thôn Đông".into(),
    };
    let code = contests::register(ctx, contest, &person).await.unwrap().code;
    let view = contests::start_attempt(ctx, contest, &code).await.unwrap();
    let mut questions: Vec<_> = view
        .questions
        .into_iter()
        .map(|q| (q.text, q.picture.map(|p| (p.file_name(), p.alt)), q.options.len()))
        .collect();
    questions.sort();
    questions
}

#[tokio::test]
async fn an_edited_question_is_a_new_one_and_older_contests_keep_theirs() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let report = bank::import_question_file(&ctx, &me, COMMUNE, "a.txt", TEXT.as_bytes().to_vec()).await.unwrap();
        let old: QuestionId = report.imported[0];
        let before = bank::set_up_contest(&ctx, &me, COMMUNE, &contest_form("Trước khi sửa")).await.unwrap();

        let current = edit::question_for_edit(&ctx, &me, COMMUNE, old).await.unwrap();
        assert_eq!((current.question.options.len(), current.picture), (2, None), "{}", test.label);
        let new =
            edit::edit_question(&ctx, &me, COMMUNE, old, &edited(|_| {}), Some(SVG.as_bytes().to_vec())).await.unwrap();
        assert_ne!(new, old);
        // The old question left the bank, the new one is there with its picture.
        assert!(matches!(edit::question_for_edit(&ctx, &me, COMMUNE, old).await, Err(AppError::NotFound)));
        let now = edit::question_for_edit(&ctx, &me, COMMUNE, new).await.unwrap();
        assert_eq!(now.question.correct, vec![1, 2], "{}", test.label);
        let picture = now.picture.clone().expect("picture");
        assert_eq!((picture.content_type.as_str(), picture.alt.as_str()), ("image/svg+xml", "Tin nhắn xin mã OTP"));
        let (content_type, bytes) = edit::picture(&ctx, &picture.file_name()).await.unwrap();
        let served = String::from_utf8(bytes).unwrap();
        assert_eq!(content_type, "image/svg+xml");
        assert!(served.contains("<rect") && !served.contains("Inkscape") && !served.contains("metadata"), "{served}");
        assert_eq!(edit::bank_pictures(&ctx, &me, COMMUNE).await.unwrap(), vec![(new, picture.clone())]);

        let after = bank::set_up_contest(&ctx, &me, COMMUNE, &contest_form("Sau khi sửa")).await.unwrap();
        ctx.clock.advance(Duration::hours(1));
        let old_text = "Người lạ xin mã OTP qua điện thoại, bạn làm gì?";
        let in_before = shown(&ctx, before, "0912345678").await;
        assert!(in_before.iter().any(|(text, picture, n)| text == old_text && picture.is_none() && *n == 2));
        assert!(in_before.iter().all(|(_, picture, _)| picture.is_none()), "{}: {in_before:?}", test.label);
        let in_after = shown(&ctx, after, "0987654321").await;
        assert!(
            in_after.iter().any(|(text, p, n)| text.contains("tin nhắn")
                && p.as_ref() == Some(&(picture.file_name(), picture.alt.clone()))
                && *n == 3),
            "{}: {in_after:?}",
            test.label
        );
        assert!(in_after.iter().all(|(text, _, _)| text != old_text));

        // A photo is re-encoded; removing the picture in a later edit leaves the earlier question's picture served.
        let with_png = edit::edit_question(&ctx, &me, COMMUNE, new, &edited(|_| {}), Some(PNG.to_vec())).await.unwrap();
        let png = edit::question_for_edit(&ctx, &me, COMMUNE, with_png).await.unwrap().picture.unwrap();
        assert_eq!(png.content_type, "image/png", "{}", test.label);
        let (_, png_bytes) = edit::picture(&ctx, &png.file_name()).await.unwrap();
        assert!(png_bytes.starts_with(b"\x89PNG"));
        let bare = edit::edit_question(&ctx, &me, COMMUNE, with_png, &edited(|f| f.remove_picture = true), None)
            .await
            .unwrap();
        assert_eq!(edit::question_for_edit(&ctx, &me, COMMUNE, bare).await.unwrap().picture, None);
        assert!(edit::picture(&ctx, &picture.file_name()).await.is_ok());
        // Keeping the picture: an edit without a file carries it over.
        let kept = edit::edit_question(&ctx, &me, COMMUNE, bare, &edited(|_| {}), Some(PNG.to_vec())).await.unwrap();
        let kept_again =
            edit::edit_question(&ctx, &me, COMMUNE, kept, &edited(|f| f.text = "Câu hỏi mới".into()), None)
                .await
                .unwrap();
        assert_eq!(edit::question_for_edit(&ctx, &me, COMMUNE, kept_again).await.unwrap().picture, Some(png));
        assert!(matches!(edit::picture(&ctx, &format!("{}.jpg", "0".repeat(64))).await, Err(AppError::NotFound)));
    }
}

#[tokio::test]
async fn a_refused_edit_or_picture_stores_nothing() {
    for test in stores().await {
        let ctx = ctx_of(&test.store);
        let me = staff_of(&test.store, COMMUNE, "0900000011").await;
        let report = bank::import_question_file(&ctx, &me, COMMUNE, "a.txt", TEXT.as_bytes().to_vec()).await.unwrap();
        let id = report.imported[0];
        let edit_with = |form: QuestionForm, picture: Option<Vec<u8>>| {
            let (ctx, me) = (ctx.clone(), me.clone());
            async move { edit::edit_question(&ctx, &me, COMMUNE, id, &form, picture).await }
        };
        let cases = [
            (edited(|f| f.text = "  ".into()), vec![("text", "question_no_text")]),
            (
                edited(|f| {
                    f.options = vec!["Một".into()];
                    f.right = vec![0];
                }),
                vec![("options", "question_too_few_options")],
            ),
            (
                edited(|f| {
                    f.options = vec!["Một".into(), String::new(), "Ba".into()];
                    f.right = vec![0];
                }),
                vec![("option_b", "question_empty_option")],
            ),
            (
                edited(|f| {
                    f.options = vec!["Đúng".into(), "đúng".into()];
                    f.right = vec![0];
                }),
                vec![("option_b", "question_duplicate_option")],
            ),
            (edited(|f| f.right = Vec::new()), vec![("right", "question_no_answer")]),
            (edited(|f| f.right = vec![4]), vec![("right", "question_answer_not_an_option")]),
            (edited(|f| f.right = vec![0, 1, 2]), vec![("right", "question_all_answers_right")]),
            (edited(|f| f.difficulty = "rất khó".into()), vec![("difficulty", "question_file_unknown_difficulty")]),
            (edited(|f| f.picture_alt = "x".repeat(201)), vec![("picture_alt", "question_too_long")]),
            (
                edited(|f| {
                    f.text = String::new();
                    f.explanation = "x".repeat(1001);
                }),
                vec![("text", "question_no_text"), ("explanation", "question_too_long")],
            ),
        ];
        for (form, expected) in cases {
            assert_eq!(fields_of(edit_with(form, None).await), expected, "{}", test.label);
        }
        let hostile = r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>"#;
        assert_eq!(
            fields_of(edit_with(edited(|_| {}), Some(hostile.as_bytes().to_vec())).await),
            vec![("picture", "svg_script")]
        );
        assert_eq!(
            fields_of(edit_with(edited(|_| {}), Some(b"GIF89a not a picture".to_vec())).await),
            vec![("picture", "picture_unsupported")]
        );
        // Nothing changed: the question is still there as imported, without a picture; no picture was stored.
        let current = edit::question_for_edit(&ctx, &me, COMMUNE, id).await.unwrap();
        assert_eq!(current.question.text, "Người lạ xin mã OTP qua điện thoại, bạn làm gì?", "{}", test.label);
        assert_eq!(current.picture, None);
        assert_eq!(contests::question_bank(&ctx, &me, COMMUNE).await.unwrap().len(), 2);
        assert!(edit::bank_pictures(&ctx, &me, COMMUNE).await.unwrap().is_empty());

        // Other communes and volunteers do not see or edit it.
        let other = staff_of(&test.store, OTHER, "0900000021").await;
        assert!(matches!(edit::question_for_edit(&ctx, &other, OTHER, id).await, Err(AppError::NotFound)));
        assert!(matches!(
            edit::edit_question(&ctx, &other, OTHER, id, &edited(|_| {}), None).await,
            Err(AppError::NotFound)
        ));
        let volunteer = Actor { role: Role::Volunteer, ..me.clone() };
        assert!(matches!(
            edit::edit_question(&ctx, &volunteer, COMMUNE, id, &edited(|_| {}), None).await,
            Err(AppError::NotFound)
        ));
        assert_eq!(contests::question_bank(&ctx, &me, COMMUNE).await.unwrap().len(), 2, "{}", test.label);
    }
}

// contests: certificate revocation

#[tokio::test]
async fn a_revoked_certificate_says_so_and_is_audited() {
    use hocvuso_app::contests::results;
    use hocvuso_domain::contests::results::Prizes;
    use hocvuso_domain::privacy::{AuditAction, AuditSubject};

    for test in stores().await {
        let ctx = ctx_of(&test.store);
        hocvuso_app::demo::load_demo(&ctx, &|_, _| {}).await.unwrap();
        let staff = {
            let mut tx = ctx.store.read().await.unwrap();
            tx.list_users(Some(COMMUNE))
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.role == Role::CommuneStaff)
                .unwrap()
                .actor()
        };
        let contest = {
            let mut tx = ctx.store.read().await.unwrap();
            let contests = tx.list_contests(COMMUNE).await.unwrap();
            contests.into_iter().find(|c| c.settings.title == hocvuso_app::demo::DEMO_CLOSED_CONTEST).unwrap().id
        };
        let prizes = Prizes { first: 1, second: 1, third: 0, consolation: 0 };
        assert!(results::issue_certificates(&ctx, &staff, contest, prizes).await.unwrap() >= 2, "{}", test.label);
        let standings = match results::results(&ctx, Some(&staff), contest).await.unwrap() {
            results::ResultsView::Shown(standings) => *standings,
            results::ResultsView::NotYet { .. } => panic!("closed"),
        };
        let (first, second) = (&standings.certificates[0], &standings.certificates[1]);
        assert!(first.revoked.is_none());

        for blank in ["", "  \n "] {
            let refused = results::revoke_certificate(&ctx, &staff, contest, first.id, blank).await;
            assert_eq!(fields_of(refused), vec![("reason", "certificate_reason_required")], "{}", test.label);
        }
        let refused = results::revoke_certificate(&ctx, &staff, contest, first.id, &"x".repeat(501)).await;
        assert_eq!(fields_of(refused), vec![("reason", "certificate_reason_too_long")]);
        let other = {
            let mut tx = ctx.store.read().await.unwrap();
            tx.list_users(Some(OTHER))
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.role == Role::CommuneStaff)
                .unwrap()
                .actor()
        };
        let refused = results::revoke_certificate(&ctx, &other, contest, first.id, "Gian lận").await;
        assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
        assert!(results::verify_certificate(&ctx, &first.code).await.unwrap().unwrap().certificate.revoked.is_none());

        ctx.clock.advance(Duration::days(3));
        let reason = "Phát hiện dùng hai số điện thoại để thi.";
        results::revoke_certificate(&ctx, &staff, contest, first.id, reason).await.unwrap();
        let verified = results::verify_certificate(&ctx, &first.code).await.unwrap().unwrap();
        let revoked = verified.certificate.revoked.expect("revoked");
        assert_eq!((revoked.at, revoked.reason.as_str()), (test_now() + Duration::days(3), reason), "{}", test.label);
        assert!(results::verify_certificate(&ctx, &second.code).await.unwrap().unwrap().certificate.revoked.is_none());
        let again = results::revoke_certificate(&ctx, &staff, contest, first.id, "Lần nữa").await;
        assert!(matches!(again, Err(AppError::Conflict("certificate_already_revoked"))), "{again:?}");
        let unknown =
            results::revoke_certificate(&ctx, &staff, contest, hocvuso_domain::ids::CertificateId(-1), "x").await;
        assert!(matches!(unknown, Err(AppError::NotFound)));

        // A revoked certificate is not printed again, alone or with the others.
        let alone = results::certificates_pdf(&ctx, &staff, contest, Some(first.id), "http://x/certificates/").await;
        assert!(matches!(alone, Err(AppError::NotFound)), "{}", test.label);
        assert!(results::certificates_pdf(&ctx, &staff, contest, Some(second.id), "").await.is_ok());

        let mut tx = test.store.read().await.unwrap();
        let audit = tx.list_audit(Some(COMMUNE), 50).await.unwrap();
        let contest_events: Vec<(AuditAction, &str)> = audit
            .iter()
            .filter(|e| e.subject == AuditSubject::Contest && e.subject_id == Some(contest.0))
            .map(|e| (e.action, e.detail.as_str()))
            .collect();
        let revoked_detail = format!("certificate {} revoked", first.id);
        assert!(contest_events.contains(&(AuditAction::Update, revoked_detail.as_str())), "{contest_events:?}");
        assert!(contest_events.iter().any(|(a, d)| *a == AuditAction::Create && d.starts_with("certificates, ")));
        assert!(!contest_events.iter().any(|(_, d)| d.contains("hai số")), "the reason stays out of the audit log");
    }
}
