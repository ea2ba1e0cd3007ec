//! The respondent path's events: the link opened, a page or the check page shown.
//!
//! Each of these requests writes one paradata row, and the link's first opening also marks the
//! invitation opened. Alone, each would be a write transaction of its own: a turn at the write gate,
//! `BEGIN`, the insert, `COMMIT` and a wait for the disk. Instead each event goes to the database's
//! [`WriteQueue`] as steps, and shares its transaction with every other write that arrived meanwhile
//! (other events, starts, page saves, submissions). Each request is answered only once the
//! transaction holding its event is committed and on disk, so nothing acknowledged is lost and
//! detection reads every event. If a batch fails, its pieces run alone, so one bad event fails only
//! its own request.

use crate::error::DbResult;
use crate::steps::Step;
use crate::survey::Trace;
use crate::write_queue::WriteQueue;

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

/// The writer of one database's events: its write queue.
#[derive(Debug, Clone)]
pub struct EventWriter {
    writes: WriteQueue,
}

impl EventWriter {
    pub fn new(writes: WriteQueue) -> EventWriter {
        EventWriter { writes }
    }

    /// Records `e`; returns once it is committed (and, on SQLite, on disk).
    pub async fn record(&self, e: Event) -> DbResult<()> {
        self.writes.steps(steps(&e)).await
    }
}

/// The event's paradata row, then its opening.
fn steps(e: &Event) -> Vec<Step> {
    let mut steps = vec![crate::survey::trace(
        e.invitation_id,
        e.event,
        e.page,
        &e.trace,
        e.at,
    )];
    if e.opens {
        steps.push(Step::new(
            "UPDATE survey_invitations SET opened_at = COALESCE(opened_at, $2) WHERE id = $1",
            vec![e.invitation_id.into(), e.at.into()],
        ));
    }
    steps
}
