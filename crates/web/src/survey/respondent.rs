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
use parindex_db::{DbError, throttle};
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
}

impl Open {
    fn questionnaire(&self) -> AppResult<&Questionnaire> {
        self.set
            .for_group(&self.link.group_code)
            .ok_or(AppError::Internal(format!(
                "no questionnaire for group {} ({})",
                self.link.group_code, self.link.unit_level
            )))
    }

    fn base(&self) -> String {
        format!("/s/{}", self.token)
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
async fn gate(state: &AppState, meta: &Meta, token: &str) -> AppResult<Result<Open, Response>> {
    let now = state.clock.now_ms();
    let Some(link) = survey::by_token(&state.db, token).await? else {
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
            &link.unit_level,
            link.questionnaire_sha.as_deref(),
        )
        .await?
        .ok_or(AppError::Internal(
            "the campaign has no questionnaires".into(),
        ))?;
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

/// The link, if the request may go on; otherwise the page that answers it.
async fn admit(
    state: &AppState,
    meta: &Meta,
    token: &str,
    need: Need,
) -> AppResult<Result<Open, Response>> {
    let open = match gate(state, meta, token).await? {
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
        signed_in_unit,
    }
}

/// Records that the respondent was shown something (a page, the check page).
async fn record(
    state: &AppState,
    meta: &Meta,
    headers: &HeaderMap,
    open: &Open,
    what: &str,
    page: i64,
) -> AppResult<()> {
    let t = trace(state, meta, headers, &open.link).await;
    let id = open.link.invitation_id;
    Ok(survey::record_event(&state.db, id, what, page, &t, state.clock.now_ms()).await?)
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
    let open = match admit(&state, &meta, &token, Need::Open).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let t = trace(&state, &meta, &headers, &open.link).await;
    survey::opened(&state.db, open.link.invitation_id, &t, state.clock.now_ms()).await?;
    let qn = open.questionnaire()?;
    let title = meta.lang.pick(&qn.title_vi, &qn.title_en);
    let mut page = Page::bare(meta.lang, &meta.path, &title);
    page = page.with_notice(done.done.as_deref());
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
    let open = match admit(&state, &meta, &token, Need::Open).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let mut set_cookie = None;
    let mut headers = headers;
    if cookies::get(&headers, SESSION_COOKIE).is_none() {
        let sid =
            parindex_domain::token::generate().map_err(|e| AppError::Internal(e.to_string()))?;
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
    match survey::start(&state.db, open.link.invitation_id, &t, state.clock.now_ms()).await {
        Ok(()) => {}
        Err(DbError::Stale) => return Ok(Redirect::to(&open.base()).into_response()),
        Err(e) => return Err(e.into()),
    }
    let qn = open.questionnaire()?;
    let answers = survey::answers(&state.db, open.link.invitation_id).await?;
    let first = answering::missing(qn, &answers)
        .first()
        .and_then(|q| answering::page_of(qn, &q.code))
        .unwrap_or(1);
    let mut r = Redirect::to(&format!("{}/page/{first}", open.base())).into_response();
    if let Some(c) = set_cookie.and_then(|c| header::HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(r)
}

pub struct OptionView {
    pub key: String,
    pub label: String,
    pub checked: bool,
}

pub struct QuestionView {
    pub code: String,
    pub field: String,
    pub number: usize,
    pub text: String,
    pub options: Vec<OptionView>,
    pub error: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey_page.html")]
pub struct QuestionPage {
    pub page: Page,
    pub base: String,
    pub unit_name: String,
    pub deadline: String,
    pub number: usize,
    pub pages: usize,
    pub questions: Vec<QuestionView>,
    pub percent: usize,
}

fn question_views(
    lang: Lang,
    set: &QuestionnaireSet,
    qn: &Questionnaire,
    n: usize,
    chosen: &HashMap<String, String>,
    bad: &[String],
) -> Vec<QuestionView> {
    answering::page(qn, n)
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionView {
            code: q.code.clone(),
            field: answering::field_name(&q.code),
            number: (n - 1) * PER_PAGE + i + 1,
            text: lang.pick(&q.text_vi, &q.text_en),
            options: set
                .options(q)
                .iter()
                .map(|o| OptionView {
                    key: o.key.clone(),
                    label: lang.pick(&o.label_vi, &o.label_en),
                    checked: chosen.get(&q.code) == Some(&o.key),
                })
                .collect(),
            error: bad.contains(&q.code),
        })
        .collect()
}

fn question_page(
    meta: &Meta,
    open: &Open,
    qn: &Questionnaire,
    n: usize,
    chosen: &HashMap<String, String>,
    bad: &[String],
) -> QuestionPage {
    let title = meta.lang.pick(&qn.title_vi, &qn.title_en);
    let mut page = Page::bare(meta.lang, &meta.path, &title);
    let questions = question_views(meta.lang, &open.set, qn, n, chosen, bad);
    for q in questions.iter().filter(|q| q.error) {
        let msg = meta
            .lang
            .t_args("sv-bad-option", &[("number", q.number.to_string())]);
        let first = q
            .options
            .first()
            .map(|o| o.key.as_str())
            .unwrap_or_default();
        page.error_msg(&format!("{}-{first}", q.field), msg);
    }
    let pages = answering::page_count(qn);
    QuestionPage {
        page,
        base: open.base(),
        unit_name: open.link.unit_name.clone(),
        deadline: open.deadline.clone().unwrap_or_default(),
        number: n,
        pages,
        questions,
        percent: (n - 1) * 100 / pages,
    }
}

pub async fn show_page(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path((token, n)): Path<(String, usize)>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Started).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let qn = open.questionnaire()?;
    if answering::page(qn, n).is_empty() {
        return Err(AppError::NotFound);
    }
    record(&state, &meta, &headers, &open, event::PAGE_SHOWN, n as i64).await?;
    let chosen = survey::answers(&state.db, open.link.invitation_id).await?;
    Ok(question_page(&meta, &open, qn, n, &chosen, &[]).into_response())
}

pub async fn save_page(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path((token, n)): Path<(String, usize)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Open).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let qn = open.questionnaire()?;
    let questions = answering::page(qn, n);
    if questions.is_empty() {
        return Err(AppError::NotFound);
    }
    let answers = match answering::read_page(&open.set, questions, &form) {
        Ok(a) => a,
        Err(bad) => {
            let mut chosen = survey::answers(&state.db, open.link.invitation_id).await?;
            for q in questions {
                if let Some(k) = form.get(&answering::field_name(&q.code)) {
                    chosen.insert(q.code.clone(), k.clone());
                }
            }
            let body = question_page(&meta, &open, qn, n, &chosen, &bad);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response());
        }
    };
    let t = trace(&state, &meta, &headers, &open.link).await;
    match survey::save_answers(
        &state.db,
        open.link.invitation_id,
        n as i64,
        &answers,
        &t,
        state.clock.now_ms(),
    )
    .await
    {
        Ok(()) => {}
        Err(DbError::Stale) => return Ok(Redirect::to(&open.base()).into_response()),
        Err(e) => return Err(e.into()),
    }
    let pages = answering::page_count(qn);
    let to = match form.get("go").map(String::as_str) {
        Some("prev") if n > 1 => format!("{}/page/{}", open.base(), n - 1),
        Some("stop") => format!("{}?done=survey-saved", open.base()),
        Some("check") => format!("{}/check", open.base()),
        _ if n < pages => format!("{}/page/{}", open.base(), n + 1),
        _ => format!("{}/check", open.base()),
    };
    Ok(Redirect::to(&to).into_response())
}

pub struct CheckRow {
    pub number: usize,
    pub text: String,
    pub answer: Option<String>,
    pub edit: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "survey_check.html")]
pub struct CheckPage {
    pub page: Page,
    pub base: String,
    pub unit_name: String,
    pub deadline: String,
    pub rows: Vec<CheckRow>,
    pub missing: usize,
}

async fn check_page(
    state: &AppState,
    meta: &Meta,
    open: &Open,
    show_missing: bool,
) -> AppResult<CheckPage> {
    let qn = open.questionnaire()?;
    let chosen = survey::answers(&state.db, open.link.invitation_id).await?;
    let rows: Vec<CheckRow> = qn
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| CheckRow {
            number: i + 1,
            text: meta.lang.pick(&q.text_vi, &q.text_en),
            answer: chosen.get(&q.code).and_then(|k| {
                open.set
                    .options(q)
                    .iter()
                    .find(|o| &o.key == k)
                    .map(|o| format!("{}. {}", o.key, meta.lang.pick(&o.label_vi, &o.label_en)))
            }),
            edit: format!(
                "{}/page/{}#{}",
                open.base(),
                answering::page_of(qn, &q.code).unwrap_or(1),
                answering::field_name(&q.code)
            ),
        })
        .collect();
    let missing = rows.iter().filter(|r| r.answer.is_none()).count();
    let mut page = Page::bare(meta.lang, &meta.path, &meta.lang.t("sv-check-title"));
    if show_missing && missing > 0 {
        page.error_msg(
            "missing-first",
            meta.lang
                .t_args("sv-missing", &[("count", missing.to_string())]),
        );
    }
    Ok(CheckPage {
        page,
        base: open.base(),
        unit_name: open.link.unit_name.clone(),
        deadline: open.deadline.clone().unwrap_or_default(),
        rows,
        missing,
    })
}

pub async fn check(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Started).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    record(&state, &meta, &headers, &open, event::CHECK_SHOWN, 0).await?;
    Ok(check_page(&state, &meta, &open, false)
        .await?
        .into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Link).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    if open.link.completed_at.is_some() {
        return Ok(status_page(
            &meta,
            StatusCode::CONFLICT,
            "sv-already",
            &[],
            &open.link.unit_name,
        ));
    }
    if let Some(r) = finished(&meta, &open) {
        return Ok(r);
    }
    let page = check_page(&state, &meta, &open, true).await?;
    if page.missing > 0 {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let t = trace(&state, &meta, &headers, &open.link).await;
    if survey::submit(&state.db, open.link.invitation_id, &t, state.clock.now_ms()).await? {
        metrics::counter!("parindex_survey_completed_total").increment(1);
        Ok(status_page(
            &meta,
            StatusCode::OK,
            "sv-thanks",
            &[],
            &open.link.unit_name,
        ))
    } else {
        Ok(status_page(
            &meta,
            StatusCode::CONFLICT,
            "sv-already",
            &[],
            &open.link.unit_name,
        ))
    }
}
