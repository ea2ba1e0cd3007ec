//! The .xlsx template MoHA fills in to issue accounts in bulk: the columns the importer reads, a
//! dropdown of roles, and an instructions sheet with the campaign's unit codes.

use crate::accounts::Column;
use parindex_domain::Role;
use parindex_i18n::Lang;
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

/// Role labels offered in the dropdown, as the pages name the roles; the importer accepts each.
pub fn role_labels() -> [String; 5] {
    Role::ALL.map(|r| Lang::Vi.t(&format!("role-{}", r.as_str())))
}

/// Rows of the data sheet that carry the role dropdown.
const ROWS: u32 = 5_000;

/// `units` are (code, short name) of the campaign the accounts are for.
pub fn build(units: &[(String, String)]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let t = |key: &str| Lang::Vi.t(key);
    let ws = wb.add_worksheet().set_name(t("tpl-accounts-sheet"))?;
    for (i, c) in Column::ALL.iter().enumerate() {
        let col = u16::try_from(i).unwrap_or(0);
        ws.write_string_with_format(0, col, c.header(), &bold)?;
        ws.set_column_width(col, 28)?;
    }
    let roles = DataValidation::new()
        .allow_list_strings(&role_labels())?
        .set_input_title(t("tpl-accounts-role"))?
        .set_input_message(t("tpl-accounts-role-pick"))?
        .set_error_message(t("tpl-accounts-role-invalid"))?;
    ws.add_data_validation(1, 3, ROWS, 3, &roles)?;

    let help = wb.add_worksheet().set_name(t("tpl-help-sheet"))?;
    let lines = [
        "tpl-accounts-help-rows",
        "tpl-accounts-help-username",
        "tpl-accounts-help-role",
        "tpl-accounts-help-errors",
        "tpl-accounts-help-password",
    ]
    .map(t);
    help.set_column_width(0, 16)?;
    help.set_column_width(1, 60)?;
    let mut row = 0u32;
    for l in lines {
        help.write_string(row, 0, &l)?;
        row += 1;
    }
    row += 1;
    help.write_string_with_format(row, 0, t("tpl-unit-code"), &bold)?;
    help.write_string_with_format(row, 1, t("tpl-unit"), &bold)?;
    for (code, name) in units {
        row += 1;
        help.write_string(row, 0, code)?;
        help.write_string(row, 1, name)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{accounts, table};
    use std::collections::{HashMap, HashSet};

    #[test]
    fn a_filled_template_imports_and_every_role_label_is_understood() {
        let bytes = build(&[("QNI".into(), "Tỉnh Quảng Ninh".into())]).expect("template");
        let mut rows = table::read(&bytes, table::Limits::default()).expect("readable");
        assert_eq!(
            rows[0],
            Column::ALL
                .iter()
                .map(|c| c.header().to_string())
                .collect::<Vec<_>>()
        );
        let labels = role_labels();
        for (i, label) in labels.iter().enumerate() {
            let unit = if i < 2 { "" } else { "QNI" };
            rows.push(vec![
                format!("user{i}"),
                "Nguyễn Văn An".into(),
                format!("u{i}@quangninh.gov.vn"),
                label.clone(),
                unit.into(),
            ]);
        }
        let units = HashMap::from([("QNI".to_string(), 7)]);
        let ok = accounts::validate(&rows, &units, &HashSet::new()).expect("valid");
        assert_eq!(ok.len(), labels.len());
        let roles: Vec<Role> = ok.iter().map(|a| a.role).collect();
        assert_eq!(
            roles,
            Role::ALL.to_vec(),
            "each label reads back as its own role"
        );
    }
}
