//! The one event model. Both backends (eBPF and ptrace) turn what the kernel tells them
//! into these values; decoders and formatters consume them and never know which backend
//! produced them.

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
}

impl Syscall {
    #[allow(dead_code, reason = "for the argument decoders")]
    pub fn capture(&self, arg: usize) -> Option<&Capture> {
        self.captures.iter().find(|c| c.arg as usize == arg)
    }

    pub fn duration_ns(&self) -> Option<u64> {
        self.exit_ns.map(|exit| exit.saturating_sub(self.enter_ns))
    }
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
    /// A signal delivered to a task (`--- SIGCHLD {...} ---`); `info` is preformatted.
    #[allow(dead_code, reason = "produced by the ptrace backend")]
    Signal {
        tid: u32,
        pid: u32,
        signal: i32,
        info: String,
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
}
