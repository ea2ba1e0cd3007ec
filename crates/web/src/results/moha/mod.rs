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
use parindex_db::results::VersionInfo;
use parindex_db::users::User;
use parindex_db::{campaigns, criteria_sets, publication, results, scoring_inputs, units};
use parindex_domain::CampaignId;
use parindex_domain::Level;
use parindex_domain::UnitId;
use parindex_domain::criteria::Method;
use parindex_domain::scoring::publish::{self, Request};
use parindex_domain::scoring::{
    CampaignResult, CancelledSurvey, GroupAveraging, LeafRounding, ScoringSettings, Tier,
    TierBands, changes, parse_percentage,
};
use parindex_import::figures::{self, FiguresError};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One respondent group's weight input: its field name, the group's name, the weight as typed.
#[derive(Debug, Clone, Default)]
pub struct GroupWeight {
    pub field: String,
    pub name: String,
    pub value: String,
}

/// The campaign's groups as weight inputs, one per code (a code both levels use is one weight),
/// each holding what `value` gives for its code.
fn group_weights(
    groups: &parindex_domain::respondents::GroupSet,
    lang: Lang,
    value: impl Fn(&str) -> String,
) -> Vec<GroupWeight> {
    let mut out: Vec<GroupWeight> = Vec::new();
    for g in groups.all() {
        let name = lang.pick(&g.name_vi, &g.name_en);
        let field = format!("{WEIGHT_PREFIX}{}", g.code);
        match out.iter_mut().find(|w| w.field == field) {
            Some(w) => {
                w.name = format!("{} / {name}", w.name);
            }
            None => out.push(GroupWeight {
                value: value(&g.code),
                field,
                name,
            }),
        }
    }
    out
}

/// The form field of a group's weight: `weight_<code>`.
pub const WEIGHT_PREFIX: &str = "weight_";

#[derive(Debug, Clone, Default)]
pub struct SettingsView {
    pub averaging: String,
    /// A weight input per respondent group.
    pub group_weights: Vec<GroupWeight>,
    pub cancelled: String,
    pub rounding: String,
    pub tier_a: String,
    pub tier_b: String,
    pub tier_c: String,
    pub units_see_draft: bool,
}

impl SettingsView {
    fn of(
        s: &ScoringSettings,
        see: bool,
        groups: &parindex_domain::respondents::GroupSet,
        lang: Lang,
    ) -> SettingsView {
        let group_weights = group_weights(groups, lang, |code| {
            match &s.averaging {
                GroupAveraging::Weighted(w) => w.get(code).map(|v| lang.decimal(&v.to_string())),
                _ => None,
            }
            .unwrap_or_default()
        });
        let averaging = match &s.averaging {
            GroupAveraging::Equal => "equal",
            GroupAveraging::Pooled => "pooled",
            GroupAveraging::Weighted(_) => "weighted",
        };
        SettingsView {
            averaging: averaging.into(),
            group_weights,
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

impl MohaPage {
    /// Whether a version is public yet: the public page exists only then.
    pub fn has_published(&self) -> bool {
        self.versions.iter().any(|v| v.version > 0)
    }
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
    pub campaign_id: CampaignId,
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
    campaign_id: CampaignId,
    version: Option<i64>,
) -> AppResult<MohaPage> {
    let review = Review::load(state, campaign_id, version).await?;
    Ok(MohaPage::of(review, meta, user))
}

/// What changed between `previous` and the version shown, unit by unit.
fn change_rows(lang: Lang, shown: &Shown, previous: &CampaignResult) -> Vec<ChangeRow> {
    let cell = |x: Option<(Decimal, Tier, Option<u32>)>| {
        x.map(|(i, t, p)| {
            (
                format!("{} ({})", num(lang, i), tier_letter(t)),
                place(lang, p),
            )
        })
        .unwrap_or_else(|| ("—".into(), "—".into()))
    };
    changes(previous, &shown.result)
        .into_iter()
        .map(|c| {
            let (before, place_before) = cell(c.before);
            let (after, place_after) = cell(c.after);
            ChangeRow {
                name: shown.name(&c.code),
                level: c.level.as_str(),
                before,
                after,
                place_before,
                place_after,
            }
        })
        .collect()
}

fn version_row(lang: Lang, v: &VersionInfo, shown: Option<&Shown>) -> VersionRow {
    VersionRow {
        version: v.version,
        label: if v.version == 0 {
            lang.t("res-draft")
        } else {
            lang.t_args("res-version-n", &[("version", v.version.to_string())])
        },
        hash: v.input_sha256.chars().take(12).collect(),
        current: shown.is_some_and(|s| s.info.version == v.version),
    }
}

impl MohaPage {
    fn of(r: Review, meta: &Meta, user: &User) -> MohaPage {
        let lang = meta.lang;
        let shown = r.shown.as_ref();
        let (compared_with, changes) = match (shown, &r.previous) {
            (Some(s), Some((info, prev))) => {
                (version_label(info, lang), change_rows(lang, s, prev))
            }
            _ => (String::new(), Vec::new()),
        };
        let unit_names: HashMap<UnitId, &str> = r
            .units
            .iter()
            .map(|u| (u.id, u.short_name.as_str()))
            .collect();
        let figures = r
            .figures
            .iter()
            .map(|f| FigureRow {
                unit: unit_names
                    .get(&f.unit_id)
                    .copied()
                    .unwrap_or_default()
                    .to_string(),
                leaf: f.leaf_code.clone(),
                value: num(lang, f.value),
                source: f.source.clone(),
            })
            .collect();
        let mut page = Page::new(meta, user, "res-title");
        page.title = format!("{} · {}", page.t("res-title"), r.campaign.year);
        MohaPage {
            page,
            campaign_id: r.campaign.id,
            year: r.campaign.year,
            is_admin: user.role == parindex_domain::Role::MohaAdmin,
            settings: SettingsView::of(&r.settings, r.units_see_draft, &r.groups, lang),
            shown_label: shown
                .map(|s| version_label(&s.info, lang))
                .unwrap_or_default(),
            shown_version: shown.map(|s| s.info.version),
            shown_hash: shown
                .map(|s| s.info.input_sha256.clone())
                .unwrap_or_default(),
            levels: shown.map(|s| view::levels(s, lang)).unwrap_or_default(),
            draft_hash: r.draft_hash(),
            compared_with,
            changes,
            versions: r
                .versions
                .iter()
                .map(|v| version_row(lang, v, shown))
                .collect(),
            figures,
            figure_items: r.figure_items,
            figure_problems: Vec::new(),
            can_publish: publish::offered(user.role, &r.facts),
            undecided: r.named(&r.facts.undecided),
            cancelled: r.named(&r.facts.cancelled),
            publish_form: PublishForm::default(),
        }
    }
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
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
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    scoring_inputs::compute_draft_with(&state.db, &ctx, campaign_id, &state.config.bootstrap)
        .await?;
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
    Path(campaign_id): Path<CampaignId>,
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
    campaign_id: CampaignId,
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
            Path(campaign_id): Path<CampaignId>,
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
mod review;
pub mod settings;
pub use imported_figures::{figures_template, import_figures};
use review::Review;
pub use settings::save_settings;
