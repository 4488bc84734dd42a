//! Btrfs's requests and the generic ones it shares type 0x94 with, as strace's
//! `btrfs.c` and `fs_0x94_ioctl.c` print them. Structs longer than the plan copies
//! (volume names, device paths) and what pointers in them point at (a snapshot's
//! qgroup inheritance, send's clone sources, the inode containers) are printed where
//! they were copied ([`derefs`]), else as far as the copy goes or their addresses.

use std::fmt::Write;

use super::xlat::{
    BTRFS_BALANCE_ARGS, BTRFS_BALANCE_CTL_CMDS, BTRFS_BALANCE_FLAGS, BTRFS_BALANCE_STATE,
    BTRFS_COMPRESS_TYPES, BTRFS_DEFRAG_FLAGS, BTRFS_FEATURES_COMPAT, BTRFS_FEATURES_COMPAT_RO,
    BTRFS_FEATURES_INCOMPAT, BTRFS_QGROUP_CTL_CMDS, BTRFS_QGROUP_LIMIT_FLAGS, BTRFS_SCRUB_FLAGS,
    BTRFS_SNAP_FLAGS_V2, BTRFS_SPACE_INFO_FLAGS, BTRFS_TREE_OBJECTIDS,
};
use super::xlat::{
    BTRFS_CONT_READING_FROM_SRCDEV_MODE, BTRFS_DEV_REPLACE_CMDS, BTRFS_DEV_REPLACE_RESULTS,
    BTRFS_DEV_REPLACE_STATE, BTRFS_DEV_STATS_FLAGS, BTRFS_DEV_STATS_VALUES, BTRFS_KEY_TYPES,
    BTRFS_LOGICAL_INO_ARGS_FLAGS, BTRFS_QGROUP_INHERIT_FLAGS, BTRFS_SEND_FLAGS,
};
use super::{Ctx, Mem, Shape, Want, Where, cstring, mem_array, need};
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
                    qgroup_inherit(out, b.u64(32)?, ctx);
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
        // BTRFS_IOC_FS_INFO: not decoded yet.
        0x8400_941f => Shape::Addr,
        // BTRFS_IOC_TREE_SEARCH, TREE_SEARCH_V2: the key, then what was found.
        TREE_SEARCH | TREE_SEARCH_V2 => Shape::InOut(search_in, search_out),
        // BTRFS_IOC_INO_LOOKUP: the tree and object, then the path.
        INO_LOOKUP => Shape::InOut(
            |out, b, _| {
                need(b, 16)?;
                out.push_str("{treeid=");
                objectid(out, b.u64(0)?);
                out.push_str(", objectid=");
                objectid(out, b.u64(8)?);
                out.push('}');
                Some(())
            },
            |out, b, ctx| {
                need(b, 4096)?;
                out.push('{');
                // The containing root's id, when the caller asked for it with 0.
                if Bytes(ctx.entry).u64(0) == Some(0) {
                    out.push_str("treeid=");
                    objectid(out, b.u64(0)?);
                    out.push_str(", ");
                }
                out.push_str("name=");
                cstring(out, b, 16, 4080, ctx)?;
                out.push('}');
                Some(())
            },
        ),
        // BTRFS_IOC_SPACE_INFO: the room, then the spaces.
        SPACE_INFO => Shape::InOut(
            |out, b, _| {
                let _ = write!(out, "{{space_slots={}}}", b.u64(0)?);
                Some(())
            },
            |out, b, ctx| {
                need(b, 16)?;
                let total = b.u64(8)?;
                let _ = write!(out, "{{total_spaces={total}");
                if b.u64(0)? == 0 && total != 0 {
                } else if ctx.opts.abbreviate {
                    out.push_str(", ...");
                } else {
                    out.push_str(", spaces=");
                    super::held_array(out, b, 16, 24, total as usize, false, ctx, |out, e| {
                        out.push_str("{flags=");
                        write_flags(
                            out,
                            e.u64(0)?,
                            BTRFS_SPACE_INFO_FLAGS,
                            None,
                            "BTRFS_SPACE_INFO_???",
                        );
                        let _ = write!(
                            out,
                            ", total_bytes={}, used_bytes={}}}",
                            e.u64(8)?,
                            e.u64(16)?
                        );
                        Some(())
                    });
                }
                out.push('}');
                Some(())
            },
        ),
        // BTRFS_IOC_DEV_INFO: the device, then its sizes and path.
        DEV_INFO => Shape::InOut(
            |out, b, _| {
                need(b, 24)?;
                out.push_str("{devid=");
                crate::decode::structs::write_makedev(out, b.u64(0)?);
                if !super::zero_u32s(b, 8, 4) {
                    out.push_str(", uuid=");
                    uuid(out, b, 8)?;
                }
                out.push('}');
                Some(())
            },
            |out, b, ctx| {
                need(b, 4096)?;
                out.push('{');
                if !super::zero_u32s(b, 8, 4) {
                    out.push_str("uuid=");
                    uuid(out, b, 8)?;
                    out.push_str(", ");
                }
                let _ = write!(
                    out,
                    "bytes_used={}, total_bytes={}, path=",
                    b.u64(24)?,
                    b.u64(32)?
                );
                cstring(out, b, 3072, 1024, ctx)?;
                out.push('}');
                Some(())
            },
        ),
        // BTRFS_IOC_INO_PATHS, LOGICAL_INO: the inode or address, then the container
        // of what the kernel found.
        INO_PATHS => Shape::InOut(
            |out, b, _| {
                need(b, 56)?;
                let _ = write!(out, "{{inum={}, size={}, fspath=", b.u64(0)?, b.u64(8)?);
                write_addr(out, b.u64(48)?);
                out.push('}');
                Some(())
            },
            |out, b, ctx| {
                out.push_str("{fspath=");
                container(out, b.u64(48)?, false, ctx);
                out.push('}');
                Some(())
            },
        ),
        LOGICAL_INO => Shape::InOut(
            |out, b, _| {
                need(b, 56)?;
                let _ = write!(out, "{{logical={}, size={}", b.u64(0)?, b.u64(8)?);
                if !super::zero_u32s(b, 16, 6) {
                    out.push_str(", reserved=");
                    super::hex_u64s(out, b, 16, 3)?;
                }
                out.push_str(", flags=");
                write_flags(
                    out,
                    b.u64(40)?,
                    BTRFS_LOGICAL_INO_ARGS_FLAGS,
                    None,
                    "BTRFS_LOGICAL_INO_ARGS_???",
                );
                out.push_str(", inodes=");
                write_addr(out, b.u64(48)?);
                out.push('}');
                Some(())
            },
            |out, b, ctx| {
                out.push_str("{inodes=");
                container(out, b.u64(48)?, true, ctx);
                out.push('}');
                Some(())
            },
        ),
        // BTRFS_IOC_SET_RECEIVED_SUBVOL: the sent subvolume, then the received one.
        0xc0c8_9425 => Shape::InOut(
            |out, b, _| {
                need(b, 200)?;
                out.push_str("{uuid=");
                uuid(out, b, 0)?;
                let _ = write!(out, ", stransid={}, stime=", b.u64(16)?);
                timespec(out, b, 32)?;
                let _ = write!(out, ", flags={}}}", b.u64(64)?);
                Some(())
            },
            |out, b, _| {
                need(b, 200)?;
                let _ = write!(out, "{{rtransid={}, rtime=", b.u64(24)?);
                timespec(out, b, 48)?;
                out.push('}');
                Some(())
            },
        ),
        // BTRFS_IOC_SEND
        SEND => Shape::In(|out, b, ctx| {
            need(b, 72)?;
            out.push_str("{send_fd=");
            write_plain_fd(out, ctx.pid, b.u64(0)? as i32, ctx.fds);
            let (count, sources) = (b.u64(8)?, b.u64(16)?);
            let _ = write!(out, ", clone_sources_count={count}, clone_sources=");
            if ctx.opts.abbreviate {
                write_addr(out, sources);
            } else {
                mem_array(out, sources, 8, count as usize, ctx, |out, e| {
                    objectid(out, e.u64(0)?);
                    Some(())
                });
            }
            out.push_str(", parent_root=");
            objectid(out, b.u64(24)?);
            out.push_str(", flags=");
            write_flags(
                out,
                b.u64(32)?,
                BTRFS_SEND_FLAGS,
                None,
                "BTRFS_SEND_FLAGS_???",
            );
            out.push('}');
            Some(())
        }),
        // BTRFS_IOC_GET_DEV_STATS: the device, then its statistics.
        0xc408_9434 => Shape::InOut(
            |out, b, _| {
                need(b, 24)?;
                out.push_str("{devid=");
                crate::decode::structs::write_makedev(out, b.u64(0)?);
                out.push_str(", ");
                dev_stats_head(out, b)?;
                out.push('}');
                Some(())
            },
            |out, b, _| {
                need(b, 1032)?;
                out.push('{');
                dev_stats_head(out, b)?;
                out.push_str(", [");
                for i in 0..b.u64(8)? {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if i >= 5 {
                        out.push_str("...");
                        break;
                    }
                    out.push('[');
                    write_enum(out, i, BTRFS_DEV_STATS_VALUES, "");
                    let _ = write!(out, "] = {}", b.u64(24 + 8 * i as usize)?);
                }
                out.push_str("]}");
                Some(())
            },
        ),
        // BTRFS_IOC_DEV_REPLACE: the command (and a start's devices), then the result.
        DEV_REPLACE => Shape::InOut(
            |out, b, ctx| {
                need(b, 2082)?;
                let cmd = b.u64(0)?;
                out.push_str("{cmd=");
                write_enum(
                    out,
                    cmd,
                    BTRFS_DEV_REPLACE_CMDS,
                    "BTRFS_IOCTL_DEV_REPLACE_CMD_???",
                );
                // BTRFS_IOCTL_DEV_REPLACE_CMD_START
                if cmd == 0 {
                    out.push_str(", start={srcdevid=");
                    crate::decode::structs::write_makedev(out, b.u64(16)?);
                    out.push_str(", cont_reading_from_srcdev_mode=");
                    write_enum(
                        out,
                        b.u64(24)?,
                        BTRFS_CONT_READING_FROM_SRCDEV_MODE,
                        "BTRFS_IOCTL_DEV_REPLACE_CONT_READING_FROM_SRCDEV_MODE_???",
                    );
                    out.push_str(", srcdev_name=");
                    cstring(out, b, 32, 1025, ctx)?;
                    out.push_str(", tgtdev_name=");
                    cstring(out, b, 32 + 1025, 1025, ctx)?;
                    out.push('}');
                }
                out.push('}');
                Some(())
            },
            |out, b, _| {
                need(b, 64)?;
                out.push_str("{result=");
                write_enum(
                    out,
                    b.u64(8)?,
                    BTRFS_DEV_REPLACE_RESULTS,
                    "BTRFS_IOCTL_DEV_REPLACE_RESULT_???",
                );
                // BTRFS_IOCTL_DEV_REPLACE_CMD_STATUS
                if b.u64(0)? == 1 {
                    out.push_str(", status={replace_state=");
                    write_enum(
                        out,
                        b.u64(16)?,
                        BTRFS_DEV_REPLACE_STATE,
                        "BTRFS_IOCTL_DEV_REPLACE_STATE_???",
                    );
                    let progress = b.u64(24)?;
                    let _ = write!(out, ", progress_1000={progress}");
                    if progress <= 1000 {
                        let _ = write!(out, " /* {}.{}% */", progress / 10, progress % 10);
                    }
                    for (name, at) in [("time_started", 32), ("time_stopped", 40)] {
                        let t = b.u64(at)?;
                        let _ = write!(out, ", {name}={t}");
                        crate::decode::structs::write_time_comment(out, t as i64, 0);
                    }
                    let _ = write!(
                        out,
                        ", num_write_errors={}, num_uncorrectable_read_errors={}}}",
                        b.u64(48)?,
                        b.u64(56)?
                    );
                }
                out.push('}');
                Some(())
            },
        ),
        // FIDEDUPERANGE (BTRFS_IOC_FILE_EXTENT_SAME): the source and the destinations,
        // then what each deduplicated.
        DEDUPE_RANGE => Shape::Then(
            |out, b, ctx| {
                need(b, 24)?;
                let _ = write!(
                    out,
                    "{{src_offset={}, src_length={}, dest_count={}, info=",
                    b.u64(0)?,
                    b.u64(8)?,
                    b.u16(16)?
                );
                dedupe_info(out, b, true, ctx);
                out.push('}');
                Some(())
            },
            |out, b, ctx| {
                // Only when the entry printed every destination.
                let entry = Bytes(ctx.entry);
                if !dedupe_info(&mut String::new(), &entry, true, &ctx.at_entry()) {
                    return None;
                }
                out.push_str(" => {info=");
                dedupe_info(out, b, false, ctx);
                out.push('}');
                Some(())
            },
        ),
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

const TREE_SEARCH: u32 = 0xd000_9411;
const TREE_SEARCH_V2: u32 = 0xc070_9411;
const INO_LOOKUP: u32 = 0xd000_9412;
const SPACE_INFO: u32 = 0xc010_9414;
const DEV_INFO: u32 = 0xd000_941e;
const INO_PATHS: u32 = 0xc038_9423;
const LOGICAL_INO: u32 = 0xc038_9424;
const SEND: u32 = 0x4048_9426;
const DEV_REPLACE: u32 = 0xca28_9435;
const DEDUPE_RANGE: u32 = 0xc018_9436;
/// `struct btrfs_ioctl_search_key`, before TREE_SEARCH_V2's `buf_size`.
const SEARCH_KEY: usize = 104;
/// `struct btrfs_qgroup_inherit` before its `qgroups`.
const QGROUP_INHERIT: usize = 72;
/// `struct btrfs_data_container` before its values.
const CONTAINER: usize = 16;

/// A 16-byte UUID at `off`, as strace's `print_uuid`.
fn uuid(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    for (n, c) in b.0.get(off..off + 16)?.iter().enumerate() {
        if matches!(n, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{c:02x}");
    }
    Some(())
}

/// `struct btrfs_ioctl_timespec` at `off`, and the time it is.
fn timespec(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let (sec, nsec) = (b.u64(off)?, b.u32(off + 8)?);
    let _ = write!(out, "{{sec={sec}, nsec={nsec}}}");
    crate::decode::structs::write_time_comment(out, sec as i64, nsec.into());
    Some(())
}

/// strace's `btrfs_print_key_type`: a key type by name, else the number.
fn key_type(out: &mut String, v: u32) {
    match lookup(BTRFS_KEY_TYPES, v.into()) {
        Some(name) => styled(out, &v.to_string(), |o| o.push_str(name)),
        None => {
            let _ = write!(out, "{v}");
        }
    }
}

/// The search key at entry: what to look for (the object ids strace takes for granted
/// left out unless `-v`).
fn search_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    const FIRST_FREE_OBJECTID: u64 = 256;
    const LAST_FREE_OBJECTID: u64 = -256i64 as u64;
    need(b, SEARCH_KEY)?;
    out.push_str("{key={tree_id=");
    objectid(out, b.u64(0)?);
    let verbose = !ctx.opts.abbreviate;
    if b.u64(8)? != FIRST_FREE_OBJECTID || verbose {
        out.push_str(", min_objectid=");
        objectid(out, b.u64(8)?);
    }
    if b.u64(16)? != LAST_FREE_OBJECTID || verbose {
        out.push_str(", max_objectid=");
        objectid(out, b.u64(16)?);
    }
    for (name, at) in [
        ("min_offset", 24),
        ("max_offset", 32),
        ("min_transid", 40),
        ("max_transid", 48),
    ] {
        let _ = write!(out, ", {name}=");
        u64_max(out, b.u64(at)?);
    }
    out.push_str(", min_type=");
    key_type(out, b.u32(56)?);
    out.push_str(", max_type=");
    key_type(out, b.u32(60)?);
    let _ = write!(out, ", nr_items={}}}", b.u32(64)?);
    if ctx.request == TREE_SEARCH_V2 {
        let _ = write!(out, ", buf_size={}", b.u64(SEARCH_KEY)?);
    }
    out.push('}');
    Some(())
}

/// What a search found: how many items, and (`-v`) their headers.
fn search_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, SEARCH_KEY)?;
    let items = b.u32(64)?;
    let _ = write!(out, "{{key={{nr_items={items}}}");
    let (buf, size) = match ctx.request {
        TREE_SEARCH => (SEARCH_KEY, 4096 - SEARCH_KEY as u64),
        _ => (SEARCH_KEY + 8, b.u64(SEARCH_KEY)?),
    };
    if ctx.request == TREE_SEARCH_V2 {
        let _ = write!(out, ", buf_size={size}");
    }
    if ctx.opts.abbreviate {
        out.push_str(", ...}");
        return Some(());
    }
    out.push_str(", buf=[");
    let mut off = 0u64;
    for i in 0..items {
        if i > 0 {
            out.push_str(", ");
        }
        // A `struct btrfs_ioctl_search_header` each, then its item.
        if off + 32 > size || i as usize > ctx.opts.string_limit {
            out.push_str("...");
            break;
        }
        let at = buf + off as usize;
        let Some(h) = b.0.get(at..at + 32).map(Bytes) else {
            let _ = write!(out, "... /* {:#x} */", ctx.addr + at as u64);
            break;
        };
        let _ = write!(out, "{{transid={}, objectid=", h.u64(0)?);
        objectid(out, h.u64(8)?);
        let _ = write!(out, ", offset={}, type=", h.u64(16)?);
        key_type(out, h.u32(24)?);
        let len = h.u32(28)?;
        let _ = write!(out, ", len={len}}}");
        off += 32 + u64::from(len);
    }
    out.push_str("]}");
    Some(())
}

/// `struct btrfs_qgroup_inherit` behind a pointer: its limits, and (`-v`) its groups.
fn qgroup_inherit(out: &mut String, addr: u64, ctx: &Ctx) {
    let Some(b) = ctx
        .mem
        .get(addr)
        .filter(|d| d.len() >= QGROUP_INHERIT && addr != 0)
        .map(Bytes)
    else {
        return write_addr(out, addr);
    };
    let text = (|| {
        let mut out = String::from("{flags=");
        write_flags(
            &mut out,
            b.u64(0)?,
            BTRFS_QGROUP_INHERIT_FLAGS,
            None,
            "BTRFS_QGROUP_INHERIT_???",
        );
        let _ = write!(
            out,
            ", num_qgroups={}, num_ref_copies={}, num_excl_copies={}, lim=",
            b.u64(8)?,
            b.u64(16)?,
            b.u64(24)?
        );
        qgroup_limit(&mut out, &b, 32)?;
        if ctx.opts.abbreviate {
            out.push_str(", ...");
        } else {
            out.push_str(", qgroups=");
            let held = b.0.get(QGROUP_INHERIT..).unwrap_or_default();
            let at = addr + QGROUP_INHERIT as u64;
            super::print_array(
                &mut out,
                at,
                held,
                8,
                b.u64(8)? as usize,
                false,
                ctx,
                |o, e| {
                    let _ = write!(o, "{}", e.u64(0)?);
                    Some(())
                },
            );
        }
        out.push('}');
        Some(out)
    })();
    match text {
        Some(text) => out.push_str(&text),
        None => write_addr(out, addr),
    }
}

/// `struct btrfs_data_container` behind a pointer: its counts, and (`-v`) its values:
/// LOGICAL_INO's (inode, offset, root) triples, INO_PATHS' paths' offsets.
fn container(out: &mut String, addr: u64, triples: bool, ctx: &Ctx) {
    let Some(b) = ctx
        .mem
        .get(addr)
        .filter(|d| d.len() >= CONTAINER && addr != 0)
        .map(Bytes)
    else {
        return write_addr(out, addr);
    };
    let (Some(left), Some(missing), Some(count), Some(missed)) =
        (b.u32(0), b.u32(4), b.u32(8), b.u32(12))
    else {
        return write_addr(out, addr);
    };
    let _ = write!(
        out,
        "{{bytes_left={left}, bytes_missing={missing}, elem_cnt={count}, elem_missed={missed}"
    );
    let val = addr + CONTAINER as u64;
    let held = b.0.get(CONTAINER..).unwrap_or_default();
    if ctx.opts.abbreviate {
        out.push_str(", ...");
    } else if triples {
        out.push_str(", val=");
        super::print_array(
            out,
            val,
            held,
            24,
            count as usize / 3,
            false,
            ctx,
            |o, e| {
                let _ = write!(
                    o,
                    "{{inum={}, offset={}, root={}}}",
                    e.u64(0)?,
                    e.u64(8)?,
                    e.u64(16)?
                );
                Some(())
            },
        );
    } else {
        // (strace prints each path; their offsets are all this copy holds.)
        out.push_str(", val=");
        super::print_array(out, val, held, 8, count as usize, false, ctx, |o, e| {
            write_addr(o, val + e.u64(0)?);
            Some(())
        });
    }
    out.push('}');
}

/// GET_DEV_STATS' count and flags.
fn dev_stats_head(out: &mut String, b: &Bytes) -> Option<()> {
    let _ = write!(out, "nr_items={}, flags=", b.u64(8)?);
    write_flags(
        out,
        b.u64(16)?,
        BTRFS_DEV_STATS_FLAGS,
        None,
        "BTRFS_DEV_STATS_???",
    );
    Some(())
}

/// FIDEDUPERANGE's destinations after its header (`entering`: which, else what each
/// deduplicated), two of them unless `-v`; whether all were printed (strace's
/// `print_array`'s result).
fn dedupe_info(out: &mut String, b: &Bytes, entering: bool, ctx: &Ctx) -> bool {
    let Some(count) = b.u16(16) else {
        return false;
    };
    let limit = if ctx.opts.abbreviate && count > 2 {
        2
    } else {
        usize::MAX
    };
    let mut n = 0;
    let held = b.0.get(24..).unwrap_or_default();
    super::print_array(
        out,
        ctx.addr + 24,
        held,
        32,
        count.into(),
        false,
        ctx,
        |o, e| {
            if n == limit {
                o.push_str("...");
                return None;
            }
            n += 1;
            if entering {
                o.push_str("{dest_fd=");
                write_plain_fd(o, ctx.pid, e.u64(0)? as i32, ctx.fds);
                let _ = write!(o, ", dest_offset={}}}", e.u64(8)?);
            } else {
                let _ = write!(o, "{{bytes_deduped={}, status={}}}", e.u64(16)?, e.i32(24)?);
            }
            Some(())
        },
    )
}

/// What the btrfs decoders print beyond the plan's copy of the struct: the whole
/// struct when it is longer (volume names, device paths), and what pointers in it
/// point at.
pub(super) fn derefs(at: &Where, b: &Bytes, mem: &Mem) -> Vec<Want> {
    let mut wants = Vec::new();
    match at.request {
        // A `struct btrfs_ioctl_vol_args` (BTRFS_IOC_SNAP_CREATE and the others that
        // take a name); `btrfs_ioctl_vol_args_v2`, and its qgroup inheritance.
        0x5000_9401 | 0x5000_9403 | 0x5000_9404 | 0x5000_9405 | 0x5000_940a | 0x5000_940b
        | 0x5000_940e | 0x5000_940f | 0x9000_9427 => wants.push((at.addr, 4096)),
        0x5000_9417 | 0x5000_9418 => {
            wants.push((at.addr, 4096));
            if let (Some(flags), Some(ptr)) = (b.u64(16), b.u64(32))
                && flags & SUBVOL_QGROUP_INHERIT != 0
            {
                // The header first, then as many groups as it says.
                let groups = mem.get(ptr).and_then(|d| Bytes(d).u64(8));
                let len = groups.map_or(QGROUP_INHERIT, |n| {
                    QGROUP_INHERIT + 8 * n.min(1 << 13) as usize
                });
                wants.push((ptr, len));
            }
        }
        TREE_SEARCH | INO_LOOKUP | DEV_INFO => wants.push((at.addr, 4096)),
        TREE_SEARCH_V2 => {
            let size = b.u64(SEARCH_KEY).unwrap_or(0).min(1 << 16) as usize;
            wants.push((at.addr, SEARCH_KEY + 8 + size));
        }
        DEV_REPLACE => wants.push((at.addr, 2600)),
        SPACE_INFO => {
            let total = b.u64(8).unwrap_or(0).min(1 << 12) as usize;
            wants.push((at.addr, 16 + 24 * total));
        }
        DEDUPE_RANGE => {
            let count = b.u16(16).unwrap_or(0) as usize;
            wants.push((at.addr, 24 + 32 * count));
        }
        SEND => {
            if let (Some(count), Some(ptr)) = (b.u64(8), b.u64(16)) {
                wants.push((ptr, 8 * count.min(1 << 13) as usize));
            }
        }
        INO_PATHS | LOGICAL_INO if at.exit => {
            if let (Some(size), Some(ptr)) = (b.u64(8), b.u64(48)) {
                wants.push((ptr, size.max(CONTAINER as u64) as usize));
            }
        }
        _ => {}
    }
    wants
}
