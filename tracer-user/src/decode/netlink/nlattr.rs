//! Netlink attributes (`struct nlattr` runs after a message's family header), as
//! strace prints them (its `nlattr.c`): `[{nla_len=8, nla_type=IFA_ADDRESS},
//! inet_addr("12.34.56.78")]`, several in an array, each payload by its family's table
//! (attribute type -> decoder), else in hex.
//!
//! Payloads are read as strace reads them, piece by piece: a piece past the copy's end
//! (a mapping's end) shows as its address.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::super::flags::{self, Xlat, styled, write_enum, write_flags};
use super::super::strings::quote;
use super::super::{DecodeOptions, HexMode, XlatStyle, write_hex};
use super::Buffer;
use crate::event::FdNames;

const NLA_HDRLEN: usize = 4;
const NLA_F_NESTED: u16 = 0x8000;
const NLA_F_NET_BYTEORDER: u16 = 0x4000;
const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// What every decoder of a message's parts sees: the options, the task whose call it
/// is and the names of its descriptors (`-y`), and what strace passes as its decoders'
/// opaque data (the message's address family).
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub opts: &'a DecodeOptions,
    pub family: u8,
    pub pid: u32,
    pub fds: Option<&'a dyn FdNames>,
}

impl<'a> Ctx<'a> {
    pub fn new(opts: &'a DecodeOptions, pid: u32, fds: Option<&'a dyn FdNames>) -> Self {
        Self {
            opts,
            family: 0,
            pid,
            fds,
        }
    }

    /// The same, for a message of address family `family`.
    pub fn with_family(&self, family: u8) -> Self {
        Self { family, ..*self }
    }
}

/// A payload decoder: false, writing nothing, when the payload is not of its shape
/// (then it prints in hex).
pub type Decoder = fn(&mut String, &Ctx, Buffer) -> bool;

/// One family of attributes: the names of their types and their payloads' decoders.
pub struct Attrs {
    pub names: Xlat,
    pub dflt: &'static str,
    pub decoders: &'static [(u16, Decoder)],
}

impl<'a> Buffer<'a> {
    /// `n` bytes from `off`, if the copy holds them.
    pub fn get(&self, off: usize, n: usize) -> Option<&'a [u8]> {
        self.data.get(off..off.checked_add(n)?)
    }

    /// The part from `off` on, `len` bytes of it.
    pub fn sub(&self, off: usize, len: usize) -> Buffer<'a> {
        let data = self.data.get(off..).unwrap_or(&[]);
        Buffer {
            data: &data[..data.len().min(len)],
            len,
            addr: self.addr.wrapping_add(off as u64),
        }
    }

    /// The part from `off` to the end.
    pub fn from(&self, off: usize) -> Buffer<'a> {
        self.sub(off, self.len.saturating_sub(off))
    }
}

/// strace's `printstr_ex(..., QUOTE_FORCE_HEX)`: up to `-s` bytes in hex, `...` after
/// when there were more; the address when they cannot be read.
pub fn write_hex_str(out: &mut String, ctx: &Ctx, mem: Buffer) {
    let limit = ctx.opts.string_limit;
    // One byte more than shown is read, as strace does.
    match mem.get(0, mem.len.min(limit + 1)) {
        Some(bytes) => {
            quote(out, &bytes[..bytes.len().min(limit)], HexMode::None, true);
            if mem.len > limit {
                out.push_str("...");
            }
        }
        None => write_hex(out, mem.addr),
    }
}

/// strace's `decode_nlattr`: the attributes in `mem`, one bare or several in an array.
pub fn write_attrs(out: &mut String, ctx: &Ctx, mut mem: Buffer, attrs: &Attrs) {
    let mut is_array = false;
    let mut elt = 0;
    loop {
        if mem.len < NLA_HDRLEN {
            write_hex_str(out, ctx, mem);
            break;
        }
        let Some(header) = mem.get(0, NLA_HDRLEN) else {
            if is_array {
                out.push_str("... /* ");
                write_hex(out, mem.addr);
                out.push_str(" */");
            } else {
                write_hex(out, mem.addr);
            }
            break;
        };
        if ctx.opts.abbreviate && elt == ctx.opts.string_limit {
            out.push_str("...");
            break;
        }
        let nla_len = u16::from_le_bytes([header[0], header[1]]) as usize;
        let nla_type = u16::from_le_bytes([header[2], header[3]]);
        let aligned = nla_len.next_multiple_of(4);
        let next = nla_len >= NLA_HDRLEN && mem.len > aligned;
        if !is_array && next {
            out.push('[');
            is_array = true;
        }
        write_attr(out, ctx, mem, nla_len, nla_type, attrs);
        if !next {
            break;
        }
        out.push_str(", ");
        mem = mem.from(aligned);
        elt += 1;
    }
    if is_array {
        out.push(']');
    }
}

/// One attribute: its header, then (with a payload) `[header, payload]`.
fn write_attr(
    out: &mut String,
    ctx: &Ctx,
    mem: Buffer,
    nla_len: usize,
    nla_type: u16,
    attrs: &Attrs,
) {
    let len = nla_len.min(mem.len);
    if len > NLA_HDRLEN {
        out.push('[');
    }
    let _ = write!(out, "{{nla_len={nla_len}, nla_type=");
    if nla_type & NLA_F_NESTED != 0 {
        styled(out, "0x8000", |o| o.push_str("NLA_F_NESTED"));
        out.push('|');
    }
    if nla_type & NLA_F_NET_BYTEORDER != 0 {
        styled(out, "0x4000", |o| o.push_str("NLA_F_NET_BYTEORDER"));
        out.push('|');
    }
    let kind = nla_type & NLA_TYPE_MASK;
    // A family without names (netfilter's): the number alone.
    match attrs.dflt {
        "" => write_hex(out, kind as u64),
        dflt => write_enum(out, kind as u64, attrs.names, dflt),
    }
    out.push('}');
    if len > NLA_HDRLEN {
        out.push_str(", ");
        let payload = mem.sub(NLA_HDRLEN, len - NLA_HDRLEN);
        let decoded = attrs
            .decoders
            .iter()
            .find(|(t, _)| *t == kind)
            .is_some_and(|(_, decode)| decode(out, ctx, payload));
        if !decoded {
            write_hex_str(out, ctx, payload);
        }
        out.push(']');
    }
}

/// A fixed-size value at the payload's start: false when the payload is shorter; its
/// address when it cannot be read.
pub fn with_bytes<const N: usize>(
    out: &mut String,
    mem: Buffer,
    print: impl FnOnce(&mut String, [u8; N]),
) -> bool {
    if mem.len < N {
        return false;
    }
    match mem.get(0, N) {
        Some(b) => print(out, b.try_into().unwrap_or([0; N])),
        None => write_hex(out, mem.addr),
    }
    true
}

/// A little-endian unsigned integer of `N` bytes.
fn with_uint<const N: usize>(
    out: &mut String,
    mem: Buffer,
    print: impl FnOnce(&mut String, u64),
) -> bool {
    with_bytes::<N>(out, mem, |o, b| {
        let mut v = [0u8; 8];
        v[..N].copy_from_slice(&b);
        print(o, u64::from_le_bytes(v))
    })
}

pub fn u8(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<1>(out, mem, |o, v| {
        let _ = write!(o, "{v}");
    })
}

pub fn u16(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<2>(out, mem, |o, v| {
        let _ = write!(o, "{v}");
    })
}

pub fn u32(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<4>(out, mem, |o, v| {
        let _ = write!(o, "{v}");
    })
}

pub fn u64(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<8>(out, mem, |o, v| {
        let _ = write!(o, "{v}");
    })
}

pub fn s32(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<4>(out, mem, |o, v| {
        let _ = write!(o, "{}", v as u32 as i32);
    })
}

pub fn x32(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<4>(out, mem, write_hex)
}

/// strace's `decode_nla_xint`: a payload of 1, 2, 4 or 8 bytes as one number in hex.
pub fn xint(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    match mem.len {
        1 => with_uint::<1>(out, mem, write_hex),
        2 => x16(out, ctx, mem),
        4 => x32(out, ctx, mem),
        8 => with_uint::<8>(out, mem, write_hex),
        _ => false,
    }
}

pub fn x16(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<2>(out, mem, write_hex)
}

/// `htons(N)`.
pub fn be16(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_bytes::<2>(out, mem, |o, b| {
        let _ = write!(o, "htons({})", u16::from_be_bytes(b));
    })
}

/// `htobe64(N)`.
pub fn be64(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_bytes::<8>(out, mem, |o, b| {
        let _ = write!(o, "htobe64({})", u64::from_be_bytes(b));
    })
}

/// strace's `decode_nla_str` (`printstr_ex` with `QUOTE_OMIT_TRAILING_0 |
/// QUOTE_EXPECT_TRAILING_0`): up to `-s` bytes, NULs escaped; a NUL ending what is
/// shown is left out, else `...` follows (the NUL was expected).
pub fn str(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    let limit = ctx.opts.string_limit;
    // One byte more than shown is read, as strace does.
    let Some(bytes) = mem.get(0, mem.len.min(limit + 1)) else {
        write_hex(out, mem.addr);
        return true;
    };
    let mut shown = &bytes[..bytes.len().min(limit)];
    let mut ellipsis = mem.len > 0;
    if shown.last() == Some(&0) {
        shown = &shown[..shown.len() - 1];
        ellipsis = false;
    }
    quote(out, shown, ctx.opts.hex, false);
    if ellipsis {
        out.push_str("...");
    }
    true
}

/// An IPv4 address as strace prints one alone: `inet_addr("1.2.3.4")`.
pub fn write_in_addr(out: &mut String, raw: [u8; 4]) {
    if flags::style() != XlatStyle::Abbrev {
        quote(out, &raw, HexMode::None, true);
    }
    let text = format!("inet_addr(\"{}\")", Ipv4Addr::from(raw));
    match flags::style() {
        XlatStyle::Raw => {}
        XlatStyle::Verbose => {
            let _ = write!(out, " /* {text} */");
        }
        XlatStyle::Abbrev => out.push_str(&text),
    }
}

/// An IPv6 address alone: `inet_pton(AF_INET6, "::1")`.
pub fn write_in6_addr(out: &mut String, raw: [u8; 16]) {
    if flags::style() != XlatStyle::Abbrev {
        quote(out, &raw, HexMode::None, true);
    }
    let text = format!("inet_pton(AF_INET6, \"{}\")", Ipv6Addr::from(raw));
    match flags::style() {
        XlatStyle::Raw => {}
        XlatStyle::Verbose => {
            let _ = write!(out, " /* {text} */");
        }
        XlatStyle::Abbrev => out.push_str(&text),
    }
}

/// An IPv6 address of field `name`: `inet_pton(AF_INET6, "::1", &name)` (the other
/// styles name the field first, as strace does).
pub fn write_in6_addr_named(out: &mut String, raw: [u8; 16], name: &str) {
    if flags::style() != XlatStyle::Abbrev {
        let _ = write!(out, "{name}=");
        quote(out, &raw, HexMode::None, true);
    }
    let text = match flags::style() {
        XlatStyle::Abbrev => format!("inet_pton(AF_INET6, \"{}\", &{name})", Ipv6Addr::from(raw)),
        _ => format!("inet_pton(AF_INET6, \"{}\")", Ipv6Addr::from(raw)),
    };
    match flags::style() {
        XlatStyle::Raw => {}
        XlatStyle::Verbose => {
            let _ = write!(out, " /* {text} */");
        }
        XlatStyle::Abbrev => out.push_str(&text),
    }
}

pub fn in_addr(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_bytes::<4>(out, mem, write_in_addr)
}

pub fn in6_addr(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_bytes::<16>(out, mem, write_in6_addr)
}

/// strace's `decode_inet_addr`: an address of the message's family; other families'
/// and short ones in hex.
pub fn inet_addr(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    const AF_INET: u8 = 2;
    const AF_INET6: u8 = 10;
    let size = match ctx.family {
        AF_INET => 4,
        AF_INET6 => 16,
        _ => 0,
    };
    if size == 0 || mem.len < size {
        write_hex_str(out, ctx, mem);
        return true;
    }
    match mem.get(0, size) {
        None => write_hex(out, mem.addr),
        Some(b) if size == 4 => write_in_addr(out, b.try_into().unwrap_or([0; 4])),
        Some(b) => write_in6_addr(out, b.try_into().unwrap_or([0; 16])),
    }
    true
}

/// strace's `decode_nla_clock_t`: up to 8 bytes of clock ticks, `123 /* 1.23 s */`.
pub fn clock_t(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    if mem.len > 8 {
        return false;
    }
    let Some(b) = mem.get(0, mem.len) else {
        write_hex(out, mem.addr);
        return true;
    };
    let mut v = [0u8; 8];
    v[..b.len()].copy_from_slice(b);
    let val = u64::from_le_bytes(v);
    let _ = write!(out, "{val}");
    // SAFETY: sysconf reads a constant.
    let tck = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if flags::style() != XlatStyle::Raw && tck > 0 && val > 0 {
        let tck = tck as u64;
        let width = (tck.ilog10() as usize).min(9);
        let frac = (val % tck) as f64 / tck as f64;
        let frac = format!("{frac:.width$}");
        let frac = frac.split_once('.').map_or("", |(_, f)| f).to_owned();
        let _ = write!(out, " /* {}.{frac} s */", val / tck);
    }
    true
}

/// strace's `decode_nla_hwaddr_nofamily`: `f8:c2:49:13:57` (up to 32 bytes).
pub fn hwaddr(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    const MAX_ADDR_LEN: usize = 32;
    if mem.len > MAX_ADDR_LEN {
        return false;
    }
    let Some(b) = mem.get(0, mem.len) else {
        write_hex(out, mem.addr);
        return true;
    };
    write_mac(out, b);
    true
}

/// A hardware address in the `-X` style: `f8:c2:49:13:57`, its bytes, or both.
pub fn write_mac(out: &mut String, b: &[u8]) {
    let text = b
        .iter()
        .map(|v| format!("{v:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    match flags::style() {
        XlatStyle::Abbrev => out.push_str(&text),
        XlatStyle::Raw => quote(out, b, HexMode::None, true),
        XlatStyle::Verbose => {
            quote(out, b, HexMode::None, true);
            let _ = write!(out, " /* {text} */");
        }
    }
}

/// strace's `decode_nla_fd`: a descriptor, with `-y` its name.
pub fn fd(out: &mut String, ctx: &Ctx, mem: Buffer) -> bool {
    with_uint::<4>(out, mem, |o, v| {
        crate::decode::write_plain_fd(o, ctx.pid, v as u32 as i32, ctx.fds)
    })
}

/// An interface index: `if_nametoindex("lo")`.
pub fn ifindex(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    with_uint::<4>(out, mem, |o, v| super::route::write_ifindex(o, v as u32))
}

/// An IP protocol number (`IPPROTO_TCP`).
pub fn ip_proto(out: &mut String, _: &Ctx, mem: Buffer) -> bool {
    xval(out, mem, 0, flags::IP_PROTOCOLS, "IPPROTO_???")
}

/// A value of at most 8 bytes (`len` of them, at least `size`), named by `table`.
pub fn xval(out: &mut String, mem: Buffer, size: usize, table: Xlat, dflt: &str) -> bool {
    let Some(v) = read_up_to_8(out, mem, size) else {
        return mem.len <= 8 && mem.len >= size;
    };
    write_enum(out, v, table, dflt);
    true
}

/// Flags of at most 8 bytes, as [`xval`].
pub fn flagsval(out: &mut String, mem: Buffer, size: usize, table: Xlat, dflt: &str) -> bool {
    let Some(v) = read_up_to_8(out, mem, size) else {
        return mem.len <= 8 && mem.len >= size;
    };
    write_flags(out, v, table, crate::decode::flags::lookup(table, 0), dflt);
    true
}

/// strace's `umoven_to_uint64_or_printaddr` for `decode_nla_xval`: None when the payload
/// is not 1 to 8 bytes (at least `size`) or cannot be read (its address written).
fn read_up_to_8(out: &mut String, mem: Buffer, size: usize) -> Option<u64> {
    if mem.len > 8 || mem.len < size {
        return None;
    }
    let n = if size > 0 { mem.len.min(size) } else { mem.len };
    let Some(b) = mem.get(0, n) else {
        write_hex(out, mem.addr);
        return None;
    };
    let mut v = [0u8; 8];
    v[..n].copy_from_slice(b);
    Some(u64::from_le_bytes(v))
}

/// Decoders that name a nested run of attributes.
pub fn nested(out: &mut String, ctx: &Ctx, mem: Buffer, attrs: &Attrs) -> bool {
    write_attrs(out, ctx, mem, attrs);
    true
}

/// An array of `N`-byte items printed by `print`, as strace's `print_array`: the
/// payload's whole items, `...` after `-s` of them (unless `-v`).
pub fn array<const N: usize>(
    out: &mut String,
    ctx: &Ctx,
    mem: Buffer,
    mut print: impl FnMut(&mut String, [u8; N]),
) -> bool {
    let count = mem.len / N;
    if count == 0 {
        return false;
    }
    // (strace's `print_array`: a first element that cannot be read shows as the
    // array's address alone.)
    if mem.get(0, N).is_none() {
        write_hex(out, mem.addr);
        return true;
    }
    out.push('[');
    for i in 0..count {
        if i > 0 {
            out.push_str(", ");
        }
        if ctx.opts.abbreviate && i == ctx.opts.string_limit {
            out.push_str("...");
            break;
        }
        match mem.get(i * N, N) {
            Some(b) => print(out, b.try_into().unwrap_or([0; N])),
            None => {
                out.push_str("... /* ");
                write_hex(out, mem.addr.wrapping_add((i * N) as u64));
                out.push_str(" */");
                break;
            }
        }
    }
    out.push(']');
    true
}

/// strace's `print_array_ex(..., PAF_PRINT_INDICES | XLAT_STYLE_FMT_D)`: an array of
/// `N`-byte items, each after its index named by `table` (`[[DEVCONF_HOPLIMIT]=64, ...]`).
pub fn array_indexed<const N: usize>(
    out: &mut String,
    ctx: &Ctx,
    mem: Buffer,
    table: Xlat,
    dflt: &str,
    mut print: impl FnMut(&mut String, [u8; N]),
) -> bool {
    let mut index = 0u64;
    array::<N>(out, ctx, mem, |o, b| {
        o.push('[');
        styled(o, &index.to_string(), |o| {
            match flags::lookup(table, index) {
                Some(name) => o.push_str(name),
                None => {
                    let _ = write!(o, "{index} /* {dflt} */");
                }
            }
        });
        o.push_str("]=");
        print(o, b);
        index += 1;
    })
}
