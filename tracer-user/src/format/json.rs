//! `--format=json`: one JSON object per line, for log shippers. Fed from the same events
//! and decoded by the same code as the text output, so both carry the same facts, plus
//! the argument values as data. The reports write their records through [`record`]. The
//! schema is docs/json-schema.json (`v` is its version).

use std::{
    borrow::Cow,
    io::{self, Write},
    ops::Range,
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
struct Signal<'a> {
    pid: u32,
    tid: u32,
    comm: Option<&'a str>,
    container: Option<Container<'a>>,
    signal: Option<&'a str>,
    info: &'a str,
}

#[derive(Serialize)]
struct Exit<'a> {
    pid: u32,
    tid: u32,
    comm: Option<&'a str>,
    container: Option<Container<'a>>,
    exit_code: Option<i32>,
    signal: Option<Cow<'a, str>>,
    core_dumped: bool,
    /// The last task of its process.
    group: bool,
    /// A leader gone with an exec in another of its threads: that thread's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    superseded_by: Option<u32>,
}

/// Lines the kernel could not pass on, here in the stream (ring buffer full): `count`
/// in all, of which `calls`, `signals`, `exits` and io_uring `ops`.
#[derive(Serialize)]
struct Lost {
    count: u64,
    calls: u64,
    signals: u64,
    exits: u64,
    ops: u64,
    preempted: u64,
}

/// A completed io_uring operation.
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
    retval: &'a str,
    errno: Option<&'static str>,
    /// The completion's `IORING_CQE_F_*` flags.
    cflags: u32,
    /// Submitted by the ring's SQPOLL thread.
    sq_thread: bool,
    /// `fd` is an index into the ring's registered files.
    fixed_file: bool,
}

/// A completed call (`type: call`; `ret` null: it never returned), or one in progress,
/// shown because it blocks (`type: entered`, strace's unfinished line). `A`: the
/// arguments, each an [`Arg`] (written as they are made, without a `Vec` of them).
#[derive(Serialize)]
struct Call<'a, A> {
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
    args: A,
    #[serde(skip_serializing_if = "Option::is_none")]
    ret: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retval: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errno: Option<Option<&'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration_ns: Option<Option<u64>>,
}

/// An argument: strace's text, the register, and the value as data where it is decoded
/// (see [`Typed`]). Everything borrowed from the call and its text.
#[derive(Serialize)]
struct Arg<'a> {
    name: &'static str,
    /// As strace prints it.
    value: &'a str,
    /// The register, `0x` hex.
    raw: Hex,
    /// Numbers, descriptors included.
    #[serde(skip_serializing_if = "Option::is_none")]
    int: Option<Num>,
    /// What a descriptor names (`-y`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fd_name: Option<&'a str>,
    /// A string, path or buffer (invalid UTF-8 replaced: `hex` then has the bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    str: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hex: Option<HexBytes<'a>>,
    /// `execve`'s argv.
    #[serde(skip_serializing_if = "Option::is_none")]
    strs: Option<Vec<Cow<'a, str>>>,
    /// The string, buffer or list had more than is shown.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    /// A flag set's names.
    #[serde(skip_serializing_if = "Option::is_none")]
    flags: Option<Vec<&'a str>>,
}

impl<'a> Arg<'a> {
    fn new(name: &'static str, value: &'a str, raw: u64, typed: Option<Typed<'a>>) -> Self {
        let mut arg = Self {
            name,
            value,
            raw: Hex(raw),
            int: None,
            fd_name: None,
            str: None,
            hex: None,
            strs: None,
            truncated: false,
            flags: None,
        };
        match typed {
            None => {}
            Some(Typed::Int(n)) => arg.int = Some(Num::Signed(n)),
            Some(Typed::UInt(n)) => arg.int = Some(Num::Unsigned(n)),
            Some(Typed::Fd { fd, name }) => {
                arg.int = Some(Num::Signed(fd));
                arg.fd_name = name;
            }
            Some(Typed::Bytes { bytes, truncated }) => {
                let str = String::from_utf8_lossy(bytes);
                // Owned: something was replaced, so the bytes go as hex too.
                arg.hex = matches!(str, Cow::Owned(_)).then_some(HexBytes(bytes));
                arg.str = Some(str);
                arg.truncated = truncated;
            }
            Some(Typed::Strings { items, truncated }) => {
                arg.strs = Some(items.into_iter().map(String::from_utf8_lossy).collect());
                arg.truncated = truncated;
            }
            Some(Typed::Flags(names)) => arg.flags = Some(names),
        }
        arg
    }
}

/// An argument's number, signed or not (serde_json's `Number` without its own enum match).
#[derive(Clone, Copy)]
enum Num {
    Signed(i64),
    Unsigned(u64),
}

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Num::Signed(n) => s.serialize_i64(n),
            Num::Unsigned(n) => s.serialize_u64(n),
        }
    }
}

/// The call lines, nearly all of a trace, written by hand: through serde, each field's
/// key was escaped and each piece written on its own, which cost about as much as the
/// whole text line. Byte for byte what serde_json writes for the same `Call` (the tests
/// below compare them); strings still go through serde_json's own escaping.
impl<'a, A: IntoIterator<Item = Arg<'a>>> Call<'a, A> {
    fn write(self, buf: &mut Vec<u8>) -> serde_json::Result<()> {
        buf.extend_from_slice(b"{\"pid\":");
        int(buf, self.pid);
        buf.extend_from_slice(b",\"tid\":");
        int(buf, self.tid);
        buf.extend_from_slice(b",\"comm\":");
        opt_str(buf, self.comm)?;
        buf.extend_from_slice(b",\"container\":");
        serde_json::to_writer(&mut *buf, &self.container)?;
        buf.extend_from_slice(b",\"syscall\":");
        string(buf, self.syscall)?;
        buf.extend_from_slice(b",\"nr\":");
        int(buf, self.nr);
        if let Some(personality) = self.personality {
            buf.extend_from_slice(b",\"personality\":");
            string(buf, personality)?;
        }
        buf.extend_from_slice(b",\"enter_ns\":");
        int(buf, self.enter_ns);
        buf.extend_from_slice(b",\"args\":[");
        for (i, arg) in self.args.into_iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            arg.write(buf)?;
        }
        buf.push(b']');
        if let Some(ret) = self.ret {
            buf.extend_from_slice(b",\"ret\":");
            opt_int(buf, ret);
        }
        if let Some(retval) = self.retval {
            buf.extend_from_slice(b",\"retval\":");
            string(buf, retval)?;
        }
        if let Some(errno) = self.errno {
            buf.extend_from_slice(b",\"errno\":");
            opt_str(buf, errno)?;
        }
        if let Some(duration) = self.duration_ns {
            buf.extend_from_slice(b",\"duration_ns\":");
            opt_int(buf, duration);
        }
        buf.push(b'}');
        Ok(())
    }
}

impl Arg<'_> {
    fn write(&self, buf: &mut Vec<u8>) -> serde_json::Result<()> {
        buf.extend_from_slice(b"{\"name\":");
        string(buf, self.name)?;
        buf.extend_from_slice(b",\"value\":");
        string(buf, self.value)?;
        buf.extend_from_slice(b",\"raw\":");
        self.raw.write(buf);
        match self.int {
            Some(Num::Signed(n)) => {
                buf.extend_from_slice(b",\"int\":");
                int(buf, n);
            }
            Some(Num::Unsigned(n)) => {
                buf.extend_from_slice(b",\"int\":");
                int(buf, n);
            }
            None => {}
        }
        if let Some(fd_name) = self.fd_name {
            buf.extend_from_slice(b",\"fd_name\":");
            string(buf, fd_name)?;
        }
        if let Some(str) = &self.str {
            buf.extend_from_slice(b",\"str\":");
            string(buf, str)?;
        }
        if let Some(hex) = &self.hex {
            buf.extend_from_slice(b",\"hex\":\"");
            hex.write(buf);
            buf.push(b'"');
        }
        if let Some(strs) = &self.strs {
            buf.extend_from_slice(b",\"strs\":");
            strings(buf, strs.iter().map(|s| &**s))?;
        }
        if self.truncated {
            buf.extend_from_slice(b",\"truncated\":true");
        }
        if let Some(flags) = &self.flags {
            buf.extend_from_slice(b",\"flags\":");
            strings(buf, flags.iter().copied())?;
        }
        buf.push(b'}');
        Ok(())
    }
}

fn int(buf: &mut Vec<u8>, n: impl itoa::Integer) {
    buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

fn opt_int(buf: &mut Vec<u8>, n: Option<impl itoa::Integer>) {
    match n {
        Some(n) => int(buf, n),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A JSON string, escaped by serde_json.
fn string(buf: &mut Vec<u8>, s: &str) -> serde_json::Result<()> {
    serde_json::to_writer(buf, s)
}

fn opt_str(buf: &mut Vec<u8>, s: Option<&str>) -> serde_json::Result<()> {
    match s {
        Some(s) => string(buf, s),
        None => {
            buf.extend_from_slice(b"null");
            Ok(())
        }
    }
}

fn strings<'s>(buf: &mut Vec<u8>, items: impl Iterator<Item = &'s str>) -> serde_json::Result<()> {
    buf.push(b'[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            buf.push(b',');
        }
        string(buf, s)?;
    }
    buf.push(b']');
    Ok(())
}

/// A number as a `0x` hex string, written without a `String` of its own.
struct Hex(u64);

impl Hex {
    /// The digits, `0x` first.
    fn text(&self, text: &mut [u8; 18]) -> usize {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let digits = (16 - self.0.leading_zeros() as usize / 4).max(1);
        text[..2].copy_from_slice(b"0x");
        for i in 0..digits {
            text[1 + digits - i] = DIGITS[(self.0 >> (4 * i)) as usize & 0xf];
        }
        2 + digits
    }

    /// As a JSON string (no character in it needs escaping).
    fn write(&self, buf: &mut Vec<u8>) {
        let mut text = [0u8; 18];
        let len = self.text(&mut text);
        buf.push(b'"');
        buf.extend_from_slice(&text[..len]);
        buf.push(b'"');
    }
}

impl Serialize for Hex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut text = [0u8; 18];
        let len = self.text(&mut text);
        s.serialize_str(std::str::from_utf8(&text[..len]).expect("ASCII"))
    }
}

/// Bytes as a hex string (`00ff...`).
struct HexBytes<'a>(&'a [u8]);

impl Serialize for HexBytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl HexBytes<'_> {
    /// The digits alone (no quotes).
    fn write(&self, buf: &mut Vec<u8>) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        buf.reserve(2 * self.0.len());
        for &b in self.0 {
            buf.extend_from_slice(&[DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 0xf)]]);
        }
    }
}

impl std::fmt::Display for HexBytes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// Appends one line to `buf`: `v`, `time` (RFC 3339 of `realtime_ns`, through the
/// `time` scratch) and `type` written here, then the body's own fields (its `{` made
/// the comma after `type`), then the newline. No intermediate map, as serde's `flatten` would make.
fn write_line(
    buf: &mut Vec<u8>,
    stamps: &mut Stamps,
    kind: &str,
    realtime_ns: i64,
    body: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    stamps.text.clear();
    stamps.rfc3339.write(&mut stamps.text, realtime_ns);
    for piece in [
        stamps.start.as_str(),
        &stamps.text,
        "\",\"type\":\"",
        kind,
        "\"",
    ] {
        buf.extend_from_slice(piece.as_bytes());
    }
    let body_at = buf.len();
    body(buf)?;
    // The body's `{` becomes the comma after `type`: one object, nothing moved.
    debug_assert_eq!(buf.get(body_at), Some(&b'{'));
    buf[body_at] = b',';
    buf.push(b'\n');
    Ok(())
}

/// A record of a report (`summary`, `diagnosis`): `v`, `time` (RFC 3339 of
/// `realtime_ns`) and `type`, then the body's fields; one line.
pub fn record<T: Serialize>(kind: &str, realtime_ns: i64, body: &T) -> String {
    let mut line = Vec::new();
    write_line(
        &mut line,
        &mut Stamps::default(),
        kind,
        realtime_ns,
        |buf| serde_json::to_writer(buf, body),
    )
    .expect("report records serialize");
    String::from_utf8(line).expect("JSON is UTF-8")
}

/// Where the lines go, with the scratch each is built in.
struct Lines<W> {
    out: W,
    buf: Vec<u8>,
    stamps: Stamps,
}

/// The start of every line up to its time, and the time's text.
struct Stamps {
    /// `{"v":1,"time":"`
    start: String,
    rfc3339: time::Rfc3339,
    text: String,
}

impl Default for Stamps {
    fn default() -> Self {
        Self {
            start: format!("{{\"v\":{SCHEMA_VERSION},\"time\":\""),
            rfc3339: time::Rfc3339::default(),
            text: String::with_capacity(32),
        }
    }
}

impl<W: Write> Lines<W> {
    fn write<T: Serialize>(&mut self, kind: &str, realtime_ns: i64, body: &T) -> io::Result<()> {
        self.buf.clear();
        write_line(&mut self.buf, &mut self.stamps, kind, realtime_ns, |buf| {
            serde_json::to_writer(buf, body)
        })
        .map_err(io::Error::other)?;
        self.out.write_all(&self.buf)
    }

    /// A call's line, written by hand ([`Call::write`]).
    fn call<'a>(
        &mut self,
        kind: &str,
        realtime_ns: i64,
        body: Call<'a, impl IntoIterator<Item = Arg<'a>>>,
    ) -> io::Result<()> {
        self.buf.clear();
        write_line(&mut self.buf, &mut self.stamps, kind, realtime_ns, |buf| {
            body.write(buf)
        })
        .map_err(io::Error::other)?;
        self.out.write_all(&self.buf)
    }
}

pub struct JsonFormatter<W: Write> {
    lines: Lines<W>,
    decode: DecodeOptions,
    clock: time::Clock,
    /// A call's arguments' text, and where each one is in it.
    args: String,
    ranges: Vec<Range<u32>>,
    retval: String,
}

impl<W: Write> JsonFormatter<W> {
    pub fn new(out: W, decode: DecodeOptions, clock: time::Clock) -> Self {
        Self {
            lines: Lines {
                out,
                buf: Vec::with_capacity(512),
                stamps: Stamps::default(),
            },
            decode,
            clock,
            args: String::with_capacity(256),
            ranges: Vec::with_capacity(6),
            retval: String::with_capacity(32),
        }
    }

    fn call(&mut self, ctx: &Context, call: &Syscall, completed: bool) -> io::Result<()> {
        let decode = &self.decode;
        self.args.clear();
        self.ranges.clear();
        decode::write_each_arg(&mut self.args, &mut self.ranges, call, decode, ctx.fds);
        let sc = syscalls::by_nr(call.nr).filter(|_| !decode.raw.contains(call.nr));
        let args = decode::shown_args(call, decode)
            .zip(&self.ranges)
            .map(|(i, r)| {
                let value = &self.args[r.start as usize..r.end as usize];
                let arg = sc.and_then(|sc| sc.args.get(i));
                Arg::new(
                    arg.map_or("", |a| a.name),
                    value,
                    call.args[i],
                    arg.and_then(|a| decode::typed(call, i, a.kind, value, decode, ctx.fds)),
                )
            });
        let (mut ret, mut retval, mut errno, mut duration) = (None, None, None, None);
        if completed {
            self.retval.clear();
            decode::write_result(&mut self.retval, call, decode, ctx.fds);
            ret = Some(call.ret.map(|r| if call.failed() { -1 } else { r }));
            errno = Some(decode::errno_of(call));
            retval = Some(self.retval.as_str());
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
        let kind = if completed { "call" } else { "entered" };
        let realtime = self.clock.realtime_ns(call.enter_ns);
        self.lines.call(kind, realtime, body)
    }

    fn io_uring(&mut self, ctx: &Context, op: &IoUringOp) -> io::Result<()> {
        let name = uring::name(op.opcode);
        let fd = op.fd.filter(|_| uring::has_fd(op.opcode));
        let rw = op.rw.filter(|_| uring::is_rw(op.opcode));
        let mut retval = String::new();
        decode::uring::write_op_result(&mut retval, op);
        let failed = op.failed();
        let body = UringOp {
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
            retval: &retval,
            errno: failed.then(|| decode::errno_name(-op.res as i32)).flatten(),
            cflags: op.cflags,
            sq_thread: op.sq_thread,
            fixed_file: op.fixed_file,
        };
        let realtime = self.clock.realtime_ns(op.submit_ns);
        self.lines.write("io_uring", realtime, &body)
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
                ..
            } => {
                let info = decode::siginfo::describe(*signal, info);
                let body = Signal {
                    pid: *pid,
                    tid: *tid,
                    comm: ctx.tasks.comm(*tid),
                    container: container(ctx, *tid),
                    signal: decode::signal_name(*signal),
                    info: &info,
                };
                self.lines
                    .write("signal", self.clock.realtime_ns(*ns), &body)
            }
            Event::Exited {
                tid,
                pid,
                status,
                group,
                ns,
                ..
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
                                .map_or_else(|| signal.to_string().into(), Cow::Borrowed),
                        ),
                        core_dumped,
                    ),
                    ExitStatus::Unknown | ExitStatus::Superseded { .. } => (None, None, false),
                };
                let superseded_by = match *status {
                    ExitStatus::Superseded { by } => Some(by),
                    _ => None,
                };
                let body = Exit {
                    pid: *pid,
                    tid: *tid,
                    comm,
                    container: container(ctx, *tid),
                    exit_code,
                    signal,
                    core_dumped,
                    group: *group,
                    superseded_by,
                };
                self.lines.write("exit", self.clock.realtime_ns(*ns), &body)
            }
            Event::Lost(loss) => {
                let body = Lost {
                    count: loss.total(),
                    calls: loss.calls,
                    signals: loss.signals,
                    exits: loss.exits,
                    ops: loss.ops,
                    preempted: loss.preempted,
                };
                self.lines.write("lost", now, &body)
            }
            // `-b execve`: the `entered` record before it is the exec's last word.
            Event::Started { .. }
            | Event::Totals { .. }
            | Event::InProgress { .. }
            | Event::Detached { .. } => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.lines.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(value: &str) -> Arg<'_> {
        Arg::new("fd", value, 3, None)
    }

    /// `Call::write` against serde_json's own output for the same call, field by field
    /// and each kind of value: absent, null, escaped, at the ends of their ranges.
    #[test]
    fn call_lines_are_what_serde_json_writes() {
        let invalid = b"a\xff\x00\"\\\n\x1f\x7f\xc3\xa9";
        let typed = [
            None,
            Some(Typed::Int(i64::MIN)),
            Some(Typed::Int(-1)),
            Some(Typed::UInt(u64::MAX)),
            Some(Typed::Fd {
                fd: -100,
                name: None,
            }),
            Some(Typed::Fd {
                fd: 7,
                name: Some("/tmp/\"quoted\"\\ \u{1}\u{7f}é\u{2028}"),
            }),
            Some(Typed::Bytes {
                bytes: b"plain",
                truncated: false,
            }),
            Some(Typed::Bytes {
                bytes: b"",
                truncated: true,
            }),
            Some(Typed::Bytes {
                bytes: invalid,
                truncated: true,
            }),
            Some(Typed::Strings {
                items: vec![b"ls", b"-l\t", &invalid[..]],
                truncated: false,
            }),
            Some(Typed::Strings {
                items: vec![],
                truncated: true,
            }),
            Some(Typed::Flags(vec!["O_RDONLY", "O_CLOEXEC", "0x8000"])),
            Some(Typed::Flags(vec![])),
        ];
        let args: Vec<Arg> = typed
            .into_iter()
            .zip(
                [0, 1, 0xf, 0x10, u64::MAX, 1 << 63, 0x7fff_1000]
                    .into_iter()
                    .cycle(),
            )
            .map(|(typed, raw)| Arg::new("buf", "\"a\\x00\"...", raw, typed))
            .collect();
        let container = || Container {
            id: "0123abc",
            runtime: "containerd",
            pod_uid: Some("uid\"1"),
            qos: Some("burstable"),
        };
        let mut calls = Vec::new();
        for completed in [false, true] {
            for (comm, in_container, personality) in [
                (None, false, None),
                (Some("redis-server"), true, None),
                (Some("a\"b\\c\u{0}"), false, Some("32 bit")),
            ] {
                for (ret, errno, duration) in [
                    (None, None, None),
                    (Some(-1), Some("ENOENT"), Some(0)),
                    (Some(i64::MAX), None, Some(u64::MAX)),
                ] {
                    calls.push(Call {
                        pid: u32::MAX,
                        tid: 0,
                        comm,
                        container: in_container.then(container),
                        syscall: "openat",
                        nr: 257,
                        personality,
                        enter_ns: 51_233_859_067_811,
                        args: Vec::new(),
                        ret: completed.then_some(ret),
                        retval: completed.then_some("-1 ENOENT (No such file or directory)"),
                        errno: completed.then_some(errno),
                        duration_ns: completed.then_some(duration),
                    });
                }
            }
        }
        let mut last = calls.pop().unwrap();
        last.args = args;
        calls.push(last);
        calls[0].args = vec![arg("")];
        calls[1].args = vec![arg("3</dev/null>"), arg("\u{0}\u{1f}")];
        for call in calls {
            let theirs = serde_json::to_vec(&call).unwrap();
            let mut ours = Vec::new();
            call.write(&mut ours).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    #[test]
    fn registers_are_written_as_format_writes_them() {
        for v in [
            0,
            1,
            0xf,
            0x10,
            0xdead_beef,
            u64::MAX,
            1 << 63,
            0x7f00_0000_1000,
        ] {
            assert_eq!(
                serde_json::to_string(&Hex(v)).unwrap(),
                format!("\"{v:#x}\"")
            );
        }
    }
}
