//! MoHA's self-assessment dashboard: every unit's stage.

use super::*;

async fn moha_sees_every_units_stage_and_the_demo_has_units_at_every_stage(engine: Engine) {
    let app = spawn_app(engine).await;
    let cid = app.campaign_id().await;
    let appraiser = app.demo_login("moha.thamdinh").await;
    let html = app
        .get(
            &appraiser,
            &format!("/admin/campaigns/{cid}/self-assessments"),
        )
        .await
        .text()
        .await
        .unwrap();
    for (stage, n) in [
        ("not_started", 2),
        ("in_progress", 2),
        ("awaiting_approval", 1),
        ("approved", 1),
        ("submitted", 1),
        ("in_appraisal", 1),
        ("explaining", 1),
        ("final", 1),
    ] {
        assert!(
            html.contains(&format!("<dd data-stage=\"{stage}\">{n}</dd>")),
            "{stage}: {html}"
        );
    }
    let nhnn = app.unit_id("NHNN").await;
    let row = html
        .split(&format!("data-unit=\"{nhnn}\""))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(visible_text(row).contains("82 / 82"), "{row}");
    // Units see only their own report, never this page.
    let officer = app.demo_login("btp.canbo").await;
    assert_eq!(
        app.get(
            &officer,
            &format!("/admin/campaigns/{cid}/self-assessments")
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
}

on_both_engines!(moha_sees_every_units_stage_and_the_demo_has_units_at_every_stage);
