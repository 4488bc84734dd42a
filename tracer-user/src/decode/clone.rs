//! `clone` and `clone3`, as strace prints them: named fields in strace's order, the
//! pointers only when the flags use them, and what the kernel wrote back.

use std::fmt::Write;

use super::{ArgsPart, Call, DecodeOptions, flags, strings::write_addr, structs, write_hex};
use crate::{
    event::FdNames,
    syscalls::{ArgKind, Syscall},
};

const CLONE_PIDFD: u64 = 0x1000;
const CLONE_SETTLS: u64 = 0x80000;
const CLONE_PARENT_SETTID: u64 = 0x100000;
const CLONE_CHILD_CLEARTID: u64 = 0x200000;
const CLONE_CHILD_SETTID: u64 = 0x1000000;

/// `clone(child_stack=..., flags=..., parent_tid=[N], child_tidptr=..., tls=...)`: its
/// arguments are found by kind, since their order differs between architectures.
pub(crate) fn write_clone(
    out: &mut String,
    call: &Call,
    sc: &Syscall,
    part: ArgsPart,
    fds: Option<&dyn FdNames>,
) {
    let arg = |kind: ArgKind| sc.args.iter().position(|a| a.kind == kind);
    let value = |kind: ArgKind| arg(kind).map_or(0, |i| call.args[i]);
    let flags = value(ArgKind::CloneFlags);
    let mut later = String::new();
    let sep = |s: &mut String| {
        if !s.is_empty() {
            s.push_str(", ");
        }
    };
    if flags & (CLONE_PARENT_SETTID | CLONE_PIDFD) != 0 {
        later.push_str("parent_tid=");
        let tid = arg(ArgKind::CloneParentTid)
            .and_then(|i| call.capture(i))
            .filter(|c| !c.fault)
            .and_then(|c| structs::Bytes(&c.data).i32(0));
        match tid {
            // CLONE_PIDFD's descriptor, named as the table has it after the call.
            Some(fd) if flags & CLONE_PIDFD != 0 && call.success().is_some() => {
                later.push('[');
                super::write_new_fd(&mut later, call.pid, fd, fds);
                later.push(']');
            }
            Some(tid) => {
                let _ = write!(later, "[{tid}]");
            }
            None => write_addr(&mut later, value(ArgKind::CloneParentTid)),
        }
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        sep(&mut later);
        later.push_str("child_tidptr=");
        write_addr(&mut later, value(ArgKind::CloneChildTid));
    }
    if flags & CLONE_SETTLS != 0 {
        sep(&mut later);
        later.push_str("tls=");
        write_addr(&mut later, value(ArgKind::CloneTls));
    }
    if part != ArgsPart::Resumed {
        out.push_str("child_stack=");
        write_addr(out, value(ArgKind::CloneStack));
        out.push_str(", flags=");
        flags::write_clone_flags(out, flags);
        if !later.is_empty() {
            out.push_str(", ");
        }
    }
    if part != ArgsPart::Entering {
        out.push_str(&later);
    }
}

/// `clone3`'s `struct clone_args`, the fields the flags use, as strace prints them; on
/// success, what the kernel wrote back: the parent's copy of the new tid is the return
/// value itself.
pub(crate) fn write_clone3(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    const CLONE_INTO_CGROUP: u64 = 0x200000000;
    // What strace reads: as much of the struct as the size argument says, the fields
    // up to `tls` at least; the rest reads as zeros.
    const MIN_SIZE: usize = 64;
    const MAX_SETTID: u64 = 32;
    let (addr, size) = (call.args[i], call.args[i + 1]);
    let fetch = (size as usize).min(88);
    // The copy of `size` bytes: one that ran into an unreadable page keeps what was
    // readable, which may be all strace reads.
    let Some(b) = call
        .capture(i)
        .filter(|c| fetch >= MIN_SIZE && c.data.len() >= fetch)
        .map(|c| &c.data[..fetch])
    else {
        return write_addr(out, addr);
    };
    let b = structs::Bytes(b);
    let field = |off| b.u64(off).unwrap_or_default();
    let flags = field(0);
    out.push_str("{flags=");
    flags::write_flags_of(
        out,
        flags,
        &[flags::CLONE_FLAGS, CLONE3_FLAGS],
        None,
        "CLONE_???",
    );
    let addr_field = |out: &mut String, name: &str, off: usize| {
        let _ = write!(out, ", {name}=");
        write_addr(out, field(off));
    };
    if flags & CLONE_PIDFD != 0 {
        addr_field(out, "pidfd", 8);
    }
    if flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID) != 0 {
        addr_field(out, "child_tid", 16);
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        addr_field(out, "parent_tid", 24);
    }
    out.push_str(", exit_signal=");
    match field(32) {
        sig if sig < i32::MAX as u64 => flags::write_signal(out, sig as i32),
        sig => {
            let _ = write!(out, "{sig}");
        }
    }
    addr_field(out, "stack", 40);
    out.push_str(", stack_size=");
    write_hex(out, field(48));
    if flags & CLONE_SETTLS != 0 {
        addr_field(out, "tls", 56);
    }
    let (set_tid, count) = (field(64), field(72));
    if set_tid != 0 || count != 0 {
        out.push_str(", set_tid=");
        // The pids, copied with the struct (`capture::FOLLOW`).
        let pids = call
            .followed(i)
            .filter(|c| !c.fault)
            .map(|c| structs::Bytes(&c.data))
            .filter(|f| f.u64(64) == Some(set_tid) && f.u64(72) == Some(count));
        match pids {
            Some(f) if set_tid != 0 && count != 0 && count <= MAX_SETTID => {
                let copied = f.0.get(88..).unwrap_or_default();
                write_pids(out, set_tid, count as usize, copied);
            }
            _ => write_addr(out, set_tid),
        }
        let _ = write!(out, ", set_tid_size={count}");
    }
    if fetch > 80 && (field(80) != 0 || flags & CLONE_INTO_CGROUP != 0) {
        let _ = write!(out, ", cgroup={}", field(80));
    }
    if let Some(tail) = structs::extension_tail(call, i, fetch, size, opts) {
        let _ = write!(out, ", {tail}");
    }
    out.push('}');
    if call.success().is_some() {
        write_clone3_written(out, call, i, flags, (fetch, size), opts);
    }
}

/// What a successful `clone3` wrote back, as strace reads it at exit: the descriptor
/// at `pidfd`, the tid at `parent_tid` (copied with the struct, `capture::FOLLOW`, after
/// `set_tid`'s pids), and the bytes past those it knows, again.
fn write_clone3_written(
    out: &mut String,
    call: &Call,
    i: usize,
    flags: u64,
    (fetch, size): (usize, u64),
    opts: &DecodeOptions,
) {
    const CLONE_PIDFD_AT: usize = 8;
    const PARENT_TID_AT: usize = 24;
    let followed: Vec<_> = call
        .captures
        .iter()
        .filter(|c| c.arg as usize == i && c.kind == tracer_common::capture::FOLLOW)
        .collect();
    // At exit, after set_tid's copy: the pidfd's, then the parent tid's.
    let written = |nth: usize| {
        followed
            .len()
            .checked_sub(2 - nth)
            .filter(|_| followed.len() >= 3)
            .and_then(|at| followed.get(at))
            .filter(|c| !c.fault)
    };
    let mut fields = Vec::new();
    let mut int_at = |name: &str, at: usize, nth: usize| {
        let cap = written(nth);
        let b = cap.map(|c| structs::Bytes(&c.data));
        let ptr = b.as_ref().and_then(|b| b.u64(at));
        let mut s = format!("{name}=");
        match (ptr, b.as_ref().and_then(|b| b.i32(88))) {
            (Some(0), _) => s.push_str("NULL"),
            (Some(_), Some(v)) => {
                let _ = write!(s, "[{v}]");
            }
            (Some(p), None) => write_addr(&mut s, p),
            // No copy: the tid is the return value.
            (None, _) if nth == 1 => {
                let _ = write!(s, "[{}]", call.success().unwrap_or_default());
            }
            (None, _) => return,
        }
        fields.push(s);
    };
    if flags & CLONE_PIDFD != 0 {
        int_at("pidfd", CLONE_PIDFD_AT, 0);
    }
    if flags & CLONE_PARENT_SETTID != 0 {
        int_at("parent_tid", PARENT_TID_AT, 1);
    }
    if (size as usize) > fetch {
        let (_, exit) = super::in_out(call, i);
        if let Some(tail) = structs::tail_of(exit, fetch, size, opts) {
            fields.push(tail);
        }
    }
    if !fields.is_empty() {
        let _ = write!(out, " => {{{}}}", fields.join(", "));
    }
}

/// `set_tid`'s `count` pids at `addr`, of which `copied` holds those read: strace's
/// `print_array`, which stops where a read faults (`... /* 0x... */`).
fn write_pids(out: &mut String, addr: u64, count: usize, copied: &[u8]) {
    let pids: Vec<i32> = copied
        .chunks_exact(4)
        .take(count)
        .map(|p| i32::from_ne_bytes(p.try_into().expect("4 bytes")))
        .collect();
    if pids.is_empty() {
        return write_addr(out, addr);
    }
    out.push('[');
    for (n, pid) in pids.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{pid}");
    }
    if pids.len() < count {
        let _ = write!(out, ", ... /* {:#x} */", addr + 4 * pids.len() as u64);
    }
    out.push(']');
}

/// The flags only `clone3` takes (strace's `clone3_flags`), after `clone`'s.
const CLONE3_FLAGS: flags::Xlat = &[
    (0x80, "CLONE_NEWTIME"),
    (0x100000000, "CLONE_CLEAR_SIGHAND"),
    (0x200000000, "CLONE_INTO_CGROUP"),
];
