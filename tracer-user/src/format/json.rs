//! `--format=json`: one JSON object per line, for log shippers. Fed from the same events
//! and decoded by the same code as the text output, so both carry the same facts; the
//! schema is in the README (`v` is its version).

use std::io::{self, Write};

use serde::Serialize;

use crate::{
    decode::{self, DecodeOptions},
    event::{Context, Event, ExitStatus, Sink, Syscall},
    output::time,
    syscalls,
};

/// Bumped when a field changes meaning or goes away (adding fields does not).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Line<'a> {
    v: u32,
    /// RFC 3339, UTC, microseconds.
    time: &'a str,
    #[serde(flatten)]
    body: Body<'a>,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Body<'a> {
    /// A completed call (`ret` null: it never returned).
    Call(Call<'a>),
    /// A call in progress, shown because it blocks (strace's unfinished line).
    Entered(Call<'a>),
    Signal {
        pid: u32,
        tid: u32,
        comm: Option<&'a str>,
        signal: Option<&'a str>,
        info: &'a str,
    },
    Exit {
        pid: u32,
        tid: u32,
        comm: Option<&'a str>,
        exit_code: Option<i32>,
        signal: Option<String>,
        core_dumped: bool,
        /// The last task of its process.
        group: bool,
    },
    /// Events the kernel dropped here (ring buffer full).
    Lost { count: u64 },
}

#[derive(Serialize)]
struct Call<'a> {
    pid: u32,
    tid: u32,
    comm: Option<&'a str>,
    syscall: &'a str,
    /// The number as the task made it (a 32-bit task's in its own table).
    nr: u32,
    /// `"32 bit"` for a 32-bit (compat) task's call, which is not decoded; absent for the
    /// native personality.
    #[serde(skip_serializing_if = "Option::is_none")]
    personality: Option<&'static str>,
    /// CLOCK_MONOTONIC nanoseconds at entry, as the kernel measured them.
    enter_ns: u64,
    args: Vec<Arg>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ret: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errno: Option<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ns: Option<Option<u64>>,
}

#[derive(Serialize)]
struct Arg {
    name: &'static str,
    /// As strace prints it.
    value: String,
    /// The register, `0x` hex.
    raw: String,
}

pub struct JsonFormatter<W: Write> {
    out: W,
    decode: DecodeOptions,
    clock: time::Clock,
    buf: Vec<u8>,
    time: String,
}

impl<W: Write> JsonFormatter<W> {
    pub fn new(out: W, decode: DecodeOptions, clock: time::Clock) -> Self {
        Self {
            out,
            decode,
            clock,
            buf: Vec::with_capacity(512),
            time: String::with_capacity(32),
        }
    }

    fn write(&mut self, body: Body, realtime_ns: i64) -> io::Result<()> {
        self.time.clear();
        time::write_rfc3339(&mut self.time, realtime_ns);
        self.buf.clear();
        let line = Line {
            v: SCHEMA_VERSION,
            time: &self.time,
            body,
        };
        serde_json::to_writer(&mut self.buf, &line).map_err(io::Error::other)?;
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)
    }

    fn call(&mut self, ctx: &Context, call: &Syscall, completed: bool) -> io::Result<()> {
        let sc = syscalls::by_nr(call.nr);
        let args = decode::each_arg(call, &self.decode, ctx.fds)
            .into_iter()
            .map(|(i, value)| Arg {
                name: sc.and_then(|sc| sc.args.get(i)).map_or("", |a| a.name),
                value,
                raw: format!("{:#x}", call.args[i]),
            })
            .collect();
        let (mut ret, mut retval, mut errno, mut duration) = (None, None, None, None);
        if completed {
            let mut text = String::new();
            decode::write_result(&mut text, call, &self.decode, ctx.fds);
            ret = Some(call.ret.map(|r| if call.failed() { -1 } else { r }));
            errno = Some(decode::errno_of(call));
            retval = Some(text);
            duration = Some(call.duration_ns());
        }
        let name = syscalls::display_name(call.nr);
        let compat = tracer_common::compat_nr(call.nr);
        let body = Call {
            pid: call.pid,
            tid: call.tid,
            comm: ctx.tasks.comm(call.tid),
            syscall: &name,
            nr: compat.unwrap_or(call.nr),
            personality: compat.map(|_| "32 bit"),
            enter_ns: call.enter_ns,
            args,
            ret,
            retval,
            errno,
            duration_ns: duration,
        };
        let body = if completed {
            Body::Call(body)
        } else {
            Body::Entered(body)
        };
        let realtime = self.clock.realtime_ns(call.enter_ns);
        self.write(body, realtime)
    }
}

impl<W: Write> Sink for JsonFormatter<W> {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        let now = self.clock.now_ns();
        match event {
            Event::Entered(call) => self.call(ctx, call, false),
            Event::Completed(call) => self.call(ctx, call, true),
            Event::Signal {
                tid,
                pid,
                signal,
                info,
            } => {
                let info = decode::siginfo::describe(*signal, info);
                let body = Body::Signal {
                    pid: *pid,
                    tid: *tid,
                    comm: ctx.tasks.comm(*tid),
                    signal: decode::signal_name(*signal),
                    info: &info,
                };
                self.write(body, now)
            }
            Event::Exited {
                tid,
                pid,
                status,
                group,
            } => {
                let comm = ctx.tasks.comm(*tid);
                let (exit_code, signal, core_dumped) = match *status {
                    ExitStatus::Exited(code) => (Some(code), None, false),
                    ExitStatus::Killed {
                        signal,
                        core_dumped,
                    } => (
                        None,
                        Some(
                            decode::signal_name(signal)
                                .map_or_else(|| signal.to_string(), str::to_owned),
                        ),
                        core_dumped,
                    ),
                    ExitStatus::Unknown => (None, None, false),
                };
                let body = Body::Exit {
                    pid: *pid,
                    tid: *tid,
                    comm,
                    exit_code,
                    signal,
                    core_dumped,
                    group: *group,
                };
                self.write(body, now)
            }
            Event::Lost { count } => self.write(Body::Lost { count: *count }, now),
            // `-b execve`: the `entered` record before it is the exec's last word.
            Event::Started { .. }
            | Event::Totals { .. }
            | Event::InProgress { .. }
            | Event::Detached { .. } => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
