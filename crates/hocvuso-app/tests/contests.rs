//! Contests end to end through the use cases, on SQLite and PostgreSQL, with a clock the test moves.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_app::contests::{self, AttemptView, EntrantInput};
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::contests::attempts::AnswerSaved;
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, DrawPlan, TopicQuota};
use hocvuso_domain::ids::{CommuneId, UserId};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_store::NewUser;
use hocvuso_test_support::{stores, test_now};
use time::Duration;

const BANK: &str = "Chủ đề: An toàn\n\
    Câu 1: Người lạ xin mã OTP qua điện thoại, bạn làm gì?\nA. Đọc mã cho họ\nB. Không đọc, cúp máy\nĐáp án: B\n\
    Câu 2: Đường link lạ báo trúng thưởng thì sao?\nA. Bấm vào ngay\nB. Không bấm, hỏi người thân\nC. Gửi cho bạn bè\nĐáp án: B\n\
    Chủ đề: VNeID\n\
    Câu 3: VNeID là ứng dụng của ai?\nA. Bộ Công an\nB. Một công ty game\nĐáp án: A\n\
    Câu 4: Những gì cần khi kích hoạt mức 2?\nA. CCCD gắn chip\nB. Số điện thoại chính chủ\nC. Thẻ ngân hàng\nĐáp án: A, B\n";

/// The right options of the bank, by question text, as texts.
fn key(text: &str) -> Vec<&'static str> {
    match text {
        t if t.starts_with("Người lạ") => vec!["Không đọc, cúp máy"],
        t if t.starts_with("Đường link") => vec!["Không bấm, hỏi người thân"],
        t if t.starts_with("VNeID") => vec!["Bộ Công an"],
        _ => vec!["CCCD gắn chip", "Số điện thoại chính chủ"],
    }
}

fn staff(commune: i64) -> Actor {
    Actor {
        user_id: UserId(0),
        role: Role::CommuneStaff,
        province_code: None,
        commune_id: Some(CommuneId(commune)),
        hamlet_id: None,
    }
}

fn settings(results: ResultsShown, attempts: u32) -> ContestSettings {
    ContestSettings {
        title: "Hiểu biết an toàn số".into(),
        rules: "Thi một lần.".into(),
        organiser: "UBND xã".into(),
        opens_at: test_now() + Duration::hours(1),
        closes_at: test_now() + Duration::days(2),
        time_limit: Duration::minutes(10),
        attempts_allowed: attempts,
        counting: AttemptCounting::Best,
        plan: DrawPlan { total: 3, quotas: vec![TopicQuota { topic: "VNeID".into(), count: 2 }] },
        shuffle_options: true,
        prediction_question: Some("Bao nhiêu người dự thi?".into()),
        results,
        ranking: DEFAULT_RANKING.to_vec(),
        cccd: CccdRule::Optional,
        units: vec!["Thôn Đông".into(), "Thôn Tây".into()],
    }
}

fn person(phone: &str) -> EntrantInput {
    EntrantInput {
        full_name: "Hà Văn Sơn".into(),
        birth_year: "1958".into(),
        phone: phone.into(),
        cccd: String::new(),
        unit: "Thôn Tây".into(),
    }
}

/// Activates the commune with a staff account; returns the context and that account as the actor.
async fn setup(store: &hocvuso_store::Store, commune: i64) -> (Ctx, Actor) {
    let mut tx = store.write().await.unwrap();
    tx.activate_commune(CommuneId(commune), test_now()).await.unwrap();
    let user = tx
        .insert_user(
            &NewUser {
                phone: PhoneNumber::parse("0900000011").unwrap(),
                display_name: "Cán bộ xã".into(),
                password_hash: "x".into(),
                role: Role::CommuneStaff,
                province_code: None,
                commune_id: Some(CommuneId(commune)),
                hamlet_id: None,
            },
            test_now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let staff = Actor { user_id: user, ..staff(commune) };
    let ctx = Ctx::new(store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1));
    let imported = contests::import_question_text(&ctx, &staff, CommuneId(commune), BANK).await.unwrap();
    assert_eq!(imported.imported.len(), 4);
    (ctx, staff)
}

/// Answers every question of the view right, except `wrong` of them.
async fn answer_all(ctx: &Ctx, contest: hocvuso_domain::ids::ContestId, code: &str, view: &AttemptView, wrong: usize) {
    for (position, question) in view.questions.iter().enumerate() {
        let right: Vec<usize> =
            key(&question.text).iter().map(|text| question.options.iter().position(|o| o == text).unwrap()).collect();
        let chosen = if position < wrong {
            (0..question.options.len()).filter(|i| !right.contains(i)).take(1).collect()
        } else {
            right
        };
        let saved = contests::answer(ctx, contest, code, view.attempt_id, position, &chosen, 10).await.unwrap();
        assert_eq!(saved, AnswerSaved::Saved);
    }
}

#[tokio::test]
async fn a_half_valid_question_file_imports_nothing() {
    for test in stores().await {
        let (ctx, me) = setup(&test.store, 16777).await;
        let commune = CommuneId(16777);
        let bad = "Câu 1: Tốt?\nA. Có\nB. Không\nĐáp án: A\nCâu 2: Thiếu đáp án\nA. Có\nB. Không\n";
        let report = contests::import_question_text(&ctx, &me, commune, bad).await.unwrap();
        assert!(report.imported.is_empty());
        assert_eq!(report.read.questions[1].result.as_ref().map_err(|e| e.code()).err(), Some("question_no_answer"));
        assert_eq!(contests::question_bank(&ctx, &me, commune).await.unwrap().len(), 4, "{}", test.label);
        // Another commune's staff and a volunteer of this one see no bank at all.
        let other = contests::question_bank(&ctx, &staff(16804), commune).await;
        assert!(matches!(other, Err(AppError::NotFound)));
        let volunteer = Actor { role: Role::Volunteer, ..me.clone() };
        assert!(matches!(
            contests::import_question_text(&ctx, &volunteer, commune, BANK).await,
            Err(AppError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_participant_loses_the_connection_resumes_and_is_scored_after_closing() {
    for test in stores().await {
        let (ctx, me) = setup(&test.store, 16777).await;
        let contest =
            contests::create_contest(&ctx, &me, CommuneId(16777), settings(ResultsShown::AfterClose, 1)).await.unwrap();
        let registration = contests::register(&ctx, contest, &person("0912 345 678")).await.unwrap();
        let code = registration.code.as_str();
        let again = contests::register(&ctx, contest, &person("+84912345678")).await;
        assert!(matches!(again, Err(AppError::Conflict("contest_already_registered"))), "{again:?}");
        let bad =
            contests::register(&ctx, contest, &EntrantInput { unit: "Thôn Bắc".into(), ..person("0987654321") }).await;
        assert!(matches!(bad, Err(AppError::Invalid(ref r)) if r.iter().any(|r| r.code == "contest_unit_unknown")));

        let early = contests::start_attempt(&ctx, contest, code).await;
        assert!(matches!(early, Err(AppError::Conflict("contest_not_open"))), "{early:?}");
        ctx.clock.advance(Duration::hours(1));
        let view = contests::start_attempt(&ctx, contest, code).await.unwrap();
        assert_eq!(view.questions.len(), 3);
        assert_eq!(view.remaining, Duration::minutes(10));
        let vneid =
            view.questions.iter().filter(|q| q.text.starts_with("VNeID") || q.text.starts_with("Những gì")).count();
        assert_eq!(vneid, 2, "the quota of the VNeID topic");
        answer_all(&ctx, contest, code, &view, 1).await;

        // The page is closed and opened again three minutes later: the same attempt, the answers there, the timer running.
        ctx.clock.advance(Duration::minutes(3));
        let resumed = contests::start_attempt(&ctx, contest, code).await.unwrap();
        assert_eq!(resumed.attempt_id, view.attempt_id);
        assert_eq!(resumed.remaining, Duration::minutes(7));
        assert!(resumed.questions.iter().all(|q| !q.chosen.is_empty()));
        // A late copy of an old request changes nothing.
        let stale = contests::answer(&ctx, contest, code, view.attempt_id, 1, &[0], 5).await.unwrap();
        assert_eq!(stale, AnswerSaved::Stale);
        let out_of_range = contests::answer(&ctx, contest, code, view.attempt_id, 7, &[0], 11).await;
        assert!(matches!(out_of_range, Err(AppError::Invalid(_))));
        assert!(matches!(
            contests::answer(&ctx, contest, "WRONGCODE1", view.attempt_id, 0, &[0], 12).await,
            Err(AppError::NotFound)
        ));

        let submitted = contests::submit(&ctx, contest, code, view.attempt_id, Some(120)).await.unwrap();
        assert!(submitted.submitted_at.is_some());
        assert_eq!(submitted.score, None, "results are shown after closing");
        let twice = contests::submit(&ctx, contest, code, view.attempt_id, Some(999)).await.unwrap();
        assert_eq!(twice.submitted_at, submitted.submitted_at);
        let after = contests::answer(&ctx, contest, code, view.attempt_id, 0, &[0], 20).await;
        assert!(matches!(after, Err(AppError::Conflict("contest_attempt_submitted"))));
        assert!(matches!(
            contests::start_attempt(&ctx, contest, code).await,
            Err(AppError::Conflict("contest_attempts_used"))
        ));

        ctx.clock.advance(Duration::days(2));
        let result = contests::attempt(&ctx, contest, code, view.attempt_id).await.unwrap();
        assert_eq!(result.score, Some(2), "{}: two of three right", test.label);
    }
}

#[tokio::test]
async fn the_server_clock_ends_an_attempt_and_keeps_its_answers() {
    for test in stores().await {
        let (ctx, me) = setup(&test.store, 16777).await;
        let contest = contests::create_contest(&ctx, &me, CommuneId(16777), settings(ResultsShown::AfterAttempt, 2))
            .await
            .unwrap();
        let code = contests::register(&ctx, contest, &person("0912345678")).await.unwrap().code;
        ctx.clock.advance(Duration::hours(1));
        let view = contests::start_attempt(&ctx, contest, &code).await.unwrap();
        answer_all(&ctx, contest, &code, &view, 0).await;
        // Within the grace an answer still counts; past it, nothing is accepted.
        ctx.clock.advance(Duration::minutes(10) + Duration::seconds(10));
        let first = &view.questions[0];
        let right: Vec<usize> =
            key(&first.text).iter().map(|text| first.options.iter().position(|o| o == text).unwrap()).collect();
        let last = contests::answer(&ctx, contest, &code, view.attempt_id, 0, &right, 11).await;
        assert_eq!(last.unwrap(), AnswerSaved::Saved);
        ctx.clock.advance(Duration::seconds(1));
        let late = contests::answer(&ctx, contest, &code, view.attempt_id, 0, &[0], 12).await;
        assert!(matches!(late, Err(AppError::Conflict("contest_attempt_over"))), "{}: {late:?}", test.label);
        let late_submit = contests::submit(&ctx, contest, &code, view.attempt_id, None).await;
        assert!(matches!(late_submit, Err(AppError::Conflict("contest_attempt_over"))));
        // The attempt was closed as it stood, at its end, with every stored answer counted.
        let closed = contests::attempt(&ctx, contest, &code, view.attempt_id).await.unwrap();
        assert_eq!(closed.submitted_at, Some(view.ends_at));
        assert_eq!(closed.score, Some(3));
        // The second allowed attempt starts fresh.
        let second = contests::start_attempt(&ctx, contest, &code).await.unwrap();
        assert_eq!(second.number, 2);
        assert!(second.questions.iter().all(|q| q.chosen.is_empty()));
    }
}

#[tokio::test]
async fn an_attempt_submitted_on_another_server_takes_no_more_answers_here() {
    for test in stores().await {
        let (here, me) = setup(&test.store, 16777).await;
        // A second server on the same database: its own caches, the same clock.
        let there = Ctx::new(test.store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1));
        let contest = contests::create_contest(&here, &me, CommuneId(16777), settings(ResultsShown::AfterAttempt, 1))
            .await
            .unwrap();
        let code = contests::register(&here, contest, &person("0912345678")).await.unwrap().code;
        here.clock.advance(Duration::hours(1));
        there.clock.advance(Duration::hours(1));
        let view = contests::start_attempt(&here, contest, &code).await.unwrap();
        let first = contests::answer(&here, contest, &code, view.attempt_id, 0, &[0], 1).await.unwrap();
        assert_eq!(first, AnswerSaved::Saved, "{}", test.label);
        contests::submit(&there, contest, &code, view.attempt_id, None).await.unwrap();
        // This server still keeps the attempt as running; the database says otherwise, and wins.
        let late = contests::answer(&here, contest, &code, view.attempt_id, 1, &[0], 2).await;
        assert!(matches!(late, Err(AppError::Conflict("contest_attempt_submitted"))), "{}: {late:?}", test.label);
        let stored = contests::attempt(&here, contest, &code, view.attempt_id).await.unwrap();
        assert!(stored.questions[1].chosen.is_empty(), "{}: nothing stored after the submission", test.label);
        assert_eq!(stored.questions[0].chosen, vec![0], "{}", test.label);
    }
}
