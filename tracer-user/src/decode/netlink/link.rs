//! A link message's (`ifinfomsg`'s) attributes and the runs nested in them (strace's
//! `rtnl_link.c`), one table per run.

use super::Buffer;
use super::nlattr::{self as nla, Attrs, Ctx};
use super::route::Kind;
use super::xlat as x;
use crate::decode::flags::write_flags;

pub static LINK_ATTRS: Attrs = Attrs {
    names: x::RTNL_LINK_ATTRS,
    dflt: "IFLA_???",
    decoders: &[
        (3, nla::str),
        (4, nla::u32),
        (5, nla::u32),
        (6, nla::str),
        (7, stats),
        (10, nla::u32),
        (12, protinfo),
        (13, nla::u32),
        (14, ifmap),
        (15, nla::u32),
        (16, nla::u8),
        (17, nla::u8),
        (18, linkinfo),
        (19, nla::u32),
        (20, nla::str),
        (21, nla::u32),
        (22, vfinfo_list),
        (23, stats64),
        (24, vf_ports),
        (25, port),
        (26, af_spec),
        (27, nla::u32),
        (28, nla::fd),
        (29, ext_mask),
        (30, nla::u32),
        (31, nla::u32),
        (32, nla::u32),
        (33, nla::u8),
        (35, nla::u32),
        (37, nla::s32),
        (38, nla::str),
        (39, nla::u8),
        (40, nla::u32),
        (41, nla::u32),
        (43, xdp),
        (44, event),
        (45, nla::s32),
        (46, nla::s32),
        (47, nla::u32),
        (48, nla::u32),
        (49, nla::ifindex),
        (50, nla::u32),
        (51, nla::u32),
        (52, prop_list),
        (53, nla::str),
        (55, proto_down_reason),
        (56, nla::str),
        (57, nla::str),
        (58, nla::u32),
        (59, nla::u32),
        (60, nla::u32),
        (61, nla::u32),
    ],
};

/// `struct rtnl_link_stats`'s and `rtnl_link_stats64`'s counters, in order.
const STATS: [&str; 25] = [
    "rx_packets",
    "tx_packets",
    "rx_bytes",
    "tx_bytes",
    "rx_errors",
    "tx_errors",
    "rx_dropped",
    "tx_dropped",
    "multicast",
    "collisions",
    "rx_length_errors",
    "rx_over_errors",
    "rx_crc_errors",
    "rx_frame_errors",
    "rx_fifo_errors",
    "rx_missed_errors",
    "tx_aborted_errors",
    "tx_carrier_errors",
    "tx_fifo_errors",
    "tx_heartbeat_errors",
    "tx_window_errors",
    "rx_compressed",
    "tx_compressed",
    "rx_nohandler",
    "rx_otherhost_dropped",
];

/// The first `count` counters of `width` bytes each, when the payload is exactly one of
/// the struct's sizes in `counts` (its full size or more for the last): strace's
/// `decode_rtnl_link_stats` and `decode_nla_rtnl_link_stats64`.
fn write_stats(out: &mut String, mem: Buffer, width: usize, counts: &[usize]) -> bool {
    let full = counts[counts.len() - 1];
    let Some(&count) = counts
        .iter()
        .rev()
        .find(|&&n| mem.len == n * width || (n == full && mem.len >= n * width))
    else {
        return false;
    };
    let Some(b) = mem.get(0, count * width) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    out.push('{');
    for (i, name) in STATS[..count].iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let v = super::route::uint(b, i * width, width);
        let _ = std::fmt::Write::write_fmt(out, format_args!("{name}={v}"));
    }
    out.push('}');
    true
}

/// `IFLA_STATS`: 23 counters, or with `rx_nohandler` 24.
fn stats(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_stats(out, mem, 4, &[23, 24])
}

/// `IFLA_STATS64` (and the stats messages' `IFLA_STATS_LINK_64`): 23, 24 or 25 counters.
pub fn stats64(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_stats(out, mem, 8, &[23, 24, 25])
}

/// `struct rtnl_link_ifmap` (28 bytes and its padding).
fn ifmap(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    super::route::write_struct(
        out,
        mem,
        28,
        &[
            ("mem_start", 0, 8, Kind::X),
            ("mem_end", 8, 8, Kind::X),
            ("base_addr", 16, 8, Kind::X),
            ("irq", 24, 2, Kind::U),
            ("dma", 26, 1, Kind::U),
            ("port", 27, 1, Kind::U),
        ],
    )
}

fn ext_mask(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(
        out,
        mem,
        4,
        x::RTNL_IFLA_EXT_FILTER_FLAGS,
        "RTEXT_FILTER_???",
    )
}

fn event(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<4>(out, mem, |o, b| {
        super::route::write_field(
            o,
            u32::from_le_bytes(b) as u64,
            Kind::Xval(x::RTNL_IFLA_EVENTS, Some("IFLA_EVENT_???")),
        )
    })
}

/// `IFLA_PORT_SELF`, and each port of `IFLA_VF_PORTS` (named as strace names them).
static PORT_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_PORT_ATTRS,
    dflt: "IFLA_VF_PORT_???",
    decoders: &[
        (1, nla::u32),
        (2, nla::str),
        (3, port_vsi),
        (6, nla::u8),
        (7, nla::u16),
    ],
};

fn port(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &PORT_ATTRS)
}

static VF_PORT_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_VF_PORT_ATTRS,
    dflt: "IFLA_VF_PORT_???",
    decoders: &[(1, port)],
};

fn vf_ports(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &VF_PORT_ATTRS)
}

/// `struct ifla_port_vsi`: its padding shown when set.
fn port_vsi(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    use std::fmt::Write;
    if mem.len < 8 {
        return false;
    }
    let Some(b) = mem.get(0, 8) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    let _ = write!(out, "{{vsi_mgr_id={}, vsi_type_id=", b[0]);
    crate::decode::strings::quote(out, &b[1..4], crate::decode::HexMode::None, true);
    let _ = write!(out, ", vsi_type_version={}", b[4]);
    if b[5..8].iter().any(|&p| p != 0) {
        out.push_str(", pad=");
        crate::decode::strings::quote(out, &b[5..8], crate::decode::HexMode::None, true);
    }
    out.push('}');
    true
}

static XDP_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_XDP_ATTRS,
    dflt: "IFLA_XDP_???",
    decoders: &[
        (1, nla::fd),
        (2, xdp_attached),
        (3, xdp_flags),
        (4, nla::u32),
        (5, nla::u32),
        (6, nla::u32),
        (7, nla::u32),
        (8, nla::fd),
    ],
};

fn xdp(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &XDP_ATTRS)
}

fn xdp_attached(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(
        out,
        mem,
        1,
        x::RTNL_IFLA_XDP_ATTACHED_MODE,
        "XDP_ATTACHED_???",
    )
}

fn xdp_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<4>(out, mem, |o, b| {
        write_flags(
            o,
            u32::from_le_bytes(b) as u64,
            x::XDP_FLAGS,
            crate::decode::flags::lookup(x::XDP_FLAGS, 0),
            "XDP_FLAGS_???",
        )
    })
}

static PROTO_DOWN_REASON_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_PROTO_DOWN_REASON_ATTRS,
    dflt: "IFLA_PROTO_DOWN_REASON_???",
    decoders: &[(1, nla::x32), (2, nla::x32)],
};

fn proto_down_reason(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &PROTO_DOWN_REASON_ATTRS)
}

/// `IFLA_PROTINFO`: a bridge port's attributes, or IPv6's, by the message's family.
fn protinfo(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    match ctx.family {
        AF_BRIDGE => nla::nested(out, ctx, mem, &BRPORT_ATTRS),
        AF_INET6 => nla::nested(out, ctx, mem, &INET6_ATTRS),
        _ => {
            nla::write_hex_str(out, ctx, mem);
            true
        }
    }
}

const AF_INET: u8 = 2;
const AF_BRIDGE: u8 = 7;
const AF_INET6: u8 = 10;
const AF_MCTP: u16 = 45;

/// `IFLA_AF_SPEC`: attributes typed by address family, each a run of that family's
/// (strace's `decode_ifla_af_spec`); a bridge's are bridge attributes.
fn af_spec(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if ctx.family == AF_BRIDGE {
        return nla::nested(out, ctx, mem, &AF_SPEC_BRIDGE_ATTRS);
    }
    nla::nested(out, ctx, mem, &AF_SPEC_ATTRS)
}

static AF_SPEC_ATTRS: Attrs = Attrs {
    names: crate::decode::flags::ADDRESS_FAMILIES,
    dflt: "AF_???",
    decoders: &[
        (AF_INET as u16, af_inet),
        (AF_INET6 as u16, af_inet6),
        (AF_MCTP, af_mctp),
    ],
};

fn af_inet(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &INET_ATTRS)
}

fn af_inet6(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &INET6_ATTRS)
}

fn af_mctp(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &MCTP_ATTRS)
}

static INET_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_AF_SPEC_INET_ATTRS,
    dflt: "IFLA_INET_???",
    decoders: &[(1, inet_conf)],
};

static MCTP_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_AF_SPEC_MCTP_ATTRS,
    dflt: "IFLA_MCTP_???",
    decoders: &[(1, nla::u32)],
};

fn inet_conf(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array_indexed::<4>(
        out,
        ctx,
        mem,
        x::INET_DEVCONF_INDICES,
        "IPV4_DEVCONF_???",
        |o, b| {
            let _ = std::fmt::Write::write_fmt(o, format_args!("{}", i32::from_le_bytes(b)));
        },
    )
}

static INET6_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_AF_SPEC_INET6_ATTRS,
    dflt: "IFLA_INET6_???",
    decoders: &[
        (1, inet6_flags),
        (2, inet6_conf),
        (3, inet6_stats),
        (5, inet6_cacheinfo),
        (6, inet6_icmp6_stats),
        (7, nla::in6_addr),
        (8, inet6_agm),
        (9, nla::u32),
    ],
};

fn inet6_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 4, x::INET6_IF_FLAGS, "IF_???")
}

fn inet6_conf(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array_indexed::<4>(
        out,
        ctx,
        mem,
        x::INET6_DEVCONF_INDICES,
        "DEVCONF_???",
        |o, b| {
            let _ = std::fmt::Write::write_fmt(o, format_args!("{}", i32::from_le_bytes(b)));
        },
    )
}

fn u64_indexed(
    out: &mut String,
    ctx: &Ctx,
    mem: Buffer,
    table: crate::decode::flags::Xlat,
    dflt: &str,
) -> bool {
    nla::array_indexed::<8>(out, ctx, mem, table, dflt, |o, b| {
        let _ = std::fmt::Write::write_fmt(o, format_args!("{}", u64::from_le_bytes(b)));
    })
}

fn inet6_stats(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    u64_indexed(out, ctx, mem, x::SNMP_IP_STATS, "IPSTATS_MIB_???")
}

fn inet6_icmp6_stats(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    u64_indexed(out, ctx, mem, x::SNMP_ICMP6_STATS, "ICMP6_MIB_???")
}

/// `struct ifla_cacheinfo`.
fn inet6_cacheinfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    super::route::write_struct(
        out,
        mem,
        16,
        &[
            ("max_reasm_len", 0, 4, Kind::U),
            ("tstamp", 4, 4, Kind::U),
            ("reachable_time", 8, 4, Kind::U),
            ("retrans_time", 12, 4, Kind::U),
        ],
    )
}

fn inet6_agm(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(out, mem, 1, x::IN6_ADDR_GEN_MODE, "IN6_ADDR_GEN_MODE_???")
}

/// A bridge port's attributes (`IFLA_PROTINFO` of an `AF_BRIDGE` message).
static BRPORT_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_BRPORT_ATTRS,
    dflt: "IFLA_BRPORT_???",
    decoders: &[
        (1, nla::u8),
        (2, nla::u16),
        (3, nla::u32),
        (4, nla::u8),
        (5, nla::u8),
        (6, nla::u8),
        (7, nla::u8),
        (8, nla::u8),
        (9, nla::u8),
        (10, nla::u8),
        (11, nla::u8),
        (12, nla::u8),
        (13, bridge_id),
        (14, bridge_id),
        (15, nla::u16),
        (16, nla::u16),
        (17, nla::u16),
        (18, nla::u16),
        (19, nla::u8),
        (20, nla::u8),
        (21, nla::clock_t),
        (22, nla::clock_t),
        (23, nla::clock_t),
        (25, nla::u8),
        (27, nla::u8),
        (28, nla::u8),
        (29, nla::u8),
        (30, nla::u8),
        (31, nla::x16),
        (32, nla::u8),
        (33, nla::u8),
        (34, nla::ifindex),
        (35, nla::u8),
        (36, nla::u8),
        (37, nla::u32),
        (38, nla::u32),
        (39, nla::u8),
    ],
};

/// `struct ifla_bridge_id`: `{prio=[1, 2], addr=01:02:03:04:05:06}`.
pub fn bridge_id(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    if mem.len < 8 {
        return false;
    }
    let Some(b) = mem.get(0, 8) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    let _ = std::fmt::Write::write_fmt(out, format_args!("{{prio=[{}, {}], addr=", b[0], b[1]));
    nla::write_mac(out, &b[2..8]);
    out.push('}');
    true
}

/// `IFLA_VFINFO_LIST`: each virtual function's `IFLA_VF_INFO` run.
static VFINFO_LIST_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_VFINFO_LIST_ATTRS,
    dflt: "IFLA_VF_INFO_???",
    decoders: &[(1, vf_info)],
};

fn vfinfo_list(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &VFINFO_LIST_ATTRS)
}

static VF_INFO_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_VF_INFO_ATTRS,
    dflt: "IFLA_VF_???",
    decoders: &[
        (1, vf_mac),
        (2, vf_vlan),
        (3, vf_tx_rate),
        (4, vf_setting),
        (5, vf_link_state),
        (6, vf_rate),
        (7, vf_setting),
        (8, vf_stats),
        (9, vf_setting),
        (10, vf_guid),
        (11, vf_guid),
        (12, vf_vlan_list),
        (13, vf_broadcast),
    ],
};

fn vf_info(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &VF_INFO_ATTRS)
}

/// A struct of `size` bytes from the payload's start: false when shorter, its address
/// when it cannot be read.
fn vf_struct(
    out: &mut String,
    mem: Buffer,
    size: usize,
    print: impl FnOnce(&mut String, &[u8]),
) -> bool {
    if mem.len < size {
        return false;
    }
    match mem.get(0, size) {
        Some(b) => {
            out.push('{');
            print(out, b);
            out.push('}');
        }
        None => crate::decode::write_hex(out, mem.addr),
    }
    true
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    super::route::uint(b, off, 4) as u32
}

/// `struct ifla_vf_mac`: a function and its 32-byte address.
fn vf_mac(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_struct(out, mem, 36, |o, b| {
        let _ = std::fmt::Write::write_fmt(o, format_args!("vf={}, mac=", u32_at(b, 0)));
        nla::write_mac(o, &b[4..36]);
    })
}

fn vf_broadcast(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_struct(out, mem, 32, |o, b| {
        o.push_str("broadcast=");
        nla::write_mac(o, &b[..32]);
    })
}

/// Structs of `u32` fields named `names`.
fn vf_u32s(out: &mut String, mem: Buffer, names: &[&str]) -> bool {
    vf_struct(out, mem, 4 * names.len(), |o, b| {
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                o.push_str(", ");
            }
            let _ = std::fmt::Write::write_fmt(o, format_args!("{name}={}", u32_at(b, 4 * i)));
        }
    })
}

fn vf_vlan(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_u32s(out, mem, &["vf", "vlan", "qos"])
}

fn vf_tx_rate(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_u32s(out, mem, &["vf", "rate"])
}

/// `struct ifla_vf_spoofchk`, `ifla_vf_rss_query_en`, `ifla_vf_trust`.
fn vf_setting(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_u32s(out, mem, &["vf", "setting"])
}

fn vf_rate(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_u32s(out, mem, &["vf", "min_tx_rate", "max_tx_rate"])
}

fn vf_link_state(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_struct(out, mem, 8, |o, b| {
        let _ = std::fmt::Write::write_fmt(o, format_args!("vf={}, link_state=", u32_at(b, 0)));
        crate::decode::flags::write_enum(
            o,
            u32_at(b, 4) as u64,
            x::RTNL_IFLA_VF_LINK_STATES,
            "IFLA_VF_LINK_STATE_???",
        );
    })
}

/// `struct ifla_vf_guid`, whose `guid` is at 4 (packed, 12 bytes) or 8 (16 bytes).
fn vf_guid(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    let off = match mem.len {
        12 => 4,
        16 => 8,
        _ => return false,
    };
    vf_struct(out, mem, mem.len, |o, b| {
        let _ = std::fmt::Write::write_fmt(
            o,
            format_args!(
                "vf={}, guid={:#x}",
                u32_at(b, 0),
                super::route::uint(b, off, 8)
            ),
        );
    })
}

static VF_STATS_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_VF_STATS_ATTRS,
    dflt: "IFLA_VF_STATS_???",
    decoders: &[
        (0, nla::u64),
        (1, nla::u64),
        (2, nla::u64),
        (3, nla::u64),
        (4, nla::u64),
        (5, nla::u64),
        (7, nla::u64),
        (8, nla::u64),
    ],
};

fn vf_stats(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &VF_STATS_ATTRS)
}

static VF_VLAN_LIST_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_VF_VLAN_LIST_ATTRS,
    dflt: "IFLA_VF_VLAN_INFO_???",
    decoders: &[(1, vf_vlan_info)],
};

fn vf_vlan_list(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &VF_VLAN_LIST_ATTRS)
}

/// `struct ifla_vf_vlan_info`: its protocol in network order, `htons(ETH_P_8021Q)`.
fn vf_vlan_info(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    vf_struct(out, mem, 16, |o, b| {
        let _ = std::fmt::Write::write_fmt(
            o,
            format_args!(
                "vf={}, vlan={}, qos={}, vlan_proto=htons(",
                u32_at(b, 0),
                u32_at(b, 4),
                u32_at(b, 8)
            ),
        );
        crate::decode::flags::write_enum(
            o,
            u16::from_be_bytes([b[12], b[13]]) as u64,
            crate::decode::sockaddr::ETHERNET_PROTOCOLS,
            "ETH_P_???",
        );
        o.push(')');
    })
}

/// `IFLA_PROP_LIST`: link attributes, of which only `IFLA_ALT_IFNAME` is decoded.
static PROP_LIST_ATTRS: Attrs = Attrs {
    names: x::RTNL_LINK_ATTRS,
    dflt: "IFLA_???",
    decoders: &[(53, nla::str)],
};

fn prop_list(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &PROP_LIST_ATTRS)
}

static AF_SPEC_BRIDGE_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_AF_SPEC_BRIDGE_ATTRS,
    dflt: "IFLA_BRIDGE_???",
    decoders: &[
        (0, bridge_flags),
        (1, bridge_mode),
        (2, bridge_vlan_info),
        (3, bridge_vlan_tunnel_info),
    ],
};

fn bridge_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 2, x::RTNL_IFLA_BRIDGE_FLAGS, "BRIDGE_FLAGS_???")
}

fn bridge_mode(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(out, mem, 2, x::RTNL_IFLA_BRIDGE_MODES, "BRIDGE_MODE_???")
}

fn bridge_vlan_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 2, x::NL_BRIDGE_VLAN_FLAGS, "BRIDGE_VLAN_INFO_???")
}

/// `struct bridge_vlan_info`, then what follows it in hex.
fn bridge_vlan_info(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if mem.len < 4 {
        return false;
    }
    let Some(b) = mem.get(0, 4) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    out.push('{');
    super::route::write_fields(
        out,
        b,
        &[
            (
                "flags",
                0,
                2,
                Kind::Flags(x::NL_BRIDGE_VLAN_FLAGS, "BRIDGE_VLAN_INFO_???"),
            ),
            ("vid", 2, 2, Kind::U),
        ],
        0,
    );
    out.push('}');
    if mem.len > 4 {
        out.push_str(", ");
        nla::write_hex_str(out, ctx, mem.from(4));
    }
    true
}

static BRIDGE_VLAN_TUNNEL_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_AF_SPEC_BRIDGE_VLAN_TUNNEL_INFO_ATTRS,
    dflt: "IFLA_BRIDGE_VLAN_TUNNEL_???",
    decoders: &[(1, nla::u32), (2, nla::u16), (3, bridge_vlan_flags)],
};

fn bridge_vlan_tunnel_info(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &BRIDGE_VLAN_TUNNEL_ATTRS)
}

thread_local! {
    /// The link kind and slave kind an `IFLA_LINKINFO` run named so far, which the
    /// run's data attributes that follow are decoded by (strace's `ifla_linkinfo_ctx`).
    static LINK_KINDS: std::cell::RefCell<[String; 2]> = Default::default();
}

static LINKINFO_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_INFO_ATTRS,
    dflt: "IFLA_INFO_???",
    decoders: &[
        (1, info_kind),
        (2, info_data),
        (3, info_xstats),
        (4, info_slave_kind),
        (5, info_slave_data),
    ],
};

fn linkinfo(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    LINK_KINDS.with_borrow_mut(|k| *k = Default::default());
    nla::nested(out, ctx, mem, &LINKINFO_ATTRS)
}

/// A kind's name, kept for the attributes after it: the bytes up to a NUL, or none
/// when it is 64 bytes or longer (strace's `update_ctx_str`).
fn info_kind_of(which: usize, out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    let name = match mem.get(0, mem.len) {
        Some(b) if mem.len < 64 => {
            let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
            String::from_utf8_lossy(&b[..end]).into_owned()
        }
        _ => String::new(),
    };
    LINK_KINDS.with_borrow_mut(|k| k[which] = name);
    nla::str(out, ctx, mem)
}

fn info_kind(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    info_kind_of(0, out, ctx, mem)
}

fn info_slave_kind(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    info_kind_of(1, out, ctx, mem)
}

fn kind_is(which: usize, name: &str) -> bool {
    LINK_KINDS.with_borrow(|k| k[which] == name)
}

fn info_data(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if kind_is(0, "bridge") {
        nla::nested(out, ctx, mem, &INFO_DATA_BRIDGE_ATTRS)
    } else if kind_is(0, "tun") {
        nla::nested(out, ctx, mem, &INFO_DATA_TUN_ATTRS)
    } else {
        false
    }
}

fn info_slave_data(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    kind_is(1, "bridge") && nla::nested(out, ctx, mem, &BRPORT_ATTRS)
}

/// A CAN device's `struct can_device_stats`.
fn info_xstats(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    kind_is(0, "can")
        && vf_u32s(
            out,
            mem,
            &[
                "bus_error",
                "error_warning",
                "error_passive",
                "bus_off",
                "arbitration_lost",
                "restarts",
            ],
        )
}

static INFO_DATA_BRIDGE_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_INFO_DATA_BRIDGE_ATTRS,
    dflt: "IFLA_BR_???",
    decoders: &[
        (1, nla::clock_t),
        (2, nla::clock_t),
        (3, nla::clock_t),
        (4, nla::clock_t),
        (5, nla::u32),
        (6, nla::u16),
        (7, nla::u8),
        (8, ether_proto),
        (9, nla::x16),
        (10, bridge_id),
        (11, bridge_id),
        (12, nla::u16),
        (13, nla::u32),
        (14, nla::u8),
        (15, nla::u8),
        (16, nla::clock_t),
        (17, nla::clock_t),
        (18, nla::clock_t),
        (19, nla::clock_t),
        (20, nla::hwaddr),
        (22, nla::u8),
        (23, nla::u8),
        (24, nla::u8),
        (25, nla::u8),
        (26, nla::u32),
        (27, nla::u32),
        (28, nla::u32),
        (29, nla::u32),
        (30, nla::clock_t),
        (31, nla::clock_t),
        (32, nla::clock_t),
        (33, nla::clock_t),
        (34, nla::clock_t),
        (35, nla::clock_t),
        (36, nla::u8),
        (37, nla::u8),
        (38, nla::u8),
        (39, nla::u16),
        (41, nla::u8),
        (42, nla::u8),
        (43, nla::u8),
        (44, nla::u8),
        (45, nla::u8),
        (46, br_boolopt),
        (47, br_mcast_qstate),
    ],
};

/// `htons(ETH_P_IP)`: a protocol in network order.
fn ether_proto(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    if mem.len > 8 || mem.len < 2 {
        return false;
    }
    let Some(b) = mem.get(0, 2) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    out.push_str("htons(");
    crate::decode::flags::write_enum(
        out,
        u16::from_be_bytes([b[0], b[1]]) as u64,
        crate::decode::sockaddr::ETHERNET_PROTOCOLS,
        "ETHER_P_???",
    );
    out.push(')');
    true
}

/// `struct br_boolopt_multi`.
fn br_boolopt(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    super::route::write_struct(
        out,
        mem,
        8,
        &[
            (
                "optval",
                0,
                4,
                Kind::Flags(x::RTNL_IFLA_BR_BOOLOPT_FLAGS, "1<<BR_BOOLOPT_???"),
            ),
            (
                "optmask",
                4,
                4,
                Kind::Flags(x::RTNL_IFLA_BR_BOOLOPT_FLAGS, "1<<BR_BOOLOPT_???"),
            ),
        ],
    )
}

static BR_MCAST_QUERIER_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_BR_MCAST_QUERIER_ATTRS,
    dflt: "BRIDGE_QUERIER_???",
    decoders: &[
        (1, nla::in_addr),
        (2, nla::ifindex),
        (3, nla::clock_t),
        (5, nla::in6_addr),
        (6, nla::ifindex),
        (7, nla::clock_t),
    ],
};

fn br_mcast_qstate(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &BR_MCAST_QUERIER_ATTRS)
}

static INFO_DATA_TUN_ATTRS: Attrs = Attrs {
    names: x::RTNL_IFLA_INFO_DATA_TUN_ATTRS,
    dflt: "IFLA_TUN_???",
    decoders: &[
        (1, uid),
        (2, uid),
        (3, tun_type),
        (4, nla::u8),
        (5, nla::u8),
        (6, nla::u8),
        (7, nla::u8),
        (8, nla::u32),
        (9, nla::u32),
    ],
};

/// strace's `printuid`: -1 for the all-ones id.
fn uid(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<4>(out, mem, |o, b| {
        let v = u32::from_le_bytes(b);
        let _ = if v == u32::MAX {
            std::fmt::Write::write_str(o, "-1")
        } else {
            std::fmt::Write::write_fmt(o, format_args!("{v}"))
        };
    })
}

fn tun_type(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(out, mem, 1, x::TUN_DEVICE_TYPES, "IFF_???")
}
