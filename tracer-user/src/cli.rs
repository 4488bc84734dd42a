//! Command-line flags (strace's letters), as clap parses them. `config` validates them.

use std::path::PathBuf;

use clap::{ArgAction, Parser, ValueEnum};

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

    /// Trace every process in this cgroup (v2 directory), including ones that start later,
    /// until SIGTERM or Ctrl-C. Repeatable.
    #[arg(long, value_name = "PATH", action = ArgAction::Append)]
    pub cgroup: Vec<PathBuf>,

    /// Trace every process of this container (id, id prefix or name; Podman, Docker,
    /// containerd, CRI-O, systemd-nspawn, LXC), including ones that start later, until
    /// SIGTERM or Ctrl-C. Repeatable; combines with --cgroup.
    #[arg(long = "container", value_name = "ID|NAME", action = ArgAction::Append)]
    pub containers: Vec<String>,

    #[command(flatten)]
    pub export: ExportArgs,

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

    /// Start each line with its process's container (`[be5624d9725d] `; `[host] `
    /// outside any container).
    #[arg(long = "show-container")]
    pub show_container: bool,

    /// Stack traces: not supported yet.
    #[arg(short = 'k', hide = true)]
    pub stack_trace: bool,
}

/// Export to OpenTelemetry.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Also send the trace to an OpenTelemetry collector: `otlp=URL` (OTLP over HTTP,
    /// protobuf; e.g. otlp=http://127.0.0.1:4318). Calls become log records, slow and
    /// failed calls spans, per-syscall counts and latencies metrics.
    #[arg(long = "export", value_name = "otlp=URL")]
    pub export: Option<String>,

    /// With --export: calls at least this slow also become spans (0: every call).
    #[arg(long = "span-min-duration", value_name = "DURATION", value_parser = parse_duration, default_value = "10ms")]
    pub span_min_duration: std::time::Duration,

    /// With --export: failed calls become spans only when slow enough.
    #[arg(long = "no-failed-spans")]
    pub no_failed_spans: bool,

    /// With --export: records held while the collector is slow or away; beyond this
    /// they are dropped and counted.
    #[arg(long = "export-queue", value_name = "N", default_value_t = 65536)]
    pub queue: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
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
