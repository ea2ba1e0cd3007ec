//! The engine: a level's inputs in, every unit's result out. Pure and exact: leaves are scored by
//! their method, rounded (a setting) and kept within [0, max]; criteria, fields and the total are
//! exact sums; every node gets its component index, rounded once from the exact sum; then tiers and
//! places.

use super::exact::{Exact, from_decimal, from_int, to_decimal};
use super::input::{LevelInput, UnitInput};
use super::result::{LeafStatus, LevelResult, MethodTotal, NodeResult, UnitResult};
use super::settings::{CancelledSurvey, LeafRounding, ScoringSettings};
use super::survey_leaf::fraction;
use super::{index_exact, leaf_points, rank, tier};
use crate::criteria::{CriteriaSet, Depth, Method, Node};
use num_traits::Zero;
use rust_decimal::Decimal;

/// Computes every unit of the level. The output does not depend on the order of `input.units`.
pub fn compute(input: &LevelInput) -> LevelResult {
    let mut units: Vec<UnitResult> = input
        .units
        .iter()
        .map(|u| score_unit(&input.criteria_set, &input.settings, u))
        .collect();
    let places = rank(
        &units
            .iter()
            .map(|u| (u.index, u.not_ranked))
            .collect::<Vec<_>>(),
    );
    for (u, place) in units.iter_mut().zip(places) {
        u.place = place.and_then(|p| u32::try_from(p).ok());
    }
    units.sort_by(|a, b| {
        (
            a.place.is_none(),
            a.place,
            std::cmp::Reverse(a.index),
            &a.code,
        )
            .cmp(&(
                b.place.is_none(),
                b.place,
                std::cmp::Reverse(b.index),
                &b.code,
            ))
    });
    LevelResult {
        level: input.level,
        criteria_set: input.criteria_set.code.clone(),
        input_hash: input.hash(),
        units,
    }
}

struct Leaf {
    /// Exact: rounded to two decimals already under half-up leaf rounding, a ratio otherwise.
    points: Exact,
    max: Decimal,
    status: LeafStatus,
    fraction: Option<Exact>,
}

fn points_of(fraction: &Exact, max: Decimal, rounding: LeafRounding) -> Exact {
    match rounding {
        LeafRounding::HalfUp => from_decimal(leaf_points(fraction, max)),
        LeafRounding::Exact => {
            let p = fraction * from_decimal(max);
            p.clamp(Exact::zero(), from_decimal(max))
        }
    }
}

fn score_leaf(node: &Node, method: Method, s: &ScoringSettings, u: &UnitInput) -> Leaf {
    let max = node.max.decimal();
    let scored = |points, fraction| Leaf {
        points,
        max,
        status: LeafStatus::Scored,
        fraction,
    };
    let missing = || Leaf {
        points: Exact::zero(),
        max,
        status: LeafStatus::Missing,
        fraction: None,
    };
    match method {
        Method::SelfAssessed => match u.scores.get(&node.code) {
            Some(p) => scored(from_decimal(p.decimal().clamp(Decimal::ZERO, max)), None),
            None => missing(),
        },
        Method::Survey if u.survey_cancelled => match s.cancelled_survey {
            CancelledSurvey::Zero => Leaf {
                status: LeafStatus::Cancelled,
                ..missing()
            },
            CancelledSurvey::Exclude => Leaf {
                max: Decimal::ZERO,
                status: LeafStatus::Excluded,
                ..missing()
            },
        },
        Method::Survey => match u
            .survey
            .get(&node.code)
            .and_then(|t| fraction(t, &s.averaging))
        {
            Some(f) => scored(points_of(&f, max, s.leaf_rounding), Some(f)),
            None => missing(),
        },
        Method::Imported => match u.imported.get(&node.code) {
            Some(percent) => {
                let f = (from_decimal(*percent) / from_int(100)).clamp(Exact::zero(), from_int(1));
                scored(points_of(&f, max, s.leaf_rounding), Some(f))
            }
            None => missing(),
        },
    }
}

/// Points summed exactly, with their maximum.
#[derive(Default)]
struct Sum {
    points: Exact,
    max: Decimal,
}

impl Sum {
    fn add(&mut self, points: &Exact, max: Decimal) {
        self.points += points;
        self.max += max;
    }

    /// The points as stored and shown: exact under half-up leaf rounding (sums of hundredths).
    fn shown(&self) -> Decimal {
        to_decimal(&self.points)
    }
}

struct Walk<'a> {
    settings: &'a ScoringSettings,
    unit: &'a UnitInput,
    nodes: Vec<NodeResult>,
    methods: [Sum; 3],
    missing: u32,
}

impl Walk<'_> {
    /// Scores `node` and everything under it, pushing results in tree order; returns its sum.
    fn node(&mut self, node: &Node, depth: Depth) -> Sum {
        let at = self.nodes.len();
        self.nodes.push(NodeResult {
            code: node.code.clone(),
            depth,
            max: Decimal::ZERO,
            points: Decimal::ZERO,
            index: Decimal::ZERO,
            method: None,
            status: None,
            fraction: None,
        });
        let mut sum = Sum::default();
        match node
            .method
            .filter(|_| node.is_leaf() && depth != Depth::Field)
        {
            Some(method) => {
                let leaf = score_leaf(node, method, self.settings, self.unit);
                if leaf.status == LeafStatus::Missing {
                    self.missing += 1;
                }
                let slot = Method::ALL.iter().position(|m| *m == method).unwrap_or(0);
                self.methods[slot].add(&leaf.points, leaf.max);
                sum.add(&leaf.points, leaf.max);
                let n = &mut self.nodes[at];
                n.method = Some(method);
                n.status = Some(leaf.status);
                n.fraction = leaf.fraction.as_ref().map(to_decimal);
            }
            None => {
                let child_depth = match depth {
                    Depth::Field => Depth::Criterion,
                    _ => Depth::SubCriterion,
                };
                for child in &node.children {
                    let s = self.node(child, child_depth);
                    sum.add(&s.points, s.max);
                }
            }
        }
        let n = &mut self.nodes[at];
        n.points = sum.shown();
        n.max = sum.max;
        n.index = index_exact(&sum.points, sum.max);
        sum
    }
}

fn score_unit(set: &CriteriaSet, settings: &ScoringSettings, unit: &UnitInput) -> UnitResult {
    let mut walk = Walk {
        settings,
        unit,
        nodes: Vec::with_capacity(160),
        methods: Default::default(),
        missing: 0,
    };
    let mut total = Sum::default();
    for field in &set.fields {
        let s = walk.node(field, Depth::Field);
        total.add(&s.points, s.max);
    }
    let idx = index_exact(&total.points, total.max);
    UnitResult {
        code: unit.code.clone(),
        not_ranked: unit.not_ranked,
        survey_cancelled: unit.survey_cancelled,
        total: total.shown(),
        max: total.max,
        index: idx,
        tier: tier(idx, &settings.tiers),
        place: None,
        methods: Method::ALL
            .iter()
            .zip(walk.methods.iter())
            .filter(|(_, s)| !s.max.is_zero() || !s.points.is_zero())
            .map(|(m, s)| MethodTotal {
                method: *m,
                points: s.shown(),
                max: s.max,
            })
            .collect(),
        nodes: walk.nodes,
        missing: walk.missing,
    }
}
