//! Btrfs's requests and the generic ones it shares type 0x94 with, as strace's
//! `btrfs.c` and `fs_0x94_ioctl.c` print them: so far those without arrays or
//! containers behind pointers (a snapshot's qgroup inheritance shows its address) and
//! whose structs the copy holds; the others show their struct's address.

use std::fmt::Write;

use super::xlat::{
    BTRFS_BALANCE_ARGS, BTRFS_BALANCE_CTL_CMDS, BTRFS_BALANCE_FLAGS, BTRFS_BALANCE_STATE,
    BTRFS_COMPRESS_TYPES, BTRFS_DEFRAG_FLAGS, BTRFS_FEATURES_COMPAT, BTRFS_FEATURES_COMPAT_RO,
    BTRFS_FEATURES_INCOMPAT, BTRFS_QGROUP_CTL_CMDS, BTRFS_QGROUP_LIMIT_FLAGS, BTRFS_SCRUB_FLAGS,
    BTRFS_SNAP_FLAGS_V2, BTRFS_SPACE_INFO_FLAGS, BTRFS_TREE_OBJECTIDS,
};
use super::{Ctx, Shape, cstring, need};
use crate::decode::flags::{lookup, styled, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::{write_addr, write_plain_fd};

/// BTRFS_SUBVOL_QGROUP_INHERIT: a snapshot that names its quota groups.
const SUBVOL_QGROUP_INHERIT: u64 = 1 << 2;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // BTRFS_IOC_TRANS_START, TRANS_END, SYNC, SCRUB_CANCEL, QUOTA_RESCAN_WAIT; DEFRAG
        // and BALANCE, whose codes say they take a struct they do not read.
        0x9406 | 0x9407 | 0x9408 | 0x941c | 0x942e | 0x5000_9402 | 0x5000_940c => Shape::None,
        // BTRFS_IOC_BALANCE_CTL
        0x4004_9421 => Shape::Value(|out, v| {
            write_enum(out, v, BTRFS_BALANCE_CTL_CMDS, "BTRFS_BALANCE_CTL_???");
        }),
        // BTRFS_IOC_START_SYNC; DEFAULT_SUBVOL, WAIT_SYNC: a `u64`.
        0x8008_9418 => Shape::Out(u64_value),
        0x4008_9413 | 0x4008_9416 => Shape::In(u64_value),
        // BTRFS_IOC_SUBVOL_GETFLAGS; SUBVOL_SETFLAGS
        0x8008_9419 => Shape::Out(subvol_flags),
        0x4008_941a => Shape::In(subvol_flags),
        // BTRFS_IOC_DEFRAG_RANGE
        0x4030_9410 => Shape::In(|out, b, _| {
            need(b, 48)?;
            let _ = write!(out, "{{start={}, len=", b.u64(0)?);
            u64_max(out, b.u64(8)?);
            out.push_str(", flags=");
            write_flags(
                out,
                b.u64(16)?,
                BTRFS_DEFRAG_FLAGS,
                None,
                "BTRFS_DEFRAG_RANGE_???",
            );
            let _ = write!(out, ", extent_thresh={}, compress_type=", b.u32(24)?);
            write_enum(
                out,
                b.u32(28)?.into(),
                BTRFS_COMPRESS_TYPES,
                "BTRFS_COMPRESS_???",
            );
            out.push('}');
            Some(())
        }),
        // BTRFS_IOC_SNAP_CREATE, RESIZE, SCAN_DEV, FORGET_DEV, ADD_DEV, RM_DEV,
        // SUBVOL_CREATE, SNAP_DESTROY, DEVICES_READY: a descriptor and a name.
        0x5000_9401 | 0x5000_9403 | 0x5000_9404 | 0x5000_9405 | 0x5000_940a | 0x5000_940b
        | 0x5000_940e | 0x5000_940f | 0x9000_9427 => Shape::In(|out, b, ctx| {
            out.push_str("{fd=");
            write_plain_fd(out, ctx.pid, b.u64(0)? as i32, ctx.fds);
            out.push_str(", name=");
            name(out, b, 8, 4088, ctx)?;
            out.push('}');
            Some(())
        }),
        // BTRFS_IOC_SNAP_CREATE_V2, SUBVOL_CREATE_V2: the snapshot, then its
        // transaction.
        0x5000_9417 | 0x5000_9418 => Shape::InOut(
            |out, b, ctx| {
                out.push_str("{fd=");
                write_plain_fd(out, ctx.pid, b.u64(0)? as i32, ctx.fds);
                let flags = b.u64(16)?;
                out.push_str(", flags=");
                write_flags(out, flags, BTRFS_SNAP_FLAGS_V2, None, "BTRFS_SUBVOL_???");
                if flags & SUBVOL_QGROUP_INHERIT != 0 {
                    let _ = write!(out, ", size={}, qgroup_inherit=", b.u64(24)?);
                    write_addr(out, b.u64(32)?);
                }
                out.push_str(", name=");
                name(out, b, 56, 4040, ctx)?;
                out.push('}');
                Some(())
            },
            |out, b, _| {
                let _ = write!(out, "{{transid={}}}", b.u64(8)?);
                Some(())
            },
        ),
        // FICLONERANGE (BTRFS_IOC_CLONE_RANGE)
        0x4020_940d => Shape::In(|out, b, ctx| {
            need(b, 32)?;
            out.push_str("{src_fd=");
            write_plain_fd(out, ctx.pid, b.u64(0)? as i32, ctx.fds);
            let _ = write!(
                out,
                ", src_offset={}, src_length={}, dest_offset={}}}",
                b.u64(8)?,
                b.u64(16)?,
                b.u64(24)?
            );
            Some(())
        }),
        // FS_IOC_GETFSLABEL; FS_IOC_SETFSLABEL
        0x8100_9431 => Shape::Out(label),
        0x4100_9432 => Shape::In(label),
        // BTRFS_IOC_QUOTA_CTL
        0xc010_9428 => Shape::In(|out, b, _| {
            need(b, 16)?;
            out.push_str("{cmd=");
            write_enum(out, b.u64(0)?, BTRFS_QGROUP_CTL_CMDS, "BTRFS_QUOTA_CTL_???");
            out.push('}');
            Some(())
        }),
        // BTRFS_IOC_QGROUP_ASSIGN; QGROUP_CREATE; QGROUP_LIMIT
        0x4018_9429 => Shape::In(|out, b, _| {
            need(b, 24)?;
            let _ = write!(
                out,
                "{{assign={}, src={}, dst={}}}",
                b.u64(0)?,
                b.u64(8)?,
                b.u64(16)?
            );
            Some(())
        }),
        0x4010_942a => Shape::In(|out, b, _| {
            need(b, 16)?;
            let _ = write!(out, "{{create={}, qgroupid={}}}", b.u64(0)?, b.u64(8)?);
            Some(())
        }),
        0x8030_942b => Shape::Out(|out, b, _| {
            need(b, 48)?;
            let _ = write!(out, "{{qgroupid={}, lim=", b.u64(0)?);
            qgroup_limit(out, b, 8)?;
            out.push('}');
            Some(())
        }),
        // BTRFS_IOC_QUOTA_RESCAN; QUOTA_RESCAN_STATUS
        0x4040_942c => Shape::In(|out, b, _| {
            need(b, 64)?;
            let _ = write!(out, "{{flags={}}}", b.u64(0)?);
            Some(())
        }),
        0x8040_942d => Shape::Out(|out, b, _| {
            need(b, 64)?;
            let _ = write!(out, "{{flags={}, progress=", b.u64(0)?);
            objectid(out, b.u64(8)?);
            out.push('}');
            Some(())
        }),
        // BTRFS_IOC_GET_FEATURES; SET_FEATURES (the bits to change, then their values);
        // GET_SUPPORTED_FEATURES.
        0x8018_9439 => Shape::Out(|out, b, _| {
            need(b, 24)?;
            features(out, b, 0)
        }),
        0x4030_9439 => Shape::In(|out, b, _| {
            need(b, 48)?;
            out.push('[');
            features(out, b, 0)?;
            out.push_str(", ");
            features(out, b, 24)?;
            out.push(']');
            Some(())
        }),
        0x8048_9439 => Shape::Out(|out, b, _| {
            need(b, 72)?;
            let notes = ["supported", "safe to set", "safe to clear"];
            out.push('[');
            for (i, note) in notes.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                features(out, b, 24 * i)?;
                let _ = write!(out, " /* {note} */");
            }
            out.push(']');
            Some(())
        }),
        // BTRFS_IOC_BALANCE_V2: what to balance, then its state; BALANCE_PROGRESS.
        0xc400_9420 => Shape::InOut(
            |o, b, _| balance(o, b, false),
            |o, b, _| balance(o, b, true),
        ),
        0x8400_9422 => Shape::Out(|o, b, _| balance(o, b, true)),
        // BTRFS_IOC_SCRUB, SCRUB_PROGRESS: the device (and range), then the progress.
        0xc400_941b | 0xc400_941d => Shape::InOut(
            |out, b, ctx| {
                need(b, 1024)?;
                out.push_str("{devid=");
                crate::decode::structs::write_makedev(out, b.u64(0)?);
                if ctx.request == 0xc400_941b {
                    let _ = write!(out, ", start={}, end=", b.u64(8)?);
                    u64_max(out, b.u64(16)?);
                    out.push_str(", flags=");
                    write_flags(out, b.u64(24)?, BTRFS_SCRUB_FLAGS, None, "BTRFS_SCRUB_???");
                }
                out.push('}');
                Some(())
            },
            |out, b, _| {
                need(b, 1024)?;
                const FIELDS: [&str; 15] = [
                    "data_extents_scrubbed",
                    "tree_extents_scrubbed",
                    "data_bytes_scrubbed",
                    "tree_bytes_scrubbed",
                    "read_errors",
                    "csum_errors",
                    "verify_errors",
                    "no_csum",
                    "csum_discards",
                    "super_errors",
                    "malloc_errors",
                    "uncorrectable_errors",
                    "corrected_errors",
                    "last_physical",
                    "unverified_errors",
                ];
                out.push_str("{progress={");
                for (i, name) in FIELDS.iter().enumerate() {
                    let sep = if i > 0 { ", " } else { "" };
                    let _ = write!(out, "{sep}{name}={}", b.u64(32 + 8 * i)?);
                }
                out.push_str("}}");
                Some(())
            },
        ),
        // Not decoded yet (devices, inode lookups, received subvolumes, tree searches,
        // send, space): the struct's address, as strace shows one it cannot read.
        0xd000_941e | 0xca28_9435 | 0x8400_941f | 0xc408_9434 | 0xd000_9412 | 0xc038_9423
        | 0xc038_9424 | 0xc0c8_9425 | 0xd000_9411 | 0xc070_9411 | 0x4048_9426 | 0xc010_9414 => {
            Shape::Addr
        }
        _ => return None,
    })
}

/// `[N]`: a `u64` the kernel reads or writes.
fn u64_value(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let _ = write!(out, "[{}]", b.u64(0)?);
    Some(())
}

fn subvol_flags(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    write_flags(
        out,
        b.u64(0)?,
        BTRFS_SNAP_FLAGS_V2,
        None,
        "BTRFS_SUBVOL_???",
    );
    Some(())
}

/// strace's `PRINT_FIELD_U64`: `UINT64_MAX` by name.
fn u64_max(out: &mut String, v: u64) {
    match v {
        u64::MAX => styled(out, &v.to_string(), |o| o.push_str("UINT64_MAX")),
        _ => {
            let _ = write!(out, "{v}");
        }
    }
}

/// strace's `btrfs_print_objectid`: a tree's object id by name, else the number.
fn objectid(out: &mut String, v: u64) {
    match lookup(BTRFS_TREE_OBJECTIDS, v) {
        Some(name) => styled(out, &v.to_string(), |o| o.push_str(name)),
        None => {
            let _ = write!(out, "{v}");
        }
    }
}

/// A name of at most `len` bytes at `off`, as long as the copy holds it (a name
/// longer than the copy, which holds at most the request's first 1280 bytes, ends in
/// `...`).
fn name(out: &mut String, b: &Bytes, off: usize, len: usize, ctx: &Ctx) -> Option<()> {
    let held = b.0.len().checked_sub(off)?.min(len);
    cstring(out, b, off, held, ctx)
}

/// `FSLABEL_MAX` bytes up to their NUL.
fn label(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 256)?;
    cstring(out, b, 0, 256, ctx)
}

fn qgroup_limit(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    out.push_str("{flags=");
    write_flags(
        out,
        b.u64(off)?,
        BTRFS_QGROUP_LIMIT_FLAGS,
        None,
        "BTRFS_QGROUP_LIMIT_???",
    );
    let _ = write!(
        out,
        ", max_rfer={}, max_excl={}, rsv_rfer={}, rsv_excl={}}}",
        b.u64(off + 8)?,
        b.u64(off + 16)?,
        b.u64(off + 24)?,
        b.u64(off + 32)?
    );
    Some(())
}

/// `struct btrfs_ioctl_feature_flags` at `off`.
fn features(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    out.push_str("{compat_flags=");
    write_flags(
        out,
        b.u64(off)?,
        BTRFS_FEATURES_COMPAT,
        None,
        "BTRFS_FEATURE_COMPAT_???",
    );
    out.push_str(", compat_ro_flags=");
    write_flags(
        out,
        b.u64(off + 8)?,
        BTRFS_FEATURES_COMPAT_RO,
        None,
        "BTRFS_FEATURE_COMPAT_RO_???",
    );
    out.push_str(", incompat_flags=");
    write_flags(
        out,
        b.u64(off + 16)?,
        BTRFS_FEATURES_INCOMPAT,
        None,
        "BTRFS_FEATURE_INCOMPAT_???",
    );
    out.push('}');
    Some(())
}

/// `struct btrfs_ioctl_balance_args`: its flags, the state (`out`: what the kernel
/// wrote), and the filters of the chunk types the flags name.
fn balance(out: &mut String, b: &Bytes, state: bool) -> Option<()> {
    const DATA: u64 = 1;
    const SYSTEM: u64 = 2;
    const METADATA: u64 = 4;
    need(b, 1024)?;
    let flags = b.u64(0)?;
    out.push_str("{flags=");
    write_flags(out, flags, BTRFS_BALANCE_FLAGS, None, "BTRFS_BALANCE_???");
    if state {
        out.push_str(", state=");
        write_flags(
            out,
            b.u64(8)?,
            BTRFS_BALANCE_STATE,
            None,
            "BTRFS_BALANCE_STATE_???",
        );
    }
    for (bit, name, at) in [
        (DATA, "data", 16),
        (METADATA, "meta", 152),
        (SYSTEM, "sys", 288),
    ] {
        if flags & bit == 0 {
            continue;
        }
        let _ = write!(out, ", {name}={{profiles=");
        write_flags(
            out,
            b.u64(at)?,
            BTRFS_SPACE_INFO_FLAGS,
            None,
            "BTRFS_BLOCK_GROUP_???",
        );
        out.push_str(", usage=");
        u64_max(out, b.u64(at + 8)?);
        out.push_str(", devid=");
        crate::decode::structs::write_makedev(out, b.u64(at + 16)?);
        for (i, field) in ["pstart", "pend", "vstart", "vend", "target"]
            .iter()
            .enumerate()
        {
            let _ = write!(out, ", {field}=");
            u64_max(out, b.u64(at + 24 + 8 * i)?);
        }
        out.push_str(", flags=");
        write_flags(
            out,
            b.u64(at + 64)?,
            BTRFS_BALANCE_ARGS,
            None,
            "BTRFS_BALANCE_ARGS_???",
        );
        out.push('}');
    }
    out.push('}');
    Some(())
}
