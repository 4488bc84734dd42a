//! x86's `modify_ldt` (strace's `ldt.c`): the `struct user_desc` it reads when the byte
//! count is the struct's size, and its result, which the kernel returns as an `int`
//! without sign extension (`4294967258 ENOSYS (...)`).

use std::fmt::Write;

use super::structs::Bytes;
use super::{Call, strings::write_addr};

/// `sizeof(struct user_desc)`.
pub const USER_DESC_SIZE: u16 = 16;

/// The descriptor (argument `i`), or its address when the count is another size or the
/// struct could not be read whole.
pub(crate) fn write_desc(out: &mut String, call: &Call, i: usize) {
    let v = call.args[i];
    let whole = call
        .capture(i)
        .filter(|c| {
            !c.fault && !c.truncated && v != 0 && call.args[i + 1] == u64::from(USER_DESC_SIZE)
        })
        .map(|c| Bytes(&c.data));
    match whole.and_then(|b| write_user_desc(out, &b)) {
        Some(()) => {}
        None => write_addr(out, v),
    }
}

/// strace's `print_user_desc` (`USER_DESC_BOTH`, 64-bit: with `lm`).
fn write_user_desc(out: &mut String, b: &Bytes) -> Option<()> {
    let (entry, base, limit, bits) = (b.u32(0)?, b.u32(4)?, b.u32(8)?, b.u32(12)?);
    // PRINT_FIELD_ID: -1 as such, else unsigned.
    let entry = if entry == u32::MAX {
        "-1".to_owned()
    } else {
        entry.to_string()
    };
    let bit = |n: u32, width: u32| (bits >> n) & ((1 << width) - 1);
    // PRINT_FIELD_0X: `%#0*x`, which C prints as zeros alone for 0.
    let zx = |v: u32| {
        if v == 0 {
            "00000000".to_owned()
        } else {
            format!("{v:#010x}")
        }
    };
    let _ = write!(
        out,
        "{{entry_number={entry}, base_addr={}, limit={}, seg_32bit={}, contents={}, \
         read_exec_only={}, limit_in_pages={}, seg_not_present={}, useable={}, lm={}}}",
        zx(base),
        zx(limit),
        bit(0, 1),
        bit(1, 2),
        bit(3, 1),
        bit(4, 1),
        bit(5, 1),
        bit(6, 1),
        bit(7, 1),
    );
    Some(())
}

/// A result the kernel clipped to 32 bits that is an errno: `4294967258 ENOSYS
/// (Function not implemented)`; false for another result.
pub(crate) fn write_return(out: &mut String, ret: u64) -> bool {
    if !(0xffff_f000..=0xffff_ffff).contains(&ret) {
        return false;
    }
    let e = (ret as u32).wrapping_neg() as i32;
    let _ = write!(out, "{ret} ");
    match super::errno::errno_name(e) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "ERRNO_{e}");
        }
    }
    let _ = write!(out, " ({})", super::errno::errno_message(e));
    true
}
