//! The console's requests (type `K`), as strace's `kd_ioctl.c` prints them: tones,
//! LEDs, modes, screen maps, function key strings, key codes, fonts and colour maps.
//! The Unicode maps' pairs and the fonts' glyphs are behind pointers in their structs,
//! printed where they were copied ([`derefs`]), else their addresses.

use std::fmt::Write;

use super::xlat::*;
use super::{Ctx, Quote, Shape, Want, Where, mem_array, mem_str, need};
use crate::decode::XlatStyle;
use crate::decode::flags::{Xlat, hex, lookup, style, styled, write_enum, write_flags};
use crate::decode::strings::quote;
use crate::decode::structs::Bytes;

/// The PIT's input clock, 1193182 Hz: tones are given as its divisor.
const PIT_TICK_RATE: u64 = 1_193_182;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // KIOCSOUND: the divisor, and the tone it makes.
        0x4b2f => Shape::Value(|out, v| {
            let _ = write!(out, "{v}");
            if style() != XlatStyle::Raw {
                match v {
                    0 => out.push_str(" /* off */"),
                    _ => match PIT_TICK_RATE / v {
                        0 => out.push_str(" /* off */"),
                        hz => {
                            let _ = write!(out, " /* {hz} Hz */");
                        }
                    },
                }
            }
        }),
        // KDMKTONE: the length in ticks (ms) and the divisor.
        0x4b30 => Shape::Value(|out, v| {
            let v = v as u32;
            let (ticks, count) = (v >> 16, v & 0xffff);
            if ticks != 0 {
                let _ = write!(out, "{ticks}<<16|");
            }
            let _ = write!(out, "{count}");
            if style() != XlatStyle::Raw {
                match (ticks, count) {
                    (0, _) | (_, 0) => out.push_str(" /* off */"),
                    _ => {
                        let hz = PIT_TICK_RATE / u64::from(count);
                        let _ = write!(out, " /* {hz} Hz, {ticks} ms */");
                    }
                }
            }
        }),
        // KDGETLED, KDGKBLED; KDSETLED, KDSKBLED: an `unsigned char` of flags.
        0x4b31 => Shape::Out(|out, b, _| leds_at(out, b, KD_LED_FLAGS)),
        0x4b64 => Shape::Out(|out, b, _| leds_at(out, b, KD_DEFAULT_LED_FLAGS)),
        0x4b32 => Shape::Value(|out, v| leds(out, v, KD_LED_FLAGS)),
        0x4b65 => Shape::Value(|out, v| leds(out, v, KD_DEFAULT_LED_FLAGS)),
        // KDGKBTYPE
        0x4b33 => Shape::Out(|out, b, _| {
            out.push('[');
            write_enum(out, (*b.0.first()?).into(), KD_KBD_TYPES, "KB_???");
            out.push(']');
            Some(())
        }),
        // KDADDIO, KDDELIO: an I/O port, named from the first one a console may use.
        0x4b34 | 0x4b35 => Shape::Value(|out, v| {
            const GPFIRST: u64 = 0x3b4;
            const GPLAST: u64 = 0x3df;
            out.push_str(&hex(v));
            if (GPFIRST..=GPLAST).contains(&v) && style() != XlatStyle::Raw {
                let _ = write!(out, " /* GPFIRST + {} */", v - GPFIRST);
            }
        }),
        // KDSETMODE; KDGETMODE
        0x4b3a => Shape::Value(|out, v| write_enum(out, v as u32 as u64, KD_MODES, "KD_???")),
        0x4b3b => Shape::Out(|out, b, _| {
            out.push('[');
            write_enum(out, b.u32(0)?.into(), KD_MODES, "KD_???");
            out.push(']');
            Some(())
        }),
        // GIO_SCRNMAP; PIO_SCRNMAP: 256 bytes, in hex.
        0x4b40 => Shape::Out(|out, b, ctx| hex_string(out, b, 256, ctx)),
        0x4b41 => Shape::In(|out, b, ctx| hex_string(out, b, 256, ctx)),
        // GIO_UNISCRNMAP; PIO_UNISCRNMAP: 256 Unicode characters.
        0x4b69 => Shape::Out(uni_screen_map),
        0x4b6a => Shape::In(uni_screen_map),
        // KDGKBMODE; KDSKBMODE
        0x4b44 => Shape::Out(|out, b, _| {
            out.push('[');
            kbd_mode(out, b.u32(0)?);
            out.push(']');
            Some(())
        }),
        0x4b45 => Shape::Value(|out, v| kbd_mode(out, v as u32)),
        // KDGKBENT; KDSKBENT: a keymap's entry, and the key it holds.
        0x4b46 | 0x4b47 => Shape::Continued(
            |out, b, ctx| {
                let (table, index) = (*b.0.first()?, *b.0.get(1)?);
                out.push_str("{kb_table=");
                match lookup(KD_KEY_TABLES, table.into()) {
                    Some(name) => styled(out, &hex(table.into()), |o| o.push_str(name)),
                    None => write_flags(out, table.into(), KD_KEYMAP_FLAGS, None, "K_???"),
                }
                let _ = write!(out, ", kb_index={index}");
                if ctx.request == 0x4b47 {
                    kb_value(out, b);
                }
                Some(())
            },
            |out, b, ctx| {
                if ctx.request == 0x4b46 {
                    kb_value(out, b);
                }
                Some(())
            },
        ),
        // KDGKBSENT; KDSKBSENT: a function key and its string.
        0x4b48 | 0x4b49 => Shape::Continued(
            |out, b, ctx| {
                let func = *b.0.first()?;
                out.push_str("{kb_func=");
                write_enum(out, func.into(), KD_KEY_FN_KEY_VALS, "KVAL(K_???)");
                if ctx.request == 0x4b49 {
                    out.push_str(", ");
                    kb_string(out, b, ctx);
                }
                Some(())
            },
            |out, b, ctx| {
                if ctx.request == 0x4b48 {
                    out.push_str(", ");
                    kb_string(out, b, ctx);
                }
                Some(())
            },
        ),
        // KDGETKEYCODE, KDSETKEYCODE: a scan code and its key code.
        0x4b4c | 0x4b4d => Shape::Continued(
            |out, b, _| {
                need(b, 8)?;
                let _ = write!(
                    out,
                    "{{scancode={}, keycode={}",
                    hex(b.u32(0)?.into()),
                    hex(b.u32(4)?.into())
                );
                Some(())
            },
            |out, b, ctx| {
                if ctx.request == 0x4b4c {
                    let _ = write!(out, " => {}", hex(b.u32(4)?.into()));
                }
                Some(())
            },
        ),
        // KDSIGACCEPT: a signal.
        0x4b4e => Shape::Value(|out, v| match v < i32::MAX as u64 {
            true => crate::decode::flags::write_signal(out, v as i32),
            false => {
                let _ = write!(out, "{v}");
            }
        }),
        // KDKBDREP: the repeat rate asked for, then the one set.
        0x4b52 => Shape::InOut(kbd_repeat, kbd_repeat),
        // GIO_FONT; PIO_FONT: 8192 bytes, in hex.
        0x4b60 => Shape::Out(|out, b, ctx| hex_string(out, b, 8192, ctx)),
        0x4b61 => Shape::In(|out, b, ctx| hex_string(out, b, 8192, ctx)),
        // KDGKBMETA; KDSKBMETA
        0x4b62 => Shape::Out(|out, b, _| {
            out.push('[');
            write_enum(out, b.u32(0)?.into(), KD_META_VALS, "K_???");
            out.push(']');
            Some(())
        }),
        0x4b63 => Shape::Value(|out, v| {
            write_enum(out, v as u32 as u64, KD_META_VALS, "K_???");
        }),
        // PIO_UNIMAPCLR
        0x4b68 => Shape::In(|out, b, _| {
            need(b, 6)?;
            let _ = write!(
                out,
                "{{advised_hashsize={}, advised_hashstep={}, advised_hashlevel={}}}",
                b.u16(0)?,
                b.u16(2)?,
                b.u16(4)?
            );
            Some(())
        }),
        // GIO_CMAP; PIO_CMAP: 16 colours of 3 bytes, in hex.
        0x4b70 => Shape::Out(|out, b, ctx| hex_string(out, b, 48, ctx)),
        0x4b71 => Shape::In(|out, b, ctx| hex_string(out, b, 48, ctx)),
        // KDGKBDIACR; KDSKBDIACR; KDGKBDIACRUC; KDSKBDIACRUC: accent tables.
        0x4b4a => Shape::Out(diacr),
        0x4b4b => Shape::In(diacr),
        0x4bfa => Shape::Out(diacr_uc),
        0x4bfb => Shape::In(diacr_uc),
        // GIO_UNIMAP: the room, then how many pairs the map has and (unless the call
        // failed other than for want of room) the pairs, as many as there was room for:
        // strace reads the struct back whatever the result.
        0x4b66 => Shape::Both(
            |out, b, _| {
                need(b, 16)?;
                let _ = write!(out, "{{entry_ct={}", b.u16(0)?);
                Some(())
            },
            |out, b, ctx| {
                const ENOMEM: u32 = 12;
                need(b, 16)?;
                let _ = write!(out, " => {}, entries=", b.u16(0)?);
                if ctx.failed && ctx.errno != ENOMEM {
                    crate::decode::write_addr(out, b.u64(8)?);
                } else {
                    let count = Bytes(ctx.entry).u16(0)?;
                    unipairs(out, b.u64(8)?, count, ctx);
                }
                out.push('}');
                Some(())
            },
        ),
        // PIO_UNIMAP
        0x4b67 => Shape::In(|out, b, ctx| {
            need(b, 16)?;
            let count = b.u16(0)?;
            let _ = write!(out, "{{entry_ct={count}, entries=");
            unipairs(out, b.u64(8)?, count, ctx);
            out.push('}');
            Some(())
        }),
        // GIO_FONTX; PIO_FONTX
        0x4b6b => Shape::InOut(
            |o, b, ctx| font_desc(o, b, false, ctx),
            |o, b, ctx| font_desc(o, b, true, ctx),
        ),
        0x4b6c => Shape::In(|o, b, ctx| font_desc(o, b, true, ctx)),
        // KDFONTOP: the operation, and for the queries what the kernel wrote.
        0x4b72 => Shape::Then(
            |out, b, ctx| font_op(out, b, true, ctx),
            |out, b, ctx| {
                // Set and copy end at the entry: no answer follows.
                if matches!(Bytes(ctx.entry).u32(0), Some(0 | 3)) {
                    return Some(());
                }
                out.push_str(" => ");
                font_op(out, b, false, ctx)
            },
        ),
        // KDENABIO, KDDISABIO, KDMAPDISP, KDUNMAPDISP, PIO_FONTRESET
        0x4b36 | 0x4b37 | 0x4b3c | 0x4b3d | 0x4b6d => Shape::None,
        _ => return None,
    })
}

fn leds(out: &mut String, v: u64, table: Xlat) {
    write_flags(out, v & 0xff, table, None, "LED_???");
}

fn leds_at(out: &mut String, b: &Bytes, table: Xlat) -> Option<()> {
    out.push('[');
    leds(out, (*b.0.first()?).into(), table);
    out.push(']');
    Some(())
}

/// strace's `printxval_d`: a mode by name, an unknown one as a signed number.
fn kbd_mode(out: &mut String, v: u32) {
    let raw = (v as i32).to_string();
    styled(out, &raw, |o| match lookup(KD_KBD_MODES, v.into()) {
        Some(name) => o.push_str(name),
        None => {
            let _ = write!(o, "{raw} /* K_??? */");
        }
    });
}

/// strace's `printstr_ex(arg, len, QUOTE_FORCE_HEX)`: the first `-s` of `len` bytes in
/// hex, `...` when there are more; None (the address) when the copy holds fewer.
fn hex_string(out: &mut String, b: &Bytes, len: usize, ctx: &Ctx) -> Option<()> {
    // strace reads one byte past `-s` (to tell whether to add `...`): a copy cut short
    // before it, by the end of the memory, shows the address.
    need(b, len.min(ctx.opts.string_limit + 1))?;
    let n = len.min(ctx.opts.string_limit);
    let bytes = b.0.get(..n)?;
    quote(out, bytes, crate::decode::HexMode::All, true);
    if len > n {
        out.push_str("...");
    }
    Some(())
}

/// `[0xf000, UNI_DIRECT_BASE+0x1, ...]`: 256 `unsigned short`s, those in the direct
/// range by their offset from its base.
fn uni_screen_map(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    const UNI_DIRECT_BASE: u16 = 0xf000;
    const UNI_DIRECT_MASK: u16 = 0x01ff;
    super::held_array(out, b, 0, 2, 256, false, ctx, |out, e| {
        let v = e.u16(0)?;
        let direct = v & !UNI_DIRECT_MASK == UNI_DIRECT_BASE;
        let name = format!("UNI_DIRECT_BASE+{}", hex((v & UNI_DIRECT_MASK).into()));
        match (style(), direct) {
            (XlatStyle::Abbrev, true) => out.push_str(&name),
            (XlatStyle::Verbose, true) => {
                let _ = write!(out, "{} /* {name} */", hex(v.into()));
            }
            _ => out.push_str(&hex(v.into())),
        }
        Some(())
    });
    Some(())
}

/// `struct kbdiacrs`: the count, then as many accents (at most 256) as characters.
fn diacr(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let count = b.u32(0)?;
    let _ = write!(out, "{{kb_cnt={count}, kbdiacr=");
    super::held_array(
        out,
        b,
        4,
        3,
        count.min(256) as usize,
        count > 256,
        ctx,
        |out, e| {
            out.push_str("{diacr=");
            quoted_char(out, *e.0.first()?);
            out.push_str(", base=");
            quoted_char(out, *e.0.get(1)?);
            out.push_str(", result=");
            quoted_char(out, *e.0.get(2)?);
            out.push('}');
            Some(())
        },
    );
    out.push('}');
    Some(())
}

/// `struct kbdiacrsuc`: the count, then as many Unicode accents (at most 256).
fn diacr_uc(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    let count = b.u32(0)?;
    let _ = write!(out, "{{kb_cnt={count}, kbdiacruc=");
    super::held_array(
        out,
        b,
        4,
        12,
        count.min(256) as usize,
        count > 256,
        ctx,
        |out, e| {
            let _ = write!(
                out,
                "{{diacr={}, base={}, result={}}}",
                hex(e.u32(0)?.into()),
                hex(e.u32(4)?.into()),
                hex(e.u32(8)?.into())
            );
            Some(())
        },
    );
    out.push('}');
    Some(())
}

/// strace's `print_char(c, SCF_QUOTES | SCF_ESC_WS)`: `'a'`, `'\''`, `'\n'`, `'\x80'`.
fn quoted_char(out: &mut String, c: u8) {
    out.push('\'');
    match c {
        b'\'' | b'\\' => {
            out.push('\\');
            out.push(c as char);
        }
        b' '..=b'~' => out.push(c as char),
        b'\t'..=b'\r' => {
            out.push('\\');
            out.push(b"tnvfr"[usize::from(c - b'\t')] as char);
        }
        _ => {
            let _ = write!(out, "\\x{c:02x}");
        }
    }
    out.push('\'');
}

/// `struct kbsentry`'s string (after its 1-byte key): up to its NUL, the first `-s`
/// bytes with `...` when longer; `???` when the copy ends before its NUL.
fn kb_string(out: &mut String, b: &Bytes, ctx: &Ctx) {
    out.push_str("kb_string=");
    let held = b.0.get(1..).unwrap_or_default();
    let held = &held[..held.len().min(512)];
    let limit = ctx.opts.string_limit;
    let (len, ended) = match held.iter().position(|&c| c == 0) {
        Some(n) => (n, true),
        // No NUL among the bytes held: all 512 of them, or enough of them to tell it
        // is longer than `-s` (a copy cut short by the plan's size), or a string that
        // runs into an unreadable page.
        None if held.len() >= 512 || held.len() > limit => (held.len(), false),
        None => {
            out.push_str("???");
            return;
        }
    };
    quote(out, &held[..len.min(limit)], ctx.opts.hex, false);
    // (strace's limit counts the NUL: a string as long as `-s` is cut too.)
    if !ended || len >= limit {
        out.push_str("...");
    }
}

fn kbd_repeat(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 8)?;
    let _ = write!(out, "{{delay={}, period={}}}", b.i32(0)?, b.i32(4)?);
    Some(())
}

/// `struct kbentry`'s value: the key, in hex, and what it is (strace's tables of keys
/// by type, or `K(type, value)`).
fn kb_value(out: &mut String, b: &Bytes) {
    let Some(v) = b.u16(2) else {
        out.push_str(", kb_value=???");
        return;
    };
    let _ = write!(out, ", kb_value={}", hex(v.into()));
    if style() == XlatStyle::Raw {
        return;
    }
    let (ktyp, kval) = (v >> 8, (v & 0xff) as u8);
    let table = match ktyp {
        1 => Some(KD_KEY_FN_KEYS),
        2 => Some(KD_KEY_SPEC_KEYS),
        3 => Some(KD_KEY_PAD_KEYS),
        4 => Some(KD_KEY_DEAD_KEYS),
        6 => Some(KD_KEY_CUR_KEYS),
        7 => Some(KD_KEY_SHIFT_KEYS),
        9 => Some(KD_KEY_ASCII_KEYS),
        10 => Some(KD_KEY_LOCK_KEYS),
        12 => Some(KD_KEY_SLOCK_KEYS),
        14 => Some(KD_KEY_BRL_KEYS),
        _ => None,
    };
    if let Some(name) = table.and_then(|t| lookup(t, v.into())) {
        let _ = write!(out, " /* {name} */");
        return;
    }
    out.push_str(" /* K(");
    match lookup(KD_KEY_TYPES, ktyp.into()) {
        Some(name) => out.push_str(name),
        None => out.push_str(&hex(ktyp.into())),
    }
    out.push_str(", ");
    // KT_LATIN, KT_META, KT_LETTER, KT_DEAD2: a character.
    if matches!(ktyp, 0 | 8 | 11 | 13) {
        quoted_char(out, kval);
    } else {
        out.push_str(&hex(kval.into()));
    }
    out.push_str(") */");
}

/// `struct unipair`s behind a pointer.
fn unipairs(out: &mut String, addr: u64, count: u16, ctx: &Ctx) {
    mem_array(out, addr, 4, count.into(), ctx, |out, e| {
        let _ = write!(
            out,
            "{{unicode={}, fontpos={}}}",
            hex(e.u16(0)?.into()),
            hex(e.u16(2)?.into())
        );
        Some(())
    });
}

/// `struct consolefontdesc`: the glyphs (their address only when `glyph_bytes` is
/// false: GIO_FONTX's entry).
fn font_desc(out: &mut String, b: &Bytes, glyph_bytes: bool, ctx: &Ctx) -> Option<()> {
    need(b, 16)?;
    let (count, height) = (b.u16(0)?, b.u16(2)?);
    let _ = write!(out, "{{charcount={count}, charheight={height}, chardata=");
    if glyph_bytes {
        glyphs(out, b.u64(8)?, usize::from(count.min(512)) * 32, ctx);
    } else {
        crate::decode::write_addr(out, b.u64(8)?);
    }
    out.push('}');
    Some(())
}

/// Glyphs: `len` bytes behind a pointer, in hex.
fn glyphs(out: &mut String, addr: u64, len: usize, ctx: &Ctx) {
    let q = Quote {
        hex: true,
        ..Quote::default()
    };
    mem_str(out, addr, len, q, ctx);
}

/// The glyphs' bytes a `struct console_font_op` holds.
fn font_op_len(b: &Bytes) -> Option<usize> {
    Some((b.u32(8)?.min(32) as usize).div_ceil(8) * 32 * b.u32(16)?.min(512) as usize)
}

/// What the console's decoders print behind pointers, or of a struct longer than the
/// plan copies for a request that encodes no size.
pub(super) fn derefs(at: &Where, b: &Bytes) -> Vec<Want> {
    let whole = match at.request {
        // GIO_UNISCRNMAP, PIO_UNISCRNMAP; KDGKBSENT, KDSKBSENT; GIO_FONT, PIO_FONT;
        // KDGKBDIACR, KDSKBDIACR; KDGKBDIACRUC, KDSKBDIACRUC
        0x4b69 | 0x4b6a => 512,
        0x4b48 | 0x4b49 => 513,
        0x4b60 | 0x4b61 => 8192,
        0x4b4a | 0x4b4b => 4 + 256 * 3,
        0x4bfa | 0x4bfb => 4 + 256 * 12,
        _ => 0,
    };
    if whole > 0 {
        return vec![(at.addr, whole)];
    }
    let want = match at.request {
        // GIO_UNIMAP (as many pairs as the entry had room for), PIO_UNIMAP
        0x4b66 | 0x4b67 => {
            let count = Bytes(at.entry).u16(0).or(b.u16(0));
            b.u64(8).zip(count.map(|n| usize::from(n) * 4))
        }
        // GIO_FONTX, PIO_FONTX
        0x4b6b | 0x4b6c => b.u64(8).zip(b.u16(0).map(|n| usize::from(n.min(512)) * 32)),
        // KDFONTOP: KD_FONT_OP_SET_DEFAULT's font name, the others' glyphs.
        0x4b72 => match b.u32(0) {
            Some(2) => b.u64(24).map(|a| (a, 32)),
            Some(_) => b.u64(24).zip(font_op_len(b)),
            None => None,
        },
        _ => None,
    };
    want.into_iter().collect()
}

/// `struct console_font_op` as strace's `print_console_font_op` prints it: the fields
/// each operation uses; at the exit (the kernel's answer to KD_FONT_OP_GET) without the
/// operation and flags.
fn font_op(out: &mut String, b: &Bytes, entering: bool, ctx: &Ctx) -> Option<()> {
    const SET: u32 = 0;
    const GET: u32 = 1;
    const SET_DEFAULT: u32 = 2;
    const COPY: u32 = 3;
    need(b, 32)?;
    let op = b.u32(0)?;
    let u = |n: usize| b.u32(4 * n);
    out.push('{');
    if entering {
        out.push_str("op=");
        write_enum(out, op.into(), KD_FONT_OPS, "KD_FONT_OP_???");
        if !matches!(op, SET_DEFAULT | COPY) {
            out.push_str(", flags=");
            write_flags(out, u(1)?.into(), KD_FONT_FLAGS, None, "KD_FONT_FLAG_???");
        }
        out.push_str(", ");
    }
    match op {
        COPY => {
            let _ = write!(out, "height={}", u(3)?);
        }
        _ => {
            let _ = write!(out, "width={}, height={}", u(2)?, u(3)?);
        }
    }
    if !matches!(op, SET_DEFAULT | COPY) {
        let _ = write!(out, ", charcount={}", u(4)?);
    }
    let data = b.u64(24)?;
    match op {
        GET if entering => {
            out.push_str(", data=");
            crate::decode::write_addr(out, data);
        }
        GET | SET => {
            out.push_str(", data=");
            glyphs(out, data, font_op_len(b)?, ctx);
        }
        SET_DEFAULT => {
            if entering {
                // The name the kernel reads (KERNEL_MAX_FONT_NAME, its NUL included).
                out.push_str(", data=");
                let q = Quote {
                    zero_end: true,
                    trailing_zero: true,
                    ..Quote::default()
                };
                mem_str(out, data, 32, q, ctx);
            }
        }
        COPY => {}
        _ => {
            out.push_str(", data=");
            crate::decode::write_addr(out, data);
        }
    }
    out.push('}');
    Some(())
}
