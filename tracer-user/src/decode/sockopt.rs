//! Socket option values, `getsockopt`'s and `setsockopt`'s `optval`, as strace's
//! `print_getsockopt`/`print_setsockopt` print them: by level and option name, an
//! int (`[1]`), a struct (`{l_onoff=1, l_linger=5}`), or else the bytes.
//!
//! The value is copied whatever the option (`SockoptIn` up to `-s` bytes at entry,
//! `SockoptOut` 16 bytes at exit), a copy cut short at a mapping's end holding what lies
//! before it: each printer checks the copy holds the bytes it reads, else shows the
//! address, as strace does when its read fails.

use std::fmt::Write;

use super::errno::errno_name;
use super::flags::{self, styled, write_enum};
use super::strings::{quote, write_addr};
use super::structs::Bytes;
use super::{Call, DecodeOptions, HexMode, in_out, write_pid};
use crate::event::Capture;

const SOL_IP: u64 = 0;
const SOL_SOCKET: u64 = 1;
const SOL_IPV6: u64 = 41;
const SOL_RAW: u64 = 255;
const SOL_PACKET: u64 = 263;
const SOL_NETLINK: u64 = 270;

const SO_ERROR: u64 = 4;
const SO_LINGER: u64 = 13;
const SO_PEERCRED: u64 = 17;
const SO_TXREHASH: u64 = 74;
/// Bytes of `getsockopt`'s value copied at exit (see the plan's `SockoptOut`).
pub const SOCKOPT_OUT_BYTES: u16 = 256;
/// `SO_GET_FILTER` in `getsockopt`.
const SO_ATTACH_FILTER: u64 = 26;
const SO_ATTACH_REUSEPORT_CBPF: u64 = 51;
const IPV6_ADD_MEMBERSHIP: u64 = 20;
const IPV6_DROP_MEMBERSHIP: u64 = 21;
const IPV6_JOIN_ANYCAST: u64 = 27;
const IPV6_LEAVE_ANYCAST: u64 = 28;
const IP_ADD_MEMBERSHIP: u64 = 35;
const IP_DROP_MEMBERSHIP: u64 = 36;
const MCAST_JOIN_GROUP: u64 = 42;
const MCAST_LEAVE_GROUP: u64 = 45;
const ICMP_FILTER: u64 = 1;
const PACKET_ADD_MEMBERSHIP: u64 = 1;
const PACKET_DROP_MEMBERSHIP: u64 = 2;
const PACKET_RX_RING: u64 = 5;
const PACKET_STATISTICS: u64 = 6;
const PACKET_TX_RING: u64 = 13;

/// The `SOL_SOCKET` options strace knows to be ints (the generic values, which x86_64
/// and arm64 share): `SO_DEBUG`, `SO_REUSEADDR`... `SO_RCVMARK`.
const INT_OPTIONS: &[u64] = &[
    1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 27, 29, 30, 32, 33, 34, 35, 36, 37, 40,
    41, 42, 43, 44, 45, 46, 49, 53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 75,
];

/// The copy of the value, if its read did not fault.
fn copied(call: &Call, i: usize) -> Option<&[u8]> {
    call.capture(i)
        .filter(|c| !c.fault && call.args[i] != 0)
        .map(|c| &c.data[..])
}

/// `[N]`: an int, if the copy holds one.
fn write_int(out: &mut String, data: Option<&[u8]>) -> bool {
    match data.and_then(|d| Bytes(d).i32(0)) {
        Some(n) => {
            let _ = write!(out, "[{n}]");
            true
        }
        None => false,
    }
}

/// `len` bytes as a string (strace's `printstrn`: up to `-s` of them).
fn write_str(out: &mut String, data: Option<&[u8]>, len: usize, opts: &DecodeOptions) -> bool {
    let shown = len.min(opts.string_limit);
    match data.filter(|d| d.len() >= shown) {
        Some(d) => {
            quote(out, &d[..shown], opts.hex, false);
            if len > shown {
                out.push_str("...");
            }
            true
        }
        None => false,
    }
}

/// `len` bytes forced to hex (`printstr_ex(..., QUOTE_FORCE_HEX)`).
fn write_hex_str(out: &mut String, data: Option<&[u8]>, len: usize) -> bool {
    match data.filter(|d| d.len() >= len) {
        Some(d) => {
            quote(out, &d[..len], HexMode::None, true);
            true
        }
        None => false,
    }
}

/// The fields of a struct of `u32`-sized fields that `len` bytes cover, as strace's
/// `MAYBE_PRINT_FIELD_LEN`: a field cut short shows its bytes in hex.
fn write_fields(
    out: &mut String,
    data: &[u8],
    len: usize,
    fields: &[&str],
    value: impl Fn(&mut String, usize, u32),
) -> bool {
    if data.len() < len {
        return false;
    }
    out.push('{');
    for (n, name) in fields.iter().enumerate() {
        let start = n * 4;
        if len <= start {
            break;
        }
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name}=");
        match Bytes(data).u32(start).filter(|_| len >= start + 4) {
            Some(v) => value(out, n, v),
            None => quote(out, &data[start..len], HexMode::None, true),
        }
    }
    out.push('}');
    true
}

/// `getsockopt`'s value: the copy at exit, as long as the length the kernel returned.
pub fn write_get(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let v = call.args[i];
    let len = |c: Option<&Capture>| c.filter(|c| !c.fault).and_then(|c| Bytes(&c.data).i32(0));
    let (entry, exit) = in_out(call, i + 1);
    let (Some(ulen), Some(rlen), Some(_)) = (len(entry), len(exit), call.success()) else {
        return write_addr(out, v);
    };
    if ulen <= 0 || rlen <= 0 {
        return write_addr(out, v);
    }
    let (level, name) = (call.args[1] as u32 as u64, call.args[2] as u32 as u64);
    let rlen = rlen as usize;
    let data = copied(call, i);
    let done = match (level, name) {
        _ if v == 0 || !opts.dereference => false,
        (SOL_SOCKET, SO_LINGER) => data.is_some_and(|d| {
            write_fields(out, d, rlen.min(8), &["l_onoff", "l_linger"], |o, _, v| {
                let _ = write!(o, "{}", v as i32);
            })
        }),
        (SOL_SOCKET, SO_PEERCRED) => data.is_some_and(|d| {
            write_fields(out, d, rlen.min(12), &["pid", "uid", "gid"], |o, n, v| {
                if n == 0 {
                    write_pid(o, call.pid, v as i32, opts);
                } else if v == u32::MAX {
                    o.push_str("-1");
                } else {
                    let _ = write!(o, "{v}");
                }
            })
        }),
        // `SO_GET_FILTER`: the program's instructions, as many as the length says
        // (`unsigned short`); their address abbreviated.
        (SOL_SOCKET, SO_ATTACH_FILTER) => {
            rlen <= 0xffff
                && !opts.abbreviate
                && data.is_some_and(|d| {
                    let flavor = super::bpf_filter::Flavor::Socket;
                    let tried = SOCKOPT_OUT_BYTES.into();
                    super::bpf_filter::write_insns(out, v, rlen as u16, d, tried, flavor);
                    true
                })
        }
        (SOL_SOCKET, SO_ERROR) if rlen < 4 => write_hex_str(out, data, rlen),
        (SOL_SOCKET, SO_ERROR) => match data.and_then(|d| Bytes(d).u32(0)) {
            Some(err) => {
                out.push('[');
                match errno_name(err as i32) {
                    Some(e) => styled(out, &err.to_string(), |o| o.push_str(e)),
                    None => {
                        let _ = write!(out, "{err}");
                    }
                }
                out.push(']');
                true
            }
            None => false,
        },
        (SOL_SOCKET, SO_TXREHASH) if rlen < 4 => write_hex_str(out, data, rlen),
        (SOL_SOCKET, SO_TXREHASH) => write_txrehash(out, data),
        (SOL_SOCKET, n) if INT_OPTIONS.contains(&n) => {
            if rlen >= 4 {
                write_int(out, data)
            } else {
                write_hex_str(out, data, rlen)
            }
        }
        (SOL_PACKET, PACKET_STATISTICS) => data.is_some_and(|d| {
            let fields = ["tp_packets", "tp_drops", "tp_freeze_q_cnt"];
            write_fields(out, d, rlen.min(12), &fields, |o, _, v| {
                let _ = write!(o, "{v}");
            })
        }),
        (SOL_RAW, ICMP_FILTER) => write_icmp_filter(out, data, rlen),
        (SOL_NETLINK, _) => write_int(out, data),
        _ if rlen == 4 => write_int(out, data),
        _ => write_str(out, data, rlen, opts),
    };
    if !done {
        write_addr(out, v);
    }
}

/// `setsockopt`'s value: the copy at entry of `len` (argument 4) bytes, at most `-s`.
pub fn write_set(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let v = call.args[i];
    let len = call.args[4] as i32;
    let (level, name) = (call.args[1] as u32 as u64, call.args[2] as u32 as u64);
    let data = copied(call, i);
    let int = |out: &mut String| len >= 4 && write_int(out, data);
    let done = match (level, name) {
        _ if v == 0 || !opts.dereference => false,
        (SOL_SOCKET, SO_LINGER) => {
            len >= 8
                && data.is_some_and(|d| {
                    write_fields(out, d, 8, &["l_onoff", "l_linger"], |o, _, v| {
                        let _ = write!(o, "{}", v as i32);
                    })
                })
        }
        (SOL_SOCKET, SO_TXREHASH) => len >= 4 && write_txrehash(out, data),
        (SOL_SOCKET, SO_ATTACH_FILTER | SO_ATTACH_REUSEPORT_CBPF) => {
            let flavor = super::bpf_filter::Flavor::Socket;
            len == super::bpf_filter::FPROG_SIZE as i32
                && super::bpf_filter::write_fprog(out, call, i, flavor, opts)
        }
        (SOL_SOCKET, n) if INT_OPTIONS.contains(&n) => int(out),
        (SOL_IP, IP_ADD_MEMBERSHIP | IP_DROP_MEMBERSHIP) => len >= 8 && write_ip_mreq(out, data),
        (
            SOL_IPV6,
            IPV6_ADD_MEMBERSHIP | IPV6_DROP_MEMBERSHIP | IPV6_JOIN_ANYCAST | IPV6_LEAVE_ANYCAST,
        ) => len >= 20 && write_ipv6_mreq(out, data),
        (SOL_IP | SOL_IPV6, MCAST_JOIN_GROUP | MCAST_LEAVE_GROUP) => {
            len >= GROUP_REQ_SIZE as i32 && write_group_req(out, data, opts)
        }
        (SOL_PACKET, PACKET_RX_RING | PACKET_TX_RING) => {
            let fields = [
                "tp_block_size",
                "tp_block_nr",
                "tp_frame_size",
                "tp_frame_nr",
            ];
            len == 16
                && data.is_some_and(|d| {
                    write_fields(out, d, 16, &fields, |o, _, v| {
                        let _ = write!(o, "{v}");
                    })
                })
        }
        (SOL_PACKET, PACKET_ADD_MEMBERSHIP | PACKET_DROP_MEMBERSHIP) => {
            len == 16 && write_packet_mreq(out, data)
        }
        (SOL_RAW, ICMP_FILTER) => len > 0 && write_icmp_filter(out, data, len as usize),
        (SOL_NETLINK, _) => int(out),
        _ if len == 4 => write_int(out, data),
        _ => len >= 0 && write_str(out, data, len as usize, opts),
    };
    if !done {
        write_addr(out, v);
    }
}

/// `struct ip_mreq`: two IPv4 addresses.
fn write_ip_mreq(out: &mut String, data: Option<&[u8]>) -> bool {
    let Some(d) = data.filter(|d| d.len() >= 8) else {
        return false;
    };
    let addr = |a: &[u8]| format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3]);
    let _ = write!(
        out,
        "{{imr_multiaddr=inet_addr(\"{}\"), imr_interface=inet_addr(\"{}\")}}",
        addr(&d[..4]),
        addr(&d[4..8])
    );
    true
}

/// `SOCK_TXREHASH_*`.
const TXREHASH_VALUES: &[(i32, &str)] = &[
    (0, "SOCK_TXREHASH_DISABLED"),
    (1, "SOCK_TXREHASH_ENABLED"),
    (255, "SOCK_TXREHASH_DEFAULT"),
];

/// `SO_TXREHASH`'s int, named (strace's `printxval_d`: decimal when raw).
fn write_txrehash(out: &mut String, data: Option<&[u8]>) -> bool {
    let Some(v) = data.and_then(|d| Bytes(d).i32(0)) else {
        return false;
    };
    out.push('[');
    match TXREHASH_VALUES.iter().find(|(n, _)| *n == v) {
        Some((_, name)) => styled(out, &v.to_string(), |o| o.push_str(name)),
        None => styled(out, &v.to_string(), |o| {
            let _ = write!(o, "{v} /* SOCK_TXREHASH_??? */");
        }),
    }
    out.push(']');
    true
}

/// `struct ipv6_mreq`: an IPv6 address and an interface.
fn write_ipv6_mreq(out: &mut String, data: Option<&[u8]>) -> bool {
    let Some(d) = data.filter(|d| d.len() >= 20) else {
        return false;
    };
    let addr: [u8; 16] = d[..16].try_into().expect("16 bytes");
    let _ = write!(
        out,
        "{{inet_pton(AF_INET6, \"{}\", &ipv6mr_multiaddr), ipv6mr_interface=",
        std::net::Ipv6Addr::from(addr)
    );
    super::cmsg::write_ifindex(out, Bytes(d).u32(16).unwrap_or(0));
    out.push('}');
    true
}

/// Bytes of a `struct group_req`: an interface, then a `sockaddr_storage` at 8.
const GROUP_REQ_SIZE: usize = 136;

/// `struct group_req`, if all of it was copied (`-s` limits the copy).
fn write_group_req(out: &mut String, data: Option<&[u8]>, opts: &DecodeOptions) -> bool {
    let Some(d) = data.filter(|d| d.len() >= GROUP_REQ_SIZE) else {
        return false;
    };
    let mut group = String::new();
    if super::structs::write_sockaddr(&mut group, &d[8..GROUP_REQ_SIZE], opts).is_none() {
        return false;
    }
    out.push_str("{gr_interface=");
    super::cmsg::write_ifindex(out, Bytes(d).u32(0).unwrap_or(0));
    let _ = write!(out, ", gr_group={group}}}");
    true
}

/// `PACKET_MR_*`.
const PACKET_MR_TYPES: flags::Xlat = &[
    (0, "PACKET_MR_MULTICAST"),
    (1, "PACKET_MR_PROMISC"),
    (2, "PACKET_MR_ALLMULTI"),
    (3, "PACKET_MR_UNICAST"),
];

/// `struct packet_mreq`: `{mr_ifindex=0, mr_type=PACKET_MR_PROMISC, mr_alen=6,
/// mr_address=...}`, the address as long as `mr_alen` says (at most its 8 bytes).
fn write_packet_mreq(out: &mut String, data: Option<&[u8]>) -> bool {
    let Some(d) = data.filter(|d| d.len() >= 16) else {
        return false;
    };
    let b = Bytes(d);
    let (Some(ifindex), Some(kind), Some(alen)) = (b.i32(0), b.u16(4), b.u16(6)) else {
        return false;
    };
    out.push_str("{mr_ifindex=");
    super::cmsg::write_ifindex(out, ifindex as u32);
    out.push_str(", mr_type=");
    write_enum(out, kind as u64, PACKET_MR_TYPES, "PACKET_MR_???");
    let _ = write!(out, ", mr_alen={alen}, mr_address=");
    let mac = &d[8..8 + (alen as usize).min(8)];
    let hexes: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
    let colons = hexes.join(":");
    let mut raw = String::new();
    quote(&mut raw, mac, HexMode::None, true);
    styled(out, &raw, |o| o.push_str(&colons));
    out.push('}');
    true
}

/// `struct icmp_filter`: the set of ICMP types filtered, `~[...]` for the ones not
/// filtered when more than half are; a shorter value leaves the rest set.
fn write_icmp_filter(out: &mut String, data: Option<&[u8]>, len: usize) -> bool {
    let len = len.min(4);
    let Some(d) = data.filter(|d| d.len() >= len) else {
        return false;
    };
    let mut word = [0xffu8; 4];
    word[..len].copy_from_slice(&d[..len]);
    let mut bits = u32::from_le_bytes(word);
    if bits.count_ones() > 16 {
        bits = !bits;
        out.push('~');
    }
    out.push('[');
    let mut first = true;
    for n in 0..32 {
        if bits & (1 << n) == 0 {
            continue;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        write_enum(out, n, ICMP_TYPES, "ICMP_???");
    }
    out.push(']');
    true
}

/// ICMP message types (`ICMP_ECHOREPLY`...), as strace's `icmp_filter_flags` names them.
const ICMP_TYPES: flags::Xlat = &[
    (0, "ICMP_ECHOREPLY"),
    (3, "ICMP_DEST_UNREACH"),
    (4, "ICMP_SOURCE_QUENCH"),
    (5, "ICMP_REDIRECT"),
    (8, "ICMP_ECHO"),
    (11, "ICMP_TIME_EXCEEDED"),
    (12, "ICMP_PARAMETERPROB"),
    (13, "ICMP_TIMESTAMP"),
    (14, "ICMP_TIMESTAMPREPLY"),
    (15, "ICMP_INFO_REQUEST"),
    (16, "ICMP_INFO_REPLY"),
    (17, "ICMP_ADDRESS"),
    (18, "ICMP_ADDRESSREPLY"),
];

#[cfg(test)]
mod tests {
    use super::super::{ArgsPart, write_args};
    use crate::event::{Capture, Syscall as Call};
    use crate::syscalls;
    use tracer_common::capture;

    fn cap(arg: u8, kind: u8, data: &[u8]) -> Capture {
        Capture {
            arg,
            kind,
            data: data.to_vec(),
            truncated: false,
            fault: false,
        }
    }

    fn line(name: &str, args: &[u64], ret: i64, captures: Vec<Capture>) -> String {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        let c = Call {
            nr: syscalls::by_name(name).unwrap().nr,
            args: a,
            ret: Some(ret),
            captures,
            ..Default::default()
        };
        let mut s = String::new();
        write_args(&mut s, &c, &Default::default(), ArgsPart::All, None);
        s
    }

    /// `getsockopt(3, level, name, 0x7ff0, 0x7ff8)` whose value copy is `value`, its
    /// length `ulen` before and `rlen` after.
    fn get(level: u64, name: u64, value: &[u8], ulen: i32, rlen: i32) -> String {
        let caps = vec![
            cap(4, capture::FIXED, &ulen.to_le_bytes()),
            cap(3, capture::FIXED, value),
            cap(4, capture::FIXED, &rlen.to_le_bytes()),
        ];
        line("getsockopt", &[3, level, name, 0x7ff0, 0x7ff8], 0, caps)
    }

    fn set(level: u64, name: u64, value: &[u8], len: u64) -> String {
        let caps = vec![cap(3, capture::BUF, value)];
        line("setsockopt", &[3, level, name, 0x7ff0, len], 0, caps)
    }

    fn words(w: &[u32]) -> Vec<u8> {
        w.iter().flat_map(|v| v.to_le_bytes()).collect()
    }

    // so_peercred.c, so_linger.c, so_error.c, net-tpacket_stats.c: the struct's fields
    // that the returned length covers, one cut short in hex.
    #[test]
    fn get_structs_by_returned_length() {
        let cred = words(&[1234, 0, 0]);
        assert_eq!(
            get(1, 17, &cred, 12, 12),
            "3, SOL_SOCKET, SO_PEERCRED, {pid=1234, uid=0, gid=0}, [12]"
        );
        assert_eq!(
            get(1, 17, &cred[..6], 6, 6),
            "3, SOL_SOCKET, SO_PEERCRED, {pid=1234, uid=\"\\x00\\x00\"}, [6]"
        );
        assert_eq!(
            get(1, 13, &words(&[1, 5]), 8, 8),
            "3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=5}, [8]"
        );
        assert_eq!(
            get(1, 4, &words(&[111]), 4, 4),
            "3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]"
        );
        assert_eq!(
            get(1, 4, &[111], 1, 1),
            "3, SOL_SOCKET, SO_ERROR, \"\\x6f\", [1]"
        );
        assert_eq!(get(1, 4, &[], 0, 0), "3, SOL_SOCKET, SO_ERROR, 0x7ff0, [0]");
        assert_eq!(
            get(263, 6, &words(&[u32::MAX; 3]), 12, 12),
            "3, SOL_PACKET, PACKET_STATISTICS, {tp_packets=4294967295, \
             tp_drops=4294967295, tp_freeze_q_cnt=4294967295}, [12]"
        );
    }

    // sockopt-sol_socket.c: an int option's value is an int whatever the length past 4;
    // a copy cut short at a mapping's end (the value alone) still holds it.
    #[test]
    fn int_options() {
        assert_eq!(
            set(1, 1, &words(&[0]), 5),
            "3, SOL_SOCKET, SO_DEBUG, [0], 5"
        );
        assert_eq!(
            set(1, 1, &[0, 0, 0], 3),
            "3, SOL_SOCKET, SO_DEBUG, 0x7ff0, 3"
        );
        assert_eq!(
            get(1, 1, &words(&[0]), 5, 5),
            "3, SOL_SOCKET, SO_DEBUG, [0], [5]"
        );
        assert_eq!(
            set(1, 74, &words(&[0]), 4),
            "3, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_DISABLED], 4"
        );
    }

    // net-packet_mreq.c, net-tpacket_req.c, ip_mreq.c, net-icmp_filter.c.
    #[test]
    fn set_structs() {
        let mut mreq = vec![0, 0, 0, 0, 0xff, 0xff, 8, 0];
        mreq.extend([0xff; 8]);
        assert_eq!(
            set(263, 1, &mreq, 16),
            "3, SOL_PACKET, PACKET_ADD_MEMBERSHIP, {mr_ifindex=0, \
             mr_type=0xffff /* PACKET_MR_??? */, mr_alen=8, \
             mr_address=ff:ff:ff:ff:ff:ff:ff:ff}, 16"
        );
        assert_eq!(
            set(263, 5, &words(&[u32::MAX; 4]), 16),
            "3, SOL_PACKET, PACKET_RX_RING, {tp_block_size=4294967295, \
             tp_block_nr=4294967295, tp_frame_size=4294967295, tp_frame_nr=4294967295}, 16"
        );
        let m4 = [224, 0, 0, 3, 127, 0, 0, 1];
        assert_eq!(
            set(0, 35, &m4, 8),
            "3, SOL_IP, IP_ADD_MEMBERSHIP, {imr_multiaddr=inet_addr(\"224.0.0.3\"), \
             imr_interface=inet_addr(\"127.0.0.1\")}, 8"
        );
        assert_eq!(
            set(0, 35, &m4[..7], 7),
            "3, SOL_IP, IP_ADD_MEMBERSHIP, 0x7ff0, 7"
        );
        assert_eq!(
            set(255, 1, &words(&[u32::MAX]), 4),
            "3, SOL_RAW, ICMP_FILTER, ~[], 4"
        );
        assert_eq!(
            set(255, 1, &words(&[1 | 1 << 3 | 1 << 20]), 4),
            "3, SOL_RAW, ICMP_FILTER, [ICMP_ECHOREPLY ICMP_DEST_UNREACH 0x14 /* ICMP_??? */], 4"
        );
    }
}
