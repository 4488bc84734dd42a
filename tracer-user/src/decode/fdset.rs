//! `select`/`pselect6`'s descriptor sets, `[3 4]`, from one capture of all three at entry
//! and one at exit; the ready ones go with the return value: `1 (in [3], left {...})`.

use std::fmt::Write;

use tracer_common::{FDSET_NULL, FDSET_READ, FdSetsHeader};

use super::structs::{self, Bytes};
use super::{Call, DecodeOptions, in_out, write_addr};
use crate::event::{Capture, FdNames};
use crate::syscalls::StructKind;

/// A set as captured: not given (NULL), its bytes, or unreadable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Set<'a> {
    Null,
    Read(&'a [u8]),
    Unreadable,
}

fn sets(cap: Option<&Capture>) -> Option<[Set<'_>; 3]> {
    const HEADER: usize = size_of::<FdSetsHeader>();
    let cap = cap.filter(|c| !c.fault)?;
    let data = &cap.data;
    let bytes = Bytes(data).u32(4)? as usize;
    let set = |k: usize| match data[k] {
        FDSET_NULL => Set::Null,
        FDSET_READ => data
            .get(HEADER + k * bytes..HEADER + (k + 1) * bytes)
            .map_or(Set::Unreadable, Set::Read),
        _ => Set::Unreadable,
    };
    (data.len() >= HEADER).then(|| [set(0), set(1), set(2)])
}

/// The descriptors below `nfds` a set holds.
fn members(set: &[u8], nfds: u64) -> impl Iterator<Item = u64> + '_ {
    (0..nfds.min(set.len() as u64 * 8)).filter(|&fd| set[fd as usize / 8] & (1 << (fd % 8)) != 0)
}

/// The members of a set; with `names` (the caller's pid and `-y`'s table), each
/// descriptor named as strace names the arguments' (`[3<pipe:[7]>]`, not the ready ones).
fn write_members(out: &mut String, set: &[u8], nfds: u64, names: Option<(u32, &dyn FdNames)>) {
    out.push('[');
    for (n, fd) in members(set, nfds).enumerate() {
        if n > 0 {
            out.push(' ');
        }
        match names {
            Some((pid, fds)) => super::write_plain_fd(out, pid, fd as i32, Some(fds)),
            None => {
                let _ = write!(out, "{fd}");
            }
        }
    }
    out.push(']');
}

/// The descriptors `select`'s three sets held at entry (`-P` matches each).
pub fn entry_members(call: &Call) -> Vec<i32> {
    let nfds = call.args[0] as u32 as u64;
    let sets = sets(in_out(call, 0).0).unwrap_or([Set::Null; 3]);
    (sets.iter())
        .filter_map(|s| match s {
            Set::Read(set) => Some(members(set, nfds).map(|fd| fd as i32)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Argument `i` (1 to 3), one of the sets, as given at entry.
pub fn write_fdset_arg(out: &mut String, call: &Call, i: usize, fds: Option<&dyn FdNames>) {
    let nfds = call.args[0] as u32 as u64;
    match sets(in_out(call, 0).0).map(|s| s[(i - 1) % 3]) {
        // No set read (a count that is not positive): strace shows the address.
        Some(Set::Read([])) => write_addr(out, call.args[i]),
        Some(Set::Read(set)) => write_members(out, set, nfds, fds.map(|f| (call.pid, f))),
        _ => write_addr(out, call.args[i]),
    }
}

/// The return value of a successful `select`/`pselect6`: `0 (Timeout)`, or the count,
/// the ready descriptors of each set that has any and the time left, in parentheses.
pub fn write_select_return(out: &mut String, call: &Call, ret: u64, timeout: StructKind) {
    let _ = write!(out, "{ret}");
    if ret == 0 {
        out.push_str(" (Timeout)");
        return;
    }
    let nfds = call.args[0] as u32 as u64;
    let mut parts = Vec::new();
    if let Some(ready) = sets(in_out(call, 0).1) {
        for (name, set) in ["in", "out", "except"].iter().zip(ready) {
            if let Set::Read(set) = set
                && members(set, nfds).next().is_some()
            {
                let mut s = format!("{name} ");
                write_members(&mut s, set, nfds, None);
                parts.push(s);
            }
        }
    }
    if let Some(left) = in_out(call, 4).1.filter(|c| !c.fault) {
        let mut s = String::new();
        if structs::write_struct(&mut s, timeout, &left.data, &DecodeOptions::default()).is_some() {
            parts.push(format!("left {s}"));
        }
    }
    // strace's note is there even when empty: `1 ()` (the sets read back at exit are
    // empty when the caller passed one buffer for all three).
    let _ = write!(out, " ({})", parts.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracer_common::{FDSET_FAULT, capture};

    fn cap(arg: u8, status: [u8; 3], sets: [&[u8]; 3]) -> Capture {
        let bytes = sets.iter().map(|s| s.len()).max().unwrap_or(0);
        let mut data = vec![status[0], status[1], status[2], 0];
        data.extend_from_slice(&(bytes as u32).to_le_bytes());
        for set in sets {
            let mut s = set.to_vec();
            s.resize(bytes, 0);
            data.extend_from_slice(&s);
        }
        Capture {
            arg,
            kind: capture::FD_SETS,
            data,
            truncated: false,
            fault: false,
        }
    }

    fn call(ret: i64, captures: Vec<Capture>) -> Call {
        Call {
            nr: crate::syscalls::by_name("pselect6").unwrap().nr,
            args: [9, 0x10, 0x20, 0, 0x40, 0],
            ret: Some(ret),
            captures,
            ..Default::default()
        }
    }

    #[test]
    fn sets_print_their_members_below_nfds() {
        // fds 3 and 4 in the first set (and fd 12, past nfds = 9); the second empty,
        // the third NULL.
        let entry = cap(
            0,
            [FDSET_READ, FDSET_READ, FDSET_NULL],
            [&[0x18, 0x10], &[0, 0], &[]],
        );
        let c = call(1, vec![entry.clone()]);
        let arg = |i| {
            let mut s = String::new();
            write_fdset_arg(&mut s, &c, i, None);
            s
        };
        assert_eq!(
            (arg(1), arg(2), arg(3)),
            ("[3 4]".into(), "[]".into(), "NULL".into())
        );
        let unreadable = cap(0, [FDSET_FAULT, FDSET_READ, FDSET_NULL], [&[0], &[0], &[]]);
        let c = call(1, vec![unreadable]);
        let mut s = String::new();
        write_fdset_arg(&mut s, &c, 1, None);
        assert_eq!(s, "0x10");
    }

    #[test]
    fn the_return_shows_the_ready_sets_and_the_time_left() {
        let entry = cap(
            0,
            [FDSET_READ, FDSET_READ, FDSET_NULL],
            [&[0x18], &[0x20], &[]],
        );
        let exit = cap(
            0,
            [FDSET_READ, FDSET_READ, FDSET_NULL],
            [&[0x08], &[0], &[]],
        );
        let left = Capture {
            arg: 4,
            kind: capture::FIXED,
            data: [0u64.to_le_bytes(), 5000u64.to_le_bytes()].concat(),
            truncated: false,
            fault: false,
        };
        let entry_time = Capture {
            data: [1u64.to_le_bytes(), 0u64.to_le_bytes()].concat(),
            ..left.clone()
        };
        let c = call(1, vec![entry, entry_time, exit, left]);
        let mut s = String::new();
        write_select_return(&mut s, &c, 1, StructKind::Timespec);
        assert_eq!(s, "1 (in [3], left {tv_sec=0, tv_nsec=5000})");
        let mut s = String::new();
        write_select_return(&mut s, &call(0, vec![]), 0, StructKind::Timespec);
        assert_eq!(s, "0 (Timeout)");
    }
}
