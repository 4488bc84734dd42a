//! Decoding tests: each builds the event a backend would produce and checks strace's text.

use super::*;
use crate::event::Capture;
use tracer_common::capture;

fn call(name: &str, args: &[u64], ret: Option<i64>, caps: Vec<Capture>) -> Call {
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    Call {
        nr: syscalls::by_name(name).unwrap().nr,
        args: a,
        ret,
        captures: caps,
        ..Default::default()
    }
}

fn cap(arg: u8, kind: u8, data: &[u8]) -> Capture {
    Capture {
        arg,
        kind,
        data: data.to_vec(),
        truncated: false,
        fault: false,
    }
}

fn args(c: &Call, part: ArgsPart) -> String {
    let mut s = String::new();
    write_args(&mut s, c, &DecodeOptions::default(), part, None);
    s
}

fn line(c: &Call) -> String {
    let mut s = args(c, ArgsPart::All);
    s.push_str(" = ");
    write_return(&mut s, c, None);
    s
}

#[test]
fn read_in_two_halves() {
    let c = call(
        "read",
        &[0, 0x7ffd0000, 1024],
        Some(3),
        vec![cap(1, capture::BUF, b"abc")],
    );
    assert_eq!(args(&c, ArgsPart::Entering), "0, ");
    assert_eq!(args(&c, ArgsPart::Resumed), "\"abc\", 1024");
    assert_eq!(line(&c), "0, \"abc\", 1024 = 3");
    let failed = call("read", &[9, 0x7ffd0000, 1024], Some(-9), vec![]);
    assert_eq!(
        line(&failed),
        "9, 0x7ffd0000, 1024 = -1 EBADF (Bad file descriptor)"
    );
    // No output arguments: all of it is known at entry, with no trailing separator.
    let close = call("close", &[3], None, vec![]);
    assert_eq!(args(&close, ArgsPart::Entering), "3");
    assert_eq!(args(&close, ArgsPart::Resumed), "");
}

#[test]
fn open_family() {
    let path = cap(1, capture::CSTR, b"/etc/ld.so.cache");
    let c = call(
        "openat",
        &[(-100i64) as u64, 1, 0o2000000, 0],
        Some(3),
        vec![path.clone()],
    );
    assert_eq!(
        line(&c),
        "AT_FDCWD, \"/etc/ld.so.cache\", O_RDONLY|O_CLOEXEC = 3"
    );
    let c = call("openat", &[3, 1, 0o1101, 0o644], Some(-13), vec![path]);
    assert_eq!(
        line(&c),
        "3, \"/etc/ld.so.cache\", O_WRONLY|O_CREAT|O_TRUNC, 0644 = -1 EACCES (Permission denied)"
    );
    let c = call("openat", &[(-100i64) as u64, 0, 0, 0], Some(-14), vec![]);
    assert_eq!(
        line(&c),
        "AT_FDCWD, NULL, O_RDONLY = -1 EFAULT (Bad address)"
    );
    let faulted = Capture {
        fault: true,
        ..cap(1, capture::CSTR, b"")
    };
    let c = call(
        "openat",
        &[(-100i64) as u64, 0xdead, 0, 0],
        Some(-14),
        vec![faulted],
    );
    assert_eq!(
        line(&c),
        "AT_FDCWD, 0xdead, O_RDONLY = -1 EFAULT (Bad address)"
    );
}

#[test]
fn mmap_and_friends() {
    let c = call(
        "mmap",
        &[0, 8192, 3, 0x22, u64::MAX, 0],
        Some(0x7f4e6c228000),
        vec![],
    );
    assert_eq!(
        line(&c),
        "NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0 = 0x7f4e6c228000"
    );
    let c = call(
        "mmap",
        &[0x7f4e6c1f8000, 110592, 5, 0x812, 3, 0x7000],
        Some(0x7f4e6c1f8000),
        vec![],
    );
    assert_eq!(
        line(&c),
        "0x7f4e6c1f8000, 110592, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, \
         0x7000 = 0x7f4e6c1f8000"
    );
    let c = call("brk", &[0], Some(0x55878c2e7000), vec![]);
    assert_eq!(line(&c), "NULL = 0x55878c2e7000");
    let c = call("exit_group", &[0], None, vec![]);
    assert_eq!(line(&c), "0 = ?");
    #[cfg(target_arch = "x86_64")]
    {
        let c = call("arch_prctl", &[0x1002, 0x7f4e6bf72800], Some(0), vec![]);
        assert_eq!(line(&c), "ARCH_SET_FS, 0x7f4e6bf72800 = 0");
    }
    let c = call(
        "faccessat",
        &[-100i64 as u64, 1, 4],
        Some(-2),
        vec![cap(1, capture::CSTR, b"/etc/ld.so.preload")],
    );
    assert_eq!(
        line(&c),
        "AT_FDCWD, \"/etc/ld.so.preload\", R_OK = -1 ENOENT (No such file or directory)"
    );
    let c = call("umask", &[0o22], Some(0o22), vec![]);
    assert_eq!(line(&c), "022 = 022");
}

#[test]
fn stat_and_execve() {
    // The build target's layout.
    let at = tracer_common::STAT;
    let mut st = vec![0u8; at.size as usize];
    st[at.mode..at.mode + 4].copy_from_slice(&0o100644u32.to_le_bytes());
    st[at.st_size..at.st_size + 8].copy_from_slice(&33827i64.to_le_bytes());
    let c = call(
        "newfstatat",
        &[3, 1, 0x7ffc, 0x1000],
        Some(0),
        vec![cap(1, capture::CSTR, b""), cap(2, capture::FIXED, &st)],
    );
    assert_eq!(
        line(&c),
        "3, \"\", {st_mode=S_IFREG|0644, st_size=33827, ...}, AT_EMPTY_PATH = 0"
    );
    assert_eq!(args(&c, ArgsPart::Entering), "3, \"\", ");
    let c = call("fstat", &[3, 0x7ffc], Some(-9), vec![]);
    assert_eq!(line(&c), "3, 0x7ffc = -1 EBADF (Bad file descriptor)");
    let c = call(
        "execve",
        &[1, 2, 0x7ffde1083f38],
        Some(0),
        vec![
            cap(0, capture::CSTR, b"/usr/bin/ls"),
            cap(1, capture::STRV, b"ls\0/\0"),
            cap(2, capture::PTRV_COUNT, &39u32.to_le_bytes()),
        ],
    );
    assert_eq!(
        line(&c),
        "\"/usr/bin/ls\", [\"ls\", \"/\"], 0x7ffde1083f38 /* 39 vars */ = 0"
    );
}

#[test]
fn signals_and_sets() {
    let act = [0u64, 0x0400_0000, 0x7f0435d70050, 0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect::<Vec<_>>();
    let c = call(
        "rt_sigaction",
        &[17, 1, 0, 8],
        Some(0),
        vec![cap(1, capture::FIXED, &act)],
    );
    assert_eq!(
        line(&c),
        "SIGCHLD, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=SA_RESTORER, \
         sa_restorer=0x7f0435d70050}, NULL, 8 = 0"
    );
    let c = call(
        "rt_sigprocmask",
        &[0, 0, 0x7ffc, 8],
        Some(0),
        vec![cap(2, capture::FIXED, &0u64.to_le_bytes())],
    );
    assert_eq!(line(&c), "SIG_BLOCK, NULL, [], 8 = 0");
    assert_eq!(args(&c, ArgsPart::Entering), "SIG_BLOCK, NULL, ");
    let c = call("kill", &[1234, 9], Some(0), vec![]);
    assert_eq!(line(&c), "1234, SIGKILL = 0");
    let c = call(
        "wait4",
        &[u64::MAX, 0x7ffc, 0, 0],
        Some(42),
        vec![cap(1, capture::FIXED, &0i32.to_le_bytes())],
    );
    assert_eq!(
        line(&c),
        "-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL = 42"
    );
    let c = Call {
        ret: Some(0),
        args: [u64::MAX, 0x7ffc, 1, 0, 0, 0],
        ..c
    };
    assert_eq!(line(&c), "-1, 0x7ffc, WNOHANG, NULL = 0");
}

#[test]
fn futex_shapes() {
    let c = call(
        "futex",
        &[0x7f4e6c1e3a4c, 129, 2147483647, 0, 0, 0],
        Some(0),
        vec![],
    );
    assert_eq!(
        line(&c),
        "0x7f4e6c1e3a4c, FUTEX_WAKE_PRIVATE, 2147483647 = 0"
    );
    let c = call("futex", &[0x1000, 128, 2, 0, 0, 0], None, vec![]);
    assert_eq!(
        args(&c, ArgsPart::Entering),
        "0x1000, FUTEX_WAIT_PRIVATE, 2, NULL"
    );
    let c = call(
        "futex",
        &[0x1000, 9 | 128 | 256, 0, 0, 0, u32::MAX as u64],
        Some(0),
        vec![],
    );
    assert_eq!(
        line(&c),
        "0x1000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 0, NULL, FUTEX_BITSET_MATCH_ANY = 0"
    );
}

#[test]
fn sockets() {
    let c = call("socket", &[2, 0o2000001, 6], Some(3), vec![]);
    assert_eq!(
        line(&c),
        "AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP = 3"
    );
    let c = call("socket", &[1, 0o2004001, 0], Some(3), vec![]);
    assert_eq!(
        line(&c),
        "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0 = 3"
    );
    let addr = [2u8, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let c = call(
        "connect",
        &[3, 0x7ffc, 16],
        Some(-111),
        vec![cap(1, capture::BUF, &addr)],
    );
    assert_eq!(
        line(&c),
        "3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"127.0.0.1\")}, 16 \
         = -1 ECONNREFUSED (Connection refused)"
    );
    let c = call(
        "sendto",
        &[3, 1, 5, 0x4000, 0, 0],
        Some(5),
        vec![cap(1, capture::BUF, b"hello")],
    );
    assert_eq!(line(&c), "3, \"hello\", 5, MSG_NOSIGNAL, NULL, 0 = 5");
    // x86_64 only (arm64 has `ppoll` alone): `poll_results` has more.
    #[cfg(target_arch = "x86_64")]
    {
        let pfd = [3i32.to_le_bytes(), [1, 0, 0, 0]].concat();
        let c = call(
            "poll",
            &[0x7ffc, 1, u64::MAX],
            Some(1),
            vec![cap(0, capture::BUF, &pfd)],
        );
        assert_eq!(line(&c), "[{fd=3, events=POLLIN}], 1, -1 = 1");
    }
}

#[test]
fn fcntl_and_misc() {
    assert_eq!(
        line(&call("fcntl", &[3, 1, 0], Some(1), vec![])),
        "3, F_GETFD = 0x1 (flags FD_CLOEXEC)"
    );
    assert_eq!(
        line(&call("fcntl", &[3, 2, 1], Some(0), vec![])),
        "3, F_SETFD, FD_CLOEXEC = 0"
    );
    assert_eq!(
        line(&call("fcntl", &[3, 4, 0o4002], Some(0), vec![])),
        "3, F_SETFL, O_RDWR|O_NONBLOCK = 0"
    );
    assert_eq!(
        line(&call("fcntl", &[3, 1030, 10], Some(11), vec![])),
        "3, F_DUPFD_CLOEXEC, 10 = 11"
    );
    let c = call("ioctl", &[1, 0x5401, 0x7ffc794bb340], Some(-25), vec![]);
    assert_eq!(
        line(&c),
        "1, TCGETS, 0x7ffc794bb340 = -1 ENOTTY (Inappropriate ioctl for device)"
    );
    let c = call(
        "getrandom",
        &[0x7ffc, 8, 1],
        Some(8),
        vec![cap(0, capture::BUF, b"\xf0\x4f\xfa\x86\x41\x7a\xf8\xb2")],
    );
    assert_eq!(
        line(&c),
        "\"\\xf0\\x4f\\xfa\\x86\\x41\\x7a\\xf8\\xb2\", 8, GRND_NONBLOCK = 8"
    );
    let c = call(
        "pipe2",
        &[0x7ffc, 0o2000000],
        Some(0),
        vec![cap(0, capture::FIXED, &[3, 0, 0, 0, 4, 0, 0, 0])],
    );
    assert_eq!(line(&c), "[3, 4], O_CLOEXEC = 0");
    let c = call(
        "getcwd",
        &[0x7ffc, 4096],
        Some(6),
        vec![cap(0, capture::BUF, b"/root\0")],
    );
    assert_eq!(line(&c), "\"/root\", 4096 = 6");
    let c = call("lseek", &[3, (-5i64) as u64, 2], Some(10), vec![]);
    assert_eq!(line(&c), "3, -5, SEEK_END = 10");
    let c = call(
        "prlimit64",
        &[0, 3, 0, 0x7ffc],
        Some(0),
        vec![cap(
            3,
            capture::FIXED,
            &[[0u8, 0, 0x80, 0, 0, 0, 0, 0], [0xff; 8]].concat(),
        )],
    );
    assert_eq!(
        line(&c),
        "0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY} = 0"
    );
}

fn le32(v: i32) -> Vec<u8> {
    v.to_le_bytes().to_vec()
}

/// `clone`'s registers in the build target's order (arm64 has `tls` before
/// `child_tidptr`).
fn clone_regs(flags: u64, stack: u64, parent_tid: u64, child_tid: u64, tls: u64) -> Vec<u64> {
    let sc = syscalls::by_name("clone").unwrap();
    sc.args
        .iter()
        .map(|a| match a.kind {
            ArgKind::CloneFlags => flags,
            ArgKind::CloneStack => stack,
            ArgKind::CloneParentTid => parent_tid,
            ArgKind::CloneChildTid => child_tid,
            ArgKind::CloneTls => tls,
            other => panic!("clone's {other:?}"),
        })
        .collect()
}

#[test]
fn clone_like_strace() {
    let c = call(
        "clone",
        &clone_regs(0x1200011, 0, 0, 0x7f0d3e5f1a10, 0),
        Some(4321),
        vec![],
    );
    assert_eq!(
        line(&c),
        "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, \
         child_tidptr=0x7f0d3e5f1a10 = 4321"
    );
    assert_eq!(
        args(&c, ArgsPart::Entering),
        "child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, "
    );
    assert_eq!(args(&c, ArgsPart::Resumed), "child_tidptr=0x7f0d3e5f1a10");
    // A thread: parent_tid read back at exit, tls.
    let c = call(
        "clone",
        &clone_regs(
            0x3d0f00,
            0x7f00001000,
            0x7f00002000,
            0x7f00002000,
            0x7f00003000,
        ),
        Some(77),
        vec![cap(2, capture::FIXED, &le32(77))],
    );
    assert_eq!(
        line(&c),
        "child_stack=0x7f00001000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|\
         CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, \
         parent_tid=[77], child_tidptr=0x7f00002000, tls=0x7f00003000 = 77"
    );
    let c = call("clone", &[17, 0, 0, 0, 0], Some(5), vec![]);
    assert_eq!(line(&c), "child_stack=NULL, flags=SIGCHLD = 5");
    assert_eq!(
        args(&c, ArgsPart::Entering),
        "child_stack=NULL, flags=SIGCHLD"
    );
}

/// x86_64 only: arm64 has no `poll`, only `ppoll` (`ppoll_time_left`).
#[cfg(target_arch = "x86_64")]
#[test]
fn poll_results() {
    let pfds = |revents: [u16; 2]| {
        let mut v = Vec::new();
        for (fd, ev, rev) in [(3i32, 1u16, revents[0]), (4, 4, revents[1])] {
            v.extend(fd.to_le_bytes());
            v.extend(ev.to_le_bytes());
            v.extend(rev.to_le_bytes());
        }
        v
    };
    let c = call(
        "poll",
        &[0x7ffc, 2, 100],
        Some(2),
        vec![
            cap(0, capture::BUF, &pfds([0, 0])),
            cap(0, capture::BUF, &pfds([1, 4])),
        ],
    );
    assert_eq!(
        line(&c),
        "[{fd=3, events=POLLIN}, {fd=4, events=POLLOUT}], 2, 100 = 2 \
         ([{fd=3, revents=POLLIN}, {fd=4, revents=POLLOUT}])"
    );
    let c = call(
        "poll",
        &[0x7ffc, 2, 100],
        Some(1),
        vec![
            cap(0, capture::BUF, &pfds([0, 0])),
            cap(0, capture::BUF, &pfds([0, 0x14])),
        ],
    );
    assert!(line(&c).ends_with("= 1 ([{fd=4, revents=POLLOUT|POLLHUP}])"));
    let c = call(
        "poll",
        &[0x7ffc, 2, 0],
        Some(0),
        vec![cap(0, capture::BUF, &pfds([0, 0]))],
    );
    assert!(line(&c).ends_with(", 2, 0 = 0 (Timeout)"));
    let c = call("poll", &[0x7ffc, 2, 0], Some(-4), vec![]);
    assert!(line(&c).ends_with("= -1 EINTR (Interrupted system call)"));
}

#[test]
fn fcntl_returns() {
    let ret = |cmd: u64, r: i64| {
        let mut s = String::new();
        write_return(&mut s, &call("fcntl", &[3, cmd], Some(r), vec![]), None);
        s
    };
    assert_eq!(ret(1, 1), "0x1 (flags FD_CLOEXEC)");
    assert_eq!(ret(1, 0), "0");
    assert_eq!(ret(3, 0), "0 (flags O_RDONLY)");
    let flags = 0o4002 | tracer_common::O_LARGEFILE;
    assert_eq!(
        ret(3, flags as i64),
        format!("{flags:#x} (flags O_RDWR|O_NONBLOCK|O_LARGEFILE)")
    );
    assert_eq!(ret(1034, 3), "0x3 (seals F_SEAL_SEAL|F_SEAL_SHRINK)");
    assert_eq!(ret(9, 1234), "1234");
    assert_eq!(ret(3, -9), "-1 EBADF (Bad file descriptor)");
}

#[test]
fn clone3_shows_the_fields_its_flags_use() {
    let mut args = [0u64; 11];
    args[0] = 0x3d0f00; // pthread_create's flags
    args[2] = 0x7f99; // child_tid
    args[3] = 0x7f99; // parent_tid
    args[5] = 0x7f00_0000; // stack
    args[6] = 0x1fff40; // stack_size
    args[7] = 0x7f66; // tls
    let bytes: Vec<u8> = args.iter().flat_map(|v| v.to_le_bytes()).collect();
    let c = call(
        "clone3",
        &[0x7ffc, 88],
        Some(4243),
        vec![cap(0, capture::FIXED, &bytes)],
    );
    assert_eq!(
        line(&c),
        "{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|\
         CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f99, \
         parent_tid=0x7f99, exit_signal=0, stack=0x7f000000, stack_size=0x1fff40, \
         tls=0x7f66} => {parent_tid=[4243]}, 88 = 4243"
    );
    // fork's: no pointers, SIGCHLD; a failure writes nothing back.
    args = [0; 11];
    args[4] = 17;
    let bytes: Vec<u8> = args.iter().flat_map(|v| v.to_le_bytes()).collect();
    let c = call(
        "clone3",
        &[0x7ffc, 88],
        Some(-11),
        vec![cap(0, capture::FIXED, &bytes)],
    );
    assert!(
        line(&c).starts_with(
            "{flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88 = -1 EAGAIN"
        )
    );
}

#[test]
fn prctl_shows_what_its_option_uses() {
    let pr = |args: &[u64], ret, caps| line(&call("prctl", args, Some(ret), caps));
    assert_eq!(
        pr(&[3, 0, 0, 0, 0], 1, vec![]),
        "PR_GET_DUMPABLE = 1 (SUID_DUMP_USER)"
    );
    assert_eq!(
        pr(&[4, 1, 0, 0, 0], 0, vec![]),
        "PR_SET_DUMPABLE, SUID_DUMP_USER = 0"
    );
    assert_eq!(
        pr(&[1, 9, 0, 0, 0], 0, vec![]),
        "PR_SET_PDEATHSIG, SIGKILL = 0"
    );
    assert_eq!(
        pr(&[23, 0, 0, 0, 0], 1, vec![]),
        "PR_CAPBSET_READ, CAP_CHOWN = 1"
    );
    assert!(
        pr(&[23, 99, 0, 0, 0], -22, vec![]).starts_with("PR_CAPBSET_READ, 0x63 /* CAP_??? */ = -1")
    );
    let name = cap(1, capture::CSTR, b"worker");
    assert_eq!(
        pr(&[15, 0x7ff0, 0, 0, 0], 0, vec![name.clone()]),
        "PR_SET_NAME, \"worker\" = 0"
    );
    // PR_GET_NAME: what the kernel wrote, read at exit (the entry copy comes first).
    let junk = cap(1, capture::CSTR, b"\x01");
    assert_eq!(
        pr(&[16, 0x7ff0, 0, 0, 0], 0, vec![junk, name]),
        "PR_GET_NAME, \"worker\" = 0"
    );
    assert_eq!(
        pr(&[38, 1, 0, 0, 0], 0, vec![]),
        "PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0 = 0"
    );
    assert_eq!(
        pr(&[47, 2, 10, 0, 0], 0, vec![]),
        "PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0 = 0"
    );
    assert!(
        pr(&[1234, 1, 2, 3, 4], -22, vec![])
            .starts_with("0x4d2 /* PR_??? */, 0x1, 0x2, 0x3, 0x4 = -1")
    );
}

#[test]
fn ioctl_arguments_by_request() {
    let int = |v: i32| [v.to_le_bytes(), [0; 4]].concat();
    let word = |data: &[u8]| cap(2, capture::FIXED, data);
    // FIONBIO reads an int; FIONREAD writes one (the exit copy is the second).
    let c = call("ioctl", &[3, 0x5421, 0x7ff0], Some(0), vec![word(&int(1))]);
    assert_eq!(line(&c), "3, FIONBIO, [1] = 0");
    let c = call(
        "ioctl",
        &[3, 0x541b, 0x7ff0],
        Some(0),
        vec![word(&int(0)), word(&int(12))],
    );
    assert_eq!(line(&c), "3, FIONREAD, [12] = 0");
    let c = call(
        "ioctl",
        &[3, 0x541b, 0x7ff0],
        Some(-25),
        vec![word(&int(0))],
    );
    assert!(line(&c).starts_with("3, FIONREAD, 0x7ff0 = -1 ENOTTY"));
    let c = call("ioctl", &[3, 0x5451, 0], Some(0), vec![]);
    assert_eq!(line(&c), "3, FIOCLEX = 0");
    // A terminal's settings, strace's short form (a pty's defaults).
    let mut tio: Vec<u8> = [0o2400u32, 0o5, 0o277, 0o105073]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    tio.resize(36, 0);
    let c = call(
        "ioctl",
        &[4, 0x5401, 0x7ff0],
        Some(0),
        vec![word(&tio), word(&tio)],
    );
    assert_eq!(
        line(&c),
        "4, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, \
         c_cflag=B38400|CS8|CREAD, \
         c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...} = 0"
    );
    let c = call("ioctl", &[4, 0x5402, 0x7ff0], Some(0), vec![word(&tio)]);
    assert!(line(&c).starts_with("4, SNDCTL_TMR_START or TCSETS, {c_iflag=ICRNL|IXON,"));
    let ws: Vec<u8> = [40u16, 120, 0, 0]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    let c = call(
        "ioctl",
        &[4, 0x5413, 0x7ff0],
        Some(0),
        vec![word(&ws), word(&ws)],
    );
    assert_eq!(
        line(&c),
        "4, TIOCGWINSZ, {ws_row=40, ws_col=120, ws_xpixel=0, ws_ypixel=0} = 0"
    );
}

#[test]
fn group_lists() {
    let gids: Vec<u8> = [4u32, 24, 27]
        .iter()
        .flat_map(|g| g.to_le_bytes())
        .collect();
    let c = call(
        "setgroups",
        &[3, 0x7ff0],
        Some(0),
        vec![cap(1, capture::BUF, &gids)],
    );
    assert_eq!(line(&c), "3, [4, 24, 27] = 0");
    let c = call(
        "getgroups",
        &[3, 0x7ff0],
        Some(3),
        vec![cap(1, capture::BUF, &gids)],
    );
    assert_eq!(line(&c), "3, [4, 24, 27] = 3");
    // Asked for the count only: nothing written.
    let c = call(
        "getgroups",
        &[0, 0x7ff0],
        Some(3),
        vec![cap(1, capture::BUF, &gids)],
    );
    assert_eq!(line(&c), "0, [] = 3");
    let c = call("getgroups", &[0, 0], Some(3), vec![]);
    assert_eq!(line(&c), "0, NULL = 3");
}

#[test]
fn sigreturn_shows_the_mask_it_restores() {
    // SIGUSR2 is signal 12: bit 11.
    let mask = (1u64 << 11).to_le_bytes();
    let c = call(
        "rt_sigreturn",
        &[0x7ff0],
        Some(0),
        vec![cap(0, capture::FIXED, &mask)],
    );
    assert_eq!(line(&c), "{mask=[USR2]} = 0");
    let c = call("rt_sigreturn", &[0x7ff0], Some(0), vec![]);
    assert_eq!(line(&c), "0x7ff0 = 0");
    // The backends put the mask's address where the decoder looks for it: 296 bytes
    // above the stack pointer on x86_64, 168 on arm64.
    let nr = |name| syscalls::by_name(name).unwrap().nr;
    let args = syscalls::entry_args(nr("rt_sigreturn"), [1, 2, 3, 4, 5, 6], 0x1000);
    assert_eq!(args, [tracer_common::sigframe_mask(0x1000), 2, 3, 4, 5, 6]);
    assert_eq!(syscalls::entry_args(nr("read"), [1; 6], 0x1000), [1; 6]);
}

#[test]
fn dirents_are_counted() {
    let count = |n: u32, truncated, fault| Capture {
        truncated,
        fault,
        ..cap(1, capture::DIRENT_COUNT, &n.to_le_bytes())
    };
    let dents = |ret, caps| call("getdents64", &[3, 0x5600, 32768], Some(ret), caps);
    assert_eq!(
        line(&dents(56, vec![count(2, false, false)])),
        "3, 0x5600 /* 2 entries */, 32768 = 56"
    );
    assert_eq!(
        line(&dents(0, vec![count(0, false, false)])),
        "3, 0x5600 /* 0 entries */, 32768 = 0"
    );
    // Not every record counted, or one unreadable: no count rather than a wrong one.
    for (truncated, fault) in [(true, false), (false, true)] {
        assert_eq!(
            line(&dents(9000, vec![count(1536, truncated, fault)])),
            "3, 0x5600, 32768 = 9000"
        );
    }
    let c = call("getdents64", &[3, 0x5600, 32768], Some(-9), vec![]);
    assert_eq!(
        line(&c),
        "3, 0x5600, 32768 = -1 EBADF (Bad file descriptor)"
    );
}

#[test]
fn socket_lengths_and_options() {
    let addr = [2u8, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    let c = call(
        "accept4",
        &[3, 0x7ffc, 0x7ff0, 0o2000000],
        Some(5),
        vec![
            cap(2, capture::FIXED, &le32(128)),
            cap(1, capture::FIXED, &[&addr[..], &[0u8; 112]].concat()),
            cap(2, capture::FIXED, &le32(16)),
        ],
    );
    assert_eq!(
        line(&c),
        "3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"127.0.0.1\")}, \
         [128 => 16], SOCK_CLOEXEC = 5"
    );
    assert_eq!(args(&c, ArgsPart::Entering), "3, ");
    let c = call(
        "accept4",
        &[3, 0x7ffc, 0x7ff0, 0o4000],
        Some(-11),
        vec![cap(2, capture::FIXED, &le32(128))],
    );
    assert_eq!(
        line(&c),
        "3, 0x7ffc, [128], SOCK_NONBLOCK = -1 EAGAIN (Resource temporarily unavailable)"
    );
    let c = call("accept", &[3, 0, 0], Some(4), vec![]);
    assert_eq!(line(&c), "3, NULL, NULL = 4");
    let c = call(
        "getsockname",
        &[3, 0x7ffc, 0x7ff0],
        Some(0),
        vec![
            cap(2, capture::FIXED, &le32(16)),
            cap(1, capture::FIXED, &[&addr[..], &[0u8; 112]].concat()),
            cap(2, capture::FIXED, &le32(16)),
        ],
    );
    assert!(line(&c).ends_with("}, [16] = 0"), "{}", line(&c));
    let c = call(
        "setsockopt",
        &[3, 1, 2, 0x7ffc, 4],
        Some(0),
        vec![cap(3, capture::BUF, &le32(1))],
    );
    assert_eq!(line(&c), "3, SOL_SOCKET, SO_REUSEADDR, [1], 4 = 0");
    let c = call(
        "setsockopt",
        &[3, 6, 1, 0x7ffc, 4],
        Some(0),
        vec![cap(3, capture::BUF, &le32(1))],
    );
    assert_eq!(line(&c), "3, SOL_TCP, TCP_NODELAY, [1], 4 = 0");
    let c = call(
        "getsockopt",
        &[3, 1, 4, 0x7ffc, 0x7ff0],
        Some(0),
        vec![
            cap(4, capture::FIXED, &le32(4)),
            cap(3, capture::FIXED, &[0u8; 16]),
            cap(4, capture::FIXED, &le32(4)),
        ],
    );
    assert_eq!(line(&c), "3, SOL_SOCKET, SO_ERROR, [0], [4] = 0");
    let c = call(
        "getsockopt",
        &[3, 1, 4, 0x7ffc, 0x7ff0],
        Some(-9),
        vec![cap(4, capture::FIXED, &le32(4))],
    );
    assert_eq!(
        line(&c),
        "3, SOL_SOCKET, SO_ERROR, 0x7ffc, [4] = -1 EBADF (Bad file descriptor)"
    );
    let c = call("setsockopt", &[3, 999, 7, 0, 0], Some(-92), vec![]);
    assert!(line(&c).starts_with("3, 0x3e7 /* SOL_??? */, 7, NULL, 0 ="));
}

#[test]
fn syscall_specific_flags() {
    let one = |name: &str, a: &[u64]| {
        let mut s = String::new();
        write_args(
            &mut s,
            &call(name, a, Some(0), vec![]),
            &Default::default(),
            ArgsPart::All,
            None,
        );
        s
    };
    assert_eq!(one("epoll_create1", &[0o2000000]), "EPOLL_CLOEXEC");
    assert_eq!(
        one("eventfd2", &[0, 0o2004000]),
        "0, EFD_CLOEXEC|EFD_NONBLOCK"
    );
    assert_eq!(
        one("timerfd_create", &[1, 0o2000000]),
        "CLOCK_MONOTONIC, TFD_CLOEXEC"
    );
    assert_eq!(one("inotify_init1", &[0o2000000]), "IN_CLOEXEC");
    assert_eq!(
        one("signalfd4", &[u64::MAX, 0, 8, 0o4000]),
        "-1, NULL, 8, SFD_NONBLOCK"
    );
    assert_eq!(
        one("fadvise64", &[3, 0, 0, 2]),
        "3, 0, 0, POSIX_FADV_SEQUENTIAL"
    );
    assert_eq!(
        one("faccessat2", &[(-100i64) as u64, 0, 1, 0x200]),
        "AT_FDCWD, NULL, X_OK, AT_EACCESS"
    );
    assert_eq!(
        one("renameat2", &[(-100i64) as u64, 0, (-100i64) as u64, 0, 1]),
        "AT_FDCWD, NULL, AT_FDCWD, NULL, RENAME_NOREPLACE"
    );
}

#[test]
fn personality() {
    let c = call("personality", &[0x40000], Some(0), vec![]);
    assert_eq!(line(&c), "PER_LINUX|ADDR_NO_RANDOMIZE = 0 (PER_LINUX)");
    let c = call("personality", &[0xffffffff], Some(0x40000), vec![]);
    assert_eq!(
        line(&c),
        "0xffffffff = 0x40000 (PER_LINUX|ADDR_NO_RANDOMIZE)"
    );
}

#[test]
fn sigaltstack_and_cpu_sets() {
    let st = [
        0x7f00u64.to_le_bytes(),
        0u64.to_le_bytes(),
        8192u64.to_le_bytes(),
    ]
    .concat();
    let old = [0u64.to_le_bytes(), 2u64.to_le_bytes(), 0u64.to_le_bytes()].concat();
    let c = call(
        "sigaltstack",
        &[0x7ffc, 0x7ff0],
        Some(0),
        vec![cap(0, capture::FIXED, &st), cap(1, capture::FIXED, &old)],
    );
    assert_eq!(
        line(&c),
        "{ss_sp=0x7f00, ss_flags=0, ss_size=8192}, {ss_sp=NULL, ss_flags=SS_DISABLE, \
         ss_size=0} = 0"
    );
    let c = call(
        "sched_getaffinity",
        &[0, 128, 0x7ffc],
        Some(8),
        vec![cap(2, capture::BUF, &[0b11, 0, 0b1, 0, 0, 0, 0, 0])],
    );
    assert_eq!(line(&c), "0, 128, [0 1 16] = 8");
    let c = call("sched_getaffinity", &[0, 128, 0x7ffc], Some(-22), vec![]);
    assert_eq!(line(&c), "0, 128, 0x7ffc = -1 EINVAL (Invalid argument)");
}

#[test]
fn unknown_and_raw() {
    let c = Call {
        nr: 400,
        args: [1, 0, 3, 4, 5, 6],
        ret: Some(-38),
        ..Default::default()
    };
    assert_eq!(
        line(&c),
        "0x1, 0, 0x3, 0x4, 0x5, 0x6 = -1 ENOSYS (Function not implemented)"
    );
    let c = call("openat", &[(-100i64) as u64, 0x1000, 0, 0], Some(3), vec![]);
    let mut s = String::new();
    write_args(
        &mut s,
        &c,
        &DecodeOptions {
            raw: crate::decode::Syscalls::All,
            ..Default::default()
        },
        ArgsPart::All,
        None,
    );
    assert_eq!(s, "0xffffffffffffff9c, 0x1000, 0, 0");
}

/// How many typical lines per second decoding and formatting take on one core. Prints
/// the rate, asserts nothing (speed goals are `cargo xtask bench`'s):
/// `cargo test -p tracer-user --release bench_decode -- --ignored --nocapture`.
mod bench {
    use super::*;
    use crate::event::Capture;
    use tracer_common::capture;

    fn call(name: &str, args: &[u64], ret: i64, captures: Vec<Capture>) -> Call {
        let mut a = [0u64; 6];
        a[..args.len()].copy_from_slice(args);
        Call {
            tid: 4242,
            pid: 4242,
            nr: syscalls::by_name(name).unwrap().nr,
            args: a,
            enter_ns: 1,
            exit_ns: Some(2),
            ret: Some(ret),
            captures,
            ..Default::default()
        }
    }

    fn cap(arg: u8, kind: u8, data: &[u8]) -> Capture {
        Capture {
            arg,
            kind,
            data: data.to_vec(),
            truncated: false,
            fault: false,
        }
    }

    /// openat with a path, read with a buffer, close, mmap, fstat.
    fn mix() -> Vec<Call> {
        let mut st = vec![0u8; 144];
        st[24..28].copy_from_slice(&0o100644u32.to_le_bytes());
        st[48..56].copy_from_slice(&33827i64.to_le_bytes());
        vec![
            call(
                "openat",
                &[(-100i64) as u64, 0x7ffd1000, 0o2000000, 0],
                3,
                vec![cap(1, capture::CSTR, b"/usr/lib/x86_64-linux-gnu/libc.so.6")],
            ),
            call(
                "read",
                &[3, 0x7ffd2000, 832],
                832,
                vec![cap(1, capture::BUF, b"\x7fELF\x02\x01\x01\x03\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0P\xa8\x02\0\0\0\0\0")],
            ),
            call("close", &[3], 0, vec![]),
            call(
                "mmap",
                &[0, 8192, 3, 0x22, u64::MAX, 0],
                0x7f4e6c228000,
                vec![],
            ),
            call("fstat", &[3, 0x7ffd3000], 0, vec![cap(1, capture::FIXED, &st)]),
        ]
    }

    /// One strace line, as the text formatter builds it.
    fn format_line(out: &mut String, c: &Call, opts: &DecodeOptions) {
        let start = out.len();
        out.push_str(syscalls::name(c.nr).unwrap_or("?"));
        out.push('(');
        write_args(out, c, opts, ArgsPart::All, None);
        out.push(')');
        let width = out.len() - start;
        for _ in width..39 {
            out.push(' ');
        }
        out.push_str(" = ");
        write_return(out, c, None);
        out.push('\n');
    }

    #[test]
    #[ignore = "a measurement: run with --release --ignored --nocapture"]
    fn bench_decode_rate() {
        let calls = mix();
        let opts = DecodeOptions::default();
        let mut out = String::with_capacity(1 << 20);
        let rounds = 400_000;
        let start = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..rounds {
            for c in &calls {
                format_line(&mut out, c, &opts);
            }
            if out.len() > (1 << 20) - 4096 {
                bytes += out.len();
                out.clear();
            }
        }
        bytes += out.len();
        let secs = start.elapsed().as_secs_f64();
        let events = (rounds * calls.len()) as f64;
        println!(
            "decode+format: {:.2} M events/s ({events} events in {secs:.3} s, {} bytes)",
            events / secs / 1e6,
            bytes
        );
        let mut one = String::new();
        for c in &calls {
            format_line(&mut one, c, &opts);
        }
        print!("{one}");
    }
}
