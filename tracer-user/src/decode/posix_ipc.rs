//! The structs of POSIX message queues and timers: `struct mq_attr` (`mq_open`,
//! `mq_getsetattr`) and `struct sigevent` (`timer_create`, `mq_notify`), as strace's
//! `print_mq_attr.c` and `print_sigevent.c` print them.

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use super::strings::write_addr;
use super::structs::Bytes;

const MQ_ATTR_FLAGS: Xlat = &[(0o4000, "O_NONBLOCK")];

/// `{mq_flags=O_NONBLOCK, mq_maxmsg=10, mq_msgsize=8192, mq_curmsgs=0}`; `mq_open`'s
/// flags (which the kernel ignores) in hex.
pub fn write_mq_attr(out: &mut String, b: &Bytes, decode_flags: bool) -> Option<()> {
    let (fl, maxmsg, msgsize, curmsgs) = (b.u64(0)?, b.i64(8)?, b.i64(16)?, b.i64(24)?);
    out.push_str("{mq_flags=");
    if decode_flags {
        write_flags(out, fl, MQ_ATTR_FLAGS, Some("0"), "O_???");
    } else {
        super::write_hex(out, fl);
    }
    let _ = write!(
        out,
        ", mq_maxmsg={maxmsg}, mq_msgsize={msgsize}, mq_curmsgs={curmsgs}}}"
    );
    Some(())
}

const SIGEV_SIGNAL: u32 = 0;
const SIGEV_THREAD: u32 = 2;
const SIGEV_THREAD_ID: u32 = 4;
const SIGEV_NOTIFY: Xlat = &[
    (0, "SIGEV_SIGNAL"),
    (1, "SIGEV_NONE"),
    (2, "SIGEV_THREAD"),
    (4, "SIGEV_THREAD_ID"),
];

/// `{sigev_value={sival_int=1, sival_ptr=0x1}, sigev_signo=SIGALRM,
/// sigev_notify=SIGEV_SIGNAL}`: the value only when its pointer is set, the signal by
/// name for the notifications that send one, the thread or function by notification.
pub fn write_sigevent(out: &mut String, b: &Bytes) -> Option<()> {
    let (ptr, signo, notify) = (b.u64(0)?, b.u32(8)?, b.u32(12)?);
    out.push('{');
    if ptr != 0 {
        let _ = write!(out, "sigev_value={{sival_int={}, sival_ptr=", ptr as i32);
        write_addr(out, ptr);
        out.push_str("}, ");
    }
    out.push_str("sigev_signo=");
    match notify {
        SIGEV_SIGNAL | SIGEV_THREAD | SIGEV_THREAD_ID => flags::write_signal(out, signo as i32),
        _ => {
            let _ = write!(out, "{signo}");
        }
    }
    out.push_str(", sigev_notify=");
    write_enum(out, notify as u64, SIGEV_NOTIFY, "SIGEV_???");
    match notify {
        SIGEV_THREAD_ID => {
            let _ = write!(out, ", sigev_notify_thread_id={}", b.i32(16)?);
        }
        SIGEV_THREAD => {
            out.push_str(", sigev_notify_function=");
            write_addr(out, b.u64(16)?);
            out.push_str(", sigev_notify_attributes=");
            write_addr(out, b.u64(24)?);
        }
        _ => {}
    }
    out.push('}');
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(words: &[u64]) -> Vec<u8> {
        let mut v: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        v.resize(64, 0);
        v
    }

    #[test]
    fn mq_attr_as_strace() {
        // mq.c
        let attr = le(&[0, 10, 8192, 0]);
        let mut s = String::new();
        write_mq_attr(&mut s, &Bytes(&attr), true).unwrap();
        assert_eq!(
            s,
            "{mq_flags=0, mq_maxmsg=10, mq_msgsize=8192, mq_curmsgs=0}"
        );
        // mq_sendrecv.c: mq_open's flags in hex.
        let attr = le(&[
            0xc2c1c0bfbebdbcbb,
            0xcac9c8c7c6c5c4c3,
            0xd2d1d0cfcecdcccb,
            0xdad9d8d7d6d5d4d3,
        ]);
        let mut s = String::new();
        write_mq_attr(&mut s, &Bytes(&attr), false).unwrap();
        assert_eq!(
            s,
            "{mq_flags=0xc2c1c0bfbebdbcbb, mq_maxmsg=-3834312847370369853, \
             mq_msgsize=-3255591464665756469, mq_curmsgs=-2676870081961143085}"
        );
    }

    #[test]
    fn sigevent_as_strace() {
        let sev = |notify: u32, signo: u32, un: [u64; 2]| {
            let mut v = le(&[0xdeadbeefbadc0ded, (notify as u64) << 32 | signo as u64]);
            v[16..24].copy_from_slice(&un[0].to_le_bytes());
            v[24..32].copy_from_slice(&un[1].to_le_bytes());
            let mut s = String::new();
            write_sigevent(&mut s, &Bytes(&v)).unwrap();
            s
        };
        // timer_create.c
        assert_eq!(
            sev(0xdefaced, 0xfacefeed, [0, 0]),
            "{sigev_value={sival_int=-1159983635, sival_ptr=0xdeadbeefbadc0ded}, \
             sigev_signo=4207869677, sigev_notify=0xdefaced /* SIGEV_??? */}"
        );
        assert_eq!(
            sev(2, 14, [0xdeadbeefbadc0ded, 0xcafef00dfacefeed]),
            "{sigev_value={sival_int=-1159983635, sival_ptr=0xdeadbeefbadc0ded}, \
             sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD, \
             sigev_notify_function=0xdeadbeefbadc0ded, \
             sigev_notify_attributes=0xcafef00dfacefeed}"
        );
        assert_eq!(
            sev(4, 14, [17170, 0]),
            "{sigev_value={sival_int=-1159983635, sival_ptr=0xdeadbeefbadc0ded}, \
             sigev_signo=SIGALRM, sigev_notify=SIGEV_THREAD_ID, \
             sigev_notify_thread_id=17170}"
        );
        // timer_xettime.c: no value.
        let mut s = String::new();
        write_sigevent(&mut s, &Bytes(&le(&[0, 1 << 32]))).unwrap();
        assert_eq!(s, "{sigev_signo=0, sigev_notify=SIGEV_NONE}");
    }
}
