//! The `mcast` command-line tool, and the capture decoder behind it.
//!
//! The binary is thin: [`cli`] parses the command line, [`capture`] reads pcap and pcapng,
//! [`decode`] turns frames into [`decode::Record`]s by calling the protocol crates
//! (`mcast-igmp`, `mcast-pim`, `mcast-dvmrp`, `mcast-msdp`), and [`output`] prints them.
//! Tests and other programs call [`decode`] directly.
//!
//! ```no_run
//! use mcast_tools::decode::{ProtocolSet, decode_file};
//!
//! for record in decode_file("capture.pcap".as_ref(), ProtocolSet::ALL)? {
//!     if let Some(error) = record.error() {
//!         eprintln!("frame {}: {}", record.frame, error.error);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![doc = include_str!("../SCHEMA.md")]

pub mod addr;
pub mod capture;
pub mod cli;
pub mod decode;
pub mod generate;
pub mod live;
pub mod output;
