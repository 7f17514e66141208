//! Hostile servers, hostile disks, a learner's real machine: each hole that
//! was found open, closed for all three programs.

use std::fs;
use std::process::Stdio;
use std::time::Duration;

use crate::canned::{Canned, Reply, answer, code, flag};
use crate::support::*;

#[test]
fn only_a_whole_200_holding_a_gif_is_saved() {
    let page = b"<!DOCTYPE html><title>Not a flag</title>".to_vec();
    let site = Canned::start(move |request| {
        Reply::Send(match code(&request.path) {
            "br" => answer("200 OK", &["Content-Type: text/html; charset=utf-8"], &page),
            "cn" => answer(
                "200 OK",
                &["Content-Type: image/gif", "Content-Encoding: gzip"],
                b"\x1f\x8b\x08\0",
            ),
            "in" => answer("204 No Content", &[], b""),
            "us" => {
                answer("206 Partial Content", &["Content-Range: bytes 0-99/9000"], &[b'G'; 100])
            }
            "pk" => answer("404 Not Found", &["Content-Type: text/plain"], &vec![b'x'; 5 << 20]),
            "bd" => answer("301 Moved Permanently", &["Location: file:///etc/hostname"], b""),
            cc => flag(cc),
        })
    });
    on_every_program(|program| {
        let args = ["-v", "-s", &site.base_url(), "BD", "BR", "CN", "ID", "IN", "PK", "US"];
        let run = run(program, &args);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        run.assert_saved_exactly(&["ID"]);
        let mut lines: Vec<&str> = run.stdout.lines().skip(3).take(7).collect();
        lines.sort();
        let expected = [
            "BD error: redirected to file:///etc/hostname, not a web address".to_string(),
            format!("BR error: not a GIF: text/html, {} bytes", 40),
            "CN error: encoded as gzip, unasked".into(),
            "ID OK".into(),
            "IN error: HTTP error 204 - No Content".into(),
            format!("PK not found: {}/pk/pk.gif", site.base_url()),
            "US error: HTTP error 206 - Partial Content".into(),
        ];
        assert_eq!(lines, expected, "{}", run.describe());
    });
    let asked_for_a_file = site.seen().iter().any(|request| request.path.contains("file:"));
    assert!(!asked_for_a_file, "a redirect to file:// is never followed");
}

#[test]
fn credentials_are_sent_decoded_and_never_printed() {
    let site = Canned::start(|request| Reply::Send(flag(code(&request.path))));
    let url = site.base_url().replace("http://", "http://user:pa%3Ass@");
    on_every_program(|program| {
        let run = run(program, &["-v", "-s", &url, "BR", "CN"]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        run.assert_saved_exactly(&["BR", "CN"]);
        let output = format!("{}{}", run.stdout, run.stderr);
        for secret in ["pa%3Ass", "pa:ss", "dXNlcjpwYTpzcw"] {
            assert!(!output.contains(secret), "{secret} printed:\n{output}");
        }
    });
    for request in site.seen() {
        // base64 of "user:pa:ss", the password decoded.
        let auth = "authorization: basic dxnlcjpwytpzcw==";
        assert!(request.headers.iter().any(|h| h == auth), "{request:?}");
    }
}

#[test]
fn a_server_closing_kept_alive_connections_loses_nothing() {
    // Each connection gets one answer; a second request on it finds it
    // closed, as when a server's idle timeout strikes as a request leaves.
    let site = Canned::start(|request| match request.nth {
        1 => Reply::Send(flag(code(&request.path))),
        _ => Reply::Close,
    });
    on_every_program(|program| {
        let run = run(program, &["-m", "4", "-s", &site.base_url()]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        run.assert_saved_exactly(&POP20_SORTED);
    });
    for cc in POP20_SORTED {
        let asked = site.count(&flag_path(cc));
        assert!((3..=6).contains(&asked), "{cc}: once or twice by each program, asked {asked}");
    }
}

#[test]
fn an_answer_cut_short_is_not_asked_for_again() {
    on_every_program(|program| {
        let site = slow_site(&[("IN", Fault::Truncate)]);
        let run = run(program, &["-s", &site.base_url(), "ID", "IN"]);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        run.assert_saved_exactly(&["ID"]);
        let addr = site.addr();
        let reason = format!("answer cut short: {addr} closed the connection");
        assert!(run.stderr.contains(&reason), "{}", run.stderr);
        assert_eq!(site.stats().paths().iter().filter(|p| p.contains("/in/")).count(), 1);
    });
}

#[test]
fn the_same_failure_reads_the_same_in_every_program() {
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address")
    }; // closed again: connections are refused
    on_every_program(|program| {
        let site = slow_site(&[("CN", Fault::Hang), ("IN", Fault::Status(503))]);
        let dir = tempfile::tempdir().expect("a temporary directory");
        fs::create_dir_all(dir.path().join("downloaded/BR.gif")).expect("a folder named BR.gif");
        let args = ["--timeout", "0.5", "-s", &site.base_url(), "BR", "CN", "IN"];
        let faulty = run_in(program, &args, dir);
        assert_eq!(faulty.status, Some(1), "{}", faulty.describe());
        let reasons = [
            "     1  HTTP error 503 - Service Unavailable",
            "     1  cannot save downloaded/BR.gif: Is a directory (os error 21)",
            "     1  no complete answer in 0.5 s",
        ];
        for reason in reasons {
            assert!(faulty.stderr.contains(reason), "{reason:?}\n{}", faulty.stderr);
        }
        let unreachable = run(program, &["-s", &format!("http://{refused}/flags"), "BR"]);
        let reason = format!("     1  connection refused by {refused}\n");
        assert!(unreachable.stderr.contains(&reason), "{}", unreachable.stderr);
        for line in faulty.stderr.lines().chain(unreachable.stderr.lines()) {
            assert!(line.chars().count() <= 80, "fits 80 columns: {line:?}");
        }
    });
}

#[test]
fn hostile_command_lines_are_usage_errors() {
    let cases: [&[&str]; 6] = [
        &["-s", "http://127.0.0.1:99999/flags"],
        &["-s", "http://127.0.0.1:8001/flags?x=1"],
        &["-s", "http://127.0.0.1:8001/flags#x"],
        &["--timeout", "1e19"],
        &["--timeout", "1e-10"],
        &["-m", "99999999999999999999999"],
    ];
    on_every_program(|program| {
        for bad in cases {
            let run = run(program, bad);
            assert_eq!(run.status, Some(2), "{bad:?}\n{}", run.describe());
            assert!(run.stderr.starts_with("error: "), "{}", run.stderr);
        }
        let site = site(Config::default());
        let run = run(program, &["-m", "100000", "-s", &site.base_url(), "BR"]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        let limit = if program == SEQ { 1 } else { 1000 };
        let notice = format!("{}: -m 100000 is more than its limit; using {limit}.", program.name);
        assert!(run.stderr.contains(&notice), "{}", run.stderr);
    });
}

#[test]
fn a_proxy_is_never_used_for_this_machine() {
    let site = site(Config::default());
    on_every_program(|program| {
        for args in [&["-s", "LOCAL", "BR"][..], &["-s", &site.base_url(), "CN"]] {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let mut command = command(program, args, dir.path());
            // Port 9 (discard) has no proxy: anything sent there fails.
            for var in PROXY_VARS {
                command.env(var, "http://127.0.0.1:9");
            }
            let run = finished(command.output().expect("run"), dir);
            assert_eq!(run.status, Some(0), "{args:?}\n{}", run.describe());
            run.assert_saved_exactly(&args[2..]);
        }
    });
}

#[test]
fn when_nothing_is_found_the_base_url_is_questioned() {
    let site = slow_site(&[]);
    let root = format!("http://{}", site.addr()); // without /flags
    on_every_program(|program| {
        let run = run(program, &["-s", &root, "BR", "CN"]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        assert!(run.stderr.contains(&format!("None of these flags was found at {root}\n")));
        assert!(run.stderr.contains("Is that the right base URL?"), "{}", run.stderr);
    });
}

#[test]
fn closed_output_changes_nothing_but_the_output() {
    on_every_program(|program| {
        let site = slow_site(&[("CN", Fault::Status(503))]);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut command = command(program, &["-s", &site.base_url()], dir.path());
        let mut child =
            command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
        drop((child.stdout.take(), child.stderr.take())); // as `2>&1 | head -c 0` would
        let status = child.wait().expect("wait");
        assert_eq!(status.code(), Some(1), "errors, and no panic (101)");
        let saved = fs::read_dir(dir.path().join("downloaded")).map(Iterator::count).unwrap_or(0);
        assert_eq!(saved, 19, "every flag but CN's");
    });
}

#[cfg(unix)]
#[test]
fn links_planted_in_downloaded_are_never_followed() {
    on_every_program(|program| {
        let site = site(Config::with_latency(0.3, 0.0));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (dest, victim) = (dir.path().join("downloaded"), dir.path().join("victim.txt"));
        fs::create_dir(&dest).expect("downloaded/");
        fs::write(&victim, "precious").expect("a file to protect");
        std::os::unix::fs::symlink(&victim, dest.join("BR.gif")).expect("a link as BR.gif");
        let mut command = command(program, &["-s", &site.base_url(), "BR", "CN"], dir.path());
        let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
        // The name flags_common once used for BR's temporary file.
        let old_temp = dest.join(format!(".BR.gif.{}.part", child.id()));
        std::os::unix::fs::symlink(&victim, &old_temp).expect("a link as the temporary file");
        let run = finished(child.wait_with_output().expect("wait"), dir);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        assert_eq!(
            fs::read_to_string(run.dir.path().join("victim.txt")).ok().as_deref(),
            Some("precious")
        );
        let br = run.dir.path().join("downloaded/BR.gif");
        assert!(!br.is_symlink(), "the link was replaced, not followed");
        assert_eq!(fs::read(br).ok().as_deref(), flag_gif("BR"));
    });
}

#[cfg(unix)]
#[test]
fn a_linked_downloaded_folder_is_refused() {
    on_every_program(|program| {
        let site = slow_site(&[]);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let elsewhere = tempfile::tempdir().expect("another directory");
        std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("downloaded")).expect("link");
        let run = run_in(program, &["-s", &site.base_url(), "BR"], dir);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        let why = "cannot save flags in downloaded/: it is a symbolic link";
        assert!(run.stderr.contains(why), "{}", run.stderr);
        assert_eq!(site.stats().requests, 0);
        assert_eq!(fs::read_dir(elsewhere.path()).map(Iterator::count).ok(), Some(0));
    });
}

#[test]
fn a_downloaded_file_is_not_a_folder() {
    on_every_program(|program| {
        let site = slow_site(&[]);
        let dir = tempfile::tempdir().expect("a temporary directory");
        fs::write(dir.path().join("downloaded"), "notes").expect("a file named downloaded");
        let run = run_in(program, &["-s", &site.base_url(), "BR"], dir);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        let why = "cannot save flags in downloaded/: it is a file, not a folder\n";
        assert!(run.stderr.contains(why), "{}", run.stderr);
        assert_eq!(site.stats().requests, 0);
        let notes = fs::read_to_string(run.dir.path().join("downloaded"));
        assert_eq!(notes.ok().as_deref(), Some("notes"), "the file is left as it was");
    });
}

#[test]
fn a_failed_save_names_the_flag_not_its_temporary_file() {
    on_every_program(|program| {
        let site = site(Config::with_latency(0.5, 0.0));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let args = ["-v", "-s", &site.base_url(), "BR"];
        let mut command = command(program, &args, dir.path());
        let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
        // downloaded/ goes away while BR's answer is on its way.
        let asked = wait_until(Duration::from_secs(20), || site.stats().requests > 0);
        assert!(asked, "BR was asked for");
        fs::remove_dir(dir.path().join("downloaded")).expect("remove downloaded/");
        let run = finished(child.wait_with_output().expect("wait"), dir);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        let why = "BR error: cannot save downloaded/BR.gif: No such file or directory (os error 2)";
        assert!(run.stdout.lines().any(|line| line == why), "{}", run.describe());
        assert!(!run.stdout.contains(".part"), "{}", run.describe());
    });
}
