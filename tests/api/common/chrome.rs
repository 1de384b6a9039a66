//! A headless Chromium driven over WebDriver: the browser and its driver are
//! started here, and both are ended by process id when the [`Chrome`] drops.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Set by CI, where a missing browser is a failure rather than a skip.
const REQUIRED: &str = "PORTFEL_BROWSER_TESTS";
/// Width and height of the browser's window.
const WINDOW: (u32, u32) = (1400, 1100);

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
    pub async fn open(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.unwrap();
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
        assert_eq!(&png[1..4], b"PNG");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Checks the page as a keyboard and screen-reader user needs it: `lang="uk"`, a name
    /// for every form control, the skip link first in the tab order, and text contrast of at
    /// least 4.5:1 (3:1 for large text) against the background it sits on (WCAG 2.1 AA).
    pub async fn audit(&self) {
        let found = self.run(AUDIT).await;
        let problems: Vec<&Value> = found.as_array().expect("audit list").iter().collect();
        assert!(problems.is_empty(), "accessibility of {}: {problems:#?}", self.path().await);
        if self.client.find(Locator::Css("a.skip")).await.is_ok() {
            self.client.find(Locator::Css("body")).await.unwrap().send_keys(&Key::Tab).await.unwrap();
            let first = self.run("return document.activeElement.className").await;
            assert_eq!(first, "skip", "Tab first reaches the skip link on {}", self.path().await);
        }
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
