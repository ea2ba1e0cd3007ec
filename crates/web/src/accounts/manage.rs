//! Issuing accounts: one at a time, or from an .xlsx/.csv list (all or nothing). Each new account gets
//! a one-time password shown once to the administrator; the first login forces a change.

use crate::auth::{MohaAdmin, reauth};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::accounts::{self, Issued};
use crate::state::AppState;
use crate::ui::layout::Page;
use crate::ui::pager::{At, Pager};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::{self, User};
use parindex_db::{DbError, campaigns, second_factors, units};
use parindex_domain::CampaignId;
use parindex_domain::UnitId;
use parindex_domain::UserId;
use parindex_domain::{Role, second_factor, text};
use std::collections::HashMap;

/// An account row as listed: with its unit's short name and the role's label.
pub struct AccountRow {
    pub user: User,
    pub role_label: String,
    pub unit_name: String,
    /// "Two-step verification on (n recovery codes left)" or "not set up", for accounts that need
    /// one or have one; empty otherwise.
    pub second_factor: String,
    /// Whether this administrator may reset the account's second factor (the domain rule says).
    pub may_reset: bool,
    /// Why the last reset of this account was refused, shown beside its form.
    pub reset_error: Option<String>,
    /// Whether this administrator may switch the account on or off (never their own).
    pub may_switch: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts.html")]
pub struct ListPage {
    pub page: Page,
    /// The accounts on this page of the searched list.
    pub accounts: Vec<AccountRow>,
    /// The search: name, username or unit, without tones.
    pub q: String,
    pub pager: Pager,
    /// How many accounts there are, before the search.
    pub all: usize,
    pub campaigns: Vec<campaigns::Campaign>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account_form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: AccountForm,
    pub roles: Vec<(String, String)>,
    pub units: Vec<(UnitId, String)>,
}

/// Shown once, right after creation: the one-time passwords.
#[derive(Template, WebTemplate)]
#[template(path = "accounts_issued.html")]
pub struct IssuedPage {
    pub page: Page,
    pub issued: Vec<(String, String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "accounts_import_errors.html")]
pub struct ImportErrorsPage {
    pub page: Page,
    pub problems: Vec<(usize, String, String, String)>,
    /// Where the page's link leads back to, and its words.
    pub back: String,
    pub back_label: String,
}

pub use crate::service::accounts::AccountForm;

fn roles(page: &Page) -> Vec<(String, String)> {
    Role::ALL
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                page.t(&format!("role-{}", r.as_str())),
            )
        })
        .collect()
}

/// Units of every campaign, newest campaign first, labelled "2023 · Tỉnh Quảng Ninh".
async fn unit_choices(state: &AppState) -> AppResult<Vec<(UnitId, String)>> {
    let mut out = Vec::new();
    for c in campaigns::list(&state.db).await? {
        for u in units::list(&state.db, c.id).await? {
            out.push((u.id, format!("{} · {}", c.year, u.short_name)));
        }
    }
    Ok(out)
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub done: Option<String>,
    /// The search over name, username and unit.
    pub q: String,
    /// The page of the list (`ui::pager`).
    pub p: String,
}

pub async fn list(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let page = Page::new(&meta, &user, "accounts-title").with_notice(q.done.as_deref());
    list_page(&state, page, &user, &q.q, At::Requested(&q.p), None).await
}

/// The accounts matching `q`, a page at a time. A refused reset shows its message beside its
/// account, on the unsearched page that holds it.
async fn list_page(
    state: &AppState,
    page: Page,
    admin: &User,
    q: &str,
    at: At<'_>,
    reset_error: Option<(UserId, String)>,
) -> AppResult<ListPage> {
    let names: HashMap<UnitId, String> = unit_choices(state).await?.into_iter().collect();
    let factors = second_factors::confirmed(&state.db).await?;
    let mut accounts: Vec<AccountRow> = users::list(&state.db, None)
        .await?
        .into_iter()
        .map(|u| {
            let left = factors.get(&u.id).copied();
            let needs = second_factor::required(u.role);
            AccountRow {
                role_label: page.t(&format!("role-{}", u.role.as_str())),
                unit_name: u
                    .unit_id
                    .and_then(|id| names.get(&id).cloned())
                    .unwrap_or_default(),
                second_factor: match left {
                    Some(n) => page
                        .lang
                        .t_args("second-factor-status-on", &[("left", n.to_string())]),
                    None if needs => page.t("second-factor-status-off"),
                    None => String::new(),
                },
                may_reset: second_factor::reset_refusal(admin.id, u.id, left.is_some()).is_none(),
                may_switch: parindex_domain::accounts::active_refusal(admin.id, u.id).is_none(),
                reset_error: reset_error
                    .as_ref()
                    .filter(|(id, _)| *id == u.id)
                    .map(|(_, m)| m.clone()),
                user: u,
            }
        })
        .collect();
    accounts.sort_by(|a, b| text::compare_names(&a.user.full_name, &b.user.full_name));
    let all = accounts.len();
    accounts.retain(|a| {
        q.trim().is_empty()
            || text::matches(&a.user.full_name, q)
            || text::matches(&a.user.username, q)
            || text::matches(&a.unit_name, q)
    });
    let at = match (at, &reset_error) {
        (At::Holding(_), Some((id, _))) => {
            At::Holding(accounts.iter().position(|a| a.user.id == *id))
        }
        (at, _) => at,
    };
    let pager = Pager::of(
        "/admin/accounts",
        &format!("q={}", crate::render_error::urlencode(q)),
        accounts.len(),
        at,
        "accounts",
    );
    Ok(ListPage {
        page,
        accounts: pager.take(accounts),
        q: q.to_string(),
        pager,
        all,
        campaigns: campaigns::list(&state.db).await?,
    })
}

pub async fn new_form(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
) -> AppResult<FormPage> {
    let page = Page::new(&meta, &user, "account-new-title");
    Ok(FormPage {
        roles: roles(&page),
        units: unit_choices(&state).await?,
        page,
        form: AccountForm::default(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Form(f): Form<AccountForm>,
) -> AppResult<Response> {
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    let errors = match accounts::issue(&state, &ctx, &f).await? {
        Ok(issued) => return Ok(issued_page(&meta, &admin, vec![issued])),
        Err(errors) => errors,
    };
    let mut page = Page::new(&meta, &admin, "account-new-title");
    for (field, key) in errors {
        page.error(field, key);
    }
    let body = FormPage {
        roles: roles(&page),
        units: unit_choices(&state).await?,
        page,
        form: f,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

/// The one-time passwords, shown this once.
fn issued_page(meta: &Meta, admin: &User, issued: Vec<Issued>) -> Response {
    let page = Page::new(meta, admin, "accounts-issued-title");
    let issued = issued
        .into_iter()
        .map(|i| (i.username, i.full_name, i.password))
        .collect();
    IssuedPage { page, issued }.into_response()
}

/// What an import form lacked: (field, message key), said beside that field.
type Missing = (&'static str, &'static str);

/// Reads the multipart upload: the campaign whose unit codes apply, and the file. A malformed
/// request is an error; a form without its campaign or its file is `Missing`.
async fn read_upload(mut mp: Multipart) -> AppResult<Result<(CampaignId, Vec<u8>), Missing>> {
    let mut campaign = None;
    let mut file = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("error-bad-input"))?
    {
        match field.name() {
            Some("campaign") => {
                let v = field
                    .text()
                    .await
                    .map_err(|_| AppError::BadRequest("error-bad-input"))?;
                campaign = v.trim().parse::<CampaignId>().ok();
            }
            Some("file") => {
                let bytes = field.bytes().await.map_err(AppError::multipart)?;
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    Ok(match (campaign, file) {
        (Some(c), Some(f)) if !f.is_empty() => Ok((c, f)),
        (None, _) => Err(("import-campaign", "import-campaign-required")),
        _ => Err(("file", "import-no-file")),
    })
}

pub async fn import(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    mp: Multipart,
) -> AppResult<Response> {
    let (campaign_id, bytes) = match read_upload(mp).await? {
        Ok(upload) => upload,
        Err((field, key)) => {
            // The accounts page again, with the problem beside the import form's field.
            let mut page = Page::new(&meta, &admin, "accounts-title");
            page.error(field, key);
            let listing = list_page(&state, page, &admin, "", At::Requested(""), None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, listing).into_response());
        }
    };
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    let problems = match accounts::import(&state, &ctx, campaign_id, &bytes).await? {
        Ok(issued) => return Ok(issued_page(&meta, &admin, issued)),
        Err(problems) => problems,
    };
    let page = Page::new(&meta, &admin, "accounts-import-errors-title");
    let problems = problems
        .into_iter()
        .map(|p| {
            let column = p.column.map(|c| c.header().to_string()).unwrap_or_default();
            (p.row, column, page.t(p.key), p.value)
        })
        .collect();
    let body = ImportErrorsPage {
        back: "/admin/accounts".into(),
        back_label: page.t("back-to-accounts"),
        page,
        problems,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

/// The .xlsx template for a bulk import, with the unit codes of the newest campaign.
pub async fn template(
    State(state): State<AppState>,
    MohaAdmin(_admin): MohaAdmin,
) -> AppResult<Response> {
    let units = match campaigns::list(&state.db).await?.first() {
        Some(c) => units::list(&state.db, c.id)
            .await?
            .into_iter()
            .map(|u| (u.code, u.short_name))
            .collect(),
        None => Vec::new(),
    };
    let bytes = parindex_import::accounts_template::build(&units)
        .map_err(|e| AppError::internal("building the accounts template", e))?;
    Ok(crate::ui::download::xlsx("mau-tai-khoan.xlsx", bytes))
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ActiveForm {
    pub active: String,
}

pub async fn set_active(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(user_id): Path<UserId>,
    Form(f): Form<ActiveForm>,
) -> AppResult<Redirect> {
    if let Some(key) = parindex_domain::accounts::active_refusal(admin.id, user_id) {
        return Err(AppError::BadRequest(key));
    }
    let active = f.active == "true";
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    users::set_active(&state.db, &ctx, user_id, active).await?;
    Ok(Redirect::to("/admin/accounts?done=saved"))
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    pub password: String,
}

/// Resets another account's second factor, with the administrator's password again. The account
/// enrols afresh at its next login; its sessions end now. Audited.
pub async fn reset_second_factor(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    Path(user_id): Path<UserId>,
    Form(f): Form<ResetForm>,
) -> AppResult<Response> {
    users::get(&state.db, user_id).await?;
    let has_one = second_factors::confirmed(&state.db)
        .await?
        .contains_key(&user_id);
    let problem = match second_factor::reset_refusal(admin.id, user_id, has_one) {
        Some(key) => Some((StatusCode::CONFLICT, meta.lang.t(key))),
        None => reauth::refusal(&state, &meta, &admin, &f.password, "reauth-wrong")
            .await?
            .map(|m| (StatusCode::UNPROCESSABLE_ENTITY, m)),
    };
    // The accounts again, the message beside the account's reset form, on the page that holds it.
    let refused = async |status: StatusCode, message: String| -> AppResult<Response> {
        let page = Page::new(&meta, &admin, "accounts-title");
        let listing = list_page(
            &state,
            page,
            &admin,
            "",
            At::Holding(None),
            Some((user_id, message)),
        )
        .await?;
        Ok((status, listing).into_response())
    };
    if let Some((status, message)) = problem {
        return refused(status, message).await;
    }
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    match second_factors::reset(&state.db, &ctx, user_id).await {
        Ok(()) => Ok(Redirect::to("/admin/accounts?done=second-factor-reset").into_response()),
        Err(DbError::Refused(key)) => refused(StatusCode::CONFLICT, meta.lang.t(key)).await,
        Err(e) => Err(e.into()),
    }
}
