//! A process's own memory, as Linux tells it in `/proc/PID/status`.
//!
//! Why not wait4's `ru_maxrss` alone? On Linux a process's `ru_maxrss` is
//! never below the peak of the process that spawned it: `exec` carries the
//! old image's peak over (`true` spawned by a 200 MB Python reports 200 MB).
//! flags_compare grows as it reads the site's records, to some 7 MiB, more
//! than flags_seq ever needs; and a cost probe of N = 0 is as small as
//! flags_compare itself. So on Linux:
//!
//! * `VmHWM`, the peak of a process's own image since its exec: what a
//!   program's run is measured by (read while it runs, see `wait`), and a
//!   probe's peak;
//! * `RssAnon`, its anonymous memory (heap and stacks) right now, with all N
//!   alive: what grows with N. The rest of the peak is code and libraries
//!   mapped from files, paid once, and their count varies by some 200 KiB
//!   from run to run (the kernel maps pages around each one touched, as
//!   the page cache has them): more than 676 futures weigh. Measured here,
//!   `VmRSS` equals `VmHWM` at that moment: the moment with all N alive is
//!   the peak.
//!
//! Elsewhere nothing is read, and flags_compare falls back on wait4.

/// What a process's status says of its memory, in bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Own {
    /// Peak resident memory since the exec (`VmHWM`).
    pub peak: Option<u64>,
    /// Anonymous resident memory now (`RssAnon`).
    pub anon: Option<u64>,
}

/// This process's own memory, where the system tells it (Linux).
pub fn own() -> Own {
    read("/proc/self/status")
}

/// Another process's memory, while it runs (Linux); its peak is `None`
/// once it has exited.
pub fn of(pid: u32) -> Own {
    read(&format!("/proc/{pid}/status"))
}

#[cfg(target_os = "linux")]
fn read(path: &str) -> Own {
    let status = std::fs::read_to_string(path).unwrap_or_default();
    Own { peak: field(&status, "VmHWM:"), anon: field(&status, "RssAnon:") }
}

#[cfg(not(target_os = "linux"))]
fn read(_path: &str) -> Own {
    Own::default()
}

/// `VmHWM:\t    2212 kB`, in bytes: a field of a `/proc/PID/status` in kB
/// (`costs`' limits read `VmSize:` with it too).
pub fn field(status: &str, name: &str) -> Option<u64> {
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
