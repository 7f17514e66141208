//! Servers that break: every program must count each failure as an error,
//! say why, and leave nothing half-done behind. Each HTTP client meets them
//! its own way, so these run on all three programs.

use crate::support::*;

#[test]
fn faults_are_errors_and_leave_nothing_behind() {
    on_every_program(|program| {
        let faults = [
            ("CN", Fault::Reset),
            ("IN", Fault::Truncate),
            ("US", Fault::Oversize),
            ("ID", Fault::Status(503)),
            ("PK", Fault::Hang),
            ("BD", Fault::Status(304)), // not 200: no empty flag
            ("CD", Fault::Status(302)), // a redirect with nowhere to go
            ("BR", Fault::Redirect),    // followed: not an error
        ];
        let site = slow_site(&faults);
        let run = run(program, &["-s", &site.base_url(), "--timeout", "1"]);
        assert_eq!(run.status, Some(1), "errors mean exit status 1\n{}", run.describe());
        let bad = ["BD", "CD", "CN", "IN", "US", "ID", "PK"];
        let good: Vec<&str> = POP20_SORTED.into_iter().filter(|cc| !bad.contains(cc)).collect();
        run.assert_saved_exactly(&good);
        let report = run.report_lines();
        assert!(report[0].starts_with("13 downloads in "), "{}", run.describe());
        assert_eq!(report[1..], ["  7 errors."]);
        assert!(run.stderr.contains("HTTP error 503 - Service Unavailable"), "{}", run.stderr);
    });
}

#[test]
fn an_unreachable_server_is_one_reason_for_every_code() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().map(|addr| addr.port()).expect("its port")
    }; // closed again: connections are refused
    on_every_program(|program| {
        let run = run(program, &["-s", &format!("http://127.0.0.1:{port}/flags")]);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        assert_eq!(run.report_lines()[1..], [" 20 errors."]);
        let reasons: Vec<&str> =
            run.stderr.lines().filter(|line| line.starts_with("    20  ")).collect();
        assert_eq!(reasons.len(), 1, "one reason for all 20\n{}", run.stderr);
        assert!(reasons[0].to_lowercase().contains("refused"), "{}", reasons[0]);
        run.assert_saved_exactly(&[]);
    });
}
