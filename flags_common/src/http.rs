//! What an answer must be to count as a flag, whichever client fetched it.

use crate::error::{Error, Result};

/// A body larger than this is an error: the largest real flag is 36 KB, so
/// anything this big is a broken or hostile server, not a flag.
pub const MAX_FLAG_BYTES: u64 = 4 * 1024 * 1024;

/// httpx's `raise_for_status()`, stricter: only 200 is a whole flag. A 304
/// or a redirect that could not be followed is as much an error as a 404 or
/// a 500, so that no error page is ever saved as a flag.
pub fn check_status(code: u16, url: &str) -> Result<()> {
    match code {
        200 => Ok(()),
        _ => Err(Error::Status { code, url: url.to_string() }),
    }
}

/// Fails once a body grows past [`MAX_FLAG_BYTES`], for clients that have
/// no limit of their own (reqwest).
pub fn check_size(len: usize) -> Result<()> {
    if len as u64 > MAX_FLAG_BYTES { Err(Error::TooBig) } else { Ok(()) }
}
