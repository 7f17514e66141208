//! The country codes: the book's top 20 by population, the site's 194, and
//! every possible code AA..ZZ, plus the expansion of the command line's `CC`
//! arguments (flags2_common.py's `expand_cc_args`).

use std::collections::BTreeSet;

/// The 20 most populous countries, in the book's order (flags.py's `POP20_CC`).
pub(crate) const POP20_CC: [&str; 20] = [
    "CN", "IN", "US", "ID", "BR", "PK", "NG", "BD", "RU", "JP", "MX", "PH", "VN", "ET", "EG", "DE",
    "IR", "TR", "CD", "FR",
];

/// The 194 codes that the book's site has flags for (`-a`, "AD to ZW").
/// They live with the site, which is what decides which flags exist.
pub const ALL_CC: [&str; 194] = flags_server::COUNTRY_CODES;

/// The message of the book's usage error for a bad `CC` argument.
pub const BAD_CC: &str = "each CC argument must be A to Z or AA to ZZ";

/// Every two-letter code, AA..ZZ (`-e`): 676 codes, most of them no country.
pub fn every_cc() -> impl Iterator<Item = String> {
    let letters = 'A'..='Z';
    letters.flat_map(|first| ('A'..='Z').map(move |second| format!("{first}{second}")))
}

/// Checks one `CC` argument (clap calls it for each): one or two ASCII letters,
/// returned upper-cased. Anything else, such as `1X` or `../x`, is a usage error.
pub fn parse_cc(arg: &str) -> Result<String, String> {
    let letters = (1..=2).contains(&arg.len()) && arg.bytes().all(|b| b.is_ascii_alphabetic());
    if letters { Ok(arg.to_ascii_uppercase()) } else { Err(BAD_CC.to_string()) }
}

/// The codes to download, as flags2 picks them: `-e` wins over `-a`, which
/// wins over the `CC` arguments (a single letter is its 26 codes); no
/// arguments means POP20. De-duplicated and sorted, then cut to `limit`.
pub fn expand_cc_args(every: bool, all: bool, cc_args: &[String], limit: usize) -> Vec<String> {
    let codes: BTreeSet<String> = if every {
        every_cc().collect()
    } else if all {
        ALL_CC.iter().map(|cc| cc.to_string()).collect()
    } else if cc_args.is_empty() {
        POP20_CC.iter().map(|cc| cc.to_string()).collect()
    } else {
        cc_args.iter().flat_map(|cc| expand_one(cc)).collect()
    };
    codes.into_iter().take(limit).collect()
}

/// `B` -> BA..BZ; `BR` -> BR.
fn expand_one(cc: &str) -> Vec<String> {
    match cc.len() {
        1 => ('A'..='Z').map(|second| format!("{cc}{second}")).collect(),
        _ => vec![cc.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(codes: &[&str]) -> Vec<String> {
        codes.iter().map(|cc| cc.to_string()).collect()
    }

    #[test]
    fn no_arguments_means_pop20_sorted() {
        let codes = expand_cc_args(false, false, &[], usize::MAX);
        assert_eq!(codes.join(" "), "BD BR CD CN DE EG ET FR ID IN IR JP MX NG PH PK RU TR US VN");
    }

    #[test]
    fn letters_expand_dedupe_sort_and_limit() {
        let args = strings(&["ZW", "B", "BR", "AD"]);
        let codes = expand_cc_args(false, false, &args, 4);
        assert_eq!(codes, strings(&["AD", "BA", "BB", "BC"]));
        assert_eq!(expand_cc_args(false, false, &args, usize::MAX).len(), 28);
    }

    #[test]
    fn every_beats_all_beats_arguments() {
        assert_eq!(expand_cc_args(true, true, &strings(&["BR"]), usize::MAX).len(), 676);
        assert_eq!(expand_cc_args(false, true, &strings(&["BR"]), usize::MAX).len(), 194);
        assert_eq!(every_cc().last().as_deref(), Some("ZZ"));
    }

    #[test]
    fn cc_arguments_are_checked() {
        assert_eq!(parse_cc("br"), Ok("BR".to_string()));
        assert_eq!(parse_cc("b"), Ok("B".to_string()));
        for bad in ["1X", "../x", "", "BRA", "é", "B-"] {
            assert_eq!(parse_cc(bad), Err(BAD_CC.to_string()), "{bad:?}");
        }
    }

    #[test]
    fn pop20_are_all_real_flags() {
        assert!(POP20_CC.iter().all(|cc| ALL_CC.contains(cc)));
    }
}
