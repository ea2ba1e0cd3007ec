//! Text for a CSV file that a spreadsheet will open: a cell that starts like a formula (`=`, `+`,
//! `-`, `@`, a tab or a carriage return) would be run by Excel or LibreOffice as one ("CSV
//! injection"), so it gets a leading apostrophe, as OWASP recommends. Numbers, negative ones
//! included, are left as they are.

use std::borrow::Cow;

pub fn inert(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.parse::<f64>().is_ok_and(f64::is_finite);
    if risky && !number {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        assert_eq!(
            inert("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(inert("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("-2+3"), "'-2+3");
        assert_eq!(inert("\t=1"), "'\t=1");
        assert_eq!(inert("-12.50"), "-12.50");
        assert_eq!(inert("92.18"), "92.18");
        assert_eq!(inert("Tỉnh Quảng Ninh"), "Tỉnh Quảng Ninh");
        assert_eq!(inert(""), "");
    }
}
