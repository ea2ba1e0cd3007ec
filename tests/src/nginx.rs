//! nginx from Debian in front of app servers, configured by the very file the operations guide
//! ships (`docs/deploy/nginx.conf`): only its upstream addresses, its listen addresses and its
//! certificate paths are replaced. The certificate is a fresh self-signed one for 127.0.0.1.

use std::net::SocketAddr;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The documented site configuration.
pub fn documented_config() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/deploy/nginx.conf");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub struct Nginx {
    dir: tempfile::TempDir,
    child: Child,
    /// `https://127.0.0.1:PORT`
    pub https: String,
    /// `http://127.0.0.1:PORT` (which redirects to HTTPS)
    pub http: String,
}

fn nginx_binary() -> PathBuf {
    for p in ["/usr/sbin/nginx", "/usr/bin/nginx"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!(
        "nginx is not installed, so the test of app servers behind the documented nginx \
         configuration cannot run. Install Debian's nginx-light (scripts/test.sh does)."
    )
}

fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "docs/deploy/nginx.conf no longer contains `{from}`: keep this test in step with it"
    );
    text.replacen(from, to, 1)
}

impl Nginx {
    /// Starts nginx with the documented configuration in front of `upstreams` (exactly two, as
    /// the file has), listening for HTTPS on `https_port` and plain HTTP on a free port.
    pub async fn start(upstreams: [SocketAddr; 2], https_port: u16) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let cert = d.join("cert.pem");
        let key = d.join("key.pem");
        let out = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args([
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
            ])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("openssl, to make a test certificate");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let http_port = crate::process::free_port().port();
        let mut site = documented_config();
        site = replace_once(&site, "10.0.0.11:8080", &upstreams[0].to_string());
        site = replace_once(&site, "10.0.0.12:8080", &upstreams[1].to_string());
        site = replace_once(
            &site,
            "listen 80;",
            &format!("listen 127.0.0.1:{http_port};"),
        );
        site = replace_once(
            &site,
            "listen 443 ssl http2;",
            &format!("listen 127.0.0.1:{https_port} ssl http2;"),
        );
        site = replace_once(
            &site,
            "/etc/ssl/cchc/fullchain.pem",
            &cert.display().to_string(),
        );
        site = replace_once(
            &site,
            "/etc/ssl/cchc/privkey.pem",
            &key.display().to_string(),
        );
        site = replace_once(
            &site,
            "/var/log/nginx/parindex.access.log",
            &d.join("access.log").display().to_string(),
        );
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let p = d.display();
        let main = format!(
            "{user}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/error.log info;\ndaemon off;\n\
             events {{ worker_connections 512; }}\n\
             http {{\n  access_log {p}/other.log;\n  client_body_temp_path {p}/body;\n  \
             proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  \
             scgi_temp_path {p}/scgi;\n{site}\n}}\n",
            user = if root { "user root;\n" } else { "" },
        );
        std::fs::write(d.join("nginx.conf"), main).unwrap();
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(d)
            .arg("-e")
            .arg(d.join("error.log"))
            .arg("-c")
            .arg(d.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so that stopping it reaches the worker too.
            .process_group(0)
            .spawn()
            .expect("start nginx");
        let n = Nginx {
            dir,
            child,
            https: format!("https://127.0.0.1:{https_port}"),
            http: format!("http://127.0.0.1:{http_port}"),
        };
        n.wait_listening(https_port).await;
        n
    }

    async fn wait_listening(&self, port: u16) {
        let start = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "nginx did not start: {}",
                self.error_log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    pub fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default()
    }

    /// A browser-like client for the site: cookies, no redirects, the site's Origin on every
    /// request, the test certificate accepted, and its own loopback address (`127.0.0.77`) so the
    /// app can be seen to record the client's address rather than nginx's.
    pub fn browser(&self) -> reqwest::Client {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            "origin",
            reqwest::header::HeaderValue::from_str(&self.https).unwrap(),
        );
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(h)
            .danger_accept_invalid_certs(true)
            .local_address(std::net::IpAddr::from([127, 0, 0, 77]))
            .build()
            .unwrap()
    }
}

impl Drop for Nginx {
    /// Stops the master and its worker: SIGTERM to the whole process group (the master then stops
    /// its worker), and SIGKILL to the group if it has not ended within 10 s. Killing only the master
    /// would leave the worker running, and listening, after the suite.
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let signal = |sig: &str| {
            let _ = Command::new("kill")
                .args([sig, "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        };
        signal("-TERM");
        let start = Instant::now();
        while !matches!(self.child.try_wait(), Ok(Some(_)) | Err(_)) {
            if start.elapsed() > Duration::from_secs(10) {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        signal("-KILL");
        let _ = self.child.wait();
    }
}
