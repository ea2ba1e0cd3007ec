//! Survey progress ("Chi tiết tiến độ khảo sát") as units and MoHA see it: counts per group and
//! organisation, completions over time, who has not answered yet, and the national table. Nothing
//! here reads an answer: the queries touch invitations and the list, never `survey_answers`.

use crate::error::DbResult;
use crate::pool::Db;
use parindex_domain::CampaignId;
use parindex_domain::UnitId;
use parindex_domain::respondents::ListState;
use parindex_domain::survey::readdress::InvitationFacts;
use parindex_domain::survey::{Delivery, ReminderCandidate};
use serde::Serialize;

/// Where respondents stand: on the list, invited, e-mail sent or failed, link opened, completed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Counts {
    pub listed: i64,
    pub invited: i64,
    pub delivered: i64,
    pub failed: i64,
    pub opened: i64,
    pub completed: i64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.listed += o.listed;
        self.invited += o.invited;
        self.delivered += o.delivered;
        self.failed += o.failed;
        self.opened += o.opened;
        self.completed += o.completed;
    }

    /// The sum of many.
    pub fn total<'a>(all: impl IntoIterator<Item = &'a Counts>) -> Counts {
        let mut t = Counts::default();
        for c in all {
            t.add(c);
        }
        t
    }
}

/// Counts for one group and organisation of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ProgressRow {
    pub group_code: String,
    pub organisation: String,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub counts: Counts,
}

pub async fn by_group(db: &Db, unit_id: UnitId) -> DbResult<Vec<ProgressRow>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT r.group_code, r.organisation, COUNT(*) AS listed, COUNT(i.id) AS invited, \
         COALESCE(SUM(CASE WHEN i.delivery = 'sent' THEN 1 ELSE 0 END), 0) AS delivered, \
         COALESCE(SUM(CASE WHEN i.delivery = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
         COUNT(i.opened_at) AS opened, COUNT(i.completed_at) AS completed \
         FROM respondents r LEFT JOIN survey_invitations i ON i.respondent_id = r.id \
         WHERE r.unit_id = $1 GROUP BY r.group_code, r.organisation ORDER BY r.group_code, r.organisation"
    ).bind(unit_id).fetch_all(p).await)?)
}

/// When each of the unit's responses was submitted (ms), oldest first.
pub async fn completion_times(db: &Db, unit_id: UnitId) -> DbResult<Vec<i64>> {
    let rows: Vec<(i64,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT completed_at FROM survey_invitations WHERE unit_id = $1 AND completed_at IS NOT NULL \
         ORDER BY completed_at"
    ).bind(unit_id).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// A listed respondent who has not submitted yet, for chasing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Pending {
    pub invitation_id: i64,
    pub full_name: String,
    pub position: String,
    pub organisation: String,
    pub group_code: String,
    pub email: String,
    pub phone: String,
    #[sqlx(try_from = "String")]
    pub delivery: Delivery,
    pub delivery_error: String,
    pub reminders: i64,
    pub last_mailed_at: i64,
    pub opened: bool,
    pub started: bool,
}

impl Pending {
    /// The facts the resend rule decides on (a pending respondent has not completed).
    /// The invitation as the resend rule sees it, `answers_open` saying whether the survey's
    /// deadline has passed.
    pub fn facts(&self, answers_open: bool) -> InvitationFacts {
        InvitationFacts {
            delivery: self.delivery,
            opened: self.opened,
            started: self.started,
            completed: false,
            answers_open,
        }
    }

    /// The respondent as the reminder policy sees them.
    pub fn reminder(&self) -> ReminderCandidate {
        ReminderCandidate {
            completed: false,
            delivered: self.delivery == Delivery::Sent,
            reminders: self.reminders,
            last_mailed_at_ms: self.last_mailed_at,
        }
    }
}

pub async fn pending(db: &Db, unit_id: UnitId) -> DbResult<Vec<Pending>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT i.id AS invitation_id, r.full_name, r.position, r.organisation, r.group_code, i.email, \
         r.phone, i.delivery, i.delivery_error, i.reminders, i.last_mailed_at, \
         (i.opened_at IS NOT NULL) AS opened, (i.started_at IS NOT NULL) AS started \
         FROM survey_invitations i JOIN respondents r ON r.id = i.respondent_id \
         WHERE i.unit_id = $1 AND i.completed_at IS NULL ORDER BY r.group_code, i.id"
    ).bind(unit_id).fetch_all(p).await)?)
}

/// One unit's totals on the national page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnitTotals {
    pub unit_id: UnitId,
    pub short_name: String,
    #[sqlx(try_from = "String")]
    pub level: parindex_domain::Level,
    /// The respondent list's state as stored, if the unit has a list; read it through
    /// [`UnitTotals::list_state`].
    #[sqlx(rename = "list_state")]
    #[serde(rename = "list_state")]
    list_state_name: Option<String>,
    pub opened_at: Option<i64>,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub counts: Counts,
}

impl UnitTotals {
    /// The unit's respondent list's state; `None` if it has no list.
    pub fn list_state(&self) -> Option<ListState> {
        self.list_state_name.as_deref().and_then(ListState::parse)
    }
}

pub async fn national(db: &Db, campaign_id: CampaignId) -> DbResult<Vec<UnitTotals>> {
    Ok(on_pool!(db, p => sqlx::query_as(
        "SELECT u.id AS unit_id, u.short_name, u.level, l.state AS list_state, s.opened_at, \
         COUNT(r.id) AS listed, COUNT(i.id) AS invited, \
         COALESCE(SUM(CASE WHEN i.delivery = 'sent' THEN 1 ELSE 0 END), 0) AS delivered, \
         COALESCE(SUM(CASE WHEN i.delivery = 'failed' THEN 1 ELSE 0 END), 0) AS failed, \
         COUNT(i.opened_at) AS opened, COUNT(i.completed_at) AS completed \
         FROM units u LEFT JOIN respondent_lists l ON l.unit_id = u.id \
         LEFT JOIN survey_units s ON s.unit_id = u.id \
         LEFT JOIN respondents r ON r.unit_id = u.id \
         LEFT JOIN survey_invitations i ON i.respondent_id = r.id \
         WHERE u.campaign_id = $1 GROUP BY u.id, u.short_name, u.level, l.state, s.opened_at \
         ORDER BY u.level, u.id"
    ).bind(campaign_id).fetch_all(p).await)?)
}
