//! The commune staff's contest pages: the question bank (list, import with its report, export, retire), the
//! set-up form of a new contest, the list of the commune's contests and the overview of one.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use hocvuso_app::AppError;
use hocvuso_app::accounts::Session;
use hocvuso_app::contests::bank::{self, BankFormat, BankImport, ContestForm, SetUpChoices};
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::calendar::{VIETNAM_OFFSET, format_datetime_vn};
use hocvuso_domain::contests::overview::ContestStatus;
use hocvuso_domain::contests::questions::{Difficulty, option_letter};
use hocvuso_domain::contests::setup::{AttemptCounting, CccdRule, ContestSettings, ResultsShown};
use hocvuso_domain::contests::{DEFAULT_RANKING, RankKey};
use hocvuso_domain::ids::{CommuneId, ContestId, QuestionId};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use crate::AppState;
use crate::error::WebError;
use crate::extract::{CsrfForm, SignedIn};
use crate::i18n::{Lang, Texts, error_message};
use crate::layout::PageContext;
use crate::pages::upload::UploadForm;
use crate::pages::{attachment, render, render_with_status};

/// Most bytes of a question file upload: the file's limit plus room for the form around it.
const UPLOAD_LIMIT: usize = bank::MAX_BANK_FILE_BYTES + 64 * 1024;

/// Most bytes of the set-up form: rules of 20,000 Vietnamese characters are up to 60,000 bytes of UTF-8 and three
/// times that URL-encoded (`%E1%BA%BF`), so 256 KiB holds them with the units' list and the other fields.
pub(crate) const SET_UP_LIMIT: usize = 256 * 1024;

/// The routes of these pages.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/question-bank", get(show_bank))
        .route("/question-bank/import", post(import_questions).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/question-bank/export.xlsx", get(export_bank_xlsx))
        .route("/question-bank/export.txt", get(export_bank_text))
        .route("/question-bank/{question_id}/retire", post(retire_question))
        .route("/contests/new", get(new_contest_form).post(create_contest).layer(DefaultBodyLimit::max(SET_UP_LIMIT)))
        .route("/contests/manage", get(list_contests))
        .route("/contests/{contest_id}/manage", get(show_contest_overview))
}

/// The commune of a staff member; others have no contest pages ("not found", as on other staff pages).
fn commune_of(actor: &Actor) -> Result<CommuneId, WebError> {
    actor.commune_id.ok_or(WebError(AppError::NotFound))
}

/// Where the navigation marks these pages.
const NAV_PATH: &str = "/contests/manage";

fn difficulty_name(difficulty: Difficulty, t: &Texts) -> &'static str {
    match difficulty {
        Difficulty::Easy => t.difficulty_easy,
        Difficulty::Medium => t.difficulty_medium,
        Difficulty::Hard => t.difficulty_hard,
    }
}

fn status_name(status: ContestStatus, t: &Texts) -> &'static str {
    match status {
        ContestStatus::NotOpen => t.contest_status_not_open,
        ContestStatus::Open => t.contest_status_open,
        ContestStatus::Closed => t.contest_status_closed,
    }
}

fn counting_name(counting: AttemptCounting, t: &Texts) -> &'static str {
    match counting {
        AttemptCounting::Best => t.counting_best,
        AttemptCounting::First => t.counting_first,
        AttemptCounting::Last => t.counting_last,
    }
}

fn results_name(results: ResultsShown, t: &Texts) -> &'static str {
    match results {
        ResultsShown::AfterAttempt => t.results_after_attempt,
        ResultsShown::AfterClose => t.results_after_close,
    }
}

fn cccd_name(cccd: CccdRule, t: &Texts) -> &'static str {
    match cccd {
        CccdRule::NotAsked => t.cccd_not_asked,
        CccdRule::Optional => t.cccd_optional,
        CccdRule::Required => t.cccd_required,
    }
}

fn rank_name(key: RankKey, t: &Texts) -> &'static str {
    match key {
        RankKey::Score => t.rank_score,
        RankKey::PredictionDistance => t.rank_prediction,
        RankKey::TimeTaken => t.rank_time_taken,
        RankKey::SubmittedAt => t.rank_submitted_at,
    }
}

fn topic_label(topic: &str, t: &Texts) -> String {
    if topic.is_empty() { t.bank_no_topic.to_owned() } else { topic.to_owned() }
}

struct TopicLink {
    label: String,
    href: String,
    n: usize,
    is_current: bool,
}

struct QuestionRow {
    id: i64,
    topic: String,
    difficulty: &'static str,
    text: String,
    /// Letter, text, whether right.
    options: Vec<(char, String, bool)>,
    explanation: String,
    picture: Option<super::edit::PictureView>,
}

#[derive(Template)]
#[template(path = "contest_bank.html")]
struct BankPage {
    ctx: PageContext,
    topics: Vec<TopicLink>,
    is_filtered: bool,
    n_questions: usize,
    summary: String,
    rows: Vec<QuestionRow>,
}

#[derive(Deserialize)]
pub(crate) struct BankQuery {
    topic: Option<String>,
}

/// `GET /question-bank?topic=…`: the commune's questions, counts per topic, the import and export.
pub(crate) async fn show_bank(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Query(query): Query<BankQuery>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let view = bank::bank_view(&state.ctx, &actor, commune_of(&actor)?, query.topic.as_deref()).await?;
    let pictures = hocvuso_app::contests::edit::bank_pictures(&state.ctx, &actor, commune_of(&actor)?).await?;
    let topics = view
        .topics
        .iter()
        .map(|(topic, n)| TopicLink {
            label: topic_label(topic, t),
            href: format!("/question-bank?topic={}", urlencoding::encode(topic)),
            n: *n,
            is_current: query.topic.as_deref() == Some(topic.as_str()),
        })
        .collect();
    let rows = view
        .questions
        .iter()
        .map(|(id, q)| QuestionRow {
            id: id.0,
            topic: topic_label(&q.topic, t),
            difficulty: difficulty_name(q.difficulty, t),
            text: q.text.clone(),
            options: q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| (option_letter(i), o.clone(), q.correct.contains(&i)))
                .collect(),
            explanation: q.explanation.clone(),
            picture: pictures.iter().find(|(pid, _)| pid == id).map(|(_, p)| super::edit::PictureView::of(p, t)),
        })
        .collect::<Vec<_>>();
    let summary = t
        .bank_summary
        .replace("{n}", &view.n_questions.to_string())
        .replace("{topics}", &view.topics.len().to_string());
    render(&BankPage {
        ctx: PageContext::new(&state, lang, Some(&session), "/question-bank"),
        topics,
        is_filtered: query.topic.is_some(),
        n_questions: view.n_questions,
        summary,
        rows,
    })
}

#[derive(Template)]
#[template(path = "contest_bank_report.html")]
struct ReportPage {
    ctx: PageContext,
    done: Option<String>,
    summary: Option<String>,
    /// Where (question and line), what.
    problems: Vec<(String, &'static str)>,
    errors: Vec<&'static str>,
}

fn report_page(state: &AppState, lang: Lang, session: &Session, report: &BankImport) -> ReportPage {
    let t = lang.texts();
    let at = match report.format {
        BankFormat::Text | BankFormat::Sheet => t.bank_at_line,
        BankFormat::Word => t.bank_at_paragraph,
    };
    let problems = report
        .problems
        .iter()
        .map(|p| {
            let place = at.replace("{n}", &p.at.to_string());
            let place = match p.number {
                Some(number) => format!("{}, {place}", t.bank_question_n.replace("{n}", &number.to_string())),
                None => place,
            };
            (place, error_message(p.code, lang))
        })
        .collect();
    let n = report.problems.len().to_string();
    ReportPage {
        ctx: PageContext::new(state, lang, Some(session), "/question-bank"),
        done: report
            .problems
            .is_empty()
            .then(|| t.bank_report_added.replace("{n}", &report.imported.len().to_string())),
        summary: (!report.problems.is_empty())
            .then(|| t.bank_report_refused.replace("{read}", &report.n_read.to_string()).replace("{n}", &n)),
        problems,
        errors: Vec::new(),
    }
}

/// `POST /question-bank/import` (multipart `_csrf`, `file`): checks the file and adds every question or none;
/// the report lists each problem with its question and line.
pub(crate) async fn import_questions(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    multipart: Multipart,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let commune_id = commune_of(&actor)?;
    let result = match crate::pages::upload::read_upload(&session, multipart).await {
        UploadForm::File(upload) => {
            bank::import_question_file(&state.ctx, &actor, commune_id, &upload.file_name, upload.bytes).await
        }
        UploadForm::TooLarge => Err(hocvuso_app::AppError::invalid("file", "file_too_large")),
        UploadForm::Refused(response) => return Ok(response),
    };
    match result {
        Ok(report) if report.problems.is_empty() => render(&report_page(&state, lang, &session, &report)),
        Ok(report) => {
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &report_page(&state, lang, &session, &report))
        }
        Err(err) => {
            let page = ReportPage {
                ctx: PageContext::new(&state, lang, Some(&session), "/question-bank"),
                done: None,
                summary: None,
                problems: Vec::new(),
                errors: crate::pages::form_errors(err, lang)?,
            };
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

/// `POST /question-bank/{question_id}/retire`: takes a question out of the bank (running contests keep it).
pub(crate) async fn retire_question(
    State(state): State<AppState>,
    Path(question_id): Path<i64>,
    CsrfForm(session, _form): CsrfForm<crate::pages::accounts::EmptyForm>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    bank::retire_question(&state.ctx, &actor, commune_of(&actor)?, QuestionId(question_id)).await?;
    Ok(Redirect::to("/question-bank").into_response())
}

/// `GET /question-bank/export.xlsx`: the bank with the import's columns (audited).
pub(crate) async fn export_bank_xlsx(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let download = bank::export_bank_xlsx(&state.ctx, &actor, commune_of(&actor)?).await?;
    let xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(attachment(download.bytes, xlsx_type, &download.file_name))
}

/// `GET /question-bank/export.txt`: the bank in the organisers' text form (audited).
pub(crate) async fn export_bank_text(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let download = bank::export_bank_text(&state.ctx, &actor, commune_of(&actor)?).await?;
    Ok(attachment(download.bytes, "text/plain; charset=utf-8", &download.file_name))
}

/// The set-up form as posted.
#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct NewContestFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    rules: String,
    #[serde(default)]
    organiser: String,
    #[serde(default)]
    opens_at: String,
    #[serde(default)]
    closes_at: String,
    #[serde(default)]
    time_limit_minutes: String,
    #[serde(default)]
    attempts_allowed: String,
    #[serde(default)]
    counting: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    quota_topic: Vec<String>,
    #[serde(default)]
    quota: Vec<String>,
    #[serde(default)]
    shuffle_options: Option<String>,
    #[serde(default)]
    prediction_question: String,
    #[serde(default)]
    results: String,
    #[serde(default)]
    ranking: Vec<String>,
    #[serde(default)]
    cccd: String,
    #[serde(default)]
    units: String,
}

impl NewContestFields {
    fn to_form(&self) -> ContestForm {
        ContestForm {
            title: self.title.clone(),
            rules: self.rules.clone(),
            organiser: self.organiser.clone(),
            opens_at: self.opens_at.clone(),
            closes_at: self.closes_at.clone(),
            time_limit_minutes: self.time_limit_minutes.clone(),
            attempts_allowed: self.attempts_allowed.clone(),
            counting: self.counting.clone(),
            total: self.total.clone(),
            quotas: self.quota_topic.iter().cloned().zip(self.quota.iter().cloned()).collect(),
            shuffle_options: self.shuffle_options.is_some(),
            prediction_question: self.prediction_question.clone(),
            results: self.results.clone(),
            ranking: self.ranking.clone(),
            cccd: self.cccd.clone(),
            units: self.units.clone(),
        }
    }

    /// The form's first values: open from the next full hour for a week, 10 questions in 15 minutes, one attempt,
    /// results after closing, the usual ranking, the hamlets as units.
    fn defaults(choices: &SetUpChoices) -> NewContestFields {
        let local = choices.now.to_offset(VIETNAM_OFFSET);
        let next_hour = local.replace_minute(0).and_then(|t| t.replace_second(0)).unwrap_or(local) + Duration::hours(1);
        let quota_topic: Vec<String> = choices.topics.iter().map(|(topic, _)| topic.clone()).collect();
        NewContestFields {
            opens_at: datetime_local(next_hour),
            closes_at: datetime_local(next_hour + Duration::days(7)),
            time_limit_minutes: "15".into(),
            attempts_allowed: "1".into(),
            counting: AttemptCounting::default().as_str().into(),
            total: choices.n_questions.min(10).to_string(),
            quota: vec![String::new(); quota_topic.len()],
            quota_topic,
            shuffle_options: Some("on".into()),
            results: ResultsShown::default().as_str().into(),
            ranking: DEFAULT_RANKING.iter().map(|k| k.as_str().to_owned()).collect(),
            cccd: CccdRule::default().as_str().into(),
            units: choices.hamlets.join("\n"),
            ..NewContestFields::default()
        }
    }
}

/// An instant as an HTML `datetime-local` value in Vietnam's time.
fn datetime_local(at: OffsetDateTime) -> String {
    let local = at.to_offset(VIETNAM_OFFSET);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        local.year(),
        u8::from(local.month()),
        local.day(),
        local.hour(),
        local.minute()
    )
}

struct QuotaRow {
    index: usize,
    topic: String,
    label: String,
    value: String,
}

struct RankRow {
    /// 1-based place of the criterion.
    place: usize,
    /// "Tiêu chí 1".
    label: String,
    /// Value, label, selected.
    choices: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Template)]
#[template(path = "contest_new.html")]
struct NewContestPage {
    ctx: PageContext,
    form: NewContestFields,
    n_questions: usize,
    quotas: Vec<QuotaRow>,
    counting: Vec<(&'static str, &'static str, bool)>,
    results: Vec<(&'static str, &'static str, bool)>,
    cccd: Vec<(&'static str, &'static str, bool)>,
    ranks: Vec<RankRow>,
    /// Field, message.
    errors: Vec<(&'static str, &'static str)>,
}

impl NewContestPage {
    /// The message for a field, or "" (the template shows it next to the field).
    fn error_for(&self, field: &str) -> &'static str {
        self.errors.iter().find(|(f, _)| *f == field).map_or("", |(_, message)| message)
    }

    fn has_error(&self, field: &str) -> bool {
        !self.error_for(field).is_empty()
    }
}

fn new_contest_page(
    state: &AppState,
    lang: Lang,
    session: &Session,
    choices: &SetUpChoices,
    form: NewContestFields,
    errors: Vec<(&'static str, &'static str)>,
) -> NewContestPage {
    let t = lang.texts();
    let quotas = choices
        .topics
        .iter()
        .enumerate()
        .map(|(index, (topic, n))| QuotaRow {
            index,
            topic: topic.clone(),
            label: t.contest_topic_quota.replace("{topic}", &topic_label(topic, t)).replace("{n}", &n.to_string()),
            value: form
                .quota_topic
                .iter()
                .position(|posted| posted == topic)
                .and_then(|i| form.quota.get(i).cloned())
                .unwrap_or_default(),
        })
        .collect();
    let ranks = (0..DEFAULT_RANKING.len())
        .map(|place| {
            let chosen = form.ranking.get(place).map(String::as_str).unwrap_or("");
            let mut choices = vec![("", t.rank_none, chosen.is_empty())];
            choices.extend(DEFAULT_RANKING.iter().map(|k| (k.as_str(), rank_name(*k, t), k.as_str() == chosen)));
            RankRow { place: place + 1, label: t.contest_rank_n.replace("{n}", &(place + 1).to_string()), choices }
        })
        .collect();
    NewContestPage {
        ctx: PageContext::new(state, lang, Some(session), "/contests/new"),
        n_questions: choices.n_questions,
        quotas,
        counting: AttemptCounting::ALL
            .iter()
            .map(|c| (c.as_str(), counting_name(*c, t), c.as_str() == form.counting))
            .collect(),
        results: ResultsShown::ALL
            .iter()
            .map(|r| (r.as_str(), results_name(*r, t), r.as_str() == form.results))
            .collect(),
        cccd: CccdRule::ALL.iter().map(|c| (c.as_str(), cccd_name(*c, t), c.as_str() == form.cccd)).collect(),
        ranks,
        form,
        errors,
    }
}

/// `GET /contests/new`: the set-up form, with usual values filled in.
pub(crate) async fn new_contest_form(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let choices = bank::set_up_choices(&state.ctx, &actor, commune_of(&actor)?).await?;
    let form = NewContestFields::defaults(&choices);
    render(&new_contest_page(&state, lang, &session, &choices, form, Vec::new()))
}

/// `POST /contests/new`: creates the contest and opens its overview, or shows the form again with each error next
/// to its field.
pub(crate) async fn create_contest(
    State(state): State<AppState>,
    lang: Lang,
    CsrfForm(session, fields): CsrfForm<NewContestFields, SET_UP_LIMIT>,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let commune_id = commune_of(&actor)?;
    match bank::set_up_contest(&state.ctx, &actor, commune_id, &fields.to_form()).await {
        Ok(contest_id) => Ok(Redirect::to(&format!("/contests/{contest_id}/manage")).into_response()),
        Err(AppError::Invalid(rejections)) => {
            let errors = rejections.iter().map(|r| (r.field, error_message(r.code, lang))).collect();
            let choices = bank::set_up_choices(&state.ctx, &actor, commune_id).await?;
            let page = new_contest_page(&state, lang, &session, &choices, fields, errors);
            render_with_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(WebError(other)),
    }
}

struct ContestRow {
    id: i64,
    title: String,
    status: &'static str,
    opens: String,
    closes: String,
    n_entrants: i64,
}

#[derive(Template)]
#[template(path = "contest_bank_contests.html")]
struct ContestsPage {
    ctx: PageContext,
    rows: Vec<ContestRow>,
}

/// `GET /contests/manage`: the commune's contests with their status and registrations.
pub(crate) async fn list_contests(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
) -> Result<Response, WebError> {
    let actor = session.actor();
    let t = lang.texts();
    let contests = bank::commune_contests(&state.ctx, &actor, commune_of(&actor)?).await?;
    let rows = contests
        .iter()
        .map(|summary| ContestRow {
            id: summary.contest.id.0,
            title: summary.contest.settings.title.clone(),
            status: status_name(summary.status, t),
            opens: format_datetime_vn(summary.contest.settings.opens_at),
            closes: format_datetime_vn(summary.contest.settings.closes_at),
            n_entrants: summary.n_entrants,
        })
        .collect();
    render(&ContestsPage { ctx: PageContext::new(&state, lang, Some(&session), NAV_PATH), rows })
}

struct FlaggedRow {
    entrant: i64,
    number: u32,
    unit: String,
    answered: usize,
    time_taken: String,
    score: String,
}

#[derive(Template)]
#[template(path = "contest_manage.html")]
struct ManagePage {
    ctx: PageContext,
    id: i64,
    title: String,
    status: &'static str,
    status_code: &'static str,
    facts: Vec<(&'static str, String)>,
    n_entrants: i64,
    n_started: i64,
    n_submitted: i64,
    by_unit: Vec<(String, i64)>,
    flagged: Vec<FlaggedRow>,
}

/// The settings in words, for the overview.
fn settings_facts(settings: &ContestSettings, n_questions: usize, t: &Texts) -> Vec<(&'static str, String)> {
    let minutes = |d: Duration| t.contest_minutes.replace("{n}", &d.whole_minutes().to_string());
    let mut plan =
        t.contest_plan.replace("{total}", &settings.plan.total.to_string()).replace("{n}", &n_questions.to_string());
    for quota in &settings.plan.quotas {
        plan.push_str(&format!("; {}: {}", topic_label(&quota.topic, t), quota.count));
    }
    let yes_no = |b: bool| if b { t.yes } else { t.no };
    vec![
        (t.contest_organiser, settings.organiser.clone()),
        (t.contest_opens, format_datetime_vn(settings.opens_at)),
        (t.contest_closes, format_datetime_vn(settings.closes_at)),
        (t.contest_time_limit, minutes(settings.time_limit)),
        (
            t.contest_attempts_allowed,
            format!("{} ({})", settings.attempts_allowed, counting_name(settings.counting, t)),
        ),
        (t.contest_total, plan),
        (t.contest_shuffle_options, yes_no(settings.shuffle_options).to_owned()),
        (t.contest_prediction, settings.prediction_question.clone().unwrap_or_else(|| t.no.to_owned())),
        (t.contest_results, results_name(settings.results, t).to_owned()),
        (t.contest_ranking, settings.ranking.iter().map(|k| rank_name(*k, t)).collect::<Vec<_>>().join(" → ")),
        (t.contest_cccd, cccd_name(settings.cccd, t).to_owned()),
        (t.contest_units, settings.units.join(", ")),
    ]
}

/// `GET /contests/{contest_id}/manage`: the staff's overview of one contest: settings, status, registrations per
/// unit, attempts, and the attempts flagged as impossibly fast (no names, no phone numbers).
pub(crate) async fn show_contest_overview(
    State(state): State<AppState>,
    lang: Lang,
    SignedIn(session): SignedIn,
    Path(contest_id): Path<i64>,
) -> Result<Response, WebError> {
    let t = lang.texts();
    let overview = bank::contest_overview(&state.ctx, &session.actor(), ContestId(contest_id)).await?;
    let settings = &overview.contest.settings;
    let flagged = overview
        .flagged
        .iter()
        .map(|timing| FlaggedRow {
            entrant: timing.entrant_id.0,
            number: timing.number,
            unit: timing.unit.clone(),
            answered: timing.n_answered,
            time_taken: t.contest_seconds.replace("{n}", &timing.time_taken().whole_seconds().to_string()),
            score: timing.score.map(|s| s.to_string()).unwrap_or_default(),
        })
        .collect();
    render(&ManagePage {
        ctx: PageContext::new(&state, lang, Some(&session), NAV_PATH),
        id: overview.contest.id.0,
        title: settings.title.clone(),
        status: status_name(overview.status, t),
        status_code: overview.status.as_str(),
        facts: settings_facts(settings, overview.n_questions, t),
        n_entrants: overview.figures.n_entrants,
        n_started: overview.figures.n_started,
        n_submitted: overview.figures.n_submitted,
        by_unit: overview.figures.by_unit.clone(),
        flagged,
    })
}
