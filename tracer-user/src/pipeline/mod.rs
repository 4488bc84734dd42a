//! The middle stage both backends feed: what is the same whichever backend ran. It
//! applies the result, duration and path filters where the kernel did not (ptrace),
//! keeps the `-y` fd table and the tasks (their processes, start times and names), and
//! hands each event on to the sinks with a [`Context`] that answers from them.

pub mod fds;
pub mod outcome;
mod procfs;
pub mod tasks;

use std::io;

use crate::{
    config::{Config, Target},
    event::{Context, Event, FdNames, Sink},
};
use fds::{CallView, FdTable};
use outcome::OutcomeFilter;
use tasks::{Tasks, Wanted};

pub struct Pipeline<'a> {
    /// The filters, when the backend did not apply them in the kernel.
    outcome: Option<OutcomeFilter>,
    tasks: Tasks,
    fds: Option<FdTable>,
    sinks: Vec<&'a mut dyn Sink>,
}

impl<'a> Pipeline<'a> {
    /// `filtered_upstream`: the backend applied the result, duration and path filters
    /// already (in the kernel). `want`: the task facts the sinks show.
    pub fn new(cfg: &Config, filtered_upstream: bool, want: Wanted) -> Self {
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
        Self {
            outcome,
            tasks: Tasks::new(&initial, want),
            fds,
            sinks: Vec::new(),
        }
    }

    pub fn push(&mut self, sink: &'a mut dyn Sink) {
        self.sinks.push(sink);
    }

    /// One event from the backend, in its task's order.
    pub fn event(&mut self, event: Event) -> io::Result<()> {
        if let (Event::Completed(call), Some(filter)) = (&event, self.outcome.as_mut())
            && !filter.admits(call)
        {
            return Ok(());
        }
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
