//! A headless Chromium driven over WebDriver: the browser and its driver are
//! started here, and both are ended by process id when the [`Chrome`] drops.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Set by CI, where a missing browser is a failure rather than a skip.
const REQUIRED: &str = "PORTFEL_BROWSER_TESTS";
/// Width and height of the browser's window.
const WINDOW: (u32, u32) = (1400, 1100);
/// Width and height of a phone's window.
const PHONE: (u32, u32) = (390, 844);

/// A running headless Chromium and ChromeDriver.
pub struct Chrome {
    browser: Child,
    driver: Child,
    driver_port: u16,
    _profile: tempfile::TempDir,
}

impl Chrome {
    /// Starts both, or `None` (after saying so) when they are not installed
    /// and `PORTFEL_BROWSER_TESTS` is not `required`.
    pub fn start() -> Option<Chrome> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            assert!(
                std::env::var(REQUIRED).as_deref() != Ok("required"),
                "{CHROMIUM} and {CHROMEDRIVER} are required here ({REQUIRED}=required)"
            );
            eprintln!(
                "skipped: the browser tests need {CHROMIUM} and {CHROMEDRIVER} (Debian: chromium chromium-driver)"
            );
            return None;
        }
        let profile = tempfile::tempdir().unwrap();
        let browser = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--lang=uk",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--window-size={},{}", WINDOW.0, WINDOW.1))
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromium");
        let driver_port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={driver_port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        Some(Chrome { browser, driver, driver_port, _profile: profile })
    }

    /// The port Chromium's DevTools listen on, from the file it writes at start.
    fn devtools_port(&self) -> u16 {
        let file = self._profile.path().join("DevToolsActivePort");
        let start = Instant::now();
        loop {
            if let Ok(text) = std::fs::read_to_string(&file)
                && let Some(port) = text.lines().next().and_then(|l| l.trim().parse().ok())
            {
                return port;
            }
            assert!(start.elapsed() < Duration::from_secs(30), "chromium did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A WebDriver session on the browser, opening pages under `base`.
    pub async fn tab(&self, base: &str) -> Tab {
        let caps = json!({"goog:chromeOptions": {"debuggerAddress": format!("127.0.0.1:{}", self.devtools_port())}});
        let Value::Object(caps) = caps else { unreachable!() };
        let url = format!("http://127.0.0.1:{}", self.driver_port);
        let start = Instant::now();
        let client = loop {
            match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) => {
                    assert!(start.elapsed() < Duration::from_secs(30), "chromedriver did not answer: {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        };
        Tab { client, base: base.to_owned() }
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        for child in [&mut self.driver, &mut self.browser] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The browser's one window, with helpers that fail the test with the page's text.
pub struct Tab {
    /// The WebDriver session.
    pub client: Client,
    base: String,
}

impl Tab {
    /// Opens `path` of the server.
    /// Opens `path` of the server, and audits the page ([`Tab::audit`]).
    pub async fn open(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
        self.audit().await;
    }

    /// The path (with query) of the page shown.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        url.as_str().strip_prefix(&self.base).unwrap_or(url.as_str()).to_owned()
    }

    /// The element `css`, waiting up to 10 s for it.
    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => panic!("no {css} on {}: {e}\n{}", self.path().await, self.text().await),
        }
    }

    /// Every element matching `css`.
    pub async fn all(&self, css: &str) -> Vec<Element> {
        self.client.find_all(Locator::Css(css)).await.unwrap()
    }

    /// The visible text of the page.
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The page's title.
    pub async fn title(&self) -> String {
        self.client.title().await.unwrap()
    }

    /// Types `text` into the input `css`, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.find(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Sets the value of `css` by script (date inputs, whose typing is locale-bound).
    pub async fn set(&self, css: &str, value: &str) {
        self.find(css).await;
        self.client
            .execute("document.querySelector(arguments[0]).value = arguments[1];", vec![json!(css), json!(value)])
            .await
            .unwrap();
    }

    /// Chooses the option `value` of the select `css`.
    pub async fn choose(&self, css: &str, value: &str) {
        self.find(css).await.select_by_value(value).await.unwrap();
    }

    /// Clicks `css` and waits for the next page to load.
    pub async fn click(&self, css: &str) {
        let before = self.client.find(Locator::Css("html")).await.unwrap();
        self.find(css).await.click().await.unwrap();
        let start = Instant::now();
        // The old page's root goes stale once the next page has replaced it.
        while before.tag_name().await.is_ok() {
            assert!(start.elapsed() < Duration::from_secs(30), "clicking {css} loaded no page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.find("body").await;
        self.audit().await;
    }

    /// Runs `script` in the page.
    pub async fn run(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.unwrap()
    }

    /// Saves a PNG of the element `css` as `docs/screenshots/{name}.png`.
    pub async fn screenshot(&self, css: &str, name: &str) -> PathBuf {
        let element = self.find(css).await;
        let (_, top, _, height) = element.rectangle().await.unwrap();
        // The window grows to hold the whole element: a screenshot shows the viewport only.
        let tall = (top + height + 400.0).max(f64::from(WINDOW.1)) as u32;
        self.client.set_window_size(WINDOW.0, tall).await.unwrap();
        let png = element.screenshot().await.unwrap();
        self.client.set_window_size(WINDOW.0, WINDOW.1).await.unwrap();
        save_png(name, &png)
    }

    /// Checks the page as a keyboard and screen-reader user needs it: `lang="uk"`, a name
    /// for every form control, the skip link first in the tab order, and text contrast of at
    /// least 4.5:1 (3:1 for large text) against the background it sits on (WCAG 2.1 AA).
    pub async fn audit(&self) {
        let path = self.path().await;
        if ["/docs", "/api/", "/openapi.json"].iter().any(|p| path.starts_with(p)) {
            return; // the API's documentation viewer and documents, not pages of the workspace
        }
        let found = self.run(AUDIT).await;
        let problems: Vec<&Value> = found.as_array().expect("audit list").iter().collect();
        assert!(problems.is_empty(), "accessibility of {}: {problems:#?}", self.path().await);
        let found = self.axe().await;
        assert!(found.as_array().is_some_and(Vec::is_empty), "axe-core on {}: {found:#}", self.path().await);
        self.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        let widths = self.run("return [document.documentElement.scrollWidth, window.innerWidth, [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !(function f(a) { for (a = a.parentElement; a && a !== document.body; a = a.parentElement) { if (getComputedStyle(a).overflowX !== 'visible') return true; } return false; })(e)).slice(-3).map(e => e.outerHTML.slice(0, 160))]").await;
        self.client.set_window_size(WINDOW.0, WINDOW.1).await.unwrap();
        let (page, window) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        assert!(page <= window, "{} is {page} px wide on a {window} px phone: {}", self.path().await, widths[2]);
        let english = self.run(ENGLISH).await;
        let english: Vec<&str> =
            english.as_array().unwrap().iter().filter_map(Value::as_str).filter(|w| !LOGINS.contains(w)).collect();
        assert!(english.is_empty(), "English words on {}: {english:?}", self.path().await);
        // Tab first reaches the skip link: it leads the document's order and no tabindex reorders it.
        let order = self
            .run(
                "const f = document.querySelector('a[href], button, input:not([type=hidden]), select, textarea'); \
                 return [document.querySelector('a.skip') !== null, f ? f.className : '', \
                 document.querySelectorAll('[tabindex]:not([tabindex=\"-1\"]):not([tabindex=\"0\"])').length]",
            )
            .await;
        if order[0] == json!(true) {
            assert_eq!(
                (order[1].as_str(), order[2].as_u64()),
                (Some("skip"), Some(0)),
                "tab order of {}",
                self.path().await
            );
        }
    }

    /// Saves a PNG of the whole page as a phone (390 px wide) shows it, as
    /// `docs/screenshots/{name}.png`.
    pub async fn phone_screenshot(&self, name: &str) -> PathBuf {
        self.client.set_window_size(PHONE.0, PHONE.1).await.unwrap();
        let height = self.run("return document.documentElement.scrollHeight").await.as_u64().unwrap() as u32;
        self.client.set_window_size(PHONE.0, height.clamp(PHONE.1, 4000)).await.unwrap();
        let png = self.client.screenshot().await.unwrap();
        self.client.set_window_size(WINDOW.0, WINDOW.1).await.unwrap();
        save_png(name, &png)
    }

    /// The violations axe-core finds on the page (WCAG 2.1 A and AA rules).
    pub async fn axe(&self) -> Value {
        if self.run("return typeof axe === 'undefined'").await == json!(true) {
            self.client.execute(axe_source(), vec![]).await.unwrap();
        }
        self.client.execute_async(AXE_RUN, vec![]).await.unwrap()
    }

    /// Signs in as `sub` through the sign-in form.
    pub async fn sign_in(&self, sub: &str, password: &str) {
        self.open("/login").await;
        self.fill("#sub", sub).await;
        self.fill("#password", password).await;
        self.click("form button[type=submit]").await;
        assert!(
            self.text().await.contains(&format!("Користувач {sub}")),
            "{sub} is not signed in: {}",
            self.text().await
        );
    }

    /// Signs out through the header's button (of the start page: error pages have no header).
    pub async fn sign_out(&self) {
        self.open("/").await;
        self.click("header form button.link").await;
        assert_eq!(self.path().await.split('?').next().unwrap(), "/login");
    }

    /// Ends the WebDriver session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Saves a screenshot as `docs/screenshots/{name}.png`.
fn save_png(name: &str, png: &[u8]) -> PathBuf {
    assert_eq!(&png[1..4], b"PNG");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).unwrap();
    path
}

/// Logins of the walk-through's people: test data shown beside their names, not product text.
const LOGINS: [&str; 7] = ["pim", "council", "ini-a", "exp-1", "exp-2", "exp-3", "exp-4"];

/// axe-core's script, installed from npm into `target/axe` on first use.
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/axe");
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            let status = Command::new("npm")
                .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(format!("axe-core@{AXE_VERSION}"))
                .status()
                .expect("npm installs axe-core for the browser tests");
            assert!(status.success(), "npm install axe-core@{AXE_VERSION} failed");
        }
        std::fs::read_to_string(&script).unwrap()
    })
}

/// The axe-core release the audit runs.
const AXE_VERSION: &str = "4.10.3";

/// Runs axe-core on the document; calls back with its violations, each with the nodes it names.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))))
  .catch(e => done([{ id: 'axe-error', help: String(e) }]));
"#;

/// Words in Latin letters in the page's visible text, but for the names Ukrainian text keeps
/// (API, DREAM, file formats), addresses, e-mails and codes.
const ENGLISH: &str = r#"
const names = new Set(['API', 'DREAM', 'PDF', 'CSV', 'XLSX', 'DOCX', 'JPEG', 'P7S', 'OpenAPI', 'JSON', 'UAH', 'UA-GIS', 'WB-ECO', 'United24']);
const text = document.body.innerText
  .replace(/\S+@\S+/g, ' ').replace(/https?:\/\/\S+/g, ' ').replace(/\bUA\d+\b/g, ' ')
  .replace(/\.(pdf|docx|xlsx|odt|ods|jpe?g|png|zip|p7s)\b/gi, ' ');
const words = text.match(/[A-Za-z][A-Za-z-]*[A-Za-z0-9]*/g) || [];
return [...new Set(words.filter(w => !names.has(w) && !/^[A-Z]{1,3}\d*$/.test(w)))];
"#;

/// The accessibility checks of [`Tab::audit`], run in the page; returns what fails.
const AUDIT: &str = r#"
const problems = [];
if (document.documentElement.lang !== 'uk') problems.push('html lang is not uk');
for (const c of document.querySelectorAll('input, select, textarea')) {
  if (c.type === 'hidden') continue;
  const named = c.labels.length > 0 || c.getAttribute('aria-label') || c.getAttribute('aria-labelledby');
  if (!named) problems.push('no label: ' + (c.name || c.id));
}
const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
const lum = ([r, g, b]) => {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
};
const background = e => {
  for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const seen = new Set();
while (walker.nextNode()) {
  const e = walker.currentNode.parentElement;
  if (!walker.currentNode.textContent.trim() || seen.has(e) || e.closest('svg')) continue;
  seen.add(e);
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
  const [a, b] = [lum(rgb(style.color)), lum(background(e))];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const size = parseFloat(style.fontSize);
  const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  if (ratio < (large ? 3 : 4.5)) problems.push('contrast ' + ratio.toFixed(2) + ': ' + e.textContent.trim().slice(0, 40));
}
return problems;
"#;
