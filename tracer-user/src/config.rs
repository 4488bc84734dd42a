//! The command line, validated into a [`Config`] that owns every decision derived from
//! it: what is traced and shown, the kernel programs' settings, which backends can serve
//! it. Nothing downstream re-derives these from flags. Conflicts are refused here with
//! strace's wording; what strace only warns about comes back as [`Config::notes`].

use std::{
    ffi::{OsStr, OsString},
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{Context as _, Result, bail};
use tracer_common::{
    KernelConfig, MAX_CAPTURE, MAX_CGROUPS, MAX_PATH_FILTERS, SUMMARY_COUNT, SUMMARY_OFF,
    SUMMARY_ONLY,
};

use crate::{
    cli::{
        Args, BackendChoice, CommandLine, OutputFormat, TracepointChoice, parse_duration_default,
    },
    container::{Identity, runtimes},
    decode::{DecodeOptions, HexMode, Syscalls, XlatStyle},
    launch::Daemonize,
    pipeline::tasks::Wanted,
    qualifiers::{DecodeFds, NumberSet, Qualifiers, Quiet, TraceSet},
};

/// `--diagnose` reports calls at least this slow (and the kernel streams only those and
/// failed ones).
pub const DIAGNOSE_SLOW: Duration = Duration::from_millis(10);

/// strace's default return-value column (`-a`).
const DEFAULT_COLUMN: usize = 40;

/// What to trace.
#[derive(Debug)]
pub enum Target {
    /// Start this command (argv) and trace it from its exec on.
    Command(Vec<OsString>),
    /// Attach to these processes (thread-group ids).
    Attach(Vec<u32>),
    /// Every process of some cgroup v2 subtrees (`--cgroup`, `--container`), including
    /// later ones, until interrupted.
    Cgroup(Vec<TracedCgroup>),
}

/// A cgroup v2 subtree the kernel traces, and what the user called it.
#[derive(Clone, Debug)]
pub struct TracedCgroup {
    /// `cgroup /sys/fs/cgroup/x`, `container be5624d9725d (trtest, podman)`.
    pub label: String,
    /// Its id (the directory's inode) and depth below the cgroup2 mount.
    pub id: u64,
    pub level: u32,
    /// Its directory.
    pub dir: PathBuf,
    /// `--container`: the container.
    pub container: Option<Arc<Identity>>,
}

/// How the export reaches the collector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportProtocol {
    /// OTLP/HTTP with protobuf bodies (`otlp=http://HOST:PORT`, usually 4318).
    Http,
    /// OTLP/gRPC (`otlp=grpc://HOST:PORT`, usually 4317).
    Grpc,
}

/// `--export` settings.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub protocol: ExportProtocol,
    /// The collector's URL as given (OTLP/HTTP appends `/v1/logs`...).
    pub endpoint: String,
    /// Calls at least this slow become spans; failed ones too with `span_failed`.
    pub span_min_duration: Duration,
    pub span_failed: bool,
    pub queue: usize,
    /// Metrics are sent this often.
    pub interval: Duration,
}

/// Validated settings.
#[derive(Debug)]
pub struct Config {
    pub target: Target,
    /// `-p PID` given with a command: processes attached to besides it (strace traces
    /// both).
    pub also_attach: Vec<u32>,
    pub follow_forks: bool,
    pub output: Option<PathBuf>,
    /// `-T`.
    pub syscall_times: bool,
    /// Which informational messages are off (`-q`, `--quiet=`).
    pub quiet: Quiet,
    pub backend: BackendChoice,
    pub buffer_size: u32,
    pub qualifiers: Qualifiers,
    /// The syscalls the backends trace: the trace set, and every exec with `-b execve`
    /// (the middle stage shows only the trace set).
    kernel_trace: TraceSet,
    pub decode: DecodeOptions,
    pub tracepoints: TracepointChoice,
    pub stats: bool,
    /// `-P`, as given.
    pub paths: Vec<PathBuf>,
    pub summary: Option<SummaryOptions>,
    pub diagnose: bool,
    /// `--diagnose-output`: where the report goes (the trace is shown then).
    pub diagnose_output: Option<PathBuf>,
    /// `--diagnose-idle`: idle waits are listed among the slow calls.
    pub diagnose_idle: bool,
    /// The live status line may be drawn (not with `-q`, `-qq` or `--no-status`).
    pub status_line: bool,
    pub export: Option<ExportOptions>,
    /// Time stamps, output files, fd names, format.
    pub out: OutputOptions,
    /// How the launched command is started (`-E`, `-u`, `--argv0`).
    pub launch: LaunchOptions,
    /// `-b execve`: let a process go when it calls execve (not the launched command's
    /// first).
    pub detach_on_execve: bool,
    /// `--syscall-limit`: stop tracing once this many calls have been shown.
    pub syscall_limit: Option<u64>,
    /// `-I`: whether SIGINT, SIGTERM, SIGHUP and SIGQUIT stop the trace.
    pub interruptible: Interruptible,
    /// `--kill-on-exit`: the traced processes die with the tracer.
    pub kill_on_exit: bool,
    /// `-i`: each line starts with the call's instruction pointer.
    pub instruction_pointer: bool,
    /// `-d`: the tracer's debug messages.
    pub debug: bool,
    /// `-D`: the tracer runs as a detached grandchild of the command.
    pub daemonize: Option<crate::launch::Daemonize>,
    /// What strace would only warn about (`-A` without `-o`...): printed before tracing.
    pub notes: Vec<String>,
    /// The kernel programs' settings as far as the command line decides them; the eBPF
    /// loader adds what it learns about the running kernel. The ptrace backend applies
    /// the same filters from it in userspace.
    pub kernel: KernelConfig,
}

/// `-c`/`-C` settings.
#[derive(Clone, Debug)]
pub struct SummaryOptions {
    /// `-C`: the calls are printed too.
    pub with_calls: bool,
    pub sort_by: String,
    pub columns: Option<String>,
    pub histogram: bool,
    pub interval: Option<Duration>,
    /// `-w`: the time columns are wall-clock time, not system CPU time.
    pub wall_clock: bool,
    /// `-O`: taken off each call's times (the kernel does it when it counts).
    pub overhead: Option<Duration>,
}

/// `-I`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Interruptible {
    /// 1, 2: the stop signals end the trace (the default).
    #[default]
    Anywhere,
    /// 3: SIGINT, SIGTERM, SIGHUP and SIGQUIT are ignored.
    Never,
    /// 4: and SIGTSTP.
    NeverTstp,
}

/// How the launched command is started.
#[derive(Clone, Debug, Default)]
pub struct LaunchOptions {
    /// `-E`: variables to set (`Some`) or remove (`None`), in order.
    pub env: Vec<(OsString, Option<OsString>)>,
    /// `-u`: the user (uid, gid) it runs as, and the name for its supplementary groups.
    pub user: Option<RunAs>,
    /// `--argv0`.
    pub argv0: Option<OsString>,
}

/// `-u USER`: whom the command runs as.
#[derive(Clone, Debug)]
pub struct RunAs {
    pub uid: u32,
    pub gid: u32,
    /// For `initgroups`; none for a numeric `UID:GID`.
    pub name: Option<std::ffi::CString>,
}

/// How absolute time stamps print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeFormat {
    /// `HH:MM:SS`, local time.
    TimeOfDay,
    /// Seconds since the epoch.
    Unix,
}

/// `-t`/`-r` settings; precisions are numbers of decimals (0, 3, 6 or 9).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timestamps {
    pub absolute: Option<(TimeFormat, u8)>,
    /// `-r`, with its precision.
    pub relative: Option<u8>,
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
    /// `--decode-fds=`'s kinds (`DecodeFds` bits; `-y` is `path`, `-yy` all).
    pub decode_fd_kinds: u8,
    /// `--show-container`: lines start with their process's container.
    pub show_container: bool,
    pub max_size: Option<u64>,
    pub keep: usize,
    /// `-a`: where return values start.
    pub column: usize,
    /// `-T`'s decimals.
    pub syscall_times_precision: u8,
    /// `-n`.
    pub syscall_numbers: bool,
    /// `-i`.
    pub instruction_pointer: bool,
    /// `--always-show-pid`.
    pub always_show_pid: bool,
    /// `-Y`: line prefixes and pids with command names.
    pub pid_comm: bool,
    /// `-e status=` with `detached` but not every status: the calls in progress at the
    /// end are printed then, strace's `<detached ...>` lines.
    pub detached_calls: bool,
    /// `-e read=` / `-e write=`: descriptors whose data is dumped.
    pub dump_read: NumberSet,
    pub dump_write: NumberSet,
}

impl Config {
    pub fn target_is_command(&self) -> bool {
        matches!(self.target, Target::Command(_))
    }

    /// The syscalls the backends trace (the calls shown are `qualifiers.trace`).
    pub fn trace_set(&self) -> &TraceSet {
        &self.kernel_trace
    }

    /// `-y` on the eBPF backend with a partial trace set: whether syscall `nr`, outside
    /// the set, is traced all the same (not shown) for the fd table, as one that opens,
    /// duplicates or closes descriptors, makes one, or changes the working directory. The
    /// kernel's facts hold no file's path, and `/proc`, read when the records arrive, is
    /// empty once a short-lived program has exited (strace reads it at the call). Not
    /// with `-c`, whose counts the kernel keeps by the trace set.
    pub fn follows_fds_untraced(&self, nr: u32) -> bool {
        use crate::syscalls::{Effect, RetKind};
        if !self.names_fds()
            || self.summary.is_some()
            || self.kernel_trace.is_all()
            || self.kernel_trace.contains(nr)
        {
            return false;
        }
        crate::syscalls::by_nr(nr).is_some_and(|sc| {
            matches!(sc.ret, RetKind::Fd | RetKind::Landlock)
                || matches!(
                    sc.effect,
                    Effect::Open
                        | Effect::Dup
                        | Effect::Fcntl
                        | Effect::Close
                        | Effect::CloseRange
                        | Effect::Chdir
                        | Effect::FdPair
                )
        })
    }

    /// Whether the calls themselves are printed (not with `-c` alone, nor with
    /// `--diagnose` unless the trace has a destination of its own).
    pub fn shows_calls(&self) -> bool {
        shows_calls(
            self.summary.as_ref(),
            self.diagnose,
            self.output.is_some() || self.diagnose_output.is_some(),
        )
    }

    /// Whether a call is shown while it is in progress (strace's `read(0, ` while the
    /// read blocks): not when its fate is decided only at its exit.
    pub fn shows_in_progress(&self) -> bool {
        self.shows_calls() && !self.kernel.decides_at_exit()
    }

    /// The task facts the sinks show: names in JSON and the export, containers in JSON,
    /// the export and with `--show-container`.
    pub fn task_facts(&self) -> Wanted {
        let json = self.out.format == OutputFormat::Json;
        let export = self.export.is_some();
        let only_container = match &self.target {
            Target::Cgroup(set) if set.len() == 1 => set[0].container.clone(),
            _ => None,
        };
        Wanted {
            // `--diagnose` names tasks in its report; `-Y` in its prefixes.
            comm: json || export || self.out.pid_comm || self.diagnose,
            container: json || export || self.out.show_container,
            only_container,
        }
    }

    /// Whether signal deliveries are shown.
    pub fn shows_signals(&self) -> bool {
        self.shows_calls()
    }

    /// Whether signal `sig`, sent to the tracer, ends the trace (`-I`).
    pub fn stops_on(&self, sig: nix::sys::signal::Signal) -> bool {
        use nix::sys::signal::Signal::*;
        match self.interruptible {
            Interruptible::Anywhere => sig != SIGTSTP,
            Interruptible::Never | Interruptible::NeverTstp => false,
        }
    }

    /// The first option given that only the eBPF backend can serve, if any: `auto`
    /// then never falls back to ptrace silently.
    pub fn ebpf_only(&self) -> Option<&'static str> {
        if let Target::Cgroup(set) = &self.target {
            // A cgroup's processes are found in the kernel; ptrace can only follow pids.
            Some(if set.iter().all(|c| c.container.is_none()) {
                "--cgroup"
            } else {
                "--container"
            })
        } else if self.stats {
            Some("--stats (it reports the kernel programs' counters)")
        } else if self.tracepoints != TracepointChoice::Auto {
            Some("--tracepoints")
        } else if self.trace_set().names_ops() {
            Some("-e trace=%io_uring (ptrace cannot see io_uring operations)")
        } else {
            None
        }
    }

    /// The first option given that only the ptrace backend can serve: `auto` then
    /// chooses ptrace, saying why.
    pub fn ptrace_only(&self) -> Option<&'static str> {
        // The eBPF backend tampers through a seccomp filter it installs in the command it
        // starts, before its exec.
        let inject = if self.qualifiers.inject.is_empty() {
            None
        } else if !matches!(self.target, Target::Command(_))
            || !self.also_attach.is_empty()
            || self.daemonize.is_some()
        {
            Some("-e inject/fault on a process the tracer does not start")
        } else {
            crate::inject::ptrace_only(&self.qualifiers.inject)
        };
        inject.or_else(|| {
            // The kernel programs read the registers with a helper 5.15 brought.
            (self.instruction_pointer && !ebpf_reads_ip())
                .then_some("-i (the eBPF programs read the instruction pointer on Linux 5.15+)")
        })
    }

    /// The `-P` paths as the tracer compares them: each as given and in canonical form
    /// (a traced program may use either).
    pub fn path_forms(&self) -> Vec<PathBuf> {
        path_forms(&self.paths)
    }

    /// What the options change in syscall `nr`'s capture plan: unabbreviated (`-v`), an
    /// exec's environment is copied as its strings, a filter program's instructions
    /// with its struct; with `-y`, what descriptors refer to
    /// is taken at the call.
    pub fn plan_options(&self, nr: u32) -> crate::syscalls::plan::PlanOptions {
        crate::syscalls::plan::PlanOptions {
            unabbreviated: !self.decode.abbrev.contains(nr),
            fd_facts: self.names_fds(),
            fd_endpoints: self.out.decode_fds > 1,
            string_limit: self.decode.string_limit,
        }
    }

    /// `-y`/`-yy`: descriptors are shown with what they refer to.
    pub fn names_fds(&self) -> bool {
        self.out.decode_fds > 0
    }

    /// Whether the kernel programs read what descriptors refer to: for `-y`, or for a
    /// traced call whose socket data decodes by its socket's kind (netlink's protocol).
    pub fn reads_fd_facts(&self) -> bool {
        self.names_fds()
            || crate::syscalls::all().any(|sc| {
                self.kernel_trace.contains(sc.nr) && crate::syscalls::plan::sends_socket_data(sc)
            })
    }

    /// Bytes of each buffer the backends copy: `-s`, or whole buffers (up to the
    /// kernel's limit) when they are dumped (`-e read=`, `-e write=`).
    pub fn capture_limit(&self) -> usize {
        if self.out.dump_read.is_empty() && self.out.dump_write.is_empty() {
            self.decode.string_limit
        } else {
            self.decode.string_limit.max(MAX_CAPTURE)
        }
    }
}

impl CommandLine {
    /// Validates the command line.
    pub fn into_config(self) -> Result<Config> {
        let CommandLine { args, qualifiers } = self;
        let mut notes = Vec::new();
        if let Some(option) = args.unsupported.first() {
            bail!("{option} is not supported yet");
        }
        let q = Qualifiers::parse(qualifiers.iter().map(|q| (&*q.name, &*q.value)))?;
        let statuses = qualifiers
            .iter()
            .filter(|q| q.option == "-z" || q.option == "-Z")
            .count();
        if statuses > 1 {
            notes.push(
                "Only the last of -z/--successful-only/-Z/--failed-only options will take \
                 effect. See status qualifier for more complex filters."
                    .into(),
            );
        }
        let quiet = match (args.quiet, q.quiet) {
            (0, quiet) => quiet.unwrap_or_default(),
            (n, None) => Quiet::level(n),
            (_, Some(_)) => bail!("-q and -e quiet/--quiet cannot be provided simultaneously"),
        };
        let decode_fds = match (args.decode_fds_short, q.decode_fds) {
            (0, fds) => fds.unwrap_or_default(),
            (n, None) => DecodeFds::level(n),
            (_, Some(_)) => bail!("-y and --decode-fds cannot be provided simultaneously"),
        };
        let follow = follow_forks(&args, &mut notes)?;
        let target = args.target()?;
        let also_attach = args.also_attached(&target)?;
        let buffer_size = match args.buffer_size {
            Some(size) => buffer_size(size)?,
            None => default_buffer_size(),
        };
        let (mut cgroup_ids, mut cgroup_levels) = ([0; MAX_CGROUPS], [0; MAX_CGROUPS]);
        if let Target::Cgroup(set) = &target {
            if set.len() > MAX_CGROUPS {
                bail!("--cgroup and --container: at most {MAX_CGROUPS} in all");
            }
            for (i, c) in set.iter().enumerate() {
                (cgroup_ids[i], cgroup_levels[i]) = (c.id, c.level);
            }
        }
        // The kernel compares hashes of each path as given and as resolved.
        if path_forms(&args.paths).len() > MAX_PATH_FILTERS {
            bail!(
                "-P: too many paths (the filter holds {MAX_PATH_FILTERS}, a path counting \
                 twice when it is not canonical)"
            );
        }
        let summary = args.summary_options(&mut notes)?;
        let export = args.export_options()?;
        let string_limit = match &args.string_limit {
            Some(s) => parse_uint(s, "-s")? as usize,
            None => 32,
        };
        let decode = DecodeOptions {
            string_limit,
            hex: hex_mode(args.hex, args.strings_in_hex.as_deref())?,
            xlat: match args.const_print_style.as_deref() {
                None | Some("abbrev") => XlatStyle::Abbrev,
                Some("raw") => XlatStyle::Raw,
                Some("verbose") => XlatStyle::Verbose,
                Some(other) => bail!("invalid -X argument: '{other}'"),
            },
            raw: syscalls(&q.raw),
            abbrev: syscalls(&q.abbrev),
            verbose: syscalls(&q.verbose),
            pid_comm: q.pid_comm,
            pidns: q.pidns,
            ..Default::default()
        };
        let launch = args.launch_options(&target)?;
        let out = args.output_options(follow, &decode_fds, &q, &summary, &mut notes)?;
        let detach_on_execve = match args.detach_on.as_deref() {
            None => false,
            Some("execve") => true,
            Some(other) => bail!("Syscall '{other}' for -b isn't supported"),
        };
        let syscall_limit = match &args.syscall_limit {
            Some(n) => match n.parse::<u64>() {
                Ok(n) if n > 0 => Some(n),
                _ => bail!("invalid --syscall-limit argument: '{n}'"),
            },
            None => None,
        };
        let daemonize = match (args.daemonize_short, args.daemonize.as_deref()) {
            (0, None) => None,
            (0, Some(how)) => daemonize_how(how),
            (1, _) => Some(Daemonize::Grandchild),
            (2, _) => Some(Daemonize::ProcessGroup),
            _ => Some(Daemonize::Session),
        };
        let interruptible = match args.interruptible.as_deref() {
            // As strace, -D ignores the signals that would end the tracer.
            None if daemonize.is_some() => Interruptible::NeverTstp,
            None | Some("1" | "anywhere" | "always" | "2" | "waiting") => Interruptible::Anywhere,
            Some("3" | "never") => Interruptible::Never,
            Some("4" | "never_tstp") => Interruptible::NeverTstp,
            Some(other) => bail!("invalid -I argument: '{other}'"),
        };
        if args.kill_on_exit && (matches!(target, Target::Attach(_)) || !also_attach.is_empty()) {
            bail!("--kill-on-exit and -p/--attach are mutually exclusive options");
        }
        if args.seccomp_bpf {
            seccomp_notes(
                &args,
                &target,
                follow.0,
                detach_on_execve,
                syscall_limit,
                &mut notes,
            );
        }
        if args.instruction_pointer && args.backend == BackendChoice::Ebpf && !ebpf_reads_ip() {
            bail!(
                "-i needs the ptrace backend on this kernel: the eBPF programs read the instruction pointer with bpf_task_pt_regs (Linux 5.15)"
            );
        }
        let diagnose = args.diagnose || args.diagnose_output.is_some() || args.diagnose_idle;
        let trace_shown = shows_calls(
            summary.as_ref(),
            diagnose,
            args.output.is_some() || args.diagnose_output.is_some(),
        );
        let mut kernel = KernelConfig {
            status_mask: q.status,
            cgroup_ids,
            cgroup_levels,
            summary: match &summary {
                // --diagnose needs calls beside the totals.
                Some(s) if !s.with_calls && !diagnose => SUMMARY_ONLY,
                Some(_) => SUMMARY_COUNT,
                None if diagnose => SUMMARY_COUNT,
                None => SUMMARY_OFF,
            },
            diagnose_slow_ns: if diagnose {
                DIAGNOSE_SLOW.as_nanos() as u64
            } else {
                0
            },
            diagnose_only: (diagnose && !trace_shown) as u8,
            // strace's -c sums system CPU time unless -w.
            count_cpu: summary.as_ref().is_some_and(|s| !s.wall_clock) as u8,
            summary_overhead_ns: summary
                .as_ref()
                .and_then(|s| s.overhead)
                .map_or(0, |o| o.as_nanos() as u64),
            ..args.kernel_config(&q, follow.0, string_limit, buffer_size)
        };
        let kernel_trace = if detach_on_execve {
            q.trace.clone().with(&["execve", "execveat"])
        } else {
            q.trace.clone()
        };
        // io_uring operations are the eBPF backend's alone; ptrace ignores the bits.
        kernel.uring_ops = kernel_trace.op_words();
        let mut cfg = Config {
            kernel_trace,
            out,
            target,
            also_attach,
            follow_forks: follow.0,
            output: args.output.clone(),
            syscall_times: args.syscall_times.is_some(),
            quiet,
            backend: args.backend,
            buffer_size,
            qualifiers: q,
            decode,
            tracepoints: args.tracepoints,
            stats: args.stats,
            paths: args.paths.clone(),
            summary,
            diagnose,
            diagnose_output: args.diagnose_output.clone(),
            diagnose_idle: args.diagnose_idle,
            status_line: !args.no_status && args.quiet == 0,
            launch,
            detach_on_execve,
            syscall_limit,
            interruptible,
            kill_on_exit: args.kill_on_exit,
            instruction_pointer: args.instruction_pointer,
            debug: args.debug,
            daemonize,
            notes,
            export,
            kernel,
        };
        // Dumped buffers are copied whole; `-s` still limits what the lines show.
        kernel.string_limit = cfg.capture_limit().min(u16::MAX as usize) as u32;
        // An exec that is not abbreviated shows all its strings, as strace does.
        let execs = [tracer_common::nr::EXECVE, tracer_common::nr::EXECVEAT];
        if execs.iter().any(|&nr| !cfg.decode.abbrev.contains(nr)) {
            kernel.strv_strings = tracer_common::MAX_STRV_ALL as u8;
        } else {
            // One string more than an abbreviated exec shows (`-s` of them): an argv of
            // exactly that many is told from a longer one (`, ...`).
            let shown = cfg.decode.string_limit.saturating_add(1);
            kernel.strv_strings =
                shown.clamp(tracer_common::MAX_STRV, tracer_common::MAX_STRV_ALL) as u8;
        }
        cfg.kernel = kernel;
        Ok(cfg)
    }
}

/// A decimal count as strace's `string_to_uint` takes it.
fn parse_uint(s: &str, option: &str) -> Result<u32> {
    match s.parse::<u32>() {
        Ok(n) if n <= u32::MAX / 4 => Ok(n),
        _ => bail!("invalid {option} argument: '{s}'"),
    }
}

/// `-f`/`-ff`/`--follow-forks`/`--output-separately`/`-F`: (follow, one file per task).
fn follow_forks(args: &Args, notes: &mut Vec<String>) -> Result<(bool, bool)> {
    let mut follow = args.follow_forks;
    let mut separately = args.output_separately;
    if args.follow > 0 {
        if args.follow_forks {
            bail!("-f and --follow-forks cannot be provided simultaneously");
        }
        if args.follow >= 2 && args.output_separately {
            bail!("-ff and --output-separately cannot be provided simultaneously");
        }
        follow = true;
        separately = args.follow >= 2;
    }
    if args.follow_deprecated {
        if follow {
            notes.push("deprecated option -F ignored".into());
        } else {
            notes.push("option -F is deprecated, please use -f/--follow-forks instead".into());
            follow = true;
        }
    }
    Ok((follow, separately))
}

fn hex_mode(short: u8, long: Option<&str>) -> Result<HexMode> {
    Ok(match (short, long) {
        (0, None) => HexMode::None,
        (1, None) => HexMode::NonAscii,
        (_, None) => HexMode::All,
        (0, Some("none")) => HexMode::None,
        (0, Some("non-ascii-chars")) => HexMode::Escapes,
        (0, Some("non-ascii")) => HexMode::NonAscii,
        (0, Some("all")) => HexMode::All,
        (0, Some(other)) => bail!("invalid --strings-in-hex argument: '{other}'"),
        (_, Some(_)) => bail!("-x and --strings-in-hex cannot be provided simultaneously"),
    })
}

/// A trace set as the decoders take it.
fn syscalls(set: &TraceSet) -> Syscalls {
    if set.is_all() {
        Syscalls::All
    } else if set.is_none() {
        Syscalls::None
    } else {
        Syscalls::Only {
            known: (0..crate::syscalls::TABLE_LEN as u32)
                .map(|nr| set.contains(nr))
                .collect(),
            unknown: set.traces_unknown(),
        }
    }
}

/// strace's messages for `--seccomp-bpf` where it cannot apply.
fn seccomp_notes(
    args: &Args,
    target: &Target,
    follow: bool,
    detach_on_execve: bool,
    limit: Option<u64>,
    notes: &mut Vec<String>,
) {
    if !follow {
        notes.push("--seccomp-bpf cannot be used without -f/--follow-forks, disabling".into());
    } else if detach_on_execve {
        notes.push("--seccomp-bpf is not enabled because it is not compatible with -b".into());
    } else if limit.is_some() {
        notes.push(
            "--seccomp-bpf is not enabled because it is not compatible with --syscall-limit".into(),
        );
    } else if matches!(target, Target::Attach(_)) {
        notes.push("--seccomp-bpf is not enabled for processes attached with -p".into());
    } else if args.backend == BackendChoice::Ebpf {
        notes.push("--seccomp-bpf: the eBPF backend filters in the kernel; nothing to do".into());
    }
}

impl Args {
    /// What to trace: a command, processes, or cgroups (containers).
    fn target(&self) -> Result<Target> {
        let daemonize = self.daemonize_short > 0 || self.daemonize.is_some();
        if self.daemonize_short > 0 && self.daemonize.is_some() {
            bail!("-D and --daemonize cannot be provided simultaneously");
        }
        if self.daemonize_short > 3 {
            bail!(
                "Too many -D's ({}), maximum supported -D count is 3",
                self.daemonize_short
            );
        }
        if let Some(how) = self.daemonize.as_deref()
            && daemonize_how(how).is_none()
        {
            bail!("invalid --daemonize argument: '{how}'");
        }
        let scoped = !self.cgroup.is_empty() || !self.containers.is_empty();
        let option = if self.cgroup.is_empty() {
            "--container"
        } else {
            "--cgroup"
        };
        let target = match (self.pids.is_empty(), self.command.is_empty(), scoped) {
            (true, true, true) => Target::Cgroup(self.cgroups()?),
            (true, true, false) => bail!("must have PROG [ARGS] or -p PID"),
            (false, _, true) => bail!("{option} and -p are mutually exclusive"),
            (_, false, true) => bail!("{option} and a command are mutually exclusive"),
            // With -p too, the processes are attached besides (`also_attached`).
            (_, false, false) => Target::Command(self.command.clone()),
            (false, true, _) => Target::Attach(
                self.pids
                    .iter()
                    .map(|p| parse_pid(p))
                    .collect::<Result<Vec<_>>>()?,
            ),
        };
        if daemonize && !matches!(target, Target::Command(_)) {
            bail!("PROG [ARGS] must be specified with -D/--daemonize");
        }
        if self.argv0.is_some() && !matches!(target, Target::Command(_)) {
            bail!("PROG [ARGS] must be specified with --argv0");
        }
        Ok(target)
    }

    /// `-p PID` with a command: the processes attached to besides it.
    fn also_attached(&self, target: &Target) -> Result<Vec<u32>> {
        if !matches!(target, Target::Command(_)) {
            return Ok(Vec::new());
        }
        self.pids.iter().map(|p| parse_pid(p)).collect()
    }

    /// `-c`/`-C` and the options that go with them.
    fn summary_options(&self, notes: &mut Vec<String>) -> Result<Option<SummaryOptions>> {
        if self.summary_only && self.summary {
            bail!("-c/--summary-only and -C/--summary are mutually exclusive");
        }
        let counting = self.summary_only || self.summary;
        if !counting {
            if self.summary_wall_clock {
                bail!(
                    "-w/--summary-wall-clock must be given with (-c/--summary-only or -C/--summary)"
                );
            }
            if self.summary_columns.is_some() {
                bail!(
                    "-U/--summary-columns must be given with (-c/--summary-only or -C/--summary)"
                );
            }
            if self.histogram {
                bail!("--histogram goes with -c or -C");
            }
            if self.interval.is_some() && self.export.is_none() {
                bail!("--interval goes with -c, -C or --export");
            }
            if self.summary_sort.is_some() {
                notes.push(
                    "-S/--summary-sort-by has no effect without (-c/--summary-only or \
                     -C/--summary)"
                        .into(),
                );
            }
            return Ok(None);
        }
        if self.interval.is_some_and(|d| d.is_zero()) {
            bail!("--interval must be more than 0");
        }
        let overhead = match &self.overhead {
            Some(o) => Some(
                parse_duration_default(o, Some("us"))
                    .map_err(|_| anyhow::anyhow!("invalid -O argument: '{o}'"))?,
            ),
            None => None,
        };
        Ok(Some(SummaryOptions {
            with_calls: self.summary,
            sort_by: self.summary_sort.clone().unwrap_or_else(|| "time".into()),
            columns: self.summary_columns.clone(),
            histogram: self.histogram,
            interval: self.interval,
            wall_clock: self.summary_wall_clock,
            overhead,
        }))
    }

    /// `-E`, `-u`, `--argv0`.
    fn launch_options(&self, target: &Target) -> Result<LaunchOptions> {
        use std::os::unix::ffi::OsStrExt;
        let env = self
            .env
            .iter()
            .map(|e| match e.as_bytes().iter().position(|&b| b == b'=') {
                Some(at) => (
                    OsStr::from_bytes(&e.as_bytes()[..at]).to_owned(),
                    Some(OsStr::from_bytes(&e.as_bytes()[at + 1..]).to_owned()),
                ),
                None => (e.clone(), None),
            })
            .collect();
        let user = match &self.user {
            Some(user) => {
                if !matches!(target, Target::Command(_)) {
                    bail!("-u/--user needs PROG [ARGS] to run");
                }
                Some(run_as(user)?)
            }
            None => None,
        };
        Ok(LaunchOptions {
            env,
            user,
            argv0: self.argv0.clone(),
        })
    }

    /// Time stamps, files, fd names, format, and the per-line extras.
    fn output_options(
        &self,
        (follow, separately): (bool, bool),
        decode_fds: &DecodeFds,
        q: &Qualifiers,
        summary: &Option<SummaryOptions>,
        notes: &mut Vec<String>,
    ) -> Result<OutputOptions> {
        if self.t > 0 && !self.absolute_timestamps.is_empty() {
            bail!("-t and --absolute-timestamps cannot be provided simultaneously");
        }
        let absolute = match (self.t, self.absolute_timestamps.is_empty()) {
            (0, true) => None,
            (1, true) => Some((TimeFormat::TimeOfDay, 0)),
            (2, true) => Some((TimeFormat::TimeOfDay, 6)),
            (_, true) => Some((TimeFormat::Unix, 6)),
            (_, false) => absolute_timestamps(&self.absolute_timestamps)?,
        };
        // Only the long forms take a precision: errors name them.
        let relative = match &self.relative {
            Some(p) => Some(precision(p, "--relative-timestamps")?),
            None => None,
        };
        let syscall_times_precision = match &self.syscall_times {
            Some(p) => precision(p, "--syscall-times")?,
            None => 6,
        };
        let output = self.output.as_deref();
        let piped = output.is_some_and(|p| p.to_string_lossy().starts_with(['|', '!']));
        if piped && separately {
            bail!("piping the output and -ff/--output-separately are mutually exclusive");
        }
        if let Some(pipe) = output.filter(|_| piped) {
            check_pipe_command(&pipe.to_string_lossy()[1..])?;
        }
        if separately && summary.is_some() {
            bail!(
                "(-c/--summary-only or -C/--summary) and -ff/--output-separately are \
                 mutually exclusive"
            );
        }
        let to_file = output.is_some() && !piped;
        if output.is_none() {
            if self.append {
                notes.push("-A/--output-append-mode has no effect without -o/--output".into());
            }
            if self.output_separately && !follow {
                notes.push("--output-separately has no effect without -o/--output".into());
            }
        }
        if self.max_size.is_some() && !to_file {
            bail!("--output-max-size needs -o FILE");
        }
        if self.keep == 0 {
            bail!("--output-keep must be at least 1");
        }
        if summary.as_ref().is_some_and(|s| !s.with_calls) {
            for (on, what) in [
                (self.instruction_pointer, "-i/--instruction-pointer"),
                (self.syscall_number, "-n/--syscall-number"),
                (relative.is_some(), "-r/--relative-timestamps"),
                (absolute.is_some(), "-t/--absolute-timestamps"),
                (self.syscall_times.is_some(), "-T/--syscall-times"),
                (decode_fds.any(), "-y/--decode-fds"),
            ] {
                if on {
                    notes.push(format!("{what} has no effect with -c/--summary-only"));
                }
            }
        }
        let column = match &self.columns {
            Some(c) => parse_uint(c, "-a")? as usize,
            None => DEFAULT_COLUMN,
        };
        Ok(OutputOptions {
            timestamps: Timestamps { absolute, relative },
            format: self.format,
            append: self.append,
            per_task: separately && to_file,
            decode_fds: decode_fds.as_level(),
            decode_fd_kinds: decode_fds.bits(),
            max_size: self.max_size,
            keep: self.keep,
            column,
            syscall_times_precision,
            syscall_numbers: self.syscall_number,
            instruction_pointer: self.instruction_pointer,
            always_show_pid: self.always_show_pid,
            pid_comm: q.pid_comm,
            detached_calls: q.detached_calls,
            dump_read: q.read.clone(),
            dump_write: q.write.clone(),
            show_container: self.show_container,
        })
    }

    /// The cgroups `--cgroup` and `--container` name.
    fn cgroups(&self) -> Result<Vec<TracedCgroup>> {
        let mut set = Vec::new();
        for dir in &self.cgroup {
            if !dir.exists() {
                bail!("--cgroup {}: no such directory", dir.display());
            }
            let (id, level) = cgroup_id(dir)?;
            set.push(TracedCgroup {
                label: format!("cgroup {}", dir.display()),
                id,
                level,
                dir: dir.clone(),
                container: None,
            });
        }
        if self.containers.is_empty() {
            return Ok(set);
        }
        let running = runtimes::running();
        for arg in &self.containers {
            let found = match runtimes::matching(arg, &running)[..] {
                [one] => one,
                [] => {
                    let list: Vec<String> = running.iter().map(|r| r.describe()).collect();
                    if list.is_empty() {
                        bail!("--container {arg}: no such container (no container is running)");
                    }
                    bail!(
                        "--container {arg}: no such container; running: {}",
                        list.join(", ")
                    );
                }
                ref several => {
                    let list: Vec<String> = several.iter().map(|r| r.describe()).collect();
                    bail!("--container {arg}: ambiguous: {}", list.join(", "));
                }
            };
            let Some(path) = &found.cgroup_v2 else {
                bail!(
                    "--container {arg}: {} has no cgroup v2 of its own (its runtime uses only \
                     the cgroup v1 hierarchies here), and the kernel filter needs one",
                    found.describe()
                );
            };
            let dir = cgroup2_mount()?.join(path.trim_start_matches('/'));
            let (id, level) = cgroup_id(&dir)?;
            if !set.iter().any(|c: &TracedCgroup| c.id == id) {
                set.push(TracedCgroup {
                    label: format!("container {}", found.describe()),
                    id,
                    level,
                    dir,
                    container: Some(Arc::new(found.identity.clone())),
                });
            }
        }
        Ok(set)
    }

    /// The kernel settings that follow from single flags.
    fn kernel_config(
        &self,
        qualifiers: &Qualifiers,
        follow: bool,
        limit: usize,
        buffer_size: u32,
    ) -> KernelConfig {
        KernelConfig {
            string_limit: limit.min(u16::MAX as usize) as u32,
            trace_unknown: qualifiers.trace.traces_unknown() as u8,
            follow_forks: follow as u8,
            count_seen: self.stats as u8,
            min_duration_ns: self.min_duration.map_or(0, |d| d.as_nanos() as u64),
            path_hashes: path_hashes(&path_forms(&self.paths)),
            // The consumer is woken once a quarter of the buffer is full, else on its
            // poll tick; a trace on a terminal is read as it comes.
            wakeup_bytes: if trace_to_terminal(self.output.as_deref()) {
                0
            } else {
                u64::from(buffer_size / 4)
            },
            ..KernelConfig::DEFAULT
        }
    }
}

/// `--buffer-size`: each CPU's ring buffer, as perf's `-m` sizes each CPU's; a BPF ring
/// buffer is a power of two of pages; past 1 GiB a size is a mistake, not a wish.
fn buffer_size(size: u64) -> Result<u32> {
    const MIN: u64 = 4096;
    const MAX: u64 = 1 << 30;
    if !size.is_power_of_two() || !(MIN..=MAX).contains(&size) {
        bail!("--buffer-size must be a power of two from 4k to 1G (e.g. 4M, 64M), not {size}");
    }
    Ok(size as u32)
}

/// The default size of each CPU's ring buffer: 8 MiB, which holds a full trace of Redis
/// on each of 2 CPUs without loss here; past 32 online CPUs less each (a power of two,
/// at least 1 MiB), so the buffers together stay near 256 MiB. The pages are only touched
/// as records fill them.
fn default_buffer_size() -> u32 {
    // Online CPUs, not the tracer's own share of them: traced calls run on any.
    // SAFETY: sysconf has no memory preconditions.
    buffer_size_for(unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) }.max(1) as u64)
}

fn buffer_size_for(cpus: u64) -> u32 {
    const PER_CPU: u64 = 8 << 20;
    const TOTAL: u64 = 256 << 20;
    let share = TOTAL / cpus;
    // The largest power of two within the share.
    let share = 1u64 << (63 - share.max(1).leading_zeros());
    share.clamp(1 << 20, PER_CPU) as u32
}

/// Whether the calls are printed: not with `-c` alone, nor with `--diagnose` unless the
/// trace has a destination of its own (`-o`, or the report has `--diagnose-output`).
fn shows_calls(summary: Option<&SummaryOptions>, diagnose: bool, own_destination: bool) -> bool {
    summary.is_none_or(|s| s.with_calls) && (!diagnose || own_destination)
}

/// Whether the trace goes to a terminal (stderr, or `-o /dev/tty`...): someone is
/// watching the lines as the calls happen.
fn trace_to_terminal(output: Option<&Path>) -> bool {
    use std::io::IsTerminal as _;
    match output {
        None => std::io::stderr().is_terminal(),
        Some(path) if path.starts_with("/dev") => std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .is_ok_and(|f| f.is_terminal()),
        Some(_) => false,
    }
}

/// `--daemonize=`'s values, in any case as strace takes them.
fn daemonize_how(how: &str) -> Option<Daemonize> {
    match how.to_ascii_lowercase().as_str() {
        "grandchild" => Some(Daemonize::Grandchild),
        "pgroup" | "pgrp" => Some(Daemonize::ProcessGroup),
        "session" => Some(Daemonize::Session),
        _ => None,
    }
}

/// `s`, `ms`, `us`, `ns` as a number of decimals.
fn precision(p: &str, option: &str) -> Result<u8> {
    Ok(match p {
        "s" => 0,
        "ms" => 3,
        "" | "us" => 6,
        "ns" => 9,
        _ => bail!("invalid {option} argument: '{p}'"),
    })
}

/// `--absolute-timestamps=[[format:]none|time|unix][,[precision:]s|ms|us|ns]`, each
/// one given changing what it names (the format is `time` and the precision `s` until
/// one does).
fn absolute_timestamps(specs: &[String]) -> Result<Option<(TimeFormat, u8)>> {
    let (mut format, mut digits) = (Some(TimeFormat::TimeOfDay), 0);
    for spec in specs {
        let invalid = || anyhow::anyhow!("invalid --absolute-timestamps argument: '{spec}'");
        for item in spec.split(',').filter(|i| !i.is_empty()) {
            let (key, value) = match item.split_once(':') {
                Some((k, v)) => (Some(k), v),
                None => (None, item),
            };
            match (key, value) {
                (None | Some("format"), "none") => format = None,
                (None | Some("format"), "time") => format = Some(TimeFormat::TimeOfDay),
                (None | Some("format"), "unix") => format = Some(TimeFormat::Unix),
                (None | Some("precision"), "s" | "ms" | "us" | "ns") => {
                    digits = precision(value, "--absolute-timestamps").map_err(|_| invalid())?
                }
                _ => return Err(invalid()),
            }
        }
    }
    Ok(format.map(|f| (f, digits)))
}

/// `-o '|CMD'`: a command that cannot be found is the user's error, reported before
/// anything runs (a shell that fails to run it would only close the pipe). Only a plain
/// first word is checked; builtins and shell syntax are left to the shell.
fn check_pipe_command(command: &str) -> Result<()> {
    const BUILTINS: &[&str] = &[
        "exec", "eval", "command", "cd", "read", "while", "until", "for", "if", "case", "{", "(",
        "!", "time", "test", "[", "echo", ":", "true", "false", "printf", "set", ".",
    ];
    let Some(word) = command.split_whitespace().next() else {
        bail!("-o '|': no command to pipe the trace to");
    };
    let plain = word
        .chars()
        .all(|c| c.is_alphanumeric() || "/._-+".contains(c));
    if plain && !BUILTINS.contains(&word) {
        crate::launch::resolve(OsStr::new(word)).with_context(|| format!("-o '|{command}'"))?;
    }
    Ok(())
}

/// `-u USER` or `-u UID:GID`, resolved as strace does (root only).
fn run_as(user: &str) -> Result<RunAs> {
    if !nix::unistd::getuid().is_root() || !nix::unistd::geteuid().is_root() {
        bail!("You must be root to use the -u/--username option");
    }
    if let Some((uid, gid)) = user.split_once(':')
        && uid.chars().all(|c| c.is_ascii_digit())
        && gid.chars().all(|c| c.is_ascii_digit())
    {
        return match (uid.parse::<u32>(), gid.parse::<u32>()) {
            (Ok(uid), Ok(gid)) if uid != u32::MAX && gid != u32::MAX => Ok(RunAs {
                uid,
                gid,
                name: None,
            }),
            _ => bail!("Invalid UID:GID pair '{user}'"),
        };
    }
    match nix::unistd::User::from_name(user) {
        Ok(Some(pw)) => Ok(RunAs {
            uid: pw.uid.as_raw(),
            gid: pw.gid.as_raw(),
            name: std::ffi::CString::new(user).ok(),
        }),
        _ => bail!("Cannot find user '{user}'"),
    }
}

/// A `-p` argument: a positive pid of an existing process, mapped to its thread group.
fn parse_pid(arg: &str) -> Result<u32> {
    let pid: u32 = match arg.trim().parse() {
        Ok(pid) if pid > 0 && pid <= i32::MAX as u32 => pid,
        _ => bail!("Invalid process id: '{arg}'"),
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

/// Each path as given and in canonical form, without repeats.
fn path_forms(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut forms: Vec<PathBuf> = Vec::new();
    for form in paths
        .iter()
        .flat_map(|p| [Some(p.clone()), p.canonicalize().ok()])
        .flatten()
    {
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    forms
}

/// The kernel's `-P` hashes of the path forms.
fn path_hashes(forms: &[PathBuf]) -> [u64; MAX_PATH_FILTERS] {
    use std::os::unix::ffi::OsStrExt;
    let mut hashes = [0; MAX_PATH_FILTERS];
    for (slot, form) in hashes.iter_mut().zip(forms) {
        *slot = tracer_common::path_hash(form.as_os_str().as_bytes());
    }
    hashes
}

/// Where the cgroup v2 hierarchy is mounted (`/sys/fs/cgroup`, or on hybrid hosts
/// `/sys/fs/cgroup/unified`): the mount of its root.
fn cgroup2_mount() -> Result<PathBuf> {
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")?;
    // Field 4 is the root of the mount, field 5 the mount point.
    mountinfo
        .lines()
        .filter(|l| {
            l.split(" - ")
                .nth(1)
                .is_some_and(|t| t.starts_with("cgroup2 "))
        })
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(3) == Some(&"/"))
        .and_then(|f| f.get(4).map(PathBuf::from))
        .ok_or_else(|| anyhow::anyhow!("no cgroup v2 hierarchy is mounted"))
}

/// The id (inode) of a cgroup v2 directory and its depth below the cgroup2 mount, as
/// `bpf_get_current_ancestor_cgroup_id` counts it.
fn cgroup_id(dir: &Path) -> Result<(u64, u32)> {
    use std::os::unix::fs::MetadataExt;
    if !dir.exists() {
        bail!("--cgroup {}: no such directory", dir.display());
    }
    // CGROUP2_SUPER_MAGIC: cgroup ids and the BPF cgroup helpers are v2 only.
    let v2 = nix::sys::statfs::statfs(dir).is_ok_and(|fs| fs.filesystem_type().0 == 0x6367_7270);
    if !v2 {
        bail!("--cgroup {}: not a cgroup v2 directory", dir.display());
    }
    let dir = dir.canonicalize()?;
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo")?;
    // Field 5 is the mount point; after " - " come the fs type and source.
    let Some(root) = mountinfo
        .lines()
        .filter(|l| {
            l.split(" - ")
                .nth(1)
                .is_some_and(|t| t.starts_with("cgroup2 "))
        })
        .filter_map(|l| l.split_whitespace().nth(4))
        .map(Path::new)
        .filter(|m| dir.starts_with(m))
        .max_by_key(|m| m.components().count())
    else {
        bail!("--cgroup {}: not inside a cgroup v2 mount", dir.display());
    };
    let level = dir
        .strip_prefix(root)
        .map(|rel| rel.components().count())
        .unwrap_or(0) as u32;
    let id = std::fs::metadata(&dir)?.ino();
    Ok((id, level))
}

/// Metrics go out this often without `--interval`.
const EXPORT_INTERVAL: Duration = Duration::from_secs(10);

impl Args {
    /// `--export` and its settings.
    fn export_options(&self) -> Result<Option<ExportOptions>> {
        let Some(spec) = &self.export else {
            return Ok(None);
        };
        let Some(url) = spec.strip_prefix("otlp=") else {
            bail!("--export {spec}: expected otlp=URL");
        };
        let (protocol, rest) = if let Some(rest) = url.strip_prefix("http://") {
            (ExportProtocol::Http, rest)
        } else if let Some(rest) = url.strip_prefix("grpc://") {
            (ExportProtocol::Grpc, rest)
        } else if url.starts_with("https://") {
            bail!("--export {spec}: https is not supported yet (use a node-local collector)");
        } else {
            bail!(
                "--export {spec}: the URL must start with http:// (OTLP/HTTP) or grpc:// (OTLP/gRPC)"
            );
        };
        if rest.is_empty() || rest.starts_with('/') {
            bail!("--export {spec}: no host in the URL");
        }
        if self.export_queue == 0 {
            bail!("--export-queue must be at least 1");
        }
        Ok(Some(ExportOptions {
            protocol,
            endpoint: url.trim_end_matches('/').to_owned(),
            span_min_duration: self.span_min_duration,
            span_failed: !self.no_failed_spans,
            queue: self.export_queue,
            interval: self.interval.unwrap_or(EXPORT_INTERVAL),
        }))
    }
}

/// Whether this kernel has `bpf_task_pt_regs` (5.15), with which the eBPF programs read
/// `-i`'s instruction pointer.
fn ebpf_reads_ip() -> bool {
    use aya::util::KernelVersion;
    KernelVersion::current().is_ok_and(|v| v >= KernelVersion::new(5, 15, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(line: &str) -> Result<Config> {
        let argv = std::iter::once("tracer")
            .chain(line.split_whitespace())
            .map(OsString::from);
        match crate::cli::parse(argv) {
            Ok(cl) => cl.into_config(),
            Err(e) => bail!("{e:?}"),
        }
    }

    fn error(line: &str) -> String {
        match config(line) {
            Ok(_) => panic!("{line}: accepted"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn default_buffer_sizes_are_per_cpu_and_bounded_in_total() {
        assert_eq!(buffer_size_for(1), 8 << 20);
        assert_eq!(buffer_size_for(2), 8 << 20);
        assert_eq!(buffer_size_for(32), 8 << 20);
        assert_eq!(buffer_size_for(48), 4 << 20);
        assert_eq!(buffer_size_for(64), 4 << 20);
        assert_eq!(buffer_size_for(1024), 1 << 20);
    }

    #[test]
    fn buffer_sizes() {
        assert_eq!(
            config("--buffer-size=64k true").unwrap().buffer_size,
            64 << 10
        );
        assert_eq!(config("--buffer-size=4096 true").unwrap().buffer_size, 4096);
        assert_eq!(
            config("--buffer-size=1G true").unwrap().buffer_size,
            1 << 30
        );
        for bad in ["1000", "2k", "3M", "2G"] {
            assert!(
                error(&format!("--buffer-size={bad} true")).starts_with("--buffer-size must be"),
                "{bad}"
            );
        }
        let default = config("true").unwrap().buffer_size;
        assert!(default.is_power_of_two() && (8 << 20..=256 << 20).contains(&default));
    }

    #[test]
    fn strace_conflicts() {
        assert_eq!(
            error("-c -C true"),
            "-c/--summary-only and -C/--summary are mutually exclusive"
        );
        assert_eq!(
            error("-t --absolute-timestamps=unix true"),
            "-t and --absolute-timestamps cannot be provided simultaneously"
        );
        assert_eq!(
            error("-y --decode-fds=all true"),
            "-y and --decode-fds cannot be provided simultaneously"
        );
        assert_eq!(
            error("-b open true"),
            "Syscall 'open' for -b isn't supported"
        );
        assert_eq!(error("-k true"), "-k (stack traces) is not supported yet");
        assert_eq!(
            error("--syscall-limit=0 true"),
            "invalid --syscall-limit argument: '0'"
        );
        assert!(error("-c --interval=0s true").contains("more than 0"));
        assert!(error("-X bogus true").starts_with("invalid -X argument"));
        assert_eq!(error("-s abc true"), "invalid -s argument: 'abc'");
        assert!(error("-w true").starts_with("-w/--summary-wall-clock must be given"));
    }

    #[test]
    fn the_last_status_wins_with_a_note() {
        let cfg = config("-z -Z true").unwrap();
        assert_eq!(cfg.kernel.status_mask, tracer_common::status::FAILED);
        assert_eq!(cfg.notes.len(), 1);
        let cfg = config("-Z -e status=successful true").unwrap();
        assert_eq!(cfg.kernel.status_mask, tracer_common::status::SUCCESSFUL);
    }

    #[test]
    fn warnings_are_notes() {
        let cfg = config("-A true").unwrap();
        assert_eq!(
            cfg.notes,
            ["-A/--output-append-mode has no effect without -o/--output"]
        );
    }

    #[test]
    fn output_extras() {
        let cfg = config("-a 20 -n -T --relative-timestamps=ms -ttt -Y -e read=0 true").unwrap();
        assert_eq!(cfg.out.column, 20);
        assert!(cfg.out.syscall_numbers && cfg.syscall_times && cfg.out.pid_comm);
        assert_eq!(cfg.out.timestamps.relative, Some(3));
        assert_eq!(cfg.out.timestamps.absolute, Some((TimeFormat::Unix, 6)));
        assert_eq!(
            cfg.capture_limit(),
            MAX_CAPTURE,
            "dumped buffers are copied whole"
        );
        let cfg = config("--absolute-timestamps=format:unix,precision:ms true").unwrap();
        assert_eq!(cfg.out.timestamps.absolute, Some((TimeFormat::Unix, 3)));
        let cfg = config("--absolute-timestamps=none true").unwrap();
        assert_eq!(cfg.out.timestamps.absolute, None);
        let cfg = config("--timestamps=precision:ms --absolute-timestamps=format:unix true");
        assert_eq!(
            cfg.unwrap().out.timestamps.absolute,
            Some((TimeFormat::Unix, 3))
        );
        let cfg = config("--absolute-timestamps true").unwrap();
        assert_eq!(
            cfg.out.timestamps.absolute,
            Some((TimeFormat::TimeOfDay, 0))
        );
    }

    #[test]
    fn launch_options() {
        let cfg = config("-E A=1 -E B --argv0 x true").unwrap();
        assert_eq!(
            cfg.launch.env,
            [("A".into(), Some("1".into())), ("B".into(), None)]
        );
        assert_eq!(cfg.launch.argv0.as_deref(), Some(OsStr::new("x")));
    }
}
