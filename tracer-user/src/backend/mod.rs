//! Tracing backends. Each one turns what the kernel reports into [`crate::event::Event`]s
//! and feeds them to the middle stage ([`Pipeline`]); nothing downstream knows which
//! backend ran. Which one serves a run is decided here, once.

pub mod ebpf;
pub mod ptrace;

use std::{path::PathBuf, time::Duration};

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
    cli::BackendChoice,
    config::{Config, Interruptible, Target},
    event::ExitStatus,
    launch::Gated,
    pipeline::Pipeline,
};

/// A call in progress this long is shown as unfinished (`read(0, `), as strace shows a call
/// that blocks. Both backends use it, so their output agrees.
pub const BLOCKED_AFTER: Duration = Duration::from_millis(200);

/// Why a run ended early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    Signal(Signal),
    /// `--syscall-limit` was reached: the tracees go on untraced.
    SyscallLimit,
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
    set.thread_block().context("blocking signals")?;
    SignalFd::with_flags(&set, SfdFlags::SFD_NONBLOCK | SfdFlags::SFD_CLOEXEC).context("signalfd")
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

    /// Whether `-c`'s totals are counted in the kernel (and arrive as `Event::Totals`).
    pub fn counts_in_kernel(&self) -> bool {
        matches!(self, Self::Ebpf(_))
    }

    /// Starts or attaches to the target and traces it until it is gone or a stop signal
    /// arrives. `program` is the launched command's resolved path; `daemonized`, with
    /// `-D`, the process that becomes it (not the tracer's child).
    pub fn run(
        self,
        cfg: &Config,
        program: Option<PathBuf>,
        daemonized: Option<Gated>,
        signals: SignalFd,
        pipeline: &mut Pipeline,
    ) -> Result<Outcome> {
        match self {
            Self::Ptrace => ptrace::run(cfg, program.as_deref(), daemonized, signals, pipeline),
            Self::Ebpf(mut tracer) => {
                let launched = match (&cfg.target, program) {
                    // Not our child: it is followed as any traced process, to its exit.
                    (Target::Command(argv), Some(_)) if daemonized.is_some() => {
                        let gated = daemonized.expect("checked");
                        tracer.launch_prepared(gated, &argv[0])?;
                        None
                    }
                    (Target::Command(argv), Some(path)) => {
                        Some(tracer.launch(&path, argv, &cfg.launch)?)
                    }
                    (Target::Attach(pids), _) => {
                        for &pid in pids {
                            tracer.trace(pid, &cfg.path_forms())?;
                            if !cfg.quiet.attach() {
                                eprintln!("tracer: Process {pid} attached");
                            }
                        }
                        None
                    }
                    (Target::Cgroup(dir), _) => {
                        if !cfg.quiet.attach() {
                            eprintln!("tracer: cgroup {} attached", dir.display());
                        }
                        None
                    }
                    (Target::Command(_), None) => unreachable!("commands are resolved first"),
                };
                ebpf::run(*tracer, cfg, RunContext { launched, signals }, pipeline)
            }
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

/// The eBPF tracer, or why it cannot run here.
fn load_ebpf(cfg: &Config) -> Result<ebpf::EbpfTracer, String> {
    probe_bpf()?;
    ebpf::load(cfg).map_err(|e| format!("{:#}", anyhow!(e)))
}
