//! Use cases of Học vụ số: one async function per user intent, each one transaction.
//!
//! Every function that touches data takes the acting [`Actor`](hocvuso_domain::accounts::Actor) and asks the
//! domain's permission rules first: this crate is the one place where access is decided. Views, exports and
//! changes of a person's data write their audit entry in the same transaction as the read or change.
//!
//! Errors: use cases return [`AppError`]. Refusals a user can act on are typed variants with stable codes;
//! anything unexpected is `Internal` (an `anyhow::Error` with context), logged by the web layer and never shown.

pub mod accounts;
mod audit;
pub mod clock;
pub mod contests;
pub mod demo;
pub mod guides;
// guide editor
mod group_commit;
pub mod guide_edits;
pub mod password_hasher;
pub mod places;
pub mod privacy;
pub mod register;

use std::sync::Arc;

use hocvuso_domain::accounts::SessionPolicy;
use hocvuso_store::{Store, StoreError};
use time::OffsetDateTime;

pub use clock::Clock;
pub use password_hasher::PasswordHasher;

/// What every use case needs: the store, the clock and the password hasher.
#[derive(Clone)]
pub struct Ctx {
    /// The database.
    pub store: Store,
    /// The only source of "now".
    pub clock: Clock,
    /// Bounded argon2id hashing.
    pub hasher: Arc<PasswordHasher>,
    /// Session lifetimes.
    pub session_policy: SessionPolicy,
    /// The communes this deployment serves, kept briefly in memory: every public page shows them.
    served_communes: Arc<places::ServedCommunesCache>,
    /// The guides served, with their search index, swapped whole when a guide is edited.
    pub guide_shelf: Arc<guides::GuideShelf>,
    /// The Listen audio of the guides' steps.
    pub guide_audio: Arc<guides::GuideAudio>,
    /// Background import runs of this server (import jobs).
    import_runs: Arc<register::import::ImportRuns>,
    /// Audit entries of reads, committed in groups.
    read_audits: Arc<audit::ReadAudits>,
    /// Contests kept in memory, and the participants' writes committed in groups.
    contests_hot_path: Arc<contests::hot_path::HotPath>,
}

impl Ctx {
    /// Builds the context with default session lifetimes.
    pub fn new(store: Store, clock: Clock, hasher: PasswordHasher) -> Ctx {
        Ctx {
            store,
            clock,
            hasher: Arc::new(hasher),
            session_policy: SessionPolicy::default(),
            served_communes: Arc::default(),
            guide_shelf: guides::GuideShelf::embedded(),
            guide_audio: Arc::new(guides::GuideAudio::disabled()),
            import_runs: Arc::default(),
            read_audits: Arc::default(),
            contests_hot_path: Arc::default(),
        }
    }

    /// Serves these guides instead of the embedded starter set.
    pub fn with_guides(mut self, shelf: Arc<guides::GuideShelf>) -> Ctx {
        self.guide_shelf = shelf;
        self
    }

    /// The guides served now (a snapshot: an edit swaps in a new library, this one stays whole).
    pub fn guides(&self) -> Arc<guides::GuideLibrary> {
        self.guide_shelf.current()
    }

    /// Speaks the guides' steps with this audio.
    pub fn with_guide_audio(mut self, audio: Arc<guides::GuideAudio>) -> Ctx {
        self.guide_audio = audio;
        self
    }

    fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }
}

/// One refused field: which input, and the stable code of the reason (e.g. `phone_invalid`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// The form field or JSON property.
    pub field: &'static str,
    /// The stable reason code, translated by the web layer.
    pub code: &'static str,
}

/// Everything a use case can refuse or fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such record, or one the actor may not see (the two look the same on purpose).
    #[error("not found")]
    NotFound,
    /// The actor is known but may not do this.
    #[error("not allowed")]
    Forbidden,
    /// No valid session.
    #[error("not signed in")]
    Unauthenticated,
    /// Wrong phone number or password (one message for both, so accounts cannot be enumerated).
    #[error("wrong phone number or password")]
    BadCredentials,
    /// Too many failed sign-ins: the account is locked until then.
    #[error("account locked")]
    Locked {
        /// When sign-in may be tried again.
        until: OffsetDateTime,
    },
    /// Input that breaks a rule; nothing was written.
    #[error("invalid input")]
    Invalid(Vec<Rejection>),
    /// The change conflicts with existing data (stable code, e.g. `phone_taken`).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Something unexpected; logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A refusal of one field.
    pub fn invalid(field: &'static str, code: &'static str) -> AppError {
        AppError::Invalid(vec![Rejection { field, code }])
    }

    /// The stable code of this error in the API.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Forbidden => "forbidden",
            AppError::Unauthenticated => "unauthenticated",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked { .. } => "account_locked",
            AppError::Invalid(_) => "invalid_input",
            AppError::Conflict(code) => code,
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Conflict => AppError::Conflict("conflict"),
            StoreError::MissingReference => AppError::NotFound,
            other => AppError::Internal(anyhow::Error::new(other).context("store")),
        }
    }
}

/// Records that personal data was read, committed before the data is returned.
///
/// Reads run on the read pool in parallel; their audit entries go through the single writer in groups, one commit
/// for all the entries queued meanwhile (`audit::ReadAudits`). If that commit fails, the caller returns the error,
/// so no data leaves without its audit entry.
async fn audit_read(ctx: &Ctx, event: hocvuso_domain::privacy::NewAuditEvent) -> Result<(), AppError> {
    ctx.read_audits.run(&ctx.store, audit::ReadAudit { event, at: ctx.now() }).await
}

/// The calendar year in Vietnam at `now` (age groups are counted by year, as reports do).
fn calendar_year(now: OffsetDateTime) -> i32 {
    now.to_offset(hocvuso_domain::calendar::VIETNAM_OFFSET).year()
}
