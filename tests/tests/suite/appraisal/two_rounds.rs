use super::*;

async fn two_rounds_from_submission_to_final_scores(engine: Engine) {
    let app = spawn_app(engine).await;
    let hpg = app.unit_id("HPG").await;
    let appraiser = app.demo_login("moha.thamdinh").await;
    let officer = app.demo_login("hpg.canbo").await;
    let base = format!("/admin/units/{hpg}/appraisal");

    let before = api(&app, &appraiser, hpg).await;
    assert_eq!(before["stage"], "round1");
    let codes: Vec<String> = before["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["code"].as_str().unwrap().to_string())
        .collect();
    assert!(codes.len() > 50, "every self-assessed leaf is listed");
    let (a, b) = (codes[0].clone(), codes[1].clone());
    let self_a = leaf(&before, &a)["self_score"]
        .as_str()
        .unwrap()
        .to_string();
    let self_b = leaf(&before, &b)["self_score"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(
        self_a, "0.50",
        "the adjustment below differs from the self score"
    );

    // An adjustment without a reason is refused, and nothing is stored.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{a}"),
            &[("verdict", "adjust"), ("score", "1"), ("comment", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.unwrap());
    assert!(text.contains("cần nêu lý do"), "{text}");
    assert!(leaf(&api(&app, &appraiser, hpg).await, &a)["round1"].is_null());
    // Above the maximum is refused too.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{a}"),
            &[
                ("verdict", "adjust"),
                ("score", "9"),
                ("comment", "Thiếu văn bản"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Adjust two leaves with reasons, accept every other; each save moves on to the next undecided.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{a}"),
            &[
                ("verdict", "adjust"),
                ("score", "0,5"),
                ("comment", "Kế hoạch ban hành muộn"),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("{base}/leaf/{b}?done=ap-saved"),
        "on to the next leaf"
    );
    app.post(
        &appraiser,
        &format!("{base}/leaf/{b}"),
        &[
            ("verdict", "adjust"),
            ("score", "0"),
            ("comment", "Không có tài liệu kiểm chứng"),
        ],
    )
    .await;
    // Sending before every leaf is decided is refused.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/send"),
            &[("explain_due", "20/12/2023"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    for code in &codes[2..] {
        let r = app
            .post(
                &appraiser,
                &format!("{base}/leaf/{code}"),
                &[("verdict", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{code}");
    }

    // Until round 1 is sent, the unit sees nothing of it.
    let unit_view = api(&app, &officer, hpg).await;
    assert!(leaf(&unit_view, &a)["round1"].is_null());
    assert_eq!(leaf(&unit_view, &a)["score"], self_a.as_str());
    let page = app
        .get(&officer, &format!("/unit/{hpg}/appraisal"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Kế hoạch ban hành muộn"));

    // Sending needs a confirmation and a due date that has not passed.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/send"),
            &[("explain_due", "01/12/2023"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("từ hôm nay trở đi"));
    let r = app
        .post(
            &appraiser,
            &format!("{base}/send"),
            &[("explain_due", "20/12/2023")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post(
            &appraiser,
            &format!("{base}/send"),
            &[("explain_due", "20/12/2023"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&r), format!("{base}?done=ap-explaining"));
    // Round 1 is closed now.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{a}"),
            &[("verdict", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // The unit sees the adjustments and explains them; only adjusted leaves can be explained.
    let unit_view = api(&app, &officer, hpg).await;
    assert_eq!(unit_view["stage"], "explaining");
    assert_eq!(unit_view["explain_due"], "2023-12-20");
    assert_eq!(leaf(&unit_view, &a)["round1"]["score"], "0.50");
    assert_eq!(
        leaf(&unit_view, &a)["round1"]["comment"],
        "Kế hoạch ban hành muộn"
    );
    let r = app
        .post(
            &officer,
            &format!("/unit/{hpg}/appraisal/leaf/{a}"),
            &[(
                "explanation",
                "Kế hoạch ban hành ngày 28/12/2022, đúng hạn (xem văn bản 123)",
            )],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post(
            &officer,
            &format!("/unit/{hpg}/appraisal/leaf/{}", codes[3]),
            &[("explanation", "không được")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // MoHA cannot see the explanation before it is sent, nor start round 2 while the window is open.
    assert!(leaf(&api(&app, &appraiser, hpg).await, &a)["explanation"].is_null());
    let r = app.post(&appraiser, &format!("{base}/round2"), &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(visible_text(&r.text().await.unwrap()).contains("Chưa hết hạn giải trình"));
    // Sending needs a confirmation, then the explanations go to MoHA and can no longer change.
    let r = app
        .post(&officer, &format!("/unit/{hpg}/appraisal/send"), &[])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"confirm-error\"") && html.contains("id=\"appraisal-state\""),
        "the unit's appraisal page comes back with the error at the box"
    );
    let r = app
        .post(
            &officer,
            &format!("/unit/{hpg}/appraisal/send"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/unit/{hpg}/appraisal?done=ap-round2")
    );
    let r = app
        .post(
            &officer,
            &format!("/unit/{hpg}/appraisal/leaf/{a}"),
            &[("explanation", "sửa sau khi gửi")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let moha_view = api(&app, &appraiser, hpg).await;
    assert!(
        leaf(&moha_view, &a)["explanation"]
            .as_str()
            .unwrap()
            .contains("đúng hạn")
    );

    // Round 2 decides the adjusted leaves only; finalizing needs every one decided.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{}", codes[3]),
            &[("verdict", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{a}"),
            &[("verdict", "accept")],
        )
        .await;
    assert_eq!(location(&r), format!("{base}/leaf/{b}?done=ap-saved"));
    let r = app
        .post(
            &appraiser,
            &format!("{base}/finalize"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{b}"),
            &[("verdict", "keep")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "keeping a cut needs a reason"
    );
    app.post(
        &appraiser,
        &format!("{base}/leaf/{b}"),
        &[
            ("verdict", "keep"),
            ("comment", "Giải trình không kèm văn bản"),
        ],
    )
    .await;
    // Before it is final, the unit still sees round 1's score, not round 2's.
    assert_eq!(leaf(&api(&app, &officer, hpg).await, &a)["score"], "0.50");
    // Without the confirmation, the appraisal page comes back with the error at the box.
    let r = app
        .post(&appraiser, &format!("{base}/finalize"), &[("confirm", "")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"confirm-error\"") && html.contains("href=\"#confirm\""),
        "{html}"
    );
    let r = app
        .post(
            &appraiser,
            &format!("{base}/finalize"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(location(&r), format!("{base}?done=ap-final"));

    // Final: the explanation restored one score, the other cut stands; totals follow exactly.
    let unit_view = api(&app, &officer, hpg).await;
    assert_eq!(unit_view["stage"], "final");
    assert_eq!(leaf(&unit_view, &a)["score"], self_a.as_str());
    assert_eq!(leaf(&unit_view, &b)["score"], "0.00");
    let pts = |v: &Value| Points::parse(v.as_str().unwrap()).unwrap().decimal();
    let own = pts(&unit_view["self_points"]);
    let now = pts(&unit_view["points"]);
    let cut = Points::parse(&self_b).unwrap().decimal();
    assert_eq!(own - now, cut);
    let page = app
        .get(&officer, &format!("/unit/{hpg}/appraisal"))
        .await
        .text()
        .await
        .unwrap();
    let text = visible_text(&page);
    assert!(
        text.contains("Đã có điểm chính thức")
            && text.contains("Kế hoạch ban hành muộn")
            && text.contains("Giải trình không kèm văn bản"),
        "{text}"
    );
    // Nothing moves after final.
    let r = app
        .post(
            &appraiser,
            &format!("{base}/leaf/{b}"),
            &[("verdict", "accept")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // Every step is in the audit log, with who did it.
    let log = audit::list(&app.db, &audit::Filter::default(), 1000)
        .await
        .unwrap();
    for action in [
        "appraisal.round1",
        "appraisal.stage",
        "appraisal.explanation",
        "appraisal.round2",
    ] {
        assert!(
            log.iter()
                .any(|e| e.action == action && e.unit_id == Some(hpg.get())),
            "{action}"
        );
    }
    assert!(
        log.iter()
            .any(|e| e.action == "appraisal.round2" && e.actor == "moha.thamdinh")
    );
}

on_both_engines!(two_rounds_from_submission_to_final_scores);
