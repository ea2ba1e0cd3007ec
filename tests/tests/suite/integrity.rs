//! Interference detection end to end, on SQLite and PostgreSQL: the demo campaign is answered through
//! the real survey pages by simulated respondents, five units interfering in five ways and one
//! honest unit satisfied with everything; detection finds exactly the five; MoHA reviews the
//! evidence, cancels one unit's survey results by a recorded decision (refused without a reason, a
//! responsible person or the confirmation), the index
//! treats that unit's survey as cancelled, the unit is told, and a new decision reverses it.

#![allow(clippy::unwrap_used)]

use parindex_db::{Ctx, audit, integrity, outbox, scoring_inputs};
use parindex_domain::CampaignId;
use parindex_domain::UnitId;
use parindex_domain::criteria::Method;
use parindex_domain::integrity::schedule::RunKind;
use parindex_tests::app::location;
use parindex_tests::survey::simulate_demo;
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;

async fn text(r: reqwest::Response) -> String {
    r.text().await.unwrap()
}

async fn survey_points(app: &TestApp, c: CampaignId, code: &str) -> (bool, rust_decimal::Decimal) {
    let (_, result) = scoring_inputs::compute_draft(&app.db, &Ctx::system(0), c)
        .await
        .unwrap();
    let u = result
        .levels
        .iter()
        .find_map(|l| l.unit(code))
        .unwrap()
        .clone();
    let survey = u
        .methods
        .iter()
        .find(|m| m.method == Method::Survey)
        .map(|m| m.points)
        .unwrap_or_default();
    (u.survey_cancelled, survey)
}

async fn simulated_interference_is_found_reviewed_and_decided(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    let s = simulate_demo(&app).await;
    assert_eq!(s.errors, 0, "server errors during the simulation");
    assert!(s.answered > 200, "{}", s.answered);
    let mut flagged = s.flagged.clone();
    flagged.sort();
    // BTP told a quarter of its staff to tick the best answer everywhere; QNI's officials are
    // honestly satisfied with everything, and are not flagged.
    assert_eq!(
        flagged,
        vec!["AGG", "BCT", "BTP", "DNG", "HPG"],
        "{:?}",
        s.score
    );
    assert_eq!((s.score.recall(), s.score.false_flags), (1.0, 0));
    assert_eq!(parindex::simulate::SATISFIED, ["QNI"]);

    // The stored findings explain each flag with the signal the interference leaves.
    let hpg = app.unit_id("HPG").await;
    let findings = integrity::findings(&app.db, c).await.unwrap();
    assert_eq!(findings.iter().filter(|f| f.flagged).count(), 5);
    let signal_of = |code: UnitId| {
        let a = findings.iter().find(|f| f.unit_id == code.get()).unwrap();
        a.findings[0].signal.code()
    };
    assert!(
        ["shared_device", "burst"].contains(&signal_of(hpg)),
        "{}",
        signal_of(hpg)
    );
    assert_eq!(signal_of(app.unit_id("AGG").await), "officer_session");
    assert!(
        ["best_hurried", "best_together"].contains(&signal_of(app.unit_id("BTP").await)),
        "{}",
        signal_of(app.unit_id("BTP").await)
    );
    // QNI's honest officials tick the best option everywhere as often as BTP's: the shape of the
    // answers alone cannot tell them apart.
    let traces = integrity::traces(&app.db, c).await.unwrap();
    let best_share = |unit: UnitId| {
        let mine: Vec<_> = traces.iter().filter(|t| t.unit_id == unit.get()).collect();
        let best = mine
            .iter()
            .filter(|t| parindex_domain::integrity::signals::all_best(t))
            .count();
        best as f64 / mine.len() as f64
    };
    let (qni, btp) = (app.unit_id("QNI").await, app.unit_id("BTP").await);
    assert!(
        best_share(qni) > 0.1 && best_share(btp) > 0.1,
        "{} {}",
        best_share(qni),
        best_share(btp)
    );
    assert!(!findings.iter().any(|f| f.unit_id == qni.get() && f.flagged));

    // The queue and the evidence, for MoHA: respondents' names, never answers.
    let admin = app.demo_login("moha.admin").await;
    let queue = text(
        admin
            .get(app.url(&format!("/admin/campaigns/{c}/integrity")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        queue.contains("Hải Phòng") && queue.contains("Cần xem xét"),
        "{queue}"
    );
    let unit_url = format!("/admin/campaigns/{c}/integrity/unit/{hpg}");
    let page = text(admin.get(app.url(&unit_url)).send().await.unwrap()).await;
    assert!(
        page.contains("Một trình duyệt trả lời nhiều đường dẫn"),
        "{page}"
    );
    let example = integrity::example_people(&app.db, hpg).await.unwrap();
    assert!(
        example.values().any(|p| page.contains(&p.0)),
        "no example name shown"
    );
    assert!(
        !page.contains("Rất hài lòng"),
        "an answer label reached the evidence page"
    );
    // The examples' groups are named, never shown by their codes.
    let groups = parindex_db::respondents::groups(&app.db, c).await.unwrap();
    for g in groups.for_level("province") {
        assert!(
            !page.contains(&format!("<td>{}</td>", g.code)),
            "{}: {page}",
            g.code
        );
    }
    assert!(
        groups
            .for_level("province")
            .iter()
            .any(|g| page.contains(&format!("<td>{}</td>", g.name_vi))),
        "no example's group is named: {page}"
    );

    // A unit officer reaches none of it.
    let officer = app.demo_login("hpg.canbo").await;
    for path in [format!("/admin/campaigns/{c}/integrity"), unit_url.clone()] {
        let r = officer.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }

    // Refused decisions record nothing.
    let decide = format!("{unit_url}/decide");
    let audit_before = audit::count(&app.db).await.unwrap();
    for (form, field) in [
        (
            vec![
                ("outcome", "cancel"),
                ("reason", " "),
                ("responsible", "Ông A"),
                ("confirm", "yes"),
            ],
            "reason-error",
        ),
        (
            vec![
                ("outcome", "cancel"),
                ("reason", "Một người trả lời nhiều phiếu"),
                ("responsible", ""),
                ("confirm", "yes"),
            ],
            "responsible-error",
        ),
        (
            vec![
                ("outcome", "cancel"),
                ("reason", "Một người trả lời nhiều phiếu"),
                ("responsible", "Ông A"),
            ],
            "confirm-error",
        ),
        (
            vec![
                ("outcome", "cancel"),
                ("reason", "Một người trả lời nhiều phiếu"),
                ("responsible", "Ông A"),
                ("confirm", "yes"),
                ("password", "not-my-password"),
            ],
            "password-error",
        ),
    ] {
        let r = app.post(&admin, &decide, &form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(text(r).await.contains(field), "{field}");
    }
    // Everything missing is said in one round, the password too, and what was typed stays in the form.
    let r = app
        .post(
            &admin,
            &decide,
            &[
                ("outcome", "cancel"),
                ("reason", ""),
                ("responsible", "Bà B"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(r).await;
    for field in [
        "reason-error",
        "confirm-error",
        "password-error",
        "Vui lòng nhập mật khẩu của bạn để xác nhận",
        "Bà B",
    ] {
        assert!(page.contains(field), "{field}");
    }
    assert_eq!(audit::count(&app.db).await.unwrap(), audit_before);
    assert!(
        integrity::in_force(&app.db, c, hpg)
            .await
            .unwrap()
            .is_none()
    );

    // Cancel: recorded with the evidence snapshot, audited, the unit told.
    let (cancelled, before) = survey_points(&app, c, "HPG").await;
    assert!(!cancelled && before > rust_decimal::Decimal::ZERO);
    let queued_before = outbox::counts(&app.db).await.unwrap().queued;
    let reason = "Một người trả lời hộ nhiều phiếu <b>trong một buổi</b>";
    let r = app
        .post(
            &admin,
            &decide,
            &[
                ("outcome", "cancel"),
                ("reason", reason),
                ("responsible", "Ông Trần Văn B, Chánh Văn phòng"),
                ("confirm", "yes"),
                ("password", parindex::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).contains("done=ig-decided"));
    let d = integrity::in_force(&app.db, c, hpg).await.unwrap().unwrap();
    assert!(d.cancels());
    assert_eq!(d.reviewer, "moha.admin");
    assert!(d.evidence_json.contains("shared_device") || d.evidence_json.contains("burst"));
    assert_eq!(d.evidence_sha256.len(), 64);
    let entries = audit::list(&app.db, &audit::Filter::default(), 5)
        .await
        .unwrap();
    assert!(entries.iter().any(|e| e.action == "integrity.decide"));
    let notified = outbox::counts(&app.db).await.unwrap().queued > queued_before;
    let has_contact = parindex_db::contacts::focal_for(&app.db, hpg)
        .await
        .unwrap()
        .is_some();
    assert_eq!(
        notified, has_contact,
        "the unit's PAR contact is mailed when there is one"
    );

    // The index: the unit's survey leaves at 0 (the 2023 setting).
    let (cancelled, after) = survey_points(&app, c, "HPG").await;
    assert!(cancelled);
    assert_eq!(after, rust_decimal::Decimal::ZERO);

    // Publishing lists the flagged units still without a decision and the cancelled survey above
    // the button, and refuses without an explicit acknowledgement, which the audit log keeps. The
    // simulation published version 1 before any decision, and its entry says so.
    let publishes = audit::Filter {
        action_prefix: Some("results.publish".into()),
        ..audit::Filter::default()
    };
    let entries = audit::list(&app.db, &publishes, 5).await.unwrap();
    let v1: serde_json::Value = serde_json::from_str(entries[0].after.as_deref().unwrap()).unwrap();
    let mut acknowledged: Vec<String> =
        serde_json::from_value(v1["acknowledged_undecided_flags"].clone()).unwrap();
    acknowledged.sort();
    assert_eq!(acknowledged, ["AGG", "BCT", "BTP", "DNG", "HPG"]);
    app.post(
        &admin,
        &format!("/admin/campaigns/{c}/results/compute"),
        &[],
    )
    .await;
    let results_page = format!("/admin/campaigns/{c}/results?version=0");
    let review = text(admin.get(app.url(&results_page)).send().await.unwrap()).await;
    let section = |id: &str| {
        let at = review
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("{id}: {review}"));
        review[at..at + review[at..].find("</ul>").unwrap()].to_string()
    };
    let (undecided, cancelled_list) = (section("res-undecided"), section("res-cancelled"));
    assert!(
        undecided.contains("(AGG)") && undecided.contains("(BTP)"),
        "{undecided}"
    );
    assert!(
        !undecided.contains("(HPG)"),
        "a decided unit is not listed: {undecided}"
    );
    assert!(cancelled_list.contains("(HPG)"), "{cancelled_list}");
    assert!(review.contains("id=\"acknowledge\""));
    let (_, draft) = parindex_db::results::result(&app.db, c, 0)
        .await
        .unwrap()
        .unwrap();
    let publish = format!("/admin/campaigns/{c}/results/publish");
    let mut form = vec![
        ("hash", draft.input_hash.as_str()),
        ("confirm", "yes"),
        ("note", "Lần công bố lại"),
        ("password", parindex::demo::DEMO_PASSWORD),
    ];
    let audit_before = audit::count(&app.db).await.unwrap();
    let r = app.post(&admin, &publish, &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(r).await;
    assert!(body.contains("id=\"acknowledge-error\""), "{body}");
    assert!(
        body.contains("value=\"Lần công bố lại\""),
        "the note typed is kept"
    );
    assert_eq!(audit::count(&app.db).await.unwrap(), audit_before);
    form.push(("acknowledge", "yes"));
    let r = app.post(&admin, &publish, &form).await;
    assert!(location(&r).contains("version=2"), "{:?}", r.status());
    let entries = audit::list(&app.db, &publishes, 1).await.unwrap();
    let v2: serde_json::Value = serde_json::from_str(entries[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(v2["version"], 2);
    assert_eq!(v2["cancelled_surveys"], serde_json::json!(["HPG"]));
    let mut acknowledged: Vec<String> =
        serde_json::from_value(v2["acknowledged_undecided_flags"].clone()).unwrap();
    acknowledged.sort();
    assert_eq!(acknowledged, ["AGG", "BCT", "BTP", "DNG"]);
    // The published report card says why the cancelled unit has no interval, not that too few
    // people answered.
    let card = text(
        admin
            .get(app.url("/results/2023/unit/HPG"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        card.contains("đã bị hủy, nên chỉ số không còn phụ thuộc vào người trả lời"),
        "{card}"
    );
    assert!(!card.contains("Chưa đủ người trả lời"), "{card}");
    // The unit is told the decision and its reason, escaped, and nothing of the evidence.
    let progress = text(
        officer
            .get(app.url(&format!("/unit/{hpg}/survey")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(progress.contains("id=\"ig-decision\""), "{progress}");
    assert!(
        progress.contains("&lt;b&gt;trong một buổi&lt;/b&gt;")
            || progress.contains("&#60;b&#62;trong"),
        "{progress}"
    );
    assert!(!progress.contains("Một trình duyệt trả lời nhiều đường dẫn"));
    assert!(
        !progress.contains("Ông Trần Văn B"),
        "the person held responsible is MoHA's record"
    );

    // Reversible only by a new decision: clear, and the survey counts again.
    let r = app
        .post(
            &admin,
            &decide,
            &[
                ("outcome", "clear"),
                (
                    "reason",
                    "Đã xác minh lại: các phiếu do chính người được khảo sát trả lời",
                ),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(integrity::history(&app.db, c, hpg).await.unwrap().len(), 2);
    let (cancelled, again) = survey_points(&app, c, "HPG").await;
    assert!(!cancelled);
    assert_eq!(again, before);
    let page = text(admin.get(app.url(&unit_url)).send().await.unwrap()).await;
    assert!(page.contains("Không vi phạm") && page.contains("Hủy toàn bộ"));
}

/// Detection runs by itself while the survey is open, at most every interval and only for new
/// responses, and once more after the answer deadline.
async fn detection_is_scheduled_while_open_and_at_the_close(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    let now = |app: &TestApp| Ctx::system(parindex_domain::Clock::now_ms(&app.clock));
    assert!(
        integrity::tick(&app.db, &now(&app))
            .await
            .unwrap()
            .is_empty(),
        "no survey open"
    );
    simulate_demo(&app).await;
    // The simulation's own pass was manual; new responses since? none, so nothing is due.
    app.clock.advance(time::Duration::minutes(20));
    assert!(
        integrity::tick(&app.db, &now(&app))
            .await
            .unwrap()
            .is_empty()
    );
    // After the deadline (10/01/2024): one close run, then nothing.
    app.clock.set(time::macros::datetime!(2024-01-11 09:00 +7));
    let runs = integrity::tick(&app.db, &now(&app)).await.unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].kind.code(), RunKind::Close.code());
    assert!(runs[0].responses > 200);
    assert!(
        integrity::tick(&app.db, &now(&app))
            .await
            .unwrap()
            .is_empty()
    );
    let all = integrity::runs(&app.db, c, 10).await.unwrap();
    assert_eq!(all.len(), 2);
    // Settings: refused out of range, saved and audited in range.
    let admin = app.demo_login("moha.admin").await;
    let mut form: Vec<(&str, &str)> = vec![
        ("flag_risk", "3,5"),
        ("min_responses", "5"),
        ("speed_ms_per_item", "2000"),
        ("burst_minutes", "30"),
        ("burst_min", "5"),
        ("network_minutes", "60"),
        ("network_min", "4"),
        ("twin_agreement", "0,2"),
        ("many_devices", "3"),
        ("interval_minutes", "15"),
    ];
    let url = format!("/admin/campaigns/{c}/integrity/settings");
    let r = app.post(&admin, &url, &form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(r).await.contains("twin_agreement-error"));
    form[7] = ("twin_agreement", "0,85");
    let r = app.post(&admin, &url, &form).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let s = integrity::settings(&app.db, c).await.unwrap();
    assert_eq!((s.flag_risk, s.twin_agreement), (3.5, 0.85));
    let appraiser = app.demo_login("moha.thamdinh").await;
    let r = app.post(&appraiser, &url, &form).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "thresholds are the administrator's"
    );
    let r = app
        .post(
            &appraiser,
            &format!("/admin/campaigns/{c}/integrity/run"),
            &[],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "appraisers may run detection"
    );
}

on_both_engines!(
    simulated_interference_is_found_reviewed_and_decided,
    detection_is_scheduled_while_open_and_at_the_close,
);
