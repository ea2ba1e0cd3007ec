//! A refused form comes back as itself: the error in the summary at the top, linked to the field,
//! with what the user typed kept and the menu and name still in the header. The former dead ends:
//! submitting without the confirmation, returning a report without a comment, an upload without a
//! file or of the wrong type, and saving after the deadline. Any other error page keeps the menu and
//! a way back.

use super::*;
use parindex_web::i18n::Lang;

/// The page is the form itself with `message` in the summary, linked to `#field`, and the user's
/// name in the header.
fn assert_on_the_form(html: &str, form_marker: &str, field: &str, key: &str, name: &str) {
    assert!(
        html.contains(form_marker),
        "not the form ({form_marker}): {html}"
    );
    assert!(
        html.contains("class=\"error-summary\"")
            && html.contains(&format!("<a href=\"#{field}\">{}", Lang::Vi.t(key))),
        "no summary linking #{field} to {key}: {html}"
    );
    assert!(
        html.contains(name),
        "the header lost the user's name: {html}"
    );
}

async fn refused_forms_come_back_with_the_input_kept(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let nhnn = app.unit_id("NHNN").await;
    let officer = app.demo_login("btp.canbo").await;
    let base = format!("/unit/{btp}/self-assessment");

    // Submitting without ticking the confirmation, and sending an unfinished report.
    let r = app
        .post(&officer, &format!("{base}/submit"), &[("text", "")])
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert_on_the_form(
        &html,
        "id=\"tasks\"",
        "confirm",
        "sa-confirm-required",
        "Phạm Văn Hùng",
    );
    let r = app.post(&officer, &format!("{base}/send"), &[]).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("id=\"tasks\"") && html.contains("<a href=\"#report-state\">"),
        "{html}"
    );

    // Difficulties over the limit: refused, and all 20,001 characters are still in the box.
    let long = "ă".repeat(20_001);
    let r = app
        .post(
            &officer,
            &format!("{base}/difficulties"),
            &[("text", &long)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert_on_the_form(
        &html,
        "id=\"tasks\"",
        "difficulties-text",
        "field-too-long",
        "Phạm Văn Hùng",
    );
    assert!(html.contains(&format!(">{long}</textarea>")));
    let report = parindex_db::self_assessments::report(&app.db, btp)
        .await
        .unwrap();
    assert_eq!(report.difficulties, "", "nothing was saved");

    // An upload with no file, then one of a refused type: the leaf's page, reference kept.
    let leaf = format!("{base}/leaf/1.1.1");
    for (bytes, key) in [
        (&b""[..], "evidence-missing"),
        (&b"MZ\x90\x00 not a document"[..], "evidence-type-refused"),
    ] {
        let mut form = reqwest::multipart::Form::new().text("reference", "trang 3, mục II");
        if !bytes.is_empty() {
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("tool.exe"),
            );
        }
        let r = officer
            .post(app.url(&format!("{leaf}/evidence")))
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{key}");
        let html = r.text().await.unwrap();
        assert_on_the_form(
            &html,
            "enctype=\"multipart/form-data\"",
            "evidence-file",
            key,
            "Phạm Văn Hùng",
        );
        assert!(html.contains("value=\"trang 3, mục II\""), "{html}");
    }
    assert!(
        parindex_db::evidence::counts(&app.db, btp)
            .await
            .unwrap()
            .is_empty(),
        "nothing was linked"
    );

    // The leader returns a report with too short a comment: the comment stays in its box.
    let leader = app.demo_login("nhnn.lanhdao").await;
    let r = app
        .post(
            &leader,
            &format!("/unit/{nhnn}/self-assessment/return"),
            &[("text", "Sửa")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert_on_the_form(
        &html,
        "id=\"tasks\"",
        "return-comment",
        "sa-comment-required",
        "Phan Thị Thu Trang",
    );
    assert!(html.contains(">Sửa</textarea>"), "{html}");
    let report = parindex_db::self_assessments::report(&app.db, nhnn)
        .await
        .unwrap();
    assert_eq!(report.state.as_str(), "awaiting_approval", "not returned");

    // Saving after the deadline: 409 on the leaf's own page, with what was typed still shown.
    app.clock
        .set(time::macros::datetime!(2024-01-26 00:00:00 +7));
    // Weeks later the old session has expired: the officer signs in again.
    let officer = app.demo_login("btp.canbo").await;
    let r = app
        .post(
            &officer,
            &leaf,
            &[
                ("score", "1,5"),
                ("explanation", "Đã ban hành kế hoạch đúng hạn"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"leaf-score\">1,5</dd>"), "{html}");
    assert!(html.contains("Đã ban hành kế hoạch đúng hạn"), "{html}");
    assert!(
        html.contains("class=\"error-summary\"") && html.contains("<a href=\"#leaf-score\">"),
        "{html}"
    );
    assert!(html.contains("Phạm Văn Hùng"));
}

async fn error_pages_keep_the_menu_and_a_way_back(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("btp.canbo").await;

    // A page that does not exist: the menu and the name are there, and the way home is /home.
    let r = app
        .get(&officer, &format!("/unit/{btp}/self-assessment/leaf/9.9.9"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(html.contains("Phạm Văn Hùng") && html.contains(&format!("href=\"/unit/{btp}\"")));
    assert!(html.contains("href=\"/home\""), "{html}");

    // Another unit's form, posted from a page of ours: refused, with a link back to that page.
    let from = app.url(&format!("/unit/{btp}/self-assessment"));
    let r = officer
        .post(app.url(&format!("/unit/{qni}/self-assessment/send")))
        .header("referer", &from)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let html = r.text().await.unwrap();
    assert!(html.contains("Phạm Văn Hùng"), "{html}");
    assert!(
        html.contains(&format!(
            "href=\"/unit/{btp}/self-assessment\" rel=\"prev\""
        )),
        "{html}"
    );

    // A referer on another site is never offered as the way back.
    let r = officer
        .post(app.url(&format!("/unit/{qni}/self-assessment/send")))
        .header("referer", "https://evil.example/unit/1")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("rel=\"prev\""), "{html}");

    // Without a session there is no menu, and the way home is the start page.
    let anonymous = app.client();
    let r = app.get(&anonymous, "/results/1999").await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let html = r.text().await.unwrap();
    assert!(
        !html.contains("class=\"who\"") && html.contains("href=\"/\">"),
        "{html}"
    );
}

on_both_engines!(
    refused_forms_come_back_with_the_input_kept,
    error_pages_keep_the_menu_and_a_way_back
);
