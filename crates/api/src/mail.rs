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
use futures_util::StreamExt;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portfel_store::Store;
use portfel_store::notices::{self, Digest, Outgoing};

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

/// Messages of a pass in flight at once, each on its own pooled connection:
/// an SMTP client waits for every reply (and, on each message, for the
/// server's delayed acknowledgement of its body — about 40 ms), so one
/// connection alone carries only some twenty messages a second.
const IN_FLIGHT: usize = 8;

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
        let n = &o.notification;
        let body = format!(
            "{}\n\n{}\n\nВідкрити: {}{}\n\n--\nПортфель публічних інвестицій. Лист надіслано автоматично; \
             як отримувати повідомлення, можна змінити на сторінці «Повідомлення».\n",
            n.title, n.body, self.public_url, n.link
        );
        self.plain((&o.full_name, &o.email), n.title.clone(), &n.id.to_string(), body)
    }

    /// One person's daily digest: the day's notices, each with its link,
    /// under a `Message-ID` made of the first one's id.
    pub fn digest_message(&self, d: &Digest, day: chrono::NaiveDate) -> Result<Message, String> {
        let items: Vec<String> = d
            .notifications
            .iter()
            .map(|n| format!("• {}\n  {}\n  {}{}", n.title, n.body, self.public_url, n.link))
            .collect();
        let first = d.notifications.first().map(|n| n.id).unwrap_or_default();
        let body = format!(
            "Повідомлення до {} ({}):\n\n{}\n\n--\nПортфель публічних інвестицій. Щоденний лист; як отримувати \
             повідомлення, можна змінити на сторінці «Повідомлення».\n",
            day.format("%d.%m.%Y"),
            d.notifications.len(),
            items.join("\n\n")
        );
        let subject = format!("Повідомлення Портфеля до {}: {}", day.format("%d.%m.%Y"), d.notifications.len());
        self.plain((&d.full_name, &d.email), subject, &format!("digest-{first}"), body)
    }

    /// A plain-text message from the sender to (`name`, `address`), whose
    /// `Message-ID` is `<{id}@{the sender's domain}>`.
    fn plain(&self, (name, address): (&str, &str), subject: String, id: &str, body: String) -> Result<Message, String> {
        let to: Mailbox = format!("{} <{}>", name.replace(['<', '>', '"'], ""), address.trim())
            .parse()
            .map_err(|e| format!("address {address:?}: {e}"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{id}@{}>", self.domain)))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| e.to_string())
    }

    /// Sends every notice due at `now`, once each across every replica, and
    /// each person's digest of the notices written before the day began.
    pub async fn deliver_due(&self, store: &Store, now: DateTime<Utc>) -> Result<Pass, portfel_store::StoreError> {
        let db = store.db();
        let mut pass = Pass::default();
        let claimed = notices::claim_due(db, now, HOLD, BATCH).await?;
        let mut sending = futures_util::stream::iter(claimed)
            .map(|o| async move {
                let sent = self.send(self.message(&o)).await;
                (o, sent)
            })
            .buffer_unordered(IN_FLIGHT);
        while let Some((o, sent)) = sending.next().await {
            settle(store, &[o.notification.id], o.attempts, sent, now, &mut pass).await?;
        }
        let today = portfel_domain::calendar::local_date(now);
        let before = portfel_domain::calendar::start_of_day(today);
        for d in notices::claim_digests(db, before, now, HOLD).await? {
            let sent = self.send(self.digest_message(&d, today)).await;
            let ids: Vec<uuid::Uuid> = d.notifications.iter().map(|n| n.id).collect();
            settle(store, &ids, d.attempts, sent, now, &mut pass).await?;
        }
        Ok(pass)
    }

    /// Sends a message; on failure, whether it is permanent and why.
    async fn send(&self, message: Result<Message, String>) -> Result<(), (bool, String)> {
        match message {
            Ok(message) => self.transport.send(message).await.map(drop).map_err(|e| (e.is_permanent(), e.to_string())),
            Err(e) => Err((true, e)),
        }
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

/// Records the outcome of sending the message of notices `ids` (after
/// `attempts` failed ones): sent, tried again later, or given up.
async fn settle(
    store: &Store,
    ids: &[uuid::Uuid],
    attempts: i32,
    sent: Result<(), (bool, String)>,
    now: DateTime<Utc>,
    pass: &mut Pass,
) -> Result<(), portfel_store::StoreError> {
    let db = store.db();
    match sent {
        Ok(()) => {
            for id in ids {
                notices::mark_sent(db, *id).await?;
            }
            pass.sent += 1;
        }
        Err((permanent, error)) => {
            let retry = if permanent { None } else { retry_after(attempts) };
            tracing::warn!(notifications = ids.len(), attempts = attempts + 1, permanent, %error, "e-mail not sent");
            for id in ids {
                notices::mark_attempt_failed(db, *id, &error, retry.map(|r| now + r)).await?;
            }
            pass.failed += 1;
        }
    }
    Ok(())
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
