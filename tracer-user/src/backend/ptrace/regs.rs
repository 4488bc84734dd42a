//! What a syscall stop says: `PTRACE_GET_SYSCALL_INFO` (Linux 5.3+) tells entry from
//! exit itself; older kernels give registers, and the caller's own bookkeeping (is the
//! task inside a call?) tells them apart, as strace does. A 32-bit (compat) task's call
//! gets [`tracer_common::COMPAT_NR`] in its number, as the eBPF programs give it.

use std::sync::{
    LazyLock,
    atomic::{AtomicBool, Ordering},
};

use nix::{errno::Errno, unistd::Pid};
use tracer_common::{AUDIT_ARCH, COMPAT_NR};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyscallStop {
    Entry {
        nr: u32,
        args: [u64; 6],
        /// The stack pointer.
        sp: u64,
        /// The instruction pointer (after the syscall instruction).
        ip: u64,
    },
    /// A `SECCOMP_RET_TRACE` stop: the call is entering, as at an entry stop.
    Seccomp {
        nr: u32,
        args: [u64; 6],
        sp: u64,
        ip: u64,
    },
    Exit {
        ret: i64,
    },
}

/// How the stop was reported by waitpid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopKind {
    /// `SIGTRAP | 0x80` (PTRACE_O_TRACESYSGOOD).
    Syscall,
    /// `PTRACE_EVENT_SECCOMP`.
    Seccomp,
}

static NO_SYSCALL_INFO: AtomicBool = AtomicBool::new(false);

/// `TRACER_PTRACE_REGISTERS=1`: read registers as on a kernel before 5.3, so that tests
/// run the fallback on the kernels they have.
static REGISTERS_ONLY: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("TRACER_PTRACE_REGISTERS").is_some_and(|v| v == "1"));

/// `PTRACE_GET_SYSCALL_INFO`. Not nix's `ptrace::syscall_info`, which passes a buffer
/// size of 0, so the kernel fills in nothing.
fn syscall_info(pid: Pid) -> Result<libc::ptrace_syscall_info, Errno> {
    // SAFETY: all-zero is a valid value of this plain-data struct.
    let mut info: libc::ptrace_syscall_info = unsafe { std::mem::zeroed() };
    // SAFETY: the kernel writes at most `size` bytes into `info`.
    let rc = unsafe {
        libc::ptrace(
            libc::PTRACE_GET_SYSCALL_INFO,
            pid.as_raw(),
            size_of::<libc::ptrace_syscall_info>(),
            &mut info as *mut libc::ptrace_syscall_info,
        )
    };
    Errno::result(rc).map(|_| info)
}

/// The task's instruction pointer now (a signal-delivery stop's, for `-i`).
pub fn ip(pid: Pid) -> Option<u64> {
    registers(pid).ok().map(|r| r.ip)
}

/// Reads the state of a task in a syscall or seccomp stop. `in_call` is whether the
/// tracer saw this task enter a call it has not left: only used without syscall info.
pub fn read(pid: Pid, kind: StopKind, in_call: bool) -> Result<SyscallStop, Errno> {
    if !NO_SYSCALL_INFO.load(Ordering::Relaxed) && !*REGISTERS_ONLY {
        match syscall_info(pid) {
            Ok(info) => {
                // SAFETY: `op` says which union member the kernel filled in.
                unsafe {
                    match info.op {
                        libc::PTRACE_SYSCALL_INFO_ENTRY => {
                            let e = info.u.entry;
                            return Ok(SyscallStop::Entry {
                                nr: tagged(e.nr as u32, info.arch != AUDIT_ARCH),
                                args: e.args,
                                sp: info.stack_pointer,
                                ip: info.instruction_pointer,
                            });
                        }
                        libc::PTRACE_SYSCALL_INFO_SECCOMP => {
                            let s = info.u.seccomp;
                            return Ok(SyscallStop::Seccomp {
                                nr: tagged(s.nr as u32, info.arch != AUDIT_ARCH),
                                args: s.args,
                                sp: info.stack_pointer,
                                ip: info.instruction_pointer,
                            });
                        }
                        libc::PTRACE_SYSCALL_INFO_EXIT => {
                            return Ok(SyscallStop::Exit {
                                ret: info.u.exit.sval,
                            });
                        }
                        // Not a syscall stop after all: fall back to the registers.
                        _ => {}
                    }
                }
            }
            Err(Errno::EIO | Errno::EINVAL) => NO_SYSCALL_INFO.store(true, Ordering::Relaxed),
            Err(e) => return Err(e),
        }
    }
    let regs = registers(pid)?;
    let (nr, args, sp, ip) = (tagged(regs.nr, regs.compat), regs.args, regs.sp, regs.ip);
    Ok(match kind {
        StopKind::Seccomp => SyscallStop::Seccomp { nr, args, sp, ip },
        StopKind::Syscall if in_call => SyscallStop::Exit { ret: regs.ret },
        StopKind::Syscall => SyscallStop::Entry { nr, args, sp, ip },
    })
}

/// A compat call's number gets the bit that keeps it apart from the native table.
fn tagged(nr: u32, compat: bool) -> u32 {
    if compat { nr | COMPAT_NR } else { nr }
}

/// What the registers of a task in a syscall stop say, before `PTRACE_GET_SYSCALL_INFO`.
struct Registers {
    nr: u32,
    args: [u64; 6],
    sp: u64,
    ip: u64,
    /// The result, at an exit stop.
    ret: i64,
    compat: bool,
}

/// x86_64: `PTRACE_GETREGS`. An ia32 call (from 32-bit code, whose code segment is
/// `__USER32_CS`, or `int $0x80`, whose two bytes precede the instruction pointer, from
/// 64-bit code, as strace's old detection read them) has its arguments in ebx, ecx,
/// edx, esi, edi, ebp.
#[cfg(target_arch = "x86_64")]
fn registers(pid: Pid) -> Result<Registers, Errno> {
    let r = nix::sys::ptrace::getregs(pid)?;
    let int80 = || {
        let word =
            nix::sys::ptrace::read(pid, r.rip.wrapping_sub(2) as nix::sys::ptrace::AddressType);
        word.is_ok_and(|w| w as u16 == 0x80cd)
    };
    let compat = r.cs == 0x23 || int80();
    Ok(Registers {
        nr: r.orig_rax as u32,
        args: if compat {
            [r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp].map(|v| v as u32 as u64)
        } else {
            [r.rdi, r.rsi, r.rdx, r.r10, r.r8, r.r9]
        },
        sp: r.rsp,
        ip: r.rip,
        ret: if compat {
            r.rax as i32 as i64
        } else {
            r.rax as i64
        },
        compat,
    })
}

/// `NT_ARM_SYSTEM_CALL` (include/uapi/linux/elf.h): `regs->syscallno`, an int.
#[cfg(target_arch = "aarch64")]
const NT_ARM_SYSTEM_CALL: libc::c_int = 0x404;

/// `PTRACE_GETREGSET`: how many bytes the kernel wrote.
#[cfg(target_arch = "aarch64")]
fn get_regset<T>(pid: Pid, note: libc::c_int, value: &mut T) -> Result<usize, Errno> {
    let mut iov = libc::iovec {
        iov_base: (value as *mut T).cast(),
        iov_len: size_of::<T>(),
    };
    // SAFETY: the kernel writes at most `iov_len` bytes into `value` and shortens
    // `iov_len` to what it wrote.
    let rc = unsafe {
        libc::ptrace(
            libc::PTRACE_GETREGSET,
            pid.as_raw(),
            note as usize,
            &mut iov as *mut libc::iovec,
        )
    };
    Errno::result(rc).map(|_| iov.iov_len)
}

/// arm64: `PTRACE_GETREGSET` of `NT_PRSTATUS` (`struct user_pt_regs`: x0..x30, sp, pc,
/// pstate; an AArch32 task's is the 18-word `compat_user_regs`, which its length tells)
/// and the number from `NT_ARM_SYSTEM_CALL`. x0..x5 are the arguments (r0..r5 for
/// AArch32) and x0 the result at the exit stop, where the first argument is gone
/// (`orig_x0` is not in the regset), which the caller does not need then.
#[cfg(target_arch = "aarch64")]
fn registers(pid: Pid) -> Result<Registers, Errno> {
    /// `compat_user_regs`: r0..r15, cpsr, orig_r0.
    const COMPAT_WORDS: usize = 18;
    // SAFETY: all-zero is a valid value of this plain-data struct.
    let mut r: libc::user_regs_struct = unsafe { std::mem::zeroed() };
    let len = get_regset(pid, libc::NT_PRSTATUS, &mut r)?;
    let mut nr: libc::c_int = -1;
    get_regset(pid, NT_ARM_SYSTEM_CALL, &mut nr)?;
    if len == COMPAT_WORDS * 4 {
        // SAFETY: the kernel filled the first 72 bytes with 32-bit words.
        let words: [u32; COMPAT_WORDS] = unsafe { std::mem::transmute_copy(&r) };
        return Ok(Registers {
            nr: nr as u32,
            args: std::array::from_fn(|i| u64::from(words[i])),
            sp: u64::from(words[13]),
            ip: u64::from(words[15]),
            ret: i64::from(words[0] as i32),
            compat: true,
        });
    }
    Ok(Registers {
        nr: nr as u32,
        args: std::array::from_fn(|i| r.regs[i]),
        sp: r.sp,
        ip: r.pc,
        ret: r.regs[0] as i64,
        compat: false,
    })
}

/// `-e inject=`: the call a task in its entry stop will run instead (-1: none, the
/// kernel then skips it).
#[cfg(target_arch = "x86_64")]
pub fn set_nr(pid: Pid, nr: i64) -> Result<(), Errno> {
    let mut r = nix::sys::ptrace::getregs(pid)?;
    r.orig_rax = nr as u64;
    nix::sys::ptrace::setregs(pid, r)
}

/// `-e inject=`: the result a task in its exit stop returns.
#[cfg(target_arch = "x86_64")]
pub fn set_return(pid: Pid, value: i64) -> Result<(), Errno> {
    let mut r = nix::sys::ptrace::getregs(pid)?;
    r.rax = value as u64;
    nix::sys::ptrace::setregs(pid, r)
}

#[cfg(target_arch = "aarch64")]
fn set_regset<T>(pid: Pid, note: libc::c_int, value: &mut T) -> Result<(), Errno> {
    let mut iov = libc::iovec {
        iov_base: (value as *mut T).cast(),
        iov_len: size_of::<T>(),
    };
    // SAFETY: the kernel reads at most `iov_len` bytes from `value`.
    let rc = unsafe {
        libc::ptrace(
            libc::PTRACE_SETREGSET,
            pid.as_raw(),
            note as usize,
            &mut iov as *mut libc::iovec,
        )
    };
    Errno::result(rc).map(drop)
}

#[cfg(target_arch = "aarch64")]
pub fn set_nr(pid: Pid, nr: i64) -> Result<(), Errno> {
    let mut nr = nr as libc::c_int;
    set_regset(pid, NT_ARM_SYSTEM_CALL, &mut nr)
}

#[cfg(target_arch = "aarch64")]
pub fn set_return(pid: Pid, value: i64) -> Result<(), Errno> {
    // SAFETY: all-zero is a valid value of this plain-data struct.
    let mut r: libc::user_regs_struct = unsafe { std::mem::zeroed() };
    get_regset(pid, libc::NT_PRSTATUS, &mut r)?;
    r.regs[0] = value as u64;
    set_regset(pid, libc::NT_PRSTATUS, &mut r)
}
