//! Reading capture files: pcap (either byte order, microsecond or nanosecond timestamps) and
//! pcapng (any number of sections and interfaces), through the `pcap-file` crate.
//!
//! [`CaptureReader`] hands out one [`Frame`] at a time: its 1-based number (as Wireshark and
//! tcpdump count), its timestamp, the link type of the interface it was captured on and the
//! bytes as captured. Which link types the decoder understands is [`LinkType`]'s business.

use std::fs::File;
use std::io::{BufReader, Chain, Cursor, Read};
use std::path::Path;
use std::time::Duration;

use pcap_file::DataLink;
use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::interface_description::InterfaceDescriptionOption;
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{PcapError, TsResolution};

/// The link-layer header type of a frame (the pcap `LINKTYPE_` value), as far as the decoder
/// cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkType {
    /// `LINKTYPE_ETHERNET` (1): Ethernet II, with any 802.1Q/802.1ad VLAN tags.
    Ethernet,
    /// `LINKTYPE_LINUX_SLL` (113): Linux "cooked" capture, version 1 (16-byte header).
    LinuxSll,
    /// `LINKTYPE_LINUX_SLL2` (276): Linux "cooked" capture, version 2 (20-byte header).
    LinuxSll2,
    /// `LINKTYPE_RAW` (101), `LINKTYPE_IPV4` (228), `LINKTYPE_IPV6` (229): the IP header first.
    RawIp,
    /// Any other link type: frames are counted, not decoded.
    Other(u32),
}

impl LinkType {
    /// The `LINKTYPE_` number of this link type.
    #[must_use]
    pub fn number(self) -> u32 {
        match self {
            Self::Ethernet => 1,
            Self::LinuxSll => 113,
            Self::LinuxSll2 => 276,
            Self::RawIp => 101,
            Self::Other(n) => n,
        }
    }
}

impl From<DataLink> for LinkType {
    fn from(link: DataLink) -> Self {
        // The upper 16 bits of a pcap header's LinkType carry the FCS length, not the type.
        match DataLink::from(u32::from(link) & 0xffff) {
            DataLink::ETHERNET => Self::Ethernet,
            DataLink::LINUX_SLL => Self::LinuxSll,
            DataLink::LINUX_SLL2 => Self::LinuxSll2,
            DataLink::RAW | DataLink::IPV4 | DataLink::IPV6 => Self::RawIp,
            other => Self::Other(u32::from(other)),
        }
    }
}

/// One captured frame.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based position in the file, as Wireshark and tcpdump number frames.
    pub number: u64,
    /// Capture time, since the Unix epoch.
    pub timestamp: Duration,
    /// The link type of the interface the frame was captured on.
    pub link_type: LinkType,
    /// The bytes as captured (possibly fewer than were on the wire).
    pub data: &'a [u8],
}

/// Why a capture file cannot be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum CaptureError {
    /// The file cannot be opened or read.
    Io(std::io::Error),
    /// The file starts with neither a pcap nor a pcapng magic number.
    UnknownFormat {
        /// The first bytes of the file.
        magic: [u8; 4],
    },
    /// The container is damaged: a header or record that `pcap-file` refuses.
    Format {
        /// The number of the frame being read when the damage was met (1-based), or 0 for the
        /// file header.
        frame: u64,
        /// What `pcap-file` reported.
        source: PcapError,
    },
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read the capture: {e}"),
            Self::UnknownFormat { magic } => write!(
                f,
                "not a pcap or pcapng file (starts with {:02x} {:02x} {:02x} {:02x})",
                magic[0], magic[1], magic[2], magic[3]
            ),
            Self::Format { frame: 0, source } => write!(f, "damaged file header: {source}"),
            Self::Format { frame, source } => {
                write!(f, "damaged capture at frame {frame}: {source}")
            }
        }
    }
}

impl std::error::Error for CaptureError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io(e) => Some(e),
            Self::Format { source, .. } => Some(source),
            Self::UnknownFormat { .. } => None,
        }
    }
}

impl From<std::io::Error> for CaptureError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// The pcapng Section Header Block type, which is also the file's magic number.
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
/// The pcap magic numbers: microsecond and nanosecond timestamps, either byte order.
const PCAP_MAGICS: [[u8; 4]; 4] = [
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
];

type Peeked<R> = Chain<Cursor<[u8; 4]>, R>;

/// An interface of a pcapng section: its link type and timestamp unit.
#[derive(Debug, Clone, Copy)]
struct Interface {
    link_type: LinkType,
    /// Length of one timestamp tick, in nanoseconds, as a ratio: ticks × `numerator` /
    /// `denominator` nanoseconds.
    tick: (u128, u128),
    /// Seconds to add to every timestamp (`if_tsoffset`).
    offset: u64,
}

impl Interface {
    fn timestamp(&self, ticks: u64) -> Duration {
        let (numerator, denominator) = self.tick;
        let nanos = u128::from(ticks)
            .saturating_mul(numerator)
            .checked_div(denominator)
            .unwrap_or(0);
        let nanos = u64::try_from(nanos).unwrap_or(u64::MAX);
        Duration::from_nanos(nanos).saturating_add(Duration::from_secs(self.offset))
    }
}

enum Inner<R: Read> {
    Pcap {
        reader: PcapReader<Peeked<R>>,
        link_type: LinkType,
        nanoseconds: bool,
    },
    PcapNg {
        reader: PcapNgReader<Peeked<R>>,
        interfaces: Vec<Interface>,
        /// The data of the last packet, copied out of the block it came in.
        packet: Vec<u8>,
    },
}

/// Reads the frames of a pcap or pcapng capture, one at a time.
pub struct CaptureReader<R: Read> {
    inner: Inner<R>,
    number: u64,
    failed: bool,
}

impl CaptureReader<BufReader<File>> {
    /// Opens the capture at `path`.
    ///
    /// # Errors
    /// [`CaptureError`] if the file cannot be opened or does not start as a pcap or pcapng file.
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        let file = File::open(path)?;
        Self::new(BufReader::with_capacity(1 << 16, file))
    }
}

impl<R: Read> CaptureReader<R> {
    /// Reads the file header of the capture that `reader` holds.
    ///
    /// # Errors
    /// [`CaptureError`] if `reader` fails or holds neither pcap nor pcapng.
    pub fn new(mut reader: R) -> Result<Self, CaptureError> {
        let mut magic = [0u8; 4];
        reader.read_exact(&mut magic)?;
        let peeked = Cursor::new(magic).chain(reader);
        let format = |source| CaptureError::Format { frame: 0, source };
        let inner = if magic == PCAPNG_MAGIC {
            Inner::PcapNg {
                reader: PcapNgReader::new(peeked).map_err(format)?,
                interfaces: Vec::new(),
                packet: Vec::new(),
            }
        } else if PCAP_MAGICS.contains(&magic) {
            let reader = PcapReader::new(peeked).map_err(format)?;
            let header = reader.header();
            Inner::Pcap {
                link_type: LinkType::from(header.datalink),
                nanoseconds: header.ts_resolution == TsResolution::NanoSecond,
                reader,
            }
        } else {
            return Err(CaptureError::UnknownFormat { magic });
        };
        Ok(Self {
            inner,
            number: 0,
            failed: false,
        })
    }

    /// The next frame, `None` at the end of the file.
    ///
    /// After an error (a damaged record), the reader stops: nothing after it can be framed.
    ///
    /// # Errors
    /// [`CaptureError`] for a damaged record or a failing reader.
    pub fn next_frame(&mut self) -> Option<Result<Frame<'_>, CaptureError>> {
        if self.failed {
            return None;
        }
        let number = self.number.saturating_add(1);
        let result = match &mut self.inner {
            Inner::Pcap {
                reader,
                link_type,
                nanoseconds,
            } => match reader.next_raw_packet()? {
                Ok(packet) => {
                    let nanos = if *nanoseconds {
                        u64::from(packet.ts_frac)
                    } else {
                        u64::from(packet.ts_frac).saturating_mul(1000)
                    };
                    let timestamp = Duration::from_secs(u64::from(packet.ts_sec))
                        .saturating_add(Duration::from_nanos(nanos));
                    let data = match packet.data {
                        std::borrow::Cow::Borrowed(data) => data,
                        // The reader hands out borrowed data; an owned copy cannot outlive
                        // this call, so it is refused rather than leaked.
                        std::borrow::Cow::Owned(_) => {
                            return Some(Err(CaptureError::Format {
                                frame: number,
                                source: PcapError::InvalidField("owned packet data"),
                            }));
                        }
                    };
                    Ok(Frame {
                        number,
                        timestamp,
                        link_type: *link_type,
                        data,
                    })
                }
                Err(source) => Err(CaptureError::Format {
                    frame: number,
                    source,
                }),
            },
            Inner::PcapNg {
                reader,
                interfaces,
                packet,
            } => match next_pcapng_packet(reader, interfaces, packet) {
                None => return None,
                Some(Err(source)) => Err(CaptureError::Format {
                    frame: number,
                    source,
                }),
                Some(Ok((link_type, timestamp))) => Ok(Frame {
                    number,
                    timestamp,
                    link_type,
                    data: packet.as_slice(),
                }),
            },
        };
        match &result {
            Ok(_) => self.number = number,
            Err(_) => self.failed = true,
        }
        Some(result)
    }
}

/// Reads pcapng blocks up to the next packet, copies its data into `packet` and returns its
/// link type and timestamp; interface blocks on the way are recorded in `interfaces`.
fn next_pcapng_packet<R: Read>(
    reader: &mut PcapNgReader<R>,
    interfaces: &mut Vec<Interface>,
    packet: &mut Vec<u8>,
) -> Option<Result<(LinkType, Duration), PcapError>> {
    loop {
        let block = match reader.next_block()? {
            Ok(block) => block,
            Err(e) => return Some(Err(e)),
        };
        let (link_type, timestamp, data) = match &block {
            Block::SectionHeader(_) => {
                interfaces.clear();
                continue;
            }
            Block::InterfaceDescription(idb) => {
                interfaces.push(interface_of(LinkType::from(idb.linktype), &idb.options));
                continue;
            }
            Block::EnhancedPacket(epb) => {
                let Some(interface) = interfaces.get(epb.interface_id as usize) else {
                    return Some(Err(PcapError::InvalidInterfaceId(epb.interface_id)));
                };
                // pcap-file reads the 64-bit timestamp as nanoseconds; it is in the
                // interface's unit (microseconds unless `if_tsresol` says otherwise).
                let ticks = u64::try_from(epb.timestamp.as_nanos()).unwrap_or(u64::MAX);
                (interface.link_type, interface.timestamp(ticks), &epb.data)
            }
            Block::SimplePacket(spb) => {
                let Some(interface) = interfaces.first() else {
                    return Some(Err(PcapError::InvalidInterfaceId(0)));
                };
                (interface.link_type, Duration::ZERO, &spb.data)
            }
            Block::Packet(pb) => {
                let Some(interface) = interfaces.get(usize::from(pb.interface_id)) else {
                    return Some(Err(PcapError::InvalidInterfaceId(u32::from(
                        pb.interface_id,
                    ))));
                };
                (
                    interface.link_type,
                    interface.timestamp(pb.timestamp),
                    &pb.data,
                )
            }
            _ => continue,
        };
        packet.clear();
        packet.extend_from_slice(data);
        return Some(Ok((link_type, timestamp)));
    }
}

/// The link type and timestamp unit of a pcapng Interface Description Block.
fn interface_of(link_type: LinkType, options: &[InterfaceDescriptionOption<'_>]) -> Interface {
    let mut interface = Interface {
        link_type,
        tick: (1000, 1),
        offset: 0,
    };
    for option in options {
        match option {
            InterfaceDescriptionOption::IfTsResol(resolution) => {
                let exponent = u32::from(resolution & 0x7f);
                // The high bit chooses a negative power of two, otherwise of ten (pcapng §4.2).
                let per_second: Option<u128> = if resolution & 0x80 == 0 {
                    10u128.checked_pow(exponent)
                } else {
                    2u128.checked_pow(exponent)
                };
                if let Some(per_second) = per_second.filter(|p| *p > 0) {
                    interface.tick = (1_000_000_000, per_second);
                }
            }
            InterfaceDescriptionOption::IfTsOffset(offset) => interface.offset = *offset,
            _ => {}
        }
    }
    interface
}
