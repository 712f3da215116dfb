//! The question bank: one multiple-choice question, its validation, and the plain-text form organisers
//! already write ("Câu 1: … A. … B. … Đáp án: B"), read with a report per question.

use serde::{Deserialize, Serialize};

use crate::text;

/// Fewest options a question may have.
pub const MIN_OPTIONS: usize = 2;
/// Most options a question may have (A to F).
pub const MAX_OPTIONS: usize = 6;
/// Longest question text, in characters.
pub const MAX_QUESTION_CHARS: usize = 1_000;
/// Longest option or topic, in characters.
pub const MAX_OPTION_CHARS: usize = 300;
/// Longest explanation, in characters.
pub const MAX_EXPLANATION_CHARS: usize = 1_000;

/// How hard a question is; contests may draw by it later, and organisers sort their bank by it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Difficulty {
    /// Dễ.
    Easy,
    /// Trung bình (what a question is when the file does not say).
    #[default]
    Medium,
    /// Khó.
    Hard,
}

impl Difficulty {
    /// Every level, easiest first.
    pub const ALL: [Difficulty; 3] = [Difficulty::Easy, Difficulty::Medium, Difficulty::Hard];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        }
    }

    /// Reads a stored name, or the Vietnamese word an organiser writes ("dễ", "trung bình", "khó", with or without accents).
    pub fn parse(name: &str) -> Option<Difficulty> {
        match text::fold(name).as_str() {
            "easy" | "de" => Some(Difficulty::Easy),
            "medium" | "trung binh" | "tb" => Some(Difficulty::Medium),
            "hard" | "kho" => Some(Difficulty::Hard),
            _ => None,
        }
    }
}

/// A question before validation, as a form, a spreadsheet row or the text reader gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewQuestion {
    /// Topic ("chủ đề"); empty means none.
    pub topic: String,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// The question.
    pub text: String,
    /// The options, in the order the organiser wrote them.
    pub options: Vec<String>,
    /// Which options are right, by index from 0.
    pub correct: Vec<usize>,
    /// Why the answer is right, shown after the attempt.
    pub explanation: String,
}

/// A valid question: cleaned text, 2–6 distinct options, at least one right answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Topic, cleaned; empty means none.
    pub topic: String,
    /// How hard it is.
    pub difficulty: Difficulty,
    /// The question.
    pub text: String,
    /// The options.
    pub options: Vec<String>,
    /// The right options, by index, sorted and without repeats.
    pub correct: Vec<usize>,
    /// Why (may be empty).
    pub explanation: String,
}

/// Why a question is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// No question text.
    #[error("the question has no text")]
    NoText,
    /// The question, an option, the topic or the explanation is too long.
    #[error("a text of the question is too long")]
    TooLong,
    /// Fewer than two options.
    #[error("fewer than {MIN_OPTIONS} options")]
    TooFewOptions,
    /// More than six options.
    #[error("more than {MAX_OPTIONS} options")]
    TooManyOptions,
    /// An option is blank.
    #[error("an option is empty")]
    EmptyOption,
    /// Two options read the same.
    #[error("two options are the same")]
    DuplicateOption,
    /// No right answer given.
    #[error("no right answer")]
    NoAnswer,
    /// The right answer names an option that is not there.
    #[error("the answer names a missing option")]
    AnswerNotAnOption,
    /// Every option is marked right, so there is nothing to choose.
    #[error("every option is right")]
    AllAnswersRight,
}

impl QuestionError {
    /// The stable code of this refusal in the API and in import reports.
    pub fn code(self) -> &'static str {
        match self {
            QuestionError::NoText => "question_no_text",
            QuestionError::TooLong => "question_too_long",
            QuestionError::TooFewOptions => "question_too_few_options",
            QuestionError::TooManyOptions => "question_too_many_options",
            QuestionError::EmptyOption => "question_empty_option",
            QuestionError::DuplicateOption => "question_duplicate_option",
            QuestionError::NoAnswer => "question_no_answer",
            QuestionError::AnswerNotAnOption => "question_answer_not_an_option",
            QuestionError::AllAnswersRight => "question_all_answers_right",
        }
    }
}

fn bounded(value: &str, max: usize, multiline: bool) -> Result<String, QuestionError> {
    let cleaned = if multiline { text::clean_multiline(value) } else { text::clean(value) };
    if cleaned.chars().count() > max {
        return Err(QuestionError::TooLong);
    }
    Ok(cleaned)
}

impl Question {
    /// Validates a question: every text cleaned (NFC, no invisible characters), 2–6 options that differ
    /// (compared without case and accents, since "Đúng" and "đúng" would confuse a reader), and 1 to n−1 right answers.
    pub fn new(new: NewQuestion) -> Result<Question, QuestionError> {
        let text_value = bounded(&new.text, MAX_QUESTION_CHARS, true)?;
        if text_value.is_empty() {
            return Err(QuestionError::NoText);
        }
        let topic = bounded(&new.topic, MAX_OPTION_CHARS, false)?;
        let explanation = bounded(&new.explanation, MAX_EXPLANATION_CHARS, true)?;
        if new.options.len() < MIN_OPTIONS {
            return Err(QuestionError::TooFewOptions);
        }
        if new.options.len() > MAX_OPTIONS {
            return Err(QuestionError::TooManyOptions);
        }
        let mut options = Vec::with_capacity(new.options.len());
        let mut folded: Vec<String> = Vec::with_capacity(new.options.len());
        for option in &new.options {
            let cleaned = bounded(option, MAX_OPTION_CHARS, false)?;
            if cleaned.is_empty() {
                return Err(QuestionError::EmptyOption);
            }
            let key = text::fold(&cleaned);
            if folded.contains(&key) {
                return Err(QuestionError::DuplicateOption);
            }
            folded.push(key);
            options.push(cleaned);
        }
        let mut correct = new.correct;
        correct.sort_unstable();
        correct.dedup();
        if correct.is_empty() {
            return Err(QuestionError::NoAnswer);
        }
        if correct.iter().any(|&index| index >= options.len()) {
            return Err(QuestionError::AnswerNotAnOption);
        }
        if correct.len() == options.len() {
            return Err(QuestionError::AllAnswersRight);
        }
        Ok(Question { topic, difficulty: new.difficulty, text: text_value, options, correct, explanation })
    }

    /// Whether a person's choice is right: exactly the set of right options, no more, no fewer.
    pub fn is_right(&self, chosen: &[usize]) -> bool {
        let mut chosen = chosen.to_vec();
        chosen.sort_unstable();
        chosen.dedup();
        chosen == self.correct
    }
}

/// The letter of an option: A for 0, B for 1…
pub fn option_letter(index: usize) -> char {
    char::from(b'A' + u8::try_from(index.min(25)).unwrap_or(25))
}

/// What the text reader made of one "Câu N" block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadQuestion {
    /// The number the organiser gave it ("Câu 12" → 12).
    pub number: u32,
    /// The line of the file where it starts, from 1.
    pub line: usize,
    /// The question, or why it is refused.
    pub result: Result<Question, QuestionError>,
}

/// Something in a question file that is no question at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextProblem {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub kind: TextProblemKind,
}

/// What is wrong with a line outside any question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextProblemKind {
    /// Text before the first "Câu 1:" that is neither a topic nor a difficulty line.
    OutsideQuestion,
    /// The "Mức độ:" line names no known level.
    UnknownDifficulty,
    /// Two questions carry the same number.
    DuplicateNumber,
    /// The file holds no question at all.
    NoQuestion,
}

impl TextProblemKind {
    /// The stable code of this problem in the API and in import reports.
    pub fn code(self) -> &'static str {
        match self {
            TextProblemKind::OutsideQuestion => "question_file_text_outside_question",
            TextProblemKind::UnknownDifficulty => "question_file_unknown_difficulty",
            TextProblemKind::DuplicateNumber => "question_file_duplicate_number",
            TextProblemKind::NoQuestion => "question_file_empty",
        }
    }
}

/// Everything read from a question file: each question with its own verdict, and the problems between them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadBank {
    /// The questions in file order.
    pub questions: Vec<ReadQuestion>,
    /// Lines that belong to no question, and file-wide problems.
    pub problems: Vec<TextProblem>,
}

impl ReadBank {
    /// Whether every question is valid and nothing else is wrong: an import takes the file only then.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.questions.iter().all(|q| q.result.is_ok())
    }
}

/// One recognised line of a question file.
#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    Question(u32, &'a str),
    Option(usize, bool, &'a str),
    Answer(&'a str),
    Explanation(&'a str),
    Topic(&'a str),
    Difficulty(&'a str),
    Blank,
    Text(&'a str),
}

/// Splits "Label: rest" when the folded label is one of `labels`; the colon may be full-width or missing
/// only when a space follows the label.
fn labelled<'a>(line: &'a str, labels: &[&str]) -> Option<&'a str> {
    let (head, rest) = line.split_once([':', '：'])?;
    let head = text::fold(head);
    labels.contains(&head.as_str()).then_some(rest.trim())
}

/// Recognises a line. Hand-written rather than a regex: six shapes, and the labels are compared after folding
/// so "Câu", "CÂU", "Cau" and "Đáp án", "Dap an" all work — what organisers type on any keyboard.
fn classify(line: &str) -> Line<'_> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return Line::Blank;
    }
    if let Some(rest) = question_start(trimmed) {
        return rest;
    }
    if let Some(rest) = labelled(trimmed, &["dap an", "dap an dung", "answer"]) {
        return Line::Answer(rest);
    }
    if let Some(rest) = labelled(trimmed, &["giai thich", "ly giai", "huong dan", "explanation"]) {
        return Line::Explanation(rest);
    }
    if let Some(rest) = labelled(trimmed, &["chu de", "topic", "linh vuc"]) {
        return Line::Topic(rest);
    }
    if let Some(rest) = labelled(trimmed, &["muc do", "do kho", "difficulty"]) {
        return Line::Difficulty(rest);
    }
    if let Some(option) = option_start(trimmed) {
        return option;
    }
    Line::Text(trimmed)
}

/// "Câu 12: text", "Câu 12. text", "Câu 12 - text", "Câu 12 (text)".
fn question_start(line: &str) -> Option<Line<'_>> {
    let mut chars = line.char_indices();
    let word: String = chars.by_ref().take(3).map(|(_, c)| c).collect();
    if text::fold(&word) != "cau" {
        return None;
    }
    let after_word = line.char_indices().nth(3).map_or(line.len(), |(i, _)| i);
    let mut rest = line[after_word..].trim_start();
    // "Câu hỏi 3:" is as common as "Câu 3:".
    if let Some((word, after)) = rest.split_once(char::is_whitespace)
        && text::fold(word) == "hoi"
    {
        rest = after.trim_start();
    }
    let digits_end = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    if digits_end == 0 {
        return None;
    }
    let number: u32 = rest[..digits_end].parse().ok()?;
    let rest = rest[digits_end..].trim_start();
    let rest = rest.strip_prefix([':', '.', ')', '-', '：', '–']).unwrap_or(rest);
    Some(Line::Question(number, rest.trim()))
}

/// "A. text", "a) text", "B/ text", "*C. text" (a star marks a right answer, as some organisers do).
fn option_start(line: &str) -> Option<Line<'_>> {
    let (marked, line) = match line.strip_prefix('*') {
        Some(rest) => (true, rest.trim_start()),
        None => (false, line),
    };
    let mut chars = line.chars();
    let letter = chars.next()?.to_ascii_uppercase();
    let separator = chars.next()?;
    if !('A'..='F').contains(&letter) || !matches!(separator, '.' | ')' | '/' | ':') {
        return None;
    }
    let index = usize::from(letter as u8 - b'A');
    let rest = line[2..].trim();
    Some(Line::Option(index, marked, rest))
}

/// Reads the letters of an answer line or cell: "B", "A, C", "A và C", "b; d" (as option indexes).
pub fn answer_letters(rest: &str) -> Result<Vec<usize>, QuestionError> {
    let mut letters = Vec::new();
    for word in rest.split(|c: char| c == ',' || c == ';' || c == '/' || c.is_whitespace()) {
        let word = word.trim_matches(|c: char| c == '.' || c == ')');
        if word.is_empty() || text::fold(word) == "va" {
            continue;
        }
        let mut chars = word.chars();
        match (chars.next(), chars.next()) {
            (Some(letter), None) if letter.is_ascii_alphabetic() => {
                let upper = letter.to_ascii_uppercase();
                if upper > 'F' {
                    return Err(QuestionError::AnswerNotAnOption);
                }
                letters.push(usize::from(upper as u8 - b'A'));
            }
            // The organiser wrote the answer's words rather than its letter: we cannot tell which option is meant.
            _ => return Err(QuestionError::AnswerNotAnOption),
        }
    }
    Ok(letters)
}

#[derive(Default)]
struct Block {
    number: u32,
    line: usize,
    text: String,
    options: Vec<(usize, String)>,
    starred: Vec<usize>,
    answer: Option<Result<Vec<usize>, QuestionError>>,
    explanation: String,
    topic: String,
    difficulty: Difficulty,
    last: Part,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Part {
    #[default]
    Text,
    Option,
    Explanation,
}

fn push_line(target: &mut String, line: &str) {
    if !target.is_empty() {
        target.push('\n');
    }
    target.push_str(line);
}

impl Block {
    fn finish(self) -> ReadQuestion {
        let result = self.validate();
        ReadQuestion { number: self.number, line: self.line, result }
    }

    fn validate(&self) -> Result<Question, QuestionError> {
        // Options must come in order A, B, C…: a skipped or repeated letter means the file is not what it seems.
        for (position, (index, _)) in self.options.iter().enumerate() {
            if *index != position {
                return Err(if self.options.len() > MAX_OPTIONS {
                    QuestionError::TooManyOptions
                } else {
                    QuestionError::AnswerNotAnOption
                });
            }
        }
        let correct = match &self.answer {
            Some(Ok(letters)) if !self.starred.is_empty() && !same_set(letters, &self.starred) => {
                return Err(QuestionError::AnswerNotAnOption);
            }
            Some(Ok(letters)) => letters.clone(),
            Some(Err(error)) => return Err(*error),
            None => self.starred.clone(),
        };
        Question::new(NewQuestion {
            topic: self.topic.clone(),
            difficulty: self.difficulty,
            text: self.text.clone(),
            options: self.options.iter().map(|(_, text)| text.clone()).collect(),
            correct,
            explanation: self.explanation.clone(),
        })
    }
}

fn same_set(a: &[usize], b: &[usize]) -> bool {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_unstable();
    a.dedup();
    b.sort_unstable();
    b.dedup();
    a == b
}

/// Reads the plain-text form of a question bank, as organisers write it in Word or a text file:
///
/// ```text
/// Chủ đề: An toàn trên mạng
/// Câu 1: Khi có người gọi điện xin mã OTP, bạn nên làm gì?
/// A. Đọc mã cho họ
/// B. Không đọc mã, cúp máy
/// Đáp án: B
/// Giải thích: Mã OTP chỉ dành cho chính bạn.
/// ```
///
/// "Chủ đề:" and "Mức độ:" lines apply to the questions after them. A right answer is given by an
/// "Đáp án:" line (one or several letters) or by a star before the option. Every question gets its own
/// verdict, so the organiser sees all the problems of a file at once.
pub fn read_question_text(input: &str) -> ReadBank {
    let mut bank = ReadBank::default();
    let mut topic = String::new();
    let mut difficulty = Difficulty::default();
    let mut current: Option<Block> = None;
    for (index, raw) in input.lines().enumerate() {
        let line_number = index + 1;
        let cleaned = text::clean(raw);
        match classify(&cleaned) {
            Line::Blank => {}
            Line::Topic(value) => {
                if let Some(block) = current.take() {
                    bank.questions.push(block.finish());
                }
                topic = value.to_owned();
            }
            Line::Difficulty(value) => {
                if let Some(block) = current.take() {
                    bank.questions.push(block.finish());
                }
                match Difficulty::parse(value) {
                    Some(level) => difficulty = level,
                    None => {
                        bank.problems.push(TextProblem { line: line_number, kind: TextProblemKind::UnknownDifficulty })
                    }
                }
            }
            Line::Question(number, rest) => {
                if let Some(block) = current.take() {
                    bank.questions.push(block.finish());
                }
                if bank.questions.iter().any(|q| q.number == number) {
                    bank.problems.push(TextProblem { line: line_number, kind: TextProblemKind::DuplicateNumber });
                }
                current = Some(Block {
                    number,
                    line: line_number,
                    text: rest.to_owned(),
                    topic: topic.clone(),
                    difficulty,
                    ..Block::default()
                });
            }
            other => match current.as_mut() {
                None => bank.problems.push(TextProblem { line: line_number, kind: TextProblemKind::OutsideQuestion }),
                Some(block) => match other {
                    Line::Option(index, starred, rest) => {
                        block.options.push((index, rest.to_owned()));
                        if starred {
                            block.starred.push(index);
                        }
                        block.last = Part::Option;
                    }
                    Line::Answer(rest) => {
                        block.answer = Some(answer_letters(rest));
                    }
                    Line::Explanation(rest) => {
                        block.explanation = rest.to_owned();
                        block.last = Part::Explanation;
                    }
                    Line::Text(rest) => match block.last {
                        Part::Text => push_line(&mut block.text, rest),
                        Part::Explanation => push_line(&mut block.explanation, rest),
                        Part::Option => {
                            if let Some((_, option)) = block.options.last_mut() {
                                option.push(' ');
                                option.push_str(rest);
                            }
                        }
                    },
                    _ => {}
                },
            },
        }
    }
    if let Some(block) = current.take() {
        bank.questions.push(block.finish());
    }
    if bank.questions.is_empty() {
        bank.problems.push(TextProblem { line: 1, kind: TextProblemKind::NoQuestion });
    }
    bank
}

/// Writes questions in the form [`read_question_text`] reads, so a bank can go out to Word and come back.
pub fn write_question_text(questions: &[Question]) -> String {
    let mut out = String::new();
    let mut topic = "";
    let mut difficulty = Difficulty::default();
    for (number, question) in questions.iter().enumerate() {
        if question.topic != topic {
            topic = &question.topic;
            out.push_str(&format!("Chủ đề: {topic}\n"));
        }
        if question.difficulty != difficulty {
            difficulty = question.difficulty;
            let word = match difficulty {
                Difficulty::Easy => "dễ",
                Difficulty::Medium => "trung bình",
                Difficulty::Hard => "khó",
            };
            out.push_str(&format!("Mức độ: {word}\n"));
        }
        out.push_str(&format!("Câu {}: {}\n", number + 1, question.text));
        for (index, option) in question.options.iter().enumerate() {
            out.push_str(&format!("{}. {option}\n", option_letter(index)));
        }
        let letters: Vec<String> = question.correct.iter().map(|&i| option_letter(i).to_string()).collect();
        out.push_str(&format!("Đáp án: {}\n", letters.join(", ")));
        if !question.explanation.is_empty() {
            out.push_str(&format!("Giải thích: {}\n", question.explanation));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "Chủ đề: An toàn trên mạng\n\
        Câu 1: Khi có người gọi điện xin mã OTP, bạn nên làm gì?\n\
        A. Đọc mã cho họ\n\
        B. Không đọc mã, cúp máy\n\
        C. Gửi mã qua Zalo\n\
        Đáp án: B\n\
        Giải thích: Mã OTP chỉ dành cho chính bạn.\n\
        \n\
        Mức độ: khó\n\
        CÂU 2. Những việc nào giúp giữ an toàn tài khoản\n\
        ngân hàng trên điện thoại?\n\
        a) Đặt mật khẩu dễ nhớ như 123456\n\
        b) Không bấm vào đường link lạ\n\
        c) Bật xác thực bằng vân tay\n\
        dap an: b, c\n";

    #[test]
    fn reads_the_form_organisers_write() {
        let bank = read_question_text(SAMPLE);
        assert!(bank.is_clean(), "{bank:?}");
        assert_eq!(bank.questions.len(), 2);
        let first = bank.questions[0].result.as_ref().map_err(|e| e.code()).cloned();
        let first = first.unwrap_or_else(|code| panic!("question 1 refused: {code}"));
        assert_eq!(first.topic, "An toàn trên mạng");
        assert_eq!(first.options.len(), 3);
        assert_eq!(first.correct, vec![1]);
        assert_eq!(first.explanation, "Mã OTP chỉ dành cho chính bạn.");
        assert_eq!(first.difficulty, Difficulty::Medium);
        let second = bank.questions[1].result.clone().unwrap_or_else(|e| panic!("question 2 refused: {e}"));
        assert_eq!(bank.questions[1].line, 10);
        assert_eq!(second.text, "Những việc nào giúp giữ an toàn tài khoản\nngân hàng trên điện thoại?");
        assert_eq!(second.correct, vec![1, 2]);
        assert_eq!(second.difficulty, Difficulty::Hard);
        assert!(second.is_right(&[2, 1]));
        assert!(!second.is_right(&[1]));
        assert!(!second.is_right(&[0, 1, 2]));
    }

    #[test]
    fn what_it_writes_it_reads_back() {
        let bank = read_question_text(SAMPLE);
        let questions: Vec<Question> = bank.questions.into_iter().filter_map(|q| q.result.ok()).collect();
        let again = read_question_text(&write_question_text(&questions));
        let again: Vec<Question> = again.questions.into_iter().filter_map(|q| q.result.ok()).collect();
        assert_eq!(again, questions);
    }

    #[test]
    fn a_star_marks_the_right_option() {
        let bank = read_question_text("Câu hỏi 3: Mã QR dùng để làm gì?\n*A. Mở nhanh trang web\nB. Gọi điện\n");
        assert_eq!(bank.questions[0].number, 3);
        let question = bank.questions[0].result.clone().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(question.text, "Mã QR dùng để làm gì?");
        assert_eq!(question.correct, vec![0]);
    }

    #[test]
    fn each_bad_question_gets_its_own_verdict() {
        let text = "Ghi chú của ban tổ chức\n\
            Câu 1: Không có đáp án?\nA. Có\nB. Không\n\
            Câu 2: Đáp án ngoài danh sách\nA. Một\nB. Hai\nĐáp án: E\n\
            Câu 3: Chỉ một lựa chọn\nA. Duy nhất\nĐáp án: A\n\
            Câu 4: Lựa chọn trùng\nA. Đúng\nB. đúng\nĐáp án: A\n\
            Câu 5: Đáp án bằng chữ\nA. Một\nB. Hai\nĐáp án: Hai\n\
            Câu 6: Tốt\nA. Một\nB. Hai\nĐáp án: A\n\
            Câu 6: Số trùng\nA. Một\nB. Hai\nĐáp án: B\n\
            Mức độ: rất khó\n";
        let bank = read_question_text(text);
        let verdicts: Vec<Result<(), &str>> =
            bank.questions.iter().map(|q| q.result.as_ref().map(|_| ()).map_err(|e| e.code())).collect();
        assert_eq!(
            verdicts,
            vec![
                Err("question_no_answer"),
                Err("question_answer_not_an_option"),
                Err("question_too_few_options"),
                Err("question_duplicate_option"),
                Err("question_answer_not_an_option"),
                Ok(()),
                Ok(()),
            ]
        );
        let problems: Vec<(usize, &str)> = bank.problems.iter().map(|p| (p.line, p.kind.code())).collect();
        assert_eq!(
            problems,
            vec![
                (1, "question_file_text_outside_question"),
                (24, "question_file_duplicate_number"),
                (28, "question_file_unknown_difficulty")
            ]
        );
        assert!(!bank.is_clean());
    }

    #[test]
    fn an_empty_file_says_so() {
        let bank = read_question_text("\n\n");
        assert_eq!(bank.problems, vec![TextProblem { line: 1, kind: TextProblemKind::NoQuestion }]);
    }

    #[test]
    fn options_out_of_order_are_refused() {
        let bank = read_question_text("Câu 1: Hỏi\nA. Một\nC. Ba\nĐáp án: A\n");
        assert_eq!(bank.questions[0].result, Err(QuestionError::AnswerNotAnOption));
    }

    #[test]
    fn every_option_right_is_refused() {
        let new = NewQuestion {
            text: "Hỏi".into(),
            options: vec!["Một".into(), "Hai".into()],
            correct: vec![0, 1],
            ..NewQuestion::default()
        };
        assert_eq!(Question::new(new), Err(QuestionError::AllAnswersRight));
    }

    #[test]
    fn text_is_normalised() {
        // "Đúng" typed in decomposed form (NFD) with a zero-width space.
        let new = NewQuestion {
            text: "Hoi\u{200b} gi\u{0300}?".into(),
            options: vec!["Mo\u{0323}t".into(), "Hai".into()],
            correct: vec![0],
            ..NewQuestion::default()
        };
        let question = Question::new(new).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(question.text, "Hoi gì?");
        assert_eq!(question.options[0], "Mọt");
    }
}

// contests: a picture per question

/// Longest description of a question's picture (its `alt` text), in characters.
pub const MAX_PICTURE_ALT_CHARS: usize = 200;

/// A question's picture: the SHA-256 of its stored bytes (cleaned SVG or re-encoded photo), their type, and the
/// short description staff typed (empty: the page says "Hình minh hoạ câu hỏi").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionPicture {
    /// SHA-256 of the stored bytes, 64 lowercase hex digits: the picture's name.
    pub sha256: String,
    /// `image/svg+xml`, `image/png` or `image/jpeg`.
    pub content_type: String,
    /// What the picture shows, for people who cannot see it; may be empty.
    pub alt: String,
}

impl QuestionPicture {
    /// The file extension of a stored picture's type.
    pub fn extension(content_type: &str) -> Option<&'static str> {
        match content_type {
            "image/svg+xml" => Some("svg"),
            "image/png" => Some("png"),
            "image/jpeg" => Some("jpg"),
            _ => None,
        }
    }

    /// The name it is served under: its hash and extension. The bytes behind a name never change, so the name can
    /// be cached for as long as a browser likes.
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.sha256, Self::extension(&self.content_type).unwrap_or("bin"))
    }

    /// Reads a served name back into (hash, extension); `None` when it is not one.
    pub fn parse_file_name(name: &str) -> Option<(&str, &str)> {
        let (sha, ext) = name.split_once('.')?;
        let is_hash = sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        (is_hash && matches!(ext, "svg" | "png" | "jpg")).then_some((sha, ext))
    }
}

#[cfg(test)]
mod picture_tests {
    use super::QuestionPicture;

    #[test]
    fn a_picture_is_served_under_its_hash() {
        let picture =
            QuestionPicture { sha256: "ab".repeat(32), content_type: "image/jpeg".into(), alt: String::new() };
        let name = picture.file_name();
        assert_eq!(QuestionPicture::parse_file_name(&name), Some((picture.sha256.as_str(), "jpg")));
        assert_eq!(QuestionPicture::parse_file_name("../etc/passwd"), None);
        assert_eq!(QuestionPicture::parse_file_name(&format!("{}.exe", "ab".repeat(32))), None);
        assert_eq!(QuestionPicture::parse_file_name(&format!("{}.png", "AB".repeat(32))), None);
    }
}
