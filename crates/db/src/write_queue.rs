//! Group commit for the respondent path's writes: starting, saving a page, submitting.
//!
//! Each of these writes alone would be a transaction of its own: a turn at SQLite's write gate,
//! `BEGIN`, its statements, `COMMIT` and a wait for the disk, every step a round trip to the
//! connection's thread while the gate is held. Instead each request hands its work to one writer
//! per database and waits. The writer runs every piece of work that arrived while it was busy in one
//! transaction, commits once, and only then answers each request, so nothing acknowledged can be
//! lost. If any piece fails (a submitted response saved again, a constraint), the whole batch is
//! rolled back and each piece runs again alone in its own transaction, so each request gets exactly
//! the answer it would have got alone, and no failure reaches another request. A piece of work may
//! therefore run twice, the first time rolled back: it must do all its writing through the
//! transaction it is given.
//!
//! Work is either code run against a [`Tx`] ([`WriteQueue::run`]) or a list of [`Step`]s
//! ([`WriteQueue::steps`]). The steps of a batch run in a transaction of their own, apart from the
//! code: on SQLite in a file that transaction runs on the inline writer, without a thread switch per
//! statement ([`crate::inline`]).

use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use crate::steps::{self, Step};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// What a piece of work returns, before it is handed back with its own type.
type Output = Box<dyn Any + Send>;

/// Code to run: its writes, through the transaction it is given.
type Code = Box<dyn for<'a> FnMut(&'a mut Tx) -> BoxFuture<'a, DbResult<Output>> + Send>;

/// A piece of work.
enum Work {
    Steps(Vec<Step>),
    Code(Code),
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

    /// Runs `work` in the next batch; returns its result once the batch is committed (and, on
    /// SQLite, on disk), or its error from running alone.
    pub async fn run<T, F>(&self, mut work: F) -> DbResult<T>
    where
        T: Send + 'static,
        F: for<'a> FnMut(&'a mut Tx) -> BoxFuture<'a, DbResult<T>> + Send + 'static,
    {
        let code: Code = Box::new(move |tx: &mut Tx| {
            let fut = work(tx);
            Box::pin(async move { fut.await.map(|t| Box::new(t) as Output) })
        });
        let out = self.send(Work::Code(code)).await?;
        out.downcast::<T>()
            .map(|t| *t)
            .map_err(|_| DbError::Other("the write queue returned another type".into()))
    }

    /// Runs `steps` in the next batch, as [`WriteQueue::run`] does.
    pub async fn steps(&self, steps: Vec<Step>) -> DbResult<()> {
        self.send(Work::Steps(steps)).await.map(|_| ())
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
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let (lists, code): (Vec<Job>, Vec<Job>) = batch
                .drain(..)
                .partition(|j| matches!(j.work, Work::Steps(_)));
            settle(&db, lists).await;
            settle(&db, code).await;
        }
    });
    tx
}

/// Runs `jobs` together and answers each; if that fails, runs each alone.
async fn settle(db: &Db, mut jobs: Vec<Job>) {
    if jobs.is_empty() {
        return;
    }
    match together(db, &mut jobs).await {
        Ok(outputs) => {
            for (job, out) in jobs.into_iter().zip(outputs) {
                let _ = job.reply.send(Ok(out));
            }
        }
        Err(_) => {
            for mut job in jobs {
                let out = together(db, std::slice::from_mut(&mut job)).await;
                let out = out.and_then(|mut o| {
                    o.pop()
                        .ok_or_else(|| DbError::Other("a write returned nothing".into()))
                });
                let _ = job.reply.send(out);
            }
        }
    }
}

/// Every piece of `jobs` in one transaction; the first failure rolls all of them back.
async fn together(db: &Db, jobs: &mut [Job]) -> DbResult<Vec<Output>> {
    let lists: Vec<&[Step]> = jobs
        .iter()
        .filter_map(|j| match &j.work {
            Work::Steps(s) => Some(s.as_slice()),
            Work::Code(_) => None,
        })
        .collect();
    if lists.len() == jobs.len() {
        steps::run_batch(db, &lists).await?;
        return Ok(jobs.iter().map(|_| Box::new(()) as Output).collect());
    }
    let mut tx = db.begin().await?;
    let mut outputs = Vec::with_capacity(jobs.len());
    for job in jobs.iter_mut() {
        outputs.push(match &mut job.work {
            Work::Steps(s) => {
                steps::run_tx(&mut tx, s).await?;
                Box::new(()) as Output
            }
            Work::Code(code) => code(&mut tx).await?,
        });
    }
    tx.commit().await?;
    Ok(outputs)
}
