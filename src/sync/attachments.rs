//! The optional attachment archive: attachment contents on disk, content-addressed.
//!
//! By default tradewind keeps attachment names, types and sizes only (the bytes stay on the
//! mail server). With `archive_attachments = true` a mailbox's attachments are also written
//! under `data_dir/attachments/<first two hex digits>/<sha256>`: the same quotation PDF sent to
//! ten customers is stored once. Files are written (atomically, via a rename) before the
//! database row that names them is committed, so a crash can leave an unreferenced file but
//! never a reference to a missing one.

use std::io::Write;
use std::path::{Path, PathBuf};

use mail_parser::MessageParser;
use sha2::{Digest, Sha256};

/// A file of the archive could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write attachment archive file {path}: {source}")]
pub struct ArchiveError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// The archive folder of a data dir.
pub fn archive_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("attachments")
}

/// Where the content with SHA-256 `hex` lives.
pub fn path_of(dir: &Path, hex: &str) -> PathBuf {
    dir.join(&hex[..2]).join(hex)
}

/// Writes every attachment of `raw` into `dir` (once per distinct content) and returns their
/// SHA-256 in the order of [`crate::parse::ParsedMail::attachments`].
pub fn archive(raw: &[u8], dir: &Path) -> Result<Vec<String>, ArchiveError> {
    let Some(message) = MessageParser::default().parse(raw) else {
        return Ok(Vec::new());
    };
    let mut hashes = Vec::new();
    for part in message.attachments() {
        let contents = part.contents();
        let hex: String = Sha256::digest(contents)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let path = path_of(dir, &hex);
        if !path.exists() {
            write_atomically(&path, contents).map_err(|source| ArchiveError {
                path: path.clone(),
                source,
            })?;
        }
        hashes.push(hex);
    }
    Ok(hashes)
}

fn write_atomically(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let parent = path.parent().expect("archive paths have a parent");
    std::fs::create_dir_all(parent)?;
    let tmp = parent.join(format!(
        ".{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("part"),
        std::process::id()
    ));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIL: &[u8] = b"From: a@b.cn\r\nSubject: PI\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n\
--XX\r\nContent-Type: application/pdf; name=pi.pdf\r\nContent-Disposition: attachment; filename=pi.pdf\r\n\
Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--XX--\r\n";

    #[test]
    fn stores_each_content_once() {
        let dir = tempfile::tempdir().unwrap();
        let first = archive(MAIL, dir.path()).unwrap();
        let second = archive(MAIL, dir.path()).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.len(), 1);
        let path = path_of(dir.path(), &first[0]);
        assert_eq!(std::fs::read(&path).unwrap(), b"%PDF-1.4\n");
        let files = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(files, 1, "no temp files left behind");
    }
}
