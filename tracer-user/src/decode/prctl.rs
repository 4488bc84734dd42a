//! `prctl`: which of arguments 2 to 5 show, and how, depends on the option, as in
//! strace (`prctl(PR_GET_DUMPABLE)`, `prctl(PR_SET_NAME, "worker")`,
//! `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)`).

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use super::strings::{self, write_addr};
use super::structs::Bytes;
use super::{Call, DecodeOptions, in_out, write_hex, write_int};
use tracer_common::capture;

const PR_SET_PDEATHSIG: u64 = 1;
const PR_GET_PDEATHSIG: u64 = 2;
const PR_GET_DUMPABLE: u64 = 3;
const PR_SET_DUMPABLE: u64 = 4;
const PR_GET_KEEPCAPS: u64 = 7;
const PR_SET_KEEPCAPS: u64 = 8;
const PR_GET_FPEMU: u64 = 9;
const PR_SET_FPEMU: u64 = 10;
const PR_GET_FPEXC: u64 = 11;
const PR_SET_FPEXC: u64 = 12;
const PR_GET_TIMING: u64 = 13;
const PR_SET_TIMING: u64 = 14;
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
const PR_GET_ENDIAN: u64 = 19;
const PR_SET_ENDIAN: u64 = 20;
const PR_GET_SECCOMP: u64 = 21;
const PR_CAPBSET_READ: u64 = 23;
const PR_CAPBSET_DROP: u64 = 24;
const PR_GET_SECUREBITS: u64 = 27;
const PR_SET_SECUREBITS: u64 = 28;
const PR_SET_TIMERSLACK: u64 = 29;
const PR_GET_TIMERSLACK: u64 = 30;
const PR_TASK_PERF_EVENTS_DISABLE: u64 = 31;
const PR_TASK_PERF_EVENTS_ENABLE: u64 = 32;
const PR_SET_CHILD_SUBREAPER: u64 = 36;
const PR_GET_CHILD_SUBREAPER: u64 = 37;
const PR_SET_NO_NEW_PRIVS: u64 = 38;
const PR_SET_THP_DISABLE: u64 = 41;
const PR_GET_FP_MODE: u64 = 46;
const PR_CAP_AMBIENT: u64 = 47;
const PR_SVE_GET_VL: u64 = 51;
const PR_SET_IO_FLUSHER: u64 = 57;
const PR_SME_GET_VL: u64 = 64;

/// How an option's second argument prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Second {
    Signal,
    Dumpable,
    Decimal,
    Unsigned,
    /// A name the kernel reads (`PR_SET_NAME`) or writes (`PR_GET_NAME`).
    NameIn,
    NameOut,
    /// An `int` the kernel writes: `[1]`, or a signal `[SIGKILL]`.
    IntOut,
    SignalOut,
    Capability,
    Ambient,
    Securebits,
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
        PR_GET_DUMPABLE
        | PR_GET_KEEPCAPS
        | PR_GET_SECCOMP
        | PR_GET_TIMERSLACK
        | PR_GET_TIMING
        | PR_GET_SECUREBITS
        | PR_GET_FP_MODE
        | PR_SVE_GET_VL
        | PR_SME_GET_VL
        | PR_TASK_PERF_EVENTS_DISABLE
        | PR_TASK_PERF_EVENTS_ENABLE => Shape::Bare,
        PR_SET_PDEATHSIG => Shape::One(Second::Signal),
        PR_GET_PDEATHSIG => Shape::One(Second::SignalOut),
        PR_GET_CHILD_SUBREAPER | PR_GET_ENDIAN | PR_GET_FPEMU | PR_GET_FPEXC => {
            Shape::One(Second::IntOut)
        }
        PR_SET_DUMPABLE => Shape::One(Second::Dumpable),
        PR_SET_TIMERSLACK => Shape::One(Second::Decimal),
        PR_SET_KEEPCAPS
        | PR_SET_CHILD_SUBREAPER
        | PR_SET_ENDIAN
        | PR_SET_FPEMU
        | PR_SET_FPEXC
        | PR_SET_TIMING => Shape::One(Second::Unsigned),
        PR_SET_SECUREBITS => Shape::One(Second::Securebits),
        PR_SET_NAME => Shape::One(Second::NameIn),
        PR_GET_NAME => Shape::One(Second::NameOut),
        PR_CAPBSET_READ | PR_CAPBSET_DROP => Shape::One(Second::Capability),
        PR_SET_NO_NEW_PRIVS | PR_SET_THP_DISABLE | PR_SET_IO_FLUSHER => {
            Shape::All(Second::Unsigned)
        }
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
    let entry = in_out(call, i).0.filter(|c| c.kind == capture::CSTR);
    // What the kernel wrote: a successful call's copy at exit.
    let written = call
        .captures
        .iter()
        .find(|c| c.arg as usize == i && c.kind == capture::FIXED)
        .filter(|c| !c.fault && v != 0 && call.success().is_some());
    let int_written = || written.and_then(|c| Bytes(&c.data).i32(0));
    match second {
        // strace prints numbers past the signals as they are.
        Second::Signal if v > 128 => write_int(out, v),
        Second::Signal => flags::write_signal(out, v as i32),
        Second::Dumpable => write_enum(out, v, SUID_DUMP, "SUID_DUMP_???"),
        Second::Decimal => write_int(out, v as i64),
        Second::Unsigned => write_int(out, v),
        Second::NameIn => strings::write_cstr(out, entry, v, None, opts),
        Second::NameOut => match written {
            // The kernel writes the name NUL-terminated in the 16 bytes read back.
            Some(c) => {
                let name = c.data.split(|&b| b == 0).next().unwrap_or_default();
                strings::quote(out, name, opts.hex, false);
            }
            None => write_addr(out, v),
        },
        Second::IntOut => match int_written() {
            Some(n) => {
                let _ = write!(out, "[{}]", n as u32);
            }
            None => write_addr(out, v),
        },
        Second::SignalOut => match int_written() {
            Some(sig) => {
                out.push('[');
                flags::write_signal(out, sig);
                out.push(']');
            }
            None => write_addr(out, v),
        },
        Second::Capability => write_enum(out, v, CAPABILITIES, "CAP_???"),
        Second::Ambient => write_enum(out, v, CAP_AMBIENT_OPS, "PR_CAP_AMBIENT_???"),
        Second::Securebits => write_flags(out, v, SECUREBITS, None, "SECBIT_???"),
        Second::Hex => write_hex(out, v),
    }
}

/// The note strace adds to some results: `1 (SUID_DUMP_USER)`, `0x10
/// (SECBIT_KEEP_CAPS)`.
pub fn write_return(out: &mut String, call: &Call, ret: u64) -> bool {
    match call.args[0] as u32 as u64 {
        PR_GET_DUMPABLE => {
            let _ = write!(out, "{ret}");
            if let Some(name) = flags::lookup(SUID_DUMP, ret) {
                let _ = write!(out, " ({name})");
            }
            true
        }
        PR_GET_SECUREBITS if ret != 0 => {
            write_hex(out, ret);
            out.push_str(" (");
            write_flags(out, ret, SECUREBITS, None, "");
            out.push(')');
            true
        }
        _ => false,
    }
}

const SECUREBITS: Xlat = &[
    (1, "SECBIT_NOROOT"),
    (2, "SECBIT_NOROOT_LOCKED"),
    (4, "SECBIT_NO_SETUID_FIXUP"),
    (8, "SECBIT_NO_SETUID_FIXUP_LOCKED"),
    (16, "SECBIT_KEEP_CAPS"),
    (32, "SECBIT_KEEP_CAPS_LOCKED"),
    (64, "SECBIT_NO_CAP_AMBIENT_RAISE"),
    (128, "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED"),
];

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
