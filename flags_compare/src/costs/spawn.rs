//! The parent's side of a probe: run `flags_compare __probe KIND N URL` in
//! a child, wait for it, and take its peak memory.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use super::held::Refusal;
use super::probe::{MODE, ProbeLine};
use super::{Kind, Peak};
use crate::failure::Failure;
use crate::{interrupt, wait};

/// What a probe showed of its memory.
pub struct Reading {
    /// The one it read itself (Linux); else wait4's, where there is wait4.
    pub peak: Option<Peak>,
    /// Its anonymous memory with all alive (Linux).
    pub anon: Option<u64>,
    /// How many were alive: N, unless the system refused one.
    pub alive: u32,
    /// How long they took to start (threads, futures).
    pub start: Option<Duration>,
    pub refused: Option<Refusal>,
}

/// Runs one probe to its end, and reads what it said.
pub fn probe(kind: Kind, n: u32, url: &str) -> Result<Reading, Failure> {
    interrupt::check()?;
    let exe = std::env::current_exe();
    let exe = exe.map_err(|err| format!("cannot find flags_compare's own binary: {err}"))?;
    let mut command = Command::new(&exe);
    command.args([MODE, kind.name(), &n.to_string(), url]).stdin(Stdio::null());
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = child.map_err(|err| format!("cannot run {}: {err}", exe.display()))?;
    // A probe says one line, far less than a pipe holds: reading after the
    // exit cannot block it.
    let exit = wait::wait(&mut child)?;
    let (stdout, stderr) = (read(&mut child.stdout), read(&mut child.stderr));
    match exit.status {
        0 => {
            let line = serde_json::from_str::<ProbeLine>(&stdout);
            let line =
                line.map_err(|err| format!("the {} probe said {stdout:?}: {err}", kind.name()))?;
            let own = line.peak_rss_bytes.map(|bytes| Peak { bytes, by: Peak::OWN });
            let peak = own.or(exit.peak_rss_bytes.map(|bytes| Peak { bytes, by: Peak::WAIT4 }));
            // A probe may not say more were alive than it was asked for.
            let alive = line.alive.min(n as usize) as u32;
            let start = line.start_secs.and_then(|secs| Duration::try_from_secs_f64(secs).ok());
            Ok(Reading { peak, anon: line.anon_rss_bytes, alive, start, refused: line.refused })
        }
        status => Err(Failure::of_exit("a probe", status, &stderr)),
    }
}

fn read(pipe: &mut Option<impl Read>) -> String {
    let mut text = String::new();
    if let Some(pipe) = pipe {
        let _ = pipe.read_to_string(&mut text);
    }
    text
}
