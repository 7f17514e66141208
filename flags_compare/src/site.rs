//! The flag site, in a process of its own.
//!
//! Why not in this process, as the programs do? Linux counts a child's peak
//! memory (`ru_maxrss`) from the moment it is spawned, and a child spawned by
//! a large process starts out as large as its parent: the site's 2 MB of
//! flags would be added to every program measured. So this process stays
//! small, and the site runs beside it.
//!
//! It is started with `--json`: its first line on stdout is JSON that says
//! where it serves, `{"url":"http://127.0.0.1:PORT/flags","records":"..."}`,
//! a line for programs, unlike the banner it prints for people.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use flags_server::{Record, SiteUrls};

use crate::failure::{Failure, first_line};
use crate::interrupt;
use crate::records::RecordsClient;
use crate::workload::WorkloadArgs;

/// How the site behaves: `flags_server`'s options.
pub struct SiteSettings {
    /// Seconds a request takes, with the programs' small jitter: +-5 ms at 0.36 s.
    pub latency: f64,
    /// `--fault` arguments, as the user gave them.
    pub faults: Vec<String>,
    /// HTTP/2 streams open at once on a connection: `--max-streams`.
    pub max_streams: u32,
}

impl SiteSettings {
    /// The site a workload asks for.
    pub fn of(load: &WorkloadArgs) -> SiteSettings {
        let (latency, faults) = (load.latency, load.faults.clone());
        SiteSettings { latency, faults, max_streams: load.max_streams }
    }

    /// A site as it comes, at this latency.
    pub fn plain(latency: f64) -> SiteSettings {
        SiteSettings { latency, faults: vec![], max_streams: flags_server::DEFAULT_MAX_STREAMS }
    }

    fn args(&self) -> Vec<String> {
        let jitter = self.latency / 72.0;
        let delay = format!("{},{}", self.latency - jitter, self.latency + jitter);
        let mut args: Vec<String> =
            ["--port", "0", "--json", "--quiet", "--delay", &delay].map(str::to_string).into();
        args.extend(self.faults.iter().flat_map(|fault| ["--fault".to_string(), fault.clone()]));
        args.extend(["--max-streams".to_string(), self.max_streams.to_string()]);
        args
    }
}

/// A running `flags_server`, stopped when dropped.
pub struct SiteProcess {
    /// Where the flags are: `http://127.0.0.1:PORT/flags`.
    pub url: String,
    records: RecordsClient,
    child: Child,
}

impl SiteProcess {
    /// Starts `flags_server` on a free port and reads where it serves.
    pub fn start(server: &Path, settings: &SiteSettings) -> Result<SiteProcess, Failure> {
        // The site holds a socket per connection: 676 when flags_async
        // downloads 676 flags at once, more than the usual limit of 1024
        // with the program's own. Raised here, before the site and the
        // programs start, so that they inherit it.
        let _ = rlimit::increase_nofile_limit(u64::MAX);
        let mut command = Command::new(server);
        command.args(settings.args()).stdin(Stdio::null());
        let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
        let mut child = child.map_err(|err| format!("cannot start {}: {err}", server.display()))?;
        match read_start(&mut child) {
            Some(start) => {
                // With --quiet it has nothing more to say that we would read:
                // close the pipe rather than let it fill up.
                drop(child.stderr.take());
                let records = RecordsClient::new(start.records);
                Ok(SiteProcess { url: start.url, records, child })
            }
            None => {
                // Ctrl-C in a terminal stops the site too, before it says a word.
                let why = why_it_stopped(child);
                interrupt::check()?;
                Err(Failure::Error(format!("{} did not start: {why}", server.display())))
            }
        }
    }

    /// The records of the requests since the last call (since the site
    /// started, at first): one run's.
    pub fn records_of_last_run(&self) -> Result<Vec<Record>, String> {
        self.records.since_last_call()
    }
}

impl Drop for SiteProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The JSON start line, if the site printed one.
fn read_start(child: &mut Child) -> Option<SiteUrls> {
    let mut line = String::new();
    BufReader::new(child.stdout.take()?).read_line(&mut line).ok()?;
    serde_json::from_str(&line).ok()
}

/// The first thing the site said on stderr, which is what went wrong, or
/// else its exit status.
fn why_it_stopped(mut child: Child) -> String {
    let _ = child.kill();
    let status = child.wait().map(|status| status.to_string()).unwrap_or_default();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    first_line(&stderr).map_or(status, str::to_string)
}
