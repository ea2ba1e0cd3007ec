//! The unit's respondent list (danh sách đối tượng khảo sát): search without tones, Vietnamese name
//! order, filters by group and organisation, counts against each group's rule, online add / edit /
//! remove, exceptions for a group that cannot be complete, and sending the list to MoHA. Everything
//! locks when the list is sent, and at the list deadline, on the server.

use crate::auth::{UnitOfficer, UnitReader};
use crate::error::{AppError, AppResult};
use crate::meta::Meta;
use crate::service::respondents::{Loaded, stale};
use crate::state::AppState;
use crate::ui::layout::Page;
use crate::ui::pager::Pager;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::respondents::{self as store, Exception, Stored};
use parindex_db::users::User;
use parindex_domain::UnitId;
use parindex_domain::respondents::{
    ListState, RawRow, Respondent, Rule, check, may_decide_exception, may_review,
};
use parindex_domain::{Role, text};

pub(crate) fn rule_text(page: &Page, rule: Rule) -> String {
    match rule {
        Rule::All => page.t("rl-rule-all"),
        Rule::PerOrganisation { exactly } => page
            .lang
            .t_args("rl-rule-per-org", &[("n", exactly.to_string())]),
        Rule::MaxOrganisations { max } => page
            .lang
            .t_args("rl-rule-max-orgs", &[("n", max.to_string())]),
    }
}

pub struct GroupRow {
    pub code: String,
    pub name: String,
    pub rule: String,
    pub count: usize,
    pub organisations: usize,
    pub status: String,
    pub status_label: String,
    pub exception: Option<Exception>,
    /// Whether this user may ask MoHA for an exception for the group now.
    pub may_ask: bool,
    /// Whether this user may decide the group's pending exception now.
    pub may_decide: bool,
}

pub struct PersonRow {
    pub id: i64,
    pub full_name: String,
    pub position: String,
    pub organisation: String,
    pub group: String,
    pub email: String,
    pub phone: String,
    pub stand_in: bool,
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub group: String,
    pub org: String,
    /// The page of the list (`ui::pager`).
    pub p: String,
    pub done: Option<String>,
    /// The person whose edit form is open.
    pub edit: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "respondents.html")]
pub struct ListPage {
    pub page: Page,
    pub unit_id: UnitId,
    pub state: ListState,
    pub state_label: String,
    pub moha_comment: String,
    pub open: bool,
    /// Whether this user may change the list now (the domain decides; the template asks).
    pub editable: bool,
    /// Whether this user may accept or return the sent list now.
    pub may_review: bool,
    pub is_officer: bool,
    pub groups: Vec<GroupRow>,
    /// (code, name) for the selects.
    pub group_options: Vec<(String, String)>,
    pub organisations: Vec<String>,
    /// The people on this page of the searched and filtered list.
    pub people: Vec<PersonRow>,
    pub pager: Pager,
    pub total: usize,
    pub shown: usize,
    pub q: String,
    pub group: String,
    pub org: String,
    pub sendable: bool,
    pub has_stand_ins: bool,
    pub edit: Option<i64>,
    /// The add/edit form as typed when it had problems: (field, value).
    pub typed: Vec<(String, String)>,
}

impl ListPage {
    /// The text fields of the add/edit form: (field, label key).
    pub fn fields(&self) -> &'static [(&'static str, &'static str)] {
        &[
            ("full_name", "rl-name"),
            ("position", "rl-position"),
            ("organisation", "rl-organisation"),
            ("email", "rl-email"),
            ("phone", "rl-phone"),
        ]
    }

    pub fn typed(&self, field: &str) -> String {
        self.typed
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

pub(crate) fn list_page(meta: &Meta, user: &User, l: &Loaded, q: &ListQuery) -> ListPage {
    let mut page = Page::new(meta, user, "rl-title");
    page.title = format!("{} · {}", page.t("rl-title"), l.cx.unit.short_name);
    let cov = l.coverage();
    let groups: Vec<GroupRow> = l
        .groups
        .iter()
        .zip(cov.iter())
        .map(|(g, c)| GroupRow {
            code: g.code.clone(),
            name: g.name_vi.clone(),
            rule: rule_text(&page, g.rule),
            count: c.count,
            organisations: c.organisations,
            status: c.status.as_str().to_string(),
            status_label: page.t(&format!("rl-status-{}", c.status.as_str())),
            exception: l.exceptions.iter().find(|e| e.group == g.code).cloned(),
            may_ask: l.may_ask_exception(user, &g.code).is_ok(),
            may_decide: l
                .exceptions
                .iter()
                .any(|e| e.group == g.code && may_decide_exception(e.state, user.role).is_ok()),
        })
        .collect();
    let mut organisations: Vec<String> = l
        .people
        .iter()
        .map(|p| p.person.organisation.clone())
        .collect();
    organisations.sort_by(|a, b| text::compare_titles(a, b));
    organisations.dedup_by(|a, b| text::search_key(a) == text::search_key(b));
    let org_key = text::search_key(&q.org);
    let mut people: Vec<&Stored> = l
        .people
        .iter()
        .filter(|p| q.group.is_empty() || p.person.group == q.group)
        .filter(|p| org_key.is_empty() || text::search_key(&p.person.organisation) == org_key)
        .filter(|p| {
            q.q.trim().is_empty()
                || text::matches(&p.person.full_name, &q.q)
                || text::matches(&p.person.email, &q.q)
                || text::matches(&p.person.organisation, &q.q)
        })
        .collect();
    people.sort_by(|a, b| text::compare_names(&a.person.full_name, &b.person.full_name));
    let enc = crate::render_error::urlencode;
    let pager = Pager::new(
        &format!("/unit/{}/respondents", l.cx.unit.id),
        &format!(
            "q={}&group={}&org={}",
            enc(&q.q),
            enc(&q.group),
            enc(&q.org)
        ),
        people.len(),
        &q.p,
        "people",
    );
    let is_officer = user.role == Role::UnitOfficer;
    ListPage {
        unit_id: l.cx.unit.id,
        state: l.list.state,
        state_label: page.t(&format!("rl-state-{}", l.list.state.as_str())),
        moha_comment: l.list.moha_comment.clone(),
        open: l.open,
        editable: l.may_edit(user).is_ok(),
        may_review: may_review(l.list.state, user.role).is_ok(),
        is_officer,
        sendable: cov.iter().all(|c| c.status.sendable()),
        has_stand_ins: l.groups.iter().any(|g| g.stand_ins),
        group_options: l
            .groups
            .iter()
            .map(|g| (g.code.clone(), g.name_vi.clone()))
            .collect(),
        shown: people.len(),
        total: l.people.len(),
        people: pager
            .take(people)
            .into_iter()
            .map(|s| PersonRow {
                id: s.id,
                full_name: s.person.full_name.clone(),
                position: s.person.position.clone(),
                organisation: s.person.organisation.clone(),
                group: l.group_name(&s.person.group),
                email: s.person.email.clone(),
                phone: s.person.phone.clone(),
                stand_in: s.person.stand_in,
            })
            .collect(),
        pager,
        groups,
        organisations,
        q: q.q.clone(),
        group: q.group.clone(),
        org: q.org.clone(),
        edit: q.edit,
        typed: Vec::new(),
        page,
    }
}

pub async fn show(
    State(state): State<AppState>,
    meta: Meta,
    r: UnitReader,
    Query(q): Query<ListQuery>,
) -> AppResult<ListPage> {
    let l = Loaded::load(&state, r.unit_id).await?;
    let mut p = list_page(&meta, &r.user, &l, &q);
    p.page = p.page.with_notice(q.done.as_deref());
    // The edit form opens with the person's current details.
    if let Some(person) = q.edit.and_then(|id| l.people.iter().find(|s| s.id == id)) {
        let x = &person.person;
        p.typed = vec![
            ("full_name".into(), x.full_name.clone()),
            ("position".into(), x.position.clone()),
            ("organisation".into(), x.organisation.clone()),
            ("group".into(), x.group.clone()),
            ("email".into(), x.email.clone()),
            ("phone".into(), x.phone.clone()),
            ("stand_in".into(), if x.stand_in { "x" } else { "" }.into()),
        ];
    } else if q.edit.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

#[derive(Debug, serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct PersonForm {
    pub full_name: String,
    pub position: String,
    pub organisation: String,
    pub group: String,
    pub email: String,
    pub phone: String,
    pub stand_in: String,
}

async fn save(
    state: &AppState,
    meta: &Meta,
    o: &UnitOfficer,
    id: Option<i64>,
    f: PersonForm,
) -> AppResult<Response> {
    let l = Loaded::load(state, o.unit_id).await?;
    l.ensure_editable(state, &o.user)?;
    if let Some(id) = id
        && !l.people.iter().any(|p| p.id == id)
    {
        return Err(AppError::NotFound);
    }
    let raw = RawRow {
        line: 1,
        full_name: f.full_name.clone(),
        position: f.position.clone(),
        organisation: f.organisation.clone(),
        group: f.group.clone(),
        email: f.email.clone(),
        phone: f.phone.clone(),
        stand_in: if f.stand_in.is_empty() {
            String::new()
        } else {
            "x".into()
        },
    };
    let others: Vec<Respondent> = l
        .people
        .iter()
        .filter(|p| Some(p.id) != id)
        .map(|p| p.person.clone())
        .collect();
    let checked = check(&[raw], &l.groups, &l.domains(), &others);
    let errors: Vec<_> = checked
        .problems
        .iter()
        .filter(|p| !p.warning() && p.line == 1)
        .collect();
    // A single person can break a group quota only by going over it.
    if !errors.is_empty() || checked.rows.is_empty() {
        let q = ListQuery {
            edit: id,
            ..ListQuery::default()
        };
        let mut body = list_page(meta, &o.user, &l, &q);
        for p in &errors {
            let field = p.column.map_or("full_name", |c| c.field());
            body.page.error_msg(field, problem_text(meta, p));
        }
        body.typed = vec![
            ("full_name".into(), f.full_name),
            ("position".into(), f.position),
            ("organisation".into(), f.organisation),
            ("group".into(), f.group),
            ("email".into(), f.email),
            ("phone".into(), f.phone),
            ("stand_in".into(), f.stand_in),
        ];
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
    }
    let person = checked
        .rows
        .into_iter()
        .next()
        .map(|(_, r)| r)
        .ok_or(AppError::BadRequest("error-bad-input"))?;
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    let saved = store::save_person(&state.db, &ctx, l.cx.campaign.id, o.unit_id, id, &person)
        .await
        .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{}/respondents?done=saved#person-{saved}",
        o.unit_id
    ))
    .into_response())
}

/// A problem in the user's language.
pub(crate) fn problem_text(meta: &Meta, p: &parindex_domain::respondents::Problem) -> String {
    meta.lang.say(&p.message())
}

pub async fn add(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    save(&state, &meta, &o, None, f).await
}

pub async fn edit(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, id)): Path<(UnitId, i64)>,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    save(&state, &meta, &o, Some(id), f).await
}

pub async fn remove(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Path((_unit, id)): Path<(UnitId, i64)>,
) -> AppResult<Redirect> {
    let l = Loaded::load(&state, o.unit_id).await?;
    l.ensure_editable(&state, &o.user)?;
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    store::remove_person(&state.db, &ctx, l.cx.campaign.id, o.unit_id, id)
        .await
        .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{}/respondents?done=removed",
        o.unit_id
    )))
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct SendForm {
    pub confirm: String,
}

pub async fn send(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<SendForm>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    l.ensure_editable(&state, &o.user)?;
    if !l.coverage().iter().all(|c| c.status.sendable()) {
        return Err(AppError::BadRequest("rl-rules-not-met"));
    }
    if f.confirm != "yes" {
        return Ok(refused_in_place(
            &meta,
            &o.user,
            &l,
            "confirm",
            "sa-confirm-required",
            Vec::new(),
        ));
    }
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    store::transition(
        &state.db,
        &ctx,
        l.cx.campaign.id,
        o.unit_id,
        ListState::Draft,
        ListState::Sent,
        "",
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!("/unit/{}/respondents?done=rl-sent", o.unit_id)).into_response())
}

/// The list again, with `key` said at `field` and what was typed kept, for a form refused before
/// anything changed.
pub(crate) fn refused_in_place(
    meta: &Meta,
    user: &User,
    l: &Loaded,
    field: &str,
    key: &str,
    typed: Vec<(String, String)>,
) -> Response {
    let mut body = list_page(meta, user, l, &ListQuery::default());
    body.page.error(field, key);
    body.typed = typed;
    (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct ExceptionForm {
    pub group: String,
    pub reason: String,
}

pub async fn exception(
    State(state): State<AppState>,
    meta: Meta,
    o: UnitOfficer,
    Form(f): Form<ExceptionForm>,
) -> AppResult<Response> {
    let l = Loaded::load(&state, o.unit_id).await?;
    l.ensure_editable(&state, &o.user)?;
    if !l.groups.iter().any(|g| g.code == f.group) {
        return Err(AppError::BadRequest("rl-unknown-group"));
    }
    l.may_ask_exception(&o.user, &f.group)
        .map_err(|e| AppError::BadRequest(e.message_key()))?;
    let reason = text::clean(&f.reason);
    if reason.chars().count() < 10 || reason.chars().count() > 2000 {
        let field = format!("reason-{}", f.group);
        return Ok(refused_in_place(
            &meta,
            &o.user,
            &l,
            &field,
            "rl-reason-required",
            vec![(field.clone(), f.reason)],
        ));
    }
    let ctx = meta.ctx(Some(o.user.id), &o.user.username, state.clock.now_ms());
    store::request_exception(
        &state.db,
        &ctx,
        l.cx.campaign.id,
        o.unit_id,
        &f.group,
        &reason,
    )
    .await
    .map_err(stale)?;
    Ok(Redirect::to(&format!(
        "/unit/{}/respondents?done=rl-exception#groups",
        o.unit_id
    ))
    .into_response())
}
