//! The command line and environment, parsed once. Every setting is a flag with an `HOCVUSO_` variable.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Học vụ số: the server a commune or province runs for "Bình dân học vụ số".
#[derive(Debug, Parser)]
#[command(name = "hocvuso", version, about)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) database: DatabaseArgs,
    /// Write logs as JSON lines (for log collectors).
    #[arg(long, env = "HOCVUSO_LOG_JSON", global = true)]
    pub(crate) log_json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Where the data lives.
#[derive(Debug, Args, Clone)]
pub(crate) struct DatabaseArgs {
    /// Folder for the embedded SQLite database (used when no database URL is given).
    #[arg(long, env = "HOCVUSO_DATA", default_value = "./data", global = true)]
    pub(crate) data: PathBuf,
    /// A PostgreSQL URL (postgres://…) for a province or national deployment; SQLite in --data otherwise.
    #[arg(long, env = "HOCVUSO_DATABASE_URL", global = true)]
    pub(crate) database_url: Option<String>,
}

impl DatabaseArgs {
    /// The URL to open: the given one, or the SQLite file in the data folder (created if needed).
    pub(crate) fn url(&self) -> anyhow::Result<String> {
        if let Some(url) = self.database_url.as_ref().filter(|u| !u.is_empty()) {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data)
            .map_err(|err| anyhow::anyhow!("could not create the data folder {}: {err}", self.data.display()))?;
        let folder = std::fs::canonicalize(&self.data)?;
        Ok(format!("sqlite://{}", folder.join("hocvuso.db").display()))
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the web server (migrates the database first).
    Serve(ServeArgs),
    /// Create or update the database schema and the official unit lists.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage the communes this deployment serves.
    #[command(subcommand)]
    Commune(CommuneCommand),
    /// Load the fictional demo communes and accounts.
    Demo,
    /// Write a consistent copy of the live database.
    Backup(BackupArgs),
    /// Replace the database with a backup (stop the server first).
    Restore(RestoreArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "HOCVUSO_LISTEN", default_value = "127.0.0.1:8080")]
    pub(crate) listen: SocketAddr,
    /// Load the fictional demo data and print the demo logins.
    #[arg(long, env = "HOCVUSO_DEMO")]
    pub(crate) demo: bool,
    /// The site is served over HTTPS (behind a proxy): secure cookies and HSTS.
    #[arg(long, env = "HOCVUSO_SECURE_COOKIES")]
    pub(crate) secure_cookies: bool,
    /// Seconds a client may take to send a request's headers before the connection is closed (slow-loris guard).
    #[arg(long, env = "HOCVUSO_HEADER_READ_TIMEOUT", default_value_t = 10)]
    pub(crate) header_read_timeout: u64,
    /// Database connections (readers on SQLite).
    #[arg(long, env = "HOCVUSO_DB_CONNECTIONS", default_value_t = 8)]
    pub(crate) db_connections: u32,
    /// Serve the guides of this folder (laid out like content/guides) instead of the ones built in.
    #[arg(long, env = "HOCVUSO_GUIDES_DIR")]
    pub(crate) guides_dir: Option<PathBuf>,
    /// How many guide steps are read aloud at once (at start-up, and while someone waits for one).
    #[arg(long, env = "HOCVUSO_AUDIO_JOBS", default_value_t = 1)]
    pub(crate) audio_jobs: usize,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Create an account.
    Create {
        /// Phone number (sign-in name).
        #[arg(long)]
        phone: String,
        /// Name shown in the interface.
        #[arg(long)]
        name: String,
        /// super_admin, province_staff, commune_admin, commune_staff, hamlet_lead, volunteer or resident.
        #[arg(long)]
        role: String,
        /// 2-digit province code (province staff).
        #[arg(long)]
        province: Option<String>,
        /// 5-digit commune code (commune-level roles).
        #[arg(long)]
        commune: Option<String>,
        /// Hamlet id (hamlet lead).
        #[arg(long)]
        hamlet: Option<i64>,
        /// Initial password; read from HOCVUSO_PASSWORD if not given.
        #[arg(long, env = "HOCVUSO_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Set a new password (ends every session of the account).
    SetPassword {
        /// Phone number of the account.
        #[arg(long)]
        phone: String,
        /// New password; read from HOCVUSO_PASSWORD if not given.
        #[arg(long, env = "HOCVUSO_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Disable an account (ends every session of it).
    Disable {
        /// Phone number of the account.
        #[arg(long)]
        phone: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum CommuneCommand {
    /// Start serving an official commune (5-digit code, QĐ 19/2025).
    Add {
        /// The commune's code.
        code: String,
    },
    /// List the communes this deployment serves.
    List,
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// File to write (must not exist).
    pub(crate) target: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// Backup file to restore.
    pub(crate) source: PathBuf,
}

/// Logs go to stderr; `RUST_LOG` filters them. Nothing personal is ever logged (docs/LOGGING.md).
pub(crate) fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
