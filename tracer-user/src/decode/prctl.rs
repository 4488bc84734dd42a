//! `prctl`: which of arguments 2 to 5 show, and how, depends on the option, as in
//! strace's `prctl.c` (`prctl(PR_GET_DUMPABLE)`, `prctl(PR_SET_NAME, "worker")`,
//! `prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)`); so do the notes some results get.

use std::fmt::Write;

use super::capability::CAPABILITIES;
use super::flags::{self, Xlat, write_enum, write_flags, write_flags_of};
use super::strings::{self, write_addr};
use super::structs::Bytes;
use super::{Call, DecodeOptions, XlatStyle, write_hex, write_int, write_pid};
use crate::event::Capture;
use tracer_common::capture;

const PR_SET_PDEATHSIG: u32 = 1;
const PR_GET_PDEATHSIG: u32 = 2;
const PR_GET_DUMPABLE: u32 = 3;
const PR_SET_DUMPABLE: u32 = 4;
const PR_GET_UNALIGN: u32 = 5;
const PR_SET_UNALIGN: u32 = 6;
const PR_GET_KEEPCAPS: u32 = 7;
const PR_SET_KEEPCAPS: u32 = 8;
const PR_GET_FPEMU: u32 = 9;
const PR_SET_FPEMU: u32 = 10;
const PR_GET_FPEXC: u32 = 11;
const PR_SET_FPEXC: u32 = 12;
const PR_GET_TIMING: u32 = 13;
const PR_SET_TIMING: u32 = 14;
const PR_SET_NAME: u32 = 15;
const PR_GET_NAME: u32 = 16;
const PR_GET_ENDIAN: u32 = 19;
const PR_SET_ENDIAN: u32 = 20;
const PR_GET_SECCOMP: u32 = 21;
const PR_SET_SECCOMP: u32 = 22;
const PR_CAPBSET_READ: u32 = 23;
const PR_CAPBSET_DROP: u32 = 24;
const PR_GET_TSC: u32 = 25;
const PR_SET_TSC: u32 = 26;
const PR_GET_SECUREBITS: u32 = 27;
const PR_SET_SECUREBITS: u32 = 28;
const PR_SET_TIMERSLACK: u32 = 29;
const PR_GET_TIMERSLACK: u32 = 30;
const PR_TASK_PERF_EVENTS_DISABLE: u32 = 31;
const PR_TASK_PERF_EVENTS_ENABLE: u32 = 32;
const PR_MCE_KILL: u32 = 33;
const PR_MCE_KILL_GET: u32 = 34;
const PR_SET_MM: u32 = 35;
const PR_SET_CHILD_SUBREAPER: u32 = 36;
const PR_GET_CHILD_SUBREAPER: u32 = 37;
const PR_SET_NO_NEW_PRIVS: u32 = 38;
const PR_GET_TID_ADDRESS: u32 = 40;
const PR_SET_THP_DISABLE: u32 = 41;
const PR_SET_FP_MODE: u32 = 45;
const PR_GET_FP_MODE: u32 = 46;
const PR_CAP_AMBIENT: u32 = 47;
const PR_SVE_SET_VL: u32 = 50;
const PR_SVE_GET_VL: u32 = 51;
const PR_GET_SPECULATION_CTRL: u32 = 52;
const PR_SET_SPECULATION_CTRL: u32 = 53;
const PR_PAC_RESET_KEYS: u32 = 54;
const PR_SET_TAGGED_ADDR_CTRL: u32 = 55;
const PR_GET_TAGGED_ADDR_CTRL: u32 = 56;
const PR_SET_IO_FLUSHER: u32 = 57;
const PR_SET_SYSCALL_USER_DISPATCH: u32 = 59;
const PR_PAC_SET_ENABLED_KEYS: u32 = 60;
const PR_PAC_GET_ENABLED_KEYS: u32 = 61;
const PR_SCHED_CORE: u32 = 62;
const PR_SME_SET_VL: u32 = 63;
const PR_SME_GET_VL: u32 = 64;
const PR_SET_VMA: u32 = 0x5356_4d41;
const PR_SET_PTRACER: u32 = 0x5961_6d61;

/// `PR_SET_NAME` reads at most this many bytes (`TASK_COMM_LEN - 1`).
const NAME_IN: usize = 15;
/// The kernel writes `PR_GET_NAME`'s name in this many bytes.
pub const NAME_OUT: usize = 16;

/// How many of arguments 2 to 5 an option shows (strace prints them in order).
fn shown(call: &Call) -> u8 {
    let arg2 = call.args[1];
    match call.args[0] as u32 {
        PR_GET_KEEPCAPS
        | PR_GET_SECCOMP
        | PR_GET_TIMERSLACK
        | PR_GET_TIMING
        | PR_GET_DUMPABLE
        | PR_GET_SECUREBITS
        | PR_GET_FP_MODE
        | PR_SVE_GET_VL
        | PR_SME_GET_VL
        | PR_TASK_PERF_EVENTS_DISABLE
        | PR_TASK_PERF_EVENTS_ENABLE => 0,
        PR_GET_CHILD_SUBREAPER
        | PR_GET_ENDIAN
        | PR_GET_FPEMU
        | PR_GET_FPEXC
        | PR_GET_NAME
        | PR_GET_PDEATHSIG
        | PR_GET_TID_ADDRESS
        | PR_GET_TSC
        | PR_GET_UNALIGN
        | PR_SVE_SET_VL
        | PR_SME_SET_VL
        | PR_GET_SPECULATION_CTRL
        | PR_SET_CHILD_SUBREAPER
        | PR_SET_ENDIAN
        | PR_SET_FPEMU
        | PR_SET_FPEXC
        | PR_SET_KEEPCAPS
        | PR_SET_TIMING
        | PR_SET_DUMPABLE
        | PR_CAPBSET_DROP
        | PR_CAPBSET_READ
        | PR_SET_NAME
        | PR_SET_PDEATHSIG
        | PR_SET_PTRACER
        | PR_SET_SECUREBITS
        | PR_SET_TIMERSLACK
        | PR_SET_TSC
        | PR_SET_UNALIGN
        | PR_SET_FP_MODE => 1,
        PR_SET_SPECULATION_CTRL => 2,
        PR_SET_SECCOMP => match arg2 {
            SECCOMP_MODE_STRICT => 1,
            SECCOMP_MODE_FILTER => 2,
            _ => 4,
        },
        _ => 4,
    }
}

/// Whether argument `n` (2 to 5) of this call shows.
pub fn visible(call: &Call, n: u8) -> bool {
    n - 1 <= shown(call)
}

const SECCOMP_MODE_STRICT: u64 = 1;
const SECCOMP_MODE_FILTER: u64 = 2;
const PR_MCE_KILL_SET: u64 = 1;
const PR_SET_VMA_ANON_NAME: u64 = 0;
const PR_SCHED_CORE_GET: u32 = 0;
/// The low bits of `PR_SVE_SET_VL`'s and `PR_SME_SET_VL`'s argument: the vector length.
const VL_LEN_MASK: u64 = 0xffff;

/// Argument `n` (2 to 5), at index `i`.
pub fn write_arg(out: &mut String, call: &Call, i: usize, n: u8, opts: &DecodeOptions) {
    let v = call.args[i];
    let arg2 = call.args[1];
    let option = call.args[0] as u32;
    // What the kernel wrote at a pointer: a successful call's copy at exit, of `len` bytes.
    let written = |len: usize| written(call, i, len);
    // strace's `umove_or_printaddr` of an int, then its text in brackets.
    let int_out = |out: &mut String, show: &dyn Fn(&mut String, i32)| match written(4)
        .and_then(|c| Bytes(&c.data).i32(0))
    {
        Some(x) => {
            out.push('[');
            show(out, x);
            out.push(']');
        }
        None => write_addr(out, v),
    };
    match (option, n) {
        (PR_GET_CHILD_SUBREAPER | PR_GET_ENDIAN | PR_GET_FPEMU | PR_GET_FPEXC, 2) => {
            int_out(out, &|out, x| write_int(out, x as u32))
        }
        (PR_GET_PDEATHSIG, 2) => int_out(out, &|out, x| flags::write_signal(out, x)),
        (PR_GET_TSC, 2) => int_out(out, &|out, x| {
            write_enum(out, x as u32 as u64, PR_TSC, "PR_TSC_???")
        }),
        (PR_GET_UNALIGN, 2) => int_out(out, &|out, x| {
            write_flags(out, x as u32 as u64, PR_UNALIGN, None, "PR_UNALIGN_???")
        }),
        (PR_GET_TID_ADDRESS, 2) => match written(8).and_then(|c| Bytes(&c.data).u64(0)) {
            Some(p) => {
                out.push('[');
                write_addr(out, p);
                out.push(']');
            }
            None => write_addr(out, v),
        },
        (PR_GET_NAME, 2) => match written(NAME_OUT) {
            // The kernel writes the name NUL-terminated.
            Some(c) => {
                let name = c.data.split(|&b| b == 0).next().unwrap_or_default();
                strings::quote(out, name, opts.hex, false);
            }
            None => write_addr(out, v),
        },
        (PR_SET_NAME, 2) => write_name(out, call, i, opts),
        (PR_SVE_SET_VL, 2) => write_vl(out, v, PR_SVE_VL_FLAGS),
        (PR_SME_SET_VL, 2) => write_vl(out, v, PR_SME_VL_FLAGS),
        (PR_GET_SPECULATION_CTRL | PR_SET_SPECULATION_CTRL, 2) => {
            write_enum(out, v, PR_SPEC_CMDS, "PR_SPEC_???")
        }
        (PR_SET_SPECULATION_CTRL, 3) if arg2 <= 2 => {
            write_enum(out, v, PR_SPEC_SET_FLAGS, "PR_SPEC_???")
        }
        (PR_SET_TAGGED_ADDR_CTRL, 2) => write_tagged_addr(out, v),
        (PR_SET_CHILD_SUBREAPER | PR_SET_ENDIAN | PR_SET_FPEMU | PR_SET_FPEXC, 2)
        | (PR_SET_KEEPCAPS | PR_SET_TIMING | PR_SET_NO_NEW_PRIVS | PR_SET_THP_DISABLE, 2)
        | (PR_SET_IO_FLUSHER, 2) => write_int(out, v),
        (PR_SET_DUMPABLE, 2) => write_enum(out, v, SUID_DUMP, "SUID_DUMP_???"),
        (PR_CAPBSET_READ | PR_CAPBSET_DROP, 2) => write_enum(out, v, CAPABILITIES, "CAP_???"),
        (PR_CAP_AMBIENT, 2) => write_enum(out, v, CAP_AMBIENT_OPS, "PR_CAP_AMBIENT_???"),
        // Its third argument is a capability for the operations on one.
        (PR_CAP_AMBIENT, 3) if (1..=3).contains(&arg2) => {
            write_enum(out, v, CAPABILITIES, "CAP_???")
        }
        (PR_MCE_KILL, 2) => write_enum(out, v, PR_MCE_KILL_OPS, "PR_MCE_KILL_???"),
        (PR_MCE_KILL, 3) if arg2 == PR_MCE_KILL_SET => {
            write_enum(out, v, PR_MCE_KILL_POLICY, "PR_MCE_KILL_???")
        }
        (PR_SET_VMA, 2) => write_enum(out, v, PR_SET_VMA_OPS, "PR_SET_VMA_???"),
        (PR_SET_VMA, 3) if arg2 == PR_SET_VMA_ANON_NAME => write_addr(out, v),
        (PR_SET_VMA, 4) if arg2 == PR_SET_VMA_ANON_NAME => write_int(out, v),
        (PR_SET_VMA, 5) if arg2 == PR_SET_VMA_ANON_NAME => {
            let entry = entry_cstr(call, i);
            strings::write_cstr(out, entry, v, Some(opts.string_limit), opts)
        }
        (PR_SET_MM, 2) => write_enum(out, v as u32 as u64, PR_SET_MM_OPS, "PR_SET_MM_???"),
        // strace prints numbers past the signals as they are.
        (PR_SET_PDEATHSIG, 2) if v > 128 => write_int(out, v),
        (PR_SET_PDEATHSIG, 2) => flags::write_signal(out, v as i32),
        (PR_SET_PTRACER, 2) if v as i32 == -1 => {
            flags::styled(out, "-1", |out| out.push_str("PR_SET_PTRACER_ANY"))
        }
        (PR_SET_PTRACER, 2) => write_pid(out, call.tid, v as i32, opts),
        (PR_SET_SECCOMP, 2) => write_enum(out, v, SECCOMP_MODE, "SECCOMP_MODE_???"),
        (PR_SET_SECCOMP, 3) if arg2 == SECCOMP_MODE_FILTER => {
            let flavor = super::bpf_filter::Flavor::Seccomp;
            if !super::bpf_filter::write_fprog(out, call, i, flavor, opts) {
                write_addr(out, v);
            }
        }
        (PR_SET_SECUREBITS, 2) => write_flags(out, v, SECUREBITS, None, "SECBIT_???"),
        (PR_SET_TIMERSLACK, 2) => write_int(out, v as i64),
        (PR_SET_TSC, 2) => write_enum(out, v as u32 as u64, PR_TSC, "PR_TSC_???"),
        (PR_SET_UNALIGN, 2) => {
            write_flags(out, v as u32 as u64, PR_UNALIGN, None, "PR_UNALIGN_???")
        }
        (PR_SET_FP_MODE, 2) => {
            write_flags(out, v as u32 as u64, PR_FP_MODE, None, "PR_FP_MODE_???")
        }
        (PR_PAC_RESET_KEYS, 2) => write_flags_of(
            out,
            v,
            &[PR_PAC_ENABLED_KEYS, PR_PAC_KEYS],
            None,
            "PR_PAC_???",
        ),
        (PR_PAC_SET_ENABLED_KEYS, 2 | 3) => {
            write_flags(out, v, PR_PAC_ENABLED_KEYS, None, "PR_PAC_???")
        }
        (PR_SET_SYSCALL_USER_DISPATCH, 2) => write_enum(out, v, PR_SUD_CMDS, "PR_SYS_DISPATCH_???"),
        (PR_SET_SYSCALL_USER_DISPATCH, 5) => write_addr(out, v),
        (PR_SCHED_CORE, 2) => write_enum(
            out,
            v as u32 as u64,
            PR_SCHED_CORE_CMDS,
            "PR_SCHED_CORE_???",
        ),
        // A pid of the kind argument 4 names; another number as it is.
        (PR_SCHED_CORE, 3) => match call.args[3] as u32 {
            0..=3 => write_pid(out, call.tid, v as i32, opts),
            _ => write_int(out, v as i32),
        },
        // Always with its name in a comment (unless raw).
        (PR_SCHED_CORE, 4) => {
            let style = match flags::style() {
                XlatStyle::Raw => XlatStyle::Raw,
                _ => XlatStyle::Verbose,
            };
            let _style = flags::StyleScope::new(style);
            write_enum(out, v as u32 as u64, PIDTYPES, "PIDTYPE_???")
        }
        // `PR_SCHED_CORE_GET` writes the cookie.
        (PR_SCHED_CORE, 5) if arg2 as u32 == PR_SCHED_CORE_GET => {
            match written(8).and_then(|c| Bytes(&c.data).u64(0)) {
                Some(cookie) => {
                    out.push('[');
                    write_hex(out, cookie);
                    out.push(']');
                }
                None => write_addr(out, v),
            }
        }
        (PR_SCHED_CORE, 5) => write_addr(out, v),
        _ => write_hex(out, v),
    }
}

/// The copy of argument `i` a successful call left, if it holds `len` bytes (a copy
/// that ran into an unreadable page holds what precedes it: an int at the end of a
/// mapping).
fn written(call: &Call, i: usize, len: usize) -> Option<&Capture> {
    if call.args[i] == 0 || call.success().is_none() {
        return None;
    }
    call.captures.iter().find(|c| {
        c.arg as usize == i && c.kind == capture::FIXED && !c.fault && c.data.len() >= len
    })
}

fn entry_cstr(call: &Call, i: usize) -> Option<&Capture> {
    call.captures
        .iter()
        .find(|c| c.arg as usize == i && c.kind == capture::CSTR)
}

/// `PR_SET_NAME`'s name: the kernel reads at most 15 bytes, so strace shows at most
/// those, with `...` when there is no NUL among them.
fn write_name(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let name = call
        .captures
        .iter()
        .find(|c| c.arg as usize == i && c.kind == capture::BUF);
    strings::write_str_upto(out, name, call.args[i], NAME_IN as u16, opts);
}

/// `PR_SVE_SET_VL`'s and `PR_SME_SET_VL`'s argument: its flags and the length,
/// `PR_SVE_SET_VL_ONEXEC|0xff` (strace's `sprint_sve_val`).
fn write_vl(out: &mut String, v: u64, table: Xlat) {
    if flags::style() == XlatStyle::Raw {
        return write_hex(out, v);
    }
    let bits = v & !VL_LEN_MASK;
    if bits == 0 {
        return write_hex(out, v & VL_LEN_MASK);
    }
    let text = vl_text(v, table);
    if flags::style() == XlatStyle::Verbose {
        write_hex(out, v);
        let _ = write!(out, " /* {text} */");
    } else {
        out.push_str(&text);
    }
}

/// `FLAGS|0xLEN`, the flags without names as one number.
fn vl_text(v: u64, table: Xlat) -> String {
    let mut text = String::new();
    {
        let _abbrev = flags::StyleScope::new(XlatStyle::Abbrev);
        write_flags(&mut text, v & !VL_LEN_MASK, table, None, "");
    }
    text.push('|');
    write_hex(&mut text, v & VL_LEN_MASK);
    text
}

const PR_TAGGED_ADDR_ENABLE: u64 = 1;
const PR_MTE_TCF_MASK: u64 = 6;
const PR_MTE_TAG_SHIFT: u32 = 3;
const PR_MTE_TAG_MASK: u64 = 0xffff << PR_MTE_TAG_SHIFT;

/// `PR_SET_TAGGED_ADDR_CTRL`'s argument: `PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_SYNC|0x1<<PR_MTE_TAG_SHIFT`.
fn write_tagged_addr(out: &mut String, v: u64) {
    match flags::style() {
        XlatStyle::Raw => write_hex(out, v),
        XlatStyle::Abbrev => out.push_str(&tagged_addr_text(v)),
        XlatStyle::Verbose => {
            write_hex(out, v);
            let _ = write!(out, " /* {} */", tagged_addr_text(v));
        }
    }
}

fn tagged_addr_text(v: u64) -> String {
    let mut text = String::from(if v & PR_TAGGED_ADDR_ENABLE != 0 {
        "PR_TAGGED_ADDR_ENABLE|"
    } else {
        "!PR_TAGGED_ADDR_ENABLE|"
    });
    text.push_str(match v & PR_MTE_TCF_MASK {
        0 => "PR_MTE_TCF_NONE",
        2 => "PR_MTE_TCF_SYNC",
        4 => "PR_MTE_TCF_ASYNC",
        _ => "PR_MTE_TCF_MASK",
    });
    let tag = v & PR_MTE_TAG_MASK;
    if tag != 0 {
        let _ = write!(text, "|{:#x}<<PR_MTE_TAG_SHIFT", tag >> PR_MTE_TAG_SHIFT);
    }
    let rest = v & !(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_MASK | PR_MTE_TAG_MASK);
    if rest != 0 {
        let _ = write!(text, "|{rest:#x}");
    }
    text
}

/// The names strace adds in parentheses to a result (its `SPFF_AUXSTR_MODE`): the known
/// bits of `value` and the rest as a number, the table's zero name for 0, nothing when
/// no bit has a name or constants print raw.
fn aux_flags(value: u64, table: Xlat) -> Option<String> {
    if flags::style() == XlatStyle::Raw {
        return None;
    }
    if value == 0 {
        return table
            .first()
            .filter(|(v, _)| *v == 0)
            .map(|(_, n)| n.to_string());
    }
    let mut rest = value;
    let mut names = Vec::new();
    for &(bits, name) in table {
        if bits != 0 && rest & bits == bits {
            names.push(name.to_string());
            rest &= !bits;
        }
    }
    if names.is_empty() {
        return None;
    }
    if rest != 0 {
        names.push(format!("{rest:#x}"));
    }
    Some(names.join("|"))
}

/// The note strace adds to some results: `1 (SUID_DUMP_USER)`, `0x10
/// (SECBIT_KEEP_CAPS)`; false when the result prints as a plain number.
pub fn write_return(out: &mut String, call: &Call, ret: u64) -> bool {
    let arg2 = call.args[1];
    // A result in hex with the names of its bits (if any).
    let hex_with = |out: &mut String, aux: Option<String>| {
        write_hex(out, ret);
        if let Some(aux) = aux {
            let _ = write!(out, " ({aux})");
        }
        true
    };
    match call.args[0] as u32 {
        PR_GET_DUMPABLE => named_decimal(out, ret, SUID_DUMP),
        PR_MCE_KILL_GET => named_decimal(out, ret, PR_MCE_KILL_POLICY),
        PR_GET_SECUREBITS if ret != 0 => hex_with(out, aux_flags(ret, SECUREBITS)),
        PR_GET_FP_MODE if ret != 0 => hex_with(out, aux_flags(ret, PR_FP_MODE)),
        PR_PAC_GET_ENABLED_KEYS => hex_with(out, aux_flags(ret, PR_PAC_ENABLED_KEYS)),
        PR_GET_SPECULATION_CTRL if arg2 <= 2 => hex_with(out, aux_flags(ret, PR_SPEC_GET_FLAGS)),
        PR_GET_TAGGED_ADDR_CTRL => {
            let raw = flags::style() == XlatStyle::Raw;
            hex_with(out, (!raw).then(|| tagged_addr_text(ret)))
        }
        PR_SVE_SET_VL | PR_SVE_GET_VL | PR_SME_SET_VL | PR_SME_GET_VL if ret != 0 => {
            let table = match call.args[0] as u32 {
                PR_SVE_SET_VL | PR_SVE_GET_VL => PR_SVE_VL_FLAGS,
                _ => PR_SME_VL_FLAGS,
            };
            let raw = flags::style() == XlatStyle::Raw;
            let flagged = ret & !VL_LEN_MASK != 0;
            hex_with(out, (!raw && flagged).then(|| vl_text(ret, table)))
        }
        _ => false,
    }
}

/// A result in decimal with its name, if it has one: `2 (PR_MCE_KILL_DEFAULT)`.
fn named_decimal(out: &mut String, ret: u64, table: Xlat) -> bool {
    let _ = write!(out, "{ret}");
    if let Some(name) = flags::lookup(table, ret) {
        let _ = write!(out, " ({name})");
    }
    true
}

const PR_TSC: Xlat = &[(1, "PR_TSC_ENABLE"), (2, "PR_TSC_SIGSEGV")];

const PR_UNALIGN: Xlat = &[(1, "PR_UNALIGN_NOPRINT"), (2, "PR_UNALIGN_SIGBUS")];

const PR_FP_MODE: Xlat = &[(1, "PR_FP_MODE_FR"), (2, "PR_FP_MODE_FRE")];

const PR_MCE_KILL_OPS: Xlat = &[(0, "PR_MCE_KILL_CLEAR"), (1, "PR_MCE_KILL_SET")];

const PR_MCE_KILL_POLICY: Xlat = &[
    (0, "PR_MCE_KILL_LATE"),
    (1, "PR_MCE_KILL_EARLY"),
    (2, "PR_MCE_KILL_DEFAULT"),
];

const PR_PAC_ENABLED_KEYS: Xlat = &[
    (1, "PR_PAC_APIAKEY"),
    (2, "PR_PAC_APIBKEY"),
    (4, "PR_PAC_APDAKEY"),
    (8, "PR_PAC_APDBKEY"),
];

const PR_PAC_KEYS: Xlat = &[(16, "PR_PAC_APGAKEY")];

const PR_SCHED_CORE_CMDS: Xlat = &[
    (0, "PR_SCHED_CORE_GET"),
    (1, "PR_SCHED_CORE_CREATE"),
    (2, "PR_SCHED_CORE_SHARE_TO"),
    (3, "PR_SCHED_CORE_SHARE_FROM"),
];

const PIDTYPES: Xlat = &[
    (0, "PIDTYPE_PID"),
    (1, "PIDTYPE_TGID"),
    (2, "PIDTYPE_PGID"),
    (3, "PIDTYPE_SID"),
];

const PR_SET_MM_OPS: Xlat = &[
    (1, "PR_SET_MM_START_CODE"),
    (2, "PR_SET_MM_END_CODE"),
    (3, "PR_SET_MM_START_DATA"),
    (4, "PR_SET_MM_END_DATA"),
    (5, "PR_SET_MM_START_STACK"),
    (6, "PR_SET_MM_START_BRK"),
    (7, "PR_SET_MM_BRK"),
    (8, "PR_SET_MM_ARG_START"),
    (9, "PR_SET_MM_ARG_END"),
    (10, "PR_SET_MM_ENV_START"),
    (11, "PR_SET_MM_ENV_END"),
    (12, "PR_SET_MM_AUXV"),
    (13, "PR_SET_MM_EXE_FILE"),
    (14, "PR_SET_MM_MAP"),
    (15, "PR_SET_MM_MAP_SIZE"),
];

const PR_SET_VMA_OPS: Xlat = &[(0, "PR_SET_VMA_ANON_NAME")];

const PR_SVE_VL_FLAGS: Xlat = &[
    (1 << 18, "PR_SVE_SET_VL_ONEXEC"),
    (1 << 17, "PR_SVE_VL_INHERIT"),
];

const PR_SME_VL_FLAGS: Xlat = &[
    (1 << 18, "PR_SME_SET_VL_ONEXEC"),
    (1 << 17, "PR_SME_VL_INHERIT"),
];

const PR_SPEC_CMDS: Xlat = &[
    (0, "PR_SPEC_STORE_BYPASS"),
    (1, "PR_SPEC_INDIRECT_BRANCH"),
    (2, "PR_SPEC_L1D_FLUSH"),
];

const PR_SPEC_GET_FLAGS: Xlat = &[
    (0, "PR_SPEC_NOT_AFFECTED"),
    (1, "PR_SPEC_PRCTL"),
    (2, "PR_SPEC_ENABLE"),
    (4, "PR_SPEC_DISABLE"),
    (8, "PR_SPEC_FORCE_DISABLE"),
    (16, "PR_SPEC_DISABLE_NOEXEC"),
];

const PR_SPEC_SET_FLAGS: Xlat = &[
    (2, "PR_SPEC_ENABLE"),
    (4, "PR_SPEC_DISABLE"),
    (8, "PR_SPEC_FORCE_DISABLE"),
    (16, "PR_SPEC_DISABLE_NOEXEC"),
];

const PR_SUD_CMDS: Xlat = &[(0, "PR_SYS_DISPATCH_OFF"), (1, "PR_SYS_DISPATCH_ON")];

const SECCOMP_MODE: Xlat = &[
    (0, "SECCOMP_MODE_DISABLED"),
    (1, "SECCOMP_MODE_STRICT"),
    (2, "SECCOMP_MODE_FILTER"),
];

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
