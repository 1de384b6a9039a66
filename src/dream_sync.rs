//! Keeping Portfel and DREAM in step: `pull` walks DREAM's list of projects by
//! modification time and imports the changed ones, a batch per transaction
//! together with the checkpoint that covers it; `push` sends passports
//! changed since the last push to a configured endpoint. Both resume from a
//! stored checkpoint, retry with backoff on server errors and timeouts, and
//! respect a rate limit.

use std::collections::HashSet;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use portfel_store::dream::{Outcome, Project, ProjectResult, RunEnd};
use portfel_store::{Actor, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::{Instant, sleep};

use crate::progress::Progress;

/// Selects rustls with the ring provider for https (DREAM and other
/// endpoints); needed once per process before any HTTP client is built.
pub fn install_tls() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// How to talk to the other side.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Requests per second at most.
    pub rate_per_second: f64,
    /// Retries of a failing request before the run stops (resumable).
    pub max_retries: u32,
    /// First backoff; doubles on each retry.
    pub backoff: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Where Portfel is reached, for the links to attached files in pushed documents.
    pub public_url: String,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            rate_per_second: 5.0,
            max_retries: 5,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(30),
            public_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// Counts of a run.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Projects created.
    pub new: usize,
    /// Projects updated.
    pub updated: usize,
    /// Projects seen before, unchanged.
    pub unchanged: usize,
    /// Projects refused (invalid documents); the run goes on.
    pub failed: usize,
}

impl std::fmt::Display for SyncReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "new {}, updated {}, unchanged {}, failed {}", self.new, self.updated, self.unchanged, self.failed)
    }
}

impl SyncReport {
    /// Counts one imported project.
    fn count(&mut self, id: &str, result: ProjectResult) {
        match result {
            Ok((_, Outcome::New)) => self.new += 1,
            Ok((_, Outcome::Updated)) => self.updated += 1,
            Ok((_, Outcome::Unchanged)) => self.unchanged += 1,
            Err(errors) => {
                tracing::warn!(id, ?errors, "DREAM project refused");
                self.failed += 1;
            }
        }
    }
}

/// An HTTP client with a rate limit and retries.
struct Client {
    http: reqwest::Client,
    options: SyncOptions,
    next_slot: Instant,
}

impl Client {
    fn new(options: SyncOptions) -> anyhow::Result<Client> {
        install_tls();
        let http = reqwest::Client::builder().timeout(options.timeout).build()?;
        Ok(Client { http, options, next_slot: Instant::now() })
    }

    async fn pace(&mut self) {
        let now = Instant::now();
        if self.next_slot > now {
            sleep(self.next_slot - now).await;
        }
        let interval = Duration::from_secs_f64(1.0 / self.options.rate_per_second.max(0.001));
        self.next_slot = Instant::now() + interval;
    }

    /// Sends a request, retrying server errors, 429 and transport failures.
    async fn send(
        &mut self,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> anyhow::Result<reqwest::Response> {
        let mut delay = self.options.backoff;
        let mut attempt = 0;
        loop {
            self.pace().await;
            let outcome = build(&self.http).send().await;
            let retryable = match &outcome {
                Ok(r) => r.status().is_server_error() || r.status() == reqwest::StatusCode::TOO_MANY_REQUESTS,
                Err(e) => e.is_timeout() || e.is_connect() || e.is_request(),
            };
            if !retryable {
                return Ok(outcome?.error_for_status()?);
            }
            attempt += 1;
            if attempt > self.options.max_retries {
                return match outcome {
                    Ok(r) => bail!("{} answered {} after {} retries", r.url(), r.status(), self.options.max_retries),
                    Err(e) => Err(e).context(format!("request failed after {} retries", self.options.max_retries)),
                };
            }
            tracing::warn!(attempt, ?delay, "request failed; retrying");
            sleep(delay).await;
            delay *= 2;
        }
    }
}

#[derive(Debug, Deserialize)]
struct ListEntry {
    internal: ListInternal,
    external: ListExternal,
}

#[derive(Debug, Deserialize)]
struct ListInternal {
    id: String,
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ListExternal {
    updated: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
struct List {
    data: Vec<ListEntry>,
}

/// The stretch of DREAM's modification times a pull walks: its progress is
/// how far the projects imported so far reach into it.
#[derive(Debug, Clone, Copy)]
struct TimeSpan {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TimeSpan {
    fn until_now(start: DateTime<Utc>) -> TimeSpan {
        TimeSpan { start, end: Utc::now().max(start) }
    }

    /// Its length, seconds (at least one).
    fn seconds(self) -> u64 {
        u64::try_from((self.end - self.start).num_seconds()).unwrap_or(0).max(1)
    }

    /// Seconds of it up to `at`.
    fn covered(self, at: DateTime<Utc>) -> u64 {
        u64::try_from((at.min(self.end) - self.start).num_seconds()).unwrap_or(0)
    }
}

/// Keeps how the last run of sync `name` ended, for the server's `/metrics`:
/// the run's counts, or its error. A failure to keep it is logged; it never
/// changes the run's own outcome.
async fn record_run(store: &Store, name: &str, outcome: &anyhow::Result<SyncReport>) {
    let (end, detail) = match outcome {
        Ok(report) => (RunEnd::Succeeded, serde_json::to_string(report).unwrap_or_default()),
        Err(e) => (RunEnd::Failed, format!("{e:#}")),
    };
    if let Err(e) = portfel_store::dream::record_run(store.db(), name, end, &detail).await {
        tracing::warn!(error = %e, sync = name, "how the run ended could not be stored");
    }
}

/// Projects fetched before they are imported in one transaction, together
/// with the checkpoint that covers them.
pub const PULL_BATCH: usize = 100;

/// The documents of `entries`, in order, up to the first that could not be
/// fetched (and why), so what was fetched is still imported.
async fn fetch(client: &mut Client, base: &str, entries: &[ListEntry]) -> (Vec<Value>, Option<anyhow::Error>) {
    let mut documents = Vec::with_capacity(entries.len());
    for entry in entries {
        let url = format!("{base}/marketplace/public/dream/ideas/{}", entry.internal.id);
        let fetched = match client.send(|http| http.get(&url)).await {
            Ok(response) => response.json::<Value>().await.context("DREAM project"),
            Err(e) => Err(e),
        };
        match fetched {
            Ok(document) => documents.push(document),
            Err(e) => return (documents, Some(e)),
        }
    }
    (documents, None)
}

fn pull_checkpoint(base: &str) -> String {
    format!("dream.pull {base}")
}

/// Imports every DREAM project changed since `since` (or the stored checkpoint),
/// and records how the run ended (see [`record_run`]).
pub async fn pull(
    store: &Store,
    base_url: &str,
    since: Option<DateTime<Utc>>,
    options: SyncOptions,
    progress: &Progress,
) -> anyhow::Result<SyncReport> {
    let outcome = pull_changes(store, base_url, since, options, progress).await;
    record_run(store, &pull_checkpoint(base_url.trim_end_matches('/')), &outcome).await;
    outcome
}

async fn pull_changes(
    store: &Store,
    base_url: &str,
    since: Option<DateTime<Utc>>,
    options: SyncOptions,
    progress: &Progress,
) -> anyhow::Result<SyncReport> {
    let base = base_url.trim_end_matches('/');
    let checkpoint = pull_checkpoint(base);
    let stored = portfel_store::dream::checkpoint(store.db(), &checkpoint).await?;
    let mut from: Option<DateTime<Utc>> = match (since, stored) {
        (Some(s), _) => Some(s),
        (None, Some(c)) => Some(DateTime::parse_from_rfc3339(&c).context("stored checkpoint")?.with_timezone(&Utc)),
        (None, None) => None,
    };
    let actor = Actor { sub: "dream-sync".into(), organisation: None, request_id: None };
    let mut client = Client::new(options)?;
    let mut report = SyncReport::default();
    let mut seen: HashSet<(String, DateTime<Utc>)> = HashSet::new();
    let mut span: Option<TimeSpan> = None;
    loop {
        let query: Vec<(&str, String)> =
            from.iter().map(|f| ("from", f.to_rfc3339())).chain([("order", "asc".to_owned())]).collect();
        let url = reqwest::Url::parse_with_params(&format!("{base}/marketplace/public/dream/ideas"), &query)
            .context("DREAM base URL")?;
        let list: List = client.send(|http| http.get(url.clone())).await?.json().await.context("DREAM list")?;
        let mut entries: Vec<ListEntry> =
            list.data.into_iter().filter(|e| !seen.contains(&(e.internal.id.clone(), e.external.updated))).collect();
        if entries.is_empty() {
            break;
        }
        entries.sort_by_key(|e| e.external.updated);
        let span = span.get_or_insert_with(|| {
            let span = TimeSpan::until_now(from.unwrap_or(entries[0].external.updated));
            progress.set_length(span.seconds());
            span
        });
        for chunk in entries.chunks(PULL_BATCH) {
            let (documents, failure) = fetch(&mut client, base, chunk).await;
            let fetched = &chunk[..documents.len()];
            if let Some(last) = fetched.last() {
                let projects: Vec<Project<'_>> = fetched
                    .iter()
                    .zip(&documents)
                    .map(|(entry, document)| Project {
                        dream_id: &entry.internal.id,
                        code: entry.internal.code.as_deref(),
                        document,
                    })
                    .collect();
                let last = last.external.updated;
                let covered = last.to_rfc3339();
                let results =
                    portfel_store::dream::import_many(store.db(), &actor, &projects, Some((&checkpoint, &covered)))
                        .await?;
                for (entry, result) in fetched.iter().zip(results) {
                    report.count(&entry.internal.id, result);
                    seen.insert((entry.internal.id.clone(), entry.external.updated));
                }
                from = Some(last);
                progress.update(span.covered(last), report.to_string());
            }
            if let Some(failure) = failure {
                return Err(failure);
            }
        }
    }
    Ok(report)
}

/// What `push` sends for each changed passport.
#[derive(Debug, Serialize)]
struct Pushed<'a> {
    passport_id: uuid::Uuid,
    code: Option<&'a str>,
    deleted: bool,
    document: &'a Value,
}

fn push_checkpoint(endpoint: &str) -> String {
    format!("dream.push {endpoint}")
}

/// Sends passports changed since the last push (or `since`) to `endpoint`, one
/// POST each, and records how the run ended (see [`record_run`]).
pub async fn push(
    store: &Store,
    endpoint: &str,
    since: Option<DateTime<Utc>>,
    options: SyncOptions,
    progress: &Progress,
) -> anyhow::Result<SyncReport> {
    let outcome = push_changes(store, endpoint, since, options, progress).await;
    record_run(store, &push_checkpoint(endpoint), &outcome).await;
    outcome
}

async fn push_changes(
    store: &Store,
    endpoint: &str,
    since: Option<DateTime<Utc>>,
    options: SyncOptions,
    progress: &Progress,
) -> anyhow::Result<SyncReport> {
    let checkpoint = push_checkpoint(endpoint);
    let stored = portfel_store::dream::checkpoint(store.db(), &checkpoint).await?;
    let mut after: Option<(DateTime<Utc>, Option<uuid::Uuid>)> = match (since, stored) {
        (Some(s), _) => Some((s, None)),
        (None, Some(c)) => {
            let (at, id) = c.split_once('|').context("stored checkpoint")?;
            Some((DateTime::parse_from_rfc3339(at)?.with_timezone(&Utc), Some(id.parse()?)))
        }
        (None, None) => None,
    };
    let public_url = options.public_url.clone();
    let mut client = Client::new(options)?;
    let mut report = SyncReport::default();
    progress.set_length(portfel_store::dream::count_changes(store.db(), after).await?);
    loop {
        let changes = portfel_store::dream::changes(store.db(), after, 100).await?;
        if changes.is_empty() {
            break;
        }
        for change in changes {
            let document = portfel_store::dream::export(store.db(), change.id, &public_url).await?;
            let body = Pushed {
                passport_id: change.id,
                code: change.code.as_deref(),
                deleted: change.deleted,
                document: &document,
            };
            client.send(|http| http.post(endpoint).json(&body)).await?;
            report.updated += 1;
            progress.update(report.updated as u64, format!("sent {}", report.updated));
            portfel_store::dream::set_checkpoint(
                store.db(),
                &checkpoint,
                &format!("{}|{}", change.updated.to_rfc3339(), change.id),
            )
            .await?;
            after = Some((change.updated, Some(change.id)));
        }
    }
    Ok(report)
}
