//! Classic BPF programs (`struct sock_fprog`): a socket filter (`SO_ATTACH_FILTER`) or
//! a seccomp filter, as strace's `bpf_filter.c` prints them: `{len=N, filter=[...]}`,
//! each instruction a `BPF_STMT(code, k)` or `BPF_JUMP(code, k, jt, jf)`. The
//! instructions are shown unabbreviated (`-v`) only, from the [`capture::FOLLOW`] copy
//! of the struct and its instructions.

use std::fmt::Write;

use tracer_common::{FOLLOW_FPROG, capture, follow_shape, follow_want};

use super::flags::{Xlat, styled, write_enum};
use super::strings::write_addr;
use super::structs::Bytes;
use super::{Call, DecodeOptions, write_hex};

/// Whose constants an instruction's `k` names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// A socket filter's packet offsets (`SKF_AD_OFF+SKF_AD_PROTOCOL`).
    Socket,
    /// A seccomp filter's return actions (`SECCOMP_RET_ERRNO|0x10`).
    Seccomp,
}

/// Bytes of `struct sock_fprog`.
pub const FPROG_SIZE: u16 = 16;

/// Argument `i`, a `struct sock_fprog *`: false when there is nothing to show (no copy,
/// a fault), for the caller to print the address.
pub fn write_fprog(
    out: &mut String,
    call: &Call,
    i: usize,
    flavor: Flavor,
    opts: &DecodeOptions,
) -> bool {
    let v = call.args[i];
    if v == 0 || !opts.dereference {
        return false;
    }
    // Unabbreviated, the plan copied the instructions with the struct; else the struct
    // alone, as the argument's plain copy.
    let Some(cap) = call
        .followed(i)
        .or_else(|| call.capture(i))
        .filter(|c| !c.fault)
    else {
        return false;
    };
    let b = Bytes(&cap.data);
    let (Some(len), Some(filter)) = (b.u16(0), b.u64(8)) else {
        return false;
    };
    let _ = write!(out, "{{len={len}, filter=");
    if opts.abbreviate || cap.kind != capture::FOLLOW {
        write_addr(out, filter);
    } else {
        let insns = cap.data.get(FPROG_SIZE as usize..).unwrap_or_default();
        let tried = follow_want(&follow_shape(FOLLOW_FPROG), len.into(), FPROG_SIZE.into());
        write_insns(out, filter, len, insns, tried, flavor);
    }
    out.push('}');
    true
}

/// The `len` instructions at `addr`, of which `insns` holds those copied of the `tried`
/// bytes the copy asked for: strace's `print_array`, which stops where a read faults
/// (`... /* 0x... */`).
pub fn write_insns(
    out: &mut String,
    addr: u64,
    len: u16,
    insns: &[u8],
    tried: usize,
    flavor: Flavor,
) {
    if addr == 0 {
        out.push_str("NULL");
        return;
    }
    let insns = insns.get(..8 * len as usize).unwrap_or(insns);
    let whole: Vec<&[u8]> = insns.chunks_exact(8).collect();
    if len > 0 && whole.is_empty() {
        return write_addr(out, addr);
    }
    out.push('[');
    for (n, insn) in whole.iter().enumerate() {
        if n > 0 {
            out.push_str(", ");
        }
        write_insn(out, insn, flavor);
    }
    let shown = whole.len();
    if insns.len() < tried.min(8 * len as usize) {
        // The read stopped short of what was asked: where strace's stopped too.
        let _ = write!(out, ", ... /* {:#x} */", addr + 8 * shown as u64);
    } else if shown < len as usize {
        // More than a capture holds (strace shows up to the kernel's 4096).
        out.push_str(", ...");
    }
    out.push(']');
}

/// One `struct sock_filter`: `code` (u16), `jt`, `jf` (u8), `k` (u32).
fn write_insn(out: &mut String, insn: &[u8], flavor: Flavor) {
    let b = Bytes(insn);
    let code = b.u16(0).unwrap_or_default();
    let (jt, jf) = (insn[2], insn[3]);
    let k = b.u32(4).unwrap_or_default();
    if jt != 0 || jf != 0 {
        out.push_str("BPF_JUMP(");
        write_code(out, code);
        out.push_str(", ");
        write_hex(out, k.into());
        out.push_str(", ");
        write_hex(out, jt.into());
        out.push_str(", ");
        write_hex(out, jf.into());
    } else {
        out.push_str("BPF_STMT(");
        write_code(out, code);
        out.push_str(", ");
        if !write_k(out, code, k, flavor) {
            write_hex(out, k.into());
        }
    }
    out.push(')');
}

const BPF_LD: u16 = 0;
const BPF_LDX: u16 = 1;
const BPF_ST: u16 = 2;
const BPF_STX: u16 = 3;
const BPF_ALU: u16 = 4;
const BPF_JMP: u16 = 5;
const BPF_RET: u16 = 6;
const BPF_MISC: u16 = 7;
const BPF_ABS: u16 = 0x20;

/// An instruction's code, strace's `print_bpf_filter_code` for classic BPF.
fn write_code(out: &mut String, code: u16) {
    let class = code & 7;
    let mut rest = code & !7;
    write_enum(out, class.into(), CLASS, "BPF_???");
    let unknown = |out: &mut String, rest: u16| {
        if rest != 0 {
            out.push('|');
            write_hex(out, rest.into());
            out.push_str(" /* BPF_??? */");
        }
    };
    match class {
        BPF_ST | BPF_STX => unknown(out, rest),
        BPF_LD | BPF_LDX => {
            out.push('|');
            write_enum(out, (code & 0x18).into(), SIZE, "BPF_???");
            out.push('|');
            write_enum(out, (code & 0xe0).into(), MODE, "BPF_???");
        }
        BPF_MISC => {
            out.push('|');
            write_enum(out, (code & 0xf8).into(), MISCOP, "BPF_???");
            rest &= !(code & 0xf8);
            unknown(out, rest);
        }
        BPF_ALU | BPF_JMP => {
            out.push('|');
            write_enum(out, (code & 0x08).into(), SRC, "BPF_???");
            out.push('|');
            let ops = if class == BPF_ALU { OP_ALU } else { OP_JMP };
            write_enum(out, (code & 0xf0).into(), ops, "BPF_???");
        }
        _ => {
            out.push('|');
            write_enum(out, (code & 0x18).into(), RVAL, "BPF_???");
            rest &= !(code & 0x18);
            unknown(out, rest);
        }
    }
}

/// A statement's `k` as the filter's kind names it; false to print it in hex.
fn write_k(out: &mut String, code: u16, k: u32, flavor: Flavor) -> bool {
    match flavor {
        Flavor::Seccomp if code & 7 == BPF_RET => {
            let action = k & 0xffff_0000;
            write_enum(
                out,
                action.into(),
                super::seccomp::RET_ACTIONS,
                "SECCOMP_RET_???",
            );
            if k != action {
                out.push('|');
                write_hex(out, (k & !action).into());
            }
            true
        }
        Flavor::Socket if code & 7 == BPF_LD && code & 0xe0 == BPF_ABS => {
            const SKF_AD_OFF: u32 = 0xffff_f000;
            const SKF_NET_OFF: u32 = 0xfff0_0000;
            const SKF_LL_OFF: u32 = 0xffe0_0000;
            let (base, name) = if k >= SKF_AD_OFF {
                (SKF_AD_OFF, "SKF_AD_OFF")
            } else if k >= SKF_NET_OFF {
                (SKF_NET_OFF, "SKF_NET_OFF")
            } else if k >= SKF_LL_OFF {
                (SKF_LL_OFF, "SKF_LL_OFF")
            } else {
                return false;
            };
            styled(out, &format!("{base:#x}"), |o| o.push_str(name));
            out.push('+');
            if base == SKF_AD_OFF {
                write_enum(out, (k - base).into(), SKF_AD, "SKF_AD_???");
            } else {
                let _ = write!(out, "{}", k - base);
            }
            true
        }
        _ => false,
    }
}

const CLASS: Xlat = &[
    (0, "BPF_LD"),
    (1, "BPF_LDX"),
    (2, "BPF_ST"),
    (3, "BPF_STX"),
    (4, "BPF_ALU"),
    (5, "BPF_JMP"),
    (6, "BPF_RET"),
    (7, "BPF_MISC"),
];

const SIZE: Xlat = &[
    (0, "BPF_W"),
    (0x08, "BPF_H"),
    (0x10, "BPF_B"),
    (0x18, "BPF_DW"),
];

const MODE: Xlat = &[
    (0, "BPF_IMM"),
    (0x20, "BPF_ABS"),
    (0x40, "BPF_IND"),
    (0x60, "BPF_MEM"),
    (0x80, "BPF_LEN"),
    (0xa0, "BPF_MSH"),
    (0xc0, "BPF_XADD"),
];

const SRC: Xlat = &[(0, "BPF_K"), (0x08, "BPF_X")];

/// strace's `bpf_op_alu` (with `ebpf_op_alu`, the same operations: eBPF's share it).
pub(super) const OP_ALU: Xlat = &[
    (0, "BPF_ADD"),
    (0x10, "BPF_SUB"),
    (0x20, "BPF_MUL"),
    (0x30, "BPF_DIV"),
    (0x40, "BPF_OR"),
    (0x50, "BPF_AND"),
    (0x60, "BPF_LSH"),
    (0x70, "BPF_RSH"),
    (0x80, "BPF_NEG"),
    (0x90, "BPF_MOD"),
    (0xa0, "BPF_XOR"),
    (0xb0, "BPF_MOV"),
    (0xc0, "BPF_ARSH"),
    (0xd0, "BPF_END"),
];

const OP_JMP: Xlat = &[
    (0, "BPF_JA"),
    (0x10, "BPF_JEQ"),
    (0x20, "BPF_JGT"),
    (0x30, "BPF_JGE"),
    (0x40, "BPF_JSET"),
    (0x50, "BPF_JNE"),
    (0x60, "BPF_JSGT"),
    (0x70, "BPF_JSGE"),
    (0x80, "BPF_CALL"),
    (0x90, "BPF_EXIT"),
    (0xa0, "BPF_JLT"),
    (0xb0, "BPF_JLE"),
    (0xc0, "BPF_JSLT"),
    (0xd0, "BPF_JSLE"),
];

const RVAL: Xlat = &[(0, "BPF_K"), (0x08, "BPF_X"), (0x10, "BPF_A")];

const MISCOP: Xlat = &[(0, "BPF_TAX"), (0x80, "BPF_TXA")];

const SKF_AD: Xlat = &[
    (0, "SKF_AD_PROTOCOL"),
    (4, "SKF_AD_PKTTYPE"),
    (8, "SKF_AD_IFINDEX"),
    (12, "SKF_AD_NLATTR"),
    (16, "SKF_AD_NLATTR_NEST"),
    (20, "SKF_AD_MARK"),
    (24, "SKF_AD_QUEUE"),
    (28, "SKF_AD_HATYPE"),
    (32, "SKF_AD_RXHASH"),
    (36, "SKF_AD_CPU"),
    (40, "SKF_AD_ALU_XOR_X"),
    (44, "SKF_AD_VLAN_TAG"),
    (48, "SKF_AD_VLAN_TAG_PRESENT"),
    (52, "SKF_AD_PAY_OFFSET"),
    (56, "SKF_AD_RANDOM"),
    (60, "SKF_AD_VLAN_TPID"),
];
