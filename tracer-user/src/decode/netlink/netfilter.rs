//! `NETLINK_NETFILTER` messages' payloads (strace's `netlink_netfilter.c`): a
//! `struct nfgenmsg`, then attributes of types strace does not name.

use std::fmt::Write;

use super::Buffer;
use super::nlattr::{self as nla, Attrs, Ctx};
use super::xlat as x;
use crate::decode::flags::{self, styled, write_enum};
use crate::decode::write_hex;

const NFNL_SUBSYS_NFTABLES: u16 = 10;
const NFNL_MSG_BATCH_BEGIN: u16 = 16;
const NFNL_MSG_BATCH_END: u16 = 17;

static UNNAMED: Attrs = Attrs {
    names: &[],
    dflt: "",
    decoders: &[],
};

pub fn write(out: &mut String, ctx: &Ctx, kind: u16, mem: Buffer) {
    if mem.len < 4 {
        return nla::write_hex_str(out, ctx, mem);
    }
    let Some(b) = mem.get(0, 4) else {
        return write_hex(out, mem.addr);
    };
    let subsys = kind >> 8;
    let raw_res_id = u16::from_le_bytes([b[2], b[3]]);
    let res_id = u16::from_be_bytes([b[2], b[3]]);
    out.push_str("{nfgen_family=");
    write_enum(out, b[0] as u64, flags::ADDRESS_FAMILIES, "AF_???");
    out.push_str(", version=");
    write_enum(out, b[1] as u64, x::NETFILTER_VERSIONS, "NFNETLINK_???");
    out.push_str(", res_id=");
    // The kernel once sent this one in host order (strace's workaround).
    if subsys == NFNL_SUBSYS_NFTABLES && res_id == NFNL_SUBSYS_NFTABLES {
        styled(out, &flags::hex(raw_res_id as u64), |o| {
            o.push_str("htons(NFNL_SUBSYS_NFTABLES)")
        });
    } else if subsys == NFNL_SUBSYS_NFTABLES && raw_res_id == NFNL_SUBSYS_NFTABLES {
        styled(out, &flags::hex(raw_res_id as u64), |o| {
            o.push_str("NFNL_SUBSYS_NFTABLES")
        });
    } else {
        let _ = write!(out, "htons({res_id})");
    }
    out.push('}');
    if mem.len > 4 {
        out.push_str(", ");
        let rest = mem.from(4);
        if (NFNL_MSG_BATCH_BEGIN..=NFNL_MSG_BATCH_END).contains(&kind) || kind < 16 {
            nla::write_hex_str(out, ctx, rest);
        } else {
            nla::write_attrs(out, ctx, rest, &UNNAMED);
        }
    }
}
