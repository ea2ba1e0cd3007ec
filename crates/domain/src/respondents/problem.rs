//! What can be wrong with a respondent row, with the row and column, as a message for the user
//! (worded in `crates/i18n/locales`).

use crate::message::Message;
use serde::{Deserialize, Serialize};

/// The template's columns (after STT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    FullName,
    Position,
    Organisation,
    Group,
    Email,
    Phone,
    StandIn,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::FullName,
        Column::Position,
        Column::Organisation,
        Column::Group,
        Column::Email,
        Column::Phone,
        Column::StandIn,
    ];

    /// The message key of the column's header, as the template and the errors file show it.
    pub fn header_key(self) -> &'static str {
        match self {
            Column::FullName => "rp-col-full-name",
            Column::Position => "rp-col-position",
            Column::Organisation => "rp-col-organisation",
            Column::Group => "rp-col-group",
            Column::Email => "rp-col-email",
            Column::Phone => "rp-col-phone",
            Column::StandIn => "rp-col-stand-in",
        }
    }

    /// The form field and JSON name: "full_name", "email", …
    pub fn field(self) -> &'static str {
        match self {
            Column::FullName => "full_name",
            Column::Position => "position",
            Column::Organisation => "organisation",
            Column::Group => "group",
            Column::Email => "email",
            Column::Phone => "phone",
            Column::StandIn => "stand_in",
        }
    }

    pub fn required(self) -> bool {
        !matches!(self, Column::Phone | Column::StandIn)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProblemKind {
    Missing,
    TooLong,
    InvalidEmail,
    InvalidPhone,
    UnknownGroup,
    StandInNotAllowed,
    /// The same person twice in one group of the file.
    Duplicate {
        first_line: usize,
    },
    /// The same person in two groups, neither of which has priority.
    SeveralGroups {
        other_line: usize,
    },
    /// The person is already in the unit's list.
    AlreadyListed {
        group: String,
    },
    /// More than the rule allows for one organisation: `got` in all, of which `listed` were on
    /// the list already (the rest come with this file or form).
    OverQuota {
        organisation: String,
        exactly: u32,
        got: usize,
        listed: usize,
    },
    /// Fewer than the rule asks for one organisation (a warning while the list is compiled).
    UnderQuota {
        organisation: String,
        exactly: u32,
        got: usize,
    },
    /// More organisations than the rule allows.
    TooManyOrganisations {
        max: u32,
    },
    /// The e-mail is outside the unit's official domains (a warning).
    /// The address is not an official one (`gov.vn`), where the group's members work for state
    /// bodies other than the unit.
    OutsideOfficialDomains,
    OutsideDomains {
        domains: String,
    },
}

/// One problem: its row in the file (1-based as the spreadsheet shows it), its column, and whether it
/// only warns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub line: usize,
    pub column: Option<Column>,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn warning(&self) -> bool {
        matches!(
            self.kind,
            ProblemKind::OutsideDomains { .. }
                | ProblemKind::OutsideOfficialDomains
                | ProblemKind::UnderQuota { .. }
        )
    }

    /// What is wrong, for the user.
    pub fn message(&self) -> Message {
        match &self.kind {
            ProblemKind::Missing => Message::new("rp-missing"),
            ProblemKind::TooLong => Message::new("rp-too-long"),
            ProblemKind::InvalidEmail => Message::new("rp-invalid-email"),
            ProblemKind::InvalidPhone => Message::new("rp-invalid-phone"),
            ProblemKind::UnknownGroup => Message::new("rp-unknown-group"),
            ProblemKind::StandInNotAllowed => Message::new("rp-stand-in-not-allowed"),
            ProblemKind::Duplicate { first_line } => {
                Message::new("rp-duplicate").with("first_line", first_line)
            }
            ProblemKind::SeveralGroups { other_line } => {
                Message::new("rp-several-groups").with("other_line", other_line)
            }
            ProblemKind::AlreadyListed { group } => {
                Message::new("rp-already-listed").with("group", group)
            }
            ProblemKind::OverQuota {
                organisation,
                exactly,
                got,
                listed: 0,
            } => Message::new("rp-over-quota")
                .with("organisation", organisation)
                .with("exactly", exactly)
                .with("got", got),
            ProblemKind::OverQuota {
                organisation,
                exactly,
                got,
                listed,
            } => Message::new("rp-over-quota-listed")
                .with("organisation", organisation)
                .with("exactly", exactly)
                .with("got", got)
                .with("listed", listed)
                .with("added", got - listed),
            ProblemKind::UnderQuota {
                organisation,
                exactly,
                got,
            } => Message::new("rp-under-quota")
                .with("organisation", organisation)
                .with("exactly", exactly)
                .with("got", got),
            ProblemKind::TooManyOrganisations { max } => {
                Message::new("rp-too-many-organisations").with("max", max)
            }
            ProblemKind::OutsideOfficialDomains => Message::new("rp-outside-official"),
            ProblemKind::OutsideDomains { domains } => {
                Message::new("rp-outside-domains").with("domains", domains)
            }
        }
    }
}
