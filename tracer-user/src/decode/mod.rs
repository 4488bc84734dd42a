//! Turns a syscall event into strace's text for its arguments and return value. What to
//! print comes from the syscall table's argument kinds; the bytes come from the event's
//! captures. Anything missing (a failed read, a capture that did not fit) degrades to
//! the raw pointer, as strace does when it cannot read tracee memory.

mod errno;
pub mod flags;
pub mod strings;
pub mod structs;

pub use flags::signal_name;

use crate::event::Syscall as Call;
use crate::syscalls::{self, ArgKind, RetKind, StructKind};
use flags::{Xlat, write_enum, write_flags};
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
    let Some(sc) = syscalls::by_nr(call.nr).filter(|_| !opts.raw) else {
        // Unknown syscalls get all six registers; known ones in raw mode their own count.
        let n = syscalls::by_nr(call.nr).map_or(6, |sc| sc.args.len());
        if part != ArgsPart::Resumed {
            write_raw_args(out, &call.args[..n]);
        }
        return;
    };
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
        write_arg(out, call, i, sc.args[i].kind, opts);
    }
    if trailing_sep {
        out.push_str(", ");
    }
}

/// Writes the return value: what follows `= `.
pub fn write_return(out: &mut String, call: &Call) {
    let kind = syscalls::by_nr(call.nr).map_or(RetKind::Int, |sc| sc.ret);
    errno::write_return(out, call.ret, kind);
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

fn write_arg(out: &mut String, call: &Call, i: usize, kind: ArgKind, opts: &DecodeOptions) {
    let v = call.args[i];
    let cap = call.capture(i);
    let flags = |out: &mut String, table: Xlat, dflt: &str| write_flags(out, v, table, None, dflt);
    match kind {
        ArgKind::Int | ArgKind::Fd | ArgKind::FutexVal => write_int(out, v as i32),
        ArgKind::Long => write_int(out, v as i64),
        ArgKind::UInt => write_int(out, v as u32),
        ArgKind::ULong => write_int(out, v),
        ArgKind::Hex => write_hex(out, v),
        ArgKind::Ptr => write_addr(out, v),
        ArgKind::DirFd if v as i32 == -100 => out.push_str("AT_FDCWD"),
        ArgKind::DirFd => write_int(out, v as i32),
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
        ArgKind::Iovec { count_arg, .. } => write_array(
            out,
            cap,
            v,
            call.args[count_arg as usize],
            16,
            opts,
            |out, b, off| {
                let _ = write!(out, "{{iov_base=");
                write_addr(out, b.u64(off)?);
                let _ = write!(out, ", iov_len={}}}", b.u64(off + 8)?);
                Some(())
            },
        ),
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
        ArgKind::Struct(sk, _) => write_struct_arg(out, call, i, sk, opts),
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
    }
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
            let len = call
                .capture(i + 1)
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
            "3, F_GETFD = 1"
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
        let c = call(
            "writev",
            &[1, 0x7ffc, 1],
            Some(3),
            vec![cap(
                1,
                capture::BUF,
                &[[0x10u8, 0, 0, 0, 0, 0, 0, 0], [3, 0, 0, 0, 0, 0, 0, 0]].concat(),
            )],
        );
        assert_eq!(line(&c), "1, [{iov_base=0x10, iov_len=3}], 1 = 3");
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
