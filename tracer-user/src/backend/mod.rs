//! Tracing backends. Each one turns what the kernel reports into [`crate::event::Event`]s
//! and feeds them to a [`Sink`]; nothing downstream knows which backend ran.

pub mod ebpf;

use anyhow::{Context as _, Result, bail};
use nix::{
    sys::{
        signal::{SigSet, Signal},
        signalfd::{SfdFlags, SignalFd},
    },
    unistd::Pid,
};

use crate::{
    cli::{BackendChoice, Config, Target},
    event::ExitStatus,
    format::Sink,
    launch,
};

/// Why a run ended early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Signal(Signal),
}

/// What a run reports back to `main`.
#[derive(Debug)]
pub struct Outcome {
    /// How the launched command ended, when there was one and it did end.
    pub launched_status: Option<ExitStatus>,
    pub stop: Option<Stop>,
    pub lost: u64,
}

/// What every backend's run loop needs besides its own state.
pub struct RunContext {
    pub launched: Option<Pid>,
    /// Stop signals and SIGCHLD, blocked and read synchronously.
    pub signals: SignalFd,
}

/// Blocks the signals the run loop handles and returns a descriptor to read them from.
/// Must run before any thread is started, so every thread inherits the mask.
pub fn block_signals() -> Result<SignalFd> {
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
    set.thread_block().context("blocking signals")?;
    SignalFd::with_flags(&set, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC).context("signalfd")
}

/// Loads the chosen backend, starts or attaches to the target and runs the trace.
pub fn run(cfg: &Config, signals: SignalFd, sink: &mut dyn Sink) -> Result<Outcome> {
    if cfg.backend == BackendChoice::Ptrace {
        bail!("the ptrace backend is not available yet");
    }
    // A missing command is the user's error: report it before touching the kernel.
    let resolved = match &cfg.target {
        Target::Command(argv) => Some(launch::resolve(&argv[0])?),
        Target::Attach(_) => None,
    };
    let mut tracer = ebpf::load(&ebpf::LoadOptions {
        follow_forks: cfg.follow_forks,
        buffer_size: cfg.buffer_size,
    })
    .context("eBPF unavailable")?;
    let launched = match (&cfg.target, resolved) {
        (Target::Command(argv), Some(path)) => {
            let gated = launch::spawn_gated(&path, argv)?;
            if let Err(e) = tracer.trace_from_exec(gated.pid.as_raw() as u32) {
                gated.abort();
                return Err(e);
            }
            Some(gated.release(&argv[0])?)
        }
        (Target::Attach(pids), _) => {
            for &pid in pids {
                tracer.trace(pid)?;
                if cfg.quiet == 0 {
                    eprintln!("tracer: Process {pid} attached");
                }
            }
            None
        }
        (Target::Command(_), None) => unreachable!("commands are resolved above"),
    };
    ebpf::run(tracer, RunContext { launched, signals }, sink)
}
