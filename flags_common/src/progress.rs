//! Showing each code as it ends: the codes on one line (flags.py), a line per
//! code (flags2's `-v`), or a progress bar (flags2's tqdm).

use std::io::{self, IsTerminal};

use console::Term;
use flags_server::console::{say, warn};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};

use crate::status::DownloadStatus;

/// How each code's end is shown. One `Progress` serves the whole run, from
/// every thread or task: showing a code is a print, or a tick of the bar,
/// which is thread-safe and cheap to share. Cloning it gives another handle
/// to the same bar (for the signal handler).
#[derive(Clone, Debug)]
pub struct Progress {
    style: Style,
}

#[derive(Clone, Debug)]
enum Style {
    /// Example 20-1: `BD BR CD ...` on one line, each code as it is saved.
    Codes,
    /// `-v`: a line per code with its outcome (flags2).
    Verbose,
    /// Many codes on a terminal: a bar on stderr (flags2's tqdm).
    Bar(ProgressBar),
    /// `--json`: nothing until the report.
    Quiet,
}

/// Fewer codes than this print as codes, even on a terminal.
const BAR_ABOVE: usize = 20;

impl Progress {
    /// Picks how to show `codes` codes. A bar needs a terminal that can draw
    /// one: with `TERM=dumb`, or stderr in a pipe, indicatif would hide it
    /// and the run would look frozen, so the codes are printed instead.
    pub(crate) fn new(codes: usize, verbose: bool, json: bool) -> Progress {
        let style = if json {
            Style::Quiet
        } else if verbose {
            Style::Verbose
        } else if codes > BAR_ABOVE && io::stderr().is_terminal() {
            bar(codes).map_or(Style::Codes, Style::Bar)
        } else {
            Style::Codes
        };
        Progress { style }
    }

    /// Shows how one code ended, as it ends (flags.py's
    /// `print(cc, end=' ', flush=True)`, or flags2's `print(cc, msg)`), and
    /// hands the status back.
    pub fn show(&self, cc: &str, status: DownloadStatus) -> DownloadStatus {
        match (&self.style, &status) {
            (Style::Codes, DownloadStatus::Ok) => say(format_args!("{cc} ")),
            (Style::Verbose, DownloadStatus::Ok) => say(format_args!("{cc} OK\n")),
            (Style::Verbose, DownloadStatus::NotFound(url)) => {
                say(format_args!("{cc} not found: {url}\n"));
            }
            (Style::Verbose, DownloadStatus::Error(err)) => {
                say(format_args!("{cc} error: {err}\n"))
            }
            (Style::Bar(bar), _) => bar.inc(1),
            (Style::Codes | Style::Quiet, _) => {}
        }
        status
    }

    /// Prints a notice on stderr on a line of its own: through the bar (which
    /// clears itself, prints, and redraws), or after the `^C` the terminal
    /// echoed.
    pub(crate) fn notice(&self, text: &str) {
        match &self.style {
            Style::Bar(bar) => bar.suspend(|| warn(format_args!("{text}"))),
            _ => warn(format_args!("\n{text}")),
        }
    }

    /// Ends the progress display before the report: the bar goes away, the
    /// line of codes ends.
    pub(crate) fn finish(&self) {
        match &self.style {
            Style::Codes => say(format_args!("\n")),
            Style::Bar(bar) => bar.finish_and_clear(),
            Style::Verbose | Style::Quiet => {}
        }
    }

    /// Ends the display for good when the program quits without a report.
    pub(crate) fn quit(&self, text: &str) {
        match &self.style {
            Style::Bar(bar) => {
                bar.finish_and_clear();
                warn(format_args!("{text}"));
            }
            _ => warn(format_args!("\n{text}")),
        }
    }
}

/// `████████░░░░ 236/676 flags, 2s`, or `None` where it could not be drawn
/// (indicatif hides bars where stderr is no terminal, or `TERM=dumb`).
fn bar(len: usize) -> Option<ProgressBar> {
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} flags, {elapsed}").ok()?;
    let bar = ProgressBar::new(len as u64).with_style(style);
    if bar.is_hidden() {
        return None;
    }
    bar.set_draw_target(ProgressDrawTarget::term_like(Box::new(Narrower(Term::stderr()))));
    Some(bar)
}

/// The terminal, two columns narrower. indicatif fills the bar's line with
/// spaces to the last column, so the `^C` that the terminal echoes when
/// Ctrl-C is pressed would wrap to a new line, and the bar, cleared there,
/// would stay on screen above the Ctrl-C notice.
#[derive(Debug)]
struct Narrower(Term);

impl TermLike for Narrower {
    fn width(&self) -> u16 {
        TermLike::width(&self.0).saturating_sub(2)
    }
    fn height(&self) -> u16 {
        TermLike::height(&self.0)
    }
    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        TermLike::move_cursor_up(&self.0, n)
    }
    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        TermLike::move_cursor_down(&self.0, n)
    }
    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        TermLike::move_cursor_right(&self.0, n)
    }
    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        TermLike::move_cursor_left(&self.0, n)
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        TermLike::write_line(&self.0, s)
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        TermLike::write_str(&self.0, s)
    }
    fn clear_line(&self) -> io::Result<()> {
        TermLike::clear_line(&self.0)
    }
    fn flush(&self) -> io::Result<()> {
        TermLike::flush(&self.0)
    }
}
