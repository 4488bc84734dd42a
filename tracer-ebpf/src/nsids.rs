//! `--pidns-translation`: a traced task's ids in its own pid namespace (task, process,
//! process group, session), sent ahead of its calls whenever they differ from what was
//! last sent for it. Userspace then translates the pids a task in another namespace
//! names even when the task is gone by the time its calls are decoded (`/proc`, which
//! strace reads while the tracee is stopped, no longer has it). Offsets come from BTF
//! through `KernelConfig::ns_fields`; without them nothing is sent.

use aya_ebpf::{
    bindings::BPF_ANY,
    helpers::{bpf_get_current_pid_tgid, bpf_get_current_task, bpf_probe_read_kernel},
};
use tracer_common::{NsFields, TaskIdsRecord, kind};

use crate::{
    admit,
    config::config,
    emit::{self, Counters, LATER, Lost},
    maps::NS_IDS,
};

/// `enum pid_type`'s process group and session.
const PIDTYPE_PGID: u32 = 2;
const PIDTYPE_SID: u32 = 3;
/// Deepest namespace level read (the kernel allows 32).
const MAX_LEVEL: u32 = 32;

/// Sends the current task's ids if they changed. A function of its own (a BPF-to-BPF
/// call), as `fdfacts::read`: its reads are in the program once and do not weigh on the
/// entry program's frame.
#[inline(never)]
pub fn announce() {
    let f = &config().ns_fields;
    if !f.known() {
        return;
    }
    // SAFETY: the helper returns the current task, valid while the program runs.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    let Some(pid) = field::<u64>(task, f.task_thread_pid) else {
        return;
    };
    let pid = pid as *const u8;
    let level = match field::<u32>(pid, f.pid_level) {
        // The initial namespace's ids are the records' own.
        Some(level) if level > 0 && level <= MAX_LEVEL => level,
        _ => return,
    };
    let Some(ns) = field::<u64>(upid(f, pid, level), f.upid_ns) else {
        return;
    };
    let Some(ns_inum) = field::<u32>(ns as *const u8, f.ns_inum) else {
        return;
    };
    let leader = field::<u64>(task, f.task_group_leader).unwrap_or(0) as *const u8;
    let leader_pid = field::<u64>(leader, f.task_thread_pid).unwrap_or(0) as *const u8;
    let signal = field::<u64>(task, f.task_signal).unwrap_or(0) as *const u8;
    let group =
        |kind: u32| field::<u64>(signal, f.signal_pids + 8 * kind).unwrap_or(0) as *const u8;
    let (pgrp, session) = (group(PIDTYPE_PGID), group(PIDTYPE_SID));
    let ids = [
        nr_at(f, pid, level),
        nr_at(f, leader_pid, level),
        nr_at(f, pgrp, level),
        nr_at(f, session, level),
    ];
    let pid_tgid = bpf_get_current_pid_tgid();
    let key = pid_tgid as u32;
    // SAFETY: read only; the value is copied.
    if unsafe { NS_IDS.get(key) }.is_some_and(|sent| *sent == ids) {
        return;
    }
    let (tid, tgid) = admit::view_ids(pid_tgid);
    let counters = Counters::before_record();
    let Some(mut slot) = emit::reserve::<TaskIdsRecord>() else {
        counters.lost(Lost::Other);
        return;
    };
    slot.write(TaskIdsRecord {
        kind: kind::TASK_IDS,
        tid,
        tgid,
        level,
        ns_inum,
        ids,
        pgid: nr_at(f, pgrp, 0),
        sid: nr_at(f, session, 0),
    });
    slot.submit(LATER);
    let _ = NS_IDS.insert(key, ids, BPF_ANY as u64);
}

/// `pid->numbers[level]`.
#[inline(always)]
fn upid(f: &NsFields, pid: *const u8, level: u32) -> *const u8 {
    pid.wrapping_add((f.pid_numbers + (level & (MAX_LEVEL * 2 - 1)) * f.upid_size) as usize)
}

/// The id `struct pid` `pid` has at namespace depth `level` (`upid.nr`, the struct's
/// first member); 0 when it has none there or cannot be read.
#[inline(always)]
fn nr_at(f: &NsFields, pid: *const u8, level: u32) -> u32 {
    if pid.is_null() {
        return 0;
    }
    match field::<u32>(pid, f.pid_level) {
        Some(own) if own >= level => field::<u32>(upid(f, pid, level), 0).unwrap_or(0),
        _ => 0,
    }
}

#[inline(always)]
fn field<T>(base: *const u8, offset: u32) -> Option<T> {
    // SAFETY: a kernel address and an offset from BTF; the helper checks the read.
    unsafe { bpf_probe_read_kernel(base.wrapping_add(offset as usize).cast::<T>()) }.ok()
}
