//! GPIO character devices' requests (type 0xB4), as strace's `gpio_ioctl.c` prints
//! them: the chip and line infos, line handle and event requests (v1), line requests,
//! configs and values (v2).

use std::fmt::Write;

use super::{Ctx, Shape, array, cstring, hex_array, need, uint_array, zero_u32s};
use crate::decode::flags::{Xlat, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::{write_hex, write_plain_fd};

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // GPIO_GET_CHIPINFO_IOCTL
        0x8044_b401 => Shape::Out(chip_info),
        // GPIO_GET_LINEINFO_IOCTL, GPIO_GET_LINEINFO_WATCH_IOCTL
        0xc048_b402 | 0xc048_b40b => Shape::InOut(line_info_in, line_info_out),
        // GPIO_GET_LINEINFO_UNWATCH_IOCTL
        0xc004_b40c => Shape::In(|out, b, _| {
            let _ = write!(out, "{{offset={}}}", b.u32(0)?);
            Some(())
        }),
        // GPIO_GET_LINEHANDLE_IOCTL
        0xc16c_b403 => Shape::InOut(handle_request, |out, b, ctx| fd_out(out, b, 360, ctx)),
        // GPIO_GET_LINEEVENT_IOCTL
        0xc030_b404 => Shape::InOut(event_request, |out, b, ctx| fd_out(out, b, 44, ctx)),
        // GPIOHANDLE_GET_LINE_VALUES_IOCTL, GPIOHANDLE_SET_LINE_VALUES_IOCTL
        0xc040_b408 => Shape::Out(handle_data),
        0xc040_b409 => Shape::In(handle_data),
        // GPIOHANDLE_SET_CONFIG_IOCTL
        0xc054_b40a => Shape::In(handle_config),
        // GPIO_V2_GET_LINEINFO_IOCTL, GPIO_V2_GET_LINEINFO_WATCH_IOCTL
        0xc100_b405 | 0xc100_b406 => Shape::InOut(
            |out, b, _| {
                need(b, 256)?;
                let _ = write!(out, "{{offset={}}}", b.u32(64)?);
                Some(())
            },
            v2_line_info,
        ),
        // GPIO_V2_GET_LINE_IOCTL
        0xc250_b407 => Shape::InOut(v2_line_request, |out, b, ctx| fd_out(out, b, 588, ctx)),
        // GPIO_V2_LINE_SET_CONFIG_IOCTL
        0xc110_b40d => Shape::In(|out, b, ctx| {
            need(b, 272)?;
            v2_line_config(out, b, 0, ctx)
        }),
        // GPIO_V2_LINE_GET_VALUES_IOCTL, GPIO_V2_LINE_SET_VALUES_IOCTL
        0xc010_b40e => Shape::InOut(
            |out, b, _| {
                need(b, 16)?;
                out.push_str("{mask=");
                write_hex(out, b.u64(8)?);
                out.push('}');
                Some(())
            },
            |out, b, _| {
                need(b, 16)?;
                out.push_str("{bits=");
                write_hex(out, b.u64(0)?);
                out.push('}');
                Some(())
            },
        ),
        0xc010_b40f => Shape::In(|out, b, _| {
            need(b, 16)?;
            out.push_str("{bits=");
            write_hex(out, b.u64(0)?);
            out.push_str(", mask=");
            write_hex(out, b.u64(8)?);
            out.push('}');
            Some(())
        }),
        _ => return None,
    })
}

/// `struct gpiochip_info`: name[32], label[32], lines.
fn chip_info(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 68)?;
    out.push_str("{name=");
    cstring(out, b, 0, 32, ctx)?;
    out.push_str(", label=");
    cstring(out, b, 32, 32, ctx)?;
    let _ = write!(out, ", lines={}}}", b.u32(64)?);
    Some(())
}

/// `struct gpioline_info`: line_offset, flags, name[32], consumer[32].
fn line_info_in(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 72)?;
    let _ = write!(out, "{{line_offset={}}}", b.u32(0)?);
    Some(())
}

fn line_info_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 72)?;
    out.push_str("{flags=");
    write_flags(out, b.u32(4)?.into(), LINE_FLAGS, None, "GPIOLINE_FLAG_???");
    out.push_str(", name=");
    cstring(out, b, 8, 32, ctx)?;
    out.push_str(", consumer=");
    cstring(out, b, 40, 32, ctx)?;
    out.push('}');
    Some(())
}

/// The descriptor a request returns in its struct, at `off`.
fn fd_out(out: &mut String, b: &Bytes, off: usize, ctx: &Ctx) -> Option<()> {
    out.push_str("{fd=");
    write_plain_fd(out, ctx.pid, b.i32(off)?, ctx.fds);
    out.push('}');
    Some(())
}

/// `struct gpiohandle_request`: lineoffsets[64], flags, default_values[64] (bytes),
/// consumer_label[32], lines, fd.
fn handle_request(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 364)?;
    let lines = b.u32(356)?;
    let shown = (lines as usize).min(64);
    let _ = write!(out, "{{lines={lines}, lineoffsets=");
    uint_array(out, b, 0, 4, shown, ctx)?;
    out.push_str(", flags=");
    write_flags(
        out,
        b.u32(256)?.into(),
        HANDLE_FLAGS,
        None,
        "GPIOHANDLE_REQUEST_???",
    );
    out.push_str(", default_values=");
    uint_array(out, b, 260, 1, shown, ctx)?;
    out.push_str(", consumer_label=");
    cstring(out, b, 324, 32, ctx)?;
    out.push('}');
    Some(())
}

/// `struct gpioevent_request`: lineoffset, handleflags, eventflags, consumer_label[32], fd.
fn event_request(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 48)?;
    let _ = write!(out, "{{lineoffset={}, handleflags=", b.u32(0)?);
    write_flags(
        out,
        b.u32(4)?.into(),
        HANDLE_FLAGS,
        None,
        "GPIOHANDLE_REQUEST_???",
    );
    out.push_str(", eventflags=");
    write_flags(
        out,
        b.u32(8)?.into(),
        EVENT_FLAGS,
        None,
        "GPIOEVENT_REQUEST_???",
    );
    out.push_str(", consumer_label=");
    cstring(out, b, 12, 32, ctx)?;
    out.push('}');
    Some(())
}

/// `struct gpiohandle_data`: values[64] (bytes).
fn handle_data(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 64)?;
    out.push_str("{values=");
    uint_array(out, b, 0, 1, 64, ctx)?;
    out.push('}');
    Some(())
}

/// `struct gpiohandle_config`: flags, default_values[64] (bytes), padding[4].
fn handle_config(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 84)?;
    out.push_str("{flags=");
    write_flags(
        out,
        b.u32(0)?.into(),
        HANDLE_FLAGS,
        None,
        "GPIOHANDLE_REQUEST_???",
    );
    out.push_str(", default_values=");
    uint_array(out, b, 4, 1, 64, ctx)?;
    out.push('}');
    Some(())
}

/// `struct gpio_v2_line_attribute` at `off` (id, padding, a u64 by id): its fields, in
/// braces of their own unless `field` (a config attribute's `attr=`).
fn v2_attr(out: &mut String, b: &Bytes, off: usize, field: bool) -> Option<()> {
    let (id, padding, data) = (b.u32(off)?, b.u32(off + 4)?, b.u64(off + 8)?);
    match (padding, id) {
        (0, 1) => {
            out.push_str("flags=");
            write_flags(out, data, V2_LINE_FLAGS, None, "GPIO_V2_LINE_FLAG_???");
        }
        (0, 2) => {
            out.push_str("values=");
            write_hex(out, data);
        }
        (0, 3) => {
            let _ = write!(out, "debounce_period_us={}", data as u32);
        }
        _ => {
            if field {
                out.push_str("attr={");
            }
            let _ = write!(out, "id={id}");
            if padding != 0 {
                out.push_str(", padding=");
                write_hex(out, padding.into());
            }
            out.push_str(", data=");
            write_hex(out, data);
            if field {
                out.push('}');
            }
        }
    }
    Some(())
}

/// `struct gpio_v2_line_config` at `off`: flags, num_attrs, padding[5],
/// attrs[10] (an attribute and its mask each).
fn v2_line_config(out: &mut String, b: &Bytes, off: usize, ctx: &Ctx) -> Option<()> {
    let num = b.u32(off + 8)?;
    out.push_str("{flags=");
    write_flags(
        out,
        b.u64(off)?,
        V2_LINE_FLAGS,
        None,
        "GPIO_V2_LINE_FLAG_???",
    );
    let _ = write!(out, ", num_attrs={num}");
    if !zero_u32s(b, off + 12, 5) {
        out.push_str(", padding=");
        hex_array(out, b, off + 12, 5)?;
    }
    if num != 0 {
        out.push_str(", attrs=");
        array(out, num.min(10) as usize, ctx, |out, n| {
            let at = off + 32 + 24 * n;
            out.push('{');
            v2_attr(out, b, at, true)?;
            let _ = write!(out, ", mask=");
            write_hex(out, b.u64(at + 16)?);
            out.push('}');
            Some(())
        })?;
    }
    out.push('}');
    Some(())
}

/// `struct gpio_v2_line_info`: name[32], consumer[32], offset, num_attrs, flags,
/// attrs[10], padding[4].
fn v2_line_info(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 256)?;
    let num = b.u32(68)?;
    out.push_str("{name=");
    cstring(out, b, 0, 32, ctx)?;
    out.push_str(", consumer=");
    cstring(out, b, 32, 32, ctx)?;
    out.push_str(", flags=");
    write_flags(
        out,
        b.u64(72)?,
        V2_LINE_FLAGS,
        None,
        "GPIO_V2_LINE_FLAG_???",
    );
    let _ = write!(out, ", num_attrs={num}");
    if num != 0 {
        out.push_str(", attrs=");
        array(out, num.min(10) as usize, ctx, |out, n| {
            out.push('{');
            v2_attr(out, b, 80 + 16 * n, false)?;
            out.push('}');
            Some(())
        })?;
    }
    if !zero_u32s(b, 240, 4) {
        out.push_str(", padding=");
        hex_array(out, b, 240, 4)?;
    }
    out.push('}');
    Some(())
}

/// `struct gpio_v2_line_request`: offsets[64], consumer[32], config, num_lines,
/// event_buffer_size, padding[5], fd.
fn v2_line_request(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 592)?;
    let lines = b.u32(560)?;
    let _ = write!(out, "{{num_lines={lines}, offsets=");
    uint_array(out, b, 0, 4, (lines as usize).min(64), ctx)?;
    out.push_str(", consumer=");
    cstring(out, b, 256, 32, ctx)?;
    out.push_str(", config=");
    v2_line_config(out, b, 288, ctx)?;
    let buffer = b.u32(564)?;
    if buffer != 0 {
        let _ = write!(out, ", event_buffer_size={buffer}");
    }
    if !zero_u32s(b, 568, 5) {
        out.push_str(", padding=");
        hex_array(out, b, 568, 5)?;
    }
    out.push('}');
    Some(())
}

const LINE_FLAGS: Xlat = &[
    (1 << 0, "GPIOLINE_FLAG_KERNEL"),
    (1 << 1, "GPIOLINE_FLAG_IS_OUT"),
    (1 << 2, "GPIOLINE_FLAG_ACTIVE_LOW"),
    (1 << 3, "GPIOLINE_FLAG_OPEN_DRAIN"),
    (1 << 4, "GPIOLINE_FLAG_OPEN_SOURCE"),
    (1 << 5, "GPIOLINE_FLAG_BIAS_PULL_UP"),
    (1 << 6, "GPIOLINE_FLAG_BIAS_PULL_DOWN"),
    (1 << 7, "GPIOLINE_FLAG_BIAS_DISABLE"),
];

const HANDLE_FLAGS: Xlat = &[
    (1 << 0, "GPIOHANDLE_REQUEST_INPUT"),
    (1 << 1, "GPIOHANDLE_REQUEST_OUTPUT"),
    (1 << 2, "GPIOHANDLE_REQUEST_ACTIVE_LOW"),
    (1 << 3, "GPIOHANDLE_REQUEST_OPEN_DRAIN"),
    (1 << 4, "GPIOHANDLE_REQUEST_OPEN_SOURCE"),
    (1 << 5, "GPIOHANDLE_REQUEST_BIAS_PULL_UP"),
    (1 << 6, "GPIOHANDLE_REQUEST_BIAS_PULL_DOWN"),
    (1 << 7, "GPIOHANDLE_REQUEST_BIAS_DISABLE"),
];

const EVENT_FLAGS: Xlat = &[
    (3, "GPIOEVENT_REQUEST_BOTH_EDGES"),
    (1 << 0, "GPIOEVENT_REQUEST_RISING_EDGE"),
    (1 << 1, "GPIOEVENT_REQUEST_FALLING_EDGE"),
];

const V2_LINE_FLAGS: Xlat = &[
    (1 << 0, "GPIO_V2_LINE_FLAG_USED"),
    (1 << 1, "GPIO_V2_LINE_FLAG_ACTIVE_LOW"),
    (1 << 2, "GPIO_V2_LINE_FLAG_INPUT"),
    (1 << 3, "GPIO_V2_LINE_FLAG_OUTPUT"),
    (1 << 4, "GPIO_V2_LINE_FLAG_EDGE_RISING"),
    (1 << 5, "GPIO_V2_LINE_FLAG_EDGE_FALLING"),
    (1 << 6, "GPIO_V2_LINE_FLAG_OPEN_DRAIN"),
    (1 << 7, "GPIO_V2_LINE_FLAG_OPEN_SOURCE"),
    (1 << 8, "GPIO_V2_LINE_FLAG_BIAS_PULL_UP"),
    (1 << 9, "GPIO_V2_LINE_FLAG_BIAS_PULL_DOWN"),
    (1 << 10, "GPIO_V2_LINE_FLAG_BIAS_DISABLED"),
    (1 << 11, "GPIO_V2_LINE_FLAG_EVENT_CLOCK_REALTIME"),
    (1 << 12, "GPIO_V2_LINE_FLAG_EVENT_CLOCK_HTE"),
];
