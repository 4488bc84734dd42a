//! Runs of the tracer's programs that the kernel skipped. The kernel runs a tracing
//! program at most once per CPU at a time: where it lets such a program be preempted
//! (the syscall tracepoints of recent kernels, whose programs may fault; BPF trampolines
//! on preemptible kernels), a program preempted on a CPU makes every other run of it
//! there skip until it resumes, and counts each skip in the program's
//! `recursion_misses` (5.12+; older kernels neither preempt nor count). The calls those
//! runs were for, of traced tasks or not, cannot be named: the trace says how many runs
//! were skipped, never nothing.

use std::{
    fs,
    os::fd::{AsFd, AsRawFd},
    time::{Duration, Instant},
};

use aya::programs::ProgramFd;

/// How often the counters are read while tracing (a file read per program).
const EVERY: Duration = Duration::from_millis(250);

/// The programs whose skipped runs are counted, and how many runs were reported.
pub struct Skips {
    programs: Vec<ProgramFd>,
    /// Their skipped runs at the last read.
    misses: u64,
    reported: u64,
    last_read: Option<Instant>,
}

impl Skips {
    pub fn new(programs: Vec<ProgramFd>) -> Self {
        Self {
            programs,
            misses: 0,
            reported: 0,
            last_read: None,
        }
    }

    /// The runs lost to preemption since the last report: the runs the kernel skipped
    /// (read every [`EVERY`] at most, or now at the `end`) and `spoilt`, the kernel side's
    /// count of the records another program spoilt (`capture::Builder::finish`).
    pub fn new_since_last(&mut self, end: bool, spoilt: u64) -> u64 {
        if end || self.last_read.is_none_or(|at| at.elapsed() >= EVERY) {
            self.last_read = Some(Instant::now());
            self.misses = self.misses.max(self.skipped());
        }
        let total = self.misses + spoilt;
        let new = total.saturating_sub(self.reported);
        self.reported = self.reported.max(total);
        new
    }

    /// The runs the kernel skipped since the programs were loaded.
    pub fn skipped(&self) -> u64 {
        (self.programs.iter())
            .filter_map(|p| recursion_misses(p.as_fd().as_raw_fd()))
            .sum()
    }
}

/// A program's `recursion_misses`, from its descriptor's `/proc` entry.
fn recursion_misses(fd: i32) -> Option<u64> {
    let info = fs::read_to_string(format!("/proc/self/fdinfo/{fd}")).ok()?;
    field(&info, "recursion_misses")
}

/// A numeric field of an fdinfo text (`name:\tvalue` lines).
fn field(info: &str, name: &str) -> Option<u64> {
    info.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|value| value.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counter_is_read_from_a_programs_fdinfo() {
        let info = "pos:\t0\nflags:\t02000002\nprog_type:\t17\nrun_cnt:\t0\n\
                    recursion_misses:\t42\nverified_insns:\t3\n";
        assert_eq!(field(info, "recursion_misses"), Some(42));
        assert_eq!(field(info, "run_cnt"), Some(0));
        // Kernels before 5.12 have no such line.
        assert_eq!(field("prog_type:\t17\n", "recursion_misses"), None);
    }
}
