//! Criteria sets (bộ tiêu chí): a tree Field (lĩnh vực) → Criterion (tiêu chí) → Sub-criterion (tiêu chí
//! thành phần). A criterion without sub-criteria is scored itself. Every leaf has an assessment method;
//! the max points of children add up exactly to their parent's, and the fields to the set's total.
//! Sets are data ([`file`] reads the documented TOML format), never code.

pub mod file;
pub mod problems;
pub mod summary;
pub mod validate;

use crate::{Level, Points};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Self-assessed by the unit with evidence, then appraised by MoHA (tự đánh giá, thẩm định).
    #[serde(rename = "self")]
    SelfAssessed,
    /// From the questionnaire answers (điều tra xã hội học).
    Survey,
    /// A figure from outside, entered or imported by MoHA (e.g. the SIPAS satisfaction index).
    Imported,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::SelfAssessed, Method::Survey, Method::Imported];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::SelfAssessed => "self",
            Method::Survey => "survey",
            Method::Imported => "imported",
        }
    }

    pub fn parse(s: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == s.trim())
    }
}

/// Where a node sits in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Depth {
    Field,
    Criterion,
    SubCriterion,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Node {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub max: Points,
    /// Set on leaves only.
    pub method: Option<Method>,
    pub guidance_vi: String,
    pub guidance_en: String,
    pub children: Vec<Node>,
}

impl Node {
    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSet {
    /// A stable identifier, e.g. "876-2023-ministry-illustrative".
    pub code: String,
    pub level: Level,
    pub name_vi: String,
    pub name_en: String,
    pub legal_basis: String,
    /// Illustrative sets have the real structure but invented points and wording.
    pub illustrative: bool,
    pub total: Points,
    pub fields: Vec<Node>,
}

impl CriteriaSet {
    /// Every node with its depth, in tree order.
    pub fn walk(&self) -> Vec<(Depth, &Node)> {
        let mut out = Vec::new();
        for f in &self.fields {
            out.push((Depth::Field, f));
            for c in &f.children {
                out.push((Depth::Criterion, c));
                for s in &c.children {
                    out.push((Depth::SubCriterion, s));
                }
            }
        }
        out
    }

    /// The scored leaves (criteria without sub-criteria, and sub-criteria), in tree order.
    pub fn leaves(&self) -> Vec<&Node> {
        self.walk()
            .into_iter()
            .filter(|(d, n)| *d != Depth::Field && n.is_leaf())
            .map(|(_, n)| n)
            .collect()
    }

    /// The field and the criterion a node belongs to: (field, criterion), where the criterion is
    /// `None` for a field itself and the node itself for a criterion.
    pub fn path_to(&self, code: &str) -> Option<(&Node, Option<&Node>)> {
        for f in &self.fields {
            if f.code == code {
                return Some((f, None));
            }
            for c in &f.children {
                if c.code == code || c.children.iter().any(|s| s.code == code) {
                    return Some((f, Some(c)));
                }
            }
        }
        None
    }

    pub fn find(&self, code: &str) -> Option<&Node> {
        self.walk()
            .into_iter()
            .map(|(_, n)| n)
            .find(|n| n.code == code)
    }
}

#[cfg(test)]
mod tests;
