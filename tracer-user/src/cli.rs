//! Command-line flags (strace's letters) and their validation into a [`Config`].

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{ArgAction, Parser, ValueEnum};

use crate::{decode::HexMode, filter::Qualifiers};

/// strace's output at a fraction of strace's cost: a syscall tracer built on eBPF.
#[derive(Debug, Parser)]
#[command(
    name = "tracer",
    version,
    about,
    after_help = "Examples:\n  tracer -f -T -- make\n  tracer -p 1234 -o trace.txt\n\n\
                  Not supported yet: -k (stack traces)."
)]
pub struct Args {
    /// Attach to running processes (all their threads); repeat or use a comma list.
    #[arg(short = 'p', long = "attach", value_name = "PID", value_delimiter = ',', action = ArgAction::Append)]
    pub pids: Vec<String>,

    /// Follow forks, vforks and threads.
    #[arg(short = 'f', long = "follow-forks", action = ArgAction::Count)]
    pub follow: u8,

    /// Write the trace to FILE instead of stderr.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Show the time spent in each syscall.
    #[arg(short = 'T', long = "syscall-times")]
    pub syscall_times: bool,

    /// Maximum string size to print (bytes).
    #[arg(
        short = 's',
        long = "string-limit",
        value_name = "N",
        default_value_t = 32
    )]
    pub string_limit: usize,

    /// Print non-ASCII strings in hex; -xx prints every string in hex.
    #[arg(short = 'x', action = ArgAction::Count)]
    pub hex: u8,

    /// Qualifying expression, e.g. trace=openat,read (see strace(1)).
    #[arg(short = 'e', value_name = "EXPR", action = ArgAction::Append)]
    pub expr: Vec<String>,

    /// Suppress messages about attaching and detaching.
    #[arg(short = 'q', action = ArgAction::Count)]
    pub quiet: u8,

    /// Which tracing mechanism to use.
    #[arg(long, value_enum, default_value_t = BackendChoice::Auto)]
    pub backend: BackendChoice,

    /// Where syscall programs attach: `raw` (raw_syscalls: every syscall runs them, cheap
    /// per call), `syscall` (syscalls:sys_enter_NAME for the traced syscalls only, so
    /// nothing else runs our code), or `auto` (per-syscall for sets of up to 32 syscalls).
    #[arg(long, value_enum, default_value_t = TracepointChoice::Auto, value_name = "KIND")]
    pub tracepoints: TracepointChoice,

    /// At exit, print per-CPU kernel counters: calls seen and filtered, records emitted
    /// and lost.
    #[arg(long)]
    pub stats: bool,

    /// Ring buffer size in bytes (a power of two, at least 4096).
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20, hide = true)]
    pub buffer_size: u32,

    /// The command to run and trace.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "COMMAND"
    )]
    pub command: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    /// eBPF where the kernel allows it, ptrace otherwise.
    Auto,
    Ebpf,
    Ptrace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TracepointChoice {
    Auto,
    Raw,
    Syscall,
}

/// What to trace.
#[derive(Debug)]
pub enum Target {
    /// Start this command (argv) and trace it from its exec on.
    Command(Vec<String>),
    /// Attach to these processes (thread-group ids).
    Attach(Vec<u32>),
}

/// Validated settings.
#[derive(Debug)]
pub struct Config {
    pub target: Target,
    pub follow_forks: bool,
    pub output: Option<PathBuf>,
    pub syscall_times: bool,
    pub string_limit: usize,
    pub quiet: u8,
    pub backend: BackendChoice,
    pub buffer_size: u32,
    pub qualifiers: Qualifiers,
    pub hex: HexMode,
    pub tracepoints: TracepointChoice,
    pub stats: bool,
}

impl Config {
    pub fn target_is_command(&self) -> bool {
        matches!(self.target, Target::Command(_))
    }
}

impl Args {
    pub fn into_config(self) -> Result<Config> {
        let target = match (self.pids.is_empty(), self.command.is_empty()) {
            (true, true) => bail!("must have PROG [ARGS] or -p PID"),
            (false, false) => bail!("-p and a command are mutually exclusive"),
            (true, false) => Target::Command(self.command),
            (false, true) => Target::Attach(
                self.pids
                    .iter()
                    .map(|p| parse_pid(p))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        if !self.buffer_size.is_power_of_two() || self.buffer_size < 4096 {
            bail!("--buffer-size must be a power of two of at least 4096");
        }
        let qualifiers = Qualifiers::parse(self.expr.iter().map(String::as_str))?;
        Ok(Config {
            target,
            follow_forks: self.follow > 0,
            output: self.output,
            syscall_times: self.syscall_times,
            string_limit: self.string_limit,
            quiet: self.quiet,
            backend: self.backend,
            buffer_size: self.buffer_size,
            qualifiers,
            hex: match self.hex {
                0 => HexMode::None,
                1 => HexMode::NonAscii,
                _ => HexMode::All,
            },
            tracepoints: self.tracepoints,
            stats: self.stats,
        })
    }
}

/// A `-p` argument: a positive pid of an existing process, mapped to its thread group.
fn parse_pid(arg: &str) -> Result<u32> {
    let pid: u32 = match arg.trim().parse() {
        Ok(pid) if pid > 0 => pid,
        _ => bail!("invalid process id: '{arg}'"),
    };
    // A thread id names its whole process, as with strace.
    let status = match std::fs::read_to_string(format!("/proc/{pid}/status")) {
        Ok(status) => status,
        Err(_) => bail!("attach: pid {pid}: No such process"),
    };
    let tgid = status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(pid);
    if tgid == std::process::id() {
        bail!("I'm sorry, I can't let you do that, Dave.");
    }
    Ok(tgid)
}
