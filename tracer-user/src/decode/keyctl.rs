//! `keyctl`'s arguments by command, as strace's `keyctl.c` prints them: key serial
//! numbers (`KEY_SPEC_*` or signed), descriptions and payloads as strings, a key's
//! description or payload read back at exit, permissions, uids, errors and
//! `KEYCTL_INSTANTIATE_IOV`'s vector. The commands whose arguments point at structs
//! (`KEYCTL_DH_COMPUTE`, `KEYCTL_PKEY_*`) show those as addresses.

use std::fmt::Write;

use super::{
    DecodeOptions, XlatStyle, errno,
    flags::{self, Xlat, write_flags},
    iovec,
    strings::{self, write_addr},
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
        (DH_COMPUTE, 2 | 3 | 5) => write_addr(out, v),
        (DH_COMPUTE, 4) => unsigned(out),
        (MOVE, 5) => write_flags(out, v as u32 as u64, MOVE_FLAGS, None, "KEYCTL_MOVE_???"),
        (CAPABILITIES, 2) => write_addr(out, v),
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
