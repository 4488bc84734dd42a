//! iovec arrays (`readv`/`writev`, `preadv2`...) and the `struct msghdr` that carries one
//! (`sendmsg`/`recvmsg`), from the captures laid out as [`IovecChunk`]s.

use std::fmt::Write;

use tracer_common::{IovecChunk, MMSG_MESSAGE, MmsgChunk, capture};

use super::cmsg::Owner;
use super::flags::{self, write_flags};
use super::strings::{quote, write_addr};
use super::structs::{self, Bytes};
use super::{Call, DecodeOptions};
use crate::event::{Capture, FdNames};
use crate::syscalls::StructKind;

/// What an element's bytes show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    /// The bytes the call wrote or read: each element's up to `-s`, all together up to
    /// this many (a read's return value; `u64::MAX` for a write).
    Data(u64),
    /// The call failed: strace shows where each element points.
    Addresses,
}

/// One element as captured.
struct Element<'a> {
    base: u64,
    iov_len: u64,
    data: &'a [u8],
    fault: bool,
}

/// The elements a capture holds, in order; fewer than the array has when it was cut.
fn elements(data: &[u8]) -> Vec<Element<'_>> {
    const CHUNK: usize = size_of::<IovecChunk>();
    let b = Bytes(data);
    let mut out = Vec::new();
    let mut off = 0;
    while let (Some(base), Some(iov_len), Some(len), Some(flags)) =
        (b.u64(off), b.u64(off + 8), b.u32(off + 16), b.u32(off + 20))
    {
        let start = off + CHUNK;
        let Some(bytes) = data.get(start..start + len as usize) else {
            break;
        };
        out.push(Element {
            base,
            iov_len,
            data: bytes,
            fault: flags & tracer_common::CAPTURE_FAULT as u32 != 0,
        });
        off = (start + len as usize).next_multiple_of(8);
    }
    out
}

/// The elements' lengths and captured bytes (`-e read=`/`write=` dumps them), from an
/// iovec capture (`readv`) or, for `sendmsg`/`recvmsg`, the message's.
pub(crate) fn element_data(call: &Call, i: usize) -> Option<Vec<(u64, &[u8])>> {
    let cap = call
        .captures
        .iter()
        .filter(|c| c.arg as usize == i && !c.fault)
        .find(|c| c.kind == capture::IOVEC || c.kind == capture::MSG_IOVEC)?;
    Some(
        elements(&cap.data)
            .into_iter()
            .filter(|e| !e.fault)
            .map(|e| (e.iov_len, e.data))
            .collect(),
    )
}

/// `[{iov_base="hello", iov_len=5}, ...]`: at most `-s` elements, as strace's arrays; the
/// pointer itself when the array was not read.
pub fn write_iovec(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    count: u64,
    contents: Contents,
    opts: &DecodeOptions,
) {
    write_iovec_of(out, cap, addr, count, contents, opts, None);
}

/// [`write_iovec`], with each element's bytes decoded as netlink messages of protocol
/// `netlink` when given (and the element's bytes were all copied).
fn write_iovec_of(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    count: u64,
    contents: Contents,
    opts: &DecodeOptions,
    netlink: Option<u32>,
) {
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0) else {
        return write_addr(out, addr);
    };
    let elems = elements(&cap.data);
    let mut budget = match contents {
        Contents::Data(budget) => budget,
        Contents::Addresses => 0,
    };
    out.push('[');
    // One past the limit: strace reads an element before it sees it is one too many.
    for n in 0..count.min(opts.string_limit as u64 + 1) as usize {
        if n > 0 {
            out.push_str(", ");
        }
        let Some(e) = elems.get(n) else {
            // The capture ended early: where an element could not be read, when it
            // would have fitted whatever its length (strace shows where it stopped).
            let room = cap.data.len()
                + size_of::<IovecChunk>()
                + (opts.string_limit + 1).next_multiple_of(8);
            if cap.truncated && room <= tracer_common::MAX_CAPTURE {
                let _ = write!(out, "... /* {:#x} */", addr + 16 * n as u64);
                out.push(']');
                return;
            }
            out.push_str("...");
            break;
        };
        if n == opts.string_limit {
            out.push_str("...");
            break;
        }
        out.push_str("{iov_base=");
        // A read fills the elements in order, as far as its return value goes.
        // (A write's budget is strace's `(kernel_ulong_t) -1`, which it never counts down.)
        let shown = e.iov_len.min(budget);
        if budget != u64::MAX {
            budget -= shown;
        }
        if contents == Contents::Addresses || e.base == 0 || (e.fault && shown > 0) {
            write_addr(out, e.base);
        } else {
            let whole = e.data.get(..shown as usize);
            let decoded = match (netlink, whole) {
                (Some(proto), Some(bytes)) => {
                    let buf = super::netlink::Buffer {
                        data: bytes,
                        len: bytes.len(),
                        addr: e.base,
                    };
                    // (No task here: a message's pids print plain.)
                    let ctx = super::netlink::Ctx::new(opts, 0, None);
                    super::netlink::write_messages(out, buf, proto, &ctx, opts.string_limit)
                }
                _ => false,
            };
            if !decoded {
                let data = &e.data[..e.data.len().min(opts.string_limit).min(shown as usize)];
                quote(out, data, opts.hex, false);
                if shown > data.len() as u64 {
                    out.push_str("...");
                }
            }
        }
        let _ = write!(out, ", iov_len={}}}", e.iov_len);
    }
    out.push(']');
}

/// An iovec array whose elements strace shows by address (`process_madvise`,
/// `process_vm_readv`'s remote vector), from a copy of the array itself:
/// `[{iov_base=0x7f..., iov_len=10}, ... /* 0x7f... */]`, the last where the array's
/// mapping ended.
pub fn write_iovec_addrs(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    count: u64,
    opts: &DecodeOptions,
) {
    const ELEM: usize = 16;
    // strace reads nothing of an empty array.
    if count == 0 && addr != 0 {
        return out.push_str("[]");
    }
    // The copy stopped at a mapping's end: the ptrace backend keeps what it read
    // (`fault`), the kernel programs retry to the page's end (`truncated`, shorter than
    // a page).
    let cut = |c: &Capture| {
        let end = addr.wrapping_add(c.data.len() as u64);
        c.fault
            || (c.truncated
                && c.data.len() < tracer_common::MAX_CAPTURE
                && end.is_multiple_of(4096))
    };
    // Not even the first element read: the address.
    let Some(cap) = cap.filter(|c| addr != 0 && c.data.len() >= ELEM) else {
        return write_addr(out, addr);
    };
    let b = Bytes(&cap.data);
    out.push('[');
    // One past the limit: strace reads an element before it sees it is one too many.
    for n in 0..count.min(opts.string_limit as u64 + 1) as usize {
        if n > 0 {
            out.push_str(", ");
        }
        let off = n * ELEM;
        match (b.u64(off), b.u64(off + 8)) {
            // strace reads one past the limit, and shows where that read failed.
            (None, _) | (_, None) if cut(cap) => {
                let _ = write!(out, "... /* {:#x} */", addr + off as u64);
            }
            _ if n == opts.string_limit => out.push_str("..."),
            (Some(base), Some(len)) => {
                out.push_str("{iov_base=");
                write_addr(out, base);
                let _ = write!(out, ", iov_len={len}}}");
                continue;
            }
            _ => out.push_str("..."),
        }
        break;
    }
    out.push(']');
}

/// `struct msghdr` offsets (x86_64).
const NAMELEN: usize = tracer_common::MSGHDR_NAMELEN as usize;
const IOV: usize = tracer_common::MSGHDR_IOV as usize;
const IOVLEN: usize = tracer_common::MSGHDR_IOVLEN as usize;
const CONTROL: usize = tracer_common::MSGHDR_CONTROL as usize;
const CONTROLLEN: usize = 40;
const FLAGS: usize = 48;

/// `sendmsg`'s and `recvmsg`'s message: the header with its address and iovecs decoded;
/// for a received message the address length before and after (`128 => 16`), or only
/// the length it was given when the call failed.
pub fn write_msghdr(
    out: &mut String,
    call: &Call,
    i: usize,
    received: bool,
    opts: &DecodeOptions,
    netlink: Option<u32>,
    fds: Option<&dyn FdNames>,
) {
    let addr = call.args[i];
    let of_kind = |kind| {
        call.captures
            .iter()
            .filter(move |c| c.arg as usize == i && c.kind == kind && !c.fault)
    };
    let mut headers = of_kind(capture::FIXED).map(|c| Bytes(&c.data));
    // A received message's header is captured at entry and, on success, at exit.
    let (given, msg) = if received {
        (headers.next(), headers.next())
    } else {
        (None, headers.next())
    };
    let contents = if received {
        call.success().map(Contents::Data)
    } else {
        Some(Contents::Data(u64::MAX))
    };
    let mut s = String::new();
    let written = match (msg, contents) {
        (Some(msg), Some(contents)) => {
            let given_namelen = given.and_then(|g| g.u32(NAMELEN));
            let parts = Parts {
                name: of_kind(capture::MSG_NAME).next().map(|c| &c.data[..]),
                control: of_kind(capture::MSG_CONTROL).next().map(|c| &c.data[..]),
                iov: of_kind(capture::MSG_IOVEC).next(),
                netlink,
                owner: Owner { pid: call.pid, fds },
            };
            write_fields(&mut s, &msg, given_namelen, &parts, contents, opts)
        }
        // A failed receive: strace shows only the length it was given.
        _ => given.and_then(|g| g.u32(NAMELEN)).map(|len| {
            let _ = write!(s, "{{msg_namelen={len}}}");
        }),
    };
    match written {
        Some(()) => out.push_str(&s),
        None => write_addr(out, addr),
    }
}

/// The descriptors the `SCM_RIGHTS` messages of `sendmsg`'s or `recvmsg`'s message
/// (argument `i`) carry: sent, as the header was at entry, or (`received`) the caller's
/// new ones, as the kernel left the header.
pub fn passed_fds(call: &Call, i: usize, received: bool) -> Vec<i32> {
    let of_kind = |kind| {
        call.captures
            .iter()
            .filter(move |c| c.arg as usize == i && c.kind == kind && !c.fault)
    };
    // A received message's header is copied at entry and, on success, at exit.
    let controllen = of_kind(capture::FIXED)
        .nth(received as usize)
        .and_then(|c| Bytes(&c.data).u64(CONTROLLEN));
    match (controllen, of_kind(capture::MSG_CONTROL).next()) {
        (Some(len), Some(control)) if call.success().is_some() => {
            super::cmsg::passed_fds(&control.data, len)
        }
        _ => Vec::new(),
    }
}

/// One message of a captured `mmsghdr` vector: its header, address and iovec
/// elements (rebuilt as an iovec capture).
struct Mmsg {
    header: Vec<u8>,
    name: Vec<u8>,
    iov: Capture,
}

/// The messages an [`capture::MMSG`] capture holds, in order (fewer than the vector has
/// when it was cut).
fn mmsgs(cap: &Capture) -> Vec<Mmsg> {
    const CHUNK: usize = size_of::<MmsgChunk>();
    let b = Bytes(&cap.data);
    let mut out: Vec<Mmsg> = Vec::new();
    let mut off = 0;
    while let (Some(_addr), Some(a_len), Some(b_len), Some(kind), Some(flags)) = (
        b.u64(off),
        b.u32(off + 8),
        b.u32(off + 12),
        b.u32(off + 16),
        b.u32(off + 20),
    ) {
        let a_at = off + CHUNK;
        let b_at = a_at + a_len as usize;
        let (Some(a), Some(data)) = (
            cap.data.get(a_at..b_at),
            cap.data.get(b_at..b_at + b_len as usize),
        ) else {
            break;
        };
        if kind == MMSG_MESSAGE {
            out.push(Mmsg {
                header: a.to_vec(),
                name: if flags == 0 {
                    data.to_vec()
                } else {
                    Vec::new()
                },
                iov: Capture {
                    kind: capture::MSG_IOVEC,
                    ..Default::default()
                },
            });
        } else if let Some(msg) = out.last_mut() {
            // As an iovec capture's element: base, iov_len, bytes copied, flags.
            let chunk = &mut msg.iov.data;
            chunk.extend_from_slice(&a[..16]);
            chunk.extend_from_slice(&b_len.to_le_bytes());
            chunk.extend_from_slice(&flags.to_le_bytes());
            chunk.extend_from_slice(data);
            chunk.resize(chunk.len().next_multiple_of(8), 0);
        }
        off = (b_at + b_len as usize).next_multiple_of(8);
    }
    out
}

/// One message of a `sendmmsg`/`recvmmsg` vector as `-e write=`/`-e read=` dump it:
/// its iovec count, its `msg_len`, and its elements' lengths and captured bytes.
pub(crate) struct MmsgData {
    pub iovlen: u64,
    pub msg_len: u64,
    pub elements: Vec<(u64, Vec<u8>)>,
}

/// The messages of argument `i`'s vector, as far as the capture holds them.
pub(crate) fn mmsg_data(call: &Call, i: usize) -> Vec<MmsgData> {
    const IOVLEN: usize = 24;
    const MSG_LEN: usize = 56;
    let Some(cap) = call.capture(i).filter(|c| !c.fault) else {
        return Vec::new();
    };
    mmsgs(cap)
        .into_iter()
        .map_while(|m| {
            let h = Bytes(&m.header);
            Some(MmsgData {
                iovlen: h.u64(IOVLEN)?,
                msg_len: h.u32(MSG_LEN)?.into(),
                elements: elements(&m.iov.data)
                    .into_iter()
                    .filter(|e| !e.fault)
                    .map(|e| (e.iov_len, e.data.to_vec()))
                    .collect(),
            })
        })
        .collect()
}

/// `sendmmsg`'s and `recvmmsg`'s vector: `[{msg_hdr={...}, msg_len=3}, ...]`, as many
/// messages as the call's size argument (`sendmmsg`) or result (`recvmmsg`) says, at
/// most `-s` of them; each message's data as far as its `msg_len` goes for a received
/// one. `msg_len` shows for the messages the call sent or received.
pub fn write_mmsghdrs(out: &mut String, call: &Call, i: usize, sent: bool, opts: &DecodeOptions) {
    const MSG_LEN: usize = 56;
    let addr = call.args[i];
    let Some(done) = call.success() else {
        return write_addr(out, addr);
    };
    let Some(cap) = call.capture(i).filter(|c| !c.fault && addr != 0) else {
        return write_addr(out, addr);
    };
    let count = if sent {
        call.args[2] as u32 as u64
    } else {
        done
    };
    let msgs = mmsgs(cap);
    let mut s = String::from("[");
    for n in 0..count.min(opts.string_limit as u64) as usize {
        if n > 0 {
            s.push_str(", ");
        }
        let Some(m) = msgs.get(n) else {
            s.push_str("...");
            break;
        };
        let h = Bytes(&m.header);
        let Some(msg_len) = h.u32(MSG_LEN) else {
            return write_addr(out, addr);
        };
        let contents = if sent {
            Contents::Data(u64::MAX)
        } else {
            Contents::Data(msg_len as u64)
        };
        let parts = Parts {
            name: Some(&m.name),
            control: None,
            iov: Some(&m.iov),
            netlink: None,
            owner: Owner {
                pid: call.pid,
                fds: None,
            },
        };
        s.push_str("{msg_hdr=");
        if write_fields(&mut s, &h, None, &parts, contents, opts).is_none() {
            return write_addr(out, addr);
        }
        if (n as u64) < done {
            let _ = write!(s, ", msg_len={msg_len}");
        }
        s.push('}');
    }
    if count > opts.string_limit as u64 {
        s.push_str(", ...");
    }
    s.push(']');
    out.push_str(&s);
}

/// What a message's header points at, as captured.
struct Parts<'a> {
    name: Option<&'a [u8]>,
    control: Option<&'a [u8]>,
    iov: Option<&'a Capture>,
    /// The socket's netlink protocol, when its descriptor's name gives it.
    netlink: Option<u32>,
    /// The caller, whose descriptors `SCM_RIGHTS` passes.
    owner: Owner<'a>,
}

fn write_fields(
    out: &mut String,
    msg: &Bytes,
    given_namelen: Option<u32>,
    parts: &Parts,
    contents: Contents,
    opts: &DecodeOptions,
) -> Option<()> {
    let (name, iov) = (parts.name, parts.iov);
    let name_addr = msg.u64(0)?;
    let namelen = msg.u32(NAMELEN)?;
    out.push_str("{msg_name=");
    // The kernel reports the address's full length; what it wrote is at most what it
    // was given.
    let shown = namelen.min(given_namelen.unwrap_or(namelen)) as usize;
    // A copy cut short at a mapping's end holds the address only if it holds all of it.
    let shown = shown.min(StructKind::Sockaddr.size() as usize);
    let name = name.filter(|n| n.len() >= shown).map(|n| &n[..shown]);
    let mut sa = String::new();
    match name.and_then(|n| structs::write_sockaddr(&mut sa, n, opts)) {
        Some(()) if name_addr != 0 => out.push_str(&sa),
        _ => write_addr(out, name_addr),
    }
    // As strace, the data of a message to or from a netlink address is netlink's.
    let netlink = name
        .filter(|_| name_addr != 0)
        .and_then(|n| Bytes(n).u16(0))
        .filter(|&family| family == super::netlink::AF_NETLINK)
        .map(|_| parts.netlink.unwrap_or(super::netlink::NETLINK_ROUTE));
    out.push_str(", msg_namelen=");
    if let Some(given) = given_namelen.filter(|&g| g != namelen) {
        let _ = write!(out, "{given} => ");
    }
    let _ = write!(out, "{namelen}, msg_iov=");
    let iovlen = msg.u64(IOVLEN)?;
    write_iovec_of(out, iov, msg.u64(IOV)?, iovlen, contents, opts, netlink);
    let _ = write!(out, ", msg_iovlen={iovlen}");
    let controllen = msg.u64(CONTROLLEN)?;
    if controllen != 0 {
        out.push_str(", msg_control=");
        let data = parts
            .control
            .map(|c| &c[..c.len().min(controllen as usize)]);
        let control = msg.u64(CONTROL)?;
        let mut cmsgs = String::new();
        match data.and_then(|d| {
            super::cmsg::write_cmsgs(&mut cmsgs, d, controllen, control, parts.owner, opts)
        }) {
            Some(()) => out.push_str(&cmsgs),
            None => write_addr(out, msg.u64(CONTROL)?),
        }
    }
    let _ = write!(out, ", msg_controllen={controllen}, msg_flags=");
    write_flags(
        out,
        msg.u32(FLAGS)? as u64,
        flags::MSG_FLAGS,
        None,
        "MSG_???",
    );
    out.push('}');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{ArgsPart, write_args};
    use crate::syscalls;
    use tracer_common::CAPTURE_FAULT;

    /// An iovec capture as the kernel lays it out: (base, iov_len, bytes, flags) each.
    fn chunks(elems: &[(u64, u64, &[u8], u8)]) -> Vec<u8> {
        let mut out = Vec::new();
        for &(base, iov_len, data, flags) in elems {
            out.extend_from_slice(&base.to_le_bytes());
            out.extend_from_slice(&iov_len.to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(flags as u32).to_le_bytes());
            out.extend_from_slice(data);
            out.resize(out.len().next_multiple_of(8), 0);
        }
        out
    }

    fn cap(arg: u8, kind: u8, data: Vec<u8>, truncated: bool, fault: bool) -> Capture {
        Capture {
            arg,
            kind,
            data,
            truncated,
            fault,
        }
    }

    fn args(name: &str, args: &[u64], ret: i64, captures: Vec<Capture>, limit: usize) -> String {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        let call = Call {
            nr: syscalls::by_name(name).unwrap().nr,
            args: a,
            ret: Some(ret),
            captures,
            ..Default::default()
        };
        let opts = DecodeOptions {
            string_limit: limit,
            ..Default::default()
        };
        let mut s = String::new();
        write_args(&mut s, &call, &opts, ArgsPart::All, None);
        s
    }

    #[test]
    fn writes_show_each_element_up_to_the_limit() {
        let data = chunks(&[
            (0x10, 5, b"hello", 0),
            (0, 0, b"", 0),
            (0x20, 10, b"0123", 0),
            (0x30, 3, b"", CAPTURE_FAULT),
        ]);
        let caps = vec![cap(1, capture::IOVEC, data, false, false)];
        assert_eq!(
            args("writev", &[1, 0x7ff0, 4], 15, caps, 4),
            "1, [{iov_base=\"hell\"..., iov_len=5}, {iov_base=NULL, iov_len=0}, \
             {iov_base=\"0123\"..., iov_len=10}, {iov_base=0x30, iov_len=3}], 4"
        );
    }

    #[test]
    fn reads_show_what_was_read() {
        // 6 bytes read into 4 + 8 + 8: the second element holds 2 of them, the third none.
        let data = chunks(&[
            (0x10, 4, b"abcd", 0),
            (0x20, 8, b"ef", 0),
            (0x30, 8, b"", 0),
        ]);
        let caps = vec![cap(1, capture::IOVEC, data.clone(), false, false)];
        assert_eq!(
            args("readv", &[3, 0x7ff0, 3], 6, caps, 32),
            "3, [{iov_base=\"abcd\", iov_len=4}, {iov_base=\"ef\", iov_len=8}, \
             {iov_base=\"\", iov_len=8}], 3"
        );
        // A failed read shows where the elements point.
        let caps = vec![cap(1, capture::IOVEC, data, false, false)];
        assert_eq!(
            args("readv", &[3, 0x7ff0, 3], -11, caps, 32),
            "3, [{iov_base=0x10, iov_len=4}, {iov_base=0x20, iov_len=8}, \
             {iov_base=0x30, iov_len=8}], 3"
        );
    }

    #[test]
    fn arrays_are_cut_like_strace_and_unreadable_ones_are_pointers() {
        let data = chunks(&[(0x10, 1, b"a", 0), (0x20, 1, b"b", 0)]);
        let three = chunks(&[(0x10, 1, b"a", 0), (0x20, 1, b"b", 0), (0x30, 1, b"c", 0)]);
        // -s 2: two elements, then "..." for the rest of a 5-element array.
        let caps = vec![cap(1, capture::IOVEC, three, true, false)];
        assert_eq!(
            args("writev", &[1, 0x7ff0, 5], 2, caps, 2),
            "1, [{iov_base=\"a\", iov_len=1}, {iov_base=\"b\", iov_len=1}, ...], 5"
        );
        // The capture held two of three elements: the third could not be read
        // (preadv-pwritev.c), strace says where.
        let caps = vec![cap(1, capture::IOVEC, data, true, false)];
        assert_eq!(
            args("writev", &[1, 0x7ff0, 3], 2, caps, 32),
            "1, [{iov_base=\"a\", iov_len=1}, {iov_base=\"b\", iov_len=1}, \
             ... /* 0x8010 */], 3"
        );
        let caps = vec![cap(1, capture::IOVEC, Vec::new(), false, true)];
        assert_eq!(args("writev", &[1, 0x7ff0, 3], 2, caps, 32), "1, 0x7ff0, 3");
        assert_eq!(args("writev", &[1, 0, 0], 0, vec![], 32), "1, NULL, 0");
    }

    fn msghdr(name: u64, namelen: u32, iov: u64, iovlen: u64) -> Vec<u8> {
        let mut m = vec![0u8; 56];
        m[0..8].copy_from_slice(&name.to_le_bytes());
        m[8..12].copy_from_slice(&namelen.to_le_bytes());
        m[16..24].copy_from_slice(&iov.to_le_bytes());
        m[24..32].copy_from_slice(&iovlen.to_le_bytes());
        m
    }

    #[test]
    fn messages_show_address_and_data() {
        let sin = [2u8, 0, 0, 53, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let iov = chunks(&[(0x20, 3, b"abc", 0)]);
        let sent = vec![
            cap(1, capture::FIXED, msghdr(0x10, 16, 0x18, 1), false, false),
            cap(1, capture::MSG_NAME, sin.to_vec(), false, false),
            cap(1, capture::MSG_IOVEC, iov.clone(), false, false),
        ];
        assert_eq!(
            args("sendmsg", &[3, 0x7ff0, 0], 3, sent, 32),
            "3, {msg_name={sa_family=AF_INET, sin_port=htons(53), \
             sin_addr=inet_addr(\"127.0.0.1\")}, msg_namelen=16, \
             msg_iov=[{iov_base=\"abc\", iov_len=3}], msg_iovlen=1, msg_controllen=0, \
             msg_flags=0}, 0"
        );
        // Received: the length before and after; on failure only the given length.
        let received = |ret| {
            let mut caps = vec![cap(
                1,
                capture::FIXED,
                msghdr(0x10, 128, 0x18, 1),
                false,
                false,
            )];
            if ret >= 0 {
                caps.extend([
                    cap(1, capture::FIXED, msghdr(0x10, 16, 0x18, 1), false, false),
                    cap(1, capture::MSG_NAME, sin.to_vec(), false, false),
                    cap(1, capture::MSG_IOVEC, iov.clone(), false, false),
                ]);
            }
            args("recvmsg", &[3, 0x7ff0, 0], ret, caps, 32)
        };
        assert!(received(3).contains("msg_namelen=128 => 16, msg_iov=[{iov_base=\"abc\""));
        assert_eq!(received(-11), "3, {msg_namelen=128}, 0");
        // No name, and a header that could not be read.
        let caps = vec![cap(1, capture::FIXED, msghdr(0, 0, 0x18, 0), false, false)];
        assert!(
            args("sendmsg", &[3, 0x7ff0, 0], 0, caps, 32)
                .starts_with("3, {msg_name=NULL, msg_namelen=0, msg_iov=0x18, msg_iovlen=0")
        );
        let caps = vec![cap(1, capture::FIXED, vec![], false, true)];
        assert_eq!(
            args("sendmsg", &[3, 0x7ff0, 0], 0, caps, 32),
            "3, 0x7ff0, 0"
        );
    }
}
