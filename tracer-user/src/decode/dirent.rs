//! `getdents`' and `getdents64`'s records under `-v`, as strace's `xgetdents.c` prints
//! them: `[{d_ino=2, d_off=1, d_reclen=24, d_name=".", d_type=DT_DIR}, ...]`
//! (`getdents64` puts `d_type` before the name, where its record has it).

use std::fmt::Write;

use super::flags::write_enum;
use super::structs::Bytes;
use super::{DecodeOptions, strings::quote, write_addr};
use crate::event::Capture;

/// strace's `D_NAME_LEN_MAX`.
const NAME_MAX: usize = 256;

const TYPES: super::flags::Xlat = &[
    (0, "DT_UNKNOWN"),
    (1, "DT_FIFO"),
    (2, "DT_CHR"),
    (4, "DT_DIR"),
    (6, "DT_BLK"),
    (8, "DT_REG"),
    (10, "DT_LNK"),
    (12, "DT_SOCK"),
    (14, "DT_WHT"),
];

/// The records a successful call filled (`cap`: as many bytes as its result).
pub fn write_dirents(
    out: &mut String,
    cap: Option<&Capture>,
    addr: u64,
    is64: bool,
    opts: &DecodeOptions,
) {
    let Some(cap) = cap.filter(|c| !c.fault) else {
        return write_addr(out, addr);
    };
    // `d_ino`, `d_off`, `d_reclen` (and `getdents64`'s `d_type`) precede the name.
    let header = if is64 { 19 } else { 18 };
    let data = &cap.data[..];
    let mut at = 0;
    let mut count = 0;
    loop {
        let rest = &data[at..];
        if rest.len() < header {
            if rest.is_empty() && count == 0 {
                out.push('[');
            } else if !rest.is_empty() {
                // strace's `printstr_ex(..., QUOTE_FORCE_HEX)` of the odd tail.
                quote(out, rest, super::HexMode::All, false);
            }
            break;
        }
        out.push_str(if count == 0 { "[" } else { ", " });
        count += 1;
        let b = Bytes(rest);
        let (ino, off, reclen) = (
            b.u64(0).unwrap_or(0),
            b.u64(8).unwrap_or(0),
            b.u16(16).unwrap_or(0),
        );
        let _ = write!(out, "{{d_ino={ino}, d_off={off}, d_reclen={reclen}");
        // strace's complaints about records that cannot be.
        let reclen = usize::from(reclen);
        let used = if reclen > rest.len() {
            let _ = write!(out, " /* {} bytes overflow */", reclen - rest.len());
            rest.len()
        } else if reclen < header {
            let _ = write!(out, " /* {} bytes underflow */", header - reclen);
            header
        } else {
            reclen
        };
        let tail = &rest[header..used];
        let name = |out: &mut String, len: usize| {
            let len = len.min(NAME_MAX);
            if len > 0 {
                out.push_str(", d_name=");
                write_name(out, &tail[..len.min(tail.len())], opts);
            }
        };
        if is64 {
            out.push_str(", d_type=");
            write_enum(out, rest[18].into(), TYPES, "DT_???");
            name(out, tail.len());
        } else if !tail.is_empty() {
            name(out, tail.len() - 1);
            out.push_str(", d_type=");
            write_enum(out, tail[tail.len() - 1].into(), TYPES, "DT_???");
        }
        out.push('}');
        at += used;
        if at >= data.len() {
            break;
        }
    }
    if cap.truncated {
        out.push_str(", ...");
    }
    out.push(']');
}

/// strace's `printpathn` of `bytes.len() - 1` bytes, which reads one more: up to the
/// NUL among them, else all but that one and `...`.
fn write_name(out: &mut String, bytes: &[u8], opts: &DecodeOptions) {
    match bytes.iter().position(|&c| c == 0) {
        Some(n) => quote(out, &bytes[..n], opts.hex, false),
        None => {
            quote(
                out,
                &bytes[..bytes.len().saturating_sub(1)],
                opts.hex,
                false,
            );
            out.push_str("...");
        }
    }
}
