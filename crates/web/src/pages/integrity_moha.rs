//! MoHA's interference review: the queue of units by risk with the decision in force, running
//! detection now, the thresholds, and one unit's evidence (which signals, how strong, how many
//! responses, examples with the respondents' names: MoHA only) with its decision history and the
//! form to clear it or cancel its survey results. Answers are never shown here either: the evidence
//! speaks of patterns, times, browsers and networks.

use crate::auth::{MohaAdmin, MohaStaff};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::pages::layout::{DoneQuery, Page};
use crate::state::AppState;
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
use parindex_domain::integrity::{Finding, IntegritySettings, UnitAssessment};
use std::collections::HashMap;

fn num(lang: Lang, x: f64) -> String {
    let s = format!("{x:.2}");
    if lang == Lang::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

pub struct QueueRow {
    pub unit_id: i64,
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
    pub at: String,
    pub kind: String,
    pub responses: i64,
    pub units: i64,
    pub flagged: i64,
    pub duration_ms: i64,
}

fn run_view(lang: Lang, r: &RunInfo) -> RunView {
    RunView {
        at: parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(r.ran_at)),
        kind: lang.t(&format!("ig-run-{}", r.kind)),
        responses: r.responses,
        units: r.units,
        flagged: r.flagged,
        duration_ms: r.duration_ms,
    }
}

/// The threshold fields in form order, with their shown values.
pub type SettingsView = Vec<(&'static str, String)>;

fn settings_view(lang: Lang, s: &IntegritySettings) -> SettingsView {
    vec![
        ("flag_risk", num(lang, s.flag_risk)),
        ("min_responses", s.min_responses.to_string()),
        ("speed_ms_per_item", s.speed_ms_per_item.to_string()),
        ("burst_minutes", s.burst_minutes.to_string()),
        ("burst_min", s.burst_min.to_string()),
        ("network_minutes", s.network_minutes.to_string()),
        ("network_min", s.network_min.to_string()),
        ("twin_agreement", num(lang, s.twin_agreement)),
        ("many_devices", s.many_devices.to_string()),
        ("interval_minutes", s.interval_minutes.to_string()),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "integrity_queue.html")]
pub struct QueuePage {
    pub page: Page,
    pub campaign_id: i64,
    pub is_admin: bool,
    pub last_run: Option<RunView>,
    pub rows: Vec<QueueRow>,
    pub flagged: usize,
    pub settings: SettingsView,
}

fn signal_name(lang: Lang, f: &Finding) -> String {
    lang.t(&format!("ig-signal-{}", f.signal.code()))
}

fn decision_name(lang: Lang, d: &Decision) -> String {
    lang.t(&format!("ig-decision-{}", d.outcome))
}

async fn queue_page(
    state: &AppState,
    meta: &Meta,
    user: &User,
    campaign_id: i64,
) -> AppResult<QueuePage> {
    campaigns::get(&state.db, campaign_id).await?;
    let lang = meta.lang;
    let names: HashMap<i64, String> = units::list(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let decisions = integrity::in_force_all(&state.db, campaign_id).await?;
    let findings = integrity::findings(&state.db, campaign_id).await?;
    let rows: Vec<QueueRow> = findings
        .iter()
        .map(|a| {
            let d = decisions.get(&a.unit_id);
            QueueRow {
                unit_id: a.unit_id,
                name: names.get(&a.unit_id).cloned().unwrap_or_default(),
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
        is_admin: user.role == "moha_admin",
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
    Path(campaign_id): Path<i64>,
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
    Path(campaign_id): Path<i64>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
    integrity::run(&state.db, &ctx, campaign_id, RunKind::Manual).await?;
    Ok(Redirect::to(&format!(
        "/admin/campaigns/{campaign_id}/integrity?done=ig-ran"
    ))
    .into_response())
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct SettingsForm {
    pub flag_risk: String,
    pub min_responses: String,
    pub speed_ms_per_item: String,
    pub burst_minutes: String,
    pub burst_min: String,
    pub network_minutes: String,
    pub network_min: String,
    pub twin_agreement: String,
    pub many_devices: String,
    pub interval_minutes: String,
}

/// Reads the form (either decimal mark); the field of the first bad value on failure.
fn parse_settings(f: &SettingsForm) -> Result<IntegritySettings, &'static str> {
    fn dec(v: &str, field: &'static str) -> Result<f64, &'static str> {
        v.trim().replace(',', ".").parse().map_err(|_| field)
    }
    fn int(v: &str, field: &'static str) -> Result<u32, &'static str> {
        v.trim().parse().map_err(|_| field)
    }
    let s = IntegritySettings {
        flag_risk: dec(&f.flag_risk, "flag_risk")?,
        min_responses: int(&f.min_responses, "min_responses")?,
        speed_ms_per_item: int(&f.speed_ms_per_item, "speed_ms_per_item")?,
        burst_minutes: int(&f.burst_minutes, "burst_minutes")?,
        burst_min: int(&f.burst_min, "burst_min")?,
        network_minutes: int(&f.network_minutes, "network_minutes")?,
        network_min: int(&f.network_min, "network_min")?,
        twin_agreement: dec(&f.twin_agreement, "twin_agreement")?,
        many_devices: int(&f.many_devices, "many_devices")?,
        interval_minutes: int(&f.interval_minutes, "interval_minutes")?,
        ..IntegritySettings::default()
    };
    s.check().map_err(|e| e.field)?;
    Ok(s)
}

pub async fn save_settings(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(campaign_id): Path<i64>,
    Form(f): Form<SettingsForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    match parse_settings(&f) {
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
            p.settings = vec![
                ("flag_risk", f.flag_risk.clone()),
                ("min_responses", f.min_responses.clone()),
                ("speed_ms_per_item", f.speed_ms_per_item.clone()),
                ("burst_minutes", f.burst_minutes.clone()),
                ("burst_min", f.burst_min.clone()),
                ("network_minutes", f.network_minutes.clone()),
                ("network_min", f.network_min.clone()),
                ("twin_agreement", f.twin_agreement.clone()),
                ("many_devices", f.many_devices.clone()),
                ("interval_minutes", f.interval_minutes.clone()),
            ];
            p.page.error(field, "ig-err-setting");
            Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
        }
    }
}

pub struct ExampleView {
    pub name: String,
    pub group: String,
    pub completed: String,
}

pub struct FindingView {
    pub name: String,
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
    pub at: String,
    pub evidence_sha256: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "integrity_unit.html")]
pub struct UnitPage {
    pub page: Page,
    pub campaign_id: i64,
    pub unit_id: i64,
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
    campaign_id: i64,
    unit_id: i64,
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
    let findings = assessment
        .as_ref()
        .map(|a| {
            a.findings
                .iter()
                .map(|f| FindingView {
                    name: signal_name(lang, f),
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
                            group: p.1.clone(),
                            completed: p
                                .2
                                .map(|ms| {
                                    parindex_domain::deadline::display_instant(
                                        parindex_domain::clock::from_ms(ms),
                                    )
                                })
                                .unwrap_or_default(),
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
            at: parindex_domain::deadline::display_instant(parindex_domain::clock::from_ms(
                d.decided_at,
            )),
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
    Path((campaign_id, unit_id)): Path<(i64, i64)>,
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
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The notice to the unit's PAR contact, in Vietnamese then English.
fn notice(to: &str, unit: &str, d: &decision::Checked) -> OutMail {
    let vi = Lang::Vi;
    let en = Lang::En;
    let args = |l: Lang| {
        l.t_args(
            &format!("ig-mail-{}", d.outcome.code()),
            &[("unit", unit.to_string()), ("reason", d.reason.clone())],
        )
    };
    let text = format!("{}\n\n---\n\n{}\n", args(vi), args(en));
    let html = format!(
        "<p>{}</p><hr><p>{}</p>",
        escape(&args(vi)).replace('\n', "<br>"),
        escape(&args(en)).replace('\n', "<br>"),
    );
    OutMail {
        to: to.to_string(),
        subject: format!("{} / {}", vi.t("ig-mail-subject"), en.t("ig-mail-subject")),
        text,
        html,
    }
}

/// The unit page again with the decision form's error, nothing recorded.
async fn refuse_decision(
    state: &AppState,
    meta: &Meta,
    user: &User,
    (campaign_id, unit_id): (i64, i64),
    field: &'static str,
    key: &'static str,
    f: DecideForm,
) -> AppResult<Response> {
    let mut p = unit_page(state, meta, user, campaign_id, unit_id, f).await?;
    p.page.error(field, key);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, p).into_response())
}

pub async fn decide(
    State(state): State<AppState>,
    meta: Meta,
    MohaStaff(user): MohaStaff,
    Path((campaign_id, unit_id)): Path<(i64, i64)>,
    Form(f): Form<DecideForm>,
) -> AppResult<Response> {
    let unit = units::get(&state.db, unit_id).await?;
    if unit.campaign_id != campaign_id {
        return Err(AppError::NotFound);
    }
    let refuse = |field: &'static str, key: &'static str, f: DecideForm| {
        refuse_decision(&state, &meta, &user, (campaign_id, unit_id), field, key, f)
    };
    let Some(outcome) = Outcome::parse(&f.outcome) else {
        return refuse("outcome", "ig-err-outcome", f).await;
    };
    let checked = match decision::check(outcome, &f.reason, &f.responsible) {
        Ok(c) => c,
        Err(e) => {
            let field = match e {
                decision::Problem::NoReason | decision::Problem::ReasonTooLong => "reason",
                _ => "responsible",
            };
            return refuse(field, e.key(), f).await;
        }
    };
    if outcome == Outcome::Cancel && f.confirm.as_deref() != Some("yes") {
        return refuse("confirm", "ig-err-confirm", f).await;
    }
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
