//! The index in the product, on SQLite and PostgreSQL: respondents answer through the real pages,
//! MoHA imports a SIPAS figure (a bad file changes nothing), computes a draft whose survey points
//! are checked against a hand computation, lets the unit see its draft, publishes with a confirmation
//! (refused without it, and refused for a draft that changed meanwhile), and publishes again after
//! more answers: the first version stays frozen and recomputes exactly from its stored inputs.

#![allow(clippy::unwrap_used)]

use parindex_db::{Ctx, results, scoring_inputs};
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

/// Publishes the draft with `hash` as the administrator would, confirmed; panics if refused.
async fn publish_as_admin(app: &TestApp, campaign_id: i64, hash: &str) -> i64 {
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
    c: i64,
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

/// The loader takes the last appraised score, else the unit's own, and only from submitted reports.
async fn the_engine_reads_final_scores_of_submitted_reports(engine: Engine) {
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    let loaded = scoring_inputs::load(&app.db, c).await.unwrap();
    let unit_input = |code: &str| {
        loaded
            .input
            .levels
            .iter()
            .flat_map(|l| l.units.iter())
            .find(|u| u.code == code)
            .unwrap()
            .clone()
    };
    // TTCP's appraisal is final: every stored score is its final one.
    for code in ["TTCP", "UBDT", "HPG"] {
        let id = app.unit_id(code).await;
        let own = parindex_db::self_assessments::leaves(&app.db, id)
            .await
            .unwrap();
        let ap = parindex_db::appraisals::leaves(&app.db, id).await.unwrap();
        let u = unit_input(code);
        assert!(!u.scores.is_empty(), "{code} submitted its report");
        for (leaf, l) in &own {
            let a = ap.get(leaf);
            let want: Option<Points> = final_score(
                l.score,
                a.and_then(|a| a.round1.as_ref().map(|d| d.score)),
                a.and_then(|a| a.round2.as_ref().map(|d| d.score)),
            );
            assert_eq!(u.scores.get(leaf).copied(), want, "{code} {leaf}");
        }
    }
    // BCT and HNI are drafts, AGG approved but not sent: nothing counts yet.
    for code in ["BCT", "HNI", "AGG"] {
        assert!(unit_input(code).scores.is_empty(), "{code}");
    }
    let not_ranked = unit_input("TTCP");
    assert!(not_ranked.not_ranked);
    // The CLI path: computing stores a draft with an audit entry, and the ranking has every unit.
    let (_, result) = scoring_inputs::compute_draft(&app.db, &Ctx::system(0), c)
        .await
        .unwrap();
    let n: usize = result.levels.iter().map(|l| l.units.len()).sum();
    assert_eq!(n, parindex_db::units::list(&app.db, c).await.unwrap().len());
    let ministry = result.level(parindex_domain::Level::Ministry).unwrap();
    assert!(ministry.unit("TTCP").unwrap().place.is_none());
}

/// Group weights are typed one per group, by the group's name, not as a line of codes.
async fn group_weights_are_typed_against_each_named_group(engine: Engine) {
    use parindex_domain::scoring::GroupAveraging;
    let app = spawn_app(engine).await;
    let c = app.campaign_id().await;
    let admin = app.demo_login("moha.admin").await;
    let page = format!("/admin/campaigns/{c}/results");
    let html = app.get(&admin, &page).await.text().await.unwrap();
    assert!(
        html.contains("<label for=\"weight_hdnd\">Đại biểu Hội đồng nhân dân tỉnh</label>"),
        "{html}"
    );
    assert!(!html.contains("hdnd=2"), "no codes to type");
    let post = async |weights: &[(&str, &str)]| {
        let mut form = vec![
            ("averaging", "weighted"),
            ("cancelled", "zero"),
            ("rounding", "half_up"),
            ("tier_a", "90"),
            ("tier_b", "80"),
            ("tier_c", "70"),
        ];
        form.extend_from_slice(weights);
        app.post(&admin, &format!("{page}/settings"), &form).await
    };
    let r = post(&[
        ("weight_hdnd", "2"),
        ("weight_lanh_dao_so", "1,5"),
        ("weight_lanh_dao_huyen", ""),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (settings, _) = results::settings(&app.db, c).await.unwrap();
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(
        settings.averaging,
        GroupAveraging::Weighted(BTreeMap::from([
            ("hdnd".to_string(), d("2")),
            ("lanh_dao_so".to_string(), d("1.5")),
        ]))
    );
    let html = app.get(&admin, &page).await.text().await.unwrap();
    assert!(
        html.contains("name=\"weight_lanh_dao_so\" value=\"1,5\""),
        "{html}"
    );
    // A weight that is not a number: refused, what was typed kept, the stored weights unchanged.
    let r = post(&[("weight_hdnd", "hai")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("<a href=\"#weights\">") && html.contains("value=\"hai\""),
        "{html}"
    );
    assert_eq!(results::settings(&app.db, c).await.unwrap().0, settings);
    let r = post(&[("weight_hdnd", "0")]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "all zero");
}

/// The bootstrap's samples, read from the stored answers of a simulated campaign in invitation order,
/// estimate every unit's survey leaves as the engine's exact tallies of the same answers do, and read
/// the same twice.
async fn the_bootstrap_samples_agree_with_the_tallies(engine: Engine) {
    use parindex_domain::scoring::uncertainty::{self, UnitSample};
    use parindex_domain::scoring::{GroupAveraging, fraction, half_up};
    use rust_decimal::prelude::FromPrimitive;
    let app = spawn_app(engine).await;
    parindex_tests::survey::simulate_demo(&app).await;
    let c = app.campaign_id().await;
    let tallies = scoring_inputs::recount(&app.db, c).await.unwrap();
    let mut checked = 0;
    for level in parindex_domain::Level::ALL {
        let (leaves, units) = scoring_inputs::samples(&app.db, c, level).await.unwrap();
        for (unit, groups) in &units {
            for (i, leaf) in leaves.iter().enumerate() {
                let Some(t) = tallies.by_unit.get(unit).and_then(|l| l.get(leaf)) else {
                    continue;
                };
                let Some(exact) = fraction(t, &GroupAveraging::Equal) else {
                    continue;
                };
                let mut only = vec![0.0; leaves.len()];
                only[i] = 1.0;
                let u = UnitSample {
                    code: unit.to_string(),
                    ranked: true,
                    fixed_points: 0.0,
                    max: 1.0,
                    leaf_max: only,
                    groups: groups.clone(),
                };
                let point = uncertainty::point(&u, &GroupAveraging::Equal);
                assert_eq!(
                    Decimal::from_f64(point).unwrap().round_dp_with_strategy(
                        2,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero
                    ),
                    half_up(&exact),
                    "unit {unit}, leaf {leaf}"
                );
                checked += 1;
            }
        }
        let again = scoring_inputs::samples(&app.db, c, level).await.unwrap();
        assert_eq!(again, (leaves, units), "{level:?}: read the same twice");
    }
    assert!(checked > 100, "{checked}");

    // The draft is stored with its intervals, the same on every computation of the same inputs.
    let (_, result) = scoring_inputs::compute_draft(&app.db, &Ctx::system(0), c)
        .await
        .unwrap();
    let intervals = results::intervals(&app.db, c, 0).await.unwrap();
    scoring_inputs::compute_draft(&app.db, &Ctx::system(0), c)
        .await
        .unwrap();
    assert_eq!(results::intervals(&app.db, c, 0).await.unwrap(), intervals);
    let units: Vec<&parindex_domain::scoring::UnitResult> =
        result.levels.iter().flat_map(|l| &l.units).collect();
    assert_eq!(intervals.len(), units.len());
    let mut inside = 0;
    let mut with = 0;
    for (i, u) in intervals.iter().zip(&units) {
        assert_eq!(i.code, u.code);
        let Some(x) = i.index else { continue };
        with += 1;
        assert!(x.low <= x.high, "{}", u.code);
        if x.low <= u.index && u.index <= x.high {
            inside += 1;
        }
        if let Some(p) = i.place {
            assert!(p.best <= p.worst, "{}", u.code);
        }
    }
    assert!(with > 5 && inside * 10 >= with * 9, "{inside} of {with}");

    // Published, the intervals travel with the version: the report card and the API show them.
    let req = parindex_domain::scoring::publish::Request {
        role: parindex_domain::Role::MohaAdmin,
        reviewed_hash: &result.input_hash,
        confirmed: true,
        acknowledged: true,
    };
    let v = parindex_db::publication::publish(&app.db, &Ctx::system(0), c, &req, "")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(results::intervals(&app.db, c, v).await.unwrap(), intervals);
    let shown = intervals
        .iter()
        .find(|i| i.place.is_some())
        .expect("a ranked unit with an interval");
    let public = app.client();
    let card = app
        .page_text(&public, &format!("/results/2023/unit/{}", shown.code))
        .await;
    let low = shown.index.unwrap().low.to_string().replace('.', ",");
    assert!(
        card.contains("Độ tin cậy của kết quả") && card.contains(&format!("({low} – ")),
        "{card}"
    );
    let api: serde_json::Value = app
        .get(&public, "/api/v1/results/2023")
        .await
        .json()
        .await
        .unwrap();
    let unit = api["levels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["units"].as_array().unwrap())
        .find(|u| u["code"] == shown.code.as_str())
        .unwrap();
    assert_eq!(
        unit["index_low"],
        format!("{:.2}", shown.index.unwrap().low)
    );
    assert_eq!(unit["place_best"], shown.place.unwrap().best);
    // The what-if plan: the unit's biggest loss first, with its index and place at the maximum.
    let level = result
        .levels
        .iter()
        .find(|l| l.unit(&shown.code).is_some())
        .unwrap();
    let first = &parindex_domain::scoring::what_if::plan(level, None, &shown.code, 1)[0];
    let now = level.unit(&shown.code).unwrap().place.unwrap();
    let effect = format!(
        "+{} điểm → chỉ số {} → hạng {} (hiện {now})",
        format!("{:.2}", first.lost).replace('.', ","),
        format!("{:.2}", first.index).replace('.', ","),
        first.place.unwrap()
    );
    assert!(
        card.contains("Cải thiện ở đâu được nhiều điểm nhất") && card.contains(&effect),
        "{effect}: {card}"
    );
    // Ticking the first two items adds them up on the server.
    let two = parindex_domain::scoring::what_if::plan(level, None, &shown.code, 2);
    if two.len() == 2 {
        let c = parindex_domain::scoring::what_if::combined(
            level,
            &shown.code,
            &[two[0].code.clone(), two[1].code.clone()],
        )
        .unwrap();
        let page = app
            .page_text(
                &public,
                &format!(
                    "/results/2023/unit/{}?version={v}&pick={}&pick={}&pick=<x>",
                    shown.code, two[0].code, two[1].code
                ),
            )
            .await;
        let want = format!(
            "Cả 2 mục đã chọn: +{} điểm → chỉ số {}",
            format!("{:.2}", c.lost).replace('.', ","),
            format!("{:.2}", c.index).replace('.', ",")
        );
        assert!(page.contains(&want), "{want}: {page}");
    }
    // The plan downloads as a spreadsheet for the unit's own plan, from its results page.
    let moha = app.demo_login("moha.thamdinh").await;
    let unit_id = app.unit_id(&shown.code).await;
    let own = app
        .html(&moha, &format!("/unit/{unit_id}/results?version={v}"))
        .await;
    let link = format!("/unit/{unit_id}/results/plan.xlsx?version={v}");
    assert!(own.contains(&format!("href=\"{link}\"")), "{own}");
    let r = app.get(&moha, &link).await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = r.bytes().await.unwrap();
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][0], "Mã");
    assert_eq!(rows[1][0], first.code);
    assert!(rows[1][3].contains("→ chỉ số"), "{rows:?}");
    // The ranking shows each unit's interval and place range, and says what they mean.
    let ranking = app.page_text(&public, "/results/2023").await;
    let (b, p) = (shown.index.unwrap(), shown.place.unwrap());
    let comma = |d: Decimal| format!("{d:.2}").replace('.', ",");
    assert!(
        ranking.contains(&format!("{} – {}", comma(b.low), comma(b.high)))
            && (p.best == p.worst || ranking.contains(&format!("{} – {}", p.best, p.worst)))
            && ranking.contains("không khác biệt có ý nghĩa thống kê"),
        "{ranking}"
    );
    // The downloads carry them too.
    let csv = app
        .get(&public, "/results/2023/ranking.csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .contains("Chỉ số, cận dưới (khoảng tin cậy 95%)")
    );
    let line = csv
        .lines()
        .find(|l| l.contains(&format!(",{},", shown.code)))
        .unwrap();
    assert!(
        line.contains(&format!(
            "{:.2},{:.2},{},{}",
            b.low, b.high, p.best, p.worst
        )),
        "{line}"
    );
}

on_both_engines!(
    the_bootstrap_samples_agree_with_the_tallies,
    from_answers_to_a_published_index,
    the_engine_reads_final_scores_of_submitted_reports,
    group_weights_are_typed_against_each_named_group,
);
