//! From a computed level and its respondents to the bootstrap's units: each unit's points other
//! than the survey's, its maximum, its survey leaves' maxima and its groups' samples. A unit whose
//! survey was cancelled has no survey to resample.

use super::{GroupSample, UnitSample};
use crate::criteria::{CriteriaSet, Method};
use crate::scoring::result::LevelResult;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn float(d: Decimal) -> f64 {
    f64::try_from(d).unwrap_or(0.0)
}

/// The level's units as the bootstrap sees them, in the result's order. `leaves` is the order of
/// the samples' rows; `groups` holds each unit's samples by unit code.
pub fn unit_samples(
    level: &LevelResult,
    set: &CriteriaSet,
    leaves: &[String],
    mut groups: BTreeMap<String, Vec<GroupSample>>,
) -> Vec<UnitSample> {
    let leaf_max: Vec<f64> = leaves
        .iter()
        .map(|code| {
            set.leaves()
                .into_iter()
                .find(|l| l.code == *code && l.method == Some(Method::Survey))
                .map_or(0.0, |l| float(l.max.decimal()))
        })
        .collect();
    level
        .units
        .iter()
        .map(|u| {
            let survey = u
                .methods
                .iter()
                .find(|m| m.method == Method::Survey)
                .map_or(Decimal::ZERO, |m| m.points);
            let samples = groups.remove(&u.code).unwrap_or_default();
            UnitSample {
                code: u.code.clone(),
                ranked: u.place.is_some(),
                fixed_points: float(u.total - survey),
                max: float(u.max),
                leaf_max: leaf_max.clone(),
                groups: if u.survey_cancelled {
                    Vec::new()
                } else {
                    samples
                },
            }
        })
        .collect()
}
