//! Network block devices' requests (type 0xab), as strace's `nbd_ioctl.c` prints them:
//! the socket, sizes and timeouts as values, the export's flags.

use super::Shape;
use crate::decode::flags::{Xlat, write_flags};

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // NBD_DO_IT, NBD_CLEAR_SOCK, NBD_CLEAR_QUE, NBD_PRINT_DEBUG, NBD_DISCONNECT
        0xab03..=0xab06 | 0xab08 => Shape::None,
        // NBD_SET_SOCK
        0xab00 => Shape::Fd,
        // NBD_SET_BLKSIZE, NBD_SET_SIZE, NBD_SET_SIZE_BLOCKS, NBD_SET_TIMEOUT
        0xab01 | 0xab02 | 0xab07 | 0xab09 => Shape::Ulong,
        // NBD_SET_FLAGS
        0xab0a => Shape::Value(|out, v| write_flags(out, v, FLAGS, None, "NBD_IOC_FLAG_???")),
        _ => return None,
    })
}

const FLAGS: Xlat = &[
    (1 << 0, "NBD_FLAG_HAS_FLAGS"),
    (1 << 1, "NBD_FLAG_READ_ONLY"),
    (1 << 2, "NBD_FLAG_SEND_FLUSH"),
    (1 << 3, "NBD_FLAG_SEND_FUA"),
    (1 << 4, "NBD_FLAG_ROTATIONAL"),
    (1 << 5, "NBD_FLAG_SEND_TRIM"),
    (1 << 6, "NBD_FLAG_SEND_WRITE_ZEROES"),
    (1 << 7, "NBD_FLAG_SEND_DF"),
    (1 << 8, "NBD_FLAG_CAN_MULTI_CONN"),
    (1 << 9, "NBD_FLAG_SEND_RESIZE"),
    (1 << 10, "NBD_FLAG_SEND_CACHE"),
];
