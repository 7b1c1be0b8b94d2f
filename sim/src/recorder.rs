//! The recorder: the timeline of everything that happened, and every frame put on a link.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::net::IpAddr;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

use crate::error::SimError;
use crate::node::{InterfaceId, LinkId, NodeId};

/// How much a timeline line matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Internal detail (a non-querier's membership change, a host's reception change, a packet
    /// a node ignored): shown only in a detailed timeline.
    Detail,
    /// Worth a line.
    Info,
    /// A key moment, highlighted: a querier change, a membership change at the querier.
    Highlight,
}

/// What a timeline entry is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    /// A scripted action ran.
    Action {
        /// What the script said it does.
        description: String,
    },
    /// The node sent a message.
    Sent {
        /// The link it went on.
        link: LinkId,
        /// The node's interface it left by.
        interface: InterfaceId,
        /// The IP destination.
        destination: IpAddr,
        /// The message type ([`crate::Outgoing::kind`]).
        kind: String,
        /// The decoded summary ([`crate::Outgoing::summary`]).
        summary: String,
        /// Index of its frame in [`Recorder::frames`].
        frame: usize,
    },
    /// The node noted an event of its protocol ([`crate::Context::note`]).
    Note {
        /// How much it matters.
        level: Level,
        /// The kind of event (`"querier"`, `"membership"`…), for programs that read the timeline.
        topic: &'static str,
        /// The line.
        text: String,
    },
}

/// One line of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The simulated time.
    pub time: Duration,
    /// The node it happened at.
    pub node: NodeId,
    /// The node's address the line is about (the source of a sent message), shown beside the
    /// node's name.
    pub address: Option<IpAddr>,
    /// What happened.
    pub what: What,
}

/// An Ethernet frame as it crossed a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// When it was sent.
    pub time: Duration,
    /// The link.
    pub link: LinkId,
    /// The frame, from the destination MAC address to the end of the IP packet (no FCS).
    pub bytes: Vec<u8>,
}

/// How [`Recorder::write_timeline`] prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimelineStyle {
    /// Also print [`Level::Detail`] lines.
    pub detail: bool,
    /// Color the lines with ANSI escapes (highlights bold, actions cyan, details dim).
    pub color: bool,
}

/// The record of a simulation: the timeline and the frames.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    node_names: Vec<String>,
    link_names: Vec<String>,
    entries: Vec<Entry>,
    frames: Vec<Frame>,
}

const BOLD_YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[36m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

impl Recorder {
    pub(crate) fn add_node(&mut self, name: String) {
        self.node_names.push(name);
    }

    pub(crate) fn add_link(&mut self, name: String) {
        self.link_names.push(name);
    }

    pub(crate) fn push(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    pub(crate) fn push_frame(&mut self, frame: Frame) -> usize {
        self.frames.push(frame);
        self.frames.len().saturating_sub(1)
    }

    /// The name node `node` was added with.
    #[must_use]
    pub fn node_name(&self, node: NodeId) -> &str {
        self.node_names.get(node.0).map_or("?", String::as_str)
    }

    /// The name link `link` was added with.
    #[must_use]
    pub fn link_name(&self, link: LinkId) -> &str {
        self.link_names.get(link.0).map_or("?", String::as_str)
    }

    /// The timeline, in the order things happened.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Every frame sent on every link, in the order they were sent.
    #[must_use]
    pub fn frames(&self) -> &[Frame] {
        &self.frames
    }

    /// How many messages of each kind ([`crate::Outgoing::kind`]) were sent, by kind.
    #[must_use]
    pub fn message_counts(&self) -> BTreeMap<&str, usize> {
        let mut counts = BTreeMap::new();
        for entry in &self.entries {
            if let What::Sent { kind, .. } = &entry.what {
                let count: &mut usize = counts.entry(kind.as_str()).or_default();
                *count = count.saturating_add(1);
            }
        }
        counts
    }

    /// Writes every frame of every link to `writer` as a pcap file (Ethernet, nanosecond
    /// timestamps counted from the start of the simulation, big-endian header): the same
    /// simulation gives the same bytes.
    ///
    /// # Errors
    ///
    /// The writer's error.
    pub fn write_pcap(&self, writer: impl Write) -> Result<(), SimError> {
        self.write_pcap_filtered(writer, |_| true)
    }

    /// Writes the frames of one link to `writer` as a pcap file, as [`Recorder::write_pcap`]
    /// does: what a capture on that link would hold.
    ///
    /// # Errors
    ///
    /// The writer's error.
    pub fn write_pcap_link(&self, link: LinkId, writer: impl Write) -> Result<(), SimError> {
        self.write_pcap_filtered(writer, |frame| frame.link == link)
    }

    fn write_pcap_filtered(
        &self,
        writer: impl Write,
        keep: impl Fn(&Frame) -> bool,
    ) -> Result<(), SimError> {
        let header = PcapHeader {
            datalink: DataLink::ETHERNET,
            ts_resolution: TsResolution::NanoSecond,
            endianness: Endianness::Big,
            ..PcapHeader::default()
        };
        let mut pcap = PcapWriter::with_header(writer, header)?;
        for frame in self.frames.iter().filter(|frame| keep(frame)) {
            let len = u32::try_from(frame.bytes.len()).unwrap_or(u32::MAX);
            pcap.write_packet(&PcapPacket::new(frame.time, len, &frame.bytes))?;
        }
        pcap.into_writer().flush()?;
        Ok(())
    }

    /// The label of an entry: the node's name and the address the line is about.
    fn label(&self, entry: &Entry) -> String {
        let name = self.node_name(entry.node);
        match entry.address {
            Some(address) => format!("{name} {address}"),
            None => name.to_owned(),
        }
    }

    /// Writes the timeline for a person to read: one line per entry, aligned columns, the time
    /// as `mm:ss.mmm`, the node's name and address, then `→ destination  summary` for a message
    /// sent, `▶ …` for a scripted action, `★ …` for a key moment, `· …` for other events.
    ///
    /// # Errors
    ///
    /// The writer's error.
    pub fn write_timeline(
        &self,
        mut out: impl Write,
        style: TimelineStyle,
    ) -> Result<(), SimError> {
        let shown = |entry: &&Entry| match &entry.what {
            What::Note { level, .. } => style.detail || *level > Level::Detail,
            What::Action { .. } | What::Sent { .. } => true,
        };
        let label_width = self
            .entries
            .iter()
            .filter(shown)
            .map(|entry| self.label(entry).chars().count())
            .max()
            .unwrap_or(0);
        let destination_width = self
            .entries
            .iter()
            .filter_map(|entry| match &entry.what {
                What::Sent { destination, .. } => Some(destination.to_string().len()),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let several_links = self.link_names.len() > 1;
        let mut line = String::new();
        writeln!(out, "{:<9}  {:<label_width$}  EVENT", "TIME", "NODE")?;
        for entry in self.entries.iter().filter(shown) {
            line.clear();
            let (color, marker) = match &entry.what {
                What::Action { .. } => (CYAN, '▶'),
                What::Sent { .. } => ("", '→'),
                What::Note {
                    level: Level::Highlight,
                    ..
                } => (BOLD_YELLOW, '★'),
                What::Note {
                    level: Level::Info, ..
                } => ("", '·'),
                What::Note {
                    level: Level::Detail,
                    ..
                } => (DIM, ' '),
            };
            let _ = write!(
                line,
                "{}  {:<label_width$}  {marker} ",
                format_time(entry.time),
                self.label(entry)
            );
            match &entry.what {
                What::Action { description } => line.push_str(description),
                What::Sent {
                    link,
                    destination,
                    summary,
                    ..
                } => {
                    let _ = write!(line, "{:<destination_width$}  ", destination.to_string());
                    if several_links {
                        let _ = write!(line, "[{}] ", self.link_name(*link));
                    }
                    line.push_str(summary);
                }
                What::Note { text, .. } => line.push_str(text),
            }
            if style.color && !color.is_empty() {
                writeln!(out, "{color}{}{RESET}", line.trim_end())?;
            } else {
                writeln!(out, "{}", line.trim_end())?;
            }
        }
        Ok(())
    }
}

/// A simulated time as `mm:ss.mmm` (minutes go past 59 rather than adding hours).
#[must_use]
pub fn format_time(time: Duration) -> String {
    let millis = time.as_millis();
    let minutes = millis / 60_000;
    let seconds = millis / 1000 % 60;
    let millis = millis % 1000;
    format!("{minutes:02}:{seconds:02}.{millis:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_minutes_seconds_millis() {
        assert_eq!(format_time(Duration::ZERO), "00:00.000");
        assert_eq!(format_time(Duration::from_micros(62_345_999)), "01:02.345");
        assert_eq!(format_time(Duration::from_secs(100 * 60)), "100:00.000");
    }
}
