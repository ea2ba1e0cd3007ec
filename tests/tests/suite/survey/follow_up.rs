//! What the unit and MoHA do while the survey runs: progress without answers, reminders, resends
//! and their limits, links from the configured origin only.

use super::*;

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
    // A page at a time, 100 rows each; the search (without tones) finds one person by name.
    let rows = |html: &str| html.matches("<tr id=\"pending-").count();
    assert_eq!(rows(&page), pending.len().min(100));
    let one = &pending[pending.len() / 2];
    let plain = parindex_domain::text::search_key(&one.full_name);
    let found = app
        .get(
            &officer,
            &format!("/unit/{unit}/survey?q={}", plain.replace(' ', "+")),
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(
        found.contains(&format!("id=\"pending-{}\"", one.invitation_id)) && rows(&found) >= 1,
        "{plain}"
    );
    assert!(rows(&found) < pending.len(), "the search narrows the list");
    let last = pending.len().div_ceil(100);
    let tail = app
        .get(&officer, &format!("/unit/{unit}/survey?p={last}"))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(rows(&tail), pending.len() - (last - 1) * 100);
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
    units_follow_progress_but_never_see_an_answer,
    reminders_go_to_non_responders_within_the_policy,
    a_unit_cannot_take_over_a_respondents_link,
    links_come_only_from_the_configured_origin,
    nothing_is_resent_after_the_survey_deadline,
);
