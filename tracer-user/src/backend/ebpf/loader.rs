//! Loading and attaching the kernel programs.

use std::{fs, path::Path};

use aya::{
    EbpfLoader,
    maps::{HashMap as BpfHashMap, PerCpuArray, RingBuf},
    programs::{RawTracePoint, TracePoint},
};

use super::EbpfTracer;

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
    #[error("loading program {name}: {source}")]
    Program {
        name: &'static str,
        #[source]
        source: aya::programs::ProgramError,
    },
    #[error("tracefs: {0}")]
    Tracefs(String),
    #[error("map {0}: {1}")]
    Map(&'static str, #[source] aya::maps::MapError),
}

pub struct LoadOptions {
    pub follow_forks: bool,
    pub buffer_size: u32,
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
    ensure_tracefs()?;
    let child_pid = field_offset("sched", "sched_process_fork", "child_pid")?
        .ok_or_else(|| LoadError::Tracefs("sched_process_fork has no child_pid field".into()))?;
    let group_dead = field_offset("sched", "sched_process_exit", "group_dead")?.unwrap_or(0);
    let follow = opts.follow_forks as u8;
    // The consumer is woken once a quarter of the buffer is full, else on its poll tick.
    let wakeup_bytes = u64::from(opts.buffer_size / 4);

    let mut ebpf = EbpfLoader::new()
        .override_global("FOLLOW_FORKS", &follow, true)
        .override_global("WAKEUP_BYTES", &wakeup_bytes, true)
        .override_global("FORK_CHILD_PID_OFFSET", &child_pid, true)
        .override_global("EXIT_GROUP_DEAD_OFFSET", &group_dead, true)
        .map_max_entries("EVENTS", opts.buffer_size)
        .load(OBJECT)
        .map_err(LoadError::Load)?;

    // Kernel-side warnings (rare conditions such as a full map) reach our log.
    let logger = aya_log::EbpfLogger::init(&mut ebpf).ok();

    for (name, tracepoint) in [
        ("tracer_sys_enter", "sys_enter"),
        ("tracer_sys_exit", "sys_exit"),
    ] {
        let program: &mut RawTracePoint = ebpf
            .program_mut(name)
            .expect("program is in the object")
            .try_into()
            .expect("program type");
        program
            .load()
            .map_err(|source| LoadError::Program { name, source })?;
        program
            .attach(tracepoint)
            .map_err(|source| LoadError::Program { name, source })?;
    }
    for (name, event) in [
        ("tracer_fork", "sched_process_fork"),
        ("tracer_exit", "sched_process_exit"),
    ] {
        let program: &mut TracePoint = ebpf
            .program_mut(name)
            .expect("program is in the object")
            .try_into()
            .expect("program type");
        program
            .load()
            .map_err(|source| LoadError::Program { name, source })?;
        program
            .attach("sched", event)
            .map_err(|source| LoadError::Program { name, source })?;
    }

    let events = RingBuf::try_from(ebpf.take_map("EVENTS").expect("EVENTS map"))
        .map_err(|e| LoadError::Map("EVENTS", e))?;
    let traced = BpfHashMap::try_from(ebpf.take_map("TRACED").expect("TRACED map"))
        .map_err(|e| LoadError::Map("TRACED", e))?;
    let inflight = BpfHashMap::try_from(ebpf.take_map("INFLIGHT").expect("INFLIGHT map"))
        .map_err(|e| LoadError::Map("INFLIGHT", e))?;
    let stats = PerCpuArray::try_from(ebpf.take_map("STATS").expect("STATS map"))
        .map_err(|e| LoadError::Map("STATS", e))?;
    Ok(EbpfTracer {
        _ebpf: ebpf,
        logger,
        events,
        traced,
        inflight,
        stats,
    })
}
