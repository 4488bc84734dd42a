//! `--format=json`: one JSON object per line, for log shippers. Fed from the same events
//! and decoded by the same code as the text output, so both carry the same facts; the
//! schema is in the README (`v` is its version).

use std::{
    cell::RefCell,
    collections::HashMap,
    io::{self, Write},
    rc::Rc,
};

use serde::Serialize;

use super::{Sink, fds::FdTable, time};
use crate::{
    decode::{self, DecodeOptions, FdNames},
    event::{Event, ExitStatus, Syscall},
    syscalls,
};

/// Bumped when a field changes meaning or goes away (adding fields does not).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug)]
pub struct JsonOptions {
    pub decode: DecodeOptions,
    pub clock: time::Clock,
    pub fds: Option<Rc<RefCell<FdTable>>>,
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
        comm: Option<String>,
        signal: Option<&'a str>,
        info: &'a str,
    },
    Exit {
        pid: u32,
        tid: u32,
        comm: Option<String>,
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
    comm: Option<String>,
    syscall: &'a str,
    nr: u32,
    /// CLOCK_MONOTONIC nanoseconds at entry, as the kernel measured them.
    enter_ns: u64,
    args: Vec<Arg>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ret: Option<Option<i64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retval: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errno: Option<Option<String>>,
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
    opts: JsonOptions,
    comms: Comms,
    buf: Vec<u8>,
    time: String,
}

impl<W: Write> JsonFormatter<W> {
    pub fn new(out: W, opts: JsonOptions) -> Self {
        Self {
            out,
            opts,
            comms: Comms::default(),
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

    fn call(&mut self, call: &Syscall, completed: bool) -> io::Result<()> {
        let table = self.opts.fds.as_ref().map(|t| {
            t.borrow_mut().prepare(call);
            t.borrow()
        });
        let names = table.as_deref().map(|t| t as &dyn FdNames);
        let sc = syscalls::by_nr(call.nr);
        let args = decode::each_arg(call, &self.opts.decode, names)
            .into_iter()
            .map(|(i, value)| Arg {
                name: sc.and_then(|sc| sc.args.get(i)).map_or("", |a| a.name),
                value,
                raw: format!("{:#x}", call.args[i]),
            })
            .collect();
        drop(table);
        let (mut ret, mut retval, mut errno, mut duration) = (None, None, None, None);
        if completed {
            let mut text = String::new();
            decode::write_return(&mut text, call);
            if let Some(table) = &self.opts.fds {
                table.borrow_mut().apply(call);
                if let Some(name) = super::fds::returned_fd(call)
                    .and_then(|fd| table.borrow().fd_name(call.pid, fd))
                {
                    text = format!("{text}<{name}>");
                }
            }
            let failed = call.ret.is_some_and(|r| (-4095..0).contains(&r));
            ret = Some(call.ret.map(|r| if failed { -1 } else { r }));
            errno = Some(
                failed
                    .then(|| text.split_whitespace().nth(1).map(str::to_owned))
                    .flatten(),
            );
            retval = Some(text);
            duration = Some(call.duration_ns());
            self.comms.apply(call);
        }
        let name = syscalls::name(call.nr)
            .map_or_else(|| format!("syscall_{:#x}", call.nr), str::to_owned);
        let body = Call {
            pid: call.pid,
            tid: call.tid,
            comm: self.comms.get(call.tid).map(str::to_owned),
            syscall: &name,
            nr: call.nr,
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
        self.write(body, self.opts.clock.realtime_ns(call.enter_ns))
    }
}

impl<W: Write> Sink for JsonFormatter<W> {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        let now = self.opts.clock.now_ns();
        match event {
            Event::Entered(call) => self.call(call, false),
            Event::Completed(call) => self.call(call, true),
            Event::Signal {
                tid,
                pid,
                signal,
                info,
            } => {
                let body = Body::Signal {
                    pid: *pid,
                    tid: *tid,
                    comm: self.comms.get(*tid).map(str::to_owned),
                    signal: decode::signal_name(*signal),
                    info,
                };
                self.write(body, now)
            }
            Event::Exited {
                tid,
                pid,
                status,
                group,
            } => {
                if let (true, Some(table)) = (*group, &self.opts.fds) {
                    table.borrow_mut().forget(*pid);
                }
                let comm = self.comms.forget(*tid);
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
            Event::Started { .. } => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Task names, as the kernel keeps them (`comm`, 15 bytes): read from `/proc` when a task
/// is first seen, inherited across fork, and set from the path at a successful `execve`,
/// which is what the kernel does, so short-lived tasks get theirs too.
#[derive(Default)]
struct Comms {
    by_tid: HashMap<u32, Option<String>>,
}

impl Comms {
    fn get(&mut self, tid: u32) -> Option<&str> {
        self.by_tid
            .entry(tid)
            .or_insert_with(|| {
                std::fs::read_to_string(format!("/proc/{tid}/comm"))
                    .ok()
                    .map(|c| c.trim_end().to_owned())
            })
            .as_deref()
    }

    fn forget(&mut self, tid: u32) -> Option<String> {
        let comm = self.get(tid).map(str::to_owned);
        self.by_tid.remove(&tid);
        comm
    }

    fn apply(&mut self, call: &Syscall) {
        let Some(ret) = call.ret.filter(|r| *r >= 0) else {
            return;
        };
        match syscalls::name(call.nr) {
            Some("execve") => {
                if let Some(c) = call.capture(0).filter(|c| !c.fault) {
                    let path = c.data.strip_suffix(b"\0").unwrap_or(&c.data);
                    let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
                    let comm = String::from_utf8_lossy(&base[..base.len().min(15)]).into_owned();
                    self.by_tid.insert(call.tid, Some(comm));
                }
            }
            Some("fork" | "vfork" | "clone" | "clone3") if ret > 0 => {
                let parent = self.get(call.tid).map(str::to_owned);
                self.by_tid.insert(ret as u32, parent);
            }
            _ => {}
        }
    }
}
