//! Device mapper requests (`DM_*`, type 0xfd), as strace's `dm.c` prints them: the
//! `struct dm_ioctl` header in brackets, the fields each request uses, and `, ...`
//! where a payload follows it (which strace shows only under `-v`, and this decoder
//! not yet: the header is what the request's size copies).

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
