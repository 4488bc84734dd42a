//! ATA disks' requests (type 3, old-style numbers that encode no size), as strace's
//! `hdio.c` and its generated `var_ioctl_HDIO` print them.

use std::fmt::Write;

use super::{Ctx, Shape, need};
use crate::decode::flags::{Xlat, hex, write_enum, write_flags};
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        0x301 => Shape::Out(geometry),
        0x31f => Shape::InOut(drive_cmd, drive_cmd_done),
        // HDIO_DRIVE_RESET, HDIO_SCAN_HWIF: three words.
        0x31c | 0x328 => Shape::In(words),
        // The HDIO_GET_* that fill an unsigned long.
        0x302 | 0x304 | 0x308..=0x30b | 0x30e..=0x310 => Shape::Out(ulong),
        0x31a => Shape::Out(|out, b, _| {
            out.push('[');
            write_enum(out, b.u64(0)?, BUSSTATES, "BUSSTATE_???");
            out.push(']');
            Some(())
        }),
        0x30c => Shape::Out(|out, b, _| {
            out.push('[');
            write_flags(out, b.u64(0)?, NICE, None, "IDE_NICE_???");
            out.push(']');
            Some(())
        }),
        // HDIO_OBSOLETE_IDENTITY, HDIO_GET_IDENTITY: 142 and 512 bytes of text.
        0x307 => Shape::Out(|out, b, ctx| text(out, b, 0, 142, false, ctx)),
        0x30d => Shape::Out(|out, b, ctx| text(out, b, 0, 512, false, ctx)),
        // The HDIO_SET_* that take the value itself.
        0x321..=0x327 | 0x32a..=0x32c | 0x32f => Shape::Ulong,
        0x32d => Shape::Value(|out, v| write_enum(out, v, BUSSTATES, "BUSSTATE_???")),
        0x329 => Shape::Value(|out, v| write_flags(out, v, NICE, None, "IDE_NICE_???")),
        _ => return None,
    })
}

fn geometry(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 16)?;
    let _ = write!(
        out,
        "{{heads={}, sectors={}, cylinders={}, start={}}}",
        b.0[0],
        b.0[1],
        b.u16(2)?,
        b.u64(8)?
    );
    Some(())
}

fn drive_cmd(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 4)?;
    out.push_str("{command=");
    write_enum(out, b.0[0].into(), ATA_CMDS, "ATA_CMD_???");
    let _ = write!(
        out,
        ", sector_number={}, feature={}, sector_count={}}}",
        b.0[1], b.0[2], b.0[3]
    );
    Some(())
}

/// The status the drive returned, then the sectors it read (`-s` bytes of them, in
/// hex), or their address when the copy does not hold as many as strace reads.
fn drive_cmd_done(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 4)?;
    let status = hex(b.0[0].into());
    let _ = write!(
        out,
        "{{status={status}, error={}, nsector={}",
        b.0[1], b.0[2]
    );
    let len = usize::from(b.0[3]) * 512;
    if len != 0 {
        out.push_str(", buf=");
        let mut buf = String::new();
        match text(&mut buf, b, 4, len, true, ctx) {
            Some(()) => out.push_str(&buf),
            None => {
                let _ = write!(out, "{:#x}", ctx.addr + 4);
            }
        }
    }
    out.push('}');
    Some(())
}

/// `len` bytes at `off` as strace's `printstr_ex` prints them: up to `-s` of them, and
/// `...` when there are more; `None` when the copy does not hold the `-s` and one bytes
/// strace reads.
fn text(out: &mut String, b: &Bytes, off: usize, len: usize, hex: bool, ctx: &Ctx) -> Option<()> {
    let limit = ctx.opts.string_limit;
    let read = if len > limit { limit + 1 } else { len };
    let bytes = b.0.get(off..off + read)?;
    crate::decode::strings::quote(out, &bytes[..read.min(limit)], ctx.opts.hex, hex);
    if read > limit {
        out.push_str("...");
    }
    Some(())
}

fn words(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let word = |n: usize| b.u32(4 * n).map(|w| hex(w.into()));
    let _ = write!(out, "[{}, {}, {}]", word(0)?, word(1)?, word(2)?);
    Some(())
}

fn ulong(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let _ = write!(out, "[{}]", b.u64(0)?);
    Some(())
}

const BUSSTATES: Xlat = &[
    (0, "BUSSTATE_OFF"),
    (1, "BUSSTATE_ON"),
    (2, "BUSSTATE_TRISTATE"),
];

/// strace names the bits by their shift.
const NICE: Xlat = &[
    (1 << 0, "1 << IDE_NICE_DSC_OVERLAP"),
    (1 << 1, "1 << IDE_NICE_ATAPI_OVERLAP"),
    (1 << 3, "1 << IDE_NICE_1"),
    (1 << 2, "1 << IDE_NICE_0"),
    (1 << 4, "1 << IDE_NICE_2"),
];

const ATA_CMDS: Xlat = &[
    (0, "ATA_CMD_NOP"),
    (0x3, "ATA_CMD_CFA_REQ_EXT_ERR"),
    (0x6, "ATA_CMD_DSM"),
    (0x8, "ATA_CMD_DEV_RESET"),
    (0xb, "ATA_CMD_REQ_SENSE_DATA"),
    (0x10, "ATA_CMD_RESTORE"),
    (0x20, "ATA_CMD_PIO_READ"),
    (0x22, "ATA_CMD_READ_LONG"),
    (0x23, "ATA_CMD_READ_LONG_ONCE"),
    (0x24, "ATA_CMD_PIO_READ_EXT"),
    (0x25, "ATA_CMD_READ_EXT"),
    (0x26, "ATA_CMD_READ_QUEUED"),
    (0x27, "ATA_CMD_READ_NATIVE_MAX_EXT"),
    (0x29, "ATA_CMD_READ_MULTI_EXT"),
    (0x2a, "ATA_CMD_READ_STREAM_DMA_EXT"),
    (0x2b, "ATA_CMD_READ_STREAM_EXT"),
    (0x2f, "ATA_CMD_READ_LOG_EXT"),
    (0x30, "ATA_CMD_PIO_WRITE"),
    (0x32, "ATA_CMD_WRITE_LONG"),
    (0x33, "ATA_CMD_WRITE_LONG_ONCE"),
    (0x34, "ATA_CMD_PIO_WRITE_EXT"),
    (0x35, "ATA_CMD_WRITE_EXT"),
    (0x36, "ATA_CMD_WRITE_QUEUED"),
    (0x37, "ATA_CMD_SET_MAX_EXT"),
    (0x38, "ATA_CMD_CFA_WRITE_NE"),
    (0x39, "ATA_CMD_WRITE_MULTI_EXT"),
    (0x3a, "ATA_CMD_WRITE_STREAM_DMA_EXT"),
    (0x3b, "ATA_CMD_WRITE_STREAM_EXT"),
    (0x3d, "ATA_CMD_WRITE_FUA_EXT"),
    (0x3e, "ATA_CMD_WRITE_QUEUED_FUA_EXT"),
    (0x3f, "ATA_CMD_WRITE_LOG_EXT"),
    (0x40, "ATA_CMD_VERIFY"),
    (0x42, "ATA_CMD_VERIFY_EXT"),
    (0x45, "ATA_CMD_WRITE_UNCORR_EXT"),
    (0x47, "ATA_CMD_READ_LOG_DMA_EXT"),
    (0x4a, "ATA_CMD_ZAC_MGMT_IN"),
    (0x51, "ATA_CMD_CONFIG_STREAM"),
    (0x57, "ATA_CMD_WRITE_LOG_DMA_EXT"),
    (0x5b, "ATA_CMD_TRUSTED_NONDATA"),
    (0x5c, "ATA_CMD_TRUSTED_RCV"),
    (0x5d, "ATA_CMD_TRUSTED_RCV_DMA"),
    (0x5e, "ATA_CMD_TRUSTED_SND"),
    (0x5f, "ATA_CMD_TRUSTED_SND_DMA"),
    (0x60, "ATA_CMD_FPDMA_READ"),
    (0x61, "ATA_CMD_FPDMA_WRITE"),
    (0x63, "ATA_CMD_NCQ_NON_DATA"),
    (0x64, "ATA_CMD_FPDMA_SEND"),
    (0x65, "ATA_CMD_FPDMA_RECV"),
    (0x87, "ATA_CMD_CFA_TRANS_SECT"),
    (0x90, "ATA_CMD_EDD"),
    (0x91, "ATA_CMD_INIT_DEV_PARAMS"),
    (0x92, "ATA_CMD_DOWNLOAD_MICRO"),
    (0x93, "ATA_CMD_DOWNLOAD_MICRO_DMA"),
    (0x9f, "ATA_CMD_ZAC_MGMT_OUT"),
    (0xa0, "ATA_CMD_PACKET"),
    (0xa1, "ATA_CMD_ID_ATAPI"),
    (0xa2, "ATA_CMD_SERVICE"),
    (0xb0, "ATA_CMD_SMART"),
    (0xb1, "ATA_CMD_CONF_OVERLAY"),
    (0xb4, "ATA_CMD_SANITIZE_DEVICE"),
    (0xc0, "ATA_CMD_CFA_ERASE"),
    (0xc4, "ATA_CMD_READ_MULTI"),
    (0xc5, "ATA_CMD_WRITE_MULTI"),
    (0xc6, "ATA_CMD_SET_MULTI"),
    (0xc8, "ATA_CMD_READ"),
    (0xca, "ATA_CMD_WRITE"),
    (0xcd, "ATA_CMD_CFA_WRITE_MULT_NE"),
    (0xce, "ATA_CMD_WRITE_MULTI_FUA_EXT"),
    (0xd1, "ATA_CMD_CHK_MED_CRD_TYP"),
    (0xde, "ATA_CMD_MEDIA_LOCK"),
    (0xdf, "ATA_CMD_MEDIA_UNLOCK"),
    (0xe0, "ATA_CMD_STANDBYNOW1"),
    (0xe1, "ATA_CMD_IDLEIMMEDIATE"),
    (0xe2, "ATA_CMD_STANDBY"),
    (0xe3, "ATA_CMD_IDLE"),
    (0xe4, "ATA_CMD_PMP_READ"),
    (0xe5, "ATA_CMD_CHK_POWER"),
    (0xe6, "ATA_CMD_SLEEP"),
    (0xe7, "ATA_CMD_FLUSH"),
    (0xe8, "ATA_CMD_PMP_WRITE"),
    (0xe9, "ATA_CMD_PMP_READ_DMA"),
    (0xea, "ATA_CMD_FLUSH_EXT"),
    (0xeb, "ATA_CMD_PMP_WRITE_DMA"),
    (0xec, "ATA_CMD_ID_ATA"),
    (0xef, "ATA_CMD_SET_FEATURES"),
    (0xf1, "ATA_CMD_SEC_SET_PASS"),
    (0xf2, "ATA_CMD_SEC_UNLOCK"),
    (0xf3, "ATA_CMD_SEC_ERASE_PREP"),
    (0xf4, "ATA_CMD_SEC_ERASE_UNIT"),
    (0xf5, "ATA_CMD_SEC_FREEZE_LOCK"),
    (0xf6, "ATA_CMD_SEC_DISABLE_PASS"),
    (0xf8, "ATA_CMD_READ_NATIVE_MAX"),
    (0xf9, "ATA_CMD_SET_MAX"),
];
