//! `-c`'s system CPU time on ptrace: the thread's time on a CPU, read at a call's entry
//! and exit stops; between them the thread only runs kernel code. strace reads the
//! process's system time from `wait4`'s rusage at the same stops (microseconds, the
//! whole thread group); the thread's own clock in nanoseconds measures the same thing
//! for the one call, and is what the eBPF backend measures in the kernel.

/// The thread's total time on a CPU, in nanoseconds: `/proc/TID/schedstat`'s first
/// field (`None` without `CONFIG_SCHED_INFO`, or once the thread is gone).
pub fn on_cpu_ns(tid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{tid}/schedstat")).ok()?;
    text.split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_threads_cpu_time_grows_with_work() {
        let Some(before) = on_cpu_ns(nix::unistd::gettid().as_raw() as u32) else {
            println!("skipped: no /proc/TID/schedstat");
            return;
        };
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(i));
        }
        let after = on_cpu_ns(nix::unistd::gettid().as_raw() as u32).unwrap();
        assert!(after > before, "{before} -> {after} ({x})");
    }
}
