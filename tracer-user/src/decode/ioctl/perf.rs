//! perf events' requests (type `$`), as strace's `perf_ioctl.c` prints them. The filter
//! string, the attributes struct and the BPF programs' ids are longer than the
//! request's size says (a pointer's): printed where they were copied ([`derefs`]),
//! else their addresses.

use std::fmt::Write;

use super::xlat::PERF_IOCTL_FLAGS;
use super::{Ctx, Quote, Shape, Want, Where};
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
        // PERF_EVENT_IOC_SET_FILTER: a string of up to a page; MODIFY_ATTRIBUTES
        SET_FILTER => Shape::In(|out, _, ctx| {
            let q = Quote {
                zero_end: true,
                ..Quote::default()
            };
            super::mem_str(out, ctx.addr, PAGE, q, ctx);
            Some(())
        }),
        MODIFY_ATTRIBUTES => Shape::In(|out, _, ctx| {
            let data = ctx.mem.get(ctx.addr)?;
            out.push_str(&crate::decode::perf::attr_text(data, None, None, ctx.opts)?);
            Some(())
        }),
        // PERF_EVENT_IOC_QUERY_BPF: the room, then how many programs and their ids.
        0xc008_240a => Shape::Continued(
            |out, b, ctx| {
                let _ = write!(out, "{{ids_len={}", b.u32(0)?);
                if ctx.ret.is_none() {
                    out.push_str(", ...");
                }
                Some(())
            },
            |out, b, ctx| {
                let Some(count) = b.u32(4) else {
                    out.push_str(", ...");
                    return Some(());
                };
                let _ = write!(out, ", prog_cnt={count}, ids=");
                // The ids follow the header: as many as were copied with it.
                let data = ctx.mem.get(ctx.addr).filter(|d| d.len() > b.0.len());
                let held = data.unwrap_or(b.0).get(8..).unwrap_or_default();
                super::print_array(
                    out,
                    ctx.addr + 8,
                    held,
                    4,
                    count as usize,
                    false,
                    ctx,
                    |out, e| {
                        let _ = write!(out, "{}", e.u32(0)?);
                        Some(())
                    },
                );
                Some(())
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

const SET_FILTER: u32 = 0x4008_2406;
const MODIFY_ATTRIBUTES: u32 = 0x4008_240b;
const QUERY_BPF: u32 = 0xc008_240a;
/// strace reads a filter up to a page long.
const PAGE: usize = 4096;

/// The memory these requests point at, longer than their size says: the filter, the
/// attributes (`perf_event_attr`, as long as strace knows it), the header and the ids
/// the kernel wrote.
pub(super) fn derefs(at: &Where, b: &Bytes) -> Vec<Want> {
    match at.request {
        SET_FILTER => vec![(at.addr, PAGE)],
        MODIFY_ATTRIBUTES => vec![(at.addr, crate::decode::PERF_ATTR_SIZE.into())],
        QUERY_BPF if at.exit => match b.u32(4) {
            Some(count) => vec![(at.addr, 8 + 4 * count as usize)],
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}
