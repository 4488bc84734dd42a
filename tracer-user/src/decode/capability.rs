//! `capget`/`capset` (strace's capability.c): the header `{version=..., pid=...}` and
//! the capability sets, one 32-bit struct for version 1, two (the low and high words)
//! for versions 2 and 3, read as the header's version says.

use std::sync::LazyLock;

use super::flags::{Xlat, write_enum, write_flags};
use super::structs::Bytes;
use super::{Call, DecodeOptions, strings::write_addr, write_pid_arg};

/// The capabilities by number (`CAP_CHOWN` is 0).
pub(crate) const CAPABILITIES: Xlat = &[
    (0, "CAP_CHOWN"),
    (1, "CAP_DAC_OVERRIDE"),
    (2, "CAP_DAC_READ_SEARCH"),
    (3, "CAP_FOWNER"),
    (4, "CAP_FSETID"),
    (5, "CAP_KILL"),
    (6, "CAP_SETGID"),
    (7, "CAP_SETUID"),
    (8, "CAP_SETPCAP"),
    (9, "CAP_LINUX_IMMUTABLE"),
    (10, "CAP_NET_BIND_SERVICE"),
    (11, "CAP_NET_BROADCAST"),
    (12, "CAP_NET_ADMIN"),
    (13, "CAP_NET_RAW"),
    (14, "CAP_IPC_LOCK"),
    (15, "CAP_IPC_OWNER"),
    (16, "CAP_SYS_MODULE"),
    (17, "CAP_SYS_RAWIO"),
    (18, "CAP_SYS_CHROOT"),
    (19, "CAP_SYS_PTRACE"),
    (20, "CAP_SYS_PACCT"),
    (21, "CAP_SYS_ADMIN"),
    (22, "CAP_SYS_BOOT"),
    (23, "CAP_SYS_NICE"),
    (24, "CAP_SYS_RESOURCE"),
    (25, "CAP_SYS_TIME"),
    (26, "CAP_SYS_TTY_CONFIG"),
    (27, "CAP_MKNOD"),
    (28, "CAP_LEASE"),
    (29, "CAP_AUDIT_WRITE"),
    (30, "CAP_AUDIT_CONTROL"),
    (31, "CAP_SETFCAP"),
    (32, "CAP_MAC_OVERRIDE"),
    (33, "CAP_MAC_ADMIN"),
    (34, "CAP_SYSLOG"),
    (35, "CAP_WAKE_ALARM"),
    (36, "CAP_BLOCK_SUSPEND"),
    (37, "CAP_AUDIT_READ"),
    (38, "CAP_PERFMON"),
    (39, "CAP_BPF"),
    (40, "CAP_CHECKPOINT_RESTORE"),
];

const VERSION_1: u64 = 0x1998_0330;
const VERSIONS: Xlat = &[
    (VERSION_1, "_LINUX_CAPABILITY_VERSION_1"),
    (0x2007_1026, "_LINUX_CAPABILITY_VERSION_2"),
    (0x2008_0522, "_LINUX_CAPABILITY_VERSION_3"),
];

/// strace's `cap_mask0` and `cap_mask1`: `1<<CAP_...` by bit of the low and the high
/// word.
static MASKS: LazyLock<[Vec<(u64, &'static str)>; 2]> = LazyLock::new(|| {
    let word = |w: u64| {
        (CAPABILITIES.iter())
            .filter(|(n, _)| n / 32 == w)
            .map(|&(n, name)| (1 << (n % 32), &*format!("1<<{name}").leak()))
            .collect()
    };
    [word(0), word(1)]
});

/// The header argument `i`, when it was read whole.
fn header(call: &Call, i: usize) -> Option<(u64, i32)> {
    let c = call.capture(i).filter(|c| !c.fault && call.args[i] != 0)?;
    let b = Bytes(&c.data);
    Some((u64::from(b.u32(0)?), b.i32(4)?))
}

/// The header (`hdrp`, argument `i`).
pub(crate) fn write_header(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let Some((version, pid)) = header(call, i) else {
        return write_addr(out, call.args[i]);
    };
    out.push_str("{version=");
    write_enum(out, version, VERSIONS, "_LINUX_CAPABILITY_VERSION_???");
    out.push_str(", pid=");
    write_pid_arg(out, call, pid, opts);
    out.push('}');
}

/// The sets (`datap`, argument `i`): as many structs as the header's version says;
/// capget's only once it succeeded.
pub(crate) fn write_data(out: &mut String, call: &Call, i: usize) {
    let addr = call.args[i];
    let read = header(call, 0)
        .filter(|_| crate::syscalls::name(call.nr) != Some("capget") || call.success().is_some())
        .and_then(|(version, _)| {
            let words = if version == VERSION_1 || !VERSIONS.iter().any(|v| v.0 == version) {
                1
            } else {
                2
            };
            let c = call.capture(i).filter(|c| !c.fault && addr != 0)?;
            (c.data.len() >= 12 * words).then(|| (Bytes(&c.data), words))
        });
    let Some((b, words)) = read else {
        return write_addr(out, addr);
    };
    for (n, field) in ["effective", "permitted", "inheritable"].iter().enumerate() {
        out.push_str(if n == 0 { "{" } else { ", " });
        out.push_str(field);
        out.push('=');
        let word = |w: usize| b.u32(12 * w + 4 * n).unwrap_or(0);
        let (lo, hi) = (word(0), if words > 1 { word(1) } else { 0 });
        if lo != 0 || hi == 0 {
            write_flags(out, lo.into(), &MASKS[0], None, "CAP_???");
        }
        if hi != 0 {
            if lo != 0 {
                out.push('|');
            }
            write_flags(out, hi.into(), &MASKS[1], None, "CAP_???");
        }
    }
    out.push('}');
}
