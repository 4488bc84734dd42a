//! The command line, validated into a [`Config`] that owns every decision derived from
//! it: what is traced and shown, the kernel programs' settings, which backends can serve
//! it. Nothing downstream re-derives these from flags.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::Duration,
};

use anyhow::{Result, bail};
use tracer_common::{
    KernelConfig, MAX_CGROUPS, MAX_PATH_FILTERS, SUMMARY_COUNT, SUMMARY_OFF, SUMMARY_ONLY, status,
};

use crate::{
    cli::{Args, BackendChoice, ExportArgs, OutputArgs, OutputFormat, TracepointChoice},
    container::{Identity, runtimes},
    decode::{DecodeOptions, HexMode},
    pipeline::tasks::Wanted,
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
    /// `--container`: the container.
    pub container: Option<Arc<Identity>>,
}

/// `--export` settings.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// The collector's OTLP/HTTP base URL (`/v1/logs` and the others are appended).
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
    pub export: Option<ExportOptions>,
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
    /// `--show-container`: lines start with their process's container.
    pub show_container: bool,
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

    /// Whether the calls themselves are printed (not with `-c` alone or `--diagnose`).
    pub fn shows_calls(&self) -> bool {
        self.summary.as_ref().is_none_or(|s| s.with_calls) && !self.diagnose
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
            comm: json || export,
            container: json || export || self.out.show_container,
            only_container,
        }
    }

    /// Whether signal deliveries are shown.
    pub fn shows_signals(&self) -> bool {
        self.shows_calls()
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
        let (mut cgroup_ids, mut cgroup_levels) = ([0; MAX_CGROUPS], [0; MAX_CGROUPS]);
        if let Target::Cgroup(set) = &target {
            if set.len() > MAX_CGROUPS {
                bail!("--cgroup and --container: at most {MAX_CGROUPS} in all");
            }
            for (i, c) in set.iter().enumerate() {
                (cgroup_ids[i], cgroup_levels[i]) = (c.id, c.level);
            }
        }
        if self.paths.len() > MAX_PATH_FILTERS / 2 {
            bail!("-P: at most {} paths", MAX_PATH_FILTERS / 2);
        }
        let summary = (self.summary_only || self.summary).then(|| SummaryOptions {
            with_calls: self.summary,
            sort_by: self.summary_sort.clone(),
            columns: self.summary_columns.clone(),
            histogram: self.histogram,
            interval: self.interval,
        });
        if summary.is_none() && self.histogram {
            bail!("--histogram goes with -c or -C");
        }
        if summary.is_none() && self.interval.is_some() && self.export.export.is_none() {
            bail!("--interval goes with -c, -C or --export");
        }
        let export = self.export.options(self.interval)?;
        let _ = self.summary_wall_clock;
        let kernel = KernelConfig {
            status_mask,
            cgroup_ids,
            cgroup_levels,
            summary: match &summary {
                Some(s) if !s.with_calls => SUMMARY_ONLY,
                Some(_) => SUMMARY_COUNT,
                None if self.diagnose => SUMMARY_COUNT,
                None => SUMMARY_OFF,
            },
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
            diagnose: self.diagnose,
            export,
            kernel,
        })
    }
}

impl Args {
    /// What to trace: a command, processes, or cgroups (containers).
    fn target(&self) -> Result<Target> {
        let scoped = !self.cgroup.is_empty() || !self.containers.is_empty();
        let option = if self.cgroup.is_empty() {
            "--container"
        } else {
            "--cgroup"
        };
        Ok(
            match (self.pids.is_empty(), self.command.is_empty(), scoped) {
                (true, true, true) => Target::Cgroup(self.cgroups()?),
                (true, true, false) => bail!("must have PROG [ARGS] or -p PID"),
                (false, false, _) => bail!("-p and a command are mutually exclusive"),
                (false, _, true) => bail!("{option} and -p are mutually exclusive"),
                (_, false, true) => bail!("{option} and a command are mutually exclusive"),
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

    /// The cgroups `--cgroup` and `--container` name.
    fn cgroups(&self) -> Result<Vec<TracedCgroup>> {
        let mut set = Vec::new();
        for dir in &self.cgroup {
            let (id, level) = cgroup_id(dir)?;
            set.push(TracedCgroup {
                label: format!("cgroup {}", dir.display()),
                id,
                level,
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
                    container: Some(Arc::new(found.identity.clone())),
                });
            }
        }
        Ok(set)
    }

    /// The kernel settings that follow from single flags.
    fn kernel_config(&self, qualifiers: &Qualifiers) -> KernelConfig {
        KernelConfig {
            string_limit: self.string_limit.min(u16::MAX as usize) as u32,
            trace_unknown: qualifiers.trace.traces_unknown() as u8,
            follow_forks: (self.follow > 0) as u8,
            count_seen: self.stats as u8,
            min_duration_ns: self.min_duration.map_or(0, |d| d.as_nanos() as u64),
            diagnose_slow_ns: if self.diagnose {
                DIAGNOSE_SLOW.as_nanos() as u64
            } else {
                0
            },
            path_hashes: path_hashes(&path_forms(&self.paths)),
            // The consumer is woken once a quarter of the buffer is full, else on its
            // poll tick.
            wakeup_bytes: u64::from(self.buffer_size / 4),
            ..KernelConfig::DEFAULT
        }
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

impl ExportArgs {
    fn options(&self, interval: Option<Duration>) -> Result<Option<ExportOptions>> {
        let Some(spec) = &self.export else {
            return Ok(None);
        };
        let Some(url) = spec.strip_prefix("otlp=") else {
            bail!("--export {spec}: expected otlp=URL");
        };
        let Some(rest) = url.strip_prefix("http://") else {
            if url.starts_with("https://") {
                bail!("--export {spec}: https is not supported yet (use a node-local collector)");
            }
            bail!("--export {spec}: the URL must start with http://");
        };
        if rest.is_empty() || rest.starts_with('/') {
            bail!("--export {spec}: no host in the URL");
        }
        if self.queue == 0 {
            bail!("--export-queue must be at least 1");
        }
        Ok(Some(ExportOptions {
            endpoint: url.trim_end_matches('/').to_owned(),
            span_min_duration: self.span_min_duration,
            span_failed: !self.no_failed_spans,
            queue: self.queue,
            interval: interval.unwrap_or(EXPORT_INTERVAL),
        }))
    }
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
            show_container: self.show_container,
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
