//! What a new password must be (OWASP ASVS 2.1: length over composition rules).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    ContainsUsername,
    TooCommon,
    SameAsOld,
}

impl PasswordProblem {
    /// The message key shown to the user.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-too-short",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::ContainsUsername => "password-contains-username",
            PasswordProblem::TooCommon => "password-too-common",
            PasswordProblem::SameAsOld => "password-same-as-old",
        }
    }
}

/// ASVS 2.1.1: at least 12 characters.
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

const COMMON: [&str; 10] = [
    "123456789012",
    "1234567890123",
    "012345678910",
    "matkhau12345",
    "matkhau123456",
    "password1234",
    "qwertyuiop12",
    "qwertyuiop[]",
    "abc123456789",
    "123456789abc",
];

pub fn check(new: &str, username: &str, old: &str) -> Result<(), PasswordProblem> {
    let len = new.chars().count();
    if len < MIN_LEN {
        return Err(PasswordProblem::TooShort);
    }
    if len > MAX_LEN {
        return Err(PasswordProblem::TooLong);
    }
    let lower = new.to_lowercase();
    let user = username.to_lowercase();
    let user_local = user.split('@').next().unwrap_or(&user);
    if user_local.len() >= 3 && lower.contains(user_local) {
        return Err(PasswordProblem::ContainsUsername);
    }
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| lower.starts_with(c)) {
        return Err(PasswordProblem::TooCommon);
    }
    if new == old {
        return Err(PasswordProblem::SameAsOld);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_rules() {
        assert_eq!(check("short", "u", "x"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check("quangninh-2023!", "quangninh@quangninh.gov.vn", "x"),
            Err(PasswordProblem::ContainsUsername)
        );
        assert_eq!(
            check("Giữ-bí-mật", "u", "x"),
            Err(PasswordProblem::TooShort)
        );
        assert_eq!(
            check("123456789012", "u", "x"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check("zzzzzzzzzzzz", "u", "x"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check("Giữ-bí-mật-2023", "u", "Giữ-bí-mật-2023"),
            Err(PasswordProblem::SameAsOld)
        );
        assert_eq!(check("Giữ-bí-mật-2023", "u", "old"), Ok(()));
        assert_eq!(
            check(&"a1".repeat(70), "u", "x"),
            Err(PasswordProblem::TooLong)
        );
    }
}
