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
    /// Signed decimal (of the field's size).
    D(usize),
    /// Hex (`%#x`).
    X,
    /// Hex of 8 digits (`%#010x`).
    X08,
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
    /// A `struct inet_diag_sockid` (48 bytes), its addresses of the message's family, or
    /// (`SockidInet`) always IPv4.
    Sockid,
    SockidInet,
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
        Kind::D(size) => {
            let shift = 64 - 8 * size as u32;
            let _ = write!(out, "{}", ((v << shift) as i64) >> shift);
        }
        Kind::X | Kind::Pad => write_hex(out, v),
        Kind::X08 => {
            let _ = write!(out, "{v:#010x}");
        }
        Kind::Xval(table, Some(dflt)) => write_enum(out, v, table, dflt),
        Kind::Xval(table, None) => styled(out, &flags::hex(v), |o| match flags::lookup(table, v) {
            Some(name) => o.push_str(name),
            None => o.push_str(&flags::hex(v)),
        }),
        Kind::Xvals(tables, dflt) => {
            let table = tables.iter().find(|t| flags::lookup(t, v).is_some());
            write_enum(out, v, table.copied().unwrap_or(&[]), dflt)
        }
        Kind::Flags(table, dflt) => {
            write_flags(out, v, table, crate::decode::flags::lookup(table, 0), dflt)
        }
        Kind::Ifindex => write_ifindex(out, v as u32),
        Kind::Cookie => {
            let _ = write!(out, "[{}, {}]", v as u32, v >> 32);
        }
        Kind::Sockid | Kind::SockidInet => {}
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

/// `name=value` of each field of `b`, a padding field only when set; `family`: the
/// message's, which its addresses have.
pub fn write_fields(out: &mut String, b: &[u8], fields: &[Field], family: u8) {
    let mut first = true;
    for &(name, off, size, kind) in fields {
        if let Kind::Sockid | Kind::SockidInet = kind {
            if !first {
                out.push_str(", ");
            }
            first = false;
            let family = if matches!(kind, Kind::SockidInet) {
                2
            } else {
                family
            };
            let _ = write!(out, "{name}=");
            write_sockid(out, b.get(off..off + size).unwrap_or(&[]), family);
            continue;
        }
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
}

/// `struct inet_diag_sockid`: ports, addresses of `family`, interface, cookie.
fn write_sockid(out: &mut String, b: &[u8], family: u8) {
    if b.len() < 48 {
        return;
    }
    let _ = write!(
        out,
        "{{idiag_sport=htons({}), idiag_dport=htons({}), ",
        u16::from_be_bytes([b[0], b[1]]),
        u16::from_be_bytes([b[2], b[3]])
    );
    write_inet_field(out, "idiag_src", &b[4..20], family);
    out.push_str(", ");
    write_inet_field(out, "idiag_dst", &b[20..36], family);
    out.push_str(", idiag_if=");
    write_ifindex(out, uint(b, 36, 4) as u32);
    let _ = write!(
        out,
        ", idiag_cookie=[{}, {}]}}",
        uint(b, 40, 4),
        uint(b, 44, 4)
    );
}

/// strace's `PRINT_FIELD_INET_ADDR`: `name=inet_addr("1.2.3.4")`,
/// `inet_pton(AF_INET6, "::1", &name)`, or the bytes in hex for another family.
pub fn write_inet_field(out: &mut String, name: &str, raw: &[u8], family: u8) {
    match family {
        2 => {
            let _ = write!(out, "{name}=");
            if flags::style() != crate::decode::XlatStyle::Abbrev {
                crate::decode::strings::quote(out, raw, crate::decode::HexMode::None, true);
                if flags::style() == crate::decode::XlatStyle::Raw {
                    return;
                }
                let a = std::net::Ipv4Addr::new(raw[0], raw[1], raw[2], raw[3]);
                let _ = write!(out, " /* inet_addr(\"{a}\") */");
                return;
            }
            nla::write_in_addr(out, raw[..4].try_into().unwrap_or([0; 4]));
        }
        10 => nla::write_in6_addr_named(out, raw.try_into().unwrap_or([0; 16]), name),
        _ => {
            let _ = write!(out, "{name}=");
            crate::decode::strings::quote(out, raw, crate::decode::HexMode::None, true);
        }
    }
}

/// A struct payload of `size` bytes, `{field=value, ...}` (strace's `umove_or_printaddr`
/// of one): false when the payload is shorter; its address when it cannot be read.
pub fn write_struct(out: &mut String, mem: Buffer, size: usize, fields: &[Field]) -> bool {
    if mem.len < size {
        return false;
    }
    match mem.get(0, size) {
        Some(b) => {
            out.push('{');
            write_fields(out, b, fields, 0);
            out.push('}');
        }
        None => write_hex(out, mem.addr),
    }
    true
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
            write_fields(out, b, h.fields, ctx.family);
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
pub fn write(out: &mut String, ctx: &Ctx, kind: u16, mem: Buffer) {
    let Some(&family) = mem.get(0, 1).and_then(|b| b.first()) else {
        return write_hex(out, mem.addr);
    };
    let ctx = ctx.with_family(family);
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
    attrs: Some(&super::link::LINK_ATTRS),
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
    attrs: Some(&super::stats::IFSTATS_ATTRS),
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
        write_flags(
            o,
            uint(&b, 0, 4),
            x::IFADDRFLAGS,
            crate::decode::flags::lookup(x::IFADDRFLAGS, 0),
            "IFA_F_???",
        )
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
        (3, nla::fd),
        (4, nla::s32),
        (5, nla::s32),
    ],
};

static MDB_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDB_ATTRS,
    dflt: "MDBA_???",
    decoders: &[(1, mdba_mdb), (2, mdba_router)],
};

static MDBA_MDB_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDBA_MDB_ATTRS,
    dflt: "MDBA_MDB_???",
    decoders: &[(1, mdba_mdb_entry)],
};

fn mdba_mdb(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &MDBA_MDB_ATTRS)
}

static MDBA_MDB_ENTRY_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDBA_MDB_ENTRY_ATTRS,
    dflt: "MDBA_MDB_ENTRY_???",
    decoders: &[(1, mdb_entry_info)],
};

fn mdba_mdb_entry(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &MDBA_MDB_ENTRY_ATTRS)
}

static MDBA_MDB_EATTR_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDBA_MDB_EATTR_ATTRS,
    dflt: "MDBA_MDB_EATTR_???",
    decoders: &[(1, nla::clock_t)],
};

/// `struct br_mdb_entry` (28 bytes), then its extra attributes.
fn mdb_entry_info(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    const SIZE: usize = 28;
    const AF_INET: u64 = 2;
    const AF_INET6: u64 = 10;
    if mem.len < SIZE {
        return false;
    }
    let Some(b) = mem.get(0, SIZE) else {
        write_hex(out, mem.addr);
        return true;
    };
    out.push_str("{ifindex=");
    write_ifindex(out, uint(b, 0, 4) as u32);
    out.push_str(", state=");
    write_field(
        out,
        uint(b, 4, 1),
        Kind::Xval(x::MDB_STATES, Some("MDB_???")),
    );
    out.push_str(", flags=");
    write_flags(
        out,
        uint(b, 5, 1),
        x::MDB_FLAGS,
        crate::decode::flags::lookup(x::MDB_FLAGS, 0),
        "MDB_FLAGS_???",
    );
    let _ = write!(out, ", vid={}, addr={{", uint(b, 6, 2));
    let proto = u16::from_be_bytes([b[24], b[25]]) as u64;
    match proto {
        AF_INET => {
            out.push_str("u=");
            nla::write_in_addr(out, b[8..12].try_into().unwrap_or([0; 4]));
        }
        AF_INET6 => nla::write_in6_addr_named(out, b[8..24].try_into().unwrap_or([0; 16]), "u"),
        _ => {
            out.push_str("u=");
            crate::decode::strings::quote(out, &b[8..24], crate::decode::HexMode::None, true);
        }
    }
    out.push_str(", proto=htons(");
    write_enum(out, proto, flags::ADDRESS_FAMILIES, "AF_???");
    out.push_str(")}}");
    if mem.len > SIZE {
        out.push_str(", ");
        nla::write_attrs(out, ctx, mem.from(SIZE), &MDBA_MDB_EATTR_ATTRS);
    }
    true
}

static MDBA_ROUTER_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDBA_ROUTER_ATTRS,
    dflt: "MDBA_ROUTER_???",
    decoders: &[(1, mdba_router_port)],
};

fn mdba_router(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &MDBA_ROUTER_ATTRS)
}

static MDBA_ROUTER_PATTR_ATTRS: Attrs = Attrs {
    names: x::RTNL_MDBA_ROUTER_PATTR_ATTRS,
    dflt: "MDBA_ROUTER_PATTR_???",
    decoders: &[
        (1, nla::clock_t),
        (2, router_type),
        (3, nla::clock_t),
        (4, nla::clock_t),
    ],
};

/// A port's index, then its attributes.
fn mdba_router_port(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if !nla::ifindex(out, ctx, mem) {
        return false;
    }
    if mem.len > 4 {
        out.push_str(", ");
        nla::write_attrs(out, ctx, mem.from(4), &MDBA_ROUTER_PATTR_ATTRS);
    }
    true
}

/// strace reads the byte whatever the payload's length.
fn router_type(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    match mem.get(0, 1) {
        Some(b) => write_enum(
            out,
            b[0] as u64,
            x::MULTICAST_ROUTER_TYPES,
            "MDB_RTR_TYPE_???",
        ),
        None => write_hex(out, mem.addr),
    }
    true
}

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
        (8, rta_metrics),
        (9, rta_multipath),
        (10, nla::u32),
        (11, nla::u32),
        (12, rta_cacheinfo),
        (14, nla::u32),
        (17, rta_mfc_stats),
        (18, rtvia),
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

static RTA_METRICS_ATTRS: Attrs = Attrs {
    names: x::RTNL_RTA_METRICS_ATTRS,
    dflt: "RTAX_???",
    decoders: &[
        (1, nla::u32),
        (2, nla::u32),
        (3, nla::u32),
        (4, nla::u32),
        (5, nla::u32),
        (6, nla::u32),
        (7, nla::u32),
        (8, nla::u32),
        (9, nla::u32),
        (10, nla::u32),
        (11, nla::u32),
        (12, nla::u32),
        (13, nla::u32),
        (14, nla::u32),
        (15, nla::u32),
        (16, nla::str),
    ],
};

fn rta_metrics(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &RTA_METRICS_ATTRS)
}

/// `RTA_MULTIPATH`: `struct rtnexthop`s, each followed by its route attributes.
fn rta_multipath(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    const RTNH_SIZE: usize = 8;
    if mem.len < RTNH_SIZE {
        return false;
    }
    let mut cur = mem;
    let mut is_array = false;
    let mut first = true;
    loop {
        let Some(b) = cur.get(0, RTNH_SIZE) else {
            write_hex(out, cur.addr);
            break;
        };
        let nh_len = uint(b, 0, 2) as usize;
        let len = cur.len.min(nh_len);
        if first && nh_len < mem.len {
            out.push('[');
            is_array = true;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        if len > RTNH_SIZE {
            out.push('[');
        }
        out.push('{');
        write_fields(
            out,
            b,
            &[
                ("rtnh_len", 0, 2, Kind::U),
                (
                    "rtnh_flags",
                    2,
                    1,
                    Kind::Flags(x::ROUTE_NEXTHOP_FLAGS, "RTNH_F_???"),
                ),
                ("rtnh_hops", 3, 1, Kind::U),
                ("rtnh_ifindex", 4, 4, Kind::Ifindex),
            ],
            0,
        );
        out.push('}');
        if len > RTNH_SIZE {
            out.push_str(", ");
            nla::write_attrs(out, ctx, cur.sub(RTNH_SIZE, len - RTNH_SIZE), &ROUTE_ATTRS);
            out.push(']');
        }
        let aligned = len.next_multiple_of(4);
        if aligned >= cur.len {
            break;
        }
        cur = cur.from(aligned);
    }
    if is_array {
        out.push(']');
    }
    true
}

fn rta_cacheinfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        32,
        &[
            ("rta_clntref", 0, 4, Kind::U),
            ("rta_lastuse", 4, 4, Kind::U),
            ("rta_expires", 8, 4, Kind::U),
            ("rta_error", 12, 4, Kind::U),
            ("rta_used", 16, 4, Kind::U),
            ("rta_id", 20, 4, Kind::X),
            ("rta_ts", 24, 4, Kind::U),
            ("rta_tsage", 28, 4, Kind::U),
        ],
    )
}

fn rta_mfc_stats(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        24,
        &[
            ("mfcs_packets", 0, 8, Kind::U),
            ("mfcs_bytes", 8, 8, Kind::U),
            ("mfcs_wrong_if", 16, 8, Kind::U),
        ],
    )
}

/// `struct rtvia`: a family, then an address of it.
fn rtvia(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if mem.len < 2 {
        return false;
    }
    let Some(b) = mem.get(0, 2) else {
        write_hex(out, mem.addr);
        return true;
    };
    let family = u16::from_le_bytes([b[0], b[1]]);
    out.push_str("{rtvia_family=");
    write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
    if mem.len > 2 {
        out.push_str(", ");
        let rest = mem.from(2);
        let size = match family {
            2 => 4,
            10 => 16,
            _ => 0,
        };
        match rest.get(0, size) {
            Some(raw) if size > 0 && rest.len >= size => {
                write_inet_field(out, "rtvia_addr", raw, family as u8)
            }
            None if size > 0 && rest.len >= size => {
                out.push_str("rtvia_addr=");
                write_hex(out, rest.addr);
            }
            _ => {
                out.push_str("rtvia_addr=");
                nla::write_hex_str(out, ctx, rest);
            }
        }
    }
    out.push('}');
    true
}

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
        (2, nla::hwaddr),
        (4, nla::u32),
        (5, nla::u16),
        (6, nla::be16),
        (7, nla::u32),
        (8, nla::ifindex),
        (9, nla::ifindex),
        (10, nla::u32),
        (11, nla::u32),
        (3, nda_cacheinfo),
        (12, nla::ip_proto),
        (13, nla::u32),
        (14, fdb_ext_attrs),
        (15, nda_ext_flags),
        (16, nda_ndm_states),
        (17, nda_ndm_flags),
    ],
};

fn nda_cacheinfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        16,
        &[
            ("ndm_confirmed", 0, 4, Kind::U),
            ("ndm_used", 4, 4, Kind::U),
            ("ndm_updated", 8, 4, Kind::U),
            ("ndm_refcnt", 12, 4, Kind::U),
        ],
    )
}

static FDB_EXT_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEIGH_FDB_EXT_ATTRS,
    dflt: "NFEA_???",
    decoders: &[(1, fdb_notify_flags)],
};

fn fdb_ext_attrs(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &FDB_EXT_ATTRS)
}

fn fdb_notify_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 1, x::FDB_NOTIFY_FLAGS, "FDB_NOTIFY_???")
}

fn nda_ext_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(
        out,
        mem,
        4,
        x::NEIGHBOR_CACHE_ENTRY_EXT_FLAGS,
        "NTF_EXT_???",
    )
}

fn nda_ndm_states(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 2, x::NEIGHBOR_CACHE_ENTRY_STATES, "NUD_???")
}

fn nda_ndm_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 1, x::NEIGHBOR_CACHE_ENTRY_FLAGS, "NTF_???")
}

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
        (20, uid_range),
        (21, rt_proto),
        (22, nla::ip_proto),
        (23, port_range),
        (24, port_range),
    ],
};

fn uid_range(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        8,
        &[("start", 0, 4, Kind::U), ("end", 4, 4, Kind::U)],
    )
}

fn port_range(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        4,
        &[("start", 0, 2, Kind::U), ("end", 2, 2, Kind::U)],
    )
}

fn rt_proto(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<1>(out, mem, |o, b| {
        write_enum(o, b[0] as u64, x::ROUTING_PROTOCOLS, "RTPROT_???")
    })
}

static TC_ATTRS: Attrs = Attrs {
    names: x::RTNL_TC_ATTRS,
    dflt: "TCA_???",
    decoders: &[
        (3, tc_stats),
        (5, tc_estimator),
        (7, tca_stats),
        (8, tca_stab),
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
    decoders: &[
        (1, nla::str),
        (3, nla::u32),
        (4, tca_stats),
        (7, tca_act_flags),
        (8, tca_act_hw_stats),
        (9, tca_act_hw_stats),
        (10, nla::u32),
    ],
};

fn tca_act_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 4, x::RTNL_TCA_ACT_FLAGS, "TCA_ACT_FLAGS_???")
}

fn tca_act_hw_stats(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(
        out,
        mem,
        4,
        x::RTNL_TCA_ACT_HW_STATS,
        "TCA_ACT_HW_STATS_???",
    )
}

/// `struct tc_stats` up to its `backlog`.
fn tc_stats(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        36,
        &[
            ("bytes", 0, 8, Kind::U),
            ("packets", 8, 4, Kind::U),
            ("drops", 12, 4, Kind::U),
            ("overlimits", 16, 4, Kind::U),
            ("bps", 20, 4, Kind::U),
            ("pps", 24, 4, Kind::U),
            ("qlen", 28, 4, Kind::U),
            ("backlog", 32, 4, Kind::U),
        ],
    )
}

fn tc_estimator(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        2,
        &[("interval", 0, 1, Kind::D(1)), ("ewma_log", 1, 1, Kind::U)],
    )
}

static TCA_STATS_ATTRS: Attrs = Attrs {
    names: x::RTNL_TCA_STATS_ATTRS,
    dflt: "TCA_STATS_???",
    decoders: &[
        (1, stats_basic),
        (2, stats_rate_est),
        (3, stats_queue),
        (5, stats_rate_est64),
        (7, stats_basic),
        (8, nla::u64),
    ],
};

fn tca_stats(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &TCA_STATS_ATTRS)
}

fn stats_basic(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        12,
        &[("bytes", 0, 8, Kind::U), ("packets", 8, 4, Kind::U)],
    )
}

fn stats_rate_est(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        8,
        &[("bps", 0, 4, Kind::U), ("pps", 4, 4, Kind::U)],
    )
}

fn stats_rate_est64(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        16,
        &[("bps", 0, 8, Kind::U), ("pps", 8, 8, Kind::U)],
    )
}

fn stats_queue(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        20,
        &[
            ("qlen", 0, 4, Kind::U),
            ("backlog", 4, 4, Kind::U),
            ("drops", 8, 4, Kind::U),
            ("requeues", 12, 4, Kind::U),
            ("overlimits", 16, 4, Kind::U),
        ],
    )
}

static TCA_STAB_ATTRS: Attrs = Attrs {
    names: x::RTNL_TCA_STAB_ATTRS,
    dflt: "TCA_STAB_???",
    decoders: &[(1, sizespec), (2, stab_data)],
};

fn tca_stab(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &TCA_STAB_ATTRS)
}

fn sizespec(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        24,
        &[
            ("cell_log", 0, 1, Kind::U),
            ("size_log", 1, 1, Kind::U),
            ("cell_align", 2, 2, Kind::D(2)),
            ("overhead", 4, 4, Kind::D(4)),
            ("linklayer", 8, 4, Kind::U),
            ("mpu", 12, 4, Kind::U),
            ("mtu", 16, 4, Kind::U),
            ("tsize", 20, 4, Kind::U),
        ],
    )
}

fn stab_data(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<2>(out, ctx, mem, |o, b| {
        let _ = write!(o, "{}", u16::from_le_bytes(b));
    })
}

static NEIGHTBL_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEIGHTBL_ATTRS,
    dflt: "NDTA_???",
    decoders: &[
        (1, nla::str),
        (2, nla::u32),
        (3, nla::u32),
        (4, nla::u32),
        (5, ndt_config),
        (6, ndta_parms),
        (7, ndt_stats),
        (8, nla::u64),
    ],
};

fn ndt_config(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    write_struct(
        out,
        mem,
        32,
        &[
            ("ndtc_key_len", 0, 2, Kind::U),
            ("ndtc_entry_size", 2, 2, Kind::U),
            ("ndtc_entries", 4, 4, Kind::U),
            ("ndtc_last_flush", 8, 4, Kind::U),
            ("ndtc_last_rand", 12, 4, Kind::U),
            ("ndtc_hash_rnd", 16, 4, Kind::U),
            ("ndtc_hash_mask", 20, 4, Kind::X08),
            ("ndtc_hash_chain_gc", 24, 4, Kind::U),
            ("ndtc_proxy_qlen", 28, 4, Kind::U),
        ],
    )
}

static NDT_PARMS_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEIGHTBL_PARMS_ATTRS,
    dflt: "NDTPA_???",
    decoders: &[
        (1, nla::ifindex),
        (2, nla::u32),
        (3, nla::u64),
        (4, nla::u64),
        (5, nla::u64),
        (6, nla::u64),
        (7, nla::u64),
        (8, nla::u32),
        (9, nla::u32),
        (10, nla::u32),
        (11, nla::u32),
        (12, nla::u64),
        (13, nla::u64),
        (14, nla::u32),
        (15, nla::u64),
        (16, nla::u32),
        (17, nla::u32),
        (19, nla::u64),
    ],
};

fn ndta_parms(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &NDT_PARMS_ATTRS)
}

/// `struct ndt_stats`, with or without its last field (`ndts_table_fulls`).
fn ndt_stats(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    const FIELDS: [Field; 11] = [
        ("ndts_allocs", 0, 8, Kind::U),
        ("ndts_destroys", 8, 8, Kind::U),
        ("ndts_hash_grows", 16, 8, Kind::U),
        ("ndts_res_failed", 24, 8, Kind::U),
        ("ndts_lookups", 32, 8, Kind::U),
        ("ndts_hits", 40, 8, Kind::U),
        ("ndts_rcv_probes_mcast", 48, 8, Kind::U),
        ("ndts_rcv_probes_ucast", 56, 8, Kind::U),
        ("ndts_periodic_gc_runs", 64, 8, Kind::U),
        ("ndts_forced_gc_runs", 72, 8, Kind::U),
        ("ndts_table_fulls", 80, 8, Kind::U),
    ];
    match mem.len {
        88.. => write_struct(out, mem, 88, &FIELDS),
        80 => write_struct(out, mem, 80, &FIELDS[..10]),
        _ => false,
    }
}

static NEXTHOP_ATTRS: Attrs = Attrs {
    names: x::RTNL_NEXTHOP_ATTRS,
    dflt: "NHA_???",
    decoders: &[
        (1, nla::u32),
        (2, nh_group),
        (3, nh_group_type),
        (4, nla::u32),
        (5, nla::ifindex),
        (6, nla::inet_addr),
        (7, encap_type),
        (9, nla::u32),
        (10, nla::ifindex),
        (11, nla::u32),
        (12, nha_res_group),
        (13, nha_res_bucket),
    ],
};

/// An array of `struct nexthop_grp`, their reserved fields shown when set.
fn nh_group(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<8>(out, ctx, mem, |o, b| {
        o.push('{');
        write_fields(
            o,
            &b,
            &[
                ("id", 0, 4, Kind::U),
                ("weight", 4, 1, Kind::U),
                ("resvd1", 5, 1, Kind::Pad),
                ("resvd2", 6, 2, Kind::Pad),
            ],
            0,
        );
        o.push('}');
    })
}

fn nh_group_type(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(
        out,
        mem,
        2,
        x::RTNL_NEXTHOP_GRP_TYPES,
        "NEXTHOP_GRP_TYPE_???",
    )
}

static NHA_RES_GROUP_ATTRS: Attrs = Attrs {
    names: x::RTNL_NHA_RES_GROUP_ATTRS,
    dflt: "NHA_RES_GROUP_???",
    decoders: &[
        (1, nla::u16),
        (2, nla::clock_t),
        (3, nla::clock_t),
        (4, nla::clock_t),
    ],
};

fn nha_res_group(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &NHA_RES_GROUP_ATTRS)
}

static NHA_RES_BUCKET_ATTRS: Attrs = Attrs {
    names: x::RTNL_NHA_RES_BUCKET_ATTRS,
    dflt: "NHA_RES_BUCKET_???",
    decoders: &[(1, nla::u16), (2, nla::clock_t), (3, nla::u32)],
};

fn nha_res_bucket(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &NHA_RES_BUCKET_ATTRS)
}

#[cfg(test)]
mod tests {
    use super::super::{Buffer, NETLINK_ROUTE, write_messages};
    use crate::decode::DecodeOptions;

    fn header(len: u32, kind: u16, flags: u16) -> Vec<u8> {
        [
            &len.to_le_bytes()[..],
            &kind.to_le_bytes(),
            &flags.to_le_bytes(),
            &[0; 8],
        ]
        .concat()
    }

    fn decode(data: &[u8], len: usize) -> String {
        let mut s = String::new();
        let buf = Buffer {
            data,
            len,
            addr: 0x1000,
        };
        assert!(write_messages(
            &mut s,
            buf,
            NETLINK_ROUTE,
            &super::super::Ctx::new(&DecodeOptions::default(), 0, None),
            4096
        ));
        s
    }

    fn lo() -> String {
        let mut s = String::new();
        crate::decode::cmsg::write_ifindex(&mut s, 1);
        s
    }

    // nlattr_ifaddrmsg.c: an address of the message's family; the same attribute
    // ending past a mapping's end shows its payload's address.
    #[test]
    fn an_address_attribute() {
        let msg = [
            header(32, 22, 0x300),
            vec![2, 0, 1, 0, 1, 0, 0, 0],
            vec![8, 0, 1, 0, 12, 34, 56, 78],
        ]
        .concat();
        let head = format!(
            "[{{nlmsg_len=32, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, \
             nlmsg_pid=0}}, {{ifa_family=AF_INET, ifa_prefixlen=0, ifa_flags=IFA_F_SECONDARY, \
             ifa_scope=RT_SCOPE_UNIVERSE, ifa_index={}}}, [{{nla_len=8, nla_type=IFA_ADDRESS}}, ",
            lo()
        );
        assert_eq!(
            decode(&msg, 32),
            format!("{head}inet_addr(\"12.34.56.78\")]]")
        );
        assert_eq!(decode(&msg[..29], 32), format!("{head}0x101c]]"));
    }

    // nlattr_br_port_msg.c, nlattr_mdba_router_port.c: an unknown type in hex, and a
    // nested run (a router port's index, then its attributes).
    #[test]
    fn unknown_and_nested_attributes() {
        let msg = [
            header(32, 86, 0x300),
            vec![1, 0, 0, 0, 1, 0, 0, 0],
            vec![8, 0, 0xff, 0x3f, b'a', b'b', b'c', b'd'],
        ]
        .concat();
        assert_eq!(
            decode(&msg, 32),
            format!(
                "[{{nlmsg_len=32, nlmsg_type=RTM_GETMDB, nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, \
                 nlmsg_pid=0}}, {{family=AF_UNIX, ifindex={}}}, [{{nla_len=8, \
                 nla_type=0x3fff /* MDBA_??? */}}, \"\\x61\\x62\\x63\\x64\"]]",
                lo()
            )
        );
        let msg = [
            header(44, 86, 0x300),
            vec![1, 0, 0, 0, 1, 0, 0, 0],
            vec![20, 0, 2, 0, 16, 0, 1, 0, 1, 0, 0, 0, 5, 0, 2, 0, 2, 0, 0, 0],
        ]
        .concat();
        assert_eq!(
            decode(&msg, 44),
            format!(
                "[{{nlmsg_len=44, nlmsg_type=RTM_GETMDB, nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, \
                 nlmsg_pid=0}}, {{family=AF_UNIX, ifindex={lo}}}, [{{nla_len=20, \
                 nla_type=MDBA_ROUTER}}, [{{nla_len=16, nla_type=MDBA_ROUTER_PORT}}, {lo}, \
                 [{{nla_len=5, nla_type=MDBA_ROUTER_PATTR_TYPE}}, MDB_RTR_TYPE_PERM]]]]",
                lo = lo()
            )
        );
    }
}
