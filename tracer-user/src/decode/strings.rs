//! Strings and buffers, quoted exactly as strace's `string_quote` does. Every byte the
//! tracee controls goes through here, which also keeps escape sequences off the terminal.

use super::{DecodeOptions, HexMode};
use crate::event::Capture;
use std::fmt::Write;

/// Appends `bytes` in double quotes. `hex` forces `\x..` for every byte (strace's
/// `QUOTE_FORCE_HEX`, e.g. `getrandom`'s buffer).
pub fn quote(out: &mut String, bytes: &[u8], mode: HexMode, hex: bool) {
    // -x hex-quotes the whole string as soon as one byte is neither printable ASCII nor
    // one of the whitespace characters "\t\n\v\f\r".
    let all_hex = hex
        || match mode {
            HexMode::All => true,
            HexMode::NonAscii => bytes
                .iter()
                .any(|&c| c > 0x7e || (c < b' ' && !(9..=13).contains(&c))),
            HexMode::None | HexMode::Escapes => false,
        };
    out.push('"');
    escape(out, bytes, mode, all_hex, b"");
    out.push('"');
}

/// A descriptor's path inside strace's `<...>`: escaped as a quoted string is, and `<`
/// and `>` too, without the quotes (strace's `QUOTE_OMIT_LEADING_TRAILING_QUOTES`).
pub fn escape_fd_path(out: &mut String, path: &[u8]) {
    escape(out, path, HexMode::None, false, b"<>");
}

/// The bytes of a quoted string, and those of `extra` as octal escapes.
fn escape(out: &mut String, bytes: &[u8], mode: HexMode, all_hex: bool, extra: &[u8]) {
    for (i, &c) in bytes.iter().enumerate() {
        if all_hex {
            let _ = write!(out, "\\x{c:02x}");
            continue;
        }
        match c {
            _ if extra.contains(&c) => {
                let next_is_octal = matches!(bytes.get(i + 1), Some(b'0'..=b'7'));
                if next_is_octal {
                    let _ = write!(out, "\\{c:03o}");
                } else {
                    let _ = write!(out, "\\{c:o}");
                }
            }
            b'"' | b'\\' => {
                out.push('\\');
                out.push(c as char);
            }
            b'\x0c' => out.push_str("\\f"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'\x0b' => out.push_str("\\v"),
            b' '..=b'~' => out.push(c as char),
            _ if mode == HexMode::Escapes => {
                let _ = write!(out, "\\x{c:02x}");
            }
            _ => {
                // The shortest octal form, unless an octal digit follows and would be
                // read as part of the escape.
                let next_is_octal = matches!(bytes.get(i + 1), Some(b'0'..=b'7'));
                if next_is_octal {
                    let _ = write!(out, "\\{c:03o}");
                } else {
                    let _ = write!(out, "\\{c:o}");
                }
            }
        }
    }
}

/// A command name as strace prints it in `<...>`: escaped as a descriptor's path is
/// (a name is the tracee's to choose: `foo<bar>` is `foo\74bar\76`).
pub fn escape_comm(out: &mut String, comm: &[u8]) {
    escape(out, comm, HexMode::None, false, b"<>");
}

/// An address strace could not or would not read: `NULL` or `0x...`.
pub fn write_addr(out: &mut String, addr: u64) {
    if addr == 0 {
        out.push_str("NULL");
    } else {
        let _ = write!(out, "{addr:#x}");
    }
}

/// A NUL-terminated string (captured without its NUL). `limit` is `-s` for strings and
/// `None` for paths, which strace prints whole.
pub fn write_cstr(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    limit: Option<usize>,
    opts: &DecodeOptions,
) {
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0) else {
        return write_addr(out, addr);
    };
    let shown = limit.map_or(cap.data.len(), |n| n.min(cap.data.len()));
    quote(out, &cap.data[..shown], opts.hex, false);
    if cap.truncated || shown < cap.data.len() {
        out.push_str("...");
    }
}

/// A string the kernel reads up to `max` bytes of, copied as strace's `printstr_ex`
/// reads it: up to its NUL, else all `max` (or `-s` and one) bytes with `...`; a copy
/// that ran into the mapping's end before either is the address.
pub fn write_str_upto(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    max: u16,
    opts: &DecodeOptions,
) {
    let wanted = crate::syscalls::plan::str_up_to(max, opts.string_limit) as usize;
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0) else {
        return write_addr(out, addr);
    };
    let (text, ended) = match cap.data.iter().position(|&b| b == 0) {
        Some(nul) => (&cap.data[..nul], true),
        None if cap.data.len() >= wanted => (&cap.data[..wanted], false),
        None => return write_addr(out, addr),
    };
    let shown = text.len().min(opts.string_limit);
    quote(out, &text[..shown], opts.hex, false);
    if !ended || shown < text.len() {
        out.push_str("...");
    }
}

/// A buffer of `len` bytes (`write`'s data, `read`'s result), at most `-s` of them shown.
pub fn write_buf(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    len: u64,
    opts: &DecodeOptions,
    hex: bool,
) {
    // A copy shorter than what strace reads (`-s` and one byte more) ended at a
    // mapping's end (a `PARTIAL` one): unreadable, as strace finds it (the kernel copies
    // at most `MAX_CAPTURE`).
    let wanted = (len.min(opts.string_limit as u64 + 1) as usize).min(tracer_common::MAX_CAPTURE);
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0 && c.data.len() >= wanted) else {
        return write_addr(out, addr);
    };
    let shown = (len.min(opts.string_limit as u64) as usize).min(cap.data.len());
    quote(out, &cap.data[..shown], opts.hex, hex);
    if len > shown as u64 {
        out.push_str("...");
    }
}

/// `execve`'s argv: `["ls", "-l"]`, each string limited by `-s`, abbreviated (as strace
/// does unless `-v`) to `-s` strings, and `...` after the last one if there were more
/// than shown (or than the capture could hold).
pub fn write_strv(out: &mut String, cap: Option<&Capture>, addr: u64, opts: &DecodeOptions) {
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0) else {
        return write_addr(out, addr);
    };
    let mut items: Vec<&[u8]> = cap.data.split(|&b| b == 0).collect();
    // The data ends with a NUL, leaving an empty piece after it; if it does not, the
    // last string was cut short.
    let mut last_cut = !cap.data.is_empty() && cap.data.last() != Some(&0);
    if !last_cut {
        items.pop();
    }
    let mut cut = cap.truncated;
    if opts.abbreviate && items.len() > opts.string_limit {
        items.truncate(opts.string_limit);
        cut = true;
        last_cut = false;
    }
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let shown = item.len().min(opts.string_limit);
        quote(out, &item[..shown], opts.hex, false);
        if shown < item.len() || (last_cut && i + 1 == items.len()) {
            out.push_str("...");
        }
    }
    if cut {
        out.push_str(if items.is_empty() { "..." } else { ", ..." });
    }
    out.push(']');
}

/// `execve`'s envp, strace's default: the pointer and how many variables it holds (at
/// least that many when the count stopped at the capture's limit).
pub fn write_ptrv_count(out: &mut String, cap: Option<&Capture>, addr: u64) {
    write_addr(out, addr);
    let Some(cap) = cap.filter(|c| !c.fault && addr != 0) else {
        return;
    };
    let Some(n) = cap
        .data
        .get(..4)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
    else {
        return;
    };
    let at_least = if cap.truncated { "at least " } else { "" };
    let _ = write!(
        out,
        " /* {at_least}{n} var{} */",
        if n == 1 { "" } else { "s" }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_names_escape_angle_brackets() {
        // strace's strace-Y-0123456789.test: a name set with PR_SET_NAME.
        let mut s = String::new();
        escape_comm(&mut s, b"foo<bar>");
        assert_eq!(s, r"foo\74bar\76");
    }

    fn q(bytes: &[u8], mode: HexMode) -> String {
        let mut s = String::new();
        quote(&mut s, bytes, mode, false);
        s
    }

    fn cap(data: &[u8], truncated: bool, fault: bool) -> Capture {
        Capture {
            arg: 0,
            kind: 0,
            data: data.to_vec(),
            truncated,
            fault,
        }
    }

    fn opts(limit: usize) -> DecodeOptions {
        DecodeOptions {
            string_limit: limit,
            ..Default::default()
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            q(b"a\t\n\x0b\x0c\r\"\\z", HexMode::None),
            r#""a\t\n\v\f\r\"\\z""#
        );
        // Real strace output for an ELF header: shortest octal unless a digit follows.
        assert_eq!(
            q(b"\x7fELF\x02\x01\x01\x00\x00\x10t\x02", HexMode::None),
            r#""\177ELF\2\1\1\0\0\20t\2""#
        );
        assert_eq!(q(b"\x001", HexMode::None), r#""\0001""#);
        assert_eq!(q(b"\x008", HexMode::None), r#""\08""#);
        assert_eq!(q(b"\x1b[31m", HexMode::None), r#""\33[31m""#);
        assert_eq!(q("é".as_bytes(), HexMode::None), r#""\303\251""#);
    }

    #[test]
    fn hex_escapes() {
        assert_eq!(q(b"a\x01\xff\n", HexMode::Escapes), r#""a\x01\xff\n""#);
    }

    #[test]
    fn hex_modes() {
        assert_eq!(q(b"ab\n", HexMode::NonAscii), r#""ab\n""#);
        assert_eq!(q(b"a\x01", HexMode::NonAscii), r#""\x61\x01""#);
        assert_eq!(q(b"ab", HexMode::All), r#""\x61\x62""#);
        let mut s = String::new();
        quote(&mut s, b"\xf0\x4f", HexMode::None, true);
        assert_eq!(s, r#""\xf0\x4f""#);
    }

    #[test]
    fn cstrings_and_paths() {
        let mut s = String::new();
        write_cstr(
            &mut s,
            Some(&cap(b"/etc/passwd", false, false)),
            1,
            None,
            &opts(4),
        );
        assert_eq!(s, r#""/etc/passwd""#, "paths ignore -s");
        s.clear();
        write_cstr(
            &mut s,
            Some(&cap(b"hello", false, false)),
            1,
            Some(4),
            &opts(4),
        );
        assert_eq!(s, r#""hell"..."#);
        s.clear();
        write_cstr(
            &mut s,
            Some(&cap(b"hell", false, false)),
            1,
            Some(4),
            &opts(4),
        );
        assert_eq!(s, r#""hell""#);
        s.clear();
        write_cstr(
            &mut s,
            Some(&cap(b"/very/lo", true, false)),
            1,
            None,
            &opts(4),
        );
        assert_eq!(s, r#""/very/lo"..."#);
        s.clear();
        write_cstr(
            &mut s,
            Some(&cap(b"", false, true)),
            0x7ffd1000,
            None,
            &opts(4),
        );
        assert_eq!(s, "0x7ffd1000");
        s.clear();
        write_cstr(&mut s, None, 0, None, &opts(4));
        assert_eq!(s, "NULL");
    }

    #[test]
    fn buffers() {
        let mut s = String::new();
        write_buf(
            &mut s,
            Some(&cap(b"abcdef", false, false)),
            1,
            6,
            &opts(4),
            false,
        );
        assert_eq!(s, r#""abcd"..."#);
        s.clear();
        write_buf(
            &mut s,
            Some(&cap(b"ab", false, false)),
            1,
            2,
            &opts(4),
            false,
        );
        assert_eq!(s, r#""ab""#);
        s.clear();
        write_buf(&mut s, Some(&cap(b"", false, false)), 1, 0, &opts(4), false);
        assert_eq!(s, r#""""#);
        s.clear();
        write_buf(&mut s, None, 0x1000, 5, &opts(4), false);
        assert_eq!(s, "0x1000");
        s.clear();
        // Cut short at a mapping's end.
        let short = cap(b"ab", true, false);
        write_buf(&mut s, Some(&short), 0x1000, 5, &opts(4), false);
        assert_eq!(s, "0x1000");
    }

    #[test]
    fn arrays() {
        let mut s = String::new();
        write_strv(&mut s, Some(&cap(b"ls\0-l\0", false, false)), 1, &opts(32));
        assert_eq!(s, r#"["ls", "-l"]"#);
        s.clear();
        write_strv(&mut s, Some(&cap(b"ls\0-l\0", true, false)), 1, &opts(32));
        assert_eq!(s, r#"["ls", "-l", ...]"#);
        s.clear();
        write_strv(&mut s, Some(&cap(b"", false, false)), 1, &opts(32));
        assert_eq!(s, "[]");
        s.clear();
        write_strv(&mut s, Some(&cap(b"abcdef\0", false, false)), 1, &opts(3));
        assert_eq!(s, r#"["abc"...]"#);
        s.clear();
        write_strv(
            &mut s,
            Some(&cap(b"a\0b\0c\0d\0", false, false)),
            1,
            &opts(2),
        );
        assert_eq!(s, r#"["a", "b", ...]"#, "abbreviated to -s strings");
        s.clear();
        let verbose = DecodeOptions {
            abbreviate: false,
            ..opts(2)
        };
        write_strv(
            &mut s,
            Some(&cap(b"a\0b\0c\0d\0", false, false)),
            1,
            &verbose,
        );
        assert_eq!(s, r#"["a", "b", "c", "d"]"#, "-v: every string");
        s.clear();
        write_ptrv_count(
            &mut s,
            Some(&cap(&39u32.to_le_bytes(), false, false)),
            0x7ffc10,
        );
        assert_eq!(s, "0x7ffc10 /* 39 vars */");
        s.clear();
        write_ptrv_count(
            &mut s,
            Some(&cap(&1u32.to_le_bytes(), false, false)),
            0x7ffc10,
        );
        assert_eq!(s, "0x7ffc10 /* 1 var */");
        s.clear();
        write_ptrv_count(
            &mut s,
            Some(&cap(&512u32.to_le_bytes(), true, false)),
            0x7ffc10,
        );
        assert_eq!(
            s, "0x7ffc10 /* at least 512 vars */",
            "the count's limit says so"
        );
    }
}
