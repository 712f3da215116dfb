//! Contest results through the use cases, on SQLite and PostgreSQL: the counting rules, ties, the prediction, the
//! unit ranking, who sees what and when, abandoned attempts, certificates and their verification.
//!
//! The demo deployment gives the commune, its staff and its question bank; each test sets up its own contest and
//! writes its entrants' attempts with the store, so scores, times and predictions are exactly what the test says.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_app::contests::results::{self, Audience, ResultsView, Standings};
use hocvuso_app::contests::{self};
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::contests::attempts::AttemptItem;
use hocvuso_domain::contests::results::{Award, Prizes};
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, NewEntrant, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, DrawPlan, RankKey};
use hocvuso_domain::ids::{CommuneId, ContestId, EntrantId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_test_support::{TestStore, stores, test_now};
use time::Duration;

const COMMUNE: CommuneId = CommuneId(16777);
const OTHER_COMMUNE: CommuneId = CommuneId(16804);

struct Fixture {
    ctx: Ctx,
    staff: Actor,
    volunteer: Actor,
    other_staff: Actor,
    label: &'static str,
    _store: TestStore,
}

async fn user_of(ctx: &Ctx, commune: CommuneId, role: Role) -> Actor {
    let mut tx = ctx.store.read().await.unwrap();
    tx.list_users(Some(commune)).await.unwrap().into_iter().find(|u| u.role == role).unwrap().actor()
}

async fn fixtures() -> Vec<Fixture> {
    let mut all = Vec::new();
    for store in stores().await {
        let ctx = Ctx::new(store.store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1));
        hocvuso_app::demo::load_demo(&ctx, &|_, _| {}).await.unwrap();
        let staff = user_of(&ctx, COMMUNE, Role::CommuneStaff).await;
        let volunteer = user_of(&ctx, COMMUNE, Role::Volunteer).await;
        let other_staff = user_of(&ctx, OTHER_COMMUNE, Role::CommuneStaff).await;
        all.push(Fixture { ctx, staff, volunteer, other_staff, label: store.label, _store: store });
    }
    all
}

/// A contest of the demo commune over its bank, open from a day ago until a day from now, 3 questions an attempt.
async fn new_contest(f: &Fixture, counting: AttemptCounting, ranking: Vec<RankKey>) -> ContestId {
    let settings = ContestSettings {
        title: "Thi thử kết quả".into(),
        rules: "Thi ba lần.".into(),
        organiser: "UBND xã Quỳ Châu".into(),
        opens_at: test_now() - Duration::days(1),
        closes_at: test_now() + Duration::days(1),
        time_limit: Duration::minutes(10),
        attempts_allowed: 3,
        counting,
        plan: DrawPlan { total: 3, quotas: Vec::new() },
        shuffle_options: false,
        prediction_question: Some("Bao nhiêu người dự thi?".into()),
        results: ResultsShown::AfterClose,
        ranking,
        cccd: CccdRule::NotAsked,
        units: vec!["Thôn Đông".into(), "Thôn Tây".into(), "=1+1".into()],
    };
    contests::create_contest(&f.ctx, &f.staff, COMMUNE, settings).await.unwrap()
}

/// One submitted attempt: its score, prediction, seconds taken, and minutes after the contest opened it started.
#[derive(Clone, Copy)]
struct Try {
    score: u32,
    prediction: Option<u64>,
    seconds: i64,
    minute: i64,
}

const fn tried(score: u32, prediction: Option<u64>, seconds: i64, minute: i64) -> Try {
    Try { score, prediction, seconds, minute }
}

/// Registers a person (phone 0977 000 0NN) with the given attempts, all submitted.
async fn entrant(f: &Fixture, contest: ContestId, name: &str, unit: &str, n: u32, tries: &[Try]) -> EntrantId {
    let mut tx = f.ctx.store.write().await.unwrap();
    let entrant = NewEntrant {
        contest_id: contest,
        full_name: PersonName::parse(name).unwrap(),
        birth_year: 1960 + i32::try_from(n).unwrap(),
        phone: PhoneNumber::parse(&format!("0977{n:06}")).unwrap(),
        cccd: None,
        unit: unit.into(),
    };
    let id = tx
        .insert_entrant(&entrant, &format!("hash-{contest}-{n}"), test_now() - Duration::days(1))
        .await
        .unwrap()
        .unwrap();
    let items: Vec<AttemptItem> = (0..3).map(|item| AttemptItem { item, options: vec![0, 1, 2, 3] }).collect();
    for (number, t) in tries.iter().enumerate() {
        let started = test_now() - Duration::days(1) + Duration::minutes(t.minute);
        let number = u32::try_from(number).unwrap() + 1;
        let attempt =
            tx.insert_attempt(id, number, &items, started, started + Duration::minutes(10)).await.unwrap().unwrap();
        for position in 0..3 {
            tx.save_answer(attempt, position, &[0], 1, started).await.unwrap();
        }
        tx.submit_attempt(attempt, t.score, t.prediction, started + Duration::seconds(t.seconds)).await.unwrap();
    }
    tx.commit().await.unwrap();
    id
}

fn shown(view: ResultsView) -> Standings {
    match view {
        ResultsView::Shown(standings) => *standings,
        ResultsView::NotYet { .. } => panic!("the results should be shown"),
    }
}

fn ranking(standings: &Standings) -> Vec<(usize, String, u32)> {
    standings.rows.iter().map(|r| (r.place, r.full_name.clone(), r.score)).collect()
}

fn line(place: usize, name: &str, score: u32) -> (usize, String, u32) {
    (place, name.to_owned(), score)
}

#[tokio::test]
async fn each_counting_rule_picks_its_attempt_and_equal_entries_share_a_place_in_name_order() {
    for f in fixtures().await {
        let expected = [
            (
                AttemptCounting::Best,
                vec![line(1, "Nguyễn Văn An", 3), line(1, "Trần Văn Bình", 3), line(3, "Lê Thị Chi", 2)],
            ),
            (
                AttemptCounting::First,
                vec![line(1, "Trần Văn Bình", 3), line(2, "Lê Thị Chi", 2), line(3, "Nguyễn Văn An", 1)],
            ),
            (
                AttemptCounting::Last,
                vec![line(1, "Trần Văn Bình", 3), line(2, "Nguyễn Văn An", 2), line(2, "Lê Thị Chi", 2)],
            ),
        ];
        for (counting, ranked) in expected {
            let contest = new_contest(&f, counting, vec![RankKey::Score]).await;
            let an = [tried(1, None, 100, 0), tried(3, None, 200, 30), tried(2, None, 50, 60)];
            entrant(&f, contest, "Nguyễn Văn An", "Thôn Đông", 1, &an).await;
            entrant(&f, contest, "Trần Văn Bình", "Thôn Tây", 2, &[tried(3, None, 300, 5)]).await;
            entrant(&f, contest, "Lê Thị Chi", "Thôn Tây", 3, &[tried(2, None, 90, 7)]).await;
            entrant(&f, contest, "Phạm Văn Dũng", "Thôn Đông", 4, &[]).await;
            let standings = shown(results::results(&f.ctx, Some(&f.staff), contest).await.unwrap());
            assert_eq!(ranking(&standings), ranked, "{}: {counting:?}", f.label);
            assert_eq!(standings.n_entrants, 3, "{}: people without a submitted attempt are not ranked", f.label);
            assert_eq!(standings.n_registered, Some(4));
        }
    }
}

#[tokio::test]
async fn the_prediction_closest_to_the_number_of_entrants_breaks_a_tie_and_units_rank_by_average() {
    for f in fixtures().await {
        let contest = new_contest(&f, AttemptCounting::Best, DEFAULT_RANKING.to_vec()).await;
        // Four entrants with 2 right: the true number of entrants is 5.
        entrant(&f, contest, "Hà Văn Xa", "Thôn Đông", 1, &[tried(2, Some(50), 100, 0)]).await;
        entrant(&f, contest, "Hà Văn Trúng", "Thôn Tây", 2, &[tried(2, Some(5), 300, 0)]).await;
        entrant(&f, contest, "Hà Văn Gần", "Thôn Tây", 3, &[tried(2, Some(6), 100, 0)]).await;
        entrant(&f, contest, "Hà Văn Không", "Thôn Đông", 4, &[tried(2, None, 60, 0)]).await;
        // Three answers in two seconds: first place, and flagged for the organiser.
        entrant(&f, contest, "Hà Văn Nhanh", "=1+1", 5, &[tried(3, Some(5), 2, 0)]).await;
        let standings = shown(results::results(&f.ctx, Some(&f.staff), contest).await.unwrap());
        let names: Vec<&str> = standings.rows.iter().map(|r| r.full_name.as_str()).collect();
        assert_eq!(names, ["Hà Văn Nhanh", "Hà Văn Trúng", "Hà Văn Gần", "Hà Văn Xa", "Hà Văn Không"], "{}", f.label);
        let flagged: Vec<&str> = standings.flagged.iter().map(|r| r.full_name.as_str()).collect();
        assert_eq!(flagged, ["Hà Văn Nhanh"]);
        assert!(standings.rows[0].implausibly_fast && !standings.rows[1].implausibly_fast);
        assert_eq!(standings.rows[1].time_taken, Some(Duration::seconds(300)));
        assert_eq!(standings.rows[1].phone_masked.as_deref(), Some("097****002"));
        // Units: "=1+1" averages 3 with one person; Thôn Tây and Thôn Đông average 2 with two each.
        let units: Vec<(usize, &str, u32, u32)> =
            standings.units.iter().map(|u| (u.place, u.unit.as_str(), u.participants, u.best_score)).collect();
        assert_eq!(units, [(1, "=1+1", 1, 3), (2, "Thôn Đông", 2, 2), (2, "Thôn Tây", 2, 2)], "{}", f.label);
    }
}

#[tokio::test]
async fn the_public_sees_the_top_only_after_closing_and_staff_see_everything_at_any_time() {
    for f in fixtures().await {
        let contest = new_contest(&f, AttemptCounting::Best, DEFAULT_RANKING.to_vec()).await;
        entrant(&f, contest, "Lò Thị Mai", "Thôn Đông", 1, &[tried(3, Some(2), 100, 0)]).await;
        entrant(&f, contest, "Vi Văn Sơn", "Thôn Tây", 2, &[tried(1, Some(9), 100, 0)]).await;
        for who in [None, Some(&f.volunteer), Some(&f.other_staff)] {
            match results::results(&f.ctx, who, contest).await.unwrap() {
                ResultsView::NotYet { publish_at, .. } => assert_eq!(publish_at, test_now() + Duration::days(1)),
                ResultsView::Shown(_) => panic!("{}: results shown before closing to {who:?}", f.label),
            }
            assert!(matches!(
                results::leaderboard(&f.ctx, who, contest, false).await.unwrap(),
                ResultsView::NotYet { .. }
            ));
        }
        let staff = shown(results::leaderboard(&f.ctx, Some(&f.staff), contest, false).await.unwrap());
        assert_eq!(staff.audience, Audience::Staff);
        assert!(!staff.is_closed);
        assert_eq!(staff.rows[0].birth_year, Some(1961));

        f.ctx.clock.advance(Duration::days(1));
        for who in [None, Some(&f.volunteer), Some(&f.other_staff)] {
            let public = shown(results::results(&f.ctx, who, contest).await.unwrap());
            assert_eq!(public.audience, Audience::Public, "{}", f.label);
            assert_eq!(ranking(&public), [line(1, "Lò Thị Mai", 3), line(2, "Vi Văn Sơn", 1)]);
            assert!(public.rows.iter().all(|r| r.birth_year.is_none() && r.phone_masked.is_none()));
            assert!(public.rows.iter().all(|r| r.time_taken.is_none() && r.prediction.is_none()));
            assert_eq!(public.n_registered, None);
            assert_eq!(public.units.len(), 2);
        }
        assert!(matches!(results::results(&f.ctx, None, ContestId(999_999)).await, Err(AppError::NotFound)));
    }
}

#[tokio::test]
async fn an_abandoned_attempt_is_closed_as_it_stood_and_counted() {
    for f in fixtures().await {
        let contest = new_contest(&f, AttemptCounting::Best, DEFAULT_RANKING.to_vec()).await;
        let questions = {
            let mut tx = f.ctx.store.read().await.unwrap();
            tx.contest_questions(contest).await.unwrap()
        };
        let id = entrant(&f, contest, "Sầm Văn Vắng", "Thôn Đông", 1, &[]).await;
        let mut tx = f.ctx.store.write().await.unwrap();
        let items: Vec<AttemptItem> =
            (0..3).map(|item| AttemptItem { item, options: (0..questions[item].1.options.len()).collect() }).collect();
        let started = test_now() - Duration::hours(2);
        let attempt =
            tx.insert_attempt(id, 1, &items, started, started + Duration::minutes(10)).await.unwrap().unwrap();
        // Two right answers, then the page was closed for good.
        for (position, (_, question)) in questions.iter().enumerate().take(2) {
            tx.save_answer(attempt, position, &question.correct, 1, started).await.unwrap();
        }
        tx.commit().await.unwrap();
        let standings = shown(results::results(&f.ctx, Some(&f.staff), contest).await.unwrap());
        assert_eq!(ranking(&standings), [line(1, "Sầm Văn Vắng", 2)], "{}", f.label);
        assert_eq!(standings.rows[0].submitted_at, Some(started + Duration::minutes(10)));
    }
}

#[tokio::test]
async fn certificates_are_issued_after_closing_by_place_and_verified_by_their_code() {
    for f in fixtures().await {
        let contest = new_contest(&f, AttemptCounting::Best, vec![RankKey::Score]).await;
        entrant(&f, contest, "Đinh Thị Hoa", "Thôn Đông", 1, &[tried(3, None, 100, 0)]).await;
        entrant(&f, contest, "Đinh Văn Nam", "Thôn Tây", 2, &[tried(2, None, 100, 0)]).await;
        entrant(&f, contest, "Đinh Văn Bắc", "=1+1", 3, &[tried(2, None, 100, 0)]).await;
        entrant(&f, contest, "Đinh Văn Tây", "Thôn Tây", 4, &[tried(1, None, 100, 0)]).await;
        let prizes = Prizes { first: 1, second: 1, third: 0, consolation: 0 };
        let early = results::issue_certificates(&f.ctx, &f.staff, contest, prizes).await;
        assert!(matches!(early, Err(AppError::Conflict("contest_not_closed"))), "{}: {early:?}", f.label);
        f.ctx.clock.advance(Duration::days(2));
        for outsider in [&f.volunteer, &f.other_staff] {
            let refused = results::issue_certificates(&f.ctx, outsider, contest, prizes).await;
            assert!(matches!(refused, Err(AppError::NotFound)), "{refused:?}");
            assert!(matches!(results::export_results(&f.ctx, outsider, contest).await, Err(AppError::NotFound)));
        }
        let none = Prizes { first: 0, second: 0, third: 0, consolation: 0 };
        assert!(matches!(
            results::issue_certificates(&f.ctx, &f.staff, contest, none).await,
            Err(AppError::Invalid(_))
        ));

        // Second place is shared: both get the second prize.
        assert_eq!(results::issue_certificates(&f.ctx, &f.staff, contest, prizes).await.unwrap(), 3, "{}", f.label);
        assert_eq!(results::issue_certificates(&f.ctx, &f.staff, contest, prizes).await.unwrap(), 0);
        let standings = shown(results::results(&f.ctx, Some(&f.staff), contest).await.unwrap());
        let issued: Vec<(u32, Award, &str)> =
            standings.certificates.iter().map(|c| (c.place, c.award, c.full_name.as_str())).collect();
        assert_eq!(
            issued,
            [(1, Award::First, "Đinh Thị Hoa"), (2, Award::Second, "Đinh Văn Bắc"), (2, Award::Second, "Đinh Văn Nam")]
        );
        let codes: Vec<&str> = standings.certificates.iter().map(|c| c.code.as_str()).collect();
        assert!(codes.iter().all(|c| c.len() == results::CERTIFICATE_CODE_LEN), "{codes:?}");
        assert!(codes[0] != codes[1] && codes[1] != codes[2]);

        // The code as a person types it from paper: lower case, with dashes.
        let typed = format!("{}-{}", codes[0][..8].to_lowercase(), &codes[0][8..]);
        let verified = results::verify_certificate(&f.ctx, &typed).await.unwrap().unwrap();
        assert_eq!(verified.certificate.full_name.as_str(), "Đinh Thị Hoa");
        assert_eq!(verified.contest_title, "Thi thử kết quả");
        for unknown in ["ABCDEFGHJKMNPQRS", "short", "../../etc/passwd", ""] {
            assert!(results::verify_certificate(&f.ctx, unknown).await.unwrap().is_none(), "{unknown}");
        }

        let one = standings.certificates[2].id;
        let pdf =
            results::certificates_pdf(&f.ctx, &f.staff, contest, Some(one), "http://x/certificates/").await.unwrap();
        assert!(pdf.bytes.starts_with(b"%PDF-"));
        let refused = results::certificates_pdf(&f.ctx, &f.other_staff, contest, None, "").await;
        assert!(matches!(refused, Err(AppError::NotFound)));
        let other = results::certificates_pdf(&f.ctx, &f.staff, ContestId(contest.0 + 1000), None, "").await;
        assert!(matches!(other, Err(AppError::NotFound)));
    }
}

#[tokio::test]
async fn the_demo_has_a_closed_contest_with_results_for_everyone() {
    for f in fixtures().await {
        let contest = {
            let mut tx = f.ctx.store.read().await.unwrap();
            let contests = tx.list_contests(COMMUNE).await.unwrap();
            contests.into_iter().find(|c| c.settings.title == hocvuso_app::demo::DEMO_CLOSED_CONTEST).unwrap().id
        };
        let public = shown(results::results(&f.ctx, None, contest).await.unwrap());
        assert!(public.n_entrants >= 50, "{}: {}", f.label, public.n_entrants);
        assert_eq!(public.rows.len(), results::PUBLIC_TOP);
        assert_eq!(public.units.len(), 5);
        let staff = shown(results::results(&f.ctx, Some(&f.staff), contest).await.unwrap());
        assert_eq!(staff.n_registered, Some(60));
        assert!(!staff.flagged.is_empty(), "the demo has attempts answered too fast");
        let places: Vec<usize> = staff.rows.iter().map(|r| r.place).collect();
        assert!(places.windows(2).all(|w| w[0] <= w[1]));
    }
}
