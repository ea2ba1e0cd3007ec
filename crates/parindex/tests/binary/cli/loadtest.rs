//! `parindex loadtest`: a campaign prepared in an empty data folder, and every prepared respondent's
//! whole path walked by `loadtest run` from a separate process against a real server, each
//! submission counted once confirmed and found stored.

#![allow(clippy::unwrap_used)]

use super::{Server, parindex, ready_url, stdout};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_whole_path_load_test_completes_and_stores_every_prepared_respondent() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let visits = dir.path().join("visits.tsv");
    let o = parindex(
        &data,
        &[
            "loadtest",
            "prepare",
            "--respondents",
            "24",
            "--out",
            visits.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let prepared: usize = stdout(&o)
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!(prepared >= 24, "{}", stdout(&o));
    // The invitations went out during `prepare`, through the data folder's transport, so the run
    // measures the respondents alone.
    assert!(
        stdout(&o).contains(&format!("{prepared} invitations sent")),
        "{}",
        stdout(&o)
    );
    let spooled = std::fs::read_dir(data.join("outbox")).unwrap().count();
    assert_eq!(spooled, prepared, "one .eml file per invitation");

    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_parindex"))
            .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
            .args(["serve", "--no-migrate", "--listen", "127.0.0.1:0"])
            .args(["--now", "2023-12-10T09:00:00+07:00", "--data-dir"])
            .arg(&data)
            .env("PARINDEX_METRICS_LISTEN", "")
            .env_remove("DATABASE_URL")
            .env_remove("PARINDEX_SMTP_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let first = BufReader::new(server.0.stdout.take().unwrap())
        .lines()
        .next()
        .unwrap()
        .unwrap();
    let url = ready_url(&first);
    let run = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args([
            "loadtest",
            "run",
            "--concurrency",
            "4",
            "--base",
            &url,
            "--visits",
        ])
        .arg(&visits)
        .args(["--server-pid", &server.0.id().to_string()])
        .output()
        .unwrap();
    let report = stdout(&run);
    assert!(run.status.success(), "{report}");
    assert!(
        report.contains(&format!("completed: {prepared} respondents"))
            && report.contains("(failed: 0)"),
        "{report}"
    );
    // 12 requests or more a respondent: landing, start, each page shown and saved, check, submit.
    let requests: usize = report
        .lines()
        .find_map(|l| l.strip_prefix("requests: "))
        .and_then(|l| l.split(',').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(requests >= prepared * 6, "{report}");
    assert!(
        report.contains("server CPU: ") && report.contains(" cores ("),
        "{report}"
    );
    drop(server);
    let stored = parindex(&data, &["loadtest", "report"]);
    assert!(
        stdout(&stored).contains(&format!("submissions stored: {prepared} of {prepared}")),
        "{}",
        stdout(&stored)
    );
}
