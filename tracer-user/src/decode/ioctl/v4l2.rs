//! Video4Linux2's requests (type `V`), as strace's `v4l2.c` prints them. Two arrays
//! are behind pointers in the structs: an overlay window's clips and the extended
//! controls (with each control's string), printed where they were copied
//! ([`derefs`]), else their addresses.

use std::fmt::Write;

use super::xlat::*;
use super::{Ctx, Mem, Quote, Shape, Want, Where, cstring, mem_array, mem_str, need};
use crate::decode::XlatStyle;
use crate::decode::flags::{Xlat, hex, lookup, style, styled, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::write_addr;

const VIDIOC_DQBUF: u32 = 0xc058_5611;
const VIDIOC_G_FMT: u32 = 0xc0d0_5604;
const VIDIOC_G_PARM: u32 = 0xc0cc_5615;
const VIDIOC_G_CTRL: u32 = 0xc008_561b;
const VIDIOC_G_TUNER: u32 = 0xc054_561d;
const VIDIOC_G_EXT_CTRLS: u32 = 0xc020_5647;
pub(super) const VIDIOC_CREATE_BUFS: u32 = 0xc100_565c;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // VIDIOC_QUERYCAP
        0x8068_5600 => Shape::Out(capability),
        // VIDIOC_ENUM_FMT: the format asked for, then its description.
        0xc040_5602 => Shape::Continued(
            |out, b, _| {
                need(b, 64)?;
                let _ = write!(out, "{{index={}, type=", b.u32(0)?);
                buf_type(out, b.u32(4)?);
                Some(())
            },
            |out, b, ctx| {
                need(b, 64)?;
                out.push_str(", flags=");
                write_flags(
                    out,
                    b.u32(8)?.into(),
                    V4L2_FORMAT_DESCRIPTION_FLAGS,
                    None,
                    "V4L2_FMT_FLAG_???",
                );
                out.push_str(", description=");
                cstring(out, b, 12, 32, ctx)?;
                out.push_str(", pixelformat=");
                fourcc(out, b.u32(44)?, V4L2_PIX_FMTS);
                Some(())
            },
        ),
        // VIDIOC_G_FMT; VIDIOC_S_FMT, VIDIOC_TRY_FMT: the buffer type, and the format
        // the kernel reads and writes back.
        VIDIOC_G_FMT | 0xc0d0_5605 | 0xc0d0_5640 => Shape::Continued(format_in, format_out),
        // VIDIOC_REQBUFS: the buffers asked for, then how many the kernel made.
        0xc014_5608 => Shape::Continued(
            |out, b, _| {
                need(b, 20)?;
                out.push_str("{type=");
                buf_type(out, b.u32(4)?);
                out.push_str(", memory=");
                write_enum(out, b.u32(8)?.into(), V4L2_MEMORIES, "V4L2_MEMORY_???");
                let _ = write!(out, ", count={}", b.u32(0)?);
                Some(())
            },
            |out, b, _| {
                let _ = write!(out, " => {}", b.u32(0)?);
                Some(())
            },
        ),
        // VIDIOC_QUERYBUF, VIDIOC_QBUF, VIDIOC_DQBUF
        0xc058_5609 | 0xc058_560f | VIDIOC_DQBUF => Shape::Continued(buffer_in, buffer_out),
        // VIDIOC_G_FBUF; VIDIOC_S_FBUF
        0x8030_560a => Shape::Out(framebuffer),
        0x4030_560b => Shape::In(framebuffer),
        // VIDIOC_STREAMON, VIDIOC_STREAMOFF: a buffer type.
        0x4004_5612 | 0x4004_5613 => Shape::In(|out, b, _| {
            out.push('[');
            buf_type(out, b.u32(0)?);
            out.push(']');
            Some(())
        }),
        // VIDIOC_G_PARM, VIDIOC_S_PARM
        VIDIOC_G_PARM | 0xc0cc_5616 => Shape::Continued(streamparm_in, streamparm_out),
        // VIDIOC_G_STD; VIDIOC_S_STD: a standard's bits, in hex.
        0x8008_5617 => Shape::Out(std_id),
        0x4008_5618 => Shape::In(std_id),
        // VIDIOC_ENUMSTD: the standard asked for, then its name and timing.
        0xc048_5619 => Shape::Continued(
            |out, b, _| {
                need(b, 72)?;
                let _ = write!(out, "{{index={}", b.u32(0)?);
                Some(())
            },
            |out, b, ctx| {
                need(b, 72)?;
                out.push_str(", name=");
                cstring(out, b, 16, 24, ctx)?;
                out.push_str(", frameperiod=");
                fract(out, b, 40)?;
                let _ = write!(out, ", framelines={}", b.u32(48)?);
                Some(())
            },
        ),
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
                write_enum(
                    out,
                    b.u32(36)?.into(),
                    V4L2_INPUT_TYPES,
                    "V4L2_INPUT_TYPE_???",
                );
                Some(())
            },
        ),
        // VIDIOC_G_CTRL, VIDIOC_S_CTRL
        VIDIOC_G_CTRL | 0xc008_561c => Shape::Continued(
            |out, b, ctx| {
                need(b, 8)?;
                out.push_str("{id=");
                cid(out, b.u32(0)?, false);
                if ctx.request != VIDIOC_G_CTRL {
                    let _ = write!(out, ", value={}", b.i32(4)?);
                }
                Some(())
            },
            |out, b, ctx| {
                need(b, 8)?;
                let sep = if ctx.request == VIDIOC_G_CTRL {
                    ", value="
                } else {
                    " => "
                };
                let _ = write!(out, "{sep}{}", b.i32(4)?);
                Some(())
            },
        ),
        // VIDIOC_G_TUNER; VIDIOC_S_TUNER
        VIDIOC_G_TUNER | 0x4054_561e => Shape::Continued(
            |out, b, ctx| {
                need(b, 84)?;
                let _ = write!(out, "{{index={}", b.u32(0)?);
                if ctx.request != VIDIOC_G_TUNER {
                    out.push_str(", ");
                    tuner(out, b, ctx)?;
                }
                Some(())
            },
            |out, b, ctx| {
                need(b, 84)?;
                out.push_str(if ctx.request == VIDIOC_G_TUNER {
                    ", "
                } else {
                    "} => {"
                });
                tuner(out, b, ctx)
            },
        ),
        // VIDIOC_QUERYCTRL, VIDIOC_QUERY_EXT_CTRL: the control asked for (or the
        // next), then what it is.
        0xc044_5624 => Shape::Continued(query_ctrl_in, query_ctrl),
        0xc0e8_5667 => Shape::Continued(query_ctrl_in, query_ext_ctrl),
        // VIDIOC_G_INPUT; VIDIOC_S_INPUT
        0x8004_5626 => Shape::Out(super::uint),
        0xc004_5627 => Shape::In(super::uint),
        // VIDIOC_CROPCAP
        0xc02c_563a => Shape::Continued(
            |out, b, _| {
                need(b, 44)?;
                out.push_str("{type=");
                buf_type(out, b.u32(0)?);
                Some(())
            },
            |out, b, _| {
                need(b, 44)?;
                out.push_str(", bounds=");
                rect(out, b, 4)?;
                out.push_str(", defrect=");
                rect(out, b, 20)?;
                out.push_str(", pixelaspect=");
                fract(out, b, 36)
            },
        ),
        // VIDIOC_G_CROP; VIDIOC_S_CROP
        0xc014_563b => Shape::Continued(
            |out, b, _| {
                need(b, 20)?;
                out.push_str("{type=");
                buf_type(out, b.u32(0)?);
                Some(())
            },
            |out, b, _| {
                need(b, 20)?;
                out.push_str(", c=");
                rect(out, b, 4)
            },
        ),
        0x4014_563c => Shape::In(|out, b, _| {
            need(b, 20)?;
            out.push_str("{type=");
            buf_type(out, b.u32(0)?);
            out.push_str(", c=");
            rect(out, b, 4)?;
            out.push('}');
            Some(())
        }),
        // VIDIOC_G_EXT_CTRLS, VIDIOC_S_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS
        VIDIOC_G_EXT_CTRLS | 0xc020_5648 | 0xc020_5649 => {
            Shape::Both(ext_controls_in, ext_controls_out)
        }
        // VIDIOC_ENUM_FRAMESIZES
        0xc02c_564a => Shape::Continued(
            |out, b, _| {
                need(b, 44)?;
                let _ = write!(out, "{{index={}, pixel_format=", b.u32(0)?);
                fourcc(out, b.u32(4)?, V4L2_PIX_FMTS);
                Some(())
            },
            |out, b, _| {
                need(b, 44)?;
                let kind = b.u32(8)?;
                out.push_str(", type=");
                write_enum(
                    out,
                    kind.into(),
                    V4L2_FRAMESIZE_TYPES,
                    "V4L2_FRMSIZE_TYPE_???",
                );
                let u = |n: usize| b.u32(12 + 4 * n);
                match kind {
                    1 => {
                        let _ = write!(out, ", discrete={{width={}, height={}}}", u(0)?, u(1)?);
                    }
                    3 => {
                        let _ = write!(
                            out,
                            ", stepwise={{min_width={}, max_width={}, step_width={}, \
                             min_height={}, max_height={}, step_height={}}}",
                            u(0)?,
                            u(1)?,
                            u(2)?,
                            u(3)?,
                            u(4)?,
                            u(5)?
                        );
                    }
                    _ => {}
                }
                Some(())
            },
        ),
        // VIDIOC_ENUM_FRAMEINTERVALS
        0xc034_564b => Shape::Continued(
            |out, b, _| {
                need(b, 52)?;
                let _ = write!(out, "{{index={}, pixel_format=", b.u32(0)?);
                fourcc(out, b.u32(4)?, V4L2_PIX_FMTS);
                let _ = write!(out, ", width={}, height={}", b.u32(8)?, b.u32(12)?);
                Some(())
            },
            |out, b, _| {
                need(b, 52)?;
                let kind = b.u32(16)?;
                out.push_str(", type=");
                write_enum(
                    out,
                    kind.into(),
                    V4L2_FRAMEINTERVAL_TYPES,
                    "V4L2_FRMIVAL_TYPE_???",
                );
                match kind {
                    1 => {
                        out.push_str(", discrete=");
                        fract(out, b, 20)?;
                    }
                    2 | 3 => {
                        out.push_str(", stepwise={min=");
                        fract(out, b, 20)?;
                        out.push_str(", max=");
                        fract(out, b, 28)?;
                        out.push_str(", step=");
                        fract(out, b, 36)?;
                        out.push('}');
                    }
                    _ => {}
                }
                Some(())
            },
        ),
        // VIDIOC_CREATE_BUFS: the buffers asked for (the result names those made).
        VIDIOC_CREATE_BUFS => Shape::In(|out, b, ctx| {
            need(b, 256)?;
            let _ = write!(out, "{{count={}, memory=", b.u32(4)?);
            write_enum(out, b.u32(8)?.into(), V4L2_MEMORIES, "V4L2_MEMORY_???");
            out.push_str(", format={type=");
            let f = Bytes(&b.0[16..]);
            buf_type(out, f.u32(0)?);
            let mut fmt = String::new();
            if format_fmt(&mut fmt, &f, ctx).is_some() {
                out.push_str(", ");
                out.push_str(&fmt);
            }
            out.push_str("}}");
            Some(())
        }),
        _ => return None,
    })
}

/// VIDIOC_CREATE_BUFS's result: `{index=N, count=N}` after the number, from what the
/// kernel wrote.
pub(super) fn create_bufs_result(out: &mut String, exit: &[u8]) {
    let b = Bytes(exit);
    if need(&b, 256).is_none() {
        return;
    }
    if let (Some(index), Some(count)) = (b.u32(0), b.u32(4)) {
        let _ = write!(out, " ({{index={index}, count={count}}})");
    }
}

fn capability(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 104)?;
    out.push_str("{driver=");
    cstring(out, b, 0, 16, ctx)?;
    out.push_str(", card=");
    cstring(out, b, 16, 32, ctx)?;
    out.push_str(", bus_info=");
    cstring(out, b, 48, 32, ctx)?;
    let version = b.u32(80)?;
    out.push_str(", version=");
    // strace's print_kernel_version: KERNEL_VERSION(major, minor, patch).
    styled(out, &hex(version.into()), |o| {
        let _ = write!(
            o,
            "KERNEL_VERSION({}, {}, {})",
            version >> 16,
            (version >> 8) & 0xff,
            version & 0xff
        );
    });
    out.push_str(", capabilities=");
    write_flags(
        out,
        b.u32(84)?.into(),
        V4L2_DEVICE_CAPABILITIES_FLAGS,
        None,
        "V4L2_CAP_???",
    );
    let device_caps = b.u32(88)?;
    if device_caps != 0 {
        out.push_str(", device_caps=");
        write_flags(
            out,
            device_caps.into(),
            V4L2_DEVICE_CAPABILITIES_FLAGS,
            None,
            "V4L2_CAP_???",
        );
    }
    out.push('}');
    Some(())
}

fn buf_type(out: &mut String, v: u32) {
    write_enum(out, v.into(), V4L2_BUF_TYPES, "V4L2_BUF_TYPE_???");
}

/// `{left=-1, top=2, width=3, height=4}`
fn rect(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let _ = write!(
        out,
        "{{left={}, top={}, width={}, height={}}}",
        b.i32(off)?,
        b.i32(off + 4)?,
        b.u32(off + 8)?,
        b.u32(off + 12)?
    );
    Some(())
}

/// `30/1`: a fraction.
fn fract(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let _ = write!(out, "{}/{}", b.u32(off)?, b.u32(off + 4)?);
    Some(())
}

/// strace's `print_pixelformat`: `v4l2_fourcc('Y', 'U', 'Y', 'V') /* V4L2_PIX_FMT_YUYV */`,
/// the number in hex under `-X raw`.
fn fourcc(out: &mut String, v: u32, table: Xlat) {
    if style() == XlatStyle::Raw {
        out.push_str(&hex(v.into()));
        return;
    }
    out.push_str("v4l2_fourcc(");
    for (i, c) in v.to_le_bytes().into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('\'');
        match c {
            b'\'' | b'\\' => {
                out.push('\\');
                out.push(c as char);
            }
            b' '..=b'~' => out.push(c as char),
            _ => {
                let _ = write!(out, "\\x{c:02x}");
            }
        }
        out.push('\'');
    }
    out.push(')');
    if let Some(name) = lookup(table, v.into()) {
        let _ = write!(out, " /* {name} */");
    }
}

/// strace's `print_xlat_ex`: `name` in the `-X` style, or the number with it as a
/// comment (`dflt`: a name for an unknown value).
fn xlat_ex(out: &mut String, v: u32, name: &str, dflt: bool) {
    let raw = hex(v.into());
    styled(out, &raw, |o| {
        if dflt {
            let _ = write!(o, "{raw} /* {name} */");
        } else {
            o.push_str(name);
        }
    });
}

/// strace's `print_v4l2_cid`: a control's id by name, by its class and offset
/// (`V4L2_CTRL_CLASS_USER+0x1`), after the `V4L2_CTRL_FLAG_NEXT_*` bits (`next`).
fn cid(out: &mut String, mut id: u32, next: bool) {
    if style() == XlatStyle::Raw {
        out.push_str(&hex(id.into()));
        return;
    }
    if next {
        let mask = V4L2_CONTROL_QUERY_FLAGS
            .iter()
            .fold(0, |m, (v, _)| m | *v as u32);
        let flags = id & mask;
        if flags != 0 {
            write_flags(
                out,
                flags.into(),
                V4L2_CONTROL_QUERY_FLAGS,
                None,
                "V4L2_CTRL_FLAG_NEXT_???",
            );
            out.push('|');
            id &= !flags;
        }
    }
    if let Some(name) = lookup(V4L2_CONTROL_IDS, id.into()) {
        return xlat_ex(out, id, name, false);
    }
    // The class at or below the id (strace's `xlookup_le`).
    let class = V4L2_CONTROL_CLASSES
        .iter()
        .filter(|(v, _)| *v <= u64::from(id))
        .max_by_key(|(v, _)| *v);
    match class {
        Some((base, name)) if u64::from(id) - base < 0x10000 => {
            let text = format!("{name}+{}", hex(u64::from(id) - base));
            xlat_ex(out, id, &text, false);
        }
        _ => xlat_ex(out, id, "V4L2_CID_???", true),
    }
}

/// A format's `fmt` union by its buffer type (at `f`'s 0, the union at 8): None when
/// the type has none strace prints, or (an overlay's clips, not copied) strace's
/// `print_array` did not print the elements.
fn format_fmt(out: &mut String, f: &Bytes, ctx: &Ctx) -> Option<bool> {
    let u = |n: usize| f.u32(8 + n);
    match f.u32(0)? {
        1 | 2 => {
            let _ = write!(
                out,
                "fmt.pix={{width={}, height={}, pixelformat=",
                u(0)?,
                u(4)?
            );
            fourcc(out, u(8)?, V4L2_PIX_FMTS);
            out.push_str(", field=");
            write_enum(out, u(12)?.into(), V4L2_FIELDS, "V4L2_FIELD_???");
            let _ = write!(
                out,
                ", bytesperline={}, sizeimage={}, colorspace=",
                u(16)?,
                u(20)?
            );
            write_enum(out, u(24)?.into(), V4L2_COLORSPACES, "V4L2_COLORSPACE_???");
            out.push('}');
        }
        9 | 10 => {
            let _ = write!(
                out,
                "fmt.pix_mp={{width={}, height={}, pixelformat=",
                u(0)?,
                u(4)?
            );
            fourcc(out, u(8)?, V4L2_PIX_FMTS);
            out.push_str(", field=");
            write_enum(out, u(12)?.into(), V4L2_FIELDS, "V4L2_FIELD_???");
            out.push_str(", colorspace=");
            write_enum(out, u(16)?.into(), V4L2_COLORSPACES, "V4L2_COLORSPACE_???");
            let planes = *f.0.get(8 + 180)?;
            out.push_str(", plane_fmt=");
            super::array(out, usize::from(planes).min(8), ctx, |out, n| {
                let at = 20 + 20 * n;
                let _ = write!(out, "{{sizeimage={}, bytesperline={}}}", u(at)?, u(at + 4)?);
                Some(())
            })?;
            let _ = write!(out, ", num_planes={planes}}}");
        }
        3 | 8 => {
            out.push_str("fmt.win={w=");
            rect(out, f, 8)?;
            out.push_str(", field=");
            write_enum(out, u(16)?.into(), V4L2_FIELDS, "V4L2_FIELD_???");
            let _ = write!(out, ", chromakey={}, clips=", hex(u(20)?.into()));
            let (clips, count) = (f.u64(8 + 24)?, u(32)?);
            let rc = super::mem_array(out, clips, CLIP_SIZE, count as usize, ctx, |out, c| {
                out.push_str("{c=");
                rect(out, c, 0)?;
                out.push('}');
                Some(())
            });
            let _ = write!(out, ", clipcount={count}, bitmap=");
            write_addr(out, f.u64(8 + 40)?);
            let alpha = *f.0.get(8 + 48)?;
            if alpha != 0 {
                let _ = write!(out, ", global_alpha={alpha:#x}");
            }
            out.push('}');
            return Some(rc);
        }
        4 | 5 => {
            let _ = write!(
                out,
                "fmt.vbi={{sampling_rate={}, offset={}, samples_per_line={}, sample_format=",
                u(0)?,
                u(4)?,
                u(8)?
            );
            fourcc(out, u(12)?, V4L2_PIX_FMTS);
            let _ = write!(
                out,
                ", start=[{}, {}], count=[{}, {}], flags=",
                u(16)? as i32,
                u(20)? as i32,
                u(24)?,
                u(28)?
            );
            write_flags(out, u(32)?.into(), V4L2_VBI_FLAGS, None, "V4L2_VBI_???");
            out.push('}');
        }
        6 | 7 => {
            out.push_str("fmt.sliced={service_set=");
            let set = f.u16(8)?;
            write_flags(out, set.into(), V4L2_SLICED_FLAGS, None, "V4L2_SLICED_???");
            out.push_str(", service_lines=[");
            for field in 0..2 {
                if field > 0 {
                    out.push_str(", ");
                }
                out.push('[');
                for line in 0..24 {
                    if line > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&hex(f.u16(10 + 2 * (24 * field + line))?.into()));
                }
                out.push(']');
            }
            let _ = write!(out, "], io_size={}}}", u(100)?);
        }
        11 | 12 => {
            out.push_str("fmt.sdr={pixelformat=");
            fourcc(out, u(0)?, V4L2_SDR_FMTS);
            let size = u(4)?;
            if size != 0 {
                let _ = write!(out, ", buffersize={size}");
            }
            out.push('}');
        }
        13 | 14 => {
            out.push_str("fmt.meta={dataformat=");
            fourcc(out, u(0)?, V4L2_META_FMTS);
            let _ = write!(out, ", buffersize={}}}", u(4)?);
        }
        _ => return None,
    }
    Some(true)
}

/// The format's type, and for VIDIOC_S_FMT and VIDIOC_TRY_FMT what it asks for.
fn format_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 208)?;
    out.push_str("{type=");
    buf_type(out, b.u32(0)?);
    if ctx.request != VIDIOC_G_FMT {
        let mut fmt = String::new();
        if format_fmt(&mut fmt, b, ctx).is_some() {
            out.push_str(", ");
            out.push_str(&fmt);
        }
    }
    Some(())
}

/// What the kernel wrote: after the type for VIDIOC_G_FMT, as a new struct for the
/// others (when strace went on to the exit: a type it printed, elements it read).
fn format_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 208)?;
    let entry = Bytes(ctx.entry);
    let at_entry = ctx.at_entry();
    if ctx.request != VIDIOC_G_FMT
        && format_fmt(&mut String::new(), &entry, &at_entry) != Some(true)
    {
        return Some(());
    }
    let mut fmt = String::new();
    if format_fmt(&mut fmt, b, ctx).is_some() {
        out.push_str(if ctx.request == VIDIOC_G_FMT {
            ", "
        } else {
            "} => {"
        });
        out.push_str(&fmt);
    }
    Some(())
}

fn buffer_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 88)?;
    out.push_str("{type=");
    buf_type(out, b.u32(4)?);
    if ctx.request != VIDIOC_DQBUF {
        let _ = write!(out, ", index={}", b.u32(0)?);
    }
    Some(())
}

fn buffer_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 88)?;
    if ctx.request == VIDIOC_DQBUF {
        let _ = write!(out, ", index={}", b.u32(0)?);
    }
    out.push_str(", memory=");
    let memory = b.u32(60)?;
    write_enum(out, memory.into(), V4L2_MEMORIES, "V4L2_MEMORY_???");
    match memory {
        // V4L2_MEMORY_MMAP, V4L2_MEMORY_USERPTR
        1 => {
            let _ = write!(out, ", m.offset={}", hex(b.u32(64)?.into()));
        }
        2 => {
            out.push_str(", m.userptr=");
            write_addr(out, b.u64(64)?);
        }
        _ => {}
    }
    let _ = write!(
        out,
        ", length={}, bytesused={}, flags=",
        b.u32(72)?,
        b.u32(8)?
    );
    buffer_flags(out, b.u32(12)?);
    if ctx.request == VIDIOC_DQBUF {
        let _ = write!(
            out,
            ", timestamp={{tv_sec={}, tv_usec={}}}",
            b.u64(24)? as i64,
            b.u64(32)?
        );
    }
    out.push_str(", ...");
    Some(())
}

/// strace's `print_v4l2_buffer_flags`: the flags, then the timestamp's type and source
/// (fields of the value, each a constant).
fn buffer_flags(out: &mut String, v: u32) {
    const TIMESTAMP_MASK: u32 = 0xe000;
    const TSTAMP_SRC_MASK: u32 = 0x0007_0000;
    if style() == XlatStyle::Raw {
        out.push_str(&hex(v.into()));
        return;
    }
    let (ts_type, ts_src) = (v & TIMESTAMP_MASK, v & TSTAMP_SRC_MASK);
    let flags = v & !ts_type & !ts_src;
    if flags != 0 {
        write_flags(out, flags.into(), V4L2_BUF_FLAGS, None, "V4L2_BUF_FLAG_???");
        out.push('|');
    }
    write_enum(
        out,
        ts_type.into(),
        V4L2_BUF_FLAGS_TS_TYPE,
        "V4L2_BUF_FLAG_TIMESTAMP_???",
    );
    out.push('|');
    write_enum(
        out,
        ts_src.into(),
        V4L2_BUF_FLAGS_TS_SRC,
        "V4L2_BUF_FLAG_TSTAMP_SRC_???",
    );
}

fn framebuffer(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 48)?;
    let _ = write!(
        out,
        "{{capability={}, flags={}, base=",
        hex(b.u32(0)?.into()),
        hex(b.u32(4)?.into())
    );
    write_addr(out, b.u64(8)?);
    out.push('}');
    Some(())
}

fn std_id(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    out.push('[');
    crate::decode::write_hex(out, b.u64(0)?);
    out.push(']');
    Some(())
}

/// `parm.capture={...}` or `parm.output={...}` by the stream's type (at 0).
fn streamparm(out: &mut String, b: &Bytes) -> Option<()> {
    let capture = b.u32(0)? == 1;
    let _ = write!(
        out,
        "parm.{}={{capability=",
        if capture { "capture" } else { "output" }
    );
    write_flags(
        out,
        b.u32(4)?.into(),
        V4L2_STREAMING_CAPABILITIES,
        None,
        "V4L2_CAP_???",
    );
    let _ = write!(out, ", {}mode=", if capture { "capture" } else { "output" });
    write_flags(
        out,
        b.u32(8)?.into(),
        V4L2_CAPTURE_MODES,
        None,
        "V4L2_MODE_???",
    );
    out.push_str(", timeperframe=");
    fract(out, b, 12)?;
    let _ = write!(
        out,
        ", extendedmode={}, {}buffers={}}}",
        hex(b.u32(20)?.into()),
        if capture { "read" } else { "write" },
        b.u32(24)?
    );
    Some(())
}

fn streamparm_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 204)?;
    out.push_str("{type=");
    let kind = b.u32(0)?;
    buf_type(out, kind);
    if ctx.request != VIDIOC_G_PARM && matches!(kind, 1 | 2) {
        out.push_str(", ");
        streamparm(out, b)?;
    }
    Some(())
}

fn streamparm_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 204)?;
    // Only for the types strace went on to the exit for (the entry's).
    if !matches!(Bytes(ctx.entry).u32(0), Some(1 | 2)) {
        return Some(());
    }
    out.push_str(if ctx.request == VIDIOC_G_PARM {
        ", "
    } else {
        "} => {"
    });
    streamparm(out, b)
}

fn tuner(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    out.push_str("name=");
    cstring(out, b, 4, 32, ctx)?;
    out.push_str(", type=");
    write_enum(out, b.u32(36)?.into(), V4L2_TUNER_TYPES, "V4L2_TUNER_???");
    out.push_str(", capability=");
    write_flags(
        out,
        b.u32(40)?.into(),
        V4L2_TUNER_CAPABILITIES,
        None,
        "V4L2_TUNER_CAP_???",
    );
    let _ = write!(
        out,
        ", rangelow={}, rangehigh={}, rxsubchans=",
        b.u32(44)?,
        b.u32(48)?
    );
    write_flags(
        out,
        b.u32(52)?.into(),
        V4L2_TUNER_RXSUBCHANSES,
        None,
        "V4L2_TUNER_SUB_???",
    );
    out.push_str(", audmode=");
    write_enum(
        out,
        b.u32(56)?.into(),
        V4L2_TUNER_AUDMODES,
        "V4L2_TUNER_MODE_???",
    );
    let _ = write!(out, ", signal={}, afc={}", b.i32(60)?, b.i32(64)?);
    Some(())
}

fn query_ctrl_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, super::request::size(ctx.request) as usize)?;
    out.push_str("{id=");
    cid(out, b.u32(0)?, true);
    Some(())
}

/// The parts of VIDIOC_QUERYCTRL's and VIDIOC_QUERY_EXT_CTRL's answers they share: the
/// id when it changed, the type and name. False when abbreviated (`...` written).
fn query_head(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<bool> {
    let id = b.u32(0)?;
    if Bytes(ctx.entry).u32(0) != Some(id) {
        out.push_str(" => ");
        cid(out, id, false);
    }
    out.push_str(", type=");
    write_enum(
        out,
        b.u32(4)?.into(),
        V4L2_CONTROL_TYPES,
        "V4L2_CTRL_TYPE_???",
    );
    out.push_str(", name=");
    cstring(out, b, 8, 32, ctx)?;
    if ctx.opts.abbreviate {
        out.push_str(", ...");
        return Some(false);
    }
    Some(true)
}

fn ctrl_flags(out: &mut String, v: u32) {
    out.push_str(", flags=");
    write_flags(
        out,
        v.into(),
        V4L2_CONTROL_FLAGS,
        None,
        "V4L2_CTRL_FLAG_???",
    );
}

/// `, reserved=[0x1, 0]` unless all zero.
fn reserved(out: &mut String, b: &Bytes, off: usize, count: usize, ctx: &Ctx) -> Option<()> {
    if super::zero_u32s(b, off, count) {
        return Some(());
    }
    out.push_str(", reserved=");
    super::array(out, count, ctx, |out, n| {
        out.push_str(&hex(b.u32(off + 4 * n)?.into()));
        Some(())
    })
}

fn query_ctrl(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 68)?;
    if query_head(out, b, ctx)? {
        let _ = write!(
            out,
            ", minimum={}, maximum={}, step={}, default_value={}",
            b.i32(40)?,
            b.i32(44)?,
            b.i32(48)?,
            b.i32(52)?
        );
        ctrl_flags(out, b.u32(56)?);
        reserved(out, b, 60, 2, ctx)?;
    }
    Some(())
}

fn query_ext_ctrl(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 232)?;
    if query_head(out, b, ctx)? {
        let _ = write!(
            out,
            ", minimum={}, maximum={}, step={}, default_value={}",
            b.u64(40)? as i64,
            b.u64(48)? as i64,
            b.u64(56)?,
            b.u64(64)? as i64
        );
        ctrl_flags(out, b.u32(72)?);
        let dims = b.u32(84)?;
        let _ = write!(
            out,
            ", elem_size={}, elems={}, nr_of_dims={dims}, dims=",
            b.u32(76)?,
            b.u32(80)?
        );
        super::uint_array(out, b, 88, 4, (dims as usize).min(4), ctx)?;
        reserved(out, b, 104, 32, ctx)?;
    }
    Some(())
}

/// `struct v4l2_ext_controls` at entry: the class and count, and for the requests that
/// set controls, the controls (strace ends the struct there when it could not read
/// them all); what the kernel wrote follows ([`ext_controls_out`]).
fn ext_controls_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 32)?;
    out.push_str("{ctrl_class=");
    write_enum(
        out,
        b.u32(0)?.into(),
        V4L2_CONTROL_CLASSES,
        "V4L2_CTRL_CLASS_???",
    );
    let _ = write!(out, ", count={}", b.u32(4)?);
    if ext_controls_entry_done(out, b, ctx)? {
        out.push('}');
    }
    Some(())
}

/// The controls an entry prints (none for VIDIOC_G_EXT_CTRLS), and whether the line's
/// struct ends there (no controls, or not all of them read).
fn ext_controls_entry_done(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<bool> {
    let count = b.u32(4)?;
    if count == 0 {
        return Some(true);
    }
    if ctx.request == VIDIOC_G_EXT_CTRLS {
        return Some(false);
    }
    out.push_str(", controls=");
    Some(!controls(out, b, &ctx.at_entry()))
}

/// At exit, unless the entry ended the struct: the controls again (after ` => {` for
/// the requests that set them) and, when the call failed, which control failed.
fn ext_controls_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let entry = Bytes(ctx.entry);
    if ext_controls_entry_done(&mut String::new(), &entry, &ctx.at_entry())? {
        return None;
    }
    need(b, 32)?;
    out.push_str(if ctx.request == VIDIOC_G_EXT_CTRLS {
        ", "
    } else {
        "} => {"
    });
    out.push_str("controls=");
    controls(out, b, ctx);
    if ctx.failed {
        let _ = write!(out, ", error_idx={}", b.u32(8)?);
    }
    out.push('}');
    Some(())
}

/// A `struct v4l2_ext_control` (packed): 20 bytes.
const CONTROL_SIZE: usize = 20;
/// A `struct v4l2_clip`: a rectangle and a pointer.
const CLIP_SIZE: usize = 24;

/// The controls array of a `struct v4l2_ext_controls`, as copied for `ctx`'s stop;
/// whether all were printed.
fn controls(out: &mut String, b: &Bytes, ctx: &Ctx) -> bool {
    let (Some(count), Some(addr)) = (b.u32(4), b.u64(24)) else {
        return false;
    };
    mem_array(out, addr, CONTROL_SIZE, count as usize, ctx, |out, c| {
        out.push_str("{id=");
        cid(out, c.u32(0)?, false);
        let size = c.u32(4)?;
        let _ = write!(out, ", size={size}");
        if size > 0 {
            out.push_str(", string=");
            mem_str(out, c.u64(12)?, size as usize, Quote::default(), ctx);
        } else {
            let _ = write!(out, ", value={}, value64={}", c.i32(12)?, c.i64(12)?);
        }
        out.push('}');
        Some(())
    })
}

/// What V4L2's decoders print behind pointers: an overlay format's clips, the extended
/// controls and their strings.
pub(super) fn derefs(at: &Where, b: &Bytes, mem: &Mem) -> Vec<Want> {
    let format = match at.request {
        VIDIOC_G_FMT | 0xc0d0_5605 | 0xc0d0_5640 => Some(0),
        VIDIOC_CREATE_BUFS => Some(16),
        _ => None,
    };
    if let Some(off) = format {
        let f = |n: usize| b.u32(off + n);
        return match (f(0), b.u64(off + 8 + 24), f(8 + 32)) {
            (Some(3 | 8), Some(clips), Some(count)) => {
                vec![(clips, count as usize * CLIP_SIZE)]
            }
            _ => Vec::new(),
        };
    }
    if !matches!(at.request, VIDIOC_G_EXT_CTRLS | 0xc020_5648 | 0xc020_5649) {
        return Vec::new();
    }
    let (Some(count), Some(addr)) = (b.u32(4), b.u64(24)) else {
        return Vec::new();
    };
    let mut wants = vec![(addr, count as usize * CONTROL_SIZE)];
    if let Some(controls) = mem.get(addr) {
        for c in controls.chunks_exact(CONTROL_SIZE) {
            let c = Bytes(c);
            if let (Some(size @ 1..), Some(string)) = (c.u32(4), c.u64(12)) {
                wants.push((string, size as usize));
            }
        }
    }
    wants
}
