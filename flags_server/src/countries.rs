//! The country codes the book's flag site knows about.

/// The 194 codes of the book's site (AD .. ZW), sorted, upper-case.
///
/// They are the sovereign states the book's `flags*.py` scripts download
/// with `-a`: exactly the folders of `site/flags/`, in lower case (a test
/// checks it).
pub const COUNTRY_CODES: [&str; 194] = [
    "AD", "AE", "AF", "AG", "AL", "AM", "AO", "AR", "AT", "AU", "AZ", "BA", "BB", "BD", "BE", "BF",
    "BG", "BH", "BI", "BJ", "BN", "BO", "BR", "BS", "BT", "BW", "BY", "BZ", "CA", "CD", "CF", "CG",
    "CH", "CI", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CY", "CZ", "DE", "DJ", "DK", "DM", "DZ",
    "EC", "EE", "EG", "ER", "ES", "ET", "FI", "FJ", "FM", "FR", "GA", "GB", "GD", "GE", "GH", "GM",
    "GN", "GQ", "GR", "GT", "GW", "GY", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IN", "IQ", "IR",
    "IS", "IT", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KZ", "LA",
    "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MG", "MH",
    "MK", "ML", "MM", "MN", "MR", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NE", "NG", "NI",
    "NL", "NO", "NP", "NR", "NZ", "OM", "PA", "PE", "PG", "PH", "PK", "PL", "PT", "PW", "PY", "QA",
    "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SI", "SK", "SL", "SM", "SN", "SO",
    "SR", "SS", "ST", "SV", "SY", "SZ", "TD", "TG", "TH", "TJ", "TL", "TM", "TN", "TO", "TR", "TT",
    "TV", "TW", "TZ", "UA", "UG", "US", "UY", "UZ", "VA", "VC", "VE", "VN", "VU", "WS", "YE", "ZA",
    "ZM", "ZW",
];

/// Where `cc` (any case) sits in [`COUNTRY_CODES`], or `None` if it isn't there.
pub(crate) fn position(cc: &str) -> Option<usize> {
    // Codes are two ASCII letters: anything else can't match, and
    // rejecting it early keeps the upper-casing below allocation-free.
    let [a, b] = cc.as_bytes() else {
        return None;
    };
    let upper = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    let upper = std::str::from_utf8(&upper).ok()?;
    COUNTRY_CODES.binary_search(&upper).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_upper_case_pairs() {
        assert!(COUNTRY_CODES.windows(2).all(|pair| pair[0] < pair[1]));
        let well_formed = |cc: &&str| cc.len() == 2 && cc.bytes().all(|b| b.is_ascii_uppercase());
        assert!(COUNTRY_CODES.iter().all(well_formed));
    }

    #[test]
    fn position_ignores_case_and_rejects_strangers() {
        assert_eq!(position("AD"), Some(0));
        assert_eq!(position("zw"), Some(193));
        assert_eq!(position("Br"), position("BR"));
        for stranger in ["", "B", "BRA", "XX", "é", "b\u{0}"] {
            assert_eq!(position(stranger), None, "{stranger:?}");
        }
    }
}
