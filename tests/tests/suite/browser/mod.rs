//! The browser suite: Debian's headless Chromium, driven through chromedriver, against the real pages.
//! Chromium and chromedriver come from the Debian packages `chromium` and `chromium-driver` (the test
//! script installs them); if they are missing these tests fail and say so.

#![allow(clippy::unwrap_used)]

use parindex_tests::{Engine, TestApp, spawn_app};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities};

/// One browser at a time: two cores.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Driver {
    child: Child,
    port: u16,
    /// A fresh Chromium profile per session, removed with the driver.
    profiles: std::sync::Mutex<Vec<tempfile::TempDir>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool(env: &str, default: &str) -> String {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_string());
    assert!(
        std::path::Path::new(&path).exists(),
        "{path} is missing: install Debian's chromium and chromium-driver packages (scripts/test.sh does), or set {env}"
    );
    path
}

async fn start_driver() -> Driver {
    let bin = tool("PARINDEX_CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    // The guard owns the process from here on: it is killed and reaped even if start-up fails.
    let driver = Driver {
        child,
        port,
        profiles: std::sync::Mutex::new(Vec::new()),
    };
    // Wait until it accepts connections (bounded: 100 tries).
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(d: &Driver, width: u32, height: u32) -> WebDriver {
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    d.profiles.lock().unwrap().push(profile);
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&tool("PARINDEX_CHROMIUM", "/usr/bin/chromium"))
        .unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        &format!("--window-size={width},{height}"),
        &profile_arg,
    ] {
        caps.add_arg(arg).unwrap();
    }
    // Headless Chromium's window is at least 500 px wide: a narrower screen is a phone's, emulated.
    if width < 500 {
        caps.add_experimental_option(
            "mobileEmulation",
            serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 3.0, "touch": true, "mobile": true }
            }),
        )
        .unwrap();
    }
    WebDriver::new(format!("http://127.0.0.1:{}", d.port), caps)
        .await
        .expect("a Chromium session")
}

async fn text_of(b: &WebDriver, css: &str) -> String {
    b.find(By::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Clicks something that loads a new page, waits until the old page is gone, and checks the new one
/// with axe.
async fn click_to_navigate(b: &WebDriver, by: By) {
    let old = b.find(By::Css("html")).await.unwrap();
    b.find(by.clone())
        .await
        .unwrap_or_else(|e| panic!("{by:?}: {e}"))
        .click()
        .await
        .unwrap();
    old.wait_until().stale().await.unwrap();
    axe::check(b).await;
}

/// Opens a page and checks it with axe.
async fn visit(b: &WebDriver, url: impl Into<String>) {
    b.goto(url.into()).await.unwrap();
    axe::check(b).await;
}

/// Opens `path` and checks that the page is no wider than the window.
async fn assert_fits(b: &WebDriver, app: &TestApp, path: &str) {
    visit(b, app.url(path)).await;
    fits(b).await;
}

/// Checks that the page the browser shows is no wider than the window.
async fn fits(b: &WebDriver) {
    let path = b.current_url().await.unwrap().path().to_string();
    let ret = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<i64> = ret.convert().unwrap();
    assert!(
        v[0] <= v[1],
        "{path}: page is {}px wide in a {}px window",
        v[0],
        v[1]
    );
}

async fn log_in(b: &WebDriver, app: &TestApp, username: &str) {
    visit(b, app.url("/login")).await;
    type_into(b, "username", username).await;
    type_into(b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(b, By::Css("form.card button[type=submit]")).await;
    // MoHA accounts: the second step, with the code an authenticator app shows at the app's clock.
    if b.current_url().await.unwrap().path() == "/login/code" {
        type_into(b, "code", &app.next_code(username).await).await;
        click_to_navigate(b, By::Css("form.card button[type=submit]")).await;
    }
}

/// Clicks the element with this id (a checkbox or radio button; no navigation).
async fn click_id(b: &WebDriver, id: &str) {
    b.find(By::Id(id)).await.unwrap().click().await.unwrap();
}

/// Types into the field with this id (or picks a file for a file input).
async fn type_into(b: &WebDriver, id: &str, text: &str) {
    b.find(By::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn has_link(b: &WebDriver, href: &str) -> bool {
    !b.find_all(By::Css(format!("nav a[href='{href}']")))
        .await
        .unwrap()
        .is_empty()
}

mod axe;
mod deadline_night;
mod homes_and_forms;
mod respondents;
mod results_and_integrity;
mod self_assessment;
mod year_two;
