//! The command line, validated into a [`Config`] that owns every decision derived from
//! it: what is traced and shown, the kernel programs' settings, which backends can serve
//! it. Nothing downstream re-derives these from flags.

use std::{
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Result, bail};
use tracer_common::{
    KernelConfig, MAX_PATH_FILTERS, SUMMARY_COUNT, SUMMARY_OFF, SUMMARY_ONLY, status,
};

use crate::{
    cli::{Args, BackendChoice, OutputArgs, OutputFormat, TracepointChoice},
    decode::{DecodeOptions, HexMode},
    qualifiers::{Qualifiers, TraceSet},
};

/// `--diagnose` reports calls at least this slow (and the kernel streams only those and
/// failed ones).
pub const DIAGNOSE_SLOW: Duration = Duration::from_millis(10);

/// What to trace.
#[derive(Debug)]
pub enum Target {
    /// Start this command (argv) and trace it from its exec on.
    Command(Vec<String>),
    /// Attach to these processes (thread-group ids).
    Attach(Vec<u32>),
    /// Every process of a cgroup v2 subtree, including later ones, until interrupted.
    Cgroup(PathBuf),
}

/// Validated settings.
#[derive(Debug)]
pub struct Config {
    pub target: Target,
    pub follow_forks: bool,
    pub output: Option<PathBuf>,
    pub syscall_times: bool,
    pub quiet: u8,
    pub backend: BackendChoice,
    pub buffer_size: u32,
    pub qualifiers: Qualifiers,
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
    /// Time stamps, output files, fd names, format.
    pub out: OutputOptions,
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

impl Config {
    pub fn target_is_command(&self) -> bool {
        matches!(self.target, Target::Command(_))
    }

    /// The trace set.
    pub fn trace_set(&self) -> &TraceSet {
        &self.qualifiers.trace
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

    /// Whether signal deliveries are shown.
    pub fn shows_signals(&self) -> bool {
        self.shows_calls()
    }

    /// The first option given that only the eBPF backend can serve, if any: `auto`
    /// then never falls back to ptrace silently.
    pub fn ebpf_only(&self) -> Option<&'static str> {
        if matches!(self.target, Target::Cgroup(_)) {
            // A cgroup's processes are found in the kernel; ptrace can only follow pids.
            Some("--cgroup")
        } else if self.stats {
            Some("--stats (it reports the kernel programs' counters)")
        } else if self.tracepoints != TracepointChoice::Auto {
            Some("--tracepoints")
        } else {
            None
        }
    }

    /// The `-P` paths as the tracer compares them: each as given and in canonical form
    /// (a traced program may use either).
    pub fn path_forms(&self) -> Vec<PathBuf> {
        path_forms(&self.paths)
    }
}

impl Args {
    pub fn into_config(self) -> Result<Config> {
        let target = self.target()?;
        if !self.buffer_size.is_power_of_two() || self.buffer_size < 4096 {
            bail!("--buffer-size must be a power of two of at least 4096");
        }
        let qualifiers = Qualifiers::parse(self.expr.iter().map(String::as_str))?;
        if self.successful_only && self.failed_only {
            bail!("-z and -Z are mutually exclusive");
        }
        let status_mask = if self.successful_only {
            status::SUCCESSFUL
        } else if self.failed_only {
            status::FAILED
        } else {
            match &self.status {
                Some(spec) => parse_status(spec)?,
                None => status::ALL,
            }
        };
        let (cgroup_id, cgroup_level) = match &self.cgroup {
            Some(dir) => cgroup_id(dir)?,
            None => (0, 0),
        };
        if self.paths.len() > MAX_PATH_FILTERS / 2 {
            bail!("-P: at most {} paths", MAX_PATH_FILTERS / 2);
        }
        let summary = (self.summary_only || self.summary).then(|| SummaryOptions {
            with_calls: self.summary,
            sort_by: self.summary_sort.clone(),
            columns: self.summary_columns.clone(),
            histogram: self.histogram,
            interval: self.interval,
            wall_clock: self.summary_wall_clock,
            overhead: None,
        });
        if summary.is_none() && (self.histogram || self.interval.is_some()) {
            bail!("--histogram and --interval go with -c or -C");
        }
        let diagnose = self.diagnose || self.diagnose_output.is_some() || self.diagnose_idle;
        let trace_shown = shows_calls(
            summary.as_ref(),
            diagnose,
            self.output.is_some() || self.diagnose_output.is_some(),
        );
        let kernel = KernelConfig {
            status_mask,
            cgroup_id,
            cgroup_level,
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
            ..self.kernel_config(&qualifiers)
        };
        let out = self.out.into_options(self.follow, self.output.as_deref())?;
        let decode = DecodeOptions {
            string_limit: self.string_limit,
            hex: match self.hex {
                0 => HexMode::None,
                1 => HexMode::NonAscii,
                _ => HexMode::All,
            },
            ..Default::default()
        };
        Ok(Config {
            out,
            target,
            follow_forks: self.follow > 0,
            output: self.output,
            syscall_times: self.syscall_times,
            quiet: self.quiet,
            backend: self.backend,
            buffer_size: self.buffer_size,
            qualifiers,
            decode,
            tracepoints: self.tracepoints,
            stats: self.stats,
            paths: self.paths,
            summary,
            diagnose,
            diagnose_output: self.diagnose_output,
            diagnose_idle: self.diagnose_idle,
            status_line: !self.no_status && self.quiet == 0,
            kernel,
        })
    }
}

impl Args {
    /// What to trace: a command, processes, or a cgroup.
    fn target(&self) -> Result<Target> {
        Ok(
            match (self.pids.is_empty(), self.command.is_empty(), &self.cgroup) {
                (true, true, Some(dir)) => Target::Cgroup(dir.clone()),
                (true, true, None) => bail!("must have PROG [ARGS] or -p PID"),
                (false, false, _) => bail!("-p and a command are mutually exclusive"),
                (false, _, Some(_)) => bail!("--cgroup and -p are mutually exclusive"),
                (_, false, Some(_)) => bail!("--cgroup and a command are mutually exclusive"),
                (true, false, _) => Target::Command(self.command.clone()),
                (false, true, _) => Target::Attach(
                    self.pids
                        .iter()
                        .map(|p| parse_pid(p))
                        .collect::<Result<Vec<_>>>()?,
                ),
            },
        )
    }

    /// The kernel settings that follow from single flags.
    fn kernel_config(&self, qualifiers: &Qualifiers) -> KernelConfig {
        KernelConfig {
            string_limit: self.string_limit.min(u16::MAX as usize) as u32,
            trace_unknown: qualifiers.trace.traces_unknown() as u8,
            follow_forks: (self.follow > 0) as u8,
            count_seen: self.stats as u8,
            min_duration_ns: self.min_duration.map_or(0, |d| d.as_nanos() as u64),
            path_hashes: path_hashes(&path_forms(&self.paths)),
            // The consumer is woken once a quarter of the buffer is full, else on its
            // poll tick; a trace on a terminal is read as it comes.
            wakeup_bytes: if trace_to_terminal(self.output.as_deref()) {
                0
            } else {
                u64::from(self.buffer_size / 4)
            },
            ..KernelConfig::DEFAULT
        }
    }
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

/// strace's `--status` set: `successful,failed,unfinished,unavailable,detached`, `all`,
/// `none`, `!` negating; as `tracer_common::status` bits.
fn parse_status(spec: &str) -> Result<u8> {
    let (negated, list) = spec
        .strip_prefix('!')
        .map_or((false, spec), |rest| (true, rest));
    let mut set = 0;
    for item in list.split(',') {
        set |= match item {
            "all" => status::ALL,
            "none" => 0,
            "successful" => status::SUCCESSFUL,
            "failed" => status::FAILED,
            "unfinished" => status::UNFINISHED,
            // Only ptrace detaches mid-call or loses a call's result; nothing to show.
            "unavailable" | "detached" => 0,
            other => bail!("invalid status '{other}'"),
        };
    }
    Ok(if negated { !set & status::ALL } else { set })
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

/// The id (inode) of a cgroup v2 directory and its depth below the cgroup2 mount, as
/// `bpf_get_current_ancestor_cgroup_id` counts it.
fn cgroup_id(dir: &Path) -> Result<(u64, u32)> {
    use std::os::unix::fs::MetadataExt;
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

impl OutputArgs {
    fn into_options(self, follow: u8, output: Option<&Path>) -> Result<OutputOptions> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_sets() {
        assert_eq!(parse_status("successful").unwrap(), status::SUCCESSFUL);
        assert_eq!(
            parse_status("!failed").unwrap(),
            status::SUCCESSFUL | status::UNFINISHED
        );
        assert_eq!(parse_status("none").unwrap(), 0);
        assert_eq!(parse_status("all,detached").unwrap(), status::ALL);
        assert!(parse_status("bogus").is_err());
    }
}
