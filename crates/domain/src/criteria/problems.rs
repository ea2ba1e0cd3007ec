//! What can be wrong with a criteria set, said precisely, in Vietnamese and in English.

use crate::Points;

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
    pub fn vi(&self) -> String {
        match self {
            Problem::Syntax(e) => format!("Tệp không đúng định dạng: {e}"),
            Problem::UnknownLevel(l) => {
                format!("Cấp \"{l}\" không hợp lệ; dùng \"ministry\" hoặc \"province\".")
            }
            Problem::DuplicateCode(c) => format!("Mã {c} xuất hiện nhiều lần."),
            Problem::CodeOutsideParent { code, parent } => {
                format!("Mã {code} phải bắt đầu bằng mã của mục cha {parent} và dấu chấm.")
            }
            Problem::EmptyCode => "Có mục không có mã.".into(),
            Problem::EmptyName(c) => format!("Mục {c} chưa có tên tiếng Việt."),
            Problem::BadPoints { code, value } => {
                format!(
                    "Mục {code}: điểm tối đa \"{value}\" phải là số không âm, tối đa 2 chữ số thập phân."
                )
            }
            Problem::ChildrenDoNotAddUp {
                code,
                children,
                max,
            } => {
                format!(
                    "Mục {code}: tổng điểm các mục con là {children} nhưng điểm tối đa là {max}."
                )
            }
            Problem::FieldsDoNotAddUpToTotal { fields, total } => {
                format!("Tổng điểm các lĩnh vực là {fields} nhưng tổng điểm khai báo là {total}.")
            }
            Problem::LeafWithoutMethod(c) => format!(
                "Mục {c} không có mục con nên phải có phương pháp đánh giá (self, survey hoặc imported)."
            ),
            Problem::MethodOnBranch(c) => {
                format!("Mục {c} có mục con nên không được khai báo phương pháp đánh giá.")
            }
            Problem::UnknownMethod { code, value } => {
                format!(
                    "Mục {code}: phương pháp \"{value}\" không hợp lệ; dùng self, survey hoặc imported."
                )
            }
            Problem::FieldWithoutCriteria(c) => format!("Lĩnh vực {c} chưa có tiêu chí nào."),
            Problem::TooDeep(c) => format!("Tiêu chí thành phần {c} không được có mục con."),
            Problem::NoFields => "Bộ tiêu chí chưa có lĩnh vực nào.".into(),
            Problem::NoParent { code, parent } => {
                format!("Mục {code} không có mục cha {parent} ở dòng trước.")
            }
            Problem::MissingColumn(c) => format!("Thiếu cột \"{c}\"."),
        }
    }

    pub fn en(&self) -> String {
        match self {
            Problem::Syntax(e) => format!("The file does not have the documented format: {e}"),
            Problem::UnknownLevel(l) => {
                format!("Level \"{l}\" is not valid; use \"ministry\" or \"province\".")
            }
            Problem::DuplicateCode(c) => format!("Code {c} appears more than once."),
            Problem::CodeOutsideParent { code, parent } => {
                format!("Code {code} must start with its parent's code {parent} and a dot.")
            }
            Problem::EmptyCode => "An entry has no code.".into(),
            Problem::EmptyName(c) => format!("{c} has no Vietnamese name."),
            Problem::BadPoints { code, value } => {
                format!(
                    "{code}: max points \"{value}\" must be a non-negative number with at most 2 decimals."
                )
            }
            Problem::ChildrenDoNotAddUp {
                code,
                children,
                max,
            } => {
                format!("{code}: its children add up to {children} but its max is {max}.")
            }
            Problem::FieldsDoNotAddUpToTotal { fields, total } => {
                format!("The fields add up to {fields} but the declared total is {total}.")
            }
            Problem::LeafWithoutMethod(c) => {
                format!("{c} has no children, so it needs a method (self, survey or imported).")
            }
            Problem::MethodOnBranch(c) => {
                format!("{c} has children, so it must not declare a method.")
            }
            Problem::UnknownMethod { code, value } => {
                format!("{code}: method \"{value}\" is not valid; use self, survey or imported.")
            }
            Problem::FieldWithoutCriteria(c) => format!("Field {c} has no criteria."),
            Problem::TooDeep(c) => format!("Sub-criterion {c} must not have children."),
            Problem::NoFields => "The set has no fields.".into(),
            Problem::NoParent { code, parent } => {
                format!("{code} has no parent {parent} on an earlier row.")
            }
            Problem::MissingColumn(c) => format!("The column \"{c}\" is missing."),
        }
    }
}
