//! SCSI generic requests (type 0x22), as strace's `scsi.c` prints them: the ints they
//! read or write, the reset to do, the device's id, SG_IO's interface id. SG_IO's v3
//! and v4 headers and the request table are not decoded (their address).

use std::fmt::Write;

use super::{Ctx, Shape, int, need};
use crate::decode::flags::{Xlat, lookup, write_enum};
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
        // SG_IO: an interface id other than v3's `S` and v4's `Q` alone (their headers
        // are not decoded: the address).
        0x2285 => Shape::In(|out, b, _| {
            let iid = b.u32(0)?;
            if iid == u32::from(b'S') || iid == u32::from(b'Q') {
                return None;
            }
            let _ = write!(out, "[{iid}]");
            Some(())
        }),
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
