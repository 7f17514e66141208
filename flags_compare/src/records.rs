//! The site's records of each run, fetched over HTTP as JSON.
//!
//! `flags_server` records every request: when it arrived, on which
//! connection, how it was answered, when the answer ended or when the site
//! abandoned it. It serves them at `GET /_records?from=N` as a
//! [`RecordPage`], `{"next": M, "records": [...]}`; asking from `next` the
//! next time gives only the requests made since. Those are the timeline.

use std::cell::Cell;
use std::thread;
use std::time::{Duration, Instant};

use flags_server::{Record, RecordPage};
use ureq::Agent;

/// Loopback answers at once; a site that takes this long is stuck.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How long a run's last requests may take to settle once the program has
/// exited: the site notices a client that left a moment after it left.
const SETTLE: Duration = Duration::from_secs(2);

/// Reads the records of one site, run after run.
pub struct RecordsClient {
    agent: Agent,
    /// `http://127.0.0.1:PORT/_records`
    url: String,
    /// The first record not read yet.
    next: Cell<u64>,
}

impl RecordsClient {
    pub fn new(url: String) -> RecordsClient {
        // Never through a proxy: learners often have http_proxy set, and a
        // proxy would ask for 127.0.0.1 on its own machine.
        let config = Agent::config_builder().proxy(None).timeout_global(Some(TIMEOUT)).build();
        RecordsClient { agent: config.into(), url, next: Cell::new(1) }
    }

    /// The records of the requests made since the last call, each complete:
    /// ended, or abandoned by the site. (One still open after [`SETTLE`]
    /// comes as it is.)
    pub fn since_last_call(&self) -> Result<Vec<Record>, String> {
        let deadline = Instant::now() + SETTLE;
        let records = loop {
            let records = self.all_from(self.next.get())?;
            if records.iter().all(settled) || Instant::now() >= deadline {
                break records;
            }
            thread::sleep(Duration::from_millis(10));
        };
        if let Some(last) = records.last() {
            self.next.set(last.seq + 1);
        }
        Ok(records)
    }

    /// Every record from `from` on, page after page.
    fn all_from(&self, mut from: u64) -> Result<Vec<Record>, String> {
        let mut records = Vec::new();
        loop {
            let page = self.page(from)?;
            if page.records.is_empty() {
                return Ok(records);
            }
            records.extend(page.records);
            from = page.next;
        }
    }

    fn page(&self, from: u64) -> Result<RecordPage, String> {
        let url = format!("{}?from={from}", self.url);
        let failed =
            |err: &dyn std::fmt::Display| format!("cannot read the site's records at {url}: {err}");
        let mut answer = self.agent.get(&url).call().map_err(|err| failed(&err))?;
        let json = answer.body_mut().read_to_string().map_err(|err| failed(&err))?;
        serde_json::from_str(&json).map_err(|err| failed(&err))
    }
}

/// Whether the site is done with the request: answered, or abandoned.
fn settled(record: &Record) -> bool {
    record.ended.is_some() || record.abandoned.is_some()
}
