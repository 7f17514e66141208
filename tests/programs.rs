//! The workspace's programs, built for the tests that run them.
//!
//! Cargo hands an integration test the paths of its own package's binaries
//! only, and the suites run the binaries of five packages, and the examples.
//! So the first test to ask builds them all, with escargot (one `cargo
//! build`, a no-op when nothing changed), with the profile that built the
//! test, and the others wait for it; Cargo's JSON messages say where each
//! executable is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use escargot::CargoBuild;
use escargot::format::Message;
use escargot::format::diagnostic::DiagnosticLevel;

/// The packages whose binaries and examples the tests run.
const PACKAGES: [&str; 5] =
    ["flags_seq", "flags_threadpool", "flags_async", "flags_server", "flags_compare"];

/// What Cargo sets for a test besides `CARGO_PKG_*`.
const SET_FOR_A_TEST: [&str; 6] = [
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_CRATE_NAME",
    "CARGO_TARGET_TMPDIR",
    "CARGO_BIN_NAME",
];

/// The path of a program's binary, or of an example's, built and up to date.
pub fn exe(name: &str) -> PathBuf {
    static EXECUTABLES: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    let executables = EXECUTABLES.get_or_init(build);
    match executables.get(name) {
        Some(path) => path.clone(),
        None => panic!("no program or example named {name} in {PACKAGES:?}"),
    }
}

/// Builds the programs once per test process; returns each executable's
/// path by its name.
fn build() -> HashMap<String, PathBuf> {
    let mut executables = HashMap::new();
    let mut errors = String::new();
    let messages = cargo_build().exec().expect("cargo, to build the programs");
    for message in messages {
        let message = message.unwrap_or_else(|err| panic!("{errors}cargo build: {err}"));
        match message.decode().expect("a message of cargo's") {
            Message::CompilerArtifact(artifact) => {
                if let Some(path) = artifact.executable {
                    executables.insert(artifact.target.name.into_owned(), path.into_owned());
                }
            }
            // Cargo sends the compiler's errors as JSON messages too, not to
            // the terminal: they go to the test's failure message.
            Message::CompilerMessage(compiler)
                if compiler.message.level == DiagnosticLevel::Error =>
            {
                let diagnostic = compiler.message;
                errors.push_str(diagnostic.rendered.as_deref().unwrap_or(&diagnostic.message));
            }
            _ => {}
        }
    }
    executables
}

/// `cargo build` of the programs and examples, with this test's profile.
fn cargo_build() -> CargoBuild {
    // Not escargot's `current_target()`: `--target` builds into a tree of its
    // own, target/<triple>/, so the whole workspace would be built twice.
    // `--quiet`: escargot reads Cargo's stderr only if the build fails, and
    // then it holds the failure only, not a line per crate.
    let build = CargoBuild::new().bins().examples().profile(profile()).arg("--quiet");
    let build = PACKAGES.iter().fold(build, |build, name| build.package(name));
    // Without what Cargo set for this test (its package's name, version,
    // folder...): build scripts that watch those (ring's) would otherwise
    // run again, and rebuild half the tree, whenever the tests of another
    // package ran the last build.
    let set_for_a_test =
        |var: &String| var.starts_with("CARGO_PKG_") || SET_FOR_A_TEST.contains(&var.as_str());
    let vars = std::env::vars_os().map(|(var, _)| var.to_string_lossy().into_owned());
    vars.filter(set_for_a_test).fold(build, CargoBuild::env_remove)
}

/// The test's own profile: it runs from target/{profile}/deps/. (escargot's
/// `current_release()` tells only debug from release.)
fn profile() -> String {
    let test = std::env::current_exe().expect("the test's own path");
    let dir = test.parent().and_then(Path::parent).expect("target/{profile}");
    match dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev".to_owned(),
        Some(other) => other.to_owned(),
    }
}

/// The user the tests of `ulimit -u` run a program as when they run as root,
/// whom that limit does not bind.
#[allow(dead_code)] // The suites that run nothing as another user.
pub const NOBODY: u32 = 65534;

/// Whether the tests run as root.
#[allow(dead_code)]
pub fn as_root() -> bool {
    // SAFETY: geteuid only reads this process's user; it cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The path of `name`'s binary that another user (`nobody`, for the tests of
/// `ulimit -u`, which root is exempt from) may run: a link to it, or a copy,
/// in `dir`, which must be open to that user. The build's own folder need
/// not be: a fresh clone in a `mktemp -d` folder is its owner's only.
#[allow(dead_code)] // The suites that run nothing as another user.
pub fn exe_in(name: &str, dir: &Path) -> PathBuf {
    let (built, linked) = (exe(name), dir.join(name));
    if std::fs::hard_link(&built, &linked).is_err() {
        std::fs::copy(&built, &linked).expect("a copy of the program");
    }
    linked
}
