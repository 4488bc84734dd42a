//! A tracer with more privilege than its user: file capabilities on the binary (the
//! least-privilege deployment, `setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep`) or a
//! setuid bit. Its privileges are for loading the kernel programs only; they must not
//! let the user see what the kernel's ptrace rules hide from them. So, when the kernel
//! marks the exec as privilege-gaining (`AT_SECURE`):
//! - modes that trace processes regardless of whose they are (`--cgroup`) need a real
//!   user that is root;
//! - a process is attached (`-p`) only if the real user may ptrace it, as the kernel
//!   decides it (`PTRACE_MODE_ATTACH_REALCREDS`: same ids, dumpable, no LSM refusal, or
//!   CAP_SYS_PTRACE), asked of a child holding nothing but the real user's credentials;
//! - once the programs are loaded the tracer keeps only CAP_BPF (map access on kernels
//!   before 6.5; nothing with ptrace) and the real user's ids, so what it opens, reads
//!   and starts (`-o` files, `-o '|cmd'`, the traced command) is the user's to open,
//!   read and start;
//! - the kernel side stops tracing a process whose exec gains privileges (a setuid or
//!   file-capability program), as ptrace would not let it gain them (`owner_uid`).

use std::sync::OnceLock;

use anyhow::{Result, bail};
use nix::errno::Errno;

use crate::config::{Config, Target};

/// `CAP_BPF`'s bit (linux/capability.h, 5.8+).
const CAP_BPF: u32 = 39;
const CAPABILITY_VERSION_3: u32 = 0x2008_0522;

/// The user the tracer acts for, when it runs with more privilege than that user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RealUser {
    pub uid: u32,
    pub gid: u32,
}

/// `Some` when the exec that started the tracer gained privileges (setuid, setgid,
/// file capabilities) and the real user is not root: the one case that restricts.
pub fn restricted() -> Option<RealUser> {
    static USER: OnceLock<Option<RealUser>> = OnceLock::new();
    *USER.get_or_init(|| {
        // SAFETY: getauxval reads the auxiliary vector; getuid/getgid cannot fail.
        let (secure, uid, gid) = unsafe {
            (
                libc::getauxval(libc::AT_SECURE),
                libc::getuid(),
                libc::getgid(),
            )
        };
        (secure != 0 && uid != 0).then_some(RealUser { uid, gid })
    })
}

/// Refuses what a restricted tracer may not do at all.
pub fn check(cfg: &Config) -> Result<()> {
    let Some(user) = restricted() else {
        return Ok(());
    };
    if matches!(cfg.target, Target::Cgroup(_)) {
        bail!(
            "--cgroup traces every process of a cgroup, whoever runs it: it needs root, and \
             this tracer runs with privileges (file capabilities or setuid) that user {} \
             does not have",
            user.uid
        );
    }
    Ok(())
}

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: i32,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

/// Sets the calling thread's capabilities to `keep` (a 64-bit mask) in the effective
/// and permitted sets, none inheritable. Async-signal-safe.
fn set_capabilities(keep: u64) -> Result<(), Errno> {
    let header = CapHeader {
        version: CAPABILITY_VERSION_3,
        pid: 0,
    };
    let mut data = [CapData::default(); 2];
    for (i, d) in data.iter_mut().enumerate() {
        let word = (keep >> (32 * i)) as u32;
        d.effective = word;
        d.permitted = word;
    }
    // SAFETY: a version 3 header and two data words, as capset(2) reads them.
    let rc = unsafe { libc::syscall(libc::SYS_capset, &header, data.as_ptr()) };
    Errno::result(rc).map(drop)
}

/// Takes on the real user's ids and drops every capability but `keep`. Async-signal-
/// safe (for use in a forked child).
fn become_real_user(user: RealUser, keep: u64) -> Result<(), Errno> {
    // SAFETY: prctl and the set*id calls take integers only.
    unsafe {
        // Capabilities survive the change of ids, to be trimmed to `keep` below.
        Errno::result(libc::prctl(libc::PR_SET_KEEPCAPS, 1, 0, 0, 0))?;
        Errno::result(libc::setresgid(user.gid, user.gid, user.gid))?;
        Errno::result(libc::setresuid(user.uid, user.uid, user.uid))?;
        Errno::result(libc::prctl(libc::PR_SET_KEEPCAPS, 0, 0, 0, 0))?;
        let _ = libc::prctl(
            libc::PR_CAP_AMBIENT,
            libc::PR_CAP_AMBIENT_CLEAR_ALL,
            0,
            0,
            0,
        );
    }
    set_capabilities(keep)
}

/// Once the backend is ready: the real user's ids, and only CAP_BPF with eBPF (map
/// access through the programs' descriptors, on kernels before 6.5). The process stays
/// non-dumpable, so that no process of the user's can take those descriptors or that
/// capability (ptrace and `pidfd_getfd` would also need every capability it holds).
/// With ptrace nothing is kept: the tracer is then its user's process like any other,
/// dumpable, so that the command it starts (a copy of it until its exec) can be traced.
pub fn drop_after_load(keep_bpf: bool) -> Result<()> {
    let Some(user) = restricted() else {
        return Ok(());
    };
    let dropped = if keep_bpf {
        // CAP_BPF may not be held (a setuid tracer on a kernel that predates it): then
        // nothing is kept.
        become_real_user(user, 1 << CAP_BPF).or_else(|_| become_real_user(user, 0))
    } else {
        become_real_user(user, 0).and_then(|()| {
            // SAFETY: prctl with integer arguments.
            Errno::result(unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 1, 0, 0, 0) }).map(drop)
        })
    };
    dropped.map_err(|e| anyhow::anyhow!("dropping privileges: {}", e.desc()))
}

/// `Some(uid)` when the tracer is restricted and its real user `uid` may not ptrace
/// process `pid`. The kernel answers: a child that holds only the real user's
/// credentials reads one byte of `pid`'s memory with `process_vm_readv`, which checks
/// `PTRACE_MODE_ATTACH_REALCREDS` before it looks at the address (0, so the read itself
/// fails with EFAULT when permitted).
pub fn real_user_may_not_trace(pid: u32) -> Option<u32> {
    let user = restricted()?;
    // SAFETY: the child makes raw syscalls only and leaves with _exit.
    match unsafe { nix::unistd::fork() } {
        Ok(nix::unistd::ForkResult::Child) => {
            let code = match become_real_user(user, 0) {
                Err(_) => 2,
                Ok(()) => {
                    let mut byte = 0u8;
                    let local = libc::iovec {
                        iov_base: (&mut byte as *mut u8).cast(),
                        iov_len: 1,
                    };
                    let remote = libc::iovec {
                        iov_base: std::ptr::null_mut(),
                        iov_len: 1,
                    };
                    // SAFETY: one local byte to write, one remote byte to read.
                    let rc =
                        unsafe { libc::process_vm_readv(pid as i32, &local, 1, &remote, 1, 0) };
                    match (rc, Errno::last()) {
                        (0.., _) | (_, Errno::EFAULT) => 0,
                        (_, Errno::EPERM | Errno::EACCES) => 1,
                        _ => 2,
                    }
                }
            };
            // SAFETY: leaves the forked child without running the parent's exit code.
            unsafe { libc::_exit(code) };
        }
        Ok(nix::unistd::ForkResult::Parent { child }) => {
            match nix::sys::wait::waitpid(child, None) {
                Ok(nix::sys::wait::WaitStatus::Exited(_, 0)) => None,
                // Refused, or the check itself failed: not traced either way.
                _ => Some(user.uid),
            }
        }
        Err(_) => Some(user.uid),
    }
}
