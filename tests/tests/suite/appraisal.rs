//! MoHA's two-round appraisal over HTTP, on SQLite and PostgreSQL: decisions with their reasons, what
//! the unit sees and when, the explanation window, evidence added while explaining, and the final
//! scores with each leaf's history.

#![allow(clippy::unwrap_used)]

use parindex_db::audit;
use parindex_domain::Points;
use parindex_tests::app::{location, visible_text};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

async fn api(app: &TestApp, c: &reqwest::Client, unit: i64) -> Value {
    let r = app.get(c, &format!("/api/v1/units/{unit}/appraisal")).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

fn leaf<'a>(v: &'a Value, code: &str) -> &'a Value {
    v["leaves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == code)
        .unwrap()
}

mod two_rounds {
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
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
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
                    .any(|e| e.action == action && e.unit_id == Some(hpg)),
                "{action}"
            );
        }
        assert!(
            log.iter()
                .any(|e| e.action == "appraisal.round2" && e.actor == "moha.thamdinh")
        );
    }

    on_both_engines!(two_rounds_from_submission_to_final_scores);
}

mod explaining {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

    async fn the_unit_explains_with_new_evidence_until_the_window_closes(engine: Engine) {
        let app = spawn_app(engine).await;
        let ubdt = app.unit_id("UBDT").await;
        let officer = app.demo_login("ubdt.canbo").await;
        let view = api(&app, &officer, ubdt).await;
        assert_eq!(view["stage"], "explaining");
        let adjusted: Vec<String> = view["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["round1"]["verdict"] == "adjust")
            .map(|l| l["code"].as_str().unwrap().to_string())
            .collect();
        let accepted = view["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["round1"]["verdict"] == "accept")
            .unwrap()["code"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(adjusted.len() >= 2, "{adjusted:?}");
        let code = &adjusted[1];

        // New evidence for an adjusted leaf, marked as added with the explanation.
        let form = || {
            reqwest::multipart::Form::new()
                .text("reference", "trang 3")
                .part(
                    "file",
                    reqwest::multipart::Part::bytes(PDF.to_vec())
                        .file_name("Quyết định bổ sung.pdf"),
                )
        };
        let r = officer
            .post(app.url(&format!(
                "/unit/{ubdt}/self-assessment/leaf/{code}/evidence"
            )))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(
            location(&r),
            format!("/unit/{ubdt}/appraisal/leaf/{code}?done=evidence-added#evidence")
        );
        let page = app
            .get(&officer, &format!("/unit/{ubdt}/appraisal/leaf/{code}"))
            .await
            .text()
            .await
            .unwrap();
        let text = visible_text(&page);
        assert!(
            text.contains("Quyết định bổ sung.pdf") && text.contains("Bổ sung khi giải trình"),
            "{text}"
        );
        // Not for a leaf MoHA accepted: that part of the report stays as submitted.
        let r = officer
            .post(app.url(&format!(
                "/unit/{ubdt}/self-assessment/leaf/{accepted}/evidence"
            )))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        // MoHA sees the new file on its own page for the leaf.
        let appraiser = app.demo_login("moha.thamdinh").await;
        let moha_page = app
            .get(
                &appraiser,
                &format!("/admin/units/{ubdt}/appraisal/leaf/{code}"),
            )
            .await
            .text()
            .await
            .unwrap();
        assert!(moha_page.contains("Quyết định bổ sung.pdf"));

        // After the window (20/12/2023), the server refuses the explanation and the evidence alike…
        app.clock.advance(time::Duration::days(11));
        let officer = app.demo_login("ubdt.canbo").await;
        let r = app
            .post(
                &officer,
                &format!("/unit/{ubdt}/appraisal/leaf/{code}"),
                &[("explanation", "muộn")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(visible_text(&r.text().await.unwrap()).contains("Đã hết hạn giải trình"));
        let r = officer
            .post(app.url(&format!(
                "/unit/{ubdt}/self-assessment/leaf/{code}/evidence"
            )))
            .multipart(form())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let r = app
            .post(
                &officer,
                &format!("/unit/{ubdt}/appraisal/send"),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        // …and MoHA may now start round 2 without the unit.
        let appraiser = app.demo_login("moha.thamdinh").await;
        let r = app
            .post(
                &appraiser,
                &format!("/admin/units/{ubdt}/appraisal/round2"),
                &[],
            )
            .await;
        assert_eq!(
            location(&r),
            format!("/admin/units/{ubdt}/appraisal?done=ap-round2")
        );
    }

    on_both_engines!(the_unit_explains_with_new_evidence_until_the_window_closes);
}

mod who_and_when {
    use super::*;

    async fn nothing_is_appraised_before_submission_and_only_appraisers_decide(engine: Engine) {
        let app = spawn_app(engine).await;
        let agg = app.unit_id("AGG").await;
        let appraiser = app.demo_login("moha.thamdinh").await;
        let page = app
            .get(&appraiser, &format!("/admin/units/{agg}/appraisal"))
            .await
            .text()
            .await
            .unwrap();
        assert!(visible_text(&page).contains("chưa gửi báo cáo tự đánh giá"));
        let r = app
            .post(
                &appraiser,
                &format!("/admin/units/{agg}/appraisal/leaf/1.1.1"),
                &[("verdict", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            parindex_db::appraisals::leaves(&app.db, agg)
                .await
                .unwrap()
                .len(),
            0
        );
        // The administrator follows along but does not decide.
        let hpg = app.unit_id("HPG").await;
        let admin = app.demo_login("moha.admin").await;
        let page = app
            .get(&admin, &format!("/admin/units/{hpg}/appraisal/leaf/1.1.1"))
            .await
            .text()
            .await
            .unwrap();
        assert!(!page.contains("id=\"decision\""));
        let r = app
            .post(
                &admin,
                &format!("/admin/units/{hpg}/appraisal/leaf/1.1.1"),
                &[("verdict", "accept")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Survey leaves are not appraised here.
        let r = app
            .get(
                &appraiser,
                &format!("/admin/units/{hpg}/appraisal/leaf/1.6.1"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        // The demo's final unit shows its history to its own officer.
        let ttcp = app.unit_id("TTCP").await;
        let officer = app.demo_login("ttcp.canbo").await;
        let v = api(&app, &officer, ttcp).await;
        assert_eq!(v["stage"], "final");
        assert!(
            v["leaves"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["round2"]["verdict"] == "keep")
        );
    }

    on_both_engines!(nothing_is_appraised_before_submission_and_only_appraisers_decide);
}

mod storage {
    use super::*;
    use parindex_db::Ctx;
    use parindex_db::appraisals::{self, Move};
    use parindex_domain::appraisal::{Decision, Round, Stage, Verdict};

    /// The database refuses what the pages already refuse, inside the write's own transaction: a
    /// stage change that no longer matches what the caller saw, and any decision after final.
    async fn stage_changes_recheck_what_they_depend_on(engine: Engine) {
        let app = spawn_app(engine).await;
        let hpg = app.unit_id("HPG").await;
        let cid = app.campaign_id().await;
        let ctx = Ctx::system(0);
        let accept = |s: &str| Decision {
            verdict: Verdict::Accept,
            score: Points::parse(s).unwrap(),
            comment: String::new(),
        };
        appraisals::decide(&app.db, &ctx, cid, hpg, "1.1.1", Round::First, &accept("1"))
            .await
            .unwrap();
        // The caller saw no adjustment; meanwhile another appraiser adjusted a leaf.
        appraisals::decide(
            &app.db,
            &ctx,
            cid,
            hpg,
            "1.2.1",
            Round::First,
            &Decision {
                verdict: Verdict::Adjust,
                score: Points::ZERO,
                comment: "Không có văn bản".into(),
            },
        )
        .await
        .unwrap();
        let straight_to_final = Move {
            from: Stage::Round1,
            to: Stage::Final,
            adjusted: Some(0),
            explain_due: None,
        };
        assert!(matches!(
            appraisals::advance(&app.db, &ctx, cid, hpg, &straight_to_final).await,
            Err(parindex_db::DbError::Stale)
        ));
        assert_eq!(
            appraisals::get(&app.db, hpg).await.unwrap().stage,
            Stage::Round1
        );
        // Round 2 decisions are refused in round 1, round 1 decisions after final.
        assert!(matches!(
            appraisals::decide(
                &app.db,
                &ctx,
                cid,
                hpg,
                "1.2.1",
                Round::Second,
                &accept("1")
            )
            .await,
            Err(parindex_db::DbError::Stale)
        ));
        let ttcp = app.unit_id("TTCP").await;
        assert_eq!(
            appraisals::get(&app.db, ttcp).await.unwrap().stage,
            Stage::Final
        );
        assert!(matches!(
            appraisals::decide(
                &app.db,
                &ctx,
                cid,
                ttcp,
                "1.1.1",
                Round::First,
                &accept("1")
            )
            .await,
            Err(parindex_db::DbError::Stale)
        ));
        // A report that is not submitted has no appraisal at all.
        let agg = app.unit_id("AGG").await;
        assert!(matches!(
            appraisals::decide(&app.db, &ctx, cid, agg, "1.1.1", Round::First, &accept("1")).await,
            Err(parindex_db::DbError::Stale)
        ));
    }

    on_both_engines!(stage_changes_recheck_what_they_depend_on);
}
