//! `struct sched_attr` (`sched_setattr`, `sched_getattr`), as strace's `sched.c`
//! prints it: as long as the size the caller gave (`sched_setattr`) or the kernel wrote
//! (`sched_getattr`) says, `...` after the fields strace knows.

use std::fmt::Write;

use super::flags::{Xlat, write_flags};
use super::strings::write_addr;
use super::structs::Bytes;
use super::{Call, DecodeOptions, in_out};
use crate::syscalls::NamedSet;

/// The version strace knows (`SCHED_ATTR_SIZE_VER1`): what it reads at most.
const SIZE: u16 = crate::syscalls::layout::SCHED_ATTR_SIZE;
/// `SCHED_ATTR_SIZE_VER0`: a smaller struct shows its size only.
const MIN_SIZE: u32 = 48;
const E2BIG: i64 = -7;
const KEEP_POLICY: u64 = 0x08;
const KEEP_PARAMS: u64 = 0x10;

const SCHED_FLAGS: Xlat = &[
    (0x01, "SCHED_FLAG_RESET_ON_FORK"),
    (0x02, "SCHED_FLAG_RECLAIM"),
    (0x04, "SCHED_FLAG_DL_OVERRUN"),
    (0x08, "SCHED_FLAG_KEEP_POLICY"),
    (0x10, "SCHED_FLAG_KEEP_PARAMS"),
    (0x20, "SCHED_FLAG_UTIL_CLAMP_MIN"),
    (0x40, "SCHED_FLAG_UTIL_CLAMP_MAX"),
];

/// Argument `i`: `sched_setattr`'s struct (`set`), read at entry, with the size the
/// kernel wrote back when it was too big for it (`E2BIG`; not under `-e verbose=`), or
/// `sched_getattr`'s, as large as argument 2 says, filled by a successful call.
pub fn write_arg(out: &mut String, call: &Call, i: usize, set: bool, opts: &DecodeOptions) {
    let addr = call.args[i];
    let (entry, exit) = in_out(call, i);
    let usize = call.args[2] as u32;
    let cap = if set {
        entry
    } else {
        entry.filter(|_| call.success().is_some())
    };
    let data = cap.filter(|c| !c.fault && addr != 0).map(|c| &c.data[..]);
    let written = match data {
        _ if !set && usize == 0 => None,
        Some(d) => write_attr(out, d, if set { 0 } else { usize }),
        None => None,
    };
    if written.is_none() {
        return write_addr(out, addr);
    }
    if set
        && opts.dereference
        && call.ret == Some(E2BIG)
        && let Some(size) = exit
            .filter(|c| !c.fault)
            .and_then(|c| Bytes(&c.data).u32(0))
    {
        let _ = write!(out, " => {{size={size}}}");
    }
}

/// The struct from the bytes copied; `usize` 0 for `sched_setattr` (the size is the
/// struct's own), else the size `sched_getattr` was given. None where strace fails to
/// read it and shows the address.
fn write_attr(out: &mut String, data: &[u8], usize: u32) -> Option<()> {
    let b = Bytes(data);
    let set = usize == 0;
    let own = b.u32(0)?;
    // How much strace reads: sched_getattr's size; sched_setattr's own (the smallest
    // version for 0).
    let given = if set {
        if own == 0 { MIN_SIZE } else { own }
    } else {
        usize
    };
    let read = given.min(SIZE as u32);
    if (!set || read >= MIN_SIZE) && data.len() < read as usize {
        return None;
    }
    // What the fields shown go by: sched_getattr's the size the kernel wrote.
    let size = if set { read } else { own };
    let mut s = format!("{{size={own}");
    let field = |off: usize| -> u64 {
        match off + 8 <= read as usize {
            true => b.u64(off).unwrap_or(0),
            false => 0,
        }
    };
    let field32 = |off: usize| -> u32 {
        match off + 4 <= read as usize {
            true => b.u32(off).unwrap_or(0),
            false => 0,
        }
    };
    if size >= MIN_SIZE {
        let (policy, flags) = (field32(4), field(8));
        if !set || (policy as i32) < 0 || flags & (KEEP_POLICY | KEEP_PARAMS) == 0 {
            s.push_str(", sched_policy=");
            super::xlat::write_named(&mut s, NamedSet::SchedPolicy, policy as u64);
        }
        s.push_str(", sched_flags=");
        write_flags(&mut s, flags, SCHED_FLAGS, Some("0"), "SCHED_FLAG_???");
        if !set || flags & KEEP_PARAMS == 0 {
            let _ = write!(
                s,
                ", sched_nice={}, sched_priority={}, sched_runtime={}, sched_deadline={}, \
                 sched_period={}",
                field32(16) as i32,
                field32(20),
                field(24),
                field(32),
                field(40)
            );
        }
        if size >= SIZE as u32 {
            let _ = write!(
                s,
                ", sched_util_min={}, sched_util_max={}",
                field32(48),
                field32(52)
            );
        }
    }
    let full = if set { given } else { own };
    if full > size {
        s.push_str(", ...");
    }
    s.push('}');
    out.push_str(&s);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(fields: &[(usize, u64, usize)]) -> Vec<u8> {
        let mut v = vec![0u8; SIZE as usize];
        for &(off, val, width) in fields {
            v[off..off + width].copy_from_slice(&val.to_le_bytes()[..width]);
        }
        v
    }

    fn shown(data: &[u8], usize: u32) -> Option<String> {
        let mut s = String::new();
        write_attr(&mut s, data, usize)?;
        Some(s)
    }

    #[test]
    fn sched_attr_as_strace() {
        // sched_xetattr.c
        let got = attr(&[(0, 48, 4), (24, 1400000, 8)]);
        assert_eq!(
            shown(&got, 48).unwrap(),
            "{size=48, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, \
             sched_priority=0, sched_runtime=1400000, sched_deadline=0, sched_period=0}"
        );
        let got = attr(&[(0, 56, 4), (24, 1400000, 8)]);
        assert_eq!(
            shown(&got, 56).unwrap(),
            "{size=56, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, \
             sched_priority=0, sched_runtime=1400000, sched_deadline=0, sched_period=0, \
             sched_util_min=0, sched_util_max=0}"
        );
        assert_eq!(shown(&attr(&[(0, 1, 4)]), 0).unwrap(), "{size=1}");
        assert_eq!(shown(&attr(&[(0, 47, 4)]), 0).unwrap(), "{size=47}");
        // A size of 0 reads the first version.
        assert!(
            shown(&attr(&[(8, 1, 8)]), 0)
                .unwrap()
                .ends_with("sched_period=0}")
        );
        // Only the size readable: the address.
        assert_eq!(shown(&56u32.to_le_bytes(), 0), None);
        let bogus = attr(&[
            (0, 0x90807060, 4),
            (4, 0xca7faced, 4),
            (8, 0x87, 8),
            (16, 0xafbfcfdf, 4),
            (20, 0xb8c8d8e8, 4),
            (24, 0xbadcaffedeadf157, 8),
            (32, 0xc0de70a57badac75, 8),
            (40, 0xded1ca7edda7aca7, 8),
        ]);
        assert_eq!(
            shown(&bogus, 0).unwrap(),
            "{size=2424336480, sched_policy=0xca7faced /* SCHED_??? */, \
             sched_flags=SCHED_FLAG_RESET_ON_FORK|SCHED_FLAG_RECLAIM|SCHED_FLAG_DL_OVERRUN|0x80, \
             sched_nice=-1346383905, sched_priority=3100170472, \
             sched_runtime=13464830495123435863, sched_deadline=13897669356158823541, \
             sched_period=16055836792785972391, sched_util_min=0, sched_util_max=0, ...}"
        );
    }
}
