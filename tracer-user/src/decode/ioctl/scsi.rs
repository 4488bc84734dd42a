//! SCSI generic requests (type 0x22), as strace's `scsi.c`, `sg_io_v3.c` and
//! `sg_io_v4.c` print them: the ints they read or write, the reset to do, the device's
//! id, SG_IO's v3 and v4 headers (the request at entry, the response at exit, whether
//! or not the call failed) with the command, data and sense buffers where they were
//! copied ([`derefs`]). The request table is not decoded (its address).

use std::fmt::Write;

use super::xlat::{
    BSG_FLAGS, BSG_PROTOCOL, BSG_SUBPROTOCOL, SG_IO_DXFER_DIRECTION, SG_IO_FLAGS, SG_IO_INFO,
};
use super::{Ctx, Quote, Shape, Want, Where, int, mem_array, mem_str, need};
use crate::decode::flags::{Xlat, hex, lookup, write_enum, write_flags};
use crate::decode::structs::Bytes;

const SG_SCSI_RESET_NO_ESCALATE: u32 = 0x100;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // SG_GET_TIMEOUT: the result is the timeout.
        0x2202 => Shape::None,
        // SG_SET_TIMEOUT, SG_SET_COMMAND_Q, SG_SET_RESERVED_SIZE, SG_SET_FORCE_LOW_DMA,
        // SG_SET_FORCE_PACK_ID, SG_SET_DEBUG, SG_NEXT_CMD_LEN, SG_SET_KEEP_ORPHAN
        0x2201 | 0x2271 | 0x2275 | 0x2279 | 0x227b | 0x227e | 0x2283 | 0x2287 => Shape::In(int),
        // SG_EMULATED_HOST, SG_GET_TRANSFORM, SG_GET_COMMAND_Q, SG_GET_RESERVED_SIZE,
        // SG_GET_LOW_DMA, SG_GET_PACK_ID, SG_GET_NUM_WAITING, SG_GET_SG_TABLESIZE,
        // SG_GET_VERSION_NUM, SG_GET_KEEP_ORPHAN, SG_GET_ACCESS_COUNT
        0x2203 | 0x2205 | 0x2270 | 0x2272 | 0x227a | 0x227c | 0x227d | 0x227f | 0x2282 | 0x2288
        | 0x2289 => Shape::Out(int),
        // SG_SET_TRANSFORM: the value.
        0x2204 => Shape::Value(|out, v| crate::decode::write_hex(out, v as u32 as u64)),
        // SG_SCSI_RESET
        0x2284 => Shape::In(|out, b, _| {
            let v = b.u32(0)?;
            out.push('[');
            if v & SG_SCSI_RESET_NO_ESCALATE != 0 {
                let name = lookup(RESETS, SG_SCSI_RESET_NO_ESCALATE.into());
                crate::decode::flags::styled(out, "0x100", |out| out.push_str(name.unwrap_or("")));
                out.push('|');
            }
            let rest = v & !SG_SCSI_RESET_NO_ESCALATE;
            write_enum(out, rest.into(), RESETS, "SG_SCSI_RESET_???");
            out.push(']');
            Some(())
        }),
        // SG_GET_SCSI_ID
        0x2276 => Shape::Out(scsi_id),
        // SG_IO: the v3 or v4 header by its interface id, another id alone.
        SG_IO => Shape::Both(sg_io_in, sg_io_out),
        // SG_GET_REQUEST_TABLE
        0x2286 => Shape::Addr,
        _ => return None,
    })
}

/// `struct sg_scsi_id`.
fn scsi_id(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 32)?;
    let _ = write!(
        out,
        "{{host_no={}, channel={}, scsi_id={:#x}, lun={}, scsi_type={:#x}, \
         h_cmd_per_lun={}, d_queue_depth={}}}",
        b.i32(0)?,
        b.i32(4)?,
        b.u32(8)?,
        b.i32(12)?,
        b.u32(16)?,
        b.u16(20)? as i16,
        b.u16(22)? as i16
    );
    Some(())
}

const RESETS: Xlat = &[
    (0, "SG_SCSI_RESET_NOTHING"),
    (1, "SG_SCSI_RESET_DEVICE"),
    (2, "SG_SCSI_RESET_BUS"),
    (3, "SG_SCSI_RESET_HOST"),
    (4, "SG_SCSI_RESET_TARGET"),
    (0x100, "SG_SCSI_RESET_NO_ESCALATE"),
];

const SG_IO: u32 = 0x2285;
/// `struct sg_io_hdr` (v3, interface id `S`) and `struct sg_io_v4` (guard `Q`).
const V3: usize = 88;
const V4: usize = 160;
const SG_DXFER_TO_DEV: i32 = -2;
const SG_DXFER_FROM_DEV: i32 = -3;
const SG_DXFER_TO_FROM_DEV: i32 = -4;

/// The header's size by its interface id.
fn header(iid: u32) -> Option<usize> {
    match iid as u8 {
        _ if iid > 0xff => None,
        b'S' => Some(V3),
        b'Q' => Some(V4),
        _ => None,
    }
}

/// strace's `print_sg_io_buffer`: `size` bytes in hex, or `count` iovecs holding them.
fn buffer(out: &mut String, addr: u64, size: u32, count: u32, ctx: &Ctx) {
    let hex = Quote {
        hex: true,
        ..Quote::default()
    };
    if count == 0 {
        return mem_str(out, addr, size as usize, hex, ctx);
    }
    let mut left = u64::from(size);
    mem_array(out, addr, 16, count as usize, ctx, |out, e| {
        let (base, len) = (e.u64(0)?, e.u64(8)?);
        let n = len.min(left);
        left -= n;
        out.push_str("{iov_base=");
        mem_str(out, base, n as usize, Quote::default(), ctx);
        let _ = write!(out, ", iov_len={len}}}");
        Some(())
    });
}

/// The request: v3's or v4's header, as far as it could be read (the address after its
/// id when not whole).
fn sg_io_in(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let iid = b.u32(0)?;
    let Some(size) = header(iid) else {
        let _ = write!(out, "[{iid}]");
        return Some(());
    };
    if size == V3 {
        out.push_str("{interface_id='S', ");
    } else {
        out.push_str("{guard='Q', ");
    }
    if b.0.len() < size {
        crate::decode::write_addr(out, ctx.addr + 4);
        out.push('}');
        return Some(());
    }
    let mem = ctx.at_entry();
    if size == V3 {
        let dir = b.i32(4)?;
        out.push_str("dxfer_direction=");
        write_enum(
            out,
            dir as u32 as u64,
            SG_IO_DXFER_DIRECTION,
            "SG_DXFER_???",
        );
        let cmd_len = u32::from(*b.0.get(8)?);
        let _ = write!(out, ", cmd_len={cmd_len}, cmdp=");
        buffer(out, b.u64(24)?, cmd_len, 0, &mem);
        let _ = write!(
            out,
            ", mx_sb_len={}, iovec_count={}, dxfer_len={}, timeout={}, flags=",
            b.0.get(9)?,
            b.u16(10)?,
            b.u32(12)?,
            b.u32(40)?
        );
        write_flags(out, b.u32(44)?.into(), SG_IO_FLAGS, None, "SG_FLAG_???");
        if matches!(dir, SG_DXFER_TO_DEV | SG_DXFER_TO_FROM_DEV) {
            out.push_str(", dxferp=");
            buffer(out, b.u64(16)?, b.u32(12)?, b.u16(10)?.into(), &mem);
        }
        return Some(());
    }
    out.push_str("protocol=");
    write_enum(out, b.u32(4)?.into(), BSG_PROTOCOL, "BSG_PROTOCOL_???");
    out.push_str(", subprotocol=");
    write_enum(
        out,
        b.u32(8)?.into(),
        BSG_SUBPROTOCOL,
        "BSG_SUB_PROTOCOL_???",
    );
    let request_len = b.u32(12)?;
    let _ = write!(out, ", request_len={request_len}, request=");
    buffer(out, b.u64(16)?, request_len, 0, &mem);
    let _ = write!(
        out,
        ", request_tag={}, request_attr={}, request_priority={}, request_extra={}, \
         max_response_len={}, dout_iovec_count={}, dout_xfer_len={}, din_iovec_count={}, \
         din_xfer_len={}, dout_xferp=",
        hex(b.u64(24)?),
        b.u32(32)?,
        b.u32(36)?,
        b.u32(40)?,
        b.u32(44)?,
        b.u32(56)?,
        b.u32(60)?,
        b.u32(64)?,
        b.u32(68)?
    );
    buffer(out, b.u64(72)?, b.u32(60)?, b.u32(56)?, &mem);
    let _ = write!(out, ", timeout={}, flags=", b.u32(88)?);
    write_flags(out, b.u32(92)?.into(), BSG_FLAGS, None, "BSG_FLAG_???");
    let _ = write!(out, ", usr_ptr={}", hex(b.u64(96)?));
    Some(())
}

/// The response, at exit whatever the result (strace reads the header again), unless
/// the entry printed all there was.
fn sg_io_out(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let entry = Bytes(ctx.entry);
    let iid = entry.u32(0)?;
    let size = header(iid)?;
    if entry.0.len() < size {
        return None;
    }
    if b.0.len() < size {
        // (strace shows the entry's pointers when the header cannot be read again.)
        return None;
    }
    if b.u32(0)? != iid {
        let _ = write!(out, " => interface_id={}}}", b.u32(0)?);
        return Some(());
    }
    let din = |len: u32, resid: i32| match resid {
        1.. if resid as u32 <= len => len - resid as u32,
        _ => len,
    };
    if size == V3 {
        let dir = b.i32(4)?;
        let len = din(b.u32(12)?, b.i32(72)?);
        let (xferp, count) = (b.u64(16)?, u32::from(b.u16(10)?));
        if dir == SG_DXFER_FROM_DEV {
            out.push_str(", dxferp=");
            buffer(out, xferp, len, count, ctx);
        } else if dir == SG_DXFER_TO_FROM_DEV && len != 0 {
            out.push_str(" => dxferp=");
            buffer(out, xferp, len, count, ctx);
        }
        let sb_len = *b.0.get(67)?;
        let _ = write!(
            out,
            ", status={}, masked_status={}, msg_status={}, sb_len_wr={sb_len}, sbp=",
            hex((*b.0.get(64)?).into()),
            hex((*b.0.get(65)?).into()),
            hex((*b.0.get(66)?).into())
        );
        buffer(out, b.u64(32)?, sb_len.into(), 0, ctx);
        let _ = write!(
            out,
            ", host_status={}, driver_status={}, resid={}, duration={}, info=",
            hex(b.u16(68)?.into()),
            hex(b.u16(70)?.into()),
            b.i32(72)?,
            b.u32(76)?
        );
        write_flags(out, b.u32(80)?.into(), SG_IO_INFO, None, "SG_INFO_???");
        out.push('}');
        return Some(());
    }
    let response_len = b.u32(132)?;
    let _ = write!(out, ", response_len={response_len}, response=");
    buffer(out, b.u64(48)?, response_len, 0, ctx);
    out.push_str(", din_xferp=");
    let len = din(b.u32(68)?, b.i32(136)?);
    buffer(out, b.u64(80)?, len, b.u32(64)?, ctx);
    let _ = write!(
        out,
        ", driver_status={}, transport_status={}, device_status={}, retry_delay={}, info=",
        hex(b.u32(108)?.into()),
        hex(b.u32(112)?.into()),
        hex(b.u32(116)?.into()),
        b.u32(120)?
    );
    write_flags(out, b.u32(124)?.into(), SG_IO_INFO, None, "SG_INFO_???");
    let _ = write!(
        out,
        ", duration={}, response_len={response_len}, din_resid={}, dout_resid={}, \
         generated_tag={}}}",
        b.u32(128)?,
        b.i32(136)?,
        b.i32(140)?,
        hex(b.u64(144)?)
    );
    Some(())
}

/// SG_IO's buffers: the command (or v4's request) and data out at entry; at exit the
/// data in, the sense buffer (v4's response); iovecs and what they point at.
pub(super) fn derefs(at: &Where, b: &Bytes, mem: &super::Mem) -> Vec<Want> {
    const CAP: u64 = 1 << 16;
    let Some(size) = b.u32(0).filter(|_| at.request == SG_IO).and_then(header) else {
        return Vec::new();
    };
    if b.0.len() < size {
        return Vec::new();
    }
    let mut wants = Vec::new();
    // A buffer of `len` bytes, or `count` iovecs (then what each points at).
    let mut buf = |addr: u64, len: u32, count: u32| {
        if count == 0 {
            wants.push((addr, u64::from(len).min(CAP) as usize));
            return;
        }
        wants.push((addr, (u64::from(count) * 16).min(CAP) as usize));
        if let Some(iovecs) = mem.get(addr) {
            for e in iovecs.chunks_exact(16).map(Bytes) {
                if let (Some(base), Some(n)) = (e.u64(0), e.u64(8)) {
                    wants.push((base, n.min(CAP) as usize));
                }
            }
        }
    };
    let (Some(v), Some(w)) = (b.u32(12), b.u64(16)) else {
        return Vec::new();
    };
    if size == V3 {
        let count = b.u16(10).unwrap_or(0).into();
        buf(w, v, count);
        if let Some(cmdp) = b.u64(24) {
            buf(cmdp, u32::from(b.0[8]), 0);
        }
        if let Some(sbp) = b.u64(32) {
            buf(sbp, u32::from(b.0[67]), 0);
        }
    } else {
        buf(w, v, 0);
        let field = |at: usize| b.u32(at).unwrap_or(0);
        let ptr = |at: usize| b.u64(at).unwrap_or(0);
        buf(ptr(72), field(60), field(56));
        buf(ptr(80), field(68), field(64));
        buf(ptr(48), field(132), 0);
    }
    wants
}
