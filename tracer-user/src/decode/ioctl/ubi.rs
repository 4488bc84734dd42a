//! UBI's requests (types `o` and `O`), as strace's `ubi.c` prints them.

use std::fmt::Write;

use super::xlat::{UBI_DATA_TYPES, UBI_VOLUME_FLAGS, UBI_VOLUME_PROPS, UBI_VOLUME_TYPES};
use super::{Ctx, Shape, int, need};
use crate::decode::flags::{write_enum, write_flags};
use crate::decode::strings::quote;
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // UBI_IOCATT: the attachment, then the UBI device's number.
        0x4018_6f40 => Shape::InOut(attach, int),
        0x4004_4f02 => Shape::In(leb_change),
        0x4008_4f03 => Shape::In(|out, b, _| {
            need(b, 8)?;
            let _ = write!(out, "{{lnum={}, dtype=", b.i32(0)?);
            write_enum(out, b.0[4].into(), UBI_DATA_TYPES, "UBI_???");
            out.push('}');
            Some(())
        }),
        // UBI_IOCMKVOL: the volume, then its id.
        0x4098_6f00 => Shape::InOut(mkvol, int),
        0x5110_6f03 => Shape::In(rnvol),
        0x400c_6f02 => Shape::In(|out, b, _| {
            need(b, 12)?;
            let _ = write!(out, "{{bytes={}, vol_id={}}}", b.u64(0)? as i64, b.i32(8)?);
            Some(())
        }),
        0x4010_4f06 => Shape::In(|out, b, _| {
            need(b, 16)?;
            out.push_str("{property=");
            write_enum(out, b.0[0].into(), UBI_VOLUME_PROPS, "UBI_VOL_PROP_???");
            let _ = write!(out, ", value={:#x}}}", b.u64(8)?);
            Some(())
        }),
        // UBI_IOCVOLUP: the update's size.
        0x4008_4f00 => Shape::In(|out, b, _| {
            let _ = write!(out, "[{}]", b.u64(0)? as i64);
            Some(())
        }),
        // UBI_IOCDET, EBER, EBISMAP, EBUNMAP, RMVOL, RPEB, SPEB: an `int`.
        0x4004_6f41 | 0x4004_4f01 | 0x8004_4f05 | 0x4004_4f04 | 0x4004_6f01 | 0x4004_6f04
        | 0x4004_6f05 => Shape::In(int),
        // UBI_IOCVOLCRBLK, UBI_IOCVOLRMBLK
        0x4080_4f07 | 0x4f08 => Shape::None,
        _ => return None,
    })
}

fn attach(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 24)?;
    let _ = write!(
        out,
        "{{ubi_num={}, mtd_num={}, vid_hdr_offset={}, max_beb_per1024={}}}",
        b.i32(0)?,
        b.i32(4)?,
        b.i32(8)?,
        b.u16(12)? as i16
    );
    Some(())
}

fn leb_change(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 16)?;
    let _ = write!(out, "{{lnum={}, bytes={}, dtype=", b.i32(0)?, b.i32(4)?);
    write_enum(out, b.0[8].into(), UBI_DATA_TYPES, "UBI_???");
    out.push('}');
    Some(())
}

fn mkvol(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 152)?;
    let _ = write!(
        out,
        "{{vol_id={}, alignment={}, bytes={}, vol_type=",
        b.i32(0)?,
        b.i32(4)?,
        b.u64(8)? as i64
    );
    write_enum(out, b.0[16].into(), UBI_VOLUME_TYPES, "UBI_???_VOLUME");
    out.push_str(", flags=");
    write_flags(out, b.0[17].into(), UBI_VOLUME_FLAGS, None, "UBI_VOL_???");
    let name_len = b.u16(18)? as i16;
    let _ = write!(out, ", name_len={name_len}, name=");
    name(out, &b.0[24..152], name_len, ctx);
    out.push('}');
    Some(())
}

/// strace's `PRINT_FIELD_CSTRING_SZ(name, 1 + CLAMP(name_len, 0, sizeof(name) - 1))`:
/// at most `name_len` bytes up to a NUL, `...` when there is none among them.
fn name(out: &mut String, bytes: &[u8], name_len: i16, ctx: &Ctx) {
    let size = 1 + (name_len.max(0) as usize).min(bytes.len() - 1);
    let held = &bytes[..size];
    let end = held.iter().position(|&c| c == 0);
    quote(
        out,
        &held[..end.unwrap_or(size).min(size - 1)],
        ctx.opts.hex,
        false,
    );
    if end.is_none() {
        out.push_str("...");
    }
}

/// `struct ubi_rnvol_req`: the count, then that many of its (at most 32) renames, as
/// many as the copy holds.
fn rnvol(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    const ENT: usize = 136;
    let count = b.i32(0)?;
    let _ = write!(out, "{{count={count}, ents=");
    let shown = count.clamp(0, 32) as usize;
    super::array(out, shown, ctx, |out, n| {
        let at = 16 + n * ENT;
        let ent = b.0.get(at..at + ENT)?;
        let e = Bytes(ent);
        let name_len = e.u16(4)? as i16;
        let _ = write!(out, "{{vol_id={}, name_len={name_len}, name=", e.i32(0)?);
        name(out, &ent[8..], name_len, ctx);
        out.push('}');
        Some(())
    })?;
    out.push('}');
    Some(())
}

/// Structs longer than the plan copies: UBI_IOCEBCH's `struct ubi_leb_change_req`,
/// 16 bytes where the request's size says 4 (an `int`'s); UBI_IOCRNVOL's 4368 bytes.
pub(super) fn derefs(at: &super::Where) -> Vec<super::Want> {
    match at.request {
        0x4004_4f02 => vec![(at.addr, 16)],
        0x5110_6f03 => vec![(at.addr, 0x1110)],
        _ => Vec::new(),
    }
}
