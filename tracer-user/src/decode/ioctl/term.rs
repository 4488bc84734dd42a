//! Terminals' requests (type `T`): nothing for those that take no argument, `[1]` for
//! an `int` the kernel reads or writes, the window size, a terminal's settings, the
//! modem lines.

use std::fmt::Write;

use super::{Ctx, Shape, int, need};
use crate::decode::flags::{Xlat, styled, write_enum, write_flags};
use crate::decode::structs::Bytes;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // FIONCLEX, FIOCLEX, TIOCNOTTY, TIOCEXCL, TIOCNXCL, TIOCSBRK, TIOCCBRK,
        // TIOCCONS, TIOCVHANGUP, TIOCSSERIAL
        0x5450 | 0x5451 | 0x5422 | 0x540c | 0x540d | 0x5427 | 0x5428 | 0x541d | 0x5437 | 0x541f => {
            Shape::None
        }
        // FIONBIO, FIOASYNC, TIOCSPGRP, TIOCSETD, TIOCPKT, TIOCSSOFTCAR, TIOCSPTLCK
        0x5421 | 0x5452 | 0x5410 | 0x5423 | 0x5420 | 0x541a | 0x4004_5431 => Shape::In(int),
        // FIONREAD, TIOCOUTQ, TIOCGPGRP, TIOCGSID, TIOCGETD, TIOCGSOFTCAR, TIOCGPTN,
        // TIOCGEXCL, TIOCGDEV
        0x541b | 0x5411 | 0x540f | 0x5429 | 0x5424 | 0x5419 | 0x8004_5430 | 0x8004_5440
        | 0x8004_5432 => Shape::Out(int),
        // TCSBRK, TCSBRKP, TIOCSCTTY: the value.
        0x5409 | 0x5425 | 0x540e => Shape::Int,
        // TCXONC, TCFLSH
        0x540a => Shape::Value(|out, v| write_enum(out, v, TCXONC, "TC???")),
        0x540b => Shape::Value(|out, v| write_enum(out, v, TCFLSH, "TC???")),
        // TIOCSTI: the character.
        0x5412 => Shape::In(|out, b, ctx| {
            crate::decode::strings::quote(out, b.0.get(..1)?, ctx.opts.hex, false);
            Some(())
        }),
        0x5413 => Shape::Out(winsize),
        0x5414 => Shape::In(winsize),
        // TCGETS, TIOCGLCKTRMIOS; TCSETS, TCSETSW, TCSETSF, TIOCSLCKTRMIOS
        0x5401 | 0x5456 => Shape::Out(termios),
        0x5402..=0x5404 | 0x5457 => Shape::In(termios),
        // TCGETS2; TCSETS2, TCSETSW2, TCSETSF2
        0x802c_542a => Shape::Out(termios2),
        0x402c_542b..=0x402c_542d => Shape::In(termios2),
        // TCGETA; TCSETA, TCSETAW, TCSETAF
        0x5405 => Shape::Out(termio),
        0x5406..=0x5408 => Shape::In(termio),
        // TIOCMGET; TIOCMBIS, TIOCMBIC, TIOCMSET
        0x5415 => Shape::Out(modem),
        0x5416..=0x5418 => Shape::In(modem),
        _ => return None,
    })
}

fn winsize(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    need(b, 8)?;
    let _ = write!(
        out,
        "{{ws_row={}, ws_col={}, ws_xpixel={}, ws_ypixel={}}}",
        b.u16(0)?,
        b.u16(2)?,
        b.u16(4)?,
        b.u16(6)?
    );
    Some(())
}

/// `struct termios` (36 bytes), `struct termios2` (44: the speeds too) or the old
/// `struct termio` (18: 16-bit flags, 8 control characters).
#[derive(Clone, Copy)]
enum Layout {
    Termios,
    Termios2,
    Termio,
}

fn termios(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    write_settings(out, b, Layout::Termios, ctx)
}

fn termios2(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    write_settings(out, b, Layout::Termios2, ctx)
}

fn termio(out: &mut String, b: &Bytes, ctx: &Ctx) -> Option<()> {
    write_settings(out, b, Layout::Termio, ctx)
}

/// `[TIOCM_DTR|TIOCM_RTS]`: the modem lines.
fn modem(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let v = b.u32(0)? as u64;
    out.push('[');
    write_flags(out, v, TIOCM, None, "TIOCM_???");
    out.push(']');
    Some(())
}

const TIOCM: Xlat = &[
    (0x001, "TIOCM_LE"),
    (0x002, "TIOCM_DTR"),
    (0x004, "TIOCM_RTS"),
    (0x008, "TIOCM_ST"),
    (0x010, "TIOCM_SR"),
    (0x020, "TIOCM_CTS"),
    (0x040, "TIOCM_CAR"),
    (0x080, "TIOCM_RNG"),
    (0x100, "TIOCM_DSR"),
    (0x2000, "TIOCM_OUT1"),
    (0x4000, "TIOCM_OUT2"),
    (0x8000, "TIOCM_LOOP"),
];

/// A terminal's settings as strace's `term.c` prints them: the four flag words, then
/// `...`, or (`-v`) the line discipline, the control characters and the speeds.
fn write_settings(out: &mut String, b: &Bytes, layout: Layout, ctx: &Ctx) -> Option<()> {
    let (size, word, cc_at, ncc) = match layout {
        Layout::Termios => (36, 4, 17, 19),
        Layout::Termios2 => (44, 4, 17, 19),
        Layout::Termio => (18, 2, 9, 8),
    };
    need(b, size)?;
    let flag = |n: usize| match word {
        2 => b.u16(2 * n).map(u64::from),
        _ => b.u32(4 * n).map(u64::from),
    };
    out.push_str("{c_iflag=");
    write_flags(out, flag(0)?, TERMIOS_IFLAGS, None, "");
    out.push_str(", c_oflag=");
    write_oflag(out, flag(1)?);
    out.push_str(", c_cflag=");
    write_cflag(out, flag(2)?);
    out.push_str(", c_lflag=");
    write_flags(out, flag(3)?, TERMIOS_LFLAGS, None, "");
    if ctx.opts.abbreviate {
        out.push_str(", ...}");
        return Some(());
    }
    out.push_str(", c_line=");
    write_enum(out, b.0[4 * word].into(), LINE_DISCS, "N_???");
    out.push_str(", c_cc=[");
    for n in 0..ncc {
        if n > 0 {
            out.push_str(", ");
        }
        match CC_NAMES.get(n) {
            Some(name) => {
                let _ = write!(out, "[{name}]=");
            }
            None => {
                let _ = write!(out, "[{n}]=");
            }
        }
        crate::decode::write_hex(out, b.0[cc_at + n].into());
    }
    out.push(']');
    if let Layout::Termios2 = layout {
        let _ = write!(out, ", c_ispeed={}, c_ospeed={}", b.u32(36)?, b.u32(40)?);
    }
    out.push('}');
    Some(())
}

/// The delay fields, each a value named (`NL0|CR2|...`), then the flags.
fn write_oflag(out: &mut String, oflag: u64) {
    let mut rest = oflag;
    for (mask, names, dflt) in OFLAG_DELAYS {
        write_enum(out, rest & mask, names, dflt);
        out.push('|');
        rest &= !mask;
    }
    write_flags(out, rest, TERMIOS_OFLAGS, None, "");
}

/// The speed, the input speed (`B1800<<IBSHIFT`) when set, the character size, the
/// flags.
fn write_cflag(out: &mut String, cflag: u64) {
    const CIBAUD: u64 = CBAUD << IBSHIFT;
    const IBSHIFT: u64 = 16;
    write_enum(out, cflag & CBAUD, BAUDS, "B???");
    out.push('|');
    if cflag & CIBAUD != 0 {
        write_enum(out, (cflag & CIBAUD) >> IBSHIFT, BAUDS, "B???");
        out.push_str("<<");
        styled(out, "16", |out| out.push_str("IBSHIFT"));
        out.push('|');
    }
    write_enum(out, cflag & CSIZE, CSIZES, "CS?");
    out.push('|');
    write_flags(
        out,
        cflag & !(CBAUD | CIBAUD | CSIZE),
        TERMIOS_CFLAGS,
        None,
        "",
    );
}

const CBAUD: u64 = 0o10017;
const CSIZE: u64 = 0o60;

const BAUDS: Xlat = &[
    (0, "B0"),
    (0o1, "B50"),
    (0o2, "B75"),
    (0o3, "B110"),
    (0o4, "B134"),
    (0o5, "B150"),
    (0o6, "B200"),
    (0o7, "B300"),
    (0o10, "B600"),
    (0o11, "B1200"),
    (0o12, "B1800"),
    (0o13, "B2400"),
    (0o14, "B4800"),
    (0o15, "B9600"),
    (0o16, "B19200"),
    (0o17, "B38400"),
    (0o10001, "B57600"),
    (0o10002, "B115200"),
    (0o10003, "B230400"),
    (0o10004, "B460800"),
    (0o10005, "B500000"),
    (0o10006, "B576000"),
    (0o10007, "B921600"),
    (0o10010, "B1000000"),
    (0o10011, "B1152000"),
    (0o10012, "B1500000"),
    (0o10013, "B2000000"),
    (0o10014, "B2500000"),
    (0o10015, "B3000000"),
    (0o10016, "B3500000"),
    (0o10017, "B4000000"),
    (0o10000, "BOTHER"),
];

const TCXONC: Xlat = &[(0, "TCOOFF"), (1, "TCOON"), (2, "TCIOFF"), (3, "TCION")];

const TCFLSH: Xlat = &[(0, "TCIFLUSH"), (1, "TCOFLUSH"), (2, "TCIOFLUSH")];

const CSIZES: Xlat = &[(0, "CS5"), (0o20, "CS6"), (0o40, "CS7"), (0o60, "CS8")];

/// The control characters' names by index.
const CC_NAMES: [&str; 17] = [
    "VINTR", "VQUIT", "VERASE", "VKILL", "VEOF", "VTIME", "VMIN", "VSWTC", "VSTART", "VSTOP",
    "VSUSP", "VEOL", "VREPRINT", "VDISCARD", "VWERASE", "VLNEXT", "VEOL2",
];

const LINE_DISCS: Xlat = &[
    (0, "N_TTY"),
    (1, "N_SLIP"),
    (2, "N_MOUSE"),
    (3, "N_PPP"),
    (4, "N_STRIP"),
    (5, "N_AX25"),
    (6, "N_X25"),
    (7, "N_6PACK"),
    (8, "N_MASC"),
    (9, "N_R3964"),
    (10, "N_PROFIBUS_FDL"),
    (11, "N_IRDA"),
    (12, "N_SMSBLOCK"),
    (13, "N_HDLC"),
    (14, "N_SYNC_PPP"),
    (15, "N_HCI"),
    (16, "N_GIGASET_M101"),
    (17, "N_SLCAN"),
    (18, "N_PPS"),
    (19, "N_V253"),
    (20, "N_CAIF"),
    (21, "N_GSM0710"),
    (22, "N_TI_WL"),
    (23, "N_TRACESINK"),
    (24, "N_TRACEROUTER"),
    (25, "N_NCI"),
    (26, "N_SPEAKUP"),
    (27, "N_NULL"),
];

const OFLAG_DELAYS: [(u64, Xlat, &str); 6] = [
    (0o400, &[(0, "NL0"), (0o400, "NL1")], "NL?"),
    (
        0o3000,
        &[
            (0, "CR0"),
            (0o1000, "CR1"),
            (0o2000, "CR2"),
            (0o3000, "CR3"),
        ],
        "CR?",
    ),
    (
        0o14000,
        &[
            (0o14000, "XTABS"),
            (0, "TAB0"),
            (0o4000, "TAB1"),
            (0o10000, "TAB2"),
        ],
        "TAB?",
    ),
    (0o20000, &[(0o20000, "BS1"), (0, "BS0")], "BS?"),
    (0o40000, &[(0, "VT0"), (0o40000, "VT1")], "VT?"),
    (0o100000, &[(0, "FF0"), (0o100000, "FF1")], "FF?"),
];

const TERMIOS_IFLAGS: Xlat = &[
    (0o1, "IGNBRK"),
    (0o2, "BRKINT"),
    (0o4, "IGNPAR"),
    (0o10, "PARMRK"),
    (0o20, "INPCK"),
    (0o40, "ISTRIP"),
    (0o100, "INLCR"),
    (0o200, "IGNCR"),
    (0o400, "ICRNL"),
    (0o1000, "IUCLC"),
    (0o2000, "IXON"),
    (0o4000, "IXANY"),
    (0o10000, "IXOFF"),
    (0o20000, "IMAXBEL"),
    (0o40000, "IUTF8"),
];

const TERMIOS_OFLAGS: Xlat = &[
    (0o1, "OPOST"),
    (0o2, "OLCUC"),
    (0o4, "ONLCR"),
    (0o10, "OCRNL"),
    (0o20, "ONOCR"),
    (0o40, "ONLRET"),
    (0o100, "OFILL"),
    (0o200, "OFDEL"),
];

const TERMIOS_CFLAGS: Xlat = &[
    (0o100, "CSTOPB"),
    (0o200, "CREAD"),
    (0o400, "PARENB"),
    (0o1000, "PARODD"),
    (0o2000, "HUPCL"),
    (0o4000, "CLOCAL"),
    (0o10000000000, "CMSPAR"),
    (0o20000000000, "CRTSCTS"),
];

/// In strace's order (its `term_lflags` list), which is not the bits' order.
const TERMIOS_LFLAGS: Xlat = &[
    (0o1, "ISIG"),
    (0o2, "ICANON"),
    (0o4, "XCASE"),
    (0o10, "ECHO"),
    (0o20, "ECHOE"),
    (0o40, "ECHOK"),
    (0o100, "ECHONL"),
    (0o200, "NOFLSH"),
    (0o100000, "IEXTEN"),
    (0o1000, "ECHOCTL"),
    (0o2000, "ECHOPRT"),
    (0o4000, "ECHOKE"),
    (0o10000, "FLUSHO"),
    (0o40000, "PENDIN"),
    (0o400, "TOSTOP"),
    (0o200000, "EXTPROC"),
];
