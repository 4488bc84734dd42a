//! `keyctl`'s arguments by command, as strace's `keyctl.c` prints them: key serial
//! numbers (`KEY_SPEC_*` or signed), descriptions and payloads as strings, a key's
//! description or payload read back at exit, permissions, uids, errors and
//! `KEYCTL_INSTANTIATE_IOV`'s vector; the structs `KEYCTL_DH_COMPUTE` and `KEYCTL_PKEY_*`
//! read and what they point at, and `KEYCTL_CAPABILITIES`' answer, where a backend
//! copied them ([`super::mem`]: the plan for keyctl has no slot left; the kernel
//! programs copy what `kernel_derefs/keyctl.rs` describes), else their addresses.

use std::fmt::Write;

use super::{
    DecodeOptions, XlatStyle, errno,
    flags::{self, Xlat, write_flags},
    iovec,
    mem::{Mem, Want},
    strings::{self, write_addr},
    structs::Bytes,
    write_hex,
    xlat::write_named,
};
use crate::{
    event::{Capture, Syscall as Call},
    syscalls::NamedSet,
};
use tracer_common::capture;

const GET_KEYRING_ID: u32 = 0;
const JOIN_SESSION_KEYRING: u32 = 1;
const UPDATE: u32 = 2;
const REVOKE: u32 = 3;
const CHOWN: u32 = 4;
const SETPERM: u32 = 5;
const DESCRIBE: u32 = 6;
const CLEAR: u32 = 7;
const LINK: u32 = 8;
const UNLINK: u32 = 9;
const SEARCH: u32 = 10;
const READ: u32 = 11;
const INSTANTIATE: u32 = 12;
const NEGATE: u32 = 13;
const SET_REQKEY_KEYRING: u32 = 14;
const SET_TIMEOUT: u32 = 15;
const ASSUME_AUTHORITY: u32 = 16;
const GET_SECURITY: u32 = 17;
const SESSION_TO_PARENT: u32 = 18;
const REJECT: u32 = 19;
const INSTANTIATE_IOV: u32 = 20;
const INVALIDATE: u32 = 21;
const GET_PERSISTENT: u32 = 22;
const DH_COMPUTE: u32 = 23;
const PKEY_QUERY: u32 = 24;
// (26 and 27, DECRYPT and SIGN, between ENCRYPT and VERIFY.)
const PKEY_ENCRYPT: u32 = 25;
const PKEY_SIGN: u32 = 27;
const PKEY_VERIFY: u32 = 28;
const RESTRICT_KEYRING: u32 = 29;
const MOVE: u32 = 30;
const CAPABILITIES: u32 = 31;

const KEY_PERMS: Xlat = &[
    (0x0100_0000, "KEY_POS_VIEW"),
    (0x0200_0000, "KEY_POS_READ"),
    (0x0400_0000, "KEY_POS_WRITE"),
    (0x0800_0000, "KEY_POS_SEARCH"),
    (0x1000_0000, "KEY_POS_LINK"),
    (0x2000_0000, "KEY_POS_SETATTR"),
    (0x0001_0000, "KEY_USR_VIEW"),
    (0x0002_0000, "KEY_USR_READ"),
    (0x0004_0000, "KEY_USR_WRITE"),
    (0x0008_0000, "KEY_USR_SEARCH"),
    (0x0010_0000, "KEY_USR_LINK"),
    (0x0020_0000, "KEY_USR_SETATTR"),
    (0x0100, "KEY_GRP_VIEW"),
    (0x0200, "KEY_GRP_READ"),
    (0x0400, "KEY_GRP_WRITE"),
    (0x0800, "KEY_GRP_SEARCH"),
    (0x1000, "KEY_GRP_LINK"),
    (0x2000, "KEY_GRP_SETATTR"),
    (0x01, "KEY_OTH_VIEW"),
    (0x02, "KEY_OTH_READ"),
    (0x04, "KEY_OTH_WRITE"),
    (0x08, "KEY_OTH_SEARCH"),
    (0x10, "KEY_OTH_LINK"),
    (0x20, "KEY_OTH_SETATTR"),
];

/// `KEY_REQKEY_DEFL_*`, by their (signed) values.
const REQKEY_DEFAULTS: &[(i32, &str)] = &[
    (-1, "KEY_REQKEY_DEFL_NO_CHANGE"),
    (0, "KEY_REQKEY_DEFL_DEFAULT"),
    (1, "KEY_REQKEY_DEFL_THREAD_KEYRING"),
    (2, "KEY_REQKEY_DEFL_PROCESS_KEYRING"),
    (3, "KEY_REQKEY_DEFL_SESSION_KEYRING"),
    (4, "KEY_REQKEY_DEFL_USER_KEYRING"),
    (5, "KEY_REQKEY_DEFL_USER_SESSION_KEYRING"),
    (6, "KEY_REQKEY_DEFL_GROUP_KEYRING"),
    (7, "KEY_REQKEY_DEFL_REQUESTOR_KEYRING"),
];

const MOVE_FLAGS: Xlat = &[(1, "KEYCTL_MOVE_EXCL")];

const CAPS0: Xlat = &[
    (0x01, "KEYCTL_CAPS0_CAPABILITIES"),
    (0x02, "KEYCTL_CAPS0_PERSISTENT_KEYRINGS"),
    (0x04, "KEYCTL_CAPS0_DIFFIE_HELLMAN"),
    (0x08, "KEYCTL_CAPS0_PUBLIC_KEY"),
    (0x10, "KEYCTL_CAPS0_BIG_KEY"),
    (0x20, "KEYCTL_CAPS0_INVALIDATE"),
    (0x40, "KEYCTL_CAPS0_RESTRICT_KEYRING"),
    (0x80, "KEYCTL_CAPS0_MOVE"),
];
const CAPS1: Xlat = &[
    (0x01, "KEYCTL_CAPS1_NS_KEYRING_NAME"),
    (0x02, "KEYCTL_CAPS1_NS_KEY_TAG"),
    (0x04, "KEYCTL_CAPS1_NOTIFICATIONS"),
];
const PKEY_OPS: Xlat = &[
    (0x01, "KEYCTL_SUPPORTS_ENCRYPT"),
    (0x02, "KEYCTL_SUPPORTS_DECRYPT"),
    (0x04, "KEYCTL_SUPPORTS_SIGN"),
    (0x08, "KEYCTL_SUPPORTS_VERIFY"),
];

/// `sizeof(struct keyctl_dh_params)`, `struct keyctl_kdf_params`,
/// `struct keyctl_pkey_params`, `struct keyctl_pkey_query`.
const DH_PARAMS: usize = 12;
const KDF_PARAMS: usize = 56;
const PKEY_PARAMS: usize = 40;
const PKEY_QUERY_SIZE: usize = 56;

/// What keyctl's commands read behind their pointers ([`super::mem`]): at entry the
/// struct argument 2 points at, the KDF parameters, their hash's name and other info,
/// the operation's input buffers; at exit the query's answer, the operation's output,
/// the capabilities.
pub(super) fn derefs(call: &Call, exit: bool, limit: usize, wants: &mut Vec<Want>) {
    // Buffers as far as `-s` shows them and a byte.
    let buf = |addr, len: u32| (addr, (len as usize).min(limit + 1));
    let a = &call.args;
    let cmd = a[0] as u32;
    match (cmd, exit) {
        (DH_COMPUTE, false) => {
            wants.push((a[1], DH_PARAMS));
            wants.push((a[4], KDF_PARAMS));
            if let Some(kdf) = deref_of(call, a[4], false, KDF_PARAMS) {
                let k = Bytes(kdf);
                wants.push((k.u64(0).unwrap_or(0), limit + 1));
                wants.push(buf(k.u64(8).unwrap_or(0), k.u32(16).unwrap_or(0)));
            }
        }
        (PKEY_ENCRYPT..=PKEY_VERIFY, false) => {
            wants.push((a[1], PKEY_PARAMS));
            if let Some(p) = deref_of(call, a[1], false, PKEY_PARAMS) {
                let p = Bytes(p);
                wants.push(buf(a[3], p.u32(4).unwrap_or(0)));
                if cmd == PKEY_VERIFY {
                    wants.push(buf(a[4], p.u32(8).unwrap_or(0)));
                }
            }
        }
        (PKEY_QUERY, true) if call.success().is_some() => wants.push((a[4], PKEY_QUERY_SIZE)),
        (PKEY_ENCRYPT..=PKEY_SIGN, true) if call.success().is_some() => {
            if let Some(p) = deref_of(call, a[1], false, PKEY_PARAMS) {
                wants.push(buf(a[4], Bytes(p).u32(8).unwrap_or(0)));
            }
        }
        (CAPABILITIES, true) => {
            if let Some(ret) = call.success() {
                wants.push((a[1], ret.min(a[2]).min(4096) as usize));
            }
        }
        _ => {}
    }
}

/// The `size` bytes behind a pointer, read whole at the entry or (`exit`) the exit.
fn deref_of(call: &Call, addr: u64, exit: bool, size: usize) -> Option<&[u8]> {
    Mem::of(call, exit).whole(addr, size)
}

/// strace's `printstrn`: `len` bytes as read behind a pointer, `-s` of them shown; the
/// address where they were not read.
fn write_strn(
    out: &mut String,
    call: &Call,
    exit: bool,
    addr: u64,
    len: u64,
    opts: &DecodeOptions,
) {
    // (A length comes from a struct read behind a pointer: this backend reads memory.)
    if addr != 0 && len == 0 {
        out.push_str("\"\"");
        return;
    }
    let wanted = len.min(opts.string_limit as u64 + 1) as usize;
    let cap = Mem::of(call, exit).capture(addr, wanted);
    strings::write_buf(out, cap.as_ref(), addr, len, opts, false)
}

fn write_str(out: &mut String, call: &Call, addr: u64, opts: &DecodeOptions) {
    super::mem::write_str(out, &Mem::of(call, false), addr, opts)
}

/// `__spare=[0, 0xfacefeed, ...]` after the fields when any is set.
fn write_spare(out: &mut String, b: &Bytes, from: usize, count: usize) {
    let spare: Vec<u32> = (0..count).filter_map(|i| b.u32(from + 4 * i)).collect();
    if spare.iter().any(|&v| v != 0) {
        out.push_str(", __spare=[");
        for (i, v) in spare.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_hex(out, (*v).into());
        }
        out.push(']');
    }
}

/// `KEYCTL_DH_COMPUTE`'s `struct keyctl_dh_params`: three key serials.
fn write_dh_params(out: &mut String, call: &Call) {
    let Some(p) = deref_of(call, call.args[1], false, DH_PARAMS) else {
        return write_addr(out, call.args[1]);
    };
    let b = Bytes(p);
    for (i, name) in ["private", "prime", "base"].into_iter().enumerate() {
        let _ = write!(out, "{}{name}=", if i == 0 { "{" } else { ", " });
        write_named(
            out,
            NamedSet::KeySerial,
            b.u32(4 * i).unwrap_or(0) as i32 as i64 as u64,
        );
    }
    out.push('}');
}

/// `KEYCTL_DH_COMPUTE`'s `struct keyctl_kdf_params`: the hash's name, the other info
/// (its address when it has no length), `__spare` when set.
fn write_kdf_params(out: &mut String, call: &Call, opts: &DecodeOptions) {
    let Some(k) = deref_of(call, call.args[4], false, KDF_PARAMS) else {
        return write_addr(out, call.args[4]);
    };
    let b = Bytes(k);
    let (hashname, otherinfo) = (b.u64(0).unwrap_or(0), b.u64(8).unwrap_or(0));
    let len = b.u32(16).unwrap_or(0);
    out.push_str("{hashname=");
    write_str(out, call, hashname, opts);
    out.push_str(", otherinfo=");
    if len > 0 {
        write_strn(out, call, false, otherinfo, len.into(), opts);
    } else {
        write_addr(out, otherinfo);
    }
    let _ = write!(out, ", otherinfolen={len}");
    write_spare(out, &b, 20, 8);
    out.push('}');
}

/// `struct keyctl_pkey_params`: the key, the input's length and the output's (or, for
/// VERIFY, the second input's), `__spare` when set.
fn write_pkey_params(out: &mut String, call: &Call) -> Option<(u32, u32)> {
    let Some(p) = deref_of(call, call.args[1], false, PKEY_PARAMS) else {
        write_addr(out, call.args[1]);
        return None;
    };
    let b = Bytes(p);
    out.push_str("{key_id=");
    write_named(out, NamedSet::KeySerial, b.u32(0)? as i32 as i64 as u64);
    let (in_len, other) = (b.u32(4)?, b.u32(8)?);
    let name = if call.args[0] as u32 == PKEY_VERIFY {
        "in2_len"
    } else {
        "out_len"
    };
    let _ = write!(out, ", in_len={in_len}, {name}={other}");
    write_spare(out, &b, 12, 7);
    out.push('}');
    Some((in_len, other))
}

/// `KEYCTL_PKEY_QUERY`'s answer, `struct keyctl_pkey_query`, when the call succeeded.
fn write_pkey_query(out: &mut String, call: &Call) {
    let v = call.args[4];
    let q = call
        .success()
        .and_then(|_| deref_of(call, v, true, PKEY_QUERY_SIZE));
    let Some(q) = q.filter(|_| v != 0) else {
        return write_addr(out, v);
    };
    let b = Bytes(q);
    out.push_str("{supported_ops=");
    write_flags(
        out,
        b.u32(0).unwrap_or(0).into(),
        PKEY_OPS,
        None,
        "KEYCTL_SUPPORTS_???",
    );
    let _ = write!(
        out,
        ", key_size={}, max_data_size={}, max_sig_size={}, max_enc_size={}, max_dec_size={}",
        b.u32(4).unwrap_or(0),
        b.u16(8).unwrap_or(0),
        b.u16(10).unwrap_or(0),
        b.u16(12).unwrap_or(0),
        b.u16(14).unwrap_or(0)
    );
    write_spare(out, &b, 16, 10);
    out.push('}');
}

/// `KEYCTL_CAPABILITIES`' answer: a flags byte per capability set.
fn write_caps(out: &mut String, call: &Call) {
    let v = call.args[1];
    let len = call
        .success()
        .map(|ret| ret.min(call.args[2]).min(4096) as usize);
    let Some(caps) = len.and_then(|len| deref_of(call, v, true, len)) else {
        return write_addr(out, v);
    };
    out.push('[');
    for (i, &b) in caps.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        match i {
            0 => write_flags(out, b.into(), CAPS0, None, "KEYCTL_CAPS0_???"),
            1 => write_flags(out, b.into(), CAPS1, None, "KEYCTL_CAPS1_???"),
            _ => write_hex(out, b.into()),
        }
    }
    out.push(']');
}

/// How many of arguments 2 to 5 a command shows.
fn shown(call: &Call) -> u8 {
    match call.args[0] as u32 {
        SESSION_TO_PARENT => 0,
        JOIN_SESSION_KEYRING | REVOKE | CLEAR | INVALIDATE | ASSUME_AUTHORITY
        | SET_REQKEY_KEYRING => 1,
        GET_KEYRING_ID | LINK | UNLINK | SETPERM | SET_TIMEOUT | GET_PERSISTENT | CAPABILITIES => 2,
        UPDATE | DESCRIBE | READ | GET_SECURITY | CHOWN | NEGATE | RESTRICT_KEYRING => 3,
        _ => 4,
    }
}

/// Whether argument `n` (2 to 5) of this call shows.
pub fn visible(call: &Call, n: u8) -> bool {
    n - 1 <= shown(call)
}

/// Argument `n` (2 to 5), at index `i`.
pub fn write_arg(out: &mut String, call: &Call, i: usize, n: u8, opts: &DecodeOptions) {
    let v = call.args[i];
    let serial = |out: &mut String| write_named(out, NamedSet::KeySerial, v);
    let unsigned = |out: &mut String| {
        let _ = write!(out, "{v}");
    };
    let unsigned32 = |out: &mut String| {
        let _ = write!(out, "{}", v as u32);
    };
    let string = |out: &mut String| match n {
        3 => {
            // Argument 3's string is in the payload's copy (`-s` and one bytes).
            let cap = capture_of(call, i, capture::BUF, true);
            let max = (opts.string_limit + 1).min(u16::MAX as usize) as u16;
            strings::write_str_upto(out, cap, v, max, opts)
        }
        _ => {
            let cap = capture_of(call, i, capture::CSTR, true);
            strings::write_cstr(out, cap, v, Some(opts.string_limit), opts)
        }
    };
    // `printstrn(addr, len)`: the bytes the kernel reads, as many as argument `len` says.
    let payload = |out: &mut String, len: usize| {
        let cap = capture_of(call, i, capture::BUF, true);
        strings::write_buf(out, cap, v, call.args[len], opts, false)
    };
    match (call.args[0] as u32, n) {
        (GET_KEYRING_ID, 3) => {
            let _ = write!(out, "{}", v as i32);
        }
        (JOIN_SESSION_KEYRING, 2) => string(out),
        (UPDATE | INSTANTIATE, 3) => payload(out, 3),
        (UPDATE | INSTANTIATE, 4) => unsigned(out),
        (DESCRIBE | READ | GET_SECURITY, 3) => write_read_back(out, call, i, opts),
        (DESCRIBE | READ | GET_SECURITY, 4) => unsigned(out),
        (SEARCH | RESTRICT_KEYRING, 3 | 4) => string(out),
        (CHOWN, 3 | 4) | (GET_PERSISTENT, 2) => write_uid(out, v as u32),
        (SETPERM, 3) => write_flags(out, v as u32 as u64, KEY_PERMS, None, "KEY_???"),
        (NEGATE | SET_TIMEOUT | REJECT, 3) => unsigned32(out),
        (REJECT, 4) => match errno::errno_name(v as u32 as i32) {
            Some(name) => flags::styled(out, &(v as u32).to_string(), |out| out.push_str(name)),
            None => unsigned32(out),
        },
        (SET_REQKEY_KEYRING, 2) => {
            let id = v as i32;
            match REQKEY_DEFAULTS.iter().find(|(d, _)| *d == id) {
                Some((_, name)) => flags::styled(out, &id.to_string(), |out| out.push_str(name)),
                None => {
                    let _ = write!(out, "{id}");
                    if flags::style() != XlatStyle::Raw {
                        out.push_str(" /* KEY_REQKEY_DEFL_??? */");
                    }
                }
            }
        }
        (INSTANTIATE_IOV, 3) => {
            let cap = capture_of(call, i, capture::IOVEC, true);
            let contents = iovec::Contents::Data(u64::MAX);
            iovec::write_iovec(out, cap, v, call.args[3], contents, opts)
        }
        (INSTANTIATE_IOV, 4) => unsigned(out),
        (DH_COMPUTE, 2) => write_dh_params(out, call),
        (DH_COMPUTE, 3) => write_read_back(out, call, i, opts),
        (DH_COMPUTE, 4) => unsigned(out),
        (DH_COMPUTE, 5) => write_kdf_params(out, call, opts),
        (PKEY_QUERY, 2) => serial(out),
        (PKEY_QUERY, 3) => write_hex(out, v),
        (PKEY_QUERY, 4) => string(out),
        (PKEY_QUERY, 5) => write_pkey_query(out, call),
        (PKEY_ENCRYPT..=PKEY_VERIFY, 2) => {
            let _ = write_pkey_params(out, call);
        }
        (PKEY_ENCRYPT..=PKEY_VERIFY, 3) => string(out),
        (PKEY_ENCRYPT..=PKEY_VERIFY, 4 | 5) => {
            let p = deref_of(call, call.args[1], false, PKEY_PARAMS);
            let len = |at| p.and_then(|p| Bytes(p).u32(at));
            let cmd = call.args[0] as u32;
            match (n, cmd == PKEY_VERIFY) {
                (4, _) => match len(4) {
                    Some(l) => write_strn(out, call, false, v, l.into(), opts),
                    None => write_addr(out, v),
                },
                (_, true) => match len(8) {
                    Some(l) => write_strn(out, call, false, v, l.into(), opts),
                    None => write_addr(out, v),
                },
                _ => match len(8).filter(|_| call.success().is_some()) {
                    Some(l) => write_strn(out, call, true, v, l.into(), opts),
                    None => write_addr(out, v),
                },
            }
        }
        (MOVE, 5) => write_flags(out, v as u32 as u64, MOVE_FLAGS, None, "KEYCTL_MOVE_???"),
        (CAPABILITIES, 2) => write_caps(out, call),
        (CAPABILITIES, 3) => unsigned(out),
        // The rest of the key serials: every command's second argument but these.
        (GET_KEYRING_ID | UPDATE | REVOKE | CHOWN | SETPERM | DESCRIBE | CLEAR | READ, 2)
        | (LINK | UNLINK | INSTANTIATE | NEGATE | SET_TIMEOUT | ASSUME_AUTHORITY, 2)
        | (GET_SECURITY | REJECT | INSTANTIATE_IOV | INVALIDATE | RESTRICT_KEYRING, 2)
        | (SEARCH | MOVE, 2)
        | (LINK | UNLINK | MOVE | GET_PERSISTENT, 3)
        | (NEGATE | MOVE, 4)
        | (SEARCH | INSTANTIATE | REJECT | INSTANTIATE_IOV, 5) => serial(out),
        _ => write_hex(out, v),
    }
}

/// A key's description or payload the call wrote back: as many bytes as it returned,
/// at most the buffer's length (a description's closing NUL left out, as strace's
/// `QUOTE_OMIT_TRAILING_0`); the address when the call failed.
fn write_read_back(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let v = call.args[i];
    let Some(ret) = call.success() else {
        return write_addr(out, v);
    };
    let len = ret.min(call.args[i + 1]);
    let cap = capture_of(call, i, capture::BUF, false);
    let Some(cap) = cap.filter(|c| !c.fault && v != 0) else {
        return write_addr(out, v);
    };
    let mut data = &cap.data[..cap.data.len().min(len as usize)];
    let mut len = len;
    if call.args[0] as u32 != READ && data.len() as u64 == len && data.last() == Some(&0) {
        data = &data[..data.len() - 1];
        len -= 1;
    }
    let shown = data.len().min(opts.string_limit);
    strings::quote(out, &data[..shown], opts.hex, false);
    if len > shown as u64 {
        out.push_str("...");
    }
}

/// Argument `i`'s copy of `kind`, taken at entry (the first) or at exit (the last).
fn capture_of(call: &Call, i: usize, kind: u8, entry: bool) -> Option<&Capture> {
    let mut caps = call
        .captures
        .iter()
        .filter(|c| c.arg as usize == i && c.kind == kind);
    if entry { caps.next() } else { caps.next_back() }
}

/// strace's `printuid`: `-1` for "unchanged", else unsigned.
fn write_uid(out: &mut String, id: u32) {
    if id == u32::MAX {
        out.push_str("-1");
    } else {
        let _ = write!(out, "{id}");
    }
}
