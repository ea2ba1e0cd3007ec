//! The authorization matrix: every route in the route table × every role × own unit / other unit.
//! The route table declares each route's rule; the handlers enforce it through their extractors. This
//! test fails when the two disagree, and a new route joins the matrix by being in the table.

#![allow(clippy::unwrap_used)]

use parindex_domain::UserId;

use parindex_db::Ctx;
use parindex_db::users::{self, NewUser};
use parindex_domain::Role;
use parindex_domain::UnitId;
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use parindex_web::{Access, route_table};
use reqwest::StatusCode;

#[derive(Debug, Clone)]
struct Who {
    label: &'static str,
    user_id: Option<UserId>,
    role: Option<Role>,
    unit: Option<UnitId>,
}

fn expected(access: Access, who: &Who, target_unit: Option<UnitId>) -> bool {
    parindex_tests::access::allowed(access, who.role, who.unit, target_unit)
}

async fn fresh_cookie(app: &TestApp, who: &Who) -> Option<String> {
    Some(parindex_tests::access::session_cookie(app, who.user_id?).await)
}

async fn every_route_answers_every_role_as_declared(engine: Engine) {
    let app = spawn_app(engine).await;
    let own = app.unit_id("BTP").await;
    let other = app.unit_id("QNI").await;
    let campaign = app.campaign_id().await;
    let ctx = Ctx::system(0);
    let victim = users::create(
        &app.db,
        &ctx,
        &NewUser {
            username: "qni.victim".into(),
            full_name: "Người Bị Thử".into(),
            email: "victim@quangninh.gov.vn".into(),
            role: parindex_domain::Role::UnitViewer,
            unit_id: Some(other),
            password_hash: "x".into(),
            must_change_password: false,
        },
    )
    .await
    .unwrap();
    let id_of = |name: &'static str| {
        let db = app.db.db.clone();
        async move { users::by_username(&db, name).await.unwrap().unwrap().id }
    };
    let people = vec![
        Who {
            label: "anonymous",
            user_id: None,
            role: None,
            unit: None,
        },
        Who {
            label: "moha_admin",
            user_id: Some(id_of("moha.admin").await),
            role: Some(Role::MohaAdmin),
            unit: None,
        },
        Who {
            label: "moha_appraiser",
            user_id: Some(id_of("moha.thamdinh").await),
            role: Some(Role::MohaAppraiser),
            unit: None,
        },
        Who {
            label: "unit_officer",
            user_id: Some(id_of("btp.canbo").await),
            role: Some(Role::UnitOfficer),
            unit: Some(own),
        },
        Who {
            label: "unit_leader",
            user_id: Some(id_of("btp.lanhdao").await),
            role: Some(Role::UnitLeader),
            unit: Some(own),
        },
        Who {
            label: "unit_viewer",
            user_id: Some(id_of("btp.xem").await),
            role: Some(Role::UnitViewer),
            unit: Some(own),
        },
    ];
    let a_set = parindex_db::criteria_sets::list(&app.db).await.unwrap()[0].id;
    let table = route_table();
    let mut seen = std::collections::HashSet::new();
    let mut checked = 0;
    let mut failures = Vec::new();
    let client = app.client();
    let other_name = "Tỉnh Quảng Ninh";
    for spec in table.specs() {
        assert!(
            seen.insert((spec.method.clone(), spec.path)),
            "{} {} is in the table twice",
            spec.method,
            spec.path
        );
        let targets: Vec<Option<UnitId>> = if spec.path.contains("{unit}") {
            vec![Some(own), Some(other)]
        } else {
            vec![None]
        };
        for target in targets {
            let path = parindex_tests::access::fill_path(
                spec.path,
                &[
                    ("{unit}", target.map(|t| t.to_string()).unwrap_or_default()),
                    ("{campaign}", campaign.to_string()),
                    ("{user}", victim.id.to_string()),
                    ("{set}", a_set.to_string()),
                    ("{file}", "1".into()),
                    ("{person}", "1".into()),
                    ("{invitation}", "1".into()),
                ],
            );
            for who in &people {
                let mut req = client.request(spec.method.clone(), app.url(&path));
                if let Some(cookie) = fresh_cookie(&app, who).await {
                    req = req.header("cookie", cookie);
                }
                if spec.method == reqwest::Method::POST {
                    req = req
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("");
                }
                let r = req.send().await.unwrap();
                let status = r.status();
                let loc = parindex_tests::app::location(&r);
                let body = r.text().await.unwrap_or_default();
                let allowed = expected(spec.access, who, target);
                // A refusal sends the browser to exactly /login (or /login?next=…); a logout's /login?done=… is not one.
                let sent_to_login = status == StatusCode::SEE_OTHER
                    && (loc == "/login" || loc.starts_with("/login?next="))
                    && spec.path != "/";
                let refused = status == StatusCode::FORBIDDEN
                    || status == StatusCode::UNAUTHORIZED
                    || sent_to_login;
                let unit_scoped = target == Some(other);
                let ok = if allowed {
                    !refused && status.as_u16() < 500
                } else if who.role.is_none() || spec.access == Access::SecondStep {
                    if spec.path.starts_with("/api/") {
                        status == StatusCode::UNAUTHORIZED
                    } else {
                        sent_to_login
                    }
                } else {
                    status == StatusCode::FORBIDDEN && !(unit_scoped && body.contains(other_name))
                };
                if !ok {
                    failures.push(format!(
                        "{} {} as {} (unit {:?}): expected {}, got {} {}",
                        spec.method,
                        path,
                        who.label,
                        target,
                        if allowed { "access" } else { "refusal" },
                        status,
                        loc
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "authorization matrix failures:\n{}",
        failures.join("\n")
    );
    assert!(checked > 200, "only {checked} cases");
}

on_both_engines!(every_route_answers_every_role_as_declared);

#[test]
fn every_unit_scoped_route_names_its_unit_in_the_path() {
    for spec in route_table().specs() {
        if matches!(
            spec.access,
            Access::UnitReader | Access::UnitOfficer | Access::UnitLeader
        ) {
            assert!(
                spec.path.contains("{unit}"),
                "{} {} is unit-scoped but has no {{unit}} segment",
                spec.method,
                spec.path
            );
        }
    }
}
