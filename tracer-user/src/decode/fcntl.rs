//! `fcntl`: which argument each command takes and how it prints (a number, flags, a
//! lock, an owner), and the results strace annotates.

use std::fmt::Write;

use super::{
    Call,
    flags::{self, write_enum, write_flags},
    in_out,
    strings::write_addr,
    structs::{Bytes, readable},
    write_hex, write_int,
};
use crate::syscalls::layout::flock;

const F_DUPFD: u32 = 0;
const F_GETFD: u32 = 1;
const F_SETFD: u32 = 2;
const F_GETFL: u32 = 3;
const F_SETFL: u32 = 4;
const F_GETLK: u32 = 5;
const F_SETLK: u32 = 6;
const F_SETLKW: u32 = 7;
const F_SETOWN: u32 = 8;
const F_GETOWN: u32 = 9;
const F_SETSIG: u32 = 10;
const F_GETSIG: u32 = 11;
const F_SETOWN_EX: u32 = 15;
const F_GETOWN_EX: u32 = 16;
const F_OFD_GETLK: u32 = 36;
const F_OFD_SETLK: u32 = 37;
const F_OFD_SETLKW: u32 = 38;
const F_SETLEASE: u32 = 1024;
const F_GETLEASE: u32 = 1025;
const F_NOTIFY: u32 = 1026;
const F_DUPFD_CLOEXEC: u32 = 1030;
const F_SETPIPE_SZ: u32 = 1031;
const F_GETPIPE_SZ: u32 = 1032;
const F_ADD_SEALS: u32 = 1033;
const F_GET_SEALS: u32 = 1034;

/// What a command's third argument is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum FcntlArg {
    /// Not shown.
    None,
    Decimal,
    /// What strace prints for the commands it does not know: hex.
    Hex,
    FdFlags,
    OpenFlags,
    Signal,
    Lease,
    Notify,
    Seals,
    /// A `struct flock` the kernel reads.
    SetLock,
    /// A `struct flock` the kernel reads and writes back (shown with `l_pid`).
    GetLock,
    /// A `struct f_owner_ex` the kernel reads, or writes.
    SetOwner,
    GetOwner,
}

pub(crate) fn fcntl_arg(cmd: u64) -> FcntlArg {
    match cmd as u32 {
        F_GETFD | F_GETFL | F_GETOWN | F_GETSIG | F_GETLEASE | F_GETPIPE_SZ | F_GET_SEALS => {
            FcntlArg::None
        }
        F_SETFD => FcntlArg::FdFlags,
        F_SETFL => FcntlArg::OpenFlags,
        F_DUPFD | F_DUPFD_CLOEXEC | F_SETOWN | F_SETPIPE_SZ => FcntlArg::Decimal,
        F_SETSIG => FcntlArg::Signal,
        F_SETLEASE => FcntlArg::Lease,
        F_NOTIFY => FcntlArg::Notify,
        F_ADD_SEALS => FcntlArg::Seals,
        F_SETLK | F_SETLKW | F_OFD_SETLK | F_OFD_SETLKW => FcntlArg::SetLock,
        F_GETLK | F_OFD_GETLK => FcntlArg::GetLock,
        F_SETOWN_EX => FcntlArg::SetOwner,
        F_GETOWN_EX => FcntlArg::GetOwner,
        _ => FcntlArg::Hex,
    }
}

/// The third argument (argument `i`), as its command in argument `i - 1` uses it.
pub(crate) fn write_arg(out: &mut String, call: &Call, i: usize) {
    let v = call.args[i];
    let (entry, exit) = in_out(call, i);
    // A struct the kernel reads prints from the entry copy, one it writes from the copy
    // a successful call left; otherwise the pointer.
    let read = |cap| readable(cap, v);
    let written = || read(exit).filter(|_| call.success().is_some());
    let printed = match fcntl_arg(call.args[i - 1]) {
        FcntlArg::None | FcntlArg::Decimal => {
            write_int(out, v as i32);
            Some(())
        }
        FcntlArg::Hex => {
            write_hex(out, v);
            Some(())
        }
        FcntlArg::FdFlags => {
            write_flags(out, v, flags::FD_CLOEXEC, None, "FD_???");
            Some(())
        }
        FcntlArg::OpenFlags => {
            flags::write_open_flags(out, v);
            Some(())
        }
        FcntlArg::Signal => {
            flags::write_signal(out, v as i32);
            Some(())
        }
        FcntlArg::Lease => {
            write_enum(out, v, flags::LOCK_TYPES, "F_???");
            Some(())
        }
        FcntlArg::Notify => {
            write_flags(out, v, flags::NOTIFY_FLAGS, None, "DN_???");
            Some(())
        }
        FcntlArg::Seals => {
            write_flags(out, v, flags::F_SEALS, None, "F_SEAL_???");
            Some(())
        }
        FcntlArg::SetLock => read(entry).and_then(|b| write_flock(out, &b, false)),
        FcntlArg::GetLock => written().and_then(|b| write_flock(out, &b, true)),
        FcntlArg::SetOwner => read(entry).and_then(|b| write_owner(out, &b)),
        FcntlArg::GetOwner => written().and_then(|b| write_owner(out, &b)),
    };
    if printed.is_none() {
        write_addr(out, v);
    }
}

/// `{l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=0}`, with `l_pid` for the
/// answer of a `F_GETLK`.
fn write_flock(out: &mut String, b: &Bytes, getlk: bool) -> Option<()> {
    // All of it, as strace reads it (a copy may hold less, up to where memory ended).
    b.0.get(..flock::SIZE as usize)?;
    let mut s = String::from("{l_type=");
    write_enum(
        &mut s,
        b.u16(flock::TYPE)? as i16 as i64 as u64,
        flags::LOCK_TYPES,
        "F_???",
    );
    s.push_str(", l_whence=");
    write_enum(
        &mut s,
        b.u16(flock::WHENCE)? as i16 as i64 as u64,
        flags::WHENCE,
        "SEEK_???",
    );
    let _ = write!(
        s,
        ", l_start={}, l_len={}",
        b.i64(flock::START)?,
        b.i64(flock::LEN)?
    );
    if getlk {
        let _ = write!(s, ", l_pid={}", b.i32(flock::PID)?);
    }
    s.push('}');
    out.push_str(&s);
    Some(())
}

/// `struct f_owner_ex`: `{type=F_OWNER_TID, pid=0}`.
fn write_owner(out: &mut String, b: &Bytes) -> Option<()> {
    let (kind, pid) = (b.i32(0)?, b.i32(4)?);
    out.push_str("{type=");
    write_enum(out, kind as u32 as u64, flags::F_OWNER_TYPES, "F_OWNER_???");
    let _ = write!(out, ", pid={pid}}}");
    Some(())
}

/// `fcntl`'s result for the commands whose result strace annotates; false for the
/// others.
/// `F_DUPFD`, `F_DUPFD_CLOEXEC`: the result is a new descriptor.
pub(crate) fn duplicates(cmd: u32) -> bool {
    matches!(cmd, F_DUPFD | F_DUPFD_CLOEXEC)
}

pub(crate) fn write_return(out: &mut String, cmd: u32, ret: u64) -> bool {
    let (table, what) = match cmd {
        F_GETFD if ret != 0 => (flags::FD_CLOEXEC, "flags "),
        F_GETFL => {
            write_hex(out, ret);
            out.push_str(" (flags ");
            flags::write_open_flags(out, ret);
            out.push(')');
            return true;
        }
        F_GET_SEALS if ret != 0 => (flags::F_SEALS, "seals "),
        F_GETLEASE => {
            write_hex(out, ret);
            if let Some(name) = flags::lookup(flags::LOCK_TYPES, ret) {
                let _ = write!(out, " ({name})");
            }
            return true;
        }
        F_GETSIG if ret != 0 => {
            write_int(out, ret);
            if let Some(name) = flags::signal_name(ret as i32) {
                let _ = write!(out, " ({name})");
            }
            return true;
        }
        _ => return false,
    };
    write_hex(out, ret);
    let _ = write!(out, " ({what}");
    write_flags(out, ret, table, None, "F_???");
    out.push(')');
    true
}
