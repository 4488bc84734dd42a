//! An io_uring operation's text: `io_uring:READ(5</f>, len=8192, off=4096)`, then its
//! result as a syscall's (`= 8192`, `= -1 EBADF (Bad file descriptor)`). The `io_uring:`
//! prefix (no syscall name has a colon) keeps these lines apart from syscall lines.

use std::fmt::Write;

use super::{errno, write_fd};
use crate::{event::FdNames, event::IoUringOp, syscalls::RetKind, uring};

/// `io_uring:NAME(ARGS)`.
pub fn write_op(out: &mut String, op: &IoUringOp, fds: Option<&dyn FdNames>) {
    let _ = write!(out, "io_uring:{}(", uring::name(op.opcode));
    let mut first = true;
    let mut sep = |out: &mut String| {
        if !std::mem::take(&mut first) {
            out.push_str(", ");
        }
    };
    if let Some(fd) = op.fd.filter(|_| uring::has_fd(op.opcode)) {
        sep(out);
        if op.fixed_file {
            // An index into the ring's registered files: no descriptor to name.
            let _ = write!(out, "fixed_file={fd}");
        } else {
            write_fd(out, op.pid, fd, fds);
        }
    }
    if let Some((off, len)) = op.rw.filter(|_| uring::is_rw(op.opcode)) {
        sep(out);
        let what = if uring::is_vectored(op.opcode) {
            "vlen"
        } else {
            "len"
        };
        // -1: the file's current position, as for read(2).
        let _ = write!(out, "{what}={len}, off={}", off as i64);
    }
    out.push(')');
}

/// The result, as strace prints a syscall's.
pub fn write_op_result(out: &mut String, op: &IoUringOp) {
    errno::write_return(out, Some(op.res), RetKind::Int);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_show_fd_length_and_offset_and_failures_their_errno() {
        let op = IoUringOp {
            pid: 1,
            opcode: 22,
            fd: Some(5),
            rw: Some((1_040_384, 8192)),
            res: 8192,
            ..Default::default()
        };
        let mut s = String::new();
        write_op(&mut s, &op, None);
        write_op_result(&mut s, &op);
        assert_eq!(s, "io_uring:READ(5, len=8192, off=1040384)8192");
        let op = IoUringOp {
            opcode: 11,
            fd: Some(0),
            res: -62,
            ..Default::default()
        };
        let mut s = String::new();
        write_op(&mut s, &op, None);
        write_op_result(&mut s, &op);
        assert_eq!(s, "io_uring:TIMEOUT()-1 ETIME (Timer expired)");
        let op = IoUringOp {
            opcode: 1,
            fd: Some(3),
            rw: Some((u64::MAX, 2)),
            res: -9,
            ..Default::default()
        };
        let mut s = String::new();
        write_op(&mut s, &op, None);
        write_op_result(&mut s, &op);
        assert_eq!(
            s,
            "io_uring:READV(3, vlen=2, off=-1)-1 EBADF (Bad file descriptor)"
        );
        let op = IoUringOp {
            opcode: 23,
            fd: Some(0),
            fixed_file: true,
            rw: Some((0, 512)),
            ..Default::default()
        };
        let mut s = String::new();
        write_op(&mut s, &op, None);
        assert_eq!(s, "io_uring:WRITE(fixed_file=0, len=512, off=0)");
    }
}
