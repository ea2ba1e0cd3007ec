//! Contracts checked without a server: the OpenAPI document against the routes, and both
//! languages against every message key the code and templates use.

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
    let mut stack = vec![
        std::path::PathBuf::from(root).join("src"),
        std::path::PathBuf::from(root).join("templates"),
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
    let vi = include_str!("../../../../crates/web/locales/vi/main.ftl");
    let en = include_str!("../../../../crates/web/locales/en/main.ftl");
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
