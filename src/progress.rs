//! Progress for long work: a bar on a terminal, a log line every few seconds
//! otherwise (under systemd the journal gets lines, not escape codes).

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// Reports progress of one task measured in `unit`s (bytes, messages...).
pub struct Progress {
    bar: Option<ProgressBar>,
    label: String,
    total: u64,
    done: u64,
    last_log: Instant,
}

const LOG_EVERY: Duration = Duration::from_secs(5);

impl Progress {
    /// Starts a progress report; a bar only when stderr is a terminal and `visible`.
    pub fn new(label: &str, total: u64, bytes: bool, visible: bool) -> Progress {
        let bar = (visible && std::io::stderr().is_terminal()).then(|| {
            let template = if bytes {
                "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta})"
            } else {
                "{msg} [{bar:30}] {pos}/{len} ({eta})"
            };
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(template)
                    .expect("valid template")
                    .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            bar
        });
        Progress {
            bar,
            label: label.to_string(),
            total,
            done: 0,
            last_log: Instant::now(),
        }
    }

    /// A progress report that shows nothing (library callers, tests).
    pub fn hidden() -> Progress {
        Progress::new("", 0, false, false)
    }

    /// Advances by `n` units.
    pub fn inc(&mut self, n: u64) {
        self.done += n;
        if let Some(bar) = &self.bar {
            bar.inc(n);
        } else if !self.label.is_empty() && self.last_log.elapsed() >= LOG_EVERY {
            self.last_log = Instant::now();
            tracing::info!(task = %self.label, done = self.done, total = self.total, "progress");
        }
    }

    /// Ends the report and clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
