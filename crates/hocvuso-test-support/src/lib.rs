//! Test-only helpers: a fresh, migrated store per test, on SQLite and (when `HOCVUSO_TEST_DATABASE_URL` is set)
//! on PostgreSQL; reading PDFs back (`pdf`). Dev-dependency only.

// A test helper that cannot set up its store must stop the test on the spot.
#![allow(clippy::expect_used, clippy::unwrap_used)]

pub mod pdf;
// guide editor
pub mod picture;

use std::path::PathBuf;

use hocvuso_store::{PoolSizes, Store};
use rand::Rng;

/// A store that lives as long as the test; its SQLite file is removed on drop.
pub struct TestStore {
    /// The store.
    pub store: Store,
    /// Which backend, for messages.
    pub label: &'static str,
    /// The URL the store was opened with (for tests that start the binary on the same database).
    pub url: String,
    sqlite_dir: Option<PathBuf>,
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Some(dir) = &self.sqlite_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn random_suffix() -> String {
    let n: u64 = rand::rng().random();
    format!("{n:016x}")
}

/// A fresh SQLite store in a temporary directory, migrated.
pub async fn sqlite_store() -> TestStore {
    let dir = std::env::temp_dir().join(format!("hocvuso-test-{}", random_suffix()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let url = format!("sqlite://{}", dir.join("test.db").display());
    let store = Store::open(&url, PoolSizes::default()).await.expect("open sqlite store");
    store.migrate(test_now()).await.expect("migrate sqlite store");
    TestStore { store, label: "sqlite", url, sqlite_dir: Some(dir) }
}

/// A fresh PostgreSQL database on the server named by `HOCVUSO_TEST_DATABASE_URL`, migrated; `None` when unset.
///
/// Each call creates its own database `hvt_<random>`, so tests never see each other's rows.
/// `scripts/test` drops leftover `hvt_` databases before a run.
pub async fn postgres_store() -> Option<TestStore> {
    let admin_url = std::env::var("HOCVUSO_TEST_DATABASE_URL").ok().filter(|url| !url.is_empty())?;
    let name = format!("hvt_{}", random_suffix());
    sqlx::any::install_default_drivers();
    {
        use sqlx::Connection;
        let mut admin = sqlx::AnyConnection::connect(&admin_url).await.expect("connect to HOCVUSO_TEST_DATABASE_URL");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
    }
    let url = replace_database(&admin_url, &name);
    let store = Store::open(&url, PoolSizes { max_connections: 4 }).await.expect("open postgres store");
    store.migrate(test_now()).await.expect("migrate postgres store");
    Some(TestStore { store, label: "postgres", url, sqlite_dir: None })
}

/// Every store a storage test must pass on: SQLite always, PostgreSQL when configured.
pub async fn stores() -> Vec<TestStore> {
    let mut stores = vec![sqlite_store().await];
    match postgres_store().await {
        Some(store) => stores.push(store),
        None => eprintln!("note: HOCVUSO_TEST_DATABASE_URL is not set; this test ran on SQLite only"),
    }
    stores
}

/// Replaces the database name of a `postgres://` URL.
fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map(|idx| idx + 3).unwrap_or(0);
    let base = match base[after_scheme..].find('/') {
        Some(slash) => &base[..after_scheme + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

/// The fixed moment tests run at: 28/11/2026 08:00 in Vietnam.
pub fn test_now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-28 01:00 UTC)
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn database_names_are_replaced_in_urls() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://127.0.0.1?sslmode=disable", "x"),
            "postgres://127.0.0.1/x?sslmode=disable"
        );
    }
}
