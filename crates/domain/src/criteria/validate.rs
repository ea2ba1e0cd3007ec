//! The structural rules of a criteria set: unique codes nested under their parents, names, methods on
//! leaves only, and max points that add up exactly at every level.

use super::problems::Problem;
use super::{CriteriaSet, Depth, Node};
use crate::Points;
use std::collections::HashSet;

pub fn check(set: &CriteriaSet) -> Vec<Problem> {
    let mut problems = Vec::new();
    if set.fields.is_empty() {
        problems.push(Problem::NoFields);
    }
    let mut seen = HashSet::new();
    for (depth, n) in set.walk() {
        if n.code.is_empty() {
            problems.push(Problem::EmptyCode);
        } else if !seen.insert(n.code.clone()) {
            problems.push(Problem::DuplicateCode(n.code.clone()));
        }
        if n.name_vi.is_empty() {
            problems.push(Problem::EmptyName(n.code.clone()));
        }
        for c in &n.children {
            if !c.code.starts_with(&format!("{}.", n.code)) {
                problems.push(Problem::CodeOutsideParent {
                    code: c.code.clone(),
                    parent: n.code.clone(),
                });
            }
        }
        match (depth, n.is_leaf(), n.method) {
            (Depth::Field, true, _) => problems.push(Problem::FieldWithoutCriteria(n.code.clone())),
            (Depth::Field, false, Some(_)) => {
                problems.push(Problem::MethodOnBranch(n.code.clone()))
            }
            (_, true, None) => problems.push(Problem::LeafWithoutMethod(n.code.clone())),
            (_, false, Some(_)) => problems.push(Problem::MethodOnBranch(n.code.clone())),
            _ => {}
        }
        check_sum(n, &mut problems);
    }
    let fields: Points = set.fields.iter().map(|f| f.max).sum();
    if !set.fields.is_empty() && fields != set.total {
        problems.push(Problem::FieldsDoNotAddUpToTotal {
            fields,
            total: set.total,
        });
    }
    problems
}

fn check_sum(n: &Node, problems: &mut Vec<Problem>) {
    if n.is_leaf() {
        return;
    }
    let children: Points = n.children.iter().map(|c| c.max).sum();
    if children != n.max {
        problems.push(Problem::ChildrenDoNotAddUp {
            code: n.code.clone(),
            children,
            max: n.max,
        });
    }
}
