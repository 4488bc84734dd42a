//! The return value: what follows `= `, with strace's notes for the calls that have one
//! (`= 0 (Timeout)`, `= 0x1 (flags FD_CLOEXEC)`) and, under `-y`, what a returned
//! descriptor names.

use std::fmt::Write;

use super::{
    DecodeOptions, errno, fcntl, fdset,
    flags::{self, write_flags},
    in_out, prctl, structs, write_hex, write_int,
};
use crate::{
    event::{FdNames, Syscall as Call},
    syscalls::{self, ArgKind, RetKind, StructKind, When},
};

/// Writes the return value of `call` as strace does, with the default options.
#[cfg(test)]
pub fn write_return(out: &mut String, call: &Call, fds: Option<&dyn FdNames>) {
    write_result(out, call, &DecodeOptions::default(), fds)
}

/// Writes the return value of `call` as strace does with `opts` (`-X`, `-e raw=`).
pub fn write_result(
    out: &mut String,
    call: &Call,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    write_value(out, call, opts, fds);
    // `-e inject=`'s doing, as strace notes it.
    match (call.tampered.poked, call.tampered.injected) {
        (true, true) => out.push_str(" (INJECTED: args, retval)"),
        (true, false) => out.push_str(" (INJECTED: args)"),
        (false, true) => out.push_str(" (INJECTED)"),
        (false, false) => {}
    }
    if call.tampered.delayed {
        out.push_str(" (DELAYED)");
    }
}

fn write_value(out: &mut String, call: &Call, opts: &DecodeOptions, fds: Option<&dyn FdNames>) {
    let _style = flags::StyleScope::new(opts.xlat);
    if opts.raw.contains(call.nr) {
        // Undecoded: a success in hex, an error as usual.
        match call.success() {
            Some(ret) => write_hex(out, ret),
            None => errno::write_return(out, call.ret, RetKind::Int),
        }
        return;
    }
    let kind = match syscalls::by_nr(call.nr).map_or(RetKind::Int, |sc| sc.ret) {
        // An `exit_group` failed by `-e fault=` returns after all.
        RetKind::None if call.tampered.injected => RetKind::Int,
        kind => kind,
    };
    if let Some(ret) = call.success() {
        let done = match kind {
            RetKind::Poll => {
                let limit = if opts.abbrev.contains(call.nr) {
                    opts.string_limit
                } else {
                    usize::MAX
                };
                write_poll_return(out, call, ret, limit);
                true
            }
            RetKind::Select => {
                let timeout = updated_struct(call).and_then(|i| match arg_kind(call, i) {
                    Some(ArgKind::Struct(sk, _)) => Some(sk),
                    _ => None,
                });
                fdset::write_select_return(out, call, ret, timeout.unwrap_or(StructKind::Timeval));
                true
            }
            RetKind::Fcntl if fcntl::duplicates(call.args[1] as u32) => {
                write_fd_return(out, call, ret, fds);
                true
            }
            RetKind::Fcntl => fcntl::write_return(out, call.args[1] as u32, ret),
            RetKind::Prctl => prctl::write_return(out, call, ret),
            RetKind::Recvmmsg => {
                write_recvmmsg_return(out, call, ret, opts.verbose.contains(call.nr));
                true
            }
            RetKind::Signal => {
                write_int(out, ret);
                if let Some(name) = flags::signal_name(ret as i32) {
                    let _ = write!(out, " ({name})");
                }
                true
            }
            RetKind::Time => {
                let mut date = String::new();
                super::structs::write_time_comment(&mut date, ret as i64, 0);
                write_int(out, ret);
                if let Some(date) = date
                    .strip_prefix(" /* ")
                    .and_then(|d| d.strip_suffix(" */"))
                {
                    let _ = write!(out, " ({date})");
                }
                true
            }
            // Named only after the struct it was printed with (strace's `RVAL_STR`).
            RetKind::Adjtimex => {
                write_int(out, ret);
                let read = call.capture(0).is_some_and(|c| !c.fault && !c.truncated);
                if let Some(name) = super::timex::state_name(ret).filter(|_| read) {
                    let _ = write!(out, " ({name})");
                }
                true
            }
            RetKind::SchedPolicy => {
                write_int(out, ret);
                if let Some(name) = super::xlat::sched_policy_name(ret) {
                    let _ = write!(out, " ({name})");
                }
                true
            }
            RetKind::Personality => {
                write_hex(out, ret);
                out.push_str(" (");
                flags::write_personality(out, ret as u32);
                out.push(')');
                true
            }
            RetKind::Fd => {
                write_fd_return(out, call, ret, fds);
                true
            }
            RetKind::Pid => {
                super::write_pid_arg(out, call, ret as i32, opts);
                true
            }
            RetKind::Bpf | RetKind::Landlock
                if kind.new_fd(&call.args) && ret <= i32::MAX as u64 =>
            {
                write_fd_return(out, call, ret, fds);
                true
            }
            RetKind::Ioctl if kind.new_fd(&call.args) && ret <= i32::MAX as u64 => {
                write_fd_return(out, call, ret, fds);
                true
            }
            RetKind::Ioctl => super::ioctl::write_return(out, call, ret),
            RetKind::Ioprio => {
                super::ioprio::write_return(out, ret);
                true
            }
            RetKind::ArchPrctl => super::arch_prctl::write_return(out, call, ret),
            RetKind::ModifyLdt => super::ldt::write_return(out, ret),
            RetKind::Bpf
            | RetKind::Landlock
            | RetKind::Int
            | RetKind::Hex
            | RetKind::Oct
            | RetKind::None => false,
        };
        if done {
            return;
        }
    }
    match call.ret {
        // An injected value where an errno would be (`retval=-2`): a value all the same.
        Some(ret) if call.tampered.value && (-4095..0).contains(&ret) => match kind {
            RetKind::Hex => write_hex(out, ret as u64),
            _ => write_int(out, ret as u64),
        },
        ret => errno::write_return(out, ret, kind),
    }
}

/// A new descriptor, named with `-y`: `3</etc/passwd>`; an injected value
/// (`-e inject=...:retval=`) named as whatever the process has open under it, as
/// strace's `printfd` does.
fn write_fd_return(out: &mut String, call: &Call, ret: u64, fds: Option<&dyn FdNames>) {
    super::write_new_fd(out, call.pid, ret as i32, fds);
}

/// The errno name of a failed call (`ENOENT`), for formats that keep it apart.
pub fn errno_of(call: &Call) -> Option<&'static str> {
    call.failed()
        .then(|| errno::errno_name(-call.ret.unwrap_or_default() as i32))
        .flatten()
}

fn arg_kind(call: &Call, i: usize) -> Option<ArgKind> {
    Some(syscalls::by_nr(call.nr)?.args.get(i)?.kind)
}

/// The argument the kernel updates in place (`ppoll`'s and `pselect6`'s time left).
fn updated_struct(call: &Call) -> Option<usize> {
    let sc = syscalls::by_nr(call.nr)?;
    sc.args
        .iter()
        .position(|a| matches!(a.kind, ArgKind::Struct(_, When::Updated)))
}

/// `recvmmsg`'s result: `0 (Timeout)`, the count, and with a timeout the time left:
/// `2 (left {tv_sec=0, tv_nsec=999997922})` (`verbose`: not without `-e verbose=`).
fn write_recvmmsg_return(out: &mut String, call: &Call, ret: u64, verbose: bool) {
    if ret == 0 {
        out.push_str("0 (Timeout)");
        return;
    }
    write_int(out, ret);
    let left = updated_struct(call)
        .filter(|_| verbose)
        .and_then(|i| in_out(call, i).1)
        .filter(|c| !c.fault);
    let mut s = String::new();
    if let Some(left) = left
        && structs::write_struct(
            &mut s,
            StructKind::Timespec,
            &left.data,
            &DecodeOptions::default(),
        )
        .is_some()
    {
        let _ = write!(out, " (left {s})");
    }
}

/// `poll`'s result: `0 (Timeout)`, or the count and the descriptors that have events,
/// `1 ([{fd=3, revents=POLLIN}])`.
fn write_poll_return(out: &mut String, call: &Call, ret: u64, limit: usize) {
    if ret == 0 {
        out.push_str("0 (Timeout)");
        return;
    }
    write_int(out, ret);
    // `nfds` is an `unsigned int`; a copy as long as the upper bits asked for stops at
    // the mapping's end, after the entries (a fault then).
    let count = call.args[1] as u32 as usize;
    let whole = |c: &&crate::event::Capture| !c.fault || c.data.len() >= count * 8;
    let Some(cap) = in_out(call, 0).1.filter(whole) else {
        return;
    };
    let b = structs::Bytes(&cap.data);
    out.push_str(" ([");
    let mut printed = 0;
    for off in (0..(cap.data.len() / 8).min(count)).map(|n| n * 8) {
        let (Some(fd), Some(revents)) = (b.i32(off), b.u16(off + 6)) else {
            break;
        };
        if revents == 0 {
            continue;
        }
        if printed > 0 {
            out.push_str(", ");
        }
        // `-s` limits the entries shown, unless `-v`.
        if printed == limit {
            out.push_str("...");
            break;
        }
        printed += 1;
        let _ = write!(out, "{{fd={fd}, revents=");
        write_flags(out, revents as u64, flags::POLL_EVENTS, None, "POLL???");
        out.push('}');
    }
    out.push(']');
    // ppoll's timeout comes back as the time left.
    let left = updated_struct(call)
        .and_then(|i| in_out(call, i).1)
        .filter(|c| !c.fault);
    if let Some(left) = left {
        let mut s = String::new();
        if structs::write_struct(
            &mut s,
            StructKind::Timespec,
            &left.data,
            &DecodeOptions::default(),
        )
        .is_some()
        {
            let _ = write!(out, ", left {s}");
        }
    }
    out.push(')');
}
