//! What a server answers before and around a flag: a `Content-Length`
//! that lies, bytes after the flag, interim answers (`100 Continue`,
//! `103 Early Hints`) before the `200`. Only whole flags are saved, and an
//! interim answer is skipped, whatever the clients' buffers.

use crate::canned::{Canned, Reply, answer, claiming, code, flag, gif};
use crate::support::*;

/// `BR error: ...`: the line of `-v` for `cc`.
fn line_of<'a>(run: &'a Run, cc: &str) -> &'a str {
    let start = format!("{cc} ");
    let line = run.stdout.lines().find(|line| line.starts_with(&start));
    line.unwrap_or_else(|| panic!("a line for {cc}\n{}", run.describe()))
}

#[test]
fn only_whole_flags_are_saved() {
    let site = Canned::start(|request| {
        Reply::Send(match code(&request.path) {
            // Says half the flag, sends it whole: half is read, as a whole answer.
            "br" => claiming(gif("BR").len() / 2, gif("BR")),
            "in" => {
                answer("200 OK", &["Content-Type: image/gif"], &[gif("IN"), b"<html>"].concat())
            }
            cc => flag(cc),
        })
    });
    on_every_program(|program| {
        let run = run(program, &["-v", "-s", &site.base_url(), "BR", "CN", "IN"]);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        run.assert_saved_exactly(&["CN"]);
        let half = gif("BR").len() / 2;
        let cut =
            format!("BR error: not a whole GIF: it ends after {half} bytes, before its trailer");
        assert_eq!(line_of(&run, "BR"), cut);
        assert_eq!(line_of(&run, "IN"), "IN error: not only a GIF: 6 bytes after its trailer");
        assert_eq!(line_of(&run, "CN"), "CN OK");
    });
}

#[test]
fn interim_answers_before_the_200_are_skipped() {
    // All sent at once: the interim answers, the 200's head and its body
    // (each of these flags is larger than the 8 KiB that ureq reads at once).
    let interim = "HTTP/1.1 100 Continue\r\n\r\n\
                   HTTP/1.1 102 Processing\r\n\r\n\
                   HTTP/1.1 103 Early Hints\r\nLink: </flags.css>; rel=preload\r\n\r\n";
    let site = Canned::start(move |request| {
        Reply::Send([interim.as_bytes(), &flag(code(&request.path))].concat())
    });
    let codes = ["BR", "CN", "MX", "US"];
    on_every_program(|program| {
        for concurrency in ["1", "4"] {
            let run =
                run(program, &["-m", concurrency, "-s", &site.base_url(), "BR", "CN", "MX", "US"]);
            assert_eq!(run.status, Some(0), "-m {concurrency}\n{}", run.describe());
            run.assert_saved_exactly(&codes);
        }
    });
}

#[test]
fn a_chunk_line_larger_than_ureqs_buffer_is_said_so() {
    // A chunked flag whose first chunk's line carries 9 KiB of extensions
    // (`5;x=xxx...`): legal, and within hyper's limit of 16 KiB.
    let extension = format!(";x={}", "x".repeat(9 << 10));
    let site = Canned::start(move |request| {
        let gif = gif(code(&request.path));
        let head = "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nTransfer-Encoding: chunked\r\n";
        let chunk = [format!("{:x}{extension}\r\n", gif.len()).as_bytes(), gif].concat();
        Reply::Send([head.as_bytes(), b"\r\n", &chunk, b"\r\n0\r\n\r\n"].concat())
    });
    only_hyper_takes_it(&site, "BR error: a chunk's size line larger than 8 KiB");
}

#[test]
fn a_head_larger_than_ureqs_buffer_is_said_so() {
    // 10 KiB of headers: more than the 8 KiB that flags_seq's and
    // flags_threadpool's ureq reads at once, well within hyper's limit.
    let padding = format!("X-Padding: {}", "x".repeat(10 << 10));
    let site = Canned::start(move |request| {
        let headers = ["Content-Type: image/gif", padding.as_str()];
        Reply::Send(answer("200 OK", &headers, gif(code(&request.path))))
    });
    only_hyper_takes_it(&site, "BR error: answer's head larger than 8 KiB");
}

/// Runs each program for BR on `site`, whose answer is more than ureq's
/// 8 KiB buffer holds at once: flags_async (hyper) saves the flag, and
/// flags_seq and flags_threadpool say `said` for it.
fn only_hyper_takes_it(site: &Canned, said: &str) {
    on_every_program(|program| {
        let run = run(program, &["-v", "-s", &site.base_url(), "BR"]);
        if program == ASYNC {
            assert_eq!(run.status, Some(0), "{}", run.describe());
            run.assert_saved_exactly(&["BR"]);
        } else {
            assert_eq!(run.status, Some(1), "{}", run.describe());
            run.assert_saved_exactly(&[]);
            assert_eq!(line_of(&run, "BR"), said);
        }
    });
}
