//! A version of a campaign's results as JSON: the body of `GET /api/v1/results/{year}` and of the
//! `ranking.json` download, one type for both and for the OpenAPI document's `Results`.

use crate::results::view::{Shown, tier_letter};
use parindex_domain::Level;
use parindex_domain::criteria::Depth;
use parindex_domain::scoring::{self, Tier};
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::schema::Object;

/// A year's results: every unit's index, tier, place, points by method, fields and criteria.
#[derive(Debug, Serialize, ToSchema)]
pub struct Results {
    pub year: i64,
    /// Published version number (1, 2, …); 0 is a draft, which the API never returns.
    pub version: i64,
    pub draft: bool,
    pub computed_at_ms: i64,
    pub published_at_ms: Option<i64>,
    /// SHA-256 of the canonical inputs the version was computed from.
    pub input_sha256: String,
    pub levels: Vec<LevelResults>,
}

/// The units of one level, ranked by place, then those that are not ranked.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelResults {
    #[schema(schema_with = crate::api::schema::level)]
    pub level: &'static str,
    pub criteria_set: String,
    pub units: Vec<UnitResult>,
}

/// One unit's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitResult {
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// Shared by ties (1, 2, 2, 4); null when not ranked.
    pub place: Option<u32>,
    pub not_ranked: bool,
    /// Points ÷ maximum × 100, two decimals, e.g. "92.18".
    pub index: String,
    /// The index's 95% interval, by a bootstrap over respondents; null when the unit has too few
    /// respondents for one.
    pub index_low: Option<String>,
    pub index_high: Option<String>,
    /// The best and worst places within the 95% interval; null when not ranked or without an interval.
    pub place_best: Option<u32>,
    pub place_worst: Option<u32>,
    #[schema(schema_with = tier)]
    pub tier: &'static str,
    pub total: String,
    pub max: String,
    pub survey_cancelled: bool,
    /// Items with no score, counted answer or figure.
    pub missing: u32,
    /// What the unit compares with from the campaign before (its own index, or its predecessors'
    /// weighted index), and the change since, e.g. "80.02" and "-0.51"; null without a comparison.
    pub previous_index: Option<String>,
    pub change: Option<String>,
    /// The codes of the units it succeeds in the campaign before, for a merged or split unit; empty
    /// when it compares with itself.
    pub predecessors: Vec<String>,
    pub methods: Vec<MethodPoints>,
    pub fields: Vec<NodeResult>,
    pub criteria: Vec<NodeResult>,
}

/// The points a unit earned by one scoring method.
#[derive(Debug, Serialize, ToSchema)]
pub struct MethodPoints {
    #[schema(schema_with = crate::api::schema::method)]
    pub method: &'static str,
    pub points: String,
    pub max: String,
}

/// A field's or a criterion's points.
#[derive(Debug, Serialize, ToSchema)]
pub struct NodeResult {
    pub code: String,
    pub points: String,
    pub max: String,
    pub index: String,
}

fn tier() -> Object {
    crate::api::schema::one_of([Tier::A, Tier::B, Tier::C, Tier::D].map(tier_letter))
}

/// Two decimals, as every figure is published.
fn fixed(d: Decimal) -> String {
    format!("{d:.2}")
}

impl Results {
    pub fn of(shown: &Shown) -> Results {
        let levels = shown
            .result
            .levels
            .iter()
            .map(|l| LevelResults {
                level: l.level.as_str(),
                criteria_set: l.criteria_set.clone(),
                units: l
                    .units
                    .iter()
                    .map(|u| UnitResult::of(shown, l.level, u))
                    .collect(),
            })
            .collect();
        Results {
            year: shown.campaign.year,
            version: shown.info.version,
            draft: shown.is_draft(),
            computed_at_ms: shown.info.computed_at,
            published_at_ms: shown.info.published_at,
            input_sha256: shown.info.input_sha256.clone(),
            levels,
        }
    }
}

impl UnitResult {
    fn of(shown: &Shown, level: Level, u: &scoring::UnitResult) -> UnitResult {
        let interval = shown.interval(&u.code);
        let before = shown.baseline.as_ref().and_then(|b| b.before(level, u));
        let nodes = |d: Depth| -> Vec<NodeResult> {
            u.nodes
                .iter()
                .filter(|n| n.depth == d)
                .map(|n| NodeResult {
                    code: n.code.clone(),
                    points: fixed(n.points),
                    max: fixed(n.max),
                    index: fixed(n.index),
                })
                .collect()
        };
        UnitResult {
            code: u.code.clone(),
            name: shown
                .names
                .get(&u.code)
                .map(|n| n.name.clone())
                .unwrap_or_default(),
            short_name: shown.name(&u.code),
            place: u.place,
            not_ranked: u.not_ranked,
            index: fixed(u.index),
            index_low: interval.and_then(|i| i.index).map(|b| fixed(b.low)),
            index_high: interval.and_then(|i| i.index).map(|b| fixed(b.high)),
            place_best: interval.and_then(|i| i.place).map(|p| p.best),
            place_worst: interval.and_then(|i| i.place).map(|p| p.worst),
            tier: tier_letter(u.tier),
            total: fixed(u.total),
            max: fixed(u.max),
            survey_cancelled: u.survey_cancelled,
            missing: u.missing,
            previous_index: before.as_ref().map(|b| fixed(b.index)),
            change: before.as_ref().map(|b| fixed(b.change(u.index))),
            predecessors: before
                .map(|b| b.predecessors.into_iter().map(|(c, _, _)| c).collect())
                .unwrap_or_default(),
            methods: u
                .methods
                .iter()
                .map(|m| MethodPoints {
                    method: m.method.as_str(),
                    points: fixed(m.points),
                    max: fixed(m.max),
                })
                .collect(),
            fields: nodes(Depth::Field),
            criteria: nodes(Depth::Criterion),
        }
    }
}
