//! Made-up flags: one small GIF per country code, built on first use.
//!
//! We can't ship the real flag images, and the downloaders don't care what
//! a flag looks like: they care how many bytes come down the wire. So each
//! "flag" here is a real GIF89a that any viewer opens (two or three stripes
//! and a round emblem), sized like the real ones: from about 1.2 KB to 36 KB,
//! about 10 KB for a typical flag.
//!
//! Sizes are steered through the emblem. Stripes cost the LZW compressor
//! almost nothing; the emblem is filled with pseudo-random pixels, which it
//! can't compress, so each emblem pixel adds a roughly fixed number of bytes.
//! Picking the emblem's area therefore picks the file's size.
//!
//! Everything is derived from the code itself through a fixed hash (FNV-1a
//! seeding a SplitMix64 generator), never from the OS's randomness, so a
//! flag has the same bytes on every run and every machine.

use std::sync::OnceLock;

use crate::countries::{COUNTRY_CODES, position};

/// Sixteen colours that real flags use a lot: the stripes' colours.
const FLAG_COLOURS: [[u8; 3]; 16] = [
    [206, 17, 38],   // red
    [255, 255, 255], // white
    [0, 56, 168],    // blue
    [0, 122, 61],    // green
    [252, 209, 22],  // yellow
    [0, 0, 0],       // black
    [255, 136, 0],   // orange
    [117, 170, 219], // sky blue
    [0, 82, 33],     // dark green
    [128, 0, 32],    // maroon
    [0, 36, 125],    // navy
    [212, 175, 55],  // gold
    [239, 51, 64],   // light red
    [0, 154, 68],    // light green
    [93, 63, 211],   // purple
    [150, 150, 150], // silver
];

/// How the palette derives more colours from the flag colours: mix each
/// with this colour (black or white), in this many quarters.
const SHADES: [(u8, u16); 4] = [(0, 0), (255, 2), (0, 2), (255, 1)];

/// Colours in the palette: the flag colours, then their lighter and darker
/// shades. The emblem uses them all.
const COLOURS: usize = FLAG_COLOURS.len() * SHADES.len();

/// Bytes a GIF costs beyond its emblem: header, palette and the stripes.
const OVERHEAD: f64 = 800.0;

/// What one emblem pixel costs once LZW has done its best on 6-bit noise.
const BYTES_PER_NOISE_PIXEL: f64 = 1.05;

/// The emblem covers at most this share of the flag.
const MAX_EMBLEM_SHARE: f64 = 0.6;

/// Flags are built once, on first request, then served from here forever.
static FLAGS: [OnceLock<Vec<u8>>; COUNTRY_CODES.len()] =
    [const { OnceLock::new() }; COUNTRY_CODES.len()];

/// The bytes of the GIF the site serves for `cc` (upper- or lower-case),
/// `None` if `cc` is not one of the 194 [`COUNTRY_CODES`].
pub fn flag_gif(cc: &str) -> Option<&'static [u8]> {
    let index = position(cc)?;
    Some(FLAGS[index].get_or_init(|| make_gif(COUNTRY_CODES[index])))
}

/// A tiny, well-known pseudo-random generator (SplitMix64).
struct Dice(u64);

impl Dice {
    /// Seed the generator from `cc` with the 64-bit FNV-1a hash.
    fn for_code(cc: &str) -> Dice {
        let hash = cc.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        Dice(hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` is small, so the modulo bias doesn't matter).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }
}

/// Everything needed to paint one flag.
struct Design {
    width: usize,
    height: usize,
    vertical: bool,
    /// Palette indexes of the stripes, hoist (or top) first.
    stripes: Vec<u8>,
    /// Emblem centre and radii, in pixels.
    centre: (f64, f64),
    radii: (f64, f64),
}

/// Build the GIF for `cc`: design it, paint it, compress it.
fn make_gif(cc: &str) -> Vec<u8> {
    let mut dice = Dice::for_code(cc);
    let design = design(&mut dice);
    let pixels = paint(&design, &mut dice);
    // Encoding into memory can't fail: the sizes and palette are ours.
    encode(&design, pixels).expect("a GIF made in memory from our own palette")
}

/// How big the file should be, in bytes: 1.5 KB to 34 KB, 10 KB typically.
///
/// Real flag sizes have a long tail: many small files, a few big ones.
/// This table gives the size at every tenth of the way through that
/// distribution; we interpolate between its points. (Plain arithmetic
/// only, no `ln` or `powf`: those may round differently on another
/// platform, and the flags must be byte-for-byte the same everywhere.)
fn target_size(dice: &mut Dice) -> f64 {
    const DECILES: [f64; 11] = [
        1_500.0, 2_700.0, 4_200.0, 5_800.0, 7_900.0, 10_500.0, 13_000.0, 16_000.0, 19_500.0,
        25_500.0, 34_000.0,
    ];
    let at = dice.unit() * 10.0;
    let step = at as usize; // 0..=9, as unit() < 1
    let (low, high) = (DECILES[step], DECILES[step + 1]);
    low + (high - low) * (at - step as f64)
}

/// Choose proportions, stripes and an emblem big enough to hit the target.
fn design(dice: &mut Dice) -> Design {
    let emblem_area = ((target_size(dice) - OVERHEAD) / BYTES_PER_NOISE_PIXEL).max(100.0);
    let aspect = [1.5, 2.0, 5.0 / 3.0, 4.0 / 3.0][dice.below(4)];
    // Big emblems need a big canvas, so the stripes still show around them.
    let height = (emblem_area / MAX_EMBLEM_SHARE / aspect).sqrt().max(100.0);
    let width = height * aspect;
    let squash = [1.0, 0.75][dice.below(2)];
    let radius = (emblem_area / std::f64::consts::PI / squash).sqrt();
    // Centred, like Japan, or towards the hoist, like Bangladesh.
    let centre_x = [width / 2.0, (width * 0.4).max(radius)][dice.below(2)];
    Design {
        width: width.round() as usize,
        height: height.round() as usize,
        vertical: dice.below(2) == 0,
        stripes: stripe_colours(dice),
        centre: (centre_x, height / 2.0),
        radii: (radius, radius * squash),
    }
}

/// Two or three stripe colours, each different from its neighbour.
fn stripe_colours(dice: &mut Dice) -> Vec<u8> {
    let count = 2 + dice.below(2);
    let mut colours: Vec<u8> = Vec::with_capacity(count);
    while colours.len() < count {
        let colour = dice.below(FLAG_COLOURS.len()) as u8;
        if colours.last() != Some(&colour) {
            colours.push(colour);
        }
    }
    colours
}

/// One palette index per pixel, row by row.
fn paint(design: &Design, dice: &mut Dice) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(design.width * design.height);
    for y in 0..design.height {
        for x in 0..design.width {
            let pixel = if in_emblem(design, x, y) {
                // Noise over the whole palette: 6 bits LZW can't squeeze.
                dice.below(COLOURS) as u8
            } else {
                stripe_at(design, x, y)
            };
            pixels.push(pixel);
        }
    }
    pixels
}

fn in_emblem(design: &Design, x: usize, y: usize) -> bool {
    let dx = (x as f64 + 0.5 - design.centre.0) / design.radii.0;
    let dy = (y as f64 + 0.5 - design.centre.1) / design.radii.1;
    dx * dx + dy * dy <= 1.0
}

fn stripe_at(design: &Design, x: usize, y: usize) -> u8 {
    let (along, span) = if design.vertical { (x, design.width) } else { (y, design.height) };
    design.stripes[along * design.stripes.len() / span]
}

/// The palette as the GIF stores it: red, green, blue, red, green...
fn palette() -> Vec<u8> {
    let mix = |channel: u8, (towards, quarters): (u8, u16)| {
        let mixed = u16::from(channel) * (4 - quarters) + u16::from(towards) * quarters;
        (mixed / 4) as u8
    };
    let shades = SHADES.iter().flat_map(|&shade| FLAG_COLOURS.iter().map(move |rgb| (rgb, shade)));
    shades.flat_map(|(rgb, shade)| rgb.map(|channel| mix(channel, shade))).collect()
}

/// Compress the pixels into a one-frame GIF89a with a global palette.
fn encode(design: &Design, pixels: Vec<u8>) -> Result<Vec<u8>, gif::EncodingError> {
    // Our sizes stay far below u16::MAX (the largest flag is ~400 px wide).
    let width = u16::try_from(design.width).unwrap_or(u16::MAX);
    let height = u16::try_from(design.height).unwrap_or(u16::MAX);
    let mut encoder = gif::Encoder::new(Vec::new(), width, height, &palette())?;
    let frame = gif::Frame::from_indexed_pixels(width, height, pixels, None);
    encoder.write_frame(&frame)?;
    encoder.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 20 most populous countries: what the book's scripts download.
    const POP20: [&str; 20] = [
        "BD", "BR", "CD", "CN", "DE", "EG", "ET", "FR", "ID", "IN", "IR", "JP", "MX", "NG", "PH",
        "PK", "RU", "TR", "US", "VN",
    ];

    fn size(cc: &str) -> usize {
        flag_gif(cc).map_or(0, <[u8]>::len)
    }

    #[test]
    fn every_flag_is_a_gif_the_decoder_reads() {
        for cc in COUNTRY_CODES {
            let bytes = flag_gif(cc).unwrap_or_default();
            assert!(bytes.starts_with(b"GIF89a"), "{cc}");
            let mut decoder = gif::DecodeOptions::new()
                .read_info(bytes)
                .unwrap_or_else(|err| panic!("{cc}: {err}"));
            let frame = decoder.read_next_frame().unwrap_or_else(|err| panic!("{cc}: {err}"));
            let frame = frame.unwrap_or_else(|| panic!("{cc}: no frame"));
            assert_eq!(frame.buffer.len(), frame.width as usize * frame.height as usize);
        }
    }

    #[test]
    fn flags_are_the_same_every_time() {
        for cc in ["AD", "BR", "ZW"] {
            assert_eq!(flag_gif(cc), Some(make_gif(cc).as_slice()));
        }
    }

    #[test]
    fn case_does_not_matter_and_strangers_get_nothing() {
        assert_eq!(flag_gif("br"), flag_gif("BR"));
        assert_eq!(flag_gif("XX"), None);
        assert_eq!(flag_gif("bra"), None);
    }

    #[test]
    fn sizes_are_like_the_real_flags() {
        let mut sizes: Vec<usize> = COUNTRY_CODES.iter().map(|cc| size(cc)).collect();
        sizes.sort_unstable();
        let (min, median, max) = (sizes[0], sizes[sizes.len() / 2], sizes[sizes.len() - 1]);
        let total: usize = sizes.iter().sum();
        let pop20: usize = POP20.iter().map(|cc| size(cc)).sum();
        eprintln!("min {min} median {median} max {max} total {total} pop20 {pop20}");
        assert!(min >= 1_200 && max <= 36_000, "min {min} max {max}");
        assert!((7_000..=13_000).contains(&median), "median {median}");
        assert!((200_000..=330_000).contains(&pop20), "pop20 {pop20}");
        assert!((1_500_000..=3_500_000).contains(&total), "total {total}");
    }
}
