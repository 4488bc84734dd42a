//! strace's `printsiginfo`: a `siginfo_t` at a signal-delivery-stop
//! (`SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=0, si_status=0, ...}`)
//! or as an argument (`waitid`'s, `rt_sigqueueinfo`'s, `ptrace`'s): the signal, its code
//! by the signal's table, and the union's fields that code and signal select, each in
//! the `-X` style.

use std::fmt::Write as _;

use super::DecodeOptions;
use super::flags::{hex, styled, write_enum, write_signal};
use super::structs::Bytes;
use crate::decode::signal_name;
use crate::event::{FdNames, SignalInfo};

/// What a `siginfo_t`'s fields name beyond themselves: the task whose pids and
/// descriptors they are (`-Y`'s names, `--pidns-translation`, `-y`'s names).
pub struct Names<'a> {
    pub opts: &'a DecodeOptions,
    pub pid: u32,
    pub tid: u32,
    pub fds: Option<&'a dyn FdNames>,
    /// The caller's child a pid argument named, with its name at the call's entry
    /// ([`super::named_child`]): `si_pid`'s name when the call left the child (a stop, a
    /// continue) though it is gone by the time the line is printed.
    pub child: Option<(i32, String)>,
}

fn sig(n: i32) -> String {
    signal_name(n).map_or_else(|| n.to_string(), str::to_owned)
}

/// strace's `siginfo_codes` (x86, generic).
const GENERAL_CODES: &[(i32, &str)] = &[
    (0, "SI_USER"),
    (0x80, "SI_KERNEL"),
    (-1, "SI_QUEUE"),
    (-2, "SI_TIMER"),
    (-3, "SI_MESGQ"),
    (-4, "SI_ASYNCIO"),
    (-5, "SI_SIGIO"),
    (-6, "SI_TKILL"),
    (-7, "SI_DETHREAD"),
    (-60, "SI_ASYNCNL"),
];

/// The codes of one signal, from 1 (strace's `sig*_codes`).
fn specific_codes(signo: i32) -> &'static [&'static str] {
    match signo {
        libc::SIGTRAP => &[
            "TRAP_BRKPT",
            "TRAP_TRACE",
            "TRAP_BRANCH",
            "TRAP_HWBKPT",
            "TRAP_UNK",
            "TRAP_PERF",
        ],
        libc::SIGCHLD => &[
            "CLD_EXITED",
            "CLD_KILLED",
            "CLD_DUMPED",
            "CLD_TRAPPED",
            "CLD_STOPPED",
            "CLD_CONTINUED",
        ],
        libc::SIGIO => &[
            "POLL_IN", "POLL_OUT", "POLL_MSG", "POLL_ERR", "POLL_PRI", "POLL_HUP",
        ],
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
            "",
            "",
            "",
            "",
            "",
            "FPE_FLTUNK",
            "FPE_CONDTRAP",
        ],
        libc::SIGSEGV => &[
            "SEGV_MAPERR",
            "SEGV_ACCERR",
            "SEGV_BNDERR",
            "SEGV_PKUERR",
            "SEGV_ACCADI",
            "SEGV_ADIDERR",
            "SEGV_ADIPERR",
            "SEGV_MTEAERR",
            "SEGV_MTESERR",
        ],
        libc::SIGBUS => &[
            "BUS_ADRALN",
            "BUS_ADRERR",
            "BUS_OBJERR",
            "BUS_MCEERR_AR",
            "BUS_MCEERR_AO",
        ],
        libc::SIGSYS => &["SYS_SECCOMP", "SYS_USER_DISPATCH"],
        _ => &[],
    }
}

fn code_name(signo: i32, code: i32) -> Option<&'static str> {
    GENERAL_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .or_else(|| {
            usize::try_from(code - 1)
                .ok()
                .and_then(|i| specific_codes(signo).get(i))
                .copied()
                .filter(|n| !n.is_empty())
        })
}

/// What a signal line says of the signal: `SIGCHLD {si_signo=...}` or `stopped by SIGSTOP`.
pub fn describe(signal: i32, info: &SignalInfo) -> String {
    match info {
        SignalInfo::Siginfo(bytes) => {
            let signo = Bytes(bytes).i32(0).unwrap_or(0);
            let fields = fields(bytes);
            if signo == 0 {
                format!("0 {fields}")
            } else {
                format!("{} {fields}", sig(signo))
            }
        }
        SignalInfo::GroupStop => format!("stopped by {}", sig(signal)),
    }
}

/// A `siginfo_t` argument: `{si_signo=SIGUSR1, ...}`, its pids and descriptors bare.
pub fn fields(bytes: &[u8]) -> String {
    fields_of(bytes, None)
}

/// [`fields`] with the names of the task it is an argument of.
pub fn fields_of(bytes: &[u8], names: Option<&Names>) -> String {
    let mut info = [0u8; 128];
    let len = bytes.len().min(info.len());
    info[..len].copy_from_slice(&bytes[..len]);
    let mut out = String::new();
    write(&mut out, &Bytes(&info), names);
    out
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

/// `NULL` or the address.
fn ptr(out: &mut String, name: &str, v: u64) {
    if v == 0 {
        let _ = write!(out, ", {name}=NULL");
    } else {
        let _ = write!(out, ", {name}={v:#x}");
    }
}

/// The fields of a whole (128-byte) `siginfo_t`; offsets are the union's on 64-bit.
fn write(out: &mut String, b: &Bytes, names: Option<&Names>) {
    let at = |off: usize| b.i32(off).unwrap_or(0);
    let at64 = |off: usize| b.u64(off).unwrap_or(0);
    let (signo, errno, code) = (at(0), at(4), at(8));
    out.push('{');
    if signo == 0 {
        out.push('}');
        return;
    }
    out.push_str("si_signo=");
    write_signal(out, signo);
    out.push_str(", si_code=");
    // An unnamed code is its number in hex, whatever the style.
    let raw = hex(code as u32 as u64);
    match code_name(signo, code) {
        Some(name) => styled(out, &raw, |o| o.push_str(name)),
        None => out.push_str(&raw),
    }
    if errno != 0 {
        out.push_str(", si_errno=");
        let n = (errno as u32).to_string();
        match super::errno::errno_name(errno) {
            Some(name) => styled(out, &n, |o| o.push_str(name)),
            None => out.push_str(&n),
        }
    }
    let source = |out: &mut String| {
        out.push_str(", si_pid=");
        // A child that exited was reaped by the call, as strace finds it after.
        let left = signo != libc::SIGCHLD || !(1..=3).contains(&code);
        let child = names.and_then(|n| n.child.as_ref()).filter(|(pid, _)| {
            left && *pid == at(16) && super::process_comm(*pid as u32).is_none()
        });
        match names {
            Some(n)
                if n.opts.pid_comm
                    && let Some((pid, comm)) = child =>
            {
                let _ = write!(out, "{pid}<{comm}>");
            }
            Some(n) => super::write_pid(out, n.tid, at(16), n.opts),
            None => {
                let _ = write!(out, "{}", at(16));
            }
        }
        let _ = write!(out, ", si_uid=");
        match at(20) as u32 {
            u32::MAX => out.push_str("-1"),
            uid => {
                let _ = write!(out, "{uid}");
            }
        }
    };
    let sigval = |out: &mut String| {
        let _ = write!(out, ", si_int={}", at(24));
        ptr(out, "si_ptr", at64(24));
    };
    let fd = |out: &mut String| {
        let _ = write!(out, ", si_band={}, si_fd=", at64(16) as i64);
        match names {
            Some(n) => super::write_plain_fd(out, n.pid, at(24), n.fds),
            None => {
                let _ = write!(out, "{}", at(24));
            }
        }
    };
    if code <= 0 {
        match code {
            0 | -6 => source(out),
            -2 => {
                let _ = write!(
                    out,
                    ", si_timerid={}, si_overrun={}",
                    hex(at(16) as u32 as u64),
                    at(20)
                );
                sigval(out);
            }
            -5 => fd(out),
            _ => {
                source(out);
                if at64(24) != 0 {
                    sigval(out);
                }
            }
        }
    } else {
        match signo {
            libc::SIGCHLD => {
                source(out);
                out.push_str(", si_status=");
                if code == 1 {
                    let _ = write!(out, "{}", at(24));
                } else {
                    write_signal(out, at(24));
                }
                let _ = write!(
                    out,
                    ", si_utime={}, si_stime={}",
                    clock_t(at64(32)),
                    clock_t(at64(40))
                );
            }
            libc::SIGILL | libc::SIGFPE | libc::SIGTRAP => ptr(out, "si_addr", at64(16)),
            libc::SIGBUS => {
                ptr(out, "si_addr", at64(16));
                if code == 4 || code == 5 {
                    let lsb = b.u16(24).unwrap_or(0);
                    let _ = write!(out, ", si_addr_lsb={}", hex(lsb.into()));
                }
            }
            libc::SIGSEGV => {
                ptr(out, "si_addr", at64(16));
                match code {
                    3 => {
                        ptr(out, "si_lower", at64(32));
                        ptr(out, "si_upper", at64(40));
                    }
                    4 => {
                        let _ = write!(out, ", si_pkey={}", at(32) as u32);
                    }
                    _ => {}
                }
            }
            libc::SIGIO => {
                if (1..=6).contains(&code) {
                    fd(out);
                }
            }
            libc::SIGSYS => {
                ptr(out, "si_call_addr", at64(16));
                let arch = at(28) as u32;
                out.push_str(", si_syscall=");
                super::ioctl::syscall_name(out, at(24) as u32, arch);
                out.push_str(", si_arch=");
                write_enum(
                    out,
                    arch.into(),
                    super::ioctl::AUDIT_ARCHES,
                    "AUDIT_ARCH_???",
                );
            }
            _ => {
                if at(16) != 0 || at(20) != 0 {
                    source(out);
                }
                if at64(24) != 0 {
                    sigval(out);
                }
            }
        }
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(info: &libc::siginfo_t) -> String {
        // SAFETY: siginfo_t is plain data, read as its bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts(
                (info as *const libc::siginfo_t).cast::<u8>(),
                size_of::<libc::siginfo_t>(),
            )
        };
        let first = bytes[..tracer_common::SIGINFO_BYTES].try_into().unwrap();
        describe(info.si_signo, &SignalInfo::Siginfo(first))
    }

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
