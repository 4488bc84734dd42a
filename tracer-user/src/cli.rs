//! The command line as clap parses it: strace's options (short clusters `-fT`, attached
//! values `-s64`, long forms with `=`, options ending at the first non-option or `--`),
//! grouped as `strace -h` groups them, plus the tracer's own. Options of strace that the
//! tracer does not have are parsed too, so that they are refused by name instead of being
//! run as the command. `config` validates what is parsed here.

use std::{ffi::OsString, path::PathBuf};

use clap::{
    ArgAction, ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum, error::ErrorKind,
};

const STARTUP: &str = "Startup";
const TRACING: &str = "Tracing";
const FILTERING: &str = "Filtering";
const OUTPUT: &str = "Output format";
const STATISTICS: &str = "Statistics";
const MISC: &str = "Miscellaneous";
const EXPORT: &str = "Export (OpenTelemetry)";
const TAMPERING: &str = "Tampering";

const USAGE: &str = "tracer [OPTIONS] [--] PROG [ARGS]...\n       \
                     tracer [OPTIONS] -p PID[,PID...]\n       \
                     tracer [OPTIONS] --cgroup DIR | --container ID|NAME";

const AFTER_HELP: &str = "\
Trace classes (-e trace=%CLASS):
  %file %desc %network (%net) %process %signal %ipc %memory %creds %clock %pure
  %stat %lstat %fstat %%stat %statfs %fstatfs %%statfs

Privileges:
  The eBPF backend needs root, or CAP_BPF and CAP_PERFMON (plus CAP_DAC_READ_SEARCH
  for --cgroup). Without them --backend=auto says why on one line and traces with
  ptrace, which needs only the right to ptrace the target (the same user, or
  CAP_SYS_PTRACE). --cgroup, --stats and --tracepoints need eBPF.

Exit status:
  The traced command's own (128+N when signal N killed it); 0 after -p or --cgroup;
  1 when the tracer itself fails (bad options, no way to trace); 126 or 127 when the
  command cannot be run or is not found.

Examples:
  tracer -f -T -- make
  tracer -p 1234 -o trace.txt
  tracer -e trace=%file -e status=failed ls /nonexistent
  tracer -c -S calls -- python3 script.py";

#[derive(Debug, Parser)]
#[command(
    name = "tracer",
    about = "strace's output at a fraction of strace's cost: a syscall tracer built on eBPF, \
             with a ptrace fallback that prints the same lines.",
    long_about = None,
    override_usage = USAGE,
    after_help = AFTER_HELP,
    disable_help_flag = true,
    disable_version_flag = true,
    args_override_self = true,
    infer_long_args = true,
    next_line_help = false,
    max_term_width = 100
)]
pub struct Args {
    // ---- Startup ----
    /// Put VAR=VAL in the command's environment, or (-E VAR) remove VAR from it.
    #[arg(allow_hyphen_values = true, short = 'E', long = "env", value_name = "VAR[=VAL]", action = ArgAction::Append,
          help_heading = STARTUP)]
    pub env: Vec<OsString>,

    /// Attach to running processes (all their threads); repeat or use a comma list.
    #[arg(allow_hyphen_values = true, short = 'p', long = "attach", value_name = "PID", value_delimiter = ',',
          action = ArgAction::Append, help_heading = STARTUP)]
    pub pids: Vec<String>,

    /// Run the command as USERNAME (or UID:GID), with its groups. Needs root.
    #[arg(allow_hyphen_values = true, short = 'u', long = "user", value_name = "USERNAME", help_heading = STARTUP)]
    pub user: Option<String>,

    /// Run the command with NAME as its argv[0].
    #[arg(long = "argv0", value_name = "NAME", help_heading = STARTUP)]
    pub argv0: Option<OsString>,

    /// Trace every process in this cgroup (v2 directory), including ones that start later,
    /// until SIGTERM or Ctrl-C. Repeatable.
    #[arg(long, value_name = "DIR", action = ArgAction::Append, help_heading = STARTUP)]
    pub cgroup: Vec<PathBuf>,

    /// Trace every process of this container (id, id prefix or name; Podman, Docker,
    /// containerd, CRI-O, systemd-nspawn, LXC), including ones that start later, until
    /// SIGTERM or Ctrl-C. Repeatable; combines with --cgroup.
    #[arg(long = "container", value_name = "ID|NAME", action = ArgAction::Append,
          help_heading = STARTUP)]
    pub containers: Vec<String>,

    // ---- Tracing ----
    /// Detach from a process when it calls execve (only execve is supported).
    #[arg(allow_hyphen_values = true, short = 'b', long = "detach-on", value_name = "SYSCALL", help_heading = TRACING)]
    pub detach_on: Option<String>,

    /// Run the tracer as a detached grandchild (-DD: in its own process group, -DDD: its
    /// own session), so the command stays the caller's child.
    #[arg(short = 'D', action = ArgAction::Count, help_heading = TRACING)]
    pub daemonize_short: u8,

    /// Long form of -D: grandchild, pgroup or session.
    #[arg(long = "daemonize", visible_aliases = ["daemonized", "daemonised"], value_name = "HOW",
          num_args = 0..=1, require_equals = true, default_missing_value = "grandchild",
          help_heading = TRACING)]
    pub daemonize: Option<String>,

    /// Follow forks, vforks and threads; -ff with -o writes each task to FILE.PID.
    #[arg(short = 'f', action = ArgAction::Count, help_heading = TRACING)]
    pub follow: u8,

    /// Long form of -f.
    #[arg(long = "follow-forks", help_heading = TRACING)]
    pub follow_forks: bool,

    /// With -o: one file per task, FILE.PID (as -ff).
    #[arg(long = "output-separately", help_heading = TRACING)]
    pub output_separately: bool,

    /// Deprecated alias of -f.
    #[arg(short = 'F', hide = true)]
    pub follow_deprecated: bool,

    /// When the tracer may be interrupted: 1/anywhere, 2/waiting (default), 3/never
    /// (SIGINT, SIGTERM, SIGHUP, SIGQUIT ignored), 4/never_tstp (and SIGTSTP).
    #[arg(allow_hyphen_values = true, short = 'I', long = "interruptible", value_name = "WHEN", help_heading = TRACING)]
    pub interruptible: Option<String>,

    /// Kill the traced processes when the tracer exits.
    #[arg(long = "kill-on-exit", help_heading = TRACING)]
    pub kill_on_exit: bool,

    /// ptrace backend: stop only at traced syscalls (a seccomp filter; with -f and a trace
    /// set it is used anyway). The eBPF backend filters in the kernel: a no-op there.
    #[arg(long = "seccomp-bpf", help_heading = TRACING)]
    pub seccomp_bpf: bool,

    /// Detach every traced process once N syscalls have been shown.
    #[arg(long = "syscall-limit", value_name = "N", help_heading = TRACING)]
    pub syscall_limit: Option<String>,

    /// Which tracing mechanism to use: ebpf, ptrace, or auto (eBPF where the kernel
    /// allows it, else ptrace).
    #[arg(long, value_enum, default_value_t = BackendChoice::Auto, hide_possible_values = true,
          help_heading = TRACING)]
    pub backend: BackendChoice,

    /// Where syscall programs attach: `raw` (raw_syscalls: every syscall runs them, cheap
    /// per call, detached at once), `syscall` (syscalls:sys_enter_NAME for the traced
    /// syscalls only; each takes ~70 ms to detach at exit), `fentry` (fentry/fexit on the
    /// traced syscalls' functions: other processes' calls pay nothing; one load each), or
    /// `auto` (fentry for a started command's trace of up to 8 syscalls where the kernel
    /// allows it, else raw; --stats says which and why).
    #[arg(long, value_enum, default_value_t = TracepointChoice::Auto, value_name = "KIND",
          hide_possible_values = true, help_heading = TRACING)]
    pub tracepoints: TracepointChoice,

    /// Each CPU's eBPF ring buffer size, as perf's -m: a power of two from 4k to 1G (e.g.
    /// 4M, 64M); default 8M (less past 32 CPUs: 256M in all). No effect with ptrace.
    #[arg(long, value_name = "SIZE", value_parser = parse_size, help_heading = TRACING)]
    pub buffer_size: Option<u64>,

    // ---- Filtering ----
    /// A qualifying expression: QUALIFIER=[!]VALUE[,VALUE...] with QUALIFIER one of
    /// trace (the default), signal, status, quiet, abbrev, verbose, raw, read, write,
    /// decode-fds, decode-pids.
    #[arg(allow_hyphen_values = true, short = 'e', value_name = "EXPR", action = ArgAction::Append, help_heading = FILTERING)]
    pub expr: Vec<String>,

    /// Trace only these syscalls: names, %classes, /regexes, all, none; ! negates, ?
    /// ignores names this system lacks.
    #[arg(long = "trace", value_name = "SET", action = ArgAction::Append, help_heading = FILTERING)]
    pub trace: Vec<String>,

    /// Tamper with calls of SET: error=ERRNO or retval=N (the call is not run),
    /// signal=SIG, delay_enter=/delay_exit=TIME, poke_enter=/poke_exit=@argN=HEX,
    /// syscall=NAME, when=F[..L][+S]. eBPF: commands the tracer starts (a seccomp filter);
    /// signal= and what acts at a running call's exit need ptrace.
    #[arg(long = "inject", value_name = "SET:ACTION...", action = ArgAction::Append,
          help_heading = TAMPERING)]
    pub inject: Vec<String>,

    /// Make calls of SET fail: error=ERRNO (default ENOSYS), when=.
    #[arg(long = "fault", value_name = "SET[:error=ERRNO]...", action = ArgAction::Append,
          help_heading = TAMPERING)]
    pub fault: Vec<String>,

    /// Print only these signals (names or numbers; all, none; ! negates).
    #[arg(long = "signals", visible_alias = "signal", value_name = "SET", action = ArgAction::Append,
          help_heading = FILTERING)]
    pub signals: Vec<String>,

    /// Print only syscalls with these statuses: successful, failed, unfinished,
    /// unavailable, detached (comma list; all or none; ! negates).
    #[arg(long, value_name = "SET", action = ArgAction::Append, help_heading = FILTERING)]
    pub status: Vec<String>,

    /// Trace only calls that touch PATH: a path argument equal to it, or an fd opened on
    /// it during the trace. Repeatable (up to four; a path that is not canonical counts
    /// twice).
    #[arg(allow_hyphen_values = true, short = 'P', long = "trace-path", value_name = "PATH", action = ArgAction::Append,
          help_heading = FILTERING)]
    pub paths: Vec<PathBuf>,

    /// Print only syscalls that returned without an error code.
    #[arg(short = 'z', long = "successful-only", help_heading = FILTERING)]
    pub successful_only: bool,

    /// Print only syscalls that returned with an error code.
    #[arg(short = 'Z', long = "failed-only", visible_alias = "failing-only", help_heading = FILTERING)]
    pub failed_only: bool,

    /// Print only syscalls that took at least this long (a number with a unit: 10ms,
    /// 1.5s, 200us, 500ns).
    #[arg(long = "min-duration", value_name = "DURATION", value_parser = parse_duration,
          help_heading = FILTERING)]
    pub min_duration: Option<std::time::Duration>,

    // ---- Output format ----
    /// Align return values at COLUMN (default 40).
    #[arg(allow_hyphen_values = true, short = 'a', long = "columns", value_name = "COLUMN", help_heading = OUTPUT)]
    pub columns: Option<String>,

    /// Abbreviate the output of these syscalls (all by default; -v is abbrev=none).
    #[arg(long = "abbrev", value_name = "SET", action = ArgAction::Append, help_heading = OUTPUT)]
    pub abbrev: Vec<String>,

    /// Dereference structures of these syscalls (all by default).
    #[arg(long = "verbose", value_name = "SET", action = ArgAction::Append, help_heading = OUTPUT)]
    pub verbose: Vec<String>,

    /// Print the arguments of these syscalls undecoded, in hex.
    #[arg(long = "raw", value_name = "SET", action = ArgAction::Append, help_heading = OUTPUT)]
    pub raw: Vec<String>,

    /// Hex-dump the data read from these file descriptors.
    #[arg(long = "read", value_name = "FDS", action = ArgAction::Append, help_heading = OUTPUT)]
    pub read: Vec<String>,

    /// Hex-dump the data written to these file descriptors.
    #[arg(long = "write", value_name = "FDS", action = ArgAction::Append, help_heading = OUTPUT)]
    pub write: Vec<String>,

    /// Suppress messages: attach, exit, path-resolution, personality, thread-execve,
    /// superseded, all, none (no value: attach,personality).
    #[arg(long = "quiet", visible_aliases = ["silent", "silence"], value_name = "SET",
          num_args = 0..=1, require_equals = true, default_missing_value = "attach,personality",
          action = ArgAction::Append, help_heading = OUTPUT)]
    pub quiet_set: Vec<String>,

    /// Suppress messages about attaching and detaching; -qq also the exit lines; -qqq
    /// everything that can be.
    #[arg(short = 'q', action = ArgAction::Count, help_heading = OUTPUT)]
    pub quiet: u8,

    /// Print fd paths (`3</etc/passwd>`); -yy also socket endpoints and devices.
    #[arg(short = 'y', action = ArgAction::Count, help_heading = OUTPUT)]
    pub decode_fds_short: u8,

    /// What to print with file descriptors: path, socket, dev, pidfd, all, none (no
    /// value: path).
    #[arg(long = "decode-fds", value_name = "SET", num_args = 0..=1, require_equals = true,
          default_missing_value = "path", action = ArgAction::Append, help_heading = OUTPUT)]
    pub decode_fds: Vec<String>,

    /// Print command names with pids (`1234<cat>`), as --decode-pids=comm.
    #[arg(short = 'Y', help_heading = OUTPUT)]
    pub decode_pids_comm: bool,

    /// comm: print command names with pids; pidns: pids in the tracer's namespace too.
    #[arg(long = "decode-pids", value_name = "SET", action = ArgAction::Append, help_heading = OUTPUT)]
    pub decode_pids: Vec<String>,

    /// Alias of --decode-pids=pidns.
    #[arg(long = "pidns-translation", help_heading = OUTPUT)]
    pub pidns_translation: bool,

    /// Print the pid on every line, even when only one process is traced.
    #[arg(long = "always-show-pid", help_heading = OUTPUT)]
    pub always_show_pid: bool,

    /// Print the instruction pointer at the time of each syscall.
    #[arg(short = 'i', long = "instruction-pointer", help_heading = OUTPUT)]
    pub instruction_pointer: bool,

    /// Print each syscall's number (`[  0] read(...)`).
    #[arg(short = 'n', long = "syscall-number", help_heading = OUTPUT)]
    pub syscall_number: bool,

    /// Write the trace to FILE instead of stderr; `|CMD` pipes it to CMD. `%p` in FILE
    /// becomes the traced pid, `%t` the start time (YYYYmmdd-HHMMSS).
    #[arg(allow_hyphen_values = true, short = 'o', long = "output", value_name = "FILE", help_heading = OUTPUT)]
    pub output: Option<PathBuf>,

    /// With -o: append to FILE instead of truncating it.
    #[arg(short = 'A', long = "output-append-mode", help_heading = OUTPUT)]
    pub append: bool,

    /// Time since the previous line, before each line (PRECISION: s, ms, us, ns).
    #[arg(short = 'r', long = "relative-timestamps", value_name = "PRECISION",
          num_args = 0..=1, require_equals = true, default_missing_value = "us",
          help_heading = OUTPUT)]
    pub relative: Option<String>,

    /// Maximum string size to print (bytes; default 32).
    #[arg(allow_hyphen_values = true, short = 's', long = "string-limit", value_name = "STRSIZE", help_heading = OUTPUT)]
    pub string_limit: Option<String>,

    /// Time of day before each line: -t seconds, -tt microseconds, -ttt Unix time.
    #[arg(short = 't', action = ArgAction::Count, help_heading = OUTPUT)]
    pub t: u8,

    /// Absolute time stamps: [format:]none|time|unix, [precision:]s|ms|us|ns (comma list;
    /// repeated, each changes what it names).
    #[arg(long = "absolute-timestamps", visible_alias = "timestamps", value_name = "SPEC",
          num_args = 0..=1, require_equals = true, default_missing_value = "format:time",
          action = ArgAction::Append, help_heading = OUTPUT)]
    pub absolute_timestamps: Vec<String>,

    /// Show the time spent in each syscall (PRECISION: s, ms, us, ns).
    #[arg(short = 'T', long = "syscall-times", value_name = "PRECISION", num_args = 0..=1,
          require_equals = true, default_missing_value = "us", help_heading = OUTPUT)]
    pub syscall_times: Option<String>,

    /// Print structures whole (stat's every field, execve's environment): abbrev=none.
    #[arg(short = 'v', long = "no-abbrev", help_heading = OUTPUT)]
    pub no_abbrev: bool,

    /// Print non-ASCII strings in hex; -xx prints every string in hex.
    #[arg(short = 'x', action = ArgAction::Count, help_heading = OUTPUT)]
    pub hex: u8,

    /// Long form of -x: non-ascii-chars (hex escapes instead of octal), non-ascii, all.
    #[arg(long = "strings-in-hex", value_name = "WHICH", num_args = 0..=1, require_equals = true,
          default_missing_value = "all", help_heading = OUTPUT)]
    pub strings_in_hex: Option<String>,

    /// How named constants and flags print: raw (numbers), abbrev (names, the
    /// default), verbose (both).
    #[arg(allow_hyphen_values = true, short = 'X', long = "const-print-style", value_name = "FORMAT", help_heading = OUTPUT)]
    pub const_print_style: Option<String>,

    /// Output format: text (strace's), or json (one object per line, schema in README).
    #[arg(long, value_enum, default_value_t = OutputFormat::Text, hide_possible_values = true,
          help_heading = OUTPUT)]
    pub format: OutputFormat,

    /// With -o: start a new file when this one reaches SIZE (e.g. 100M, 1G, 512k).
    #[arg(long = "output-max-size", value_name = "SIZE", value_parser = parse_size,
          help_heading = OUTPUT)]
    pub max_size: Option<u64>,

    /// With --output-max-size: keep at most N files (FILE, FILE.1 ... FILE.N-1).
    #[arg(long = "output-keep", value_name = "N", default_value_t = 5, help_heading = OUTPUT)]
    pub keep: usize,

    /// Start each line with its process's container (`[be5624d9725d] `; `[host] `
    /// outside any container).
    #[arg(long = "show-container", help_heading = OUTPUT)]
    pub show_container: bool,

    // ---- Export ----
    /// Also send the trace to an OpenTelemetry collector: `otlp=URL`, OTLP/HTTP
    /// (otlp=http://127.0.0.1:4318) or OTLP/gRPC (otlp=grpc://127.0.0.1:4317). Calls
    /// become log records, slow and failed calls spans, per-syscall counts and latencies
    /// metrics.
    #[arg(long = "export", value_name = "otlp=URL", help_heading = EXPORT)]
    pub export: Option<String>,

    /// With --export: calls at least this slow also become spans (0: every call).
    #[arg(long = "span-min-duration", value_name = "DURATION", value_parser = parse_duration,
          default_value = "10ms", help_heading = EXPORT)]
    pub span_min_duration: std::time::Duration,

    /// With --export: failed calls become spans only when slow enough.
    #[arg(long = "no-failed-spans", help_heading = EXPORT)]
    pub no_failed_spans: bool,

    /// With --export: records held while the collector is slow or away; beyond this
    /// they are dropped and counted.
    #[arg(long = "export-queue", value_name = "N", default_value_t = 65536, help_heading = EXPORT)]
    pub export_queue: usize,

    // ---- Statistics ----
    /// Count time, calls and errors per syscall and print a summary table at exit
    /// instead of the calls.
    #[arg(short = 'c', long = "summary-only", help_heading = STATISTICS)]
    pub summary_only: bool,

    /// Like -c, but print the calls too.
    #[arg(short = 'C', long = "summary", help_heading = STATISTICS)]
    pub summary: bool,

    /// Subtract OVERHEAD (a number, microseconds unless a unit follows) from each
    /// call's time in the summary.
    #[arg(allow_hyphen_values = true, short = 'O', long = "summary-syscall-overhead", value_name = "OVERHEAD",
          help_heading = STATISTICS)]
    pub overhead: Option<String>,

    /// Sort the summary by: time, min-time, max-time, avg-time, calls, errors, name,
    /// nothing (default time).
    #[arg(allow_hyphen_values = true, short = 'S', long = "summary-sort-by", value_name = "SORTBY", help_heading = STATISTICS)]
    pub summary_sort: Option<String>,

    /// Summary columns: time-percent, total-time, min-time, max-time, avg-time, calls,
    /// errors, name.
    #[arg(allow_hyphen_values = true, short = 'U', long = "summary-columns", value_name = "COLUMNS", help_heading = STATISTICS)]
    pub summary_columns: Option<String>,

    /// Summarise wall-clock time, from entry to exit.
    #[arg(short = 'w', long = "summary-wall-clock", help_heading = STATISTICS)]
    pub summary_wall_clock: bool,

    /// With -c/-C: per-syscall latency histograms (log2 buckets) for the top syscalls.
    #[arg(long, help_heading = STATISTICS)]
    pub histogram: bool,

    /// With -c/-C: print the summary every DURATION (deltas since the previous one).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, help_heading = STATISTICS)]
    pub interval: Option<std::time::Duration>,

    /// At exit, print per-CPU kernel counters: calls seen and filtered, records emitted
    /// and lost.
    #[arg(long, help_heading = STATISTICS)]
    pub stats: bool,

    /// At exit, report permission failures, missing files, slow calls and blocked
    /// threads found in the trace: instead of the trace, or beside it when the trace
    /// goes to -o FILE (the report then goes to stderr).
    #[arg(long, help_heading = STATISTICS)]
    pub diagnose: bool,

    /// --diagnose, with the report written to FILE and the trace shown as usual.
    #[arg(long = "diagnose-output", value_name = "FILE", help_heading = STATISTICS)]
    pub diagnose_output: Option<PathBuf>,

    /// --diagnose, listing idle waits (epoll_wait, poll, futex waits, sleeps, reads of
    /// sockets and pipes...) among the slow calls.
    #[arg(long = "diagnose-idle", help_heading = STATISTICS)]
    pub diagnose_idle: bool,

    /// No live status line on the terminal while the trace goes to a file (-q and -qq
    /// turn it off too).
    #[arg(long = "no-status", help_heading = OUTPUT)]
    pub no_status: bool,

    // ---- Miscellaneous ----
    /// Print the tracer's own debug messages on stderr.
    #[arg(short = 'd', long = "debug", help_heading = MISC)]
    pub debug: bool,

    /// Print this help.
    #[arg(short = 'h', long = "help", action = ArgAction::Help, help_heading = MISC)]
    pub help: Option<bool>,

    /// Accepted for strace's sake: the tracer has no tips to show.
    #[arg(long = "tips", value_name = "SPEC", num_args = 0..=1, require_equals = true,
          default_missing_value = "", help_heading = MISC)]
    pub tips: Option<String>,

    /// Print the version, the commit, and which backend this kernel allows.
    #[arg(short = 'V', long = "version", help_heading = MISC)]
    pub version: bool,

    /// Write the man page (man) or shell completions (bash, zsh, fish) to stdout.
    #[arg(long = "generate", value_name = "WHAT", value_enum, hide = true)]
    pub generate: Option<Generate>,

    #[command(flatten)]
    pub unsupported: Unsupported,

    /// The command to run and trace.
    #[arg(trailing_var_arg = true, value_name = "PROG")]
    pub command: Vec<OsString>,
}

/// strace's options the tracer does not have (yet): parsed so they are refused by name.
#[derive(Debug, Default, clap::Args)]
pub struct Unsupported {
    #[arg(short = 'k', action = ArgAction::Count, hide = true)]
    pub k: u8,
    #[arg(long = "stack-traces", alias = "stack-trace", num_args = 0..=1, require_equals = true,
          default_missing_value = "", hide = true)]
    pub stack_traces: Option<String>,
    #[arg(long = "stack-trace-frame-limit", hide = true)]
    pub stack_trace_frame_limit: Option<String>,
    #[arg(short = 'N', long = "arg-names", hide = true)]
    pub arg_names: bool,
    #[arg(long = "trace-fds", hide = true)]
    pub trace_fds: Option<String>,
    /// vcpu: print the exit reason of each KVM_RUN.
    #[arg(long = "kvm", value_name = "vcpu", action = ArgAction::Append, help_heading = OUTPUT)]
    pub kvm: Vec<String>,
    #[arg(long = "namespace", num_args = 0..=1, require_equals = true, default_missing_value = "",
          hide = true)]
    pub namespace: Option<String>,
    #[arg(long = "secontext", num_args = 0..=1, require_equals = true, default_missing_value = "",
          hide = true)]
    pub secontext: Option<String>,
    #[arg(long = "color", alias = "colour", hide = true)]
    pub color: Option<String>,
}

impl Unsupported {
    /// The first unsupported option given, as the user would name it.
    pub fn first(&self) -> Option<&'static str> {
        let given = [
            (self.k > 0, "-k (stack traces)"),
            (self.stack_traces.is_some(), "--stack-trace (stack traces)"),
            (
                self.stack_trace_frame_limit.is_some(),
                "--stack-trace-frame-limit",
            ),
            (self.arg_names, "-N (argument names)"),
            (self.trace_fds.is_some(), "--trace-fds"),
            (self.namespace.is_some(), "--namespace"),
            (self.secontext.is_some(), "--secontext (SELinux contexts)"),
            (
                self.color.as_deref().is_some_and(|c| c != "never"),
                "--color",
            ),
        ];
        given.iter().find(|(on, _)| *on).map(|(_, name)| *name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    Auto,
    Ebpf,
    Ptrace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TracepointChoice {
    Auto,
    Raw,
    Syscall,
    Fentry,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    Man,
    Bash,
    Zsh,
    Fish,
}

/// One qualifier as the command line gave it (`-e NAME=VALUE`, `--NAME=VALUE`, and the
/// short options that are qualifiers in disguise: `-z`, `-Z`, `-v`, `-Y`), in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Qualifier {
    pub name: String,
    pub value: String,
    /// How the user wrote it, for messages (`-e`, `--trace`, `-z`).
    pub option: &'static str,
}

/// The parsed command line: the flags, and the qualifiers in the order given (a later
/// one replaces an earlier one of the same name, as in strace).
#[derive(Debug)]
pub struct CommandLine {
    pub args: Args,
    pub qualifiers: Vec<Qualifier>,
}

/// What parsing ended with instead of a command line.
#[derive(Debug)]
pub enum Early {
    /// `--help`: the text, for stdout.
    Help(String),
    /// A bad command line: one line, without the `tracer: ` prefix.
    Error(String),
}

/// Parses `argv` (with the program name first).
pub fn parse(argv: impl IntoIterator<Item = OsString>) -> Result<CommandLine, Early> {
    let matches = Args::command()
        .try_get_matches_from(argv)
        .map_err(|e| match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                Early::Help(e.render().to_string())
            }
            _ => Early::Error(one_line(&e)),
        })?;
    let args = Args::from_arg_matches(&matches).map_err(|e| Early::Error(one_line(&e)))?;
    let qualifiers = qualifiers_in_order(&matches);
    Ok(CommandLine { args, qualifiers })
}

/// The qualifier options with their positions on the command line, in order.
fn qualifiers_in_order(m: &ArgMatches) -> Vec<Qualifier> {
    let mut found: Vec<(usize, Qualifier)> = Vec::new();
    let mut values = |id: &str, name: Option<&str>, option: &'static str| {
        let (Ok(Some(values)), Some(indices)) = (m.try_get_many::<String>(id), m.indices_of(id))
        else {
            return;
        };
        for (value, index) in values.zip(indices) {
            let (name, value) = match name {
                Some(name) => (name.to_owned(), value.clone()),
                // `-e EXPR`: `trace` when no qualifier is named.
                None => match value.split_once('=') {
                    Some((q, v)) => (q.to_owned(), v.to_owned()),
                    None => ("trace".to_owned(), value.clone()),
                },
            };
            found.push((
                index,
                Qualifier {
                    name,
                    value,
                    option,
                },
            ));
        }
    };
    values("expr", None, "-e");
    values("trace", Some("trace"), "--trace");
    values("signals", Some("signal"), "--signal");
    values("status", Some("status"), "--status");
    values("abbrev", Some("abbrev"), "--abbrev");
    values("verbose", Some("verbose"), "--verbose");
    values("raw", Some("raw"), "--raw");
    values("read", Some("read"), "--read");
    values("write", Some("write"), "--write");
    values("quiet_set", Some("quiet"), "--quiet");
    values("decode_fds", Some("decode-fds"), "--decode-fds");
    values("decode_pids", Some("decode-pids"), "--decode-pids");
    values("inject", Some("inject"), "--inject");
    values("fault", Some("fault"), "--fault");
    values("kvm", Some("kvm"), "--kvm");
    let mut flag = |id: &str, name: &str, value: &str, option: &'static str| {
        if let Some(indices) = m.indices_of(id).filter(|_| m.get_flag(id)) {
            for index in indices {
                let (name, value) = (name.to_owned(), value.to_owned());
                found.push((
                    index,
                    Qualifier {
                        name,
                        value,
                        option,
                    },
                ));
            }
        }
    };
    flag("successful_only", "status", "successful", "-z");
    flag("failed_only", "status", "failed", "-Z");
    flag("no_abbrev", "abbrev", "none", "-v");
    flag("decode_pids_comm", "decode-pids", "comm", "-Y");
    flag(
        "pidns_translation",
        "decode-pids",
        "pidns",
        "--pidns-translation",
    );
    found.sort_by_key(|(index, _)| *index);
    found.into_iter().map(|(_, q)| q).collect()
}

/// clap's error as one line: `unrecognized option '--folow-forks' (did you mean
/// '--follow-forks'?)`, `invalid value 'x' for -s: ...`.
fn one_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let ctx = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => v.first().cloned(),
        _ => None,
    };
    // `--string-limit <STRSIZE>` -> `--string-limit`
    let arg = ctx(ContextKind::InvalidArg)
        .map(|a| a.split([' ', '=']).next().unwrap_or_default().to_owned())
        .unwrap_or_default();
    let suggestion = ctx(ContextKind::SuggestedArg)
        .map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::UnknownArgument => format!("unrecognized option '{arg}'{suggestion}"),
        ErrorKind::InvalidValue => match ctx(ContextKind::InvalidValue).filter(|v| !v.is_empty()) {
            Some(value) => {
                let valid = match e.get(ContextKind::ValidValue) {
                    Some(ContextValue::Strings(v)) => format!(" (one of: {})", v.join(", ")),
                    _ => String::new(),
                };
                format!("invalid {arg} argument: '{value}'{valid}")
            }
            None => format!("option {arg} needs an argument"),
        },
        ErrorKind::ValueValidation => {
            let value = ctx(ContextKind::InvalidValue).unwrap_or_default();
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("invalid {arg} argument: '{value}'{why}")
        }
        ErrorKind::NoEquals => format!("option {arg} takes its value after '='"),
        ErrorKind::InvalidUtf8 => "an option's value is not valid UTF-8".to_owned(),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => {
            format!("option {arg} takes one value")
        }
        ErrorKind::ArgumentConflict => {
            let other = ctx(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} and {other} are mutually exclusive")
        }
        _ => {
            let text = e.render().to_string();
            let line = text.lines().next().unwrap_or("bad command line");
            line.trim_start_matches("error: ").to_owned()
        }
    }
}

/// A duration with its unit, as strace writes delays: `10ms`, `1.5s`, `200us`, `500ns`.
/// A bare number is refused: `--min-duration=10` could mean anything.
pub fn parse_duration(arg: &str) -> Result<std::time::Duration, String> {
    parse_duration_default(arg, None)
}

/// As [`parse_duration`], a bare number being in `default_unit` when there is one (`-O`
/// counts microseconds, as strace's does).
pub fn parse_duration_default(
    arg: &str,
    default_unit: Option<&str>,
) -> Result<std::time::Duration, String> {
    let (number, unit) = arg.split_at(number_len(arg));
    let value: f64 = number
        .parse()
        .map_err(|_| "not a duration (use e.g. 10ms, 1.5s, 200us)".to_owned())?;
    let unit = match (unit, default_unit) {
        ("", Some(dflt)) => dflt,
        // Zero is zero in any unit.
        ("", None) if value == 0.0 => "s",
        ("", None) => return Err("a duration needs a unit: s, ms, us or ns".into()),
        (unit, _) => unit,
    };
    let scale = match unit {
        "s" => 1.0,
        "ms" => 1e-3,
        "us" => 1e-6,
        "ns" => 1e-9,
        _ => return Err(format!("unknown unit '{unit}' (use s, ms, us or ns)")),
    };
    std::time::Duration::try_from_secs_f64(value * scale).map_err(|_| "out of range".into())
}

/// The length of the decimal number `arg` starts with, with an exponent (`4.5e2ms`, as
/// strace's `strtod` reads it; no unit starts with an `e`).
fn number_len(arg: &str) -> usize {
    let b = arg.as_bytes();
    let mantissa = b
        .iter()
        .position(|c| !(c.is_ascii_digit() || *c == b'.'))
        .unwrap_or(b.len());
    if !matches!(b.get(mantissa), Some(b'e' | b'E')) {
        return mantissa;
    }
    let sign = usize::from(matches!(b.get(mantissa + 1), Some(b'+' | b'-')));
    let digits = b[mantissa + 1 + sign..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 {
        mantissa
    } else {
        mantissa + 1 + sign + digits
    }
}

/// A size with an optional binary unit: `4096`, `512k`, `100M`, `1G`.
pub fn parse_size(arg: &str) -> Result<u64, String> {
    let split = arg.find(|c: char| !c.is_ascii_digit()).unwrap_or(arg.len());
    let (number, unit) = arg.split_at(split);
    let value: u64 = number.parse().map_err(|_| "not a size".to_owned())?;
    let scale: u64 = match unit.to_ascii_lowercase().trim_end_matches(['b', 'i']) {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        _ => return Err(format!("unknown unit '{unit}' (use k, M or G)")),
    };
    match value.checked_mul(scale) {
        Some(0) => Err("must be more than 0".into()),
        None => Err("too large".into()),
        Some(size) => Ok(size),
    }
}

/// The clap command, for the man page and completions.
pub fn command() -> clap::Command {
    Args::command()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<CommandLine, Early> {
        parse(
            std::iter::once("tracer")
                .chain(line.split_whitespace())
                .map(OsString::from),
        )
    }

    fn error(line: &str) -> String {
        match parse_line(line) {
            Err(Early::Error(e)) => e,
            other => panic!("{line}: expected an error, got {other:?}"),
        }
    }

    #[test]
    fn strace_syntax() {
        let cl = parse_line("-fT -s64 -etrace=openat -e read ls -l -f").unwrap();
        assert_eq!(cl.args.follow, 1);
        assert_eq!(cl.args.syscall_times.as_deref(), Some("us"));
        assert_eq!(cl.args.string_limit.as_deref(), Some("64"));
        assert_eq!(cl.args.command, ["ls", "-l", "-f"]);
        let q: Vec<_> = cl
            .qualifiers
            .iter()
            .map(|q| (&*q.name, &*q.value))
            .collect();
        assert_eq!(q, [("trace", "openat"), ("trace", "read")]);
        let cl = parse_line("-- -f").unwrap();
        assert_eq!(cl.args.command, ["-f"]);
        let cl = parse_line("--syscall-times=ms -s 10 -s 20 true").unwrap();
        assert_eq!(cl.args.syscall_times.as_deref(), Some("ms"));
        assert_eq!(
            cl.args.string_limit.as_deref(),
            Some("20"),
            "the last one wins"
        );
    }

    #[test]
    fn qualifiers_keep_their_order() {
        let cl =
            parse_line("-z --status=failed -e status=unfinished -Z -v --abbrev=read x").unwrap();
        let q: Vec<_> = cl
            .qualifiers
            .iter()
            .map(|q| (&*q.name, &*q.value, q.option))
            .collect();
        assert_eq!(
            q,
            [
                ("status", "successful", "-z"),
                ("status", "failed", "--status"),
                ("status", "unfinished", "-e"),
                ("status", "failed", "-Z"),
                ("abbrev", "none", "-v"),
                ("abbrev", "read", "--abbrev"),
            ]
        );
    }

    #[test]
    fn errors_are_one_line() {
        assert_eq!(
            error("--folow-forks ls"),
            "unrecognized option '--folow-forks' (did you mean '--follow-forks'?)"
        );
        assert_eq!(error("-j ls"), "unrecognized option '-j'");
        assert_eq!(error("-a"), "option --columns needs an argument");
        assert_eq!(parse_line("ls -s").unwrap().args.command, ["ls", "-s"]);
        assert!(error("--min-duration=10 true").contains("needs a unit"));
        for line in ["-o", "-e", "--backend=bogus true", "-s"] {
            assert!(!error(line).contains('\n'), "{line}");
        }
    }

    #[test]
    fn unsupported_options_are_parsed_to_be_refused() {
        let cl = parse_line("-k ls").unwrap();
        assert_eq!(cl.args.unsupported.first(), Some("-k (stack traces)"));
        let cl = parse_line("--trace-fds=3 ls").unwrap();
        assert!(
            cl.args
                .unsupported
                .first()
                .unwrap()
                .starts_with("--trace-fds")
        );
        let cl = parse_line("--color=never ls").unwrap();
        assert_eq!(cl.args.unsupported.first(), None);
    }

    #[test]
    fn values_may_start_with_a_dash_as_getopt_takes_them() {
        let cl = parse_line("-s -42 -a -5 true").unwrap();
        assert_eq!(cl.args.string_limit.as_deref(), Some("-42"));
        assert_eq!(cl.args.columns.as_deref(), Some("-5"));
        let cl = parse_line("-p -42").unwrap();
        assert_eq!(cl.args.pids, ["-42"]);
    }

    #[test]
    fn long_options_may_be_abbreviated() {
        let cl = parse_line("--summary-only --signal=SIGCHLD ls").unwrap();
        assert!(cl.args.summary_only);
        assert_eq!(cl.qualifiers[0].name, "signal");
        let cl = parse_line("--syscall-n ls").unwrap();
        assert!(cl.args.syscall_number);
    }

    #[test]
    fn durations_need_units() {
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("0").unwrap().is_zero());
        assert_eq!(parse_duration("10ms").unwrap().as_millis(), 10);
        assert_eq!(parse_duration("1.5s").unwrap().as_millis(), 1500);
        assert!(parse_duration("10m").is_err());
        assert_eq!(
            parse_duration_default("5", Some("us")).unwrap().as_micros(),
            5
        );
    }

    /// strace's count.test: `-O4.5e2ms`, `-O4.5e-1s`.
    #[test]
    fn durations_take_an_exponent() {
        assert_eq!(parse_duration("4.5e2ms").unwrap().as_millis(), 450);
        assert_eq!(parse_duration("4.5e-1s").unwrap().as_millis(), 450);
        assert_eq!(parse_duration("1E+1us").unwrap().as_micros(), 10);
        assert!(parse_duration("1ex").is_err());
        assert_eq!(
            parse_duration_default("2e1", Some("us"))
                .unwrap()
                .as_micros(),
            20
        );
    }

    #[test]
    fn the_definition_is_consistent() {
        Args::command().debug_assert();
    }
}
