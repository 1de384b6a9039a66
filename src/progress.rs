//! Progress of long command-line work: a bar with counts and an estimated
//! time left on a terminal, a log line every [`LOG_EVERY`] otherwise (cron,
//! systemd, a pipe), nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often progress is logged when not on a terminal.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// A pull's bar: how far into DREAM's modification times it has come.
pub const PULL: &str = "{spinner} [{elapsed_precise}] {wide_bar} {percent}% of the changes, ETA {eta} | {msg}";
/// A push's bar: passports sent of those changed.
pub const PUSH: &str = "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} passports, {per_sec}, ETA {eta}";
/// Loading the demo, in steps not counted.
pub const DEMO: &str = "{spinner} [{elapsed_precise}] {msg}";

/// Where progress goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// A bar redrawn on standard error.
    Terminal,
    /// Periodic log lines.
    Log,
    /// Nowhere.
    Quiet,
}

impl Output {
    /// Nowhere when `quiet`, else a bar when standard error is a terminal, else log lines.
    pub fn detect(quiet: bool) -> Output {
        match (quiet, std::io::stderr().is_terminal()) {
            (true, _) => Output::Quiet,
            (false, true) => Output::Terminal,
            (false, false) => Output::Log,
        }
    }
}

/// The progress of one piece of work, in steps of `length` (when known).
#[derive(Debug)]
pub struct Progress {
    output: Output,
    bar: ProgressBar,
    label: &'static str,
    last_line: Mutex<Instant>,
}

impl Progress {
    /// Starts showing progress of `label`; `template` is the bar's
    /// (indicatif's template syntax: `{pos}`, `{len}`, `{eta}`, `{msg}`, ...).
    pub fn start(output: Output, label: &'static str, template: &str) -> Progress {
        let target = match output {
            Output::Terminal => ProgressDrawTarget::stderr(),
            Output::Log | Output::Quiet => ProgressDrawTarget::hidden(),
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(ProgressStyle::with_template(&format!("{label}: {template}")).expect("a valid bar template"));
        if output == Output::Terminal {
            bar.enable_steady_tick(Duration::from_millis(200));
        }
        Progress { output, bar, label, last_line: Mutex::new(Instant::now()) }
    }

    /// Progress that is not shown (tests, library callers).
    pub fn hidden() -> Progress {
        Progress::start(Output::Quiet, "work", "{pos}")
    }

    /// Sets how many steps the work has.
    pub fn set_length(&self, length: u64) {
        self.bar.set_length(length);
    }

    /// Sets how many steps are done, and what to say about them.
    pub fn update(&self, position: u64, message: String) {
        self.bar.set_position(position);
        self.bar.set_message(message);
        self.log_line(false);
    }

    /// Ends the bar (the caller prints the final counts).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
        self.log_line(true);
    }

    fn log_line(&self, last: bool) {
        if self.output != Output::Log {
            return;
        }
        let mut at = self.last_line.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if !last && at.elapsed() < LOG_EVERY {
            return;
        }
        *at = Instant::now();
        let (done, total) = (self.bar.position(), self.bar.length());
        let percent = total.filter(|t| *t > 0).map(|t| done * 100 / t);
        tracing::info!(
            work = self.label,
            done,
            total,
            percent,
            eta_seconds = (!last && total.is_some()).then(|| self.bar.eta().as_secs()),
            "{}",
            self.bar.message()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bar_template_is_valid() {
        for template in [PULL, PUSH, DEMO] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
