//! Tracing backends. Each one turns what the kernel reports into [`crate::event::Event`]s
//! and feeds them to the middle stage ([`Pipeline`]); nothing downstream knows which
//! backend ran. Which one serves a run is decided here, once.

pub mod blocked;
pub mod ebpf;
pub mod ptrace;
mod seccomp;

use std::{os::fd::AsFd as _, path::PathBuf, time::Duration};

use anyhow::{Context as _, Result, anyhow, bail};
use nix::{
    errno::Errno,
    poll::{PollFd, PollFlags, PollTimeout, poll},
    sys::{
        signal::{SigSet, Signal},
        signalfd::{SfdFlags, SignalFd},
        wait::{WaitPidFlag, WaitStatus, waitpid},
    },
    unistd::Pid,
};

use crate::{
    cli::BackendChoice,
    config::{Config, Interruptible},
    event::{ExitStatus, Loss},
    launch::Gated,
    pipeline::Pipeline,
};

/// A call in progress this long is shown as unfinished (`read(0, `), as strace shows a call
/// that blocks. Both backends use it, so their output agrees.
pub const BLOCKED_AFTER: Duration = Duration::from_millis(200);

/// Why a run ended before its tasks did.
#[derive(Debug)]
pub enum Stop {
    /// A stop signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT).
    Signal(Signal),
    /// `--syscall-limit` was reached: the tracees go on untraced.
    SyscallLimit,
    /// Writing the trace failed (or its reader went away), or the tracer failed.
    Error(anyhow::Error),
}

/// What a run reports back to `main`.
#[derive(Debug)]
pub struct Outcome {
    /// How the launched command ended, when there was one and it ended under the trace.
    pub launched_status: Option<ExitStatus>,
    pub stop: Option<Stop>,
    /// What the kernel could not pass on (ring buffer full), shown where it happened.
    pub lost: Loss,
    /// The launched command, when the trace stopped before it ended.
    pub running: Option<Running>,
    /// `-p`: the processes that were attached (those refused are not).
    pub attached: Vec<u32>,
}

/// A launched command that outlives its trace. It goes on, working; the tracer, its
/// parent, waits for it so that its exit status is not lost (`tracer -- cmd | head`).
#[derive(Debug)]
pub enum Running {
    /// Detached: it runs untraced.
    Detached(Pid),
    /// Under the ptrace backend's seccomp filter, which needs a tracer: its stops are
    /// served, silently, until it exits.
    Filtered(ptrace::Serving),
}

/// How waiting for a [`Running`] command ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Waited {
    Ended(ExitStatus),
    /// A stop signal came first: the tracer leaves the command running without it.
    Interrupted(Signal),
    /// Not a child any more (reaped elsewhere): nothing to report.
    Unknown,
}

impl Running {
    pub fn pid(&self) -> Pid {
        match self {
            Self::Detached(pid) => *pid,
            Self::Filtered(serving) => serving.pid(),
        }
    }

    /// Waits for the command to end. A detached one can be left behind by another stop
    /// signal; one under the filter cannot (it needs its tracer to the end).
    pub fn wait(self, signals: &SignalFd, cfg: &Config) -> Waited {
        let pid = match self {
            Self::Filtered(serving) => {
                return serving.run(signals).map_or(Waited::Unknown, Waited::Ended);
            }
            Self::Detached(pid) => pid,
        };
        loop {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::Exited(_, code)) => return Waited::Ended(ExitStatus::Exited(code)),
                Ok(WaitStatus::Signaled(_, signal, core_dumped)) => {
                    return Waited::Ended(ExitStatus::Killed {
                        signal: signal as i32,
                        core_dumped,
                    });
                }
                Ok(_) | Err(Errno::EINTR) => {}
                Err(_) => return Waited::Unknown,
            }
            if let Some(sig) = stop_signal(signals, cfg) {
                return Waited::Interrupted(sig);
            }
            // SIGCHLD and the stop signals both end the poll.
            let mut fds = [PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
            let _ = poll(&mut fds, PollTimeout::from(1000u16));
        }
    }
}

/// Reads the signals that arrived; returns the last one among them that stops the
/// trace (SIGCHLD only wakes the reader; `-I` says which others stop it; SIGHUP reopens
/// the output files of a trace that runs until stopped).
pub fn stop_signal(signals: &SignalFd, cfg: &Config) -> Option<Signal> {
    let mut stop = None;
    while let Ok(Some(info)) = signals.read_signal() {
        match Signal::try_from(info.ssi_signo as i32) {
            // The long-running mode: logrotate moved the files and asks for new ones.
            Ok(Signal::SIGHUP) if matches!(cfg.target, crate::config::Target::Cgroup(_)) => {
                crate::output::file::reopen_files()
            }
            Ok(sig) if sig != Signal::SIGCHLD && cfg.stops_on(sig) => stop = Some(sig),
            _ => {}
        }
    }
    stop
}

/// Attaches to each of `pids` with `attach`, after checking that it may be traced
/// (`crate::attach`), as strace does: a process that cannot be traced is refused with
/// one line and the others are traced; when none can be, that is the error.
pub fn attach_each(
    cfg: &Config,
    pids: &[u32],
    mut attach: impl FnMut(u32) -> Result<()>,
) -> Result<Vec<u32>> {
    let mut attached = Vec::new();
    let mut last_error = None;
    for &pid in pids {
        match crate::attach::check(pid)
            .map_err(anyhow::Error::from)
            .and_then(|()| attach(pid))
        {
            Ok(()) => {
                if !cfg.quiet.attach() {
                    crate::output::note(format_args!("Process {pid} attached"));
                }
                attached.push(pid);
            }
            Err(e) => {
                if let Some(earlier) = last_error.replace(e) {
                    crate::output::note(format_args!("{earlier:#}"));
                }
            }
        }
    }
    match (attached.is_empty(), last_error) {
        (true, Some(e)) => Err(e),
        (_, Some(e)) => {
            crate::output::note(format_args!("{e:#}"));
            Ok(attached)
        }
        (_, None) => Ok(attached),
    }
}

/// Blocks the signals the run loop handles and returns a descriptor to read them from.
/// Must run before any thread is started, so every thread inherits the mask. With
/// `-I4`, SIGTSTP is blocked too (and read, and ignored): ^Z does not stop the tracer.
pub fn block_signals(interruptible: Interruptible) -> Result<SignalFd> {
    let mut set = SigSet::empty();
    for sig in [
        Signal::SIGINT,
        Signal::SIGTERM,
        Signal::SIGHUP,
        Signal::SIGQUIT,
        Signal::SIGCHLD,
    ] {
        set.add(sig);
    }
    if interruptible == Interruptible::NeverTstp {
        set.add(Signal::SIGTSTP);
    }
    let start_mask = set
        .thread_swap_mask(nix::sys::signal::SigmaskHow::SIG_BLOCK)
        .context("blocking signals")?;
    // A signal the tracer was started with blocked stays blocked and unread, as strace
    // keeps its start mask: one pending from the start does not stop the trace.
    let mut read = SigSet::empty();
    for sig in set.iter() {
        if sig == Signal::SIGCHLD || !start_mask.contains(sig) {
            read.add(sig);
        }
    }
    crate::launch::remember_start_mask(start_mask);
    SignalFd::with_flags(&read, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC).context("signalfd")
}

/// The backend that serves this run.
pub enum Backend {
    Ebpf(Box<ebpf::EbpfTracer>),
    Ptrace,
}

impl Backend {
    /// Picks the backend: eBPF where the kernel lets it load, else (with `auto`) ptrace
    /// with a one-line notice; options only eBPF has never fall back silently, options
    /// only ptrace has choose it, saying so.
    pub fn select(cfg: &Config) -> Result<Self> {
        let choice = match (cfg.backend, cfg.ebpf_only(), cfg.ptrace_only()) {
            (_, Some(ebpf), Some(ptrace)) => bail!("{ebpf} and {ptrace} need different backends"),
            (BackendChoice::Ptrace, Some(option), _) => {
                bail!("{option} needs the eBPF backend")
            }
            (BackendChoice::Ebpf, _, Some(option)) => bail!("{option} needs the ptrace backend"),
            (BackendChoice::Auto, Some(_), _) => BackendChoice::Ebpf,
            (BackendChoice::Auto, _, Some(option)) => {
                eprintln!("tracer: using ptrace for {option}");
                BackendChoice::Ptrace
            }
            (choice, _, _) => choice,
        };
        Ok(match choice {
            BackendChoice::Ptrace => Self::Ptrace,
            BackendChoice::Ebpf => {
                let tracer = load_ebpf(cfg).map_err(|why| match cfg.ebpf_only() {
                    Some(option) => anyhow!("{option} needs the eBPF backend, unavailable ({why})"),
                    None => anyhow!("eBPF unavailable ({why})"),
                })?;
                Self::Ebpf(Box::new(tracer))
            }
            BackendChoice::Auto => match load_ebpf(cfg) {
                Ok(tracer) => Self::Ebpf(Box::new(tracer)),
                Err(why) => {
                    eprintln!("tracer: eBPF unavailable ({why}); using ptrace");
                    Self::Ptrace
                }
            },
        })
    }

    /// Whether the result, duration and path filters were applied before the events
    /// reach userspace.
    pub fn filters_in_kernel(&self) -> bool {
        matches!(self, Self::Ebpf(_))
    }

    /// Whether the run uses BPF objects (whose descriptors need CAP_BPF on older kernels).
    pub fn uses_bpf(&self) -> bool {
        matches!(self, Self::Ebpf(_))
    }

    /// Whether `-c`'s totals are counted in the kernel (and arrive as `Event::Totals`).
    pub fn counts_in_kernel(&self) -> bool {
        matches!(self, Self::Ebpf(_))
    }

    /// Whether `-c` can count system CPU time (else it counts wall-clock time, as `-w`):
    /// the eBPF backend needs the kernel's BTF for it.
    pub fn measures_system_time(&self) -> bool {
        match self {
            Self::Ebpf(tracer) => tracer.counts_cpu(),
            Self::Ptrace => true,
        }
    }

    /// Starts or attaches to the target and traces it until it is gone, a stop signal
    /// arrives or the trace cannot go on (`Outcome::stop`); whatever stops it, the
    /// traced processes go on unharmed. `program` is the launched command's resolved
    /// path; `daemonized`, with `-D`, the process that becomes it (not the tracer's
    /// child). An error means nothing was traced.
    pub fn run(
        self,
        cfg: &Config,
        program: Option<PathBuf>,
        daemonized: Option<Gated>,
        signals: &SignalFd,
        pipeline: &mut Pipeline,
    ) -> Result<Outcome> {
        match self {
            Self::Ptrace => ptrace::run(cfg, program.as_deref(), daemonized, signals, pipeline),
            Self::Ebpf(tracer) => ebpf::run(
                *tracer,
                cfg,
                program.as_deref(),
                daemonized,
                signals,
                pipeline,
            ),
        }
    }
}

/// Whether this kernel lets us create a BPF ring buffer map: the BPF syscall, the
/// privilege to use it and the ring buffer (5.8+) in one probe. The message is the
/// failing call and its error, e.g. `bpf: Operation not permitted`.
fn probe_bpf() -> Result<(), String> {
    const BPF_MAP_CREATE: libc::c_long = 0;
    const BPF_MAP_TYPE_RINGBUF: u32 = 27;
    // union bpf_attr for BPF_MAP_CREATE: map_type, key_size, value_size, max_entries,
    // then fields that must be zero.
    let mut attr = [0u32; 12];
    attr[0] = BPF_MAP_TYPE_RINGBUF;
    attr[3] = 4096;
    // SAFETY: `attr` is a valid, zero-padded bpf_attr of the size passed.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            BPF_MAP_CREATE,
            attr.as_ptr(),
            size_of_val(&attr) as libc::c_uint,
        )
    };
    if fd < 0 {
        let errno = Errno::last();
        // Unprivileged: say what would make it work.
        let hint = if errno == Errno::EPERM && !nix::unistd::geteuid().is_root() {
            "; it needs root, or CAP_BPF and CAP_PERFMON"
        } else {
            ""
        };
        return Err(format!("bpf: {}{hint}", errno.desc()));
    }
    // SAFETY: the descriptor was just created and is ours alone.
    unsafe { libc::close(fd as i32) };
    Ok(())
}

/// Whether the eBPF backend can run here, or why not, checked without loading the
/// programs (for `-V`).
pub fn ebpf_availability() -> Result<(), String> {
    probe_bpf()?;
    ebpf::preflight().map_err(|e| e.to_string())
}

/// Whether narrow traces can use BPF trampolines here, or why not (for `-V`).
pub fn trampolines_allowed() -> Result<(), String> {
    ebpf::trampolines_allowed()
}

/// The eBPF tracer, or why it cannot run here.
fn load_ebpf(cfg: &Config) -> Result<ebpf::EbpfTracer, String> {
    probe_bpf()?;
    ebpf::load(cfg).map_err(|e| format!("{:#}", anyhow!(e)))
}
