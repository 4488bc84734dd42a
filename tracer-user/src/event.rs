//! The one event model. Both backends (eBPF and ptrace) turn what the kernel tells them
//! into these values and hand them to the shared middle stage (`pipeline`), which passes
//! them on to the sinks (formatters, reports) with a [`Context`]. Nothing downstream
//! knows which backend produced an event.

use std::{collections::BTreeMap, io};

use tracer_common::{HIST_BUCKETS, SIGINFO_BYTES, SyscallTotals};

/// [`Capture::kind`]s of memory a pointer inside an argument's struct points at (an
/// ioctl's clips, controls, font data, keyctl's parameters, io_submit's iocbs), copied
/// at the call's entry or exit, which no capture plan slot names: the ptrace backend
/// reads what the decoders ask for (`decode::derefs`), the eBPF programs what the ioctl
/// decoders' tables say (`decode::kernel_derefs`). `data` is the address (8 bytes,
/// little-endian), then the bytes read from it, fewer than asked where the memory ended
/// (`truncated`).
pub use tracer_common::{DEREF_ARG, DEREF_ENTRY, DEREF_EXIT};

/// A copy of tracee memory that an argument points at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capture {
    /// Argument index (0..6).
    pub arg: u8,
    /// What was captured (`tracer_common::capture::*`).
    pub kind: u8,
    pub data: Vec<u8>,
    /// The source held more than `data`.
    pub truncated: bool,
    /// The memory could not be read: formatters print the raw pointer.
    pub fault: bool,
}

/// One syscall of one task. `ret == None` means the call has not returned (yet, or ever):
/// an in-progress call shown while it blocks, or one cut short by the task's exit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Syscall {
    pub tid: u32,
    /// Process (thread group) id.
    pub pid: u32,
    pub nr: u32,
    pub args: [u64; 6],
    /// CLOCK_MONOTONIC nanoseconds at entry and exit.
    pub enter_ns: u64,
    pub exit_ns: Option<u64>,
    pub ret: Option<i64>,
    pub captures: Vec<Capture>,
    /// The user instruction pointer at entry (`-i`), where the backend knows it.
    pub ip: Option<u64>,
    /// System CPU time between entry and exit (the task's time on a CPU), when the
    /// backend measures it per call (ptrace with `-c` without `-w`; the eBPF backend
    /// counts it in the kernel instead).
    pub cpu_ns: Option<u64>,
    /// The task's (real) uid at the call's exit, where a report needs it (`--diagnose`'s
    /// permission failures).
    pub uid: Option<u32>,
    /// What `-e inject=` did to the call (ptrace).
    pub tampered: Tampered,
}

/// A call tampered with (`-e inject=`, `-e fault=`): its result replaced (`injected`),
/// its arguments' memory written (`poked`), its entry or exit held back (`delayed`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tampered {
    pub injected: bool,
    /// The injected result is a value (`retval=`), never a failure whatever it is, as
    /// strace shows it (`= 18446744073709551614`), not an error (`error=`).
    pub value: bool,
    /// `poke_enter=`/`poke_exit=` wrote into its arguments' memory.
    pub poked: bool,
    pub delayed: bool,
}

impl Syscall {
    /// The task's name at the call, when the backend took it
    /// (`tracer_common::capture::COMM`: the eBPF programs with `-Y`).
    pub fn comm_at_call(&self) -> Option<String> {
        self.comm_of(DEREF_ARG)
    }

    /// The name of the child of the caller's that argument `arg` names, at the call's
    /// entry, when the backend took it (the eBPF programs with `-Y`,
    /// `tracer_common::PLAN_PID_ARG_SHIFT`).
    pub fn child_comm(&self, arg: usize) -> Option<String> {
        self.comm_of(arg as u8)
    }

    fn comm_of(&self, arg: u8) -> Option<String> {
        let c = (self.captures.iter())
            .find(|c| c.kind == tracer_common::capture::COMM && c.arg == arg)?;
        let name = c.data.split(|&b| b == 0).next().unwrap_or_default();
        Some(String::from_utf8_lossy(name).into_owned())
    }

    /// The first copy of argument `arg`'s memory (not `-y`'s facts about a descriptor,
    /// nor a struct taken with what it points at: [`Self::followed`]).
    pub fn capture(&self, arg: usize) -> Option<&Capture> {
        use tracer_common::capture::{FD_FACTS, FD_PAIR_FACTS, FOLLOW};
        self.captures
            .iter()
            .find(|c| c.arg as usize == arg && !matches!(c.kind, FD_FACTS | FD_PAIR_FACTS | FOLLOW))
    }

    /// Argument `arg`'s struct with the array a pointer in it points at
    /// ([`tracer_common::capture::FOLLOW`]).
    pub fn followed(&self, arg: usize) -> Option<&Capture> {
        self.captures
            .iter()
            .find(|c| c.arg as usize == arg && c.kind == tracer_common::capture::FOLLOW)
    }

    pub fn duration_ns(&self) -> Option<u64> {
        self.exit_ns.map(|exit| exit.saturating_sub(self.enter_ns))
    }

    /// Whether the call returned an error (-4095..-1, the kernel's errno range).
    pub fn failed(&self) -> bool {
        self.ret.is_some_and(|r| (-4095..0).contains(&r)) && !self.tampered.value
    }

    /// The return value of a call that returned and succeeded.
    pub fn success(&self) -> Option<u64> {
        self.ret.filter(|_| !self.failed()).map(|r| r as u64)
    }
}

/// One io_uring operation of a traced process, shown when it completes: not a system
/// call (it is submitted in a batch by `io_uring_enter`, or by the ring's SQPOLL thread
/// with no call at all), so it has an event of its own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IoUringOp {
    /// The submitting task (an SQPOLL thread's submission: its process's id).
    pub tid: u32,
    pub pid: u32,
    /// `IORING_OP_*` (`crate::uring`).
    pub opcode: u8,
    /// The descriptor the submission named, where it was read.
    pub fd: Option<i32>,
    /// A read's or write's file offset and length, where they were read.
    pub rw: Option<(u64, u32)>,
    pub user_data: u64,
    /// CLOCK_MONOTONIC nanoseconds at submission and completion.
    pub submit_ns: u64,
    pub complete_ns: u64,
    /// The result, as a syscall's return value (negative errno on failure).
    pub res: i64,
    /// The completion's `IORING_CQE_F_*` flags.
    pub cflags: u32,
    /// Submitted by the ring's SQPOLL thread.
    pub sq_thread: bool,
    /// `fd` is an index into the ring's registered files (`IOSQE_FIXED_FILE`).
    pub fixed_file: bool,
}

impl IoUringOp {
    pub fn duration_ns(&self) -> u64 {
        self.complete_ns.saturating_sub(self.submit_ns)
    }

    pub fn failed(&self) -> bool {
        (-4095..0).contains(&self.res)
    }
}

/// What is known of a signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignalInfo {
    /// Delivered: the first bytes of its `siginfo_t`, as the kernel filled them.
    Siginfo([u8; SIGINFO_BYTES]),
    /// A stop signal stopped the task's group (`kill -STOP`).
    GroupStop,
}

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    Exited(i32),
    Killed {
        signal: i32,
        core_dumped: bool,
    },
    /// The backend could not tell (e.g. a task of an attached process killed by a signal).
    Unknown,
    /// A process's leader, gone when another of its threads (`by`) called execve: that
    /// thread carries on under the leader's id.
    Superseded {
        by: u32,
    },
}

impl ExitStatus {
    /// From a wait status as the kernel keeps it (`task_struct.exit_code`, what
    /// `waitpid` reports): the exit code in bits 8..16, or the killing signal in the
    /// low 7 bits with 0x80 for a core dump.
    pub fn from_wait_status(status: u32) -> Self {
        match (status & 0x7f) as i32 {
            0 => Self::Exited(((status >> 8) & 0xff) as i32),
            signal => Self::Killed {
                signal,
                core_dumped: status & 0x80 != 0,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A call that has been in progress long enough to show (strace's `read(0, `).
    Entered(Syscall),
    /// A completed call (or, for one that never returned, `ret == None`).
    Completed(Syscall),
    /// A completed io_uring operation (eBPF backend only).
    IoUring(IoUringOp),
    /// A signal delivered to a task (`--- SIGCHLD {...} ---`), at `ns` (CLOCK_MONOTONIC:
    /// the delivery, not the moment the line is written).
    Signal {
        tid: u32,
        pid: u32,
        signal: i32,
        info: SignalInfo,
        ns: u64,
        /// The task's instruction pointer at the delivery (`-i`), where the backend
        /// read it; else its last call's shows.
        ip: Option<u64>,
    },
    /// A traced task started another (fork, vfork, thread) that is traced too, at `ns`
    /// (CLOCK_MONOTONIC). Nothing is printed for it, but strace's `[pid N]` prefixes
    /// start with it.
    Started { tid: u32, parent: u32, ns: u64 },
    /// A task left, at `ns`. `group` is true when it was the last task of its process.
    /// `comm`: its name as it left, when the backend took it (the eBPF programs with
    /// `-Y`).
    Exited {
        tid: u32,
        pid: u32,
        status: ExitStatus,
        group: bool,
        ns: u64,
        comm: Option<String>,
    },
    /// What the kernel could not pass on between the previous event and this one (ring
    /// buffer full).
    Lost(Loss),
    /// Per-syscall totals counted by the kernel (`-c`) so far: at the end of the trace,
    /// or at the end of an `--interval` period.
    Totals { totals: Totals, interval_end: bool },
    /// The calls in progress when the trace ends, oldest first (`--diagnose`).
    InProgress { calls: Vec<Syscall>, now_ns: u64 },
    /// The tracer let go of this task (`-b execve`): nothing more of it is traced. A
    /// call shown in progress ends with strace's `<detached ...>`.
    Detached { tid: u32, pid: u32 },
}

/// Lines lost: calls (whose exit record was lost; a call whose entry record alone was
/// lost is shown, with `<entry lost>`), signal lines and exit lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loss {
    pub calls: u64,
    pub signals: u64,
    pub exits: u64,
    /// io_uring operations.
    pub ops: u64,
    /// Runs of the tracer's programs lost to preemption: skipped by the kernel (a
    /// program preempted on a CPU does not run there until it resumes), or whose record
    /// another program spoilt meanwhile (`backend::ebpf::skips`). Not events: which calls
    /// the skipped runs were for, of traced tasks or not, is unknown.
    pub preempted: u64,
}

impl Loss {
    pub fn total(&self) -> u64 {
        self.calls + self.signals + self.exits + self.ops
    }

    /// Why: the ring buffer was full, or (for io_uring operations) more were in flight
    /// than the kernel's pending map holds (`URING_PENDING`, 8192).
    pub fn cause(&self) -> &'static str {
        if self.ops > 0 {
            "ring buffer full, or more io_uring operations in flight than the tracer holds"
        } else {
            "ring buffer full"
        }
    }

    /// The stream's words for it: `12 calls lost (ring buffer full)`, and the runs the
    /// kernel skipped.
    pub fn line(&self) -> String {
        let mut parts = Vec::new();
        if self.total() > 0 {
            parts.push(format!("{} lost ({})", self.describe(), self.cause()));
        }
        if self.preempted > 0 {
            parts.push(format!(
                "{} lost to preemption (the kernel skips a program preempted on its CPU): \
                 calls may be missing",
                plural(self.preempted, "program run")
            ));
        }
        parts.join("; ")
    }

    /// `12 calls, 3 signals and 1 exit`, leaving out what is zero.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            (self.calls, "call"),
            (self.signals, "signal"),
            (self.exits, "exit"),
            (self.ops, "io_uring operation"),
        ]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, what)| plural(n, what))
        .collect();
        match parts.as_slice() {
            [] => "nothing".to_owned(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }
}

/// `1 call`, `2 calls`.
fn plural(n: u64, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// Per-syscall totals by syscall number: counted in the kernel (per CPU, merged) or
/// from events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub by_nr: BTreeMap<u32, SyscallTotals>,
}

impl Totals {
    /// Adds one finished call (what the kernel does in its `count`, whose per-number
    /// array leaves out numbers past it: 32-bit tasks' calls, x32's): its wall-clock
    /// duration and its system CPU time.
    pub fn add_call(&mut self, nr: u32, duration_ns: u64, cpu_ns: u64, failed: bool) {
        if nr >= tracer_common::MAX_SYSCALLS {
            return;
        }
        let t = self.by_nr.entry(nr).or_default();
        let first = t.calls == 0;
        t.calls += 1;
        t.errors += failed as u64;
        t.total_ns += duration_ns;
        t.cpu_ns += cpu_ns;
        if first {
            t.min_ns = duration_ns;
            t.cpu_min_ns = cpu_ns;
        }
        t.min_ns = t.min_ns.min(duration_ns);
        t.max_ns = t.max_ns.max(duration_ns);
        t.cpu_min_ns = t.cpu_min_ns.min(cpu_ns);
        t.cpu_max_ns = t.cpu_max_ns.max(cpu_ns);
        let bucket = (u64::BITS - duration_ns.leading_zeros()) as usize;
        t.hist[bucket.min(HIST_BUCKETS - 1)] += 1;
    }

    /// Adds per-CPU kernel totals for `nr`.
    pub fn add_kernel(&mut self, nr: u32, per_cpu: impl IntoIterator<Item = SyscallTotals>) {
        for cpu in per_cpu {
            if cpu.calls == 0 {
                continue;
            }
            let t = self.by_nr.entry(nr).or_default();
            if t.calls == 0 {
                t.min_ns = cpu.min_ns;
                t.cpu_min_ns = cpu.cpu_min_ns;
            }
            t.calls += cpu.calls;
            t.errors += cpu.errors;
            t.total_ns += cpu.total_ns;
            t.cpu_ns += cpu.cpu_ns;
            t.min_ns = t.min_ns.min(cpu.min_ns);
            t.max_ns = t.max_ns.max(cpu.max_ns);
            t.cpu_min_ns = t.cpu_min_ns.min(cpu.cpu_min_ns);
            t.cpu_max_ns = t.cpu_max_ns.max(cpu.cpu_max_ns);
            for (sum, n) in t.hist.iter_mut().zip(cpu.hist) {
                *sum += n;
            }
        }
    }

    /// What happened since `earlier` (for `--interval`). Minima and maxima cannot be
    /// subtracted; the whole trace's are kept.
    pub fn since(&self, earlier: &Totals) -> Totals {
        let mut delta = Totals::default();
        for (&nr, now) in &self.by_nr {
            let before = earlier.by_nr.get(&nr).copied().unwrap_or_default();
            if now.calls == before.calls {
                continue;
            }
            let mut t = *now;
            t.calls -= before.calls;
            t.errors -= before.errors;
            t.total_ns -= before.total_ns;
            t.cpu_ns -= before.cpu_ns;
            for (h, b) in t.hist.iter_mut().zip(before.hist) {
                *h -= b;
            }
            delta.by_nr.insert(nr, t);
        }
        delta
    }
}

/// CLOCK_MONOTONIC now, in nanoseconds: the clock of every event's time stamps (the
/// kernel's `bpf_ktime_get_ns`).
pub fn now_ns() -> u64 {
    let ts = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .expect("CLOCK_MONOTONIC is always available");
    ts.tv_sec() as u64 * 1_000_000_000 + ts.tv_nsec() as u64
}

/// What file descriptors refer to, for `-y`.
pub trait FdNames {
    /// What `fd` of process `pid` names (before the call being shown changed anything);
    /// `AT_FDCWD` asks for the working directory.
    fn fd_name(&self, pid: u32, fd: i32) -> Option<&str>;
    /// What the descriptor the call returns names.
    fn result_name(&self, pid: u32, fd: i32) -> Option<&str>;
}

/// What the middle stage knows about the traced tasks.
pub trait TaskView {
    /// Whether more than one task was traced at `ns` (CLOCK_MONOTONIC): strace's
    /// `[pid N]` prefixes start then.
    fn many_at(&self, ns: u64) -> bool;
    /// The task's name (`comm`), when known.
    fn comm(&self, tid: u32) -> Option<&str>;
    /// The name its last call's record gave, when the backend takes names at calls
    /// (the task may have changed it since: `/proc` would show the new one).
    fn comm_at_call(&self, _tid: u32) -> Option<&str> {
        None
    }
    /// The container the task runs in (`None`: none, or not known).
    fn container(&self, tid: u32) -> Option<&std::sync::Arc<crate::container::Identity>>;
}

/// What a sink gets with each event besides the event itself.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub tasks: &'a dyn TaskView,
    /// `-y`: the descriptors' names, for output that shows them.
    pub fds: Option<&'a dyn FdNames>,
    /// The descriptors' names whenever they are kept (`-y`, or a report that names
    /// them), whether or not the trace shows them.
    pub names: Option<&'a dyn FdNames>,
}

/// Where events go: formatters and reports. Both backends feed them through the same
/// middle stage, in each task's order.
pub trait Sink {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()>;
    /// Called when the backend has drained a batch: a good moment to flush.
    fn flush(&mut self) -> io::Result<()>;
    /// Whether the sink also gets the completed calls the filters (`-z`, `-Z`,
    /// `--status`, `--min-duration`) keep out of the trace: a report on everything that
    /// happened (`--diagnose`).
    fn sees_filtered(&self) -> bool {
        false
    }
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        (**self).event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn sees_filtered(&self) -> bool {
        (**self).sees_filtered()
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        (**self).event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn sees_filtered(&self) -> bool {
        (**self).sees_filtered()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loss_names_what_was_lost() {
        let loss = |calls, signals, exits| Loss {
            calls,
            signals,
            exits,
            ..Loss::default()
        };
        assert_eq!(loss(1, 0, 0).describe(), "1 call");
        assert_eq!(loss(12, 0, 2).describe(), "12 calls and 2 exits");
        assert_eq!(loss(12, 3, 1).describe(), "12 calls, 3 signals and 1 exit");
        assert_eq!(loss(12, 3, 1).total(), 16);
        let ops = Loss {
            ops: 2,
            ..loss(1, 0, 0)
        };
        assert_eq!(ops.describe(), "1 call and 2 io_uring operations");
        // Skipped program runs are not events: said apart, with what they mean.
        let skipped = Loss {
            preempted: 3,
            ..loss(2, 0, 0)
        };
        assert_eq!(skipped.total(), 2);
        assert_eq!(
            skipped.line(),
            "2 calls lost (ring buffer full); 3 program runs lost to preemption (the \
             kernel skips a program preempted on its CPU): calls may be missing"
        );
        let only_skipped = Loss {
            preempted: 1,
            ..Loss::default()
        };
        assert!(
            only_skipped
                .line()
                .starts_with("1 program run lost to preemption")
        );
    }

    #[test]
    fn wait_statuses_decode_as_waitpid_does() {
        assert_eq!(ExitStatus::from_wait_status(3 << 8), ExitStatus::Exited(3));
        assert_eq!(
            ExitStatus::from_wait_status(15),
            ExitStatus::Killed {
                signal: 15,
                core_dumped: false
            }
        );
        assert_eq!(
            ExitStatus::from_wait_status(6 | 0x80),
            ExitStatus::Killed {
                signal: 6,
                core_dumped: true
            }
        );
    }
}
