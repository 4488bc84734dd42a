//! Block devices' requests (type 0x12), as strace's `block.c` prints them. BLKPG's
//! partition is behind a pointer in its struct: printed where it was copied
//! ([`derefs`]), else its address.

use std::fmt::Write;

use super::xlat::BLKPG_OPS;
use super::{Ctx, Shape, Want, Where, cstring, int, need, uint};
use crate::decode::flags::write_enum;
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // BLKRASET, BLKFRASET: the value itself.
        0x1262 | 0x1264 => Shape::Ulong,
        // BLKSECTGET, BLKROTATIONAL: an `unsigned short`.
        0x1267 | 0x127e => Shape::Out(|out, b, _| {
            let _ = write!(out, "[{}]", b.u16(0)?);
            Some(())
        }),
        // BLKROGET, BLKBSZGET, BLKSSZGET, BLKALIGNOFF; BLKROSET, BLKBSZSET: an `int`.
        0x125e | 0x8008_1270 | 0x1268 | 0x127a => Shape::Out(int),
        0x125d | 0x4008_1271 => Shape::In(int),
        // BLKPBSZGET, BLKIOMIN, BLKIOOPT, BLKDISCARDZEROES, BLKGETZONESZ, BLKGETNRZONES
        0x127b | 0x1278 | 0x1279 | 0x127c | 0x8004_1284 | 0x8004_1285 => Shape::Out(uint),
        // BLKRAGET, BLKFRAGET: a `long`; BLKGETSIZE: an `unsigned long`.
        0x1263 | 0x1265 => Shape::Out(|out, b, _| {
            let _ = write!(out, "[{}]", b.u64(0)? as i64);
            Some(())
        }),
        // BLKGETSIZE; BLKGETSIZE64, BLKGETDISKSEQ: a `u64`.
        0x1260 | 0x8008_1272 | 0x8008_1280 => Shape::Out(|out, b, _| {
            let _ = write!(out, "[{}]", b.u64(0)?);
            Some(())
        }),
        // BLKDISCARD, BLKSECDISCARD, BLKZEROOUT: a range, two `u64`s.
        0x1277 | 0x127d | 0x127f => Shape::In(|out, b, _| {
            let _ = write!(out, "[{}, {}]", b.u64(0)?, b.u64(8)?);
            Some(())
        }),
        0x1269 => Shape::In(blkpg),
        // BLKTRACESETUP: the settings, then the name the kernel gives the trace.
        0xc048_1273 => Shape::Continued(
            |out, b, ctx| {
                need(b, 72)?;
                let _ = write!(
                    out,
                    "{{act_mask={}, buf_size={}, buf_nr={}, start_lba={}, end_lba={}, pid=",
                    b.u16(32)?,
                    b.u32(36)?,
                    b.u32(40)?,
                    b.u64(48)?,
                    b.u64(56)?,
                );
                crate::decode::write_pid(out, ctx.pid, b.i32(64)?, ctx.opts);
                Some(())
            },
            |out, b, ctx| {
                need(b, 72)?;
                out.push_str(", name=");
                cstring(out, b, 0, 32, ctx)
            },
        ),
        // BLKRRPART, BLKFLSBUF, BLKTRACESTART, BLKTRACESTOP, BLKTRACETEARDOWN
        0x125f | 0x1261 | 0x1274..=0x1276 => Shape::None,
        _ => return None,
    })
}

/// `struct blkpg_ioctl_arg`: the operation, then where its partition is.
fn blkpg(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 24)?;
    out.push_str("{op=");
    write_enum(out, b.u32(0)?.into(), BLKPG_OPS, "BLKPG_???");
    let _ = write!(out, ", flags={}, datalen={}, data=", b.i32(4)?, b.i32(8)?);
    let data = b.u64(16)?;
    match ctx
        .mem
        .get(data)
        .filter(|d| d.len() >= PARTITION && data != 0)
    {
        Some(p) => {
            let p = Bytes(p);
            let _ = write!(
                out,
                "{{start={}, length={}, pno={}, devname=",
                p.i64(0)?,
                p.i64(8)?,
                p.i32(16)?
            );
            cstring(out, &p, 20, 64, ctx)?;
            out.push_str(", volname=");
            cstring(out, &p, 84, 64, ctx)?;
            out.push('}');
        }
        None => crate::decode::write_addr(out, data),
    }
    out.push('}');
    Some(())
}

/// `struct blkpg_partition`.
const PARTITION: usize = 152;

/// BLKPG's partition, behind a pointer in its struct.
pub(super) fn derefs(at: &Where, b: &Bytes) -> Vec<Want> {
    const BLKPG: u32 = 0x1269;
    match (at.request, b.u64(16)) {
        (BLKPG, Some(data)) => vec![(data, PARTITION)],
        _ => Vec::new(),
    }
}
