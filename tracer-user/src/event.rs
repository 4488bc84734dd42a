//! The one event model. Both backends (eBPF and ptrace) turn what the kernel tells them
//! into these values and hand them to the shared middle stage (`pipeline`), which passes
//! them on to the sinks (formatters, reports) with a [`Context`]. Nothing downstream
//! knows which backend produced an event.

use std::{collections::BTreeMap, io};

use tracer_common::{HIST_BUCKETS, SIGINFO_BYTES, SyscallTotals};

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
}

impl Syscall {
    /// The first copy of argument `arg`'s memory.
    pub fn capture(&self, arg: usize) -> Option<&Capture> {
        self.captures.iter().find(|c| c.arg as usize == arg)
    }

    pub fn duration_ns(&self) -> Option<u64> {
        self.exit_ns.map(|exit| exit.saturating_sub(self.enter_ns))
    }

    /// Whether the call returned an error (-4095..-1, the kernel's errno range).
    pub fn failed(&self) -> bool {
        self.ret.is_some_and(|r| (-4095..0).contains(&r))
    }

    /// The return value of a call that returned and succeeded.
    pub fn success(&self) -> Option<u64> {
        self.ret.filter(|_| !self.failed()).map(|r| r as u64)
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A call that has been in progress long enough to show (strace's `read(0, `).
    Entered(Syscall),
    /// A completed call (or, for one that never returned, `ret == None`).
    Completed(Syscall),
    /// A signal delivered to a task (`--- SIGCHLD {...} ---`).
    Signal {
        tid: u32,
        pid: u32,
        signal: i32,
        info: SignalInfo,
    },
    /// A traced task started another (fork, vfork, thread) that is traced too, at `ns`
    /// (CLOCK_MONOTONIC). Nothing is printed for it, but strace's `[pid N]` prefixes
    /// start with it.
    Started { tid: u32, parent: u32, ns: u64 },
    /// A task left. `group` is true when it was the last task of its process.
    Exited {
        tid: u32,
        pid: u32,
        status: ExitStatus,
        group: bool,
    },
    /// Records lost between the previous event and this one.
    Lost { count: u64 },
    /// Per-syscall totals counted by the kernel (`-c`) so far: at the end of the trace,
    /// or at the end of an `--interval` period.
    Totals { totals: Totals, interval_end: bool },
    /// The calls in progress when the trace ends, oldest first (`--diagnose`).
    InProgress { calls: Vec<Syscall>, now_ns: u64 },
    /// The tracer let go of this task (`-b execve`): nothing more of it is traced. A
    /// call shown in progress ends with strace's `<detached ...>`.
    Detached { tid: u32, pid: u32 },
}

/// Per-syscall totals by syscall number: counted in the kernel (per CPU, merged) or
/// from events.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub by_nr: BTreeMap<u32, SyscallTotals>,
}

impl Totals {
    /// Adds one finished call (what the kernel does in its `count`, whose per-number
    /// array leaves out numbers past it: 32-bit tasks' calls, x32's).
    pub fn add_call(&mut self, nr: u32, duration_ns: u64, failed: bool) {
        if nr >= tracer_common::MAX_SYSCALLS {
            return;
        }
        let t = self.by_nr.entry(nr).or_default();
        t.calls += 1;
        t.errors += failed as u64;
        t.total_ns += duration_ns;
        t.max_ns = t.max_ns.max(duration_ns);
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
            t.calls += cpu.calls;
            t.errors += cpu.errors;
            t.total_ns += cpu.total_ns;
            t.max_ns = t.max_ns.max(cpu.max_ns);
            for (sum, n) in t.hist.iter_mut().zip(cpu.hist) {
                *sum += n;
            }
        }
    }

    /// What happened since `earlier` (for `--interval`). Maxima cannot be subtracted; the
    /// current ones are kept.
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
}

/// What a sink gets with each event besides the event itself.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub tasks: &'a dyn TaskView,
    /// `-y`: the descriptors' names.
    pub fds: Option<&'a dyn FdNames>,
}

/// Where events go: formatters and reports. Both backends feed them through the same
/// middle stage, in each task's order.
pub trait Sink {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()>;
    /// Called when the backend has drained a batch: a good moment to flush.
    fn flush(&mut self) -> io::Result<()>;
}

impl<S: Sink + ?Sized> Sink for Box<S> {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        (**self).event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        (**self).event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }
}
