//! What a server answers around a flag: a `Content-Length` that lies,
//! bytes after the flag. Only whole flags are saved.

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
