//! Live mode end to end through the use cases, on SQLite and PostgreSQL, with a clock the test moves: set-up from
//! the bank, joining with a nickname, answers by the server's clock (first counts, late refused), the host's
//! buttons, the scoreboard with shared places, a server restart in the middle, and an ended game.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use hocvuso_app::contests::live::{self, HostAction, LiveBoards, LiveGameForm};
use hocvuso_app::contests::{self};
use hocvuso_app::{AppError, Clock, Ctx, PasswordHasher};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::contests::live::{LiveGameId, LivePhase};
use hocvuso_domain::ids::{CommuneId, UserId};
use hocvuso_domain::phone::PhoneNumber;
use hocvuso_store::NewUser;
use hocvuso_test_support::{stores, test_now};
use time::Duration;

const COMMUNE: i64 = 16777;

/// Three questions with one right answer (two of them in "An toàn") and one with two (never played live).
const BANK: &str = "Chủ đề: An toàn\n\
    Câu 1: Người lạ xin mã OTP qua điện thoại, bạn làm gì?\nA. Đọc mã cho họ\nB. Không đọc, cúp máy\nĐáp án: B\n\
    Câu 2: Đường link lạ báo trúng thưởng thì sao?\nA. Bấm vào ngay\nB. Không bấm, hỏi người thân\nC. Gửi cho bạn bè\nĐáp án: B\n\
    Chủ đề: VNeID\n\
    Câu 3: VNeID là ứng dụng của ai?\nA. Bộ Công an\nB. Một công ty game\nĐáp án: A\n\
    Câu 4: Những gì cần khi kích hoạt mức 2?\nA. CCCD gắn chip\nB. Số điện thoại chính chủ\nC. Thẻ ngân hàng\nĐáp án: A, B\n";

/// The right option's text of a bank question, by its text.
fn right_text(question: &str) -> &'static str {
    match question {
        t if t.starts_with("Người lạ") => "Không đọc, cúp máy",
        t if t.starts_with("Đường link") => "Không bấm, hỏi người thân",
        _ => "Bộ Công an",
    }
}

fn staff_of(commune: i64, user: UserId) -> Actor {
    Actor {
        user_id: user,
        role: Role::CommuneStaff,
        province_code: None,
        commune_id: Some(CommuneId(commune)),
        hamlet_id: None,
    }
}

async fn setup(store: &hocvuso_store::Store) -> (Ctx, Actor) {
    let mut tx = store.write().await.unwrap();
    tx.activate_commune(CommuneId(COMMUNE), test_now()).await.unwrap();
    let user = tx
        .insert_user(
            &NewUser {
                phone: PhoneNumber::parse("0900000011").unwrap(),
                display_name: "Cán bộ xã".into(),
                password_hash: "x".into(),
                role: Role::CommuneStaff,
                province_code: None,
                commune_id: Some(CommuneId(COMMUNE)),
                hamlet_id: None,
            },
            test_now(),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let staff = staff_of(COMMUNE, user);
    let ctx = Ctx::new(store.clone(), Clock::fixed(test_now()), PasswordHasher::new(1));
    let imported = contests::import_question_text(&ctx, &staff, CommuneId(COMMUNE), BANK).await.unwrap();
    assert_eq!(imported.imported.len(), 4);
    (ctx, staff)
}

fn form(topic: &str, count: &str, seconds: &str) -> LiveGameForm {
    LiveGameForm { topic: topic.into(), count: count.into(), seconds: seconds.into() }
}

/// Presses a host button on the screen as it stands now.
async fn press(ctx: &Ctx, boards: &LiveBoards, staff: &Actor, game: LiveGameId, action: HostAction) {
    let version = live::host_view(ctx, boards, staff, game).await.unwrap().board.game.version;
    live::host_action(ctx, boards, staff, game, action, version).await.unwrap();
}

/// The index of the right option of the open question.
async fn right_option(ctx: &Ctx, boards: &LiveBoards, game: LiveGameId) -> usize {
    let board = live::board(ctx, boards, game).await.unwrap();
    let question = board.question.as_ref().unwrap();
    question.options.iter().position(|o| o == right_text(&question.text)).unwrap()
}

fn conflict(result: Result<impl std::fmt::Debug, AppError>) -> &'static str {
    match result {
        Err(AppError::Conflict(code)) => code,
        Err(AppError::Invalid(r)) => r[0].code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_live_game_runs_from_the_lobby_to_the_final_ranking() {
    for test in stores().await {
        let label = test.label;
        let (ctx, staff) = setup(&test.store).await;
        let boards = LiveBoards::default();
        let game = live::create_game(&ctx, &staff, CommuneId(COMMUNE), &form("", "", "")).await.unwrap();
        let host = live::host_view(&ctx, &boards, &staff, game).await.unwrap();
        assert_eq!(host.board.game.phase, LivePhase::Lobby);
        assert_eq!(host.board.game.n_questions, 3, "only single-answer questions ({label})");
        assert_eq!(host.board.game.seconds_per_question, 20);
        let code = host.board.game.join_code.clone();
        assert_eq!(code.len(), 6);

        // Joining: the code as typed on a phone, nicknames cleaned and unique in the game.
        let found = live::game_by_code(&ctx, &format!(" {} ", code.to_lowercase())).await.unwrap();
        assert_eq!(found.id, game);
        assert_eq!(conflict(live::game_by_code(&ctx, "ZZZZZZ").await), "live_code_unknown");
        let ana = live::join(&ctx, game, "  Ana ").await.unwrap();
        let binh = live::join(&ctx, game, "Bình").await.unwrap();
        let chi = live::join(&ctx, game, "Chi").await.unwrap();
        assert_eq!(conflict(live::join(&ctx, game, "ANA").await), "live_nickname_taken");
        assert_eq!(conflict(live::join(&ctx, game, "binh").await), "live_nickname_taken");
        assert_eq!(conflict(live::join(&ctx, game, " \u{200B} ").await), "live_nickname_empty");
        assert_eq!(conflict(live::join(&ctx, game, &"x".repeat(31)).await), "live_nickname_too_long");
        assert_eq!(live::host_view(&ctx, &boards, &staff, game).await.unwrap().n_players, 3);
        assert_eq!(live::player_view(&ctx, &boards, game, &ana).await.unwrap().nickname, "Ana");
        assert!(matches!(live::player_view(&ctx, &boards, game, &"0".repeat(64)).await, Err(AppError::NotFound)));

        // Nothing to answer in the lobby; only this commune's staff run the game.
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &ana, 0, 0).await), "live_question_not_open");
        let other = staff_of(16804, staff.user_id);
        assert!(matches!(live::host_view(&ctx, &boards, &other, game).await, Err(AppError::NotFound)));
        let volunteer = Actor { role: Role::Volunteer, ..staff.clone() };
        let version = host.board.game.version;
        assert!(matches!(
            live::host_action(&ctx, &boards, &volunteer, game, HostAction::Next, version).await,
            Err(AppError::NotFound)
        ));

        // Question 1: Ana right after 5 s, Bình wrong, Chi wrong; a double press of "Bắt đầu" changes nothing.
        live::host_action(&ctx, &boards, &staff, game, HostAction::Next, version).await.unwrap();
        assert_eq!(
            conflict(live::host_action(&ctx, &boards, &staff, game, HostAction::Next, version).await),
            "live_state_changed"
        );
        let board = live::board(&ctx, &boards, game).await.unwrap();
        assert_eq!((board.game.phase, board.game.position), (LivePhase::Open, Some(0)));
        assert!(board.reveal.is_none() && board.ranking.is_empty(), "no key while the question is open");
        let right = right_option(&ctx, &boards, game).await;
        let wrong = usize::from(right == 0);
        ctx.clock.advance(Duration::seconds(5));
        live::answer(&ctx, &boards, game, &ana, 0, right).await.unwrap();
        live::answer(&ctx, &boards, game, &binh, 0, wrong).await.unwrap();
        live::answer(&ctx, &boards, game, &chi, 0, wrong).await.unwrap();
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &ana, 0, wrong).await), "live_already_answered");
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &binh, 0, 9).await), "live_option_unknown");
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &binh, 1, 0).await), "live_question_not_open");
        assert!(matches!(live::answer(&ctx, &boards, game, &"0".repeat(64), 0, 0).await, Err(AppError::NotFound)));
        let host = live::host_view(&ctx, &boards, &staff, game).await.unwrap();
        assert_eq!(host.n_answered, 3);
        let me = live::player_view(&ctx, &boards, game, &ana).await.unwrap();
        assert_eq!(me.answer.map(|a| a.chosen), Some(right), "the phone knows it answered");
        assert!(me.standing().is_none());

        press(&ctx, &boards, &staff, game, HostAction::Close).await;
        let board = live::board(&ctx, &boards, game).await.unwrap();
        let reveal = board.reveal.as_ref().unwrap();
        assert_eq!(reveal.right, right);
        assert_eq!(reveal.counts[right], 1);
        assert_eq!(reveal.counts[wrong], 2);
        let table: Vec<(u32, &str, u64)> =
            board.ranking.iter().map(|r| (r.place, r.nickname.as_str(), r.score)).collect();
        // 500 + 500 × 15 s left ÷ 20 s = 875; the two wrong answers share the second place.
        assert_eq!(table, vec![(1, "Ana", 875), (2, "Bình", 0), (2, "Chi", 0)], "{label}");
        let me = live::player_view(&ctx, &boards, game, &ana).await.unwrap();
        assert_eq!(me.answer.map(|a| a.points), Some(875));
        assert_eq!(me.standing().map(|r| (r.place, r.score)), Some((1, 875)));
        let them = live::player_view(&ctx, &boards, game, &binh).await.unwrap();
        assert_eq!(them.answer.map(|a| a.points), Some(0));
        assert_eq!(them.standing().map(|r| r.place), Some(2));
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &ana, 0, right).await), "live_question_not_open");

        // Question 2, after a restart of the server (new memory): Bình answers at the last moment of the grace,
        // Chi a moment too late; nobody closes it, the time does.
        let boards = LiveBoards::default();
        assert_eq!(live::board(&ctx, &boards, game).await.unwrap().game.phase, LivePhase::Closed);
        press(&ctx, &boards, &staff, game, HostAction::Next).await;
        let right = right_option(&ctx, &boards, game).await;
        ctx.clock.advance(Duration::seconds(22));
        live::answer(&ctx, &boards, game, &binh, 1, right).await.unwrap();
        ctx.clock.advance(Duration::milliseconds(100));
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &chi, 1, right).await), "live_answer_late");
        ctx.clock.advance(Duration::seconds(1));
        let board = live::board(&ctx, &boards, game).await.unwrap();
        assert_eq!(board.game.phase, LivePhase::Closed, "closed by the clock ({label})");
        assert_eq!(board.reveal.as_ref().unwrap().counts.iter().sum::<usize>(), 1, "the late answer was not stored");
        let table: Vec<(u32, &str, u64)> =
            board.ranking.iter().map(|r| (r.place, r.nickname.as_str(), r.score)).collect();
        assert_eq!(table, vec![(1, "Ana", 875), (2, "Bình", 500), (3, "Chi", 0)]);

        // Question 3, then the end: the final ranking, and an ended game refuses everything.
        press(&ctx, &boards, &staff, game, HostAction::Next).await;
        let right = right_option(&ctx, &boards, game).await;
        live::answer(&ctx, &boards, game, &chi, 2, right).await.unwrap();
        press(&ctx, &boards, &staff, game, HostAction::Close).await;
        let host = live::host_view(&ctx, &boards, &staff, game).await.unwrap();
        assert!(host.board.game.is_last());
        assert_eq!(
            conflict(live::host_action(&ctx, &boards, &staff, game, HostAction::Next, host.board.game.version).await),
            "live_no_more_questions"
        );
        press(&ctx, &boards, &staff, game, HostAction::End).await;
        let board = live::board(&ctx, &boards, game).await.unwrap();
        assert_eq!(board.game.phase, LivePhase::Ended);
        let table: Vec<(u32, &str, u64)> =
            board.ranking.iter().map(|r| (r.place, r.nickname.as_str(), r.score)).collect();
        assert_eq!(table, vec![(1, "Chi", 1000), (2, "Ana", 875), (3, "Bình", 500)]);
        assert_eq!(conflict(live::answer(&ctx, &boards, game, &chi, 2, right).await), "live_game_ended");
        assert_eq!(conflict(live::join(&ctx, game, "Dũng").await), "live_game_ended");
        assert_eq!(conflict(live::game_by_code(&ctx, &code).await), "live_game_ended");
        let version = board.game.version;
        assert_eq!(
            conflict(live::host_action(&ctx, &boards, &staff, game, HostAction::End, version).await),
            "live_game_ended"
        );
        let final_place = live::player_view(&ctx, &boards, game, &ana).await.unwrap();
        assert_eq!(final_place.standing().map(|r| r.place), Some(2));
    }
}

#[tokio::test]
async fn a_game_is_set_up_from_a_topic_and_refuses_what_the_bank_cannot_give() {
    for test in stores().await {
        let (ctx, staff) = setup(&test.store).await;
        let commune = CommuneId(COMMUNE);
        let topics = live::live_topics(&ctx, &staff, commune).await.unwrap();
        let counts: Vec<(&str, usize)> = topics.iter().map(|t| (t.topic.as_str(), t.n)).collect();
        assert_eq!(counts, vec![("An toàn", 2), ("VNeID", 1)], "{}", test.label);
        let boards = LiveBoards::default();
        let game = live::create_game(&ctx, &staff, commune, &form("An toàn", "1", "30")).await.unwrap();
        let board = live::board(&ctx, &boards, game).await.unwrap();
        assert_eq!((board.game.n_questions, board.game.seconds_per_question), (1, 30));
        for (bad, code) in [
            (form("", "", "3"), "live_seconds_invalid"),
            (form("", "", "abc"), "live_seconds_invalid"),
            (form("", "0", ""), "live_count_invalid"),
            (form("VNeID", "2", ""), "live_not_enough_questions"),
            (form("Không có", "", ""), "live_not_enough_questions"),
        ] {
            assert_eq!(conflict(live::create_game(&ctx, &staff, commune, &bad).await), code);
        }
        let volunteer = Actor { role: Role::Volunteer, ..staff.clone() };
        assert!(matches!(
            live::create_game(&ctx, &volunteer, commune, &form("", "", "")).await,
            Err(AppError::NotFound)
        ));
        let games = live::commune_games(&ctx, &staff, commune).await.unwrap();
        assert_eq!(games.iter().map(|g| g.id).collect::<Vec<_>>(), vec![game], "refusals stored nothing");
    }
}
