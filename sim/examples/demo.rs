//! The IGMP/MLD demo: `cargo run -p mcast-sim --example demo -- --help`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use mcast_sim::TimelineStyle;
use mcast_sim::demo::{DemoOptions, run};

const USAGE: &str = "\
Runs IGMP/MLD routers and hosts on a simulated LAN, prints the timeline and writes a pcap.

Usage: demo [OPTIONS]

Options:
  -o, --output <FILE>       where to write the capture [default: mcast-demo.pcap]
  -d, --duration <SECONDS>  simulated time [default: 300]
  -s, --seed <SEED>         seed of the nodes' random number generators [default: 1]
  -v, --verbose             also print the details (every router's table, every host's reception)
  -h, --help                print this help";

fn parse() -> Result<Option<DemoOptions>, String> {
    let mut options = DemoOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-o" | "--output" => options.pcap = Some(PathBuf::from(value(&arg)?)),
            "-d" | "--duration" => {
                let seconds: f64 = value(&arg)?.parse().map_err(|e| format!("{arg}: {e}"))?;
                options.duration =
                    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{arg}: {e}"))?;
            }
            "-s" | "--seed" => {
                options.seed = value(&arg)?.parse().map_err(|e| format!("{arg}: {e}"))?;
            }
            "-v" | "--verbose" => options.style.detail = true,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unexpected argument {other:?}")),
        }
    }
    Ok(Some(options))
}

fn main() -> ExitCode {
    let mut options = match parse() {
        Ok(Some(options)) => options,
        Ok(None) => {
            let _ = writeln!(std::io::stdout(), "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("demo: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    options.style = TimelineStyle {
        color: stdout.is_terminal(),
        ..options.style
    };
    match run(&options, stdout.lock()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("demo: {error}");
            ExitCode::FAILURE
        }
    }
}
