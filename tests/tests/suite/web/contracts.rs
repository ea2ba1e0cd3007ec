//! Contracts checked without a server: the OpenAPI document against the routes, both languages
//! against every message key the code and templates use, and no Vietnamese text in Rust outside
//! the Fluent files beyond a list that only shrinks.

#[test]
fn the_openapi_document_describes_exactly_the_api_routes() {
    let spec = parindex_web::api::openapi::spec();
    let documented: std::collections::BTreeSet<String> =
        spec["paths"].as_object().unwrap().keys().cloned().collect();
    let routed: std::collections::BTreeSet<String> = parindex_web::route_table()
        .specs()
        .iter()
        .filter(|s| s.path.starts_with("/api/v1/"))
        .map(|s| s.path.to_string())
        .collect();
    assert_eq!(documented, routed);
}

#[test]
fn both_languages_have_every_message_the_code_and_templates_use() {
    use parindex_web::i18n::Lang;
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../crates/web");
    let mut keys = std::collections::BTreeSet::new();
    let crates = std::path::PathBuf::from(root).join("..");
    let mut stack = vec![
        std::path::PathBuf::from(root).join("src"),
        std::path::PathBuf::from(root).join("templates"),
        crates.join("domain/src"),
        crates.join("import/src"),
    ];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for part in text.split('"').skip(1).step_by(2) {
                let looks_like_key = part.len() > 3
                    && part.contains('-')
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
                    && !part.starts_with('-')
                    && !part.ends_with('-');
                if looks_like_key && (Lang::Vi.has(part) || Lang::En.has(part)) {
                    keys.insert(part.to_string());
                }
            }
        }
    }
    assert!(keys.len() > 100, "found only {} keys", keys.len());
    for k in &keys {
        assert!(Lang::Vi.has(k), "missing in vi: {k}");
        assert!(Lang::En.has(k), "missing in en: {k}");
    }
    let vi = include_str!("../../../../crates/i18n/locales/vi/main.ftl");
    let en = include_str!("../../../../crates/i18n/locales/en/main.ftl");
    let ids = |s: &str| {
        s.lines()
            .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.to_string()))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert_eq!(ids(vi), ids(en), "the two message files hold the same keys");
    for line in vi.lines() {
        assert_eq!(
            line,
            parindex_domain::text::clean(line).as_str().trim_end(),
            "vi messages are NFC: {line}"
        );
    }
}

/// Vietnamese string literals in a Rust file's production code (before its `#[cfg(test)]` part,
/// comments left out).
fn vietnamese_literals(source: &str) -> usize {
    let code: String = source
        .split("#[cfg(test)]")
        .next()
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("'\"'", "");
    let mut count = 0;
    let mut literal: Option<String> = None;
    let mut escaped = false;
    for c in code.chars() {
        match &mut literal {
            None if c == '"' => literal = Some(String::new()),
            None => {}
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(text) if c == '"' => {
                if text.chars().any(|c| c.is_alphabetic() && !c.is_ascii()) {
                    count += 1;
                }
                literal = None;
            }
            Some(text) => text.push(c),
        }
    }
    count
}

/// Files that may hold Vietnamese text in Rust, with how many literals each may hold at most: demo
/// and test data (real unit names, illustrative people), the programme's name, the header names an
/// importer accepts, and a setting's default. Every other text is in the Fluent files, and each
/// ceiling only goes down.
const VIETNAMESE_ALLOWED: &[(&str, usize, &str)] = &[
    ("crates/parindex/src/demo/mod.rs", 45, "demo data"),
    ("crates/parindex/src/demo/respondents.rs", 29, "demo data"),
    (
        "crates/parindex/src/demo/year_2025.rs",
        7,
        "demo data: the 2025 campaign and the commune leaders' group",
    ),
    (
        "crates/parindex/src/demo/self_assessments.rs",
        4,
        "demo data",
    ),
    ("crates/parindex/src/simulate.rs", 3, "demo data"),
    (
        "crates/domain/src/scoring/reference_tests.rs",
        1,
        "test data",
    ),
    ("crates/parindex/src/main.rs", 1, "the programme's name"),
    ("crates/web/src/api/openapi.rs", 1, "the programme's name"),
    (
        "crates/import/src/accounts.rs",
        4,
        "header names the importer accepts",
    ),
    (
        "crates/import/src/criteria_rows.rs",
        7,
        "header names the importer accepts",
    ),
    (
        "crates/import/src/unit_rows.rs",
        7,
        "header names the importer accepts",
    ),
    (
        "crates/parindex/src/settings.rs",
        1,
        "the default sender's name, a setting",
    ),
];

#[test]
fn no_vietnamese_text_is_left_in_rust_outside_the_fluent_files() {
    let root = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let mut found = std::collections::BTreeMap::new();
    let mut stack = vec![root.join("crates")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if p.is_dir() {
                if !["tests", "benches", "target", "locales", "templates"].contains(&name.as_str())
                {
                    stack.push(p);
                }
                continue;
            }
            if !name.ends_with(".rs") || name == "tests.rs" {
                continue;
            }
            let n = vietnamese_literals(&std::fs::read_to_string(&p).unwrap());
            if n > 0 {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                found.insert(rel, n);
            }
        }
    }
    let mut wrong = Vec::new();
    for (file, n) in &found {
        match VIETNAMESE_ALLOWED.iter().find(|(f, ..)| f == file) {
            None => wrong.push(format!(
                "{file}: {n} Vietnamese literals; put the text in crates/i18n/locales"
            )),
            Some((_, max, _)) if n > max => {
                wrong.push(format!("{file}: {n} Vietnamese literals, at most {max}"))
            }
            Some(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The list only shrinks: a file that no longer holds any, or holds fewer, is taken off or lowered.
    let stale: Vec<String> = VIETNAMESE_ALLOWED
        .iter()
        .filter(|(file, max, _)| found.get(*file) != Some(max))
        .map(|(file, max, _)| {
            format!(
                "{file}: holds {} Vietnamese literals, its ceiling is {max}",
                found.get(*file).copied().unwrap_or(0)
            )
        })
        .collect();
    assert!(
        stale.is_empty(),
        "lower each ceiling to what the file holds, or take the file off the list:\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_literal_counter_sees_strings_and_skips_comments_and_tests() {
    let src = "// \"Bình luận\"\nlet a = \"Xin chào\";\nlet b = \"hello \\\"Việt\\\"\";\nlet q = '\"';\nlet c = \"x\";\n#[cfg(test)]\nmod t { const T: &str = \"Thử\"; }";
    assert_eq!(vietnamese_literals(src), 2);
}
