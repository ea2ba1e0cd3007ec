//! The index in the product, on SQLite and PostgreSQL: respondents answer through the real pages,
//! MoHA imports a SIPAS figure (a bad file changes nothing), computes a draft whose survey points
//! are checked against a hand computation, lets the unit see its draft, publishes with a confirmation
//! (refused without it, and refused for a draft that changed meanwhile), and publishes again after
//! more answers: the first version stays frozen and recomputes exactly from its stored inputs.

#![allow(clippy::unwrap_used)]

use parindex_db::{Ctx, results, scoring_inputs};
use parindex_domain::CampaignId;
use parindex_domain::Points;
use parindex_domain::appraisal::final_score;
use parindex_domain::criteria::Method;
use parindex_domain::scoring::{compute_campaign, leaf_points};
use parindex_tests::app::{location, visible_text};
use parindex_tests::email::survey_path;
use parindex_tests::survey::{EmlFolder, answer_all, open_survey};
use parindex_tests::{Engine, TestApp, on_both_engines, spawn_app};
use reqwest::StatusCode;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

mod bootstrap;
mod demo_2025;
mod loading;
mod year_two;

/// Publishes the draft with `hash` as the administrator would, confirmed; panics if refused.
async fn publish_as_admin(app: &TestApp, campaign_id: CampaignId, hash: &str) -> i64 {
    let req = parindex_domain::scoring::publish::Request {
        role: parindex_domain::Role::MohaAdmin,
        reviewed_hash: hash,
        confirmed: true,
        acknowledged: false,
    };
    parindex_db::publication::publish(&app.db, &Ctx::system(0), campaign_id, &req, "")
        .await
        .unwrap()
        .unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

async fn upload_figures(
    app: &TestApp,
    admin: &reqwest::Client,
    c: CampaignId,
    csv: &str,
) -> reqwest::Response {
    admin
        .post(app.url(&format!("/admin/campaigns/{c}/results/figures")))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("sipas.csv"),
        ))
        .send()
        .await
        .unwrap()
}

/// (group, value) of each respondent who answered, by survey leaf: a hand computation of equal
/// group means. A = 1.00, C = 0.20, E = don't know (left out).
fn expected_points(
    set: &parindex_domain::survey::QuestionnaireSet,
    answered: &[(String, Option<Decimal>)],
    leaf: &str,
    max: Decimal,
) -> Decimal {
    let mut groups: BTreeMap<&str, Vec<Decimal>> = BTreeMap::new();
    for (group, value) in answered {
        let feeds = set
            .for_group(group)
            .is_some_and(|q| q.questions.iter().any(|x| x.leaf == leaf));
        if let (true, Some(v)) = (feeds, value) {
            groups.entry(group).or_default().push(*v);
        }
    }
    if groups.is_empty() {
        return Decimal::ZERO;
    }
    use parindex_domain::scoring::exact::{Exact, from_decimal, from_int};
    let mean = |v: Vec<Exact>| {
        let n = from_int(v.len() as i64);
        v.into_iter().fold(from_int(0), |s, x| s + x) / n
    };
    let means: Vec<Exact> = groups
        .values()
        .map(|v| mean(v.iter().map(|d| from_decimal(*d)).collect()))
        .collect();
    leaf_points(&mean(means), max)
}

async fn from_answers_to_a_published_index(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    let agg = app.unit_id("AGG").await;
    let admin = app.demo_login("moha.admin").await;
    let officer = app.demo_login("agg.canbo").await;
    let anonymous = app.client();

    // Nothing is public and the unit sees nothing before anything is computed.
    assert_eq!(
        app.get(&anonymous, "/results/2023").await.status(),
        StatusCode::NOT_FOUND
    );
    let none = app.get(&officer, &format!("/unit/{agg}/results")).await;
    assert_eq!(none.status(), StatusCode::OK);
    assert!(none.text().await.unwrap().contains("card-none"));

    // Three respondents of An Giang answer through the real pages: all A, all C, all "don't know".
    open_survey(&app).await;
    let folder = EmlFolder::new(&app);
    folder.deliver().await;
    let links: Vec<String> = folder
        .messages()
        .iter()
        .filter_map(|m| survey_path(m))
        .collect();
    assert!(links.len() >= 4);
    let set = parindex_db::questionnaires::get(&app.db, c, "province")
        .await
        .unwrap()
        .unwrap();
    let mut answered = Vec::new();
    for (link, option, value) in [
        (&links[0], "A", Some(d("1.00"))),
        (&links[1], "C", Some(d("0.20"))),
        (&links[2], "E", None),
    ] {
        assert_eq!(
            answer_all(&app, link, |_| option.to_string()).await,
            StatusCode::OK
        );
        let view = parindex_db::survey::by_token(&app.db, link.trim_start_matches("/s/"))
            .await
            .unwrap()
            .unwrap();
        answered.push((view.group_code, value));
    }

    // A bad figures file is refused with its row and column, and nothing is stored.
    let bad = upload_figures(
        &app,
        &admin,
        c,
        "unit,item,value\nAGG,8.4.3,120\nXXX,8.4.3,50\n",
    )
    .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = visible_text(&bad.text().await.unwrap());
    assert!(text.contains("Dòng 2, cột C"), "{text}");
    assert!(text.contains("Dòng 3, cột A"), "{text}");
    assert!(
        results::imported_figures(&app.db, c)
            .await
            .unwrap()
            .is_empty()
    );
    let ok = upload_figures(
        &app,
        &admin,
        c,
        "unit,item,value,source\nAGG,8.4.3,\"82,66\",SIPAS 2023\n",
    )
    .await;
    assert_eq!(
        ok.status(),
        StatusCode::SEE_OTHER,
        "{}",
        ok.text().await.unwrap()
    );

    // Only MoHA's administrator computes; the draft's survey points match the hand computation.
    let appraiser = app.demo_login("moha.thamdinh").await;
    assert_eq!(
        app.post(
            &appraiser,
            &format!("/admin/campaigns/{c}/results/compute"),
            &[]
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{c}/results/compute"),
            &[],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/campaigns/{c}/results?version=0&done=results-computed")
    );
    let (_, draft) = results::result(&app.db, c, 0).await.unwrap().unwrap();
    let province = draft.level(parindex_domain::Level::Province).unwrap();
    let agg_result = province.unit("AGG").unwrap();
    let criteria = parindex_db::criteria_sets::pinned(&app.db, c)
        .await
        .unwrap();
    let pset = criteria
        .iter()
        .find(|(l, _)| *l == parindex_domain::Level::Province)
        .unwrap();
    let tree = parindex_db::criteria_sets::tree(&app.db, pset.1.id)
        .await
        .unwrap();
    let mut survey_total = Decimal::ZERO;
    for leaf in tree.leaves() {
        let n = agg_result.node(&leaf.code).unwrap();
        match leaf.method {
            Some(Method::Survey) => {
                let want = expected_points(&set, &answered, &leaf.code, leaf.max.decimal());
                assert_eq!(n.points, want, "leaf {}", leaf.code);
                survey_total += want;
            }
            // SIPAS 82.66% of 5.00 = 4.133 → 4.13.
            Some(Method::Imported) => assert_eq!(n.points, d("4.13")),
            // AGG's report is approved but not submitted: its self scores do not count yet.
            _ => assert_eq!(n.points, Decimal::ZERO, "leaf {}", leaf.code),
        }
    }
    assert!(survey_total > Decimal::ZERO);
    assert_eq!(agg_result.total, survey_total + d("4.13"));
    assert_eq!(
        agg_result.index,
        parindex_domain::scoring::index(agg_result.total, d("100"))
    );

    // The unit sees its draft only once MoHA allows it.
    let none = app.get(&officer, &format!("/unit/{agg}/results")).await;
    assert!(none.text().await.unwrap().contains("card-none"));
    let settings = [
        ("averaging", "equal"),
        ("weights", ""),
        ("cancelled", "zero"),
        ("rounding", "half_up"),
        ("tier_a", "90"),
        ("tier_b", "80"),
        ("tier_c", "70"),
        ("units_see_draft", "yes"),
    ];
    let bad_tiers: Vec<(&str, &str)> = settings
        .iter()
        .map(|&(k, v)| if k == "tier_b" { (k, "95") } else { (k, v) })
        .collect();
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{c}/results/settings"),
            &bad_tiers,
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!results::settings(&app.db, c).await.unwrap().1);
    let r = app
        .post(
            &admin,
            &format!("/admin/campaigns/{c}/results/settings"),
            &settings,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let card = app.get(&officer, &format!("/unit/{agg}/results")).await;
    let card = card.text().await.unwrap();
    assert!(card.contains("card-draft"), "the draft note is shown");
    assert!(card.contains(&agg_result.index.to_string().replace('.', ",")));
    // Another unit's officer cannot read An Giang's card.
    let other = app.demo_login("btp.canbo").await;
    assert_eq!(
        app.get(&other, &format!("/unit/{agg}/results"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // Until a version is public, MoHA's page offers no link to a public page that does not exist.
    let moha_page = app
        .get(&admin, &format!("/admin/campaigns/{c}/results"))
        .await;
    assert!(
        !moha_page
            .text()
            .await
            .unwrap()
            .contains("id=\"res-public-link\"")
    );

    // Publishing needs the confirmation and the draft that was reviewed.
    let hash = draft.input_hash.clone();
    let path = format!("/admin/campaigns/{c}/results/publish");
    let r = app.post(&admin, &path, &[("hash", hash.as_str())]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // And the administrator's password again: a session left open is not enough, and a wrong
    // password counts as a failed login.
    let pw = parindex::demo::DEMO_PASSWORD;
    let failures = "SELECT COUNT(*) FROM login_failures WHERE username = 'moha.admin'";
    assert_eq!(app.db.scalar(failures).await, 0);
    for typed in ["", "đoán-thử-1234"] {
        let r = app
            .post(
                &admin,
                &path,
                &[
                    ("hash", hash.as_str()),
                    ("confirm", "yes"),
                    ("password", typed),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"password-error\""), "{typed}");
    }
    assert_eq!(app.db.scalar(failures).await, 1, "the wrong one is counted");
    let r = app
        .post(
            &admin,
            &path,
            &[("hash", "0000"), ("confirm", "yes"), ("password", pw)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        results::latest_published(&app.db, c)
            .await
            .unwrap()
            .is_none()
    );
    let r = app
        .post(
            &admin,
            &path,
            &[
                ("hash", hash.as_str()),
                ("confirm", "yes"),
                ("note", "Lần 1"),
                ("password", pw),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        format!("/admin/campaigns/{c}/results?version=1&done=results-published")
    );

    let moha_page = app
        .get(&admin, &format!("/admin/campaigns/{c}/results"))
        .await;
    assert!(
        moha_page
            .text()
            .await
            .unwrap()
            .contains("id=\"res-public-link\"")
    );

    // Public pages, exports and the API.
    let page = app.get(&anonymous, "/results/2023").await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("Tỉnh An Giang") && page.contains("<svg"));
    // The input hash is for MoHA and the exports, not page content for the public.
    assert!(
        !page.contains(&hash),
        "the public ranking shows the input hash"
    );
    let card = app.get(&anonymous, "/results/2023/unit/AGG").await;
    assert_eq!(card.status(), StatusCode::OK);
    let card = card.text().await.unwrap();
    assert!(!card.contains("card-draft") && !card.contains(&hash));
    let csv = app
        .get(&anonymous, "/results/2023/ranking.csv")
        .await
        .text()
        .await
        .unwrap();
    let line = csv.lines().find(|l| l.contains(",AGG,")).unwrap();
    assert!(line.contains(&format!("{:.2}", agg_result.index)), "{line}");
    let xlsx = app
        .get(&anonymous, "/results/2023/ranking.xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    let api: serde_json::Value = app
        .get(&anonymous, "/api/v1/results/2023")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(api["version"], 1);
    assert_eq!(api["input_sha256"], hash.as_str());
    let doc: serde_json::Value = app
        .get(&anonymous, "/api/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    crate::openapi::assert_conforms(&doc, "/api/v1/results/{year}", "get", 200, &api);
    assert_eq!(
        app.get(&anonymous, "/results/2023?version=2")
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // More answers, a new draft: the page lists what changed, and a second version is published.
    answer_all(&app, &links[3], |_| "A".to_string()).await;
    app.post(
        &admin,
        &format!("/admin/campaigns/{c}/results/compute"),
        &[],
    )
    .await;
    let review = app
        .get(&admin, &format!("/admin/campaigns/{c}/results?version=0"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        review.contains("id=\"res-changes\""),
        "the changes table is shown"
    );
    let (_, draft2) = results::result(&app.db, c, 0).await.unwrap().unwrap();
    assert_ne!(draft2.input_hash, hash);
    // The old hash no longer publishes: the draft changed since it was reviewed.
    let r = app
        .post(
            &admin,
            &path,
            &[
                ("hash", hash.as_str()),
                ("confirm", "yes"),
                ("password", pw),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = app
        .post(
            &admin,
            &path,
            &[
                ("hash", draft2.input_hash.as_str()),
                ("confirm", "yes"),
                ("password", pw),
            ],
        )
        .await;
    assert!(location(&r).contains("version=2"));

    // Version 1 is frozen and recomputes exactly from its stored inputs.
    let (v1, stored) = results::result(&app.db, c, 1).await.unwrap().unwrap();
    assert_eq!(stored, draft);
    assert_eq!(v1.note, "Lần 1");
    let inputs = results::inputs(&app.db, c, 1).await.unwrap().unwrap();
    assert_eq!(compute_campaign(&inputs), stored);

    // A report card shows the change since the previous year's published result of the same unit.
    let c2022 = parindex_db::campaigns::create(
        &app.db,
        &Ctx::system(0),
        &parindex_db::campaigns::CampaignInput {
            year: 2022,
            name_vi: "Chỉ số CCHC năm 2022".into(),
            name_en: "PAR Index 2022".into(),
            legal_basis: String::new(),
            organiser: "Bộ Nội vụ".into(),
            min_group_size: 5,
            deadlines: Default::default(),
        },
    )
    .await
    .unwrap()
    .id;
    let mut earlier = inputs.clone();
    earlier.year = 2022;
    for l in &mut earlier.levels {
        for u in &mut l.units {
            u.imported.clear();
        }
    }
    let earlier_result = compute_campaign(&earlier);
    let ctx = Ctx::system(0);
    results::save_draft(&app.db, &ctx, c2022, &earlier, &earlier_result, &[])
        .await
        .unwrap();
    publish_as_admin(&app, c2022, &earlier_result.input_hash).await;
    // `compute --recheck`: version 1 recomputes to every figure it published.
    let recheck = parindex::recheck_report::run(&app.db, 2022, true)
        .await
        .unwrap();
    assert!(!recheck.differs, "{}", recheck.text);
    assert!(
        recheck.text.contains("version 1: all ")
            && recheck.text.contains("recompute to what was published"),
        "{}",
        recheck.text
    );
    // A version stored by an engine that rounded one leaf a cent lower: the recheck lists that leaf
    // and the sums above it, says so in Vietnamese too, and leaves the stored version as it was.
    let mut lower = earlier_result.clone();
    let cent = d("0.01");
    let shifted = {
        let u = &mut lower.levels[1].units[0];
        let leaf = u
            .nodes
            .iter_mut()
            .find(|n| n.is_leaf() && n.points >= cent)
            .unwrap();
        leaf.points -= cent;
        let code = leaf.code.clone();
        u.total -= cent;
        (u.code.clone(), code)
    };
    results::save_draft(&app.db, &ctx, c2022, &earlier, &lower, &[])
        .await
        .unwrap();
    publish_as_admin(&app, c2022, &lower.input_hash).await;
    let recheck = parindex::recheck_report::run(&app.db, 2022, true)
        .await
        .unwrap();
    assert!(recheck.differs);
    let (unit, leaf) = shifted;
    assert!(recheck.text.contains("version 1: all "), "{}", recheck.text);
    assert!(
        recheck.text.contains(&format!("{unit} · points {leaf}: "))
            && recheck.text.contains(&format!("{unit} · total: "))
            && recheck.text.contains("Nothing was changed"),
        "{}",
        recheck.text
    );
    let vi = parindex::recheck_report::run(&app.db, 2022, false)
        .await
        .unwrap();
    assert!(
        vi.text.contains("phiên bản 2:") && vi.text.contains(&format!("điểm {leaf}")),
        "{}",
        vi.text
    );
    let (_, still) = results::result(&app.db, c2022, 2).await.unwrap().unwrap();
    assert_eq!(still, lower);
    let before = earlier_result
        .level(parindex_domain::Level::Province)
        .unwrap()
        .unit("AGG")
        .unwrap()
        .index;
    let card = app
        .get(&anonymous, "/results/2023/unit/AGG?version=1")
        .await
        .text()
        .await
        .unwrap();
    let previous = visible_text(&card);
    // 2023 had the SIPAS points (4.13 of 100) that 2022 lacks: +4,13.
    assert_eq!(agg_result.index - before, d("4.13"));
    assert!(previous.contains("+4,13"), "{previous}");
    assert!(previous.contains(&format!("{:.2}", before).replace('.', ",")));

    // Every step is in the audit log.
    let audit = parindex_db::audit::verify(&app.db).await.unwrap();
    assert!(audit.first_break.is_none());
    let admin_audit = app
        .get(&admin, "/admin/audit?action=results.publish")
        .await
        .text()
        .await
        .unwrap();
    assert!(admin_audit.contains("results.publish"));
}

on_both_engines!(from_answers_to_a_published_index);
