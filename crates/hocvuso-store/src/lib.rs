//! All SQL of Học vụ số: one set of queries and migrations that runs on SQLite and on PostgreSQL.
//!
//! The seam is sqlx's `Any` driver (see `docs/decisions/0001-storage.md`): each query is written once in the SQL
//! both databases accept, with `$1` placeholders, BIGINT millisecond timestamps and TEXT for everything else.
//! Every function returns domain types; no row struct leaves this crate.
//!
//! Writes go through [`Store::write`], which hands out the single SQLite writer connection (`BEGIN IMMEDIATE`,
//! so `SQLITE_BUSY` never reaches a user) or a PostgreSQL transaction. Reads use [`Store::read`].

mod accounts;
mod backup;
mod contests;
mod guides;
// guide editor
mod guide_edits;
mod migrate;
mod places;
mod privacy;
mod register;

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, Executor};
use time::OffsetDateTime;

pub use accounts::{NewUser, SessionRecord};
pub use backup::{BackupReport, restore_sqlite};
pub use migrate::MigrationReport;
pub use register::import::{BATCH_ROWS, NewImportJob};
// guide editor
pub use guide_edits::StoredGuidePicture;

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file: one commune on a small machine.
    Sqlite,
    /// A PostgreSQL server: a province or the nation, several stateless servers.
    Postgres,
}

/// Everything the store can fail with. Callers match on the first variants; the last is unexpected.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write (for example, a phone number that already has an account).
    #[error("conflicts with an existing row")]
    Conflict,
    /// A foreign key refused the write (the referenced row does not exist).
    #[error("refers to a missing row")]
    MissingReference,
    /// A stored value does not parse as its domain type: the database was edited by hand or is damaged.
    #[error("stored data is invalid: {0}")]
    Corrupt(&'static str),
    /// A migration that was already applied has changed since.
    #[error("migration {version} was changed after it was applied")]
    MigrationChanged {
        /// The migration's number.
        version: i64,
    },
    /// The database URL is not one the store understands.
    #[error("unsupported database url: expected sqlite:// or postgres://")]
    UnsupportedUrl,
    /// Backup or restore failed.
    #[error("backup failed: {0}")]
    Backup(String),
    /// Anything else the database reported.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db_err) = &err {
            if db_err.is_unique_violation() {
                return StoreError::Conflict;
            }
            if db_err.is_foreign_key_violation() {
                return StoreError::MissingReference;
            }
        }
        StoreError::Database(err)
    }
}

/// The database, shared by all requests. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    reader: AnyPool,
    writer: AnyPool,
    backend: Backend,
    url: String,
    sqlite_path: Option<PathBuf>,
}

/// One transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: sqlx::Transaction<'static, sqlx::Any>,
}

/// How many connections to open.
#[derive(Clone, Copy, Debug)]
pub struct PoolSizes {
    /// Reader connections (SQLite) or all connections (PostgreSQL).
    pub max_connections: u32,
}

impl Default for PoolSizes {
    fn default() -> Self {
        PoolSizes { max_connections: 8 }
    }
}

impl Store {
    /// Opens the database at `url` (`sqlite:///path/to/file.db` or `postgres://…`), creating an SQLite file if needed.
    ///
    /// SQLite runs in WAL mode with `synchronous=FULL`: a commit the server acknowledged survives a power loss.
    pub async fn open(url: &str, sizes: PoolSizes) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        if let Some(path) = url.strip_prefix("sqlite://") {
            let path = path.split('?').next().unwrap_or(path);
            Store::open_sqlite(Path::new(path), sizes).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = AnyPoolOptions::new()
                .max_connections(sizes.max_connections.max(2))
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Store {
                reader: pool.clone(),
                writer: pool,
                backend: Backend::Postgres,
                url: url.to_owned(),
                sqlite_path: None,
            })
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    async fn open_sqlite(path: &Path, sizes: PoolSizes) -> Result<Store, StoreError> {
        let display = path.display();
        // The writer opens first: it creates the file and switches it to WAL, which readers need.
        let writer_options: AnyConnectOptions = format!("sqlite://{display}?mode=rwc").parse()?;
        let writer = AnyPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                         PRAGMA busy_timeout = 5000;",
                    )
                    .await?;
                    Ok(())
                })
            })
            .connect_with(writer_options)
            .await?;
        // Touch the writer so the file and its WAL exist before a read-only reader opens them.
        writer.acquire().await?;
        let reader_options: AnyConnectOptions = format!("sqlite://{display}?mode=ro").parse()?;
        let reader = AnyPoolOptions::new()
            .max_connections(sizes.max_connections.max(1))
            .acquire_timeout(Duration::from_secs(30))
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;")
                        .await?;
                    Ok(())
                })
            })
            .connect_lazy_with(reader_options);
        Ok(Store {
            reader,
            writer,
            backend: Backend::Sqlite,
            url: format!("sqlite://{display}"),
            sqlite_path: Some(path.to_owned()),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Begins a write transaction. On SQLite it holds the write lock until commit or drop.
    pub async fn write(&self) -> Result<Tx, StoreError> {
        let inner = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        Ok(Tx { inner })
    }

    /// Begins a read transaction: one consistent snapshot for everything a page shows.
    pub async fn read(&self) -> Result<Tx, StoreError> {
        let inner = match self.backend {
            Backend::Sqlite => self.reader.begin().await?,
            Backend::Postgres => self.reader.begin_with("BEGIN READ ONLY").await?,
        };
        Ok(Tx { inner })
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.reader.acquire().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    /// Closes every connection; call before restoring a file or exiting.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

impl Tx {
    /// Makes every change of the transaction durable. Only after this may a client be told "saved".
    pub async fn commit(self) -> Result<(), StoreError> {
        self.inner.commit().await?;
        Ok(())
    }

    /// Runs one statement as given. Only for tests that prove the database itself refuses something
    /// (for example, that the audit log is append-only).
    #[doc(hidden)]
    pub async fn execute_raw_for_tests(&mut self, statement: &'static str) -> Result<u64, StoreError> {
        Ok(sqlx::query(statement).execute(self.conn()).await?.rows_affected())
    }

    fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

/// Milliseconds since the Unix epoch, the stored form of every time.
fn to_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Reads a stored time.
fn from_ms(ms: i64) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map_err(|_| StoreError::Corrupt("timestamp"))
}

fn opt_from_ms(ms: Option<i64>) -> Result<Option<OffsetDateTime>, StoreError> {
    ms.map(from_ms).transpose()
}
