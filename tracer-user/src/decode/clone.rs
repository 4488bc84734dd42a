//! `clone` and `clone3`, as strace prints them: named fields in strace's order, the
//! pointers only when the flags use them, and what the kernel wrote back.

use std::fmt::Write;

use super::{
    ArgsPart, Call,
    flags::{self, write_flags},
    strings::write_addr,
    structs, write_hex,
};
use crate::syscalls::{ArgKind, Syscall};

const CLONE_PIDFD: u64 = 0x1000;
const CLONE_SETTLS: u64 = 0x80000;
const CLONE_PARENT_SETTID: u64 = 0x100000;
const CLONE_CHILD_CLEARTID: u64 = 0x200000;
const CLONE_CHILD_SETTID: u64 = 0x1000000;

/// `clone(child_stack=..., flags=..., parent_tid=[N], child_tidptr=..., tls=...)`: its
/// arguments are found by kind, since their order differs between architectures.
pub(crate) fn write_clone(out: &mut String, call: &Call, sc: &Syscall, part: ArgsPart) {
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
pub(crate) fn write_clone3(out: &mut String, call: &Call, i: usize) {
    const CLONE_INTO_CGROUP: u64 = 0x200000000;
    let addr = call.args[i];
    let Some(b) = call
        .capture(i)
        .filter(|c| !c.fault && c.data.len() >= 88)
        .map(|c| structs::Bytes(&c.data))
    else {
        return write_addr(out, addr);
    };
    let field = |off| b.u64(off).unwrap_or_default();
    let flags = field(0);
    out.push_str("{flags=");
    write_flags(out, flags, flags::CLONE_FLAGS, None, "CLONE_???");
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
    flags::write_signal(out, field(32) as i32);
    addr_field(out, "stack", 40);
    out.push_str(", stack_size=");
    write_hex(out, field(48));
    if flags & CLONE_SETTLS != 0 {
        addr_field(out, "tls", 56);
    }
    if field(64) != 0 || field(72) != 0 {
        addr_field(out, "set_tid", 64);
        let _ = write!(out, ", set_tid_size={}", field(72));
    }
    if flags & CLONE_INTO_CGROUP != 0 {
        let _ = write!(out, ", cgroup={}", field(80));
    }
    out.push('}');
    if let Some(tid) = call.success()
        && flags & CLONE_PARENT_SETTID != 0
    {
        let _ = write!(out, " => {{parent_tid=[{tid}]}}");
    }
}
