//! Kernel side of `tracer`: the programs' entry points, each a thin wrapper.
//!
//! `sys_enter` remembers the call of a traced task (number, arguments, time) in `INFLIGHT`;
//! `sys_exit` joins it with the return value and writes one record to the `EVENTS` ring
//! buffer (`syscall`); for narrow trace sets, fentry/fexit programs on the syscall
//! functions do the same where the kernel allows BPF trampolines. Tasks that are not traced leave after one hash lookup (`admit`).
//! What each syscall needs (in the trace set or not, what memory to copy) comes from
//! `PLANS`, which userspace fills from its syscall table: no syscall is special-cased
//! here (`capture`). Filters on the result, the duration and `-P` paths apply at exit,
//! before a ring-buffer slot is taken; `-c` totals are counted per CPU in `SUMMARY`
//! (`outcome`), their system CPU time measured with `sched_switch` (`cputime`). The
//! trace set follows forks through `sched_process_fork` and shrinks in
//! `sched_process_exit` (`task`); `signal_deliver`, `signal_generate` and the exits give
//! the signal lines (`signal`); the io_uring tracepoints give io_uring operations'
//! lines (`uring`). Every setting comes from one global written by userspace
//! (`config`).
#![no_std]
#![no_main]

mod admit;
mod capture;
mod config;
mod cputime;
mod emit;
mod fdfacts;
mod maps;
mod nsids;
mod outcome;
mod signal;
mod syscall;
mod task;
mod uring;

use core::ptr;

use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_task, bpf_probe_read_kernel,
        generated::bpf_get_current_task_btf,
    },
    macros::{fentry, fexit, raw_tracepoint, tracepoint},
    programs::{FEntryContext, FExitContext, RawTracePointContext, TracePointContext},
};
use tracer_common::{
    COMPAT_TASK_FLAG, MAX_ARGS, PT_REGS_ARG_SLOTS, PT_REGS_ARGS_SPAN, PT_REGS_COMPAT,
    PT_REGS_COMPAT_ARG_SLOTS, PT_REGS_NR, PT_REGS_SP, PT_REGS_SPAN_WORDS, sigframe_mask,
};

use crate::{
    capture::{EntryHelper, ExitHelper, Loops, Unrolled},
    config::config,
};

/// Entry of every syscall (broad trace sets).
#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn tracer_sys_enter(ctx: RawTracePointContext) -> i32 {
    sys_enter::<Unrolled>(&ctx);
    0
}

/// `tracer_sys_enter` with its loops run by `bpf_loop` (5.17+): far less for the
/// verifier to walk. The loader picks it where the kernel has the helper.
#[raw_tracepoint(tracepoint = "sys_enter")]
pub fn tracer_sys_enter_loops(ctx: RawTracePointContext) -> i32 {
    sys_enter::<EntryHelper>(&ctx);
    0
}

#[inline(always)]
fn sys_enter<L: Loops>(ctx: &RawTracePointContext) {
    let nr: u64 = ctx.arg(1);
    let regs: *const u8 = ctx.arg(0);
    let compat = || compat_call::<L>(regs);
    syscall::on_enter::<L, _>(ctx, nr, compat, |frame, compat| {
        regs_args(regs, frame, compat)
    });
}

/// Entry of one syscall function (`__x64_sys_NAME(const struct pt_regs *)`, narrow trace
/// sets where the kernel allows BPF trampolines): only calls of the functions it is
/// attached to run it, and no other task is moved to the slow syscall path, as any
/// syscall tracepoint moves every task. Loaded once per function by userspace; the
/// number is the call's own (`orig_ax`). 32-bit calls mostly go through other functions
/// (`__ia32_sys_*`), but a no-argument syscall's body (`__do_sys_getppid`, attached where
/// BTF has no `__x64_sys_getppid`) is entered by both: told apart as at `sys_enter`.
#[fentry]
pub fn tracer_fentry(ctx: FEntryContext) -> i32 {
    fentry::<Unrolled>(&ctx);
    0
}

/// `tracer_fentry` with its loops run by `bpf_loop` (5.17+, as `tracer_sys_enter_loops`).
#[fentry]
pub fn tracer_fentry_loops(ctx: FEntryContext) -> i32 {
    fentry::<EntryHelper>(&ctx);
    0
}

#[inline(always)]
fn fentry<L: Loops>(ctx: &FEntryContext) {
    let regs: *const u8 = ctx.arg(0);
    // SAFETY: a field of the function's `struct pt_regs *`; the helper checks the read.
    let nr = unsafe { bpf_probe_read_kernel(regs.wrapping_add(PT_REGS_NR).cast::<u32>()) };
    if let Ok(nr) = nr {
        let compat = || compat_call::<L>(regs);
        syscall::on_enter::<L, _>(ctx, nr as u64, compat, |frame, compat| {
            regs_args(regs, frame, compat)
        });
    }
}

/// Return of one syscall function: its result follows its one argument.
#[fexit]
pub fn tracer_fexit(ctx: FExitContext) -> i32 {
    syscall::on_exit::<Unrolled>(ctx.arg(1));
    0
}

/// `tracer_fexit` with its loops run by `bpf_loop` (5.17+, as `tracer_sys_exit_loops`).
#[fexit]
pub fn tracer_fexit_loops(ctx: FExitContext) -> i32 {
    syscall::on_exit::<ExitHelper>(ctx.arg(1));
    0
}

/// A call's arguments from its registers (`regs`, the `struct pt_regs *` of the call),
/// of the 64-bit or the 32-bit calling convention; `frame` puts the signal frame's mask
/// in argument 0 (`PLAN_SIGFRAME`).
#[inline(always)]
fn regs_args(regs: *const u8, frame: bool, compat: bool) -> [u64; MAX_ARGS] {
    // SAFETY: `regs` is the call's `struct pt_regs *`; the helper checks the reads.
    let span = unsafe {
        bpf_probe_read_kernel(
            regs.wrapping_add(PT_REGS_ARGS_SPAN)
                .cast::<[u64; PT_REGS_SPAN_WORDS]>(),
        )
    }
    .unwrap_or([0; PT_REGS_SPAN_WORDS]);
    // Constant indexes either way: the verifier sees fixed stack slots.
    let mut args = if compat {
        PT_REGS_COMPAT_ARG_SLOTS.map(|slot| span[slot])
    } else {
        PT_REGS_ARG_SLOTS.map(|slot| span[slot])
    };
    if frame {
        // SAFETY: as above.
        let sp = unsafe { bpf_probe_read_kernel(regs.wrapping_add(PT_REGS_SP).cast::<u64>()) };
        args[0] = sigframe_mask(sp.unwrap_or(0));
    }
    args
}

/// Whether the call being entered came through the 32-bit (compat) entry: the
/// architecture's flag in the task where BTF gave its offset, else its registers. A
/// failed read says no.
#[inline(always)]
fn compat_call<L: Loops>(regs: *const u8) -> bool {
    let offset = config().compat_task_offset as usize;
    match COMPAT_TASK_FLAG {
        // The twins the loader picks on 5.17+ (`bpf_loop`) have `bpf_get_current_task_btf`
        // (5.11+): a typed pointer the program loads from directly (the offset a frozen
        // setting, so the verifier checks it against BTF), where a `bpf_probe_read_kernel`
        // costs every traced call a helper call and a fault-safe copy.
        Some(flag) if offset != 0 && L::HELPER.is_some() => {
            // SAFETY: the current task, valid while the program runs; a field of it at an
            // offset BTF gave (the verifier checks the load).
            let word = unsafe {
                let task = bpf_get_current_task_btf() as *const u8;
                ptr::read_volatile(task.add(offset).cast::<u32>())
            };
            word & flag.mask != 0
        }
        Some(flag) if offset != 0 => {
            // SAFETY: the helper takes no arguments; the task is only read through
            // bpf_probe_read_kernel, which checks the read, at an offset from BTF.
            let word = unsafe {
                let task = bpf_get_current_task() as *const u8;
                bpf_probe_read_kernel(task.wrapping_add(offset).cast::<u32>())
            };
            word.unwrap_or(0) & flag.mask != 0
        }
        _ => {
            // SAFETY: a field of the tracepoint's `struct pt_regs *`; the helper checks
            // the read.
            let word = unsafe {
                bpf_probe_read_kernel(regs.wrapping_add(PT_REGS_COMPAT.offset).cast::<u64>())
            };
            PT_REGS_COMPAT.holds(word.unwrap_or(0))
        }
    }
}

/// Entry of one syscall (`syscalls:sys_enter_NAME`, narrow trace sets): the record has
/// `__syscall_nr` at offset 8 and the arguments from offset 16, a stable layout.
#[tracepoint]
pub fn tracer_enter_tp(ctx: TracePointContext) -> u32 {
    // SAFETY: offsets inside the tracepoint record; the helper checks the reads.
    let nr = unsafe { ctx.read_at::<i32>(8) }.unwrap_or(-1) as u64;
    // No registers here: the loader attaches raw tracepoints for a trace set that
    // needs them (`PLAN_SIGFRAME`). The kernel does not fire these tracepoints for
    // 32-bit (compat) calls (`ARCH_TRACE_IGNORE_COMPAT_SYSCALLS` on x86_64 and arm64).
    // Not twinned: its frame and a `bpf_loop` callback's would not fit together in the
    // verifier's 512 bytes (narrow trace sets only, where loops are rare).
    syscall::on_enter::<Unrolled, _>(
        &ctx,
        nr,
        || false,
        |_frame, _compat| {
            // One read, not one per argument: each read's failure branch would double the
            // paths older verifiers walk (syscalls with fewer arguments read padding).
            // SAFETY: as above.
            unsafe { ctx.read_at::<[u64; MAX_ARGS]>(16) }.unwrap_or([0; MAX_ARGS])
        },
    );
    0
}

/// Exit of every syscall (broad trace sets).
#[raw_tracepoint(tracepoint = "sys_exit")]
pub fn tracer_sys_exit(ctx: RawTracePointContext) -> i32 {
    syscall::on_exit::<Unrolled>(ctx.arg(1));
    0
}

/// `tracer_sys_exit` with its loops run by `bpf_loop` (5.17+): far less for the verifier
/// to walk, so a far shorter start. The loader picks it where the kernel has the helper.
#[raw_tracepoint(tracepoint = "sys_exit")]
pub fn tracer_sys_exit_loops(ctx: RawTracePointContext) -> i32 {
    syscall::on_exit::<ExitHelper>(ctx.arg(1));
    0
}

/// Exit of one syscall (`syscalls:sys_exit_NAME`): `ret` at offset 16.
#[tracepoint]
pub fn tracer_exit_tp(ctx: TracePointContext) -> u32 {
    exit_tp::<Unrolled>(&ctx);
    0
}

/// `tracer_exit_tp` with its loops run by `bpf_loop` (5.17+, as `tracer_sys_exit_loops`).
#[tracepoint]
pub fn tracer_exit_tp_loops(ctx: TracePointContext) -> u32 {
    exit_tp::<ExitHelper>(&ctx);
    0
}

#[inline(always)]
fn exit_tp<L: Loops>(ctx: &TracePointContext) {
    // SAFETY: offset inside the tracepoint record; the helper checks the read.
    if let Ok(ret) = unsafe { ctx.read_at::<i64>(16) } {
        syscall::on_exit::<L>(ret);
    }
}

/// A signal being delivered (`signal_deliver(sig, info, ka)`), shown as strace's
/// `--- SIGCHLD {si_signo=...} ---`. Runs in the receiving task.
#[raw_tracepoint(tracepoint = "signal_deliver")]
pub fn tracer_signal(ctx: RawTracePointContext) -> i32 {
    signal::delivered(&ctx);
    0
}

/// A signal being sent (`signal_generate`): shown at once when the target ignores it,
/// kept in case it kills the target without being delivered. Runs in the sender. Not
/// attached in a pid namespace.
#[raw_tracepoint(tracepoint = "signal_generate")]
pub fn tracer_signal_sent(ctx: RawTracePointContext) -> i32 {
    signal::sent(&ctx);
    0
}

/// A context switch (`sched_switch(preempt, prev, next)`): the time traced calls spend
/// off the CPU, for `-c`'s system time. Attached only when that is counted.
#[raw_tracepoint(tracepoint = "sched_switch")]
pub fn tracer_sched_switch(ctx: RawTracePointContext) -> i32 {
    cputime::switch(ctx.arg(2));
    0
}

// The io_uring programs, attached only when io_uring operations are traced: raw
// tracepoints for the prototype BTF shows (their links detach at once), or, without BTF,
// tracepoints (each perf-event link takes a grace period, ~70 ms, to detach). Each reads
// only the arguments its prototype has: a raw tracepoint program may not attach to a
// tracepoint with fewer.

/// An io_uring request submitted: `io_uring_submit_req(req)`, or 6.1's
/// `io_uring_submit_sqe(req, force_nonblock)`.
#[raw_tracepoint(tracepoint = "io_uring_submit_req")]
pub fn tracer_uring_submit_raw(ctx: RawTracePointContext) -> i32 {
    uring::submit_raw(ctx.arg(0));
    0
}

/// `io_uring_submit_sqe(ctx, req, opcode, user_data, flags, force_nonblock, sq_thread)`
/// (5.11 to 5.18, Debian's 5.10).
#[raw_tracepoint(tracepoint = "io_uring_submit_sqe")]
pub fn tracer_uring_submit_args(ctx: RawTracePointContext) -> i32 {
    uring::submit_args(&ctx);
    0
}

#[tracepoint]
pub fn tracer_uring_submit(ctx: TracePointContext) -> u32 {
    uring::submit_tp(&ctx);
    0
}

/// An io_uring request completed, in any context: `io_uring_complete(ctx, req, cqe)`.
#[raw_tracepoint(tracepoint = "io_uring_complete")]
pub fn tracer_uring_complete_cqe(ctx: RawTracePointContext) -> i32 {
    uring::complete_cqe(&ctx);
    0
}

/// `io_uring_complete(ctx, req, user_data, res, cflags, ...)` (5.18 to 6.12 at least).
#[raw_tracepoint(tracepoint = "io_uring_complete")]
pub fn tracer_uring_complete_args(ctx: RawTracePointContext) -> i32 {
    uring::complete_args::<false>(&ctx);
    0
}

/// `io_uring_complete(ctx, user_data, res, cflags)` (before 5.18, Debian's 5.10).
#[raw_tracepoint(tracepoint = "io_uring_complete")]
pub fn tracer_uring_complete_old(ctx: RawTracePointContext) -> i32 {
    uring::complete_args::<true>(&ctx);
    0
}

#[tracepoint]
pub fn tracer_uring_complete(ctx: TracePointContext) -> u32 {
    uring::complete_tp(&ctx);
    0
}

// The task programs come twice: as raw tracepoints, whose links detach at once (used
// where BTF gives `task_struct.pid`), and as tracepoints, whose record has the ids (their
// perf-event links take a grace period each, ~70 ms, to detach).

/// `sched_process_exec(p, old_pid, bprm)`: `p` is the current task.
#[raw_tracepoint(tracepoint = "sched_process_exec")]
pub fn tracer_exec_raw(ctx: RawTracePointContext) -> i32 {
    let pid = bpf_get_current_pid_tgid() as u32 as i32;
    task::exec(pid, ctx.arg::<u64>(1) as i32);
    0
}

#[tracepoint(category = "sched", name = "sched_process_exec")]
pub fn tracer_exec(ctx: TracePointContext) -> u32 {
    let cfg = config();
    // SAFETY: offsets read from this kernel's tracepoint format by userspace.
    let ids = unsafe {
        (
            ctx.read_at::<i32>(cfg.exec_pid_offset as usize),
            ctx.read_at::<i32>(cfg.exec_old_pid_offset as usize),
        )
    };
    if let (Ok(pid), Ok(old)) = ids {
        task::exec(pid, old);
    }
    0
}

/// `sched_process_fork(parent, child)`: the child's id from its `task_struct`.
#[raw_tracepoint(tracepoint = "sched_process_fork")]
pub fn tracer_fork_raw(ctx: RawTracePointContext) -> i32 {
    let child: *const u8 = ctx.arg(1);
    let offset = config().task_pid_offset as usize;
    // SAFETY: a field of the tracepoint's `struct task_struct *`, at the offset BTF gave;
    // the helper checks the read.
    if let Ok(pid) = unsafe { bpf_probe_read_kernel(child.wrapping_add(offset).cast::<i32>()) } {
        task::fork(&ctx, pid);
    }
    0
}

#[tracepoint(category = "sched", name = "sched_process_fork")]
pub fn tracer_fork(ctx: TracePointContext) -> u32 {
    // SAFETY: offset read from this kernel's tracepoint format by userspace.
    if let Ok(child) = unsafe { ctx.read_at::<i32>(config().fork_child_pid_offset as usize) } {
        task::fork(&ctx, child);
    }
    0
}

/// `sched_process_exit(p, group_dead)` (kernels whose event has `group_dead`).
#[raw_tracepoint(tracepoint = "sched_process_exit")]
pub fn tracer_exit_raw(ctx: RawTracePointContext) -> i32 {
    task::exit(Some(ctx.arg::<u64>(1) as u8 != 0));
    0
}

/// `sched_process_exit(p)` (older kernels: no `group_dead`).
#[raw_tracepoint(tracepoint = "sched_process_exit")]
pub fn tracer_exit_raw_old(_ctx: RawTracePointContext) -> i32 {
    task::exit(None);
    0
}

#[tracepoint(category = "sched", name = "sched_process_exit")]
pub fn tracer_exit(ctx: TracePointContext) -> u32 {
    let offset = config().exit_group_dead_offset as usize;
    // SAFETY: offset from this kernel's tracepoint format.
    let group_dead = (offset != 0).then(|| unsafe { ctx.read_at::<u8>(offset) }.map(|b| b != 0));
    match group_dead {
        Some(Err(_)) => {}
        Some(Ok(dead)) => task::exit(Some(dead)),
        None => task::exit(None),
    }
    0
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    loop {}
}

#[unsafe(link_section = "license")]
#[unsafe(no_mangle)]
static LICENSE: [u8; 13] = *b"Dual MIT/GPL\0";
