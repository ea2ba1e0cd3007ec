//! Criteria sets in the UI: MoHA staff list and read them; the administrator loads one (TOML, or .xlsx
//! with one row per node) and pins it to a campaign for its level.

use crate::auth::{MohaAdmin, MohaStaff};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::DbError;
use parindex_db::criteria_sets::{self, StoredSet};
use parindex_domain::CampaignId;
use parindex_domain::criteria::summary::{Summary, summarize};
use parindex_domain::criteria::{CriteriaSet, Depth, file};
use parindex_import::criteria_rows::{self, Header};
use parindex_import::table;

#[derive(Template, WebTemplate)]
#[template(path = "criteria_sets.html")]
pub struct ListPage {
    pub page: Page,
    pub sets: Vec<StoredSet>,
    pub can_load: bool,
}

/// One row of the tree table.
pub struct TreeRow {
    pub depth: u8,
    pub code: String,
    pub name: String,
    pub max: String,
    pub method: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "criteria_set.html")]
pub struct ShowPage {
    pub page: Page,
    pub stored: StoredSet,
    pub name: String,
    pub legal_basis: String,
    pub summary: Summary,
    pub by_method: Vec<(String, usize, String)>,
    pub rows: Vec<TreeRow>,
}

#[derive(Template, WebTemplate)]
#[template(path = "criteria_set_errors.html")]
pub struct ErrorsPage {
    pub page: Page,
    pub problems: Vec<(String, String)>,
}

pub async fn list(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Query(q): Query<DoneQuery>,
) -> AppResult<ListPage> {
    Ok(ListPage {
        page: Page::new(&meta, &user, "criteria-sets-title").with_notice(q.done.as_deref()),
        sets: criteria_sets::list(&state.db).await?,
        can_load: user.role == parindex_domain::Role::MohaAdmin,
    })
}

fn method_label(meta: &Meta, m: Option<parindex_domain::criteria::Method>) -> String {
    m.map(|m| meta.lang.t(&format!("method-{}", m.as_str())))
        .unwrap_or_default()
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<ShowPage> {
    let stored = criteria_sets::get(&state.db, id).await?;
    let set = state.criteria_tree(id).await?;
    let pick = |vi: &str, en_text: &str| meta.lang.pick(vi, en_text);
    let rows = set
        .walk()
        .into_iter()
        .map(|(d, n)| TreeRow {
            depth: match d {
                Depth::Field => 0,
                Depth::Criterion => 1,
                Depth::SubCriterion => 2,
            },
            code: n.code.clone(),
            name: pick(&n.name_vi, &n.name_en),
            max: meta.lang.decimal(&n.max.to_fixed()),
            method: method_label(&meta, n.method),
        })
        .collect();
    let summary = summarize(&set);
    let by_method = summary
        .by_method
        .iter()
        .map(|(m, n, p)| {
            (
                method_label(&meta, Some(*m)),
                *n,
                meta.lang.decimal(&p.to_fixed()),
            )
        })
        .collect();
    Ok(ShowPage {
        page: Page::new(&meta, &user, "criteria-set-title")
            .with_notice(q.done.as_deref())
            .with_title(pick(&set.name_vi, &set.name_en)),
        name: pick(&set.name_vi, &set.name_en),
        legal_basis: set.legal_basis.clone(),
        stored,
        summary,
        by_method,
        rows,
    })
}

/// The upload: a TOML file, or an .xlsx with the set's details in the form fields.
async fn read_upload(mut mp: Multipart) -> AppResult<(Header, Vec<u8>)> {
    let mut h = Header::default();
    let mut bytes = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error-bad-input"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            bytes = Some(field.bytes().await.map_err(AppError::multipart)?.to_vec());
            continue;
        }
        let v = field
            .text()
            .await
            .map_err(|_| AppError::BadRequest("error-bad-input"))?;
        match name.as_str() {
            "code" => h.code = v,
            "level" => h.level = v,
            "name_vi" => h.name_vi = v,
            "name_en" => h.name_en = v,
            "legal_basis" => h.legal_basis = v,
            "total" => h.total = v,
            "illustrative" => h.illustrative = !v.is_empty(),
            _ => {}
        }
    }
    match bytes {
        Some(b) if !b.is_empty() => Ok((h, b)),
        _ => Err(AppError::BadRequest("import-empty")),
    }
}

pub async fn load(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    mp: Multipart,
) -> AppResult<Response> {
    let (header, bytes) = read_upload(mp).await?;
    let page = Page::new(&meta, &admin, "criteria-set-errors-title");
    let refused = |page, problems| {
        Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorsPage { page, problems },
        )
            .into_response())
    };
    let set = match parse_upload(&meta, &page, &header, &bytes) {
        Ok(s) => s,
        Err(problems) => return refused(page, problems),
    };
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    match criteria_sets::store(&state.db, &ctx, &set).await {
        Ok(s) => {
            Ok(Redirect::to(&format!("/admin/criteria-sets/{}?done=saved", s.id)).into_response())
        }
        Err(DbError::Conflict(_)) => {
            let taken = meta
                .lang
                .t_args("criteria-set-code-taken", &[("code", set.code.clone())]);
            refused(page, vec![(String::new(), taken)])
        }
        Err(e) => Err(e.into()),
    }
}

/// The uploaded set, from an .xlsx table (with the form's header fields) or a parindex text file;
/// otherwise its problems as (row, message).
fn parse_upload(
    meta: &Meta,
    page: &Page,
    header: &Header,
    bytes: &[u8],
) -> Result<CriteriaSet, Vec<(String, String)>> {
    let say = |p: &parindex_domain::criteria::problems::Problem| meta.lang.say(&p.message());
    if bytes.starts_with(b"PK\x03\x04") {
        let limits = table::Limits {
            max_bytes: 2 * 1024 * 1024,
            max_rows: 2_000,
            max_cols: 20,
            max_expanded_bytes: table::MAX_EXPANDED_BYTES,
        };
        let rows = table::read(bytes, limits)
            .map_err(|e| vec![(String::new(), page.t(e.message_key()))])?;
        criteria_rows::from_rows(header, &rows).map_err(|ps| {
            ps.iter()
                .map(|p| {
                    (
                        p.row.map(|r| r.to_string()).unwrap_or_default(),
                        say(&p.problem),
                    )
                })
                .collect()
        })
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| vec![(String::new(), page.t("import-not-utf8"))])?;
        file::parse(text).map_err(|ps| ps.iter().map(|p| (String::new(), say(p))).collect())
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct PinForm {
    pub set_id: String,
}

/// Pins the chosen set for its level. A set that cannot be chosen, or a change the setup rule
/// refuses (the level has started), comes back on the campaign page with the reason.
pub async fn pin(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    Form(f): Form<PinForm>,
) -> AppResult<Response> {
    parindex_db::campaigns::get(&state.db, campaign_id).await?;
    let set = match f.set_id.trim().parse::<i64>() {
        Ok(id) => criteria_sets::get(&state.db, id).await.ok(),
        Err(_) => None,
    };
    let (status, refusal) = match set {
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            ("set-ministry".to_string(), "criteria-set-choose"),
        ),
        Some(set) => {
            let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
            match criteria_sets::pin(&state.db, &ctx, campaign_id, set.id).await {
                Ok(()) => {
                    return Ok(Redirect::to(&format!(
                        "/admin/campaigns/{campaign_id}?done=saved#criteria"
                    ))
                    .into_response());
                }
                Err(DbError::Refused(key)) => {
                    (StatusCode::CONFLICT, (format!("set-{}", set.level), key))
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    let mut body =
        crate::campaigns::campaign::show_page(&state, &meta, &admin, campaign_id, None).await?;
    body.page.error(&refusal.0, refusal.1);
    Ok((status, body).into_response())
}
