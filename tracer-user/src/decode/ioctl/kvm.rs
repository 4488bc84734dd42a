//! KVM's requests (type 0xae), as strace's `kvm.c` and its x86_64 `arch_kvm.c` print
//! them: the capability asked about, guest memory slots, CPUID tables (their entries
//! follow the header, which is all the request's size covers: read further as
//! [`derefs`] asks, `[...]` as strace abbreviates them), registers.

use std::fmt::Write;

use super::xlat::{KVM_CAP, KVM_CPUID_FLAGS, KVM_MEM_FLAGS};
use super::{Ctx, Shape, Want, Where, hex_u64s, need};
use crate::decode::flags::{hex, write_enum, write_flags};
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // KVM_CREATE_VCPU: the vCPU's id.
        0xae41 => Shape::Value(|out, v| {
            let _ = write!(out, "{}", v as u32);
        }),
        // KVM_CHECK_EXTENSION
        0xae03 => Shape::Value(|out, v| write_enum(out, v, KVM_CAP, "KVM_CAP_???")),
        // KVM_SET_USER_MEMORY_REGION
        0x4020_ae46 => Shape::In(memory_region),
        // KVM_GET_SUPPORTED_CPUID, KVM_GET_EMULATED_CPUID; KVM_SET_CPUID2
        0xc008_ae05 | 0xc008_ae09 => Shape::Out(cpuid2),
        0x4008_ae90 => Shape::In(cpuid2),
        // KVM_GET_REGS; KVM_SET_REGS
        0x8090_ae81 => Shape::Out(regs),
        0x4090_ae82 => Shape::In(regs),
        // KVM_GET_SREGS; KVM_SET_SREGS
        0x8138_ae83 => Shape::Out(sregs),
        0x4138_ae84 => Shape::In(sregs),
        // KVM_RUN, KVM_GET_API_VERSION, KVM_CREATE_VM, KVM_GET_VCPU_MMAP_SIZE: strace's
        // default.
        _ => return None,
    })
}

fn memory_region(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 32)?;
    let _ = write!(out, "{{slot={}, flags=", b.u32(0)?);
    write_flags(out, b.u32(4)?.into(), KVM_MEM_FLAGS, None, "KVM_MEM_???");
    let _ = write!(
        out,
        ", guest_phys_addr={}, memory_size={}, userspace_addr={}}}",
        hex(b.u64(8)?),
        b.u64(16)?,
        hex(b.u64(24)?)
    );
    Some(())
}

/// `struct kvm_cpuid2`: the count, then the entries that follow it (`-v`: as far as
/// they were copied, [`derefs`]), else `[...]` as strace shows them when it
/// abbreviates.
fn cpuid2(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 8)?;
    let nent = b.u32(0)?;
    let _ = write!(out, "{{nent={nent}, entries=");
    if ctx.opts.abbreviate {
        out.push_str(if nent == 0 { "[]" } else { "[...]" });
    } else {
        super::held_array(
            out,
            b,
            8,
            CPUID_ENTRY,
            nent as usize,
            false,
            ctx,
            |out, e| {
                let _ = write!(
                    out,
                    "{{function={}, index={}, flags=",
                    hex(e.u32(0)?.into()),
                    hex(e.u32(4)?.into())
                );
                write_flags(
                    out,
                    e.u32(8)?.into(),
                    KVM_CPUID_FLAGS,
                    None,
                    "KVM_CPUID_FLAG_???",
                );
                for (i, name) in ["eax", "ebx", "ecx", "edx"].iter().enumerate() {
                    let _ = write!(out, ", {name}={}", hex(e.u32(12 + 4 * i)?.into()));
                }
                out.push('}');
                Some(())
            },
        );
    }
    out.push('}');
    Some(())
}

/// A `struct kvm_cpuid_entry2`.
const CPUID_ENTRY: usize = 40;

/// A CPUID table's entries, after the header the request's size covers.
pub(super) fn derefs(at: &Where, b: &Bytes) -> Vec<Want> {
    match (at.request, b.u32(0)) {
        (0xc008_ae05 | 0xc008_ae09 | 0x4008_ae90, Some(nent)) => {
            vec![(at.addr, 8 + CPUID_ENTRY * nent as usize)]
        }
        _ => Vec::new(),
    }
}

/// `struct kvm_regs`, the general registers strace leaves out unless `-v` as `...`.
fn regs(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 144)?;
    const NAMES: [&str; 18] = [
        "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9", "r10", "r11", "r12",
        "r13", "r14", "r15", "rip", "rflags",
    ];
    let abbrev = ctx.opts.abbreviate;
    out.push('{');
    let mut first = true;
    for (i, name) in NAMES.iter().enumerate() {
        // rbx..rdi after rax, r8..r15 after rbp: one `...` each when abbreviated.
        let skipped = matches!(i, 1..=5 | 8..=15);
        if abbrev && skipped {
            if i == 1 || i == 8 {
                out.push_str(", ...");
            }
            continue;
        }
        if !first {
            out.push_str(", ");
        }
        first = false;
        let _ = write!(out, "{name}={}", hex(b.u64(8 * i)?));
    }
    out.push('}');
    Some(())
}

/// `struct kvm_sregs`: its segments, descriptor tables, control registers and the
/// pending interrupts' bitmap; only `cs` unless `-v`.
fn sregs(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    need(b, 312)?;
    const SEGMENTS: [&str; 8] = ["cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt"];
    out.push('{');
    for (i, name) in SEGMENTS.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let at = 24 * i;
        let byte = |n: usize| b.0[at + n];
        let _ = write!(
            out,
            "{name}={{base={}, limit={}, selector={}, type={}, present={}, dpl={}, db={}, \
             s={}, l={}, g={}, avl={}}}",
            hex(b.u64(at)?),
            b.u32(at + 8)?,
            b.u16(at + 12)?,
            byte(14),
            byte(15),
            byte(16),
            byte(17),
            byte(18),
            byte(19),
            byte(20),
            byte(21)
        );
        if ctx.opts.abbreviate {
            out.push_str(", ...}");
            return Some(());
        }
    }
    for (name, at) in [("gdt", 192), ("idt", 208)] {
        let _ = write!(
            out,
            ", {name}={{base={}, limit={}}}",
            hex(b.u64(at)?),
            b.u16(at + 8)?
        );
    }
    for (i, name) in ["cr0", "cr2", "cr3", "cr4", "cr8", "efer"]
        .iter()
        .enumerate()
    {
        let _ = write!(out, ", {name}={}", b.u64(224 + 8 * i)?);
    }
    let _ = write!(out, ", apic_base={}, interrupt_bitmap=", hex(b.u64(272)?));
    hex_u64s(out, b, 280, 4)?;
    out.push('}');
    Some(())
}

/// `KVM_RUN`'s result with `-e kvm=vcpu`: `0 (KVM_EXIT_IO)`, the exit reason the vcpu's
/// `struct kvm_run` holds after the call (strace's `kvm_ioctl_run_attach_auxstr`), where
/// the backend read it.
pub(super) fn write_run_return(out: &mut String, call: &crate::event::Syscall, ret: u64) -> bool {
    let Some(reason) = (call.captures.iter())
        .find(|c| c.kind == tracer_common::capture::KVM_EXIT)
        .and_then(|c| Some(u32::from_le_bytes(c.data.get(..4)?.try_into().ok()?)))
    else {
        return false;
    };
    let name = EXIT_REASONS.get(reason as usize).copied();
    let _ = write!(out, "{ret} ({})", name.unwrap_or("KVM_EXIT_???"));
    true
}

/// `kvm_run.exit_reason`'s names, by value (strace's `kvm_exit_reason`, and newer).
const EXIT_REASONS: &[&str] = &[
    "KVM_EXIT_UNKNOWN",
    "KVM_EXIT_EXCEPTION",
    "KVM_EXIT_IO",
    "KVM_EXIT_HYPERCALL",
    "KVM_EXIT_DEBUG",
    "KVM_EXIT_HLT",
    "KVM_EXIT_MMIO",
    "KVM_EXIT_IRQ_WINDOW_OPEN",
    "KVM_EXIT_SHUTDOWN",
    "KVM_EXIT_FAIL_ENTRY",
    "KVM_EXIT_INTR",
    "KVM_EXIT_SET_TPR",
    "KVM_EXIT_TPR_ACCESS",
    "KVM_EXIT_S390_SIEIC",
    "KVM_EXIT_S390_RESET",
    "KVM_EXIT_DCR",
    "KVM_EXIT_NMI",
    "KVM_EXIT_INTERNAL_ERROR",
    "KVM_EXIT_OSI",
    "KVM_EXIT_PAPR_HCALL",
    "KVM_EXIT_S390_UCONTROL",
    "KVM_EXIT_WATCHDOG",
    "KVM_EXIT_S390_TSCH",
    "KVM_EXIT_EPR",
    "KVM_EXIT_SYSTEM_EVENT",
    "KVM_EXIT_S390_STSI",
    "KVM_EXIT_IOAPIC_EOI",
    "KVM_EXIT_HYPERV",
    "KVM_EXIT_ARM_NISV",
    "KVM_EXIT_X86_RDMSR",
    "KVM_EXIT_X86_WRMSR",
    "KVM_EXIT_DIRTY_RING_FULL",
    "KVM_EXIT_AP_RESET_HOLD",
    "KVM_EXIT_X86_BUS_LOCK",
    "KVM_EXIT_XEN",
    "KVM_EXIT_RISCV_SBI",
    "KVM_EXIT_RISCV_CSR",
    "KVM_EXIT_NOTIFY",
    "KVM_EXIT_LOONGARCH_IOCSR",
    "KVM_EXIT_MEMORY_FAULT",
];
