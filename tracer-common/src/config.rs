//! The kernel programs' settings: one struct, written once by userspace before the
//! programs load (a read-only global, so the verifier sees the values and prunes what they
//! switch off), and the decisions both sides derive from it. The ptrace backend applies
//! the same decisions in userspace, from the same struct.

use crate::{path::MAX_PATH_FILTERS, trace::status};

/// What the programs are told at load time: the user's filters and the facts about the
/// running kernel that userspace looked up (offsets that differ between builds).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelConfig {
    /// `-s`: bytes of strings and buffers to copy.
    pub string_limit: u32,
    /// Which outcomes are recorded (`status::*` bits): `-z`, `-Z`, `--status`.
    pub status_mask: u8,
    /// Non-zero when numbers outside the table (32-bit tasks', x32's or invalid ones) are
    /// traced.
    pub trace_unknown: u8,
    /// Non-zero with `-f`: children join the trace set when they are forked.
    pub follow_forks: u8,
    /// [`SUMMARY_OFF`], [`SUMMARY_COUNT`] (`-C`) or [`SUMMARY_ONLY`] (`-c`: nothing but
    /// the per-syscall totals leaves the kernel).
    pub summary: u8,
    /// Non-zero with `--stats`: count every call the syscall programs see. Off by default
    /// because it costs untraced processes a per-CPU map update per syscall.
    pub count_seen: u8,
    pub _pad: [u8; 3],
    /// `--cgroup`: the depth of the traced cgroup below the cgroup2 root.
    pub cgroup_level: u32,
    /// `--cgroup`: trace every task whose cgroup is this one (id = inode of the cgroup v2
    /// directory) or below it; 0 = trace the `TRACED` set.
    pub cgroup_id: u64,
    /// `--min-duration`: calls faster than this are dropped at exit (0: keep all).
    pub min_duration_ns: u64,
    /// `--diagnose`: only failed calls and calls at least this slow leave the kernel (the
    /// report needs no other per-call detail; the totals cover the rest). 0: off.
    pub diagnose_slow_ns: u64,
    /// `-P`: hashes ([`crate::path::path_hash`]) of the paths to trace; 0 = unused slot.
    /// All zero: no path filter.
    pub path_hashes: [u64; MAX_PATH_FILTERS],
    /// Wake the consumer only once this many bytes wait in the ring buffer; below it the
    /// consumer finds the records on its next poll tick (a wake-up per record costs ~15 µs).
    pub wakeup_bytes: u64,
    /// The tracer's pid namespace (device and inode of its nsfs file) when it is not the
    /// initial one: ids in records are then translated to it, and `-p`/launched pids,
    /// which userspace only knows in its namespace, are registered through `NS_PENDING`.
    pub pidns_dev: u64,
    pub pidns_ino: u64,
    /// Offsets of `pid` and `tgid` in `struct task_struct`, from the kernel's BTF (0: none).
    pub task_pid_offset: u32,
    pub task_tgid_offset: u32,
    /// Field offsets in the sched tracepoints' records, from tracefs (they differ between
    /// kernel versions): `sched_process_fork`'s `child_pid`, `sched_process_exec`'s `pid`
    /// and `old_pid`, `sched_process_exit`'s `group_dead` (0 when the kernel has none).
    pub fork_child_pid_offset: u32,
    pub exec_pid_offset: u32,
    pub exec_old_pid_offset: u32,
    pub exit_group_dead_offset: u32,
    /// Offset in `struct task_struct` of the word with the architecture's compat flag
    /// (`arch::COMPAT_TASK_FLAG`), from BTF; 0: the registers tell
    /// (`arch::PT_REGS_COMPAT`).
    pub compat_task_offset: u32,
    pub _pad2: u32,
}

pub const SUMMARY_OFF: u8 = 0;
pub const SUMMARY_COUNT: u8 = 1;
pub const SUMMARY_ONLY: u8 = 2;

impl KernelConfig {
    /// Everything shown, nothing counted: what the programs do before userspace says more.
    pub const DEFAULT: Self = Self {
        string_limit: 32,
        status_mask: status::ALL,
        trace_unknown: 1,
        follow_forks: 0,
        summary: SUMMARY_OFF,
        count_seen: 0,
        _pad: [0; 3],
        cgroup_level: 0,
        cgroup_id: 0,
        min_duration_ns: 0,
        diagnose_slow_ns: 0,
        path_hashes: [0; MAX_PATH_FILTERS],
        wakeup_bytes: 0,
        pidns_dev: 0,
        pidns_ino: 0,
        task_pid_offset: 0,
        task_tgid_offset: 0,
        fork_child_pid_offset: 0,
        exec_pid_offset: 0,
        exec_old_pid_offset: 0,
        exit_group_dead_offset: 0,
        compat_task_offset: 0,
        _pad2: 0,
    };

    /// Whether `-P` is on.
    #[inline(always)]
    pub fn path_filtered(&self) -> bool {
        self.path_hashes[0] != 0
    }

    /// Whether `hash` is one of the `-P` paths.
    #[inline(always)]
    pub fn path_matches(&self, hash: u64) -> bool {
        let h = &self.path_hashes;
        h[0] == hash || h[1] == hash || h[2] == hash || h[3] == hash
    }

    /// Whether a call's fate is known only at its exit: a filter on its result, its
    /// duration or (`-P`) the fds it returns or closes. Such a call is not shown while it
    /// is in progress, and what its line needs from memory is copied at its exit, so that
    /// nothing filtered out leaves the kernel.
    #[inline(always)]
    pub fn decides_at_exit(&self) -> bool {
        const RETURNED: u8 = status::SUCCESSFUL | status::FAILED;
        self.status_mask & RETURNED != RETURNED
            || self.min_duration_ns != 0
            || self.diagnose_slow_ns != 0
            || self.path_filtered()
    }

    /// Whether a call that returned passes the result and duration filters.
    #[inline(always)]
    pub fn admits(&self, failed: bool, duration_ns: u64) -> bool {
        let outcome = if failed {
            status::FAILED
        } else {
            status::SUCCESSFUL
        };
        self.status_mask & outcome != 0 && duration_ns >= self.min_duration_ns
    }

    /// Whether a call that never returned (its task left inside it: `exit_group`, or
    /// killed) is shown. Such a call never touches a `-P` path.
    #[inline(always)]
    pub fn admits_unfinished(&self, duration_ns: u64) -> bool {
        self.status_mask & status::UNFINISHED != 0
            && !self.path_filtered()
            && duration_ns >= self.min_duration_ns
    }

    /// Whether per-call records leave the kernel at all (not with `-c` alone).
    #[inline(always)]
    pub fn emits_calls(&self) -> bool {
        self.summary != SUMMARY_ONLY
    }
}

impl Default for KernelConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

const _: () = assert!(core::mem::size_of::<KernelConfig>() == 128);

#[cfg(feature = "user")]
// SAFETY: plain-old-data: repr(C), integer fields only, explicit padding.
unsafe impl aya::Pod for KernelConfig {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_duration_and_path_filters_decide_at_exit() {
        let base = KernelConfig::DEFAULT;
        assert!(!base.decides_at_exit());
        // --status=successful,failed,!unfinished still shows calls in progress.
        let c = KernelConfig {
            status_mask: status::SUCCESSFUL | status::FAILED,
            ..base
        };
        assert!(!c.decides_at_exit());
        for c in [
            KernelConfig {
                status_mask: status::FAILED,
                ..base
            },
            KernelConfig {
                min_duration_ns: 1,
                ..base
            },
            KernelConfig {
                diagnose_slow_ns: 1,
                ..base
            },
            KernelConfig {
                path_hashes: [7, 0, 0, 0],
                ..base
            },
        ] {
            assert!(c.decides_at_exit(), "{c:?}");
        }
    }

    #[test]
    fn outcomes_admitted() {
        let z = KernelConfig {
            status_mask: status::SUCCESSFUL,
            min_duration_ns: 100,
            ..KernelConfig::DEFAULT
        };
        assert!(z.admits(false, 100));
        assert!(!z.admits(false, 99));
        assert!(!z.admits(true, 1000));
        assert!(!z.admits_unfinished(1000));
        assert!(KernelConfig::DEFAULT.admits_unfinished(0));
        let p = KernelConfig {
            path_hashes: [7, 0, 0, 0],
            ..KernelConfig::DEFAULT
        };
        assert!(!p.admits_unfinished(0) && p.path_matches(7) && !p.path_matches(8));
    }
}
