//! strace's rendering of a `siginfo_t` at a signal-delivery-stop:
//! `SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, ...}`.

use std::fmt::Write as _;

use crate::{decode::signal_name, event::SignalInfo};

fn sig(n: i32) -> String {
    signal_name(n).map_or_else(|| n.to_string(), str::to_owned)
}

/// The general `si_code` values (asm-generic/siginfo.h).
fn general_code(code: i32) -> Option<&'static str> {
    Some(match code {
        0 => "SI_USER",
        0x80 => "SI_KERNEL",
        -1 => "SI_QUEUE",
        -2 => "SI_TIMER",
        -3 => "SI_MESGQ",
        -4 => "SI_ASYNCIO",
        -5 => "SI_SIGIO",
        -6 => "SI_TKILL",
        _ => return None,
    })
}

/// `si_code` values that only mean something for one signal.
fn specific_code(signo: i32, code: i32) -> Option<&'static str> {
    let names: &[&str] = match signo {
        libc::SIGCHLD => &[
            "CLD_EXITED",
            "CLD_KILLED",
            "CLD_DUMPED",
            "CLD_TRAPPED",
            "CLD_STOPPED",
            "CLD_CONTINUED",
        ],
        libc::SIGSEGV => &["SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR", "SEGV_PKUERR"],
        libc::SIGBUS => &["BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"],
        libc::SIGILL => &[
            "ILL_ILLOPC",
            "ILL_ILLOPN",
            "ILL_ILLADR",
            "ILL_ILLTRP",
            "ILL_PRVOPC",
            "ILL_PRVREG",
            "ILL_COPROC",
            "ILL_BADSTK",
        ],
        libc::SIGFPE => &[
            "FPE_INTDIV",
            "FPE_INTOVF",
            "FPE_FLTDIV",
            "FPE_FLTOVF",
            "FPE_FLTUND",
            "FPE_FLTRES",
            "FPE_FLTINV",
            "FPE_FLTSUB",
        ],
        libc::SIGTRAP => &["TRAP_BRKPT", "TRAP_TRACE"],
        _ => return None,
    };
    usize::try_from(code - 1)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
}

/// What a signal line says of the signal: `SIGCHLD {si_signo=...}` or `stopped by SIGSTOP`.
pub fn describe(signal: i32, info: &SignalInfo) -> String {
    match info {
        SignalInfo::Siginfo(bytes) => format_bytes(bytes),
        SignalInfo::GroupStop => format!("stopped by {}", sig(signal)),
    }
}

/// A `siginfo_t` argument (`rt_sigtimedwait`'s, `waitid`'s): `{si_signo=SIGUSR1, ...}`.
pub fn fields(bytes: &[u8]) -> String {
    let line = format_bytes(bytes);
    match line.split_once(' ') {
        Some((_, fields)) => fields.to_owned(),
        None => line,
    }
}

/// Clock ticks as strace prints them: the count, and when not zero the seconds it makes
/// (`150 /* 1.50 s */`).
fn clock_t(ticks: u64) -> String {
    // SAFETY: sysconf has no preconditions.
    let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks == 0 || per_sec <= 0 {
        return ticks.to_string();
    }
    let per_sec = per_sec as u64;
    let width = (per_sec.ilog10() as usize).min(9);
    let frac = (ticks % per_sec) * 10u64.pow(width as u32) / per_sec;
    format!("{ticks} /* {}.{frac:0width$} s */", ticks / per_sec)
}

/// `format` for the first bytes of a `siginfo_t` as the kernel side copies them.
fn format_bytes(bytes: &[u8]) -> String {
    // SAFETY: siginfo_t is plain data, valid when zeroed; at most its size is copied in.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    let len = bytes.len().min(size_of::<libc::siginfo_t>());
    // SAFETY: `len` fits both the source and the destination.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), (&raw mut info).cast::<u8>(), len);
    }
    format(&info)
}

/// `{si_signo=..., ...}` for a delivered signal.
fn format(info: &libc::siginfo_t) -> String {
    let signo = info.si_signo;
    let code = info.si_code;
    // Nothing there (`waitid` with WNOHANG and no child to report).
    if signo == 0 {
        return "0 {}".to_owned();
    }
    let mut out = format!("{} {{si_signo={}, si_code=", sig(signo), sig(signo));
    let specific = if code > 0 && code != 0x80 {
        specific_code(signo, code)
    } else {
        None
    };
    match specific.or_else(|| general_code(code)) {
        Some(name) => out.push_str(name),
        None => {
            let _ = write!(out, "{code}");
        }
    }
    if info.si_errno != 0 {
        out.push_str(", si_errno=");
        match super::errno::errno_name(info.si_errno) {
            Some(name) => out.push_str(name),
            None => {
                let _ = write!(out, "{}", info.si_errno as u32);
            }
        }
    }
    // SAFETY (all union reads below): the kernel fills the union member that si_signo
    // and si_code select, and those are the ones checked before each read.
    match (signo, specific) {
        (libc::SIGCHLD, Some(child_code)) => unsafe {
            let status = info.si_status();
            let status = if child_code == "CLD_EXITED" {
                status.to_string()
            } else {
                sig(status)
            };
            let _ = write!(
                out,
                ", si_pid={}, si_uid={}, si_status={status}, si_utime={}, si_stime={}",
                info.si_pid(),
                info.si_uid(),
                clock_t(info.si_utime() as u64),
                clock_t(info.si_stime() as u64)
            );
        },
        (libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE, Some(_)) => unsafe {
            let addr = info.si_addr() as usize;
            if addr == 0 {
                out.push_str(", si_addr=NULL");
            } else {
                let _ = write!(out, ", si_addr={addr:#x}");
            }
        },
        _ if code == 0 || code == -6 => unsafe {
            let _ = write!(out, ", si_pid={}, si_uid={}", info.si_pid(), info.si_uid());
        },
        _ if code == -1 => unsafe {
            let value = info.si_value().sival_ptr as usize;
            let _ = write!(
                out,
                ", si_pid={}, si_uid={}, si_int={}, si_ptr={value:#x}",
                info.si_pid(),
                // strace's printuid: -1 for "none", else unsigned.
                match info.si_uid() {
                    u32::MAX => -1,
                    uid => uid as i64,
                },
                value as i32
            );
        },
        _ => {}
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn siginfo(signo: i32, code: i32, words: &[i32]) -> libc::siginfo_t {
        // SAFETY: siginfo_t is plain data; all-zero is a valid value.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        info.si_signo = signo;
        info.si_code = code;
        // The union starts after si_signo, si_errno, si_code and padding (16 bytes on
        // 64-bit); write its fields as the kernel lays them out.
        let base = (&mut info as *mut libc::siginfo_t).cast::<u8>();
        for (i, w) in words.iter().enumerate() {
            // SAFETY: inside the 128-byte siginfo_t.
            unsafe { base.add(16 + 4 * i).cast::<i32>().write_unaligned(*w) };
        }
        info
    }

    #[test]
    fn sigchld_is_shown_as_strace_does() {
        // si_pid, si_uid, si_status, padding, si_utime (long), si_stime (long).
        let info = siginfo(libc::SIGCHLD, 1, &[4242, 0, 3, 0, 0, 0, 0, 0]);
        assert_eq!(
            format(&info),
            "SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4242, si_uid=0, \
             si_status=3, si_utime=0, si_stime=0}"
        );
        // Clock ticks with the seconds they make (100 per second here).
        let info = siginfo(libc::SIGCHLD, 1, &[4242, 0, 3, 0, 1, 0, 150, 0]);
        assert!(
            format(&info).ends_with("si_utime=1 /* 0.01 s */, si_stime=150 /* 1.50 s */}"),
            "{}",
            format(&info)
        );
        let info = siginfo(libc::SIGCHLD, 2, &[7, 1000, 9]);
        assert!(
            format(&info).contains("si_code=CLD_KILLED, si_pid=7, si_uid=1000, si_status=SIGKILL")
        );
    }

    #[test]
    fn user_kernel_and_fault_signals() {
        let info = siginfo(libc::SIGTERM, 0, &[12, 0]);
        assert_eq!(
            format(&info),
            "SIGTERM {si_signo=SIGTERM, si_code=SI_USER, si_pid=12, si_uid=0}"
        );
        let info = siginfo(libc::SIGUSR1, -6, &[12, 5]);
        assert!(format(&info).ends_with("si_code=SI_TKILL, si_pid=12, si_uid=5}"));
        let info = siginfo(libc::SIGSEGV, 1, &[0, 0]);
        assert_eq!(
            format(&info),
            "SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}"
        );
        let info = siginfo(libc::SIGHUP, 0x80, &[]);
        assert_eq!(format(&info), "SIGHUP {si_signo=SIGHUP, si_code=SI_KERNEL}");
    }
}
