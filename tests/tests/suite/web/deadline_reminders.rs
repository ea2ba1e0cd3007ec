//! Deadline reminders to units: on the campaign's days before a deadline and on the last day, only
//! to units that still have that work open, once each, and not at all when MoHA switches them off.

use super::*;
use time::macros::datetime;

async fn reminders_on(app: &parindex_tests::TestApp) -> usize {
    parindex_web::service::reminders::run(&app.state)
        .await
        .unwrap()
}

async fn sent(app: &parindex_tests::TestApp, kind: &str, days_before: i64) -> i64 {
    app.db
        .scalar(&format!(
            "SELECT COUNT(*) FROM deadline_reminders WHERE kind = '{kind}' AND days_before = {days_before}"
        ))
        .await
}

async fn units_reminded_of_their_open_deadlines_once(engine: Engine) {
    let app = spawn_app(engine).await;
    let cid = app.campaign_id().await;
    // The units whose list is still a draft and who have an address: those owe the list.
    let mut owing = 0;
    for u in parindex_db::units::list(&app.db, cid).await.unwrap() {
        let list = parindex_db::respondents::list(&app.db, u.id).await.unwrap();
        let to = parindex_db::reminders::recipients(&app.db, u.id)
            .await
            .unwrap();
        if list.state == parindex_domain::respondents::ListState::Draft && !to.is_empty() {
            owing += 1;
        }
    }
    assert!(owing > 0);

    // A week before 15/12/2023.
    app.clock.set(datetime!(2023-12-08 09:00 +7));
    assert!(reminders_on(&app).await > 0);
    assert_eq!(sent(&app, "respondent_list", 7).await, owing);
    let mails = app
        .db
        .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'")
        .await;
    assert!(mails >= owing);
    let body = app
        .db
        .text("SELECT body_text FROM outbox WHERE kind = 'reminder' AND body_text LIKE '%danh sách người trả lời%' LIMIT 1")
        .await;
    assert!(
        body.contains("còn 7 ngày") && body.contains("15/12/2023"),
        "{body}"
    );
    assert!(
        body.contains("7 days left") && body.contains("/unit/"),
        "{body}"
    );
    // Again the same day, or another server: nothing more.
    assert_eq!(reminders_on(&app).await, 0);
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'reminder'")
            .await,
        mails
    );
    // Not a reminder day.
    app.clock.set(datetime!(2023-12-10 09:00 +7));
    assert_eq!(reminders_on(&app).await, 0);

    // MoHA switches them off: nothing the day before.
    let admin = app.demo_login("moha.admin").await;
    let path = format!("/admin/campaigns/{cid}/reminders");
    let r = app.post(&admin, &path, &[("reminder-days", "0, 99")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("từ 1 đến 60"));
    let r = app.post(&admin, &path, &[("reminder-days", "7, 1")]).await;
    assert_eq!(
        location(&r),
        format!("/admin/campaigns/{cid}?done=saved#reminders")
    );
    let c = parindex_db::campaigns::get(&app.db, cid).await.unwrap();
    assert!(!c.reminders_on);
    app.clock.set(datetime!(2023-12-14 09:00 +7));
    assert_eq!(reminders_on(&app).await, 0);

    // On again, three days before: a new day of reminders; then the last day.
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(&admin, &path, &[("on", "yes"), ("reminder-days", "3")])
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/campaigns/{cid}?done=saved#reminders")
    );
    app.clock.set(datetime!(2023-12-12 10:00 +7));
    assert!(reminders_on(&app).await > 0);
    assert_eq!(sent(&app, "respondent_list", 3).await, owing);
    app.clock.set(datetime!(2023-12-15 08:00 +7));
    assert!(reminders_on(&app).await > 0);
    assert_eq!(sent(&app, "respondent_list", 0).await, owing);
    let last = app
        .db
        .text("SELECT body_text FROM outbox WHERE kind = 'reminder' AND body_text LIKE '%ngày cuối cùng%' LIMIT 1")
        .await;
    assert!(last.contains("today is the last day"), "{last}");
    // A rolled-over campaign's proposed deadlines are not reminded of until they are confirmed.
    let next = app.roll_over(2024).await;
    assert!(!next.deadlines_confirmed);
    app.clock.set(datetime!(2024-12-12 09:00 +7));
    assert_eq!(reminders_on(&app).await, 0);
    // Confirmed, they are; a level with no criteria set yet holds up no unit's reminder.
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{}", next.id),
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
                ("dl_respondent_list", "15/12/2024"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(reminders_on(&app).await > 0);
    let audit = audit::list(&app.db, &audit::Filter::default(), 500)
        .await
        .unwrap();
    assert!(audit.iter().any(|a| a.action == "reminder.send"));
    assert!(audit.iter().any(|a| a.action == "campaign.reminders"));
}

on_both_engines!(units_reminded_of_their_open_deadlines_once);
