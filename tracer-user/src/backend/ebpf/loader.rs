//! Loading and attaching the kernel programs.

use std::{
    fs,
    os::fd::{AsFd, AsRawFd, OwnedFd},
    path::Path,
};

use aya::{
    Btf, EbpfLoader,
    maps::Array,
    programs::{ProgramFd, RawTracePoint, TracePoint, trace_point::TracePointLink},
};

use tracer_common::{
    DerefKey, DerefPlan, KernelConfig, MAX_CAPTURES, MAX_SYSCALLS, NO_OWNER, SyscallPlan,
    UringFields,
};

use super::{
    EbpfTracer,
    btf::Types,
    rings::{NewRings, Rings},
    skips::Skips,
    trampoline::{self, Functions},
};
use crate::{
    cli::TracepointChoice,
    config::Config,
    syscalls::{self, Effect},
};

/// The object compiled from `tracer-ebpf` by build.rs.
static OBJECT: &[u8] = aya::include_bytes_aligned!(concat!(env!("OUT_DIR"), "/tracer"));

const TRACEFS: &str = "/sys/kernel/tracing";

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
    #[error("map {0}: {1}")]
    Map(&'static str, #[source] aya::maps::MapError),
    #[error(
        "the kernel has no BTF to check a traced process's privileges with, which a tracer \
         with more privilege than its user needs"
    )]
    Unchecked,
    #[error("--tracepoints=fentry: {0}")]
    Trampoline(String),
}

/// Where the syscall programs attach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attach {
    /// `raw_syscalls:sys_enter/sys_exit`: every syscall of every process runs them.
    Raw,
    /// `syscalls:sys_enter_NAME/sys_exit_NAME` for these syscalls only: nothing else, and
    /// no other process's other syscalls, runs our code.
    PerSyscall(Vec<&'static str>),
    /// fentry/fexit on these syscall functions (BPF trampolines): only their calls run
    /// our code, and no other task takes the slow syscall path (`trampoline`).
    Trampoline(Functions),
}

/// Where the syscall programs attach for `cfg`, and the fact `--stats` tells about it:
/// the one place this is decided. `--tracepoints=auto` takes fentry/fexit for a narrow
/// trace of a started command where the kernel allows BPF trampolines (`trampoline`:
/// any syscall tracepoint slows every call of every task on the host), else the raw
/// tracepoints, whatever the trace set: per-syscall tracepoints are perf events, and
/// each link takes a grace period to detach (~70 ms on a 6.18 kernel, most of them
/// queued even when closed side by side: `-e trace=openat` attaches 7, ~0.3 s at exit),
/// while the raw pair detaches in a fraction of a
/// millisecond; and they saved nothing measurable per call, for the traced process or
/// beside it (docs/benchmarks.md: beside-narrow and beside-full cost the same, the slow
/// syscall path every task takes either way). The trampoline check looks the functions
/// up in BTF (`types`) and loads an empty program: a few milliseconds, only for narrow
/// sets.
fn attach_mode(cfg: &Config, types: Option<&Types>) -> Result<(Attach, String), LoadError> {
    let traced = || -> Vec<&'static str> {
        // With the calls `-y` follows outside the trace set.
        let followed = syscalls::all()
            .map(|sc| sc.nr)
            .filter(|&nr| cfg.follows_fds_untraced(nr));
        (cfg.trace_set().numbers().chain(followed))
            .filter_map(syscalls::by_nr)
            .map(syscalls::kernel_name)
            .collect()
    };
    let trampolines = |f: &Functions| {
        format!(
            "fentry/fexit (BPF trampolines): fentry on {} syscall functions, fexit on {}",
            f.entries.len(),
            f.exits.len()
        )
    };
    Ok(match cfg.tracepoints {
        TracepointChoice::Syscall => {
            let (names, absent): (Vec<_>, Vec<_>) =
                traced().into_iter().partition(|name| has_tracepoint(name));
            // A syscall this kernel does not implement (`getpmsg`, one configured out)
            // has no tracepoint: its calls fail with ENOSYS unseen.
            if !absent.is_empty() {
                eprintln!(
                    "tracer: no tracepoint for {} in this kernel (not implemented): not shown with --tracepoints=syscall",
                    absent.join(", ")
                );
            }
            let facts = format!("per-syscall tracepoints of {} syscalls", names.len());
            (Attach::PerSyscall(names), facts)
        }
        TracepointChoice::Raw => (Attach::Raw, RAW.to_owned()),
        TracepointChoice::Fentry => {
            if let Some(why) = trampoline::unfit(cfg) {
                return Err(LoadError::Trampoline(why));
            }
            let functions = trampoline::check(types, &Functions::of(&traced()))
                .map_err(LoadError::Trampoline)?;
            let facts = trampolines(&functions);
            (Attach::Trampoline(functions), facts)
        }
        TracepointChoice::Auto => {
            let names = traced();
            let chosen = match trampoline::not_by_default(cfg, names.len()) {
                Some(why) => Err(why),
                None => trampoline::check(types, &Functions::of(&names)),
            };
            match chosen {
                Ok(functions) => {
                    let facts = trampolines(&functions);
                    (Attach::Trampoline(functions), facts)
                }
                Err(why) => (Attach::Raw, format!("{RAW}; not fentry/fexit: {why}")),
            }
        }
    })
}

/// Whether `syscalls:sys_enter_NAME` exists; true when tracefs is not where aya looks
/// (attaching then says what is wrong).
fn has_tracepoint(name: &str) -> bool {
    let mut tracefs = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"]
        .into_iter()
        .filter(|dir| Path::new(dir).join("events").is_dir());
    tracefs.next().is_none_or(|dir| {
        Path::new(dir)
            .join(format!("events/syscalls/sys_enter_{name}"))
            .exists()
    })
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

/// Where one program attaches.
enum Hook {
    /// A tracepoint (a perf event per event: each link takes a grace period to detach).
    Tracepoint(&'static str, Vec<String>),
    /// A raw tracepoint (detaches at once).
    Raw(&'static str),
    /// An fentry or fexit program, loaded once for each of these kernel functions.
    Trampoline(Vec<String>),
}

/// The programs `cfg` needs, in the order they attach: fork and exit tracking first, so
/// the trace set is maintained before any call is seen; then the signal programs and the
/// syscall programs. No other program is loaded (each costs the verifier's time).
fn programs(cfg: &Config, kernel: &KernelConfig, mode: &Attach) -> Vec<(&'static str, Hook)> {
    let mut programs = Vec::new();
    let sched = |event: &str| Hook::Tracepoint("sched", vec![event.to_owned()]);
    // The raw task programs read the new task's id where BTF says it is.
    if kernel.task_pid_offset != 0 {
        let exit = if kernel.exit_group_dead_offset != 0 {
            "tracer_exit_raw"
        } else {
            "tracer_exit_raw_old"
        };
        programs.push(("tracer_fork_raw", Hook::Raw("sched_process_fork")));
        programs.push((exit, Hook::Raw("sched_process_exit")));
        programs.push(("tracer_exec_raw", Hook::Raw("sched_process_exec")));
    } else {
        programs.push(("tracer_fork", sched("sched_process_fork")));
        programs.push(("tracer_exit", sched("sched_process_exit")));
        programs.push(("tracer_exec", sched("sched_process_exec")));
    }
    if kernel.count_cpu != 0 {
        // Every context switch of the machine runs it: only when -c counts CPU time.
        programs.push(("tracer_sched_switch", Hook::Raw("sched_switch")));
    }
    if cfg.shows_signals() {
        programs.push(("tracer_signal", Hook::Raw("signal_deliver")));
        // Signals seen from the sender's side (ignored ones, fatal ones), with the
        // target's ids read from its task_struct: only with BTF to say where they are,
        // and only outside a pid namespace (they are the kernel's ids).
        if kernel.task_pid_offset != 0 && kernel.pidns_ino == 0 {
            programs.push(("tracer_signal_sent", Hook::Raw("signal_generate")));
        }
    }
    log::debug!("syscall programs attach to {mode:?}");
    match mode {
        Attach::Trampoline(functions) => {
            // Returns first: a call entered before its exit program was attached would
            // never be seen returning.
            let exit = twin("tracer_fexit", "tracer_fexit_loops");
            programs.push((exit, Hook::Trampoline(functions.exits.clone())));
            let entry = twin("tracer_fentry", "tracer_fentry_loops");
            programs.push((entry, Hook::Trampoline(functions.entries.clone())));
        }
        Attach::Raw => {
            let entry = twin("tracer_sys_enter", "tracer_sys_enter_loops");
            programs.push((entry, Hook::Raw("sys_enter")));
            let exit = twin("tracer_sys_exit", "tracer_sys_exit_loops");
            programs.push((exit, Hook::Raw("sys_exit")));
        }
        Attach::PerSyscall(names) => {
            // Always: exit/exit_group, whose status the process-exit record takes, and
            // execve/execveat, where tracing of a started command begins.
            let mut enter: Vec<String> = names.iter().map(|n| format!("sys_enter_{n}")).collect();
            for always in ["exit", "exit_group", "execve", "execveat"] {
                let event = format!("sys_enter_{always}");
                if !enter.contains(&event) {
                    enter.push(event);
                }
            }
            let exit = names.iter().map(|n| format!("sys_exit_{n}")).collect();
            programs.push(("tracer_enter_tp", Hook::Tracepoint("syscalls", enter)));
            let program = twin("tracer_exit_tp", "tracer_exit_tp_loops");
            programs.push((program, Hook::Tracepoint("syscalls", exit)));
        }
    }
    programs
}

/// Loads (verifies) the programs `cfg` needs, two at a time (the verifier takes tens of
/// milliseconds for each syscall program) while `meanwhile` runs, then attaches them in
/// order. The links of fentry/fexit programs come back: the rest stay with `ebpf`. With
/// `--tracepoints=auto`, fentry/fexit programs that fail to load give way to the raw
/// tracepoints, `facts` saying why.
fn attach(
    ebpf: &mut aya::Ebpf,
    cfg: &Config,
    kernel: &KernelConfig,
    (mode, facts): (&Attach, &mut String),
    btf: Option<&Btf>,
    meanwhile: impl FnOnce() -> Result<(), LoadError>,
) -> Result<Attached, LoadError> {
    let mut wanted = programs(cfg, kernel, mode);
    // An fentry/fexit program is loaded once per function: its descriptors, by position.
    let mut loaded = load_wanted(ebpf, &wanted, btf, meanwhile)?;
    if let Some(refused) = loaded.iter().find_map(|(_, fds)| fds.as_ref().err()) {
        if cfg.tracepoints != TracepointChoice::Auto {
            return Err(LoadError::Trampoline(refused.to_string()));
        }
        *facts = format!("{RAW}; not fentry/fexit: {refused}");
        log::debug!("{facts}");
        loaded.clear();
        wanted.truncate(wanted.len() - 2);
        let first = wanted.len();
        wanted.extend(programs(cfg, kernel, &Attach::Raw).into_iter().skip(first));
        let rest = load_wanted(ebpf, &wanted[first..], None, || Ok(()))?;
        assert!(rest.is_empty(), "raw tracepoints keep no descriptors");
    }
    let mut attached = Attached::default();
    // The syscall programs, always the last two, attach last, after the io_uring ones.
    for (at, (name, hook)) in wanted.iter().enumerate() {
        if at == wanted.len() - 2 && kernel.traces_uring() {
            super::uring::attach(ebpf, cfg, &kernel.uring);
        }
        let program = ebpf.program_mut(name).expect("a loaded program");
        match hook {
            Hook::Tracepoint(category, events) => {
                let program: &mut TracePoint = program.try_into().expect("a tracepoint");
                for event in events {
                    let failed = |source| LoadError::Program { name, source };
                    let link = program.attach(category, event).map_err(failed)?;
                    let link = program.take_link(link).map_err(failed)?;
                    attached.perf_links.push(link);
                }
            }
            Hook::Raw(tracepoint) => {
                let program: &mut RawTracePoint = program.try_into().expect("a raw tracepoint");
                program
                    .attach(tracepoint)
                    .map_err(|source| LoadError::Program { name, source })?;
            }
            Hook::Trampoline(functions) => {
                let fds = loaded
                    .iter_mut()
                    .find(|(loaded_at, _)| *loaded_at == at)
                    .and_then(|(_, fds)| fds.as_mut().ok())
                    .expect("loaded");
                for (fd, function) in fds.iter().zip(functions) {
                    let link = trampoline::attach(fd.as_fd()).map_err(|e| {
                        LoadError::Trampoline(format!("attaching {name} to {function}: {e}"))
                    })?;
                    attached.trampolines.push(link);
                }
                attached.tracing_programs.append(fds);
            }
        }
    }
    Ok(attached)
}

/// What `attach` leaves to the tracer to hold: closing a link detaches it.
#[derive(Default)]
struct Attached {
    /// The fentry/fexit programs' links.
    trampolines: Vec<OwnedFd>,
    /// Their programs, one load per function.
    tracing_programs: Vec<ProgramFd>,
    /// The tracepoint programs' links (perf events: each takes a grace period to
    /// detach, so the tracer detaches them side by side).
    perf_links: Vec<TracePointLink>,
}

/// What the raw syscall programs attach to (`--stats`).
const RAW: &str = "raw tracepoints (raw_syscalls:sys_enter/sys_exit)";

/// The descriptors of each fentry/fexit program's loads, by position in `wanted`, or why
/// one failed.
type Loaded = Vec<(usize, Result<Vec<ProgramFd>, LoadError>)>;

/// Of a syscall program's twins, the one whose loops `bpf_loop` runs (5.17+), which the
/// verifier checks in a fraction of the time, where the kernel has the helper.
/// `TRACER_NO_BPF_LOOP` (for developers: the older kernels' program, measured here)
/// picks the other.
fn twin(unrolled: &'static str, loops: &'static str) -> &'static str {
    use aya::util::KernelVersion;
    let helper = std::env::var_os("TRACER_NO_BPF_LOOP").is_none()
        && KernelVersion::current().is_ok_and(|v| v >= KernelVersion::new(5, 17, 0));
    if helper { loops } else { unrolled }
}

/// Loads `wanted`'s programs while `meanwhile` runs, on a thread per CPU (at most one
/// per program), each taking the next program left, biggest first: the syscall programs
/// (the last two of `wanted`, the exit one the bigger), most of the verifier's time,
/// start at once side by side, and the small ones fill in beside them. A failed
/// fentry/fexit load is returned among the loads, any other is an error.
fn load_wanted(
    ebpf: &mut aya::Ebpf,
    wanted: &[(&'static str, Hook)],
    btf: Option<&Btf>,
    meanwhile: impl FnOnce() -> Result<(), LoadError>,
) -> Result<Loaded, LoadError> {
    let mut loads: Vec<(usize, &'static str, &mut aya::programs::Program)> = ebpf
        .programs_mut()
        .filter_map(|(name, program)| {
            let at = wanted.iter().position(|(n, _)| *n == name)?;
            Some((at, wanted[at].0, program))
        })
        .collect();
    assert_eq!(loads.len(), wanted.len(), "every program is in the object");
    loads.sort_by_key(|(at, ..)| std::cmp::Reverse(*at));
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let threads = threads.clamp(1, loads.len().max(1));
    let left = std::sync::Mutex::new(loads.into_iter());
    let load_left = || {
        let mut loaded: Loaded = Vec::new();
        loop {
            let next = left.lock().expect("the loads left").next();
            let Some((at, name, program)) = next else {
                return Ok::<_, LoadError>(loaded);
            };
            match &wanted[at].1 {
                Hook::Trampoline(functions) => {
                    let btf = btf.expect("BTF for the trampolines");
                    loaded.push((at, trampoline::load_each(name, program, functions, btf)));
                }
                _ => load_program(name, program)?,
            }
        }
    };
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads).map(|_| s.spawn(load_left)).collect();
        let here = meanwhile();
        let mut loaded = Vec::new();
        for worker in workers {
            loaded.extend(worker.join().expect("loading panicked")?);
        }
        here?;
        Ok(loaded)
    })
}

/// Loads one program into the kernel: the verifier's work.
pub(super) fn load_program(
    name: &'static str,
    program: &mut aya::programs::Program,
) -> Result<(), LoadError> {
    use aya::programs::Program;
    let started = std::time::Instant::now();
    match program {
        Program::TracePoint(p) => p.load(),
        Program::RawTracePoint(p) => p.load(),
        _ => panic!("program {name} is a tracepoint or a raw tracepoint"),
    }
    .map_err(|source| LoadError::Program { name, source })?;
    let elapsed = started.elapsed();
    // The verifier's count (5.16+): what its time grows with.
    let verified = program
        .info()
        .ok()
        .and_then(|i| i.verified_instruction_count());
    let verified = verified.map_or(String::new(), |n| format!(", {n} instructions verified"));
    log::debug!("{name} loaded in {elapsed:?}{verified}");
    Ok(())
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
    Ok(field_layout(category, event, field)?.map(|(offset, _)| offset))
}

/// Offset and size of `field` in a tracepoint's record.
pub(super) fn field_layout(
    category: &str,
    event: &str,
    field: &str,
) -> Result<Option<(u32, u32)>, LoadError> {
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
        let value = |name: &str| -> Option<u32> {
            rest.split(';')
                .find_map(|part| part.trim().strip_prefix(name))?
                .parse()
                .ok()
        };
        Some((value("offset:")?, value("size:")?))
    }))
}

/// The io_uring submission tracepoint this kernel has: `io_uring_submit_req` (5.18+) or
/// `io_uring_submit_sqe`.
pub(super) fn uring_submit_event() -> Option<&'static str> {
    let events = Path::new(TRACEFS).join("events/io_uring");
    ["io_uring_submit_req", "io_uring_submit_sqe"]
        .into_iter()
        .find(|e| events.join(e).join("format").is_file())
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

/// The kernel programs' settings: the command line's (`cfg.kernel`) and what this
/// kernel's tracefs, BTF and pid namespace say.
fn kernel_config(cfg: &Config, types: Option<&Types>) -> Result<KernelConfig, LoadError> {
    let field = |category, event, name| {
        field_offset(category, event, name)?
            .ok_or_else(|| LoadError::Tracefs(format!("{event} has no {name} field")))
    };
    let pidns = own_pid_namespace();
    let btf = super::btf::offsets(types, cfg.kernel.traces_uring());
    // The target's ids in its task_struct, where BTF says they are: for the signals seen
    // from the sender's side (outside a pid namespace only: they are the kernel's ids)
    // and for -c's CPU time.
    let task_ids = btf.task_ids;
    // A tracer with more privilege than its user must see a traced process's exec gain
    // privileges; without BTF it cannot, and ptrace (which the kernel keeps within the
    // user's rights) serves instead.
    let owner = crate::privilege::restricted();
    let creds = match (owner, btf.creds) {
        (Some(_), None) => return Err(LoadError::Unchecked),
        (_, creds) => creds.unwrap_or_default(),
    };
    let mut uring_ops = cfg.kernel.uring_ops;
    let uring = if cfg.kernel.traces_uring() {
        super::uring::fields(&btf).unwrap_or_else(|why| {
            // Said only when asked for: the default trace set (everything) takes what
            // the kernel has.
            if cfg.trace_set().names_ops() {
                crate::output::note(format_args!("io_uring operations are not shown: {why}"));
            }
            uring_ops = [0; 2];
            UringFields::NONE
        })
    } else {
        UringFields::NONE
    };
    let mut count_cpu = cfg.kernel.count_cpu;
    if count_cpu != 0 && task_ids.is_none() {
        // sched_switch finds the task switched in by its pid, whose place BTF gives.
        eprintln!("tracer: no kernel BTF: -c counts wall-clock time (as with -w)");
        count_cpu = 0;
    }
    Ok(KernelConfig {
        count_cpu,
        pidns_dev: pidns.map_or(0, |(dev, _)| dev),
        pidns_ino: pidns.map_or(0, |(_, ino)| ino),
        task_pid_offset: task_ids.map_or(0, |(pid, _)| pid),
        task_tgid_offset: task_ids.map_or(0, |(_, tgid)| tgid),
        fork_child_pid_offset: field("sched", "sched_process_fork", "child_pid")?,
        exec_pid_offset: field("sched", "sched_process_exec", "pid")?,
        exec_old_pid_offset: field("sched", "sched_process_exec", "old_pid")?,
        exit_group_dead_offset: field_offset("sched", "sched_process_exit", "group_dead")?
            .unwrap_or(0),
        task_exit_code_offset: btf.task_exit_code.unwrap_or(0),
        task_real_cred_offset: creds.0,
        cred_ids_offset: creds.1,
        cred_caps_offset: creds.2,
        owner_uid: owner.map_or(NO_OWNER, |u| u.uid),
        owner_gid: owner.map_or(NO_OWNER, |u| u.gid),
        // Where a 32-bit call shows in the task (x86_64); without it, the registers tell.
        compat_task_offset: btf.compat_task.unwrap_or(0),
        uring_ops,
        uring,
        task_sigpending_offset: btf.task_sigpending.unwrap_or(0),
        task_sighand_offset: btf.sighand.map_or(0, |(sighand, _, _)| sighand),
        sighand_action_offset: btf.sighand.map_or(0, |(_, action, _)| action),
        k_sigaction_size: btf.sighand.map_or(0, |(_, _, size)| size),
        kvm_vcpu_run: cfg
            .qualifiers
            .kvm_vcpu
            .then(|| super::btf::kvm_vcpu_run(types?))
            .flatten()
            .unwrap_or(0),
        // -y's names (and sockets' kinds) taken at the call; without them, from /proc
        // after the fact. (`-e kvm=vcpu` finds a vcpu through its descriptor's file.)
        fd_fields: (cfg.reads_fd_facts() || cfg.qualifiers.kvm_vcpu)
            .then(|| super::btf::fd_fields(types?, cfg.out.decode_fds > 1))
            .flatten()
            .unwrap_or(tracer_common::FdFields::NONE),
        // --pidns-translation: tasks' ids in their namespaces taken at their calls.
        ns_fields: cfg
            .decode
            .pidns
            .then(|| super::btf::ns_fields(types?))
            .flatten()
            .unwrap_or(tracer_common::NsFields::NONE),
        // -Y: the names of the children pid arguments name, taken at the call.
        child_fields: cfg
            .out
            .pid_comm
            .then(|| super::btf::child_fields(types?))
            .flatten()
            .unwrap_or(tracer_common::ChildFields::NONE),
        ..cfg.kernel
    })
}

/// What loading would first trip on, checked without loading anything: an object built
/// without the programs, a locked-down kernel, no tracefs.
pub fn preflight() -> Result<(), LoadError> {
    if OBJECT.is_empty() {
        return Err(LoadError::StubObject);
    }
    check_lockdown()?;
    for dir in [TRACEFS, "/sys/kernel/debug/tracing"] {
        if Path::new(dir).join("events/raw_syscalls").is_dir() {
            return Ok(());
        }
    }
    // The loader mounts tracefs itself; without it mounted, look for the kernel's
    // support of it instead.
    let filesystems = fs::read_to_string("/proc/filesystems").unwrap_or_default();
    if filesystems.lines().any(|l| l.ends_with("\ttracefs")) {
        return Ok(());
    }
    Err(LoadError::Tracefs("the kernel has no tracefs".into()))
}

/// Loads the programs, fills the plans and attaches everything `cfg` needs.
pub fn load(cfg: &Config) -> Result<EbpfTracer, LoadError> {
    if OBJECT.is_empty() {
        return Err(LoadError::StubObject);
    }
    raise_memlock();
    check_lockdown()?;
    ensure_tracefs()?;
    let started = std::time::Instant::now();
    // The kernel's BTF, read and indexed once for every lookup the settings make (a few
    // milliseconds; aya's loader parses none: the object has no CO-RE relocations,
    // vendor/README.md), while the ring buffers are made (the kernel's work, `NewRings`)
    // and aya's probes run.
    let data = super::btf::read();
    let (settings, rings) = std::thread::scope(|s| {
        let rings = s.spawn(|| {
            // aya probes what the kernel supports (~20 calls) on its first load: here.
            aya::features();
            NewRings::make(cfg.buffer_size)
        });
        let types = data.as_deref().and_then(Types::parse);
        let settings = attach_mode(cfg, types.as_ref())
            .and_then(|mode| Ok((mode, kernel_config(cfg, types.as_ref())?)));
        let rings = rings.join().expect("making the ring buffers panicked");
        (settings, rings)
    });
    drop(data);
    let ((mode, mut attach_facts), mut kernel) = settings?;
    // Loading fentry/fexit programs takes aya's own parse of the BTF (tens of
    // milliseconds): beside the object's load.
    let btf = matches!(mode, Attach::Trampoline(_)).then(|| std::thread::spawn(Btf::from_sys_fs));
    let rings = rings?;
    let traced = cfg.trace_set();
    let all_plans: Vec<SyscallPlan> = (0..MAX_SYSCALLS)
        .map(|nr| {
            let followed = cfg.follows_fds_untraced(nr);
            let mut plan =
                syscalls::kernel_plan(nr, traced.contains(nr) || followed, cfg.plan_options(nr));
            if followed && syscalls::by_nr(nr).is_some_and(|sc| sc.effect == Effect::Chdir) {
                plan.flags |= tracer_common::PLAN_PATH_PASS;
            }
            path_plan(nr, plan, !cfg.paths.is_empty())
        })
        .collect();
    (kernel.entry_kinds, kernel.exit_kinds) = capture_kinds(&all_plans);
    // Copies behind pointers in structs (`DEREFS`): only when a traced call takes them.
    kernel.derefs = all_plans.iter().any(|p| {
        p.flags & tracer_common::PLAN_TRACE != 0 && tracer_common::deref_selector(p.flags).is_some()
    }) as u8;
    let followed = (all_plans.iter())
        .filter(|p| p.flags & tracer_common::PLAN_PATH_TRACK != 0)
        .count();
    log::debug!("-P follows {followed} syscalls outside the trace set");
    kernel.path_follows_untraced = (followed > 0) as u8;
    kernel.comm = cfg.out.pid_comm as u8;
    kernel.ip = cfg.out.instruction_pointer as u8;
    log::debug!("BTF and settings: {:?}", started.elapsed());
    let mut ebpf = EbpfLoader::new()
        .override_global("CONFIG", &kernel, true)
        // A ring buffer's slot for every CPU the kernel may run a program on.
        .map_max_entries("EVENTS", aya::util::nr_cpus().unwrap_or(1) as u32)
        // An LRU map is allocated whole: the smallest where nothing uses it.
        .map_max_entries("NS_IDS", if kernel.ns_fields.known() { 16384 } else { 1 })
        .load(OBJECT)
        .map_err(LoadError::Load)?;
    let btf = btf
        .map(|parse| parse.join().expect("the BTF parse panicked"))
        .transpose()
        .map_err(|e| LoadError::Trampoline(format!("parsing the kernel's BTF: {e}")))?;

    // The per-syscall plans go in while the programs are verified (before any is
    // attached); the programs hold the map once loaded.
    let mut plans: Array<_, SyscallPlan> =
        Array::try_from(ebpf.take_map("PLANS").expect("PLANS map"))
            .map_err(|e| LoadError::Map("PLANS", e))?;
    let mut derefs: aya::maps::HashMap<_, DerefKey, DerefPlan> =
        aya::maps::HashMap::try_from(ebpf.take_map("DEREFS").expect("DEREFS map"))
            .map_err(|e| LoadError::Map("DEREFS", e))?;
    let takes_derefs = kernel.derefs != 0;
    let fill_plans = || {
        (0..MAX_SYSCALLS)
            .zip(all_plans)
            .try_for_each(|(nr, plan)| {
                plans
                    .set(nr, plan, 0)
                    .map_err(|e| LoadError::Map("PLANS", e))
            })?;
        if takes_derefs {
            fill_derefs(&mut derefs)?;
        }
        Ok(())
    };

    // Kernel-side warnings (rare conditions such as a full map) reach our log.
    let logger = aya_log::EbpfLogger::init(&mut ebpf).ok();
    log::debug!("maps: {:?}", started.elapsed());
    // The ring buffers are put in `EVENTS` while the programs are verified: each put
    // waits for an RCU grace period. (`EVENTS`'s descriptor stays open with `ebpf`,
    // which the loads borrow.)
    let events = match ebpf.map("EVENTS") {
        Some(aya::maps::Map::ArrayOfMaps(outer)) => outer.fd().as_fd().as_raw_fd(),
        _ => panic!("EVENTS is an array of maps"),
    };
    let (mut new_rings, mut rings) = (Some(rings), None);
    let meanwhile = || {
        fill_plans()?;
        rings = new_rings.take().map(|r| r.place(events)).transpose()?;
        log::debug!("plans and rings: {:?}", started.elapsed());
        Ok(())
    };
    let attached = attach(
        &mut ebpf,
        cfg,
        &kernel,
        (&mode, &mut attach_facts),
        btf.as_ref(),
        meanwhile,
    )?;
    let rings = rings.expect("made while the programs were verified");
    log::debug!("programs loaded and attached: {:?}", started.elapsed());
    // Every program whose runs the kernel may skip: aya's (the fentry/fexit programs'
    // own loads were let go of) and each fentry/fexit load.
    let mut programs: Vec<ProgramFd> = (ebpf.programs())
        .filter_map(|(_, program)| program.fd().ok()?.try_clone().ok())
        .collect();
    programs.extend(attached.tracing_programs);
    let mut tracer = take_maps(ebpf, logger, rings, cfg, &kernel)?;
    tracer.skips = Skips::new(programs);
    tracer.trampolines = attached.trampolines;
    tracer.perf_links = attached.perf_links;
    tracer.attach_facts = attach_facts;
    Ok(tracer)
}

/// The decoders' copies behind pointers in structs (`decode::kernel_derefs`), by
/// syscall and selecting value, for the programs.
fn fill_derefs(
    map: &mut aya::maps::HashMap<aya::maps::MapData, DerefKey, DerefPlan>,
) -> Result<(), LoadError> {
    crate::decode::kernel_derefs::plans().try_for_each(|(name, value, plan)| {
        let Some(sc) = syscalls::by_name(name) else {
            return Ok(());
        };
        let key = DerefKey {
            nr: sc.nr,
            _pad: 0,
            value,
        };
        map.insert(key, plan, 0)
            .map_err(|e| LoadError::Map("DEREFS", e))
    })
}

/// Syscall `nr`'s plan with `-P` (`paths`): a call outside the trace set that opens,
/// duplicates or closes descriptors is followed all the same
/// ([`tracer_common::PLAN_PATH_TRACK`]): a traced path opened by an `open` that is not
/// shown names its descriptor for the calls that are (strace reads every descriptor's
/// path at each call); the calls strace matches by more than their first path and
/// descriptor arguments are let through for userspace to decide
/// ([`tracer_common::PLAN_PATH_PASS`]).
fn path_plan(nr: u32, mut plan: SyscallPlan, paths: bool) -> SyscallPlan {
    if paths && syscalls::name(nr).is_some_and(crate::pipeline::outcome::path_match_is_special) {
        plan.flags |= tracer_common::PLAN_PATH_PASS;
    }
    if paths
        && plan.flags & tracer_common::PLAN_TRACE == 0
        && tracer_common::tracks_path_fds(plan.flags)
    {
        plan.flags |= tracer_common::PLAN_PATH_TRACK;
    }
    plan
}

/// Another handle on hash map `map` (the same kernel map): for a reader that cannot
/// borrow the first.
fn second_handle<K: aya::Pod, V: aya::Pod>(
    map: &aya::maps::Map,
) -> Result<aya::maps::HashMap<aya::maps::MapData, K, V>, aya::maps::MapError> {
    let aya::maps::Map::HashMap(data) = map else {
        return Err(aya::maps::MapError::InvalidName {
            name: "not a hash map".into(),
        });
    };
    let fd = data.fd().as_fd().try_clone_to_owned()?;
    aya::maps::HashMap::try_from(aya::maps::Map::HashMap(aya::maps::MapData::from_fd(fd)?))
}

/// The capture kinds the traced syscalls' plans take at entry and at exit (only traced
/// calls are copied from): the programs are verified without the code of the others.
fn capture_kinds(plans: &[SyscallPlan]) -> ([u32; MAX_CAPTURES], [u32; MAX_CAPTURES]) {
    let mut kinds = ([0; MAX_CAPTURES], [0; MAX_CAPTURES]);
    for plan in plans
        .iter()
        .filter(|p| p.flags & tracer_common::PLAN_TRACE != 0)
    {
        let (entry, exit) = plan.capture.kinds();
        for slot in 0..MAX_CAPTURES {
            kinds.0[slot] |= entry[slot];
            kinds.1[slot] |= exit[slot];
        }
    }
    kinds
}

/// The maps the run loop uses, out of the loaded object.
fn take_maps(
    mut ebpf: aya::Ebpf,
    logger: Option<aya_log::EbpfLogger<&'static dyn log::Log>>,
    rings: Rings,
    cfg: &Config,
    kernel: &KernelConfig,
) -> Result<EbpfTracer, LoadError> {
    fn take<T: TryFrom<aya::maps::Map, Error = aya::maps::MapError>>(
        ebpf: &mut aya::Ebpf,
        name: &'static str,
    ) -> Result<T, LoadError> {
        let map = ebpf.take_map(name).unwrap_or_else(|| panic!("{name} map"));
        T::try_from(map).map_err(|e| LoadError::Map(name, e))
    }
    let traced = take(&mut ebpf, "TRACED")?;
    let (path_fds, path_fds_seen) = if cfg.paths.is_empty() {
        (None, None)
    } else {
        let map = ebpf.take_map("PATH_FDS").expect("PATH_FDS map");
        let seen = second_handle(&map).map_err(|e| LoadError::Map("PATH_FDS", e))?;
        let map = aya::maps::HashMap::try_from(map).map_err(|e| LoadError::Map("PATH_FDS", e))?;
        (Some(map), Some(seen))
    };
    let ns_pending = if own_pid_namespace().is_some() {
        Some(take(&mut ebpf, "NS_PENDING")?)
    } else {
        None
    };
    let inflight = take(&mut ebpf, "INFLIGHT")?;
    let stats = take(&mut ebpf, "STATS")?;
    let summary = if cfg.kernel.summary != 0 {
        Some(take(&mut ebpf, "SUMMARY")?)
    } else {
        None
    };
    Ok(EbpfTracer {
        ebpf,
        logger,
        rings,
        traced,
        inflight,
        ns_pending,
        path_fds,
        path_fds_seen,
        stats,
        summary,
        counts_cpu: kernel.count_cpu != 0,
        trampolines: Vec::new(),
        perf_links: Vec::new(),
        skips: Skips::new(Vec::new()),
        attach_facts: String::new(),
        tamper: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracer_common::{LOOP_SLOT, capture};

    fn plans(traced: &[&str]) -> Vec<SyscallPlan> {
        let opts = syscalls::plan::PlanOptions::default();
        (0..MAX_SYSCALLS)
            .map(|nr| {
                let name = syscalls::name(nr).unwrap_or_default();
                syscalls::kernel_plan(nr, traced.contains(&name), opts)
            })
            .collect()
    }

    #[test]
    fn capture_kinds_are_the_traced_plans_kinds() {
        let bit = |kind: u8| 1u32 << kind;
        let any = |kinds: [u32; MAX_CAPTURES]| kinds.iter().fold(0, |a, k| a | k);
        const NONE: ([u32; MAX_CAPTURES], [u32; MAX_CAPTURES]) = ([0; _], [0; _]);
        // A set that copies nothing lets the verifier skip every capture.
        assert_eq!(capture_kinds(&plans(&["getpid"])), NONE);
        // openat's path at entry; the exit may retry it.
        let (entry, exit) = capture_kinds(&plans(&["openat"]));
        assert_eq!(any(entry), bit(capture::CSTR));
        assert_eq!(entry, exit);
        // getdents' count only at exit, in the loop slot.
        let (entry, exit) = capture_kinds(&plans(&["getdents64"]));
        assert_eq!(any(entry), 0);
        assert_eq!(exit[LOOP_SLOT], bit(capture::DIRENT_COUNT));
        // Untraced syscalls' plans count for nothing.
        assert_eq!(capture_kinds(&plans(&[])), NONE);
    }

    /// With `-P` and `-e trace=fstat`, the `open` that names descriptor 0 (fstat.c's
    /// `stat.sample`) and the `close` that frees it are followed, not shown; calls that
    /// neither open nor close descriptors are not followed.
    #[test]
    fn with_paths_untraced_opens_and_closes_are_followed() {
        let followed = |name: &str, paths: bool| {
            let (nr, plan) = plans(&["fstat"])
                .into_iter()
                .enumerate()
                .find(|(nr, _)| syscalls::name(*nr as u32) == Some(name))
                .expect("in the table");
            path_plan(nr as u32, plan, paths).flags & tracer_common::PLAN_PATH_TRACK != 0
        };
        for name in ["openat", "dup2", "close"] {
            assert!(followed(name, true), "{name}");
            assert!(!followed(name, false), "{name}");
        }
        // Shown already, or nothing to follow.
        for name in ["fstat", "getpid", "socket", "write"] {
            assert!(!followed(name, true), "{name}");
        }
    }
}
