//! The .xlsx template a unit fills in with its respondents: Vietnamese headers, a dropdown of the
//! level's groups, and an instructions sheet with each group's rule. The importer reads it back by
//! header name.

use parindex_domain::respondents::{Column, Group, Rule};
use parindex_i18n::Lang;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};

/// Rows of the data sheet that carry the group dropdown.
const ROWS: u32 = 20_000;

/// The columns of the template for a level: stand-ins only where a group takes them.
pub fn columns(groups: &[Group]) -> Vec<Column> {
    Column::ALL
        .into_iter()
        .filter(|c| *c != Column::StandIn || groups.iter().any(|g| g.stand_ins))
        .collect()
}

fn rule_vi(rule: Rule) -> String {
    match rule {
        Rule::All => Lang::Vi.t("tpl-rule-all"),
        Rule::PerOrganisation { exactly } => Lang::Vi.t_args(
            "tpl-rule-per-organisation",
            &[("count", exactly.to_string())],
        ),
        Rule::MaxOrganisations { max } => {
            Lang::Vi.t_args("tpl-rule-max-organisations", &[("max", max.to_string())])
        }
    }
}

/// `title` names the unit and campaign, e.g. "Tỉnh Quảng Ninh — Chỉ số CCHC năm 2023".
pub fn build(title: &str, groups: &[Group], domains: &str) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let cols = columns(groups);
    let t = |key: &str| Lang::Vi.t(key);
    let groups_sheet = t("tpl-respondents-groups-sheet");
    let ws = wb.add_worksheet().set_name(t("tpl-respondents-sheet"))?;
    ws.write_string_with_format(0, 0, "STT", &bold)?;
    ws.set_column_width(0, 6)?;
    for (i, c) in cols.iter().enumerate() {
        let col = u16::try_from(i + 1).unwrap_or(0);
        ws.write_string_with_format(0, col, Lang::Vi.t(c.header_key()), &bold)?;
        ws.set_column_width(col, if *c == Column::Group { 44 } else { 26 })?;
    }
    ws.set_freeze_panes(1, 0)?;
    let group_col = cols
        .iter()
        .position(|c| *c == Column::Group)
        .and_then(|i| u16::try_from(i + 1).ok())
        .unwrap_or(4);
    let last = groups.len().max(1);
    let list = DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "='{groups_sheet}'!$A$2:$A${}",
            last + 1
        )))
        .set_input_title(t("tpl-respondents-group"))?
        .set_input_message(t("tpl-respondents-group-pick"))?
        .set_error_message(t("tpl-respondents-group-invalid"))?;
    ws.add_data_validation(1, group_col, ROWS, group_col, &list)?;

    let gs = wb.add_worksheet().set_name(&groups_sheet)?;
    gs.write_string_with_format(0, 0, t("tpl-respondents-group"), &bold)?;
    gs.write_string_with_format(0, 1, t("tpl-respondents-rule"), &bold)?;
    gs.write_string_with_format(0, 2, t("tpl-respondents-code"), &bold)?;
    gs.set_column_width(0, 56)?;
    gs.set_column_width(1, 48)?;
    for (i, g) in groups.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        gs.write_string(r, 0, &g.name_vi)?;
        gs.write_string(r, 1, rule_vi(g.rule))?;
        gs.write_string(r, 2, &g.code)?;
    }

    let help = wb.add_worksheet().set_name(t("tpl-help-sheet"))?;
    help.set_column_width(0, 110)?;
    let mut lines = vec![
        Lang::Vi.t_args("tpl-respondents-title", &[("title", title.to_string())]),
        String::new(),
        t("tpl-respondents-help-rows"),
        t("tpl-respondents-help-required"),
        Lang::Vi.t_args(
            "tpl-respondents-help-email",
            &[("domains", domains.to_string())],
        ),
        t("tpl-respondents-help-phone"),
        // The People's Council's priority is a provincial rule: a ministry's template does not
        // mention it.
        t(if groups.iter().any(|g| g.priority) {
            "tpl-respondents-help-one-group"
        } else {
            "tpl-respondents-help-one-group-plain"
        }),
        t("tpl-respondents-help-errors"),
    ];
    if groups.iter().any(|g| g.stand_ins) {
        lines.push(t("tpl-respondents-help-stand-in"));
    }
    lines.push(String::new());
    lines.push(t("tpl-respondents-help-groups"));
    for g in groups {
        lines.push(format!("• {} — {}", g.name_vi, rule_vi(g.rule)));
    }
    for (i, l) in lines.iter().enumerate() {
        help.write_string(u32::try_from(i).unwrap_or(u32::MAX), 0, l)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{respondent_rows, table};
    use parindex_domain::respondents::{GroupSet, check};

    /// The text of the template's instructions sheet.
    fn help_text(bytes: Vec<u8>) -> String {
        use calamine::{Reader, Xlsx, open_workbook_from_rs};
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        let range = wb
            .worksheet_range("Hướng dẫn")
            .expect("the instructions sheet");
        range
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn only_the_province_template_speaks_of_the_peoples_council() {
        let set = GroupSet::defaults_2023();
        let ministry = help_text(build("Bộ Tư pháp", &set.ministry, "moj.gov.vn").expect("xlsx"));
        let province =
            help_text(build("Tỉnh Quảng Ninh", &set.province, "quangninh.gov.vn").expect("xlsx"));
        assert!(!ministry.contains("HĐND"), "{ministry}");
        assert!(
            ministry.contains("Mỗi người chỉ có trong một nhóm"),
            "{ministry}"
        );
        assert!(province.contains("đại biểu HĐND"), "{province}");
    }

    #[test]
    fn a_filled_template_reads_back_through_the_import() {
        let groups = GroupSet::defaults_2023().ministry;
        let bytes = build("Bộ Tư pháp — 2023", &groups, "moj.gov.vn").expect("template");
        let mut rows = table::read(&bytes, table::Limits::default()).expect("readable");
        assert_eq!(rows[0][0], "STT");
        assert!(rows[0].contains(&"Người thay thế".to_string()));
        for (i, g) in groups.iter().enumerate() {
            let mut row = vec![
                (i + 1).to_string(),
                format!("Người số {i}"),
                "Vụ trưởng".into(),
                format!("Đơn vị {i}"),
                g.name_vi.clone(),
                format!("p{i}@moj.gov.vn"),
                String::new(),
                String::new(),
            ];
            row.truncate(rows[0].len());
            rows.push(row);
        }
        let raw = respondent_rows::to_raw_rows(&rows).expect("headers");
        let c = check(&raw, &groups, &["moj.gov.vn".into()], &[]);
        assert_eq!(c.rows.len(), groups.len(), "{:?}", c.problems);
        assert!(c.ok(), "{:?}", c.problems);
        // A province has no stand-ins column.
        assert!(!columns(&GroupSet::defaults_2023().province).contains(&Column::StandIn));
    }
}
