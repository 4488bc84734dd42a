//! `reboot`: the magic numbers and the command named, the command's argument only for
//! `LINUX_REBOOT_CMD_RESTART2` (strace's `reboot.c`).

use super::flags::{Xlat, write_enum};
use super::strings::{self, write_addr};
use super::{Call, DecodeOptions};
use tracer_common::capture;

const LINUX_REBOOT_CMD_RESTART2: u32 = 0xa1b2_c3d4;
/// The kernel copies at most this much of RESTART2's command (its buffer's last byte is
/// always NUL).
const ARG_MAX: usize = 255;

/// Whether argument `n` (0 to 3) shows: the last only for RESTART2.
pub fn visible(call: &Call, n: u8) -> bool {
    n < 3 || call.args[2] as u32 == LINUX_REBOOT_CMD_RESTART2
}

pub fn write_arg(out: &mut String, call: &Call, n: u8, opts: &DecodeOptions) {
    let v = call.args[n as usize];
    match n {
        0 => write_enum(out, v as u32 as u64, MAGIC1, "LINUX_REBOOT_MAGIC_???"),
        1 => write_enum(out, v as u32 as u64, MAGIC2, "LINUX_REBOOT_MAGIC_???"),
        2 => write_enum(out, v as u32 as u64, COMMANDS, "LINUX_REBOOT_CMD_???"),
        // At most 255 bytes (and `-s`), `...` when no NUL is among them.
        _ => {
            let copy = |kind| {
                call.captures
                    .iter()
                    .find(|c| c.arg == 3 && c.kind == kind)
                    .filter(|c| !c.fault && v != 0)
            };
            // The string, else (one that ends a mapping) its 255 bytes, none of them NUL:
            // all 255 readable (a copy cut short at the mapping's end is what strace
            // prints as an address).
            let whole = || copy(capture::FIXED).filter(|c| !c.truncated);
            let Some(c) = copy(capture::CSTR).or_else(whole) else {
                return write_addr(out, v);
            };
            let data = c.data.split(|&b| b == 0).next().unwrap_or_default();
            let limit = ARG_MAX.min(opts.string_limit);
            let shown = data.len().min(limit);
            strings::quote(out, &data[..shown], opts.hex, false);
            if data.len() >= limit {
                out.push_str("...");
            }
        }
    }
}

const MAGIC1: Xlat = &[(0xfee1_dead, "LINUX_REBOOT_MAGIC1")];

const MAGIC2: Xlat = &[
    (672_274_793, "LINUX_REBOOT_MAGIC2"),
    (85_072_278, "LINUX_REBOOT_MAGIC2A"),
    (369_367_448, "LINUX_REBOOT_MAGIC2B"),
    (537_993_216, "LINUX_REBOOT_MAGIC2C"),
];

const COMMANDS: Xlat = &[
    (0x0123_4567, "LINUX_REBOOT_CMD_RESTART"),
    (0xcdef_0123, "LINUX_REBOOT_CMD_HALT"),
    (0x89ab_cdef, "LINUX_REBOOT_CMD_CAD_ON"),
    (0, "LINUX_REBOOT_CMD_CAD_OFF"),
    (0x4321_fedc, "LINUX_REBOOT_CMD_POWER_OFF"),
    (0xa1b2_c3d4, "LINUX_REBOOT_CMD_RESTART2"),
    (0xd000_fce2, "LINUX_REBOOT_CMD_SW_SUSPEND"),
    (0x4558_4543, "LINUX_REBOOT_CMD_KEXEC"),
];
