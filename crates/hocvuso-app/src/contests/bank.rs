//! The commune staff's side of contests: the question bank (import from the files organisers already write —
//! plain text, Word, Excel — all or nothing with a verdict per question; export; retire), setting a contest up
//! from a form, and the overview of a contest while it runs.
//!
//! Every function checks `Actor::can_manage_contests` first; others get "not found", as on other staff pages.

use std::collections::BTreeMap;

use anyhow::Context;
use hocvuso_domain::accounts::Actor;
use hocvuso_domain::calendar::{VIETNAM_OFFSET, format_date_vn, vietnam_date};
use hocvuso_domain::contests::overview::{AttemptTiming, ContestFigures, ContestStatus};
use hocvuso_domain::contests::questions::{
    Difficulty, MAX_OPTIONS, NewQuestion, Question, QuestionError, ReadBank, answer_letters, option_letter,
    read_question_text, write_question_text,
};
use hocvuso_domain::contests::setup::{
    AttemptCounting, CccdRule, Contest, ContestError, ContestSettings, ResultsShown,
};
use hocvuso_domain::contests::{DrawError, DrawPlan, FASTEST_BELIEVABLE_PER_QUESTION, RankKey, TopicQuota};
use hocvuso_domain::ids::{CommuneId, ContestId, QuestionId};
use hocvuso_domain::privacy::{AuditAction, AuditSubject, NewAuditEvent};
use hocvuso_domain::text;
use hocvuso_print::sheet::{Cell, ReadLimits, Sheet, SheetError, read_table, write_xlsx};
use hocvuso_print::word::{Paragraph, read_paragraphs};
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::{MAX_QUESTION_FILE_BYTES, add_questions, create_contest, manage};
use crate::register::exports::Download;
use crate::{AppError, Ctx, Rejection};

/// Largest question file that may be uploaded (a Word document with pictures is larger than its text).
pub const MAX_BANK_FILE_BYTES: usize = 10 * 1024 * 1024;

/// Most flagged attempts an overview lists.
pub const MAX_FLAGGED_SHOWN: u32 = 200;

/// The checks of a Word document or spreadsheet of questions, before and while it is decompressed.
fn read_limits() -> ReadLimits {
    ReadLimits {
        max_bytes: MAX_BANK_FILE_BYTES,
        max_uncompressed: 50 * 1024 * 1024,
        max_rows: 10_000,
        ..ReadLimits::default()
    }
}

/// The kinds of question file, told by the file's name and checked against its content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BankFormat {
    /// The plain-text form ("Câu 1: … A. … Đáp án: B"), UTF-8 or UTF-16 with its byte-order mark.
    Text,
    /// The same form typed in Word (`.docx`).
    Word,
    /// One question per row (`.xlsx`, `.ods`, `.csv`).
    Sheet,
}

impl BankFormat {
    /// The format of a file named `file_name`; macro-enabled Word files and anything else are refused.
    pub fn of(file_name: &str) -> Result<BankFormat, AppError> {
        let name = file_name.trim().to_lowercase();
        let extension = name.rsplit_once('.').map_or("", |(_, ext)| ext);
        match extension {
            "txt" => Ok(BankFormat::Text),
            "docx" => Ok(BankFormat::Word),
            "xlsx" | "ods" | "csv" => Ok(BankFormat::Sheet),
            "docm" | "dotm" | "xlsm" => Err(AppError::invalid("file", SheetError::Macros.code())),
            _ => Err(AppError::invalid("file", "question_file_wrong_type")),
        }
    }
}

/// One problem of a question file: which question (when it is one), where, and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankProblem {
    /// The question's number ("Câu 3" → 3; the n-th question of a spreadsheet → n), if the problem is a question's.
    pub number: Option<u32>,
    /// The line of a text file, the paragraph of a Word document, or the row of a spreadsheet, from 1.
    pub at: usize,
    /// The stable code of the problem.
    pub code: &'static str,
}

/// What an import of a question file did. Nothing was added unless `problems` is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankImport {
    /// The kind of file, which says what [`BankProblem::at`] counts.
    pub format: BankFormat,
    /// Questions read, valid or not.
    pub n_read: usize,
    /// Every problem, in file order.
    pub problems: Vec<BankProblem>,
    /// The ids of the added questions, in file order (empty when there is any problem).
    pub imported: Vec<QuestionId>,
}

/// Questions read from a file, each with its verdict, and the problems between them.
struct Read {
    questions: Vec<Question>,
    n_read: usize,
    problems: Vec<BankProblem>,
}

impl Read {
    /// The verdicts of the text reader, with its line numbers mapped by `place` (a Word paragraph, or the line itself).
    fn from_text(bank: ReadBank, place: impl Fn(usize) -> usize) -> Read {
        let mut problems: Vec<BankProblem> = bank
            .problems
            .iter()
            .map(|p| BankProblem { number: None, at: place(p.line), code: p.kind.code() })
            .collect();
        let mut questions = Vec::new();
        for read in &bank.questions {
            match &read.result {
                Ok(question) => questions.push(question.clone()),
                Err(err) => {
                    problems.push(BankProblem { number: Some(read.number), at: place(read.line), code: err.code() })
                }
            }
        }
        problems.sort_by_key(|p| p.at);
        Read { questions, n_read: bank.questions.len(), problems }
    }
}

/// Reads a question file of any accepted kind and adds its questions to the commune's bank: all of them, or —
/// when any question or line is wrong — none, with every problem reported.
pub async fn import_question_file(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<BankImport, AppError> {
    manage(actor, commune_id)?;
    if bytes.len() > MAX_BANK_FILE_BYTES {
        return Err(AppError::invalid("file", SheetError::TooLarge.code()));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", SheetError::Empty.code()));
    }
    let format = BankFormat::of(file_name)?;
    let read = tokio::task::spawn_blocking(move || read_file(format, &bytes))
        .await
        .context("question file task")?
        .map_err(|code| AppError::invalid("file", code))?;
    let imported = if read.problems.is_empty() {
        add_questions(ctx, actor, commune_id, &read.questions).await?
    } else {
        Vec::new()
    };
    Ok(BankImport { format, n_read: read.n_read, problems: read.problems, imported })
}

/// Reads a file; a file that cannot be read at all is refused with a code.
fn read_file(format: BankFormat, bytes: &[u8]) -> Result<Read, &'static str> {
    match format {
        BankFormat::Text => {
            let text = decode_text(bytes)?;
            if text.len() > MAX_QUESTION_FILE_BYTES {
                return Err("question_file_too_large");
            }
            Ok(Read::from_text(read_question_text(&text), |line| line))
        }
        BankFormat::Word => {
            let paragraphs = read_paragraphs(bytes, &read_limits()).map_err(SheetError::code)?;
            let (text, origin) = word_text(&paragraphs);
            if text.len() > MAX_QUESTION_FILE_BYTES {
                return Err("question_file_too_large");
            }
            Ok(Read::from_text(read_question_text(&text), |line| origin.get(line - 1).copied().unwrap_or(line)))
        }
        BankFormat::Sheet => {
            // A Word document renamed .xlsx is not a spreadsheet.
            let table = read_table(bytes, &read_limits()).map_err(SheetError::code)?;
            Ok(read_sheet(&table))
        }
    }
}

/// Text files as Windows Notepad and Word save them: UTF-8 (with or without a byte-order mark) or UTF-16 with one.
fn decode_text(bytes: &[u8]) -> Result<String, &'static str> {
    let utf16 = |bytes: &[u8], from: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes.chunks_exact(2).map(|pair| from([pair[0], pair[1]])).collect();
        String::from_utf16(&units).map_err(|_| SheetError::Unreadable.code())
    };
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        std::str::from_utf8(rest).map(str::to_owned).map_err(|_| SheetError::Unreadable.code())
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        utf16(rest, u16::from_le_bytes)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        utf16(rest, u16::from_be_bytes)
    } else if bytes.starts_with(b"PK\x03\x04") {
        // A Word document or a spreadsheet named .txt.
        Err("question_file_wrong_type")
    } else {
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| SheetError::Unreadable.code())
    }
}

/// Whether a folded line starts a question ("cau 3", "cau hoi 3").
fn starts_question(folded: &str) -> bool {
    let rest = folded.strip_prefix("cau").map(str::trim_start);
    let rest = rest.map(|r| r.strip_prefix("hoi").map_or(r, str::trim_start));
    rest.is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether a line already carries its option letter ("A.", "b)", "*C/").
fn has_option_letter(line: &str) -> bool {
    let mut chars = line.trim_start_matches('*').trim_start().chars();
    matches!((chars.next(), chars.next()), (Some(l), Some('.' | ')' | '/' | ':')) if ('A'..='F').contains(&l.to_ascii_uppercase()))
}

/// Whether a folded line is labelled ("đáp án: …", "chủ đề: …").
fn labelled(folded: &str) -> bool {
    const LABELS: [&str; 10] = [
        "dap an",
        "dap an dung",
        "answer",
        "giai thich",
        "ly giai",
        "huong dan",
        "chu de",
        "linh vuc",
        "muc do",
        "do kho",
    ];
    folded.split_once([':', '：']).is_some_and(|(head, _)| LABELS.contains(&head.trim()))
}

/// A Word document as the text reader reads it: one line per paragraph (and per line break inside one), and the
/// paragraph each line comes from. Word's automatic list numbering keeps the letters of a question's options
/// out of the text; the numbered paragraphs under a question are lettered A, B, C… in order again here.
fn word_text(paragraphs: &[Paragraph]) -> (String, Vec<usize>) {
    let mut out = String::new();
    let mut origin = Vec::new();
    let mut next_letter: Option<usize> = None;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let line = text::clean(&paragraph.text);
        let folded = text::fold(&line);
        let mut lettered = None;
        if starts_question(&folded) {
            next_letter = Some(0);
        } else if labelled(&folded) {
            if folded.starts_with("chu de") || folded.starts_with("muc do") {
                next_letter = None;
            }
        } else if let Some(letter) = next_letter.filter(|_| paragraph.is_numbered && !has_option_letter(&line)) {
            lettered = Some(format!("{}. {line}", option_letter(letter)));
            next_letter = Some(letter + 1);
        }
        match lettered {
            Some(lettered) => {
                out.push_str(&lettered);
                out.push('\n');
                origin.push(index + 1);
            }
            None => {
                for part in paragraph.text.split('\n') {
                    out.push_str(part);
                    out.push('\n');
                    origin.push(index + 1);
                }
            }
        }
    }
    (out, origin)
}

/// The columns of a question spreadsheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Topic,
    Difficulty,
    Text,
    Option(usize),
    Answer,
    Explanation,
}

/// The headers of the export, which the import reads back.
const HEADERS: [&str; 11] = ["Chủ đề", "Mức độ", "Câu hỏi", "A", "B", "C", "D", "E", "F", "Đáp án", "Giải thích"];

/// Recognises a header without case, diacritics or punctuation: "Câu hỏi", "CAU HOI", "Đáp án (*)", "Phương án A".
fn column_of(header: &str) -> Option<Column> {
    let folded: String = text::fold(header).chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
    let words: Vec<&str> = folded.split_whitespace().collect();
    let letter = |word: &str| {
        let mut chars = word.chars();
        match (chars.next(), chars.next()) {
            (Some(c @ 'a'..='f'), None) => Some(usize::from(c as u8 - b'a')),
            _ => None,
        }
    };
    match words.as_slice() {
        ["chu", "de"] | ["topic"] | ["linh", "vuc"] => Some(Column::Topic),
        ["muc", "do"] | ["do", "kho"] | ["difficulty"] => Some(Column::Difficulty),
        ["cau", "hoi"] | ["noi", "dung"] | ["noi", "dung", "cau", "hoi"] | ["question"] => Some(Column::Text),
        ["dap", "an"] | ["dap", "an", "dung"] | ["answer"] => Some(Column::Answer),
        ["giai", "thich"] | ["explanation"] => Some(Column::Explanation),
        [one] => letter(one).map(Column::Option),
        ["phuong", "an", one] | ["lua", "chon", one] | ["option", one] => letter(one).map(Column::Option),
        _ => None,
    }
}

/// Reads one question per row under the header row (the first of the top ten rows with a "Câu hỏi" and an
/// "Đáp án" column). Blank rows are skipped; each other row gets its verdict.
fn read_sheet(table: &[Vec<String>]) -> Read {
    let columns = |row: &Vec<String>| row.iter().map(|cell| column_of(cell)).collect::<Vec<_>>();
    let header = table.iter().take(10).position(|row| {
        let found = columns(row);
        found.contains(&Some(Column::Text)) && found.contains(&Some(Column::Answer))
    });
    let Some(header) = header else {
        return Read {
            questions: Vec::new(),
            n_read: 0,
            problems: vec![BankProblem { number: None, at: 1, code: "question_sheet_no_header" }],
        };
    };
    let mapping = columns(&table[header]);
    let mut read = Read { questions: Vec::new(), n_read: 0, problems: Vec::new() };
    for (index, row) in table.iter().enumerate().skip(header + 1) {
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        read.n_read += 1;
        let number = u32::try_from(read.n_read).unwrap_or(u32::MAX);
        match read_row(row, &mapping) {
            Ok(question) => read.questions.push(question),
            Err(code) => read.problems.push(BankProblem { number: Some(number), at: index + 1, code }),
        }
    }
    if read.n_read == 0 {
        read.problems.push(BankProblem { number: None, at: header + 1, code: "question_file_empty" });
    }
    read
}

fn read_row(row: &[String], mapping: &[Option<Column>]) -> Result<Question, &'static str> {
    let mut new = NewQuestion::default();
    let mut options: [Option<&str>; MAX_OPTIONS] = [None; MAX_OPTIONS];
    let mut answer = "";
    for (cell, column) in row.iter().zip(mapping) {
        match column {
            Some(Column::Topic) => new.topic = cell.clone(),
            Some(Column::Difficulty) if !cell.trim().is_empty() => {
                new.difficulty = Difficulty::parse(cell).ok_or("question_file_unknown_difficulty")?;
            }
            Some(Column::Text) => new.text = cell.clone(),
            Some(Column::Option(index)) if !cell.trim().is_empty() => options[*index] = Some(cell),
            Some(Column::Answer) => answer = cell,
            Some(Column::Explanation) => new.explanation = cell.clone(),
            _ => {}
        }
    }
    let last = options.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    // A gap (A, B, then D) would shift every letter after it: refused rather than guessed.
    new.options = options[..last]
        .iter()
        .map(|o| o.map(str::to_owned))
        .collect::<Option<Vec<_>>>()
        .ok_or(QuestionError::EmptyOption.code())?;
    new.correct = answer_letters(answer).map_err(QuestionError::code)?;
    Question::new(new).map_err(QuestionError::code)
}

/// The commune's bank, as its page shows it.
#[derive(Clone, Debug)]
pub struct BankView {
    /// The questions shown (of the chosen topic, or all), oldest first.
    pub questions: Vec<(QuestionId, Question)>,
    /// Every topic of the bank with its number of questions, in alphabetical order of the folded name.
    pub topics: Vec<(String, usize)>,
    /// Questions in the bank.
    pub n_questions: usize,
}

/// Topics with their number of questions, ordered by their folded name.
fn topic_counts<'a>(topics: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for topic in topics {
        counts.entry(text::fold(topic)).or_insert_with(|| (topic.to_owned(), 0)).1 += 1;
    }
    counts.into_values().collect()
}

/// The commune's bank, narrowed to one topic when `topic` is given.
pub async fn bank_view(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    topic: Option<&str>,
) -> Result<BankView, AppError> {
    let bank = super::question_bank(ctx, actor, commune_id).await?;
    let topics = topic_counts(bank.iter().map(|(_, q)| q.topic.as_str()));
    let n_questions = bank.len();
    let questions = match topic {
        Some(topic) => bank.into_iter().filter(|(_, q)| q.topic == topic).collect(),
        None => bank,
    };
    Ok(BankView { questions, topics, n_questions })
}

/// Takes a question out of the bank; contests that already use it keep it.
pub async fn retire_question(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    question_id: QuestionId,
) -> Result<(), AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.write().await?;
    if !tx.retire_question(commune_id, question_id, ctx.now()).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// The words of a difficulty in files.
fn difficulty_word(difficulty: Difficulty) -> &'static str {
    match difficulty {
        Difficulty::Easy => "Dễ",
        Difficulty::Medium => "Trung bình",
        Difficulty::Hard => "Khó",
    }
}

/// Records a download of the bank in the audit log.
async fn audit_export(ctx: &Ctx, actor: &Actor, commune_id: CommuneId, detail: &str) -> Result<(), AppError> {
    let mut tx = ctx.store.write().await?;
    tx.append_audit(
        &NewAuditEvent::new(
            Some(actor.user_id),
            Some(commune_id),
            AuditAction::Export,
            AuditSubject::QuestionBank,
            None,
        )
        .with_detail(detail.to_owned()),
        ctx.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The bank as an `.xlsx` file with the import's columns (so it can be edited and imported elsewhere); texts that
/// a spreadsheet would read as a formula are written as plain text. Audited.
pub async fn export_bank_xlsx(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<Download, AppError> {
    let bank = super::question_bank(ctx, actor, commune_id).await?;
    let today = format_date_vn(vietnam_date(ctx.now()));
    let rows = bank
        .iter()
        .map(|(_, q)| {
            let mut cells = vec![
                Cell::from(q.topic.as_str()),
                Cell::from(difficulty_word(q.difficulty)),
                Cell::from(q.text.as_str()),
            ];
            cells.extend((0..MAX_OPTIONS).map(|i| q.options.get(i).map_or(Cell::Empty, |o| Cell::from(o.as_str()))));
            let letters: Vec<String> = q.correct.iter().map(|&i| option_letter(i).to_string()).collect();
            cells.push(Cell::from(letters.join(", ")));
            cells.push(Cell::from(q.explanation.as_str()));
            cells
        })
        .collect();
    let sheet = Sheet {
        name: "Ngân hàng câu hỏi".into(),
        title: format!("Ngân hàng câu hỏi – {today}"),
        headers: HEADERS.map(str::to_owned).to_vec(),
        rows,
    };
    let bytes = tokio::task::spawn_blocking(move || write_xlsx(&[sheet]))
        .await
        .context("spreadsheet task")?
        .context("question bank spreadsheet")?;
    audit_export(ctx, actor, commune_id, "question bank xlsx").await?;
    Ok(Download { file_name: format!("ngan-hang-cau-hoi-{commune_id}.xlsx"), bytes })
}

/// The bank in the organisers' plain-text form (UTF-8), as the text import reads it. Audited.
pub async fn export_bank_text(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<Download, AppError> {
    let bank = super::question_bank(ctx, actor, commune_id).await?;
    let questions: Vec<Question> = bank.into_iter().map(|(_, q)| q).collect();
    let bytes = write_question_text(&questions).into_bytes();
    audit_export(ctx, actor, commune_id, "question bank text").await?;
    Ok(Download { file_name: format!("ngan-hang-cau-hoi-{commune_id}.txt"), bytes })
}

/// A contest's set-up form as typed: every field a string, as the page sends it.
#[derive(Clone, Debug, Default)]
pub struct ContestForm {
    /// Title.
    pub title: String,
    /// Rules (paragraphs).
    pub rules: String,
    /// Organiser.
    pub organiser: String,
    /// Opening time, `YYYY-MM-DDTHH:MM` in Vietnam's time (an HTML `datetime-local`).
    pub opens_at: String,
    /// Closing time, likewise.
    pub closes_at: String,
    /// Time limit per attempt, in minutes.
    pub time_limit_minutes: String,
    /// Attempts per participant.
    pub attempts_allowed: String,
    /// Which attempt counts: `best`, `first` or `last`.
    pub counting: String,
    /// Questions per attempt.
    pub total: String,
    /// Per topic of the bank, how many questions of it (blank or 0: no quota).
    pub quotas: Vec<(String, String)>,
    /// Whether each attempt shows a question's options in its own order.
    pub shuffle_options: bool,
    /// The prediction question (blank: none).
    pub prediction_question: String,
    /// When results are shown: `after_attempt` or `after_close`.
    pub results: String,
    /// The ranking keys in order (blank entries skipped).
    pub ranking: Vec<String>,
    /// The CCCD rule: `not_asked`, `optional` or `required`.
    pub cccd: String,
    /// The units, one per line.
    pub units: String,
}

/// What the set-up form offers: the bank's topics and the commune's hamlets as the first units.
#[derive(Clone, Debug)]
pub struct SetUpChoices {
    /// Topics of the bank with their number of questions.
    pub topics: Vec<(String, usize)>,
    /// Questions in the bank.
    pub n_questions: usize,
    /// The commune's hamlets' names.
    pub hamlets: Vec<String>,
    /// The time now, from which the form's first opening time is counted.
    pub now: OffsetDateTime,
}

/// The choices of the set-up form.
pub async fn set_up_choices(ctx: &Ctx, actor: &Actor, commune_id: CommuneId) -> Result<SetUpChoices, AppError> {
    manage(actor, commune_id)?;
    let mut tx = ctx.store.read().await?;
    let bank = tx.list_questions(commune_id).await?;
    let hamlets = tx.list_hamlets(commune_id).await?.into_iter().map(|h| h.name).collect();
    Ok(SetUpChoices {
        topics: topic_counts(bank.iter().map(|(_, q)| q.topic.as_str())),
        n_questions: bank.len(),
        hamlets,
        now: ctx.now(),
    })
}

/// The form field a refused setting belongs to.
pub(super) fn contest_error_field(err: &ContestError) -> &'static str {
    match err {
        ContestError::Title => "title",
        ContestError::Rules => "rules",
        ContestError::ClosesBeforeOpens => "closes_at",
        ContestError::TimeLimit => "time_limit_minutes",
        ContestError::Attempts => "attempts_allowed",
        ContestError::Units => "units",
        ContestError::Ranking => "ranking",
        ContestError::Draw(DrawError::TopicTooSmall { .. }) => "quotas",
        ContestError::Draw(_) => "total",
    }
}

/// Reads a `datetime-local` value in Vietnam's time (UTC+7, no daylight saving) as an instant.
fn vietnam_datetime(value: &str) -> Option<OffsetDateTime> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let value = value.trim();
    // Browsers add seconds when a step below one minute is set.
    let value = value.get(..16).unwrap_or(value);
    PrimitiveDateTime::parse(value, format).ok().map(|at| at.assume_offset(VIETNAM_OFFSET))
}

/// `value`, or a refusal of `field` when there is none.
fn or_refuse<T>(
    value: Option<T>,
    rejections: &mut Vec<Rejection>,
    field: &'static str,
    code: &'static str,
) -> Option<T> {
    if value.is_none() {
        rejections.push(Rejection { field, code });
    }
    value
}

/// The settings a form gives, or every field's refusal.
fn settings_of(form: &ContestForm) -> Result<ContestSettings, AppError> {
    let mut rejections = Vec::new();
    let number = |value: &str| text::clean(value).parse::<u32>().ok();
    let opens_at = or_refuse(vietnam_datetime(&form.opens_at), &mut rejections, "opens_at", "contest_datetime_invalid");
    let closes_at =
        or_refuse(vietnam_datetime(&form.closes_at), &mut rejections, "closes_at", "contest_datetime_invalid");
    let time_limit =
        or_refuse(number(&form.time_limit_minutes), &mut rejections, "time_limit_minutes", "contest_time_limit");
    let attempts_allowed =
        or_refuse(number(&form.attempts_allowed), &mut rejections, "attempts_allowed", "contest_attempts");
    let counting = AttemptCounting::parse(&form.counting);
    let results = ResultsShown::parse(&form.results);
    let cccd = CccdRule::parse(&form.cccd);
    if counting.is_none() || results.is_none() || cccd.is_none() {
        rejections.push(Rejection { field: "choice", code: "contest_choice_invalid" });
    }
    let total = or_refuse(number(&form.total), &mut rejections, "total", "contest_number_invalid");
    let mut quotas = Vec::new();
    for (topic, count) in &form.quotas {
        match (text::clean(count).as_str(), number(count)) {
            ("", _) | (_, Some(0)) => {}
            (_, Some(count)) => quotas.push(TopicQuota { topic: text::clean(topic), count: count as usize }),
            (_, None) => rejections.push(Rejection { field: "quotas", code: "contest_number_invalid" }),
        }
    }
    let mut ranking = Vec::new();
    for key in form.ranking.iter().filter(|k| !k.trim().is_empty()) {
        match RankKey::parse(key.trim()) {
            Some(key) => ranking.push(key),
            None => rejections.push(Rejection { field: "ranking", code: "contest_ranking" }),
        }
    }
    let (Some(opens_at), Some(closes_at), Some(time_limit), Some(attempts_allowed)) =
        (opens_at, closes_at, time_limit, attempts_allowed)
    else {
        return Err(AppError::Invalid(rejections));
    };
    let (Some(counting), Some(results), Some(cccd), Some(total), true) =
        (counting, results, cccd, total, rejections.is_empty())
    else {
        return Err(AppError::Invalid(rejections));
    };
    Ok(ContestSettings {
        title: form.title.clone(),
        rules: form.rules.clone(),
        organiser: form.organiser.clone(),
        opens_at,
        closes_at,
        time_limit: Duration::minutes(i64::from(time_limit)),
        attempts_allowed,
        counting,
        plan: DrawPlan { total: total as usize, quotas },
        shuffle_options: form.shuffle_options,
        prediction_question: Some(form.prediction_question.clone()),
        results,
        ranking,
        cccd,
        units: form.units.lines().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned).collect(),
    })
}

/// Sets a contest up from its form, drawing from the commune's whole current bank. Each refusal names its field.
pub async fn set_up_contest(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
    form: &ContestForm,
) -> Result<ContestId, AppError> {
    manage(actor, commune_id)?;
    let settings = settings_of(form)?;
    create_contest(ctx, actor, commune_id, settings).await
}

/// One contest of the commune's list.
#[derive(Clone, Debug)]
pub struct ContestSummary {
    /// The contest.
    pub contest: Contest,
    /// Where it stands now.
    pub status: ContestStatus,
    /// Registered participants.
    pub n_entrants: i64,
}

/// The commune's contests, latest opening first, with their status and registrations.
pub async fn commune_contests(
    ctx: &Ctx,
    actor: &Actor,
    commune_id: CommuneId,
) -> Result<Vec<ContestSummary>, AppError> {
    manage(actor, commune_id)?;
    let now = ctx.now();
    let mut tx = ctx.store.read().await?;
    let contests = tx.list_contests(commune_id).await?;
    let counts: BTreeMap<ContestId, i64> = tx.entrant_counts(commune_id).await?.into_iter().collect();
    Ok(contests
        .into_iter()
        .map(|contest| ContestSummary {
            status: ContestStatus::at(&contest.settings, now),
            n_entrants: counts.get(&contest.id).copied().unwrap_or(0),
            contest,
        })
        .collect())
}

/// What the organiser sees of one contest.
#[derive(Clone, Debug)]
pub struct ContestOverview {
    /// The contest.
    pub contest: Contest,
    /// Where it stands now.
    pub status: ContestStatus,
    /// Questions it draws from.
    pub n_questions: usize,
    /// Registrations and attempts.
    pub figures: ContestFigures,
    /// Submitted attempts no person could have made so fast (at most [`MAX_FLAGGED_SHOWN`]), for a human to look at.
    pub flagged: Vec<AttemptTiming>,
}

/// The overview of one of the commune's contests. Another commune's contest is not found.
pub async fn contest_overview(ctx: &Ctx, actor: &Actor, contest_id: ContestId) -> Result<ContestOverview, AppError> {
    let mut tx = ctx.store.read().await?;
    let contest = tx.contest_by_id(contest_id).await?.ok_or(AppError::NotFound)?;
    manage(actor, contest.commune_id)?;
    let n_questions = tx.contest_questions(contest_id).await?.len();
    let mut figures = tx.contest_figures(contest_id).await?;
    // The databases order text each their own way; people read units in the Vietnamese alphabet's order.
    figures.by_unit.sort_by_cached_key(|(unit, _)| text::fold(unit));
    let flagged = tx
        .fast_attempts(contest_id, FASTEST_BELIEVABLE_PER_QUESTION, MAX_FLAGGED_SHOWN)
        .await?
        .into_iter()
        .filter(AttemptTiming::is_implausibly_fast)
        .collect();
    Ok(ContestOverview {
        status: ContestStatus::at(&contest.settings, ctx.now()),
        contest,
        n_questions,
        figures,
        flagged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(text: &str) -> Paragraph {
        Paragraph { text: text.into(), is_numbered: true }
    }

    fn plain(text: &str) -> Paragraph {
        Paragraph { text: text.into(), is_numbered: false }
    }

    #[test]
    fn word_list_numbering_gets_its_letters_back() {
        let paragraphs = [
            plain("Chủ đề: VNeID"),
            plain("Câu 1: VNeID là gì?"),
            numbered("Ứng dụng định danh điện tử"),
            numbered("Trò chơi"),
            plain("Đáp án: A"),
            plain(""),
            plain("Câu 2: Chọn hai"),
            numbered("C. Đã có chữ"),
            numbered("Một"),
            plain("Đáp án: A\nGiải thích: xuống dòng"),
        ];
        let (text, origin) = word_text(&paragraphs);
        assert_eq!(
            text,
            "Chủ đề: VNeID\nCâu 1: VNeID là gì?\nA. Ứng dụng định danh điện tử\nB. Trò chơi\nĐáp án: A\n\n\
             Câu 2: Chọn hai\nC. Đã có chữ\nA. Một\nĐáp án: A\nGiải thích: xuống dòng\n"
        );
        assert_eq!(origin, vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10]);
    }

    #[test]
    fn headers_are_matched_without_case_or_accents() {
        assert_eq!(column_of("CÂU HỎI"), Some(Column::Text));
        assert_eq!(column_of("Dap an (*)"), Some(Column::Answer));
        assert_eq!(column_of("Phương án c"), Some(Column::Option(2)));
        assert_eq!(column_of(" f "), Some(Column::Option(5)));
        assert_eq!(column_of("G"), None);
        assert_eq!(column_of("STT"), None);
    }

    #[test]
    fn text_files_in_utf16_are_read() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Câu 1".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_text(&bytes).as_deref(), Ok("Câu 1"));
        assert_eq!(decode_text(b"\xEF\xBB\xBFC\xC3\xA2u").as_deref(), Ok("Câu"));
        assert_eq!(decode_text(b"\xFFabc"), Err("file_unreadable"));
    }

    #[test]
    fn form_times_are_vietnam_times() {
        let at = vietnam_datetime("2026-12-01T07:30").unwrap_or_else(|| panic!("parses"));
        assert_eq!(at, time::macros::datetime!(2026-12-01 00:30 UTC));
        assert_eq!(vietnam_datetime("01/12/2026 07:30"), None);
    }
}
