//! Evidence files on S3-compatible storage, shared by two app servers on one PostgreSQL database:
//! a file uploaded through one server is read back through the other, nothing is kept on either
//! server's disk, and with the store unreachable an upload is refused with "try again" (503) and
//! nothing is recorded.
//!
//! The S3 server is moto's standalone server (PyPI `moto[server]`), which scripts/test.sh installs
//! into a virtualenv and names in PARINDEX_TEST_MOTO_SERVER.

#![allow(clippy::unwrap_used)]

use parindex_tests::process::{Server, ServerSpec, free_port};
use parindex_tests::{Engine, fresh_db, log_in_at};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_parindex");
const NOW: &str = "2023-12-10T09:00:00+07:00";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

struct S3 {
    child: Child,
    url: String,
}

impl S3 {
    async fn start() -> S3 {
        let bin = std::env::var("PARINDEX_TEST_MOTO_SERVER").unwrap_or_else(|_| {
            panic!(
                "PARINDEX_TEST_MOTO_SERVER is not set, so the S3 storage test has no S3 server. Run the \
                 suite with scripts/test.sh, which installs moto's server from PyPI into a virtualenv."
            )
        });
        let port = free_port().port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {bin}: {e}"));
        let url = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while reqwest::get(&url).await.is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "moto did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        S3 { child, url }
    }

    async fn create_bucket(&self, name: &str) {
        let r = reqwest::Client::new()
            .put(format!("{}/{name}", self.url))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    async fn keys(&self, bucket: &str) -> String {
        reqwest::get(format!("{}/{bucket}?list-type=2", self.url))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn upload(name: &str) -> reqwest::multipart::Form {
    reqwest::multipart::Form::new()
        .text("reference", "trang 3")
        .part(
            "file",
            reqwest::multipart::Part::bytes(PDF.to_vec()).file_name(name.to_string()),
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_share_evidence_on_s3_compatible_storage() {
    let mut s3 = S3::start().await;
    s3.create_bucket("parindex-evidence").await;
    let db = fresh_db(Engine::Postgres).await;
    let now = parindex_domain::Clock::now_ms(&parindex_tests::demo_clock());
    parindex::demo::seed(&db, now).await.unwrap();
    let spec = |dir: &std::path::Path| {
        ServerSpec::new(BIN, dir, Some(&db.url), NOW)
            .env("PARINDEX_FILES_URL", "s3://parindex-evidence/2023")
            .env("AWS_ENDPOINT", &s3.url)
            .env("AWS_ALLOW_HTTP", "true")
            .env("AWS_ACCESS_KEY_ID", "parindex-test")
            .env("AWS_SECRET_ACCESS_KEY", "parindex-test-secret")
            .env("AWS_REGION", "us-east-1")
    };
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Server::start(spec(dir_a.path())).await;
    let b = Server::start(spec(dir_b.path())).await;
    let btp = parindex_tests::demo_unit_id(&db, "BTP").await;

    // Uploaded through server A.
    let on_a = log_in_at(&a.base(), "btp.canbo", parindex::demo::DEMO_PASSWORD).await;
    let leaf = format!("/unit/{btp}/self-assessment/leaf/1.1.1/evidence");
    let r = on_a
        .post(a.url(&leaf))
        .multipart(upload("Kế hoạch CCHC.pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", a.output());
    let files = parindex_db::evidence::library(&db, btp).await.unwrap();
    assert_eq!(files.len(), 1);
    let listing = s3.keys("parindex-evidence").await;
    assert!(
        listing.contains(&format!("<Key>2023/evidence/{btp}/")),
        "{listing}"
    );

    // Read back through server B: the same bytes.
    let on_b = log_in_at(&b.base(), "btp.canbo", parindex::demo::DEMO_PASSWORD).await;
    let got = on_b
        .get(b.url(&format!("/unit/{btp}/evidence/{}", files[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(got.bytes().await.unwrap().as_ref(), PDF);
    for dir in [dir_a.path(), dir_b.path()] {
        let local = dir.join("files");
        assert!(
            !local.exists() || std::fs::read_dir(&local).unwrap().next().is_none(),
            "nothing kept on the server's own disk"
        );
    }

    // The store goes away: the upload is refused with "try again", and nothing is recorded.
    let _ = s3.child.kill();
    let _ = s3.child.wait();
    let mut other = PDF.to_vec();
    other.extend_from_slice(b"% another file\n");
    let r = on_a
        .post(a.url(&leaf))
        .multipart(reqwest::multipart::Form::new().text("reference", "x").part(
            "file",
            reqwest::multipart::Part::bytes(other).file_name("Khác.pdf"),
        ))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, 503, "{text}");
    assert!(text.contains("tạm thời gián đoạn"), "{text}");
    assert_eq!(
        parindex_db::evidence::library(&db, btp)
            .await
            .unwrap()
            .len(),
        1
    );
    println!(
        "S3-compatible storage: uploaded through one server, read back through the other; \
         with the store down the upload is refused with 503 and nothing recorded"
    );
}
