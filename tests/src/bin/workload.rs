//! Deterministic workloads for `tests/strace_compare.rs`, one per mode, each making its
//! calls directly (libc) so the sequence is the same under strace and tracer:
//!
//! | mode | what |
//! |---|---|
//! | `ipc DIR` | SysV shared memory, semaphores and message queues |
//! | `signals` | handlers, masks, pending and ignored signals, a child's SIGCHLD |
//! | `threads` | three threads each making calls of its own (stat, uname), joined |
//! | `tcp` | a TCP server (parent) and client (child) on the loopback |
//! | `unix DIR` | a UNIX-socket server and client, descriptors and credentials passed |
//! | `mmsg` | UDP on the loopback: sendmmsg/recvmmsg, ancillary data |
//! | `files DIR` | locks, times, offsets, modes, prctl, mappings |
//! | `attach-loop` | prints `ready`, then per line read from stdin opens, reads and closes a file and prints `done` |
//! | `stuck-futex` | a thread blocked on a mutex the main thread holds while joining it: a deadlock (prints `ready`) |
//! | `netlink-link` | link and stats messages sent on a route netlink socket: counters, maps, bridge ports, per-family and virtual-function attributes; a generic netlink request; a udev uevent; socket diagnostics |
//! | `ptrace-xattr DIR` | `ptrace` requests on itself that fail (their arguments as each request takes them: none, a pid, a signal set, options, a signal) and a child stopped by `PTRACE_TRACEME` asked for its syscall info; extended attributes set and listed in DIR |
//! | `filters` | a socket filter attached and read back, an allow-all seccomp filter set by `prctl` and `seccomp`, `clone3` refusing `set_tid` arrays (one running into an unreadable page), then making a child with a pidfd; prints the pids it passed and got |

use std::ffi::CString;
use std::io::{BufRead, Write};
use std::ptr::{null, null_mut};

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(2).cloned().unwrap_or_else(|| "/tmp".into());
    // SAFETY: plain syscalls on buffers and descriptors owned by the called function.
    unsafe {
        libc::getpid();
        match args.get(1).map(String::as_str) {
            Some("ipc") => ipc(),
            Some("signals") => signals(),
            Some("threads") => threads(),
            Some("tcp") => tcp(),
            Some("unix") => unix(&dir),
            Some("mmsg") => mmsg(),
            Some("files") => files(&dir),
            Some("attach-loop") => attach_loop(),
            Some("stuck-futex") => stuck_futex(),
            Some("clone-parent") => clone_parent(),
            Some("page-end") => page_end(),
            Some("page-end-structs") => page_end_structs(),
            Some("filters") => filters(),
            Some("keyctl") => keyctl(),
            Some("netlink-link") => netlink_link(),
            Some("ptrace-xattr") => ptrace_xattr(&dir),
            Some("ioctl-sock-kvm") => ioctl_sock_kvm(),
            Some("ioctl-block-perf-ubi-tee") => ioctl_block_perf_ubi_tee(),
            Some("ioctl-v4l2") => ioctl_v4l2(),
            Some("ioctl-kd") => ioctl_kd(),
            Some("ioctl-btrfs") => ioctl_btrfs(),
            Some("capabilities") => capabilities(),
            Some("ioctl-pointers") => ioctl_pointers(),
            Some("struct-args") => struct_args(&dir),
            Some("sockaddrs") => sockaddrs(),
            Some("msg-control") => msg_control(),
            Some("scm-rights") => scm_rights(),
            Some("jump-null") => jump_null(),
            Some("kvm-run") => kvm_run(),
            Some("siginfo") => siginfo(),
            Some("odd-names") => odd_names(&dir),
            Some("netlink-fd") => netlink_fd(),
            Some("struct-pointers") => struct_pointers(),
            Some("bpf-pointers") => bpf_pointers(),
            Some("uring-register") => uring_register(),
            Some("orphaned") => orphaned(),
            #[cfg(target_arch = "x86_64")]
            Some("thread-area") => thread_area(),
            _ => {
                eprintln!("usage: workload MODE [DIR]");
                std::process::exit(2);
            }
        }
    }
}

/// A stopped process whose process group is orphaned when its parent leaves: the kernel
/// sends the group SIGHUP, then SIGCONT, and SIGHUP kills it (strace's
/// orphaned_process_group test).
unsafe fn orphaned() {
    unsafe {
        let leader = libc::fork();
        if leader == 0 {
            libc::setpgid(0, 0);
            if libc::fork() == 0 {
                libc::raise(libc::SIGSTOP);
                libc::_exit(0);
            }
            // Gone once the child is stopped: its group has no parent outside any more.
            let mut status = 0;
            libc::waitpid(-1, &mut status, libc::WUNTRACED);
            libc::_exit(0);
        }
        let mut status = 0;
        libc::waitpid(leader, &mut status, 0);
        // The orphan dies meanwhile (no longer this process's child).
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

unsafe fn ipc() {
    unsafe {
        let shm = libc::shmget(libc::IPC_PRIVATE, 8192, libc::IPC_CREAT | 0o600);
        let at = libc::shmat(shm, null(), 0);
        *(at as *mut u8) = 1;
        let ro = libc::shmat(shm, null(), libc::SHM_RDONLY);
        libc::shmdt(ro);
        libc::shmdt(at);
        let mut ds: libc::shmid_ds = std::mem::zeroed();
        libc::shmctl(shm, libc::IPC_STAT, &mut ds);
        ds.shm_perm.mode = 0o640;
        libc::shmctl(shm, libc::IPC_SET, &mut ds);
        libc::shmctl(shm, libc::IPC_RMID, null_mut());
        libc::shmctl(shm, libc::IPC_RMID, null_mut());
        libc::shmget(0x7ace_0001, 4096, 0o600);

        let sem = libc::semget(libc::IPC_PRIVATE, 2, libc::IPC_CREAT | 0o600);
        libc::semctl(sem, 0, libc::SETVAL, 1);
        libc::semctl(sem, 0, libc::GETVAL);
        let mut ops = [
            libc::sembuf {
                sem_num: 0,
                sem_op: -1,
                sem_flg: libc::SEM_UNDO as i16,
            },
            libc::sembuf {
                sem_num: 1,
                sem_op: -1,
                sem_flg: libc::IPC_NOWAIT as i16,
            },
        ];
        libc::semop(sem, ops.as_mut_ptr(), 1);
        libc::semop(sem, ops[1..].as_mut_ptr(), 1);
        let timeout = libc::timespec {
            tv_sec: 0,
            tv_nsec: 1000,
        };
        libc::syscall(libc::SYS_semtimedop, sem, ops.as_mut_ptr(), 2, &timeout);
        let mut sds: libc::semid_ds = std::mem::zeroed();
        libc::semctl(sem, 0, libc::IPC_STAT, &mut sds);
        libc::semctl(sem, 0, libc::IPC_RMID);

        let q = libc::msgget(libc::IPC_PRIVATE, libc::IPC_CREAT | 0o600);
        #[repr(C)]
        struct Msg {
            mtype: libc::c_long,
            text: [u8; 64],
        }
        let mut m = Msg {
            mtype: 3,
            text: [0; 64],
        };
        m.text[..11].copy_from_slice(b"hello queue");
        libc::msgsnd(q, (&m as *const Msg).cast(), 11, 0);
        libc::msgsnd(q, (&m as *const Msg).cast(), 60, libc::IPC_NOWAIT);
        libc::msgrcv(q, (&mut m as *mut Msg).cast(), 64, 3, 0);
        libc::msgrcv(q, (&mut m as *mut Msg).cast(), 8, 0, libc::IPC_NOWAIT);
        libc::msgrcv(q, (&mut m as *mut Msg).cast(), 64, 9, libc::IPC_NOWAIT);
        let mut mds: libc::msqid_ds = std::mem::zeroed();
        libc::msgctl(q, libc::IPC_STAT, &mut mds);
        libc::msgctl(q, libc::IPC_RMID, null_mut());
    }
}

extern "C" fn on_signal(_: libc::c_int) {}

unsafe fn handle(sig: i32, flags: i32) {
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = flags;
        libc::sigaction(sig, &sa, null_mut());
    }
}

unsafe fn signals() {
    unsafe {
        handle(libc::SIGUSR1, libc::SA_RESTART);
        handle(libc::SIGUSR2, 0);
        handle(libc::SIGALRM, 0);
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        libc::kill(libc::getpid(), libc::SIGUSR1);
        libc::raise(libc::SIGUSR2);
        // Blocked, pending, then delivered when unblocked.
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::sigprocmask(libc::SIG_BLOCK, &set, null_mut());
        libc::kill(libc::getpid(), libc::SIGUSR1);
        let mut pending: libc::sigset_t = std::mem::zeroed();
        libc::sigpending(&mut pending);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, null_mut());
        // Taken synchronously.
        libc::sigprocmask(libc::SIG_BLOCK, &set, null_mut());
        libc::kill(libc::getpid(), libc::SIGUSR1);
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        libc::sigtimedwait(&set, &mut info, &zero);
        libc::sigtimedwait(&set, &mut info, &zero);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, null_mut());
        // A timer's signal interrupting a wait.
        let it = libc::itimerval {
            it_interval: libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            },
            it_value: libc::timeval {
                tv_sec: 0,
                tv_usec: 20_000,
            },
        };
        libc::setitimer(libc::ITIMER_REAL, &it, null_mut());
        libc::pause();
        // An ignored SIGPIPE: the write fails with EPIPE.
        let mut fds = [0; 2];
        libc::pipe(fds.as_mut_ptr());
        libc::close(fds[0]);
        libc::write(fds[1], b"x".as_ptr().cast(), 1);
        libc::close(fds[1]);
        // A child's exit.
        let pid = libc::fork();
        if pid == 0 {
            libc::_exit(3);
        }
        let mut status = 0;
        libc::wait4(pid, &mut status, 0, null_mut());
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGUSR1, null(), &mut old);
    }
}

unsafe fn threads() {
    // Each thread works on its own, with no descriptors (their numbers would depend on
    // which thread opens first), no lock to contend for and nothing allocated (a
    // thread's first allocation maps an arena where the others' left room), then the
    // main thread joins them.
    let workers: Vec<_> = (0..3)
        .map(|n| {
            std::thread::spawn(move || {
                const PATH: &[u8] = b"/etc/hostname\0";
                for _ in 0..10 {
                    // SAFETY: plain syscalls on buffers owned here.
                    unsafe {
                        let mut st: libc::stat = std::mem::zeroed();
                        libc::stat(PATH.as_ptr().cast(), &mut st);
                        let mut uts: libc::utsname = std::mem::zeroed();
                        libc::uname(&mut uts);
                        libc::getppid();
                    }
                }
                n
            })
        })
        .collect();
    for w in workers {
        w.join().expect("join");
    }
}

fn sockaddr_in(port: u16) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as u16,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from_be_bytes([127, 0, 0, 1]).to_be(),
        },
        sin_zero: [0; 8],
    }
}

const IN_LEN: u32 = size_of::<libc::sockaddr_in>() as u32;

unsafe fn tcp() {
    unsafe {
        let ls = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        let one = 1i32;
        libc::setsockopt(
            ls,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            (&one as *const i32).cast(),
            4,
        );
        let addr = sockaddr_in(0);
        libc::bind(ls, (&addr as *const libc::sockaddr_in).cast(), IN_LEN);
        libc::listen(ls, 8);
        let mut bound = sockaddr_in(0);
        let mut len = IN_LEN;
        libc::getsockname(ls, (&mut bound as *mut libc::sockaddr_in).cast(), &mut len);
        // The client: a child, so the two sides are two processes.
        let mut ready = [0; 2];
        libc::pipe2(ready.as_mut_ptr(), libc::O_CLOEXEC);
        let pid = libc::fork();
        if pid == 0 {
            let cs = libc::socket(libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_TCP);
            libc::setsockopt(
                cs,
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&one as *const i32).cast(),
                4,
            );
            libc::connect(cs, (&bound as *const libc::sockaddr_in).cast(), IN_LEN);
            libc::send(
                cs,
                b"GET / HTTP/1.0\r\n\r\n".as_ptr().cast(),
                18,
                libc::MSG_NOSIGNAL,
            );
            let mut buf = [0u8; 64];
            let n = libc::recv(cs, buf.as_mut_ptr().cast(), buf.len(), 0);
            libc::write(ready[1], buf.as_ptr().cast(), n.max(0) as usize);
            libc::shutdown(cs, libc::SHUT_WR);
            libc::read(cs, buf.as_mut_ptr().cast(), buf.len());
            libc::close(cs);
            libc::_exit(0);
        }
        libc::close(ready[1]);
        let mut peer = sockaddr_in(0);
        let mut plen = IN_LEN;
        let s = libc::accept4(
            ls,
            (&mut peer as *mut libc::sockaddr_in).cast(),
            &mut plen,
            libc::SOCK_CLOEXEC,
        );
        let mut buf = [0u8; 64];
        libc::recv(s, buf.as_mut_ptr().cast(), buf.len(), 0);
        libc::send(s, b"HTTP/1.0 200 OK\r\n\r\nhello".as_ptr().cast(), 24, 0);
        // Wait for the client to have read the answer, then close.
        libc::read(ready[0], buf.as_mut_ptr().cast(), buf.len());
        let mut peer2 = sockaddr_in(0);
        let mut p2len = IN_LEN;
        libc::getpeername(s, (&mut peer2 as *mut libc::sockaddr_in).cast(), &mut p2len);
        let mut err = 0i32;
        let mut elen = 4u32;
        libc::getsockopt(
            s,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut err as *mut i32).cast(),
            &mut elen,
        );
        libc::close(s);
        let mut status = 0;
        libc::wait4(pid, &mut status, 0, null_mut());
        libc::close(ls);
        libc::close(ready[0]);
    }
}

unsafe fn unix(dir: &str) {
    unsafe {
        let path = format!("{dir}/sock");
        let mut addr: libc::sockaddr_un = std::mem::zeroed();
        addr.sun_family = libc::AF_UNIX as u16;
        for (d, s) in addr.sun_path.iter_mut().zip(path.bytes()) {
            *d = s as libc::c_char;
        }
        let alen = (2 + path.len() + 1) as u32;
        let ls = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        libc::bind(ls, (&addr as *const libc::sockaddr_un).cast(), alen);
        libc::listen(ls, 4);
        let pid = libc::fork();
        if pid == 0 {
            let cs = libc::socket(libc::AF_UNIX, libc::SOCK_STREAM, 0);
            // Before connecting: the server's first message carries credentials only if
            // the option was on when it was sent.
            let one = 1i32;
            libc::setsockopt(
                cs,
                libc::SOL_SOCKET,
                libc::SO_PASSCRED,
                (&one as *const i32).cast(),
                4,
            );
            libc::connect(cs, (&addr as *const libc::sockaddr_un).cast(), alen);
            // Receive a descriptor.
            let mut buf = [0u8; 16];
            let mut iov = libc::iovec {
                iov_base: buf.as_mut_ptr().cast(),
                iov_len: buf.len(),
            };
            let mut control = [0u64; 8];
            let mut msg: libc::msghdr = std::mem::zeroed();
            msg.msg_iov = &mut iov;
            msg.msg_iovlen = 1;
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = size_of_val(&control);
            libc::recvmsg(cs, &mut msg, libc::MSG_CMSG_CLOEXEC);
            libc::write(cs, b"thanks".as_ptr().cast(), 6);
            libc::close(cs);
            libc::_exit(0);
        }
        let s = libc::accept(ls, null_mut(), null_mut());
        // Pass a descriptor with the data.
        let fd = libc::open(
            c("/etc/hostname").as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        let mut data = *b"fd";
        let mut iov = libc::iovec {
            iov_base: data.as_mut_ptr().cast(),
            iov_len: 2,
        };
        let mut control = [0u64; 3];
        let cmsg = control.as_mut_ptr() as *mut libc::cmsghdr;
        (*cmsg).cmsg_len = libc::CMSG_LEN(4) as usize;
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        *(libc::CMSG_DATA(cmsg) as *mut i32) = fd;
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(4) as usize;
        libc::sendmsg(s, &msg, 0);
        let mut buf = [0u8; 16];
        libc::read(s, buf.as_mut_ptr().cast(), buf.len());
        let mut status = 0;
        libc::wait4(pid, &mut status, 0, null_mut());
        libc::close(s);
        libc::close(fd);
        libc::close(ls);
        libc::unlink(c(&path).as_ptr());
        // A datagram pair with credentials.
        let mut sv = [0; 2];
        libc::socketpair(libc::AF_UNIX, libc::SOCK_DGRAM, 0, sv.as_mut_ptr());
        let one = 1i32;
        libc::setsockopt(
            sv[1],
            libc::SOL_SOCKET,
            libc::SO_PASSCRED,
            (&one as *const i32).cast(),
            4,
        );
        libc::send(sv[0], b"dgram".as_ptr().cast(), 5, 0);
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        let mut control = [0u64; 8];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = size_of_val(&control);
        libc::recvmsg(sv[1], &mut msg, 0);
        libc::close(sv[0]);
        libc::close(sv[1]);
    }
}

unsafe fn mmsg() {
    unsafe {
        let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        let addr = sockaddr_in(0);
        libc::bind(s, (&addr as *const libc::sockaddr_in).cast(), IN_LEN);
        let mut me = sockaddr_in(0);
        let mut len = IN_LEN;
        libc::getsockname(s, (&mut me as *mut libc::sockaddr_in).cast(), &mut len);
        libc::connect(s, (&me as *const libc::sockaddr_in).cast(), IN_LEN);
        // Two queries in one call, as glibc's resolver sends its A and AAAA ones.
        let queries: [&[u8]; 2] = [b"\x12\x34\x01\x00query-a", b"\x12\x35\x01\x00query-aaaa"];
        let mut iovs: Vec<libc::iovec> = queries
            .iter()
            .map(|q| libc::iovec {
                iov_base: q.as_ptr() as *mut _,
                iov_len: q.len(),
            })
            .collect();
        let mut msgs: Vec<libc::mmsghdr> = (0..2)
            .map(|i| {
                let mut m: libc::mmsghdr = std::mem::zeroed();
                m.msg_hdr.msg_iov = &mut iovs[i];
                m.msg_hdr.msg_iovlen = 1;
                m
            })
            .collect();
        libc::sendmmsg(s, msgs.as_mut_ptr(), 2, libc::MSG_NOSIGNAL);
        let mut bufs = [[0u8; 32]; 2];
        let mut rio: Vec<libc::iovec> = bufs
            .iter_mut()
            .map(|b| libc::iovec {
                iov_base: b.as_mut_ptr().cast(),
                iov_len: b.len(),
            })
            .collect();
        let mut from = [sockaddr_in(0), sockaddr_in(0)];
        let mut rmsgs: Vec<libc::mmsghdr> = (0..2)
            .map(|i| {
                let mut m: libc::mmsghdr = std::mem::zeroed();
                m.msg_hdr.msg_name = (&mut from[i] as *mut libc::sockaddr_in).cast();
                m.msg_hdr.msg_namelen = IN_LEN;
                m.msg_hdr.msg_iov = &mut rio[i];
                m.msg_hdr.msg_iovlen = 1;
                m
            })
            .collect();
        libc::recvmmsg(s, rmsgs.as_mut_ptr(), 2, libc::MSG_DONTWAIT, null_mut());
        libc::recvmmsg(s, rmsgs.as_mut_ptr(), 2, libc::MSG_DONTWAIT, null_mut());
        // Ancillary data on a received message: packet info, TTL, TOS.
        let one = 1i32;
        for opt in [libc::IP_PKTINFO, libc::IP_RECVTTL, libc::IP_RECVTOS] {
            libc::setsockopt(s, libc::IPPROTO_IP, opt, (&one as *const i32).cast(), 4);
        }
        libc::send(s, b"ping".as_ptr().cast(), 4, 0);
        let mut buf = [0u8; 16];
        let mut iov = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        let mut control = [0u64; 16];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = size_of_val(&control);
        libc::recvmsg(s, &mut msg, 0);
        // A TTL set per message.
        let mut sctl = [0u64; 3];
        let cmsg = sctl.as_mut_ptr() as *mut libc::cmsghdr;
        (*cmsg).cmsg_len = libc::CMSG_LEN(4) as usize;
        (*cmsg).cmsg_level = libc::IPPROTO_IP;
        (*cmsg).cmsg_type = libc::IP_TTL;
        *(libc::CMSG_DATA(cmsg) as *mut i32) = 7;
        let mut data = *b"pong";
        let mut siov = libc::iovec {
            iov_base: data.as_mut_ptr().cast(),
            iov_len: 4,
        };
        let mut smsg: libc::msghdr = std::mem::zeroed();
        smsg.msg_iov = &mut siov;
        smsg.msg_iovlen = 1;
        smsg.msg_control = sctl.as_mut_ptr().cast();
        smsg.msg_controllen = libc::CMSG_SPACE(4) as usize;
        libc::sendmsg(s, &smsg, 0);
        msg.msg_controllen = size_of_val(&control);
        libc::recvmsg(s, &mut msg, 0);
        libc::close(s);
    }
}

unsafe fn files(dir: &str) {
    unsafe {
        let (mut r, mut e, mut s) = (0, 0, 0);
        libc::getresuid(&mut r, &mut e, &mut s);
        libc::getresgid(&mut r, &mut e, &mut s);
        libc::prctl(libc::PR_GET_SECUREBITS);
        libc::prctl(libc::PR_GET_DUMPABLE);
        libc::prctl(libc::PR_SET_NAME, c("workload-files").as_ptr());
        let mut name = [0u8; 16];
        libc::prctl(libc::PR_GET_NAME, name.as_mut_ptr());
        let path = c(&format!("{dir}/data"));
        let fd = libc::open(
            path.as_ptr(),
            libc::O_RDWR | libc::O_CREAT | libc::O_TRUNC,
            0o100644,
        );
        libc::write(fd, b"0123456789abcdef".as_ptr().cast(), 16);
        let mut lock: libc::flock = std::mem::zeroed();
        lock.l_type = libc::F_WRLCK as i16;
        lock.l_whence = libc::SEEK_SET as i16;
        lock.l_len = 8;
        libc::fcntl(fd, libc::F_SETLK, &lock);
        lock.l_type = libc::F_RDLCK as i16;
        libc::fcntl(fd, libc::F_GETLK, &mut lock);
        lock.l_type = libc::F_UNLCK as i16;
        libc::fcntl(fd, libc::F_SETLKW, &lock);
        libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB);
        libc::flock(fd, libc::LOCK_UN);
        let times = [
            libc::timespec {
                tv_sec: 1_600_000_000,
                tv_nsec: 5,
            },
            libc::timespec {
                tv_sec: 0,
                tv_nsec: libc::UTIME_OMIT,
            },
        ];
        libc::utimensat(libc::AT_FDCWD, path.as_ptr(), times.as_ptr(), 0);
        libc::futimens(fd, null());
        let out = libc::open(c("/dev/null").as_ptr(), libc::O_WRONLY);
        let mut off: libc::off_t = 4;
        libc::sendfile(out, fd, &mut off, 6);
        libc::sendfile(out, fd, null_mut(), 6);
        let copy = libc::open(
            c(&format!("{dir}/copy")).as_ptr(),
            libc::O_WRONLY | libc::O_CREAT,
            0o600,
        );
        let mut in_off: libc::loff_t = 2;
        libc::copy_file_range(fd, &mut in_off, copy, null_mut(), 4, 0);
        libc::fallocate(fd, 0, 0, 4096);
        libc::ftruncate(fd, 100);
        let map = libc::mmap(
            null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        );
        libc::msync(map, 4096, libc::MS_SYNC);
        let grown = libc::mremap(map, 4096, 8192, libc::MREMAP_MAYMOVE);
        libc::munmap(grown, 8192);
        libc::fsync(fd);
        libc::fdatasync(fd);
        libc::mknodat(
            libc::AT_FDCWD,
            c(&format!("{dir}/fifo")).as_ptr(),
            libc::S_IFIFO | 0o600,
            0,
        );
        libc::mknodat(
            libc::AT_FDCWD,
            c(&format!("{dir}/plain")).as_ptr(),
            0o600,
            0,
        );
        libc::mkdirat(libc::AT_FDCWD, c(&format!("{dir}/sub")).as_ptr(), 0o750);
        libc::fchmod(copy, 0o4600);
        libc::symlinkat(
            path.as_ptr(),
            libc::AT_FDCWD,
            c(&format!("{dir}/link")).as_ptr(),
        );
        libc::renameat(
            libc::AT_FDCWD,
            c(&format!("{dir}/copy")).as_ptr(),
            libc::AT_FDCWD,
            c(&format!("{dir}/sub/copy")).as_ptr(),
        );
        libc::unlinkat(libc::AT_FDCWD, c(&format!("{dir}/plain")).as_ptr(), 0);
        libc::close(copy);
        libc::close(out);
        libc::close(fd);
    }
}

/// Strings and buffers that end where a mapping does, as strace's printstr tests place
/// them: with `-s 32`, strace reads 33 bytes (a NUL among them ends a string; none means
/// `...`), and one that cannot be read so far is printed as its address.
unsafe fn page_end() {
    unsafe {
        let (map, page) = guarded_page();
        let end = map.add(page);
        std::ptr::write_bytes(end.sub(33), b'x', 33);
        libc::write(-1, end.sub(33).cast(), 33);
        libc::write(-1, end.sub(32).cast(), 33);
        libc::syscall(libc::SYS_delete_module, end.sub(33), 0);
        libc::syscall(libc::SYS_delete_module, end.sub(32), 0);
        *end.sub(1) = 0;
        libc::syscall(libc::SYS_delete_module, end.sub(33), 0);
        // A memfd's name is read up to 250 bytes (the kernel takes 249), a thread's
        // name up to PR_SET_NAME's 15: each unterminated up to the page's end.
        std::ptr::write_bytes(end.sub(250), b'm', 250);
        libc::syscall(libc::SYS_memfd_create, end.sub(250), 0);
        libc::syscall(libc::SYS_memfd_create, end.sub(249), 0);
        std::ptr::write_bytes(end.sub(15), b'n', 15);
        let mut old = [0u8; 16];
        libc::prctl(libc::PR_GET_NAME, old.as_mut_ptr());
        libc::prctl(libc::PR_SET_NAME, end.sub(15));
        libc::prctl(libc::PR_SET_NAME, end.sub(14));
        libc::prctl(libc::PR_SET_NAME, old.as_ptr());
        libc::munmap(map.cast(), 2 * page);
    }
}

/// Structs and arrays that end a mapping: SIOCGIFCONF's `struct ifconf` (the kernel
/// writes its length), an execve argv and envp without their NULL (the exec fails), an
/// add_key payload one byte longer than the readable page.
unsafe fn page_end_structs() {
    unsafe {
        let (map, page) = guarded_page();
        let end = map.add(page);
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let ifc = end.sub(16);
        *(ifc as *mut i32) = 1;
        *(ifc.add(8) as *mut u64) = map as u64;
        libc::ioctl(fd, libc::SIOCGIFCONF, ifc);
        libc::close(fd);
        // (On the stack: the kernel programs cannot read a page not yet faulted in.)
        let (first, second) = (*b"first\0", *b"second\0");
        let strings = [first.as_ptr(), second.as_ptr()];
        std::ptr::copy_nonoverlapping(strings.as_ptr(), end.sub(16).cast(), 2);
        libc::execve(
            c"/nonexistent/tracer-test".as_ptr(),
            end.sub(16).cast(),
            end.sub(8).cast(),
        );
        std::ptr::write_bytes(map, b'k', page);
        libc::syscall(libc::SYS_add_key, 0, 0, map, page + 1, -1);
        libc::munmap(map.cast(), 2 * page);
    }
}

/// Memory that points at more memory, as strace follows it: `struct sock_fprog`'s
/// instructions (a UDP-only socket filter, then an allow-all seccomp filter) and
/// `clone_args`'s `set_tid` pids (refused: more pids than pid namespace levels; the
/// second array's last pid unreadable), and its `pidfd` and `parent_tid` (a child that
/// exits at once). Prints `set_tid PID...` per refused clone3 call, then `pidfd FD
/// parent_tid TID`.
unsafe fn filters() {
    const fn insn(code: u16, jt: u8, jf: u8, k: u32) -> libc::sock_filter {
        libc::sock_filter { code, jt, jf, k }
    }
    const BPF_B_ABS: u16 = 0x10 | 0x20;
    const BPF_JEQ_K: u16 = 0x05 | 0x10;
    const BPF_RET_K: u16 = 0x06;
    const SKF_AD_PROTOCOL: u32 = 0xffff_f000;
    const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
    const SO_GET_FILTER: libc::c_int = libc::SO_ATTACH_FILTER;
    unsafe {
        // The ethertype (unused), then the IP protocol byte (offset 9 of the network
        // header): UDP through, the rest dropped.
        let udp = [
            insn(BPF_B_ABS, 0, 0, SKF_AD_PROTOCOL),
            insn(BPF_B_ABS, 0, 0, 0xfff0_0000 + 9),
            insn(BPF_JEQ_K, 0, 1, libc::IPPROTO_UDP as u32),
            insn(BPF_RET_K, 0, 0, u32::MAX),
            insn(BPF_RET_K, 0, 0, 0),
        ];
        let prog = libc::sock_fprog {
            len: udp.len() as u16,
            filter: udp.as_ptr().cast_mut(),
        };
        let fprog_len = size_of::<libc::sock_fprog>() as libc::socklen_t;
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let prog_ptr = (&raw const prog).cast();
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            prog_ptr,
            fprog_len,
        );
        let mut back = [insn(0, 0, 0, 0); 8];
        let mut len = back.len() as libc::socklen_t;
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            SO_GET_FILTER,
            back.as_mut_ptr().cast(),
            &mut len,
        );
        libc::close(fd);

        let allow = [insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW)];
        let prog = libc::sock_fprog {
            len: allow.len() as u16,
            filter: allow.as_ptr().cast_mut(),
        };
        libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER,
            &raw const prog,
        );
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &raw const prog,
        );

        // `struct clone_args`: set_tid at word 8, set_tid_size at word 9.
        let clone3 = |set_tid: *const libc::pid_t, count: u64| {
            let mut args = [0u64; 11];
            args[8] = set_tid as u64;
            args[9] = count;
            libc::syscall(libc::SYS_clone3, args.as_ptr(), size_of_val(&args))
        };
        let pid = libc::getpid();
        let pids = [pid + 1000, pid + 2000, pid + 3000];
        println!("set_tid {} {} {}", pids[0], pids[1], pids[2]);
        clone3(pids.as_ptr(), 3);
        let (map, page) = guarded_page();
        let tail = map.add(page - 8) as *mut libc::pid_t;
        *tail = pids[0];
        *tail.add(1) = pids[1];
        println!("set_tid {} {}", pids[0], pids[1]);
        clone3(tail, 3);
        libc::munmap(map.cast(), 2 * page);

        // A child (a fork: no shared memory) with a pidfd and its tid written back.
        let (mut pidfd, mut tid): (libc::c_int, libc::pid_t) = (-1, 0);
        let mut args = [0u64; 11];
        args[0] = (libc::CLONE_PIDFD | libc::CLONE_PARENT_SETTID) as u64;
        args[1] = (&raw mut pidfd) as u64;
        args[3] = (&raw mut tid) as u64;
        args[4] = libc::SIGCHLD as u64;
        let child = libc::syscall(libc::SYS_clone3, args.as_ptr(), size_of_val(&args));
        if child == 0 {
            libc::_exit(0);
        }
        println!("pidfd {pidfd} parent_tid {tid}");
        libc::waitpid(child as libc::pid_t, null_mut(), 0);
        libc::close(pidfd);
    }
}

/// The kernel's key management: a key added to the thread keyring, described, read,
/// updated, searched for, given permissions and revoked; a session keyring joined; the
/// commands that take uids, an errno and the request-key default.
unsafe fn keyctl() {
    unsafe {
        const THREAD_KEYRING: libc::c_long = -1;
        let call = |args: [libc::c_long; 5]| {
            libc::syscall(
                libc::SYS_keyctl,
                args[0],
                args[1],
                args[2],
                args[3],
                args[4],
            )
        };
        call([0, THREAD_KEYRING, 1, 0, 0]);
        let key = libc::syscall(
            libc::SYS_add_key,
            c"user".as_ptr(),
            c"tracer-key".as_ptr(),
            c"secret".as_ptr(),
            6,
            THREAD_KEYRING,
        );
        let mut buf = [0xffu8; 256];
        let out = buf.as_mut_ptr() as libc::c_long;
        call([6, key, out, 256, 0]);
        call([11, key, out, 256, 0]);
        call([2, key, c"new secret".as_ptr() as libc::c_long, 10, 0]);
        call([5, key, 0x3f01_0000, 0, 0]);
        call([
            10,
            THREAD_KEYRING,
            c"user".as_ptr() as libc::c_long,
            c"tracer-key".as_ptr() as libc::c_long,
            0,
        ]);
        call([4, key, -1, -1, 0]);
        call([19, key, 10, libc::ENODEV as libc::c_long, -3]);
        call([14, -1, 0, 0, 0]);
        call([3, key, 0, 0, 0]);
        call([1, c"tracer-session".as_ptr() as libc::c_long, 0, 0, 0]);
    }
}

/// A netlink attribute: its header, then `payload` padded to 4 bytes.
fn nla(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut a = Vec::new();
    a.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
    a.extend_from_slice(&kind.to_ne_bytes());
    a.extend_from_slice(payload);
    a.resize(a.len().next_multiple_of(4), 0);
    a
}

/// Numbers 1, 2, 3... as `n` little integers of `width` bytes.
fn counters(n: usize, width: usize) -> Vec<u8> {
    (1..=n as u64)
        .flat_map(|v| v.to_ne_bytes()[..width].to_vec())
        .collect()
}

/// Route netlink messages strace decodes attribute by attribute, sent (the kernel
/// refuses some of them; what matters is how the call shows): a link's counters
/// (`IFLA_STATS`, `IFLA_STATS64`) and device map, a bridge port's and IPv6's
/// `IFLA_PROTINFO`, per-family `IFLA_AF_SPEC`, a virtual function's rate, and a stats
/// request's bridge STP counters; a generic netlink request to the family controller;
/// udev's header on a uevent socket; packet and SMC sockets' diagnostics; a socket
/// query's filter bytecode.
unsafe fn netlink_link() {
    unsafe {
        const RTM_GETLINK: u16 = 18;
        const RTM_GETSTATS: u16 = 94;
        const GENL_ID_CTRL: u16 = 0x10;
        const SOCK_DIAG_BY_FAMILY: u16 = 20;
        let (request, dump) = (libc::NLM_F_REQUEST as u16, libc::NLM_F_DUMP as u16);
        let fd = nl_socket(libc::NETLINK_ROUTE);
        let send = |kind: u16, header: &[u8], attrs: &[u8]| {
            send_bytes(fd, &nlmsg(kind, request, &[header, attrs].concat()));
        };
        // struct ifinfomsg of a family, for the loopback device.
        let ifinfo = |family: u8| {
            let mut h = vec![family, 0];
            h.extend_from_slice(&772u16.to_ne_bytes());
            h.extend_from_slice(&1i32.to_ne_bytes());
            h.extend_from_slice(&[0; 8]);
            h
        };
        let mut map = counters(3, 8);
        map.extend_from_slice(&[4, 0, 5, 6, 0, 0, 0, 0]);
        let attrs = [
            nla(7, &counters(24, 4)),
            nla(14, &map),
            nla(23, &counters(25, 8)),
        ]
        .concat();
        send(RTM_GETLINK, &ifinfo(0), &attrs);
        let bridge_id = [0x80, 0, 2, 0, 0, 0, 0, 1];
        let brport = [nla(13, &bridge_id), nla(3, &100u32.to_ne_bytes())].concat();
        send(RTM_GETLINK, &ifinfo(7), &nla(12, &brport));
        let inet6 = [
            nla(2, &counters(3, 4)),
            nla(8, &[1]),
            nla(6, &counters(2, 8)),
        ]
        .concat();
        send(RTM_GETLINK, &ifinfo(10), &nla(12, &inet6));
        let af_spec = [
            nla(10, &nla(1, &0x80000000u32.to_ne_bytes())),
            nla(2, &nla(1, &counters(2, 4))),
        ]
        .concat();
        send(RTM_GETLINK, &ifinfo(0), &nla(26, &af_spec));
        let vf = [nla(3, &counters(2, 4)), nla(4, &counters(2, 4))].concat();
        send(RTM_GETLINK, &ifinfo(0), &nla(22, &nla(1, &vf)));
        let mut stats_msg = vec![0u8; 4];
        stats_msg.extend_from_slice(&1i32.to_ne_bytes());
        stats_msg.extend_from_slice(&0x1fu32.to_ne_bytes());
        let stp = nla(2, &nla(1, &nla(4, &counters(6, 8))));
        send(
            RTM_GETSTATS,
            &stats_msg,
            &[stp, nla(1, &counters(23, 8))].concat(),
        );
        libc::close(fd);
        // A generic netlink request to the family controller, `nlctrl` by its name.
        let fd = nl_socket(libc::NETLINK_GENERIC);
        send_bytes(fd, &nlmsg(GENL_ID_CTRL, request, &[3, 1, 0, 0]));
        libc::close(fd);
        // udev's header on a uevent socket, then its properties.
        let fd = nl_socket(libc::NETLINK_KOBJECT_UEVENT);
        let mut msg = b"libudev\0".to_vec();
        msg.extend_from_slice(&0xfeed_cafeu32.to_be_bytes());
        for v in [40u32, 40, 13] {
            msg.extend_from_slice(&v.to_ne_bytes());
        }
        for v in [0xc370_b302u32, 0, 0x200_0400, 0x1080_0000] {
            msg.extend_from_slice(&v.to_be_bytes());
        }
        msg.extend_from_slice(b"ACTION=change");
        send_bytes(fd, &msg);
        libc::close(fd);
        // A packet socket's diagnostics as the kernel answers them (a dump's reply
        // shape): its receive ring and its filter.
        let fd = nl_socket(libc::NETLINK_SOCK_DIAG);
        let mut pdiag = vec![libc::AF_PACKET as u8, libc::SOCK_RAW as u8];
        pdiag.extend_from_slice(&[0; 14]);
        let filter = [0x06u8, 0, 0, 0, 0xff, 0xff, 0, 0];
        let attrs = [nla(2, &counters(7, 4)), nla(7, &filter)].concat();
        send_bytes(
            fd,
            &nlmsg(SOCK_DIAG_BY_FAMILY, dump, &[pdiag, attrs].concat()),
        );
        // An SMC socket's diagnostics as the kernel answers them: its fallback reasons
        // and its SMC-D buffer.
        let mut smc = vec![43u8, 1, 0, 0];
        smc.extend_from_slice(&[0; 60]);
        let fallback = [0x0306_0000u32.to_ne_bytes(), 0u32.to_ne_bytes()].concat();
        let mut dmbinfo = 7u32.to_ne_bytes().to_vec();
        dmbinfo.extend_from_slice(&[0; 4]);
        dmbinfo.extend_from_slice(&counters(4, 8));
        let attrs = [nla(5, &fallback), nla(4, &dmbinfo)].concat();
        send_bytes(
            fd,
            &nlmsg(SOCK_DIAG_BY_FAMILY, dump, &[smc, attrs].concat()),
        );
        // A TCP socket query whose filter bytecode matches a source address and port.
        let mut req = vec![libc::AF_INET as u8, libc::IPPROTO_TCP as u8, 0, 0];
        req.extend_from_slice(&u32::MAX.to_ne_bytes());
        req.extend_from_slice(&[0; 48]);
        let mut bytecode = vec![7u8, 16, 20, 0, libc::AF_INET as u8, 8, 0, 0];
        bytecode.extend_from_slice(&80i32.to_ne_bytes());
        bytecode.extend_from_slice(&[127, 0, 0, 1]);
        let attrs = nla(1, &bytecode);
        send_bytes(
            fd,
            &nlmsg(SOCK_DIAG_BY_FAMILY, request, &[req, attrs].concat()),
        );
        // A TCP socket's diagnostics as the kernel answers them: its shutdown, socket
        // options, TLS state, a BPF storage and its memory counters.
        let mut msg = vec![libc::AF_INET as u8, 10, 0, 0];
        msg.extend_from_slice(&[0; 68]);
        let tls = [
            nla(1, &0x304u16.to_ne_bytes()),
            nla(2, &52u16.to_ne_bytes()),
        ]
        .concat();
        let storage = [
            nla(2, &7u32.to_ne_bytes()),
            nla(3, &0xbeefu16.to_ne_bytes()),
        ]
        .concat();
        let attrs = [
            nla(8, &[3]),
            nla(22, &[0x41, 0x04]),
            nla(19, &[nla(1, b"tls\0"), nla(2, &tls)].concat()),
            nla(20, &nla(1, &storage)),
            nla(7, &counters(10, 4)),
        ]
        .concat();
        send_bytes(
            fd,
            &nlmsg(SOCK_DIAG_BY_FAMILY, dump, &[msg, attrs].concat()),
        );
        libc::close(fd);
    }
}

/// A netlink socket of `protocol`, bound first, as strace's tests do: strace finds an
/// unbound socket's protocol only once the kernel has bound it.
unsafe fn nl_socket(protocol: i32) -> i32 {
    unsafe {
        let fd = libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, protocol);
        let mut addr: libc::sockaddr_nl = std::mem::zeroed();
        addr.nl_family = libc::AF_NETLINK as u16;
        libc::bind(
            fd,
            (&raw const addr).cast(),
            size_of::<libc::sockaddr_nl>() as u32,
        );
        fd
    }
}

/// A netlink message: its `nlmsghdr` (sequence and port id 0) and `body`.
fn nlmsg(kind: u16, flags: u16, body: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(16 + body.len());
    msg.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
    msg.extend_from_slice(&kind.to_ne_bytes());
    msg.extend_from_slice(&flags.to_ne_bytes());
    msg.extend_from_slice(&[0; 8]);
    msg.extend_from_slice(body);
    msg
}

/// `sendto(fd, msg, len, MSG_DONTWAIT, NULL, 0)`.
unsafe fn send_bytes(fd: i32, msg: &[u8]) {
    unsafe {
        libc::sendto(
            fd,
            msg.as_ptr().cast(),
            msg.len(),
            libc::MSG_DONTWAIT,
            null(),
            0,
        );
    }
}

/// A readable page followed by an unreadable one (memory that ends where a mapping
/// does): the mapping and the page size; `munmap(map, 2 * page)` ends it.
unsafe fn guarded_page() -> (*mut u8, usize) {
    unsafe {
        let page = libc::sysconf(libc::_SC_PAGESIZE) as usize;
        let map = libc::mmap(
            null_mut(),
            2 * page,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        ) as *mut u8;
        libc::mprotect(map.add(page).cast(), page, libc::PROT_NONE);
        (map, page)
    }
}

/// A child made with `CLONE_PARENT` (the parent's parent's child: the tracer's, for a
/// launched command), waited for until it is gone, as strace's clone_parent.c does:
/// exits 0 once its parent reaped it, 1 if no one does within 10 s.
unsafe fn clone_parent() {
    unsafe {
        let flags = (libc::CLONE_PARENT | libc::SIGCHLD) as libc::c_long;
        // Without CLONE_VM the child runs on a copy of this stack, as after a fork.
        let pid = libc::syscall(libc::SYS_clone, flags, 0, 0, 0, 0);
        if pid == 0 {
            libc::_exit(42);
        }
        for _ in 0..2000 {
            if libc::kill(pid as libc::pid_t, 0) != 0 {
                libc::_exit(0);
            }
            libc::usleep(5000);
        }
        libc::_exit(1);
    }
}

/// Serves lines from stdin until it closes: each opens, reads and closes a file and
/// answers `done`.
unsafe fn attach_loop() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    for line in stdin.lock().lines() {
        if line.is_err() {
            break;
        }
        // SAFETY: plain syscalls on a buffer and descriptor owned here.
        unsafe {
            let fd = libc::open(c("/etc/hostname").as_ptr(), libc::O_RDONLY);
            let mut buf = [0u8; 64];
            libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
            libc::close(fd);
        }
        let _ = writeln!(out, "done");
        let _ = out.flush();
    }
}

/// A thread blocks on a mutex the main thread holds, and the main thread waits for it
/// to finish: neither ever returns.
unsafe fn stuck_futex() {
    use std::sync::{Arc, Mutex};
    let lock = Arc::new(Mutex::new(()));
    let held = lock.lock().expect("lock");
    let other = Arc::clone(&lock);
    let (tid_tx, tid_rx) = std::sync::mpsc::channel();
    let t = std::thread::spawn(move || {
        // SAFETY: gettid(2) has no arguments.
        let _ = tid_tx.send(unsafe { libc::gettid() });
        let _g = other.lock();
    });
    // Ready once the thread waits in futex (a loaded host may take long to get it
    // there): an attach before would show its start instead.
    let tid = tid_rx.recv().expect("the thread's id");
    let in_futex = || {
        std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall"))
            .is_ok_and(|s| s.split_whitespace().next() == Some(&libc::SYS_futex.to_string()))
    };
    for _ in 0..2000 {
        if in_futex() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    println!("ready");
    let _ = std::io::stdout().flush();
    let _ = t.join();
    drop(held);
}

/// `ptrace` requests whose arguments print by request: on itself, where they fail; on a
/// child stopped after `PTRACE_TRACEME`, the syscall info of its signal stop. Extended
/// attributes set (a value ending in a NUL, one past `XATTR_SIZE_MAX`) and listed.
unsafe fn ptrace_xattr(dir: &str) {
    unsafe {
        let pid = libc::getpid() as libc::c_long;
        let pt = |req: libc::c_long, pid: libc::c_long, addr: libc::c_long, data: libc::c_long| {
            libc::syscall(libc::SYS_ptrace, req, pid, addr, data)
        };
        let mut set = 1u64 << (libc::SIGUSR1 - 1);
        let set_addr = &mut set as *mut u64 as libc::c_long;
        pt(libc::PTRACE_ATTACH as _, pid, 0, 0);
        pt(libc::PTRACE_SETSIGMASK as _, pid, 8, set_addr);
        pt(libc::PTRACE_GETSIGMASK as _, pid, 8, set_addr);
        pt(libc::PTRACE_CONT as _, pid, 0, libc::SIGUSR1 as _);
        pt(
            libc::PTRACE_SEIZE as _,
            pid,
            0,
            libc::PTRACE_O_TRACESYSGOOD as _,
        );
        pt(0x420e, pid, 0, 0);
        let child = libc::fork();
        if child == 0 {
            pt(libc::PTRACE_TRACEME as _, 0, 0, 0);
            libc::raise(libc::SIGSTOP);
            libc::_exit(0);
        }
        let mut status = 0;
        libc::waitpid(child, &mut status, 0);
        let mut info = [0u8; 88];
        let info_addr = info.as_mut_ptr() as libc::c_long;
        // The op and the architecture only, then the whole of it (addresses vary).
        pt(0x420e, child as _, 8, info_addr);
        pt(libc::PTRACE_CONT as _, child as _, 0, 0);
        libc::waitpid(child, &mut status, 0);
        let value = b"foo\0bar\0";
        libc::fsetxattr(
            -1,
            c"user.tracer".as_ptr(),
            value.as_ptr().cast(),
            8,
            libc::XATTR_REPLACE,
        );
        libc::fsetxattr(-1, c"user.tracer".as_ptr(), value.as_ptr().cast(), 65537, 0);
        let path = c(dir);
        let mut list = [0u8; 256];
        libc::listxattr(path.as_ptr(), list.as_mut_ptr().cast(), 0);
    }
}

/// Socket and KVM ioctls with real answers: the loopback interface's index, name, flags,
/// MTU, hardware and IPv4 addresses; a bridge name and a new MTU refused (no such
/// descriptor); with /dev/kvm, a VM, its memory slot, a vCPU and its registers.
unsafe fn ioctl_sock_kvm() {
    unsafe {
        let s = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let mut ifr = [0u8; 40];
        ifr[..3].copy_from_slice(b"lo\0");
        let req = |r: u64, ifr: &mut [u8; 40]| libc::ioctl(s, r, ifr.as_mut_ptr());
        req(0x8933, &mut ifr); // SIOCGIFINDEX
        req(0x8910, &mut ifr); // SIOCGIFNAME
        for r in [0x8913, 0x8921, 0x8927, 0x8915] {
            // SIOCGIFFLAGS, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFADDR
            req(r, &mut ifr);
        }
        let mut owner = 0i32;
        libc::ioctl(s, 0x8903, &mut owner); // FIOGETOWN
        libc::ioctl(-1, 0x89a0, c"tracer-br".as_ptr()); // SIOCBRADDBR
        ifr[16..20].copy_from_slice(&1400i32.to_ne_bytes());
        libc::ioctl(-1, 0x8922, ifr.as_mut_ptr()); // SIOCSIFMTU
        libc::close(s);

        let kvm = libc::open(c"/dev/kvm".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
        if kvm < 0 {
            return;
        }
        libc::ioctl(kvm, 0xae00, 0); // KVM_GET_API_VERSION
        libc::ioctl(kvm, 0xae03, 3); // KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY
        let (vm, _) = kvm_vm_with_page(kvm);
        let vcpu = libc::ioctl(vm, 0xae41, 0); // KVM_CREATE_VCPU
        let mut sregs = [0u8; 312];
        libc::ioctl(vcpu, 0x8138_ae83, sregs.as_mut_ptr()); // KVM_GET_SREGS
        let mut regs = [0u64; 18];
        libc::ioctl(vcpu, 0x8090_ae81, regs.as_mut_ptr()); // KVM_GET_REGS
        let mut cpuid = [0u32; 2];
        libc::ioctl(vcpu, 0x4008_ae90, cpuid.as_mut_ptr()); // KVM_SET_CPUID2, no entries
    }
}

/// Block, perf, UBI and TEE requests on no descriptor: each argument as the kernel would
/// read it, refused with EBADF.
unsafe fn ioctl_block_perf_ubi_tee() {
    unsafe {
        let v = 12345i32;
        libc::ioctl(-1, 0x125d, &v); // BLKROSET
        let range: [u64; 2] = [4096, 8192];
        libc::ioctl(-1, 0x1277, range.as_ptr()); // BLKDISCARD
        libc::ioctl(-1, 0x1262, 256); // BLKRASET
        libc::ioctl(-1, 0x125f, 0); // BLKRRPART
        // op BLKPG_DEL_PARTITION, flags, datalen, data: NULL
        let blkpg: [i32; 6] = [2, 0, 0, 0, 0, 0];
        libc::ioctl(-1, 0x1269, blkpg.as_ptr()); // BLKPG
        libc::ioctl(-1, 0x2400, 1); // PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP
        libc::ioctl(-1, 0x2402, -3); // PERF_EVENT_IOC_REFRESH
        let period = 100_000u64;
        libc::ioctl(-1, 0x4008_2404, &period); // PERF_EVENT_IOC_PERIOD
        libc::ioctl(-1, 0x4004_6f41, &v); // UBI_IOCDET
        let mut mkvol = [0u8; 152];
        mkvol[..4].copy_from_slice(&7i32.to_ne_bytes());
        mkvol[8..16].copy_from_slice(&(1u64 << 20).to_ne_bytes());
        mkvol[16] = 3; // UBI_DYNAMIC_VOLUME
        mkvol[18..20].copy_from_slice(&4i16.to_ne_bytes());
        mkvol[24..29].copy_from_slice(b"data\0");
        libc::ioctl(-1, 0x4098_6f00, mkvol.as_ptr()); // UBI_IOCMKVOL
        let cancel: [u32; 2] = [7, 0x1234];
        libc::ioctl(-1, 0x8008_a404, cancel.as_ptr()); // TEE_IOC_CANCEL
        let shm: [u64; 2] = [4096, 1]; // size, flags TEE_IOCTL_SHM_MAPPED
        libc::ioctl(-1, 0xc010_a401, shm.as_ptr()); // TEE_IOC_SHM_ALLOC
        let buf: [u64; 2] = [0, 0]; // buf_ptr NULL, buf_len 0
        libc::ioctl(-1, 0x8010_a403, buf.as_ptr()); // TEE_IOC_INVOKE
    }
}

/// Video4Linux2 requests on no descriptor: each struct as the kernel would read it,
/// refused with EBADF.
unsafe fn ioctl_v4l2() {
    unsafe {
        libc::ioctl(-1, 0x8068_5600, 0); // VIDIOC_QUERYCAP
        let mut fmtdesc = [0u32; 16];
        fmtdesc[1] = 1; // V4L2_BUF_TYPE_VIDEO_CAPTURE
        libc::ioctl(-1, 0xc040_5602, fmtdesc.as_mut_ptr()); // VIDIOC_ENUM_FMT
        let mut format = [0u32; 52];
        format[0] = 2; // V4L2_BUF_TYPE_VIDEO_OUTPUT
        // width, height, pixelformat (YUYV), field (NONE), ..., colorspace (SRGB)
        format[2..9].copy_from_slice(&[640, 480, 0x5659_5559, 1, 1280, 614_400, 8]);
        libc::ioctl(-1, 0xc0d0_5605, format.as_mut_ptr()); // VIDIOC_S_FMT
        let mut ctrl = [0x0098_0900u32, 5]; // V4L2_CID_BRIGHTNESS
        libc::ioctl(-1, 0xc008_561c, ctrl.as_mut_ptr()); // VIDIOC_S_CTRL
        let mut query = [0u32; 17];
        query[0] = 0x8000_0000 | 0x0098_0901; // NEXT_CTRL | V4L2_CID_CONTRAST
        libc::ioctl(-1, 0xc044_5624, query.as_mut_ptr()); // VIDIOC_QUERYCTRL
        let kind = 1u32;
        libc::ioctl(-1, 0x4004_5612, &kind); // VIDIOC_STREAMON
        let mut reqbufs = [4u32, 1, 1, 0, 0]; // count, type, memory (MMAP)
        libc::ioctl(-1, 0xc014_5608, reqbufs.as_mut_ptr()); // VIDIOC_REQBUFS
        let mut parm = [0u32; 51];
        // V4L2_BUF_TYPE_VIDEO_CAPTURE: TIMEPERFRAME, HIGHQUALITY, 1/30, 0, 2 buffers
        parm[..7].copy_from_slice(&[1, 0x1000, 1, 1, 30, 0, 2]);
        libc::ioctl(-1, 0xc0cc_5616, parm.as_mut_ptr()); // VIDIOC_S_PARM
        let mut sizes = [0u32; 11];
        sizes[1] = 0x4745_504a; // V4L2_PIX_FMT_JPEG
        libc::ioctl(-1, 0xc02c_564a, sizes.as_mut_ptr()); // VIDIOC_ENUM_FRAMESIZES
        let mut ext = [0u32; 8];
        ext[0] = 0x0098_0000; // V4L2_CTRL_CLASS_USER, no controls
        libc::ioctl(-1, 0xc020_5648, ext.as_mut_ptr()); // VIDIOC_S_EXT_CTRLS
        let mut create = [0u32; 64];
        // count, memory (MMAP), format: V4L2_BUF_TYPE_META_CAPTURE, VIVD, 4096
        create[1..3].copy_from_slice(&[2, 1]);
        create[4] = 13;
        create[6..8].copy_from_slice(&[0x4456_4956, 4096]);
        libc::ioctl(-1, 0xc100_565c, create.as_mut_ptr()); // VIDIOC_CREATE_BUFS
        let mut crop = [1u32, 0, 0, 640, 480];
        libc::ioctl(-1, 0x4014_563c, crop.as_mut_ptr()); // VIDIOC_S_CROP
    }
}

/// Console requests on no descriptor: tones, LEDs, modes, a function key's string, a
/// key code, the repeat rate, refused with EBADF.
unsafe fn ioctl_kd() {
    unsafe {
        libc::ioctl(-1, 0x4b2f, 440); // KIOCSOUND
        libc::ioctl(-1, 0x4b30, (100 << 16) | 1193); // KDMKTONE
        libc::ioctl(-1, 0x4b32, 0x3); // KDSETLED, LED_SCR|LED_NUM
        libc::ioctl(-1, 0x4b3a, 1); // KDSETMODE, KD_GRAPHICS
        libc::ioctl(-1, 0x4b45, 3); // KDSKBMODE, K_UNICODE
        let mut sentry = [0u8; 513];
        sentry[0] = 1; // K_F2
        sentry[1..5].copy_from_slice(b"\x1b[[B");
        libc::ioctl(-1, 0x4b49, sentry.as_ptr()); // KDSKBSENT
        let entry: [u8; 4] = [1, 30, 0x41, 0x0b]; // K_SHIFTTAB, index 30, 'A' (KT_LETTER)
        libc::ioctl(-1, 0x4b47, entry.as_ptr()); // KDSKBENT
        let keycode: [u32; 2] = [0x1e, 0x30];
        libc::ioctl(-1, 0x4b4d, keycode.as_ptr()); // KDSETKEYCODE
        let repeat: [i32; 2] = [250, 33];
        libc::ioctl(-1, 0x4b52, repeat.as_ptr()); // KDKBDREP
        libc::ioctl(-1, 0x4b4e, libc::SIGUSR1); // KDSIGACCEPT
    }
}

/// Requests whose structs point at more memory strace prints (a video overlay's
/// clips, extended controls and a control's string, a console's Unicode map, font
/// and Unicode accent table, a TEE invocation's arguments, a perf event's filter, a
/// btrfs snapshot's quota groups and its 4096-byte struct, a SCSI command), on no
/// descriptor, refused with EBADF.
unsafe fn ioctl_pointers() {
    unsafe {
        let ptr = |p: *const u8| p as u64;
        // Two clips: a rectangle and a next pointer each.
        let clips: [[i32; 6]; 2] = [[1, 2, 30, 40, 0, 0], [-5, 6, 70, 80, 0, 0]];
        let mut fmt = [0u8; 208];
        fmt[0..4].copy_from_slice(&8u32.to_le_bytes()); // V4L2_BUF_TYPE_VIDEO_OUTPUT_OVERLAY
        fmt[28..32].copy_from_slice(&0xff00u32.to_le_bytes()); // chromakey
        fmt[32..40].copy_from_slice(&ptr(clips.as_ptr().cast()).to_le_bytes());
        fmt[40..44].copy_from_slice(&2u32.to_le_bytes());
        libc::ioctl(-1, 0xc0d0_5605, fmt.as_ptr()); // VIDIOC_S_FMT
        // Two controls (packed, 20 bytes each): a value, then a string.
        let text = *b"abc";
        let mut controls = [0u8; 40];
        controls[0..4].copy_from_slice(&0x0098_0900u32.to_le_bytes()); // V4L2_CID_BRIGHTNESS
        controls[12..20].copy_from_slice(&42u64.to_le_bytes());
        controls[20..24].copy_from_slice(&0x0098_0901u32.to_le_bytes()); // V4L2_CID_CONTRAST
        controls[24..28].copy_from_slice(&3u32.to_le_bytes());
        controls[32..40].copy_from_slice(&ptr(text.as_ptr()).to_le_bytes());
        let mut ext = [0u8; 32];
        ext[0..4].copy_from_slice(&0x0099_0000u32.to_le_bytes()); // V4L2_CTRL_CLASS_CODEC
        ext[4..8].copy_from_slice(&2u32.to_le_bytes());
        ext[24..32].copy_from_slice(&ptr(controls.as_ptr()).to_le_bytes());
        libc::ioctl(-1, 0xc020_5648, ext.as_ptr()); // VIDIOC_S_EXT_CTRLS
        // PIO_UNIMAP: two (unicode, font position) pairs.
        let pairs: [u16; 4] = [0x41, 0x41, 0x263a, 1];
        let mut unimap = [0u64; 2];
        unimap[0] = 2;
        unimap[1] = ptr(pairs.as_ptr().cast());
        libc::ioctl(-1, 0x4b67, unimap.as_ptr());
        // KDFONTOP, KD_FONT_OP_SET: one 8x16 glyph (32 bytes).
        let glyph: [u8; 32] = std::array::from_fn(|n| n as u8);
        let mut op = [0u32; 8];
        op[2] = 8; // width
        op[3] = 16; // height
        op[4] = 1; // charcount
        let data = ptr(glyph.as_ptr());
        op[6] = data as u32;
        op[7] = (data >> 32) as u32;
        libc::ioctl(-1, 0x4b72, op.as_ptr());
        // KDSKBDIACRUC: 3076 bytes, two accents used.
        let mut diacrs = vec![0u32; 1 + 256 * 3];
        diacrs[0] = 2;
        diacrs[1..7].copy_from_slice(&[0x60, 0x61, 0xe0, 0xb4, 0x65, 0xe9]);
        libc::ioctl(-1, 0x4bfb, diacrs.as_ptr());
        // TEE_IOC_INVOKE: the invocation (func, session, cancel_id, ret, ret_origin,
        // num_params) and one parameter (TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT).
        let mut invoke = [0u64; 7];
        invoke[0] = 7 | (0x1234 << 32);
        invoke[1] = 5;
        invoke[2] = 1 << 32;
        invoke[3..7].copy_from_slice(&[1, 0x11, 0x22, 0x33]);
        let buf = [ptr(invoke.as_ptr().cast()), 56];
        libc::ioctl(-1, 0x8010_a403, buf.as_ptr());
        libc::ioctl(-1, 0x4008_2406, c"cpu == 1".as_ptr()); // PERF_EVENT_IOC_SET_FILTER
        // BTRFS_IOC_SNAP_CREATE_V2 inheriting one quota group (4096 bytes, the name
        // at 56); BTRFS_IOC_TREE_SEARCH_V2 over the default subvolume's tree.
        let inherit: [u64; 10] = [0, 1, 0, 0, 0, 0, 0, 0, 0, 5];
        let mut vol = vec![0u8; 4096];
        vol[16..24].copy_from_slice(&4u64.to_le_bytes()); // BTRFS_SUBVOL_QGROUP_INHERIT
        vol[24..32].copy_from_slice(&80u64.to_le_bytes());
        vol[32..40].copy_from_slice(&ptr(inherit.as_ptr().cast()).to_le_bytes());
        vol[56..61].copy_from_slice(b"snap\0");
        libc::ioctl(-1, 0x5000_9417, vol.as_ptr());
        let mut search = vec![0u64; (112 + 4096) / 8];
        search[0] = 5; // BTRFS_FS_TREE_OBJECTID
        search[1] = 256;
        search[2] = u64::MAX;
        search[4] = u64::MAX;
        search[6] = u64::MAX;
        search[7] = 0xffff_ffff_0000_0000; // min_type 0, max_type UINT32_MAX
        search[8] = 10; // nr_items
        search[13] = 4096; // buf_size
        libc::ioctl(-1, 0xc070_9411, search.as_ptr());
        // SG_IO, v3: an INQUIRY command, no data.
        let cmd: [u8; 6] = [0x12, 0, 0, 0, 36, 0];
        let mut hdr = [0u8; 88];
        hdr[0..4].copy_from_slice(&i32::from(b'S').to_le_bytes());
        hdr[4..8].copy_from_slice(&(-1i32).to_le_bytes()); // SG_DXFER_NONE
        hdr[8] = 6; // cmd_len
        hdr[24..32].copy_from_slice(&ptr(cmd.as_ptr()).to_le_bytes());
        hdr[40..44].copy_from_slice(&1000u32.to_le_bytes()); // timeout
        libc::ioctl(-1, 0x2285, hdr.as_ptr());
    }
}

/// Btrfs requests on no descriptor, refused with EBADF.
unsafe fn ioctl_btrfs() {
    unsafe {
        libc::ioctl(-1, 0x9408, 0); // BTRFS_IOC_SYNC
        libc::ioctl(-1, 0x4004_9421, 1); // BTRFS_IOC_BALANCE_CTL, PAUSE
        let id = 256u64;
        libc::ioctl(-1, 0x4008_9413, &id); // BTRFS_IOC_DEFAULT_SUBVOL
        let flags = 2u64; // BTRFS_SUBVOL_RDONLY
        libc::ioctl(-1, 0x4008_941a, &flags); // BTRFS_IOC_SUBVOL_SETFLAGS
        let mut vol = [0u8; 4096];
        vol[8..13].copy_from_slice(b"snap\0");
        libc::ioctl(-1, 0x5000_9401, vol.as_ptr()); // BTRFS_IOC_SNAP_CREATE
        // A name to the struct's end: strace prints it whole, past one kernel capture.
        let mut long = [b'f'; 4096];
        long[..8].fill(0);
        long[4095] = 0;
        libc::ioctl(-1, 0x5000_940e, long.as_ptr()); // BTRFS_IOC_SUBVOL_CREATE
        // start, len (UINT64_MAX), flags (COMPRESS), extent_thresh, compress_type (ZLIB)
        let mut defrag = [0u64; 6];
        defrag[1] = u64::MAX;
        defrag[2] = 1;
        defrag[3] = (1 << 32) | 131_072;
        libc::ioctl(-1, 0x4030_9410, defrag.as_ptr()); // BTRFS_IOC_DEFRAG_RANGE
        let quota = [1u64, 0]; // BTRFS_QUOTA_CTL_ENABLE
        libc::ioctl(-1, 0xc010_9428, quota.as_ptr()); // BTRFS_IOC_QUOTA_CTL
        libc::ioctl(-1, 0x8400_941f, 0); // BTRFS_IOC_FS_INFO
    }
}

/// capget and capset (strace's suite: caps.c): version 3's two words, version 1's one,
/// an unknown version, a failed capget's sets (not read).
unsafe fn capabilities() {
    unsafe {
        let mut header = [0x2008_0522u32, 0]; // _LINUX_CAPABILITY_VERSION_3, this process
        let mut data = [0u32; 6];
        libc::syscall(libc::SYS_capget, header.as_mut_ptr(), data.as_mut_ptr());
        // The sets it has: setting them succeeds.
        libc::syscall(libc::SYS_capset, header.as_ptr(), data.as_ptr());
        header[0] = 0x1998_0330; // _LINUX_CAPABILITY_VERSION_1
        libc::syscall(libc::SYS_capset, header.as_ptr(), data.as_ptr());
        header = [0xbadc_0ded, 0];
        libc::syscall(libc::SYS_capset, header.as_ptr(), data.as_ptr());
        libc::syscall(libc::SYS_capget, header.as_mut_ptr(), data.as_mut_ptr());
    }
}

/// Calls whose arguments are structs strace decodes (strace's suite: xselect.c,
/// pselect6.c, getdents64-v.c, io_uring_setup.c, group_req.c, perf_event_open.c,
/// ioctl_dm.c, bpf-obj_get_info_by_fd.c), with deterministic results.
unsafe fn struct_args(dir: &str) {
    unsafe {
        let mut fds = [0; 2];
        libc::pipe(fds.as_mut_ptr());
        libc::write(fds[1], b"x".as_ptr().cast(), 1);
        // One set for all three (the kernel writes the last back: `1 ()`), its count
        // with garbage in the register's high half.
        let mut set = (1u64 << fds[0]) | (1u64 << fds[1]);
        let set_ptr = &mut set as *mut u64;
        let nfds = 0xffff_ffff_0000_0000u64 as libc::c_long | (fds[1] + 1) as libc::c_long;
        libc::syscall(libc::SYS_select, nfds, set_ptr, set_ptr, set_ptr, 0);
        let mask = 1u64 << (libc::SIGHUP - 1);
        let sig = [&mask as *const u64 as u64, 8];
        let mut set = 1u64 << fds[0];
        let ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 1000,
        };
        libc::syscall(
            libc::SYS_pselect6,
            fds[0] + 1,
            &mut set as *mut u64,
            0,
            0,
            &ts as *const libc::timespec,
            sig.as_ptr(),
        );
        libc::syscall(libc::SYS_pselect6, -1, 0, 0, 0, 0, 0);
        // A directory of one entry, listed under -v.
        let sub = format!("{dir}/tracer-dents-{}", libc::getpid());
        let sub_c = c(&sub);
        libc::mkdir(sub_c.as_ptr(), 0o700);
        let fd = libc::open(sub_c.as_ptr(), libc::O_RDONLY | libc::O_DIRECTORY);
        let mut buf = [0u8; 4096];
        libc::syscall(libc::SYS_getdents64, fd, buf.as_mut_ptr(), buf.len());
        libc::close(fd);
        libc::rmdir(sub_c.as_ptr());
        // A ring, then one that asks for a work queue of a descriptor that is none.
        let mut params = [0u32; 30];
        let ring = libc::syscall(libc::SYS_io_uring_setup, 2, params.as_mut_ptr());
        let mut params = [0u32; 30];
        params[2] = 1 << 5;
        params[6] = 0xbad;
        libc::syscall(libc::SYS_io_uring_setup, 2, params.as_mut_ptr());
        if ring >= 0 {
            libc::close(ring as i32);
        }
        // A multicast group on loopback, joined and left.
        let sock = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let mut req = [0u8; 136];
        req[..4].copy_from_slice(&libc::if_nametoindex(c"lo".as_ptr()).to_ne_bytes());
        req[8..10].copy_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        req[12..16].copy_from_slice(&[224, 0, 0, 3]);
        for name in [42, 45] {
            libc::setsockopt(sock, libc::SOL_IP, name, req.as_ptr().cast(), 136);
        }
        libc::close(sock);
        // A hardware event the kernel refuses (an unknown sample type bit).
        let mut attr = [0u64; 16];
        attr[0] = 128 << 32;
        attr[1] = 9;
        attr[3] = 1 << 60;
        attr[5] = 1 << 5 | 1 << 15;
        libc::syscall(libc::SYS_perf_event_open, attr.as_ptr(), 0, -1, -1, 0);
        // Device mapper and bpf requests on descriptors that are none.
        let mut dm = [0u32; 78];
        dm[..5].copy_from_slice(&[4, 1, 2, 312, 312]);
        libc::ioctl(-1, 0xc138_fd00u32 as _, dm.as_mut_ptr());
        let info = [u32::MAX, 16, 0, 0];
        libc::syscall(libc::SYS_bpf, 15, info.as_ptr(), 16);
        // An AIO context: a request it never had cancelled, no events in no time.
        let mut ctx: u64 = 0;
        if libc::syscall(libc::SYS_io_setup, 4, &mut ctx as *mut u64) == 0 {
            let mut iocb = [0u64; 8];
            iocb[0] = 0xfeed_face;
            iocb[2] = 99 << 16;
            let mut event = [0u64; 4];
            libc::syscall(libc::SYS_io_cancel, ctx, iocb.as_ptr(), event.as_mut_ptr());
            let zero = libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            libc::syscall(libc::SYS_io_getevents, ctx, 0, 1, event.as_mut_ptr(), &zero);
            libc::syscall(libc::SYS_io_destroy, ctx);
        }
    }
}

/// `connect` on no socket with an address of each family strace decodes field by field
/// beyond the common ones: the kernel refuses the descriptor before reading it.
unsafe fn sockaddrs() {
    let connect = |family: u16, rest: &[u8]| {
        let mut addr = family.to_ne_bytes().to_vec();
        addr.extend_from_slice(rest);
        // SAFETY: the address is `addr.len()` bytes the call only reads.
        unsafe { libc::connect(-1, addr.as_ptr().cast(), addr.len() as libc::socklen_t) };
    };
    let ne16 = |v: u16| v.to_ne_bytes();
    let ne32 = |v: u32| v.to_ne_bytes();
    // AF_AX25: "VALID-13" with no digipeaters, then with two of the eight it counts.
    let call: Vec<u8> = b"VALID ".iter().map(|c| c << 1).chain([13 << 1]).collect();
    let mut ax25 = [call.as_slice(), &[0; 3], &ne32(0)].concat();
    connect(3, &ax25);
    ax25[10..14].copy_from_slice(&ne32(8));
    ax25.extend(b"OK    ".iter().map(|c| c << 1).chain([15 << 1]));
    ax25.extend([0x40; 6].iter().chain(&[0]));
    connect(3, &ax25);
    // AF_IPX, AF_X25.
    connect(
        4,
        &[
            &[0x30, 0x39][..],
            &[0xfa, 0xce, 0xfe, 0xed],
            b"ABCDEF",
            &[0xff, 0],
        ]
        .concat(),
    );
    connect(9, b"0123456789\0bcdef");
    // AF_RXRPC over AF_INET.
    let mut rx = [
        &ne16(2500)[..],
        &ne16(2),
        &ne16(16),
        &ne16(2),
        &[0x1f, 0x90],
        &[127, 0, 0, 1],
    ]
    .concat();
    rx.resize(34, 0);
    connect(33, &rx);
    // AF_IEEE802154: a short address, then a long one.
    let mut ieee = [&[0, 0][..], &ne32(2), &ne16(0xffff), &ne16(0xfffe)].concat();
    ieee.resize(18, 0);
    connect(36, &ieee);
    ieee[2..6].copy_from_slice(&ne32(3));
    ieee[8..16].copy_from_slice(b"Oh Hai!\0");
    connect(36, &ieee);
    // AF_ALG.
    let mut alg = b"hash".to_vec();
    alg.resize(14, 0);
    alg.extend(ne32(0x1000).iter().chain(&ne32(0)));
    alg.extend(b"sha256\0");
    alg.resize(86, 0);
    connect(38, &alg);
    // AF_NFC, a plain address.
    connect(39, &[&[0, 0][..], &ne32(1), &ne32(0x42), &ne32(7)].concat());
    // AF_VSOCK, AF_QIPCRTR, AF_XDP, AF_MCTP.
    connect(
        40,
        &[&ne16(0)[..], &ne32(0xffff_ffff), &ne32(2), &[1, 0, 0, 0]].concat(),
    );
    connect(
        42,
        &[&[0, 0][..], &ne32(0xffff_ffff), &ne32(0xffff_fffe)].concat(),
    );
    // (XDP_SHARED_UMEM: the descriptor is standard input.)
    connect(44, &[&ne16(0xb)[..], &ne32(1), &ne32(3), &ne32(0)].concat());
    connect(45, &[&ne16(0)[..], &ne32(0), &[0xff, 1, 8, 0]].concat());
    // The eBPF backend names that descriptor from `/proc` as it reads the call.
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// A VM (`KVM_CREATE_VM` on `kvm`) with one page of guest memory at guest address
/// 0x1000, shared with the caller: the VM's descriptor and the page.
unsafe fn kvm_vm_with_page(kvm: i32) -> (i32, *mut u8) {
    unsafe {
        let vm = libc::ioctl(kvm, 0xae01, 0); // KVM_CREATE_VM
        let mem = libc::mmap(
            null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        // slot, flags, guest_phys_addr, memory_size, userspace_addr
        let region: [u64; 4] = [0, 0x1000, 4096, mem as u64];
        libc::ioctl(vm, 0x4020_ae46, region.as_ptr()); // KVM_SET_USER_MEMORY_REGION
        (vm, mem.cast())
    }
}

/// A vcpu that runs one `hlt` in real mode (strace's ioctl_kvm_run test, shorter):
/// `KVM_RUN` returns with `KVM_EXIT_HLT` in the `struct kvm_run` it has mapped. Nothing
/// without `/dev/kvm`.
unsafe fn kvm_run() {
    unsafe {
        let kvm = libc::open(c"/dev/kvm".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC);
        if kvm < 0 {
            return;
        }
        let (vm, mem) = kvm_vm_with_page(kvm);
        *mem = 0xf4; // hlt
        let vcpu = libc::ioctl(vm, 0xae41, 0); // KVM_CREATE_VCPU
        let size = libc::ioctl(kvm, 0xae04, 0) as usize; // KVM_GET_VCPU_MMAP_SIZE
        let shared = libc::PROT_READ | libc::PROT_WRITE;
        libc::mmap(null_mut(), size, shared, libc::MAP_SHARED, vcpu, 0);
        // `cs` (the first `struct kvm_segment`) at 0: base 0, selector 0.
        let mut sregs = [0u8; 312];
        libc::ioctl(vcpu, 0x8138_ae83, sregs.as_mut_ptr()); // KVM_GET_SREGS
        sregs[..8].fill(0);
        sregs[12..14].fill(0);
        libc::ioctl(vcpu, 0x4138_ae84, sregs.as_ptr()); // KVM_SET_SREGS
        // rip (the 17th register) at the guest page, rflags' reserved bit.
        let mut regs = [0u64; 18];
        regs[16] = 0x1000;
        regs[17] = 2;
        libc::ioctl(vcpu, 0x4090_ae82, regs.as_ptr()); // KVM_SET_REGS
        libc::ioctl(vcpu, 0xae80, 0); // KVM_RUN
    }
}

/// A call to address 0: SIGSEGV with the instruction pointer at 0, where no call was
/// made (`-i` shows the signal's own).
unsafe fn jump_null() {
    static NULL: usize = 0;
    unsafe {
        libc::getppid();
        // Read as a value the compiler cannot know is null.
        let f: extern "C" fn() = std::mem::transmute(std::ptr::read_volatile(&NULL));
        f();
    }
}

/// A descriptor passed to itself over a socketpair (`SCM_RIGHTS`), closed meanwhile:
/// the one received takes its number again.
unsafe fn scm_rights() {
    unsafe {
        let mut sv = [0i32; 2];
        libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sv.as_mut_ptr());
        let fd = libc::open(c"/dev/null".as_ptr(), libc::O_RDONLY);
        let mut byte = *b"x";
        let mut iov = libc::iovec {
            iov_base: byte.as_mut_ptr().cast(),
            iov_len: 1,
        };
        let mut control = [0u64; 4];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(4) as usize;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_len = libc::CMSG_LEN(4) as usize;
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        *(libc::CMSG_DATA(cmsg) as *mut i32) = fd;
        libc::sendmsg(sv[0], &msg, 0);
        libc::close(fd);
        control = [0; 4];
        msg.msg_controllen = std::mem::size_of_val(&control);
        libc::recvmsg(sv[1], &mut msg, 0);
        // Closed at once: the eBPF backend, reading the record later, names it as the
        // sender did.
        libc::close(*(libc::CMSG_DATA(libc::CMSG_FIRSTHDR(&msg)) as *const i32));
    }
}

/// `sendmsg` on no socket with ancillary data strace walks: more descriptors than `-s`
/// shows, a header whose length is too short for itself, bytes too few for another
/// header, a time stamp shorter than its struct.
unsafe fn msg_control() {
    let cmsg = |len: u64, level: i32, kind: i32, data: &[u8], room: usize| {
        let mut c = len.to_ne_bytes().to_vec();
        c.extend(
            level
                .to_ne_bytes()
                .iter()
                .chain(&kind.to_ne_bytes())
                .chain(data),
        );
        c.resize(room, 0);
        c
    };
    let send = |control: &mut [u8]| {
        // SAFETY: the header and the control bytes outlive the call, which only reads.
        unsafe {
            let mut msg: libc::msghdr = std::mem::zeroed();
            msg.msg_control = control.as_mut_ptr().cast();
            msg.msg_controllen = control.len();
            libc::sendmsg(-1, &msg, 0);
        }
    };
    let fds: Vec<u8> = (0..40).flat_map(|_| (-1i32).to_ne_bytes()).collect();
    send(&mut cmsg(
        16 + 160,
        libc::SOL_SOCKET,
        libc::SCM_RIGHTS,
        &fds,
        176,
    ));
    send(&mut cmsg(3, libc::SOL_SOCKET, libc::SCM_RIGHTS, &[], 16));
    send(&mut cmsg(
        20,
        libc::SOL_SOCKET,
        libc::SCM_RIGHTS,
        &fds[..4],
        32,
    ));
    send(&mut cmsg(
        24,
        libc::SOL_SOCKET,
        libc::SO_TIMESTAMP,
        &[0; 8],
        24,
    ));
}

/// `siginfo_t`s `PTRACE_SETSIGINFO` passes (to itself, which it does not trace: the
/// call fails after reading them) with the fields each code selects: a SIGIO's
/// descriptor, a seccomp SIGSYS's call, a machine check's address bits, a timer's ids;
/// then a child's exit reaped by `waitid`.
unsafe fn siginfo() {
    let set = |words: &[(usize, u32)]| {
        let mut info = [0u32; 32];
        for &(i, w) in words {
            info[i] = w;
        }
        // SAFETY: the 128-byte `siginfo_t` outlives the call, which only reads it.
        unsafe {
            libc::syscall(
                libc::SYS_ptrace,
                libc::PTRACE_SETSIGINFO,
                libc::getpid(),
                0,
                info.as_ptr(),
            )
        };
    };
    let (sigio, sigsys, sigbus) = (libc::SIGIO as u32, libc::SIGSYS as u32, libc::SIGBUS as u32);
    set(&[
        (0, sigio),
        (1, 2),
        (2, 1),
        (4, (-2i32) as u32),
        (5, u32::MAX),
        (6, 0),
    ]);
    set(&[(0, sigsys), (2, 1), (4, 0x1000), (6, 0), (7, 0xc000_003e)]);
    set(&[(0, sigbus), (2, 4), (4, 0xdead_0000), (6, 0xbeef)]);
    set(&[
        (0, libc::SIGHUP as u32),
        (2, (-2i32) as u32),
        (4, 7),
        (5, 1),
        (6, 42),
    ]);
    set(&[(0, libc::SIGTRAP as u32), (2, 7)]);
    // SAFETY: the child only exits; `info` is plain data the call fills.
    unsafe {
        let child = libc::fork();
        if child == 0 {
            libc::_exit(3);
        }
        let mut info: libc::siginfo_t = std::mem::zeroed();
        libc::waitid(libc::P_PID, child as libc::id_t, &mut info, libc::WEXITED);
    }
    // The eBPF backend names `si_fd` from `/proc` as it reads the call: stay until then.
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// Descriptors of files whose names `-y` must show byte for byte: one with bytes that
/// are no UTF-8, one whose own name ends in " (deleted)" (then deleted), opened where
/// the trace does not look (only `fsync` is traced).
unsafe fn odd_names(dir: &str) {
    use std::os::unix::ffi::OsStrExt;
    let odd = std::path::Path::new(dir).join(std::ffi::OsStr::from_bytes(b"\x80\xff~"));
    let named = std::path::Path::new(dir).join("sample (deleted)");
    let odd_c = CString::new(odd.as_os_str().as_bytes()).expect("no NUL");
    let named_c = CString::new(named.as_os_str().as_bytes()).expect("no NUL");
    // SAFETY: plain calls on paths and descriptors made here.
    unsafe {
        let a = libc::open(odd_c.as_ptr(), libc::O_CREAT | libc::O_RDWR, 0o600);
        let b = libc::open(named_c.as_ptr(), libc::O_CREAT | libc::O_RDWR, 0o600);
        // The eBPF backend names them from `/proc` as it reads the calls, a moment
        // later: each unlink waits for that.
        let settle = || std::thread::sleep(std::time::Duration::from_millis(300));
        libc::fsync(a);
        libc::fsync(b);
        settle();
        libc::unlink(named_c.as_ptr());
        libc::fsync(b);
        settle();
        libc::unlink(odd_c.as_ptr());
    }
}

/// A link request whose `IFLA_XDP` names a descriptor (its standard input) by
/// `IFLA_XDP_EXPECTED_FD`.
unsafe fn netlink_fd() {
    // SAFETY: a socket made and closed here, messages built here.
    unsafe {
        const RTM_GETLINK: u16 = 18;
        const IFLA_XDP: u16 = 43;
        const IFLA_XDP_EXPECTED_FD: u16 = 8;
        let fd = nl_socket(libc::NETLINK_ROUTE);
        let mut ifinfo = vec![0u8, 0];
        ifinfo.extend_from_slice(&772u16.to_ne_bytes());
        ifinfo.extend_from_slice(&1i32.to_ne_bytes());
        ifinfo.extend_from_slice(&[0; 8]);
        let xdp = nla(IFLA_XDP, &nla(IFLA_XDP_EXPECTED_FD, &0i32.to_ne_bytes()));
        let request = libc::NLM_F_REQUEST as u16;
        send_bytes(fd, &nlmsg(RTM_GETLINK, request, &[ifinfo, xdp].concat()));
        libc::close(fd);
    }
    // The eBPF backend names the descriptor from `/proc` as it reads the call.
    std::thread::sleep(std::time::Duration::from_millis(300));
}

/// x86's `set_thread_area`/`get_thread_area` on a `struct user_desc`, one that ends its
/// page and an `entry_number` alone at a page's end (`get_thread_area` reads only it at
/// entry).
#[cfg(target_arch = "x86_64")]
unsafe fn thread_area() {
    unsafe {
        let page = libc::mmap(
            null_mut(),
            8192,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        ) as *mut u8;
        libc::munmap(page.add(4096) as *mut libc::c_void, 4096);
        let desc = page.add(4096 - 16) as *mut u32;
        // entry_number -1, base, limit, seg_32bit|contents=1|useable|lm
        for (i, v) in [u32::MAX, 0x1000, 0xfffff, 0b1000_0011]
            .into_iter()
            .enumerate()
        {
            *desc.add(i) = v;
        }
        libc::syscall(libc::SYS_set_thread_area, desc);
        libc::syscall(libc::SYS_get_thread_area, desc);
        let entry = page.add(4096 - 4) as *mut u32;
        *entry = 12;
        libc::syscall(libc::SYS_get_thread_area, entry);
        libc::syscall(libc::SYS_get_thread_area, 0);
        libc::syscall(libc::SYS_get_thread_area, page.add(4096));
    }
}

/// bpf attributes that point at more: a program's instructions, license and log
/// buffer (a socket filter returning 0; refused, its log too short for the verifier's),
/// a pinned object's path, a raw tracepoint's name, a kprobe link's symbols and
/// addresses (refused: no program).
unsafe fn bpf_pointers() {
    unsafe {
        let bpf = |cmd: u64, attr: &[u64]| {
            libc::syscall(libc::SYS_bpf, cmd, attr.as_ptr(), 8 * attr.len() as u64)
        };
        // r0 = 0; exit
        let insns: [u64; 2] = [0xb7, 0x95];
        let license = c"GPL";
        let log = [0u8; 64];
        let mut prog = [0u64; 9];
        prog[0] = 1 | 2 << 32; // BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt
        prog[1] = insns.as_ptr() as u64;
        prog[2] = license.as_ptr() as u64;
        prog[3] = 1 | 64 << 32; // log_level, log_size
        prog[4] = log.as_ptr() as u64;
        let fd = bpf(5, &prog);
        if fd >= 0 {
            libc::close(fd as i32);
        }
        let path = c"/nonexistent/bpf/pinned";
        bpf(7, &[path.as_ptr() as u64, 0]); // BPF_OBJ_GET
        let name = c"no_such_tracepoint";
        bpf(17, &[name.as_ptr() as u64, u32::MAX as u64]); // BPF_RAW_TRACEPOINT_OPEN
        let syms = [c"vfs_read".as_ptr() as u64, c"vfs_write".as_ptr() as u64];
        let addrs: [u64; 2] = [0x1000, 0x2000];
        let mut link = [0u64; 6];
        link[0] = u32::MAX as u64 | (u32::MAX as u64) << 32; // prog_fd, target_fd
        link[1] = 42; // BPF_TRACE_KPROBE_MULTI
        link[2] = 2 << 32; // cnt
        link[3] = syms.as_ptr() as u64;
        link[4] = addrs.as_ptr() as u64;
        bpf(28, &link); // BPF_LINK_CREATE
    }
}

/// io_uring_register's structs that point at more, on a descriptor that is no ring:
/// FILES_UPDATE's descriptors, FILES2's and FILES_UPDATE2's data and tags, the worker
/// limits IOWQ_MAX_WORKERS would answer in.
unsafe fn uring_register() {
    unsafe {
        let register = |op: u64, arg: *const u64, nr: u64| {
            libc::syscall(libc::SYS_io_uring_register, -1, op, arg, nr)
        };
        let fds: [i32; 3] = [0, -1, -2];
        let update = [1u64, fds.as_ptr() as u64];
        register(6, update.as_ptr(), 3);
        let tags: [u64; 3] = [0x10, 0x20, 0x30];
        let files2 = [3u64, 0, fds.as_ptr() as u64, tags.as_ptr() as u64];
        register(13, files2.as_ptr(), 32);
        let update2 = [7u64, fds.as_ptr() as u64, tags.as_ptr() as u64, 3];
        register(14, update2.as_ptr(), 32);
        let limits: [u32; 2] = [4, 8];
        register(19, limits.as_ptr().cast(), 2);
    }
}

/// Structs that point at more: BLKPG's partition, SIOCGIFCONF's buffer of interfaces.
unsafe fn struct_pointers() {
    unsafe {
        // struct blkpg_partition: start, length, pno, devname, volname.
        let mut part = [0u8; 152];
        part[..8].copy_from_slice(&4096i64.to_ne_bytes());
        part[8..16].copy_from_slice(&(1i64 << 20).to_ne_bytes());
        part[16..20].copy_from_slice(&2i32.to_ne_bytes());
        part[20..24].copy_from_slice(b"sda2");
        part[84..88].copy_from_slice(b"root");
        // struct blkpg_ioctl_arg: BLKPG_ADD_PARTITION, flags, datalen, data.
        let mut arg = [0u8; 24];
        arg[..4].copy_from_slice(&1i32.to_ne_bytes());
        arg[8..12].copy_from_slice(&152i32.to_ne_bytes());
        arg[16..24].copy_from_slice(&(part.as_ptr() as u64).to_ne_bytes());
        libc::ioctl(-1, 0x1269, arg.as_ptr()); // BLKPG
        // UBI_IOCEBCH says `int` and reads a struct ubi_leb_change_req: lnum, bytes, dtype.
        let leb: [i32; 4] = [3, 4096, 3, 0];
        libc::ioctl(-1, 0x4004_4f02, leb.as_ptr());
        // SG_IO v3: an INQUIRY command to the device (SG_DXFER_TO_DEV), its data in an
        // iovec.
        let cmd = [0x12u8, 0, 0, 0, 36, 0];
        let data = *b"abcd";
        let iov = [data.as_ptr() as u64, data.len() as u64];
        let mut hdr = [0u8; 88];
        hdr[..4].copy_from_slice(&i32::from(b'S').to_ne_bytes());
        hdr[4..8].copy_from_slice(&(-2i32).to_ne_bytes());
        hdr[8] = cmd.len() as u8;
        hdr[10..12].copy_from_slice(&1u16.to_ne_bytes());
        hdr[12..16].copy_from_slice(&(data.len() as u32).to_ne_bytes());
        hdr[16..24].copy_from_slice(&(iov.as_ptr() as u64).to_ne_bytes());
        hdr[24..32].copy_from_slice(&(cmd.as_ptr() as u64).to_ne_bytes());
        hdr[40..44].copy_from_slice(&1000u32.to_ne_bytes());
        libc::ioctl(-1, 0x2285, hdr.as_ptr());
        // SG_IO v4: the same command as the request, its data out in an iovec, a
        // response and data in (the kernel refuses the descriptor: as they were).
        let sense = [0x70u8, 0];
        let din = *b"wxyz";
        let mut v4 = [0u8; 160];
        v4[..4].copy_from_slice(&i32::from(b'Q').to_ne_bytes());
        v4[12..16].copy_from_slice(&(cmd.len() as u32).to_ne_bytes());
        v4[16..24].copy_from_slice(&(cmd.as_ptr() as u64).to_ne_bytes());
        v4[44..48].copy_from_slice(&(sense.len() as u32).to_ne_bytes());
        v4[48..56].copy_from_slice(&(sense.as_ptr() as u64).to_ne_bytes());
        v4[56..60].copy_from_slice(&1u32.to_ne_bytes());
        v4[60..64].copy_from_slice(&(data.len() as u32).to_ne_bytes());
        v4[68..72].copy_from_slice(&(din.len() as u32).to_ne_bytes());
        v4[72..80].copy_from_slice(&(iov.as_ptr() as u64).to_ne_bytes());
        v4[80..88].copy_from_slice(&(din.as_ptr() as u64).to_ne_bytes());
        v4[132..136].copy_from_slice(&(sense.len() as u32).to_ne_bytes());
        libc::ioctl(-1, 0x2285, v4.as_ptr());
        let fd = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let mut reqs = [0u8; 40 * 4];
        // struct ifconf: ifc_len, then ifc_buf (NULL: only the length wanted).
        let mut ifc = [0u8; 16];
        ifc[..4].copy_from_slice(&(reqs.len() as i32).to_ne_bytes());
        libc::ioctl(fd, libc::SIOCGIFCONF, ifc.as_mut_ptr());
        ifc[..4].copy_from_slice(&(reqs.len() as i32).to_ne_bytes());
        ifc[8..16].copy_from_slice(&(reqs.as_mut_ptr() as u64).to_ne_bytes());
        libc::ioctl(fd, libc::SIOCGIFCONF, ifc.as_mut_ptr());
        libc::close(fd);
        // KEYCTL_DH_COMPUTE: struct keyctl_dh_params (private, prime, base), and
        // struct keyctl_kdf_params (hashname, otherinfo, otherinfolen, __spare).
        let dh: [i32; 3] = [-6, 1234, 5678];
        let hash = c"sha256";
        let mut kdf = [0u8; 56];
        kdf[..8].copy_from_slice(&(hash.as_ptr() as u64).to_ne_bytes());
        let mut out = [0u8; 16];
        libc::syscall(
            libc::SYS_keyctl,
            23,
            dh.as_ptr(),
            out.as_mut_ptr(),
            out.len(),
            kdf.as_ptr(),
        );
        // KEYCTL_CAPABILITIES
        libc::syscall(libc::SYS_keyctl, 31, out.as_mut_ptr(), 2);
        // KEYCTL_PKEY_ENCRYPT with no such key: struct keyctl_pkey_params (key_id,
        // in_len, out_len), the input as long as in_len says.
        let pkey: [u32; 10] = [-2i32 as u32, 5, 4, 0, 0, 0, 0, 0, 0, 0];
        libc::syscall(
            libc::SYS_keyctl,
            25,
            pkey.as_ptr(),
            c"enc=pkcs1".as_ptr(),
            b"hello, world".as_ptr(),
            out.as_mut_ptr(),
        );
        // io_submit's iocb pointers (no context: refused): a PWRITE of 5 bytes, a NULL.
        let data = *b"hello";
        let mut iocb = [0u64; 8];
        iocb[0] = 0xfeed;
        iocb[2] = 1 | (3 << 32); // aio_lio_opcode IOCB_CMD_PWRITE, aio_fildes 3
        iocb[3] = data.as_ptr() as u64;
        iocb[4] = data.len() as u64;
        let iocbs = [iocb.as_ptr(), null()];
        libc::syscall(libc::SYS_io_submit, 0, 2, iocbs.as_ptr());
        // x86's registers for no such process: PTRACE_SETREGS, PTRACE_SETREGSET's
        // first register.
        #[cfg(target_arch = "x86_64")]
        {
            let regs = [0x10u64; 27];
            let iov = [regs.as_ptr() as u64, 8];
            libc::syscall(libc::SYS_ptrace, 13, i32::MAX, 0, regs.as_ptr());
            libc::syscall(libc::SYS_ptrace, 0x4205, i32::MAX, 1, iov.as_ptr());
        }
        // An argv with an element pointing nowhere (the exec fails before it runs).
        let argv = [c"first".as_ptr(), usize::MAX as *const libc::c_char, null()];
        let envp = [c"A=1".as_ptr(), null()];
        libc::execve(
            c"/nonexistent/tracer-test".as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
        );
    }
}
