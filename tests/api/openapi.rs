//! The committed OpenAPI document must equal what the code generates.
//! Regenerate with `UPDATE_OPENAPI=1 cargo test --test api openapi`.

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
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
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

/// The document tells the truth: parameters where they are, response schemas
/// that real responses satisfy, header patterns, every status the server
/// produces, and the ranges it enforces.
#[test]
fn the_document_describes_what_the_server_does() {
    let spec = serde_json::to_value(portfel_api::openapi()).unwrap();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let closed = |name: &str| schemas.get(name).is_some_and(|s| s["additionalProperties"] == false);
    let ref_name = |v: &serde_json::Value| v["$ref"].as_str().map(|r| r.rsplit('/').next().unwrap().to_owned());
    for (name, schema) in schemas {
        for part in schema["allOf"].as_array().into_iter().flatten() {
            let target = ref_name(part);
            assert!(!target.as_deref().is_some_and(closed), "{name} extends the closed schema {target:?}");
        }
    }
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let where_ = format!("{method} {path}");
            for param in op["parameters"].as_array().into_iter().flatten() {
                let name = param["name"].as_str().unwrap();
                if param["in"] == "path" {
                    assert!(path.contains(&format!("{{{name}}}")), "{where_}: {name} is not in the path");
                }
                if ["If-Match", "Idempotency-Key"].contains(&name) {
                    assert!(param["schema"]["pattern"].is_string(), "{where_}: {name} has no pattern");
                }
                if name == "cursor" {
                    let expected = match path.as_str() {
                        "/api/v1/dream/ideas" => portfel_api::cursor::TIME_ID_PATTERN,
                        _ => portfel_api::cursor::ID_PATTERN,
                    };
                    assert_eq!(param["schema"]["pattern"], expected, "{where_}: the cursor's documented pattern");
                }
                if name == "limit" {
                    assert!(
                        param["schema"]["minimum"] == 1 && param["schema"]["maximum"].is_u64(),
                        "{where_}: {param}"
                    );
                }
            }
            let responses = op["responses"].as_object().unwrap();
            for code in ["400", "408", "431", "503"] {
                assert!(responses.contains_key(code), "{where_} does not list {code}");
            }
            if method == "post" || method == "put" {
                for code in ["409", "413", "415", "422"] {
                    assert!(responses.contains_key(code), "{where_} does not list {code}");
                }
            }
            for (code, response) in responses.iter().filter(|(c, _)| c.starts_with('2')) {
                let schema = &response["content"]["application/json"]["schema"];
                let target = ref_name(schema).or_else(|| ref_name(&schema["items"]));
                assert!(
                    !target.as_deref().is_some_and(closed),
                    "{where_} {code} answers with the input schema {target:?}"
                );
            }
        }
    }
    let bounded = |schema: &str, field: &str| {
        let property = &schemas[schema]["properties"][field];
        assert!(property["minimum"].is_number() && property["maximum"].is_number(), "{schema}.{field}: {property}");
    };
    bounded("PlanRequest", "time_limit_seconds");
    bounded("SensitivityRequest", "trials");
    assert_eq!(schemas["OrganisationInput"]["properties"]["name"]["minLength"], 1);
}
