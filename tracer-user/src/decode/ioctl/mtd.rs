//! Memory technology devices' requests (type `M`), as strace's `mtd.c` prints them:
//! erase and lock ranges, out-of-band buffers, writes, OTP regions, the device's info,
//! its ECC layout and statistics.

use std::fmt::Write;

use super::{Ctx, Shape, need};
use crate::decode::flags::{Xlat, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::{write_addr, write_hex};

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // MEMERASE, MEMLOCK, MEMUNLOCK, MEMISLOCKED: `struct erase_info_user`.
        0x4008_4d02 | 0x4008_4d05 | 0x4008_4d06 | 0x8008_4d17 => {
            Shape::In(|out, b, _| hex_fields(out, b, &[("start", 4), ("length", 4)]))
        }
        // MEMERASE64
        0x4010_4d14 => Shape::In(|out, b, _| hex_fields(out, b, &[("start", 8), ("length", 8)])),
        // MEMWRITEOOB, MEMREADOOB: start, length, the buffer's address.
        0xc010_4d03 | 0xc010_4d04 => Shape::In(|out, b, _| {
            need(b, 16)?;
            let _ = write!(
                out,
                "{{start={}, length={}, ptr=",
                hex(b.u32(0)?),
                hex(b.u32(4)?)
            );
            write_addr(out, b.u64(8)?);
            out.push('}');
            Some(())
        }),
        // MEMWRITEOOB64, MEMREADOOB64
        0xc018_4d15 | 0xc018_4d16 => Shape::In(|out, b, _| {
            need(b, 24)?;
            let (start, length) = (b.u64(0)?, b.u32(12)?);
            let _ = write!(
                out,
                "{{start={}, length={}, usr_ptr=",
                hex(start),
                hex(length)
            );
            write_addr(out, b.u64(16)?);
            out.push('}');
            Some(())
        }),
        // MEMWRITE: `struct mtd_write_req`.
        0xc030_4d18 => Shape::In(|out, b, _| {
            need(b, 48)?;
            let _ = write!(
                out,
                "{{start={}, len={}, ooblen={}, usr_data=",
                hex(b.u64(0)?),
                hex(b.u64(8)?),
                hex(b.u64(16)?)
            );
            write_addr(out, b.u64(24)?);
            out.push_str(", usr_oob=");
            write_addr(out, b.u64(32)?);
            out.push_str(", mode=");
            write_enum(out, b.0[40].into(), MODES, "MTD_OPS_???");
            out.push('}');
            Some(())
        }),
        // OTPGETREGIONINFO (written), OTPLOCK (read): `struct otp_info`.
        0x400c_4d0f => Shape::Out(otp_info),
        0x800c_4d10 => Shape::In(otp_info),
        // OTPSELECT
        0x8004_4d0d => Shape::In(|out, b, _| {
            out.push('[');
            write_enum(out, b.u32(0)?.into(), OTP_MODES, "MTD_OTP_???");
            out.push(']');
            Some(())
        }),
        // MTDFILEMODE: the mode itself.
        0x4d13 => Shape::Value(|out, v| write_enum(out, v, FILE_MODES, "MTD_FILE_MODE_???")),
        // MEMGETBADBLOCK, MEMSETBADBLOCK: an offset.
        0x4008_4d0b | 0x4008_4d0c => Shape::In(|out, b, _| {
            let _ = write!(out, "[{}]", b.u64(0)?);
            Some(())
        }),
        // MEMGETINFO
        0x8020_4d01 => Shape::Out(info),
        // MEMGETOOBSEL
        0x80c8_4d0a => Shape::Out(oobinfo),
        // ECCGETLAYOUT
        0x8148_4d11 => Shape::Out(ecclayout),
        // ECCGETSTATS
        0x8010_4d12 => Shape::Out(|out, b, _| {
            let names = [
                ("corrected", 4),
                ("failed", 4),
                ("badblocks", 4),
                ("bbtblocks", 4),
            ];
            hex_fields(out, b, &names)
        }),
        // OTPGETREGIONCOUNT, MEMGETREGIONCOUNT
        0x4004_4d0e => Shape::Out(|out, b, _| {
            let _ = write!(out, "[{}]", b.u32(0)?);
            Some(())
        }),
        0x8004_4d07 => Shape::Out(super::int),
        // MEMGETREGIONINFO: the region asked for, then what the kernel wrote.
        0xc010_4d08 => Shape::Continued(
            |out, b, _| {
                need(b, 16)?;
                let _ = write!(out, "{{regionindex={}", hex(b.u32(12)?));
                Some(())
            },
            |out, b, _| {
                need(b, 16)?;
                let _ = write!(
                    out,
                    ", offset={}, erasesize={}, numblocks={}",
                    hex(b.u32(0)?),
                    hex(b.u32(4)?),
                    hex(b.u32(8)?)
                );
                Some(())
            },
        ),
        _ => return None,
    })
}

fn hex(v: impl Into<u64>) -> String {
    crate::decode::flags::hex(v.into())
}

/// `{a=0x1, b=0x2}`: consecutive unsigned fields of the given sizes, in hex.
fn hex_fields(out: &mut String, b: &Bytes, fields: &[(&str, usize)]) -> Option<()> {
    need(b, fields.iter().map(|(_, size)| size).sum())?;
    out.push('{');
    let mut off = 0;
    for (n, (name, size)) in fields.iter().enumerate() {
        let v = match size {
            4 => b.u32(off)?.into(),
            _ => b.u64(off)?,
        };
        let sep = if n > 0 { ", " } else { "" };
        let _ = write!(out, "{sep}{name}={}", hex(v));
        off += size;
    }
    out.push('}');
    Some(())
}

/// `struct otp_info`: start, length, locked.
fn otp_info(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 12)?;
    let (start, length, locked) = (b.u32(0)?, b.u32(4)?, b.u32(8)?);
    let _ = write!(
        out,
        "{{start={}, length={}, locked={locked}}}",
        hex(start),
        hex(length)
    );
    Some(())
}

/// `struct mtd_info_user`.
fn info(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 32)?;
    out.push_str("{type=");
    write_enum(out, b.0[0].into(), TYPES, "MTD_???");
    out.push_str(", flags=");
    write_flags(out, b.u32(4)?.into(), FLAGS, None, "MTD_???");
    let _ = write!(
        out,
        ", size={}, erasesize={}, writesize={}, oobsize={}, padding={}}}",
        hex(b.u32(8)?),
        hex(b.u32(12)?),
        hex(b.u32(16)?),
        hex(b.u32(20)?),
        hex(b.u64(24)?)
    );
    Some(())
}

/// `count` `u32`s from `off` in hex, `...` after `-s` of them unless `-v`.
fn hex_words(out: &mut String, b: &Bytes, off: usize, count: usize, ctx: &Ctx) -> Option<()> {
    super::array(out, count, ctx, |out, n| {
        write_hex(out, b.u32(off + 4 * n)?.into());
        Some(())
    })
}

/// `struct nand_oobinfo`: the ECC placement, the free ranges as pairs, the positions.
fn oobinfo(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 200)?;
    out.push_str("{useecc=");
    write_enum(out, b.u32(0)?.into(), NANDECC, "MTD_NANDECC_???");
    let _ = write!(out, ", eccbytes={}, oobfree=", hex(b.u32(4)?));
    super::array(out, 8, ctx, |out, n| hex_words(out, b, 8 + 8 * n, 2, ctx))?;
    out.push_str(", eccpos=");
    hex_words(out, b, 72, 32, ctx)?;
    out.push('}');
    Some(())
}

/// `struct nand_ecclayout_user`: ECC bytes and positions, the bytes free and where.
fn ecclayout(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 328)?;
    let _ = write!(out, "{{eccbytes={}, eccpos=", hex(b.u32(0)?));
    hex_words(out, b, 4, 64, ctx)?;
    let _ = write!(out, ", oobavail={}, oobfree=", hex(b.u32(260)?));
    super::array(out, 8, ctx, |out, n| {
        let at = 264 + 8 * n;
        let _ = write!(
            out,
            "{{offset={}, length={}}}",
            hex(b.u32(at)?),
            hex(b.u32(at + 4)?)
        );
        Some(())
    })?;
    out.push('}');
    Some(())
}

const MODES: Xlat = &[
    (0, "MTD_OPS_PLACE_OOB"),
    (1, "MTD_OPS_AUTO_OOB"),
    (2, "MTD_OPS_RAW"),
];

const OTP_MODES: Xlat = &[
    (0, "MTD_OTP_OFF"),
    (1, "MTD_OTP_FACTORY"),
    (2, "MTD_OTP_USER"),
];

const FILE_MODES: Xlat = &[
    (0, "MTD_FILE_MODE_NORMAL"),
    (1, "MTD_FILE_MODE_OTP_FACTORY"),
    (2, "MTD_FILE_MODE_OTP_USER"),
    (3, "MTD_FILE_MODE_RAW"),
];

const TYPES: Xlat = &[
    (0, "MTD_ABSENT"),
    (1, "MTD_RAM"),
    (2, "MTD_ROM"),
    (3, "MTD_NORFLASH"),
    (4, "MTD_NANDFLASH"),
    (6, "MTD_DATAFLASH"),
    (7, "MTD_UBIVOLUME"),
    (8, "MTD_MLCNANDFLASH"),
];

const FLAGS: Xlat = &[
    (0x400, "MTD_WRITEABLE"),
    (0x800, "MTD_BIT_WRITEABLE"),
    (0x1000, "MTD_NO_ERASE"),
    (0x2000, "MTD_POWERUP_LOCK"),
    (0x4000, "MTD_SLC_ON_MLC_EMULATION"),
];

const NANDECC: Xlat = &[
    (0, "MTD_NANDECC_OFF"),
    (1, "MTD_NANDECC_PLACE"),
    (2, "MTD_NANDECC_AUTOPLACE"),
    (3, "MTD_NANDECC_PLACEONLY"),
    (4, "MTD_NANDECC_AUTOPL_USR"),
];
