//! userfaultfd's requests (type 0xaa), as strace's `userfaultfd.c` prints them: the
//! struct read, then what the kernel wrote into it (`Continued`).

use std::fmt::Write;

use super::{Shape, need};
use crate::decode::flags::{Xlat, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::write_hex;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // UFFDIO_API: the features asked for, those granted when they differ, the
        // requests.
        0xc018_aa3f => Shape::Continued(
            |out, b, _| {
                need(b, 24)?;
                out.push_str("{api=");
                write_hex(out, b.u64(0)?);
                out.push_str(", features=");
                write_flags(out, b.u64(8)?, FEATURES, None, "UFFD_FEATURE_???");
                Some(())
            },
            |out, b, ctx| {
                need(b, 24)?;
                let features = b.u64(8)?;
                if Bytes(ctx.entry).u64(8) != Some(features) {
                    out.push_str(" => features=");
                    write_flags(out, features, FEATURES, None, "UFFD_FEATURE_???");
                }
                out.push_str(", ioctls=");
                write_flags(out, b.u64(16)?, API_IOCTLS, None, "_UFFDIO_???");
                Some(())
            },
        ),
        // UFFDIO_REGISTER: the range and mode, then the requests it allows.
        0xc020_aa00 => Shape::Continued(
            |out, b, _| {
                need(b, 32)?;
                range(out, b, 0)?;
                out.push_str(", mode=");
                write_flags(
                    out,
                    b.u64(16)?,
                    REGISTER_MODES,
                    None,
                    "UFFDIO_REGISTER_MODE_???",
                );
                Some(())
            },
            |out, b, _| {
                need(b, 32)?;
                out.push_str(", ioctls=");
                write_flags(out, b.u64(24)?, REGISTER_IOCTLS, None, "UFFDIO_???");
                Some(())
            },
        ),
        // UFFDIO_COPY: what to copy, then how much was.
        0xc028_aa03 => Shape::Continued(
            |out, b, _| {
                need(b, 40)?;
                let _ = write!(out, "{{dst=");
                write_hex(out, b.u64(0)?);
                out.push_str(", src=");
                write_hex(out, b.u64(8)?);
                out.push_str(", len=");
                write_hex(out, b.u64(16)?);
                out.push_str(", mode=");
                write_flags(out, b.u64(24)?, COPY_MODES, None, "UFFDIO_COPY_???");
                Some(())
            },
            |out, b, _| {
                need(b, 40)?;
                out.push_str(", copy=");
                write_hex(out, b.u64(32)?);
                Some(())
            },
        ),
        // UFFDIO_ZEROPAGE: the range and mode, then how much was zeroed.
        0xc020_aa04 => Shape::Continued(
            |out, b, _| {
                need(b, 32)?;
                range(out, b, 0)?;
                out.push_str(", mode=");
                write_flags(out, b.u64(16)?, ZEROPAGE_MODES, None, "UFFDIO_ZEROPAGE_???");
                Some(())
            },
            |out, b, _| {
                need(b, 32)?;
                out.push_str(", zeropage=");
                write_hex(out, b.u64(24)?);
                Some(())
            },
        ),
        // UFFDIO_UNREGISTER, UFFDIO_WAKE: a range.
        0x8010_aa01 | 0x8010_aa02 => Shape::In(|out, b, _| {
            need(b, 16)?;
            write_range(out, b, 0)
        }),
        _ => return None,
    })
}

/// `{range={start=0x1000, len=0x1000}`: a struct opening with its range.
fn range(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    out.push_str("{range=");
    write_range(out, b, off)
}

fn write_range(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    out.push_str("{start=");
    write_hex(out, b.u64(off)?);
    out.push_str(", len=");
    write_hex(out, b.u64(off + 8)?);
    out.push('}');
    Some(())
}

const FEATURES: Xlat = &[
    (1 << 0, "UFFD_FEATURE_PAGEFAULT_FLAG_WP"),
    (1 << 1, "UFFD_FEATURE_EVENT_FORK"),
    (1 << 2, "UFFD_FEATURE_EVENT_REMAP"),
    (1 << 3, "UFFD_FEATURE_EVENT_REMOVE"),
    (1 << 4, "UFFD_FEATURE_MISSING_HUGETLBFS"),
    (1 << 5, "UFFD_FEATURE_MISSING_SHMEM"),
    (1 << 6, "UFFD_FEATURE_EVENT_UNMAP"),
    (1 << 7, "UFFD_FEATURE_SIGBUS"),
    (1 << 8, "UFFD_FEATURE_THREAD_ID"),
    (1 << 9, "UFFD_FEATURE_MINOR_HUGETLBFS"),
    (1 << 10, "UFFD_FEATURE_MINOR_SHMEM"),
    (1 << 11, "UFFD_FEATURE_EXACT_ADDRESS"),
    (1 << 12, "UFFD_FEATURE_WP_HUGETLBFS_SHMEM"),
];

const API_IOCTLS: Xlat = &[
    (1 << 0, "1<<_UFFDIO_REGISTER"),
    (1 << 1, "1<<_UFFDIO_UNREGISTER"),
    (1 << 63, "1<<_UFFDIO_API"),
];

const REGISTER_IOCTLS: Xlat = &[
    (1 << 2, "1<<_UFFDIO_WAKE"),
    (1 << 3, "1<<_UFFDIO_COPY"),
    (1 << 4, "1<<_UFFDIO_ZEROPAGE"),
    (1 << 6, "1<<_UFFDIO_WRITEPROTECT"),
    (1 << 7, "1<<_UFFDIO_CONTINUE"),
];

const COPY_MODES: Xlat = &[
    (1 << 0, "UFFDIO_COPY_MODE_DONTWAKE"),
    (1 << 1, "UFFDIO_COPY_MODE_WP"),
];

const REGISTER_MODES: Xlat = &[
    (1 << 0, "UFFDIO_REGISTER_MODE_MISSING"),
    (1 << 1, "UFFDIO_REGISTER_MODE_WP"),
    (1 << 2, "UFFDIO_REGISTER_MODE_MINOR"),
];

const ZEROPAGE_MODES: Xlat = &[(1 << 0, "UFFDIO_ZEROPAGE_MODE_DONTWAKE")];
