//! E-mail delivery of the outbox: a sender that runs inside the server,
//! claims the notices due, sends each through SMTP in Ukrainian with a link
//! to its page, and records the outcome. SMTP down means delay, never a
//! failed request (the request only wrote the notice): a transient failure
//! is tried again later with growing waits, a permanent refusal (an unknown
//! mailbox) gives up at once. Each notice's `Message-ID` is stable, so a
//! message resent after a crash between sending and recording is the same
//! message to every mail system that keeps it.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portfel_store::Store;
use portfel_store::notices::{self, Outgoing};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or network.
    None,
}

/// Where and as whom e-mail is sent.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// SMTP host.
    pub host: String,
    /// SMTP port.
    pub port: u16,
    /// Connection security.
    pub security: Security,
    /// Login and password, when the server asks for them.
    pub credentials: Option<(String, String)>,
    /// The sender's address, e.g. `Портфель <portfel@gromada.gov.ua>`.
    pub from: String,
    /// Where people reach the workspace, for the links in messages.
    pub public_url: String,
    /// How often the outbox is looked at.
    pub poll: Duration,
}

/// Attempts made to send a notice's e-mail before it is given up.
pub const MAX_ATTEMPTS: i32 = 10;

/// How long a sender holds the notices it claimed before another may take them.
const HOLD: TimeDelta = TimeDelta::minutes(2);

/// Most notices sent in one pass.
const BATCH: u64 = 50;

/// When to try again when an attempt fails after `failed` earlier ones:
/// 30 s, then twice as long each time up to an hour (about five hours in
/// all); none once [`MAX_ATTEMPTS`] have been made.
pub fn retry_after(failed: i32) -> Option<TimeDelta> {
    (failed + 1 < MAX_ATTEMPTS).then(|| TimeDelta::seconds((30i64 << failed.clamp(0, 16)).min(3600)))
}

/// The SMTP sender.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
    public_url: String,
    poll: Duration,
}

/// What one pass of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Delivered to the SMTP server.
    pub sent: usize,
    /// Failed this time (to be tried again, or given up).
    pub failed: usize,
}

impl Mailer {
    /// A sender for `settings`; an error names what is wrong with them.
    pub fn new(settings: &MailSettings) -> Result<Mailer, String> {
        let from: Mailbox = settings.from.parse().map_err(|e| format!("smtp_from {:?}: {e}", settings.from))?;
        let builder = match settings.security {
            Security::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host),
            Security::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host),
            Security::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)),
        }
        .map_err(|e| format!("smtp_host {:?}: {e}", settings.host))?;
        let mut builder = builder.port(settings.port).timeout(Some(Duration::from_secs(30)));
        if let Some((user, password)) = &settings.credentials {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Mailer {
            transport: builder.build(),
            domain: from.email.domain().to_owned(),
            from,
            public_url: settings.public_url.trim_end_matches('/').to_owned(),
            poll: settings.poll,
        })
    }

    /// The message of one notice: its title as the subject, its text and the
    /// link to its page, and a `Message-ID` made of the notice's id.
    pub fn message(&self, o: &Outgoing) -> Result<Message, String> {
        let to: Mailbox = format!("{} <{}>", o.full_name.replace(['<', '>', '"'], ""), o.email.trim())
            .parse()
            .map_err(|e| format!("address {:?}: {e}", o.email))?;
        let n = &o.notification;
        let body = format!(
            "{}\n\n{}\n\nВідкрити: {}{}\n\n--\nПортфель публічних інвестицій. Лист надіслано автоматично; \
             як отримувати повідомлення, можна змінити на сторінці «Повідомлення».\n",
            n.title, n.body, self.public_url, n.link
        );
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&n.title)
            .message_id(Some(format!("<{}@{}>", n.id, self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())
    }

    /// Sends every notice due at `now`, once each across every replica.
    pub async fn deliver_due(&self, store: &Store, now: DateTime<Utc>) -> Result<Pass, portfel_store::StoreError> {
        let db = store.db();
        let mut pass = Pass::default();
        for o in notices::claim_due(db, now, HOLD, BATCH).await? {
            let id = o.notification.id;
            let outcome = match self.message(&o) {
                Ok(message) => {
                    self.transport.send(message).await.map(drop).map_err(|e| (e.is_permanent(), e.to_string()))
                }
                Err(e) => Err((true, e)),
            };
            match outcome {
                Ok(()) => {
                    notices::mark_sent(db, id).await?;
                    pass.sent += 1;
                }
                Err((permanent, error)) => {
                    let retry = if permanent { None } else { retry_after(o.attempts) };
                    tracing::warn!(notification = %id, attempts = o.attempts + 1, permanent, %error, "e-mail not sent");
                    notices::mark_attempt_failed(db, id, &error, retry.map(|r| now + r)).await?;
                    pass.failed += 1;
                }
            }
        }
        Ok(pass)
    }

    /// Sends what is due every poll until `stop` completes.
    pub async fn run(self, store: Store, stop: impl Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            if let Err(e) = self.deliver_due(&store, Utc::now()).await {
                tracing::warn!(error = %e, "the outbox could not be read");
            }
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_an_hour_and_end() {
        let waits: Vec<i64> = (0..MAX_ATTEMPTS - 1).map(|a| retry_after(a).unwrap().num_seconds()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_after(MAX_ATTEMPTS - 1), None, "the tenth attempt is the last");
    }
}
