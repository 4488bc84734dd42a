//! perf events' requests (type `$`), as strace's `perf_ioctl.c` prints them. The filter
//! string and the attributes struct are behind a pointer the request's size does not
//! cover (it is a pointer's): their addresses show.

use std::fmt::Write;

use super::xlat::PERF_IOCTL_FLAGS;
use super::{Ctx, Shape};
use crate::decode::flags::write_flags;
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // PERF_EVENT_IOC_ENABLE, DISABLE, RESET: flags, as an `unsigned int`.
        0x2400 | 0x2401 | 0x2403 => Shape::Value(|out, v| {
            write_flags(
                out,
                v as u32 as u64,
                PERF_IOCTL_FLAGS,
                None,
                "PERF_IOC_FLAG_???",
            );
        }),
        // PERF_EVENT_IOC_REFRESH
        0x2402 => Shape::Int,
        // PERF_EVENT_IOC_PERIOD; PERF_EVENT_IOC_ID
        0x4008_2404 => Shape::In(u64_value),
        0x8008_2407 => Shape::Out(u64_value),
        // PERF_EVENT_IOC_SET_OUTPUT, SET_BPF: descriptors.
        0x2405 | 0x4004_2408 => Shape::Fd,
        // PERF_EVENT_IOC_PAUSE_OUTPUT
        0x4004_2409 => Shape::Ulong,
        // PERF_EVENT_IOC_SET_FILTER, MODIFY_ATTRIBUTES
        0x4008_2406 | 0x4008_240b => Shape::Addr,
        // PERF_EVENT_IOC_QUERY_BPF: the room, then how many programs and their ids.
        0xc008_240a => Shape::Continued(
            |out, b, ctx| {
                let _ = write!(out, "{{ids_len={}", b.u32(0)?);
                if ctx.ret.is_none() {
                    out.push_str(", ...");
                }
                Some(())
            },
            // (The ids after the header are not copied: the request's size is a
            // pointer's.)
            |out, b, ctx| {
                let Some(count) = b.u32(4) else {
                    out.push_str(", ...");
                    return Some(());
                };
                let _ = write!(out, ", prog_cnt={count}, ids=");
                match b.0.len() >= 8 + 4 * count as usize {
                    true => super::uint_array(out, b, 8, 4, count as usize, ctx),
                    false => {
                        crate::decode::write_addr(out, ctx.addr + 8);
                        Some(())
                    }
                }
            },
        ),
        _ => return None,
    })
}

/// `[N]`: a `u64` the kernel reads or writes.
fn u64_value(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let _ = write!(out, "[{}]", b.u64(0)?);
    Some(())
}
