//! `fsconfig` (strace's `fsconfig.c`): the command named, then the key, value and
//! auxiliary argument as the command uses them: strings of at most 256 bytes, a path,
//! a binary blob of `aux` bytes, a directory or other descriptor.

use super::flags::{Xlat, write_enum};
use super::strings::{quote, write_addr, write_buf};
use super::{Call, DecodeOptions, FdNames, write_fd, write_int, write_plain_fd};
use tracer_common::capture;

const SET_STRING: u32 = 1;
const SET_BINARY: u32 = 2;
const SET_PATH: u32 = 3;
const SET_PATH_EMPTY: u32 = 4;
const SET_FD: u32 = 5;
/// The longest key or string value the kernel takes, its NUL included.
const STR_MAX: usize = 256;

/// Argument `n` (1: the command, 2: the key, 3: the value, 4: aux).
pub fn write_arg(
    out: &mut String,
    call: &Call,
    n: u8,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let cmd = call.args[1] as u32;
    let v = call.args[n as usize];
    let string = |out: &mut String| {
        let cap = call
            .captures
            .iter()
            .find(|c| c.arg == n && c.kind == capture::CSTR);
        write_string(out, cap, v, opts)
    };
    match n {
        1 => write_enum(out, cmd.into(), COMMANDS, "FSCONFIG_???"),
        2 if cmd <= SET_FD => string(out),
        3 if cmd == SET_STRING => string(out),
        3 if cmd == SET_PATH || cmd == SET_PATH_EMPTY => {
            let cap = call
                .captures
                .iter()
                .find(|c| c.arg == n && c.kind == capture::CSTR);
            super::strings::write_cstr(out, cap, v, None, opts)
        }
        3 if cmd == SET_BINARY && (0..=1 << 20).contains(&(call.args[4] as i32)) => {
            let cap = call
                .captures
                .iter()
                .find(|c| c.arg == n && c.kind == capture::BUF);
            write_buf(out, cap, v, call.args[4] as i32 as u64, opts, true)
        }
        2 | 3 => write_addr(out, v),
        _ => match cmd {
            SET_PATH | SET_PATH_EMPTY => write_fd(out, call.pid, v as i32, fds),
            SET_FD => write_plain_fd(out, call.pid, v as i32, fds),
            _ => write_int(out, v as i32),
        },
    }
}

/// strace's `printstr_ex(addr, 256, QUOTE_0_TERMINATED)`: up to the NUL, at most
/// `-s` and 255 bytes, `...` when the string goes on.
fn write_string(
    out: &mut String,
    cap: Option<&crate::event::Capture>,
    v: u64,
    opts: &DecodeOptions,
) {
    let Some(cap) = cap.filter(|c| !c.fault && v != 0) else {
        return write_addr(out, v);
    };
    let (len, limit) = (cap.data.len(), opts.string_limit);
    let shown = len.min(limit).min(STR_MAX);
    quote(out, &cap.data[..shown], opts.hex, false);
    let more = if limit < STR_MAX {
        len > limit
    } else {
        len >= STR_MAX
    };
    if more || (cap.truncated && shown == len) {
        out.push_str("...");
    }
}

const COMMANDS: Xlat = &[
    (0, "FSCONFIG_SET_FLAG"),
    (1, "FSCONFIG_SET_STRING"),
    (2, "FSCONFIG_SET_BINARY"),
    (3, "FSCONFIG_SET_PATH"),
    (4, "FSCONFIG_SET_PATH_EMPTY"),
    (5, "FSCONFIG_SET_FD"),
    (6, "FSCONFIG_CMD_CREATE"),
    (7, "FSCONFIG_CMD_RECONFIGURE"),
];
