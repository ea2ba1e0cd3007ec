//! The unit's focal contacts: the PAR focal unit and person, and the IT focal officer (name, position,
//! mobile). Only the unit's officers change them, and only until the registration deadline.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::AppResult;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::Page;
use crate::ui::unit_context::UnitContext;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::contacts::{self, FocalContacts};
use parindex_domain::UnitId;
use parindex_domain::deadline::DeadlineKind;
use parindex_domain::{Email, phone, text};

#[derive(Template, WebTemplate)]
#[template(path = "focal.html")]
pub struct FocalPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub form: FocalContacts,
    pub editable: bool,
    pub open: bool,
    pub due: String,
    /// Copied from last year's campaign and not saved since.
    pub to_confirm: bool,
}

fn page_for(
    meta: &Meta,
    user: &parindex_db::users::User,
    cx: &UnitContext,
    form: FocalContacts,
    now: time::OffsetDateTime,
) -> FocalPage {
    let page = Page::new(meta, user, "focal-title");
    let open = cx.ensure_open(DeadlineKind::FocalRegistration, now).is_ok();
    let due = cx
        .deadlines
        .iter()
        .find(|d| d.kind == DeadlineKind::FocalRegistration)
        .and_then(|d| d.due_date.clone())
        .map(|d| page.date(&d))
        .unwrap_or_default();
    FocalPage {
        unit_id: cx.unit.id,
        editable: user.role == parindex_domain::Role::UnitOfficer && open,
        open,
        due,
        form,
        page,
        to_confirm: cx.focal.as_ref().is_some_and(|f| f.to_confirm),
    }
}

pub async fn form(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
) -> AppResult<FocalPage> {
    let cx = UnitContext::load(&state, r.unit_id).await?;
    let form = cx.focal.clone().map(|f| f.contacts).unwrap_or_default();
    Ok(page_for(&meta, &r.user, &cx, form, state.clock.now()))
}

fn validate(f: &FocalContacts, page: &mut Page) -> Option<FocalContacts> {
    let mut out = FocalContacts {
        par_unit: text::clean(&f.par_unit),
        par_name: text::clean(&f.par_name),
        par_phone: String::new(),
        par_email: String::new(),
        it_name: text::clean(&f.it_name),
        it_position: text::clean(&f.it_position),
        it_mobile: String::new(),
    };
    for (field, v) in [
        ("par_unit", &out.par_unit),
        ("par_name", &out.par_name),
        ("it_name", &out.it_name),
        ("it_position", &out.it_position),
    ] {
        if v.is_empty() {
            page.error(field, "field-required");
        } else if v.chars().count() > 200 {
            page.error(field, "field-too-long");
        }
    }
    match phone::normalize(&f.par_phone) {
        Ok(p) => out.par_phone = p,
        Err(_) => page.error("par_phone", "phone-invalid"),
    }
    match Email::parse(&f.par_email) {
        Ok(e) => out.par_email = e.to_string(),
        Err(_) => page.error("par_email", "email-invalid"),
    }
    match phone::normalize(&f.it_mobile) {
        Ok(p) if p.len() == 10 => out.it_mobile = p,
        _ => page.error("it_mobile", "mobile-invalid"),
    }
    (!page.has_errors()).then_some(out)
}

pub async fn submit(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<FocalContacts>,
) -> AppResult<Response> {
    let cx = UnitContext::load(&state, o.unit_id).await?;
    let now = state.clock.now();
    let mut page = Page::new(&meta, &o.user, "focal-title");
    match validate(&f, &mut page) {
        Some(clean) => {
            let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
            contacts::set_focal(&state.db, &ctx, cx.campaign.id, o.unit_id, &clean).await?;
            Ok(Redirect::to(&format!("/unit/{}?done=saved", o.unit_id)).into_response())
        }
        None => {
            let mut body = page_for(&meta, &o.user, &cx, f, now);
            body.page.errors = page.errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
    }
}
