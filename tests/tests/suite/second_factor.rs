//! The second factor of MoHA accounts, through the real pages, over SQLite and PostgreSQL: a password
//! alone opens nothing, each code works once, recovery codes work once, wrong codes lock like wrong
//! passwords, and an administrator's reset is audited and makes the account enrol again.

#![allow(clippy::unwrap_used)]

use parindex_db::Ctx;
use parindex_db::users::{self, NewUser};
use parindex_domain::Clock;
use parindex_domain::second_factor::TotpSecret;
use parindex_tests::app::{TestApp, enrol, location, visible_text};
use parindex_tests::{Engine, audit_entries, on_both_engines, spawn_app};
use reqwest::StatusCode;

const PASSWORD: &str = parindex::demo::DEMO_PASSWORD;

/// Posts the password of `username` on a fresh client; returns it and where it was sent.
async fn password_only(app: &TestApp, username: &str, next: &str) -> (reqwest::Client, String) {
    let c = app.client();
    let r = app
        .post(
            &c,
            "/login",
            &[
                ("username", username),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = location(&r);
    (c, to)
}

fn code(username: &str, at_ms: i64) -> String {
    parindex::demo::second_factor(username).code_at(at_ms)
}

async fn a_password_alone_opens_nothing_for_moha(engine: Engine) {
    let app = spawn_app(engine).await;
    let (c, to) = password_only(&app, "moha.admin", "/admin/accounts").await;
    assert_eq!(to, "/login/code?next=/admin/accounts");
    for path in ["/home", "/admin/campaigns", "/api/v1/me", "/password"] {
        let r = app.get(&c, path).await;
        assert!(
            matches!(r.status(), StatusCode::SEE_OTHER | StatusCode::UNAUTHORIZED),
            "{path}: {}",
            r.status()
        );
        if r.status() == StatusCode::SEE_OTHER {
            assert!(location(&r).starts_with("/login"), "{path}");
        }
    }
    // The enrolment page is not for an account that has its factor: it sends back to the code.
    let r = app.get(&c, "/login/enrol").await;
    assert!(location(&r).starts_with("/login/code"));
    let page = app.page_text(&c, &to).await;
    assert!(page.contains("Mã xác thực"), "{page}");
    assert_eq!(audit_entries(&app.db, "session.password_accepted").await, 1);
    assert_eq!(audit_entries(&app.db, "session.login").await, 0);

    // Unit accounts have no second step.
    let (_, to) = password_only(&app, "btp.canbo", "/home").await;
    assert_eq!(to, "/home");
}

async fn the_right_code_signs_in_once(engine: Engine) {
    let app = spawn_app(engine).await;
    let now = app.clock.now_ms();
    let (c, to) = password_only(&app, "moha.admin", "/admin/accounts").await;
    // Six digits that are not this moment's code: refused, and it counts as a failed login.
    let wrong = code("moha.admin", now - 120_000);
    let r = app.post(&c, "/login/code", &[("code", &wrong)]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let text = visible_text(&r.text().await.unwrap());
    assert!(text.contains("Mã không đúng hoặc đã hết hạn"), "{text}");
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM login_failures").await,
        1
    );
    let r = app.post(&c, "/login/code", &[("code", "12ab")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let right = code("moha.admin", now);
    let spaced = format!("{} {}", &right[..3], &right[3..]);
    let r = app.post(&c, "/login/code", &[("code", &spaced)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{to}");
    assert_eq!(location(&r), "/home", "no next was carried in the form");
    assert_eq!(
        app.get(&c, "/admin/accounts").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.db.scalar("SELECT COUNT(*) FROM login_failures").await,
        0
    );
    // The pending session is gone; the full one is a new token.
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM sessions WHERE pending IS NOT NULL")
            .await,
        0
    );
    assert_eq!(
        app.db
            .text("SELECT after_json FROM audit_log WHERE action = 'session.login' ORDER BY seq DESC LIMIT 1")
            .await,
        r#"{"second_factor":"code"}"#
    );

    // The same code again, from another browser that has the password: refused (RFC 6238 §5.2).
    let (other, _) = password_only(&app, "moha.admin", "/home").await;
    let r = app.post(&other, "/login/code", &[("code", &right)]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        visible_text(&r.text().await.unwrap()).contains("Mã này vừa được dùng"),
        "a replayed code"
    );
    // The next step's code (the app shows it half a minute later) is accepted.
    let next = code("moha.admin", now + 30_000);
    let r = app.post(&other, "/login/code", &[("code", &next)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A `next` that is not a local path is dropped at the password step already.
    let (_, to) = password_only(&app, "moha.admin", "//evil.example").await;
    assert_eq!(to, "/login/code?next=/home");
}

async fn wrong_codes_lock_like_wrong_passwords(engine: Engine) {
    let app = spawn_app(engine).await;
    let now = app.clock.now_ms();
    let (c, _) = password_only(&app, "moha.thamdinh", "/home").await;
    for _ in 0..5 {
        let r = app.post(&c, "/login/code", &[("code", "000000")]).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // Locked now, even with the right code: the lock holds at this step too, with Retry-After.
    let r = app
        .post(&c, "/login/code", &[("code", &code("moha.thamdinh", now))])
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    // A right password does not clear the count of wrong codes: the lock holds there too.
    let r = app
        .post(
            &app.client(),
            "/login",
            &[("username", "moha.thamdinh"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // The pending step ends after ten minutes; the lock after fifteen.
    app.clock.advance(time::Duration::minutes(16));
    let later = app.clock.now_ms();
    let r = app
        .post(
            &c,
            "/login/code",
            &[("code", &code("moha.thamdinh", later))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with("/login?next="), "{}", location(&r));
    let (c, _) = password_only(&app, "moha.thamdinh", "/home").await;
    let r = app
        .post(
            &c,
            "/login/code",
            &[("code", &code("moha.thamdinh", later))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/home");
}

/// A new MoHA account enrols at its first login, gets ten recovery codes, each of which works once.
async fn a_new_account_enrols_and_recovery_codes_work_once(engine: Engine) {
    let app = spawn_app(engine).await;
    let now = app.clock.now_ms();
    let hash = parindex_web::auth::password::hash_blocking(PASSWORD).unwrap();
    users::create(
        &app.db,
        &Ctx::system(now),
        &NewUser {
            username: "moha.moi".into(),
            full_name: "Nguyễn Văn Mới".into(),
            email: "moha.moi@moha.gov.vn".into(),
            role: parindex_domain::Role::MohaAppraiser,
            unit_id: None,
            password_hash: hash,
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let (c, to) = password_only(&app, "moha.moi", "/home").await;
    assert_eq!(to, "/login/enrol?next=/home");
    let page = app.get(&c, "/login/enrol").await.text().await.unwrap();
    assert!(
        page.contains("otpauth://totp/parindex:moha.moi?secret="),
        "{page}"
    );
    // The secret is stored sealed: neither its base 32 nor its bytes are in the database.
    let key: String = page
        .split("<code id=\"setup-key\">")
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_string();
    let secret = TotpSecret::from_base32(&key).unwrap();
    let sealed = app
        .db
        .text("SELECT nonce || sealed_secret FROM second_factors")
        .await;
    assert!(!sealed.to_uppercase().contains(&key.replace(' ', "")));
    // A wrong code keeps the page, with the same key, and enrols nothing.
    let r = app.post(&c, "/login/enrol", &[("code", "000000")]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains(&key));
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM second_factors WHERE confirmed_at IS NOT NULL")
            .await,
        2,
        "only the demo's two accounts"
    );
    // Logging in again keeps the secret already shown, so the app set up then still works.
    let (c, _) = password_only(&app, "moha.moi", "/home").await;
    let codes = enrol(&app.base, &c, now).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(
        app.get(&c, "/admin/campaigns").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        audit_entries(&app.db, "user.second_factor_enrolled").await,
        3
    );
    assert_eq!(
        app.db
            .scalar("SELECT COUNT(*) FROM recovery_codes WHERE used_at IS NULL")
            .await,
        10
    );
    assert!(secret.accept(&secret.code_at(now), now, 0).is_ok());

    // Phone lost: a recovery code signs in once, typed any which way.
    let (c, _) = password_only(&app, "moha.moi", "/home").await;
    let sloppy = codes[3].to_uppercase().replace('-', " ");
    let r = app.post(&c, "/login/code", &[("code", &sloppy)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.db
            .text("SELECT after_json FROM audit_log WHERE action = 'session.login' ORDER BY seq DESC LIMIT 1")
            .await,
        r#"{"second_factor":"recovery_code"}"#
    );
    let (c, _) = password_only(&app, "moha.moi", "/home").await;
    let r = app.post(&c, "/login/code", &[("code", &codes[3])]).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(
        visible_text(&r.text().await.unwrap()).contains("Mã dự phòng không đúng hoặc đã được dùng")
    );
    let accounts = app
        .page_text(&app.demo_login("moha.admin").await, "/admin/accounts")
        .await;
    assert!(
        accounts.contains("Đã bật xác thực hai lớp (9 mã dự phòng còn lại)"),
        "{accounts}"
    );
}

async fn an_administrator_resets_a_lost_factor_with_their_password(engine: Engine) {
    let app = spawn_app(engine).await;
    let appraiser_id = app
        .db
        .scalar("SELECT id FROM users WHERE username = 'moha.thamdinh'")
        .await;
    let admin_id = app
        .db
        .scalar("SELECT id FROM users WHERE username = 'moha.admin'")
        .await;
    let appraiser = app.demo_login("moha.thamdinh").await;
    let admin = app.demo_login("moha.admin").await;
    let page = app.page_text(&admin, "/admin/accounts").await;
    assert!(page.contains("Đặt lại xác thực hai lớp"), "{page}");
    let path = format!("/admin/accounts/{appraiser_id}/second-factor/reset");

    // Without the administrator's password, or with a wrong one: nothing changes.
    let before = parindex_tests::table_counts(&app.db).await;
    for password in ["", "wrong password"] {
        let r = app.post(&admin, &path, &[("password", password)]).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut after = parindex_tests::table_counts(&app.db).await;
    after.remove("login_failures");
    let mut before_wo = before.clone();
    before_wo.remove("login_failures");
    assert_eq!(before_wo, after);
    // Not one's own, whatever the page offers; not for a unit officer, who has none.
    let own = format!("/admin/accounts/{admin_id}/second-factor/reset");
    let r = app.post(&admin, &own, &[("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(visible_text(&r.text().await.unwrap()).contains("không thể tự đặt lại"));
    let officer_id = app
        .db
        .scalar("SELECT id FROM users WHERE username = 'btp.canbo'")
        .await;
    let r = app
        .post(
            &admin,
            &format!("/admin/accounts/{officer_id}/second-factor/reset"),
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Only an administrator: the appraiser cannot reset anyone's.
    let r = app
        .post(
            &appraiser,
            &format!("/admin/accounts/{admin_id}/second-factor/reset"),
            &[("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(audit_entries(&app.db, "user.second_factor_reset").await, 0);

    let r = app.post(&admin, &path, &[("password", PASSWORD)]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r), "/admin/accounts?done=second-factor-reset");
    assert_eq!(audit_entries(&app.db, "user.second_factor_reset").await, 1);
    // The appraiser's sessions ended, and the next login sets the factor up again.
    let r = app.get(&appraiser, "/admin/campaigns").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, to) = password_only(&app, "moha.thamdinh", "/home").await;
    assert_eq!(to, "/login/enrol?next=/home");
}

on_both_engines!(
    a_password_alone_opens_nothing_for_moha,
    the_right_code_signs_in_once,
    wrong_codes_lock_like_wrong_passwords,
    a_new_account_enrols_and_recovery_codes_work_once,
    an_administrator_resets_a_lost_factor_with_their_password,
);
