//! io_uring operations by opcode (`IORING_OP_*`, the kernel's stable numbering): their
//! names as the kernel prints them (`io_uring_get_opcode`), and what their submissions
//! carry that a line shows: a descriptor, and for reads and writes an offset and a length.

/// Names by opcode.
const NAMES: &[&str] = &[
    "NOP",
    "READV",
    "WRITEV",
    "FSYNC",
    "READ_FIXED",
    "WRITE_FIXED",
    "POLL_ADD",
    "POLL_REMOVE",
    "SYNC_FILE_RANGE",
    "SENDMSG",
    "RECVMSG",
    "TIMEOUT",
    "TIMEOUT_REMOVE",
    "ACCEPT",
    "ASYNC_CANCEL",
    "LINK_TIMEOUT",
    "CONNECT",
    "FALLOCATE",
    "OPENAT",
    "CLOSE",
    "FILES_UPDATE",
    "STATX",
    "READ",
    "WRITE",
    "FADVISE",
    "MADVISE",
    "SEND",
    "RECV",
    "OPENAT2",
    "EPOLL_CTL",
    "SPLICE",
    "PROVIDE_BUFFERS",
    "REMOVE_BUFFERS",
    "TEE",
    "SHUTDOWN",
    "RENAMEAT",
    "UNLINKAT",
    "MKDIRAT",
    "SYMLINKAT",
    "LINKAT",
    "MSG_RING",
    "FSETXATTR",
    "SETXATTR",
    "FGETXATTR",
    "GETXATTR",
    "SOCKET",
    "URING_CMD",
    "SEND_ZC",
    "SENDMSG_ZC",
    "READ_MULTISHOT",
    "WAITID",
    "FUTEX_WAIT",
    "FUTEX_WAKE",
    "FUTEX_WAITV",
    "FIXED_FD_INSTALL",
    "FTRUNCATE",
    "BIND",
    "LISTEN",
    "RECV_ZC",
    "EPOLL_WAIT",
    "READV_FIXED",
    "WRITEV_FIXED",
    "PIPE",
];

/// Opcodes whose submission names a file by descriptor (the kernel's `needs_file`).
const WITH_FD: &[&str] = &[
    "READV",
    "WRITEV",
    "FSYNC",
    "READ_FIXED",
    "WRITE_FIXED",
    "POLL_ADD",
    "SYNC_FILE_RANGE",
    "SENDMSG",
    "RECVMSG",
    "ACCEPT",
    "CONNECT",
    "FALLOCATE",
    "STATX",
    "READ",
    "WRITE",
    "FADVISE",
    "SEND",
    "RECV",
    "EPOLL_CTL",
    "SPLICE",
    "TEE",
    "SHUTDOWN",
    "MSG_RING",
    "FSETXATTR",
    "FGETXATTR",
    "URING_CMD",
    "SEND_ZC",
    "SENDMSG_ZC",
    "READ_MULTISHOT",
    "FTRUNCATE",
    "BIND",
    "LISTEN",
    "RECV_ZC",
    "EPOLL_WAIT",
    "READV_FIXED",
    "WRITEV_FIXED",
];

/// Reads and writes: their offset and length (for the vectored ones, the iovec count).
const RW: &[&str] = &[
    "READV",
    "WRITEV",
    "READ_FIXED",
    "WRITE_FIXED",
    "READ",
    "WRITE",
    "READV_FIXED",
    "WRITEV_FIXED",
];

/// The operation's name; `OP_N` for an opcode newer than this table.
pub fn name(opcode: u8) -> std::borrow::Cow<'static, str> {
    match NAMES.get(opcode as usize) {
        Some(name) => (*name).into(),
        None => format!("OP_{opcode}").into(),
    }
}

/// The opcode of `name` (any case; `OP_N` too).
pub fn by_name(name: &str) -> Option<u8> {
    let upper = name.to_ascii_uppercase();
    if let Some(n) = upper.strip_prefix("OP_").and_then(|n| n.parse::<u8>().ok()) {
        return (usize::from(n) < tracer_common::URING_OPS).then_some(n);
    }
    NAMES.iter().position(|n| *n == upper).map(|i| i as u8)
}

/// Whether the operation names a descriptor.
pub fn has_fd(opcode: u8) -> bool {
    NAMES
        .get(opcode as usize)
        .is_some_and(|n| WITH_FD.contains(n))
}

/// Whether the operation is a read or write with an offset and a length.
pub fn is_rw(opcode: u8) -> bool {
    NAMES.get(opcode as usize).is_some_and(|n| RW.contains(n))
}

/// Whether the operation's length counts iovecs (vectored reads and writes).
pub fn is_vectored(opcode: u8) -> bool {
    NAMES
        .get(opcode as usize)
        .is_some_and(|n| n.contains("READV") || n.contains("WRITEV"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_kernels_numbering() {
        assert_eq!(name(22), "READ");
        assert_eq!(name(23), "WRITE");
        assert_eq!(name(11), "TIMEOUT");
        assert_eq!(name(200), "OP_200");
        assert_eq!(by_name("read"), Some(22));
        assert_eq!(by_name("Read_Fixed"), Some(4));
        assert_eq!(by_name("op_99"), Some(99));
        assert_eq!(by_name("nosuch"), None);
        assert!(has_fd(22) && !has_fd(0) && !has_fd(11));
        assert!(is_rw(1) && is_rw(22) && !is_rw(3));
        assert!(is_vectored(1) && !is_vectored(22));
    }
}
