//! What makes a body a whole GIF, not the first half of one.
//!
//! A server, or a proxy on the way, can say `Content-Length: 9000` for a
//! flag of 18,000 bytes: the client reads 9,000 bytes, the answer looks
//! complete, and half a flag would be saved as a flag. HTTP cannot tell; the
//! GIF itself can. A GIF (the GIF89a specification, section 15 onwards) is a
//! header (`GIF89a`), a screen descriptor, an optional color table, then
//! blocks, images and extensions, each a run of sub-blocks of at most 255
//! bytes that ends with an empty one, and at last the trailer, the byte
//! `0x3B`. Nothing in it says how long the whole is, and there is no
//! checksum, so "whole" can only mean: every block there, up to the trailer.
//!
//! How far to check, measured on the book's 194 flags and on every way of
//! cutting each of them short (2.35 million bodies):
//!
//! - the last byte is `0x3B`: one cut in 370 ends on that byte by chance
//!   (6,295 of them), and would be saved;
//! - the blocks walked to the trailer, as here: no cut passes, and a flag
//!   takes some 5 µs (release build); the gif crate walks them, and adds
//!   some 1.5 s to a first build (it and weezl, its LZW codec);
//! - the pixels decoded as well: some 50 times slower (0.26 ms a flag) and
//!   a buffer for the pixels, to catch what is not a body cut short but
//!   bytes changed inside it, which no check without a checksum can catch
//!   in full. Not done.
//!
//! And nothing may follow the trailer: a body with more is not one flag.

use std::io::Read;

/// Whether `body` is a whole GIF: `Err` says why not, in the words of
/// `Answer::gif`'s errors (`not a whole GIF: ...`).
pub(crate) fn check(body: &[u8]) -> Result<(), String> {
    let mut options = gif::DecodeOptions::new();
    // Each image's compressed bytes are copied as they are, not decoded.
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(body).map_err(|err| broken(&err, body))?;
    while decoder.read_next_frame().map_err(|err| broken(&err, body))?.is_some() {}
    // The trailer was read: what is left of the body is after it.
    let mut rest = decoder.into_inner();
    let after = rest.read_to_end(&mut Vec::new()).unwrap_or_default(); // a slice never fails
    match after {
        0 => Ok(()),
        after => Err(format!("not only a GIF: {after} bytes after its trailer")),
    }
}

/// The words for a GIF that the decoder could not walk to its trailer.
fn broken(err: &gif::DecodingError, body: &[u8]) -> String {
    match err {
        gif::DecodingError::UnexpectedEof => {
            format!("not a whole GIF: it ends after {} bytes, before its trailer", body.len())
        }
        other => format!("not a whole GIF: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::countries::ALL_CC;

    fn flag(cc: &str) -> &'static [u8] {
        flags_server::flag_gif(cc).unwrap_or_else(|| panic!("the flag of {cc}"))
    }

    #[test]
    fn the_books_flags_are_whole() {
        assert_eq!(ALL_CC.len(), 194);
        for cc in ALL_CC {
            assert_eq!(check(flag(cc)), Ok(()), "{cc}");
        }
    }

    #[test]
    fn a_flag_cut_anywhere_is_not_whole() {
        let br = flag("BR");
        for len in 0..br.len() {
            assert!(check(&br[..len]).is_err(), "BR cut at {len} of {} bytes", br.len());
        }
        let half = &br[..br.len() / 2];
        let said =
            format!("not a whole GIF: it ends after {} bytes, before its trailer", half.len());
        assert_eq!(check(half), Err(said));
    }

    #[test]
    fn nothing_follows_the_trailer() {
        let twice = [flag("BR"), flag("BR")].concat();
        let said = format!("not only a GIF: {} bytes after its trailer", flag("BR").len());
        assert_eq!(check(&twice), Err(said));
    }

    #[test]
    fn a_broken_block_says_so() {
        // BR's header, screen and color table, then a block of type 0x00.
        let br = flag("BR");
        let table = 3 * (2 << (br[10] & 7));
        let broken = [&br[..13 + table], &[0, 0x3B]].concat();
        let said = check(&broken).err().unwrap_or_default();
        assert!(said.starts_with("not a whole GIF: "), "{said}");
    }
}
