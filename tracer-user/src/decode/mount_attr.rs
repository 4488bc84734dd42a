//! `mount_setattr`'s `struct mount_attr`, as strace's `mount_setattr.c` prints it: the
//! attributes set and cleared, the propagation, the user namespace's descriptor (a
//! descriptor only with `MOUNT_ATTR_IDMAP`), and bytes past the version it knows.

use std::fmt::Write;

use super::flags::{Xlat, write_enum, write_flags};
use super::strings::write_addr;
use super::structs::{Bytes, extension_tail};
use super::{Call, DecodeOptions};
use crate::event::FdNames;

/// `MOUNT_ATTR_SIZE_VER0`.
pub const SIZE: usize = crate::syscalls::layout::MOUNT_ATTR_SIZE as usize;
const IDMAP: u64 = 0x0010_0000;

const ATTRS: Xlat = &[
    (0x0000_0001, "MOUNT_ATTR_RDONLY"),
    (0x0000_0002, "MOUNT_ATTR_NOSUID"),
    (0x0000_0004, "MOUNT_ATTR_NODEV"),
    (0x0000_0008, "MOUNT_ATTR_NOEXEC"),
    (0x0000_0010, "MOUNT_ATTR_NOATIME"),
    (0x0000_0020, "MOUNT_ATTR_STRICTATIME"),
    (0x0000_0080, "MOUNT_ATTR_NODIRATIME"),
    (0x0010_0000, "MOUNT_ATTR_IDMAP"),
    (0x0020_0000, "MOUNT_ATTR_NOSYMFOLLOW"),
];

const PROPAGATION: Xlat = &[
    (1 << 17, "MS_UNBINDABLE"),
    (1 << 18, "MS_PRIVATE"),
    (1 << 19, "MS_SLAVE"),
    (1 << 20, "MS_SHARED"),
];

/// The user namespace descriptor the line names (`MOUNT_ATTR_IDMAP`), for `-y`.
pub fn named_fd(call: &Call) -> Option<i32> {
    let b = call
        .capture(3)
        .filter(|c| !c.fault && c.data.len() >= SIZE && call.args[4] >= SIZE as u64)?;
    let b = Bytes(&b.data);
    let fd = b.u64(24)?;
    ((b.u64(0)? | b.u64(8)?) & IDMAP != 0 && fd <= i32::MAX as u64).then_some(fd as i32)
}

/// Argument `i`, as long as argument `i + 1` says.
pub fn write_arg(
    out: &mut String,
    call: &Call,
    i: usize,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let (addr, size) = (call.args[i], call.args[i + 1]);
    let attr = call
        .captures
        .iter()
        .find(|c| c.arg as usize == i && c.kind == tracer_common::capture::FIXED)
        .filter(|c| !c.fault && !c.truncated && addr != 0 && size >= SIZE as u64)
        .map(|c| Bytes(&c.data));
    let Some((set, clr, prop, userns)) =
        attr.and_then(|b| Some((b.u64(0)?, b.u64(8)?, b.u64(16)?, b.u64(24)?)))
    else {
        return write_addr(out, addr);
    };
    out.push_str("{attr_set=");
    write_flags(out, set, ATTRS, Some("0"), "MOUNT_ATTR_???");
    out.push_str(", attr_clr=");
    write_flags(out, clr, ATTRS, Some("0"), "MOUNT_ATTR_???");
    out.push_str(", propagation=");
    write_enum(out, prop, PROPAGATION, "MS_???");
    out.push_str(", userns_fd=");
    if userns > i32::MAX as u64 || (set | clr) & IDMAP == 0 {
        let _ = write!(out, "{userns}");
    } else {
        super::write_plain_fd(out, call.pid, userns as i32, fds);
    }
    if let Some(tail) = extension_tail(call, i, SIZE, size, opts) {
        out.push_str(", ");
        out.push_str(&tail);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;
    use tracer_common::capture;

    fn shown(words: [u64; 4], size: u64, rest: Option<&[u8]>) -> String {
        let attr: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let mut caps = vec![Capture {
            arg: 3,
            kind: capture::FIXED,
            data: attr.clone(),
            truncated: false,
            fault: false,
        }];
        caps.push(Capture {
            arg: 3,
            kind: capture::BUF,
            data: rest.map(|r| [&attr[..], r].concat()).unwrap_or_default(),
            truncated: false,
            fault: rest.is_none(),
        });
        let call = Call {
            nr: crate::syscalls::by_name("mount_setattr").unwrap().nr,
            args: [u64::MAX, 0x1000, 0, 0x7000_0fe0, size, 0],
            ret: Some(-22),
            captures: caps,
            ..Default::default()
        };
        let mut s = String::new();
        write_arg(&mut s, &call, 3, &DecodeOptions::default(), None);
        s
    }

    #[test]
    fn mount_attr_as_strace() {
        // mount_setattr.c
        let attr = [0xffffffff00000000, 0, 1 << 17, 9];
        assert_eq!(
            shown(attr, 32, Some(&[])),
            "{attr_set=0xffffffff00000000 /* MOUNT_ATTR_??? */, attr_clr=0, \
             propagation=MS_UNBINDABLE, userns_fd=9}"
        );
        assert_eq!(
            shown(attr, 40, None),
            "{attr_set=0xffffffff00000000 /* MOUNT_ATTR_??? */, attr_clr=0, \
             propagation=MS_UNBINDABLE, userns_fd=9, ???}"
        );
        assert_eq!(
            shown(
                attr,
                40,
                Some(&[0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87])
            ),
            "{attr_set=0xffffffff00000000 /* MOUNT_ATTR_??? */, attr_clr=0, \
             propagation=MS_UNBINDABLE, userns_fd=9, \
             /* bytes 32..39 */ \"\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\"}"
        );
        assert_eq!(shown(attr, 31, Some(&[])), "0x70000fe0");
        assert_eq!(
            shown([2, 4, 1 << 19, 1004211375834136585], 32, Some(&[])),
            "{attr_set=MOUNT_ATTR_NOSUID, attr_clr=MOUNT_ATTR_NODEV, propagation=MS_SLAVE, \
             userns_fd=1004211375834136585}"
        );
    }
}
