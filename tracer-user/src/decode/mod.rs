//! Turns a syscall event into strace's text for its arguments and return value. What to
//! print comes from the syscall table's argument kinds; the bytes come from the event's
//! captures. Anything missing (a failed read, a capture that did not fit) degrades to
//! the raw pointer, as strace does when it cannot read tracee memory.

mod aio;
mod arch_prctl;
mod args;
mod argv;
mod bpf;
mod bpf_filter;
mod capability;
mod clone;
mod cmsg;
mod dirent;
pub mod dump;
mod errno;
mod fcntl;
pub mod fdset;
pub mod flags;
mod fsconfig;
mod futex;
mod ioctl;
mod ioprio;
mod iovec;
mod ipc;
pub mod kernel_derefs;
mod kexec;
mod keyctl;
mod ldt;
mod mem;
mod mount_attr;
mod netlink;
mod netlink_types;
mod other_fds;
mod perf;
pub use iovec::passed_fds;
pub use other_fds::other_fds;
mod pidns;
pub(crate) use pidns::proc_dir;
mod posix_ipc;
mod prctl;
mod ptrace;
mod quota;
mod reboot;
mod ret;
mod sched;
mod seccomp;
pub mod siginfo;
mod sockaddr;
mod sockopt;
pub mod strings;
pub mod structs;
mod syslog;
#[cfg(test)]
mod tests;
mod timex;
mod typed;
pub mod uring;
mod uring_setup;
mod xlat;

pub(crate) use aio::{IO_EVENT_SIZE, IOCB_SIZE};
pub(crate) use bpf_filter::FPROG_SIZE;
pub use errno::errno_name;
pub use flags::signal_name;
pub use ioctl::returns_fd as ioctl_returns_fd;
pub(crate) use ldt::USER_DESC_SIZE;
pub use mem::{derefs, join_pieces};
pub(crate) use perf::SIZE as PERF_ATTR_SIZE;
pub(crate) use ptrace::{ADDR_BYTES as PTRACE_ADDR_BYTES, DATA_BYTES as PTRACE_DATA_BYTES};
pub(crate) use quota::MAX_STRUCT as QUOTA_MAX_STRUCT;
#[cfg(test)]
pub use ret::write_return;
pub use ret::{errno_of, write_result};
pub(crate) use seccomp::MAX_STRUCT as SECCOMP_MAX_STRUCT;
pub(crate) use sockopt::SOCKOPT_OUT_BYTES;
pub use typed::{Typed, typed};
pub(crate) use uring_setup::SIZE as URING_PARAMS_SIZE;

use std::{fmt::Write, sync::Arc};

use crate::event::{Capture, FdNames, Syscall as Call};
use crate::syscalls::{self, ArgKind};
use args::{visible, write_arg};
use strings::write_addr;

/// strace's `-x` / `-xx` / `--strings-in-hex`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HexMode {
    #[default]
    None,
    /// `--strings-in-hex=non-ascii-chars`: unprintable bytes escape as `\x..` instead of
    /// octal; the rest of the string stays as it is.
    Escapes,
    /// `-x`: a string holding any non-ASCII byte prints wholly in hex.
    NonAscii,
    /// `-xx`: every string prints in hex.
    All,
}

/// strace's `-X`: how named constants and flags print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XlatStyle {
    /// Names: `O_RDONLY|O_CLOEXEC`.
    #[default]
    Abbrev,
    /// Numbers: `0x80000`.
    Raw,
    /// Both: `0x80000 /* O_RDONLY|O_CLOEXEC */`.
    Verbose,
}

/// The syscalls a decoding choice applies to (`-e raw=`, `abbrev=`, `verbose=`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Syscalls {
    All,
    None,
    /// By number; numbers past the table are in the set when `unknown` is.
    Only {
        known: Arc<[bool]>,
        unknown: bool,
    },
}

impl Syscalls {
    pub fn contains(&self, nr: u32) -> bool {
        match self {
            Self::All => true,
            Self::None => false,
            Self::Only { known, unknown } => known.get(nr as usize).copied().unwrap_or(*unknown),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeOptions {
    /// `-s`: bytes of strings and buffers shown.
    pub string_limit: usize,
    pub hex: HexMode,
    /// `-X`.
    pub xlat: XlatStyle,
    /// Syscalls printed undecoded, every argument a raw number (`-e raw=`).
    pub raw: Syscalls,
    /// Syscalls whose structures print abbreviated (`-e abbrev=`; `-v` empties it).
    pub abbrev: Syscalls,
    /// Syscalls whose structures and arrays are read at all (`-e verbose=`).
    pub verbose: Syscalls,
    /// `-Y`: pids print with their command name, `1234<cat>`.
    pub pid_comm: bool,
    /// `--pidns-translation`: pids of tasks in other PID namespaces also as the tracer's
    /// namespace numbers them.
    pub pidns: bool,
    /// For the call being decoded (see [`DecodeOptions::for_call`]): abbreviate it...
    pub(crate) abbreviate: bool,
    /// ...and read what its pointers point at.
    pub(crate) dereference: bool,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self {
            string_limit: 32,
            hex: HexMode::None,
            xlat: XlatStyle::Abbrev,
            raw: Syscalls::None,
            abbrev: Syscalls::All,
            verbose: Syscalls::All,
            pid_comm: false,
            pidns: false,
            abbreviate: true,
            dereference: true,
        }
    }
}

impl DecodeOptions {
    /// These options with the per-syscall choices resolved for syscall `nr`.
    pub(crate) fn for_call(&self, nr: u32) -> Self {
        Self {
            abbreviate: self.abbrev.contains(nr),
            dereference: self.verbose.contains(nr),
            ..self.clone()
        }
    }
}

/// Which arguments to write: strace prints a call that blocks in two halves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgsPart {
    All,
    /// The arguments known at entry, each followed by `, ` when more come later
    /// (`read(0, ` → `0, `).
    Entering,
    /// The rest, written at exit (`"abc", 1024`).
    Resumed,
}

/// Writes the arguments of `call`, without the name or parentheses; with `fds` (`-y`),
/// descriptors print with what they name (`3</etc/passwd>`).
pub fn write_args(
    out: &mut String,
    call: &Call,
    opts: &DecodeOptions,
    part: ArgsPart,
    fds: Option<&dyn FdNames>,
) {
    let _style = flags::StyleScope::new(opts.xlat);
    let opts = &opts.for_call(call.nr);
    let Some(sc) = syscalls::by_nr(call.nr).filter(|_| !opts.raw.contains(call.nr)) else {
        // Unknown syscalls get all six registers; known ones in raw mode their own count.
        let n = syscalls::by_nr(call.nr).map_or(6, |sc| sc.args.len());
        if part != ArgsPart::Resumed {
            write_raw_args(out, &call.args[..n]);
        }
        return;
    };
    if sc.args.iter().any(|a| a.kind == ArgKind::CloneStack) {
        return clone::write_clone(out, call, sc, part, fds);
    }
    let shown: Vec<usize> = (0..sc.args.len())
        .filter(|&i| visible(call, i, sc.args[i].kind))
        .collect();
    // Everything before the first output argument is printed at entry.
    let split = shown
        .iter()
        .position(|&i| sc.args[i].kind.is_output())
        .unwrap_or(shown.len());
    let (range, trailing_sep) = match part {
        ArgsPart::All => (&shown[..], false),
        ArgsPart::Entering => (&shown[..split], split < shown.len()),
        ArgsPart::Resumed => (&shown[split..], false),
    };
    for (n, &i) in range.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        write_arg(out, call, i, sc.args[i].kind, opts, fds);
    }
    if trailing_sep {
        out.push_str(", ");
    }
}

/// The arguments of `call` its line shows, by index: those of its table entry that are
/// shown at all, a raw (`-e raw=`) call's count, an unknown call's six registers.
pub fn shown_args<'a>(
    call: &'a Call,
    opts: &DecodeOptions,
) -> impl Iterator<Item = usize> + use<'a> {
    let known = syscalls::by_nr(call.nr);
    let sc = known.filter(|_| !opts.raw.contains(call.nr));
    let n = known.map_or(6, |sc| sc.args.len());
    (0..n).filter(move |&i| sc.is_none_or(|sc| visible(call, i, sc.args[i].kind)))
}

/// Each shown argument of `call` written into `out` as strace prints it, separated by
/// `, `, and where each one is in `out` pushed on `ranges`: the arguments apart without a
/// string each (the export, on the tracing path, writes many calls into one buffer).
pub fn write_each_arg(
    out: &mut String,
    ranges: &mut Vec<std::ops::Range<u32>>,
    call: &Call,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    // As the text line: `-X`, and the call's own `abbrev=`/`verbose=`.
    let _style = flags::StyleScope::new(opts.xlat);
    let opts = &opts.for_call(call.nr);
    let sc = syscalls::by_nr(call.nr).filter(|_| !opts.raw.contains(call.nr));
    let mut first = true;
    for i in shown_args(call, opts) {
        if !first {
            out.push_str(", ");
        }
        first = false;
        let start = out.len() as u32;
        match sc {
            Some(sc) => write_arg(out, call, i, sc.args[i].kind, opts, fds),
            None => write_hex(out, call.args[i]),
        }
        ranges.push(start..out.len() as u32);
    }
}

/// An fd argument: `3`, `AT_FDCWD`, or with names `3</etc/passwd>`, `AT_FDCWD</tmp>`.
pub(crate) fn write_fd(out: &mut String, pid: u32, fd: i32, fds: Option<&dyn FdNames>) {
    if fd == -100 {
        flags::styled(out, "-100", |out| out.push_str("AT_FDCWD"));
    } else {
        write_int(out, fd);
    }
    if let Some(name) = fds.and_then(|f| f.fd_name(pid, fd)) {
        write_fd_name(out, name);
    }
}

/// A descriptor that is no directory's: -100 is only a number, and names nothing.
pub(crate) fn write_plain_fd(out: &mut String, pid: u32, fd: i32, fds: Option<&dyn FdNames>) {
    write_int(out, fd);
    if fd < 0 {
        return;
    }
    if let Some(name) = fds.and_then(|f| f.fd_name(pid, fd)) {
        write_fd_name(out, name);
    }
}

/// A descriptor the call made (its result, a pipe's pair): `3`, or with names
/// `3</etc/passwd>`, named as the table has it after the call.
pub(crate) fn write_new_fd(out: &mut String, pid: u32, fd: i32, fds: Option<&dyn FdNames>) {
    write_int(out, fd);
    if let Some(name) = fds.and_then(|f| f.result_name(pid, fd)) {
        write_fd_name(out, name);
    }
}

/// What `/proc/PID/fd` adds to the path of a file deleted while open. A path that ends
/// so and is its file's own name carries a NUL after it in the fd table.
pub(crate) const DELETED_SUFFIX: &str = " (deleted)";

/// `<name>`: a path escaped as strace escapes it there (`<` and `>` too), a device's
/// `<char 1:3>` after it, and a file deleted while open (`/proc`'s ` (deleted)`) as
/// strace shows it: `</tmp/x>(deleted)`.
pub(crate) fn write_fd_name(out: &mut String, name: &str) {
    let (name, deleted) = match name.strip_suffix(DELETED_SUFFIX) {
        Some(path) => (path, true),
        // A file named so, not deleted (the backend marked it).
        None => (name.strip_suffix('\0').unwrap_or(name), false),
    };
    out.push('<');
    if name.starts_with('/') {
        let device = ["<char ", "<block "]
            .iter()
            .filter_map(|kind| name.rfind(kind))
            .find(|_| name.ends_with('>'));
        let (path, device) = name.split_at(device.unwrap_or(name.len()));
        strings::escape_fd_path(out, &crate::pipeline::procfs::path_bytes(path));
        out.push_str(device);
    } else {
        out.push_str(name);
    }
    out.push('>');
    if deleted {
        out.push_str("(deleted)");
    }
}

/// A pid: `1234`, or under `-Y` `1234<cat>` with the name the process has now (read
/// when the line is printed, as strace does; nothing once the process is gone).
/// A pid as task `caller` made or got it: with `-Y` its command name, with
/// `--pidns-translation` what it is in the tracer's PID namespace (a negative one below
/// -1 names a process group).
pub(crate) fn write_pid(out: &mut String, caller: u32, pid: i32, opts: &DecodeOptions) {
    write_int(out, pid);
    if opts.pid_comm
        && pid > 0
        && let Some(comm) = process_comm(pid as u32)
    {
        let _ = write!(out, "<{comm}>");
    }
    if opts.pidns
        && let Some(ours) = pidns::translate(caller, if pid < -1 { -pid } else { pid })
    {
        let _ = write!(out, " /* {ours} in strace's PID NS */");
    }
}

/// `--pidns-translation`: a task's ids in its own pid namespace, as the eBPF programs
/// took them at its call (the task may be gone when its calls are decoded).
pub fn learn_task_ids(ids: &tracer_common::TaskIdsRecord) {
    pidns::learn(ids);
}

/// `--pidns-translation`: task `ours` (the tracer's number) is `theirs` to `caller`,
/// as the fork that made it returned.
pub fn learn_child(caller: u32, theirs: u32, ours: u32) {
    pidns::learn_child(caller, theirs, ours);
}

/// The command name of process or thread `pid`, from `/proc`.
/// The names of the processes a call's pid arguments named at its entry (the ptrace
/// backend's `-Y`), by the calling thread and entry time, for the line printed later.
static ENTRY_COMMS: std::sync::Mutex<Vec<EntryComm>> = std::sync::Mutex::new(Vec::new());

/// (the calling thread and the call's entry time), the pid, its process's name.
type EntryComm = ((u32, u64), i32, String);

/// Notes the names of the processes `call`'s pid arguments name now, at its entry.
pub fn note_entry_comms(call: &Call) {
    let Some(sc) = syscalls::by_nr(call.nr) else {
        return;
    };
    let mut noted = ENTRY_COMMS.lock().unwrap_or_else(|e| e.into_inner());
    for (arg, &v) in sc.args.iter().zip(&call.args) {
        let named = match arg.kind {
            ArgKind::Pid => true,
            ArgKind::WhoPid { process, pgrp } => [process, pgrp]
                .map(i32::from)
                .contains(&(call.args[0] as i32)),
            _ => false,
        };
        if named
            && (v as i32) > 0
            && let Some(comm) = process_comm(v as u32)
        {
            // A few calls' worth: a line is printed soon after its call.
            if noted.len() >= 256 {
                noted.remove(0);
            }
            noted.push(((call.tid, call.enter_ns), v as i32, comm));
        }
    }
}

/// The name [`note_entry_comms`] noted for `pid` at `call`'s entry.
fn entry_comm(call: &Call, pid: i32) -> Option<String> {
    let noted = ENTRY_COMMS.lock().unwrap_or_else(|e| e.into_inner());
    noted
        .iter()
        .rev()
        .find(|(key, p, _)| *key == (call.tid, call.enter_ns) && *p == pid)
        .map(|(_, _, comm)| comm.clone())
}

/// A pid argument of `call`: [`write_pid`], with `-Y` the name the process had at the
/// call's entry when it is gone since (strace prints these at the entry); the caller's
/// own name as it was at the call when the backend took it.
pub(crate) fn write_pid_arg(out: &mut String, call: &Call, pid: i32, opts: &DecodeOptions) {
    let own = || {
        let comm = call.comm_at_call().filter(|_| pid as u32 == call.tid)?;
        let mut s = String::new();
        strings::escape_comm(&mut s, comm.as_bytes());
        Some(s)
    };
    let child = || {
        named_child(call)
            .filter(|(p, _)| *p == pid)
            .map(|(_, comm)| comm)
    };
    let at_call = entry_comm(call, pid)
        .or_else(child)
        .filter(|_| process_comm(pid as u32).is_none());
    match at_call.or_else(own).filter(|_| opts.pid_comm) {
        Some(comm) => {
            let plain = DecodeOptions {
                pid_comm: false,
                ..opts.clone()
            };
            let mut s = String::new();
            write_pid(&mut s, call.tid, pid, &plain);
            // The number, then the name, then any namespace comment.
            let digits = s.find(' ').unwrap_or(s.len());
            out.push_str(&s[..digits]);
            let _ = write!(out, "<{comm}>");
            out.push_str(&s[digits..]);
        }
        None => write_pid(out, call.tid, pid, opts),
    }
}

/// The caller's child `call`'s pid argument names, with the name the eBPF programs took
/// at the call's entry (`-Y`), escaped: its waiter may have reaped it since.
pub(crate) fn named_child(call: &Call) -> Option<(i32, String)> {
    let arg = syscalls::pid_arg(call.nr)?;
    let comm = call.child_comm(arg)?;
    let mut s = String::new();
    strings::escape_comm(&mut s, comm.as_bytes());
    Some((call.args[arg] as i32, s))
}

pub fn process_comm(pid: u32) -> Option<String> {
    let comm = std::fs::read(format!("/proc/{pid}/comm")).ok()?;
    let comm = comm.strip_suffix(b"\n").unwrap_or(&comm);
    let mut s = String::new();
    strings::escape_comm(&mut s, comm);
    Some(s)
}

/// The copies of argument `i` taken at entry and at exit, for arguments the plan reads
/// twice ([`crate::syscalls::plan::capture_specs`]): entry captures come first.
pub(crate) fn in_out(call: &Call, i: usize) -> (Option<&Capture>, Option<&Capture>) {
    let mut caps = call
        .captures
        .iter()
        .filter(|c| c.arg as usize == i && c.kind != tracer_common::capture::FOLLOW);
    (caps.next(), caps.next())
}

fn write_raw_args(out: &mut String, args: &[u64]) {
    for (n, &v) in args.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        write_hex(out, v);
    }
}

/// C's `%#lx`: zero has no prefix.
pub(crate) fn write_hex(out: &mut String, v: u64) {
    let _ = if v == 0 {
        write!(out, "0")
    } else {
        write!(out, "{v:#x}")
    };
}

pub(crate) fn write_int(out: &mut String, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}
