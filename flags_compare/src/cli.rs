//! The command line: a mode, and the options that mode owns.
//!
//! With no subcommand, flags_compare compares the three programs
//! (`compare`); `sweep` and `costs` are the other two modes, and `__probe`
//! a hidden one that `costs` runs. Each mode's options are its own struct,
//! beside its code; the workload's options are shared (`workload`).
//! Everything that can be checked before the runs is checked while clap
//! parses, and a mistake is a usage error, with exit status 2.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::compare::CompareArgs;
use crate::costs::CostsArgs;
use crate::costs::probe::{self, ProbeArgs};
use crate::sweep::SweepArgs;

const AFTER_HELP: &str = "\
Build the programs first: cargo build --release --workspace

Exit status: 0 when every run finished (failed downloads count as results),
1 if a program could not run, 2 for usage errors, 130 on Ctrl-C (143 on
SIGTERM, 129 on SIGHUP), after stopping the site and the program running.";

/// Runs the three flag programs on one workload and compares their times.
#[derive(Parser, Debug)]
#[command(version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub compare: CompareArgs,
    /// Where the programs' binaries are [default: the folder of this program]
    #[arg(long, value_name = "DIR", global = true)]
    pub bin_dir: Option<PathBuf>,
    /// `--sweep` before it was a subcommand: an error that says the new spelling.
    #[arg(long = "sweep", hide = true, value_parser = |arg: &str| moved("sweep", arg))]
    _sweep: Option<String>,
    /// `--costs` before it was a subcommand, likewise.
    #[arg(long = "costs", hide = true, value_parser = |arg: &str| moved("costs", arg))]
    _costs: Option<String>,
}

/// The modes besides the comparison.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Runs the thread pool and the async program at each of these -m values
    #[command(after_help = AFTER_HELP)]
    Sweep(SweepArgs),
    /// Weighs a thread, a waiting future, and a connection of each HTTP
    /// client, N at once, at each N
    #[command(after_help = AFTER_HELP)]
    Costs(CostsArgs),
    /// One figure of `costs`, in a process of its own
    #[command(name = probe::MODE, hide = true)]
    Probe(ProbeArgs),
}

/// The usage error for an option that became the subcommand `mode`.
fn moved(mode: &str, arg: &str) -> Result<String, String> {
    Err(format!(
        "--{mode} is now a subcommand: flags_compare {mode} {arg} (then its other options)"
    ))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from([&["flags_compare"], args].concat())
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn each_mode_takes_its_own_options() {
        let sweep = parse(&["sweep", "1,10", "-l", "5", "--bin-dir", "bin"]);
        let Ok(Cli { command: Some(Command::Sweep(sweep)), bin_dir, .. }) = sweep else {
            panic!("a sweep: {sweep:?}")
        };
        assert_eq!((sweep.max_reqs, sweep.workload.limit), (vec![1, 10], Some(5)));
        assert_eq!(bin_dir, Some(PathBuf::from("bin")));
        assert!(matches!(
            parse(&["costs", "1,100"]),
            Ok(Cli { command: Some(Command::Costs(_)), .. })
        ));
        for wrong in
            [&["costs", "1", "-l", "5"][..], &["sweep", "1", "-m", "2"], &["-l", "5", "sweep", "1"]]
        {
            assert!(parse(wrong).is_err(), "{wrong:?}");
        }
        let compare =
            parse(&["-l", "5", "BR"]).map(|cli| (cli.command.is_none(), cli.compare.workload.cc));
        assert_eq!(compare.ok(), Some((true, vec!["BR".to_string()])));
    }

    #[test]
    fn the_old_spellings_say_the_new_ones() {
        for (old, new) in
            [("--sweep", "flags_compare sweep 1,10"), ("--costs", "flags_compare costs 1,10")]
        {
            let error = parse(&["-e", old, "1,10"]).map(drop).expect_err(old).to_string();
            assert!(error.contains(new), "{error}");
        }
    }
}
