//! The account list MoHA imports to issue logins in bulk. Columns (Vietnamese or English headers, in
//! any order): Tên đăng nhập/username, Họ và tên/full_name, Email, Vai trò/role, Mã đơn vị/unit_code.
//! The import is all or nothing: every problem is reported, and one problem means nothing is created.

use crate::header::Columns;
use parindex_domain::text::search_key;
use parindex_domain::{Email, Role};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Username,
    FullName,
    Email,
    Role,
    UnitCode,
}

impl Column {
    pub const ALL: [Column; 5] = [
        Column::Username,
        Column::FullName,
        Column::Email,
        Column::Role,
        Column::UnitCode,
    ];

    /// The header the template uses (Vietnamese).
    pub fn header(self) -> &'static str {
        match self {
            Column::Username => "Tên đăng nhập",
            Column::FullName => "Họ và tên",
            Column::Email => "Email",
            Column::Role => "Vai trò",
            Column::UnitCode => "Mã đơn vị",
        }
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Username => &["ten dang nhap", "username", "tai khoan"],
            Column::FullName => &["ho va ten", "ho ten", "full_name", "full name", "name"],
            Column::Email => &["email", "email cong vu", "thu dien tu"],
            Column::Role => &["vai tro", "role", "quyen"],
            Column::UnitCode => &["ma don vi", "unit_code", "unit code", "don vi", "unit"],
        }
    }
}

/// Role names accepted in the file besides the codes (`unit_officer`): the Vietnamese and English labels.
fn parse_role(s: &str) -> Option<Role> {
    if let Some(r) = Role::parse(&s.to_lowercase()) {
        return Some(r);
    }
    match search_key(s).as_str() {
        "quan tri bo noi vu" | "quan tri" | "moha administrator" | "administrator" => {
            Some(Role::MohaAdmin)
        }
        "tham dinh vien bo noi vu"
        | "tham dinh vien"
        | "tham dinh"
        | "moha appraiser"
        | "appraiser" => Some(Role::MohaAppraiser),
        "can bo dau moi" | "can bo" | "unit officer" | "officer" => Some(Role::UnitOfficer),
        "lanh dao don vi" | "lanh dao" | "unit leader" | "leader" => Some(Role::UnitLeader),
        "nguoi xem" | "xem" | "unit viewer" | "viewer" => Some(Role::UnitViewer),
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// The row number in the file (1 = the header row).
    pub row: usize,
    pub username: String,
    pub full_name: String,
    pub email: Email,
    pub role: Role,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub row: usize,
    pub column: Option<Column>,
    /// Message key; `value` is what the cell held.
    pub key: &'static str,
    pub value: String,
}

pub fn valid_username(u: &str) -> bool {
    (3..=64).contains(&u.len())
        && u.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._@-".contains(c))
}

/// Checks every row. `units` maps upper-case unit codes to ids within the chosen campaign; `taken`
/// holds the usernames that already exist.
pub fn validate(
    rows: &[Vec<String>],
    units: &HashMap<String, i64>,
    taken: &HashSet<String>,
) -> Result<Vec<AccountRow>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some(header) = rows.first() else {
        return Err(vec![Problem {
            row: 1,
            column: None,
            key: "import-empty",
            value: String::new(),
        }]);
    };
    let columns = Columns::read(header, &Column::ALL, Column::aliases);
    for c in Column::ALL {
        if !columns.has(c) {
            problems.push(Problem {
                row: 1,
                column: Some(c),
                key: "import-missing-column",
                value: c.header().into(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let cell = |r: &Vec<String>, c: Column| columns.cell(r, c);
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate().skip(1) {
        let row = i + 1;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let before = problems.len();
        let mut problem = |column: Column, key: &'static str, value: String| {
            problems.push(Problem {
                row,
                column: Some(column),
                key,
                value,
            });
        };
        let username = cell(r, Column::Username).to_lowercase();
        if username.is_empty() {
            problem(Column::Username, "field-required", username.clone());
        } else if !valid_username(&username) {
            problem(Column::Username, "username-invalid", username.clone());
        } else if taken.contains(&username) {
            problem(Column::Username, "username-taken", username.clone());
        } else if let Some(first) = seen.get(&username) {
            problem(
                Column::Username,
                "import-duplicate-username",
                format!("{username} ({first})"),
            );
        }
        let full_name = cell(r, Column::FullName);
        if full_name.is_empty() {
            problem(Column::FullName, "field-required", full_name.clone());
        } else if full_name.chars().count() > 200 {
            problem(Column::FullName, "field-too-long", full_name.clone());
        }
        let email_raw = cell(r, Column::Email);
        let email = Email::parse(&email_raw);
        if email.is_err() {
            problem(Column::Email, "email-invalid", email_raw);
        }
        let role_raw = cell(r, Column::Role);
        let role = parse_role(&role_raw);
        if role.is_none() {
            problem(Column::Role, "role-invalid", role_raw);
        }
        let code = cell(r, Column::UnitCode).to_uppercase();
        let unit_id = match (role, code.is_empty()) {
            (Some(r), true) if r.needs_unit() => {
                problem(Column::UnitCode, "unit-required-for-role", code.clone());
                None
            }
            (Some(r), false) if !r.needs_unit() => {
                problem(Column::UnitCode, "unit-not-for-moha", code.clone());
                None
            }
            (_, false) => match units.get(&code) {
                Some(id) => Some(*id),
                None => {
                    problem(Column::UnitCode, "unit-unknown", code.clone());
                    None
                }
            },
            _ => None,
        };
        if !username.is_empty() {
            seen.entry(username.clone()).or_insert(row);
        }
        if let (true, Ok(email), Some(role)) = (problems.len() == before, email, role) {
            out.push(AccountRow {
                row,
                username,
                full_name,
                email,
                role,
                unit_id,
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if out.is_empty() {
        return Err(vec![Problem {
            row: 2,
            column: None,
            key: "import-no-rows",
            value: String::new(),
        }]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&[&str]]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| (*s).to_string()).collect())
            .collect()
    }

    fn units() -> HashMap<String, i64> {
        HashMap::from([("BTP".to_string(), 1), ("QNI".to_string(), 2)])
    }

    #[test]
    fn good_rows_with_vietnamese_headers_and_labels() {
        let r = rows(&[
            &[
                "Họ và tên",
                "Tên đăng nhập",
                "Email",
                "Vai trò",
                "Mã đơn vị",
            ],
            &[
                "Nguyễn Văn An",
                "btp.canbo",
                "An@MOJ.gov.vn",
                "Cán bộ đầu mối",
                "btp",
            ],
            &["", "", "", "", ""],
            &[
                "Trần Thị Bình",
                "moha.td",
                "binh@moha.gov.vn",
                "moha_appraiser",
                "",
            ],
        ]);
        let ok = validate(&r, &units(), &HashSet::new()).expect("valid");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].role, Role::UnitOfficer);
        assert_eq!(ok[0].unit_id, Some(1));
        assert_eq!(ok[0].email.as_str(), "an@moj.gov.vn");
        assert_eq!(ok[1].row, 4);
        assert_eq!(ok[1].unit_id, None);
    }

    #[test]
    fn every_problem_is_reported_with_row_and_column() {
        let r = rows(&[
            &["username", "full_name", "email", "role", "unit_code"],
            &["Bad Name!", "", "not-an-email", "king", "XXX"],
            &["taken.user", "A", "a@x.vn", "unit_viewer", ""],
            &["dup", "A", "a@x.vn", "moha_admin", "BTP"],
            &["dup", "B", "b@x.vn", "unit_leader", "QNI"],
        ]);
        let taken = HashSet::from(["taken.user".to_string()]);
        let errs = validate(&r, &units(), &taken).expect_err("invalid");
        let found: Vec<(usize, Option<Column>, &str)> =
            errs.iter().map(|p| (p.row, p.column, p.key)).collect();
        assert!(found.contains(&(2, Some(Column::Username), "username-invalid")));
        assert!(found.contains(&(2, Some(Column::FullName), "field-required")));
        assert!(found.contains(&(2, Some(Column::Email), "email-invalid")));
        assert!(found.contains(&(2, Some(Column::Role), "role-invalid")));
        assert!(found.contains(&(2, Some(Column::UnitCode), "unit-unknown")));
        assert!(found.contains(&(3, Some(Column::Username), "username-taken")));
        assert!(found.contains(&(3, Some(Column::UnitCode), "unit-required-for-role")));
        assert!(found.contains(&(4, Some(Column::UnitCode), "unit-not-for-moha")));
        assert!(found.contains(&(5, Some(Column::Username), "import-duplicate-username")));
    }

    #[test]
    fn missing_columns_are_named() {
        let r = rows(&[&["username", "email"], &["a", "a@x.vn"]]);
        let errs = validate(&r, &units(), &HashSet::new()).expect_err("invalid");
        assert_eq!(errs.len(), 3);
        assert!(
            errs.iter()
                .all(|p| p.key == "import-missing-column" && p.row == 1)
        );
    }

    #[test]
    fn a_header_only_file_has_no_rows() {
        let r = rows(&[&["username", "full_name", "email", "role", "unit_code"]]);
        let errs = validate(&r, &units(), &HashSet::new()).expect_err("invalid");
        assert_eq!(errs[0].key, "import-no-rows");
    }
}
