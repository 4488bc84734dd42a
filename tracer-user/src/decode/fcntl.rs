//! `fcntl`: which argument each command takes, and the results that are flags.

use std::fmt::Write;

use super::{
    flags::{self, write_flags},
    write_hex,
};

#[derive(PartialEq, Eq)]
pub(crate) enum FcntlArg {
    None,
    Int,
    FdFlags,
    OpenFlags,
    Ptr,
}

pub(crate) fn fcntl_arg(cmd: u64) -> FcntlArg {
    match cmd as u32 {
        // F_GETFD, F_GETFL, F_GETOWN, F_GETSIG, F_GETLEASE, F_GETPIPE_SZ, F_GET_SEALS
        1 | 3 | 9 | 11 | 1025 | 1032 | 1034 => FcntlArg::None,
        2 => FcntlArg::FdFlags,
        4 => FcntlArg::OpenFlags,
        // Locks, F_[GS]ETOWN_EX, F_GETOWNER_UIDS, the rw hints: structs.
        5..=7 | 15..=17 | 36..=38 | 1035..=1038 => FcntlArg::Ptr,
        _ => FcntlArg::Int,
    }
}

/// `fcntl`'s result for the commands that return flags; false for the others.
pub(crate) fn write_return(out: &mut String, cmd: u32, ret: u64) -> bool {
    let (table, what) = match cmd {
        // F_GETFD
        1 if ret != 0 => (flags::FD_CLOEXEC, "flags"),
        // F_GETFL
        3 => {
            write_hex(out, ret);
            out.push_str(" (flags ");
            flags::write_open_flags(out, ret);
            out.push(')');
            return true;
        }
        // F_GET_SEALS
        1034 if ret != 0 => (flags::F_SEALS, "seals"),
        _ => return false,
    };
    write_hex(out, ret);
    let _ = write!(out, " ({what} ");
    write_flags(out, ret, table, None, "F_???");
    out.push(')');
    true
}
