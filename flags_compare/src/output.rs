//! The files that the comparison draws into, checked while clap parses: a
//! mistake in a file name must not cost minutes of measuring first.

use std::path::{Path, PathBuf, is_separator};

/// A file to write a picture to: not a folder, in a folder that exists
/// and takes new files.
pub fn file(arg: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(arg);
    if arg.is_empty() || arg.ends_with(is_separator) || path.is_dir() {
        return Err(format!("{arg:?} is not a file name, such as timeline.svg"));
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(format!("there is no folder {}", folder.display()));
    }
    // The one sure test that a folder takes new files: make one there. The
    // tempfile crate removes it again at once.
    let probe = tempfile::Builder::new().prefix(".flags_compare-check").tempfile_in(folder);
    probe.map_err(|err| format!("cannot write in {}: {err}", folder.display()))?;
    let read_only = path.metadata().is_ok_and(|file| file.permissions().readonly());
    if read_only { Err(format!("{arg} is read-only")) } else { Ok(path) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_files_are_checked_before_anything_runs() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let inside = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        assert!(file(&inside("timeline.svg")).is_ok());
        for bad in [inside(""), inside("no/such/folder.svg"), inside("folder/"), String::new()] {
            assert!(file(&bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).map(Iterator::count).ok(),
            Some(0),
            "no probe left"
        );
    }
}
