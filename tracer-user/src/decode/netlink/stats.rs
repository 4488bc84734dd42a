//! A stats message's (`if_stats_msg`'s) attributes and the runs nested in them
//! (strace's `rtnl_stats.c`): bridge, bond and offload statistics, per-family stats.

use std::fmt::Write;

use super::Buffer;
use super::nlattr::{self as nla, Attrs, Ctx};
use super::route::{Field, Kind, uint, write_fields};
use super::xlat as x;
use crate::decode::flags::{self, styled};

pub static IFSTATS_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_ATTRS,
    dflt: "IFLA_STATS_???",
    decoders: &[
        (1, super::link::stats64),
        (2, xstats),
        (3, xstats),
        (4, offload),
        (5, af_spec),
    ],
};

/// A struct of `size` bytes, then what follows it in hex (strace's
/// `umove_or_printaddr` and `printstr_ex(..., QUOTE_FORCE_HEX)` of the rest); false when
/// the payload is shorter.
fn struct_then_rest(
    out: &mut String,
    ctx: &Ctx,
    mem: Buffer,
    size: usize,
    print: impl FnOnce(&mut String, &[u8]),
) -> bool {
    if mem.len < size {
        return false;
    }
    let Some(b) = mem.get(0, size) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    out.push('{');
    print(out, b);
    out.push('}');
    if mem.len > size {
        out.push_str(", ");
        nla::write_hex_str(out, ctx, mem.from(size));
    }
    true
}

fn fields(size: usize, fields: &'static [Field]) -> impl Fn(&mut String, &Ctx, Buffer) -> bool {
    move |out, ctx, mem| struct_then_rest(out, ctx, mem, size, |o, b| write_fields(o, b, fields, 0))
}

static XSTATS_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_XSTATS_TYPE_ATTRS,
    dflt: "LINK_XSTATS_TYPE_???",
    decoders: &[(1, bridge), (2, bond)],
};

fn xstats(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &XSTATS_ATTRS)
}

static BRIDGE_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_XSTATS_BRIDGE_ATTRS,
    dflt: "BRIDGE_XSTATS_???",
    decoders: &[(1, bridge_vlan), (2, bridge_mcast), (4, bridge_stp)],
};

fn bridge(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &BRIDGE_ATTRS)
}

/// `struct bridge_vlan_xstats`, its padding shown when set.
fn bridge_vlan(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    fields(
        40,
        &[
            ("rx_bytes", 0, 8, Kind::U),
            ("rx_packets", 8, 8, Kind::U),
            ("tx_bytes", 16, 8, Kind::U),
            ("tx_packets", 24, 8, Kind::U),
            ("vid", 32, 2, Kind::U),
            (
                "flags",
                34,
                2,
                Kind::Flags(x::NL_BRIDGE_VLAN_FLAGS, "BRIDGE_VLAN_INFO_???"),
            ),
            ("pad2", 36, 4, Kind::Pad),
        ],
    )(out, ctx, mem)
}

/// `struct br_mcast_stats`: counters, most of them per direction (`[[BR_MCAST_DIR_RX]=1,
/// [BR_MCAST_DIR_TX]=2]`).
fn bridge_mcast(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    const MCAST: [(&str, bool); 16] = [
        ("igmp_v1queries", true),
        ("igmp_v2queries", true),
        ("igmp_v3queries", true),
        ("igmp_leaves", true),
        ("igmp_v1reports", true),
        ("igmp_v2reports", true),
        ("igmp_v3reports", true),
        ("igmp_parse_errors", false),
        ("mld_v1queries", true),
        ("mld_v2queries", true),
        ("mld_leaves", true),
        ("mld_v1reports", true),
        ("mld_v2reports", true),
        ("mld_parse_errors", false),
        ("mcast_bytes", true),
        ("mcast_packets", true),
    ];
    struct_then_rest(out, ctx, mem, 240, |o, b| {
        let mut off = 0;
        for (i, (name, pair)) in MCAST.iter().enumerate() {
            if i > 0 {
                o.push_str(", ");
            }
            let _ = write!(o, "{name}=");
            if !pair {
                let _ = write!(o, "{}", uint(b, off, 8));
                off += 8;
                continue;
            }
            o.push('[');
            for dir in 0..2u64 {
                if dir > 0 {
                    o.push_str(", ");
                }
                o.push('[');
                styled(o, &dir.to_string(), |o| {
                    o.push_str(
                        flags::lookup(x::IFSTATS_XSTATS_BRIDGE_MCAST_INDICES, dir).unwrap_or(""),
                    )
                });
                let _ = write!(o, "]={}", uint(b, off, 8));
                off += 8;
            }
            o.push(']');
        }
    })
}

/// `struct bridge_stp_xstats`.
fn bridge_stp(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    fields(
        48,
        &[
            ("transition_blk", 0, 8, Kind::U),
            ("transition_fwd", 8, 8, Kind::U),
            ("rx_bpdu", 16, 8, Kind::U),
            ("tx_bpdu", 24, 8, Kind::U),
            ("rx_tcn", 32, 8, Kind::U),
            ("tx_tcn", 40, 8, Kind::U),
        ],
    )(out, ctx, mem)
}

static BOND_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_XSTATS_BOND_ATTRS,
    dflt: "BOND_XSTATS_???",
    decoders: &[(1, bond_3ad)],
};

fn bond(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &BOND_ATTRS)
}

static BOND_3AD_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_XSTATS_BOND_3AD_ATTRS,
    dflt: "BOND_XSTATS_???",
    decoders: &[
        (0, nla::u64),
        (1, nla::u64),
        (2, nla::u64),
        (3, nla::u64),
        (4, nla::u64),
        (5, nla::u64),
        (6, nla::u64),
        (7, nla::u64),
        (8, nla::u64),
    ],
};

fn bond_3ad(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &BOND_3AD_ATTRS)
}

static OFFLOAD_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_OFFLOAD_ATTRS,
    dflt: "IFLA_OFFLOAD_XSTATS_???",
    decoders: &[(1, super::link::stats64)],
};

fn offload(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &OFFLOAD_ATTRS)
}

/// `IFLA_STATS_AF_SPEC`: a run of attributes typed by address family, each a run of
/// that family's attributes (only `AF_MPLS` has them; the others in hex).
static AF_SPEC_ATTRS: Attrs = Attrs {
    names: flags::ADDRESS_FAMILIES,
    dflt: "AF_???",
    decoders: &[(28, mpls)],
};

fn af_spec(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &AF_SPEC_ATTRS)
}

static MPLS_ATTRS: Attrs = Attrs {
    names: x::IFSTATS_AF_SPEC_MPLS_ATTRS,
    dflt: "MPLS_STATS_???",
    decoders: &[(1, mpls_link)],
};

fn mpls(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::nested(out, ctx, mem, &MPLS_ATTRS)
}

/// `struct mpls_link_stats`.
fn mpls_link(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    fields(
        72,
        &[
            ("rx_packets", 0, 8, Kind::U),
            ("tx_packets", 8, 8, Kind::U),
            ("rx_bytes", 16, 8, Kind::U),
            ("tx_bytes", 24, 8, Kind::U),
            ("rx_errors", 32, 8, Kind::U),
            ("tx_errors", 40, 8, Kind::U),
            ("rx_dropped", 48, 8, Kind::U),
            ("tx_dropped", 56, 8, Kind::U),
            ("rx_noroute", 64, 8, Kind::U),
        ],
    )(out, ctx, mem)
}
