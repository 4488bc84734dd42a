//! `seccomp`'s flags and argument by operation (strace's `seccomp.c`): the filter
//! flags and `struct sock_fprog` of SECCOMP_SET_MODE_FILTER, the action
//! SECCOMP_GET_ACTION_AVAIL reads, the sizes SECCOMP_GET_NOTIF_SIZES writes; the flags
//! in hex and the address otherwise.

use std::fmt::Write;

use super::bpf_filter::{Flavor, write_fprog};
use super::flags::{Xlat, write_enum, write_flags};
use super::strings::write_addr;
use super::structs::Bytes;
use super::{Call, DecodeOptions, in_out, write_hex};
use crate::event::Capture;

const SET_MODE_FILTER: u32 = 1;
const GET_ACTION_AVAIL: u32 = 2;
const GET_NOTIF_SIZES: u32 = 3;

/// The largest struct an operation reads or writes (`struct sock_fprog`).
pub const MAX_STRUCT: u16 = super::bpf_filter::FPROG_SIZE;

/// Argument `i` (1: the flags, 2: the operation's argument).
pub fn write_arg(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let (op, v) = (call.args[0] as u32, call.args[i]);
    if i == 1 {
        return match op {
            SET_MODE_FILTER => write_flags(
                out,
                v as u32 as u64,
                FILTER_FLAGS,
                None,
                "SECCOMP_FILTER_FLAG_???",
            ),
            _ => write_hex(out, v as u32 as u64),
        };
    }
    let (entry, exit) = in_out(call, i);
    fn read<'a>(cap: Option<&'a Capture>, v: u64, opts: &DecodeOptions) -> Option<Bytes<'a>> {
        cap.filter(|c| !c.fault && v != 0 && opts.dereference)
            .map(|c| Bytes(&c.data))
    }
    let mut text = String::new();
    let printed = match op {
        SET_MODE_FILTER => write_fprog(&mut text, call, i, Flavor::Seccomp, opts).then_some(()),
        GET_ACTION_AVAIL => read(entry, v, opts).and_then(|b| {
            text.push('[');
            write_enum(&mut text, b.u32(0)?.into(), RET_ACTIONS, "SECCOMP_RET_???");
            text.push(']');
            Some(())
        }),
        GET_NOTIF_SIZES if call.success().is_some() => read(exit, v, opts).and_then(|b| {
            let _ = write!(
                text,
                "{{seccomp_notif={}, seccomp_notif_resp={}, seccomp_data={}}}",
                b.u16(0)?,
                b.u16(2)?,
                b.u16(4)?
            );
            Some(())
        }),
        _ => None,
    };
    match printed {
        Some(()) => out.push_str(&text),
        None => write_addr(out, v),
    }
}

pub(super) const FILTER_FLAGS: Xlat = &[
    (1, "SECCOMP_FILTER_FLAG_TSYNC"),
    (2, "SECCOMP_FILTER_FLAG_LOG"),
    (4, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
    (8, "SECCOMP_FILTER_FLAG_NEW_LISTENER"),
    (0x10, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"),
    (0x20, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
];

pub(crate) const RET_ACTIONS: Xlat = &[
    (0x8000_0000, "SECCOMP_RET_KILL_PROCESS"),
    (0, "SECCOMP_RET_KILL_THREAD"),
    (0x0003_0000, "SECCOMP_RET_TRAP"),
    (0x0005_0000, "SECCOMP_RET_ERRNO"),
    (0x7fc0_0000, "SECCOMP_RET_USER_NOTIF"),
    (0x7ff0_0000, "SECCOMP_RET_TRACE"),
    (0x7ffc_0000, "SECCOMP_RET_LOG"),
    (0x7fff_0000, "SECCOMP_RET_ALLOW"),
];
