//! Seccomp user notifications' requests (type `!`), as strace's `seccomp_ioctl.c`
//! prints them.

use std::fmt::Write;

use super::{Ctx, Shape, need};
use crate::decode::errno::errno_name;
use crate::decode::flags::{OPEN_FLAGS, Xlat, hex, style, write_enum, write_flags};
use crate::decode::structs::Bytes;
use crate::decode::{XlatStyle, write_addr, write_pid, write_plain_fd};

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // SECCOMP_IOCTL_NOTIF_RECV
        0xc050_2100 => Shape::Updated(
            |out, b, ctx| match b.0.iter().all(|&c| c == 0) {
                true => None,
                false => notif(out, b, ctx),
            },
            notif,
        ),
        // SECCOMP_IOCTL_NOTIF_SEND
        0xc018_2101 => Shape::In(resp),
        // SECCOMP_IOCTL_NOTIF_ID_VALID, and the number with the wrong direction older
        // headers gave it.
        0x4008_2102 | 0x8008_2102 => Shape::In(|out, b, _| {
            let _ = write!(out, "[{}]", hex(b.u64(0)?));
            Some(())
        }),
        // SECCOMP_IOCTL_NOTIF_ADDFD
        0x4018_2103 => Shape::In(addfd),
        _ => return None,
    })
}

/// `struct seccomp_notif` (at entry, one not all zeros: what the kernel is to fill).
fn notif(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 80)?;
    let _ = write!(out, "{{id={}, pid=", hex(b.u64(0)?));
    write_pid(out, ctx.pid, b.i32(8)?, ctx.opts);
    let (nr, arch) = (b.u32(16)?, b.u32(20)?);
    let _ = write!(out, ", flags={}, data={{nr=", hex(b.u32(12)?.into()));
    syscall_name(out, nr, arch);
    out.push_str(", arch=");
    write_enum(out, arch.into(), AUDIT_ARCHES, "AUDIT_ARCH_???");
    out.push_str(", instruction_pointer=");
    write_addr(out, b.u64(24)?);
    out.push_str(", args=[");
    for n in 0..6 {
        if n > 0 {
            out.push_str(", ");
        }
        out.push_str(&hex(b.u64(32 + 8 * n)?));
    }
    out.push_str("]}}");
    Some(())
}

/// strace's `PRINT_FIELD_SYSCALL_NAME`: a call of the tracer's own architecture by
/// name.
pub(in crate::decode) fn syscall_name(out: &mut String, nr: u32, arch: u32) {
    let name = (arch == tracer_common::AUDIT_ARCH)
        .then(|| crate::syscalls::by_nr(nr))
        .flatten()
        .map(|sc| sc.name);
    match (name, style()) {
        (Some(name), XlatStyle::Abbrev) => {
            let _ = write!(out, "__NR_{name}");
        }
        (Some(name), XlatStyle::Verbose) => {
            let _ = write!(out, "{nr} /* __NR_{name} */");
        }
        _ => {
            let _ = write!(out, "{nr}");
        }
    }
}

fn resp(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 24)?;
    let _ = write!(out, "{{id={}, val={}, error=", hex(b.u64(0)?), b.i64(8)?);
    let error = b.i32(16)?;
    match (errno_name(error.wrapping_neg()), style()) {
        (Some(name), XlatStyle::Abbrev) => {
            let _ = write!(out, "-{name}");
        }
        (Some(name), XlatStyle::Verbose) => {
            let _ = write!(out, "{error} /* -{name} */");
        }
        _ => {
            let _ = write!(out, "{error}");
        }
    }
    out.push_str(", flags=");
    write_flags(
        out,
        b.u32(20)?.into(),
        RESP_FLAGS,
        None,
        "SECCOMP_USER_NOTIF_FLAG_???",
    );
    out.push('}');
    Some(())
}

fn addfd(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 24)?;
    let _ = write!(out, "{{id={}, flags=", hex(b.u64(0)?));
    write_flags(
        out,
        b.u32(8)?.into(),
        ADDFD_FLAGS,
        None,
        "SECCOMP_ADDFD_FLAG_???",
    );
    out.push_str(", srcfd=");
    write_plain_fd(out, ctx.pid, b.i32(12)?, ctx.fds);
    let _ = write!(out, ", newfd={}, newfd_flags=", b.i32(16)?);
    write_flags(out, b.u32(20)?.into(), OPEN_FLAGS, None, "O_???");
    out.push('}');
    Some(())
}

const RESP_FLAGS: Xlat = &[(1, "SECCOMP_USER_NOTIF_FLAG_CONTINUE")];

const ADDFD_FLAGS: Xlat = &[
    (1, "SECCOMP_ADDFD_FLAG_SETFD"),
    (2, "SECCOMP_ADDFD_FLAG_SEND"),
];

/// strace's `audit_arch`.
pub(in crate::decode) const AUDIT_ARCHES: Xlat = &[
    (0xc00000b7, "AUDIT_ARCH_AARCH64"),
    (0xc0009026, "AUDIT_ARCH_ALPHA"),
    (0x4000005d, "AUDIT_ARCH_ARCOMPACT"),
    (0x5d, "AUDIT_ARCH_ARCOMPACTBE"),
    (0x400000c3, "AUDIT_ARCH_ARCV2"),
    (0xc3, "AUDIT_ARCH_ARCV2BE"),
    (0x40000028, "AUDIT_ARCH_ARM"),
    (0x28, "AUDIT_ARCH_ARMEB"),
    (0x4000008c, "AUDIT_ARCH_C6X"),
    (0x8c, "AUDIT_ARCH_C6XBE"),
    (0x4000004c, "AUDIT_ARCH_CRIS"),
    (0x400000fc, "AUDIT_ARCH_CSKY"),
    (0x5441, "AUDIT_ARCH_FRV"),
    (0x2e, "AUDIT_ARCH_H8300"),
    (0xa4, "AUDIT_ARCH_HEXAGON"),
    (0x40000003, "AUDIT_ARCH_I386"),
    (0xc0000032, "AUDIT_ARCH_IA64"),
    (0x40000102, "AUDIT_ARCH_LOONGARCH32"),
    (0xc0000102, "AUDIT_ARCH_LOONGARCH64"),
    (0x58, "AUDIT_ARCH_M32R"),
    (0x4, "AUDIT_ARCH_M68K"),
    (0xbd, "AUDIT_ARCH_MICROBLAZE"),
    (0x8, "AUDIT_ARCH_MIPS"),
    (0x80000008, "AUDIT_ARCH_MIPS64"),
    (0xa0000008, "AUDIT_ARCH_MIPS64N32"),
    (0x40000008, "AUDIT_ARCH_MIPSEL"),
    (0xc0000008, "AUDIT_ARCH_MIPSEL64"),
    (0xe0000008, "AUDIT_ARCH_MIPSEL64N32"),
    (0x400000a7, "AUDIT_ARCH_NDS32"),
    (0xa7, "AUDIT_ARCH_NDS32BE"),
    (0x40000071, "AUDIT_ARCH_NIOS2"),
    (0x5c, "AUDIT_ARCH_OPENRISC"),
    (0xf, "AUDIT_ARCH_PARISC"),
    (0x8000000f, "AUDIT_ARCH_PARISC64"),
    (0x14, "AUDIT_ARCH_PPC"),
    (0x80000015, "AUDIT_ARCH_PPC64"),
    (0xc0000015, "AUDIT_ARCH_PPC64LE"),
    (0x400000f3, "AUDIT_ARCH_RISCV32"),
    (0xc00000f3, "AUDIT_ARCH_RISCV64"),
    (0x16, "AUDIT_ARCH_S390"),
    (0x80000016, "AUDIT_ARCH_S390X"),
    (0x2a, "AUDIT_ARCH_SH"),
    (0x8000002a, "AUDIT_ARCH_SH64"),
    (0x4000002a, "AUDIT_ARCH_SHEL"),
    (0xc000002a, "AUDIT_ARCH_SHEL64"),
    (0x2, "AUDIT_ARCH_SPARC"),
    (0x8000002b, "AUDIT_ARCH_SPARC64"),
    (0xc00000bf, "AUDIT_ARCH_TILEGX"),
    (0x400000bf, "AUDIT_ARCH_TILEGX32"),
    (0x400000bc, "AUDIT_ARCH_TILEPRO"),
    (0x4000006e, "AUDIT_ARCH_UNICORE"),
    (0xc000003e, "AUDIT_ARCH_X86_64"),
    (0x5e, "AUDIT_ARCH_XTENSA"),
    (0x40000057, "AUDIT_ARCH_V850"),
];
