//! What the kernel programs keep between events: the trace set's states, calls in
//! flight, per-CPU counters and per-syscall totals.

use crate::record::MAX_ARGS;

/// `TRACED` values: the task's process is traced...
pub const TRACE_ON: u8 = 1;
/// ...from its next `execve` on: a command the tracer started, whose calls between fork
/// and exec are the tracer's own set-up (strace does not show them either).
pub const TRACE_FROM_EXEC: u8 = 2;

/// Per-CPU kernel-side counters, index 0 of the `STATS` per-CPU array.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// sys_enter hits (every syscall on the CPU while attached to raw_syscalls).
    pub seen: u64,
    /// Calls by traced tasks that the filters dropped in the kernel.
    pub filtered: u64,
    /// Call records (entry and exit) written to the ring buffer.
    pub emitted: u64,
    /// Records the ring buffer could not take.
    pub lost: u64,
    /// Calls whose entry could not be remembered (in-flight map full).
    pub inflight_full: u64,
    /// Forked tasks that could not be added to the trace set (map full).
    pub pidset_full: u64,
    /// Of `lost`: calls (their exit records: the call is not shown), entry records (the
    /// call is shown with `<entry lost>`), signal lines and exit lines. Records of forks
    /// and untraced processes make no line and are in `lost` only.
    pub lost_calls: u64,
    pub lost_entries: u64,
    pub lost_signals: u64,
    pub lost_exits: u64,
    /// `lost` when the last [`crate::LostRecord`] was written: a record written while
    /// `lost` is past it is preceded by a new one.
    pub lost_marked: u64,
    /// Of `lost`: io_uring operations (their completion records); and submissions of
    /// traced processes the pending map could not hold (their operations are lost too,
    /// counted in `lost_ops` with them).
    pub lost_ops: u64,
    pub uring_full: u64,
    /// Records another program overwrote in scratch memory while the one assembling
    /// them was preempted (not in `lost`: the ring buffer never saw them).
    pub spoilt: u64,
    /// When a record last woke the consumer early on this CPU ([`QUIET_WAKEUP_NS`]); not
    /// a count.
    pub woken_ns: u64,
}

/// A record below the wake-up threshold wakes the consumer all the same when none has on
/// its CPU for this long (the consumer's own poll tick): the first record after a quiet
/// spell (the first of a trace, a call in a sparse one) shows at once, not up to a tick
/// later, and wake-ups stay as rare as the ticks.
pub const QUIET_WAKEUP_NS: u64 = 10_000_000;

/// What the kernel remembers between sys_enter and sys_exit of one task.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InFlight {
    pub nr: u32,
    /// Thread and process ids as the tracer sees them (its own pid namespace).
    pub tid: u32,
    pub tgid: u32,
    pub _pad: u32,
    pub enter_ns: u64,
    pub args: [u64; MAX_ARGS],
    /// [`INFLIGHT_SHOWN`].
    pub flags: u32,
    /// Entry captures (bit = plan slot) whose read faulted: the page was not resident.
    /// They are read again at exit, after the kernel itself has touched the memory.
    pub retry: u32,
    /// `-c`'s system time (with `KernelConfig::count_cpu`): when the thread last left
    /// the CPU inside this call (0: it is on one), and its time off the CPU so far, kept
    /// by `sched_switch`. The call's CPU time is its duration minus the time away.
    pub switched_out_ns: u64,
    pub off_cpu_ns: u64,
}

/// The call is in the trace set. Calls outside it are remembered only when the kernel
/// needs them (exit_group's status).
pub const INFLIGHT_SHOWN: u32 = 1;
/// The thread is inside this call. Entries stay in the map for the thread's life and are
/// overwritten in place at each entry (cheaper than inserting and deleting per call);
/// the exit clears this bit.
pub const INFLIGHT_ACTIVE: u32 = 2;
/// The call's entry record could not be written (ring buffer full): its exit record
/// says so ([`crate::RECORD_ENTRY_LOST`]).
pub const INFLIGHT_ENTRY_LOST: u32 = 4;
/// The call made the kernel send its own task a signal it ignores (an ignored SIGPIPE
/// from a write): its line waits in `SIGNALS_AFTER_CALL` and follows the call's, where
/// a ptraced task would have stopped for it.
pub const INFLIGHT_SIGNAL_AFTER: u32 = 8;

/// Buckets of the per-syscall latency histogram: bucket `i` counts calls that took
/// `[2^(i-1), 2^i)` ns (bucket 0: under 1 ns), so 40 buckets reach about 9 minutes.
pub const HIST_BUCKETS: usize = 40;

/// Per-syscall totals counted in the kernel (per CPU; userspace adds the CPUs up). Calls
/// that never return (`exit_group`, a task killed inside a call) are not counted, as
/// strace does not count them.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallTotals {
    pub calls: u64,
    pub errors: u64,
    /// Wall-clock time from entry to exit: the sum, the shortest and the longest call
    /// (`min_ns` means nothing while `calls` is 0).
    pub total_ns: u64,
    pub min_ns: u64,
    pub max_ns: u64,
    /// System CPU time: the time the task was on a CPU between entry and exit (strace's
    /// `-c` default). Counted only when [`crate::KernelConfig::count_cpu`] is set.
    pub cpu_ns: u64,
    pub cpu_min_ns: u64,
    pub cpu_max_ns: u64,
    /// Wall-clock latency, log2 buckets.
    pub hist: [u64; HIST_BUCKETS],
}

impl Default for SyscallTotals {
    fn default() -> Self {
        Self {
            calls: 0,
            errors: 0,
            total_ns: 0,
            min_ns: 0,
            max_ns: 0,
            cpu_ns: 0,
            cpu_min_ns: 0,
            cpu_max_ns: 0,
            hist: [0; HIST_BUCKETS],
        }
    }
}

/// `STATUS_MASK` bits: which call outcomes are recorded (strace's `--status`).
pub mod status {
    pub const SUCCESSFUL: u8 = 1;
    pub const FAILED: u8 = 2;
    /// Calls that never returned (exit_group, a task killed inside a call).
    pub const UNFINISHED: u8 = 4;
    pub const ALL: u8 = 7;
}

const _: () = {
    assert!(core::mem::size_of::<Stats>() == 120);
    assert!(core::mem::size_of::<InFlight>() == 96);
    assert!(core::mem::size_of::<SyscallTotals>() == 64 + 8 * HIST_BUCKETS);
};

#[cfg(feature = "user")]
mod pod {
    // SAFETY: plain-old-data: repr(C), integer fields only, no implicit padding.
    unsafe impl aya::Pod for super::Stats {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::InFlight {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::SyscallTotals {}
}
