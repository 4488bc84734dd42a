//! io_uring_register's copies behind pointers in its argument (argument 2), by opcode
//! (argument 1): static descriptions of what [`crate::decode::uring_setup`]'s `derefs`
//! asks the ptrace backend for. The struct itself is the plan's copy (its 40 bytes, or
//! `nr_args` elements of 16).

use tracer_common::{DEREF_COUNT_ARG, DEREF_SELF, DerefSpec, when};

use super::{ENTER, Entries};

const ARG: u8 = 2;
/// Most bytes copied behind one pointer.
const MAX: u32 = 4096;

/// `count.1` bytes at `count.0` of the struct count `elem`-byte elements at the pointer
/// at `ptr_at`.
const fn array(ptr_at: u16, count: (u16, u8), elem: u32) -> DerefSpec {
    super::behind(ENTER, ARG, ptr_at, count, elem, 0, MAX)
}

/// After a success, the argument itself: `add` bytes and as many `elem`-byte elements
/// as `nr_args` (argument 3) says, as the kernel wrote them.
const fn answer(elem: u32, add: u32) -> DerefSpec {
    super::behind(
        when::EXIT_OK,
        ARG,
        DEREF_SELF,
        (3, DEREF_COUNT_ARG),
        elem,
        add,
        MAX,
    )
}

/// `struct io_uring_rsrc_register` (FILES2, BUFFERS2): `nr` (u32 at 0) descriptors or
/// iovecs at `data` (16) and tags at `tags` (24).
const fn register(elem: u32) -> [DerefSpec; 2] {
    [array(16, (0, 4), elem), array(24, (0, 4), 8)]
}

/// `struct io_uring_rsrc_update2` (FILES_UPDATE2, BUFFERS_UPDATE): `nr` (u32 at 24)
/// descriptors or iovecs at `data` (8) and tags at `tags` (16).
const fn update(elem: u32) -> [DerefSpec; 2] {
    [array(8, (24, 4), elem), array(16, (24, 4), 8)]
}

/// By opcode: the copies, at most [`tracer_common::MAX_DEREFS`].
pub const TABLE: Entries = &[
    // IORING_REGISTER_FILES_UPDATE: `nr_args` descriptors at `fds` (8).
    (6, &[array(8, (3, DEREF_COUNT_ARG), 4)]),
    // IORING_REGISTER_PROBE: the probe the kernel filled (16 bytes, 8 an op).
    (8, &[answer(8, 16)]),
    (13, &register(4)),
    (14, &update(4)),
    (15, &register(16)),
    (16, &update(16)),
    // IORING_REGISTER_IOWQ_MAX_WORKERS: the previous limits the kernel wrote.
    (19, &[answer(4, 0)]),
];
