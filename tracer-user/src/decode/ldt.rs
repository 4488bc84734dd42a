//! x86's `modify_ldt` (strace's `ldt.c`): the `struct user_desc` it reads when the byte
//! count is the struct's size, and its result, which the kernel returns as an `int`
//! without sign extension (`4294967258 ENOSYS (...)`); the `struct user_desc` of
//! `set_thread_area` and `get_thread_area`.

use std::fmt::Write;

use super::structs::Bytes;
use super::{Call, DecodeOptions, strings::write_addr};

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

/// `set_thread_area`'s descriptor (whole, or its address), or `get_thread_area`'s
/// (`get`): its `entry_number` read at entry, then (strace's `USER_DESC_EXITING`) after
/// a success what the kernel wrote, `...` after a failure, nothing when not verbose.
pub(crate) fn write_thread_area(
    out: &mut String,
    call: &Call,
    i: usize,
    get: bool,
    opts: &DecodeOptions,
) {
    let v = call.args[i];
    let mut caps = call.captures.iter().filter(|c| c.arg as usize == i);
    let entry = caps.next().filter(|c| !c.fault && v != 0);
    if !get {
        let whole = entry.filter(|c| c.data.len() == usize::from(USER_DESC_SIZE));
        return match whole.and_then(|c| write_user_desc(out, &Bytes(&c.data))) {
            Some(()) => {}
            None => write_addr(out, v),
        };
    }
    let Some(entry_number) = entry.and_then(|c| Bytes(&c.data).u32(0)) else {
        return write_addr(out, v);
    };
    let _ = write!(out, "{{entry_number={}", id(entry_number));
    if !opts.dereference {
        return;
    }
    let written = caps
        .next()
        .filter(|c| !c.fault && !call.failed() && c.data.len() == usize::from(USER_DESC_SIZE));
    let Some(b) = written.map(|c| Bytes(&c.data)) else {
        return out.push_str(", ...}");
    };
    if let Some(now) = b.u32(0).filter(|&n| n != entry_number) {
        let _ = write!(out, " => {}", id(now));
    }
    let _ = write_fields(out, &b);
    out.push('}');
}

/// strace's `PRINT_FIELD_ID`: -1 as such, else unsigned.
fn id(v: u32) -> String {
    if v == u32::MAX {
        "-1".to_owned()
    } else {
        v.to_string()
    }
}

/// strace's `print_user_desc` (`USER_DESC_BOTH`, 64-bit: with `lm`).
fn write_user_desc(out: &mut String, b: &Bytes) -> Option<()> {
    let _ = write!(out, "{{entry_number={}", id(b.u32(0)?));
    write_fields(out, b)?;
    out.push('}');
    Some(())
}

/// The fields after `entry_number`, each after `, `.
fn write_fields(out: &mut String, b: &Bytes) -> Option<()> {
    let (base, limit, bits) = (b.u32(4)?, b.u32(8)?, b.u32(12)?);
    let bit = |n: u32, width: u32| (bits >> n) & ((1 << width) - 1);
    // PRINT_FIELD_0X: `%#0*x` eight wide, `0x` included, which C prints as zeros
    // alone for 0.
    let zx = |v: u32| {
        if v == 0 {
            "00000000".to_owned()
        } else {
            format!("{v:#08x}")
        }
    };
    let _ = write!(
        out,
        ", base_addr={}, limit={}, seg_32bit={}, contents={}, read_exec_only={}, \
         limit_in_pages={}, seg_not_present={}, useable={}, lm={}",
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
