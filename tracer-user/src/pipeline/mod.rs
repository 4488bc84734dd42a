//! The middle stage both backends feed: what is the same whichever backend ran. It
//! applies the result, duration and path filters where the kernel did not (ptrace),
//! keeps the `-y` fd table and the tasks (their processes, start times and names), and
//! hands each event on to the sinks with a [`Context`] that answers from them.

pub mod fds;
pub mod outcome;
pub mod procfs;
pub mod sockinfo;
pub mod tasks;

use std::{collections::HashSet, io};

use crate::{
    config::{Config, Target},
    event::{Context, Event, FdNames, Sink, Syscall},
    qualifiers::{NumberSet, TraceSet},
    syscalls,
};
use fds::{CallView, FdTable};
use outcome::{OutcomeFilter, Verdict};
use tasks::{Tasks, Wanted};

pub struct Pipeline<'a> {
    /// The filters, when the backend did not apply them in the kernel.
    outcome: Option<OutcomeFilter>,
    tasks: Tasks,
    fds: Option<FdTable>,
    /// The trace shows what the descriptors name (`-y`); else the table, if kept, is for
    /// the reports.
    show_fds: bool,
    sinks: Vec<&'a mut dyn Sink>,
    /// `-e signal=`: the signals whose delivery is shown.
    signals: NumberSet,
    /// The calls shown, when the backends trace more than that (`-b execve` needs every
    /// exec).
    shown: Option<TraceSet>,
    /// `--syscall-limit`: calls still to show.
    left: Option<u64>,
    /// `-b execve`.
    detach: Option<Detach>,
    /// `TRACER_TEST_FAIL_AFTER=N`: fail after N events, as an internal error of the
    /// tracer would, for the tests of what such a failure leaves behind.
    fail_after: Option<u64>,
}

/// `-b execve`'s state: which processes were let go.
struct Detach {
    /// The launched command's own exec is not one to detach at.
    first_exec_pending: bool,
    detached: HashSet<u32>,
    /// Let go of by the pipeline, not yet by the backend.
    pending: Vec<u32>,
}

impl<'a> Pipeline<'a> {
    /// `filtered_upstream`: the backend applied the result, duration and path filters
    /// already (in the kernel). `want`: the task facts the sinks show.
    pub fn new(cfg: &Config, filtered_upstream: bool, want: Wanted) -> Self {
        let initial = match &cfg.target {
            Target::Attach(pids) => pids.clone(),
            Target::Command(_) => cfg.also_attach.clone(),
            Target::Cgroup(_) => Vec::new(),
        };
        let outcome = (!filtered_upstream).then(|| {
            let forms = cfg.path_forms();
            let seeds = if cfg.paths.is_empty() {
                Vec::new()
            } else {
                initial
                    .iter()
                    .flat_map(|&pid| {
                        outcome::fds_open_on(pid, &forms)
                            .into_iter()
                            .map(move |fd| (pid, fd))
                    })
                    .collect()
            };
            OutcomeFilter::new(cfg.kernel, forms, seeds)
        });
        let fds = (cfg.out.decode_fds > 0 || cfg.diagnose).then(|| {
            let complete = cfg.trace_set().is_all();
            // (The kernel programs follow them: the eBPF backend, which filters upstream.)
            let follows_cwd = filtered_upstream
                && syscalls::all().any(|sc| {
                    sc.effect == syscalls::Effect::Chdir && cfg.follows_fds_untraced(sc.nr)
                });
            FdTable::new(cfg.out.decode_fd_kinds, cfg.target_is_command(), complete)
                .following_cwd(follows_cwd)
        });
        let shown = &cfg.qualifiers.trace;
        Self {
            outcome,
            tasks: Tasks::new(&initial, cfg.follow_forks, want),
            fds,
            show_fds: cfg.out.decode_fds > 0,
            sinks: Vec::new(),
            signals: cfg.qualifiers.signals.clone(),
            shown: (shown != cfg.trace_set()
                || syscalls::all().any(|sc| cfg.follows_fds_untraced(sc.nr)))
            .then(|| shown.clone()),
            left: cfg.syscall_limit,
            detach: cfg.detach_on_execve.then(|| Detach {
                first_exec_pending: cfg.target_is_command(),
                detached: HashSet::new(),
                pending: Vec::new(),
            }),
            fail_after: std::env::var("TRACER_TEST_FAIL_AFTER")
                .ok()
                .and_then(|n| n.parse().ok()),
        }
    }

    /// Whether `--syscall-limit` calls have been shown: the backend stops tracing.
    pub fn limit_reached(&self) -> bool {
        self.left == Some(0)
    }

    /// Processes `-b execve` let go of since the last call, for the backend to release.
    pub fn take_detached(&mut self) -> Vec<u32> {
        self.detach
            .as_mut()
            .map(|d| std::mem::take(&mut d.pending))
            .unwrap_or_default()
    }

    /// Whether `event` is dropped before anything looks at it: the limit was reached, or
    /// its process was let go of.
    fn gone(&self, event: &Event) -> bool {
        if self.limit_reached() {
            return true;
        }
        let pid = match event {
            Event::Entered(c) | Event::Completed(c) => Some(c.pid),
            Event::Signal { pid, .. } | Event::Exited { pid, .. } => Some(*pid),
            Event::IoUring(op) => Some(op.pid),
            _ => None,
        };
        pid.zip(self.detach.as_ref())
            .is_some_and(|(pid, d)| d.detached.contains(&pid))
    }

    /// Whether the user's filters leave `event` out (calls the backends trace only for
    /// `-b`, signals `-e signal=` hides).
    fn hidden(&self, event: &Event) -> bool {
        match event {
            Event::Entered(c) | Event::Completed(c) => {
                self.shown.as_ref().is_some_and(|s| !s.contains(c.nr))
            }
            Event::Signal { signal, .. } => !self.signals.contains(*signal as u32),
            Event::IoUring(op) => self
                .shown
                .as_ref()
                .is_some_and(|s| !s.contains_op(op.opcode)),
            _ => false,
        }
    }

    /// `-b execve`: a process that execs (after the launched command's own exec) is let
    /// go of, its exec shown unfinished and `<detached ...>`, as strace shows it.
    fn detaches_at(&mut self, call: &Syscall) -> bool {
        let Some(d) = self.detach.as_mut() else {
            return false;
        };
        let exec = syscalls::name(call.nr).is_some_and(|n| n == "execve" || n == "execveat");
        if !exec || call.failed() || call.ret.is_none() {
            return false;
        }
        if std::mem::take(&mut d.first_exec_pending) {
            return false;
        }
        d.detached.insert(call.pid);
        d.pending.push(call.pid);
        true
    }

    pub fn push(&mut self, sink: &'a mut dyn Sink) {
        self.sinks.push(sink);
    }

    /// One event from the backend, in its task's order.
    pub fn event(&mut self, event: Event) -> io::Result<()> {
        if let Some(left) = self.fail_after.as_mut() {
            if *left == 0 {
                return Err(io::Error::other(
                    "failing as asked (TRACER_TEST_FAIL_AFTER)",
                ));
            }
            *left -= 1;
        }
        if self.gone(&event) {
            return Ok(());
        }
        if let Event::Completed(call) = &event
            && self.detaches_at(call)
        {
            // Shown as strace shows it when the trace set has the exec, else let go of
            // without a word.
            if self.hidden(&event) {
                return Ok(());
            }
            let (tid, pid) = (call.tid, call.pid);
            self.deliver(Event::Entered(call.clone()), false)?;
            return self.deliver(Event::Detached { tid, pid }, false);
        }
        if self.hidden(&event) {
            // A call traced only for what it does to the descriptors (`-y` on eBPF).
            if let (Event::Completed(call), Some(table)) = (&event, self.fds.as_mut()) {
                // (A child it starts begins with its table: a `chdir` before the fork.)
                self.tasks.in_process(call.tid, call.pid);
                table.follow(call);
            }
            return Ok(());
        }
        if let (Event::Completed(call), Some(filter)) = (&event, self.outcome.as_mut()) {
            match filter.verdict(call) {
                Verdict::Shown => {}
                Verdict::Filtered => return self.deliver(event, true),
                Verdict::Dropped => return Ok(()),
            }
        }
        if let (Event::Completed(_), Some(left)) = (&event, self.left.as_mut()) {
            *left -= 1;
        }
        self.deliver(event, false)
    }

    /// A completed call the kernel's filters keep out of the trace, sent for the reports
    /// that see every call (`--diagnose`).
    pub fn filtered(&mut self, call: Syscall) -> io::Result<()> {
        self.deliver(Event::Completed(call), true)
    }

    /// Hands `event` to the sinks with what the middle stage knows; `filtered`: only to
    /// the sinks that see filtered calls.
    fn deliver(&mut self, event: Event, filtered: bool) -> io::Result<()> {
        if filtered && !self.sinks.iter().any(|s| s.sees_filtered()) {
            return Ok(());
        }
        self.tasks.before(&event);
        let mut before = None;
        if let Some(table) = self.fds.as_mut() {
            match &event {
                Event::Started { tid, parent, .. } => {
                    if let Some(parent) = self.tasks.pid_of(*parent) {
                        table.started(*tid, parent);
                    }
                }
                Event::Exited { tid, .. } => table.exited(*tid),
                Event::Entered(call) => table.prepare(call),
                Event::Completed(call) => {
                    table.prepare(call);
                    before = table.before(call);
                    table.apply(call);
                }
                _ => {}
            }
        }
        let view = self.fds.as_ref().map(|table| CallView {
            table,
            before: before.as_ref(),
        });
        let names = view.as_ref().map(|v| v as &dyn FdNames);
        let ctx = Context {
            tasks: &self.tasks,
            fds: names.filter(|_| self.show_fds),
            names,
        };
        for sink in &mut self.sinks {
            if !filtered || sink.sees_filtered() {
                sink.event(&event, &ctx)?;
            }
        }
        self.tasks.after(&event);
        if let (
            Event::Exited {
                pid, group: true, ..
            },
            Some(table),
        ) = (&event, self.fds.as_mut())
        {
            table.forget(*pid);
        }
        Ok(())
    }

    /// The backend drained a batch.
    pub fn flush(&mut self) -> io::Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.flush())
    }
}
