//! io_uring operations: `io_uring_submit_req` (`io_uring_submit_sqe` before 5.18) remembers
//! a traced process's request in `URING_PENDING`, by ring and request, with the owner's
//! ids, the time and what the request says (opcode, fd, offset, length);
//! `io_uring_complete` joins it with the result and writes one record. The completion
//! may run anywhere (an interrupt, a worker thread `iou-wrk-*`, another process's
//! `io_uring_enter`): only a request remembered at its submission, which ran in the
//! owner (or its SQPOLL thread, `iou-sqp-*`), is ever reported, so nothing of an
//! untraced process leaves the kernel. Field offsets come from tracefs and BTF
//! (`KernelConfig::uring`).

use aya_ebpf::{
    bindings::BPF_ANY,
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel},
    programs::TracePointContext,
};
use tracer_common::{
    CQE_F_MORE, IoUringRecord, URING_FD, URING_FIXED_FILE, URING_RW, URING_SQ_THREAD, UringKey,
    kind,
};

use crate::{
    admit,
    config::config,
    emit::{Counters, Lost, now_ns, stats, wakeup_flags},
    maps::{EVENTS, PATH_FDS, TRACED, URING_PENDING},
};

/// A field of the tracepoint's record at `offset` (0: the kernel has no such field).
#[inline(always)]
fn field<T: Default>(ctx: &TracePointContext, offset: u16) -> T {
    if offset == 0 {
        return T::default();
    }
    // SAFETY: an offset read from this kernel's tracepoint format by userspace; the
    // helper checks the read.
    unsafe { ctx.read_at::<T>(offset as usize) }.unwrap_or_default()
}

/// A field of the request at `req + offset` (from BTF; 0: unknown).
#[inline(always)]
fn req_field<T>(req: u64, offset: u16) -> Option<T> {
    if req == 0 || offset == 0 {
        return None;
    }
    // SAFETY: the tracepoint's `struct io_kiocb *`, at an offset from BTF; the helper
    // checks the read.
    unsafe { bpf_probe_read_kernel((req as *const u8).wrapping_add(offset as usize).cast::<T>()) }
        .ok()
}

/// `io_uring_submit_req(req)`, in the submitting task (an `io_uring_enter` caller or the
/// ring's SQPOLL thread).
#[inline(always)]
pub fn submit(ctx: &TracePointContext) {
    let cfg = config();
    let f = &cfg.uring;
    let pid_tgid = bpf_get_current_pid_tgid();
    let sq_thread = field::<u8>(ctx, f.submit_sq_thread) != 0;
    // An SQPOLL thread (a thread of the owner's process since 5.12) submits for the
    // process: it counts as traced when the process is, also without -f.
    let traced = admit::task_traced(pid_tgid)
        // SAFETY: a presence test.
        || (sq_thread && unsafe { TRACED.get((pid_tgid >> 32) as u32) }.is_some());
    if !traced {
        return;
    }
    let opcode = field::<u8>(ctx, f.submit_opcode);
    if !cfg.traces_uring_op(opcode) {
        return;
    }
    let (mut tid, tgid) = admit::view_ids(pid_tgid);
    let mut flags = 0;
    if sq_thread {
        tid = tgid;
        flags |= URING_SQ_THREAD;
    }
    let req = field::<u64>(ctx, f.submit_req);
    let user_data = field::<u64>(ctx, f.submit_user_data);
    let fd = req_field::<i32>(req, f.req_fd);
    if fd.is_some() {
        flags |= URING_FD;
    }
    // REQ_F_FIXED_FILE, bit 0 of the request's flags (IOSQE_FIXED_FILE's bit).
    if field::<u8>(ctx, f.submit_flags) & 1 != 0 {
        flags |= URING_FIXED_FILE;
    }
    let (off, len) = match (
        req_field::<u64>(req, f.req_pos),
        req_field::<u32>(req, f.req_len),
    ) {
        (Some(off), Some(len)) => {
            flags |= URING_RW;
            (off, len)
        }
        _ => (0, 0),
    };
    // -P: an operation on a descriptor open on a traced path.
    if cfg.path_filtered() {
        let Some(fd) = fd else { return };
        // SAFETY: a presence test.
        if unsafe { PATH_FDS.get((pid_tgid & !0xffff_ffff) | fd as u32 as u64) }.is_none() {
            return;
        }
    }
    // By request where both tracepoints give it (5.15's completion does not).
    let key = UringKey {
        ctx: field::<u64>(ctx, f.submit_ctx),
        id: if f.complete_req != 0 { req } else { user_data },
    };
    let pending = IoUringRecord {
        kind: kind::IO_URING,
        tid,
        tgid,
        opcode,
        flags,
        _pad: 0,
        submit_ns: now_ns(),
        complete_ns: 0,
        user_data,
        off,
        res: 0,
        fd: fd.unwrap_or(-1),
        len,
        cflags: 0,
        _pad2: 0,
    };
    if URING_PENDING.insert(key, pending, BPF_ANY as u64).is_err()
        && let Some(s) = stats()
    {
        // Its completion will not be reported: counted as a lost operation.
        s.uring_full += 1;
        s.lost += 1;
        s.lost_ops += 1;
    }
}

/// `io_uring_complete(ctx, req, cqe)`, wherever the request completes.
#[inline(always)]
pub fn complete(ctx: &TracePointContext) {
    let cfg = config();
    let f = &cfg.uring;
    let key = UringKey {
        ctx: field::<u64>(ctx, f.complete_ctx),
        id: if f.complete_req != 0 {
            field::<u64>(ctx, f.complete_req)
        } else {
            field::<u64>(ctx, f.complete_user_data)
        },
    };
    // SAFETY: copied out before the entry is removed.
    let Some(mut op) = (unsafe { URING_PENDING.get(key) }).copied() else {
        return;
    };
    let cflags = field::<u32>(ctx, f.complete_cflags);
    // A multishot request completes again: it stays pending.
    if cflags & CQE_F_MORE == 0 {
        let _ = URING_PENDING.remove(key);
    }
    let res = if f.complete_res_size == 8 {
        field::<i64>(ctx, f.complete_res)
    } else {
        field::<i32>(ctx, f.complete_res) as i64
    };
    let now = now_ns();
    let failed = (-4095..0).contains(&res);
    if !cfg.admits(failed, now.saturating_sub(op.submit_ns)) {
        if let Some(s) = stats() {
            s.filtered += 1;
        }
        return;
    }
    op.complete_ns = now;
    op.res = res;
    op.cflags = cflags;
    let counters = Counters::before_record();
    match EVENTS.reserve::<IoUringRecord>(0) {
        Some(mut slot) => {
            slot.write(op);
            slot.submit(wakeup_flags());
            counters.call_written();
        }
        None => counters.lost(Lost::Op),
    }
}
