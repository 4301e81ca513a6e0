//! Searching the index and the customer timeline (issue 4, search; §5 managers
//! searching correspondence history).
//!
//! Query syntax is tantivy's query parser over the fields of [`super::schema`]:
//! words (all must match), `"phrases"`, `AND`/`OR`/`NOT` (or `-word`), and
//! `field:value` with `from:`, `to:`, `subject:`, `body:`, `attachment:`,
//! `customer:`, `owner:`, `mailbox:`, `folder:`, `direction:`. Command-line filters
//! and the user's access scope are added as further required clauses. Hits are
//! shown with text fetched from SQLite; snippets are cut from the stored body.

use chrono::{NaiveDate, TimeDelta};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime, DocAddress, Order, Term};

use super::scope::Scope;
use super::{IndexError, Indexer};
use crate::store::Store;

/// Snippet length in bytes: tantivy's `set_max_num_chars` counts bytes, not chars
/// (research §1.5), so 240 is ~80 Chinese characters or ~240 Latin ones.
const SNIPPET_BYTES: usize = 240;
/// Characters of the body shown when no body term matched (a subject or address hit).
const LEAD_CHARS: usize = 100;

/// How hits are ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// Newest first.
    #[default]
    Date,
    /// Best match first.
    Relevance,
}

/// A search: the query text plus filters, as `tradewind search` takes them (and as the
/// daemon's search socket receives them, [`super::remote`]).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Query text in the query syntax; empty means every message.
    pub query: String,
    /// Customer code.
    pub customer: Option<String>,
    /// Owner login of the customer.
    pub owner: Option<String>,
    pub mailbox: Option<String>,
    /// First day included, YYYY-MM-DD (UTC).
    pub from: Option<String>,
    /// Last day included, YYYY-MM-DD (UTC).
    pub to: Option<String>,
    /// in, out, internal (or inbound, outbound).
    pub direction: Option<String>,
    pub sort: Sort,
    pub limit: usize,
}

/// A piece of a body with the matched words marked.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Snippet {
    /// The text, whitespace collapsed.
    pub text: String,
    /// Matched parts as `[start, end)` in characters (not bytes) of `text`.
    pub highlights: Vec<[usize; 2]>,
}

impl Snippet {
    /// The text with each highlight between `open` and `close`.
    pub fn render(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8);
        let mut marks = self.highlights.iter().peekable();
        let mut inside: Option<usize> = None;
        for (i, c) in self.text.chars().enumerate() {
            if inside == Some(i) {
                out.push_str(close);
                inside = None;
            }
            if let Some(&&[start, end]) = marks.peek() {
                if start == i {
                    out.push_str(open);
                    inside = Some(end);
                    marks.next();
                }
            }
            out.push(c);
        }
        if inside.is_some() {
            out.push_str(close);
        }
        out
    }
}

/// One message found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: i64,
    pub date: Option<String>,
    pub direction: String,
    pub from: Option<String>,
    pub subject: String,
    /// Customer codes it is filed under.
    pub customers: Vec<String>,
    /// Mailboxes holding a copy.
    pub mailboxes: Vec<String>,
    /// Relevance score (only with `--sort relevance`).
    pub score: Option<f32>,
    pub snippet: Snippet,
}

/// The hits of a search and how many matched in all.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResults {
    /// Messages matching in the index (before `limit`).
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// Time spent in the search itself (query, collect, fetch hits, snippets), in µs:
    /// what the benchmark reports beside whole command runs.
    pub micros: u64,
    /// Who ran the search: `"daemon"` (through its socket, [`super::remote`]) or
    /// `"process"` (the command itself).
    #[serde(default)]
    pub via: String,
}

impl Indexer {
    /// Runs `req` as seen by `scope`.
    pub fn search(
        &self,
        store: &Store,
        scope: &Scope,
        req: &SearchRequest,
    ) -> Result<SearchResults, IndexError> {
        let started = std::time::Instant::now();
        let f = &self.fields;
        // One read transaction for every statement below: each statement on its own took and
        // released WAL read locks (a fifth of a search's time, issue 4), and the hits are
        // read from one snapshot of the store. Nothing is written; dropping it ends it.
        let snapshot = store.conn().unchecked_transaction()?;
        let conn: &Connection = &snapshot;
        let no_words = req.query.trim().is_empty();
        let text_query: Box<dyn Query> = if no_words {
            Box::new(AllQuery)
        } else {
            let mut parser = QueryParser::for_index(&self.index, f.default_fields());
            parser.set_conjunction_by_default();
            parser.set_field_boost(f.subject, 2.0);
            parser
                .parse_query(&whole_addresses(&req.query))
                .map_err(|e| IndexError::Query {
                    query: req.query.clone(),
                    reason: e.to_string(),
                })?
        };
        // With no words, the filters below select on their own; "every message" is added
        // only when there is no filter at all, rather than intersected with them.
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !no_words {
            must.push((Occur::Must, text_query.box_clone()));
        }
        let key = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, &value.to_lowercase()),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(c) = &req.customer {
            // A mistyped code is an error, not an empty result that looks like "no mail".
            let known: bool = conn
                .prepare_cached(
                    "SELECT EXISTS(SELECT 1 FROM customers WHERE code = ?1 COLLATE NOCASE)",
                )?
                .query_row([c], |r| r.get(0))?;
            if !known {
                return Err(IndexError::UnknownCustomer(c.clone()));
            }
            must.push((Occur::Must, key(f.customer, c)));
        }
        if let Some(o) = &req.owner {
            must.push((Occur::Must, key(f.owner, o)));
        }
        if let Some(m) = &req.mailbox {
            must.push((Occur::Must, key(f.mailbox, m)));
        }
        if let Some(d) = &req.direction {
            must.push((Occur::Must, key(f.direction, d)));
        }
        let from = req.from.as_deref().map(|d| day("--from", d)).transpose()?;
        let to = req.to.as_deref().map(|d| day("--to", d)).transpose()?;
        if from.is_some() || to.is_some() {
            let bound = |d: Option<NaiveDate>, included: bool| match d {
                None => Bound::Unbounded,
                Some(d) => {
                    let secs = d
                        .and_hms_opt(0, 0, 0)
                        .expect("midnight")
                        .and_utc()
                        .timestamp();
                    let term = Term::from_field_date(f.date, DateTime::from_timestamp_secs(secs));
                    if included {
                        Bound::Included(term)
                    } else {
                        Bound::Excluded(term)
                    }
                }
            };
            let end = to.map(|d| d + TimeDelta::days(1));
            must.push((
                Occur::Must,
                Box::new(RangeQuery::new(bound(from, true), bound(end, false))),
            ));
        }
        if let Some(filter) = scope.filter(f) {
            must.push((Occur::Must, filter));
        }
        if must.is_empty() {
            must.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let limit = req.limit.max(1);
        let tv = |e| self.tantivy_err(e);
        let (total, found): (usize, Vec<(Option<f32>, DocAddress)>) = match req.sort {
            Sort::Relevance => {
                let (n, top) = searcher
                    .search(
                        &query,
                        &(Count, TopDocs::with_limit(limit).order_by_score()),
                    )
                    .map_err(tv)?;
                (n, top.into_iter().map(|(s, a)| (Some(s), a)).collect())
            }
            Sort::Date => {
                let collector =
                    TopDocs::with_limit(limit).order_by_fast_field::<DateTime>("date", Order::Desc);
                let (n, top) = searcher.search(&query, &(Count, collector)).map_err(tv)?;
                (n, top.into_iter().map(|(_, a)| (None, a)).collect())
            }
        };
        let mut snippets = SnippetGenerator::create(&searcher, &*text_query, f.body).map_err(tv)?;
        snippets.set_max_num_chars(SNIPPET_BYTES);
        let mut body_words = Vec::new();
        text_query.query_terms(&mut |term, _| {
            if term.field() == f.body {
                body_words.extend(term.value().as_str().map(str::to_string));
            }
        });
        let body_terms = !body_words.is_empty();
        let window = SnippetWindow::new(&body_words);
        let mut hits = Vec::with_capacity(found.len());
        // Each hit's id from the fast column of its segment (no doc-store block to
        // decompress per hit), each segment's column opened once.
        let mut id_columns = std::collections::HashMap::new();
        for (score, address) in found {
            let ids = match id_columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .u64("id")
                        .map_err(tv)?,
                ),
            };
            let Some(id) = ids.first(address.doc_id) else {
                continue;
            };
            let id = id as i64;
            if !scope.allows(conn, id)? {
                tracing::warn!(
                    id,
                    "index filter let through a message out of scope; skipped"
                );
                continue;
            }
            // Without words for the body, the hit shows the body's beginning: read no more.
            let head_chars = if body_terms {
                SNIPPET_HEAD_CHARS
            } else {
                LEAD_CHARS as i64
            };
            let Some((mut hit, head, whole)) = load_hit(conn, id, head_chars)? else {
                continue; // deleted from the store since it was indexed
            };
            hit.score = score;
            hit.snippet = if body_terms {
                window
                    .around(&head)
                    .map(|part| snippet(&snippets, part))
                    .filter(|s| !s.highlights.is_empty())
                    .unwrap_or_else(|| snippet(&snippets, &head))
            } else {
                lead(&head) // the query has no words for the body (from:, customer:, dates)
            };
            if body_terms && hit.snippet.highlights.is_empty() && !whole {
                // The match lies beyond the head (or only in the subject): scan more of it.
                let body: String = conn
                    .prepare_cached("SELECT substr(body_text, 1, ?2) FROM messages WHERE id = ?1")?
                    .query_row(params![id, SNIPPET_SCAN_CHARS], |r| r.get(0))?;
                hit.snippet = snippet(&snippets, &body);
            }
            hits.push(hit);
        }
        Ok(SearchResults {
            total,
            hits,
            micros: started.elapsed().as_micros() as u64,
            via: "process".into(),
        })
    }
}

/// `query` with every `from:` / `to:` whose value is a whole address (`from:buyer@acme.de`,
/// `to:"Buyer@Acme.de"`) turned into a lookup of that one key in `from_address` /
/// `to_address`. Left alone, the address is cut into words and searched as a phrase
/// (`buyer acme de`), which finds the same messages but checks word positions in every
/// one. Partial values (`from:acme.de`, `from:buyer`) and quoted phrases stay as written.
fn whole_addresses(query: &str) -> String {
    let mut out = String::with_capacity(query.len() + 16);
    let mut rest = query;
    let mut at_start = true; // at the start of a clause: a field name may begin here
    while let Some(c) = rest.chars().next() {
        if c == '"' {
            // A quoted phrase: copied as it is.
            let end = rest[1..].find('"').map_or(rest.len(), |i| i + 2);
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            at_start = false;
            continue;
        }
        if at_start {
            if let Some((field, value, len)) = address_clause(rest) {
                out.push_str(field);
                out.push_str("_address:\"");
                out.push_str(&value.to_lowercase());
                out.push('"');
                rest = &rest[len..];
                at_start = false;
                continue;
            }
        }
        // `-from:` / `+from:` negate or require a clause; `reply-to:` is not `to:`.
        at_start = c.is_whitespace() || c == '(' || (at_start && matches!(c, '-' | '+'));
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// `from:ADDRESS` or `to:ADDRESS` (bare or quoted) at the start of `text`: the field, the
/// address and the clause's length in bytes.
fn address_clause(text: &str) -> Option<(&'static str, &str, usize)> {
    let (field, after) = if let Some(after) = text.strip_prefix("from:") {
        ("from", after)
    } else {
        ("to", text.strip_prefix("to:")?)
    };
    let (value, len) = if let Some(quoted) = after.strip_prefix('"') {
        let end = quoted.find('"')?;
        (&quoted[..end], end + 2)
    } else {
        let end = after
            .find(|c: char| c.is_whitespace() || c == ')')
            .unwrap_or(after.len());
        (&after[..end], end)
    };
    let (local, domain) = value.split_once('@')?;
    let plain = |s: &str| !s.is_empty() && !s.contains(['@', '"', '\\', '*']);
    (plain(local) && plain(domain) && domain.contains('.') && !value.contains(char::is_whitespace))
        .then_some((field, value, text.len() - after.len() + len))
}

fn day(option: &'static str, value: &str) -> Result<NaiveDate, IndexError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| IndexError::Date {
        option,
        value: value.to_string(),
    })
}

/// Characters of a body read for its snippet at first. A whole body can be a megabyte (a
/// mailing-list digest), and tokenising it for every hit was most of a search's time
/// (issue 4); the match is nearly always near the top, and when it is not, up to
/// [`SNIPPET_SCAN_CHARS`] are read after all.
const SNIPPET_HEAD_CHARS: i64 = 4096;

/// Characters of a body scanned for a snippet when its head has no match; beyond them a hit
/// shows the body's beginning (a word found only in the subject would otherwise cost a
/// whole megabyte digest per hit).
const SNIPPET_SCAN_CHARS: i64 = 65_536;

/// The hit's fields from SQLite, the first `head_chars` of its body for the snippet, and
/// whether that head is the whole body.
fn load_hit(
    conn: &Connection,
    id: i64,
    head_chars: i64,
) -> rusqlite::Result<Option<(SearchHit, String, bool)>> {
    conn.prepare_cached(
        "SELECT m.date, m.direction, m.from_addr, m.subject, substr(m.body_text, 1, ?2),
            COALESCE(octet_length(m.body_text) <= ?2, 1),
            (SELECT group_concat(c.code, ' ') FROM message_customers mc
                JOIN customers c ON c.id = mc.customer_id WHERE mc.message_id = m.id),
            (SELECT group_concat(l.mailbox, ' ') FROM message_locations l WHERE l.message_id = m.id)
         FROM messages m WHERE m.id = ?1",
    )?
    .query_row(params![id, head_chars], |r| {
        Ok((
            SearchHit {
                id,
                date: r.get(0)?,
                direction: r.get(1)?,
                from: r.get(2)?,
                subject: r.get(3)?,
                customers: sorted_words(r.get(6)?),
                mailboxes: sorted_words(r.get(7)?),
                score: None,
                snippet: Snippet::default(),
            },
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .optional()
}

/// The distinct words of a `group_concat`, sorted (here rather than in SQL: a sorter and a
/// DISTINCT per sub-select cost more than sorting one or two codes).
fn sorted_words(s: Option<String>) -> Vec<String> {
    let mut words: Vec<String> = s
        .map(|s| s.split(' ').map(String::from).collect())
        .unwrap_or_default();
    words.sort_unstable();
    words.dedup();
    words
}

/// Where in a body its snippet is cut from.
///
/// Tokenising the whole head of every hit's body for its snippet was, after the search
/// itself, most of a search's time (issue 4). The query's body words are first found with a
/// plain scan (ASCII case folded, whole words for Latin ones), and only the text around the
/// first one goes to the snippet generator. Where the scan sees nothing — a capital in
/// another script, an accent the index folds away — or its window yields no highlight, the
/// caller cuts the snippet from the whole head as before.
struct SnippetWindow {
    words: Option<aho_corasick::AhoCorasick>,
}

impl SnippetWindow {
    fn new(words: &[String]) -> SnippetWindow {
        let words = if words.is_empty() {
            None
        } else {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(words)
                .ok()
        };
        SnippetWindow { words }
    }

    /// The part of `body` from a little before the first whole occurrence of a query word to
    /// a few snippets' length after it (so a later fragment with more matches can still win),
    /// both ends moved to a space where one is near; `None` when the scan finds no word.
    fn around<'a>(&self, body: &'a str) -> Option<&'a str> {
        let found = self
            .words
            .as_ref()?
            .find_iter(body)
            .find(|m| is_whole_word(body, m.start(), m.end()))?;
        let start = body.floor_char_boundary(found.start().saturating_sub(SNIPPET_BYTES / 2));
        let start = body[..start]
            .char_indices()
            .rev()
            .take(SNAP_CHARS)
            .find(|(_, c)| c.is_whitespace())
            .map_or(start, |(i, c)| i + c.len_utf8());
        let end = body.ceil_char_boundary(found.end() + 3 * SNIPPET_BYTES);
        let end = body[end..]
            .char_indices()
            .take(SNAP_CHARS)
            .find(|(_, c)| c.is_whitespace())
            .map_or(end, |(i, _)| end + i);
        Some(&body[start..end])
    }
}

/// How far (in characters) a snippet window's ends look for a space, so that they do not
/// cut a word in two.
const SNAP_CHARS: usize = 40;

/// Whether `body[start..end]` is not part of a longer word or number. Scripts written
/// without spaces have no such edges: the tokenizer cuts them into overlapping pairs, and
/// its notion of them ([`super::tokenize::is_cjk`]) is the one used here.
fn is_whole_word(body: &str, start: usize, end: usize) -> bool {
    let latin = |c: char| c.is_alphanumeric() && !super::tokenize::is_cjk(c);
    let first_latin = body[start..].chars().next().is_some_and(latin);
    let last_latin = body[..end].chars().next_back().is_some_and(latin);
    let before = body[..start].chars().next_back().is_some_and(latin);
    let after = body[end..].chars().next().is_some_and(latin);
    let joins_before = first_latin && before;
    let joins_after = last_latin && after;
    !(joins_before || joins_after)
}

/// The best fragment of `body` with the matched words, or its beginning.
fn snippet(generator: &SnippetGenerator, body: &str) -> Snippet {
    let found = generator.snippet(body);
    if found.highlighted().is_empty() {
        return lead(body);
    }
    collapse(found.fragment(), found.highlighted())
}

/// The beginning of `body`, nothing highlighted.
fn lead(body: &str) -> Snippet {
    let lead: String = body.chars().take(LEAD_CHARS).collect();
    collapse(&lead, &[])
}

/// Collapses whitespace runs to one space and turns byte ranges into char ranges.
fn collapse(fragment: &str, byte_ranges: &[std::ops::Range<usize>]) -> Snippet {
    let mut text = String::with_capacity(fragment.len());
    let mut highlights: Vec<[usize; 2]> = Vec::new();
    let mut chars = 0;
    let mut open: Option<usize> = None;
    let mut last_space = true;
    for (i, c) in fragment.char_indices() {
        let inside = byte_ranges.iter().any(|r| r.start <= i && i < r.end);
        if !inside {
            if let Some(start) = open.take() {
                highlights.push([start, chars]);
            }
        }
        if c.is_whitespace() {
            if !last_space && open.is_none() {
                text.push(' ');
                chars += 1;
            }
            last_space = true;
            continue;
        }
        if inside && open.is_none() {
            open = Some(chars);
        }
        text.push(c);
        chars += 1;
        last_space = false;
    }
    if let Some(start) = open {
        highlights.push([start, chars]);
    }
    if text.ends_with(' ') {
        text.pop();
    }
    Snippet { text, highlights }
}

/// One message in a customer's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub id: i64,
    pub date: Option<String>,
    pub direction: String,
    pub from: Option<String>,
    pub subject: String,
    /// Mailboxes holding a copy.
    pub mailboxes: Vec<String>,
}

/// Every message filed under customer `code` that `scope` may see, oldest first,
/// across all mailboxes (from SQLite: no index needed).
pub fn timeline(
    conn: &Connection,
    scope: &Scope,
    code: &str,
) -> Result<Vec<TimelineEntry>, IndexError> {
    let customer: Option<i64> = conn
        .query_row("SELECT id FROM customers WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(customer) = customer else {
        return Err(IndexError::UnknownCustomer(code.to_string()));
    };
    let mut stmt = conn.prepare(
        "SELECT m.id, m.date, m.direction, m.from_addr, m.subject,
            (SELECT group_concat(mailbox, ' ') FROM (SELECT DISTINCT mailbox FROM message_locations l
                WHERE l.message_id = m.id ORDER BY mailbox))
         FROM message_customers mc JOIN messages m ON m.id = mc.message_id
         WHERE mc.customer_id = ?1
         ORDER BY COALESCE(m.date, m.stored_at), m.id",
    )?;
    let rows = stmt.query_map([customer], |r| {
        Ok(TimelineEntry {
            id: r.get(0)?,
            date: r.get(1)?,
            direction: r.get(2)?,
            from: r.get(3)?,
            subject: r.get(4)?,
            mailboxes: sorted_words(r.get(5)?),
        })
    })?;
    let mut out = Vec::new();
    for entry in rows {
        let entry = entry?;
        if scope.allows(conn, entry.id)? {
            out.push(entry);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hits_codes_and_mailboxes_are_listed_once_in_order() {
        let listed = sorted_words(Some("li.wei finance li.wei".to_string()));
        assert_eq!(listed, ["finance", "li.wei"]);
        assert!(sorted_words(None).is_empty());
    }

    #[test]
    fn whole_addresses_become_key_lookups_and_the_rest_stays_as_written() {
        let cases = [
            (
                "from:martin.braun@ettus.com",
                r#"from_address:"martin.braun@ettus.com""#,
            ),
            (
                r#"to:"Buyer@Acme.DE" offer"#,
                r#"to_address:"buyer@acme.de" offer"#,
            ),
            (
                "quote AND (from:a.b@x.cn OR -to:c@y.de)",
                r#"quote AND (from_address:"a.b@x.cn" OR -to_address:"c@y.de")"#,
            ),
            ("from:acme.de", "from:acme.de"),
            ("from:buyer", "from:buyer"),
            ("from:buyer@", "from:buyer@"),
            ("from:*@acme.de", "from:*@acme.de"),
            (r#""mail from:x@y.de" body"#, r#""mail from:x@y.de" body"#),
            ("reply-to:x@y.de", "reply-to:x@y.de"),
            (
                "质量 from:采购@例子.中国",
                r#"质量 from_address:"采购@例子.中国""#,
            ),
            ("", ""),
        ];
        for (query, expected) in cases {
            assert_eq!(whole_addresses(query), expected, "{query}");
        }
    }

    #[test]
    fn the_snippet_window_opens_at_the_first_whole_word_in_any_case() {
        let window = SnippetWindow::new(&["rate".to_string(), "质量".to_string()]);
        let filler = "x ".repeat(400);
        let body = format!("{filler}Separate issue. {filler}The sample RATE is 1 MS/s. {filler}");
        let part = window.around(&body).expect("RATE is a whole word");
        assert!(part.contains("sample RATE is"), "{part}");
        assert!(
            !part.contains("Separate"),
            "'rate' inside a word opened it: {part}"
        );
        assert!(
            part.starts_with("x x"),
            "the window starts at a word: {part}"
        );
        assert!(part.ends_with('x'), "the window ends at a word: {part}");
        assert!(part.len() <= 4 * SNIPPET_BYTES + 2, "{} bytes", part.len());

        let chinese = format!("{filler}关于质量问题的回复{filler}");
        assert!(window.around(&chinese).unwrap().contains("质量问题"));
        // Multi-byte text on both sides of the cut stays whole.
        let wide = format!("{}rate{}", "质".repeat(200), "量".repeat(200));
        assert!(window.around(&wide).is_some_and(|p| p.contains("rate")));

        assert!(window.around("nothing to see here, separately").is_none());
        // A full-width letter is part of the word, as the tokenizer reads it (Ａrate → arate);
        // kana next to a word is an edge.
        assert!(window.around("Ｓeparate Ａrate").is_none());
        assert!(window.around("このrateです").is_some());
        assert!(SnippetWindow::new(&[]).around("rate").is_none());
    }

    #[test]
    fn collapse_counts_characters_not_bytes() {
        let s = "客户说\n\n  质量问题 ok";
        let start = s.find("质量").unwrap();
        let end = start + "质量问题".len();
        let ranges = vec![std::ops::Range { start, end }];
        let snip = collapse(s, &ranges);
        assert_eq!(snip.text, "客户说 质量问题 ok");
        assert_eq!(snip.highlights, vec![[4, 8]]);
        assert_eq!(snip.render("[", "]"), "客户说 [质量问题] ok");
    }

    #[test]
    fn render_marks_several_highlights() {
        let snip = Snippet {
            text: "a quality problem".into(),
            highlights: vec![[2, 9], [10, 17]],
        };
        assert_eq!(snip.render("<", ">"), "a <quality> <problem>");
    }
}
