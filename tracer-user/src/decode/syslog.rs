//! `syslog`: the action with its name always in a comment (`0 /* SYSLOG_ACTION_CLOSE
//! */`), then the buffer and length only for the actions that use them, as strace's
//! `syslog.c` prints them.

use std::fmt::Write;

use super::flags::{self, Xlat};
use super::strings::{self, write_addr};
use super::{Call, DecodeOptions, XlatStyle, write_int};

const SYSLOG_ACTION_READ: i32 = 2;
const SYSLOG_ACTION_READ_CLEAR: i32 = 4;
const SYSLOG_ACTION_CONSOLE_LEVEL: i32 = 8;

/// Whether the buffer and the length show: not for the actions that ignore them.
pub fn visible(call: &Call) -> bool {
    !matches!(call.args[0] as i32, 0 | 1 | 5 | 6 | 7 | 9 | 10)
}

/// A value in decimal with its name in a comment (strace's `XLAT_STYLE_VERBOSE |
/// XLAT_STYLE_FMT_D`), whatever `-X` says but raw.
fn write_named(out: &mut String, v: i32, table: Xlat, dflt: &str) {
    write_int(out, v);
    if flags::style() == XlatStyle::Raw {
        return;
    }
    let name = flags::lookup(table, v as u32 as u64).unwrap_or(dflt);
    let _ = write!(out, " /* {name} */");
}

pub fn write_action(out: &mut String, call: &Call) {
    write_named(out, call.args[0] as i32, ACTIONS, "SYSLOG_ACTION_???");
}

/// The buffer: what a read action got (up to `-s`), else its address.
pub fn write_buf(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let v = call.args[i];
    match (call.args[0] as i32, call.success()) {
        (SYSLOG_ACTION_READ..=SYSLOG_ACTION_READ_CLEAR, Some(ret)) => {
            let cap = call.captures.iter().find(|c| c.arg as usize == i);
            strings::write_buf(out, cap, v, ret, opts, false)
        }
        _ => write_addr(out, v),
    }
}

pub fn write_len(out: &mut String, call: &Call, i: usize) {
    let len = call.args[i] as i32;
    if call.args[0] as i32 == SYSLOG_ACTION_CONSOLE_LEVEL {
        write_named(out, len, LEVELS, "LOGLEVEL_???");
    } else {
        write_int(out, len);
    }
}

const ACTIONS: Xlat = &[
    (0, "SYSLOG_ACTION_CLOSE"),
    (1, "SYSLOG_ACTION_OPEN"),
    (2, "SYSLOG_ACTION_READ"),
    (3, "SYSLOG_ACTION_READ_ALL"),
    (4, "SYSLOG_ACTION_READ_CLEAR"),
    (5, "SYSLOG_ACTION_CLEAR"),
    (6, "SYSLOG_ACTION_CONSOLE_OFF"),
    (7, "SYSLOG_ACTION_CONSOLE_ON"),
    (8, "SYSLOG_ACTION_CONSOLE_LEVEL"),
    (9, "SYSLOG_ACTION_SIZE_UNREAD"),
    (10, "SYSLOG_ACTION_SIZE_BUFFER"),
];

const LEVELS: Xlat = &[
    (0, "LOGLEVEL_EMERG"),
    (1, "LOGLEVEL_ALERT"),
    (2, "LOGLEVEL_CRIT"),
    (3, "LOGLEVEL_ERR"),
    (4, "LOGLEVEL_WARNING"),
    (5, "LOGLEVEL_NOTICE"),
    (6, "LOGLEVEL_INFO"),
    (7, "LOGLEVEL_DEBUG"),
    (8, "LOGLEVEL_DEBUG+1"),
];
