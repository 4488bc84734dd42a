//! The capture plan the kernel side follows for each syscall: which argument points at
//! memory worth copying, when, and how much. Derived from the argument kinds alone, so
//! it can never disagree with what the decoders expect.

use super::{ArgKind, Dir, Effect, StructKind, Syscall, When, layout};
use tracer_common::{
    CapturePlan, CaptureSpec, FD_ENDPOINTS, FD_EXTRA_SHIFT, FD_RETURNED, FD_SLOT, FOLLOW_BPF_INFO,
    FOLLOW_FPROG, FOLLOW_PARENT_TID, FOLLOW_PIDFD, FOLLOW_SET_TID, FOLLOW_SIGSET, LEN_FIXED,
    LEN_FROM_RET, LEN_IOC_SIZE, LOOP_SLOT, PARTIAL, capture, when,
};

/// Longest path the kernel accepts, NUL included.
const PATH_MAX: u16 = 4096;
/// Ancillary data copied: room for a few dozen passed descriptors or credentials.
pub(crate) const MSG_CONTROL_BYTES: usize = 256;
/// Most of an ioctl's struct copied (`struct dm_ioctl` and its first names fit, GPIO's
/// 592-byte `gpio_v2_line_request`, PTP's 1216-byte `ptp_sys_offset_extended`).
const IOCTL_MAX: u16 = 1280;
/// What an ioctl request that encodes no size has copied: up to a loop device's
/// 304-byte `struct loop_config` (a copy that would cross into an unreadable page is
/// retried up to the page's end).
const IOCTL_OLD: u16 = 304;
/// Largest single capture the kernel takes.
const MAX_CAPTURE: u16 = tracer_common::MAX_CAPTURE as u16;

/// What to copy for one argument: nothing, one copy, two (an in/out argument read at
/// entry and again at exit, e.g. `poll`'s array and `accept`'s length) or more (a
/// `msghdr`, its address and its iovecs).
pub fn capture_specs(arg: u8, kind: ArgKind) -> Vec<CaptureSpec> {
    let spec = |kind, when, len_arg, size| CaptureSpec::new(kind, when, arg, len_arg, size);
    let fixed = |sk: StructKind, w: When| {
        let w = match w {
            When::Enter | When::Updated => when::ENTER,

            When::ExitOk => when::EXIT_OK,
        };
        spec(capture::FIXED, w, LEN_FIXED, sk.size())
    };
    // A struct of `size` bytes read whatever the command asks: a copy that runs into
    // the mapping's end keeps what its page holds (`PARTIAL`).
    let partial = |when, size| CaptureSpec {
        max: PARTIAL,
        ..spec(capture::FIXED, when, LEN_FIXED, size)
    };
    // Arrays are limited by element count when printed, not by `-s` bytes.
    let array = |when, len_arg, size| CaptureSpec {
        max: MAX_CAPTURE,
        ..spec(capture::BUF, when, len_arg, size)
    };
    let one = match kind {
        // strace prints paths whole, other strings up to `-s` (max 0).
        ArgKind::Path => CaptureSpec {
            max: PATH_MAX,
            ..spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)
        },
        ArgKind::Str | ArgKind::MountStr { .. } => spec(capture::CSTR, when::ENTER, LEN_FIXED, 0),
        // Bytes, not a C string: all `max` are shown when no NUL is among them, and a
        // copy cut short by the mapping's end without one is unreadable
        // (`strings::write_str_upto`).
        ArgKind::StrUpTo { max } => CaptureSpec {
            max: max | PARTIAL,
            ..spec(capture::BUF, when::ENTER, LEN_FIXED, max)
        },
        // (A netlink message whose payload ends a mapping shows its header: `PARTIAL`.)
        ArgKind::BufIn { len_arg } => CaptureSpec {
            max: PARTIAL,
            ..spec(capture::BUF, when::ENTER, len_arg, 0)
        },
        ArgKind::SockBufIn { len_arg } => CaptureSpec {
            max: MAX_CAPTURE | PARTIAL,
            ..spec(capture::BUF, when::ENTER, len_arg, 0)
        },
        ArgKind::UtsName => spec(capture::BUF, when::ENTER, 1, 0),
        // An option value (an int) may sit at a mapping's end with a longer `optlen`.
        ArgKind::SockoptIn { len_arg } => CaptureSpec {
            max: PARTIAL,
            ..spec(capture::BUF, when::ENTER, len_arg, 0)
        },
        // Structs, not strings: whole, whatever `-s` (a UNIX address's path, a set of
        // 1024 CPUs).
        ArgKind::SockaddrIn { len_arg } => CaptureSpec {
            max: StructKind::Sockaddr.size(),
            ..spec(capture::BUF, when::ENTER, len_arg, 0)
        },
        ArgKind::CpuSetIn { len_arg } => array(when::ENTER, len_arg, 0),
        ArgKind::CpuSetOut => array(when::EXIT_OK, LEN_FROM_RET, 0),
        // Only a successful call has filled the buffer, and its result is the length.
        // (`recvfrom` with `MSG_TRUNC` returns more than the buffer holds, which may end
        // a mapping: `PARTIAL`.)
        ArgKind::BufOut => CaptureSpec {
            max: PARTIAL,
            ..spec(capture::BUF, when::EXIT_OK, LEN_FROM_RET, 0)
        },
        ArgKind::XattrValue { dir: Dir::In } => {
            return capture_specs(arg, ArgKind::BufIn { len_arg: arg + 1 });
        }
        ArgKind::XattrValue { dir: Dir::Out } | ArgKind::XattrList => {
            return capture_specs(arg, ArgKind::BufOut);
        }
        ArgKind::HexBufOut | ArgKind::SyslogBuf => {
            spec(capture::BUF, when::EXIT_OK, LEN_FROM_RET, 0)
        }
        ArgKind::PathOut => CaptureSpec {
            max: PATH_MAX,
            ..spec(capture::BUF, when::EXIT_OK, LEN_FROM_RET, 0)
        },
        // The three sets in one capture, filed under the descriptor count (argument 0,
        // never a pointer: any of the sets may be NULL).
        ArgKind::FdSet if arg == 1 => {
            let sets = |when| CaptureSpec::new(capture::FD_SETS, when, 0, 0, 0);
            return vec![sets(when::ENTER), sets(when::EXIT_OK)];
        }
        // KCMP_EPOLL_TFD's slot (12 bytes; for the other types the copy fails or goes
        // unused).
        ArgKind::KcmpIdx if arg == 4 => spec(capture::FIXED, when::ENTER, LEN_FIXED, 12),
        // RESTART2's command: the kernel copies at most 255 bytes, one more tells a
        // longer one; and the 255 bytes alone, for a command that ends a mapping.
        ArgKind::Reboot { n: 3 } => {
            let command = CaptureSpec {
                max: 256,
                ..spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)
            };
            return vec![command, spec(capture::FIXED, when::ENTER, LEN_FIXED, 255)];
        }
        // Q_QUOTAON's path; the struct a command reads, or writes (as long as the
        // largest: the others' copies end where their page does, `PARTIAL`).
        ArgKind::QuotaAddr { .. } => {
            let path = CaptureSpec {
                max: PATH_MAX,
                ..spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)
            };
            let size = crate::decode::QUOTA_MAX_STRUCT;
            return vec![
                path,
                partial(when::ENTER, size),
                partial(when::EXIT_OK, size),
            ];
        }
        // The struct the operation reads, or writes (as long as the largest: the others'
        // copies end where their page does, `PARTIAL`).
        ArgKind::SeccompArg { n: 2 } => {
            let size = crate::decode::SECCOMP_MAX_STRUCT;
            return vec![partial(when::ENTER, size), partial(when::EXIT_OK, size)];
        }
        // The key: strace reads 256 bytes (a copy of 257 holds 256 without their NUL).
        // The value: a string or a path, or `aux` bytes.
        ArgKind::FsconfigArg { n: 2 } => CaptureSpec {
            max: 257,
            ..spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)
        },
        ArgKind::FsconfigArg { n: 3 } => {
            let path = CaptureSpec {
                max: PATH_MAX,
                ..spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)
            };
            // (`aux` is an int: the copy its 64 bits ask for may end at the page's end.)
            let blob = CaptureSpec {
                max: PARTIAL,
                ..spec(capture::BUF, when::ENTER, 4, 0)
            };
            return vec![path, blob];
        }
        // Only counted, in the kernel.
        ArgKind::Dirents => spec(capture::DIRENT_COUNT, when::EXIT_OK, LEN_FROM_RET, 0),
        // The name PR_SET_NAME reads; what the PR_GET_* options write: the name (16
        // bytes), an address or an int (a struct's copy that runs into an unreadable
        // page keeps what precedes it: an int at the end of a mapping). Read whatever
        // the option: for the others the copies fail or go unused.
        ArgKind::PrctlArg { n: 2 } => {
            let name = capture_specs(arg, ArgKind::StrUpTo { max: 15 })[0];
            return vec![name, spec(capture::FIXED, when::EXIT_OK, LEN_FIXED, 16)];
        }
        // PTRACE_PEEKSIGINFO's arguments (read whatever the request: for the others the
        // copy fails or goes unused).
        ArgKind::PtraceArg { n: 2 } => spec(
            capture::FIXED,
            when::ENTER,
            LEN_FIXED,
            crate::decode::PTRACE_ADDR_BYTES,
        ),
        // What the kernel reads at `data` (a `siginfo_t`, a signal set, a filter's
        // offset) and what it writes there (a word, a `siginfo_t`, a signal set, a
        // `struct ptrace_syscall_info`); a copy running into an unmapped page keeps
        // what precedes it.
        ArgKind::PtraceArg { n: 3 } => {
            let data = |when| {
                spec(
                    capture::FIXED,
                    when,
                    LEN_FIXED,
                    crate::decode::PTRACE_DATA_BYTES,
                )
            };
            return vec![data(when::ENTER), data(when::EXIT_OK)];
        }
        // PR_SET_SECCOMP's `struct sock_fprog` (read whatever the option: for the others
        // the copy fails or goes unused).
        ArgKind::PrctlArg { n: 3 } => spec(capture::FIXED, when::ENTER, LEN_FIXED, 16),
        // keyctl's strings (a keyring's name, a key's type, description or restriction),
        // the payload UPDATE and INSTANTIATE send (a string's bytes too: the fourth
        // argument, a pointer there, asks for more than `-s` takes), what DESCRIBE,
        // READ and GET_SECURITY write back, INSTANTIATE_IOV's vector. Read whatever the
        // command: for the others the copies fail or go unused.
        ArgKind::KeyctlArg { n: 2 | 4 } => {
            return vec![spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)];
        }
        ArgKind::KeyctlArg { n: 3 } => {
            let mut specs = capture_specs(arg, ArgKind::BufIn { len_arg: 3 });
            specs.extend(capture_specs(arg, ArgKind::BufOut));
            specs.extend(capture_specs(
                arg,
                ArgKind::Iovec {
                    count_arg: 3,
                    dir: Dir::In,
                },
            ));
            return specs;
        }
        // PR_SET_VMA's name (up to `-s`), the cookie PR_SCHED_CORE_GET writes.
        ArgKind::PrctlArg { n: 5 } => {
            let name = spec(capture::CSTR, when::ENTER, LEN_FIXED, 0);
            return vec![name, spec(capture::FIXED, when::EXIT_OK, LEN_FIXED, 8)];
        }
        // The struct the request reads or writes, as long as the request says (a
        // struct ending where its page ends copies whole); for the old requests that
        // say nothing, enough for a terminal's settings and the start of a disk's
        // identity (read whatever the request: for the others the copy fails or goes
        // unused).
        ArgKind::IoctlArg => {
            let word = |when| CaptureSpec {
                max: IOCTL_MAX,
                ..spec(capture::FIXED, when, LEN_IOC_SIZE, IOCTL_OLD)
            };
            return vec![word(when::ENTER), word(when::EXIT_OK)];
        }
        // A lock or an owner, read and (`F_GETLK`, `F_GETOWN_EX`) written by the
        // commands that take a struct (read whatever the command: for the others the
        // copy fails or goes unused).
        ArgKind::FcntlArg => {
            return vec![
                fixed(StructKind::Flock, When::Enter),
                fixed(StructKind::Flock, When::ExitOk),
            ];
        }
        ArgKind::OffInOut => {
            return vec![
                fixed(StructKind::Loff, When::Enter),
                fixed(StructKind::Loff, When::ExitOk),
            ];
        }
        // `IPC_SET` reads the struct, `IPC_STAT` and the `*_INFO` commands fill it.
        ArgKind::IpcBuf { .. } => {
            return vec![
                fixed(StructKind::IpcBuf, When::Enter),
                fixed(StructKind::IpcBuf, When::ExitOk),
            ];
        }
        ArgKind::Sembufs { count_arg } => array(when::ENTER, count_arg, layout::SEMBUF_SIZE),
        // The `long` type, then up to `-s` bytes of the text.
        ArgKind::Msgbuf { len_arg, dir } => {
            let w = match dir {
                Dir::In => when::ENTER,
                Dir::Out => when::EXIT_OK,
            };
            spec(capture::HEADED_BUF, w, len_arg, layout::MSGBUF_HEADER)
        }
        // Copied at exit (a successful one): `msg_len` is the kernel's, and what was
        // sent is still there.
        ArgKind::Mmsghdrs { dir } => {
            let count = match dir {
                Dir::In => 2,
                Dir::Out => LEN_FROM_RET,
            };
            spec(capture::MMSG, when::EXIT_OK, count, 0)
        }
        ArgKind::GidsIn { count_arg } => array(when::ENTER, count_arg, 4),
        ArgKind::AddrArray { count_arg } => array(when::ENTER, count_arg, 8),
        // A long per node bit: more than the mask's longs (the plan cannot divide), the
        // copy limited to a page; the ptrace backend keeps what it read.
        ArgKind::Nodemask { maxnode_arg, dir } => {
            let w = match dir {
                Dir::In => when::ENTER,
                Dir::Out => when::EXIT_OK,
            };
            array(w, maxnode_arg, 8)
        }
        ArgKind::MpolModeOut => fixed(StructKind::IntPtr, When::ExitOk),
        ArgKind::MqAttr => fixed(StructKind::MqAttr, When::Enter),
        // (An array that ends a mapping shows its first elements: `PARTIAL`.)
        ArgKind::FutexWaiters { count_arg } => CaptureSpec {
            max: MAX_CAPTURE | PARTIAL,
            ..array(when::ENTER, count_arg, 24)
        },
        // As much as strace reads (one that ends a mapping may be smaller); the size the
        // kernel writes back when it finds the struct too big.
        ArgKind::SchedAttr { dir } => {
            let attr = |w| CaptureSpec {
                max: PARTIAL,
                ..spec(capture::FIXED, w, LEN_FIXED, layout::SCHED_ATTR_SIZE)
            };
            return match dir {
                Dir::In => vec![
                    attr(when::ENTER),
                    spec(capture::FIXED, when::EXIT, LEN_FIXED, 4),
                ],
                Dir::Out => vec![attr(when::EXIT_OK)],
            };
        }
        // A byte per byte of the length (the plan cannot divide by the page size),
        // limited to a page; the ptrace backend keeps what it read.
        ArgKind::MincoreVec => array(when::EXIT_OK, 1, 0),
        // Up to a page, as strace reads it.
        // Read again at exit, whatever the result (strace's commands that the kernel
        // answers in the attributes: `info_len=152 => 104`).
        ArgKind::BpfAttr => return vec![array(when::ENTER, 2, 0), array(when::EXIT, 2, 0)],
        ArgKind::IntArray { count_arg } => array(when::ENTER, count_arg, 4),
        ArgKind::KexecSegments { count_arg } => array(when::ENTER, count_arg, 32),
        ArgKind::StatusArray { count_arg } => array(when::EXIT_OK, count_arg, 4),
        ArgKind::GidsOut => array(when::EXIT_OK, LEN_FROM_RET, 4),
        ArgKind::EpollEvents => array(when::EXIT_OK, LEN_FROM_RET, StructKind::EpollEvent.size()),
        // Each element's bytes are limited by `-s`, like strings. Read at any exit: a
        // failed call still shows the array, with addresses.
        ArgKind::Iovec { count_arg, dir } => {
            let w = match dir {
                Dir::In => when::ENTER,
                Dir::Out => when::EXIT,
            };
            spec(capture::IOVEC, w, count_arg, 0)
        }
        // Only the array (the plan has one looping slot, the other vector's): a vector
        // that ends a mapping shows its first elements (`PARTIAL`).
        ArgKind::IovecAddrs { count_arg } => CaptureSpec {
            max: MAX_CAPTURE | PARTIAL,
            ..array(when::ENTER, count_arg, 16)
        },
        // The header, then what it points at: the peer address and the iovecs. A
        // received message's header is read at entry too: strace shows the address
        // length before and after (`msg_namelen=128 => 16`), and only it on failure.
        ArgKind::Struct(StructKind::Msghdr, w) => {
            let msg = fixed(StructKind::Msghdr, w);
            let part = |kind, size| CaptureSpec {
                size,
                ..spec(kind, msg.when, LEN_FIXED, 0)
            };
            let name = CaptureSpec {
                max: PARTIAL,
                ..part(capture::MSG_NAME, StructKind::Sockaddr.size())
            };
            let control = part(capture::MSG_CONTROL, MSG_CONTROL_BYTES as u16);
            let iov = part(capture::MSG_IOVEC, 0);
            return if w == When::ExitOk {
                let given = fixed(StructKind::Msghdr, When::Enter);
                vec![given, msg, name, control, iov]
            } else {
                vec![msg, name, control, iov]
            };
        }
        // `events` at entry, `revents` at exit.
        ArgKind::PollFds { count_arg } => {
            return vec![
                array(when::ENTER, count_arg, 8),
                array(when::EXIT_OK, count_arg, 8),
            ];
        }
        ArgKind::SockLen => {
            return vec![
                fixed(StructKind::IntPtr, When::Enter),
                fixed(StructKind::IntPtr, When::ExitOk),
            ];
        }
        // Enough for the int, linger and timeval options and `SO_GET_FILTER`'s first 32
        // instructions; the length at exit says how much of it is the value.
        // (The caller may have sized it to `optlen`, at a mapping's end: `PARTIAL`.)
        ArgKind::SockoptOut => CaptureSpec {
            max: PARTIAL,
            ..spec(
                capture::FIXED,
                when::EXIT_OK,
                LEN_FIXED,
                crate::decode::SOCKOPT_OUT_BYTES,
            )
        },
        ArgKind::StrArray => spec(capture::STRV, when::ENTER, LEN_FIXED, 0),
        ArgKind::EnvArray => spec(capture::PTRV_COUNT, when::ENTER, LEN_FIXED, 0),
        // An extensible struct, its size in the next argument: also as many bytes as
        // that says (up to a page), for strace's look past the version it knows
        // (`/* bytes 24..31 */ "\x80..."`, or `???` where they cannot be read).
        ArgKind::Struct(sk @ (StructKind::OpenHow | StructKind::MountAttr), w) => {
            let given = CaptureSpec {
                max: MAX_CAPTURE,
                ..spec(capture::BUF, when::ENTER, arg + 1, 0)
            };
            return vec![fixed(sk, w), given];
        }
        // As many bytes as the size argument gives (up to a page: strace looks past the
        // version it knows, `/* bytes 88..95 */ "\xde..."`, or `???` where they cannot
        // be read; a struct ending a mapping shows what was readable), and the pids
        // `set_tid` points at; after a success, those bytes again and what the kernel
        // wrote where `pidfd` and `parent_tid` point.
        ArgKind::Struct(sk @ StructKind::CloneArgs, _) => {
            let given = |when| CaptureSpec {
                max: MAX_CAPTURE,
                ..spec(capture::BUF, when, arg + 1, 0)
            };
            let follow = |when, shape| spec(capture::FOLLOW, when, shape, sk.size());
            return vec![
                given(when::ENTER),
                follow(when::ENTER, FOLLOW_SET_TID),
                given(when::EXIT_OK),
                follow(when::EXIT_OK, FOLLOW_PIDFD),
                follow(when::EXIT_OK, FOLLOW_PARENT_TID),
            ];
        }
        ArgKind::Struct(sk, When::Updated) => {
            return vec![fixed(sk, When::Enter), fixed(sk, When::ExitOk)];
        }
        // An address the kernel writes is as long as the length it returns; the caller
        // may have sized the buffer to that, at a mapping's end.
        ArgKind::Struct(StructKind::Sockaddr, w) => CaptureSpec {
            max: PARTIAL,
            ..fixed(StructKind::Sockaddr, w)
        },
        ArgKind::Struct(sk, w) => fixed(sk, w),
        ArgKind::SigframeMask => fixed(StructKind::Sigset, When::Enter),
        ArgKind::SigsetSized => spec(capture::FOLLOW, when::ENTER, FOLLOW_SIGSET, 16),
        ArgKind::IoEvents => array(when::EXIT_OK, LEN_FROM_RET, StructKind::IoEvent.size()),
        // `nr_args` elements of the largest element (an iovec; the ints of a descriptor
        // array are read at most four times over: an array faulting at its page's end
        // keeps the elements before it), and the 40 bytes of the largest struct.
        ArgKind::UringRegisterArg => {
            return vec![
                array(when::ENTER, 3 | tracer_common::LEN_U32, 16),
                partial(when::ENTER, 40),
            ];
        }
        ArgKind::PerfEventAttr => {
            let size = crate::decode::PERF_ATTR_SIZE;
            return vec![partial(when::ENTER, size), partial(when::EXIT, 8)];
        }
        ArgKind::SleepLeft => CaptureSpec {
            when: when::EXIT,
            ..fixed(StructKind::Timespec, When::ExitOk)
        },
        // The base ARCH_GET_FS/ARCH_GET_GS write (read whatever the code: for the others
        // the copy fails or goes unused).
        ArgKind::ArchPrctlArg => fixed(StructKind::AddrPtr, When::ExitOk),
        ArgKind::CloneParentTid => fixed(StructKind::IntPtr, When::ExitOk),
        ArgKind::LdtDesc => spec(
            capture::FIXED,
            when::ENTER,
            LEN_FIXED,
            crate::decode::USER_DESC_SIZE,
        ),
        // The whole struct set_thread_area reads; get_thread_area's `entry_number` (the
        // struct's first bytes, up to its page's end: strace reads only those at entry)
        // and the struct the kernel wrote.
        ArgKind::ThreadArea { get: false } => spec(
            capture::FIXED,
            when::ENTER,
            LEN_FIXED,
            crate::decode::USER_DESC_SIZE,
        ),
        ArgKind::ThreadArea { get: true } => {
            let size = crate::decode::USER_DESC_SIZE;
            return vec![
                partial(when::ENTER, size),
                spec(capture::FIXED, when::EXIT_OK, LEN_FIXED, size),
            ];
        }
        // Read whatever the operation: when the argument is `val2` rather than a
        // timeout, the copy faults or is ignored.
        ArgKind::FutexTimeout => fixed(StructKind::Timespec, When::Enter),
        _ => return Vec::new(),
    };
    vec![one]
}

fn loops(spec: &CaptureSpec) -> bool {
    tracer_common::loops(spec.kind)
}

/// What the options change in the plans.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// `-v` (the call is not abbreviated): `execve`'s environment is copied as strings,
    /// not only counted, `getdents`' records whole, `BPF_OBJ_GET_INFO_BY_FD`'s info;
    /// a filter program's instructions are copied with its
    /// `struct sock_fprog` ([`capture::FOLLOW`]).
    pub unabbreviated: bool,
    /// `-y`: what the call's first descriptor argument, its returned descriptor, one
    /// further argument its line shows as a descriptor and a `pipe`'s pair refer to
    /// ([`capture::FD_FACTS`]), where a plan slot is free.
    pub fd_facts: bool,
    /// `-yy`: with sockets' endpoints.
    pub fd_endpoints: bool,
    /// `-s`: a string limited by it is copied one byte longer than shown, so that one
    /// of exactly `-s` bytes is told from a longer one (0: the kernel's default, `-s`).
    pub string_limit: usize,
}

/// The capture plan of `sc`: its copies of memory arguments in order, except one that
/// loops (an iovec array, a count of directory entries), which goes in [`LOOP_SLOT`].
#[cfg(test)]
pub fn capture_plan(sc: &Syscall) -> CapturePlan {
    capture_plan_with(sc, PlanOptions::default())
}

/// As [`capture_plan`], for these options.
pub fn capture_plan_with(sc: &Syscall, opts: PlanOptions) -> CapturePlan {
    let mut plan = CapturePlan::default();
    let (looping, others): (Vec<_>, Vec<_>) = wanted(sc, opts).into_iter().partition(loops);
    for (slot, spec) in plan.specs.iter_mut().zip(others) {
        *slot = spec;
    }
    if let Some(&spec) = looping.first() {
        plan.specs[LOOP_SLOT] = spec;
    }
    // A socket's data is decoded by what the socket is (netlink messages by its
    // protocol), which a short-lived program's `/proc` no longer shows after the fact.
    if (opts.fd_facts || sends_socket_data(sc))
        && let Some(spec) = fd_facts_spec(sc, opts.fd_endpoints)
    {
        // The facts have their slot (the kernel programs read them from there alone);
        // a copy there moves to the looping slot when no loop needs it: the kernel
        // programs take any kind in it (the copies of one argument keep their order,
        // the slot being the last).
        if plan.specs[FD_SLOT].kind != capture::NONE && plan.specs[LOOP_SLOT].kind == capture::NONE
        {
            plan.specs[LOOP_SLOT] = plan.specs[FD_SLOT];
            plan.specs[FD_SLOT] = CaptureSpec::default();
        }
        // (Where every slot copies memory, the line names from the table and `/proc`.)
        if plan.specs[FD_SLOT].kind == capture::NONE {
            plan.specs[FD_SLOT] = spec;
        }
    }
    plan
}

/// The copies `sc`'s arguments want with these options, in argument order.
fn wanted(sc: &Syscall, opts: PlanOptions) -> Vec<CaptureSpec> {
    (0u8..)
        .zip(sc.args)
        .flat_map(|(i, arg)| match arg.kind {
            ArgKind::EnvArray if opts.unabbreviated => capture_specs(i, ArgKind::StrArray),
            // The records themselves (as many bytes as the result), strace's `-v` list.
            ArgKind::Dirents if opts.unabbreviated => vec![CaptureSpec {
                max: tracer_common::MAX_CAPTURE as u16,
                ..CaptureSpec::new(capture::BUF, when::EXIT_OK, i, LEN_FROM_RET, 0)
            }],
            // The struct and its instructions, where it may be a `struct sock_fprog`
            // (`SO_ATTACH_FILTER`'s value, a seccomp filter); the struct alone when
            // abbreviated (seccomp's own copy; setsockopt's value; prctl's below).
            ArgKind::SockoptIn { .. }
            | ArgKind::SeccompArg { n: 2 }
            | ArgKind::PrctlArg { n: 3 }
                if opts.unabbreviated =>
            {
                let mut specs = capture_specs(i, arg.kind);
                specs.retain(|_| arg.kind != ArgKind::PrctlArg { n: 3 });
                specs.push(CaptureSpec::new(
                    capture::FOLLOW,
                    when::ENTER,
                    i,
                    FOLLOW_FPROG,
                    crate::decode::FPROG_SIZE,
                ));
                specs
            }
            ArgKind::Str | ArgKind::MountStr { .. } if opts.string_limit > 0 => {
                let max = (opts.string_limit + 1).min(MAX_CAPTURE as usize) as u16;
                vec![CaptureSpec {
                    max,
                    ..capture_specs(i, ArgKind::Str)[0]
                }]
            }
            ArgKind::StrUpTo { max } if opts.string_limit > 0 => capture_specs(
                i,
                ArgKind::StrUpTo {
                    max: str_up_to(max, opts.string_limit),
                },
            ),
            // PR_SET_NAME's name, read up to 15 bytes and `-s`, as `StrUpTo` above.
            kind @ ArgKind::PrctlArg { n: 2 } if opts.string_limit > 0 => {
                let mut specs = capture_specs(i, kind);
                specs[0] = capture_specs(
                    i,
                    ArgKind::StrUpTo {
                        max: str_up_to(15, opts.string_limit),
                    },
                )[0];
                specs
            }
            // keyctl's strings, as `Str` above.
            kind @ ArgKind::KeyctlArg { .. } if opts.string_limit > 0 => {
                let max = (opts.string_limit + 1).min(MAX_CAPTURE as usize) as u16;
                let mut specs = capture_specs(i, kind);
                for spec in specs.iter_mut().filter(|s| s.kind == capture::CSTR) {
                    spec.max = max;
                }
                specs
            }
            // PR_SET_VMA's name, a string among other copies, as `Str` above.
            kind @ ArgKind::PrctlArg { n: 5 } if opts.string_limit > 0 => {
                let max = (opts.string_limit + 1).min(MAX_CAPTURE as usize) as u16;
                let mut specs = capture_specs(i, kind);
                for spec in specs.iter_mut().filter(|s| s.kind == capture::CSTR) {
                    spec.max = max;
                }
                specs
            }
            // With the object info `BPF_OBJ_GET_INFO_BY_FD` has the kernel write.
            ArgKind::BpfAttr if opts.unabbreviated => {
                let mut specs = capture_specs(i, arg.kind);
                specs.push(CaptureSpec::new(
                    capture::FOLLOW,
                    when::EXIT_OK,
                    i,
                    FOLLOW_BPF_INFO,
                    16,
                ));
                specs
            }
            kind => capture_specs(i, kind),
        })
        .map(|mut spec| {
            // An option value: the largest struct decoded (`struct group_req`), or as
            // much of a string as `-s` shows and one.
            let arg = sc.args.get(spec.arg as usize).map(|a| a.kind);
            if matches!(arg, Some(ArgKind::SockoptIn { .. })) && spec.kind == capture::BUF {
                let limit = if opts.string_limit > 0 {
                    opts.string_limit + 1
                } else {
                    0
                };
                let bytes = limit.max(SOCKOPT_IN_BYTES).min(MAX_CAPTURE as usize);
                spec.max = PARTIAL | bytes as u16;
            }
            spec
        })
        .collect()
}

/// Bytes of a `setsockopt` value copied at least: `struct group_req`, the largest
/// struct its decoder shows.
const SOCKOPT_IN_BYTES: usize = 136;

/// How many bytes strace's `printstr_ex` reads of a string the kernel takes up to `max`
/// bytes of: no more than `-s` shows and one.
pub fn str_up_to(max: u16, string_limit: usize) -> u16 {
    max.min((string_limit + 1).min(MAX_CAPTURE as usize) as u16)
}

/// Whether `sc` sends a buffer on a socket whose kind decides its decoding
/// ([`ArgKind::SockBufIn`]).
pub fn sends_socket_data(sc: &Syscall) -> bool {
    sc.args
        .iter()
        .any(|a| matches!(a.kind, ArgKind::SockBufIn { .. }))
}

/// `-y`'s facts for `sc` ([`FD_SLOT`]): the pair a `pipe`/`socketpair` writes, or its
/// first descriptor argument (a directory's where it has none; at entry for a call that
/// closes, binds or connects it, else at exit, when it is still open) and the
/// descriptor it returns (an open's too: named by its path, the table keeps which
/// file it is, to tell it from a later file under the same number).
fn fd_facts_spec(sc: &Syscall, endpoints: bool) -> Option<CaptureSpec> {
    let position = |want: fn(&ArgKind) -> bool| sc.args.iter().position(|a| want(&a.kind));
    if let Some(i) = position(|k| matches!(k, ArgKind::Struct(StructKind::FdPair, _))) {
        return Some(CaptureSpec::new(
            capture::FD_PAIR_FACTS,
            when::EXIT_OK,
            i as u8,
            LEN_FIXED,
            if endpoints { FD_ENDPOINTS } else { 0 },
        ));
    }
    // `dup2`'s and `dup3`'s target, as it was before the call made it a copy (the copy
    // and what it copies are named as the table has them).
    let target = sc
        .args
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == ArgKind::Fd)
        .nth(1);
    if sc.effect == Effect::Dup
        && let Some((i, _)) = target
    {
        let bits = if endpoints { FD_ENDPOINTS } else { 0 };
        return Some(CaptureSpec::new(
            capture::FD_FACTS,
            when::ENTER,
            i as u8,
            LEN_FIXED,
            bits,
        ));
    }
    // Arguments the line may show as the caller's descriptors, beyond its descriptor
    // arguments: `kcmp`'s indexes (`KCMP_FILE`), an ioctl's argument (`NBD_SET_SOCK`).
    let names_fd = |k: &ArgKind| matches!(k, ArgKind::KcmpIdx | ArgKind::IoctlArg);
    let arg = position(|k| *k == ArgKind::Fd)
        .or_else(|| position(|k| *k == ArgKind::DirFd))
        .or_else(|| position(names_fd))
        .map(|i| i as u8);
    let extra = sc
        .args
        .iter()
        .enumerate()
        .position(|(i, a)| names_fd(&a.kind) && Some(i as u8) != arg)
        .map_or(0, |i| (i as u16 + 1) << FD_EXTRA_SHIFT);
    let returns = sc.ret.may_be_fd();
    let when = match (arg, returns) {
        (None, false) => return None,
        (None, true) => when::EXIT_OK,
        // Before the call closes it, or binds or connects it: the line shows the
        // socket as it was (strace looks at the call's entry), and what the call made
        // of it the lines after take from their own facts.
        _ if matches!(
            sc.effect,
            Effect::Close | Effect::CloseRange | Effect::Autobind | Effect::SocketAddress
        ) =>
        {
            when::ENTER
        }
        _ => when::EXIT,
    };
    Some(CaptureSpec::new(
        capture::FD_FACTS,
        when,
        arg.unwrap_or(tracer_common::FD_RET_ARG),
        LEN_FIXED,
        if returns { FD_RETURNED } else { 0 } | if endpoints { FD_ENDPOINTS } else { 0 } | extra,
    ))
}

/// The plan slots (bits) of entry captures that may wait for the exit, when a result
/// filter keeps everything in the kernel until then: all but those of an exec (a
/// successful one replaces the memory its path, argv and envp were in) and the entry
/// half of an in/out argument (by the exit the kernel has overwritten it, e.g. a socket
/// length), and descriptor facts taken at entry (what a descriptor was before the call
/// closed, bound or connected it).
pub fn deferrable(sc: &Syscall, plan: &CapturePlan) -> u32 {
    if sc.effect == Effect::Exec {
        return 0;
    }
    let specs = &plan.specs;
    let in_out = |spec: &CaptureSpec| {
        specs
            .iter()
            .any(|o| o.kind != capture::NONE && o.when != when::ENTER && o.arg == spec.arg)
    };
    (0..specs.len())
        .filter(|&i| {
            let spec = &specs[i];
            let facts = matches!(spec.kind, capture::FD_FACTS | capture::FD_PAIR_FACTS);
            spec.kind != capture::NONE && spec.when == when::ENTER && !in_out(spec) && !facts
        })
        .fold(0, |bits, i| bits | 1 << i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syscalls::{all, by_name};

    /// The calls naming a descriptor whose copies fill every plan slot (both tables).
    const LACKING_FACTS: &[&str] = &["recvmsg"];

    fn plan(name: &str) -> Vec<CaptureSpec> {
        let plan = capture_plan(by_name(name).unwrap());
        plan.specs
            .into_iter()
            .filter(|s| s.kind != capture::NONE)
            .collect()
    }

    #[test]
    fn common_syscalls() {
        let read = plan("read");
        assert_eq!(read.len(), 1);
        assert_eq!(
            (read[0].kind, read[0].when, read[0].arg, read[0].len_arg),
            (capture::BUF, when::EXIT_OK, 1, LEN_FROM_RET)
        );
        let write = plan("write");
        assert_eq!(
            (write[0].kind, write[0].when, write[0].len_arg),
            (capture::BUF, when::ENTER, 2)
        );
        let openat = plan("openat");
        assert_eq!(
            (openat[0].kind, openat[0].arg, openat[0].max),
            (capture::CSTR, 1, 4096)
        );
        // A memfd's name: its 250 bytes, at most (-s and one, by the options).
        assert_eq!(
            (plan("memfd_create")[0].kind, plan("memfd_create")[0].max),
            (capture::BUF, 250 | PARTIAL)
        );
        let execve = plan("execve");
        let kinds: Vec<_> = execve.iter().map(|s| (s.kind, s.arg)).collect();
        assert_eq!(
            kinds,
            [
                (capture::CSTR, 0),
                (capture::STRV, 1),
                (capture::PTRV_COUNT, 2)
            ]
        );
        let fstat = plan("fstat");
        assert_eq!(
            (fstat[0].kind, fstat[0].when, fstat[0].size),
            (capture::FIXED, when::EXIT_OK, tracer_common::STAT.size)
        );
        let nanosleep = plan("nanosleep");
        assert_eq!(
            (nanosleep[0].kind, nanosleep[0].when, nanosleep[0].size),
            (capture::FIXED, when::ENTER, 16)
        );
        let connect = plan("connect");
        assert_eq!((connect[0].kind, connect[0].len_arg), (capture::BUF, 2));
        assert_eq!(connect[0].max, 128, "an address is not cut by -s");
        assert_eq!(plan("sched_setaffinity")[0].max, 4096, "nor a CPU set");
        assert!(plan("getpid").is_empty());
        // In/out arguments are read twice: at entry and, on success, at exit (`poll`:
        // x86_64 only; `ppoll` below).
        #[cfg(target_arch = "x86_64")]
        {
            let poll = plan("poll");
            assert_eq!(
                (poll[0].kind, poll[0].len_arg, poll[0].size),
                (capture::BUF, 1, 8)
            );
            assert_eq!(
                poll.iter().map(|s| (s.arg, s.when)).collect::<Vec<_>>(),
                [(0, when::ENTER), (0, when::EXIT_OK)]
            );
            assert_eq!(poll[1].max, 4096, "arrays are not limited by -s bytes");
        }
        let accept4 = plan("accept4");
        assert_eq!(
            accept4
                .iter()
                .map(|s| (s.arg, s.when, s.size))
                .collect::<Vec<_>>(),
            [
                (1, when::EXIT_OK, 128),
                (2, when::ENTER, 4),
                (2, when::EXIT_OK, 4)
            ]
        );
        // An iovec array sits in the last slot; a received message's header is read
        // at entry too.
        let readv = capture_plan(by_name("readv").unwrap());
        let iov = readv.specs[LOOP_SLOT];
        assert_eq!(
            (iov.kind, iov.when, iov.arg, iov.len_arg),
            (capture::IOVEC, when::EXIT, 1, 2)
        );
        let recvmsg = capture_plan(by_name("recvmsg").unwrap());
        assert_eq!(
            recvmsg.specs.map(|s| (s.kind, s.when)),
            [
                (capture::FIXED, when::ENTER),
                (capture::FIXED, when::EXIT_OK),
                (capture::MSG_NAME, when::EXIT_OK),
                (capture::MSG_CONTROL, when::EXIT_OK),
                (capture::MSG_IOVEC, when::EXIT_OK)
            ]
        );
        // ppoll: the array and the timeout, each at entry and at exit, and the mask.
        let ppoll = plan("ppoll");
        assert_eq!(
            ppoll.iter().map(|s| (s.arg, s.when)).collect::<Vec<_>>(),
            [
                (0, when::ENTER),
                (0, when::EXIT_OK),
                (2, when::ENTER),
                (2, when::EXIT_OK),
                (3, when::ENTER)
            ]
        );
        let dents = capture_plan(by_name("getdents64").unwrap()).specs[LOOP_SLOT];
        assert_eq!(
            (dents.kind, dents.when, dents.len_arg),
            (capture::DIRENT_COUNT, when::EXIT_OK, LEN_FROM_RET)
        );
    }

    #[test]
    fn deferrable_entry_captures() {
        let bits = |name| {
            let sc = by_name(name).unwrap();
            deferrable(sc, &capture_plan(sc))
        };
        assert_eq!(bits("openat"), 1, "the path may wait");
        assert_eq!(bits("execve"), 0, "the exec replaces path, argv and envp");
        assert_eq!(bits("execveat"), 0);
        assert_eq!(bits("accept4"), 0, "the length is in/out");
        assert_eq!(bits("read"), 0, "nothing at entry");
        assert_eq!(bits("writev"), 1 << LOOP_SLOT);
    }

    /// No syscall asks for more copies than the kernel takes, abbreviated or not.
    #[test]
    fn plans_fit() {
        let unabbreviated = PlanOptions {
            unabbreviated: true,
            ..Default::default()
        };
        for (sc, opts) in all().flat_map(|sc| [(sc, PlanOptions::default()), (sc, unabbreviated)]) {
            let wanted = wanted(sc, opts);
            let looping = wanted.iter().filter(|s| loops(s)).count();
            assert!(looping <= 1, "{}: {looping} looping captures", sc.name);
            let room = if looping == 0 {
                tracer_common::MAX_CAPTURES
            } else {
                LOOP_SLOT
            };
            assert!(
                wanted.len() - looping <= room,
                "{}: {} captures",
                sc.name,
                wanted.len()
            );
        }
    }

    /// With `-y`, every call that names a descriptor takes what it refers to at the
    /// call, except where its copies of memory fill every slot (their lines name from
    /// the table and `/proc`). The list must not grow.
    #[test]
    fn y_takes_facts_wherever_a_slot_is_free() {
        let opts = PlanOptions {
            fd_facts: true,
            ..PlanOptions::default()
        };
        let names_fds = |sc: &Syscall| {
            sc.ret.may_be_fd()
                || sc
                    .args
                    .iter()
                    .any(|a| matches!(a.kind, ArgKind::Fd | ArgKind::DirFd))
        };
        let mut lacking: Vec<&str> = all()
            .filter(|sc| names_fds(sc))
            .filter(|sc| {
                let plan = capture_plan_with(sc, opts);
                !plan
                    .specs
                    .iter()
                    .any(|s| matches!(s.kind, capture::FD_FACTS | capture::FD_PAIR_FACTS))
            })
            .map(|sc| sc.name)
            .collect();
        lacking.sort_unstable();
        lacking.dedup();
        assert_eq!(lacking, LACKING_FACTS, "syscalls without -y's facts");
        // The copy that made room keeps its place among its argument's copies.
        let recvfrom = capture_plan_with(by_name("recvfrom").unwrap(), opts);
        assert_eq!(recvfrom.specs[FD_SLOT].kind, capture::FD_FACTS);
        assert_eq!(
            (recvfrom.specs[2].arg, recvfrom.specs[2].when),
            (5, when::ENTER)
        );
        assert_eq!(
            (
                recvfrom.specs[LOOP_SLOT].arg,
                recvfrom.specs[LOOP_SLOT].when
            ),
            (5, when::EXIT_OK)
        );
        // bind, connect and listen: the socket as it was before the call.
        for name in ["bind", "connect", "listen"] {
            let plan = capture_plan_with(by_name(name).unwrap(), opts);
            assert_eq!(plan.specs[FD_SLOT].when, when::ENTER, "{name}");
        }
        // An open's result: which file it is.
        let openat = capture_plan_with(by_name("openat").unwrap(), opts).specs[FD_SLOT];
        assert_eq!(
            (
                openat.kind,
                openat.when,
                openat.arg,
                openat.size & FD_RETURNED
            ),
            (capture::FD_FACTS, when::EXIT, 0, FD_RETURNED)
        );
        // Facts at entry are what the call changes: never deferred to its exit.
        let close = by_name("close").unwrap();
        assert_eq!(deferrable(close, &capture_plan_with(close, opts)), 0);
        // Descriptors the line names beyond the fd arguments: kcmp's two indexes, an
        // ioctl's argument; none for a call without such an argument.
        let facts = |name: &str| capture_plan_with(by_name(name).unwrap(), opts).specs[FD_SLOT];
        let kcmp = facts("kcmp");
        assert_eq!((kcmp.kind, kcmp.arg), (capture::FD_FACTS, 3));
        assert_eq!(tracer_common::fd_extra_arg(kcmp.size), Some(4));
        let ioctl = facts("ioctl");
        assert_eq!(
            (ioctl.arg, tracer_common::fd_extra_arg(ioctl.size)),
            (0, Some(2))
        );
        assert_eq!(tracer_common::fd_extra_arg(openat.size), None);
    }

    #[test]
    fn every_plan_is_well_formed() {
        for sc in all() {
            let plan = capture_plan(sc);
            for s in plan.specs.iter().filter(|s| s.kind != capture::NONE) {
                assert!((s.arg as usize) < sc.args.len(), "{}", sc.name);
                let len_ok = matches!(s.len_arg, LEN_FIXED | LEN_FROM_RET)
                    || (s.len_arg == LEN_IOC_SIZE && sc.args.len() > 1)
                    || s.kind == capture::FOLLOW
                    || ((s.len_arg & !tracer_common::LEN_U32) as usize) < sc.args.len();
                assert!(len_ok, "{}", sc.name);
                assert!(s.size as usize <= tracer_common::MAX_CAPTURE, "{}", sc.name);
            }
        }
    }

    /// A followed struct is copied whole enough to hold the pointer and the count its
    /// shape reads, in 8-byte words the kernel programs read in place.
    #[test]
    fn followed_structs_hold_their_pointer_and_count() {
        let unabbreviated = PlanOptions {
            unabbreviated: true,
            ..Default::default()
        };
        let mut seen = Vec::new();
        for sc in all() {
            let plan = capture_plan_with(sc, unabbreviated);
            for s in plan.specs.iter().filter(|s| s.kind == capture::FOLLOW) {
                let shape = tracer_common::follow_shape(s.len_arg);
                let size = s.size as usize;
                assert!(size.is_multiple_of(8) && size < tracer_common::MAX_FOLLOW_STRUCT);
                assert!(
                    shape.ptr_at.is_multiple_of(8) && shape.ptr_at + 8 <= size,
                    "{}",
                    sc.name
                );
                assert!(
                    shape.count_at.is_multiple_of(8) && shape.count_at + 8 <= size,
                    "{}",
                    sc.name
                );
                seen.push(sc.name);
            }
        }
        seen.sort();
        seen.dedup();
        assert_eq!(
            seen,
            [
                "bpf",
                "clone3",
                "io_pgetevents",
                "prctl",
                "pselect6",
                "seccomp",
                "setsockopt"
            ]
        );
        // Abbreviated, only clone3's pids and the signal sets are followed.
        let plan = capture_plan(by_name("setsockopt").unwrap());
        assert!(plan.specs.iter().all(|s| s.kind != capture::FOLLOW));
        let plan = capture_plan(by_name("clone3").unwrap());
        assert!(plan.specs.iter().any(|s| s.kind == capture::FOLLOW));
    }
}
