//! File systems' requests (types `f` and `X`): inode flags, FIEMAP's header and (`-v`,
//! where they were copied, [`derefs`]) its extents, FITRIM's range, the XFS
//! attributes.

use std::fmt::Write;

use super::{Ctx, Shape, need};
use crate::decode::flags::{Xlat, write_flags};
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // FS_IOC_GETFLAGS, FS_IOC32_GETFLAGS; FS_IOC_SETFLAGS, FS_IOC32_SETFLAGS
        0x8008_6601 | 0x8004_6601 => Shape::Out(inode_flags),
        0x4008_6602 | 0x4004_6602 => Shape::In(inode_flags),
        // FS_IOC_FIEMAP
        0xc020_660b => Shape::InOut(fiemap_in, fiemap_out),
        // FIFREEZE, FITHAW
        0xc004_5877 | 0xc004_5878 => Shape::None,
        // FITRIM
        0xc018_5879 => Shape::In(fstrim_range),
        // FS_IOC_FSGETXATTR, FS_IOC_FSSETXATTR
        0x801c_581f => Shape::Out(|out, b, _| fsxattr(out, b, true)),
        0x401c_5820 => Shape::In(|out, b, _| fsxattr(out, b, false)),
        _ => return None,
    })
}

fn inode_flags(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 4)?;
    let flags = b.u32(0)?;
    out.push('[');
    write_flags(out, flags.into(), FS_FLAGS, None, "FS_???_FL");
    out.push(']');
    Some(())
}

fn fiemap_in(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 32)?;
    let (start, length, flags, count) = (b.u64(0)?, b.u64(8)?, b.u32(16)?, b.u32(24)?);
    let _ = write!(out, "{{fm_start={start}, fm_length={length}, fm_flags=");
    write_flags(out, flags.into(), FIEMAP_FLAGS, None, "FIEMAP_FLAG_???");
    let _ = write!(out, ", fm_extent_count={count}}}");
    Some(())
}

/// The header the kernel filled, and the extents after it (`...` unless `-v`).
fn fiemap_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 32)?;
    let (flags, mapped) = (b.u32(16)?, b.u32(20)?);
    out.push_str("{fm_flags=");
    write_flags(out, flags.into(), FIEMAP_FLAGS, None, "FIEMAP_FLAG_???");
    let _ = write!(out, ", fm_mapped_extents={mapped}");
    if ctx.opts.abbreviate {
        out.push_str(", ...}");
        return Some(());
    }
    out.push_str(", fm_extents=");
    super::held_array(out, b, 32, EXTENT, mapped as usize, false, ctx, |out, e| {
        let _ = write!(
            out,
            "{{fe_logical={}, fe_physical={}, fe_length={}, fe_flags=",
            e.u64(0)?,
            e.u64(8)?,
            e.u64(16)?
        );
        write_flags(
            out,
            e.u32(40)?.into(),
            super::xlat::FIEMAP_EXTENT_FLAGS,
            None,
            "FIEMAP_EXTENT_???",
        );
        out.push('}');
        Some(())
    });
    out.push('}');
    Some(())
}

/// A `struct fiemap_extent`.
const EXTENT: usize = 56;

/// FS_IOC_FIEMAP's extents, after the header the request's size covers.
pub(super) fn derefs(at: &super::Where, b: &Bytes) -> Vec<super::Want> {
    match (at.request, at.exit, b.u32(20)) {
        (0xc020_660b, true, Some(mapped)) => {
            vec![(at.addr, 32 + EXTENT * mapped.min(1 << 10) as usize)]
        }
        _ => Vec::new(),
    }
}

fn fstrim_range(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 24)?;
    let (start, len, minlen) = (b.u64(0)?, b.u64(8)?, b.u64(16)?);
    let _ = write!(out, "{{start={start:#x}, len={len}, minlen={minlen}}}");
    Some(())
}

fn fsxattr(out: &mut String, b: &Bytes, get: bool) -> Option<()> {
    need(b, 28)?;
    let (xflags, extsize, nextents) = (b.u32(0)?, b.u32(4)?, b.u32(8)?);
    let (projid, cowextsize) = (b.u32(12)?, b.u32(16)?);
    out.push_str("{fsx_xflags=");
    write_flags(out, xflags.into(), FS_XFLAGS, None, "FS_XFLAG_???");
    let _ = write!(out, ", fsx_extsize={extsize}");
    if get {
        let _ = write!(out, ", fsx_nextents={nextents}");
    }
    let projid = crate::decode::flags::hex(projid.into());
    let _ = write!(out, ", fsx_projid={projid}, fsx_cowextsize={cowextsize}}}");
    Some(())
}

const FIEMAP_FLAGS: Xlat = &[
    (1, "FIEMAP_FLAG_SYNC"),
    (2, "FIEMAP_FLAG_XATTR"),
    (4, "FIEMAP_FLAG_CACHE"),
];

const FS_FLAGS: Xlat = &[
    (0x1, "FS_SECRM_FL"),
    (0x2, "FS_UNRM_FL"),
    (0x4, "FS_COMPR_FL"),
    (0x8, "FS_SYNC_FL"),
    (0x10, "FS_IMMUTABLE_FL"),
    (0x20, "FS_APPEND_FL"),
    (0x40, "FS_NODUMP_FL"),
    (0x80, "FS_NOATIME_FL"),
    (0x100, "FS_DIRTY_FL"),
    (0x200, "FS_COMPRBLK_FL"),
    (0x400, "FS_NOCOMP_FL"),
    (0x800, "FS_ENCRYPT_FL"),
    (0x1000, "FS_INDEX_FL"),
    (0x2000, "FS_IMAGIC_FL"),
    (0x4000, "FS_JOURNAL_DATA_FL"),
    (0x8000, "FS_NOTAIL_FL"),
    (0x10000, "FS_DIRSYNC_FL"),
    (0x20000, "FS_TOPDIR_FL"),
    (0x40000, "FS_HUGE_FILE_FL"),
    (0x80000, "FS_EXTENT_FL"),
    (0x100000, "FS_VERITY_FL"),
    (0x200000, "FS_EA_INODE_FL"),
    (0x400000, "FS_EOFBLOCKS_FL"),
    (0x800000, "FS_NOCOW_FL"),
    (0x2000000, "FS_DAX_FL"),
    (0x10000000, "FS_INLINE_DATA_FL"),
    (0x20000000, "FS_PROJINHERIT_FL"),
    (0x40000000, "FS_CASEFOLD_FL"),
    (0x80000000, "FS_RESERVED_FL"),
];

const FS_XFLAGS: Xlat = &[
    (0x1, "FS_XFLAG_REALTIME"),
    (0x2, "FS_XFLAG_PREALLOC"),
    (0x8, "FS_XFLAG_IMMUTABLE"),
    (0x10, "FS_XFLAG_APPEND"),
    (0x20, "FS_XFLAG_SYNC"),
    (0x40, "FS_XFLAG_NOATIME"),
    (0x80, "FS_XFLAG_NODUMP"),
    (0x100, "FS_XFLAG_RTINHERIT"),
    (0x200, "FS_XFLAG_PROJINHERIT"),
    (0x400, "FS_XFLAG_NOSYMLINKS"),
    (0x800, "FS_XFLAG_EXTSIZE"),
    (0x1000, "FS_XFLAG_EXTSZINHERIT"),
    (0x2000, "FS_XFLAG_NODEFRAG"),
    (0x4000, "FS_XFLAG_FILESTREAM"),
    (0x8000, "FS_XFLAG_DAX"),
    (0x10000, "FS_XFLAG_COWEXTSIZE"),
    (0x80000000, "FS_XFLAG_HASATTR"),
];
