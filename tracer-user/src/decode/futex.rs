//! `futex`: which of its arguments each operation uses, as strace prints them.

use super::Call;

/// `futex` commands and the arguments after `op` each one uses, as strace prints them.
pub(crate) fn futex_uses(call: &Call) -> FutexUse {
    match call.args[1] & 127 {
        0 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: false,
            val3: false,
        },
        1 | 2 => FutexUse {
            val: true,
            timeout: None,
            uaddr2: false,
            val3: false,
        },
        3 => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: false,
        },
        4 | 5 | 12 => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: true,
        },
        6 | 13 => FutexUse {
            val: false,
            timeout: Some(true),
            uaddr2: false,
            val3: false,
        },
        7 | 8 => FutexUse {
            val: false,
            timeout: None,
            uaddr2: false,
            val3: false,
        },
        9 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: false,
            val3: true,
        },
        10 => FutexUse {
            val: true,
            timeout: None,
            uaddr2: false,
            val3: true,
        },
        11 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: true,
            val3: false,
        },
        _ => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: true,
        },
    }
}

pub(crate) struct FutexUse {
    pub val: bool,
    /// `Some(true)`: a timespec; `Some(false)`: the integer `val2`.
    pub timeout: Option<bool>,
    pub uaddr2: bool,
    pub val3: bool,
}

/// strace's `FUTEX_WAITV_MAX`: the most waiters it shows, whatever `-s`.
const WAITV_MAX: usize = 128;
const WAITER_FLAGS: super::flags::Xlat = &[(0x02, "FUTEX_32"), (0x80, "FUTEX_PRIVATE_FLAG")];

/// `futex_waitv`'s waiters (`struct futex_waitv[nr_futexes]`, 24 bytes each), copied
/// at entry: `[{val=0, uaddr=0x7f..., flags=FUTEX_32|FUTEX_PRIVATE_FLAG}, ...]`.
pub(crate) fn write_waiters(
    out: &mut String,
    cap: Option<&crate::event::Capture>,
    addr: u64,
    count: u64,
    limit: usize,
) {
    use super::strings::write_addr;
    use std::fmt::Write;
    const ELEM: usize = 24;
    // strace reads nothing of an empty array.
    if count == 0 && addr != 0 {
        return out.push_str("[]");
    }
    // Not even the first element read: the address.
    let Some(cap) = cap.filter(|c| addr != 0 && c.data.len() >= ELEM) else {
        return write_addr(out, addr);
    };
    // The copy stopped at a mapping's end (see `iovec::write_iovec_addrs`).
    let end = addr.wrapping_add(cap.data.len() as u64);
    let cut = cap.fault
        || (cap.truncated
            && cap.data.len() < tracer_common::MAX_CAPTURE
            && end.is_multiple_of(4096));
    let b = super::structs::Bytes(&cap.data);
    let limit = limit.min(WAITV_MAX);
    out.push('[');
    for n in 0..count.min(limit as u64 + 1) as usize {
        if n > 0 {
            out.push_str(", ");
        }
        let off = n * ELEM;
        let elem = (|| {
            Some((
                b.u64(off)?,
                b.u64(off + 8)?,
                b.u32(off + 16)?,
                b.u32(off + 20)?,
            ))
        })();
        match elem {
            None if cut => {
                let _ = write!(out, "... /* {:#x} */", addr + off as u64);
            }
            _ if n == limit => out.push_str("..."),
            Some((val, uaddr, flags, reserved)) => {
                out.push_str("{val=");
                super::write_hex(out, val);
                out.push_str(", uaddr=");
                write_addr(out, uaddr);
                out.push_str(", flags=");
                super::flags::write_flags(out, flags as u64, WAITER_FLAGS, Some("0"), "FUTEX_???");
                if reserved != 0 {
                    out.push_str(", __reserved=");
                    super::write_hex(out, reserved as u64);
                }
                out.push('}');
                continue;
            }
            None => out.push_str("..."),
        }
        break;
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;

    fn waiters(elems: &[(u64, u64, u32, u32)], count: u64, fault: bool) -> String {
        let data: Vec<u8> = elems
            .iter()
            .flat_map(|&(v, a, f, r)| {
                [
                    &v.to_le_bytes()[..],
                    &a.to_le_bytes(),
                    &f.to_le_bytes(),
                    &r.to_le_bytes(),
                ]
                .concat()
            })
            .collect();
        let cap = Capture {
            arg: 0,
            kind: tracer_common::capture::BUF,
            data,
            truncated: false,
            fault,
        };
        let mut s = String::new();
        write_waiters(&mut s, Some(&cap), 0x7000_0fe8, count, 256);
        s
    }

    #[test]
    fn futex_waiters_as_strace() {
        // futex_waitv.c
        assert_eq!(
            waiters(&[(u64::MAX, 0, u32::MAX, u32::MAX)], 1, false),
            "[{val=0xffffffffffffffff, uaddr=NULL, flags=FUTEX_32|FUTEX_PRIVATE_FLAG|0xffffff7d, \
             __reserved=0xffffffff}]"
        );
        assert_eq!(
            waiters(&[(0, 0x7f07307c6ffc, 2, 0)], 2, true),
            "[{val=0, uaddr=0x7f07307c6ffc, flags=FUTEX_32}, ... /* 0x70001000 */]"
        );
        assert_eq!(waiters(&[], 0, false), "[]");
        let many: Vec<_> = (0..129).map(|i| (i, 0x1000 + 4 * i, 0x82, 0)).collect();
        let s = waiters(&many, 129, false);
        assert!(s.ends_with("{val=0x7f, uaddr=0x11fc, flags=FUTEX_32|FUTEX_PRIVATE_FLAG}, ...]"));
    }
}
