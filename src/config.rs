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
    pub jwt_secret: Option<Secret>,
    /// File holding the generated secret when `jwt_secret` is unset.
    pub jwt_secret_file: PathBuf,
    /// A previous secret that still verifies tokens during a key rotation (never signs).
    pub jwt_previous_secret: Option<Secret>,
    /// `iss` of tokens.
    pub jwt_issuer: String,
    /// `aud` of tokens.
    pub jwt_audience: String,
    /// Largest accepted request body, bytes.
    pub body_limit: usize,
    /// Largest accepted attached file, bytes.
    pub upload_limit: usize,
    /// Where attached files are kept: `database`, or a folder (by default a
    /// folder beside an SQLite file, the database with PostgreSQL).
    pub files: Option<String>,
    /// Where people and DREAM reach this server (`https://portfel.example.gov.ua`),
    /// for the links in exported documents; `http://` and `bind` when unset.
    pub public_url: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
    /// Longest wait for a request's headers, seconds.
    pub header_timeout_seconds: u64,
    /// Longest wait for the next part of a request body, seconds.
    pub body_timeout_seconds: u64,
    /// Longest time a request may take, seconds.
    pub request_timeout_seconds: u64,
    /// Marks the web session cookie `Secure` (set when served over https).
    pub cookie_secure: bool,
    /// How long a web session lasts, hours.
    pub session_hours: u32,
    /// Serves `/metrics` openly on this separate address (keep it private).
    pub metrics_bind: Option<String>,
    /// Serves `/metrics` on the main address to `Authorization: Bearer` this token.
    pub metrics_token: Option<Secret>,
    /// Proxies (CIDR blocks) whose `Forwarded` / `X-Forwarded-For` headers name the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Most connections served at once; further ones wait to be accepted.
    pub max_connections: usize,
    /// The hromada's name, heading every printed document (empty: the first
    /// registered organisation's name).
    pub hromada: String,
    /// Days after a project's works end that its ex-post evaluation is due.
    pub expost_after_days: u32,
    /// SMTP server for e-mail notices; e-mail is off while unset.
    pub smtp_host: Option<String>,
    /// SMTP port (587 with STARTTLS, 465 with TLS, 25 without, when unset).
    pub smtp_port: Option<u16>,
    /// `starttls`, `tls` or `none` (only for a relay on the same machine or network).
    pub smtp_security: String,
    /// SMTP login, when the server asks for one.
    pub smtp_username: Option<String>,
    /// File holding the SMTP password (never the password itself in the configuration).
    pub smtp_password_file: Option<PathBuf>,
    /// Sender of e-mail notices, e.g. `Портфель <portfel@gromada.gov.ua>`.
    pub smtp_from: Option<String>,
    /// How often the outbox is looked at, seconds.
    pub mail_poll_seconds: u64,
    /// How often reminders are looked for, minutes (one replica at a time).
    pub remind_every_minutes: u32,
}

impl Config {
    /// Where this server is reached, as configured or from `bind`.
    pub fn public_url(&self) -> String {
        match self.public_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
            _ => format!("http://{}", self.bind),
        }
    }

    /// The SMTP sender's settings: none while `smtp_host` is unset; an error
    /// names a setting that is missing or wrong.
    pub fn mail_settings(&self) -> anyhow::Result<Option<portfel_api::mail::MailSettings>> {
        use portfel_api::mail::{MailSettings, Security};
        let Some(host) = self.smtp_host.as_deref().map(str::trim).filter(|h| !h.is_empty()) else { return Ok(None) };
        let (security, port) = match self.smtp_security.trim() {
            "starttls" => (Security::Starttls, 587),
            "tls" => (Security::Tls, 465),
            "none" => (Security::None, 25),
            other => anyhow::bail!("PORTFEL_SMTP_SECURITY (smtp_security) is starttls, tls or none, not {other:?}"),
        };
        let from = self.smtp_from.clone().context("PORTFEL_SMTP_FROM (smtp_from) is needed with an SMTP host")?;
        let credentials = match (&self.smtp_username, &self.smtp_password_file) {
            (Some(user), Some(file)) => {
                let password = std::fs::read_to_string(file)
                    .with_context(|| format!("reading the SMTP password file {}", file.display()))?;
                Some((user.clone(), password.trim_end_matches(['\r', '\n']).to_owned()))
            }
            (Some(_), None) => anyhow::bail!("PORTFEL_SMTP_PASSWORD_FILE (smtp_password_file) is needed with a login"),
            (None, _) => None,
        };
        Ok(Some(MailSettings {
            host: host.to_owned(),
            port: self.smtp_port.unwrap_or(port),
            security,
            credentials,
            from,
            public_url: self.public_url(),
            poll: std::time::Duration::from_secs(self.mail_poll_seconds.max(1)),
        }))
    }

    /// Where attached files are kept, as configured.
    pub fn files_at(&self) -> portfel_store::FilesAt {
        match self.files.as_deref().map(str::trim) {
            None | Some("") => portfel_store::FilesAt::Beside,
            Some("database") => portfel_store::FilesAt::Database,
            Some(folder) => portfel_store::FilesAt::Folder(PathBuf::from(folder)),
        }
    }
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
            upload_limit: 50 * 1024 * 1024,
            files: None,
            public_url: None,
            log_format: LogFormat::Text,
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            request_timeout_seconds: 120,
            cookie_secure: false,
            session_hours: 8,
            metrics_bind: None,
            metrics_token: None,
            trusted_proxies: Vec::new(),
            max_connections: 1024,
            hromada: String::new(),
            expost_after_days: portfel_api::state::EXPOST_AFTER_DAYS,
            smtp_host: None,
            smtp_port: None,
            smtp_security: "starttls".into(),
            smtp_username: None,
            smtp_password_file: None,
            smtp_from: None,
            mail_poll_seconds: 10,
            remind_every_minutes: 60,
        }
    }
}

/// A secret from the configuration: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret's bytes.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The secret as text.
    pub fn expose_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl std::str::FromStr for LogFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <LogFormat as clap::ValueEnum>::from_str(s, false).map_err(|_| "must be 'text' or 'json'".to_owned())
    }
}

/// Reads environment variables into typed fields: an unset or empty variable
/// leaves the field alone, a value that does not parse is an error naming it.
struct Environment<F>(F);

impl<F: Fn(&str) -> Option<String>> Environment<F> {
    fn value(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|v| !v.is_empty())
    }

    fn parsed<T: std::str::FromStr>(&self, name: &str) -> anyhow::Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        self.value(name).map(|v| v.parse().map_err(|e| anyhow::anyhow!("{name}: {e}"))).transpose()
    }

    fn read<T: std::str::FromStr>(&self, name: &str, field: &mut T) -> anyhow::Result<()>
    where
        T::Err: std::fmt::Display,
    {
        if let Some(value) = self.parsed(name)? {
            *field = value;
        }
        Ok(())
    }

    fn read_seconds(&self, name: &str, field: &mut u64) -> anyhow::Result<()> {
        self.read(name, field)?;
        anyhow::ensure!(*field > 0, "{name} must be at least one second");
        Ok(())
    }
}

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

    /// Overrides fields from environment variables, each read through `get`;
    /// a value that does not parse is an error naming its variable.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        let env = Environment(get);
        env.read("PORTFEL_BIND", &mut self.bind)?;
        env.read("DATABASE_URL", &mut self.database_url)?;
        env.read("PORTFEL_DATABASE_URL", &mut self.database_url)?;
        self.jwt_secret = env.parsed("PORTFEL_JWT_SECRET")?.or(self.jwt_secret.take());
        env.read("PORTFEL_JWT_SECRET_FILE", &mut self.jwt_secret_file)?;
        self.jwt_previous_secret = env.parsed("PORTFEL_JWT_PREVIOUS_SECRET")?.or(self.jwt_previous_secret.take());
        env.read("PORTFEL_JWT_ISSUER", &mut self.jwt_issuer)?;
        env.read("PORTFEL_JWT_AUDIENCE", &mut self.jwt_audience)?;
        env.read("PORTFEL_BODY_LIMIT", &mut self.body_limit)?;
        env.read("PORTFEL_UPLOAD_LIMIT", &mut self.upload_limit)?;
        self.files = env.parsed("PORTFEL_FILES")?.or(self.files.take());
        self.public_url = env.parsed("PORTFEL_PUBLIC_URL")?.or(self.public_url.take());
        env.read("PORTFEL_LOG_FORMAT", &mut self.log_format)?;
        env.read_seconds("PORTFEL_HEADER_TIMEOUT", &mut self.header_timeout_seconds)?;
        env.read_seconds("PORTFEL_BODY_TIMEOUT", &mut self.body_timeout_seconds)?;
        env.read_seconds("PORTFEL_REQUEST_TIMEOUT", &mut self.request_timeout_seconds)?;
        env.read("PORTFEL_COOKIE_SECURE", &mut self.cookie_secure)?;
        env.read("PORTFEL_SESSION_HOURS", &mut self.session_hours)?;
        self.metrics_bind = env.parsed("PORTFEL_METRICS_BIND")?.or(self.metrics_bind.take());
        self.metrics_token = env.parsed("PORTFEL_METRICS_TOKEN")?.or(self.metrics_token.take());
        if let Some(list) = env.value("PORTFEL_TRUSTED_PROXIES") {
            self.trusted_proxies = list
                .split(',')
                .map(str::trim)
                .filter(|net| !net.is_empty())
                .map(|net| net.parse().map_err(|e| anyhow::anyhow!("PORTFEL_TRUSTED_PROXIES: {net}: {e}")))
                .collect::<anyhow::Result<_>>()?;
        }
        env.read("PORTFEL_MAX_CONNECTIONS", &mut self.max_connections)?;
        env.read("PORTFEL_HROMADA", &mut self.hromada)?;
        env.read("PORTFEL_EXPOST_AFTER_DAYS", &mut self.expost_after_days)?;
        self.smtp_host = env.parsed("PORTFEL_SMTP_HOST")?.or(self.smtp_host.take());
        self.smtp_port = env.parsed("PORTFEL_SMTP_PORT")?.or(self.smtp_port.take());
        env.read("PORTFEL_SMTP_SECURITY", &mut self.smtp_security)?;
        self.smtp_username = env.parsed("PORTFEL_SMTP_USERNAME")?.or(self.smtp_username.take());
        self.smtp_password_file = env.parsed("PORTFEL_SMTP_PASSWORD_FILE")?.or(self.smtp_password_file.take());
        self.smtp_from = env.parsed("PORTFEL_SMTP_FROM")?.or(self.smtp_from.take());
        env.read_seconds("PORTFEL_MAIL_POLL", &mut self.mail_poll_seconds)?;
        env.read("PORTFEL_REMIND_EVERY_MINUTES", &mut self.remind_every_minutes)?;
        anyhow::ensure!(self.max_connections > 0, "PORTFEL_MAX_CONNECTIONS (max_connections) must be at least 1");
        Ok(())
    }

    /// The token secret: configured, or read from (or first written to) the
    /// secret file. Whatever its source, a weak secret is refused.
    pub fn jwt_secret(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(secret) = &self.jwt_secret {
            portfel_api::auth::check_secret(secret.expose())
                .map_err(|e| anyhow::anyhow!("PORTFEL_JWT_SECRET (jwt_secret) is refused: {e}"))?;
            return Ok(secret.expose().to_vec());
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

    /// Settings of the web workspace.
    pub fn web(&self) -> portfel_web::WebSettings {
        portfel_web::WebSettings {
            cookie_secure: self.cookie_secure,
            session_ttl: chrono::Duration::hours(i64::from(self.session_hours.max(1))),
            trusted_proxies: portfel_web::client::TrustedProxies(self.trusted_proxies.clone()),
            hromada: self.hromada.trim().to_owned(),
        }
    }

    /// The previous token secret, if one is configured; the same rule applies.
    pub fn jwt_previous_secret(&self) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(secret) = &self.jwt_previous_secret else {
            return Ok(None);
        };
        portfel_api::auth::check_secret(secret.expose())
            .map_err(|e| anyhow::anyhow!("PORTFEL_JWT_PREVIOUS_SECRET (jwt_previous_secret) is refused: {e}"))?;
        Ok(Some(secret.expose().to_vec()))
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
                "PORTFEL_HROMADA" => Some(" Соснівська міська територіальна громада ".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.web().hromada, "Соснівська міська територіальна громада");
        assert_eq!(config.database_url, "postgres://db/portfel");
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.body_limit, 10);
    }

    #[test]
    fn bad_values_are_reported() {
        let mut config = Config::default();
        assert!(config.apply_env(|n| (n == "PORTFEL_BODY_LIMIT").then(|| "lots".into())).is_err());
        assert!(toml::from_str::<Config>("colour = 1").is_err());
        let short = Config { jwt_secret: Some("short".parse().unwrap()), ..Config::default() };
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
        let repeated = Config { jwt_secret: Some("ab".repeat(32).parse().unwrap()), ..Config::default() };
        assert!(repeated.jwt_secret().is_err());
        let previous = Config { jwt_previous_secret: Some("".parse().unwrap()), ..Config::default() };
        assert!(previous.jwt_previous_secret().is_err());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let env = std::collections::HashMap::from([
            ("PORTFEL_JWT_SECRET", "9f86d081884c7d659a2feaa0c55ad015"),
            ("PORTFEL_HEADER_TIMEOUT", "5"),
        ]);
        let mut config = Config::default();
        config.apply_env(|name| env.get(name).map(|v| v.to_string())).unwrap();
        let shown = format!("{config:?}");
        assert!(shown.contains("[redacted]") && !shown.contains("9f86d081"), "{shown}");
        assert_eq!(config.header_timeout_seconds, 5);
        assert!(config.apply_env(|n| (n == "PORTFEL_BODY_TIMEOUT").then(|| "0".into())).is_err());
        assert!(config.apply_env(|n| (n == "PORTFEL_LOG_FORMAT").then(|| "xml".into())).is_err());
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
