//! A real SMTP server for the mail tests: Python's `aiosmtpd`, started on a
//! free local port, keeping every message it accepts in a maildir; stopped
//! (by its process id) when dropped.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Set by CI, where a missing `aiosmtpd` is a failure rather than a skip.
const REQUIRED: &str = "PORTFEL_MAIL_TESTS";

/// A message as the SMTP server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope's recipient.
    pub to: String,
    /// The subject, decoded.
    pub subject: String,
    /// `Message-ID`.
    pub message_id: String,
    /// The text, decoded.
    pub body: String,
}

/// A running SMTP server.
pub struct SmtpServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
    maildir: tempfile::TempDir,
    child: Option<Child>,
}

/// A free port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// True when `aiosmtpd` is installed; otherwise says so and (unless required) skips.
pub fn available() -> bool {
    let found = Command::new("python3").args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var(REQUIRED).as_deref() != Ok("required"),
            "aiosmtpd is required here ({REQUIRED}=required)"
        );
        eprintln!("skipped: the mail tests need Python's aiosmtpd (pip install aiosmtpd)");
    }
    found
}

impl SmtpServer {
    /// A server that will listen on `port` once [`SmtpServer::start`] is called.
    pub fn on(port: u16) -> SmtpServer {
        SmtpServer { port, maildir: tempfile::tempdir().unwrap(), child: None }
    }

    /// Starts listening and waits until it accepts connections.
    pub fn start(&mut self) {
        let dir = self.maildir.path().join("mail");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{}", self.port)])
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start aiosmtpd");
        self.child = Some(child);
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd did not listen on {}", self.port);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops it (SIGKILL by its process id).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Every message received so far, oldest first.
    pub fn received(&self) -> Vec<Received> {
        let new: PathBuf = self.maildir.path().join("mail").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        files.sort();
        files
            .iter()
            .map(|f| {
                let raw = std::fs::read(f).unwrap();
                let mail = mailparse::parse_mail(&raw).unwrap();
                let header = |name: &str| {
                    use mailparse::MailHeaderMap;
                    mail.headers.get_first_value(name).unwrap_or_default()
                };
                Received {
                    to: header("X-RcptTo"),
                    subject: header("Subject"),
                    message_id: header("Message-ID"),
                    body: mail.get_body().unwrap(),
                }
            })
            .collect()
    }

    /// Waits up to `limit` until `count` messages have arrived; all received.
    pub async fn wait_for(&self, count: usize, limit: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= count || started.elapsed() > limit {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}
