//! The "check your answers" page and the one final submission.

use super::*;

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

fn check_page(meta: &Meta, open: &Open, show_missing: bool) -> AppResult<CheckPage> {
    let qn = open.questionnaire()?;
    let chosen = open.saved()?;
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
    let mut page = open.page(meta, &meta.lang.t("sv-check-title"));
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
    let open = match admit(&state, &meta, &token, Need::Started, With::Answers).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    record(&state, &meta, &headers, &open, event::CHECK_SHOWN, 0).await?;
    Ok(check_page(&meta, &open, false)?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    meta: Meta,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Link, With::Answers).await? {
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
    let page = check_page(&meta, &open, true)?;
    if page.missing > 0 {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let t = trace(&state, &meta, &headers, &open.link).await;
    if survey::submit(
        &state.writes,
        open.link.invitation_id,
        &t,
        state.clock.now_ms(),
    )
    .await?
    {
        metrics::counter!("parindex_survey_completed_total").increment(1);
        // Post/redirect/get: the response is in once this answer is sent, and a refresh of the
        // thank-you page asks for it again rather than posting the submission twice.
        Ok(Redirect::to(&format!("{}/thanks", open.base())).into_response())
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

/// The thank-you page a submission lands on; a link whose response is not in yet goes back to its
/// start.
pub async fn thanks(
    State(state): State<AppState>,
    meta: Meta,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let open = match admit(&state, &meta, &token, Need::Link, With::Link).await? {
        Ok(o) => o,
        Err(r) => return Ok(r),
    };
    if open.link.completed_at.is_none() {
        return Ok(Redirect::to(&open.base()).into_response());
    }
    Ok(status_page(
        &meta,
        StatusCode::OK,
        "sv-thanks",
        &[],
        &open.link.unit_name,
    ))
}
