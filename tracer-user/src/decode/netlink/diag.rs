//! `NETLINK_SOCK_DIAG` requests and replies (strace's `netlink_sock_diag.c`,
//! `netlink_{unix,netlink,packet}_diag.c`): by the address family in the first byte, a
//! request's header or a reply's, as [`Header`] tables, then their attributes.

use std::fmt::Write;

use super::super::flags::{self, write_enum, write_flags};
use super::super::sockaddr::ETHERNET_PROTOCOLS;
use super::nlattr::{self as nla, Attrs, Ctx};
use super::route::{Header, Kind, uint, write_header};
use super::xlat as x;
use super::{Buffer, nlattr::write_hex_str};

const AF_UNIX: u8 = 1;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const AF_SMC: u8 = 43;
const TCPDIAG_GETSOCK: u16 = 18;
const DCCPDIAG_GETSOCK: u16 = 19;
const AF_NETLINK: u8 = 16;
const AF_PACKET: u8 = 17;
const NLM_F_REQUEST: u16 = 1;

/// A sock_diag message's payload (strace's `decode_netlink_sock_diag`).
pub fn write(out: &mut String, ctx: &Ctx, kind: u16, nl_flags: u16, mem: Buffer) {
    let Some(&family) = mem.get(0, 1).and_then(|b| b.first()) else {
        return super::super::write_hex(out, mem.addr);
    };
    let ctx = ctx.with_family(family);
    let request = nl_flags & NLM_F_REQUEST != 0;
    let header = match (family, request) {
        (AF_UNIX, true) => Some(&UNIX_DIAG_REQ),
        (AF_UNIX, false) => Some(&UNIX_DIAG_MSG),
        (AF_NETLINK, true) => Some(&NETLINK_DIAG_REQ),
        (AF_NETLINK, false) => Some(&NETLINK_DIAG_MSG),
        (AF_PACKET, true) => Some(&PACKET_DIAG_REQ),
        (AF_PACKET, false) => Some(&PACKET_DIAG_MSG),
        (AF_INET | AF_INET6, true) if matches!(kind, TCPDIAG_GETSOCK | DCCPDIAG_GETSOCK) => {
            Some(&INET_DIAG_REQ_COMPAT)
        }
        (AF_INET | AF_INET6, true) => Some(&INET_DIAG_REQ_V2),
        (AF_INET | AF_INET6, false) => Some(&INET_DIAG_MSG),
        (AF_SMC, true) => Some(&SMC_DIAG_REQ),
        (AF_SMC, false) => Some(&SMC_DIAG_MSG),
        _ => None,
    };
    match header {
        Some(h) if mem.len > 1 => write_header(out, &ctx, mem, h),
        _ => {
            out.push_str("{family=");
            write_enum(out, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
            if mem.len > 1 {
                out.push_str(", data=");
                write_hex_str(out, &ctx, mem.from(1));
            }
            out.push('}');
        }
    }
}

static UNIX_DIAG_REQ: Header = Header {
    family: "sdiag_family",
    size: 24,
    fields: &[
        ("sdiag_protocol", 1, 1, Kind::U),
        (
            "udiag_states",
            4,
            4,
            Kind::Flags(x::TCP_STATE_FLAGS, "1<<TCP_???"),
        ),
        ("udiag_ino", 8, 4, Kind::U),
        (
            "udiag_show",
            12,
            4,
            Kind::Flags(x::UNIX_DIAG_SHOW, "UDIAG_SHOW_???"),
        ),
        ("udiag_cookie", 16, 8, Kind::Cookie),
    ],
    attrs: None,
};

static UNIX_DIAG_MSG: Header = Header {
    family: "udiag_family",
    size: 16,
    fields: &[
        (
            "udiag_type",
            1,
            1,
            Kind::Xval(flags::SOCK_TYPES, Some("SOCK_???")),
        ),
        (
            "udiag_state",
            2,
            1,
            Kind::Xval(x::TCP_STATES, Some("TCP_???")),
        ),
        ("udiag_ino", 4, 4, Kind::U),
        ("udiag_cookie", 8, 8, Kind::Cookie),
    ],
    attrs: Some(&UNIX_DIAG_ATTRS),
};

static NETLINK_DIAG_REQ: Header = Header {
    family: "sdiag_family",
    size: 20,
    fields: &[
        (
            "sdiag_protocol",
            1,
            1,
            Kind::Xvals(&[NDIAG_PROTOCOLS, x::NETLINK_PROTOCOLS], "NETLINK_???"),
        ),
        ("ndiag_ino", 4, 4, Kind::U),
        (
            "ndiag_show",
            8,
            4,
            Kind::Flags(x::NETLINK_DIAG_SHOW, "NDIAG_SHOW_???"),
        ),
        ("ndiag_cookie", 12, 8, Kind::Cookie),
    ],
    attrs: None,
};

/// A request's protocol: any one, or all (`NDIAG_PROTO_ALL`).
const NDIAG_PROTOCOLS: flags::Xlat = &[(0xff, "NDIAG_PROTO_ALL")];

static NETLINK_DIAG_MSG: Header = Header {
    family: "ndiag_family",
    size: 28,
    fields: &[
        (
            "ndiag_type",
            1,
            1,
            Kind::Xval(flags::SOCK_TYPES, Some("SOCK_???")),
        ),
        (
            "ndiag_protocol",
            2,
            1,
            Kind::Xval(x::NETLINK_PROTOCOLS, Some("NETLINK_???")),
        ),
        (
            "ndiag_state",
            3,
            1,
            Kind::Xval(x::NETLINK_STATES, Some("NETLINK_???")),
        ),
        ("ndiag_portid", 4, 4, Kind::U),
        ("ndiag_dst_portid", 8, 4, Kind::U),
        ("ndiag_dst_group", 12, 4, Kind::U),
        ("ndiag_ino", 16, 4, Kind::U),
        ("ndiag_cookie", 20, 8, Kind::Cookie),
    ],
    attrs: Some(&NETLINK_DIAG_ATTRS),
};

static PACKET_DIAG_REQ: Header = Header {
    family: "sdiag_family",
    size: 20,
    fields: &[
        ("sdiag_protocol", 1, 1, Kind::X),
        ("pdiag_ino", 4, 4, Kind::U),
        (
            "pdiag_show",
            8,
            4,
            Kind::Flags(x::PACKET_DIAG_SHOW, "PACKET_SHOW_???"),
        ),
        ("pdiag_cookie", 12, 8, Kind::Cookie),
    ],
    attrs: None,
};

static PACKET_DIAG_MSG: Header = Header {
    family: "pdiag_family",
    size: 16,
    fields: &[
        (
            "pdiag_type",
            1,
            1,
            Kind::Xval(flags::SOCK_TYPES, Some("SOCK_???")),
        ),
        (
            "pdiag_num",
            2,
            2,
            Kind::Xval(ETHERNET_PROTOCOLS, Some("ETH_P_???")),
        ),
        ("pdiag_ino", 4, 4, Kind::U),
        ("pdiag_cookie", 8, 8, Kind::Cookie),
    ],
    attrs: Some(&PACKET_DIAG_ATTRS),
};

static INET_DIAG_REQ_COMPAT: Header = Header {
    family: "idiag_family",
    size: 60,
    fields: &[
        ("idiag_src_len", 1, 1, Kind::U),
        ("idiag_dst_len", 2, 1, Kind::U),
        (
            "idiag_ext",
            3,
            1,
            Kind::Flags(x::INET_DIAG_EXTENDED_FLAGS, "1<<INET_DIAG_???-1"),
        ),
        ("id", 4, 48, Kind::Sockid),
        (
            "idiag_states",
            52,
            4,
            Kind::Flags(x::TCP_STATE_FLAGS, "1<<TCP_???"),
        ),
        ("idiag_dbs", 56, 4, Kind::U),
    ],
    attrs: Some(&INET_DIAG_REQ_ATTRS),
};

static INET_DIAG_REQ_V2: Header = Header {
    family: "sdiag_family",
    size: 56,
    fields: &[
        (
            "sdiag_protocol",
            1,
            1,
            Kind::Xval(flags::IP_PROTOCOLS, Some("IPPROTO_???")),
        ),
        (
            "idiag_ext",
            2,
            1,
            Kind::Flags(x::INET_DIAG_EXTENDED_FLAGS, "1<<INET_DIAG_???-1"),
        ),
        (
            "idiag_states",
            4,
            4,
            Kind::Flags(x::TCP_STATE_FLAGS, "1<<TCP_???"),
        ),
        ("id", 8, 48, Kind::Sockid),
    ],
    attrs: Some(&INET_DIAG_REQ_ATTRS),
};

static INET_DIAG_REQ_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_REQ_ATTRS,
    dflt: "INET_DIAG_REQ_???",
    decoders: &[(1, bc_op), (3, nla::ip_proto)],
};

/// `struct inet_diag_bc_op`: `{code=INET_DIAG_BC_S_COND, yes=4, no=8}`.
fn write_bc_op(out: &mut String, b: &[u8]) {
    out.push_str("{code=");
    write_enum(out, b[0] as u64, x::INET_DIAG_BYTECODES, "INET_DIAG_BC_???");
    let _ = write!(out, ", yes={}, no={}}}", b[1], uint(b, 2, 2));
}

/// `INET_DIAG_REQ_BYTECODE`: the first operation, then its operand by its code
/// (strace's `decode_inet_diag_bc_op`).
fn bc_op(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if mem.len < 4 {
        return false;
    }
    let Some(op) = mem.get(0, 4) else {
        crate::decode::write_hex(out, mem.addr);
        return true;
    };
    write_bc_op(out, op);
    if mem.len > 4 {
        out.push_str(", ");
        bc_data(out, ctx, mem.from(4), op[0]);
    }
    true
}

/// A struct of `size` bytes printed by `print`, else (shorter) its bytes in hex.
fn bc_struct(
    out: &mut String,
    ctx: &Ctx,
    mem: Buffer,
    size: usize,
    print: impl FnOnce(&mut String, &[u8]),
) {
    if mem.len < size {
        return write_hex_str(out, ctx, mem);
    }
    match mem.get(0, size) {
        Some(b) => print(out, b),
        None => crate::decode::write_hex(out, mem.addr),
    }
}

fn bc_data(out: &mut String, ctx: &Ctx, mem: Buffer, code: u8) {
    const S_GE: u8 = 2;
    const D_LE: u8 = 5;
    const S_COND: u8 = 7;
    const D_COND: u8 = 8;
    const DEV_COND: u8 = 9;
    const MARK_COND: u8 = 10;
    match code {
        S_COND | D_COND => bc_struct(out, ctx, mem, 8, |o, b| {
            let family = b[0];
            o.push_str("{family=");
            write_enum(o, family as u64, flags::ADDRESS_FAMILIES, "AF_???");
            let _ = write!(o, ", prefix_len={}, port={}", b[1], uint(b, 4, 4));
            if mem.len > 8 {
                o.push_str(", ");
                let rest = mem.from(8);
                let size = match family {
                    2 => 4,
                    10 => 16,
                    _ => 0,
                };
                if size == 0 || rest.len < size {
                    o.push_str("addr=");
                    write_hex_str(o, ctx, rest);
                } else if let Some(raw) = rest.get(0, size) {
                    super::route::write_inet_field(o, "addr", raw, family);
                } else {
                    o.push_str("addr=");
                    crate::decode::write_hex(o, rest.addr);
                }
            }
            o.push('}');
        }),
        DEV_COND => bc_struct(out, ctx, mem, 4, |o, b| {
            super::route::write_ifindex(o, uint(b, 0, 4) as u32)
        }),
        S_GE..=D_LE => bc_struct(out, ctx, mem, 4, write_bc_op),
        MARK_COND => bc_struct(out, ctx, mem, 8, |o, b| {
            let _ = write!(o, "{{mark={}, mask={}}}", uint(b, 0, 4), uint(b, 4, 4));
        }),
        _ => write_hex_str(out, ctx, mem),
    }
}

static INET_DIAG_MSG: Header = Header {
    family: "idiag_family",
    size: 72,
    fields: &[
        (
            "idiag_state",
            1,
            1,
            Kind::Xval(x::TCP_STATES, Some("TCP_???")),
        ),
        ("idiag_timer", 2, 1, Kind::U),
        ("idiag_retrans", 3, 1, Kind::U),
        ("id", 4, 48, Kind::Sockid),
        ("idiag_expires", 52, 4, Kind::U),
        ("idiag_rqueue", 56, 4, Kind::U),
        ("idiag_wqueue", 60, 4, Kind::U),
        ("idiag_uid", 64, 4, Kind::U),
        ("idiag_inode", 68, 4, Kind::U),
    ],
    attrs: Some(&INET_DIAG_ATTRS),
};

static INET_DIAG_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_ATTRS,
    dflt: "INET_DIAG_???",
    decoders: &[
        (1, inet_meminfo),
        (3, vegas_info),
        (4, nla::str),
        (5, nla::u8),
        (6, nla::u8),
        (7, meminfo),
        (8, inet_shutdown),
        (9, dctcp_info),
        (10, nla::ip_proto),
        (11, nla::u8),
        (12, sockaddrs),
        (13, sockaddrs),
        (15, nla::u32),
        (16, bbr_info),
        (17, nla::u32),
        (18, md5sigs),
        (19, |o, c, m| nla::nested(o, c, m, &ULP_INFO_ATTRS)),
        (20, |o, c, m| nla::nested(o, c, m, &BPF_STORAGES_ATTRS)),
        (21, nla::u64),
        (22, inet_sockopt),
    ],
};

/// `struct tcpvegas_info`.
fn vegas_info(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<16>(out, mem, |o, b| {
        let _ = write!(
            o,
            "{{tcpv_enabled={}, tcpv_rttcnt={}, tcpv_rtt={}, tcpv_minrtt={}}}",
            uint(&b, 0, 4),
            uint(&b, 4, 4),
            uint(&b, 8, 4),
            uint(&b, 12, 4)
        );
    })
}

/// `struct tcp_dctcp_info`.
fn dctcp_info(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<16>(out, mem, |o, b| {
        let _ = write!(
            o,
            "{{dctcp_enabled={}, dctcp_ce_state={}, dctcp_alpha={}, dctcp_ab_ecn={}, \
             dctcp_ab_tot={}}}",
            uint(&b, 0, 2),
            uint(&b, 2, 2),
            uint(&b, 4, 4),
            uint(&b, 8, 4),
            uint(&b, 12, 4)
        );
    })
}

/// `struct tcp_bbr_info`.
fn bbr_info(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<20>(out, mem, |o, b| {
        let _ = write!(
            o,
            "{{bbr_bw_lo={:#x}, bbr_bw_hi={:#x}, bbr_min_rtt={}, bbr_pacing_gain={}, \
             bbr_cwnd_gain={}}}",
            uint(&b, 0, 4),
            uint(&b, 4, 4),
            uint(&b, 8, 4),
            uint(&b, 12, 4),
            uint(&b, 16, 4)
        );
    })
}

/// `INET_DIAG_SHUTDOWN`: its flags always with their number (the kernel's names are not
/// part of its API, strace says), unless `-X raw`.
fn inet_shutdown(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    let style = match flags::style() {
        super::super::XlatStyle::Raw => super::super::XlatStyle::Raw,
        _ => super::super::XlatStyle::Verbose,
    };
    let _scope = flags::StyleScope::new(style);
    nla::flagsval(out, mem, 1, x::INET_DIAG_SHUTDOWN_FLAGS, "???_SHUTDOWN")
}

/// `INET_DIAG_LOCALS`/`PEERS`: `struct sockaddr_storage`s.
fn sockaddrs(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<128>(out, ctx, mem, |o, b| {
        if super::super::sockaddr::write(o, &b, ctx.opts).is_none() {
            super::super::write_hex(o, 0);
        }
    })
}

/// `INET_DIAG_MD5SIG`: `struct tcp_diag_md5sig`s (strace's `print_tcp_md5sig`).
fn md5sigs(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<100>(out, ctx, mem, |o, b| {
        let family = b[0];
        o.push_str("{tcpm_family=");
        write_enum(o, family.into(), flags::ADDRESS_FAMILIES, "AF_???");
        let keylen = uint(&b, 2, 2) as usize;
        let _ = write!(o, ", tcpm_prefixlen={}, tcpm_keylen={keylen}, ", b[1]);
        let addr = &b[4..20];
        match family {
            AF_INET => {
                o.push_str("tcpm_addr=");
                nla::write_in_addr(o, addr[..4].try_into().unwrap_or([0; 4]));
            }
            AF_INET6 => {
                nla::write_in6_addr_named(o, addr.try_into().unwrap_or([0; 16]), "tcpm_addr")
            }
            _ => {
                o.push_str("tcpm_addr=");
                super::super::strings::quote(o, addr, super::super::HexMode::None, true);
            }
        }
        o.push_str(", tcpm_key=");
        let key = &b[20..20 + keylen.min(80)];
        super::super::strings::quote(o, key, super::super::HexMode::None, true);
        o.push('}');
    })
}

/// `INET_DIAG_SOCKOPT`: `struct inet_diag_sockopt`'s bits (abbreviated: the set ones),
/// then any non-zero bytes after it.
fn inet_sockopt(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    if mem.len < 2 {
        return false;
    }
    let Some(b) = mem.get(0, 2) else {
        super::super::write_hex(out, mem.addr);
        return true;
    };
    const BITS: [&str; 11] = [
        "recverr",
        "is_icsk",
        "freebind",
        "hdrincl",
        "mc_loop",
        "transparent",
        "mc_all",
        "nodefrag",
        "bind_address_no_port",
        "recverr_rfc4884",
        "defer_connect",
    ];
    let bits = u16::from_le_bytes([b[0], b[1]]);
    let mut fields = Vec::new();
    for (n, name) in BITS.iter().enumerate() {
        let v = (bits >> n) & 1;
        if !ctx.opts.abbreviate || v != 0 {
            fields.push(format!("{name}={v}"));
        }
    }
    let unused = bits >> 11;
    if !ctx.opts.abbreviate || unused != 0 {
        let mut v = String::new();
        super::super::write_hex(&mut v, unused.into());
        fields.push(format!("unused={v} /* bits 3..8 */"));
    }
    let _ = write!(out, "{{{}}}", fields.join(", "));
    // strace's `print_nonzero_bytes`: the rest, up to a page.
    let total = mem.len.min(4096);
    if total > 2 {
        match mem.get(2, total - 2) {
            Some(rest) if rest.iter().all(|&b| b == 0) => {}
            Some(rest) => {
                let _ = write!(out, ", /* bytes 2..{} */ ", total - 1);
                let shown = rest.len().min(ctx.opts.string_limit);
                super::super::strings::quote(
                    out,
                    &rest[..shown],
                    super::super::HexMode::None,
                    true,
                );
                if shown < rest.len() {
                    out.push_str("...");
                }
            }
            None => out.push_str(", ???"),
        }
    }
    true
}

static ULP_INFO_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_ULP_INFO_ATTRS,
    dflt: "INET_ULP_INFO_???",
    decoders: &[
        (1, nla::str),
        (2, |o, c, m| nla::nested(o, c, m, &ULP_TLS_ATTRS)),
        (3, |o, c, m| nla::nested(o, c, m, &ULP_MPTCP_ATTRS)),
    ],
};

static ULP_TLS_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_ULP_INFO_TLS_ATTRS,
    dflt: "TLS_INFO_???",
    decoders: &[
        (1, |o, _, m| {
            nla::xval(o, m, 2, x::TLS_INFO_VERSIONS, "TLS_???_VERSION")
        }),
        (2, |o, _, m| {
            nla::xval(o, m, 2, x::TLS_INFO_CIPHERS, "TLS_CIPHER_???")
        }),
        (3, tls_config),
        (4, tls_config),
    ],
};

fn tls_config(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::xval(out, mem, 2, x::TLS_INFO_CONFIGS, "TLS_CONF_???")
}

static ULP_MPTCP_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_ULP_INFO_MPTCP_ATTRS,
    dflt: "MPTCP_SUBFLOW_ATTR_???",
    decoders: &[
        (1, nla::x32),
        (2, nla::x32),
        (3, nla::u32),
        (4, nla::u64),
        (5, nla::u32),
        (6, nla::u32),
        (7, nla::u16),
        (8, |o, _, m| {
            nla::flagsval(o, m, 4, x::MPTCP_SUBFLOW_FLAGS, "MPTCP_SUBFLOW_FLAG_???")
        }),
        (9, nla::u8),
        (10, nla::u8),
    ],
};

static BPF_STORAGES_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_BPF_STORAGES_ATTRS,
    dflt: "SK_DIAG_BPF_STORAGE_???",
    decoders: &[(1, |o, c, m| nla::nested(o, c, m, &BPF_STORAGE_ATTRS))],
};

static BPF_STORAGE_ATTRS: Attrs = Attrs {
    names: x::INET_DIAG_BPF_STORAGE_ATTRS,
    dflt: "SK_DIAG_BPF_STORAGE_???",
    decoders: &[(2, nla::u32), (3, nla::xint)],
};

fn inet_meminfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    super::route::write_struct(
        out,
        mem,
        16,
        &[
            ("idiag_rmem", 0, 4, Kind::U),
            ("idiag_wmem", 4, 4, Kind::U),
            ("idiag_fmem", 8, 4, Kind::U),
            ("idiag_tmem", 12, 4, Kind::U),
        ],
    )
}

static SMC_DIAG_REQ: Header = Header {
    family: "diag_family",
    size: 52,
    fields: &[
        (
            "diag_ext",
            3,
            1,
            Kind::Flags(x::SMC_DIAG_EXTENDED_FLAGS, "1<<SMC_DIAG_???-1"),
        ),
        ("id", 4, 48, Kind::SockidInet),
    ],
    attrs: None,
};

static SMC_DIAG_MSG: Header = Header {
    family: "diag_family",
    size: 64,
    fields: &[
        (
            "diag_state",
            1,
            1,
            Kind::Xval(x::SMC_STATES, Some("SMC_???")),
        ),
        (
            "diag_fallback",
            2,
            1,
            Kind::Xval(x::SMC_DIAG_MODE, Some("SMC_DIAG_MODE_???")),
        ),
        ("diag_shutdown", 3, 1, Kind::U),
        ("id", 4, 48, Kind::SockidInet),
        ("diag_uid", 52, 4, Kind::U),
        ("diag_inode", 56, 8, Kind::U),
    ],
    attrs: Some(&SMC_DIAG_ATTRS),
};

static SMC_DIAG_ATTRS: Attrs = Attrs {
    names: x::SMC_DIAG_ATTRS,
    dflt: "SMC_DIAG_???",
    decoders: &[
        (1, smc_conninfo),
        (2, smc_lgrinfo),
        (3, smc_shutdown),
        (4, smc_dmbinfo),
        (5, smc_fallback),
    ],
};

/// A struct of `size` bytes: false when the payload is shorter, its address when it
/// cannot be read.
fn smc_struct(
    out: &mut String,
    mem: Buffer,
    size: usize,
    print: impl FnOnce(&mut String, &[u8]),
) -> bool {
    if mem.len < size {
        return false;
    }
    match mem.get(0, size) {
        Some(b) => print(out, b),
        None => crate::decode::write_hex(out, mem.addr),
    }
    true
}

/// `struct smc_diag_cursor`.
fn write_smc_cursor(out: &mut String, name: &str, b: &[u8]) {
    let _ = write!(
        out,
        "{name}={{reserved={}, wrap={}, count={}}}",
        uint(b, 0, 2),
        uint(b, 2, 2),
        uint(b, 4, 4)
    );
}

/// `struct smc_diag_conninfo`.
fn smc_conninfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    smc_struct(out, mem, 76, |o, b| {
        let _ = write!(
            o,
            "{{token={}, sndbuf_size={}, rmbe_size={}, peer_rmbe_size={}",
            uint(b, 0, 4),
            uint(b, 4, 4),
            uint(b, 8, 4),
            uint(b, 12, 4)
        );
        for (i, name) in ["rx_prod", "rx_cons", "tx_prod", "tx_cons"]
            .iter()
            .enumerate()
        {
            o.push_str(", ");
            write_smc_cursor(o, name, &b[16 + 8 * i..24 + 8 * i]);
        }
        for (i, name) in [
            "rx_prod_flags",
            "rx_conn_state_flags",
            "tx_prod_flags",
            "tx_conn_state_flags",
        ]
        .iter()
        .enumerate()
        {
            let _ = write!(o, ", {name}={:#04x}", b[48 + i]);
        }
        for (i, name) in ["tx_prep", "tx_sent", "tx_fin"].iter().enumerate() {
            o.push_str(", ");
            write_smc_cursor(o, name, &b[52 + 8 * i..60 + 8 * i]);
        }
        o.push('}');
    })
}

/// A fixed-size char array as strace's `PRINT_FIELD_CSTRING`: up to its NUL.
fn write_cstring_field(out: &mut String, ctx: &Ctx, name: &str, b: &[u8]) {
    let _ = write!(out, "{name}=");
    match b.iter().position(|&c| c == 0) {
        Some(end) => crate::decode::strings::quote(out, &b[..end], ctx.opts.hex, false),
        None => {
            crate::decode::strings::quote(out, b, ctx.opts.hex, false);
            out.push_str("...");
        }
    }
}

/// `struct smc_diag_lgrinfo`: its one link and the group's role.
fn smc_lgrinfo(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    smc_struct(out, mem, 147, |o, b| {
        let _ = write!(o, "{{lnk=[{{link_id={}, ", b[0]);
        write_cstring_field(o, ctx, "ibname", &b[1..65]);
        let _ = write!(o, ", ibport={}, ", b[65]);
        write_cstring_field(o, ctx, "gid", &b[66..106]);
        o.push_str(", ");
        write_cstring_field(o, ctx, "peer_gid", &b[106..146]);
        o.push_str("}], role=");
        write_enum(o, b[146] as u64, x::SMC_LINK_GROUP_ROLES, "SMC_???");
        o.push('}');
    })
}

/// `struct smcd_diag_dmbinfo`.
fn smc_dmbinfo(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    smc_struct(out, mem, 40, |o, b| {
        let _ = write!(o, "{{linkid={}", uint(b, 0, 4));
        for (i, name) in ["peer_gid", "my_gid", "token", "peer_token"]
            .iter()
            .enumerate()
        {
            let _ = write!(o, ", {name}={}", flags::hex(uint(b, 8 + 8 * i, 8)));
        }
        o.push('}');
    })
}

/// `struct smc_diag_fallback`: its codes always with their names, which come from a
/// kernel-internal header (strace's `PRINT_FIELD_XVAL_VERBOSE`).
fn smc_fallback(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    smc_struct(out, mem, 8, |o, b| {
        let _style = flags::StyleScope::new(crate::decode::XlatStyle::Verbose);
        o.push_str("{reason=");
        write_enum(o, uint(b, 0, 4), x::SMC_DECL_CODES, "SMC_CLC_DECL_???");
        o.push_str(", peer_diagnosis=");
        write_enum(o, uint(b, 4, 4), x::SMC_DECL_CODES, "SMC_CLC_DECL_???");
        o.push('}');
    })
}

fn smc_shutdown(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::flagsval(out, mem, 1, x::SOCK_SHUTDOWN_FLAGS, "???_SHUTDOWN")
}

static UNIX_DIAG_ATTRS: Attrs = Attrs {
    names: x::UNIX_DIAG_ATTRS,
    dflt: "UNIX_DIAG_???",
    decoders: &[
        (0, nla::str),
        (1, unix_vfs),
        (2, nla::u32),
        (3, u32_array),
        (4, unix_rqlen),
        (5, meminfo),
        (6, nla::u8),
        (7, nla::u32),
    ],
};

/// `{udiag_vfs_dev=makedev(0x1, 0x2), udiag_vfs_ino=3}`.
fn unix_vfs(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<8>(out, mem, |o, b| {
        let dev = uint(&b, 4, 4);
        let major = (dev >> 8) & 0xfff;
        let minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        let _ = write!(
            o,
            "{{udiag_vfs_dev=makedev({}, {}), udiag_vfs_ino={}}}",
            flags::hex(major),
            flags::hex(minor),
            uint(&b, 0, 4)
        );
    })
}

fn unix_rqlen(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<8>(out, mem, |o, b| {
        let _ = write!(
            o,
            "{{udiag_rqueue={}, udiag_wqueue={}}}",
            uint(&b, 0, 4),
            uint(&b, 4, 4)
        );
    })
}

fn u32_array(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<4>(out, ctx, mem, |o, b| {
        let _ = write!(o, "{}", u32::from_le_bytes(b));
    })
}

/// strace's `decode_nla_meminfo`: `[[SK_MEMINFO_RMEM_ALLOC]=1, ...]`, an unknown
/// index in decimal (`[9 /* SK_MEMINFO_??? */]=...`).
fn meminfo(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array_indexed::<4>(
        out,
        ctx,
        mem,
        x::NETLINK_SK_MEMINFO_INDICES,
        "SK_MEMINFO_???",
        |o, b| {
            let _ = write!(o, "{}", u32::from_le_bytes(b));
        },
    )
}

static NETLINK_DIAG_ATTRS: Attrs = Attrs {
    names: x::NETLINK_DIAG_ATTRS,
    dflt: "NETLINK_DIAG_???",
    decoders: &[
        (0, meminfo),
        (1, groups),
        (2, ring),
        (3, ring),
        (4, netlink_flags),
    ],
};

fn groups(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<8>(out, ctx, mem, |o, b| {
        super::super::write_hex(o, u64::from_le_bytes(b))
    })
}

fn ring(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<16>(out, mem, |o, b| {
        let _ = write!(
            o,
            "{{ndr_block_size={}, ndr_block_nr={}, ndr_frame_size={}, ndr_frame_nr={}}}",
            uint(&b, 0, 4),
            uint(&b, 4, 4),
            uint(&b, 8, 4),
            uint(&b, 12, 4)
        );
    })
}

fn netlink_flags(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<4>(out, mem, |o, b| {
        write_flags(
            o,
            uint(&b, 0, 4),
            x::NETLINK_SOCKET_FLAGS,
            crate::decode::flags::lookup(x::NETLINK_SOCKET_FLAGS, 0),
            "NDIAG_FLAG_???",
        )
    })
}

static PACKET_DIAG_ATTRS: Attrs = Attrs {
    names: x::PACKET_DIAG_ATTRS,
    dflt: "PACKET_DIAG_???",
    decoders: &[
        (0, packet_info),
        (1, packet_mclist),
        (2, packet_ring),
        (3, packet_ring),
        (4, nla::u32),
        (5, nla::u32),
        (6, meminfo),
        (7, packet_filter),
    ],
};

/// `struct packet_diag_mclist`s: each address as long as its `pdmc_alen` says.
fn packet_mclist(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    nla::array::<44>(out, ctx, mem, |o, b| {
        o.push_str("{pdmc_index=");
        super::route::write_ifindex(o, uint(&b, 0, 4) as u32);
        let alen = uint(&b, 10, 2);
        let _ = write!(
            o,
            ", pdmc_count={}, pdmc_type={}, pdmc_alen={alen}, pdmc_addr=",
            uint(&b, 4, 4),
            uint(&b, 8, 2)
        );
        crate::decode::strings::quote(
            o,
            &b[12..12 + (alen as usize).min(32)],
            crate::decode::HexMode::None,
            true,
        );
        o.push('}');
    })
}

/// `struct packet_diag_ring`.
fn packet_ring(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    super::route::write_struct(
        out,
        mem,
        28,
        &[
            ("pdr_block_size", 0, 4, Kind::U),
            ("pdr_block_nr", 4, 4, Kind::U),
            ("pdr_frame_size", 8, 4, Kind::U),
            ("pdr_frame_nr", 12, 4, Kind::U),
            ("pdr_retire_tmo", 16, 4, Kind::U),
            ("pdr_sizeof_priv", 20, 4, Kind::U),
            ("pdr_features", 24, 4, Kind::U),
        ],
    )
}

/// The socket's classic BPF filter: its instructions (strace's `print_sock_fprog`).
fn packet_filter(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    let count = mem.len / 8;
    if count == 0 || count > u16::MAX as usize {
        return false;
    }
    crate::decode::bpf_filter::write_insns(
        out,
        mem.addr,
        count as u16,
        mem.data,
        8 * count,
        crate::decode::bpf_filter::Flavor::Socket,
    );
    true
}

fn packet_info(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    nla::with_bytes::<24>(out, mem, |o, b| {
        o.push_str("{pdi_index=");
        super::route::write_ifindex(o, uint(&b, 0, 4) as u32);
        o.push_str(", pdi_version=");
        write_enum(o, uint(&b, 4, 4), x::AF_PACKET_VERSIONS, "TPACKET_???");
        let _ = write!(
            o,
            ", pdi_reserve={}, pdi_copy_thresh={}, pdi_tstamp={}, pdi_flags=",
            uint(&b, 8, 4),
            uint(&b, 12, 4),
            uint(&b, 16, 4)
        );
        write_flags(
            o,
            uint(&b, 20, 4),
            x::PACKET_DIAG_INFO_FLAGS,
            crate::decode::flags::lookup(x::PACKET_DIAG_INFO_FLAGS, 0),
            "PDI_???",
        );
        o.push('}');
    })
}

#[cfg(test)]
mod tests {
    use super::super::{Buffer, NETLINK_SOCK_DIAG, write_messages};
    use crate::decode::DecodeOptions;

    fn decode(data: &[u8]) -> String {
        let mut s = String::new();
        let buf = Buffer {
            data,
            len: data.len(),
            addr: 0x1000,
        };
        let opts = DecodeOptions::default();
        let ctx = super::super::Ctx::new(&opts, 0, None);
        assert!(write_messages(&mut s, buf, NETLINK_SOCK_DIAG, &ctx, 4096));
        s
    }

    // nlattr_unix_diag_msg.c: a reply's header, and UNIX_DIAG_VFS (inode first).
    #[test]
    fn a_unix_reply() {
        let msg = [
            &44u32.to_le_bytes()[..],
            &[20, 0, 0, 3],
            &[0; 8],
            &[1, 1, 1, 0],
            &[0; 12],
            &[12, 0, 1, 0],
            &0xbafa_bcdau32.to_le_bytes(),
            &0xabcd_dafau32.to_le_bytes(),
        ]
        .concat();
        assert_eq!(
            decode(&msg),
            "[{nlmsg_len=44, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_DUMP, \
             nlmsg_seq=0, nlmsg_pid=0}, {udiag_family=AF_UNIX, udiag_type=SOCK_STREAM, \
             udiag_state=TCP_ESTABLISHED, udiag_ino=0, udiag_cookie=[0, 0]}, [{nla_len=12, \
             nla_type=UNIX_DIAG_VFS}, {udiag_vfs_dev=makedev(0xdda, 0xabcfa), \
             udiag_vfs_ino=3136994522}]]"
        );
    }

    // netlink_sock_diag.c: a netlink request for every protocol.
    #[test]
    fn a_netlink_request() {
        let msg = [
            &36u32.to_le_bytes()[..],
            &[20, 0, 1, 0],
            &[0; 8],
            &[16, 0xff, 0, 0],
            &0xfacefeedu32.to_le_bytes(),
            &1u32.to_le_bytes(),
            &0xdeadbeefu32.to_le_bytes(),
            &0xbadc0dedu32.to_le_bytes(),
        ]
        .concat();
        assert_eq!(
            decode(&msg),
            "[{nlmsg_len=36, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST, \
             nlmsg_seq=0, nlmsg_pid=0}, {sdiag_family=AF_NETLINK, \
             sdiag_protocol=NDIAG_PROTO_ALL, ndiag_ino=4207869677, \
             ndiag_show=NDIAG_SHOW_MEMINFO, ndiag_cookie=[3735928559, 3134983661]}]"
        );
    }
}
