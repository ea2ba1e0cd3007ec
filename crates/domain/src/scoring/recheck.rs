//! Rechecking a stored version: its stored inputs, recomputed by today's engine, against the result
//! it stored. Every figure a reader sees (each node's points and component index, each unit's total,
//! index, tier and place) is compared, and each one that differs is listed with the reason. A
//! published version is never rewritten; the list is what a new version would change, and why.

use super::campaign::CampaignResult;
use super::result::{NodeResult, UnitResult};
use crate::Level;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Which figure of a unit's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    /// A node's points, by criterion code.
    Points(String),
    /// A node's component index, by criterion code.
    Index(String),
    Total,
    UnitIndex,
    Tier,
    Place,
}

/// Why a figure differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// A leaf whose exact points end on half a cent, stored rounded down, now rounded up.
    HalfCent,
    /// A sum, an index, a tier or a place that follows from leaves that changed.
    FollowsFromLeaves,
    /// Anything else (a unit added or left out, a leaf that moved by more than a rounding step).
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureChange {
    pub level: Level,
    pub unit: String,
    pub figure: Figure,
    /// As stored and as recomputed, written as the reader sees them ("—" when absent).
    pub stored: String,
    pub recomputed: String,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Recheck {
    /// How many figures were compared.
    pub compared: usize,
    pub changes: Vec<FigureChange>,
}

/// Compares `stored` with `recomputed` figure by figure.
pub fn recheck(stored: &CampaignResult, recomputed: &CampaignResult) -> Recheck {
    let mut out = Recheck::default();
    for level in Level::ALL {
        let (old, new) = (stored.level(level), recomputed.level(level));
        let mut codes: Vec<&str> = Vec::new();
        for l in [old, new].into_iter().flatten() {
            for u in &l.units {
                if !codes.contains(&u.code.as_str()) {
                    codes.push(&u.code);
                }
            }
        }
        for code in codes {
            let before = old.and_then(|l| l.unit(code));
            let after = new.and_then(|l| l.unit(code));
            unit_figures(&mut out, level, code, before, after);
        }
    }
    out
}

fn unit_figures(
    out: &mut Recheck,
    level: Level,
    code: &str,
    before: Option<&UnitResult>,
    after: Option<&UnitResult>,
) {
    let push = |out: &mut Recheck, figure: Figure, s: Option<String>, r: Option<String>, why| {
        out.compared += 1;
        if s != r {
            out.changes.push(FigureChange {
                level,
                unit: code.to_string(),
                figure,
                stored: s.unwrap_or_else(|| "—".into()),
                recomputed: r.unwrap_or_else(|| "—".into()),
                why,
            });
        }
    };
    let mut leaves_changed = false;
    let mut node_codes: Vec<&str> = Vec::new();
    for u in [before, after].into_iter().flatten() {
        for n in &u.nodes {
            if !node_codes.contains(&n.code.as_str()) {
                node_codes.push(&n.code);
            }
        }
    }
    // Leaves first, so that the sums above them know whether they follow.
    node_codes.sort_by_key(|c| {
        let leaf = after
            .or(before)
            .and_then(|u| u.node(c))
            .is_some_and(NodeResult::is_leaf);
        !leaf
    });
    for c in node_codes {
        let b = before.and_then(|u| u.node(c));
        let a = after.and_then(|u| u.node(c));
        let is_leaf = a.or(b).is_some_and(NodeResult::is_leaf);
        let why = if !is_leaf {
            follows(leaves_changed)
        } else if half_cent(b, a) {
            Why::HalfCent
        } else {
            Why::Other
        };
        let points = |n: Option<&NodeResult>| n.map(|n| n.points.normalize().to_string());
        if is_leaf && points(b) != points(a) {
            leaves_changed = true;
        }
        push(
            out,
            Figure::Points(c.to_string()),
            points(b),
            points(a),
            why,
        );
        let index = |n: Option<&NodeResult>| n.map(|n| n.index.to_string());
        let index_why = if is_leaf {
            why
        } else {
            follows(leaves_changed)
        };
        push(
            out,
            Figure::Index(c.to_string()),
            index(b),
            index(a),
            index_why,
        );
    }
    let why = follows(leaves_changed);
    let total = |u: Option<&UnitResult>| u.map(|u| u.total.normalize().to_string());
    push(out, Figure::Total, total(before), total(after), why);
    let index = |u: Option<&UnitResult>| u.map(|u| u.index.to_string());
    push(out, Figure::UnitIndex, index(before), index(after), why);
    let tier = |u: Option<&UnitResult>| u.map(|u| format!("{:?}", u.tier));
    push(out, Figure::Tier, tier(before), tier(after), why);
    let place = |u: Option<&UnitResult>| u.map(|u| u.place.map_or("—".into(), |p| p.to_string()));
    // A place can move because another unit's index changed.
    push(
        out,
        Figure::Place,
        place(before),
        place(after),
        Why::FollowsFromLeaves,
    );
}

fn follows(leaves_changed: bool) -> Why {
    if leaves_changed {
        Why::FollowsFromLeaves
    } else {
        Why::Other
    }
}

/// The leaf went up by one cent, and its exact points (the recomputed fraction × max) end on half a
/// cent: the stored figure had been rounded down.
fn half_cent(before: Option<&NodeResult>, after: Option<&NodeResult>) -> bool {
    let (Some(b), Some(a)) = (before, after) else {
        return false;
    };
    let Some(f) = a.fraction else {
        return false;
    };
    let hundredths = f * a.max * Decimal::ONE_HUNDRED;
    let off_half = (hundredths - hundredths.floor() - Decimal::new(5, 1)).abs();
    a.points - b.points == Decimal::new(1, 2) && off_half < Decimal::new(1, 9)
}
