//! The middle stage both backends feed: what is the same whichever backend ran. It
//! applies the result, duration and path filters where the kernel did not (ptrace),
//! keeps the `-y` fd table and the tasks (their processes, start times and names), and
//! hands each event on to the sinks with a [`Context`] that answers from them.

pub mod fds;
pub mod outcome;
mod procfs;
pub mod tasks;

use std::{collections::HashSet, io};

use crate::{
    config::{Config, Target},
    event::{Context, Event, FdNames, Sink, Syscall},
    qualifiers::{NumberSet, TraceSet},
    syscalls,
};
use fds::{CallView, FdTable};
use outcome::OutcomeFilter;
use tasks::Tasks;

pub struct Pipeline<'a> {
    /// The filters, when the backend did not apply them in the kernel.
    outcome: Option<OutcomeFilter>,
    tasks: Tasks,
    fds: Option<FdTable>,
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
    /// already (in the kernel). `want_comm`: a sink shows task names.
    pub fn new(cfg: &Config, filtered_upstream: bool, want_comm: bool) -> Self {
        let initial = match &cfg.target {
            Target::Attach(pids) => pids.clone(),
            Target::Command(_) | Target::Cgroup(_) => Vec::new(),
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
            OutcomeFilter::new(cfg.kernel, seeds)
        });
        let fds = (cfg.out.decode_fds > 0).then(|| {
            let complete = cfg.trace_set().is_all();
            FdTable::new(cfg.out.decode_fds > 1, cfg.target_is_command(), complete)
        });
        let shown = &cfg.qualifiers.trace;
        Self {
            outcome,
            tasks: Tasks::new(&initial, want_comm),
            fds,
            sinks: Vec::new(),
            signals: cfg.qualifiers.signals.clone(),
            shown: (shown != cfg.trace_set()).then(|| shown.clone()),
            left: cfg.syscall_limit,
            detach: cfg.detach_on_execve.then(|| Detach {
                first_exec_pending: cfg.target_is_command(),
                detached: HashSet::new(),
                pending: Vec::new(),
            }),
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
            self.deliver(Event::Entered(call.clone()))?;
            return self.deliver(Event::Detached { tid, pid });
        }
        if self.hidden(&event) {
            return Ok(());
        }
        if let (Event::Completed(call), Some(filter)) = (&event, self.outcome.as_mut())
            && !filter.admits(call)
        {
            return Ok(());
        }
        if let (Event::Completed(_), Some(left)) = (&event, self.left.as_mut()) {
            *left -= 1;
        }
        self.deliver(event)
    }

    /// Hands `event` to the sinks with what the middle stage knows.
    fn deliver(&mut self, event: Event) -> io::Result<()> {
        self.tasks.before(&event);
        let mut before = None;
        if let Some(table) = self.fds.as_mut() {
            match &event {
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
        let ctx = Context {
            tasks: &self.tasks,
            fds: view.as_ref().map(|v| v as &dyn FdNames),
        };
        for sink in &mut self.sinks {
            sink.event(&event, &ctx)?;
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
