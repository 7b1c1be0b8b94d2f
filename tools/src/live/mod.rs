//! `mcast querier` and `mcast listen`: the IGMP/MLD router and host state machines of
//! `mcast-igmp` on a real Linux interface.
//!
//! This is the whole of what a program must add to the Sans-IO state machines to run them on
//! a link, and nothing of the protocol lives here:
//!
//! 1. **Sockets** ([`socket`]): a packet socket receives the interface's incoming IGMP (or
//!    MLD) packets, a raw socket sends complete IP packets. Linux only; root (`CAP_NET_RAW`).
//! 2. **Framing** ([`frame`]): the IP header of a received packet is checked and stripped;
//!    a [`Transmit`] is wrapped in the header the RFCs require by
//!    [`mcast_igmp::wire::envelope`].
//! 3. **The event loop** ([`run_querier`], [`run_listener`]): one thread owns the state
//!    machine. Received packets and operator commands arrive on a channel ([`Input`]); the loop
//!    waits on it until the state machine's `poll_timeout()`, hands what came (or the timeout)
//!    to the state machine, sends everything `poll_transmit()` yields and prints everything
//!    `poll_event()` yields. `std::time::Instant` is the clock.
//!
//! ```no_run
//! use std::sync::mpsc;
//! use std::time::Duration;
//! use mcast_addr::family::Ipv4;
//! use mcast_igmp::gmp::RouterConfig;
//! use mcast_igmp::router::Router;
//! use mcast_tools::live::{self, Interface, Log, Receiver, Sender};
//!
//! let interface = Interface::by_name("eth0")?;
//! let mut config = RouterConfig::<Ipv4>::new(interface.ipv4_address()?);
//! config.query_interval = Duration::from_secs(5);
//! let (inputs, received) = mpsc::channel();
//! live::spawn_receiver::<Ipv4>(Receiver::open::<Ipv4>(&interface)?, inputs);
//! let mut link = Sender::open::<Ipv4>(&interface)?;
//! let mut log = Log::new(std::io::stdout(), false);
//! live::run_querier(&mut Router::new(config), &mut link, &received, &mut log)?;
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Output
//! One line per event, seconds since the start first:
//!
//! ```text
//!    0.000 querier 10.0.0.1                  the link's querier (ours or another router)
//!    1.021 group 239.1.1.1 exclude           a group's filter mode: include, exclude, none
//!    1.021 source 232.1.1.1 10.0.0.9 forward whether a source is forwarded: forward, block
//!    3.005 compatibility 239.1.1.1 IGMPv2    a group's compatibility mode (router)
//!    0.512 reception 239.1.1.1 exclude       the interface's reception state (host)
//!    4.000 compatibility IGMPv2              the host compatibility mode (host)
//! ```
//!
//! With `--verbose`, also `sent MESSAGE` and `received SOURCE MESSAGE` for every message
//! ([`describe`]).

pub mod frame;
pub mod socket;

use core::fmt::Display;
use core::str::FromStr;
use core::time::Duration;
use std::collections::BTreeSet;
use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Instant, SystemTime};

use clap::Args;
use mcast_addr::family::{Ipv4, Ipv6};
use mcast_igmp::gmp::{Gmp, HostConfig, Message, RouterConfig, Transmit, Version};
use mcast_igmp::host::{Host, HostEvent, HostTimer, SocketId};
use mcast_igmp::router::{Router, RouterEvent};
use mcast_igmp::wire::RecordType;
use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

pub use frame::{Frame, LiveFamily, Packet};
pub use socket::{Interface, Receiver, Sender};

/// Arguments of `mcast querier`.
#[derive(Debug, Clone, Args)]
pub struct QuerierArgs {
    /// The interface to run on.
    #[arg(short, long)]
    pub interface: String,
    /// The IGMP version the router runs (RFC 3376/9776 §7.3.1).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub igmp_version: u8,
    /// Run MLD (IPv6) instead of IGMP.
    #[arg(long)]
    pub mld: bool,
    /// The MLD version the router runs (RFC 3810 §8.3.1).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub mld_version: u8,
    /// The router's address (default: the interface's IPv4 address, or its IPv6 link-local).
    #[arg(long)]
    pub address: Option<String>,
    /// The Robustness Variable (§8.1).
    #[arg(long, default_value_t = 2)]
    pub robustness: u8,
    /// The Query Interval in seconds (§8.2).
    #[arg(long, default_value = "125", value_parser = parse_seconds)]
    pub query_interval: Duration,
    /// The Query Response Interval in seconds (§8.3).
    #[arg(long, default_value = "10", value_parser = parse_seconds)]
    pub query_response_interval: Duration,
    /// The Last Member Query Interval in seconds (§8.8).
    #[arg(long, default_value = "1", value_parser = parse_seconds)]
    pub last_member_query_interval: Duration,
    /// Also print every message sent and received.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Arguments of `mcast listen`.
#[derive(Debug, Clone, Args)]
pub struct ListenArgs {
    /// The interface to run on.
    #[arg(short, long)]
    pub interface: String,
    /// Groups to join: `GROUP` from any source, `GROUP@SOURCE` from that source only.
    /// Afterwards, lines `join GROUP[@SOURCE]` and `leave GROUP[@SOURCE]` on standard input
    /// change the memberships; at the end of standard input every membership is left.
    pub memberships: Vec<String>,
    /// Run MLD (IPv6) instead of IGMP (implied by IPv6 groups).
    #[arg(long)]
    pub mld: bool,
    /// The newest IGMP version the host speaks.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u8).range(1..=3))]
    pub igmp_version: u8,
    /// The newest MLD version the host speaks.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub mld_version: u8,
    /// The host's address (default: the interface's IPv4 address, or its IPv6 link-local).
    #[arg(long)]
    pub address: Option<String>,
    /// The Unsolicited Report Interval in seconds (§8.11).
    #[arg(long, default_value = "1", value_parser = parse_seconds)]
    pub unsolicited_report_interval: Duration,
    /// Seed of the random report delays (default: from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Also print every message sent and received.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Parses a number of seconds, fractions allowed (`0.2`).
///
/// # Errors
/// Not a finite, non-negative number.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.parse::<f64>()
        .ok()
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("`{text}` is not a number of seconds"))
}

/// A membership of the listener: `group` from any source, or from `source` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Membership<A> {
    /// The group.
    pub group: A,
    /// The one source, for a source-specific membership (RFC 4604).
    pub source: Option<A>,
}

impl<A: FromStr> FromStr for Membership<A> {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let address = |s: &str| {
            s.parse::<A>()
                .map_err(|_| format!("`{s}` is not an address of the family"))
        };
        match text.split_once('@') {
            Some((group, source)) => Ok(Self {
                group: address(group)?,
                source: Some(address(source)?),
            }),
            None => Ok(Self {
                group: address(text)?,
                source: None,
            }),
        }
    }
}

impl<A: Display> Display for Membership<A> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.source {
            Some(source) => write!(f, "{}@{source}", self.group),
            None => write!(f, "{}", self.group),
        }
    }
}

/// An operator's command to the listener (a line of standard input).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command<A> {
    /// `join GROUP[@SOURCE]`.
    Join(Membership<A>),
    /// `leave GROUP[@SOURCE]`.
    Leave(Membership<A>),
}

impl<A: FromStr> FromStr for Command<A> {
    type Err = String;

    fn from_str(line: &str) -> Result<Self, String> {
        match line.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["join", spec] => spec.parse().map(Command::Join),
            ["leave", spec] => spec.parse().map(Command::Leave),
            _ => Err(format!(
                "`{line}`: expected `join GROUP[@SOURCE]` or `leave GROUP[@SOURCE]`"
            )),
        }
    }
}

/// What the event loop waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input<A> {
    /// A group management message received on the link.
    Packet(Packet<A>),
    /// A packet that broke the envelope rules, with the reason (only printed).
    Invalid(&'static str),
    /// An operator's command.
    Command(Command<A>),
    /// The operator has no more commands: leave everything and stop.
    EndOfCommands,
}

/// Where the event loop sends the state machine's messages.
pub trait Link<F: Gmp> {
    /// Sends `transmit` on the link.
    ///
    /// # Errors
    /// The socket's error; the loop prints it and goes on (a lost message is what the
    /// protocol's robustness is for).
    fn send(&mut self, transmit: &Transmit<F>) -> io::Result<()>;
}

/// Reads the receiving socket on a thread of its own and queues each group management packet.
/// The thread ends when the loop has gone (the channel is closed).
pub fn spawn_receiver<F: LiveFamily>(receiver: Receiver, inputs: mpsc::Sender<Input<F::Addr>>)
where
    F::Addr: Send + 'static,
{
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        loop {
            let input = match receiver.receive(&mut buf) {
                Ok(len) => match F::parse_packet(&buf[..len]) {
                    Frame::Message(packet) => Input::Packet(packet),
                    Frame::Invalid(reason) => Input::Invalid(reason),
                    Frame::Other => continue,
                },
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    eprintln!("mcast: receiving: {e}");
                    return;
                }
            };
            if inputs.send(input).is_err() {
                return;
            }
        }
    });
}

/// Reads commands from standard input on a thread of its own; its end is
/// [`Input::EndOfCommands`].
pub fn spawn_commands<A: FromStr + Send + 'static>(inputs: mpsc::Sender<Input<A>>) {
    std::thread::spawn(move || {
        for line in io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if line.trim().is_empty() {
                continue;
            }
            match line.parse() {
                Ok(command) => {
                    if inputs.send(Input::Command(command)).is_err() {
                        return;
                    }
                }
                Err(e) => eprintln!("mcast listen: {e}"),
            }
        }
        let _ = inputs.send(Input::EndOfCommands);
    });
}

/// The printed record of a run: one line per event, seconds since the start first.
#[derive(Debug)]
pub struct Log<W> {
    out: W,
    start: Instant,
    verbose: bool,
}

impl<W: Write> Log<W> {
    /// A log that starts now; `verbose` also prints every message.
    pub fn new(out: W, verbose: bool) -> Self {
        Self {
            out,
            start: Instant::now(),
            verbose,
        }
    }

    /// The log's output.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn line(&mut self, text: impl Display) -> io::Result<()> {
        let elapsed = self.start.elapsed().as_secs_f64();
        writeln!(self.out, "{elapsed:8.3} {text}")?;
        self.out.flush()
    }

    fn sent<F: Gmp>(&mut self, transmit: &Transmit<F>) -> io::Result<()>
    where
        F::Addr: Display,
    {
        if !self.verbose {
            return Ok(());
        }
        match transmit.message() {
            Ok(message) => self.line(format_args!("sent {}", describe::<F>(&message))),
            Err(e) => self.line(format_args!("sent an unreadable message: {e}")),
        }
    }

    fn received<F: Gmp>(&mut self, packet: &Packet<F::Addr>) -> io::Result<()>
    where
        F::Addr: Display,
    {
        if !self.verbose {
            return Ok(());
        }
        let transmit = Transmit::<F> {
            source: packet.source,
            destination: packet.destination,
            payload: packet.payload.clone(),
        };
        match transmit.message() {
            Ok(message) => self.line(format_args!(
                "received {} {}",
                packet.source,
                describe::<F>(&message)
            )),
            Err(e) => self.line(format_args!("received {} unreadable: {e}", packet.source)),
        }
    }

    fn router_event<F: Gmp>(&mut self, event: &RouterEvent<F::Addr>) -> io::Result<()>
    where
        F::Addr: Display,
    {
        match event {
            RouterEvent::QuerierChanged { querier } => self.line(format_args!("querier {querier}")),
            RouterEvent::FilterModeChanged { group, mode } => {
                self.line(format_args!("group {group} {}", mode_name(*mode)))
            }
            RouterEvent::SourceForwardingChanged {
                group,
                source,
                forward,
            } => {
                let verdict = if *forward { "forward" } else { "block" };
                self.line(format_args!("source {group} {source} {verdict}"))
            }
            RouterEvent::CompatibilityModeChanged { group, version } => self.line(format_args!(
                "compatibility {group} {}",
                version.name::<F>()
            )),
        }
    }

    fn host_event<F: Gmp>(&mut self, event: &HostEvent<F::Addr>) -> io::Result<()>
    where
        F::Addr: Display,
    {
        match event {
            HostEvent::ReceptionChanged { group, mode } => {
                self.line(format_args!("reception {group} {}", mode_name(*mode)))
            }
            HostEvent::CompatibilityModeChanged { version } => {
                self.line(format_args!("compatibility {}", version.name::<F>()))
            }
        }
    }
}

fn mode_name(mode: Option<mcast_igmp::gmp::FilterMode>) -> &'static str {
    match mode {
        Some(mcast_igmp::gmp::FilterMode::Include) => "include",
        Some(mcast_igmp::gmp::FilterMode::Exclude) => "exclude",
        None => "none",
    }
}

/// One line for a message: `query IGMPv3 group 232.1.1.1 sources 10.0.0.9 max-response 1.0s`,
/// `report IGMPv2 239.1.1.1`, `leave 239.1.1.1`, `report IGMPv3 TO_EX(239.1.1.1)
/// ALLOW(232.1.1.1: 10.0.0.9)`.
#[must_use]
pub fn describe<F: Gmp>(message: &Message<F::Addr>) -> String
where
    F::Addr: Display,
{
    let list = |addresses: &[F::Addr]| {
        addresses
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    match message {
        Message::Query(query) => {
            let version = query.version.name::<F>();
            let target = if query.group == F::UNSPECIFIED {
                "general".to_owned()
            } else if query.sources.is_empty() {
                format!("group {}", query.group)
            } else {
                format!("group {} sources {}", query.group, list(&query.sources))
            };
            let response = query.max_response_time.as_secs_f64();
            format!("query {version} {target} max-response {response}s")
        }
        Message::Report { version, group } => format!("report {} {group}", version.name::<F>()),
        Message::Leave { group } => format!("leave {group}"),
        Message::ReportV3(records) => {
            let records: Vec<String> = records
                .iter()
                .map(|record| {
                    let kind = match record.record_type {
                        RecordType::ModeIsInclude => "IS_IN".to_owned(),
                        RecordType::ModeIsExclude => "IS_EX".to_owned(),
                        RecordType::ChangeToIncludeMode => "TO_IN".to_owned(),
                        RecordType::ChangeToExcludeMode => "TO_EX".to_owned(),
                        RecordType::AllowNewSources => "ALLOW".to_owned(),
                        RecordType::BlockOldSources => "BLOCK".to_owned(),
                        RecordType::Unknown(code) => format!("TYPE{code}"),
                    };
                    if record.sources.is_empty() {
                        format!("{kind}({})", record.group)
                    } else {
                        format!("{kind}({}: {})", record.group, list(&record.sources))
                    }
                })
                .collect();
            format!("report {} {}", Version::V3.name::<F>(), records.join(" "))
        }
    }
}

/// Waits for the next input until `deadline`; `None` when the deadline came first, `Err` when
/// every sender has gone.
fn next_input<A>(
    inputs: &mpsc::Receiver<Input<A>>,
    deadline: Option<Instant>,
) -> Result<Option<Input<A>>, RecvTimeoutError> {
    let received = match deadline {
        Some(deadline) => inputs.recv_timeout(deadline.saturating_duration_since(Instant::now())),
        None => inputs.recv().map_err(|_| RecvTimeoutError::Disconnected),
    };
    match received {
        Ok(input) => Ok(Some(input)),
        Err(RecvTimeoutError::Timeout) => Ok(None),
        Err(RecvTimeoutError::Disconnected) => Err(RecvTimeoutError::Disconnected),
    }
}

/// Runs `router` until every sender of `inputs` has gone: the querier's event loop.
///
/// # Errors
/// Writing the log failed.
pub fn run_querier<F: Gmp, W: Write>(
    router: &mut Router<F, Instant>,
    link: &mut impl Link<F>,
    inputs: &mpsc::Receiver<Input<F::Addr>>,
    log: &mut Log<W>,
) -> io::Result<()>
where
    F::Addr: Display,
{
    router.enable(Instant::now());
    loop {
        while let Some(transmit) = router.poll_transmit() {
            log.sent(&transmit)?;
            if let Err(e) = link.send(&transmit) {
                eprintln!("mcast querier: sending: {e}");
            }
        }
        while let Some(event) = router.poll_event() {
            log.router_event::<F>(&event)?;
        }
        let Ok(input) = next_input(inputs, router.poll_timeout()) else {
            return Ok(());
        };
        let now = Instant::now();
        match input {
            Some(Input::Packet(packet)) => {
                log.received::<F>(&packet)?;
                if let Err(e) =
                    router.handle_packet(now, packet.source, packet.destination, &packet.payload)
                {
                    log.line(format_args!("malformed from {}: {e}", packet.source))?;
                }
            }
            Some(Input::Invalid(reason)) => log.line(format_args!("ignored: {reason}"))?,
            Some(Input::Command(_) | Input::EndOfCommands) | None => {}
        }
        if router
            .poll_timeout()
            .is_some_and(|deadline| deadline <= now)
        {
            router.handle_timeout(now);
        }
    }
}

/// The socket of the listener's any-source memberships; source-specific ones use another, so
/// that a group can have both, as two applications would.
const ANY_SOURCE_SOCKET: SocketId = SocketId(0);
const SOURCE_SPECIFIC_SOCKET: SocketId = SocketId(1);

/// Runs `host` with `memberships` joined, then the commands of `inputs`; after
/// [`Input::EndOfCommands`] it leaves every membership and returns once the state-change
/// reports are sent (or when every sender has gone).
///
/// # Errors
/// Writing the log failed.
pub fn run_listener<F: Gmp, W: Write>(
    host: &mut Host<F, Instant>,
    rng: &mut impl rand_core::Rng,
    link: &mut impl Link<F>,
    inputs: &mpsc::Receiver<Input<F::Addr>>,
    memberships: &[Membership<F::Addr>],
    log: &mut Log<W>,
) -> io::Result<()>
where
    F::Addr: Display,
{
    let mut joined = BTreeSet::new();
    let mut leaving = false;
    host.enable(Instant::now(), rng);
    for membership in memberships {
        apply(host, rng, &mut joined, &Command::Join(*membership), log)?;
    }
    loop {
        while let Some(transmit) = host.poll_transmit() {
            log.sent(&transmit)?;
            if let Err(e) = link.send(&transmit) {
                eprintln!("mcast listen: sending: {e}");
            }
        }
        while let Some(event) = host.poll_event() {
            log.host_event::<F>(&event)?;
        }
        if leaving
            && host
                .deadline(&HostTimer::StateChangeRetransmission)
                .is_none()
        {
            return Ok(());
        }
        let Ok(input) = next_input(inputs, host.poll_timeout()) else {
            return Ok(());
        };
        let now = Instant::now();
        match input {
            Some(Input::Packet(packet)) => {
                log.received::<F>(&packet)?;
                if let Err(e) =
                    host.handle_packet(now, rng, packet.source, packet.destination, &packet.payload)
                {
                    log.line(format_args!("malformed from {}: {e}", packet.source))?;
                }
            }
            Some(Input::Invalid(reason)) => log.line(format_args!("ignored: {reason}"))?,
            Some(Input::Command(command)) => apply(host, rng, &mut joined, &command, log)?,
            Some(Input::EndOfCommands) => {
                for membership in core::mem::take(&mut joined) {
                    apply(
                        host,
                        rng,
                        &mut BTreeSet::new(),
                        &Command::Leave(membership),
                        log,
                    )?;
                }
                leaving = true;
            }
            None => {}
        }
        if host.poll_timeout().is_some_and(|deadline| deadline <= now) {
            host.handle_timeout(now, rng);
        }
    }
}

/// Applies an operator's command to the host, as the socket API would (RFC 3678).
fn apply<F: Gmp, W: Write>(
    host: &mut Host<F, Instant>,
    rng: &mut impl rand_core::Rng,
    joined: &mut BTreeSet<Membership<F::Addr>>,
    command: &Command<F::Addr>,
    log: &mut Log<W>,
) -> io::Result<()>
where
    F::Addr: Display,
{
    let now = Instant::now();
    let result = match *command {
        Command::Join(
            m @ Membership {
                group,
                source: None,
            },
        ) => {
            joined.insert(m);
            host.join_group(now, rng, ANY_SOURCE_SOCKET, group)
        }
        Command::Join(
            m @ Membership {
                group,
                source: Some(source),
            },
        ) => {
            joined.insert(m);
            host.join_source_group(now, rng, SOURCE_SPECIFIC_SOCKET, group, source)
        }
        Command::Leave(
            m @ Membership {
                group,
                source: None,
            },
        ) => {
            joined.remove(&m);
            host.leave_group(now, rng, ANY_SOURCE_SOCKET, group)
        }
        Command::Leave(
            m @ Membership {
                group,
                source: Some(source),
            },
        ) => {
            joined.remove(&m);
            host.leave_source_group(now, rng, SOURCE_SPECIFIC_SOCKET, group, source)
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(e) => log.line(format_args!("refused {command:?}: {e:?}")),
    }
}

/// `mcast querier`.
#[must_use]
pub fn querier(args: &QuerierArgs) -> ExitCode {
    let result = if args.mld {
        let version = if args.mld_version == 1 {
            Version::V2
        } else {
            Version::V3
        };
        start_querier::<Ipv6>(args, version, Interface::ipv6_link_local)
    } else {
        let version = match args.igmp_version {
            1 => Version::V1,
            2 => Version::V2,
            _ => Version::V3,
        };
        start_querier::<Ipv4>(args, version, Interface::ipv4_address)
    };
    finish("querier", result)
}

fn start_querier<F: LiveFamily>(
    args: &QuerierArgs,
    version: Version,
    own_address: fn(&Interface) -> io::Result<F::Addr>,
) -> io::Result<()>
where
    F::Addr: FromStr + Send + 'static,
{
    let interface = Interface::by_name(&args.interface)?;
    let address = match &args.address {
        Some(text) => parse_address::<F::Addr>(text)?,
        None => own_address(&interface)?,
    };
    let mut config = RouterConfig::<F>::new(address);
    config.version = version;
    config.robustness = args.robustness;
    config.query_interval = args.query_interval;
    config.query_response_interval = args.query_response_interval;
    config.last_member_query_interval = args.last_member_query_interval;
    let (inputs, received) = mpsc::channel();
    spawn_receiver::<F>(Receiver::open::<F>(&interface)?, inputs);
    let mut link = Sender::open::<F>(&interface)?;
    let mut log = Log::new(io::stdout().lock(), args.verbose);
    run_querier(&mut Router::new(config), &mut link, &received, &mut log)
}

/// `mcast listen`.
#[must_use]
pub fn listen(args: &ListenArgs) -> ExitCode {
    let ipv6 = args.mld || args.memberships.iter().any(|m| m.contains(':'));
    let result = if ipv6 {
        let version = if args.mld_version == 1 {
            Version::V2
        } else {
            Version::V3
        };
        start_listener::<Ipv6>(args, version, Interface::ipv6_link_local)
    } else {
        let version = match args.igmp_version {
            1 => Version::V1,
            2 => Version::V2,
            _ => Version::V3,
        };
        start_listener::<Ipv4>(args, version, Interface::ipv4_address)
    };
    finish("listen", result)
}

fn start_listener<F: LiveFamily>(
    args: &ListenArgs,
    version: Version,
    own_address: fn(&Interface) -> io::Result<F::Addr>,
) -> io::Result<()>
where
    F::Addr: FromStr + Send + 'static,
{
    let memberships = args
        .memberships
        .iter()
        .map(|m| m.parse())
        .collect::<Result<Vec<Membership<F::Addr>>, String>>()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let interface = Interface::by_name(&args.interface)?;
    let address = match &args.address {
        Some(text) => parse_address::<F::Addr>(text)?,
        None => own_address(&interface)?,
    };
    let mut config = HostConfig::<F>::new(address);
    config.version = version;
    config.unsolicited_report_interval = args.unsolicited_report_interval;
    let seed = args.seed.unwrap_or_else(|| {
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default();
        (nanos.as_nanos() as u64) ^ u64::from(std::process::id()).rotate_left(32)
    });
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let (inputs, received) = mpsc::channel();
    spawn_receiver::<F>(Receiver::open::<F>(&interface)?, inputs.clone());
    spawn_commands(inputs);
    let mut link = Sender::open::<F>(&interface)?;
    let mut log = Log::new(io::stdout().lock(), args.verbose);
    run_listener(
        &mut Host::new(config),
        &mut rng,
        &mut link,
        &received,
        &memberships,
        &mut log,
    )
}

fn parse_address<A: FromStr>(text: &str) -> io::Result<A> {
    text.parse().map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{text}` is not an address of the family"),
        )
    })
}

fn finish(command: &str, result: io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mcast {command}: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests;
