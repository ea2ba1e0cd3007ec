//! MoHA's appraisal of one unit (thẩm định): the overview of every self-assessed leaf with its
//! history, one page per leaf to accept or adjust it (round 1) or answer the unit's explanation
//! (round 2), and the steps send round 1 → start round 2 → finalize. Only appraisers decide; MoHA
//! administrators can follow along.

use crate::auth::{MohaAppraiser, MohaStaff};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::appraisal::{Appraised, HistoryRow, Viewer};
use crate::service::self_assessment::find_leaf;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use crate::ui::upload::size_text;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::DbError;
use parindex_db::appraisals::{self, Move};
use parindex_db::users::User;
use parindex_domain::appraisal::{self, Round, Stage, Step, StepError, Verdict};
use parindex_domain::criteria::Method;
use parindex_domain::{CampaignId, UnitId};
use parindex_domain::{Role, deadline, text};

#[derive(Template, WebTemplate)]
#[template(path = "appraisal.html")]
pub struct OverviewPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub campaign_id: CampaignId,
    pub submitted: bool,
    /// The appraisal's stage once submitted; `stage_key` names it for style classes.
    pub stage: Option<Stage>,
    pub stage_key: &'static str,
    pub stage_label: String,
    pub is_appraiser: bool,
    pub rows: Vec<HistoryRow>,
    pub decided: usize,
    pub total: usize,
    pub adjusted: usize,
    pub pending: usize,
    pub self_points: String,
    pub points: String,
    /// The explanation deadline, for display (dd/mm/yyyy), if set.
    pub explain_due: String,
    pub window_open: bool,
    /// What the "due" field shows: what was typed, or a suggestion a week ahead.
    pub explain_due_input: String,
    pub first_pending: Option<String>,
}

fn is_appraiser(user: &User) -> bool {
    user.role == Role::MohaAppraiser
}

fn overview_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    a: &Appraised,
    typed_due: Option<&str>,
) -> OverviewPage {
    let now = state.clock.now();
    let rows = a.history(meta, Viewer::Moha, false);
    let (own, current) = a.totals(Viewer::Moha);
    let input = a.input(now);
    let mut page = Page::new(meta, user, "ap-title");
    page.title = format!("{} · {}", page.t("ap-title"), a.sa.cx.unit.short_name);
    let suggestion = now
        .to_offset(deadline::VIETNAM)
        .date()
        .saturating_add(time::Duration::days(7));
    OverviewPage {
        unit_id: a.sa.cx.unit.id,
        campaign_id: a.sa.cx.campaign.id,
        submitted: a.submitted(),
        stage: a.standing(),
        stage_key: a.standing_key(),
        stage_label: meta.lang.t(&format!("ap-stage-{}", a.standing_key())),
        is_appraiser: is_appraiser(user),
        decided: rows.iter().filter(|r| !r.round1.verdict.is_empty()).count(),
        total: rows.len(),
        adjusted: input.adjusted,
        pending: rows.iter().filter(|r| r.pending).count(),
        first_pending: rows.iter().find(|r| r.pending).map(|r| r.code.clone()),
        self_points: meta.lang.decimal(&own.to_fixed()),
        points: meta.lang.decimal(&current.to_fixed()),
        explain_due: a
            .ap
            .explain_due
            .as_deref()
            .and_then(deadline::parse_date)
            .map(deadline::display)
            .unwrap_or_default(),
        window_open: input.window_open,
        explain_due_input: typed_due
            .map(str::to_string)
            .unwrap_or_else(|| deadline::display(suggestion)),
        rows,
        page,
    }
}

pub async fn overview(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(unit_id): Path<UnitId>,
    Query(q): Query<DoneQuery>,
) -> AppResult<OverviewPage> {
    let a = Appraised::load(&state, unit_id).await?;
    let mut p = overview_page(&state, &meta, &user, &a, None);
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

#[derive(Template, WebTemplate)]
#[template(path = "appraisal_leaf.html")]
pub struct LeafPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub code: String,
    pub guidance: String,
    pub row: HistoryRow,
    /// Files backing the leaf: (id, name, reference, size).
    pub files: Vec<(i64, String, String, String)>,
    /// "1" or "2" when the appraiser can decide now, else empty.
    pub round: String,
    /// The verdicts offered: (value, label).
    pub verdicts: Vec<(String, String)>,
    pub verdict: String,
    pub score: String,
    pub comment: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

/// The round an appraiser can decide this leaf in now, if any.
fn open_round(a: &Appraised, code: &str) -> Option<Round> {
    if !a.submitted() {
        return None;
    }
    match a.ap.stage {
        Stage::Round1 => Some(Round::First),
        Stage::Round2 if a.leaf(code).adjusted() => Some(Round::Second),
        _ => None,
    }
}

struct Typed<'a> {
    verdict: &'a str,
    score: &'a str,
    comment: &'a str,
}

async fn leaf_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    a: &Appraised,
    code: &str,
    typed: Option<Typed<'_>>,
) -> AppResult<LeafPage> {
    let node = find_leaf(&a.sa.set, code)?;
    if node.method != Some(Method::SelfAssessed) {
        return Err(AppError::NotFound);
    }
    let row = a
        .history_row(meta, code, Viewer::Moha)
        .ok_or(AppError::NotFound)?;
    let round = open_round(a, code).filter(|_| is_appraiser(user));
    let stored = a.leaf(code);
    let existing = match round {
        Some(Round::Second) => stored.round2.clone(),
        _ => stored.round1.clone(),
    };
    let (verdict, score, comment) = match typed {
        Some(t) => (
            t.verdict.to_string(),
            t.score.to_string(),
            t.comment.to_string(),
        ),
        None => existing
            .map(|d| {
                (
                    d.verdict.as_str().to_string(),
                    if d.verdict == Verdict::Adjust {
                        meta.lang.decimal(&d.score.to_fixed())
                    } else {
                        String::new()
                    },
                    d.comment,
                )
            })
            .unwrap_or_default(),
    };
    let verdicts = round
        .map(|r| {
            Verdict::allowed(r)
                .iter()
                .map(|v| {
                    (
                        v.as_str().to_string(),
                        meta.lang.t(&format!("ap-choose-{}", v.as_str())),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let codes: Vec<String> = a.sa.self_leaves().iter().map(|n| n.code.clone()).collect();
    let at = codes.iter().position(|c| c == code).unwrap_or(0);
    let files = parindex_db::evidence::for_leaf(&state.db, a.sa.cx.unit.id, code)
        .await?
        .into_iter()
        .map(|l| {
            (
                l.file.id,
                l.file.filename,
                l.reference,
                size_text(l.file.size_bytes),
            )
        })
        .collect();
    let mut page = Page::new(meta, user, "ap-title");
    page.title = format!("{} · {} {}", a.sa.cx.unit.short_name, row.code, row.name);
    Ok(LeafPage {
        page,
        unit_id: a.sa.cx.unit.id,
        unit_name: a.sa.cx.unit.short_name.clone(),
        code: code.to_string(),
        guidance: meta.lang.pick(&node.guidance_vi, &node.guidance_en),
        row,
        files,
        round: match round {
            Some(Round::First) => "1".into(),
            Some(Round::Second) => "2".into(),
            None => String::new(),
        },
        verdicts,
        verdict,
        score,
        comment,
        prev: at.checked_sub(1).and_then(|i| codes.get(i)).cloned(),
        next: codes.get(at + 1).cloned(),
    })
}

pub async fn leaf(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path((unit_id, code)): Path<(UnitId, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<LeafPage> {
    let a = Appraised::load(&state, unit_id).await?;
    let mut p = leaf_page(&state, &meta, &user, &a, &code, None).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct DecisionForm {
    pub verdict: String,
    pub score: String,
    pub comment: String,
}

pub(crate) fn stale(e: DbError) -> AppError {
    match e {
        DbError::Stale => AppError::BadRequest("ap-wrong-stage"),
        other => other.into(),
    }
}

pub async fn decide(
    State(state): State<AppState>,
    meta: Meta,
    MohaAppraiser(user): MohaAppraiser,
    Path((unit_id, code)): Path<(UnitId, String)>,
    Form(f): Form<DecisionForm>,
) -> AppResult<Response> {
    let a = Appraised::load(&state, unit_id).await?;
    let node = find_leaf(&a.sa.set, &code)?;
    if node.method != Some(Method::SelfAssessed) {
        return Err(AppError::NotFound);
    }
    let round = open_round(&a, &code).ok_or(AppError::BadRequest("ap-wrong-stage"))?;
    let comment = text::clean(&f.comment);
    let decision = match appraisal::decide(
        round,
        node.max,
        a.self_score(&code),
        a.leaf(&code).round1.as_ref().map(|d| d.score),
        &f.verdict,
        &f.score,
        &comment,
    ) {
        Ok(d) => d,
        Err(e) => {
            let max = meta.lang.decimal(&node.max.to_fixed());
            let typed = Typed {
                verdict: &f.verdict,
                score: &f.score,
                comment: &comment,
            };
            let mut body = leaf_page(&state, &meta, &user, &a, &code, Some(typed)).await?;
            let message = meta.lang.t_args(e.message_key(), &[("max", max)]);
            body.page.error_msg(e.field(), message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    let campaign = a.sa.cx.campaign.id;
    appraisals::decide(&state.db, &ctx, campaign, unit_id, &code, round, &decision)
        .await
        .map_err(stale)?;
    // Only this leaf changed since `a` was loaded.
    Ok(match a.next_pending(&code) {
        Some(c) => Redirect::to(&format!(
            "/admin/units/{unit_id}/appraisal/leaf/{c}?done=ap-saved"
        )),
        None => Redirect::to(&format!("/admin/units/{unit_id}/appraisal?done=ap-saved")),
    }
    .into_response())
}

fn step_error(e: StepError) -> AppError {
    match e {
        StepError::WrongRole => AppError::Forbidden,
        other => AppError::BadRequest(other.message_key()),
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    pub explain_due: String,
    pub confirm: String,
}

pub(crate) async fn take_step(
    state: &AppState,
    meta: &Meta,
    user: &User,
    a: &Appraised,
    step: Step,
    explain_due: Option<&str>,
) -> AppResult<Redirect> {
    if !a.submitted() {
        return Err(AppError::BadRequest("ap-not-submitted"));
    }
    let role = user.role;
    let input = a.input(state.clock.now());
    let from = a.ap.stage;
    let to = appraisal::next(from, step, role, input).map_err(step_error)?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    let unit_id = a.sa.cx.unit.id;
    appraisals::advance(
        &state.db,
        &ctx,
        a.sa.cx.campaign.id,
        unit_id,
        &Move {
            from,
            to,
            adjusted: (step == Step::SendRound1).then_some(input.adjusted),
            explain_due: explain_due.filter(|_| to == Stage::Explaining),
        },
    )
    .await
    .map_err(stale)?;
    let base = if step == Step::SendExplanations {
        format!("/unit/{unit_id}/appraisal")
    } else {
        format!("/admin/units/{unit_id}/appraisal")
    };
    Ok(Redirect::to(&format!("{base}?done=ap-{}", to.as_str())))
}

pub async fn send(
    State(state): State<AppState>,
    meta: Meta,
    MohaAppraiser(user): MohaAppraiser,
    Path(unit_id): Path<UnitId>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let a = Appraised::load(&state, unit_id).await?;
    let now = state.clock.now();
    let mut problems: Vec<(&str, &str)> = Vec::new();
    let due = if a.input(now).adjusted > 0 {
        match deadline::parse_date(&f.explain_due) {
            Some(d) if deadline::is_open(d, now) => Some(deadline::iso(d)),
            Some(_) => {
                problems.push(("explain_due", "ap-due-past"));
                None
            }
            None => {
                problems.push(("explain_due", "ap-due-invalid"));
                None
            }
        }
    } else {
        None
    };
    if f.confirm != "yes" {
        problems.push(("confirm", "sa-confirm-required"));
    }
    if !problems.is_empty() {
        let mut body = overview_page(&state, &meta, &user, &a, Some(&f.explain_due));
        for (field, key) in problems {
            body.page.error(field, key);
        }
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    Ok(
        take_step(&state, &meta, &user, &a, Step::SendRound1, due.as_deref())
            .await?
            .into_response(),
    )
}

pub async fn round2(
    State(state): State<AppState>,
    meta: Meta,
    MohaAppraiser(user): MohaAppraiser,
    Path(unit_id): Path<UnitId>,
) -> AppResult<Redirect> {
    let a = Appraised::load(&state, unit_id).await?;
    take_step(&state, &meta, &user, &a, Step::StartRound2, None).await
}

pub async fn finalize(
    State(state): State<AppState>,
    meta: Meta,
    MohaAppraiser(user): MohaAppraiser,
    Path(unit_id): Path<UnitId>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    let a = Appraised::load(&state, unit_id).await?;
    if f.confirm != "yes" {
        let mut body = overview_page(&state, &meta, &user, &a, None);
        body.page.error("confirm", "sa-confirm-required");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    Ok(take_step(&state, &meta, &user, &a, Step::Finalize, None)
        .await?
        .into_response())
}
