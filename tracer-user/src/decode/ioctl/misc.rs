//! The smaller families' requests, each as its strace decoder prints it.

use super::{Ctx, Shape};

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // FICLONE: the source descriptor.
        0x4004_9409 => Shape::Int,
        _ => return None,
    })
}
