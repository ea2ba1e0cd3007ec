//! The survey end to end, on SQLite and PostgreSQL: MoHA opens the survey for accepted lists, the
//! outbox delivers the invitations into a real SMTP server (451 retried, 550 failing one recipient
//! only, an outage in the middle of a send ending with every message delivered exactly once, two app
//! servers sharing one outbox without duplicates), and a respondent answers from the link in the
//! received e-mail: nothing used up by opening it, answers saved and resumed, the check page, one
//! final submission, closed and unknown links. Units follow progress and never see an answer.

#![allow(clippy::unwrap_used)]

use parindex_db::survey;
use parindex_mail::Transport;
use parindex_tests::app::{location, visible_text};
use parindex_tests::email::survey_path;
use parindex_tests::smtp::SmtpServer;
use parindex_tests::survey::{
    EmlFolder, answer_all, delivered_links, open_survey, worker, worker_on,
};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

fn smtp(server: &SmtpServer) -> Transport {
    Transport::smtp(&server.url(), 4, Duration::from_secs(10)).unwrap()
}

async fn emails_of(app: &TestApp, code: &str) -> Vec<String> {
    let unit = app.unit_id(code).await;
    parindex_db::respondents::people(&app.db, unit)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.person.email)
        .collect()
}

async fn accept_list(app: &TestApp, code: &str) {
    let admin = app.demo_login("moha.admin").await;
    let unit = app.unit_id(code).await;
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{unit}/respondents/review"),
            &[("decision", "accept"), ("comment", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
}

async fn opening_invites_each_listed_respondent_once_with_hashed_links(engine: Engine) {
    let app = spawn_app(engine).await;
    let listed = emails_of(&app, "AGG").await;
    assert!(listed.len() > 20);
    let queued = open_survey(&app).await;
    assert_eq!(
        queued as usize,
        listed.len(),
        "one invitation per listed respondent"
    );
    // Opening again finds nothing left to open and queues nothing more.
    let admin = app.demo_login("moha.admin").await;
    let c = app.campaign_id().await;
    app.post(
        &admin,
        &format!("/admin/campaigns/{c}/survey/open"),
        &[("confirm", "yes")],
    )
    .await;
    assert_eq!(
        parindex_db::outbox::counts(&app.db).await.unwrap().queued,
        queued
    );
    // A list that is not accepted cannot be opened, even directly.
    let hpg = app.unit_id("HPG").await;
    let ctx = parindex_db::Ctx::system(0);
    let r = survey::open_unit(&app.db, &ctx, c, hpg, &|_| unreachable!()).await;
    assert!(matches!(r, Err(parindex_db::DbError::Stale)));
    // The questionnaires of an opened level are fixed.
    let toml = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../frameworks/2023/questionnaires/province.toml"
    ))
    .unwrap();
    let r = admin
        .post(app.url(&format!("/admin/campaigns/{c}/questionnaires")))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(toml.into_bytes()).file_name("province.toml"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // The audit log has the opening.
    let entries = parindex_db::audit::list(
        &app.db,
        &parindex_db::audit::Filter {
            action_prefix: Some("survey.open".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(entries.len(), 1);
}

async fn invitations_arrive_and_failures_are_handled_per_recipient(engine: Engine) {
    let app = spawn_app(engine).await;
    let server = SmtpServer::start().await;
    let listed = emails_of(&app, "AGG").await;
    let (rejected, flaky) = (listed[1].clone(), listed[2].clone());
    server.reject(&rejected);
    server.temp_fail(&flaky, 1);
    let n = open_survey(&app).await as usize;
    let w = worker(&app, smtp(&server), "test-1", 50);
    let first = w.drain().await.unwrap();
    assert_eq!(first.sent, n - 2);
    assert_eq!(first.failed, 1, "550 fails that recipient only");
    assert_eq!(first.retried, 1, "451 is retried");
    // Nothing is due until the pause has passed.
    assert_eq!(w.drain().await.unwrap().claimed, 0);
    app.clock.advance(time::Duration::seconds(31));
    let second = w.drain().await.unwrap();
    assert_eq!((second.sent, second.failed), (1, 0));

    let got = server.received();
    assert_eq!(got.len(), n - 1);
    let ids: HashSet<String> = got.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), n - 1, "no message twice");
    let to: HashSet<String> = got.iter().flat_map(|m| m.to.clone()).collect();
    assert!(!to.contains(&rejected));
    assert!(to.contains(&flaky));
    // The e-mail: Vietnamese, both parts, naming the unit, deadline and support contact.
    let m = got.iter().find(|m| m.to.contains(&listed[0])).unwrap();
    let text = m.text();
    assert!(text.contains("Ủy ban nhân dân tỉnh An Giang"), "{text}");
    assert!(text.contains("10/01/2024"));
    assert!(survey_path(&m.raw).is_some());
    let html = parindex_tests::email::html_part(&m.raw);
    assert!(html.contains("Mở phiếu khảo sát"));
    assert!(parindex_tests::email::subject(&m.raw).contains("Khảo sát Chỉ số CCHC 2023"));
    // Bodies with links are not kept once sent.
    let c = parindex_db::outbox::counts(&app.db).await.unwrap();
    assert_eq!((c.sent as usize, c.failed, c.queued), (n - 1, 1, 0));

    // The unit sees the failure with the server's reason, corrects the address, and it goes out.
    let officer = app.demo_login("agg.canbo").await;
    let unit = app.unit_id("AGG").await;
    let page = app
        .get(&officer, &format!("/unit/{unit}/survey"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("550"), "the reason is shown");
    let failed_id = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.delivery == "failed")
        .unwrap()
        .invitation_id;
    let r = app
        .post(
            &officer,
            &format!("/unit/{unit}/survey/resend/{failed_id}"),
            &[("email", "khong-hop-le")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Outside the unit's official domains only MoHA may correct an address.
    let r = app
        .post(
            &officer,
            &format!("/unit/{unit}/survey/resend/{failed_id}"),
            &[("email", "ca.nhan@gmail.com")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let body = r.text().await.unwrap();
    assert!(body.contains("tên miền thư công vụ"));
    assert!(
        body.contains("value=\"ca.nhan@gmail.com\""),
        "the typed address is kept"
    );
    assert_eq!(
        parindex_db::outbox::counts(&app.db).await.unwrap().queued,
        0
    );
    let r = app
        .post(
            &officer,
            &format!("/unit/{unit}/survey/resend/{failed_id}"),
            &[("email", "nguoi.sua@angiang.gov.vn")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The interference review will weigh this unit's re-address.
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM survey_paradata WHERE event = 'readdressed'")
            .await,
        1
    );
    assert_eq!(w.drain().await.unwrap().sent, 1);
    assert!(
        server
            .received()
            .iter()
            .any(|m| m.to.contains(&"nguoi.sua@angiang.gov.vn".to_string()))
    );
    // Another unit's officer cannot touch this invitation.
    let other = app.demo_login("btp.canbo").await;
    let r = app
        .post(
            &other,
            &format!("/unit/{unit}/survey/resend/{failed_id}"),
            &[("email", "x@moj.gov.vn")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

async fn an_smtp_outage_mid_send_ends_with_each_message_delivered_once(engine: Engine) {
    let app = spawn_app(engine).await;
    let server = SmtpServer::start().await;
    let n = open_survey(&app).await as usize;
    server.go_down_after(7);
    let w = worker(&app, smtp(&server), "test-1", 10);
    let during = w.drain().await.unwrap();
    // Messages already past MAIL FROM when it went down may still finish.
    assert!(
        during.sent >= 7 && during.sent < 7 + 4,
        "the server went down after 7: {during:?}"
    );
    assert!(during.retried > 0);
    assert_eq!(during.failed, 0);
    // Still down a while later: nothing more gets through, nothing is lost.
    app.clock.advance(time::Duration::minutes(1));
    let r = w.drain().await.unwrap();
    assert_eq!(r.sent, 0);
    // Meanwhile the unit's and MoHA's progress pages say that sending is delayed, and why.
    let unit = app.unit_id("AGG").await;
    let officer = app.demo_login("agg.canbo").await;
    let page = app
        .page_text(&officer, &format!("/unit/{unit}/survey"))
        .await;
    assert!(page.contains("Việc gửi thư đang bị chậm"), "{page}");
    assert!(page.contains("máy chủ thư tạm thời chưa nhận"), "{page}");
    let admin = app.demo_login("moha.admin").await;
    let c = app.campaign_id().await;
    let page = app
        .page_text(&admin, &format!("/admin/campaigns/{c}/survey"))
        .await;
    assert!(page.contains("Lỗi gần nhất của máy chủ thư"), "{page}");
    server.set_down(false);
    for _ in 0..10 {
        app.clock.advance(time::Duration::minutes(31));
        w.drain().await.unwrap();
        if parindex_db::outbox::counts(&app.db).await.unwrap().queued == 0 {
            break;
        }
    }
    let got = server.received();
    assert_eq!(got.len(), n, "every message arrived, none twice");
    let page = app
        .get(&officer, &format!("/unit/{unit}/survey"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !page.contains("mail-delay"),
        "the notice goes once all is sent"
    );
    let ids: HashSet<String> = got.iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), n);
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for m in &got {
        for t in &m.to {
            *per_recipient.entry(t.clone()).or_default() += 1;
        }
    }
    assert!(per_recipient.values().all(|&c| c == 1));
    assert_eq!(per_recipient.len(), n);
}

async fn two_app_servers_share_the_outbox_without_duplicates(engine: Engine) {
    let app = spawn_app(engine).await;
    accept_list(&app, "HPG").await;
    let server = SmtpServer::start().await;
    let n = open_survey(&app).await as usize;
    assert!(n > 60, "{n}");
    // Each "server" has its own connection pool and SMTP connections.
    let second = parindex_db::Db::connect(&app.db.url).await.unwrap();
    let a = worker(&app, smtp(&server), "server-a", 5);
    let b = worker_on(second, &app, smtp(&server), "server-b", 5);
    let (ra, rb) = tokio::join!(a.drain(), b.drain());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, n);
    assert!(
        ra.sent > 0 && rb.sent > 0,
        "both servers took part: {ra:?} {rb:?}"
    );
    let got = server.received();
    let ids: HashSet<String> = got.iter().map(|m| m.message_id()).collect();
    assert_eq!((got.len(), ids.len()), (n, n));
}

/// A client that sends the page's own Origin, as a browser does, but no account cookie.
fn respondent(app: &TestApp) -> reqwest::Client {
    app.client()
}

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
    let v = survey::by_token(&app.db, &token).await.unwrap().unwrap();
    assert!(v.opened_at.is_some() && v.started_at.is_none());
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
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await.unwrap().contains("Cảm ơn"));
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

async fn units_follow_progress_but_never_see_an_answer(engine: Engine) {
    let app = spawn_app(engine).await;
    open_survey(&app).await;
    let folder = EmlFolder::new(&app);
    folder.deliver().await;
    let raw = folder.messages().remove(0);
    let link = survey_path(&raw).unwrap();
    let token = link.trim_start_matches("/s/");
    let view = survey::by_token(&app.db, token).await.unwrap().unwrap();
    let c = app.campaign_id().await;
    let set = parindex_db::questionnaires::get(&app.db, c, "province")
        .await
        .unwrap()
        .unwrap();
    let qn = set.for_group(&view.group_code).unwrap().clone();
    // A respondent answers everything with a distinctive option and submits.
    assert_eq!(
        answer_all(&app, &link, |_| "D".to_string()).await,
        StatusCode::OK
    );

    // What an answer would look like on a page: a question's text or an option's label.
    let mut tell_tales: Vec<String> = qn
        .questions
        .iter()
        .map(|q| q.text_vi.chars().take(40).collect())
        .collect();
    for o in set.options(&qn.questions[0]) {
        if o.label_vi.chars().count() >= 6 {
            tell_tales.push(o.label_vi.clone());
        }
    }
    let unit = app.unit_id("AGG").await;
    let mut checked = 0;
    for login in ["agg.canbo"] {
        let client = app.demo_login(login).await;
        for spec in parindex_web::route_table().specs() {
            if spec.method != reqwest::Method::GET
                || spec.path.starts_with("/s/")
                || spec.path.starts_with("/static/")
                || !matches!(
                    spec.access,
                    parindex_web::Access::Public
                        | parindex_web::Access::SignedIn
                        | parindex_web::Access::Authenticated
                        | parindex_web::Access::UnitReader
                )
            {
                continue;
            }
            let path = spec
                .path
                .replace("{unit}", &unit.to_string())
                .replace("{code}", "1.1.1")
                .replace("{file}", "1")
                .replace("{key}", &"0".repeat(64));
            let res = app.get(&client, &path).await;
            let bytes = res.bytes().await.unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for t in &tell_tales {
                assert!(!text.contains(t.as_str()), "{path} shows {t:?}");
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "{checked}");
    // The progress page counts the response and lists the others as not answered.
    let officer = app.demo_login("agg.canbo").await;
    let page = app
        .get(&officer, &format!("/unit/{unit}/survey"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("svp-chart"), "a chart once a response is in");
    let pending = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap();
    let listed = emails_of(&app, "AGG").await.len();
    assert_eq!(pending.len(), listed - 1);
    let x = app
        .get(&officer, &format!("/unit/{unit}/survey/pending.xlsx"))
        .await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(
        x.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    // The API gives the same counts.
    let api: serde_json::Value = app
        .get(&officer, &format!("/api/v1/units/{unit}/survey"))
        .await
        .json()
        .await
        .unwrap();
    let done: i64 = api["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["completed"].as_i64().unwrap())
        .sum();
    assert_eq!(done, 1);
    assert_eq!(api["completions_ms"].as_array().unwrap().len(), 1);
    // MoHA's national table has the unit's figures and exports them.
    let moha = app.demo_login("moha.thamdinh").await;
    let national = app
        .get(
            &moha,
            &format!("/admin/campaigns/{c}/survey?sort=completion"),
        )
        .await;
    let text = visible_text(&national.text().await.unwrap());
    assert!(text.contains("Tỉnh An Giang"));
    let x = app
        .get(&moha, &format!("/admin/campaigns/{c}/survey/progress.xlsx"))
        .await;
    assert_eq!(x.status(), StatusCode::OK);
}

async fn reminders_go_to_non_responders_within_the_policy(engine: Engine) {
    let app = spawn_app(engine).await;
    let n = open_survey(&app).await;
    let folder = EmlFolder::new(&app);
    folder.deliver().await;
    let unit = app.unit_id("AGG").await;
    let officer = app.demo_login("agg.canbo").await;
    // Too soon after the invitation: nobody is due.
    let r = app
        .post(&officer, &format!("/unit/{unit}/survey/remind"), &[])
        .await;
    assert!(location(&r).contains("survey-none-due"));
    app.clock.advance(time::Duration::days(3));
    let officer = app.demo_login("agg.canbo").await;
    let r = app
        .post(&officer, &format!("/unit/{unit}/survey/remind"), &[])
        .await;
    assert!(location(&r).contains("survey-reminded"));
    assert_eq!(
        parindex_db::outbox::counts(&app.db).await.unwrap().queued,
        n
    );
    folder.deliver().await;
    let reminders = folder
        .messages()
        .iter()
        .filter(|raw| parindex_tests::email::subject(raw).starts_with("[Nhắc lại]"))
        .count();
    assert_eq!(reminders as i64, n);
    // Right away again: nobody is due; another unit cannot send them.
    let r = app
        .post(&officer, &format!("/unit/{unit}/survey/remind"), &[])
        .await;
    assert!(location(&r).contains("survey-none-due"));
    let other_unit = app.demo_login("btp.canbo").await;
    let r = app
        .post(&other_unit, &format!("/unit/{unit}/survey/remind"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// The resend rule is enforced by the action, not by which rows the page offers a form on: a unit
/// officer who posts straight to the route cannot re-address an invitation that was delivered,
/// opened or started, so never gets a working link to someone else's saved answers. MoHA may
/// correct an address that nobody has opened yet. A refusal changes nothing.
async fn a_unit_cannot_take_over_a_respondents_link(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_folder, links) = delivered_links(&app).await;
    let (started, untouched) = (links[0].clone(), links[1].clone());
    let invitation = |link: String| {
        let db = app.db.clone();
        async move {
            survey::by_token(&db, link.trim_start_matches("/s/"))
                .await
                .unwrap()
                .unwrap()
        }
    };
    let victim = invitation(started.clone()).await;
    let unit = victim.unit_id;
    // The respondent opens the link, starts and saves a first answer.
    let r = respondent(&app);
    assert_eq!(app.get(&r, &started).await.status(), StatusCode::OK);
    app.post(&r, &format!("{started}/start"), &[]).await;
    let qn =
        parindex_tests::survey::questionnaire_of(&app.db, started.trim_start_matches("/s/")).await;
    let q = &qn.questions[0];
    let saved = app
        .post(
            &r,
            &format!("{started}/page/1"),
            &[(format!("q_{}", q.code).as_str(), "A")],
        )
        .await;
    assert!(saved.status().is_redirection(), "{}", saved.status());
    let pending = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap();
    let before = |id: i64| {
        pending
            .iter()
            .find(|p| p.invitation_id == id)
            .unwrap()
            .clone()
    };
    let queued_before = parindex_db::outbox::counts(&app.db).await.unwrap().queued;

    let officer = app.demo_login("agg.canbo").await;
    let admin = app.demo_login("moha.admin").await;
    let other = invitation(untouched.clone()).await.invitation_id;
    for (who, base, id, email, why) in [
        (
            &officer,
            "unit",
            victim.invitation_id,
            "ke.gian@angiang.gov.vn",
            "đã mở đường dẫn",
        ),
        (
            &admin,
            "admin/units",
            victim.invitation_id,
            "ke.gian@angiang.gov.vn",
            "đã mở đường dẫn",
        ),
        (
            &officer,
            "unit",
            other,
            "ke.gian@angiang.gov.vn",
            "Chỉ gửi lại được khi thư trước không đến",
        ),
    ] {
        let r = app
            .post(
                who,
                &format!("/{base}/{unit}/survey/resend/{id}"),
                &[("email", email)],
            )
            .await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{base} {id}");
        assert!(r.text().await.unwrap().contains(why), "{why}");
    }
    // Nothing changed: the addresses, the queue, and the respondent's own link with the saved answer.
    let after = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap();
    for p in &after {
        assert_eq!(p, &before(p.invitation_id));
    }
    assert_eq!(
        parindex_db::outbox::counts(&app.db).await.unwrap().queued,
        queued_before
    );
    let v = invitation(started.clone()).await;
    assert!(!v.revoked && v.started_at.is_some());
    assert_eq!(
        app.get(&r, &format!("{started}/page/1")).await.status(),
        StatusCode::OK
    );
    // The page offers the form on none of these rows to the officer.
    let page = app
        .get(&officer, &format!("/unit/{unit}/survey"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&format!("resend/{}\"", victim.invitation_id)));
    assert!(!page.contains(&format!("resend/{other}\"")));

    // MoHA corrects the address of an invitation nobody has opened: the old link stops working.
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{unit}/survey/resend/{other}"),
            &[("email", "dia.chi.dung@gmail.com")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.get(&respondent(&app), &untouched).await.status(),
        StatusCode::GONE
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM survey_paradata WHERE event = 'readdressed'")
            .await,
        0,
        "MoHA's own correction is not a signal against the unit"
    );
    assert_eq!(
        parindex_tests::audit_entries(&app.db, "survey.resend").await,
        1,
        "only the allowed resend is audited"
    );
}

/// Personal links point at the configured public origin, never at the Host a request names; without
/// one, nothing is sent and MoHA is told why.
async fn links_come_only_from_the_configured_origin(engine: Engine) {
    let bare = parindex_tests::app::spawn_app_without_origin(engine).await;
    let admin = bare.demo_login("moha.admin").await;
    let c = bare.campaign_id().await;
    let r = bare
        .post(
            &admin,
            &format!("/admin/campaigns/{c}/survey/open"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(visible_text(&r.text().await.unwrap()).contains("public_origin"));
    assert_eq!(
        parindex_db::outbox::counts(&bare.db).await.unwrap().queued,
        0
    );
    assert!(
        survey::opened_at(&bare.db, bare.unit_id("AGG").await)
            .await
            .unwrap()
            .is_none()
    );

    let app = spawn_app(engine).await;
    open_survey(&app).await;
    let folder = EmlFolder::new(&app);
    folder.deliver().await;
    let unit = app.unit_id("AGG").await;
    let id = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap()[0]
        .invitation_id;
    let admin = app.demo_login("moha.admin").await;
    let r = admin
        .post(app.url(&format!("/admin/units/{unit}/survey/resend/{id}")))
        .header("host", "evil.example")
        .form(&[("email", "dia.chi.moi@angiang.gov.vn")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    folder.deliver().await;
    let urls: Vec<String> = folder
        .messages()
        .iter()
        .map(|m| parindex_tests::email::survey_url(m).unwrap())
        .collect();
    assert!(urls.len() > 2);
    assert!(
        urls.iter()
            .all(|u| u.starts_with(&format!("{}/s/", app.base))),
        "{urls:?}"
    );
}

/// Once the invitations are sent, no personal link is left anywhere in SQLite's files: not in the
/// database's free space (secure_delete) and not in the WAL (truncated after each round).
#[tokio::test]
async fn sent_links_leave_no_bytes_in_the_sqlite_files() {
    let app = spawn_app(Engine::Sqlite).await;
    open_survey(&app).await;
    let folder = EmlFolder::new(&app);
    folder.deliver().await;
    let tokens: Vec<String> = folder
        .messages()
        .iter()
        .map(|raw| {
            survey_path(raw)
                .unwrap()
                .trim_start_matches("/s/")
                .to_string()
        })
        .collect();
    assert!(tokens.len() > 20);
    let db_file = app.db.url.trim_start_matches("sqlite://").to_string();
    let mut bytes = std::fs::read(&db_file).unwrap();
    if let Ok(wal) = std::fs::read(format!("{db_file}-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    let left = tokens
        .iter()
        .filter(|t| haystack.contains(t.as_str()))
        .count();
    assert_eq!(
        left,
        0,
        "{left} of {} links still in the files",
        tokens.len()
    );
}

/// A relay closes idle connections (Postfix after 300 s). The next message over such a pooled
/// connection goes again at once over a new one: delivered on its first attempt, nothing retried.
async fn a_relay_closing_idle_connections_costs_no_attempt(engine: Engine) {
    let app = spawn_app(engine).await;
    let server = SmtpServer::start().await;
    let n = open_survey(&app).await as usize;
    let w = worker(&app, smtp(&server), "test-1", 50);
    assert_eq!(w.drain().await.unwrap().sent, n);
    server.close_connections().await;
    let unit = app.unit_id("AGG").await;
    let id = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap()[0]
        .invitation_id;
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{unit}/survey/resend/{id}"),
            &[("email", "sau.khi.dong@angiang.gov.vn")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let round = w.drain().await.unwrap();
    assert_eq!(
        (round.sent, round.retried, round.failed),
        (1, 0, 0),
        "{round:?}"
    );
    assert!(
        server
            .received()
            .iter()
            .any(|m| m.to.contains(&"sau.khi.dong@angiang.gov.vn".to_string()))
    );
}

/// After the survey's deadline nothing is resent, by anyone: the rule (`readdress::may_resend`)
/// refuses it inside the write, and the progress page offers no form.
async fn nothing_is_resent_after_the_survey_deadline(engine: Engine) {
    let app = spawn_app(engine).await;
    open_survey(&app).await;
    let unit = app.unit_id("AGG").await;
    let id = parindex_db::survey_progress::pending(&app.db, unit)
        .await
        .unwrap()[0]
        .invitation_id;
    let admin = app.demo_login("moha.admin").await;
    let path = format!("/admin/units/{unit}/survey/resend/{id}");
    assert!(
        app.get(&admin, &format!("/unit/{unit}/survey"))
            .await
            .text()
            .await
            .unwrap()
            .contains(&path)
    );
    app.clock.set(time::macros::datetime!(2024-01-11 09:00 +7));
    let admin = app.demo_login("moha.admin").await;
    let page = app
        .get(&admin, &format!("/unit/{unit}/survey"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("sv-progress") || page.contains("<table"),
        "{page}"
    );
    assert!(!page.contains(&path), "no form after the deadline");
    let before = parindex_tests::table_counts(&app.db).await;
    let r = app
        .post(&admin, &path, &[("email", "muon.qua@angiang.gov.vn")])
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(visible_text(&r.text().await.unwrap()).contains("Đã hết hạn khảo sát"));
    assert_eq!(parindex_tests::table_counts(&app.db).await, before);
}

on_both_engines!(
    nothing_is_resent_after_the_survey_deadline,
    opening_invites_each_listed_respondent_once_with_hashed_links,
    invitations_arrive_and_failures_are_handled_per_recipient,
    an_smtp_outage_mid_send_ends_with_each_message_delivered_once,
    a_relay_closing_idle_connections_costs_no_attempt,
    two_app_servers_share_the_outbox_without_duplicates,
    a_respondent_answers_from_the_link_in_the_email,
    a_unit_cannot_take_over_a_respondents_link,
    links_come_only_from_the_configured_origin,
    units_follow_progress_but_never_see_an_answer,
    reminders_go_to_non_responders_within_the_policy,
);
