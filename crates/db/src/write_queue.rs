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

use crate::error::{DbError, DbResult};
use crate::pool::{Db, Tx};
use futures_util::future::BoxFuture;
use std::any::Any;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// What a piece of work returns, before it is handed back with its own type.
type Output = Box<dyn Any + Send>;

/// A piece of work: its writes, through the transaction it is given.
type Work = Box<dyn for<'a> FnMut(&'a mut Tx) -> BoxFuture<'a, DbResult<Output>> + Send>;

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
        let queue = self.queue.get_or_init(|| spawn(self.db.clone()));
        let (reply, done) = oneshot::channel();
        let work: Work = Box::new(move |tx: &mut Tx| {
            let fut = work(tx);
            Box::pin(async move { fut.await.map(|t| Box::new(t) as Output) })
        });
        let unavailable = || DbError::Unavailable("the write queue has stopped".into());
        queue
            .send(Job { work, reply })
            .await
            .map_err(|_| unavailable())?;
        let out = done.await.map_err(|_| unavailable())??;
        out.downcast::<T>()
            .map(|t| *t)
            .map_err(|_| DbError::Other("the write queue returned another type".into()))
    }
}

fn spawn(db: Db) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(QUEUE);
    tokio::spawn(async move {
        let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            match together(&db, &mut batch).await {
                Ok(outputs) => {
                    for (job, out) in batch.drain(..).zip(outputs) {
                        let _ = job.reply.send(Ok(out));
                    }
                }
                Err(_) => {
                    for mut job in batch.drain(..) {
                        let out = alone(&db, &mut job.work).await;
                        let _ = job.reply.send(out);
                    }
                }
            }
        }
    });
    tx
}

/// Every piece of `batch` in one transaction; the first failure rolls all of them back.
async fn together(db: &Db, batch: &mut [Job]) -> DbResult<Vec<Output>> {
    let mut tx = db.begin().await?;
    let mut outputs = Vec::with_capacity(batch.len());
    for job in batch.iter_mut() {
        outputs.push((job.work)(&mut tx).await?);
    }
    tx.commit().await?;
    Ok(outputs)
}

async fn alone(db: &Db, work: &mut Work) -> DbResult<Output> {
    let mut tx = db.begin().await?;
    let out = work(&mut tx).await?;
    tx.commit().await?;
    Ok(out)
}
