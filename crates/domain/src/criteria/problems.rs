//! What can be wrong with a criteria set, said precisely as a message (worded in
//! `crates/i18n/locales`).

use crate::Points;
use crate::message::Message;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The file is not valid TOML or does not have the documented shape.
    Syntax(String),
    UnknownLevel(String),
    DuplicateCode(String),
    /// A child's code must start with its parent's code and a dot ("1.2" under "1").
    CodeOutsideParent {
        code: String,
        parent: String,
    },
    EmptyCode,
    EmptyName(String),
    BadPoints {
        code: String,
        value: String,
    },
    ChildrenDoNotAddUp {
        code: String,
        children: Points,
        max: Points,
    },
    FieldsDoNotAddUpToTotal {
        fields: Points,
        total: Points,
    },
    LeafWithoutMethod(String),
    MethodOnBranch(String),
    UnknownMethod {
        code: String,
        value: String,
    },
    FieldWithoutCriteria(String),
    /// Sub-criteria cannot have children of their own.
    TooDeep(String),
    NoFields,
    /// A row's code has no parent row ("1.2.3" without "1.2").
    NoParent {
        code: String,
        parent: String,
    },
    /// A required column is missing from the spreadsheet.
    MissingColumn(String),
}

impl Problem {
    /// What is wrong, for the user.
    pub fn message(&self) -> Message {
        match self {
            Problem::Syntax(e) => Message::new("csp-syntax").with("error", e),
            Problem::UnknownLevel(l) => Message::new("csp-unknown-level").with("level", l),
            Problem::DuplicateCode(c) => Message::new("csp-duplicate-code").with("code", c),
            Problem::CodeOutsideParent { code, parent } => Message::new("csp-code-outside-parent")
                .with("code", code)
                .with("parent", parent),
            Problem::EmptyCode => Message::new("csp-empty-code"),
            Problem::EmptyName(c) => Message::new("csp-empty-name").with("code", c),
            Problem::BadPoints { code, value } => Message::new("csp-bad-points")
                .with("code", code)
                .with("value", value),
            Problem::ChildrenDoNotAddUp {
                code,
                children,
                max,
            } => Message::new("csp-children-do-not-add-up")
                .with("code", code)
                .with("children", children)
                .with("max", max),
            Problem::FieldsDoNotAddUpToTotal { fields, total } => {
                Message::new("csp-fields-do-not-add-up")
                    .with("fields", fields)
                    .with("total", total)
            }
            Problem::LeafWithoutMethod(c) => {
                Message::new("csp-leaf-without-method").with("code", c)
            }
            Problem::MethodOnBranch(c) => Message::new("csp-method-on-branch").with("code", c),
            Problem::UnknownMethod { code, value } => Message::new("csp-unknown-method")
                .with("code", code)
                .with("value", value),
            Problem::FieldWithoutCriteria(c) => {
                Message::new("csp-field-without-criteria").with("code", c)
            }
            Problem::TooDeep(c) => Message::new("csp-too-deep").with("code", c),
            Problem::NoFields => Message::new("csp-no-fields"),
            Problem::NoParent { code, parent } => Message::new("csp-no-parent")
                .with("code", code)
                .with("parent", parent),
            Problem::MissingColumn(c) => Message::new("csp-missing-column").with("column", c),
        }
    }
}
