//! The question pages: one page of questions shown with the saved answers, and a page's answers saved.

use super::*;
use parindex_domain::criteria::CriteriaSet;

pub struct OptionView {
    pub key: String,
    pub label: String,
    pub checked: bool,
}

pub struct QuestionView {
    /// The field and criterion the question is about, shown where they change on the page.
    pub heading: Option<String>,
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
    /// The numbers of this page's questions still unanswered, when the respondent pressed "next"
    /// without them: shown with a way to go on anyway.
    pub unanswered: Vec<usize>,
}

impl QuestionPage {
    /// "3, 5": the unanswered questions' numbers.
    pub fn unanswered_list(&self) -> String {
        self.unanswered
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// "2. Field name › 2.3. Criterion name" for the item a question feeds.
fn heading_of(lang: Lang, criteria: &CriteriaSet, leaf: &str) -> Option<String> {
    let (field, criterion) = criteria.path_to(leaf)?;
    let name = |n: &parindex_domain::criteria::Node| {
        format!("{}. {}", n.code, lang.pick(&n.name_vi, &n.name_en))
    };
    Some(match criterion {
        Some(c) => format!("{} › {}", name(field), name(c)),
        None => name(field),
    })
}

fn question_views(
    lang: Lang,
    set: &QuestionnaireSet,
    criteria: Option<&CriteriaSet>,
    qn: &Questionnaire,
    n: usize,
    chosen: &HashMap<String, String>,
    bad: &[String],
) -> Vec<QuestionView> {
    let mut last: Option<String> = None;
    answering::page(qn, n)
        .iter()
        .enumerate()
        .map(|(i, q)| QuestionView {
            heading: criteria
                .and_then(|c| heading_of(lang, c, &q.leaf))
                .filter(|h| last.as_ref() != Some(h))
                .inspect(|h| last = Some(h.clone())),
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
    criteria: Option<&CriteriaSet>,
    qn: &Questionnaire,
    n: usize,
    chosen: &HashMap<String, String>,
    bad: &[String],
) -> QuestionPage {
    let title = meta.lang.pick(&qn.title_vi, &qn.title_en);
    let mut page = open.page(meta, &title);
    let questions = question_views(meta.lang, &open.set, criteria, qn, n, chosen, bad);
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
        unanswered: Vec::new(),
    }
}

#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct PageQuery {
    /// Set when "next" was pressed with questions of this page unanswered.
    pub unanswered: Option<String>,
}

pub async fn show_page(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path((token, n)): Path<(String, usize)>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Started, With::Answers).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    let qn = open.questionnaire()?;
    if answering::page(qn, n).is_empty() {
        return Err(AppError::NotFound);
    }
    record(&state, &meta, &headers, &open, event::PAGE_SHOWN, n as i64).await?;
    let chosen = open.saved()?;
    let criteria = state.criteria_by_code(&open.set.set.criteria_set).await?;
    let mut page = question_page(&meta, &open, criteria.as_deref(), qn, n, chosen, &[]);
    if q.unanswered.is_some() {
        page.unanswered = page
            .questions
            .iter()
            .filter(|q| !chosen.contains_key(&q.code))
            .map(|q| q.number)
            .collect();
    }
    Ok(page.into_response())
}

pub async fn save_page(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path((token, n)): Path<(String, usize)>,
    Form(form): Form<HashMap<String, String>>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Open, With::Link).await? {
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
        Err(bad) => return refused(&state, &meta, &open, n, &form, &bad).await,
    };
    let t = trace(&state, &meta, &headers, &open.link).await;
    match survey::save_answers(
        &state.writes,
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
    // "Next" with questions of this page left unanswered stays on the page to say which, with a
    // way to go on anyway, rather than letting a whole page be skipped unnoticed.
    let go = form.get("go").map(String::as_str);
    if go == Some("next") && n < pages && answers.len() < questions.len() {
        let saved = survey::answers(&state.db, open.link.invitation_id).await?;
        if questions.iter().any(|q| !saved.contains_key(&q.code)) {
            let here = format!("{}/page/{n}?unanswered=1#sv-unanswered", open.base());
            return Ok(Redirect::to(&here).into_response());
        }
    }
    Ok(Redirect::to(&destination(&open.base(), go, n, pages)).into_response())
}

/// Where a saved page leads: the button pressed (`go`), from page `n` of `pages`.
fn destination(base: &str, go: Option<&str>, n: usize, pages: usize) -> String {
    match go {
        Some("prev") if n > 1 => format!("{base}/page/{}", n - 1),
        Some("stop") => format!("{base}?done=survey-saved"),
        Some("check") => format!("{base}/check"),
        _ if n < pages => format!("{base}/page/{}", n + 1),
        _ => format!("{base}/check"),
    }
}

/// Page `n` again, refused for `bad` answers, with what was chosen on it kept over what was saved.
async fn refused(
    state: &AppState,
    meta: &Meta,
    open: &Open,
    n: usize,
    form: &HashMap<String, String>,
    bad: &[String],
) -> AppResult<Response> {
    let qn = open.questionnaire()?;
    let mut chosen = survey::answers(&state.db, open.link.invitation_id).await?;
    for q in answering::page(qn, n) {
        if let Some(k) = form.get(&answering::field_name(&q.code)) {
            chosen.insert(q.code.clone(), k.clone());
        }
    }
    let criteria = state.criteria_by_code(&open.set.set.criteria_set).await?;
    let body = question_page(meta, open, criteria.as_deref(), qn, n, &chosen, bad);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
}
