//! Loading and attaching the kernel programs.

use std::{fs, path::Path};

use aya::{
    EbpfLoader,
    maps::{Array, HashMap as BpfHashMap, PerCpuArray, RingBuf},
    programs::{RawTracePoint, TracePoint},
};

use tracer_common::{
    MAX_PATH_FILTERS, MAX_SYSCALLS, PLAN_SIGFRAME, PLAN_TRACE, SyscallPlan, status,
};

use super::EbpfTracer;
use crate::{
    cli::{Config, TracepointChoice},
    syscalls,
};

/// The object compiled from `tracer-ebpf` by build.rs.
static OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/tracer"));

const TRACEFS: &str = "/sys/kernel/tracing";

/// Trace sets up to this size attach per-syscall tracepoints under `--tracepoints=auto`:
/// each attachment costs a perf event, and past a few dozen the raw tracepoint's single
/// hash lookup per untraced call is the cheaper overall.
const PER_SYSCALL_MAX: usize = 32;

/// Why eBPF tracing cannot be used here; the message names the failing step.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("the eBPF object is empty (built with TRACER_EBPF_STUB)")]
    StubObject,
    #[error("loading the eBPF object: {0}")]
    Load(#[source] aya::EbpfError),
    #[error("loading program {name}: {}", short(source))]
    Program {
        name: &'static str,
        #[source]
        source: aya::programs::ProgramError,
    },
    #[error("tracefs: {0}")]
    Tracefs(String),
    #[error("the kernel is locked down ({0}): BPF may not read kernel or process memory")]
    Lockdown(String),
    #[error("cgroup {0}")]
    Cgroup(String),
    #[error("map {0}: {1}")]
    Map(&'static str, #[source] aya::maps::MapError),
}

pub struct LoadOptions {
    pub follow_forks: bool,
    pub buffer_size: u32,
    /// `-s`: string and buffer bytes to copy.
    pub string_limit: usize,
    /// Which syscall numbers are in the trace set.
    pub traced: Box<dyn Fn(u32) -> bool>,
    /// Whether numbers the table does not know are traced (`trace=all`).
    pub trace_unknown: bool,
    pub attach: Attach,
    /// Count every syscall the programs see (`--stats`).
    pub count_seen: bool,
    /// `tracer_common::status` bits of the outcomes to record.
    pub status_mask: u8,
    pub min_duration_ns: u64,
    /// `-c`/`-C`: count totals; `-c`: nothing else.
    pub summary: bool,
    pub summary_only: bool,
    /// `--interval` with `-c`: hand the kernel totals to the sink this often.
    pub interval: Option<std::time::Duration>,
    /// `--cgroup`: trace this cgroup v2 subtree instead of a set of processes.
    pub cgroup: Option<std::path::PathBuf>,
    /// `-q`: no "attached" message.
    pub quiet: bool,
    /// Show delivered signals (`--- SIGCHLD {...} ---`), unless only a report is wanted.
    pub signals: bool,
    /// `-P`: only calls touching these paths.
    pub paths: Vec<std::path::PathBuf>,
    /// `--diagnose`: stream only failed calls and calls at least this slow.
    pub diagnose_slow_ns: u64,
}

/// Where the syscall programs attach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attach {
    /// `raw_syscalls:sys_enter/sys_exit`: every syscall of every process runs them.
    Raw,
    /// `syscalls:sys_enter_NAME/sys_exit_NAME` for these syscalls only: nothing else, and
    /// no other process's other syscalls, runs our code.
    PerSyscall(Vec<&'static str>),
}

impl LoadOptions {
    pub fn from_config(cfg: &Config) -> Self {
        let set = cfg.qualifiers.trace.clone();
        let names: Vec<&'static str> = set
            .numbers()
            .filter_map(syscalls::by_nr)
            .map(syscalls::kernel_name)
            .collect();
        // Per-syscall tracepoints give the arguments but not the registers, which
        // `rt_sigreturn`'s frame comes from.
        let needs_registers = set
            .numbers()
            .any(|nr| syscalls::plan_flags(nr) & PLAN_SIGFRAME != 0);
        let narrow = !set.traces_unknown() && names.len() <= PER_SYSCALL_MAX && !needs_registers;
        let attach = match cfg.tracepoints {
            TracepointChoice::Raw => Attach::Raw,
            TracepointChoice::Syscall => Attach::PerSyscall(names),
            TracepointChoice::Auto if narrow && has_syscall_tracepoints(&names) => {
                Attach::PerSyscall(names)
            }
            TracepointChoice::Auto => Attach::Raw,
        };
        Self {
            follow_forks: cfg.follow_forks,
            buffer_size: cfg.buffer_size,
            string_limit: cfg.string_limit,
            trace_unknown: set.traces_unknown(),
            traced: Box::new(move |nr| set.contains(nr)),
            attach,
            count_seen: cfg.stats,
            status_mask: (if cfg.status.successful {
                status::SUCCESSFUL
            } else {
                0
            }) | (if cfg.status.failed { status::FAILED } else { 0 })
                | (if cfg.status.unfinished {
                    status::UNFINISHED
                } else {
                    0
                }),
            min_duration_ns: cfg.min_duration.map_or(0, |d| d.as_nanos() as u64),
            summary: cfg.summary.is_some() || cfg.diagnose,
            summary_only: cfg.summary.as_ref().is_some_and(|s| !s.with_calls),
            cgroup: cfg.cgroup.clone(),
            quiet: cfg.quiet > 0,
            paths: cfg.paths.clone(),
            signals: cfg.summary.as_ref().is_none_or(|s| s.with_calls) && !cfg.diagnose,
            diagnose_slow_ns: if cfg.diagnose {
                crate::diagnose::SLOW.as_nanos() as u64
            } else {
                0
            },
            interval: cfg.summary.as_ref().and_then(|s| s.interval),
        }
    }
}

/// Kernel-side hashes of the `-P` paths, each as given and in canonical form (a traced
/// program may use either).
fn path_hashes(paths: &[std::path::PathBuf]) -> [u64; MAX_PATH_FILTERS] {
    use std::os::unix::ffi::OsStrExt;
    let mut hashes = [0; MAX_PATH_FILTERS];
    let forms = paths
        .iter()
        .flat_map(|p| [Some(p.clone()), p.canonicalize().ok()])
        .flatten();
    let mut unique: Vec<u64> = forms
        .map(|p| tracer_common::path_hash(p.as_os_str().as_bytes()))
        .collect();
    unique.dedup();
    for (slot, hash) in hashes.iter_mut().zip(unique) {
        *slot = hash;
    }
    hashes
}

/// The tracer's pid namespace as (nsfs device, inode), or None in the initial one, whose
/// ids are the kernel's own.
fn own_pid_namespace() -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    // PROC_PID_INIT_INO: the initial pid namespace's fixed inode number.
    const INIT_PID_NS_INO: u64 = 0xEFFF_FFFC;
    let ns = fs::metadata("/proc/self/ns/pid").ok()?;
    (ns.ino() != INIT_PID_NS_INO).then(|| (ns.dev(), ns.ino()))
}

/// The id (inode) of a cgroup v2 directory and its depth below the cgroup2 mount, as
/// `bpf_get_current_ancestor_cgroup_id` counts it.
pub fn cgroup_id(dir: &Path) -> Result<(u64, u32), LoadError> {
    use std::os::unix::fs::MetadataExt;
    let err = |what: String| LoadError::Cgroup(format!("{}: {what}", dir.display()));
    let dir = dir.canonicalize().map_err(|e| err(e.to_string()))?;
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").map_err(|e| err(e.to_string()))?;
    // Field 5 is the mount point; after " - " come the fs type and source.
    let root = mountinfo
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
        .ok_or_else(|| err("not inside a cgroup v2 mount".into()))?;
    let level = dir
        .strip_prefix(root)
        .map(|rel| rel.components().count())
        .unwrap_or(0) as u32;
    let id = fs::metadata(&dir).map_err(|e| err(e.to_string()))?.ino();
    Ok((id, level))
}

/// Program `name` of the embedded object, as its type. Both are fixed at build time, so a
/// mismatch is a bug, not a runtime condition.
fn program<'a, P>(ebpf: &'a mut aya::Ebpf, name: &str) -> &'a mut P
where
    &'a mut P: TryFrom<&'a mut aya::programs::Program>,
{
    let program = ebpf
        .program_mut(name)
        .unwrap_or_else(|| panic!("program {name} is in the object"));
    program
        .try_into()
        .unwrap_or_else(|_| panic!("program {name} has the expected type"))
}

/// Loads tracepoint program `name` and attaches it to each of `events` in `category`.
fn attach_tracepoint(
    ebpf: &mut aya::Ebpf,
    name: &'static str,
    category: &str,
    events: &[&str],
) -> Result<(), LoadError> {
    let program: &mut TracePoint = program(ebpf, name);
    program
        .load()
        .map_err(|source| LoadError::Program { name, source })?;
    for event in events {
        program
            .attach(category, event)
            .map_err(|source| LoadError::Program { name, source })?;
    }
    Ok(())
}

fn attach_raw_tracepoint(
    ebpf: &mut aya::Ebpf,
    name: &'static str,
    tracepoint: &str,
) -> Result<(), LoadError> {
    let program: &mut RawTracePoint = program(ebpf, name);
    program
        .load()
        .map_err(|source| LoadError::Program { name, source })?;
    program
        .attach(tracepoint)
        .map_err(|source| LoadError::Program { name, source })?;
    Ok(())
}

/// Whether `syscalls:sys_enter_NAME` and `sys_exit_NAME` exist for every name.
pub fn has_syscall_tracepoints(names: &[&str]) -> bool {
    if ensure_tracefs().is_err() {
        return false;
    }
    let events = Path::new(TRACEFS).join("events/syscalls");
    names.iter().all(|n| {
        events.join(format!("sys_enter_{n}")).is_dir()
            && events.join(format!("sys_exit_{n}")).is_dir()
    })
}

/// One line for a program that failed to load: the verifier's log can run to thousands
/// of lines; its verdict is the last line before the statistics.
fn short(e: &aya::programs::ProgramError) -> String {
    match e {
        aya::programs::ProgramError::LoadError {
            io_error,
            verifier_log,
        } => {
            let log = verifier_log.to_string();
            // For developers: the whole log, which can run to megabytes.
            if let Some(path) = std::env::var_os("TRACER_VERIFIER_LOG") {
                let _ = fs::write(path, &log);
            }
            let verdict = log.lines().rev().map(str::trim).find(|l| {
                !l.is_empty()
                    && !["verification time", "stack depth", "processed "]
                        .iter()
                        .any(|p| l.starts_with(p))
            });
            match verdict {
                Some(line) => format!("the verifier rejected it: {io_error} ({line})"),
                None => format!("the verifier rejected it: {io_error}"),
            }
        }
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// `lockdown=confidentiality` forbids what the programs do (reading kernel and process
/// memory); say so rather than report the first refusal it causes.
fn check_lockdown() -> Result<(), LoadError> {
    let state = fs::read_to_string("/sys/kernel/security/lockdown").unwrap_or_default();
    match state.split_whitespace().find(|w| w.starts_with('[')) {
        Some("[confidentiality]") => Err(LoadError::Lockdown("confidentiality".into())),
        _ => Ok(()),
    }
}

/// Offset of `field` in a tracepoint's record, from its tracefs format description.
fn field_offset(category: &str, event: &str, field: &str) -> Result<Option<u32>, LoadError> {
    let path = Path::new(TRACEFS)
        .join("events")
        .join(category)
        .join(event)
        .join("format");
    let format = fs::read_to_string(&path)
        .map_err(|e| LoadError::Tracefs(format!("{}: {e}", path.display())))?;
    Ok(format.lines().find_map(|line| {
        let decl = line.trim().strip_prefix("field:")?;
        let (decl, rest) = decl.split_once(';')?;
        if decl.rsplit(' ').next()? != field {
            return None;
        }
        rest.trim()
            .strip_prefix("offset:")?
            .split(';')
            .next()?
            .parse()
            .ok()
    }))
}

/// tracefs gives the sched tracepoints' ids and formats; mount it where the system has not.
fn ensure_tracefs() -> Result<(), LoadError> {
    if Path::new(TRACEFS).join("events").is_dir() {
        return Ok(());
    }
    nix::mount::mount(
        Some("tracefs"),
        TRACEFS,
        Some("tracefs"),
        nix::mount::MsFlags::empty(),
        None::<&str>,
    )
    .map_err(|e| LoadError::Tracefs(format!("mounting tracefs on {TRACEFS}: {e}")))
}

/// Kernels before 5.11 charge BPF maps to RLIMIT_MEMLOCK; later ones use the memory
/// cgroup, and raising the limit may be refused, which is then harmless.
fn raise_memlock() {
    let _ = nix::sys::resource::setrlimit(
        nix::sys::resource::Resource::RLIMIT_MEMLOCK,
        libc::RLIM_INFINITY,
        libc::RLIM_INFINITY,
    );
}

pub fn load(opts: &LoadOptions) -> Result<EbpfTracer, LoadError> {
    if OBJECT.is_empty() {
        return Err(LoadError::StubObject);
    }
    raise_memlock();
    check_lockdown()?;
    ensure_tracefs()?;
    let child_pid = field_offset("sched", "sched_process_fork", "child_pid")?
        .ok_or_else(|| LoadError::Tracefs("sched_process_fork has no child_pid field".into()))?;
    let group_dead = field_offset("sched", "sched_process_exit", "group_dead")?.unwrap_or(0);
    let exec_field = |name| {
        field_offset("sched", "sched_process_exec", name)?
            .ok_or_else(|| LoadError::Tracefs(format!("sched_process_exec has no {name} field")))
    };
    let (exec_pid, exec_old_pid) = (exec_field("pid")?, exec_field("old_pid")?);
    let follow = opts.follow_forks as u8;
    // The consumer is woken once a quarter of the buffer is full, else on its poll tick.
    let wakeup_bytes = u64::from(opts.buffer_size / 4);

    let string_limit = opts.string_limit.min(u16::MAX as usize) as u32;
    let pidns = own_pid_namespace();
    // Ignored signals come from the sender's side, with the target's ids read from its
    // task_struct: only with BTF to say where they are, and only outside a pid namespace.
    let task_ids = super::btf::task_ids().filter(|_| pidns.is_none());
    let (cgroup_id, cgroup_level) = match &opts.cgroup {
        Some(dir) => cgroup_id(dir)?,
        None => (0, 0),
    };
    let trace_unknown = opts.trace_unknown as u8;
    let mut ebpf = EbpfLoader::new()
        .override_global("STRING_LIMIT", &string_limit, true)
        .override_global("TRACE_UNKNOWN", &trace_unknown, true)
        .override_global("COUNT_SEEN", &(opts.count_seen as u8), true)
        .override_global("STATUS_MASK", &opts.status_mask, true)
        .override_global("MIN_DURATION_NS", &opts.min_duration_ns, true)
        .override_global("SUMMARY_ON", &(opts.summary as u8), true)
        .override_global("DIAGNOSE_SLOW_NS", &opts.diagnose_slow_ns, true)
        .override_global("SUMMARY_ONLY", &(opts.summary_only as u8), true)
        .override_global("CGROUP_ID", &cgroup_id, true)
        .override_global("CGROUP_LEVEL", &cgroup_level, true)
        .override_global("PATH_HASHES", &path_hashes(&opts.paths), true)
        .override_global("PIDNS_DEV", &pidns.map_or(0, |(dev, _)| dev), true)
        .override_global("PIDNS_INO", &pidns.map_or(0, |(_, ino)| ino), true)
        .override_global("FOLLOW_FORKS", &follow, true)
        .override_global("TASK_PID_OFFSET", &task_ids.map_or(0, |(pid, _)| pid), true)
        .override_global(
            "TASK_TGID_OFFSET",
            &task_ids.map_or(0, |(_, tgid)| tgid),
            true,
        )
        .override_global("WAKEUP_BYTES", &wakeup_bytes, true)
        .override_global("FORK_CHILD_PID_OFFSET", &child_pid, true)
        .override_global("EXIT_GROUP_DEAD_OFFSET", &group_dead, true)
        .override_global("EXEC_PID_OFFSET", &exec_pid, true)
        .override_global("EXEC_OLD_PID_OFFSET", &exec_old_pid, true)
        .map_max_entries("EVENTS", opts.buffer_size)
        .load(OBJECT)
        .map_err(LoadError::Load)?;

    // The per-syscall plans go in before any program is attached.
    let mut plans: Array<_, SyscallPlan> =
        Array::try_from(ebpf.map_mut("PLANS").expect("PLANS map"))
            .map_err(|e| LoadError::Map("PLANS", e))?;
    for nr in 0..MAX_SYSCALLS {
        let capture = syscalls::plan_for(nr);
        let plan = SyscallPlan {
            flags: if (opts.traced)(nr) { PLAN_TRACE } else { 0 } | syscalls::plan_flags(nr),
            deferrable: syscalls::plan::deferrable(&capture),
            capture,
        };
        plans
            .set(nr, plan, 0)
            .map_err(|e| LoadError::Map("PLANS", e))?;
    }

    // Kernel-side warnings (rare conditions such as a full map) reach our log.
    let logger = aya_log::EbpfLogger::init(&mut ebpf).ok();

    // Fork and exit tracking first, so the trace set is maintained before any call is seen.
    attach_tracepoint(&mut ebpf, "tracer_fork", "sched", &["sched_process_fork"])?;
    attach_tracepoint(&mut ebpf, "tracer_exit", "sched", &["sched_process_exit"])?;
    attach_tracepoint(&mut ebpf, "tracer_exec", "sched", &["sched_process_exec"])?;
    if opts.signals {
        attach_raw_tracepoint(&mut ebpf, "tracer_signal", "signal_deliver")?;
        if task_ids.is_some() {
            attach_raw_tracepoint(&mut ebpf, "tracer_signal_ignored", "signal_generate")?;
        }
    }
    log::debug!("syscall programs attach to {:?}", opts.attach);
    match &opts.attach {
        Attach::Raw => {
            attach_raw_tracepoint(&mut ebpf, "tracer_sys_enter", "sys_enter")?;
            attach_raw_tracepoint(&mut ebpf, "tracer_sys_exit", "sys_exit")?;
        }
        Attach::PerSyscall(names) => {
            // Always: exit/exit_group, whose status the process-exit record takes, and
            // execve/execveat, where tracing of a started command begins.
            let mut enter: Vec<String> = names.iter().map(|n| format!("sys_enter_{n}")).collect();
            for always in [
                "sys_enter_exit",
                "sys_enter_exit_group",
                "sys_enter_execve",
                "sys_enter_execveat",
            ] {
                if !enter.iter().any(|e| e == always) {
                    enter.push(always.to_owned());
                }
            }
            let exit: Vec<String> = names.iter().map(|n| format!("sys_exit_{n}")).collect();
            let enter: Vec<&str> = enter.iter().map(String::as_str).collect();
            let exit: Vec<&str> = exit.iter().map(String::as_str).collect();
            attach_tracepoint(&mut ebpf, "tracer_enter_tp", "syscalls", &enter)?;
            attach_tracepoint(&mut ebpf, "tracer_exit_tp", "syscalls", &exit)?;
        }
    }

    if let Some(dir) = &opts.cgroup
        && !opts.quiet
    {
        eprintln!("tracer: cgroup {} attached", dir.display());
    }

    let events = RingBuf::try_from(ebpf.take_map("EVENTS").expect("EVENTS map"))
        .map_err(|e| LoadError::Map("EVENTS", e))?;
    let traced = BpfHashMap::try_from(ebpf.take_map("TRACED").expect("TRACED map"))
        .map_err(|e| LoadError::Map("TRACED", e))?;
    let path_fds = if opts.paths.is_empty() {
        None
    } else {
        let map = ebpf.take_map("PATH_FDS").expect("PATH_FDS map");
        let map = BpfHashMap::try_from(map).map_err(|e| LoadError::Map("PATH_FDS", e))?;
        let forms = opts
            .paths
            .iter()
            .flat_map(|p| [Some(p.clone()), p.canonicalize().ok()]);
        Some((forms.flatten().collect(), map))
    };
    let ns_pending = match pidns {
        Some(_) => {
            let map = ebpf.take_map("NS_PENDING").expect("NS_PENDING map");
            Some(BpfHashMap::try_from(map).map_err(|e| LoadError::Map("NS_PENDING", e))?)
        }
        None => None,
    };
    let inflight = BpfHashMap::try_from(ebpf.take_map("INFLIGHT").expect("INFLIGHT map"))
        .map_err(|e| LoadError::Map("INFLIGHT", e))?;
    let stats = PerCpuArray::try_from(ebpf.take_map("STATS").expect("STATS map"))
        .map_err(|e| LoadError::Map("STATS", e))?;
    let summary = if opts.summary {
        let map = ebpf.take_map("SUMMARY").expect("SUMMARY map");
        Some(PerCpuArray::try_from(map).map_err(|e| LoadError::Map("SUMMARY", e))?)
    } else {
        None
    };
    Ok(EbpfTracer {
        _ebpf: ebpf,
        logger,
        events,
        traced,
        inflight,
        ns_pending,
        path_fds,
        stats,
        print_stats: opts.count_seen,
        summary,
        interval: opts.interval,
        cgroup_mode: opts.cgroup.is_some(),
        show_blocked: opts.status_mask & status::ALL == status::ALL
            && opts.min_duration_ns == 0
            && opts.diagnose_slow_ns == 0
            && !opts.summary_only,
    })
}
