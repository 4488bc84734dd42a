//! strace's text output: one line per call, `<unfinished ...>` / `<... resumed>` when
//! another task's line interrupts a call in progress, `+++ exited with N +++` at the end.

use std::{
    cell::RefCell,
    collections::HashMap,
    fmt::Write as _,
    io::{self, Write},
    rc::Rc,
};

use super::{
    Sink,
    fds::FdTable,
    time::{Clock, Stamper},
};
use crate::{
    cli::Timestamps,
    decode::{self, ArgsPart, DecodeOptions, FdNames},
    event::{Event, ExitStatus, Syscall},
    syscalls,
};

/// strace aligns the return value at this column.
const RETURN_COLUMN: usize = 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidPrefix {
    /// `[pid  123] ` once more than one task is traced (output to a terminal/stderr).
    WhenMany,
    /// `123   ` on every line (strace's `-o FILE -f`).
    Always,
    /// No prefix: one task per output (`-ff`).
    Never,
}

#[derive(Clone, Debug)]
pub struct TextOptions {
    pub syscall_times: bool,
    pub pid_prefix: PidPrefix,
    pub decode: DecodeOptions,
    pub timestamps: Timestamps,
    pub clock: Clock,
    /// `+++ exited with N +++` lines (`-qq` turns them off).
    pub exit_lines: bool,
    /// `-y`: the fd table, shared by every formatter of the run.
    pub fds: Option<Rc<RefCell<FdTable>>>,
}

pub struct TextFormatter<W: Write> {
    out: W,
    opts: TextOptions,
    /// The task whose line is open (printed up to its arguments, waiting for the return)
    /// and how many columns of it are already out.
    open_line: Option<(u32, usize)>,
    /// Calls shown as in progress, by task, with their entry time.
    in_progress: HashMap<u32, u64>,
    /// Tasks currently traced, as far as the events tell: decides the `[pid N]` prefix.
    tasks: HashMap<u32, Task>,
    line: String,
    stamper: Stamper,
}

/// A traced task, for the `[pid N]` prefix.
#[derive(Clone, Copy)]
struct Task {
    /// Its process (0 while unknown).
    pid: u32,
    /// When it started (CLOCK_MONOTONIC; 0 for tasks traced from the start). strace
    /// decides a line's prefix when the line starts, at the call's entry: a child a
    /// `clone` creates does not prefix the `clone` line itself.
    since: u64,
}

impl<W: Write> TextFormatter<W> {
    pub fn new(out: W, opts: TextOptions, initial_tasks: &[u32]) -> Self {
        Self {
            out,
            open_line: None,
            in_progress: HashMap::new(),
            tasks: initial_tasks
                .iter()
                .map(|&pid| (pid, Task { pid, since: 0 }))
                .collect(),
            line: String::with_capacity(256),
            stamper: Stamper::new(opts.clock, opts.timestamps),
            opts,
        }
    }

    fn prefix(&mut self, tid: u32, ns: Option<u64>) {
        let at = ns.unwrap_or(u64::MAX);
        let many = || self.tasks.values().filter(|t| t.since <= at).count() > 1;
        match self.opts.pid_prefix {
            PidPrefix::Always => {
                let _ = write!(self.line, "{tid:<5} ");
            }
            PidPrefix::WhenMany if many() => {
                let _ = write!(self.line, "[pid {tid:>5}] ");
            }
            PidPrefix::WhenMany | PidPrefix::Never => {}
        }
    }

    /// Starts a new line for `tid` about something at `ns` (CLOCK_MONOTONIC; now when
    /// `None`), closing another task's open line first.
    fn begin(&mut self, tid: u32, ns: Option<u64>) -> io::Result<()> {
        self.tasks.entry(tid).or_insert(Task { pid: 0, since: 0 });
        if let Some((open, _)) = self.open_line.take() {
            if open == tid {
                // Same task, new line: its call in progress ended without an exit record.
                self.out.write_all(b"\n")?;
            } else {
                self.out.write_all(b" <unfinished ...>\n")?;
            }
        }
        self.line.clear();
        self.prefix(tid, ns);
        if self.stamper.enabled() {
            let ns = ns.unwrap_or_else(crate::backend::ebpf::monotonic_ns);
            self.stamper.write(&mut self.line, ns);
        }
        Ok(())
    }

    fn name(nr: u32) -> std::borrow::Cow<'static, str> {
        match syscalls::name(nr) {
            Some(name) => name.into(),
            None => format!("syscall_{nr:#x}").into(),
        }
    }

    /// Writes `call`'s arguments (`part` of them), with fd names under `-y`.
    fn args(&mut self, call: &Syscall, part: ArgsPart) {
        let Some(table) = &self.opts.fds else {
            decode::write_args(&mut self.line, call, &self.opts.decode, part);
            return;
        };
        table.borrow_mut().prepare(call);
        let names = &*table.borrow();
        decode::write_args_named(&mut self.line, call, &self.opts.decode, part, Some(names));
    }

    fn entered(&mut self, call: &Syscall) -> io::Result<()> {
        self.begin(call.tid, Some(call.enter_ns))?;
        self.line.push_str(&Self::name(call.nr));
        self.line.push('(');
        self.args(call, ArgsPart::Entering);
        self.out.write_all(self.line.as_bytes())?;
        self.open_line = Some((call.tid, self.line.chars().count()));
        self.in_progress.insert(call.tid, call.enter_ns);
        Ok(())
    }

    fn completed(&mut self, call: &Syscall) -> io::Result<()> {
        let resumed = self.in_progress.remove(&call.tid) == Some(call.enter_ns);
        let mut column_offset = 0;
        if let (true, Some((tid, columns))) = (resumed, self.open_line)
            && tid == call.tid
        {
            // Nothing interrupted the line: finish it in place.
            self.open_line = None;
            column_offset = columns;
            self.line.clear();
            self.args(call, ArgsPart::Resumed);
        } else {
            let name = Self::name(call.nr);
            if resumed {
                self.begin(call.tid, call.exit_ns)?;
                let _ = write!(self.line, "<... {name} resumed>");
                self.args(call, ArgsPart::Resumed);
            } else {
                self.begin(call.tid, Some(call.enter_ns))?;
                self.line.push_str(&name);
                self.line.push('(');
                self.args(call, ArgsPart::All);
            }
        }
        self.line.push(')');
        // Pad so the return value starts at strace's column; the prefix counts too.
        let column = column_offset + self.line.chars().count();
        if column < RETURN_COLUMN {
            self.line
                .extend(std::iter::repeat_n(' ', RETURN_COLUMN - column));
        } else {
            self.line.push(' ');
        }
        self.line.push_str("= ");
        decode::write_return(&mut self.line, call);
        if let Some(table) = &self.opts.fds {
            table.borrow_mut().apply(call);
            if let Some(name) =
                super::fds::returned_fd(call).and_then(|fd| table.borrow().fd_name(call.pid, fd))
            {
                let _ = write!(self.line, "<{name}>");
            }
        }
        if self.opts.syscall_times
            && let Some(ns) = call.duration_ns()
        {
            let _ = write!(
                self.line,
                " <{}.{:06}>",
                ns / 1_000_000_000,
                (ns % 1_000_000_000) / 1000
            );
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.tasks
            .entry(call.tid)
            .or_insert(Task { pid: 0, since: 0 })
            .pid = call.pid;
        if is_exec(call) {
            // The process's other threads are gone; the exec'ing one carries on alone.
            self.tasks
                .retain(|&tid, t| tid == call.tid || (t.pid != call.pid && tid != call.pid));
        }
        Ok(())
    }

    fn exited(&mut self, tid: u32, pid: u32, status: ExitStatus, group: bool) -> io::Result<()> {
        if let (true, Some(table)) = (group, &self.opts.fds) {
            table.borrow_mut().forget(pid);
        }
        if !self.opts.exit_lines {
            self.in_progress.remove(&tid);
            self.tasks.remove(&tid);
            return Ok(());
        }
        self.begin(tid, None)?;
        match status {
            ExitStatus::Exited(code) => {
                let _ = write!(self.line, "+++ exited with {code} +++");
            }
            ExitStatus::Killed {
                signal,
                core_dumped,
            } => {
                let name = decode::signal_name(signal)
                    .map(str::to_owned)
                    .unwrap_or_else(|| signal.to_string());
                let core = if core_dumped { " (core dumped)" } else { "" };
                let _ = write!(self.line, "+++ killed by {name}{core} +++");
            }
            ExitStatus::Unknown => self.line.push_str("+++ exited with ? +++"),
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.in_progress.remove(&tid);
        self.tasks.remove(&tid);
        Ok(())
    }
}

/// A successful `execve`/`execveat`.
fn is_exec(call: &Syscall) -> bool {
    matches!(crate::syscalls::name(call.nr), Some("execve" | "execveat")) && call.ret == Some(0)
}

impl<W: Write> Sink for TextFormatter<W> {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        match event {
            Event::Entered(call) => self.entered(call),
            Event::Completed(call) => self.completed(call),
            Event::Signal { tid, info, .. } => {
                self.begin(*tid, None)?;
                let _ = writeln!(self.line, "--- {info} ---");
                self.out.write_all(self.line.as_bytes())
            }
            Event::Exited {
                tid,
                pid,
                status,
                group,
            } => self.exited(*tid, *pid, *status, *group),
            // Reported on stderr by the run loop; the text trace has no line for it.
            Event::Lost { .. } => Ok(()),
            Event::Started { tid, parent, ns } => {
                // A thread shares its parent's process; a forked child corrects this
                // with its first line.
                let pid = self.tasks.get(parent).map_or(0, |t| t.pid);
                self.tasks.entry(*tid).or_insert(Task { pid, since: *ns });
                Ok(())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
