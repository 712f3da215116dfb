//! End-to-end runs of the `hocvuso` binary: accounts from the command line, backup and restore, and `serve`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use hocvuso_test_support::{TestStore, stores};

const BIN: &str = env!("CARGO_BIN_EXE_hocvuso");

/// Runs the binary against the test store's database.
fn hocvuso(test: &TestStore, data: &std::path::Path, args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command.args(args).env("HOCVUSO_DATA", data).env_remove("HOCVUSO_DATABASE_URL").env_remove("HOCVUSO_PASSWORD");
    if test.label == "postgres" {
        command.env("HOCVUSO_DATABASE_URL", &test.url);
    }
    if let Some(password) = password {
        command.env("HOCVUSO_PASSWORD", password);
    }
    command.output().expect("the binary runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// The data folder of a test store: for SQLite, the folder of its file (the binary uses `hocvuso.db` in it).
fn data_dir(test: &TestStore) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("hocvuso-cli-{}-{}", test.label, rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
}

#[tokio::test]
async fn operators_manage_accounts_from_the_command_line() {
    for test in stores().await {
        let data = data_dir(&test);
        let ok = |output: Output| {
            assert!(output.status.success(), "{}: {}", test.label, text(&output));
            text(&output)
        };
        ok(hocvuso(&test, &data, &["migrate"], None));
        assert!(ok(hocvuso(&test, &data, &["commune", "add", "16777"], None)).contains("Xã Quỳ Châu"));
        let bad = hocvuso(
            &test,
            &data,
            &["user", "create", "--phone", "0612", "--name", "A", "--role", "commune_admin", "--commune", "16777"],
            Some("ngắn"),
        );
        assert!(!bad.status.success(), "{}", test.label);
        let message = text(&bad);
        assert!(message.contains("Đầu số điện thoại không đúng") || message.contains("10 chữ số"), "{message}");
        assert!(message.contains("Mật khẩu cần ít nhất 8 ký tự."), "{message}");
        let args = [
            "user",
            "create",
            "--phone",
            "0912 345 678",
            "--name",
            "Lê Thị Hoa",
            "--role",
            "commune_admin",
            "--commune",
            "16777",
        ];
        ok(hocvuso(&test, &data, &args, Some("Đồng lúa chín vàng")));
        let again = hocvuso(&test, &data, &args, Some("Đồng lúa chín vàng"));
        assert!(text(&again).contains("đã có tài khoản"), "{}", text(&again));
        ok(hocvuso(&test, &data, &["user", "set-password", "--phone", "0912345678"], Some("Mùa nước nổi về")));
        ok(hocvuso(&test, &data, &["user", "disable", "--phone", "0912345678"], None));
        let store = match test.label {
            "postgres" => test.store.clone(),
            _ => {
                let url = format!("sqlite://{}", data.join("hocvuso.db").display());
                hocvuso_store::Store::open(&url, Default::default()).await.unwrap()
            }
        };
        let mut tx = store.read().await.unwrap();
        let phone = hocvuso_domain::phone::PhoneNumber::parse("0912345678").unwrap();
        let (user, hash) = tx.user_credentials_by_phone(&phone).await.unwrap().unwrap();
        assert!(user.disabled_at.is_some(), "{}", test.label);
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}: OWASP parameters", test.label);
        assert_eq!(user.display_name, "Lê Thị Hoa");
        let _ = std::fs::remove_dir_all(&data);
    }
}

#[tokio::test]
async fn a_backup_restores_what_was_there_when_it_was_taken() {
    for test in stores().await {
        let data = data_dir(&test);
        let backup = data.join("backup.db");
        let run = |args: &[&str]| {
            let output = hocvuso(&test, &data, args, None);
            assert!(output.status.success(), "{} {args:?}: {}", test.label, text(&output));
        };
        run(&["commune", "add", "16777"]);
        run(&["backup", backup.to_str().unwrap()]);
        run(&["commune", "add", "16804"]);
        let listed = text(&hocvuso(&test, &data, &["commune", "list"], None));
        assert!(listed.contains("16804"), "{}", test.label);
        run(&["restore", backup.to_str().unwrap()]);
        let listed = text(&hocvuso(&test, &data, &["commune", "list"], None));
        assert!(listed.contains("16777") && !listed.contains("16804"), "{}: {listed}", test.label);
        let _ = std::fs::remove_dir_all(&data);
    }
}

/// Sends one HTTP/1.1 request and returns the status line and body.
fn http_get(port: u16, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

#[tokio::test]
async fn serve_demo_starts_answers_and_stops_on_sigterm() {
    for test in stores().await {
        let data = data_dir(&test);
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
            .env("HOCVUSO_DATA", &data)
            .env_remove("HOCVUSO_DATABASE_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if test.label == "postgres" {
            command.env("HOCVUSO_DATABASE_URL", &test.url);
        }
        let mut child = command.spawn().unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        let health = loop {
            if let Some(response) = http_get(port, "/healthz") {
                break response;
            }
            assert!(Instant::now() < deadline, "{}: the server did not start", test.label);
            std::thread::yield_now();
        };
        assert!(health.starts_with("HTTP/1.1 200"), "{health}");
        let home = http_get(port, "/").unwrap();
        assert!(home.contains("Bản dùng thử") && home.contains("Xã Quỳ Châu"), "{}", test.label);
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "{}: a clean shutdown on SIGTERM", test.label);
        let mut printed = String::new();
        child.stdout.take().unwrap().read_to_string(&mut printed).unwrap();
        assert!(printed.contains("0900000011") && printed.contains("hocvuso-demo-2026"), "the demo logins are printed");
        let _ = std::fs::remove_dir_all(&data);
    }
}

/// A minimal HTTP/1.1 exchange: status, `Set-Cookie` values and body.
struct Exchange {
    status: u16,
    cookies: Vec<String>,
    body: String,
}

fn exchange(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Option<Exchange> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let cookies = head
        .lines()
        .filter_map(|line| line.strip_prefix("set-cookie: "))
        .map(|cookie| cookie.split(';').next().unwrap_or("").to_owned())
        .collect();
    Some(Exchange { status, cookies, body: body.to_owned() })
}

/// Signs in as demo commune staff over real HTTP; returns the cookie header and the CSRF token.
fn sign_in_over_http(port: u16) -> (String, String) {
    sign_in_as(port, "0900000011")
}

/// Signs in with a demo account over real HTTP; returns the cookie header and the CSRF token.
fn sign_in_as(port: u16, phone: &str) -> (String, String) {
    let form = exchange(port, "GET", "/login", &[], "").unwrap();
    let login_cookie = form.cookies.iter().find(|c| c.starts_with("hv_login=")).unwrap().clone();
    let token = login_cookie.trim_start_matches("hv_login=").to_owned();
    let body = format!("_csrf={token}&phone={phone}&password=hocvuso-demo-2026&next=%2F");
    let headers = [("Cookie", login_cookie.as_str()), ("Content-Type", "application/x-www-form-urlencoded")];
    let signed_in = exchange(port, "POST", "/login", &headers, &body).unwrap();
    let session = signed_in.cookies.iter().find(|c| c.starts_with("hv_session=")).unwrap().clone();
    let me = exchange(port, "GET", "/api/v1/me", &[("Cookie", session.as_str())], "").unwrap();
    let csrf = me.body.split("\"csrf_token\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    (session, csrf)
}

fn start_server(test: &TestStore, data: &std::path::Path, port: u16) -> std::process::Child {
    let mut command = Command::new(BIN);
    command
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("HOCVUSO_DATA", data)
        .env_remove("HOCVUSO_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if test.label == "postgres" {
        command.env("HOCVUSO_DATABASE_URL", &test.url);
    }
    let child = command.spawn().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while http_get(port, "/healthz").is_none_or(|r| !r.starts_with("HTTP/1.1 200")) {
        assert!(Instant::now() < deadline, "{}: the server did not start", test.label);
        std::thread::yield_now();
    }
    child
}

#[tokio::test]
async fn acknowledged_writes_survive_a_sigkill() {
    for test in stores().await {
        let data = data_dir(&test);
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = start_server(&test, &data, port);
        let (session, csrf) = sign_in_over_http(port);
        let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let writer = {
            let acked = acked.clone();
            let (session, csrf) = (session.clone(), csrf.clone());
            std::thread::spawn(move || {
                for n in 0..10_000 {
                    let name = format!("Thôn Thử {n}");
                    let body = format!("{{\"name\":\"{name}\",\"kind\":\"thon\"}}");
                    let headers = [
                        ("Cookie", session.as_str()),
                        ("X-CSRF-Token", csrf.as_str()),
                        ("Content-Type", "application/json"),
                    ];
                    match exchange(port, "POST", "/api/v1/hamlets", &headers, &body) {
                        Some(response) if response.status == 201 => acked.lock().unwrap().push(name),
                        Some(_) => {}
                        None => break, // The server is gone.
                    }
                }
            })
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked.lock().unwrap().len() < 40 {
            assert!(Instant::now() < deadline, "{}: writes are too slow to test", test.label);
            std::thread::yield_now();
        }
        // Killed in the middle of the stream of writes: no shutdown, no flush.
        server.kill().unwrap();
        server.wait().unwrap();
        writer.join().unwrap();
        let acked = acked.lock().unwrap().clone();

        let mut server = start_server(&test, &data, port);
        let (session, _) = sign_in_over_http(port);
        let listed = exchange(port, "GET", "/api/v1/hamlets", &[("Cookie", session.as_str())], "").unwrap();
        let missing: Vec<_> = acked.iter().filter(|name| !listed.body.contains(&format!("\"{name}\""))).collect();
        assert!(missing.is_empty(), "{}: acknowledged but lost: {missing:?}", test.label);
        server.kill().unwrap();
        server.wait().unwrap();
        let _ = std::fs::remove_dir_all(&data);
    }
}

/// One batch of visits from a phone, as JSON, with record ids and notes numbered from `first`.
fn visit_batch(first: usize, residents: &[i64]) -> String {
    let records: Vec<String> = (first..first + 20)
        .map(|n| {
            let resident = residents[n % residents.len()];
            format!(
                "{{\"id\":\"5ca1ab1e-0000-4000-8000-{n:012}\",\"kind\":\"visit\",\"resident_id\":\"{resident}\",\
                 \"outcome\":\"helped\",\"practised\":\"sync-{n}\"}}"
            )
        })
        .collect();
    format!("{{\"records\":[{}]}}", records.join(","))
}

#[tokio::test]
async fn field_records_survive_a_sigkill_during_a_sync_and_are_never_doubled() {
    for test in stores().await {
        let data = data_dir(&test);
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = start_server(&test, &data, port);
        let (session, csrf) = sign_in_as(port, "0900000013");
        let listed = exchange(port, "GET", "/api/v1/residents", &[("Cookie", session.as_str())], "").unwrap();
        let people: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
        let residents: Vec<i64> = people.as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
        assert!(!residents.is_empty(), "{}: the demo volunteer has people", test.label);

        // A phone syncing batch after batch; what the server answered is acknowledged.
        let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<usize>::new()));
        let sent_batches = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let syncer = {
            let (acked, sent_batches, residents) = (acked.clone(), sent_batches.clone(), residents.clone());
            let (session, csrf) = (session.clone(), csrf.clone());
            std::thread::spawn(move || {
                for batch in 0..1_000 {
                    sent_batches.store(batch + 1, std::sync::atomic::Ordering::SeqCst);
                    let headers = [
                        ("Cookie", session.as_str()),
                        ("X-CSRF-Token", csrf.as_str()),
                        ("Content-Type", "application/json"),
                    ];
                    let body = visit_batch(batch * 20, &residents);
                    match exchange(port, "POST", "/api/v1/field/sync", &headers, &body) {
                        Some(response) if response.status == 200 => {
                            let answer: serde_json::Value = serde_json::from_str(&response.body).unwrap();
                            let applied =
                                answer["results"].as_array().unwrap().iter().all(|r| r["status"] == "applied");
                            assert!(applied, "every record of a fresh batch applies: {answer}");
                            acked.lock().unwrap().extend(batch * 20..batch * 20 + 20);
                        }
                        Some(_) => {}
                        None => break, // The server is gone.
                    }
                }
            })
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked.lock().unwrap().len() < 200 {
            assert!(Instant::now() < deadline, "{}: syncs are too slow to test", test.label);
            std::thread::yield_now();
        }
        server.kill().unwrap();
        server.wait().unwrap();
        syncer.join().unwrap();
        let acked = acked.lock().unwrap().clone();
        let n_batches = sent_batches.load(std::sync::atomic::Ordering::SeqCst);

        // The phone never heard back about its last batch: it sends everything again after the restart.
        let mut server = start_server(&test, &data, port);
        let (session, csrf) = sign_in_as(port, "0900000013");
        let headers =
            [("Cookie", session.as_str()), ("X-CSRF-Token", csrf.as_str()), ("Content-Type", "application/json")];
        for batch in 0..n_batches {
            let response =
                exchange(port, "POST", "/api/v1/field/sync", &headers, &visit_batch(batch * 20, &residents)).unwrap();
            assert_eq!(response.status, 200, "{}: {}", test.label, response.body);
            let answer: serde_json::Value = serde_json::from_str(&response.body).unwrap();
            for (offset, result) in answer["results"].as_array().unwrap().iter().enumerate() {
                assert_eq!(result["status"], "applied", "{}: {result}", test.label);
                if acked.contains(&(batch * 20 + offset)) {
                    assert_eq!(result["replayed"], true, "{}: an acknowledged record was lost: {result}", test.label);
                }
            }
        }
        // Every record is there exactly once.
        let mut seen = std::collections::HashMap::<String, usize>::new();
        let mut households = std::collections::HashSet::new();
        for person in people.as_array().unwrap() {
            if !households.insert(person["household_id"].as_i64().unwrap()) {
                continue;
            }
            let id = person["id"].as_i64().unwrap();
            let visits =
                exchange(port, "GET", &format!("/api/v1/residents/{id}/visits"), &[("Cookie", session.as_str())], "")
                    .unwrap();
            let visits: serde_json::Value = serde_json::from_str(&visits.body).unwrap();
            for visit in visits.as_array().unwrap() {
                let note = visit["practised"].as_str().unwrap();
                if note.starts_with("sync-") {
                    *seen.entry(note.to_owned()).or_default() += 1;
                }
            }
        }
        for n in 0..n_batches * 20 {
            assert_eq!(seen.get(&format!("sync-{n}")), Some(&1), "{}: record {n}", test.label);
        }
        assert_eq!(seen.len(), n_batches * 20, "{}", test.label);
        server.kill().unwrap();
        server.wait().unwrap();
        let _ = std::fs::remove_dir_all(&data);
    }
}

/// One participant's answers as the phone knows them: per position, every (seq, chosen) sent, and the highest
/// seq the server acknowledged.
#[derive(Default)]
struct Answered {
    sent: std::collections::BTreeMap<usize, Vec<(i64, usize)>>,
    acked: std::collections::BTreeMap<usize, i64>,
}

/// The demo's open contest: the first id under which a registration is accepted. Returns the id and the entry code.
fn register_in_open_contest(port: u16, phone: &str) -> (i64, String) {
    for contest in 1..=10 {
        let body = format!(
            "{{\"full_name\":\"Nguyễn Văn Thử\",\"birth_year\":\"1970\",\"phone\":\"{phone}\",\"unit\":\"Thôn Đông\"}}"
        );
        let response = exchange(
            port,
            "POST",
            &format!("/api/v1/contests/{contest}/entrants"),
            &[("Content-Type", "application/json")],
            &body,
        )
        .unwrap();
        if response.status == 201 {
            let answer: serde_json::Value = serde_json::from_str(&response.body).unwrap();
            return (contest, answer["code"].as_str().unwrap().to_owned());
        }
    }
    panic!("no open demo contest accepts a registration")
}

#[tokio::test]
async fn contest_answers_survive_a_sigkill_and_every_attempt_resumes() {
    for test in stores().await {
        let data = data_dir(&test);
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = start_server(&test, &data, port);
        let participants: Vec<(i64, String)> =
            (0..6).map(|n| register_in_open_contest(port, &format!("091234{n:04}"))).collect();
        let started: Vec<(i64, Vec<usize>)> = participants
            .iter()
            .map(|(contest, code)| {
                let headers = [("X-Entry-Code", code.as_str()), ("Content-Type", "application/json")];
                let response =
                    exchange(port, "POST", &format!("/api/v1/contests/{contest}/attempts"), &headers, "").unwrap();
                assert_eq!(response.status, 200, "{}: {}", test.label, response.body);
                let attempt: serde_json::Value = serde_json::from_str(&response.body).unwrap();
                let options = attempt["questions"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|q| q["options"].as_array().unwrap().len())
                    .collect();
                (attempt["attempt_id"].as_i64().unwrap(), options)
            })
            .collect();

        // Each participant changes their answers again and again; the server acknowledges what it stored.
        let acked_total = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let players: Vec<_> = participants
            .iter()
            .cloned()
            .zip(started.clone())
            .map(|((contest, code), (attempt, options))| {
                let acked_total = acked_total.clone();
                std::thread::spawn(move || {
                    let mut answered = Answered::default();
                    for seq in 1..10_000i64 {
                        let position = usize::try_from(seq).unwrap() % options.len();
                        let chosen = usize::try_from(seq).unwrap() % options[position];
                        answered.sent.entry(position).or_default().push((seq, chosen));
                        let headers = [("X-Entry-Code", code.as_str()), ("Content-Type", "application/json")];
                        let path = format!("/api/v1/contests/{contest}/attempts/{attempt}/answers/{position}");
                        let body = format!("{{\"chosen\":[{chosen}],\"seq\":{seq}}}");
                        match exchange(port, "PUT", &path, &headers, &body) {
                            Some(response) if response.status == 200 => {
                                assert!(response.body.contains("\"saved\":true"), "{}", response.body);
                                answered.acked.insert(position, seq);
                                acked_total.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            }
                            Some(_) => {} // Refused for now (the participant's rate limit): not acknowledged.
                            None => break, // The server is gone.
                        }
                    }
                    answered
                })
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(120);
        while acked_total.load(std::sync::atomic::Ordering::SeqCst) < 120 {
            assert!(Instant::now() < deadline, "{}: answers are too slow to test", test.label);
            std::thread::yield_now();
        }
        // Killed in the middle of the answers: no shutdown, no flush.
        server.kill().unwrap();
        server.wait().unwrap();
        let answered: Vec<Answered> = players.into_iter().map(|p| p.join().unwrap()).collect();

        let mut server = start_server(&test, &data, port);
        for (((contest, code), (attempt, _)), answered) in participants.iter().zip(&started).zip(&answered) {
            // "Bắt đầu" again resumes the same attempt, with the server's timer still running.
            let headers = [("X-Entry-Code", code.as_str()), ("Content-Type", "application/json")];
            let response =
                exchange(port, "POST", &format!("/api/v1/contests/{contest}/attempts"), &headers, "").unwrap();
            assert_eq!(response.status, 200, "{}: {}", test.label, response.body);
            let resumed: serde_json::Value = serde_json::from_str(&response.body).unwrap();
            assert_eq!(resumed["attempt_id"].as_i64(), Some(*attempt), "{}: the attempt resumes", test.label);
            assert!(resumed["submitted_at"].is_null(), "{}", test.label);
            assert!(resumed["remaining_seconds"].as_i64().unwrap() > 0, "{}", test.label);
            for (position, acked_seq) in &answered.acked {
                // What is stored is the acknowledged answer or one sent after it (stored, but the reply was lost).
                let allowed: Vec<usize> = answered.sent[position]
                    .iter()
                    .filter(|(seq, _)| seq >= acked_seq)
                    .map(|(_, chosen)| *chosen)
                    .collect();
                let stored: Vec<usize> = resumed["questions"][*position]["chosen"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| usize::try_from(c.as_u64().unwrap()).unwrap())
                    .collect();
                assert!(
                    stored.len() == 1 && allowed.contains(&stored[0]),
                    "{}: position {position}: stored {stored:?}, acknowledged or later {allowed:?}",
                    test.label
                );
            }
        }
        server.kill().unwrap();
        server.wait().unwrap();
        let _ = std::fs::remove_dir_all(&data);
    }
}

#[tokio::test]
async fn clients_that_do_not_finish_their_headers_are_disconnected() {
    let test = hocvuso_test_support::sqlite_store().await;
    let data = data_dir(&test);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Command::new(BIN)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--header-read-timeout", "1"])
        .env("HOCVUSO_DATA", &data)
        .env_remove("HOCVUSO_DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while http_get(port, "/healthz").is_none_or(|r| !r.starts_with("HTTP/1.1 200")) {
        assert!(Instant::now() < deadline, "the server did not start");
        std::thread::yield_now();
    }
    let mut slow = TcpStream::connect(("127.0.0.1", port)).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHo").unwrap();
    let mut rest = Vec::new();
    // The server closes the connection once the header timeout passes; the read then ends.
    let closed = slow.read_to_end(&mut rest);
    assert!(closed.is_ok(), "the server closed the half-sent request: {closed:?}");
    assert!(http_get(port, "/healthz").unwrap().starts_with("HTTP/1.1 200"), "others are still served");
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(&data);
}
