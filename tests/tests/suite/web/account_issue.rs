//! Issuing a rolled-over campaign's unit accounts at once: by e-mail to each unit's PAR focal
//! address through the outbox, or as a spreadsheet; the missing standard accounts created; the
//! passwords working, stored only hashed; refusals changing nothing.

use super::*;
use parindex_domain::Role;

/// Signs in with a one-time password: accepted, and sent to change it.
async fn first_login(app: &parindex_tests::TestApp, username: &str, password: &str) {
    let c = app.bare_client();
    let r = app
        .post(
            &c,
            "/login",
            &[("username", username), ("password", password)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username}");
    assert!(location(&r).starts_with("/password"), "{}", location(&r));
}

async fn accounts_go_by_e_mail_to_each_units_focal_address(engine: Engine) {
    let app = spawn_app(engine).await;
    let new = app.roll_over(2024).await;
    // BCT registers its focal address for 2024; it has an officer, but no leader or viewer.
    let bct = parindex_db::units::by_code(&app.db, new.id, "BCT")
        .await
        .unwrap();
    let now = parindex_domain::Clock::now_ms(&app.clock);
    let focal = parindex_db::contacts::FocalContacts {
        par_unit: "Văn phòng Bộ Công Thương".into(),
        par_name: "Đặng Quang Huy".into(),
        par_phone: "024 2220 2222".into(),
        par_email: "cchc@moit.gov.vn".into(),
        it_name: "Lê Văn Tâm".into(),
        it_position: "Trưởng phòng".into(),
        it_mobile: "0912 345 678".into(),
    };
    parindex_db::contacts::set_focal(
        &app.db,
        &parindex_db::Ctx::system(now),
        new.id,
        bct.id,
        &focal,
    )
    .await
    .unwrap();
    let admin = app.demo_login("moha.admin").await;
    let path = format!("/admin/campaigns/{}/accounts", new.id);
    let html = app.html(&admin, &path).await;
    let copied = users::list(&app.db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.username.ends_with(".2024"))
        .count();
    assert!(
        html.contains(&format!("id=\"issue-awaiting\">{copied}<")),
        "{html}"
    );
    assert!(
        visible_text(&html).contains("QNI · Tỉnh Quảng Ninh"),
        "units with no address are named"
    );

    // Without the confirmation, nothing happens.
    let head = audit::head(&app.db).await.unwrap();
    let r = app
        .post(&admin, &path, &[("standard", "yes"), ("delivery", "email")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("Hãy đánh dấu để xác nhận"));
    assert_eq!(audit::head(&app.db).await.unwrap(), head);

    let r = app
        .post(
            &admin,
            &path,
            &[
                ("standard", "yes"),
                ("delivery", "email"),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("bct.lanhdao.2024") && text.contains("cchc@moit.gov.vn"),
        "{text}"
    );
    assert!(
        text.contains("btp.canbo.2024") && text.contains("btp.canbo@moj.gov.vn"),
        "{text}"
    );
    assert!(
        !text.contains("qni.canbo.2024"),
        "QNI has no focal address: {text}"
    );

    // One e-mail per unit with an address, holding its accounts' one-time passwords.
    let mail = app
        .db
        .text("SELECT body_text FROM outbox WHERE kind = 'credentials' AND to_addr = 'cchc@moit.gov.vn'")
        .await;
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'credentials'")
            .await,
        2
    );
    let leader = users::by_username(&app.db, "bct.lanhdao.2024")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (leader.role, leader.unit_id),
        (Role::UnitLeader, Some(bct.id))
    );
    assert_eq!(leader.email, "cchc@moit.gov.vn");
    let password = mail
        .lines()
        .find(|l| l.starts_with("- bct.lanhdao.2024 "))
        .and_then(|l| l.rsplit(": ").next())
        .unwrap()
        .to_string();
    assert!(
        !leader.password_hash.contains(&password),
        "stored only hashed"
    );
    assert!(
        mail.contains("Lãnh đạo đơn vị") && mail.contains("Unit leader"),
        "{mail}"
    );
    first_login(&app, "bct.lanhdao.2024", &password).await;

    // QNI's copies still wait; issuing again by e-mail has nothing left to do.
    let qni = users::by_username(&app.db, "qni.canbo.2024")
        .await
        .unwrap()
        .unwrap();
    assert!(qni.password_hash.is_empty());
    let r = app
        .post(&admin, &path, &[("delivery", "email"), ("confirm", "yes")])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("Không có tài khoản nào cần cấp"));
    let actions = audit::list(&app.db, &audit::Filter::default(), 200)
        .await
        .unwrap();
    assert_eq!(
        actions
            .iter()
            .filter(|a| a.action == "campaign.accounts_issue")
            .count(),
        1
    );
}

async fn accounts_come_as_a_sheet_to_hand_over(engine: Engine) {
    let app = spawn_app(engine).await;
    let new = app.roll_over(2024).await;
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{}/accounts", new.id),
            &[("delivery", "xlsx"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("2024.xlsx"),
        "{:?}",
        r.headers()
    );
    let bytes = r.bytes().await.unwrap();
    let rows =
        parindex_import::table::read(&bytes, parindex_import::table::Limits::default()).unwrap();
    let copies = users::list(&app.db, None)
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.username.ends_with(".2024"))
        .collect::<Vec<_>>();
    assert_eq!(
        rows.len(),
        copies.len() + 1,
        "a header, then every copied account"
    );
    assert!(copies.iter().all(|u| !u.password_hash.is_empty()));
    let qni = rows.iter().find(|r| r[2] == "qni.canbo.2024").unwrap();
    first_login(&app, "qni.canbo.2024", &qni[5]).await;
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'credentials'")
            .await,
        0,
        "nothing is mailed"
    );
}

on_both_engines!(
    accounts_go_by_e_mail_to_each_units_focal_address,
    accounts_come_as_a_sheet_to_hand_over,
);
