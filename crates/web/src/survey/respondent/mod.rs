//! The respondent's pages, reached from the personal link in the e-mail (`/s/{token}`), without an
//! account. Opening the link changes nothing but "opened" (mail scanners open links): the respondent
//! presses Start. Answers are saved page by page and resume from the same link; a "check your
//! answers" page comes before the one final submission, which stores exactly one response however
//! often it is sent. Unknown, replaced and closed links say so plainly, and guessing links from one
//! address is slowed down. Every step leaves paradata (salted hashes only) for the integrity checks.

use crate::auth::session::current_user;
use crate::cookies;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::meta::Meta;
use crate::state::AppState;
use crate::ui::layout::{DoneQuery, Page};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use parindex_db::survey::{self, LinkView, Trace};
use parindex_db::survey_events::Event;
use parindex_db::{DbError, throttle};
use parindex_domain::UnitId;
use parindex_domain::deadline;
use parindex_domain::survey::answering::{self, PER_PAGE};
use parindex_domain::survey::paradata::{event, salted_hash};
use parindex_domain::survey::{Questionnaire, QuestionnaireSet};
use std::collections::HashMap;
use std::sync::Arc;

/// The key failed link look-ups are counted under, per address.
const GUESS_KEY: &str = throttle::SURVEY_LINK_BUCKET;
/// Unknown links one address may try in the window before it is made to wait (generous: many
/// respondents of one office may share an address).
const GUESS_LIMIT: i64 = 50;
const GUESS_WINDOW_MS: i64 = 15 * 60_000;
/// The respondent's browser session (for paradata only; the link is the credential).
const SESSION_COOKIE: &str = "parindex_rs";

/// A link that leads somewhere, with what its pages need.
struct Open {
    token: String,
    link: LinkView,
    set: Arc<QuestionnaireSet>,
    /// The answer deadline as dd/mm/yyyy, if one is set.
    deadline: Option<String>,
    closed: bool,
    /// The answers saved so far, by question code, when the request read them with the link.
    saved: Option<HashMap<String, String>>,
}

impl Open {
    fn questionnaire(&self) -> AppResult<&Questionnaire> {
        self.set.for_group(&self.link.group_code).ok_or_else(|| {
            AppError::bug(format!(
                "no questionnaire for group {} ({})",
                self.link.group_code, self.link.unit_level
            ))
        })
    }

    /// The answers saved so far, read with the link ([`With::Answers`]).
    fn saved(&self) -> AppResult<&HashMap<String, String>> {
        self.saved
            .as_ref()
            .ok_or_else(|| AppError::bug("the answers were not read with the link"))
    }

    fn base(&self) -> String {
        format!("/s/{}", self.token)
    }

    /// A page of this survey, its header naming the campaign's organiser.
    fn page(&self, meta: &Meta, title: &str) -> Page {
        Page::bare(meta.lang, &meta.path, title).with_owner(&self.link.organiser)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "survey_status.html")]
pub struct StatusPage {
    pub page: Page,
    pub message: String,
    pub unit_name: String,
}

fn status_page(
    meta: &Meta,
    status: StatusCode,
    key: &str,
    args: &[(&str, String)],
    unit: &str,
) -> Response {
    let page = Page::bare(meta.lang, &meta.path, &meta.lang.t("sv-title"));
    let body = StatusPage {
        page,
        message: meta.lang.t_args(key, args),
        unit_name: unit.to_string(),
    };
    (status, body).into_response()
}

/// Finds the link, or answers for it: too many guesses, unknown, replaced. A valid link always
/// opens, however many wrong ones came from the same address (an office behind one address); only
/// unknown links count, and past the limit they are answered 429 until the window has passed.
async fn gate(
    state: &AppState,
    meta: &Meta,
    token: &str,
    with: With,
) -> AppResult<Result<Open, Response>> {
    let now = state.clock.now_ms();
    let found = match with {
        With::Link => survey::by_token(&state.db, token).await?.map(|l| (l, None)),
        With::Answers => survey::by_token_with_answers(&state.db, token)
            .await?
            .map(|(l, a)| (l, Some(a))),
    };
    let Some((link, saved)) = found else {
        let guesses =
            throttle::recent_by_ip(&state.db, GUESS_KEY, &meta.ip, now - GUESS_WINDOW_MS).await?;
        if guesses >= GUESS_LIMIT {
            let mut res = status_page(meta, StatusCode::TOO_MANY_REQUESTS, "sv-too-many", &[], "");
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                crate::auth::throttle::retry_after(now + GUESS_WINDOW_MS, now),
            );
            return Ok(Err(res));
        }
        throttle::record(&state.db, GUESS_KEY, &meta.ip, now).await?;
        return Ok(Err(status_page(
            meta,
            StatusCode::NOT_FOUND,
            "sv-unknown",
            &[],
            "",
        )));
    };
    if link.revoked {
        return Ok(Err(status_page(
            meta,
            StatusCode::GONE,
            "sv-replaced",
            &[],
            &link.unit_name,
        )));
    }
    let set = state
        .questionnaire_set(
            link.campaign_id,
            link.unit_level.as_str(),
            link.questionnaire_sha.as_deref(),
        )
        .await?
        .ok_or_else(|| AppError::bug("the campaign has no questionnaires"))?;
    let day = link
        .answer_deadline
        .as_deref()
        .and_then(deadline::parse_date);
    let closed = day.is_some_and(|d| !deadline::is_open(d, state.clock.now()));
    Ok(Ok(Open {
        token: token.to_string(),
        link,
        set,
        deadline: day.map(deadline::display),
        closed,
        saved,
    }))
}

/// How far a request must have come to go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// A known, current link.
    Link,
    /// ... whose response is not in and whose deadline has not passed.
    Open,
    /// ... and whose respondent has pressed Start.
    Started,
}

/// What a request reads with its link, in the same read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum With {
    Link,
    /// ... and the answers saved so far ([`Open::saved`]).
    Answers,
}

/// The link, if the request may go on; otherwise the page that answers it.
async fn admit(
    state: &AppState,
    meta: &Meta,
    token: &str,
    need: Need,
    with: With,
) -> AppResult<Result<Open, Response>> {
    let open = match gate(state, meta, token, with).await? {
        Ok(o) => o,
        Err(r) => return Ok(Err(r)),
    };
    if need != Need::Link
        && let Some(r) = finished(meta, &open)
    {
        return Ok(Err(r));
    }
    if need == Need::Started && open.link.started_at.is_none() {
        return Ok(Err(Redirect::to(&open.base()).into_response()));
    }
    Ok(Ok(open))
}

/// Answers for a link whose response is in, or whose deadline has passed; `None` to go on.
fn finished(meta: &Meta, open: &Open) -> Option<Response> {
    if open.link.completed_at.is_some() {
        return Some(status_page(
            meta,
            StatusCode::OK,
            "sv-done",
            &[],
            &open.link.unit_name,
        ));
    }
    if open.closed {
        let at = open.deadline.clone().unwrap_or_default();
        return Some(status_page(
            meta,
            StatusCode::GONE,
            "sv-closed",
            &[("closed_at", at)],
            &open.link.unit_name,
        ));
    }
    None
}

async fn trace(state: &AppState, meta: &Meta, headers: &HeaderMap, link: &LinkView) -> Trace {
    let salt = &link.salt;
    let signed_in_unit = current_user(state, headers)
        .await
        .ok()
        .flatten()
        .and_then(|u| u.unit_id);
    Trace {
        session_hash: cookies::get(headers, SESSION_COOKIE)
            .map(|s| salted_hash(salt, &s))
            .unwrap_or_default(),
        ip_hash: salted_hash(salt, &meta.ip),
        ua_hash: salted_hash(salt, &meta.user_agent),
        signed_in_unit: signed_in_unit.map(UnitId::get),
    }
}

/// Records that the respondent was shown something (the landing page, a page, the check page),
/// through the event writer; the first opening also counts for progress.
async fn record(
    state: &AppState,
    meta: &Meta,
    headers: &HeaderMap,
    open: &Open,
    what: &'static str,
    page: i64,
) -> AppResult<()> {
    let link = &open.link;
    let e = Event {
        invitation_id: link.invitation_id,
        event: what,
        page,
        trace: trace(state, meta, headers, link).await,
        at: state.clock.now_ms(),
        opens: link.opened_at.is_none(),
    };
    Ok(state.events.record(e).await?)
}

#[derive(Template, WebTemplate)]
#[template(path = "survey_landing.html")]
pub struct LandingPage {
    pub page: Page,
    pub base: String,
    pub unit_name: String,
    pub intro: String,
    pub deadline: String,
    pub questions: usize,
    pub pages: usize,
    pub started: bool,
    pub illustrative: bool,
}

pub async fn landing(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(done): Query<DoneQuery>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Open, With::Link).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let opened = parindex_domain::survey::paradata::event::OPENED;
    record(&state, &meta, &headers, &open, opened, 0).await?;
    let qn = open.questionnaire()?;
    let title = meta.lang.pick(&qn.title_vi, &qn.title_en);
    let page = open.page(&meta, &title).with_notice(done.done.as_deref());
    Ok(LandingPage {
        page,
        base: open.base(),
        unit_name: open.link.unit_name.clone(),
        intro: meta.lang.pick(&qn.intro_vi, &qn.intro_en),
        deadline: open.deadline.clone().unwrap_or_default(),
        questions: qn.questions.len(),
        pages: answering::page_count(qn),
        started: open.link.started_at.is_some(),
        illustrative: open.set.set.illustrative,
    }
    .into_response())
}

pub async fn start(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    // Starting changes no answer: those read with the link say where to go on.
    let open = match admit(&state, &meta, &token, Need::Open, With::Answers).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let mut set_cookie = None;
    let mut headers = headers;
    if cookies::get(&headers, SESSION_COOKIE).is_none() {
        let sid = parindex_domain::token::generate()
            .map_err(|e| AppError::internal("drawing a session id", e))?;
        let c = cookies::set(
            SESSION_COOKIE,
            &sid,
            30 * 24 * 3600,
            state.config.secure_cookies,
        );
        if let Ok(v) = header::HeaderValue::from_str(&format!("{SESSION_COOKIE}={sid}")) {
            headers.insert(header::COOKIE, v);
        }
        set_cookie = Some(c);
    }
    let t = trace(&state, &meta, &headers, &open.link).await;
    match survey::start(
        &state.writes,
        open.link.invitation_id,
        &t,
        state.clock.now_ms(),
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Stale) => return Ok(Redirect::to(&open.base()).into_response()),
        Err(e) => return Err(e.into()),
    }
    let qn = open.questionnaire()?;
    let first = answering::missing(qn, open.saved()?)
        .first()
        .and_then(|q| answering::page_of(qn, &q.code))
        .unwrap_or(1);
    let mut r = Redirect::to(&format!("{}/page/{first}", open.base())).into_response();
    if let Some(c) = set_cookie.and_then(|c| header::HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(r)
}

pub mod questions;
pub mod review;
pub use questions::{save_page, show_page};
pub use review::{check, submit, thanks};
