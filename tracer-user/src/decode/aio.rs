//! The AIO calls' structs, as strace's `aio.c` prints them: `io_cancel`'s `struct iocb`
//! (its header: data, key, flags, opcode, priority, descriptor) and the `struct
//! io_event`s `io_getevents`, `io_pgetevents` and `io_cancel` return. (`io_submit`'s
//! array of iocb pointers is a copy the capture plans cannot express yet.)

use std::fmt::Write;

use super::flags::{self, Xlat, write_flags};
use super::structs::Bytes;
use super::{write_hex, write_plain_fd};
use crate::event::FdNames;

/// `sizeof(struct iocb)`.
pub const IOCB_SIZE: u16 = 64;
/// `sizeof(struct io_event)`.
pub const IO_EVENT_SIZE: u16 = 32;
const FLAG_IOPRIO: u32 = 2;

const CMDS: Xlat = &[
    (0, "IOCB_CMD_PREAD"),
    (1, "IOCB_CMD_PWRITE"),
    (2, "IOCB_CMD_FSYNC"),
    (3, "IOCB_CMD_FDSYNC"),
    (4, "IOCB_CMD_PREADX"),
    (5, "IOCB_CMD_POLL"),
    (6, "IOCB_CMD_NOOP"),
    (7, "IOCB_CMD_PREADV"),
    (8, "IOCB_CMD_PWRITEV"),
];

/// `{data=0x..., obj=0x..., res=4096, res2=0}`.
pub fn write_io_event(out: &mut String, b: &Bytes, at: usize) -> Option<()> {
    let (data, obj) = (b.u64(at)?, b.u64(at + 8)?);
    let (res, res2) = (b.i64(at + 16)?, b.i64(at + 24)?);
    out.push_str("{data=");
    write_hex(out, data);
    out.push_str(", obj=");
    write_hex(out, obj);
    let _ = write!(out, ", res={res}, res2={res2}}}");
    Some(())
}

/// `struct iocb`'s header in braces (strace's `print_iocb_header`).
pub fn write_iocb_header(
    out: &mut String,
    b: &Bytes,
    pid: u32,
    fds: Option<&dyn FdNames>,
) -> Option<()> {
    let (key, rw_flags) = (b.u32(8)?, b.u32(12)?);
    let (opcode, reqprio) = (b.u16(16)?, b.u16(18)? as i16);
    let (fildes, aio_flags) = (b.i32(20)?, b.u32(56)?);
    out.push_str("{aio_data=");
    write_hex(out, b.u64(0)?);
    if key != 0 {
        let _ = write!(out, ", aio_key={key}");
    }
    if rw_flags != 0 {
        out.push_str(", aio_rw_flags=");
        write_flags(
            out,
            rw_flags.into(),
            super::xlat::RWF_FLAGS,
            None,
            "RWF_???",
        );
    }
    out.push_str(", aio_lio_opcode=");
    // printxval_ex(..., XLAT_STYLE_FMT_U): an unknown one in decimal.
    let raw = opcode.to_string();
    flags::styled(out, &raw, |out| match flags::lookup(CMDS, opcode.into()) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "{opcode} /* IOCB_CMD_??? */");
        }
    });
    if aio_flags & FLAG_IOPRIO != 0 {
        out.push_str(", aio_reqprio=");
        super::ioprio::write_arg(out, reqprio as u16 as u32);
    } else if reqprio != 0 {
        let _ = write!(out, ", aio_reqprio={reqprio}");
    }
    out.push_str(", aio_fildes=");
    write_plain_fd(out, pid, fildes, fds);
    out.push('}');
    Some(())
}
