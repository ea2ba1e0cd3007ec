//! Units of a campaign: the administrator adds and edits ministries and provinces, their short names,
//! official e-mail domains and the "scored but not ranked" flag.

use crate::auth::MohaAdmin;
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::deadlines::{self, Extension};
use parindex_db::units::{self, UnitInput};
use parindex_db::{DbError, campaigns};
use parindex_domain::deadline::DeadlineKind;
use parindex_domain::{CampaignId, UnitId};
use parindex_domain::{Level, email, text};

#[derive(Template, WebTemplate)]
#[template(path = "unit_form.html")]
pub struct FormPage {
    pub page: Page,
    pub action: String,
    pub campaign_id: CampaignId,
    pub form: UnitForm,
    /// Present when editing: the unit's id, its extensions, and the deadline kinds for the extension form.
    pub unit_id: Option<UnitId>,
    pub extensions: Vec<Extension>,
    pub kinds: Vec<(String, String)>,
    /// What was typed into the extension form, shown again when it had errors.
    pub ext: ExtensionForm,
}

/// The extension form on a unit's edit page (posted to `extensions::grant`).
#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct ExtensionForm {
    pub kind: String,
    pub due_date: String,
    pub reason: String,
}

#[derive(Debug, Clone, serde::Deserialize, Default)]
#[serde(default)]
pub struct UnitForm {
    pub code: String,
    pub level: String,
    pub name: String,
    pub short_name: String,
    pub not_ranked: Option<String>,
    pub email_domains: String,
}

impl UnitForm {
    fn validate(&self, page: &mut Page) -> Option<UnitInput> {
        let code = parindex_domain::unit_code::parse(&self.code);
        if code.is_none() {
            page.error("code", "unit-code-invalid");
        }
        let level = Level::parse(&self.level);
        if level.is_none() {
            page.error("level", "level-invalid");
        }
        let name = text::clean(&self.name);
        let short_name = text::clean(&self.short_name);
        for (field, v) in [("name", &name), ("short_name", &short_name)] {
            if v.is_empty() {
                page.error(field, "field-required");
            } else if v.chars().count() > 200 {
                page.error(field, "field-too-long");
            }
        }
        let domains = match email::parse_domains(&self.email_domains) {
            Ok(d) => d.join(", "),
            Err(bad) => {
                page.error_msg(
                    "email_domains",
                    page.lang.t_args("domain-invalid", &[("domain", bad)]),
                );
                String::new()
            }
        };
        if page.has_errors() {
            return None;
        }
        Some(UnitInput {
            code: code?,
            level: level?,
            name,
            short_name,
            not_ranked: self.not_ranked.is_some(),
            email_domains: domains,
        })
    }
}

pub fn deadline_kinds(page: &Page) -> Vec<(String, String)> {
    DeadlineKind::ALL
        .into_iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                page.t(&format!("deadline-{}", k.as_str())),
            )
        })
        .collect()
}

pub async fn new_form(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
) -> AppResult<FormPage> {
    campaigns::get(&state.db, campaign_id).await?;
    Ok(FormPage {
        page: Page::new(&meta, &user, "unit-new-title"),
        action: format!("/admin/campaigns/{campaign_id}/units"),
        campaign_id,
        form: UnitForm {
            level: "province".into(),
            ..UnitForm::default()
        },
        unit_id: None,
        extensions: vec![],
        kinds: vec![],
        ext: Default::default(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(campaign_id): Path<CampaignId>,
    Form(f): Form<UnitForm>,
) -> AppResult<Response> {
    campaigns::get(&state.db, campaign_id).await?;
    let mut page = Page::new(&meta, &user, "unit-new-title");
    if let Some(input) = f.validate(&mut page) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        match units::create(&state.db, &ctx, campaign_id, &input).await {
            Ok(_) => {
                return Ok(Redirect::to(&format!(
                    "/admin/campaigns/{campaign_id}?done=saved#units"
                ))
                .into_response());
            }
            Err(DbError::Conflict(_)) => page.error("code", "unit-code-taken"),
            Err(e) => return Err(e.into()),
        }
    }
    let body = FormPage {
        page,
        action: format!("/admin/campaigns/{campaign_id}/units"),
        campaign_id,
        form: f,
        unit_id: None,
        extensions: vec![],
        kinds: vec![],
        ext: Default::default(),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<UnitId>,
    Query(q): Query<DoneQuery>,
) -> AppResult<FormPage> {
    edit_page(&state, &meta, &user, id, q.done.as_deref()).await
}

/// The unit's edit page; the extension form re-renders it with its errors.
pub async fn edit_page(
    state: &AppState,
    meta: &Meta,
    user: &parindex_db::users::User,
    id: UnitId,
    done: Option<&str>,
) -> AppResult<FormPage> {
    let u = units::get(&state.db, id).await?;
    let page = Page::new(meta, user, "unit-edit-title").with_notice(done);
    let kinds = deadline_kinds(&page);
    Ok(FormPage {
        page,
        action: format!("/admin/units/{id}"),
        campaign_id: u.campaign_id,
        form: UnitForm {
            code: u.code,
            level: u.level.to_string(),
            name: u.name,
            short_name: u.short_name,
            not_ranked: u.not_ranked.then(|| "on".to_string()),
            email_domains: u.email_domains,
        },
        unit_id: Some(id),
        extensions: deadlines::extensions_for_unit(&state.db, id).await?,
        kinds,
        ext: Default::default(),
    })
}

pub async fn update(
    State(state): State<AppState>,
    meta: Meta,
    MohaAdmin(user): MohaAdmin,
    Path(id): Path<UnitId>,
    Form(f): Form<UnitForm>,
) -> AppResult<Response> {
    let existing = units::get(&state.db, id).await?;
    let mut page = Page::new(&meta, &user, "unit-edit-title");
    if let Some(input) = f.validate(&mut page) {
        let ctx = meta.ctx(Some(user.id), &user.username, state.clock.now_ms());
        match units::update(&state.db, &ctx, id, &input).await {
            Ok(_) => {
                return Ok(
                    Redirect::to(&format!("/admin/units/{id}/edit?done=saved")).into_response()
                );
            }
            Err(DbError::Conflict(_)) => page.error("code", "unit-code-taken"),
            Err(DbError::Refused(key)) => page.error("level", key),
            Err(e) => return Err(e.into()),
        }
    }
    let kinds = deadline_kinds(&page);
    let body = FormPage {
        page,
        action: format!("/admin/units/{id}"),
        campaign_id: existing.campaign_id,
        form: f,
        unit_id: Some(id),
        extensions: deadlines::extensions_for_unit(&state.db, id).await?,
        kinds,
        ext: Default::default(),
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
