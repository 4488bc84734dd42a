//! Is the current task traced? The first thing every program asks, and for untraced
//! tasks the last: one hash lookup (or one cgroup helper call) and out.

use aya_ebpf::{
    bindings::{BPF_ANY, bpf_pidns_info},
    helpers::generated::{bpf_get_current_ancestor_cgroup_id, bpf_get_ns_current_pid_tgid},
};

use tracer_common::MAX_CGROUPS;

use crate::{
    config::config,
    maps::{NS_PENDING, TRACED},
};

/// The trace state of the current task's entry (`TRACE_ON`, `TRACE_FROM_EXEC`; its
/// process's with `-f`), to read and update in place; `None` when it is not traced. With
/// `--cgroup`, a task in the subtree has no entry: `Some(None)`.
#[inline(always)]
pub fn process_state(pid_tgid: u64) -> Option<Option<*mut u8>> {
    let cfg = config();
    if cfg.cgroup_filtered() {
        return in_cgroup().then_some(None);
    }
    let key = cfg.trace_key(pid_tgid as u32, (pid_tgid >> 32) as u32);
    TRACED
        .get_ptr_mut(key)
        .or_else(|| adopt_pending(pid_tgid, key))
        .map(Some)
}

/// Whether the current task is traced (by pid set or cgroup). With `-f`: its own entry
/// (a forked task) or its process's; without, its own only.
#[inline(always)]
pub fn task_traced(pid_tgid: u64) -> bool {
    let cfg = config();
    if cfg.cgroup_filtered() {
        return in_cgroup();
    }
    let (tid, tgid) = (pid_tgid as u32, (pid_tgid >> 32) as u32);
    // SAFETY: presence tests only.
    unsafe { TRACED.get(tid).is_some() || (cfg.follow_forks != 0 && TRACED.get(tgid).is_some()) }
}

/// Whether the task `tid` of process `tgid` (kernel ids) is in the trace set: with `-f`,
/// whether its process is.
#[inline(always)]
pub fn traced(tid: u32, tgid: u32) -> bool {
    // SAFETY: a presence test.
    unsafe { TRACED.get(config().trace_key(tid, tgid)) }.is_some()
}

/// The current task's (tid, tgid) in the tracer's pid namespace.
#[inline(always)]
pub fn view_ids(pid_tgid: u64) -> (u32, u32) {
    let cfg = config();
    if cfg.pidns_ino != 0 {
        let mut ns = bpf_pidns_info { pid: 0, tgid: 0 };
        // SAFETY: `ns` is a valid, writable struct of the size passed.
        let rc = unsafe {
            bpf_get_ns_current_pid_tgid(
                cfg.pidns_dev,
                cfg.pidns_ino,
                &mut ns,
                size_of::<bpf_pidns_info>() as u32,
            )
        };
        if rc == 0 {
            return (ns.pid, ns.tgid);
        }
    }
    (pid_tgid as u32, (pid_tgid >> 32) as u32)
}

/// In a pid namespace: moves the current task's entry from `NS_PENDING` (keyed by its
/// id in the tracer's namespace) into `TRACED` (keyed by its kernel id, `key`).
#[inline(always)]
fn adopt_pending(pid_tgid: u64, key: u32) -> Option<*mut u8> {
    let cfg = config();
    if cfg.pidns_ino == 0 {
        return None;
    }
    let (view_tid, view_tgid) = view_ids(pid_tgid);
    let view_key = cfg.trace_key(view_tid, view_tgid);
    // SAFETY: the value is copied out before the entry is removed.
    let state = *unsafe { NS_PENDING.get(view_key) }?;
    TRACED.insert(key, state, BPF_ANY as u64).ok()?;
    let _ = NS_PENDING.remove(view_key);
    TRACED.get_ptr_mut(key)
}

/// Whether the current task is in one of the `--cgroup`/`--container` subtrees: one
/// helper call per cgroup in the set (usually one).
#[inline(always)]
fn in_cgroup() -> bool {
    let cfg = config();
    for i in 0..MAX_CGROUPS {
        let want = cfg.cgroup_ids[i];
        if want == 0 {
            return false;
        }
        // SAFETY: the helper takes a level and has no other preconditions.
        let id = unsafe { bpf_get_current_ancestor_cgroup_id(cfg.cgroup_levels[i] as i32) };
        if id == want {
            return true;
        }
    }
    false
}
