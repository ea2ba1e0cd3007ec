//! The respondent list as files: the unit's .xlsx template, the import (all or nothing, every problem
//! on screen by row and column, and the unit's own file back with an "Errors" column), and the list
//! as .xlsx.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::respondents::list::{Loaded, problem_text, stale};
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use object_store::ObjectStoreExt;
use parindex_db::respondents as store;
use parindex_domain::respondents::{Respondent, check};
use parindex_import::{respondent_rows, respondents_template, table};
use sha2::{Digest, Sha256};

fn slug(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

pub async fn template(State(state): State<AppState>, r: UnitReader) -> AppResult<Response> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let title = format!("{} — {}", l.cx.unit.name, l.cx.campaign.name_vi);
    let bytes = respondents_template::build(&title, &l.groups, &l.cx.unit.email_domains)
        .map_err(|e| AppError::Internal(format!("template: {e}")))?;
    Ok(crate::ui::download::xlsx(
        &format!(
            "mau-danh-sach-{}-{}.xlsx",
            slug(&l.cx.unit.code),
            l.cx.campaign.year
        ),
        bytes,
    ))
}

/// Bounds for a list file: a national ministry list is a few thousand rows.
pub const LIMITS: table::Limits = table::Limits {
    max_bytes: 8 * 1024 * 1024,
    max_rows: 20_000,
    max_cols: 30,
    max_expanded_bytes: table::MAX_EXPANDED_BYTES,
};

pub struct ReportRow {
    pub line: usize,
    pub column: String,
    pub message: String,
    pub warning: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "respondents_import.html")]
pub struct ReportPage {
    pub page: Page,
    pub unit_id: i64,
    pub imported: bool,
    pub added: usize,
    pub errors: usize,
    pub problems: Vec<ReportRow>,
    /// Merges, in the user's language.
    pub merges: Vec<String>,
    /// Where the file with its "Errors" column can be downloaded.
    pub errors_file: Option<String>,
}

pub async fn import(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    mp: Multipart,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    l.ensure_editable(&state, &o.user)?;
    let bytes = crate::ui::upload::file_field(mp, "file").await?;
    let mut page = Page::new(&meta, &o.user, "rl-import-title");
    let report = |page: Page, problems: Vec<ReportRow>, errors_file: Option<String>| ReportPage {
        page,
        unit_id: o.unit_id,
        imported: false,
        added: 0,
        errors: problems.iter().filter(|p| !p.warning).count(),
        problems,
        merges: Vec::new(),
        errors_file,
    };
    let rows = match table::read(&bytes, LIMITS) {
        Ok(r) => r,
        Err(e) => {
            let msg = page.t(e.message_key());
            let body = report(
                page,
                vec![ReportRow {
                    line: 0,
                    column: String::new(),
                    message: msg,
                    warning: false,
                }],
                None,
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    let raw = match respondent_rows::to_raw_rows(&rows) {
        Ok(r) => r,
        Err(respondent_rows::MissingColumns(cols)) => {
            let problems = cols
                .into_iter()
                .map(|c| ReportRow {
                    line: 1,
                    column: c.header_vi().to_string(),
                    message: page.t("rl-missing-column"),
                    warning: false,
                })
                .collect();
            let body = report(page, problems, None);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    let existing: Vec<Respondent> = l.people.iter().map(|p| p.person.clone()).collect();
    let checked = check(&raw, &l.groups, &l.domains(), &existing);
    let problems: Vec<ReportRow> = checked
        .problems
        .iter()
        .map(|p| ReportRow {
            line: p.line,
            column: p
                .column
                .map(|c| {
                    if meta.lang == crate::i18n::Lang::En {
                        c.header_en()
                    } else {
                        c.header_vi()
                    }
                    .to_string()
                })
                .unwrap_or_default(),
            message: problem_text(&meta, p),
            warning: p.warning(),
        })
        .collect();
    let merges: Vec<String> = checked
        .merges
        .iter()
        .map(|m| {
            if meta.lang == crate::i18n::Lang::En {
                m.en()
            } else {
                m.vi()
            }
        })
        .collect();
    if !checked.ok() {
        // Keep the unit's own file with an "Errors" column, addressed by its content.
        let annotated = respondent_rows::with_errors(&rows, &checked)
            .map_err(|e| AppError::Internal(format!("errors file: {e}")))?;
        let key = hex::encode(Sha256::digest(&annotated));
        state
            .files
            .put(
                &object_store::path::Path::from(format!("import-errors/{}/{key}.xlsx", o.unit_id)),
                annotated.into(),
            )
            .await
            .map_err(|e| AppError::storing("the errors file", e))?;
        page.title = page.t("rl-import-failed");
        let mut body = report(
            page,
            problems,
            Some(format!("/unit/{}/respondents/errors/{key}", o.unit_id)),
        );
        body.merges = merges;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let people: Vec<Respondent> = checked.rows.iter().map(|(_, r)| r.clone()).collect();
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let source = hex::encode(Sha256::digest(&bytes));
    let added = store::import(
        &state.db,
        &ctx,
        l.cx.campaign.id,
        o.unit_id,
        &people,
        &source,
    )
    .await
    .map_err(stale)?;
    if problems.is_empty() && merges.is_empty() {
        return Ok(
            Redirect::to(&format!("/unit/{}/respondents?done=rl-imported", o.unit_id))
                .into_response(),
        );
    }
    // Imported, with warnings or merges worth reading.
    let mut body = report(page, problems, None);
    body.imported = true;
    body.added = added;
    body.merges = merges;
    Ok(body.into_response())
}

pub async fn errors_file(
    State(state): State<AppState>,
    r: UnitReader,
    Path((_unit, key)): Path<(i64, String)>,
) -> AppResult<Response> {
    if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let got = state
        .files
        .get(&object_store::path::Path::from(format!(
            "import-errors/{}/{key}.xlsx",
            r.unit_id
        )))
        .await
        .map_err(|_| AppError::NotFound)?;
    let bytes = got
        .bytes()
        .await
        .map_err(|e| AppError::Internal(format!("reading errors file: {e}")))?;
    Ok(crate::ui::download::xlsx(
        "danh-sach-kem-loi.xlsx",
        bytes.to_vec(),
    ))
}

/// The list as .xlsx, in the template's columns (it imports back as it is).
pub async fn export(State(state): State<AppState>, r: UnitReader) -> AppResult<Response> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let mut people: Vec<&Respondent> = l.people.iter().map(|p| &p.person).collect();
    people.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then_with(|| parindex_domain::text::compare_names(&a.full_name, &b.full_name))
    });
    let bytes = parindex_import::respondents_export::list(&l.groups, &people)
        .map_err(|e| AppError::Internal(format!("export: {e}")))?;
    Ok(crate::ui::download::xlsx(
        &format!(
            "danh-sach-{}-{}.xlsx",
            slug(&l.cx.unit.code),
            l.cx.campaign.year
        ),
        bytes,
    ))
}
