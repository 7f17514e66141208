//! The machine's limits (flags_common's `limits` and `threads`): each program
//! runs under a limit lowered with `setrlimit` before `exec`, as `ulimit`
//! does in a shell, asks for what fits, says so once, and downloads every
//! flag.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use rlimit::Resource;

use crate::programs::{NOBODY, as_root, exe_in};
use crate::support::*;

/// The 194 codes that have a flag, of the 676 that `-e` tries.
const FLAGS: usize = 194;

/// A limit of the process, as a shell's `ulimit` sets it.
#[derive(Clone, Copy)]
enum Limit {
    /// `ulimit -n`: open files, the soft and the hard limit.
    Files(u64),
    /// `ulimit -v`: address space, in bytes.
    AddressSpace(u64),
    /// `ulimit -u`: processes and threads of the user. Root is exempt, so
    /// the program runs as `nobody`, who runs nothing else.
    Threads(u64),
}

/// Runs `program` with `args` under `limit`, in a fresh directory.
fn run_under(program: Program, args: &[&str], limit: Limit) -> Run {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // `nobody` must be able to write `downloaded/` there.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).expect("chmod 777");
    let mut command = if matches!(limit, Limit::Threads(_)) {
        let mut command = command_at(&exe_in(program.name, dir.path()), args, dir.path());
        command.uid(NOBODY).gid(NOBODY);
        command
    } else {
        command(program, args, dir.path())
    };
    let (resource, value) = match limit {
        Limit::Files(files) => (Resource::NOFILE, files),
        Limit::AddressSpace(bytes) => (Resource::AS, bytes),
        Limit::Threads(threads) => (Resource::NPROC, threads),
    };
    // SAFETY: between fork and exec (after the change of user), only
    // setrlimit, a system call, which allocates nothing.
    unsafe {
        command.pre_exec(move || rlimit::setrlimit(resource, value, value));
    }
    let output = command.output().expect("run the program");
    finished(output, dir)
}

/// Asserts a whole run of `-e`: every flag saved, byte for byte, and the
/// usual report.
fn assert_every_flag(run: &Run) {
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let saved = run.saved();
    assert_eq!(saved.len(), FLAGS, "{}", run.describe());
    for (name, bytes) in &saved {
        let cc = name.trim_end_matches(".gif");
        assert_eq!(Some(bytes.as_slice()), flag_gif(cc), "bytes of {name}");
    }
    assert_eq!(run.report_lines()[1], "482 not found.", "{}", run.describe());
}

/// How many lines of stderr contain `text`.
fn said(run: &Run, text: &str) -> usize {
    run.stderr.lines().filter(|line| line.contains(text)).count()
}

#[test]
fn requests_in_flight_fit_in_the_open_files_allowed() {
    on_every_program(|program| {
        let site = site(Config::default());
        let run =
            run_under(program, &["-s", &site.base_url(), "-e", "-m", "676"], Limit::Files(64));
        assert_every_flag(&run);
        let fewer = said(&run, "and the system allows 64 (ulimit -n): 20 at a time instead.");
        assert_eq!(fewer, usize::from(program != SEQ), "{}", run.describe());
        assert_eq!(said(&run, "open files"), fewer, "no request ran out\n{}", run.describe());
        assert!(site.stats().max_in_flight <= 20, "the site saw at most 20 at once");
    });
}

#[test]
fn too_few_open_files_for_any_run_is_one_clear_line() {
    let site = site(Config::default());
    on_every_program(|program| {
        let run = run_under(program, &["-s", &site.base_url(), "BR"], Limit::Files(8));
        assert_eq!(run.status, Some(1), "{}", run.describe());
        let line = format!(
            "{}: too many open files: the system allows 8 (ulimit -n), and a run needs 26 at least",
            program.name
        );
        assert_eq!(run.stderr.lines().last(), Some(line.as_str()), "{}", run.describe());
        assert!(run.saved().is_empty(), "nothing saved");
    });
    assert_eq!(site.stats().requests, 0, "no request sent");
}

#[test]
fn threads_fit_in_the_address_space_allowed() {
    let site = site(Config::default());
    on_every_program(|program| {
        let args = ["-s", &site.base_url(), "-e", "-m", "676"];
        let run = run_under(program, &args, Limit::AddressSpace(400_000 * 1024));
        assert_every_flag(&run);
        let fewer = said(&run, "676 threads would reserve 1354 MiB for their stacks");
        assert_eq!(fewer, usize::from(program == THREADPOOL), "{}", run.describe());
    });
}

#[test]
fn threads_the_system_refuses_leave_their_work_to_the_others() {
    if !as_nobody_alone() {
        return;
    }
    let site = site(Config::default());
    // One program after another: the limit counts all the user's threads,
    // and three programs at once would take each other's.
    for program in [SEQ, THREADPOOL, ASYNC] {
        let args = ["-s", &site.base_url(), "-e", "-m", "676"];
        let run = run_under(program, &args, Limit::Threads(user_tasks() + 24));
        assert_every_flag(&run);
        let refused = said(&run, "the system refused a thread after ");
        assert_eq!(refused, usize::from(program == THREADPOOL), "{}", run.describe());
    }
}

#[test]
fn not_one_thread_allowed_is_one_clear_line_or_a_slower_run() {
    if !as_nobody_alone() {
        return;
    }
    let site = site(Config::default());
    for program in [SEQ, THREADPOOL, ASYNC] {
        let args = ["-s", &site.base_url(), "-e"];
        // The program itself is the one task allowed.
        let run = run_under(program, &args, Limit::Threads(user_tasks() + 1));
        if program == THREADPOOL {
            assert_eq!(run.status, Some(1), "{}", run.describe());
            let last = run.stderr.lines().last().unwrap_or_default();
            assert!(last.starts_with("flags_threadpool: cannot start a thread: "), "{last}");
            assert!(run.saved().is_empty(), "nothing saved");
            continue;
        }
        // flags_async saves on its event loop instead, and says so.
        assert_every_flag(&run);
        let on_loop = said(&run, "saves run on the event loop, which pauses for each.");
        assert_eq!(on_loop, usize::from(program == ASYNC), "{}", run.describe());
    }
}

/// Whether these tests can set `ulimit -u` exactly: they run the programs as
/// `nobody`, which runs nothing else, so they need root. For another user,
/// the limit would count this test suite's own threads too, which come and
/// go, so the tests say so and pass.
fn as_nobody_alone() -> bool {
    if !as_root() {
        eprintln!("skipped: `ulimit -u` tests run the programs as nobody, which needs root");
    }
    as_root()
}

/// How many processes and threads `nobody` has now.
fn user_tasks() -> u64 {
    let uid = format!("Uid:\t{NOBODY}\t");
    let tasks = fs::read_dir("/proc").into_iter().flatten().flatten().flat_map(|process| {
        fs::read_dir(process.path().join("task")).into_iter().flatten().flatten()
    });
    let mine = |task: &fs::DirEntry| {
        fs::read_to_string(task.path().join("status")).is_ok_and(|status| status.contains(&uid))
    };
    tasks.filter(mine).count() as u64
}
