//! The browser suite: Debian's headless Chromium, driven through chromedriver, against the real pages.
//! Chromium and chromedriver come from the Debian packages `chromium` and `chromium-driver` (the test
//! script installs them); if they are missing these tests fail and say so.

#![allow(clippy::unwrap_used)]

use parindex_tests::{Engine, TestApp, spawn_app};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;
use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities};

/// One browser at a time: two cores.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Driver {
    child: Child,
    port: u16,
    /// A fresh Chromium profile per session, removed with the driver.
    profiles: std::sync::Mutex<Vec<tempfile::TempDir>>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tool(env: &str, default: &str) -> String {
    let path = std::env::var(env).unwrap_or_else(|_| default.to_string());
    assert!(
        std::path::Path::new(&path).exists(),
        "{path} is missing: install Debian's chromium and chromium-driver packages (scripts/test.sh does), or set {env}"
    );
    path
}

async fn start_driver() -> Driver {
    let bin = tool("PARINDEX_CHROMEDRIVER", "/usr/bin/chromedriver");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    // The guard owns the process from here on: it is killed and reaped even if start-up fails.
    let driver = Driver {
        child,
        port,
        profiles: std::sync::Mutex::new(Vec::new()),
    };
    // Wait until it accepts connections (bounded: 100 tries).
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return driver;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

async fn browser(d: &Driver, width: u32, height: u32) -> WebDriver {
    let profile = tempfile::tempdir().unwrap();
    let profile_arg = format!("--user-data-dir={}", profile.path().display());
    d.profiles.lock().unwrap().push(profile);
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&tool("PARINDEX_CHROMIUM", "/usr/bin/chromium"))
        .unwrap();
    for arg in [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        &format!("--window-size={width},{height}"),
        &profile_arg,
    ] {
        caps.add_arg(arg).unwrap();
    }
    WebDriver::new(format!("http://127.0.0.1:{}", d.port), caps)
        .await
        .expect("a Chromium session")
}

async fn text_of(b: &WebDriver, css: &str) -> String {
    b.find(By::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Clicks something that loads a new page and waits until the old page is gone.
async fn click_to_navigate(b: &WebDriver, by: By) {
    let old = b.find(By::Css("html")).await.unwrap();
    b.find(by.clone())
        .await
        .unwrap_or_else(|e| panic!("{by:?}: {e}"))
        .click()
        .await
        .unwrap();
    old.wait_until().stale().await.unwrap();
}

/// Opens `path` and checks that the page is no wider than the window.
async fn assert_fits(b: &WebDriver, app: &TestApp, path: &str) {
    b.goto(app.url(path)).await.unwrap();
    let ret = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let v: Vec<i64> = ret.convert().unwrap();
    assert!(
        v[0] <= v[1],
        "{path}: page is {}px wide in a {}px window",
        v[0],
        v[1]
    );
}

async fn log_in(b: &WebDriver, app: &TestApp, username: &str) {
    b.goto(app.url("/login")).await.unwrap();
    type_into(b, "username", username).await;
    type_into(b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(b, By::Css("form.card button[type=submit]")).await;
    // MoHA accounts: the second step, with the code an authenticator app shows at the app's clock.
    if b.current_url().await.unwrap().path() == "/login/code" {
        type_into(b, "code", &app.next_code(username).await).await;
        click_to_navigate(b, By::Css("form.card button[type=submit]")).await;
    }
}

/// Clicks the element with this id (a checkbox or radio button; no navigation).
async fn click_id(b: &WebDriver, id: &str) {
    b.find(By::Id(id)).await.unwrap().click().await.unwrap();
}

/// Types into the field with this id (or picks a file for a file input).
async fn type_into(b: &WebDriver, id: &str, text: &str) {
    b.find(By::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}

async fn has_link(b: &WebDriver, href: &str) -> bool {
    !b.find_all(By::Css(format!("nav a[href='{href}']")))
        .await
        .unwrap()
        .is_empty()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_its_home_in_vietnamese_and_in_english() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let d = start_driver().await;
    // (username, Vietnamese h1, English h1, Vietnamese role label, English role label, may manage accounts)
    let cases = [
        (
            "moha.admin",
            "Kỳ đánh giá",
            "Campaigns",
            "Quản trị Bộ Nội vụ",
            "MoHA administrator",
            true,
        ),
        (
            "moha.thamdinh",
            "Kỳ đánh giá",
            "Campaigns",
            "Thẩm định viên Bộ Nội vụ",
            "MoHA appraiser",
            false,
        ),
        (
            "btp.canbo",
            "Bộ Tư pháp",
            "Bộ Tư pháp",
            "Cán bộ đầu mối",
            "Unit officer",
            false,
        ),
        (
            "btp.lanhdao",
            "Bộ Tư pháp",
            "Bộ Tư pháp",
            "Lãnh đạo đơn vị",
            "Unit leader",
            false,
        ),
        (
            "btp.xem",
            "Bộ Tư pháp",
            "Bộ Tư pháp",
            "Người xem",
            "Unit viewer",
            false,
        ),
    ];
    for (user, h1_vi, h1_en, role_vi, role_en, admin) in cases {
        let b = browser(&d, 1280, 900).await;
        log_in(&b, &app, user).await;
        assert_eq!(text_of(&b, "main h1").await, h1_vi, "{user}");
        assert!(text_of(&b, ".who").await.contains(role_vi), "{user}");
        assert_eq!(
            b.find(By::Css("html"))
                .await
                .unwrap()
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some("vi")
        );
        assert_eq!(
            has_link(&b, "/admin/accounts").await,
            admin,
            "{user}: accounts menu"
        );
        if user.starts_with("btp.") {
            let body = text_of(&b, "main").await;
            assert!(
                body.contains("Gửi danh sách đối tượng khảo sát")
                    && body.contains("15/12/2023 23:59"),
                "{user}: {body}"
            );
            let focal = text_of(&b, "#focal a.button").await;
            let want = if user == "btp.canbo" {
                "Đăng ký, cập nhật đầu mối"
            } else {
                "Xem"
            };
            assert_eq!(focal, want, "{user}");
        }
        click_to_navigate(&b, By::Css("button[name=lang]")).await;
        assert_eq!(text_of(&b, "main h1").await, h1_en, "{user}");
        assert!(text_of(&b, ".who").await.contains(role_en), "{user}");
        assert_eq!(
            b.find(By::Css("html"))
                .await
                .unwrap()
                .attr("lang")
                .await
                .unwrap()
                .as_deref(),
            Some("en")
        );
        if user.starts_with("btp.") {
            assert!(
                text_of(&b, "main")
                    .await
                    .contains("Send the respondent list"),
                "{user}"
            );
        }
        click_to_navigate(&b, By::Css("form[action='/logout'] button")).await;
        assert!(
            text_of(&b, "main").await.contains("You have logged out."),
            "{user}"
        );
        b.quit().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_fixes_a_form_error_and_registers_the_focal_contacts() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let qni = app.unit_id("QNI").await;
    let d = start_driver().await;
    let b = browser(&d, 1280, 900).await;
    log_in(&b, &app, "qni.canbo").await;
    click_to_navigate(&b, By::Css("#focal a.button")).await;
    for (id, v) in [
        ("par_unit", "Sở Nội vụ tỉnh Quảng Ninh"),
        ("par_name", "Hoàng Thị Lan"),
        ("par_phone", "0203 3835 678"),
        ("par_email", "lan@quangninh.gov.vn"),
        ("it_name", "Phạm Quốc Việt"),
        ("it_position", "Phó Giám đốc Trung tâm CNTT"),
        ("it_mobile", "0912"),
    ] {
        type_into(&b, id, v).await;
    }
    click_to_navigate(&b, By::Css("form.card button[type=submit]")).await;
    let summary = text_of(&b, "#error-summary").await;
    assert!(
        summary.contains("Vui lòng sửa các lỗi sau") && summary.contains("Số di động không hợp lệ"),
        "{summary}"
    );
    let focused = b.active_element().await.unwrap().id().await.unwrap();
    assert_eq!(
        focused.as_deref(),
        Some("error-summary"),
        "the error summary takes the focus"
    );
    assert_eq!(
        b.find(By::Id("it_name"))
            .await
            .unwrap()
            .value()
            .await
            .unwrap()
            .as_deref(),
        Some("Phạm Quốc Việt")
    );
    b.find(By::Css("#error-summary a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert!(
        b.current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("#it_mobile")
    );
    let mobile = b.find(By::Id("it_mobile")).await.unwrap();
    mobile.clear().await.unwrap();
    mobile.send_keys("+84 912 345 678").await.unwrap();
    click_to_navigate(&b, By::Css("form.card button[type=submit]")).await;
    assert_eq!(text_of(&b, ".notice").await, "Đã lưu.");
    assert!(
        b.current_url()
            .await
            .unwrap()
            .path()
            .ends_with(&format!("/unit/{qni}"))
    );
    let focal = text_of(&b, "#focal").await;
    assert!(
        focal.contains("Phạm Quốc Việt") && focal.contains("0912345678"),
        "{focal}"
    );
    b.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_fit_a_phone_screen() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let btp = app.unit_id("BTP").await;
    let cid = app.campaign_id().await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    let set = parindex_db::criteria_sets::list(&app.db).await.unwrap()[0].id;
    let hpg = app.unit_id("HPG").await;
    for path in [
        "/admin/campaigns".to_string(),
        format!("/admin/campaigns/{cid}"),
        format!("/unit/{btp}"),
        "/admin/accounts".to_string(),
        "/admin/criteria-sets".to_string(),
        format!("/admin/criteria-sets/{set}"),
        format!("/admin/campaigns/{cid}/self-assessments"),
        format!("/unit/{hpg}/self-assessment"),
        format!("/unit/{hpg}/self-assessment/leaf/1.1.1"),
        format!("/unit/{hpg}/self-assessment/print"),
        format!("/unit/{}/respondents", app.unit_id("BCT").await),
        format!("/admin/campaigns/{cid}/respondents"),
        format!("/admin/campaigns/{cid}/questionnaires"),
        format!("/admin/campaigns/{cid}/questionnaires/province/hdnd"),
        format!("/admin/campaigns/{cid}/groups"),
        format!("/admin/campaigns/{cid}/survey"),
        format!("/unit/{}/survey", app.unit_id("AGG").await),
        format!("/admin/units/{hpg}/appraisal"),
        format!("/admin/units/{hpg}/appraisal/leaf/1.1.1"),
        format!("/unit/{}/appraisal", app.unit_id("UBDT").await),
        "/admin/audit".to_string(),
        "/login".to_string(),
    ] {
        assert_fits(&b, &app, &path).await;
    }
    b.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_self_assessment_goes_from_autosaved_scores_and_evidence_to_moha() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let qni = app.unit_id("QNI").await;
    let cid = app.campaign_id().await;
    let d = start_driver().await;

    // The officer scores a leaf: typing is enough, the form saves itself.
    let officer = browser(&d, 1280, 900).await;
    log_in(&officer, &app, "qni.canbo").await;
    click_to_navigate(&officer, By::Id("go-self-assessment")).await;
    assert!(text_of(&officer, "#sa-state").await.contains("Đang soạn"));
    officer
        .goto(app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1")))
        .await
        .unwrap();
    type_into(&officer, "score", "1").await;
    officer
        .query(By::XPath(
            "//p[@id='autosave-status' and contains(., 'Đã lưu tự động')]",
        ))
        .first()
        .await
        .expect("the autosave status appears");
    let saved = parindex_db::self_assessments::leaves(&app.db, qni)
        .await
        .unwrap();
    assert_eq!(
        saved["1.1.1"].score.map(|p| p.to_fixed()),
        Some("1.00".into())
    );

    // Evidence through the real file input.
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("Kế hoạch CCHC.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
    type_into(&officer, "evidence-file", pdf.to_str().unwrap()).await;
    type_into(&officer, "reference", "trang 1").await;
    click_to_navigate(&officer, By::Css("#evidence form button[type=submit]")).await;
    let evidence = text_of(&officer, "#evidence").await;
    assert!(
        evidence.contains("Kế hoạch CCHC.pdf") && evidence.contains("trang 1"),
        "{evidence}"
    );
    assert_eq!(text_of(&officer, "#leaf-status").await, "Hoàn thành");

    // The rest is filled in directly, then the officer sends it to the leader.
    let set_id = parindex_db::criteria_sets::pinned(&app.db, cid)
        .await
        .unwrap()
        .into_iter()
        .find(|(l, _)| *l == parindex_domain::Level::Province)
        .unwrap()
        .1
        .id;
    let set = parindex_db::criteria_sets::tree(&app.db, set_id)
        .await
        .unwrap();
    let ctx = parindex_db::Ctx::system(0);
    for leaf in set.leaves().into_iter().filter(|l| {
        l.method == Some(parindex_domain::criteria::Method::SelfAssessed) && l.code != "1.1.1"
    }) {
        parindex_db::self_assessments::save_leaf(
            &app.db,
            &ctx,
            cid,
            qni,
            &leaf.code,
            Some(leaf.max),
            "Đã thực hiện",
        )
        .await
        .unwrap();
    }
    officer
        .goto(app.url(&format!("/unit/{qni}/self-assessment")))
        .await
        .unwrap();
    click_to_navigate(
        &officer,
        By::Css("form[action$='/self-assessment/send'] button"),
    )
    .await;
    assert!(
        text_of(&officer, "#sa-state")
            .await
            .contains("Chờ lãnh đạo phê duyệt")
    );

    // The leader approves in another browser.
    let leader = browser(&d, 1280, 900).await;
    log_in(&leader, &app, "qni.lanhdao").await;
    leader
        .goto(app.url(&format!("/unit/{qni}/self-assessment")))
        .await
        .unwrap();
    click_to_navigate(
        &leader,
        By::Css("form[action$='/self-assessment/approve'] button"),
    )
    .await;
    assert!(
        text_of(&leader, "#sa-state")
            .await
            .contains("Lãnh đạo đã phê duyệt")
    );
    leader.quit().await.unwrap();

    // The officer confirms and submits; the leaf is read-only afterwards.
    officer
        .goto(app.url(&format!("/unit/{qni}/self-assessment")))
        .await
        .unwrap();
    click_id(&officer, "confirm").await;
    click_to_navigate(
        &officer,
        By::Css("form[action$='/self-assessment/submit'] button"),
    )
    .await;
    assert!(
        text_of(&officer, "#sa-state")
            .await
            .contains("Đã gửi Bộ Nội vụ")
    );
    officer
        .goto(app.url(&format!("/unit/{qni}/self-assessment/leaf/1.1.1")))
        .await
        .unwrap();
    assert!(
        officer.find_all(By::Id("score")).await.unwrap().is_empty(),
        "no score input after submission"
    );
    officer.quit().await.unwrap();

    // MoHA sees it submitted.
    let moha = browser(&d, 1280, 900).await;
    log_in(&moha, &app, "moha.thamdinh").await;
    moha.goto(app.url(&format!("/admin/campaigns/{cid}/self-assessments")))
        .await
        .unwrap();
    let row = text_of(&moha, &format!("tr[data-unit='{qni}']")).await;
    assert!(row.contains("Đã gửi Bộ Nội vụ"), "{row}");
    moha.quit().await.unwrap();

    // The self-assessment deadline passes (25/01/2024): everything locks. Sessions from before have
    // expired, so everyone signs in again.
    app.clock.advance(time::Duration::days(47));

    // MoHA adjusts 1.1.1 with a reason and accepts the rest.
    let moha = browser(&d, 1280, 900).await;
    log_in(&moha, &app, "moha.thamdinh").await;
    moha.goto(app.url(&format!("/admin/campaigns/{cid}/self-assessments")))
        .await
        .unwrap();
    click_to_navigate(
        &moha,
        By::Css(format!("tr[data-unit='{qni}'] a[href$='/appraisal']")),
    )
    .await;
    assert!(text_of(&moha, "#ap-stage").await.contains("vòng 1"));
    click_to_navigate(&moha, By::Css("#appraisal-state a.button")).await;
    click_id(&moha, "verdict-adjust").await;
    type_into(&moha, "score", "0,5").await;
    type_into(&moha, "comment", "Tài liệu kiểm chứng chưa có chữ ký").await;
    click_to_navigate(&moha, By::Css("#decision button[type=submit]")).await;
    assert_eq!(text_of(&moha, ".notice").await, "Đã lưu kết quả thẩm định.");
    for leaf in set.leaves().into_iter().filter(|l| {
        l.method == Some(parindex_domain::criteria::Method::SelfAssessed) && l.code != "1.1.1"
    }) {
        let d = parindex_domain::appraisal::decide(
            parindex_domain::appraisal::Round::First,
            leaf.max,
            Some(leaf.max),
            None,
            "accept",
            "",
            "",
        )
        .unwrap();
        parindex_db::appraisals::decide(
            &app.db,
            &ctx,
            cid,
            qni,
            &leaf.code,
            parindex_domain::appraisal::Round::First,
            &d,
        )
        .await
        .unwrap();
    }
    moha.goto(app.url(&format!("/admin/units/{qni}/appraisal")))
        .await
        .unwrap();
    click_id(&moha, "confirm").await;
    click_to_navigate(&moha, By::Css("form[action$='/appraisal/send'] button")).await;
    assert!(
        text_of(&moha, "#ap-stage")
            .await
            .contains("Chờ đơn vị giải trình")
    );

    // The unit sees the adjustment and its reason, explains, and sends the explanation.
    let officer = browser(&d, 1280, 900).await;
    log_in(&officer, &app, "qni.canbo").await;
    click_to_navigate(&officer, By::Id("go-appraisal")).await;
    let table = text_of(&officer, "#appraisal").await;
    assert!(
        table.contains("Tài liệu kiểm chứng chưa có chữ ký") && table.contains("Chưa giải trình"),
        "{table}"
    );
    click_to_navigate(&officer, By::Css("#leaf-1\\.1\\.1 a")).await;
    type_into(
        &officer,
        "explanation",
        "Bản có chữ ký đã bổ sung (Quyết định 12/QĐ-UBND)",
    )
    .await;
    click_to_navigate(&officer, By::Css("form[data-autosave] button[type=submit]")).await;
    assert_eq!(text_of(&officer, "#ap-explained").await, "1 / 1");
    click_id(&officer, "confirm").await;
    click_to_navigate(&officer, By::Css("form[action$='/appraisal/send'] button")).await;
    assert!(
        text_of(&officer, "#ap-stage")
            .await
            .contains("đang xem xét giải trình")
    );

    // Round 2: MoHA accepts the explanation and makes the scores final.
    moha.goto(app.url(&format!("/admin/units/{qni}/appraisal/leaf/1.1.1")))
        .await
        .unwrap();
    assert!(
        text_of(&moha, "#history-explanation")
            .await
            .contains("Quyết định 12/QĐ-UBND")
    );
    click_id(&moha, "verdict-accept").await;
    click_to_navigate(&moha, By::Css("#decision button[type=submit]")).await;
    click_id(&moha, "confirm").await;
    click_to_navigate(&moha, By::Css("form[action$='/appraisal/finalize'] button")).await;
    assert!(
        text_of(&moha, "#ap-stage")
            .await
            .contains("Đã có điểm chính thức")
    );
    moha.quit().await.unwrap();

    // The unit sees the final scores with the leaf's whole history.
    officer
        .goto(app.url(&format!("/unit/{qni}/appraisal")))
        .await
        .unwrap();
    assert_eq!(
        text_of(&officer, "#ap-points").await,
        text_of(&officer, "#ap-self-points").await,
        "the explanation restored the only cut"
    );
    let row = text_of(&officer, "#leaf-1\\.1\\.1").await;
    assert!(
        row.contains("Tài liệu kiểm chứng chưa có chữ ký") && row.contains("Quyết định 12/QĐ-UBND"),
        "{row}"
    );
    officer.quit().await.unwrap();
}

fn respondents_xlsx(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (j, h) in [
        "Họ và tên",
        "Chức vụ",
        "Cơ quan/đơn vị",
        "Nhóm đối tượng",
        "Email công vụ",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, j as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in r.iter().enumerate() {
            ws.write_string((i + 1) as u32, j as u16, *c).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_fixes_a_respondent_file_and_sends_the_list() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let d = start_driver().await;
    let b = browser(&d, 1280, 900).await;
    log_in(&b, &app, "qni.canbo").await;
    click_to_navigate(&b, By::Id("go-respondents")).await;
    assert!(text_of(&b, "#rl-state").await.contains("Đang lập"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("danh sách.xlsx");
    std::fs::write(
        &bad,
        respondents_xlsx(&[
            [
                "Nguyễn Văn An",
                "Đại biểu",
                "HĐND tỉnh",
                "Đại biểu Hội đồng nhân dân tỉnh",
                "an@quangninh.gov.vn",
            ],
            [
                "Trần Thị Bình",
                "Giám đốc",
                "Sở Y tế",
                "Lãnh đạo sở",
                "binh@quangninh",
            ],
        ]),
    )
    .unwrap();
    type_into(&b, "rl-file", bad.to_str().unwrap()).await;
    click_to_navigate(&b, By::Css("form[action$='/respondents/import'] button")).await;
    let report = text_of(&b, "#problems").await;
    assert!(
        report.contains("Email không hợp lệ")
            && report.contains("Nhóm đối tượng không có trong danh mục"),
        "{report}"
    );
    assert!(!b.find_all(By::Id("errors-file")).await.unwrap().is_empty());

    // The fixed file covers every group, so the list can be sent.
    let good = dir.path().join("danh sách đã sửa.xlsx");
    std::fs::write(
        &good,
        respondents_xlsx(&[
            [
                "Nguyễn Văn An",
                "Đại biểu",
                "HĐND tỉnh",
                "Đại biểu Hội đồng nhân dân tỉnh",
                "an@quangninh.gov.vn",
            ],
            [
                "Trần Thị Bình",
                "Giám đốc",
                "Sở Y tế",
                "Lãnh đạo sở, ban, ngành cấp tỉnh",
                "binh@quangninh.gov.vn",
            ],
            [
                "Lê Văn Cường",
                "Trưởng phòng",
                "Sở Y tế",
                "Lãnh đạo phòng chuyên môn thuộc sở",
                "cuong@quangninh.gov.vn",
            ],
            [
                "Phạm Thị Dung",
                "Chủ tịch",
                "UBND huyện Vân Đồn",
                "Lãnh đạo Ủy ban nhân dân cấp huyện",
                "dung@quangninh.gov.vn",
            ],
        ]),
    )
    .unwrap();
    click_to_navigate(&b, By::Css("main p a")).await;
    type_into(&b, "rl-file", good.to_str().unwrap()).await;
    click_to_navigate(&b, By::Css("form[action$='/respondents/import'] button")).await;
    assert_eq!(text_of(&b, ".notice").await, "Đã nhập danh sách.");
    assert_eq!(text_of(&b, "#rl-total").await, "4");
    click_id(&b, "confirm").await;
    click_to_navigate(&b, By::Css("#send-form button")).await;
    assert!(text_of(&b, "#rl-state").await.contains("Đã gửi Bộ Nội vụ"));
    assert!(
        b.find_all(By::Id("rl-file")).await.unwrap().is_empty(),
        "no import once sent"
    );
    b.quit().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_respondent_answers_from_a_received_email_leaves_resumes_and_submits_once() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let server = parindex_tests::smtp::SmtpServer::start().await;
    parindex_tests::survey::open_survey(&app).await;
    let transport =
        parindex_mail::Transport::smtp(&server.url(), 2, Duration::from_secs(10)).unwrap();
    parindex_tests::survey::worker(&app, transport, "browser", 100)
        .drain()
        .await
        .unwrap();
    let mail = server
        .received()
        .into_iter()
        .next()
        .expect("an invitation arrived");
    let url = parindex_tests::email::survey_url(&mail.raw).expect("a link in the e-mail");
    assert!(url.starts_with(&app.base), "{url}");
    let token = url.rsplit('/').next().unwrap().to_string();
    let view = parindex_db::survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap();
    let set = parindex_db::questionnaires::get(&app.db, app.campaign_id().await, "province")
        .await
        .unwrap()
        .unwrap();
    let codes: Vec<String> = set
        .for_group(&view.group_code)
        .unwrap()
        .questions
        .iter()
        .map(|q| q.code.clone())
        .collect();
    let pages = codes.len().div_ceil(5);
    let d = start_driver().await;

    // On a phone: open the link, start, answer the first page, and stop for now.
    let b = browser(&d, 390, 844).await;
    b.goto(&url).await.unwrap();
    assert!(
        text_of(&b, "#sv-unit")
            .await
            .contains("Ủy ban nhân dân tỉnh An Giang")
    );
    click_to_navigate(&b, By::Id("sv-start")).await;
    assert!(
        text_of(&b, "#sv-progress")
            .await
            .contains(&format!("1/{pages}"))
    );
    assert!(
        !b.find_all(By::Css("fieldset legend"))
            .await
            .unwrap()
            .is_empty()
    );
    for c in &codes[..5] {
        click_id(&b, &format!("q_{c}-B")).await;
    }
    let width: Vec<i64> = b
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert!(
        width[0] <= width[1],
        "the question page fits a phone: {width:?}"
    );
    click_to_navigate(&b, By::Id("sv-stop")).await;
    assert!(text_of(&b, ".notice").await.contains("Đã lưu câu trả lời"));
    b.quit().await.unwrap();

    // Later, another browser: the same link resumes where the respondent left.
    let b = browser(&d, 1280, 900).await;
    b.goto(&url).await.unwrap();
    assert_eq!(text_of(&b, "#sv-start").await, "Trả lời tiếp");
    click_to_navigate(&b, By::Id("sv-start")).await;
    assert!(
        text_of(&b, "#sv-progress")
            .await
            .contains(&format!("2/{pages}"))
    );
    for page in 2..=pages {
        for c in codes.iter().skip((page - 1) * 5).take(5) {
            if page == pages && c == codes.last().unwrap() {
                continue;
            }
            click_id(&b, &format!("q_{c}-A")).await;
        }
        let next = if page == pages {
            "sv-to-check"
        } else {
            "sv-next"
        };
        click_to_navigate(&b, By::Id(next)).await;
    }
    // The check page lists every answer; the unanswered one stops the submission with a summary.
    assert!(text_of(&b, "#sv-answers").await.contains("B. "));
    assert!(text_of(&b, "#sv-answers").await.contains("Chưa trả lời"));
    click_to_navigate(&b, By::Id("sv-submit")).await;
    assert!(
        text_of(&b, "#error-summary")
            .await
            .contains("Còn 1 câu chưa trả lời")
    );
    let focused: String = b
        .execute("return document.activeElement.id;", vec![])
        .await
        .unwrap()
        .convert()
        .unwrap();
    assert_eq!(focused, "error-summary", "focus moves to the error summary");
    click_to_navigate(&b, By::Css("tr.missing a")).await;
    click_id(&b, &format!("q_{}-E", codes.last().unwrap())).await;
    click_to_navigate(&b, By::Id("sv-to-check")).await;
    click_to_navigate(&b, By::Id("sv-submit")).await;
    assert!(text_of(&b, "#sv-status").await.contains("Cảm ơn"));

    // A second submission from the browser is refused, and one response stays.
    let completed = parindex_db::survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap()
        .completed_at;
    assert!(completed.is_some());
    let old = b.find(By::Css("html")).await.unwrap();
    b.execute(
        &format!(
            "var f = document.createElement('form'); f.method = 'post'; \
             f.action = '/s/{token}/submit'; document.body.appendChild(f); f.submit();"
        ),
        vec![],
    )
    .await
    .unwrap();
    old.wait_until().stale().await.unwrap();
    assert!(
        text_of(&b, "#sv-status")
            .await
            .contains("đã được gửi trước đó")
    );
    let after = parindex_db::survey::by_token(&app.db, &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.completed_at, completed);
    assert_eq!(
        parindex_db::survey::answers(&app.db, view.invitation_id)
            .await
            .unwrap()
            .len(),
        codes.len()
    );
    b.quit().await.unwrap();
}

/// MoHA computes the draft and publishes it from the results page, on a phone; the public reads the
/// ranking and a report card without logging in, and every results page fits the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moha_publishes_the_index_and_the_public_reads_it_on_a_phone() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let cid = app.campaign_id().await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    b.goto(app.url(&format!("/admin/campaigns/{cid}")))
        .await
        .unwrap();
    click_to_navigate(&b, By::Id("go-results")).await;
    click_to_navigate(&b, By::Css("#res-compute button")).await;
    assert!(text_of(&b, "#res-shown").await.contains("Bản nháp"));
    // Without the confirmation nothing is published and the error summary says why.
    click_to_navigate(&b, By::Css("#res-publish button")).await;
    assert!(text_of(&b, "#error-summary").await.contains("xác nhận"));
    assert!(
        parindex_db::results::latest_published(&app.db, cid)
            .await
            .unwrap()
            .is_none()
    );
    click_id(&b, "confirm").await;
    type_into(&b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(&b, By::Css("#res-publish button")).await;
    assert!(text_of(&b, "#res-shown").await.contains("Phiên bản 1"));
    let hpg = app.unit_id("HPG").await;
    let public = browser(&d, 390, 844).await;
    for (who, path) in [
        (&b, format!("/admin/campaigns/{cid}/results")),
        (&b, format!("/unit/{hpg}/results")),
        (&public, "/results".to_string()),
        (&public, "/results/2023".to_string()),
        (&public, "/results/2023/unit/HPG".to_string()),
    ] {
        assert_fits(who, &app, &path).await;
    }
    assert!(text_of(&public, "#card-index").await.contains(','));
    assert!(text_of(&public, "h1").await.contains("Thành phố Hải Phòng"));
    b.quit().await.unwrap();
    public.quit().await.unwrap();
}

/// After a simulated campaign with interfering units, MoHA opens the review queue on a phone, reads
/// a flagged unit's evidence, is stopped by the missing confirmation, and cancels the unit's survey
/// results; the unit's officer sees the decision and its reason on the survey page. Every page fits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moha_reviews_a_flagged_unit_and_cancels_its_survey_on_a_phone() {
    let _one = SERIAL.lock().await;
    let app = spawn_app(Engine::Sqlite).await;
    let cid = app.campaign_id().await;
    let s = parindex_tests::survey::simulate_demo(&app).await;
    assert!(s.flagged.contains(&"HPG".to_string()), "{:?}", s.flagged);
    let hpg = app.unit_id("HPG").await;
    let d = start_driver().await;
    let b = browser(&d, 390, 844).await;
    log_in(&b, &app, "moha.admin").await;
    b.goto(app.url(&format!("/admin/campaigns/{cid}")))
        .await
        .unwrap();
    click_to_navigate(&b, By::Id("go-integrity")).await;
    assert!(text_of(&b, "#ig-queue").await.contains("Gắn cờ"));
    click_to_navigate(&b, By::Css(format!("tr[data-unit='{hpg}'] a"))).await;
    assert!(text_of(&b, "main").await.contains("Bằng chứng"));
    click_id(&b, "outcome-cancel").await;
    type_into(&b, "reason", "Một người trả lời hộ nhiều phiếu").await;
    type_into(&b, "responsible", "Ông Trần Văn B").await;
    click_to_navigate(&b, By::Css("#ig-decide button")).await;
    assert!(text_of(&b, "#error-summary").await.contains("xác nhận"));
    assert!(
        parindex_db::integrity::in_force(&app.db, cid, hpg)
            .await
            .unwrap()
            .is_none()
    );
    click_id(&b, "confirm").await;
    type_into(&b, "password", parindex::demo::DEMO_PASSWORD).await;
    click_to_navigate(&b, By::Css("#ig-decide button")).await;
    assert!(text_of(&b, "#ig-history").await.contains("Hủy toàn bộ"));
    for path in [
        format!("/admin/campaigns/{cid}/integrity"),
        format!("/admin/campaigns/{cid}/integrity/unit/{hpg}"),
    ] {
        assert_fits(&b, &app, &path).await;
    }
    let officer = browser(&d, 390, 844).await;
    log_in(&officer, &app, "hpg.canbo").await;
    assert_fits(&officer, &app, &format!("/unit/{hpg}/survey")).await;
    assert!(
        text_of(&officer, "#ig-decision")
            .await
            .contains("Một người trả lời hộ nhiều phiếu")
    );
    b.quit().await.unwrap();
    officer.quit().await.unwrap();
}
