//! The year's units as a file: MoHA downloads the campaign's units as the template, edits it (adds,
//! renames, removes, and names each unit's predecessors in the campaign before), uploads it, reviews
//! what it changes, and applies it in one step. Every problem is listed by row and column, and one
//! problem means nothing changes.

use crate::auth::MohaAdmin;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::download::xlsx_table;
use crate::ui::layout::Page;
use crate::ui::upload::file_field;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::campaigns::{self, Campaign};
use parindex_db::unit_import::{self, Changes, Incoming, Kept, Weighting};
use parindex_db::units::{self, UnitInput};
use parindex_db::{Db, DbError};
use parindex_domain::CampaignId;
use parindex_import::sheet::Cell;
use parindex_import::table;
use parindex_import::unit_rows::{self, Problem, UnitRow};
use std::collections::HashSet;

const LIMITS: table::Limits = table::Limits {
    max_bytes: 2 * 1024 * 1024,
    max_rows: 2_000,
    max_cols: 20,
    max_expanded_bytes: table::MAX_EXPANDED_BYTES,
};

#[derive(Template, WebTemplate)]
#[template(path = "units_file_review.html")]
pub struct ReviewPage {
    pub page: Page,
    pub campaign: Campaign,
    pub changes: Changes,
    /// The checked rows, carried to the apply step (checked again there).
    pub rows_json: String,
    /// "file" or "respondents": how merged units' predecessors weigh.
    pub weights: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts_import_errors.html")]
pub struct ErrorsPage {
    pub page: Page,
    pub problems: Vec<(usize, String, String, String)>,
    pub back: String,
    pub back_label: String,
}

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct ApplyForm {
    pub rows: String,
    pub confirm: String,
    /// "respondents" to weigh merged units' predecessors by their responses; anything else: the file.
    pub weights: String,
    /// "review" to see the changes again with these weights; anything else applies them.
    pub action: String,
}

fn weighting(f: &ApplyForm) -> Weighting {
    if f.weights == "respondents" {
        Weighting::Respondents
    } else {
        Weighting::AsWritten
    }
}

/// The campaign's units as the file to edit, with their predecessors.
pub async fn template(
    State(state): State<AppState>,
    MohaAdmin(_admin): MohaAdmin,
    meta: Meta,
    Path(id): Path<CampaignId>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, id).await?;
    let mut rows = Vec::new();
    for u in units::list(&state.db, id).await? {
        let preds = unit_import::predecessors(&state.db, u.id).await?;
        let row = UnitRow {
            row: 0,
            code: u.code,
            name: u.name,
            short_name: u.short_name,
            level: u.level,
            email_domains: Some(u.email_domains),
            not_ranked: Some(u.not_ranked),
            predecessors: preds.into_iter().map(|(c, _, w)| (c, w)).collect(),
        };
        rows.push(unit_rows::cells(&row).into_iter().map(Cell::Text).collect());
    }
    let name = format!("{}-{}.xlsx", meta.lang.t("units-file-name"), campaign.year);
    xlsx_table(
        &name,
        &meta.lang.t("units-title"),
        &unit_rows::header(),
        &rows,
    )
}

/// Reads and checks the upload, then shows what it would change.
pub async fn upload(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(id): Path<CampaignId>,
    mp: Multipart,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, id).await?;
    let bytes = file_field(mp, "file").await?;
    let checked = match table::read(&bytes, LIMITS) {
        Ok(t) => check(&state.db, &campaign, &t).await?,
        Err(e) => Err(vec![Problem {
            row: 0,
            column: None,
            key: e.message_key(),
            value: String::new(),
        }]),
    };
    match checked {
        Ok(rows) => {
            let page = Page::new(&meta, &admin, "units-file-review-title");
            review(&state, page, campaign, &rows, Weighting::AsWritten).await
        }
        Err(problems) => Ok(errors(&meta, &admin, id, problems)),
    }
}

/// Applies the reviewed rows, checked again as if uploaded anew.
pub async fn apply(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(id): Path<CampaignId>,
    Form(f): Form<ApplyForm>,
) -> AppResult<Response> {
    let campaign = campaigns::get(&state.db, id).await?;
    let sent: Vec<UnitRow> =
        serde_json::from_str(&f.rows).map_err(|_| AppError::BadRequest("error-bad-input"))?;
    let table = unit_rows::table(&sent);
    let rows = match check(&state.db, &campaign, &table).await? {
        Ok(rows) => rows,
        Err(problems) => return Ok(errors(&meta, &admin, id, problems)),
    };
    let weighting = weighting(&f);
    if f.action == "review" || f.confirm != "yes" {
        let mut page = Page::new(&meta, &admin, "units-file-review-title");
        if f.action != "review" {
            page.error("confirm", "units-file-confirm-required");
        }
        let mut r = review(&state, page, campaign, &rows, weighting).await?;
        if f.action != "review" {
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        }
        return Ok(r);
    }
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    match unit_import::apply(&state.db, &ctx, id, &incoming(&rows), weighting).await {
        Ok(_) => Ok(
            Redirect::to(&format!("/admin/campaigns/{id}?done=units-imported#units"))
                .into_response(),
        ),
        Err(DbError::Refused(key)) => {
            let p = Problem {
                row: 0,
                column: None,
                key,
                value: String::new(),
            };
            Ok(errors(&meta, &admin, id, vec![p]))
        }
        Err(e) => Err(e.into()),
    }
}

/// The rows of `table` checked against the codes of the campaign before.
async fn check(
    db: &Db,
    campaign: &Campaign,
    table: &[Vec<String>],
) -> AppResult<Result<Vec<UnitRow>, Vec<Problem>>> {
    let before: Option<HashSet<String>> = match campaign.predecessor_id {
        Some(p) => Some(
            units::list(db, p)
                .await?
                .into_iter()
                .map(|u| u.code)
                .collect(),
        ),
        None => None,
    };
    Ok(unit_rows::validate(table, before.as_ref()))
}

/// The checked rows as the units to store.
pub fn incoming(rows: &[UnitRow]) -> Vec<Incoming> {
    rows.iter()
        .map(|r| Incoming {
            input: UnitInput {
                code: r.code.clone(),
                level: r.level,
                name: r.name.clone(),
                short_name: r.short_name.clone(),
                not_ranked: r.not_ranked.unwrap_or(false),
                email_domains: r.email_domains.clone().unwrap_or_default(),
            },
            predecessors: r.links(),
            kept: Kept {
                email_domains: r.email_domains.is_none(),
                not_ranked: r.not_ranked.is_none(),
            },
        })
        .collect()
}

async fn review(
    state: &AppState,
    mut page: Page,
    campaign: Campaign,
    rows: &[UnitRow],
    weighting: Weighting,
) -> AppResult<Response> {
    let changes =
        match unit_import::preview(&state.db, campaign.id, &incoming(rows), weighting).await {
            Ok(c) => c,
            Err(DbError::Refused(key)) => {
                // The weights cannot be had: say so on the weights' field, and show the file's.
                page.error("weights", key);
                unit_import::preview(
                    &state.db,
                    campaign.id,
                    &incoming(rows),
                    Weighting::AsWritten,
                )
                .await?
            }
            Err(e) => return Err(e.into()),
        };
    let rows_json =
        serde_json::to_string(rows).map_err(|e| AppError::internal("carrying the rows", e))?;
    Ok(ReviewPage {
        page,
        campaign,
        changes,
        rows_json,
        weights: match weighting {
            Weighting::Respondents => "respondents",
            Weighting::AsWritten => "file",
        },
    }
    .into_response())
}

fn errors(
    meta: &Meta,
    admin: &parindex_db::users::User,
    id: CampaignId,
    problems: Vec<Problem>,
) -> Response {
    let page = Page::new(meta, admin, "units-file-errors-title");
    let problems = problems
        .into_iter()
        .map(|p| {
            let column = p.column.map(|c| c.header().to_string()).unwrap_or_default();
            (p.row, column, page.t(p.key), p.value)
        })
        .collect();
    let body = ErrorsPage {
        back: format!("/admin/campaigns/{id}#units"),
        back_label: page.t("rollover-back"),
        page,
        problems,
    };
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}
