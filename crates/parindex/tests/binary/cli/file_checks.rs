//! `framework check` and `questionnaire check`: counts for a good file, every problem for a bad one.

use super::*;

#[test]
fn framework_check_prints_counts_or_every_problem() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frameworks/2023");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_parindex"))
            .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&["framework", "check", &format!("{root}/ministry.toml")]);
    assert!(ok.status.success());
    let text = stdout(&ok);
    for want in [
        "MINH HỌA",
        "lĩnh vực               7",
        "tiêu chí               38",
        "tiêu chí thành phần    97",
        "31,50 điểm",
        "100,00",
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    let en = run(&[
        "framework",
        "check",
        &format!("{root}/province.toml"),
        "--lang",
        "en",
    ]);
    assert!(
        stdout(&en).contains("sub-criteria           88")
            && stdout(&en).contains("1 leaf, 5.00 points"),
        "{}",
        stdout(&en)
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let original = std::fs::read_to_string(format!("{root}/ministry.toml")).unwrap();
    std::fs::write(
        &bad,
        original.replacen("method = \"survey\"", "method = \"poll\"", 1),
    )
    .unwrap();
    let b = run(&["framework", "check", bad.to_str().unwrap()]);
    assert_eq!(b.status.code(), Some(1));
    assert!(
        stdout(&b).contains("phương pháp \"poll\" không hợp lệ"),
        "{}",
        stdout(&b)
    );
}

#[test]
fn questionnaire_check_links_questions_to_survey_leaves() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../frameworks/2023");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_parindex"))
            .env("PARINDEX_AUDIT_KEY", parindex_tests::AUDIT_KEY_HEX)
            .args(args)
            .output()
            .unwrap()
    };
    let ok = run(&[
        "questionnaire",
        "check",
        &format!("{root}/questionnaires/province.toml"),
        "--criteria",
        &format!("{root}/province.toml"),
    ]);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("Đại biểu Hội đồng nhân dân tỉnh: 17 câu hỏi"));
    // A question pointed at a self-assessed leaf, and a survey leaf left without questions.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    let original = std::fs::read_to_string(format!("{root}/questionnaires/province.toml")).unwrap();
    std::fs::write(
        &bad,
        original.replace("leaf = \"1.6.1\"", "leaf = \"1.1.1\""),
    )
    .unwrap();
    let b = run(&[
        "questionnaire",
        "check",
        bad.to_str().unwrap(),
        "--criteria",
        &format!("{root}/province.toml"),
        "--lang",
        "en",
    ]);
    assert_eq!(b.status.code(), Some(1));
    let text = stdout(&b);
    assert!(
        text.contains("sub-criterion 1.1.1 is not assessed by survey")
            && text.contains("Sub-criterion 1.6.1 is assessed by survey but no question feeds it"),
        "{text}"
    );
}
