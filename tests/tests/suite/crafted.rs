//! Bad input everywhere. Every role of the demo (and an anonymous visitor and a respondent) walks
//! every page it can reach; every POST form found is then sent with crafted values in every field:
//! script and markup, SQL metacharacters, a 60 KB text, control and bidi characters, a number out of
//! range, a spreadsheet formula, invalid UTF-8. Every upload also gets a file named with a path
//! traversal, HTML inside a "PDF", and a body over the size limit.
//!
//! Nothing may answer with a server error. Afterwards every page every role can read must show the
//! crafted text escaped, never as markup; the tables are all still there and the audit chain holds.
//!
//! Left out on purpose: logging out (it would end the walk) and switching accounts on and off (it
//! would lock walkers out); both are covered in web.rs and authz.rs.

#![allow(clippy::unwrap_used)]

use parindex_tests::forms::{Form, links, post_forms};
use parindex_tests::survey::{EmlFolder, open_survey};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use std::collections::{BTreeSet, HashSet, VecDeque};

const MARK: &str = "pwn7";

fn payloads() -> Vec<(&'static str, String)> {
    vec![
        (
            "markup",
            format!("\"'><script>alert('{MARK}')</script><img src=x onerror=alert('{MARK}')>"),
        ),
        ("sql", "x' OR '1'='1'; DROP TABLE users; --".to_string()),
        ("huge", "Ư".repeat(30_000)),
        (
            "controls",
            "\u{0}\u{202E}e\u{301}\u{FEFF}\r\n\t".to_string(),
        ),
        ("number", "-1e309".to_string()),
        (
            "formula",
            "=HYPERLINK(\"http://evil.example\",\"x\")".to_string(),
        ),
    ]
}

/// Markup from the payload that must never reach a page unescaped.
fn unescaped(html: &str) -> Option<&'static str> {
    ["<script>alert('pwn7')", "<img src=x onerror=alert('pwn7')"]
        .into_iter()
        .find(|m| html.contains(m))
}

/// A path with its query left out and its id-like segments (those with a digit: ids, item codes)
/// folded to `{}`, all of them or all but the first.
fn fold(path: &str, keep_first: bool) -> String {
    let mut keep = keep_first;
    path.split('?')
        .next()
        .unwrap_or_default()
        .split('/')
        .map(|seg| {
            if !seg.chars().any(|c| c.is_ascii_digit()) || std::mem::take(&mut keep) {
                seg
            } else {
                "{}"
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A form's route: a handler that shows up once per item or unit is sent crafted input once per
/// walker.
fn shape(action: &str) -> String {
    fold(action, false)
}

/// A page's kind for the walk: like [`shape`], but keeping the first id (the unit or campaign).
fn page_kind(path: &str) -> String {
    fold(path, true)
}

fn skipped(action: &str) -> bool {
    action.starts_with("/logout") || action.ends_with("/active")
}

/// Sends the request `make` builds. A request that got no answer at all (the server closed a
/// kept-alive connection just as it was reused, the race every HTTP/1.1 client meets) is sent once
/// more, as browsers do, and counted; one that gets no answer twice fails the test.
async fn send(
    make: impl Fn() -> reqwest::RequestBuilder,
    retried: &mut usize,
) -> reqwest::Response {
    match make().send().await {
        Ok(r) => r,
        Err(e) if e.is_request() && !e.is_timeout() => {
            *retried += 1;
            make()
                .send()
                .await
                .unwrap_or_else(|e| panic!("no answer, twice: {e}"))
        }
        Err(e) => panic!("{e}"),
    }
}

/// Every page `client` reaches from `starts` by following links (at most `limit`), with its HTML.
async fn walk(
    app: &TestApp,
    client: &reqwest::Client,
    starts: &[String],
    limit: usize,
    retried: &mut usize,
) -> Vec<(String, String)> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut per_shape: std::collections::HashMap<String, usize> = Default::default();
    let mut queue: VecDeque<String> = starts.iter().cloned().collect();
    let mut pages = Vec::new();
    while let Some(path) = queue.pop_front() {
        if pages.len() >= limit || !seen.insert(path.clone()) || path.starts_with("/static/") {
            continue;
        }
        // A few pages of each kind for each unit: not one per item of 97, which would crowd the
        // others out.
        let n = per_shape.entry(page_kind(&path)).or_default();
        *n += 1;
        if *n > 3 {
            continue;
        }
        let r = send(|| client.get(app.url(&path)), retried).await;
        let status = r.status();
        assert!(status.as_u16() < 500, "GET {path}: {status}");
        if status.is_redirection() {
            let to = parindex_tests::app::location(&r);
            if to.starts_with('/') && !seen.contains(&to) {
                queue.push_back(to);
            }
            continue;
        }
        let html = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        if !html {
            continue;
        }
        let body = r.text().await.unwrap();
        for l in links(&body) {
            if !seen.contains(&l) {
                queue.push_back(l);
            }
        }
        pages.push((path, body));
    }
    pages
}

/// A urlencoded body with every field set to `value`.
fn form_body(form: &Form, value: &str) -> Vec<(String, String)> {
    form.fields
        .iter()
        .filter(|f| f.kind != "file")
        .map(|f| (f.name.clone(), value.to_string()))
        .collect()
}

fn multipart(
    form: &Form,
    value: &str,
    file_name: &str,
    content: Vec<u8>,
) -> reqwest::multipart::Form {
    let mut m = reqwest::multipart::Form::new();
    for f in &form.fields {
        m = if f.kind == "file" {
            m.part(
                f.name.clone(),
                reqwest::multipart::Part::bytes(content.clone()).file_name(file_name.to_string()),
            )
        } else {
            m.text(f.name.clone(), value.to_string())
        };
    }
    m
}

async fn every_form_refuses_or_escapes_crafted_input(engine: Engine) {
    let app = spawn_app(engine).await;
    // A respondent's link, so the survey's own pages are walked too.
    open_survey(&app).await;
    let mail = EmlFolder::new(&app);
    mail.deliver().await;
    let link = mail
        .messages()
        .iter()
        .find_map(|m| {
            let text = parindex_tests::email::text_part(m);
            let at = text.find("/s/")?;
            Some(text[at..at + 3 + 64].to_string())
        })
        .expect("an invitation with a link");

    // One response in, detection run and a draft computed: the review and publication forms exist.
    let admin = app.demo_login("moha.admin").await;
    let c = app.campaign_id().await;
    let other = mail
        .messages()
        .iter()
        .filter_map(|m| {
            let text = parindex_tests::email::text_part(m);
            let at = text.find("/s/")?;
            Some(text[at..at + 3 + 64].to_string())
        })
        .find(|l| *l != link)
        .expect("a second invitation");
    assert_eq!(
        parindex_tests::survey::answer_all(&app, &other, |_| "A".into()).await,
        200
    );
    for action in ["integrity/run", "results/compute"] {
        let r = app
            .post(&admin, &format!("/admin/campaigns/{c}/{action}"), &[])
            .await;
        assert_eq!(r.status(), 303, "{action}");
    }
    // The respondent has started, so the questionnaire's pages and the check page are there.
    let respondent = app.client();
    let r = respondent
        .post(app.url(&format!("{link}/start")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let mut walkers: Vec<(String, reqwest::Client, Vec<String>)> = vec![
        (
            "anonymous".into(),
            app.client(),
            vec!["/".into(), "/login".into(), "/results".into(), link.clone()],
        ),
        (
            "respondent".into(),
            respondent,
            vec![
                format!("{link}/page/1"),
                format!("{link}/page/2"),
                format!("{link}/check"),
            ],
        ),
    ];
    for l in parindex::demo::logins() {
        walkers.push((
            l.username.clone(),
            app.demo_login(&l.username).await,
            vec!["/home".into()],
        ));
    }

    // 1. Walk, and collect every form each walker can send.
    let mut forms: Vec<(usize, Form)> = Vec::new();
    let mut keys: BTreeSet<(usize, String)> = BTreeSet::new();
    let mut pages_walked = 0;
    let mut retried = 0;
    for (i, (_, client, starts)) in walkers.iter().enumerate() {
        let pages = walk(&app, client, starts, 400, &mut retried).await;
        pages_walked += pages.len();
        for (path, html) in &pages {
            for f in post_forms(html, path) {
                if skipped(&f.action) || !keys.insert((i, shape(&f.action))) {
                    continue;
                }
                forms.push((i, f));
            }
        }
    }
    let shapes: BTreeSet<String> = forms.iter().map(|(_, f)| shape(&f.action)).collect();

    // 2. Send each form crafted values.
    let mut sent = 0;
    for (i, form) in &forms {
        let (who, client, _) = &walkers[*i];
        let url = app.url(&form.action);
        for (kind, value) in payloads() {
            let make = || {
                if form.multipart {
                    let content = format!("%PDF-1.4\n{value}\n%%EOF\n").into_bytes();
                    client.post(&url).multipart(multipart(
                        form,
                        &value,
                        "../../../../etc/passwd",
                        content,
                    ))
                } else {
                    client.post(&url).form(&form_body(form, &value))
                }
            };
            let r = send(make, &mut retried).await;
            sent += 1;
            assert!(
                r.status().as_u16() < 500,
                "{who}: POST {} with {kind}: {}",
                form.action,
                r.status()
            );
        }
        // Invalid UTF-8 in every field.
        let raw: Vec<String> = form
            .fields
            .iter()
            .map(|f| format!("{}=%FF%FE%C0%AF", f.name))
            .collect();
        let make = || {
            client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(raw.join("&"))
        };
        let r = send(make, &mut retried).await;
        sent += 1;
        assert!(
            r.status().as_u16() < 500,
            "{who}: POST {} with invalid UTF-8: {}",
            form.action,
            r.status()
        );
        if form.multipart {
            // A page of HTML with script, sent as a PDF with a markup name, and a body over the limit.
            let html = format!("<html><script>alert('{MARK}')</script></html>").into_bytes();
            let name = format!("<script>alert('{MARK}')</script>.pdf");
            let make = || {
                client
                    .post(&url)
                    .multipart(multipart(form, "x", &name, html.clone()))
            };
            let r = send(make, &mut retried).await;
            assert!(
                r.status().as_u16() < 500,
                "{who}: {} with HTML: {}",
                form.action,
                r.status()
            );
            // Not kept alive by the client either: what the server leaves unread of it must not
            // meet the next request.
            let r = client
                .post(&url)
                .header("connection", "close")
                .multipart(multipart(
                    form,
                    "x",
                    "big.pdf",
                    vec![b'%'; 11 * 1024 * 1024],
                ))
                .send()
                .await;
            // The server may close the connection before the whole body is sent.
            if let Ok(r) = r {
                assert_eq!(r.status(), 413, "{who}: {} over the limit", form.action);
                assert_eq!(
                    r.headers().get("connection").and_then(|v| v.to_str().ok()),
                    Some("close"),
                    "a connection with an unread body is not reused"
                );
                let text = r.text().await.unwrap();
                assert!(
                    text.contains("quá lớn") || text.contains("too large"),
                    "{text}"
                );
            }
            sent += 2;
        }
    }

    // POST routes whose form the demo's state does not show (a leader's approval of a report sent
    // for approval, removing evidence, the groups upload once a survey is open, …) get the same
    // crafted values straight from the route table, under every field name any form uses, as every
    // walker, with the walker's own unit in the path.
    let names: BTreeSet<String> = forms
        .iter()
        .flat_map(|(_, f)| f.fields.iter().map(|x| x.name.clone()))
        .collect();
    let token = link.trim_start_matches("/s/").to_string();
    let mut unit_of = Vec::new();
    for (who, _, _) in &walkers {
        let code = parindex::demo::logins()
            .into_iter()
            .find(|l| &l.username == who)
            .map(|l| l.unit)
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| "BTP".into());
        unit_of.push(app.unit_id(&code).await);
    }
    let mut by_table = 0;
    for route in parindex_web::route_table().specs() {
        if route.method != reqwest::Method::POST || skipped(route.path) {
            continue;
        }
        let route_shape = route
            .path
            .split('/')
            .map(|seg| if seg.starts_with('{') { "{}" } else { seg })
            .collect::<Vec<_>>()
            .join("/");
        if shapes.contains(&route_shape) {
            continue;
        }
        by_table += 1;
        for (i, (who, client, _)) in walkers.iter().enumerate() {
            let path = route
                .path
                .replace("{campaign}", &c.to_string())
                .replace("{unit}", &unit_of[i].to_string())
                .replace("{code}", "1.1.1")
                .replace("{token}", &token)
                .replace("{page}", "1")
                .replace("{level}", "province")
                .replace("{group}", "hdnd")
                .replace("{year}", "2023")
                .replace("{set}", "1")
                .replace("{user}", "1")
                .replace("{file}", "1")
                .replace("{person}", "1")
                .replace("{invitation}", "1")
                .replace("{key}", "x");
            for (kind, value) in payloads().into_iter().take(2) {
                let body: Vec<(&str, &str)> =
                    names.iter().map(|n| (n.as_str(), value.as_str())).collect();
                let r = send(|| client.post(app.url(&path)).form(&body), &mut retried).await;
                sent += 1;
                assert!(
                    r.status().as_u16() < 500,
                    "{who}: POST {path} (from the route table) with {kind}: {}",
                    r.status()
                );
            }
        }
    }

    // The JSON API: crafted values, wrong types and invalid UTF-8.
    let btp = app.unit_id("BTP").await;
    // The walker's own session: the crafted passwords sent above count as failed logins, so the
    // account (and this address) may be locked out of logging in again by now.
    let officer = walkers
        .iter()
        .find(|(who, _, _)| who == "btp.canbo")
        .map(|(_, c, _)| c.clone())
        .expect("btp.canbo walks");
    let api = app.url(&format!("/api/v1/units/{btp}/self-assessment/leaves/1.1.1"));
    for (kind, value) in payloads() {
        let body = serde_json::json!({ "score": value, "explanation": value });
        let r = officer.post(&api).json(&body).send().await.unwrap();
        assert!(r.status().as_u16() < 500, "API with {kind}: {}", r.status());
        sent += 1;
    }
    for raw in [
        b"{\"score\": [1, 2], \"explanation\": {}}".to_vec(),
        b"{\"score\": \"\xff\xfe\"}".to_vec(),
        b"not json".to_vec(),
    ] {
        let r = officer
            .post(&api)
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap();
        assert!(
            r.status().is_client_error(),
            "API with a broken body: {}",
            r.status()
        );
        sent += 1;
    }

    // 3. Every page every walker can read now shows the crafted text escaped.
    let mut checked = 0;
    for (who, client, starts) in &walkers {
        for (path, html) in walk(&app, client, starts, 400, &mut retried).await {
            checked += 1;
            if let Some(m) = unescaped(&html) {
                panic!("{who}: {path} shows {m} unescaped");
            }
        }
    }
    // The tables are all there and the audit chain holds.
    for table in [
        "users",
        "units",
        "campaigns",
        "audit_log",
        "respondents",
        "sessions",
    ] {
        let sql: &'static str = Box::leak(format!("SELECT COUNT(*) FROM {table}").into_boxed_str());
        assert!(app.db.scalar(sql).await >= 0);
    }
    assert!(app.db.scalar("SELECT COUNT(*) FROM users").await >= 10);
    let v = parindex_db::audit::verify(&app.db).await.unwrap();
    assert!(v.first_break.is_none());
    println!(
        "{engine:?}: {} walkers, {pages_walked} pages walked, {} forms ({} routes; {by_table} more routes from \
         the route table), {sent} crafted requests, 0 server errors; {checked} pages read back, none with \
         markup unescaped; {retried} requests sent again after a kept-alive connection closed",
        walkers.len(),
        forms.len(),
        shapes.len()
    );
}

on_both_engines!(every_form_refuses_or_escapes_crafted_input);
