//! `NETLINK_ROUTE` messages' family headers and their attributes (strace's
//! `netlink_route.c`, `rtnl_*.c`): one [`Header`] per message family, each field's
//! offset and kind, then the attributes by the family's [`Attrs`] table.

use std::fmt::Write;

use super::super::flags::{self, Xlat, styled, write_enum, write_flags};
use super::super::write_hex;
use super::nlattr::{self as nla, Attrs, Ctx};
use super::xlat as x;
use super::{ARPHRD_TYPES, Buffer, IFF_FLAGS};

/// How a header field prints.
#[derive(Clone, Copy)]
pub enum Kind {
    /// Unsigned decimal.
    U,
    /// Hex (`%#x`).
    X,
    /// Hex, and only when not zero (padding strace shows when set).
    Pad,
    /// A constant of a table; unknown ones in hex, with the default's comment if any.
    Xval(Xlat, Option<&'static str>),
    /// A constant of the first table that has it.
    Xvals(&'static [Xlat], &'static str),
    Flags(Xlat, &'static str),
    Ifindex,
    /// A socket cookie, two `u32`s (8 bytes): `[1, 2]`.
    Cookie,
}

/// A header field: name, offset, size in bytes (1, 2 or 4), kind.
pub type Field = (&'static str, usize, usize, Kind);

/// A message family's header: its family byte's name, its size, the fields after the
/// family, and the attributes after it (at the header's 4-byte aligned end). `more`:
/// a payload shorter than the header prints the family and `...` (the headers of a
/// family byte and padding print the family alone).
pub struct Header {
    pub family: &'static str,
    pub size: usize,
    pub fields: &'static [Field],
    pub attrs: Option<&'static Attrs>,
}

/// Writes a field's value.
pub fn write_field(out: &mut String, v: u64, kind: Kind) {
    match kind {
        Kind::U => {
            let _ = write!(out, "{v}");
        }
        Kind::X | Kind::Pad => write_hex(out, v),
        Kind::Xval(table, Some(dflt)) => write_enum(out, v, table, dflt),
        Kind::Xval(table, None) => styled(out, &flags::hex(v), |o| match flags::lookup(table, v) {
            Some(name) => o.push_str(name),
            None => o.push_str(&flags::hex(v)),
        }),
        Kind::Xvals(tables, dflt) => {
            let table = tables.iter().find(|t| flags::lookup(t, v).is_some());
            write_enum(out, v, table.copied().unwrap_or(&[]), dflt)
        }
        Kind::Flags(table, dflt) => write_flags(out, v, table, None, dflt),
        Kind::Ifindex => write_ifindex(out, v as u32),
        Kind::Cookie => {
            let _ = write!(out, "[{}, {}]", v as u32, v >> 32);
        }
    }
}

/// An interface index, in the `-X` style: `if_nametoindex("lo")`, `1`, or both.
pub fn write_ifindex(out: &mut String, index: u32) {
    styled(out, &index.to_string(), |o| {
        super::super::cmsg::write_ifindex(o, index)
    });
}

/// Little-endian `size` bytes at `off` of `b`.
pub fn uint(b: &[u8], off: usize, size: usize) -> u64 {
    let mut v = [0u8; 8];
    if let Some(src) = b.get(off..off + size) {
        v[..size].copy_from_slice(src);
    }
    u64::from_le_bytes(v)
}

/// A header as strace's `decode_*msg` print them, then its attributes.
pub fn write_header(out: &mut String, ctx: &Ctx, mem: Buffer, h: &Header) {
    let family = ctx.family as u64;
    let _ = write!(out, "{{{}=", h.family);
    write_enum(out, family, flags::ADDRESS_FAMILIES, "AF_???");
    let mut decode_attrs = true;
    if !h.fields.is_empty() {
        out.push_str(", ");
        if mem.len < h.size {
            out.push_str("...");
            decode_attrs = false;
        } else if let Some(b) = mem.get(0, h.size) {
            let mut first = true;
            for &(name, off, size, kind) in h.fields {
                let v = uint(b, off, size);
                if matches!(kind, Kind::Pad) && v == 0 {
                    continue;
                }
                if !first {
                    out.push_str(", ");
                }
                first = false;
                let _ = write!(out, "{name}=");
                write_field(out, v, kind);
            }
        } else {
            write_hex(out, mem.addr.wrapping_add(1));
            decode_attrs = false;
        }
    }
    out.push('}');
    let offset = h.size.next_multiple_of(4);
    if let Some(attrs) = h.attrs
        && decode_attrs
        && mem.len > offset
    {
        out.push_str(", ");
        nla::write_attrs(out, ctx, mem.from(offset), attrs);
    }
}

/// A route message's payload, by its type (strace's `decode_netlink_route`).
pub fn write(out: &mut String, opts: &crate::decode::DecodeOptions, kind: u16, mem: Buffer) {
    let Some(&family) = mem.get(0, 1).and_then(|b| b.first()) else {
        return write_hex(out, mem.addr);
    };
    let ctx = Ctx { opts, family };
    match header_of(kind, family) {
        Some(h) => write_header(out, &ctx, mem, h),
        None if kind == RTM_NEWCACHEREPORT => write_cachereport(out, &ctx, mem),
        None => {
            out.push_str("{family=");
            write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
            if mem.len > 1 {
                out.push_str(", data=");
                nla::write_hex_str(out, &ctx, mem.from(1));
            }
            out.push('}');
        }
    }
}

const AF_BRIDGE: u8 = 7;
const RTM_NEWCACHEREPORT: u16 = 96;

fn header_of(kind: u16, family: u8) -> Option<&'static Header> {
    Some(match kind {
        16..=19 => &IFINFOMSG,
        20..=22 | 58 | 62 => &IFADDRMSG,
        24..=26 => &RTMSG,
        30 if family == AF_BRIDGE => &IFINFOMSG,
        28..=30 => &NDMSG,
        32..=34 => &FIB_RULE_HDR,
        36..=38 | 40..=42 | 44..=46 | 100..=102 => &TCMSG,
        48..=50 => &TCAMSG,
        64 | 66 | 67 => &NDTMSG,
        72..=74 => &IFADDRLBLMSG,
        78 | 79 => &DCBMSG,
        80..=82 => &NETCONFMSG,
        84..=86 => &BR_PORT_MSG,
        88..=90 => &NSID,
        92 | 94 => &IF_STATS_MSG,
        104..=106 => &NHMSG,
        _ => return None,
    })
}

/// `RTM_NEWCACHEREPORT`: an `rtgenmsg` whose family names a multicast routing family,
/// then that family's attributes.
fn write_cachereport(out: &mut String, ctx: &Ctx, mem: Buffer) {
    const RTNL_FAMILY_IPMR: u8 = 128;
    const RTNL_FAMILY_IP6MR: u8 = 129;
    out.push_str("{rtgen_family=");
    let f = ctx.family as u64;
    match flags::lookup(x::RTNL_FAMILY, f).or_else(|| flags::lookup(flags::ADDRESS_FAMILIES, f)) {
        Some(name) => styled(out, &flags::hex(f), |o| o.push_str(name)),
        None => write_enum(out, f, &[], "RTNL_FAMILY_???"),
    }
    out.push('}');
    if mem.len > 4 {
        out.push_str(", ");
        let attrs = match ctx.family {
            RTNL_FAMILY_IPMR => &IPMRA_CREPORT,
            RTNL_FAMILY_IP6MR => &IP6MRA_CREPORT,
            _ => return nla::write_hex_str(out, ctx, mem.from(4)),
        };
        nla::write_attrs(out, ctx, mem.from(4), attrs);
    }
}

static IPMRA_CREPORT: Attrs = Attrs {
    names: x::RTNL_IPMRA_CREPORT_ATTR,
    dflt: "IPMRA_CREPORT_???",
    decoders: &[
        (1, ipmra_msgtype),
        (2, nla::u32),
        (3, nla::in_addr),
        (4, nla::in_addr),
        (6, nla::u32),
    ],
};

static IP6MRA_CREPORT: Attrs = Attrs {
    names: x::RTNL_IP6MRA_CREPORT_ATTR,
    dflt: "IP6MRA_CREPORT_???",
    decoders: &[
        (1, ip6mra_msgtype),
        (2, nla::u32),
        (3, nla::in6_addr),
        (4, nla::in6_addr),
    ],
};

fn ipmra_msgtype(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(out, mem, 0, x::RTNL_IPMRA_MSG_TYPES, "IGMPMSG_???")
}

fn ip6mra_msgtype(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(out, mem, 0, x::RTNL_IP6MRA_MSG_TYPES, "MRT6MSG_???")
}

// The headers.

static IFINFOMSG: Header = Header {
    family: "ifi_family",
    size: 16,
    fields: &[
        (
            "ifi_type",
            2,
            2,
            Kind::Xval(ARPHRD_TYPES, Some("ARPHRD_???")),
        ),
        ("ifi_index", 4, 4, Kind::Ifindex),
        ("ifi_flags", 8, 4, Kind::Flags(IFF_FLAGS, "IFF_???")),
        ("ifi_change", 12, 4, Kind::X),
    ],
    attrs: Some(&LINK_ATTRS),
};

static IFADDRMSG: Header = Header {
    family: "ifa_family",
    size: 8,
    fields: &[
        ("ifa_prefixlen", 1, 1, Kind::U),
        ("ifa_flags", 2, 1, Kind::Flags(x::IFADDRFLAGS, "IFA_F_???")),
        ("ifa_scope", 3, 1, Kind::Xval(x::ROUTING_SCOPES, None)),
        ("ifa_index", 4, 4, Kind::Ifindex),
    ],
    attrs: Some(&ADDR_ATTRS),
};

static RTMSG: Header = Header {
    family: "rtm_family",
    size: 12,
    fields: &[
        ("rtm_dst_len", 1, 1, Kind::U),
        ("rtm_src_len", 2, 1, Kind::U),
        (
            "rtm_tos",
            3,
            1,
            Kind::Flags(x::IP_TYPE_OF_SERVICES, "IPTOS_TOS_???"),
        ),
        ("rtm_table", 4, 1, Kind::Xval(x::ROUTING_TABLE_IDS, None)),
        (
            "rtm_protocol",
            5,
            1,
            Kind::Xval(x::ROUTING_PROTOCOLS, Some("RTPROT_???")),
        ),
        ("rtm_scope", 6, 1, Kind::Xval(x::ROUTING_SCOPES, None)),
        (
            "rtm_type",
            7,
            1,
            Kind::Xval(x::ROUTING_TYPES, Some("RTN_???")),
        ),
        (
            "rtm_flags",
            8,
            4,
            Kind::Flags(x::ROUTING_FLAGS, "RTM_F_???"),
        ),
    ],
    attrs: Some(&ROUTE_ATTRS),
};

static NDMSG: Header = Header {
    family: "ndm_family",
    size: 12,
    fields: &[
        ("ndm_ifindex", 4, 4, Kind::Ifindex),
        (
            "ndm_state",
            8,
            2,
            Kind::Flags(x::NEIGHBOR_CACHE_ENTRY_STATES, "NUD_???"),
        ),
        (
            "ndm_flags",
            10,
            1,
            Kind::Flags(x::NEIGHBOR_CACHE_ENTRY_FLAGS, "NTF_???"),
        ),
        (
            "ndm_type",
            11,
            1,
            Kind::Xval(x::ROUTING_TYPES, Some("RTN_???")),
        ),
    ],
    attrs: Some(&NEIGH_ATTRS),
};

static FIB_RULE_HDR: Header = Header {
    family: "family",
    size: 12,
    fields: &[
        ("dst_len", 1, 1, Kind::U),
        ("src_len", 2, 1, Kind::U),
        (
            "tos",
            3,
            1,
            Kind::Flags(x::IP_TYPE_OF_SERVICES, "IPTOS_TOS_???"),
        ),
        (
            "table",
            4,
            1,
            Kind::Xval(x::ROUTING_TABLE_IDS, Some("RT_TABLE_???")),
        ),
        (
            "action",
            7,
            1,
            Kind::Xval(x::FIB_RULE_ACTIONS, Some("FR_ACT_???")),
        ),
        (
            "flags",
            8,
            4,
            Kind::Flags(x::FIB_RULE_FLAGS, "FIB_RULE_???"),
        ),
    ],
    attrs: Some(&RULE_ATTRS),
};

static TCMSG: Header = Header {
    family: "tcm_family",
    size: 20,
    fields: &[
        ("tcm_ifindex", 4, 4, Kind::Ifindex),
        ("tcm_handle", 8, 4, Kind::U),
        ("tcm_parent", 12, 4, Kind::U),
        ("tcm_info", 16, 4, Kind::U),
    ],
    attrs: Some(&TC_ATTRS),
};

static TCAMSG: Header = Header {
    family: "tca_family",
    size: 4,
    fields: &[],
    attrs: Some(&TC_ACTION_ATTRS),
};

static NDTMSG: Header = Header {
    family: "ndtm_family",
    size: 4,
    fields: &[],
    attrs: Some(&NEIGHTBL_ATTRS),
};

static IFADDRLBLMSG: Header = Header {
    family: "ifal_family",
    size: 12,
    fields: &[
        ("ifal_prefixlen", 2, 1, Kind::U),
        ("ifal_flags", 3, 1, Kind::U),
        ("ifal_index", 4, 4, Kind::Ifindex),
        ("ifal_seq", 8, 4, Kind::U),
    ],
    attrs: Some(&ADDRLABEL_ATTRS),
};

static DCBMSG: Header = Header {
    family: "dcb_family",
    size: 4,
    fields: &[(
        "cmd",
        1,
        1,
        Kind::Xval(x::DCB_COMMANDS, Some("DCB_CMD_???")),
    )],
    attrs: Some(&DCB_ATTRS),
};

static NETCONFMSG: Header = Header {
    family: "ncm_family",
    size: 1,
    fields: &[],
    attrs: Some(&NETCONF_ATTRS),
};

static BR_PORT_MSG: Header = Header {
    family: "family",
    size: 8,
    fields: &[("ifindex", 4, 4, Kind::Ifindex)],
    attrs: Some(&MDB_ATTRS),
};

static NSID: Header = Header {
    family: "rtgen_family",
    size: 1,
    fields: &[],
    attrs: Some(&NSID_ATTRS),
};

static IF_STATS_MSG: Header = Header {
    family: "family",
    size: 12,
    fields: &[
        ("pad1", 1, 1, Kind::Pad),
        ("pad2", 2, 2, Kind::Pad),
        ("ifindex", 4, 4, Kind::Ifindex),
        (
            "filter_mask",
            8,
            4,
            Kind::Flags(x::IFSTATS_ATTR_FLAGS, "1<<IFLA_STATS_???"),
        ),
    ],
    attrs: Some(&IFSTATS_ATTRS),
};

static NHMSG: Header = Header {
    family: "nh_family",
    size: 8,
    fields: &[
        ("nh_scope", 1, 1, Kind::Xval(x::ROUTING_SCOPES, None)),
        (
            "nh_protocol",
            2,
            1,
            Kind::Xval(x::ROUTING_PROTOCOLS, Some("RTPROT_???")),
        ),
        ("resvd", 3, 1, Kind::Pad),
        (
            "nh_flags",
            4,
            4,
            Kind::Flags(x::ROUTE_NEXTHOP_FLAGS, "RTNH_F_???"),
        ),
    ],
    attrs: Some(&NEXTHOP_ATTRS),
};

// The attributes (types without a decoder print in hex).

static ADDR_ATTRS: Attrs = Attrs {
    names: x::RTNL_ADDR_ATTRS,
    dflt: "IFA_???",
    decoders: &[
        (1, nla::inet_addr),
        (2, nla::inet_addr),
        (3, nla::str),
        (4, nla::inet_addr),
        (5, nla::inet_addr),
        (6, ifa_cacheinfo),
        (7, nla::inet_addr),
        (8, ifa_flags),
        (9, nla::u32),
        (10, nla::s32),
    ],
};

fn ifa_cacheinfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<16>(out, mem, |o, b| {
        let _ = write!(
            o,
            "{{ifa_prefered={}, ifa_valid={}, cstamp={}, tstamp={}}}",
            uint(&b, 0, 4),
            uint(&b, 4, 4),
            uint(&b, 8, 4),
            uint(&b, 12, 4)
        );
    })
}

fn ifa_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<4>(out, mem, |o, b| {
        write_flags(o, uint(&b, 0, 4), x::IFADDRFLAGS, None, "IFA_F_???")
    })
}

static ADDRLABEL_ATTRS: Attrs = Attrs {
    names: x::RTNL_ADDRLABEL_ATTRS,
    dflt: "IFAL_???",
    decoders: &[(1, nla::inet_addr), (2, nla::u32)],
};

static DCB_ATTRS: Attrs = Attrs {
    names: x::RTNL_DCB_ATTRS,
    dflt: "DCB_ATTR_???",
    decoders: &[],
};

static NETCONF_ATTRS: Attrs = Attrs {
    names: x::RTNL_NETCONF_ATTRS,
    dflt: "NETCONFA_???",
    decoders: &[
        (1, nla::ifindex),
        (2, nla::s32),
        (3, nla::s32),
        (4, nla::s32),
        (5, nla::s32),
        (6, nla::s32),
        (7, nla::s32),
        (8, nla::s32),
    ],
};

static NSID_ATTRS: Attrs = Attrs {
    names: x::RTNL_NSID_ATTRS,
    dflt: "NETNSA_???",
    decoders: &[
        (1, nla::s32),
        (2, nla::u32),
        (3, nla::s32),
        (4, nla::s32),
        (5, nla::s32),
    ],
};

static MDB_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDB_ATTRS,
    dflt: "MDBA_???",
    decoders: &[],
};

static LINK_ATTRS: Attrs = Attrs {
    names: x::RTNL_LINK_ATTRS,
    dflt: "IFLA_???",
    decoders: &[
        (3, nla::str),
        (4, nla::u32),
        (5, nla::u32),
        (6, nla::str),
        (10, nla::u32),
        (13, nla::u32),
        (15, nla::u32),
        (16, nla::u8),
        (17, nla::u8),
        (19, nla::u32),
        (20, nla::str),
        (21, nla::u32),
        (27, nla::u32),
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
        (45, nla::s32),
        (46, nla::s32),
        (47, nla::u32),
        (48, nla::u32),
        (49, nla::ifindex),
        (50, nla::u32),
        (51, nla::u32),
        (53, nla::str),
        (56, nla::str),
        (57, nla::str),
        (58, nla::u32),
        (59, nla::u32),
        (60, nla::u32),
        (61, nla::u32),
    ],
};

static ROUTE_ATTRS: Attrs = Attrs {
    names: x::RTNL_ROUTE_ATTRS,
    dflt: "RTA_???",
    decoders: &[
        (1, nla::inet_addr),
        (2, nla::inet_addr),
        (3, nla::ifindex),
        (4, nla::ifindex),
        (5, nla::inet_addr),
        (6, nla::u32),
        (7, nla::inet_addr),
        (10, nla::u32),
        (11, nla::u32),
        (14, nla::u32),
        (15, rt_table),
        (16, nla::u32),
        (19, nla::inet_addr),
        (20, nla::u8),
        (21, encap_type),
        (23, nla::u64),
        (25, nla::u32),
        (26, nla::u8),
        (27, nla::u8),
        (28, nla::u16),
        (29, nla::u16),
    ],
};

fn rt_table(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<4>(out, mem, |o, b| {
        write_field(o, uint(&b, 0, 4), Kind::Xval(x::ROUTING_TABLE_IDS, None))
    })
}

fn encap_type(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<2>(out, mem, |o, b| {
        write_enum(
            o,
            uint(&b, 0, 2),
            x::LWTUNNEL_ENCAP_TYPES,
            "LWTUNNEL_ENCAP_???",
        )
    })
}

static NEIGH_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEIGH_ATTRS,
    dflt: "NDA_???",
    decoders: &[
        (1, nla::inet_addr),
        (4, nla::u32),
        (5, nla::u16),
        (6, nla::be16),
        (7, nla::u32),
        (8, nla::ifindex),
        (9, nla::ifindex),
        (10, nla::u32),
        (11, nla::u32),
        (12, nla::ip_proto),
        (13, nla::u32),
    ],
};

static RULE_ATTRS: Attrs = Attrs {
    names: x::RTNL_RULE_ATTRS,
    dflt: "FRA_???",
    decoders: &[
        (1, nla::inet_addr),
        (2, nla::inet_addr),
        (3, nla::str),
        (4, nla::u32),
        (6, nla::u32),
        (10, nla::u32),
        (11, nla::u32),
        (12, nla::be64),
        (13, nla::u32),
        (14, nla::u32),
        (15, rt_table),
        (16, nla::u32),
        (17, nla::str),
        (19, nla::u8),
        (22, nla::ip_proto),
    ],
};

static TC_ATTRS: Attrs = Attrs {
    names: x::RTNL_TC_ATTRS,
    dflt: "TCA_???",
    decoders: &[
        (1, nla::str),
        (6, nla::u32),
        (11, nla::u32),
        (12, nla::u8),
        (13, nla::u32),
        (14, nla::u32),
        (15, nla::u32),
    ],
};

static TC_ACTION_ATTRS: Attrs = Attrs {
    names: x::RTNL_TC_ACTION_ATTRS,
    dflt: "TCA_ACT_???",
    decoders: &[(1, nla::str), (3, nla::u32), (10, nla::u32)],
};

static NEIGHTBL_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEIGHTBL_ATTRS,
    dflt: "NDTA_???",
    decoders: &[(1, nla::str), (2, nla::u32), (3, nla::u32), (4, nla::u32)],
};

static IFSTATS_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_ATTRS,
    dflt: "IFLA_STATS_???",
    decoders: &[],
};

static NEXTHOP_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEXTHOP_ATTRS,
    dflt: "NHA_???",
    decoders: &[
        (1, nla::u32),
        (4, nla::u32),
        (5, nla::ifindex),
        (6, nla::inet_addr),
        (7, encap_type),
        (9, nla::u32),
        (10, nla::ifindex),
        (11, nla::u32),
    ],
};
