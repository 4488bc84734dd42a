//! Seccomp filters the tracer installs in a command it starts, before its exec, so that
//! only some syscalls wake the tracer:
//! - ptrace's `--seccomp-bpf`: only the traced calls return `SECCOMP_RET_TRACE` (a ptrace
//!   seccomp stop), every other call runs without waking the tracer;
//! - the eBPF backend's `-e inject=`: the calls a rule may tamper with return
//!   `SECCOMP_RET_USER_NOTIF`: the caller waits while the tracer, reading the filter's
//!   listener, lets the call run or answers for it (`ebpf::tamper`).
//!
//! A filter outlives the tracer: with no tracer attached, `SECCOMP_RET_TRACE` fails the
//! call with ENOSYS, and so does a notifying filter whose listener is closed. It is
//! therefore only installed in commands the tracer starts, which die with it
//! (`PTRACE_O_EXITKILL`; the eBPF backend kills them when it stops early).

use std::{
    collections::BTreeSet,
    os::fd::{AsRawFd as _, BorrowedFd, FromRawFd as _, OwnedFd, RawFd},
};

use libc::sock_filter;
use nix::errno::Errno;

// Classic BPF opcodes (linux/filter.h).
// BPF_LD | BPF_W | BPF_ABS (the first two are 0).
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JMP_JEQ_K: u16 = 0x05 | 0x10;
const BPF_JMP_JGE_K: u16 = 0x05 | 0x30;
const BPF_RET_K: u16 = 0x06;

/// `struct seccomp_data` offsets.
const DATA_NR: u32 = 0;
const DATA_ARCH: u32 = 4;

use tracer_common::{AUDIT_ARCH, X32_SYSCALL_BIT};

const RET_ALLOW: u32 = 0x7fff_0000;
const RET_TRACE: u32 = 0x7ff0_0000;
const RET_USER_NOTIF: u32 = libc::SECCOMP_RET_USER_NOTIF;

/// What the filter's calls do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// A ptrace seccomp stop.
    Ptrace,
    /// A notification on the filter's listener.
    Listener,
}

/// Longest program the kernel accepts (BPF_MAXINSNS).
const MAX_INSNS: usize = 4096;

fn stmt(code: u16, k: u32) -> sock_filter {
    sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> sock_filter {
    sock_filter { code, jt, jf, k }
}

/// A filter program, built in the tracer and installed in the child before its exec.
#[derive(Clone, Debug)]
pub struct Filter {
    insns: Vec<sock_filter>,
}

impl Filter {
    /// Makes the calls in `traced` stop for ptrace; calls of another ABI (i386 or
    /// AArch32, x32), whose numbers mean something else, are all traced, so nothing is
    /// missed.
    pub fn new(traced: &BTreeSet<u32>) -> Self {
        Self::waking(traced, Wake::Ptrace)
    }

    /// Makes the calls in `set` wake the tracer as `wake` says. For a listener, calls of
    /// another ABI run: no rule names them (the eBPF backend traces the native ABI's
    /// numbers).
    pub fn waking(set: &BTreeSet<u32>, wake: Wake) -> Self {
        let (wakes, other_abi) = match wake {
            Wake::Ptrace => (RET_TRACE, RET_TRACE),
            Wake::Listener => (RET_USER_NOTIF, RET_ALLOW),
        };
        let mut insns = vec![
            stmt(BPF_LD_W_ABS, DATA_ARCH),
            jump(BPF_JMP_JEQ_K, AUDIT_ARCH, 1, 0),
            stmt(BPF_RET_K, other_abi),
            stmt(BPF_LD_W_ABS, DATA_NR),
        ];
        if let Some(bit) = X32_SYSCALL_BIT {
            insns.push(jump(BPF_JMP_JGE_K, bit, 0, 1));
            insns.push(stmt(BPF_RET_K, other_abi));
        }
        // One compare per number; each one's "wake" return follows it, so no jump is
        // longer than one instruction (jump offsets are 8 bits).
        for &nr in set {
            insns.push(jump(BPF_JMP_JEQ_K, nr, 0, 1));
            insns.push(stmt(BPF_RET_K, wakes));
        }
        insns.push(stmt(BPF_RET_K, RET_ALLOW));
        if insns.len() > MAX_INSNS {
            // More numbers than a program holds: wake for everything rather than fail.
            insns = vec![stmt(BPF_RET_K, wakes)];
        }
        Self { insns }
    }

    /// Installs the filter in the calling thread. Async-signal-safe (two syscalls), for
    /// use between fork and exec. Without CAP_SYS_ADMIN the kernel requires
    /// no_new_privs, which is then set, as strace does.
    pub fn install(&self) -> Result<(), Errno> {
        self.install_with(0).map(drop)
    }

    /// Installs the filter with a listener (`Wake::Listener`) and returns the
    /// listener's descriptor (close-on-exec). Async-signal-safe, as [`Self::install`].
    pub fn install_listener(&self) -> Result<RawFd, Errno> {
        self.install_with(libc::SECCOMP_FILTER_FLAG_NEW_LISTENER)
            .map(|fd| fd as RawFd)
    }

    fn install_with(&self, flags: libc::c_ulong) -> Result<libc::c_long, Errno> {
        let prog = libc::sock_fprog {
            len: self.insns.len() as u16,
            filter: self.insns.as_ptr().cast_mut(),
        };
        let set = || {
            // SAFETY: `prog` points at `insns`, which outlive the call; the kernel copies
            // the program.
            let rc = unsafe {
                libc::syscall(
                    libc::SYS_seccomp,
                    libc::SECCOMP_SET_MODE_FILTER,
                    flags,
                    &prog as *const libc::sock_fprog,
                )
            };
            Errno::result(rc)
        };
        match set() {
            Err(Errno::EACCES) => {
                // SAFETY: prctl with integer arguments only.
                Errno::result(unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) })?;
                set()
            }
            other => other,
        }
    }

    /// [`Self::install_listener`] in a child before its exec, the outcome sent to the
    /// tracer on `sock` (a UNIX socket): the listener as `SCM_RIGHTS`, or the errno.
    /// Async-signal-safe: two syscalls and a `sendmsg` from the stack.
    pub fn install_and_send_listener(&self, sock: RawFd) {
        let (errno, fd) = match self.install_listener() {
            Ok(fd) => (0, Some(fd)),
            Err(e) => (e as i32, None),
        };
        let mut data = errno.to_ne_bytes();
        let mut iov = libc::iovec {
            iov_base: data.as_mut_ptr().cast(),
            iov_len: data.len(),
        };
        // CMSG_SPACE(sizeof(int)), aligned as cmsghdr.
        let mut control = [0u64; 3];
        // SAFETY: msghdr is plain data; every pointer in it points at live locals.
        let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        if let Some(fd) = fd {
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = std::mem::size_of_val(&control) as _;
            // SAFETY: the control buffer holds one cmsghdr with an int's room.
            unsafe {
                let cmsg = libc::CMSG_FIRSTHDR(&msg);
                (*cmsg).cmsg_level = libc::SOL_SOCKET;
                (*cmsg).cmsg_type = libc::SCM_RIGHTS;
                (*cmsg).cmsg_len = libc::CMSG_LEN(4) as _;
                libc::CMSG_DATA(cmsg).cast::<i32>().write_unaligned(fd);
            }
        }
        // SAFETY: `msg` is valid as above; a failure leaves the tracer reading EOF.
        unsafe { libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL) };
    }

    #[cfg(test)]
    fn run(&self, arch: u32, nr: u32) -> u32 {
        let mut acc = 0;
        let mut pc = 0;
        loop {
            let i = self.insns[pc];
            pc += 1;
            match i.code {
                BPF_LD_W_ABS => acc = if i.k == DATA_ARCH { arch } else { nr },
                BPF_JMP_JEQ_K | BPF_JMP_JGE_K => {
                    let hit = if i.code == BPF_JMP_JEQ_K {
                        acc == i.k
                    } else {
                        acc >= i.k
                    };
                    pc += usize::from(if hit { i.jt } else { i.jf });
                }
                BPF_RET_K => return i.k,
                other => panic!("unexpected opcode {other:#x}"),
            }
        }
    }
}

/// The tracer's end of [`Filter::install_and_send_listener`]: the listener, or why the
/// child could not install the filter. EOF: the child ended (or exec'd) first.
pub fn receive_listener(sock: BorrowedFd) -> Result<OwnedFd, Errno> {
    use nix::sys::socket::{ControlMessageOwned, MsgFlags, recvmsg};
    let mut data = [0u8; 4];
    let mut iov = [std::io::IoSliceMut::new(&mut data)];
    let mut space = nix::cmsg_space!(RawFd);
    let msg = recvmsg::<()>(
        sock.as_raw_fd(),
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_CMSG_CLOEXEC,
    )?;
    if msg.bytes != 4 {
        return Err(Errno::EPIPE);
    }
    let fd = msg.cmsgs()?.find_map(|c| match c {
        ControlMessageOwned::ScmRights(fds) => fds.first().copied(),
        _ => None,
    });
    match (i32::from_ne_bytes(data), fd) {
        // SAFETY: the kernel just gave us this descriptor, owned by nothing else.
        (0, Some(fd)) => Ok(unsafe { OwnedFd::from_raw_fd(fd) }),
        (0, None) => Err(Errno::EPIPE),
        (errno, _) => Err(Errno::from_raw(errno)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_traced_numbers_stop() {
        let traced: BTreeSet<u32> = [0, 1, 59, 257, 435].into();
        let f = Filter::new(&traced);
        for nr in 0..512 {
            let want = if traced.contains(&nr) {
                RET_TRACE
            } else {
                RET_ALLOW
            };
            assert_eq!(f.run(AUDIT_ARCH, nr), want, "syscall {nr}");
        }
        if let Some(bit) = X32_SYSCALL_BIT {
            assert_eq!(f.run(AUDIT_ARCH, bit | 2), RET_TRACE);
        }
        assert_eq!(
            f.run(tracer_common::AUDIT_ARCH_COMPAT, 3),
            RET_TRACE,
            "32-bit calls are all traced"
        );
    }

    #[test]
    fn an_empty_set_allows_everything_and_a_huge_one_traces_everything() {
        let f = Filter::new(&BTreeSet::new());
        assert_eq!(f.run(AUDIT_ARCH, 59), RET_ALLOW);
        let f = Filter::new(&(0..5000).collect());
        assert_eq!(f.run(AUDIT_ARCH, 4999), RET_TRACE);
        assert_eq!(f.insns.len(), 1);
    }

    #[test]
    fn the_kernel_accepts_the_filter() {
        // Installed in a forked child, which then reports whether a traced call stops
        // (it fails with ENOSYS when no tracer is attached) and an untraced one runs.
        let f = Filter::new(&[libc::SYS_getppid as u32].into());
        // SAFETY: the child only makes raw syscalls and exits.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                let code = match f.install() {
                    Err(_) => 1,
                    Ok(()) => {
                        // SAFETY: raw syscalls without arguments.
                        let traced = unsafe { libc::syscall(libc::SYS_getppid) };
                        let errno = Errno::last_raw();
                        // SAFETY: as above.
                        let untraced = unsafe { libc::syscall(libc::SYS_getpid) };
                        if traced == -1 && errno == libc::ENOSYS && untraced > 0 {
                            0
                        } else {
                            2
                        }
                    }
                };
                // SAFETY: leaves the forked test child without running the harness.
                unsafe { libc::_exit(code) };
            }
            nix::unistd::ForkResult::Parent { child } => {
                let status = nix::sys::wait::waitpid(child, None).unwrap();
                assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
            }
        }
    }

    #[test]
    fn a_listener_filter_wakes_its_numbers_only_and_lets_other_abis_run() {
        let f = Filter::waking(&[39].into(), Wake::Listener);
        assert_eq!(f.run(AUDIT_ARCH, 39), RET_USER_NOTIF);
        assert_eq!(f.run(AUDIT_ARCH, 40), RET_ALLOW);
        assert_eq!(f.run(tracer_common::AUDIT_ARCH_COMPAT, 39), RET_ALLOW);
    }

    #[test]
    fn the_listener_reaches_the_tracer_and_answers_for_the_call() {
        // The child installs a filter on getppid, sends its listener and calls getppid,
        // which the parent answers with 4242 without running it.
        use nix::sys::socket::{AddressFamily, SockFlag, SockType, socketpair};
        let (ours, theirs) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .unwrap();
        let f = Filter::waking(&[libc::SYS_getppid as u32].into(), Wake::Listener);
        // SAFETY: the child makes raw syscalls only and exits.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                f.install_and_send_listener(theirs.as_raw_fd());
                // SAFETY: raw syscall without arguments; _exit leaves the test child.
                unsafe {
                    let faked = libc::syscall(libc::SYS_getppid);
                    libc::_exit(if faked == 4242 { 0 } else { 2 })
                }
            }
            nix::unistd::ForkResult::Parent { child } => {
                drop(theirs);
                let listener =
                    receive_listener(std::os::fd::AsFd::as_fd(&ours)).expect("the listener");
                // SAFETY: zeroed plain data, filled by the kernel.
                let mut notif: libc::seccomp_notif = unsafe { std::mem::zeroed() };
                // SAFETY: SECCOMP_IOCTL_NOTIF_RECV fills one seccomp_notif.
                let rc = unsafe {
                    libc::ioctl(
                        listener.as_raw_fd(),
                        libc::SECCOMP_IOCTL_NOTIF_RECV as _,
                        &mut notif,
                    )
                };
                assert_eq!(rc, 0, "{}", Errno::last());
                assert_eq!(notif.pid, child.as_raw() as u32);
                assert_eq!(notif.data.nr, libc::SYS_getppid as i32);
                let mut resp = libc::seccomp_notif_resp {
                    id: notif.id,
                    val: 4242,
                    error: 0,
                    flags: 0,
                };
                // SAFETY: SECCOMP_IOCTL_NOTIF_SEND reads one seccomp_notif_resp.
                let rc = unsafe {
                    libc::ioctl(
                        listener.as_raw_fd(),
                        libc::SECCOMP_IOCTL_NOTIF_SEND as _,
                        &mut resp,
                    )
                };
                assert_eq!(rc, 0, "{}", Errno::last());
                let status = nix::sys::wait::waitpid(child, None).unwrap();
                assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
            }
        }
    }
}
