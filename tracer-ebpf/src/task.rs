//! Tasks coming and going: the trace set follows forks (`-f`) and shrinks at exits; an
//! exit is reported with the task's wait status (how it ended: its exit code, or the
//! signal that killed it), and an exec in a non-leader thread moves that thread's call
//! in progress to its new id. An exec that gives a process privileges the tracer's user
//! lacks takes it out of the trace.

use aya_ebpf::{
    EbpfContext,
    bindings::BPF_ANY,
    helpers::{
        bpf_get_current_comm, bpf_get_current_pid_tgid, bpf_get_current_task, bpf_probe_read_kernel,
    },
};
use aya_log_ebpf::warn;
use tracer_common::{
    EXIT_STATUS_KNOWN, EXIT_SUPERSEDED, INFLIGHT_ACTIVE, INFLIGHT_SHOWN, INFLIGHT_SIGNAL_AFTER,
    NO_OWNER, TRACE_ON, TaskExitRecord, is_exit, kind,
};

use crate::{
    admit,
    config::config,
    emit::{self, Counters, Lost, PROMPTLY, now_ns, stats},
    maps::{INFLIGHT, TRACED},
    signal,
};

/// `sched_process_exec`: a process that gained privileges its tracer's user does not
/// have leaves the trace; an exec in a thread other than the leader moves that thread's
/// call in progress to its new id (the thread takes over the leader's id before its
/// execve returns). `pid` is the task's id now, `old` the one it had.
#[inline(always)]
pub fn exec(pid: i32, old: i32) {
    let cfg = config();
    let pid_tgid = bpf_get_current_pid_tgid();
    if cfg.owner_uid != NO_OWNER && admit::task_traced(pid_tgid) && !owner_only() {
        untrace(pid_tgid);
        return;
    }
    if pid == old {
        return;
    }
    // Without -f a thread's entry is its own: it moves to the id the thread now has.
    if cfg.follow_forks == 0
        // SAFETY: copied out before the old entry is removed.
        && let Some(state) = unsafe { TRACED.get(old as u32) }.copied()
    {
        let _ = TRACED.insert(pid as u32, state, BPF_ANY as u64);
        let _ = TRACED.remove(old as u32);
    } else if cfg.follow_forks != 0 {
        // With -f the thread's own entry (from its clone) goes: it is the leader now,
        // traced by its process's entry, and never exits under its old id (a stale
        // entry would keep the trace waiting for it forever).
        let _ = TRACED.remove(old as u32);
    }
    // SAFETY: copied out before the old entry is removed.
    if let Some(mut call) = unsafe { INFLIGHT.get(old as u32) }.copied() {
        // From here on the thread is the process's leader: its tid is the process id.
        call.tid = call.tgid;
        let _ = INFLIGHT.insert(pid as u32, call, BPF_ANY as u64);
        let _ = INFLIGHT.remove(old as u32);
    }
    // With -f the leader was traced too: it is gone, superseded by this thread.
    if cfg.follow_forks != 0 && admit::task_traced(pid_tgid) {
        superseded(pid_tgid, old);
    }
}

/// The record saying the process's leader was superseded by thread `old`'s exec.
#[inline(always)]
fn superseded(pid_tgid: u64, old: i32) {
    let (view_tid, view_tgid) = admit::view_ids(pid_tgid);
    emit_task_exit(TaskExitRecord {
        kind: kind::TASK_EXIT,
        tid: view_tid,
        tgid: view_tgid,
        group_dead: 0,
        ns: now_ns(),
        exit_code: old as u32 as u64,
        flags: EXIT_SUPERSEDED,
        ..TaskExitRecord::default()
    });
}

/// Sends a task's exit record at once (or counts it lost).
#[inline(always)]
fn emit_task_exit(record: TaskExitRecord) {
    let counters = Counters::before_record();
    match emit::reserve::<TaskExitRecord>() {
        Some(mut slot) => {
            slot.write(record);
            slot.submit(PROMPTLY);
        }
        None => counters.lost(Lost::Exit),
    }
}

/// Whether the current task's credentials are the tracer's user's: its eight ids, and no
/// capabilities. A read that fails counts as a no.
#[inline(always)]
fn owner_only() -> bool {
    let cfg = config();
    // SAFETY: the helper returns the current task, valid while the program runs.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    // SAFETY: offsets from this kernel's BTF; the helper checks every read.
    let creds = unsafe {
        bpf_probe_read_kernel(
            task.wrapping_add(cfg.task_real_cred_offset as usize)
                .cast::<*const u8>(),
        )
    };
    let Ok(cred) = creds else {
        return false;
    };
    // SAFETY: as above.
    let (ids, caps) = unsafe {
        (
            bpf_probe_read_kernel(
                cred.wrapping_add(cfg.cred_ids_offset as usize)
                    .cast::<[u32; 8]>(),
            ),
            bpf_probe_read_kernel(
                cred.wrapping_add(cfg.cred_caps_offset as usize)
                    .cast::<u64>(),
            ),
        )
    };
    let (Ok(ids), Ok(caps)) = (ids, caps) else {
        return false;
    };
    // uid, gid, suid, sgid, euid, egid, fsuid, fsgid.
    let mut same = caps == 0;
    let mut i = 0;
    while i < 8 {
        let want = if i % 2 == 0 {
            cfg.owner_uid
        } else {
            cfg.owner_gid
        };
        same &= ids[i] == want;
        i += 1;
    }
    same
}

/// Takes the current process out of the trace set and says so. Its exec call still
/// completes in the trace (its arguments were the user's).
#[inline(always)]
fn untrace(pid_tgid: u64) {
    let (tid, tgid) = (pid_tgid as u32, (pid_tgid >> 32) as u32);
    let _ = TRACED.remove(tgid);
    let _ = TRACED.remove(tid);
    let counters = Counters::before_record();
    match emit::reserve::<TaskExitRecord>() {
        Some(mut slot) => {
            let (view_tid, view_tgid) = admit::view_ids(pid_tgid);
            slot.write(TaskExitRecord {
                kind: kind::UNTRACED,
                tid: view_tid,
                tgid: view_tgid,
                ns: now_ns(),
                ..TaskExitRecord::default()
            });
            slot.submit(PROMPTLY);
        }
        None => counters.lost(Lost::Other),
    }
}

/// `sched_process_fork`, which fires in the parent before the child first runs, so the
/// child's first syscall is already traced. `child` is the new task's kernel id.
#[inline(always)]
pub fn fork<C: EbpfContext>(ctx: &C, child: i32) {
    let cfg = config();
    if cfg.follow_forks == 0 {
        return;
    }
    let parent = bpf_get_current_pid_tgid();
    if !admit::traced(parent as u32, (parent >> 32) as u32) {
        return;
    }
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
    if cfg.pidns_ino == 0 {
        let counters = Counters::before_record();
        match emit::reserve::<TaskExitRecord>() {
            Some(mut slot) => {
                let now = now_ns();
                slot.write(TaskExitRecord {
                    kind: kind::TASK_FORK,
                    tid: child as u32,
                    group_dead: parent as u32,
                    ns: now,
                    ..TaskExitRecord::default()
                });
                slot.submit(emit::wakeup_flags(now));
            }
            None => counters.lost(Lost::Other),
        }
    }
}

/// The current task's wait status (`task_struct.exit_code`, set before
/// `sched_process_exit` fires), when BTF gave its offset.
#[inline(always)]
fn wait_status() -> Option<u32> {
    let offset = config().task_exit_code_offset;
    if offset == 0 {
        return None;
    }
    // SAFETY: the helper returns the current task, valid while the program runs.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    // SAFETY: an offset from this kernel's BTF; the helper checks the read.
    unsafe { bpf_probe_read_kernel(task.wrapping_add(offset as usize).cast::<u32>()) }.ok()
}

/// `sched_process_exit`: the task's call in progress, if any, as one that never returned;
/// then the fatal signal's line, if a signal killed it without being delivered; then the
/// exit record; then the task leaves the trace set. `group_dead`: whether the task is
/// its process's last, where the kernel says (else a leader's exit counts as the last).
#[inline(always)]
pub fn exit(group_dead: Option<bool>) {
    let pid_tgid = bpf_get_current_pid_tgid();
    let tgid = (pid_tgid >> 32) as u32;
    let tid = pid_tgid as u32;
    if !admit::task_traced(pid_tgid) {
        return;
    }
    let cfg = config();
    // A task that leaves through exit/exit_group (or is killed while blocked) is still
    // inside that call: report it as one that never returned, as strace prints `= ?`.
    let mut exit_code = u64::MAX;
    // SAFETY: a value of this map, this thread's: read in place (a copy on this stack and
    // the captures' function's stack would add up past the limit).
    let in_call = INFLIGHT.get_ptr(tid).map(|c| unsafe { &*c });
    if let Some(call) = in_call.filter(|c| c.flags & INFLIGHT_ACTIVE != 0) {
        if is_exit(call.nr) {
            exit_code = call.args[0] & 0xff;
        }
        // Not counted for `-c`: strace counts calls as they return.
        if call.flags & INFLIGHT_SHOWN != 0 {
            let duration = now_ns().saturating_sub(call.enter_ns);
            if cfg.emits_calls() && cfg.admits_unfinished(duration) {
                crate::syscall::emit_cut::<crate::capture::Unrolled>(call, emit::LATER);
            }
        }
        if call.flags & INFLIGHT_SIGNAL_AFTER != 0 {
            signal::after_call(tid, call.tid, call.tgid);
        }
    }
    // The thread's entry goes with it, whether or not it is inside a call.
    let _ = INFLIGHT.remove(tid);
    let group_dead = group_dead.unwrap_or(tid == tgid);
    leave(pid_tgid, group_dead, exit_code);
}

/// The rest of [`exit`]: the fatal signal's line, the exit record, the trace set. A
/// function of its own: its stack and the captures' under `exit`'s call in progress
/// would add up past the limit.
#[inline(never)]
fn leave(pid_tgid: u64, group_dead: bool, exit_code: u64) {
    let cfg = config();
    let (tgid, tid) = ((pid_tgid >> 32) as u32, pid_tgid as u32);
    let (view_tid, view_tgid) = admit::view_ids(pid_tgid);
    let status = wait_status();
    if let Some(status) = status {
        signal::fatal(tgid, view_tgid, status);
    }
    emit_task_exit(TaskExitRecord {
        kind: kind::TASK_EXIT,
        tid: view_tid,
        tgid: view_tgid,
        group_dead: group_dead as u32,
        ns: now_ns(),
        exit_code,
        status: status.unwrap_or(0),
        flags: if status.is_some() {
            EXIT_STATUS_KNOWN
        } else {
            0
        },
        // The name the line shows (`-Y`): the task may have exec'd since its last call.
        comm: if cfg.comm != 0 {
            bpf_get_current_comm().unwrap_or_default()
        } else {
            [0; 16]
        },
    });
    // Leave the trace set only after the record is submitted: userspace treats an empty
    // set as "every record is in the ring buffer". Without -f the entry is the task's
    // own, whether or not its group lives on (its other threads are not traced).
    if cfg.follow_forks == 0 || tid != tgid {
        let _ = TRACED.remove(tid);
    }
    if group_dead {
        if cfg.follow_forks != 0 {
            let _ = TRACED.remove(tgid);
        }
        signal::forget(tgid);
    }
}

/// Whether the current task has SIGKILL pending (its call will not get back to the
/// program), when BTF gave the offset of its pending signals.
#[inline(always)]
pub fn being_killed() -> bool {
    const SIGKILL_BIT: u64 = 1 << (9 - 1);
    let offset = config().task_sigpending_offset;
    if offset == 0 {
        return false;
    }
    // SAFETY: the helper returns the current task, valid while the program runs.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    // SAFETY: an offset from this kernel's BTF; the helper checks the read.
    unsafe { bpf_probe_read_kernel(task.wrapping_add(offset as usize).cast::<u64>()) }
        .is_ok_and(|pending| pending & SIGKILL_BIT != 0)
}
