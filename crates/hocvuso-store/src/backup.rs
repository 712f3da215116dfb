//! Consistent online backups and restores. Never a raw copy of a live database file: a copy taken
//! mid-write can be torn.

use std::path::{Path, PathBuf};

use sqlx::{Connection, Row};

use crate::{Backend, Store, StoreError};

/// What a backup wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupReport {
    /// The file written.
    pub path: PathBuf,
    /// Its size in bytes.
    pub n_bytes: u64,
}

impl Store {
    /// Writes a consistent copy of the live database to `target`, which must not exist yet.
    ///
    /// SQLite: `VACUUM INTO`, a transactionally consistent, compacted copy taken while the server runs.
    /// PostgreSQL: `pg_dump --format=custom` (the PostgreSQL client tools must be installed).
    pub async fn backup(&self, target: &Path) -> Result<BackupReport, StoreError> {
        if target.exists() {
            return Err(StoreError::Backup(format!("{} already exists", target.display())));
        }
        match self.backend {
            Backend::Sqlite => {
                let mut conn = self.writer.acquire().await?;
                sqlx::query("VACUUM INTO $1").bind(target.display().to_string()).execute(&mut *conn).await?;
            }
            Backend::Postgres => {
                let status =
                    run_tool("pg_dump", &["--format=custom", "--file", &target.display().to_string(), &self.url])?;
                if !status {
                    return Err(StoreError::Backup("pg_dump failed".into()));
                }
            }
        }
        let n_bytes = std::fs::metadata(target).map_err(|err| StoreError::Backup(err.to_string()))?.len();
        Ok(BackupReport { path: target.to_owned(), n_bytes })
    }

    /// Restores a PostgreSQL backup made by [`Store::backup`] into this (empty or older) database.
    pub async fn restore_postgres(&self, source: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Postgres {
            return Err(StoreError::Backup("not a PostgreSQL store".into()));
        }
        let ok = run_tool(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--dbname",
                &self.url,
                &source.display().to_string(),
            ],
        )?;
        if ok { Ok(()) } else { Err(StoreError::Backup("pg_restore failed".into())) }
    }

    /// The SQLite file behind this store, if it is one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        self.sqlite_path.as_deref()
    }
}

fn run_tool(program: &str, args: &[&str]) -> Result<bool, StoreError> {
    let status = std::process::Command::new(program)
        .args(args)
        .status()
        .map_err(|err| StoreError::Backup(format!("{program}: {err}")))?;
    Ok(status.success())
}

/// Replaces the SQLite database at `target` with the backup at `source`. The server must be stopped.
///
/// The backup is checked first (`PRAGMA integrity_check`), then copied next to the target and renamed over it,
/// so the target is either the old database or the complete restored one, never a mix.
pub async fn restore_sqlite(source: &Path, target: &Path) -> Result<(), StoreError> {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}?mode=ro", source.display());
    let mut conn = sqlx::AnyConnection::connect(&url).await?;
    let row = sqlx::query("PRAGMA integrity_check").fetch_one(&mut conn).await?;
    let verdict: String = row.try_get(0)?;
    conn.close().await?;
    if verdict != "ok" {
        return Err(StoreError::Backup(format!("the backup is damaged: {verdict}")));
    }
    let staging = target.with_extension("restoring");
    std::fs::copy(source, &staging).map_err(|err| StoreError::Backup(err.to_string()))?;
    std::fs::File::open(&staging)
        .and_then(|file| file.sync_all())
        .map_err(|err| StoreError::Backup(err.to_string()))?;
    // A WAL left by the old database would be replayed onto the restored file: remove it first.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side).map_err(|err| StoreError::Backup(err.to_string()))?;
        }
    }
    std::fs::rename(&staging, target).map_err(|err| StoreError::Backup(err.to_string()))?;
    Ok(())
}
