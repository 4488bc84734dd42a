//! The smaller families' requests, each as its strace decoder prints it.

use std::fmt::Write;

use super::{Ctx, Shape, int, need};
use crate::decode::flags::{Xlat, write_enum};
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // FICLONE: the source descriptor.
        0x4004_9409 => Shape::Int,
        // INOTIFY_IOC_SETNEXTWD
        0x4004_4900 => Shape::Int,
        // Watchdogs: WDIOC_GETSTATUS, GETBOOTSTATUS, GETTEMP, GETTIMEOUT,
        // GETPRETIMEOUT, GETTIMELEFT; SETTIMEOUT, SETPRETIMEOUT; KEEPALIVE.
        0x8004_5701..=0x8004_5703 | 0x8004_5707 | 0x8004_5709 | 0x8004_570a => Shape::Out(int),
        0xc004_5706 | 0xc004_5708 => Shape::In(int),
        0x8004_5705 => Shape::None,
        // The random device: RNDGETENTCNT; RNDADDTOENTCNT; RNDZAPENTCNT, RNDCLEARPOOL,
        // RNDRESEEDCRNG.
        0x8004_5200 => Shape::Out(int),
        0x4004_5201 => Shape::In(int),
        0x5204 | 0x5206 | 0x5207 => Shape::None,
        // RNDADDENTROPY: its header and as many of the bytes after it as `-s` shows
        // (the copy takes them: `tracer_common::plan`'s `ioc_size`).
        0x4008_5203 => Shape::In(rand_pool_info),
        // Counters: COUNTER_ADD_WATCH_IOCTL; COUNTER_ENABLE_EVENTS_IOCTL,
        // COUNTER_DISABLE_EVENTS_IOCTL.
        0x4006_3e00 => Shape::In(counter_watch),
        0x3e01 | 0x3e02 => Shape::None,
        _ => return None,
    })
}

fn counter_watch(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 6)?;
    let byte = |n: usize| u64::from(b.0[n]);
    out.push_str("{component={type=");
    write_enum(out, byte(0), COUNTER_COMPONENTS, "COUNTER_COMPONENT_???");
    out.push_str(", scope=");
    write_enum(out, byte(1), COUNTER_SCOPES, "COUNTER_SCOPE_???");
    let _ = write!(out, ", parent={}, id={}}}, event=", byte(2), byte(3));
    write_enum(out, byte(4), COUNTER_EVENTS, "COUNTER_EVENT_???");
    let _ = write!(out, ", channel={}}}", byte(5));
    Some(())
}

const COUNTER_COMPONENTS: Xlat = &[
    (0, "COUNTER_COMPONENT_NONE"),
    (1, "COUNTER_COMPONENT_SIGNAL"),
    (2, "COUNTER_COMPONENT_COUNT"),
    (3, "COUNTER_COMPONENT_FUNCTION"),
    (4, "COUNTER_COMPONENT_SYNAPSE_ACTION"),
    (5, "COUNTER_COMPONENT_EXTENSION"),
];

const COUNTER_SCOPES: Xlat = &[
    (0, "COUNTER_SCOPE_DEVICE"),
    (1, "COUNTER_SCOPE_SIGNAL"),
    (2, "COUNTER_SCOPE_COUNT"),
];

const COUNTER_EVENTS: Xlat = &[
    (0, "COUNTER_EVENT_OVERFLOW"),
    (1, "COUNTER_EVENT_UNDERFLOW"),
    (2, "COUNTER_EVENT_OVERFLOW_UNDERFLOW"),
    (3, "COUNTER_EVENT_THRESHOLD"),
    (4, "COUNTER_EVENT_INDEX"),
    (5, "COUNTER_EVENT_CHANGE_OF_STATE"),
    (6, "COUNTER_EVENT_CAPTURE"),
];

/// `struct rand_pool_info`: `{entropy_count=3, buf_size=8, buf="12345678"}`, the bytes
/// as strace's `printstrn` shows `buf_size` of them (their address when unreadable).
fn rand_pool_info(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let (count, size) = (b.i32(0)?, b.i32(4)?);
    let _ = write!(out, "{{entropy_count={count}, buf_size={size}, buf=");
    // (A negative size is a huge one to strace: its `kernel_ulong_t`.)
    let len = size as i64 as u64;
    let limit = ctx.opts.string_limit as u64;
    let shown = len.min(limit) as usize;
    match b.0.get(8..8 + shown) {
        Some(bytes) => {
            crate::decode::strings::quote(out, bytes, ctx.opts.hex, false);
            if len > limit {
                out.push_str("...");
            }
        }
        None => crate::decode::write_addr(out, ctx.addr + 8),
    }
    out.push('}');
    Some(())
}
