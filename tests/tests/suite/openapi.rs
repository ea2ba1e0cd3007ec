//! Real API responses checked against the OpenAPI document the server publishes: a small validator
//! for the part of JSON Schema the document uses (`type`, with `null` in a list; `enum`;
//! `required`; `properties`; `additionalProperties`; `items`; `$ref`; `oneOf`, `anyOf` and
//! `allOf`, as the generator writes an optional object). It is strict where drift
//! hides: an object whose schema lists its properties may not carry one that is not listed.

use serde_json::Value;

/// The response schema the document gives for `method` on `path` (the document's templated path,
/// such as `/api/v1/units/{unit}`) with `status`.
pub fn response_schema<'a>(doc: &'a Value, path: &str, method: &str, status: u16) -> &'a Value {
    let schema = &doc["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]
        ["schema"];
    assert!(
        !schema.is_null(),
        "the document has no {status} JSON response for {method} {path}"
    );
    schema
}

/// Every way `value` breaks `schema`, each with its JSON pointer; empty when it conforms.
pub fn violations(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    check(doc, schema, value, "", &mut out);
    out
}

/// Fails the test, listing every violation, unless `body` conforms to the document's response for
/// `method path` with `status`.
pub fn assert_conforms(doc: &Value, path: &str, method: &str, status: u16, body: &Value) {
    let schema = response_schema(doc, path, method, status);
    let found = violations(doc, schema, body);
    assert!(
        found.is_empty(),
        "{method} {path} ({status}) does not match the OpenAPI document:\n{}",
        found.join("\n")
    );
}

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unsupported $ref {r}"));
            let target = &doc["components"]["schemas"][name];
            assert!(!target.is_null(), "$ref to a missing schema {r}");
            resolve(doc, target)
        }
        None => schema,
    }
}

fn type_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_allows(declared: &Value, actual: &str) -> bool {
    let one = |t: &str| t == actual || (t == "number" && actual == "integer");
    match declared {
        Value::String(t) => one(t),
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

fn check(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    let here = if at.is_empty() { "/" } else { at };
    for s in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(doc, s, value, at, out);
    }
    for (keyword, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        let Some(alternatives) = schema.get(keyword).and_then(Value::as_array) else {
            continue;
        };
        let found: Vec<Vec<String>> = alternatives
            .iter()
            .map(|s| {
                let mut v = Vec::new();
                check(doc, s, value, at, &mut v);
                v
            })
            .collect();
        let matching = found.iter().filter(|v| v.is_empty()).count();
        if matching == 0 {
            out.push(format!(
                "{here}: matches none of the {keyword} alternatives: {}",
                found.concat().join("; ")
            ));
        } else if exactly_one && matching > 1 {
            out.push(format!(
                "{here}: matches {matching} of the oneOf alternatives"
            ));
        }
    }
    if let Some(t) = schema.get("type")
        && !type_allows(t, type_of(value))
    {
        out.push(format!(
            "{here}: is {}, the document says {t}",
            type_of(value)
        ));
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        out.push(format!(
            "{here}: {value} is not one of {}",
            Value::from(allowed.clone())
        ));
    }
    match value {
        Value::Object(map) => {
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(name) {
                    out.push(format!("{here}: lacks the required {name:?}"));
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            for (name, v) in map {
                let inner = format!("{at}/{name}");
                match (properties.and_then(|p| p.get(name)), additional) {
                    (Some(s), _) => check(doc, s, v, &inner, out),
                    (None, Some(Value::Bool(false))) => {
                        out.push(format!("{inner}: not allowed by the document"))
                    }
                    (None, Some(s)) if s.is_object() => check(doc, s, v, &inner, out),
                    (None, _) if properties.is_some() => {
                        out.push(format!("{inner}: sent but not in the document"))
                    }
                    (None, _) => {}
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(doc, s, v, &format!("{at}/{i}"), out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({ "components": { "schemas": {
            "Leaf": { "type": "object", "required": ["code"], "properties": {
                "code": { "type": "string" },
                "score": { "type": ["string", "null"] },
                "status": { "type": "string", "enum": ["complete", "in_progress"] } } },
            "Map": { "type": "object", "additionalProperties": { "type": "integer" } },
            "MaybeLeaf": { "oneOf": [{ "$ref": "#/components/schemas/Leaf" }, { "type": "null" }] },
            "Free": { "type": "object" }
        } } })
    }

    fn leaf() -> Value {
        json!({ "$ref": "#/components/schemas/Leaf" })
    }

    #[test]
    fn a_conforming_value_has_no_violation() {
        let d = doc();
        let v = json!({ "code": "1.1", "score": null, "status": "complete" });
        assert!(violations(&d, &leaf(), &v).is_empty());
        let list = json!({ "type": "array", "items": leaf() });
        assert!(violations(&d, &list, &json!([{ "code": "1" }, { "code": "2" }])).is_empty());
        let free = json!({ "$ref": "#/components/schemas/Free" });
        assert!(violations(&d, &free, &json!({ "anything": [1, 2] })).is_empty());
    }

    #[test]
    fn each_kind_of_drift_is_caught_with_its_place() {
        let d = doc();
        let v = json!({ "score": 1.5, "status": "done", "extra": true });
        let found = violations(&d, &leaf(), &v);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(
            found
                .iter()
                .any(|f| f.contains("lacks the required \"code\""))
        );
        assert!(found.iter().any(|f| f.starts_with("/score: is number")));
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("/status: \"done\" is not one of"))
        );
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("/extra: sent but not in the document"))
        );
        let list = json!({ "type": "array", "items": leaf() });
        let found = violations(&d, &list, &json!([{ "code": "1" }, { "code": 2 }]));
        assert_eq!(
            found,
            vec!["/1/code: is integer, the document says \"string\""]
        );
        let map = json!({ "$ref": "#/components/schemas/Map" });
        let found = violations(&d, &map, &json!({ "a": 1, "b": "x" }));
        assert_eq!(found, vec!["/b: is string, the document says \"integer\""]);
    }

    #[test]
    fn an_optional_object_is_either_null_or_the_object() {
        let d = doc();
        let maybe = json!({ "$ref": "#/components/schemas/MaybeLeaf" });
        assert!(violations(&d, &maybe, &Value::Null).is_empty());
        assert!(violations(&d, &maybe, &json!({ "code": "1.1" })).is_empty());
        let found = violations(&d, &maybe, &json!({ "code": 7 }));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("/: matches none of the oneOf alternatives")
                && found[0].contains("/code: is integer"),
            "{found:?}"
        );
        let both = json!({ "oneOf": [{ "type": "string" }, { "type": ["string", "null"] }] });
        assert_eq!(
            violations(&d, &both, &json!("x")),
            vec!["/: matches 2 of the oneOf alternatives"]
        );
    }
}
