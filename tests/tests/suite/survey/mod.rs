//! The survey end to end, on SQLite and PostgreSQL: MoHA opens the survey for accepted lists, the
//! outbox delivers the invitations into a real SMTP server (451 retried, 550 failing one recipient
//! only, an outage in the middle of a send ending with every message delivered exactly once, two app
//! servers sharing one outbox without duplicates), and a respondent answers from the link in the
//! received e-mail: nothing used up by opening it, answers saved and resumed, the check page, one
//! final submission, closed and unknown links. Units follow progress and never see an answer.

#![allow(clippy::unwrap_used)]

use parindex_db::survey;
use parindex_mail::Transport;
use parindex_tests::app::{location, visible_text};
use parindex_tests::email::survey_path;
use parindex_tests::smtp::SmtpServer;
use parindex_tests::survey::{
    EmlFolder, answer_all, delivered_links, open_survey, worker, worker_on,
};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

fn smtp(server: &SmtpServer) -> Transport {
    Transport::smtp(&server.url(), 4, Duration::from_secs(10)).unwrap()
}

async fn emails_of(app: &TestApp, code: &str) -> Vec<String> {
    let unit = app.unit_id(code).await;
    parindex_db::respondents::people(&app.db, unit)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.person.email)
        .collect()
}

async fn accept_list(app: &TestApp, code: &str) {
    let admin = app.demo_login("moha.admin").await;
    let unit = app.unit_id(code).await;
    let r = app
        .post(
            &admin,
            &format!("/admin/units/{unit}/respondents/review"),
            &[("decision", "accept"), ("comment", "")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
}

/// A client that sends the page's own Origin, as a browser does, but no account cookie.
fn respondent(app: &TestApp) -> reqwest::Client {
    app.client()
}

mod answering;
mod follow_up;
mod invitations;
