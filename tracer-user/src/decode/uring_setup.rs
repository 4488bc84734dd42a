//! `io_uring_setup`'s `struct io_uring_params`, as strace's `io_uring.c` prints it: what
//! the caller asks at entry (flags, the SQ thread's CPU and idle time, the work queue to
//! share with `IORING_SETUP_ATTACH_WQ`, reserved words that are not zero), then after a
//! success what the kernel wrote (ring sizes, features, the rings' offsets).

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use super::structs::Bytes;
use super::{Call, in_out, write_addr, write_hex};
use crate::event::FdNames;

/// `sizeof(struct io_uring_params)`.
pub const SIZE: u16 = 120;
const ATTACH_WQ: u32 = 1 << 5;

/// strace 6.1's `uring_setup_flags`.
const SETUP_FLAGS: Xlat = &[
    (1 << 0, "IORING_SETUP_IOPOLL"),
    (1 << 1, "IORING_SETUP_SQPOLL"),
    (1 << 2, "IORING_SETUP_SQ_AFF"),
    (1 << 3, "IORING_SETUP_CQSIZE"),
    (1 << 4, "IORING_SETUP_CLAMP"),
    (1 << 5, "IORING_SETUP_ATTACH_WQ"),
    (1 << 6, "IORING_SETUP_R_DISABLED"),
    (1 << 7, "IORING_SETUP_SUBMIT_ALL"),
    (1 << 8, "IORING_SETUP_COOP_TASKRUN"),
    (1 << 9, "IORING_SETUP_TASKRUN_FLAG"),
    (1 << 10, "IORING_SETUP_SQE128"),
    (1 << 11, "IORING_SETUP_CQE32"),
];

/// strace 6.1's `uring_setup_features`.
const FEATURES: Xlat = &[
    (1 << 0, "IORING_FEAT_SINGLE_MMAP"),
    (1 << 1, "IORING_FEAT_NODROP"),
    (1 << 2, "IORING_FEAT_SUBMIT_STABLE"),
    (1 << 3, "IORING_FEAT_RW_CUR_POS"),
    (1 << 4, "IORING_FEAT_CUR_PERSONALITY"),
    (1 << 5, "IORING_FEAT_FAST_POLL"),
    (1 << 6, "IORING_FEAT_POLL_32BITS"),
    (1 << 7, "IORING_FEAT_SQPOLL_NONFIXED"),
    (1 << 8, "IORING_FEAT_EXT_ARG"),
    (1 << 9, "IORING_FEAT_NATIVE_WORKERS"),
    (1 << 10, "IORING_FEAT_RSRC_TAGS"),
    (1 << 11, "IORING_FEAT_CQE_SKIP"),
    (1 << 12, "IORING_FEAT_LINKED_FILE"),
];

/// The params as copied at entry (or, with `exit`, at exit), whole.
fn params<'a>(call: &'a Call, i: usize, exit: bool) -> Option<Bytes<'a>> {
    let (entry, after) = in_out(call, i);
    let cap = if exit { after } else { entry };
    cap.filter(|c| !c.fault && !c.truncated && c.data.len() >= SIZE as usize && call.args[i] != 0)
        .map(|c| Bytes(&c.data))
}

/// The work queue descriptor the line names (`IORING_SETUP_ATTACH_WQ`), for `-y`.
pub fn named_fd(call: &Call) -> Option<i32> {
    let b = params(call, 1, false)?;
    (b.u32(8)? & ATTACH_WQ != 0).then_some(b.i32(24)?)
}

/// Argument `i`, the params.
pub fn write_params(out: &mut String, call: &Call, i: usize, fds: Option<&dyn FdNames>) {
    let Some(b) = params(call, i, false) else {
        return write_addr(out, call.args[i]);
    };
    write_entry(out, &b, call.pid, fds);
    if call.success().is_some()
        && let Some(b) = params(call, i, true)
    {
        write_exit(out, &b);
    }
    out.push('}');
}

fn write_entry(out: &mut String, b: &Bytes, pid: u32, fds: Option<&dyn FdNames>) -> Option<()> {
    let flags = b.u32(8)?;
    out.push_str("{flags=");
    write_flags(out, flags.into(), SETUP_FLAGS, None, "IORING_SETUP_???");
    out.push_str(", sq_thread_cpu=");
    write_hex(out, b.u32(12)?.into());
    let _ = write!(out, ", sq_thread_idle={}", b.u32(16)?);
    if flags & ATTACH_WQ != 0 {
        out.push_str(", wq_fd=");
        super::write_plain_fd(out, pid, b.i32(24)?, fds);
    }
    let resv = [b.u32(28)?, b.u32(32)?, b.u32(36)?];
    if resv.iter().any(|&r| r != 0) {
        out.push_str(", resv=[");
        for (n, r) in resv.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            write_hex(out, (*r).into());
        }
        out.push(']');
    }
    Some(())
}

fn write_exit(out: &mut String, b: &Bytes) -> Option<()> {
    let _ = write!(
        out,
        ", sq_entries={}, cq_entries={}, features=",
        b.u32(0)?,
        b.u32(4)?
    );
    write_flags(out, b.u32(20)?.into(), FEATURES, None, "IORING_FEAT_???");
    out.push_str(", sq_off=");
    write_offsets(
        out,
        b,
        40,
        &[
            "head",
            "tail",
            "ring_mask",
            "ring_entries",
            "flags",
            "dropped",
            "array",
        ],
    )?;
    out.push_str(", cq_off=");
    write_offsets(
        out,
        b,
        80,
        &[
            "head",
            "tail",
            "ring_mask",
            "ring_entries",
            "overflow",
            "cqes",
            "flags",
        ],
    )
}

/// `struct io_sqring_offsets` or `io_cqring_offsets` at `at`: seven `__u32`s, then
/// `resv1` (`__u32`) and `resv2` (`__u64`), shown when not zero.
fn write_offsets(out: &mut String, b: &Bytes, at: usize, names: &[&str; 7]) -> Option<()> {
    out.push('{');
    for (n, name) in names.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name}={}", b.u32(at + 4 * n)?);
    }
    for (name, v) in [
        ("resv1", u64::from(b.u32(at + 28)?)),
        ("resv2", b.u64(at + 32)?),
    ] {
        if v != 0 {
            let _ = write!(out, ", {name}=");
            write_hex(out, v);
        }
    }
    out.push('}');
    Some(())
}

/// `struct io_uring_buf_reg` (`IORING_REGISTER_PBUF_RING`, `IORING_UNREGISTER_PBUF_RING`):
/// `{ring_addr=0x..., ring_entries=8, bgid=1}`, `pad` and `resv` when not zero.
pub fn write_buf_reg(out: &mut String, b: &Bytes) -> Option<()> {
    let resv = [b.u64(16)?, b.u64(24)?, b.u64(32)?];
    out.push_str("{ring_addr=");
    write_addr(out, b.u64(0)?);
    let _ = write!(out, ", ring_entries={}, bgid={}", b.u32(8)?, b.u16(12)?);
    let pad = b.u16(14)?;
    if pad != 0 {
        out.push_str(", pad=");
        write_hex(out, pad.into());
    }
    if resv.iter().any(|&r| r != 0) {
        out.push_str(", resv=[");
        for (n, r) in resv.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            write_hex(out, *r);
        }
        out.push(']');
    }
    out.push('}');
    Some(())
}

/// The descriptors `IORING_REGISTER_FILES`, `_EVENTFD` and `_EVENTFD_ASYNC` pass, for
/// `-y`.
pub fn registered_fds(call: &Call) -> Vec<i32> {
    if !matches!(call.args[1] as u32, 2 | 4 | 7) {
        return Vec::new();
    }
    let count = (call.args[3] as u32 as usize).min(64);
    call.capture(2)
        .filter(|c| !c.fault || !c.data.is_empty())
        .map(|c| {
            c.data
                .chunks_exact(4)
                .take(count)
                .map(|f| i32::from_le_bytes(f.try_into().expect("4 bytes")))
                .filter(|&fd| fd >= 0)
                .collect()
        })
        .unwrap_or_default()
}

const RESTRICTION_OPCODES: Xlat = &[
    (0, "IORING_RESTRICTION_REGISTER_OP"),
    (1, "IORING_RESTRICTION_SQE_OP"),
    (2, "IORING_RESTRICTION_SQE_FLAGS_ALLOWED"),
    (3, "IORING_RESTRICTION_SQE_FLAGS_REQUIRED"),
];

const SQE_FLAGS: Xlat = &[
    (1 << 0, "IOSQE_FIXED_FILE"),
    (1 << 1, "IOSQE_IO_DRAIN"),
    (1 << 2, "IOSQE_IO_LINK"),
    (1 << 3, "IOSQE_IO_HARDLINK"),
    (1 << 4, "IOSQE_ASYNC"),
    (1 << 5, "IOSQE_BUFFER_SELECT"),
    (1 << 6, "IOSQE_CQE_SKIP_SUCCESS"),
];

/// One `struct io_uring_restriction` (`IORING_REGISTER_RESTRICTIONS`) at `at`.
pub fn write_restriction(out: &mut String, b: &Bytes, at: usize) -> Option<()> {
    let opcode = b.u16(at)?;
    let (op, resv) = (*b.0.get(at + 2)?, *b.0.get(at + 3)?);
    let resv2 = [b.u32(at + 4)?, b.u32(at + 8)?, b.u32(at + 12)?];
    out.push_str("{opcode=");
    write_enum(
        out,
        opcode.into(),
        RESTRICTION_OPCODES,
        "IORING_RESTRICTION_???",
    );
    match opcode {
        0 => {
            out.push_str(", register_op=");
            crate::decode::xlat::write_named(
                out,
                crate::syscalls::NamedSet::UringRegisterOpcode,
                op.into(),
            );
        }
        1 => {
            out.push_str(", sqe_op=");
            let name = crate::uring::name(op);
            match name.strip_prefix("OP_") {
                // Not a name this tracer knows: strace's `IORING_OP_???`.
                Some(_) => write_enum(out, op.into(), &[], "IORING_OP_???"),
                None => flags::styled(out, &flags::hex(op.into()), |out| {
                    let _ = write!(out, "IORING_OP_{name}");
                }),
            }
        }
        2 | 3 => {
            out.push_str(", sqe_flags=");
            write_flags(out, op.into(), SQE_FLAGS, None, "IOSQE_???");
        }
        _ => {
            let _ = write!(out, " /* op: {} */", flags::hex(op.into()));
        }
    }
    if resv != 0 {
        out.push_str(", resv=");
        write_hex(out, resv.into());
    }
    if resv2.iter().any(|&r| r != 0) {
        out.push_str(", resv2=[");
        for (n, r) in resv2.iter().enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            write_hex(out, (*r).into());
        }
        out.push(']');
    }
    out.push('}');
    Some(())
}

/// One `struct io_uring_rsrc_update` of `IORING_REGISTER_RING_FDS` (`register`: the
/// descriptor to register in `data`) or `IORING_UNREGISTER_RING_FDS`.
pub fn write_ring_fd(
    out: &mut String,
    b: &Bytes,
    at: usize,
    register: bool,
    pid: u32,
    fds: Option<&dyn FdNames>,
) -> Option<()> {
    let (offset, resv, data) = (b.u32(at)?, b.u32(at + 4)?, b.u64(at + 8)?);
    if register && offset == u32::MAX {
        out.push_str("{offset=-1");
    } else {
        let _ = write!(out, "{{offset={offset}");
    }
    if resv != 0 {
        out.push_str(", resv=");
        write_hex(out, resv.into());
    }
    if register {
        out.push_str(", data=");
        super::write_plain_fd(out, pid, data as i32, fds);
    } else if data != 0 {
        out.push_str(", data=");
        write_hex(out, data);
    }
    out.push('}');
    Some(())
}
