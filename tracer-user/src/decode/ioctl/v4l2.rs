//! Video4Linux2's requests (type `V`), as strace's `v4l2.c` prints them: so far the
//! inputs and the video standard; the other requests show their address.

use std::fmt::Write;

use super::{Shape, cstring, need};
use crate::decode::flags::{Xlat, write_enum};

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // VIDIOC_ENUMINPUT: the input asked for, then its name and type.
        0xc050_561a => Shape::Continued(
            |out, b, _| {
                need(b, 80)?;
                let _ = write!(out, "{{index={}", b.u32(0)?);
                Some(())
            },
            |out, b, ctx| {
                need(b, 80)?;
                out.push_str(", name=");
                cstring(out, b, 4, 32, ctx)?;
                out.push_str(", type=");
                write_enum(out, b.u32(36)?.into(), INPUT_TYPES, "V4L2_INPUT_TYPE_???");
                Some(())
            },
        ),
        // VIDIOC_G_INPUT; VIDIOC_S_INPUT
        0x8004_5626 => Shape::Out(super::uint),
        0xc004_5627 => Shape::In(super::uint),
        // VIDIOC_G_STD; VIDIOC_S_STD: a standard's bits, in hex.
        0x8008_5617 => Shape::Out(std_id),
        0x4008_5618 => Shape::In(std_id),
        _ => return None,
    })
}

fn std_id(out: &mut String, b: &crate::decode::structs::Bytes, _: &super::Ctx) -> Option<()> {
    out.push('[');
    crate::decode::write_hex(out, b.u64(0)?);
    out.push(']');
    Some(())
}

const INPUT_TYPES: Xlat = &[
    (1, "V4L2_INPUT_TYPE_TUNER"),
    (2, "V4L2_INPUT_TYPE_CAMERA"),
    (3, "V4L2_INPUT_TYPE_TOUCH"),
];
