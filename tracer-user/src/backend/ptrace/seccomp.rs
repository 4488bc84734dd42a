//! A seccomp filter that makes only the traced syscalls stop the tracee (strace's
//! `--seccomp-bpf`): they return `SECCOMP_RET_TRACE` (a ptrace seccomp stop), every other
//! call runs without waking the tracer.
//!
//! A filter outlives the tracer: with no tracer attached, `SECCOMP_RET_TRACE` fails the
//! call with ENOSYS. It is therefore only installed in commands the tracer starts, which
//! die with it (`PTRACE_O_EXITKILL`).

use std::collections::BTreeSet;

use libc::sock_filter;
use nix::errno::Errno;

// Classic BPF opcodes (linux/filter.h).
// BPF_LD | BPF_W | BPF_ABS (the first two are 0).
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JEQ_K: u16 = 0x05 | 0x10;
const BPF_JMP_JGE_K: u16 = 0x05 | 0x30;
const BPF_RET_K: u16 = 0x06;

/// `struct seccomp_data` offsets.
const DATA_NR: u32 = 0;
const DATA_ARCH: u32 = 4;

use tracer_common::{AUDIT_ARCH, X32_SYSCALL_BIT};

const RET_ALLOW: u32 = 0x7fff_0000;
const RET_TRACE: u32 = 0x7ff0_0000;

/// Longest program the kernel accepts (BPF_MAXINSNS).
const MAX_INSNS: usize = 4096;

fn stmt(code: u16, k: u32) -> sock_filter {
    sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// A filter program, built in the tracer and installed in the child before its exec.
#[derive(Clone, Debug)]
pub struct Filter {
    insns: Vec<sock_filter>,
}

impl Filter {
    /// Traces the calls in `traced`; calls of another ABI (i386 or AArch32, x32), whose
    /// numbers mean something else, are all traced, so nothing is missed.
    pub fn new(traced: &BTreeSet<u32>) -> Self {
        let mut insns = vec![
            stmt(BPF_LD_W_ABS, DATA_ARCH),
            jump(BPF_JMP_JEQ_K, AUDIT_ARCH, 1, 0),
            stmt(BPF_RET_K, RET_TRACE),
            stmt(BPF_LD_W_ABS, DATA_NR),
        ];
        if let Some(bit) = X32_SYSCALL_BIT {
            insns.push(jump(BPF_JMP_JGE_K, bit, 0, 1));
            insns.push(stmt(BPF_RET_K, RET_TRACE));
        }
        // One compare per number; each one's "trace" return follows it, so no jump is
        // longer than one instruction (jump offsets are 8 bits).
        for &nr in traced {
            insns.push(jump(BPF_JMP_JEQ_K, nr, 0, 1));
            insns.push(stmt(BPF_RET_K, RET_TRACE));
        }
        insns.push(stmt(BPF_RET_K, RET_ALLOW));
        if insns.len() > MAX_INSNS {
            // More numbers than a program holds: trace everything rather than fail.
            insns = vec![stmt(BPF_RET_K, RET_TRACE)];
        }
        Self { insns }
    }

    /// Installs the filter in the calling thread. Async-signal-safe (two syscalls), for
    /// use between fork and exec. Without CAP_SYS_ADMIN the kernel requires
    /// no_new_privs, which is then set, as strace does.
    pub fn install(&self) -> Result<(), Errno> {
        let prog = libc::sock_fprog {
            len: self.insns.len() as u16,
            filter: self.insns.as_ptr().cast_mut(),
        };
        let set = || {
            // SAFETY: `prog` points at `insns`, which outlive the call; the kernel copies
            // the program.
            let rc = unsafe {
                libc::syscall(
                    libc::SYS_seccomp,
                    libc::SECCOMP_SET_MODE_FILTER,
                    0,
                    &prog as *const libc::sock_fprog,
                )
            };
            Errno::result(rc).map(drop)
        };
        match set() {
            Err(Errno::EACCES) => {
                // SAFETY: prctl with integer arguments only.
                Errno::result(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) })?;
                set()
            }
            other => other,
        }
    }

    #[cfg(test)]
    fn run(&self, arch: u32, nr: u32) -> u32 {
        let mut acc = 0;
        let mut pc = 0;
        loop {
            let i = self.insns[pc];
            pc += 1;
            match i.code {
                BPF_LD_W_ABS => acc = if i.k == DATA_ARCH { arch } else { nr },
                BPF_JMP_JEQ_K | BPF_JMP_JGE_K => {
                    let hit = if i.code == BPF_JMP_JEQ_K {
                        acc == i.k
                    } else {
                        acc >= i.k
                    };
                    pc += usize::from(if hit { i.jt } else { i.jf });
                }
                BPF_RET_K => return i.k,
                other => panic!("unexpected opcode {other:#x}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_traced_numbers_stop() {
        let traced: BTreeSet<u32> = [0, 1, 59, 257, 435].into();
        let f = Filter::new(&traced);
        for nr in 0..512 {
            let want = if traced.contains(&nr) {
                RET_TRACE
            } else {
                RET_ALLOW
            };
            assert_eq!(f.run(AUDIT_ARCH, nr), want, "syscall {nr}");
        }
        if let Some(bit) = X32_SYSCALL_BIT {
            assert_eq!(f.run(AUDIT_ARCH, bit | 2), RET_TRACE);
        }
        assert_eq!(
            f.run(tracer_common::AUDIT_ARCH_COMPAT, 3),
            RET_TRACE,
            "32-bit calls are all traced"
        );
    }

    #[test]
    fn an_empty_set_allows_everything_and_a_huge_one_traces_everything() {
        let f = Filter::new(&BTreeSet::new());
        assert_eq!(f.run(AUDIT_ARCH, 59), RET_ALLOW);
        let f = Filter::new(&(0..5000).collect());
        assert_eq!(f.run(AUDIT_ARCH, 4999), RET_TRACE);
        assert_eq!(f.insns.len(), 1);
    }

    #[test]
    fn the_kernel_accepts_the_filter() {
        // Installed in a forked child, which then reports whether a traced call stops
        // (it fails with ENOSYS when no tracer is attached) and an untraced one runs.
        let f = Filter::new(&[libc::SYS_getppid as u32].into());
        // SAFETY: the child only makes raw syscalls and exits.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                let code = match f.install() {
                    Err(_) => 1,
                    Ok(()) => {
                        // SAFETY: raw syscalls without arguments.
                        let traced = unsafe { libc::syscall(libc::SYS_getppid) };
                        let errno = Errno::last_raw();
                        // SAFETY: as above.
                        let untraced = unsafe { libc::syscall(libc::SYS_getpid) };
                        if traced == -1 && errno == libc::ENOSYS && untraced > 0 {
                            0
                        } else {
                            2
                        }
                    }
                };
                // SAFETY: leaves the forked test child without running the harness.
                unsafe { libc::_exit(code) };
            }
            nix::unistd::ForkResult::Parent { child } => {
                let status = nix::sys::wait::waitpid(child, None).unwrap();
                assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
            }
        }
    }
}
