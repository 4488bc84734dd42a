//! After the trace stopped early: serving a launched command that runs under the
//! tracer's seccomp filter until it exits.
//!
//! The filter's `SECCOMP_RET_TRACE` needs a tracer: without one, each traced call fails
//! with ENOSYS. Such a command can therefore not be detached; instead the tracer stays
//! attached, prints nothing more and resumes every stop at once (`PTRACE_CONT`: only the
//! filter's stops remain, no syscall stops), delivering every signal, until the command
//! and every task it started are gone.

use nix::{errno::Errno, sys::signalfd::SignalFd, unistd::Pid};

use super::wait::{self, Resume, Status};
use crate::event::ExitStatus;

/// A launched command under the filter, whose trace has stopped.
#[derive(Debug)]
pub struct Serving {
    pid: Pid,
    status: Option<ExitStatus>,
}

impl Serving {
    pub fn new(pid: Pid, status: Option<ExitStatus>) -> Self {
        Self { pid, status }
    }

    pub fn pid(&self) -> Pid {
        self.pid
    }

    /// Serves every tracee until none is left; returns how the command ended. Stop
    /// signals meanwhile are read and dropped: leaving would break the command.
    pub fn run(mut self, signals: &SignalFd) -> Option<ExitStatus> {
        loop {
            while let Ok(Some(_)) = signals.read_signal() {}
            let status = match wait::wait_any(true) {
                Ok(Some(status)) => status,
                Ok(None) | Err(Errno::EINTR) => continue,
                // ECHILD: no tracee (and no child) is left.
                Err(_) => return self.status,
            };
            match status {
                Status::Exited { tid, code } => self.exited(tid, ExitStatus::Exited(code)),
                Status::Killed {
                    tid,
                    signal,
                    core_dumped,
                } => self.exited(
                    tid,
                    ExitStatus::Killed {
                        signal,
                        core_dumped,
                    },
                ),
                Status::Event { tid, event, signal }
                    if event == libc::PTRACE_EVENT_STOP && wait::is_group_stop(signal) =>
                {
                    // Stays stopped until SIGCONT, as it would untraced.
                    let _ = wait::listen(tid);
                }
                Status::Signal { tid, signal } => {
                    let _ = wait::resume(Resume::Cont, tid, signal);
                }
                Status::Syscall { tid } | Status::Event { tid, .. } => {
                    let _ = wait::resume(Resume::Cont, tid, 0);
                }
            }
        }
    }

    fn exited(&mut self, tid: u32, status: ExitStatus) {
        if tid == self.pid.as_raw() as u32 {
            self.status = Some(status);
        }
    }
}
