//! The maps the programs share with each other and with userspace.

use aya_ebpf::{
    btf_maps::{self, ArrayOfMaps},
    macros::{btf_map, map},
    maps::{Array, HashMap, LruHashMap, PerCpuArray},
};
use tracer_common::{
    DerefKey, DerefPlan, InFlight, IoUringRecord, MAX_SYSCALLS, PATH_HASH_BYTES, SIGINFO_BYTES,
    Stats, SyscallPlan, SyscallTotals, UringKey,
};

/// Per syscall number: in the trace set or not, and what to copy.
#[map]
pub static PLANS: Array<SyscallPlan> = Array::with_max_entries(MAX_SYSCALLS, 0);

/// Copies behind pointers in structs, by syscall number and the value of the argument
/// its plan names ([`tracer_common::PLAN_DEREF_SHIFT`]: an ioctl's request); filled by
/// userspace from the decoders' tables.
#[map]
pub static DEREFS: HashMap<DerefKey, DerefPlan> = HashMap::with_max_entries(1024, 0);

/// With `-f`, traced processes (tgids), plus the tids of tasks forked by them; without,
/// traced tasks (tids: `KernelConfig::trace_key`). `TRACE_ON` or `TRACE_FROM_EXEC`.
#[map]
pub static TRACED: HashMap<u32, u8> = HashMap::with_max_entries(16384, 0);

/// Processes (without `-f`: tasks) to trace, by id in the tracer's pid namespace, waiting
/// for their next syscall to be moved into `TRACED` under their kernel id. Used only in
/// a namespace.
#[map]
pub static NS_PENDING: HashMap<u32, u8> = HashMap::with_max_entries(1024, 0);

/// `-P`: descriptors that refer to a traced path, by (kernel tgid << 32 | fd).
#[map]
pub static PATH_FDS: HashMap<u64, u8> = HashMap::with_max_entries(4096, 0);

/// Calls in progress, by tid.
#[map]
pub static INFLIGHT: HashMap<u32, InFlight> = HashMap::with_max_entries(16384, 0);

/// A ring buffer of records for userspace. The loader creates one per CPU at the size
/// `--buffer-size` asks; this size only describes them to the verifier (since 5.10 an
/// inner ring buffer's size may differ from its template's).
pub type Ring = btf_maps::RingBuf<u8, { 1 << 16 }>;

/// Records for userspace: the ring buffer of each CPU, by `bpf_get_smp_processor_id()`
/// (`emit::ring`), so producers on different CPUs never take the same lock. Sized to the
/// possible CPUs and filled by the loader.
#[btf_map]
pub static EVENTS: ArrayOfMaps<Ring, 1> = ArrayOfMaps::new();

#[map]
pub static STATS: PerCpuArray<Stats> = PerCpuArray::with_max_entries(1, 0);

/// Per-syscall totals for `-c`, by number.
#[map]
pub static SUMMARY: PerCpuArray<SyscallTotals> = PerCpuArray::with_max_entries(MAX_SYSCALLS, 0);

/// Room for the first bytes of a path argument, for `-P`'s hash.
#[repr(C)]
pub struct PathBuf {
    pub bytes: [u8; PATH_HASH_BYTES + 8],
}

#[map]
pub static PATH_BUF: PerCpuArray<PathBuf> = PerCpuArray::with_max_entries(1, 0);

/// A signal sent to a traced process and not delivered yet: the target's id and the
/// siginfo, kept in case the signal kills it without ever being delivered (a fatal
/// default action takes the kernel's group-exit shortcut, and `signal_deliver` then sees
/// only SIGKILL).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct PendingSignal {
    pub tid: u32,
    pub _pad: u32,
    pub siginfo: [u8; SIGINFO_BYTES],
}

/// The siginfo of an ignored signal a task sent itself inside a call, shown after the
/// call (`INFLIGHT_SIGNAL_AFTER`), by kernel tid.
#[map]
pub static SIGNALS_AFTER_CALL: LruHashMap<u32, [u8; SIGINFO_BYTES]> =
    LruHashMap::with_max_entries(1024, 0);

/// By target process (kernel tgid); LRU, so signals that are never delivered nor fatal
/// (blocked forever, or sent to a process that exits otherwise) cannot fill it.
#[map]
pub static PENDING_SIGNALS: LruHashMap<u32, PendingSignal> = LruHashMap::with_max_entries(1024, 0);

/// io_uring requests of traced processes, submitted and not yet completed: their record
/// so far, by ring and request. Bounded: a submission it cannot hold is counted lost.
#[map]
pub static URING_PENDING: HashMap<UringKey, IoUringRecord> = HashMap::with_max_entries(8192, 0);

/// `--pidns-translation`: the ids in its own namespace last sent for a task
/// (`nsids::announce`), by kernel tid; LRU, so tasks that are gone cannot fill it.
#[map]
pub static NS_IDS: LruHashMap<u32, [u32; 4]> = LruHashMap::with_max_entries(16384, 0);
