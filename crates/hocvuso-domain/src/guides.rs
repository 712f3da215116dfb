//! Guides: short illustrated how-to texts (`content/guides/<slug>.md`, format in `content/guides/README.md`).
//!
//! [`parse_guide`] turns one file into a [`Guide`] or a [`GuideError`] naming the file and the line, so a bad file
//! is reported at start-up while the others still load. Markdown goes through an allow-list: paragraphs, `## `
//! steps, bold, italics, bullet lists, `http(s)` links and one picture per step; raw HTML is refused, never passed
//! through. [`check_svg`] refuses pictures that could run script or reach outside. [`score_quiz`] marks a quiz.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

/// Fewest and most steps in a guide.
pub const STEPS: std::ops::RangeInclusive<usize> = 4..=10;
/// Fewest and most quiz questions.
pub const QUIZ_QUESTIONS: std::ops::RangeInclusive<usize> = 3..=5;
/// The largest guide file, in bytes.
pub const MAX_GUIDE_BYTES: usize = 64 * 1024;
/// The largest picture, in bytes.
pub const MAX_SVG_BYTES: usize = 256 * 1024;
/// Audiences a guide may name.
pub const AUDIENCES: &[&str] = &["everyone", "elderly", "farmers", "women", "youth", "parents", "sellers"];

/// A loaded guide.
#[derive(Clone, Debug, PartialEq)]
pub struct Guide {
    /// URL name, equal to the file name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// One sentence.
    pub summary: String,
    /// The register's skill ids it teaches.
    pub skills: Vec<String>,
    /// Who it is written for.
    pub audience: Vec<String>,
    /// Minutes a beginner needs with a helper.
    pub minutes: u32,
    /// Position in the list.
    pub order: i64,
    /// Links to the national platform's courses.
    pub courses: Vec<Course>,
    /// The quiz.
    pub quiz: Vec<QuizQuestion>,
    /// The introduction, as sanitised HTML.
    pub intro_html: String,
    /// The introduction as plain text (search, speech).
    pub intro_text: String,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// A link to a course.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Its title.
    pub title: String,
    /// Its address (`http` or `https`).
    pub url: String,
}

/// One quiz question.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizQuestion {
    /// The question.
    pub question: String,
    /// The options, 2 to 5.
    pub options: Vec<String>,
    /// Index of the right option.
    pub answer: usize,
    /// Why it is right.
    pub explanation: String,
}

/// One step: a heading, a picture and a little text.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Its number, from 1.
    pub number: usize,
    /// Its heading.
    pub title: String,
    /// The picture's file name (`N.svg`).
    pub picture: String,
    /// The picture's description.
    pub alt: String,
    /// The text, as sanitised HTML.
    pub html: String,
    /// The text as plain words.
    pub text: String,
}

impl Step {
    /// What the Listen button says: the heading, then the text.
    pub fn speech(&self) -> String {
        format!("{}. {}", self.title, self.text)
    }
}

impl Guide {
    /// The text the search index holds for this guide.
    pub fn search_body(&self) -> String {
        let mut body = format!("{} {}", self.summary, self.intro_text);
        for step in &self.steps {
            body.push(' ');
            body.push_str(&step.title);
            body.push(' ');
            body.push_str(&step.text);
        }
        body
    }

    /// The step numbered `number` (from 1).
    pub fn step(&self, number: usize) -> Option<&Step> {
        number.checked_sub(1).and_then(|index| self.steps.get(index))
    }
}

/// Why a guide file was refused: the file, the line (from 1) and a stable code with details.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}: {code}: {detail}")]
pub struct GuideError {
    /// The file.
    pub path: String,
    /// The line, from 1.
    pub line: usize,
    /// Stable code (`guide_front_matter`, `guide_html`, `guide_skill_unknown`…).
    pub code: &'static str,
    /// What exactly was wrong, for the operator.
    pub detail: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: String,
    slug: String,
    summary: String,
    skills: Vec<String>,
    #[serde(default)]
    audience: Vec<String>,
    minutes: u32,
    order: i64,
    #[serde(default)]
    courses: Vec<Course>,
    #[serde(default)]
    quiz: Vec<QuizQuestion>,
}

/// Parses one guide file. `path` names it in errors; `known_skills` are the register's skill ids.
pub fn parse_guide(path: &str, text: &str, known_skills: &[&str]) -> Result<Guide, GuideError> {
    let file_slug = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md");
    parse_named(path, Some(file_slug), text, known_skills)
}

/// Parses a guide typed in the web editor: the same rules as a file, line numbers counted in `text`. `slug` is the
/// guide being edited (its front matter must keep it); `None` for a new guide, whose slug the front matter gives.
pub fn parse_edited_guide(slug: Option<&str>, text: &str, known_skills: &[&str]) -> Result<Guide, GuideError> {
    parse_named("", slug, text, known_skills)
}

fn parse_named(path: &str, slug: Option<&str>, text: &str, known_skills: &[&str]) -> Result<Guide, GuideError> {
    let fail =
        |line: usize, code: &'static str, detail: String| GuideError { path: path.to_owned(), line, code, detail };
    if text.len() > MAX_GUIDE_BYTES {
        return Err(fail(1, "guide_too_large", format!("{} bytes, at most {MAX_GUIDE_BYTES}", text.len())));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        return Err(fail(1, "guide_front_matter", "the file must start with a line +++".to_owned()));
    }
    // Find the closing +++ line; front matter starts on line 2.
    let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let front_start = offset;
    let mut front_end = None;
    for line in lines {
        if line.trim_end() == "+++" {
            front_end = Some(offset);
            offset += line.len();
            break;
        }
        offset += line.len();
    }
    let Some(front_end) = front_end else {
        return Err(fail(1, "guide_front_matter", "no closing +++ line".to_owned()));
    };
    let front = &text[front_start..front_end];
    let body = &text[offset..];
    let line_of = |byte: usize| text[..byte.min(text.len())].matches('\n').count() + 1;
    let front_line = |needle: &str| front.find(needle).map_or(2, |at| line_of(front_start + at));

    let meta: FrontMatter = toml::from_str(front).map_err(|e| {
        let line = e.span().map_or(2, |span| line_of(front_start + span.start));
        fail(line, "guide_front_matter", e.message().to_owned())
    })?;
    if slug.is_some_and(|slug| slug != meta.slug) || !valid_slug(&meta.slug) {
        return Err(fail(front_line("slug"), "guide_slug", format!("slug {:?} must equal the file name", meta.slug)));
    }
    for (field, value, max) in [("title", &meta.title, 80), ("summary", &meta.summary, 200)] {
        if value.trim().is_empty() || value.chars().count() > max {
            return Err(fail(front_line(field), "guide_front_matter", format!("{field} empty or too long")));
        }
    }
    if meta.skills.is_empty() {
        return Err(fail(front_line("skills"), "guide_skill_unknown", "name at least one skill".to_owned()));
    }
    for skill in &meta.skills {
        if !known_skills.contains(&skill.as_str()) {
            return Err(fail(front_line("skills"), "guide_skill_unknown", format!("unknown skill id {skill:?}")));
        }
    }
    for audience in &meta.audience {
        if !AUDIENCES.contains(&audience.as_str()) {
            return Err(fail(front_line("audience"), "guide_front_matter", format!("unknown audience {audience:?}")));
        }
    }
    for course in &meta.courses {
        if !safe_url(&course.url) {
            return Err(fail(front_line(&course.url), "guide_link", format!("link {:?} is not http(s)", course.url)));
        }
    }
    if !QUIZ_QUESTIONS.contains(&meta.quiz.len()) {
        return Err(fail(
            front_line("[[quiz]]"),
            "guide_quiz",
            format!("{} quiz questions, need 3 to 5", meta.quiz.len()),
        ));
    }
    for q in &meta.quiz {
        if !(2..=5).contains(&q.options.len()) || q.answer >= q.options.len() {
            return Err(fail(
                front_line(&q.question),
                "guide_quiz",
                "2 to 5 options and an answer among them".to_owned(),
            ));
        }
    }

    let (intro_html, intro_text, steps) = render_body(body, &|at| line_of(offset + at), &fail)?;
    if !STEPS.contains(&steps.len()) {
        return Err(fail(line_of(offset), "guide_steps", format!("{} steps, need 4 to 10", steps.len())));
    }
    Ok(Guide {
        slug: meta.slug,
        title: meta.title,
        summary: meta.summary,
        skills: meta.skills,
        audience: meta.audience,
        minutes: meta.minutes,
        order: meta.order,
        courses: meta.courses,
        quiz: meta.quiz,
        intro_html,
        intro_text,
        steps,
    })
}

/// A guide's URL name: lowercase ASCII letters and digits joined by `-`.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// A picture's file name: `N.svg` (files), or `N-xxxxxxxx.svg|jpg|png` (uploaded in the editor: the step and 8 hex
/// digits of the content's hash, so a new picture gets a new address and no cache keeps the old one).
pub fn valid_picture_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    let (number, hash) = match stem.split_once('-') {
        Some((number, hash)) => (number, Some(hash)),
        None => (stem, None),
    };
    let number_ok = !number.is_empty() && number.len() <= 3 && number.bytes().all(|b| b.is_ascii_digit());
    let hash_ok =
        hash.is_none_or(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    let ext_ok = ext == "svg" || (hash.is_some() && (ext == "jpg" || ext == "png"));
    number_ok && hash_ok && ext_ok
}

/// The media type of a picture, from its (valid) file name.
pub fn picture_mime(name: &str) -> &'static str {
    if name.ends_with(".jpg") {
        "image/jpeg"
    } else if name.ends_with(".png") {
        "image/png"
    } else {
        "image/svg+xml"
    }
}

// guide editor
/// One saved version of a guide edited in the web editor. `markdown` is `None` for "back to the file version".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuideVersion {
    /// Its id.
    pub id: i64,
    /// The guide.
    pub slug: String,
    /// 1, 2, 3… per guide.
    pub version: i64,
    /// The whole guide (front matter and body), or `None` when this version reverted to the file.
    pub markdown: Option<String>,
    /// The commune of whoever saved it.
    pub commune_id: Option<crate::ids::CommuneId>,
    /// Who saved it.
    pub edited_by: crate::ids::UserId,
    /// Their display name, for the history list.
    pub editor_name: String,
    /// When.
    pub edited_at: time::OffsetDateTime,
}

fn safe_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

struct StepBuilder {
    title: String,
    picture: Option<(String, String)>,
    events: Vec<Event<'static>>,
    text: String,
}

type Rendered = (String, String, Vec<Step>);

fn render_body(
    body: &str,
    line_of: &dyn Fn(usize) -> usize,
    fail: &dyn Fn(usize, &'static str, String) -> GuideError,
) -> Result<Rendered, GuideError> {
    let mut intro: Vec<Event<'static>> = Vec::new();
    let mut intro_text = String::new();
    let mut steps: Vec<StepBuilder> = Vec::new();
    let mut in_heading = false;
    let mut in_image: Option<(String, String)> = None;
    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        let line = line_of(range.start);
        match &event {
            Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => {
                return Err(fail(line, "guide_html", "HTML is not allowed in a guide".to_owned()));
            }
            Event::Start(Tag::Heading { level, .. }) => {
                if *level != HeadingLevel::H2 {
                    return Err(fail(line, "guide_markup", "only ## headings (one per step)".to_owned()));
                }
                in_heading = true;
                steps.push(StepBuilder {
                    title: String::new(),
                    picture: None,
                    events: Vec::new(),
                    text: String::new(),
                });
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                in_heading = false;
                continue;
            }
            Event::Start(Tag::Image { link_type, dest_url, .. }) => {
                let Some(step) = steps.last() else {
                    return Err(fail(line, "guide_picture", "a picture belongs to a step".to_owned()));
                };
                if *link_type != LinkType::Inline || !valid_picture_name(dest_url) {
                    return Err(fail(line, "guide_picture", format!("picture {dest_url:?} must be N.svg")));
                }
                if step.picture.is_some() {
                    return Err(fail(line, "guide_picture", "one picture per step".to_owned()));
                }
                in_image = Some((dest_url.to_string(), String::new()));
                continue;
            }
            Event::End(TagEnd::Image) => {
                if let (Some(image), Some(step)) = (in_image.take(), steps.last_mut()) {
                    step.picture = Some(image);
                }
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. }) if !safe_url(dest_url) => {
                return Err(fail(line, "guide_link", format!("link {dest_url:?} is not http(s)")));
            }
            Event::Start(
                Tag::Paragraph | Tag::Strong | Tag::Emphasis | Tag::List(None) | Tag::Item | Tag::Link { .. },
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Strong
                | TagEnd::Emphasis
                | TagEnd::List(false)
                | TagEnd::Item
                | TagEnd::Link,
            )
            | Event::Text(_)
            | Event::Code(_)
            | Event::SoftBreak
            | Event::HardBreak => {}
            other => {
                return Err(fail(line, "guide_markup", format!("not allowed in a guide: {other:?}")));
            }
        }
        let words = match &event {
            Event::Text(t) | Event::Code(t) => Some(t.to_string()),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph | TagEnd::Item) => Some(" ".to_owned()),
            _ => None,
        };
        if let Some((_, alt)) = in_image.as_mut() {
            if let Some(words) = words {
                alt.push_str(&words);
            }
            continue;
        }
        if in_heading {
            if let (Some(words), Some(step)) = (words, steps.last_mut()) {
                step.title.push_str(&words);
            }
            continue;
        }
        // Inline code is shown as plain text: guides have no code.
        let event = match event {
            Event::Code(t) => Event::Text(CowStr::from(t.to_string())),
            other => other.into_static(),
        };
        match steps.last_mut() {
            Some(step) => {
                if let Some(words) = words {
                    step.text.push_str(&words);
                }
                // A paragraph that held only the picture is dropped below.
                step.events.push(event);
            }
            None => {
                if let Some(words) = words {
                    intro_text.push_str(&words);
                }
                intro.push(event);
            }
        }
    }
    let mut out = Vec::new();
    for (index, step) in steps.into_iter().enumerate() {
        let Some((picture, alt)) = step.picture else {
            return Err(fail(line_of(0), "guide_picture", format!("step {} has no picture", index + 1)));
        };
        let events = drop_empty_paragraphs(step.events);
        out.push(Step {
            number: index + 1,
            title: squash(&step.title),
            picture,
            alt: squash(&alt),
            html: to_html(events),
            text: squash(&step.text),
        });
    }
    Ok((to_html(drop_empty_paragraphs(intro)), squash(&intro_text), out))
}

fn drop_empty_paragraphs(events: Vec<Event<'static>>) -> Vec<Event<'static>> {
    let mut out: Vec<Event<'static>> = Vec::with_capacity(events.len());
    for event in events {
        if matches!(event, Event::End(TagEnd::Paragraph)) && matches!(out.last(), Some(Event::Start(Tag::Paragraph))) {
            out.pop();
            continue;
        }
        out.push(event);
    }
    out
}

fn to_html(events: Vec<Event<'static>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a picture was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SvgError {
    /// Larger than [`MAX_SVG_BYTES`].
    #[error("picture too large")]
    TooLarge,
    /// Not well-formed XML, or not an `<svg>` document (a DTD counts as malformed).
    #[error("not an SVG document: {0}")]
    Malformed(String),
    /// Script, event handlers, foreign objects, external references or embedded bitmaps.
    #[error("unsafe SVG: {0}")]
    Unsafe(String),
}

impl SvgError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            SvgError::TooLarge => "picture_too_large",
            SvgError::Malformed(_) => "picture_malformed",
            SvgError::Unsafe(_) => "picture_unsafe",
        }
    }
}

/// Checks that an SVG picture is a plain drawing: no script, no event handlers, no `foreignObject`, no
/// references outside the document (links, external images, `url()` to other files, `@import`).
pub fn check_svg(bytes: &[u8]) -> Result<(), SvgError> {
    if bytes.len() > MAX_SVG_BYTES {
        return Err(SvgError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| SvgError::Malformed("not UTF-8".to_owned()))?;
    let doc = roxmltree::Document::parse(text).map_err(|e| SvgError::Malformed(e.to_string()))?;
    if doc.root_element().tag_name().name() != "svg" {
        return Err(SvgError::Malformed("the root element is not svg".to_owned()));
    }
    const REFUSED: &[&str] = &[
        "script",
        "foreignobject",
        "iframe",
        "embed",
        "object",
        "image",
        "feimage",
        "use",
        "a",
        "animate",
        "set",
        "handler",
        "listener",
    ];
    for node in doc.descendants() {
        if node.is_text() && node.parent_element().is_some_and(|p| p.tag_name().name().eq_ignore_ascii_case("style")) {
            css_is_local(node.text().unwrap_or(""))?;
        }
        if !node.is_element() {
            continue;
        }
        let name = node.tag_name().name().to_ascii_lowercase();
        if REFUSED.contains(&name.as_str()) {
            return Err(SvgError::Unsafe(format!("element <{name}>")));
        }
        for attribute in node.attributes() {
            let attr = attribute.name().to_ascii_lowercase();
            let value = attribute.value();
            if attr.starts_with("on") {
                return Err(SvgError::Unsafe(format!("event handler {attr}")));
            }
            if attr == "href" && !value.trim_start().starts_with('#') {
                return Err(SvgError::Unsafe("external reference".to_owned()));
            }
            css_is_local(value)?;
        }
    }
    Ok(())
}

fn css_is_local(css: &str) -> Result<(), SvgError> {
    let folded = css.to_ascii_lowercase();
    if folded.contains("@import") || folded.contains("javascript:") || folded.contains("expression(") {
        return Err(SvgError::Unsafe("style reaches outside".to_owned()));
    }
    let mut rest = folded.as_str();
    while let Some(at) = rest.find("url(") {
        rest = &rest[at + 4..];
        let target = rest.trim_start().trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            return Err(SvgError::Unsafe("url() outside the picture".to_owned()));
        }
    }
    Ok(())
}

/// The mark of one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizMark {
    /// The option chosen, if any.
    pub chosen: Option<usize>,
    /// Whether it is the right one.
    pub correct: bool,
}

/// The mark of a whole quiz.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuizResult {
    /// Right answers.
    pub score: usize,
    /// Questions.
    pub total: usize,
    /// One mark per question, in order.
    pub marks: Vec<QuizMark>,
}

impl QuizResult {
    /// Passed: at least two thirds right.
    pub fn passed(&self) -> bool {
        self.total > 0 && self.score * 3 >= self.total * 2
    }
}

/// Marks the answers (one per question, in order; missing or out-of-range answers count as wrong).
pub fn score_quiz(quiz: &[QuizQuestion], answers: &[Option<usize>]) -> QuizResult {
    let marks: Vec<QuizMark> = quiz
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let chosen = answers.get(i).copied().flatten().filter(|&a| a < q.options.len());
            QuizMark { chosen, correct: chosen == Some(q.answer) }
        })
        .collect();
    QuizResult { score: marks.iter().filter(|m| m.correct).count(), total: quiz.len(), marks }
}

/// "Taught this guide to this person": evidence in the register, written by a volunteer or staff.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct GuideTaught {
    /// Its id.
    pub id: i64,
    /// The person taught.
    pub resident_id: crate::ids::ResidentId,
    /// The guide.
    pub guide_slug: String,
    /// Who taught it.
    pub taught_by: crate::ids::UserId,
    /// When it was recorded.
    #[serde(with = "time::serde::rfc3339")]
    pub taught_at: time::OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKILLS: &[&str] = &["public_service_online", "zalo"];

    fn guide(front_extra: &str, body: &str) -> String {
        let mut quiz = String::new();
        for i in 0..3 {
            quiz.push_str(&format!(
                "[[quiz]]\nquestion = \"Câu {i}?\"\noptions = [\"A\", \"B\"]\nanswer = 1\nexplanation = \"Vì B.\"\n\n"
            ));
        }
        let mut steps = String::new();
        for n in 1..=4 {
            steps.push_str(&format!("## Bước {n}\n\n![Hình {n}]({n}.svg)\n\nLàm việc số {n}.\n\n"));
        }
        format!(
            "+++\ntitle = \"Thử\"\nslug = \"thu\"\nsummary = \"Một câu.\"\nskills = [\"zalo\"]\n{front_extra}minutes = 5\norder = 10\n\n{quiz}+++\n\nMở đầu.\n\n{body}{steps}"
        )
    }

    #[test]
    fn a_good_guide_parses() {
        let g =
            parse_guide("content/guides/thu.md", &guide("", "Có **đậm** và [link](https://example.vn).\n\n"), SKILLS)
                .unwrap();
        assert_eq!(g.steps.len(), 4);
        assert_eq!(g.steps[0].title, "Bước 1");
        assert_eq!(g.steps[0].picture, "1.svg");
        assert_eq!(g.steps[0].alt, "Hình 1");
        assert_eq!(g.steps[0].html, "<p>Làm việc số 1.</p>\n");
        assert!(g.intro_html.contains("<strong>đậm</strong>"), "{}", g.intro_html);
        assert!(g.intro_html.contains("href=\"https://example.vn\""));
        assert_eq!(g.steps[1].speech(), "Bước 2. Làm việc số 2.");
    }

    #[test]
    fn the_starter_guides_parse() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content/guides");
        let known: Vec<&str> = crate::register::skills::DEFAULT_SKILLS.iter().map(|s| s.code).collect();
        let mut count = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.extension().is_some_and(|e| e == "md") && name != "README.md" {
                let g = parse_guide(&name, &std::fs::read_to_string(&path).unwrap(), &known).unwrap();
                for step in &g.steps {
                    let svg = std::fs::read(path.with_extension("").join(&step.picture)).unwrap();
                    check_svg(&svg).unwrap_or_else(|e| panic!("{name} {}: {e}", step.picture));
                }
                count += 1;
            }
        }
        assert!(count >= 24);
    }

    #[test]
    fn bad_front_matter_names_the_line() {
        let text = guide("minutes_x = \n", "");
        let e = parse_guide("thu.md", &text, SKILLS).unwrap_err();
        assert_eq!(e.code, "guide_front_matter");
        assert_eq!(e.line, 6, "{e}");
        assert!(e.to_string().starts_with("thu.md:6:"));
    }

    #[test]
    fn missing_front_matter_is_refused() {
        let e = parse_guide("thu.md", "# Hello\n", SKILLS).unwrap_err();
        assert_eq!((e.code, e.line), ("guide_front_matter", 1));
    }

    #[test]
    fn unknown_skill_is_refused_with_its_line() {
        let text = guide("", "").replace("skills = [\"zalo\"]", "skills = [\"zalo\", \"flying\"]");
        let e = parse_guide("thu.md", &text, SKILLS).unwrap_err();
        assert_eq!((e.code, e.line), ("guide_skill_unknown", 5));
        assert!(e.detail.contains("flying"));
    }

    #[test]
    fn script_in_markdown_is_refused_with_its_line() {
        let text = guide("", "Chào.\n\n<script>alert(1)</script>\n\n");
        let e = parse_guide("thu.md", &text, SKILLS).unwrap_err();
        assert_eq!(e.code, "guide_html");
        assert_eq!(text.lines().nth(e.line - 1).unwrap(), "<script>alert(1)</script>");
        let inline = guide("", "Chào <img src=x onerror=alert(1)> bạn.\n\n");
        assert_eq!(parse_guide("thu.md", &inline, SKILLS).unwrap_err().code, "guide_html");
    }

    #[test]
    fn javascript_links_are_refused() {
        let text = guide("", "Bấm [đây](javascript:alert(1)).\n\n");
        assert_eq!(parse_guide("thu.md", &text, SKILLS).unwrap_err().code, "guide_link");
    }

    #[test]
    fn text_that_looks_like_html_is_escaped() {
        let text = guide("", "Gõ 1 &lt; 2 và `<b>`.\n\n");
        let g = parse_guide("thu.md", &text, SKILLS).unwrap();
        assert!(g.intro_html.contains("&lt;b&gt;"), "{}", g.intro_html);
    }

    #[test]
    fn a_step_without_picture_is_refused() {
        let text = guide("", "").replace("![Hình 3](3.svg)", "");
        assert_eq!(parse_guide("thu.md", &text, SKILLS).unwrap_err().code, "guide_picture");
        let remote = guide("", "").replace("(3.svg)", "(https://evil.example/x.svg)");
        assert_eq!(parse_guide("thu.md", &remote, SKILLS).unwrap_err().code, "guide_picture");
    }

    #[test]
    fn hostile_svg_is_refused() {
        let ok = br#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240"><defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="10" height="10"/></svg>"#;
        assert_eq!(check_svg(ok), Ok(()));
        for bad in [
            r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div/></foreignObject></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://x/y.png"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://x/y)"/></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>"#,
        ] {
            assert_eq!(check_svg(bad.as_bytes()).unwrap_err().code(), "picture_unsafe", "{bad}");
        }
        let dtd = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg>&x;</svg>"#;
        assert!(check_svg(dtd.as_bytes()).is_err());
        assert_eq!(check_svg(b"<html/>").unwrap_err().code(), "picture_malformed");
    }

    #[test]
    fn edited_guides_keep_their_slug_and_pictures_may_be_uploaded_names() {
        let text = guide("", "");
        assert!(parse_edited_guide(Some("thu"), &text, SKILLS).is_ok());
        assert!(parse_edited_guide(None, &text, SKILLS).is_ok());
        assert_eq!(parse_edited_guide(Some("khac"), &text, SKILLS).unwrap_err().code, "guide_slug");
        let script = guide("", "<script>alert(1)</script>\n\n");
        let e = parse_edited_guide(Some("thu"), &script, SKILLS).unwrap_err();
        assert_eq!((e.code, e.path.as_str()), ("guide_html", ""));
        for good in ["1.svg", "12.svg", "3-0a1b2c3d.svg", "3-0a1b2c3d.jpg", "3-0a1b2c3d.png"] {
            assert!(valid_picture_name(good), "{good}");
        }
        for bad in ["1.jpg", "x.svg", "3-0A1B2C3D.png", "3-0a1b.png", "3-0a1b2c3d.gif", "../1.svg", "1234.svg"] {
            assert!(!valid_picture_name(bad), "{bad}");
        }
        assert_eq!(picture_mime("3-0a1b2c3d.jpg"), "image/jpeg");
    }

    #[test]
    fn quiz_scoring() {
        let q = |answer| QuizQuestion {
            question: "?".into(),
            options: vec!["a".into(), "b".into(), "c".into()],
            answer,
            explanation: String::new(),
        };
        let quiz = [q(0), q(1), q(2)];
        let r = score_quiz(&quiz, &[Some(0), Some(1), Some(0)]);
        assert_eq!((r.score, r.total), (2, 3));
        assert!(r.passed());
        assert!(!r.marks[2].correct);
        let r = score_quiz(&quiz, &[Some(9)]);
        assert_eq!(r.score, 0);
        assert_eq!(r.marks[0].chosen, None);
        assert!(!r.passed());
    }
}
