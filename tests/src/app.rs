//! `spawn_app()`: the real router, with its middleware, on 127.0.0.1:0 over a fresh database seeded
//! with the demo campaign, and an HTTP client that behaves like a browser (cookies, Origin header).

use crate::{Engine, TestDb, demo_clock, fresh_db};
use parindex_domain::FixedClock;
use parindex_web::{AppState, WebConfig};
use reqwest::header::{HeaderMap, HeaderValue};
use std::net::SocketAddr;

pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub db: TestDb,
    pub clock: FixedClock,
    pub engine: Engine,
    /// Where this app keeps evidence files (removed with the app).
    pub files_dir: tempfile::TempDir,
    /// The server's state, for the jobs a server runs on its own (the hourly reminders).
    pub state: AppState,
}

pub async fn spawn_app(engine: Engine) -> TestApp {
    spawn_app_with(engine, WebConfig::default()).await
}

/// `spawn_app` with other web settings. Without a `public_origin` the app gets its own address as
/// one, as the demo does; [`spawn_app_without_origin`] leaves it unset.
pub async fn spawn_app_with(engine: Engine, config: WebConfig) -> TestApp {
    spawn(engine, config, true).await
}

/// An app with no `public_origin`, as a real installation that forgot to set it.
pub async fn spawn_app_without_origin(engine: Engine) -> TestApp {
    spawn(engine, WebConfig::default(), false).await
}

async fn spawn(engine: Engine, mut config: WebConfig, own_origin: bool) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    if own_origin && config.public_origin.is_none() {
        config.public_origin = Some(format!("http://{addr}"));
    }
    let db = fresh_db(engine).await;
    let clock = demo_clock();
    parindex::demo::seed(&db, parindex_domain::Clock::now_ms(&clock))
        .await
        .unwrap();
    let files_dir = tempfile::tempdir().unwrap();
    let files = AppState::local_files(files_dir.path()).unwrap();
    let state = AppState::new(db.db.clone(), crate::clock_arc(&clock), config, files);
    let app = parindex_web::app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    TestApp {
        addr,
        base: format!("http://{addr}"),
        db,
        clock,
        engine,
        files_dir,
        state,
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client that keeps cookies, does not follow redirects, and sends our Origin like a browser.
    pub fn client(&self) -> reqwest::Client {
        browser(&self.base)
    }

    /// A client with no Origin header (a script, or an old browser).
    pub fn bare_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// Logs in through the real form and returns the client holding the session. An account with a
    /// second factor (the demo's MoHA accounts) also gives its authenticator's code at the app's
    /// clock: the code of the first step around now that the account has not used yet, so that a
    /// test may sign the same account in up to three times at one fixed instant. After that the
    /// clock moves on by half a minute, as a person would wait for the next code.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Client {
        let (c, to) = password_step(&self.base, username, password).await;
        if to.starts_with("/login/code") {
            let code = self.next_code(username).await;
            let r = self.post(&c, "/login/code", &[("code", &code)]).await;
            assert_eq!(r.status(), 303, "second step of {username}");
        } else if to.starts_with("/login/enrol") {
            let now = parindex_domain::Clock::now_ms(&self.clock);
            enrol(&self.base, &c, now).await;
        }
        c
    }

    /// The authenticator code a demo MoHA account would type now at the app's clock: that of the
    /// first step around now it has not used yet (see [`TestApp::login`]).
    pub async fn next_code(&self, username: &str) -> String {
        let last = self
            .db
            .scalar(&format!(
                "SELECT COALESCE(MAX(f.last_step), 0) FROM second_factors f \
                 JOIN users u ON u.id = f.user_id WHERE u.username = '{username}'"
            ))
            .await;
        let at = loop {
            let now = parindex_domain::Clock::now_ms(&self.clock) / 30_000;
            if let Some(step) = (now - 1..=now + 1).find(|s| *s > last) {
                break step * 30_000;
            }
            self.clock.advance(time::Duration::seconds(30));
        };
        parindex::demo::second_factor(username).code_at(at)
    }

    /// POSTs a form as `client` and returns the response (redirects are not followed).
    pub async fn post(
        &self,
        client: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client.post(self.url(path)).form(form).send().await.unwrap()
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// The visible text of the page at `path` as `client` sees it.
    /// The body of `path`, as the browser gets it.
    pub async fn html(&self, client: &reqwest::Client, path: &str) -> String {
        self.get(client, path).await.text().await.unwrap()
    }

    pub async fn page_text(&self, client: &reqwest::Client, path: &str) -> String {
        visible_text(&self.get(client, path).await.text().await.unwrap())
    }

    pub async fn demo_login(&self, username: &str) -> reqwest::Client {
        self.login(username, parindex::demo::DEMO_PASSWORD).await
    }

    pub async fn unit_id(&self, code: &str) -> parindex_domain::UnitId {
        crate::demo_unit_id(&self.db, code).await
    }

    /// Changes the demo campaign's settings as MoHA's form would store them (`change` edits the
    /// current ones, deadlines included).
    pub async fn change_campaign(
        &self,
        change: impl FnOnce(&mut parindex_db::campaigns::CampaignInput),
    ) {
        let id = self.campaign_id().await;
        let c = parindex_db::campaigns::get(&self.db, id).await.unwrap();
        let mut input = parindex_db::campaigns::CampaignInput {
            year: c.year,
            name_vi: c.name_vi,
            name_en: c.name_en,
            legal_basis: c.legal_basis,
            organiser: c.organiser,
            min_group_size: c.min_group_size,
            deadlines: parindex_db::deadlines::for_campaign(&self.db, id)
                .await
                .unwrap(),
        };
        change(&mut input);
        parindex_db::campaigns::update(&self.db, &parindex_db::Ctx::system(0), id, &input)
            .await
            .unwrap();
    }

    /// The demo's campaign rolled over to `year` as the copy page proposes it, without criteria sets.
    pub async fn roll_over(&self, year: i64) -> parindex_db::campaigns::Campaign {
        let from = self.campaign_id().await;
        let p = parindex_db::rollover::preview(&self.db, from, year)
            .await
            .unwrap();
        let plan = parindex_db::rollover::Rollover {
            from,
            year,
            name_vi: p.name_vi,
            name_en: p.name_en,
            sets: vec![],
        };
        let now = parindex_domain::Clock::now_ms(&self.clock);
        parindex_db::rollover::copy(&self.db, &parindex_db::Ctx::system(now), &plan)
            .await
            .unwrap()
    }

    pub async fn campaign_id(&self) -> parindex_domain::CampaignId {
        parindex_db::campaigns::by_year(&self.db, parindex::demo::DEMO_YEAR)
            .await
            .unwrap()
            .id
    }
}

/// A client for the server at `base` that keeps cookies, does not follow redirects, and sends that
/// Origin like a browser on its pages.
pub fn browser(base: &str) -> reqwest::Client {
    let mut h = HeaderMap::new();
    h.insert("origin", HeaderValue::from_str(base).unwrap());
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(h)
        .build()
        .unwrap()
}

/// Logs in at the server at `base` through the real form and returns the client holding the session.
/// A demo MoHA account gives its authenticator's code at the real time, trying the codes of the
/// steps just before, at and after now, as a server on a shifted demo clock checks them.
pub async fn log_in_at(base: &str, username: &str, password: &str) -> reqwest::Client {
    let (c, to) = password_step(base, username, password).await;
    if to.starts_with("/login/code") {
        code_step(&c, base, username).await;
    } else if to.starts_with("/login/enrol") {
        let now = parindex_domain::Clock::now_ms(&parindex_domain::SystemClock);
        enrol(base, &c, now).await;
    }
    c
}

/// The second step of a demo MoHA account's login at `base`, after its password: the authenticator's
/// code at the real time, trying the steps just before, at and after now (a code is used only once).
pub async fn code_step(c: &reqwest::Client, base: &str, username: &str) {
    let secret = parindex::demo::second_factor(username);
    let now = parindex_domain::Clock::now_ms(&parindex_domain::SystemClock);
    for at in [now - 30_000, now, now + 30_000] {
        let r = c
            .post(format!("{base}/login/code"))
            .form(&[("code", secret.code_at(at))])
            .send()
            .await
            .unwrap();
        if r.status() == 303 {
            return;
        }
    }
    panic!("the second step of {username} at {base} failed");
}

/// Sets up the authenticator for an account that has none: reads the setup key from the page and
/// types the code it makes at `now_ms`. Returns the recovery codes shown once.
pub async fn enrol(base: &str, c: &reqwest::Client, now_ms: i64) -> Vec<String> {
    let page = c
        .get(format!("{base}/login/enrol"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = page
        .split("<code id=\"setup-key\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the enrolment page shows the setup key");
    let secret = parindex_domain::second_factor::TotpSecret::from_base32(key).unwrap();
    let r = c
        .post(format!("{base}/login/enrol"))
        .form(&[("code", secret.code_at(now_ms))])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "enrolment at {base}");
    let html = r.text().await.unwrap();
    html.split("<li><code>")
        .skip(1)
        .filter_map(|s| s.split("</code>").next())
        .map(str::to_string)
        .collect()
}

/// Posts the login form; returns the client and where the answer sends it.
async fn password_step(base: &str, username: &str, password: &str) -> (reqwest::Client, String) {
    let c = browser(base);
    let r = c
        .post(format!("{base}/login"))
        .form(&[
            ("username", username),
            ("password", password),
            ("next", "/home"),
        ])
        .send()
        .await
        .unwrap();
    let to = location(&r);
    if r.status() != 303 {
        panic!(
            "login of {username} at {base} failed ({}): {}",
            r.status(),
            r.text().await.unwrap_or_default()
        );
    }
    (c, to)
}

/// Where a redirect points ("" when it does not).
pub fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The text of an HTML page with tags removed and spaces folded, for readable assertions.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
