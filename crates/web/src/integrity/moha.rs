//! MoHA's interference review: the queue of units by risk with the decision in force, running
//! detection now, the thresholds, and one unit's evidence (which signals, how strong, how many
//! responses, examples with the respondents' names: MoHA only) with its decision history and the
//! form to clear it or cancel its survey results. Answers are never shown here either: the evidence
//! speaks of patterns, times, browsers and networks.

use crate::auth::{MohaAdmin, MohaStaff, reauth};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::group_name::group_name;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::integrity::{self, Decision, RunInfo};
use parindex_db::outbox::OutMail;
use parindex_db::users::User;
use parindex_db::{campaigns, contacts, units};
use parindex_domain::integrity::decision::{self, Outcome};
use parindex_domain::integrity::schedule::RunKind;
use parindex_domain::integrity::{Finding, IntegritySettings, Signal, UnitAssessment};
use parindex_domain::{CampaignId, UnitId};
use std::collections::HashMap;

fn num(lang: Lang, x: f64) -> String {
    lang.figure(x)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub struct QueueRow {
    pub unit_id: UnitId,
    pub name: String,
    pub responses: u32,
    pub risk: String,
    pub flagged: bool,
    pub scored: bool,
    /// The strongest signals, named.
    pub signals: String,
    /// The decision in force, named, or empty.
    pub decision: String,
    pub cancelled: bool,
}

pub struct RunView {
    /// Milliseconds; the template shows it with `page.instant`.
    pub at: i64,
    pub kind: String,
    pub responses: i64,
    pub units: i64,
    pub flagged: i64,
    pub duration_ms: i64,
}

fn run_view(lang: Lang, r: &RunInfo) -> RunView {
    RunView {
        at: r.ran_at,
        kind: lang.t(&format!("ig-run-{}", r.kind)),
        responses: r.responses,
        units: r.units,
        flagged: r.flagged,
        duration_ms: r.duration_ms,
    }
}

/// The thresholds MoHA sets on the review page, in form order (fields of [`IntegritySettings`]).
const FIELDS: [&str; 10] = [
    "flag_risk",
    "min_responses",
    "speed_ms_per_item",
    "burst_minutes",
    "burst_min",
    "network_minutes",
    "network_min",
    "twin_agreement",
    "many_devices",
    "interval_minutes",
];

/// The threshold fields in form order, with their shown values.
pub type SettingsView = Vec<(&'static str, String)>;

fn settings_view(lang: Lang, s: &IntegritySettings) -> SettingsView {
    let v = serde_json::to_value(s).unwrap_or_default();
    FIELDS
        .iter()
        .map(|&f| {
            let shown = match &v[f] {
                serde_json::Value::Number(n) if n.is_f64() => num(lang, n.as_f64().unwrap_or(0.0)),
                other => other.to_string(),
            };
            (f, shown)
        })
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "integrity_queue.html")]
pub struct QueuePage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub is_admin: bool,
    pub last_run: Option<RunView>,
    pub rows: Vec<QueueRow>,
    pub flagged: usize,
    pub settings: SettingsView,
}

fn signal_name(lang: Lang, f: &Finding) -> String {
    lang.t(&format!("ig-signal-{}", f.signal.code()))
}

fn about(lang: Lang, f: &Finding) -> Option<String> {
    matches!(f.signal, Signal::BestHurried | Signal::BestTogether)
        .then(|| lang.t(&format!("ig-about-{}", f.signal.code())))
}

fn decision_name(lang: Lang, d: &Decision) -> String {
    lang.t(&format!("ig-decision-{}", d.outcome))
}

async fn queue_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: CampaignId,
) -> AppResult<QueuePage> {
    campaigns::get(&state.db, campaign_id).await?;
    let lang = meta.lang;
    let names: HashMap<UnitId, String> = units::list(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let decisions = integrity::in_force_all(&state.db, campaign_id).await?;
    let findings = integrity::findings(&state.db, campaign_id).await?;
    let rows: Vec<QueueRow> = findings
        .iter()
        .map(|a| {
            let unit_id = UnitId(a.unit_id);
            let d = decisions.get(&unit_id);
            QueueRow {
                unit_id,
                name: names.get(&unit_id).cloned().unwrap_or_default(),
                responses: a.responses,
                risk: num(lang, a.risk),
                flagged: a.flagged,
                scored: a.scored,
                signals: a
                    .findings
                    .iter()
                    .filter(|f| f.contribution > 0.0)
                    .take(3)
                    .map(|f| signal_name(lang, f))
                    .collect::<Vec<_>>()
                    .join(", "),
                decision: d.map(|d| decision_name(lang, d)).unwrap_or_default(),
                cancelled: d.is_some_and(Decision::cancels),
            }
        })
        .collect();
    let last_run = integrity::runs(&state.db, campaign_id, 1)
        .await?
        .first()
        .map(|r| run_view(lang, r));
    let settings = integrity::settings(&state.db, campaign_id).await?;
    Ok(QueuePage {
        page: Page::new(meta, user, "ig-title"),
        campaign_id,
        is_admin: user.role == parindex_domain::Role::MohaAdmin,
        last_run,
        flagged: rows.iter().filter(|r| r.flagged).count(),
        rows,
        settings: settings_view(lang, &settings),
    })
}

pub async fn queue(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
    Query(q): Query<DoneQuery>,
) -> AppResult<QueuePage> {
    let mut p = queue_page(&state, &meta, &user, campaign_id).await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

pub async fn run_now(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    integrity::run(&state.db, &ctx, campaign_id, RunKind::Manual).await?;
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}/integrity?done=ig-ran"
    ))
    .into_response())
}

/// Reads the form over the stored settings (either decimal mark; whole numbers where the setting is
/// one); the field of the first bad value on failure.
fn parse_settings(
    current: &IntegritySettings,
    form: &HashMap<String, String>,
) -> Result<IntegritySettings, &'static str> {
    let mut v = serde_json::to_value(current).map_err(|_| FIELDS[0])?;
    for f in FIELDS {
        let text = form
            .get(f)
            .map(|t| t.trim().replace(',', "."))
            .unwrap_or_default();
        let value = if v[f].is_f64() {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        } else {
            text.parse::<u32>().ok().map(serde_json::Number::from)
        };
        v[f] = serde_json::Value::Number(value.ok_or(f)?);
    }
    let s: IntegritySettings = serde_json::from_value(v).map_err(|_| FIELDS[0])?;
    s.check().map_err(|e| e.field)?;
    Ok(s)
}

pub async fn save_settings(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    Form(f): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let current = integrity::settings(&state.db, campaign_id).await?;
    match parse_settings(&current, &f) {
        Ok(s) => {
            let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
            integrity::set_settings(&state.db, &ctx, campaign_id, &s).await?;
            Ok(Redirect::to(&format!(
                "/admin/campaigns/{campaign_id}/integrity?done=saved"
            ))
            .into_response())
        }
        Err(field) => {
            let mut p = queue_page(&state, &meta, &admin, campaign_id).await?;
            p.settings = FIELDS
                .iter()
                .map(|&k| (k, f.get(k).cloned().unwrap_or_default()))
                .collect();
            p.page.error(field, "ig-err-setting");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
    }
}

pub struct ExampleView {
    pub name: String,
    pub group: String,
    /// Milliseconds, if submitted; shown with `page.instant`.
    pub completed: Option<i64>,
}

pub struct FindingView {
    pub name: String,
    /// What the signal means and why it is told apart from honest answers (the newer signals).
    pub about: Option<String>,
    pub explain: String,
    pub strength: String,
    pub counts: bool,
    pub examples: Vec<ExampleView>,
}

pub struct DecisionView {
    pub outcome: String,
    pub cancel: bool,
    pub reason: String,
    pub responsible: String,
    pub reviewer: String,
    /// Milliseconds; shown with `page.instant`.
    pub at: i64,
    pub evidence_sha256: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "integrity_unit.html")]
pub struct UnitPage {
    pub page: Page,
    pub campaign_id: CampaignId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub assessment: Option<UnitAssessment>,
    pub risk: String,
    pub summary: String,
    pub findings: Vec<FindingView>,
    pub history: Vec<DecisionView>,
    pub form: DecideForm,
}

/// The explanation of one finding, in words, with its figures.
fn explain(lang: Lang, f: &Finding, responses: u32) -> String {
    lang.t_args(
        "ig-finding",
        &[
            ("count", f.count.to_string()),
            ("responses", responses.to_string()),
            ("share", pct(f.share)),
            ("typical", pct(f.typical)),
            ("largest", f.largest.to_string()),
            ("expected", num(lang, f.expected)),
        ],
    )
}

async fn unit_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: CampaignId,
    unit_id: UnitId,
    form: DecideForm,
) -> AppResult<UnitPage> {
    campaigns::get(&state.db, campaign_id).await?;
    let unit = units::get(&state.db, unit_id).await?;
    if unit.campaign_id != campaign_id {
        return Err(AppError::NotFound);
    }
    let lang = meta.lang;
    let assessment = integrity::finding(&state.db, campaign_id, unit_id)
        .await?
        .map(|f| f.1);
    let people = integrity::example_people(&state.db, unit_id).await?;
    let all_groups = parindex_db::respondents::groups(&state.db, campaign_id).await?;
    let groups = all_groups.for_level(unit.level.as_str());
    let findings = assessment
        .as_ref()
        .map(|a| {
            a.findings
                .iter()
                .map(|f| FindingView {
                    name: signal_name(lang, f),
                    about: about(lang, f),
                    explain: explain(lang, f, a.responses),
                    strength: lang.t_args(
                        "ig-strength",
                        &[("z", num(lang, f.z)), ("adds", num(lang, f.contribution))],
                    ),
                    counts: f.contribution > 0.0,
                    examples: f
                        .examples
                        .iter()
                        .filter_map(|id| people.get(id))
                        .map(|p| ExampleView {
                            name: p.0.clone(),
                            group: group_name(lang, groups, &p.1),
                            completed: p.2,
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let history = integrity::history(&state.db, campaign_id, unit_id)
        .await?
        .iter()
        .map(|d| DecisionView {
            outcome: decision_name(lang, d),
            cancel: d.cancels(),
            reason: d.reason.clone(),
            responsible: d.responsible.clone(),
            reviewer: d.reviewer.clone(),
            at: d.decided_at,
            evidence_sha256: d.evidence_sha256.chars().take(16).collect(),
        })
        .collect();
    let (risk, summary) = match &assessment {
        Some(a) => (
            num(lang, a.risk),
            lang.t_args(
                "ig-summary",
                &[
                    ("responses", a.responses.to_string()),
                    ("seconds", num(lang, a.seconds_per_item)),
                    ("campaign", num(lang, a.campaign_seconds_per_item)),
                ],
            ),
        ),
        None => (String::new(), lang.t("ig-no-findings")),
    };
    let mut page = Page::new(meta, user, "ig-unit-title");
    page.title = format!("{} · {}", page.t("ig-unit-title"), unit.short_name);
    Ok(UnitPage {
        page,
        campaign_id,
        unit_id,
        unit_name: unit.name,
        assessment,
        risk,
        summary,
        findings,
        history,
        form,
    })
}

pub async fn unit(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path((campaign_id, unit_id)): Path<(CampaignId, UnitId)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<UnitPage> {
    let mut p = unit_page(
        &state,
        &meta,
        &user,
        campaign_id,
        unit_id,
        DecideForm::default(),
    )
    .await?;
    p.page = p.page.with_notice(q.done.as_deref());
    Ok(p)
}

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    pub outcome: String,
    pub reason: String,
    pub responsible: String,
    pub confirm: Option<String>,
    /// The reviewer's password again, to cancel a unit's results.
    pub password: String,
}

/// The notice to the unit's PAR contact, in Vietnamese then English.
fn notice(to: &str, unit: &str, d: &decision::Checked) -> OutMail {
    crate::notice_mail::bilingual(
        to,
        "ig-mail-subject",
        &format!("ig-mail-{}", d.outcome.code()),
        &[("unit", unit.to_string()), ("reason", d.reason.clone())],
    )
}

pub async fn decide(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path((campaign_id, unit_id)): Path<(CampaignId, UnitId)>,
    Form(mut f): Form<DecideForm>,
) -> AppResult<Response> {
    // The password is checked once and never travels back into the page with the form.
    let password = std::mem::take(&mut f.password);
    let unit = units::get(&state.db, unit_id).await?;
    if unit.campaign_id != campaign_id {
        return Err(AppError::NotFound);
    }
    let confirmed = f.confirm.as_deref() == Some("yes");
    // Every problem at once: the form's, and for a cancellation the password's, so that one
    // round trip shows them all.
    let password_problem = if Outcome::parse(&f.outcome) == Some(Outcome::Cancel) {
        reauth::refusal(&state, &meta, &user, &password, "reauth-wrong").await?
    } else {
        None
    };
    let checked = decision::check(&f.outcome, &f.reason, &f.responsible, confirmed);
    let checked = match (checked, password_problem) {
        (Ok(c), None) => c,
        (checked, password_problem) => {
            let mut p = unit_page(&state, &meta, &user, campaign_id, unit_id, f).await?;
            for problem in checked.err().unwrap_or_default() {
                p.page.error(problem.field(), problem.key());
            }
            if let Some(m) = password_problem {
                p.page.error_msg("password", m);
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response());
        }
    };
    let to = contacts::focal_for(&state.db, unit_id)
        .await?
        .map(|c| c.contacts.par_email);
    let mail = to
        .filter(|t| !t.is_empty())
        .map(|t| notice(&t, &unit.name, &checked));
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    integrity::decide(
        &state.db,
        &ctx,
        campaign_id,
        unit_id,
        &checked,
        mail.as_ref(),
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}/integrity/unit/{unit_id}?done=ig-decided"
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_risk_that_rounds_to_zero_shows_as_zero() {
        assert_eq!(num(Lang::Vi, -0.001), "0");
        assert_eq!(num(Lang::Vi, -0.0), "0");
        assert_eq!(num(Lang::Vi, 0.0), "0");
        assert_eq!(num(Lang::Vi, 4.256), "4,26");
        assert_eq!(num(Lang::En, -1.5), "-1.50");
    }
}
