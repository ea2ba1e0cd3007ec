//! The real `parindex` binary as a child process, for the tests that must kill it or run several of
//! it: start it on a data folder or a PostgreSQL database, wait until it answers, kill it with
//! SIGKILL (`kill -9`: no shutdown code runs), and start it again on the same data and address.
//!
//! The binary's path comes from the caller (`env!("CARGO_BIN_EXE_parindex")` in the binary crate's
//! own tests), so the process under test is always the one just built.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to start one app server.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    pub bin: PathBuf,
    /// Data folder (SQLite database, evidence files, `.eml` outbox).
    pub data_dir: PathBuf,
    /// `postgres://…`, or `None` for SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Where the server listens; the same on every restart.
    pub listen: SocketAddr,
    /// Extra `PARINDEX_*` settings, e.g. `("PARINDEX_SMTP_URL", "smtp://127.0.0.1:2525")`.
    pub env: Vec<(String, String)>,
    /// Extra arguments after `serve`.
    pub args: Vec<String>,
}

impl ServerSpec {
    /// A server on a free loopback port, SQLite in `data_dir` unless `database_url` is given, its
    /// clock started at `now` (RFC 3339) so the demo campaign's deadlines are open.
    pub fn new(bin: &str, data_dir: &Path, database_url: Option<&str>, now: &str) -> ServerSpec {
        ServerSpec {
            bin: PathBuf::from(bin),
            data_dir: data_dir.to_path_buf(),
            database_url: database_url.map(str::to_string),
            listen: free_port(),
            env: Vec::new(),
            args: vec!["--now".into(), now.into()],
        }
    }

    pub fn env(mut self, key: &str, value: &str) -> ServerSpec {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn arg(mut self, a: &str) -> ServerSpec {
        self.args.push(a.into());
        self
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.listen)
    }
}

/// A free loopback port (bound, read, released).
pub fn free_port() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address")
}

/// `text` without ANSI escape sequences (`ESC [ … letter`).
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for e in chars.by_ref() {
                if e.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A running (or killed) app server.
pub struct Server {
    pub spec: ServerSpec,
    child: Option<Child>,
    /// Its output, one file per start, kept for failure messages.
    logs: tempfile::TempDir,
    starts: usize,
}

impl Server {
    /// Starts the server and waits until `/readyz` answers 200 (at most a minute).
    pub async fn start(spec: ServerSpec) -> Server {
        let mut s = Server {
            spec,
            child: None,
            logs: tempfile::tempdir().expect("log folder"),
            starts: 0,
        };
        s.launch().await;
        s
    }

    pub fn base(&self) -> String {
        self.spec.base()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base())
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn log_path(&self) -> PathBuf {
        self.logs.path().join(format!("start-{}.log", self.starts))
    }

    /// Everything the server printed since its last start, without terminal colour codes.
    pub fn output(&self) -> String {
        strip_ansi(&std::fs::read_to_string(self.log_path()).unwrap_or_default())
    }

    async fn launch(&mut self) {
        self.starts += 1;
        let log = std::fs::File::create(self.log_path()).expect("log file");
        let err = log.try_clone().expect("log file");
        let mut cmd = Command::new(&self.spec.bin);
        cmd.arg("--data-dir")
            .arg(&self.spec.data_dir)
            .arg("serve")
            .arg("--listen")
            .arg(self.spec.listen.to_string())
            .args(&self.spec.args)
            .env_remove("DATABASE_URL")
            .env("PARINDEX_METRICS_LISTEN", "")
            .env("RUST_LOG", "info")
            .env("PARINDEX_AUDIT_KEY", crate::AUDIT_KEY_HEX)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(err);
        if let Some(url) = &self.spec.database_url {
            cmd.env("DATABASE_URL", url);
        }
        for (k, v) in &self.spec.env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot start {}: {e}. Build it with `cargo build -p parindex`.",
                self.spec.bin.display()
            )
        });
        self.child = Some(child);
        self.wait_ready(Duration::from_secs(60)).await;
    }

    /// Waits until `/readyz` answers 200; panics with the server's output when it does not in time
    /// or when the process exits.
    pub async fn wait_ready(&mut self, within: Duration) {
        let client = reqwest::Client::new();
        let started = Instant::now();
        loop {
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                panic!(
                    "parindex exited ({status}) before it was ready:\n{}",
                    self.output()
                );
            }
            if let Ok(r) = client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            assert!(
                started.elapsed() < within,
                "parindex was not ready within {within:?}:\n{}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `kill -9`: the process gets no chance to finish anything.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            // std's kill() sends SIGKILL on Unix.
            c.kill().expect("SIGKILL");
            c.wait().expect("reaped");
        }
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Starts it again on the same data folder, database and address.
    pub async fn restart(&mut self) {
        self.kill9();
        self.launch().await;
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
