//! The HTTP edge: cross-site posts, the English switch, health and headers, crafted input, wrong
//! methods and escaping.

use super::*;

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

on_both_engines!(
    cross_site_posts_are_refused_and_change_nothing,
    the_english_switch_translates_pages_and_api_errors,
    health_readiness_and_security_headers,
    bad_input_never_causes_a_server_error,
    wrong_methods_are_405_and_refused_posts_say_they_close,
    user_text_is_escaped_everywhere_it_is_shown,
);
