//! Vietnamese phone numbers in the forms people type them: 0912 345 678, 912345678 (Excel dropped the
//! leading zero), +84 912 345 678, 84912345678, (024) 3825 4321. Normalised to the national form 0XXXXXXXXX.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Vietnamese phone number")]
pub struct InvalidPhone;

pub fn normalize(input: &str) -> Result<String, InvalidPhone> {
    let trimmed = input.trim();
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if trimmed
        .chars()
        .any(|c| !(c.is_ascii_digit() || " .-()+".contains(c)))
    {
        return Err(InvalidPhone);
    }
    let national = if plus || (digits.starts_with("84") && digits.len() >= 11) {
        match digits.strip_prefix("84") {
            Some(rest) => format!("0{rest}"),
            None => return Err(InvalidPhone),
        }
    } else if !digits.starts_with('0') && (digits.len() == 9 || digits.len() == 10) {
        format!("0{digits}")
    } else {
        digits
    };
    // Mobiles have 10 digits, landlines 11 (0 + 2-digit area + 8).
    if (national.len() == 10 || national.len() == 11) && national.starts_with('0') {
        Ok(national)
    } else {
        Err(InvalidPhone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_forms_normalise_to_the_national_form() {
        for (input, want) in [
            ("0912 345 678", "0912345678"),
            ("912345678", "0912345678"),
            ("+84 912 345 678", "0912345678"),
            ("84912345678", "0912345678"),
            ("(024) 3825 4321", "02438254321"),
            ("091.234.5678", "0912345678"),
        ] {
            assert_eq!(normalize(input).as_deref(), Ok(want), "{input}");
        }
    }

    #[test]
    fn junk_is_refused() {
        for bad in [
            "",
            "12345",
            "09123456789012",
            "0912abc678",
            "+1 202 555 0100",
        ] {
            assert!(normalize(bad).is_err(), "{bad}");
        }
    }
}
