//! `adjtimex`'s `struct timex` (the kernel's `__kernel_timex`, 64-bit fields), as
//! strace's `print_timex.h` prints it, and the clock state the call returns.

use std::fmt::Write;

use super::flags::{Xlat, lookup, write_flags};
use super::structs::Bytes;

const MODES: Xlat = &[
    (0xa001, "ADJ_OFFSET_SS_READ"),
    (0x8001, "ADJ_OFFSET_SINGLESHOT"),
    (0x0001, "ADJ_OFFSET"),
    (0x0002, "ADJ_FREQUENCY"),
    (0x0004, "ADJ_MAXERROR"),
    (0x0008, "ADJ_ESTERROR"),
    (0x0010, "ADJ_STATUS"),
    (0x0020, "ADJ_TIMECONST"),
    (0x0080, "ADJ_TAI"),
    (0x0100, "ADJ_SETOFFSET"),
    (0x1000, "ADJ_MICRO"),
    (0x2000, "ADJ_NANO"),
    (0x4000, "ADJ_TICK"),
];

const STATUS: Xlat = &[
    (0x0001, "STA_PLL"),
    (0x0002, "STA_PPSFREQ"),
    (0x0004, "STA_PPSTIME"),
    (0x0008, "STA_FLL"),
    (0x0010, "STA_INS"),
    (0x0020, "STA_DEL"),
    (0x0040, "STA_UNSYNC"),
    (0x0080, "STA_FREQHOLD"),
    (0x0100, "STA_PPSSIGNAL"),
    (0x0200, "STA_PPSJITTER"),
    (0x0400, "STA_PPSWANDER"),
    (0x0800, "STA_PPSERROR"),
    (0x1000, "STA_CLOCKERR"),
    (0x2000, "STA_NANO"),
    (0x4000, "STA_MODE"),
    (0x8000, "STA_CLK"),
];

const STATES: Xlat = &[
    (0, "TIME_OK"),
    (1, "TIME_INS"),
    (2, "TIME_DEL"),
    (3, "TIME_OOP"),
    (4, "TIME_WAIT"),
    (5, "TIME_ERROR"),
];

/// The clock state a successful `adjtimex` returns: `TIME_ERROR`.
pub fn state_name(ret: u64) -> Option<&'static str> {
    lookup(STATES, ret)
}

/// `{modes=0, offset=0, ..., time={tv_sec=..., tv_usec=...}, ..., tai=0}`.
pub fn write_timex(out: &mut String, b: &Bytes) -> Option<()> {
    let long = |name: &str, off: usize, out: &mut String| -> Option<()> {
        let _ = write!(out, ", {name}={}", b.i64(off)?);
        Some(())
    };
    out.push_str("{modes=");
    write_flags(out, b.u32(0)? as u64, MODES, Some("0"), "ADJ_???");
    for (name, off) in [
        ("offset", 8),
        ("freq", 16),
        ("maxerror", 24),
        ("esterror", 32),
    ] {
        long(name, off, out)?;
    }
    out.push_str(", status=");
    write_flags(out, b.u32(40)? as u64, STATUS, Some("0"), "STA_???");
    for (name, off) in [("constant", 48), ("precision", 56), ("tolerance", 64)] {
        long(name, off, out)?;
    }
    let _ = write!(
        out,
        ", time={{tv_sec={}, tv_usec={}}}",
        b.i64(72)?,
        b.u64(80)?
    );
    for (name, off) in [("tick", 88), ("ppsfreq", 96), ("jitter", 104)] {
        long(name, off, out)?;
    }
    let _ = write!(out, ", shift={}", b.i32(112)?);
    for (name, off) in [
        ("stabil", 120),
        ("jitcnt", 128),
        ("calcnt", 136),
        ("errcnt", 144),
        ("stbcnt", 152),
    ] {
        long(name, off, out)?;
    }
    let _ = write!(out, ", tai={}}}", b.i32(160)?);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timex_as_strace() {
        // adjtimex.c: the clock as the kernel reported it.
        let mut tx = vec![0u8; crate::syscalls::layout::TIMEX_SIZE as usize];
        let mut put = |off: usize, v: i64| tx[off..off + 8].copy_from_slice(&v.to_le_bytes());
        put(24, 16000000);
        put(32, 16000000);
        put(40, 0x40);
        put(48, 2);
        put(56, 1);
        put(64, 32768000);
        put(72, 1796587240);
        put(80, 581407);
        put(88, 10000);
        let mut s = String::new();
        write_timex(&mut s, &Bytes(&tx)).unwrap();
        assert_eq!(
            s,
            "{modes=0, offset=0, freq=0, maxerror=16000000, esterror=16000000, \
             status=STA_UNSYNC, constant=2, precision=1, tolerance=32768000, \
             time={tv_sec=1796587240, tv_usec=581407}, tick=10000, ppsfreq=0, jitter=0, \
             shift=0, stabil=0, jitcnt=0, calcnt=0, errcnt=0, stbcnt=0, tai=0}"
        );
        assert_eq!(state_name(5), Some("TIME_ERROR"));
    }
}
