//! The Linux sockets of a live link: a packet socket that receives the family's group
//! management packets on one interface, and a raw IP socket that sends complete packets.
//!
//! Why a packet socket to receive: the kernel's IP layer delivers a multicast packet to raw
//! sockets only if the interface has joined its destination, or if a multicast routing daemon
//! holds the kernel's multicast routing socket. IGMPv2 and MLDv1 reports are sent to the
//! reported group itself, which a querier cannot join in advance; a packet socket sees every
//! packet of the interface. A classic BPF program keeps only the interface's incoming IGMP
//! (or IPv6 Hop-by-Hop / ICMPv6) packets, so the rest of the traffic never reaches user space.
//!
//! Why a raw socket with the header included to send: the IP header the RFCs require (TTL 1,
//! Router Alert, for IGMPv3 ToS 0xc0; for MLD the Hop-by-Hop Router Alert) is built by
//! [`mcast_igmp::wire::envelope`], exactly as the codec's tests check it, instead of being
//! spread over socket options. An `IPPROTO_RAW` socket sends with the header included and
//! never receives, so nothing queues up on it.

use core::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::io::{self, Read};
use std::net::UdpSocket;

use mcast_addr::family::Ipv6;
use mcast_igmp::gmp::Transmit;
use socket2::{Domain, Protocol, SockAddr, SockFilter, Socket, Type};

use super::frame::LiveFamily;

/// `IPPROTO_RAW`: a raw socket that sends complete IP packets and receives nothing.
const IPPROTO_RAW: i32 = 255;
/// The packet type of a packet the host itself sent (`PACKET_OUTGOING`, `<linux/if_packet.h>`).
const PACKET_OUTGOING: u32 = 4;

/// A network interface, by name, with what the sockets need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interface {
    /// Its name (`eth0`).
    pub name: String,
    /// Its index.
    pub index: u32,
}

impl Interface {
    /// Looks `name` up in sysfs.
    ///
    /// # Errors
    /// The interface does not exist.
    pub fn by_name(name: &str) -> io::Result<Self> {
        let text = std::fs::read_to_string(format!("/sys/class/net/{name}/ifindex"))
            .map_err(|e| io::Error::new(e.kind(), format!("interface {name}: {e}")))?;
        let index = text
            .trim()
            .parse()
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "unreadable ifindex"))?;
        Ok(Self {
            name: name.to_owned(),
            index,
        })
    }

    /// The interface's primary IPv4 address: the source the kernel picks for a datagram sent
    /// through it to the all-systems group (no packet is sent).
    ///
    /// # Errors
    /// The interface has no IPv4 address.
    pub fn ipv4_address(&self) -> io::Result<Ipv4Addr> {
        let socket = Socket::new(Domain::IPV4, Type::DGRAM, None)?;
        socket.bind_device(Some(self.name.as_bytes()))?;
        let socket = UdpSocket::from(socket);
        socket.connect((Ipv4Addr::new(224, 0, 0, 1), 9))?;
        match socket.local_addr()? {
            SocketAddr::V4(a) if !a.ip().is_unspecified() => Ok(*a.ip()),
            _ => Err(io::Error::new(
                io::ErrorKind::AddrNotAvailable,
                format!("{} has no IPv4 address", self.name),
            )),
        }
    }

    /// The interface's link-local IPv6 address, from `/proc/net/if_inet6`, the source of MLD
    /// messages (RFC 3810 §5). A tentative address (duplicate address detection still
    /// running) is skipped.
    ///
    /// # Errors
    /// The interface has no usable link-local address.
    pub fn ipv6_link_local(&self) -> io::Result<Ipv6Addr> {
        let table = std::fs::read_to_string("/proc/net/if_inet6")?;
        table
            .lines()
            .find_map(|line| parse_if_inet6(line, &self.name))
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::AddrNotAvailable,
                    format!("{} has no link-local IPv6 address (yet)", self.name),
                )
            })
    }
}

/// One line of `/proc/net/if_inet6`: address, index, prefix length, scope, flags, name. Gives
/// the address if it is link-local (scope 0x20), not tentative (flag 0x40) and on `name`.
pub(crate) fn parse_if_inet6(line: &str, name: &str) -> Option<Ipv6Addr> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [address, _, _, scope, flags, interface] = fields.as_slice() else {
        return None;
    };
    let flags = u32::from_str_radix(flags, 16).ok()?;
    if *interface != name || *scope != "20" || flags & 0x40 != 0 || address.len() != 32 {
        return None;
    }
    u128::from_str_radix(address, 16).ok().map(Ipv6Addr::from)
}

/// The classic BPF program of the receiving socket: the packet came in on `ifindex` (not sent
/// by this host) and carries IGMP (IPv4 protocol 2) or, for IPv6, a Hop-by-Hop Options header
/// or ICMPv6 next.
pub(crate) fn receive_filter(ethertype: u16, ifindex: u32) -> Vec<SockFilter> {
    // Opcodes and ancillary offsets of <linux/filter.h>.
    const LD_W_ABS: u16 = 0x20;
    const LD_B_ABS: u16 = 0x30;
    const JEQ_K: u16 = 0x15;
    const RET_K: u16 = 0x06;
    const ANCILLARY: u32 = 0xffff_f000; // SKF_AD_OFF, -0x1000
    const PKTTYPE: u32 = ANCILLARY + 4;
    const IFINDEX: u32 = ANCILLARY + 8;
    let (offset, first, second) = if ethertype == Ipv6::ETHERTYPE {
        (6, 0, 58) // Next Header: Hop-by-Hop Options or ICMPv6
    } else {
        (9, 2, 2) // Protocol: IGMP
    };
    vec![
        SockFilter::new(LD_W_ABS, 0, 0, IFINDEX),
        SockFilter::new(JEQ_K, 0, 6, ifindex),
        SockFilter::new(LD_W_ABS, 0, 0, PKTTYPE),
        SockFilter::new(JEQ_K, 4, 0, PACKET_OUTGOING),
        SockFilter::new(LD_B_ABS, 0, 0, offset),
        SockFilter::new(JEQ_K, 1, 0, first),
        SockFilter::new(JEQ_K, 0, 1, second),
        SockFilter::new(RET_K, 0, 0, 0xffff),
        SockFilter::new(RET_K, 0, 0, 0),
    ]
}

/// The receiving socket: every incoming packet of the family on the interface that may hold a
/// group management message, network header first.
#[derive(Debug)]
pub struct Receiver {
    socket: Socket,
}

impl Receiver {
    /// Opens the packet socket of family `F` on `interface`.
    ///
    /// # Errors
    /// The socket cannot be opened (not root: `CAP_NET_RAW` is needed).
    pub fn open<F: LiveFamily>(interface: &Interface) -> io::Result<Self> {
        // The protocol of a packet socket is the EtherType in network byte order.
        let protocol = Protocol::from(i32::from(F::ETHERTYPE.to_be()));
        let socket = Socket::new(Domain::PACKET, Type::DGRAM, Some(protocol))?;
        socket.attach_filter(&receive_filter(F::ETHERTYPE, interface.index))?;
        // Packets queued before the filter was attached are dropped.
        socket.set_nonblocking(true)?;
        let mut scratch = [0u8; 2048];
        while (&socket).read(&mut scratch).is_ok() {}
        socket.set_nonblocking(false)?;
        Ok(Self { socket })
    }

    /// Waits for the next packet; returns its length in `buf`.
    ///
    /// # Errors
    /// The socket's error.
    pub fn receive(&self, buf: &mut [u8]) -> io::Result<usize> {
        (&self.socket).read(buf)
    }
}

/// The sending socket: complete IP packets out of one interface, never looped back.
#[derive(Debug)]
pub struct Sender {
    socket: Socket,
    interface: Interface,
    buffer: Vec<u8>,
}

impl Sender {
    /// Opens the raw socket of family `F` on `interface`.
    ///
    /// # Errors
    /// The socket cannot be opened (not root: `CAP_NET_RAW` is needed).
    pub fn open<F: LiveFamily>(interface: &Interface) -> io::Result<Self> {
        let ipv6 = F::ETHERTYPE == Ipv6::ETHERTYPE;
        let domain = if ipv6 { Domain::IPV6 } else { Domain::IPV4 };
        let socket = Socket::new(domain, Type::RAW, Some(Protocol::from(IPPROTO_RAW)))?;
        socket.bind_device(Some(interface.name.as_bytes()))?;
        if ipv6 {
            socket.set_header_included_v6(true)?;
            socket.set_multicast_if_v6(interface.index)?;
            socket.set_multicast_loop_v6(false)?;
        } else {
            socket.set_multicast_loop_v4(false)?;
        }
        Ok(Self {
            socket,
            interface: interface.clone(),
            buffer: vec![0; 65_536],
        })
    }

    /// Sends `transmit` in the IP header the RFCs require.
    ///
    /// # Errors
    /// The codec's or the socket's error.
    pub fn send<F: LiveFamily>(&mut self, transmit: &Transmit<F>) -> io::Result<()> {
        let len = F::write_packet(transmit, &mut self.buffer)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let destination = F::socket_address(transmit.destination, self.interface.index);
        self.socket
            .send_to(&self.buffer[..len], &SockAddr::from(destination))?;
        Ok(())
    }
}

impl<F: LiveFamily> super::Link<F> for Sender {
    fn send(&mut self, transmit: &Transmit<F>) -> io::Result<()> {
        Sender::send(self, transmit)
    }
}
