//! What can be wrong with a respondent row, in Vietnamese and English, with the row and column.

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

    /// The header in the Vietnamese template.
    pub fn header_vi(self) -> &'static str {
        match self {
            Column::FullName => "Họ và tên",
            Column::Position => "Chức vụ",
            Column::Organisation => "Cơ quan/đơn vị",
            Column::Group => "Nhóm đối tượng",
            Column::Email => "Email công vụ",
            Column::Phone => "Số điện thoại",
            Column::StandIn => "Người thay thế",
        }
    }

    pub fn header_en(self) -> &'static str {
        match self {
            Column::FullName => "Full name",
            Column::Position => "Position",
            Column::Organisation => "Organisation",
            Column::Group => "Respondent group",
            Column::Email => "Official e-mail",
            Column::Phone => "Phone",
            Column::StandIn => "Stand-in",
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
    /// More than the rule allows for one organisation.
    OverQuota {
        organisation: String,
        exactly: u32,
        got: usize,
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
            ProblemKind::OutsideDomains { .. } | ProblemKind::UnderQuota { .. }
        )
    }

    pub fn vi(&self) -> String {
        match &self.kind {
            ProblemKind::Missing => "Ô bắt buộc còn trống.".into(),
            ProblemKind::TooLong => "Nội dung quá dài.".into(),
            ProblemKind::InvalidEmail => "Email không hợp lệ.".into(),
            ProblemKind::InvalidPhone => "Số điện thoại không hợp lệ.".into(),
            ProblemKind::UnknownGroup => {
                "Nhóm đối tượng không có trong danh mục của cấp này.".into()
            }
            ProblemKind::StandInNotAllowed => "Nhóm này không được cử người thay thế.".into(),
            ProblemKind::Duplicate { first_line } => {
                format!("Trùng người ở dòng {first_line} trong cùng nhóm.")
            }
            ProblemKind::SeveralGroups { other_line } => format!(
                "Cùng một người ở dòng {other_line} thuộc nhóm khác; mỗi người chỉ có trong một nhóm."
            ),
            ProblemKind::AlreadyListed { group } => {
                format!("Người này đã có trong danh sách (nhóm {group}).")
            }
            ProblemKind::OverQuota {
                organisation,
                exactly,
                got,
            } => format!(
                "{organisation}: nhóm này cần đúng {exactly} người mỗi đơn vị, tệp có {got}."
            ),
            ProblemKind::UnderQuota {
                organisation,
                exactly,
                got,
            } => format!("{organisation}: mới có {got}/{exactly} người của nhóm này."),
            ProblemKind::TooManyOrganisations { max } => {
                format!("Nhóm này chỉ lấy ý kiến tối đa {max} hội, hiệp hội.")
            }
            ProblemKind::OutsideDomains { domains } => {
                format!("Email không thuộc tên miền công vụ của đơn vị ({domains}).")
            }
        }
    }

    pub fn en(&self) -> String {
        match &self.kind {
            ProblemKind::Missing => "A required cell is empty.".into(),
            ProblemKind::TooLong => "The text is too long.".into(),
            ProblemKind::InvalidEmail => "Not a valid e-mail address.".into(),
            ProblemKind::InvalidPhone => "Not a valid phone number.".into(),
            ProblemKind::UnknownGroup => "Not a respondent group of this level.".into(),
            ProblemKind::StandInNotAllowed => "This group takes no stand-ins.".into(),
            ProblemKind::Duplicate { first_line } => {
                format!("The same person as row {first_line}, in the same group.")
            }
            ProblemKind::SeveralGroups { other_line } => format!(
                "The same person as row {other_line}, in another group; each person is listed once."
            ),
            ProblemKind::AlreadyListed { group } => {
                format!("This person is already in the list (group {group}).")
            }
            ProblemKind::OverQuota {
                organisation,
                exactly,
                got,
            } => format!(
                "{organisation}: this group needs exactly {exactly} per organisation; the file has {got}."
            ),
            ProblemKind::UnderQuota {
                organisation,
                exactly,
                got,
            } => format!("{organisation}: {got} of {exactly} listed for this group so far."),
            ProblemKind::TooManyOrganisations { max } => {
                format!("This group takes at most {max} associations.")
            }
            ProblemKind::OutsideDomains { domains } => {
                format!("The e-mail is outside the unit's official domains ({domains}).")
            }
        }
    }
}
