//! The rest of the book's series, as Cargo examples: flags3 on threads and
//! on futures (two requests per code), and Example 20-6's futures of a pool.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::support::*;

const FLAGS3: [Program; 2] =
    [Program { name: "flags3_threadpool" }, Program { name: "flags3_asyncio" }];
const FUTURES: Program = Program { name: "flags_threadpool_futures" };

#[derive(Deserialize)]
struct Metadata {
    country: String,
}

/// `United_States_of_America.gif` for US: flags3's file name, from the
/// site's own metadata.
fn country_file(cc: &str) -> String {
    let json = flags_server::metadata_json(cc).unwrap_or_else(|| panic!("metadata for {cc}"));
    let metadata: Metadata = serde_json::from_slice(json).expect("the site's metadata");
    format!("{}.gif", metadata.country.replace(' ', "_"))
}

/// Asserts that `downloaded/` holds exactly these codes' flags, under their
/// countries' names, with the very bytes the site serves.
fn assert_saved_by_country(run: &Run, codes: &[&str]) {
    let expected: BTreeMap<String, Vec<u8>> = codes
        .iter()
        .map(|cc| (country_file(cc), flag_gif(cc).unwrap_or_default().to_vec()))
        .collect();
    assert!(run.saved() == expected, "files in downloaded/\n{}", run.describe());
}

#[test]
fn flags3_saves_each_flag_under_its_country_s_name() {
    for program in FLAGS3 {
        let site = slow_site(&[]);
        let run = run(program, &["-s", &site.base_url()]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        assert_example_20_1(&run, 20);
        assert_saved_by_country(&run, &POP20_SORTED);
        assert!(run.saved().contains_key("United_States_of_America.gif"));
        assert!(run.saved().contains_key("Congo_(Kinshasa).gif"));
        let mut paths = site.stats().paths().iter().map(|p| p.to_string()).collect::<Vec<_>>();
        paths.sort();
        let mut expected: Vec<String> = POP20_SORTED
            .iter()
            .flat_map(|cc| [flag_path(cc), format!("/flags/{}/metadata.json", cc.to_lowercase())])
            .collect();
        expected.sort();
        assert_eq!(paths, expected, "{}: the flag and the metadata of each code", program.name);
    }
}

#[test]
fn flags3_bounds_requests_in_flight_each_request_counted() {
    for program in FLAGS3 {
        let site = slow_site(&[]);
        let run = run(program, &["-m", "3", "-s", &site.base_url()]);
        assert_eq!(run.status, Some(0), "{}", run.describe());
        assert_eq!(site.stats().max_in_flight, 3, "{}: exactly -m requests at once", program.name);
    }
}

#[test]
fn flags3_counts_faults_on_either_request() {
    for program in FLAGS3 {
        let site = site(
            Config::with_latency(0.02, 0.0)
                .with_fault("BR", Fault::Status(503))
                .with_metadata_fault("CN", Fault::Status(503))
                .with_metadata_fault("IN", Fault::Reset)
                .with_metadata_fault("US", Fault::Status(404)),
        );
        let url = site.base_url();
        let run = run(program, &["-v", "-s", &url, "BR", "CN", "DE", "IN", "US"]);
        assert_eq!(run.status, Some(1), "{}", run.describe());
        assert_saved_by_country(&run, &["DE"]);
        let mut lines: Vec<&str> = run.stdout.lines().skip(3).take(5).collect();
        lines.sort();
        let addr = site.addr();
        let expected = [
            "BR error: HTTP error 503 - Service Unavailable".to_string(),
            "CN error: HTTP error 503 - Service Unavailable".into(),
            "DE OK".into(),
            format!("IN error: connection reset by {addr}"),
            format!("US not found: {url}/us/metadata.json"),
        ];
        assert_eq!(lines, expected, "{}", run.describe());
        let stats = site.stats();
        assert!(!stats.paths().contains(&"/flags/br/metadata.json"), "no metadata without a flag");
    }
}

#[test]
fn a_name_from_the_network_is_not_a_path() {
    let escape = format!("flags-escape-{}", std::process::id());
    let hostile = [
        ("BR", format!(r#"{{"country": "../../{escape}"}}"#)),
        ("CN", format!(r#"{{"country": "/tmp/{escape}"}}"#)),
        ("ID", r#"{"country": ""}"#.to_string()),
        ("IN", r#"{"country": ".."}"#.to_string()),
        ("NG", r#"{"country": "A\u0000B"}"#.to_string()),
        ("PK", format!(r#"{{"country": "{}"}}"#, "x".repeat(300))),
        ("RU", "this is not JSON".to_string()),
        ("US", r#"{"name": "United States"}"#.to_string()),
    ];
    let config = hostile.iter().fold(Config::default(), |config, (cc, body)| {
        config.with_metadata_fault(cc, Fault::body("application/json", body.clone()))
    });
    let site = site(config);
    for program in FLAGS3 {
        let run = run(
            program,
            &["-v", "-s", &site.base_url(), "BR", "CN", "DE", "ID", "IN", "NG", "PK", "RU", "US"],
        );
        assert_eq!(run.status, Some(1), "{}", run.describe());
        assert_saved_by_country(&run, &["DE"]);
        let reasons: BTreeMap<&str, &str> =
            run.stdout.lines().filter_map(|line| line.split_once(" error: ")).collect();
        assert_eq!(reasons.len(), 8, "{}", run.describe());
        for cc in ["BR", "CN", "ID", "IN", "NG"] {
            assert!(reasons[cc].starts_with("not a plain file name: "), "{cc}: {}", reasons[cc]);
        }
        assert!(reasons["PK"].starts_with("too long for a file name: "), "{}", reasons["PK"]);
        assert!(reasons["RU"].starts_with("unusable metadata: "), "{}", reasons["RU"]);
        assert!(reasons["US"].contains("missing field `country`"), "{}", reasons["US"]);
        let outside = run.dir.path().parent().map(|tmp| tmp.join(format!("{escape}.gif")));
        assert!(outside.is_some_and(|path| !path.exists()), "nothing written outside downloaded/");
        assert!(!std::path::Path::new(&format!("/tmp/{escape}.gif")).exists());
        let entries = std::fs::read_dir(run.dir.path()).map(Iterator::count).unwrap_or(0);
        assert_eq!(entries, 1, "only downloaded/ in the run's folder");
    }
}

#[test]
fn the_futures_example_schedules_five_and_shows_each_as_it_completes() {
    let site = slow_site(&[]);
    let run = run(FUTURES, &["-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let lines: Vec<&str> = run.stdout.lines().collect();
    for (line, cc) in lines.iter().zip(["BD", "BR", "CD", "CN", "DE"]) {
        let pending = format!(r#"Scheduled for {cc}: Task {{ cc: "{cc}", state: Pending }}"#);
        let running = format!(r#"Scheduled for {cc}: Task {{ cc: "{cc}", state: Running }}"#);
        assert!(*line == pending || *line == running, "{line}\n{}", run.describe());
    }
    let results = run.stdout.matches(r#"", state: Finished } result: Ok"#).count();
    assert_eq!(results, 5, "each task's result, as it completes\n{}", run.describe());
    assert!(lines.last().is_some_and(|line| line.starts_with("5 downloads in ")));
    run.assert_saved_exactly(&["BD", "BR", "CD", "CN", "DE"]);
    let stats = site.stats();
    assert_eq!((stats.requests, stats.max_in_flight), (5, 3), "5 codes on a pool of 3 threads");
}

#[test]
fn the_futures_example_s_json_counts_no_code_as_interrupted() {
    // It tries 5 of the 20 codes by design; "not attempted" is for a stop signal.
    let site = slow_site(&[]);
    let run = run(FUTURES, &["--json", "-s", &site.base_url()]);
    assert_eq!(run.status, Some(0), "{}", run.describe());
    let last = run.stdout.lines().last().unwrap_or_default();
    let report: serde_json::Value = serde_json::from_str(last).expect("a JSON report, last");
    let counts = (&report["downloaded"], &report["not_attempted"]);
    assert_eq!(counts, (&serde_json::json!(5), &serde_json::json!(0)), "{}", run.describe());
}
