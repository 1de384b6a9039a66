//! Server configuration: defaults, then an optional TOML file, then environment variables.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Everything the server and the token issuer need.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// Database URL: `sqlite://file?mode=rwc` or `postgres://user@host/db`.
    pub database_url: String,
    /// HS256 secret for tokens. When unset, a random secret is kept in `jwt_secret_file`.
    pub jwt_secret: Option<String>,
    /// File holding the generated secret when `jwt_secret` is unset.
    pub jwt_secret_file: PathBuf,
    /// A previous secret that still verifies tokens during a key rotation (never signs).
    pub jwt_previous_secret: Option<String>,
    /// `iss` of tokens.
    pub jwt_issuer: String,
    /// `aud` of tokens.
    pub jwt_audience: String,
    /// Largest accepted request body, bytes.
    pub body_limit: usize,
    /// Log format.
    pub log_format: LogFormat,
    /// Longest wait for a request's headers, seconds.
    pub header_timeout_seconds: u64,
    /// Longest wait for the next part of a request body, seconds.
    pub body_timeout_seconds: u64,
    /// Longest time a request may take, seconds.
    pub request_timeout_seconds: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: "127.0.0.1:8080".into(),
            database_url: "sqlite://portfel.db?mode=rwc".into(),
            jwt_secret: None,
            jwt_secret_file: PathBuf::from("portfel-jwt.secret"),
            jwt_previous_secret: None,
            jwt_issuer: "portfel".into(),
            jwt_audience: "portfel-api".into(),
            body_limit: 1024 * 1024,
            log_format: LogFormat::Text,
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            request_timeout_seconds: 120,
        }
    }
}

/// Environment variables and the field each sets.
pub const ENV_VARS: [(&str, &str); 13] = [
    ("PORTFEL_BIND", "bind"),
    ("DATABASE_URL", "database_url"),
    ("PORTFEL_DATABASE_URL", "database_url"),
    ("PORTFEL_JWT_SECRET", "jwt_secret"),
    ("PORTFEL_JWT_SECRET_FILE", "jwt_secret_file"),
    ("PORTFEL_JWT_PREVIOUS_SECRET", "jwt_previous_secret"),
    ("PORTFEL_JWT_ISSUER", "jwt_issuer"),
    ("PORTFEL_JWT_AUDIENCE", "jwt_audience"),
    ("PORTFEL_BODY_LIMIT", "body_limit"),
    ("PORTFEL_LOG_FORMAT", "log_format"),
    ("PORTFEL_HEADER_TIMEOUT", "header_timeout_seconds"),
    ("PORTFEL_BODY_TIMEOUT", "body_timeout_seconds"),
    ("PORTFEL_REQUEST_TIMEOUT", "request_timeout_seconds"),
];

impl Config {
    /// Loads defaults, then `file` (if given), then the environment.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        for (name, field) in ENV_VARS {
            let Some(value) = get(name).filter(|v| !v.is_empty()) else {
                continue;
            };
            match field {
                "bind" => self.bind = value,
                "database_url" => self.database_url = value,
                "jwt_secret" => self.jwt_secret = Some(value),
                "jwt_secret_file" => self.jwt_secret_file = value.into(),
                "jwt_previous_secret" => self.jwt_previous_secret = Some(value),
                "jwt_issuer" => self.jwt_issuer = value,
                "jwt_audience" => self.jwt_audience = value,
                "body_limit" => {
                    self.body_limit = value.parse().with_context(|| format!("{name} must be a number of bytes"))?
                }
                "header_timeout_seconds" | "body_timeout_seconds" | "request_timeout_seconds" => {
                    let seconds: u64 = value.parse().with_context(|| format!("{name} must be a number of seconds"))?;
                    anyhow::ensure!(seconds > 0, "{name} must be at least one second");
                    match field {
                        "header_timeout_seconds" => self.header_timeout_seconds = seconds,
                        "body_timeout_seconds" => self.body_timeout_seconds = seconds,
                        _ => self.request_timeout_seconds = seconds,
                    }
                }
                "log_format" => {
                    self.log_format = match value.as_str() {
                        "json" => LogFormat::Json,
                        "text" => LogFormat::Text,
                        _ => anyhow::bail!("{name} must be 'text' or 'json'"),
                    }
                }
                _ => unreachable!("every variable names a field"),
            }
        }
        Ok(())
    }

    /// The token secret: configured, or read from (or first written to) the
    /// secret file. Whatever its source, a weak secret is refused.
    pub fn jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            portfel_api::auth::check_secret(secret.as_bytes())
                .map_err(|e| anyhow::anyhow!("PORTFEL_JWT_SECRET (jwt_secret) is refused: {e}"))?;
            return Ok(secret.as_bytes().to_vec());
        }
        let path = &self.jwt_secret_file;
        match std::fs::read(path) {
            Ok(existing) => {
                let secret = existing.trim_ascii().to_vec();
                portfel_api::auth::check_secret(&secret)
                    .map_err(|e| anyhow::anyhow!("the JWT secret file {} is refused: {e}", path.display()))?;
                return Ok(secret);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a secret: {e}"))?;
        let secret = hex::encode(bytes);
        write_private(path, &secret).with_context(|| format!("writing {}", path.display()))?;
        tracing::warn!(path = %path.display(), "no PORTFEL_JWT_SECRET set: generated one and stored it in this file");
        Ok(secret.into_bytes())
    }

    /// The previous token secret, if one is configured; the same rule applies.
    pub fn jwt_previous_secret(&self) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(secret) = &self.jwt_previous_secret else {
            return Ok(None);
        };
        portfel_api::auth::check_secret(secret.as_bytes())
            .map_err(|e| anyhow::anyhow!("PORTFEL_JWT_PREVIOUS_SECRET (jwt_previous_secret) is refused: {e}"))?;
        Ok(Some(secret.as_bytes().to_vec()))
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_file_values() {
        let mut config: Config = toml::from_str("bind = \"0.0.0.0:9000\"\nbody_limit = 10").unwrap();
        assert_eq!(config.bind, "0.0.0.0:9000");
        config
            .apply_env(|name| match name {
                "DATABASE_URL" => Some("postgres://db/portfel".into()),
                "PORTFEL_LOG_FORMAT" => Some("json".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.database_url, "postgres://db/portfel");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.body_limit, 10);
    }

    #[test]
    fn bad_values_are_reported() {
        let mut config = Config::default();
        assert!(config.apply_env(|n| (n == "PORTFEL_BODY_LIMIT").then(|| "lots".into())).is_err());
        assert!(toml::from_str::<Config>("colour = 1").is_err());
        let short = Config { jwt_secret: Some("short".into()), ..Config::default() };
        assert!(short.jwt_secret().is_err());
    }

    #[test]
    fn weak_secret_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s");
        let config = Config { jwt_secret_file: path.clone(), ..Config::default() };
        for weak in ["", "  \n", "short", &"x".repeat(64)] {
            std::fs::write(&path, weak).unwrap();
            let error = config.jwt_secret().unwrap_err().to_string();
            assert!(error.contains("refused"), "{weak:?}: {error}");
        }
        let repeated = Config { jwt_secret: Some("ab".repeat(32)), ..Config::default() };
        assert!(repeated.jwt_secret().is_err());
        let previous = Config { jwt_previous_secret: Some(String::new()), ..Config::default() };
        assert!(previous.jwt_previous_secret().is_err());
    }

    #[test]
    fn generated_secret_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config { jwt_secret_file: dir.path().join("s"), ..Config::default() };
        let first = config.jwt_secret().unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(config.jwt_secret().unwrap(), first);
    }
}
