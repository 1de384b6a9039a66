//! Ukrainian for every rule: every refusal code the sources can produce has
//! its message in the one catalogue, in both languages, and the API answers
//! a problem in the language the request asks for.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use portfel_domain::messages::{CATALOGUE, Lang, entry, placeholders};
use reqwest::Method;
use serde_json::json;

use crate::common::*;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "tests") {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level arguments of the call whose `(` is at `open`, as source text.
fn arguments(text: &str, open: usize) -> Vec<String> {
    let (mut depth, mut args, mut current, mut in_string, mut escaped) = (0, Vec::new(), String::new(), false, false);
    for c in text[open..].chars() {
        if in_string {
            current.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > 1 {
                    current.push(c);
                }
            }
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(current.trim().to_owned());
                    return args;
                }
                current.push(c);
            }
            ',' if depth == 1 => args.push(std::mem::take(&mut current).trim().to_owned()),
            _ => current.push(c),
        }
    }
    args
}

/// Every refusal code written as a literal in the sources: the code argument
/// of `FieldError::new/of`, `StoreError::invalid`, `ApiError::bad_field`,
/// `ValidationError::new`, `code = ".."` of validator attributes, and the
/// validator checks used without a code of their own.
fn codes_in_sources() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("crates"), &mut files);
    let mut codes = BTreeSet::new();
    let literal = |arg: &str| {
        let inner = arg.strip_prefix('"')?.strip_suffix('"')?;
        inner.chars().all(|c| c.is_ascii_lowercase() || c == '_').then(|| inner.to_owned())
    };
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        for (call, index) in [
            ("FieldError::new(", 1),
            ("FieldError::of(", 1),
            ("StoreError::invalid(", 1),
            ("bad_field(", 1),
            ("ValidationError::new(", 0),
        ] {
            for (at, _) in text.match_indices(call) {
                let args = arguments(text, at + call.len() - 1);
                if let Some(code) = args.get(index).and_then(|a| literal(a)) {
                    codes.insert(code);
                }
            }
        }
        for (at, _) in text.match_indices("code = \"") {
            let rest = &text[at + 8..];
            codes.insert(rest[..rest.find('"').unwrap()].to_owned());
        }
        for check in ["length", "range", "email"] {
            if text.contains(&format!("validate({check}")) {
                codes.insert(check.to_owned());
            }
        }
    }
    codes
}

#[test]
fn every_refusal_code_has_its_message_in_ukrainian_and_english() {
    let codes = codes_in_sources();
    assert!(codes.len() > 40 && codes.contains("financing_mismatch") && codes.contains("edrpou"), "{codes:?}");
    let missing: Vec<_> = codes.iter().filter(|c| entry(c).is_none()).collect();
    assert!(missing.is_empty(), "codes without a message in the catalogue: {missing:?}");
    for e in CATALOGUE {
        assert!(!e.uk.trim().is_empty() && !e.en.trim().is_empty(), "{}", e.code);
        let (uk, en) = (placeholders(e.uk), placeholders(e.en));
        assert!(uk.iter().all(|p| en.contains(p)), "{}: {uk:?} against {en:?}", e.code);
    }
}

#[tokio::test]
async fn problems_answer_in_the_language_asked_for() {
    for app in TestApp::all().await {
        let w = World::create(&app).await;
        let mut body = complete_passport(w.goal);
        body["financing"][0]["amount"] = json!("1000000.00");
        body["costs"][0]["amount"] = json!("1380000.50");
        let (id, version) = create_passport(&app, &w.initiator_a(&app), &body).await;
        let submit = |lang: Option<&'static str>| {
            let mut r = app
                .req(Method::POST, &format!("/api/v1/passports/{id}/transitions"), &w.initiator_a(&app))
                .header("If-Match", format!("\"{version}\""))
                .json(&json!({"to": "submitted"}));
            if let Some(l) = lang {
                r = r.header("Accept-Language", l);
            }
            r
        };
        let response = submit(Some("uk-UA,uk;q=0.9,en;q=0.5")).send().await.unwrap();
        assert_eq!(response.headers()["content-language"], "uk");
        let (status, uk) = read(response).await;
        assert_eq!(status, 422, "{uk}");
        let error =
            uk["errors"].as_array().unwrap().iter().find(|e| e["code"] == "financing_mismatch").unwrap().clone();
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("1\u{202f}000\u{202f}000,00 грн") && message.contains("1\u{202f}380\u{202f}000,50 грн"),
            "{message}"
        );
        assert!(uk["detail"].as_str().unwrap().contains(message), "{uk}");
        assert_eq!(error["params"]["cost"], "1380000.50", "parameters as data: {error}");

        let response = submit(None).send().await.unwrap();
        assert_eq!(response.headers()["content-language"], "en");
        let (_, en) = read(response).await;
        let error =
            en["errors"].as_array().unwrap().iter().find(|e| e["code"] == "financing_mismatch").unwrap().clone();
        let expected = portfel_domain::FieldError {
            field: "financing".into(),
            code: "financing_mismatch".into(),
            params: serde_json::from_value(error["params"].clone()).unwrap(),
            message: String::new(),
        }
        .text(Lang::En);
        assert_eq!(error["message"], expected.as_str());
        assert!(expected.contains("1,380,000.50"), "{expected}");
    }
}
