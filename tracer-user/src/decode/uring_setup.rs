//! `io_uring_setup`'s `struct io_uring_params`, as strace's `io_uring.c` prints it: what
//! the caller asks at entry (flags, the SQ thread's CPU and idle time, the work queue to
//! share with `IORING_SETUP_ATTACH_WQ`, reserved words that are not zero), then after a
//! success what the kernel wrote (ring sizes, features, the rings' offsets).

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use super::mem::Mem;
use super::structs::Bytes;
use super::{Call, DecodeOptions, in_out, write_addr, write_hex};
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
    write_resv2(out, &resv2);
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

// IORING_REGISTER_* opcodes whose argument this module prints.
const FILES_UPDATE: u32 = 6;
const PROBE: u32 = 8;
const FILES2: u32 = 13;
const FILES_UPDATE2: u32 = 14;
const BUFFERS2: u32 = 15;
const BUFFERS_UPDATE: u32 = 16;
const IOWQ_AFF: u32 = 17;
const IOWQ_MAX_WORKERS: u32 = 19;

/// `io_uring_register`'s argument for the opcodes whose struct points at more (or that
/// the kernel answers in), as strace's `io_uring.c` prints it; false for the others.
pub fn write_register_arg(
    out: &mut String,
    call: &Call,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) -> bool {
    let (addr, nargs) = (call.args[2], call.args[3] as u32);
    let op = call.args[1] as u32;
    let entry = Mem::of(call, false);
    match op {
        FILES_UPDATE => {
            let Some(b) = arg_bytes(call, 16) else {
                write_addr(out, addr);
                return true;
            };
            let _ = write!(out, "{{offset={}", b.u32(0).unwrap_or(0));
            write_resv(out, "resv", b.u32(4).unwrap_or(0).into());
            out.push_str(", fds=");
            let fds_at = b.u64(8).unwrap_or(0);
            write_elems(
                out,
                entry.get(fds_at),
                fds_at,
                nargs,
                4,
                opts,
                |s, e, at| {
                    write_update_fd(s, call.pid, e.i32(at)?, fds);
                    Some(())
                },
            );
            out.push('}');
        }
        PROBE => write_probe(out, call, opts),
        FILES2 | BUFFERS2 | FILES_UPDATE2 | BUFFERS_UPDATE => {
            let Some(b) = arg_bytes(call, 32).filter(|_| nargs >= 32) else {
                write_addr(out, addr);
                return true;
            };
            let register = matches!(op, FILES2 | BUFFERS2);
            let (data, tags, nr) = if register {
                let nr = b.u32(0).unwrap_or(0);
                let _ = write!(out, "{{nr={nr}, flags=");
                let rsrc_flags = &[(1, "IORING_RSRC_REGISTER_SPARSE")];
                let flags = b.u32(4).unwrap_or(0);
                write_flags(
                    out,
                    flags.into(),
                    rsrc_flags,
                    None,
                    "IORING_RSRC_REGISTER_???",
                );
                write_resv(out, "resv2", b.u64(8).unwrap_or(0));
                (b.u64(16).unwrap_or(0), b.u64(24).unwrap_or(0), nr)
            } else {
                let _ = write!(out, "{{offset={}", b.u32(0).unwrap_or(0));
                write_resv(out, "resv", b.u32(4).unwrap_or(0).into());
                (
                    b.u64(8).unwrap_or(0),
                    b.u64(16).unwrap_or(0),
                    b.u32(24).unwrap_or(0),
                )
            };
            out.push_str(", data=");
            match op {
                BUFFERS2 | BUFFERS_UPDATE => {
                    let cap = entry.capture(data, nr as usize * 16);
                    super::iovec::write_iovec_addrs(out, cap.as_ref(), data, nr.into(), opts)
                }
                _ => write_elems(out, entry.get(data), data, nr, 4, opts, |s, e, at| {
                    let fd = e.i32(at)?;
                    if op == FILES_UPDATE2 {
                        write_update_fd(s, call.pid, fd, fds);
                    } else {
                        super::write_plain_fd(s, call.pid, fd, fds);
                    }
                    Some(())
                }),
            }
            out.push_str(", tags=");
            write_elems(out, entry.get(tags), tags, nr, 8, opts, |s, e, at| {
                write_hex(s, e.u64(at)?);
                Some(())
            });
            if !register {
                let _ = write!(out, ", nr={nr}");
                write_resv(out, "resv2", b.u32(28).unwrap_or(0).into());
            }
            // Bytes past the struct, as far as `nr_args` (its size) says.
            let size = (nargs as usize).min(4096);
            if size > 32 {
                match arg_bytes(call, size) {
                    None => out.push_str(", ???"),
                    Some(b) if b.0[32..size].iter().any(|&c| c != 0) => {
                        let _ = write!(out, ", /* bytes 32..{} */ ", size - 1);
                        let shown = (size - 32).min(opts.string_limit);
                        super::strings::quote(out, &b.0[32..32 + shown], opts.hex, true);
                        if shown < size - 32 {
                            out.push_str("...");
                        }
                    }
                    Some(_) => {}
                }
            }
            out.push('}');
        }
        IOWQ_AFF => match arg_bytes(call, nargs as usize).filter(|_| addr != 0) {
            _ if nargs == 0 && addr != 0 => out.push_str("[]"),
            Some(b) => flags::write_cpu_set(out, &b.0[..nargs as usize]),
            None => write_addr(out, addr),
        },
        IOWQ_MAX_WORKERS => {
            // The limits asked, then (a success) the previous ones the kernel wrote.
            let counts = |out: &mut String, data: Option<&[u8]>| {
                write_elems(out, data, addr, nargs, 4, opts, |s, e, at| {
                    s.push('[');
                    let index = (at / 4) as u64;
                    write_enum_u(s, index, flags::lookup(IOWQ_ACCT, index), "IO_WQ_???");
                    let _ = write!(s, "]={}", e.u32(at)?);
                    Some(())
                })
            };
            let asked = call.capture(2).map(|c| &c.data[..]);
            counts(out, asked);
            let whole = asked.is_some_and(|d| d.len() >= 4 * nargs as usize);
            if nargs > 0 && addr != 0 && whole {
                out.push_str(" => ");
                match call.success() {
                    Some(_) => counts(out, Mem::of(call, true).get(addr)),
                    None => write_addr(out, addr),
                }
            }
        }
        _ => return false,
    }
    true
}

/// strace's `uring_iowq_acct`.
const IOWQ_ACCT: Xlat = &[(0, "IO_WQ_BOUND"), (1, "IO_WQ_UNBOUND")];

/// The argument's first `len` bytes as the plan copied them (its 40-byte struct, or the
/// array of `nr_args` elements), when all were read.
fn arg_bytes(call: &Call, len: usize) -> Option<Bytes<'_>> {
    use tracer_common::capture::{BUF, FIXED};
    call.captures
        .iter()
        .filter(|c| c.arg == 2 && matches!(c.kind, BUF | FIXED) && call.args[2] != 0)
        .find(|c| c.data.len() >= len)
        .map(|c| Bytes(&c.data))
}

/// A reserved field, when not zero.
fn write_resv(out: &mut String, name: &str, v: u64) {
    if v != 0 {
        let _ = write!(out, ", {name}=");
        write_hex(out, v);
    }
}

/// A descriptor to put in a registered files' slot: `IORING_REGISTER_FILES_SKIP` (-2)
/// leaves it, other values below -1 print as numbers.
fn write_update_fd(out: &mut String, pid: u32, fd: i32, fds: Option<&dyn FdNames>) {
    match fd {
        -2 => flags::styled(out, "-2", |o| o.push_str("IORING_REGISTER_FILES_SKIP")),
        fd if fd < -1 => {
            let _ = write!(out, "{fd}");
        }
        fd => super::write_plain_fd(out, pid, fd, fds),
    }
}

/// strace's `print_array` of `count` `size`-byte elements at `addr` from `data` (the
/// bytes read there): `NULL`, `[]`, the address when not even the first was read, the
/// elements up to where the memory ended (`... /* 0x... */`).
fn write_elems(
    out: &mut String,
    data: Option<&[u8]>,
    addr: u64,
    count: u32,
    size: usize,
    opts: &DecodeOptions,
    elem: impl Fn(&mut String, &Bytes, usize) -> Option<()>,
) {
    if addr == 0 {
        return out.push_str("NULL");
    }
    if count == 0 {
        return out.push_str("[]");
    }
    let cap = data.map(|d| crate::event::Capture {
        arg: 2,
        kind: tracer_common::capture::BUF,
        data: d.to_vec(),
        truncated: false,
        fault: d.len() < count as usize * size,
    });
    super::args::write_array(out, cap.as_ref(), addr, count.into(), size, opts, elem);
}

/// `IORING_REGISTER_PROBE`'s `struct io_uring_probe` (16 bytes, then `nr_args` ops of 8):
/// at entry unless all zeros, and after a success as the kernel filled it.
fn write_probe(out: &mut String, call: &Call, opts: &DecodeOptions) {
    let (addr, nargs) = (call.args[2], call.args[3] as u32);
    let size = 16 + 8 * nargs as usize;
    if nargs > 256 {
        return write_addr(out, addr);
    }
    let asked = arg_bytes(call, size).filter(|_| addr != 0);
    let Some(asked) = asked else {
        return write_addr(out, addr);
    };
    let zeros = asked.0[..size].iter().all(|&c| c == 0);
    if !zeros {
        write_probe_struct(out, &asked, nargs, None, opts);
    }
    let after = Mem::of(call, true).whole(addr, size);
    match (call.success(), after) {
        (Some(_), Some(after)) => {
            if !zeros {
                out.push_str(" => ");
            }
            let b = Bytes(after);
            let ops_len = after[1].into();
            write_probe_struct(out, &b, nargs.min(ops_len), Some(nargs < ops_len), opts);
        }
        _ if zeros => write_addr(out, addr),
        _ => {}
    }
}

fn write_probe_struct(
    out: &mut String,
    b: &Bytes,
    count: u32,
    cut: Option<bool>,
    opts: &DecodeOptions,
) {
    let (last_op, ops_len) = (b.0[0], b.0[1]);
    out.push_str("{last_op=");
    write_op(out, last_op);
    let _ = write!(out, ", ops_len={ops_len}");
    write_resv(out, "resv", b.u16(2).unwrap_or(0).into());
    let resv2 = [
        b.u32(4).unwrap_or(0),
        b.u32(8).unwrap_or(0),
        b.u32(12).unwrap_or(0),
    ];
    write_resv2(out, &resv2);
    out.push_str(", ops=[");
    let limit = if opts.abbreviate {
        opts.string_limit
    } else {
        usize::MAX
    };
    let mut shown = 0;
    for n in 0..count as usize {
        if n > 0 {
            out.push_str(", ");
        }
        if n == limit {
            out.push_str("...");
            break;
        }
        let at = 16 + 8 * n;
        let (op, resv, flags, resv2) = (
            b.0[at],
            b.0[at + 1],
            b.u16(at + 2).unwrap_or(0),
            b.u32(at + 4).unwrap_or(0),
        );
        out.push_str("{op=");
        write_op(out, op);
        write_resv(out, "resv", resv.into());
        out.push_str(", flags=");
        write_flags(
            out,
            flags.into(),
            &[(1, "IO_URING_OP_SUPPORTED")],
            None,
            "IO_URING_OP_???",
        );
        write_resv(out, "resv2", resv2.into());
        out.push('}');
        shown += 1;
    }
    if cut == Some(true) && shown == count as usize {
        if count > 0 {
            out.push_str(", ");
        }
        out.push_str("...");
    }
    out.push_str("]}");
}

/// An `IORING_OP_*` as strace's `PRINT_FIELD_XVAL_U` shows it: the name, else the
/// number in decimal with `/* IORING_OP_??? */`.
fn write_op(out: &mut String, op: u8) {
    let name = crate::uring::name(op);
    let name = name
        .strip_prefix("OP_")
        .is_none()
        .then(|| format!("IORING_OP_{name}"));
    write_enum_u(out, op.into(), name.as_deref(), "IORING_OP_???");
}

/// A named value in decimal (strace's `XLAT_STYLE_FMT_U`): `2 /* IO_WQ_??? */`.
fn write_enum_u(out: &mut String, value: u64, name: Option<&str>, dflt: &str) {
    let raw = value.to_string();
    flags::styled(out, &raw, |out| match name {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "{raw} /* {dflt} */");
        }
    });
}

/// What `io_uring_register`'s decoder prints behind its struct's pointers, to read at
/// this stop (entry, or `exit`).
pub(super) fn derefs(call: &Call, exit: bool, wants: &mut Vec<super::mem::Want>) {
    let (addr, nargs) = (call.args[2], call.args[3] as u32 as usize);
    let op = call.args[1] as u32;
    if exit {
        match op {
            PROBE if nargs <= 256 => wants.push((addr, 16 + 8 * nargs)),
            IOWQ_MAX_WORKERS => wants.push((addr, 4 * nargs.min(1024))),
            _ => {}
        }
        return;
    }
    let Some(b) = arg_bytes(call, 32).or_else(|| arg_bytes(call, 16)) else {
        return;
    };
    let u = |off| b.u32(off).unwrap_or(0) as usize;
    let x = |off| b.u64(off).unwrap_or(0);
    let elem = if matches!(op, BUFFERS2 | BUFFERS_UPDATE) {
        16
    } else {
        4
    };
    let most = |n: usize| n.min(1024);
    match op {
        FILES_UPDATE => wants.push((x(8), 4 * most(nargs))),
        FILES2 | BUFFERS2 if b.0.len() >= 32 => {
            wants.push((x(16), elem * most(u(0))));
            wants.push((x(24), 8 * most(u(0))));
        }
        FILES_UPDATE2 | BUFFERS_UPDATE if b.0.len() >= 32 => {
            wants.push((x(8), elem * most(u(24))));
            wants.push((x(16), 8 * most(u(24))));
        }
        _ => {}
    }
}

/// `, resv2=[0x.., ...]` when any of the reserved words is not zero.
fn write_resv2(out: &mut String, resv2: &[u32]) {
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
}
