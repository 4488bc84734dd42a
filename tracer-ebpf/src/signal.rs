//! Signal lines (`--- SIGTERM {si_signo=...} ---`), from three places, because no one
//! tracepoint sees every signal a ptraced task would be stopped for:
//! - `signal_deliver`, in the receiving task, for a signal taken by a handler or whose
//!   default action runs in the task (a core dump, a stop);
//! - `signal_generate`, in the sender, for a signal the target ignores (a SIGCHLD left
//!   to its default action), which the kernel drops at once;
//! - the task's exit, for a signal whose default action kills the process: the kernel
//!   then turns it into SIGKILL for every thread without delivering it, so its siginfo
//!   is kept from `signal_generate` and shown when the task's exit code names it.
//!
//! The target's ids come from its `task_struct`, at offsets userspace read from BTF; not
//! in a pid namespace (the ids would be the kernel's).

use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_uid_gid, bpf_probe_read_kernel,
        bpf_probe_read_kernel_buf,
    },
    programs::RawTracePointContext,
};
use tracer_common::{INFLIGHT_ACTIVE, INFLIGHT_SIGNAL_AFTER, SIGINFO_BYTES, SIGNAL_GROUP_STOP};

use crate::{
    admit,
    config::config,
    emit,
    maps::{INFLIGHT, PENDING_SIGNALS, PendingSignal, SIGNALS_AFTER_CALL},
};

const SIGKILL: u32 = 9;
/// The stop signals (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU), one after the other.
const SIGSTOP: u32 = 19;
const SIGTTOU: u32 = 22;
const SIG_DFL: u64 = 0;
/// The signals whose default action is not to end the process: SIGCHLD, SIGCONT, the
/// stops, SIGURG, SIGWINCH (bit N-1 for signal N).
const NOT_FATAL: u32 = 1 << 16 | 1 << 17 | 0xf << 18 | 1 << 22 | 1 << 27;
/// `signal_generate`'s `result`: `TRACE_SIGNAL_DELIVERED`, `TRACE_SIGNAL_IGNORED`.
const DELIVERED: u32 = 0;
const IGNORED: u32 = 1;
/// `si_code`s of the siginfo the kernel makes up for `SEND_SIG_NOINFO` and
/// `SEND_SIG_PRIV` (no siginfo passed).
const SI_USER: i32 = 0;
const SI_KERNEL: i32 = 0x80;

/// `signal_deliver(sig, info, ka)`, in the receiving task.
#[inline(always)]
pub fn delivered(ctx: &RawTracePointContext) {
    let pid_tgid = bpf_get_current_pid_tgid();
    if !admit::task_traced(pid_tgid) {
        return;
    }
    let (tid, tgid) = admit::view_ids(pid_tgid);
    let info: *const u8 = ctx.arg(1);
    emit::emit_signal(tid, tgid, info);
    let sig: u64 = ctx.arg(0);
    // A stop signal left to its default action stops the task with its process: strace
    // shows that too (`--- stopped by SIGSTOP ---`).
    if (SIGSTOP..=SIGTTOU).contains(&(sig as u32)) {
        let action: *const u64 = ctx.arg(2);
        // SAFETY: the tracepoint's `struct k_sigaction *`, whose first field is the
        // handler; the helper checks the read.
        if unsafe { bpf_probe_read_kernel(action) } == Ok(SIG_DFL) {
            let mut siginfo = [0; SIGINFO_BYTES];
            put(&mut siginfo, 0, sig as u32);
            emit::emit_signal_record(tid, tgid, &siginfo, SIGNAL_GROUP_STOP, 0);
        }
    }
    // Shown now: not again at the exit it may cause.
    let kernel_tgid = (pid_tgid >> 32) as u32;
    // SAFETY: a lookup; the value is only compared.
    if let Some(pending) = unsafe { PENDING_SIGNALS.get(kernel_tgid) }
        && signo(&pending.siginfo) == sig as u32
    {
        let _ = PENDING_SIGNALS.remove(kernel_tgid);
    }
}

/// `signal_generate(sig, info, task, group, result)`, in the sender.
#[inline(always)]
pub fn sent(ctx: &RawTracePointContext) {
    let result = ctx.arg::<u64>(4) as u32;
    if result != DELIVERED && result != IGNORED {
        return;
    }
    let task: *const u8 = ctx.arg(2);
    let id = |offset: u32| {
        // SAFETY: a field of the tracepoint's `struct task_struct *`; the helper checks
        // the read.
        unsafe { bpf_probe_read_kernel(task.wrapping_add(offset as usize).cast::<u32>()) }
            .unwrap_or(0)
    };
    let cfg = config();
    let (tid, tgid) = (id(cfg.task_pid_offset), id(cfg.task_tgid_offset));
    if tgid == 0 || !admit::traced(tid, tgid) {
        return;
    }
    let info: *const u8 = ctx.arg(1);
    let sig = ctx.arg::<u64>(0) as u32;
    // A ptraced task would take a signal pending before this one (a lower number) first:
    // one that kills it means it never stops for this one (a stopped process's SIGHUP,
    // then the SIGCONT that wakes it, as an orphaned process group gets them).
    if result == IGNORED
        // SAFETY: a lookup; the value is only read.
        && let Some(pending) = unsafe { PENDING_SIGNALS.get(tgid) }
        && (1..sig).contains(&signo(&pending.siginfo))
        && kills(task, signo(&pending.siginfo))
    {
        return;
    }
    if result == IGNORED {
        // Dropped at once: shown now, as a ptraced task would stop for it (an ignored
        // SIGPIPE from a write to a closed pipe has no siginfo of its own).
        let mut siginfo = [0; SIGINFO_BYTES];
        read_siginfo(sig, info, &mut siginfo);
        if !after_current_call(tid, &siginfo) {
            emit::emit_siginfo(tid, tgid, &siginfo, None);
        }
        return;
    }
    // SIGKILL is never shown (a ptraced task is not stopped for it either).
    if sig == SIGKILL {
        return;
    }
    let mut pending = PendingSignal {
        tid,
        _pad: 0,
        siginfo: [0; SIGINFO_BYTES],
    };
    read_siginfo(sig, info, &mut pending.siginfo);
    let _ = PENDING_SIGNALS.insert(tgid, pending, 0);
}

/// Keeps the line of an ignored signal that task `tid` sends itself inside a call for
/// after that call's line (`syscall::on_exit`, or the task's exit): false when `tid`
/// is not the sender or not inside a call.
#[inline(always)]
fn after_current_call(tid: u32, siginfo: &[u8; SIGINFO_BYTES]) -> bool {
    if bpf_get_current_pid_tgid() as u32 != tid {
        return false;
    }
    let Some(call) = INFLIGHT.get_ptr_mut(tid) else {
        return false;
    };
    // SAFETY: this thread's own entry; only its programs write it, and it is running
    // this one.
    unsafe {
        if (*call).flags & INFLIGHT_ACTIVE == 0
            || SIGNALS_AFTER_CALL.insert(tid, siginfo, 0).is_err()
        {
            return false;
        }
        (*call).flags |= INFLIGHT_SIGNAL_AFTER;
    }
    true
}

/// The line kept by [`after_current_call`] for task `tid` (kernel id) of process
/// `view_tgid`, shown as its view id `view_tid`.
#[inline(always)]
pub fn after_call(tid: u32, view_tid: u32, view_tgid: u32) {
    // SAFETY: copied out before the entry is removed.
    if let Some(siginfo) = unsafe { SIGNALS_AFTER_CALL.get(tid) }.copied() {
        let _ = SIGNALS_AFTER_CALL.remove(tid);
        emit::emit_siginfo(view_tid, view_tgid, &siginfo, emit::current_ip());
    }
}

/// The siginfo of signal `sig` sent with `info`: the sender's, or the one the kernel
/// makes up for `SEND_SIG_NOINFO` (0: a user's kill, SIGPIPE...) and `SEND_SIG_PRIV` (1:
/// the kernel's own).
#[inline(always)]
fn read_siginfo(sig: u32, info: *const u8, siginfo: &mut [u8; SIGINFO_BYTES]) {
    if info as usize >= 2 {
        // SAFETY: the kernel_siginfo being sent; the helper checks the read.
        let _ = unsafe { bpf_probe_read_kernel_buf(info, siginfo) };
        return;
    }
    let (code, pid, uid) = if info.is_null() {
        let current = bpf_get_current_pid_tgid();
        (
            SI_USER,
            (current >> 32) as u32,
            bpf_get_current_uid_gid() as u32,
        )
    } else {
        (SI_KERNEL, 0, 0)
    };
    put(siginfo, 0, sig);
    put(siginfo, 8, code as u32);
    put(siginfo, 16, pid);
    put(siginfo, 20, uid);
}

/// At a traced task's exit with wait status `status`: the line of the signal that
/// killed it, if it was never delivered (the first task of the group to leave shows
/// it). `tgid` is the kernel's; the line carries the ids the tracer sees.
#[inline(always)]
pub fn fatal(tgid: u32, view_tgid: u32, status: u32) {
    let sig = status & 0x7f;
    if sig == 0 || sig == SIGKILL {
        return;
    }
    // SAFETY: copied out before the entry is removed.
    let Some(pending) = (unsafe { PENDING_SIGNALS.get(tgid) }).copied() else {
        return;
    };
    if signo(&pending.siginfo) != sig {
        return;
    }
    let _ = PENDING_SIGNALS.remove(tgid);
    emit::emit_siginfo(pending.tid, view_tgid, &pending.siginfo, None);
}

/// Whether signal `sig` (1..=31) ends the process of `task` (a `struct task_struct *`):
/// its default action does, and its handler is the default.
#[inline(always)]
fn kills(task: *const u8, sig: u32) -> bool {
    let cfg = config();
    if cfg.k_sigaction_size == 0 || !(1..32).contains(&sig) || NOT_FATAL & 1 << (sig - 1) != 0 {
        return false;
    }
    let at = task.wrapping_add(cfg.task_sighand_offset as usize);
    // SAFETY: fields of the kernel's structs at BTF offsets; the helper checks the reads.
    let Ok(sighand) = (unsafe { bpf_probe_read_kernel(at.cast::<u64>()) }) else {
        return false;
    };
    let action = cfg.sighand_action_offset + (sig - 1) * cfg.k_sigaction_size;
    let at = (sighand as *const u8).wrapping_add(action as usize);
    // SAFETY: as above (the handler is the first field of its `k_sigaction`).
    let handler = unsafe { bpf_probe_read_kernel(at.cast::<u64>()) };
    handler == Ok(SIG_DFL)
}

/// The process is gone: nothing sent to it matters any more.
#[inline(always)]
pub fn forget(tgid: u32) {
    let _ = PENDING_SIGNALS.remove(tgid);
}

#[inline(always)]
fn signo(siginfo: &[u8; SIGINFO_BYTES]) -> u32 {
    u32::from_ne_bytes([siginfo[0], siginfo[1], siginfo[2], siginfo[3]])
}

#[inline(always)]
fn put(siginfo: &mut [u8; SIGINFO_BYTES], at: usize, value: u32) {
    siginfo[at..at + 4].copy_from_slice(&value.to_ne_bytes());
}
