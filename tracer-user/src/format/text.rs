//! strace's text output: one line per call, `<unfinished ...>` / `<... resumed>` when
//! another task's line interrupts a call in progress, `+++ exited with N +++` at the end.

use std::{
    fmt::Write as _,
    io::{self, Write},
};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::{
    config::Timestamps,
    decode::{self, ArgsPart, DecodeOptions},
    event::{Context, Event, ExitStatus, IoUringOp, Sink, Syscall, now_ns},
    output::{
        PidPrefix,
        time::{Clock, Stamper},
    },
    qualifiers::NumberSet,
    syscalls,
};

#[derive(Clone, Debug)]
pub struct TextOptions {
    pub syscall_times: bool,
    /// `-T`'s decimals.
    pub syscall_times_precision: u8,
    pub pid_prefix: PidPrefix,
    pub decode: DecodeOptions,
    pub timestamps: Timestamps,
    pub clock: Clock,
    /// `+++ exited with N +++` lines (`-qq` turns them off).
    pub exit_lines: bool,
    /// `[ Process PID=N runs in 32 bit mode. ]` lines (`-q` turns them off).
    pub personality_lines: bool,
    /// `+++ superseded by execve in pid N +++` lines (`--quiet=thread-execve`, `-qqq`).
    pub superseded_lines: bool,
    /// `-a`: the column return values start at (strace's default is 40).
    pub column: usize,
    /// `-n`: each line starts with its task's syscall number, `[  0] `.
    pub syscall_numbers: bool,
    /// `-i`: and its instruction pointer.
    pub instruction_pointer: bool,
    /// `-Y`: line prefixes carry the command name, `[pid  1234<cat>] `.
    pub pid_comm: bool,
    /// `-e status=detached` (not every status): the calls in progress at the end, whose
    /// entries were held back, are printed then, each ending `<detached ...>`.
    pub detached_calls: bool,
    /// `-e read=` / `-e write=`: descriptors whose data is dumped after the line.
    pub dump_read: NumberSet,
    pub dump_write: NumberSet,
    /// `--show-container`: `[be5624d9725d] ` (`[host] `) before everything else.
    pub show_container: bool,
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
    /// `-n`/`-i`: each task's last syscall and where it was made, for the lines that
    /// are not calls (strace prints the task's current ones).
    last_call: HashMap<u32, (u32, Option<u64>)>,
    /// A leader superseded by another thread's exec (`+++ superseded by execve in pid
    /// B +++`), held for the exec that follows, by leader: the thread B and the time.
    superseded: HashMap<u32, Held>,
    /// The prefix the next line takes instead of the one the tasks give it now.
    prefix_override: Option<String>,
}

/// A `+++ superseded +++` line held back, with the prefixes its lines take as they
/// would have been when it came (the tasks forget the thread with the exec).
struct Held {
    by: u32,
    ns: u64,
    by_prefix: String,
    leader_prefix: String,
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
            last_call: HashMap::new(),
            superseded: HashMap::new(),
            prefix_override: None,
            opts,
        }
    }

    /// strace decides a line's prefix when the line starts (a call's entry): a child a
    /// `clone` creates does not prefix the `clone` line itself.
    fn prefix(&mut self, ctx: &Context, tid: u32, ns: Option<u64>) {
        let at = ns.unwrap_or(u64::MAX);
        let many = || ctx.tasks.many_at(at);
        if self.opts.show_container {
            let _ = match ctx.tasks.container(tid) {
                Some(c) => write!(self.line, "[{}] ", c.short_id()),
                None => write!(self.line, "[host] "),
            };
        }
        // The name the task had at its call when the backend took it (strace reads it
        // at the stop); else the name it has now, as strace shows it (a task the trace
        // did not see exec still has its new name in /proc); the last one seen once it
        // is gone.
        let escaped = |comm: &str| {
            let mut s = String::new();
            decode::strings::escape_comm(&mut s, comm.as_bytes());
            s
        };
        let comm = self
            .opts
            .pid_comm
            .then(|| {
                (ctx.tasks.comm_at_call(tid).map(escaped))
                    .or_else(|| decode::process_comm(tid))
                    .or_else(|| ctx.tasks.comm(tid).map(escaped))
            })
            .flatten()
            .map(|c| format!("<{c}>"));
        match (self.opts.pid_prefix, comm) {
            (PidPrefix::Always, None) => {
                let _ = write!(self.line, "{tid:<5} ");
            }
            (PidPrefix::Always, Some(comm)) => {
                let _ = write!(self.line, "{tid}{comm} ");
            }
            (PidPrefix::WhenMany, comm) if many() => {
                let _ = write!(self.line, "[pid {tid:>5}{}] ", comm.unwrap_or_default());
            }
            (PidPrefix::WhenMany | PidPrefix::Never, _) => {}
        }
    }

    /// `-n` and `-i`: the syscall number and instruction pointer of the line's call (or,
    /// for other lines, the task's last), `[  0] [00007f...] `.
    fn call_prefix(&mut self, tid: u32, call: Option<&Syscall>, exiting: bool) {
        self.call_prefix_at(tid, call, exiting, None);
    }

    /// As [`Self::call_prefix`], with the instruction pointer `ip` where the line's own
    /// event has one (a signal's delivery).
    fn call_prefix_at(&mut self, tid: u32, call: Option<&Syscall>, exiting: bool, ip: Option<u64>) {
        if !(self.opts.syscall_numbers || self.opts.instruction_pointer) {
            return;
        }
        let last = match call {
            Some(c) => {
                // A 32-bit call's number as its task made it.
                let nr = tracer_common::compat_nr(c.nr).unwrap_or(c.nr);
                self.last_call.insert(tid, (nr, c.ip));
                Some((nr, c.ip))
            }
            None => self.last_call.get(&tid).copied(),
        };
        let (nr, ip) = (last.map(|(nr, _)| nr), ip.or(last.and_then(|(_, ip)| ip)));
        if self.opts.syscall_numbers {
            match nr {
                Some(nr) => {
                    let _ = write!(self.line, "[{nr:>4}] ");
                }
                None => self.line.push_str("[????] "),
            }
        }
        if self.opts.instruction_pointer {
            match ip.filter(|_| !exiting) {
                Some(ip) => {
                    let _ = write!(self.line, "[{ip:016x}] ");
                }
                None => self.line.push_str("[????????????????] "),
            }
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
        match self.prefix_override.take() {
            Some(prefix) => self.line.push_str(&prefix),
            None => self.prefix(ctx, tid, ns),
        }
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
        self.call_prefix(call.tid, Some(call), false);
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
        self.call_prefix(call.tid, Some(call), false);
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
        // A call its task died in (killed, or cut by another thread's exit_group or
        // exec) shows what its entry showed, then `) = ?`; where its exit had arguments
        // still to show, strace says ` <unfinished ...>` first. The exits never return by
        // nature and show every argument.
        let cut = call.ret.is_none() && !tracer_common::is_exit(call.nr);
        let unfinished = cut && {
            let mut rest = String::new();
            let decode = &self.opts.decode;
            decode::write_args(&mut rest, call, decode, ArgsPart::Resumed, ctx.fds);
            !rest.is_empty()
        };
        let mut column_offset = 0;
        if let (true, Some((tid, columns))) = (resumed, self.open_line)
            && tid == call.tid
        {
            // Nothing interrupted the line: finish it in place.
            self.open_line = None;
            column_offset = columns;
            self.line.clear();
            if unfinished {
                self.line.push_str(" <unfinished ...>");
            } else if !cut {
                self.args(ctx, call, ArgsPart::Resumed);
            }
        } else {
            let name = Self::name(call.nr);
            if resumed {
                self.begin(ctx, call.tid, call.exit_ns)?;
                self.call_prefix(call.tid, Some(call), false);
                let _ = write!(self.line, "<... {name} resumed>");
                if unfinished {
                    self.line.push_str(" <unfinished ...>");
                } else if !cut {
                    self.args(ctx, call, ArgsPart::Resumed);
                }
            } else {
                self.personality(ctx, call)?;
                self.begin(ctx, call.tid, Some(call.enter_ns))?;
                self.call_prefix(call.tid, Some(call), false);
                self.line.push_str(&name);
                self.line.push('(');
                if unfinished {
                    self.args(ctx, call, ArgsPart::Entering);
                    self.line.push_str(" <unfinished ...>");
                } else {
                    self.args(ctx, call, ArgsPart::All);
                }
            }
        }
        self.line.push(')');
        self.pad_to_column(column_offset);
        self.line.push_str("= ");
        decode::write_result(&mut self.line, call, &self.opts.decode, ctx.fds);
        self.duration(call.duration_ns());
        self.line.push('\n');
        if !(self.opts.dump_read.is_empty() && self.opts.dump_write.is_empty()) {
            let (read, write) = (&self.opts.dump_read, &self.opts.dump_write);
            decode::dump::write_dumps(&mut self.line, call, &|fd| read.contains(fd), &|fd| {
                write.contains(fd)
            });
        }
        self.out.write_all(self.line.as_bytes())
    }

    /// An io_uring operation, one line when it completes, stamped with its submission
    /// time like a call with its entry. A call shown in progress (the `io_uring_enter`
    /// waiting for it) is left unfinished, as another line would leave it.
    fn io_uring(&mut self, ctx: &Context, op: &IoUringOp) -> io::Result<()> {
        if self.open_line.take().is_some() {
            self.out.write_all(b" <unfinished ...>\n")?;
        }
        self.begin(ctx, op.tid, Some(op.submit_ns))?;
        self.call_prefix(op.tid, None, false);
        decode::uring::write_op(&mut self.line, op, ctx.fds);
        self.pad_to_column(0);
        self.line.push_str("= ");
        decode::uring::write_op_result(&mut self.line, op);
        self.duration(Some(op.duration_ns()));
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// Pads so the return value starts at strace's column; the prefix counts too.
    fn pad_to_column(&mut self, column_offset: usize) {
        let column = column_offset + self.line.chars().count();
        if column < self.opts.column {
            self.line
                .extend(std::iter::repeat_n(' ', self.opts.column - column));
        } else {
            self.line.push(' ');
        }
    }

    /// `-T`: ` <0.000123>`.
    fn duration(&mut self, ns: Option<u64>) {
        if self.opts.syscall_times
            && let Some(ns) = ns
        {
            let _ = write!(self.line, " <{}", ns / 1_000_000_000);
            let digits = u32::from(self.opts.syscall_times_precision);
            if digits > 0 {
                let frac = (ns % 1_000_000_000) / 10u64.pow(9 - digits);
                let _ = write!(self.line, ".{frac:0width$}", width = digits as usize);
            }
            self.line.push('>');
        }
    }

    /// `-b execve`: the task's call shown in progress ends, and nothing more of it comes.
    fn detached(&mut self, tid: u32) -> io::Result<()> {
        self.in_progress.remove(&tid);
        if let Some((open, _)) = self.open_line
            && open == tid
        {
            self.open_line = None;
            self.out.write_all(b" <detached ...>\n")?;
        }
        Ok(())
    }

    fn exited(&mut self, ctx: &Context, tid: u32, status: ExitStatus, ns: u64) -> io::Result<()> {
        self.compat.remove(&tid);
        // `-qq` drops the exit lines, not the superseded ones (`-qqq` does).
        let shown = match status {
            ExitStatus::Superseded { .. } => self.opts.superseded_lines,
            _ => self.opts.exit_lines,
        };
        if !shown {
            self.in_progress.remove(&tid);
            return Ok(());
        }
        self.begin(ctx, tid, Some(ns))?;
        self.call_prefix(tid, None, true);
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
            ExitStatus::Superseded { by } => {
                let _ = write!(self.line, "+++ superseded by execve in pid {by} +++");
            }
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.in_progress.remove(&tid);
        Ok(())
    }
}

impl<W: Write> TextFormatter<W> {
    /// The leader's `+++ superseded +++` line, then the exec of thread `by` resumed
    /// under the leader's pid.
    fn resumed_as_leader(
        &mut self,
        ctx: &Context,
        leader: u32,
        by: u32,
        leader_prefix: String,
        ns: u64,
        call: &Syscall,
    ) -> io::Result<()> {
        self.prefix_override = Some(leader_prefix.clone());
        self.exited(ctx, leader, ExitStatus::Superseded { by }, ns)?;
        self.prefix_override = Some(leader_prefix);
        self.in_progress.insert(leader, call.enter_ns);
        self.completed(ctx, call)?;
        self.prefix_override = None;
        Ok(())
    }

    /// strace's lines for an exec by a thread other than the leader: the thread's call
    /// ` <pid changed to P ...>`, the leader's `+++ superseded +++` line, then the call
    /// resumed under the leader's pid (`<... execve resumed>) = 0`). Whatever else comes
    /// first shows the held line as it is.
    fn pid_changed(&mut self, ctx: &Context, event: &Event) -> io::Result<bool> {
        if self.superseded.is_empty() {
            return Ok(false);
        }
        let exec = match event {
            Event::Completed(call) if crate::pipeline::tasks::is_exec(call) => Some(call),
            _ => None,
        };
        if let Some(call) = exec
            && let Some(held) = self.superseded.remove(&call.tid)
        {
            let (leader, by, ns) = (call.tid, held.by, held.ns);
            match self.open_line {
                // Its entry shown in progress.
                Some((open, _)) if open == by => {
                    self.open_line = None;
                    self.in_progress.remove(&by);
                }
                // Shown in progress, then left unfinished by another line: strace goes
                // on with the leader's lines, the pid's change unsaid.
                _ if self.in_progress.get(&by) == Some(&call.enter_ns) => {
                    self.in_progress.remove(&by);
                    self.resumed_as_leader(ctx, leader, by, held.leader_prefix, ns, call)?;
                    return Ok(true);
                }
                _ => {
                    self.prefix_override = Some(held.by_prefix);
                    self.begin(ctx, by, Some(call.enter_ns))?;
                    self.call_prefix(by, Some(call), false);
                    self.line.push_str(&Self::name(call.nr));
                    self.line.push('(');
                    self.args(ctx, call, ArgsPart::Entering);
                    self.out.write_all(self.line.as_bytes())?;
                }
            }
            writeln!(self.out, " <pid changed to {leader} ...>")?;
            self.resumed_as_leader(ctx, leader, by, held.leader_prefix, ns, call)?;
            return Ok(true);
        }
        for (leader, held) in std::mem::take(&mut self.superseded) {
            self.prefix_override = Some(held.leader_prefix);
            self.exited(ctx, leader, ExitStatus::Superseded { by: held.by }, held.ns)?;
            self.prefix_override = None;
        }
        Ok(false)
    }
}

impl<W: Write> Sink for TextFormatter<W> {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        if self.pid_changed(ctx, event)? {
            return Ok(());
        }
        if let Event::Exited {
            tid,
            status: ExitStatus::Superseded { by },
            ns,
            ..
        } = event
            && by != tid
        {
            let mut prefix = |tid| {
                self.line.clear();
                self.prefix(ctx, tid, Some(*ns));
                std::mem::take(&mut self.line)
            };
            let held = Held {
                by: *by,
                ns: *ns,
                by_prefix: prefix(*by),
                leader_prefix: prefix(*tid),
            };
            self.superseded.insert(*tid, held);
            return Ok(());
        }
        match event {
            Event::Entered(call) => self.entered(ctx, call),
            Event::Completed(call) => self.completed(ctx, call),
            Event::IoUring(op) => self.io_uring(ctx, op),
            Event::Signal {
                tid,
                signal,
                info,
                ns,
                ip,
                ..
            } => {
                self.begin(ctx, *tid, Some(*ns))?;
                self.call_prefix_at(*tid, None, false, *ip);
                let info = decode::siginfo::describe(*signal, info);
                let _ = writeln!(self.line, "--- {info} ---");
                self.out.write_all(self.line.as_bytes())
            }
            Event::Exited {
                tid, status, ns, ..
            } => self.exited(ctx, *tid, *status, *ns),
            Event::Detached { tid, .. } => self.detached(*tid),
            Event::Lost(loss) => {
                // It concerns every task: no prefix. A line of another task in progress
                // is left unfinished, as another task's line would leave it.
                if self.open_line.take().is_some() {
                    self.out.write_all(b" <unfinished ...>\n")?;
                }
                writeln!(self.out, "... {} ...", loss.line())
            }
            // The trace ends with these calls in progress: a line left open ends as strace
            // ends it when it detaches.
            Event::InProgress { calls, .. } => {
                if self.open_line.take().is_some() {
                    self.out.write_all(b" <detached ...>\n")?;
                }
                if !self.opts.detached_calls {
                    return Ok(());
                }
                for call in calls {
                    if self.in_progress.get(&call.tid) != Some(&call.enter_ns) {
                        self.entered(ctx, call)?;
                        self.open_line = None;
                        self.out.write_all(b" <detached ...>\n")?;
                    }
                }
                Ok(())
            }
            // Tasks are the middle stage's; reports are the reports'.
            Event::Started { .. } | Event::Totals { .. } => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
