//! The unit's side of the appraisal: what MoHA adjusted in round 1 and why, the unit's explanation
//! of each adjusted leaf (with any further evidence) until the window closes, sending the
//! explanations, and the final scores with each leaf's history once MoHA finalizes.

use crate::appraisal::moha::{stale, take_step};
use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::appraisal::ensure_explaining;
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
use parindex_db::appraisals;
use parindex_db::users::User;
use parindex_domain::UnitId;
use parindex_domain::appraisal::{Stage, Step};
use parindex_domain::{deadline, text};

#[derive(Template, WebTemplate)]
#[template(path = "appraisal_unit.html")]
pub struct UnitPage {
    pub page: Page,
    pub unit_id: UnitId,
    /// The appraisal's stage once submitted; `stage_key` names it for messages and style classes.
    pub stage: Option<Stage>,
    pub stage_key: &'static str,
    pub stage_label: String,
    pub rows: Vec<HistoryRow>,
    pub explain_due: String,
    pub window_open: bool,
    /// Whether this user may explain and send the explanations now (`appraisal::may_explain`).
    pub may_explain: bool,
    pub self_points: String,
    pub points: String,
    pub explained: usize,
}

fn due_text(a: &Appraised) -> String {
    a.ap.explain_due
        .as_deref()
        .and_then(deadline::parse_date)
        .map(deadline::display)
        .unwrap_or_default()
}

/// May `user` change explanations now?
fn may_explain(state: &AppState, user: &User, a: &Appraised) -> bool {
    a.may_explain(user, state.clock.now()).is_ok()
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<DoneQuery>,
) -> AppResult<UnitPage> {
    let a = Appraised::load(&state, r.unit_id).await?;
    let mut p = unit_page(&state, &meta, &r.user, &a);
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

/// The unit's view of its appraisal: round 1's results once sent, its explanations, the totals.
fn unit_page(state: &AppState, meta: &Meta, user: &User, a: &Appraised) -> UnitPage {
    let visible = a.submitted() && a.ap.stage.round1_visible_to_unit();
    let rows = if visible {
        a.history(meta, Viewer::Unit, a.ap.stage != Stage::Final)
    } else {
        Vec::new()
    };
    let (own, now) = a.totals(Viewer::Unit);
    let mut page = Page::new(meta, user, "ap-unit-title");
    page.title = format!("{} · {}", page.t("ap-unit-title"), a.sa.cx.unit.short_name);
    UnitPage {
        page,
        unit_id: a.sa.cx.unit.id,
        stage_label: meta.lang.t(&format!("ap-unit-stage-{}", a.standing_key())),
        stage: a.standing(),
        stage_key: a.standing_key(),
        explained: rows
            .iter()
            .filter(|r| r.adjusted && !r.explanation.trim().is_empty())
            .count(),
        rows,
        explain_due: due_text(a),
        window_open: a.window_open(state.clock.now()),
        may_explain: may_explain(state, user, a),
        self_points: meta.lang.decimal(&own.to_fixed()),
        points: meta.lang.decimal(&now.to_fixed()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "appraisal_unit_leaf.html")]
pub struct UnitLeafPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub row: HistoryRow,
    pub explain_due: String,
    pub editable: bool,
    pub explanation: String,
    /// Files backing the leaf: (id, name, reference, size, added while explaining).
    pub files: Vec<(i64, String, String, String, bool)>,
    /// The unit's other library files: (id, name).
    pub library: Vec<(i64, String)>,
}

async fn unit_leaf_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    a: &Appraised,
    code: &str,
    typed: Option<&str>,
) -> AppResult<UnitLeafPage> {
    find_leaf(&a.sa.set, code)?;
    // Only leaves MoHA adjusted, once round 1 was sent to the unit.
    let row = a
        .history_row(meta, code, Viewer::Unit)
        .filter(|_| a.submitted() && a.adjusted_for(code, Viewer::Unit))
        .ok_or(AppError::NotFound)?;
    let unit_id = a.sa.cx.unit.id;
    let sent_at = a.ap.sent_at.unwrap_or(i64::MAX);
    let linked = parindex_db::evidence::for_leaf(&state.db, unit_id, code).await?;
    let linked_ids: Vec<i64> = linked.iter().map(|l| l.file.id).collect();
    let files = linked
        .into_iter()
        .map(|l| {
            let new = l.linked_at >= sent_at;
            (
                l.file.id,
                l.file.filename,
                l.reference,
                size_text(l.file.size_bytes),
                new,
            )
        })
        .collect();
    let editable = may_explain(state, user, a);
    let library = if editable {
        parindex_db::evidence::library(&state.db, unit_id)
            .await?
            .into_iter()
            .filter(|f| !linked_ids.contains(&f.id))
            .map(|f| (f.id, f.filename))
            .collect()
    } else {
        Vec::new()
    };
    let mut page = Page::new(meta, user, "ap-unit-title");
    page.title = format!("{} {}", row.code, row.name);
    Ok(UnitLeafPage {
        page,
        unit_id,
        explanation: typed
            .map(str::to_string)
            .unwrap_or_else(|| row.explanation.clone()),
        row,
        explain_due: due_text(a),
        editable,
        files,
        library,
    })
}

pub async fn leaf(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Path((_unit, code)): Path<(UnitId, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<UnitLeafPage> {
    let a = Appraised::load(&state, r.unit_id).await?;
    let mut p = unit_leaf_page(&state, &meta, &r.user, &a, &code, None).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ExplainForm {
    pub explanation: String,
    pub confirm: String,
}

/// Refuses when `user` cannot explain now, naming the closed window where that is the reason.
pub async fn explain(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(UnitId, String)>,
    Form(f): Form<ExplainForm>,
) -> AppResult<Response> {
    let a = Appraised::load(&state, o.unit_id).await?;
    find_leaf(&a.sa.set, &code)?;
    ensure_explaining(&state, &o.user, &a)?;
    if !a.leaf(&code).adjusted() {
        return Err(AppError::NotFound);
    }
    let explanation = text::clean(&f.explanation);
    if explanation.chars().count() > 5000 {
        let mut body =
            unit_leaf_page(&state, &meta, &o.user, &a, &code, Some(&explanation)).await?;
        body.page.error("explanation", "field-too-long");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    appraisals::explain(
        &state.db,
        &ctx,
        a.sa.cx.campaign.id,
        o.unit_id,
        &code,
        &explanation,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{}/appraisal?done=saved#leaf-{}",
        o.unit_id, code
    ))
    .into_response())
}

pub async fn send(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<ExplainForm>,
) -> AppResult<Response> {
    let a = Appraised::load(&state, o.unit_id).await?;
    ensure_explaining(&state, &o.user, &a)?;
    if f.confirm != "yes" {
        let mut body = unit_page(&state, &meta, &o.user, &a);
        body.page.error("confirm", "sa-confirm-required");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    Ok(
        take_step(&state, &meta, &o.user, &a, Step::SendExplanations, None)
            .await?
            .into_response(),
    )
}
