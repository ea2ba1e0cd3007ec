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

/// Opens the demo's survey, delivers every invitation into an [`EmlFolder`] and returns it with the
/// personal link (`/s/{token}`) of each message, in the folder's order.
pub async fn delivered_links(app: &TestApp) -> (EmlFolder, Vec<String>) {
    open_survey(app).await;
    let folder = EmlFolder::new(app);
    folder.deliver().await;
    let links = folder
        .messages()
        .iter()
        .map(|raw| crate::email::survey_path(raw).unwrap())
        .collect();
    (folder, links)
}

/// Opens the demo's survey, delivers every invitation through a real SMTP server, and returns the
/// personal link of the first message that arrived, as a full URL.
pub async fn first_link_by_smtp(app: &TestApp, owner: &str) -> String {
    let server = crate::smtp::SmtpServer::start().await;
    open_survey(app).await;
    let transport = Transport::smtp(&server.url(), 2, std::time::Duration::from_secs(10)).unwrap();
    worker(app, transport, owner, 100).drain().await.unwrap();
    let mail = server
        .received()
        .into_iter()
        .next()
        .expect("an invitation arrived");
    crate::email::survey_url(&mail.raw).expect("a link in the e-mail")
}

/// A respondent answers the whole questionnaire behind `link` (`/s/{token}`) through the real pages,
/// choosing `option(question)` for each question, and submits; returns the submission's status.
pub async fn answer_all(
    app: &TestApp,
    link: &str,
    option: impl Fn(&parindex_domain::survey::Question) -> String,
) -> reqwest::StatusCode {
    answer_at(&app.db, &app.base, &app.client(), link, option)
        .await
        .unwrap()
}

/// The questionnaire the respondent behind `token` answers.
pub async fn questionnaire_of(
    db: &parindex_db::Db,
    token: &str,
) -> parindex_domain::survey::Questionnaire {
    let view = parindex_db::survey::by_token(db, token)
        .await
        .unwrap()
        .unwrap();
    let set = parindex_db::questionnaires::get(db, view.campaign_id, view.unit_level.as_str())
        .await
        .unwrap()
        .unwrap();
    set.for_group(&view.group_code).unwrap().clone()
}

/// [`answer_all`] against any server at `base` (a child process, a proxy), as `client`. Stops at the
/// first request that gets no answer and returns that error; otherwise the status of the page the
/// submission lands on (200 and the thanks once it is in, the refusal's status if not).
pub async fn answer_at(
    db: &parindex_db::Db,
    base: &str,
    client: &reqwest::Client,
    link: &str,
    option: impl Fn(&parindex_domain::survey::Question) -> String,
) -> Result<reqwest::StatusCode, reqwest::Error> {
    let qn = questionnaire_of(db, link.trim_start_matches("/s/")).await;
    answer_questionnaire(&qn, base, client, link, option).await
}

/// [`answer_at`] with the questionnaire already in hand (no database read).
pub async fn answer_questionnaire(
    qn: &parindex_domain::survey::Questionnaire,
    base: &str,
    client: &reqwest::Client,
    link: &str,
    option: impl Fn(&parindex_domain::survey::Question) -> String,
) -> Result<reqwest::StatusCode, reqwest::Error> {
    let post = |path: String, form: Vec<(String, String)>| {
        client.post(format!("{base}{path}")).form(&form).send()
    };
    post(format!("{link}/start"), vec![]).await?;
    let pages = qn.questions.len().div_ceil(5);
    for page in 1..=pages {
        let fields: Vec<(String, String)> = qn
            .questions
            .iter()
            .skip((page - 1) * 5)
            .take(5)
            .map(|q| (format!("q_{}", q.code), option(q)))
            .collect();
        post(format!("{link}/page/{page}"), fields).await?;
    }
    let r = post(format!("{link}/submit"), vec![]).await?;
    // A submission that is in redirects to its thank-you page (post/redirect/get).
    match crate::app::location(&r) {
        thanks if r.status() == reqwest::StatusCode::SEE_OTHER && thanks.ends_with("/thanks") => {
            Ok(client.get(format!("{base}{thanks}")).send().await?.status())
        }
        _ => Ok(r.status()),
    }
}

/// Runs the demo simulation (what `serve --demo --simulate` runs, four units interfering) against
/// the test app through its pages, moving the app's clock through the survey days.
pub async fn simulate_demo(app: &TestApp) -> parindex::simulate::Summary {
    let clock = app.clock.clone();
    let set_time = move |ms: i64| clock.set(parindex_domain::clock::from_ms(ms));
    let now = parindex_domain::Clock::now_ms(&app.clock);
    let campaign = parindex_db::campaigns::by_year(&app.db, parindex::demo::DEMO_YEAR)
        .await
        .unwrap();
    parindex::simulate::run(
        &app.db,
        &app.base,
        &campaign,
        now,
        &parindex::simulate::Options::default(),
        &set_time,
    )
    .await
    .unwrap()
}

/// Gives the demo unit `code` (one whose list is still empty) an accepted list of `per_group`
/// people in each group and opens its survey, straight in the database; returns the unit's id and
/// every invitation's token, as the queued e-mails carry them (links point at `link_base`).
pub async fn open_listed_unit(
    db: &parindex_db::Db,
    code: &str,
    per_group: usize,
    now_ms: i64,
    link_base: &str,
) -> (parindex_domain::UnitId, Vec<String>) {
    let c = parindex_db::campaigns::by_year(db, parindex::demo::DEMO_YEAR)
        .await
        .unwrap();
    let u = parindex_db::units::by_code(db, c.id, code).await.unwrap();
    assert!(
        parindex_db::respondents::people(db, u.id)
            .await
            .unwrap()
            .is_empty(),
        "{code} must start with an empty list"
    );
    let ctx = parindex_db::Ctx::system(now_ms);
    parindex::demo::seed_list(
        db,
        &ctx,
        c.id,
        u.id,
        code,
        per_group,
        parindex_domain::respondents::ListState::Accepted,
    )
    .await
    .unwrap();
    let tokens =
        parindex::survey_links::open_keeping_links(db, &ctx, &c, &u, "10/01/2024", link_base)
            .await
            .unwrap();
    (u.id, tokens)
}
