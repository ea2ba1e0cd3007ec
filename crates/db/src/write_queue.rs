//! Group commit for the respondent path's writes: starting, saving a page, an event (the link
//! opened, a page shown), submitting.
//!
//! Each of these writes alone would be a transaction of its own: a turn at SQLite's write gate,
//! `BEGIN`, its statements, `COMMIT` and a wait for the disk. Instead each request hands its work
//! to a writer and waits (on SQLite one writer; on PostgreSQL one per kind of work, see
//! [`WriteQueue::beside`]). The writer runs every piece of work that arrived while it was busy in
//! one transaction and commits once. It answers the batch's requests only once that commit is on
//! disk, so nothing acknowledged can be lost. Meanwhile it gathers the next batch, and commits it
//! when that sync ends: about one commit per sync of the WAL, covering all the work that arrived
//! during it (see `gather`). If any piece fails (a submitted response saved again, a constraint),
//! the whole batch is rolled back and each piece runs again alone in its own transaction, so each
//! request gets exactly the answer it would have got alone, and no failure reaches another request.
//! A piece of work may therefore run twice, the first time rolled back: it must do all its writing
//! through the transaction it is given.
//!
//! Work is written once for either kind of transaction ([`WriteQueue::steps`], and `either` inside
//! this crate, from code for [`crate::portable::Conn`]). On SQLite in a file a batch runs on the
//! inline writer, without a thread switch per statement ([`crate::inline`]); otherwise through sqlx.

use crate::error::{DbError, DbResult};
use crate::pool::{Db, Pending, Tx};
use crate::steps::{self, Step};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// What a piece of work returns, before it is handed back with its own type.
type Output = Box<dyn Any + Send>;

/// Code to run: its writes, through the transaction it is given.
type Code = Box<dyn for<'a> FnMut(&'a mut Tx) -> BoxFuture<'a, DbResult<Output>> + Send>;

/// The same work for an inline SQLite transaction, on this thread.
type InlineCode = Box<dyn FnMut(&rusqlite::Transaction<'_>) -> DbResult<Output> + Send>;

/// A piece of work, for either kind of transaction.
struct Work {
    on_tx: Code,
    inline: InlineCode,
}

struct Job {
    work: Work,
    reply: oneshot::Sender<DbResult<Output>>,
}

/// The most pieces of work one transaction holds.
const MAX_BATCH: usize = 256;

/// Pieces of work waiting for the writer, at most.
const QUEUE: usize = 4096;

/// The writer of one database's batched writes, started on first use.
#[derive(Debug, Clone)]
pub struct WriteQueue {
    db: Db,
    queue: Arc<OnceLock<mpsc::Sender<Job>>>,
}

impl WriteQueue {
    pub fn new(db: Db) -> WriteQueue {
        WriteQueue {
            db,
            queue: Arc::default(),
        }
    }

    /// The engine its writes run on.
    pub fn engine(&self) -> crate::pool::Engine {
        self.db.engine()
    }

    /// A writer for another kind of work beside this one. On PostgreSQL it is a queue of its own,
    /// so that two writers keep the pool's connections busy side by side. On SQLite it is this same
    /// queue: one write gate serialises every writer anyway, and one commit for both kinds writes
    /// each changed page once.
    pub fn beside(&self) -> WriteQueue {
        match self.db {
            Db::Sqlite(..) => self.clone(),
            Db::Postgres(..) => WriteQueue::new(self.db.clone()),
        }
    }

    /// Runs `steps` in the next batch; returns once the batch is committed (and, on SQLite, on
    /// disk), or with their error from running alone.
    pub async fn steps(&self, steps: Vec<Step>) -> DbResult<()> {
        let steps = Arc::new(steps);
        let inline = steps.clone();
        self.either(
            move |tx| {
                let steps = steps.clone();
                Box::pin(async move { steps::run_tx(tx, &steps).await })
            },
            move |tx| steps::run_inline(tx, &inline),
        )
        .await
    }

    /// Runs the same work in the next batch, as [`WriteQueue::steps`] does: `on_tx` in a sqlx
    /// transaction, or `inline` in an inline one (SQLite in a file). Both are to be built from one
    /// body of code written for [`crate::portable::Conn`].
    pub(crate) async fn either<T, F, G>(&self, mut on_tx: F, mut inline: G) -> DbResult<T>
    where
        T: Send + 'static,
        F: for<'a> FnMut(&'a mut Tx) -> BoxFuture<'a, DbResult<T>> + Send + 'static,
        G: FnMut(&rusqlite::Transaction<'_>) -> DbResult<T> + Send + 'static,
    {
        let work = Work {
            on_tx: Box::new(move |tx: &mut Tx| {
                let fut = on_tx(tx);
                Box::pin(async move { fut.await.map(|t| Box::new(t) as Output) })
            }),
            inline: Box::new(move |tx| inline(tx).map(|t| Box::new(t) as Output)),
        };
        self.send(work)
            .await?
            .downcast::<T>()
            .map(|t| *t)
            .map_err(|_| DbError::Other("the write queue returned another type".into()))
    }

    async fn send(&self, work: Work) -> DbResult<Output> {
        let queue = self.queue.get_or_init(|| spawn(self.db.clone()));
        let (reply, done) = oneshot::channel();
        let unavailable = || DbError::Unavailable("the write queue has stopped".into());
        queue
            .send(Job { work, reply })
            .await
            .map_err(|_| unavailable())?;
        done.await.map_err(|_| unavailable())?
    }
}

fn spawn(db: Db) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(QUEUE);
    tokio::spawn(async move {
        let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
        let mut syncing: Option<oneshot::Receiver<()>> = None;
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            if let Some(synced) = syncing.take() {
                gather(&mut rx, &mut batch, synced).await;
            }
            let jobs = std::mem::replace(&mut batch, Vec::with_capacity(MAX_BATCH));
            syncing = settle(&db, jobs).await;
        }
    });
    tx
}

/// Adds the work arriving to `batch` until the last batch's sync has ended (or the batch is full).
///
/// A commit made while a sync runs is not covered by it: it waits for the next one anyway. So
/// committing at once would only make more, smaller commits for the same wait, and each commit
/// writes every page it changed into the WAL again (an index page shared by ten pieces of work, ten
/// times). Gathering until the sync ends makes about one commit per sync, with no longer wait.
async fn gather(
    rx: &mut mpsc::Receiver<Job>,
    batch: &mut Vec<Job>,
    mut synced: oneshot::Receiver<()>,
) {
    while batch.len() < MAX_BATCH {
        let room = MAX_BATCH - batch.len();
        tokio::select! {
            biased;
            _ = &mut synced => return,
            n = rx.recv_many(batch, room) => if n == 0 { return },
        }
    }
}

/// Runs `jobs` together and answers each once the batch is on disk, without holding up the next
/// batch meanwhile; if the batch fails, runs each alone. Returns what ends with the batch's sync,
/// if it has one still to wait for.
async fn settle(db: &Db, mut jobs: Vec<Job>) -> Option<oneshot::Receiver<()>> {
    if jobs.is_empty() {
        return None;
    }
    match together(db, &mut jobs).await {
        Ok((outputs, pending)) => {
            let (synced, syncing) = oneshot::channel();
            let syncing = pending.waits().then_some(syncing);
            tokio::spawn(async move {
                let on_disk = pending.on_disk().await;
                let _ = synced.send(());
                match on_disk {
                    Ok(()) => {
                        for (job, out) in jobs.into_iter().zip(outputs) {
                            let _ = job.reply.send(Ok(out));
                        }
                    }
                    Err(e) => {
                        for job in jobs {
                            let _ = job.reply.send(Err(DbError::Other(e.to_string())));
                        }
                    }
                }
            });
            syncing
        }
        Err(_) => {
            for mut job in jobs {
                let out = match together(db, std::slice::from_mut(&mut job)).await {
                    Ok((mut o, pending)) => pending.on_disk().await.and_then(|()| {
                        o.pop()
                            .ok_or_else(|| DbError::Other("a write returned nothing".into()))
                    }),
                    Err(e) => Err(e),
                };
                let _ = job.reply.send(out);
            }
            None
        }
    }
}

/// Every piece of `jobs` in one transaction; the first failure rolls all of them back. Returns once
/// the commit is made, with what tells when it is on disk.
async fn together(db: &Db, jobs: &mut [Job]) -> DbResult<(Vec<Output>, Pending)> {
    if let Some(side) = db.sqlite_side() {
        let run = side.write_inline(|tx| {
            jobs.iter_mut()
                .map(|j| (j.work.inline)(tx))
                .collect::<DbResult<Vec<Output>>>()
        });
        if let Some(out) = run.await {
            return out;
        }
    }
    let mut tx = db.begin().await?;
    let mut outputs = Vec::with_capacity(jobs.len());
    for job in jobs.iter_mut() {
        outputs.push((job.work.on_tx)(&mut tx).await?);
    }
    tx.commit().await?;
    Ok((outputs, Pending::on_disk_already()))
}
