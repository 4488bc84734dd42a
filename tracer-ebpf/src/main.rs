//! Kernel side of `tracer`.
//!
//! `sys_enter` remembers the call of a traced task (number, arguments, time) in `INFLIGHT`;
//! `sys_exit` joins it with the return value and writes one record to the `EVENTS` ring
//! buffer. Tasks that are not traced leave after one hash lookup. What each syscall needs
//! (in the trace set or not, what memory to copy) comes from `PLANS`, which userspace
//! fills from its syscall table: no syscall is special-cased here. Filters on the result,
//! the duration and `-P` paths apply at exit, before a ring-buffer slot is taken; `-c`
//! totals are counted per CPU in `SUMMARY`. The trace set follows forks through
//! `sched_process_fork` and shrinks in `sched_process_exit`; `signal_deliver` gives the
//! signal lines and `sched_process_exec` the exec of a non-leader thread.
#![no_std]
#![no_main]

mod capture;

use aya_ebpf::{
    EbpfContext,
    bindings::bpf_pidns_info,
    bindings::{BPF_ANY, BPF_RB_AVAIL_DATA, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP},
    helpers::{
        bpf_get_current_pid_tgid, bpf_ktime_get_ns, bpf_probe_read_kernel,
        bpf_probe_read_kernel_buf,
        generated::bpf_probe_read_user_str,
        generated::{bpf_get_current_ancestor_cgroup_id, bpf_get_ns_current_pid_tgid},
    },
    macros::{map, raw_tracepoint, tracepoint},
    maps::{Array, HashMap, PerCpuArray, RingBuf},
    programs::{RawTracePointContext, TracePointContext},
};
use aya_log_ebpf::warn;
use capture::{Builder, Phase, SCRATCH_ENTER, SCRATCH_EXIT};
use tracer_common::{
    HIST_BUCKETS, INFLIGHT_ACTIVE, INFLIGHT_SHOWN, InFlight, MAX_ARGS, MAX_PATH_FILTERS,
    MAX_SYSCALLS, PATH_HASH_BYTES, PATH_HASH_SEED, PLAN_CLOSES_FD, PLAN_FD_ARGS_SHIFT,
    PLAN_PATH_ARG_SHIFT, PLAN_RET_FD, PLAN_SIGFRAME, PLAN_TRACE, RECORD_NO_RETURN, SIGINFO_BYTES,
    SignalRecord, Stats, SyscallPlan, SyscallRecord, SyscallTotals, TaskExitRecord, kind,
    path_hash_finish, path_hash_step, path_word_mask, sigframe_mask, status,
};

/// Set by userspace at load time (`EbpfLoader::override_global`).
#[unsafe(no_mangle)]
static FOLLOW_FORKS: u8 = 0;
/// Offsets of `pid` and `tgid` in `struct task_struct`, from the kernel's BTF.
#[unsafe(no_mangle)]
static TASK_PID_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static TASK_TGID_OFFSET: u32 = 0;
/// Wake the consumer only once this many bytes wait in the ring buffer; below it the
/// consumer finds the records on its next poll tick (a wake-up per record costs ~15 µs).
#[unsafe(no_mangle)]
static WAKEUP_BYTES: u64 = 0;
/// Field offsets in the `sched_process_fork` / `sched_process_exit` tracepoint records,
/// read by userspace from tracefs because they differ between kernel versions.
#[unsafe(no_mangle)]
static FORK_CHILD_PID_OFFSET: u32 = 0;
/// `sched_process_exec`'s `pid` and `old_pid` fields.
#[unsafe(no_mangle)]
static EXEC_PID_OFFSET: u32 = 0;
#[unsafe(no_mangle)]
static EXEC_OLD_PID_OFFSET: u32 = 0;
/// 0 when the kernel's `sched_process_exit` has no `group_dead` field.
#[unsafe(no_mangle)]
static EXIT_GROUP_DEAD_OFFSET: u32 = 0;
/// `-s`: bytes of strings and buffers to copy (one more, to tell truncation).
#[unsafe(no_mangle)]
static STRING_LIMIT: u32 = 32;
/// Non-zero with `--stats`: count every call the syscall programs see. Off by default
/// because it costs untraced processes a per-CPU map update per syscall.
#[unsafe(no_mangle)]
static COUNT_SEEN: u8 = 0;
/// The tracer's pid namespace (device and inode of its nsfs file) when it is not the
/// initial one: ids in records are then translated to it, and `-p`/launched pids, which
/// userspace only knows in its namespace, are registered through `NS_PENDING`.
#[unsafe(no_mangle)]
static PIDNS_DEV: u64 = 0;
#[unsafe(no_mangle)]
static PIDNS_INO: u64 = 0;
/// `-P`: hashes (`tracer_common::path_hash`) of the paths to trace; 0 = unused slot.
/// All zero: no path filter.
#[unsafe(no_mangle)]
static PATH_HASHES: [u64; MAX_PATH_FILTERS] = [0; MAX_PATH_FILTERS];
/// Non-zero when numbers outside the table (e.g. x32 or invalid ones) are traced.
#[unsafe(no_mangle)]
static TRACE_UNKNOWN: u8 = 1;
/// Which outcomes are recorded (`status::*` bits): `-z`, `-Z`, `--status`.
#[unsafe(no_mangle)]
static STATUS_MASK: u8 = status::ALL;
/// `--min-duration`: calls faster than this are dropped at exit (0: keep all).
#[unsafe(no_mangle)]
static MIN_DURATION_NS: u64 = 0;
/// Non-zero when `-c`/`-C`: count per-syscall totals in `SUMMARY`.
#[unsafe(no_mangle)]
static SUMMARY_ON: u8 = 0;
/// `--diagnose`: only failed calls and calls at least this slow leave the kernel (the
/// report needs no other per-call detail; the totals cover the rest). 0: off.
#[unsafe(no_mangle)]
static DIAGNOSE_SLOW_NS: u64 = 0;
/// Non-zero when `-c` alone: nothing but the totals leaves the kernel.
#[unsafe(no_mangle)]
static SUMMARY_ONLY: u8 = 0;
/// `--cgroup`: trace every task whose cgroup is this one (id = inode of the cgroup v2
/// directory) or below it, at this depth; 0 = trace the `TRACED` set.
#[unsafe(no_mangle)]
static CGROUP_ID: u64 = 0;
#[unsafe(no_mangle)]
static CGROUP_LEVEL: u32 = 0;

/// Per syscall number: in the trace set or not, and what to copy.
#[map]
static PLANS: Array<SyscallPlan> = Array::with_max_entries(MAX_SYSCALLS, 0);

/// Traced processes (tgids), plus the tids of tasks forked by them. The value is
/// [`TRACE_ON`], or [`TRACE_FROM_EXEC`] for a command the tracer started: its calls
/// between fork and exec are the tracer's own set-up, which strace does not show either.
#[map]
static TRACED: HashMap<u32, u8> = HashMap::with_max_entries(16384, 0);

/// Processes to trace, by tgid in the tracer's pid namespace, waiting for their next
/// syscall to be moved into `TRACED` under their kernel tgid. Used only in a namespace.
#[map]
static NS_PENDING: HashMap<u32, u8> = HashMap::with_max_entries(1024, 0);

/// `-P`: descriptors that refer to a traced path, by (kernel tgid << 32 | fd).
#[map]
static PATH_FDS: HashMap<u64, u8> = HashMap::with_max_entries(4096, 0);

/// Calls in progress, by tid.
#[map]
static INFLIGHT: HashMap<u32, InFlight> = HashMap::with_max_entries(16384, 0);

/// Records for userspace; its size is set by userspace at load time.
#[map]
static EVENTS: RingBuf = RingBuf::with_byte_size(1 << 24, 0);

#[map]
static STATS: PerCpuArray<Stats> = PerCpuArray::with_max_entries(1, 0);

/// Per-syscall totals for `-c`, by number.
#[map]
static SUMMARY: PerCpuArray<SyscallTotals> = PerCpuArray::with_max_entries(MAX_SYSCALLS, 0);

const TRACE_ON: u8 = 1;
const TRACE_FROM_EXEC: u8 = 2;

const NR_EXECVE: u64 = 59;
const NR_EXECVEAT: u64 = 322;
const NR_EXIT: u32 = 60;
const NR_EXIT_GROUP: u32 = 231;

/// The syscall argument registers of x86_64 `struct pt_regs` (a stable ABI, so no CO-RE
/// is needed) lie in one 64-byte span from r10 (offset 56) to di (offset 112): r10, r9,
/// r8, ax, cx, dx, si, di. One read of the span costs one helper call instead of six.
const PT_REGS_ARGS_SPAN: usize = 56;
/// Index in that span of each argument (di, si, dx, r10, r8, r9).
const PT_REGS_ARG_SLOTS: [usize; MAX_ARGS] = [7, 6, 5, 0, 2, 1];
/// Offset of `sp` in `struct pt_regs`.
const PT_REGS_SP: usize = 152;

#[inline(always)]
fn global<T: Copy>(v: &'static T) -> T {
    // SAFETY: the globals live in .rodata, which the loader fills in before the program
    // runs; the volatile read keeps the compiler from folding in the zero initialiser.
    unsafe { core::ptr::read_volatile(v) }
}

#[inline(always)]
fn now_ns() -> u64 {
    // SAFETY: the helper takes no arguments and has no preconditions.
    unsafe { bpf_ktime_get_ns() }
}

#[inline(always)]
fn stats() -> Option<&'static mut Stats> {
    // SAFETY: per-CPU slot; programs on one CPU do not preempt each other mid-update in a
    // way that matters for counters that are only ever incremented.
    STATS.get_ptr_mut(0).map(|p| unsafe { &mut *p })
}

#[inline(always)]
fn wakeup_flags() -> u64 {
    if EVENTS.query(BPF_RB_AVAIL_DATA as u64) >= global(&WAKEUP_BYTES) {
        BPF_RB_FORCE_WAKEUP as u64
    } else {
        BPF_RB_NO_WAKEUP as u64
    }
}

/// Entry of every syscall (broad trace sets).
#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn tracer_sys_enter(ctx: RawTracePointContext) -> i32 {
    let nr: u64 = ctx.arg(1);
    let regs: *const u8 = ctx.arg(0);
    let _ = on_enter(&ctx, nr, |frame| {
        // SAFETY: `regs` is the tracepoint's `struct pt_regs *`; the helper checks the
        // reads.
        let span = unsafe { bpf_probe_read_kernel(regs.add(PT_REGS_ARGS_SPAN).cast::<[u64; 8]>()) }
            .unwrap_or([0; 8]);
        let mut args = PT_REGS_ARG_SLOTS.map(|slot| span[slot]);
        if frame {
            let sp = unsafe { bpf_probe_read_kernel(regs.add(PT_REGS_SP).cast::<u64>()) };
            args[0] = sigframe_mask(sp.unwrap_or(0));
        }
        args
    });
    0
}

/// Entry of one syscall (`syscalls:sys_enter_NAME`, narrow trace sets): the record has
/// `__syscall_nr` at offset 8 and the arguments from offset 16, a stable layout.
#[tracepoint]
pub fn tracer_enter_tp(ctx: TracePointContext) -> u32 {
    // SAFETY: offsets inside the tracepoint record; the helper checks the reads.
    let nr = unsafe { ctx.read_at::<i32>(8) }.unwrap_or(-1) as u64;
    // No registers here: the loader attaches raw tracepoints for a trace set that
    // needs them (`PLAN_SIGFRAME`).
    let _ = on_enter(&ctx, nr, |_frame| {
        // One read, not one per argument: each read's failure branch would double the
        // paths older verifiers walk (syscalls with fewer arguments read padding).
        // SAFETY: as above.
        unsafe { ctx.read_at::<[u64; MAX_ARGS]>(16) }.unwrap_or([0; MAX_ARGS])
    });
    0
}

#[inline(always)]
fn on_enter<C: EbpfContext>(
    ctx: &C,
    nr: u64,
    read_args: impl FnOnce(bool) -> [u64; MAX_ARGS],
) -> Result<(), i64> {
    if global(&COUNT_SEEN) != 0
        && let Some(s) = stats()
    {
        s.seen += 1;
    }
    let pid_tgid = bpf_get_current_pid_tgid();
    let tgid = (pid_tgid >> 32) as u32;
    if global(&CGROUP_ID) != 0 {
        if !in_cgroup() {
            return Ok(());
        }
    } else {
        let Some(state) = TRACED.get_ptr_mut(tgid).or_else(|| adopt_pending(pid_tgid)) else {
            return Ok(());
        };
        // SAFETY: the pointer comes from a successful lookup; a racing delete leaves the
        // element readable until the program ends (RCU).
        unsafe {
            if *state == TRACE_FROM_EXEC {
                if nr != NR_EXECVE && nr != NR_EXECVEAT {
                    return Ok(());
                }
                *state = TRACE_ON;
            }
        }
    }
    let plan = PLANS.get(nr as u32);
    let shown = match plan {
        Some(plan) => plan.flags & PLAN_TRACE != 0,
        None => global(&TRACE_UNKNOWN) != 0,
    };
    // Calls outside the trace set stop here, except exit/exit_group, whose status the
    // process-exit record needs.
    if !shown && nr != NR_EXIT_GROUP as u64 && nr != NR_EXIT as u64 {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return Ok(());
    }
    let tid = pid_tgid as u32;
    // `-c` alone needs only the number and the time: no arguments leave the kernel and
    // no call is shown in progress.
    let args = if global(&SUMMARY_ONLY) != 0 {
        [0; MAX_ARGS]
    } else {
        read_args(plan.is_some_and(|p| p.flags & PLAN_SIGFRAME != 0))
    };
    let (view_tid, view_tgid) = view_ids(pid_tgid);
    let mut call = InFlight {
        nr: nr as u32,
        tid: view_tid,
        tgid: view_tgid,
        _pad: 0,
        enter_ns: now_ns(),
        args,
        flags: INFLIGHT_ACTIVE | if shown { INFLIGHT_SHOWN } else { 0 },
        retry: 0,
    };
    // Memory that only exists at entry (paths, written buffers, argv) is copied now and
    // sent ahead of the exit record; userspace joins the two by thread.
    // With a filter on the result (-z, -Z, --min-duration) entry copies wait for the
    // exit, so that nothing filtered out leaves the kernel; only memory an exec replaces
    // (argv) is still copied at entry. With -c alone nothing is copied at all.
    let defer = exit_filtered();
    if shown
        && global(&SUMMARY_ONLY) == 0
        && let Some(plan) = plan
    {
        let deferred = if defer { plan.deferrable } else { 0 };
        call.retry = deferred;
        let phase = Phase::Enter { deferred };
        if capture::any(&plan.capture, phase) {
            let record = syscall_record(kind::SYSCALL_ENTER, &call, 0, 0);
            if let Some(mut builder) = Builder::new(SCRATCH_ENTER, &record) {
                call.retry |=
                    builder.capture_all(&plan.capture, phase, &call.args, string_limit(), 0);
                output(builder.finish(), wakeup_flags());
            }
        }
    }
    // The thread's entry from its previous call is overwritten in place.
    if let Some(slot) = INFLIGHT.get_ptr_mut(tid) {
        // SAFETY: a value of this map, written by this thread's programs only.
        unsafe { *slot = call };
    } else if INFLIGHT.insert(tid, call, BPF_ANY as u64).is_err()
        && let Some(s) = stats()
    {
        if s.inflight_full == 0 {
            warn!(ctx, "tracer: in-flight map full; calls are being dropped");
        }
        s.inflight_full += 1;
    }
    Ok(())
}

#[inline(always)]
fn string_limit() -> usize {
    global(&STRING_LIMIT) as usize
}

/// Whether `-P` is on.
#[inline(always)]
pub fn path_filtered() -> bool {
    global(&PATH_HASHES)[0] != 0
}

/// Whether `hash` is one of the `-P` paths.
#[inline(always)]
pub fn path_matches(hash: u64) -> bool {
    let hashes = global(&PATH_HASHES);
    hashes[0] == hash || hashes[1] == hash || hashes[2] == hash || hashes[3] == hash
}

/// Room for the first bytes of a path argument, for `-P`'s hash.
#[repr(C)]
pub struct PathBuf {
    bytes: [u8; PATH_HASH_BYTES + 8],
}

#[map]
static PATH_BUF: PerCpuArray<PathBuf> = PerCpuArray::with_max_entries(1, 0);

/// `-P` for the path argument of a call (userspace marks it in the plan's flags):
/// whether it is a traced path.
#[inline(always)]
fn path_arg_matches(call: &InFlight, plan: &SyscallPlan) -> bool {
    let arg = (plan.flags >> PLAN_PATH_ARG_SHIFT & 7) as u64;
    if arg == 0 {
        return false;
    }
    // The argument, picked without a branch per candidate (a variable index into the
    // stack copy is not verifiable): `hit` is all ones for the one wanted.
    let mut src = 0u64;
    let mut i = 0;
    while i < MAX_ARGS {
        let hit = ((i as u64 + 1) ^ arg).wrapping_sub(1) >> 63;
        src |= call.args[i] & hit.wrapping_neg();
        i += 1;
    }
    let Some(buf) = PATH_BUF.get_ptr_mut(0) else {
        return false;
    };
    // SAFETY: a per-CPU buffer of PATH_HASH_BYTES + 8 bytes; the helper bounds the copy.
    let (buf, n) = unsafe {
        let buf = (*buf).bytes.as_mut_ptr();
        let src = src as *const core::ffi::c_void;
        (
            buf,
            bpf_probe_read_user_str(buf.cast(), (PATH_HASH_BYTES + 1) as u32, src),
        )
    };
    if n <= 0 {
        return false;
    }
    let len = (n - 1) as usize;
    // Longer paths: their full length is not known here; hash what was read and treat
    // the length as the prefix's, which never equals a traced path's longer hash input.
    let mut h = PATH_HASH_SEED;
    let mut w = 0;
    while w < PATH_HASH_BYTES / 8 {
        // SAFETY: w < PATH_HASH_BYTES / 8: inside the buffer (8-byte aligned, a map
        // value).
        let word = unsafe { *(buf.add(8 * w) as *const u64) };
        h = path_hash_step(h, word & path_word_mask(w, len));
        w += 1;
    }
    path_matches(path_hash_finish(h, len))
}

/// `-P` for the fd arguments of a call: whether one refers to a traced path.
#[inline(always)]
fn fd_arg_matches(tgid: u32, flags: u32, args: &[u64; MAX_ARGS]) -> bool {
    let mut i = 0;
    while i < MAX_ARGS {
        if flags >> PLAN_FD_ARGS_SHIFT & (1 << i) != 0 {
            let key = (tgid as u64) << 32 | (args[i] as u32) as u64;
            // SAFETY: presence test only.
            if unsafe { PATH_FDS.get(key) }.is_some() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Whether a call's fate is only known at its exit (result or duration filters).
#[inline(always)]
fn exit_filtered() -> bool {
    global(&STATUS_MASK) & (status::SUCCESSFUL | status::FAILED)
        != (status::SUCCESSFUL | status::FAILED)
        || global(&MIN_DURATION_NS) != 0
        || global(&DIAGNOSE_SLOW_NS) != 0
        || path_filtered()
}

/// The current task's (tid, tgid) in the tracer's pid namespace.
#[inline(always)]
fn view_ids(pid_tgid: u64) -> (u32, u32) {
    let ino = global(&PIDNS_INO);
    if ino != 0 {
        let mut ns = bpf_pidns_info { pid: 0, tgid: 0 };
        // SAFETY: `ns` is a valid, writable struct of the size passed.
        let rc = unsafe {
            bpf_get_ns_current_pid_tgid(
                global(&PIDNS_DEV),
                ino,
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

/// In a pid namespace: moves the current process from `NS_PENDING` (keyed by its id in
/// the tracer's namespace) into `TRACED` (keyed by its kernel tgid).
#[inline(always)]
fn adopt_pending(pid_tgid: u64) -> Option<*mut u8> {
    if global(&PIDNS_INO) == 0 {
        return None;
    }
    let (_, view_tgid) = view_ids(pid_tgid);
    // SAFETY: the value is copied out before the entry is removed.
    let state = *unsafe { NS_PENDING.get(view_tgid) }?;
    let tgid = (pid_tgid >> 32) as u32;
    TRACED.insert(tgid, state, BPF_ANY as u64).ok()?;
    let _ = NS_PENDING.remove(view_tgid);
    TRACED.get_ptr_mut(tgid)
}

/// Whether the current task is in the `--cgroup` subtree.
#[inline(always)]
fn in_cgroup() -> bool {
    // SAFETY: the helper takes a level and has no other preconditions.
    let id = unsafe { bpf_get_current_ancestor_cgroup_id(global(&CGROUP_LEVEL) as i32) };
    id == global(&CGROUP_ID)
}

/// Adds a finished call to the `-c` totals.
#[inline(always)]
fn count(nr: u32, duration: u64, failed: bool) {
    let Some(totals) = SUMMARY.get_ptr_mut(nr) else {
        return;
    };
    // SAFETY: per-CPU value; only this CPU's programs update it.
    let t = unsafe { &mut *totals };
    t.calls += 1;
    t.errors += failed as u64;
    t.total_ns += duration;
    if duration > t.max_ns {
        t.max_ns = duration;
    }
    let bucket = log2_bucket(duration);
    if bucket < HIST_BUCKETS {
        t.hist[bucket] += 1;
    }
}

/// Number of significant bits of `v` (0 for 0), without a count-leading-zeros
/// instruction, which BPF lacks.
#[inline(always)]
fn log2_bucket(mut v: u64) -> usize {
    let mut bits = 0;
    for shift in [32, 16, 8, 4, 2, 1] {
        if v >> shift != 0 {
            v >>= shift;
            bits += shift;
        }
    }
    bits + v as usize
}

#[inline(always)]
fn syscall_record(kind: u32, call: &InFlight, ret: i64, flags: u16) -> SyscallRecord {
    SyscallRecord {
        kind,
        tid: call.tid,
        tgid: call.tgid,
        nr: call.nr,
        enter_ns: call.enter_ns,
        exit_ns: now_ns(),
        args: call.args,
        ret,
        ncaptures: 0,
        flags,
        _pad: [0; 4],
    }
}

#[inline(always)]
fn output(bytes: &[u8], wakeup: u64) {
    let ok = EVENTS.output::<[u8]>(bytes, wakeup).is_ok();
    if let Some(s) = stats() {
        if ok {
            s.emitted += 1;
        } else {
            s.lost += 1;
        }
    }
}

/// Exit of every syscall (broad trace sets).
#[raw_tracepoint(tracepoint = "sys_exit")]
pub fn tracer_sys_exit(ctx: RawTracePointContext) -> i32 {
    let ret: i64 = ctx.arg(1);
    on_exit(ret);
    0
}

/// Exit of one syscall (`syscalls:sys_exit_NAME`): `ret` at offset 16.
#[tracepoint]
pub fn tracer_exit_tp(ctx: TracePointContext) -> u32 {
    // SAFETY: offset inside the tracepoint record; the helper checks the read.
    if let Ok(ret) = unsafe { ctx.read_at::<i64>(16) } {
        on_exit(ret);
    }
    0
}

#[inline(always)]
fn on_exit(ret: i64) {
    let tid = bpf_get_current_pid_tgid() as u32;
    // Only traced calls are in INFLIGHT: this lookup is also the untraced fast path.
    // SAFETY: the entry is copied out before it is removed.
    let Some(slot) = INFLIGHT.get_ptr_mut(tid) else {
        return;
    };
    // SAFETY: a value of this map, written by this thread's programs only.
    let call = unsafe {
        let call = *slot;
        (*slot).flags = 0;
        call
    };
    if call.flags & INFLIGHT_ACTIVE == 0 || call.flags & INFLIGHT_SHOWN == 0 {
        return;
    }
    let failed = (-4095..0).contains(&ret);
    let duration = now_ns().saturating_sub(call.enter_ns);
    let outcome = if failed {
        status::FAILED
    } else {
        status::SUCCESSFUL
    };
    if global(&STATUS_MASK) & outcome == 0 || duration < global(&MIN_DURATION_NS) {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return;
    }
    if global(&SUMMARY_ON) != 0 {
        count(call.nr, duration, failed);
        if global(&SUMMARY_ONLY) != 0 {
            return;
        }
    }
    let slow = global(&DIAGNOSE_SLOW_NS);
    if slow != 0 && !failed && duration < slow {
        return;
    }
    let wakeup = wakeup_flags();
    let Some(plan) = PLANS.get(call.nr) else {
        emit_syscall(&call, ret, 0, wakeup);
        return;
    };
    let paths = path_filtered();
    if !paths && call.retry == 0 && !capture::any(&plan.capture, Phase::Exit(ret)) {
        emit_syscall(&call, ret, 0, wakeup);
        return;
    }
    let record = syscall_record(kind::SYSCALL, &call, ret, 0);
    let Some(mut builder) = Builder::new(SCRATCH_EXIT, &record) else {
        return;
    };
    // -P is decided before the captures, where the verifier has few states to explore;
    // the verdict waits in scratch memory, so the captures are verified once, not once
    // per verdict.
    builder.stash(paths && path_call(&call, ret, plan));
    builder.capture_all(
        &plan.capture,
        Phase::Exit(ret),
        &call.args,
        string_limit(),
        call.retry,
    );
    if paths && !builder.stashed() {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return;
    }
    output(builder.finish(), wakeup);
}

/// `-P`: whether the call touches a traced path (a path argument, or an fd argument that
/// refers to one); fds it opens on such a path, or closes, update `PATH_FDS`.
#[inline(always)]
fn path_call(call: &InFlight, ret: i64, plan: &SyscallPlan) -> bool {
    let flags = plan.flags;
    let tgid = (bpf_get_current_pid_tgid() >> 32) as u32;
    if !path_arg_matches(call, plan) && !fd_arg_matches(tgid, flags, &call.args) {
        return false;
    }
    if flags & PLAN_RET_FD != 0 && ret >= 0 {
        let _ = PATH_FDS.insert((tgid as u64) << 32 | ret as u64, 1, BPF_ANY as u64);
    }
    if flags & PLAN_CLOSES_FD != 0 {
        let _ = PATH_FDS.remove((tgid as u64) << 32 | (call.args[0] as u32) as u64);
    }
    true
}

/// A record without captures, written in place in the ring buffer.
#[inline(always)]
fn emit_syscall(call: &InFlight, ret: i64, flags: u16, wakeup: u64) {
    match EVENTS.reserve::<SyscallRecord>(0) {
        Some(mut slot) => {
            slot.write(syscall_record(kind::SYSCALL, call, ret, flags));
            slot.submit(wakeup);
            if let Some(s) = stats() {
                s.emitted += 1;
            }
        }
        None => {
            if let Some(s) = stats() {
                s.lost += 1;
            }
        }
    }
}

/// A signal being delivered (`signal_deliver(sig, info, ka)`), shown as strace's
/// `--- SIGCHLD {si_signo=...} ---`. Runs in the receiving task.
#[raw_tracepoint(tracepoint = "signal_deliver")]
pub fn tracer_signal(ctx: RawTracePointContext) -> i32 {
    let pid_tgid = bpf_get_current_pid_tgid();
    if !task_traced(pid_tgid) {
        return 0;
    }
    let (tid, tgid) = view_ids(pid_tgid);
    emit_signal(tid, tgid, ctx.arg(1));
    0
}

/// A signal discarded as soon as it was sent because its target ignores it (SIGCHLD or
/// SIGWINCH left to their default action): `signal_deliver` never sees it, but a ptraced
/// task is sent every signal, so strace shows it. Runs in the sender; the target's ids
/// come from its `task_struct`, at offsets userspace read from BTF. Not attached in a pid
/// namespace (the ids would be the kernel's).
#[raw_tracepoint(tracepoint = "signal_generate")]
pub fn tracer_signal_ignored(ctx: RawTracePointContext) -> i32 {
    /// `TRACE_SIGNAL_IGNORED`, the tracepoint's `result`.
    const IGNORED: u32 = 1;
    let result: u64 = ctx.arg(4);
    if result as u32 != IGNORED {
        return 0;
    }
    let task: *const u8 = ctx.arg(2);
    let id = |offset: u32| {
        // SAFETY: a field of the tracepoint's `struct task_struct *`; the helper checks
        // the read.
        unsafe { bpf_probe_read_kernel(task.wrapping_add(offset as usize).cast::<u32>()) }
            .unwrap_or(0)
    };
    let (tid, tgid) = (id(global(&TASK_PID_OFFSET)), id(global(&TASK_TGID_OFFSET)));
    // SAFETY: a presence test.
    if tgid != 0 && unsafe { TRACED.get(tgid) }.is_some() {
        emit_signal(tid, tgid, ctx.arg(1));
    }
    0
}

/// Writes a signal record for task `tid` of process `tgid` from the kernel siginfo at
/// `info`.
#[inline(always)]
fn emit_signal(tid: u32, tgid: u32, info: *const u8) {
    // No siginfo (SEND_SIG_NOINFO/PRIV): the kernel's own SIGKILL of a dying thread group,
    // which no tracee sees as a delivered signal (strace shows none either).
    if (info as usize) < 2 {
        return;
    }
    let Some(mut slot) = EVENTS.reserve::<SignalRecord>(0) else {
        if let Some(s) = stats() {
            s.lost += 1;
        }
        return;
    };
    let mut siginfo = [0u8; SIGINFO_BYTES];
    // SAFETY: `info` is the kernel_siginfo being delivered; the helper checks the read.
    let _ = unsafe { bpf_probe_read_kernel_buf(info, &mut siginfo) };
    slot.write(SignalRecord {
        kind: kind::SIGNAL,
        tid,
        tgid,
        _pad: 0,
        ns: now_ns(),
        siginfo,
    });
    slot.submit(wakeup_flags());
}

/// Whether the current task is traced (by pid set or cgroup).
#[inline(always)]
fn task_traced(pid_tgid: u64) -> bool {
    if global(&CGROUP_ID) != 0 {
        return in_cgroup();
    }
    let (tid, tgid) = (pid_tgid as u32, (pid_tgid >> 32) as u32);
    // SAFETY: presence tests only.
    unsafe { TRACED.get(tgid).is_some() || TRACED.get(tid).is_some() }
}

/// An exec in a thread other than the leader: the thread takes over the leader's id
/// before its execve returns, so its call in progress moves to the new id.
#[tracepoint(category = "sched", name = "sched_process_exec")]
pub fn tracer_exec(ctx: TracePointContext) -> u32 {
    // SAFETY: offsets read from this kernel's tracepoint format by userspace.
    let ids = unsafe {
        (
            ctx.read_at::<i32>(global(&EXEC_PID_OFFSET) as usize),
            ctx.read_at::<i32>(global(&EXEC_OLD_PID_OFFSET) as usize),
        )
    };
    if let (Ok(pid), Ok(old)) = ids
        && pid != old
        && let Some(mut call) = unsafe { INFLIGHT.get(old as u32) }.copied()
    {
        // From here on the thread is the process's leader: its tid is the process id.
        call.tid = call.tgid;
        let _ = INFLIGHT.insert(pid as u32, call, BPF_ANY as u64);
        let _ = INFLIGHT.remove(old as u32);
    }
    0
}

#[tracepoint(category = "sched", name = "sched_process_fork")]
pub fn tracer_fork(ctx: TracePointContext) -> u32 {
    let _ = try_fork(&ctx);
    0
}

fn try_fork(ctx: &TracePointContext) -> Result<(), i64> {
    if global(&FOLLOW_FORKS) == 0 {
        return Ok(());
    }
    // The tracepoint fires in the parent, before the child first runs, so the child's
    // first syscall is already traced.
    let parent = (bpf_get_current_pid_tgid() >> 32) as u32;
    // SAFETY: presence test only.
    if unsafe { TRACED.get(parent) }.is_none() {
        return Ok(());
    }
    // SAFETY: offset read from this kernel's tracepoint format by userspace.
    let child: i32 = unsafe { ctx.read_at(global(&FORK_CHILD_PID_OFFSET) as usize)? };
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
    if global(&PIDNS_INO) == 0
        && let Some(mut slot) = EVENTS.reserve::<TaskExitRecord>(0)
    {
        let parent_tid = bpf_get_current_pid_tgid() as u32;
        slot.write(TaskExitRecord {
            kind: kind::TASK_FORK,
            tid: child as u32,
            tgid: 0,
            group_dead: parent_tid,
            ns: now_ns(),
            exit_code: 0,
        });
        slot.submit(wakeup_flags());
    }
    Ok(())
}

#[tracepoint(category = "sched", name = "sched_process_exit")]
pub fn tracer_exit(ctx: TracePointContext) -> u32 {
    let _ = try_exit(&ctx);
    0
}

fn try_exit(ctx: &TracePointContext) -> Result<(), i64> {
    let pid_tgid = bpf_get_current_pid_tgid();
    let tgid = (pid_tgid >> 32) as u32;
    let tid = pid_tgid as u32;
    if !task_traced(pid_tgid) {
        return Ok(());
    }
    // A task that leaves through exit/exit_group (or is killed while blocked) is still
    // inside that call: report it as one that never returned, as strace prints `= ?`.
    // SAFETY: copied out before removal.
    let mut exit_code = u64::MAX;
    let in_call = unsafe { INFLIGHT.get(tid) }.copied();
    // The thread's entry goes with it, whether or not it is inside a call.
    let _ = INFLIGHT.remove(tid);
    if let Some(call) = in_call.filter(|c| c.flags & INFLIGHT_ACTIVE != 0) {
        if call.nr == NR_EXIT_GROUP || call.nr == NR_EXIT {
            exit_code = call.args[0] & 0xff;
        }
        if call.flags & INFLIGHT_SHOWN != 0 {
            if global(&SUMMARY_ON) != 0 {
                count(call.nr, now_ns().saturating_sub(call.enter_ns), false);
            }
            let duration = now_ns().saturating_sub(call.enter_ns);
            // An exit never touches a -P path.
            if global(&STATUS_MASK) & status::UNFINISHED != 0
                && global(&SUMMARY_ONLY) == 0
                && !path_filtered()
                && duration >= global(&MIN_DURATION_NS)
            {
                emit_syscall(&call, 0, RECORD_NO_RETURN, BPF_RB_NO_WAKEUP as u64);
            }
        }
    }
    let group_dead_offset = global(&EXIT_GROUP_DEAD_OFFSET);
    let group_dead = if group_dead_offset != 0 {
        // SAFETY: offset from this kernel's tracepoint format.
        unsafe { ctx.read_at::<u8>(group_dead_offset as usize)? != 0 }
    } else {
        tid == tgid
    };
    match EVENTS.reserve::<TaskExitRecord>(0) {
        Some(mut slot) => {
            let (view_tid, view_tgid) = view_ids(pid_tgid);
            slot.write(TaskExitRecord {
                kind: kind::TASK_EXIT,
                tid: view_tid,
                tgid: view_tgid,
                group_dead: group_dead as u32,
                ns: now_ns(),
                exit_code,
            });
            // Exits are rare and end a process's output: deliver them promptly.
            slot.submit(BPF_RB_FORCE_WAKEUP as u64);
        }
        None => {
            if let Some(s) = stats() {
                s.lost += 1;
            }
        }
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

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    loop {}
}

#[unsafe(link_section = "license")]
#[unsafe(no_mangle)]
static LICENSE: [u8; 13] = *b"Dual MIT/GPL\0";
