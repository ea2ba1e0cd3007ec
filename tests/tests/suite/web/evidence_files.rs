//! Evidence files: uploads, links to leaves, limits and types.

use super::*;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

fn upload(
    bytes: &[u8],
    name: &'static str,
    reference: &'static str,
    library: Option<i64>,
) -> reqwest::multipart::Form {
    let mut f = reqwest::multipart::Form::new().text("reference", reference);
    if !bytes.is_empty() {
        f = f.part(
            "file",
            reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name),
        );
    }
    if let Some(id) = library {
        f = f.text("library_file", id.to_string());
    }
    f
}

async fn evidence_backs_leaves_is_typed_by_content_and_stays_with_its_unit(engine: Engine) {
    let app = spawn_app(engine).await;
    let btp = app.unit_id("BTP").await;
    let officer = app.demo_login("btp.canbo").await;
    let leaf = format!("/unit/{btp}/self-assessment/leaf/1.1.1");
    // Scored, no explanation: needs one ... until evidence backs it.
    app.post(&officer, &leaf, &[("score", "1"), ("explanation", "")])
        .await;
    let r = officer
        .post(app.url(&format!("{leaf}/evidence")))
        .multipart(upload(
            PDF,
            "../../Kế hoạch CCHC 2023.pdf",
            "trang 2, mục I",
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), format!("{leaf}?done=evidence-added#evidence"));
    let page = app.get(&officer, &leaf).await.text().await.unwrap();
    let text = visible_text(&page);
    assert!(
        text.contains("Hoàn thành")
            && text.contains("Kế hoạch CCHC 2023.pdf")
            && text.contains("trang 2, mục I"),
        "{text}"
    );
    let file = parindex_db::evidence::library(&app.db, btp).await.unwrap();
    assert_eq!(file.len(), 1);
    assert_eq!(
        (file[0].filename.as_str(), file[0].content_type.as_str()),
        ("Kế hoạch CCHC 2023.pdf", "application/pdf")
    );
    assert!(
        app.files_dir.path().join(&file[0].storage_key).exists(),
        "stored on disk under its key"
    );

    // The same file backs another leaf from the library.
    let other = format!("/unit/{btp}/self-assessment/leaf/1.2.1");
    let r = officer
        .post(app.url(&format!("{other}/evidence")))
        .multipart(upload(b"", "", "phụ lục 1", Some(file[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        parindex_db::evidence::counts(&app.db, btp)
            .await
            .unwrap()
            .len(),
        2
    );

    // HTML named .pdf is refused, and nothing is stored.
    let r = officer
        .post(app.url(&format!("{leaf}/evidence")))
        .multipart(upload(
            b"<html><script>alert(1)</script></html>",
            "report.pdf",
            "",
            None,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(visible_text(&r.text().await.unwrap()).contains("Loại tệp không được chấp nhận"));
    assert_eq!(
        parindex_db::evidence::library(&app.db, btp)
            .await
            .unwrap()
            .len(),
        1
    );

    // Downloads are attachments, with the original bytes.
    let d = app
        .get(&officer, &format!("/unit/{btp}/evidence/{}", file[0].id))
        .await;
    assert_eq!(d.status(), StatusCode::OK);
    let disp = d.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disp.starts_with("attachment;") && disp.contains("filename*=UTF-8''K%E1%BA%BF"),
        "{disp}"
    );
    assert!(
        d.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(d.bytes().await.unwrap().as_ref(), PDF);
    // MoHA may read it; another unit may not, not even through its own path.
    let appraiser = app.demo_login("moha.thamdinh").await;
    assert_eq!(
        app.get(&appraiser, &format!("/unit/{btp}/evidence/{}", file[0].id))
            .await
            .status(),
        StatusCode::OK
    );
    let qni = app.unit_id("QNI").await;
    let stranger = app.demo_login("qni.canbo").await;
    assert_eq!(
        app.get(&stranger, &format!("/unit/{btp}/evidence/{}", file[0].id))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&stranger, &format!("/unit/{qni}/evidence/{}", file[0].id))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    // Removing a link keeps the file in the library; after sending for approval nothing changes.
    let r = app
        .post(
            &officer,
            &format!("{other}/evidence/remove"),
            &[("file_id", &file[0].id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        parindex_db::evidence::counts(&app.db, btp)
            .await
            .unwrap()
            .len(),
        1
    );
    let cid = app.campaign_id().await;
    let ctx = parindex_db::Ctx::system(0);
    parindex_db::self_assessments::transition(
        &app.db,
        &ctx,
        cid,
        btp,
        parindex_domain::self_assessment::State::Draft,
        parindex_domain::self_assessment::State::AwaitingApproval,
        "",
    )
    .await
    .unwrap();
    let r = officer
        .post(app.url(&format!("{other}/evidence")))
        .multipart(upload(b"", "", "", Some(file[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

async fn a_units_library_stops_at_its_quota_but_reuses_what_it_holds(engine: Engine) {
    let quota = parindex_domain::storage_quota::Quota {
        max_bytes: 2 * PDF.len() as i64 + 10,
        max_files: 10,
    };
    let app = parindex_tests::app::spawn_app_with(
        engine,
        parindex_web::WebConfig {
            evidence_quota: quota,
            ..parindex_web::WebConfig::default()
        },
    )
    .await;
    let btp = app.unit_id("BTP").await;
    let officer = app.demo_login("btp.canbo").await;
    let leaf = format!("/unit/{btp}/self-assessment/leaf/1.1.1");
    let send = |bytes: Vec<u8>| {
        officer
            .post(app.url(&format!("{leaf}/evidence")))
            .multipart(reqwest::multipart::Form::new().text("reference", "").part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name("bc.pdf"),
            ))
            .send()
    };
    let variant = |n: u8| [PDF, &[b'%', n]].concat();
    for n in [b'1', b'2'] {
        assert_eq!(
            send(variant(n)).await.unwrap().status(),
            StatusCode::SEE_OTHER
        );
    }
    let r = send(variant(b'3')).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(
        visible_text(&r.text().await.unwrap()).contains("Thư viện minh chứng của đơn vị đã đầy"),
        "the officer is told why"
    );
    let library = parindex_db::evidence::library(&app.db, btp).await.unwrap();
    assert_eq!(library.len(), 2, "the refused file is not recorded");
    let stored = std::fs::read_dir(app.files_dir.path().join(format!("evidence/{btp}")))
        .unwrap()
        .count();
    assert_eq!(stored, 2, "nor stored");
    // A file the library already holds costs nothing, so it is still accepted.
    assert_eq!(
        send(variant(b'1')).await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    // Another unit's library is its own.
    let qni = app.unit_id("QNI").await;
    let other = app.demo_login("qni.canbo").await;
    let r = other
        .post(app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1/evidence")))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(variant(b'3')).file_name("bc.pdf"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "{}",
        r.text().await.unwrap()
    );
}

on_both_engines!(
    evidence_backs_leaves_is_typed_by_content_and_stays_with_its_unit,
    a_units_library_stops_at_its_quota_but_reuses_what_it_holds,
);
