//! The audit log: who did what, browsable by MoHA.

use super::*;

async fn the_audit_log_records_who_did_what_and_can_be_browsed(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    admin
        .post(app.url(&format!("/admin/campaigns/{cid}/support")))
        .header("user-agent", "Trình duyệt thử")
        .form(&[
            ("level", "ministry"),
            ("name", "Ông Mới"),
            ("phone", "0912000003"),
            ("email", "moi@moha.example"),
        ])
        .send()
        .await
        .unwrap();
    let e = &audit::list(
        &app.db,
        &audit::Filter {
            action_prefix: Some("support_contact".into()),
            actor: Some("moha.admin".into()),
            ..Default::default()
        },
        1,
    )
    .await
    .unwrap()[0];
    assert_eq!(e.ip, "127.0.0.1");
    assert_eq!(e.user_agent, "Trình duyệt thử");
    assert!(
        e.before.as_deref().unwrap().contains("Nguyễn Văn Minh")
            && e.after.as_deref().unwrap().contains("Ông Mới")
    );
    let page = visible_text(
        &app.get(
            &admin,
            "/admin/audit?action=support_contact&actor=moha.admin",
        )
        .await
        .text()
        .await
        .unwrap(),
    );
    assert!(
        page.contains("support_contact.set") && !page.contains("unit.create"),
        "{page}"
    );
    let appraiser = app.demo_login("moha.thamdinh").await;
    assert_eq!(
        app.get(&appraiser, "/admin/audit").await.status(),
        StatusCode::OK
    );
    assert_eq!(audit::verify(&app.db).await.unwrap().first_break, None);
}

on_both_engines!(the_audit_log_records_who_did_what_and_can_be_browsed,);
