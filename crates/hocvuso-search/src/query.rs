//! Turning a person's words into a tantivy query, without ever parsing them as query syntax.
//!
//! Every word adds "should" clauses, so a document matching more words scores higher and one matching a single
//! word is still found:
//! - its folded term in the title (boost [`TITLE`]) and the body;
//! - when the word carries accents, its accented term in the title and body, so "điện" ranks "điện" above "diện";
//! - when the folded term is in no document and has at least [`FUZZY_MIN_CHARS`] letters, the terms of the index
//!   within one edit (a transposition counts as one), at a lower weight: "thahn" → "thanh", "zalp" → "zalo";
//! - two neighbouring words in this order (a phrase of two) in the title or the body.
//!
//! The fuzzy terms are looked up in the term dictionary and searched as plain terms, so they score with BM25
//! like the others and the snippet highlights them.

use std::collections::BTreeSet;

use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, Term};

use crate::Fields;
use crate::analyzer::{nfc, term_of, word_ranges};

/// The longest query read, in characters; the rest is ignored (a person types a few words).
pub(crate) const MAX_QUERY_CHARS: usize = 200;
/// The most words of a query used.
pub(crate) const MAX_QUERY_WORDS: usize = 12;
/// Words shorter than this are never corrected: one edit turns "ky" into a hundred other words.
pub(crate) const FUZZY_MIN_CHARS: usize = 4;
/// The most index terms one misspelt word stands for.
const MAX_FUZZY_TERMS: usize = 16;

/// How much a match in the title weighs against one in the body.
const TITLE: f32 = 3.0;
/// How much an accented match adds, relative to a folded one.
const ACCENT: f32 = 0.5;
/// How much a corrected (fuzzy) match weighs against an exact one.
const FUZZY: f32 = 0.6;
/// How much two neighbouring words found next to each other add.
const PHRASE: f32 = 1.0;

/// One word of the query: folded, and as typed (lower case, with its accents).
struct Word {
    folded: String,
    accented: String,
}

fn words(query: &str) -> Vec<Word> {
    let bounded: String = query.chars().take(MAX_QUERY_CHARS).collect();
    let text = nfc(&bounded);
    let mut words: Vec<Word> = word_ranges(&text)
        .into_iter()
        .map(|range| {
            let word = &text[range];
            Word { folded: term_of(word, true), accented: term_of(word, false) }
        })
        .filter(|word| !word.folded.is_empty())
        .collect();
    words.truncate(MAX_QUERY_WORDS);
    words
}

fn term(field: Field, text: &str, boost: f32) -> Box<dyn Query> {
    let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
    Box::new(BoostQuery::new(Box::new(query), boost))
}

/// Whether any document holds the folded term in its title or body.
fn known(searcher: &Searcher, fields: &Fields, folded: &str) -> tantivy::Result<bool> {
    for field in [fields.title, fields.body] {
        if searcher.doc_freq(&Term::from_field_text(field, folded))? > 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The folded terms of the index within one edit of `folded`, at most [`MAX_FUZZY_TERMS`].
fn near_terms(searcher: &Searcher, fields: &Fields, folded: &str) -> tantivy::Result<BTreeSet<String>> {
    let automaton = FuzzyTermQuery::new(Term::from_field_text(fields.title, folded), 1, true).automaton()?;
    let mut found = BTreeSet::new();
    for segment in searcher.segment_readers() {
        for field in [fields.title, fields.body] {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().search(&automaton).into_stream()?;
            while found.len() < MAX_FUZZY_TERMS && stream.advance() {
                if let Ok(term) = std::str::from_utf8(stream.key()) {
                    found.insert(term.to_owned());
                }
            }
        }
    }
    Ok(found)
}

/// The query for `text` (already cleaned), or `None` when it holds no word the index could match.
pub(crate) fn build(searcher: &Searcher, fields: &Fields, text: &str) -> tantivy::Result<Option<Box<dyn Query>>> {
    let words = words(text);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut is_known = Vec::with_capacity(words.len());
    let mut seen = BTreeSet::new();
    for word in &words {
        let found = known(searcher, fields, &word.folded)?;
        is_known.push(found);
        if !seen.insert(word.folded.as_str()) {
            continue;
        }
        if found {
            clauses.push((Occur::Should, term(fields.title, &word.folded, TITLE)));
            clauses.push((Occur::Should, term(fields.body, &word.folded, 1.0)));
        } else if word.folded.chars().count() >= FUZZY_MIN_CHARS {
            for near in near_terms(searcher, fields, &word.folded)? {
                clauses.push((Occur::Should, term(fields.title, &near, TITLE * FUZZY)));
                clauses.push((Occur::Should, term(fields.body, &near, FUZZY)));
            }
        }
        if word.accented != word.folded {
            clauses.push((Occur::Should, term(fields.title_exact, &word.accented, TITLE * ACCENT)));
            clauses.push((Occur::Should, term(fields.body_exact, &word.accented, ACCENT)));
        }
    }
    for (pair, known) in words.windows(2).zip(is_known.windows(2)) {
        if let ([first, second], [true, true]) = (pair, known) {
            for (field, boost) in [(fields.title, TITLE * PHRASE), (fields.body, PHRASE)] {
                let phrase = PhraseQuery::new(vec![
                    Term::from_field_text(field, &first.folded),
                    Term::from_field_text(field, &second.folded),
                ]);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(phrase), boost))));
            }
        }
    }
    if clauses.is_empty() {
        return Ok(None);
    }
    Ok(Some(Box::new(BooleanQuery::new(clauses))))
}
