//! Socket requests (type 0x89), as strace's `sock.c` prints them: `struct ifreq` by the
//! field each request reads or writes, owners and process groups as `int`s, a bridge's
//! name. SIOCGIFCONF's buffer of `ifreq`s is another pointer, not copied: its address
//! shows.

use std::fmt::Write;

use super::xlat::IFFFLAGS;
use super::{Ctx, Shape, cstring, int, need};
use crate::decode::flags::{self, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::{XlatStyle, sockaddr, strings::quote};

const SIOCGIFNAME: u32 = 0x8910;
const IFNAMSIZ: usize = 16;
/// `sizeof(struct ifreq)`: the name, then a 24-byte union.
const IFREQ: usize = 40;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // FIOSETOWN, SIOCSPGRP, SIOCSIFENCAP
        0x8901 | 0x8902 | 0x8926 => Shape::In(int),
        // FIOGETOWN, SIOCGPGRP, SIOCATMARK, SIOCGIFENCAP, SIOCOUTQNSD
        0x8903 | 0x8904 | 0x8905 | 0x8925 | 0x894b => Shape::Out(int),
        // SIOCBRADDBR, SIOCBRDELBR: the bridge's name.
        0x89a0 | 0x89a1 => Shape::In(bridge_name),
        // SIOCBRADDIF, SIOCBRDELIF: the interface's index.
        0x89a2 | 0x89a3 => Shape::In(|out, b, _| {
            need(b, IFREQ)?;
            out.push_str("{ifr_ifindex=");
            crate::decode::cmsg::write_ifindex(out, b.u32(16)?);
            out.push('}');
            Some(())
        }),
        // SIOCADDMULTI, SIOCDELMULTI, SIOCSIF{ADDR,BRDADDR,DSTADDR,FLAGS,HWADDR,
        // HWBROADCAST,MAP,METRIC,MTU,NAME,NETMASK,SLAVE,TXQLEN}: the name, then the field.
        0x8931 | 0x8932 | 0x8916 | 0x891a | 0x8918 | 0x8914 | 0x8924 | 0x8937 | 0x8971 | 0x891e
        | 0x8922 | 0x8923 | 0x891c | 0x8930 | 0x8943 => Shape::In(set_ifreq),
        // SIOCGIF{ADDR,BRDADDR,DSTADDR,FLAGS,HWADDR,INDEX,MAP,METRIC,MTU,NAME,NETMASK,
        // SLAVE,TXQLEN}: the name (the index, for SIOCGIFNAME) the kernel reads, then
        // the field it writes.
        0x8915 | 0x8919 | 0x8917 | 0x8913 | 0x8927 | 0x8933 | 0x8970 | 0x891d | 0x8921
        | SIOCGIFNAME | 0x891b | 0x8929 | 0x8942 => Shape::Continued(get_ifreq_in, get_ifreq_out),
        // SIOCGIFCONF: the buffer's size, then what the kernel wrote into it.
        SIOCGIFCONF => Shape::Both(ifconf_in, ifconf_out),
        // The others strace leaves at their address.
        0x8980
        | 0x890b
        | 0x8990..=0x8995
        | 0x8953
        | 0x8981
        | 0x890c
        | 0x8936
        | 0x8960
        | 0x8946
        | 0x8954
        | 0x89b1
        | 0x8940
        | 0x8938
        | 0x891f
        | 0x8935
        | 0x8982
        | 0x8947
        | 0x8948
        | 0x8961
        | 0x894c
        | 0x8906
        | 0x8907
        | 0x8010_8906
        | 0x8010_8907
        | 0x890d
        | 0x8955
        | 0x89b0
        | 0x8941
        | 0x8911
        | 0x8920
        | 0x8934
        | 0x8983
        | 0x8949
        | 0x8962
        | 0x894a => Shape::Addr,
        _ => return None,
    })
}

/// strace's `printstr_ex(arg, IFNAMSIZ, QUOTE_0_TERMINATED)`: up to the NUL among the
/// first 16 bytes, `...` when there is none.
fn bridge_name(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let bytes = &b.0[..b.0.len().min(IFNAMSIZ)];
    let end = bytes.iter().position(|&c| c == 0);
    if end.is_none() && bytes.len() < IFNAMSIZ {
        return None;
    }
    quote(
        out,
        &bytes[..end.unwrap_or(bytes.len())],
        ctx.opts.hex,
        false,
    );
    if end.is_none() {
        out.push_str("...");
    }
    Some(())
}

fn set_ifreq(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, IFREQ)?;
    out.push_str("{ifr_name=");
    cstring(out, b, 0, IFNAMSIZ, ctx)?;
    out.push_str(", ");
    ifreq_field(out, b, ctx)?;
    out.push('}');
    Some(())
}

fn get_ifreq_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, IFREQ)?;
    if ctx.request == SIOCGIFNAME {
        let _ = write!(out, "{{ifr_ifindex={}", b.i32(16)?);
    } else {
        out.push_str("{ifr_name=");
        cstring(out, b, 0, IFNAMSIZ, ctx)?;
    }
    Some(())
}

fn get_ifreq_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, IFREQ)?;
    out.push_str(", ");
    ifreq_field(out, b, ctx)
}

/// The union's member the request names (strace's `print_ifreq`).
fn ifreq_field(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let addr = |out: &mut String, name: &str| {
        let _ = write!(out, "{name}=");
        sockaddr::write(out, b.0.get(16..32)?, ctx.opts)
    };
    let int = |out: &mut String, name: &str| {
        let _ = write!(out, "{name}={}", b.i32(16)?);
        Some(())
    };
    match ctx.request {
        0x8916 | 0x8915 => addr(out, "ifr_addr")?,
        0x8918 | 0x8917 => addr(out, "ifr_dstaddr")?,
        0x891a | 0x8919 => addr(out, "ifr_broadaddr")?,
        0x891c | 0x891b => addr(out, "ifr_netmask")?,
        0x8931 | 0x8932 | 0x8927 | 0x8924 | 0x8937 => {
            out.push_str("ifr_hwaddr={sa_family=");
            let family = b.u16(16)?;
            write_enum(
                out,
                family.into(),
                crate::decode::sockaddr::ARP_HARDWARE_TYPES,
                "ARPHRD_???",
            );
            out.push_str(", sa_data=");
            write_hwaddr(out, b.0.get(18..32)?, family);
            out.push('}');
        }
        0x8914 | 0x8913 => {
            out.push_str("ifr_flags=");
            write_flags(out, b.u16(16)?.into(), IFFFLAGS, None, "IFF_???");
        }
        0x8933 => int(out, "ifr_ifindex")?,
        0x891e | 0x891d => int(out, "ifr_metric")?,
        0x8922 | 0x8921 => int(out, "ifr_mtu")?,
        0x8930 | 0x8929 => {
            out.push_str("ifr_slave=");
            cstring(out, b, 16, IFNAMSIZ, ctx)?;
        }
        0x8923 => {
            out.push_str("ifr_newname=");
            cstring(out, b, 16, IFNAMSIZ, ctx)?;
        }
        SIOCGIFNAME => {
            out.push_str("ifr_name=");
            cstring(out, b, 0, IFNAMSIZ, ctx)?;
        }
        0x8943 | 0x8942 => int(out, "ifr_qlen")?,
        0x8971 | 0x8970 => {
            let _ = write!(
                out,
                "ifr_map={{mem_start={:#x}, mem_end={:#x}, base_addr={}, irq={}, dma={}, \
                 port={}}}",
                b.u64(16)?,
                b.u64(24)?,
                flags::hex(b.u16(32)?.into()),
                flags::hex(b.0[34].into()),
                flags::hex(b.0[35].into()),
                flags::hex(b.0[36].into()),
            );
        }
        _ => {}
    }
    Some(())
}

/// strace's `print_hwaddr`: the address as long as its hardware type's (the 14 bytes
/// when the type has no fixed length), `92:93:94:95:96:97`; the bytes quoted under
/// `-X raw` and `-X verbose`.
fn write_hwaddr(out: &mut String, data: &[u8], family: u16) {
    let len = match hwaddr_len(family) {
        Some(n) => n.min(data.len()),
        None => data.len(),
    };
    let text = data[..len]
        .iter()
        .map(|v| format!("{v:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    match flags::style() {
        XlatStyle::Abbrev => out.push_str(&text),
        XlatStyle::Raw => quote(out, data, crate::decode::HexMode::None, true),
        XlatStyle::Verbose => {
            quote(out, data, crate::decode::HexMode::None, true);
            let _ = write!(out, " /* {text} */");
        }
    }
}

/// strace's `hwaddr_sizes`: the address length of a hardware type, None for those with
/// none fixed.
fn hwaddr_len(family: u16) -> Option<usize> {
    Some(match family {
        // NETROM, AX25
        0 | 3 => 7,
        // ETHER, IEEE802, LOOPBACK, FDDI, HIPPI, IEEE80211{,_PRISM,_RADIOTAP}
        1 | 6 | 772 | 774 | 780 | 801..=803 => 6,
        // ARCNET, MCTP, LOCALTLK, PHONET{,_PIPE}
        7 | 290 | 773 | 820 | 821 => 1,
        // DLCI
        15 => 2,
        // IEEE1394, TUNNEL6, IP6GRE
        24 | 769 | 823 => 16,
        // EUI64, IEEE802154{,_MONITOR}, 6LOWPAN
        27 | 804 | 805 | 825 => 8,
        // INFINIBAND
        32 => 20,
        // ROSE
        270 => 5,
        // TUNNEL, SIT, IPGRE, IRDA
        768 | 776 | 778 | 783 => 4,
        // SLIP, X25, CAN, PPP, RAWHDLC, RAWIP, IPDDP, PIMREG, CAIF, NETLINK, VSOCKMON
        256 | 271 | 280 | 512 | 518 | 519 | 777 | 779 | 822 | 824 | 826 => 0,
        _ => return None,
    })
}

const SIOCGIFCONF: u32 = 0x8912;

/// strace's `print_ifc_len`: the length, and how many `struct ifreq` it holds.
fn ifc_len(out: &mut String, len: i32) {
    let _ = write!(out, "{len}");
    let n = len as u32 / IFREQ as u32;
    if len > 0 && n * IFREQ as u32 == len as u32 {
        let _ = write!(out, " /* {n} * sizeof(struct ifreq) */");
    }
}

/// `struct ifconf` at entry: the room, when there is a buffer.
fn ifconf_in(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 16)?;
    out.push_str("{ifc_len=");
    if b.u64(8)? != 0 {
        ifc_len(out, b.i32(0)?);
    }
    Some(())
}

/// At exit: the length the kernel wrote (after the room asked for, when it changed),
/// and the interfaces in the buffer (its address when there was none or the call
/// failed).
fn ifconf_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 16)?;
    let entry = Bytes(ctx.entry);
    let (was_len, was_buf) = (entry.i32(0)?, entry.u64(8)?);
    let (len, buf) = (b.i32(0)?, b.u64(8)?);
    if was_buf != 0 && was_len != len {
        out.push_str(" => ");
    }
    if was_buf == 0 || was_len != len {
        ifc_len(out, len);
    }
    out.push_str(", ifc_buf=");
    if was_buf == 0 || ctx.failed {
        crate::decode::write_addr(out, was_buf);
        if was_buf != buf {
            out.push_str(" => ");
            crate::decode::write_addr(out, buf);
        }
    } else {
        let count = len as u32 as usize / IFREQ;
        super::mem_array(out, buf, IFREQ, count, ctx, |out, r| {
            out.push_str("{ifr_name=");
            super::cstring(out, r, 0, 16, ctx)?;
            out.push_str(", ifr_addr=");
            sockaddr::write(out, r.0.get(16..32)?, ctx.opts)?;
            out.push('}');
            Some(())
        });
    }
    out.push('}');
    Some(())
}

/// SIOCGIFCONF's interfaces, in the buffer the kernel filled.
pub(super) fn derefs(at: &super::Where, b: &Bytes) -> Vec<super::Want> {
    match (at.request, at.exit, b.i32(0), b.u64(8)) {
        (SIOCGIFCONF, true, Some(len), Some(buf)) if len > 0 => vec![(buf, len as usize)],
        _ => Vec::new(),
    }
}
