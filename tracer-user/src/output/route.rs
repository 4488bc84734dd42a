//! Sinks made on demand: one per task (`-ff`), or one opened at the first event (`-o`
//! names with `%p`, which is not known before the command starts).

use std::io;

use foldhash::{HashMap, HashMapExt};

use crate::event::{Context, Event, Sink};

/// Makes the sink for a task (or process) id.
pub type Factory = Box<dyn FnMut(u32) -> io::Result<Box<dyn Sink>>>;

/// `-ff`: each task's events go to its own sink, closed when the task exits.
pub struct PerTask {
    make: Factory,
    open: HashMap<u32, Box<dyn Sink>>,
}

impl PerTask {
    pub fn new(make: Factory) -> Self {
        Self {
            make,
            open: HashMap::new(),
        }
    }

    fn sink(&mut self, tid: u32) -> io::Result<&mut Box<dyn Sink>> {
        if !self.open.contains_key(&tid) {
            let sink = (self.make)(tid)?;
            self.open.insert(tid, sink);
        }
        Ok(self.open.get_mut(&tid).expect("inserted above"))
    }
}

impl Sink for PerTask {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        let tid = match event {
            Event::Entered(c) | Event::Completed(c) => c.tid,
            Event::IoUring(op) => op.tid,
            Event::Signal { tid, .. } | Event::Detached { tid, .. } => *tid,
            Event::Exited { tid, .. } => {
                let tid = *tid;
                self.sink(tid)?.event(event, ctx)?;
                // Its file is complete: close it, so long traces do not run out of fds.
                if let Some(mut sink) = self.open.remove(&tid) {
                    sink.flush()?;
                }
                return Ok(());
            }
            // No line, and no file before the task has one; reports are not lines.
            Event::Started { .. } | Event::Totals { .. } | Event::InProgress { .. } => {
                return Ok(());
            }
            // A gap concerns every task.
            Event::Lost(_) => {
                for sink in self.open.values_mut() {
                    sink.event(event, ctx)?;
                }
                return Ok(());
            }
        };
        self.sink(tid)?.event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.open.values_mut().try_for_each(|s| s.flush())
    }
}

/// A sink created at the first event, for the process that event is about.
pub struct Lazy {
    make: Factory,
    sink: Option<Box<dyn Sink>>,
}

impl Lazy {
    pub fn new(make: Factory) -> Self {
        Self { make, sink: None }
    }
}

impl Sink for Lazy {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        if self.sink.is_none() {
            let pid = match event {
                Event::Entered(c) | Event::Completed(c) => c.pid,
                Event::IoUring(op) => op.pid,
                Event::Signal { pid, .. }
                | Event::Exited { pid, .. }
                | Event::Detached { pid, .. } => *pid,
                Event::Lost(_) => 0,
                Event::Started { .. } | Event::Totals { .. } | Event::InProgress { .. } => {
                    return Ok(());
                }
            };
            self.sink = Some((self.make)(pid)?);
        }
        self.sink.as_mut().expect("set above").event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sink.as_mut().map_or(Ok(()), |s| s.flush())
    }
}
