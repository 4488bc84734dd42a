//! `execve`'s and `execveat`'s `argv` and `envp` where the plan's copy of one failed (an
//! element pointing at unreadable memory, an array ending a mapping) or had no room for
//! a string (one longer than a capture, with a large `-s`): strace shows the
//! strings it reads, the pointers it cannot follow, and where the array stops. The
//! ptrace backend reads the array and then its strings ([`super::mem`]); the eBPF
//! programs copy the array and its first strings at every call
//! ([`super::kernel_derefs`]), used only where the plan's copy failed.

use super::mem::{Mem, Want, write_str};
use super::{DecodeOptions, write_addr};
use crate::event::{Capture, Syscall as Call};

/// Strings read per array at most.
const MAX_STRINGS: usize = 56;
/// Pointers of an array read (up to where its memory ends).
const MAX_POINTERS: usize = 64;

/// Whether the plan's copy `cap` of an array serves: read, and with room for every
/// string it holds (a string the copy ran out of room for ends it without its NUL).
fn served(cap: Option<&Capture>) -> bool {
    let cut = |c: &Capture| {
        c.kind == tracer_common::capture::STRV
            && c.truncated
            && c.data.last().is_some_and(|&b| b != 0)
    };
    cap.is_some_and(|c| !c.fault && !cut(c))
}

/// The array's pointers as read.
fn pointers(data: &[u8]) -> impl Iterator<Item = u64> + '_ {
    data.chunks_exact(8)
        .map(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")))
}

/// What to read of `argv` and `envp` (arguments `first` and after) at the entry: the
/// arrays whose plan copy failed, then the strings their pointers point at (`envp`'s
/// only where the plan wanted them, `-v`; else its count shows).
pub(super) fn derefs(call: &Call, first: usize, string_limit: usize, wants: &mut Vec<Want>) {
    let mem = Mem::of(call, false);
    for (i, arg) in [first, first + 1].into_iter().enumerate() {
        let addr = call.args[arg];
        let copied = call.capture(arg);
        if addr == 0 || served(copied) {
            continue;
        }
        let Some(ptrs) = mem.get(addr) else {
            wants.push((addr, MAX_POINTERS * 8));
            continue;
        };
        let strings = i == 0 || copied.is_some_and(|c| c.kind == tracer_common::capture::STRV);
        if strings {
            let each = pointers(ptrs).take_while(|&p| p != 0).take(MAX_STRINGS);
            wants.extend(each.map(|p| (p, string_limit + 1)));
        }
    }
}

/// The copy of the array at `addr` where the plan's copy `cap` failed.
fn failed<'a>(call: &'a Call, cap: Option<&Capture>, addr: u64) -> Option<&'a [u8]> {
    if addr == 0 || served(cap) {
        return None;
    }
    Mem::of(call, false).get(addr)
}

/// `argv` (or `envp` under `-v`) at `addr` from the reads of [`derefs`], as strace's
/// `printargv` prints it; false when they were not made (the plan's copy `cap` serves).
pub(super) fn write_argv(
    out: &mut String,
    call: &Call,
    cap: Option<&Capture>,
    addr: u64,
    opts: &DecodeOptions,
) -> bool {
    let mem = Mem::of(call, false);
    let Some(ptrs) = failed(call, cap, addr) else {
        return false;
    };
    let words: Vec<u64> = pointers(ptrs).collect();
    for n in 0.. {
        let Some(&ptr) = words.get(n) else {
            if n == 0 {
                write_addr(out, addr);
            } else {
                let _ = std::fmt::Write::write_fmt(
                    out,
                    format_args!(", ... /* {:#x} */]", addr + 8 * n as u64),
                );
            }
            return true;
        };
        if ptr == 0 {
            if n == 0 {
                out.push('[');
            }
            break;
        }
        if opts.abbreviate && n >= opts.string_limit {
            out.push_str(", ...");
            break;
        }
        out.push_str(if n == 0 { "[" } else { ", " });
        if n < MAX_STRINGS {
            write_str(out, &mem, ptr, opts);
        } else {
            write_addr(out, ptr);
        }
    }
    out.push(']');
    true
}

/// `envp` counted from the read of [`derefs`] (strace's `printargc`):
/// `0x... /* 5 vars, unterminated */` for an array that ends a mapping; false when it
/// was not read (or the plan's copy `cap` serves).
pub(super) fn write_envc(out: &mut String, call: &Call, cap: Option<&Capture>, addr: u64) -> bool {
    let Some(ptrs) = failed(call, cap, addr) else {
        return false;
    };
    write_addr(out, addr);
    let count = pointers(ptrs).take_while(|&p| p != 0).count();
    let unterminated = count == ptrs.len() / 8;
    if unterminated && count == 0 {
        return true;
    }
    let _ = std::fmt::Write::write_fmt(
        out,
        format_args!(
            " /* {count} var{}{} */",
            if count == 1 { "" } else { "s" },
            if unterminated { ", unterminated" } else { "" }
        ),
    );
    true
}
