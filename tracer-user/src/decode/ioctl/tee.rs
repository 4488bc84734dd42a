//! TEE's requests (type 0xa4), as strace's `tee.c` prints them. The sessions' and
//! invocations' arguments are behind a pointer in their `tee_ioctl_buf_data`: printed
//! where they were copied ([`derefs`]), else the length and the address, as strace
//! shows them when it cannot read them.

use std::fmt::Write;

use super::xlat::{
    TEE_IOCTL_GEN_CAPS, TEE_IOCTL_IMPL_IDS, TEE_IOCTL_LOGIN_TYPES, TEE_IOCTL_OPTEE_CAPS,
    TEE_IOCTL_ORIGINS, TEE_IOCTL_PARAM_ATTR_TYPES, TEE_IOCTL_SHM_FLAGS,
};
use super::{Ctx, Shape, Want, Where, need};
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
        0x8010_a402 | 0x8010_a403 | 0x8010_a406 | 0x8010_a407 => {
            Shape::Both(buf_data_in, buf_data_out)
        }
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

const OPEN_SESSION: u32 = 0x8010_a402;
const INVOKE: u32 = 0x8010_a403;
const SUPPL_RECV: u32 = 0x8010_a406;
/// The largest argument buffer the kernel takes (`TEE_MAX_ARG_SIZE`).
const MAX_ARG_SIZE: u64 = 1024;
/// A `struct tee_ioctl_param`: attributes and three values.
const PARAM_SIZE: usize = 32;

/// The request's argument struct's size, and where its `num_params` is.
fn arg_struct(request: u32) -> (usize, usize) {
    match request {
        OPEN_SESSION => (56, 52),
        INVOKE => (24, 20),
        // SUPPL_RECV, SUPPL_SEND
        _ => (8, 4),
    }
}

/// strace's `tee_fetch_buf_data`: the argument struct behind `buf_ptr` (and its
/// parameters), as copied for `ctx`'s stop; `None` after printing `{buf_len, buf_ptr}`
/// when it is not to be (or could not be) read.
fn fetch<'a>(out: &mut String, b: &Bytes, ctx: &Ctx<'a>) -> Option<Bytes<'a>> {
    let (ptr, len) = (b.u64(0)?, b.u64(8)?);
    let (size, count_at) = arg_struct(ctx.request);
    let data = ctx.mem.get(ptr).filter(|d| d.len() >= size);
    let whole = data.filter(|d| {
        let count = Bytes(d).u32(count_at).unwrap_or(0) as u64;
        // At entry the parameters must fill the buffer; at exit the kernel may have
        // changed their count (SUPPL_RECV), not the buffer's length.
        ctx.mem.exit() || size as u64 + PARAM_SIZE as u64 * count == len
    });
    match whole {
        Some(d) if (size as u64..=MAX_ARG_SIZE).contains(&len) => Some(Bytes(d)),
        _ => {
            let _ = write!(out, "{{buf_len={len}, buf_ptr=");
            write_addr(out, ptr);
            out.push('}');
            None
        }
    }
}

/// `{buf_len=N, buf_ptr={...` at entry: the struct left open for the exit.
fn buf_data_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 16)?;
    let Some(a) = fetch(out, b, ctx) else {
        return Some(());
    };
    let _ = write!(out, "{{buf_len={}, buf_ptr={{", b.u64(8)?);
    match ctx.request {
        OPEN_SESSION => {
            out.push_str("uuid=");
            uuid(out, a.0.get(..16)?);
            let login = a.u32(32)?;
            out.push_str(", clnt_login=");
            write_enum(
                out,
                login.into(),
                TEE_IOCTL_LOGIN_TYPES,
                "TEE_IOCTL_LOGIN_???",
            );
            match login {
                // PUBLIC, USER, APPLICATION, USER_APPLICATION
                0 | 1 | 4 | 5 => {}
                // GROUP, GROUP_APPLICATION: a group id.
                2 | 6 => {
                    let _ = match a.u32(16)? {
                        u32::MAX => write!(out, ", clnt_uuid=-1"),
                        gid => write!(out, ", clnt_uuid={gid}"),
                    };
                }
                _ => {
                    out.push_str(", clnt_uuid=[");
                    for (n, &c) in a.0.get(16..32)?.iter().enumerate() {
                        if n > 0 {
                            out.push_str(", ");
                        }
                        out.push_str(&hex(c.into()));
                    }
                    out.push(']');
                }
            }
            let _ = write!(out, ", cancel_id={}", a.u32(36)?);
        }
        INVOKE => {
            let _ = write!(
                out,
                "func={}, session={}, cancel_id={}",
                a.u32(0)?,
                hex(a.u32(4)?.into()),
                a.u32(8)?
            );
        }
        SUPPL_RECV => {
            let _ = write!(out, "func={}", a.u32(0)?);
        }
        _ => {}
    }
    let (size, count_at) = arg_struct(ctx.request);
    if size > 8 || ctx.request == SUPPL_RECV {
        out.push_str(", ");
    }
    let count = a.u32(count_at)?;
    let _ = write!(out, "num_params={count}");
    params(out, b.u64(0)?, &a, count, ctx);
    out.push('}');
    Some(())
}

/// At exit, unless the entry printed all there was: `}` after a failure, else ` => `
/// and what the kernel wrote back.
fn buf_data_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let entry = Bytes(ctx.entry);
    need(&entry, 16)?;
    fetch(&mut String::new(), &entry, &ctx.at_entry())?;
    if ctx.failed {
        out.push('}');
        return Some(());
    }
    need(b, 16)?;
    out.push_str(" => ");
    let Some(a) = fetch(out, b, ctx) else {
        return Some(());
    };
    let (_, count_at) = arg_struct(ctx.request);
    let count = a.u32(count_at)?;
    out.push('{');
    match ctx.request {
        OPEN_SESSION => {
            let _ = write!(
                out,
                "session={}, ret={}, ret_origin=",
                hex(a.u32(40)?.into()),
                a.u32(44)?
            );
            write_enum(out, a.u32(48)?.into(), TEE_IOCTL_ORIGINS, "TEEC_ORIGIN_???");
        }
        INVOKE => {
            let _ = write!(out, "ret={}, ret_origin=", a.u32(12)?);
            write_enum(out, a.u32(16)?.into(), TEE_IOCTL_ORIGINS, "TEEC_ORIGIN_???");
        }
        SUPPL_RECV => {
            let _ = write!(out, "num_params={count}");
        }
        _ => {
            let _ = write!(out, "ret={}", a.u32(0)?);
        }
    }
    params(out, b.u64(0)?, &a, count, ctx);
    out.push_str("}}");
    Some(())
}

/// `, params=[...]`: the parameters after the argument struct.
fn params(out: &mut String, ptr: u64, a: &Bytes, count: u32, ctx: &Ctx) {
    const META: u64 = 0x100;
    let (size, _) = arg_struct(ctx.request);
    out.push_str(", params=");
    let start = if count == 0 { 0 } else { ptr + size as u64 };
    let data = a.0.get(size..).unwrap_or_default();
    super::print_array(
        out,
        start,
        data,
        PARAM_SIZE,
        count as usize,
        false,
        ctx,
        |out, p| {
            let attr = p.u64(0)?;
            out.push_str("{attr=");
            write_enum(
                out,
                attr & !META,
                TEE_IOCTL_PARAM_ATTR_TYPES,
                "TEE_IOCTL_PARAM_ATTR_",
            );
            if attr & META != 0 {
                out.push_str("|TEE_IOCTL_PARAM_ATTR_META");
            }
            let (x, y, z) = (p.u64(8)?, p.u64(16)?, p.u64(24)?);
            match attr {
                0 => {}
                // MEMREF_INPUT, MEMREF_OUTPUT, MEMREF_INOUT
                5..=7 => {
                    let _ = write!(out, ", shm_offs={}, size={}, shm_id={z}", hex(x), hex(y));
                }
                _ => {
                    let _ = write!(out, ", a={}, b={}, c={}", hex(x), hex(y), hex(z));
                }
            }
            out.push('}');
            Some(())
        },
    );
}

/// strace's `print_uuid`: `01234567-89ab-cdef-0123-456789abcdef`.
fn uuid(out: &mut String, b: &[u8]) {
    for (n, c) in b.iter().enumerate() {
        if matches!(n, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{c:02x}");
    }
}

/// The argument struct behind `buf_ptr`, with its parameters, when the kernel would
/// take it.
pub(super) fn derefs(at: &Where, b: &Bytes) -> Vec<Want> {
    if !matches!(at.request, OPEN_SESSION | INVOKE | SUPPL_RECV | 0x8010_a407) {
        return Vec::new();
    }
    match (b.u64(0), b.u64(8)) {
        (Some(ptr), Some(len)) if len <= MAX_ARG_SIZE => vec![(ptr, len as usize)],
        _ => Vec::new(),
    }
}
