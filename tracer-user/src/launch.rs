//! Starting the traced command so that tracing covers it from its `execve` on.
//!
//! The child is forked, then waits on a pipe until the backend has registered it (pid
//! inserted into the kernel's trace set, or ptrace-seized); only then does it exec. A
//! second, close-on-exec pipe carries an exec failure's errno back to the parent.

use std::{
    ffi::{CString, OsStr, OsString},
    os::{
        fd::OwnedFd,
        unix::ffi::{OsStrExt, OsStringExt},
    },
    path::{Path, PathBuf},
    sync::{
        OnceLock,
        atomic::{AtomicBool, Ordering},
    },
};

use anyhow::{Context as _, Result, bail};
use nix::{
    errno::Errno,
    sys::signal::{SigSet, SigmaskHow, pthread_sigmask},
    unistd::{ForkResult, Pid, execve, fork, pipe2, read, write},
};

use crate::config::{LaunchOptions, RunAs};

/// The signal mask the tracer was started with, before it blocked the signals it reads:
/// the command starts with it, as it would untraced (strace's behaviour).
static START_MASK: OnceLock<SigSet> = OnceLock::new();

/// Whether SIGPIPE was ignored when the tracer was started: Rust's runtime ignores it
/// before `main`, so it is read earlier, by a constructor, for the command to inherit.
static SIGPIPE_IGNORED: AtomicBool = AtomicBool::new(false);
/// Whether SIGCHLD was ignored when the tracer was started: the tracer restores the
/// default (an ignored SIGCHLD reaps children unwaited, and the trace would lose their
/// exit statuses) and gives the command the ignored one back, as strace does.
static SIGCHLD_IGNORED: AtomicBool = AtomicBool::new(false);

#[used]
#[unsafe(link_section = ".init_array")]
static READ_DISPOSITIONS: extern "C" fn() = {
    extern "C" fn read_dispositions() {
        let ignored = |sig| {
            // SAFETY: all-zero is a valid sigaction; a null new action only reads the
            // current one.
            let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
            let rc = unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) };
            rc == 0 && old.sa_sigaction == libc::SIG_IGN
        };
        SIGPIPE_IGNORED.store(ignored(libc::SIGPIPE), Ordering::Relaxed);
        if ignored(libc::SIGCHLD) {
            SIGCHLD_IGNORED.store(true, Ordering::Relaxed);
            // SAFETY: SIG_DFL installs no handler.
            unsafe { libc::signal(libc::SIGCHLD, libc::SIG_DFL) };
        }
    }
    read_dispositions
};

/// A tracer started with stdin, stdout or stderr closed: each is held by a placeholder
/// (strace's `ensure_standard_fds_opened`), so that no file the tracer opens becomes
/// the command's stdin, and the command starts with it closed (the placeholder closes
/// on exec). A constructor does it, before Rust's runtime would open `/dev/null` there,
/// which the command would inherit.
#[used]
#[unsafe(link_section = ".init_array")]
static HOLD_CLOSED_STDIO: extern "C" fn() = {
    extern "C" fn hold_closed_stdio() {
        loop {
            let mut ends = [0; 2];
            // SAFETY: a valid array of two descriptors for the call to fill.
            if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
                return;
            }
            // SAFETY: closing descriptors this function just made. The read end, with
            // no writer, is the placeholder: reads see EOF, writes fail.
            unsafe { libc::close(ends[1]) };
            if ends[0] > 2 {
                unsafe { libc::close(ends[0]) };
                return;
            }
        }
    }
    hold_closed_stdio
};

/// Notes the mask the tracer started with (the caller is about to change it).
pub fn remember_start_mask(mask: SigSet) {
    let _ = START_MASK.set(mask);
}

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
pub fn resolve(program: &OsStr) -> Result<PathBuf, CommandError> {
    let err = |errno| CommandError {
        program: program.to_string_lossy().into_owned(),
        errno,
    };
    let candidate = |p: &Path| -> Result<(), Errno> {
        nix::unistd::access(p, nix::unistd::AccessFlags::X_OK)?;
        if p.is_dir() {
            return Err(Errno::EACCES);
        }
        Ok(())
    };
    if program.as_bytes().contains(&b'/') {
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
pub fn spawn_gated(path: &Path, argv: &[OsString], opts: &LaunchOptions) -> Result<Gated> {
    spawn_gated_with(path, argv, opts, &|| {})
}

/// The command's environment: the tracer's with `-E`'s changes, in order.
fn environment(opts: &LaunchOptions) -> Result<Vec<CString>> {
    let mut env: Vec<(OsString, OsString)> = std::env::vars_os().collect();
    for (name, value) in &opts.env {
        env.retain(|(n, _)| n != name);
        if let Some(value) = value {
            env.push((name.clone(), value.clone()));
        }
    }
    env.into_iter()
        .map(|(n, v)| {
            let mut kv = n.into_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            CString::new(kv)
        })
        .collect::<Result<_, _>>()
        .context("-E: an environment variable has a NUL byte")
}

/// What `-u` does in the child, prepared before the fork (user and group lookups are not
/// safe between fork and exec): the groups, and the real and effective ids. A setuid or
/// setgid program keeps its owner as the effective id, as strace arranges.
struct Credentials {
    groups: Vec<nix::unistd::Gid>,
    uid: u32,
    euid: u32,
    gid: u32,
    egid: u32,
}

fn credentials(user: &RunAs, path: &Path) -> Result<Credentials> {
    use std::os::unix::fs::MetadataExt;
    let gid = nix::unistd::Gid::from_raw(user.gid);
    let groups = match &user.name {
        Some(name) => nix::unistd::getgrouplist(name, gid).context("-u: the user's groups")?,
        None => vec![gid],
    };
    let meta = std::fs::metadata(path).context("-u")?;
    Ok(Credentials {
        groups,
        uid: user.uid,
        euid: if meta.mode() & 0o4000 != 0 {
            meta.uid()
        } else {
            user.uid
        },
        gid: user.gid,
        egid: if meta.mode() & 0o2000 != 0 {
            meta.gid()
        } else {
            user.gid
        },
    })
}

/// Everything the command's exec needs, prepared before any fork: allocations and user
/// lookups are not safe between fork and exec.
struct Exec {
    path: CString,
    argv: Vec<CString>,
    env: Vec<CString>,
    creds: Option<Credentials>,
}

impl Exec {
    fn new(path: &Path, argv: &[OsString], opts: &LaunchOptions) -> Result<Self> {
        let mut c_argv = argv
            .iter()
            .map(|a| CString::new(a.as_bytes()))
            .collect::<Result<Vec<_>, _>>()
            .context("command argument has a NUL byte")?;
        if let Some(argv0) = &opts.argv0 {
            c_argv[0] = CString::new(argv0.as_bytes()).context("--argv0 has a NUL byte")?;
        }
        Ok(Self {
            path: CString::new(path.as_os_str().as_bytes())
                .context("command path has a NUL byte")?,
            argv: c_argv,
            env: environment(opts)?,
            creds: opts
                .user
                .as_ref()
                .map(|user| credentials(user, path))
                .transpose()?,
        })
    }

    /// Waits for the tracer's go on `go`, then becomes the command; an exec that fails
    /// reports its errno on `exec_error`. Only async-signal-safe calls (read,
    /// sigprocmask, sigaction, setgroups, setresgid, setresuid, execve, write, _exit)
    /// on data prepared before the fork.
    fn run_when_released(&self, go: OwnedFd, exec_error: OwnedFd, before_exec: &dyn Fn()) -> ! {
        let fail = |errno: Errno| -> ! {
            let _ = write(&exec_error, &(errno as i32).to_ne_bytes());
            // SAFETY: _exit is async-signal-safe and ends the process at once.
            unsafe { libc::_exit(127) }
        };
        let mut byte = [0u8; 1];
        // EOF (the tracer died before releasing us) means: do not run untraced.
        if !matches!(read(&go, &mut byte), Ok(1)) {
            // SAFETY: as above.
            unsafe { libc::_exit(127) };
        }
        // The tracer blocks the signals it reads through a signalfd; the command starts
        // with the mask the tracer was given.
        let mask = START_MASK.get().copied().unwrap_or_else(SigSet::empty);
        let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&mask), None);
        // Rust ignores SIGPIPE and an ignored signal stays ignored across exec: give the
        // command the disposition the tracer was started with.
        if !SIGPIPE_IGNORED.load(Ordering::Relaxed) {
            // SAFETY: sigaction is async-signal-safe; SIG_DFL installs no handler.
            unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        }
        if SIGCHLD_IGNORED.load(Ordering::Relaxed) {
            // SAFETY: as above.
            unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
        }
        if let Some(c) = &self.creds {
            // Groups first: setuid gives up the right to change them.
            use nix::unistd::{Gid, Uid, setgroups, setresgid, setresuid};
            let (gid, egid) = (Gid::from_raw(c.gid), Gid::from_raw(c.egid));
            let (uid, euid) = (Uid::from_raw(c.uid), Uid::from_raw(c.euid));
            if let Err(errno) = setgroups(&c.groups)
                .and_then(|()| setresgid(gid, egid, egid))
                .and_then(|()| setresuid(uid, euid, euid))
            {
                fail(errno);
            }
        }
        before_exec();
        fail(execve(&self.path, &self.argv, &self.env).unwrap_err())
    }
}

/// As [`spawn_gated`], with `before_exec` run in the child right before its exec (e.g.
/// to install a seccomp filter). It must only make async-signal-safe calls.
pub fn spawn_gated_with(
    path: &Path,
    argv: &[OsString],
    opts: &LaunchOptions,
    before_exec: &dyn Fn(),
) -> Result<Gated> {
    let exec = Exec::new(path, argv, opts)?;
    let (go_rd, go_wr) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("pipe")?;
    let (err_rd, err_wr) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("pipe")?;
    // SAFETY: the child only runs `run_when_released`, which is async-signal-safe.
    match unsafe { fork() }.context("fork")? {
        ForkResult::Child => {
            drop(go_wr);
            drop(err_rd);
            exec.run_when_released(go_rd, err_wr, before_exec)
        }
        ForkResult::Parent { child } => Ok(Gated {
            pid: child,
            go: go_wr,
            exec_error: err_rd,
        }),
    }
}

/// `-D`: how detached the tracer is from the command it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Daemonize {
    /// A grandchild of the command (`-D`).
    Grandchild,
    /// And in its own process group (`-DD`).
    ProcessGroup,
    /// And in its own session (`-DDD`).
    Session,
}

/// `-D`: the tracer becomes a grandchild of this process, which becomes the command
/// once the tracer has it under trace, so the command keeps the caller's process (its
/// pid, its parent, its place in the shell's job). Returns in the tracer, with the gate
/// of the process to trace; the original process never returns. Must run before any
/// thread is started.
pub fn daemonize(
    how: Daemonize,
    path: &Path,
    argv: &[OsString],
    opts: &LaunchOptions,
) -> Result<Gated> {
    let exec = Exec::new(path, argv, opts)?;
    let (go_rd, go_wr) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("pipe")?;
    let (err_rd, err_wr) = pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("pipe")?;
    let command = Pid::this();
    // SAFETY: the process is single-threaded here (see above), so the child may do
    // anything; the parent only waits and then runs `run_when_released`.
    match unsafe { fork() }.context("fork")? {
        ForkResult::Parent { child } => {
            drop(go_wr);
            drop(err_rd);
            // The child leaves at once, handing the tracer to init.
            let _ = nix::sys::wait::waitpid(child, None);
            exec.run_when_released(go_rd, err_wr, &|| {})
        }
        ForkResult::Child => {
            drop(go_rd);
            drop(err_wr);
            // SAFETY: single-threaded, as above.
            if let ForkResult::Parent { .. } = unsafe { fork() }.context("fork")? {
                // SAFETY: _exit skips the parent's atexit handlers and buffers.
                unsafe { libc::_exit(0) };
            }
            match how {
                Daemonize::Grandchild => {}
                Daemonize::ProcessGroup => {
                    let _ = nix::unistd::setpgid(Pid::from_raw(0), Pid::from_raw(0));
                }
                Daemonize::Session => {
                    let _ = nix::unistd::setsid();
                }
            }
            Ok(Gated {
                pid: command,
                go: go_wr,
                exec_error: err_rd,
            })
        }
    }
}

/// Whether the exec of `pid`, released, succeeded: `exec_error` (see
/// [`Gated::release_nowait`]) says; a failed one's child is reaped.
pub fn exec_outcome(pid: Pid, exec_error: &OwnedFd, program: &OsStr) -> Result<Pid> {
    let mut buf = [0u8; 4];
    match read(exec_error, &mut buf) {
        Ok(0) => Ok(pid),
        Ok(4) => {
            let errno = Errno::from_raw(i32::from_ne_bytes(buf));
            // Reap the child, which exits with 127 right after reporting.
            let _ = nix::sys::wait::waitpid(pid, None);
            Err(CommandError {
                program: program.to_string_lossy().into_owned(),
                errno,
            }
            .into())
        }
        Ok(n) => bail!("short read ({n} bytes) from the exec status pipe"),
        Err(e) => Err(e).context("reading the exec status pipe"),
    }
}

/// The tracer lets go of its stdin and stdout once the command has them, as strace does
/// (`redirect_standard_fds`): a command that closes them closes the pipes they are
/// (`strace cmd | reader` sees its end when the command closes its stdout, not when the
/// tracer exits). Each becomes the read end of a pipe without a writer: reads see EOF,
/// writes fail. stderr stays: the trace and the tracer's messages go there.
fn let_go_of_stdio() {
    for fd in 0..=1 {
        let Ok((dummy, writer)) = pipe2(nix::fcntl::OFlag::O_CLOEXEC) else {
            return;
        };
        drop(writer);
        // SAFETY: dup3 onto a standard descriptor the tracer itself never reads or
        // writes after the launch; `dummy` is a valid open descriptor.
        unsafe { libc::dup3(std::os::fd::AsRawFd::as_raw_fd(&dummy), fd, libc::O_CLOEXEC) };
    }
}

impl Gated {
    /// Lets the child exec. Returns the exec error if the exec failed.
    pub fn release(self, program: &OsStr) -> Result<Pid> {
        write(&self.go, &[1]).context("releasing the traced command")?;
        let_go_of_stdio();
        drop(self.go);
        exec_outcome(self.pid, &self.exec_error, program)
    }

    /// Lets the child exec without waiting for the outcome, for a tracer that has to
    /// serve the child's ptrace stops meanwhile. The descriptor yields the exec's errno
    /// (4 bytes) if it failed, EOF if it succeeded.
    pub fn release_nowait(self) -> Result<(Pid, OwnedFd)> {
        write(&self.go, &[1]).context("releasing the traced command")?;
        let_go_of_stdio();
        Ok((self.pid, self.exec_error))
    }

    /// Abandons the child: closing the gate makes it exit without running the command.
    pub fn abort(self) {
        let pid = self.pid;
        drop(self);
        let _ = nix::sys::wait::waitpid(pid, None);
    }
}
