//! Accessibility, measured: axe-core runs on every page the browser suite visits, and fails the test
//! on any WCAG 2.1 A or AA violation of impact "serious" or "critical". axe-core comes from the npm
//! registry (`tests/axe/package.json`, pinned by its lock file); `scripts/test.sh` installs it with
//! `npm ci`. Each page checked is appended to `$CARGO_TARGET_TMPDIR/axe-pages.txt`, which the test
//! script counts in its summary.

use super::*;
use parindex_web::{Access, route_table};

fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = std::env::var("PARINDEX_AXE").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/axe/node_modules/axe-core/axe.min.js"
            )
            .to_string()
        });
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("{path}: {e}: install axe-core with `npm ci --prefix tests/axe` (scripts/test.sh does), or set PARINDEX_AXE")
        })
    })
}

/// The WCAG 2.0 and 2.1 rules at levels A and AA; violations of impact serious or critical, each
/// with up to three of the elements it found.
const RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
}).then(r => done(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.impact + ' ' + v.id + ': ' + v.help + '\n      '
        + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' | ' + n.html.slice(0, 160)).join('\n      '))))
  .catch(e => done(['axe failed: ' + e]));
"#;

/// The serious and critical violations axe finds on the page the browser shows.
async fn violations(b: &WebDriver) -> Vec<String> {
    b.execute(format!("{};return true;", axe_source()), vec![])
        .await
        .unwrap();
    b.execute_async(RUN, vec![])
        .await
        .unwrap()
        .convert()
        .unwrap()
}

/// Runs axe on the page the browser shows and panics with every serious or critical violation.
pub(super) async fn check(b: &WebDriver) {
    let url = b.current_url().await.unwrap();
    let found = violations(b).await;
    let width: i64 = b
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    let path = url.path().to_string();
    record(&format!("{width}px {path}"));
    assert!(
        found.is_empty(),
        "axe: {} serious or critical WCAG 2.1 A/AA violation(s) on {path} at {width}px:\n  {}",
        found.len(),
        found.join("\n  ")
    );
}

fn record(line: &str) {
    use std::io::Write;
    let path = format!("{}/axe-pages.txt", env!("CARGO_TARGET_TMPDIR"));
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    writeln!(f, "{line}").unwrap();
}

/// The checker itself: a page without a language, with an unlabelled field and an image without
/// a text alternative fails it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checker_finds_what_a_page_gets_wrong() {
    let _one = SERIAL.lock().await;
    let d = start_driver().await;
    let b = browser(&d, 1280, 900).await;
    b.goto("data:text/html,<html><head><title>t</title></head><body><main><img src='x.png'><input type='text'></main></body></html>")
        .await
        .unwrap();
    let found = violations(&b).await.join("\n");
    for rule in ["html-has-lang", "image-alt", "label"] {
        assert!(found.contains(rule), "{rule} not found in:\n{found}");
    }
    b.quit().await.unwrap();
}

/// Who visits a route in the sweep: the demo account its rule lets in (unit routes: the Ministry of
/// Justice's), or nobody for the routes a browser cannot open as a page.
fn visitor(access: Access) -> Option<&'static str> {
    match access {
        Access::Public => Some(""),
        Access::SecondStep => None,
        Access::MohaAdmin | Access::MohaStaff => Some("moha.admin"),
        Access::MohaAppraiser => Some("moha.thamdinh"),
        Access::SignedIn | Access::Authenticated | Access::UnitReader | Access::UnitOfficer => {
            Some("btp.canbo")
        }
        Access::UnitLeader => Some("btp.lanhdao"),
    }
}

/// Every page in the route table, opened by an account its rule lets in, in Vietnamese and in English
/// (the demo's seeded state: a campaign under way, reports in each state, a survey with answers).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_the_route_table_has_no_serious_accessibility_violation() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let d = start_driver().await;
    let btp = app.unit_id("BTP").await;
    let campaign = app.campaign_id().await;
    let a_set = parindex_db::criteria_sets::list(&app.db).await.unwrap()[0].id;
    let moha_admin = parindex_db::users::by_username(&app.db, "moha.admin")
        .await
        .unwrap()
        .unwrap()
        .id;
    let client = app.client();
    let mut by_visitor: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for spec in route_table().specs() {
        if spec.method != reqwest::Method::GET || spec.path.starts_with("/api/") {
            continue;
        }
        let Some(who) = visitor(spec.access) else {
            continue;
        };
        let path = parindex_tests::access::fill_path(
            spec.path,
            &[
                ("{unit}", btp.to_string()),
                ("{campaign}", campaign.to_string()),
                ("{user}", moha_admin.to_string()),
                ("{set}", a_set.to_string()),
                ("{file}", "1".into()),
                ("{person}", "1".into()),
                ("{invitation}", "1".into()),
            ],
        );
        // Only what a browser shows as a page: downloads and JSON are not.
        let probe = client.get(app.url(&path));
        let probe = if who.is_empty() {
            probe
        } else {
            let id = parindex_db::users::by_username(&app.db, who)
                .await
                .unwrap()
                .unwrap()
                .id;
            probe.header(
                "cookie",
                parindex_tests::access::session_cookie(&app, id).await,
            )
        };
        let r = probe.send().await.unwrap();
        let html = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        if html {
            by_visitor.entry(who).or_default().push(path);
        }
    }
    let mut checked = 0;
    for (who, paths) in &by_visitor {
        let b = browser(&d, 1280, 900).await;
        if !who.is_empty() {
            log_in(&b, &app, who).await;
        }
        if who.is_empty() {
            b.goto(app.url("/login")).await.unwrap();
        }
        for lang in ["vi", "en"] {
            b.add_cookie(thirtyfour::Cookie::new("lang", lang))
                .await
                .unwrap();
            for path in paths {
                visit(&b, app.url(path)).await;
                checked += 1;
            }
        }
        b.quit().await.unwrap();
    }
    println!("axe: {checked} page views checked in the route-table sweep");
    assert!(checked > 80, "only {checked} pages");
}
