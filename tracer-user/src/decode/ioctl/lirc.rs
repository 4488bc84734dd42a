//! Infrared remote controls' requests (type `i`): one `unsigned int` each, as
//! strace's `lirc_ioctl.c` prints it.

use std::fmt::Write;

use super::request::{READ, dir};
use super::{Ctx, Shape};
use crate::decode::flags::{Xlat, hex, write_enum, write_flags};
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    let known = matches!(
        request,
        0x8004_6900..=0x8004_6902
            | 0x8004_6907..=0x8004_6909
            | 0x8004_690f
            | 0x4004_6911..=0x4004_6915
            | 0x4004_6917..=0x4004_6919
            | 0x4004_691d
            | 0x4004_691f
            | 0x4004_6923
            | 0x8004_6924
    );
    match (known, dir(request)) {
        (false, _) => None,
        (true, READ) => Some(Shape::Out(value)),
        (true, _) => Some(Shape::In(value)),
    }
}

fn value(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let v = u64::from(b.u32(0)?);
    out.push('[');
    match ctx.request {
        // LIRC_GET_FEATURES
        0x8004_6900 => write_flags(out, v, FEATURES, None, "LIRC_CAN_???"),
        // LIRC_GET_SEND_MODE, LIRC_GET_REC_MODE, LIRC_SET_SEND_MODE, LIRC_SET_REC_MODE
        0x8004_6901 | 0x8004_6902 | 0x4004_6911 | 0x4004_6912 => {
            write_enum(out, v, MODES, "LIRC_MODE_???")
        }
        // LIRC_SET_TRANSMITTER_MASK
        0x4004_6917 => out.push_str(&hex(v)),
        _ => {
            let _ = write!(out, "{v}");
        }
    }
    out.push(']');
    Some(())
}

const FEATURES: Xlat = &[
    (0x2, "LIRC_CAN_SEND_PULSE"),
    (0x10, "LIRC_CAN_SEND_LIRCCODE"),
    (0x100, "LIRC_CAN_SET_SEND_CARRIER"),
    (0x200, "LIRC_CAN_SET_SEND_DUTY_CYCLE"),
    (0x400, "LIRC_CAN_SET_TRANSMITTER_MASK"),
    (0x40000, "LIRC_CAN_REC_MODE2"),
    (0x80000, "LIRC_CAN_REC_SCANCODE"),
    (0x100000, "LIRC_CAN_REC_LIRCCODE"),
    (0x1000000, "LIRC_CAN_SET_REC_CARRIER"),
    (0x2000000, "LIRC_CAN_MEASURE_CARRIER"),
    (0x4000000, "LIRC_CAN_USE_WIDEBAND_RECEIVER"),
    (0x10000000, "LIRC_CAN_SET_REC_TIMEOUT"),
    (0x20000000, "LIRC_CAN_GET_REC_RESOLUTION"),
    (0x80000000, "LIRC_CAN_SET_REC_CARRIER_RANGE"),
];

const MODES: Xlat = &[
    (0x1, "LIRC_MODE_RAW"),
    (0x2, "LIRC_MODE_PULSE"),
    (0x4, "LIRC_MODE_MODE2"),
    (0x8, "LIRC_MODE_SCANCODE"),
    (0x10, "LIRC_MODE_LIRCCODE"),
];
