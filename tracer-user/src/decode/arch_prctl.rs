//! x86_64's `arch_prctl`: its second argument by code (strace's `SYS_FUNC(arch_prctl)`):
//! the base `ARCH_GET_FS`/`ARCH_GET_GS` write, the feature masks the `ARCH_GET_XCOMP_*`
//! codes write, the feature number the `ARCH_REQ_XCOMP_*` ones take, none for
//! `ARCH_GET_CPUID`, else a number in hex.

use super::flags::{self, StyleScope, Xlat, write_enum, write_flags};
use super::{DecodeOptions, XlatStyle, strings::write_addr, structs, write_hex};
use crate::event::Syscall as Call;

const ARCH_GET_FS: u32 = 0x1003;
const ARCH_GET_GS: u32 = 0x1004;
const ARCH_GET_CPUID: u32 = 0x1011;
const ARCH_GET_XCOMP_SUPP: u32 = 0x1021;
const ARCH_GET_XCOMP_PERM: u32 = 0x1022;
const ARCH_REQ_XCOMP_PERM: u32 = 0x1023;
const ARCH_GET_XCOMP_GUEST_PERM: u32 = 0x1024;
const ARCH_REQ_XCOMP_GUEST_PERM: u32 = 0x1025;

/// strace's `x86_xfeature_bits`.
const XFEATURES: Xlat = &[
    (0, "XFEATURE_FP"),
    (1, "XFEATURE_SSE"),
    (2, "XFEATURE_YMM"),
    (3, "XFEATURE_BNDREGS"),
    (4, "XFEATURE_BNDCSR"),
    (5, "XFEATURE_OPMASK"),
    (6, "XFEATURE_ZMM_Hi256"),
    (7, "XFEATURE_Hi16_ZMM"),
    (8, "XFEATURE_PT_UNIMPLEMENTED_SO_FAR"),
    (9, "XFEATURE_PKRU"),
    (10, "XFEATURE_PASID"),
    (15, "XFEATURE_LBR"),
    (17, "XFEATURE_XTILE_CFG"),
    (18, "XFEATURE_XTILE_DATA"),
];

/// strace's `x86_xfeatures`, its combinations first.
const XFEATURE_MASKS: Xlat = &[
    (0x3, "XFEATURE_MASK_FPSSE"),
    (1 << 0, "XFEATURE_MASK_FP"),
    (1 << 1, "XFEATURE_MASK_SSE"),
    (1 << 2, "XFEATURE_MASK_YMM"),
    (1 << 3, "XFEATURE_MASK_BNDREGS"),
    (1 << 4, "XFEATURE_MASK_BNDCSR"),
    (0xe0, "XFEATURE_MASK_AVX512"),
    (1 << 5, "XFEATURE_MASK_OPMASK"),
    (1 << 6, "XFEATURE_MASK_ZMM_Hi256"),
    (1 << 7, "XFEATURE_MASK_Hi16_ZMM"),
    (1 << 8, "XFEATURE_MASK_PT"),
    (1 << 9, "XFEATURE_MASK_PKRU"),
    (1 << 10, "XFEATURE_MASK_PASID"),
    (1 << 15, "XFEATURE_MASK_LBR"),
    (0x6_0000, "XFEATURE_MASK_XTILE"),
    (1 << 17, "XFEATURE_MASK_XTILE_CFG"),
    (1 << 18, "XFEATURE_MASK_XTILE_DATA"),
];

/// Whether the code takes a second argument at all.
pub(crate) fn visible(call: &Call) -> bool {
    call.args[0] as u32 != ARCH_GET_CPUID
}

/// The features are printed verbosely whatever `-X` says, but for `-X raw` (the
/// kernel's masks are not in any public header, so strace keeps the number).
fn verbose(write: impl FnOnce()) {
    let style = match flags::style() {
        XlatStyle::Raw => XlatStyle::Raw,
        _ => XlatStyle::Verbose,
    };
    let _scope = StyleScope::new(style);
    write();
}

pub(crate) fn write_arg(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let v = call.args[i];
    // What the kernel wrote at the address, after a successful call.
    let written = || {
        call.success()
            .filter(|_| opts.dereference)
            .and(structs::readable(call.capture(i), v))
            .and_then(|b| b.u64(0))
    };
    match call.args[0] as u32 {
        ARCH_GET_FS | ARCH_GET_GS => match written() {
            Some(base) => {
                out.push('[');
                write_addr(out, base);
                out.push(']');
            }
            None => write_addr(out, v),
        },
        ARCH_GET_XCOMP_SUPP | ARCH_GET_XCOMP_PERM | ARCH_GET_XCOMP_GUEST_PERM => match written() {
            Some(mask) => {
                out.push('[');
                verbose(|| write_flags(out, mask, XFEATURE_MASKS, None, "XFEATURE_MASK_???"));
                out.push(']');
            }
            None => write_addr(out, v),
        },
        ARCH_REQ_XCOMP_PERM | ARCH_REQ_XCOMP_GUEST_PERM => {
            verbose(|| write_enum(out, v, XFEATURES, "XFEATURE_???"))
        }
        _ => write_hex(out, v),
    }
}

/// `ARCH_REQ_XCOMP_*`'s positive result, the features permitted: `0x3
/// (XFEATURE_MASK_FPSSE)`; whether it wrote one.
pub(crate) fn write_return(out: &mut String, call: &Call, ret: u64) -> bool {
    let code = call.args[0] as u32;
    if ret == 0 || !matches!(code, ARCH_REQ_XCOMP_PERM | ARCH_REQ_XCOMP_GUEST_PERM) {
        return false;
    }
    write_hex(out, ret);
    // Only when some feature is known: strace's note has no `???`.
    let known = XFEATURE_MASKS.iter().any(|&(bits, _)| ret & bits != 0);
    if flags::style() != XlatStyle::Raw && known {
        out.push_str(" (");
        let _scope = StyleScope::new(XlatStyle::Abbrev);
        write_flags(out, ret, XFEATURE_MASKS, None, "XFEATURE_MASK_???");
        out.push(')');
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;

    fn call(code: u64, arg: u64, ret: i64, word: Option<u64>) -> Call {
        let mut c = Call {
            nr: crate::syscalls::by_name("arch_prctl").map_or(0, |sc| sc.nr),
            args: [code, arg, 0, 0, 0, 0],
            ret: Some(ret),
            ..Default::default()
        };
        if let Some(w) = word {
            c.captures.push(Capture {
                arg: 1,
                kind: tracer_common::capture::FIXED,
                data: w.to_le_bytes().to_vec(),
                truncated: false,
                fault: false,
            });
        }
        c
    }

    fn text(c: &Call, style: XlatStyle) -> String {
        let _scope = StyleScope::new(style);
        let mut s = String::new();
        write_arg(&mut s, c, 1, &DecodeOptions::default());
        s
    }

    // Lines of strace's tests/arch_prctl.c.
    #[test]
    fn arch_prctl_lines() {
        let c = call(0x1004, 0x7fff_0000_1000, 0, Some(0));
        assert_eq!(text(&c, XlatStyle::Abbrev), "[NULL]");
        let c = call(0x1003, 0x7fff_0000_1000, 0, Some(0xdeadfacecafebeef));
        assert_eq!(text(&c, XlatStyle::Abbrev), "[0xdeadfacecafebeef]");
        // Failed, or nothing readable there: the address.
        let c = call(0x1004, 0x7fff_0000_1000, -14, None);
        assert_eq!(text(&c, XlatStyle::Abbrev), "0x7fff00001000");
        let c = call(0x1021, 0x7fff_0000_1000, 0, Some(0x602e7));
        let want = "[0x602e7 /* XFEATURE_MASK_FPSSE|XFEATURE_MASK_YMM|XFEATURE_MASK_AVX512|\
                    XFEATURE_MASK_PKRU|XFEATURE_MASK_XTILE */]";
        assert_eq!(text(&c, XlatStyle::Abbrev), want);
        assert_eq!(text(&c, XlatStyle::Raw), "[0x602e7]");
        let c = call(0x1021, 0x7fff_0000_1000, 0, Some(0));
        assert_eq!(text(&c, XlatStyle::Abbrev), "[0]");
        let c = call(0x1023, 0x8, -95, None);
        assert_eq!(
            text(&c, XlatStyle::Abbrev),
            "0x8 /* XFEATURE_PT_UNIMPLEMENTED_SO_FAR */"
        );
        let c = call(0x1023, 0, -95, None);
        assert_eq!(text(&c, XlatStyle::Abbrev), "0 /* XFEATURE_FP */");
        let c = call(0x1023, 0xb, -95, None);
        assert_eq!(text(&c, XlatStyle::Abbrev), "0xb /* XFEATURE_??? */");
        assert_eq!(text(&c, XlatStyle::Raw), "0xb");
        assert!(!visible(&call(0x1011, 0xdeadc0de, 0, None)));
    }
}
