//! Tracing backends. Each one turns what the kernel reports into [`crate::event::Event`]s
//! and feeds them to a [`Sink`]; nothing downstream knows which backend ran.

pub mod ebpf;
pub mod ptrace;

use std::{collections::BTreeSet, time::Duration};

use anyhow::{Context as _, Result, anyhow, bail};
use nix::{
    errno::Errno,
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

/// A call in progress this long is shown as unfinished (`read(0, `), as strace shows a call
/// that blocks. Both backends use it, so their output agrees.
pub const BLOCKED_AFTER: Duration = Duration::from_millis(200);

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
        return Err(format!("bpf: {}", Errno::last().desc()));
    }
    // SAFETY: the descriptor was just created and is ours alone.
    unsafe { libc::close(fd as i32) };
    Ok(())
}

/// The eBPF tracer, or why it cannot run here.
fn load_ebpf(cfg: &Config) -> Result<ebpf::EbpfTracer, String> {
    probe_bpf()?;
    ebpf::load(&ebpf::LoadOptions::from_config(cfg)).map_err(|e| format!("{:#}", anyhow!(e)))
}

/// The trace set as the ptrace backend wants it: `None` for every call.
fn ptrace_options(cfg: &Config) -> ptrace::Options {
    let trace = &cfg.qualifiers.trace;
    let traced = (!trace.is_all()).then(|| {
        (0..tracer_common::MAX_SYSCALLS)
            .filter(|&nr| trace.contains(nr))
            .collect::<BTreeSet<u32>>()
    });
    ptrace::Options {
        follow_forks: cfg.follow_forks,
        string_limit: cfg.string_limit,
        traced,
    }
}

/// Loads the chosen backend, starts or attaches to the target and runs the trace.
pub fn run(cfg: &Config, signals: SignalFd, sink: &mut dyn Sink) -> Result<Outcome> {
    // A missing command is the user's error: report it before touching the kernel.
    let resolved = match &cfg.target {
        Target::Command(argv) => Some(launch::resolve(&argv[0])?),
        Target::Attach(_) => None,
    };
    // Options only the eBPF backend has: no silent fallback that would ignore them.
    let needs_ebpf = cfg.cgroup.is_some()
        || !cfg.paths.is_empty()
        || cfg.stats
        || cfg.summary.as_ref().is_some_and(|s| s.interval.is_some());
    let choice = match cfg.backend {
        BackendChoice::Auto if needs_ebpf => BackendChoice::Ebpf,
        choice => choice,
    };
    let ebpf = match choice {
        BackendChoice::Ptrace => None,
        BackendChoice::Ebpf => {
            Some(load_ebpf(cfg).map_err(|why| anyhow!("eBPF unavailable ({why})"))?)
        }
        BackendChoice::Auto => match load_ebpf(cfg) {
            Ok(tracer) => Some(tracer),
            Err(why) => {
                eprintln!("tracer: eBPF unavailable ({why}); using ptrace");
                None
            }
        },
    };
    let Some(mut tracer) = ebpf else {
        if cfg.tracepoints != crate::cli::TracepointChoice::Auto {
            bail!("--tracepoints applies to the eBPF backend only");
        }
        // A cgroup's processes are found in the kernel; ptrace can only follow pids.
        if cfg.cgroup.is_some() {
            bail!("--cgroup needs the eBPF backend");
        }
        if !cfg.paths.is_empty() {
            bail!("-P needs the eBPF backend");
        }
        if cfg.stats {
            bail!("--stats needs the eBPF backend (it reports the kernel programs' counters)");
        }
        if cfg.summary.as_ref().is_some_and(|s| s.interval.is_some()) {
            bail!("--interval needs the eBPF backend (its totals are read from the kernel)");
        }
        let target = match (&cfg.target, &resolved) {
            (Target::Command(argv), Some(path)) => ptrace::Target::Command { path, argv },
            (Target::Attach(pids), _) => ptrace::Target::Attach(pids),
            (Target::Command(_), None) => unreachable!("commands are resolved above"),
        };
        return ptrace::run(ptrace_options(cfg), target, cfg.quiet > 0, signals, sink);
    };
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
