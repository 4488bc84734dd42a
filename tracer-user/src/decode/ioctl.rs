//! `ioctl`'s third argument for the common requests, as strace prints it: `[1]` for an
//! `int` the kernel reads or writes, the window size, nothing for requests that take
//! none; an address otherwise.

use std::fmt::Write;

use super::structs::Bytes;
use super::{Call, in_out, success, write_addr, write_hex};

/// What the third argument of a request is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arg {
    /// No argument (`FIOCLEX`).
    None,
    /// An `int` the kernel reads (`FIONBIO`) or writes (`FIONREAD`).
    IntIn,
    IntOut,
    /// `struct winsize` the kernel writes or reads.
    WinsizeOut,
    WinsizeIn,
    /// Anything else: the address (or value) as is.
    Other,
}

fn arg(request: u32) -> Arg {
    match request {
        // FIONCLEX, FIOCLEX, TIOCNOTTY, TIOCEXCL, TIOCNXCL
        0x5450 | 0x5451 | 0x5422 | 0x540c | 0x540d => Arg::None,
        // FIONBIO, FIOASYNC, TIOCSPGRP
        0x5421 | 0x5452 | 0x5410 => Arg::IntIn,
        // FIONREAD, TIOCOUTQ, TIOCGPGRP, TIOCGSID
        0x541b | 0x5411 | 0x540f | 0x5429 => Arg::IntOut,
        0x5413 => Arg::WinsizeOut,
        0x5414 => Arg::WinsizeIn,
        _ => Arg::Other,
    }
}

/// Whether the third argument shows at all.
pub fn visible(call: &Call) -> bool {
    arg(call.args[1] as u32) != Arg::None
}

/// The third argument (index `i`), from its copies at entry and at a successful exit.
pub fn write_arg(out: &mut String, call: &Call, i: usize) {
    let v = call.args[i];
    let (entry, exit) = in_out(call, i);
    let data = match arg(call.args[1] as u32) {
        Arg::IntIn | Arg::WinsizeIn => entry,
        Arg::IntOut | Arg::WinsizeOut => exit.filter(|_| success(call).is_some()),
        Arg::None => return,
        Arg::Other => return write_hex(out, v),
    };
    let Some(cap) = data.filter(|c| !c.fault && v != 0 && c.data.len() >= 8) else {
        return write_addr(out, v);
    };
    let b = Bytes(&cap.data);
    match arg(call.args[1] as u32) {
        Arg::WinsizeIn | Arg::WinsizeOut => {
            let field = |off| b.u16(off).unwrap_or_default();
            let _ = write!(
                out,
                "{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}",
                field(0),
                field(2),
                field(4),
                field(6)
            );
        }
        _ => {
            let _ = write!(out, "[{}]", b.i32(0).unwrap_or_default());
        }
    }
}
