//! MoHA's results page for a campaign: the scoring settings, the imported figures (SIPAS and the
//! like), computing a draft, reviewing its ranking per level against the last published version, and
//! publishing it as a new frozen version after an explicit confirmation. Exports of any version.

use crate::auth::{MohaAdmin, MohaStaff, reauth};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::results::export::{Format, export};
use crate::results::view::{self, LevelView, Shown, num, tier_letter, version_label};
use crate::state::AppState;
use crate::ui::download::xlsx;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::User;
use parindex_db::{campaigns, criteria_sets, publication, results, scoring_inputs, units};
use parindex_domain::Level;
use parindex_domain::criteria::Method;
use parindex_domain::scoring::publish::{self, Request};
use parindex_domain::scoring::{
    CancelledSurvey, GroupAveraging, LeafRounding, ScoringSettings, Tier, TierBands, changes,
    parse_percentage,
};
use parindex_import::figures::{self, FiguresError};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

#[derive(Debug, Clone, Default)]
pub struct SettingsView {
    pub averaging: String,
    pub weights: String,
    pub cancelled: String,
    pub rounding: String,
    pub tier_a: String,
    pub tier_b: String,
    pub tier_c: String,
    pub units_see_draft: bool,
}

impl SettingsView {
    fn of(s: &ScoringSettings, see: bool) -> SettingsView {
        let (averaging, weights) = match &s.averaging {
            GroupAveraging::Equal => ("equal", String::new()),
            GroupAveraging::Pooled => ("pooled", String::new()),
            GroupAveraging::Weighted(w) => (
                "weighted",
                w.iter()
                    .map(|(g, v)| format!("{g}={v}"))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        };
        SettingsView {
            averaging: averaging.into(),
            weights,
            cancelled: match s.cancelled_survey {
                CancelledSurvey::Zero => "zero",
                CancelledSurvey::Exclude => "exclude",
            }
            .into(),
            rounding: match s.leaf_rounding {
                LeafRounding::HalfUp => "half_up",
                LeafRounding::Exact => "exact",
            }
            .into(),
            tier_a: s.tiers.a().to_string(),
            tier_b: s.tiers.b().to_string(),
            tier_c: s.tiers.c().to_string(),
            units_see_draft: see,
        }
    }
}

pub struct ChangeRow {
    pub name: String,
    pub level: &'static str,
    pub before: String,
    pub after: String,
    pub place_before: String,
    pub place_after: String,
}

pub struct VersionRow {
    pub version: i64,
    pub label: String,
    pub hash: String,
    pub current: bool,
}

pub struct FigureRow {
    pub unit: String,
    pub leaf: String,
    pub value: String,
    pub source: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "results_moha.html")]
pub struct MohaPage {
    pub page: Page,
    pub campaign_id: i64,
    pub year: i64,
    pub is_admin: bool,
    pub settings: SettingsView,
    pub shown_label: String,
    pub shown_version: Option<i64>,
    pub shown_hash: String,
    pub draft_hash: Option<String>,
    pub levels: Vec<LevelView>,
    pub compared_with: String,
    pub changes: Vec<ChangeRow>,
    pub versions: Vec<VersionRow>,
    pub figures: Vec<FigureRow>,
    pub figure_items: usize,
    pub figure_problems: Vec<String>,
    /// The publish form is offered (the domain's `publish::offered`).
    pub can_publish: bool,
    /// Flagged units without a decision, and units whose survey was cancelled, as "name (code)".
    pub undecided: Vec<String>,
    pub cancelled: Vec<String>,
    /// What the publisher typed and ticked, kept when the form comes back with an error.
    pub publish_form: PublishForm,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    pub version: Option<i64>,
    pub done: Option<String>,
}

fn place(lang: Lang, p: Option<u32>) -> String {
    p.map(|p| p.to_string())
        .unwrap_or_else(|| lang.t("res-not-ranked-short"))
}

async fn moha_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: i64,
    version: Option<i64>,
) -> AppResult<MohaPage> {
    let lang = meta.lang;
    let campaign = campaigns::get(&state.db, campaign_id).await?;
    let (settings, see) = results::settings(&state.db, campaign_id).await?;
    let stored = results::versions(&state.db, campaign_id).await?;
    let draft_hash = stored
        .iter()
        .find(|v| v.version == 0)
        .map(|v| v.input_sha256.clone());
    let wanted = match version {
        Some(v) => Some(v),
        None => stored.first().map(|v| v.version),
    };
    let shown: Option<Shown> = match wanted {
        Some(v) => view::load(state, campaign_id, v).await?,
        None => None,
    };
    if version.is_some() && shown.is_none() {
        return Err(AppError::NotFound);
    }
    // What changed: against the newest published version older than the one shown.
    let mut compared_with = String::new();
    let mut change_rows = Vec::new();
    if let Some(s) = &shown {
        let older = stored
            .iter()
            .filter(|v| v.version > 0 && (s.is_draft() || v.version < s.info.version))
            .map(|v| v.version)
            .max();
        if let Some(o) = older
            && let Some((info, prev)) = results::result(&state.db, campaign_id, o).await?
        {
            compared_with = version_label(&info, lang);
            for c in changes(&prev, &s.result) {
                let shown = |x: Option<(Decimal, Tier, Option<u32>)>| {
                    x.map(|(i, t, p)| {
                        (
                            format!("{} ({})", num(lang, i), tier_letter(t)),
                            place(lang, p),
                        )
                    })
                    .unwrap_or_else(|| ("—".into(), "—".into()))
                };
                let (bi, bp) = shown(c.before);
                let (ai, ap) = shown(c.after);
                change_rows.push(ChangeRow {
                    name: s.name(&c.code),
                    level: c.level.as_str(),
                    before: bi,
                    after: ai,
                    place_before: bp,
                    place_after: ap,
                });
            }
        }
    }
    let all_units = units::list(&state.db, campaign_id).await?;
    let facts = publication::facts(&state.db, campaign_id).await?;
    let named = |codes: &[String]| -> Vec<String> {
        codes
            .iter()
            .map(|c| match all_units.iter().find(|u| &u.code == c) {
                Some(u) => format!("{} ({c})", u.short_name),
                None => c.clone(),
            })
            .collect()
    };
    let (undecided, cancelled) = (named(&facts.undecided), named(&facts.cancelled));
    let figure_items: usize = items_by_unit(state, campaign_id, &all_units)
        .await?
        .values()
        .map(HashSet::len)
        .sum();
    let unit_names: HashMap<i64, String> = all_units
        .into_iter()
        .map(|u| (u.id, u.short_name))
        .collect();
    let figures = results::imported_figures(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|f| FigureRow {
            unit: unit_names.get(&f.unit_id).cloned().unwrap_or_default(),
            leaf: f.leaf_code,
            value: num(lang, f.value),
            source: f.source,
        })
        .collect();
    let mut page = Page::new(meta, user, "res-title");
    page.title = format!("{} · {}", page.t("res-title"), campaign.year);
    Ok(MohaPage {
        page,
        campaign_id,
        year: campaign.year,
        is_admin: user.role == parindex_domain::Role::MohaAdmin,
        settings: SettingsView::of(&settings, see),
        shown_label: shown
            .as_ref()
            .map(|s| version_label(&s.info, lang))
            .unwrap_or_default(),
        shown_version: shown.as_ref().map(|s| s.info.version),
        shown_hash: shown
            .as_ref()
            .map(|s| s.info.input_sha256.clone())
            .unwrap_or_default(),
        levels: shown
            .as_ref()
            .map(|s| view::levels(s, lang))
            .unwrap_or_default(),
        draft_hash,
        compared_with,
        changes: change_rows,
        versions: stored
            .iter()
            .map(|v| VersionRow {
                version: v.version,
                label: if v.version == 0 {
                    lang.t("res-draft")
                } else {
                    lang.t_args("res-version-n", &[("version", v.version.to_string())])
                },
                hash: v.input_sha256.chars().take(12).collect(),
                current: shown.as_ref().is_some_and(|s| s.info.version == v.version),
            })
            .collect(),
        figures,
        figure_items,
        figure_problems: Vec::new(),
        can_publish: publish::offered(user.role, &facts),
        undecided,
        cancelled,
        publish_form: PublishForm::default(),
    })
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<i64>,
    Query(q): Query<VersionQuery>,
) -> AppResult<MohaPage> {
    let mut p = moha_page(&state, &meta, &user, campaign_id, q.version).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

pub async fn compute(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<i64>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    scoring_inputs::compute_draft(&state.db, &ctx, campaign_id).await?;
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}/results?version=0&done=results-computed"
    ))
    .into_response())
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    pub confirm: Option<String>,
    /// Ticked to publish although flagged units have no decision.
    pub acknowledge: Option<String>,
    pub hash: String,
    pub note: String,
    /// The administrator's password again (publishing cannot be taken back).
    pub password: String,
}

/// Publishes the reviewed draft. The administrator's password comes first (publishing cannot be
/// taken back); the rest is the domain's one publishing rule, which the database applies again
/// to what it holds in the publishing transaction. Every problem comes back at once, on the page
/// with what was typed.
pub async fn publish(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<i64>,
    Form(f): Form<PublishForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let note: String = parindex_domain::text::clean(&f.note)
        .chars()
        .take(500)
        .collect();
    let req = Request {
        role: admin.role,
        reviewed_hash: f.hash.trim(),
        confirmed: f.confirm.as_deref() == Some("yes"),
        acknowledged: f.acknowledge.as_deref() == Some("yes"),
    };
    let password = reauth::refusal(&state, &meta, &admin, &f.password, "reauth-wrong").await?;
    let facts = publication::facts(&state.db, campaign_id).await?;
    let mut problems = publish::check(&facts, &req).err().unwrap_or_default();
    if password.is_none() && problems.is_empty() {
        let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
        match publication::publish(&state.db, &ctx, campaign_id, &req, &note).await? {
            Ok(v) => {
                return Ok(Redirect::to(&format!(
                    "/admin/campaigns/{campaign_id}/results?version={v}&done=results-published"
                ))
                .into_response());
            }
            Err(p) => problems = p,
        }
    }
    let status = if problems
        .iter()
        .any(|p| matches!(p, publish::Problem::Stale | publish::Problem::NoDraft))
    {
        StatusCode::CONFLICT
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut p = moha_page(&state, &meta, &admin, campaign_id, None).await?;
    for problem in problems {
        p.page.error(problem.field(), problem.key());
    }
    if let Some(m) = password {
        p.page.error_msg("password", m);
    }
    p.publish_form = PublishForm {
        note,
        password: String::new(),
        ..f
    };
    Ok((status, p).into_response())
}

async fn export_version(
    state: &AppState,
    meta: &Meta,
    campaign_id: i64,
    version: Option<i64>,
    format: Format,
) -> AppResult<Response> {
    let version = match version {
        Some(v) => v,
        None => results::versions(&state.db, campaign_id)
            .await?
            .first()
            .map(|v| v.version)
            .ok_or(AppError::NotFound)?,
    };
    let shown = view::load(state, campaign_id, version)
        .await?
        .ok_or(AppError::NotFound)?;
    export(&shown, meta.lang, format)
}

macro_rules! admin_export {
    ($name:ident, $format:expr) => {
        pub async fn $name(
            State(state): State<AppState>,
            meta: Meta,
            MohaStaff(_user): MohaStaff,
            Path(campaign_id): Path<i64>,
            Query(q): Query<VersionQuery>,
        ) -> AppResult<Response> {
            export_version(&state, &meta, campaign_id, q.version, $format).await
        }
    };
}
admin_export!(export_csv, Format::Csv);
admin_export!(export_xlsx, Format::Xlsx);
admin_export!(export_json, Format::Json);

pub mod imported_figures;
pub mod settings;
use imported_figures::items_by_unit;
pub use imported_figures::{figures_template, import_figures};
pub use settings::save_settings;
