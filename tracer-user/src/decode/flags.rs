//! Symbolic constants and flag sets, printed the way strace's `printxval` and
//! `printflags` do. Values that differ between architectures come from
//! `tracer_common::arch`; an entry whose value is 0 there does not exist on the build
//! target and is never printed. Table order matters: it is strace's, which lists composite
//! flags (`O_SYNC`, `STATX_BASIC_STATS`) before the bits they contain.

use std::{cell::Cell, fmt::Write};

use super::XlatStyle;

use tracer_common::arch;

/// Value/name pairs.
pub type Xlat = &'static [(u64, &'static str)];

thread_local! {
    /// `-X` for what is being decoded now: set by [`StyleScope`] around one call's
    /// decoding, so every writer below honours it without taking it as an argument.
    static STYLE: Cell<XlatStyle> = const { Cell::new(XlatStyle::Abbrev) };
}

/// The `-X` style in force now.
pub fn style() -> XlatStyle {
    STYLE.get()
}

/// Sets the constant style for as long as it lives, then puts the previous one back.
pub struct StyleScope(XlatStyle);

impl StyleScope {
    pub fn new(style: XlatStyle) -> Self {
        Self(STYLE.replace(style))
    }
}

impl Drop for StyleScope {
    fn drop(&mut self) {
        STYLE.set(self.0);
    }
}

/// A value with a symbolic form, in the current `-X` style: `raw` (the number as strace
/// formats it for this value), what `abbrev` writes (the names), or both
/// (`0x3 /* PROT_READ|PROT_WRITE */`). A value without a name stays as `abbrev` wrote it
/// (`0x10 /* PROT_??? */`).
pub fn styled(out: &mut String, raw: &str, abbrev: impl FnOnce(&mut String)) {
    match STYLE.get() {
        XlatStyle::Abbrev => abbrev(out),
        XlatStyle::Raw => out.push_str(raw),
        XlatStyle::Verbose => {
            let mut names = String::new();
            {
                let _inner = StyleScope::new(XlatStyle::Abbrev);
                abbrev(&mut names);
            }
            out.push_str(raw);
            match names.strip_prefix(raw) {
                Some("") => {}
                Some(rest) if rest.starts_with(" /* ") => out.push_str(rest),
                _ => {
                    let _ = write!(out, " /* {names} */");
                }
            }
        }
    }
}

/// C's `%#x`: zero has no prefix.
pub(crate) fn hex(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

/// Names the bits of `value` found in `table`, joining them with `|`; unknown bits
/// follow as one hex number. Zero prints `zero` (e.g. `PROT_NONE`) or `0`; a value with
/// no known bit at all prints `0x... /* DFLT */` like strace (with an empty `dflt`, as
/// strace's flag sets that have no default, without the comment).
pub fn write_flags(out: &mut String, value: u64, table: Xlat, zero: Option<&str>, dflt: &str) {
    write_flags_of(out, value, &[table], zero, dflt);
}

/// [`write_flags`] with the names of several tables, in order (netlink's common flags,
/// then those of the message's kind).
pub fn write_flags_of(
    out: &mut String,
    value: u64,
    tables: &[Xlat],
    zero: Option<&str>,
    dflt: &str,
) {
    styled(out, &hex(value), |out| {
        abbrev_flags(out, value, tables, zero, dflt)
    });
}

fn abbrev_flags(out: &mut String, value: u64, tables: &[Xlat], zero: Option<&str>, dflt: &str) {
    if value == 0 {
        out.push_str(zero.unwrap_or("0"));
        return;
    }
    let mut rest = value;
    let mut first = true;
    for &(bits, name) in tables.iter().flat_map(|t| t.iter()) {
        if bits != 0 && rest & bits == bits {
            if !first {
                out.push('|');
            }
            out.push_str(name);
            rest &= !bits;
            first = false;
        }
    }
    if first && !dflt.is_empty() {
        let _ = write!(out, "{rest:#x} /* {dflt} */");
    } else if first {
        let _ = write!(out, "{rest:#x}");
    } else if rest != 0 {
        let _ = write!(out, "|{rest:#x}");
    }
}

/// One constant of `table`; an unknown one prints `0x... /* DFLT */` like strace.
pub fn write_enum(out: &mut String, value: u64, table: Xlat, dflt: &str) {
    styled(out, &hex(value), |out| match lookup(table, value) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "{} /* {dflt} */", hex(value));
        }
    });
}

pub fn lookup(table: Xlat, value: u64) -> Option<&'static str> {
    table.iter().find(|(v, _)| *v == value).map(|(_, n)| *n)
}

/// C's `%#03o`: `000`, `022`, `0644`.
pub fn write_octal(out: &mut String, value: u64) {
    if value == 0 {
        out.push_str("000");
    } else {
        let _ = write!(out, "{:0>3}", format!("0{value:o}"));
    }
}

/// `open` flags: the access mode is a two-bit value, not a flag, so it prints first
/// (`O_RDONLY` for zero) and the flags follow.
pub fn write_open_flags(out: &mut String, value: u64) {
    styled(out, &hex(value), |out| abbrev_open_flags(out, value));
}

fn abbrev_open_flags(out: &mut String, value: u64) {
    write_enum(out, value & 3, OPEN_ACCESS, "O_???");
    if value & !3 != 0 {
        out.push('|');
        write_flags(out, value & !3, OPEN_FLAGS, None, "");
    }
}

/// `mmap` flags: the mapping type (low nibble) is a value, the rest are flags.
pub fn write_mmap_flags(out: &mut String, value: u64) {
    styled(out, &hex(value), |out| abbrev_mmap_flags(out, value));
}

/// strace's `print_mmap_flags`: the type (0 is `MAP_FILE`), the flags (unknown ones as
/// a bare number), then a huge page size's bits as `21<<MAP_HUGE_SHIFT`.
fn abbrev_mmap_flags(out: &mut String, value: u64) {
    const HUGE_SHIFT: u32 = 26;
    const HUGE_MASK: u64 = 0x3f << HUGE_SHIFT;
    write_enum(out, value & 0xf, MAP_TYPES, "MAP_???");
    let rest = value & !0xf & !HUGE_MASK;
    if rest != 0 {
        out.push('|');
        write_flags(out, rest, MAP_FLAGS, None, "");
    }
    let huge = value & HUGE_MASK;
    if huge != 0 {
        let _ = write!(out, "|{}<<MAP_HUGE_SHIFT", huge >> HUGE_SHIFT);
    }
}

/// `memfd_create`'s flags (strace's `memfd_create.c`): the flags, then a huge page
/// size's bits as `21<<MFD_HUGE_SHIFT`.
pub fn write_memfd_flags(out: &mut String, value: u64) {
    const HUGE_SHIFT: u32 = 26;
    const HUGE_MASK: u64 = 0x3f << HUGE_SHIFT;
    const MEMFD_FLAGS: Xlat = &[
        (0x1, "MFD_CLOEXEC"),
        (0x2, "MFD_ALLOW_SEALING"),
        (0x4, "MFD_HUGETLB"),
        (0x8, "MFD_NOEXEC_SEAL"),
        (0x10, "MFD_EXEC"),
    ];
    styled(out, &hex(value), |out| {
        let (rest, huge) = (value & !HUGE_MASK, value & HUGE_MASK);
        if rest != 0 || huge == 0 {
            abbrev_flags(out, rest, &[MEMFD_FLAGS], None, "MFD_???");
        }
        if huge != 0 {
            if rest != 0 {
                out.push('|');
            }
            let _ = write!(out, "{}<<MFD_HUGE_SHIFT", huge >> HUGE_SHIFT);
        }
    });
}

/// `clone` flags: the low byte is the signal sent to the parent when the child exits.
pub fn write_clone_flags(out: &mut String, value: u64) {
    styled(out, &hex(value), |out| abbrev_clone_flags(out, value));
}

fn abbrev_clone_flags(out: &mut String, value: u64) {
    let sig = (value & 0xff) as i32;
    let flags = value & !0xff;
    if sig == 0 {
        return write_flags(out, flags, CLONE_FLAGS, None, "CLONE_???");
    }
    if flags != 0 {
        write_flags(out, flags, CLONE_FLAGS, None, "CLONE_???");
        out.push('|');
    }
    write_signal(out, sig);
}

/// `statx` flags: the sync type (bits 13..14), named as flags as strace does
/// (`AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC`), then the `AT_*` flags.
pub fn write_statx_flags(out: &mut String, value: u64) {
    styled(out, &hex(value), |out| abbrev_statx_flags(out, value));
}

fn abbrev_statx_flags(out: &mut String, value: u64) {
    write_flags(
        out,
        value & 0x6000,
        STATX_SYNC,
        Some("AT_STATX_SYNC_AS_STAT"),
        "AT_STATX_???",
    );
    if value & !0x6000 != 0 {
        out.push('|');
        write_flags(out, value & !0x6000, AT_FLAGS, None, "AT_???");
    }
}

/// `futex` op: the command, `_PRIVATE` when shared across processes is off, then the
/// clock flag.
pub fn write_futex_op(out: &mut String, op: u64) {
    styled(out, &hex(op), |out| abbrev_futex_op(out, op));
}

/// strace's `futexops` table: each command, its `_PRIVATE` form (`FUTEX_FD` has none:
/// `FUTEX_FD|FUTEX_PRIVATE_FLAG`), and `|FUTEX_CLOCK_REALTIME` only for the waits.
fn abbrev_futex_op(out: &mut String, op: u64) {
    const PRIVATE: u64 = 128;
    const CLOCK_REALTIME: u64 = 256;
    const FUTEX_FD: u64 = 2;
    let op = op as u32 as u64;
    let cmd = op & !(PRIVATE | CLOCK_REALTIME);
    // FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAIT_REQUEUE_PI.
    let clock_ok = op & CLOCK_REALTIME == 0 || matches!(cmd, 0 | 9 | 11);
    match lookup(FUTEX_CMDS, cmd).filter(|_| clock_ok) {
        Some(name) => {
            out.push_str(name);
            if op & PRIVATE != 0 {
                out.push_str(if cmd == FUTEX_FD {
                    "|FUTEX_PRIVATE_FLAG"
                } else {
                    "_PRIVATE"
                });
            }
            if op & CLOCK_REALTIME != 0 {
                out.push_str("|FUTEX_CLOCK_REALTIME");
            }
        }
        None => {
            let _ = write!(out, "{op:#x} /* FUTEX_??? */");
        }
    }
}

/// strace's signal names: `SIGINT`, and `SIGRT_n` for real-time signal 32 + n.
static SIGNALS: [&str; 65] = [
    "0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS",
    "SIGRTMIN",
    "SIGRT_1",
    "SIGRT_2",
    "SIGRT_3",
    "SIGRT_4",
    "SIGRT_5",
    "SIGRT_6",
    "SIGRT_7",
    "SIGRT_8",
    "SIGRT_9",
    "SIGRT_10",
    "SIGRT_11",
    "SIGRT_12",
    "SIGRT_13",
    "SIGRT_14",
    "SIGRT_15",
    "SIGRT_16",
    "SIGRT_17",
    "SIGRT_18",
    "SIGRT_19",
    "SIGRT_20",
    "SIGRT_21",
    "SIGRT_22",
    "SIGRT_23",
    "SIGRT_24",
    "SIGRT_25",
    "SIGRT_26",
    "SIGRT_27",
    "SIGRT_28",
    "SIGRT_29",
    "SIGRT_30",
    "SIGRT_31",
    "SIGRT_32",
];

/// The name strace gives signal `sig` (1..=64).
pub fn signal_name(sig: i32) -> Option<&'static str> {
    usize::try_from(sig)
        .ok()
        .filter(|&s| s > 0)
        .and_then(|s| SIGNALS.get(s).copied())
}

pub fn write_signal(out: &mut String, sig: i32) {
    styled(out, &sig.to_string(), |out| match signal_name(sig) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "{sig}");
        }
    });
}

/// A 64-signal mask: `[INT TERM]`, or `~[...]` listing the unset ones when two thirds
/// or more are set.
pub fn write_sigmask(out: &mut String, mask: u64) {
    let (mask, prefix) = if mask.count_ones() >= 64 * 2 / 3 {
        (!mask, "~[")
    } else {
        (mask, "[")
    };
    out.push_str(prefix);
    let mut sep = "";
    for bit in (0..64).filter(|b| mask & (1 << b) != 0) {
        out.push_str(sep);
        let sig = bit + 1;
        // Names without the "SIG" prefix, as strace prints masks.
        styled(out, &sig.to_string(), |out| match signal_name(sig) {
            Some(name) => out.push_str(&name[3..]),
            None => {
                let _ = write!(out, "{sig}");
            }
        });
        sep = " ";
    }
    out.push(']');
}

/// A file mode with its type: `S_IFREG|0644`, `S_IFDIR|S_ISVTX|0777`, `S_IFSOCK|000`
/// (strace's `print_symbolic_mode_t`).
pub fn write_mode_t(out: &mut String, mode: u64) {
    let raw = if mode == 0 {
        "0".to_owned()
    } else {
        format!("0{mode:o}")
    };
    styled(out, &raw, |out| abbrev_mode_t(out, mode));
}

fn abbrev_mode_t(out: &mut String, mode: u64) {
    let ty = mode & 0o170000;
    if ty != 0 {
        match lookup(FILE_TYPES, ty) {
            Some(name) => {
                out.push_str(name);
                out.push('|');
            }
            None => return write_octal(out, mode),
        }
    }
    for (bit, name) in [
        (0o4000, "S_ISUID|"),
        (0o2000, "S_ISGID|"),
        (0o1000, "S_ISVTX|"),
    ] {
        if mode & bit != 0 {
            out.push_str(name);
        }
    }
    write_octal(out, mode & 0o777);
}

pub const FILE_TYPES: Xlat = &[
    (0o140000, "S_IFSOCK"),
    (0o120000, "S_IFLNK"),
    (0o100000, "S_IFREG"),
    (0o060000, "S_IFBLK"),
    (0o040000, "S_IFDIR"),
    (0o020000, "S_IFCHR"),
    (0o010000, "S_IFIFO"),
];

pub const OPEN_ACCESS: Xlat = &[
    (0, "O_RDONLY"),
    (1, "O_WRONLY"),
    (2, "O_RDWR"),
    (3, "O_ACCMODE"),
];

pub const OPEN_FLAGS: Xlat = &[
    (0o100, "O_CREAT"),
    (0o200, "O_EXCL"),
    (0o400, "O_NOCTTY"),
    (0o1000, "O_TRUNC"),
    (0o2000, "O_APPEND"),
    (0o4000, "O_NONBLOCK"),
    (0o4010000, "O_SYNC"),
    (0o4000000, "__O_SYNC"),
    (0o10000, "O_DSYNC"),
    (arch::O_DIRECT, "O_DIRECT"),
    (arch::O_LARGEFILE, "O_LARGEFILE"),
    (arch::O_NOFOLLOW, "O_NOFOLLOW"),
    (0o1000000, "O_NOATIME"),
    (0o2000000, "O_CLOEXEC"),
    (0o10000000, "O_PATH"),
    (arch::O_TMPFILE, "O_TMPFILE"),
    (0o20000000, "__O_TMPFILE"),
    (arch::O_DIRECTORY, "O_DIRECTORY"),
    (0o20000, "FASYNC"),
];

pub const FD_CLOEXEC: Xlat = &[(1, "FD_CLOEXEC")];

pub const AT_FLAGS: Xlat = &[
    (0x100, "AT_SYMLINK_NOFOLLOW"),
    (0x200, "AT_REMOVEDIR"),
    (0x400, "AT_SYMLINK_FOLLOW"),
    (0x800, "AT_NO_AUTOMOUNT"),
    (0x1000, "AT_EMPTY_PATH"),
    (0x8000, "AT_RECURSIVE"),
];

pub const STATX_SYNC: Xlat = &[
    (0, "AT_STATX_SYNC_AS_STAT"),
    (0x2000, "AT_STATX_FORCE_SYNC"),
    (0x4000, "AT_STATX_DONT_SYNC"),
    (0x6000, "AT_STATX_SYNC_TYPE"),
];

pub const STATX_MASK: Xlat = &[
    (0xfff, "STATX_ALL"),
    (0x7ff, "STATX_BASIC_STATS"),
    (0x1, "STATX_TYPE"),
    (0x2, "STATX_MODE"),
    (0x4, "STATX_NLINK"),
    (0x8, "STATX_UID"),
    (0x10, "STATX_GID"),
    (0x20, "STATX_ATIME"),
    (0x40, "STATX_MTIME"),
    (0x80, "STATX_CTIME"),
    (0x100, "STATX_INO"),
    (0x200, "STATX_SIZE"),
    (0x400, "STATX_BLOCKS"),
    (0x800, "STATX_BTIME"),
    (0x1000, "STATX_MNT_ID"),
    (0x2000, "STATX_DIOALIGN"),
    (0x4000, "STATX_MNT_ID_UNIQUE"),
    (0x8000, "STATX_SUBVOL"),
    (0x10000, "STATX_WRITE_ATOMIC"),
    (0x20000, "STATX_DIO_READ_ALIGN"),
];

pub const STATX_ATTRS: Xlat = &[
    (0x4, "STATX_ATTR_COMPRESSED"),
    (0x10, "STATX_ATTR_IMMUTABLE"),
    (0x20, "STATX_ATTR_APPEND"),
    (0x40, "STATX_ATTR_NODUMP"),
    (0x800, "STATX_ATTR_ENCRYPTED"),
    (0x1000, "STATX_ATTR_AUTOMOUNT"),
    (0x2000, "STATX_ATTR_MOUNT_ROOT"),
    (0x100000, "STATX_ATTR_VERITY"),
    (0x200000, "STATX_ATTR_DAX"),
    (0x400000, "STATX_ATTR_WRITE_ATOMIC"),
];

pub const ACCESS_MODES: Xlat = &[(4, "R_OK"), (2, "W_OK"), (1, "X_OK")];

pub const PROT: Xlat = &[
    (0x1, "PROT_READ"),
    (0x2, "PROT_WRITE"),
    (0x4, "PROT_EXEC"),
    (0x8, "PROT_SEM"),
    (0x0100_0000, "PROT_GROWSDOWN"),
    (0x0200_0000, "PROT_GROWSUP"),
];

pub const MAP_TYPES: Xlat = &[
    (0x1, "MAP_SHARED"),
    (0x2, "MAP_PRIVATE"),
    (0x3, "MAP_SHARED_VALIDATE"),
    (0x8, "MAP_DROPPABLE"),
    (0, "MAP_FILE"),
];

pub const MAP_FLAGS: Xlat = &[
    (0x10, "MAP_FIXED"),
    (0x20, "MAP_ANONYMOUS"),
    (arch::MAP_32BIT, "MAP_32BIT"),
    (0x80, "MAP_ABOVE4G"),
    (0x4000, "MAP_NORESERVE"),
    (0x8000, "MAP_POPULATE"),
    (0x10000, "MAP_NONBLOCK"),
    (0x100, "MAP_GROWSDOWN"),
    (0x800, "MAP_DENYWRITE"),
    (0x1000, "MAP_EXECUTABLE"),
    (0x2000, "MAP_LOCKED"),
    (0x20000, "MAP_STACK"),
    (0x40000, "MAP_HUGETLB"),
    (0x80000, "MAP_SYNC"),
    (0x4000000, "MAP_UNINITIALIZED"),
    (0x100000, "MAP_FIXED_NOREPLACE"),
];

pub const MREMAP_FLAGS: Xlat = &[
    (1, "MREMAP_MAYMOVE"),
    (2, "MREMAP_FIXED"),
    (4, "MREMAP_DONTUNMAP"),
];

pub const MADVISE: Xlat = &[
    (0, "MADV_NORMAL"),
    (1, "MADV_RANDOM"),
    (2, "MADV_SEQUENTIAL"),
    (3, "MADV_WILLNEED"),
    (4, "MADV_DONTNEED"),
    (8, "MADV_FREE"),
    (9, "MADV_REMOVE"),
    (10, "MADV_DONTFORK"),
    (11, "MADV_DOFORK"),
    (12, "MADV_MERGEABLE"),
    (13, "MADV_UNMERGEABLE"),
    (14, "MADV_HUGEPAGE"),
    (15, "MADV_NOHUGEPAGE"),
    (16, "MADV_DONTDUMP"),
    (17, "MADV_DODUMP"),
    (18, "MADV_WIPEONFORK"),
    (19, "MADV_KEEPONFORK"),
    (20, "MADV_COLD"),
    (21, "MADV_PAGEOUT"),
    (22, "MADV_POPULATE_READ"),
    (23, "MADV_POPULATE_WRITE"),
    (24, "MADV_DONTNEED_LOCKED"),
    (25, "MADV_COLLAPSE"),
    (100, "MADV_HWPOISON"),
    (101, "MADV_SOFT_OFFLINE"),
    (102, "MADV_GUARD_INSTALL"),
    (103, "MADV_GUARD_REMOVE"),
];

pub const CLONE_FLAGS: Xlat = &[
    (0x100, "CLONE_VM"),
    (0x200, "CLONE_FS"),
    (0x400, "CLONE_FILES"),
    (0x800, "CLONE_SIGHAND"),
    (0x1000, "CLONE_PIDFD"),
    (0x2000, "CLONE_PTRACE"),
    (0x4000, "CLONE_VFORK"),
    (0x8000, "CLONE_PARENT"),
    (0x10000, "CLONE_THREAD"),
    (0x20000, "CLONE_NEWNS"),
    (0x40000, "CLONE_SYSVSEM"),
    (0x80000, "CLONE_SETTLS"),
    (0x100000, "CLONE_PARENT_SETTID"),
    (0x200000, "CLONE_CHILD_CLEARTID"),
    (0x800000, "CLONE_UNTRACED"),
    (0x1000000, "CLONE_CHILD_SETTID"),
    (0x2000000, "CLONE_NEWCGROUP"),
    (0x4000000, "CLONE_NEWUTS"),
    (0x8000000, "CLONE_NEWIPC"),
    (0x10000000, "CLONE_NEWUSER"),
    (0x20000000, "CLONE_NEWPID"),
    (0x40000000, "CLONE_NEWNET"),
    (0x80000000, "CLONE_IO"),
];

pub const ADDRESS_FAMILIES: Xlat = &[
    (0, "AF_UNSPEC"),
    (1, "AF_UNIX"),
    (2, "AF_INET"),
    (3, "AF_AX25"),
    (4, "AF_IPX"),
    (5, "AF_APPLETALK"),
    (6, "AF_NETROM"),
    (7, "AF_BRIDGE"),
    (8, "AF_ATMPVC"),
    (9, "AF_X25"),
    (10, "AF_INET6"),
    (11, "AF_ROSE"),
    (12, "AF_DECnet"),
    (13, "AF_NETBEUI"),
    (14, "AF_SECURITY"),
    (15, "AF_KEY"),
    (16, "AF_NETLINK"),
    (17, "AF_PACKET"),
    (18, "AF_ASH"),
    (19, "AF_ECONET"),
    (20, "AF_ATMSVC"),
    (21, "AF_RDS"),
    (22, "AF_SNA"),
    (23, "AF_IRDA"),
    (24, "AF_PPPOX"),
    (25, "AF_WANPIPE"),
    (26, "AF_LLC"),
    (27, "AF_IB"),
    (28, "AF_MPLS"),
    (29, "AF_CAN"),
    (30, "AF_TIPC"),
    (31, "AF_BLUETOOTH"),
    (32, "AF_IUCV"),
    (33, "AF_RXRPC"),
    (34, "AF_ISDN"),
    (35, "AF_PHONET"),
    (36, "AF_IEEE802154"),
    (37, "AF_CAIF"),
    (38, "AF_ALG"),
    (39, "AF_NFC"),
    (40, "AF_VSOCK"),
    (41, "AF_KCM"),
    (42, "AF_QIPCRTR"),
    (43, "AF_SMC"),
    (44, "AF_XDP"),
    (45, "AF_MCTP"),
];

pub const SOCK_TYPES: Xlat = &[
    (1, "SOCK_STREAM"),
    (2, "SOCK_DGRAM"),
    (3, "SOCK_RAW"),
    (4, "SOCK_RDM"),
    (5, "SOCK_SEQPACKET"),
    (6, "SOCK_DCCP"),
    (10, "SOCK_PACKET"),
];

pub const SOCK_TYPE_FLAGS: Xlat = &[(0o2000000, "SOCK_CLOEXEC"), (0o4000, "SOCK_NONBLOCK")];

pub const IP_PROTOCOLS: Xlat = &[
    (0, "IPPROTO_IP"),
    (1, "IPPROTO_ICMP"),
    (2, "IPPROTO_IGMP"),
    (4, "IPPROTO_IPIP"),
    (6, "IPPROTO_TCP"),
    (8, "IPPROTO_EGP"),
    (12, "IPPROTO_PUP"),
    (17, "IPPROTO_UDP"),
    (22, "IPPROTO_IDP"),
    (41, "IPPROTO_IPV6"),
    (47, "IPPROTO_GRE"),
    (50, "IPPROTO_ESP"),
    (51, "IPPROTO_AH"),
    (58, "IPPROTO_ICMPV6"),
    (103, "IPPROTO_PIM"),
    (132, "IPPROTO_SCTP"),
    (136, "IPPROTO_UDPLITE"),
    (255, "IPPROTO_RAW"),
    (262, "IPPROTO_MPTCP"),
];

pub const NETLINK_PROTOCOLS: Xlat = &[
    (0, "NETLINK_ROUTE"),
    (1, "NETLINK_UNUSED"),
    (2, "NETLINK_USERSOCK"),
    (3, "NETLINK_FIREWALL"),
    (4, "NETLINK_SOCK_DIAG"),
    (5, "NETLINK_NFLOG"),
    (6, "NETLINK_XFRM"),
    (7, "NETLINK_SELINUX"),
    (8, "NETLINK_ISCSI"),
    (9, "NETLINK_AUDIT"),
    (10, "NETLINK_FIB_LOOKUP"),
    (11, "NETLINK_CONNECTOR"),
    (12, "NETLINK_NETFILTER"),
    (13, "NETLINK_IP6_FW"),
    (14, "NETLINK_DNRTMSG"),
    (15, "NETLINK_KOBJECT_UEVENT"),
    (16, "NETLINK_GENERIC"),
    (18, "NETLINK_SCSITRANSPORT"),
    (19, "NETLINK_ECRYPTFS"),
    (20, "NETLINK_RDMA"),
    (21, "NETLINK_CRYPTO"),
    (22, "NETLINK_SMC"),
];

pub const MSG_FLAGS: Xlat = &[
    (0x1, "MSG_OOB"),
    (0x2, "MSG_PEEK"),
    (0x4, "MSG_DONTROUTE"),
    (0x8, "MSG_CTRUNC"),
    (0x10, "MSG_PROXY"),
    (0x20, "MSG_TRUNC"),
    (0x40, "MSG_DONTWAIT"),
    (0x80, "MSG_EOR"),
    (0x100, "MSG_WAITALL"),
    (0x200, "MSG_FIN"),
    (0x400, "MSG_SYN"),
    (0x800, "MSG_CONFIRM"),
    (0x1000, "MSG_RST"),
    (0x2000, "MSG_ERRQUEUE"),
    (0x4000, "MSG_NOSIGNAL"),
    (0x8000, "MSG_MORE"),
    (0x10000, "MSG_WAITFORONE"),
    (0x40000, "MSG_BATCH"),
    (0x2000000, "MSG_SOCK_DEVMEM"),
    (0x4000000, "MSG_ZEROCOPY"),
    (0x20000000, "MSG_FASTOPEN"),
    (0x40000000, "MSG_CMSG_CLOEXEC"),
];

pub const SHUTDOWN: Xlat = &[(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")];

pub const SOCKOPT_LEVELS: Xlat = &[
    (0, "SOL_IP"),
    (1, "SOL_SOCKET"),
    (6, "SOL_TCP"),
    (17, "SOL_UDP"),
    (41, "SOL_IPV6"),
    (58, "SOL_ICMPV6"),
    (132, "SOL_SCTP"),
    (255, "SOL_RAW"),
    (263, "SOL_PACKET"),
    (270, "SOL_NETLINK"),
    (274, "SOL_BLUETOOTH"),
    (279, "SOL_ALG"),
    (282, "SOL_TLS"),
    (283, "SOL_XDP"),
    (284, "SOL_MPTCP"),
];

/// The commands strace 6.1 names.
pub const FCNTL_CMDS: Xlat = &[
    (0, "F_DUPFD"),
    (1, "F_GETFD"),
    (2, "F_SETFD"),
    (3, "F_GETFL"),
    (4, "F_SETFL"),
    (5, "F_GETLK"),
    (6, "F_SETLK"),
    (7, "F_SETLKW"),
    (8, "F_SETOWN"),
    (9, "F_GETOWN"),
    (10, "F_SETSIG"),
    (11, "F_GETSIG"),
    (15, "F_SETOWN_EX"),
    (16, "F_GETOWN_EX"),
    (17, "F_GETOWNER_UIDS"),
    (36, "F_OFD_GETLK"),
    (37, "F_OFD_SETLK"),
    (38, "F_OFD_SETLKW"),
    (1024, "F_SETLEASE"),
    (1025, "F_GETLEASE"),
    (1026, "F_NOTIFY"),
    (1029, "F_CANCELLK"),
    (1030, "F_DUPFD_CLOEXEC"),
    (1031, "F_SETPIPE_SZ"),
    (1032, "F_GETPIPE_SZ"),
    (1033, "F_ADD_SEALS"),
    (1034, "F_GET_SEALS"),
];

pub const WHENCE: Xlat = &[
    (0, "SEEK_SET"),
    (1, "SEEK_CUR"),
    (2, "SEEK_END"),
    (3, "SEEK_DATA"),
    (4, "SEEK_HOLE"),
];

pub const SIG_HOW: Xlat = &[(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")];

pub const WAIT_OPTIONS: Xlat = &[
    (1, "WNOHANG"),
    (4, "WEXITED"),
    (2, "WSTOPPED"),
    (8, "WCONTINUED"),
    (0x1000000, "WNOWAIT"),
    (0x80000000, "__WCLONE"),
    (0x40000000, "__WALL"),
    (0x20000000, "__WNOTHREAD"),
];

pub const POLL_EVENTS: Xlat = &[
    (0x1, "POLLIN"),
    (0x2, "POLLPRI"),
    (0x4, "POLLOUT"),
    (0x8, "POLLERR"),
    (0x10, "POLLHUP"),
    (0x20, "POLLNVAL"),
    (0x40, "POLLRDNORM"),
    (0x80, "POLLRDBAND"),
    (0x100, "POLLWRNORM"),
    (0x200, "POLLWRBAND"),
    (0x400, "POLLMSG"),
    (0x1000, "POLLREMOVE"),
    (0x2000, "POLLRDHUP"),
];

pub const EPOLL_EVENTS: Xlat = &[
    (0x1, "EPOLLIN"),
    (0x2, "EPOLLPRI"),
    (0x4, "EPOLLOUT"),
    (0x8, "EPOLLERR"),
    (0x10, "EPOLLHUP"),
    (0x20, "EPOLLNVAL"),
    (0x40, "EPOLLRDNORM"),
    (0x80, "EPOLLRDBAND"),
    (0x100, "EPOLLWRNORM"),
    (0x200, "EPOLLWRBAND"),
    (0x400, "EPOLLMSG"),
    (0x2000, "EPOLLRDHUP"),
    (1 << 28, "EPOLLEXCLUSIVE"),
    (1 << 29, "EPOLLWAKEUP"),
    (1 << 30, "EPOLLONESHOT"),
    (1 << 31, "EPOLLET"),
];

pub const EPOLL_CTL_OPS: Xlat = &[
    (1, "EPOLL_CTL_ADD"),
    (2, "EPOLL_CTL_DEL"),
    (3, "EPOLL_CTL_MOD"),
];

pub const FUTEX_CMDS: Xlat = &[
    (0, "FUTEX_WAIT"),
    (1, "FUTEX_WAKE"),
    (2, "FUTEX_FD"),
    (3, "FUTEX_REQUEUE"),
    (4, "FUTEX_CMP_REQUEUE"),
    (5, "FUTEX_WAKE_OP"),
    (6, "FUTEX_LOCK_PI"),
    (7, "FUTEX_UNLOCK_PI"),
    (8, "FUTEX_TRYLOCK_PI"),
    (9, "FUTEX_WAIT_BITSET"),
    (10, "FUTEX_WAKE_BITSET"),
    (11, "FUTEX_WAIT_REQUEUE_PI"),
    (12, "FUTEX_CMP_REQUEUE_PI"),
    (13, "FUTEX_LOCK_PI2"),
];

pub const PRCTL_OPTIONS: Xlat = &[
    (1, "PR_SET_PDEATHSIG"),
    (2, "PR_GET_PDEATHSIG"),
    (3, "PR_GET_DUMPABLE"),
    (4, "PR_SET_DUMPABLE"),
    (5, "PR_GET_UNALIGN"),
    (6, "PR_SET_UNALIGN"),
    (7, "PR_GET_KEEPCAPS"),
    (8, "PR_SET_KEEPCAPS"),
    (9, "PR_GET_FPEMU"),
    (10, "PR_SET_FPEMU"),
    (11, "PR_GET_FPEXC"),
    (12, "PR_SET_FPEXC"),
    (13, "PR_GET_TIMING"),
    (14, "PR_SET_TIMING"),
    (15, "PR_SET_NAME"),
    (16, "PR_GET_NAME"),
    (19, "PR_GET_ENDIAN"),
    (20, "PR_SET_ENDIAN"),
    (21, "PR_GET_SECCOMP"),
    (22, "PR_SET_SECCOMP"),
    (23, "PR_CAPBSET_READ"),
    (24, "PR_CAPBSET_DROP"),
    (25, "PR_GET_TSC"),
    (26, "PR_SET_TSC"),
    (27, "PR_GET_SECUREBITS"),
    (28, "PR_SET_SECUREBITS"),
    (29, "PR_SET_TIMERSLACK"),
    (30, "PR_GET_TIMERSLACK"),
    (31, "PR_TASK_PERF_EVENTS_DISABLE"),
    (32, "PR_TASK_PERF_EVENTS_ENABLE"),
    (33, "PR_MCE_KILL"),
    (34, "PR_MCE_KILL_GET"),
    (35, "PR_SET_MM"),
    (36, "PR_SET_CHILD_SUBREAPER"),
    (37, "PR_GET_CHILD_SUBREAPER"),
    (38, "PR_SET_NO_NEW_PRIVS"),
    (39, "PR_GET_NO_NEW_PRIVS"),
    (40, "PR_GET_TID_ADDRESS"),
    (41, "PR_SET_THP_DISABLE"),
    (42, "PR_GET_THP_DISABLE"),
    (43, "PR_MPX_ENABLE_MANAGEMENT"),
    (44, "PR_MPX_DISABLE_MANAGEMENT"),
    (45, "PR_SET_FP_MODE"),
    (46, "PR_GET_FP_MODE"),
    (47, "PR_CAP_AMBIENT"),
    (50, "PR_SVE_SET_VL"),
    (51, "PR_SVE_GET_VL"),
    (52, "PR_GET_SPECULATION_CTRL"),
    (53, "PR_SET_SPECULATION_CTRL"),
    (54, "PR_PAC_RESET_KEYS"),
    (55, "PR_SET_TAGGED_ADDR_CTRL"),
    (56, "PR_GET_TAGGED_ADDR_CTRL"),
    (57, "PR_SET_IO_FLUSHER"),
    (58, "PR_GET_IO_FLUSHER"),
    (59, "PR_SET_SYSCALL_USER_DISPATCH"),
    (60, "PR_PAC_SET_ENABLED_KEYS"),
    (61, "PR_PAC_GET_ENABLED_KEYS"),
    (62, "PR_SCHED_CORE"),
    (63, "PR_SME_SET_VL"),
    (64, "PR_SME_GET_VL"),
    (65, "PR_SET_MDWE"),
    (66, "PR_GET_MDWE"),
    (0x4155_5856, "PR_GET_AUXV"),
    (0x5356_4d41, "PR_SET_VMA"),
    (0x5961_6d61, "PR_SET_PTRACER"),
];

pub const ARCH_PRCTL_CODES: Xlat = &[
    (0x1001, "ARCH_SET_GS"),
    (0x1002, "ARCH_SET_FS"),
    (0x1003, "ARCH_GET_FS"),
    (0x1004, "ARCH_GET_GS"),
    (0x1011, "ARCH_GET_CPUID"),
    (0x1012, "ARCH_SET_CPUID"),
    (0x1021, "ARCH_GET_XCOMP_SUPP"),
    (0x1022, "ARCH_GET_XCOMP_PERM"),
    (0x1023, "ARCH_REQ_XCOMP_PERM"),
    (0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
    (0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"),
    (0x2001, "ARCH_MAP_VDSO_X32"),
    (0x2002, "ARCH_MAP_VDSO_32"),
    (0x2003, "ARCH_MAP_VDSO_64"),
    (0x4001, "ARCH_GET_UNTAG_MASK"),
    (0x4002, "ARCH_ENABLE_TAGGED_ADDR"),
    (0x4003, "ARCH_GET_MAX_TAG_BITS"),
    (0x4004, "ARCH_FORCE_TAGGED_SVA"),
    (0x5001, "ARCH_SHSTK_ENABLE"),
    (0x5002, "ARCH_SHSTK_DISABLE"),
    (0x5003, "ARCH_SHSTK_LOCK"),
    (0x5004, "ARCH_SHSTK_UNLOCK"),
    (0x5005, "ARCH_SHSTK_STATUS"),
];

pub const CLOCKS: Xlat = &[
    (0, "CLOCK_REALTIME"),
    (1, "CLOCK_MONOTONIC"),
    (2, "CLOCK_PROCESS_CPUTIME_ID"),
    (3, "CLOCK_THREAD_CPUTIME_ID"),
    (4, "CLOCK_MONOTONIC_RAW"),
    (5, "CLOCK_REALTIME_COARSE"),
    (6, "CLOCK_MONOTONIC_COARSE"),
    (7, "CLOCK_BOOTTIME"),
    (8, "CLOCK_REALTIME_ALARM"),
    (9, "CLOCK_BOOTTIME_ALARM"),
    (10, "CLOCK_SGI_CYCLE"),
    (11, "CLOCK_TAI"),
];

pub const RLIMITS: Xlat = &[
    (0, "RLIMIT_CPU"),
    (1, "RLIMIT_FSIZE"),
    (2, "RLIMIT_DATA"),
    (3, "RLIMIT_STACK"),
    (4, "RLIMIT_CORE"),
    (5, "RLIMIT_RSS"),
    (6, "RLIMIT_NPROC"),
    (7, "RLIMIT_NOFILE"),
    (8, "RLIMIT_MEMLOCK"),
    (9, "RLIMIT_AS"),
    (10, "RLIMIT_LOCKS"),
    (11, "RLIMIT_SIGPENDING"),
    (12, "RLIMIT_MSGQUEUE"),
    (13, "RLIMIT_NICE"),
    (14, "RLIMIT_RTPRIO"),
    (15, "RLIMIT_RTTIME"),
];

pub const GRND_FLAGS: Xlat = &[
    (1, "GRND_NONBLOCK"),
    (2, "GRND_RANDOM"),
    (4, "GRND_INSECURE"),
];

pub const SA_FLAGS: Xlat = &[
    (0x0400_0000, "SA_RESTORER"),
    (0x0800_0000, "SA_ONSTACK"),
    (0x1000_0000, "SA_RESTART"),
    (0x2000_0000, "SA_INTERRUPT"),
    (0x4000_0000, "SA_NODEFER"),
    (0x8000_0000, "SA_RESETHAND"),
    (0x4, "SA_SIGINFO"),
    (0x1, "SA_NOCLDSTOP"),
    (0x2, "SA_NOCLDWAIT"),
    (0x400, "SA_UNSUPPORTED"),
    (0x800, "SA_EXPOSE_TAGBITS"),
];

pub const EPOLL_CREATE_FLAGS: Xlat = &[(0o2000000, "EPOLL_CLOEXEC")];

pub const EFD_FLAGS: Xlat = &[
    (1, "EFD_SEMAPHORE"),
    (0o2000000, "EFD_CLOEXEC"),
    (0o4000, "EFD_NONBLOCK"),
];

pub const TFD_FLAGS: Xlat = &[
    (1, "TFD_TIMER_ABSTIME"),
    (2, "TFD_TIMER_CANCEL_ON_SET"),
    (0o2000000, "TFD_CLOEXEC"),
    (0o4000, "TFD_NONBLOCK"),
];

pub const SFD_FLAGS: Xlat = &[(0o2000000, "SFD_CLOEXEC"), (0o4000, "SFD_NONBLOCK")];

pub const INOTIFY_INIT_FLAGS: Xlat = &[(0o4000, "IN_NONBLOCK"), (0o2000000, "IN_CLOEXEC")];

pub const RENAME_FLAGS: Xlat = &[
    (1, "RENAME_NOREPLACE"),
    (2, "RENAME_EXCHANGE"),
    (4, "RENAME_WHITEOUT"),
];

pub const FADVICE: Xlat = &[
    (0, "POSIX_FADV_NORMAL"),
    (1, "POSIX_FADV_RANDOM"),
    (2, "POSIX_FADV_SEQUENTIAL"),
    (3, "POSIX_FADV_WILLNEED"),
    (4, "POSIX_FADV_DONTNEED"),
    (5, "POSIX_FADV_NOREUSE"),
];

/// `faccessat2` flags: 0x200 is `AT_EACCESS` here, not `AT_REMOVEDIR`.
pub const ACCESS_AT_FLAGS: Xlat = &[
    (0x100, "AT_SYMLINK_NOFOLLOW"),
    (0x200, "AT_EACCESS"),
    (0x1000, "AT_EMPTY_PATH"),
];

pub const SS_FLAGS: Xlat = &[
    (1, "SS_ONSTACK"),
    (2, "SS_DISABLE"),
    (1 << 31, "SS_AUTODISARM"),
];

pub const F_SEALS: Xlat = &[
    (1, "F_SEAL_SEAL"),
    (2, "F_SEAL_SHRINK"),
    (4, "F_SEAL_GROW"),
    (8, "F_SEAL_WRITE"),
    (16, "F_SEAL_FUTURE_WRITE"),
    (32, "F_SEAL_EXEC"),
];

/// `SOL_SOCKET` options.
pub const SO_OPTIONS: Xlat = &[
    (1, "SO_DEBUG"),
    (2, "SO_REUSEADDR"),
    (3, "SO_TYPE"),
    (4, "SO_ERROR"),
    (5, "SO_DONTROUTE"),
    (6, "SO_BROADCAST"),
    (7, "SO_SNDBUF"),
    (8, "SO_RCVBUF"),
    (9, "SO_KEEPALIVE"),
    (10, "SO_OOBINLINE"),
    (11, "SO_NO_CHECK"),
    (12, "SO_PRIORITY"),
    (13, "SO_LINGER"),
    (14, "SO_BSDCOMPAT"),
    (15, "SO_REUSEPORT"),
    (16, "SO_PASSCRED"),
    (17, "SO_PEERCRED"),
    (18, "SO_RCVLOWAT"),
    (19, "SO_SNDLOWAT"),
    (20, "SO_RCVTIMEO_OLD"),
    (21, "SO_SNDTIMEO_OLD"),
    (22, "SO_SECURITY_AUTHENTICATION"),
    (23, "SO_SECURITY_ENCRYPTION_TRANSPORT"),
    (24, "SO_SECURITY_ENCRYPTION_NETWORK"),
    (25, "SO_BINDTODEVICE"),
    (26, "SO_ATTACH_FILTER"),
    (27, "SO_DETACH_FILTER"),
    (28, "SO_PEERNAME"),
    (29, "SO_TIMESTAMP_OLD"),
    (30, "SO_ACCEPTCONN"),
    (31, "SO_PEERSEC"),
    (32, "SO_SNDBUFFORCE"),
    (33, "SO_RCVBUFFORCE"),
    (34, "SO_PASSSEC"),
    (35, "SO_TIMESTAMPNS_OLD"),
    (36, "SO_MARK"),
    (37, "SO_TIMESTAMPING_OLD"),
    (38, "SO_PROTOCOL"),
    (39, "SO_DOMAIN"),
    (40, "SO_RXQ_OVFL"),
    (41, "SO_WIFI_STATUS"),
    (42, "SO_PEEK_OFF"),
    (43, "SO_NOFCS"),
    (44, "SO_LOCK_FILTER"),
    (45, "SO_SELECT_ERR_QUEUE"),
    (46, "SO_BUSY_POLL"),
    (47, "SO_MAX_PACING_RATE"),
    (48, "SO_BPF_EXTENSIONS"),
    (49, "SO_INCOMING_CPU"),
    (50, "SO_ATTACH_BPF"),
    (51, "SO_ATTACH_REUSEPORT_CBPF"),
    (52, "SO_ATTACH_REUSEPORT_EBPF"),
    (53, "SO_CNX_ADVICE"),
    (55, "SO_MEMINFO"),
    (56, "SO_INCOMING_NAPI_ID"),
    (57, "SO_COOKIE"),
    (59, "SO_PEERGROUPS"),
    (60, "SO_ZEROCOPY"),
    (61, "SO_TXTIME"),
    (62, "SO_BINDTOIFINDEX"),
    (63, "SO_TIMESTAMP_NEW"),
    (64, "SO_TIMESTAMPNS_NEW"),
    (65, "SO_TIMESTAMPING_NEW"),
    (66, "SO_RCVTIMEO_NEW"),
    (67, "SO_SNDTIMEO_NEW"),
    (68, "SO_DETACH_REUSEPORT_BPF"),
    (69, "SO_PREFER_BUSY_POLL"),
    (70, "SO_BUSY_POLL_BUDGET"),
    (71, "SO_NETNS_COOKIE"),
    (72, "SO_BUF_LOCK"),
    (73, "SO_RESERVE_MEM"),
    (74, "SO_TXREHASH"),
    (75, "SO_RCVMARK"),
];

/// `SOL_TCP` options.
pub const TCP_OPTIONS: Xlat = &[
    (1, "TCP_NODELAY"),
    (2, "TCP_MAXSEG"),
    (3, "TCP_CORK"),
    (4, "TCP_KEEPIDLE"),
    (5, "TCP_KEEPINTVL"),
    (6, "TCP_KEEPCNT"),
    (7, "TCP_SYNCNT"),
    (8, "TCP_LINGER2"),
    (9, "TCP_DEFER_ACCEPT"),
    (10, "TCP_WINDOW_CLAMP"),
    (11, "TCP_INFO"),
    (12, "TCP_QUICKACK"),
    (13, "TCP_CONGESTION"),
    (14, "TCP_MD5SIG"),
    (15, "TCP_COOKIE_TRANSACTIONS"),
    (16, "TCP_THIN_LINEAR_TIMEOUTS"),
    (17, "TCP_THIN_DUPACK"),
    (18, "TCP_USER_TIMEOUT"),
    (19, "TCP_REPAIR"),
    (20, "TCP_REPAIR_QUEUE"),
    (21, "TCP_QUEUE_SEQ"),
    (22, "TCP_REPAIR_OPTIONS"),
    (23, "TCP_FASTOPEN"),
    (24, "TCP_TIMESTAMP"),
    (25, "TCP_NOTSENT_LOWAT"),
    (26, "TCP_CC_INFO"),
    (27, "TCP_SAVE_SYN"),
    (28, "TCP_SAVED_SYN"),
    (29, "TCP_REPAIR_WINDOW"),
    (30, "TCP_FASTOPEN_CONNECT"),
    (31, "TCP_ULP"),
    (32, "TCP_MD5SIG_EXT"),
    (33, "TCP_FASTOPEN_KEY"),
    (34, "TCP_FASTOPEN_NO_COOKIE"),
    (35, "TCP_ZEROCOPY_RECEIVE"),
    (36, "TCP_INQ"),
    (37, "TCP_TX_DELAY"),
];

/// `SOL_IP` options.
pub const IP_OPTIONS: Xlat = &[
    (1, "IP_TOS"),
    (2, "IP_TTL"),
    (3, "IP_HDRINCL"),
    (4, "IP_OPTIONS"),
    (5, "IP_ROUTER_ALERT"),
    (6, "IP_RECVOPTS"),
    (7, "IP_RETOPTS"),
    (8, "IP_PKTINFO"),
    (9, "IP_PKTOPTIONS"),
    (10, "IP_MTU_DISCOVER"),
    (11, "IP_RECVERR"),
    (12, "IP_RECVTTL"),
    (13, "IP_RECVTOS"),
    (14, "IP_MTU"),
    (15, "IP_FREEBIND"),
    (16, "IP_IPSEC_POLICY"),
    (17, "IP_XFRM_POLICY"),
    (18, "IP_PASSSEC"),
    (19, "IP_TRANSPARENT"),
    (20, "IP_ORIGDSTADDR"),
    (21, "IP_MINTTL"),
    (22, "IP_NODEFRAG"),
    (23, "IP_CHECKSUM"),
    (24, "IP_BIND_ADDRESS_NO_PORT"),
    (25, "IP_RECVFRAGSIZE"),
    (26, "IP_RECVERR_RFC4884"),
    (32, "IP_MULTICAST_IF"),
    (33, "IP_MULTICAST_TTL"),
    (34, "IP_MULTICAST_LOOP"),
    (35, "IP_ADD_MEMBERSHIP"),
    (36, "IP_DROP_MEMBERSHIP"),
    (37, "IP_UNBLOCK_SOURCE"),
    (38, "IP_BLOCK_SOURCE"),
    (39, "IP_ADD_SOURCE_MEMBERSHIP"),
    (40, "IP_DROP_SOURCE_MEMBERSHIP"),
    (41, "IP_MSFILTER"),
    (42, "MCAST_JOIN_GROUP"),
    (43, "MCAST_BLOCK_SOURCE"),
    (44, "MCAST_UNBLOCK_SOURCE"),
    (45, "MCAST_LEAVE_GROUP"),
    (46, "MCAST_JOIN_SOURCE_GROUP"),
    (47, "MCAST_LEAVE_SOURCE_GROUP"),
    (48, "MCAST_MSFILTER"),
    (49, "IP_MULTICAST_ALL"),
    (50, "IP_UNICAST_IF"),
];

/// `SOL_IPV6` options.
pub const IPV6_OPTIONS: Xlat = &[
    (1, "IPV6_ADDRFORM"),
    (2, "IPV6_2292PKTINFO"),
    (3, "IPV6_2292HOPOPTS"),
    (4, "IPV6_2292DSTOPTS"),
    (5, "IPV6_2292RTHDR"),
    (6, "IPV6_2292PKTOPTIONS"),
    (7, "IPV6_CHECKSUM"),
    (8, "IPV6_2292HOPLIMIT"),
    (9, "IPV6_NEXTHOP"),
    (10, "IPV6_AUTHHDR"),
    (11, "IPV6_FLOWINFO"),
    (16, "IPV6_UNICAST_HOPS"),
    (17, "IPV6_MULTICAST_IF"),
    (18, "IPV6_MULTICAST_HOPS"),
    (19, "IPV6_MULTICAST_LOOP"),
    (20, "IPV6_ADD_MEMBERSHIP"),
    (21, "IPV6_DROP_MEMBERSHIP"),
    (22, "IPV6_ROUTER_ALERT"),
    (23, "IPV6_MTU_DISCOVER"),
    (24, "IPV6_MTU"),
    (25, "IPV6_RECVERR"),
    (26, "IPV6_V6ONLY"),
    (27, "IPV6_JOIN_ANYCAST"),
    (28, "IPV6_LEAVE_ANYCAST"),
    (29, "IPV6_MULTICAST_ALL"),
    (30, "IPV6_ROUTER_ALERT_ISOLATE"),
    (31, "IPV6_RECVERR_RFC4884"),
    (32, "IPV6_FLOWLABEL_MGR"),
    (33, "IPV6_FLOWINFO_SEND"),
    (34, "IPV6_IPSEC_POLICY"),
    (35, "IPV6_XFRM_POLICY"),
    (36, "IPV6_HDRINCL"),
    (42, "MCAST_JOIN_GROUP"),
    (43, "MCAST_BLOCK_SOURCE"),
    (44, "MCAST_UNBLOCK_SOURCE"),
    (45, "MCAST_LEAVE_GROUP"),
    (46, "MCAST_JOIN_SOURCE_GROUP"),
    (47, "MCAST_LEAVE_SOURCE_GROUP"),
    (48, "MCAST_MSFILTER"),
    (49, "IPV6_RECVPKTINFO"),
    (50, "IPV6_PKTINFO"),
    (51, "IPV6_RECVHOPLIMIT"),
    (52, "IPV6_HOPLIMIT"),
    (53, "IPV6_RECVHOPOPTS"),
    (54, "IPV6_HOPOPTS"),
    (55, "IPV6_RTHDRDSTOPTS"),
    (56, "IPV6_RECVRTHDR"),
    (57, "IPV6_RTHDR"),
    (58, "IPV6_RECVDSTOPTS"),
    (59, "IPV6_DSTOPTS"),
    (60, "IPV6_RECVPATHMTU"),
    (61, "IPV6_PATHMTU"),
    (62, "IPV6_DONTFRAG"),
    (63, "IPV6_USE_MIN_MTU"),
    (66, "IPV6_RECVTCLASS"),
    (67, "IPV6_TCLASS"),
    (70, "IPV6_AUTOFLOWLABEL"),
    (72, "IPV6_ADDR_PREFERENCES"),
    (73, "IPV6_MINHOPCOUNT"),
    (74, "IPV6_ORIGDSTADDR"),
    (75, "IPV6_TRANSPARENT"),
    (76, "IPV6_UNICAST_IF"),
    (77, "IPV6_RECVFRAGSIZE"),
    (78, "IPV6_FREEBIND"),
];

/// An option name of `level`: named for the levels strace knows, a number otherwise.
pub fn write_sockopt_name(out: &mut String, level: u32, name: u32, get: bool) {
    // Where getting and setting share a number (26: SO_GET_FILTER, SO_ATTACH_FILTER).
    if level == 1 && name == 26 {
        let name = if get {
            "SO_GET_FILTER"
        } else {
            "SO_ATTACH_FILTER"
        };
        return styled(out, "0x1a", |out| out.push_str(name));
    }
    let table = match level {
        0 => Some((IP_OPTIONS, "IP_???")),
        1 => Some((SO_OPTIONS, "SO_???")),
        6 => Some((TCP_OPTIONS, "TCP_???")),
        17 => Some((SOCK_UDP_OPTIONS, "UDP_???")),
        41 => Some((IPV6_OPTIONS, "IPV6_???")),
        255 => Some((SOCK_RAW_OPTIONS, "RAW_???")),
        263 => Some((SOCK_PACKET_OPTIONS, "PACKET_???")),
        270 => Some((SOCK_NETLINK_OPTIONS, "NETLINK_???")),
        _ => None,
    };
    match table {
        Some((table, dflt)) => write_enum(out, name as u64, table, dflt),
        None => {
            let _ = write!(out, "{name}");
        }
    }
}

/// A CPU set, as strace prints it: the numbers of the set bits, `[0 1 5]`.
pub fn write_cpu_set(out: &mut String, bytes: &[u8]) {
    out.push('[');
    let mut first = true;
    for (i, &byte) in bytes.iter().enumerate() {
        let mut bits = byte;
        while bits != 0 {
            let bit = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if !first {
                out.push(' ');
            }
            first = false;
            let _ = write!(out, "{}", i * 8 + bit);
        }
    }
    out.push(']');
}

/// strace's `personality_types` as `printxval` finds them in the low byte: the types
/// whose values fit in it.
pub const PERSONALITY_TYPES: Xlat = &[
    (0, "PER_LINUX"),
    (0x0006, "PER_BSD"),
    (0x0008, "PER_LINUX32"),
    (0x000c, "PER_RISCOS"),
    (0x000f, "PER_OSF4"),
    (0x0010, "PER_HPUX"),
    (0x00ff, "PER_MASK"),
];

pub const PERSONALITY_FLAGS: Xlat = &[
    (0x0020000, "UNAME26"),
    (0x0040000, "ADDR_NO_RANDOMIZE"),
    (0x0080000, "FDPIC_FUNCPTRS"),
    (0x0100000, "MMAP_PAGE_ZERO"),
    (0x0200000, "ADDR_COMPAT_LAYOUT"),
    (0x0400000, "READ_IMPLIES_EXEC"),
    (0x0800000, "ADDR_LIMIT_32BIT"),
    (0x1000000, "SHORT_INODE"),
    (0x2000000, "WHOLE_SECONDS"),
    (0x4000000, "STICKY_TIMEOUTS"),
    (0x8000000, "ADDR_LIMIT_3GB"),
];

/// A persona: its type (low byte), then its flags. `0xffffffff` (the query) stays a
/// number.
pub fn write_personality(out: &mut String, value: u32) {
    if value == u32::MAX {
        out.push_str("0xffffffff");
        return;
    }
    // The type and the flags are two constants, each in the `-X` style (strace's
    // printxval, then printflags without a default).
    write_enum(out, (value & 0xff) as u64, PERSONALITY_TYPES, "PER_???");
    let rest = (value & !0xff) as u64;
    if rest != 0 {
        out.push('|');
        write_flags(out, rest, PERSONALITY_FLAGS, None, "");
    }
}

/// `fcntl`'s lock types (strace's `lockfcmds`), also `F_SETLEASE`'s argument.
pub const LOCK_TYPES: Xlat = &[
    (0, "F_RDLCK"),
    (1, "F_WRLCK"),
    (2, "F_UNLCK"),
    (4, "F_EXLCK"),
    (8, "F_SHLCK"),
];

pub const F_OWNER_TYPES: Xlat = &[(0, "F_OWNER_TID"), (1, "F_OWNER_PID"), (2, "F_OWNER_PGRP")];

pub const NOTIFY_FLAGS: Xlat = &[
    (1, "DN_ACCESS"),
    (2, "DN_MODIFY"),
    (4, "DN_CREATE"),
    (8, "DN_DELETE"),
    (0x10, "DN_RENAME"),
    (0x20, "DN_ATTRIB"),
    (0x8000_0000, "DN_MULTISHOT"),
];

/// `flock`'s operations: `LOCK_RW` before the two bits it is made of.
pub const FLOCK_OPS: Xlat = &[
    (1, "LOCK_SH"),
    (2, "LOCK_EX"),
    (4, "LOCK_NB"),
    (8, "LOCK_UN"),
    (32, "LOCK_MAND"),
    (192, "LOCK_RW"),
    (64, "LOCK_READ"),
    (128, "LOCK_WRITE"),
];

/// In strace's order.
pub const MSYNC_FLAGS: Xlat = &[(4, "MS_SYNC"), (1, "MS_ASYNC"), (2, "MS_INVALIDATE")];

pub const MLOCKALL_FLAGS: Xlat = &[(1, "MCL_CURRENT"), (2, "MCL_FUTURE"), (4, "MCL_ONFAULT")];

pub const MLOCK_FLAGS: Xlat = &[(1, "MLOCK_ONFAULT")];

pub const SPLICE_FLAGS: Xlat = &[
    (1, "SPLICE_F_MOVE"),
    (2, "SPLICE_F_NONBLOCK"),
    (4, "SPLICE_F_MORE"),
    (8, "SPLICE_F_GIFT"),
];

/// `msgget`'s and `semget`'s flags.
pub const IPC_RESOURCE_FLAGS: Xlat = &[
    (0o1000, "IPC_CREAT"),
    (0o2000, "IPC_EXCL"),
    (0o4000, "IPC_NOWAIT"),
];

/// `shmget`'s flags.
pub const SHM_RESOURCE_FLAGS: Xlat = &[
    (0o1000, "IPC_CREAT"),
    (0o2000, "IPC_EXCL"),
    (0o4000, "SHM_HUGETLB"),
    (0o10000, "SHM_NORESERVE"),
];

/// `shmat`'s flags.
pub const SHM_FLAGS: Xlat = &[
    (0o10000, "SHM_RDONLY"),
    (0o20000, "SHM_RND"),
    (0o40000, "SHM_REMAP"),
    (0o100000, "SHM_EXEC"),
];

/// `msgsnd`'s and `msgrcv`'s flags.
pub const IPC_MSG_FLAGS: Xlat = &[
    (0o10000, "MSG_NOERROR"),
    (0o20000, "MSG_EXCEPT"),
    (0o40000, "MSG_COPY"),
    (0o4000, "IPC_NOWAIT"),
];

/// `struct sembuf`'s `sem_flg`.
pub const SEMOP_FLAGS: Xlat = &[(0x1000, "SEM_UNDO"), (0o4000, "IPC_NOWAIT")];

pub const SHMCTL_CMDS: Xlat = &[
    (0, "IPC_RMID"),
    (1, "IPC_SET"),
    (2, "IPC_STAT"),
    (3, "IPC_INFO"),
    (11, "SHM_LOCK"),
    (12, "SHM_UNLOCK"),
    (13, "SHM_STAT"),
    (14, "SHM_INFO"),
    (15, "SHM_STAT_ANY"),
];

pub const SEMCTL_CMDS: Xlat = &[
    (0, "IPC_RMID"),
    (1, "IPC_SET"),
    (2, "IPC_STAT"),
    (3, "IPC_INFO"),
    (11, "GETPID"),
    (12, "GETVAL"),
    (13, "GETALL"),
    (14, "GETNCNT"),
    (15, "GETZCNT"),
    (16, "SETVAL"),
    (17, "SETALL"),
    (18, "SEM_STAT"),
    (19, "SEM_INFO"),
    (20, "SEM_STAT_ANY"),
];

pub const MSGCTL_CMDS: Xlat = &[
    (0, "IPC_RMID"),
    (1, "IPC_SET"),
    (2, "IPC_STAT"),
    (3, "IPC_INFO"),
    (11, "MSG_STAT"),
    (12, "MSG_INFO"),
    (13, "MSG_STAT_ANY"),
];

pub const ITIMER_WHICH: Xlat = &[
    (0, "ITIMER_REAL"),
    (1, "ITIMER_VIRTUAL"),
    (2, "ITIMER_PROF"),
];

/// `waitid`'s id types.
pub const ID_TYPES: Xlat = &[(0, "P_ALL"), (1, "P_PID"), (2, "P_PGID"), (3, "P_PIDFD")];

const SOCK_PACKET_OPTIONS: Xlat = &[
    (0x1, "PACKET_ADD_MEMBERSHIP"),
    (0x2, "PACKET_DROP_MEMBERSHIP"),
    (0x3, "PACKET_RECV_OUTPUT"),
    (0x5, "PACKET_RX_RING"),
    (0x6, "PACKET_STATISTICS"),
    (0x7, "PACKET_COPY_THRESH"),
    (0x8, "PACKET_AUXDATA"),
    (0x9, "PACKET_ORIGDEV"),
    (0xa, "PACKET_VERSION"),
    (0xb, "PACKET_HDRLEN"),
    (0xc, "PACKET_RESERVE"),
    (0xd, "PACKET_TX_RING"),
    (0xe, "PACKET_LOSS"),
    (0xf, "PACKET_VNET_HDR"),
    (0x10, "PACKET_TX_TIMESTAMP"),
    (0x11, "PACKET_TIMESTAMP"),
    (0x12, "PACKET_FANOUT"),
    (0x13, "PACKET_TX_HAS_OFF"),
    (0x14, "PACKET_QDISC_BYPASS"),
    (0x15, "PACKET_ROLLOVER_STATS"),
    (0x16, "PACKET_FANOUT_DATA"),
    (0x17, "PACKET_IGNORE_OUTGOING"),
];

const SOCK_RAW_OPTIONS: Xlat = &[(0x1, "ICMP_FILTER")];

const SOCK_UDP_OPTIONS: Xlat = &[
    (0x1, "UDP_CORK"),
    (0x64, "UDP_ENCAP"),
    (0x65, "UDP_NO_CHECK6_TX"),
    (0x66, "UDP_NO_CHECK6_RX"),
    (0x67, "UDP_SEGMENT"),
    (0x68, "UDP_GRO"),
];

const SOCK_NETLINK_OPTIONS: Xlat = &[
    (0x1, "NETLINK_ADD_MEMBERSHIP"),
    (0x2, "NETLINK_DROP_MEMBERSHIP"),
    (0x3, "NETLINK_PKTINFO"),
    (0x4, "NETLINK_BROADCAST_ERROR"),
    (0x5, "NETLINK_NO_ENOBUFS"),
    (0x6, "NETLINK_RX_RING"),
    (0x7, "NETLINK_TX_RING"),
    (0x8, "NETLINK_LISTEN_ALL_NSID"),
    (0x9, "NETLINK_LIST_MEMBERSHIPS"),
    (0xa, "NETLINK_CAP_ACK"),
    (0xb, "NETLINK_EXT_ACK"),
    (0xc, "NETLINK_GET_STRICT_CHK"),
];

pub const SWAP_FLAGS: Xlat = &[
    (0x8000, "SWAP_FLAG_PREFER"),
    (0x10000, "SWAP_FLAG_DISCARD"),
    (0x20000, "SWAP_FLAG_DISCARD_ONCE"),
    (0x40000, "SWAP_FLAG_DISCARD_PAGES"),
];

/// strace's `landlock_ruleset_access_fs`.
pub const LANDLOCK_ACCESS_FS: Xlat = &[
    (1 << 0, "LANDLOCK_ACCESS_FS_EXECUTE"),
    (1 << 1, "LANDLOCK_ACCESS_FS_WRITE_FILE"),
    (1 << 2, "LANDLOCK_ACCESS_FS_READ_FILE"),
    (1 << 3, "LANDLOCK_ACCESS_FS_READ_DIR"),
    (1 << 4, "LANDLOCK_ACCESS_FS_REMOVE_DIR"),
    (1 << 5, "LANDLOCK_ACCESS_FS_REMOVE_FILE"),
    (1 << 6, "LANDLOCK_ACCESS_FS_MAKE_CHAR"),
    (1 << 7, "LANDLOCK_ACCESS_FS_MAKE_DIR"),
    (1 << 8, "LANDLOCK_ACCESS_FS_MAKE_REG"),
    (1 << 9, "LANDLOCK_ACCESS_FS_MAKE_SOCK"),
    (1 << 10, "LANDLOCK_ACCESS_FS_MAKE_FIFO"),
    (1 << 11, "LANDLOCK_ACCESS_FS_MAKE_BLOCK"),
    (1 << 12, "LANDLOCK_ACCESS_FS_MAKE_SYM"),
    (1 << 13, "LANDLOCK_ACCESS_FS_REFER"),
];

pub const RESOLVE_FLAGS: Xlat = &[
    (0x1, "RESOLVE_NO_XDEV"),
    (0x2, "RESOLVE_NO_MAGICLINKS"),
    (0x4, "RESOLVE_NO_SYMLINKS"),
    (0x8, "RESOLVE_BENEATH"),
    (0x10, "RESOLVE_IN_ROOT"),
    (0x20, "RESOLVE_CACHED"),
];

pub const MOUNT_FLAGS: Xlat = &[
    (0x1, "MS_RDONLY"),
    (0x2, "MS_NOSUID"),
    (0x4, "MS_NODEV"),
    (0x8, "MS_NOEXEC"),
    (0x10, "MS_SYNCHRONOUS"),
    (0x20, "MS_REMOUNT"),
    (0x40, "MS_MANDLOCK"),
    (0x80, "MS_DIRSYNC"),
    (0x100, "MS_NOSYMFOLLOW"),
    (0x400, "MS_NOATIME"),
    (0x800, "MS_NODIRATIME"),
    (0x1000, "MS_BIND"),
    (0x2000, "MS_MOVE"),
    (0x4000, "MS_REC"),
    (0x8000, "MS_SILENT"),
    (0x10000, "MS_POSIXACL"),
    (0x20000, "MS_UNBINDABLE"),
    (0x40000, "MS_PRIVATE"),
    (0x80000, "MS_SLAVE"),
    (0x100000, "MS_SHARED"),
    (0x200000, "MS_RELATIME"),
    (0x400000, "MS_KERNMOUNT"),
    (0x800000, "MS_I_VERSION"),
    (0x1000000, "MS_STRICTATIME"),
    (0x2000000, "MS_LAZYTIME"),
    (0x4000000, "MS_SUBMOUNT"),
    (0x8000000, "MS_NOREMOTELOCK"),
    (0x10000000, "MS_NOSEC"),
    (0x20000000, "MS_BORN"),
    (0x40000000, "MS_ACTIVE"),
    (0x80000000, "MS_NOUSER"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut String)) -> String {
        let mut out = String::new();
        f(&mut out);
        out
    }

    #[test]
    fn open_flags() {
        assert_eq!(s(|o| write_open_flags(o, 0)), "O_RDONLY");
        assert_eq!(s(|o| write_open_flags(o, 0o2000000)), "O_RDONLY|O_CLOEXEC");
        // O_DIRECTORY and O_TMPFILE are the build target's (they differ on arm64).
        assert_eq!(
            s(|o| write_open_flags(o, 0o2004000 | arch::O_DIRECTORY)),
            "O_RDONLY|O_NONBLOCK|O_CLOEXEC|O_DIRECTORY"
        );
        assert_eq!(
            s(|o| write_open_flags(o, 0o1101)),
            "O_WRONLY|O_CREAT|O_TRUNC"
        );
        assert_eq!(s(|o| write_open_flags(o, 0o4010002)), "O_RDWR|O_SYNC");
        assert_eq!(
            s(|o| write_open_flags(o, arch::O_TMPFILE | 2)),
            "O_RDWR|O_TMPFILE"
        );
        assert_eq!(
            s(|o| write_open_flags(o, arch::O_NOFOLLOW | arch::O_DIRECT)),
            "O_RDONLY|O_DIRECT|O_NOFOLLOW"
        );
        // Unknown bits after the access mode are bare (strace's openat.c, fanotify_init.c).
        assert_eq!(
            s(|o| write_open_flags(o, 0x8000_0000)),
            "O_RDONLY|0x80000000"
        );
        assert_eq!(
            s(|o| write_open_flags(o, 0x8000_0040)),
            "O_RDONLY|O_CREAT|0x80000000"
        );
    }

    #[test]
    fn mmap() {
        assert_eq!(
            s(|o| write_flags(o, 3, PROT, Some("PROT_NONE"), "PROT_???")),
            "PROT_READ|PROT_WRITE"
        );
        assert_eq!(
            s(|o| write_flags(o, 0, PROT, Some("PROT_NONE"), "PROT_???")),
            "PROT_NONE"
        );
        assert_eq!(
            s(|o| write_mmap_flags(o, 0x22)),
            "MAP_PRIVATE|MAP_ANONYMOUS"
        );
        assert_eq!(
            s(|o| write_mmap_flags(o, 0x812)),
            "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE"
        );
        assert_eq!(s(|o| write_mmap_flags(o, 0x1)), "MAP_SHARED");
        assert_eq!(
            s(|o| write_mmap_flags(o, 0x4000_0002)),
            "MAP_PRIVATE|16<<MAP_HUGE_SHIFT"
        );
        // mmap.c, remap_file_pages.c
        assert_eq!(s(|o| write_mmap_flags(o, 0)), "MAP_FILE");
        assert_eq!(
            s(|o| write_mmap_flags(o, 0x5404401f)),
            "0xf /* MAP_??? */|MAP_FIXED|MAP_NORESERVE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT"
        );
    }

    #[test]
    fn clone_and_signals() {
        assert_eq!(
            s(|o| write_clone_flags(o, 0x1200011)),
            "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"
        );
        assert_eq!(s(|o| write_clone_flags(o, 17)), "SIGCHLD");
        assert_eq!(s(|o| write_clone_flags(o, 0x20000)), "CLONE_NEWNS");
        assert_eq!(signal_name(9), Some("SIGKILL"));
        assert_eq!(signal_name(32), Some("SIGRTMIN"));
        assert_eq!(signal_name(34), Some("SIGRT_2"));
        assert_eq!(signal_name(64), Some("SIGRT_32"));
        assert_eq!(signal_name(0), None);
        assert_eq!(signal_name(65), None);
        assert_eq!(s(|o| write_sigmask(o, 0)), "[]");
        assert_eq!(s(|o| write_sigmask(o, (1 << 1) | (1 << 14))), "[INT TERM]");
        assert_eq!(s(|o| write_sigmask(o, !0)), "~[]");
        assert_eq!(s(|o| write_sigmask(o, !(1 << 8))), "~[KILL]");
        assert_eq!(s(|o| write_sigmask(o, 1 << 33)), "[RT_2]");
    }

    #[test]
    fn const_print_styles() {
        let styled = |style, f: &dyn Fn(&mut String)| {
            let _scope = StyleScope::new(style);
            s(f)
        };
        let prot = |o: &mut String| write_flags(o, 3, PROT, Some("PROT_NONE"), "PROT_???");
        assert_eq!(styled(XlatStyle::Raw, &prot), "0x3");
        assert_eq!(
            styled(XlatStyle::Verbose, &prot),
            "0x3 /* PROT_READ|PROT_WRITE */"
        );
        let none = |o: &mut String| write_flags(o, 0, PROT, Some("PROT_NONE"), "PROT_???");
        assert_eq!(styled(XlatStyle::Raw, &none), "0");
        assert_eq!(styled(XlatStyle::Verbose, &none), "0 /* PROT_NONE */");
        let unknown = |o: &mut String| write_flags(o, 0x10, ACCESS_MODES, None, "?_OK");
        assert_eq!(styled(XlatStyle::Verbose, &unknown), "0x10 /* ?_OK */");
        let open = |o: &mut String| write_open_flags(o, 0x80000);
        assert_eq!(styled(XlatStyle::Raw, &open), "0x80000");
        assert_eq!(
            styled(XlatStyle::Verbose, &open),
            "0x80000 /* O_RDONLY|O_CLOEXEC */"
        );
        let zero = |o: &mut String| write_open_flags(o, 0);
        assert_eq!(styled(XlatStyle::Verbose, &zero), "0 /* O_RDONLY */");
        let sig = |o: &mut String| write_signal(o, 17);
        assert_eq!(styled(XlatStyle::Raw, &sig), "17");
        assert_eq!(styled(XlatStyle::Verbose, &sig), "17 /* SIGCHLD */");
        let mask = |o: &mut String| write_sigmask(o, !(3u64 << 31));
        assert_eq!(styled(XlatStyle::Raw, &mask), "~[32 33]");
        assert_eq!(
            styled(XlatStyle::Verbose, &mask),
            "~[32 /* RTMIN */ 33 /* RT_1 */]"
        );
        let mode = |o: &mut String| write_mode_t(o, 0o100644);
        assert_eq!(styled(XlatStyle::Raw, &mode), "0100644");
        assert_eq!(
            styled(XlatStyle::Verbose, &mode),
            "0100644 /* S_IFREG|0644 */"
        );
        let cmd = |o: &mut String| write_enum(o, 77, FCNTL_CMDS, "F_???");
        assert_eq!(styled(XlatStyle::Verbose, &cmd), "0x4d /* F_??? */");
        assert_eq!(
            s(|o| write_mode_t(o, 0o100644)),
            "S_IFREG|0644",
            "the default is back"
        );
    }

    #[test]
    fn misc() {
        assert_eq!(s(|o| write_octal(o, 0o644)), "0644");
        assert_eq!(s(|o| write_octal(o, 0o22)), "022");
        assert_eq!(s(|o| write_octal(o, 0o7)), "007");
        assert_eq!(s(|o| write_octal(o, 0)), "000");
        assert_eq!(s(|o| write_mode_t(o, 0o100644)), "S_IFREG|0644");
        assert_eq!(s(|o| write_mode_t(o, 0o41777)), "S_IFDIR|S_ISVTX|0777");
        assert_eq!(s(|o| write_mode_t(o, 0o20000)), "S_IFCHR|000");
        assert_eq!(s(|o| write_futex_op(o, 129)), "FUTEX_WAKE_PRIVATE");
        assert_eq!(
            s(|o| write_futex_op(o, 9 | 128 | 256)),
            "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"
        );
        assert_eq!(s(|o| write_futex_op(o, 99)), "0x63 /* FUTEX_??? */");
        assert_eq!(
            s(|o| write_statx_flags(o, 0x800)),
            "AT_STATX_SYNC_AS_STAT|AT_NO_AUTOMOUNT"
        );
        assert_eq!(
            s(|o| write_enum(o, 77, FCNTL_CMDS, "F_???")),
            "0x4d /* F_??? */"
        );
        assert_eq!(
            s(|o| write_flags(o, 0, ACCESS_MODES, Some("F_OK"), "?")),
            "F_OK"
        );
        assert_eq!(
            s(|o| write_flags(o, 6, ACCESS_MODES, Some("F_OK"), "?")),
            "R_OK|W_OK"
        );
        assert_eq!(
            s(|o| write_flags(o, 0x14000004, SA_FLAGS, None, "SA_???")),
            "SA_RESTORER|SA_RESTART|SA_SIGINFO"
        );
    }
}
