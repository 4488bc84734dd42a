//! io_uring operations: `io_uring_submit_req` (`io_uring_submit_sqe` before 5.18) remembers
//! a traced process's request in `URING_PENDING`, by ring and request, with the owner's
//! ids, the time and what the request says (opcode, fd, offset, length);
//! `io_uring_complete` joins it with the result and writes one record. The completion
//! may run anywhere (an interrupt, a worker thread `iou-wrk-*`, another process's
//! `io_uring_enter`): only a request remembered at its submission, which ran in the
//! owner (or its SQPOLL thread, `iou-sqp-*`), is ever reported, so nothing of an
//! untraced process leaves the kernel. The raw tracepoint programs take the tracepoint's
//! arguments and read the request's fields at offsets from BTF; their tracepoint twins
//! (kernels without BTF) read the record's fields at offsets from tracefs
//! (`KernelConfig::uring`). Both hand the same values to `submit` and `complete`.

use aya_ebpf::{
    bindings::BPF_ANY,
    helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel},
    programs::{RawTracePointContext, TracePointContext},
};
use tracer_common::{
    CQE_F_MORE, IoUringRecord, URING_FD, URING_FIXED_FILE, URING_RW, URING_SQ_THREAD, UringKey,
    kind,
};

use crate::{
    admit,
    config::config,
    emit::{self, Counters, Lost, now_ns, stats, wakeup_flags},
    maps::{PATH_FDS, TRACED, URING_PENDING},
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
    if offset == 0 {
        return None;
    }
    read::<T>(req, offset)
}

/// The kernel memory at `at + offset`, where BTF says a field is.
#[inline(always)]
fn read<T>(at: u64, offset: u16) -> Option<T> {
    if at == 0 {
        return None;
    }
    // SAFETY: a pointer the tracepoint handed over, at an offset from BTF; the helper
    // checks the read.
    unsafe { bpf_probe_read_kernel((at as *const u8).wrapping_add(offset as usize).cast::<T>()) }
        .ok()
}

/// What a submission tracepoint says of a request.
struct Submission {
    ring: u64,
    req: u64,
    user_data: u64,
    opcode: u8,
    /// `REQ_F_*` flags' first byte.
    flags: u8,
}

/// Whether the submitting task is traced, and then whether it is the ring's SQPOLL
/// thread (`sq_thread`, asked only of a traced process). An SQPOLL thread (a thread of
/// the owner's process since 5.12) submits for the process: it counts as traced when the
/// process is, also without -f.
#[inline(always)]
fn submitter(pid_tgid: u64, sq_thread: impl FnOnce() -> bool) -> Option<bool> {
    let own = admit::task_traced(pid_tgid);
    // SAFETY: a presence test.
    if !own && unsafe { TRACED.get((pid_tgid >> 32) as u32) }.is_none() {
        return None;
    }
    let sq_thread = sq_thread();
    (own || sq_thread).then_some(sq_thread)
}

/// `io_uring_submit_req(req)` or `io_uring_submit_sqe(req, force_nonblock)`: the rest
/// from the request (raw tracepoint).
#[inline(always)]
pub fn submit_raw(req: u64) {
    let f = &config().uring;
    let pid_tgid = bpf_get_current_pid_tgid();
    if req == 0 {
        return;
    }
    let ring = || read::<u64>(req, f.req_ctx).unwrap_or(0);
    // IORING_SETUP_SQPOLL: the ring's own thread submits.
    let sq_thread = || read::<u32>(ring(), f.ring_flags).unwrap_or(0) & 2 != 0;
    let Some(sq_thread) = submitter(pid_tgid, sq_thread) else {
        return;
    };
    let sub = Submission {
        ring: ring(),
        req,
        user_data: read::<u64>(req, f.req_user_data).unwrap_or(0),
        opcode: read::<u8>(req, f.req_opcode).unwrap_or(0),
        flags: read::<u8>(req, f.req_flags).unwrap_or(0),
    };
    submit(pid_tgid, sq_thread, sub);
}

/// `io_uring_submit_sqe(ctx, req, opcode, user_data, flags, force_nonblock, sq_thread)`
/// (raw tracepoint).
#[inline(always)]
pub fn submit_args(ctx: &RawTracePointContext) {
    let pid_tgid = bpf_get_current_pid_tgid();
    let Some(sq_thread) = submitter(pid_tgid, || ctx.arg::<u64>(6) as u8 != 0) else {
        return;
    };
    let sub = Submission {
        ring: ctx.arg(0),
        req: ctx.arg(1),
        opcode: ctx.arg::<u64>(2) as u8,
        user_data: ctx.arg(3),
        flags: ctx.arg::<u64>(4) as u8,
    };
    submit(pid_tgid, sq_thread, sub);
}

/// The submission tracepoint (its record's fields), in the submitting task.
#[inline(always)]
pub fn submit_tp(ctx: &TracePointContext) {
    let f = &config().uring;
    let pid_tgid = bpf_get_current_pid_tgid();
    let sq_thread = || field::<u8>(ctx, f.submit_sq_thread) != 0;
    let Some(sq_thread) = submitter(pid_tgid, sq_thread) else {
        return;
    };
    let sub = Submission {
        ring: field::<u64>(ctx, f.submit_ctx),
        req: field::<u64>(ctx, f.submit_req),
        user_data: field::<u64>(ctx, f.submit_user_data),
        opcode: field::<u8>(ctx, f.submit_opcode),
        flags: field::<u8>(ctx, f.submit_flags),
    };
    submit(pid_tgid, sq_thread, sub);
}

/// A traced task (an `io_uring_enter` caller, or the ring's SQPOLL thread when
/// `sq_thread`) submitted a request: remembered until it completes.
#[inline(always)]
fn submit(pid_tgid: u64, sq_thread: bool, sub: Submission) {
    let cfg = config();
    let f = &cfg.uring;
    let opcode = sub.opcode;
    if !cfg.traces_uring_op(opcode) {
        return;
    }
    let (mut tid, tgid) = admit::view_ids(pid_tgid);
    let mut flags = 0;
    if sq_thread {
        tid = tgid;
        flags |= URING_SQ_THREAD;
    }
    let req = sub.req;
    let fd = req_field::<i32>(req, f.req_fd);
    if fd.is_some() {
        flags |= URING_FD;
    }
    // REQ_F_FIXED_FILE, bit 0 of the request's flags (IOSQE_FIXED_FILE's bit).
    if sub.flags & 1 != 0 {
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
    // By request where the completion gives it (before 5.18 it does not).
    let key = UringKey {
        ctx: sub.ring,
        id: if f.by_user_data == 0 {
            req
        } else {
            sub.user_data
        },
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
        user_data: sub.user_data,
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

/// `io_uring_complete(ctx, req, cqe)` (raw tracepoint): the result from the CQE.
#[inline(always)]
pub fn complete_cqe(ctx: &RawTracePointContext) {
    let f = &config().uring;
    let key = UringKey {
        ctx: ctx.arg(0),
        id: ctx.arg(1),
    };
    let cqe: u64 = ctx.arg(2);
    complete(key, || {
        (
            read::<i32>(cqe, f.cqe_res).unwrap_or(0) as i64,
            read::<u32>(cqe, f.cqe_flags).unwrap_or(0),
        )
    });
}

/// `io_uring_complete(ctx, req, user_data, res, cflags, ...)`, or before 5.18 (`OLD`)
/// `io_uring_complete(ctx, user_data, res, cflags)` (raw tracepoints).
#[inline(always)]
pub fn complete_args<const OLD: bool>(ctx: &RawTracePointContext) {
    let f = &config().uring;
    // The request, or before 5.18 the user_data, follows the ring.
    let key = UringKey {
        ctx: ctx.arg(0),
        id: ctx.arg(1),
    };
    let at = if OLD { 2 } else { 3 };
    complete(key, || {
        // The kernel widens each argument without its sign: an `int` result is the
        // low half.
        let value = ctx.arg::<u64>(at);
        let res = if f.complete_res_size == 8 {
            value as i64
        } else {
            value as u32 as i32 as i64
        };
        (res, ctx.arg::<u64>(at + 1) as u32)
    });
}

/// The completion tracepoint (its record's fields).
#[inline(always)]
pub fn complete_tp(ctx: &TracePointContext) {
    let f = &config().uring;
    let key = UringKey {
        ctx: field::<u64>(ctx, f.complete_ctx),
        id: if f.complete_req != 0 {
            field::<u64>(ctx, f.complete_req)
        } else {
            field::<u64>(ctx, f.complete_user_data)
        },
    };
    complete(key, || {
        let res = if f.complete_res_size == 8 {
            field::<i64>(ctx, f.complete_res)
        } else {
            field::<i32>(ctx, f.complete_res) as i64
        };
        (res, field::<u32>(ctx, f.complete_cflags))
    });
}

/// A request completed, wherever: reported when it was remembered at its submission.
/// `result` gives its result and CQE flags.
#[inline(always)]
fn complete(key: UringKey, result: impl FnOnce() -> (i64, u32)) {
    let cfg = config();
    // SAFETY: copied out before the entry is removed.
    let Some(mut op) = (unsafe { URING_PENDING.get(key) }).copied() else {
        return;
    };
    let (res, cflags) = result();
    // A multishot request completes again: it stays pending.
    if cflags & CQE_F_MORE == 0 {
        let _ = URING_PENDING.remove(key);
    }
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
    match emit::reserve::<IoUringRecord>() {
        Some(mut slot) => {
            slot.write(op);
            slot.submit(wakeup_flags(now));
            counters.call_written();
        }
        None => counters.lost(Lost::Op),
    }
}
