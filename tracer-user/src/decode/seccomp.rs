//! `seccomp`'s third argument by operation, as strace's `seccomp.c` prints it: the
//! action `SECCOMP_GET_ACTION_AVAIL` asks about, the sizes `SECCOMP_GET_NOTIF_SIZES`
//! writes; the address otherwise.

use std::fmt::Write;

use super::Call;
use super::flags::{Xlat, write_enum};
use super::strings::write_addr;
use super::structs::Bytes;

const SET_MODE_FILTER: u32 = 1;
const GET_ACTION_AVAIL: u32 = 2;
const GET_NOTIF_SIZES: u32 = 3;
const NOTIF_SIZES: u16 = crate::syscalls::layout::SECCOMP_NOTIF_SIZES;
const FPROG: u16 = crate::syscalls::layout::SOCK_FPROG_SIZE;

const FILTER_FLAGS: Xlat = &[
    (0x01, "SECCOMP_FILTER_FLAG_TSYNC"),
    (0x02, "SECCOMP_FILTER_FLAG_LOG"),
    (0x04, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
    (0x08, "SECCOMP_FILTER_FLAG_NEW_LISTENER"),
    (0x10, "SECCOMP_FILTER_FLAG_TSYNC_ESRCH"),
    (0x20, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
];

/// The flags: `SECCOMP_SET_MODE_FILTER`'s by name, the other operations' in hex.
pub fn write_flags(out: &mut String, call: &Call, i: usize) {
    let v = call.args[i] as u32 as u64;
    match call.args[0] as u32 {
        SET_MODE_FILTER => {
            super::flags::write_flags(out, v, FILTER_FLAGS, Some("0"), "SECCOMP_FILTER_FLAG_???")
        }
        _ => super::write_hex(out, v),
    }
}

const RET_ACTIONS: Xlat = &[
    (0x8000_0000, "SECCOMP_RET_KILL_PROCESS"),
    (0, "SECCOMP_RET_KILL_THREAD"),
    (0x0003_0000, "SECCOMP_RET_TRAP"),
    (0x0005_0000, "SECCOMP_RET_ERRNO"),
    (0x7fc0_0000, "SECCOMP_RET_USER_NOTIF"),
    (0x7ff0_0000, "SECCOMP_RET_TRACE"),
    (0x7ffc_0000, "SECCOMP_RET_LOG"),
    (0x7fff_0000, "SECCOMP_RET_ALLOW"),
];

/// Argument `i` (`uargs`), from the `u32` copied at entry and the sizes copied at a
/// successful exit.
pub fn write_args(out: &mut String, call: &Call, i: usize) {
    let addr = call.args[i];
    let copied = |len: usize| {
        call.captures
            .iter()
            .find(|c| {
                c.arg as usize == i && !c.fault && !c.truncated && c.data.len() == len && addr != 0
            })
            .map(|c| Bytes(&c.data))
    };
    let shown = match call.args[0] as u32 {
        GET_ACTION_AVAIL => copied(4).and_then(|b| b.u32(0)).map(|act| {
            out.push('[');
            write_enum(out, act as u64, RET_ACTIONS, "SECCOMP_RET_???");
            out.push(']');
        }),
        GET_NOTIF_SIZES if call.success().is_some() => copied(NOTIF_SIZES as usize).and_then(|b| {
            let field = |off: usize| {
                b.0.get(off..off + 2)
                    .map(|s| u16::from_le_bytes([s[0], s[1]]))
            };
            let _ = write!(
                out,
                "{{seccomp_notif={}, seccomp_notif_resp={}, seccomp_data={}}}",
                field(0)?,
                field(2)?,
                field(4)?
            );
            Some(())
        }),
        // `struct sock_fprog`: the program's length and address (its instructions are
        // not copied).
        SET_MODE_FILTER => copied(FPROG as usize).and_then(|b| {
            let len = b.0.get(..2).map(|s| u16::from_le_bytes([s[0], s[1]]))?;
            let _ = write!(out, "{{len={len}, filter=");
            write_addr(out, b.u64(8)?);
            out.push('}');
            Some(())
        }),
        _ => None,
    };
    if shown.is_none() {
        write_addr(out, addr);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;
    use tracer_common::capture;

    fn call(op: u64, ret: i64, caps: &[&[u8]]) -> Call {
        Call {
            nr: crate::syscalls::by_name("seccomp").unwrap().nr,
            args: [op, 0, 0x7000_0ffa, 0, 0, 0],
            ret: Some(ret),
            captures: caps
                .iter()
                .map(|d| Capture {
                    arg: 2,
                    kind: capture::FIXED,
                    data: d.to_vec(),
                    truncated: false,
                    fault: false,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn shown(c: &Call) -> String {
        let mut s = String::new();
        write_args(&mut s, c, 2);
        s
    }

    #[test]
    fn seccomp_args_as_strace() {
        // seccomp_get_action_avail.c
        let c = call(2, 0, &[&0u32.to_le_bytes()]);
        assert_eq!(shown(&c), "[SECCOMP_RET_KILL_THREAD]");
        let c = call(2, -95, &[&u32::MAX.to_le_bytes()]);
        assert_eq!(shown(&c), "[0xffffffff /* SECCOMP_RET_??? */]");
        // seccomp_get_notif_sizes.c
        let sizes = [80u8, 0, 24, 0, 64, 0];
        let c = call(3, 0, &[&[0; 4], &sizes]);
        assert_eq!(
            shown(&c),
            "{seccomp_notif=80, seccomp_notif_resp=24, seccomp_data=64}"
        );
        let c = call(3, -14, &[&[0; 4]]);
        assert_eq!(shown(&c), "0x70000ffa");
        assert_eq!(shown(&call(1, -14, &[])), "0x70000ffa");
        // seccomp-filter.c
        let mut fprog = vec![7, 0, 0, 0, 0, 0, 0, 0];
        fprog.extend_from_slice(&0x7f95bd196fc8u64.to_le_bytes());
        let c = call(1, -22, &[&[0; 4], &fprog]);
        assert_eq!(shown(&c), "{len=7, filter=0x7f95bd196fc8}");
        let mut c = call(1, -22, &[]);
        c.args[1] = u32::MAX as u64;
        let mut s = String::new();
        write_flags(&mut s, &c, 1);
        assert_eq!(
            s,
            "SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_LOG|SECCOMP_FILTER_FLAG_SPEC_ALLOW|\
             SECCOMP_FILTER_FLAG_NEW_LISTENER|SECCOMP_FILTER_FLAG_TSYNC_ESRCH|\
             SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV|0xffffffc0"
        );
    }
}
