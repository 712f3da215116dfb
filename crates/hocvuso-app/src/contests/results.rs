//! A contest's results: the individual ranking, the unit ranking, the projector's leaderboard, the Excel export and
//! winners' certificates with a public verification page.
//!
//! Who sees what: the commune's contest staff ([`Actor::can_manage_contests`]) see everything at any time (names, units,
//! masked phones, timings, flags). Everyone else sees the top of the ranking (name, unit, score) and the unit
//! ranking once results are published — when the contest has closed — and until then only when they will be.
//!
//! The ranking: one counted attempt per entrant who submitted one (the contest's `AttemptCounting`), ranked by
//! the contest's order with [`hocvuso_domain::contests::rank`]; equal entries share a place and are listed in
//! Vietnamese name order. The number of entrants a prediction is measured against is the number ranked (people
//! who submitted an attempt). Units rank by average score, then by number of participants.

use std::collections::HashSet;

use anyhow::Context as _;
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::calendar::{format_date_official, format_date_vn, vietnam_date};
use hocvuso_domain::contests::rank;
use hocvuso_domain::contests::results::{
    Certificate, CountedAttempt, NewCertificate, Prizes, UnitStanding, rank_units,
};
use hocvuso_domain::contests::setup::{Contest, ResultsShown};
use hocvuso_domain::ids::{CertificateId, ContestId, EntrantId};
use hocvuso_domain::person_name::sort_key;
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_print::pdf::DocDate;
use hocvuso_print::pdf::certificate::{CertificatePage, Certificates, render_certificates};
use hocvuso_print::sheet::{Cell, Sheet, write_xlsx};
use time::{Duration, OffsetDateTime};

use super::{GRACE, close_overdue, random_code};
use crate::register::exports::Download;
use crate::{AppError, Ctx};

/// Rows of the public results page.
pub const PUBLIC_TOP: usize = 50;
/// Rows of the leaderboard.
pub const LEADERBOARD_TOP: usize = 10;
/// Most rows of the staff's results page (the Excel export has them all).
pub const STAFF_PAGE_ROWS: usize = 500;
/// Length of a certificate's verification code: 31^16 ≈ 7·10^23 codes, not guessable.
pub const CERTIFICATE_CODE_LEN: usize = 16;

/// One line of the individual ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankedRow {
    /// The place; equal entries share one.
    pub place: usize,
    /// The registration.
    pub entrant_id: EntrantId,
    /// Full name.
    pub full_name: String,
    /// Unit.
    pub unit: String,
    /// Right answers.
    pub score: u32,
    /// Birth year (staff only).
    pub birth_year: Option<i32>,
    /// Masked phone number (staff only).
    pub phone_masked: Option<String>,
    /// Time from start to submission (staff only).
    pub time_taken: Option<Duration>,
    /// When the counted attempt was submitted (staff only).
    pub submitted_at: Option<OffsetDateTime>,
    /// The prediction of the number of entrants (staff only).
    pub prediction: Option<u64>,
    /// Which attempt counts (staff only).
    pub attempt_number: Option<u32>,
    /// Answered faster than a person can read (staff only; always false for others).
    pub implausibly_fast: bool,
}

impl RankedRow {
    fn staff(place: usize, counted: &CountedAttempt) -> RankedRow {
        RankedRow {
            place,
            entrant_id: counted.entrant_id,
            full_name: counted.full_name.as_str().to_owned(),
            unit: counted.unit.clone(),
            score: counted.score,
            birth_year: Some(counted.birth_year),
            phone_masked: Some(counted.phone.masked()),
            time_taken: Some(counted.time_taken()),
            submitted_at: Some(counted.submitted_at),
            prediction: counted.prediction,
            attempt_number: Some(counted.attempt_number),
            implausibly_fast: counted.implausibly_fast(),
        }
    }

    /// What the public may see of a row: name, unit, place and score.
    fn public(self) -> RankedRow {
        RankedRow {
            birth_year: None,
            phone_masked: None,
            time_taken: None,
            submitted_at: None,
            prediction: None,
            attempt_number: None,
            implausibly_fast: false,
            ..self
        }
    }
}

/// Who a results view was made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The commune's contest staff: every detail.
    Staff,
    /// Anyone else, after publication: the top rows, name, unit and score.
    Public,
}

/// The results as shown.
#[derive(Clone, Debug)]
pub struct Standings {
    /// The contest.
    pub contest: Contest,
    /// For whom.
    pub audience: Audience,
    /// People registered (staff only).
    pub n_registered: Option<u64>,
    /// People ranked: those who submitted an attempt (the "số người dự thi" predictions are measured against).
    pub n_entrants: u64,
    /// The top of the individual ranking.
    pub rows: Vec<RankedRow>,
    /// The unit ranking.
    pub units: Vec<UnitStanding>,
    /// The counted attempts flagged as implausibly fast, in rank order (staff only).
    pub flagged: Vec<RankedRow>,
    /// The certificates issued (staff only).
    pub certificates: Vec<Certificate>,
    /// Whether the contest has closed.
    pub is_closed: bool,
}

/// What a visitor gets.
#[derive(Clone, Debug)]
pub enum ResultsView {
    /// The results.
    Shown(Box<Standings>),
    /// Not published yet: the public learns when they will be.
    NotYet {
        /// The contest.
        contest: Box<Contest>,
        /// When the results will be published.
        publish_at: OffsetDateTime,
    },
}

/// When the public may see a contest's results: once it has closed, whichever moment participants see their own
/// score (an open contest's ranking would tell the others what to beat).
pub fn published_at(contest: &Contest) -> OffsetDateTime {
    match contest.settings.results {
        ResultsShown::AfterAttempt | ResultsShown::AfterClose => contest.settings.closes_at,
    }
}

fn is_staff(actor: Option<&Actor>, contest: &Contest) -> bool {
    actor.is_some_and(|actor| actor.can_manage_contests(contest.commune_id))
}

async fn load_contest(ctx: &Ctx, contest_id: ContestId) -> Result<Contest, AppError> {
    let mut tx = ctx.store.read().await?;
    tx.contest_by_id(contest_id).await?.ok_or(AppError::NotFound)
}

/// Submits, as they stand, the contest's attempts whose time ran out while nobody was there, so they are counted.
/// Usually there are none and this is one read; each one is closed once.
async fn close_abandoned(ctx: &Ctx, contest: &Contest) -> Result<(), AppError> {
    let now = ctx.now();
    let ended_before = now - GRACE;
    {
        let mut tx = ctx.store.read().await?;
        if tx.overdue_attempts(contest.id, ended_before).await?.is_empty() {
            return Ok(());
        }
    }
    let mut tx = ctx.store.write().await?;
    let mut overdue = tx.overdue_attempts(contest.id, ended_before).await?;
    let questions = tx.contest_questions(contest.id).await?;
    close_overdue(&mut tx, contest, &questions, &mut overdue, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The whole ranking: counted attempts in rank order (equal ones in Vietnamese name order) with their places.
struct Ranking {
    counted: Vec<CountedAttempt>,
    places: Vec<usize>,
    units: Vec<UnitStanding>,
    n_registered: u64,
}

async fn ranking(ctx: &Ctx, contest: &Contest) -> Result<Ranking, AppError> {
    close_abandoned(ctx, contest).await?;
    let mut tx = ctx.store.read().await?;
    let mut counted = tx.counted_attempts(contest.id, contest.settings.counting).await?;
    let n_registered = tx.count_entrants(contest.id).await?;
    drop(tx);
    // Name order first; the ranking's sort is stable, so it stays the order among equals.
    counted.sort_by_cached_key(|c| (sort_key(&c.full_name), c.entrant_id));
    let n_entrants = counted.len() as u64;
    let places = rank(&mut counted, &contest.settings.ranking, n_entrants, CountedAttempt::rank_entry);
    let collator = crate::register::collator()?;
    let units = rank_units(counted.iter().map(|c| (c.unit.as_str(), c.score)), |a, b| collator.compare_str(a, b));
    Ok(Ranking { counted, places, units, n_registered })
}

async fn audit(
    ctx: &Ctx,
    actor: &Actor,
    contest: &Contest,
    action: AuditAction,
    detail: String,
) -> Result<(), AppError> {
    let event = NewAuditEvent::new(
        Some(actor.user_id),
        Some(contest.commune_id),
        action,
        AuditSubject::Contest,
        Some(contest.id.0),
    )
    .with_detail(detail);
    crate::audit_read(ctx, event).await
}

/// Builds the view for `actor` with at most `public_rows` rows for the public and `staff_rows` for staff; a staff
/// view is audited with `what` ("contest results"), unless `what` is `None` (a leaderboard's refresh).
async fn view(
    ctx: &Ctx,
    actor: Option<&Actor>,
    contest_id: ContestId,
    public_rows: usize,
    staff_rows: usize,
    what: Option<&str>,
) -> Result<ResultsView, AppError> {
    let contest = load_contest(ctx, contest_id).await?;
    let now = ctx.now();
    let staff = actor.filter(|actor| is_staff(Some(actor), &contest));
    let publish_at = published_at(&contest);
    if staff.is_none() && now < publish_at {
        return Ok(ResultsView::NotYet { contest: Box::new(contest), publish_at });
    }
    let Ranking { counted, places, units, n_registered } = ranking(ctx, &contest).await?;
    let n_entrants = counted.len() as u64;
    let all = counted.iter().zip(&places).map(|(c, &place)| RankedRow::staff(place, c));
    let is_closed = now >= contest.settings.closes_at;
    let standings = match staff {
        Some(actor) => {
            let flagged: Vec<RankedRow> = all.clone().filter(|row| row.implausibly_fast).collect();
            let rows: Vec<RankedRow> = all.take(staff_rows).collect();
            let mut tx = ctx.store.read().await?;
            let certificates = tx.list_certificates(contest.id).await?;
            drop(tx);
            if let Some(what) = what {
                let detail = format!("{what}, {} rows", rows.len() + flagged.len());
                audit(ctx, actor, &contest, AuditAction::View, detail).await?;
            }
            Standings {
                contest,
                audience: Audience::Staff,
                n_registered: Some(n_registered),
                n_entrants,
                rows,
                units,
                flagged,
                certificates,
                is_closed,
            }
        }
        None => Standings {
            contest,
            audience: Audience::Public,
            n_registered: None,
            n_entrants,
            rows: all.take(public_rows).map(RankedRow::public).collect(),
            units,
            flagged: Vec::new(),
            certificates: Vec::new(),
            is_closed,
        },
    };
    Ok(ResultsView::Shown(Box::new(standings)))
}

/// The results page: for staff the ranking (first [`STAFF_PAGE_ROWS`]), flags, units and certificates, audited;
/// for the public, once published, the top [`PUBLIC_TOP`] and the units; before that, when they will be published.
pub async fn results(ctx: &Ctx, actor: Option<&Actor>, contest_id: ContestId) -> Result<ResultsView, AppError> {
    view(ctx, actor, contest_id, PUBLIC_TOP, STAFF_PAGE_ROWS, Some("contest results")).await
}

/// The projector's leaderboard: the top [`LEADERBOARD_TOP`], the units and the number of entrants. Staff see it
/// while the contest runs; the public once results are published. `is_refresh` marks the page's own refreshes
/// (every few seconds), which are not audited again: opening the page is.
pub async fn leaderboard(
    ctx: &Ctx,
    actor: Option<&Actor>,
    contest_id: ContestId,
    is_refresh: bool,
) -> Result<ResultsView, AppError> {
    let what = (!is_refresh).then_some("contest leaderboard");
    view(ctx, actor, contest_id, LEADERBOARD_TOP, LEADERBOARD_TOP, what).await
}

/// A duration as minutes and seconds: "12:05".
pub fn format_duration(duration: Duration) -> String {
    let seconds = duration.whole_seconds().max(0);
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The full results as an Excel file (staff only, audited): sheet 1 the individual ranking in rank order (equal
/// places in Vietnamese name order), sheet 2 the unit ranking. Cells that look like formulas are neutralised.
pub async fn export_results(ctx: &Ctx, actor: &Actor, contest_id: ContestId) -> Result<Download, AppError> {
    let contest = load_contest(ctx, contest_id).await?;
    super::manage(actor, contest.commune_id)?;
    let Ranking { counted, places, units, .. } = ranking(ctx, &contest).await?;
    let today = format_date_vn(vietnam_date(ctx.now()));
    let title = &contest.settings.title;
    let rows: Vec<Vec<Cell>> = counted
        .iter()
        .zip(&places)
        .map(|(c, &place)| {
            vec![
                Cell::Number(place as f64),
                Cell::from(c.full_name.as_str()),
                Cell::Number(f64::from(c.birth_year)),
                Cell::from(c.unit.as_str()),
                Cell::Number(f64::from(c.score)),
                Cell::from(format_duration(c.time_taken())),
                Cell::from(hocvuso_domain::calendar::format_datetime_vn(c.submitted_at)),
                c.prediction.map_or(Cell::Empty, |p| Cell::Number(p as f64)),
                Cell::from(if c.implausibly_fast() { "Quá nhanh" } else { "" }),
            ]
        })
        .collect();
    let unit_rows: Vec<Vec<Cell>> = units
        .iter()
        .map(|u| {
            vec![
                Cell::Number(u.place as f64),
                Cell::from(u.unit.as_str()),
                Cell::Number(f64::from(u.participants)),
                Cell::Number((u.average_score() * 100.0).round() / 100.0),
                Cell::Number(f64::from(u.best_score)),
            ]
        })
        .collect();
    let headers = |names: &[&str]| names.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>();
    let n_rows = rows.len();
    let sheets = vec![
        Sheet {
            name: "Cá nhân".into(),
            title: format!("Kết quả cá nhân – {title} – {today}"),
            headers: headers(&[
                "Hạng",
                "Họ và tên",
                "Năm sinh",
                "Đơn vị",
                "Số câu đúng",
                "Thời gian làm bài",
                "Nộp lúc",
                "Dự đoán",
                "Cần xem lại",
            ]),
            rows,
        },
        Sheet {
            name: "Đơn vị".into(),
            title: format!("Kết quả theo đơn vị – {title} – {today}"),
            headers: headers(&["Hạng", "Đơn vị", "Số người dự thi", "Điểm trung bình", "Điểm cao nhất"]),
            rows: unit_rows,
        },
    ];
    let bytes = tokio::task::spawn_blocking(move || write_xlsx(&sheets))
        .await
        .context("results workbook task")?
        .context("results workbook")?;
    audit(ctx, actor, &contest, AuditAction::Export, format!("contest results xlsx, {n_rows} rows")).await?;
    Ok(Download { file_name: format!("ket-qua-cuoc-thi-{}.xlsx", contest.id), bytes })
}

/// Issues certificates to the winners the prizes name (by place: entries sharing a place share the prize), once
/// the contest has closed. Winners who already have one keep theirs. Returns how many were issued now. Audited.
pub async fn issue_certificates(
    ctx: &Ctx,
    actor: &Actor,
    contest_id: ContestId,
    prizes: Prizes,
) -> Result<u64, AppError> {
    let contest = load_contest(ctx, contest_id).await?;
    super::manage(actor, contest.commune_id)?;
    if !prizes.is_valid() {
        return Err(AppError::invalid("prizes", "contest_prizes_invalid"));
    }
    if ctx.now() < contest.settings.closes_at {
        return Err(AppError::Conflict("contest_not_closed"));
    }
    let Ranking { counted, places, .. } = ranking(ctx, &contest).await?;
    let winners: Vec<NewCertificate> = counted
        .iter()
        .zip(&places)
        .filter_map(|(c, &place)| {
            let award = prizes.award_for(place)?;
            let place = u32::try_from(place).ok()?;
            Some(NewCertificate {
                entrant_id: c.entrant_id,
                place,
                award,
                score: c.score,
                code: random_code(CERTIFICATE_CODE_LEN),
            })
        })
        .collect();
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let issued = tx.insert_certificates(contest.id, &winners, Some(actor.user_id), now).await?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(contest.commune_id),
            AuditAction::Create,
            AuditSubject::Contest,
            Some(contest.id.0),
        )
        .with_detail(format!("certificates, {issued} rows")),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(contest = %contest.id, issued, "certificates issued");
    Ok(issued)
}

/// The place name of a commune's date line: "Xã Quỳ Châu" → "Quỳ Châu" (Nghị định 30: the unit's name, no kind).
fn place_name(commune: &str) -> &str {
    ["Xã ", "Phường ", "Đặc khu "].iter().find_map(|kind| commune.strip_prefix(kind)).unwrap_or(commune)
}

/// The certificates of a contest as a PDF, one A4 landscape page each (all of them, or the one `only` names);
/// each QR code points at `verify_base` followed by the code (the site's verification page). Staff only, audited.
pub async fn certificates_pdf(
    ctx: &Ctx,
    actor: &Actor,
    contest_id: ContestId,
    only: Option<CertificateId>,
    verify_base: &str,
) -> Result<Download, AppError> {
    let contest = load_contest(ctx, contest_id).await?;
    super::manage(actor, contest.commune_id)?;
    let mut tx = ctx.store.read().await?;
    let mut certificates = tx.list_certificates(contest.id).await?;
    let commune = tx.commune_unit_by_id(contest.commune_id).await?.map(|c| c.name).unwrap_or_default();
    drop(tx);
    // A revoked certificate is not printed again.
    certificates.retain(|c| c.revoked.is_none() && only.is_none_or(|id| c.id == id));
    if certificates.is_empty() {
        return Err(AppError::NotFound);
    }
    let total = contest.settings.plan.total;
    let place = place_name(&commune).to_owned();
    let pages: Vec<CertificatePage> = certificates
        .iter()
        .map(|c| CertificatePage {
            name: c.full_name.as_str().to_owned(),
            unit: c.unit.clone(),
            award: c.award.vietnamese().to_owned(),
            standing: format!("Xếp hạng {} – {}/{total} câu đúng", c.place, c.score),
            date_line: format!("{place}, {}", format_date_official(vietnam_date(c.issued_at))),
            code: c.code.clone(),
            url: format!("{verify_base}{}", c.code),
        })
        .collect();
    let today = vietnam_date(ctx.now());
    let document = Certificates {
        commune,
        organiser: contest.settings.organiser.clone(),
        contest: contest.settings.title.clone(),
        pages,
        date: DocDate { year: today.year(), month: u8::from(today.month()), day: today.day() },
    };
    let n_pages = document.pages.len();
    let bytes = tokio::task::spawn_blocking(move || render_certificates(&document))
        .await
        .context("certificates task")?
        .context("certificates")?;
    audit(ctx, actor, &contest, AuditAction::Export, format!("certificates pdf, {n_pages} rows")).await?;
    let file_name = match only {
        Some(id) => format!("giay-chung-nhan-{}-{id}.pdf", contest.id),
        None => format!("giay-chung-nhan-{}.pdf", contest.id),
    };
    Ok(Download { file_name, bytes })
}

/// A certificate as its public verification page shows it.
#[derive(Clone, Debug)]
pub struct VerifiedCertificate {
    /// The certificate.
    pub certificate: Certificate,
    /// The contest's title.
    pub contest_title: String,
    /// Who organised it.
    pub organiser: String,
}

/// Looks a certificate up by the code its QR code carries (any case, spaces and dashes ignored). Public: the code
/// is the proof. `None` when there is no such certificate.
pub async fn verify_certificate(ctx: &Ctx, code: &str) -> Result<Option<VerifiedCertificate>, AppError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect();
    let alphabet: HashSet<char> = super::CODE_ALPHABET.iter().map(|&b| char::from(b)).collect();
    if code.chars().count() != CERTIFICATE_CODE_LEN || !code.chars().all(|c| alphabet.contains(&c)) {
        return Ok(None);
    }
    let mut tx = ctx.store.read().await?;
    let Some(certificate) = tx.certificate_by_code(&code).await? else { return Ok(None) };
    let contest = tx.contest_by_id(certificate.contest_id).await?.ok_or(AppError::NotFound)?;
    Ok(Some(VerifiedCertificate {
        certificate,
        contest_title: contest.settings.title,
        organiser: contest.settings.organiser,
    }))
}

// contests: certificate revocation

/// Revokes a certificate of a contest, with a reason (required): its public page then says it was revoked, when and
/// why, and it is not printed again. Staff only; audited like issuing. A certificate already revoked keeps its first
/// revocation (`Conflict`).
pub async fn revoke_certificate(
    ctx: &Ctx,
    actor: &Actor,
    contest_id: ContestId,
    certificate_id: CertificateId,
    reason: &str,
) -> Result<(), AppError> {
    let contest = load_contest(ctx, contest_id).await?;
    super::manage(actor, contest.commune_id)?;
    let reason = hocvuso_domain::text::clean_multiline(reason);
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "certificate_reason_required"));
    }
    if reason.chars().count() > hocvuso_domain::contests::results::MAX_REVOCATION_REASON_CHARS {
        return Err(AppError::invalid("reason", "certificate_reason_too_long"));
    }
    let now = ctx.now();
    let mut tx = ctx.store.write().await?;
    let certificates = tx.list_certificates(contest.id).await?;
    let certificate = certificates.iter().find(|c| c.id == certificate_id).ok_or(AppError::NotFound)?;
    if certificate.revoked.is_some()
        || !tx.revoke_certificate(contest.id, certificate_id, &reason, Some(actor.user_id), now).await?
    {
        return Err(AppError::Conflict("certificate_already_revoked"));
    }
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(contest.commune_id),
            AuditAction::Update,
            AuditSubject::Contest,
            Some(contest.id.0),
        )
        .with_detail(format!("certificate {certificate_id} revoked")),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(contest = %contest.id, certificate = %certificate_id, "certificate revoked");
    Ok(())
}
