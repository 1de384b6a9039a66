//! The committed OpenAPI document must equal what the code generates.
//! Regenerate with `UPDATE_OPENAPI=1 cargo test --test openapi`.

use std::path::Path;

#[test]
fn committed_openapi_matches_the_code() {
    let generated = portfel_api::openapi().to_pretty_json().unwrap() + "\n";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test openapi` and commit it"
    );
}

#[test]
fn every_operation_is_documented() {
    let spec = serde_json::to_value(portfel_api::openapi()).unwrap();
    let mut operations = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let where_ = format!("{method} {path}");
            assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{where_} has no summary");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.keys().any(|k| k.starts_with('2')), "{where_} has no success response");
            if path.starts_with("/api/") {
                assert!(responses.contains_key("401") && responses.contains_key("403"), "{where_} lacks auth errors");
                assert_eq!(op["security"][0]["bearer"], serde_json::json!([]), "{where_} lacks security");
            }
            let if_match = op["parameters"].as_array().is_some_and(|ps| ps.iter().any(|p| p["name"] == "If-Match"));
            if if_match {
                assert!(
                    responses.contains_key("412") && responses.contains_key("428"),
                    "{where_} lacks precondition errors"
                );
            }
            if method == "put" && !path.ends_with("/scores") {
                assert!(if_match, "{where_} replaces a resource without If-Match");
            }
        }
    }
    assert!(operations >= 25, "only {operations} operations");
    assert_eq!(spec["openapi"], "3.1.0");
}

#[test]
fn every_reference_resolves() {
    fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                    out.push(r.clone());
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let spec = serde_json::to_value(portfel_api::openapi()).unwrap();
    let mut found = Vec::new();
    refs(&spec, &mut found);
    assert!(found.len() > 50);
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(spec["components"]["schemas"].get(name).is_some(), "{r} does not resolve");
    }
}
