//! Signing in and out: where each role lands, new sessions, wrong passwords, lockouts, the
//! first-login password change and timeouts.

use super::*;

async fn login_lands_each_role_on_its_home(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    for (user, want) in [
        ("moha.admin", "/admin/campaigns".to_string()),
        ("moha.thamdinh", "/admin/campaigns".to_string()),
        ("btp.canbo", format!("/unit/{btp}")),
        ("btp.lanhdao", format!("/unit/{btp}")),
        ("btp.xem", format!("/unit/{btp}")),
    ] {
        let c = app.demo_login(user).await;
        let r = app.get(&c, "/home").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{user}");
        assert_eq!(location(&r), want, "{user}");
    }
}

/// Session fixation (ASVS 3.2.1): a session cookie planted before login is never the one the
/// login gives, and never lets anyone in.
async fn a_login_always_issues_a_new_session(engine: Engine) {
    let app = spawn_app(engine).await;
    let planted = "a".repeat(64);
    let r = app
        .bare_client()
        .post(app.url("/login"))
        .header("origin", &app.base)
        .header("cookie", format!("parindex_session={planted}"))
        .form(&[
            ("username", "btp.canbo"),
            ("password", parindex::demo::DEMO_PASSWORD),
            ("next", "/home"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("parindex_session="), "{cookie}");
    assert!(!cookie.contains(&planted), "the planted token was kept");
    let with_planted = app
        .bare_client()
        .get(app.url("/api/v1/me"))
        .header("cookie", format!("parindex_session={planted}"))
        .send()
        .await
        .unwrap();
    assert_eq!(with_planted.status(), StatusCode::UNAUTHORIZED);
}

async fn a_wrong_password_is_refused_without_saying_which_part_was_wrong(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.client();
    for (u, p) in [
        ("btp.canbo", "wrong-password"),
        ("nobody.here", "demo-cchc-2023"),
    ] {
        let r = app
            .post(&c, "/login", &[("username", u), ("password", p)])
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        let html = r.text().await.unwrap();
        assert!(
            visible_text(&html).contains("Tên đăng nhập hoặc mật khẩu không đúng"),
            "{html}"
        );
        assert!(
            html.contains(&format!("value=\"{u}\"")),
            "the typed username is kept in the form"
        );
    }
    assert!(
        app.get(&c, "/home")
            .await
            .headers()
            .get("location")
            .is_some_and(|l| l.to_str().unwrap().starts_with("/login"))
    );
}

async fn five_failures_lock_the_account_for_fifteen_minutes(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.client();
    for _ in 0..5 {
        let r = app
            .post(
                &c,
                "/login",
                &[("username", "qni.canbo"), ("password", "nope-nope-nope")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post(
            &c,
            "/login",
            &[
                ("username", "qni.canbo"),
                ("password", parindex::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits out the lock"
    );
    assert_eq!(r.headers()["retry-after"], "900");
    let text = visible_text(&r.text().await.unwrap());
    // 09:00 on 10/12/2023 plus 15 minutes, Vietnam time.
    assert!(
        text.contains("Vui lòng thử lại sau 10/12/2023 09:15"),
        "{text}"
    );
    // Another account from the same address is not locked by this one.
    app.demo_login("qni.lanhdao").await;
    app.clock.advance(time::Duration::minutes(16));
    app.demo_login("qni.canbo").await;
}

/// Failures lock an account only at the address they came from: someone who knows MoHA's username
/// cannot lock MoHA out from elsewhere.
async fn a_lockout_holds_only_at_the_address_it_came_from(engine: Engine) {
    let app = parindex_tests::app::spawn_app_with(
        engine,
        parindex_web::WebConfig {
            trust_proxy: true,
            ..parindex_web::WebConfig::default()
        },
    )
    .await;
    let from = |ip: &'static str| {
        let c = app.client();
        let url = app.url("/login");
        move |password: &'static str| {
            c.post(url.clone())
                .header("x-forwarded-for", ip)
                .form(&[("username", "moha.admin"), ("password", password)])
                .send()
        }
    };
    let attacker = from("203.0.113.66");
    for _ in 0..6 {
        attacker("sai-mat-khau-roi").await.unwrap();
    }
    let r = attacker(parindex::demo::DEMO_PASSWORD).await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let office = from("198.51.100.7");
    let r = office(parindex::demo::DEMO_PASSWORD).await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "MoHA signs in from its own address"
    );
}

async fn a_first_login_must_change_the_password_before_anything_else(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let btp = app.unit_id("BTP").await;
    let r = app
        .post(
            &admin,
            "/admin/accounts",
            &[
                ("username", "btp.moi"),
                ("full_name", "Lê Văn Mới"),
                ("email", "moi@moj.gov.vn"),
                ("role", "unit_viewer"),
                ("unit_id", &btp.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let temp = html
        .split("<code class=\"temp-password\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(temp.len(), 19);
    let stored = users::by_username(&app.db, "btp.moi")
        .await
        .unwrap()
        .unwrap();
    assert!(
        stored.password_hash.starts_with("$argon2id$") && !stored.password_hash.contains(&temp)
    );

    let c = app.client();
    let r = app
        .post(
            &c,
            "/login",
            &[("username", "btp.moi"), ("password", temp.as_str())],
        )
        .await;
    assert_eq!(location(&r), "/password");
    let r = app.get(&c, &format!("/unit/{btp}")).await;
    assert_eq!(
        location(&r),
        "/password",
        "nothing else opens before the change"
    );
    let r = app.get(&c, "/api/v1/me").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "password_change_required"
    );

    let r = app
        .post(
            &c,
            "/password",
            &[
                ("current", temp.as_str()),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("Vui lòng sửa các lỗi sau") && text.contains("Mật khẩu mới quá ngắn"),
        "{text}"
    );

    let r = app
        .post(
            &c,
            "/password",
            &[
                ("current", temp.as_str()),
                ("new", "Sông Hồng 2023!"),
                ("confirm", "Sông Hồng 2023!"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/home");
    let notices: Vec<_> = outbox::claim(&app.db, "test", i64::MAX / 2, 1_000, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to_addr == "moi@moj.gov.vn")
        .collect();
    assert_eq!(
        notices.len(),
        1,
        "one notice for the change, none for the refused try"
    );
    let n = &notices[0];
    assert!(
        n.subject.contains("vừa được đổi") && n.subject.contains("was changed"),
        "{}",
        n.subject
    );
    assert!(
        n.body_text.contains("btp.moi") && n.body_text.contains("127.0.0.1"),
        "{}",
        n.body_text
    );
    assert!(
        !n.body_text.contains("Sông Hồng") && !n.body_html.contains("Sông Hồng"),
        "the notice never holds the password"
    );
    let r = app.get(&c, &format!("/unit/{btp}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let again = app.login("btp.moi", "Sông Hồng 2023!").await;
    assert_eq!(
        app.get(&again, "/home").await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn logout_everywhere_ends_every_session(engine: Engine) {
    let app = spawn_app(engine).await;
    let a = app.demo_login("moha.thamdinh").await;
    let b = app.demo_login("moha.thamdinh").await;
    assert_eq!(app.get(&a, "/api/v1/me").await.status(), StatusCode::OK);
    let r = a.post(app.url("/logout")).send().await.unwrap();
    assert_eq!(location(&r), "/login?done=logged-out");
    assert_eq!(
        app.get(&a, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&b, "/api/v1/me").await.status(),
        StatusCode::OK,
        "plain logout ends one session"
    );
    let c = app.demo_login("moha.thamdinh").await;
    c.post(app.url("/logout/everywhere")).send().await.unwrap();
    assert_eq!(
        app.get(&b, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get(&c, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn sessions_time_out(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.demo_login("btp.xem").await;
    app.clock.advance(time::Duration::hours(13));
    assert_eq!(
        app.get(&c, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Used every 50 minutes, a login lasts; left alone for over an hour, it ends.
    let c = app.demo_login("btp.xem").await;
    for _ in 0..3 {
        app.clock.advance(time::Duration::minutes(50));
        assert_eq!(app.get(&c, "/api/v1/me").await.status(), StatusCode::OK);
    }
    app.clock.advance(time::Duration::minutes(61));
    assert_eq!(
        app.get(&c, "/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let page = app.get(&c, "/unit/1").await;
    assert!(
        location(&page).starts_with("/login?next="),
        "back to the page after logging in"
    );
}

on_both_engines!(
    login_lands_each_role_on_its_home,
    a_login_always_issues_a_new_session,
    a_wrong_password_is_refused_without_saying_which_part_was_wrong,
    five_failures_lock_the_account_for_fifteen_minutes,
    a_lockout_holds_only_at_the_address_it_came_from,
    a_first_login_must_change_the_password_before_anything_else,
    logout_everywhere_ends_every_session,
    sessions_time_out,
);
