//! Saving flags: `downloaded/BR.gif`, and never half a file.
//!
//! flags.py writes straight to the final name, so an error or Ctrl-C in the
//! middle leaves a broken GIF behind. Here each flag is written to a temporary
//! file in the same folder and then renamed, which on one file system is
//! atomic: `BR.gif` is either absent or complete.

use std::fs;
use std::path::{Path, PathBuf};
use std::process;

use crate::{Result, interrupt};

/// Where flags are saved, in the current directory (flags.py's `DEST_DIR`).
pub const DEST_DIR: &str = "downloaded";

/// Saves one flag as `downloaded/{filename}`, atomically.
pub fn save_flag(img: &[u8], filename: &str) -> Result<()> {
    // A second Ctrl-C quits at once, but waits for a save under way.
    let _saving = interrupt::saving();
    let temp = temp_path(filename);
    let written = fs::write(&temp, img).and_then(|()| fs::rename(&temp, dest(filename)));
    if written.is_err() {
        let _ = fs::remove_file(&temp); // best effort: the write already failed
    }
    Ok(written?)
}

/// Creates `downloaded/` and proves that it can hold a file, so that a
/// read-only folder is one clear error before any request, not 20 errors after.
pub fn prepare_dest_dir() -> Result<()> {
    let probe = temp_path("write-test");
    let ready = fs::create_dir_all(DEST_DIR)
        .and_then(|()| fs::write(&probe, b""))
        .and_then(|()| fs::remove_file(&probe));
    ready.map_err(|err| crate::Error::Other(format!("cannot save flags in {DEST_DIR}/: {err}")))
}

fn dest(filename: &str) -> PathBuf {
    Path::new(DEST_DIR).join(filename)
}

/// `downloaded/.BR.gif.1234.part`: hidden, and unique to this process.
fn temp_path(filename: &str) -> PathBuf {
    dest(&format!(".{filename}.{}.part", process::id()))
}
