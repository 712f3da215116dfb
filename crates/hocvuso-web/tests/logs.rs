//! The personal-data logging test, alone in its own test binary: tracing caches per call site whether anyone
//! listens, so a subscriber installed by one test among many running threads can miss events. Here it is the
//! process-wide subscriber, installed before anything logs.

#![allow(unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

#[path = "harness.rs"]
mod harness;

use std::io::Write;
use std::sync::{Arc, Mutex};

use harness::{TestApp, demo};

/// Collects everything the app logs while a closure runs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_contain_personal_data() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this process");
    let phone = "0961234567";
    for app in TestApp::all().await {
        let admin = app.sign_in(demo::ADMIN_A).await;
        app.post_form(
            "/users",
            Some(&admin),
            &[
                ("display_name", "Hà Thị Nhật Lệ"),
                ("phone", phone),
                ("role", "volunteer"),
                ("password", "Lúa chín vàng đồng"),
            ],
        )
        .await;
        app.try_sign_in(phone, "sai-mat-khau-roi").await.unwrap_err();
        let volunteer = app.try_sign_in(phone, "Lúa chín vàng đồng").await.unwrap();
        app.get("/dashboard", Some(&volunteer)).await;
        app.get("/residents?q=Nh%E1%BA%ADt+L%E1%BB%87", Some(&admin)).await;
        app.get("/khong-co", Some(&admin)).await;
    }
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("request"), "the test captured the request log: {logs}");
    for secret in [phone, "961234567", "Nhật Lệ", "Lúa chín"] {
        assert!(!logs.contains(secret), "logs contain {secret:?}");
    }
}
