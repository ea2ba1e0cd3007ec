//! The outbox worker: claims a batch of due messages under a lease, sends them a few at a time,
//! records each outcome as soon as its send ends, and goes round again. A restarted server takes
//! back its own unfinished claims at once. Several workers (one per app
//! server) can share one PostgreSQL outbox; none sends a message another holds. Time comes from the
//! injected clock, so tests drive retries by moving the clock, not by waiting.

use crate::transport::Transport;
use lettre::message::Mailbox;
use parindex_db::{Db, DbError, outbox};
use parindex_domain::Clock;
use parindex_domain::survey::{Next, RetryPolicy};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Messages claimed at a time.
    pub batch: i64,
    /// Messages in flight at once (and SMTP connections in the pool).
    pub concurrency: usize,
    /// At most this many messages a second; 0 for no limit.
    pub rate_per_second: u32,
    /// How long a claim lasts before another worker may take the message.
    pub lease_ms: i64,
    /// How often an idle worker looks for due messages.
    pub idle_poll: Duration,
    pub retry: RetryPolicy,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        WorkerSettings {
            batch: 200,
            concurrency: 16,
            rate_per_second: 0,
            lease_ms: 5 * 60_000,
            idle_poll: Duration::from_secs(1),
            retry: RetryPolicy::default(),
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Round {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

#[derive(Clone)]
pub struct Worker {
    db: Db,
    transport: Transport,
    from: Mailbox,
    clock: Arc<dyn Clock>,
    owner: String,
    settings: WorkerSettings,
}

impl Worker {
    /// `owner` names this worker in leases (e.g. host name and process id).
    pub fn new(
        db: Db,
        transport: Transport,
        from: Mailbox,
        clock: Arc<dyn Clock>,
        owner: String,
        settings: WorkerSettings,
    ) -> Worker {
        Worker {
            db,
            transport,
            from,
            clock,
            owner,
            settings,
        }
    }

    /// The same worker with another number of messages in flight.
    pub fn with_concurrency(mut self, concurrency: usize) -> Worker {
        self.settings.concurrency = concurrency.max(1);
        self
    }

    /// Claims one batch, sends it and records the outcomes.
    pub async fn round(&self) -> Result<Round, DbError> {
        let now = self.clock.now_ms();
        let claimed = outbox::claim(
            &self.db,
            &self.owner,
            now,
            self.settings.lease_ms,
            self.settings.batch,
        )
        .await?;
        let mut round = Round {
            claimed: claimed.len(),
            ..Round::default()
        };
        if claimed.is_empty() {
            return Ok(round);
        }
        let started = Instant::now();
        let gate = Arc::new(Semaphore::new(self.settings.concurrency.max(1)));
        let mut tasks = JoinSet::new();
        for m in claimed {
            let transport = self.transport.clone();
            let from = self.from.clone();
            let gate = gate.clone();
            tasks.spawn(async move {
                // The permit is held until the outcome is recorded (it travels with the result), so
                // no more than `concurrency` messages are ever sent but not yet recorded.
                let permit = gate.acquire_owned().await;
                let attempt = transport.send(&from, &m, now).await;
                (m, attempt, permit)
            });
        }
        // Each outcome is recorded as soon as its send ends, together with any others that ended
        // meanwhile: a crash then leaves unrecorded only the messages that were in flight (at most
        // `concurrency`), not the whole batch. A message the relay accepted just before a crash is
        // sent again after it, with the same Message-ID; SMTP offers no way to close that window.
        while let Some(joined) = tasks.join_next().await {
            let mut ended = vec![joined];
            while let Some(more) = tasks.try_join_next() {
                ended.push(more);
            }
            let mut outcomes = Vec::with_capacity(ended.len());
            let mut permits = Vec::with_capacity(ended.len());
            for (m, attempt, permit) in ended.into_iter().flatten() {
                permits.push(permit);
                let next = self
                    .settings
                    .retry
                    .next(m.attempts, attempt, self.clock.now_ms());
                match &next {
                    Next::Sent => round.sent += 1,
                    Next::RetryAt { error, .. } => {
                        round.retried += 1;
                        tracing::warn!(outbox_id = m.id, %error, "e-mail will be retried");
                    }
                    Next::Failed { error } => {
                        round.failed += 1;
                        tracing::warn!(outbox_id = m.id, %error, "e-mail failed");
                    }
                }
                outcomes.push((m, next));
            }
            outbox::record(&self.db, &self.owner, &outcomes, self.clock.now_ms()).await?;
            drop(permits);
        }
        tracing::info!(
            claimed = round.claimed,
            sent = round.sent,
            retried = round.retried,
            failed = round.failed,
            "outbox round"
        );
        if round.sent + round.failed > 0
            && let Err(e) = self.db.scrub_wal().await
        {
            tracing::warn!(error = %e, "could not truncate the WAL after clearing sent bodies");
        }
        metrics::counter!("parindex_mail_sent_total").increment(round.sent as u64);
        metrics::counter!("parindex_mail_retried_total").increment(round.retried as u64);
        metrics::counter!("parindex_mail_failed_total").increment(round.failed as u64);
        if self.settings.rate_per_second > 0 {
            let floor = Duration::from_secs_f64(
                round.claimed as f64 / f64::from(self.settings.rate_per_second),
            );
            if let Some(rest) = floor.checked_sub(started.elapsed()) {
                tokio::time::sleep(rest).await;
            }
        }
        Ok(round)
    }

    /// Rounds until nothing is due now; returns the totals.
    pub async fn drain(&self) -> Result<Round, DbError> {
        let mut total = Round::default();
        loop {
            let r = self.round().await?;
            if r.claimed == 0 {
                return Ok(total);
            }
            total.claimed += r.claimed;
            total.sent += r.sent;
            total.retried += r.retried;
            total.failed += r.failed;
        }
    }

    /// Works until `stop` turns true. A database error is logged and the worker carries on after a
    /// pause (the database may be restarting).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(owner = %self.owner, transport = ?self.transport, "outbox worker started");
        // Messages this server had claimed before it stopped (or crashed) are due again at once,
        // instead of when their lease runs out.
        match outbox::release_own(&self.db, &self.owner).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(messages = n, "taking back e-mails claimed before a restart"),
            Err(e) => tracing::warn!(error = %e, "could not take back earlier claims"),
        }
        loop {
            if *stop.borrow() {
                break;
            }
            let busy = match self.round().await {
                Ok(r) => r.claimed > 0,
                Err(e) => {
                    tracing::error!(error = %e, "outbox round failed");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = stop.changed() => {}
                    _ = tokio::time::sleep(self.settings.idle_poll) => {}
                }
            }
        }
        tracing::info!("outbox worker stopped");
    }
}
