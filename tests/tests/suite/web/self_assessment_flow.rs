//! The self-assessment flow through the pages: scoring, sending, approving, returning, submitting.

use super::*;
use parindex_domain::criteria::Method;

async fn self_leaves(app: &parindex_tests::TestApp) -> Vec<(String, parindex_domain::Points)> {
    let cid = app.campaign_id().await;
    let pins = parindex_db::criteria_sets::pinned(&app.db, cid)
        .await
        .unwrap();
    let id = pins
        .iter()
        .find(|(l, _)| *l == parindex_domain::Level::Ministry)
        .unwrap()
        .1
        .id;
    let set = parindex_db::criteria_sets::tree(&app.db, id).await.unwrap();
    set.leaves()
        .into_iter()
        .filter(|l| l.method == Some(Method::SelfAssessed))
        .map(|l| (l.code.clone(), l.max))
        .collect()
}

async fn officer_scores_leader_approves_officer_submits_then_it_is_read_only(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let cid = app.campaign_id().await;
    let officer = app.demo_login("btp.canbo").await;
    let leader = app.demo_login("btp.lanhdao").await;
    let base = format!("/unit/{btp}/self-assessment");
    let leaves = self_leaves(&app).await;
    assert_eq!(leaves.len(), 82);

    let list = visible_text(&app.get(&officer, &base).await.text().await.unwrap());
    assert!(
        list.contains("Đang soạn") && list.contains("Chưa chấm 82"),
        "{list}"
    );

    // Bounds and method are checked on the server.
    let (code, max) = leaves[0].clone();
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/{code}"),
            &[
                ("score", &format!("{}1", max.to_fixed())),
                ("explanation", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "three decimals are refused"
    );
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/{code}"),
            &[("score", "99"), ("explanation", "Giải trình")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        visible_text(&html).contains("Điểm không được vượt quá điểm tối đa"),
        "{html}"
    );
    assert!(
        html.contains("value=\"99\"") && html.contains("Giải trình</textarea>"),
        "typed values are kept"
    );
    let r = app
        .post(&officer, &format!("{base}/leaf/1.7.1"), &[("score", "1")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "a survey leaf is not self-scored"
    );

    // Scored without evidence or explanation: needs an explanation.
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/{code}"),
            &[("score", "1,25"), ("explanation", "")],
        )
        .await;
    // Saved, and the notice says the item still needs an explanation, and why.
    let to = location(&r);
    assert_eq!(
        to,
        format!("{base}?done=saved-needs-explanation#leaf-{code}")
    );
    let notice = visible_text(&app.get(&officer, &to).await.text().await.unwrap());
    assert!(
        notice.contains("Đã lưu, nhưng mục này còn cần giải trình"),
        "{notice}"
    );
    let leaf = visible_text(
        &app.get(&officer, &format!("{base}/leaf/{code}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(leaf.contains("Cần giải trình"), "{leaf}");
    let r = app.post(&officer, &format!("{base}/send"), &[]).await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "incomplete reports cannot be sent"
    );

    // Fill every other leaf at its max, with an explanation.
    let ctx = parindex_db::Ctx::system(parindex_domain::Clock::now_ms(&app.clock));
    for (c, m) in &leaves {
        parindex_db::self_assessments::save_leaf(
            &app.db,
            &ctx,
            cid,
            btp,
            c,
            Some(*m),
            "Đã thực hiện đầy đủ",
        )
        .await
        .unwrap();
    }
    let r = app.post(&officer, &format!("{base}/send"), &[]).await;
    assert_eq!(location(&r), format!("{base}?done=sa-send"));
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/{code}"),
            &[("score", "0"), ("explanation", "đổi ý")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "no edits while awaiting approval"
    );

    let r = app
        .post(&leader, &format!("{base}/return"), &[("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = app
        .post(
            &leader,
            &format!("{base}/return"),
            &[("text", "Bổ sung giải trình mục 2.1")],
        )
        .await;
    assert_eq!(location(&r), format!("{base}?done=sa-return"));
    let list = visible_text(&app.get(&officer, &base).await.text().await.unwrap());
    assert!(
        list.contains("Bổ sung giải trình mục 2.1") && list.contains("Đang soạn"),
        "{list}"
    );
    app.post(&officer, &format!("{base}/send"), &[]).await;
    // Before approving, the leader reads the summary: points by field, items without evidence.
    let review = app.get(&leader, &base).await.text().await.unwrap();
    let summary = visible_text(review.split("id=\"leader-review\"").nth(1).unwrap());
    let total: parindex_domain::Points = leaves.iter().map(|(_, m)| *m).sum();
    assert!(
        summary.contains("Xem xét trước khi phê duyệt")
            && summary.contains(&format!("{} mục chưa có tài liệu kiểm chứng", leaves.len())),
        "{summary}"
    );
    let field_maxima = review.matches(" / ").count();
    assert!(field_maxima >= 7, "a line per field: {summary}");
    assert!(total > parindex_domain::Points::ZERO);
    // Approving needs the confirmation; without it the summary comes back with the error.
    let r = app.post(&leader, &format!("{base}/approve"), &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let again = r.text().await.unwrap();
    assert!(
        again.contains("<a href=\"#approve-confirm\">") && again.contains("id=\"leader-review\""),
        "{again}"
    );
    let r = app
        .post(&leader, &format!("{base}/approve"), &[("confirm", "yes")])
        .await;
    assert_eq!(location(&r), format!("{base}?done=sa-approve"));
    let r = app
        .post(&officer, &format!("{base}/submit"), &[("confirm", "")])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "submission needs the confirmation"
    );
    let r = app
        .post(&officer, &format!("{base}/submit"), &[("confirm", "yes")])
        .await;
    assert_eq!(location(&r), format!("{base}?done=sa-submit"));
    let report = parindex_db::self_assessments::report(&app.db, btp)
        .await
        .unwrap();
    assert_eq!(
        report.state,
        parindex_domain::self_assessment::State::Submitted
    );
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/{code}"),
            &[("score", "0"), ("explanation", "sửa sau khi gửi")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "read-only after submission"
    );
    let r = app
        .post(
            &leader,
            &format!("{base}/return"),
            &[("text", "Mở lại báo cáo")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::BAD_REQUEST,
        "the leader cannot reopen a submitted report"
    );
    let saved = parindex_db::self_assessments::leaves(&app.db, btp)
        .await
        .unwrap();
    assert_eq!(saved[&code].score, Some(max));
    let transitions = audit::list(
        &app.db,
        &audit::Filter {
            action_prefix: Some("self_assessment.transition".into()),
            unit_id: Some(btp),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(transitions.len(), 5);
}

async fn the_self_assessment_locks_at_its_deadline_unless_extended(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    app.clock
        .set(time::macros::datetime!(2024-01-26 00:00:00 +7));
    let officer = app.demo_login("qni.canbo").await;
    let base = format!("/unit/{qni}/self-assessment");
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/1.1.1"),
            &[("score", "0,5"), ("explanation", "Đã ban hành")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(visible_text(&r.text().await.unwrap()).contains("25/01/2024"));
    let list = visible_text(&app.get(&officer, &base).await.text().await.unwrap());
    assert!(list.contains("Đã khóa"), "{list}");
    let admin = app.demo_login("moha.admin").await;
    app.post(
        &admin,
        &format!("/admin/units/{qni}/extensions"),
        &[
            ("kind", "self_assessment"),
            ("due_date", "31/01/2024"),
            ("reason", "Công văn xin gia hạn số 15"),
        ],
    )
    .await;
    let r = app
        .post(
            &officer,
            &format!("{base}/leaf/1.1.1"),
            &[("score", "0,5"), ("explanation", "Đã ban hành")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = parindex_db::self_assessments::leaves(&app.db, qni)
        .await
        .unwrap();
    assert_eq!(
        saved["1.1.1"].score.map(|p| p.to_fixed()),
        Some("0.50".into())
    );
}

on_both_engines!(
    officer_scores_leader_approves_officer_submits_then_it_is_read_only,
    the_self_assessment_locks_at_its_deadline_unless_extended,
    the_officer_filters_what_is_left_and_goes_from_item_to_item,
);

/// The `/self-assessment/leaf/…` links of a task-list page, in order.
fn leaf_links(html: &str) -> Vec<String> {
    parindex_tests::forms::links(html)
        .into_iter()
        .filter_map(|l| l.split("/self-assessment/leaf/").nth(1).map(str::to_string))
        .collect()
}

async fn the_officer_filters_what_is_left_and_goes_from_item_to_item(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let officer = app.demo_login("btp.canbo").await;
    let base = format!("/unit/{btp}/self-assessment");
    let leaves = self_leaves(&app).await;
    let page = async |query: &str| {
        app.get(&officer, &format!("{base}{query}"))
            .await
            .text()
            .await
            .unwrap()
    };

    // One item complete, one scored without explanation, the rest untouched.
    let (first, second) = (leaves[0].0.clone(), leaves[1].0.clone());
    app.post(
        &officer,
        &format!("{base}/leaf/{first}"),
        &[("score", "1"), ("explanation", "Đã ban hành đúng hạn")],
    )
    .await;
    app.post(
        &officer,
        &format!("{base}/leaf/{second}"),
        &[("score", "1"), ("explanation", "")],
    )
    .await;

    let unfinished = page("?show=unfinished").await;
    let shown = leaf_links(&unfinished);
    assert_eq!(
        shown.len(),
        leaves.len() - 1,
        "every item but the complete one"
    );
    assert!(!shown.contains(&first) && shown.contains(&second));
    assert!(
        unfinished.contains(&format!(
            "data-filter=\"unfinished\">Chưa xong ({})",
            leaves.len() - 1
        )),
        "{unfinished}"
    );
    assert!(unfinished.contains("aria-current=\"page\" class=\"on\" data-filter=\"unfinished\""));
    let needs = leaf_links(&page("?show=needs-explanation").await);
    assert_eq!(needs, vec![second.clone()]);
    let no_evidence = leaf_links(&page("?show=without-evidence").await);
    assert_eq!(no_evidence.len(), leaves.len(), "no item has evidence yet");
    // Fields and criteria stay only above an item that is shown.
    let needs_page = page("?show=needs-explanation").await;
    let field = second.split('.').next().unwrap();
    assert!(
        needs_page.contains(&format!("id=\"leaf-{field}\""))
            && !needs_page.contains("id=\"leaf-7\""),
        "{needs_page}"
    );
    // An unknown filter shows everything; the survey items too.
    let all = leaf_links(&page("?show=%3Cscript%3E").await);
    assert!(
        all.len() > leaves.len(),
        "the survey and imported items are listed too"
    );

    // From an item, the next unfinished one: the complete first item is skipped over.
    let leaf = page(&format!("/leaf/{second}")).await;
    let third = &leaves[2].0;
    assert!(
        leaf.contains(&format!(
            "href=\"{base}/leaf/{third}\" id=\"next-unfinished\""
        )),
        "{leaf}"
    );
    let last = &leaves[leaves.len() - 1].0;
    let from_last = page(&format!("/leaf/{last}")).await;
    assert!(
        from_last.contains(&format!(
            "href=\"{base}/leaf/{second}\" id=\"next-unfinished\""
        )),
        "round to the first unfinished item: {from_last}"
    );
}
