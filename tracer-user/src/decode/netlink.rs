//! Netlink messages in a buffer sent to or received from a netlink socket, as strace
//! prints them: `[{nlmsg_len=20, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|
//! NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0}, {ifa_family=AF_UNSPEC, ...}]`.
//!
//! The socket's protocol is taken to be `NETLINK_ROUTE` (what glibc and iproute2 use)
//! unless the descriptor's name says otherwise. Route messages show their family's
//! header and attributes ([`route`], [`nlattr`]); other protocols' payloads show as hex
//! bytes. Decoding needs the whole message in the capture: a buffer cut by `-s` prints
//! as a string.

use std::fmt::Write;

mod diag;
mod link;
mod netfilter;
mod nlattr;
mod route;
mod stats;
mod xlat;

use super::HexMode;
use super::errno::errno_name;
use super::flags::{self, Xlat, styled, write_enum, write_flags_of};
// `struct ifinfomsg`'s flags: the table the socket ioctls print them with.
use super::ioctl::IFF_FLAGS;
use super::netlink_types as types;
use super::strings::quote;
use super::structs::Bytes;
use crate::event::{FdNames, Syscall as Call};
use crate::syscalls::{self, ArgKind, StructKind};
pub use nlattr::Ctx;

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
/// Types below are the control messages every protocol shares.
const NLMSG_MIN_TYPE: u16 = 16;
pub const NETLINK_ROUTE: u32 = 0;
pub const AF_NETLINK: u16 = 16;

/// The netlink protocol a descriptor name (`-yy`'s `NETLINK:[ROUTE:1234]`) gives.
pub fn protocol_from_name(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("NETLINK:[")?;
    let proto = rest.split([':', ']']).next()?;
    flags::NETLINK_PROTOCOLS
        .iter()
        .find(|(_, n)| n.strip_prefix("NETLINK_") == Some(proto))
        .map(|(v, _)| *v as u32)
        .or_else(|| proto.parse().ok())
}

/// The netlink protocol of the socket in argument 0 of `call`, if it is one: from the
/// descriptor's name (`-yy`), else `NETLINK_ROUTE` when the address the call sends to
/// or received from (a captured `sockaddr` argument) is a netlink one.
pub fn socket_protocol(call: &Call, fds: Option<&dyn FdNames>) -> Option<u32> {
    // What the socket was at the call (the kernel programs', or ptrace's, facts).
    if let Some(facts) = socket_facts(call) {
        if facts.name() != b"NETLINK" {
            return None;
        }
        // A netlink socket's protocol, where the backend read it (0 is also ROUTE's).
        return Some(match facts.protocol {
            0 => known_protocol(call.pid, call.args[0] as i32).unwrap_or(NETLINK_ROUTE),
            p => p as u32,
        });
    }
    if let Some(name) = fds.and_then(|f| f.fd_name(call.pid, call.args[0] as i32))
        && name.starts_with("NETLINK:")
    {
        return protocol_from_name(name);
    }
    let sc = syscalls::by_nr(call.nr)?;
    // Without `-yy`'s names, as strace: what the socket is, looked up by its inode
    // (only for the calls that send or receive on a socket, not every `write`).
    if (sc.name.starts_with("send") || sc.name.starts_with("recv"))
        && let Some(proto) = known_protocol(call.pid, call.args[0] as i32)
    {
        return Some(proto);
    }
    let netlink_addr = sc.args.iter().enumerate().any(|(i, arg)| {
        matches!(
            arg.kind,
            ArgKind::SockaddrIn { .. } | ArgKind::Struct(StructKind::Sockaddr, _)
        ) && call.args[i] != 0
            && call
                .capture(i)
                .filter(|c| !c.fault)
                .and_then(|c| Bytes(&c.data).u16(0))
                == Some(AF_NETLINK)
    });
    netlink_addr.then_some(NETLINK_ROUTE)
}

/// The facts the call's capture holds about its descriptor (argument 0), when they name
/// a socket's protocol.
fn socket_facts(call: &Call) -> Option<tracer_common::FdFacts> {
    use tracer_common::capture::FD_FACTS;
    call.captures
        .iter()
        .filter(|c| c.kind == FD_FACTS && !c.fault && c.arg == 0)
        .filter_map(|c| tracer_common::FdFacts::from_bytes(&c.data))
        .find(|f| f.fd == call.args[0] as i32 && f.name_len > 0)
}

/// The netlink protocol of descriptor `fd` of task `pid`: from `/proc` while the task
/// has it, else as `/proc` last told it. The kernel programs' events are decoded after
/// the calls, when a short-lived program may have exited: what an earlier call on the
/// descriptor found is kept (a few pairs; a stale one only where `/proc` cannot answer).
fn known_protocol(pid: u32, fd: i32) -> Option<u32> {
    use std::collections::HashMap;
    use std::sync::Mutex;
    type Seen = HashMap<(u32, i32), Option<u32>>;
    static SEEN: Mutex<Option<Seen>> = Mutex::new(None);
    let mut seen = SEEN.lock().ok()?;
    let seen = seen.get_or_insert_with(HashMap::new);
    match proc_protocol(pid, fd) {
        Some(found) => {
            if seen.len() >= 1024 {
                seen.clear();
            }
            seen.insert((pid, fd), found);
            found
        }
        None => seen.get(&(pid, fd)).copied().flatten(),
    }
}

/// The netlink protocol of descriptor `fd` of task `pid`, from `/proc` (None: the task
/// or descriptor is gone; Some(None): not a netlink socket): its socket's
/// inode in the task's netlink socket table (`/proc/PID/net/netlink`: protocol in the
/// second column, inode in the last).
fn proc_protocol(pid: u32, fd: i32) -> Option<Option<u32>> {
    let link = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).ok()?;
    let Some(inode) = link
        .to_str()
        .and_then(|l| l.strip_prefix("socket:[")?.strip_suffix(']'))
    else {
        return Some(None);
    };
    let table = std::fs::read_to_string(format!("/proc/{pid}/net/netlink")).ok()?;
    Some(table.lines().skip(1).find_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        (cols.last() == Some(&inode))
            .then(|| cols.get(1)?.parse().ok())
            .flatten()
    }))
}

/// A buffer of messages as captured: `data`, the first bytes of the `len` at `addr`.
/// A copy shorter than both `len` and `-s` ended at a mapping's end: what it misses
/// shows as its address (strace's reads fail there); a copy cut by `-s` alone is not
/// decoded (strace reads the messages whole).
#[derive(Clone, Copy)]
pub struct Buffer<'a> {
    pub data: &'a [u8],
    pub len: usize,
    pub addr: u64,
}

/// What of a buffer's `len` bytes from `off` the copy holds: `Ok` with them, `Err(true)`
/// for a read that failed there (a copy cut by its limit is not decoded at all).
fn bytes_at<'a>(buf: &Buffer<'a>, off: usize, len: usize) -> Result<&'a [u8], bool> {
    buf.data.get(off..off + len).ok_or(true)
}

/// Writes the messages in `buf`; false, writing nothing, when the copy was cut by its
/// limit (`copy_limit` bytes: `-s`, or the whole of a `sendto`'s buffer) before their end
/// (the caller prints the bytes). A copy shorter still ended at a mapping's end.
pub fn write_messages(
    out: &mut String,
    buf: Buffer,
    protocol: u32,
    ctx: &Ctx,
    copy_limit: usize,
) -> bool {
    let limit = ctx.opts.string_limit;
    if buf.data.len() < buf.len && buf.data.len() >= buf.len.min(copy_limit) {
        return false;
    }
    if protocol == NETLINK_KOBJECT_UEVENT {
        return write_uevent(out, buf, ctx);
    }
    let mut s = String::new();
    let mut off = 0;
    let mut count = 0;
    // More than one piece (messages, trailing bytes): strace's array.
    let mut array = false;
    loop {
        let remaining = buf.len - off;
        let addr = buf.addr.wrapping_add(off as u64);
        if remaining < NLMSG_HDRLEN {
            // Too short for a header: its bytes, in hex (strace's `fetch_nlmsghdr`).
            if count > 0 {
                s.push_str(", ");
            }
            match bytes_at(&buf, off, remaining.min(limit)) {
                Ok(bytes) => write_hex_bytes(&mut s, bytes, remaining, limit),
                Err(true) => super::write_hex(&mut s, addr),
                Err(false) => return false,
            }
            break;
        }
        let header = match bytes_at(&buf, off, NLMSG_HDRLEN) {
            Ok(header) => header,
            Err(false) => return false,
            Err(true) if count > 0 => {
                let _ = write!(s, ", ... /* {} */", flags::hex(addr));
                break;
            }
            Err(true) => {
                super::write_hex(&mut s, addr);
                break;
            }
        };
        if count == limit {
            s.push_str(", ...");
            array = true;
            break;
        }
        let len = Bytes(header).u32(0).unwrap_or(0) as usize;
        let aligned = len.next_multiple_of(4);
        let next = len >= NLMSG_HDRLEN && aligned < remaining;
        if count > 0 {
            s.push_str(", ");
        }
        let msg = Buffer {
            data: buf.data.get(off..).unwrap_or(&[]),
            len: remaining,
            addr,
        };
        if write_message(&mut s, msg, protocol, ctx).is_none() {
            return false;
        }
        count += 1;
        if !next {
            break;
        }
        array = true;
        off += aligned;
    }
    if array {
        out.push('[');
        out.push_str(&s);
        out.push(']');
    } else {
        out.push_str(&s);
    }
    true
}

/// One message: its header, then (with a payload) `[header, payload]`; None when the
/// copy was cut by `-s` before its end.
fn write_message(out: &mut String, msg: Buffer, protocol: u32, ctx: &Ctx) -> Option<()> {
    let b = Bytes(msg.data);
    let (len, kind, nl_flags) = (b.u32(0)?, b.u16(4)?, b.u16(6)?);
    let payload_len = (len as usize).min(msg.len).saturating_sub(NLMSG_HDRLEN);
    let mut s = String::new();
    let _ = write!(s, "{{nlmsg_len={len}, nlmsg_type=");
    write_type(&mut s, kind, protocol);
    s.push_str(", nlmsg_flags=");
    write_nl_flags(&mut s, nl_flags, kind, protocol);
    let _ = write!(s, ", nlmsg_seq={}, nlmsg_pid=", b.u32(8)?);
    // A process id (strace's `PRINT_FIELD_TGID`): `-Y`'s name, `--pidns-translation`.
    super::write_pid(&mut s, ctx.pid, b.i32(12)?, ctx.opts);
    s.push('}');
    if payload_len == 0 {
        out.push_str(&s);
        return Some(());
    }
    out.push('[');
    out.push_str(&s);
    out.push_str(", ");
    if protocol == NETLINK_ROUTE && kind >= NLMSG_MIN_TYPE && kind != NLMSG_DONE {
        route::write(out, ctx, kind, msg.sub(NLMSG_HDRLEN, payload_len));
        out.push(']');
        return Some(());
    }
    if protocol == NETLINK_NETFILTER && kind >= NLMSG_MIN_TYPE {
        netfilter::write(out, ctx, kind, msg.sub(NLMSG_HDRLEN, payload_len));
        out.push(']');
        return Some(());
    }
    if protocol == NETLINK_SOCK_DIAG && kind >= NLMSG_MIN_TYPE && kind != NLMSG_DONE {
        diag::write(out, ctx, kind, nl_flags, msg.sub(NLMSG_HDRLEN, payload_len));
        out.push(']');
        return Some(());
    }
    match bytes_at(&msg, NLMSG_HDRLEN, payload_len) {
        Ok(payload) => write_payload(out, kind, nl_flags, payload, protocol, ctx)?,
        Err(true) => super::write_hex(out, msg.addr.wrapping_add(NLMSG_HDRLEN as u64)),
        Err(false) => return None,
    }
    out.push(']');
    Some(())
}

const NETLINK_KOBJECT_UEVENT: u32 = 15;

/// A uevent message: udev's `struct udev_monitor_netlink_header` and its properties
/// after it (strace's `decode_netlink_kobject_uevent`); false (a plain string) for the
/// kernel's own messages, or when the header cannot be read whole.
fn write_uevent(out: &mut String, buf: Buffer, ctx: &Ctx) -> bool {
    const SIZE: usize = 40;
    let Some(h) = buf.data.get(..SIZE).filter(|_| buf.len >= SIZE) else {
        return false;
    };
    if &h[..8] != b"libudev\0" {
        return false;
    }
    let u32_at = |off: usize| u32::from_le_bytes(h[off..off + 4].try_into().unwrap_or_default());
    let be32_at = |off: usize| u32::from_be_bytes(h[off..off + 4].try_into().unwrap_or_default());
    if buf.len > SIZE {
        out.push('[');
    }
    let _ = write!(
        out,
        "{{prefix=\"libudev\", magic=htonl({}), header_size={}, properties_off={}, \
         properties_len={}, filter_subsystem_hash=htonl({}), filter_devtype_hash=htonl({}), \
         filter_tag_bloom_hi=htonl({}), filter_tag_bloom_lo=htonl({})}}",
        flags::hex(be32_at(8) as u64),
        u32_at(12),
        u32_at(16),
        u32_at(20),
        flags::hex(be32_at(24) as u64),
        flags::hex(be32_at(28) as u64),
        flags::hex(be32_at(32) as u64),
        flags::hex(be32_at(36) as u64),
    );
    if buf.len > SIZE {
        out.push_str(", ");
        let limit = ctx.opts.string_limit;
        let rest = buf.len - SIZE;
        match buf.data.get(SIZE..SIZE + rest.min(limit)) {
            Some(b) => {
                super::strings::quote(out, b, ctx.opts.hex, false);
                if rest > limit {
                    out.push_str("...");
                }
            }
            None => super::write_hex(out, buf.addr.wrapping_add(SIZE as u64)),
        }
        out.push(']');
    }
    true
}

/// The netlink protocols whose messages strace names by protocol.
const NETLINK_SOCK_DIAG: u32 = 4;
const NETLINK_XFRM: u32 = 6;
const NETLINK_SELINUX: u32 = 7;
const NETLINK_AUDIT: u32 = 9;
const NETLINK_NETFILTER: u32 = 12;
const NETLINK_GENERIC: u32 = 16;
const NETLINK_CRYPTO: u32 = 21;

/// The message type, by protocol (strace's `decode_nlmsg_type`): the control types
/// every protocol shares, else the protocol's own.
fn write_type(out: &mut String, kind: u16, protocol: u32) {
    let (table, dflt) = match protocol {
        _ if kind < NLMSG_MIN_TYPE => (CONTROL_TYPES, "NLMSG_???"),
        NETLINK_ROUTE => (xlat::NL_ROUTE_TYPES, "RTM_???"),
        NETLINK_AUDIT => (types::NL_AUDIT_TYPES, "AUDIT_???"),
        NETLINK_CRYPTO => (types::NL_CRYPTO_TYPES, "CRYPTO_MSG_???"),
        // Families are numbered at run time: their names are the kernel's, as strace's.
        NETLINK_GENERIC => (genl_families(), "GENERIC_FAMILY_???"),
        NETLINK_NETFILTER => return write_netfilter_type(out, kind),
        NETLINK_SELINUX => (types::NL_SELINUX_TYPES, "SELNL_MSG_???"),
        NETLINK_SOCK_DIAG => (types::NL_SOCK_DIAG_TYPES, "SOCK_DIAG_???"),
        NETLINK_XFRM => (types::NL_XFRM_TYPES, "XFRM_MSG_???"),
        _ => (CONTROL_TYPES, "NLMSG_???"),
    };
    write_enum(out, kind as u64, table, dflt);
}

/// The generic netlink families' ids and names, asked of the kernel once (strace's
/// `genl_families_xlat`: a `CTRL_CMD_GETFAMILY` dump); none when it does not answer.
fn genl_families() -> Xlat {
    static FAMILIES: std::sync::OnceLock<Xlat> = std::sync::OnceLock::new();
    FAMILIES.get_or_init(|| Box::leak(query_genl_families().into_boxed_slice()))
}

fn query_genl_families() -> Vec<(u64, &'static str)> {
    const GENL_ID_CTRL: u16 = 0x10;
    const CTRL_CMD_NEWFAMILY: u8 = 1;
    const CTRL_CMD_GETFAMILY: u8 = 3;
    const CTRL_ATTR_FAMILY_ID: u16 = 1;
    const CTRL_ATTR_FAMILY_NAME: u16 = 2;
    let mut found = Vec::new();
    // SAFETY: a socket of our own, written and read through buffers we own.
    let fd = unsafe { libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 16) };
    if fd < 0 {
        return found;
    }
    // A kernel that never answers must not hold the trace up.
    let timeout = libc::timeval {
        tv_sec: 1,
        tv_usec: 0,
    };
    // SAFETY: as above.
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&raw const timeout).cast(),
            size_of::<libc::timeval>() as u32,
        )
    };
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_DUMP) as u16;
    let req = [
        &20u32.to_ne_bytes()[..],
        &GENL_ID_CTRL.to_ne_bytes(),
        &flags.to_ne_bytes(),
        &[0; 8],
        &[CTRL_CMD_GETFAMILY, 0, 0, 0],
    ]
    .concat();
    // SAFETY: as above.
    let sent = unsafe { libc::send(fd, req.as_ptr().cast(), req.len(), 0) };
    let mut buf = vec![0u8; 32768];
    // Replies until the dump's end (or none, when the request was not sent).
    'replies: loop {
        if sent <= 0 {
            break;
        }
        // SAFETY: as above.
        let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n <= 0 {
            break;
        }
        let mut msgs = &buf[..n as usize];
        while msgs.len() >= 16 {
            let len = u32::from_ne_bytes(msgs[..4].try_into().unwrap_or_default()) as usize;
            let kind = u16::from_ne_bytes([msgs[4], msgs[5]]);
            if len < 16 || len > msgs.len() || kind == NLMSG_DONE || kind == NLMSG_ERROR {
                break 'replies;
            }
            let body = &msgs[16..len];
            if body.len() >= 4 && body[0] == CTRL_CMD_NEWFAMILY && body[1] == 2 {
                let (mut id, mut name) = (None, None);
                let mut attrs = &body[4..];
                while attrs.len() >= 4 {
                    let alen = u16::from_ne_bytes([attrs[0], attrs[1]]) as usize;
                    if alen < 4 || alen > attrs.len() {
                        break;
                    }
                    let payload = &attrs[4..alen];
                    match u16::from_ne_bytes([attrs[2], attrs[3]]) {
                        CTRL_ATTR_FAMILY_ID if payload.len() == 2 && id.is_none() => {
                            id = Some(u16::from_ne_bytes([payload[0], payload[1]]))
                        }
                        CTRL_ATTR_FAMILY_NAME if name.is_none() => {
                            let end = payload
                                .iter()
                                .position(|&c| c == 0)
                                .unwrap_or(payload.len());
                            name = Some(String::from_utf8_lossy(&payload[..end]).into_owned())
                        }
                        _ => {}
                    }
                    if let (Some(i), Some(n)) = (id, &name) {
                        found.push((i as u64, &*Box::leak(n.clone().into_boxed_str())));
                        (id, name) = (None, None);
                    }
                    attrs = &attrs[alen.next_multiple_of(4).min(attrs.len())..];
                }
            }
            msgs = &msgs[len.next_multiple_of(4).min(msgs.len())..];
        }
    }
    // SAFETY: our own descriptor.
    unsafe { libc::close(fd) };
    found
}

/// The message types of each netfilter subsystem, by subsystem id.
const NF_SUBSYS_TYPES: &[(Xlat, &str)] = &[
    (&[], ""),
    (types::NF_CTNETLINK_MSG_TYPES, "IPCTNL_MSG_CT_???"),
    (types::NF_CTNETLINK_EXP_MSG_TYPES, "IPCTNL_MSG_EXP_???"),
    (types::NF_QUEUE_MSG_TYPES, "NFQNL_MSG_???"),
    (types::NF_ULOG_MSG_TYPES, "NFULNL_MSG_???"),
    (types::NF_OSF_MSG_TYPES, "OSF_MSG_???"),
    (types::NF_IPSET_MSG_TYPES, "IPSET_CMD_???"),
    (types::NF_ACCT_MSG_TYPES, "NFNL_MSG_ACCT_???"),
    (types::NF_CTTIMEOUT_MSG_TYPES, "IPCTNL_MSG_TIMEOUT_???"),
    (types::NF_CTHELPER_MSG_TYPES, "NFNL_MSG_CTHELPER_???"),
    (types::NF_NFTABLES_MSG_TYPES, "NFT_MSG_???"),
    (types::NF_NFT_COMPAT_MSG_TYPES, "NFNL_MSG_COMPAT_???"),
    (types::NF_HOOK_MSG_TYPES, "NFT_MSG_HOOK_???"),
];

/// A netfilter type: a batch marker, or `NFNL_SUBSYS_ACCT<<8|NFNL_MSG_ACCT_NEW`.
fn write_netfilter_type(out: &mut String, kind: u16) {
    if let Some(name) = flags::lookup(types::NL_NETFILTER_MSG_TYPES, kind as u64) {
        return styled(out, &flags::hex(kind as u64), |o| o.push_str(name));
    }
    let (subsys, msg) = ((kind >> 8) as u64, (kind & 0xff) as u64);
    write_enum(
        out,
        subsys,
        types::NL_NETFILTER_SUBSYS_IDS,
        "NFNL_SUBSYS_???",
    );
    out.push_str("<<8|");
    match NF_SUBSYS_TYPES.get(subsys as usize) {
        Some((table, dflt)) if subsys > 0 => write_enum(out, msg, table, dflt),
        _ => out.push_str(&flags::hex(msg)),
    }
}

/// The common flags, then those of the request's kind (get, new, delete, an ack's), by
/// protocol (strace's `decode_nlmsg_flags`).
fn write_nl_flags(out: &mut String, value: u16, kind: u16, protocol: u32) {
    let kind_flags: Xlat = if kind < NLMSG_MIN_TYPE {
        if kind == NLMSG_ERROR { ACK_FLAGS } else { &[] }
    } else {
        match protocol {
            NETLINK_ROUTE => route_flags(kind),
            NETLINK_SOCK_DIAG => GET_FLAGS,
            NETLINK_CRYPTO => match kind {
                0x10 => NEW_FLAGS,
                0x11 | 0x14 => DELETE_FLAGS,
                0x13 => GET_FLAGS,
                _ => &[],
            },
            NETLINK_XFRM => match kind {
                16 | 19 | 30 | 34 | 36 => NEW_FLAGS,
                17 | 20 => DELETE_FLAGS,
                18 | 21 | 31 | 35 | 37 => GET_FLAGS,
                _ => &[],
            },
            NETLINK_NETFILTER => netfilter_flags(kind),
            _ => &[],
        }
    };
    write_flags_of(
        out,
        value as u64,
        &[COMMON_FLAGS, kind_flags],
        None,
        "NLM_F_???",
    );
}

fn route_flags(kind: u16) -> Xlat {
    const RTM_DELACTION: u16 = 49;
    if kind == RTM_DELACTION {
        return GET_FLAGS;
    }
    match kind & 3 {
        0 => NEW_FLAGS,
        1 => DELETE_FLAGS,
        2 => GET_FLAGS,
        _ => &[],
    }
}

/// Which of each netfilter subsystem's messages create, get or delete.
fn netfilter_flags(kind: u16) -> Xlat {
    let msg = kind & 0xff;
    match (kind >> 8, msg) {
        // CTNETLINK, CTNETLINK_EXP
        (1 | 2, 0) => NEW_FLAGS,
        (1, 1 | 3..=7) | (2, 1 | 3) => GET_FLAGS,
        (1 | 2, 2) => DELETE_FLAGS,
        // ACCT
        (7, 0) => NEW_FLAGS,
        (7, 1 | 2) => GET_FLAGS,
        (7, 3) => DELETE_FLAGS,
        // CTNETLINK_TIMEOUT, CTHELPER
        (8 | 9, 0) => NEW_FLAGS,
        (8 | 9, 1) => GET_FLAGS,
        (8 | 9, 2) => DELETE_FLAGS,
        // NFTABLES: NEW*, GET*, DEL* of tables, chains, rules, sets, elements, then
        // generations, objects, flow tables.
        (10, 0 | 3 | 6 | 9 | 12 | 15 | 18 | 22) => NEW_FLAGS,
        (10, 1 | 4 | 7 | 10 | 13 | 16 | 19 | 21 | 23) => GET_FLAGS,
        (10, 2 | 5 | 8 | 11 | 14 | 20 | 24) => DELETE_FLAGS,
        // NFT_COMPAT, HOOK
        (11 | 12, 0) => GET_FLAGS,
        _ => &[],
    }
}

fn write_payload(
    out: &mut String,
    kind: u16,
    nl_flags: u16,
    data: &[u8],
    protocol: u32,
    ctx: &Ctx,
) -> Option<()> {
    let limit = ctx.opts.string_limit;
    const NLM_F_CAPPED: u16 = 0x100;
    let b = Bytes(data);
    if kind == NLMSG_ERROR && data.len() >= 4 + NLMSG_HDRLEN {
        let error = b.i32(0)?;
        // The request echoed back: its header alone when capped.
        let msg = &data[4..];
        let msg_len = Bytes(msg).u32(0)? as usize;
        let shown = if nl_flags & NLM_F_CAPPED != 0 {
            NLMSG_HDRLEN
        } else {
            msg_len.max(NLMSG_HDRLEN)
        }
        .min(msg.len());
        // Attributes after it (`NLM_F_ACK_TLVS`): `[{error=...}, attributes]`.
        let attrs = &msg[shown..];
        if !attrs.is_empty() {
            out.push('[');
        }
        out.push_str("{error=");
        match errno_name(error.wrapping_neg()).filter(|_| error < 0) {
            Some(name) => {
                let _ = write!(out, "-{name}");
            }
            None => {
                let _ = write!(out, "{error}");
            }
        }
        out.push_str(", msg=");
        let inner = Buffer {
            data: &msg[..shown],
            len: shown,
            addr: 0,
        };
        write_message(out, inner, protocol, ctx)?;
        out.push('}');
        if !attrs.is_empty() {
            out.push_str(", ");
            let mem = Buffer {
                data: attrs,
                len: attrs.len(),
                addr: 0,
            };
            nlattr::write_attrs(out, ctx, mem, &NLMSGERR_ATTRS);
            out.push(']');
        }
        return Some(());
    }
    // SELNL_MSG_SETENFORCE's `{val}`, SELNL_MSG_POLICYLOAD's `{seqno}`; shorter ones in
    // hex, as any payload.
    if protocol == NETLINK_SELINUX && data.len() >= 4 && matches!(kind, 0x10 | 0x11) {
        let _ = match kind {
            0x10 => write!(out, "{{val={}}}", b.i32(0)?),
            _ => write!(out, "{{seqno={}}}", b.u32(0)?),
        };
        return Some(());
    }
    if kind == NLMSG_DONE && data.len() == 4 {
        let _ = write!(out, "{}", b.i32(0)?);
        return Some(());
    }
    write_hex_bytes(out, data, data.len(), limit);
    Some(())
}

/// `len` bytes forced to hex, at most `limit` of them, `data` holding those (strace's
/// `printstr_ex` with `QUOTE_FORCE_HEX`).
fn write_hex_bytes(out: &mut String, data: &[u8], len: usize, limit: usize) {
    quote(
        out,
        &data[..len.min(limit).min(data.len())],
        HexMode::None,
        true,
    );
    if len > limit {
        out.push_str("...");
    }
}

static NLMSGERR_ATTRS: nlattr::Attrs = nlattr::Attrs {
    names: xlat::NLMSGERR_ATTRS,
    dflt: "NLMSGERR_ATTR_???",
    decoders: &[(1, nlattr::str), (2, nlattr::u32), (3, cookie)],
};

/// `NLMSGERR_ATTR_COOKIE`: its bytes as numbers.
fn cookie(out: &mut String, ctx: &nlattr::Ctx, mem: Buffer) -> bool {
    if mem.len == 0 {
        out.push_str("[]");
        return true;
    }
    nlattr::array::<1>(out, ctx, mem, |o, b| {
        let _ = write!(o, "{}", b[0]);
    })
}

const CONTROL_TYPES: Xlat = &[
    (1, "NLMSG_NOOP"),
    (2, "NLMSG_ERROR"),
    (3, "NLMSG_DONE"),
    (4, "NLMSG_OVERRUN"),
];

const COMMON_FLAGS: Xlat = &[
    (1, "NLM_F_REQUEST"),
    (2, "NLM_F_MULTI"),
    (4, "NLM_F_ACK"),
    (8, "NLM_F_ECHO"),
    (0x10, "NLM_F_DUMP_INTR"),
    (0x20, "NLM_F_DUMP_FILTERED"),
];

const GET_FLAGS: Xlat = &[
    (0x300, "NLM_F_DUMP"),
    (0x100, "NLM_F_ROOT"),
    (0x200, "NLM_F_MATCH"),
    (0x400, "NLM_F_ATOMIC"),
];

const NEW_FLAGS: Xlat = &[
    (0x100, "NLM_F_REPLACE"),
    (0x200, "NLM_F_EXCL"),
    (0x400, "NLM_F_CREATE"),
    (0x800, "NLM_F_APPEND"),
];

const DELETE_FLAGS: Xlat = &[(0x100, "NLM_F_NONREC"), (0x200, "NLM_F_BULK")];

const ACK_FLAGS: Xlat = &[(0x100, "NLM_F_CAPPED"), (0x200, "NLM_F_ACK_TLVS")];

const ARPHRD_TYPES: Xlat = &[
    (0, "ARPHRD_NETROM"),
    (1, "ARPHRD_ETHER"),
    (24, "ARPHRD_IEEE1394"),
    (512, "ARPHRD_PPP"),
    (768, "ARPHRD_TUNNEL"),
    (769, "ARPHRD_TUNNEL6"),
    (772, "ARPHRD_LOOPBACK"),
    (776, "ARPHRD_SIT"),
    (778, "ARPHRD_IPGRE"),
    (801, "ARPHRD_IEEE80211"),
    (803, "ARPHRD_IEEE80211_RADIOTAP"),
    (823, "ARPHRD_IP6GRE"),
    (824, "ARPHRD_NETLINK"),
    (0xfffe, "ARPHRD_NONE"),
    (0xffff, "ARPHRD_VOID"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::DecodeOptions;

    fn header(len: u32, kind: u16, flags: u16, seq: u32, pid: u32) -> Vec<u8> {
        [
            &len.to_le_bytes()[..],
            &kind.to_le_bytes(),
            &flags.to_le_bytes(),
            &seq.to_le_bytes(),
            &pid.to_le_bytes(),
        ]
        .concat()
    }

    fn whole(data: &[u8]) -> Buffer<'_> {
        Buffer {
            data,
            len: data.len(),
            addr: 0x1000,
        }
    }

    fn decode(data: &[u8]) -> Option<String> {
        let mut s = String::new();
        write_messages(
            &mut s,
            whole(data),
            NETLINK_ROUTE,
            &Ctx::new(&DecodeOptions::default(), 0, None),
            32,
        )
        .then_some(s)
    }

    fn nla(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut a = [
            &((4 + payload.len()) as u16).to_le_bytes()[..],
            &kind.to_le_bytes(),
            payload,
        ]
        .concat();
        a.resize(a.len().next_multiple_of(4), 0);
        a
    }

    /// An `RTM_GETLINK` of `AF_UNSPEC` for device 0 with `attrs`.
    fn link_msg(attrs: &[u8]) -> Vec<u8> {
        let len = 16 + 16 + attrs.len() as u32;
        [header(len, 18, 1, 0, 0), vec![0; 16], attrs.to_vec()].concat()
    }

    /// The text of a link message's attributes (after its header's).
    fn link_attrs(attrs: &[u8]) -> String {
        let text = decode(&link_msg(attrs)).unwrap();
        let at = text.find("ifi_change=0}, ").expect("the header") + "ifi_change=0}, ".len();
        text[at..text.len() - 1].to_owned()
    }

    /// `IFLA_STATS` as 23 or 24 counters (any other size in hex), `IFLA_STATS64` as 23,
    /// 24 or 25.
    #[test]
    fn link_counters_by_their_struct_sizes() {
        let counters = |n: u64, width: usize| -> Vec<u8> {
            (1..=n)
                .flat_map(|v| v.to_le_bytes()[..width].to_vec())
                .collect()
        };
        let text = link_attrs(&nla(7, &counters(24, 4)));
        assert!(
            text.starts_with("[{nla_len=100, nla_type=IFLA_STATS}, {rx_packets=1, tx_packets=2, "),
            "{text}"
        );
        assert!(
            text.ends_with("tx_compressed=23, rx_nohandler=24}]"),
            "{text}"
        );
        let text = link_attrs(&nla(7, &counters(23, 4)));
        assert!(text.ends_with("tx_compressed=23}]"), "{text}");
        let text = link_attrs(&nla(7, &counters(22, 4)));
        assert!(text.contains("IFLA_STATS}, \"\\x01"), "{text}");
        let text = link_attrs(&nla(23, &counters(24, 8)));
        assert!(text.ends_with("rx_nohandler=24}]"), "{text}");
        let text = link_attrs(&nla(23, &counters(26, 8)));
        assert!(
            text.ends_with("rx_nohandler=24, rx_otherhost_dropped=25}]"),
            "{text}"
        );
    }

    /// A link's kind names how the data after it decodes: a tun device's owner.
    #[test]
    fn link_data_by_its_kind() {
        let info = [nla(1, b"tun\0"), nla(2, &nla(1, &u32::MAX.to_le_bytes()))].concat();
        assert_eq!(
            link_attrs(&nla(18, &info)),
            "[{nla_len=24, nla_type=IFLA_LINKINFO}, [[{nla_len=8, nla_type=IFLA_INFO_KIND}, \"tun\"], \
             [{nla_len=12, nla_type=IFLA_INFO_DATA}, [{nla_len=8, nla_type=IFLA_TUN_OWNER}, -1]]]]"
        );
        let info = [nla(1, b"can\0"), nla(2, &nla(1, &u32::MAX.to_le_bytes()))].concat();
        assert!(link_attrs(&nla(18, &info)).contains("IFLA_INFO_DATA}, \"\\x08"));
    }

    /// glibc's and strace's tests' RTM_GETLINK dump request: a 4-byte `rtgenmsg`,
    /// shorter than an `ifinfomsg`.
    #[test]
    fn a_dump_request() {
        let msg = [header(20, 18, 0x301, 1, 0), vec![17, 0, 0, 0]].concat();
        assert_eq!(
            decode(&msg).unwrap(),
            "[{nlmsg_len=20, nlmsg_type=RTM_GETLINK, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, \
             nlmsg_seq=1, nlmsg_pid=0}, {ifi_family=AF_PACKET, ...}]"
        );
        let msg = [header(24, 22, 0x301, 7, 0), vec![0; 8]].concat();
        let mut want = String::from(
            "[{nlmsg_len=24, nlmsg_type=RTM_GETADDR, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, \
             nlmsg_seq=7, nlmsg_pid=0}, {ifa_family=AF_UNSPEC, ifa_prefixlen=0, ifa_flags=0, \
             ifa_scope=RT_SCOPE_UNIVERSE, ifa_index=",
        );
        super::super::cmsg::write_ifindex(&mut want, 0);
        want.push_str("}]");
        assert_eq!(decode(&msg).unwrap(), want);
    }

    #[test]
    fn acks_errors_and_done() {
        let req = header(20, 18, 0x301, 1, 0);
        let err = [
            header(36, 2, 0x100, 1, 42),
            (-22i32).to_le_bytes().to_vec(),
            req,
        ]
        .concat();
        let done = [header(20, 3, 2, 1, 42), 0i32.to_le_bytes().to_vec()].concat();
        assert_eq!(
            decode(&[err, done].concat()).unwrap(),
            "[[{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_CAPPED, nlmsg_seq=1, \
             nlmsg_pid=42}, {error=-EINVAL, msg={nlmsg_len=20, nlmsg_type=RTM_GETLINK, \
             nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, nlmsg_seq=1, nlmsg_pid=0}}], \
             [{nlmsg_len=20, nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_MULTI, nlmsg_seq=1, \
             nlmsg_pid=42}, 0]]"
        );
        // Bytes after the last message, too few for a header: in hex, in the array
        // (netlink_protocol.c).
        let msg = [
            header(20, 1, 0x301, 0, 0),
            b"abcd".to_vec(),
            20u32.to_le_bytes().to_vec(),
        ];
        assert_eq!(
            decode(&msg.concat()).unwrap(),
            "[[{nlmsg_len=20, nlmsg_type=NLMSG_NOOP, nlmsg_flags=NLM_F_REQUEST|0x300, \
             nlmsg_seq=0, nlmsg_pid=0}, \"\\x61\\x62\\x63\\x64\"], \"\\x14\\x00\\x00\\x00\"]"
        );
        // A buffer shorter than a header: its bytes in hex (netlink_protocol.c).
        assert_eq!(decode(b"abcd").unwrap(), "\"\\x61\\x62\\x63\\x64\"");
    }

    // nfnetlink_acct.c, netlink_audit.c, netlink_xfrm.c: each protocol's types and
    // the request flags of its kind.
    #[test]
    fn types_and_flags_by_protocol() {
        let one = |proto, kind, flags| {
            let mut s = String::new();
            let msg = header(16, kind, flags, 0, 0);
            assert!(write_messages(
                &mut s,
                whole(&msg),
                proto,
                &Ctx::new(&DecodeOptions::default(), 0, None),
                32
            ));
            s
        };
        assert_eq!(
            one(NETLINK_NETFILTER, 7 << 8, 0x401),
            "{nlmsg_len=16, nlmsg_type=NFNL_SUBSYS_ACCT<<8|NFNL_MSG_ACCT_NEW, \
             nlmsg_flags=NLM_F_REQUEST|NLM_F_CREATE, nlmsg_seq=0, nlmsg_pid=0}"
        );
        assert_eq!(
            one(NETLINK_NETFILTER, 7 << 8 | 0xff, 1),
            "{nlmsg_len=16, nlmsg_type=NFNL_SUBSYS_ACCT<<8|0xff /* NFNL_MSG_ACCT_??? */, \
             nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}"
        );
        assert_eq!(
            one(NETLINK_NETFILTER, 16, 1),
            "{nlmsg_len=16, nlmsg_type=NFNL_MSG_BATCH_BEGIN, nlmsg_flags=NLM_F_REQUEST, \
             nlmsg_seq=0, nlmsg_pid=0}"
        );
        assert_eq!(
            one(NETLINK_AUDIT, 1000, 1),
            "{nlmsg_len=16, nlmsg_type=AUDIT_GET, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, \
             nlmsg_pid=0}"
        );
        assert_eq!(
            one(NETLINK_XFRM, 18, 0x301),
            "{nlmsg_len=16, nlmsg_type=XFRM_MSG_GETSA, nlmsg_flags=NLM_F_REQUEST|NLM_F_DUMP, \
             nlmsg_seq=0, nlmsg_pid=0}"
        );
    }

    // netlink_netfilter.c, netlink_selinux.c: a payload past a mapping's end shows as its
    // address; a copy cut by `-s` alone is not decoded.
    #[test]
    fn a_payload_past_the_mappings_end() {
        let msg = [header(20, 16, 1, 0, 0), b"abc".to_vec()].concat();
        let buf = Buffer {
            data: &msg,
            len: 20,
            addr: 0x1ff0,
        };
        let mut s = String::new();
        assert!(write_messages(
            &mut s,
            buf,
            NETLINK_NETFILTER,
            &Ctx::new(&DecodeOptions::default(), 0, None),
            32
        ));
        assert_eq!(
            s,
            "[{nlmsg_len=20, nlmsg_type=NFNL_MSG_BATCH_BEGIN, nlmsg_flags=NLM_F_REQUEST, \
             nlmsg_seq=0, nlmsg_pid=0}, 0x2000]"
        );
        let cut = Buffer { len: 40, ..buf };
        let opts = DecodeOptions {
            string_limit: 19,
            ..DecodeOptions::default()
        };
        assert!(!write_messages(
            &mut String::new(),
            cut,
            NETLINK_NETFILTER,
            &Ctx::new(&opts, 0, None),
            19
        ));
    }

    #[test]
    fn protocols_from_descriptor_names() {
        assert_eq!(protocol_from_name("NETLINK:[ROUTE:1234]"), Some(0));
        assert_eq!(protocol_from_name("NETLINK:[SOCK_DIAG:1]"), Some(4));
        assert_eq!(protocol_from_name("socket:[1234]"), None);
    }
}
