//! The HTTP suite: the real router on a free port, over SQLite and over PostgreSQL.

#![allow(clippy::unwrap_used)]

use parindex_db::{audit, outbox, users};
use parindex_tests::app::{location, visible_text};
use parindex_tests::{Engine, on_both_engines, spawn_app};
use reqwest::StatusCode;

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

async fn cross_site_posts_are_refused_and_change_nothing(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let before = audit::count(&app.db).await.unwrap();
    let form = [
        ("level", "province"),
        ("name", "Kẻ Gian"),
        ("phone", "0912000009"),
        ("email", "x@evil.example"),
    ];
    for (header, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let r = c
            .post(app.url(&format!("/admin/campaigns/{cid}/support")))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    // A script that carries the session cookie but no Origin at all is refused too.
    let cookie = {
        let r = app
            .client()
            .post(app.url("/login"))
            .form(&[
                ("username", "moha.admin"),
                ("password", parindex::demo::DEMO_PASSWORD),
            ])
            .send()
            .await
            .unwrap();
        r.headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    };
    let r = app
        .bare_client()
        .post(app.url(&format!("/admin/campaigns/{cid}/support")))
        .header("cookie", cookie)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        audit::count(&app.db).await.unwrap(),
        before + 1,
        "only the login above was recorded"
    );
    let support = parindex_db::contacts::support_for(&app.db, cid)
        .await
        .unwrap();
    assert!(support.iter().all(|s| s.name != "Kẻ Gian"));
}

async fn the_focal_registration_deadline_is_enforced_and_extendable(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let officer = app.demo_login("qni.canbo").await;
    let form = |mobile: &'static str| {
        vec![
            ("par_unit", "Sở Nội vụ tỉnh Quảng Ninh"),
            ("par_name", "Hoàng Thị Lan"),
            ("par_phone", "0203 3835 678"),
            ("par_email", "lan@quangninh.gov.vn"),
            ("it_name", "Phạm Quốc Việt"),
            ("it_position", "Phó Giám đốc Trung tâm CNTT"),
            ("it_mobile", mobile),
        ]
    };
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("12345"))
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("Số di động không hợp lệ"));
    assert!(
        html.contains("value=\"Phạm Quốc Việt\""),
        "what was typed is kept"
    );
    assert!(
        parindex_db::contacts::focal_for(&app.db, qni)
            .await
            .unwrap()
            .is_none()
    );

    let r = app
        .post(
            &officer,
            &format!("/unit/{qni}/focal"),
            &form("+84 912 345 678"),
        )
        .await;
    assert_eq!(location(&r), format!("/unit/{qni}?done=saved"));
    let saved = parindex_db::contacts::focal_for(&app.db, qni)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.contacts.it_mobile, "0912345678");
    assert_eq!(saved.contacts.par_phone, "02033835678");

    // 15/12/2023 23:59:59 in Hanoi is still open; one second later it is locked.
    app.clock
        .set(time::macros::datetime!(2023-12-15 23:59:59 +7));
    let officer = app.demo_login("qni.canbo").await;
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("0912345679"))
        .await;
    assert_eq!(location(&r), format!("/unit/{qni}?done=saved"));
    app.clock
        .set(time::macros::datetime!(2023-12-16 00:00:00 +7));
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("0912345670"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let text = visible_text(&r.text().await.unwrap());
    assert!(
        text.contains("Đã hết hạn đăng ký đầu mối: hạn chót là 23:59 ngày 15/12/2023"),
        "{text}"
    );
    assert_eq!(
        parindex_db::contacts::focal_for(&app.db, qni)
            .await
            .unwrap()
            .unwrap()
            .contacts
            .it_mobile,
        "0912345679"
    );
    let page = visible_text(
        &app.get(&officer, &format!("/unit/{qni}/focal"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(page.contains("Đã hết hạn đăng ký đầu mối"), "{page}");

    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{qni}/extensions"),
            &[
                ("kind", "focal_registration"),
                ("due_date", "20/12/2023"),
                ("reason", "Công văn số 99/UBND xin gia hạn"),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/units/{qni}/edit?done=extended")
    );
    let r = app
        .post(&officer, &format!("/unit/{qni}/focal"), &form("0912345670"))
        .await;
    assert_eq!(
        location(&r),
        format!("/unit/{qni}?done=saved"),
        "the extension reopens it for this unit"
    );
    // Another unit is still locked.
    let hni = app.unit_id("HNI").await;
    let other = app.demo_login("hni.canbo").await;
    let r = app
        .post(&other, &format!("/unit/{hni}/focal"), &form("0912345670"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let ext = audit::list(
        &app.db,
        &audit::Filter {
            action_prefix: Some("deadline.extend".into()),
            unit_id: Some(qni),
            ..Default::default()
        },
        5,
    )
    .await
    .unwrap();
    assert_eq!(ext.len(), 1);
    assert!(
        ext[0]
            .after
            .as_deref()
            .unwrap()
            .contains("Công văn số 99/UBND")
    );
}

async fn an_extension_needs_a_reason_and_a_later_day(engine: Engine) {
    let app = spawn_app(engine).await;
    let qni = app.unit_id("QNI").await;
    let admin = app.demo_login("moha.admin").await;
    for (day, reason, want) in [
        ("20/12/2023", "", "Nhập lý do gia hạn"),
        ("10/12/2023", "Công văn 12", "phải sau thời hạn chung"),
        ("32/12/2023", "Công văn 12", "Ngày không hợp lệ"),
    ] {
        let r = app
            .post(
                &admin,
                &format!("/admin/units/{qni}/extensions"),
                &[
                    ("kind", "respondent_list"),
                    ("due_date", day),
                    ("reason", reason),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text().await.unwrap();
        assert!(visible_text(&html).contains(want), "{day} {reason}");
        assert!(
            html.contains(&format!("value=\"{day}\"")),
            "the typed day is kept"
        );
        assert!(html.contains("id=\"error-summary\""));
    }
    assert!(
        parindex_db::deadlines::extensions_for_unit(&app.db, qni)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_bad_support_contact_is_shown_again_with_its_errors(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/support"),
            &[
                ("level", "province"),
                ("name", "Bà Lê Thị Hoa"),
                ("phone", "12"),
                ("email", "hoa@"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let text = visible_text(&html);
    assert!(
        text.contains("Số điện thoại không hợp lệ") && text.contains("Địa chỉ email không hợp lệ"),
        "{text}"
    );
    assert!(
        html.contains("href=\"#support-phone-province\"")
            && html.contains("value=\"Bà Lê Thị Hoa\"")
    );
    let saved = parindex_db::contacts::support_for(&app.db, cid)
        .await
        .unwrap();
    assert!(
        saved.iter().all(|c| c.name != "Bà Lê Thị Hoa"),
        "nothing saved"
    );
}

async fn campaigns_and_units_are_managed_through_forms(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let r = app
        .post(
            &admin,
            "/admin/campaigns",
            &[
                ("year", "2023"),
                ("name_vi", ""),
                ("name_en", "PAR 2024"),
                ("dl_respondent_list", "31/11/2024"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    let text = visible_text(&html);
    assert!(
        text.contains("Trường này là bắt buộc") && text.contains("Ngày không hợp lệ"),
        "{text}"
    );
    assert!(
        html.contains("href=\"#name_vi\"") && html.contains("aria-invalid=\"true\""),
        "the summary links to the fields"
    );
    assert!(html.contains("value=\"PAR 2024\""));
    let r = app
        .post(
            &admin,
            "/admin/campaigns",
            &[
                ("year", "2024"),
                ("name_vi", "Chỉ số CCHC năm 2024"),
                ("name_en", "PAR Index 2024"),
                ("legal_basis", "1150/QĐ-BNV"),
                ("dl_respondent_list", "15/12/2024"),
            ],
        )
        .await;
    let loc = location(&r);
    assert!(
        loc.starts_with("/admin/campaigns/") && loc.ends_with("?done=saved"),
        "{loc}"
    );
    let id: i64 = loc
        .trim_start_matches("/admin/campaigns/")
        .trim_end_matches("?done=saved")
        .parse()
        .unwrap();
    let dup = app
        .post(
            &admin,
            "/admin/campaigns",
            &[("year", "2024"), ("name_vi", "x"), ("name_en", "y")],
        )
        .await;
    assert!(visible_text(&dup.text().await.unwrap()).contains("Đã có kỳ đánh giá cho năm này"));

    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{id}/units"),
            &[
                ("code", "dlk"),
                ("level", "province"),
                ("name", "Ủy ban nhân dân tỉnh Đắk Lắk"),
                ("short_name", "Tỉnh Đắk Lắk"),
                ("email_domains", "daklak.gov.vn"),
                ("not_ranked", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let u = parindex_db::units::by_code(&app.db, id, "DLK")
        .await
        .unwrap();
    assert!(u.not_ranked);
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{}", u.id),
            &[
                ("code", "DLK"),
                ("level", "province"),
                ("name", "Ủy ban nhân dân tỉnh Đắk Lắk"),
                ("short_name", "Tỉnh Đắk Lắk"),
                ("email_domains", "daklak.gov.vn, bad domain!"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A unit that has not started may move to the other level; one that has scored may not, and
    // the form says why with what was typed kept.
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{}", u.id),
            &[
                ("code", "DLK"),
                ("level", "ministry"),
                ("name", "Ủy ban nhân dân tỉnh Đắk Lắk"),
                ("short_name", "Tỉnh Đắk Lắk"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let bct = app.unit_id("BCT").await;
    let before = parindex_db::units::get(&app.db, bct).await.unwrap();
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{bct}"),
            &[
                ("code", "BCT"),
                ("level", "province"),
                ("name", "Bộ Công Thương (đổi tên thử)"),
                ("short_name", "Bộ Công Thương"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"level-error\""), "{body}");
    assert!(body.contains("Không thể đổi cấp của đơn vị"), "{body}");
    assert!(
        body.contains("Bộ Công Thương (đổi tên thử)"),
        "the input is kept"
    );
    assert_eq!(parindex_db::units::get(&app.db, bct).await.unwrap(), before);
    let show = visible_text(
        &app.get(&admin, &format!("/admin/campaigns/{id}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        show.contains("Tỉnh Đắk Lắk") && show.contains("15/12/2024 23:59"),
        "{show}"
    );
}

async fn support_contacts_show_on_unit_pages_of_their_level(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/support"),
            &[
                ("level", "province"),
                ("name", "Bà Phạm Thu Hằng"),
                ("phone", "0982 627 000"),
                ("email", "hang@moha.example"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let qni = app.unit_id("QNI").await;
    let btp = app.unit_id("BTP").await;
    let p = visible_text(
        &app.get(&app.demo_login("qni.xem").await, &format!("/unit/{qni}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        p.contains("Bà Phạm Thu Hằng") && p.contains("0982627000"),
        "{p}"
    );
    let m = visible_text(
        &app.get(&app.demo_login("btp.xem").await, &format!("/unit/{btp}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        !m.contains("Phạm Thu Hằng") && m.contains("Nguyễn Văn Minh"),
        "{m}"
    );
}

async fn accounts_import_from_csv_and_xlsx_all_or_nothing(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await.to_string();
    let upload = |bytes: Vec<u8>, name: &'static str| {
        reqwest::multipart::Form::new()
            .text("campaign", cid.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            )
    };
    let bad = "Tên đăng nhập,Họ và tên,Email,Vai trò,Mã đơn vị\nqni.moi1,Trần Văn Một,mot@quangninh.gov.vn,Cán bộ đầu mối,QNI\nqni.canbo,Trùng Tên,x@quangninh.gov.vn,unit_viewer,QNI\nqni.moi3,Ba,not-an-email,unit_viewer,ZZZ\n";
    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(bad.as_bytes().to_vec(), "ds.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&r.text().await.unwrap());
    for want in [
        "Có 3 lỗi",
        "Tên đăng nhập đã tồn tại",
        "Địa chỉ email không hợp lệ",
        "Không có đơn vị này",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert!(
        users::by_username(&app.db, "qni.moi1")
            .await
            .unwrap()
            .is_none(),
        "nothing half-imported"
    );

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in [
        "Họ và tên",
        "Tên đăng nhập",
        "Email",
        "Vai trò",
        "Mã đơn vị",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in [
        [
            "Trần Văn Một",
            "qni.moi1",
            "mot@quangninh.gov.vn",
            "Cán bộ đầu mối",
            "qni",
        ],
        [
            "Lê Thị Hai",
            "qni.moi2",
            "hai@quangninh.gov.vn",
            "Lãnh đạo đơn vị",
            "QNI",
        ],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(bytes, "ds.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert_eq!(html.matches("class=\"temp-password\"").count(), 2);
    let u = users::by_username(&app.db, "qni.moi2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (u.role.as_str(), u.unit_id, u.must_change_password),
        ("unit_leader", Some(app.unit_id("QNI").await), true)
    );

    let r = admin
        .post(app.url("/admin/accounts/import"))
        .multipart(upload(b"\x00\x01binary".to_vec(), "x.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(visible_text(&r.text().await.unwrap()).contains("Chỉ nhận tệp .xlsx hoặc .csv"));
}

async fn the_account_template_downloads_as_a_real_spreadsheet(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let r = app.get(&admin, "/admin/accounts/template.xlsx").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(
        r.headers()["content-security-policy"],
        "sandbox; default-src 'none'",
        "downloads are sandboxed"
    );
    let bytes = r.bytes().await.unwrap();
    let rows =
        parindex_import::table::read(&bytes, parindex_import::table::Limits::default()).unwrap();
    assert_eq!(
        rows[0],
        vec![
            "Tên đăng nhập",
            "Họ và tên",
            "Email",
            "Vai trò",
            "Mã đơn vị"
        ]
    );
}

async fn the_english_switch_translates_pages_and_api_errors(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.demo_login("btp.canbo").await;
    let btp = app.unit_id("BTP").await;
    let r = app
        .post(
            &c,
            "/lang",
            &[("lang", "en"), ("next", &format!("/unit/{btp}"))],
        )
        .await;
    assert_eq!(location(&r), format!("/unit/{btp}"));
    let p = visible_text(
        &app.get(&c, &format!("/unit/{btp}"))
            .await
            .text()
            .await
            .unwrap(),
    );
    assert!(
        p.contains("Deadlines")
            && p.contains("Send the respondent list")
            && p.contains("Unit officer"),
        "{p}"
    );
    assert!(
        p.contains("15/12/2023 23:59"),
        "dates stay dd/mm/yyyy in English"
    );
    let e = app.get(&c, "/api/v1/campaigns").await;
    assert_eq!(e.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        e.json::<serde_json::Value>().await.unwrap()["error"]["message"],
        "Your account is not allowed to open this page."
    );
    let r = app
        .post(
            &c,
            "/lang",
            &[("lang", "vi"), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(location(&r), "/home", "no open redirect");
    // Targets a browser would read as another host, or that cannot go in a header, go home too,
    // after a language switch and after a login alike (never a 500).
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\\evil.example",
        "//evil.example",
    ] {
        let r = app
            .post(&c, "/lang", &[("lang", "vi"), ("next", next)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&r), "/home", "{next:?}");
        let fresh = app.client();
        let r = app
            .post(
                &fresh,
                "/login",
                &[
                    ("username", "btp.canbo"),
                    ("password", parindex::demo::DEMO_PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(location(&r), "/home", "{next:?}");
    }
    let r = app
        .post(
            &c,
            "/lang",
            &[("lang", "vi"), ("next", "/unit/1/survey?done=x")],
        )
        .await;
    assert_eq!(
        location(&r),
        "/unit/1/survey?done=x",
        "a local path is kept"
    );
}

async fn health_readiness_and_security_headers(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.client();
    let h = app.get(&c, "/healthz").await;
    assert_eq!(h.status(), StatusCode::OK);
    let r = app.get(&c, "/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["database"],
        "ok"
    );
    let p = app.get(&c, "/login").await;
    let hd = p.headers();
    assert_eq!(hd["x-frame-options"], "DENY");
    assert_eq!(hd["x-content-type-options"], "nosniff");
    assert!(
        hd["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(hd["cache-control"], "no-store");
    let login = app
        .client()
        .post(app.url("/login"))
        .form(&[
            ("username", "btp.xem"),
            ("password", parindex::demo::DEMO_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    app.db.db.close().await;
    let r = app.get(&c, "/readyz").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

async fn bad_input_never_causes_a_server_error(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let officer = app.demo_login("btp.canbo").await;
    let btp = app.unit_id("BTP").await;
    let cid = app.campaign_id().await;
    let nasty: Vec<(&str, &str)> = vec![
        ("year", "99999999999999999999999"),
        ("name_vi", "<script>alert(1)</script>"),
        ("code", "'; DROP TABLE units; --"),
        ("level", "\u{0}"),
        ("due_date", "0/0/0"),
        ("kind", "🙂"),
        ("unit_id", "-1"),
        ("role", "root"),
        ("active", "maybe"),
        ("it_mobile", "٠٩١٢٣٤٥٦٧٨"),
    ];
    let routes = [
        "/admin/campaigns".to_string(),
        format!("/admin/campaigns/{cid}"),
        format!("/admin/campaigns/{cid}/support"),
        format!("/admin/campaigns/{cid}/units"),
        format!("/admin/units/{btp}"),
        format!("/admin/units/{btp}/extensions"),
        "/admin/accounts".to_string(),
        "/admin/accounts/999999/active".to_string(),
        format!("/unit/{btp}/focal"),
        "/password".to_string(),
        "/login".to_string(),
    ];
    for path in &routes {
        let client = if path.starts_with("/unit") {
            &officer
        } else {
            &admin
        };
        for body in [
            reqwest::Body::from("%%%not-a-form&&=="),
            reqwest::Body::from(serde_urlencoded_pairs(&nasty)),
            reqwest::Body::from(vec![0xff, 0xfe, 0x00, 0x80]),
        ] {
            let r = client
                .post(app.url(path))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().as_u16() < 500, "{path} gave {}", r.status());
        }
        let r = client
            .post(app.url(path))
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert!(
            r.status().as_u16() < 500,
            "{path} (json) gave {}",
            r.status()
        );
    }
    for path in [
        "/unit/abc",
        "/admin/campaigns/1e9",
        "/admin/units/-5/edit",
        "/api/v1/units/99999999999999999999",
        "/no/such/page",
    ] {
        let r = app.get(&admin, path).await;
        assert!(
            r.status() == StatusCode::NOT_FOUND || r.status() == StatusCode::BAD_REQUEST,
            "{path}: {}",
            r.status()
        );
    }
    let html = app
        .get(&admin, &format!("/admin/campaigns/{cid}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("<script>alert(1)</script>"));
    let big = vec![b'a'; 11 * 1024 * 1024];
    let r = admin
        .post(app.url("/admin/campaigns"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["connection"], "close");
    assert!(visible_text(&r.text().await.unwrap()).contains("quá lớn"));

    // A client still sending when the body is refused reads the refusal: the server reads and drops
    // the body first. 30 MB is more than the kernel's socket buffers hold, so a server that answered
    // and closed early would break this write.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app
        .url("/")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let len = 30 * 1024 * 1024;
    let head = format!(
        "POST /admin/campaigns HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 256 * 1024];
    for _ in 0..len / chunk.len() {
        s.write_all(&chunk)
            .await
            .expect("the server reads the whole refused body");
    }
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).to_lowercase();
    assert!(answer.starts_with("http/1.1 413"), "{answer}");
    assert!(answer.contains("connection: close"), "{answer}");
}

/// A wrong method is 405 with `Allow`, in the page and API alike; a POST refused before its body
/// was read says `Connection: close` instead of closing the kept-alive connection silently.
async fn wrong_methods_are_405_and_refused_posts_say_they_close(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.client();
    let r = c.put(app.url("/login")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = r.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
    assert!(visible_text(&r.text().await.unwrap()).contains("không được hỗ trợ"));
    let admin = app.demo_login("moha.admin").await;
    let r = admin
        .delete(app.url("/api/v1/campaigns"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.headers().contains_key("allow"));
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["error"]["code"],
        "method_not_allowed"
    );
    // Refused for its role before the form is read: the body is unread, so the server says it
    // closes; and the same for a request that is not signed in at all.
    let viewer = app.demo_login("qni.xem").await;
    let unit = app.unit_id("QNI").await;
    let r = app
        .post(
            &viewer,
            &format!("/unit/{unit}/survey/remind"),
            &[("x", "y")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.headers()["connection"], "close");
    let r = app.post(&c, "/admin/campaigns", &[("year", "2030")]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["connection"], "close");
    // A page read without a body keeps its connection.
    let r = app.get(&c, "/login").await;
    assert!(!r.headers().contains_key("connection"));
}

fn serde_urlencoded_pairs(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                parindex_web::render_error::urlencode(k),
                parindex_web::render_error::urlencode(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn user_text_is_escaped_everywhere_it_is_shown(engine: Engine) {
    let app = spawn_app(engine).await;
    let admin = app.demo_login("moha.admin").await;
    let cid = app.campaign_id().await;
    let evil = "<img src=x onerror=alert(1)>";
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{cid}/units"),
            &[
                ("code", "XSS"),
                ("level", "ministry"),
                ("name", evil),
                ("short_name", evil),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    for path in [
        format!("/admin/campaigns/{cid}"),
        "/admin/audit".to_string(),
        "/admin/accounts/new".to_string(),
    ] {
        let html = app.get(&admin, &path).await.text().await.unwrap();
        assert!(!html.contains(evil), "{path} rendered raw HTML");
        assert!(
            html.contains("&lt;img") || html.contains("&#60;img") || html.contains("&#x3c;img"),
            "{path} lost the text"
        );
    }
}

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

on_both_engines!(
    a_lockout_holds_only_at_the_address_it_came_from,
    wrong_methods_are_405_and_refused_posts_say_they_close,
    login_lands_each_role_on_its_home,
    a_login_always_issues_a_new_session,
    a_wrong_password_is_refused_without_saying_which_part_was_wrong,
    five_failures_lock_the_account_for_fifteen_minutes,
    a_first_login_must_change_the_password_before_anything_else,
    logout_everywhere_ends_every_session,
    sessions_time_out,
    cross_site_posts_are_refused_and_change_nothing,
    the_focal_registration_deadline_is_enforced_and_extendable,
    an_extension_needs_a_reason_and_a_later_day,
    a_bad_support_contact_is_shown_again_with_its_errors,
    campaigns_and_units_are_managed_through_forms,
    support_contacts_show_on_unit_pages_of_their_level,
    accounts_import_from_csv_and_xlsx_all_or_nothing,
    the_english_switch_translates_pages_and_api_errors,
    the_account_template_downloads_as_a_real_spreadsheet,
    health_readiness_and_security_headers,
    bad_input_never_causes_a_server_error,
    user_text_is_escaped_everywhere_it_is_shown,
    the_audit_log_records_who_did_what_and_can_be_browsed,
);

#[test]
fn the_openapi_document_describes_exactly_the_api_routes() {
    let spec = parindex_web::api::openapi::spec();
    let documented: std::collections::BTreeSet<String> =
        spec["paths"].as_object().unwrap().keys().cloned().collect();
    let routed: std::collections::BTreeSet<String> = parindex_web::route_table()
        .specs()
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
        .map(|s| s.path.to_string())
        .collect();
    assert_eq!(documented, routed);
}

#[test]
fn both_languages_have_every_message_the_code_and_templates_use() {
    use parindex_web::i18n::Lang;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/web");
    let mut keys = std::collections::BTreeSet::new();
    let mut stack = vec![
        std::path::PathBuf::from(root).join("src"),
        std::path::PathBuf::from(root).join("templates"),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split('"').skip(1).step_by(2) {
                let looks_like_key = part.len() > 3
                    && part.contains('-')
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
                    && !part.starts_with('-')
                    && !part.ends_with('-');
                if looks_like_key && (Lang::Vi.has(part) || Lang::En.has(part)) {
                    keys.insert(part.to_string());
                }
            }
        }
    }
    assert!(keys.len() > 100, "found only {} keys", keys.len());
    for k in &keys {
        assert!(Lang::Vi.has(k), "missing in vi: {k}");
        assert!(Lang::En.has(k), "missing in en: {k}");
    }
    let vi = include_str!("../../crates/web/locales/vi/main.ftl");
    let en = include_str!("../../crates/web/locales/en/main.ftl");
    let ids = |s: &str| {
        s.lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.to_string()))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(ids(vi), ids(en), "the two message files hold the same keys");
    for line in vi.lines() {
        assert_eq!(
            line,
            parindex_domain::text::clean(line).as_str().trim_end(),
            "vi messages are NFC: {line}"
        );
    }
}

mod criteria_sets_pages {
    use super::*;

    const MINISTRY: &str = include_str!("../../frameworks/2023/ministry.toml");

    async fn the_demo_campaign_uses_the_illustrative_sets_shown_as_such(engine: Engine) {
        let app = spawn_app(engine).await;
        let appraiser = app.demo_login("moha.thamdinh").await;
        let cid = app.campaign_id().await;
        let page = visible_text(
            &app.get(&appraiser, &format!("/admin/campaigns/{cid}"))
                .await
                .text()
                .await
                .unwrap(),
        );
        assert!(
            page.contains("876-2023-ministry-illustrative")
                && page.contains("876-2023-province-illustrative"),
            "{page}"
        );
        let id = parindex_db::criteria_sets::by_code(&app.db, "876-2023-ministry-illustrative")
            .await
            .unwrap()
            .unwrap()
            .id;
        let html = app
            .get(&appraiser, &format!("/admin/criteria-sets/{id}"))
            .await
            .text()
            .await
            .unwrap();
        let text = visible_text(&html);
        assert!(text.contains("Bộ tiêu chí MINH HỌA"), "{text}");
        assert!(text.contains("7 · 38 · 97"), "{text}");
        assert!(
            text.contains("31,50"),
            "survey points with the Vietnamese decimal comma: {text}"
        );
        assert_eq!(html.matches("<tr class=\"depth-").count(), 7 + 38 + 97);
    }

    async fn a_set_loads_from_toml_or_xlsx_and_a_bad_one_lists_every_problem(engine: Engine) {
        let app = spawn_app(engine).await;
        let admin = app.demo_login("moha.admin").await;
        let upload = |bytes: Vec<u8>, extra: &[(&'static str, &'static str)]| {
            let mut f = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("set"),
            );
            for (k, v) in extra {
                f = f.text(*k, *v);
            }
            f
        };
        // A new version of the ministry set, as TOML.
        let v2 = MINISTRY.replace("876-2023-ministry-illustrative", "876-2024-ministry");
        let r = admin
            .post(app.url("/admin/criteria-sets"))
            .multipart(upload(v2.into_bytes(), &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap_or_default()
        );
        assert!(
            parindex_db::criteria_sets::by_code(&app.db, "876-2024-ministry")
                .await
                .unwrap()
                .is_some()
        );
        // The same code again is refused: loaded sets are never overwritten.
        let r = admin
            .post(app.url("/admin/criteria-sets"))
            .multipart(upload(MINISTRY.as_bytes().to_vec(), &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            visible_text(&r.text().await.unwrap())
                .contains("Đã có bộ tiêu chí mã 876-2023-ministry-illustrative")
        );
        // A broken file lists its problems and stores nothing.
        let broken = MINISTRY
            .replace("876-2023-ministry-illustrative", "broken")
            .replacen("max = \"14.00\"", "max = \"15.00\"", 1);
        let r = admin
            .post(app.url("/admin/criteria-sets"))
            .multipart(upload(broken.into_bytes(), &[]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let text = visible_text(&r.text().await.unwrap());
        assert!(
            text.contains("tổng điểm các mục con là 14.00 nhưng điểm tối đa là 15.00")
                && text.contains("Tổng điểm các lĩnh vực là 101.00"),
            "{text}"
        );
        assert!(
            parindex_db::criteria_sets::by_code(&app.db, "broken")
                .await
                .unwrap()
                .is_none()
        );
        // The same tree as an .xlsx with one row per item.
        let set = parindex_domain::criteria::file::parse(MINISTRY).unwrap();
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in [
            "Mã",
            "Tên",
            "Tên tiếng Anh",
            "Điểm tối đa",
            "Phương pháp",
            "Hướng dẫn chấm",
        ]
        .iter()
        .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for (i, (_, n)) in set.walk().into_iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &n.code).unwrap();
            ws.write_string(r, 1, &n.name_vi).unwrap();
            ws.write_string(r, 2, &n.name_en).unwrap();
            ws.write_number(r, 3, n.max.to_fixed().parse::<f64>().unwrap())
                .unwrap();
            ws.write_string(r, 4, n.method.map(|m| m.as_str()).unwrap_or(""))
                .unwrap();
            ws.write_string(r, 5, &n.guidance_vi).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let details = [
            ("code", "876-2023-ministry-xlsx"),
            ("level", "ministry"),
            ("name_vi", "Bộ tiêu chí từ Excel"),
            ("name_en", "From Excel"),
            ("total", "100,00"),
        ];
        let r = admin
            .post(app.url("/admin/criteria-sets"))
            .multipart(upload(bytes, &details))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let stored = parindex_db::criteria_sets::by_code(&app.db, "876-2023-ministry-xlsx")
            .await
            .unwrap()
            .unwrap();
        let tree = parindex_db::criteria_sets::tree(&app.db, stored.id)
            .await
            .unwrap();
        assert_eq!(tree.fields.len(), 7);
        assert_eq!(tree.leaves().len(), set.leaves().len());
        // The demo's ministries have scored against the pinned set: it can no longer change, the
        // campaign page says why instead of offering the form, and the refusal changes nothing.
        let cid = app.campaign_id().await;
        let pin = |campaign: i64, set_id: String| {
            let admin = &admin;
            let app = &app;
            async move {
                app.post(
                    admin,
                    &format!("/admin/campaigns/{campaign}/criteria-sets"),
                    &[("set_id", set_id.as_str())],
                )
                .await
            }
        };
        let before = parindex_db::criteria_sets::pinned(&app.db, cid)
            .await
            .unwrap();
        let audit_before = parindex_db::audit::count(&app.db).await.unwrap();
        let r = pin(cid, stored.id.to_string()).await;
        assert_eq!(r.status(), StatusCode::CONFLICT);
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Không thể đổi bộ tiêu chí của cấp này"),
            "{body}"
        );
        assert!(body.contains("id=\"set-ministry-locked\""), "{body}");
        assert_eq!(
            parindex_db::criteria_sets::pinned(&app.db, cid)
                .await
                .unwrap(),
            before
        );
        assert_eq!(
            parindex_db::audit::count(&app.db).await.unwrap(),
            audit_before
        );
        // A campaign where nobody has started takes it, audited.
        let next = parindex_db::campaigns::create(
            &app.db,
            &parindex_db::Ctx::system(0),
            &parindex_db::campaigns::CampaignInput {
                year: 2024,
                name_vi: "Chỉ số CCHC 2024".into(),
                name_en: "PAR Index 2024".into(),
                legal_basis: String::new(),
                deadlines: Vec::new(),
            },
        )
        .await
        .unwrap();
        let r = pin(next.id, stored.id.to_string()).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let pins = parindex_db::criteria_sets::pinned(&app.db, next.id)
            .await
            .unwrap();
        assert_eq!(pins[0].1.code, "876-2023-ministry-xlsx");
        assert!(parindex_db::audit::count(&app.db).await.unwrap() > audit_before);
        // A choice that is no set comes back on the page, not on a dead end.
        let r = pin(next.id, "abc".into()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Chọn một bộ tiêu chí."));
    }

    on_both_engines!(
        the_demo_campaign_uses_the_illustrative_sets_shown_as_such,
        a_set_loads_from_toml_or_xlsx_and_a_bad_one_lists_every_problem,
    );
}

mod self_assessment_flow {
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
        assert_eq!(location(&r), format!("{base}?done=saved#leaf-{code}"));
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
        let r = app.post(&leader, &format!("{base}/approve"), &[]).await;
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
    );
}

mod evidence_files {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

    fn upload(
        bytes: &[u8],
        name: &'static str,
        reference: &'static str,
        library: Option<i64>,
    ) -> reqwest::multipart::Form {
        let mut f = reqwest::multipart::Form::new().text("reference", reference);
        if !bytes.is_empty() {
            f = f.part(
                "file",
                reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name),
            );
        }
        if let Some(id) = library {
            f = f.text("library_file", id.to_string());
        }
        f
    }

    async fn evidence_backs_leaves_is_typed_by_content_and_stays_with_its_unit(engine: Engine) {
        let app = spawn_app(engine).await;
        let btp = app.unit_id("BTP").await;
        let officer = app.demo_login("btp.canbo").await;
        let leaf = format!("/unit/{btp}/self-assessment/leaf/1.1.1");
        // Scored, no explanation: needs one ... until evidence backs it.
        app.post(&officer, &leaf, &[("score", "1"), ("explanation", "")])
            .await;
        let r = officer
            .post(app.url(&format!("{leaf}/evidence")))
            .multipart(upload(
                PDF,
                "../../Kế hoạch CCHC 2023.pdf",
                "trang 2, mục I",
                None,
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(location(&r), format!("{leaf}?done=evidence-added#evidence"));
        let page = app.get(&officer, &leaf).await.text().await.unwrap();
        let text = visible_text(&page);
        assert!(
            text.contains("Hoàn thành")
                && text.contains("Kế hoạch CCHC 2023.pdf")
                && text.contains("trang 2, mục I"),
            "{text}"
        );
        let file = parindex_db::evidence::library(&app.db, btp).await.unwrap();
        assert_eq!(file.len(), 1);
        assert_eq!(
            (file[0].filename.as_str(), file[0].content_type.as_str()),
            ("Kế hoạch CCHC 2023.pdf", "application/pdf")
        );
        assert!(
            app.files_dir.path().join(&file[0].storage_key).exists(),
            "stored on disk under its key"
        );

        // The same file backs another leaf from the library.
        let other = format!("/unit/{btp}/self-assessment/leaf/1.2.1");
        let r = officer
            .post(app.url(&format!("{other}/evidence")))
            .multipart(upload(b"", "", "phụ lục 1", Some(file[0].id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            parindex_db::evidence::counts(&app.db, btp)
                .await
                .unwrap()
                .len(),
            2
        );

        // HTML named .pdf is refused, and nothing is stored.
        let r = officer
            .post(app.url(&format!("{leaf}/evidence")))
            .multipart(upload(
                b"<html><script>alert(1)</script></html>",
                "report.pdf",
                "",
                None,
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(visible_text(&r.text().await.unwrap()).contains("Loại tệp không được chấp nhận"));
        assert_eq!(
            parindex_db::evidence::library(&app.db, btp)
                .await
                .unwrap()
                .len(),
            1
        );

        // Downloads are attachments, with the original bytes.
        let d = app
            .get(&officer, &format!("/unit/{btp}/evidence/{}", file[0].id))
            .await;
        assert_eq!(d.status(), StatusCode::OK);
        let disp = d.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            disp.starts_with("attachment;") && disp.contains("filename*=UTF-8''K%E1%BA%BF"),
            "{disp}"
        );
        assert!(
            d.headers()["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("sandbox")
        );
        assert_eq!(d.bytes().await.unwrap().as_ref(), PDF);
        // MoHA may read it; another unit may not, not even through its own path.
        let appraiser = app.demo_login("moha.thamdinh").await;
        assert_eq!(
            app.get(&appraiser, &format!("/unit/{btp}/evidence/{}", file[0].id))
                .await
                .status(),
            StatusCode::OK
        );
        let qni = app.unit_id("QNI").await;
        let stranger = app.demo_login("qni.canbo").await;
        assert_eq!(
            app.get(&stranger, &format!("/unit/{btp}/evidence/{}", file[0].id))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get(&stranger, &format!("/unit/{qni}/evidence/{}", file[0].id))
                .await
                .status(),
            StatusCode::NOT_FOUND
        );

        // Removing a link keeps the file in the library; after sending for approval nothing changes.
        let r = app
            .post(
                &officer,
                &format!("{other}/evidence/remove"),
                &[("file_id", &file[0].id.to_string())],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            parindex_db::evidence::counts(&app.db, btp)
                .await
                .unwrap()
                .len(),
            1
        );
        let cid = app.campaign_id().await;
        let ctx = parindex_db::Ctx::system(0);
        parindex_db::self_assessments::transition(
            &app.db,
            &ctx,
            cid,
            btp,
            parindex_domain::self_assessment::State::Draft,
            parindex_domain::self_assessment::State::AwaitingApproval,
            "",
        )
        .await
        .unwrap();
        let r = officer
            .post(app.url(&format!("{other}/evidence")))
            .multipart(upload(b"", "", "", Some(file[0].id)))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    }

    async fn a_units_library_stops_at_its_quota_but_reuses_what_it_holds(engine: Engine) {
        let quota = parindex_domain::storage_quota::Quota {
            max_bytes: 2 * PDF.len() as i64 + 10,
            max_files: 10,
        };
        let app = parindex_tests::app::spawn_app_with(
            engine,
            parindex_web::WebConfig {
                evidence_quota: quota,
                ..parindex_web::WebConfig::default()
            },
        )
        .await;
        let btp = app.unit_id("BTP").await;
        let officer = app.demo_login("btp.canbo").await;
        let leaf = format!("/unit/{btp}/self-assessment/leaf/1.1.1");
        let send = |bytes: Vec<u8>| {
            officer
                .post(app.url(&format!("{leaf}/evidence")))
                .multipart(reqwest::multipart::Form::new().text("reference", "").part(
                    "file",
                    reqwest::multipart::Part::bytes(bytes).file_name("bc.pdf"),
                ))
                .send()
        };
        let variant = |n: u8| [PDF, &[b'%', n]].concat();
        for n in [b'1', b'2'] {
            assert_eq!(
                send(variant(n)).await.unwrap().status(),
                StatusCode::SEE_OTHER
            );
        }
        let r = send(variant(b'3')).await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(
            visible_text(&r.text().await.unwrap())
                .contains("Thư viện minh chứng của đơn vị đã đầy"),
            "the officer is told why"
        );
        let library = parindex_db::evidence::library(&app.db, btp).await.unwrap();
        assert_eq!(library.len(), 2, "the refused file is not recorded");
        let stored = std::fs::read_dir(app.files_dir.path().join(format!("evidence/{btp}")))
            .unwrap()
            .count();
        assert_eq!(stored, 2, "nor stored");
        // A file the library already holds costs nothing, so it is still accepted.
        assert_eq!(
            send(variant(b'1')).await.unwrap().status(),
            StatusCode::SEE_OTHER
        );
        // Another unit's library is its own.
        let qni = app.unit_id("QNI").await;
        let other = app.demo_login("qni.canbo").await;
        let r = other
            .post(app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1/evidence")))
            .multipart(reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(variant(b'3')).file_name("bc.pdf"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "{}",
            r.text().await.unwrap()
        );
    }

    on_both_engines!(
        evidence_backs_leaves_is_typed_by_content_and_stays_with_its_unit,
        a_units_library_stops_at_its_quota_but_reuses_what_it_holds,
    );
}

mod sa_dashboard {
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
}

mod sa_report {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    async fn the_report_downloads_as_xlsx_and_prints_with_the_same_totals(engine: Engine) {
        let app = spawn_app(engine).await;
        let hpg = app.unit_id("HPG").await;
        let officer = app.demo_login("hpg.canbo").await;
        let page = app
            .get(&officer, &format!("/unit/{hpg}/self-assessment/print"))
            .await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        let total = html
            .split("id=\"report-total\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        assert!(
            html.contains("Khó khăn, vướng mắc và kiến nghị") && html.contains("Đã gửi Bộ Nội vụ")
        );
        let r = app
            .get(
                &officer,
                &format!("/unit/{hpg}/self-assessment/report.xlsx"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains("bao-cao-tu-danh-gia-hpg-2023.xlsx")
        );
        let bytes = r.bytes().await.unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = wb.worksheet_range("Báo cáo").unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        // 8 fields + 37 criteria + 88 sub-criteria, under a 5-row heading.
        let items = rows
            .iter()
            .skip(5)
            .take_while(|r| !matches!(r[0], Data::Empty))
            .count();
        assert_eq!(items, 8 + 37 + 88);
        let scored: f64 = rows
            .iter()
            .skip(5)
            .take(items)
            .filter_map(|r| match &r[4] {
                Data::Float(f) => Some(*f),
                _ => None,
            })
            .sum();
        let totals = rows
            .iter()
            .find(|r| matches!(&r[1], Data::String(s) if s.starts_with("Điểm tự chấm")))
            .unwrap();
        let Data::Float(sheet_total) = totals[4] else {
            panic!("total is a number")
        };
        assert!(
            (scored - sheet_total).abs() < 1e-9,
            "{scored} vs {sheet_total}"
        );
        assert_eq!(
            format!("{sheet_total:.2}").replace('.', ","),
            total,
            "the printed page shows the same total"
        );
        // MoHA reads it; another unit does not.
        let appraiser = app.demo_login("moha.thamdinh").await;
        assert_eq!(
            app.get(
                &appraiser,
                &format!("/unit/{hpg}/self-assessment/report.xlsx")
            )
            .await
            .status(),
            StatusCode::OK
        );
        let stranger = app.demo_login("qni.canbo").await;
        assert_eq!(
            app.get(
                &stranger,
                &format!("/unit/{hpg}/self-assessment/report.xlsx")
            )
            .await
            .status(),
            StatusCode::FORBIDDEN
        );
    }

    on_both_engines!(the_report_downloads_as_xlsx_and_prints_with_the_same_totals);
}

mod self_assessment_api {
    use super::*;

    async fn the_api_reads_and_saves_under_the_same_rules_as_the_pages(engine: Engine) {
        let app = spawn_app(engine).await;
        let btp = app.unit_id("BTP").await;
        let officer = app.demo_login("btp.canbo").await;
        let report: serde_json::Value = app
            .get(&officer, &format!("/api/v1/units/{btp}/self-assessment"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(report["state"], "draft");
        assert_eq!(report["leaves"].as_array().unwrap().len(), 99);
        let url = app.url(&format!("/api/v1/units/{btp}/self-assessment/leaves/1.1.1"));
        let ok = officer
            .post(&url)
            .json(&serde_json::json!({ "score": "1,5", "explanation": "Ban hành đúng hạn" }))
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), StatusCode::OK);
        let leaf = ok.json::<serde_json::Value>().await.unwrap();
        assert_eq!(
            (
                leaf["leaf"]["score"].as_str(),
                leaf["leaf"]["status"].as_str()
            ),
            (Some("1.50"), Some("complete"))
        );
        let bad = officer
            .post(&url)
            .json(&serde_json::json!({ "score": "9", "explanation": "" }))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = bad.json::<serde_json::Value>().await.unwrap();
        assert!(
            body["error"]["fields"]["score"]
                .as_str()
                .unwrap()
                .contains("không được vượt quá"),
            "{body}"
        );
        let survey = officer
            .post(app.url(&format!("/api/v1/units/{btp}/self-assessment/leaves/1.7.1")))
            .json(&serde_json::json!({ "score": "1" }))
            .send()
            .await
            .unwrap();
        assert_eq!(survey.status(), StatusCode::BAD_REQUEST);
        // The leader and the viewer read but cannot save; another unit cannot read.
        let leader = app.demo_login("btp.lanhdao").await;
        assert_eq!(
            leader
                .post(&url)
                .json(&serde_json::json!({ "score": "0" }))
                .send()
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        let stranger = app.demo_login("qni.canbo").await;
        assert_eq!(
            app.get(&stranger, &format!("/api/v1/units/{btp}/self-assessment"))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        // After the deadline the API refuses with the deadline, like the page.
        app.clock
            .set(time::macros::datetime!(2024-01-26 00:00:00 +7));
        let late = app.demo_login("btp.canbo").await;
        let r = late
            .post(&url)
            .json(&serde_json::json!({ "score": "0" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT);
        assert!(
            r.json::<serde_json::Value>().await.unwrap()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("25/01/2024")
        );
        let saved = parindex_db::self_assessments::leaves(&app.db, btp)
            .await
            .unwrap();
        assert_eq!(
            saved["1.1.1"].score.map(|p| p.to_fixed()),
            Some("1.50".into()),
            "nothing changed by refused calls"
        );
    }

    on_both_engines!(the_api_reads_and_saves_under_the_same_rules_as_the_pages);
}
