//! Saving flags: `downloaded/BR.gif`, never half a file, never anywhere else.
//!
//! flags.py writes straight to the final name, so an error or Ctrl-C in the
//! middle leaves a broken GIF behind. Here each flag is written to a new
//! temporary file in the same folder and then renamed, which on one file
//! system is atomic: `BR.gif` is either absent or complete.
//!
//! The temporary file is named by the tempfile crate (a random name) and
//! created only if nothing is there yet (`O_EXCL`), so a link planted in
//! `downloaded/` is never written through. The rename replaces whatever sits
//! at the final name (a link too) instead of following it.
//!
//! The temporary file is ours, not the user's: its name is in no message.
//! (tempfile's own `create` and `write` add it to their errors, so the file
//! is opened and written here, through `std::fs`.)

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use tempfile::{Builder, NamedTempFile};

use crate::error::{Error, Result};
use crate::interrupt;
use crate::limits;

/// Where flags are saved, in the current directory (flags.py's `DEST_DIR`).
pub(crate) const DEST_DIR: &str = "downloaded";

/// Longer names may not fit the file system once the temporary file's
/// prefix and suffix are added (255 bytes is the usual limit).
const MAX_NAME_BYTES: usize = 200;

/// Saves one flag as `downloaded/{filename}`, atomically. `filename` must
/// be a plain file name: flags3 makes it from a country name that came from
/// the network, and a name such as `../../.bashrc` is not a flag.
pub fn save_flag(img: &[u8], filename: &str) -> Result<()> {
    check_filename(filename)?;
    // A second Ctrl-C quits at once, but waits for a save under way.
    let _saving = interrupt::saving();
    let dest = Path::new(DEST_DIR).join(filename);
    let failed = |err: std::io::Error| {
        Error::Other(format!("cannot save {}: {}", dest.display(), limits::io_words(&err)))
    };
    let mut temp = temp_file(&format!(".{filename}.")).map_err(failed)?;
    temp.as_file_mut().write_all(img).map_err(failed)?;
    // On error the temporary file is deleted when `temp` is dropped.
    temp.persist(&dest).map_err(|err| failed(err.error))?;
    Ok(())
}

/// Creates `downloaded/` and proves that it can hold a file, so that a
/// read-only folder is one clear error before any request, not 20 errors after.
pub(crate) fn prepare_dest_dir() -> Result<()> {
    let failed = |why: String| Error::Other(format!("cannot save flags in {DEST_DIR}/: {why}"));
    match fs::symlink_metadata(DEST_DIR) {
        Ok(meta) if meta.is_symlink() => {
            return Err(failed("it is a symbolic link, and links are not followed".into()));
        }
        // `create_dir_all` would only say "File exists".
        Ok(meta) if !meta.is_dir() => return Err(failed("it is a file, not a folder".into())),
        _ => {}
    }
    fs::create_dir_all(DEST_DIR).map_err(|err| failed(err.to_string()))?;
    temp_file(".write-test.").map(drop).map_err(|err| failed(err.to_string()))
}

/// A new, empty, uniquely named `downloaded/{prefix}XXXXXX.part`, deleted
/// when dropped unless persisted. tempfile picks the name, and another if
/// one is taken; the file is created here, so that an error says why
/// without the temporary file's name.
fn temp_file(prefix: &str) -> io::Result<NamedTempFile<File>> {
    Builder::new().prefix(prefix).suffix(".part").make_in(DEST_DIR, create_new)
}

/// Creates the file at `path`, only if nothing is there (not even a link).
fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    // The same permissions as any new file (0o666 less the umask), where
    // tempfile's default, 0o600, would hide the flags from other users.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
    options.open(path)
}

/// A file name is one plain path component: not empty, not hidden (which
/// rules out `.`, `..` and the temporary files), with no separator, drive
/// colon, NUL or control character, and short enough.
fn check_filename(filename: &str) -> Result<()> {
    let unsafe_char = |c: char| matches!(c, '/' | '\\' | ':') || c.is_control();
    let plain =
        !filename.is_empty() && !filename.starts_with('.') && !filename.contains(unsafe_char);
    let why = if !plain {
        "not a plain file name"
    } else if filename.len() > MAX_NAME_BYTES {
        "too long for a file name"
    } else {
        return Ok(());
    };
    Err(Error::Other(format!("{why}: {filename:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        for good in
            ["BR.gif", "United_States_of_America.gif", "Côte_d'Ivoire.gif", "Korea,_North.gif"]
        {
            assert!(check_filename(good).is_ok(), "{good}");
        }
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        for bad in [
            "",
            ".",
            "..",
            ".gif",
            "...gif",
            "../x.gif",
            "/etc/passwd",
            "a\\b",
            "C:x",
            "a\0b",
            "a\nb",
            &long,
        ] {
            assert!(check_filename(bad).is_err(), "{bad:?}");
        }
    }
}
