//! The workspace's programs, built for the tests that run them.
//!
//! Cargo hands an integration test the path of its own package's binaries
//! only, and the end-to-end tests run all of them, and the examples. So they
//! ask Cargo to build them (a no-op when nothing changed) into the folder
//! that holds the test itself, with the same profile, and run them from there.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The packages whose binaries the tests run.
const PACKAGES: [&str; 4] = ["flags_seq", "flags_threadpool", "flags_async", "flags_server"];

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
    static BIN_DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = BIN_DIR.get_or_init(build);
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    match dir.join(&file) {
        program if program.exists() => program,
        _ => dir.join("examples").join(file),
    }
}

/// Builds the programs once per test process; returns their folder.
fn build() -> PathBuf {
    // This test runs from target/{profile}/deps/.
    let test = std::env::current_exe().expect("the test's own path");
    let dir = test.parent().and_then(Path::parent).expect("target/{profile}").to_path_buf();
    let profile = match dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let packages = PACKAGES.iter().flat_map(|name| ["-p", name]);
    // Without what Cargo set for this test (its package's name, version,
    // folder...): build scripts that watch those (ring's) would otherwise
    // run again, and rebuild half the tree, whenever the tests of another
    // package ran the last build.
    let mut command = Command::new(env!("CARGO"));
    command.args(["build", "--quiet", "--bins", "--examples", "--profile", profile]).args(packages);
    for (var, _) in std::env::vars_os() {
        let var = var.to_string_lossy();
        if var.starts_with("CARGO_PKG_") || SET_FOR_A_TEST.contains(&var.as_ref()) {
            command.env_remove(var.as_ref());
        }
    }
    let status = command.status();
    assert!(status.is_ok_and(|status| status.success()), "cargo build of the programs");
    dir
}
