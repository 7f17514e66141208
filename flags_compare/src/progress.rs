//! The progress bar that every mode shows on stderr while it measures.

use indicatif::{ProgressBar, ProgressStyle};

/// A bar on stderr while the runs go on (hidden when stderr is no terminal).
pub fn bar(runs: u64) -> ProgressBar {
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} runs {msg}");
    ProgressBar::new(runs).with_style(style.unwrap_or_else(|_| ProgressStyle::default_bar()))
}
