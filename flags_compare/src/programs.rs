//! The programs compared, where their binaries are, and how to build them.

use std::env::consts::EXE_SUFFIX;
use std::path::{Path, PathBuf};

use flags_server::console::warn;

/// One of the programs compared: a binary, and the options it always gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Program {
    /// As the tables, the timelines and the JSON name it: its command line.
    pub name: &'static str,
    pub binary: &'static str,
    /// Given before the workload's own options.
    pub args: &'static [&'static str],
    pub model: &'static str,
    /// Its requests are streams of one HTTP/2 connection: the site's
    /// `--max-streams` bounds how many fly at once, as much as `-m` does.
    pub http2: bool,
}

pub const SEQ: Program = program("flags_seq", "sequential");
pub const THREADPOOL: Program = program("flags_threadpool", "threads");
pub const ASYNC: Program = program("flags_async", "async");
/// flags_async over HTTP/2: one connection, a stream per request in flight.
pub const ASYNC_HTTP2: Program = Program {
    name: "flags_async --http2",
    binary: "flags_async",
    args: &["--http2"],
    model: "HTTP/2",
    http2: true,
};

const fn program(binary: &'static str, model: &'static str) -> Program {
    Program { name: binary, binary, args: &[], model, http2: false }
}

/// In the order of the table: sequential first, the baseline of the
/// speedups; with `--http2`, flags_async over HTTP/2 last.
pub fn lineup(http2: bool) -> Vec<Program> {
    let mut programs = vec![SEQ, THREADPOOL, ASYNC];
    programs.extend(http2.then_some(ASYNC_HTTP2));
    programs
}

/// The binaries of the three programs and of the site, all in one folder.
pub struct Programs {
    dir: PathBuf,
    exes: [PathBuf; 3],
    pub server: PathBuf,
}

impl Programs {
    /// Finds the binaries in `bin_dir`, or else beside this program (cargo
    /// builds the whole workspace into one folder). A missing one is an
    /// error that names the command to build it.
    pub fn find(bin_dir: Option<&Path>) -> Result<Programs, String> {
        let dir = folder(bin_dir);
        let find = |name| find_in(&dir, name);
        let exes = [find(SEQ.name)?, find(THREADPOOL.name)?, find(ASYNC.name)?];
        let server = find("flags_server")?;
        Ok(Programs { dir, exes, server })
    }

    /// The binary of `program`.
    pub fn exe(&self, program: Program) -> &Path {
        let binaries = [SEQ.binary, THREADPOOL.binary, ASYNC.binary];
        let index = binaries.iter().position(|&binary| binary == program.binary);
        &self.exes[index.unwrap_or_default()]
    }

    /// One line on stderr when these are debug builds: their times are
    /// fair (the programs mostly wait for the network), their memory and
    /// CPU are not what a release build uses.
    pub fn warn_if_debug(&self) {
        if profile(&self.dir) == Some("debug") {
            warn(format_args!(
                "flags_compare: warning: comparing debug builds ({}); for figures to publish, \
                 `cargo build --release --workspace` and run target/release/flags_compare",
                self.dir.display()
            ));
        }
    }
}

/// Only the site's binary, for `costs`, which runs no program.
pub fn find_server(bin_dir: Option<&Path>) -> Result<PathBuf, String> {
    find_in(&folder(bin_dir), "flags_server")
}

/// `bin_dir`, or else the folder of this program.
fn folder(bin_dir: Option<&Path>) -> PathBuf {
    let here = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    bin_dir.map(Path::to_path_buf).or(here).unwrap_or_default()
}

/// The binary `name` in `dir`, or an error that says how to build it.
fn find_in(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let exe = dir.join(format!("{name}{EXE_SUFFIX}"));
    if exe.is_file() {
        Ok(exe)
    } else {
        Err(format!("{name} not found in {}: {}", dir.display(), advice(dir)))
    }
}

/// What to do about a missing program: the cargo command that fills `dir`
/// with the programs, if `dir` is a cargo output folder.
fn advice(dir: &Path) -> String {
    let command = match profile(dir) {
        Some("release") => "cargo build --release --workspace".to_string(),
        Some("debug") => "cargo build --workspace".to_string(),
        Some(profile) => format!("cargo build --profile {profile} --workspace"),
        None => {
            return "build the programs with `cargo build --release --workspace`, \
                    then name their folder with --bin-dir target/release"
                .to_string();
        }
    };
    format!("build it with `{command}` (or name the programs' folder with --bin-dir)")
}

/// The cargo profile whose builds `dir` holds, if it is a cargo output
/// folder: `target/release`, `target/debug` (the `dev` profile),
/// `target/PROFILE`, or the same under a target triple.
fn profile(dir: &Path) -> Option<&str> {
    let name = dir.file_name()?.to_str()?;
    let in_target =
        dir.ancestors().skip(1).take(2).any(|up| up.file_name() == Some("target".as_ref()));
    (matches!(name, "release" | "debug") || in_target).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_folder_has_its_build_command() {
        let command = |dir: &str| advice(Path::new(dir));
        assert!(command("/w/target/release").contains("`cargo build --release --workspace`"));
        assert!(command("target/debug").contains("`cargo build --workspace`"));
        let triple = command("/w/target/x86_64-unknown-linux-gnu/debug");
        assert!(triple.contains("`cargo build --workspace`"));
        assert!(command("/w/target/bench").contains("`cargo build --profile bench --workspace`"));
        assert!(command("/opt/flags").ends_with("--bin-dir target/release"));
        assert_eq!(profile(Path::new("/w/target")), None);
    }
}
