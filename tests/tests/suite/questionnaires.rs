//! The campaign's questionnaires over HTTP, on SQLite and PostgreSQL: MoHA previews each one as a
//! respondent will see it, and an administrator loads a file that is checked against the pinned
//! criteria set and the campaign's groups.

#![allow(clippy::unwrap_used)]

use parindex_tests::app::visible_text;
use parindex_tests::{Engine, on_both_engines, spawn_app};
use reqwest::StatusCode;

const PROVINCE: &str = include_str!("../../../frameworks/2023/questionnaires/province.toml");

async fn moha_previews_and_loads_checked_questionnaires(engine: Engine) {
    let app = spawn_app(engine).await;
    let cid = app.campaign_id().await;
    let appraiser = app.demo_login("moha.thamdinh").await;
    let base = format!("/admin/campaigns/{cid}/questionnaires");
    let overview = visible_text(&app.get(&appraiser, &base).await.text().await.unwrap());
    assert!(
        overview.contains("Đại biểu Hội đồng nhân dân tỉnh 17"),
        "{overview}"
    );

    // The preview: every question of the group with the A-E options, and nothing to submit.
    let r = app.get(&appraiser, &format!("{base}/province/hdnd")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("<fieldset").count(), 17);
    assert!(html.contains("type=\"radio\" id=\"q-A1-E\""));
    let text = visible_text(&html);
    assert!(
        text.contains("A. Rất tốt")
            && text.contains("E. Không biết, không trả lời")
            && text.contains("minh họa"),
        "{text}"
    );
    let preview = html
        .split("id=\"qn-preview\"")
        .nth(1)
        .unwrap()
        .split("</main>")
        .next()
        .unwrap();
    assert!(!preview.contains("type=\"submit\"") && !preview.contains("<form"));
    // Every question reads differently, so there is nothing to warn about.
    assert!(!html.contains("id=\"qn-warnings\""));
    let texts: std::collections::HashSet<&str> = html
        .split("<legend>")
        .skip(1)
        .map(|l| {
            l.split("</legend>")
                .next()
                .unwrap()
                .split_once(". ")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(texts.len(), 17);
    assert_eq!(
        app.get(&appraiser, &format!("{base}/province/nhom-la"))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Loading: a broken file is refused with every problem and changes nothing.
    let admin = app.demo_login("moha.admin").await;
    let post = |body: String| {
        admin
            .post(app.url(&base))
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(body.into_bytes()).file_name("phieu.toml"),
            ))
            .send()
    };
    let r = post(PROVINCE.replace("leaf = \"1.6.1\"", "leaf = \"1.1.1\""))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("không chấm bằng điều tra xã hội học")
            && text.contains(
                "Tiêu chí 1.6.1 chấm bằng điều tra nhưng không câu hỏi nào tính điểm cho nó"
            ),
        "{text}"
    );
    // A valid file replaces the level's questionnaires, audited.
    let r = post(PROVINCE.replace("(minh họa)\"", "(bản sửa)\""))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let html = app
        .get(&appraiser, &format!("{base}/province/hdnd"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("(bản sửa)"));
    // A file where two questions read the same loads, and MoHA is told which.
    let a1 = PROVINCE
        .split("code = \"A1\"")
        .nth(1)
        .unwrap()
        .lines()
        .find(|l| l.contains("text_vi"))
        .unwrap();
    let a2 = PROVINCE
        .split("code = \"A2\"")
        .nth(1)
        .unwrap()
        .lines()
        .find(|l| l.contains("text_vi"))
        .unwrap();
    let r = post(PROVINCE.replacen(a2, a1, 1)).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for page in [base.clone(), format!("{base}/province/hdnd")] {
        let text = visible_text(&app.get(&appraiser, &page).await.text().await.unwrap());
        assert!(
            text.contains("Cần xem lại")
                && text.contains("hdnd")
                && text.contains("câu A2 có cùng nội dung với câu A1"),
            "{page}: {text}"
        );
    }
    let log = parindex_db::audit::list(&app.db, &parindex_db::audit::Filter::default(), 100)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "questionnaires.set" && e.actor == "moha.admin")
    );
}

on_both_engines!(moha_previews_and_loads_checked_questionnaires);
