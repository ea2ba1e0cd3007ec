use super::*;
use proptest::prelude::*;

fn row(line: usize, name: &str, org: &str, group: &str, email: &str, phone: &str) -> RawRow {
    RawRow {
        line,
        full_name: name.into(),
        position: "Giám đốc".into(),
        organisation: org.into(),
        group: group.into(),
        email: email.into(),
        phone: phone.into(),
        stand_in: String::new(),
    }
}

fn province() -> Vec<Group> {
    GroupSet::defaults_2023().province
}

fn ministry() -> Vec<Group> {
    GroupSet::defaults_2023().ministry
}

fn domains() -> Vec<String> {
    vec!["quangninh.gov.vn".into()]
}

#[test]
fn rows_are_cleaned_and_phones_normalised_in_every_common_form() {
    let decomposed = "Nguye\u{302}\u{303}n  Va\u{306}n   An "; // NFD, stray spaces
    let rows = vec![
        row(
            2,
            decomposed,
            "Sở Nội vụ",
            "lanh_dao_so",
            " An@QuangNinh.gov.vn ",
            "912345678",
        ),
        row(
            3,
            "Trần Thị Bình",
            "Sở Tài chính",
            "2",
            "binh@quangninh.gov.vn",
            "+84 912 345 679",
        ),
        RawRow {
            line: 4,
            ..RawRow::default()
        },
        row(
            5,
            "Lê Văn Cường",
            "Sở Y tế",
            "Lãnh đạo sở, ban, ngành cấp tỉnh",
            "cuong@quangninh.gov.vn",
            "9.1234568E8",
        ),
        row(
            6,
            "Phạm Thị Dung",
            "Sở Xây dựng",
            "LANH DAO SO, BAN, NGANH CAP TINH",
            "dung@quangninh.gov.vn",
            "912345681.0",
        ),
    ];
    let c = check(&rows, &province(), &domains(), &[]);
    assert!(c.ok(), "{:?}", c.problems);
    assert_eq!(c.empty_rows, 1);
    assert_eq!(c.rows.len(), 4);
    let first = &c.rows[0].1;
    assert_eq!(first.full_name, "Nguyễn Văn An");
    assert_eq!(first.email, "an@quangninh.gov.vn");
    assert_eq!(first.phone, "0912345678");
    assert_eq!(c.rows[1].1.phone, "0912345679");
    assert_eq!(c.rows[2].1.phone, "0912345680");
    assert_eq!(c.rows[3].1.phone, "0912345681");
    assert!(c.rows.iter().all(|(_, r)| r.group == "lanh_dao_so"));
}

#[test]
fn every_bad_cell_is_reported_with_its_row_and_column() {
    let rows = vec![
        row(2, "", "Sở Nội vụ", "lanh_dao_so", "khong-phai-email", "12"),
        row(
            3,
            "Trần Thị Bình",
            "",
            "nhóm lạ",
            "binh@quangninh.gov.vn",
            "",
        ),
    ];
    let c = check(&rows, &province(), &domains(), &[]);
    assert!(!c.ok());
    assert!(c.rows.is_empty(), "no bad row is kept");
    let at: Vec<(usize, Option<Column>)> = c.problems.iter().map(|p| (p.line, p.column)).collect();
    for want in [
        (2, Some(Column::FullName)),
        (2, Some(Column::Email)),
        (2, Some(Column::Phone)),
        (3, Some(Column::Organisation)),
        (3, Some(Column::Group)),
    ] {
        assert!(at.contains(&want), "{want:?} in {at:?}");
    }
    assert!(
        c.problems
            .iter()
            .all(|p| crate::message::tests::worded_in_both_languages(p.message().key))
    );
}

#[test]
fn the_peoples_council_wins_and_each_merge_is_reported() {
    let rows = vec![
        row(
            2,
            "Nguyễn Văn An",
            "Sở Nội vụ",
            "lanh_dao_so",
            "an@quangninh.gov.vn",
            "0912345678",
        ),
        row(
            3,
            "Trần Thị Bình",
            "Sở Tài chính",
            "lanh_dao_so",
            "binh@quangninh.gov.vn",
            "0912000002",
        ),
        row(
            4,
            "Nguyễn Văn An",
            "HĐND tỉnh",
            "hdnd",
            "an@quangninh.gov.vn",
            "",
        ),
        // Same name (typed without tones) and phone, another mailbox: the same person.
        row(
            5,
            "TRAN THI BINH",
            "HĐND tỉnh",
            "hdnd",
            "binh.hdnd@quangninh.gov.vn",
            "+84912000002",
        ),
    ];
    let c = check(&rows, &province(), &domains(), &[]);
    assert!(c.ok(), "{:?}", c.problems);
    assert_eq!(c.rows.len(), 2);
    assert!(c.rows.iter().all(|(_, r)| r.group == "hdnd"));
    assert_eq!(c.rows[0].0, 4);
    assert_eq!(c.merges.len(), 2);
    assert_eq!((c.merges[0].kept_line, c.merges[0].dropped_line), (4, 2));
    assert!(c.merges[0].by_email);
    assert!(!c.merges[1].by_email);
    let m = c.merges[0].message();
    assert_eq!(m.key, "rp-merged-same-email");
    assert!(
        m.args
            .iter()
            .any(|(k, v)| *k == "kept_group" && v.contains("Đại biểu Hội đồng nhân dân tỉnh"))
    );
}

#[test]
fn repeats_without_a_priority_group_are_problems() {
    let rows = vec![
        row(
            2,
            "Nguyễn Văn An",
            "Sở Nội vụ",
            "lanh_dao_so",
            "an@quangninh.gov.vn",
            "",
        ),
        row(
            3,
            "Nguyễn Văn An",
            "Sở Nội vụ",
            "lanh_dao_so",
            "AN@quangninh.gov.vn",
            "",
        ),
        row(
            4,
            "Nguyễn Văn An",
            "Phòng Tổ chức",
            "lanh_dao_phong_so",
            "an@quangninh.gov.vn",
            "",
        ),
    ];
    let c = check(&rows, &province(), &domains(), &[]);
    let kinds: Vec<&ProblemKind> = c.problems.iter().map(|p| &p.kind).collect();
    assert_eq!(
        kinds,
        vec![
            &ProblemKind::Duplicate { first_line: 2 },
            &ProblemKind::SeveralGroups { other_line: 2 }
        ]
    );
    // Against the list already stored.
    let existing = c.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>();
    let again = check(&rows[..1], &province(), &domains(), &existing);
    assert!(matches!(
        again.problems[0].kind,
        ProblemKind::AlreadyListed { .. }
    ));
}

#[test]
fn quotas_and_stand_ins_follow_the_group_rules() {
    let mut rows = Vec::new();
    let mut line = 2;
    let mut add = |org: &str, group: &str, stand_in: &str, rows: &mut Vec<RawRow>| {
        let mut r = row(
            line,
            &format!("Người {line}"),
            org,
            group,
            &format!("p{line}@moj.gov.vn"),
            "",
        );
        r.stand_in = stand_in.into();
        rows.push(r);
        line += 1;
    };
    // PAR officials: 3 for one unit (too many), 1 for another (not yet complete), 2 for a third.
    for org in [
        "Vụ Pháp chế",
        "Vụ Pháp chế",
        "Vụ Pháp chế",
        "Cục Con nuôi",
        "Văn phòng Bộ",
        "Văn phòng Bộ",
    ] {
        add(org, "cong_chuc_cchc", "", &mut rows);
    }
    // Associations: six of them, one more than allowed; a stand-in is fine here.
    for org in [
        "Hội Luật gia",
        "Hội Công chứng",
        "Hiệp hội A",
        "Hiệp hội B",
        "Hội C",
        "Hội D",
    ] {
        add(org, "lanh_dao_hoi", "x", &mut rows);
    }
    // A stand-in where the group takes none.
    add("Vụ Tổ chức cán bộ", "lanh_dao_vu", "có", &mut rows);
    let c = check(&rows, &ministry(), &["moj.gov.vn".into()], &[]);
    let kinds: Vec<&ProblemKind> = c.problems.iter().map(|p| &p.kind).collect();
    assert!(
        kinds.iter().any(|k| matches!(
            k,
            ProblemKind::OverQuota {
                got: 3,
                exactly: 2,
                ..
            }
        )),
        "{kinds:?}"
    );
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, ProblemKind::UnderQuota { got: 1, .. })),
        "{kinds:?}"
    );
    let too_many: Vec<usize> = c
        .problems
        .iter()
        .filter(|p| matches!(p.kind, ProblemKind::TooManyOrganisations { max: 5 }))
        .map(|p| p.line)
        .collect();
    assert_eq!(too_many, vec![13], "the sixth association's row");
    assert!(
        c.problems
            .iter()
            .any(|p| p.line == 14 && p.kind == ProblemKind::StandInNotAllowed)
    );
    assert!(c.rows.iter().filter(|(_, r)| r.stand_in).count() == 6);
}

#[test]
fn an_outside_mailbox_only_warns() {
    let rows = vec![row(
        2,
        "Nguyễn Văn An",
        "Sở Nội vụ",
        "lanh_dao_so",
        "an@gmail.com",
        "",
    )];
    let c = check(&rows, &province(), &domains(), &[]);
    assert!(c.ok());
    assert_eq!(c.rows.len(), 1);
    assert!(c.problems[0].warning());
    let m = c.problems[0].message();
    assert_eq!(m.key, "rp-outside-domains");
    assert!(m.args[0].1.contains("quangninh.gov.vn"));
}

#[test]
fn the_address_note_fits_who_the_group_works_for() {
    let moj = ["moj.gov.vn".to_string()];
    let notes = |group: &str, email: &str| -> Vec<ProblemKind> {
        let c = check(
            &[row(
                2,
                "Nguyễn Văn An",
                "Sở Tư pháp Hà Nội",
                group,
                email,
                "",
            )],
            &ministry(),
            &moj,
            &[],
        );
        c.problems.into_iter().map(|p| p.kind).collect()
    };
    // The ministry's own leaders: its own domains.
    assert!(notes("lanh_dao_vu", "an@moj.gov.vn").is_empty());
    assert!(matches!(
        notes("lanh_dao_vu", "an@hanoi.gov.vn")[..],
        [ProblemKind::OutsideDomains { .. }]
    ));
    // Provincial departments of the sector: any official address, and a private one is noted.
    assert!(notes("lanh_dao_so", "an@stp.hanoi.gov.vn").is_empty());
    assert!(notes("lanh_dao_phong_so", "an@moj.gov.vn").is_empty());
    assert_eq!(
        notes("lanh_dao_so", "an@gmail.com"),
        vec![ProblemKind::OutsideOfficialDomains]
    );
    // Associations have their own addresses: no note.
    assert!(notes("lanh_dao_hoi", "an@hoiluatgia.org.vn").is_empty());
    assert!(notes("lanh_dao_hoi", "an@gmail.com").is_empty());
}

#[test]
fn a_quota_counts_who_is_listed_apart_from_who_is_added() {
    let row_of = |line: usize, name: &str| {
        row(
            line,
            name,
            "Vụ Pháp chế",
            "cong_chuc_cchc",
            &format!("{line}@moj.gov.vn"),
            "",
        )
    };
    // Two listed already, one more from a form or a file: three where the rule asks for two.
    let listed = check(
        &[row_of(2, "Người A"), row_of(3, "Người B")],
        &ministry(),
        &["moj.gov.vn".into()],
        &[],
    );
    let existing: Vec<Respondent> = listed.rows.iter().map(|(_, r)| r.clone()).collect();
    let c = check(
        &[row_of(4, "Người C")],
        &ministry(),
        &["moj.gov.vn".into()],
        &existing,
    );
    let p = c
        .problems
        .iter()
        .find(|p| matches!(p.kind, ProblemKind::OverQuota { .. }))
        .expect("over the quota");
    assert_eq!(p.line, 4, "the row that goes over");
    assert_eq!(
        p.kind,
        ProblemKind::OverQuota {
            organisation: "Vụ Pháp chế".into(),
            exactly: 2,
            got: 3,
            listed: 2
        }
    );
    let m = p.message();
    assert_eq!(m.key, "rp-over-quota-listed");
    // From a file alone, it is the file's count.
    let file = check(
        &[
            row_of(2, "Người A"),
            row_of(3, "Người B"),
            row_of(4, "Người C"),
        ],
        &ministry(),
        &["moj.gov.vn".into()],
        &[],
    );
    let p = file
        .problems
        .iter()
        .find(|p| matches!(p.kind, ProblemKind::OverQuota { .. }))
        .expect("over the quota");
    assert_eq!(p.message().key, "rp-over-quota");
}

fn any_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("hdnd".to_string()),
        Just("2".to_string()),
        Just("a@quangninh.gov.vn".to_string()),
        Just("0912345678".to_string()),
        "\\PC{0,30}",
    ]
}

proptest! {
    /// Whatever the cells hold, checking never panics, and every non-empty row ends up kept, merged,
    /// or named by at least one problem.
    #[test]
    fn every_row_is_accounted_for(cells in proptest::collection::vec(proptest::collection::vec(any_cell(), 7), 0..25)) {
        let rows: Vec<RawRow> = cells.iter().enumerate().map(|(i, c)| RawRow {
            line: i + 2,
            full_name: c[0].clone(), position: c[1].clone(), organisation: c[2].clone(),
            group: c[3].clone(), email: c[4].clone(), phone: c[5].clone(), stand_in: c[6].clone(),
        }).collect();
        let c = check(&rows, &province(), &domains(), &[]);
        for r in rows.iter().filter(|r| !r.is_empty()) {
            let kept = c.rows.iter().any(|(l, _)| *l == r.line);
            let merged = c.merges.iter().any(|m| m.dropped_line == r.line);
            let named = c.problems.iter().any(|p| p.line == r.line && !p.warning());
            prop_assert!(kept || merged || named, "row {} vanished", r.line);
        }
        prop_assert_eq!(c.empty_rows, rows.iter().filter(|r| r.is_empty()).count());
    }
}
