//! A version of a campaign's results as .xlsx, .csv (UTF-8 with a byte-order mark, so spreadsheet
//! programs read the Vietnamese names) and JSON (described in the OpenAPI document as `Results`).

use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::results::view::{Shown, tier_letter};
use crate::ui::download::{XLSX, attachment};
use axum::response::Response;
use parindex_domain::criteria::Depth;
use parindex_import::sheet::{self, Cell};
use serde_json::{Value, json};

fn headers(lang: Lang) -> Vec<String> {
    [
        "res-col-level",
        "res-col-place",
        "res-col-code",
        "res-col-unit",
        "res-col-index",
        "res-col-tier",
        "res-col-total",
        "res-col-max",
        "res-col-cancelled",
        "res-col-missing",
    ]
    .iter()
    .map(|k| lang.t(k))
    .collect()
}

/// One row per unit: the columns of [`headers`], then each field's index.
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
            let mut r = vec![
                l.level.as_str().to_string(),
                u.place.map(|p| p.to_string()).unwrap_or_default(),
                u.code.clone(),
                shown.name(&u.code),
                format!("{:.2}", u.index),
                tier_letter(u.tier).to_string(),
                format!("{:.2}", u.total),
                format!("{:.2}", u.max),
                if u.survey_cancelled { "1" } else { "0" }.to_string(),
                u.missing.to_string(),
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
    let bytes = sheet::table(&lang.t("res-sheet"), &head, &cells)
        .map_err(|e| AppError::internal("building the ranking .xlsx", e))?;
    Ok(attachment(XLSX, &file_name(shown, "xlsx"), bytes))
}

/// The JSON body of a version: every unit with its fields and criteria.
pub fn json(shown: &Shown) -> Value {
    let levels: Vec<Value> = shown
        .result
        .levels
        .iter()
        .map(|l| {
            let units: Vec<Value> = l
                .units
                .iter()
                .map(|u| {
                    let nodes = |d: Depth| -> Vec<Value> {
                        u.nodes
                            .iter()
                            .filter(|n| n.depth == d)
                            .map(|n| {
                                json!({
                                    "code": n.code, "points": format!("{:.2}", n.points),
                                    "max": format!("{:.2}", n.max), "index": format!("{:.2}", n.index),
                                })
                            })
                            .collect()
                    };
                    let official = shown.names.get(&u.code);
                    json!({
                        "code": u.code,
                        "name": official.map(|n| n.name.clone()).unwrap_or_default(),
                        "short_name": shown.name(&u.code),
                        "place": u.place,
                        "not_ranked": u.not_ranked,
                        "index": format!("{:.2}", u.index),
                        "tier": tier_letter(u.tier),
                        "total": format!("{:.2}", u.total),
                        "max": format!("{:.2}", u.max),
                        "survey_cancelled": u.survey_cancelled,
                        "missing": u.missing,
                        "methods": u.methods.iter().map(|m| json!({
                            "method": m.method.as_str(), "points": format!("{:.2}", m.points), "max": format!("{:.2}", m.max)
                        })).collect::<Vec<_>>(),
                        "fields": nodes(Depth::Field),
                        "criteria": nodes(Depth::Criterion),
                    })
                })
                .collect();
            json!({ "level": l.level.as_str(), "criteria_set": l.criteria_set, "units": units })
        })
        .collect();
    json!({
        "year": shown.campaign.year,
        "version": shown.info.version,
        "draft": shown.is_draft(),
        "computed_at_ms": shown.info.computed_at,
        "published_at_ms": shown.info.published_at,
        "input_sha256": shown.info.input_sha256,
        "levels": levels,
    })
}

pub fn json_download(shown: &Shown) -> AppResult<Response> {
    let body = serde_json::to_vec_pretty(&json(shown))
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
