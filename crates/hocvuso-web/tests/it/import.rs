//! Import jobs through the pages and the API: upload → columns → check → commit, all or nothing.

use axum::http::{Method, StatusCode};
use hocvuso_domain::ids::{CommuneId, ImportJobId};

use crate::{Browser, TestApp, demo};

fn upload(browser: &Browser, file_name: &str, file: &[u8]) -> axum::http::Request<axum::body::Body> {
    crate::upload_request("/residents/import", browser, &browser.csrf, file_name, file)
}

/// A list as a hamlet keeps it: a title, then "STT, Họ và tên, Năm sinh, SĐT" and an address column whose
/// header is not one the guesser knows.
fn workbook(rows: &[[&str; 5]]) -> Vec<u8> {
    use hocvuso_print::sheet::{Cell, Sheet, write_xlsx};
    write_xlsx(&[Sheet {
        name: "Thôn Đông".into(),
        title: "DANH SÁCH HỘ GIA ĐÌNH THÔN ĐÔNG".into(),
        headers: ["STT", "Họ và tên", "Năm sinh", "SĐT", "Chỗ ở"].map(str::to_owned).to_vec(),
        rows: rows.iter().map(|row| row.iter().map(|c| Cell::from(*c)).collect()).collect(),
    }])
    .unwrap()
}

async fn n_residents(app: &TestApp) -> i64 {
    let mut tx = app.ctx.store.read().await.unwrap();
    tx.register_figures(CommuneId(16777), 2026).await.unwrap().n_residents
}

/// Uploads through the page; returns the job's id from the redirect.
async fn upload_job(app: &TestApp, browser: &Browser, file: &[u8]) -> i64 {
    let response = app.request(upload(browser, "danh sách.xlsx", file)).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}: {}", app.label, response.body);
    response.location().trim_start_matches("/residents/import/").parse().unwrap()
}

const MAPPING: [(&str, &str); 5] =
    [("col_0", ""), ("col_1", "full_name"), ("col_2", "birth_year"), ("col_3", "phone"), ("col_4", "address")];

#[tokio::test]
async fn a_hamlet_lead_uploads_maps_checks_and_commits_a_list() {
    for app in TestApp::all().await {
        let lead = app.sign_in(demo::LEAD_A).await;
        let before = n_residents(&app).await;
        let good = workbook(&[
            ["1", "Lường Văn Pấng", "1961", "0912 000 111", "Bản Pục"],
            ["2", "Lường Thị Ỏn", "1965", "", "Bản Pục"],
            ["3", "Hà Văn Khiêm", "05/02/1990", "", "Số 9"],
        ]);
        let id = upload_job(&app, &lead, &good).await;
        let page = app.get(&format!("/residents/import/{id}"), Some(&lead)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", app.label);
        assert!(page.body.contains("Chỗ ở") && page.body.contains("Thiếu cột bắt buộc: Địa chỉ"), "{}", app.label);
        assert!(page.body.contains("Dòng tiêu đề là dòng 3"), "{}", app.label);
        let unmapped = app.post_form(&format!("/residents/import/{id}/check"), Some(&lead), &[]).await;
        assert_eq!(unmapped.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(unmapped.body.contains("Còn thiếu cột bắt buộc"), "{}", app.label);

        let mapped = app.post_form(&format!("/residents/import/{id}/mapping"), Some(&lead), &MAPPING).await;
        assert_eq!(mapped.status, StatusCode::SEE_OTHER, "{}", app.label);
        let twice = [("col_1", "full_name"), ("col_4", "full_name")];
        let refused = app.post_form(&format!("/residents/import/{id}/mapping"), Some(&lead), &twice).await;
        assert!(refused.body.contains("chỉ chọn cho một cột"), "{}", app.label);
        let checked = app.post_form(&format!("/residents/import/{id}/check"), Some(&lead), &[]).await;
        assert_eq!(checked.status, StatusCode::SEE_OTHER, "{}", app.label);
        let page = app.get(&format!("/residents/import/{id}"), Some(&lead)).await;
        assert!(page.body.contains("3 dòng, 2 hộ.") && page.body.contains("Tệp hợp lệ"), "{}", app.label);
        assert_eq!(n_residents(&app).await, before, "{}: a check writes nothing", app.label);

        let no_consent = app.post_form(&format!("/residents/import/{id}/commit"), Some(&lead), &[]).await;
        assert_eq!(no_consent.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: nobody enters without consent", app.label);
        let committed =
            app.post_form(&format!("/residents/import/{id}/commit"), Some(&lead), &[("consent", "written")]).await;
        assert_eq!(committed.status, StatusCode::SEE_OTHER, "{}", app.label);
        hocvuso_app::register::import::wait_for_run(&app.ctx, ImportJobId(id)).await;
        let page = app.get(&format!("/residents/import/{id}"), Some(&lead)).await;
        assert!(page.body.contains("Đã nhập 3 người."), "{}: {}", app.label, page.body);
        assert_eq!(n_residents(&app).await, before + 3, "{}", app.label);
        let again =
            app.post_form(&format!("/residents/import/{id}/commit"), Some(&lead), &[("consent", "written")]).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: a job commits once", app.label);
        assert_eq!(n_residents(&app).await, before + 3, "{}", app.label);

        // Each person has their consent and the audit log has their creation and the import.
        let mut tx = app.ctx.store.read().await.unwrap();
        let scope = hocvuso_domain::accounts::ResidentScope::Commune(CommuneId(16777));
        let found = tx.list_residents(scope, Some("Lường Thị Ỏn"), None, 5).await.unwrap();
        assert_eq!(found.len(), 1, "{}", app.label);
        assert_eq!(tx.list_consents(found[0].id).await.unwrap().len(), 1, "{}", app.label);
        let audit = tx.list_audit(Some(CommuneId(16777)), 20).await.unwrap();
        assert!(audit.iter().any(|e| e.detail == format!("import job {id}: 3 rows")), "{}", app.label);
        assert!(
            audit.iter().any(|e| e.subject_id == Some(found[0].id.0)
                && e.action == hocvuso_domain::privacy::AuditAction::ConsentGiven),
            "{}",
            app.label
        );
        drop(tx);

        // The same list again: every row is a duplicate of the register.
        let id = upload_job(&app, &lead, &good).await;
        app.post_form(&format!("/residents/import/{id}/mapping"), Some(&lead), &MAPPING).await;
        app.post_form(&format!("/residents/import/{id}/check"), Some(&lead), &[]).await;
        let page = app.get(&format!("/residents/import/{id}"), Some(&lead)).await;
        assert!(page.body.contains("Số điện thoại đã có trong sổ"), "{}", app.label);
        assert!(page.body.contains("(cùng tên, năm sinh, địa chỉ) đã có trong sổ"), "{}", app.label);
        let refused =
            app.post_form(&format!("/residents/import/{id}/commit"), Some(&lead), &[("consent", "written")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert_eq!(n_residents(&app).await, before + 3, "{}", app.label);
    }
}

#[tokio::test]
async fn a_half_valid_file_imports_no_row_and_says_why_per_line() {
    for app in TestApp::all().await {
        let lead = app.sign_in(demo::LEAD_A).await;
        let before = n_residents(&app).await;
        let broken = workbook(&[
            ["1", "Lường Văn Pấng", "1961", "0912 000 111", "Bản Pục"],
            ["2", "Lường Thị Ỏn", "19x5", "0612", "Bản Pục"],
            ["3", "Lường Văn Pấng", "1961", "", "Bản Pục"],
            ["4", "Lò Văn Sơn", "1970", "0912000111", "Bản Nà"],
        ]);
        let id = upload_job(&app, &lead, &broken).await;
        app.post_form(&format!("/residents/import/{id}/mapping"), Some(&lead), &MAPPING).await;
        app.post_form(&format!("/residents/import/{id}/check"), Some(&lead), &[]).await;
        let page = app.get(&format!("/residents/import/{id}"), Some(&lead)).await;
        for expected in [
            "<td>5</td>",
            "Năm sinh phải là năm",
            "Đầu số điện thoại",
            "<td>6</td>",
            "đã có trong sổ hoặc trùng dòng khác",
            "<td>7</td>",
            "Số điện thoại đã có trong sổ hoặc trùng dòng khác",
            "chưa nhập dòng nào",
        ] {
            assert!(page.body.contains(expected), "{}: {expected}", app.label);
        }
        assert!(!page.body.contains("<td>4</td>"), "{}: the first row is fine", app.label);
        let refused =
            app.post_form(&format!("/residents/import/{id}/commit"), Some(&lead), &[("consent", "written")]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert!(refused.body.contains("Còn dòng cần sửa"), "{}", app.label);
        assert_eq!(n_residents(&app).await, before, "{}: a half-valid file imports no row", app.label);
    }
}

#[tokio::test]
async fn hostile_oversized_and_wrong_files_are_refused_clearly() {
    for app in TestApp::all().await {
        let lead = app.sign_in(demo::LEAD_A).await;
        let bomb = {
            use std::io::Write;
            let mut buffer = std::io::Cursor::new(Vec::new());
            let mut writer = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            writer.start_file("xl/worksheets/sheet1.xml", options).unwrap();
            writer.write_all(&vec![b' '; 40 * 1024 * 1024]).unwrap();
            writer.finish().unwrap();
            buffer.into_inner()
        };
        let cases: [(&str, Vec<u8>, &str); 4] = [
            ("bom.xlsx", bomb, "dấu hiệu bất thường"),
            ("lon.csv", vec![b'a'; 21 * 1024 * 1024], "Tệp quá lớn"),
            ("virus.exe", b"MZ\x90\x00".to_vec(), "Chỉ nhận tệp .xlsx, .ods hoặc .csv"),
            ("gia.xlsx", b"Ho ten,Dia chi\nA,B\n".to_vec(), "Chỉ nhận tệp .xlsx, .ods hoặc .csv"),
        ];
        for (name, file, message) in cases {
            let response = app.request(upload(&lead, name, &file)).await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {name}", app.label);
            assert!(
                response.body.contains(message),
                "{}: {name}: {}",
                app.label,
                &response.body[response.body.len().saturating_sub(1500)..]
            );
        }
        let mut tx = app.ctx.store.read().await.unwrap();
        assert!(tx.list_import_jobs(CommuneId(16777), None, 10).await.unwrap().is_empty(), "{}", app.label);
        drop(tx);
        let good = workbook(&[["1", "Hà Văn Khiêm", "1990", "", "Số 9"]]);
        let forged = Browser { cookie: lead.cookie.clone(), csrf: "x".repeat(64) };
        let response = app.request(upload(&forged, "a.xlsx", &good)).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{}", app.label);

        let api = app.api(Method::POST, "/api/v1/imports?file_name=virus.exe", Some(&lead), Some("MZ")).await;
        assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", app.label);
        assert_eq!(api.json()["error"]["fields"][0]["code"], "file_wrong_type", "{}", app.label);
        let volunteer = app.sign_in(demo::VOLUNTEER_A).await;
        assert_eq!(app.request(upload(&volunteer, "a.xlsx", &good)).await.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn a_job_is_seen_by_its_owner_and_the_commune_admin_only() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let good = workbook(&[["1", "Hà Văn Khiêm", "1990", "", "Số 9"]]);
        let id = upload_job(&app, &staff, &good).await;
        for phone in [demo::LEAD_A, demo::VOLUNTEER_A, demo::STAFF_B, demo::ADMIN_B] {
            let other = app.sign_in(phone).await;
            let page = app.get(&format!("/residents/import/{id}"), Some(&other)).await;
            assert!(matches!(page.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}: {phone}", app.label);
            let api = app.api(Method::GET, &format!("/api/v1/imports/{id}"), Some(&other), None).await;
            assert_eq!(api.status, StatusCode::NOT_FOUND, "{}: {phone}", app.label);
            let check = app.post_form(&format!("/residents/import/{id}/check"), Some(&other), &[]).await;
            assert!(matches!(check.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN), "{}: {phone}", app.label);
        }
        let admin = app.sign_in(demo::ADMIN_A).await;
        assert_eq!(app.get(&format!("/residents/import/{id}"), Some(&admin)).await.status, StatusCode::OK);
        assert_eq!(app.get(&format!("/residents/import/{id}"), Some(&staff)).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_api_runs_a_job_and_a_dead_worker_or_an_old_job_shows_as_such() {
    for app in TestApp::all().await {
        let staff = app.sign_in(demo::STAFF_A).await;
        let before = n_residents(&app).await;
        let hamlet = {
            let mut tx = app.ctx.store.read().await.unwrap();
            tx.list_hamlets(CommuneId(16777)).await.unwrap().remove(0).name
        };
        let csv =
            format!("Họ và tên;Thôn;Nơi ở;Số CCCD\nĐinh Thị Hoa;{hamlet};Xóm Chợ;\nĐinh Văn Tài;{hamlet};Xóm Chợ;\n");
        let request = axum::http::Request::post("/api/v1/imports?file_name=ds.csv")
            .header("host", "localhost")
            .header("cookie", &staff.cookie)
            .header("x-csrf-token", &staff.csrf)
            .body(axum::body::Body::from(csv))
            .unwrap();
        let created = app.request(request).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}: {}", app.label, created.body);
        let job = created.json();
        let id = job["id"].as_i64().unwrap();
        assert_eq!(job["state"], "uploaded");
        assert_eq!(job["columns"][2]["field"], "address", "{}: “Nơi ở” is an address", app.label);
        let path = format!("/api/v1/imports/{id}");
        let mapping = r#"{"mapping":["full_name","hamlet","address",null]}"#;
        let mapped = app.api(Method::POST, &format!("{path}/mapping"), Some(&staff), Some(mapping)).await;
        assert_eq!(mapped.json()["state"], "mapped", "{}", app.label);
        let bad = app.api(Method::POST, &format!("{path}/mapping"), Some(&staff), Some(r#"{"mapping":["x"]}"#)).await;
        assert_eq!(bad.json()["error"]["fields"][0]["code"], "import_mapping_invalid", "{}", app.label);
        let checked = app.api(Method::POST, &format!("{path}/check"), Some(&staff), None).await.json();
        assert_eq!((checked["state"].as_str(), checked["n_households"].as_i64()), (Some("checked"), Some(1)));
        let commit =
            app.api(Method::POST, &format!("{path}/commit"), Some(&staff), Some(r#"{"consent":"verbal"}"#)).await;
        assert_eq!(commit.status, StatusCode::ACCEPTED, "{}", app.label);
        hocvuso_app::register::import::wait_for_run(&app.ctx, ImportJobId(id)).await;
        let done = app.api(Method::GET, &path, Some(&staff), None).await.json();
        assert_eq!((done["state"].as_str(), done["n_imported"].as_i64()), (Some("done"), Some(2)), "{}", app.label);
        assert_eq!(n_residents(&app).await, before + 2, "{}", app.label);
        let mut tx = app.ctx.store.read().await.unwrap();
        assert!(tx.import_job_file(CommuneId(16777), ImportJobId(id)).await.unwrap().is_none(), "file purged");
        drop(tx);

        // A run whose server died: the job stays `running` with no progress; after two minutes it shows failed.
        let csv = "Họ và tên;Thôn;Địa chỉ\nĐinh Văn Lộc;x;y\n";
        let request = axum::http::Request::post("/api/v1/imports?file_name=b.csv")
            .header("host", "localhost")
            .header("cookie", &staff.cookie)
            .header("x-csrf-token", &staff.csrf)
            .body(axum::body::Body::from(csv))
            .unwrap();
        let id = app.request(request).await.json()["id"].as_i64().unwrap();
        let mut tx = app.ctx.store.write().await.unwrap();
        let now = app.clock.now();
        tx.change_import_state(
            ImportJobId(id),
            hocvuso_domain::register::import::ImportState::Uploaded,
            hocvuso_domain::register::import::ImportState::Running,
            now,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let path = format!("/api/v1/imports/{id}");
        assert_eq!(app.api(Method::GET, &path, Some(&staff), None).await.json()["state"], "running");
        app.clock.advance(time::Duration::minutes(3));
        let dead = app.api(Method::GET, &path, Some(&staff), None).await.json();
        assert_eq!((dead["state"].as_str(), dead["error_code"].as_str()), (Some("failed"), Some("import_worker_died")));
        let page = app.get(&format!("/residents/import/{id}"), Some(&staff)).await;
        assert!(page.body.contains("dừng giữa chừng"), "{}", app.label);

        // A job left for a day expires and its file is purged.
        let request = axum::http::Request::post("/api/v1/imports?file_name=c.csv")
            .header("host", "localhost")
            .header("cookie", &staff.cookie)
            .header("x-csrf-token", &staff.csrf)
            .body(axum::body::Body::from(csv))
            .unwrap();
        let id = app.request(request).await.json()["id"].as_i64().unwrap();
        app.clock.advance(time::Duration::hours(25));
        let staff = app.sign_in(demo::STAFF_A).await;
        let path = format!("/api/v1/imports/{id}");
        assert_eq!(app.api(Method::GET, &path, Some(&staff), None).await.json()["state"], "expired");
        let late = app.api(Method::POST, &format!("{path}/check"), Some(&staff), None).await;
        assert_eq!(late.json()["error"]["code"], "import_expired", "{}", app.label);
        assert!(hocvuso_app::register::import::purge_expired(&app.ctx).await.unwrap() >= 1);
        let mut tx = app.ctx.store.read().await.unwrap();
        assert!(tx.import_job_file(CommuneId(16777), ImportJobId(id)).await.unwrap().is_none(), "file purged");
    }
}
