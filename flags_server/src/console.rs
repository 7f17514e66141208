//! Printing that never stops a program.
//!
//! Rust's `println!` and `eprintln!` panic when they cannot write, and they
//! can't in ordinary situations: `flags_seq | head -c1` closes stdout after
//! one byte, `2>&-` closes stderr. A download that is halfway done, or a
//! site with answers in flight, must not die for that. So everything the
//! workspace's programs print goes through these two functions, which write
//! what they can and ignore the rest; the exit status still tells how the
//! run went. (They live in this crate, the one every program depends on:
//! flags_common re-exports them for the downloaders.)

use std::fmt;
use std::io::{self, Write};

/// Prints to stdout and flushes at once, like Python's `print(..., flush=True)`
/// (with no newline added: `say(format_args!("{cc} "))` prints a code).
pub fn say(text: fmt::Arguments) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_fmt(text).and_then(|()| stdout.flush());
}

/// Prints a line to stderr (which Rust never buffers).
pub fn warn(text: fmt::Arguments) {
    let _ = writeln!(io::stderr().lock(), "{text}");
}
