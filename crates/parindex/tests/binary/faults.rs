//! Dependency faults, with the real binary:
//!
//! - PostgreSQL crashes in the middle of a survey load and comes back: `/readyz` says 503 meanwhile,
//!   respondents are told to try again (503, in Vietnamese) instead of a server error, the server
//!   reconnects by itself, and every acknowledged submission is stored.
//! - The disk under the data folder fills up: uploads and imports are refused with a clear message,
//!   nothing is half-written, and once space is freed the same actions succeed.
//!
//! (An SMTP relay that is down for minutes is in `tests/tests/suite/survey/invitations.rs`:
//! `an_smtp_outage_mid_send_ends_with_each_message_delivered_once`.)

#![allow(clippy::unwrap_used)]

use parindex_db::{Db, survey};
use parindex_tests::pg_cluster::PgCluster;
use parindex_tests::process::{Server, ServerSpec};
use parindex_tests::survey::{answer_questionnaire, open_listed_unit, questionnaire_of};
use parindex_tests::{Engine, fresh_db, log_in_at, on_both_engines};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_parindex");
const NOW: &str = "2023-12-10T09:00:00+07:00";

fn now_ms() -> i64 {
    parindex_domain::Clock::now_ms(&parindex_tests::demo_clock())
}

async fn readyz(client: &reqwest::Client, server: &Server) -> Option<u16> {
    client
        .get(server.url("/readyz"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .ok()
        .map(|r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_crashes_mid_load_and_the_app_recovers_by_itself() {
    let pg = PgCluster::start();
    parindex_tests::use_test_audit_key();
    let db = Db::connect(&pg.url()).await.unwrap();
    db.migrate().await.unwrap();
    parindex::demo::seed(&db, now_ms()).await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let spec = ServerSpec::new(BIN, data.path(), Some(&pg.url()), NOW);
    let (_, tokens) = open_listed_unit(&db, "DNG", 30, now_ms(), &spec.base()).await;
    let mut server = Server::start(spec).await;
    let base = server.base();
    // What each respondent will answer, read before PostgreSQL goes down.
    let mut work = Vec::new();
    for t in &tokens {
        work.push((t.clone(), Arc::new(questionnaire_of(&db, t).await)));
    }

    // Respondents keep coming, 16 at a time; one who gets no "thank you" tries again later, as
    // a person would.
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let unavailable = Arc::new(AtomicUsize::new(0));
    let server_errors = Arc::new(AtomicUsize::new(0));
    let queue = Arc::new(Mutex::new(work));
    let mut load = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let (base, acked, queue) = (base.clone(), acked.clone(), queue.clone());
        let (unavailable, server_errors) = (unavailable.clone(), server_errors.clone());
        load.spawn(async move {
            loop {
                let Some((token, qn)) = queue.lock().unwrap().pop() else {
                    return;
                };
                let client = parindex_tests::browser(&base);
                let link = format!("/s/{token}");
                match answer_questionnaire(&qn, &base, &client, &link, |_| "C".into()).await {
                    Ok(s) if s == 200 || s == 409 => acked.lock().unwrap().push(token),
                    Ok(s) => {
                        if s == 503 {
                            unavailable.fetch_add(1, Ordering::SeqCst);
                        } else if s.is_server_error() {
                            server_errors.fetch_add(1, Ordering::SeqCst);
                        }
                        queue.lock().unwrap().insert(0, (token, qn));
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                    Err(_) => {
                        queue.lock().unwrap().insert(0, (token, qn));
                        tokio::time::sleep(Duration::from_millis(200)).await;
                    }
                }
            }
        });
    }
    let probe = reqwest::Client::new();
    let start = Instant::now();
    while acked.lock().unwrap().len() < tokens.len() / 4 {
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // PostgreSQL goes down hard for three seconds.
    pg.crash();
    let down_at = Instant::now();
    let mut readiness_while_down = Vec::new();
    while down_at.elapsed() < Duration::from_secs(3) {
        readiness_while_down.push(readyz(&probe, &server).await);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // A respondent's page during the outage: 503, a reason to retry, in Vietnamese.
    let during = probe
        .post(server.url(&format!("/s/{}/start", tokens[0])))
        .header("origin", &base)
        .send()
        .await
        .unwrap();
    let retry_after = during.headers().get("retry-after").cloned();
    let (during_status, during_text) = (during.status(), during.text().await.unwrap());
    pg.start_again();
    let up_at = Instant::now();
    let mut ready_again = None;
    while up_at.elapsed() < Duration::from_secs(60) {
        if readyz(&probe, &server).await == Some(200) {
            ready_again = Some(up_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    while load.join_next().await.is_some() {}
    assert!(server.running(), "the server process survived the outage");

    assert!(
        readiness_while_down.iter().all(|r| *r == Some(503)),
        "/readyz during the outage: {readiness_while_down:?}"
    );
    assert_eq!(during_status, 503);
    assert_eq!(
        retry_after.as_ref().and_then(|v| v.to_str().ok()),
        Some("30")
    );
    assert!(during_text.contains("tạm thời gián đoạn"), "{during_text}");
    let ready_again = ready_again.expect("/readyz came back by itself");
    let acked = acked.lock().unwrap().clone();
    let mut lost = 0;
    for t in &acked {
        if survey::by_token(&db, t)
            .await
            .unwrap()
            .unwrap()
            .completed_at
            .is_none()
        {
            lost += 1;
        }
    }
    assert_eq!(lost, 0);
    assert_eq!(acked.len(), tokens.len(), "everyone got through in the end");
    assert_eq!(
        server_errors.load(Ordering::SeqCst),
        0,
        "no 500 during the outage, only 503"
    );
    println!(
        "PostgreSQL crashed for 3 s under a load of 16 respondents: /readyz 503 throughout ({} checks), \
         ready again {} ms after PostgreSQL restarted; {} answers were 503 meanwhile, 0 were 500; \
         {} of {} submissions acknowledged, {lost} lost",
        readiness_while_down.len(),
        ready_again.as_millis(),
        unavailable.load(Ordering::SeqCst),
        acked.len(),
        tokens.len()
    );
}

/// A small tmpfs mounted on a new folder (needs root, or the mount capability); unmounted on drop.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> SmallDisk {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .expect("run mount");
        assert!(
            out.status.success(),
            "the full-disk test mounts a small tmpfs and needs root (or CAP_SYS_ADMIN) to do it: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        SmallDisk { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a filler file until the disk refuses more.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.path().join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        loop {
            match f.write(&block) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    assert_eq!(e.raw_os_error(), Some(28), "{e}");
                    break;
                }
            }
        }
    }

    fn free(&self) {
        std::fs::remove_file(self.path().join("filler")).unwrap();
    }

    /// Files under `sub`, recursively.
    fn files(&self, sub: &str) -> Vec<String> {
        fn walk(p: &Path, out: &mut Vec<String>) {
            if let Ok(rd) = std::fs::read_dir(p) {
                for e in rd.flatten() {
                    if e.path().is_dir() {
                        walk(&e.path(), out);
                    } else {
                        out.push(e.path().display().to_string());
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.path().join(sub), &mut out);
        out
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .output();
    }
}

const LARGE_CSV: &[u8] = include_bytes!("../../../../tests/fixtures/respondents/large.csv");

async fn a_full_disk_is_refused_cleanly_and_nothing_is_corrupted(engine: Engine) {
    let disk = SmallDisk::mount(24);
    // SQLite keeps its database in the data folder on the small disk; PostgreSQL keeps its own,
    // and only the evidence files share the small disk.
    let url = match engine {
        Engine::Sqlite => format!("sqlite://{}", disk.path().join("parindex.db").display()),
        Engine::Postgres => fresh_db(Engine::Postgres).await.url.clone(),
    };
    parindex_tests::use_test_audit_key();
    let db = Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    parindex::demo::seed(&db, now_ms()).await.unwrap();
    let spec = ServerSpec::new(BIN, disk.path(), Some(&url), NOW);
    let server = Server::start(spec).await;
    let base = server.base();
    let btp = parindex_tests::demo_unit_id(&db, "BTP").await;
    let qni = parindex_tests::demo_unit_id(&db, "QNI").await;
    let officer = log_in_at(&base, "btp.canbo", parindex::demo::DEMO_PASSWORD).await;
    let qni_officer = log_in_at(&base, "qni.canbo", parindex::demo::DEMO_PASSWORD).await;
    let evidence = format!("{base}/unit/{btp}/self-assessment/leaf/1.1.1/evidence");
    // A 3 MB PDF.
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(3 * 1024 * 1024, b' ');
    pdf.extend_from_slice(b"\n%%EOF\n");
    let upload = |pdf: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("reference", "trang 1")
            .part(
                "file",
                reqwest::multipart::Part::bytes(pdf).file_name("Báo cáo.pdf"),
            )
    };
    let import = || {
        reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(LARGE_CSV.to_vec()).file_name("large.csv"),
        )
    };

    if let Db::Sqlite(p, _) = &db {
        // Empty the write-ahead log, so that every write needs new space on the disk.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(p)
            .await
            .unwrap();
    }
    disk.fill();
    let r = officer
        .post(&evidence)
        .header("accept-language", "vi")
        .multipart(upload(pdf.clone()))
        .send()
        .await
        .unwrap();
    let (status, text) = (r.status().as_u16(), r.text().await.unwrap());
    assert_eq!(status, 507, "{text}");
    assert!(text.contains("hết dung lượng"), "{text}");
    assert!(
        disk.files("files").is_empty(),
        "no partial file left behind: {:?}",
        disk.files("files")
    );
    assert_eq!(
        parindex_db::evidence::library(&db, btp)
            .await
            .unwrap()
            .len(),
        0
    );
    let import_status = qni_officer
        .post(format!("{base}/unit/{qni}/respondents/import"))
        .multipart(import())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    let rows_when_full = parindex_db::respondents::people(&db, qni)
        .await
        .unwrap()
        .len();
    if engine == Engine::Sqlite {
        // The database itself is on the full disk: the import's transaction cannot be written.
        assert_eq!(import_status, 507);
        assert_eq!(rows_when_full, 0, "nothing half-imported");
    }
    // Reading still works while the disk is full.
    let home = officer
        .get(format!("{base}/unit/{btp}"))
        .send()
        .await
        .unwrap();
    assert_eq!(home.status(), 200);

    // Space is freed: the same actions succeed, and the database is sound.
    disk.free();
    let r = officer
        .post(&evidence)
        .multipart(upload(pdf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", server.output());
    assert_eq!(
        parindex_db::evidence::library(&db, btp)
            .await
            .unwrap()
            .len(),
        1
    );
    if rows_when_full == 0 {
        let r = qni_officer
            .post(format!("{base}/unit/{qni}/respondents/import"))
            .multipart(import())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
    }
    assert_eq!(
        parindex_db::respondents::people(&db, qni)
            .await
            .unwrap()
            .len(),
        10_000
    );
    if let Db::Sqlite(p, _) = &db {
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(p)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    let v = parindex_db::audit::verify(&db).await.unwrap();
    assert!(v.first_break.is_none());
    println!(
        "{engine:?}: full disk: evidence upload 507, 10,000-row import {import_status} ({rows_when_full} rows), \
         no partial files; after freeing space both succeed; audit chain of {} entries intact",
        v.checked
    );
    db.close().await;
}

on_both_engines!(a_full_disk_is_refused_cleanly_and_nothing_is_corrupted);
