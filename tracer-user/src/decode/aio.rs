//! The AIO calls' structs, as strace's `aio.c` prints them: `io_cancel`'s `struct iocb`
//! (its header: data, key, flags, opcode, priority, descriptor) and the `struct
//! io_event`s `io_getevents`, `io_pgetevents` and `io_cancel` return. (`io_submit`'s
//! array of iocb pointers is a copy the capture plans cannot express yet.)

use std::fmt::Write;

use super::flags::{self, Xlat, write_flags};
use super::mem::{Mem, Want};
use super::structs::Bytes;
use super::{DecodeOptions, strings, write_addr, write_hex, write_plain_fd};
use crate::event::{FdNames, Syscall as Call};

/// `sizeof(struct iocb)`.
pub const IOCB_SIZE: u16 = 64;
/// `sizeof(struct io_event)`.
pub const IO_EVENT_SIZE: u16 = 32;
const FLAG_RESFD: u32 = 1;
const FLAG_IOPRIO: u32 = 2;
const IOCB_FLAGS: Xlat = &[(1, "IOCB_FLAG_RESFD"), (2, "IOCB_FLAG_IOPRIO")];
const PWRITE: u16 = 1;
const POLL: u16 = 5;
const PREADV: u16 = 7;
const PWRITEV: u16 = 8;

/// `io_submit`'s iocbs read at most ([`super::mem`]), with what each one's buffer holds
/// (`PWRITE`'s bytes, the vectors' iovecs).
const MAX_IOCBS: usize = 48;
/// Pointers read at most (up to the array's page end).
const MAX_POINTERS: usize = 512;

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

/// strace's `iocb_is_valid`: a buffer length that is not negative.
fn valid(b: &Bytes) -> bool {
    b.i64(32).is_some_and(|n| n >= 0)
}

/// What `io_submit` reads behind its pointers, to read at its entry: the array of
/// pointers, each iocb, then each one's buffer.
pub(super) fn derefs(call: &Call, string_limit: usize, wants: &mut Vec<Want>) {
    let (nr, addr) = (call.args[1] as i64, call.args[2]);
    if nr <= 0 {
        return;
    }
    wants.push((addr, (nr as usize).min(MAX_POINTERS) * 8));
    let mem = Mem::of(call, false);
    let Some(ptrs) = mem.get(addr) else {
        return;
    };
    for w in ptrs.chunks_exact(8).take(MAX_IOCBS) {
        let iocb = u64::from_ne_bytes(w.try_into().expect("8 bytes"));
        wants.push((iocb, IOCB_SIZE.into()));
        let Some(cb) = mem.whole(iocb, IOCB_SIZE.into()) else {
            continue;
        };
        let b = Bytes(cb);
        let (Some(opcode), Some(buf), Some(nbytes)) = (b.u16(16), b.u64(24), b.u64(32)) else {
            continue;
        };
        let len = nbytes.min(string_limit as u64 + 1) as usize;
        match opcode {
            PWRITE if valid(&b) => wants.push((buf, len)),
            PREADV | PWRITEV if valid(&b) => wants.push((buf, len * 16)),
            _ => {}
        }
    }
}

/// `io_submit`'s `[{aio_data=..., ...}, NULL, 0x..., ... /* 0x... */]` as strace's
/// `print_array` of `print_iocbp` prints it, from the reads of [`derefs`]; the
/// address where they were not made.
pub(crate) fn write_iocbs(
    out: &mut String,
    call: &Call,
    addr: u64,
    nr: u64,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let nr = nr as i64;
    let mem = Mem::of(call, false);
    let ptrs = mem
        .get(addr)
        .filter(|p| addr != 0 && nr > 0 && p.len() >= 8);
    let Some(ptrs) = ptrs else {
        if nr == 0 && addr != 0 {
            return out.push_str("[]");
        }
        return write_addr(out, addr);
    };
    out.push('[');
    for n in 0..nr as usize {
        if n > 0 {
            out.push_str(", ");
        }
        if opts.abbreviate && n == opts.string_limit {
            out.push_str("...");
            break;
        }
        let Some(w) = ptrs.get(n * 8..n * 8 + 8) else {
            let _ = write!(out, "... /* {:#x} */", addr + 8 * n as u64);
            break;
        };
        let iocb = u64::from_ne_bytes(w.try_into().expect("8 bytes"));
        let cb = (n < MAX_IOCBS)
            .then(|| mem.whole(iocb, IOCB_SIZE.into()))
            .flatten();
        match cb {
            Some(cb) => write_iocb(out, call, &Bytes(cb), n, opts, fds),
            None => write_addr(out, iocb),
        }
    }
    out.push(']');
}

/// strace's `print_iocb`: the header's fields, then the buffer by the operation.
fn write_iocb(
    out: &mut String,
    call: &Call,
    b: &Bytes,
    n: usize,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let mut header = String::new();
    if write_iocb_header(&mut header, b, call.pid, fds).is_none() {
        return out.push_str("{...}");
    }
    // The header without its closing brace.
    header.pop();
    out.push_str(&header);
    let (opcode, buf, nbytes) = (
        b.u16(16).unwrap_or(0),
        b.u64(24).unwrap_or(0),
        b.u64(32).unwrap_or(0),
    );
    let offset = b.i64(40).unwrap_or(0);
    // What was read of the buffer ([`derefs`]), as much as asked.
    let len = nbytes.min(opts.string_limit as u64 + 1) as usize;
    let mem = Mem::of(call, false);
    match opcode {
        0 | PWRITE => {
            out.push_str(", aio_buf=");
            if opcode == PWRITE && valid(b) && n < MAX_IOCBS {
                let read = mem.capture(buf, len);
                strings::write_buf(out, read.as_ref(), buf, nbytes, opts, false);
            } else {
                write_hex(out, buf);
            }
            let _ = write!(out, ", aio_nbytes={nbytes}, aio_offset={offset}");
            write_common_flags(out, b, call.pid, fds);
        }
        PREADV | PWRITEV => {
            if valid(b) && opcode == PREADV && n < MAX_IOCBS {
                out.push_str(", aio_buf=");
                let read = mem.capture(buf, len * 16);
                super::iovec::write_iovec_addrs(out, read.as_ref(), buf, nbytes, opts);
            } else {
                // (PWRITEV's strings are not read: its vector shows as its address.)
                out.push_str(", aio_buf=");
                write_hex(out, buf);
                let _ = write!(out, ", aio_nbytes={nbytes}");
            }
            let _ = write!(out, ", aio_offset={offset}");
            write_common_flags(out, b, call.pid, fds);
        }
        POLL => {
            out.push_str(", aio_buf=");
            write_flags(out, buf, flags::POLL_EVENTS, None, "POLL???");
            write_common_flags(out, b, call.pid, fds);
        }
        _ => {}
    }
    out.push('}');
}

/// strace's `print_common_flags`: `aio_flags` when set, `aio_resfd` as a descriptor
/// with `IOCB_FLAG_RESFD`, else in hex when set.
fn write_common_flags(out: &mut String, b: &Bytes, pid: u32, fds: Option<&dyn FdNames>) {
    let (flags, resfd) = (b.u32(56).unwrap_or(0), b.u32(60).unwrap_or(0));
    if flags != 0 {
        out.push_str(", aio_flags=");
        write_flags(out, flags.into(), IOCB_FLAGS, None, "IOCB_FLAG_???");
    }
    if flags & FLAG_RESFD != 0 {
        out.push_str(", aio_resfd=");
        write_plain_fd(out, pid, resfd as i32, fds);
    } else if resfd != 0 {
        out.push_str(", aio_resfd=");
        write_hex(out, resfd.into());
    }
}
