//! `parindex loadtest run`: the whole respondent path, driven from this process over real HTTP
//! against a running server. Each of `concurrency` workers takes the next prepared respondent and
//! walks their visit in order (landing page, start, each page shown and saved, the check page, the
//! submission) with that respondent's own cookie jar, then takes the next. A respondent counts as
//! completed only when the submission is confirmed: a 303 to the thanks page. Any other answer ends
//! that respondent's visit as a failure. It measures each request and each whole path, and, given
//! the server's process id, the CPU the server used while it ran.

use anyhow::{Context, bail};
use reqwest::header::{CONTENT_TYPE, COOKIE, HeaderValue, LOCATION, SET_COOKIE};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One request of a visit, as `loadtest prepare` wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub post: bool,
    pub path: String,
    pub body: String,
}

/// The prepared visits: one respondent's requests a block, blocks apart by a blank line.
pub fn parse_visits(text: &str) -> anyhow::Result<Vec<Vec<Step>>> {
    let mut visits = Vec::new();
    let mut current = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                visits.push(std::mem::take(&mut current));
            }
            continue;
        }
        let mut parts = line.splitn(3, '\t');
        let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
            bail!("line {}: expected METHOD<TAB>PATH<TAB>BODY", n + 1);
        };
        let post = match method {
            "GET" => false,
            "POST" => true,
            other => bail!("line {}: unknown method {other}", n + 1),
        };
        current.push(Step {
            post,
            path: path.to_string(),
            body: parts.next().unwrap_or("").to_string(),
        });
    }
    if !current.is_empty() {
        visits.push(current);
    }
    Ok(visits)
}

/// What one run measured.
#[derive(Debug, Default)]
pub struct Outcome {
    pub completed: usize,
    pub failed: usize,
    pub requests: usize,
    pub wall: Duration,
    /// Each request's time, in microseconds, sorted.
    pub request_us: Vec<u64>,
    /// Each completed respondent's whole path, in microseconds, sorted.
    pub path_us: Vec<u64>,
    /// When each respondent completed, in whole seconds from the start.
    pub done_at_s: Vec<u64>,
    /// The server's CPU seconds (user, system) over the run, when its process id was given.
    pub server_cpu: Option<(f64, f64)>,
    /// This process's CPU seconds (user, system) over the run.
    pub client_cpu: Option<(f64, f64)>,
    /// The first few failures, as "METHOD path → status".
    pub failures: Vec<String>,
}

/// The value at quantile `q` (0–1) of sorted `v`, in milliseconds.
pub fn quantile_ms(v: &[u64], q: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let i = ((v.len() - 1) as f64 * q).round() as usize;
    v[i.min(v.len() - 1)] as f64 / 1000.0
}

impl Outcome {
    pub fn report(&self, concurrency: usize) -> String {
        let secs = self.wall.as_secs_f64().max(f64::MIN_POSITIVE);
        let cores = |cpu: Option<(f64, f64)>| match cpu {
            Some((u, s)) => format!(
                "{:.2} cores ({:.2} user, {:.2} system)",
                (u + s) / secs,
                u / secs,
                s / secs
            ),
            None => "not measured (no --server-pid)".to_string(),
        };
        let mut out = format!(
            "whole respondent path, {concurrency} concurrent, {:.1} s\n\
             completed: {} respondents, {:.1}/s (failed: {})\n\
             requests: {}, {:.1}/s; p50 {:.2} ms, p99 {:.2} ms\n\
             whole path per respondent: p50 {:.1} ms, p99 {:.1} ms\n\
             server CPU: {}\n\
             client CPU: {}\n",
            secs,
            self.completed,
            self.completed as f64 / secs,
            self.failed,
            self.requests,
            self.requests as f64 / secs,
            quantile_ms(&self.request_us, 0.5),
            quantile_ms(&self.request_us, 0.99),
            quantile_ms(&self.path_us, 0.5),
            quantile_ms(&self.path_us, 0.99),
            cores(self.server_cpu),
            cores(self.client_cpu),
        );
        let minutes = per_minute(&self.done_at_s, self.wall);
        if minutes.len() > 1 {
            let rates: Vec<String> = minutes
                .iter()
                .map(|n| format!("{:.1}", *n as f64 / 60.0))
                .collect();
            out.push_str(&format!(
                "completed a second, minute by minute: {}\n",
                rates.join(", ")
            ));
        }
        for f in &self.failures {
            out.push_str(&format!("failure: {f}\n"));
        }
        out
    }
}

/// Completions in each whole minute of a run that lasted `wall` (a last, partial minute left out),
/// to see whether throughput drifts.
pub fn per_minute(done_at_s: &[u64], wall: Duration) -> Vec<usize> {
    let mut minutes = vec![0usize; (wall.as_secs() / 60) as usize];
    for s in done_at_s {
        if let Some(m) = minutes.get_mut((s / 60) as usize) {
            *m += 1;
        }
    }
    minutes
}

/// A process's CPU seconds so far (user, system), from `/proc/PID/stat`.
fn cpu_seconds(pid: &str) -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: count fields after its end.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // Linux reports them in USER_HZ, which is 100 on every architecture it supports.
    Some((ticks(11)? / 100.0, ticks(12)? / 100.0))
}

/// One respondent's cookies, as a browser would keep them for the site.
#[derive(Default)]
struct Jar(Vec<(String, String)>);

impl Jar {
    fn take(&mut self, res: &reqwest::Response) {
        for v in res.headers().get_all(SET_COOKIE) {
            let Some((name, value)) = v
                .to_str()
                .ok()
                .and_then(|s| s.split(';').next())
                .and_then(|p| p.split_once('='))
            else {
                continue;
            };
            self.0.retain(|(n, _)| n != name);
            if !value.is_empty() {
                self.0.push((name.to_string(), value.to_string()));
            }
        }
    }

    fn header(&self) -> Option<HeaderValue> {
        if self.0.is_empty() {
            return None;
        }
        let s: Vec<String> = self.0.iter().map(|(n, v)| format!("{n}={v}")).collect();
        HeaderValue::from_str(&s.join("; ")).ok()
    }
}

#[derive(Default)]
struct Tally {
    completed: usize,
    failed: usize,
    requests: usize,
    request_us: Vec<u64>,
    path_us: Vec<u64>,
    done_at_s: Vec<u64>,
    failures: Vec<String>,
}

/// Walks one visit; true when its submission was confirmed.
async fn walk(
    client: &reqwest::Client,
    base: &str,
    visit: &[Step],
    t: &mut Tally,
) -> Result<bool, String> {
    let mut jar = Jar::default();
    let mut confirmed = false;
    for step in visit {
        let url = format!("{base}{}", step.path);
        let mut req = if step.post {
            client
                .post(&url)
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(step.body.clone())
        } else {
            client.get(&url)
        };
        if let Some(c) = jar.header() {
            req = req.header(COOKIE, c);
        }
        let start = Instant::now();
        let res = req.send().await.map_err(|e| format!("{url}: {e}"))?;
        let status = res.status();
        jar.take(&res);
        let location = res
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok())
            .map(str::to_string);
        // The body is part of the request's time, as for a browser.
        res.bytes().await.map_err(|e| format!("{url}: {e}"))?;
        t.requests += 1;
        t.request_us
            .push(u64::try_from(start.elapsed().as_micros()).unwrap_or(u64::MAX));
        if !(status.is_success() || status.is_redirection()) {
            let method = if step.post { "POST" } else { "GET" };
            return Err(format!("{method} {} → {status}", step.path));
        }
        if step.post && step.path.ends_with("/submit") {
            confirmed = status == reqwest::StatusCode::SEE_OTHER
                && location.is_some_and(|l| l.ends_with("/thanks"));
        }
    }
    Ok(confirmed)
}

/// Drives the visits in `file` against the server at `base` with `concurrency` workers, until every
/// visit is walked or `duration` has passed (visits under way are finished).
pub async fn run(
    base: &str,
    file: &Path,
    concurrency: usize,
    duration: Duration,
    server_pid: Option<u32>,
) -> anyhow::Result<Outcome> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let visits = Arc::new(parse_visits(&text)?);
    if visits.is_empty() {
        bail!("{} holds no visit", file.display());
    }
    let base = base.trim_end_matches('/').to_string();
    let next = Arc::new(AtomicUsize::new(0));
    let server = server_pid.map(|p| p.to_string());
    let server_before = server.as_deref().and_then(cpu_seconds);
    let client_before = cpu_seconds("self");
    let start = Instant::now();
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency.max(1) {
        let (visits, next, base) = (visits.clone(), next.clone(), base.clone());
        workers.push(tokio::spawn(async move {
            // One connection per worker, kept alive between its requests like a browser's.
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .pool_max_idle_per_host(1)
                .build()?;
            let mut t = Tally::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= visits.len() || start.elapsed() >= duration {
                    break;
                }
                let began = Instant::now();
                match walk(&client, &base, &visits[i], &mut t).await {
                    Ok(true) => {
                        t.completed += 1;
                        t.path_us
                            .push(u64::try_from(began.elapsed().as_micros()).unwrap_or(u64::MAX));
                        t.done_at_s.push(start.elapsed().as_secs());
                    }
                    Ok(false) => {
                        t.failed += 1;
                        if t.failures.len() < 5 {
                            t.failures
                                .push(format!("visit {i}: the submission was not confirmed"));
                        }
                    }
                    Err(e) => {
                        t.failed += 1;
                        if t.failures.len() < 5 {
                            t.failures.push(e);
                        }
                    }
                }
            }
            anyhow::Ok(t)
        }));
    }
    let mut out = Outcome::default();
    for w in workers {
        let t = w.await??;
        out.completed += t.completed;
        out.failed += t.failed;
        out.requests += t.requests;
        out.request_us.extend(t.request_us);
        out.path_us.extend(t.path_us);
        out.done_at_s.extend(t.done_at_s);
        for f in t.failures {
            if out.failures.len() < 5 {
                out.failures.push(f);
            }
        }
    }
    out.wall = start.elapsed();
    let used = |before: Option<(f64, f64)>, after: Option<(f64, f64)>| {
        before
            .zip(after)
            .map(|((u0, s0), (u1, s1))| (u1 - u0, s1 - s0))
    };
    out.server_cpu = used(server_before, server.as_deref().and_then(cpu_seconds));
    out.client_cpu = used(client_before, cpu_seconds("self"));
    out.request_us.sort_unstable();
    out.path_us.sort_unstable();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_count_per_whole_minute() {
        let done = [0, 59, 60, 61, 119, 150, 185];
        assert_eq!(per_minute(&done, Duration::from_secs(185)), [2, 3, 1]);
        assert!(per_minute(&done, Duration::from_secs(59)).is_empty());
    }

    #[test]
    fn visits_are_blocks_of_requests() {
        let v = parse_visits("GET\t/s/a\t\nPOST\t/s/a/page/1\tq_1=x\n\nGET\t/s/b\t\n").expect("ok");
        assert_eq!(v.len(), 2);
        assert_eq!(
            v[0][1],
            Step {
                post: true,
                path: "/s/a/page/1".into(),
                body: "q_1=x".into()
            }
        );
        assert!(parse_visits("PUT\t/x\t\n").is_err());
    }

    #[test]
    fn quantiles_of_sorted_microseconds() {
        let v: Vec<u64> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(quantile_ms(&v, 0.5), 51.0);
        assert_eq!(quantile_ms(&v, 0.99), 99.0);
        assert_eq!(quantile_ms(&[], 0.5), 0.0);
    }

    #[test]
    fn this_process_has_cpu_seconds() {
        assert!(cpu_seconds("self").is_some());
    }
}
