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
        (10, nla::u32),
        (13, nla::u32),
        (15, nla::u32),
        (16, nla::u8),
        (17, nla::u8),
        (19, nla::u32),
        (20, nla::str),
        (21, nla::u32),
        (24, vf_ports),
        (25, port),
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
