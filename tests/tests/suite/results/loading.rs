//! What the index is computed from: the loader reads the final scores of submitted reports only,
//! and the group weights of the results settings are typed against each named group.

#![allow(clippy::unwrap_used)]

use super::*;

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

on_both_engines!(
    the_engine_reads_final_scores_of_submitted_reports,
    group_weights_are_typed_against_each_named_group,
);
