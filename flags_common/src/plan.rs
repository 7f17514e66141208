//! What a `download_many` is given, and how each code's end is shown.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::io::{self, IsTerminal, Write as _};
use std::process::ExitCode;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::{Counter, Error, Outcome, Result, interrupt};

/// Everything a `download_many` needs, decided by [`main`](crate::main) from
/// the command line: flags2's `download_many(cc_list, base_url, verbose,
/// concur_req)` arguments in one value.
pub struct Plan {
    /// The site, e.g. `http://127.0.0.1:41234/flags`.
    pub base_url: String,
    /// How many requests may be in flight at once (`-m`, bounded).
    pub concurrency: usize,
    /// How long one request may take, first byte to last.
    pub timeout: Duration,
    cc_list: Vec<String>,
    progress: Progress,
    failures: Mutex<Vec<String>>,
}

/// How each code's end is shown.
enum Progress {
    /// Example 20-1: `BD BR CD ...` on one line, each code as it is saved.
    Codes,
    /// `-v`: a line per code with its outcome (flags2).
    Verbose,
    /// Many codes on a terminal: a progress bar on stderr (flags2's tqdm).
    Bar(ProgressBar),
}

impl Plan {
    pub(crate) fn new(
        base_url: String,
        cc_list: Vec<String>,
        concurrency: usize,
        timeout: Duration,
        verbose: bool,
    ) -> Plan {
        let progress = match verbose {
            true => Progress::Verbose,
            false if cc_list.len() > 20 && io::stderr().is_terminal() => bar(cc_list.len()),
            false => Progress::Codes,
        };
        let failures = Mutex::default();
        Plan { base_url, concurrency, timeout, cc_list, progress, failures }
    }

    /// The codes to download, sorted. The iterator ends early on Ctrl-C, so
    /// that every concurrency model stops starting requests.
    pub fn cc_list(&self) -> impl Iterator<Item = &str> {
        self.cc_list.iter().map(String::as_str).take_while(|_| !interrupt::interrupted())
    }

    /// The flag's URL: `{base_url}/br/br.gif`.
    pub fn url(&self, cc: &str) -> String {
        let cc = cc.to_ascii_lowercase();
        format!("{}/{cc}/{cc}.gif", self.base_url)
    }

    /// Shows how one code ended, as it ends, and sorts the result into an
    /// [`Outcome`] to count. flags.py's `print(cc, end=' ', flush=True)`.
    pub fn report(&self, cc: &str, result: Result<()>) -> Outcome {
        match (&self.progress, &result) {
            (Progress::Codes, Ok(())) => say(format_args!("{cc} ")),
            (Progress::Codes, Err(_)) => {}
            (Progress::Verbose, Ok(())) => say(format_args!("{cc} OK\n")),
            (Progress::Verbose, Err(Error::Status(404))) => {
                say(format_args!("{cc} not found: {}\n", self.url(cc)));
            }
            (Progress::Verbose, Err(err)) => say(format_args!("{cc} error: {err}\n")),
            (Progress::Bar(bar), _) => bar.inc(1),
        }
        let outcome = Outcome::of(&result);
        if let (Outcome::Error, Err(err)) = (outcome, result) {
            self.failures.lock().unwrap_or_else(PoisonError::into_inner).push(err.to_string());
        }
        outcome
    }

    /// flags2's `initial_report`: the site, the codes, the concurrency.
    pub(crate) fn initial_report(&self, label: &str) {
        let (n, url) = (self.cc_list.len(), &self.base_url);
        let codes = match (self.cc_list.first(), self.cc_list.last()) {
            (Some(first), Some(last)) if n > 10 => format!("from {first} to {last}"),
            _ => self.cc_list.join(", "),
        };
        let plural = if n == 1 { "" } else { "s" };
        let connections = match self.concurrency {
            1 => "1 connection will be used.".to_string(),
            c => format!("{c} concurrent connections will be used."),
        };
        say(format_args!(
            "{label} site: {url}\nSearching for {n} flag{plural}: {codes}\n{connections}\n"
        ));
    }

    /// The report after the run (Example 20-1's last line, plus flags2's
    /// counts when anything went wrong), and the exit status it implies.
    pub(crate) fn final_report(&self, counter: Counter, elapsed: Duration) -> ExitCode {
        let mut text = String::new();
        match &self.progress {
            Progress::Codes => text.push('\n'),
            Progress::Verbose => {}
            Progress::Bar(bar) => bar.finish_and_clear(),
        }
        let _ = write_report(&mut text, counter, self.cc_list.len(), elapsed);
        say(format_args!("{text}"));
        if !matches!(self.progress, Progress::Verbose) {
            self.explain_failures();
        }
        exit_status(counter)
    }

    /// Without `-v`, the reasons for the errors, grouped, on stderr.
    fn explain_failures(&self) {
        let failures = self.failures.lock().unwrap_or_else(PoisonError::into_inner);
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        failures.iter().for_each(|reason| *reasons.entry(reason).or_default() += 1);
        if !reasons.is_empty() {
            eprintln!("Errors by reason (-v shows each code):");
        }
        reasons.iter().for_each(|(reason, n)| eprintln!("{n:6}  {reason}"));
    }
}

fn write_report(
    text: &mut String,
    counter: Counter,
    planned: usize,
    elapsed: Duration,
) -> fmt::Result {
    writeln!(text, "{} downloads in {:.2}s", counter.ok, elapsed.as_secs_f64())?;
    if counter.not_found > 0 {
        writeln!(text, "{:3} not found.", counter.not_found)?;
    }
    if counter.errors > 0 {
        writeln!(text, "{:3} errors.", counter.errors)?;
    }
    let skipped = planned.saturating_sub(counter.total());
    if skipped > 0 {
        writeln!(text, "{skipped:3} not attempted: interrupted.")?;
    }
    Ok(())
}

/// 130 after Ctrl-C, 1 if any download failed, else 0.
fn exit_status(counter: Counter) -> ExitCode {
    match (interrupt::interrupted(), counter.errors) {
        (true, _) => ExitCode::from(interrupt::INTERRUPTED_STATUS),
        (false, 0) => ExitCode::SUCCESS,
        (false, _) => ExitCode::FAILURE,
    }
}

fn bar(len: usize) -> Progress {
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} flags, {elapsed}");
    let bar = ProgressBar::new(len as u64)
        .with_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()));
    Progress::Bar(bar)
}

/// Prints to stdout at once (Python's `flush=True`). A closed stdout, as in
/// `flags_seq | head -c1`, must not stop the downloads, so errors are ignored.
fn say(text: fmt::Arguments) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_fmt(text).and_then(|()| stdout.flush());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(counter: Counter, planned: usize) -> String {
        let mut text = String::new();
        let _ = write_report(&mut text, counter, planned, Duration::from_millis(7180));
        text
    }

    #[test]
    fn example_20_1_when_all_went_well() {
        let counter = Counter { ok: 20, ..Counter::default() };
        assert_eq!(report(counter, 20), "20 downloads in 7.18s\n");
    }

    #[test]
    fn flags2_counts_when_not() {
        let counter = Counter { ok: 5, not_found: 9, errors: 6 };
        let expected =
            "5 downloads in 7.18s\n  9 not found.\n  6 errors.\n  4 not attempted: interrupted.\n";
        assert_eq!(report(counter, 24), expected);
    }

    #[test]
    fn urls_are_lower_case() {
        let plan = Plan::new("http://h/flags".into(), vec!["BR".into()], 1, Duration::ZERO, false);
        assert_eq!(plan.url("BR"), "http://h/flags/br/br.gif");
    }
}
