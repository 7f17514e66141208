//! The site's files, built into the binary.
//!
//! `site/` (beside this crate's Cargo.toml) is the book's `flags.zip`,
//! unzipped: `flags/{cc}/{cc}.gif` and `flags/{cc}/metadata.json` for each
//! of the 194 codes. `include_dir!` copies that whole tree into the
//! executable at compile time (2.4 MB), so the server reads no file at run
//! time and works from any directory.
//!
//! Requests never reach the file system: a URL path is looked up in this
//! tree name by name, each name compared as a plain string. There is
//! nothing outside the tree to escape to, and `..`, `.`, an empty name or a
//! percent-encoded one simply match no entry.

use include_dir::{Dir, DirEntry, include_dir};

use crate::countries::{COUNTRY_CODES, position};

/// The tree: `flags/` and everything below it.
static SITE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/site");

/// What a path names in the tree.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Entry {
    File(&'static [u8]),
    Dir(&'static Dir<'static>),
}

/// The bytes of the flag of `cc` (any case), as the book's site serves them
/// at `/flags/{cc}/{cc}.gif`; `None` if `cc` is not one of the 194 codes.
pub fn flag_gif(cc: &str) -> Option<&'static [u8]> {
    let cc = lower_code(cc)?;
    file(&format!("flags/{cc}/{cc}.gif"))
}

/// The bytes of `/flags/{cc}/metadata.json` for `cc` (any case), such as
/// `{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", "gec_cc": "BR"}`;
/// `None` if `cc` is not one of the 194 codes.
pub fn metadata_json(cc: &str) -> Option<&'static [u8]> {
    let cc = lower_code(cc)?;
    file(&format!("flags/{cc}/metadata.json"))
}

/// `cc` in lower case, the way the site spells it, if it is one of the 194.
/// Checking first means a stranger such as `../x` never reaches the lookup.
fn lower_code(cc: &str) -> Option<String> {
    position(cc).map(|index| COUNTRY_CODES[index].to_ascii_lowercase())
}

fn file(path: &str) -> Option<&'static [u8]> {
    match find(path)? {
        Entry::File(bytes) => Some(bytes),
        Entry::Dir(_) => None,
    }
}

/// The entry at `path`, relative to the root and without a leading or
/// trailing slash: `flags/br/br.gif`, `flags/br`, or `""` for the root.
pub(crate) fn find(path: &str) -> Option<Entry> {
    let mut entry = Entry::Dir(&SITE);
    if path.is_empty() {
        return Some(entry);
    }
    for name in path.split('/') {
        let Entry::Dir(dir) = entry else {
            return None; // a file has nothing below it
        };
        let child = dir.entries().iter().find(|child| name_of(child) == name)?;
        entry = match child {
            DirEntry::Dir(dir) => Entry::Dir(dir),
            DirEntry::File(file) => Entry::File(file.contents()),
        };
    }
    Some(entry)
}

/// The names in `dir`, directories with a trailing `/`, sorted as
/// `python3 -m http.server` sorts its listings (ignoring case).
pub(crate) fn listing(dir: &Dir<'static>) -> Vec<String> {
    let mut names: Vec<String> = dir
        .entries()
        .iter()
        .map(|entry| match entry {
            DirEntry::Dir(_) => format!("{}/", name_of(entry)),
            DirEntry::File(_) => name_of(entry).to_owned(),
        })
        .collect();
    names.sort_by_key(|name| name.to_lowercase());
    names
}

/// The last part of an entry's path: `br.gif` for `flags/br/br.gif`.
fn name_of(entry: &DirEntry<'static>) -> &'static str {
    // Every name in site/ is ASCII (codes, `.gif`, `.json`), so never "".
    entry.path().file_name().and_then(|name| name.to_str()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(path: &str) -> Option<&'static Dir<'static>> {
        match find(path)? {
            Entry::Dir(dir) => Some(dir),
            Entry::File(_) => None,
        }
    }

    #[test]
    fn the_codes_are_exactly_the_embedded_folders() {
        let flags = dir("flags").map(listing).unwrap_or_default();
        let folders: Vec<String> =
            flags.iter().map(|name| name.trim_end_matches('/').to_ascii_uppercase()).collect();
        assert_eq!(folders, COUNTRY_CODES);
    }

    #[test]
    fn each_folder_holds_a_flag_and_its_metadata() {
        for cc in COUNTRY_CODES {
            let cc = cc.to_ascii_lowercase();
            let mut names = dir(&format!("flags/{cc}")).map(listing).unwrap_or_default();
            let mut expected = [format!("{cc}.gif"), "metadata.json".into()];
            // Listings sort by name: `metadata.json` comes before `mg.gif`.
            names.sort();
            expected.sort();
            assert_eq!(names, expected, "{cc}");
        }
    }

    #[test]
    fn the_flags_are_the_books_gifs() {
        let gifs: Vec<&[u8]> = COUNTRY_CODES.iter().filter_map(|cc| flag_gif(cc)).collect();
        assert_eq!(gifs.len(), 194);
        assert!(gifs.iter().all(|gif| gif.starts_with(b"GIF89a")));
        // The figure site-data.md gives for all 194.
        assert_eq!(gifs.iter().map(|gif| gif.len()).sum::<usize>(), 2_350_400);
    }

    #[test]
    fn metadata_names_the_country() {
        let expected = r#"{"tld_cc": ".br", "iso_cc": "BR", "country": "Brazil", "gec_cc": "BR"}"#;
        assert_eq!(metadata_json("br"), Some(expected.as_bytes()));
        assert_eq!(metadata_json("BR"), metadata_json("Br"));
    }

    #[test]
    fn strangers_have_no_files() {
        for stranger in ["", "xx", "../x", "b", "bra", "b/"] {
            assert_eq!(flag_gif(stranger), None, "{stranger:?}");
            assert_eq!(metadata_json(stranger), None, "{stranger:?}");
        }
    }

    #[test]
    fn paths_must_be_spelled_exactly() {
        assert!(matches!(find("flags/br/br.gif"), Some(Entry::File(_))));
        assert!(matches!(find("flags/br"), Some(Entry::Dir(_))));
        let strangers = [
            "flags/./br/br.gif",
            "flags//br/br.gif",
            "flags/../flags/br/br.gif",
            "flags/br/br.gif/x",
            "flags/BR/BR.gif",
            "flags/%62r/br.gif",
            "/flags",
            "flags/",
            "..",
        ];
        for path in strangers {
            assert!(find(path).is_none(), "{path}");
        }
    }

    #[test]
    fn the_records_endpoint_cannot_collide_with_a_file() {
        let root = dir("").map(listing).unwrap_or_default();
        assert_eq!(root, ["flags/"]);
    }
}
