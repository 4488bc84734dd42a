//! An ioctl request's name as strace prints it (`SYS_FUNC(ioctl)`): the names the
//! request's number decodes to (`EVIOCGBIT(EV_KEY, 96)`, `MIXER_READ(17)`), then every
//! name strace's tables give its code, joined by ` or `; `_IOC(dir, type, nr, size)`
//! when it has none.

use std::fmt::Write;

use super::names;
use crate::decode::XlatStyle;
use crate::decode::flags::{Xlat, hex, lookup, style, styled};

pub fn write_request(out: &mut String, req: u64) {
    let req = req as u32;
    // Under `-X verbose` the names inside the comment are abbreviated and an unknown
    // one has no `/* X_??? */` of its own (strace's `abbrev` flag).
    let verbose = style() == XlatStyle::Verbose;
    styled(out, &hex(req.into()), |out| abbrev(out, req, verbose));
}

fn abbrev(out: &mut String, req: u32, verbose: bool) {
    let decoded = decode_number(out, req, verbose);
    let mut first = !decoded;
    for name in lookup_all(req) {
        if !first {
            out.push_str(" or ");
        }
        out.push_str(name);
        first = false;
    }
    if first {
        write_ioc(out, req);
    }
}

/// Every name of `req`, in strace's order (by name).
fn lookup_all(req: u32) -> Vec<&'static str> {
    let mut found: Vec<&str> = [names::COMMON, names::ARCH]
        .iter()
        .flat_map(|table| {
            let start = table.partition_point(|(code, _)| *code < req);
            table[start..]
                .iter()
                .take_while(move |(code, _)| *code == req)
                .map(|(_, name)| *name)
        })
        .collect();
    found.sort_unstable();
    found
}

pub fn dir(req: u32) -> u32 {
    req >> 30
}

pub fn kind(req: u32) -> u32 {
    (req >> 8) & 0xff
}

pub fn nr(req: u32) -> u32 {
    req & 0xff
}

pub fn size(req: u32) -> u32 {
    (req >> 16) & 0x3fff
}

pub const NONE: u32 = 0;
pub const WRITE: u32 = 1;
pub const READ: u32 = 2;

fn write_ioc(out: &mut String, req: u32) {
    let dir = match dir(req) {
        NONE => "_IOC_NONE",
        WRITE => "_IOC_WRITE",
        READ => "_IOC_READ",
        _ => "_IOC_READ|_IOC_WRITE",
    };
    let h = |v: u32| hex(v.into());
    let _ = write!(
        out,
        "_IOC({dir}, {}, {}, {})",
        h(kind(req)),
        h(nr(req)),
        h(size(req))
    );
}

/// strace's `ioctl_decode_command_number`: the requests whose number carries a
/// parameter (an event type, an axis, a buffer size).
fn decode_number(out: &mut String, req: u32, verbose: bool) -> bool {
    let (dir, nr, size) = (dir(req), nr(req), size(req));
    let with_size = |out: &mut String, name: &str| {
        let _ = write!(out, "{name}({size})");
        true
    };
    match kind(req) as u8 {
        b'!' if req == (READ << 30 | 8 << 16 | 0x21 << 8 | 2) => {
            out.push_str("SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR");
            true
        }
        b'E' => evdev(out, dir, nr, size, verbose),
        b'H' => match (dir, nr) {
            (READ, 0x04) => with_size(out, "HIDIOCGRAWNAME"),
            (READ, 0x05) => with_size(out, "HIDIOCGRAWPHYS"),
            (READ, 0x06) | (3, 0x06) => with_size(out, "HIDIOCSFEATURE"),
            (READ, 0x08) => with_size(out, "HIDIOCGRAWUNIQ"),
            (READ, 0x12) => with_size(out, "HIDIOCGPHYS"),
            (3, 0x07) => with_size(out, "HIDIOCGFEATURE"),
            _ => false,
        },
        b'M' if dir == WRITE => {
            let _ = write!(out, "MIXER_WRITE({nr})");
            true
        }
        b'M' if dir == READ => {
            let _ = write!(out, "MIXER_READ({nr})");
            true
        }
        b'U' if dir == READ && nr == 0x2c => with_size(out, "UI_GET_SYSNAME"),
        b'j' if dir == READ && nr == 0x13 => with_size(out, "JSIOCGNAME"),
        b'k' if dir == WRITE && nr == 0 => with_size(out, "SPI_IOC_MESSAGE"),
        _ => false,
    }
}

fn evdev(out: &mut String, dir: u32, nr: u32, size: u32, verbose: bool) -> bool {
    let named = |out: &mut String, table: Xlat, v: u32, dflt: &str| match lookup(table, v.into()) {
        Some(name) => out.push_str(name),
        None if verbose => out.push_str(&hex(v.into())),
        None => {
            let _ = write!(out, "{} /* {dflt} */", hex(v.into()));
        }
    };
    match (dir, nr) {
        (WRITE, 0xc0..=0xff) => {
            out.push_str("EVIOCSABS(");
            named(out, EVDEV_ABS, nr - 0xc0, "ABS_???");
        }
        (READ, 0x20..=0x3f) => {
            out.push_str("EVIOCGBIT(");
            if nr == 0x20 {
                out.push('0');
            } else {
                named(out, EVDEV_EV, nr - 0x20, "EV_???");
            }
            let _ = write!(out, ", {size}");
        }
        (READ, 0x40..=0x7f) => {
            out.push_str("EVIOCGABS(");
            named(out, EVDEV_ABS, nr - 0x40, "ABS_???");
        }
        (READ, _) => {
            let name = match nr {
                0x06 => "EVIOCGNAME",
                0x07 => "EVIOCGPHYS",
                0x08 => "EVIOCGUNIQ",
                0x09 => "EVIOCGPROP",
                0x0a => "EVIOCGMTSLOTS",
                0x18 => "EVIOCGKEY",
                0x19 => "EVIOCGLED",
                0x1a => "EVIOCGSND",
                0x1b => "EVIOCGSW",
                _ => return false,
            };
            let _ = write!(out, "{name}({size}");
        }
        _ => return false,
    }
    out.push(')');
    true
}

pub const EVDEV_EV: Xlat = &[
    (0, "EV_SYN"),
    (1, "EV_KEY"),
    (2, "EV_REL"),
    (3, "EV_ABS"),
    (4, "EV_MSC"),
    (5, "EV_SW"),
    (0x11, "EV_LED"),
    (0x12, "EV_SND"),
    (0x14, "EV_REP"),
    (0x15, "EV_FF"),
    (0x16, "EV_PWR"),
    (0x17, "EV_FF_STATUS"),
];

pub const EVDEV_ABS: Xlat = &[
    (0x00, "ABS_X"),
    (0x01, "ABS_Y"),
    (0x02, "ABS_Z"),
    (0x03, "ABS_RX"),
    (0x04, "ABS_RY"),
    (0x05, "ABS_RZ"),
    (0x06, "ABS_THROTTLE"),
    (0x07, "ABS_RUDDER"),
    (0x08, "ABS_WHEEL"),
    (0x09, "ABS_GAS"),
    (0x0a, "ABS_BRAKE"),
    (0x10, "ABS_HAT0X"),
    (0x11, "ABS_HAT0Y"),
    (0x12, "ABS_HAT1X"),
    (0x13, "ABS_HAT1Y"),
    (0x14, "ABS_HAT2X"),
    (0x15, "ABS_HAT2Y"),
    (0x16, "ABS_HAT3X"),
    (0x17, "ABS_HAT3Y"),
    (0x18, "ABS_PRESSURE"),
    (0x19, "ABS_DISTANCE"),
    (0x1a, "ABS_TILT_X"),
    (0x1b, "ABS_TILT_Y"),
    (0x1c, "ABS_TOOL_WIDTH"),
    (0x20, "ABS_VOLUME"),
    (0x21, "ABS_PROFILE"),
    (0x28, "ABS_MISC"),
    (0x2e, "ABS_RESERVED"),
    (0x2f, "ABS_MT_SLOT"),
    (0x30, "ABS_MT_TOUCH_MAJOR"),
    (0x31, "ABS_MT_TOUCH_MINOR"),
    (0x32, "ABS_MT_WIDTH_MAJOR"),
    (0x33, "ABS_MT_WIDTH_MINOR"),
    (0x34, "ABS_MT_ORIENTATION"),
    (0x35, "ABS_MT_POSITION_X"),
    (0x36, "ABS_MT_POSITION_Y"),
    (0x37, "ABS_MT_TOOL_TYPE"),
    (0x38, "ABS_MT_BLOB_ID"),
    (0x39, "ABS_MT_TRACKING_ID"),
    (0x3a, "ABS_MT_PRESSURE"),
    (0x3b, "ABS_MT_DISTANCE"),
    (0x3c, "ABS_MT_TOOL_X"),
    (0x3d, "ABS_MT_TOOL_Y"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::flags::StyleScope;

    fn name(req: u32, style: XlatStyle) -> String {
        let _scope = StyleScope::new(style);
        let mut out = String::new();
        write_request(&mut out, req.into());
        out
    }

    // Lines of strace's tests/ioctl_evdev.c, ioctl_mtd.c, ioctl.c, ioctl_nsfs.c,
    // ioctl_evdev-Xverbose.
    #[test]
    fn names_as_strace_prints_them() {
        let abbrev = |req| name(req, XlatStyle::Abbrev);
        assert_eq!(abbrev(0x8004_4501), "EVIOCGVERSION");
        assert_eq!(abbrev(0x8148_4d11), "MIXER_READ(17) or ECCGETLAYOUT");
        assert_eq!(abbrev(0x5402), "SNDCTL_TMR_START or TCSETS");
        assert_eq!(abbrev(0x8008_6d01), "MMTIMER_GETRES");
        assert_eq!(abbrev(0x8060_4521), "EVIOCGBIT(EV_KEY, 96)");
        assert_eq!(abbrev(0x8018_4540), "EVIOCGABS(ABS_X)");
        assert_eq!(abbrev(0x4018_45fe), "EVIOCSABS(0x3e /* ABS_??? */)");
        assert_eq!(
            abbrev(0xc008_b7ff),
            "_IOC(_IOC_READ|_IOC_WRITE, 0xb7, 0xff, 0x8)"
        );
        assert_eq!(abbrev(0x0000_0000), "_IOC(_IOC_NONE, 0, 0, 0)");
        assert_eq!(
            name(0x8004_4501, XlatStyle::Verbose),
            "0x80044501 /* EVIOCGVERSION */"
        );
        assert_eq!(
            name(0x4018_45fe, XlatStyle::Verbose),
            "0x401845fe /* EVIOCSABS(0x3e) */"
        );
        assert_eq!(name(0x8004_4501, XlatStyle::Raw), "0x80044501");
    }
}
