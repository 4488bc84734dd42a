//! What a syscall stop says: `PTRACE_GET_SYSCALL_INFO` (Linux 5.3+) tells entry from
//! exit itself; older kernels give registers, and the caller's own bookkeeping (is the
//! task inside a call?) tells them apart, as strace does.

use std::sync::atomic::{AtomicBool, Ordering};

use nix::{errno::Errno, sys::ptrace, unistd::Pid};

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

/// Reads the state of a task in a syscall or seccomp stop. `in_call` is whether the
/// tracer saw this task enter a call it has not left: only used without syscall info.
pub fn read(pid: Pid, kind: StopKind, in_call: bool) -> Result<SyscallStop, Errno> {
    if !NO_SYSCALL_INFO.load(Ordering::Relaxed) {
        match syscall_info(pid) {
            Ok(info) => {
                // SAFETY: `op` says which union member the kernel filled in.
                unsafe {
                    match info.op {
                        libc::PTRACE_SYSCALL_INFO_ENTRY => {
                            let e = info.u.entry;
                            return Ok(SyscallStop::Entry {
                                nr: e.nr as u32,
                                args: e.args,
                                sp: info.stack_pointer,
                                ip: info.instruction_pointer,
                            });
                        }
                        libc::PTRACE_SYSCALL_INFO_SECCOMP => {
                            let s = info.u.seccomp;
                            return Ok(SyscallStop::Seccomp {
                                nr: s.nr as u32,
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
    let regs = ptrace::getregs(pid)?;
    let args = [regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9];
    let (nr, sp, ip) = (regs.orig_rax as u32, regs.rsp, regs.rip);
    Ok(match kind {
        StopKind::Seccomp => SyscallStop::Seccomp { nr, args, sp, ip },
        StopKind::Syscall if in_call => SyscallStop::Exit {
            ret: regs.rax as i64,
        },
        StopKind::Syscall => SyscallStop::Entry { nr, args, sp, ip },
    })
}
