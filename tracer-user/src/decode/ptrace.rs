//! `ptrace`: which arguments show and how, by request, as strace's `ptrace.c` prints
//! them: no more than the request for `PTRACE_TRACEME`, no `addr` and `data` for the
//! requests that ignore them (`PTRACE_ATTACH`, `PTRACE_KILL`...), `addr` as a number,
//! an ELF note type, a `struct user` offset or the `PTRACE_PEEKSIGINFO` arguments,
//! `data` as a signal, options, a signal set or `siginfo_t` the kernel reads, or what it
//! writes there (a word, an event message, a `siginfo_t`, a signal set, a
//! `struct ptrace_syscall_info`); on x86_64 the registers `PTRACE_GETREGS`,
//! `PTRACE_GETFPREGS` and `PTRACE_GETREGSET`'s `iov_base` hold (and their `SET`s), and
//! `PTRACE_PEEKSIGINFO`'s `siginfo_t`s, where the ptrace backend read them
//! ([`super::mem`]: behind a pointer in the iovec, or longer than the plan's copy).

use std::fmt::Write;

use super::flags::{self, Xlat, styled, write_enum, write_flags, write_sigmask, write_signal};
use super::structs::Bytes;
use super::{Call, DecodeOptions, strings::write_addr, write_pid};
use crate::event::FdNames;

const PTRACE_TRACEME: u64 = 0;
const PTRACE_PEEKTEXT: u64 = 1;
const PTRACE_PEEKDATA: u64 = 2;
const PTRACE_PEEKUSER: u64 = 3;
const PTRACE_POKEUSER: u64 = 6;
const PTRACE_CONT: u64 = 7;
const PTRACE_KILL: u64 = 8;
const PTRACE_SINGLESTEP: u64 = 9;
const PTRACE_GETREGS: u64 = 12;
const PTRACE_SETREGS: u64 = 13;
const PTRACE_GETFPREGS: u64 = 14;
const PTRACE_SETFPREGS: u64 = 15;
const PTRACE_ATTACH: u64 = 16;
const PTRACE_DETACH: u64 = 17;
const PTRACE_OLDSETOPTIONS: u64 = 21;
const PTRACE_SYSCALL: u64 = 24;
const PTRACE_SYSEMU: u64 = 31;
const PTRACE_SYSEMU_SINGLESTEP: u64 = 32;
const PTRACE_SINGLEBLOCK: u64 = 33;
const PTRACE_SETOPTIONS: u64 = 0x4200;
const PTRACE_GETEVENTMSG: u64 = 0x4201;
const PTRACE_GETSIGINFO: u64 = 0x4202;
const PTRACE_SETSIGINFO: u64 = 0x4203;
const PTRACE_GETREGSET: u64 = 0x4204;
const PTRACE_SETREGSET: u64 = 0x4205;
const PTRACE_SEIZE: u64 = 0x4206;
const PTRACE_INTERRUPT: u64 = 0x4207;
const PTRACE_LISTEN: u64 = 0x4208;
const PTRACE_PEEKSIGINFO: u64 = 0x4209;
const PTRACE_GETSIGMASK: u64 = 0x420a;
const PTRACE_SETSIGMASK: u64 = 0x420b;
const PTRACE_SECCOMP_GET_FILTER: u64 = 0x420c;
const PTRACE_SECCOMP_GET_METADATA: u64 = 0x420d;
const PTRACE_GET_SYSCALL_INFO: u64 = 0x420e;

/// Bytes of `data` the plan copies at entry and after a success: a `siginfo_t`, the
/// largest thing strace reads there.
pub const DATA_BYTES: u16 = 128;
/// Bytes of `addr` the plan copies at entry: `PTRACE_PEEKSIGINFO`'s arguments.
pub const ADDR_BYTES: u16 = 16;

/// strace's `ptrace_setoptions_flags`.
const SETOPTIONS: Xlat = &[
    (0x1, "PTRACE_O_TRACESYSGOOD"),
    (0x2, "PTRACE_O_TRACEFORK"),
    (0x4, "PTRACE_O_TRACEVFORK"),
    (0x8, "PTRACE_O_TRACECLONE"),
    (0x10, "PTRACE_O_TRACEEXEC"),
    (0x20, "PTRACE_O_TRACEVFORKDONE"),
    (0x40, "PTRACE_O_TRACEEXIT"),
    (0x80, "PTRACE_O_TRACESECCOMP"),
    (0x10_0000, "PTRACE_O_EXITKILL"),
    (0x20_0000, "PTRACE_O_SUSPEND_SECCOMP"),
];

/// strace's `ptrace_peeksiginfo_flags`.
const PEEKSIGINFO_FLAGS: Xlat = &[(1, "PTRACE_PEEKSIGINFO_SHARED")];

/// strace's `ptrace_syscall_info_op`.
const SYSCALL_INFO_OPS: Xlat = &[
    (0, "PTRACE_SYSCALL_INFO_NONE"),
    (1, "PTRACE_SYSCALL_INFO_ENTRY"),
    (2, "PTRACE_SYSCALL_INFO_EXIT"),
    (3, "PTRACE_SYSCALL_INFO_SECCOMP"),
];

/// strace's `nt_descriptor_types`.
const NT_TYPES: Xlat = &[
    (1, "NT_PRSTATUS"),
    (2, "NT_FPREGSET"),
    (3, "NT_PRPSINFO"),
    (4, "NT_PRXREG"),
    (5, "NT_PLATFORM"),
    (6, "NT_AUXV"),
    (7, "NT_GWINDOWS"),
    (8, "NT_ASRS"),
    (10, "NT_PSTATUS"),
    (13, "NT_PSINFO"),
    (14, "NT_PRCRED"),
    (15, "NT_UTSNAME"),
    (16, "NT_LWPSTATUS"),
    (17, "NT_LWPSINFO"),
    (20, "NT_PRFPXREG"),
    (0x100, "NT_PPC_VMX"),
    (0x101, "NT_PPC_SPE"),
    (0x102, "NT_PPC_VSX"),
    (0x103, "NT_PPC_TAR"),
    (0x104, "NT_PPC_PPR"),
    (0x105, "NT_PPC_DSCR"),
    (0x106, "NT_PPC_EBB"),
    (0x107, "NT_PPC_PMU"),
    (0x108, "NT_PPC_TM_CGPR"),
    (0x109, "NT_PPC_TM_CFPR"),
    (0x10a, "NT_PPC_TM_CVMX"),
    (0x10b, "NT_PPC_TM_CVSX"),
    (0x10c, "NT_PPC_TM_SPR"),
    (0x10d, "NT_PPC_TM_CTAR"),
    (0x10e, "NT_PPC_TM_CPPR"),
    (0x10f, "NT_PPC_TM_CDSCR"),
    (0x110, "NT_PPC_PKEY"),
    (0x200, "NT_386_TLS"),
    (0x201, "NT_386_IOPERM"),
    (0x202, "NT_X86_XSTATE"),
    (0x300, "NT_S390_HIGH_GPRS"),
    (0x301, "NT_S390_TIMER"),
    (0x302, "NT_S390_TODCMP"),
    (0x303, "NT_S390_TODPREG"),
    (0x304, "NT_S390_CTRS"),
    (0x305, "NT_S390_PREFIX"),
    (0x306, "NT_S390_LAST_BREAK"),
    (0x307, "NT_S390_SYSTEM_CALL"),
    (0x308, "NT_S390_TDB"),
    (0x309, "NT_S390_VXRS_LOW"),
    (0x30a, "NT_S390_VXRS_HIGH"),
    (0x30b, "NT_S390_GS_CB"),
    (0x30c, "NT_S390_GS_BC"),
    (0x30d, "NT_S390_RI_CB"),
    (0x30e, "NT_S390_PV_CPU_DATA"),
    (0x400, "NT_ARM_VFP"),
    (0x401, "NT_ARM_TLS"),
    (0x402, "NT_ARM_HW_BREAK"),
    (0x403, "NT_ARM_HW_WATCH"),
    (0x404, "NT_ARM_SYSTEM_CALL"),
    (0x405, "NT_ARM_SVE"),
    (0x406, "NT_ARM_PAC_MASK"),
    (0x407, "NT_ARM_PACA_KEYS"),
    (0x408, "NT_ARM_PACG_KEYS"),
    (0x409, "NT_ARM_TAGGED_ADDR_CTRL"),
    (0x40a, "NT_ARM_PAC_ENABLED_KEYS"),
    (0x40b, "NT_ARM_SSVE"),
    (0x40c, "NT_ARM_ZA"),
    (0x500, "NT_METAG_CBUF"),
    (0x501, "NT_METAG_RPIPE"),
    (0x502, "NT_METAG_TLS"),
    (0x600, "NT_ARC_V2"),
    (0x700, "NT_VMCOREDD"),
    (0x800, "NT_MIPS_DSP"),
    (0x801, "NT_MIPS_FP_MODE"),
    (0x802, "NT_MIPS_MSA"),
    (0xa00, "NT_LOONGARCH_CPUCFG"),
    (0xa01, "NT_LOONGARCH_CSR"),
    (0xa02, "NT_LOONGARCH_LSX"),
    (0xa03, "NT_LOONGARCH_LASX"),
    (0xa04, "NT_LOONGARCH_LBT"),
    (0x46494c45, "NT_FILE"),
    (0x46e62b7f, "NT_PRXFPREG"),
    (0x53494749, "NT_SIGINFO"),
];

/// strace's `struct_user_offsets` for x86_64 (`userent.h`): the registers, then the
/// other fields of `struct user`, its size last.
#[cfg(target_arch = "x86_64")]
const USER_OFFSETS: &[(u64, &str)] = &[
    (0, "8*R15"),
    (8, "8*R14"),
    (16, "8*R13"),
    (24, "8*R12"),
    (32, "8*RBP"),
    (40, "8*RBX"),
    (48, "8*R11"),
    (56, "8*R10"),
    (64, "8*R9"),
    (72, "8*R8"),
    (80, "8*RAX"),
    (88, "8*RCX"),
    (96, "8*RDX"),
    (104, "8*RSI"),
    (112, "8*RDI"),
    (120, "8*ORIG_RAX"),
    (128, "8*RIP"),
    (136, "8*CS"),
    (144, "8*EFL"),
    (152, "8*RSP"),
    (160, "8*SS"),
    (216, "offsetof(struct user, u_fpvalid)"),
    (224, "offsetof(struct user, i387)"),
    (736, "offsetof(struct user, u_tsize)"),
    (744, "offsetof(struct user, u_dsize)"),
    (752, "offsetof(struct user, u_ssize)"),
    (760, "offsetof(struct user, start_code)"),
    (768, "offsetof(struct user, start_stack)"),
    (776, "offsetof(struct user, signal)"),
    (784, "offsetof(struct user, reserved)"),
    (792, "offsetof(struct user, u_ar0)"),
    (800, "offsetof(struct user, u_fpstate)"),
    (808, "offsetof(struct user, magic)"),
    (816, "offsetof(struct user, u_comm)"),
    (848, "offsetof(struct user, u_debugreg)"),
    (912, "sizeof(struct user)"),
];
#[cfg(not(target_arch = "x86_64"))]
const USER_OFFSETS: &[(u64, &str)] = &[];

/// Whether argument `n` (1: `pid`, 2: `addr`, 3: `data`) shows.
pub(crate) fn visible(call: &Call, n: u8) -> bool {
    match call.args[0] {
        PTRACE_TRACEME => false,
        // `addr` ignored, the registers at `data` (x86).
        PTRACE_GETREGS | PTRACE_SETREGS | PTRACE_GETFPREGS | PTRACE_SETFPREGS
            if cfg!(target_arch = "x86_64") =>
        {
            n != 2
        }
        PTRACE_ATTACH | PTRACE_INTERRUPT | PTRACE_KILL | PTRACE_LISTEN => n == 1,
        _ => true,
    }
}

/// Argument `n` of `call` (index `n`).
pub(crate) fn write_arg(
    out: &mut String,
    call: &Call,
    n: u8,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let i = usize::from(n);
    let v = call.args[i];
    match n {
        1 => write_pid(out, call.tid, v as i32, opts),
        2 => write_addr_arg(out, call, v),
        _ => write_data(out, call, v, opts, fds),
    }
}

fn write_addr_arg(out: &mut String, call: &Call, v: u64) {
    match call.args[0] {
        PTRACE_PEEKUSER | PTRACE_POKEUSER => write_user_offset(out, v),
        PTRACE_GETREGSET | PTRACE_SETREGSET => write_enum(out, v as u32 as u64, NT_TYPES, "NT_???"),
        PTRACE_GETSIGMASK
        | PTRACE_SETSIGMASK
        | PTRACE_SECCOMP_GET_FILTER
        | PTRACE_SECCOMP_GET_METADATA
        | PTRACE_GET_SYSCALL_INFO => {
            let _ = write!(out, "{v}");
        }
        PTRACE_PEEKSIGINFO => {
            match entry(call, 2).filter(|b| b.0.len() >= usize::from(ADDR_BYTES)) {
                Some(b) => {
                    let (off, fl, nr) = (b.u64(0).unwrap_or(0), b.u32(8), b.u32(12));
                    let _ = write!(out, "{{off={off}, flags=");
                    write_flags(
                        out,
                        fl.unwrap_or(0).into(),
                        PEEKSIGINFO_FLAGS,
                        None,
                        "PTRACE_PEEKSIGINFO_???",
                    );
                    let _ = write!(out, ", nr={}}}", nr.unwrap_or(0));
                }
                None => write_addr(out, v),
            }
        }
        _ => write_addr(out, v),
    }
}

/// strace's `print_user_offset_addr`: the register or field of `struct user` at the
/// offset (`8*RAX`, `8*RIP+4`), not past the struct's end.
fn write_user_offset(out: &mut String, v: u64) {
    let base = USER_OFFSETS.iter().rev().find(|(off, _)| *off <= v);
    let last = USER_OFFSETS.last().map(|(off, _)| *off);
    let name = base.filter(|(off, _)| !(v > *off && Some(*off) == last));
    let Some(&(off, name)) = name else {
        return write_addr(out, v);
    };
    let mut raw = String::new();
    write_addr(&mut raw, v);
    styled(out, &raw, |out| {
        out.push_str(name);
        if off != v {
            let _ = write!(out, "+{}", v - off);
        }
    });
}

fn write_data(
    out: &mut String,
    call: &Call,
    v: u64,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let request = call.args[0];
    // A `siginfo_t`'s pids and descriptors are the caller's.
    let names = super::siginfo::Names {
        opts,
        pid: call.pid,
        tid: call.tid,
        fds,
        child: None,
    };
    let exited_ok = call.success().is_some();
    match request {
        PTRACE_CONT
        | PTRACE_DETACH
        | PTRACE_SYSCALL
        | PTRACE_SINGLESTEP
        | PTRACE_SINGLEBLOCK
        | PTRACE_SYSEMU
        | PTRACE_SYSEMU_SINGLESTEP => write_signal(out, v as i32),
        PTRACE_SEIZE | PTRACE_SETOPTIONS | PTRACE_OLDSETOPTIONS => {
            write_flags(out, v, SETOPTIONS, None, "PTRACE_O_???")
        }
        PTRACE_SETSIGINFO => match entry(call, 3).filter(|b| b.0.len() >= 128) {
            Some(b) => out.push_str(&super::siginfo::fields_of(b.0, Some(&names))),
            None => write_addr(out, v),
        },
        PTRACE_SETSIGMASK => write_sigset(out, call, entry(call, 3), v),
        PTRACE_SETREGS | PTRACE_SETFPREGS if cfg!(target_arch = "x86_64") => {
            write_regs(out, call, v, false)
        }
        PTRACE_GETREGSET | PTRACE_SETREGSET => write_regset_iov(out, call, v),
        PTRACE_SECCOMP_GET_METADATA => write_seccomp_metadata(out, call, v),
        _ if !opts.dereference || !exited_ok => write_addr(out, v),
        PTRACE_PEEKDATA | PTRACE_PEEKTEXT | PTRACE_PEEKUSER => {
            match exit(call).and_then(|b| b.u64(0)) {
                Some(word) => {
                    out.push('[');
                    write_addr(out, word);
                    out.push(']');
                }
                None => write_addr(out, v),
            }
        }
        PTRACE_GETEVENTMSG => match exit(call).and_then(|b| b.u64(0)) {
            Some(msg) => {
                let _ = write!(out, "[{msg}]");
            }
            None => write_addr(out, v),
        },
        PTRACE_GETSIGINFO => match exit(call).filter(|b| b.0.len() >= 128) {
            Some(b) => out.push_str(&super::siginfo::fields_of(b.0, Some(&names))),
            None => write_addr(out, v),
        },
        PTRACE_GETSIGMASK => write_sigset(out, call, exit(call), v),
        PTRACE_GET_SYSCALL_INFO => write_syscall_info(out, call, v),
        PTRACE_GETREGS | PTRACE_GETFPREGS if cfg!(target_arch = "x86_64") => {
            write_regs(out, call, v, true)
        }
        PTRACE_PEEKSIGINFO => write_siginfos(out, call, v, &names),
        _ => write_addr(out, v),
    }
}

/// `sizeof(struct user_regs_struct)`, `sizeof(struct user_fpregs_struct)` (x86_64).
const USER_REGS: usize = 216;
const USER_FPREGS: usize = 512;
/// `sizeof(struct iovec)`.
const IOVEC: usize = 16;
const NT_PRSTATUS: u64 = 1;
const NT_FPREGSET: u64 = 2;

/// The size of the regset `nt` strace decodes (x86_64), if it decodes it.
fn regset_size(nt: u64) -> Option<usize> {
    match nt {
        NT_PRSTATUS if cfg!(target_arch = "x86_64") => Some(USER_REGS),
        NT_FPREGSET if cfg!(target_arch = "x86_64") => Some(USER_FPREGS),
        _ => None,
    }
}

/// The iovec at `data` as the call's entry copy, or after a success its exit copy.
fn iovec(call: &Call, exit: bool) -> Option<(u64, u64)> {
    let b = if exit {
        self::exit(call)
    } else {
        // The iovec read at entry on its own ([`derefs`]): the plan's copy of `data`,
        // longer, may fault at entry and be taken again at exit, after the kernel wrote
        // its length.
        read_of(call, call.args[3], false)
            .filter(|b| b.len() >= IOVEC)
            .map(Bytes)
            .or_else(|| entry(call, 3))
    }?;
    Some((b.u64(0)?, b.u64(8)?))
}

/// What `ptrace` reads behind `data` ([`super::mem`]): the registers (`GETREGS`,
/// `SETREGS`, ...), a regset's `iov_base`, `PEEKSIGINFO`'s `siginfo_t`s.
pub(super) fn derefs(call: &Call, exit: bool, wants: &mut Vec<super::mem::Want>) {
    let data = call.args[3];
    // strace's regset decoders: a size of whole words, up to the struct's.
    let regset = |wants: &mut Vec<_>, (base, len): (u64, u64)| {
        if let Some(size) = regset_size(call.args[2]).filter(|_| len != 0 && len & 7 == 0) {
            wants.push((base, (len as usize).min(size)));
        }
    };
    let ok = call.success().is_some();
    let x86 = cfg!(target_arch = "x86_64");
    match (call.args[0], exit) {
        (PTRACE_SETREGS, false) if x86 => wants.push((data, USER_REGS)),
        (PTRACE_SETFPREGS, false) if x86 => wants.push((data, USER_FPREGS)),
        (PTRACE_GETREGS, true) if x86 && ok => wants.push((data, USER_REGS)),
        (PTRACE_GETFPREGS, true) if x86 && ok => wants.push((data, USER_FPREGS)),
        (PTRACE_GETREGSET, false) => wants.push((data, IOVEC)),
        (PTRACE_SETREGSET, false) => {
            wants.push((data, IOVEC));
            if let Some(iov) = iovec(call, false) {
                regset(wants, iov);
            }
        }
        (PTRACE_GETREGSET, true) if ok => {
            if let Some(iov) = iovec(call, true) {
                regset(wants, iov);
            }
        }
        (PTRACE_PEEKSIGINFO, true) => {
            if let Some(n) = call.success().filter(|&n| n > 0) {
                wants.push((data, n.min(512) as usize * 128));
            }
        }
        _ => {}
    }
}

/// What was read at `addr` at the entry or (`exit`) the exit.
fn read_of(call: &Call, addr: u64, exit: bool) -> Option<&[u8]> {
    super::mem::Mem::of(call, exit)
        .get(addr)
        .filter(|_| addr != 0)
}

/// `GETREGS`' and `GETFPREGS`' registers after a success (`get`), `SETREGS`' and
/// `SETFPREGS'` at entry, else the address.
fn write_regs(out: &mut String, call: &Call, v: u64, get: bool) {
    let fp = matches!(call.args[0], PTRACE_GETFPREGS | PTRACE_SETFPREGS);
    let size = if fp { USER_FPREGS } else { USER_REGS };
    match read_of(call, v, get).filter(|b| b.len() >= size) {
        Some(b) if fp => write_fpregset(out, &b[..size], size as u64),
        Some(b) => write_prstatus(out, &b[..size], size as u64),
        None => write_addr(out, v),
    }
}

/// `GETREGSET`'s and `SETREGSET`'s iovec: `{iov_base={r15=0x..., ...}, iov_len=216}`,
/// the length the kernel wrote after the one given (`iov_len=512 => 216`).
fn write_regset_iov(out: &mut String, call: &Call, v: u64) {
    let get = call.args[0] == PTRACE_GETREGSET;
    let Some((base, len)) = iovec(call, false) else {
        return write_addr(out, v);
    };
    // GETREGSET's regset as the kernel wrote it, SETREGSET's as given.
    let (base_now, len_now) = if get {
        iovec(call, true).unwrap_or((base, len))
    } else {
        (base, len)
    };
    out.push_str("{iov_base=");
    let regs = read_of(call, base_now, get).filter(|_| !get || call.success().is_some());
    // As strace: a length of no whole words shows the address (whatever was copied).
    let want = regset_size(call.args[2])
        .filter(|_| len_now != 0 && len_now & 7 == 0)
        .map(|size| (len_now as usize).min(size));
    match (regs, want) {
        (Some(b), Some(want)) if b.len() >= want => {
            let b = &b[..want];
            if call.args[2] == NT_PRSTATUS {
                write_prstatus(out, b, len_now)
            } else {
                write_fpregset(out, b, len_now)
            }
        }
        _ => write_addr(out, base_now),
    }
    let _ = write!(out, ", iov_len={len}");
    let after = iovec(call, true).map(|(_, l)| l);
    if let Some(after) = after.filter(|&l| l != len) {
        let _ = write!(out, " => {after}");
    }
    out.push('}');
}

/// `struct user_regs_struct`'s first `size` bytes' registers (strace's
/// `arch_decode_prstatus_regset`), `...` when `size` asked for more.
fn write_prstatus(out: &mut String, b: &[u8], size: u64) {
    const NAMES: [&str; 27] = [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx",
        "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds",
        "es", "fs", "gs",
    ];
    let r = Bytes(b);
    out.push('{');
    for (i, name) in NAMES.iter().enumerate() {
        let Some(v) = r.u64(8 * i) else { break };
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name}=");
        write_addr_hex(out, v);
    }
    if size > USER_REGS as u64 {
        out.push_str(", ...");
    }
    out.push('}');
}

/// `struct user_fpregs_struct`'s first `size` bytes (strace's `arch_decode_fpregset`).
fn write_fpregset(out: &mut String, b: &[u8], size: u64) {
    let r = Bytes(b);
    let fetched = b.len();
    out.push('{');
    let fields: [(&str, usize, usize); 8] = [
        ("cwd", 0, 2),
        ("swd", 2, 2),
        ("ftw", 4, 2),
        ("fop", 6, 2),
        ("rip", 8, 8),
        ("rdp", 16, 8),
        ("mxcsr", 24, 4),
        ("mxcr_mask", 28, 4),
    ];
    for (i, (name, at, width)) in fields.into_iter().enumerate() {
        if i > 0 && fetched <= at {
            break;
        }
        let v = match width {
            2 => r.u16(at).map(u64::from),
            4 => r.u32(at).map(u64::from),
            _ => r.u64(at),
        }
        .unwrap_or(0);
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name}=");
        write_addr_hex(out, v);
    }
    for (name, at, count) in [
        ("st_space", 32, 32),
        ("xmm_space", 160, 64),
        ("padding", 416, 24),
    ] {
        if fetched <= at {
            break;
        }
        let _ = write!(out, ", {name}=[");
        let n = ((fetched - at) / 4).min(count);
        for k in 0..n {
            if k > 0 {
                out.push_str(", ");
            }
            write_addr_hex(out, r.u32(at + 4 * k).unwrap_or(0).into());
        }
        out.push(']');
    }
    if size > USER_FPREGS as u64 {
        out.push_str(", ...");
    }
    out.push('}');
}

/// strace's `PRINT_FIELD_X`: `0x...`, `0` for zero.
fn write_addr_hex(out: &mut String, v: u64) {
    super::write_hex(out, v)
}

/// `PTRACE_PEEKSIGINFO`'s `siginfo_t`s, as many as it returned.
fn write_siginfos(out: &mut String, call: &Call, v: u64, names: &super::siginfo::Names) {
    let n = call.success().unwrap_or(0) as usize;
    let Some(b) = read_of(call, v, true).filter(|b| b.len() >= 128) else {
        return write_addr(out, v);
    };
    out.push('[');
    for k in 0..n {
        if k > 0 {
            out.push_str(", ");
        }
        match b.get(128 * k..128 * (k + 1)) {
            Some(info) => out.push_str(&super::siginfo::fields_of(info, Some(names))),
            None => {
                let _ = write!(out, "... /* {:#x} */", v + 128 * k as u64);
                break;
            }
        }
    }
    out.push(']');
}

/// The descriptor a `siginfo_t` `PTRACE_SETSIGINFO` passes names (`si_fd` of a SIGIO's
/// or of `SI_SIGIO`), for the fd table to learn before the line is printed.
pub(crate) fn named_fd(call: &Call) -> Option<i32> {
    if call.args[0] != PTRACE_SETSIGINFO {
        return None;
    }
    let b = entry(call, 3).filter(|b| b.0.len() >= 128)?;
    let (signo, code) = (b.i32(0)?, b.i32(8)?);
    (code == -5 || (signo == libc::SIGIO && (1..=6).contains(&code))).then(|| b.i32(24))?
}

/// The copy of argument `i` taken at entry, when it could be read.
fn entry(call: &Call, i: usize) -> Option<Bytes<'_>> {
    let (cap, _) = super::in_out(call, i);
    cap.filter(|c| !c.fault && call.args[i] != 0)
        .map(|c| Bytes(&c.data))
}

/// The copy of `data` taken after a success.
fn exit(call: &Call) -> Option<Bytes<'_>> {
    let (_, cap) = super::in_out(call, 3);
    cap.filter(|c| !c.fault && call.args[3] != 0 && call.success().is_some())
        .map(|c| Bytes(&c.data))
}

/// strace's `print_sigset_addr_len`: a set of the kernel's size (`addr`), else the
/// address.
fn write_sigset(out: &mut String, call: &Call, bytes: Option<Bytes>, v: u64) {
    match bytes.filter(|_| call.args[2] == 8).and_then(|b| b.u64(0)) {
        Some(mask) => write_sigmask(out, mask),
        None => write_addr(out, v),
    }
}

/// strace's `decode_seccomp_metadata`: `filter_off` as read at entry (when `addr`, the
/// size, holds it), then after a success the flags the kernel wrote.
fn write_seccomp_metadata(out: &mut String, call: &Call, v: u64) {
    let size = call.args[2];
    let Some(off) = entry(call, 3).filter(|_| size >= 8).and_then(|b| b.u64(0)) else {
        return write_addr(out, v);
    };
    let _ = write!(out, "{{filter_off={off}");
    if let Some(ret) = call.success().filter(|&r| r > 8) {
        out.push_str(", ");
        match exit(call).and_then(|b| b.u64(8)).filter(|_| ret >= 16) {
            Some(fl) => {
                out.push_str("flags=");
                write_flags(
                    out,
                    fl,
                    super::seccomp::FILTER_FLAGS,
                    None,
                    "SECCOMP_FILTER_FLAG_???",
                );
                if ret > 16 {
                    out.push_str(", ...");
                }
            }
            None => out.push_str("???"),
        }
    }
    out.push('}');
}

/// strace's `print_ptrace_syscall_info`: as much of the struct as both the caller's
/// size (`addr`) and the kernel's (the result) cover.
fn write_syscall_info(out: &mut String, call: &Call, v: u64) {
    // offsetofend(struct ptrace_syscall_info, seccomp.ret_data)
    const SECCOMP_SIZE: u64 = 84;
    // offsetofend(struct ptrace_syscall_info, exit.is_error)
    const EXIT_SIZE: u64 = 33;
    let kernel = call.success().unwrap_or(0);
    let size = call.args[2].min(kernel).min(SECCOMP_SIZE) as usize;
    let Some(b) = exit(call).filter(|b| size > 0 && b.0.len() >= size) else {
        return write_addr(out, v);
    };
    let b = Bytes(&b.0[..size]);
    let Some(op) = b.0.first() else {
        return write_addr(out, v);
    };
    let mut s = String::from("{op=");
    write_enum(
        &mut s,
        u64::from(*op),
        SYSCALL_INFO_OPS,
        "PTRACE_SYSCALL_INFO_???",
    );
    let mut fields = || -> Option<()> {
        let arch = b.u32(4)?;
        s.push_str(", arch=");
        write_enum(
            &mut s,
            arch.into(),
            super::ioctl::AUDIT_ARCHES,
            "AUDIT_ARCH_???",
        );
        let ip = b.u64(8)?;
        let _ = write!(s, ", instruction_pointer={}", flags::hex(ip));
        let sp = b.u64(16)?;
        let _ = write!(s, ", stack_pointer={}", flags::hex(sp));
        let nr = b.u64(24)?;
        let args = |s: &mut String, from: usize| {
            let n = (size.saturating_sub(from) / 8).min(6);
            if n > 0 {
                s.push_str(", args=[");
                for k in 0..n {
                    if k > 0 {
                        s.push_str(", ");
                    }
                    s.push_str(&flags::hex(b.u64(from + 8 * k).unwrap_or(0)));
                }
                s.push(']');
            }
        };
        match op {
            1 | 3 => {
                s.push_str(if *op == 1 {
                    ", entry={nr="
                } else {
                    ", seccomp={nr="
                });
                super::ioctl::syscall_name(&mut s, nr as u32, arch);
                args(&mut s, 32);
                if *op == 3 && size as u64 >= SECCOMP_SIZE {
                    let _ = write!(s, ", ret_data={}", b.u32(80)?);
                }
                s.push('}');
            }
            2 => {
                let rval = nr as i64;
                let is_error = b.0.get(32).copied().filter(|_| size as u64 >= EXIT_SIZE);
                s.push_str(", exit={rval=");
                match super::errno::errno_name((-rval) as i32)
                    .filter(|_| is_error.unwrap_or(0) != 0)
                {
                    Some(name) => styled(&mut s, &rval.to_string(), |s| {
                        let _ = write!(s, "-{name}");
                    }),
                    None => {
                        let _ = write!(s, "{rval}");
                    }
                }
                if let Some(e) = is_error {
                    let _ = write!(s, ", is_error={e}");
                }
                s.push('}');
            }
            _ => {}
        }
        Some(())
    };
    let _ = fields();
    s.push('}');
    out.push_str(&s);
}
