//! The job a `download_many` is given, as plain data.

use crate::client_settings::ClientSettings;

/// What to download, from where, how many at once: flags2's
/// `download_many(cc_list, base_url, verbose, concur_req)` arguments, decided
/// by [`main`](crate::main) from the command line. (flags2's `verbose` lives
/// in [`Progress`](crate::Progress), which does the printing.)
#[derive(Clone, Debug)]
pub struct Plan {
    /// The codes to download, upper case and sorted: `["BD", "BR", ...]`.
    pub cc_list: Vec<String>,
    /// The site, e.g. `http://127.0.0.1:41234/flags`; a flag is at
    /// `{base_url}/br/br.gif`.
    pub base_url: String,
    /// How many requests may be in flight at once (`-m`, bounded).
    pub concur_req: usize,
    /// How to set up the program's one HTTP client: `Client::new(&plan.client)`.
    pub client: ClientSettings,
}
