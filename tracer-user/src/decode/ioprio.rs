//! `ioprio_set`'s priority and `ioprio_get`'s result as strace's `sprint_ioprio` shows
//! them: `IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)`.

use super::flags::{self, write_enum};
use super::{XlatStyle, write_int};
use std::fmt::Write;

/// strace's `ioprio_class`.
const CLASSES: flags::Xlat = &[
    (0, "IOPRIO_CLASS_NONE"),
    (1, "IOPRIO_CLASS_RT"),
    (2, "IOPRIO_CLASS_BE"),
    (3, "IOPRIO_CLASS_IDLE"),
];

/// `IOPRIO_PRIO_VALUE(class, data)`, the class in the current `-X` style.
fn value(ioprio: u32) -> String {
    let mut s = String::from("IOPRIO_PRIO_VALUE(");
    write_enum(&mut s, (ioprio >> 13) as u64, CLASSES, "IOPRIO_CLASS_???");
    let _ = write!(s, ", {})", ioprio & 0x1fff);
    s
}

/// `ioprio_set`'s argument: the macro, the number (`-X raw`) or both (`-X verbose`).
pub(crate) fn write_arg(out: &mut String, ioprio: u32) {
    let style = flags::style();
    if style != XlatStyle::Abbrev {
        write_int(out, ioprio as i32);
    }
    match style {
        XlatStyle::Raw => {}
        XlatStyle::Verbose => {
            let _ = write!(out, " /* {} */", value(ioprio));
        }
        XlatStyle::Abbrev => out.push_str(&value(ioprio)),
    }
}

/// `ioprio_get`'s result: `4 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 4))`.
pub(crate) fn write_return(out: &mut String, ret: u64) {
    write_int(out, ret as i64);
    if flags::style() != XlatStyle::Raw {
        let _ = write!(out, " ({})", value(ret as u32));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flags::StyleScope;

    // Lines of strace's tests/ioprio.c.
    #[test]
    fn ioprio_lines() {
        let arg = |v: u32, style| {
            let _scope = StyleScope::new(style);
            let mut s = String::new();
            write_arg(&mut s, v);
            s
        };
        assert_eq!(
            arg(8191, XlatStyle::Abbrev),
            "IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 8191)"
        );
        assert_eq!(
            arg(0xfacefeed, XlatStyle::Abbrev),
            "IOPRIO_PRIO_VALUE(0x7d677 /* IOPRIO_CLASS_??? */, 7917)"
        );
        assert_eq!(arg(0xfacefeed, XlatStyle::Raw), "-87097619");
        assert_eq!(
            arg(8191, XlatStyle::Verbose),
            "8191 /* IOPRIO_PRIO_VALUE(0 /* IOPRIO_CLASS_NONE */, 8191) */"
        );
        let mut s = String::new();
        write_return(&mut s, 0);
        assert_eq!(s, "0 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0))");
    }
}
