//! A version of a campaign's results as .xlsx, .csv (UTF-8 with a byte-order mark, so spreadsheet
//! programs read the Vietnamese names) and JSON (described in the OpenAPI document as `Results`).

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::results::json::Results;
use crate::results::view::{Shown, tier_letter};
use crate::ui::download::{attachment, xlsx_table};
use axum::response::Response;
use parindex_domain::criteria::Depth;
use parindex_import::sheet::Cell;

fn headers(lang: Lang) -> Vec<String> {
    lang.t_each(&[
        "res-col-level",
        "res-col-place",
        "res-col-code",
        "res-col-unit",
        "res-col-index",
        "res-col-index-low",
        "res-col-index-high",
        "res-col-place-best",
        "res-col-place-worst",
        "res-col-tier",
        "res-col-total",
        "res-col-max",
        "res-col-cancelled",
        "res-col-missing",
        "res-col-previous-index",
        "res-col-change",
        "res-col-predecessors",
    ])
}

/// One row per unit: the columns of [`headers`] (the 95% interval's bounds empty where the unit has
/// none), then each field's index.
fn rows(shown: &Shown, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = headers(lang);
    let mut fields: Vec<String> = Vec::new();
    for l in &shown.result.levels {
        for u in &l.units {
            for n in u.nodes.iter().filter(|n| n.depth == Depth::Field) {
                if !fields.contains(&n.code) {
                    fields.push(n.code.clone());
                }
            }
        }
    }
    head.extend(
        fields
            .iter()
            .map(|f| lang.t_args("res-col-field", &[("code", f.clone())])),
    );
    let mut out = Vec::new();
    for l in &shown.result.levels {
        for u in &l.units {
            let i = shown.interval(&u.code);
            let before = shown.baseline.as_ref().and_then(|b| b.before(l.level, u));
            let index = i.and_then(|i| i.index);
            let place = i.and_then(|i| i.place);
            let mut r = vec![
                l.level.as_str().to_string(),
                u.place.map(|p| p.to_string()).unwrap_or_default(),
                u.code.clone(),
                shown.name(&u.code),
                format!("{:.2}", u.index),
                index.map(|b| format!("{:.2}", b.low)).unwrap_or_default(),
                index.map(|b| format!("{:.2}", b.high)).unwrap_or_default(),
                place.map(|p| p.best.to_string()).unwrap_or_default(),
                place.map(|p| p.worst.to_string()).unwrap_or_default(),
                tier_letter(u.tier).to_string(),
                format!("{:.2}", u.total),
                format!("{:.2}", u.max),
                if u.survey_cancelled { "1" } else { "0" }.to_string(),
                u.missing.to_string(),
                before
                    .as_ref()
                    .map(|b| format!("{:.2}", b.index))
                    .unwrap_or_default(),
                before
                    .as_ref()
                    .map(|b| format!("{:.2}", b.change(u.index)))
                    .unwrap_or_default(),
                before
                    .map(|b| {
                        let codes: Vec<String> = b
                            .predecessors
                            .into_iter()
                            .map(|(c, _, w)| format!("{c}:{w}"))
                            .collect();
                        codes.join("; ")
                    })
                    .unwrap_or_default(),
            ];
            for f in &fields {
                r.push(
                    u.node(f)
                        .map(|n| format!("{:.2}", n.index))
                        .unwrap_or_default(),
                );
            }
            out.push(r);
        }
    }
    (head, out)
}

fn file_name(shown: &Shown, ext: &str) -> String {
    if shown.is_draft() {
        format!("chi-so-cchc-{}-ban-nhap.{ext}", shown.campaign.year)
    } else {
        format!(
            "chi-so-cchc-{}-v{}.{ext}",
            shown.campaign.year, shown.info.version
        )
    }
}

pub fn csv(shown: &Shown, lang: Lang) -> AppResult<Response> {
    let (head, rows) = rows(shown, lang);
    let mut w = csv_writer();
    for r in std::iter::once(head).chain(rows) {
        w.write_record(
            r.iter()
                .map(|c| parindex_import::csv_cell::inert(c).into_owned()),
        )
        .map_err(|e| AppError::internal("writing the ranking .csv", e))?;
    }
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(
        w.into_inner()
            .map_err(|e| AppError::internal("writing the ranking .csv", e))?,
    );
    Ok(attachment(
        "text/csv; charset=utf-8",
        &file_name(shown, "csv"),
        bytes,
    ))
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

pub fn xlsx(shown: &Shown, lang: Lang) -> AppResult<Response> {
    let (head, rows) = rows(shown, lang);
    let numeric = [1usize, 4, 6, 7, 9];
    let cells: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .enumerate()
                .map(|(j, v)| match v.parse::<f64>() {
                    Ok(n) if numeric.contains(&j) || j >= 10 => Cell::Number(n),
                    _ => Cell::Text(v),
                })
                .collect()
        })
        .collect();
    xlsx_table(
        &file_name(shown, "xlsx"),
        &lang.t("res-sheet"),
        &head,
        &cells,
    )
}

pub fn json_download(shown: &Shown) -> AppResult<Response> {
    let body = serde_json::to_vec_pretty(&Results::of(shown))
        .map_err(|e| AppError::internal("writing the ranking JSON", e))?;
    Ok(attachment(
        "application/json",
        &file_name(shown, "json"),
        body,
    ))
}

/// Which export a path asks for.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

pub fn export(shown: &Shown, lang: Lang, f: Format) -> AppResult<Response> {
    match f {
        Format::Csv => csv(shown, lang),
        Format::Xlsx => xlsx(shown, lang),
        Format::Json => json_download(shown),
    }
}
