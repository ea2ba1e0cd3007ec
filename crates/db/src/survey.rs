//! The survey as stored: opening a unit's survey (an invitation, a personal link and a queued e-mail
//! for every respondent on its accepted list, in one transaction), what a link leads to, the answers
//! saved as the respondent goes, the one final submission, and the paradata. Links are stored only as
//! SHA-256 hashes; each e-mail carries a fresh link, and every link of an invitation leads to the same
//! answers.

use crate::audit::{self, Change};
use crate::ctx::Ctx;
use crate::error::{DbError, DbResult};
use crate::outbox::{self, OutMail};
use crate::packed::{self, packed_answers};
use crate::pool::{Db, Engine, Tx};
use crate::portable::{Conn, InlineTx, finish_inline};
use crate::steps::{Param, Step};
use crate::write_queue::WriteQueue;
use parindex_domain::ids::{CampaignId, UnitId};
use parindex_domain::respondents::ListState;
use parindex_domain::token;
use rusqlite::OptionalExtension;
use std::collections::HashMap;
use std::sync::Arc;

/// Why an e-mail goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Invitation,
    Reminder,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
        }
    }
}

/// What an e-mail to one respondent is made from.
#[derive(Debug, Clone, Copy)]
pub struct MailFor<'a> {
    pub kind: MailKind,
    pub full_name: &'a str,
    pub email: &'a str,
    pub group_code: &'a str,
    /// The personal link's secret, shown only in this e-mail.
    pub token: &'a str,
}

/// Builds the e-mail for one respondent (the caller knows the unit, the deadline and the contact).
pub type Compose<'a> = dyn Fn(&MailFor<'_>) -> OutMail + Send + Sync + 'a;

fn new_token() -> DbResult<String> {
    token::generate().map_err(|e| DbError::Other(format!("random generator: {e}")))
}

/// Who an e-mail goes to.
pub(crate) struct Recipient<'a> {
    pub full_name: &'a str,
    pub email: &'a str,
    pub group_code: &'a str,
}

/// A new link for the invitation and its e-mail in the outbox.
pub(crate) async fn mail_link(
    tx: &mut Tx,
    invitation_id: i64,
    kind: MailKind,
    to: Recipient<'_>,
    compose: &Compose<'_>,
    now_ms: i64,
) -> DbResult<()> {
    let token = new_token()?;
    on_tx!(tx, c => sqlx::query(
        "INSERT INTO survey_links (token_hash, invitation_id, created_at) VALUES ($1, $2, $3)"
    ).bind(token::hash(&token)).bind(invitation_id).bind(now_ms)
    .execute(c).await.map(|r| r.rows_affected()))?;
    let mail = compose(&MailFor {
        kind,
        full_name: to.full_name,
        email: to.email,
        group_code: to.group_code,
        token: &token,
    });
    outbox::enqueue(tx, kind.as_str(), Some(invitation_id), &mail, now_ms).await
}

/// When the unit's survey was opened, if it was.
pub async fn opened_at(db: &Db, unit_id: UnitId) -> DbResult<Option<i64>> {
    let row: Option<(i64,)> = on_pool!(db, p => sqlx::query_as(
        "SELECT opened_at FROM survey_units WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(p).await)?;
    Ok(row.map(|r| r.0))
}

type PersonRow = (i64, String, String, String);

/// Opens the survey of one unit whose list MoHA has accepted. Returns the number of invitations.
/// Refused with `Stale` when the list is not accepted, and `Conflict` when the survey is already open.
pub async fn open_unit(
    db: &Db,
    ctx: &Ctx,
    campaign: CampaignId,
    unit: UnitId,
    compose: &Compose<'_>,
) -> DbResult<usize> {
    let (campaign_id, unit_id) = (campaign, unit);
    let mut tx = db.begin().await?;
    let state: Option<(String,)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT state FROM respondent_lists WHERE unit_id = $1"
    ).bind(unit_id).fetch_optional(c).await)?;
    if state.and_then(|s| ListState::parse(&s.0)) != Some(ListState::Accepted) {
        return Err(DbError::Stale);
    }
    let salt = new_token()?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO survey_campaigns (campaign_id, salt, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (campaign_id) DO NOTHING"
    ).bind(campaign_id).bind(&salt).bind(ctx.now_ms).execute(c).await.map(|r| r.rows_affected()))?;
    on_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO survey_units (unit_id, campaign_id, opened_at, opened_by) VALUES ($1, $2, $3, $4)"
    ).bind(unit_id).bind(campaign_id).bind(ctx.now_ms).bind(ctx.actor_id)
    .execute(c).await.map(|r| r.rows_affected()))?;
    let people: Vec<PersonRow> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT id, full_name, email, group_code FROM respondents WHERE unit_id = $1 ORDER BY id"
    ).bind(unit_id).fetch_all(c).await)?;
    for (rid, full_name, email, group_code) in &people {
        let (inv,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as(
            "INSERT INTO survey_invitations (campaign_id, unit_id, respondent_id, group_code, email, \
             delivery, invited_at, last_mailed_at) VALUES ($1, $2, $3, $4, $5, 'queued', $6, $6) RETURNING id"
        ).bind(campaign_id).bind(unit_id).bind(rid).bind(group_code).bind(email).bind(ctx.now_ms)
        .fetch_one(c).await)?;
        let to = Recipient {
            full_name,
            email,
            group_code,
        };
        mail_link(&mut tx, inv, MailKind::Invitation, to, compose, ctx.now_ms).await?;
    }
    audit::append(
        &mut tx,
        ctx,
        Change {
            action: "survey.open",
            entity: "survey_unit",
            entity_id: unit_id.to_string(),
            campaign_id: Some(campaign_id),
            unit_id: Some(unit_id),
            after: Some(serde_json::json!({ "invitations": people.len() })),
            ..Change::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(people.len())
}

/// What a personal link leads to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkView {
    pub invitation_id: i64,
    pub campaign_id: CampaignId,
    pub unit_id: UnitId,
    pub group_code: String,
    pub revoked: bool,
    pub opened_at: Option<i64>,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub unit_name: String,
    #[sqlx(try_from = "String")]
    pub unit_level: parindex_domain::Level,
    pub salt: String,
    /// The ISO day answers are due for this unit (its extension, else the campaign's).
    pub answer_deadline: Option<String>,
    /// The hash of the unit's level's questionnaires, if stored.
    pub questionnaire_sha: Option<String>,
    /// Who runs the survey and signs its e-mails (blank: the installation's owner).
    pub organiser: String,
}

/// The link query, with `$extra` columns.
macro_rules! link_by_token {
    ($($extra:expr),*) => {
        concat!(
            "SELECT i.id AS invitation_id, i.campaign_id, i.unit_id, i.group_code, l.revoked, i.opened_at, \
         i.started_at, i.completed_at, u.name AS unit_name, u.level AS unit_level, s.salt, \
         COALESCE(e.due_date, d.due_date) AS answer_deadline, q.sha256 AS questionnaire_sha, \
         c.organiser",
            $($extra,)*
            " FROM survey_links l JOIN survey_invitations i ON i.id = l.invitation_id \
         JOIN units u ON u.id = i.unit_id JOIN survey_campaigns s ON s.campaign_id = i.campaign_id \
         JOIN campaigns c ON c.id = i.campaign_id \
         LEFT JOIN campaign_deadlines d ON d.campaign_id = i.campaign_id AND d.kind = 'survey_answers' \
         LEFT JOIN deadline_extensions e ON e.unit_id = i.unit_id AND e.kind = 'survey_answers' \
         LEFT JOIN campaign_questionnaires q ON q.campaign_id = i.campaign_id AND q.level = u.level \
         WHERE l.token_hash = $1"
        )
    };
}

/// The link behind a token's hash, with what its pages need.
const LINK_BY_TOKEN: &str = link_by_token!();

/// The same, with the answers saved on it so far in one column (PostgreSQL), packed
/// ([`crate::packed`]).
const LINK_AND_ANSWERS_PG: &str = link_by_token!(
    ", (SELECT ",
    packed_answers!(postgres),
    " FROM survey_answers a WHERE a.invitation_id = i.id) AS answers"
);

/// The hash a link's secret is stored under; `None` for what cannot be a secret.
fn link_hash(token_value: &str) -> Option<String> {
    (token_value.len() == 64 && token_value.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token::hash(token_value))
}

/// The link with this secret, if there is one, with what its pages need in the same query. On
/// SQLite the read runs on this thread ([`crate::inline`]).
pub async fn by_token(db: &Db, token_value: &str) -> DbResult<Option<LinkView>> {
    let Some(hash) = link_hash(token_value) else {
        return Ok(None);
    };
    if let Some(r) = db.inline() {
        return r.read(|c| {
            c.prepare_cached(LINK_BY_TOKEN)?
                .query_row([&hash], link_view)
                .optional()
        });
    }
    match db {
        Db::Postgres(_, kept) => Ok(kept
            .read_row(LINK_BY_TOKEN, &hash)
            .await?
            .map(|row| <LinkView as sqlx::FromRow<_>>::from_row(&row))
            .transpose()?),
        Db::Sqlite(p, _) => Ok(sqlx::query_as(LINK_BY_TOKEN)
            .bind(&hash)
            .fetch_optional(p)
            .await?),
    }
}

/// The link with this secret and the answers saved on it so far (question code to option key),
/// read together: one statement on PostgreSQL, one read on this thread on SQLite in a file.
pub async fn by_token_with_answers(
    db: &Db,
    token_value: &str,
) -> DbResult<Option<(LinkView, HashMap<String, String>)>> {
    let Some(hash) = link_hash(token_value) else {
        return Ok(None);
    };
    if let Some(r) = db.inline() {
        return r.read(|c| {
            let Some(link) = c
                .prepare_cached(LINK_BY_TOKEN)?
                .query_row([&hash], link_view)
                .optional()?
            else {
                return Ok(None);
            };
            let answers = c
                .prepare_cached(ANSWERS)?
                .query_map([link.invitation_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<HashMap<String, String>>>()?;
            Ok(Some((link, answers)))
        });
    }
    match db {
        Db::Postgres(_, kept) => {
            let Some(row) = kept.read_row(LINK_AND_ANSWERS_PG, &hash).await? else {
                return Ok(None);
            };
            let link = <LinkView as sqlx::FromRow<_>>::from_row(&row)?;
            let packed: Option<String> = sqlx::Row::try_get(&row, "answers")?;
            let answers = packed::pairs(packed.as_deref().unwrap_or(""))
                .map(|(q, o)| (q.to_string(), o.to_string()))
                .collect();
            Ok(Some((link, answers)))
        }
        Db::Sqlite(..) => {
            let Some(link) = by_token(db, token_value).await? else {
                return Ok(None);
            };
            let answers = answers(db, link.invitation_id).await?;
            Ok(Some((link, answers)))
        }
    }
}

/// A [`LinkView`] from an inline read's row, by the columns' names as sqlx decodes it.
fn link_view(r: &rusqlite::Row<'_>) -> rusqlite::Result<LinkView> {
    let level: String = r.get("unit_level")?;
    let unit_level = parindex_domain::Level::parse(&level).ok_or_else(|| {
        let e = format!("unknown level {level:?}");
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.into())
    })?;
    Ok(LinkView {
        invitation_id: r.get("invitation_id")?,
        campaign_id: CampaignId(r.get("campaign_id")?),
        unit_id: UnitId(r.get("unit_id")?),
        group_code: r.get("group_code")?,
        revoked: r.get("revoked")?,
        opened_at: r.get("opened_at")?,
        started_at: r.get("started_at")?,
        completed_at: r.get("completed_at")?,
        unit_name: r.get("unit_name")?,
        unit_level,
        salt: r.get("salt")?,
        answer_deadline: r.get("answer_deadline")?,
        questionnaire_sha: r.get("questionnaire_sha")?,
        organiser: r.get("organiser")?,
    })
}

/// Where and how a respondent's request came, already hashed with the campaign's salt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    pub session_hash: String,
    pub ip_hash: String,
    pub ua_hash: String,
    pub signed_in_unit: Option<i64>,
}

/// The paradata row of one step of the respondent's.
pub(crate) fn trace(invitation_id: i64, event: &str, page: i64, t: &Trace, now_ms: i64) -> Step {
    Step::new(
        "INSERT INTO survey_paradata (invitation_id, at, event, page, session_hash, ip_hash, \
         ua_hash, signed_in_unit) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            invitation_id.into(),
            now_ms.into(),
            event.into(),
            page.into(),
            t.session_hash.as_str().into(),
            t.ip_hash.as_str().into(),
            t.ua_hash.as_str().into(),
            t.signed_in_unit.into(),
        ],
    )
    .at_commit(TRACES)
}

/// Every paradata row of a PostgreSQL transaction in one statement, at commit ([`crate::bulk`]).
const TRACES: &str = "INSERT INTO survey_paradata (invitation_id, at, event, page, session_hash, \
     ip_hash, ua_hash, signed_in_unit) SELECT * FROM unnest($1::int8[], $2::int8[], $3::text[], \
     $4::int8[], $5::text[], $6::text[], $7::text[], $8::int8[])";

/// Marks the invitation started (the respondent pressed Start); refused as stale once the response
/// is complete.
fn touch_started(invitation_id: i64, now_ms: i64) -> Step {
    Step::new(
        "UPDATE survey_invitations SET opened_at = COALESCE(opened_at, $2), \
         started_at = COALESCE(started_at, $2) WHERE id = $1 AND completed_at IS NULL",
        vec![invitation_id.into(), now_ms.into()],
    )
    .must_change()
}

pub async fn start(
    writes: &WriteQueue,
    invitation_id: i64,
    t: &Trace,
    now_ms: i64,
) -> DbResult<()> {
    let ev = parindex_domain::survey::paradata::event::STARTED;
    writes
        .steps(vec![
            touch_started(invitation_id, now_ms),
            trace(invitation_id, ev, 0, t, now_ms),
        ])
        .await
}

/// Saves a page's answers (replacing earlier ones). Refused with `Stale` once the response is
/// submitted.
pub async fn save_answers(
    writes: &WriteQueue,
    invitation_id: i64,
    page: i64,
    answers: &[(String, String)],
    t: &Trace,
    now_ms: i64,
) -> DbResult<()> {
    // A page's answers in one statement. A question given twice keeps its last answer, as
    // separate statements would.
    let mut last: Vec<(String, String)> = Vec::with_capacity(answers.len());
    for (code, key) in answers {
        last.retain(|(c, _)| c != code);
        last.push((code.clone(), key.clone()));
    }
    let mut steps = if last.is_empty() {
        vec![touch_started(invitation_id, now_ms)]
    } else {
        page_upsert(writes.engine(), invitation_id, now_ms, &last)
    };
    let ev = parindex_domain::survey::paradata::event::PAGE_SAVED;
    steps.push(trace(invitation_id, ev, page, t, now_ms));
    writes.steps(steps).await
}

/// A page's answers (question code, option key) stored over earlier ones, with the invitation
/// marked started; refused as stale once the response is complete. On PostgreSQL it is one statement
/// (the marking in a `WITH`, the answers stored only if it changed the invitation): the write
/// queue's batches run one round trip per statement. SQLite, without such a `WITH`, runs the two
/// statements, at no round trip's cost.
fn page_upsert(
    engine: Engine,
    invitation_id: i64,
    now_ms: i64,
    answers: &[(String, String)],
) -> Vec<Step> {
    let mut params: Vec<Param> = vec![invitation_id.into(), now_ms.into()];
    let mut rows: Vec<String> = Vec::with_capacity(answers.len());
    for (i, (code, key)) in answers.iter().enumerate() {
        params.extend([code.as_str().into(), key.as_str().into()]);
        let (q, o) = (2 * i + 3, 2 * i + 4);
        rows.push(match engine {
            Engine::Postgres => format!("(${q}::text, ${o}::text)"),
            Engine::Sqlite => format!("($1, ${q}, ${o}, $2)"),
        });
    }
    let rows = rows.join(", ");
    let upsert = "ON CONFLICT (invitation_id, question_code) \
         DO UPDATE SET option_key = excluded.option_key, saved_at = excluded.saved_at";
    let insert = "INSERT INTO survey_answers (invitation_id, question_code, option_key, saved_at)";
    match engine {
        Engine::Postgres => {
            let sql = format!(
                "WITH t AS (UPDATE survey_invitations SET opened_at = COALESCE(opened_at, $2), \
                 started_at = COALESCE(started_at, $2) WHERE id = $1 AND completed_at IS NULL \
                 RETURNING id) \
                 {insert} SELECT t.id, a.q, a.o, $2::int8 FROM t, (VALUES {rows}) AS a(q, o) {upsert}"
            );
            vec![Step::new(sql, params).must_change()]
        }
        Engine::Sqlite => {
            let sql = format!("{insert} VALUES {rows} {upsert}");
            vec![touch_started(invitation_id, now_ms), Step::new(sql, params)]
        }
    }
}

/// The answers saved so far on one invitation: (question code, option key).
pub(crate) const ANSWERS: &str =
    "SELECT question_code, option_key FROM survey_answers WHERE invitation_id = $1";

/// The answers saved so far, by question code. On SQLite the read runs on this thread.
pub async fn answers(db: &Db, invitation_id: i64) -> DbResult<HashMap<String, String>> {
    if let Some(r) = db.inline() {
        return r.read(|c| {
            c.prepare_cached(ANSWERS)?
                .query_map([invitation_id], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect()
        });
    }
    let rows: Vec<(String, String)> =
        on_pool!(db, p => sqlx::query_as(ANSWERS).bind(invitation_id).fetch_all(p).await)?;
    Ok(rows.into_iter().collect())
}

/// The one final submission. `Ok(true)` when this call submitted it, `Ok(false)` when it was already
/// submitted (a double click or a retry): either way exactly one response is stored, and added to
/// the survey's tallies in the same transaction.
pub async fn submit(
    writes: &WriteQueue,
    invitation_id: i64,
    t: &Trace,
    now_ms: i64,
) -> DbResult<bool> {
    let t = Arc::new(t.clone());
    let inline_t = t.clone();
    writes
        .either(
            move |tx| {
                let t = t.clone();
                Box::pin(async move { submit_on(tx, invitation_id, &t, now_ms).await })
            },
            move |tx| {
                let on = &mut InlineTx(tx);
                finish_inline(submit_on(on, invitation_id, &inline_t, now_ms))
            },
        )
        .await
}

/// The submission, on either kind of transaction.
async fn submit_on<C: Conn>(
    c: &mut C,
    invitation_id: i64,
    t: &Trace,
    now_ms: i64,
) -> DbResult<bool> {
    let n = c
        .execute(&Step::new(
            "UPDATE survey_invitations SET completed_at = $2, started_at = COALESCE(started_at, $2), \
             opened_at = COALESCE(opened_at, $2) WHERE id = $1 AND completed_at IS NULL",
            vec![invitation_id.into(), now_ms.into()],
        ))
        .await?;
    if n == 0 {
        return Ok(false);
    }
    crate::survey_tallies::add_submission(c, invitation_id).await?;
    let ev = parindex_domain::survey::paradata::event::SUBMITTED;
    c.execute(&trace(invitation_id, ev, 0, t, now_ms)).await?;
    Ok(true)
}
