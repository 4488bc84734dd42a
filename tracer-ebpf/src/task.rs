//! Tasks coming and going: the trace set follows forks (`-f`) and shrinks at exits; an
//! exit is reported with the status its `exit`/`exit_group` gave, and an exec in a
//! non-leader thread moves that thread's call in progress to its new id.

use aya_ebpf::{bindings::BPF_ANY, helpers::bpf_get_current_pid_tgid, programs::TracePointContext};
use aya_log_ebpf::warn;
use tracer_common::{
    INFLIGHT_ACTIVE, INFLIGHT_SHOWN, RECORD_NO_RETURN, TRACE_ON, TaskExitRecord, is_exit, kind,
};

use crate::{
    admit,
    config::config,
    emit::{self, PROMPTLY, emit_syscall, now_ns, stats},
    maps::{EVENTS, INFLIGHT, TRACED},
    outcome,
};

/// An exec in a thread other than the leader: the thread takes over the leader's id
/// before its execve returns, so its call in progress moves to the new id.
#[inline(always)]
pub fn exec(ctx: &TracePointContext) {
    let cfg = config();
    // SAFETY: offsets read from this kernel's tracepoint format by userspace.
    let ids = unsafe {
        (
            ctx.read_at::<i32>(cfg.exec_pid_offset as usize),
            ctx.read_at::<i32>(cfg.exec_old_pid_offset as usize),
        )
    };
    if let (Ok(pid), Ok(old)) = ids
        && pid != old
        // SAFETY: copied out before the old entry is removed.
        && let Some(mut call) = unsafe { INFLIGHT.get(old as u32) }.copied()
    {
        // From here on the thread is the process's leader: its tid is the process id.
        call.tid = call.tgid;
        let _ = INFLIGHT.insert(pid as u32, call, BPF_ANY as u64);
        let _ = INFLIGHT.remove(old as u32);
    }
}

/// `sched_process_fork`, which fires in the parent before the child first runs, so the
/// child's first syscall is already traced.
#[inline(always)]
pub fn fork(ctx: &TracePointContext) -> Result<(), i64> {
    let cfg = config();
    if cfg.follow_forks == 0 {
        return Ok(());
    }
    let parent = bpf_get_current_pid_tgid();
    if !admit::process_traced((parent >> 32) as u32) {
        return Ok(());
    }
    // SAFETY: offset read from this kernel's tracepoint format by userspace.
    let child: i32 = unsafe { ctx.read_at(cfg.fork_child_pid_offset as usize)? };
    if TRACED
        .insert(child as u32, TRACE_ON, BPF_ANY as u64)
        .is_err()
        && let Some(s) = stats()
    {
        if s.pidset_full == 0 {
            warn!(ctx, "tracer: trace set full; new tasks are not traced");
        }
        s.pidset_full += 1;
    }
    // Userspace learns of the task before its first line (strace's `[pid N]` prefixes
    // start here). In a pid namespace the child's id there is not known yet: skip.
    if cfg.pidns_ino == 0
        && let Some(mut slot) = EVENTS.reserve::<TaskExitRecord>(0)
    {
        slot.write(TaskExitRecord {
            kind: kind::TASK_FORK,
            tid: child as u32,
            tgid: 0,
            group_dead: parent as u32,
            ns: now_ns(),
            exit_code: 0,
        });
        slot.submit(emit::wakeup_flags());
    }
    Ok(())
}

/// `sched_process_exit`: the task's call in progress, if any, as one that never returned;
/// then the exit record; then the task leaves the trace set.
#[inline(always)]
pub fn exit(ctx: &TracePointContext) -> Result<(), i64> {
    let pid_tgid = bpf_get_current_pid_tgid();
    let tgid = (pid_tgid >> 32) as u32;
    let tid = pid_tgid as u32;
    if !admit::task_traced(pid_tgid) {
        return Ok(());
    }
    let cfg = config();
    // A task that leaves through exit/exit_group (or is killed while blocked) is still
    // inside that call: report it as one that never returned, as strace prints `= ?`.
    let mut exit_code = u64::MAX;
    // SAFETY: copied out before removal.
    let in_call = unsafe { INFLIGHT.get(tid) }.copied();
    // The thread's entry goes with it, whether or not it is inside a call.
    let _ = INFLIGHT.remove(tid);
    if let Some(call) = in_call.filter(|c| c.flags & INFLIGHT_ACTIVE != 0) {
        if is_exit(call.nr) {
            exit_code = call.args[0] & 0xff;
        }
        if call.flags & INFLIGHT_SHOWN != 0 {
            let duration = now_ns().saturating_sub(call.enter_ns);
            if cfg.summary != 0 {
                outcome::count(call.nr, duration, false);
            }
            if cfg.emits_calls() && cfg.admits_unfinished(duration) {
                emit_syscall(&call, 0, RECORD_NO_RETURN, emit::LATER);
            }
        }
    }
    let group_dead = if cfg.exit_group_dead_offset != 0 {
        // SAFETY: offset from this kernel's tracepoint format.
        unsafe { ctx.read_at::<u8>(cfg.exit_group_dead_offset as usize)? != 0 }
    } else {
        tid == tgid
    };
    match EVENTS.reserve::<TaskExitRecord>(0) {
        Some(mut slot) => {
            let (view_tid, view_tgid) = admit::view_ids(pid_tgid);
            slot.write(TaskExitRecord {
                kind: kind::TASK_EXIT,
                tid: view_tid,
                tgid: view_tgid,
                group_dead: group_dead as u32,
                ns: now_ns(),
                exit_code,
            });
            slot.submit(PROMPTLY);
        }
        None => emit::count_output(false),
    }
    // Leave the trace set only after the record is submitted: userspace treats an empty
    // set as "every record is in the ring buffer".
    if tid != tgid {
        let _ = TRACED.remove(tid);
    }
    if group_dead {
        let _ = TRACED.remove(tgid);
    }
    Ok(())
}
