//! TEE's requests (type 0xa4), as strace's `tee.c` prints them. The sessions' and
//! invocations' arguments are behind a pointer in their `tee_ioctl_buf_data`, not
//! copied: the length and the address show, as strace shows them when it cannot read
//! them.

use std::fmt::Write;

use super::xlat::{
    TEE_IOCTL_GEN_CAPS, TEE_IOCTL_IMPL_IDS, TEE_IOCTL_OPTEE_CAPS, TEE_IOCTL_SHM_FLAGS,
};
use super::{Shape, need};
use crate::decode::flags::{hex, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::write_addr;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // TEE_IOC_VERSION
        0x800c_a400 => Shape::Out(|out, b, _| {
            need(b, 12)?;
            let id = b.u32(0)?;
            out.push_str("{impl_id=");
            write_enum(out, id.into(), TEE_IOCTL_IMPL_IDS, "TEE_IMPL_ID_???");
            out.push_str(", gen_caps=");
            write_flags(
                out,
                b.u32(8)?.into(),
                TEE_IOCTL_GEN_CAPS,
                None,
                "TEE_GEN_CAP_???",
            );
            out.push_str(", impl_caps=");
            let caps = b.u32(4)?;
            match id {
                // TEE_IMPL_ID_OPTEE
                1 => write_flags(
                    out,
                    caps.into(),
                    TEE_IOCTL_OPTEE_CAPS,
                    None,
                    "TEE_OPTEE_CAP_???",
                ),
                _ => out.push_str(&hex(caps.into())),
            }
            out.push('}');
            Some(())
        }),
        // TEE_IOC_OPEN_SESSION, INVOKE, SUPPL_RECV, SUPPL_SEND
        0x8010_a402 | 0x8010_a403 | 0x8010_a406 | 0x8010_a407 => Shape::In(|out, b, _| {
            need(b, 16)?;
            let _ = write!(out, "{{buf_len={}, buf_ptr=", b.u64(8)?);
            write_addr(out, b.u64(0)?);
            out.push('}');
            Some(())
        }),
        // TEE_IOC_CANCEL; TEE_IOC_CLOSE_SESSION
        0x8008_a404 => Shape::In(|out, b, _| {
            need(b, 8)?;
            let _ = write!(
                out,
                "{{cancel_id={}, session={}}}",
                b.u32(0)?,
                hex(b.u32(4)?.into())
            );
            Some(())
        }),
        0x8004_a405 => Shape::In(|out, b, _| {
            let _ = write!(out, "{{session={}}}", hex(b.u32(0)?.into()));
            Some(())
        }),
        // TEE_IOC_SHM_ALLOC: the size and flags, then the id given.
        0xc010_a401 => Shape::InOut(
            |out, b, _| shm_alloc(out, b, false),
            |out, b, _| shm_alloc(out, b, true),
        ),
        // TEE_IOC_SHM_REGISTER_FD (not upstream): the descriptor and flags, then the
        // size and id.
        0xc020_a408 => Shape::InOut(
            |out, b, ctx| {
                need(b, 32)?;
                out.push_str("{fd=");
                crate::decode::write_plain_fd(out, ctx.pid, b.u64(0)? as i64 as i32, ctx.fds);
                out.push_str(", flags=");
                write_flags(
                    out,
                    b.u32(16)?.into(),
                    TEE_IOCTL_SHM_FLAGS,
                    None,
                    "TEE_IOCTL_SHM_???",
                );
                out.push('}');
                Some(())
            },
            |out, b, _| {
                need(b, 32)?;
                let _ = write!(out, "{{size={}, id={}}}", hex(b.u64(8)?), b.i32(24)?);
                Some(())
            },
        ),
        // TEE_IOC_SHM_REGISTER: the memory and flags, then the id given.
        0xc018_a409 => Shape::InOut(
            |out, b, _| {
                need(b, 24)?;
                out.push_str("{addr=");
                write_addr(out, b.u64(0)?);
                let _ = write!(out, ", length={}, flags=", hex(b.u64(8)?));
                write_flags(
                    out,
                    b.u32(16)?.into(),
                    TEE_IOCTL_SHM_FLAGS,
                    None,
                    "TEE_IOCTL_SHM_???",
                );
                out.push('}');
                Some(())
            },
            |out, b, _| {
                need(b, 24)?;
                let _ = write!(out, "{{length={}, flags=", hex(b.u64(8)?));
                write_flags(
                    out,
                    b.u32(16)?.into(),
                    TEE_IOCTL_SHM_FLAGS,
                    None,
                    "TEE_IOCTL_SHM_???",
                );
                let _ = write!(out, ", id={}}}", b.i32(20)?);
                Some(())
            },
        ),
        _ => return None,
    })
}

fn shm_alloc(out: &mut String, b: &Bytes, id: bool) -> Option<()> {
    need(b, 16)?;
    let _ = write!(out, "{{size={}, flags=", hex(b.u64(0)?));
    write_flags(
        out,
        b.u32(8)?.into(),
        TEE_IOCTL_SHM_FLAGS,
        None,
        "TEE_IOCTL_SHM_???",
    );
    if id {
        let _ = write!(out, ", id={}", b.i32(12)?);
    }
    out.push('}');
    Some(())
}
