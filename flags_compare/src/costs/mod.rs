//! `flags_compare costs N,N,...`: what a thread costs, what a future costs, and apart
//! from them what each HTTP client's connection costs.
//!
//! A program's peak memory is not all its threads' or its futures': each
//! request in flight also holds a connection of its HTTP client, with the
//! client's buffers, and those weigh more. So this weighs four things
//! apart, N of each alive at once, each N in a fresh process of its own
//! (`flags_compare __probe KIND N URL`, see `probe`):
//!
//! | kind | N of what | module |
//! |---|---|---|
//! | `threads` | std threads, started and parked: a thread alone | `threads` |
//! | `futures` | futures waiting on one `Notify`, held as flags_async holds them | `waiting` |
//! | `ureq` | kept-alive connections of flags_threadpool's client, no thread each | `with_ureq` |
//! | `reqwest` | kept-alive connections of flags_async's client, after N GETs at once | `with_reqwest` |
//!
//! and each once more with none (N = 0), so that what one costs is
//! (peak(N) - peak(0)) / N. At N = 1 that includes what the first one costs
//! once (code paged in, a runtime's or a pool's first allocations); the
//! step between the two largest N does not, and the table shows it too.
//! The connections go to a `flags_server` in a process of its own, on
//! loopback: its memory is its own, not the probe's.
//!
//! Each probe also times how long its threads or futures take to start,
//! and the threads probe stops at the system's limit and says which
//! (`limits`): there a thread is refused, not a panic.
//!
//! RSS counts the pages a process touched in user space. The kernel's
//! memory for the same things (socket buffers, a thread's kernel stack,
//! page tables) is not in it, and so not in these figures.
//!
//! From a release build, on Linux with 2 cores (the table only):
//!
//! ```text
//! $ target/release/flags_compare costs 10,100,1000,10000,100000
//!                    threads               futures                 ureq                reqwest
//!           N       peak   per unit       peak   per unit       peak   per unit       peak   per unit
//!           0    4.2 MiB               4.4 MiB               4.0 MiB               6.1 MiB
//!          10    4.4 MiB   12.0 KiB    4.4 MiB      410 B    5.3 MiB   11.2 KiB    6.6 MiB   15.6 KiB
//!         100    5.4 MiB    9.8 KiB    4.3 MiB        0 B    6.7 MiB   14.4 KiB    9.0 MiB   25.1 KiB
//!        1000   13.7 MiB    9.6 KiB    4.6 MiB      152 B   19.4 MiB   14.7 KiB   33.3 MiB   27.4 KiB
//!       10000   97.7 MiB    9.6 KiB    6.0 MiB      174 B  148.8 MiB   14.7 KiB  274.9 MiB   27.5 KiB
//!      100000  160.1 MiB    9.8 KiB   21.2 MiB      176 B    skipped               skipped
//!    1000→10k                                                          14.7 KiB              27.5 KiB
//!   10k→16350              10.1 KiB
//!    10k→100k                                       176 B
//!
//! Start: from the first spawn until all N are waiting
//!           N    threads     total   per unit    futures     total   per unit
//!          10      10 up  639.8 µs    64.0 µs      10 up   10.7 µs     1.1 µs
//!         100     100 up    3.2 ms    32.1 µs     100 up   15.1 µs     151 ns
//!        1000    1000 up   28.6 ms    28.6 µs    1000 up  144.7 µs     144 ns
//!       10000   10000 up  295.4 ms    29.5 µs   10000 up    2.6 ms     263 ns
//!      100000   16350 up  524.2 ms    32.1 µs  100000 up   16.2 ms     162 ns
//! ```
//!
//! At N = 10, a future or a thread is lost in the 4 KiB pages: the
//! large N tell. A parked thread, some 10 KiB (two pages of stack, the
//! rest its allocator's state); a waiting future, under 200 bytes; a ureq
//! connection, 15 KiB (its 8 + 4 KiB buffers); a reqwest connection, 28 KiB.
//! A thread takes 30-50 µs to start, a future 150-260 ns. At 100,000 the
//! threads stop at 16,350, where the probe's memory maps reach
//! `vm.max_map_count` (see `threads`), and the connections are not probed
//! above [`MOST_CONNECTIONS`].
//! The connections are the programs' own clients, flags_common's, built
//! from the same settings as theirs. Before, the probes built look-alike
//! clients by hand and were found before clap parsed anything; the per
//! unit figures are the same within the runs' noise, but every peak at
//! N = 0 is some 0.7 MiB higher: about 80 KiB of it anonymous memory, the
//! rest pages of code, most likely clap's parser, which each probe now
//! goes through as a subcommand.

mod held;
mod json;
mod limits;
pub mod probe;
mod spawn;
mod table;
mod threads;
mod waiting;
mod with_reqwest;
mod with_ureq;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use clap::{Args, ValueEnum};
use flags_common::ClientSettings;
use flags_server::console::say;
use indicatif::ProgressBar;

use self::held::Refusal;

use crate::failure::Failure;
use crate::site::{SiteProcess, SiteSettings};
use crate::{programs, progress};

/// `costs`' own options: it runs no program, so it takes no workload.
#[derive(Args, Debug)]
pub struct CostsArgs {
    /// How many of each kind to hold at once, each count in a probe of its own
    #[arg(value_name = "N,N,..", required = true, num_args = 1, action = clap::ArgAction::Set, value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub counts: Vec<u32>,
    /// Print the figures as one JSON object instead of a table
    #[arg(long)]
    pub json: bool,
}

/// What a probe holds N of; its name is the probe's argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Kind {
    Threads,
    Futures,
    Ureq,
    Reqwest,
}

impl Kind {
    /// In the order of the table: the two ways to wait, then the two clients.
    pub const ALL: [Kind; 4] = [Kind::Threads, Kind::Futures, Kind::Ureq, Kind::Reqwest];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Threads => "threads",
            Kind::Futures => "futures",
            Kind::Ureq => "ureq",
            Kind::Reqwest => "reqwest",
        }
    }

    /// One of them, in words.
    pub fn what(self) -> &'static str {
        match self {
            Kind::Threads => "a std thread, started and parked, that allocated once",
            Kind::Futures => {
                "a future waiting on a Notify, in buffer_unordered on tokio's current-thread runtime"
            }
            Kind::Ureq => "a kept-alive connection of flags_threadpool's ureq client, after a GET",
            Kind::Reqwest => {
                "a kept-alive connection of flags_async's reqwest client, after N GETs at once"
            }
        }
    }

    /// Whether its probe opens connections to the site.
    pub fn connects(self) -> bool {
        matches!(self, Kind::Ureq | Kind::Reqwest)
    }

    /// The most a probe of this kind is asked to hold, if there is a most.
    pub fn most(self) -> Option<u32> {
        self.connects().then_some(MOST_CONNECTIONS)
    }

    /// Why not more than [`Kind::most`].
    pub fn why_no_more(self) -> Option<&'static str> {
        self.connects()
            .then_some("N connections need N file descriptors here, N in the site, N local ports")
    }
}

/// The connection probes go no further: N connections take N file
/// descriptors in the probe and N more in the site (a process may open
/// 20,000 on the machine these figures come from, `ulimit -n`), and N of
/// loopback's local ports (28,232 by default, `ip_local_port_range`).
/// Threads and futures go as far as asked, or as the system allows.
pub const MOST_CONNECTIONS: u32 = 10_000;

/// A peak resident memory, and how it was read.
#[derive(Clone, Copy, Debug)]
pub struct Peak {
    pub bytes: u64,
    /// [`Peak::OWN`] or [`Peak::WAIT4`].
    pub by: &'static str,
}

impl Peak {
    /// Read by the probe itself, in /proc/self/status (see `peak`).
    pub const OWN: &str = "VmHWM";
    /// wait4's `ru_maxrss`, read by flags_compare.
    pub const WAIT4: &str = "wait4";
}

/// One probe: N of a kind.
pub struct Point {
    pub n: u32,
    /// `None` where the system can't tell.
    pub peak: Option<Peak>,
    /// The anonymous memory (heap, stacks) with all N alive: what grows
    /// with N, without the noise of code pages (see `memory`).
    pub anon: Option<u64>,
    /// For the connection probes: the GETs the site saw, and the
    /// connections they came on. A probe GETs twice on each connection, so
    /// that 2N on N show that each was kept alive.
    pub requests: Option<usize>,
    pub connections: Option<usize>,
    /// How many were alive when the memory was read: N, unless the system
    /// refused one. The per unit figures divide by it.
    pub alive: u32,
    /// From the first start until all were waiting (threads and futures).
    pub start: Option<Duration>,
    /// Why no more than `alive` started.
    pub refused: Option<Refusal>,
}

/// A kind's probes, from N = 0 up, and the counts asked that it skipped
/// (above [`Kind::most`]).
pub struct Series {
    pub kind: Kind,
    pub points: Vec<Point>,
    pub skipped: Vec<u32>,
}

impl Series {
    /// What one costs at `point`, in bytes: (anon(N) - anon(0)) / N, or
    /// (peak(N) - peak(0)) / N where the anonymous memory is unknown.
    pub fn per_unit(&self, point: &Point) -> Option<f64> {
        self.slope(self.points.first()?, point)
    }

    /// What one costs between the last two counts, without what the first
    /// costs once: the two counts, and the bytes.
    pub fn last_step(&self) -> Option<(u32, u32, f64)> {
        let [.., from, to] = &self.points[..] else { return None };
        match from.n {
            0 => None, // then it is the per unit figure again
            // Named by those alive: where the system refused some, fewer than N.
            _ => self.slope(from, to).map(|bytes| (from.alive, to.alive, bytes)),
        }
    }

    /// Whether the per unit figures are of the anonymous memory: where
    /// every probe could tell it.
    pub fn by_anon(&self) -> bool {
        self.points.iter().all(|point| point.anon.is_some())
    }

    /// Bytes per unit from one point to a later one, of those alive: a
    /// thread the system refused costs nothing, and is not counted.
    fn slope(&self, from: &Point, to: &Point) -> Option<f64> {
        if to.alive <= from.alive {
            return None;
        }
        let (before, after) = if self.by_anon() {
            (from.anon?, to.anon?)
        } else {
            (from.peak?.bytes, to.peak?.bytes)
        };
        Some((after as f64 - before as f64) / f64::from(to.alive - from.alive))
    }

    /// The point at count `n`, if it was probed.
    pub fn at(&self, n: u32) -> Option<&Point> {
        self.points.iter().find(|point| point.n == n)
    }
}

impl Point {
    /// How long one took to start, on average: the start time over those
    /// alive.
    pub fn start_per_unit(&self) -> Option<Duration> {
        match self.alive {
            0 => None,
            alive => Some(self.start? / alive),
        }
    }
}

/// Seconds the site holds each of the reqwest probe's GETs: far longer than
/// it takes to send a thousand on loopback.
const HELD: f64 = 0.25;

/// Everything `costs` measured.
pub struct Costs {
    /// 0, then each count asked: the rows.
    pub counts: Vec<u32>,
    pub series: Vec<Series>,
    /// `size_of_val` of one waiting future of the `futures` probe.
    pub waiting_future_bytes: usize,
    /// The size of flags_common's `with_reqwest::Client::get` future.
    pub get_future_bytes: usize,
}

/// Weighs each kind at 0 and at each count asked, and prints the figures,
/// as a table or as JSON.
pub fn run(args: &CostsArgs, bin_dir: Option<&Path>) -> Result<(), Failure> {
    let costs = costs(&args.counts, bin_dir)?;
    if args.json {
        say(format_args!("{}\n", json::render(&costs)));
    } else {
        say(format_args!("{}", table::render(&costs)));
    }
    Ok(())
}

/// Weighs each kind at 0 and at each of the `asked` counts.
fn costs(asked: &[u32], bin_dir: Option<&Path>) -> Result<Costs, Failure> {
    let server = programs::find_server(bin_dir)?;
    // ureq's GETs go one after another: no delay. reqwest's go all at once,
    // and the site holds each for a while, so that no connection is free
    // for another GET: N connections, in flight together, as in flags_async.
    let start = |latency| SiteProcess::start(&server, &SiteSettings::plain(latency));
    let (quick, slow) = (start(0.0)?, start(HELD)?);
    let counts = counts(asked);
    let progress = progress::bar((Kind::ALL.len() * counts.len()) as u64);
    let measure = |kind| {
        let site = if kind == Kind::Reqwest { &slow } else { &quick };
        measure(kind, &counts, site, &progress)
    };
    let series = Kind::ALL.into_iter().map(measure).collect::<Result<Vec<_>, _>>();
    progress.finish_and_clear();
    Ok(Costs {
        counts,
        series: series?,
        waiting_future_bytes: waiting::waiting_future_bytes(),
        get_future_bytes: with_reqwest::get_future_bytes(),
    })
}

/// 0 first, then the counts asked, in order, once each.
fn counts(asked: &[u32]) -> Vec<u32> {
    asked.iter().copied().chain([0]).collect::<BTreeSet<u32>>().into_iter().collect()
}

/// A probe of `kind` at each count, one after another, up to its most.
fn measure(
    kind: Kind, counts: &[u32], site: &SiteProcess, progress: &ProgressBar,
) -> Result<Series, Failure> {
    let most = kind.most().unwrap_or(u32::MAX);
    let (probed, skipped): (Vec<u32>, Vec<u32>) = counts.iter().partition(|&&n| n <= most);
    progress.inc(skipped.len() as u64);
    let point = |&n: &u32| {
        progress.set_message(format!("{} N={n}", kind.name()));
        let reading = spawn::probe(kind, n, &site.url)?;
        // The site's records since the last connection probe are this one's.
        let (requests, connections) = if kind.connects() {
            seen(site).map(|(requests, connections)| (Some(requests), Some(connections)))?
        } else {
            (None, None)
        };
        progress.inc(1);
        let (peak, anon, alive) = (reading.peak, reading.anon, reading.alive);
        let (start, refused) = (reading.start, reading.refused);
        Ok(Point { n, peak, anon, requests, connections, alive, start, refused })
    };
    let points = probed.iter().map(point).collect::<Result<_, Failure>>()?;
    Ok(Series { kind, points, skipped })
}

/// How many requests the site saw since it was last asked, and on how many
/// connections.
fn seen(site: &SiteProcess) -> Result<(usize, usize), String> {
    let records = site.records_of_last_run()?;
    let connections = records.iter().map(|record| record.connection).collect::<BTreeSet<u64>>();
    Ok((records.len(), connections.len()))
}

/// The site's smallest flag, Monaco's 1,193 bytes: the connections are
/// weighed, not the flags.
fn flag_url(base_url: &str) -> String {
    format!("{base_url}/mc/mc.gif")
}

/// What the connection probes build the programs' clients from: the site
/// (on this machine: never through a proxy), a pool of `idle_connections`.
fn client_settings(base_url: &str, idle_connections: usize) -> ClientSettings {
    ClientSettings {
        site: base_url.to_string(),
        // Loopback answers at once; a site that takes this long is stuck.
        timeout: Duration::from_secs(10),
        idle_connections,
        credentials: None,
        // HTTP/1.1: the costs weigh a connection per request in flight.
        http2: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(n: u32, kib: u64) -> Point {
        let peak = Some(Peak { bytes: (kib + 3000) << 10, by: Peak::OWN });
        let (start, refused) = (None, None);
        Point {
            n,
            peak,
            anon: Some(kib << 10),
            requests: None,
            connections: None,
            alive: n,
            start,
            refused,
        }
    }

    #[test]
    fn zero_comes_first_and_counts_once() {
        assert_eq!(counts(&[100, 1, 100, 10]), [0, 1, 10, 100]);
    }

    #[test]
    fn a_unit_costs_the_growth_over_the_baseline() {
        let points = vec![point(0, 2000), point(1, 2032), point(100, 3000), point(300, 5000)];
        let series = Series { kind: Kind::Threads, points, skipped: vec![] };
        let per_unit = |index: usize| series.per_unit(&series.points[index]);
        assert_eq!(per_unit(0), None, "nothing to divide by at N = 0");
        assert_eq!(per_unit(1), Some(32.0 * 1024.0));
        assert_eq!(per_unit(2), Some(10.0 * 1024.0));
        assert_eq!(series.last_step(), Some((100, 300, 10.0 * 1024.0)));
        let unknown = Point { peak: None, anon: None, ..point(5, 0) };
        assert_eq!(series.per_unit(&unknown), None);
        // Without the anonymous memory, the peaks.
        let peaks_only = |n, kib| Point { anon: None, ..point(n, kib) };
        let points = vec![peaks_only(0, 0), peaks_only(2, 64)];
        let series = Series { kind: Kind::Ureq, points, skipped: vec![] };
        assert_eq!(series.per_unit(&series.points[1]), Some(32.0 * 1024.0));
    }

    #[test]
    fn a_thread_that_did_not_start_is_not_counted() {
        let start = Some(Duration::from_millis(500));
        let stopped = Point { alive: 1000, start, ..point(100_000, 2000 + 10_000) };
        let series =
            Series { kind: Kind::Threads, points: vec![point(0, 2000), stopped], skipped: vec![] };
        // 10,000 KiB over the 1,000 alive, not over the 100,000 asked.
        assert_eq!(series.per_unit(&series.points[1]), Some(10.0 * 1024.0));
        assert_eq!(series.points[1].start_per_unit(), Some(Duration::from_micros(500)));
        assert_eq!(series.points[0].start_per_unit(), None, "none started at N = 0");
    }

    #[test]
    fn only_the_connections_have_a_most() {
        let most = Kind::ALL.map(Kind::most);
        assert_eq!(most, [None, None, Some(MOST_CONNECTIONS), Some(MOST_CONNECTIONS)]);
    }
}
