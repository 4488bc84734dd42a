//! Loop devices' requests (type `L`), as strace's `loop.c` prints them: the status
//! structs (old and 64-bit), the configuration, descriptors and numbers.

use std::fmt::Write;

use super::{Ctx, Shape, cstring, need};
use crate::decode::flags::{Xlat, write_enum, write_flags};
use crate::decode::strings::quote;
use crate::decode::structs::{Bytes, write_makedev};
use crate::decode::write_hex;

/// The encryption key's bytes (`LO_KEY_SIZE`).
const KEY_SIZE: u32 = 32;
const LO_CRYPT_NONE: u32 = 0;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // LOOP_SET_FD, LOOP_CHANGE_FD: a descriptor.
        0x4c00 | 0x4c06 => Shape::Fd,
        // LOOP_CLR_FD, LOOP_SET_CAPACITY, LOOP_CTL_GET_FREE
        0x4c01 | 0x4c07 | 0x4c82 => Shape::None,
        // LOOP_SET_STATUS, LOOP_GET_STATUS
        0x4c02 => Shape::In(info),
        0x4c03 => Shape::Out(info),
        // LOOP_SET_STATUS64, LOOP_GET_STATUS64
        0x4c04 => Shape::In(|out, b, ctx| {
            need(b, 232)?;
            info64(out, b, 0, ctx)
        }),
        0x4c05 => Shape::Out(|out, b, ctx| {
            need(b, 232)?;
            info64(out, b, 0, ctx)
        }),
        // LOOP_CONFIGURE
        0x4c0a => Shape::In(config),
        // LOOP_SET_DIRECT_IO, LOOP_SET_BLOCK_SIZE
        0x4c08 | 0x4c09 => Shape::Ulong,
        // LOOP_CTL_ADD, LOOP_CTL_REMOVE
        0x4c80 | 0x4c81 => Shape::Int,
        _ => return None,
    })
}

/// `lo_encrypt_key`: as many of its 32 bytes as its size says.
fn key(out: &mut String, b: &Bytes, off: usize, size: u32, ctx: &Ctx) -> Option<()> {
    let n = size.min(KEY_SIZE) as usize;
    quote(out, b.0.get(off..off + n)?, ctx.opts.hex, false);
    Some(())
}

/// `[0x1, 0x2]`: `count` 64-bit words in hex.
fn words(out: &mut String, b: &Bytes, off: usize, count: usize) -> Option<()> {
    out.push('[');
    for n in 0..count {
        if n > 0 {
            out.push_str(", ");
        }
        write_hex(out, b.u64(off + 8 * n)?);
    }
    out.push(']');
    Some(())
}

/// The old `struct loop_info` (168 bytes).
fn info(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 168)?;
    let full = !ctx.opts.abbreviate;
    let crypt = b.u32(36)?;
    let _ = write!(out, "{{lo_number={}", b.i32(0)?);
    if full {
        out.push_str(", lo_device=");
        write_makedev(out, b.u64(8)?);
        let _ = write!(out, ", lo_inode={}, lo_rdevice=", b.u64(16)?);
        write_makedev(out, b.u64(24)?);
    }
    out.push_str(", lo_offset=");
    write_hex(out, b.u32(32)?.into());
    if full || crypt != LO_CRYPT_NONE {
        out.push_str(", lo_encrypt_type=");
        write_enum(out, crypt.into(), CRYPT_TYPES, "LO_CRYPT_???");
        let _ = write!(out, ", lo_encrypt_key_size={}", b.u32(40)?);
    }
    out.push_str(", lo_flags=");
    write_flags(out, b.u32(44)?.into(), FLAGS, None, "LO_FLAGS_???");
    out.push_str(", lo_name=");
    cstring(out, b, 48, 64, ctx)?;
    if full || crypt != LO_CRYPT_NONE {
        out.push_str(", lo_encrypt_key=");
        key(out, b, 112, b.u32(40)?, ctx)?;
    }
    if full {
        out.push_str(", lo_init=");
        words(out, b, 144, 2)?;
        out.push_str(", reserved=[");
        for n in 0..4 {
            if n > 0 {
                out.push_str(", ");
            }
            write_hex(out, b.0[160 + n].into());
        }
        out.push_str("]}");
    } else {
        out.push_str(", ...}");
    }
    Some(())
}

/// `struct loop_info64` (232 bytes) at `off`.
fn info64(out: &mut String, b: &Bytes, off: usize, ctx: &Ctx) -> Option<()> {
    let full = !ctx.opts.abbreviate;
    let crypt = b.u32(off + 44)?;
    out.push('{');
    if full {
        out.push_str("lo_device=");
        write_makedev(out, b.u64(off)?);
        let _ = write!(out, ", lo_inode={}, lo_rdevice=", b.u64(off + 8)?);
        write_makedev(out, b.u64(off + 16)?);
        out.push_str(", lo_offset=");
        write_hex(out, b.u64(off + 24)?);
        let _ = write!(out, ", lo_sizelimit={}", b.u64(off + 32)?);
    } else {
        out.push_str("lo_offset=");
        write_hex(out, b.u64(off + 24)?);
    }
    let _ = write!(out, ", lo_number={}", b.u32(off + 40)?);
    if full || crypt != LO_CRYPT_NONE {
        out.push_str(", lo_encrypt_type=");
        write_enum(out, crypt.into(), CRYPT_TYPES, "LO_CRYPT_???");
        let _ = write!(out, ", lo_encrypt_key_size={}", b.u32(off + 48)?);
    }
    out.push_str(", lo_flags=");
    write_flags(out, b.u32(off + 52)?.into(), FLAGS, None, "LO_FLAGS_???");
    out.push_str(", lo_file_name=");
    cstring(out, b, off + 56, 64, ctx)?;
    if full || crypt != LO_CRYPT_NONE {
        out.push_str(", lo_crypt_name=");
        cstring(out, b, off + 120, 64, ctx)?;
        out.push_str(", lo_encrypt_key=");
        key(out, b, off + 184, b.u32(off + 48)?, ctx)?;
    }
    if full {
        out.push_str(", lo_init=");
        words(out, b, off + 216, 2)?;
        out.push('}');
    } else {
        out.push_str(", ...}");
    }
    Some(())
}

/// `struct loop_config` (304 bytes): the descriptor, block size, status, reserved words.
fn config(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 304)?;
    out.push_str("{fd=");
    crate::decode::write_plain_fd(out, ctx.pid, b.i32(0)?, ctx.fds);
    let _ = write!(out, ", block_size={}, info=", b.u32(4)?);
    info64(out, b, 8, ctx)?;
    if (0..8).any(|n| b.u64(240 + 8 * n) != Some(0)) {
        out.push_str(", __reserved=");
        words(out, b, 240, 8)?;
    }
    out.push('}');
    Some(())
}

const CRYPT_TYPES: Xlat = &[
    (0, "LO_CRYPT_NONE"),
    (1, "LO_CRYPT_XOR"),
    (2, "LO_CRYPT_DES"),
    (3, "LO_CRYPT_FISH2"),
    (4, "LO_CRYPT_BLOW"),
    (5, "LO_CRYPT_CAST128"),
    (6, "LO_CRYPT_IDEA"),
    (9, "LO_CRYPT_DUMMY"),
    (10, "LO_CRYPT_SKIPJACK"),
    (18, "LO_CRYPT_CRYPTOAPI"),
];

const FLAGS: Xlat = &[
    (1, "LO_FLAGS_READ_ONLY"),
    (2, "LO_FLAGS_USE_AOPS"),
    (4, "LO_FLAGS_AUTOCLEAR"),
    (8, "LO_FLAGS_PARTSCAN"),
    (16, "LO_FLAGS_DIRECT_IO"),
];
