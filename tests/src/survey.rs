//! Survey helpers shared by the suites: MoHA opens the survey over HTTP, and an outbox worker drains
//! the queue into a transport of the test's choosing.

use crate::app::location;
use crate::{TestApp, clock_arc};
use parindex_mail::transport::parse_from;
use parindex_mail::{Transport, Worker, WorkerSettings};
use reqwest::StatusCode;

pub fn worker(app: &TestApp, transport: Transport, owner: &str, batch: i64) -> Worker {
    worker_on(app.db.db.clone(), app, transport, owner, batch)
}

/// A worker on its own connection pool, as on another app server.
pub fn worker_on(
    db: parindex_db::Db,
    app: &TestApp,
    transport: Transport,
    owner: &str,
    batch: i64,
) -> Worker {
    Worker::new(
        db,
        transport,
        parse_from("Bộ Nội vụ <khaosat@moha.gov.vn>").unwrap(),
        clock_arc(&app.clock),
        owner.into(),
        WorkerSettings {
            batch,
            concurrency: 4,
            ..WorkerSettings::default()
        },
    )
}

/// MoHA opens the survey for every accepted list (first refused without the confirmation); returns
/// how many invitations are queued.
pub async fn open_survey(app: &TestApp) -> i64 {
    let admin = app.demo_login("moha.admin").await;
    let c = app.campaign_id().await;
    let r = app
        .post(&admin, &format!("/admin/campaigns/{c}/survey/open"), &[])
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "needs the confirmation"
    );
    assert_eq!(
        parindex_db::outbox::counts(&app.db).await.unwrap().queued,
        0
    );
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{c}/survey/open"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&r).contains("done=survey-opened"),
        "{}",
        location(&r)
    );
    parindex_db::outbox::counts(&app.db).await.unwrap().queued
}

/// An outbox worker that writes `.eml` files into a folder of its own, as the demo does.
pub struct EmlFolder {
    pub dir: tempfile::TempDir,
    worker: Worker,
}

impl EmlFolder {
    pub fn new(app: &TestApp) -> EmlFolder {
        let dir = tempfile::tempdir().unwrap();
        let transport = Transport::files(dir.path().to_path_buf()).unwrap();
        let worker = worker(app, transport, "eml", 100);
        EmlFolder { dir, worker }
    }

    /// Sends everything due now.
    pub async fn deliver(&self) {
        self.worker.drain().await.unwrap();
    }

    /// Every message written so far, raw.
    pub fn messages(&self) -> Vec<String> {
        std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap())
            .collect()
    }
}

/// A respondent answers the whole questionnaire behind `link` (`/s/{token}`) through the real pages,
/// choosing `option(question)` for each question, and submits; returns the submission's status.
pub async fn answer_all(
    app: &TestApp,
    link: &str,
    option: impl Fn(&parindex_domain::survey::Question) -> String,
) -> reqwest::StatusCode {
    let token = link.trim_start_matches("/s/");
    let view = parindex_db::survey::by_token(&app.db, token)
        .await
        .unwrap()
        .unwrap();
    let set = parindex_db::questionnaires::get(&app.db, view.campaign_id, &view.unit_level)
        .await
        .unwrap()
        .unwrap();
    let qn = set.for_group(&view.group_code).unwrap().clone();
    let r = app.client();
    app.post(&r, &format!("{link}/start"), &[]).await;
    let pages = qn.questions.len().div_ceil(5);
    for page in 1..=pages {
        let fields: Vec<(String, String)> = qn
            .questions
            .iter()
            .skip((page - 1) * 5)
            .take(5)
            .map(|q| (format!("q_{}", q.code), option(q)))
            .collect();
        let form: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        app.post(&r, &format!("{link}/page/{page}"), &form).await;
    }
    app.post(&r, &format!("{link}/submit"), &[]).await.status()
}

/// Runs the demo simulation (what `serve --demo --simulate` runs, four units interfering) against
/// the test app through its pages, moving the app's clock through the survey days.
pub async fn simulate_demo(app: &TestApp) -> parindex::simulate::Summary {
    let clock = app.clock.clone();
    let set_time = move |ms: i64| clock.set(parindex_domain::clock::from_ms(ms));
    let now = parindex_domain::Clock::now_ms(&app.clock);
    parindex::simulate::run(
        &app.db,
        &app.base,
        now,
        &parindex::simulate::Options::default(),
        &set_time,
    )
    .await
    .unwrap()
}
