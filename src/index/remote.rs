//! Searching through the running daemon (issue 4: "searchable … in milliseconds"; §5 managers
//! searching correspondence history).
//!
//! A search run as a process of its own spends most of its time before it searches: starting,
//! opening SQLite (which parses the whole schema) and opening the index. The daemon keeps
//! both open, so it answers searches on a Unix socket in the data directory, [`SOCKET`], and
//! `tradewind search` asks there first, searching in-process only when no daemon answers.
//!
//! The protocol is one request per connection: a JSON [`Request`] line in, a JSON
//! [`Response`] line out. The socket is mode 0600 in the data directory: whoever may connect
//! may read the database file anyway, which is why the request names its actor the way the
//! command line does (`--as`), and the daemon resolves that actor's [`super::Scope`] itself.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::search::{SearchRequest, SearchResults};

/// The socket's file name in the data directory.
pub const SOCKET: &str = "search.sock";

/// Longest request line the daemon reads (a query is a few hundred bytes).
pub const MAX_REQUEST: usize = 64 * 1024;

/// How long a client waits for the daemon's answer before searching in-process instead.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(30);

/// The socket's path under `data_dir`.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join(SOCKET)
}

/// A search as sent to the daemon.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    /// Who is searching: a configured login, or `cli:USER` for a local administrator.
    pub actor: String,
    pub search: SearchRequest,
}

/// The daemon's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// The search ran.
    Results(SearchResults),
    /// The request itself is wrong (a query that does not parse, an unknown `--as` user, a
    /// bad date, an unknown customer): the message is for the person who asked.
    Refused(String),
    /// The daemon cannot search now (its index is being rebuilt, a database error): the
    /// client searches in-process instead.
    Unavailable(String),
}

/// Why asking the daemon gave no results.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// The daemon refused the request; the text says why, as a local search would.
    #[error("{0}")]
    Refused(String),
}

/// Asks the daemon serving `data_dir` to run `request`.
///
/// `Ok(None)` when no daemon answers — no socket, nobody listening, a broken or late answer,
/// or a daemon that cannot search now — so the caller searches in-process; each such case is
/// logged at debug level (or warn when a daemon was there but failed).
pub fn ask(data_dir: &Path, request: &Request) -> Result<Option<SearchResults>, RemoteError> {
    let path = socket_path(data_dir);
    let stream = match UnixStream::connect(&path) {
        Ok(s) => s,
        Err(e) => {
            tracing::debug!(socket = %path.display(), error = %e, "no daemon answers searches; searching in-process");
            return Ok(None);
        }
    };
    match exchange(stream, request) {
        Ok(Response::Results(results)) => Ok(Some(results)),
        Ok(Response::Refused(reason)) => Err(RemoteError::Refused(reason)),
        Ok(Response::Unavailable(reason)) => {
            tracing::info!(%reason, "the daemon cannot search now; searching in-process");
            Ok(None)
        }
        Err(e) => {
            tracing::warn!(socket = %path.display(), error = %e, "the daemon's search answer failed; searching in-process");
            Ok(None)
        }
    }
}

fn exchange(mut stream: UnixStream, request: &Request) -> std::io::Result<Response> {
    stream.set_read_timeout(Some(ANSWER_TIMEOUT))?;
    stream.set_write_timeout(Some(ANSWER_TIMEOUT))?;
    let mut line = serde_json::to_vec(request)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    if answer.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the daemon closed the connection without answering",
        ));
    }
    Ok(serde_json::from_str(&answer)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_socket_means_no_daemon() {
        let dir = tempfile::tempdir().unwrap();
        let request = Request {
            actor: "cli:test".into(),
            search: SearchRequest::default(),
        };
        assert!(ask(dir.path(), &request).unwrap().is_none());
    }

    #[test]
    fn a_stale_socket_file_means_no_daemon() {
        let dir = tempfile::tempdir().unwrap();
        // A socket whose listener is gone: connecting is refused.
        drop(std::os::unix::net::UnixListener::bind(socket_path(dir.path())).unwrap());
        let request = Request {
            actor: "cli:test".into(),
            search: SearchRequest::default(),
        };
        assert!(ask(dir.path(), &request).unwrap().is_none());
    }

    #[test]
    fn responses_round_trip_as_one_json_line() {
        let refused = Response::Refused("cannot understand the query 'a:'".into());
        let line = serde_json::to_string(&refused).unwrap();
        assert!(!line.contains('\n'));
        match serde_json::from_str::<Response>(&line).unwrap() {
            Response::Refused(text) => assert_eq!(text, "cannot understand the query 'a:'"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
