//! What a learner sees in a real terminal: tmux runs each program in a
//! pseudo-terminal, and the test reads the screen. Without tmux installed
//! (CI installs it) these tests say so and pass: a terminal can't be faked.
#![cfg(unix)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::programs::exe;
use crate::support::*;
use flags_server::console::warn;

/// A program running in a terminal of its own, 100 columns by 30 lines.
struct Terminal {
    socket: String,
}

impl Terminal {
    /// Runs `program args` in `dir` with this `TERM`, then `echo END-$?`.
    fn run(program: Program, args: &[&str], term: &str, dir: &std::path::Path) -> Option<Terminal> {
        static SESSIONS: AtomicUsize = AtomicUsize::new(0);
        let n = SESSIONS.fetch_add(1, Ordering::Relaxed);
        let socket = format!("flags-e2e-{}-{n}", std::process::id());
        let exe = exe(program.name);
        let no_proxy: String = PROXY_VARS.iter().map(|var| format!("-u {var} ")).collect();
        let line = format!(
            "cd {} && env {no_proxy}TERM={term} {} {}; echo END-$?; sleep 60",
            dir.display(),
            exe.display(),
            args.join(" ")
        );
        let started = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d", "-x", "100", "-y", "30"])
            .arg(line)
            .status();
        if !started.is_ok_and(|status| status.success()) {
            warn(format_args!("tmux is not installed: the terminal tests are skipped"));
            return None;
        }
        Some(Terminal { socket })
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let output = Command::new("tmux").arg("-L").arg(&self.socket).args(args).output();
        output.expect("tmux")
    }

    /// The screen's text, trailing blank lines left out. `-J` joins the
    /// lines the terminal wrapped, so that a code cut at the 100th column
    /// (`B` then `R` on the next line) still reads `BR`.
    fn screen(&self) -> String {
        let capture = self.tmux(&["capture-pane", "-p", "-J"]);
        let text = String::from_utf8_lossy(&capture.stdout).into_owned();
        text.trim_end().to_string()
    }

    /// Waits (up to 20 s) until the screen shows `text`, and returns it.
    fn wait_for(&self, text: &str) -> String {
        let mut screen = String::new();
        wait_until(Duration::from_secs(20), || {
            screen = self.screen();
            screen.contains(text)
        });
        screen
    }

    fn press_ctrl_c(&self) {
        self.tmux(&["send-keys", "C-c"]);
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

#[test]
fn with_term_dumb_the_codes_show_instead_of_a_bar() {
    let site = site(Config::default());
    on_every_program(|program| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let Some(terminal) =
            Terminal::run(program, &["-a", "-s", &site.base_url()], "dumb", dir.path())
        else {
            return;
        };
        let screen = terminal.wait_for("END-");
        assert!(screen.contains("194 downloads in "), "{screen}");
        let is_code = |word: &&str| word.len() == 2 && word.bytes().all(|b| b.is_ascii_uppercase());
        let codes = screen.split_whitespace().filter(is_code).count();
        assert_eq!(codes, 194, "every code shows\n{screen}");
        assert!(screen.ends_with("END-0"), "{screen}");
    });
}

#[test]
fn ctrl_c_writes_through_the_bar_and_the_screen_ends_clean() {
    let site = site(Config::with_latency(0.3, 0.0));
    on_every_program(|program| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = site.base_url();
        let args =
            if program == SEQ { vec!["-a", "-s", &url] } else { vec!["-a", "-m", "4", "-s", &url] };
        let Some(terminal) = Terminal::run(program, &args, "xterm-256color", dir.path()) else {
            return;
        };
        terminal.wait_for("/194 flags,");
        terminal.press_ctrl_c();
        let screen = terminal.wait_for("END-");
        let lines: Vec<&str> = screen.lines().collect();
        let notice = "Ctrl-C: finishing the downloads in flight (Ctrl-C again to quit now)";
        let at = lines.iter().position(|line| *line == notice);
        let next = at.and_then(|at| lines.get(at + 1)).unwrap_or(&"");
        assert!(next.contains(" downloads in "), "the report follows the notice\n{screen}");
        assert!(!screen.contains("/194 flags"), "the bar is gone\n{screen}");
        assert_eq!(lines.last(), Some(&"END-130"), "{screen}");
    });
}

#[test]
fn two_ctrl_c_quit_at_once_and_the_screen_ends_clean() {
    on_every_program(|program| {
        // Answers that never come in time: the downloads in flight still
        // wait at the second Ctrl-C, however slow the machine is. A site per
        // program, so that its first request is this program's.
        let site = site(Config::with_latency(3600.0, 0.0));
        let dir = tempfile::tempdir().expect("a temporary directory");
        // Two at a time, so that the concurrent programs are still at it.
        let url = site.base_url();
        let args = if program == SEQ { vec!["-s", &url] } else { vec!["-m", "2", "-s", &url] };
        let Some(terminal) = Terminal::run(program, &args, "xterm", dir.path()) else {
            return;
        };
        wait_until(Duration::from_secs(20), || site.stats().requests > 0);
        terminal.press_ctrl_c();
        terminal.wait_for("Ctrl-C again to quit now");
        std::thread::sleep(Duration::from_millis(300)); // as fast as a person presses twice
        terminal.press_ctrl_c();
        let screen = terminal.wait_for("END-");
        let lines: Vec<&str> = screen.lines().collect();
        let quit = "Stopped at once: the flags in downloaded/ are all complete.";
        assert_eq!(lines[lines.len().saturating_sub(2)..], [quit, "END-130"], "{screen}");
    });
}
