//! The search index (issue 4, search): every stored message, searchable in English
//! and Chinese in one query box, for managers searching correspondence history (§5).
//!
//! The index is derived data in `<data_dir>/index`: SQLite stays the single source of
//! truth. A watermark in SQLite (the highest `messages.id` indexed) is advanced only
//! after the tantivy commit, so a crash replays from the database; re-adding a
//! message first deletes it by id, so a replay never duplicates. Messages already
//! indexed whose filter fields change (a copy in another mailbox, re-matching, a
//! customer's new owner) are queued by triggers in `search_index_dirty` and
//! re-indexed by the next catch-up. A missing, corrupt or outdated index is rebuilt
//! when opened, never fatal.
//!
//! - [`tokenize`]: CJK bigrams + folded Latin words.
//! - [`schema`]: the fields, named as the query syntax.
//! - [`writer`]: SQLite → documents; catch-up and rebuild.
//! - [`search`]: queries, filters, snippets; the customer timeline.
//! - [`scope`]: who may see what (`--as USER`).
//! - [`remote`]: asking the running daemon, which keeps the index open, to search.

pub mod remote;
pub mod schema;
pub mod scope;
pub mod search;
pub mod tokenize;
pub mod writer;

use std::path::{Path, PathBuf};
use tantivy::{Index, IndexReader, ReloadPolicy};

use crate::progress::Progress;
use crate::store::Store;
use schema::Fields;

pub use scope::Scope;
pub use search::{timeline, SearchHit, SearchRequest, SearchResults, Sort, TimelineEntry};

/// A search index problem, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("search index {path}: {source}")]
    Tantivy {
        path: PathBuf,
        source: tantivy::TantivyError,
    },
    #[error("search index {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search index {path} cannot be read ({reason}); `tradewind reindex` rebuilds it")]
    Unusable { path: PathBuf, reason: String },
    #[error("search index {path} is being written by another tradewind process (the daemon?); try again when it is done")]
    Busy { path: PathBuf },
    #[error("cannot understand the query '{query}': {reason}")]
    Query { query: String, reason: String },
    #[error("bad date '{value}' for {option}: expected YYYY-MM-DD")]
    Date { option: &'static str, value: String },
    #[error("no customer with code '{0}'")]
    UnknownCustomer(String),
    #[error("database error in the search index: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// Writer memory budget: split over the writer threads (≥15 MB each), research §1.5.
pub const WRITER_BUDGET: usize = 50_000_000;

/// The index directory under a data directory.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("index")
}

/// A file in the index directory naming the schema version it was built with.
const VERSION_FILE: &str = "tradewind-index-version";

/// An open index, reusable across catch-ups (the daemon keeps one) and searches.
pub struct Indexer {
    dir: PathBuf,
    index: Index,
    fields: Fields,
    reader: IndexReader,
    /// Created empty at opening (missing, corrupt or outdated): the next catch-up
    /// indexes everything whatever the watermark says.
    fresh: bool,
    /// `meta.json` as it was when the reader last loaded: see [`Indexer::reload`].
    loaded: std::sync::Mutex<Option<MetaStamp>>,
}

/// One version of the index's `meta.json`, whole. tantivy rewrites that file on every
/// commit and merge, and its opstamp changes with each, so the same bytes mean the same
/// index. (The file is a few KB; comparing it is cheaper than any reload, and unlike its
/// inode and mtime it cannot repeat by chance.)
#[derive(Debug, Clone, PartialEq, Eq)]
struct MetaStamp(Vec<u8>);

impl MetaStamp {
    fn of(dir: &Path) -> Option<MetaStamp> {
        std::fs::read(dir.join("meta.json")).ok().map(MetaStamp)
    }
}

impl Indexer {
    /// Opens the index under `data_dir`, rebuilding it (empty, to be caught up) when it
    /// is missing, corrupt or from another schema version.
    pub fn open(data_dir: &Path) -> Result<Indexer, IndexError> {
        let dir = index_dir(data_dir);
        let fields = Fields::new();
        match open_existing(&dir, &fields) {
            Ok((index, reader)) => Ok(Indexer {
                dir,
                index,
                fields,
                reader,
                fresh: false,
                loaded: std::sync::Mutex::new(None),
            }),
            Err(reason) => {
                if dir.exists() {
                    tracing::warn!(path = %dir.display(), %reason, "search index unusable; rebuilding it from the database");
                }
                Indexer::create(dir, fields)
            }
        }
    }

    /// Opens the index under `data_dir` for searching only: never creates, repairs or writes
    /// anything (the daemon's search socket; the index feeder owns rebuilding).
    pub fn open_for_search(data_dir: &Path) -> Result<Indexer, IndexError> {
        let dir = index_dir(data_dir);
        let fields = Fields::new();
        let (index, reader) =
            open_existing(&dir, &fields).map_err(|reason| IndexError::Unusable {
                path: dir.clone(),
                reason,
            })?;
        Ok(Indexer {
            dir,
            index,
            fields,
            reader,
            fresh: false,
            loaded: std::sync::Mutex::new(None),
        })
    }

    /// Picks up what was committed since the reader was opened or last reloaded (by this or
    /// another process).
    ///
    /// Reloading opens every segment anew, which cost the daemon a fifth of each search
    /// (issue 4), so it is skipped when `meta.json` is the one already loaded. The stamp is
    /// read before reloading: a commit landing in between is picked up next time.
    pub fn reload(&self) -> Result<(), IndexError> {
        let now = MetaStamp::of(&self.dir);
        let mut loaded = self
            .loaded
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if now.is_some() && *loaded == now {
            return Ok(());
        }
        self.reader.reload().map_err(|e| self.tantivy_err(e))?;
        *loaded = now;
        Ok(())
    }

    /// Creates an empty index in `dir`, replacing whatever is there.
    fn create(dir: PathBuf, fields: Fields) -> Result<Indexer, IndexError> {
        let io = |source| IndexError::Io {
            path: dir.clone(),
            source,
        };
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(io)?;
        }
        std::fs::create_dir_all(&dir).map_err(io)?;
        let tv = |source| IndexError::Tantivy {
            path: dir.clone(),
            source,
        };
        let index = Index::create_in_dir(&dir, fields.schema.clone()).map_err(tv)?;
        register_tokenizers(&index);
        std::fs::write(dir.join(VERSION_FILE), schema::VERSION.to_string()).map_err(io)?;
        let reader = reader(&index).map_err(tv)?;
        Ok(Indexer {
            dir,
            index,
            fields,
            reader,
            fresh: true,
            loaded: std::sync::Mutex::new(None),
        })
    }

    /// Indexes every message above the watermark plus the queued changed ones; a cheap
    /// no-op (two small queries) when there is nothing new. Returns messages indexed.
    pub fn catch_up(&mut self, store: &Store) -> Result<usize, IndexError> {
        writer::catch_up(self, store, &mut Progress::hidden())
    }

    /// Throws the index away and indexes every stored message again.
    pub fn rebuild(&mut self, store: &Store, progress: &mut Progress) -> Result<usize, IndexError> {
        let dir = self.dir.clone();
        *self = Indexer::create(dir, self.fields.clone())?;
        writer::catch_up(self, store, progress)
    }

    /// Documents in the index.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn tantivy_err(&self, source: tantivy::TantivyError) -> IndexError {
        if let tantivy::TantivyError::LockFailure(
            tantivy::directory::error::LockError::LockBusy,
            _,
        ) = source
        {
            return IndexError::Busy {
                path: self.dir.clone(),
            };
        }
        IndexError::Tantivy {
            path: self.dir.clone(),
            source,
        }
    }
}

/// One-shot catch-up for CLI commands: opens (or rebuilds) the index and indexes what is new.
pub fn catch_up(store: &Store, data_dir: &Path) -> Result<usize, IndexError> {
    Indexer::open(data_dir)?.catch_up(store)
}

/// Rebuilds the index under `data_dir` from the store (`tradewind reindex`).
pub fn rebuild(
    store: &Store,
    data_dir: &Path,
    progress: &mut Progress,
) -> Result<usize, IndexError> {
    let dir = index_dir(data_dir);
    let mut indexer = Indexer::create(dir, Fields::new())?;
    writer::catch_up(&mut indexer, store, progress)
}

fn open_existing(dir: &Path, fields: &Fields) -> Result<(Index, IndexReader), String> {
    let version = std::fs::read_to_string(dir.join(VERSION_FILE)).map_err(|e| e.to_string())?;
    if version.trim() != schema::VERSION.to_string() {
        return Err(format!("built by schema version {}", version.trim()));
    }
    let index = Index::open_in_dir(dir).map_err(|e| e.to_string())?;
    if index.schema() != fields.schema {
        return Err("the fields differ from this tradewind's".into());
    }
    register_tokenizers(&index);
    let reader = reader(&index).map_err(|e| e.to_string())?;
    // Touch every segment's term dictionaries and id column, so a damaged file shows now.
    let searcher = reader.searcher();
    for segment in searcher.segment_readers() {
        for field in [fields.subject, fields.body, fields.customer] {
            segment.inverted_index(field).map_err(|e| e.to_string())?;
        }
        segment.fast_fields().u64("id").map_err(|e| e.to_string())?;
    }
    Ok((index, reader))
}

fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(tokenize::TEXT, tokenize::text_analyzer());
    index
        .tokenizers()
        .register(tokenize::KEY, tokenize::key_analyzer());
}

fn reader(index: &Index) -> tantivy::Result<IndexReader> {
    index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
}

/// Whether the index under `data_dir` opens and reads cleanly, and how many messages it holds
/// (for `tradewind doctor`); the reason when it does not. Never creates or repairs anything.
pub fn health(data_dir: &Path) -> Result<u64, String> {
    let (_, reader) = open_existing(&index_dir(data_dir), &Fields::new())?;
    Ok(reader.searcher().num_docs())
}
