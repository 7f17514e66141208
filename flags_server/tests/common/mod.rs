//! What the site's test files share: starting a site, its paths, its files
//! on disk, and waiting for what happens on its thread.

// Each test file uses its own part of this.
#![allow(dead_code)]

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use flags_server::{Config, Site};

pub fn start(config: Config) -> Site {
    Site::start(config).expect("a site on loopback")
}

/// `/flags/br/br.gif`: the path of a flag.
pub fn flag_path(cc: &str) -> String {
    format!("/flags/{cc}/{cc}.gif")
}

pub fn metadata_path(cc: &str) -> String {
    format!("/flags/{cc}/metadata.json")
}

/// A file of the site as it is on disk, in this crate's `site/`.
pub fn on_disk(path: &str) -> Vec<u8> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("site").join(path);
    fs::read(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()))
}

/// Wait (a while) for `done` to become true: for effects that happen on the
/// server's thread after the client has moved on.
pub fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    done()
}
