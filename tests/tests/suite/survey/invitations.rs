//! Opening the survey and delivering invitations through a real SMTP server: hashed links, 451
//! retried, 550 failing one recipient only, an outage mid-send, two servers sharing one outbox, a
//! relay closing idle connections, and no link left in the SQLite files.

use super::*;

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
    // The campaign's organiser invites and signs.
    app.change_campaign(|c| c.organiser = "Ban Chỉ đạo cải cách hành chính".into())
        .await;
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
    // The respondent's pages are headed by the organiser too.
    let landing = app
        .get(&app.client(), &survey_path(&m.raw).unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(
        landing.contains("<span class=\"owner\">Ban Chỉ đạo cải cách hành chính</span>"),
        "{landing}"
    );
    let html = parindex_tests::email::html_part(&m.raw);
    assert!(html.contains("Mở phiếu khảo sát"));
    for body in [&text, &html] {
        assert!(
            body.contains("Ban Chỉ đạo cải cách hành chính trân trọng mời")
                && !body.contains("Bộ Nội vụ"),
            "{body}"
        );
    }
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
        .find(|p| p.delivery == parindex_domain::survey::Delivery::Failed)
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

/// A claim takes the messages that fell due first: one put back for a retry waits behind those due
/// before it. (The queue's index is in this order, so a claim reads only the rows it takes.)
async fn claims_take_the_messages_due_first(engine: Engine) {
    use parindex_db::outbox;
    let app = spawn_app(engine).await;
    let n = open_survey(&app).await;
    assert!(n > 3, "{n}");
    let due = app
        .db
        .scalar("SELECT MAX(next_attempt_at) FROM outbox WHERE state = 'queued'")
        .await;
    let first = outbox::claim(&app.db, "w", due, 60_000, 1).await.unwrap();
    assert_eq!(first.len(), 1);
    // The relay refuses it for now: it is put back, due a second later.
    let retry = parindex_domain::survey::Next::RetryAt {
        at_ms: due + 1_000,
        error: "451 try later".into(),
    };
    outbox::record(&app.db, "w", &[(first[0].clone(), retry)], due)
        .await
        .unwrap();
    let next = outbox::claim(&app.db, "w", due + 2_000, 60_000, 2)
        .await
        .unwrap();
    let ids: Vec<i64> = next.iter().map(|m| m.id).collect();
    let lowest_others = app
        .db
        .scalar(&format!(
            "SELECT MIN(id) FROM outbox WHERE state = 'queued' AND id <> {}",
            first[0].id
        ))
        .await;
    assert_eq!(ids.len(), 2);
    assert!(
        !ids.contains(&first[0].id),
        "the retried message waits behind those due before it: {ids:?}"
    );
    assert_eq!(ids[0], lowest_others, "then by id: {ids:?}");
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

on_both_engines!(
    opening_invites_each_listed_respondent_once_with_hashed_links,
    invitations_arrive_and_failures_are_handled_per_recipient,
    an_smtp_outage_mid_send_ends_with_each_message_delivered_once,
    two_app_servers_share_the_outbox_without_duplicates,
    a_relay_closing_idle_connections_costs_no_attempt,
    claims_take_the_messages_due_first,
);
