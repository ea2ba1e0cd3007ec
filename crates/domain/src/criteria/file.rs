//! The criteria-set file format (TOML). Documented in `docs/criteria-sets.md`; in short:
//!
//! ```toml
//! [set]
//! code = "876-2023-ministry"      # stable identifier
//! level = "ministry"              # or "province"
//! name_vi = "…"
//! name_en = "…"
//! legal_basis = "876/QĐ-BNV"
//! illustrative = false
//! total = "100.00"
//!
//! [[field]]
//! code = "1"
//! name_vi = "…"
//! max = "8.50"                    # points as text with up to 2 decimals ("8,50" also accepted)
//!
//!   [[field.criterion]]
//!   code = "1.1"
//!   name_vi = "…"
//!   max = "1.00"
//!   method = "self"               # a criterion without sub-criteria is a leaf and needs a method
//!   guidance_vi = "…"             # how to score it
//!
//!   [[field.criterion]]
//!   code = "1.2"
//!   name_vi = "…"
//!   max = "2.00"
//!
//!     [[field.criterion.sub]]
//!     code = "1.2.1"
//!     name_vi = "…"
//!     max = "2.00"
//!     method = "survey"           # self | survey | imported
//! ```

use super::Method;
use super::problems::Problem;
use super::{CriteriaSet, Node, validate};
use crate::{Level, Points};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    set: RawHeader,
    #[serde(default)]
    field: Vec<RawNode>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    code: String,
    level: String,
    name_vi: String,
    #[serde(default)]
    name_en: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    illustrative: bool,
    total: RawPoints,
}

/// Points written as text ("8.50"), or as a TOML number (8.5), which is read back exactly.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPoints {
    Text(String),
    Int(i64),
    Float(f64),
}

impl RawPoints {
    fn text(&self) -> String {
        match self {
            RawPoints::Text(s) => s.clone(),
            RawPoints::Int(i) => i.to_string(),
            // Rust prints the shortest text that reads back as the same double: 8.5 → "8.5".
            RawPoints::Float(f) => f.to_string(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name_vi: String,
    #[serde(default)]
    name_en: String,
    max: RawPoints,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    guidance_vi: String,
    #[serde(default)]
    guidance_en: String,
    #[serde(default)]
    criterion: Vec<RawNode>,
    #[serde(default)]
    sub: Vec<RawNode>,
}

fn node(raw: RawNode, depth: usize, problems: &mut Vec<Problem>) -> Node {
    let code = crate::text::clean(&raw.code);
    let max = match Points::parse(&raw.max.text()) {
        Ok(p) => p,
        Err(_) => {
            problems.push(Problem::BadPoints {
                code: code.clone(),
                value: raw.max.text(),
            });
            Points::ZERO
        }
    };
    let method = raw.method.as_deref().and_then(|m| {
        let parsed = Method::parse(m);
        if parsed.is_none() {
            problems.push(Problem::UnknownMethod {
                code: code.clone(),
                value: m.to_string(),
            });
        }
        parsed
    });
    // Fields hold criteria; criteria hold sub-criteria; sub-criteria hold nothing.
    let (wanted, unwanted) = match depth {
        0 => (raw.criterion, raw.sub),
        1 => (raw.sub, raw.criterion),
        _ => {
            let mut rest = raw.sub;
            rest.extend(raw.criterion);
            (Vec::new(), rest)
        }
    };
    if !unwanted.is_empty() {
        problems.push(Problem::TooDeep(code.clone()));
    }
    Node {
        code,
        name_vi: crate::text::clean(&raw.name_vi),
        name_en: crate::text::clean(&raw.name_en),
        max,
        method,
        guidance_vi: raw.guidance_vi.trim().to_string(),
        guidance_en: raw.guidance_en.trim().to_string(),
        children: wanted
            .into_iter()
            .map(|c| node(c, depth + 1, problems))
            .collect(),
    }
}

/// Reads and checks a set. Every problem is reported, not only the first.
pub fn parse(text: &str) -> Result<CriteriaSet, Vec<Problem>> {
    let raw: RawFile = toml::from_str(text)
        .map_err(|e| vec![Problem::Syntax(e.to_string().trim().to_string())])?;
    let mut problems = Vec::new();
    let level = Level::parse(&raw.set.level);
    if level.is_none() {
        problems.push(Problem::UnknownLevel(raw.set.level.clone()));
    }
    let total = Points::parse(&raw.set.total.text()).unwrap_or_else(|_| {
        problems.push(Problem::BadPoints {
            code: "total".into(),
            value: raw.set.total.text(),
        });
        Points::ZERO
    });
    let fields = raw
        .field
        .into_iter()
        .map(|f| node(f, 0, &mut problems))
        .collect();
    let set = CriteriaSet {
        code: crate::text::clean(&raw.set.code),
        level: level.unwrap_or(Level::Ministry),
        name_vi: crate::text::clean(&raw.set.name_vi),
        name_en: crate::text::clean(&raw.set.name_en),
        legal_basis: crate::text::clean(&raw.set.legal_basis),
        illustrative: raw.set.illustrative,
        total,
        fields,
    };
    problems.extend(validate::check(&set));
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(problems)
    }
}
