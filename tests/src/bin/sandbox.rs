//! Runs a command where BPF is unavailable for real, to test the ptrace fallback:
//! `sandbox no-bpf -- CMD...` installs a seccomp filter under which bpf(2) fails with
//! ENOSYS (a kernel without BPF); `sandbox nobody -- CMD...` drops to uid/gid `nobody`
//! with no capabilities (an unprivileged user).

use std::{ffi::CString, os::unix::ffi::OsStrExt};

use tracer_common::AUDIT_ARCH;

fn no_bpf() {
    let insn = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let filter = [
        insn(0x20, 0, 0, 4),                       // A = arch
        insn(0x15, 1, 0, AUDIT_ARCH),              // the native ABI: go on
        insn(0x06, 0, 0, libc::SECCOMP_RET_ALLOW), // other ABIs: allow
        insn(0x20, 0, 0, 0),                       // A = nr
        insn(0x15, 0, 1, libc::SYS_bpf as u32),    // bpf?
        insn(0x06, 0, 0, libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32),
        insn(0x06, 0, 0, libc::SECCOMP_RET_ALLOW),
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr().cast_mut(),
    };
    // SAFETY: prctl and seccomp with a valid program that outlives the calls.
    unsafe {
        assert_eq!(libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
        assert_eq!(
            libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0, &prog),
            0,
            "seccomp: {}",
            std::io::Error::last_os_error()
        );
    }
}

fn nobody() {
    let id = 65534;
    // SAFETY: plain id changes; from root, setuid drops every capability.
    unsafe {
        assert_eq!(libc::setgroups(0, std::ptr::null()), 0);
        assert_eq!(libc::setgid(id), 0);
        assert_eq!(libc::setuid(id), 0);
    }
}

fn main() {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let (mode, cmd) = match args.split_first() {
        Some((mode, rest)) if rest.first().is_some_and(|a| a == "--") => (mode, &rest[1..]),
        _ => panic!("usage: sandbox no-bpf|nobody -- CMD..."),
    };
    match mode.to_str() {
        Some("no-bpf") => no_bpf(),
        Some("nobody") => nobody(),
        _ => panic!("unknown mode {mode:?}"),
    }
    let argv: Vec<CString> = cmd
        .iter()
        .map(|a| CString::new(a.as_bytes()).unwrap())
        .collect();
    let err = nix::unistd::execv(&argv[0], &argv).unwrap_err();
    panic!("exec {:?}: {err}", argv[0]);
}
