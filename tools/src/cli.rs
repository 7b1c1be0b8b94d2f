//! The command line: `mcast decode`, `mcast addr` and the hidden `mcast generate`.
//!
//! Every subcommand is a variant of [`Command`] with its own argument struct and a `run`
//! function in its module; [`run`] parses the arguments and dispatches.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::capture::CaptureReader;
use crate::decode::{Decoder, Protocol, ProtocolSet};
use crate::output::{Format, write_record};

/// Tools for IP multicast control traffic: IGMP, MLD, PIM, DVMRP and MSDP.
#[derive(Debug, Parser)]
#[command(name = "mcast", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode the multicast control messages of a pcap or pcapng capture.
    Decode(DecodeArgs),
    /// Classify IPv4 and IPv6 multicast addresses and MAC addresses: block, scope, MAC mapping.
    Addr(AddrArgs),
    /// Write a generated capture of mixed protocols (for benchmarks).
    #[command(hide = true)]
    Generate(GenerateArgs),
    /// Run IGMP/MLD routers and hosts on a simulated LAN: print the timeline, write a pcap.
    Demo(DemoArgs),
    /// Run an IGMP/MLD querier (router) on a Linux interface; print membership events.
    Querier(crate::live::QuerierArgs),
    /// Join groups as an IGMP/MLD host on a Linux interface; print reception events.
    Listen(crate::live::ListenArgs),
}

/// A protocol name for `--protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    /// IGMP (v1, v2, v3, router discovery, and the raw types of mtrace and PIMv1).
    Igmp,
    /// MLD (v1, v2, router discovery).
    Mld,
    /// PIMv2.
    Pim,
    /// DVMRP.
    Dvmrp,
    /// MSDP.
    Msdp,
}

impl From<ProtocolArg> for Protocol {
    fn from(p: ProtocolArg) -> Self {
        match p {
            ProtocolArg::Igmp => Self::Igmp,
            ProtocolArg::Mld => Self::Mld,
            ProtocolArg::Pim => Self::Pim,
            ProtocolArg::Dvmrp => Self::Dvmrp,
            ProtocolArg::Msdp => Self::Msdp,
        }
    }
}

/// Arguments of `mcast decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The capture file (pcap or pcapng).
    pub file: PathBuf,
    /// Print every field of every message, one per line, under its summary line.
    #[arg(short, long, conflicts_with = "json")]
    pub verbose: bool,
    /// Print one JSON object per message (the schema is in the crate documentation).
    #[arg(long)]
    pub json: bool,
    /// Only these protocols (repeat the option or separate with commas).
    #[arg(long, short = 'p', value_enum, value_delimiter = ',')]
    pub protocol: Vec<ProtocolArg>,
}

/// Arguments of `mcast addr`.
#[derive(Debug, Args)]
pub struct AddrArgs {
    /// IPv4 or IPv6 addresses, or MAC addresses (`01:00:5e:01:02:03`).
    #[arg(required = true)]
    pub addresses: Vec<String>,
}

/// Arguments of `mcast generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Where to write the pcap file.
    pub output: PathBuf,
    /// How many frames.
    #[arg(long, default_value_t = 1_000_000)]
    pub frames: u64,
}

/// Arguments of `mcast demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the capture.
    #[arg(short, long, default_value = "mcast-demo.pcap")]
    pub output: PathBuf,
    /// Simulated time, in seconds.
    #[arg(short, long, default_value_t = 300)]
    pub duration: u64,
    /// Seed of the nodes' random number generators: the same seed gives the same capture.
    #[arg(short, long, default_value_t = 1)]
    pub seed: u64,
    /// Also print the details (every router's table, every host's reception).
    #[arg(short, long)]
    pub verbose: bool,
}

/// Parses the command line and runs the subcommand.
#[must_use]
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Decode(args) => decode(&args),
        Command::Addr(args) => crate::addr::run(&args.addresses),
        Command::Generate(args) => match crate::generate::write_file(&args.output, args.frames) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("mcast generate: {}: {e}", args.output.display());
                ExitCode::FAILURE
            }
        },
        Command::Demo(args) => demo(&args),
        Command::Querier(args) => crate::live::querier(&args),
        Command::Listen(args) => crate::live::listen(&args),
    }
}

/// `mcast demo`: the scenario of `mcast_sim::demo`, timeline on stdout.
fn demo(args: &DemoArgs) -> ExitCode {
    let stdout = io::stdout();
    let options = mcast_sim::demo::DemoOptions {
        pcap: Some(args.output.clone()),
        duration: std::time::Duration::from_secs(args.duration),
        seed: args.seed,
        style: mcast_sim::TimelineStyle {
            detail: args.verbose,
            color: io::IsTerminal::is_terminal(&stdout),
        },
    };
    match mcast_sim::demo::run(&options, BufWriter::new(stdout.lock())) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcast demo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `mcast decode`: exits with failure only when the file cannot be read.
fn decode(args: &DecodeArgs) -> ExitCode {
    let protocols = if args.protocol.is_empty() {
        ProtocolSet::ALL
    } else {
        args.protocol.iter().map(|p| Protocol::from(*p)).collect()
    };
    let format = if args.json {
        Format::Json
    } else if args.verbose {
        Format::Verbose
    } else {
        Format::Line
    };
    let mut reader = match CaptureReader::open(&args.file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("mcast decode: {}: {e}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut decoder = Decoder::new(protocols);
    let mut records = Vec::new();
    while let Some(frame) = reader.next_frame() {
        let frame = match frame {
            Ok(frame) => frame,
            Err(e) => {
                let _ = out.flush();
                eprintln!("mcast decode: {}: {e}", args.file.display());
                return ExitCode::FAILURE;
            }
        };
        records.clear();
        decoder.decode_frame(&frame, &mut records);
        for record in &records {
            if write_record(&mut out, record, format).is_err() {
                // The reader went away (a closed pipe): nothing more to say.
                return ExitCode::SUCCESS;
            }
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}
