"""Joins and leaves multicast groups with the Linux kernel's socket API, as an application would.

Reads lines from standard input: `join GROUP [SOURCE]` and `leave GROUP [SOURCE]` on the
interface named by the first argument; IPv4 or IPv6 by the group. Each (group, source) pair has
its own socket, as separate applications would. Prints `ok` after each command.
"""
import socket
import struct
import sys

MCAST_JOIN_SOURCE_GROUP = 46
MCAST_LEAVE_SOURCE_GROUP = 47

interface = sys.argv[1]
index = socket.if_nametoindex(interface)
sockets = {}


def sockaddr_in(address):
    raw = struct.pack("=HH4s", socket.AF_INET, 0, socket.inet_aton(address))
    return raw + bytes(128 - len(raw))


def sockaddr_in6(address):
    raw = struct.pack("=HHI16sI", socket.AF_INET6, 0, 0, socket.inet_pton(socket.AF_INET6, address), 0)
    return raw + bytes(128 - len(raw))


def request(command, group, source):
    ipv6 = ":" in group
    key = (group, source)
    if command == "join":
        s = socket.socket(socket.AF_INET6 if ipv6 else socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, interface.encode())
        sockets[key] = s
    else:
        s = sockets.pop(key)
    if ipv6 and source is None:
        option = socket.IPV6_JOIN_GROUP if command == "join" else socket.IPV6_LEAVE_GROUP
        s.setsockopt(socket.IPPROTO_IPV6, option, socket.inet_pton(socket.AF_INET6, group) + struct.pack("=I", index))
    elif ipv6:
        option = MCAST_JOIN_SOURCE_GROUP if command == "join" else MCAST_LEAVE_SOURCE_GROUP
        value = struct.pack("=I4x", index) + sockaddr_in6(group) + sockaddr_in6(source)
        s.setsockopt(socket.IPPROTO_IPV6, option, value)
    elif source is None:
        option = socket.IP_ADD_MEMBERSHIP if command == "join" else socket.IP_DROP_MEMBERSHIP
        value = struct.pack("=4s4si", socket.inet_aton(group), bytes(4), index)
        s.setsockopt(socket.IPPROTO_IP, option, value)
    else:
        option = MCAST_JOIN_SOURCE_GROUP if command == "join" else MCAST_LEAVE_SOURCE_GROUP
        value = struct.pack("=I4x", index) + sockaddr_in(group) + sockaddr_in(source)
        s.setsockopt(socket.IPPROTO_IP, option, value)
    if command == "leave":
        s.close()


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    request(words[0], words[1], words[2] if len(words) > 2 else None)
    print("ok", flush=True)
