//! strace's text output: one line per call, `<unfinished ...>` / `<... resumed>` when
//! another task's line interrupts a call in progress, `+++ exited with N +++` at the end.

use std::{
    collections::{HashMap, HashSet},
    fmt::Write as _,
    io::{self, Write},
};

use crate::{
    config::Timestamps,
    decode::{self, ArgsPart, DecodeOptions},
    event::{Context, Event, ExitStatus, Sink, Syscall, now_ns},
    output::{
        PidPrefix,
        time::{Clock, Stamper},
    },
    syscalls,
};

/// strace aligns the return value at this column.
const RETURN_COLUMN: usize = 40;

#[derive(Clone, Debug)]
pub struct TextOptions {
    pub syscall_times: bool,
    pub pid_prefix: PidPrefix,
    pub decode: DecodeOptions,
    pub timestamps: Timestamps,
    pub clock: Clock,
    /// `+++ exited with N +++` lines (`-qq` turns them off).
    pub exit_lines: bool,
    /// `[ Process PID=N runs in 32 bit mode. ]` lines (`-q` turns them off).
    pub personality_lines: bool,
}

pub struct TextFormatter<W: Write> {
    out: W,
    opts: TextOptions,
    /// The task whose line is open (printed up to its arguments, waiting for the return)
    /// and how many columns of it are already out.
    open_line: Option<(u32, usize)>,
    /// Calls shown as in progress, by task, with their entry time.
    in_progress: HashMap<u32, u64>,
    /// Tasks whose last call was a 32-bit (compat) one.
    compat: HashSet<u32>,
    line: String,
    stamper: Stamper,
}

impl<W: Write> TextFormatter<W> {
    pub fn new(out: W, opts: TextOptions) -> Self {
        Self {
            out,
            open_line: None,
            in_progress: HashMap::new(),
            compat: HashSet::new(),
            line: String::with_capacity(256),
            stamper: Stamper::new(opts.clock, opts.timestamps),
            opts,
        }
    }

    /// strace decides a line's prefix when the line starts (a call's entry): a child a
    /// `clone` creates does not prefix the `clone` line itself.
    fn prefix(&mut self, ctx: &Context, tid: u32, ns: Option<u64>) {
        let at = ns.unwrap_or(u64::MAX);
        let many = || ctx.tasks.many_at(at);
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
    fn begin(&mut self, ctx: &Context, tid: u32, ns: Option<u64>) -> io::Result<()> {
        if let Some((open, _)) = self.open_line.take() {
            if open == tid {
                // Same task, new line: its call in progress ended without an exit record.
                self.out.write_all(b"\n")?;
            } else {
                self.out.write_all(b" <unfinished ...>\n")?;
            }
        }
        self.line.clear();
        self.prefix(ctx, tid, ns);
        if self.stamper.enabled() {
            let ns = ns.unwrap_or_else(now_ns);
            self.stamper.write(&mut self.line, ns);
        }
        Ok(())
    }

    fn name(nr: u32) -> std::borrow::Cow<'static, str> {
        syscalls::display_name(nr)
    }

    /// strace's line when a task starts or stops making 32-bit (compat) calls, before
    /// the first call of its new personality.
    fn personality(&mut self, ctx: &Context, call: &Syscall) -> io::Result<()> {
        let compat = tracer_common::compat_nr(call.nr).is_some();
        let changed = if compat {
            self.compat.insert(call.tid)
        } else {
            self.compat.remove(&call.tid)
        };
        if !changed || !self.opts.personality_lines {
            return Ok(());
        }
        self.begin(ctx, call.tid, Some(call.enter_ns))?;
        let mode = if compat { "32 bit" } else { "64 bit" };
        let _ = writeln!(
            self.line,
            "[ Process PID={} runs in {mode} mode. ]",
            call.tid
        );
        self.out.write_all(self.line.as_bytes())
    }

    /// Writes `call`'s arguments (`part` of them), with fd names under `-y`.
    fn args(&mut self, ctx: &Context, call: &Syscall, part: ArgsPart) {
        decode::write_args(&mut self.line, call, &self.opts.decode, part, ctx.fds);
    }

    fn entered(&mut self, ctx: &Context, call: &Syscall) -> io::Result<()> {
        self.personality(ctx, call)?;
        self.begin(ctx, call.tid, Some(call.enter_ns))?;
        self.line.push_str(&Self::name(call.nr));
        self.line.push('(');
        self.args(ctx, call, ArgsPart::Entering);
        self.out.write_all(self.line.as_bytes())?;
        self.open_line = Some((call.tid, self.line.chars().count()));
        self.in_progress.insert(call.tid, call.enter_ns);
        Ok(())
    }

    fn completed(&mut self, ctx: &Context, call: &Syscall) -> io::Result<()> {
        let resumed = self.in_progress.remove(&call.tid) == Some(call.enter_ns);
        let mut column_offset = 0;
        if let (true, Some((tid, columns))) = (resumed, self.open_line)
            && tid == call.tid
        {
            // Nothing interrupted the line: finish it in place.
            self.open_line = None;
            column_offset = columns;
            self.line.clear();
            self.args(ctx, call, ArgsPart::Resumed);
        } else {
            let name = Self::name(call.nr);
            if resumed {
                self.begin(ctx, call.tid, call.exit_ns)?;
                let _ = write!(self.line, "<... {name} resumed>");
                self.args(ctx, call, ArgsPart::Resumed);
            } else {
                self.personality(ctx, call)?;
                self.begin(ctx, call.tid, Some(call.enter_ns))?;
                self.line.push_str(&name);
                self.line.push('(');
                self.args(ctx, call, ArgsPart::All);
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
        decode::write_return(&mut self.line, call, ctx.fds);
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
        self.out.write_all(self.line.as_bytes())
    }

    fn exited(&mut self, ctx: &Context, tid: u32, status: ExitStatus) -> io::Result<()> {
        self.compat.remove(&tid);
        if !self.opts.exit_lines {
            self.in_progress.remove(&tid);
            return Ok(());
        }
        self.begin(ctx, tid, None)?;
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
        Ok(())
    }
}

impl<W: Write> Sink for TextFormatter<W> {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        match event {
            Event::Entered(call) => self.entered(ctx, call),
            Event::Completed(call) => self.completed(ctx, call),
            Event::Signal {
                tid, signal, info, ..
            } => {
                self.begin(ctx, *tid, None)?;
                let info = decode::siginfo::describe(*signal, info);
                let _ = writeln!(self.line, "--- {info} ---");
                self.out.write_all(self.line.as_bytes())
            }
            Event::Exited { tid, status, .. } => self.exited(ctx, *tid, *status),
            // Reported on stderr by the run loop; the text trace has no line for it.
            Event::Lost { .. } => Ok(()),
            // Tasks are the middle stage's; reports are the reports'.
            Event::Started { .. } | Event::Totals { .. } | Event::InProgress { .. } => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
