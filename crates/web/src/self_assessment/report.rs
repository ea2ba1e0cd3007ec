//! The self-assessment report: an .xlsx file and a printable page with the summary table of every
//! item (max points, method, self score, explanation, evidence), the totals, and the difficulties and
//! recommendations.

use crate::auth::UnitReader;
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::self_assessment::Loaded;
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::Response;
use parindex_domain::Points;
use parindex_domain::UnitId;
use parindex_domain::criteria::{Depth, Method};
use parindex_import::self_assessment_report::{self as xlsx, ReportRow};
use rust_decimal::prelude::ToPrimitive;
use std::collections::HashMap;

pub struct PrintRow {
    pub depth: u8,
    pub code: String,
    pub name: String,
    pub max: String,
    pub method: String,
    pub score: String,
    pub explanation: String,
    pub evidence: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "sa_print.html")]
pub struct PrintPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub subtitle: String,
    pub state_label: String,
    pub rows: Vec<PrintRow>,
    pub total_max: String,
    pub total_score: String,
    pub difficulties: String,
}

/// One item of the report, in the reader's language.
struct Item {
    depth: u8,
    code: String,
    name: String,
    max: Points,
    method: String,
    score: Option<Points>,
    explanation: String,
    evidence: String,
}

struct Built {
    rows: Vec<Item>,
    total_max: Points,
    total_score: Points,
}

async fn build(state: &AppState, meta: &Meta, l: &Loaded) -> AppResult<Built> {
    let mut evidence: HashMap<String, Vec<String>> = HashMap::new();
    for (code, name, reference) in parindex_db::evidence::all_links(&state.db, l.cx.unit.id).await?
    {
        let item = if reference.is_empty() {
            name
        } else {
            format!("{name} ({reference})")
        };
        evidence.entry(code).or_default().push(item);
    }
    let en = meta.lang == crate::i18n::Lang::En;
    let mut rows = Vec::new();
    let (mut total_max, mut total_score) = (Points::ZERO, Points::ZERO);
    for (d, n) in l.set.walk() {
        let leaf = n.is_leaf() && d != Depth::Field;
        let is_self = n.method == Some(Method::SelfAssessed);
        let saved = l.saved(&n.code);
        let score = if leaf && is_self {
            saved.as_ref().and_then(|s| s.score)
        } else {
            None
        };
        if leaf && is_self {
            total_max = total_max.checked_add(n.max).unwrap_or(total_max);
            total_score = total_score
                .checked_add(score.unwrap_or(Points::ZERO))
                .unwrap_or(total_score);
        }
        rows.push(Item {
            depth: match d {
                Depth::Field => 0,
                Depth::Criterion => 1,
                Depth::SubCriterion => 2,
            },
            code: n.code.clone(),
            name: if en && !n.name_en.is_empty() {
                n.name_en.clone()
            } else {
                n.name_vi.clone()
            },
            max: n.max,
            method: n
                .method
                .map(|m| meta.lang.t(&format!("method-{}", m.as_str())))
                .unwrap_or_default(),
            score,
            explanation: saved.map(|s| s.explanation).unwrap_or_default(),
            evidence: evidence
                .get(&n.code)
                .map(|v| v.join("; "))
                .unwrap_or_default(),
        });
    }
    Ok(Built {
        rows,
        total_max,
        total_score,
    })
}

fn number(p: Points) -> f64 {
    p.decimal().to_f64().unwrap_or(0.0)
}

pub async fn download(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
) -> AppResult<Response> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let b = build(&state, &meta, &l).await?;
    let t = |k: &str| meta.lang.t(k);
    let report = xlsx::Report {
        title: format!("{} · {}", t("sa-report-title"), l.cx.unit.name),
        subtitle: crate::ui::unit_context::campaign_title(&meta, &l.cx.campaign),
        state: format!(
            "{}: {}",
            t("status"),
            t(&format!("sa-state-{}", l.report.state.as_str()))
        ),
        rows: b
            .rows
            .into_iter()
            .map(|i| ReportRow {
                depth: i.depth,
                code: i.code,
                name: i.name,
                max: number(i.max),
                method: i.method,
                score: i.score.map(number),
                explanation: i.explanation,
                evidence: i.evidence,
            })
            .collect(),
        total_self_max: number(b.total_max),
        total_self_score: number(b.total_score),
        difficulties: l.report.difficulties.clone(),
        headers: [
            t("criteria-set-code"),
            t("criteria-set-item"),
            t("criteria-set-max"),
            t("criteria-set-method"),
            t("sa-score"),
            t("sa-explanation"),
            t("evidence-title"),
        ],
        total_label: t("sa-self-points"),
        sheet: t("sa-report-sheet"),
        difficulties_label: t("sa-difficulties"),
    };
    let bytes =
        xlsx::build(&report).map_err(|e| AppError::internal("building the report .xlsx", e))?;
    let name = format!(
        "bao-cao-tu-danh-gia-{}-{}.xlsx",
        l.cx.unit.code.to_lowercase(),
        l.cx.campaign.year
    );
    Ok(crate::ui::download::xlsx(&name, bytes))
}

pub async fn print(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
) -> AppResult<PrintPage> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let b = build(&state, &meta, &l).await?;
    let dec = |p: Points| meta.lang.decimal(&p.to_fixed());
    let mut page = Page::new(&meta, &r.user, "sa-report-title");
    page.title = format!("{} · {}", page.t("sa-report-title"), l.cx.unit.name);
    Ok(PrintPage {
        unit_id: r.unit_id,
        subtitle: crate::ui::unit_context::campaign_title(&meta, &l.cx.campaign),
        state_label: meta
            .lang
            .t(&format!("sa-state-{}", l.report.state.as_str())),
        rows: b
            .rows
            .into_iter()
            .map(|i| PrintRow {
                depth: i.depth,
                code: i.code,
                name: i.name,
                max: dec(i.max),
                method: i.method,
                score: i.score.map(dec).unwrap_or_default(),
                explanation: i.explanation,
                evidence: i.evidence,
            })
            .collect(),
        total_max: dec(b.total_max),
        total_score: dec(b.total_score),
        difficulties: l.report.difficulties.clone(),
        page,
    })
}
