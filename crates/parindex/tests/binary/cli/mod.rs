//! The `parindex` command line, run as a real process: migrate, audit verify, backup, configuration
//! errors, and `serve --demo` answering on its health endpoint.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn parindex(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parindex"))
        .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

async fn seed(data: &Path) -> i64 {
    parindex_tests::use_test_audit_key();
    let db = parindex_db::Db::connect(&format!("sqlite://{}", data.join("parindex.db").display()))
        .await
        .unwrap();
    parindex::demo::seed(&db, 1_700_000_000_000).await.unwrap();
    let n = parindex_db::audit::count(&db).await.unwrap();
    db.close().await;
    n
}

#[test]
fn a_missing_config_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
        .args(["--config", "/nonexistent/parindex.toml", "migrate"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("parindex:") && err.contains("parindex.toml"),
        "{err}"
    );
}

/// Kills the server even if an assertion fails.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve --demo` on a free port with its data in `data`; returns the server, its URL
/// (ending in `/`) and the rest of what it prints.
fn serve_demo(
    data: &Path,
    extra: &[&str],
) -> (
    Server,
    String,
    std::io::Lines<BufReader<std::process::ChildStdout>>,
) {
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_parindex"))
            .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
            .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
            .args(extra)
            .arg("--data-dir")
            .arg(data)
            .env("PARINDEX_METRICS_LISTEN", "127.0.0.1:0")
            .env("PARINDEX_LOG_FORMAT", "json")
            .env_remove("DATABASE_URL")
            .env_remove("PARINDEX_SMTP_URL")
            // Every log line at every level, kept beside the data folder for the tests to read.
            .env("RUST_LOG", "debug,sqlx=warn,hyper=info,h2=info")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(data.with_extension("log")).unwrap())
            .spawn()
            .unwrap(),
    );
    let out = server.0.stdout.take().unwrap();
    let mut lines = BufReader::new(out).lines();
    let url = ready_url(&lines.next().unwrap().unwrap());
    (server, url, lines)
}

/// The address in the server's first line, "parindex is ready at http://…/ (N ms)".
fn ready_url(first_line: &str) -> String {
    first_line
        .split("ready at ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn serve_demo_starts_prints_the_logins_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, url, mut lines) = serve_demo(&dir.path().join("data"), &[]);
    let mut printed = Vec::new();
    while printed.len() < 40 && !printed.iter().any(|l: &String| l.contains("otpauth://")) {
        printed.push(lines.next().unwrap().unwrap());
    }
    printed.push(lines.next().unwrap().unwrap());
    let printed = printed.join("\n");
    assert!(
        printed.contains("demo-cchc-2023")
            && printed.contains("moha.admin")
            && printed.contains("qni.xem"),
        "{printed}"
    );
    // Each MoHA account's authenticator URI, which makes the codes its second step asks for.
    let secret = parindex::demo::second_factor("moha.thamdinh");
    assert!(
        printed.contains(&secret.otpauth_uri("moha.thamdinh"))
            && printed.contains("otpauth://totp/parindex:moha.admin?secret="),
        "{printed}"
    );
    let health: serde_json::Value = reqwest::get(format!("{url}healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let ready = reqwest::get(format!("{url}readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);
    let login = reqwest::get(format!("{url}login"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("Đăng nhập"));
}

/// `serve` runs the outbox worker: with no SMTP configured, opening the demo's survey writes the
/// invitations as .eml files into the data folder, each with a personal link to this server.
#[tokio::test]
async fn serve_writes_the_demo_invitations_as_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_server, url, mut lines) = serve_demo(&data, &[]);
    // Keep reading the server's output: a closed pipe would fail its later prints.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    let url = url.trim_end_matches('/').to_string();
    // The demo runs on a clock set back to 2023, but the authenticator's codes follow real time.
    let c = parindex_tests::log_in_at(&url, "moha.admin", "demo-cchc-2023").await;
    let campaigns: serde_json::Value = c
        .get(format!("{url}/api/v1/campaigns"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = campaigns["campaigns"][0]["id"].as_i64().unwrap();
    let r = c
        .post(format!("{url}/admin/campaigns/{id}/survey/open"))
        .form(&[("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    // The worker runs in the background of the server process: wait for its files (bounded).
    let outbox = data.join("outbox");
    let mut files = Vec::new();
    for _ in 0..100 {
        files = std::fs::read_dir(&outbox)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        if files.len() > 20 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(files.len() > 20, "only {} .eml files", files.len());
    let raw = std::fs::read_to_string(files[0].path()).unwrap();
    assert!(raw.contains("multipart/alternative"));
    assert!(raw.contains("Message-ID: <parindex-outbox-"));
    // The link opens, and its token reaches no log line, at debug level either.
    let link = parindex_tests::email::survey_path(&raw).unwrap();
    let opened = c.get(format!("{url}{link}")).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let token = link.trim_start_matches("/s/");
    let log = std::fs::read_to_string(data.with_extension("log")).unwrap();
    assert!(log.contains("[token]"), "the request was logged, redacted");
    assert!(!log.contains(token), "a survey token reached the log");
}

/// `serve --demo --simulate` runs the campaign to a published result through the server's own pages;
/// `compute` then recomputes the same inputs (same hash) from the command line.
#[tokio::test]
async fn the_demo_simulation_publishes_a_result_and_compute_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (server, url, mut lines) = serve_demo(&data, &["--simulate"]);
    let (mut detection, mut done) = (String::new(), String::new());
    loop {
        let line = lines.next().unwrap().unwrap();
        assert!(!line.contains("simulation failed"), "{line}");
        if line.starts_with("2023: interference detection") {
            detection = line.clone();
        }
        if line.starts_with("2023: ") && line.contains("respondents answered") {
            done = line.trim_start_matches("2023: ").to_string();
        }
        if line.starts_with("simulation done") {
            break;
        }
    }
    // The five units the demo makes interfere are flagged, and no honest one.
    assert!(
        detection.contains("precision 100%, recall 100%, 0 of 5 honest units flagged"),
        "{detection}"
    );
    assert!(detection.contains(", 0 server errors"), "{detection}");
    assert!(done.contains("published as version 1"), "{done}");
    let answered: usize = done.split(' ').next().unwrap().parse().unwrap();
    assert!(answered > 100, "{done}");
    let page = reqwest::get(format!("{url}results/2023")).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Tỉnh Quảng Ninh") && page.contains("<svg"));
    let api: serde_json::Value = reqwest::get(format!("{url}api/v1/results/2023"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let hash = api["input_sha256"].as_str().unwrap().to_string();
    let provinces = api["levels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["level"] == "province")
        .unwrap();
    // Every province answered and was scored: none has a zero index, places start at 1.
    for u in provinces["units"].as_array().unwrap() {
        assert_ne!(u["index"], "0.00", "{u}");
    }
    assert_eq!(provinces["units"][0]["place"], 1);
    drop(server);
    let out = parindex(&data, &["compute", "--campaign", "2023", "--lang", "en"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("Province ranking") && text.contains(&hash),
        "{text}"
    );
    // Detection from the command line: the queue as MoHA's page shows it, flagged units first.
    let out = parindex(
        &data,
        &["integrity", "run", "--campaign", "2023", "--lang", "en"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("5 flagged"), "{text}");
    let flagged: Vec<&str> = lines[1..6]
        .iter()
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    let mut flagged = flagged.clone();
    flagged.sort();
    assert_eq!(flagged, ["AGG", "BCT", "BTP", "DNG", "HPG"], "{text}");
    assert!(lines[1..6].iter().all(|l| l.starts_with('!')), "{text}");
    let qni = lines.iter().find(|l| l.contains("QNI")).unwrap();
    assert!(!qni.starts_with('!'), "{text}");
    assert!(!text.contains("-0.00"), "{text}");
    // Publishing from the command line follows the page's rule: refused while flagged units have
    // no decision, and done with an explicit acknowledgement.
    let publish = ["compute", "--campaign", "2023", "--publish", "--lang", "en"];
    let out = parindex(&data, &publish);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("NOT published")
            && text.contains("AGG")
            && text.contains("--acknowledge-flags"),
        "{text}"
    );
    let out = parindex(&data, &[&publish[..], &["--acknowledge-flags"]].concat());
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("published as version 2"),
        "{}",
        stdout(&out)
    );
    // It is a run like any other: stored and audited.
    let out = parindex(&data, &["audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
}

/// The way back in when no administrator can sign in: `parindex account reset-second-factor` on the
/// server removes the factor, audited, and the chain still verifies.
#[tokio::test]
async fn the_command_line_resets_a_second_factor() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(parindex(&data, &["migrate"]).status.success());
    seed(&data).await;
    let r = parindex(&data, &["account", "reset-second-factor", "moha.admin"]);
    assert!(r.status.success(), "{r:?}");
    assert!(stdout(&r).contains("moha.admin"));
    let again = parindex(&data, &["account", "reset-second-factor", "moha.admin"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("no second factor"));
    let nobody = parindex(&data, &["account", "reset-second-factor", "nobody"]);
    assert!(!nobody.status.success());
    parindex_tests::use_test_audit_key();
    let db = parindex_db::Db::connect(&format!("sqlite://{}", data.join("parindex.db").display()))
        .await
        .unwrap();
    let left = parindex_db::second_factors::confirmed(&db).await.unwrap();
    assert_eq!(left.len(), 1, "only the appraiser's is left");
    let resets = parindex_db::audit::list(
        &db,
        &parindex_db::audit::Filter {
            action_prefix: Some("user.second_factor_reset".into()),
            ..Default::default()
        },
        10,
    )
    .await
    .unwrap();
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0].actor, "system");
    db.close().await;
    assert!(parindex(&data, &["audit", "verify"]).status.success());
}

mod audit_chain;
mod file_checks;
mod loadtest;

/// `parindex campaign copy --from 2023 --year 2024`: next year's campaign from the command line, as
/// one audited transaction; the same year twice and an earlier year are refused with a clear word.
#[tokio::test]
async fn the_command_line_rolls_a_campaign_over() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(parindex(&data, &["migrate"]).status.success());
    seed(&data).await;
    let args = [
        "campaign", "copy", "--from", "2023", "--year", "2024", "--lang", "en",
    ];
    let r = parindex(&data, &args);
    assert!(r.status.success(), "{r:?}");
    let text = stdout(&r);
    assert!(
        text.contains("Created the 2024 campaign") && text.contains("from 2023"),
        "{text}"
    );
    assert!(
        text.contains("2024-12-15"),
        "the deadlines a year on: {text}"
    );
    let again = parindex(&data, &args);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already a campaign"),
        "{again:?}"
    );
    let back = parindex(
        &data,
        &["campaign", "copy", "--from", "2023", "--year", "2020"],
    );
    assert!(!back.status.success());
    assert!(
        String::from_utf8_lossy(&back.stderr).contains("phải sau năm"),
        "{back:?}"
    );
    let none = parindex(
        &data,
        &["campaign", "copy", "--from", "2019", "--year", "2020"],
    );
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("2019"),
        "{none:?}"
    );
    parindex_tests::use_test_audit_key();
    let db = parindex_db::Db::connect(&format!("sqlite://{}", data.join("parindex.db").display()))
        .await
        .unwrap();
    let new = parindex_db::campaigns::by_year(&db, 2024).await.unwrap();
    let old = parindex_db::campaigns::by_year(&db, 2023).await.unwrap();
    assert_eq!(new.predecessor_id, Some(old.id));
    assert_eq!(
        parindex_db::criteria_sets::pinned(&db, new.id)
            .await
            .unwrap()
            .len(),
        parindex_db::criteria_sets::pinned(&db, old.id)
            .await
            .unwrap()
            .len()
    );
    db.close().await;
    assert!(parindex(&data, &["audit", "verify"]).status.success());
}
