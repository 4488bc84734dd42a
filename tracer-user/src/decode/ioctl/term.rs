//! Terminals' requests (type `T`): nothing for those that take no argument, `[1]` for
//! an `int` the kernel reads or writes, the window size, a terminal's settings, the
//! modem lines.

use std::fmt::Write;

use super::{Ctx, Shape, int, need};
use crate::decode::flags::{Xlat, write_flags};
use crate::decode::structs::Bytes;
use crate::syscalls::StructKind;

pub(super) fn shape(request: u32) -> Option<Shape> {
    Some(match request {
        // FIONCLEX, FIOCLEX, TIOCNOTTY, TIOCEXCL, TIOCNXCL
        0x5450 | 0x5451 | 0x5422 | 0x540c | 0x540d => Shape::None,
        // FIONBIO, FIOASYNC, TIOCSPGRP
        0x5421 | 0x5452 | 0x5410 => Shape::In(int),
        // FIONREAD, TIOCOUTQ, TIOCGPGRP, TIOCGSID
        0x541b | 0x5411 | 0x540f | 0x5429 => Shape::Out(int),
        0x5413 => Shape::Out(winsize),
        0x5414 => Shape::In(winsize),
        // TCGETS; TCSETS, TCSETSW, TCSETSF
        0x5401 => Shape::Out(termios),
        0x5402..=0x5404 => Shape::In(termios),
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

fn termios(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    if b.0.len() < StructKind::Termios.size() as usize {
        return None;
    }
    write_termios(out, b);
    Some(())
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

/// strace's short form: the four flag words, then `...` for the line and the control
/// characters.
fn write_termios(out: &mut String, b: &Bytes) {
    let word = |off| b.u32(off).unwrap_or_default() as u64;
    let (iflag, oflag, cflag, lflag) = (word(0), word(4), word(8), word(12));
    out.push_str("{c_iflag=");
    write_flags(out, iflag, TERMIOS_IFLAGS, None, "???");
    out.push_str(", c_oflag=");
    // The delay fields are values, each named, then the flags.
    for (mask, names) in OFLAG_DELAYS {
        let value = oflag & mask;
        let shift = mask.trailing_zeros();
        let _ = write!(out, "{}|", names[(value >> shift) as usize]);
    }
    let delays: u64 = OFLAG_DELAYS.iter().map(|(mask, _)| mask).sum();
    write_flags(out, oflag & !delays, TERMIOS_OFLAGS, Some("0"), "???");
    out.push_str(", c_cflag=");
    let baud = cflag & CBAUD;
    match BAUDS.iter().find(|(v, _)| *v == baud) {
        Some((_, name)) => out.push_str(name),
        None => {
            let _ = write!(out, "{baud:#o}");
        }
    }
    let _ = write!(out, "|CS{}", 5 + ((cflag & CSIZE) >> 4));
    let rest = cflag & !(CBAUD | CSIZE);
    if rest != 0 {
        out.push('|');
        write_flags(out, rest, TERMIOS_CFLAGS, None, "???");
    }
    out.push_str(", c_lflag=");
    write_flags(out, lflag, TERMIOS_LFLAGS, None, "???");
    out.push_str(", ...}");
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
];

const OFLAG_DELAYS: [(u64, [&str; 4]); 6] = [
    (0o400, ["NL0", "NL1", "", ""]),
    (0o3000, ["CR0", "CR1", "CR2", "CR3"]),
    (0o14000, ["TAB0", "TAB1", "TAB2", "TAB3"]),
    (0o20000, ["BS0", "BS1", "", ""]),
    (0o40000, ["VT0", "VT1", "", ""]),
    (0o100000, ["FF0", "FF1", "", ""]),
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
