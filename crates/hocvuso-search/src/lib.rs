//! Full-text search of Học vụ số: guides now, news later, in one in-memory tantivy index.
//!
//! A query finds documents whether or not it carries diacritics and tones ("dang ky khai sinh" finds
//! "Đăng ký khai sinh"), forgives one typo in a word of four letters or more ("thahn toan", "zalp"), ranks a
//! match in the title above one in the body and an exact-accent match above a folded one. User text is never
//! parsed as query syntax: the query is built from its words.
//!
//! The crate depends on no hocvuso crate but `hocvuso-domain` (for [`hocvuso_domain::text`]), does no I/O of its
//! own and reads no clock. Callers keep one [`SearchIndex`] and change it with [`SearchIndex::upsert`],
//! [`SearchIndex::remove`] or [`SearchIndex::replace_all`] when staff edit a guide.

mod analyzer;
mod query;

use std::ops::Range;
use std::sync::Mutex;

use hocvuso_domain::text;
use tantivy::collector::TopDocs;
use tantivy::schema::{Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term};

/// One document to search: a guide (`kind` "guide") or, later, a news item ("news").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchDoc {
    /// The caller's id of the document (a guide's slug); unique within its kind.
    pub id: String,
    /// What the document is: "guide", later "news".
    pub kind: String,
    /// The title, weighted above the body.
    pub title: String,
    /// The plain text of the body.
    pub body: String,
}

/// One document found by [`SearchIndex::search`].
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The document's id, as given in [`SearchDoc::id`].
    pub id: String,
    /// The document's kind, as given in [`SearchDoc::kind`].
    pub kind: String,
    /// The relevance; higher is better. Only comparable between hits of one search.
    pub score: f32,
    /// A passage of the body around the words found, when the body holds one.
    pub snippet: Option<Snippet>,
}

/// A passage of a document's body with the words that matched the query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snippet {
    /// Plain text (not HTML: the caller escapes it), NFC, at most about 150 characters.
    pub text: String,
    /// Byte ranges of `text` that matched the query, in order and not overlapping, for `<mark>`.
    pub highlighted: Vec<Range<usize>>,
}

/// Why the index could not be built, changed or searched.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A document has an empty id or kind.
    #[error("a search document needs an id and a kind")]
    MissingKey,
    /// The search engine failed (out of memory for its buffers, or a bug).
    #[error("search engine: {0}")]
    Engine(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl SearchError {
    /// The stable code of this error in the API.
    pub fn code(&self) -> &'static str {
        match self {
            SearchError::MissingKey => "search_document_without_key",
            SearchError::Engine(_) => "search_engine",
        }
    }
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError::Engine(Box::new(error))
    }
}

/// The most results one search returns, whatever `limit` asks.
pub const MAX_LIMIT: usize = 100;

/// Memory the writer may use before it writes a segment: tantivy's minimum (15 MB), which a few thousand
/// documents fill; it is only held while the index is built or changed.
const WRITER_MEMORY: usize = 15_000_000;

/// The fields of the index.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// `kind` + U+001F + `id`, the key that `upsert` and `remove` delete by.
    key: Field,
    id: Field,
    kind: Field,
    /// Folded title and body, with positions for the phrase boost; the body is stored for snippets.
    pub(crate) title: Field,
    pub(crate) body: Field,
    /// Title and body with their accents, frequencies only.
    pub(crate) title_exact: Field,
    pub(crate) body_exact: Field,
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let folded = |stored: bool| {
            let indexing = TextFieldIndexing::default()
                .set_tokenizer(analyzer::FOLD)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let options = TextOptions::default().set_indexing_options(indexing);
            if stored { options.set_stored() } else { options }
        };
        let exact = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(analyzer::EXACT).set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            key: builder.add_text_field("key", STRING),
            id: builder.add_text_field("id", STORED),
            kind: builder.add_text_field("kind", STORED),
            title: builder.add_text_field("title", folded(false)),
            body: builder.add_text_field("body", folded(true)),
            title_exact: builder.add_text_field("title_exact", exact.clone()),
            body_exact: builder.add_text_field("body_exact", exact),
        };
        (builder.build(), fields)
    }
}

fn key_of(kind: &str, id: &str) -> String {
    format!("{kind}\u{1f}{id}")
}

/// An in-memory search index over a set of [`SearchDoc`]s.
///
/// Searches run concurrently from any thread. Changes are serialised, happen in one tantivy commit each and
/// become visible all at once: a search sees the set before or after a change, never half of it.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Held while a writer exists: tantivy allows one writer per index.
    writing: Mutex<()>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("documents", &self.len()).finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Builds an index of `docs`. A later document with the same kind and id as an earlier one replaces it.
    pub fn build(docs: impl IntoIterator<Item = SearchDoc>) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = Fields::schema();
        // No dedicated thread to compress the stored bodies: the index lives in memory and stays small.
        let settings = IndexSettings { docstore_compress_dedicated_thread: false, ..IndexSettings::default() };
        let index = Index::builder().schema(schema).settings(settings).create_in_ram()?;
        let tokenizers = index.tokenizers();
        tokenizers.register(analyzer::FOLD, TextAnalyzer::from(analyzer::VietnameseTokenizer { fold: true }));
        tokenizers.register(analyzer::EXACT, TextAnalyzer::from(analyzer::VietnameseTokenizer { fold: false }));
        // Reloaded by hand after each commit, so no watcher thread runs.
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let search = SearchIndex { index, reader, fields, writing: Mutex::new(()) };
        search.write(|writer, fields| {
            for doc in docs {
                add(writer, fields, doc)?;
            }
            Ok(())
        })?;
        Ok(search)
    }

    /// Adds `doc`, or replaces the document with the same kind and id.
    pub fn upsert(&self, doc: SearchDoc) -> Result<(), SearchError> {
        self.write(|writer, fields| add(writer, fields, doc))
    }

    /// Removes the document of this kind and id; nothing happens when there is none.
    pub fn remove(&self, kind: &str, id: &str) -> Result<(), SearchError> {
        self.write(|writer, fields| {
            writer.delete_term(Term::from_field_text(fields.key, &key_of(kind, id)));
            Ok(())
        })
    }

    /// Replaces every document with `docs`, in one step: searches see the old set until the new one is complete.
    pub fn replace_all(&self, docs: impl IntoIterator<Item = SearchDoc>) -> Result<(), SearchError> {
        self.write(|writer, fields| {
            writer.delete_all_documents()?;
            for doc in docs {
                add(writer, fields, doc)?;
            }
            Ok(())
        })
    }

    /// How many documents the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The documents that best match `query`, best first, at most `limit` (and at most [`MAX_LIMIT`]).
    ///
    /// Any text is a valid query: it is cleaned, cut to a bounded length and split into words; punctuation
    /// and query syntax (`*`, `"`, `AND`) are ignored or searched as plain words. A query with no word
    /// returns no hit.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<Hit>, SearchError> {
        let limit = limit.min(MAX_LIMIT);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let Some(query) = query::build(&searcher, &self.fields, &text::clean(query))? else {
            return Ok(Vec::new());
        };
        let top = searcher.search(&*query, &TopDocs::with_limit(limit).order_by_score())?;
        let snippets = SnippetGenerator::create(&searcher, &*query, self.fields.body)?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored =
                |field: Field| doc.get_first(field).and_then(|value| value.as_str()).unwrap_or_default().to_owned();
            let snippet = snippets.snippet_from_doc(&doc);
            let snippet = (!snippet.highlighted().is_empty())
                .then(|| Snippet { text: snippet.fragment().to_owned(), highlighted: snippet.highlighted().to_vec() });
            hits.push(Hit { id: stored(self.fields.id), kind: stored(self.fields.kind), score, snippet });
        }
        Ok(hits)
    }

    /// Runs `change` with a fresh writer, commits, waits for merges and makes the result visible.
    ///
    /// A writer holds threads and a memory arena, so none is kept between changes; staff edit guides rarely.
    fn write(
        &self,
        change: impl FnOnce(&mut IndexWriter, &Fields) -> Result<(), SearchError>,
    ) -> Result<(), SearchError> {
        let _writing = self
            .writing
            .lock()
            .map_err(|_| SearchError::Engine("a change to the search index panicked earlier".into()))?;
        let mut writer: IndexWriter = self.index.writer_with_num_threads(1, WRITER_MEMORY)?;
        if let Err(error) = change(&mut writer, &self.fields) {
            // Nothing of a failed change becomes visible.
            writer.rollback()?;
            return Err(error);
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }
}

/// Adds one document (after deleting any earlier one with its key) to the writer's pending commit.
fn add(writer: &mut IndexWriter, fields: &Fields, doc: SearchDoc) -> Result<(), SearchError> {
    if doc.id.trim().is_empty() || doc.kind.trim().is_empty() {
        return Err(SearchError::MissingKey);
    }
    let key = key_of(&doc.kind, &doc.id);
    writer.delete_term(Term::from_field_text(fields.key, &key));
    // Stored and indexed as NFC, so the offsets the analyzer gives are offsets in the stored body.
    let title = text::clean(&doc.title);
    let body = text::clean_multiline(&doc.body);
    let mut document = TantivyDocument::new();
    document.add_text(fields.key, &key);
    document.add_text(fields.id, &doc.id);
    document.add_text(fields.kind, &doc.kind);
    document.add_text(fields.title, &title);
    document.add_text(fields.title_exact, &title);
    document.add_text(fields.body, &body);
    document.add_text(fields.body_exact, &body);
    writer.add_document(document)?;
    Ok(())
}
