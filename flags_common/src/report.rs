//! What a run says before and after the downloads: flags2's `initial_report`
//! and `final_report`, for people, or as JSON for programs.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::time::Duration;

use flags_server::console::{say, warn};
use serde::{Deserialize, Serialize};

use crate::countries::ALL_CC;
use crate::plan::Plan;
use crate::status::Counter;

/// flags2's `initial_report` (with `-v`): the site, the codes, the concurrency.
pub(crate) fn initial_report(label: &str, plan: &Plan) {
    let (n, url) = (plan.cc_list.len(), &plan.base_url);
    let codes = match (plan.cc_list.first(), plan.cc_list.last()) {
        (Some(first), Some(last)) if n > 10 => format!("from {first} to {last}"),
        _ => plan.cc_list.join(", "),
    };
    let plural = if n == 1 { "" } else { "s" };
    let connections = match plan.concur_req {
        1 => "1 connection will be used.".to_string(),
        n => format!("{n} concurrent connections will be used."),
    };
    say(format_args!(
        "{label} site: {url}\nSearching for {n} flag{plural}: {codes}\n{connections}\n"
    ));
}

/// The report after the run: Example 20-1's last line, plus flags2's counts
/// when anything went wrong (and the codes a stop signal left untried);
/// without `-v`, the errors' reasons on stderr.
pub(crate) fn final_report(
    counter: &Counter, plan: &Plan, not_attempted: usize, elapsed: Duration, verbose: bool,
) {
    let mut text = String::new();
    let _ = write_report(&mut text, counter, not_attempted, elapsed);
    say(format_args!("{text}"));
    if !verbose && !counter.errors.is_empty() {
        warn(format_args!("Errors by reason (-v shows each code):"));
        counter.errors.iter().for_each(|(reason, n)| warn(format_args!("{n:6}  {reason}")));
    }
    if nothing_found(counter, plan) {
        warn(format_args!("None of these flags was found at {}", plan.base_url));
        warn(format_args!("Is that the right base URL? A flag is at {{base URL}}/br/br.gif."));
    }
}

fn write_report(
    text: &mut String, counter: &Counter, not_attempted: usize, elapsed: Duration,
) -> fmt::Result {
    writeln!(text, "{} downloads in {:.2}s", counter.ok, elapsed.as_secs_f64())?;
    if counter.not_found > 0 {
        writeln!(text, "{:3} not found.", counter.not_found)?;
    }
    let errors = counter.error_count();
    if errors > 0 {
        writeln!(text, "{errors:3} errors.")?;
    }
    if not_attempted > 0 {
        writeln!(text, "{not_attempted:3} not attempted: interrupted.")?;
    }
    Ok(())
}

/// Every code was "not found", and some of them are real countries: the
/// base URL is probably wrong (`http://host:8001` without `/flags`).
fn nothing_found(counter: &Counter, plan: &Plan) -> bool {
    let real = plan.cc_list.iter().any(|cc| ALL_CC.contains(&cc.as_str()));
    real && counter.not_found > 0 && counter.not_found == counter.total()
}

/// The report of one run as `--json` prints it: one object on one line,
/// which flags_compare reads back with this same type.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Serialize)]
pub struct RunReport {
    /// `flags_seq`, `flags_threadpool` or `flags_async`.
    pub program: String,
    /// The `-s` label: SIMULATED, LOCAL, DELAY, ERROR, REMOTE or CUSTOM.
    pub site: String,
    pub base_url: String,
    /// How many codes were to be downloaded.
    pub flags: usize,
    /// The requests in flight at once: flags2's `actual_req`.
    pub concur_req: usize,
    /// The program's default and largest concurrency (flags2's constants).
    pub default_concur_req: usize,
    pub max_concur_req: usize,
    pub downloaded: usize,
    pub not_found: usize,
    pub errors: usize,
    /// Each error's reason, and how many codes ended with it.
    pub error_reasons: BTreeMap<String, usize>,
    /// Codes left out because a signal stopped the run.
    pub not_attempted: usize,
    /// The signal's number, if one stopped the run.
    pub stopped_by_signal: Option<i32>,
    pub elapsed_s: f64,
}

pub(crate) fn json_report(report: &RunReport) {
    match serde_json::to_string(report) {
        Ok(json) => say(format_args!("{json}\n")),
        Err(err) => warn(format_args!("cannot write the report as JSON: {err}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_settings::ClientSettings;

    fn report(counter: &Counter, not_attempted: usize) -> String {
        let mut text = String::new();
        let _ = write_report(&mut text, counter, not_attempted, Duration::from_millis(7180));
        text
    }

    #[test]
    fn example_20_1_when_all_went_well() {
        let counter = Counter { ok: 20, ..Counter::default() };
        assert_eq!(report(&counter, 0), "20 downloads in 7.18s\n");
    }

    #[test]
    fn flags2_counts_when_not() {
        let errors = BTreeMap::from([("reset".to_string(), 2), ("HTTP error 418".to_string(), 4)]);
        let counter = Counter { ok: 5, not_found: 9, errors };
        let expected =
            "5 downloads in 7.18s\n  9 not found.\n  6 errors.\n  4 not attempted: interrupted.\n";
        assert_eq!(report(&counter, 4), expected);
    }

    #[test]
    fn a_wrong_base_url_is_suspected_only_for_real_codes() {
        let plan = |codes: &[&str]| Plan {
            cc_list: codes.iter().map(|cc| cc.to_string()).collect(),
            base_url: "http://h".into(),
            concur_req: 1,
            client: ClientSettings {
                site: "http://h".into(),
                timeout: Duration::ZERO,
                idle_connections: 1,
                credentials: None,
            },
        };
        let none_found = Counter { not_found: 2, ..Counter::default() };
        assert!(nothing_found(&none_found, &plan(&["BR", "ZZ"])));
        assert!(!nothing_found(&none_found, &plan(&["AA", "ZZ"])), "-e can find nothing");
        let one_found = Counter { ok: 1, not_found: 1, ..Counter::default() };
        assert!(!nothing_found(&one_found, &plan(&["BR", "ZZ"])));
    }
}
