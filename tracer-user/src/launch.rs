//! Starting the traced command so that tracing covers it from its `execve` on.
//!
//! The child is forked, then waits on a pipe until the backend has registered it (pid
//! inserted into the kernel's trace set, or ptrace-seized); only then does it exec. A
//! second, close-on-exec pipe carries an exec failure's errno back to the parent.

use std::{
    ffi::{CString, OsStr},
    os::{fd::OwnedFd, unix::ffi::OsStrExt},
    path::{Path, PathBuf},
};

use anyhow::{Context as _, Result, bail};
use nix::{
    errno::Errno,
    sys::signal::{SigSet, SigmaskHow, pthread_sigmask},
    unistd::{ForkResult, Pid, execv, fork, pipe2, read, write},
};

/// A forked child held before its exec.
pub struct Gated {
    pub pid: Pid,
    go: OwnedFd,
    exec_error: OwnedFd,
}

/// Why a command could not be run, with the shell's exit status for it.
#[derive(Debug, thiserror::Error)]
#[error("cannot run '{program}': {}", errno.desc())]
pub struct CommandError {
    pub program: String,
    pub errno: Errno,
}

impl CommandError {
    /// 127 when the command is missing, 126 when it exists but cannot be executed.
    pub fn exit_status(&self) -> i32 {
        if self.errno == Errno::ENOENT {
            127
        } else {
            126
        }
    }
}

/// Finds `program` the way `execvp` would, so a missing command is reported before any
/// tracing starts.
pub fn resolve(program: &str) -> Result<PathBuf, CommandError> {
    let err = |errno| CommandError {
        program: program.to_owned(),
        errno,
    };
    let candidate = |p: &Path| -> Result<(), Errno> {
        nix::unistd::access(p, nix::unistd::AccessFlags::X_OK)?;
        if p.is_dir() {
            return Err(Errno::EACCES);
        }
        Ok(())
    };
    if program.contains('/') {
        let path = PathBuf::from(program);
        return candidate(&path).map(|()| path).map_err(err);
    }
    let search = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    let mut first_error = Errno::ENOENT;
    for dir in std::env::split_paths(&search) {
        let path = dir.join(program);
        match candidate(&path) {
            Ok(()) => return Ok(path),
            Err(Errno::ENOENT) | Err(Errno::ENOTDIR) => {}
            Err(e) if first_error == Errno::ENOENT => first_error = e,
            Err(_) => {}
        }
    }
    Err(err(first_error))
}

/// Forks a child that will exec `path` with `argv` once [`Gated::release`] is called.
pub fn spawn_gated(path: &Path, argv: &[String]) -> Result<Gated> {
    spawn_gated_with(path, argv, &|| {})
}

/// As [`spawn_gated`], with `before_exec` run in the child right before its exec (e.g.
/// to install a seccomp filter). It must only make async-signal-safe calls.
pub fn spawn_gated_with(path: &Path, argv: &[String], before_exec: &dyn Fn()) -> Result<Gated> {
    let c_path =
        CString::new(path.as_os_str().as_bytes()).context("command path has a NUL byte")?;
    let c_argv = argv
        .iter()
        .map(|a| CString::new(OsStr::new(a).as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .context("command argument has a NUL byte")?;
    let (go_rd, go_wr) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("pipe")?;
    let (err_rd, err_wr) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("pipe")?;

    // SAFETY: between fork and exec the child only makes async-signal-safe calls
    // (read, sigprocmask, sigaction, execv, write, _exit) on data prepared before the fork.
    match unsafe { fork() }.context("fork")? {
        ForkResult::Child => {
            drop(go_wr);
            drop(err_rd);
            let mut byte = [0u8; 1];
            // EOF (the tracer died before releasing us) means: do not run untraced.
            if !matches!(read(&go_rd, &mut byte), Ok(1)) {
                unsafe { libc::_exit(127) };
            }
            // The tracer blocks the signals it reads through a signalfd; the command
            // must start with the default mask.
            let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
            // Rust ignores SIGPIPE and an ignored signal stays ignored across exec: give
            // the command the default disposition, as a shell would.
            // SAFETY: sigaction is async-signal-safe; SIG_DFL installs no handler.
            unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
            before_exec();
            let errno = execv(&c_path, &c_argv).unwrap_err();
            let _ = write(&err_wr, &(errno as i32).to_ne_bytes());
            unsafe { libc::_exit(127) };
        }
        ForkResult::Parent { child } => Ok(Gated {
            pid: child,
            go: go_wr,
            exec_error: err_rd,
        }),
    }
}

impl Gated {
    /// Lets the child exec. Returns the exec error if the exec failed.
    pub fn release(self, program: &str) -> Result<Pid> {
        write(&self.go, &[1]).context("releasing the traced command")?;
        drop(self.go);
        let mut buf = [0u8; 4];
        match read(&self.exec_error, &mut buf) {
            Ok(0) => Ok(self.pid),
            Ok(4) => {
                let errno = Errno::from_raw(i32::from_ne_bytes(buf));
                // Reap the child, which exits with 127 right after reporting.
                let _ = nix::sys::wait::waitpid(self.pid, None);
                Err(CommandError {
                    program: program.to_owned(),
                    errno,
                }
                .into())
            }
            Ok(n) => bail!("short read ({n} bytes) from the exec status pipe"),
            Err(e) => Err(e).context("reading the exec status pipe"),
        }
    }

    /// Lets the child exec without waiting for the outcome, for a tracer that has to
    /// serve the child's ptrace stops meanwhile. The descriptor yields the exec's errno
    /// (4 bytes) if it failed, EOF if it succeeded.
    pub fn release_nowait(self) -> Result<(Pid, OwnedFd)> {
        write(&self.go, &[1]).context("releasing the traced command")?;
        Ok((self.pid, self.exec_error))
    }

    /// Abandons the child: closing the gate makes it exit without running the command.
    pub fn abort(self) {
        let pid = self.pid;
        drop(self);
        let _ = nix::sys::wait::waitpid(pid, None);
    }
}
