//! Issuing accounts: one at a time, or from an .xlsx/.csv list (all or nothing). Each new account gets
//! a one-time password shown once to the administrator; the first login forces a change.

use crate::auth::{MohaAdmin, password, reauth};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::users::{self, NewUser, User};
use parindex_db::{DbError, campaigns, second_factors, units};
use parindex_domain::{Email, Role, second_factor, text};
use parindex_import::{accounts as import, table};
use std::collections::{HashMap, HashSet};

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
    pub accounts: Vec<AccountRow>,
    pub campaigns: Vec<campaigns::Campaign>,
}

#[derive(Template, WebTemplate)]
#[template(path = "account_form.html")]
pub struct FormPage {
    pub page: Page,
    pub form: AccountForm,
    pub roles: Vec<(String, String)>,
    pub units: Vec<(i64, String)>,
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
}

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct AccountForm {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: String,
    pub unit_id: String,
}

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
async fn unit_choices(state: &AppState) -> AppResult<Vec<(i64, String)>> {
    let mut out = Vec::new();
    for c in campaigns::list(&state.db).await? {
        for u in units::list(&state.db, c.id).await? {
            out.push((u.id, format!("{} · {}", c.year, u.short_name)));
        }
    }
    Ok(out)
}

pub async fn list(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Query(q): Query<DoneQuery>,
) -> AppResult<ListPage> {
    let page = Page::new(&meta, &user, "accounts-title").with_notice(q.done.as_deref());
    list_page(&state, page, &user, None).await
}

async fn list_page(
    state: &AppState,
    page: Page,
    admin: &User,
    reset_error: Option<(i64, String)>,
) -> AppResult<ListPage> {
    let names: HashMap<i64, String> = unit_choices(state).await?.into_iter().collect();
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
    Ok(ListPage {
        page,
        accounts,
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
    let mut page = Page::new(&meta, &admin, "account-new-title");
    let username = text::clean(&f.username).to_lowercase();
    if !import::valid_username(&username) {
        page.error("username", "username-invalid");
    }
    let full_name = text::clean(&f.full_name);
    if full_name.is_empty() || full_name.chars().count() > 200 {
        page.error("full_name", "field-required");
    }
    let email = Email::parse(&f.email);
    if email.is_err() {
        page.error("email", "email-invalid");
    }
    let role = Role::parse(&f.role);
    if role.is_none() {
        page.error("role", "role-invalid");
    }
    let unit_id = f.unit_id.trim().parse::<i64>().ok();
    match (role, unit_id) {
        (Some(r), None) if r.needs_unit() => page.error("unit_id", "unit-required-for-role"),
        (Some(r), Some(_)) if !r.needs_unit() => page.error("unit_id", "unit-not-for-moha"),
        (_, Some(id)) if units::get(&state.db, id).await.is_err() => {
            page.error("unit_id", "unit-unknown")
        }
        _ => {}
    }
    if let (false, Ok(email), Some(role)) = (page.has_errors(), email, role) {
        let temp = password::temporary()?;
        let new = NewUser {
            username: username.clone(),
            full_name,
            email: email.to_string(),
            role,
            unit_id,
            password_hash: password::hash(temp.clone()).await?,
            must_change_password: true,
        };
        let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
        match users::create(&state.db, &ctx, &new).await {
            Ok(u) => {
                let page = Page::new(&meta, &admin, "accounts-issued-title");
                return Ok(IssuedPage {
                    page,
                    issued: vec![(u.username, u.full_name, temp)],
                }
                .into_response());
            }
            Err(DbError::Conflict(_)) => page.error("username", "username-taken"),
            Err(e) => return Err(e.into()),
        }
    }
    let body = FormPage {
        roles: roles(&page),
        units: unit_choices(&state).await?,
        page,
        form: f,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

/// Reads the multipart upload: the campaign whose unit codes apply, and the file.
async fn read_upload(mut mp: Multipart) -> AppResult<(i64, Vec<u8>)> {
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
                campaign = v.trim().parse::<i64>().ok();
            }
            Some("file") => {
                let bytes = field.bytes().await.map_err(AppError::multipart)?;
                file = Some(bytes.to_vec());
            }
            _ => {}
        }
    }
    match (campaign, file) {
        (Some(c), Some(f)) if !f.is_empty() => Ok((c, f)),
        (None, _) => Err(AppError::BadRequest("import-campaign-required")),
        _ => Err(AppError::BadRequest("import-empty")),
    }
}

pub async fn import(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(admin): MohaAdmin,
    mp: Multipart,
) -> AppResult<Response> {
    let (campaign_id, bytes) = read_upload(mp).await?;
    campaigns::get(&state.db, campaign_id).await?;
    let limits = table::Limits {
        max_bytes: 2 * 1024 * 1024,
        max_rows: 5_000,
        max_cols: 20,
        max_expanded_bytes: table::MAX_EXPANDED_BYTES,
    };
    let page = Page::new(&meta, &admin, "accounts-import-errors-title");
    let rows = match table::read(&bytes, limits) {
        Ok(r) => r,
        Err(e) => {
            let problems = vec![(0, String::new(), page.t(e.message_key()), String::new())];
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ImportErrorsPage { page, problems },
            )
                .into_response());
        }
    };
    let unit_map: HashMap<String, i64> = units::list(&state.db, campaign_id)
        .await?
        .into_iter()
        .map(|u| (u.code.to_uppercase(), u.id))
        .collect();
    let taken: HashSet<String> = users::list(&state.db, None)
        .await?
        .into_iter()
        .map(|u| u.username)
        .collect();
    let valid = match import::validate(&rows, &unit_map, &taken) {
        Ok(v) => v,
        Err(problems) => {
            let problems = problems
                .into_iter()
                .map(|p| {
                    (
                        p.row,
                        p.column.map(|c| c.header().to_string()).unwrap_or_default(),
                        page.t(p.key),
                        p.value,
                    )
                })
                .collect();
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                ImportErrorsPage { page, problems },
            )
                .into_response());
        }
    };
    let mut news = Vec::with_capacity(valid.len());
    let mut issued = Vec::with_capacity(valid.len());
    for v in valid {
        let temp = password::temporary()?;
        news.push(NewUser {
            username: v.username.clone(),
            full_name: v.full_name.clone(),
            email: v.email.to_string(),
            role: v.role,
            unit_id: v.unit_id,
            password_hash: password::hash(temp.clone()).await?,
            must_change_password: true,
        });
        issued.push((v.username, v.full_name, temp));
    }
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    users::create_many(&state.db, &ctx, &news).await?;
    let page = Page::new(&meta, &admin, "accounts-issued-title");
    Ok(IssuedPage { page, issued }.into_response())
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
        .map_err(|e| AppError::Internal(e.to_string()))?;
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
    Path(user_id): Path<i64>,
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
    Path(user_id): Path<i64>,
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
    if let Some((status, message)) = problem {
        let page = Page::new(&meta, &admin, "accounts-title");
        let listing = list_page(&state, page, &admin, Some((user_id, message))).await?;
        return Ok((status, listing).into_response());
    }
    let ctx = meta.ctx(Some(admin.id), &admin.username, state.clock.now_ms());
    match second_factors::reset(&state.db, &ctx, user_id).await {
        Ok(()) => Ok(Redirect::to("/admin/accounts?done=second-factor-reset").into_response()),
        Err(DbError::Refused(key)) => {
            let page = Page::new(&meta, &admin, "accounts-title");
            let listing =
                list_page(&state, page, &admin, Some((user_id, meta.lang.t(key)))).await?;
            Ok((StatusCode::CONFLICT, listing).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
