//! Device mapper requests (`DM_*`, type 0xfd), as strace's `dm.c` prints them: the
//! `struct dm_ioctl` header in brackets, the fields each request uses, then the
//! payload: `, ...` abbreviated; under `-v` the target specs, message or string a
//! request passes (from the copy, which runs past the header up to its page's end:
//! what lies past that copy strace could not read either, and shows as an address).
//! The payloads the kernel writes back (target deps, name and version lists) show
//! as `, ...` still.

use std::fmt::Write;

use super::{Ctx, Shape, cstring, need};
use crate::decode::flags::{Xlat, write_flags};
use crate::decode::structs::{Bytes, write_makedev};

/// `offsetof(struct dm_ioctl, data)`: what strace reads.
const HEADER: usize = 305;
const VERSION_MAJOR: u32 = 4;
const SUSPEND_FLAG: u32 = 1 << 1;
const DATA_OUT_FLAG: u32 = 1 << 16;

const VERSION: u32 = 0;
const REMOVE_ALL: u32 = 1;
const LIST_DEVICES: u32 = 2;
const DEV_CREATE: u32 = 3;
const DEV_REMOVE: u32 = 4;
const DEV_RENAME: u32 = 5;
const DEV_SUSPEND: u32 = 6;
const DEV_STATUS: u32 = 7;
const DEV_WAIT: u32 = 8;
const TABLE_LOAD: u32 = 9;
const TABLE_CLEAR: u32 = 10;
const TABLE_DEPS: u32 = 11;
const TABLE_STATUS: u32 = 12;
const LIST_VERSIONS: u32 = 13;
const TARGET_MSG: u32 = 14;
const DEV_SET_GEOMETRY: u32 = 15;
const DEV_ARM_POLL: u32 = 16;

const FLAGS: Xlat = &[
    (1 << 0, "DM_READONLY_FLAG"),
    (1 << 1, "DM_SUSPEND_FLAG"),
    (1 << 2, "DM_EXISTS_FLAG"),
    (1 << 3, "DM_PERSISTENT_DEV_FLAG"),
    (1 << 4, "DM_STATUS_TABLE_FLAG"),
    (1 << 5, "DM_ACTIVE_PRESENT_FLAG"),
    (1 << 6, "DM_INACTIVE_PRESENT_FLAG"),
    (1 << 8, "DM_BUFFER_FULL_FLAG"),
    (1 << 9, "DM_SKIP_BDGET_FLAG"),
    (1 << 10, "DM_SKIP_LOCKFS_FLAG"),
    (1 << 11, "DM_NOFLUSH_FLAG"),
    (1 << 12, "DM_QUERY_INACTIVE_TABLE_FLAG"),
    (1 << 13, "DM_UEVENT_GENERATED_FLAG"),
    (1 << 14, "DM_UUID_FLAG"),
    (1 << 15, "DM_SECURE_DATA_FLAG"),
    (1 << 16, "DM_DATA_OUT_FLAG"),
    (1 << 17, "DM_DEFERRED_REMOVE"),
    (1 << 18, "DM_INTERNAL_SUSPEND_FLAG"),
    (1 << 19, "DM_IMA_MEASUREMENT_FLAG"),
];

pub(super) fn shape(request: u32) -> Option<Shape> {
    // _IOWR(0xfd, nr, struct dm_ioctl): the commands strace 6.1 decodes.
    (request & !0xff == 0xc138_fd00 && request & 0xff <= DEV_ARM_POLL)
        .then_some(Shape::InOut(entry, exit))
}

fn entry(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    write_ioctl(out, b, ctx, false)
}

fn exit(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    write_ioctl(out, b, ctx, true)
}

/// `[{header}]`, with `, ...` for a payload; the address where the header cannot be
/// read or its `data_size` does not reach past `data_size` itself.
fn write_ioctl(out: &mut String, b: &Bytes, ctx: &Ctx, exiting: bool) -> Option<()> {
    need(b, HEADER)?;
    let u = |off| b.u32(off).unwrap_or(0);
    let (data_size, data_start, target_count, flags) = (u(12), u(16), u(20), u(28));
    if data_size < 12 {
        return None;
    }
    let code = ctx.request & 0xff;
    let _ = write!(out, "[{{version=[{}, {}, {}]", u(0), u(4), u(8));
    let whole = 'header: {
        if u(0) != VERSION_MAJOR {
            out.push_str(" /* unsupported device mapper ABI version */");
            break 'header false;
        }
        let _ = write!(out, ", data_size={data_size}");
        if data_size < HEADER as u32 {
            out.push_str(" /* data_size too small */");
            break 'header false;
        }
        if !matches!(
            code,
            VERSION
                | REMOVE_ALL
                | DEV_CREATE
                | DEV_REMOVE
                | DEV_SUSPEND
                | DEV_STATUS
                | TABLE_CLEAR
                | DEV_ARM_POLL
        ) {
            let _ = write!(out, ", data_start={data_start}");
        }
        if !matches!(code, REMOVE_ALL | LIST_DEVICES | LIST_VERSIONS) {
            let dev = b.u64(40).unwrap_or(0);
            if dev != 0 {
                out.push_str(", dev=");
                write_makedev(out, dev);
            }
            if b.0[48] != 0 {
                out.push_str(", name=");
                cstring(out, b, 48, 128, ctx)?;
            }
            if b.0[176] != 0 {
                out.push_str(", uuid=");
                cstring(out, b, 176, 129, ctx)?;
            }
        }
        let event_nr = u(32);
        if !exiting {
            match code {
                TABLE_LOAD => {
                    let _ = write!(out, ", target_count={target_count}");
                }
                DEV_SUSPEND if flags & SUSPEND_FLAG != 0 => {}
                DEV_SUSPEND | DEV_RENAME | DEV_REMOVE | DEV_WAIT => {
                    let _ = write!(out, ", event_nr={event_nr}");
                }
                _ => {}
            }
        } else if matches!(
            code,
            DEV_CREATE
                | DEV_RENAME
                | DEV_SUSPEND
                | DEV_STATUS
                | DEV_WAIT
                | TABLE_LOAD
                | TABLE_CLEAR
                | TABLE_DEPS
                | TABLE_STATUS
                | TARGET_MSG
        ) {
            let _ = write!(
                out,
                ", target_count={target_count}, open_count={}, event_nr={event_nr}",
                u(24)
            );
        }
        out.push_str(", flags=");
        write_flags(out, flags.into(), FLAGS, None, "DM_???");
        true
    };
    out.push('}');
    if whole && !ctx.opts.abbreviate && !exiting {
        match code {
            TABLE_LOAD => target_specs(out, b, ctx, data_size, data_start, target_count),
            TARGET_MSG if data_start != data_size => target_msg(out, b, ctx, data_size, data_start),
            DEV_RENAME | DEV_SET_GEOMETRY => string(out, b, ctx, data_size, data_start),
            _ => {}
        }
        out.push(']');
        return Some(());
    }
    // What strace shows of the payload abbreviated: that there is one.
    let payload = data_start != data_size;
    let more = whole
        && match (code, exiting) {
            (TABLE_LOAD, false) | (DEV_WAIT | TABLE_STATUS, true) => target_count != 0,
            (TARGET_MSG, false) | (TABLE_DEPS | LIST_DEVICES | LIST_VERSIONS, true) => payload,
            (DEV_RENAME | DEV_SET_GEOMETRY, false) => true,
            (TARGET_MSG, true) => flags & DATA_OUT_FLAG != 0,
            _ => false,
        };
    if more {
        out.push_str(", ...");
    }
    out.push(']');
    Some(())
}

/// `struct dm_target_spec`: 40 bytes, its parameters string after it.
const TARGET_SPEC: u32 = 40;

/// strace's `umove` of `len` bytes at `off` into the struct: only what the copy holds.
fn at<'a>(b: &'a Bytes, off: u32, len: usize) -> Option<&'a [u8]> {
    b.0.get(off as usize..(off as usize).checked_add(len)?)
}

/// `DM_TABLE_LOAD`'s target specs, each with its parameters, as far as `next` links
/// them inside `data_size`.
fn target_specs(out: &mut String, b: &Bytes, ctx: &Ctx, size: u32, start: u32, count: u32) {
    let mut offset = start;
    let mut end = 0u32;
    for i in 0..count {
        out.push_str(", ");
        let misplaced = (i > 0 && offset <= end) || {
            end = offset.wrapping_add(TARGET_SPEC);
            end <= offset || end > size
        };
        if misplaced {
            out.push_str("??? /* misplaced struct dm_target_spec */");
            return;
        }
        if i as usize >= ctx.opts.string_limit {
            out.push_str("...");
            return;
        }
        let Some(spec) = at(b, offset, TARGET_SPEC as usize) else {
            crate::decode::write_addr(out, ctx.addr + u64::from(offset));
            return;
        };
        let s = Bytes(spec);
        let _ = write!(
            out,
            "{{sector_start={}, length={}, target_type=",
            s.u64(0).unwrap_or(0),
            s.u64(8).unwrap_or(0)
        );
        let _ = cstring(out, &s, 24, 16, ctx);
        out.push_str(", string=");
        str0(out, b, ctx, end, size - end);
        out.push('}');
        offset = offset.wrapping_add(s.u32(20).unwrap_or(0));
    }
}

/// `DM_TARGET_MSG`'s `struct dm_target_msg`: the sector, then the message.
fn target_msg(out: &mut String, b: &Bytes, ctx: &Ctx, size: u32, start: u32) {
    out.push_str(", ");
    let end = start.wrapping_add(8);
    if end <= start || end > size {
        out.push_str("??? /* misplaced struct dm_target_msg */");
        return;
    }
    let Some(sector) = at(b, start, 8) else {
        return crate::decode::write_addr(out, ctx.addr + u64::from(start));
    };
    let _ = write!(
        out,
        "{{sector={}, message=",
        Bytes(sector).u64(0).unwrap_or(0)
    );
    str0(out, b, ctx, end, size - end);
    out.push('}');
}

/// `DM_DEV_RENAME`'s and `DM_DEV_SET_GEOMETRY`'s string.
fn string(out: &mut String, b: &Bytes, ctx: &Ctx, size: u32, start: u32) {
    out.push_str(", ");
    if start > size {
        out.push_str("??? /* misplaced string */");
        return;
    }
    out.push_str("{string=");
    str0(out, b, ctx, start, size - start);
    out.push('}');
}

/// strace's `printstr_ex(..., QUOTE_0_TERMINATED)` of the `len` bytes at `off`: up to
/// the NUL within `-s` of them, `...` when none is; the address when the copy ends
/// before the NUL or the bytes strace reads (`-s` and one).
fn str0(out: &mut String, b: &Bytes, ctx: &Ctx, off: u32, len: u32) {
    let max = ctx.opts.string_limit;
    let size = (max + 1).min(len as usize);
    let avail = b.0.get(off as usize..).unwrap_or(&[]);
    let read = &avail[..size.min(avail.len())];
    let nul = read.iter().position(|&c| c == 0);
    if nul.is_none() && read.len() < size {
        return crate::decode::write_addr(out, ctx.addr + u64::from(off));
    }
    let shown = size.min(max);
    let text = &read[..nul.unwrap_or(read.len()).min(shown)];
    crate::decode::strings::quote(out, text, ctx.opts.hex, false);
    // A NUL among the bytes shown, or right after them: the whole string.
    let ended = nul.is_some_and(|n| n < shown || (size > max && n == max));
    if !ended && len > 0 {
        out.push_str("...");
    }
}
