//! The action matrix: every state-changing route (every POST and PUT in the route table), sent straight to
//! the route as an attacker would, whatever the page offers, with a form that fills every field the
//! pages use, by every role (anonymous, MoHA administrator and appraiser, and the officers, leaders
//! and viewers of units at every stage of the demo), against their own unit and others, in three
//! states of the campaign: as seeded, after a first sweep of every allowed action has moved it on,
//! and after every deadline has passed. A MoHA administrator who has given the password but not yet
//! the second factor is one more actor: such a browser may reach only the second step, and is a
//! stranger everywhere else.
//!
//! What it checks for each case:
//! - the route answers as its declared access rule says (refused: 403, or 401/the login page when
//!   signed out), and never with a server error;
//! - **a refused request changes nothing**: whatever the reason (role, other unit, state, deadline,
//!   bad input), an answer of 4xx or a redirect to the login page leaves every table's row count and
//!   the audit log's head as they were. Every change writes an audit entry in its own transaction,
//!   so the head moves with any change the counts would miss.

#![allow(clippy::unwrap_used)]

use parindex_domain::UserId;

use parindex_db::users;
use parindex_domain::Role;
use parindex_domain::UnitId;
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app, table_counts};
use parindex_web::route_table;
use reqwest::{Method, StatusCode};

struct Actor {
    username: &'static str,
    role: Option<Role>,
    unit: Option<UnitId>,
    user_id: Option<UserId>,
    /// Signed in with the password only: the second factor is still to come.
    pending: bool,
}

/// A `Cookie` header for a session of `user_id` that has given its password but not its second
/// factor yet, as the login page leaves it.
async fn pending_cookie(app: &TestApp, user_id: UserId) -> String {
    let token = parindex_domain::token::generate().unwrap();
    let now = parindex_domain::Clock::now_ms(&app.clock);
    parindex_db::second_factors::start(
        &app.db,
        &parindex_db::Ctx::system(now),
        &parindex_domain::token::hash(&token),
        user_id,
        now + 600_000,
        &parindex_domain::second_factor::TotpSecret::generate().unwrap(),
    )
    .await
    .unwrap();
    format!("parindex_session={token}")
}

/// A form with every field the pages post, each with a value the handlers accept.
fn kitchen_sink(unit: UnitId) -> Vec<(&'static str, String)> {
    let unit = unit.to_string();
    [
        ("confirm", "yes"),
        ("decision", "accept"),
        ("outcome", "clear"),
        ("verdict", "agree"),
        ("comment", "Thử nghiệm ma trận hành động"),
        ("reason", "Lý do thử nghiệm"),
        ("responsible", "Người chịu trách nhiệm"),
        ("explanation", "Giải thích thử nghiệm"),
        ("note", "Ghi chú"),
        ("text", "Nội dung"),
        ("score", "1"),
        ("email", "thu.nghiem@moj.gov.vn"),
        ("password", parindex::demo::DEMO_PASSWORD),
        ("name_vi", "Tên thử"),
        ("name_en", "Test name"),
        ("code", "ZZ9"),
        ("level", "province"),
        ("group", "hdnd"),
        ("role", "unit_viewer"),
        ("kind", "other"),
        ("action", "approve"),
        ("active", "on"),
        ("lang", "vi"),
        ("next", "/home"),
        ("reference", "Số 1/2023"),
        ("legal_basis", "Quyết định số 876/QĐ-BNV"),
        ("stand_in", "on"),
        ("tier_a", "0.5"),
        ("tier_b", "0.3"),
        ("tier_c", "0.2"),
        ("rounding", "half_up"),
        ("averaging", "mean"),
        ("units_see_draft", "on"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .chain([("unit", unit.clone()), ("unit_id", unit)])
    .collect()
}

/// The JSON body of a whole-resource replacement (the API's respondent list): one person the
/// checks accept for any unit of the demo.
fn replacement(unit: UnitId) -> serde_json::Value {
    serde_json::json!({ "people": [{
        "full_name": "Người Thử Ma Trận",
        "position": "Chuyên viên",
        "organisation": format!("Đơn vị {unit}"),
        "group_code": "hdnd",
        "email": "thu.nghiem@moj.gov.vn",
    }]})
}

/// What must not move when a request is refused: the audit head, and every table's row count (one
/// query). Sessions (the test signing in) and failed logins are not changes to the campaign.
async fn fingerprint(app: &TestApp, counts_sql: &str) -> (i64, String, String) {
    let (seq, hash) = parindex_db::audit::head(&app.db).await.unwrap();
    (seq, hash, app.db.text(counts_sql).await)
}

/// One query that lists every table's row count.
async fn counts_query(app: &TestApp) -> String {
    let parts: Vec<String> = table_counts(&app.db)
        .await
        .into_keys()
        .filter(|t| t != "sessions" && t != "login_failures")
        .map(|t| format!("CAST((SELECT COUNT(*) FROM \"{t}\") AS TEXT)"))
        .collect();
    format!("SELECT {} AS counts", parts.join(" || ',' || "))
}

/// A real object of `unit` for each kind of id in a path, where the unit has one (else 1).
async fn ids(app: &TestApp, unit: UnitId) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (key, table) in [
        ("{invitation}", "survey_invitations"),
        ("{person}", "respondents"),
        ("{file}", "evidence_files"),
    ] {
        let sql = format!("SELECT COALESCE(MIN(id), 1) FROM {table} WHERE unit_id = {unit}");
        out.push((key, app.db.scalar(&sql).await.to_string()));
    }
    out
}

async fn every_action_as_every_role_in_every_state_changes_nothing_when_refused(engine: Engine) {
    let app = spawn_app(engine).await;
    let campaign = app.campaign_id().await;
    let victim = users::by_username(&app.db, "qni.xem")
        .await
        .unwrap()
        .unwrap()
        .id;
    let a_set = parindex_db::criteria_sets::list(&app.db).await.unwrap()[0].id;
    let mut actors = vec![Actor {
        username: "anonymous",
        role: None,
        unit: None,
        user_id: None,
        pending: false,
    }];
    for l in parindex::demo::logins() {
        let u = users::by_username(&app.db, &l.username)
            .await
            .unwrap()
            .unwrap();
        actors.push(Actor {
            username: Box::leak(l.username.into_boxed_str()),
            role: Some(u.role),
            unit: u.unit_id,
            user_id: Some(u.id),
            pending: false,
        });
    }
    for (username, id) in [("moha.admin (password only)", "moha.admin")] {
        let u = users::by_username(&app.db, id).await.unwrap().unwrap();
        actors.push(Actor {
            username,
            role: Some(u.role),
            unit: None,
            user_id: Some(u.id),
            pending: true,
        });
    }
    let btp = app.unit_id("BTP").await;
    let qni = app.unit_id("QNI").await;
    let ubdt = app.unit_id("UBDT").await;
    let posts: Vec<_> = route_table()
        .specs()
        .iter()
        .filter(|s| s.method == Method::POST || s.method == Method::PUT)
        .cloned()
        .collect();
    assert!(posts.len() > 40, "{} POST routes", posts.len());
    let client = app.client();
    let (mut cases, mut refused, mut failures) = (0usize, 0usize, Vec::new());
    let counts_sql = counts_query(&app).await;
    let states = ["as seeded", "after a first sweep", "after every deadline"];
    for (i, state) in states.iter().enumerate() {
        if i == 2 {
            app.clock.set(time::macros::datetime!(2024-03-01 09:00 UTC));
        }
        for spec in &posts {
            for a in &actors {
                let targets: Vec<Option<UnitId>> = match (spec.path.contains("{unit}"), a.unit) {
                    (false, _) => vec![None],
                    (true, Some(own)) => {
                        vec![Some(own), Some(if own == qni { btp } else { qni })]
                    }
                    (true, None) => vec![Some(btp), Some(qni), Some(ubdt)],
                };
                for target in targets {
                    let unit = target.unwrap_or(btp);
                    let mut values = vec![
                        ("{unit}", unit.to_string()),
                        ("{campaign}", campaign.to_string()),
                        ("{user}", victim.to_string()),
                        ("{set}", a_set.to_string()),
                    ];
                    values.extend(ids(&app, unit).await);
                    let path = parindex_tests::access::fill_path(spec.path, &values);
                    let mut req = client.request(spec.method.clone(), app.url(&path));
                    req = if spec.method == Method::PUT {
                        req.json(&replacement(unit))
                    } else {
                        req.form(&kitchen_sink(unit))
                    };
                    if let Some(id) = a.user_id {
                        let cookie = if a.pending {
                            pending_cookie(&app, id).await
                        } else {
                            parindex_tests::access::session_cookie(&app, id).await
                        };
                        req = req.header("cookie", cookie);
                    }
                    let before = fingerprint(&app, &counts_sql).await;
                    let r = req.send().await.unwrap();
                    let status = r.status();
                    let loc = parindex_tests::app::location(&r);
                    cases += 1;
                    let to_login = status == StatusCode::SEE_OTHER
                        && (loc == "/login" || loc.starts_with("/login?next="));
                    // A pending session may give its second factor; elsewhere it is signed out.
                    let may = if a.pending {
                        matches!(
                            spec.access,
                            parindex_web::Access::SecondStep | parindex_web::Access::Public
                        )
                    } else {
                        parindex_tests::access::allowed(spec.access, a.role, a.unit, target)
                    };
                    let what = format!(
                        "{state}: POST {path} as {} (unit {target:?}) → {status} {loc}",
                        a.username
                    );
                    if status.is_server_error() {
                        failures.push(format!("{what}: a server error"));
                    }
                    let refusal = status == StatusCode::FORBIDDEN
                        || status == StatusCode::UNAUTHORIZED
                        || to_login;
                    if !may && !refusal {
                        failures.push(format!("{what}: expected a refusal"));
                    }
                    if status.is_client_error() || to_login {
                        refused += 1;
                        if fingerprint(&app, &counts_sql).await != before {
                            failures.push(format!("{what}: refused, but the database changed"));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} action-matrix failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let summary = format!(
        "{engine:?}: action matrix: {} POST and PUT actions × {} states × {} roles and accounts = {cases} cases \
         (with own and other units); {refused} refused, each leaving the database unchanged",
        posts.len(),
        states.len(),
        actors.len(),
    );
    println!("{summary}");
    // scripts/test.sh prints this in the suite's summary.
    std::fs::write(
        format!(
            "{}/action-matrix-{engine:?}.txt",
            env!("CARGO_TARGET_TMPDIR")
        ),
        format!("{summary}\n"),
    )
    .unwrap();
    assert!(cases > 3_000, "{cases}");
}

on_both_engines!(every_action_as_every_role_in_every_state_changes_nothing_when_refused);
