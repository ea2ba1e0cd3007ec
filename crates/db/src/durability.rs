//! What a user was told is saved is on disk: group commit for SQLite.
//!
//! SQLite runs in WAL mode with `synchronous = NORMAL`, so a commit reaches the operating system's
//! cache but not the disk: a killed process loses nothing, a power cut can lose the last commits. The
//! WAL file is synced before every checkpoint and the database file after it, so the one thing
//! missing for durability is a sync of the WAL after the commit. `synchronous = FULL` would do that
//! inside the commit, holding the write lock through every sync.
//!
//! Instead each commit takes a ticket, lets the next writer in, and waits here until a sync of the
//! WAL started after its commit has ended. One sync covers every commit made before it started, so
//! while one sync runs, the commits arriving meanwhile queue for the next one and share it: under
//! load there are far fewer syncs than commits, and throughput holds.

use crate::error::{DbError, DbResult};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[derive(Debug)]
pub struct WalFence {
    wal: Option<PathBuf>,
    on: AtomicBool,
    committed: AtomicU64,
    synced: AtomicU64,
    syncs: AtomicU64,
    turn: tokio::sync::Mutex<()>,
}

impl WalFence {
    /// A fence for the database file at `db_file` (`None` for an in-memory database, which has
    /// nothing to sync).
    pub fn new(db_file: Option<PathBuf>) -> WalFence {
        let wal = db_file.map(|f| {
            let mut name = f.into_os_string();
            name.push("-wal");
            PathBuf::from(name)
        });
        WalFence {
            wal,
            on: AtomicBool::new(true),
            committed: AtomicU64::new(0),
            synced: AtomicU64::new(0),
            syncs: AtomicU64::new(0),
            turn: tokio::sync::Mutex::new(()),
        }
    }

    /// Records a commit that has just ended; the ticket to wait with.
    pub fn ticket(&self) -> u64 {
        self.committed.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Returns once the commit with `ticket` is on disk.
    pub async fn wait(&self, ticket: u64) -> DbResult<()> {
        if !self.on.load(Ordering::Acquire) || self.synced.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        let _turn = self.turn.lock().await;
        if self.synced.load(Ordering::Acquire) >= ticket {
            return Ok(());
        }
        // Every commit counted so far ended before this sync starts, so the sync covers them all.
        let upto = self.committed.load(Ordering::Acquire);
        if let Some(wal) = self.wal.clone() {
            tokio::task::spawn_blocking(move || sync_file(&wal))
                .await
                .map_err(|e| DbError::Other(format!("syncing the WAL: {e}")))?
                .map_err(|e| DbError::Other(format!("syncing the WAL: {e}")))?;
        }
        self.syncs.fetch_add(1, Ordering::AcqRel);
        self.synced.fetch_max(upto, Ordering::AcqRel);
        Ok(())
    }

    /// Switches the wait off (`false`) or on: only for benchmarks that measure what it costs.
    pub fn set_on(&self, on: bool) {
        self.on.store(on, Ordering::Release);
    }

    /// (commits, syncs, the highest commit known on disk), for tests and benchmarks.
    pub fn counts(&self) -> (u64, u64, u64) {
        (
            self.committed.load(Ordering::Acquire),
            self.syncs.load(Ordering::Acquire),
            self.synced.load(Ordering::Acquire),
        )
    }
}

/// `fsync` reaches the file's data whichever descriptor wrote it. No WAL file means every commit
/// has been checkpointed into the database file, which the checkpoint synced.
fn sync_file(path: &std::path::Path) -> std::io::Result<()> {
    match std::fs::File::open(path) {
        Ok(f) => f.sync_data(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}
