//! waitpid and the ptrace requests that resume a task, with signals as raw numbers.
//!
//! nix's `WaitStatus` and `ptrace::{syscall, cont, detach}` take nix's `Signal`, which
//! has no real-time signals (32..64): a tracee sent one (glibc sends them itself, for
//! `setgid` in a threaded program or `pthread_cancel`) would fail the conversion, and its
//! signal would be lost. Here every signal is an `i32`, 1..=64, passed through untouched.

use nix::errno::Errno;

/// `SIGTRAP | 0x80`: a syscall stop under `PTRACE_O_TRACESYSGOOD`.
const SYSCALL_TRAP: i32 = libc::SIGTRAP | 0x80;

/// What waitpid reported about one task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Exited {
        tid: u32,
        code: i32,
    },
    Killed {
        tid: u32,
        signal: i32,
        core_dumped: bool,
    },
    /// A syscall-entry or -exit stop.
    Syscall {
        tid: u32,
    },
    /// A `PTRACE_EVENT_*` stop; `signal` is the stop's signal (for `PTRACE_EVENT_STOP`,
    /// the stop signal of a group-stop, or SIGTRAP).
    Event {
        tid: u32,
        event: i32,
        signal: i32,
    },
    /// A signal-delivery-stop: `signal` is about to be delivered.
    Signal {
        tid: u32,
        signal: i32,
    },
}

impl Status {
    /// Decodes a raw wait status (the `WIF*` macros of `<sys/wait.h>`).
    pub fn decode(tid: u32, raw: i32) -> Option<Self> {
        if libc::WIFEXITED(raw) {
            return Some(Self::Exited {
                tid,
                code: libc::WEXITSTATUS(raw),
            });
        }
        if libc::WIFSIGNALED(raw) {
            return Some(Self::Killed {
                tid,
                signal: libc::WTERMSIG(raw),
                core_dumped: libc::WCOREDUMP(raw),
            });
        }
        if !libc::WIFSTOPPED(raw) {
            return None;
        }
        let signal = libc::WSTOPSIG(raw);
        let event = raw >> 16;
        Some(if signal == SYSCALL_TRAP {
            Self::Syscall { tid }
        } else if event != 0 {
            Self::Event { tid, event, signal }
        } else {
            Self::Signal { tid, signal }
        })
    }
}

/// One status of any tracee or child (`__WALL`); `None` when nothing is waiting
/// (`block == false`) or the status is of no interest (continued).
pub fn wait_any(block: bool) -> Result<Option<Status>, Errno> {
    let mut flags = libc::__WALL;
    if !block {
        flags |= libc::WNOHANG;
    }
    let mut raw = 0;
    // SAFETY: `raw` is a valid int for the kernel to write.
    let pid = Errno::result(unsafe { libc::waitpid(-1, &mut raw, flags) })?;
    if pid == 0 {
        return Ok(None);
    }
    Ok(Status::decode(pid as u32, raw))
}

/// A ptrace request that resumes (or lets go of) a stopped task.
#[derive(Clone, Copy, Debug)]
pub enum Resume {
    /// Until the next syscall stop (or event, or signal).
    Syscall,
    /// Until the next event or signal (seccomp stops included).
    Cont,
    /// Let go.
    Detach,
}

/// Resumes `tid` with `signal` (0: none) delivered.
pub fn resume(how: Resume, tid: u32, signal: i32) -> Result<(), Errno> {
    let request = match how {
        Resume::Syscall => libc::PTRACE_SYSCALL,
        Resume::Cont => libc::PTRACE_CONT,
        Resume::Detach => libc::PTRACE_DETACH,
    };
    // SAFETY: these requests take no address and a signal number as data.
    let rc = unsafe { libc::ptrace(request, tid as libc::pid_t, 0usize, signal as usize) };
    Errno::result(rc).map(drop)
}

/// `PTRACE_LISTEN`: a task in a group-stop stays stopped, but its next event (SIGCONT,
/// a new signal) is reported.
pub fn listen(tid: u32) -> Result<(), Errno> {
    // SAFETY: PTRACE_LISTEN takes no address or data.
    let rc = unsafe { libc::ptrace(libc::PTRACE_LISTEN, tid as libc::pid_t, 0usize, 0usize) };
    Errno::result(rc).map(drop)
}

/// Whether a `PTRACE_EVENT_STOP` with this signal is a group-stop (`kill -STOP`), not a
/// `PTRACE_INTERRUPT` or a new task's first stop (SIGTRAP).
pub fn is_group_stop(signal: i32) -> bool {
    matches!(
        signal,
        libc::SIGSTOP | libc::SIGTSTP | libc::SIGTTIN | libc::SIGTTOU
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signal_decodes_raw() {
        // Stopped by signal N: 0x7f | N << 8.
        for sig in 1..=64 {
            assert_eq!(
                Status::decode(7, 0x7f | sig << 8),
                Some(Status::Signal {
                    tid: 7,
                    signal: sig
                })
            );
        }
        // Killed by SIGRTMIN+2 (36), no core; SIGSEGV with a core.
        assert_eq!(
            Status::decode(7, 36),
            Some(Status::Killed {
                tid: 7,
                signal: 36,
                core_dumped: false
            })
        );
        assert_eq!(
            Status::decode(7, 11 | 0x80),
            Some(Status::Killed {
                tid: 7,
                signal: 11,
                core_dumped: true
            })
        );
        assert_eq!(
            Status::decode(7, 3 << 8),
            Some(Status::Exited { tid: 7, code: 3 })
        );
        assert_eq!(
            Status::decode(7, 0x7f | SYSCALL_TRAP << 8),
            Some(Status::Syscall { tid: 7 })
        );
        // PTRACE_EVENT_STOP (128) of a group-stop by SIGTSTP.
        assert_eq!(
            Status::decode(7, 0x7f | libc::SIGTSTP << 8 | 128 << 16),
            Some(Status::Event {
                tid: 7,
                event: 128,
                signal: libc::SIGTSTP
            })
        );
    }
}
