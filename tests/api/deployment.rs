//! The deployment files as written: the Dockerfile, compose.yaml, the systemd
//! unit and the example configuration parse, and every `portfel` command
//! they run is one the command line accepts, with its arguments.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;

use clap::Parser;
use portfel::cli::Cli;
use portfel::config::Config;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

/// Fails unless `portfel` accepts `args` (what follows the program's name).
fn accepted(args: &[&str], whence: &str) {
    let argv = std::iter::once("portfel").chain(args.iter().copied());
    if let Err(e) = Cli::try_parse_from(argv) {
        panic!("{whence}: `portfel {}` is refused:\n{e}", args.join(" "));
    }
}

/// Fails unless every variable is one Portfel reads and its value parses.
fn known_variables(env: &HashMap<String, String>, whence: &str) {
    let asked = RefCell::new(Vec::new());
    Config::default()
        .apply_env(|name| {
            asked.borrow_mut().push(name.to_owned());
            env.get(name).cloned()
        })
        .unwrap_or_else(|e| panic!("{whence}: {e:#}"));
    for name in env.keys().filter(|n| n.starts_with("PORTFEL_")) {
        assert!(asked.borrow().contains(name), "{whence}: Portfel does not read {name}");
    }
}

/// A JSON-array (exec form) argument of a Dockerfile instruction.
fn exec_form(rest: &str) -> Vec<String> {
    serde_json::from_str(rest).unwrap_or_else(|e| panic!("not an exec-form array: {rest}: {e}"))
}

#[test]
fn the_image_builds_in_the_features_it_is_given_and_none_by_default() {
    let text = read("Dockerfile").replace("\\\n", " ");
    assert!(text.lines().any(|l| l.trim() == "ARG FEATURES=\"\""), "no features unless asked for");
    let build = text.lines().find(|l| l.contains("cargo build")).expect("the build step");
    assert!(build.contains("--features \"$FEATURES\""), "{build}");
    // The feature the README names for the image is one the package has.
    assert!(read("README.md").contains("--build-arg FEATURES=highs"));
    let manifest: toml::Table = read("Cargo.toml").parse().expect("the manifest");
    assert!(manifest["features"].get("highs").is_some(), "the package has the highs feature");
}

#[test]
fn the_dockerfile_builds_in_stages_and_runs_portfel_unprivileged_with_a_health_check() {
    let text = read("Dockerfile").replace("\\\n", " ");
    let instructions: Vec<(String, String)> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (op, rest) = l.split_once(' ').unwrap_or((l, ""));
            (op.to_uppercase(), rest.trim().to_owned())
        })
        .collect();
    let stages = instructions.iter().filter(|(op, _)| op == "FROM").count();
    assert!(stages >= 2, "a multi-stage build");
    let last_from = instructions.iter().rposition(|(op, _)| op == "FROM").unwrap();
    let runtime = &instructions[last_from..];
    assert!(runtime[0].1.contains("slim"), "a small runtime image: {}", runtime[0].1);
    let find = |op: &str| runtime.iter().filter(|(o, _)| o == op).map(|(_, r)| r.clone()).collect::<Vec<_>>();
    let user = find("USER");
    assert!(user.last().is_some_and(|u| u != "root" && u != "0"), "runs as a non-root user: {user:?}");
    let entrypoint = exec_form(&find("ENTRYPOINT")[0]);
    assert_eq!(entrypoint, ["portfel"]);
    let cmd = exec_form(&find("CMD")[0]);
    accepted(&cmd.iter().map(String::as_str).collect::<Vec<_>>(), "Dockerfile CMD");
    let health = &find("HEALTHCHECK")[0];
    let probe = exec_form(&health[health.find("CMD ").expect("HEALTHCHECK ... CMD [...]") + 4..]);
    assert_eq!(probe[0], "portfel");
    accepted(&probe[1..].iter().map(String::as_str).collect::<Vec<_>>(), "Dockerfile HEALTHCHECK");
    let env: HashMap<String, String> = find("ENV")
        .iter()
        .flat_map(|e| e.split_whitespace().map(|kv| kv.split_once('=').unwrap()))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    assert!(env["PORTFEL_BIND"].starts_with("0.0.0.0:"), "reachable from outside the container");
    known_variables(&env, "Dockerfile ENV");
}

#[test]
fn compose_runs_portfel_on_postgresql_once_the_database_is_healthy() {
    let compose: yaml_serde::Value = yaml_serde::from_str(&read("compose.yaml")).unwrap();
    let services = &compose["services"];
    assert!(services["db"]["image"].as_str().unwrap().starts_with("postgres:"));
    assert_eq!(services["db"]["healthcheck"]["test"][1], "pg_isready");
    let portfel = &services["portfel"];
    assert_eq!(portfel["depends_on"]["db"]["condition"], "service_healthy");
    let strings = |v: &yaml_serde::Value| -> Vec<String> {
        v.as_sequence().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
    };
    let command = strings(&portfel["command"]);
    accepted(&command.iter().map(String::as_str).collect::<Vec<_>>(), "compose command");
    let health = strings(&portfel["healthcheck"]["test"]);
    assert_eq!(&health[..2], ["CMD", "portfel"]);
    accepted(&health[2..].iter().map(String::as_str).collect::<Vec<_>>(), "compose healthcheck");
    let env: HashMap<String, String> = portfel["environment"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_owned(), v.as_str().unwrap().replace("${POSTGRES_PASSWORD}", "secret")))
        .collect();
    assert!(env["PORTFEL_DATABASE_URL"].starts_with("postgres://portfel:secret@db:5432/"));
    known_variables(&env, "compose environment");
    for port in strings(&portfel["ports"]) {
        assert!(port.starts_with("127.0.0.1:"), "published on loopback only, for the reverse proxy: {port}");
    }
}

#[test]
fn the_systemd_unit_runs_portfel_commands_with_hardening() {
    let text = read("deploy/portfel.service");
    let mut section = String::new();
    let mut entries: Vec<(String, String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_owned();
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("not key=value: {line}"));
        entries.push((section.clone(), key.to_owned(), value.to_owned()));
    }
    let get = |s: &str, k: &str| {
        entries.iter().filter(|(es, ek, _)| es == s && ek == k).map(|e| e.2.clone()).collect::<Vec<_>>()
    };
    for command in get("Service", "ExecStartPre").into_iter().chain(get("Service", "ExecStart")) {
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words[0], "/usr/local/bin/portfel");
        accepted(&words[1..], "systemd Exec");
    }
    assert_eq!(get("Service", "User"), ["portfel"]);
    for (key, value) in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("CapabilityBoundingSet", ""),
        ("RestrictSUIDSGID", "yes"),
        ("MemoryDenyWriteExecute", "yes"),
    ] {
        assert_eq!(get("Service", key), [value], "{key}");
    }
    assert_eq!(get("Install", "WantedBy"), ["multi-user.target"]);
    let config = get("Service", "Environment")[0].strip_prefix("PORTFEL_CONFIG=").unwrap().to_owned();
    assert_eq!(config, "/etc/portfel/portfel.toml");
    // Where systemd is at hand, it checks the unit too (with the binary it names present).
    if let Ok(status) = std::process::Command::new("systemd-analyze").arg("--version").output()
        && status.status.success()
    {
        let dir = tempfile::tempdir().unwrap();
        let unit = dir.path().join("portfel.service");
        std::fs::write(&unit, text.replace("/usr/local/bin/portfel", env!("CARGO_BIN_EXE_portfel"))).unwrap();
        let verified = std::process::Command::new("systemd-analyze").arg("verify").arg(&unit).output().unwrap();
        let said = String::from_utf8_lossy(&verified.stderr);
        assert!(verified.status.success() && said.trim().is_empty(), "systemd-analyze verify: {said}");
    }
}

#[test]
fn the_example_configuration_loads() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/portfel.toml");
    let config = Config::load(Some(&path)).unwrap();
    assert!(config.database_url.starts_with("postgres://"));
    assert!(config.cookie_secure, "served over TLS by the reverse proxy");
    assert!(config.bind.starts_with("127.0.0.1:"), "reached through the reverse proxy only");
}
