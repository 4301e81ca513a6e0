//! Batched, ascending UID FETCH: which UIDs to ask for, in sets servers accept.
//!
//! UID sets stay under [`MAX_SET_LEN`] characters (some servers refuse long command lines)
//! and ranges are always ascending (QQ Mail answers `BAD` to `1593:1580`).

use std::collections::HashMap;

use crate::source::imap::{FetchedMessage, ImapError, ImapSession};

/// Longest UID set sent in one command.
pub const MAX_SET_LEN: usize = 900;

/// Compresses ascending `uids` into IMAP sets (`1:5,9,12:14`), each at most `max_len`
/// characters (a single range is never split, it is short).
pub fn uid_sets(uids: &[u32], max_len: usize) -> Vec<String> {
    let mut sets = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < uids.len() {
        let start = uids[i];
        let mut end = start;
        while i + 1 < uids.len() && uids[i + 1] == end + 1 {
            i += 1;
            end = uids[i];
        }
        i += 1;
        let piece = if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        };
        if !current.is_empty() && current.len() + 1 + piece.len() > max_len {
            sets.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(',');
        }
        current.push_str(&piece);
    }
    if !current.is_empty() {
        sets.push(current);
    }
    sets
}

/// Most bytes of mail held in memory per batch: a batch is fetched while the previous one is
/// stored, so peak memory stays near twice this however large the attachments are.
pub const MAX_BATCH_BYTES: u64 = 16 * 1024 * 1024;

/// The RFC822.SIZE of each of `uids` (ascending) in the examined folder.
pub async fn sizes(
    session: &mut ImapSession,
    uids: &[u32],
) -> Result<HashMap<u32, u32>, ImapError> {
    let mut out = HashMap::with_capacity(uids.len());
    for set in uid_sets(uids, MAX_SET_LEN) {
        out.extend(session.fetch_sizes(&set).await?);
    }
    Ok(out)
}

/// Splits ascending `uids` into batches of at most `max_count` messages and `max_bytes` bytes
/// (a single larger message is a batch of its own). Unknown sizes count as zero.
pub fn plan_batches(
    uids: &[u32],
    sizes: &HashMap<u32, u32>,
    max_count: usize,
    max_bytes: u64,
) -> Vec<Vec<u32>> {
    let mut batches = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0u64;
    for &uid in uids {
        let size = u64::from(sizes.get(&uid).copied().unwrap_or(0));
        if !current.is_empty() && (current.len() >= max_count.max(1) || bytes + size > max_bytes) {
            batches.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(uid);
        bytes += size;
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}

/// Fetches the messages with `uids` (ascending) from the examined folder, read-only.
pub async fn fetch_batch(
    session: &mut ImapSession,
    uids: &[u32],
) -> Result<Vec<FetchedMessage>, ImapError> {
    let mut out = Vec::with_capacity(uids.len());
    for set in uid_sets(uids, MAX_SET_LEN) {
        out.extend(session.fetch_peek(&set).await?);
    }
    out.sort_by_key(|m| m.uid);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_respect_count_and_bytes() {
        let uids: Vec<u32> = (1..=10).collect();
        let mut sizes: HashMap<u32, u32> = uids.iter().map(|&u| (u, 100)).collect();
        assert_eq!(
            plan_batches(&uids, &sizes, 4, 10_000),
            [vec![1, 2, 3, 4], vec![5, 6, 7, 8], vec![9, 10]]
        );
        sizes.insert(3, 5_000);
        assert_eq!(
            plan_batches(&uids, &sizes, 100, 1_000),
            [vec![1, 2], vec![3], (4..=10).collect::<Vec<_>>()]
        );
        assert!(plan_batches(&[], &sizes, 10, 10).is_empty());
    }

    #[test]
    fn compresses_and_splits() {
        assert_eq!(uid_sets(&[1, 2, 3, 5, 7, 8], 100), ["1:3,5,7:8"]);
        assert!(uid_sets(&[], 100).is_empty());
        let sparse: Vec<u32> = (0..1000).map(|i| 100_000 + i * 2).collect();
        let sets = uid_sets(&sparse, MAX_SET_LEN);
        assert!(sets.len() > 1);
        assert!(sets.iter().all(|s| s.len() <= MAX_SET_LEN));
        let back: Vec<u32> = sets
            .iter()
            .flat_map(|s| s.split(','))
            .map(|p| p.parse::<u32>().unwrap())
            .collect();
        assert_eq!(back, sparse);
    }
}
