//! Respondent lists as .xlsx: one unit's list in the template's columns (so it imports back), and
//! MoHA's national summary of every unit's counts per group.

use crate::respondents_template::columns;
use parindex_domain::respondents::{Column, Group, Respondent};
use parindex_i18n::Lang;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

pub fn list(groups: &[Group], people: &[&Respondent]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let cols = columns(groups);
    let ws = wb.add_worksheet().set_name(Lang::Vi.t("rp-sheet-list"))?;
    ws.write_string_with_format(0, 0, "STT", &bold)?;
    for (j, c) in cols.iter().enumerate() {
        let col = u16::try_from(j + 1).unwrap_or(0);
        ws.write_string_with_format(0, col, Lang::Vi.t(c.header_key()), &bold)?;
        ws.set_column_width(col, 26)?;
    }
    for (i, p) in people.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_number(r, 0, f64::from(r))?;
        for (j, c) in cols.iter().enumerate() {
            let col = u16::try_from(j + 1).unwrap_or(0);
            let v = match c {
                Column::FullName => p.full_name.clone(),
                Column::Position => p.position.clone(),
                Column::Organisation => p.organisation.clone(),
                Column::Group => groups
                    .iter()
                    .find(|g| g.code == p.group)
                    .map_or_else(|| p.group.clone(), |g| g.name_vi.clone()),
                Column::Email => p.email.clone(),
                Column::Phone => p.phone.clone(),
                Column::StandIn => if p.stand_in { "x" } else { "" }.to_string(),
            };
            ws.write_string(r, col, v)?;
        }
    }
    wb.save_to_buffer()
}

/// One row per unit: (unit name, level, list state label, count per group code).
pub struct SummaryRow {
    pub unit: String,
    pub level: String,
    pub state: String,
    pub counts: Vec<(String, i64)>,
}

pub fn summary(groups: &[(String, String)], rows: &[SummaryRow]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let ws = wb
        .add_worksheet()
        .set_name(Lang::Vi.t("rp-sheet-summary"))?;
    let fixed = ["unit", "unit-level", "status", "rp-col-total"];
    for (j, key) in fixed.iter().enumerate() {
        let h = Lang::Vi.t(key);
        ws.write_string_with_format(0, u16::try_from(j).unwrap_or(0), h, &bold)?;
    }
    ws.set_column_width(0, 32)?;
    for (j, (_, name)) in groups.iter().enumerate() {
        let col = u16::try_from(j + fixed.len()).unwrap_or(0);
        ws.write_string_with_format(0, col, name, &bold)?;
        ws.set_column_width(col, 18)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        ws.write_string(row, 0, &r.unit)?;
        ws.write_string(row, 1, &r.level)?;
        ws.write_string(row, 2, &r.state)?;
        let total: i64 = r.counts.iter().map(|(_, n)| n).sum();
        ws.write_number(row, 3, total as f64)?;
        for (j, (code, _)) in groups.iter().enumerate() {
            let n = r
                .counts
                .iter()
                .find(|(c, _)| c == code)
                .map_or(0, |(_, n)| *n);
            ws.write_number(row, u16::try_from(j + fixed.len()).unwrap_or(0), n as f64)?;
        }
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{respondent_rows, table};
    use parindex_domain::respondents::{GroupSet, check};

    #[test]
    fn an_exported_list_imports_back_unchanged() {
        let groups = GroupSet::defaults_2023().province;
        let people = [Respondent {
            full_name: "Nguyễn Văn An".into(),
            position: "Giám đốc".into(),
            organisation: "Sở Nội vụ".into(),
            group: "hdnd".into(),
            email: "an@quangninh.gov.vn".into(),
            phone: "0912345678".into(),
            stand_in: false,
        }];
        let refs: Vec<&Respondent> = people.iter().collect();
        let bytes = list(&groups, &refs).expect("xlsx");
        let rows = table::read(&bytes, table::Limits::default()).expect("rows");
        let raw = respondent_rows::to_raw_rows(&rows).expect("headers");
        let c = check(&raw, &groups, &[], &[]);
        assert_eq!(c.rows.len(), 1);
        assert_eq!(c.rows[0].1, people[0]);
    }
}
