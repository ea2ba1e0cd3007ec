//! Group commit for the respondent path's events: the link opened, a page or the check page shown.
//!
//! Each of these requests writes one paradata row, and the link's first opening also marks the
//! invitation opened. Alone, each would be a write transaction of its own: a turn at the write gate,
//! `BEGIN`, the insert, `COMMIT` and a wait for the disk. Instead every request hands its event to
//! one writer and waits. The writer takes every event that arrived while it was busy and writes them
//! in one transaction: one multi-row insert, then the openings. Each request is answered only once
//! the transaction holding its event is committed and on disk, as before, so nothing acknowledged is
//! lost and detection reads every event. If a batch fails, its events are written one by one, so one
//! bad event fails only its own request.

use crate::error::{DbError, DbResult};
use crate::pool::Db;
use crate::steps::{Param, Step};
use crate::survey::Trace;
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event {
    pub invitation_id: i64,
    pub event: &'static str,
    pub page: i64,
    pub trace: Trace,
    pub at: i64,
    /// Also mark the invitation opened (its first opening counts for progress).
    pub opens: bool,
}

/// The most events one transaction writes (8 parameters each).
const MAX_BATCH: usize = 512;

/// Events waiting for the writer, at most.
const QUEUE: usize = 8192;

type Job = (Event, oneshot::Sender<DbResult<()>>);

/// The writer of one database's events, started on first use.
#[derive(Debug, Clone)]
pub struct EventWriter {
    db: Db,
    queue: Arc<OnceLock<mpsc::Sender<Job>>>,
}

impl EventWriter {
    pub fn new(db: Db) -> EventWriter {
        EventWriter {
            db,
            queue: Arc::default(),
        }
    }

    /// Records `e`; returns once it is committed (and, on SQLite, on disk).
    pub async fn record(&self, e: Event) -> DbResult<()> {
        let queue = self.queue.get_or_init(|| spawn(self.db.clone()));
        let (reply, done) = oneshot::channel();
        let unavailable = || DbError::Unavailable("the event writer has stopped".into());
        queue.send((e, reply)).await.map_err(|_| unavailable())?;
        done.await.map_err(|_| unavailable())?
    }
}

fn spawn(db: Db) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(QUEUE);
    tokio::spawn(async move {
        let mut batch: Vec<Job> = Vec::with_capacity(MAX_BATCH);
        while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
            let events: Vec<&Event> = batch.iter().map(|(e, _)| e).collect();
            if write(&db, &events).await.is_ok() {
                for (_, reply) in batch.drain(..) {
                    let _ = reply.send(Ok(()));
                }
                continue;
            }
            // One at a time, so that one bad event fails only its own request.
            for (e, reply) in batch.drain(..) {
                let _ = reply.send(write(&db, &[&e]).await);
            }
        }
    });
    tx
}

/// Writes `events` in one transaction.
async fn write(db: &Db, events: &[&Event]) -> DbResult<()> {
    let steps = steps(events);
    crate::steps::run_batch(db, &[&steps]).await
}

/// One multi-row insert of the events, then the openings.
fn steps(events: &[&Event]) -> Vec<Step> {
    let rows: Vec<String> = (0..events.len())
        .map(|i| {
            let p: Vec<String> = (1..=8).map(|k| format!("${}", i * 8 + k)).collect();
            format!("({})", p.join(", "))
        })
        .collect();
    let sql = format!(
        "INSERT INTO survey_paradata (invitation_id, at, event, page, session_hash, ip_hash, \
         ua_hash, signed_in_unit) VALUES {}",
        rows.join(", ")
    );
    let mut params: Vec<Param> = Vec::with_capacity(events.len() * 8);
    for e in events {
        params.extend([
            e.invitation_id.into(),
            e.at.into(),
            e.event.into(),
            e.page.into(),
            e.trace.session_hash.as_str().into(),
            e.trace.ip_hash.as_str().into(),
            e.trace.ua_hash.as_str().into(),
            e.trace.signed_in_unit.into(),
        ]);
    }
    let mut steps = vec![Step::new(sql, params)];
    for e in events.iter().filter(|e| e.opens) {
        steps.push(Step::new(
            "UPDATE survey_invitations SET opened_at = COALESCE(opened_at, $2) WHERE id = $1",
            vec![e.invitation_id.into(), e.at.into()],
        ));
    }
    steps
}
