//! A deterministic, single-threaded mix of syscalls for `tests/strace_compare.rs`: pipes,
//! fcntl, poll, epoll, sockets, sockopts, iovecs and msghdrs, a handled signal,
//! directories, stat and a forked child. Every
//! call is made directly (libc) so the sequence is the same under strace and tracer.
//!
//! Usage: `syscall_mix DIR` with DIR an empty scratch directory.

use std::ffi::CString;

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: syscall_mix DIR");
    // SAFETY: plain syscalls on buffers and fds owned by this function.
    unsafe {
        pipes();
        sockets();
        vectors();
        signals();
        files(&dir);
        children();
    }
}

unsafe fn pipes() {
    unsafe {
        let mut fds = [0i32; 2];
        libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC);
        let [r, w] = fds;
        libc::fcntl(r, libc::F_GETFD);
        libc::fcntl(r, libc::F_GETFL);
        libc::fcntl(w, libc::F_GETFL);
        libc::fcntl(r, libc::F_SETFL, libc::O_NONBLOCK);
        libc::fcntl(r, libc::F_GETFL);
        libc::fcntl(r, libc::F_SETFD, 0);
        libc::fcntl(r, libc::F_GETFD);
        let mut buf = [0u8; 64];
        libc::read(r, buf.as_mut_ptr().cast(), buf.len());
        let mut pfd = [
            libc::pollfd {
                fd: r,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: w,
                events: libc::POLLOUT,
                revents: 0,
            },
        ];
        libc::poll(pfd.as_mut_ptr(), 1, 0);
        libc::write(w, b"hello\n\0world".as_ptr().cast(), 12);
        let mut pending: i32 = 0;
        libc::ioctl(r, libc::FIONREAD, &mut pending);
        let on: i32 = 1;
        libc::ioctl(w, libc::FIONBIO, &on);
        libc::ioctl(r, libc::FIOCLEX);
        libc::poll(pfd.as_mut_ptr(), 2, 100);
        let timeout = libc::timespec {
            tv_sec: 5,
            tv_nsec: 0,
        };
        libc::ppoll(pfd.as_mut_ptr(), 2, &timeout, std::ptr::null());
        // select and pselect6 directly (glibc's select may be either): one ready set
        // and one that is not, then nothing ready before a zero timeout.
        let mut rd: libc::fd_set = std::mem::zeroed();
        let mut wr: libc::fd_set = std::mem::zeroed();
        libc::FD_SET(r, &mut rd);
        libc::FD_SET(w, &mut wr);
        let mut tv = libc::timeval {
            tv_sec: 5,
            tv_usec: 0,
        };
        select(w + 1, &mut rd, &mut wr, std::ptr::null_mut(), &mut tv);
        let mut ts = timeout;
        libc::FD_SET(r, &mut rd);
        libc::syscall(
            libc::SYS_pselect6,
            r + 1,
            &mut rd,
            0usize,
            0usize,
            &mut ts,
            0usize,
        );
        let mut ex: libc::fd_set = std::mem::zeroed();
        libc::FD_SET(r, &mut ex);
        let mut zero = libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        };
        select(
            r + 1,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &mut ex,
            &mut zero,
        );
        libc::read(r, buf.as_mut_ptr().cast(), buf.len());
        let ep = libc::epoll_create1(libc::EPOLL_CLOEXEC);
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: 7,
        };
        libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, r, &mut ev);
        libc::write(w, b"x".as_ptr().cast(), 1);
        let mut evs = [libc::epoll_event { events: 0, u64: 0 }; 4];
        libc::epoll_wait(ep, evs.as_mut_ptr(), 4, 100);
        let d = libc::dup3(r, 10, libc::O_CLOEXEC);
        libc::dup2(d, 11);
        libc::lseek(r, 0, libc::SEEK_CUR);
        let efd = libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK);
        for fd in [11, d, efd, ep, r, w] {
            libc::close(fd);
        }
        libc::close(99);
    }
}

unsafe fn sockets() {
    unsafe {
        let ls = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
        let one: i32 = 1;
        libc::setsockopt(
            ls,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            (&one as *const i32).cast(),
            4,
        );
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as u16;
        addr.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
        let len = std::mem::size_of::<libc::sockaddr_in>() as u32;
        libc::bind(ls, (&addr as *const libc::sockaddr_in).cast(), len);
        libc::listen(ls, 4);
        let mut bound: libc::sockaddr_in = std::mem::zeroed();
        let mut blen = len;
        libc::getsockname(ls, (&mut bound as *mut libc::sockaddr_in).cast(), &mut blen);
        let cs = libc::socket(libc::AF_INET, libc::SOCK_STREAM, libc::IPPROTO_TCP);
        libc::setsockopt(
            cs,
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&one as *const i32).cast(),
            4,
        );
        libc::connect(cs, (&bound as *const libc::sockaddr_in).cast(), len);
        let mut peer: libc::sockaddr_storage = std::mem::zeroed();
        let mut plen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
        let s = libc::accept4(
            ls,
            (&mut peer as *mut libc::sockaddr_storage).cast(),
            &mut plen,
            libc::SOCK_CLOEXEC,
        );
        let mut err: i32 = -1;
        let mut elen = 4u32;
        libc::getsockopt(
            cs,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut err as *mut i32).cast(),
            &mut elen,
        );
        libc::sendto(
            cs,
            b"ping".as_ptr().cast(),
            4,
            libc::MSG_NOSIGNAL,
            std::ptr::null(),
            0,
        );
        let mut buf = [0u8; 16];
        libc::recvfrom(
            s,
            buf.as_mut_ptr().cast(),
            buf.len(),
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        libc::shutdown(cs, libc::SHUT_WR);
        // Blocking, so it returns the end of the stream however late the FIN is
        // processed (MSG_DONTWAIT raced with it: EAGAIN once in a while).
        libc::recvfrom(
            s,
            buf.as_mut_ptr().cast(),
            buf.len(),
            libc::MSG_WAITALL,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        // Nothing pending on a non-blocking listener: EAGAIN, the lengths untouched.
        libc::fcntl(ls, libc::F_SETFL, libc::O_NONBLOCK);
        plen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
        libc::accept4(
            ls,
            (&mut peer as *mut libc::sockaddr_storage).cast(),
            &mut plen,
            libc::SOCK_NONBLOCK,
        );
        for fd in [s, cs, ls] {
            libc::close(fd);
        }
        let mut sv = [0i32; 2];
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
            sv.as_mut_ptr(),
        );
        libc::write(sv[0], b"abc".as_ptr().cast(), 3);
        libc::read(sv[1], buf.as_mut_ptr().cast(), buf.len());
        libc::close(sv[0]);
        libc::close(sv[1]);
    }
}

fn iov(buf: &[u8]) -> libc::iovec {
    libc::iovec {
        iov_base: buf.as_ptr() as *mut libc::c_void,
        iov_len: buf.len(),
    }
}

/// readv/writev and sendmsg/recvmsg: data split across elements, cut by `-s` and by
/// what a read returned, empty and NULL elements, a failed read.
unsafe fn vectors() {
    unsafe {
        let mut fds = [0i32; 2];
        libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK);
        let [r, w] = fds;
        let long = [b'x'; 100];
        let out = [iov(b"hello"), iov(b""), iov(b" world\n"), iov(&long)];
        libc::writev(w, out.as_ptr(), 3);
        let null = libc::iovec {
            iov_base: std::ptr::null_mut(),
            iov_len: 0,
        };
        let out = [null, iov(&long), iov(b"tail")];
        libc::writev(w, out.as_ptr(), 3);
        let (mut a, mut b, mut c) = ([0u8; 4], [0u8; 8], [0u8; 200]);
        let inp = [iov(&a), iov(&b), iov(&c)];
        let _ = (&mut a, &mut b, &mut c);
        libc::readv(r, inp.as_ptr(), 2);
        libc::readv(r, inp.as_ptr(), 3);
        libc::readv(r, inp.as_ptr(), 3);
        libc::writev(w, out.as_ptr().add(2), 1);
        libc::preadv(r, inp.as_ptr(), 1, 0);
        libc::close(r);
        libc::close(w);

        let rs = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let mut addr: libc::sockaddr_in = std::mem::zeroed();
        addr.sin_family = libc::AF_INET as u16;
        addr.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
        let len = std::mem::size_of::<libc::sockaddr_in>() as u32;
        libc::bind(rs, (&addr as *const libc::sockaddr_in).cast(), len);
        let mut bound: libc::sockaddr_in = std::mem::zeroed();
        let mut blen = len;
        libc::getsockname(rs, (&mut bound as *mut libc::sockaddr_in).cast(), &mut blen);
        let ss = libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0);
        let mut parts = [iov(b"dgram "), iov(b"payload")];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_name = (&mut bound as *mut libc::sockaddr_in).cast();
        msg.msg_namelen = len;
        msg.msg_iov = parts.as_mut_ptr();
        msg.msg_iovlen = 2;
        libc::sendmsg(ss, &msg, 0);
        let mut from: libc::sockaddr_storage = std::mem::zeroed();
        let (mut head, mut rest) = ([0u8; 5], [0u8; 64]);
        let mut parts = [iov(&head), iov(&rest)];
        let _ = (&mut head, &mut rest);
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_name = (&mut from as *mut libc::sockaddr_storage).cast();
        msg.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as u32;
        msg.msg_iov = parts.as_mut_ptr();
        msg.msg_iovlen = 2;
        libc::recvmsg(rs, &mut msg, 0);
        // Nothing left: EAGAIN.
        libc::recvmsg(rs, &mut msg, libc::MSG_DONTWAIT);
        libc::close(ss);
        libc::close(rs);

        // A descriptor passed over a Unix socket (SCM_RIGHTS).
        let mut sv = [0i32; 2];
        libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, sv.as_mut_ptr());
        let mut control = [0u64; 4];
        let cmsg_len = libc::CMSG_LEN(4) as usize;
        let mut parts = [iov(b"fd")];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = parts.as_mut_ptr();
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(4) as usize;
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_len = cmsg_len;
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        *(libc::CMSG_DATA(cmsg) as *mut i32) = sv[0];
        libc::sendmsg(sv[0], &msg, 0);
        let mut got = [0u8; 8];
        let mut parts = [iov(&got)];
        let _ = &mut got;
        let mut control = [0u64; 8];
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = parts.as_mut_ptr();
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = std::mem::size_of_val(&control);
        libc::recvmsg(sv[1], &mut msg, libc::MSG_CMSG_CLOEXEC);
        let received = *(libc::CMSG_DATA(libc::CMSG_FIRSTHDR(&msg)) as *const i32);
        for fd in [received, sv[0], sv[1]] {
            libc::close(fd);
        }
    }
}

extern "C" fn on_usr1(_: libc::c_int) {}

/// A signal sent to itself and handled while SIGUSR2 is blocked: the handler's return
/// is `rt_sigreturn({mask=[USR2]}) = 0`.
unsafe fn signals() {
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_usr1 as *const () as libc::sighandler_t;
        libc::sigaction(libc::SIGUSR1, &sa, std::ptr::null_mut());
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR2);
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        libc::kill(libc::getpid(), libc::SIGUSR1);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

unsafe fn files(dir: &str) {
    unsafe {
        let d = c(dir);
        libc::chdir(d.as_ptr());
        let mut cwd = [0u8; 256];
        libc::getcwd(cwd.as_mut_ptr().cast(), cwd.len());
        libc::umask(0o022);
        libc::mkdir(c("sub").as_ptr(), 0o755);
        for name in ["sub/a", "sub/bb", "sub/ccc"] {
            let fd = libc::open(
                c(name).as_ptr(),
                libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC | libc::O_CLOEXEC,
                0o644,
            );
            libc::write(fd, name.as_ptr().cast(), name.len());
            libc::close(fd);
        }
        libc::symlink(c("a").as_ptr(), c("sub/link").as_ptr());
        let mut target = [0u8; 64];
        libc::readlink(
            c("sub/link").as_ptr(),
            target.as_mut_ptr().cast(),
            target.len(),
        );
        let fd = libc::open(
            c("sub").as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC,
        );
        let mut dents = [0u8; 4096];
        libc::syscall(libc::SYS_getdents64, fd, dents.as_mut_ptr(), dents.len());
        libc::syscall(libc::SYS_getdents64, fd, dents.as_mut_ptr(), dents.len());
        libc::close(fd);
        let mut st: libc::stat = std::mem::zeroed();
        libc::stat(c("sub/bb").as_ptr(), &mut st);
        libc::lstat(c("sub/link").as_ptr(), &mut st);
        libc::stat(c("sub/nope").as_ptr(), &mut st);
        libc::access(c("sub/a").as_ptr(), libc::R_OK | libc::W_OK);
        libc::syscall(
            libc::SYS_faccessat2,
            libc::AT_FDCWD,
            c("sub/a").as_ptr(),
            libc::X_OK,
            libc::AT_EACCESS,
        );
        libc::syscall(
            libc::SYS_faccessat2,
            libc::AT_FDCWD,
            c("sub/link").as_ptr(),
            libc::F_OK,
            libc::AT_SYMLINK_NOFOLLOW,
        );
        let fd = libc::open(c("sub/ccc").as_ptr(), libc::O_RDWR);
        libc::pread64(fd, target.as_mut_ptr().cast(), 4, 2);
        libc::pwrite64(fd, b"zz".as_ptr().cast(), 2, 1);
        libc::ftruncate(fd, 3);
        libc::lseek(fd, -1, libc::SEEK_END);
        libc::fsync(fd);
        libc::close(fd);
        libc::rename(c("sub/bb").as_ptr(), c("sub/dd").as_ptr());
        libc::renameat2(
            libc::AT_FDCWD,
            c("sub/dd").as_ptr(),
            libc::AT_FDCWD,
            c("sub/a").as_ptr(),
            libc::RENAME_NOREPLACE,
        );
        libc::rmdir(c("sub").as_ptr());
        for name in ["sub/a", "sub/dd", "sub/ccc", "sub/link"] {
            libc::unlink(c(name).as_ptr());
        }
        libc::unlinkat(libc::AT_FDCWD, c("sub").as_ptr(), libc::AT_REMOVEDIR);
        let mut uts: libc::utsname = std::mem::zeroed();
        libc::uname(&mut uts);
        let mut rl: libc::rlimit = std::mem::zeroed();
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl);
        let ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 1000,
        };
        libc::nanosleep(&ts, std::ptr::null_mut());
        libc::clock_nanosleep(libc::CLOCK_MONOTONIC, 0, &ts, std::ptr::null_mut());
        libc::sched_yield();
        libc::kill(0, 0);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGUSR1);
        libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::chdir(c("/").as_ptr());
    }
}

unsafe fn children() {
    unsafe {
        let pid = libc::fork();
        if pid == 0 {
            libc::_exit(3);
        }
        let mut status = 0;
        libc::waitpid(pid, &mut status, 0);
        libc::waitpid(-1, &mut status, libc::WNOHANG);
    }
}

/// `select` itself where the architecture has it (x86_64); arm64 has only `pselect6`,
/// which its glibc's `select` calls.
///
/// # Safety
/// The sets are null or valid `fd_set`s, `tv` a valid `timeval`.
unsafe fn select(
    nfds: i32,
    rd: *mut libc::fd_set,
    wr: *mut libc::fd_set,
    ex: *mut libc::fd_set,
    tv: *mut libc::timeval,
) {
    // SAFETY: as the caller promises.
    unsafe {
        #[cfg(target_arch = "x86_64")]
        libc::syscall(libc::SYS_select, nfds, rd, wr, ex, tv);
        #[cfg(not(target_arch = "x86_64"))]
        {
            let mut ts = libc::timespec {
                tv_sec: (*tv).tv_sec,
                tv_nsec: (*tv).tv_usec * 1000,
            };
            libc::syscall(libc::SYS_pselect6, nfds, rd, wr, ex, &mut ts, 0usize);
        }
    }
}
