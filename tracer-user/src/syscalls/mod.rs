//! What the tracer knows about each syscall: its number, name, strace's trace classes,
//! and for every argument how to capture and print it.
//!
//! The table is data, not code: the capture plan ([`plan::capture_plan`]) and the
//! decoders (`crate::decode`) are both derived from each argument's [`ArgKind`], so a
//! syscall is taught to the tracer by editing its one line in the table.

/// One line of an architecture's table:
/// `sc!(nr, name, [classes], return kind, [arg: kind, ...] [, effect])`.
macro_rules! sc {
    ($nr:literal, $name:literal, [$($class:ident)*], $ret:ident, [$($arg:literal: $kind:expr),* $(,)?] $(, $effect:ident)?) => {
        Syscall {
            nr: $nr,
            name: $name,
            args: &[$(Arg { name: $arg, kind: $kind }),*],
            class: Class(0 $(| Class::$class.0)*),
            ret: RetKind::$ret,
            effect: sc!(@effect $($effect)?),
        }
    };
    (@effect) => { Effect::None };
    (@effect $effect:ident) => { Effect::$effect };
}

/// A hole in the numbering.
macro_rules! gap {
    ($nr:literal) => {
        Syscall {
            nr: $nr,
            name: "",
            args: &[],
            class: Class::NONE,
            ret: RetKind::Int,
            effect: Effect::None,
        }
    };
}

pub mod layout;
pub mod plan;
// One table per architecture, the build target's chosen here; tests see both.
#[cfg(any(target_arch = "aarch64", test))]
mod aarch64;
#[cfg(any(target_arch = "x86_64", test))]
mod x86_64;

#[cfg(target_arch = "aarch64")]
use aarch64 as native;
#[cfg(target_arch = "x86_64")]
use x86_64 as native;

pub use native::SYSCALLS;

/// One syscall of the architecture's table. Entries with an empty `name` are holes in
/// the numbering (e.g. x86_64's 337..=423, arm64's 244..=259 and 295..=423).
#[derive(Debug, PartialEq, Eq)]
pub struct Syscall {
    pub nr: u32,
    pub name: &'static str,
    pub args: &'static [Arg],
    pub class: Class,
    pub ret: RetKind,
    /// What a successful call changes that the tracer keeps track of.
    pub effect: Effect,
}

/// What a successful call does to its process's descriptors, working directory or
/// memory: drives the `-y` fd table, `-P`'s descriptor tracking, task names and what the
/// capture plan may copy late. Calls that return a descriptor without an effect of their
/// own (`socket`, `accept`, `eventfd`...) name it from what it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Opens the `Path` argument (relative to the `DirFd` one) and returns the new fd,
    /// close-on-exec when its `OpenFlags` say so.
    Open,
    /// Returns a copy of the descriptor in argument 0 (close-on-exec by its `FdFlags`).
    Dup,
    /// `fcntl`: duplicates or sets close-on-exec, by command.
    Fcntl,
    /// Closes the descriptor in argument 0.
    Close,
    /// Closes (or marks close-on-exec) a range of descriptors.
    CloseRange,
    /// Replaces the process image: close-on-exec descriptors go, memory the call's
    /// arguments point at is gone by its exit, the task takes the program's name.
    Exec,
    /// Starts a task that has a copy of the descriptors, unless its `CloneFlags` share
    /// them.
    Fork,
    /// Changes the working directory to the `Path` argument, or (with an `Fd` argument)
    /// to what the descriptor names.
    Chdir,
    /// Returns two new descriptors in its `FdPair` argument (`pipe`, `socketpair`).
    FdPair,
    /// Gives the socket in argument 0 its endpoints (`connect`, `bind`, `listen`).
    SocketAddress,
    /// May bind the unbound datagram socket in argument 0 (the sends): `-y` shows the
    /// socket as it was at entry.
    Autobind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arg {
    pub name: &'static str,
    pub kind: ArgKind,
}

/// When a struct argument is read from tracee memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// An input the kernel reads (e.g. the timespec of `nanosleep`).
    Enter,

    /// An output the kernel writes only when the call succeeds (e.g. `fstat`'s buffer).
    ExitOk,
    /// An input the kernel updates when the call succeeds (`ppoll`'s timeout, which
    /// comes back as the time left): read at both.
    Updated,
}

/// Direction of a data buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    /// Read by the kernel: known at entry (`writev`).
    In,
    /// Filled by the kernel: known at exit (`readv`).
    Out,
}

/// Fixed-size structures the decoders know, with their sizes on the build target
/// (`tracer_common::arch` where they differ).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StructKind {
    Stat,
    Statx,
    Statfs,
    Timespec,
    Timeval,
    /// Kernel `struct sigaction` (handler, flags, restorer, mask).
    Sigaction,
    /// A kernel sigset (64 signals).
    Sigset,
    Rlimit,
    Utsname,
    EpollEvent,
    Msghdr,
    Sysinfo,
    /// A pointer to one `int`, printed `[N]` (socklen_t results, `wait4` status...).
    IntPtr,
    /// Two `int`s, printed `[3, 4]` (`pipe`, `socketpair`).
    FdPair,
    /// A `wait4` status word: `[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]`.
    WaitStatus,
    /// `struct sockaddr_storage`, for addresses the kernel writes back (`accept`). Its
    /// length is the [`ArgKind::SockLen`] argument that follows it.
    Sockaddr,
    /// `stack_t` (`sigaltstack`).
    StackT,
    /// `struct clone_args` (`clone3`), its first 88 bytes (version 2).
    CloneArgs,
    /// `struct flock`: the largest struct `fcntl`'s commands read or write.
    Flock,
    /// `struct timespec[2]` (`utimensat`): `[{...} /* date */, UTIME_NOW]`.
    TimespecPair,
    /// `struct timeval[2]` (`utimes`, `futimesat`: x86_64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    TimevalPair,
    /// `struct utimbuf` (`utime`: x86_64 only): `{actime=... /* date */, modtime=...}`.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Utimbuf,
    /// A `loff_t *` / `off_t *`: `[4096]`.
    Loff,
    /// `struct itimerval`: `{it_interval={...}, it_value={...}}`.
    Itimerval,
    /// `struct itimerspec`: `{it_interval={tv_sec=0, tv_nsec=0}, it_value={...}}`.
    Itimerspec,
    /// `struct timezone`: `{tz_minuteswest=0, tz_dsttime=0}`.
    Timezone,
    /// `struct tms` (`times`): `{tms_utime=25 /* 0.25 s */, ...}`.
    Tms,
    /// `struct rusage`: the two times, the counters only unabbreviated (`-v`).
    Rusage,
    /// `struct open_how` (`openat2`): `{flags=O_RDONLY|O_EXCL, resolve=0}`.
    OpenHow,
    /// A `time_t` the kernel writes, with its date: `[1700000000 /* 2023-11-14T22:13:20+0000
    /// */]` (`time`: x86_64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    TimeT,
    /// `struct landlock_ruleset_attr`: `{handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE}`,
    /// `, ...` after it when the size given (the next argument) is larger.
    LandlockRulesetAttr,
    /// `struct landlock_path_beneath_attr` (packed), for `LANDLOCK_RULE_PATH_BENEATH`:
    /// `{allowed_access=LANDLOCK_ACCESS_FS_EXECUTE, parent_fd=3}`.
    LandlockPathBeneath,
    /// A pointer to an address the kernel writes: `[0x7f...]` (`io_setup`,
    /// `get_robust_list`).
    AddrPtr,
    /// A `siginfo_t`: `{si_signo=SIGUSR1, si_code=SI_USER, ...}`.
    Siginfo,
    /// The largest of the SysV IPC control structs (`msqid_ds`): `shmctl`'s, `semctl`'s
    /// and `msgctl`'s buffer, printed by command.
    IpcBuf,
    /// `struct mq_attr`: `{mq_flags=O_NONBLOCK, mq_maxmsg=10, ...}`.
    MqAttr,
    /// `struct sigevent`: `{sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}`.
    Sigevent,
    /// `struct timex` (`adjtimex`): `{modes=0, offset=0, ..., tai=0}`.
    Timex,
    /// `struct mount_attr` (`mount_setattr`), its size the next argument.
    MountAttr,
    /// `struct __sysctl_args` (`_sysctl`: x86_64 only): `{name=NULL, nlen=0, ...}`.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    SysctlArgs,
    /// `struct io_uring_params` (`io_uring_setup`): what the caller asks, then what the
    /// kernel wrote back.
    UringParams,
    /// `struct iocb` (`io_cancel`): its header, `{aio_data=..., aio_lio_opcode=...}`.
    Iocb,
    /// `struct io_event`: `{data=..., obj=..., res=..., res2=...}`.
    IoEvent,
    /// `cap_user_header_t`: `{version=_LINUX_CAPABILITY_VERSION_3, pid=0}`.
    CapHeader,
    /// `cap_user_data_t`: one or two structs of three masks, by the header's version.
    CapData,
}

impl StructKind {
    pub const fn size(self) -> u16 {
        match self {
            Self::Stat => tracer_common::STAT.size,
            Self::Statx => 256,
            Self::Statfs => 120,
            Self::Timespec | Self::Timeval | Self::Rlimit => 16,
            Self::Sigaction => 32,
            Self::Sigset | Self::FdPair => 8,
            Self::Utsname => 390,
            Self::EpollEvent => tracer_common::EPOLL_EVENT.size,
            Self::Msghdr => 56,
            Self::Sysinfo => 112,
            Self::IntPtr | Self::WaitStatus => 4,
            Self::Sockaddr => 128,
            Self::StackT => 24,
            Self::CloneArgs => 88,
            Self::Flock => layout::flock::SIZE,
            Self::TimespecPair | Self::TimevalPair => 32,
            Self::Utimbuf => 16,
            Self::Loff => 8,
            Self::IpcBuf => layout::msqid_ds::SIZE,
            Self::Itimerval | Self::Itimerspec => 32,
            Self::Timezone | Self::AddrPtr | Self::TimeT | Self::LandlockRulesetAttr => 8,
            Self::LandlockPathBeneath => 12,
            Self::Tms => 32,
            Self::Rusage => 144,
            Self::OpenHow => 24,
            // All of it, as strace reads it (one at the end of a mapping is not shown),
            // though the fields shown are in the first `SIGINFO_BYTES`.
            Self::Siginfo => 128,
            Self::MqAttr => layout::MQ_ATTR_SIZE,
            Self::Sigevent => layout::SIGEVENT_SIZE,
            Self::Timex => layout::TIMEX_SIZE,
            Self::MountAttr => layout::MOUNT_ATTR_SIZE,
            Self::SysctlArgs => layout::SYSCTL_ARGS_SIZE,
            Self::UringParams => crate::decode::URING_PARAMS_SIZE,
            Self::Iocb => crate::decode::IOCB_SIZE,
            Self::IoEvent => crate::decode::IO_EVENT_SIZE,
            Self::CapHeader => 8,
            Self::CapData => 24,
        }
    }
}

/// How one argument is captured and printed. Integer kinds say how wide the C type is,
/// because the register holds garbage above it (an `int` of -1 arrives as 0xffffffff).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A register only 32-bit ABIs use (the high half of `preadv`'s offset): not shown.
    Unused,
    /// `rt_sigreturn`'s signal frame: the backends put the address of the mask it
    /// restores here (see [`entry_args`]); printed `{mask=[...]}`.
    SigframeMask,
    /// `int`: signed decimal of the low 32 bits.
    Int,
    /// A process or thread id (`pid_t`): as [`ArgKind::Int`], with its command name
    /// under `-Y` (`1234<cat>`).
    Pid,
    /// `getpriority`'s and `ioprio_get`'s `who`: a pid when argument 0 is `process` or
    /// `pgrp`, else an `int`.
    WhoPid {
        process: u8,
        pgrp: u8,
    },
    /// `long`, `off_t`: signed decimal.
    Long,
    /// `unsigned int`: unsigned decimal of the low 32 bits.
    UInt,
    /// `size_t`, `unsigned long`: unsigned decimal.
    ULong,
    /// `0x...` (0 prints `0`).
    Hex,
    /// An `unsigned int` in hex: `0x...` of the low 32 bits (0 prints `0`).
    Hex32,
    /// A `uid_t` or `gid_t`: unsigned decimal of the low 32 bits, `-1` for `(uid_t) -1`.
    Uid,
    /// A named constant or flag set of `decode::xlat`'s tables, printed as strace's
    /// `printxval`/`printflags` print it (see [`NamedSet`]).
    Named(NamedSet),
    /// An address: `NULL` or `0x...`.
    Ptr,
    Fd,
    /// A directory fd: `AT_FDCWD` or the number.
    DirFd,
    /// A path: read at entry, not limited by `-s`.
    Path,
    /// A NUL-terminated string read at entry, limited by `-s`.
    Str,
    /// A string the kernel reads up to a length of its own (a memfd's name): as
    /// [`ArgKind::Str`], with at most `max` bytes read, as strace's `printstr_ex` reads
    /// them (`max` bytes without a NUL show all with `...`; fewer readable, an address).
    StrUpTo {
        max: u16,
    },
    /// Bytes the kernel reads: `len_arg` holds the count (`write`, `send`).
    BufIn {
        len_arg: u8,
    },
    /// Bytes sent on a socket (`sendto`): as [`ArgKind::BufIn`], but copied whole (up
    /// to `MAX_CAPTURE`, whatever `-s`), as strace reads a netlink socket's messages
    /// whole to decode them; other data still prints up to `-s`.
    SockBufIn {
        len_arg: u8,
    },
    /// `sethostname`'s and `setdomainname`'s name: bytes the kernel reads, as many as
    /// argument 1 says; a length over the kernel's 64 (`__NEW_UTS_LEN`) is refused
    /// before any is read, and strace shows the address.
    UtsName,
    /// Bytes the kernel writes: the return value is the count (`read`, `recv`).
    BufOut,
    /// An extended attribute's value, sent (its size the next argument) or received (as
    /// long as the result): a string without its trailing NUL, the address past
    /// `XATTR_SIZE_MAX`.
    XattrValue {
        dir: Dir,
    },
    /// `listxattr`'s list of names, as long as the result (the address for a zero size).
    XattrList,
    /// Like [`ArgKind::BufOut`] but always printed in hex (`getrandom`).
    HexBufOut,
    /// A path the kernel writes, the return value counting its NUL (`getcwd`).
    PathOut,
    /// One of `select`'s three `fd_set`s (arguments 1 to 3, sized by the descriptor
    /// count in argument 0): `[3 4]`. Read at entry and, on success, at exit (the ready
    /// descriptors, shown with the return value).
    FdSet,
    /// `struct iovec[count_arg]`.
    Iovec {
        count_arg: u8,
        dir: Dir,
    },
    /// `struct iovec[count_arg]` the kernel reads whose elements strace shows as
    /// addresses only (`process_vm_readv`'s remote vector, `process_madvise`):
    /// `[{iov_base=0x7f..., iov_len=10}]`.
    IovecAddrs {
        count_arg: u8,
    },
    /// `char *argv[]`: the strings.
    StrArray,
    /// `char *envp[]`: only counted, as strace does by default.
    EnvArray,
    /// A `struct sockaddr` of `len_arg` bytes the kernel reads (`connect`, `bind`).
    SockaddrIn {
        len_arg: u8,
    },
    /// `ioctl`'s third argument, shown and printed as its request needs.
    IoctlArg,
    /// `prctl`'s argument `n` (2 to 5), shown and printed as its option needs.
    PrctlArg {
        n: u8,
    },
    /// `ptrace`'s argument `n` (1 to 3), shown and printed as its request needs.
    PtraceArg {
        n: u8,
    },
    /// `keyctl`'s argument `n` (2 to 5), shown and printed as its command needs.
    KeyctlArg {
        n: u8,
    },
    /// `bpf`'s `union bpf_attr`, as many bytes as argument 2 says, printed by the
    /// command in argument 0.
    BpfAttr,
    /// A NUMA node mask of as many bits as argument `maxnode_arg` says, read at entry
    /// ([`Dir::In`], `set_mempolicy`) or filled by the call ([`Dir::Out`],
    /// `get_mempolicy`): its longs, `[0000000000000000, 0x00000000000003]`.
    Nodemask {
        maxnode_arg: u8,
        dir: Dir,
    },
    /// `mincore`'s vector, a byte per page of the length in argument 1: `[1, 0]`.
    MincoreVec,
    /// `get_mempolicy`'s mode, written by the call: `[MPOL_DEFAULT]`.
    MpolModeOut,
    /// `void *[count_arg]` the kernel reads (`move_pages`' pages): `[0x7f..., NULL]`.
    AddrArray {
        count_arg: u8,
    },
    /// `int[count_arg]` the kernel reads (`move_pages`' nodes): `[0, -1]`.
    IntArray {
        count_arg: u8,
    },
    /// `int[count_arg]` a successful call filled with nodes or negated errnos
    /// (`move_pages`' status): `[0, -EFAULT]`.
    StatusArray {
        count_arg: u8,
    },
    /// `gid_t[count_arg]` the kernel reads (`setgroups`): `[0, 4, 24]`.
    GidsIn {
        count_arg: u8,
    },
    /// `gid_t[]` the kernel fills (`getgroups`), as many as the return value (and the
    /// size given in argument 0) say.
    GidsOut,
    /// `struct pollfd[count_arg]`.
    PollFds {
        count_arg: u8,
    },
    /// `struct epoll_event[]` filled by the kernel, the return value counting them.
    EpollEvents,
    /// A struct at a pointer, read at the given time.
    Struct(StructKind, When),
    OpenFlags,
    /// A permission mode: octal `0644`.
    Mode,
    /// `open`'s mode: only printed when the preceding flags have `O_CREAT`/`O_TMPFILE`.
    OpenMode,
    /// `arch_prctl`'s second argument: an address for the `ARCH_GET_*` codes (`NULL`),
    /// else a number in hex.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    ArchPrctlArg,
    /// `modify_ldt`'s `struct user_desc`, read when the count is its size (x86 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    LdtDesc,
    /// `set_thread_area`'s `struct user_desc` (read whole at entry), `get_thread_area`'s
    /// (`get`: its `entry_number` at entry, the rest the kernel wrote at exit; x86 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    ThreadArea {
        get: bool,
    },
    /// `fanotify_mark`'s directory descriptor: `FAN_NOFD`, `AT_FDCWD` or the number.
    FanDirFd,
    /// `kcmp`'s `idx1`/`idx2`: descriptors for `KCMP_FILE`, else hex.
    KcmpIdx,
    /// `pidfd_getfd`'s `targetfd`: a descriptor of the process its pidfd refers to.
    PidfdTargetFd,
    /// `swapon`'s flags and priority: `SWAP_FLAG_PREFER|10`.
    SwapFlags,
    /// `mount`'s flags: `MS_MGC_VAL|MS_RDONLY`, `MS_BIND|MS_REC`.
    MountFlags,
    /// `mount`'s filesystem type (`type: true`) or data: a string as [`ArgKind::Str`],
    /// the address where the flags (argument 3) make the kernel ignore it.
    MountStr {
        data: bool,
    },
    /// `struct sched_attr`: read at entry by `sched_setattr` ([`Dir::In`], with its
    /// size again at exit for `E2BIG`), filled by `sched_getattr` ([`Dir::Out`]).
    SchedAttr {
        dir: Dir,
    },
    /// `futex_waitv`'s `struct futex_waitv[count_arg]`, read at entry.
    FutexWaiters {
        count_arg: u8,
    },
    /// `mq_open`'s attributes: only printed when its flags (argument 1) have `O_CREAT`,
    /// its `mq_flags` (which the kernel ignores) in hex.
    MqAttr,
    /// `access` mode: `R_OK|W_OK`, `F_OK`.
    AccessMode,
    AtFlags,
    /// `statx` flags: the sync type, then `AT_*` flags.
    StatxFlags,
    MmapProt,
    MmapFlags,
    /// `memfd_create`'s flags, a huge page size's bits as `21<<MFD_HUGE_SHIFT`.
    MemfdFlags,
    MremapFlags,
    Madvise,
    CloneFlags,
    /// `clone`'s new stack, parent tid (written back), child tid and TLS: printed by name
    /// in strace's order (`child_stack=..., flags=..., parent_tid=[N]`) whatever the
    /// architecture's argument order.
    CloneStack,
    CloneParentTid,
    CloneChildTid,
    CloneTls,
    SocketDomain,
    SocketType,
    /// Protocol, named according to the domain in argument 0.
    SocketProtocol,
    MsgFlags,
    ShutdownHow,
    SockoptLevel,
    FcntlCmd,
    /// `fcntl`'s third argument, printed according to the command in argument 1
    /// (omitted for commands that take none).
    FcntlArg,
    Whence,
    Signal,
    SigHow,
    WaitOptions,
    EpollCtlOp,
    FutexOp,
    /// `futex`'s `val`, shown only by the operations that use it.
    FutexVal,
    /// `futex`'s fourth argument: a timeout for the waiting operations, `val2` for the
    /// requeueing ones, absent otherwise. Captured as a timespec at entry either way.
    FutexTimeout,
    /// `futex`'s `uaddr2`, shown only by the operations that use it.
    FutexUaddr2,
    /// `futex`'s `val3`, shown only by the operations that use it.
    FutexVal3,
    PrctlOption,
    /// `nanosleep`'s and `clock_nanosleep`'s time left: read at exit, shown only when a
    /// signal interrupted the call (`ERESTART_RESTARTBLOCK`), else the address.
    SleepLeft,
    /// `pselect6`'s and `io_pgetevents`' `{const sigset_t *, size_t}`, read at entry
    /// with the set: `{sigmask=[HUP], sigsetsize=8}`.
    SigsetSized,
    /// `struct io_event[]` the kernel fills, the return value counting them.
    IoEvents,
    /// `io_submit`'s array of `struct iocb` pointers, as long as argument `count_arg`
    /// says (read by the ptrace backend, `decode::derefs`: the plans cannot follow an
    /// array of pointers).
    Iocbs {
        count_arg: u8,
    },
    /// `io_uring_register`'s argument, by opcode: an iovec array (`IORING_REGISTER_BUFFERS`),
    /// descriptors (`_FILES`, `_EVENTFD`), a `struct io_uring_buf_reg`; else the address.
    UringRegisterArg,
    /// `perf_event_open`'s `struct perf_event_attr`: read at entry (128 bytes, up to
    /// the page's end), its `size` again at exit (what `E2BIG` wrote back).
    PerfEventAttr,
    /// `syslog`'s action, buffer (what a read action got) and length: the last two
    /// only for the actions that use them.
    SyslogAction,
    SyslogBuf,
    SyslogLen,
    /// `reboot`'s argument `n` (0 to 3): the magic numbers, the command, RESTART2's
    /// command line.
    Reboot {
        n: u8,
    },
    /// `quotactl`'s and `quotactl_fd`'s command, `QCMD(Q_GETQUOTA, USRQUOTA)`; the id
    /// and the address, shown for the commands that use them (`cmd`: which argument is
    /// the command).
    QuotaCmd,
    /// `fsconfig`'s argument `n` (1 to 4: the command, key, value, aux), by command.
    FsconfigArg {
        n: u8,
    },
    /// `kexec_load`'s segments (`count_arg` of them) and flags.
    KexecSegments {
        count_arg: u8,
    },
    KexecFlags,
    /// `seccomp`'s flags (`n` 1) and argument (`n` 2), by operation.
    SeccompArg {
        n: u8,
    },
    QuotaId {
        cmd: u8,
    },
    QuotaAddr {
        cmd: u8,
    },
    /// x86_64's `arch_prctl` only.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    ArchPrctlCode,
    /// `ioprio_set`'s priority: `IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 4)`.
    Ioprio,
    IoctlRequest,
    ClockId,
    RlimitResource,
    GrndFlags,
    /// `O_CLOEXEC|O_NONBLOCK`-style flags where 0 prints `0` (`pipe2`, `dup3`).
    FdFlags,
    StatxMask,
    /// `struct linux_dirent[64]` the kernel fills, the return value counting bytes:
    /// the address, then `/* N entries */`.
    Dirents,
    /// A `socklen_t *` the kernel reads at entry and writes back (`accept`,
    /// `getsockname`, `getsockopt`): `[128 => 16]`, or `[16]` when unchanged.
    SockLen,
    /// `setsockopt`'s option name, according to the level in argument 1.
    SockoptName,
    /// `setsockopt`'s value, `len_arg` bytes: `[1]` for an `int`.
    SockoptIn {
        len_arg: u8,
    },
    /// `getsockopt`'s value, as long as the [`ArgKind::SockLen`] that follows says.
    SockoptOut,
    /// A CPU set the kernel reads (`sched_setaffinity`): `[0 1]`.
    CpuSetIn {
        len_arg: u8,
    },
    /// A CPU set the kernel fills, the return value counting its bytes.
    CpuSetOut,
    /// `accept4`'s `SOCK_CLOEXEC|SOCK_NONBLOCK`.
    SockFlags,
    /// `epoll_create1`'s `EPOLL_CLOEXEC`.
    EpollCreateFlags,
    /// `eventfd2`'s `EFD_*`.
    EfdFlags,
    /// `timerfd_create`'s `TFD_*`.
    TfdFlags,
    /// `signalfd4`'s `SFD_*`.
    SfdFlags,
    /// `inotify_init1`'s `IN_*`.
    InotifyInitFlags,
    /// `renameat2`'s `RENAME_*`.
    RenameFlags,
    /// `fadvise64`'s `POSIX_FADV_*`.
    Fadvice,
    /// `faccessat2`'s flags, where 0x200 is `AT_EACCESS`.
    AccessAtFlags,
    /// `personality`'s persona: `PER_LINUX|ADDR_NO_RANDOMIZE`, `0xffffffff` (a query).
    Personality,
    /// A `mode_t` with its file type, as `mknod` takes it: `S_IFIFO|0600`, `0600`.
    FileMode,
    /// `mknod`'s device, shown only for the character and block devices of the
    /// [`ArgKind::FileMode`] before it: `makedev(0x1, 0x3)`.
    MknodDev,
    /// A device number (`unsigned int`): `makedev(0x8, 0x1)` (`ustat`: x86_64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Dev,
    /// `flock`'s operation: `LOCK_SH|LOCK_NB`.
    FlockOp,
    /// `msync`'s `MS_*`.
    MsyncFlags,
    /// `mlockall`'s `MCL_*`.
    MlockallFlags,
    /// `mlock2`'s `MLOCK_*`.
    MlockFlags,
    /// `splice`'s, `tee`'s and `vmsplice`'s `SPLICE_F_*`.
    SpliceFlags,
    /// `mremap`'s new address, shown only when its flags move the mapping there.
    MremapNewAddr,
    /// `sendfile`'s offset, read at entry and updated by a call that sent something:
    /// `[2] => [7]`.
    OffInOut,
    /// `getitimer`'s and `setitimer`'s `ITIMER_*`.
    ItimerWhich,
    /// `waitid`'s `P_*`.
    IdType,
    /// A SysV IPC key: `IPC_PRIVATE` or hex.
    IpcKey,
    /// `msgget`'s and `semget`'s flags and mode: `IPC_CREAT|0600`.
    IpcFlags,
    /// `shmget`'s flags, huge page size and mode.
    ShmgetFlags,
    /// `shmat`'s `SHM_*`.
    ShmatFlags,
    /// `msgsnd`'s and `msgrcv`'s `MSG_*`/`IPC_NOWAIT`.
    IpcMsgFlags,
    /// The command of `shmctl`, `semctl` or `msgctl`.
    IpcCmd(Ipc),
    /// Their buffer, printed as the command in argument `cmd_arg` uses it: a struct the
    /// kernel reads (`IPC_SET`) or fills (`IPC_STAT`, `*_INFO`), else the pointer.
    IpcBuf {
        ipc: Ipc,
        cmd_arg: u8,
    },
    /// `struct sembuf[count_arg]`.
    Sembufs {
        count_arg: u8,
    },
    /// `struct mmsghdr[]` with each message's address and data: as many as argument
    /// `vlen` says for the kernel to send ([`Dir::In`], `sendmmsg`), as many as the
    /// return value for those it received (`recvmmsg`). Printed at exit.
    Mmsghdrs {
        dir: Dir,
    },
    /// A `struct msgbuf` with `len_arg` bytes of text the kernel reads (`msgsnd`) or,
    /// once the call succeeded, filled (`msgrcv`): `{mtype=1, mtext="hello"}`.
    Msgbuf {
        len_arg: u8,
        dir: Dir,
    },
}

/// The tables of [`ArgKind::Named`]: a flag set (`printflags`) or a constant
/// (`printxval`), of the low 32 bits of the register where the C type is an `int` or
/// `unsigned int` (strace's `printflags`, `printxval`), of all of it where it is a
/// `long` (`printflags64`, `printxval64`: the sets marked 64-bit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedSet {
    CloseRangeFlags,
    ClockFlags,
    DeleteModuleFlags,
    FallocFlags,
    FanInitFlags,
    FanMarkFlags,
    FsmountAttrFlags,
    FsmountFlags,
    FsopenFlags,
    FspickFlags,
    InotifyFlags,
    LandlockCreateRulesetFlags,
    MbindFlags,
    MemfdSecretFlags,
    ModuleInitFlags,
    MountSetattrFlags,
    MoveMountFlags,
    MovePagesFlags,
    OpenTreeFlags,
    PidfdOpenFlags,
    RwfFlags,
    SetnsTypes,
    SyncFileRangeFlags,
    TimerfdSettimeFlags,
    UffdFlags,
    UmountFlags,
    UringEnterFlags,
    XattrFlags,
    /// 64-bit.
    FanEventFlags,
    /// 64-bit.
    GetMempolicyFlags,
    /// 64-bit.
    KexecFileLoadFlags,
    /// 64-bit.
    PerfEventOpenFlags,
    /// 64-bit.
    PkeyAccess,
    /// `unshare`'s `CLONE_*` (64-bit, no exit signal in the low byte).
    UnshareFlags,
    BpfCommand,
    IoprioWho,
    KcmpType,
    KeyctlCommand,
    /// `KEY_SPEC_*`, else the signed number.
    KeySerial,
    LandlockRuleType,
    /// `set_mempolicy`'s mode and mode flags (`MPOL_BIND|MPOL_F_STATIC_NODES`).
    MpolMode,
    /// `mbind`'s: the same, 64-bit.
    MpolMode64,
    PrioWhich,
    /// `getrusage`'s `RUSAGE_*`.
    RusageWho,
    /// 64-bit.
    PtraceRequest,
    SchedPolicy,
    SeccompOp,
    UringRegisterOpcode,
    /// A clock by name only (`printxval(clocknames)`: `futex_waitv`).
    ClockName,
}

/// Which SysV IPC family a control call belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ipc {
    Shm,
    Sem,
    Msg,
}

impl ArgKind {
    /// Whether the argument only has its value once the call returns: strace prints an
    /// unfinished call up to the first such argument.
    pub fn is_output(self) -> bool {
        matches!(
            self,
            Self::BufOut
                | Self::HexBufOut
                | Self::XattrValue { dir: Dir::Out }
                | Self::XattrList
                | Self::PathOut
                | Self::EpollEvents
                | Self::Dirents
                | Self::GidsOut
                | Self::SockLen
                | Self::SockoptOut
                | Self::CpuSetOut
                | Self::Iovec { dir: Dir::Out, .. }
                | Self::SchedAttr { dir: Dir::Out }
                | Self::Msgbuf { dir: Dir::Out, .. }
                | Self::Mmsghdrs { .. }
                | Self::Struct(_, When::ExitOk)
                | Self::SleepLeft
        )
    }
}

/// How the return value prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetKind {
    Int,
    /// A process or thread id: `1234`, `1234<cat>` under `-Y`.
    Pid,
    Fd,
    /// Addresses (`mmap`, `brk`): `0x...`.
    Hex,
    /// `umask`: octal.
    Oct,
    /// Never returns (`exit`, `exit_group`): `?`.
    None,
    /// A count of ready descriptors, with them (`poll`, `ppoll`: `1 ([{fd=3,
    /// revents=POLLIN}])`, and `ppoll`'s time left).
    Poll,
    /// The same for `select`'s sets (`1 (in [3], left {...})`).
    Select,
    /// `fcntl`'s result, by command: flags for `F_GETFD`/`F_GETFL`/`F_GET_SEALS`.
    Fcntl,
    /// `prctl`'s result, by option.
    Prctl,
    /// The previous persona: `0 (PER_LINUX)`.
    Personality,
    /// A signal number, named: `10 (SIGUSR1)` (`rt_sigtimedwait`).
    Signal,
    /// `recvmmsg`'s count, with the time left or `Timeout`: `2 (left {...})`.
    Recvmmsg,
    /// `time`'s seconds, with the date: `1700000000 (2023-11-14T22:13:20+0000)`
    /// (x86_64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Time,
    /// A scheduling policy: `0 (SCHED_OTHER)`.
    SchedPolicy,
    /// `adjtimex`'s clock state, named when the struct was read: `5 (TIME_ERROR)`.
    Adjtimex,
    /// `ioprio_get`'s priority: `0 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 0))`.
    Ioprio,
    /// `bpf`'s: a new descriptor for the commands that make one.
    Bpf,
    /// `landlock_create_ruleset`'s: a new descriptor, or with
    /// `LANDLOCK_CREATE_RULESET_VERSION` the ABI version.
    Landlock,
    /// `ioctl`'s: a new descriptor or a named value for the requests that return one.
    Ioctl,
    /// `arch_prctl`'s: for the `ARCH_REQ_XCOMP_*` codes, the features permitted, in
    /// hex and by name: `0x3 (XFEATURE_MASK_FPSSE)` (x86_64 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    ArchPrctl,
    /// `modify_ldt`'s `int`, which the kernel does not sign-extend: an errno from
    /// 0xfffff000 up (x86 only).
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    ModifyLdt,
}

impl RetKind {
    /// Whether a successful call with these arguments returned a new descriptor.
    pub fn new_fd(self, args: &[u64; 6]) -> bool {
        match self {
            Self::Fd => true,
            // MAP_CREATE, PROG_LOAD, OBJ_GET, PROG_GET_FD_BY_ID, MAP_GET_FD_BY_ID,
            // RAW_TRACEPOINT_OPEN, BTF_LOAD, BTF_GET_FD_BY_ID, LINK_CREATE,
            // LINK_GET_FD_BY_ID.
            Self::Bpf => matches!(args[0] as u32, 0 | 5 | 7 | 13 | 14 | 17 | 18 | 19 | 28 | 30),
            Self::Ioctl => crate::decode::ioctl_returns_fd(args[1] as u32),
            // LANDLOCK_CREATE_RULESET_VERSION.
            Self::Landlock => args[2] & 1 == 0,
            _ => false,
        }
    }

    /// Whether some calls return a new descriptor (an ioctl's by its request:
    /// `KVM_CREATE_VM`).
    pub fn may_be_fd(self) -> bool {
        matches!(self, Self::Fd | Self::Bpf | Self::Ioctl | Self::Landlock)
    }
}

/// strace's trace classes (`-e trace=%file`...), a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Class(pub u32);

impl Class {
    pub const NONE: Class = Class(0);
    pub const FILE: Class = Class(1 << 0);
    pub const IPC: Class = Class(1 << 1);
    pub const NETWORK: Class = Class(1 << 2);
    pub const PROCESS: Class = Class(1 << 3);
    pub const SIGNAL: Class = Class(1 << 4);
    pub const DESC: Class = Class(1 << 5);
    pub const MEMORY: Class = Class(1 << 6);
    pub const STAT: Class = Class(1 << 7);
    pub const LSTAT: Class = Class(1 << 8);
    pub const FSTAT: Class = Class(1 << 9);
    pub const STAT_LIKE: Class = Class(1 << 10);
    pub const STATFS: Class = Class(1 << 11);
    pub const FSTATFS: Class = Class(1 << 12);
    pub const STATFS_LIKE: Class = Class(1 << 13);
    pub const PURE: Class = Class(1 << 14);
    pub const CREDS: Class = Class(1 << 15);
    pub const CLOCK: Class = Class(1 << 16);

    /// True when every bit of `other` is set (and `other` is not empty).
    pub const fn contains(self, other: Class) -> bool {
        other.0 != 0 && self.0 & other.0 == other.0
    }

    pub const fn union(self, other: Class) -> Class {
        Class(self.0 | other.0)
    }

    /// A class as written in `-e trace=`: `%file`, `%%stat`, and the old `%`-less
    /// spellings strace still accepts (`file`, `network`...).
    pub fn from_name(name: &str) -> Option<Class> {
        let class = match name {
            "%%stat" => Class::STAT_LIKE,
            "%%statfs" => Class::STATFS_LIKE,
            _ => match name.strip_prefix('%').unwrap_or(name) {
                "file" => Class::FILE,
                "ipc" => Class::IPC,
                "net" | "network" => Class::NETWORK,
                "process" => Class::PROCESS,
                "signal" => Class::SIGNAL,
                "desc" => Class::DESC,
                "memory" => Class::MEMORY,
                "stat" => Class::STAT,
                "lstat" => Class::LSTAT,
                "fstat" => Class::FSTAT,
                "statfs" => Class::STATFS,
                "fstatfs" => Class::FSTATFS,
                "pure" => Class::PURE,
                "creds" => Class::CREDS,
                "clock" => Class::CLOCK,
                _ => return None,
            },
        };
        Some(class)
    }
}

impl std::ops::BitOr for Class {
    type Output = Class;
    fn bitor(self, rhs: Class) -> Class {
        self.union(rhs)
    }
}

/// The syscall with number `nr`, or `None` for holes and numbers past the table.
pub fn by_nr(nr: u32) -> Option<&'static Syscall> {
    SYSCALLS.get(nr as usize).filter(|sc| !sc.name.is_empty())
}

/// The syscall named `name` (strace's name, or the kernel's where they differ, e.g.
/// `newfstatat`'s siblings `newstat` → `stat`).
pub fn by_name(name: &str) -> Option<&'static Syscall> {
    find(&SYSCALLS, native::ALIASES, name)
}

/// Whether `name` is a call only another personality of this architecture has (i386's
/// and x32's on x86_64: `mmap2`, `stat64`, `socketcall`...): strace accepts it in a set,
/// where it selects no native call.
pub fn other_personality(name: &str) -> bool {
    #[cfg(target_arch = "x86_64")]
    const NAMES: &[&str] = &[
        "_llseek",
        "_newselect",
        "bdflush",
        "break",
        "chown32",
        "fadvise64_64",
        "fchown32",
        "fcntl64",
        "fstat64",
        "fstatat64",
        "fstatfs64",
        "ftime",
        "ftruncate64",
        "getegid32",
        "geteuid32",
        "getgid32",
        "getgroups32",
        "getresgid32",
        "getresuid32",
        "getuid32",
        "gtty",
        "idle",
        "ipc",
        "lchown32",
        "lock",
        "lstat64",
        "mmap2",
        "mpx",
        "nice",
        "oldfstat",
        "oldlstat",
        "oldolduname",
        "oldstat",
        "olduname",
        "prof",
        "profil",
        "readdir",
        "sendfile64",
        "setfsgid32",
        "setfsuid32",
        "setgid32",
        "setgroups32",
        "setregid32",
        "setresgid32",
        "setresuid32",
        "setreuid32",
        "setuid32",
        "sgetmask",
        "sigaction",
        "signal",
        "sigpending",
        "sigprocmask",
        "sigreturn",
        "sigsuspend",
        "socketcall",
        "ssetmask",
        "stat64",
        "statfs64",
        "stime",
        "stty",
        "truncate64",
        "ugetrlimit",
        "ulimit",
        "umount",
        "vm86",
        "vm86old",
        "waitpid",
    ];
    #[cfg(not(target_arch = "x86_64"))]
    const NAMES: &[&str] = &[];
    NAMES.contains(&name)
}

fn find<'t>(
    table: &'t [Syscall],
    aliases: &[(&str, &'static str)],
    name: &str,
) -> Option<&'t Syscall> {
    let name = aliases
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, real)| real);
    table
        .iter()
        .find(|sc| !sc.name.is_empty() && sc.name == name)
}

/// Every syscall, in number order, without the holes.
pub fn all() -> impl Iterator<Item = &'static Syscall> {
    SYSCALLS.iter().filter(|sc| !sc.name.is_empty())
}

pub fn name(nr: u32) -> Option<&'static str> {
    by_nr(nr).map(|sc| sc.name)
}

/// The name a line shows: the table's, or strace's `syscall_0x...` for a number it does
/// not know. A 32-bit task's call (`tracer_common::COMPAT_NR`), for which there is no
/// table, shows its own number: `syscall_0x14`, after the line that says the task runs
/// in 32-bit mode.
pub fn display_name(nr: u32) -> std::borrow::Cow<'static, str> {
    match (name(nr), tracer_common::compat_nr(nr)) {
        (Some(name), _) => name.into(),
        (None, Some(compat)) => format!("syscall_{compat:#x}").into(),
        (None, None) => format!("syscall_{nr:#x}").into(),
    }
}

/// Length of the dense table: one past the highest number it knows.
pub const TABLE_LEN: usize = SYSCALLS.len();

/// The kernel's name for a syscall, as in `syscalls:sys_enter_NAME` (`newstat` for
/// `stat`, ...).
pub fn kernel_name(sc: &Syscall) -> &'static str {
    native::ALIASES
        .iter()
        .find(|(_, real)| *real == sc.name)
        .map_or(sc.name, |(alias, _)| alias)
}

/// The plan flags the kernel side needs besides the trace set, from the table: for
/// `-P`, which argument is a path, which are fds, whether the call returns a new fd,
/// whether it closes one; whether argument 0 is the signal frame's mask
/// (`rt_sigreturn`); for `--diagnose`, whether it changes what descriptors name.
pub fn plan_flags(nr: u32) -> u32 {
    use tracer_common::{
        PLAN_CLOSES_FD, PLAN_FD_ARGS_SHIFT, PLAN_FD_EFFECT, PLAN_RET_FD, PLAN_SIGFRAME,
    };
    let Some(sc) = by_nr(nr) else { return 0 };
    let mut flags = 0;
    for (i, arg) in sc.args.iter().enumerate() {
        match arg.kind {
            ArgKind::Fd | ArgKind::DirFd => flags |= 1 << (PLAN_FD_ARGS_SHIFT + i as u32),
            ArgKind::SigframeMask => flags |= PLAN_SIGFRAME,
            _ => {}
        }
    }
    if sc.ret == RetKind::Fd {
        flags |= PLAN_RET_FD;
    }
    if sc.effect == Effect::Close {
        flags |= PLAN_CLOSES_FD;
    }
    if sc.effect != Effect::None {
        flags |= PLAN_FD_EFFECT;
    }
    if let Some(arg) = sc.args.iter().position(|a| a.kind == ArgKind::Path) {
        flags |= (arg as u32 + 1) << tracer_common::PLAN_PATH_ARG_SHIFT;
    }
    if let Some(arg) = pid_arg(nr) {
        flags |= (arg as u32 + 1) << tracer_common::PLAN_PID_ARG_SHIFT;
    }
    // The copies behind pointers in a call's structs depend on an argument's value (an
    // ioctl's request: `decode::kernel_derefs`).
    if let Some(arg) = crate::decode::kernel_derefs::selector(sc.name) {
        flags |= (arg as u32 + 1) << tracer_common::PLAN_DEREF_SHIFT;
    }
    flags
}

/// The argument of syscall `nr` that names a process (`kill`'s, `waitid`'s), whose name
/// `-Y` shows: the eBPF programs take it at the entry when it is the caller's child.
pub fn pid_arg(nr: u32) -> Option<usize> {
    let named = |a: &&Arg| matches!(a.kind, ArgKind::Pid | ArgKind::WhoPid { .. });
    by_nr(nr)?.args.iter().position(|a| named(&a))
}

/// The arguments of syscall `nr` as the decoders see them: the registers, except where
/// the table wants what no register holds (`rt_sigreturn`'s frame, from the stack
/// pointer `sp`). The eBPF programs do the same from the plan flags.
pub fn entry_args(nr: u32, mut args: [u64; 6], sp: u64) -> [u64; 6] {
    if plan_flags(nr) & tracer_common::PLAN_SIGFRAME != 0 {
        args[0] = tracer_common::sigframe_mask(sp);
    }
    args
}

/// What the kernel side copies for syscall `nr`; nothing for numbers the table lacks.
pub fn plan_for(nr: u32, opts: plan::PlanOptions) -> tracer_common::CapturePlan {
    by_nr(nr)
        .map(|sc| plan::capture_plan_with(sc, opts))
        .unwrap_or_default()
}

/// Everything the kernel programs need to know about syscall `nr`: whether `traced`,
/// what to copy and when, which arguments are paths and descriptors.
pub fn kernel_plan(nr: u32, traced: bool, opts: plan::PlanOptions) -> tracer_common::SyscallPlan {
    let capture = plan_for(nr, opts);
    tracer_common::SyscallPlan {
        flags: if traced { tracer_common::PLAN_TRACE } else { 0 } | plan_flags(nr),
        deferrable: by_nr(nr).map_or(0, |sc| plan::deferrable(sc, &capture)),
        capture,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Table = (
        &'static str,
        &'static [Syscall],
        &'static [(&'static str, &'static str)],
    );

    /// Both architectures' tables, whatever the build target.
    const TABLES: [Table; 2] = [
        ("x86_64", &x86_64::SYSCALLS, x86_64::ALIASES),
        ("aarch64", &aarch64::SYSCALLS, aarch64::ALIASES),
    ];

    fn nr_in(table: &[Syscall], name: &str) -> u32 {
        table.iter().find(|s| s.name == name).expect(name).nr
    }

    #[test]
    fn dense_and_numbered() {
        for (arch, table, aliases) in TABLES {
            for (i, sc) in table.iter().enumerate() {
                assert_eq!(sc.nr as usize, i, "{arch} {}", sc.name);
                assert!(sc.args.len() <= 6, "{arch} {}", sc.name);
            }
            assert!(table.len() > 460, "{arch}");
            assert!(
                table.len() <= tracer_common::MAX_SYSCALLS as usize,
                "{arch}"
            );
            let names: Vec<_> = table.iter().filter(|s| !s.name.is_empty()).collect();
            let unique: std::collections::HashSet<_> = names.iter().map(|s| s.name).collect();
            assert_eq!(unique.len(), names.len(), "{arch}: names are unique");
            for (alias, real) in aliases {
                assert!(
                    find(table, aliases, alias).is_some(),
                    "{arch}: {alias} -> {real}"
                );
            }
        }
        assert_eq!(by_nr(100_000), None);
        assert_eq!(
            by_nr(tracer_common::COMPAT_NR),
            None,
            "32-bit calls are nobody's"
        );
    }

    /// The numbers tracer-common names for each architecture are its table's.
    #[test]
    fn the_numbers_the_code_names() {
        use tracer_common::arch::{aarch64 as arm, x86_64 as x86};
        for (table, numbers) in [
            (
                &x86_64::SYSCALLS[..],
                [
                    x86::nr::EXECVE,
                    x86::nr::EXECVEAT,
                    x86::nr::EXIT,
                    x86::nr::EXIT_GROUP,
                ],
            ),
            (
                &aarch64::SYSCALLS[..],
                [
                    arm::nr::EXECVE,
                    arm::nr::EXECVEAT,
                    arm::nr::EXIT,
                    arm::nr::EXIT_GROUP,
                ],
            ),
        ] {
            let names = ["execve", "execveat", "exit", "exit_group"];
            for (name, nr) in names.into_iter().zip(numbers) {
                assert_eq!(nr_in(table, name), nr, "{name}");
            }
        }
        assert_eq!(nr_in(&x86_64::SYSCALLS, "openat"), 257);
        assert_eq!(nr_in(&aarch64::SYSCALLS, "openat"), 56);
        assert_eq!(nr_in(&aarch64::SYSCALLS, "read"), 63);
        assert_eq!(
            find(&x86_64::SYSCALLS, x86_64::ALIASES, "newstat")
                .unwrap()
                .nr,
            4
        );
        assert_eq!(
            find(&aarch64::SYSCALLS, aarch64::ALIASES, "newfstat")
                .unwrap()
                .nr,
            80
        );
        // arm64 has the generic table only: no open, stat, select, fork...
        for name in ["open", "stat", "select", "fork", "poll", "dup2", "getdents"] {
            assert!(
                find(&aarch64::SYSCALLS, aarch64::ALIASES, name).is_none(),
                "{name}"
            );
        }
        // The build target's.
        assert_eq!(name(tracer_common::nr::EXECVE), Some("execve"));
        assert_eq!(name(tracer_common::nr::EXIT_GROUP), Some("exit_group"));
        assert_eq!(by_name("nope"), None);
    }

    /// aarch64.rs is generated from x86_64.rs (`cargo xtask gen-syscalls --arch
    /// aarch64`): an entry changed in one must be regenerated in the other.
    #[test]
    fn the_arm64_table_follows_the_x86_64_one() {
        for arm in aarch64::SYSCALLS.iter().filter(|s| !s.name.is_empty()) {
            let x86 = x86_64::SYSCALLS
                .iter()
                .find(|s| s.name == arm.name)
                .unwrap_or_else(|| panic!("{}: no x86_64 entry", arm.name));
            let mut args: Vec<Arg> = x86.args.to_vec();
            if arm.name == "clone" {
                // CONFIG_CLONE_BACKWARDS: tls before child_tidptr.
                args.swap(3, 4);
            }
            assert!(
                arm.args == &args[..]
                    && (arm.class, arm.ret, arm.effect) == (x86.class, x86.ret, x86.effect),
                "{}: aarch64.rs differs from x86_64.rs; run `cargo xtask gen-syscalls --arch \
                 aarch64`",
                arm.name
            );
        }
    }

    #[test]
    fn classes() {
        let table = &x86_64::SYSCALLS;
        let has = |n: &str, c: Class| find(table, x86_64::ALIASES, n).unwrap().class.contains(c);
        assert!(has("openat", Class::FILE) && has("openat", Class::DESC));
        for n in ["stat", "lstat", "fstat", "newfstatat", "statx"] {
            assert!(has(n, Class::STAT_LIKE), "{n}");
        }
        assert!(has("statfs", Class::STATFS_LIKE) && has("ustat", Class::STATFS_LIKE));
        assert!(has("getpid", Class::PURE));
        assert!(has("getuid", Class::CREDS) && has("clock_gettime", Class::CLOCK));
        assert!(has("connect", Class::NETWORK) && has("kill", Class::SIGNAL));
        assert!(!has("read", Class::FILE));
        assert!(!has("read", Class::NONE));
        assert_eq!(Class::from_name("%net"), Some(Class::NETWORK));
        assert_eq!(Class::from_name("network"), Some(Class::NETWORK));
        assert_eq!(Class::from_name("%%stat"), Some(Class::STAT_LIKE));
        assert_eq!(Class::from_name("%%statfs"), Some(Class::STATFS_LIKE));
        assert_eq!(Class::from_name("%bogus"), None);
    }

    /// Every syscall the running kernel has a tracepoint for is in the table. x86_64
    /// only: arm64 kernels also have tracepoints for syscalls only their 32-bit (compat)
    /// table reaches (`open`, `stat64`, `*_time32`...; docs/arm64-notes.md, section 5).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn covers_running_kernel() {
        let dir = "/sys/kernel/tracing/events/syscalls";
        let Ok(entries) = std::fs::read_dir(dir) else {
            println!("skipped: {dir} is absent (mount tracefs to run this test)");
            return;
        };
        let mut missing = Vec::new();
        for entry in entries.flatten() {
            let file = entry.file_name();
            let Some(name) = file.to_str().and_then(|n| n.strip_prefix("sys_enter_")) else {
                continue;
            };
            if by_name(name).is_none() {
                missing.push(name.to_owned());
            }
        }
        assert!(missing.is_empty(), "not in the table: {missing:?}");
    }
}
