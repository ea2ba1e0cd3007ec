//! One leaf of the unit's self-assessment: its page, to score it, explain it and attach evidence,
//! and the save, which says where the leaf now stands. Survey and imported leaves are shown
//! read-only; everything locks at the self-assessment deadline, on the server.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::self_assessment::{Loaded, SaveOutcome, find_leaf, save_score};
use crate::state::AppState;
use crate::ui::layout::Page;
use crate::ui::upload::size_text;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::User;
use parindex_domain::UnitId;
use parindex_domain::criteria::{Method, Node};
use parindex_domain::self_assessment::{self as sa, LeafEntry, next_unfinished};

#[derive(Template, WebTemplate)]
#[template(path = "self_assessment_leaf.html")]
pub struct LeafPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub code: String,
    pub name: String,
    pub guidance: String,
    pub max: String,
    pub method: String,
    pub is_self: bool,
    pub editable: bool,
    pub score: String,
    pub explanation: String,
    pub status_label: String,
    /// Files backing this leaf: (id, name, reference, size text).
    pub files: Vec<(i64, String, String, String)>,
    /// The unit's other library files that could back it too: (id, name).
    pub library: Vec<(i64, String)>,
    /// The evidence form's page or section reference, kept when an upload was refused.
    pub reference: String,
    /// The next self-assessed item not finished yet, after this one (going round).
    pub next_unfinished: Option<String>,
}

fn leaf_page(
    meta: &Meta,
    user: &User,
    l: &Loaded,
    node: &Node,
    typed: Option<(&str, &str)>,
) -> LeafPage {
    let entry = l.entry(&node.code);
    let name = meta.lang.pick(&node.name_vi, &node.name_en);
    let mut page = Page::new(meta, user, "sa-title");
    page.title = format!("{} {}", node.code, name);
    let is_self = node.method == Some(Method::SelfAssessed);
    let items: Vec<(String, LeafEntry)> = l
        .self_leaves()
        .iter()
        .map(|n| (n.code.clone(), l.entry(&n.code)))
        .collect();
    let next_unfinished = next_unfinished(&items, &node.code).map(str::to_string);
    LeafPage {
        next_unfinished,
        unit_id: l.cx.unit.id,
        code: node.code.clone(),
        guidance: meta.lang.pick(&node.guidance_vi, &node.guidance_en),
        max: meta.lang.decimal(&node.max.to_fixed()),
        method: node
            .method
            .map(|m| meta.lang.t(&format!("method-{}", m.as_str())))
            .unwrap_or_default(),
        is_self,
        editable: is_self && l.may_edit(user.role).is_ok(),
        score: typed.map(|(s, _)| s.to_string()).unwrap_or_else(|| {
            entry
                .score
                .map(|p| meta.lang.decimal(&p.to_fixed()))
                .unwrap_or_default()
        }),
        explanation: typed
            .map(|(_, e)| e.to_string())
            .unwrap_or(entry.explanation.clone()),
        status_label: meta
            .lang
            .t(&format!("sa-status-{}", sa::leaf_status(&entry).as_str())),
        files: Vec::new(),
        library: Vec::new(),
        reference: String::new(),
        name,
        page,
    }
}

/// A refused change of a leaf's evidence shown on the leaf's page: the error in the summary,
/// linked to the file field, and the typed reference kept.
pub(super) async fn evidence_refused(
    state: &AppState,
    meta: &Meta,
    user: &User,
    unit_id: UnitId,
    code: &str,
    reference: String,
    err: AppError,
) -> AppResult<Response> {
    if !err.belongs_on_the_form() {
        return Err(err);
    }
    let l = Loaded::load(state, unit_id).await?;
    let node = find_leaf(&l.set, code)?;
    let mut p = leaf_page(meta, user, &l, node, None);
    p.page.error_msg("evidence-file", err.say(meta.lang));
    p.reference = reference;
    let p = with_evidence(state, unit_id, p).await?;
    Ok((err.status(), p).into_response())
}

/// Fills in the leaf's evidence and the library to choose from.
async fn with_evidence(state: &AppState, unit_id: UnitId, mut p: LeafPage) -> AppResult<LeafPage> {
    let linked = parindex_db::evidence::for_leaf(&state.db, unit_id, &p.code).await?;
    let linked_ids: Vec<i64> = linked.iter().map(|l| l.file.id).collect();
    p.files = linked
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
    p.library = parindex_db::evidence::library(&state.db, unit_id)
        .await?
        .into_iter()
        .filter(|f| !linked_ids.contains(&f.id))
        .map(|f| (f.id, f.filename))
        .collect();
    Ok(p)
}

pub async fn leaf(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Path((_unit, code)): Path<(UnitId, String)>,
) -> AppResult<LeafPage> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let node = find_leaf(&l.set, &code)?;
    with_evidence(&state, r.unit_id, leaf_page(&meta, &r.user, &l, node, None)).await
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct LeafForm {
    pub score: String,
    pub explanation: String,
}

pub async fn save_leaf(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, code)): Path<(UnitId, String)>,
    Form(f): Form<LeafForm>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    let (status, problems) =
        match save_score(&state, &meta, &o.user, &l, &code, &f.score, &f.explanation).await {
            Ok(SaveOutcome::Saved(entry)) => {
                // The notice says where the item stands now, and why, not only "saved".
                let status = sa::leaf_status(&entry).as_str().replace('_', "-");
                return Ok(Redirect::to(&format!(
                    "/unit/{}/self-assessment?done=saved-{status}#leaf-{}",
                    o.unit_id, code
                ))
                .into_response());
            }
            Ok(SaveOutcome::Invalid(problems)) => (StatusCode::UNPROCESSABLE_ENTITY, problems),
            // Too late, or the report moved on: the typed text stays on the page to copy.
            Err(e) if e.belongs_on_the_form() => {
                (e.status(), vec![("leaf-score", e.say(meta.lang))])
            }
            Err(e) => return Err(e),
        };
    let node = find_leaf(&l.set, &code)?;
    let mut body = leaf_page(&meta, &o.user, &l, node, Some((&f.score, &f.explanation)));
    for (field, message) in problems {
        body.page.error_msg(field, message);
    }
    let body = with_evidence(&state, o.unit_id, body).await?;
    Ok((status, body).into_response())
}
