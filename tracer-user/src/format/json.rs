//! `--format=json`: one JSON object per line, for log shippers. Fed from the same events
//! and decoded by the same code as the text output, so both carry the same facts, plus
//! the argument values as data. The reports write their records through [`record`]. The
//! schema is docs/json-schema.json (`v` is its version).

use std::{
    fmt::Write as _,
    io::{self, Write},
};

use serde::Serialize;

use crate::{
    decode::{self, DecodeOptions, Typed},
    event::{Context, Event, ExitStatus, IoUringOp, Sink, Syscall},
    output::time,
    syscalls, uring,
};

/// Bumped when a field changes meaning or goes away (adding fields does not).
pub const SCHEMA_VERSION: u32 = 1;

/// `container`: where the task runs (null outside containers).
#[derive(Serialize)]
struct Container<'a> {
    id: &'a str,
    runtime: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pod_uid: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    qos: Option<&'static str>,
}

fn container<'a>(ctx: &'a Context, tid: u32) -> Option<Container<'a>> {
    ctx.tasks.container(tid).map(|c| Container {
        id: &c.id,
        runtime: c.runtime.name(),
        pod_uid: c.pod_uid.as_deref(),
        qos: c.qos.map(|q| q.name()),
    })
}

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
        container: Option<Container<'a>>,
        signal: Option<&'a str>,
        info: &'a str,
    },
    Exit {
        pid: u32,
        tid: u32,
        comm: Option<&'a str>,
        container: Option<Container<'a>>,
        exit_code: Option<i32>,
        signal: Option<String>,
        core_dumped: bool,
        /// The last task of its process.
        group: bool,
    },
    /// Lines the kernel could not pass on, here in the stream (ring buffer full):
    /// `count` in all, of which `calls`, `signals`, `exits` and io_uring `ops`.
    Lost {
        count: u64,
        calls: u64,
        signals: u64,
        exits: u64,
        ops: u64,
    },
    /// A completed io_uring operation.
    #[serde(rename = "io_uring")]
    IoUring(UringOp<'a>),
}

#[derive(Serialize)]
struct UringOp<'a> {
    pid: u32,
    tid: u32,
    comm: Option<&'a str>,
    container: Option<Container<'a>>,
    /// `READ`, `WRITE`, ...
    op: &'a str,
    opcode: u8,
    /// The descriptor the submission named (null: none, or not known on this kernel).
    fd: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fd_name: Option<&'a str>,
    /// Reads and writes: the file offset (-1: the current position) and the length (the
    /// iovec count for the vectored ones).
    off: Option<i64>,
    len: Option<u32>,
    user_data: u64,
    /// CLOCK_MONOTONIC at submission.
    submit_ns: u64,
    duration_ns: u64,
    /// As a syscall's: -1 on error.
    ret: i64,
    retval: String,
    errno: Option<&'static str>,
    /// The completion's `IORING_CQE_F_*` flags.
    cflags: u32,
    /// Submitted by the ring's SQPOLL thread.
    sq_thread: bool,
    /// `fd` is an index into the ring's registered files.
    fixed_file: bool,
}

#[derive(Serialize)]
struct Call<'a> {
    pid: u32,
    tid: u32,
    comm: Option<&'a str>,
    container: Option<Container<'a>>,
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
    /// The value as data, where it is decoded (see [`Typed`]).
    #[serde(flatten)]
    typed: Option<TypedValue>,
}

/// [`Typed`] as JSON fields beside `value`.
#[derive(Default, Serialize)]
struct TypedValue {
    /// Numbers, descriptors included.
    #[serde(skip_serializing_if = "Option::is_none")]
    int: Option<serde_json::Number>,
    /// What a descriptor names (`-y`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fd_name: Option<String>,
    /// A string, path or buffer (invalid UTF-8 replaced: `hex` then has the bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    str: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hex: Option<String>,
    /// `execve`'s argv.
    #[serde(skip_serializing_if = "Option::is_none")]
    strs: Option<Vec<String>>,
    /// The string, buffer or list had more than is shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    /// A flag set's names.
    #[serde(skip_serializing_if = "Option::is_none")]
    flags: Option<Vec<String>>,
}

impl From<Typed> for TypedValue {
    fn from(t: Typed) -> Self {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        match t {
            Typed::Int(n) => Self {
                int: Some(n.into()),
                ..Self::default()
            },
            Typed::UInt(n) => Self {
                int: Some(n.into()),
                ..Self::default()
            },
            Typed::Fd { fd, name } => Self {
                int: Some(fd.into()),
                fd_name: name,
                ..Self::default()
            },
            Typed::Bytes { bytes, truncated } => Self {
                str: Some(text(&bytes)),
                hex: std::str::from_utf8(&bytes).is_err().then(|| {
                    bytes.iter().fold(String::new(), |mut s, b| {
                        let _ = write!(s, "{b:02x}");
                        s
                    })
                }),
                truncated,
                ..Self::default()
            },
            Typed::Strings { items, truncated } => Self {
                strs: Some(items.iter().map(|i| text(i)).collect()),
                truncated,
                ..Self::default()
            },
            Typed::Flags(names) => Self {
                flags: Some(names),
                ..Self::default()
            },
        }
    }
}

/// A record of a report (`summary`, `diagnosis`): `v`, `time` (RFC 3339 of
/// `realtime_ns`) and `type`, then the body's fields; one line.
pub fn record<T: Serialize>(kind: &str, realtime_ns: i64, body: &T) -> String {
    #[derive(Serialize)]
    struct Record<'a, T> {
        v: u32,
        time: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        #[serde(flatten)]
        body: &'a T,
    }
    let mut time = String::new();
    time::write_rfc3339(&mut time, realtime_ns);
    let mut line = serde_json::to_string(&Record {
        v: SCHEMA_VERSION,
        time: &time,
        kind,
        body,
    })
    .expect("report records serialize");
    line.push('\n');
    line
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
            .map(|(i, value)| {
                let arg = sc
                    .filter(|_| !self.decode.raw.contains(call.nr))
                    .and_then(|sc| sc.args.get(i));
                Arg {
                    name: arg.map_or("", |a| a.name),
                    typed: arg
                        .and_then(|a| decode::typed(call, i, a.kind, &value, &self.decode, ctx.fds))
                        .map(TypedValue::from),
                    value,
                    raw: format!("{:#x}", call.args[i]),
                }
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
            container: container(ctx, call.tid),
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

impl<W: Write> JsonFormatter<W> {
    fn io_uring(&mut self, ctx: &Context, op: &IoUringOp) -> io::Result<()> {
        let name = uring::name(op.opcode);
        let fd = op.fd.filter(|_| uring::has_fd(op.opcode));
        let rw = op.rw.filter(|_| uring::is_rw(op.opcode));
        let mut retval = String::new();
        decode::uring::write_op_result(&mut retval, op);
        let failed = op.failed();
        let body = Body::IoUring(UringOp {
            pid: op.pid,
            tid: op.tid,
            comm: ctx.tasks.comm(op.tid),
            container: container(ctx, op.tid),
            op: &name,
            opcode: op.opcode,
            fd,
            fd_name: fd
                .filter(|_| !op.fixed_file)
                .and_then(|fd| ctx.fds?.fd_name(op.pid, fd)),
            off: rw.map(|(off, _)| off as i64),
            len: rw.map(|(_, len)| len),
            user_data: op.user_data,
            submit_ns: op.submit_ns,
            duration_ns: op.duration_ns(),
            ret: if failed { -1 } else { op.res },
            retval,
            errno: failed.then(|| decode::errno_name(-op.res as i32)).flatten(),
            cflags: op.cflags,
            sq_thread: op.sq_thread,
            fixed_file: op.fixed_file,
        });
        let realtime = self.clock.realtime_ns(op.submit_ns);
        self.write(body, realtime)
    }
}

impl<W: Write> Sink for JsonFormatter<W> {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        let now = self.clock.now_ns();
        match event {
            Event::Entered(call) => self.call(ctx, call, false),
            Event::Completed(call) => self.call(ctx, call, true),
            Event::IoUring(op) => self.io_uring(ctx, op),
            Event::Signal {
                tid,
                pid,
                signal,
                info,
                ns,
            } => {
                let info = decode::siginfo::describe(*signal, info);
                let body = Body::Signal {
                    pid: *pid,
                    tid: *tid,
                    comm: ctx.tasks.comm(*tid),
                    container: container(ctx, *tid),
                    signal: decode::signal_name(*signal),
                    info: &info,
                };
                self.write(body, self.clock.realtime_ns(*ns))
            }
            Event::Exited {
                tid,
                pid,
                status,
                group,
                ns,
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
                    container: container(ctx, *tid),
                    exit_code,
                    signal,
                    core_dumped,
                    group: *group,
                };
                self.write(body, self.clock.realtime_ns(*ns))
            }
            Event::Lost(loss) => {
                let body = Body::Lost {
                    count: loss.total(),
                    calls: loss.calls,
                    signals: loss.signals,
                    exits: loss.exits,
                    ops: loss.ops,
                };
                self.write(body, now)
            }
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
