//! The respondent list as files: the unit's .xlsx template, the import (all or nothing, every problem
//! on screen by row and column, and the unit's own file back with an "Errors" column), and the list
//! as .xlsx.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::respondents::list::problem_text;
use crate::service::respondents::{self as service, ImportOutcome, Loaded};
use crate::state::AppState;
use crate::ui::layout::Page;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use object_store::ObjectStoreExt;
use parindex_domain::UnitId;
use parindex_domain::respondents::{Checked, Respondent};
use parindex_import::respondents_template;

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
        .map_err(|e| AppError::internal("template", e))?;
    Ok(crate::ui::download::xlsx(
        &format!(
            "mau-danh-sach-{}-{}.xlsx",
            slug(&l.cx.unit.code),
            l.cx.campaign.year
        ),
        bytes,
    ))
}

pub struct ReportRow {
    /// The row of the file, or 0 for a problem of the file as a whole or of the list as it stood.
    pub line: usize,
    pub column: String,
    pub message: String,
    pub warning: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "respondents_import.html")]
pub struct ReportPage {
    pub page: Page,
    pub unit_id: UnitId,
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
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let outcome = service::import(&state, &ctx, &l, &bytes).await?;
    let page = Page::new(&meta, &o.user, "rl-import-title");
    Ok(ReportPage::of(page, &meta, o.unit_id, outcome))
}

impl ReportPage {
    /// The import's outcome as the page shows it: a stored list with nothing to read goes back to
    /// the list; anything else is the report, 422 when nothing was stored.
    fn of(page: Page, meta: &Meta, unit_id: UnitId, outcome: ImportOutcome) -> Response {
        let mut body = ReportPage {
            page,
            unit_id,
            imported: false,
            added: 0,
            errors: 0,
            problems: Vec::new(),
            merges: Vec::new(),
            errors_file: None,
        };
        match outcome {
            ImportOutcome::Unreadable(key) => {
                body.problems = vec![ReportRow {
                    line: 0,
                    column: String::new(),
                    message: body.page.t(key),
                    warning: false,
                }];
            }
            ImportOutcome::MissingColumns(cols) => {
                let message = body.page.t("rl-missing-column");
                body.problems = cols
                    .into_iter()
                    .map(|c| ReportRow {
                        line: 1,
                        column: body.page.t(c.header_key()),
                        message: message.clone(),
                        warning: false,
                    })
                    .collect();
            }
            ImportOutcome::Refused {
                checked,
                errors_key,
            } => {
                body.page.title = body.page.t("rl-import-failed");
                body.errors_file = Some(format!("/unit/{unit_id}/respondents/errors/{errors_key}"));
                body.read(meta, &checked);
            }
            ImportOutcome::Imported { checked, added } => {
                if checked.problems.is_empty() && checked.merges.is_empty() {
                    return Redirect::to(&format!("/unit/{unit_id}/respondents?done=rl-imported"))
                        .into_response();
                }
                // Imported, with warnings or merges worth reading.
                body.imported = true;
                body.added = added;
                body.read(meta, &checked);
                return body.into_response();
            }
        }
        body.errors = body.problems.iter().filter(|p| !p.warning).count();
        (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
    }

    /// The check's problems (by row and column) and merges, in the user's language.
    fn read(&mut self, meta: &Meta, checked: &Checked) {
        self.problems = checked
            .problems
            .iter()
            .map(|p| ReportRow {
                line: p.line,
                column: p
                    .column
                    .map(|c| meta.lang.t(c.header_key()))
                    .unwrap_or_default(),
                message: problem_text(meta, p),
                warning: p.warning(),
            })
            .collect();
        self.merges = checked
            .merges
            .iter()
            .map(|m| meta.lang.say(&m.message()))
            .collect();
        self.errors = self.problems.iter().filter(|p| !p.warning).count();
    }
}

pub async fn errors_file(
    State(state): State<AppState>,
    r: UnitReader,
    Path((_unit, key)): Path<(UnitId, String)>,
) -> AppResult<Response> {
    if key.len() != 64 || !key.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let got = state
        .files
        .get(&service::errors_file_path(r.unit_id, &key))
        .await
        .map_err(|_| AppError::NotFound)?;
    let bytes = got
        .bytes()
        .await
        .map_err(|e| AppError::internal("reading errors file", e))?;
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
        .map_err(|e| AppError::internal("export", e))?;
    Ok(crate::ui::download::xlsx(
        &format!(
            "danh-sach-{}-{}.xlsx",
            slug(&l.cx.unit.code),
            l.cx.campaign.year
        ),
        bytes,
    ))
}
