//! The workspace's layering as written in its sources: the pure crates
//! depend on no IO and on no edge crate, and within every crate no file
//! reaches (through `crate::` or `super::` paths) a file that reaches it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The dependencies named in a manifest's `[dependencies]` table.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    text.lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.starts_with('['))
        .filter_map(|l| l.split(['=', '.']).next().map(str::trim).filter(|n| !n.is_empty() && !n.starts_with('#')))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_pure_crates_depend_on_no_io_and_no_edge() {
    let io = ["sea-orm", "axum", "tokio", "reqwest", "hyper", "tower", "tower-http", "lettre", "sqlx"];
    let edges = ["portfel-store", "portfel-api", "portfel-web", "portfel-dream", "portfel"];
    for name in ["domain", "scoring", "planning", "monitoring", "documents"] {
        let deps = dependencies(&workspace().join("crates").join(name).join("Cargo.toml"));
        assert!(deps.contains(&"rust_decimal".to_owned()), "{name}: the manifest was read ({deps:?})");
        for dep in &deps {
            assert!(!io.contains(&dep.as_str()), "the pure crate {name} depends on {dep}");
            assert!(!edges.contains(&dep.as_str()), "the pure crate {name} depends on the edge crate {dep}");
        }
    }
}

/// A crate's modules by path (`""` for the root), each with its source
/// without comments and without its `#[cfg(test)]` part.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code: String =
                code.lines().map(|l| l.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n");
            out.insert(parts.join("::"), code);
        }
    }
    out
}

/// The module a `crate::`/`super::`/`self::` path written in `from` names: its longest known prefix.
fn target(known: &BTreeMap<String, String>, from: &str, path: &[&str]) -> Option<String> {
    let mut base: Vec<&str> = if from.is_empty() { Vec::new() } else { from.split("::").collect() };
    let mut rest = path;
    match rest.first() {
        Some(&"crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some(&"self") => rest = &rest[1..],
        Some(&"super") => {
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    (0..=rest.len())
        .rev()
        .map(|n| base.iter().chain(&rest[..n]).copied().collect::<Vec<_>>().join("::"))
        .find(|m| known.contains_key(m))
}

/// The modules each module reaches, leaving out its ancestors and descendants.
fn reaches(known: &BTreeMap<String, String>) -> BTreeMap<String, BTreeSet<String>> {
    let path = regex::Regex::new(r"\b(?:crate|super|self)(?:::\w+)+").unwrap();
    let group = regex::Regex::new(r"use ((?:crate|super)(?:::\w+)*)::\{([^;]*)\};").unwrap();
    let word = regex::Regex::new(r"\w+").unwrap();
    let nested = |a: &str, b: &str| {
        a.is_empty() || b.is_empty() || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
    };
    let mut out = BTreeMap::new();
    for (module, code) in known {
        let mut to = BTreeSet::new();
        let mut add = |written: &str| {
            let parts: Vec<&str> = written.split("::").collect();
            if let Some(t) = target(known, module, &parts).filter(|t| t != module && !nested(module, t)) {
                to.insert(t);
            }
        };
        for m in path.find_iter(code) {
            add(m.as_str());
        }
        for c in group.captures_iter(code) {
            for name in word.find_iter(&c[2]) {
                add(&format!("{}::{}", &c[1], name.as_str()));
            }
        }
        out.insert(module.clone(), to);
    }
    out
}

/// A cycle through `start`, if one exists.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((at, trail)) = stack.pop() {
        for next in &graph[&at] {
            if next == start {
                return Some(trail.iter().cloned().chain([start.to_owned()]).collect());
            }
            if seen.insert(next.clone()) {
                stack.push((next.clone(), trail.iter().cloned().chain([next.clone()]).collect()));
            }
        }
    }
    None
}

#[test]
fn no_file_reaches_a_file_that_reaches_it_back() {
    let mut loops = Vec::new();
    let mut crates = 0;
    for entry in std::fs::read_dir(workspace().join("crates")).unwrap() {
        let src = entry.unwrap().path().join("src");
        let known = modules(&src);
        let graph = reaches(&known);
        crates += 1;
        assert!(graph.values().any(|t| !t.is_empty()), "{}: the modules' paths were read", src.display());
        for module in graph.keys() {
            if let Some(c) = cycle(&graph, module) {
                loops.push(format!("{}: {}", src.display(), c.join(" → ")));
            }
        }
    }
    assert!(crates >= 8, "every crate was read");
    assert!(loops.is_empty(), "import loops:\n{}", loops.join("\n"));
}

#[test]
fn a_loop_is_found_when_there_is_one() {
    let known: BTreeMap<String, String> = [
        ("".to_owned(), "mod a; mod b; mod c;".to_owned()),
        ("a".to_owned(), "use crate::b::Thing;".to_owned()),
        ("b".to_owned(), "use crate::{c, x};".to_owned()),
        ("c".to_owned(), "fn f() { super::a::g() }".to_owned()),
    ]
    .into();
    let graph = reaches(&known);
    assert_eq!(cycle(&graph, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    let without: BTreeMap<String, String> =
        known.into_iter().map(|(m, c)| if m == "c" { (m, String::new()) } else { (m, c) }).collect();
    assert_eq!(cycle(&reaches(&without), "a"), None);
}

/// `major.minor` of a `rust-version` value.
fn minor_version(v: &str) -> (u32, u32) {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap());
    (parts.next().unwrap(), parts.next().unwrap_or(0))
}

#[test]
fn the_declared_rust_version_is_one_every_dependency_builds_on() {
    // Only the packages built here: a fresh machine has not downloaded other platforms' ones.
    let host = std::process::Command::new("rustc").arg("-vV").output().unwrap();
    let host = String::from_utf8_lossy(&host.stdout);
    let host = host.lines().find_map(|l| l.strip_prefix("host: ")).unwrap().to_owned();
    let output = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--locked", "--filter-platform", &host])
        .current_dir(workspace())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    let ours = packages.iter().find(|p| p["name"] == "portfel").unwrap()["rust_version"].as_str().unwrap();
    let needed = packages
        .iter()
        .filter_map(|p| Some((minor_version(p["rust_version"].as_str()?), p["name"].as_str()?)))
        .max()
        .unwrap();
    assert!(minor_version(ours) >= needed.0, "rust-version {ours} is older than {} needs ({:?})", needed.1, needed.0);
    let compiler = std::process::Command::new("rustc").arg("--version").output().unwrap();
    let compiler = String::from_utf8_lossy(&compiler.stdout).split_whitespace().nth(1).unwrap().to_owned();
    assert!(
        minor_version(&compiler) >= minor_version(ours),
        "the compiler {compiler} is older than rust-version {ours}"
    );
}
