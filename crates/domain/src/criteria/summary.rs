//! The counts `parindex framework check` prints: fields, criteria, sub-criteria, leaves, total points
//! and points per method.

use super::{CriteriaSet, Depth, Method};
use crate::Points;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub fields: usize,
    pub criteria: usize,
    pub sub_criteria: usize,
    pub leaves: usize,
    pub total: Points,
    /// (method, number of leaves, their points), in the order self, survey, imported.
    pub by_method: Vec<(Method, usize, Points)>,
}

pub fn summarize(set: &CriteriaSet) -> Summary {
    let walk = set.walk();
    let count = |d: Depth| walk.iter().filter(|(x, _)| *x == d).count();
    let leaves = set.leaves();
    let by_method = Method::ALL
        .into_iter()
        .map(|m| {
            let of: Vec<_> = leaves.iter().filter(|l| l.method == Some(m)).collect();
            (m, of.len(), of.iter().map(|l| l.max).sum())
        })
        .collect();
    Summary {
        fields: count(Depth::Field),
        criteria: count(Depth::Criterion),
        sub_criteria: count(Depth::SubCriterion),
        leaves: leaves.len(),
        total: set.total,
        by_method,
    }
}
