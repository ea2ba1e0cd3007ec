//! A respondent answers from the link in the received e-mail.

use super::*;

async fn a_respondent_answers_from_the_link_in_the_email(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_folder, links) = delivered_links(&app).await;
    assert!(links.len() > 2);
    let link = links[0].clone();
    let token = link.trim_start_matches("/s/").to_string();
    let view = survey::by_token(&app.db, &token).await.unwrap().unwrap();
    let c = app.campaign_id().await;
    let set = parindex_db::questionnaires::get(&app.db, c, "province")
        .await
        .unwrap()
        .unwrap();
    let qn = set.for_group(&view.group_code).unwrap().clone();
    let codes: Vec<String> = qn.questions.iter().map(|q| q.code.clone()).collect();
    let pages = codes.len().div_ceil(5);
    assert!(pages >= 2, "the flow needs two pages at least");

    let r = respondent(&app);
    // Opening the link uses nothing up.
    let landing = app.get(&r, &link).await;
    assert_eq!(landing.status(), StatusCode::OK);
    let body = landing.text().await.unwrap();
    assert!(body.contains("Ủy ban nhân dân tỉnh An Giang"));
    assert!(body.contains("Bắt đầu trả lời"));
    // The header says who asks: a personal link from the Ministry, not an unnamed site.
    assert!(
        body.contains("<span class=\"owner\">Bộ Nội vụ</span>"),
        "{body}"
    );
    let v = survey::by_token(&app.db, &token).await.unwrap().unwrap();
    assert!(v.opened_at.is_some() && v.started_at.is_none());
    // No thanks before there is a response: the thank-you address leads back to the start.
    let early = app.get(&r, &format!("{link}/thanks")).await;
    assert_eq!(early.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&early), link);
    // Questions cannot be reached before Start.
    let r0 = app.get(&r, &format!("{link}/page/1")).await;
    assert_eq!(location(&r0), link);

    let s = app.post(&r, &format!("{link}/start"), &[]).await;
    assert_eq!(location(&s), format!("{link}/page/1"));
    assert!(
        s.headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("parindex_rs=")
    );
    let p1 = app
        .get(&r, &format!("{link}/page/1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(p1.contains(&format!("name=\"q_{}\"", codes[0])));
    assert!(p1.contains("<fieldset"));
    // The questions are headed by the field and criterion they are about.
    let leaf = &qn.questions[0].leaf;
    let pins = parindex_db::criteria_sets::pinned(&app.db, c)
        .await
        .unwrap();
    let (_, stored) = pins
        .iter()
        .find(|(l, _)| *l == parindex_domain::Level::Province)
        .unwrap();
    let criteria = parindex_db::criteria_sets::tree(&app.db, stored.id)
        .await
        .unwrap();
    let (field, criterion) = criteria.path_to(leaf).unwrap();
    let heading = format!(
        "<h2 class=\"question-topic\">{}. {} › {}. {}</h2>",
        field.code,
        field.name_vi,
        criterion.unwrap().code,
        criterion.unwrap().name_vi
    );
    assert!(p1.contains(&heading), "{heading}: {p1}");

    // An option that is not offered is refused and nothing is saved.
    let bad_field = format!("q_{}", codes[0]);
    let bad = app
        .post(
            &r,
            &format!("{link}/page/1"),
            &[(&bad_field, "Z"), ("go", "next")],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("error-summary"));
    assert!(
        survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .is_empty()
    );

    // "Next" with three of page 1's questions unanswered: the same page says which, keeps the two
    // answers, and offers to go on anyway.
    let (first, second) = (format!("q_{}", codes[0]), format!("q_{}", codes[1]));
    let two = [
        (first.as_str(), "A"),
        (second.as_str(), "A"),
        ("go", "next"),
    ];
    let partial = app.post(&r, &format!("{link}/page/1"), &two).await;
    assert_eq!(
        location(&partial),
        format!("{link}/page/1?unanswered=1#sv-unanswered")
    );
    let warned = app
        .get(&r, &format!("{link}/page/1?unanswered=1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        visible_text(&warned).contains("Bạn chưa trả lời câu 3, 4, 5 ở trang này"),
        "{warned}"
    );
    assert!(warned.contains(&format!("href=\"{link}/page/2\" id=\"sv-go-on\"")));
    assert!(
        warned.contains("value=\"A\" checked"),
        "the two answers are kept"
    );
    assert_eq!(
        survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .len(),
        2
    );

    // Page 1, then stop for now.
    let fields: Vec<(String, String)> = codes[..5]
        .iter()
        .map(|c| (format!("q_{c}"), "A".to_string()))
        .collect();
    let mut form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.push(("go", "stop"));
    let stop = app.post(&r, &format!("{link}/page/1"), &form).await;
    assert_eq!(location(&stop), format!("{link}?done=survey-saved"));
    assert_eq!(
        survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .len(),
        5
    );

    // Later, from the same link (a new browser): it resumes at the first unanswered page.
    let again = respondent(&app);
    let landing = app.get(&again, &link).await.text().await.unwrap();
    assert!(landing.contains("Trả lời tiếp"));
    let s = app.post(&again, &format!("{link}/start"), &[]).await;
    assert_eq!(location(&s), format!("{link}/page/2"));
    let p1 = app
        .get(&again, &format!("{link}/page/1"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        p1.contains("value=\"A\" checked"),
        "saved answers are shown"
    );

    // Every remaining page but the last question, then the check page.
    for page in 2..=pages {
        let on_page: Vec<&String> = codes.iter().skip((page - 1) * 5).take(5).collect();
        let mut fields: Vec<(String, String)> = on_page
            .iter()
            .map(|c| {
                (
                    format!("q_{c}"),
                    if page % 2 == 0 { "B" } else { "E" }.to_string(),
                )
            })
            .collect();
        if page == pages {
            fields.pop();
        }
        let go = if page == pages { "check" } else { "next" };
        let mut form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        form.push(("go", go));
        let res = app
            .post(&again, &format!("{link}/page/{page}"), &form)
            .await;
        let want = if page == pages {
            format!("{link}/check")
        } else {
            format!("{link}/page/{}", page + 1)
        };
        assert_eq!(location(&res), want);
    }
    let check = app
        .get(&again, &format!("{link}/check"))
        .await
        .text()
        .await
        .unwrap();
    assert!(check.contains("Chưa trả lời"));
    let refused = app.post(&again, &format!("{link}/submit"), &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        survey::by_token(&app.db, &token)
            .await
            .unwrap()
            .unwrap()
            .completed_at
            .is_none()
    );

    let last = codes.last().unwrap();
    let field = format!("q_{last}");
    app.post(
        &again,
        &format!("{link}/page/{pages}"),
        &[(&field, "C"), ("go", "check")],
    )
    .await;
    let done = app.post(&again, &format!("{link}/submit"), &[]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "post/redirect/get");
    assert_eq!(location(&done), format!("{link}/thanks"));
    // The thank-you page, as often as it is reloaded: no second submission is posted.
    for _ in 0..2 {
        let thanks = app.get(&again, &format!("{link}/thanks")).await;
        assert_eq!(thanks.status(), StatusCode::OK);
        assert!(thanks.text().await.unwrap().contains("Cảm ơn"));
    }
    let completed = survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap()
        .completed_at;
    assert!(completed.is_some());
    assert_eq!(
        survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .len(),
        codes.len()
    );

    // A second submission (a double click, a retry, the other browser) is refused; one response stays.
    let second = app.post(&r, &format!("{link}/submit"), &[]).await;
    assert_eq!(second.status(), StatusCode::CONFLICT);
    assert!(visible_text(&second.text().await.unwrap()).contains("đã được gửi trước đó"));
    assert_eq!(
        survey::by_token(&app.db, &token)
            .await
            .unwrap()
            .unwrap()
            .completed_at,
        completed
    );
    let changed = app
        .post(
            &r,
            &format!("{link}/page/1"),
            &[(&bad_field, "D"), ("go", "next")],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .get(&codes[0]),
        Some(&"A".to_string()),
        "answers cannot change after the submission"
    );
    assert!(
        app.get(&r, &link)
            .await
            .text()
            .await
            .unwrap()
            .contains("đã gửi phiếu khảo sát này")
    );

    // After the deadline (10/01/2024 in Vietnam) another link says so plainly.
    app.clock.set(time::macros::datetime!(2024-01-10 17:00 UTC));
    let closed = app.get(&r, &links[1]).await;
    assert_eq!(closed.status(), StatusCode::GONE);
    assert!(closed.text().await.unwrap().contains("10/01/2024"));

    // Unknown links say so, and guessing from one address is slowed down.
    let unknown = format!("/s/{}", "0".repeat(64));
    let r404 = app.get(&r, &unknown).await;
    assert_eq!(r404.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&r, "/s/not-a-token").await.status(),
        StatusCode::NOT_FOUND
    );
    let mut last = StatusCode::OK;
    for _ in 0..60 {
        last = app.get(&r, &unknown).await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let limited = app.get(&r, &unknown).await;
    let wait: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // A valid link still opens from that address (here it says the survey has closed), and staff
    // there can still sign in: guesses are a bucket of their own.
    assert_eq!(app.get(&r, &links[2]).await.status(), StatusCode::GONE);
    app.demo_login("agg.canbo").await;
}

/// A page's answers are saved in one statement: saving the page again replaces each answer, a
/// question given twice in one save keeps its last answer, and an empty page saves nothing.
async fn a_page_saved_again_keeps_one_answer_per_question(engine: Engine) {
    use parindex_db::survey::{self as store, Trace};
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    let mut empty = None;
    for u in parindex_db::units::list(&app.db, c).await.unwrap() {
        if parindex_db::respondents::people(&app.db, u.id)
            .await
            .unwrap()
            .is_empty()
        {
            empty = Some(u.code);
            break;
        }
    }
    let (_, tokens) = parindex_tests::survey::open_listed_unit(
        &app.db,
        &empty.unwrap(),
        1,
        0,
        "http://127.0.0.1:8080",
    )
    .await;
    let id = store::by_token(&app.db, &tokens[0])
        .await
        .unwrap()
        .unwrap()
        .invitation_id;
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let t = Trace::default();
    let writes = parindex_db::write_queue::WriteQueue::new(app.db.clone());
    store::save_answers(&writes, id, 1, &pairs(&[("q1", "a"), ("q2", "b")]), &t, 1)
        .await
        .unwrap();
    store::save_answers(
        &writes,
        id,
        1,
        &pairs(&[("q2", "c"), ("q2", "d"), ("q3", "e")]),
        &t,
        2,
    )
    .await
    .unwrap();
    store::save_answers(&writes, id, 2, &[], &t, 3)
        .await
        .unwrap();
    let saved = store::answers(&app.db, id).await.unwrap();
    let want: std::collections::HashMap<String, String> =
        pairs(&[("q1", "a"), ("q2", "d"), ("q3", "e")])
            .into_iter()
            .collect();
    assert_eq!(saved, want);
}

on_both_engines!(
    a_respondent_answers_from_the_link_in_the_email,
    a_page_saved_again_keeps_one_answer_per_question,
);
