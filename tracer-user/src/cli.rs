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

    /// Follow forks, vforks and threads; -ff with -o writes each task to FILE.PID.
    #[arg(short = 'f', long = "follow-forks", action = ArgAction::Count)]
    pub follow: u8,

    /// Write the trace to FILE instead of stderr; `|CMD` pipes it to CMD. `%p` in FILE
    /// becomes the traced pid, `%t` the start time (YYYYmmdd-HHMMSS).
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

    /// Suppress messages about attaching and detaching; -qq also the exit lines.
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

    /// Print only syscalls that returned without an error code.
    #[arg(short = 'z', long = "successful-only")]
    pub successful_only: bool,

    /// Print only syscalls that returned with an error code.
    #[arg(short = 'Z', long = "failed-only")]
    pub failed_only: bool,

    /// Print only syscalls with these statuses: successful, failed, unfinished,
    /// unavailable, detached (comma list; `all` or `none`; `!` negates).
    #[arg(long, value_name = "SET")]
    pub status: Option<String>,

    /// Print only syscalls that took at least this long (e.g. 10ms, 1.5s, 200us).
    #[arg(long = "min-duration", value_name = "DURATION", value_parser = parse_duration)]
    pub min_duration: Option<std::time::Duration>,

    /// Trace only calls that touch PATH: a path argument equal to it, or an fd opened on
    /// it during the trace. Repeatable (up to two paths).
    #[arg(short = 'P', long = "trace-path", value_name = "PATH", action = ArgAction::Append)]
    pub paths: Vec<PathBuf>,

    /// Trace every process in this cgroup (v2 directory), including ones that start later.
    #[arg(long, value_name = "PATH")]
    pub cgroup: Option<PathBuf>,

    /// Count time, calls and errors per syscall (computed in the kernel) and print a
    /// summary table at exit instead of the calls.
    #[arg(short = 'c', long = "summary-only")]
    pub summary_only: bool,

    /// Like -c, but print the calls too.
    #[arg(short = 'C', long = "summary")]
    pub summary: bool,

    /// Sort the summary by: time, calls, errors, name (or nothing).
    #[arg(
        short = 'S',
        long = "summary-sort-by",
        value_name = "SORTBY",
        default_value = "time"
    )]
    pub summary_sort: String,

    /// Summarise wall-clock time, from entry to exit (what the kernel measures anyway).
    #[arg(short = 'w', long = "summary-wall-clock")]
    pub summary_wall_clock: bool,

    /// Summary columns (strace's -U list): time-percent, total-time, avg-time, calls,
    /// errors, name, min-time, max-time.
    #[arg(short = 'U', long = "summary-columns", value_name = "COLUMNS")]
    pub summary_columns: Option<String>,

    /// With -c/-C: per-syscall latency histograms (log2 buckets) for the top syscalls.
    #[arg(long)]
    pub histogram: bool,

    /// With -c/-C: print the summary every DURATION (deltas since the previous one).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub interval: Option<std::time::Duration>,

    /// At exit, report permission failures, missing files, slow calls and blocked
    /// threads found in the trace.
    #[arg(long)]
    pub diagnose: bool,

    /// Ring buffer size in bytes (a power of two, at least 4096).
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20, hide = true)]
    pub buffer_size: u32,

    #[command(flatten)]
    pub out: OutputArgs,

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
    /// Which results are shown (-z, -Z, --status).
    pub status: StatusSet,
    pub min_duration: Option<std::time::Duration>,
    pub cgroup: Option<PathBuf>,
    /// `-P`.
    pub paths: Vec<PathBuf>,
    pub summary: Option<SummaryOptions>,
    pub diagnose: bool,
    /// Time stamps, output files, fd names, format (`format::*`).
    pub out: OutputOptions,
}

/// Which call outcomes are shown, as strace's `--status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusSet {
    pub successful: bool,
    pub failed: bool,
    /// Calls that never returned (exit_group, a task killed inside a call).
    pub unfinished: bool,
}

impl StatusSet {
    pub const ALL: Self = Self {
        successful: true,
        failed: true,
        unfinished: true,
    };

    fn parse(spec: &str) -> Result<Self> {
        let (negated, list) = spec
            .strip_prefix('!')
            .map_or((false, spec), |rest| (true, rest));
        let mut set = Self {
            successful: false,
            failed: false,
            unfinished: false,
        };
        for item in list.split(',') {
            match item {
                "all" => set = Self::ALL,
                "none" => {}
                "successful" => set.successful = true,
                "failed" => set.failed = true,
                "unfinished" => set.unfinished = true,
                // Only ptrace detaches mid-call or loses a call's result; nothing to show.
                "unavailable" | "detached" => {}
                other => bail!("invalid status '{other}'"),
            }
        }
        if negated {
            set = Self {
                successful: !set.successful,
                failed: !set.failed,
                unfinished: !set.unfinished,
            };
        }
        Ok(set)
    }
}

/// `-c`/`-C` settings.
#[derive(Clone, Debug)]
pub struct SummaryOptions {
    /// `-C`: the calls are printed too.
    pub with_calls: bool,
    pub sort_by: String,
    pub columns: Option<String>,
    pub histogram: bool,
    pub interval: Option<std::time::Duration>,
}

impl Config {
    pub fn target_is_command(&self) -> bool {
        matches!(self.target, Target::Command(_))
    }
}

impl Args {
    pub fn into_config(self) -> Result<Config> {
        let target = match (self.pids.is_empty(), self.command.is_empty()) {
            // --cgroup alone: every process of the cgroup, until interrupted.
            (true, true) if self.cgroup.is_some() => Target::Attach(Vec::new()),
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
        let mut status = match &self.status {
            Some(spec) => StatusSet::parse(spec)?,
            None => StatusSet::ALL,
        };
        if self.successful_only {
            status = StatusSet {
                successful: true,
                failed: false,
                unfinished: false,
            };
        }
        if self.failed_only {
            status = StatusSet {
                successful: false,
                failed: true,
                unfinished: false,
            };
        }
        if self.successful_only && self.failed_only {
            bail!("-z and -Z are mutually exclusive");
        }
        if let Some(cgroup) = &self.cgroup {
            // CGROUP2_SUPER_MAGIC: cgroup ids and the BPF cgroup helpers are v2 only.
            let v2 = nix::sys::statfs::statfs(cgroup)
                .is_ok_and(|fs| fs.filesystem_type().0 == 0x6367_7270);
            if !v2 {
                bail!("--cgroup {}: not a cgroup v2 directory", cgroup.display());
            }
            if !self.pids.is_empty() {
                bail!("--cgroup and -p are mutually exclusive");
            }
        }
        if self.paths.len() > tracer_common::MAX_PATH_FILTERS / 2 {
            bail!("-P: at most {} paths", tracer_common::MAX_PATH_FILTERS / 2);
        }
        let summary = (self.summary_only || self.summary).then(|| SummaryOptions {
            with_calls: self.summary,
            sort_by: self.summary_sort.clone(),
            columns: self.summary_columns.clone(),
            histogram: self.histogram,
            interval: self.interval,
        });
        if summary.is_none() && (self.histogram || self.interval.is_some()) {
            bail!("--histogram and --interval go with -c or -C");
        }
        let _ = self.summary_wall_clock;
        let out = self.out.into_options(self.follow, self.output.as_deref())?;
        Ok(Config {
            out,
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
            status,
            min_duration: self.min_duration,
            cgroup: self.cgroup,
            paths: self.paths,
            summary,
            diagnose: self.diagnose,
        })
    }
}

/// A duration as strace writes them: a number with an optional unit (s, ms, us, ns;
/// seconds when none).
pub fn parse_duration(arg: &str) -> Result<std::time::Duration, String> {
    let split = arg
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(arg.len());
    let (number, unit) = arg.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration '{arg}'"))?;
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 1e-3,
        "us" => 1e-6,
        "ns" => 1e-9,
        _ => {
            return Err(format!(
                "invalid duration unit in '{arg}' (use s, ms, us or ns)"
            ));
        }
    };
    Ok(std::time::Duration::from_secs_f64(value * scale))
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

/// Output flags: time stamps, files, fd names, format.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Time of day before each line: -t seconds, -tt microseconds, -ttt Unix time.
    #[arg(short = 't', action = ArgAction::Count)]
    pub t: u8,

    /// Absolute time stamps: format:time|unix, precision:s|ms|us|ns (comma list).
    #[arg(
        long = "absolute-timestamps",
        visible_alias = "timestamps",
        value_name = "SPEC",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    pub absolute_timestamps: Option<String>,

    /// Time since the previous line's call entered, before each line.
    #[arg(short = 'r', long = "relative-timestamps")]
    pub relative: bool,

    /// With -o: append to FILE instead of truncating it.
    #[arg(short = 'A', long = "output-append-mode")]
    pub append: bool,

    /// Print fd paths (`3</etc/passwd>`); -yy also socket endpoints.
    #[arg(short = 'y', long = "decode-fds", action = ArgAction::Count)]
    pub decode_fds: u8,

    /// Output format: strace's text, or one JSON object per line (schema in README).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,

    /// With -o: start a new file when this one reaches SIZE (e.g. 100M, 1G, 512k).
    #[arg(long = "output-max-size", value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,

    /// With --output-max-size: keep at most N files (FILE, FILE.1 ... FILE.N-1).
    #[arg(long = "output-keep", value_name = "N", default_value_t = 5)]
    pub keep: usize,

    /// Stack traces: not supported yet.
    #[arg(short = 'k', hide = true)]
    pub stack_trace: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// How absolute time stamps print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    /// `HH:MM:SS`, local time.
    TimeOfDay,
    /// Seconds since the epoch.
    Unix,
}

/// `-t`/`-r` settings; `precision` is the number of decimals (0, 3, 6 or 9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timestamps {
    pub absolute: Option<(TimeFormat, u8)>,
    pub relative: bool,
}

/// Validated output settings.
#[derive(Clone, Debug)]
pub struct OutputOptions {
    pub timestamps: Timestamps,
    pub format: OutputFormat,
    pub append: bool,
    /// `-ff`: one file per task, `FILE.TID`.
    pub per_task: bool,
    /// `-y` (1) or `-yy` (2).
    pub decode_fds: u8,
    pub max_size: Option<u64>,
    pub keep: usize,
}

impl OutputArgs {
    fn into_options(self, follow: u8, output: Option<&std::path::Path>) -> Result<OutputOptions> {
        if self.stack_trace {
            bail!("-k (stack traces) is not supported yet");
        }
        let mut absolute = match self.t {
            0 => None,
            1 => Some((TimeFormat::TimeOfDay, 0)),
            2 => Some((TimeFormat::TimeOfDay, 6)),
            _ => Some((TimeFormat::Unix, 6)),
        };
        if let Some(spec) = &self.absolute_timestamps {
            let (mut format, mut precision) = absolute.unwrap_or((TimeFormat::TimeOfDay, 0));
            for item in spec.split(',').filter(|i| !i.is_empty()) {
                let value = item.split_once(':').map_or(item, |(_, v)| v);
                match value {
                    "time" => format = TimeFormat::TimeOfDay,
                    "unix" => format = TimeFormat::Unix,
                    "s" => precision = 0,
                    "ms" => precision = 3,
                    "us" => precision = 6,
                    "ns" => precision = 9,
                    _ => bail!("invalid --absolute-timestamps item '{item}'"),
                }
            }
            absolute = Some((format, precision));
        }
        let to_file = output.is_some_and(|p| !p.to_string_lossy().starts_with(['|', '!']));
        if self.max_size.is_some() && !to_file {
            bail!("--output-max-size needs -o FILE");
        }
        if self.keep == 0 {
            bail!("--output-keep must be at least 1");
        }
        Ok(OutputOptions {
            timestamps: Timestamps {
                absolute,
                relative: self.relative,
            },
            format: self.format,
            append: self.append,
            per_task: follow > 1 && to_file,
            decode_fds: self.decode_fds,
            max_size: self.max_size,
            keep: self.keep,
        })
    }
}

/// A size with an optional binary unit: `4096`, `512k`, `100M`, `1G`.
pub fn parse_size(arg: &str) -> Result<u64, String> {
    let split = arg.find(|c: char| !c.is_ascii_digit()).unwrap_or(arg.len());
    let (number, unit) = arg.split_at(split);
    let value: u64 = number
        .parse()
        .map_err(|_| format!("invalid size '{arg}'"))?;
    let scale: u64 = match unit.to_ascii_lowercase().trim_end_matches(['b', 'i']) {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return Err(format!("invalid size unit in '{arg}' (use k, M or G)")),
    };
    match value.checked_mul(scale) {
        Some(0) | None => Err(format!("invalid size '{arg}'")),
        Some(size) => Ok(size),
    }
}
