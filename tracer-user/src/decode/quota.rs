//! `quotactl` and `quotactl_fd` (strace's `quota.c`): the command as
//! `QCMD(Q_GETQUOTA, USRQUOTA)`, then only the arguments the command uses: the id (a
//! uid, or Q_QUOTAON's format), and what the address points at (a quota, the quota
//! info, a format, XFS's flags, quota and statistics), read at entry for the commands
//! that set it, at a successful exit for those that get it.

use std::fmt::Write;

use super::flags::{Xlat, hex, lookup, style, write_enum, write_flags};
use super::strings::{write_addr, write_cstr};
use super::structs::Bytes;
use super::{Call, DecodeOptions, XlatStyle, write_int};
use tracer_common::capture;

const Q_SYNC: u32 = 0x80_0001;
const Q_QUOTAON: u32 = 0x80_0002;
const Q_QUOTAOFF: u32 = 0x80_0003;
const Q_GETFMT: u32 = 0x80_0004;
const Q_GETINFO: u32 = 0x80_0005;
const Q_SETINFO: u32 = 0x80_0006;
const Q_GETQUOTA: u32 = 0x80_0007;
const Q_SETQUOTA: u32 = 0x80_0008;
const Q_GETNEXTQUOTA: u32 = 0x80_0009;
const Q_XQUOTAON: u32 = 0x5801;
const Q_XQUOTAOFF: u32 = 0x5802;
const Q_XGETQUOTA: u32 = 0x5803;
const Q_XSETQLIM: u32 = 0x5804;
const Q_XGETQSTAT: u32 = 0x5805;
const Q_XQUOTARM: u32 = 0x5806;
const Q_XQUOTASYNC: u32 = 0x5807;
const Q_XGETQSTATV: u32 = 0x5808;
const Q_XGETNEXTQUOTA: u32 = 0x5809;

/// The largest struct a command reads or writes (`struct fs_quota_statv`).
pub const MAX_STRUCT: u16 = 160;

/// The command of a `quotactl` whose `qcmd` is argument `cmd`.
fn command(call: &Call, cmd: u8) -> u32 {
    call.args[cmd as usize] as u32 >> 8
}

/// Whether the id (`id`) or the address (`!id`) shows for this command.
pub fn visible(call: &Call, cmd: u8, id: bool) -> bool {
    match command(call, cmd) {
        Q_QUOTAOFF | Q_SYNC | Q_XQUOTASYNC => false,
        Q_GETFMT | Q_GETINFO | Q_SETINFO | Q_XGETQSTAT | Q_XGETQSTATV | Q_XQUOTAON
        | Q_XQUOTAOFF | Q_XQUOTARM => !id,
        _ => true,
    }
}

/// `QCMD(cmd, type)`, the number itself under `-X raw`, both under `-X verbose`.
pub fn write_qcmd(out: &mut String, qcmd: u32) {
    let (cmd, kind) = (qcmd >> 8, qcmd & 0xff);
    let style = style();
    if style != XlatStyle::Abbrev {
        write_int(out, qcmd);
    }
    if style == XlatStyle::Raw {
        return;
    }
    if style == XlatStyle::Verbose {
        out.push_str(" /* ");
    }
    // Always abbreviated inside: strace's `printxvals_ex(..., XLAT_STYLE_ABBREV, ...)`.
    let name = |out: &mut String, v: u32, table: Xlat, dflt: &str| match lookup(table, v.into()) {
        Some(n) => out.push_str(n),
        None => {
            let _ = write!(out, "{} /* {dflt} */", hex(v.into()));
        }
    };
    out.push_str("QCMD(");
    name(out, cmd, COMMANDS, "Q_???");
    out.push_str(", ");
    name(out, kind, TYPES, "???QUOTA");
    out.push(')');
    if style == XlatStyle::Verbose {
        out.push_str(" */");
    }
}

/// The id: Q_QUOTAON's format, else a uid (`-1` for `(uid_t)-1`).
pub fn write_id(out: &mut String, call: &Call, i: usize, cmd: u8) {
    let id = call.args[i] as u32;
    match command(call, cmd) {
        Q_QUOTAON => write_enum(out, id.into(), FORMATS, "QFMT_VFS_???"),
        _ if id == u32::MAX => out.push_str("-1"),
        _ => write_int(out, id),
    }
}

/// What the address points at, by command.
pub fn write_addr_arg(out: &mut String, call: &Call, i: usize, cmd: u8, opts: &DecodeOptions) {
    let v = call.args[i];
    let command = command(call, cmd);
    if command == Q_QUOTAON {
        let path = call
            .captures
            .iter()
            .find(|c| c.arg as usize == i && c.kind == capture::CSTR);
        return write_cstr(out, path, v, None, opts);
    }
    let (entry, exit) = {
        let mut fixed = call
            .captures
            .iter()
            .filter(|c| c.arg as usize == i && c.kind == capture::FIXED);
        (fixed.next(), fixed.next())
    };
    let setter = matches!(
        command,
        Q_SETQUOTA | Q_SETINFO | Q_XSETQLIM | Q_XQUOTAON | Q_XQUOTAOFF | Q_XQUOTARM
    );
    let cap = match setter {
        true => entry,
        false if call.success().is_some() => exit,
        false => None,
    };
    let bytes = cap
        .filter(|c| !c.fault && v != 0 && opts.dereference)
        .map(|c| Bytes(&c.data));
    let mut text = String::new();
    let printed = bytes.and_then(|b| write_struct(&mut text, &b, command, opts.abbreviate));
    match printed {
        Some(()) => out.push_str(&text),
        None => write_addr(out, v),
    }
}

fn write_struct(out: &mut String, b: &Bytes, command: u32, abbrev: bool) -> Option<()> {
    match command {
        Q_GETQUOTA | Q_SETQUOTA => dqblk(out, b, abbrev, false),
        Q_GETNEXTQUOTA => dqblk(out, b, abbrev, true),
        Q_XGETQUOTA | Q_XGETNEXTQUOTA | Q_XSETQLIM => disk_quota(out, b, abbrev),
        Q_GETFMT => {
            let fmt = b.u32(0)?;
            out.push('[');
            write_enum(out, fmt.into(), FORMATS, "QFMT_VFS_???");
            out.push(']');
            Some(())
        }
        Q_GETINFO | Q_SETINFO => {
            need(b, 24)?;
            let _ = write!(
                out,
                "{{dqi_bgrace={}, dqi_igrace={}, dqi_flags=",
                b.u64(0)?,
                b.u64(8)?
            );
            write_flags(out, b.u32(16)?.into(), DQINFO_FLAGS, None, "DQF_???");
            out.push_str(", dqi_valid=");
            write_flags(out, b.u32(20)?.into(), DQINFO_VALID, None, "IIF_???");
            out.push('}');
            Some(())
        }
        Q_XGETQSTAT => quota_stat(out, b, abbrev),
        Q_XGETQSTATV => quota_statv(out, b, abbrev),
        Q_XQUOTAON | Q_XQUOTAOFF | Q_XQUOTARM => {
            let (table, dflt) = match command {
                Q_XQUOTARM => (DQBLK_FLAGS, "FS_???_QUOTA"),
                _ => (XFS_FLAGS, "FS_QUOTA_???"),
            };
            let flags = b.u32(0)?;
            out.push('[');
            write_flags(out, flags.into(), table, None, dflt);
            out.push(']');
            Some(())
        }
        _ => None,
    }
}

fn need(b: &Bytes, size: usize) -> Option<()> {
    (b.0.len() >= size).then_some(())
}

/// `struct if_dqblk` (packed, 68 bytes) or `struct if_nextdqblk` (72, with the id).
fn dqblk(out: &mut String, b: &Bytes, abbrev: bool, next: bool) -> Option<()> {
    need(b, if next { 72 } else { 68 })?;
    const NAMES: [&str; 6] = [
        "dqb_bhardlimit",
        "dqb_bsoftlimit",
        "dqb_curspace",
        "dqb_ihardlimit",
        "dqb_isoftlimit",
        "dqb_curinodes",
    ];
    out.push('{');
    for (n, name) in NAMES.iter().enumerate() {
        let _ = write!(
            out,
            "{}{name}={}",
            if n > 0 { ", " } else { "" },
            b.u64(8 * n)?
        );
    }
    if abbrev {
        if next {
            let _ = write!(out, ", dqb_id={}", b.u32(68)?);
        }
        out.push_str(", ...}");
        return Some(());
    }
    let _ = write!(
        out,
        ", dqb_btime={}, dqb_itime={}, dqb_valid=",
        b.u64(48)?,
        b.u64(56)?
    );
    write_flags(out, b.u32(64)?.into(), DQBLK_VALID, None, "QIF_???");
    if next {
        let _ = write!(out, ", dqb_id={}", b.u32(68)?);
    }
    out.push('}');
    Some(())
}

/// `fs_disk_quota_t` (112 bytes).
fn disk_quota(out: &mut String, b: &Bytes, abbrev: bool) -> Option<()> {
    need(b, 112)?;
    let _ = write!(out, "{{d_version={}, d_flags=", b.0[0] as i8);
    write_flags(out, b.0[1].into(), DQBLK_FLAGS, None, "FS_???_QUOTA");
    let _ = write!(
        out,
        ", d_fieldmask={}, d_id={}",
        hex(b.u16(2)?.into()),
        b.u32(4)?
    );
    const LIMITS: [&str; 6] = [
        "d_blk_hardlimit",
        "d_blk_softlimit",
        "d_ino_hardlimit",
        "d_ino_softlimit",
        "d_bcount",
        "d_icount",
    ];
    for (n, name) in LIMITS.iter().enumerate() {
        let _ = write!(out, ", {name}={}", b.u64(8 + 8 * n)?);
    }
    if abbrev {
        out.push_str(", ...}");
        return Some(());
    }
    let _ = write!(
        out,
        ", d_itimer={}, d_btimer={}, d_iwarns={}, d_bwarns={}, d_rtb_hardlimit={}, \
         d_rtb_softlimit={}, d_rtbcount={}, d_rtbtimer={}, d_rtbwarns={}}}",
        b.i32(56)?,
        b.i32(60)?,
        b.u16(64)?,
        b.u16(66)?,
        b.u64(72)?,
        b.u64(80)?,
        b.u64(88)?,
        b.i32(96)?,
        b.u16(100)?,
    );
    Some(())
}

/// `struct fs_qfilestat[v]` at `off`: inode, blocks, extents.
fn filestat(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let _ = write!(
        out,
        "{{qfs_ino={}, qfs_nblks={}, qfs_nextents={}}}",
        b.u64(off)?,
        b.u64(off + 8)?,
        b.u32(off + 16)?
    );
    Some(())
}

/// The version and flags both quota stat structs open with; `None` when `abbrev` has
/// ended the struct there.
fn stat_head(out: &mut String, b: &Bytes, size: usize, abbrev: bool) -> Option<bool> {
    need(b, size)?;
    let _ = write!(out, "{{qs_version={}", b.0[0] as i8);
    if abbrev {
        out.push_str(", ...}");
        return Some(false);
    }
    out.push_str(", qs_flags=");
    write_flags(out, b.u16(2)?.into(), XFS_FLAGS, None, "FS_QUOTA_???");
    Some(true)
}

/// `fs_quota_stat_t` (80 bytes).
fn quota_stat(out: &mut String, b: &Bytes, abbrev: bool) -> Option<()> {
    if !stat_head(out, b, 80, abbrev)? {
        return Some(());
    }
    out.push_str(", qs_uquota=");
    filestat(out, b, 8)?;
    out.push_str(", qs_gquota=");
    filestat(out, b, 32)?;
    let _ = write!(
        out,
        ", qs_incoredqs={}, qs_btimelimit={}, qs_itimelimit={}, qs_rtbtimelimit={}, \
         qs_bwarnlimit={}, qs_iwarnlimit={}}}",
        b.u32(56)?,
        b.i32(60)?,
        b.i32(64)?,
        b.i32(68)?,
        b.u16(72)?,
        b.u16(74)?
    );
    Some(())
}

/// `struct fs_quota_statv` (160 bytes).
fn quota_statv(out: &mut String, b: &Bytes, abbrev: bool) -> Option<()> {
    if !stat_head(out, b, 160, abbrev)? {
        return Some(());
    }
    let _ = write!(out, ", qs_incoredqs={}", b.u32(4)?);
    for (name, off) in [("qs_uquota", 8), ("qs_gquota", 32), ("qs_pquota", 56)] {
        let _ = write!(out, ", {name}=");
        filestat(out, b, off)?;
    }
    let _ = write!(
        out,
        ", qs_btimelimit={}, qs_itimelimit={}, qs_rtbtimelimit={}, qs_bwarnlimit={}, \
         qs_iwarnlimit={}}}",
        b.i32(80)?,
        b.i32(84)?,
        b.i32(88)?,
        b.u16(92)?,
        b.u16(94)?
    );
    Some(())
}

const COMMANDS: Xlat = &[
    (0x1, "Q_V1_QUOTAON"),
    (0x2, "Q_V1_QUOTAOFF"),
    (0x3, "Q_V1_GETQUOTA"),
    (0x4, "Q_V1_SETQUOTA"),
    (0x5, "Q_V1_SETUSE"),
    (0x6, "Q_V1_SYNC"),
    (0x7, "Q_SETQLIM"),
    (0x8, "Q_V1_GETSTATS"),
    (0x10, "Q_V1_RSQUASH"),
    (0xd, "Q_V2_GETQUOTA"),
    (0xe, "Q_V2_SETQUOTA"),
    (0xf, "Q_V2_SETUSE"),
    (0x9, "Q_V2_GETINFO"),
    (0xa, "Q_V2_SETINFO"),
    (0xb, "Q_V2_SETGRACE"),
    (0xc, "Q_V2_SETFLAGS"),
    (0x11, "Q_V2_GETSTATS"),
    (Q_SYNC as u64, "Q_SYNC"),
    (Q_QUOTAON as u64, "Q_QUOTAON"),
    (Q_QUOTAOFF as u64, "Q_QUOTAOFF"),
    (Q_GETFMT as u64, "Q_GETFMT"),
    (Q_GETINFO as u64, "Q_GETINFO"),
    (Q_SETINFO as u64, "Q_SETINFO"),
    (Q_GETQUOTA as u64, "Q_GETQUOTA"),
    (Q_SETQUOTA as u64, "Q_SETQUOTA"),
    (Q_GETNEXTQUOTA as u64, "Q_GETNEXTQUOTA"),
    (Q_XQUOTAON as u64, "Q_XQUOTAON"),
    (Q_XQUOTAOFF as u64, "Q_XQUOTAOFF"),
    (Q_XGETQUOTA as u64, "Q_XGETQUOTA"),
    (Q_XSETQLIM as u64, "Q_XSETQLIM"),
    (Q_XGETQSTAT as u64, "Q_XGETQSTAT"),
    (Q_XQUOTARM as u64, "Q_XQUOTARM"),
    (Q_XQUOTASYNC as u64, "Q_XQUOTASYNC"),
    (Q_XGETQSTATV as u64, "Q_XGETQSTATV"),
    (Q_XGETNEXTQUOTA as u64, "Q_XGETNEXTQUOTA"),
];

const TYPES: Xlat = &[(0, "USRQUOTA"), (1, "GRPQUOTA"), (2, "PRJQUOTA")];

const FORMATS: Xlat = &[
    (1, "QFMT_VFS_OLD"),
    (2, "QFMT_VFS_V0"),
    (3, "QFMT_OCFS2"),
    (4, "QFMT_VFS_V1"),
];

const XFS_FLAGS: Xlat = &[
    (1, "FS_QUOTA_UDQ_ACCT"),
    (2, "FS_QUOTA_UDQ_ENFD"),
    (4, "FS_QUOTA_GDQ_ACCT"),
    (8, "FS_QUOTA_GDQ_ENFD"),
    (0x10, "FS_QUOTA_PDQ_ACCT"),
    (0x20, "FS_QUOTA_PDQ_ENFD"),
];

const DQBLK_FLAGS: Xlat = &[
    (1, "FS_USER_QUOTA"),
    (2, "FS_PROJ_QUOTA"),
    (4, "FS_GROUP_QUOTA"),
];

const DQBLK_VALID: Xlat = &[
    (1, "QIF_BLIMITS"),
    (2, "QIF_SPACE"),
    (4, "QIF_ILIMITS"),
    (8, "QIF_INODES"),
    (0x10, "QIF_BTIME"),
    (0x20, "QIF_ITIME"),
];

const DQINFO_FLAGS: Xlat = &[(1, "DQF_ROOT_SQUASH"), (1 << 16, "DQF_SYS_FILE")];

const DQINFO_VALID: Xlat = &[(1, "IIF_BGRACE"), (2, "IIF_IGRACE"), (4, "IIF_FLAGS")];
