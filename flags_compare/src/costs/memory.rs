//! A probe's own memory, read by the probe itself, while all its N are alive.
//!
//! Why not wait4's `ru_maxrss`, as the rest of flags_compare reads a
//! program's peak? On Linux a process's `ru_maxrss` is never below the peak
//! of the process that spawned it: `exec` carries the old image's peak over
//! (`true` spawned by a 200 MB Python reports 200 MB). Harmless for the
//! programs, which grow far beyond flags_compare; fatal here, where a probe
//! of N = 0 is as small as flags_compare itself and N threads add
//! kilobytes. So on Linux each probe reads `/proc/self/status`:
//!
//! * `VmHWM`, the peak of its own image since its exec: the table's peak;
//! * `RssAnon`, its anonymous memory (heap and stacks) right now, with all N
//!   alive: what grows with N. The rest of the peak is code and libraries
//!   mapped from files, paid once, and their count varies by some 200 KiB
//!   from run to run (the kernel maps pages around each one touched, as
//!   the page cache has them): more than 676 futures weigh. Measured here,
//!   `VmRSS` equals `VmHWM` at that moment: the moment with all N alive is
//!   the peak.
//!
//! Elsewhere the probe reads nothing, and the parent falls back on wait4.

/// What a probe knows of its own memory, in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Own {
    /// Peak resident memory since the exec (`VmHWM`).
    pub peak: Option<u64>,
    /// Anonymous resident memory now (`RssAnon`).
    pub anon: Option<u64>,
}

/// This process's own memory, where the system tells it (Linux).
#[cfg(target_os = "linux")]
pub fn own() -> Own {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    Own { peak: field(&status, "VmHWM:"), anon: field(&status, "RssAnon:") }
}

#[cfg(not(target_os = "linux"))]
pub fn own() -> Own {
    Own::default()
}

/// `VmHWM:\t    2212 kB`, in bytes.
#[cfg(target_os = "linux")]
fn field(status: &str, name: &str) -> Option<u64> {
    let value = status.lines().find_map(|line| line.strip_prefix(name))?;
    let kib: u64 = value.trim().strip_suffix("kB")?.trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn reads_its_own_memory() {
        let anon = super::own().anon.expect("RssAnon on Linux");
        // 8 MiB, each page touched. (Tests run side by side and others may
        // free some meanwhile: so 7.)
        let big = std::hint::black_box(vec![1u8; 8 << 20]);
        let after = super::own();
        let held = after.anon.expect("RssAnon on Linux");
        assert!(held >= anon + (7 << 20), "{anon} then {held}");
        assert!(after.peak.is_some_and(|peak| peak >= held), "the peak holds it all");
        drop(big);
    }
}
