//! Taking part in a contest: registration, the attempt through the JSON API and through the pages without
//! JavaScript, the key kept hidden until results may be shown, and the per-participant rate limit. On the demo
//! contest (open from the test's start for 60 days, 10 questions in 15 minutes, results after closing).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use hocvuso_domain::contests::questions::read_question_text;
use serde_json::{Value, json};
use time::Duration;

use crate::{TestApp, TestResponse};

/// The demo's question file: every explanation must stay out of the browser until results may be shown.
const DEMO_QUESTIONS: &str = include_str!("../../../../content/contests/demo.txt");

fn explanations() -> Vec<String> {
    let bank = read_question_text(DEMO_QUESTIONS);
    let explanations: Vec<String> = bank
        .questions
        .into_iter()
        .filter_map(|q| q.result.ok())
        .map(|q| q.explanation)
        .filter(|e| e.chars().count() >= 20)
        .map(|e| e.chars().take(40).collect())
        .collect();
    assert!(explanations.len() >= 10, "the demo questions have explanations");
    explanations
}

fn assert_no_key(label: &str, body: &str) {
    for explanation in explanations() {
        assert!(!body.contains(&explanation), "{label}: an explanation reached the browser: {explanation}");
    }
    assert!(!body.contains("\"correct\"") && !body.contains("explanation"), "{label}: a key field reached the browser");
}

async fn demo_contest(app: &TestApp) -> i64 {
    let now = app.clock.now();
    let listed = hocvuso_app::contests::public_contests(&app.ctx).await.unwrap();
    let open: Vec<_> =
        listed.iter().filter(|l| l.contest.settings.opens_at <= now && now < l.contest.settings.closes_at).collect();
    assert_eq!(open.len(), 1, "{}: the demo has one open contest", app.label);
    open[0].contest.id.0
}

/// A request with the entry code in `X-Entry-Code`.
async fn call(app: &TestApp, method: Method, path: &str, code: &str, json: Option<Value>) -> TestResponse {
    let mut builder = Request::builder().method(method).uri(path).header(header::HOST, "localhost");
    if !code.is_empty() {
        builder = builder.header("x-entry-code", code);
    }
    let body = match json {
        Some(json) => {
            builder = builder.header(header::CONTENT_TYPE, "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    app.request(builder.body(body).unwrap()).await
}

fn person(phone: &str) -> Value {
    json!({"full_name": "Lò Thị Xuyến", "birth_year": 1961, "phone": phone, "unit": "Thôn Đông"})
}

async fn register(app: &TestApp, contest: i64, phone: &str) -> String {
    let response = app
        .api(Method::POST, &format!("/api/v1/contests/{contest}/entrants"), None, Some(&person(phone).to_string()))
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}: {}", app.label, response.body);
    let code = response.json()["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 10);
    code
}

fn field_codes(response: &TestResponse) -> Vec<String> {
    response.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn registration_is_one_per_phone_and_a_refused_form_stores_nothing() {
    for app in TestApp::all().await {
        let contest = demo_contest(&app).await;
        let path = format!("/api/v1/contests/{contest}/entrants");
        register(&app, contest, "0912345678").await;
        let again = app.api(Method::POST, &path, None, Some(&person("+84 912 345 678").to_string())).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", app.label);
        assert_eq!(again.json()["error"]["code"], "contest_already_registered");

        let bad = json!({"full_name": " ", "birth_year": "năm", "phone": "0987654321", "unit": "Thôn Không Có"});
        let refused = app.api(Method::POST, &path, None, Some(&bad.to_string())).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", app.label, refused.body);
        let codes = field_codes(&refused);
        assert!(codes.contains(&"birth_year_invalid".to_owned()) && codes.contains(&"contest_unit_unknown".to_owned()));
        assert_eq!(codes.len(), 3, "{}: name, year and unit: {codes:?}", app.label);
        // Nothing was stored: the same phone registers now, the birth year as a string.
        let good =
            json!({"full_name": "Hà Văn Sơn", "birth_year": "1958", "phone": "0987 654 321", "unit": "Thôn Đông"});
        let ok = app.api(Method::POST, &path, None, Some(&good.to_string())).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}: {}", app.label, ok.body);

        // The form: messages next to the fields, and the duplicate offered the resume form.
        let page = app
            .post_form(
                &format!("/contests/{contest}/register"),
                None,
                &[("full_name", "Lò Văn Pọm"), ("birth_year", "3000"), ("phone", "0911222333"), ("unit", "Thôn Đông")],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(page.body.contains("id=\"birth_year-error\"") && page.body.contains("value=\"Lò Văn Pọm\""));
        let dup = app
            .post_form(
                &format!("/contests/{contest}/register"),
                None,
                &[
                    ("full_name", "Lò Văn Pọm"),
                    ("birth_year", "1970"),
                    ("phone", "0912.345.678"),
                    ("unit", "Thôn Đông"),
                ],
            )
            .await;
        assert_eq!(dup.status, StatusCode::CONFLICT, "{}", app.label);
        assert!(dup.body.contains("đã đăng ký dự thi") && dup.body.contains(&format!("/contests/{contest}/resume")));
        assert!(dup.cookie("hv_entry").is_none());
        let unknown = app
            .api(Method::POST, "/api/v1/contests/999999/entrants", None, Some(&person("0911000111").to_string()))
            .await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn answers_are_kept_replays_change_nothing_and_the_clock_ends_the_attempt() {
    for app in TestApp::all().await {
        let contest = demo_contest(&app).await;
        let code = register(&app, contest, "0912345678").await;
        let started = call(&app, Method::POST, &format!("/api/v1/contests/{contest}/attempts"), &code, None).await;
        assert_eq!(started.status, StatusCode::OK, "{}: {}", app.label, started.body);
        assert_no_key(app.label, &started.body);
        let attempt = started.json();
        assert_eq!(attempt["questions"].as_array().unwrap().len(), 10);
        assert_eq!(attempt["remaining_seconds"], 900);
        assert_eq!(attempt["number"], 1);
        assert!(attempt["submitted_at"].is_null() && attempt["score"].is_null());
        assert!(attempt["ends_at"].as_str().unwrap().ends_with('Z'), "RFC 3339: {}", attempt["ends_at"]);
        let id = attempt["attempt_id"].as_i64().unwrap();
        let base = format!("/api/v1/contests/{contest}/attempts/{id}");

        let saved =
            call(&app, Method::PUT, &format!("{base}/answers/0"), &code, Some(json!({"chosen": [1], "seq": 1}))).await;
        assert_eq!((saved.status, saved.json()), (StatusCode::OK, json!({"saved": true})), "{}", app.label);
        let replay =
            call(&app, Method::PUT, &format!("{base}/answers/0"), &code, Some(json!({"chosen": [0], "seq": 1}))).await;
        assert_eq!(replay.json(), json!({"saved": false}), "{}", app.label);
        let reloaded = call(&app, Method::GET, &base, &code, None).await.json();
        assert_eq!(reloaded["questions"][0]["chosen"], json!([1]), "{}: the stale answer changed nothing", app.label);
        // Resuming gives the same attempt, with its answer.
        let resumed =
            call(&app, Method::POST, &format!("/api/v1/contests/{contest}/attempts"), &code, None).await.json();
        assert_eq!(resumed["attempt_id"], id);
        assert_eq!(resumed["questions"][0]["chosen"], json!([1]));

        let position =
            call(&app, Method::PUT, &format!("{base}/answers/10"), &code, Some(json!({"chosen": [0], "seq": 2}))).await;
        assert_eq!(position.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field_codes(&position), vec!["contest_answer_position"]);
        let option =
            call(&app, Method::PUT, &format!("{base}/answers/1"), &code, Some(json!({"chosen": [9], "seq": 3}))).await;
        assert_eq!(field_codes(&option), vec!["contest_answer_option"]);
        let stranger = call(&app, Method::GET, &base, "ABCDEFGHJK", None).await;
        assert_eq!(stranger.status, StatusCode::NOT_FOUND, "{}", app.label);
        assert_eq!(call(&app, Method::GET, &base, "", None).await.status, StatusCode::NOT_FOUND);

        // Within the grace an answer still counts; after it, none.
        app.clock.advance(Duration::minutes(15) + Duration::seconds(10));
        let last =
            call(&app, Method::PUT, &format!("{base}/answers/2"), &code, Some(json!({"chosen": [0], "seq": 4}))).await;
        assert_eq!(last.json(), json!({"saved": true}), "{}", app.label);
        app.clock.advance(Duration::seconds(1));
        let late =
            call(&app, Method::PUT, &format!("{base}/answers/3"), &code, Some(json!({"chosen": [0], "seq": 5}))).await;
        assert_eq!(late.status, StatusCode::CONFLICT, "{}", app.label);
        assert_eq!(late.json()["error"]["code"], "contest_attempt_over");
        let closed = call(&app, Method::GET, &base, &code, None).await.json();
        assert!(closed["submitted_at"].is_string(), "{}: closed as it stood", app.label);
        assert_eq!(closed["remaining_seconds"], 0);
        assert_eq!(closed["questions"][2]["chosen"], json!([0]));
        assert_no_key(app.label, &closed.to_string());
    }
}

#[tokio::test]
async fn a_result_is_hidden_until_the_contest_closes_then_shows_the_key() {
    for app in TestApp::all().await {
        let contest = demo_contest(&app).await;
        let code = register(&app, contest, "0912345678").await;
        let attempt =
            call(&app, Method::POST, &format!("/api/v1/contests/{contest}/attempts"), &code, None).await.json();
        let id = attempt["attempt_id"].as_i64().unwrap();
        let base = format!("/api/v1/contests/{contest}/attempts/{id}");
        call(&app, Method::PUT, &format!("{base}/answers/0"), &code, Some(json!({"chosen": [0], "seq": 1}))).await;
        let submitted =
            call(&app, Method::POST, &format!("{base}/submit"), &code, Some(json!({"prediction": 1234}))).await;
        assert_eq!(submitted.status, StatusCode::OK, "{}: {}", app.label, submitted.body);
        let first = submitted.json();
        assert!(first["submitted_at"].is_string() && first["score"].is_null(), "{}: {first}", app.label);
        let twice = call(&app, Method::POST, &format!("{base}/submit"), &code, Some(json!({}))).await.json();
        assert_eq!(twice, first, "{}: a second submit changes nothing", app.label);
        let late =
            call(&app, Method::PUT, &format!("{base}/answers/1"), &code, Some(json!({"chosen": [0], "seq": 2}))).await;
        assert_eq!(late.json()["error"]["code"], "contest_attempt_submitted");

        // The result page, by the cookie: submitted, results after the close, no key anywhere.
        let cookie = format!("hv_entry={code}");
        let page = get_with(&app, &format!("/contests/{contest}/attempts/{id}"), &cookie).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.label);
        assert!(page.body.contains("Kết quả sẽ được công bố sau khi cuộc thi kết thúc"), "{}", app.label);
        assert_no_key(app.label, &page.body);
        assert_no_key(app.label, &get_with(&app, &format!("/contests/{contest}"), &cookie).await.body);

        app.clock.advance(Duration::days(61));
        let after = call(&app, Method::GET, &base, &code, None).await.json();
        assert!(after["score"].is_number(), "{}: the score after closing: {after}", app.label);
        let page = get_with(&app, &format!("/contests/{contest}/attempts/{id}"), &cookie).await;
        assert!(page.body.contains("Đáp án đúng") && page.body.contains("Giải thích"), "{}", app.label);
        let shown = explanations().iter().filter(|e| page.body.contains(e.as_str())).count();
        assert!(shown >= 5, "{}: the explanations of the attempt's questions are shown ({shown})", app.label);
    }
}

async fn get_with(app: &TestApp, path: &str, cookie: &str) -> TestResponse {
    let request = Request::get(path).header(header::HOST, "localhost").header(header::COOKIE, cookie);
    app.request(request.body(Body::empty()).unwrap()).await
}

async fn post_with(app: &TestApp, path: &str, cookie: &str, fields: &[(&str, &str)]) -> TestResponse {
    let request = Request::post(path)
        .header(header::HOST, "localhost")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    app.request(request.body(Body::from(serde_urlencoded::to_string(fields).unwrap())).unwrap()).await
}

#[tokio::test]
async fn one_participant_over_the_limit_is_slowed_while_another_goes_on() {
    for app in TestApp::all().await {
        let contest = demo_contest(&app).await;
        let fast = register(&app, contest, "0912345678").await;
        let calm = register(&app, contest, "0987654321").await;
        let path = format!("/api/v1/contests/{contest}/attempts");
        let mut refused = None;
        for n in 0..40 {
            let response = call(&app, Method::POST, &path, &fast, None).await;
            if response.status == StatusCode::TOO_MANY_REQUESTS {
                refused = Some((n, response));
                break;
            }
        }
        let (n, refused) = refused.unwrap_or_else(|| panic!("{}: 40 requests at once were all served", app.label));
        assert_eq!(n, 30, "{}: a burst of 30", app.label);
        assert_eq!(refused.json()["error"]["code"], "contest_too_many_requests");
        assert!(refused.json()["error"]["message"].as_str().unwrap().contains("chờ vài giây"));
        // The same school's other participant (same address) is not affected.
        assert_eq!(call(&app, Method::POST, &path, &calm, None).await.status, StatusCode::OK);
        // A second later the first one has tokens again.
        app.clock.advance(Duration::seconds(1));
        assert_eq!(call(&app, Method::POST, &path, &fast, None).await.status, StatusCode::OK, "{}", app.label);
        // The page is limited the same way.
        let cookie = format!("hv_entry={fast}");
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(get_with(&app, &format!("/contests/{contest}"), &cookie).await.status);
        }
        assert_eq!(statuses.last(), Some(&StatusCode::TOO_MANY_REQUESTS), "{}: {statuses:?}", app.label);

        // Registrations per phone: five tries, then one a minute.
        let entrants = format!("/api/v1/contests/{contest}/entrants");
        let mut statuses = Vec::new();
        for phone in ["0933444555", "0933 444 555", "+84933444555", "0933.444.555", "0933444555", "0933444555"] {
            statuses.push(app.api(Method::POST, &entrants, None, Some(&person(phone).to_string())).await.status);
        }
        let expected = [StatusCode::CREATED, StatusCode::CONFLICT, StatusCode::CONFLICT, StatusCode::CONFLICT];
        assert_eq!(statuses[..4], expected, "{}", app.label);
        assert_eq!(statuses[4..], [StatusCode::CONFLICT, StatusCode::TOO_MANY_REQUESTS], "{}", app.label);
    }
}

#[tokio::test]
async fn the_pages_work_without_javascript() {
    for app in TestApp::all().await {
        let contest = demo_contest(&app).await;
        let list = app.get("/contests", None).await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(
            list.body.contains("Tìm hiểu kỹ năng số cho mọi người dân 2026") && list.body.contains("UBND xã Quỳ Châu")
        );
        let rules = app.get(&format!("/contests/{contest}"), None).await;
        assert!(
            rules.body.contains(&format!("/contests/{contest}/register")) && rules.body.contains("Đã có mã dự thi?")
        );

        let form = app.get(&format!("/contests/{contest}/register"), None).await;
        assert!(
            form.body.contains("<option>Thôn Đông</option>") && !form.body.contains("name=\"cccd\""),
            "{}",
            app.label
        );
        let registered = app
            .post_form(
                &format!("/contests/{contest}/register"),
                None,
                &[
                    ("full_name", "Lò Thị Xuyến"),
                    ("birth_year", "1961"),
                    ("phone", "0912345678"),
                    ("unit", "Thôn Đông"),
                ],
            )
            .await;
        assert_eq!(registered.status, StatusCode::OK, "{}: {}", app.label, registered.body);
        let code = registered.cookie("hv_entry").expect("entry code cookie");
        let set_cookie = registered.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
        assert!(set_cookie.contains(&format!("Path=/contests/{contest}")), "{set_cookie}");
        assert!(registered.body.contains(&format!(">{code}</strong>")), "the code is shown to write down");
        let cookie = format!("hv_entry={code}");

        let start = post_with(&app, &format!("/contests/{contest}/start"), &cookie, &[]).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}: {}", app.label, start.body);
        let url = start.location().to_owned();
        let page = get_with(&app, &url, &cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_no_key(app.label, &page.body);
        assert_eq!(page.body.matches("class=\"contest-q\"").count(), 10);
        assert_eq!(page.body.matches(" hidden>").count(), 9, "{}: one question per screen", app.label);
        let seq = crate::extract_value(&page.body, "name=\"seq\" value=\"").unwrap();
        assert_eq!(seq, "1");

        // Answer the first question and move on; the next page shows the second question and keeps the choice.
        let saved =
            post_with(&app, &format!("{url}/answers/0"), &cookie, &[("chosen", "1"), ("seq", &seq), ("go", "next")])
                .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}: {}", app.label, saved.body);
        assert_eq!(saved.location(), format!("{url}?q=1"));
        let second = get_with(&app, saved.location(), &cookie).await;
        assert!(second.body.contains("id=\"q1\" data-position=\"1\">"), "{}: the second question is shown", app.label);
        assert!(second.body.contains("name=\"chosen\" value=\"1\" checked"), "{}: the first answer is kept", app.label);
        assert_eq!(crate::extract_value(&second.body, "name=\"seq\" value=\"").unwrap(), "2");
        let all = get_with(&app, &format!("{url}?all=1"), &cookie).await;
        assert!(!all.body.contains(" hidden>"), "{}: every question on one page", app.label);

        // Another phone: the code typed in the resume form gives the same attempt.
        let resumed =
            app.post_form(&format!("/contests/{contest}/resume"), None, &[("code", &code.to_lowercase())]).await;
        assert_eq!(resumed.status, StatusCode::SEE_OTHER, "{}", app.label);
        assert_eq!(resumed.cookie("hv_entry").as_deref(), Some(code.as_str()));
        let wrong = app.post_form(&format!("/contests/{contest}/resume"), None, &[("code", "KHONGCOMA2")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.body.contains("Không tìm thấy mã dự thi"));
        let contest_page = get_with(&app, &format!("/contests/{contest}"), &cookie).await;
        assert!(contest_page.body.contains("Làm tiếp bài thi"), "{}", app.label);

        let submitted = post_with(&app, &format!("{url}/submit"), &cookie, &[("prediction", "1.500")]).await;
        assert_eq!((submitted.status, submitted.location()), (StatusCode::SEE_OTHER, url.as_str()));
        let result = get_with(&app, &url, &cookie).await;
        assert!(result.body.contains("Đã nộp bài") && result.body.contains("Kết quả sẽ được công bố"), "{}", app.label);
        // Without the cookie the attempt is not shown: back to the contest's page.
        let anonymous = app.get(&url, None).await;
        assert_eq!(
            (anonymous.status, anonymous.location()),
            (StatusCode::SEE_OTHER, format!("/contests/{contest}").as_str())
        );
    }
}
