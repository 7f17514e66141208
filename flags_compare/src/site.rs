//! The flag site, in a process of its own.
//!
//! Why not in this process, as the programs do? Linux counts a child's peak
//! memory (`ru_maxrss`) from the moment it is spawned, and a child spawned by
//! a large process starts out as large as its parent: the site's 2 MB of
//! flags would be added to every program measured. So this process stays
//! small, and the site runs beside it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `flags_server`, stopped when dropped.
pub struct SiteProcess {
    pub url: String,
    child: Child,
}

impl SiteProcess {
    /// Starts `flags_server` on a free port with this latency (and the
    /// programs' small jitter: +-5 ms at 0.36 s), and reads its URL.
    pub fn start(server: &Path, latency: f64) -> Result<SiteProcess, String> {
        let jitter = latency / 72.0;
        let delay = format!("{},{}", latency - jitter, latency + jitter);
        let mut command = Command::new(server);
        command.args(["--port", "0", "--delay", &delay]).stdin(Stdio::null()).stderr(Stdio::null());
        let child = command.stdout(Stdio::piped()).spawn();
        let mut child = child.map_err(|err| format!("cannot start {}: {err}", server.display()))?;
        match banner_url(&mut child) {
            Some(url) => Ok(SiteProcess { url, child }),
            None => Err(format!("{} did not say where it serves", server.display())),
        }
    }
}

impl Drop for SiteProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `Serving 194 flags at http://127.0.0.1:PORT/flags (...)` -> the URL.
fn banner_url(child: &mut Child) -> Option<String> {
    let mut line = String::new();
    BufReader::new(child.stdout.take()?).read_line(&mut line).ok()?;
    let url = line.split_whitespace().find(|word| word.starts_with("http://"))?;
    Some(url.to_string())
}
