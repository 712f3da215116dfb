//! Group commit of the audit entries of reads.
//!
//! A list or page view reads on the read pool, then must commit one audit row before its data is returned. One
//! commit per view would put every view through the single SQLite writer and one `fsync` each; instead the entries
//! go through [`GroupCommit`]: a view still returns only after its own entry is durable, and still fails if that
//! commit fails.

use hocvuso_domain::privacy::NewAuditEvent;
use hocvuso_store::{StoreError, Tx};
use time::OffsetDateTime;

use crate::group_commit::{GroupCommit, Job};

/// One audit entry of a read, recorded at `at`.
pub(crate) struct ReadAudit {
    pub(crate) event: NewAuditEvent,
    pub(crate) at: OffsetDateTime,
}

impl Job for ReadAudit {
    type Done = ();

    async fn write(&self, tx: &mut Tx) -> Result<(), StoreError> {
        tx.append_audit(&self.event, self.at).await.map(|_| ())
    }
}

/// The audit entries of reads waiting for the next commit.
pub(crate) type ReadAudits = GroupCommit<ReadAudit>;
