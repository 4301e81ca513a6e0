//! Offline mail: what Foxmail, Thunderbird, Outlook exports and old backups give —
//! a Maildir (plain or Maildir++), an mbox file, a folder of .eml files, or any tree
//! mixing them. The first path into the store, and the test bed for parsing.
//!
//! [`scan`] finds every message source under a path without reading mail;
//! [`read_all`] then streams each raw message (mbox files line by line, never whole),
//! reporting an unreadable file as a [`Problem`] and going on.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The path given cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum OfflineError {
    #[error("{}: no such file or directory", .0.display())]
    NotFound(PathBuf),
    #[error("cannot read {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: no Maildir, mbox or .eml files found", .0.display())]
    NothingToImport(PathBuf),
}

/// How one source file holds its mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One message per file (Maildir `cur/`/`new/` entries, `.eml` files).
    SingleMessage,
    /// Many messages separated by "From " lines.
    Mbox,
}

/// One file to read mail from, and the folder its mail belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: PathBuf,
    pub folder: String,
    pub format: Format,
    pub size: u64,
}

/// One raw message read from a source.
#[derive(Debug, Clone)]
pub struct RawMail {
    pub folder: String,
    /// Stable reference to where it came from: a Maildir unique name, a file path,
    /// or `path#N` for the N-th message of an mbox.
    pub source_ref: String,
    pub bytes: Vec<u8>,
}

/// Something under the path that could not be read; the import goes on without it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub source_ref: String,
    pub reason: String,
}

/// Files that mail clients and servers keep beside mail; never messages.
const NOT_MAIL: &[&str] = &[
    "maildirfolder",
    "subscriptions",
    "dovecot-uidlist",
    "dovecot-keywords",
    ".DS_Store",
];

/// Finds every mail source under `path` (a file or a directory tree).
pub fn scan(path: &Path) -> Result<Vec<SourceFile>, OfflineError> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => OfflineError::NotFound(path.to_path_buf()),
        _ => OfflineError::Unreadable {
            path: path.to_path_buf(),
            source,
        },
    })?;
    let mut out = Vec::new();
    if meta.is_file() {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let format = sniff(path).map_err(|source| OfflineError::Unreadable {
            path: path.to_path_buf(),
            source,
        })?;
        let folder = if format == Format::Mbox {
            stem
        } else {
            "INBOX".to_string()
        };
        out.push(SourceFile {
            path: path.to_path_buf(),
            folder,
            format,
            size: meta.len(),
        });
    } else {
        walk(path, path, &mut out)?;
    }
    if out.is_empty() {
        return Err(OfflineError::NothingToImport(path.to_path_buf()));
    }
    out.sort_by(|a, b| (&a.folder, &a.path).cmp(&(&b.folder, &b.path)));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> Result<(), OfflineError> {
    let unreadable = |source| OfflineError::Unreadable {
        path: dir.to_path_buf(),
        source,
    };
    let is_maildir = dir.join("cur").is_dir() || dir.join("new").is_dir();
    let folder = folder_name(root, dir);
    if is_maildir {
        for sub in ["cur", "new"] {
            let sub_dir = dir.join(sub);
            if !sub_dir.is_dir() {
                continue;
            }
            for entry in std::fs::read_dir(&sub_dir).map_err(unreadable)? {
                let entry = entry.map_err(unreadable)?;
                let meta = entry.metadata().map_err(unreadable)?;
                if meta.is_file() && !entry.file_name().to_string_lossy().starts_with('.') {
                    out.push(SourceFile {
                        path: entry.path(),
                        folder: folder.clone(),
                        format: Format::SingleMessage,
                        size: meta.len(),
                    });
                }
            }
        }
    }
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .collect::<Result<_, _>>()
        .map_err(unreadable)?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = entry.metadata().map_err(unreadable)?;
        if meta.is_dir() {
            if is_maildir && matches!(name.as_str(), "cur" | "new" | "tmp") {
                continue;
            }
            walk(root, &path, out)?;
        } else if meta.is_file()
            && !NOT_MAIL.contains(&name.as_str())
            && !name.starts_with("dovecot.")
        {
            let lower = name.to_ascii_lowercase();
            if lower.ends_with(".eml") {
                out.push(SourceFile {
                    path,
                    folder: folder.clone(),
                    format: Format::SingleMessage,
                    size: meta.len(),
                });
            } else if !lower.ends_with(".msf") && sniff(&path).ok() == Some(Format::Mbox) {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or(name);
                let mbox_folder = if folder == "INBOX" {
                    stem
                } else {
                    format!("{folder}/{stem}")
                };
                out.push(SourceFile {
                    path,
                    folder: mbox_folder,
                    format: Format::Mbox,
                    size: meta.len(),
                });
            }
        }
    }
    Ok(())
}

/// The folder name of `dir` under `root`: "INBOX" for the root, Maildir++ ".Sent.2026"
/// as "Sent/2026", nested directories joined with "/".
fn folder_name(root: &Path, dir: &Path) -> String {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .flat_map(|p| match p.strip_prefix('.') {
            Some(maildirpp) => maildirpp.split('.').map(String::from).collect::<Vec<_>>(),
            None => vec![p],
        })
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        "INBOX".to_string()
    } else {
        parts.join("/")
    }
}

/// An mbox starts with a "From " line; anything else is taken as one message.
fn sniff(path: &Path) -> std::io::Result<Format> {
    let mut head = [0u8; 5];
    let mut file = File::open(path)?;
    let n = std::io::Read::read(&mut file, &mut head)?;
    Ok(if n == 5 && &head == b"From " {
        Format::Mbox
    } else {
        Format::SingleMessage
    })
}

/// Reads every message of `sources`, calling `each` with a message or a problem.
/// Returns how many bytes of sources were read, for progress.
pub fn read_all(sources: &[SourceFile], mut each: impl FnMut(Result<RawMail, Problem>, u64)) {
    for source in sources {
        match source.format {
            Format::SingleMessage => {
                let source_ref = single_ref(source);
                let item = std::fs::read(&source.path)
                    .map(|bytes| RawMail {
                        folder: source.folder.clone(),
                        source_ref: source_ref.clone(),
                        bytes,
                    })
                    .map_err(|e| Problem {
                        source_ref: source.path.display().to_string(),
                        reason: e.to_string(),
                    });
                each(item, source.size);
            }
            Format::Mbox => read_mbox(source, &mut each),
        }
    }
}

/// A Maildir file's unique name without its flags (they change; the name does not),
/// otherwise the path.
fn single_ref(source: &SourceFile) -> String {
    let in_maildir = source
        .path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "cur" || n == "new");
    if in_maildir {
        let name = source
            .path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        let unique = name.split_once(":2,").map_or(&*name, |(u, _)| u);
        format!("{}/{}", source.folder, unique)
    } else {
        source.path.display().to_string()
    }
}

/// Streams an mbox: a "From " line at the start or after an empty line begins a
/// message; mboxrd ">From " escapes are undone.
fn read_mbox(source: &SourceFile, each: &mut impl FnMut(Result<RawMail, Problem>, u64)) {
    let problem = |e: std::io::Error| Problem {
        source_ref: source.path.display().to_string(),
        reason: e.to_string(),
    };
    let file = match File::open(&source.path) {
        Ok(f) => f,
        Err(e) => return each(Err(problem(e)), source.size),
    };
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let mut line = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    let mut index = 0usize;
    let mut consumed = 0u64;
    let mut previous_blank = true;
    let emit = |bytes: Vec<u8>,
                index: usize,
                consumed: u64,
                each: &mut dyn FnMut(Result<RawMail, Problem>, u64)| {
        each(
            Ok(RawMail {
                folder: source.folder.clone(),
                source_ref: format!("{}#{}", source.path.display(), index),
                bytes,
            }),
            consumed,
        );
    };
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(n) => consumed += n as u64,
            Err(e) => {
                each(Err(problem(e)), 0);
                break;
            }
        }
        if previous_blank && line.starts_with(b"From ") {
            if let Some(done) = current.take() {
                emit(
                    trim_separator(done),
                    index,
                    std::mem::take(&mut consumed),
                    each,
                );
                index += 1;
            }
            current = Some(Vec::new());
            previous_blank = false;
            continue;
        }
        previous_blank = line == b"\n" || line == b"\r\n";
        if let Some(message) = current.as_mut() {
            let gt = line.iter().take_while(|&&b| b == b'>').count();
            if gt > 0 && line[gt..].starts_with(b"From ") {
                message.extend_from_slice(&line[1..]);
            } else {
                message.extend_from_slice(&line);
            }
        }
    }
    if let Some(done) = current {
        emit(trim_separator(done), index, consumed, each);
    }
}

/// Drops the blank line that separates a message from the next "From " line.
fn trim_separator(mut message: Vec<u8>) -> Vec<u8> {
    if message.ends_with(b"\r\n\r\n") {
        message.truncate(message.len() - 2);
    } else if message.ends_with(b"\n\n") {
        message.truncate(message.len() - 1);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, bytes: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    fn collect(path: &Path) -> (Vec<RawMail>, Vec<Problem>) {
        let sources = scan(path).unwrap();
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        read_all(&sources, |item, _| match item {
            Ok(m) => ok.push(m),
            Err(p) => bad.push(p),
        });
        (ok, bad)
    }

    #[test]
    fn maildir_plus_plus_folders_and_unique_names() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(&root.join("cur/1.a.host:2,S"), b"Subject: a\r\n\r\nx");
        write(&root.join("new/2.b.host"), b"Subject: b\r\n\r\nx");
        write(&root.join(".Sent/cur/3.c.host:2,S"), b"Subject: c\r\n\r\nx");
        write(
            &root.join(".Customers.USA/cur/4.d.host:2,"),
            b"Subject: d\r\n\r\nx",
        );
        write(&root.join("dovecot-uidlist"), b"3 V1 N5\n");
        std::fs::create_dir_all(root.join("tmp")).unwrap();
        let (mail, problems) = collect(root);
        assert!(problems.is_empty());
        let mut seen: Vec<(String, String)> = mail
            .iter()
            .map(|m| (m.folder.clone(), m.source_ref.clone()))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("Customers/USA".into(), "Customers/USA/4.d.host".into()),
                ("INBOX".into(), "INBOX/1.a.host".into()),
                ("INBOX".into(), "INBOX/2.b.host".into()),
                ("Sent".into(), "Sent/3.c.host".into()),
            ]
        );
    }

    #[test]
    fn mbox_splits_and_unescapes() {
        let dir = tempfile::tempdir().unwrap();
        let mbox = dir.path().join("Inbox");
        write(
            &mbox,
            b"From a@b Mon Jan  1 00:00:00 2026\nSubject: one\n\nline\n>From the start\n\nFrom c@d Mon Jan  1 00:00:00 2026\nSubject: two\n\nbody two\n",
        );
        let (mail, _) = collect(dir.path());
        assert_eq!(mail.len(), 2);
        assert_eq!(mail[0].folder, "Inbox");
        assert_eq!(mail[0].bytes, b"Subject: one\n\nline\nFrom the start\n");
        assert_eq!(mail[1].bytes, b"Subject: two\n\nbody two\n");
        assert!(mail[1].source_ref.ends_with("Inbox#1"));
    }

    #[test]
    fn eml_folder_tree() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("a.eml"), b"Subject: a\r\n\r\nx");
        write(&dir.path().join("客户/美国/b.EML"), b"Subject: b\r\n\r\nx");
        write(&dir.path().join("notes.txt"), b"not mail");
        let (mail, _) = collect(dir.path());
        let folders: Vec<&str> = mail.iter().map(|m| m.folder.as_str()).collect();
        assert_eq!(folders, ["INBOX", "客户/美国"]);
    }

    #[test]
    fn missing_and_empty_paths_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            scan(&dir.path().join("nope")),
            Err(OfflineError::NotFound(_))
        ));
        assert!(matches!(
            scan(dir.path()),
            Err(OfflineError::NothingToImport(_))
        ));
    }
}
