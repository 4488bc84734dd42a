//! Socket addresses as strace's `print_sockaddr` prints them: the family, then its
//! fields when the address is long enough for them (`sa_data` as a string when not, or
//! for families without a decoder), each field in the `-X` style.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::DecodeOptions;
use super::XlatStyle;
use super::cmsg::write_ifindex;
use super::flags::{self, Xlat, styled, write_enum};
use super::strings::quote;
use super::structs::Bytes;

const AF_UNIX: u16 = 1;
const AF_INET: u16 = 2;
const AF_INET6: u16 = 10;
const AF_AX25: u16 = 3;
const AF_IPX: u16 = 4;
const AF_X25: u16 = 9;
const AF_NETLINK: u16 = 16;
const AF_PACKET: u16 = 17;
const AF_RXRPC: u16 = 33;
const AF_IEEE802154: u16 = 36;
const AF_ALG: u16 = 38;
const AF_NFC: u16 = 39;
const AF_VSOCK: u16 = 40;
const AF_QIPCRTR: u16 = 42;
const AF_XDP: u16 = 44;
const AF_MCTP: u16 = 45;
/// `sizeof(struct sockaddr_un)`.
const SOCKADDR_UN: usize = 110;

/// `data`: the address, as long as its length says (at most a `sockaddr_storage`).
pub fn write(out: &mut String, data: &[u8], opts: &DecodeOptions) -> Option<()> {
    let b = Bytes(data);
    let family = b.u16(0)?;
    out.push_str("{sa_family=");
    write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
    let len = data.len();
    if len > 2 {
        out.push_str(", ");
        // The shortest address each decoder takes (strace's `sa_printers`).
        let decoded = match family {
            AF_UNIX => {
                write_unix(out, data, opts);
                Some(())
            }
            AF_INET if len >= 16 => write_inet(out, &b),
            AF_INET6 if len >= 24 => write_inet6(out, &b, len),
            AF_NETLINK if len >= 12 => write_netlink(out, &b),
            AF_PACKET if len >= 20 => write_packet(out, &b, len),
            AF_AX25 if len >= 16 => write_ax25(out, &b, len),
            AF_IPX if len >= 16 => write_ipx(out, &b),
            AF_X25 if len >= 18 => write_x25(out, &b, opts),
            AF_RXRPC if len >= 36 => write_rxrpc(out, &b, len, opts),
            AF_IEEE802154 if len >= 20 => write_ieee802154(out, &b),
            AF_ALG if len >= 25 => write_alg(out, &b, len, opts),
            AF_NFC if len >= 16 => write_nfc(out, &b, len, opts),
            AF_VSOCK if len >= 16 => write_vsock(out, &b),
            AF_QIPCRTR if len >= 12 => write_qrtr(out, &b),
            AF_XDP if len >= 16 => write_xdp(out, &b),
            AF_MCTP if len >= 12 => write_mctp(out, &b),
            _ => None,
        };
        if decoded.is_none() {
            out.push_str("sa_data=");
            quote(out, &data[2..], opts.hex, false);
        }
    }
    out.push('}');
    Some(())
}

/// A path up to its NUL (at most `sun_path`'s 108 bytes), or `@` and an abstract name
/// with all its bytes.
fn write_unix(out: &mut String, data: &[u8], opts: &DecodeOptions) {
    let path = &data[2..data.len().min(SOCKADDR_UN)];
    out.push_str("sun_path=");
    if path[0] != 0 {
        let end = path.iter().position(|&c| c == 0).unwrap_or(path.len());
        quote(out, &path[..end], opts.hex, false);
    } else {
        out.push('@');
        quote(out, &path[1..], opts.hex, false);
    }
}

/// `N` bytes at `off`.
fn arr<const N: usize>(b: &Bytes, off: usize) -> Option<[u8; N]> {
    b.0.get(off..off + N)?.try_into().ok()
}

/// `raw` forced to hex: how `-X raw` shows a field strace decodes in network order.
fn hex_bytes(raw: &[u8]) -> String {
    let mut s = String::new();
    quote(&mut s, raw, super::HexMode::None, true);
    s
}

fn write_port(out: &mut String, name: &str, raw: [u8; 2]) {
    let _ = write!(out, "{name}=");
    styled(out, &hex_bytes(&raw), |o| {
        let _ = write!(o, "htons({})", u16::from_be_bytes(raw));
    });
}

fn write_inet(out: &mut String, b: &Bytes) -> Option<()> {
    write_port(out, "sin_port", arr(b, 2)?);
    let addr: [u8; 4] = arr(b, 4)?;
    out.push_str(", sin_addr=");
    styled(out, &hex_bytes(&addr), |o| {
        let _ = write!(o, "inet_addr(\"{}\")", Ipv4Addr::from(addr));
    });
    Some(())
}

fn write_inet6(out: &mut String, b: &Bytes, len: usize) -> Option<()> {
    write_port(out, "sin6_port", arr(b, 2)?);
    let flow: [u8; 4] = arr(b, 4)?;
    out.push_str(", sin6_flowinfo=");
    styled(out, &hex_bytes(&flow), |o| {
        let _ = write!(o, "htonl({})", u32::from_be_bytes(flow));
    });
    let addr: [u8; 16] = arr(b, 8)?;
    let text = Ipv6Addr::from(addr);
    out.push_str(", ");
    // The abbreviated form names the field inside the call, the others before it.
    match flags::style() {
        XlatStyle::Abbrev => {
            let _ = write!(out, "inet_pton(AF_INET6, \"{text}\", &sin6_addr)");
        }
        XlatStyle::Raw => {
            let _ = write!(out, "sin6_addr={}", hex_bytes(&addr));
        }
        XlatStyle::Verbose => {
            let _ = write!(
                out,
                "sin6_addr={} /* inet_pton(AF_INET6, \"{text}\") */",
                hex_bytes(&addr)
            );
        }
    }
    if len > 24 {
        let scope = b.u32(24)?;
        out.push_str(", sin6_scope_id=");
        // Link-local unicast (fe80::/10) and multicast (ffx2::) scopes are interfaces.
        let link_local =
            (addr[0] == 0xfe && addr[1] & 0xc0 == 0x80) || (addr[0] == 0xff && addr[1] & 0xf == 2);
        if link_local {
            write_ifindex(out, scope);
        } else {
            let _ = write!(out, "{scope}");
        }
    }
    Some(())
}

fn write_netlink(out: &mut String, b: &Bytes) -> Option<()> {
    let pad = b.u16(2)?;
    if pad != 0 {
        let _ = write!(out, "nl_pad={pad:#x}, ");
    }
    let groups = b.u32(8)?;
    // C's `%#08x`: no prefix for zero.
    let groups = if groups == 0 {
        "00000000".to_owned()
    } else {
        format!("{groups:#08x}")
    };
    let _ = write!(out, "nl_pid={}, nl_groups={groups}", b.i32(4)?);
    Some(())
}

fn write_packet(out: &mut String, b: &Bytes, len: usize) -> Option<()> {
    let proto: [u8; 2] = arr(b, 2)?;
    out.push_str("sll_protocol=");
    styled(out, &hex_bytes(&proto), |o| {
        o.push_str("htons(");
        let _inner = flags::StyleScope::new(XlatStyle::Abbrev);
        let v = u16::from_be_bytes(proto) as u64;
        write_enum(o, v, ETHERNET_PROTOCOLS, "ETH_P_???");
        o.push(')');
    });
    out.push_str(", sll_ifindex=");
    write_ifindex(out, b.u32(4)?);
    out.push_str(", sll_hatype=");
    write_enum(out, b.u16(8)? as u64, ARP_HARDWARE_TYPES, "ARPHRD_???");
    out.push_str(", sll_pkttype=");
    write_enum(out, *b.0.get(10)? as u64, AF_PACKET_TYPES, "PACKET_???");
    let halen = *b.0.get(11)? as usize;
    let _ = write!(out, ", sll_halen={halen}");
    if halen > 0 {
        // What the address length leaves of `sll_addr` (8 bytes at 12).
        let room = len - 12;
        out.push_str(", sll_addr=[");
        for i in 0..halen {
            if i > 0 {
                out.push_str(", ");
            }
            if i >= room || i >= 8 {
                out.push_str("...");
                break;
            }
            let _ = write!(out, "{:#04x}", b.0[12 + i]);
        }
        out.push(']');
    }
    Some(())
}

/// strace's `PRINT_FIELD_XVAL` with no default: a name, else the number alone.
fn xval(out: &mut String, v: u64, table: Xlat) {
    styled(out, &flags::hex(v), |o| match flags::lookup(table, v) {
        Some(name) => o.push_str(name),
        None => o.push_str(&flags::hex(v)),
    });
}

/// strace's `*_VERBOSE` fields: the number and its name unless `-X raw`.
fn verbose(write: impl FnOnce()) {
    let style = match flags::style() {
        XlatStyle::Raw => XlatStyle::Raw,
        _ => XlatStyle::Verbose,
    };
    let _scope = flags::StyleScope::new(style);
    write();
}

/// A `char` array of `bytes.len()` bytes as strace's `PRINT_FIELD_STRING` with
/// `QUOTE_0_TERMINATED | QUOTE_EXPECT_TRAILING_0`: up to its NUL, `...` after it when the
/// last byte is no NUL.
fn cstr_field(out: &mut String, bytes: &[u8], opts: &DecodeOptions) {
    let size = bytes.len().saturating_sub(1);
    let text = &bytes[..size];
    match text.iter().position(|&c| c == 0) {
        Some(end) => quote(out, &text[..end], opts.hex, false),
        None => {
            quote(out, text, opts.hex, false);
            if bytes.get(size) != Some(&0) {
                out.push_str("...");
            }
        }
    }
}

/// An interface index in the `-X` style: `if_nametoindex("lo")`, `1`, or both.
fn ifindex(out: &mut String, index: u32) {
    styled(out, &index.to_string(), |o| write_ifindex(o, index));
}

/// A hardware address: `8a:8b:...`, its bytes in hex under `-X raw`.
fn hwaddr(out: &mut String, raw: &[u8]) {
    styled(out, &hex_bytes(raw), |o| {
        for (i, c) in raw.iter().enumerate() {
            if i > 0 {
                o.push(':');
            }
            let _ = write!(o, "{c:02x}");
        }
    });
}

/// `struct sockaddr_ax25` and, when there is more or digipeaters are counted, the
/// `full_sockaddr_ax25` digipeaters (at most 8, as many as the length holds).
fn write_ax25(out: &mut String, b: &Bytes, len: usize) -> Option<()> {
    let ndigis = b.i32(12)?;
    let full = ndigis != 0 || len > 16;
    if full {
        out.push_str("fsa_ax25={");
    }
    out.push_str("sax25_call=");
    write_ax25_addr(out, arr(b, 2)?);
    let _ = write!(out, ", sax25_ndigis={ndigis}");
    if !full {
        return Some(());
    }
    out.push('}');
    let has = ((len - 16) / 7).min(8);
    let want = (ndigis.max(0) as usize).min(8);
    if want > 0 {
        out.push_str(", fsa_digipeater=[");
        for i in 0..has.min(want) {
            if i > 0 {
                out.push_str(", ");
            }
            write_ax25_addr(out, arr(b, 16 + 7 * i)?);
        }
        if want > has {
            out.push_str(if has > 0 { ", ..." } else { "..." });
        }
        out.push(']');
    }
    if len > has * 7 + 16 {
        out.push_str(", ...");
    }
    Some(())
}

/// An AX.25 callsign as strace's `print_ax25_addr`: `CALL-SSID` (`*` for an empty one)
/// when it is a sane one, else its bytes, with the name in a comment when it has one.
fn write_ax25_addr(out: &mut String, call: [u8; 7]) {
    let mut style = None;
    let mut space_seen = false;
    let mut char_seen = false;
    for &raw in &call[..6] {
        if raw & 1 != 0 {
            style = Some(XlatStyle::Verbose);
        }
        let c = raw >> 1;
        if c == b' ' {
            space_seen = true;
        } else {
            char_seen = true;
        }
        if !c.is_ascii_digit() && !c.is_ascii_uppercase() && c != b' ' {
            style = Some(XlatStyle::Verbose);
        }
        if c != b' ' && space_seen {
            style = Some(XlatStyle::Verbose);
        }
        if !(b' '..=0x7e).contains(&c) || c == b'*' || c == b'/' {
            style = Some(XlatStyle::Raw);
            break;
        }
    }
    if style != Some(XlatStyle::Raw) && (call[6] & !0x1e != 0 || (!char_seen && call[6] != 0)) {
        style = Some(XlatStyle::Verbose);
    }
    let style = style.unwrap_or_else(flags::style);
    if style != XlatStyle::Abbrev {
        out.push_str("{ax25_call=");
        out.push_str(&hex_bytes(&call));
        out.push('}');
    }
    if style == XlatStyle::Raw {
        return;
    }
    let end = (1..=6)
        .rev()
        .find(|&end| call[end - 1] >> 1 != b' ')
        .unwrap_or(0);
    let mut text: String = call[..end].iter().map(|&c| (c >> 1) as char).collect();
    let ssid = (call[6] >> 1) & 0xf;
    let _ = write!(text, "-{ssid}");
    if text == "-0" {
        text = "*".into();
    }
    if style == XlatStyle::Verbose {
        let _ = write!(out, " /* {text} */");
    } else {
        out.push_str(&text);
    }
}

fn write_ipx(out: &mut String, b: &Bytes) -> Option<()> {
    write_port(out, "sipx_port", arr(b, 2)?);
    let net: [u8; 4] = arr(b, 4)?;
    let _ = write!(
        out,
        ", sipx_network=htonl({})",
        flags::hex(u32::from_be_bytes(net) as u64)
    );
    out.push_str(", sipx_node=[");
    for i in 0..6 {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{:#04x}", b.0[8 + i]);
    }
    let _ = write!(out, "], sipx_type={:#04x}", b.0[14]);
    if b.0[15] != 0 {
        let _ = write!(out, ", sipx_zero={:#x}", b.0[15]);
    }
    Some(())
}

fn write_x25(out: &mut String, b: &Bytes, opts: &DecodeOptions) -> Option<()> {
    out.push_str("sx25_addr={x25_addr=");
    cstr_field(out, b.0.get(2..18)?, opts);
    out.push('}');
    Some(())
}

/// `struct sockaddr_rxrpc`: the service, the transport's type, and its address (only
/// AF_INET and AF_INET6 are decoded, as RxRPC carries no other).
fn write_rxrpc(out: &mut String, b: &Bytes, len: usize, opts: &DecodeOptions) -> Option<()> {
    let service = b.u16(2)? as u64;
    out.push_str("srx_service=");
    verbose(|| write_enum(out, service, RXRPC_SERVICES, "???_SERVICE"));
    out.push_str(", transport_type=");
    write_enum(out, b.u16(4)? as u64, flags::SOCK_TYPES, "SOCK_???");
    let declared = b.u16(6)? as usize;
    let _ = write!(out, ", transport_len={declared}, transport={{");
    let transport_len = declared.min(len - 8);
    let rest = transport_len.saturating_sub(2);
    let family = b.u16(8)?;
    let tail = |out: &mut String| {
        if rest > 0 {
            out.push_str(", ");
            quote(out, &b.0[10..10 + rest], opts.hex, false);
        }
    };
    match family {
        AF_INET | AF_INET6 => {
            let (name, min) = if family == AF_INET {
                ("sin", 16)
            } else {
                ("sin6", 24)
            };
            let _ = write!(out, "{name}={{{name}_family=");
            write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
            if declared >= min {
                out.push_str(", ");
                let full = Bytes(&b.0[8..36]);
                if family == AF_INET {
                    write_inet(out, &full)?;
                } else {
                    write_inet6(out, &full, transport_len)?;
                }
            } else {
                tail(out);
            }
            out.push('}');
        }
        _ => {
            out.push_str("family=");
            write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
            tail(out);
        }
    }
    out.push('}');
    Some(())
}

fn write_ieee802154(out: &mut String, b: &Bytes) -> Option<()> {
    let kind = b.u32(4)?;
    out.push_str("addr={addr_type=");
    verbose(|| {
        write_enum(
            out,
            kind as u64,
            IEEE802154_ADDR_TYPES,
            "IEEE802154_ADDR_???",
        )
    });
    let pan_id = b.u16(8)? as u64;
    out.push_str(", pan_id=");
    verbose(|| xval(out, pan_id, IEEE802154_PAN_IDS));
    match kind {
        0 => {}
        2 => {
            let short = b.u16(10)? as u64;
            out.push_str(", short_addr=");
            verbose(|| xval(out, short, IEEE802154_ADDRS));
        }
        _ => {
            out.push_str(", hwaddr=");
            hwaddr(out, b.0.get(10..18)?);
        }
    }
    out.push('}');
    Some(())
}

/// `struct sockaddr_alg_new`: the type, features, mask and the name the length holds.
fn write_alg(out: &mut String, b: &Bytes, len: usize, opts: &DecodeOptions) -> Option<()> {
    out.push_str("salg_type=");
    cstr_field(out, b.0.get(2..16)?, opts);
    for (name, off) in [("salg_feat", 16), ("salg_mask", 20)] {
        let v = b.u32(off)? as u64;
        let _ = write!(out, ", {name}=");
        verbose(|| flags::write_flags(out, v, ALG_FLAGS, None, "CRYPTO_ALG_???"));
    }
    out.push_str(", salg_name=");
    cstr_field(out, b.0.get(24..len)?, opts);
    Some(())
}

/// `struct sockaddr_nfc`, and `struct sockaddr_nfc_llcp` when the length holds one.
fn write_nfc(out: &mut String, b: &Bytes, len: usize, opts: &DecodeOptions) -> Option<()> {
    out.push_str("dev_idx=");
    ifindex(out, b.u32(4)?);
    let _ = write!(
        out,
        ", target_idx={}, nfc_protocol=",
        flags::hex(b.u32(8)? as u64)
    );
    write_enum(out, b.u32(12)? as u64, NFC_PROTOCOLS, "NFC_PROTO_???");
    // sizeof(struct sockaddr_nfc_llcp) with a 64-bit size_t.
    if len < 96 {
        if len > 16 {
            out.push_str(", ...");
        }
        return Some(());
    }
    let name_len = b.u64(88)?;
    for (name, off) in [("dsap", 16), ("ssap", 17)] {
        let _ = write!(out, ", {name}=");
        verbose(|| xval(out, b.0[off] as u64, NFC_SAPS));
    }
    out.push_str(", service_name=");
    quote(
        out,
        &b.0[18..18 + name_len.min(63) as usize],
        opts.hex,
        false,
    );
    let _ = write!(out, ", service_name_len={name_len}");
    Some(())
}

fn write_vsock(out: &mut String, b: &Bytes) -> Option<()> {
    let reserved = b.u16(2)?;
    if reserved != 0 {
        let _ = write!(out, "svm_reserved1={reserved:#x}, ");
    }
    out.push_str("svm_cid=");
    xval(out, b.u32(8)? as u64, VSOCK_CIDS);
    out.push_str(", svm_port=");
    xval(out, b.u32(4)? as u64, VSOCK_PORTS);
    out.push_str(", svm_flags=");
    flags::write_flags(out, b.0[12] as u64, VSOCK_FLAGS, None, "VMADDR_FLAG_???");
    let zero = &b.0[13..16];
    if zero.iter().any(|&c| c != 0) {
        out.push_str(", svm_zero=");
        out.push_str(&hex_bytes(zero));
    }
    Some(())
}

fn write_qrtr(out: &mut String, b: &Bytes) -> Option<()> {
    out.push_str("sq_node=");
    xval(out, b.u32(4)? as u64, QRTR_NODES);
    out.push_str(", sq_port=");
    xval(out, b.u32(8)? as u64, QRTR_PORTS);
    Some(())
}

fn write_xdp(out: &mut String, b: &Bytes) -> Option<()> {
    let flags_v = b.u16(2)?;
    out.push_str("sxdp_flags=");
    flags::write_flags(out, flags_v as u64, XDP_FLAGS, None, "XDP_???");
    out.push_str(", sxdp_ifindex=");
    ifindex(out, b.u32(4)?);
    let _ = write!(out, ", sxdp_queue_id={}", b.u32(8)?);
    let fd = b.u32(12)?;
    if flags_v & 1 != 0 {
        let _ = write!(out, ", sxdp_shared_umem_fd={}", fd as i32);
    } else if fd != 0 {
        let _ = write!(out, ", sxdp_shared_umem_fd={fd:#x}");
    }
    Some(())
}

/// The descriptor an AF_XDP address shares its memory with (`XDP_SHARED_UMEM`), which
/// the line names with `-y`: the last field strace prints.
pub fn shared_umem_fd(data: &[u8]) -> Option<i32> {
    let b = Bytes(data);
    (b.u16(0)? == AF_XDP && data.len() >= 16 && b.u16(2)? & 1 != 0).then(|| b.i32(12))?
}

fn write_mctp(out: &mut String, b: &Bytes) -> Option<()> {
    let pad0 = b.u16(2)?;
    if pad0 != 0 {
        let _ = write!(out, "__smctp_pad0={pad0:#x}, ");
    }
    out.push_str("smctp_network=");
    xval(out, b.u32(4)? as u64, MCTP_NETS);
    out.push_str(", smctp_addr={s_addr=");
    xval(out, b.0[8] as u64, MCTP_ADDRS);
    let _ = write!(
        out,
        "}}, smctp_type={}, smctp_tag={}",
        flags::hex(b.0[9] as u64),
        flags::hex(b.0[10] as u64)
    );
    if b.0[11] != 0 {
        let _ = write!(out, ", __smctp_pad1={:#x}", b.0[11]);
    }
    Some(())
}

// strace's tables for the families above (src/xlat/*.in).
const RXRPC_SERVICES: Xlat = &[
    (1, "CM_SERVICE"),
    (2500, "YFS_FS_SERVICE"),
    (2501, "YFS_CM_SERVICE"),
    (2503, "YFS_VL_SERVICE"),
];
const IEEE802154_ADDR_TYPES: Xlat = &[
    (0, "IEEE802154_ADDR_NONE"),
    (2, "IEEE802154_ADDR_SHORT"),
    (3, "IEEE802154_ADDR_LONG"),
];
const IEEE802154_PAN_IDS: Xlat = &[(0xffff, "IEEE802154_PANID_BROADCAST")];
const IEEE802154_ADDRS: Xlat = &[
    (0xfffe, "IEEE802154_ADDR_UNDEF"),
    (0xffff, "IEEE802154_ADDR_BROADCAST"),
];
const ALG_FLAGS: Xlat = &[(0x1000, "CRYPTO_ALG_KERN_DRIVER_ONLY")];
const NFC_PROTOCOLS: Xlat = &[
    (1, "NFC_PROTO_JEWEL"),
    (2, "NFC_PROTO_MIFARE"),
    (3, "NFC_PROTO_FELICA"),
    (4, "NFC_PROTO_ISO14443"),
    (5, "NFC_PROTO_NFC_DEP"),
    (6, "NFC_PROTO_ISO14443_B"),
    (7, "NFC_PROTO_ISO15693"),
];
const NFC_SAPS: Xlat = &[
    (1, "LLCP_SAP_SDP"),
    (2, "LLCP_SAP_IP"),
    (3, "LLCP_SAP_OBEX"),
    (4, "LLCP_SAP_SNEP"),
    (0xff, "LLCP_SAP_MAX"),
];
const VSOCK_CIDS: Xlat = &[
    (0, "VMADDR_CID_HYPERVISOR"),
    (1, "VMADDR_CID_LOCAL"),
    (2, "VMADDR_CID_HOST"),
    (0xffff_ffff, "VMADDR_CID_ANY"),
];
const VSOCK_PORTS: Xlat = &[(0xffff_ffff, "VMADDR_PORT_ANY")];
const VSOCK_FLAGS: Xlat = &[(1, "VMADDR_FLAG_TO_HOST")];
const QRTR_NODES: Xlat = &[(0xffff_ffff, "QRTR_NODE_BCAST")];
const QRTR_PORTS: Xlat = &[(0xffff_fffe, "QRTR_PORT_CTRL")];
const XDP_FLAGS: Xlat = &[
    (1, "XDP_SHARED_UMEM"),
    (2, "XDP_COPY"),
    (4, "XDP_ZEROCOPY"),
    (8, "XDP_USE_NEED_WAKEUP"),
];
const MCTP_NETS: Xlat = &[(0, "MCTP_NET_ANY")];
const MCTP_ADDRS: Xlat = &[(0, "MCTP_ADDR_NULL"), (0xff, "MCTP_ADDR_ANY")];

pub const ETHERNET_PROTOCOLS: Xlat = &[
    (0x0001, "ETH_P_802_3"),
    (0x0002, "ETH_P_AX25"),
    (0x0003, "ETH_P_ALL"),
    (0x0004, "ETH_P_802_2"),
    (0x0005, "ETH_P_SNAP"),
    (0x0006, "ETH_P_DDCMP"),
    (0x0007, "ETH_P_WAN_PPP"),
    (0x0008, "ETH_P_PPP_MP"),
    (0x0009, "ETH_P_LOCALTALK"),
    (0x000C, "ETH_P_CAN"),
    (0x000D, "ETH_P_CANFD"),
    (0x000E, "ETH_P_CANXL"),
    (0x0010, "ETH_P_PPPTALK"),
    (0x0011, "ETH_P_TR_802_2"),
    (0x0015, "ETH_P_MOBITEX"),
    (0x0016, "ETH_P_CONTROL"),
    (0x0017, "ETH_P_IRDA"),
    (0x0018, "ETH_P_ECONET"),
    (0x0019, "ETH_P_HDLC"),
    (0x001A, "ETH_P_ARCNET"),
    (0x001B, "ETH_P_DSA"),
    (0x001C, "ETH_P_TRAILER"),
    (0x0060, "ETH_P_LOOP"),
    (0x00F5, "ETH_P_PHONET"),
    (0x00F6, "ETH_P_IEEE802154"),
    (0x00F7, "ETH_P_CAIF"),
    (0x00F8, "ETH_P_XDSA"),
    (0x00F9, "ETH_P_MAP"),
    (0x00FA, "ETH_P_MCTP"),
    (0x0200, "ETH_P_PUP"),
    (0x0201, "ETH_P_PUPAT"),
    (0x0600, "ETH_P_802_3_MIN"),
    (0x0800, "ETH_P_IP"),
    (0x0805, "ETH_P_X25"),
    (0x0806, "ETH_P_ARP"),
    (0x08FF, "ETH_P_BPQ"),
    (0x0a00, "ETH_P_IEEEPUP"),
    (0x0a01, "ETH_P_IEEEPUPAT"),
    (0x22EB, "ETH_P_ERSPAN2"),
    (0x22F0, "ETH_P_TSN"),
    (0x4305, "ETH_P_BATMAN"),
    (0x6000, "ETH_P_DEC"),
    (0x6001, "ETH_P_DNA_DL"),
    (0x6002, "ETH_P_DNA_RC"),
    (0x6003, "ETH_P_DNA_RT"),
    (0x6004, "ETH_P_LAT"),
    (0x6005, "ETH_P_DIAG"),
    (0x6006, "ETH_P_CUST"),
    (0x6007, "ETH_P_SCA"),
    (0x6558, "ETH_P_TEB"),
    (0x8035, "ETH_P_RARP"),
    (0x809B, "ETH_P_ATALK"),
    (0x80F3, "ETH_P_AARP"),
    (0x8100, "ETH_P_8021Q"),
    (0x8137, "ETH_P_IPX"),
    (0x86DD, "ETH_P_IPV6"),
    (0x8808, "ETH_P_PAUSE"),
    (0x8809, "ETH_P_SLOW"),
    (0x883E, "ETH_P_WCCP"),
    (0x8847, "ETH_P_MPLS_UC"),
    (0x8848, "ETH_P_MPLS_MC"),
    (0x884c, "ETH_P_ATMMPOA"),
    (0x8863, "ETH_P_PPP_DISC"),
    (0x8864, "ETH_P_PPP_SES"),
    (0x886c, "ETH_P_LINK_CTL"),
    (0x8884, "ETH_P_ATMFATE"),
    (0x888E, "ETH_P_PAE"),
    (0x8899, "ETH_P_REALTEK"),
    (0x88A2, "ETH_P_AOE"),
    (0x88A8, "ETH_P_8021AD"),
    (0x88B5, "ETH_P_802_EX1"),
    (0x88BE, "ETH_P_ERSPAN"),
    (0x88C7, "ETH_P_PREAUTH"),
    (0x88CA, "ETH_P_TIPC"),
    (0x88CC, "ETH_P_LLDP"),
    (0x88E3, "ETH_P_MRP"),
    (0x88E5, "ETH_P_MACSEC"),
    (0x88E7, "ETH_P_8021AH"),
    (0x88F5, "ETH_P_MVRP"),
    (0x88F7, "ETH_P_1588"),
    (0x88F8, "ETH_P_NCSI"),
    (0x88FB, "ETH_P_PRP"),
    (0x8902, "ETH_P_CFM"),
    (0x8906, "ETH_P_FCOE"),
    (0x890D, "ETH_P_TDLS"),
    (0x8914, "ETH_P_FIP"),
    (0x8915, "ETH_P_IBOE"),
    (0x8917, "ETH_P_80221"),
    (0x892F, "ETH_P_HSR"),
    (0x894F, "ETH_P_NSH"),
    (0x9000, "ETH_P_LOOPBACK"),
    (0x9100, "ETH_P_QINQ1"),
    (0x9200, "ETH_P_QINQ2"),
    (0x9300, "ETH_P_QINQ3"),
    (0xDADA, "ETH_P_EDSA"),
    (0xDADB, "ETH_P_DSA_8021Q"),
    (0xE001, "ETH_P_DSA_A5PSW"),
    (0xED3E, "ETH_P_IFE"),
    (0xFBFB, "ETH_P_AF_IUCV"),
];

pub const ARP_HARDWARE_TYPES: Xlat = &[
    (0, "ARPHRD_NETROM"),
    (1, "ARPHRD_ETHER"),
    (2, "ARPHRD_EETHER"),
    (3, "ARPHRD_AX25"),
    (4, "ARPHRD_PRONET"),
    (5, "ARPHRD_CHAOS"),
    (6, "ARPHRD_IEEE802"),
    (7, "ARPHRD_ARCNET"),
    (8, "ARPHRD_APPLETLK"),
    (15, "ARPHRD_DLCI"),
    (19, "ARPHRD_ATM"),
    (23, "ARPHRD_METRICOM"),
    (24, "ARPHRD_IEEE1394"),
    (27, "ARPHRD_EUI64"),
    (32, "ARPHRD_INFINIBAND"),
    (256, "ARPHRD_SLIP"),
    (257, "ARPHRD_CSLIP"),
    (258, "ARPHRD_SLIP6"),
    (259, "ARPHRD_CSLIP6"),
    (260, "ARPHRD_RSRVD"),
    (264, "ARPHRD_ADAPT"),
    (270, "ARPHRD_ROSE"),
    (271, "ARPHRD_X25"),
    (272, "ARPHRD_HWX25"),
    (280, "ARPHRD_CAN"),
    (290, "ARPHRD_MCTP"),
    (512, "ARPHRD_PPP"),
    (513, "ARPHRD_CISCO"),
    (516, "ARPHRD_LAPB"),
    (517, "ARPHRD_DDCMP"),
    (518, "ARPHRD_RAWHDLC"),
    (519, "ARPHRD_RAWIP"),
    (768, "ARPHRD_TUNNEL"),
    (769, "ARPHRD_TUNNEL6"),
    (770, "ARPHRD_FRAD"),
    (771, "ARPHRD_SKIP"),
    (772, "ARPHRD_LOOPBACK"),
    (773, "ARPHRD_LOCALTLK"),
    (774, "ARPHRD_FDDI"),
    (775, "ARPHRD_BIF"),
    (776, "ARPHRD_SIT"),
    (777, "ARPHRD_IPDDP"),
    (778, "ARPHRD_IPGRE"),
    (779, "ARPHRD_PIMREG"),
    (780, "ARPHRD_HIPPI"),
    (781, "ARPHRD_ASH"),
    (782, "ARPHRD_ECONET"),
    (783, "ARPHRD_IRDA"),
    (784, "ARPHRD_FCPP"),
    (785, "ARPHRD_FCAL"),
    (786, "ARPHRD_FCPL"),
    (787, "ARPHRD_FCFABRIC"),
    (800, "ARPHRD_IEEE802_TR"),
    (801, "ARPHRD_IEEE80211"),
    (802, "ARPHRD_IEEE80211_PRISM"),
    (803, "ARPHRD_IEEE80211_RADIOTAP"),
    (804, "ARPHRD_IEEE802154"),
    (805, "ARPHRD_IEEE802154_MONITOR"),
    (820, "ARPHRD_PHONET"),
    (821, "ARPHRD_PHONET_PIPE"),
    (822, "ARPHRD_CAIF"),
    (823, "ARPHRD_IP6GRE"),
    (824, "ARPHRD_NETLINK"),
    (825, "ARPHRD_6LOWPAN"),
    (826, "ARPHRD_VSOCKMON"),
    (0xFFFE, "ARPHRD_NONE"),
    (0xFFFF, "ARPHRD_VOID"),
];

pub const AF_PACKET_TYPES: Xlat = &[
    (0, "PACKET_HOST"),
    (1, "PACKET_BROADCAST"),
    (2, "PACKET_MULTICAST"),
    (3, "PACKET_OTHERHOST"),
    (4, "PACKET_OUTGOING"),
    (5, "PACKET_LOOPBACK"),
    (6, "PACKET_USER"),
    (7, "PACKET_KERNEL"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(data: &[u8]) -> String {
        let mut s = String::new();
        write(&mut s, data, &DecodeOptions::default()).unwrap();
        s
    }

    fn with_family(family: u16, rest: &[u8]) -> Vec<u8> {
        [&family.to_le_bytes()[..], rest].concat()
    }

    // net-sockaddr.c's addresses.
    #[test]
    fn unix_paths_stop_at_their_nul_or_sun_path_abstract_ones_do_not() {
        let mut path = vec![b'0'; 126];
        assert_eq!(
            decode(&with_family(1, &path)),
            format!("{{sa_family=AF_UNIX, sun_path=\"{}\"}}", "0".repeat(108))
        );
        path[0] = 0;
        path[1] = 0;
        path[2] = 1;
        assert_eq!(
            decode(&with_family(1, &path[..108])),
            format!(
                "{{sa_family=AF_UNIX, sun_path=@\"\\0\\001{}\"}}",
                "0".repeat(105)
            )
        );
    }

    #[test]
    fn short_addresses_show_their_bytes() {
        let short = [0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff];
        assert_eq!(
            decode(&with_family(2, &short)),
            "{sa_family=AF_INET, sa_data=\"\\0\\0\\0\\0\\0\\0\\377\\377\\377\\377\"}"
        );
        assert_eq!(
            decode(&with_family(0, b"0")),
            "{sa_family=AF_UNSPEC, sa_data=\"0\"}"
        );
    }

    #[test]
    fn inet6_netlink_and_packet() {
        let mut in6 = vec![0x30, 0x39, 0x49, 0x96, 0x02, 0xd2];
        in6.extend([0xff, 0x42].iter().chain(&[0; 14]));
        in6.extend(1u32.to_le_bytes());
        let mut lo = String::new();
        write_ifindex(&mut lo, 1);
        assert_eq!(
            decode(&with_family(10, &in6)),
            format!(
                "{{sa_family=AF_INET6, sin6_port=htons(12345), sin6_flowinfo=htonl(1234567890), \
                 inet_pton(AF_INET6, \"ff42::\", &sin6_addr), sin6_scope_id={lo}}}"
            )
        );
        let nl = [
            &0xffffu16.to_le_bytes()[..],
            &1234567890u32.to_le_bytes(),
            &0xfacefeedu32.to_le_bytes(),
        ]
        .concat();
        assert_eq!(
            decode(&with_family(16, &nl)),
            "{sa_family=AF_NETLINK, nl_pad=0xffff, nl_pid=1234567890, nl_groups=0xfacefeed}"
        );
        let mut ll = vec![0, 3];
        ll.extend(0xfacefeedu32.to_le_bytes());
        ll.extend([1, 0, 0, 9]);
        ll.extend(b"abcdefgh");
        assert_eq!(
            decode(&with_family(17, &ll)),
            "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=4207869677, \
             sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=9, \
             sll_addr=[0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, ...]}"
        );
    }
}
