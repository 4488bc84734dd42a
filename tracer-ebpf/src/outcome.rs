//! What a call's exit decides: whether it passes the result, duration and `-P` filters
//! (the same decisions `tracer_common::KernelConfig` makes for the ptrace backend in
//! userspace), and its share of the `-c` totals.

use aya_ebpf::{
    bindings::BPF_ANY, helpers::bpf_get_current_pid_tgid,
    helpers::generated::bpf_probe_read_user_str,
};
use tracer_common::{
    HIST_BUCKETS, InFlight, MAX_ARGS, PATH_HASH_BYTES, PATH_HASH_SEED, PLAN_CLOSES_FD,
    PLAN_FD_ARGS_SHIFT, PLAN_PATH_ARG_SHIFT, PLAN_RET_FD, SyscallPlan, path_hash_finish,
    path_hash_step, path_word_mask,
};

use crate::{
    config::config,
    maps::{PATH_BUF, PATH_FDS, SUMMARY},
};

/// Adds a finished call to the `-c` totals: its wall-clock `duration` and, when the
/// settings count it, its system CPU time `cpu`; the latency histogram takes the
/// duration as measured.
#[inline(always)]
pub fn count(nr: u32, duration: u64, cpu: u64, failed: bool) {
    let Some(totals) = SUMMARY.get_ptr_mut(nr) else {
        return;
    };
    // SAFETY: per-CPU value; only this CPU's programs update it.
    let t = unsafe { &mut *totals };
    // Opaque to LLVM, so the mask stays: verifiers before 6.x can derive an empty range
    // from the shifts and ORs of `log2_bucket` and then refuse the index (5.10 and 6.1
    // with `-c -f --stats` on a narrow set); the mask gives them a sound one.
    let bucket = core::hint::black_box(log2_bucket(duration)) & 63;
    // -O: strace's overhead, taken off each call's times.
    let overhead = config().summary_overhead_ns;
    let (duration, cpu) = (
        duration.saturating_sub(overhead),
        cpu.saturating_sub(overhead),
    );
    let first = t.calls == 0;
    t.calls += 1;
    t.errors += failed as u64;
    t.total_ns += duration;
    if first || duration < t.min_ns {
        t.min_ns = duration;
    }
    if duration > t.max_ns {
        t.max_ns = duration;
    }
    if config().count_cpu != 0 {
        t.cpu_ns += cpu;
        if first || cpu < t.cpu_min_ns {
            t.cpu_min_ns = cpu;
        }
        if cpu > t.cpu_max_ns {
            t.cpu_max_ns = cpu;
        }
    }
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

/// `-P`: whether the call touches a traced path (a path argument, or an fd argument that
/// refers to one); fds it opens on such a path, or closes, update `PATH_FDS`.
#[inline(always)]
pub fn path_call(call: &InFlight, ret: i64, plan: &SyscallPlan) -> bool {
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
    config().path_matches(path_hash_finish(h, len))
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
