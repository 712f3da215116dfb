//! Group commit: many small writes, one transaction and one `fsync`.
//!
//! On SQLite every write goes through one writer connection and every commit waits for the disk, so one
//! transaction per request caps the server at a few hundred writes a second. Instead, a request queues its
//! [`Job`] and waits; a flush takes every job queued so far, runs them in one transaction, commits, and answers
//! each waiter with its own result. A request is still answered only after its write is durable, and fails if
//! that commit fails: an acknowledged write is never lost. While a flush runs, new jobs queue for the next one,
//! so batches grow by themselves under load and stay at one job when the server is quiet.
//!
//! A job must not fail on an expected condition (a duplicate, a submitted attempt): its statement is written to
//! report that in its result (`ON CONFLICT DO NOTHING`, a conditional `UPDATE`), because a failed statement
//! aborts the whole transaction on PostgreSQL. When a batch fails anyway, each of its jobs is tried again in a
//! transaction of its own, so one bad job cannot fail the others.
//!
//! Hand-written: the pattern is a few dozen lines over tokio's channels, and no maintained crate does group commit
//! over an sqlx transaction.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::anyhow;
use hocvuso_store::{Store, StoreError, Tx};
use tokio::sync::oneshot;

use crate::AppError;

/// One write of a group.
pub(crate) trait Job: Send + Sync + 'static {
    /// What the write tells its waiter (e.g. whether the answer was stored).
    type Done: Send + 'static;
    /// Runs the write in the group's transaction.
    fn write(&self, tx: &mut Tx) -> impl Future<Output = Result<Self::Done, StoreError>> + Send;
}

struct Queued<J: Job> {
    job: J,
    done: oneshot::Sender<Result<J::Done, ()>>,
}

/// The jobs of one kind waiting for the next commit.
pub(crate) struct GroupCommit<J: Job> {
    queued: Mutex<Vec<Queued<J>>>,
    /// Held while a batch is written, so the next flush collects everything that arrived meanwhile.
    flushing: tokio::sync::Mutex<()>,
}

impl<J: Job> Default for GroupCommit<J> {
    fn default() -> Self {
        GroupCommit { queued: Mutex::new(Vec::new()), flushing: tokio::sync::Mutex::new(()) }
    }
}

impl<J: Job> GroupCommit<J> {
    /// Queues `job` and returns its result once it is committed.
    pub(crate) async fn run(self: &Arc<Self>, store: &Store, job: J) -> Result<J::Done, AppError> {
        let (done, outcome) = oneshot::channel();
        self.queued.lock().unwrap_or_else(PoisonError::into_inner).push(Queued { job, done });
        // The flush runs in its own task, so a client that goes away cannot cut a batch that others wait on.
        let (group, store) = (Arc::clone(self), store.clone());
        tokio::spawn(async move { group.flush(&store).await });
        match outcome.await {
            Ok(Ok(done)) => Ok(done),
            _ => Err(AppError::Internal(anyhow!("a grouped write was not committed"))),
        }
    }

    /// Commits every queued job in one transaction and answers each waiter.
    async fn flush(&self, store: &Store) {
        let _flushing = self.flushing.lock().await;
        let batch = std::mem::take(&mut *self.queued.lock().unwrap_or_else(PoisonError::into_inner));
        if batch.is_empty() {
            return;
        }
        let jobs: Vec<&J> = batch.iter().map(|q| &q.job).collect();
        match write_all(store, &jobs).await {
            Ok(results) => {
                for (queued, result) in batch.into_iter().zip(results) {
                    // A waiter that went away no longer needs the answer.
                    let _ = queued.done.send(Ok(result));
                }
            }
            Err(err) if batch.len() == 1 => {
                tracing::error!(error = %err, "grouped write not committed");
                for queued in batch {
                    let _ = queued.done.send(Err(()));
                }
            }
            Err(err) => {
                tracing::warn!(error = %err, n_jobs = batch.len(), "grouped writes failed together; trying each alone");
                for queued in batch {
                    let alone = write_all(store, &[&queued.job]).await;
                    if let Err(err) = &alone {
                        tracing::error!(error = %err, "grouped write not committed");
                    }
                    let _ = queued.done.send(alone.map_err(|_| ()).and_then(|mut r| r.pop().ok_or(())));
                }
            }
        }
    }
}

async fn write_all<J: Job>(store: &Store, jobs: &[&J]) -> Result<Vec<J::Done>, StoreError> {
    let mut tx = store.write().await?;
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        results.push(job.write(&mut tx).await?);
    }
    tx.commit().await?;
    Ok(results)
}

#[cfg(test)]
mod tests {
    use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
    use hocvuso_test_support::{stores, test_now};

    use super::*;

    /// Appends an audit entry with `subject_id`; a poisoned one runs a statement the database refuses.
    struct Probe {
        subject_id: i64,
        poisoned: bool,
    }

    impl Job for Probe {
        type Done = i64;

        async fn write(&self, tx: &mut Tx) -> Result<i64, StoreError> {
            if self.poisoned {
                tx.execute_raw_for_tests("INSERT INTO no_such_table VALUES (1)").await?;
            }
            let event =
                NewAuditEvent::new(None, None, AuditAction::View, AuditSubject::Resident, Some(self.subject_id));
            tx.append_audit(&event, test_now()).await?;
            Ok(self.subject_id)
        }
    }

    #[tokio::test]
    async fn a_batch_answers_each_job_and_one_bad_job_fails_alone() {
        for test in stores().await {
            let group: Arc<GroupCommit<Probe>> = Arc::default();
            // Hold the flush so that all ten jobs queue and the next flush takes them as one batch.
            let holding = group.flushing.lock().await;
            let mut waiters = Vec::new();
            for subject_id in 1..=10 {
                let (group, store) = (Arc::clone(&group), test.store.clone());
                let probe = Probe { subject_id, poisoned: subject_id == 7 };
                waiters.push(tokio::spawn(async move { group.run(&store, probe).await }));
            }
            while group.queued.lock().unwrap_or_else(PoisonError::into_inner).len() < 10 {
                tokio::task::yield_now().await;
            }
            drop(holding);
            let mut answered = Vec::new();
            for waiter in waiters {
                answered.push(waiter.await.unwrap().ok());
            }
            let expected: Vec<Option<i64>> = (1..=10).map(|n| (n != 7).then_some(n)).collect();
            assert_eq!(answered, expected, "{}", test.label);
            let mut tx = test.store.read().await.unwrap();
            let mut stored: Vec<i64> = tx
                .list_audit(None, 100)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.subject == AuditSubject::Resident)
                .filter_map(|e| e.subject_id)
                .collect();
            stored.sort_unstable();
            assert_eq!(
                stored,
                vec![1, 2, 3, 4, 5, 6, 8, 9, 10],
                "{}: every acknowledged write, and only those",
                test.label
            );
        }
    }
}
