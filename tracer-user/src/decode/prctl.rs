//! `prctl`: which of arguments 2 to 5 show, and how, depends on the option, as in
//! strace (`prctl(PR_GET_DUMPABLE)`, `prctl(PR_SET_NAME, "worker")`,
//! `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)`).

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum};
use super::strings::{self, write_addr};
use super::{Call, DecodeOptions, in_out, write_hex};

const PR_SET_PDEATHSIG: u64 = 1;
const PR_GET_DUMPABLE: u64 = 3;
const PR_SET_DUMPABLE: u64 = 4;
const PR_GET_KEEPCAPS: u64 = 7;
const PR_SET_KEEPCAPS: u64 = 8;
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
const PR_GET_SECCOMP: u64 = 21;
const PR_CAPBSET_READ: u64 = 23;
const PR_CAPBSET_DROP: u64 = 24;
const PR_SET_TIMERSLACK: u64 = 29;
const PR_GET_TIMERSLACK: u64 = 30;
const PR_SET_CHILD_SUBREAPER: u64 = 36;
const PR_SET_NO_NEW_PRIVS: u64 = 38;
const PR_CAP_AMBIENT: u64 = 47;

/// How an option's second argument prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Second {
    Signal,
    Dumpable,
    Decimal,
    /// A name the kernel reads (`PR_SET_NAME`) or writes (`PR_GET_NAME`).
    NameIn,
    NameOut,
    Capability,
    Ambient,
    Hex,
}

/// The arguments an option shows: none, the second alone, or all four.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Bare,
    One(Second),
    All(Second),
}

fn shape(option: u64) -> Shape {
    match option {
        PR_GET_DUMPABLE | PR_GET_KEEPCAPS | PR_GET_SECCOMP | PR_GET_TIMERSLACK => Shape::Bare,
        PR_SET_PDEATHSIG => Shape::One(Second::Signal),
        PR_SET_DUMPABLE => Shape::One(Second::Dumpable),
        PR_SET_KEEPCAPS | PR_SET_TIMERSLACK | PR_SET_CHILD_SUBREAPER => Shape::One(Second::Decimal),
        PR_SET_NAME => Shape::One(Second::NameIn),
        PR_GET_NAME => Shape::One(Second::NameOut),
        PR_CAPBSET_READ | PR_CAPBSET_DROP => Shape::One(Second::Capability),
        PR_SET_NO_NEW_PRIVS => Shape::All(Second::Decimal),
        PR_CAP_AMBIENT => Shape::All(Second::Ambient),
        _ => Shape::All(Second::Hex),
    }
}

/// Whether argument `n` (2 to 5) of this call shows.
pub fn visible(call: &Call, n: u8) -> bool {
    match shape(call.args[0] as u32 as u64) {
        Shape::Bare => false,
        Shape::One(_) => n == 2,
        Shape::All(_) => true,
    }
}

/// Argument `n` (2 to 5), at index `i`.
pub fn write_arg(out: &mut String, call: &Call, i: usize, n: u8, opts: &DecodeOptions) {
    let v = call.args[i];
    let second = match shape(call.args[0] as u32 as u64) {
        Shape::One(second) | Shape::All(second) if n == 2 => second,
        // PR_CAP_AMBIENT's third argument is a capability for the operations on one.
        Shape::All(Second::Ambient) if n == 3 && (1..=3).contains(&call.args[1]) => {
            Second::Capability
        }
        _ => Second::Hex,
    };
    let (entry, exit) = in_out(call, i);
    match second {
        Second::Signal => flags::write_signal(out, v as i32),
        Second::Dumpable => write_enum(out, v, SUID_DUMP, "SUID_DUMP_???"),
        Second::Decimal => {
            let _ = write!(out, "{v}");
        }
        Second::NameIn => strings::write_cstr(out, entry, v, None, opts),
        Second::NameOut => match call.success() {
            Some(_) => strings::write_cstr(out, exit, v, None, opts),
            None => write_addr(out, v),
        },
        Second::Capability => write_enum(out, v, CAPABILITIES, "CAP_???"),
        Second::Ambient => write_enum(out, v, CAP_AMBIENT_OPS, "PR_CAP_AMBIENT_???"),
        Second::Hex => write_hex(out, v),
    }
}

/// The note strace adds to some results: `1 (SUID_DUMP_USER)`.
pub fn write_return(out: &mut String, call: &Call, ret: u64) -> bool {
    if call.args[0] as u32 as u64 != PR_GET_DUMPABLE {
        return false;
    }
    let _ = write!(out, "{ret}");
    if let Some(name) = flags::lookup(SUID_DUMP, ret) {
        let _ = write!(out, " ({name})");
    }
    true
}

const SUID_DUMP: Xlat = &[
    (0, "SUID_DUMP_DISABLE"),
    (1, "SUID_DUMP_USER"),
    (2, "SUID_DUMP_ROOT"),
];

const CAP_AMBIENT_OPS: Xlat = &[
    (1, "PR_CAP_AMBIENT_IS_SET"),
    (2, "PR_CAP_AMBIENT_RAISE"),
    (3, "PR_CAP_AMBIENT_LOWER"),
    (4, "PR_CAP_AMBIENT_CLEAR_ALL"),
];

const CAPABILITIES: Xlat = &[
    (0, "CAP_CHOWN"),
    (1, "CAP_DAC_OVERRIDE"),
    (2, "CAP_DAC_READ_SEARCH"),
    (3, "CAP_FOWNER"),
    (4, "CAP_FSETID"),
    (5, "CAP_KILL"),
    (6, "CAP_SETGID"),
    (7, "CAP_SETUID"),
    (8, "CAP_SETPCAP"),
    (9, "CAP_LINUX_IMMUTABLE"),
    (10, "CAP_NET_BIND_SERVICE"),
    (11, "CAP_NET_BROADCAST"),
    (12, "CAP_NET_ADMIN"),
    (13, "CAP_NET_RAW"),
    (14, "CAP_IPC_LOCK"),
    (15, "CAP_IPC_OWNER"),
    (16, "CAP_SYS_MODULE"),
    (17, "CAP_SYS_RAWIO"),
    (18, "CAP_SYS_CHROOT"),
    (19, "CAP_SYS_PTRACE"),
    (20, "CAP_SYS_PACCT"),
    (21, "CAP_SYS_ADMIN"),
    (22, "CAP_SYS_BOOT"),
    (23, "CAP_SYS_NICE"),
    (24, "CAP_SYS_RESOURCE"),
    (25, "CAP_SYS_TIME"),
    (26, "CAP_SYS_TTY_CONFIG"),
    (27, "CAP_MKNOD"),
    (28, "CAP_LEASE"),
    (29, "CAP_AUDIT_WRITE"),
    (30, "CAP_AUDIT_CONTROL"),
    (31, "CAP_SETFCAP"),
    (32, "CAP_MAC_OVERRIDE"),
    (33, "CAP_MAC_ADMIN"),
    (34, "CAP_SYSLOG"),
    (35, "CAP_WAKE_ALARM"),
    (36, "CAP_BLOCK_SUSPEND"),
    (37, "CAP_AUDIT_READ"),
    (38, "CAP_PERFMON"),
    (39, "CAP_BPF"),
    (40, "CAP_CHECKPOINT_RESTORE"),
];
