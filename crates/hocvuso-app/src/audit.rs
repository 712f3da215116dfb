//! Group commit of the audit entries of reads.
//!
//! A list or page view reads on the read pool, then must commit one audit row before its data is returned. One
//! commit per view puts every view through the single SQLite writer and one `fsync` each. Instead, each view queues
//! its entry and waits; a flush takes every entry queued so far and commits them together in one transaction, then
//! answers each waiter. A view still returns only after its own entry is durable, and still fails if that commit
//! fails.

use std::sync::{Arc, Mutex, PoisonError};

use anyhow::anyhow;
use hocvuso_domain::privacy::NewAuditEvent;
use hocvuso_store::Store;
use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::AppError;

struct Queued {
    event: NewAuditEvent,
    at: OffsetDateTime,
    committed: oneshot::Sender<bool>,
}

/// The audit entries of reads waiting for the next commit.
#[derive(Default)]
pub(crate) struct ReadAudits {
    queued: Mutex<Vec<Queued>>,
    /// Held while a batch is written, so the next flush collects everything that arrived meanwhile.
    flushing: tokio::sync::Mutex<()>,
}

impl ReadAudits {
    /// Queues `event` (recorded at `at`) and returns once it is committed.
    pub(crate) async fn record(
        self: &Arc<Self>,
        store: &Store,
        event: NewAuditEvent,
        at: OffsetDateTime,
    ) -> Result<(), AppError> {
        let (committed, outcome) = oneshot::channel();
        self.queued.lock().unwrap_or_else(PoisonError::into_inner).push(Queued { event, at, committed });
        // The flush runs in its own task, so a client that goes away cannot cut a batch that others wait on.
        let (audits, store) = (Arc::clone(self), store.clone());
        tokio::spawn(async move { audits.flush(&store).await });
        match outcome.await {
            Ok(true) => Ok(()),
            _ => Err(AppError::Internal(anyhow!("the audit entry of a read was not committed"))),
        }
    }

    /// Commits every queued entry in one transaction and tells each waiter whether it is durable.
    async fn flush(&self, store: &Store) {
        let _flushing = self.flushing.lock().await;
        let batch = std::mem::take(&mut *self.queued.lock().unwrap_or_else(PoisonError::into_inner));
        if batch.is_empty() {
            return;
        }
        let written = async {
            let mut tx = store.write().await?;
            for queued in &batch {
                tx.append_audit(&queued.event, queued.at).await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(err) = &written {
            tracing::error!(error = %err, n_entries = batch.len(), "audit entries of reads not committed");
        }
        for queued in batch {
            // A waiter that went away no longer needs the answer.
            let _ = queued.committed.send(written.is_ok());
        }
    }
}
