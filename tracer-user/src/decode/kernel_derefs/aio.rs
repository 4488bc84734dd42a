//! io_submit's iocbs (no argument picks them: every call): the array of `nr` pointers
//! (argument 2), each iocb they point at, and each iocb's buffer, as bytes (a write's,
//! up to `-s` and a byte) and as iovecs (the vectored calls'), what
//! [`crate::decode::aio`] prints; the first [`tracer_common::MAX_DEREF_EACH`] iocbs.

use tracer_common::{
    DEREF_COUNT_ARG, DEREF_EACH, DEREF_EACH_PTR, DEREF_SELF, DerefSpec, EACH_FIXED,
};

use super::{ENTER, Entries, behind};

const ARG: u8 = 2;
/// `sizeof(struct iocb)`, where its `aio_buf` and `aio_nbytes` are.
const IOCB: u32 = crate::decode::aio::IOCB_SIZE as u32;
const BUF_AT: u16 = 24;
const NBYTES_AT: u16 = 32;

const IO_SUBMIT: &[DerefSpec] = &[
    behind(ENTER, ARG, DEREF_SELF, (1, DEREF_COUNT_ARG), 8, 0, 512 * 8),
    behind(ENTER, ARG, 0, (EACH_FIXED, DEREF_EACH), 8, IOCB, IOCB),
    behind(ENTER, ARG, BUF_AT, (NBYTES_AT, DEREF_EACH_PTR), 8, 0, 4096),
    behind(ENTER, ARG, BUF_AT, (NBYTES_AT, DEREF_EACH_PTR), 8, 16, 4096),
];

pub const TABLE: Entries = &[(0, IO_SUBMIT)];
