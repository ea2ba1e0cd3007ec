//! The bootstrap behind the results' 95% intervals reads the same answers the engine tallies.

#![allow(clippy::unwrap_used)]

use super::*;

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
    let first = &parindex_domain::scoring::what_if::plan(level, None, &shown.code, 1, 5)[0];
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
    let two = parindex_domain::scoring::what_if::plan(level, None, &shown.code, 2, 5);
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

on_both_engines!(the_bootstrap_samples_agree_with_the_tallies);
