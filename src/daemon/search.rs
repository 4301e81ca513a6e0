//! The daemon's search socket (issue 4, query latency): answers `tradewind search` with the
//! index and a read-only database connection kept open, so a search costs the search itself.
//! The protocol and the client are in [`crate::index::remote`].
//!
//! Searches run one at a time on a blocking thread (each takes milliseconds); the index is
//! opened on the first request and reloaded before each, so what the index feeder committed
//! a moment ago is found. Anything that goes wrong on the daemon's side answers
//! "unavailable" and the client searches in-process: a search never fails because of the
//! socket.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::watch;

use crate::config::Config;
use crate::index::remote::{self, Request, Response};
use crate::index::scope::ScopeError;
use crate::index::{IndexError, Indexer, Scope, SearchResults};
use crate::store::Store;

/// Time a client gets to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// The socket, bound; removed from the data directory when dropped.
pub struct SearchSocket {
    listener: UnixListener,
    path: PathBuf,
}

impl Drop for SearchSocket {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Binds the search socket under `data_dir` (mode 0600). `Ok(None)` when another process
/// already answers there (a second daemon on the same data directory: it keeps the socket).
/// A socket file nobody listens on (left by a killed daemon) is replaced.
pub fn bind(data_dir: &Path) -> std::io::Result<Option<SearchSocket>> {
    let path = remote::socket_path(data_dir);
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(&path).is_ok() {
            return Ok(None);
        }
        std::fs::remove_file(&path)?;
    }
    let listener = UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(Some(SearchSocket { listener, path }))
}

/// What a search needs, opened on the first request.
struct Searcher {
    store: Store,
    indexer: Indexer,
}

/// Serves `socket` until `stop` turns true.
pub async fn serve(socket: SearchSocket, config: Arc<Config>, mut stop: watch::Receiver<bool>) {
    let searcher: Arc<Mutex<Option<Searcher>>> = Arc::new(Mutex::new(None));
    loop {
        let accepted = tokio::select! {
            a = socket.listener.accept() => a,
            _ = crate::daemon::stopped(&mut stop) => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(error = %e, "search socket: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (config, searcher) = (config.clone(), searcher.clone());
        tokio::spawn(async move {
            if let Err(e) = handle(stream, config, searcher).await {
                tracing::debug!(error = %e, "search socket: connection ended");
            }
        });
    }
}

/// Reads one request line, answers it, closes.
async fn handle(
    stream: UnixStream,
    config: Arc<Config>,
    searcher: Arc<Mutex<Option<Searcher>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut line = Vec::new();
    let mut limited = BufReader::new(tokio::io::AsyncReadExt::take(
        read,
        remote::MAX_REQUEST as u64 + 1,
    ));
    tokio::time::timeout(READ_TIMEOUT, limited.read_until(b'\n', &mut line))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no request in 5 s"))??;
    let response = if line.len() > remote::MAX_REQUEST {
        Response::Refused(format!(
            "search request longer than {} bytes",
            remote::MAX_REQUEST
        ))
    } else {
        match serde_json::from_slice::<Request>(&line) {
            Err(e) => Response::Refused(format!("malformed search request: {e}")),
            Ok(request) => tokio::task::spawn_blocking(move || answer(&config, &searcher, request))
                .await
                .unwrap_or_else(|e| Response::Unavailable(format!("search failed: {e}"))),
        }
    };
    let mut out = serde_json::to_vec(&response)?;
    out.push(b'\n');
    write.write_all(&out).await?;
    write.shutdown().await
}

/// Runs one search with the shared searcher, opening it first when needed.
fn answer(config: &Config, searcher: &Mutex<Option<Searcher>>, request: Request) -> Response {
    let mut slot = searcher
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if slot.is_none() {
        match open(config) {
            Ok(s) => *slot = Some(s),
            Err(reason) => return Response::Unavailable(reason),
        }
    }
    let s = slot.as_ref().expect("opened above");
    let scope = match Scope::resolve(config, s.store.conn(), &request.actor) {
        Ok(scope) => scope,
        Err(e @ ScopeError::UnknownUser { .. }) => return Response::Refused(e.to_string()),
        Err(e) => return unavailable(&mut slot, e.to_string()),
    };
    let result = s
        .indexer
        .reload()
        .and_then(|()| s.indexer.search(&s.store, &scope, &request.search));
    match result {
        Ok(results) => Response::Results(SearchResults {
            via: "daemon".into(),
            ..results
        }),
        Err(
            e @ (IndexError::Query { .. }
            | IndexError::Date { .. }
            | IndexError::UnknownCustomer(_)),
        ) => Response::Refused(e.to_string()),
        Err(e) => unavailable(&mut slot, e.to_string()),
    }
}

/// Logs a failure on the daemon's side and drops the searcher, to be reopened next time.
fn unavailable(slot: &mut Option<Searcher>, reason: String) -> Response {
    tracing::warn!(error = %reason, "search socket: search failed; the client searches in-process");
    *slot = None;
    Response::Unavailable(reason)
}

fn open(config: &Config) -> Result<Searcher, String> {
    let store = Store::open_read_only(&config.database_path()).map_err(|e| e.to_string())?;
    let indexer = Indexer::open_for_search(&config.store.data_dir).map_err(|e| e.to_string())?;
    Ok(Searcher { store, indexer })
}
