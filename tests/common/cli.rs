//! Running the real `tradewind` binary against a throw-away company in a temp dir.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// A temp dir with a config for a small company: domain seawind-trade.cn, three users,
/// mailboxes `li.wei` (sales) and `finance`.
pub struct Company {
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
}

/// The config every CLI test starts from.
pub const CONFIG: &str = r#"
[company]
name = "Ningbo Seawind Import & Export Co., Ltd."
home_country = "CN"
domains = ["seawind-trade.cn"]

[store]
data_dir = "data"

[customers]
stale_after_days = 180

[[users]]
login = "li.wei"
name = "Li Wei 李伟"
email = "li.wei@seawind-trade.cn"
role = "sales"

[[users]]
login = "zhang.min"
name = "Zhang Min 张敏"
email = "zhang.min@seawind-trade.cn"
role = "sales"

[[users]]
login = "zhao.lei"
name = "Zhao Lei 赵磊"
email = "zhao.lei@seawind-trade.cn"
role = "finance"

[[mailboxes]]
name = "li.wei"
owner = "li.wei"
role = "sales"
address = "li.wei@seawind-trade.cn"

[[mailboxes]]
name = "finance"
owner = "zhao.lei"
role = "finance"
address = "finance@seawind-trade.cn"
"#;

impl Company {
    /// A fresh company with [`CONFIG`].
    pub fn new() -> Company {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("tradewind.toml");
        std::fs::write(&config, CONFIG).expect("writing config");
        Company { dir, config }
    }

    /// A fresh temp dir with no config yet, for a test that writes its own with
    /// [`Company::set_config`] (after [`Company::secret`], whose path the config names).
    pub fn bare() -> Company {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("tradewind.toml");
        Company { dir, config }
    }

    /// Writes the config file.
    pub fn set_config(&self, text: &str) {
        std::fs::write(&self.config, text).expect("writing config");
    }

    /// Writes `value` and a newline to the private file `name` (mode 0600: tradewind
    /// refuses secret files others can read); returns its path.
    pub fn secret(&self, name: &str, value: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.path().join(name);
        std::fs::write(&path, format!("{value}\n")).expect("writing secret");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    }

    /// `tradewind --config <config> ARGS`, to run; a test may add to its environment first
    /// (the crash tests set `TRADEWIND_TEST_CRASH_AFTER`).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut full = vec!["--config", self.config.to_str().unwrap()];
        full.extend_from_slice(args);
        command(&full, self.dir.path())
    }

    /// Runs `tradewind --config <config> ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running tradewind")
    }

    /// Runs and asserts success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "tradewind {args:?} failed:\n{}",
            describe(&out)
        );
        String::from_utf8(out.stdout).expect("utf-8 stdout")
    }

    /// Runs with `--json` appended and parses stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut full = args.to_vec();
        full.push("--json");
        serde_json::from_str(&self.ok(&full)).expect("valid JSON on stdout")
    }

    /// Writes `bytes` to `rel` under the company dir, creating folders.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Writes `text` to `name` in the company dir; its path as text, for an argument.
    pub fn file(&self, name: &str, text: &str) -> String {
        self.write(name, text.as_bytes())
            .to_str()
            .expect("a UTF-8 temp path")
            .to_string()
    }

    /// Starts `tradewind run` on this company in the background, logging to `daemon.log`;
    /// killed when the guard drops.
    pub fn spawn_daemon(&self) -> Background {
        let log = self.dir.path().join("daemon.log");
        let mut cmd = self.command(&["-v", "run"]);
        cmd.stdout(std::fs::File::create(&log).unwrap());
        Background::spawn(cmd, log)
    }

    /// The database file.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.dir.path().join("data/tradewind.db")).unwrap()
    }
}

/// A `tradewind` process running in the background; killed (SIGKILL) when dropped.
pub struct Background {
    child: Option<std::process::Child>,
    log: PathBuf,
}

impl Background {
    /// Spawns `cmd` with its stderr appended to `log` (stdout as `cmd` says).
    pub fn spawn(mut cmd: Command, log: PathBuf) -> Background {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .expect("opening the log");
        let child = cmd.stderr(file).spawn().expect("starting tradewind");
        Background {
            child: Some(child),
            log,
        }
    }

    /// Its output so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGKILL, as a crash would: no clean-up runs.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits for the exit (panics after 10 s); returns the exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        self.terminate_within(Duration::from_secs(10)).0
    }

    /// SIGTERM, then waits up to `limit` for the exit (panics after it); returns the exit
    /// code and the time the exit took.
    pub fn terminate_within(&mut self, limit: Duration) -> (Option<i32>, Duration) {
        let mut child = self.child.take().expect("running");
        let started = Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success(), "kill -TERM failed");
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status.code(), started.elapsed());
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "no exit within {limit:?} of SIGTERM\n--- log\n{}",
                    self.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs the binary with `args` in `cwd`, with no config from the environment.
pub fn tradewind(args: &[&str], cwd: &Path) -> Output {
    command(args, cwd).output().expect("running tradewind")
}

/// The binary with `args` in `cwd`, acting as `cli:tester`, with no config or crash point
/// from the environment.
fn command(args: &[&str], cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tradewind"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("TRADEWIND_CONFIG")
        .env_remove("TRADEWIND_TEST_CRASH_AFTER")
        .env("TRADEWIND_ACTOR", "cli:tester");
    cmd
}

/// `path` under the repository (templates, holiday calendars in `config/`).
pub fn repo(path: &str) -> String {
    format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))
}

/// Exit status, stdout and stderr, for assertion messages.
pub fn describe(out: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
