//! Contest results: the counted attempt of every entrant in one query, overdue attempts, and winners' certificates.
//!
//! The counted attempt is chosen in SQL with a window function (`ROW_NUMBER() OVER (PARTITION BY entrant_id …)`,
//! SQLite ≥ 3.25 and PostgreSQL alike), so the results of 50,000 entrants are one scan of the contest's attempts.

use hocvuso_domain::contests::attempts::Attempt;
use hocvuso_domain::contests::results::{Award, Certificate, CountedAttempt, NewCertificate, Revocation};
use hocvuso_domain::contests::setup::AttemptCounting;
use hocvuso_domain::ids::{AttemptId, CertificateId, ContestId, EntrantId, UserId};
use hocvuso_domain::person_name::PersonName;
use hocvuso_domain::phone::PhoneNumber;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use super::{ATTEMPT_COLUMNS, attempt_from_row};
use crate::{StoreError, Tx, from_ms, opt_from_ms, to_ms};

fn u32_of(value: i32, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(what))
}

fn name_of(row: &AnyRow) -> Result<PersonName, StoreError> {
    let name: String = row.try_get("full_name")?;
    PersonName::parse(&name).map_err(|_| StoreError::Corrupt("contest_entrant.full_name"))
}

fn counted_from_row(row: &AnyRow) -> Result<CountedAttempt, StoreError> {
    let phone: String = row.try_get("phone")?;
    let prediction: Option<i64> = row.try_get("prediction")?;
    let answered: i64 = row.try_get("answered")?;
    Ok(CountedAttempt {
        entrant_id: EntrantId(row.try_get("entrant_id")?),
        full_name: name_of(row)?,
        birth_year: row.try_get("birth_year")?,
        phone: PhoneNumber::parse(&phone).map_err(|_| StoreError::Corrupt("contest_entrant.phone"))?,
        unit: row.try_get("unit")?,
        attempt_id: AttemptId(row.try_get("attempt_id")?),
        attempt_number: u32_of(row.try_get("number")?, "contest_attempt.number")?,
        started_at: from_ms(row.try_get("started_at")?)?,
        submitted_at: from_ms(row.try_get("submitted_at")?)?,
        score: u32_of(row.try_get("score")?, "contest_attempt.score")?,
        prediction: prediction
            .map(u64::try_from)
            .transpose()
            .map_err(|_| StoreError::Corrupt("contest_attempt.prediction"))?,
        answered: u32::try_from(answered).map_err(|_| StoreError::Corrupt("contest_answer.count"))?,
    })
}

fn certificate_from_row(row: &AnyRow) -> Result<Certificate, StoreError> {
    let award: String = row.try_get("award")?;
    Ok(Certificate {
        id: CertificateId(row.try_get("certificate_id")?),
        contest_id: ContestId(row.try_get("contest_id")?),
        entrant_id: EntrantId(row.try_get("entrant_id")?),
        code: row.try_get("code")?,
        place: u32_of(row.try_get("place")?, "contest_certificate.place")?,
        award: Award::parse(&award).ok_or(StoreError::Corrupt("contest_certificate.award"))?,
        score: u32_of(row.try_get("score")?, "contest_certificate.score")?,
        full_name: name_of(row)?,
        unit: row.try_get("unit")?,
        issued_at: from_ms(row.try_get("issued_at")?)?,
        revoked: match opt_from_ms(row.try_get("revoked_at")?)? {
            Some(at) => {
                Some(Revocation { at, reason: row.try_get::<Option<String>, _>("revoked_reason")?.unwrap_or_default() })
            }
            None => None,
        },
    })
}

const CERTIFICATE_SELECT: &str = "SELECT c.certificate_id, c.contest_id, c.entrant_id, c.code, c.place, c.award, \
     c.score, c.issued_at, c.revoked_at, c.revoked_reason, e.full_name, e.unit FROM contest_certificate c \
     JOIN contest_entrant e ON e.entrant_id = c.entrant_id";

impl Tx {
    /// The attempt that counts for each entrant of a contest who submitted one (in no particular order): the best
    /// (highest score, then the earlier submission), the first or the last submitted, as `counting` says.
    /// Entrants without a submitted attempt are not returned.
    pub async fn counted_attempts(
        &mut self,
        contest_id: ContestId,
        counting: AttemptCounting,
    ) -> Result<Vec<CountedAttempt>, StoreError> {
        // One of three fixed orders, never user text.
        let order = match counting {
            AttemptCounting::Best => "a.score DESC, a.submitted_at, a.number",
            AttemptCounting::First => "a.number",
            AttemptCounting::Last => "a.number DESC",
        };
        let sql = format!(
            "SELECT e.entrant_id, e.full_name, e.birth_year, e.phone, e.unit, k.attempt_id, k.number, k.started_at, \
             k.submitted_at, k.score, k.prediction, \
             (SELECT COUNT(*) FROM contest_answer x WHERE x.attempt_id = k.attempt_id) AS answered \
             FROM (SELECT a.attempt_id, a.entrant_id, a.number, a.started_at, a.submitted_at, a.score, a.prediction, \
             ROW_NUMBER() OVER (PARTITION BY a.entrant_id ORDER BY {order}) AS pick \
             FROM contest_attempt a JOIN contest_entrant s ON s.entrant_id = a.entrant_id \
             WHERE s.contest_id = $1 AND a.submitted_at IS NOT NULL AND a.score IS NOT NULL) k \
             JOIN contest_entrant e ON e.entrant_id = k.entrant_id WHERE k.pick = 1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(contest_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(counted_from_row).collect()
    }

    /// How many people registered for a contest.
    pub async fn count_entrants(&mut self, contest_id: ContestId) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM contest_entrant WHERE contest_id = $1")
            .bind(contest_id.0)
            .fetch_one(self.conn())
            .await?;
        let n: i64 = row.try_get("n")?;
        u64::try_from(n).map_err(|_| StoreError::Corrupt("contest_entrant.count"))
    }

    /// The contest's attempts still open that ended before `ended_before` (their people closed the page and never
    /// came back): to be submitted as they stand before results are counted.
    pub async fn overdue_attempts(
        &mut self,
        contest_id: ContestId,
        ended_before: OffsetDateTime,
    ) -> Result<Vec<Attempt>, StoreError> {
        let columns = ATTEMPT_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns} FROM contest_attempt a JOIN contest_entrant e ON e.entrant_id = a.entrant_id \
             WHERE e.contest_id = $1 AND a.submitted_at IS NULL AND a.ends_at < $2 ORDER BY a.attempt_id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(contest_id.0)
            .bind(to_ms(ended_before))
            .fetch_all(self.conn())
            .await?;
        rows.iter().map(attempt_from_row).collect()
    }

    /// Issues certificates; an entrant who already has one of this contest keeps it unchanged (a printed paper
    /// exists). Returns how many were new.
    pub async fn insert_certificates(
        &mut self,
        contest_id: ContestId,
        certificates: &[NewCertificate],
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let mut inserted = 0;
        for certificate in certificates {
            let done = sqlx::query(
                "INSERT INTO contest_certificate (contest_id, entrant_id, code, place, award, score, issued_at, \
                 issued_by) SELECT $1, e.entrant_id, $3, $4, $5, $6, $7, $8 FROM contest_entrant e \
                 WHERE e.entrant_id = $2 AND e.contest_id = $1 \
                 ON CONFLICT (contest_id, entrant_id) DO NOTHING",
            )
            .bind(contest_id.0)
            .bind(certificate.entrant_id.0)
            .bind(&certificate.code)
            .bind(i32::try_from(certificate.place).map_err(|_| StoreError::Corrupt("contest_certificate.place"))?)
            .bind(certificate.award.as_str())
            .bind(i32::try_from(certificate.score).map_err(|_| StoreError::Corrupt("contest_certificate.score"))?)
            .bind(to_ms(now))
            .bind(by.map(|u| u.0))
            .execute(self.conn())
            .await?;
            inserted += done.rows_affected();
        }
        Ok(inserted)
    }

    /// A contest's certificates, best place first (equal places in issue order).
    pub async fn list_certificates(&mut self, contest_id: ContestId) -> Result<Vec<Certificate>, StoreError> {
        let sql = format!("{CERTIFICATE_SELECT} WHERE c.contest_id = $1 ORDER BY c.place, c.certificate_id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(contest_id.0).fetch_all(self.conn()).await?;
        rows.iter().map(certificate_from_row).collect()
    }

    /// Revokes a certificate of a contest with its reason. False when there is no such certificate or it was
    /// already revoked (the first revocation stands).
    pub async fn revoke_certificate(
        &mut self,
        contest_id: ContestId,
        id: CertificateId,
        reason: &str,
        by: Option<UserId>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE contest_certificate SET revoked_at = $3, revoked_by = $4, revoked_reason = $5 \
             WHERE contest_id = $1 AND certificate_id = $2 AND revoked_at IS NULL",
        )
        .bind(contest_id.0)
        .bind(id.0)
        .bind(to_ms(now))
        .bind(by.map(|u| u.0))
        .bind(reason)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// A certificate by its verification code.
    pub async fn certificate_by_code(&mut self, code: &str) -> Result<Option<Certificate>, StoreError> {
        let sql = format!("{CERTIFICATE_SELECT} WHERE c.code = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(code).fetch_optional(self.conn()).await?;
        row.as_ref().map(certificate_from_row).transpose()
    }
}
