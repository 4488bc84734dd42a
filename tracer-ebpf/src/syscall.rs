//! A traced call's entry and exit: remembered in `INFLIGHT` at entry, joined with its
//! result at exit, filtered and written out as one record (plus an entry record ahead of
//! it when memory that only exists at entry was copied).

use core::ptr;

use aya_ebpf::{EbpfContext, bindings::BPF_ANY, helpers::bpf_get_current_pid_tgid};
use aya_log_ebpf::warn;
use tracer_common::{
    COMPAT_NR, INFLIGHT_ACTIVE, INFLIGHT_ENTRY_LOST, INFLIGHT_SHOWN, INFLIGHT_SIGNAL_AFTER,
    InFlight, KVM_RUN, MAX_ARGS, PLAN_PATH_PASS, PLAN_PATH_TRACK, PLAN_SIGFRAME, PLAN_TRACE,
    RECORD_FILTERED, RECORD_NO_RETURN, SyscallPlan, TRACE_FROM_EXEC, TRACE_ON, deref_selector,
    is_exit, kind, nr, pid_arg,
};

use crate::{
    admit,
    capture::{self, Builder, Loops, Phase, SCRATCH_ENTER, SCRATCH_EXIT},
    config::config,
    emit::{Lost, emit_syscall, now_ns, output, stats, syscall_record, wakeup_flags},
    maps::{INFLIGHT, PLANS},
    nsids, outcome, signal, task,
};

/// `L`: how the captures' loops run ([`Loops`]). `compat()` tells whether the call is
/// a 32-bit task's; `read_args(frame, compat)`
/// reads the call's arguments (of that calling convention), `frame` asking for the
/// signal frame's mask in argument 0 (`PLAN_SIGFRAME`).
#[inline(always)]
pub fn on_enter<L: Loops, C: EbpfContext>(
    ctx: &C,
    nr: u64,
    compat: impl FnOnce() -> bool,
    read_args: impl FnOnce(bool, bool) -> [u64; MAX_ARGS],
) {
    let cfg = config();
    if cfg.count_seen != 0
        && let Some(s) = stats()
    {
        s.seen += 1;
    }
    let pid_tgid = bpf_get_current_pid_tgid();
    let Some(state) = admit::process_state(pid_tgid) else {
        return;
    };
    // A 32-bit task's numbers are another table's: marked, they match no plan and are
    // traced only with the numbers the table does not know.
    let compat = compat();
    let nr = if compat { nr | COMPAT_NR as u64 } else { nr };
    if let Some(state) = state {
        // SAFETY: the pointer comes from a successful lookup; a racing delete leaves the
        // element readable until the program ends (RCU).
        unsafe {
            if *state == TRACE_FROM_EXEC {
                if nr != nr::EXECVE as u64 && nr != nr::EXECVEAT as u64 {
                    return;
                }
                *state = TRACE_ON;
            }
        }
    }
    let plan = PLANS.get(nr as u32);
    let shown = match plan {
        Some(plan) => plan.flags & PLAN_TRACE != 0,
        None => cfg.trace_unknown != 0,
    };
    // Calls outside the trace set stop here, except exit/exit_group, whose status the
    // process-exit record needs, and with `-P` those that change which descriptors
    // name a traced path (`PLAN_PATH_TRACK`).
    if !shown && !is_exit(nr as u32) && !follows_path_fds(plan) {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return;
    }
    // `--pidns-translation` (frozen: without it the verifier skips this): the task's ids
    // in its own namespace go ahead of its call's records.
    if shown && cfg.ns_fields.known() {
        nsids::announce();
    }
    // `-c` alone needs only the number and the time: no arguments leave the kernel and
    // no call is shown in progress.
    if !cfg.emits_calls() {
        enter_counted(ctx, pid_tgid, nr as u32, shown);
        return;
    }
    let args = read_args(plan.is_some_and(|p| p.flags & PLAN_SIGFRAME != 0), compat);
    let (view_tid, view_tgid) = admit::view_ids(pid_tgid);
    let mut call = InFlight {
        nr: nr as u32,
        tid: view_tid,
        tgid: view_tgid,
        _pad: 0,
        enter_ns: now_ns(),
        args,
        flags: INFLIGHT_ACTIVE | if shown { INFLIGHT_SHOWN } else { 0 },
        retry: 0,
        switched_out_ns: 0,
        off_cpu_ns: 0,
    };
    if shown && let Some(plan) = plan {
        capture_at_entry::<L>(&mut call, plan);
    }
    let tid = pid_tgid as u32;
    // The thread's entry from its previous call is overwritten in place.
    if let Some(slot) = INFLIGHT.get_ptr_mut(tid) {
        // SAFETY: a value of this map, written by this thread's programs only.
        unsafe { *slot = call };
    } else {
        remember(ctx, tid, call);
    }
}

/// `-c` alone: the exit needs the call's number and start time, nothing else (no
/// arguments, no captures). The thread's entry from its previous call is updated field
/// by field, without building a whole `InFlight` on the stack to zero and copy; only a
/// thread's first call inserts one.
#[inline(always)]
fn enter_counted<C: EbpfContext>(ctx: &C, pid_tgid: u64, nr: u32, shown: bool) {
    let flags = INFLIGHT_ACTIVE | if shown { INFLIGHT_SHOWN } else { 0 };
    let tid = pid_tgid as u32;
    if let Some(slot) = INFLIGHT.get_ptr_mut(tid) {
        // SAFETY: a value of this map, written by this thread's programs only (and by
        // `sched_switch` while the thread is off the CPU, not while this runs). Its ids
        // were set by its insertion (an exec that changes them moves the entry) and its
        // arguments and retries stay zero with `-c`.
        unsafe {
            (*slot).nr = nr;
            (*slot).flags = flags;
            // `sched_switch`'s fields (frozen: only with the system time counted).
            // Volatile: LLVM would merge the two stores into a call to a BPF `memset`.
            if config().count_cpu != 0 {
                ptr::write_volatile(&raw mut (*slot).switched_out_ns, 0);
                ptr::write_volatile(&raw mut (*slot).off_cpu_ns, 0);
            }
            // Last: the lookup is not part of the call's time.
            (*slot).enter_ns = now_ns();
        }
        return;
    }
    let (view_tid, view_tgid) = admit::view_ids(pid_tgid);
    let call = InFlight {
        nr,
        tid: view_tid,
        tgid: view_tgid,
        _pad: 0,
        enter_ns: now_ns(),
        args: [0; MAX_ARGS],
        flags,
        retry: 0,
        switched_out_ns: 0,
        off_cpu_ns: 0,
    };
    remember(ctx, tid, call);
}

/// A thread's first call: its `INFLIGHT` entry, kept for the thread's life.
#[inline(always)]
fn remember<C: EbpfContext>(ctx: &C, tid: u32, call: InFlight) {
    if INFLIGHT.insert(tid, call, BPF_ANY as u64).is_err()
        && let Some(s) = stats()
    {
        if s.inflight_full == 0 {
            warn!(ctx, "tracer: in-flight map full; calls are being dropped");
        }
        s.inflight_full += 1;
    }
}

/// Memory that only exists at entry (paths, written buffers, argv) is copied now and
/// sent ahead of the exit record; userspace joins the two by thread. When the call's fate
/// is decided at its exit, entry copies wait for the exit, so that nothing filtered out
/// leaves the kernel; only memory an exec replaces is still copied at entry (the plan's
/// `deferrable` leaves it out). Faulted copies are marked in `call.retry`.
#[inline(always)]
fn capture_at_entry<L: Loops>(call: &mut InFlight, plan: &SyscallPlan) {
    let deferred = if config().decides_at_exit() {
        plan.deferrable
    } else {
        0
    };
    call.retry = deferred;
    let phase = Phase::Enter { deferred };
    let derefs = config().derefs != 0 && deref_selector(plan.flags).is_some();
    // -Y (frozen: without it the verifier skips this): the name of the child a pid
    // argument names, which its waiter may reap before the line is printed. Not when the
    // call's fate waits for its exit: nothing of a filtered call leaves the kernel.
    let child = pid_arg(plan.flags)
        .filter(|_| config().child_fields.known() && !config().decides_at_exit());
    if !derefs && !capture::any(&plan.capture, phase) && child.is_none() {
        return;
    }
    let record = || syscall_record(kind::SYSCALL_ENTER, call, 0, 0);
    if let Some(mut builder) = Builder::new(SCRATCH_ENTER, record) {
        call.retry |= builder.take::<L>(false, deferred);
        if child.is_some() {
            builder.take_child_comm();
        }
        // `-i`: where the call was made (an exec replaces it by the exit).
        if config().ip != 0 {
            builder.ip();
        }
        if !output(builder.finish(), wakeup_flags(call.enter_ns), Lost::Entry) {
            call.flags |= INFLIGHT_ENTRY_LOST;
        }
    }
}

/// A call its task died in (`= ?`), at its exit or the task's: with the entry copies a result
/// filter held back for the exit (strace read them at the entry). The task's memory is
/// still there: `sched_process_exit` comes before the kernel lets go of it.
#[inline(always)]
pub fn emit_cut<L: Loops>(call: &InFlight, wakeup: u64) {
    let record = || syscall_record(kind::SYSCALL, call, 0, RECORD_NO_RETURN);
    if call.retry == 0 || !config().decides_at_exit() {
        if config().ip == 0 {
            emit_syscall(call, 0, RECORD_NO_RETURN, wakeup);
        } else if let Some(mut builder) = Builder::new(SCRATCH_EXIT, record) {
            builder.ip();
            output(builder.finish(), wakeup, Lost::Call);
        }
        return;
    }
    if let Some(mut builder) = Builder::new(SCRATCH_EXIT, record) {
        builder.take::<L>(true, call.retry);
        if config().ip != 0 {
            builder.ip();
        }
        output(builder.finish(), wakeup, Lost::Call);
    }
}

/// `L`: how the captures' loops run ([`Loops`]).
#[inline(always)]
pub fn on_exit<L: Loops>(ret: i64) {
    let tid = bpf_get_current_pid_tgid() as u32;
    // Only traced calls are in INFLIGHT: this lookup is also the untraced fast path.
    let Some(slot) = INFLIGHT.get_ptr_mut(tid) else {
        return;
    };
    // Frozen: `-c` alone, with no `-P` calls to follow outside the trace set.
    let cfg = config();
    if !cfg.emits_calls() && cfg.path_follows_untraced == 0 {
        exit_counted(slot, tid, ret);
        return;
    }
    // SAFETY: a value of this map, written by this thread's programs only (and by
    // `sched_switch`'s time accounting, which this call's own). Read in place, not
    // copied: the exit program's stack and the captures' function's add up.
    let call = unsafe { &*slot };
    finish::<L>(call, ret);
    // Frozen: without calls to follow the verifier skips this.
    if config().path_follows_untraced != 0 {
        follow_untraced(call, ret);
    }
    let flags = call.flags;
    // SAFETY: as above. The call is over.
    unsafe { (*slot).flags = 0 };
    if flags & INFLIGHT_SIGNAL_AFTER != 0 {
        signal::after_call(tid, call.tid, call.tgid);
    }
}

/// `-c` alone: the call's share of the totals, from the few fields of the thread's entry
/// it needs (read in place, not copied out whole). The same decisions as `finish`'s
/// when no call leaves the kernel.
#[inline(always)]
fn exit_counted(slot: *mut InFlight, tid: u32, ret: i64) {
    const COUNTED: u32 = INFLIGHT_ACTIVE | INFLIGHT_SHOWN;
    let cfg = config();
    // SAFETY: a value of this map, written by this thread's programs only.
    let (flags, nr, enter_ns, off_cpu_ns) = unsafe {
        let flags = (*slot).flags;
        (*slot).flags = 0;
        (flags, (*slot).nr, (*slot).enter_ns, (*slot).off_cpu_ns)
    };
    if flags & COUNTED == COUNTED {
        let duration = now_ns().saturating_sub(enter_ns);
        let failed = (-4095..0).contains(&ret);
        if cfg.admits(failed, duration) {
            let cpu = if cfg.count_cpu != 0 {
                duration.saturating_sub(off_cpu_ns)
            } else {
                0
            };
            outcome::count(nr, duration, cpu, failed);
        } else if let Some(s) = stats() {
            s.filtered += 1;
        }
    }
    if flags & INFLIGHT_SIGNAL_AFTER != 0 {
        // SAFETY: as above.
        let (view_tid, view_tgid) = unsafe { ((*slot).tid, (*slot).tgid) };
        signal::after_call(tid, view_tid, view_tgid);
    }
}

/// With `-P` and a trace set that leaves out calls that open or close descriptors (a
/// frozen setting: otherwise the verifier skips this), whether a call outside the trace
/// set is followed for the descriptors it opens or closes.
#[inline(always)]
fn follows_path_fds(plan: Option<&SyscallPlan>) -> bool {
    config().path_follows_untraced != 0 && plan.is_some_and(|p| p.flags & PLAN_PATH_TRACK != 0)
}

/// A call outside the trace set that `-P` follows: its descriptors update `PATH_FDS`.
/// A function of its own (a BPF-to-BPF call), out of `finish`'s code: inline there, it
/// tripled the verifier's work on the exit program even where it is never taken.
#[inline(never)]
fn follow_untraced(call: &InFlight, ret: i64) {
    if call.flags & INFLIGHT_ACTIVE == 0 || call.flags & INFLIGHT_SHOWN != 0 {
        return;
    }
    let plan = PLANS.get(call.nr);
    if follows_path_fds(plan)
        && let Some(plan) = plan
    {
        outcome::path_call(call, ret, plan);
    }
}

/// The call's line, unless a filter or the trace set keeps it out.
#[inline(always)]
fn finish<L: Loops>(call: &InFlight, ret: i64) {
    if call.flags & INFLIGHT_ACTIVE == 0 || call.flags & INFLIGHT_SHOWN == 0 {
        return;
    }
    let cfg = config();
    let now = now_ns();
    let duration = now.saturating_sub(call.enter_ns);
    if cfg.emits_calls() && task::being_killed() {
        // Killed on its way back (`kill(getpid(), SIGKILL)`, a SIGKILL while blocked):
        // the program never sees the result, and strace shows `= ?`.
        if cfg.admits_unfinished(duration) {
            emit_cut::<L>(call, wakeup_flags(now));
        }
        return;
    }
    let failed = (-4095..0).contains(&ret);
    let admitted = cfg.admits(failed, duration);
    // --diagnose sees what the filters hide from the trace.
    let diagnosed = cfg.diagnose_slow_ns != 0
        && cfg.diagnosed(failed, duration, PLANS.get(call.nr).map_or(0, |p| p.flags));
    if !admitted && !diagnosed {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return;
    }
    if admitted && cfg.summary != 0 {
        let cpu = if cfg.count_cpu != 0 {
            duration.saturating_sub(call.off_cpu_ns)
        } else {
            0
        };
        outcome::count(call.nr, duration, cpu, failed);
        if !cfg.emits_calls() {
            return;
        }
    }
    if cfg.diagnose_only != 0 && !diagnosed {
        return;
    }
    let flags = if admitted { 0 } else { RECORD_FILTERED };
    let wakeup = wakeup_flags(now);
    let paths = cfg.path_filtered();
    let Some(plan) = PLANS.get(call.nr) else {
        // No table entry, no path or fd arguments known: never a `-P` call.
        if paths {
            if let Some(s) = stats() {
                s.filtered += 1;
            }
        } else {
            emit_syscall(call, ret, flags, wakeup);
        }
        return;
    };
    // (A call whose plan picks copies behind pointers takes them at exit too: frozen,
    // without any the verifier skips that test.)
    let derefs = cfg.derefs != 0 && deref_selector(plan.flags).is_some();
    let comm = cfg.comm != 0;
    let ip = cfg.ip != 0;
    // `-e kvm=vcpu` (frozen: else the verifier skips it): a vcpu's exit reason.
    let kvm =
        cfg.kvm_vcpu_run != 0 && call.nr == nr::IOCTL && call.args[1] as u32 == KVM_RUN && ret == 0;
    if !paths
        && !comm
        && !ip
        && !kvm
        && call.retry == 0
        && !derefs
        && !capture::any(&plan.capture, Phase::Exit(ret))
    {
        emit_syscall(call, ret, flags, wakeup);
        return;
    }
    let record = || syscall_record(kind::SYSCALL, call, ret, flags);
    let Some(mut builder) = Builder::new(SCRATCH_EXIT, record) else {
        return;
    };
    // -P is decided before the captures, where the verifier has few states to explore;
    // the verdict waits in scratch memory, so the captures are verified once, not once
    // per verdict.
    // (A `chdir` followed for `-y` alone passes: userspace shows none of them.)
    let passes = plan.flags & PLAN_PATH_PASS != 0;
    builder.stash(paths && (passes || outcome::path_call(call, ret, plan)));
    builder.take::<L>(true, call.retry);
    if comm {
        builder.comm();
    }
    if ip {
        builder.ip();
    }
    if kvm {
        builder.kvm_exit(call.args[0]);
    }
    if paths && !builder.stashed() {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return;
    }
    output(builder.finish(), wakeup, Lost::Call);
}
