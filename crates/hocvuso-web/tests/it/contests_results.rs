//! Contest results on the web: who sees the results and the leaderboard and when, the Excel export read back,
//! certificates issued, printed (PDF text) and verified from the QR code's address.

use axum::http::StatusCode;
use hocvuso_app::contests::{self, EntrantInput};
use hocvuso_domain::accounts::{Actor, Role};
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, DrawPlan};
use hocvuso_domain::ids::{CommuneId, ContestId};
use hocvuso_test_support::test_now;
use time::Duration;

use crate::register::download_as;
use crate::{TestApp, TestResponse, demo};

/// The demo contests of commune A: (the open one, the closed one).
async fn demo_contests(app: &TestApp) -> (i64, i64) {
    let mut tx = app.ctx.store.read().await.unwrap();
    let contests = tx.list_contests(CommuneId(16777)).await.unwrap();
    let closed = contests.iter().find(|c| c.settings.title == hocvuso_app::demo::DEMO_CLOSED_CONTEST).unwrap();
    let open = contests.iter().find(|c| c.settings.closes_at > test_now()).unwrap();
    (open.id.0, closed.id.0)
}

async fn staff_actor(app: &TestApp) -> Actor {
    let mut tx = app.ctx.store.read().await.unwrap();
    let users = tx.list_users(Some(CommuneId(16777))).await.unwrap();
    users.into_iter().find(|u| u.role == Role::CommuneStaff).unwrap().actor()
}

fn assert_public(page: &TestResponse, label: &str) {
    assert_eq!(page.status, StatusCode::OK, "{label}");
    assert!(page.body.contains("Xếp hạng đơn vị"), "{label}: the unit ranking is public");
    assert!(!page.body.contains("Năm sinh") && !page.body.contains("097****"), "{label}: no birth year, no phone");
    assert!(!page.body.contains("Làm quá nhanh"), "{label}: flags are for staff");
}

#[tokio::test]
async fn results_are_hidden_until_the_contest_closes_and_then_public_without_personal_details() {
    for app in TestApp::all().await {
        let (open, closed) = demo_contests(&app).await;
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        let other_staff = app.sign_in(demo::STAFF_B).await;
        for who in [None, Some(&volunteer), Some(&other_staff)] {
            let early = app.get(&format!("/contests/{open}/results"), who).await;
            assert_eq!(early.status, StatusCode::OK, "{}", app.label);
            assert!(early.body.contains("Kết quả sẽ được công bố sau"), "{}: {}", app.label, early.body);
            let board = app.get(&format!("/contests/{open}/leaderboard"), who).await;
            assert!(board.body.contains("Kết quả sẽ được công bố sau") && !board.body.contains("leaderboard.js"));
            let json = app.get(&format!("/contests/{open}/leaderboard.json"), who).await;
            assert_eq!(json.status, StatusCode::NOT_FOUND, "{}", app.label);

            assert_public(&app.get(&format!("/contests/{closed}/results"), who).await, app.label);
            let board = app.get(&format!("/contests/{closed}/leaderboard"), who).await;
            assert_public(&board, app.label);
            assert!(board.body.contains("/static/leaderboard."), "{}: the refresh script", app.label);
            let json = app.get(&format!("/contests/{closed}/leaderboard.json"), who).await.json();
            assert_eq!(json["top"].as_array().unwrap().len(), 10, "{}", app.label);
            assert!(json["n_entrants"].as_u64().unwrap() >= 50);
            assert!(json["top"][0].get("phone").is_none() && json["top"][0].get("birth_year").is_none());
        }
        let staff = app.sign_in(demo::STAFF_A).await;
        let page = app.get(&format!("/contests/{closed}/results"), Some(&staff)).await;
        assert!(page.body.contains("Năm sinh") && page.body.contains("097****"), "{}", app.label);
        assert!(page.body.contains("Làm quá nhanh"), "{}: the demo's too-fast attempts are flagged", app.label);
        assert!(page.body.contains("Số người đăng ký"), "{}", app.label);
        let running = app.get(&format!("/contests/{open}/leaderboard"), Some(&staff)).await;
        assert!(running.body.contains("data-leaderboard="), "{}: staff follow a running contest", app.label);
        let running = app.get(&format!("/contests/{open}/results"), Some(&staff)).await;
        assert!(running.body.contains("chỉ cán bộ phụ trách xem được"), "{}", app.label);
        assert_eq!(app.get("/contests/999999/results", None).await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn only_the_communes_contest_staff_export_issue_and_print() {
    for app in TestApp::all().await {
        let (_, closed) = demo_contests(&app).await;
        let routes = [
            format!("/contests/{closed}/results.xlsx"),
            format!("/contests/{closed}/certificates.pdf"),
            format!("/contests/{closed}/certificates/1.pdf"),
        ];
        for path in &routes {
            let anonymous = app.get(path, None).await;
            assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{}: {path}", app.label);
            assert!(anonymous.location().starts_with("/login"), "{}: {path}", app.label);
        }
        for phone in [demo::VOLUNTEER_A, demo::RESIDENT_A, demo::LEAD_A, demo::STAFF_B, demo::ADMIN_B] {
            let browser = app.sign_in(phone).await;
            for path in &routes {
                assert_eq!(
                    app.get(path, Some(&browser)).await.status,
                    StatusCode::NOT_FOUND,
                    "{}: {phone} {path}",
                    app.label
                );
            }
            let issue =
                app.post_form(&format!("/contests/{closed}/certificates"), Some(&browser), &[("first", "1")]).await;
            assert_eq!(issue.status, StatusCode::NOT_FOUND, "{}: {phone}", app.label);
        }
        let mut tx = app.ctx.store.read().await.unwrap();
        assert!(tx.list_certificates(ContestId(closed)).await.unwrap().is_empty(), "{}: nothing was issued", app.label);
    }
}

fn read_sheet(bytes: &[u8], index: usize) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = workbook.sheet_names()[index].clone();
    let range = workbook.worksheet_range(&name).unwrap();
    range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect()
}

#[tokio::test]
async fn the_excel_export_lists_everyone_in_rank_order_with_formulas_neutralised() {
    for app in TestApp::all().await {
        // A contest with a unit named like a formula, three entrants, then closed.
        let actor = staff_actor(&app).await;
        let settings = ContestSettings {
            title: "Thi nhanh".into(),
            rules: String::new(),
            organiser: "UBND xã Quỳ Châu".into(),
            opens_at: test_now() - Duration::hours(1),
            closes_at: test_now() + Duration::hours(1),
            time_limit: Duration::minutes(5),
            attempts_allowed: 1,
            counting: AttemptCounting::Best,
            plan: DrawPlan { total: 2, quotas: Vec::new() },
            shuffle_options: false,
            prediction_question: None,
            results: ResultsShown::AfterClose,
            ranking: DEFAULT_RANKING.to_vec(),
            cccd: CccdRule::NotAsked,
            units: vec!["=1+1".into(), "Thôn Đông".into()],
        };
        let contest = contests::create_contest(&app.ctx, &actor, CommuneId(16777), settings).await.unwrap();
        for (n, (name, unit)) in
            [("Lê Văn Bảo", "=1+1"), ("Lê Thị Ánh", "Thôn Đông"), ("Lê Văn Cường", "=1+1")].iter().enumerate()
        {
            let input = EntrantInput {
                full_name: (*name).into(),
                birth_year: "1970".into(),
                phone: format!("09880000{n:02}"),
                cccd: String::new(),
                unit: (*unit).into(),
            };
            let code = contests::register(&app.ctx, contest, &input).await.unwrap().code;
            let view = contests::start_attempt(&app.ctx, contest, &code).await.unwrap();
            app.clock.advance(Duration::seconds(30));
            contests::submit(&app.ctx, contest, &code, view.attempt_id, None).await.unwrap();
        }
        app.clock.advance(Duration::hours(2));
        let staff = app.sign_in(demo::STAFF_A).await;
        let xlsx = download_as(&app, &format!("/contests/{contest}/results.xlsx"), &staff, "spreadsheetml").await;
        let people = read_sheet(&xlsx, 0);
        assert_eq!(people[2][0], "Hạng", "{}", app.label);
        // No answers: all score 0, so the times decide; the three took the same time, so the submission time does.
        let names: Vec<&str> = people[3..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(names, ["Lê Văn Bảo", "Lê Thị Ánh", "Lê Văn Cường"], "{}", app.label);
        let places: Vec<&str> = people[3..].iter().map(|r| r[0].as_str()).collect();
        assert_eq!(places, ["1", "2", "3"]);
        assert_eq!(people[3][3], "=1+1", "{}: the unit is text", app.label);
        let units = read_sheet(&xlsx, 1);
        assert_eq!(units[2][1], "Đơn vị");
        assert_eq!(units.len(), 5, "{}: two units", app.label);
        // Neither sheet holds a formula, and the cell carries Excel's quote prefix.
        {
            use calamine::Reader;
            let mut workbook: calamine::Xlsx<_> =
                calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.clone())).unwrap();
            for name in workbook.sheet_names() {
                let formulas = workbook.worksheet_formula(&name).unwrap();
                assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{}: {name}", app.label);
            }
        }
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
        let mut styles = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
        assert!(styles.contains("quotePrefix=\"1\""), "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        let audit = tx.list_audit(Some(CommuneId(16777)), 5).await.unwrap();
        assert!(
            audit.iter().any(|e| e.detail == "contest results xlsx, 3 rows" && e.subject_id == Some(contest.0)),
            "{}: the export is audited",
            app.label
        );
    }
}

#[tokio::test]
async fn staff_issue_certificates_print_them_and_the_qr_address_verifies_them() {
    for app in TestApp::all().await {
        let (open, closed) = demo_contests(&app).await;
        let staff = app.sign_in(demo::STAFF_A).await;
        let early = app.post_form(&format!("/contests/{open}/certificates"), Some(&staff), &[("first", "1")]).await;
        assert_eq!(early.status, StatusCode::CONFLICT, "{}: not before closing", app.label);
        let bad = app.post_form(&format!("/contests/{closed}/certificates"), Some(&staff), &[("first", "x")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        let fields = [("first", "1"), ("second", "2"), ("third", "3"), ("consolation", "")];
        let issued = app.post_form(&format!("/contests/{closed}/certificates"), Some(&staff), &fields).await;
        assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}: {}", app.label, issued.body);
        assert!(issued.location().starts_with(&format!("/contests/{closed}/results?issued=")), "{}", app.label);
        let page = app.get(issued.location(), Some(&staff)).await;
        assert!(page.body.contains("Số giấy chứng nhận vừa cấp:"), "{}", app.label);

        let certificates = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.list_certificates(ContestId(closed)).await.unwrap()
        };
        assert!(certificates.len() >= 6, "{}: six prizes (more when places are shared)", app.label);
        let winner = &certificates[0];
        assert_eq!(winner.place, 1);
        let one =
            download_as(&app, &format!("/contests/{closed}/certificates/{}.pdf", winner.id.0), &staff, "pdf").await;
        if let Some(text) = hocvuso_test_support::pdf::pdf_text(&one) {
            assert!(text.contains(winner.full_name.as_str()), "{}: {text}", app.label);
            assert!(text.contains(hocvuso_app::demo::DEMO_CLOSED_CONTEST), "{}: {text}", app.label);
            assert!(text.contains("GIẢI NHẤT") && text.contains("Xếp hạng 1"), "{}: {text}", app.label);
            assert!(text.contains(&format!("http://localhost/certificates/{}", winner.code)), "{text}");
        }
        let all = download_as(&app, &format!("/contests/{closed}/certificates.pdf"), &staff, "pdf").await;
        if let Some(info) = hocvuso_test_support::pdf::poppler("pdfinfo", &["-"], &all) {
            let pages = format!(" {}", certificates.len());
            assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(&pages)), "{}: {info}", app.label);
        }

        // The QR code's address, opened by anyone.
        let verify = app.get(&format!("/certificates/{}", winner.code), None).await;
        assert_eq!(verify.status, StatusCode::OK, "{}", app.label);
        assert!(verify.body.contains("Giấy chứng nhận hợp lệ"), "{}", app.label);
        assert!(verify.body.contains(winner.full_name.as_str()) && verify.body.contains(&winner.unit));
        assert!(verify.body.contains(hocvuso_app::demo::DEMO_CLOSED_CONTEST) && verify.body.contains("Giải Nhất"));
        let unknown = app.get("/certificates/ABCDEFGHJKMNPQRS", None).await;
        assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", app.label);
        assert!(unknown.body.contains("Không tìm thấy giấy chứng nhận"), "{}", app.label);

        let mut tx = app.ctx.store.read().await.unwrap();
        let details: Vec<String> =
            tx.list_audit(Some(CommuneId(16777)), 10).await.unwrap().into_iter().map(|e| e.detail).collect();
        assert!(
            details.iter().any(|d| d.starts_with("certificates, ")),
            "{}: issuing is audited: {details:?}",
            app.label
        );
        assert!(details.iter().any(|d| d.starts_with("certificates pdf, ")), "{}: printing is audited", app.label);
        drop(tx);
        let audit_page = app.get("/audit", Some(&app.sign_in(demo::ADMIN_A).await)).await;
        assert!(
            audit_page.body.contains("giấy chứng nhận (PDF)"),
            "{}: the audit log says what was printed",
            app.label
        );
    }
}
