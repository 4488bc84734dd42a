//! `-c`'s system CPU time, as strace measures it by default: the time a call spent on a
//! CPU, which is its duration minus the time it spent switched out (blocked, sleeping or
//! preempted). `sched_switch` notes in the call's `INFLIGHT` entry when its thread
//! leaves the CPU and adds the time away when the thread comes back; the call's entry and
//! exit do no more than they do anyway. Attached only with `-c`/`-C` without `-w`: it
//! runs at every context switch of the machine.

use aya_ebpf::helpers::{bpf_get_current_pid_tgid, bpf_probe_read_kernel};
use tracer_common::INFLIGHT_ACTIVE;

use crate::{config::config, emit::now_ns, maps::INFLIGHT};

/// `sched_switch(preempt, prev, next)`, run by `prev` (the current task) as it gives the
/// CPU to `next`. The clock is read only when a traced call is switched out or back in:
/// most switches on the machine involve no traced task, and pay two lookups and no more.
#[inline(always)]
pub fn switch(next: *const u8) {
    let prev = bpf_get_current_pid_tgid() as u32;
    let mut now = 0;
    if let Some(call) = INFLIGHT.get_ptr_mut(prev) {
        // SAFETY: a value of this map, written by its thread's programs, which do not run
        // while the thread is being switched out or in (this program does).
        unsafe {
            if (*call).flags & INFLIGHT_ACTIVE != 0 {
                now = now_ns();
                (*call).switched_out_ns = now;
            }
        }
    }
    let offset = config().task_pid_offset as usize;
    // SAFETY: a field of the tracepoint's `struct task_struct *`, at the offset BTF gave;
    // the helper checks the read.
    let Ok(next) = (unsafe { bpf_probe_read_kernel(next.wrapping_add(offset).cast::<u32>()) })
    else {
        return;
    };
    if let Some(call) = INFLIGHT.get_ptr_mut(next) {
        // SAFETY: as above.
        unsafe {
            let out = (*call).switched_out_ns;
            if out != 0 {
                if now == 0 {
                    now = now_ns();
                }
                (*call).off_cpu_ns += now.saturating_sub(out);
                (*call).switched_out_ns = 0;
            }
        }
    }
}
