//! What a page weighs on the wire: compressed with Brotli or gzip when the browser accepts it, and
//! the site's icon where browsers look for it.

use super::*;
use parindex_tests::survey::delivered_links;

async fn pages_are_compressed_for_browsers_that_accept_it(engine: Engine) {
    let app = spawn_app(engine).await;
    let (_folder, links) = delivered_links(&app).await;
    let first = &links[0];
    let plain = app.client();
    let size = async |path: &str, encoding: Option<&str>| {
        let mut req = plain.get(app.url(path));
        if let Some(e) = encoding {
            req = req.header("accept-encoding", e);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let used = r
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(used.as_deref(), encoding, "content-encoding");
        r.bytes().await.unwrap().len()
    };
    // The page and its stylesheet: what a respondent's phone downloads first.
    let (mut raw, mut gzip, mut br) = (0, 0, 0);
    for path in [first.as_str(), "/static/app.css"] {
        raw += size(path, None).await;
        gzip += size(path, Some("gzip")).await;
        br += size(path, Some("br")).await;
    }
    eprintln!(
        "the respondent's first page with its stylesheet: {raw} bytes, {gzip} with gzip, {br} with Brotli"
    );
    assert!(raw > 5_000, "a real page: {raw}");
    assert!(
        gzip * 5 < raw * 2 && br <= gzip,
        "{raw} → gzip {gzip}, br {br}"
    );

    let icon = app.get(&plain, "/favicon.ico").await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert!(icon.text().await.unwrap().starts_with("<svg"));
}

on_both_engines!(pages_are_compressed_for_browsers_that_accept_it);
