//! A unit's report card: its index, tier and place, every field and criterion against its maximum,
//! points by assessment method, its strengths and weaknesses, and the change since the previous
//! campaign's published result. Shown to MoHA, to the unit (published, or its draft when MoHA allows)
//! and, once published, to the public. It prints cleanly.

use crate::i18n::Lang;
use crate::results::previous::Previous;
use crate::results::view::{Shown, num, tier_letter, whole};
use crate::state::AppState;
use parindex_db::results;
use parindex_domain::criteria::{Depth, Node};
use parindex_domain::scoring::uncertainty::{self, UnitInterval};
use parindex_domain::scoring::{LeafStatus, LevelResult, NodeResult, UnitResult};
use rust_decimal::Decimal;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct CardRow {
    pub code: String,
    pub name: String,
    /// "field", "criterion" or "sub".
    pub depth: &'static str,
    pub points: String,
    pub max: String,
    pub index: String,
    /// 0–100 for the bar.
    pub bar: i64,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Highlight {
    pub code: String,
    pub name: String,
    pub index: String,
}

#[derive(Debug, Clone)]
pub struct MethodRow {
    pub label: String,
    pub points: String,
    pub max: String,
    pub index: String,
}

#[derive(Debug, Clone)]
pub struct Card {
    pub code: String,
    pub name: String,
    pub official_name: String,
    pub level: &'static str,
    pub index: String,
    pub total: String,
    pub max: String,
    pub tier: &'static str,
    pub place: String,
    pub ranked_count: usize,
    pub rows: Vec<CardRow>,
    pub methods: Vec<MethodRow>,
    pub strengths: Vec<Highlight>,
    pub weaknesses: Vec<Highlight>,
    pub previous: Option<Previous>,
    pub cancelled: bool,
    pub missing: u32,
    pub version_label: String,
    pub draft: bool,
    pub input_hash: String,
    pub illustrative: bool,
    pub sureness: Sureness,
    /// Where the unit gains the most: its biggest losses, each with what recovering it would make of
    /// the index and the place.
    pub plan: Vec<PlanRow>,
    /// The ticked items together: "Cả 2 mục: +2,25 điểm → chỉ số 100,00 → hạng 1 (hiện 3)".
    pub plan_combined: Option<String>,
    /// The version shown, for the plan's form to stay on it.
    pub version: i64,
}

/// One line of the what-if plan.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub code: String,
    pub name: String,
    pub method: String,
    /// "+1,25 điểm → chỉ số 84,10 → hạng 9 (hiện 12)".
    pub effect: String,
    /// Survey items: the group that rated it lowest, and how low.
    pub note: String,
    /// Ticked on the plan's form.
    pub picked: bool,
}

/// How many items the plan lists.
const PLAN_ITEMS: usize = 5;

/// "+1,25 điểm → chỉ số 84,10 → hạng 9 (hiện 12)", or without the place for a unit not ranked.
fn effect_text(
    lang: Lang,
    lost: Decimal,
    index: Decimal,
    place: Option<u32>,
    now: Option<u32>,
) -> String {
    match (place, now) {
        (Some(to), Some(now)) => lang.t_args(
            "card-plan-effect",
            &[
                ("points", num(lang, lost)),
                ("index", num(lang, index)),
                ("place", to.to_string()),
                ("now", now.to_string()),
            ],
        ),
        _ => lang.t_args(
            "card-plan-effect-unranked",
            &[("points", num(lang, lost)), ("index", num(lang, index))],
        ),
    }
}

/// The ticked items' combined effect, in words.
fn combined(level: &LevelResult, u: &UnitResult, picks: &[String], lang: Lang) -> Option<String> {
    let c = parindex_domain::scoring::what_if::combined(level, &u.code, picks)?;
    let effect = effect_text(lang, c.lost, c.index, c.place, u.place);
    Some(lang.t_args(
        "card-plan-combined",
        &[("items", c.items.to_string()), ("effect", effect)],
    ))
}

/// A group as the plan names it: the small groups together have a name of their own.
fn plan_group(lang: Lang, groups: &[parindex_domain::respondents::Group], code: &str) -> String {
    if code == parindex_domain::scoring::what_if::OTHER_GROUPS {
        lang.t("card-plan-other-groups")
    } else {
        crate::ui::group_name::group_name(lang, groups, code)
    }
}

/// The what-if plan: the unit's biggest losses against the result as it stands.
async fn plan(
    state: &AppState,
    shown: &Shown,
    level: &LevelResult,
    u: &UnitResult,
    name_of: &(dyn Fn(&str) -> String + Sync),
    lang: Lang,
) -> Vec<PlanRow> {
    use parindex_domain::scoring::what_if;
    let min_group =
        u32::try_from(shown.campaign.min_group_size).unwrap_or(what_if::DEFAULT_MIN_GROUP_SIZE);
    let gains = what_if::plan(level, None, &u.code, PLAN_ITEMS, min_group);
    // Only a survey item needs the version's inputs (its groups' means) and the groups' names; the
    // plan stands without them.
    let survey = gains
        .iter()
        .any(|g| g.method == parindex_domain::criteria::Method::Survey);
    let inputs = if survey {
        results::inputs(&state.db, shown.campaign.id, shown.info.version)
            .await
            .ok()
            .flatten()
    } else {
        None
    };
    let input = inputs.as_ref().and_then(|i| {
        i.levels
            .iter()
            .find(|l| l.level == level.level)
            .and_then(|l| l.units.iter().find(|x| x.code == u.code))
    });
    let groups = match input {
        Some(_) => parindex_db::respondents::groups(&state.db, shown.campaign.id)
            .await
            .map(|g| g.for_level(level.level.as_str()).to_vec())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let gains = match input {
        Some(_) => what_if::plan(level, input, &u.code, PLAN_ITEMS, min_group),
        None => gains,
    };
    gains
        .into_iter()
        .map(|g| {
            let effect = effect_text(lang, g.lost, g.index, g.place, u.place);
            let note = g
                .lowest_group
                .map(|(group, mean)| {
                    lang.t_args(
                        "card-plan-lowest-group",
                        &[
                            ("group", plan_group(lang, &groups, &group)),
                            ("percent", num(lang, mean)),
                        ],
                    )
                })
                .unwrap_or_default();
            PlanRow {
                picked: false,
                name: name_of(&g.code),
                method: lang.t(&format!("method-{}", g.method.as_str())),
                code: g.code,
                effect,
                note,
            }
        })
        .collect()
}

/// How sure the unit's figures are: its 95% intervals, or why there are none.
#[derive(Debug, Clone, Default)]
pub struct Sureness {
    /// "(82,35 – 85,60)" beside the index.
    pub index: Option<String>,
    /// "(hạng 9 – 15)" beside the place.
    pub place: Option<String>,
    /// The paragraph that says what the intervals mean, or that there are none.
    pub explanation: String,
    /// "Không khác biệt có ý nghĩa thống kê với: …", when some unit's place range overlaps.
    pub ties: Option<String>,
}

/// The unit's intervals in words, with the units of its level it is not told apart from.
fn sureness(shown: &Shown, level: &LevelResult, code: &str, lang: Lang) -> Sureness {
    let Some(i) = shown.interval(code) else {
        return Sureness::default();
    };
    let Some(index) = i.index else {
        // A cancelled survey leaves nothing drawn from respondents, so nothing to be unsure of.
        let cancelled = level.unit(code).is_some_and(|u| u.survey_cancelled);
        let why = if cancelled {
            "card-no-interval-cancelled"
        } else {
            "card-no-interval"
        };
        return Sureness {
            explanation: lang.t(why),
            ..Sureness::default()
        };
    };
    let (low, high) = (num(lang, index.low), num(lang, index.high));
    // Places are within a level: the ties are among the level's units.
    let of_level: Vec<UnitInterval> = level
        .units
        .iter()
        .filter_map(|u| shown.interval(&u.code).cloned())
        .collect();
    let ties = uncertainty::ties(&of_level)
        .into_iter()
        .find(|(c, with)| c == code && !with.is_empty())
        .map(|(_, with)| {
            let names: Vec<String> = with.iter().map(|c| shown.name(c)).collect();
            lang.t_args("card-ties", &[("units", names.join(", "))])
        });
    let explanation = match i.place {
        Some(p) => lang.t_args(
            "card-interval-help",
            &[
                ("low", low.clone()),
                ("high", high.clone()),
                ("best", p.best.to_string()),
                ("worst", p.worst.to_string()),
            ],
        ),
        None => lang.t_args(
            "card-interval-help-unranked",
            &[("low", low.clone()), ("high", high.clone())],
        ),
    };
    Sureness {
        index: Some(lang.t_args("card-interval-index", &[("low", low), ("high", high)])),
        place: i.place.map(|p| {
            lang.t_args(
                "card-interval-place",
                &[("best", p.best.to_string()), ("worst", p.worst.to_string())],
            )
        }),
        explanation,
        ties,
    }
}

fn names(nodes: &[Node], lang: Lang, out: &mut HashMap<String, String>) {
    for n in nodes {
        out.insert(n.code.clone(), lang.pick(&n.name_vi, &n.name_en));
        names(&n.children, lang, out);
    }
}

fn note(lang: Lang, n: &NodeResult) -> String {
    match n.status {
        Some(LeafStatus::Missing) => lang.t("res-leaf-missing"),
        Some(LeafStatus::Cancelled) => lang.t("res-leaf-cancelled"),
        Some(LeafStatus::Excluded) => lang.t("res-leaf-excluded"),
        _ => n
            .method
            .map(|m| lang.t(&format!("method-{}", m.as_str())))
            .unwrap_or_default(),
    }
}

fn bar(index: Decimal) -> i64 {
    whole(index).clamp(0, 100)
}

/// Every field and criterion, in tree order (sub-criteria are the detail pages' business).
fn rows(u: &UnitResult, name_of: &dyn Fn(&str) -> String, lang: Lang) -> Vec<CardRow> {
    u.nodes
        .iter()
        .filter(|n| n.depth != Depth::SubCriterion)
        .map(|n| CardRow {
            code: n.code.clone(),
            name: name_of(&n.code),
            depth: match n.depth {
                Depth::Field => "field",
                Depth::Criterion => "criterion",
                Depth::SubCriterion => "sub",
            },
            points: num(lang, n.points),
            max: num(lang, n.max),
            index: num(lang, n.index),
            bar: bar(n.index),
            note: if n.is_leaf() {
                note(lang, n)
            } else {
                String::new()
            },
        })
        .collect()
}

/// The three strongest and the three weakest criteria by their index; ties go by code.
fn highlights(
    u: &UnitResult,
    name_of: &dyn Fn(&str) -> String,
    lang: Lang,
) -> (Vec<Highlight>, Vec<Highlight>) {
    let mut criteria: Vec<&NodeResult> = u
        .nodes
        .iter()
        .filter(|n| n.depth == Depth::Criterion && !n.max.is_zero())
        .collect();
    criteria.sort_by(|a, b| b.index.cmp(&a.index).then_with(|| a.code.cmp(&b.code)));
    let highlight = |n: &&NodeResult| Highlight {
        code: n.code.clone(),
        name: name_of(&n.code),
        index: num(lang, n.index),
    };
    let strengths = criteria.iter().take(3).map(highlight).collect();
    let weaknesses = criteria.iter().rev().take(3).map(highlight).collect();
    (strengths, weaknesses)
}

/// Points by assessment method (self-assessed, survey, imported figures).
fn methods(u: &UnitResult, lang: Lang) -> Vec<MethodRow> {
    u.methods
        .iter()
        .map(|m| MethodRow {
            label: lang.t(&format!("method-{}", m.method.as_str())),
            points: num(lang, m.points),
            max: num(lang, m.max),
            index: num(lang, parindex_domain::scoring::index(m.points, m.max)),
        })
        .collect()
}

/// The report card of `code` in `shown`, with the previous campaign's published result if any.
pub async fn card(
    state: &AppState,
    shown: &Shown,
    code: &str,
    lang: Lang,
    picks: &[String],
) -> Option<Card> {
    let (level, u): (_, &UnitResult) = shown
        .result
        .levels
        .iter()
        .find_map(|l| l.unit(code).map(|u| (l, u)))?;
    let set = shown.sets.get(&level.level);
    let mut node_names = HashMap::new();
    if let Some(s) = set {
        names(&s.fields, lang, &mut node_names);
    }
    let name_of = |c: &str| node_names.get(c).cloned().unwrap_or_default();
    let (strengths, weaknesses) = highlights(u, &name_of, lang);
    let official = shown.names.get(code);
    Some(Card {
        code: code.to_string(),
        name: shown.name(code),
        official_name: official.map(|n| n.name.clone()).unwrap_or_default(),
        level: level.level.as_str(),
        index: num(lang, u.index),
        total: num(lang, u.total),
        max: num(lang, u.max),
        tier: tier_letter(u.tier),
        place: u
            .place
            .map(|p| p.to_string())
            .unwrap_or_else(|| lang.t("res-not-ranked")),
        ranked_count: level.units.iter().filter(|x| x.place.is_some()).count(),
        rows: rows(u, &name_of, lang),
        methods: methods(u, lang),
        strengths,
        weaknesses,
        previous: shown.previous(level.level, u, lang),
        cancelled: u.survey_cancelled,
        missing: u.missing,
        version_label: shown.version_label(lang),
        draft: shown.is_draft(),
        input_hash: shown.result.input_hash.clone(),
        illustrative: set.is_some_and(|s| s.illustrative),
        sureness: sureness(shown, level, code, lang),
        plan: plan(state, shown, level, u, &name_of, lang)
            .await
            .into_iter()
            .map(|r| PlanRow {
                picked: picks.contains(&r.code),
                ..r
            })
            .collect(),
        plan_combined: combined(level, u, picks, lang),
        version: shown.info.version,
    })
}
