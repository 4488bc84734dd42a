//! PTP clocks' requests (type `=`), as strace's `ptp.c` prints them: capabilities,
//! external timestamp and periodic output requests, pin functions and the system
//! offsets (their samples are written into the struct the call read: `Continued`).

use std::fmt::Write;

use super::{Ctx, Shape, array, cstring, hex_array, need, zero_u32s};
use crate::decode::XlatStyle;
use crate::decode::flags::{Xlat, style, write_enum, write_flags};
use crate::decode::structs::{Bytes, write_date_comment};

/// Samples a system offset holds at most (`PTP_MAX_SAMPLES`).
const MAX_SAMPLES: usize = 25;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // PTP_CLOCK_GETCAPS, PTP_CLOCK_GETCAPS2
        0x8050_3d01 | 0x8050_3d0a => Shape::Out(caps),
        // PTP_EXTTS_REQUEST, PTP_EXTTS_REQUEST2
        0x4010_3d02 | 0x4010_3d0b => Shape::In(extts),
        // PTP_PEROUT_REQUEST, PTP_PEROUT_REQUEST2
        0x4038_3d03 | 0x4038_3d0c => Shape::In(perout),
        // PTP_ENABLE_PPS, PTP_ENABLE_PPS2: the value in hex.
        0x4004_3d04 | 0x4004_3d0d => Shape::Hex,
        // PTP_SYS_OFFSET, PTP_SYS_OFFSET2: the samples asked for, then 2n+1 times.
        0x4340_3d05 | 0x4340_3d0e => Shape::Continued(
            |out, b, _| samples_header(out, b, 832),
            |out, b, ctx| {
                need(b, 832)?;
                let n = 2 * (b.u32(0)? as usize).min(MAX_SAMPLES) + 1;
                out.push_str(", ts=");
                array(out, n, ctx, |out, i| clock_time(out, b, 16 + 16 * i, true))
            },
        ),
        // PTP_SYS_OFFSET_EXTENDED, PTP_SYS_OFFSET_EXTENDED2: n triples of times.
        0xc4c0_3d09 | 0xc4c0_3d12 => Shape::Continued(
            |out, b, _| samples_header(out, b, 1216),
            |out, b, ctx| {
                need(b, 1216)?;
                let n = (b.u32(0)? as usize).min(MAX_SAMPLES);
                out.push_str(", ts=");
                array(out, n, ctx, |out, i| {
                    let at = 16 + 48 * i;
                    out.push('[');
                    clock_time(out, b, at, true)?;
                    out.push_str(", ");
                    clock_time(out, b, at + 16, true)?;
                    out.push_str(", ");
                    clock_time(out, b, at + 32, true)?;
                    out.push(']');
                    Some(())
                })
            },
        ),
        // PTP_PIN_GETFUNC, PTP_PIN_GETFUNC2: the pin asked for, then its function.
        0xc060_3d06 | 0xc060_3d0f => Shape::Continued(
            |out, b, ctx| {
                need(b, 96)?;
                let _ = write!(out, "{{index={}", b.u32(64)?);
                if ctx.request == 0xc060_3d0f {
                    rsv(out, b, 76, 5)?;
                }
                Some(())
            },
            |out, b, ctx| {
                need(b, 96)?;
                out.push_str(", name=");
                cstring(out, b, 0, 64, ctx)?;
                pin_func(out, b)
            },
        ),
        // PTP_PIN_SETFUNC, PTP_PIN_SETFUNC2
        0x4060_3d07 | 0x4060_3d10 => Shape::In(|out, b, ctx| {
            need(b, 96)?;
            let _ = write!(out, "{{index={}", b.u32(64)?);
            pin_func(out, b)?;
            if ctx.request == 0x4060_3d10 {
                rsv(out, b, 76, 5)?;
            }
            out.push('}');
            Some(())
        }),
        // PTP_SYS_OFFSET_PRECISE, PTP_SYS_OFFSET_PRECISE2
        0xc040_3d08 | 0xc040_3d11 => Shape::Out(|out, b, _| {
            need(b, 64)?;
            out.push_str("{device=");
            clock_time(out, b, 0, true)?;
            out.push_str(", sys_realtime=");
            clock_time(out, b, 16, true)?;
            out.push_str(", sys_monoraw=");
            clock_time(out, b, 32, false)?;
            rsv(out, b, 48, 4)?;
            out.push('}');
            Some(())
        }),
        _ => return None,
    })
}

/// `, rsv=[...]` when any of the `count` reserved words at `off` is set.
fn rsv(out: &mut String, b: &Bytes, off: usize, count: usize) -> Option<()> {
    if !zero_u32s(b, off, count) {
        out.push_str(", rsv=");
        hex_array(out, b, off, count)?;
    }
    Some(())
}

/// `struct ptp_clock_time` at `off`: sec, nsec, and reserved when set; `date`: the
/// time as a date in a comment (unless `-X raw`).
fn clock_time(out: &mut String, b: &Bytes, off: usize, date: bool) -> Option<()> {
    let (sec, nsec, reserved) = (b.i64(off)?, b.u32(off + 8)?, b.u32(off + 12)?);
    let _ = write!(out, "{{sec={sec}, nsec={nsec}");
    if reserved != 0 {
        let _ = write!(out, ", reserved={reserved:#x}");
    }
    out.push('}');
    if date && style() != XlatStyle::Raw {
        write_date_comment(out, sec, nsec.into(), 1_000_000_000);
    }
    Some(())
}

/// `struct ptp_clock_caps`: eight ints and the reserved ones.
fn caps(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 80)?;
    const NAMES: [&str; 8] = [
        "max_adj",
        "n_alarm",
        "n_ext_ts",
        "n_per_out",
        "pps",
        "n_pins",
        "cross_timestamping",
        "adjust_phase",
    ];
    out.push('{');
    for (n, name) in NAMES.iter().enumerate() {
        let sep = if n > 0 { ", " } else { "" };
        let _ = write!(out, "{sep}{name}={}", b.i32(4 * n)?);
    }
    rsv(out, b, 32, 12)?;
    out.push('}');
    Some(())
}

/// `struct ptp_extts_request`: index, flags, the reserved words for the second version.
fn extts(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 16)?;
    let _ = write!(out, "{{index={}, flags=", b.u32(0)?);
    write_flags(out, b.u32(4)?.into(), EXTTS_FLAGS, None, "PTP_???");
    if ctx.request == 0x4010_3d0b {
        rsv(out, b, 8, 2)?;
    }
    out.push('}');
    Some(())
}

/// `struct ptp_perout_request`: the start (or phase), period, index, flags, and the
/// on time (duty cycle) or the second version's reserved words.
fn perout(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    const PHASE: u32 = 1 << 2;
    const DUTY_CYCLE: u32 = 1 << 1;
    need(b, 56)?;
    let flags = b.u32(36)?;
    match flags & PHASE {
        0 => {
            out.push_str("{start=");
            clock_time(out, b, 0, true)?;
        }
        _ => {
            out.push_str("{phase=");
            clock_time(out, b, 0, false)?;
        }
    }
    out.push_str(", period=");
    clock_time(out, b, 16, false)?;
    let _ = write!(out, ", index={}, flags=", b.u32(32)?);
    write_flags(out, flags.into(), PEROUT_FLAGS, None, "PTP_PEROUT_???");
    if flags & DUTY_CYCLE != 0 {
        out.push_str(", on=");
        clock_time(out, b, 40, false)?;
    } else if ctx.request == 0x4038_3d0c {
        rsv(out, b, 40, 4)?;
    }
    out.push('}');
    Some(())
}

/// The header of a system offset request: `{n_samples=N` and the reserved words (the
/// struct closes after the samples).
fn samples_header(out: &mut String, b: &Bytes, size: usize) -> Option<()> {
    need(b, size)?;
    let _ = write!(out, "{{n_samples={}", b.u32(0)?);
    rsv(out, b, 4, 3)
}

/// A pin's function and channel.
fn pin_func(out: &mut String, b: &Bytes) -> Option<()> {
    out.push_str(", func=");
    write_enum(out, b.u32(68)?.into(), PIN_FUNCS, "PTP_PF_???");
    let _ = write!(out, ", chan={}", b.u32(72)?);
    Some(())
}

const EXTTS_FLAGS: Xlat = &[
    (1 << 0, "PTP_ENABLE_FEATURE"),
    (1 << 1, "PTP_RISING_EDGE"),
    (1 << 2, "PTP_FALLING_EDGE"),
    (1 << 3, "PTP_STRICT_FLAGS"),
];

const PEROUT_FLAGS: Xlat = &[
    (1 << 0, "PTP_PEROUT_ONE_SHOT"),
    (1 << 1, "PTP_PEROUT_DUTY_CYCLE"),
    (1 << 2, "PTP_PEROUT_PHASE"),
];

const PIN_FUNCS: Xlat = &[
    (0, "PTP_PF_NONE"),
    (1, "PTP_PF_EXTTS"),
    (2, "PTP_PF_PEROUT"),
    (3, "PTP_PF_PHYSYNC"),
];
