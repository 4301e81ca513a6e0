//! Sync state per IMAP folder: UIDVALIDITY, the highest UID stored, HIGHESTMODSEQ.
//!
//! The state row is written in the same transaction as the messages it covers (mbsync's
//! discipline: the watermark never moves ahead of the data), so after a crash or kill -9 the
//! next sync starts exactly after the last committed batch.

use std::collections::HashSet;

use rusqlite::{params, Connection, OptionalExtension};

/// Where the sync of one folder stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderState {
    pub mailbox: String,
    /// The wire name (modified UTF-7).
    pub raw_name: String,
    /// The decoded name, as in `message_locations.folder`.
    pub name: String,
    pub uidvalidity: u32,
    /// Every UID up to this one has been stored (or was gone when fetched).
    pub highest_uid: u32,
    pub highest_modseq: Option<u64>,
}

/// The stored state of a folder, if it was ever synced.
pub fn load(
    conn: &Connection,
    mailbox: &str,
    raw_name: &str,
) -> rusqlite::Result<Option<FolderState>> {
    conn.query_row(
        "SELECT name, uidvalidity, highest_uid, highest_modseq FROM imap_folders
         WHERE mailbox = ?1 AND raw_name = ?2",
        params![mailbox, raw_name],
        |r| {
            Ok(FolderState {
                mailbox: mailbox.to_owned(),
                raw_name: raw_name.to_owned(),
                name: r.get(0)?,
                uidvalidity: r.get(1)?,
                highest_uid: r.get(2)?,
                highest_modseq: r.get::<_, Option<i64>>(3)?.map(|m| m as u64),
            })
        },
    )
    .optional()
}

/// Records `state`, in the caller's transaction.
pub fn save(conn: &Connection, state: &FolderState) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO imap_folders (mailbox, raw_name, name, uidvalidity, highest_uid, highest_modseq, last_synced)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (mailbox, raw_name) DO UPDATE SET name = excluded.name,
             uidvalidity = excluded.uidvalidity, highest_uid = excluded.highest_uid,
             highest_modseq = excluded.highest_modseq, last_synced = excluded.last_synced",
    )?
    .execute(params![
        state.mailbox,
        state.raw_name,
        state.name,
        state.uidvalidity,
        state.highest_uid,
        state.highest_modseq.map(|m| m as i64),
        crate::store::now()
    ])?;
    Ok(())
}

/// Marks as gone every location of `folder` the server no longer has: a UID not in
/// `server_uids`, or one from an older UIDVALIDITY that a re-scan did not re-attach.
/// The messages themselves stay (handover continuity, §2.4). Returns how many were marked.
pub fn mark_gone(
    conn: &Connection,
    mailbox: &str,
    folder: &str,
    uidvalidity: u32,
    server_uids: &HashSet<u32>,
) -> rusqlite::Result<usize> {
    let now = crate::store::now();
    let mut gone = 0;
    for table in ["message_locations", "unparsed_messages"] {
        let stale: Vec<i64> = {
            let mut stmt = conn.prepare(&format!(
                "SELECT id, uidvalidity, uid FROM {table}
                 WHERE mailbox = ?1 AND folder = ?2 AND gone_at IS NULL AND uid IS NOT NULL"
            ))?;
            let rows = stmt.query_map(params![mailbox, folder], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<u32>>(1)?,
                    r.get::<_, u32>(2)?,
                ))
            })?;
            let mut stale = Vec::new();
            for row in rows {
                let (id, validity, uid) = row?;
                if validity != Some(uidvalidity) || !server_uids.contains(&uid) {
                    stale.push(id);
                }
            }
            stale
        };
        let mut mark = conn.prepare(&format!("UPDATE {table} SET gone_at = ?1 WHERE id = ?2"))?;
        for id in stale {
            gone += mark.execute(params![now, id])?;
        }
    }
    Ok(gone)
}

/// After a UIDVALIDITY change: drops raw copies of unparsable messages from the old
/// UIDVALIDITY that the re-scan stored again (same bytes), so they are not kept twice.
pub fn drop_refetched_unparsed(
    conn: &Connection,
    mailbox: &str,
    folder: &str,
    uidvalidity: u32,
) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM unparsed_messages AS old
         WHERE old.mailbox = ?1 AND old.folder = ?2 AND old.uidvalidity <> ?3
           AND EXISTS (SELECT 1 FROM unparsed_messages AS new
                       WHERE new.mailbox = old.mailbox AND new.folder = old.folder
                         AND new.uidvalidity = ?3 AND new.raw = old.raw)",
        params![mailbox, folder, uidvalidity],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn state_round_trips_and_updates() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("tw.db")).unwrap();
        assert_eq!(load(store.conn(), "li.wei", "INBOX").unwrap(), None);
        let mut state = FolderState {
            mailbox: "li.wei".into(),
            raw_name: "&XfJT0ZAB-".into(),
            name: "已发送".into(),
            uidvalidity: 7,
            highest_uid: 200,
            highest_modseq: Some(1 << 40),
        };
        save(store.conn(), &state).unwrap();
        assert_eq!(
            load(store.conn(), "li.wei", "&XfJT0ZAB-").unwrap(),
            Some(state.clone())
        );
        state.highest_uid = 400;
        state.highest_modseq = None;
        save(store.conn(), &state).unwrap();
        assert_eq!(
            load(store.conn(), "li.wei", "&XfJT0ZAB-").unwrap(),
            Some(state)
        );
    }
}
