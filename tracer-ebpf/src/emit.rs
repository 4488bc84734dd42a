//! Writing records to the ring buffer, and the per-CPU counters of what was written and
//! lost: by what the lost record would have shown (calls, signal lines, exit lines), and
//! marked in the stream where it happened (`Counters`).

use aya_ebpf::{
    bindings::{BPF_RB_AVAIL_DATA, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP},
    helpers::{
        bpf_get_current_task_btf, bpf_get_current_uid_gid, bpf_get_smp_processor_id,
        bpf_ktime_get_ns, bpf_probe_read_kernel, bpf_probe_read_kernel_buf, bpf_ringbuf_query,
        bpf_task_pt_regs,
    },
    maps::ring_buf::RingBufEntry,
};
use tracer_common::{
    INFLIGHT_ENTRY_LOST, InFlight, LostRecord, NO_UID, PT_REGS_IP, QUIET_WAKEUP_NS,
    RECORD_ENTRY_LOST, SIGINFO_BYTES, SIGNAL_IP, SignalRecord, Stats, SyscallRecord, kind,
};

use crate::{
    config::config,
    maps::{EVENTS, Ring, STATS},
};

/// This CPU's ring buffer (one lookup, which the verifier inlines). None only if the
/// loader left the CPU's slot empty: its records are then counted lost like any other.
#[inline(always)]
pub fn ring() -> Option<&'static Ring> {
    // SAFETY: the helper takes no arguments; a program does not migrate while it runs.
    EVENTS.get(unsafe { bpf_get_smp_processor_id() })
}

/// Room for a `T` in this CPU's ring buffer; None when it is full.
#[inline(always)]
pub fn reserve<T: 'static>() -> Option<RingBufEntry<T>> {
    ring()?.reserve_untyped::<T>(0)
}

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

/// What a record the ring buffer could not take would have shown.
#[derive(Clone, Copy)]
pub enum Lost {
    /// A call's exit record: the call is lost.
    Call,
    /// A call's entry record: the call is shown with `<entry lost>`.
    Entry,
    Signal,
    Exit,
    /// An io_uring operation's record.
    Op,
    /// A record that makes no line (a fork, a process leaving the trace).
    Other,
}

/// This CPU's counters, looked up once per record: a loss since the last mark is marked
/// before the record, and the record's fate counted after it.
pub struct Counters(Option<&'static mut Stats>);

impl Counters {
    /// Before a record: if this CPU lost records since its last mark, a [`LostRecord`]
    /// goes first, so the loss shows where it happened in the stream.
    #[inline(always)]
    pub fn before_record() -> Self {
        let mut s = stats();
        if let Some(s) = s.as_deref_mut()
            && s.lost != s.lost_marked
            && let Some(mut slot) = reserve::<LostRecord>()
        {
            slot.write(LostRecord {
                kind: kind::LOST,
                // SAFETY: the helper takes no arguments.
                cpu: unsafe { bpf_get_smp_processor_id() },
                calls: s.lost_calls,
                signals: s.lost_signals,
                exits: s.lost_exits,
                ops: s.lost_ops,
            });
            slot.submit(BPF_RB_NO_WAKEUP as u64);
            s.lost_marked = s.lost;
        }
        Self(s)
    }

    /// A call's record was written (`Stats::emitted` counts those).
    #[inline(always)]
    pub fn call_written(self) {
        if let Some(s) = self.0 {
            s.emitted += 1;
        }
    }

    /// Another program overwrote the record while it was being assembled.
    #[inline(always)]
    pub fn spoilt(self) {
        if let Some(s) = self.0 {
            s.spoilt += 1;
        }
    }

    /// The ring buffer could not take the record.
    #[inline(always)]
    pub fn lost(self, what: Lost) {
        if let Some(s) = self.0 {
            s.lost += 1;
            match what {
                Lost::Call => s.lost_calls += 1,
                Lost::Entry => s.lost_entries += 1,
                Lost::Signal => s.lost_signals += 1,
                Lost::Exit => s.lost_exits += 1,
                Lost::Op => s.lost_ops += 1,
                Lost::Other => {}
            }
        }
    }
}

/// Wakes the consumer only once enough is waiting (see `KernelConfig::wakeup_bytes`) or
/// when this CPU has not woken it for a tick (`QUIET_WAKEUP_NS`, `now`: the record's
/// time); with no threshold (a trace read on a terminal), whenever it has caught up.
#[inline(always)]
pub fn wakeup_flags(now: u64) -> u64 {
    let threshold = config().wakeup_bytes;
    if threshold == 0 {
        // The ring buffer's own policy: a wake-up only for the first record the consumer
        // has not yet seen, none while it is still draining.
        return 0;
    }
    let Some(ring) = ring() else {
        return BPF_RB_NO_WAKEUP as u64;
    };
    // SAFETY: `ring` is a ring buffer map the lookup returned.
    let waiting = unsafe {
        bpf_ringbuf_query(
            core::ptr::from_ref(ring).cast_mut().cast(),
            BPF_RB_AVAIL_DATA as u64,
        )
    };
    if waiting >= threshold {
        return BPF_RB_FORCE_WAKEUP as u64;
    }
    match stats() {
        Some(s) if now.wrapping_sub(s.woken_ns) >= QUIET_WAKEUP_NS => {
            s.woken_ns = now;
            BPF_RB_FORCE_WAKEUP as u64
        }
        _ => BPF_RB_NO_WAKEUP as u64,
    }
}

#[inline(always)]
pub fn syscall_record(kind: u32, call: &InFlight, ret: i64, flags: u16) -> SyscallRecord {
    let entry_lost = if call.flags & INFLIGHT_ENTRY_LOST != 0 {
        RECORD_ENTRY_LOST
    } else {
        0
    };
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
        flags: flags | entry_lost,
        uid: if config().diagnose_slow_ns != 0 {
            // The low half: the uid (the high half is the gid).
            bpf_get_current_uid_gid() as u32
        } else {
            NO_UID
        },
    }
}

/// A record assembled in scratch memory (empty: spoilt there, see
/// `capture::Builder::finish`); whether the ring buffer took it.
#[inline(always)]
pub fn output(bytes: &[u8], wakeup: u64, what: Lost) -> bool {
    let counters = Counters::before_record();
    if bytes.is_empty() {
        counters.spoilt();
        return false;
    }
    let ok = ring().is_some_and(|r| r.output_untyped::<[u8]>(bytes, wakeup).is_ok());
    if ok {
        counters.call_written();
    } else {
        counters.lost(what);
    }
    ok
}

/// A record without captures, written in place in the ring buffer.
#[inline(always)]
pub fn emit_syscall(call: &InFlight, ret: i64, flags: u16, wakeup: u64) {
    let counters = Counters::before_record();
    match reserve::<SyscallRecord>() {
        Some(mut slot) => {
            slot.write(syscall_record(kind::SYSCALL, call, ret, flags));
            slot.submit(wakeup);
            counters.call_written();
        }
        None => counters.lost(Lost::Call),
    }
}

/// Writes a signal record for task `tid` of process `tgid` from the kernel siginfo at
/// `info`, in the receiving task.
#[inline(always)]
pub fn emit_signal(tid: u32, tgid: u32, info: *const u8) {
    // No siginfo (SEND_SIG_NOINFO/PRIV): the kernel's own SIGKILL of a dying thread group,
    // which no tracee sees as a delivered signal (strace shows none either).
    if (info as usize) < 2 {
        return;
    }
    let mut siginfo = [0u8; SIGINFO_BYTES];
    // SAFETY: `info` is the kernel_siginfo being delivered; the helper checks the read.
    let _ = unsafe { bpf_probe_read_kernel_buf(info, &mut siginfo) };
    emit_siginfo(tid, tgid, &siginfo, current_ip());
}

/// Writes a signal record for task `tid` of process `tgid`; `ip`: the receiver's
/// instruction pointer with `-i` ([`current_ip`]; `None` in the sender).
#[inline(always)]
pub fn emit_siginfo(tid: u32, tgid: u32, siginfo: &[u8; SIGINFO_BYTES], ip: Option<u64>) {
    match ip {
        Some(ip) => emit_signal_record(tid, tgid, siginfo, SIGNAL_IP, ip),
        None => emit_signal_record(tid, tgid, siginfo, 0, 0),
    }
}

/// Writes a signal record with `flags` ([`tracer_common::SIGNAL_GROUP_STOP`]).
#[inline(always)]
pub fn emit_signal_record(tid: u32, tgid: u32, siginfo: &[u8; SIGINFO_BYTES], flags: u32, ip: u64) {
    let counters = Counters::before_record();
    let Some(mut slot) = reserve::<SignalRecord>() else {
        counters.lost(Lost::Signal);
        return;
    };
    let now = now_ns();
    slot.write(SignalRecord {
        kind: kind::SIGNAL,
        tid,
        tgid,
        flags,
        ns: now,
        ip,
        siginfo: *siginfo,
    });
    slot.submit(wakeup_flags(now));
}

/// With `-i` (frozen: else the verifier skips it), the current task's user instruction
/// pointer, from its `pt_regs` (`bpf_task_pt_regs`, Linux 5.15; userspace refuses `-i`
/// on the eBPF backend before it).
#[inline(always)]
pub fn current_ip() -> Option<u64> {
    if config().ip == 0 {
        return None;
    }
    let regs = current_regs()?;
    // SAFETY: the task's registers; the helper checks the read.
    unsafe { bpf_probe_read_kernel(regs.wrapping_add(PT_REGS_IP) as *const u64).ok() }
}

/// With `-i` (frozen), the current task's user registers (`struct pt_regs`).
#[inline(always)]
pub fn current_regs() -> Option<*const u8> {
    if config().ip == 0 {
        return None;
    }
    // SAFETY: the helper takes the current task's BTF pointer.
    Some(unsafe { bpf_task_pt_regs(bpf_get_current_task_btf()) } as *const u8)
}

/// Task records (forks and exits) are rare and end or start a task's output: delivered
/// promptly.
pub const PROMPTLY: u64 = BPF_RB_FORCE_WAKEUP as u64;
/// For records that can wait for the next one or the consumer's tick.
pub const LATER: u64 = BPF_RB_NO_WAKEUP as u64;
