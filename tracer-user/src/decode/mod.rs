//! Turns a syscall event into strace's text for its arguments and return value. What to
//! print comes from the syscall table's argument kinds; the bytes come from the event's
//! captures. Anything missing (a failed read, a capture that did not fit) degrades to
//! the raw pointer, as strace does when it cannot read tracee memory.

mod errno;
pub mod siginfo;
pub use errno::errno_name;
mod fdset;
pub mod flags;
mod ioctl;
mod iovec;
mod prctl;
pub mod strings;
pub mod structs;

pub use flags::signal_name;
pub use ioctl::TERMIOS_BYTES;

use crate::event::{Capture, Syscall as Call};
use crate::syscalls::{self, ArgKind, Dir, RetKind, StructKind, When};
use flags::{Xlat, write_enum, write_flags};
use iovec::Contents;
use std::fmt::Write;
use strings::write_addr;

/// strace's `-x` / `-xx`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HexMode {
    #[default]
    None,
    /// `-x`: a string holding any non-ASCII byte prints wholly in hex.
    NonAscii,
    /// `-xx`: every string prints in hex.
    All,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeOptions {
    /// `-s`: bytes of strings and buffers shown.
    pub string_limit: usize,
    pub hex: HexMode,
    /// Print every argument as a raw number, undecoded (strace's `-e raw=all`).
    pub raw: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            string_limit: 32,
            hex: HexMode::None,
            raw: false,
        }
    }
}

/// Which arguments to write: strace prints a call that blocks in two halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgsPart {
    All,
    /// The arguments known at entry, each followed by `, ` when more come later
    /// (`read(0, ` → `0, `).
    Entering,
    /// The rest, written at exit (`"abc", 1024`).
    Resumed,
}

/// Writes the arguments of `call`, without the name or parentheses.
pub fn write_args(out: &mut String, call: &Call, opts: &DecodeOptions, part: ArgsPart) {
    write_args_named(out, call, opts, part, None);
}

/// [`write_args`] with `-y`: fd arguments print with what they name (`3</etc/passwd>`).
pub fn write_args_named(
    out: &mut String,
    call: &Call,
    opts: &DecodeOptions,
    part: ArgsPart,
    fds: Option<&dyn FdNames>,
) {
    let Some(sc) = syscalls::by_nr(call.nr).filter(|_| !opts.raw) else {
        // Unknown syscalls get all six registers; known ones in raw mode their own count.
        let n = syscalls::by_nr(call.nr).map_or(6, |sc| sc.args.len());
        if part != ArgsPart::Resumed {
            write_raw_args(out, &call.args[..n]);
        }
        return;
    };
    if call.nr == nr::CLONE {
        return write_clone(out, call, part);
    }
    let shown: Vec<usize> = (0..sc.args.len())
        .filter(|&i| visible(call, i, sc.args[i].kind))
        .collect();
    // Everything before the first output argument is printed at entry.
    let split = shown
        .iter()
        .position(|&i| sc.args[i].kind.is_output())
        .unwrap_or(shown.len());
    let (range, trailing_sep) = match part {
        ArgsPart::All => (&shown[..], false),
        ArgsPart::Entering => (&shown[..split], split < shown.len()),
        ArgsPart::Resumed => (&shown[split..], false),
    };
    for (n, &i) in range.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        write_arg(out, call, i, sc.args[i].kind, opts, fds);
    }
    if trailing_sep {
        out.push_str(", ");
    }
}

// ---- `-y` hook: fd names come from the formatter's table (`format::fds`). ----

/// What file descriptors refer to, for `-y`.
pub trait FdNames {
    /// The path or socket that `fd` of process `pid` names; `AT_FDCWD` asks for the cwd.
    fn fd_name(&self, pid: u32, fd: i32) -> Option<String>;
}

/// An fd argument: `3`, `AT_FDCWD`, or with names `3</etc/passwd>`, `AT_FDCWD</tmp>`.
fn write_fd(out: &mut String, pid: u32, fd: i32, fds: Option<&dyn FdNames>) {
    if fd == -100 {
        out.push_str("AT_FDCWD");
    } else {
        write_int(out, fd);
    }
    if let Some(name) = fds.and_then(|f| f.fd_name(pid, fd)) {
        let _ = write!(out, "<{name}>");
    }
}

/// Each shown argument of `call` on its own: (index in the table, text), for formats
/// that keep arguments apart (JSON).
pub fn each_arg(
    call: &Call,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) -> Vec<(usize, String)> {
    let Some(sc) = syscalls::by_nr(call.nr).filter(|_| !opts.raw) else {
        let n = syscalls::by_nr(call.nr).map_or(6, |sc| sc.args.len());
        return (0..n)
            .map(|i| {
                let mut s = String::new();
                write_hex(&mut s, call.args[i]);
                (i, s)
            })
            .collect();
    };
    (0..sc.args.len())
        .filter(|&i| visible(call, i, sc.args[i].kind))
        .map(|i| {
            let mut s = String::new();
            write_arg(&mut s, call, i, sc.args[i].kind, opts, fds);
            (i, s)
        })
        .collect()
}

/// Syscall numbers whose lines are shaped by hand.
mod nr {
    pub const POLL: u32 = 7;
    pub const CLONE: u32 = 56;
    pub const PERSONALITY: u32 = 135;
    pub const FCNTL: u32 = 72;
    pub const PPOLL: u32 = 271;
    pub const SELECT: u32 = 23;
    pub const PRCTL: u32 = 157;
    pub const PSELECT6: u32 = 270;
}

/// Writes the return value: what follows `= `, with strace's notes for the calls that
/// have one (`= 0 (Timeout)`, `= 0x1 (flags FD_CLOEXEC)`).
pub fn write_return(out: &mut String, call: &Call) {
    let kind = syscalls::by_nr(call.nr).map_or(RetKind::Int, |sc| sc.ret);
    if let Some(ret) = success(call) {
        match call.nr {
            nr::POLL | nr::PPOLL => return write_poll_return(out, call, ret),
            nr::SELECT => {
                return fdset::write_select_return(out, call, ret, StructKind::Timeval);
            }
            nr::PSELECT6 => {
                return fdset::write_select_return(out, call, ret, StructKind::Timespec);
            }
            nr::FCNTL if write_fcntl_return(out, call.args[1] as u32, ret) => return,
            nr::PRCTL if prctl::write_return(out, call, ret) => return,
            // The previous persona: `0 (PER_LINUX)`.
            nr::PERSONALITY => {
                write_hex(out, ret);
                out.push_str(" (");
                flags::write_personality(out, ret as u32);
                out.push(')');
                return;
            }
            _ => {}
        }
    }
    errno::write_return(out, call.ret, kind);
}

/// `poll`'s result: `0 (Timeout)`, or the count and the descriptors that have events,
/// `1 ([{fd=3, revents=POLLIN}])`.
fn write_poll_return(out: &mut String, call: &Call, ret: u64) {
    if ret == 0 {
        out.push_str("0 (Timeout)");
        return;
    }
    write_int(out, ret);
    let Some(cap) = in_out(call, 0).1.filter(|c| !c.fault) else {
        return;
    };
    let b = structs::Bytes(&cap.data);
    out.push_str(" ([");
    let mut first = true;
    for off in (0..cap.data.len() / 8).map(|n| n * 8) {
        let (Some(fd), Some(revents)) = (b.i32(off), b.u16(off + 6)) else {
            break;
        };
        if revents == 0 {
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        let _ = write!(out, "{{fd={fd}, revents=");
        write_flags(out, revents as u64, flags::POLL_EVENTS, None, "POLL???");
        out.push('}');
    }
    out.push(']');
    // ppoll's timeout comes back as the time left.
    let left = (call.nr == nr::PPOLL)
        .then(|| in_out(call, 2).1)
        .flatten()
        .filter(|c| !c.fault);
    if let Some(left) = left {
        let mut s = String::new();
        if structs::write_struct(
            &mut s,
            StructKind::Timespec,
            &left.data,
            &DecodeOptions::default(),
        )
        .is_some()
        {
            let _ = write!(out, ", left {s}");
        }
    }
    out.push(')');
}

/// `fcntl`'s result for the commands that return flags; false for the others.
fn write_fcntl_return(out: &mut String, cmd: u32, ret: u64) -> bool {
    let (table, what) = match cmd {
        // F_GETFD
        1 if ret != 0 => (flags::FD_CLOEXEC, "flags"),
        // F_GETFL
        3 => {
            write_hex(out, ret);
            out.push_str(" (flags ");
            flags::write_open_flags(out, ret);
            out.push(')');
            return true;
        }
        // F_GET_SEALS
        1034 if ret != 0 => (flags::F_SEALS, "seals"),
        _ => return false,
    };
    write_hex(out, ret);
    let _ = write!(out, " ({what} ");
    write_flags(out, ret, table, None, "F_???");
    out.push(')');
    true
}

/// The copies of argument `i` taken at entry and at exit, for arguments the plan reads
/// twice ([`crate::syscalls::plan::capture_specs`]): entry captures come first.
fn in_out(call: &Call, i: usize) -> (Option<&Capture>, Option<&Capture>) {
    let mut caps = call.captures.iter().filter(|c| c.arg as usize == i);
    (caps.next(), caps.next())
}

const CLONE_PIDFD: u64 = 0x1000;
const CLONE_SETTLS: u64 = 0x80000;
const CLONE_PARENT_SETTID: u64 = 0x100000;
const CLONE_CHILD_CLEARTID: u64 = 0x200000;
const CLONE_CHILD_SETTID: u64 = 0x1000000;

/// `clone`, in strace's order and names (x86_64: flags, stack, parent_tid, child_tid,
/// tls), the tid pointers only when the flags use them.
fn write_clone(out: &mut String, call: &Call, part: ArgsPart) {
    let [flags, stack, ptid, ctid, tls, _] = call.args;
    let mut later = String::new();
    let sep = |s: &mut String| {
        if !s.is_empty() {
            s.push_str(", ");
        }
    };
    if flags & (CLONE_PARENT_SETTID | CLONE_PIDFD) != 0 {
        later.push_str("parent_tid=");
        let tid = call
            .capture(2)
            .filter(|c| !c.fault)
            .and_then(|c| structs::Bytes(&c.data).i32(0));
        match tid {
            Some(tid) => {
                let _ = write!(later, "[{tid}]");
            }
            None => write_addr(&mut later, ptid),
        }
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        sep(&mut later);
        later.push_str("child_tidptr=");
        write_addr(&mut later, ctid);
    }
    if flags & CLONE_SETTLS != 0 {
        sep(&mut later);
        later.push_str("tls=");
        write_addr(&mut later, tls);
    }
    if part != ArgsPart::Resumed {
        out.push_str("child_stack=");
        write_addr(out, stack);
        out.push_str(", flags=");
        flags::write_clone_flags(out, flags);
        if !later.is_empty() {
            out.push_str(", ");
        }
    }
    if part != ArgsPart::Entering {
        out.push_str(&later);
    }
}

/// `clone3`'s `struct clone_args`, the fields the flags use, as strace prints them; on
/// success, what the kernel wrote back: the parent's copy of the new tid is the return
/// value itself.
fn write_clone3(out: &mut String, call: &Call, i: usize) {
    const CLONE_INTO_CGROUP: u64 = 0x200000000;
    let addr = call.args[i];
    let Some(b) = call
        .capture(i)
        .filter(|c| !c.fault && c.data.len() >= 88)
        .map(|c| structs::Bytes(&c.data))
    else {
        return write_addr(out, addr);
    };
    let field = |off| b.u64(off).unwrap_or_default();
    let flags = field(0);
    out.push_str("{flags=");
    write_flags(out, flags, flags::CLONE_FLAGS, None, "CLONE_???");
    let addr_field = |out: &mut String, name: &str, off: usize| {
        let _ = write!(out, ", {name}=");
        write_addr(out, field(off));
    };
    if flags & CLONE_PIDFD != 0 {
        addr_field(out, "pidfd", 8);
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        addr_field(out, "child_tid", 16);
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        addr_field(out, "parent_tid", 24);
    }
    out.push_str(", exit_signal=");
    flags::write_signal(out, field(32) as i32);
    addr_field(out, "stack", 40);
    out.push_str(", stack_size=");
    write_hex(out, field(48));
    if flags & CLONE_SETTLS != 0 {
        addr_field(out, "tls", 56);
    }
    if field(64) != 0 || field(72) != 0 {
        addr_field(out, "set_tid", 64);
        let _ = write!(out, ", set_tid_size={}", field(72));
    }
    if flags & CLONE_INTO_CGROUP != 0 {
        let _ = write!(out, ", cgroup={}", field(80));
    }
    out.push('}');
    if let Some(tid) = success(call)
        && flags & CLONE_PARENT_SETTID != 0
    {
        let _ = write!(out, " => {{parent_tid=[{tid}]}}");
    }
}

fn write_gid(out: &mut String, b: &structs::Bytes, off: usize) -> Option<()> {
    let _ = write!(out, "{}", b.u32(off)?);
    Some(())
}

fn write_raw_args(out: &mut String, args: &[u64]) {
    for (n, &v) in args.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        write_hex(out, v);
    }
}

/// C's `%#lx`: zero has no prefix.
fn write_hex(out: &mut String, v: u64) {
    let _ = if v == 0 {
        write!(out, "0")
    } else {
        write!(out, "{v:#x}")
    };
}

/// The call's return value when it succeeded.
fn success(call: &Call) -> Option<u64> {
    call.ret
        .filter(|r| !(-4095..0).contains(r))
        .map(|r| r as u64)
}

const O_CREAT: u64 = 0o100;
const O_TMPFILE: u64 = 0o20000000;

/// `futex` commands and the arguments after `op` each one uses, as strace prints them.
fn futex_uses(call: &Call) -> FutexUse {
    match call.args[1] & 127 {
        0 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: false,
            val3: false,
        },
        1 | 2 => FutexUse {
            val: true,
            timeout: None,
            uaddr2: false,
            val3: false,
        },
        3 => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: false,
        },
        4 | 5 | 12 => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: true,
        },
        6 | 13 => FutexUse {
            val: false,
            timeout: Some(true),
            uaddr2: false,
            val3: false,
        },
        7 | 8 => FutexUse {
            val: false,
            timeout: None,
            uaddr2: false,
            val3: false,
        },
        9 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: false,
            val3: true,
        },
        10 => FutexUse {
            val: true,
            timeout: None,
            uaddr2: false,
            val3: true,
        },
        11 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: true,
            val3: false,
        },
        _ => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: true,
        },
    }
}

struct FutexUse {
    val: bool,
    /// `Some(true)`: a timespec; `Some(false)`: the integer `val2`.
    timeout: Option<bool>,
    uaddr2: bool,
    val3: bool,
}

/// Whether strace prints argument `i` at all: some only exist for certain commands.
fn visible(call: &Call, i: usize, kind: ArgKind) -> bool {
    match kind {
        ArgKind::OpenMode => call.args[i - 1] & (O_CREAT | O_TMPFILE) != 0,
        ArgKind::FcntlArg => fcntl_arg(call.args[i - 1]) != FcntlArg::None,
        ArgKind::FutexVal => futex_uses(call).val,
        ArgKind::FutexTimeout => futex_uses(call).timeout.is_some(),
        ArgKind::FutexUaddr2 => futex_uses(call).uaddr2,
        ArgKind::FutexVal3 => futex_uses(call).val3,
        ArgKind::Unused => false,
        ArgKind::PrctlArg { n } => prctl::visible(call, n),
        ArgKind::IoctlArg => ioctl::visible(call),
        _ => true,
    }
}

#[derive(PartialEq, Eq)]
enum FcntlArg {
    None,
    Int,
    FdFlags,
    OpenFlags,
    Ptr,
}

fn fcntl_arg(cmd: u64) -> FcntlArg {
    match cmd as u32 {
        // F_GETFD, F_GETFL, F_GETOWN, F_GETSIG, F_GETLEASE, F_GETPIPE_SZ, F_GET_SEALS
        1 | 3 | 9 | 11 | 1025 | 1032 | 1034 => FcntlArg::None,
        2 => FcntlArg::FdFlags,
        4 => FcntlArg::OpenFlags,
        // Locks, F_[GS]ETOWN_EX, F_GETOWNER_UIDS, the rw hints: structs.
        5..=7 | 15..=17 | 36..=38 | 1035..=1038 => FcntlArg::Ptr,
        _ => FcntlArg::Int,
    }
}

fn write_int(out: &mut String, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}

fn write_arg(
    out: &mut String,
    call: &Call,
    i: usize,
    kind: ArgKind,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let v = call.args[i];
    let cap = call.capture(i);
    let flags = |out: &mut String, table: Xlat, dflt: &str| write_flags(out, v, table, None, dflt);
    match kind {
        ArgKind::Fd | ArgKind::DirFd => write_fd(out, call.pid, v as i32, fds),
        // Never visible.
        ArgKind::Unused => {}
        ArgKind::Int | ArgKind::FutexVal => write_int(out, v as i32),
        ArgKind::Long => write_int(out, v as i64),
        ArgKind::UInt => write_int(out, v as u32),
        ArgKind::ULong => write_int(out, v),
        ArgKind::Hex => write_hex(out, v),
        ArgKind::Ptr => write_addr(out, v),
        ArgKind::Path => strings::write_cstr(out, cap, v, None, opts),
        ArgKind::Str => strings::write_cstr(out, cap, v, Some(opts.string_limit), opts),
        ArgKind::BufIn { len_arg } => {
            strings::write_buf(out, cap, v, call.args[len_arg as usize], opts, false)
        }
        ArgKind::BufOut | ArgKind::HexBufOut => match success(call) {
            Some(len) => strings::write_buf(out, cap, v, len, opts, kind == ArgKind::HexBufOut),
            None => write_addr(out, v),
        },
        ArgKind::PathOut => match (success(call), cap) {
            (Some(_), Some(c)) if !c.fault => {
                let path = c.data.strip_suffix(b"\0").unwrap_or(&c.data);
                strings::quote(out, path, opts.hex, false);
            }
            _ => write_addr(out, v),
        },
        ArgKind::FdSet => fdset::write_fdset_arg(out, call, i),
        ArgKind::Iovec { count_arg, dir } => {
            let contents = match dir {
                Dir::In => Contents::Data(u64::MAX),
                Dir::Out => success(call).map_or(Contents::Addresses, Contents::Data),
            };
            let count = call.args[count_arg as usize];
            iovec::write_iovec(out, cap, v, count, contents, opts);
        }
        ArgKind::StrArray => strings::write_strv(out, cap, v, opts),
        ArgKind::EnvArray => strings::write_ptrv_count(out, cap, v),
        ArgKind::SockaddrIn { .. } => match cap.filter(|c| !c.fault && v != 0) {
            Some(c) => {
                let mut s = String::new();
                match structs::write_sockaddr(&mut s, &c.data, opts) {
                    Some(()) => out.push_str(&s),
                    None => write_addr(out, v),
                }
            }
            None => write_addr(out, v),
        },
        ArgKind::PrctlArg { n } => prctl::write_arg(out, call, i, n, opts),
        ArgKind::IoctlArg => ioctl::write_arg(out, call, i),
        ArgKind::GidsIn { count_arg } => {
            let count = call.args[count_arg as usize] as u32 as u64;
            write_array(out, cap, v, count, 4, opts, write_gid);
        }
        // The kernel wrote as many as it returned, none when asked for the count only.
        ArgKind::GidsOut => match success(call) {
            Some(n) => {
                let count = n.min(call.args[0] as u32 as u64);
                write_array(out, cap, v, count, 4, opts, write_gid);
            }
            None => write_addr(out, v),
        },
        ArgKind::PollFds { count_arg } => write_array(
            out,
            cap,
            v,
            call.args[count_arg as usize],
            8,
            opts,
            |out, b, off| {
                let _ = write!(out, "{{fd={}, events=", b.i32(off)?);
                write_flags(
                    out,
                    b.u16(off + 4)? as u64,
                    flags::POLL_EVENTS,
                    None,
                    "POLL???",
                );
                out.push('}');
                Some(())
            },
        ),
        ArgKind::EpollEvents => match success(call) {
            Some(n) => write_array(out, cap, v, n, 12, opts, structs::write_epoll_event),
            None => write_addr(out, v),
        },
        ArgKind::Struct(StructKind::Msghdr, w) => {
            iovec::write_msghdr(out, call, i, w == When::ExitOk, opts)
        }
        ArgKind::Struct(StructKind::CloneArgs, _) => write_clone3(out, call, i),
        ArgKind::Struct(sk, _) => write_struct_arg(out, call, i, sk, opts),
        ArgKind::SigframeMask => match cap
            .filter(|c| !c.fault)
            .and_then(|c| structs::Bytes(&c.data).u64(0))
        {
            Some(mask) => {
                out.push_str("{mask=");
                flags::write_sigmask(out, mask);
                out.push('}');
            }
            None => write_addr(out, v),
        },
        ArgKind::OpenFlags => flags::write_open_flags(out, v),
        ArgKind::Mode | ArgKind::OpenMode => flags::write_octal(out, v & 0o7777),
        ArgKind::AccessMode => write_flags(out, v, flags::ACCESS_MODES, Some("F_OK"), "?_OK"),
        ArgKind::AtFlags => flags(out, flags::AT_FLAGS, "AT_???"),
        ArgKind::StatxFlags => flags::write_statx_flags(out, v),
        ArgKind::MmapProt => write_flags(out, v, flags::PROT, Some("PROT_NONE"), "PROT_???"),
        ArgKind::MmapFlags => flags::write_mmap_flags(out, v),
        ArgKind::MremapFlags => flags(out, flags::MREMAP_FLAGS, "MREMAP_???"),
        ArgKind::Madvise => write_enum(out, v, flags::MADVISE, "MADV_???"),
        ArgKind::CloneFlags => flags::write_clone_flags(out, v),
        ArgKind::SocketDomain => {
            write_enum(out, v as u32 as u64, flags::ADDRESS_FAMILIES, "AF_???")
        }
        ArgKind::SocketType => {
            write_enum(out, v & 0xf, flags::SOCK_TYPES, "SOCK_???");
            if v & !0xf != 0 {
                out.push('|');
                write_flags(out, v & !0xf, flags::SOCK_TYPE_FLAGS, None, "SOCK_???");
            }
        }
        ArgKind::SocketProtocol => {
            let table = match call.args[0] {
                2 | 10 => Some((flags::IP_PROTOCOLS, "IPPROTO_???")),
                16 => Some((flags::NETLINK_PROTOCOLS, "NETLINK_???")),
                _ => None,
            };
            match table {
                Some((table, dflt)) => write_enum(out, v as u32 as u64, table, dflt),
                None => write_int(out, v as i32),
            }
        }
        ArgKind::MsgFlags => flags(out, flags::MSG_FLAGS, "MSG_???"),
        ArgKind::ShutdownHow => write_enum(out, v as u32 as u64, flags::SHUTDOWN, "SHUT_???"),
        ArgKind::SockoptLevel => write_enum(out, v as u32 as u64, flags::SOCKOPT_LEVELS, "SOL_???"),
        ArgKind::FcntlCmd => write_enum(out, v as u32 as u64, flags::FCNTL_CMDS, "F_???"),
        ArgKind::FcntlArg => match fcntl_arg(call.args[i - 1]) {
            FcntlArg::FdFlags => flags(out, flags::FD_CLOEXEC, "FD_???"),
            FcntlArg::OpenFlags => flags::write_open_flags(out, v),
            FcntlArg::Ptr => write_addr(out, v),
            FcntlArg::Int | FcntlArg::None => write_int(out, v as i32),
        },
        ArgKind::Whence => write_enum(out, v as u32 as u64, flags::WHENCE, "SEEK_???"),
        ArgKind::Signal => flags::write_signal(out, v as i32),
        ArgKind::SigHow => write_enum(out, v as u32 as u64, flags::SIG_HOW, "SIG_???"),
        ArgKind::WaitOptions => flags(out, flags::WAIT_OPTIONS, "W???"),
        ArgKind::EpollCtlOp => {
            write_enum(out, v as u32 as u64, flags::EPOLL_CTL_OPS, "EPOLL_CTL_???")
        }
        ArgKind::FutexOp => flags::write_futex_op(out, v as u32 as u64),
        ArgKind::FutexTimeout => match futex_uses(call).timeout {
            Some(true) => write_struct_arg(out, call, i, StructKind::Timespec, opts),
            _ => write_int(out, v as u32),
        },
        ArgKind::FutexUaddr2 => write_addr(out, v),
        ArgKind::FutexVal3 if call.args[1] & 127 == 9 || call.args[1] & 127 == 10 => {
            match v as u32 {
                u32::MAX => out.push_str("FUTEX_BITSET_MATCH_ANY"),
                bits => write_hex(out, bits as u64),
            }
        }
        ArgKind::FutexVal3 => write_hex(out, v as u32 as u64),
        ArgKind::PrctlOption => write_enum(out, v as u32 as u64, flags::PRCTL_OPTIONS, "PR_???"),
        ArgKind::ArchPrctlCode => {
            write_enum(out, v as u32 as u64, flags::ARCH_PRCTL_CODES, "ARCH_???")
        }
        ArgKind::IoctlRequest => flags::write_ioctl(out, v),
        ArgKind::ClockId => match flags::lookup(flags::CLOCKS, v as u32 as u64) {
            Some(name) => out.push_str(name),
            None => write_int(out, v as i32),
        },
        ArgKind::RlimitResource => write_enum(out, v as u32 as u64, flags::RLIMITS, "RLIMIT_???"),
        ArgKind::GrndFlags => flags(out, flags::GRND_FLAGS, "GRND_???"),
        ArgKind::FdFlags => flags(out, flags::FD_FLAGS, "O_???"),
        ArgKind::StatxMask => flags(out, flags::STATX_MASK, "STATX_???"),
        ArgKind::Dirents => {
            write_addr(out, v);
            // Counted in the kernel; shown only when every record was.
            if let (Some(_), Some(c)) = (success(call), cap)
                && !c.fault
                && !c.truncated
                && let Some(n) = structs::Bytes(&c.data).u32(0)
            {
                let _ = write!(out, " /* {n} entries */");
            }
        }
        ArgKind::SockLen => write_socklen(out, call, i),
        ArgKind::SockoptName => flags::write_sockopt_name(out, call.args[i - 1] as u32, v as u32),
        ArgKind::SockoptIn { len_arg } => {
            let len = call.args[len_arg as usize];
            match cap.filter(|c| !c.fault && v != 0 && len == 4 && c.data.len() == 4) {
                Some(c) => {
                    let _ = write!(out, "[{}]", structs::Bytes(&c.data).i32(0).unwrap_or(0));
                }
                None => strings::write_buf(out, cap, v, len, opts, false),
            }
        }
        ArgKind::SockoptOut => {
            let len = in_out(call, i + 1)
                .1
                .filter(|c| !c.fault)
                .and_then(|c| structs::Bytes(&c.data).u32(0));
            match (cap.filter(|c| !c.fault && v != 0), len) {
                (Some(c), Some(4)) if c.data.len() >= 4 => {
                    let _ = write!(out, "[{}]", structs::Bytes(&c.data).i32(0).unwrap_or(0));
                }
                (Some(c), Some(len)) if (len as usize) <= c.data.len() => {
                    strings::quote(out, &c.data[..len as usize], opts.hex, true)
                }
                _ => write_addr(out, v),
            }
        }
        ArgKind::CpuSetIn { .. } => match cap.filter(|c| !c.fault && v != 0) {
            Some(c) => flags::write_cpu_set(out, &c.data),
            None => write_addr(out, v),
        },
        ArgKind::CpuSetOut => match (success(call), cap) {
            (Some(_), Some(c)) if !c.fault => flags::write_cpu_set(out, &c.data),
            _ => write_addr(out, v),
        },
        ArgKind::SockFlags => flags(out, flags::SOCK_TYPE_FLAGS, "SOCK_???"),
        ArgKind::EpollCreateFlags => flags(out, flags::EPOLL_CREATE_FLAGS, "EPOLL_???"),
        ArgKind::EfdFlags => flags(out, flags::EFD_FLAGS, "EFD_???"),
        ArgKind::TfdFlags => flags(out, flags::TFD_FLAGS, "TFD_???"),
        ArgKind::SfdFlags => flags(out, flags::SFD_FLAGS, "SFD_???"),
        ArgKind::InotifyInitFlags => flags(out, flags::INOTIFY_INIT_FLAGS, "IN_???"),
        ArgKind::RenameFlags => flags(out, flags::RENAME_FLAGS, "RENAME_???"),
        ArgKind::Fadvice => write_enum(out, v as u32 as u64, flags::FADVICE, "POSIX_FADV_???"),
        ArgKind::AccessAtFlags => flags(out, flags::ACCESS_AT_FLAGS, "AT_???"),
        ArgKind::Personality => flags::write_personality(out, v as u32),
    }
}

/// A `socklen_t *` read at entry and written at exit: `[128 => 16]`, `[16]` when
/// unchanged, the entry value alone when the call failed.
fn write_socklen(out: &mut String, call: &Call, i: usize) {
    let value = |c: Option<&Capture>| {
        c.filter(|c| !c.fault)
            .and_then(|c| structs::Bytes(&c.data).i32(0))
    };
    let (entry, exit) = in_out(call, i);
    let _ = match (value(entry), value(exit)) {
        (Some(a), Some(b)) if a != b => write!(out, "[{a} => {b}]"),
        (_, Some(v)) | (Some(v), None) => write!(out, "[{v}]"),
        (None, None) => {
            write_addr(out, call.args[i]);
            Ok(())
        }
    };
}

/// A struct argument: `NULL`, the decoded struct, or the pointer when it was not read.
fn write_struct_arg(out: &mut String, call: &Call, i: usize, sk: StructKind, opts: &DecodeOptions) {
    let addr = call.args[i];
    // `wait4` with WNOHANG returns 0 without touching the status.
    let written = !(sk == StructKind::WaitStatus && success(call) == Some(0));
    let data = call
        .capture(i)
        .filter(|c| !c.fault && addr != 0 && written)
        .map(|c| &c.data[..]);
    let mut s = String::new();
    // A sockaddr the kernel wrote back is as long as the length it wrote after it.
    let data = match (sk, data) {
        (StructKind::Sockaddr, Some(d)) => {
            let (entry, exit) = in_out(call, i + 1);
            let len = exit
                .or(entry)
                .filter(|c| !c.fault)
                .and_then(|c| structs::Bytes(&c.data).u32(0));
            Some(&d[..len.map_or(d.len(), |l| (l as usize).min(d.len()))])
        }
        (_, d) => d,
    };
    match data.and_then(|d| structs::write_struct(&mut s, sk, d, opts)) {
        Some(()) => out.push_str(&s),
        None => write_addr(out, addr),
    }
}

/// An array of `count` elements of `size` bytes, at most `-s` of them shown, as strace
/// limits arrays.
fn write_array(
    out: &mut String,
    cap: Option<&crate::event::Capture>,
    addr: u64,
    count: u64,
    size: usize,
    opts: &DecodeOptions,
    elem: impl Fn(&mut String, &structs::Bytes, usize) -> Option<()>,
) {
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0) else {
        return write_addr(out, addr);
    };
    let b = structs::Bytes(&cap.data);
    let mut s = String::from("[");
    for n in 0..count.min(opts.string_limit as u64) as usize {
        if n > 0 {
            s.push_str(", ");
        }
        if elem(&mut s, &b, n * size).is_none() {
            // The capture ended early.
            s.push_str("...");
            break;
        }
    }
    if count > opts.string_limit as u64 {
        s.push_str(", ...");
    }
    s.push(']');
    out.push_str(&s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;
    use tracer_common::capture;

    fn call(name: &str, args: &[u64], ret: Option<i64>, caps: Vec<Capture>) -> Call {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        Call {
            nr: syscalls::by_name(name).unwrap().nr,
            args: a,
            ret,
            captures: caps,
            ..Default::default()
        }
    }

    fn cap(arg: u8, kind: u8, data: &[u8]) -> Capture {
        Capture {
            arg,
            kind,
            data: data.to_vec(),
            truncated: false,
            fault: false,
        }
    }

    fn args(c: &Call, part: ArgsPart) -> String {
        let mut s = String::new();
        write_args(&mut s, c, &DecodeOptions::default(), part);
        s
    }

    fn line(c: &Call) -> String {
        let mut s = args(c, ArgsPart::All);
        s.push_str(" = ");
        write_return(&mut s, c);
        s
    }

    #[test]
    fn read_in_two_halves() {
        let c = call(
            "read",
            &[0, 0x7ffd0000, 1024],
            Some(3),
            vec![cap(1, capture::BUF, b"abc")],
        );
        assert_eq!(args(&c, ArgsPart::Entering), "0, ");
        assert_eq!(args(&c, ArgsPart::Resumed), "\"abc\", 1024");
        assert_eq!(line(&c), "0, \"abc\", 1024 = 3");
        let failed = call("read", &[9, 0x7ffd0000, 1024], Some(-9), vec![]);
        assert_eq!(
            line(&failed),
            "9, 0x7ffd0000, 1024 = -1 EBADF (Bad file descriptor)"
        );
        // No output arguments: all of it is known at entry, with no trailing separator.
        let close = call("close", &[3], None, vec![]);
        assert_eq!(args(&close, ArgsPart::Entering), "3");
        assert_eq!(args(&close, ArgsPart::Resumed), "");
    }

    #[test]
    fn open_family() {
        let path = cap(1, capture::CSTR, b"/etc/ld.so.cache");
        let c = call(
            "openat",
            &[(-100i64) as u64, 1, 0o2000000, 0],
            Some(3),
            vec![path.clone()],
        );
        assert_eq!(
            line(&c),
            "AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC = 3"
        );
        let c = call("openat", &[3, 1, 0o1101, 0o644], Some(-13), vec![path]);
        assert_eq!(
            line(&c),
            "3, \"/etc/ld.so.cache\", O_WRONLY|O_CREAT|O_TRUNC, 0644 = -1 EACCES (Permission denied)"
        );
        let c = call("openat", &[(-100i64) as u64, 0, 0, 0], Some(-14), vec![]);
        assert_eq!(
            line(&c),
            "AT_FDCWD, NULL, O_RDONLY = -1 EFAULT (Bad address)"
        );
        let faulted = Capture {
            fault: true,
            ..cap(1, capture::CSTR, b"")
        };
        let c = call(
            "openat",
            &[(-100i64) as u64, 0xdead, 0, 0],
            Some(-14),
            vec![faulted],
        );
        assert_eq!(
            line(&c),
            "AT_FDCWD, 0xdead, O_RDONLY = -1 EFAULT (Bad address)"
        );
    }

    #[test]
    fn mmap_and_friends() {
        let c = call(
            "mmap",
            &[0, 8192, 3, 0x22, u64::MAX, 0],
            Some(0x7f4e6c228000),
            vec![],
        );
        assert_eq!(
            line(&c),
            "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 = 0x7f4e6c228000"
        );
        let c = call(
            "mmap",
            &[0x7f4e6c1f8000, 110592, 5, 0x812, 3, 0x7000],
            Some(0x7f4e6c1f8000),
            vec![],
        );
        assert_eq!(
            line(&c),
            "0x7f4e6c1f8000, 110592, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, \
             0x7000 = 0x7f4e6c1f8000"
        );
        let c = call("brk", &[0], Some(0x55878c2e7000), vec![]);
        assert_eq!(line(&c), "NULL = 0x55878c2e7000");
        let c = call("exit_group", &[0], None, vec![]);
        assert_eq!(line(&c), "0 = ?");
        let c = call("arch_prctl", &[0x1002, 0x7f4e6bf72800], Some(0), vec![]);
        assert_eq!(line(&c), "ARCH_SET_FS, 0x7f4e6bf72800 = 0");
        let c = call(
            "access",
            &[1, 4],
            Some(-2),
            vec![cap(0, capture::CSTR, b"/etc/ld.so.preload")],
        );
        assert_eq!(
            line(&c),
            "\"/etc/ld.so.preload\", R_OK = -1 ENOENT (No such file or directory)"
        );
        let c = call("umask", &[0o22], Some(0o22), vec![]);
        assert_eq!(line(&c), "022 = 022");
    }

    #[test]
    fn stat_and_execve() {
        let mut st = vec![0u8; 144];
        st[24..28].copy_from_slice(&0o100644u32.to_le_bytes());
        st[48..56].copy_from_slice(&33827i64.to_le_bytes());
        let c = call(
            "newfstatat",
            &[3, 1, 0x7ffc, 0x1000],
            Some(0),
            vec![cap(1, capture::CSTR, b""), cap(2, capture::FIXED, &st)],
        );
        assert_eq!(
            line(&c),
            "3, \"\", {st_mode=S_IFREG|0644, st_size=33827, ...}, AT_EMPTY_PATH = 0"
        );
        assert_eq!(args(&c, ArgsPart::Entering), "3, \"\", ");
        let c = call("fstat", &[3, 0x7ffc], Some(-9), vec![]);
        assert_eq!(line(&c), "3, 0x7ffc = -1 EBADF (Bad file descriptor)");
        let c = call(
            "execve",
            &[1, 2, 0x7ffde1083f38],
            Some(0),
            vec![
                cap(0, capture::CSTR, b"/usr/bin/ls"),
                cap(1, capture::STRV, b"ls\0/\0"),
                cap(2, capture::PTRV_COUNT, &39u32.to_le_bytes()),
            ],
        );
        assert_eq!(
            line(&c),
            "\"/usr/bin/ls\", [\"ls\", \"/\"], 0x7ffde1083f38 /* 39 vars */ = 0"
        );
    }

    #[test]
    fn signals_and_sets() {
        let act = [0u64, 0x0400_0000, 0x7f0435d70050, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>();
        let c = call(
            "rt_sigaction",
            &[17, 1, 0, 8],
            Some(0),
            vec![cap(1, capture::FIXED, &act)],
        );
        assert_eq!(
            line(&c),
            "SIGCHLD, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER, \
             sa_restorer=0x7f0435d70050}, NULL, 8 = 0"
        );
        let c = call(
            "rt_sigprocmask",
            &[0, 0, 0x7ffc, 8],
            Some(0),
            vec![cap(2, capture::FIXED, &0u64.to_le_bytes())],
        );
        assert_eq!(line(&c), "SIG_BLOCK, NULL, [], 8 = 0");
        assert_eq!(args(&c, ArgsPart::Entering), "SIG_BLOCK, NULL, ");
        let c = call("kill", &[1234, 9], Some(0), vec![]);
        assert_eq!(line(&c), "1234, SIGKILL = 0");
        let c = call(
            "wait4",
            &[u64::MAX, 0x7ffc, 0, 0],
            Some(42),
            vec![cap(1, capture::FIXED, &0i32.to_le_bytes())],
        );
        assert_eq!(
            line(&c),
            "-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL = 42"
        );
        let c = Call {
            ret: Some(0),
            args: [u64::MAX, 0x7ffc, 1, 0, 0, 0],
            ..c
        };
        assert_eq!(line(&c), "-1, 0x7ffc, WNOHANG, NULL = 0");
    }

    #[test]
    fn futex_shapes() {
        let c = call(
            "futex",
            &[0x7f4e6c1e3a4c, 129, 2147483647, 0, 0, 0],
            Some(0),
            vec![],
        );
        assert_eq!(
            line(&c),
            "0x7f4e6c1e3a4c, FUTEX_WAKE_PRIVATE, 2147483647 = 0"
        );
        let c = call("futex", &[0x1000, 128, 2, 0, 0, 0], None, vec![]);
        assert_eq!(
            args(&c, ArgsPart::Entering),
            "0x1000, FUTEX_WAIT_PRIVATE, 2, NULL"
        );
        let c = call(
            "futex",
            &[0x1000, 9 | 128 | 256, 0, 0, 0, u32::MAX as u64],
            Some(0),
            vec![],
        );
        assert_eq!(
            line(&c),
            "0x1000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY = 0"
        );
    }

    #[test]
    fn sockets() {
        let c = call("socket", &[2, 0o2000001, 6], Some(3), vec![]);
        assert_eq!(
            line(&c),
            "AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP = 3"
        );
        let c = call("socket", &[1, 0o2004001, 0], Some(3), vec![]);
        assert_eq!(
            line(&c),
            "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0 = 3"
        );
        let addr = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let c = call(
            "connect",
            &[3, 0x7ffc, 16],
            Some(-111),
            vec![cap(1, capture::BUF, &addr)],
        );
        assert_eq!(
            line(&c),
            "3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16 \
             = -1 ECONNREFUSED (Connection refused)"
        );
        let c = call(
            "sendto",
            &[3, 1, 5, 0x4000, 0, 0],
            Some(5),
            vec![cap(1, capture::BUF, b"hello")],
        );
        assert_eq!(line(&c), "3, \"hello\", 5, MSG_NOSIGNAL, NULL, 0 = 5");
        let pfd = [3i32.to_le_bytes(), [1, 0, 0, 0]].concat();
        let c = call(
            "poll",
            &[0x7ffc, 1, u64::MAX],
            Some(1),
            vec![cap(0, capture::BUF, &pfd)],
        );
        assert_eq!(line(&c), "[{fd=3, events=POLLIN}], 1, -1 = 1");
    }

    #[test]
    fn fcntl_and_misc() {
        assert_eq!(
            line(&call("fcntl", &[3, 1, 0], Some(1), vec![])),
            "3, F_GETFD = 0x1 (flags FD_CLOEXEC)"
        );
        assert_eq!(
            line(&call("fcntl", &[3, 2, 1], Some(0), vec![])),
            "3, F_SETFD, FD_CLOEXEC = 0"
        );
        assert_eq!(
            line(&call("fcntl", &[3, 4, 0o4002], Some(0), vec![])),
            "3, F_SETFL, O_RDWR|O_NONBLOCK = 0"
        );
        assert_eq!(
            line(&call("fcntl", &[3, 1030, 10], Some(11), vec![])),
            "3, F_DUPFD_CLOEXEC, 10 = 11"
        );
        let c = call("ioctl", &[1, 0x5401, 0x7ffc794bb340], Some(-25), vec![]);
        assert_eq!(
            line(&c),
            "1, TCGETS, 0x7ffc794bb340 = -1 ENOTTY (Inappropriate ioctl for device)"
        );
        let c = call(
            "getrandom",
            &[0x7ffc, 8, 1],
            Some(8),
            vec![cap(0, capture::BUF, b"\xf0\x4f\xfa\x86\x41\x7a\xf8\xb2")],
        );
        assert_eq!(
            line(&c),
            "\"\\xf0\\x4f\\xfa\\x86\\x41\\x7a\\xf8\\xb2\", 8, GRND_NONBLOCK = 8"
        );
        let c = call(
            "pipe2",
            &[0x7ffc, 0o2000000],
            Some(0),
            vec![cap(0, capture::FIXED, &[3, 0, 0, 0, 4, 0, 0, 0])],
        );
        assert_eq!(line(&c), "[3, 4], O_CLOEXEC = 0");
        let c = call(
            "getcwd",
            &[0x7ffc, 4096],
            Some(6),
            vec![cap(0, capture::BUF, b"/root\0")],
        );
        assert_eq!(line(&c), "\"/root\", 4096 = 6");
        let c = call("lseek", &[3, (-5i64) as u64, 2], Some(10), vec![]);
        assert_eq!(line(&c), "3, -5, SEEK_END = 10");
        let c = call(
            "prlimit64",
            &[0, 3, 0, 0x7ffc],
            Some(0),
            vec![cap(
                3,
                capture::FIXED,
                &[[0u8, 0, 0x80, 0, 0, 0, 0, 0], [0xff; 8]].concat(),
            )],
        );
        assert_eq!(
            line(&c),
            "0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY} = 0"
        );
    }

    fn le32(v: i32) -> Vec<u8> {
        v.to_le_bytes().to_vec()
    }

    #[test]
    fn clone_like_strace() {
        let c = call(
            "clone",
            &[0x1200011, 0, 0, 0x7f0d3e5f1a10, 0],
            Some(4321),
            vec![],
        );
        assert_eq!(
            line(&c),
            "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, \
             child_tidptr=0x7f0d3e5f1a10 = 4321"
        );
        assert_eq!(
            args(&c, ArgsPart::Entering),
            "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
        );
        assert_eq!(args(&c, ArgsPart::Resumed), "child_tidptr=0x7f0d3e5f1a10");
        // A thread: parent_tid read back at exit, tls.
        let c = call(
            "clone",
            &[
                0x3d0f00,
                0x7f00001000,
                0x7f00002000,
                0x7f00002000,
                0x7f00003000,
            ],
            Some(77),
            vec![cap(2, capture::FIXED, &le32(77))],
        );
        assert_eq!(
            line(&c),
            "child_stack=0x7f00001000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|\
             CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, \
             parent_tid=[77], child_tidptr=0x7f00002000, tls=0x7f00003000 = 77"
        );
        let c = call("clone", &[17, 0, 0, 0, 0], Some(5), vec![]);
        assert_eq!(line(&c), "child_stack=NULL, flags=SIGCHLD = 5");
        assert_eq!(
            args(&c, ArgsPart::Entering),
            "child_stack=NULL, flags=SIGCHLD"
        );
    }

    #[test]
    fn poll_results() {
        let pfds = |revents: [u16; 2]| {
            let mut v = Vec::new();
            for (fd, ev, rev) in [(3i32, 1u16, revents[0]), (4, 4, revents[1])] {
                v.extend(fd.to_le_bytes());
                v.extend(ev.to_le_bytes());
                v.extend(rev.to_le_bytes());
            }
            v
        };
        let c = call(
            "poll",
            &[0x7ffc, 2, 100],
            Some(2),
            vec![
                cap(0, capture::BUF, &pfds([0, 0])),
                cap(0, capture::BUF, &pfds([1, 4])),
            ],
        );
        assert_eq!(
            line(&c),
            "[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 100 = 2 \
             ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}])"
        );
        let c = call(
            "poll",
            &[0x7ffc, 2, 100],
            Some(1),
            vec![
                cap(0, capture::BUF, &pfds([0, 0])),
                cap(0, capture::BUF, &pfds([0, 0x14])),
            ],
        );
        assert!(line(&c).ends_with("= 1 ([{fd=4, revents=POLLOUT|POLLHUP}])"));
        let c = call(
            "poll",
            &[0x7ffc, 2, 0],
            Some(0),
            vec![cap(0, capture::BUF, &pfds([0, 0]))],
        );
        assert!(line(&c).ends_with(", 2, 0 = 0 (Timeout)"));
        let c = call("poll", &[0x7ffc, 2, 0], Some(-4), vec![]);
        assert!(line(&c).ends_with("= -1 EINTR (Interrupted system call)"));
    }

    #[test]
    fn fcntl_returns() {
        let ret = |cmd: u64, r: i64| {
            let mut s = String::new();
            write_return(&mut s, &call("fcntl", &[3, cmd], Some(r), vec![]));
            s
        };
        assert_eq!(ret(1, 1), "0x1 (flags FD_CLOEXEC)");
        assert_eq!(ret(1, 0), "0");
        assert_eq!(ret(3, 0), "0 (flags O_RDONLY)");
        assert_eq!(
            ret(3, 0o104002),
            "0x8802 (flags O_RDWR|O_NONBLOCK|O_LARGEFILE)"
        );
        assert_eq!(ret(1034, 3), "0x3 (seals F_SEAL_SEAL|F_SEAL_SHRINK)");
        assert_eq!(ret(9, 1234), "1234");
        assert_eq!(ret(3, -9), "-1 EBADF (Bad file descriptor)");
    }

    #[test]
    fn clone3_shows_the_fields_its_flags_use() {
        let mut args = [0u64; 11];
        args[0] = 0x3d0f00; // pthread_create's flags
        args[2] = 0x7f99; // child_tid
        args[3] = 0x7f99; // parent_tid
        args[5] = 0x7f00_0000; // stack
        args[6] = 0x1fff40; // stack_size
        args[7] = 0x7f66; // tls
        let bytes: Vec<u8> = args.iter().flat_map(|v| v.to_le_bytes()).collect();
        let c = call(
            "clone3",
            &[0x7ffc, 88],
            Some(4243),
            vec![cap(0, capture::FIXED, &bytes)],
        );
        assert_eq!(
            line(&c),
            "{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|\
             CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f99, \
             parent_tid=0x7f99, exit_signal=0, stack=0x7f000000, stack_size=0x1fff40, \
             tls=0x7f66} => {parent_tid=[4243]}, 88 = 4243"
        );
        // fork's: no pointers, SIGCHLD; a failure writes nothing back.
        args = [0; 11];
        args[4] = 17;
        let bytes: Vec<u8> = args.iter().flat_map(|v| v.to_le_bytes()).collect();
        let c = call(
            "clone3",
            &[0x7ffc, 88],
            Some(-11),
            vec![cap(0, capture::FIXED, &bytes)],
        );
        assert!(line(&c).starts_with(
            "{flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88 = -1 EAGAIN"
        ));
    }

    #[test]
    fn prctl_shows_what_its_option_uses() {
        let pr = |args: &[u64], ret, caps| line(&call("prctl", args, Some(ret), caps));
        assert_eq!(
            pr(&[3, 0, 0, 0, 0], 1, vec![]),
            "PR_GET_DUMPABLE = 1 (SUID_DUMP_USER)"
        );
        assert_eq!(
            pr(&[4, 1, 0, 0, 0], 0, vec![]),
            "PR_SET_DUMPABLE, SUID_DUMP_USER = 0"
        );
        assert_eq!(
            pr(&[1, 9, 0, 0, 0], 0, vec![]),
            "PR_SET_PDEATHSIG, SIGKILL = 0"
        );
        assert_eq!(
            pr(&[23, 0, 0, 0, 0], 1, vec![]),
            "PR_CAPBSET_READ, CAP_CHOWN = 1"
        );
        assert!(
            pr(&[23, 99, 0, 0, 0], -22, vec![])
                .starts_with("PR_CAPBSET_READ, 0x63 /* CAP_??? */ = -1")
        );
        let name = cap(1, capture::CSTR, b"worker");
        assert_eq!(
            pr(&[15, 0x7ff0, 0, 0, 0], 0, vec![name.clone()]),
            "PR_SET_NAME, \"worker\" = 0"
        );
        // PR_GET_NAME: what the kernel wrote, read at exit (the entry copy comes first).
        let junk = cap(1, capture::CSTR, b"\x01");
        assert_eq!(
            pr(&[16, 0x7ff0, 0, 0, 0], 0, vec![junk, name]),
            "PR_GET_NAME, \"worker\" = 0"
        );
        assert_eq!(
            pr(&[38, 1, 0, 0, 0], 0, vec![]),
            "PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0 = 0"
        );
        assert_eq!(
            pr(&[47, 2, 10, 0, 0], 0, vec![]),
            "PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0 = 0"
        );
        assert!(
            pr(&[1234, 1, 2, 3, 4], -22, vec![])
                .starts_with("0x4d2 /* PR_??? */, 0x1, 0x2, 0x3, 0x4 = -1")
        );
    }

    #[test]
    fn ioctl_arguments_by_request() {
        let int = |v: i32| [v.to_le_bytes(), [0; 4]].concat();
        let word = |data: &[u8]| cap(2, capture::FIXED, data);
        // FIONBIO reads an int; FIONREAD writes one (the exit copy is the second).
        let c = call("ioctl", &[3, 0x5421, 0x7ff0], Some(0), vec![word(&int(1))]);
        assert_eq!(line(&c), "3, FIONBIO, [1] = 0");
        let c = call(
            "ioctl",
            &[3, 0x541b, 0x7ff0],
            Some(0),
            vec![word(&int(0)), word(&int(12))],
        );
        assert_eq!(line(&c), "3, FIONREAD, [12] = 0");
        let c = call(
            "ioctl",
            &[3, 0x541b, 0x7ff0],
            Some(-25),
            vec![word(&int(0))],
        );
        assert!(line(&c).starts_with("3, FIONREAD, 0x7ff0 = -1 ENOTTY"));
        let c = call("ioctl", &[3, 0x5451, 0], Some(0), vec![]);
        assert_eq!(line(&c), "3, FIOCLEX = 0");
        // A terminal's settings, strace's short form (a pty's defaults).
        let mut tio: Vec<u8> = [0o2400u32, 0o5, 0o277, 0o105073]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        tio.resize(36, 0);
        let c = call(
            "ioctl",
            &[4, 0x5401, 0x7ff0],
            Some(0),
            vec![word(&tio), word(&tio)],
        );
        assert_eq!(
            line(&c),
            "4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, \
             c_cflag=B38400|CS8|CREAD, \
             c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...} = 0"
        );
        let c = call("ioctl", &[4, 0x5402, 0x7ff0], Some(0), vec![word(&tio)]);
        assert!(line(&c).starts_with("4, SNDCTL_TMR_START or TCSETS, {c_iflag=ICRNL|IXON,"));
        let ws: Vec<u8> = [40u16, 120, 0, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let c = call(
            "ioctl",
            &[4, 0x5413, 0x7ff0],
            Some(0),
            vec![word(&ws), word(&ws)],
        );
        assert_eq!(
            line(&c),
            "4, TIOCGWINSZ, {ws_row=40, ws_col=120, ws_xpixel=0, ws_ypixel=0} = 0"
        );
    }

    #[test]
    fn group_lists() {
        let gids: Vec<u8> = [4u32, 24, 27]
            .iter()
            .flat_map(|g| g.to_le_bytes())
            .collect();
        let c = call(
            "setgroups",
            &[3, 0x7ff0],
            Some(0),
            vec![cap(1, capture::BUF, &gids)],
        );
        assert_eq!(line(&c), "3, [4, 24, 27] = 0");
        let c = call(
            "getgroups",
            &[3, 0x7ff0],
            Some(3),
            vec![cap(1, capture::BUF, &gids)],
        );
        assert_eq!(line(&c), "3, [4, 24, 27] = 3");
        // Asked for the count only: nothing written.
        let c = call(
            "getgroups",
            &[0, 0x7ff0],
            Some(3),
            vec![cap(1, capture::BUF, &gids)],
        );
        assert_eq!(line(&c), "0, [] = 3");
        let c = call("getgroups", &[0, 0], Some(3), vec![]);
        assert_eq!(line(&c), "0, NULL = 3");
    }

    #[test]
    fn sigreturn_shows_the_mask_it_restores() {
        // SIGUSR2 is signal 12: bit 11.
        let mask = (1u64 << 11).to_le_bytes();
        let c = call(
            "rt_sigreturn",
            &[0x7ff0],
            Some(0),
            vec![cap(0, capture::FIXED, &mask)],
        );
        assert_eq!(line(&c), "{mask=[USR2]} = 0");
        let c = call("rt_sigreturn", &[0x7ff0], Some(0), vec![]);
        assert_eq!(line(&c), "0x7ff0 = 0");
        // The backends put the mask's address where the decoder looks for it.
        let args = syscalls::entry_args(15, [1, 2, 3, 4, 5, 6], 0x1000);
        assert_eq!(args, [0x1000 + 296, 2, 3, 4, 5, 6]);
        assert_eq!(syscalls::entry_args(0, [1; 6], 0x1000), [1; 6]);
    }

    #[test]
    fn dirents_are_counted() {
        let count = |n: u32, truncated, fault| Capture {
            truncated,
            fault,
            ..cap(1, capture::DIRENT_COUNT, &n.to_le_bytes())
        };
        let dents = |ret, caps| call("getdents64", &[3, 0x5600, 32768], Some(ret), caps);
        assert_eq!(
            line(&dents(56, vec![count(2, false, false)])),
            "3, 0x5600 /* 2 entries */, 32768 = 56"
        );
        assert_eq!(
            line(&dents(0, vec![count(0, false, false)])),
            "3, 0x5600 /* 0 entries */, 32768 = 0"
        );
        // Not every record counted, or one unreadable: no count rather than a wrong one.
        for (truncated, fault) in [(true, false), (false, true)] {
            assert_eq!(
                line(&dents(9000, vec![count(1536, truncated, fault)])),
                "3, 0x5600, 32768 = 9000"
            );
        }
        let c = call("getdents", &[3, 0x5600, 32768], Some(-9), vec![]);
        assert_eq!(
            line(&c),
            "3, 0x5600, 32768 = -1 EBADF (Bad file descriptor)"
        );
    }

    #[test]
    fn socket_lengths_and_options() {
        let addr = [2u8, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        let c = call(
            "accept4",
            &[3, 0x7ffc, 0x7ff0, 0o2000000],
            Some(5),
            vec![
                cap(2, capture::FIXED, &le32(128)),
                cap(1, capture::FIXED, &[&addr[..], &[0u8; 112]].concat()),
                cap(2, capture::FIXED, &le32(16)),
            ],
        );
        assert_eq!(
            line(&c),
            "3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, \
             [128 => 16], SOCK_CLOEXEC = 5"
        );
        assert_eq!(args(&c, ArgsPart::Entering), "3, ");
        let c = call(
            "accept4",
            &[3, 0x7ffc, 0x7ff0, 0o4000],
            Some(-11),
            vec![cap(2, capture::FIXED, &le32(128))],
        );
        assert_eq!(
            line(&c),
            "3, 0x7ffc, [128], SOCK_NONBLOCK = -1 EAGAIN (Resource temporarily unavailable)"
        );
        let c = call("accept", &[3, 0, 0], Some(4), vec![]);
        assert_eq!(line(&c), "3, NULL, NULL = 4");
        let c = call(
            "getsockname",
            &[3, 0x7ffc, 0x7ff0],
            Some(0),
            vec![
                cap(2, capture::FIXED, &le32(16)),
                cap(1, capture::FIXED, &[&addr[..], &[0u8; 112]].concat()),
                cap(2, capture::FIXED, &le32(16)),
            ],
        );
        assert!(line(&c).ends_with("}, [16] = 0"), "{}", line(&c));
        let c = call(
            "setsockopt",
            &[3, 1, 2, 0x7ffc, 4],
            Some(0),
            vec![cap(3, capture::BUF, &le32(1))],
        );
        assert_eq!(line(&c), "3, SOL_SOCKET, SO_REUSEADDR, [1], 4 = 0");
        let c = call(
            "setsockopt",
            &[3, 6, 1, 0x7ffc, 4],
            Some(0),
            vec![cap(3, capture::BUF, &le32(1))],
        );
        assert_eq!(line(&c), "3, SOL_TCP, TCP_NODELAY, [1], 4 = 0");
        let c = call(
            "getsockopt",
            &[3, 1, 4, 0x7ffc, 0x7ff0],
            Some(0),
            vec![
                cap(4, capture::FIXED, &le32(4)),
                cap(3, capture::FIXED, &[0u8; 16]),
                cap(4, capture::FIXED, &le32(4)),
            ],
        );
        assert_eq!(line(&c), "3, SOL_SOCKET, SO_ERROR, [0], [4] = 0");
        let c = call(
            "getsockopt",
            &[3, 1, 4, 0x7ffc, 0x7ff0],
            Some(-9),
            vec![cap(4, capture::FIXED, &le32(4))],
        );
        assert_eq!(
            line(&c),
            "3, SOL_SOCKET, SO_ERROR, 0x7ffc, [4] = -1 EBADF (Bad file descriptor)"
        );
        let c = call("setsockopt", &[3, 999, 7, 0, 0], Some(-92), vec![]);
        assert!(line(&c).starts_with("3, 0x3e7 /* SOL_??? */, 7, NULL, 0 ="));
    }

    #[test]
    fn syscall_specific_flags() {
        let one = |name: &str, a: &[u64]| {
            let mut s = String::new();
            write_args(
                &mut s,
                &call(name, a, Some(0), vec![]),
                &Default::default(),
                ArgsPart::All,
            );
            s
        };
        assert_eq!(one("epoll_create1", &[0o2000000]), "EPOLL_CLOEXEC");
        assert_eq!(
            one("eventfd2", &[0, 0o2004000]),
            "0, EFD_CLOEXEC|EFD_NONBLOCK"
        );
        assert_eq!(
            one("timerfd_create", &[1, 0o2000000]),
            "CLOCK_MONOTONIC, TFD_CLOEXEC"
        );
        assert_eq!(one("inotify_init1", &[0o2000000]), "IN_CLOEXEC");
        assert_eq!(
            one("signalfd4", &[u64::MAX, 0, 8, 0o4000]),
            "-1, NULL, 8, SFD_NONBLOCK"
        );
        assert_eq!(
            one("fadvise64", &[3, 0, 0, 2]),
            "3, 0, 0, POSIX_FADV_SEQUENTIAL"
        );
        assert_eq!(
            one("faccessat2", &[(-100i64) as u64, 0, 1, 0x200]),
            "AT_FDCWD, NULL, X_OK, AT_EACCESS"
        );
        assert_eq!(
            one("renameat2", &[(-100i64) as u64, 0, (-100i64) as u64, 0, 1]),
            "AT_FDCWD, NULL, AT_FDCWD, NULL, RENAME_NOREPLACE"
        );
    }

    #[test]
    fn personality() {
        let c = call("personality", &[0x40000], Some(0), vec![]);
        assert_eq!(line(&c), "PER_LINUX|ADDR_NO_RANDOMIZE = 0 (PER_LINUX)");
        let c = call("personality", &[0xffffffff], Some(0x40000), vec![]);
        assert_eq!(
            line(&c),
            "0xffffffff = 0x40000 (PER_LINUX|ADDR_NO_RANDOMIZE)"
        );
    }

    /// The numbers the hand-shaped lines are keyed on.
    #[test]
    fn special_numbers() {
        for (n, name) in [
            (nr::POLL, "poll"),
            (nr::CLONE, "clone"),
            (nr::FCNTL, "fcntl"),
            (nr::PERSONALITY, "personality"),
            (nr::PPOLL, "ppoll"),
        ] {
            assert_eq!(syscalls::name(n), Some(name));
        }
    }

    #[test]
    fn sigaltstack_and_cpu_sets() {
        let st = [
            0x7f00u64.to_le_bytes(),
            0u64.to_le_bytes(),
            8192u64.to_le_bytes(),
        ]
        .concat();
        let old = [0u64.to_le_bytes(), 2u64.to_le_bytes(), 0u64.to_le_bytes()].concat();
        let c = call(
            "sigaltstack",
            &[0x7ffc, 0x7ff0],
            Some(0),
            vec![cap(0, capture::FIXED, &st), cap(1, capture::FIXED, &old)],
        );
        assert_eq!(
            line(&c),
            "{ss_sp=0x7f00, ss_flags=0, ss_size=8192}, {ss_sp=NULL, ss_flags=SS_DISABLE, \
             ss_size=0} = 0"
        );
        let c = call(
            "sched_getaffinity",
            &[0, 128, 0x7ffc],
            Some(8),
            vec![cap(2, capture::BUF, &[0b11, 0, 0b1, 0, 0, 0, 0, 0])],
        );
        assert_eq!(line(&c), "0, 128, [0 1 16] = 8");
        let c = call("sched_getaffinity", &[0, 128, 0x7ffc], Some(-22), vec![]);
        assert_eq!(line(&c), "0, 128, 0x7ffc = -1 EINVAL (Invalid argument)");
    }

    #[test]
    fn unknown_and_raw() {
        let c = Call {
            nr: 400,
            args: [1, 0, 3, 4, 5, 6],
            ret: Some(-38),
            ..Default::default()
        };
        assert_eq!(
            line(&c),
            "0x1, 0, 0x3, 0x4, 0x5, 0x6 = -1 ENOSYS (Function not implemented)"
        );
        let c = call("openat", &[(-100i64) as u64, 0x1000, 0, 0], Some(3), vec![]);
        let mut s = String::new();
        write_args(
            &mut s,
            &c,
            &DecodeOptions {
                raw: true,
                ..Default::default()
            },
            ArgsPart::All,
        );
        assert_eq!(s, "0xffffffffffffff9c, 0x1000, 0, 0");
    }
}

/// How many typical lines per second decoding and formatting take on one core. Prints
/// the rate, asserts nothing (speed goals are `cargo xtask bench`'s):
/// `cargo test -p tracer-user --release bench_decode -- --ignored --nocapture`.
#[cfg(test)]
mod bench {
    use super::*;
    use crate::event::Capture;
    use tracer_common::capture;

    fn call(name: &str, args: &[u64], ret: i64, captures: Vec<Capture>) -> Call {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        Call {
            tid: 4242,
            pid: 4242,
            nr: syscalls::by_name(name).unwrap().nr,
            args: a,
            enter_ns: 1,
            exit_ns: Some(2),
            ret: Some(ret),
            captures,
        }
    }

    fn cap(arg: u8, kind: u8, data: &[u8]) -> Capture {
        Capture {
            arg,
            kind,
            data: data.to_vec(),
            truncated: false,
            fault: false,
        }
    }

    /// openat with a path, read with a buffer, close, mmap, fstat.
    fn mix() -> Vec<Call> {
        let mut st = vec![0u8; 144];
        st[24..28].copy_from_slice(&0o100644u32.to_le_bytes());
        st[48..56].copy_from_slice(&33827i64.to_le_bytes());
        vec![
            call(
                "openat",
                &[(-100i64) as u64, 0x7ffd1000, 0o2000000, 0],
                3,
                vec![cap(1, capture::CSTR, b"/usr/lib/x86_64-linux-gnu/libc.so.6")],
            ),
            call(
                "read",
                &[3, 0x7ffd2000, 832],
                832,
                vec![cap(1, capture::BUF, b"\x7fELF\x02\x01\x01\x03\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0P\xa8\x02\0\0\0\0\0")],
            ),
            call("close", &[3], 0, vec![]),
            call(
                "mmap",
                &[0, 8192, 3, 0x22, u64::MAX, 0],
                0x7f4e6c228000,
                vec![],
            ),
            call("fstat", &[3, 0x7ffd3000], 0, vec![cap(1, capture::FIXED, &st)]),
        ]
    }

    /// One strace line, as the text formatter builds it.
    fn format_line(out: &mut String, c: &Call, opts: &DecodeOptions) {
        let start = out.len();
        out.push_str(syscalls::name(c.nr).unwrap_or("?"));
        out.push('(');
        write_args(out, c, opts, ArgsPart::All);
        out.push(')');
        let width = out.len() - start;
        for _ in width..39 {
            out.push(' ');
        }
        out.push_str(" = ");
        write_return(out, c);
        out.push('\n');
    }

    #[test]
    #[ignore = "a measurement: run with --release --ignored --nocapture"]
    fn bench_decode_rate() {
        let calls = mix();
        let opts = DecodeOptions::default();
        let mut out = String::with_capacity(1 << 20);
        let rounds = 400_000;
        let start = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..rounds {
            for c in &calls {
                format_line(&mut out, c, &opts);
            }
            if out.len() > (1 << 20) - 4096 {
                bytes += out.len();
                out.clear();
            }
        }
        bytes += out.len();
        let secs = start.elapsed().as_secs_f64();
        let events = (rounds * calls.len()) as f64;
        println!(
            "decode+format: {:.2} M events/s ({events} events in {secs:.3} s, {} bytes)",
            events / secs / 1e6,
            bytes
        );
        let mut one = String::new();
        for c in &calls {
            format_line(&mut one, c, &opts);
        }
        print!("{one}");
    }
}
