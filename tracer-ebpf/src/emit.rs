//! Writing records to the ring buffer, and the per-CPU counters of what was written and
//! lost.

use aya_ebpf::{
    bindings::{BPF_RB_AVAIL_DATA, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP},
    helpers::{bpf_get_current_uid_gid, bpf_ktime_get_ns, bpf_probe_read_kernel_buf},
};
use tracer_common::{InFlight, NO_UID, SIGINFO_BYTES, SignalRecord, Stats, SyscallRecord, kind};

use crate::{
    config::config,
    maps::{EVENTS, STATS},
};

#[inline(always)]
pub fn now_ns() -> u64 {
    // SAFETY: the helper takes no arguments and has no preconditions.
    unsafe { bpf_ktime_get_ns() }
}

#[inline(always)]
pub fn stats() -> Option<&'static mut Stats> {
    // SAFETY: per-CPU slot; programs on one CPU do not preempt each other mid-update in a
    // way that matters for counters that are only ever incremented.
    STATS.get_ptr_mut(0).map(|p| unsafe { &mut *p })
}

/// Counts a record the ring buffer took or could not take.
#[inline(always)]
pub fn count_output(ok: bool) {
    if let Some(s) = stats() {
        if ok {
            s.emitted += 1;
        } else {
            s.lost += 1;
        }
    }
}

/// Wakes the consumer only once enough is waiting (see `KernelConfig::wakeup_bytes`);
/// with no threshold (a trace read on a terminal), whenever it has caught up.
#[inline(always)]
pub fn wakeup_flags() -> u64 {
    let threshold = config().wakeup_bytes;
    if threshold == 0 {
        // The ring buffer's own policy: a wake-up only for the first record the consumer
        // has not yet seen, none while it is still draining.
        return 0;
    }
    if EVENTS.query(BPF_RB_AVAIL_DATA as u64) >= threshold {
        BPF_RB_FORCE_WAKEUP as u64
    } else {
        BPF_RB_NO_WAKEUP as u64
    }
}

#[inline(always)]
pub fn syscall_record(kind: u32, call: &InFlight, ret: i64, flags: u16) -> SyscallRecord {
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
        uid: if config().diagnose_slow_ns != 0 {
            // The low half: the uid (the high half is the gid).
            bpf_get_current_uid_gid() as u32
        } else {
            NO_UID
        },
    }
}

/// A record assembled in scratch memory.
#[inline(always)]
pub fn output(bytes: &[u8], wakeup: u64) {
    count_output(EVENTS.output::<[u8]>(bytes, wakeup).is_ok());
}

/// A record without captures, written in place in the ring buffer.
#[inline(always)]
pub fn emit_syscall(call: &InFlight, ret: i64, flags: u16, wakeup: u64) {
    match EVENTS.reserve::<SyscallRecord>(0) {
        Some(mut slot) => {
            slot.write(syscall_record(kind::SYSCALL, call, ret, flags));
            slot.submit(wakeup);
            count_output(true);
        }
        None => count_output(false),
    }
}

/// Writes a signal record for task `tid` of process `tgid` from the kernel siginfo at
/// `info`.
#[inline(always)]
pub fn emit_signal(tid: u32, tgid: u32, info: *const u8) {
    // No siginfo (SEND_SIG_NOINFO/PRIV): the kernel's own SIGKILL of a dying thread group,
    // which no tracee sees as a delivered signal (strace shows none either).
    if (info as usize) < 2 {
        return;
    }
    let Some(mut slot) = EVENTS.reserve::<SignalRecord>(0) else {
        count_output(false);
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

/// Task records (forks and exits) are rare and end or start a task's output: delivered
/// promptly.
pub const PROMPTLY: u64 = BPF_RB_FORCE_WAKEUP as u64;
/// For records that can wait for the next one or the consumer's tick.
pub const LATER: u64 = BPF_RB_NO_WAKEUP as u64;
