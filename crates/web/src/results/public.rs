//! Results outside MoHA's desk: the public pages (readable without logging in, published versions
//! only), their exports and JSON, and a unit's own report card, which shows the newest published
//! version, or before publication the unit's draft when MoHA allows it.

use crate::auth::UnitReader;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::results::export::{Format, export};
use crate::results::json::Results;
use crate::results::report_card::{Card, card};
use crate::results::view::{self, LevelView, Shown};
use crate::state::AppState;
use crate::ui::download::xlsx_table;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::Response;
use parindex_db::{results, units};
use parindex_domain::{CampaignId, UnitId};
use parindex_import::sheet::Cell;

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    pub version: Option<i64>,
}

/// The sub-criteria ticked on the report card's plan: every `pick=` of the query whose value is a
/// criterion code (digits and dots); anything else is ignored.
pub fn picks(raw: Option<&str>) -> Vec<String> {
    raw.unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, v)| {
            *k == "pick"
                && !v.is_empty()
                && v.len() <= 20
                && v.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
        .map(|(_, v)| v.to_string())
        .collect()
}

pub struct PublishedYear {
    pub year: i64,
    pub version: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "results_index.html")]
pub struct IndexPage {
    pub page: Page,
    pub years: Vec<PublishedYear>,
}

pub async fn index(State(state): State<AppState>, meta: Meta) -> AppResult<IndexPage> {
    let years = results::published_campaigns(&state.db)
        .await?
        .into_iter()
        .map(|(_, year, version)| PublishedYear { year, version })
        .collect();
    Ok(IndexPage {
        page: Page::bare(meta.lang, &meta.path, &meta.lang.t("pub-title")),
        years,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "results_ranking.html")]
pub struct RankingPage {
    pub page: Page,
    pub year: i64,
    pub version: i64,
    pub version_label: String,
    pub input_hash: String,
    pub levels: Vec<LevelView>,
}

fn parse_year(s: &str) -> AppResult<i64> {
    s.parse::<i64>()
        .ok()
        .filter(|y| (1990..=9999).contains(y))
        .ok_or(AppError::NotFound)
}

pub async fn ranking(
    State(state): State<AppState>,
    meta: Meta,
    Path(year): Path<String>,
    Query(q): Query<VersionQuery>,
) -> AppResult<RankingPage> {
    let year = parse_year(&year)?;
    let shown = view::load_published(&state, year, q.version).await?;
    let lang = meta.lang;
    let title = lang.t_args("pub-year-title", &[("year", year.to_string())]);
    Ok(RankingPage {
        page: Page::bare(lang, &meta.path, &title),
        year,
        version: shown.info.version,
        version_label: shown.version_label(lang),
        input_hash: shown.info.input_sha256.clone(),
        levels: view::levels(&shown, lang),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "report_card.html")]
pub struct CardPage {
    pub page: Page,
    pub card: Card,
    pub back: String,
    pub back_label: String,
    /// The plan as .xlsx, on the unit's own results page.
    pub plan_xlsx: Option<String>,
}

pub async fn public_card(
    State(state): State<AppState>,
    meta: Meta,
    Path((year, code)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
    RawQuery(raw): RawQuery,
) -> AppResult<CardPage> {
    let year = parse_year(&year)?;
    let shown = view::load_published(&state, year, q.version).await?;
    let card = card(&state, &shown, &code, meta.lang, &picks(raw.as_deref()))
        .await
        .ok_or(AppError::NotFound)?;
    let title = format!("{} · {}", card.name, year);
    Ok(CardPage {
        page: Page::bare(meta.lang, &meta.path, &title),
        back: format!("/results/{year}"),
        back_label: meta.lang.t("pub-back"),
        card,
        plan_xlsx: None,
    })
}

/// Which version a unit's own account may see: the newest published one, or before publication the
/// draft if MoHA allows units to see it.
async fn unit_version(state: &AppState, campaign_id: CampaignId) -> AppResult<Option<i64>> {
    if let Some(v) = results::latest_published(&state.db, campaign_id).await? {
        return Ok(Some(v.version));
    }
    let (_, see) = results::settings(&state.db, campaign_id).await?;
    let draft = results::versions(&state.db, campaign_id)
        .await?
        .into_iter()
        .any(|v| v.version == 0);
    Ok((see && draft).then_some(0))
}

#[derive(Template, WebTemplate)]
#[template(path = "report_card_none.html")]
pub struct NoCardPage {
    pub page: Page,
    pub unit_id: UnitId,
}

/// The version of the results a unit's page shows to `r`: MoHA any (the newest by default); the
/// unit's own accounts what [`unit_version`] allows. `None` when there is none to show.
async fn unit_shown(
    state: &AppState,
    r: &UnitReader,
    unit: &units::Unit,
    asked: Option<i64>,
) -> AppResult<Option<Shown>> {
    let version = if parindex_domain::Role::is_moha(r.user.role) {
        match asked {
            Some(v) => Some(v),
            None => results::versions(&state.db, unit.campaign_id)
                .await?
                .first()
                .map(|v| v.version),
        }
    } else {
        let allowed = unit_version(state, unit.campaign_id).await?;
        match (asked, allowed) {
            (Some(v), Some(latest)) if v >= 1 && (latest == 0 || v <= latest) => Some(v),
            (Some(_), _) => return Err(AppError::NotFound),
            (None, a) => a,
        }
    };
    match version {
        Some(v) => view::load(state, unit.campaign_id, v).await,
        None => Ok(None),
    }
}

/// The what-if plan as a spreadsheet, for the unit's reform plan: every item the report card lists.
pub async fn unit_plan_xlsx(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<VersionQuery>,
) -> AppResult<Response> {
    let unit = units::get(&state.db, r.unit_id).await?;
    let shown = unit_shown(&state, &r, &unit, q.version)
        .await?
        .ok_or(AppError::NotFound)?;
    let card = card(&state, &shown, &unit.code, meta.lang, &[])
        .await
        .ok_or(AppError::NotFound)?;
    let lang = meta.lang;
    let headers: Vec<String> = lang.t_each(&[
        "card-code",
        "card-name",
        "card-method",
        "card-plan-if",
        "res-col-notes",
    ]);
    let rows: Vec<Vec<Cell>> = card
        .plan
        .into_iter()
        .map(|p| {
            vec![
                p.code.into(),
                p.name.into(),
                p.method.into(),
                p.effect.into(),
                p.note.into(),
            ]
        })
        .collect();
    let name = format!(
        "ke-hoach-cai-thien-{}-{}.xlsx",
        unit.code, shown.campaign.year
    );
    xlsx_table(&name, &lang.t("card-plan-sheet"), &headers, &rows)
}

pub async fn unit_card(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<VersionQuery>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    use axum::response::IntoResponse;
    let unit = units::get(&state.db, r.unit_id).await?;
    let moha = parindex_domain::Role::is_moha(r.user.role);
    let shown = unit_shown(&state, &r, &unit, q.version).await?;
    let card = match &shown {
        Some(s) => card(&state, s, &unit.code, meta.lang, &picks(raw.as_deref())).await,
        None => None,
    };
    let Some(card) = card else {
        let mut page = Page::new(&meta, &r.user, "card-title");
        page.title = format!("{} · {}", page.t("card-title"), unit.short_name);
        return Ok(NoCardPage {
            page,
            unit_id: unit.id,
        }
        .into_response());
    };
    let mut page = Page::new(&meta, &r.user, "card-title");
    page.title = format!(
        "{} · {}",
        card.name,
        shown.as_ref().map(|s| s.campaign.year).unwrap_or_default()
    );
    let (back, back_label) = if moha {
        (
            format!("/admin/campaigns/{}/results", unit.campaign_id),
            meta.lang.t("res-back-moha"),
        )
    } else {
        (format!("/unit/{}", unit.id), meta.lang.t("res-back-unit"))
    };
    let plan_xlsx = (!card.plan.is_empty()).then(|| {
        format!(
            "/unit/{}/results/plan.xlsx?version={}",
            unit.id, card.version
        )
    });
    Ok(CardPage {
        page,
        card,
        back,
        back_label,
        plan_xlsx,
    }
    .into_response())
}

async fn public_export(
    state: &AppState,
    meta: &Meta,
    year: &str,
    version: Option<i64>,
    format: Format,
) -> AppResult<Response> {
    let shown = view::load_published(state, parse_year(year)?, version).await?;
    export(&shown, meta.lang, format)
}

macro_rules! public_export {
    ($name:ident, $format:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            meta: Meta,
            Path(year): Path<String>,
            Query(q): Query<VersionQuery>,
        ) -> AppResult<Response> {
            public_export(&state, &meta, &year, q.version, $format).await
        }
    };
}
public_export!(export_csv, Format::Csv);
public_export!(export_xlsx, Format::Xlsx);
public_export!(export_json, Format::Json);

/// `GET /api/v1/results/{year}`: the newest published version (or `?version=`), as JSON.
#[utoipa::path(get, path = "/api/v1/results/{year}", tag = "results", operation_id = "results",
    summary = "A year's published PAR Index results: every unit's index, tier, place, points by method, fields and criteria. The newest published version, or `version`. Public.",
    params(
        ("year" = i64, Path, example = 2023),
        ("version" = Option<i64>, Query, minimum = 1, description = "A published version; the newest when absent"),
    ),
    responses(
        (status = 200, description = "OK", body = Results),
        (status = 404, description = "No published result for that year or version", body = crate::api::error_body::ErrorBody),
    ),
    security(()))]
pub async fn api(
    State(state): State<AppState>,
    Path(year): Path<String>,
    Query(q): Query<VersionQuery>,
) -> AppResult<Json<Results>> {
    let shown = view::load_published(&state, parse_year(&year)?, q.version).await?;
    Ok(Json(Results::of(&shown)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_criterion_codes_are_picked() {
        assert_eq!(
            picks(Some(
                "version=1&pick=1.2.3&pick=%3Cx%3E&pick=&x=1.1&pick=8.4.2"
            )),
            vec!["1.2.3".to_string(), "8.4.2".to_string()]
        );
        assert!(picks(None).is_empty());
    }
}
