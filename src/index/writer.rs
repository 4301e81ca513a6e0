//! SQLite → index documents: catch-up above the watermark and re-indexing of changed
//! messages (issue 4, search).
//!
//! One commit per catch-up, never per message (each commit makes a segment and
//! tantivy has no back-pressure, research §1.5); the watermark moves only after the
//! commit. The writer is opened per catch-up that has work and dropped after it, so
//! an idle daemon holds neither its 50 MB budget nor the index lock.

use rusqlite::{params, Connection};
use std::collections::BTreeMap;
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};

use super::schema::Fields;
use super::{IndexError, Indexer, WRITER_BUDGET};
use crate::progress::Progress;
use crate::store::Store;

/// Messages loaded from SQLite per round trip.
const CHUNK: i64 = 1000;

/// Everything indexed about one message.
#[derive(Debug, Default)]
struct Source {
    id: i64,
    subject: String,
    body: String,
    date: Option<String>,
    direction: String,
    from: Vec<String>,
    to: Vec<String>,
    /// The addresses alone (also in `from` / `to`, beside the names).
    from_addresses: Vec<String>,
    to_addresses: Vec<String>,
    attachments: Vec<String>,
    has_attachment: bool,
    customers: Vec<(i64, String, Option<String>)>,
    locations: Vec<(String, String)>,
}

/// Indexes everything above the watermark and the queued dirty messages; one commit.
pub(super) fn catch_up(
    indexer: &mut Indexer,
    store: &Store,
    progress: &mut Progress,
) -> Result<usize, IndexError> {
    let conn = store.conn();
    let stored_watermark: i64 = conn.query_row(
        "SELECT watermark FROM search_index_state WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let watermark = if indexer.fresh { 0 } else { stored_watermark };
    let max_id: i64 = conn.query_row("SELECT COALESCE(MAX(id), 0) FROM messages", [], |r| {
        r.get(0)
    })?;
    let max_seq: i64 = conn.query_row(
        "SELECT COALESCE(MAX(seq), 0) FROM search_index_dirty",
        [],
        |r| r.get(0),
    )?;
    if max_id <= watermark && max_seq == 0 && !indexer.fresh {
        return Ok(0);
    }
    let dirty: Vec<i64> = if watermark == 0 {
        Vec::new() // everything is indexed afresh anyway
    } else {
        let mut stmt = conn.prepare(
            "SELECT DISTINCT message_id FROM search_index_dirty WHERE seq <= ?1 AND message_id <= ?2 ORDER BY message_id",
        )?;
        let ids = stmt.query_map(params![max_seq, watermark], |r| r.get(0))?;
        ids.collect::<Result<_, _>>()?
    };
    let mut writer: IndexWriter<TantivyDocument> = indexer
        .index
        .writer(WRITER_BUDGET)
        .map_err(|e| indexer.tantivy_err(e))?;
    if watermark == 0 {
        // The index may hold documents of another database: start clean.
        writer
            .delete_all_documents()
            .map_err(|e| indexer.tantivy_err(e))?;
    }
    let fields = &indexer.fields;
    let mut count = 0;
    let mut fresh_progress = Progress::hidden();
    let progress = if watermark == 0 {
        progress
    } else {
        &mut fresh_progress
    };
    let mut lo = watermark;
    while lo < max_id {
        let hi = (lo + CHUNK).min(max_id);
        let sources = load_range(conn, lo, hi)?;
        for source in &sources {
            put(&writer, fields, source).map_err(|e| indexer.tantivy_err(e))?;
        }
        count += sources.len();
        progress.inc(sources.len() as u64);
        lo = hi;
    }
    for id in dirty {
        let sources = load_range(conn, id - 1, id)?;
        if sources.is_empty() {
            writer.delete_term(Term::from_field_u64(fields.id, id as u64));
        }
        for source in &sources {
            put(&writer, fields, source).map_err(|e| indexer.tantivy_err(e))?;
            count += 1;
        }
    }
    writer.commit().map_err(|e| indexer.tantivy_err(e))?;
    writer
        .wait_merging_threads()
        .map_err(|e| indexer.tantivy_err(e))?;
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE search_index_state SET watermark = ?1 WHERE id = 1",
        [max_id.max(watermark)],
    )?;
    tx.execute("DELETE FROM search_index_dirty WHERE seq <= ?1", [max_seq])?;
    tx.commit()?;
    indexer.fresh = false;
    indexer.reload()?;
    progress.finish();
    tracing::debug!(count, watermark = max_id, "search index caught up");
    Ok(count)
}

/// Replaces the document of `source` (delete by id, then add: a replay never duplicates).
fn put(
    writer: &IndexWriter<TantivyDocument>,
    f: &Fields,
    s: &Source,
) -> Result<(), tantivy::TantivyError> {
    writer.delete_term(Term::from_field_u64(f.id, s.id as u64));
    let mut doc = TantivyDocument::default();
    doc.add_u64(f.id, s.id as u64);
    doc.add_text(f.subject, &s.subject);
    doc.add_text(f.body, &s.body);
    for v in &s.from {
        doc.add_text(f.from, v);
    }
    for v in &s.to {
        doc.add_text(f.to, v);
    }
    for v in &s.from_addresses {
        doc.add_text(f.from_address, v);
    }
    for v in &s.to_addresses {
        doc.add_text(f.to_address, v);
    }
    for v in &s.attachments {
        doc.add_text(f.attachment, v);
    }
    doc.add_bool(f.has_attachment, s.has_attachment);
    for (id, code, owner) in &s.customers {
        doc.add_u64(f.customer_id, *id as u64);
        doc.add_text(f.customer, code);
        if let Some(owner) = owner {
            doc.add_text(f.owner, owner);
        }
    }
    for (mailbox, folder) in &s.locations {
        doc.add_text(f.mailbox, mailbox);
        doc.add_text(f.folder, folder);
    }
    doc.add_text(f.direction, &s.direction);
    match s.direction.as_str() {
        "inbound" => doc.add_text(f.direction, "in"),
        "outbound" => doc.add_text(f.direction, "out"),
        _ => {}
    }
    // tantivy keeps nanoseconds in an i64 (years ~1677–2262) and overflows beyond; parsing
    // already drops implausible dates, this guards rows stored before it did.
    if let Some(ts) = s.date.as_deref().and_then(timestamp) {
        if ts.checked_mul(1_000_000_000).is_some() {
            doc.add_date(f.date, DateTime::from_timestamp_secs(ts));
        }
    }
    writer.add_document(doc)?;
    Ok(())
}

/// Seconds since the epoch of a stored RFC 3339 date.
pub(super) fn timestamp(date: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(date)
        .ok()
        .map(|d| d.timestamp())
}

/// The messages with `lo < id <= hi`, with their addresses, attachments, customers and copies.
fn load_range(conn: &Connection, lo: i64, hi: i64) -> rusqlite::Result<Vec<Source>> {
    let mut by_id: BTreeMap<i64, Source> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, subject, body_text, COALESCE(date, stored_at), direction, from_addr, from_name
         FROM messages WHERE id > ?1 AND id <= ?2",
    )?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let mut from = Vec::new();
        if let Some(name) = r.get::<_, Option<String>>(6)? {
            from.push(name);
        }
        let from_addresses: Vec<String> = r.get::<_, Option<String>>(5)?.into_iter().collect();
        from.extend(from_addresses.iter().cloned());
        by_id.insert(
            id,
            Source {
                id,
                subject: r.get(1)?,
                body: r.get(2)?,
                date: r.get(3)?,
                direction: r.get(4)?,
                from,
                from_addresses,
                ..Source::default()
            },
        );
    }
    if by_id.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, kind, address, name FROM message_addresses
         WHERE message_id > ?1 AND message_id <= ?2 AND kind IN ('sender', 'to', 'cc', 'bcc')",
    )?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        let Some(s) = by_id.get_mut(&r.get::<_, i64>(0)?) else {
            continue;
        };
        let kind: String = r.get(1)?;
        let (list, addresses) = if kind == "sender" {
            (&mut s.from, &mut s.from_addresses)
        } else {
            (&mut s.to, &mut s.to_addresses)
        };
        if let Some(name) = r.get::<_, Option<String>>(3)? {
            list.push(name);
        }
        let address: String = r.get(2)?;
        addresses.push(address.clone());
        list.push(address);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, filename FROM attachments WHERE message_id > ?1 AND message_id <= ?2",
    )?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        if let Some(s) = by_id.get_mut(&r.get::<_, i64>(0)?) {
            s.has_attachment = true;
            if let Some(name) = r.get::<_, Option<String>>(1)? {
                s.attachments.push(name);
            }
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT mc.message_id, c.id, c.code, c.owner FROM message_customers mc
         JOIN customers c ON c.id = mc.customer_id
         WHERE mc.message_id > ?1 AND mc.message_id <= ?2",
    )?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        if let Some(s) = by_id.get_mut(&r.get::<_, i64>(0)?) {
            s.customers.push((r.get(1)?, r.get(2)?, r.get(3)?));
        }
    }
    let mut stmt = conn.prepare_cached(
        "SELECT message_id, mailbox, folder FROM message_locations
         WHERE message_id > ?1 AND message_id <= ?2",
    )?;
    let mut rows = stmt.query(params![lo, hi])?;
    while let Some(r) = rows.next()? {
        if let Some(s) = by_id.get_mut(&r.get::<_, i64>(0)?) {
            s.locations.push((r.get(1)?, r.get(2)?));
        }
    }
    Ok(by_id.into_values().collect())
}
