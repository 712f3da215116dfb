use hocvuso_domain::contests::attempts::{AnswerSaved, AttemptItem};
use hocvuso_domain::contests::questions::{NewQuestion, Question};
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, NewEntrant, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, DrawPlan};
use hocvuso_domain::ids::{ContestId, QuestionId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_store::{Store, StoreError};
use hocvuso_test_support::{stores, test_now};
use time::Duration;

fn question(text: &str, topic: &str) -> Question {
    Question::new(NewQuestion {
        topic: topic.into(),
        text: text.into(),
        options: vec!["Đúng".into(), "Sai".into(), "Không biết".into()],
        correct: vec![1],
        explanation: "Vì thế.".into(),
        ..NewQuestion::default()
    })
    .unwrap()
}

fn settings() -> ContestSettings {
    ContestSettings {
        title: "Tìm hiểu kỹ năng số".into(),
        rules: "Mỗi người thi một lần.".into(),
        organiser: "UBND xã".into(),
        opens_at: test_now(),
        closes_at: test_now() + Duration::days(7),
        time_limit: Duration::minutes(20),
        attempts_allowed: 2,
        counting: AttemptCounting::Best,
        plan: DrawPlan { total: 2, quotas: vec![] },
        shuffle_options: true,
        prediction_question: Some("Dự đoán số người dự thi".into()),
        results: ResultsShown::AfterClose,
        ranking: DEFAULT_RANKING.to_vec(),
        cccd: CccdRule::Optional,
        units: vec!["Thôn Đông".into(), "Trường THCS".into()],
    }
}

async fn contest(store: &Store, commune: i64) -> (ContestId, Vec<QuestionId>) {
    let (commune, _, _) = crate::seed_commune(store, commune).await;
    let mut tx = store.write().await.unwrap();
    let ids = tx
        .insert_questions(commune, &[question("Câu một?", "An toàn"), question("Câu hai?", "VNeID")], None, test_now())
        .await
        .unwrap();
    let contest = tx.insert_contest(commune, &settings(), &ids, None, test_now()).await.unwrap();
    tx.commit().await.unwrap();
    (contest, ids)
}

fn entrant(contest_id: ContestId, phone: &str) -> NewEntrant {
    NewEntrant {
        contest_id,
        full_name: PersonName::parse("Lò Thị Mai").unwrap(),
        birth_year: 1990,
        phone: PhoneNumber::parse(phone).unwrap(),
        cccd: None,
        unit: "Thôn Đông".into(),
    }
}

#[tokio::test]
async fn a_bank_and_a_contest_round_trip() {
    for test in stores().await {
        let store = &test.store;
        let (contest_id, ids) = contest(store, 16777).await;
        let mut tx = store.read().await.unwrap();
        let stored = tx.contest_by_id(contest_id).await.unwrap().unwrap();
        assert_eq!(stored.settings, settings(), "{}", test.label);
        let items = tx.contest_questions(contest_id).await.unwrap();
        assert_eq!(items.iter().map(|(id, _)| *id).collect::<Vec<_>>(), ids);
        assert_eq!(items[0].1, question("Câu một?", "An toàn"));
        assert_eq!(tx.list_contests(stored.commune_id).await.unwrap().len(), 1);
        drop(tx);

        let mut tx = store.write().await.unwrap();
        assert!(tx.retire_question(stored.commune_id, ids[0], test_now()).await.unwrap());
        assert!(!tx.retire_question(stored.commune_id, ids[0], test_now()).await.unwrap());
        let bank = tx.list_questions(stored.commune_id).await.unwrap();
        assert_eq!(bank.len(), 1, "a retired question leaves the bank");
        let items = tx.contest_questions(contest_id).await.unwrap();
        assert_eq!(items.len(), 2, "but stays in the contest that uses it");
    }
}

#[tokio::test]
async fn a_contest_cannot_use_another_communes_question() {
    for test in stores().await {
        let store = &test.store;
        let (_, theirs) = contest(store, 16804).await;
        let (commune, _, _) = crate::seed_commune(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let refused = tx.insert_contest(commune, &settings(), &theirs, None, test_now()).await;
        assert!(matches!(refused, Err(StoreError::MissingReference)), "{}: {refused:?}", test.label);
    }
}

#[tokio::test]
async fn one_registration_per_phone_and_per_cccd() {
    for test in stores().await {
        let store = &test.store;
        let (contest_id, _) = contest(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let first = tx.insert_entrant(&entrant(contest_id, "0912345678"), "code-1", test_now()).await.unwrap().unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        let again = tx.insert_entrant(&entrant(contest_id, "+84912345678"), "code-2", test_now()).await;
        assert!(matches!(again, Ok(None)), "{}: {again:?}", test.label);
        // Reported, not raised: the transaction goes on (it may be shared by a group of registrations).
        tx.commit().await.unwrap();
        let mut tx = store.write().await.unwrap();
        let cccd = hocvuso_domain::cccd::Cccd::parse("001090123456").unwrap();
        let with_cccd = NewEntrant { cccd: Some(cccd.clone()), ..entrant(contest_id, "0987654321") };
        assert!(tx.insert_entrant(&with_cccd, "code-3", test_now()).await.unwrap().is_some());
        let same_cccd = NewEntrant { cccd: Some(cccd), ..entrant(contest_id, "0977777777") };
        assert!(matches!(tx.insert_entrant(&same_cccd, "code-4", test_now()).await, Ok(None)));
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        let stored = tx.entrant_by_code(contest_id, "code-1").await.unwrap().unwrap();
        assert_eq!((stored.id, stored.unit.as_str()), (first, "Thôn Đông"));
        assert!(tx.entrant_by_code(contest_id, "code-2").await.unwrap().is_none(), "the refused one left nothing");
        assert!(tx.entrant_by_code(ContestId(contest_id.0 + 1), "code-1").await.unwrap().is_none());
    }
}

#[tokio::test]
async fn answers_keep_the_newest_and_stop_at_submission() {
    for test in stores().await {
        let store = &test.store;
        let (contest_id, _) = contest(store, 16777).await;
        let mut tx = store.write().await.unwrap();
        let entrant_id =
            tx.insert_entrant(&entrant(contest_id, "0912345678"), "code-1", test_now()).await.unwrap().unwrap();
        let items =
            vec![AttemptItem { item: 1, options: vec![2, 0, 1] }, AttemptItem { item: 0, options: vec![0, 1, 2] }];
        let ends = test_now() + Duration::minutes(20);
        let attempt = tx.insert_attempt(entrant_id, 1, &items, test_now(), ends).await.unwrap().unwrap();
        tx.commit().await.unwrap();

        let mut tx = store.write().await.unwrap();
        assert!(matches!(tx.insert_attempt(entrant_id, 1, &items, test_now(), ends).await, Ok(None)));
        tx.commit().await.unwrap();

        let mut tx = store.write().await.unwrap();
        assert_eq!(tx.save_answer(attempt, 0, &[1], 1, test_now()).await.unwrap(), AnswerSaved::Saved);
        assert_eq!(tx.save_answer(attempt, 0, &[2], 3, test_now()).await.unwrap(), AnswerSaved::Saved);
        // A request that arrives late (sequence 2 after 3) changes nothing; a replay of 3 neither.
        assert_eq!(tx.save_answer(attempt, 0, &[0], 2, test_now()).await.unwrap(), AnswerSaved::Stale);
        assert_eq!(tx.save_answer(attempt, 0, &[2], 3, test_now()).await.unwrap(), AnswerSaved::Stale);
        assert_eq!(tx.save_answer(attempt, 1, &[0, 2], 4, test_now()).await.unwrap(), AnswerSaved::Saved);
        tx.commit().await.unwrap();

        let mut tx = store.write().await.unwrap();
        assert!(tx.submit_attempt(attempt, 1, Some(1500), test_now() + Duration::minutes(5)).await.unwrap());
        assert!(!tx.submit_attempt(attempt, 2, None, test_now() + Duration::minutes(6)).await.unwrap());
        assert_eq!(tx.save_answer(attempt, 1, &[1], 9, test_now()).await.unwrap(), AnswerSaved::Stale);
        tx.commit().await.unwrap();

        let mut tx = store.read().await.unwrap();
        let answers = tx.answers_of(attempt).await.unwrap();
        let chosen: Vec<(usize, Vec<usize>)> = answers.iter().map(|a| (a.position, a.chosen.clone())).collect();
        assert_eq!(chosen, vec![(0, vec![2]), (1, vec![0, 2])], "{}", test.label);
        let stored = tx.attempt_by_id(entrant_id, attempt).await.unwrap().unwrap();
        assert_eq!(stored.items, items);
        assert_eq!((stored.score, stored.prediction), (Some(1), Some(1500)));
        assert_eq!(stored.submitted_at, Some(test_now() + Duration::minutes(5)));
        assert_eq!(tx.attempts_of(entrant_id).await.unwrap().len(), 1);
    }
}
