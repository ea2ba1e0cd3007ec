use super::problems::Problem;
use super::summary::summarize;
use super::{Method, file};
use crate::Points;

const GOOD: &str = r#"
[set]
code = "test-ministry"
level = "ministry"
name_vi = "Bộ tiêu chí thử"
name_en = "Test set"
illustrative = true
total = "10.00"

[[field]]
code = "1"
name_vi = "Công tác chỉ đạo, điều hành"
max = "4.5"

  [[field.criterion]]
  code = "1.1"
  name_vi = "Kế hoạch cải cách hành chính"
  max = 1.5
  method = "self"
  guidance_vi = "Ban hành kế hoạch đúng hạn: 1,5 điểm."

  [[field.criterion]]
  code = "1.2"
  name_vi = "Mức độ hài lòng"
  max = "3,00"

    [[field.criterion.sub]]
    code = "1.2.1"
    name_vi = "Đánh giá của lãnh đạo cấp vụ"
    max = "2.25"
    method = "survey"

    [[field.criterion.sub]]
    code = "1.2.2"
    name_vi = "Chỉ số SIPAS"
    max = "0.75"
    method = "imported"

[[field]]
code = "2"
name_vi = "Cải cách thể chế"
max = "5.50"

  [[field.criterion]]
  code = "2.1"
  name_vi = "Xây dựng văn bản"
  max = "5.50"
  method = "self"
"#;

fn problems(text: &str) -> Vec<Problem> {
    file::parse(text).expect_err("should be refused")
}

#[test]
fn a_good_set_reads_and_counts() {
    let set = file::parse(GOOD).expect("valid");
    assert!(set.illustrative);
    let s = summarize(&set);
    assert_eq!(
        (s.fields, s.criteria, s.sub_criteria, s.leaves),
        (2, 3, 2, 4)
    );
    assert_eq!(s.total.to_fixed(), "10.00");
    let by: Vec<(Method, usize, String)> = s
        .by_method
        .iter()
        .map(|(m, n, p)| (*m, *n, p.to_fixed()))
        .collect();
    assert_eq!(
        by,
        vec![
            (Method::SelfAssessed, 2, "7.00".into()),
            (Method::Survey, 1, "2.25".into()),
            (Method::Imported, 1, "0.75".into())
        ]
    );
    assert_eq!(
        set.find("1.1").map(|n| n.guidance_vi.as_str()),
        Some("Ban hành kế hoạch đúng hạn: 1,5 điểm.")
    );
    assert_eq!(
        set.leaves()
            .iter()
            .map(|l| l.code.as_str())
            .collect::<Vec<_>>(),
        vec!["1.1", "1.2.1", "1.2.2", "2.1"]
    );
}

#[test]
fn sums_must_match_at_every_level() {
    let p = problems(&GOOD.replace(r#"max = "2.25""#, r#"max = "2.20""#));
    assert!(p.contains(&Problem::ChildrenDoNotAddUp {
        code: "1.2".into(),
        children: Points::parse("2.95").expect("p"),
        max: Points::parse("3").expect("p")
    }));
    let p = problems(&GOOD.replace(r#"total = "10.00""#, r#"total = "100.00""#));
    assert_eq!(
        p,
        vec![Problem::FieldsDoNotAddUpToTotal {
            fields: Points::parse("10").expect("p"),
            total: Points::parse("100").expect("p")
        }]
    );
    let m = p[0].message();
    assert_eq!(m.key, "csp-fields-do-not-add-up");
    assert_eq!(
        m.args,
        vec![
            ("fields", "10.00".to_string()),
            ("total", "100.00".to_string())
        ]
    );
}

#[test]
fn codes_must_be_unique_and_nested() {
    let p = problems(&GOOD.replace(r#"code = "2.1""#, r#"code = "1.1""#));
    assert!(p.contains(&Problem::DuplicateCode("1.1".into())));
    assert!(p.contains(&Problem::CodeOutsideParent {
        code: "1.1".into(),
        parent: "2".into()
    }));
}

#[test]
fn methods_belong_on_leaves_only_and_must_be_known() {
    let p = problems(&GOOD.replace(r#"method = "imported""#, r#"method = "guess""#));
    assert!(p.contains(&Problem::UnknownMethod {
        code: "1.2.2".into(),
        value: "guess".into()
    }));
    assert!(p.contains(&Problem::LeafWithoutMethod("1.2.2".into())));
    let p = problems(&GOOD.replace("  code = \"1.2\"\n  name_vi = \"Mức độ hài lòng\"\n  max = \"3,00\"\n", "  code = \"1.2\"\n  name_vi = \"Mức độ hài lòng\"\n  max = \"3,00\"\n  method = \"self\"\n"));
    assert_eq!(p, vec![Problem::MethodOnBranch("1.2".into())]);
}

#[test]
fn bad_points_levels_and_shapes_are_named() {
    let p = problems(&GOOD.replace(r#"max = "0.75""#, r#"max = "0.755""#));
    assert!(p.contains(&Problem::BadPoints {
        code: "1.2.2".into(),
        value: "0.755".into()
    }));
    let p = problems(&GOOD.replace(r#"level = "ministry""#, r#"level = "district""#));
    assert_eq!(p, vec![Problem::UnknownLevel("district".into())]);
    let p = problems("[set]\ncode = 1\n");
    assert!(matches!(&p[0], Problem::Syntax(_)), "{p:?}");
    let p = problems(&GOOD.replace("guidance_vi", "guidence_vi"));
    assert!(
        matches!(&p[0], Problem::Syntax(e) if e.contains("guidence_vi")),
        "{p:?}"
    );
    let p = problems(&GOOD.replace(
        "    [[field.criterion.sub]]\n    code = \"1.2.2\"",
        "    [[field.criterion.sub.sub]]\n    code = \"1.2.2\"",
    ));
    assert!(!p.is_empty());
}

#[test]
fn every_problem_has_both_languages() {
    let all = [
        Problem::Syntax("x".into()),
        Problem::UnknownLevel("x".into()),
        Problem::DuplicateCode("1".into()),
        Problem::CodeOutsideParent {
            code: "2.1".into(),
            parent: "1".into(),
        },
        Problem::EmptyCode,
        Problem::EmptyName("1".into()),
        Problem::BadPoints {
            code: "1".into(),
            value: "x".into(),
        },
        Problem::ChildrenDoNotAddUp {
            code: "1".into(),
            children: Points::ZERO,
            max: Points::ZERO,
        },
        Problem::FieldsDoNotAddUpToTotal {
            fields: Points::ZERO,
            total: Points::ZERO,
        },
        Problem::LeafWithoutMethod("1".into()),
        Problem::MethodOnBranch("1".into()),
        Problem::UnknownMethod {
            code: "1".into(),
            value: "x".into(),
        },
        Problem::FieldWithoutCriteria("1".into()),
        Problem::TooDeep("1".into()),
        Problem::NoFields,
        Problem::NoParent {
            code: "1.2.3".into(),
            parent: "1.2".into(),
        },
        Problem::MissingColumn("Mã".into()),
    ];
    let keys: std::collections::BTreeSet<_> = all.iter().map(|p| p.message().key).collect();
    assert_eq!(keys.len(), all.len(), "each problem has its own message");
    for key in keys {
        assert!(
            crate::message::tests::worded_in_both_languages(key),
            "{key}"
        );
    }
}

#[test]
fn the_shipped_illustrative_sets_have_the_real_structure() {
    let ministry = file::parse(include_str!("../../../../frameworks/2023/ministry.toml"))
        .expect("ministry set");
    let s = summarize(&ministry);
    assert!(ministry.illustrative);
    assert_eq!((s.fields, s.criteria, s.sub_criteria), (7, 38, 97));
    assert_eq!(s.total.to_fixed(), "100.00");
    assert_eq!(
        s.by_method[1].2.to_fixed(),
        "31.50",
        "survey points, ministry level"
    );
    let per_field: Vec<(usize, usize)> = ministry
        .fields
        .iter()
        .map(|f| {
            (
                f.children.len(),
                f.children.iter().map(|c| c.children.len()).sum(),
            )
        })
        .collect();
    assert_eq!(
        per_field,
        vec![(7, 6), (9, 15), (6, 19), (4, 14), (6, 16), (3, 13), (3, 14)]
    );
    assert!(
        ministry.fields[0].children.iter().any(|c| c.is_leaf()),
        "some criteria are scored themselves"
    );

    let province = file::parse(include_str!("../../../../frameworks/2023/province.toml"))
        .expect("province set");
    let s = summarize(&province);
    assert!(province.illustrative);
    assert_eq!((s.fields, s.criteria, s.sub_criteria), (8, 37, 88));
    assert_eq!(s.total.to_fixed(), "100.00");
    assert_eq!(
        s.by_method[1].2.to_fixed(),
        "32.00",
        "survey points, province level"
    );
    assert_eq!(s.by_method[2].1, 1, "one imported (SIPAS) leaf");
    for set in [&ministry, &province] {
        for (_, n) in set.walk() {
            assert_eq!(
                n.name_vi,
                crate::text::clean(&n.name_vi),
                "names are NFC and trimmed: {}",
                n.code
            );
            assert!(!n.name_en.is_empty(), "{} has an English name", n.code);
        }
    }
}

#[test]
#[allow(clippy::unwrap_used)]
fn a_leaf_is_found_under_its_field_and_criterion() {
    let set = file::parse(include_str!("../../../../frameworks/2023/province.toml")).unwrap();
    let leaf = set
        .leaves()
        .into_iter()
        .find(|n| n.code.matches('.').count() == 2)
        .unwrap();
    let (field, criterion) = set.path_to(&leaf.code).unwrap();
    let criterion = criterion.unwrap();
    assert!(leaf.code.starts_with(&format!("{}.", criterion.code)));
    assert!(criterion.code.starts_with(&format!("{}.", field.code)));
    assert_eq!(
        set.path_to(&criterion.code).unwrap().1.unwrap().code,
        criterion.code
    );
    assert!(set.path_to(&field.code).unwrap().1.is_none());
    assert!(set.path_to("99.1").is_none());
}
