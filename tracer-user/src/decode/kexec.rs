//! `kexec_load`'s segments and flags (strace's `kexec.c`).

use std::fmt::Write;

use super::flags::{Xlat, write_enum, write_flags};
use super::strings::write_addr;
use super::structs::Bytes;
use super::write_int;

/// Most segments the kernel takes (`KEXEC_SEGMENT_MAX`): more show as the address.
pub const SEGMENT_MAX: u64 = 16;
const ARCH_MASK: u64 = 0xffff_0000;

/// One `struct kexec_segment` at `off`: buffer, its size, memory, its size.
pub fn write_segment(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let (buf, bufsz, mem, memsz) = (
        b.u64(off)?,
        b.u64(off + 8)?,
        b.u64(off + 16)?,
        b.u64(off + 24)?,
    );
    out.push_str("{buf=");
    write_addr(out, buf);
    out.push_str(", bufsz=");
    write_int(out, bufsz);
    out.push_str(", mem=");
    write_addr(out, mem);
    let _ = write!(out, ", memsz={memsz}}}");
    Some(())
}

/// The architecture (`KEXEC_ARCH_X86_64`), then `|` and the other flags if any.
pub fn write_flags_arg(out: &mut String, v: u64) {
    write_enum(out, v & ARCH_MASK, ARCHES, "KEXEC_ARCH_???");
    let rest = v & !ARCH_MASK;
    if rest != 0 {
        out.push('|');
        write_flags(out, rest, FLAGS, None, "KEXEC_???");
    }
}

const FLAGS: Xlat = &[(1, "KEXEC_ON_CRASH"), (2, "KEXEC_PRESERVE_CONTEXT")];

const ARCHES: Xlat = &[
    (0, "KEXEC_ARCH_DEFAULT"),
    (3 << 16, "KEXEC_ARCH_386"),
    (4 << 16, "KEXEC_ARCH_68K"),
    (15 << 16, "KEXEC_ARCH_PARISC"),
    (62 << 16, "KEXEC_ARCH_X86_64"),
    (20 << 16, "KEXEC_ARCH_PPC"),
    (21 << 16, "KEXEC_ARCH_PPC64"),
    (50 << 16, "KEXEC_ARCH_IA_64"),
    (40 << 16, "KEXEC_ARCH_ARM"),
    (22 << 16, "KEXEC_ARCH_S390"),
    (42 << 16, "KEXEC_ARCH_SH"),
    (10 << 16, "KEXEC_ARCH_MIPS_LE"),
    (8 << 16, "KEXEC_ARCH_MIPS"),
    (183 << 16, "KEXEC_ARCH_AARCH64"),
    (243 << 16, "KEXEC_ARCH_RISCV"),
    (258 << 16, "KEXEC_ARCH_LOONGARCH"),
];
