//! Reads of a whole campaign in one query (MoHA's dashboard): each agrees with the per-unit read,
//! and none reaches into another campaign.

use super::*;
use parindex_db::{evidence, self_assessments};
use parindex_domain::{CampaignId, Points, UnitId};

async fn campaign_reads_match_the_per_unit_reads(engine: Engine) {
    let db = fresh_db(engine).await;
    let c = campaigns::create(&db, &ctx(1), &campaign_input(2023))
        .await
        .unwrap();
    let other = campaigns::create(&db, &ctx(1), &campaign_input(2024))
        .await
        .unwrap();
    let qni = units::create(&db, &ctx(1), c.id, &unit_input("QNI", "Tỉnh Quảng Ninh"))
        .await
        .unwrap();
    let hpg = units::create(
        &db,
        &ctx(1),
        c.id,
        &unit_input("HPG", "Thành phố Hải Phòng"),
    )
    .await
    .unwrap();
    let elsewhere = units::create(
        &db,
        &ctx(1),
        other.id,
        &unit_input("QNI", "Tỉnh Quảng Ninh"),
    )
    .await
    .unwrap();
    let save = async |campaign: CampaignId, unit: UnitId, code: &str, score: &str| {
        self_assessments::save_leaf(
            &db,
            &ctx(2),
            campaign,
            unit,
            code,
            Some(Points::parse(score).unwrap()),
            "Đã thực hiện",
        )
        .await
        .unwrap();
    };
    save(c.id, qni.id, "1.1.1", "1,5").await;
    save(c.id, qni.id, "1.2.1", "2").await;
    save(other.id, elsewhere.id, "1.1.1", "0,5").await;
    let file = evidence::add_file(
        &db,
        &ctx(3),
        c.id,
        qni.id,
        &evidence::NewFile {
            sha256: "ab",
            filename: "ke-hoach.pdf",
            content_type: "application/pdf",
            size_bytes: 10,
            storage_key: "ab",
        },
    )
    .await
    .unwrap();
    for code in ["1.1.1", "1.3.1"] {
        evidence::link(&db, &ctx(4), c.id, qni.id, code, file.id, "")
            .await
            .unwrap();
    }

    let reports = self_assessments::reports_in(&db, c.id).await.unwrap();
    let leaves = self_assessments::leaves_in(&db, c.id).await.unwrap();
    let counts = evidence::counts_in(&db, c.id).await.unwrap();
    for u in [qni.id, hpg.id] {
        let report = reports
            .get(&u)
            .cloned()
            .unwrap_or_else(self_assessments::not_started);
        assert_eq!(report, self_assessments::report(&db, u).await.unwrap());
        let one = self_assessments::leaves(&db, u).await.unwrap();
        assert_eq!(leaves.get(&u).cloned().unwrap_or_default(), one);
        let ev = evidence::counts(&db, u).await.unwrap();
        assert_eq!(counts.get(&u).cloned().unwrap_or_default(), ev);
    }
    assert_eq!(leaves[&qni.id].len(), 2);
    assert_eq!(counts[&qni.id].len(), 2);
    assert!(!leaves.contains_key(&hpg.id) && !counts.contains_key(&hpg.id));
    assert!(
        !leaves.contains_key(&elsewhere.id) && !reports.contains_key(&elsewhere.id),
        "another campaign's unit"
    );

    // A leaf as the rules read it: saved score and explanation, evidence counted; nothing saved
    // yet reads as empty with its evidence.
    let e = self_assessments::entry(&leaves[&qni.id], &counts[&qni.id], "1.1.1");
    assert_eq!(
        (e.score, e.explanation.as_str(), e.evidence_count),
        (Some(Points::parse("1.5").unwrap()), "Đã thực hiện", 1)
    );
    let e = self_assessments::entry(&leaves[&qni.id], &counts[&qni.id], "1.3.1");
    assert_eq!(
        (e.score, e.explanation.as_str(), e.evidence_count),
        (None, "", 1)
    );
}

on_both_engines!(campaign_reads_match_the_per_unit_reads);
