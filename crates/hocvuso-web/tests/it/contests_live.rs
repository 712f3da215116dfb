//! Live mode through the pages, without JavaScript: staff create a game from the demo bank and run it with the
//! host's forms; two phones join with the code and a nickname, answer with one tap, and see their result. Refusals
//! show the reason with its code and store nothing; the host's screen and the JSON state need no key leak.

use axum::http::StatusCode;

use crate::harness::{demo, extract_value};
use crate::{Browser, TestApp, TestResponse};

/// A phone: the player cookie it was given.
struct Phone {
    cookie: String,
}

impl Phone {
    fn browser(&self) -> Browser {
        Browser { cookie: format!("hv_live={}", self.cookie), csrf: String::new() }
    }
}

async fn join(app: &TestApp, code: &str, nickname: &str) -> (i64, Phone) {
    let typed = app.post_form("/live", None, &[("code", &code.to_lowercase())]).await;
    assert_eq!(typed.status, StatusCode::SEE_OTHER, "{}: {}", app.label, typed.body);
    let join_path = typed.location().to_owned();
    let game: i64 = join_path.trim_start_matches("/live/").trim_end_matches("/join").parse().unwrap();
    let form = app.get(&join_path, None).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"nickname\""));
    let joined = app.post_form(&join_path, None, &[("nickname", nickname)]).await;
    assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}", joined.body);
    assert_eq!(joined.location(), format!("/live/{game}/play"));
    (game, Phone { cookie: joined.cookie("hv_live").expect("player cookie") })
}

async fn host_press(app: &TestApp, staff: &Browser, game: i64, action: &str) -> TestResponse {
    let screen = app.get(&format!("/live/{game}/host"), Some(staff)).await;
    let version = extract_value(&screen.body, "name=\"version\" value=\"").expect("a button on the host's screen");
    app.post_form(&format!("/live/{game}/host"), Some(staff), &[("action", action), ("version", &version)]).await
}

/// The values of the option buttons of the phone's page.
fn options(body: &str) -> Vec<String> {
    body.split("name=\"option\" value=\"").skip(1).map(|rest| rest.split('"').next().unwrap_or("").to_owned()).collect()
}

#[tokio::test]
async fn staff_run_a_live_game_and_two_phones_play_it_without_javascript() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let manage = app.get("/contests/manage", Some(&staff)).await;
        assert!(manage.body.contains("href=\"/live/new\""), "{}: link from the contests' management", app.label);
        let form = app.get("/live/new", Some(&staff)).await;
        assert_eq!(form.status, StatusCode::OK);
        let refused =
            app.post_form("/live/new", Some(&staff), &[("topic", ""), ("count", ""), ("seconds", "500")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.body.contains("từ 5 đến 120"), "{}", refused.body);
        let created = app.post_form("/live/new", Some(&staff), &[("topic", ""), ("count", "2"), ("seconds", "")]).await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
        let host_path = created.location().to_owned();
        let game: i64 = host_path.trim_start_matches("/live/").trim_end_matches("/host").parse().unwrap();
        let screen = app.get(&host_path, Some(&staff)).await;
        assert_eq!(screen.status, StatusCode::OK);
        assert!(screen.body.contains("<svg") && screen.body.contains("/live?code="), "a QR code to the join page");
        let code = extract_value(&screen.body, "id=\"live-code\">").map(|c| c.chars().take(6).collect::<String>());
        let code = code.expect("the join code");
        // Only the commune's staff see the host's screen.
        let volunteer = app.sign_in(demo::LEAD_A).await;
        assert_eq!(app.get(&host_path, Some(&volunteer)).await.status, StatusCode::NOT_FOUND);

        let unknown = app.post_form("/live", None, &[("code", "ZZZZZZ")]).await;
        assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unknown.body.contains("Không có trò chơi nào mang mã này"));
        let qr = app.get(&format!("/live?code={code}"), None).await;
        assert_eq!(qr.location(), format!("/live/{game}/join"), "the QR code opens the nickname form");
        let (_, lan) = join(&app, &code, "Lan").await;
        let (_, minh) = join(&app, &code, "Minh").await;
        let taken = app.post_form(&format!("/live/{game}/join"), None, &[("nickname", "lan")]).await;
        assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
        let waiting = app.get(&format!("/live/{game}/play"), Some(&lan.browser())).await;
        assert!(waiting.body.contains("Xin chào, Lan!") && waiting.body.contains("Chờ người dẫn bắt đầu"));
        let state = app.get(&format!("/live/{game}/state.json"), Some(&lan.browser())).await.json();
        assert_eq!(state["phase"], "lobby");
        let host_state = app.get(&format!("/live/{game}/host.json"), Some(&staff)).await.json();
        assert_eq!(host_state["players"], 2);

        // The first question: Lan taps the right option (known from the bank), Minh a wrong one.
        assert_eq!(host_press(&app, &staff, game, "next").await.status, StatusCode::SEE_OTHER);
        let page = app.get(&format!("/live/{game}/play"), Some(&lan.browser())).await;
        assert!(!page.body.contains("Đáp án đúng"), "no key while the question is open");
        // The options are shown in the bank's order: the right one is the stored key.
        let right = {
            let mut tx = app.ctx.store.read().await.unwrap();
            let questions = tx.live_questions(hocvuso_domain::contests::live::LiveGameId(game)).await.unwrap();
            questions[0].1.correct[0]
        };
        assert_eq!(options(&page.body).len(), {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.live_questions(hocvuso_domain::contests::live::LiveGameId(game)).await.unwrap()[0].1.options.len()
        });
        let wrong = usize::from(right == 0);
        let tap = |phone: &Phone, option: usize| {
            let fields = [("position", "0".to_owned()), ("option", option.to_string())];
            let browser = phone.browser();
            let app = &app;
            async move {
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                app.post_form(&format!("/live/{game}/answer"), Some(&browser), &fields).await
            }
        };
        assert_eq!(tap(&lan, right).await.status, StatusCode::SEE_OTHER);
        assert_eq!(tap(&minh, wrong).await.status, StatusCode::SEE_OTHER);
        let second = tap(&lan, wrong).await;
        assert_eq!(second.status, StatusCode::CONFLICT);
        assert!(second.body.contains("data-error-code=\"live_already_answered\""));
        let bad = tap(&minh, 9).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("data-error-code=\"live_option_unknown\""));
        let page = app.get(&format!("/live/{game}/play"), Some(&lan.browser())).await;
        assert!(page.body.contains("Chờ kết quả"));
        assert_eq!(app.get(&format!("/live/{game}/host.json"), Some(&staff)).await.json()["answered"], 2);

        // "Dừng": the key, the counts, the scoreboard; each phone its own result.
        assert_eq!(host_press(&app, &staff, game, "close").await.status, StatusCode::SEE_OTHER);
        let screen = app.get(&host_path, Some(&staff)).await;
        assert!(screen.body.contains("Đáp án đúng") && screen.body.contains("Bảng điểm"));
        let lan_page = app.get(&format!("/live/{game}/play"), Some(&lan.browser())).await;
        assert!(lan_page.body.contains("Đúng rồi! +1000 điểm"), "{}: {}", app.label, lan_page.body);
        assert!(lan_page.body.contains("Hạng 1/2"));
        let minh_page = app.get(&format!("/live/{game}/play"), Some(&minh.browser())).await;
        assert!(minh_page.body.contains("Chưa đúng.") && minh_page.body.contains("Hạng 2/2"));
        let late = tap(&minh, right).await;
        assert!(late.body.contains("data-error-code=\"live_question_not_open\""));

        // To the end: the final ranking; the code then says the game has ended.
        assert_eq!(host_press(&app, &staff, game, "next").await.status, StatusCode::SEE_OTHER);
        assert_eq!(host_press(&app, &staff, game, "close").await.status, StatusCode::SEE_OTHER);
        assert_eq!(host_press(&app, &staff, game, "end").await.status, StatusCode::SEE_OTHER);
        let screen = app.get(&host_path, Some(&staff)).await;
        assert!(screen.body.contains("Kết quả cuối cùng"));
        let ended = app.post_form("/live", None, &[("code", &code)]).await;
        assert_eq!(ended.status, StatusCode::CONFLICT);
        assert!(ended.body.contains("Trò chơi này đã kết thúc"));
    }
}

#[tokio::test]
async fn joins_of_one_game_are_limited_and_a_refused_join_adds_no_player() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let created = app.post_form("/live/new", Some(&staff), &[("topic", ""), ("count", "1"), ("seconds", "")]).await;
        let host_path = created.location().to_owned();
        let game: i64 = host_path.trim_start_matches("/live/").trim_end_matches("/host").parse().unwrap();
        let join_path = format!("/live/{game}/join");
        // The test clock stands still, so the bucket does not refill: the burst passes, the next join does not.
        for n in 0..300 {
            let joined = app.post_form(&join_path, None, &[("nickname", &format!("Người chơi {n}"))]).await;
            assert_eq!(joined.status, StatusCode::SEE_OTHER, "{}: join {n}", app.label);
        }
        let refused = app.post_form(&join_path, None, &[("nickname", "Người thứ 301")]).await;
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS, "{}", app.label);
        let screen = app.get(&host_path, Some(&staff)).await;
        assert!(screen.body.contains("id=\"live-players\">300<"), "{}: 300 players, not 301", app.label);
    }
}
