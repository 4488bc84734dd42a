//! Records in the ring buffer: what the kernel programs tell userspace. Every record
//! starts with a `u32` kind.

/// Syscall arguments passed to a syscall (six on every architecture the tracer runs on).
pub const MAX_ARGS: usize = 6;

/// Record kinds in the ring buffer; the first `u32` of every record.
pub mod kind {
    /// A completed syscall: [`super::SyscallRecord`] followed by its captures.
    pub const SYSCALL: u32 = 1;
    /// The enter half of a syscall whose capture plan copies memory at entry; the exit
    /// record that completes it follows later. [`super::SyscallRecord`] with `ret` unset.
    pub const SYSCALL_ENTER: u32 = 2;
    /// A traced task exited: [`super::TaskExitRecord`].
    pub const TASK_EXIT: u32 = 3;
    /// A signal was delivered to a traced task: [`super::SignalRecord`].
    pub const SIGNAL: u32 = 4;
    /// A traced task started a task that is traced too: [`super::TaskExitRecord`] with
    /// `tid` the new task and `group_dead` the parent's tid.
    pub const TASK_FORK: u32 = 5;
    /// A traced process exec'd a program that gave it privileges its tracer's user
    /// does not have (setuid, file capabilities): it is no longer traced.
    /// [`super::TaskExitRecord`] with `tid`/`tgid` only.
    pub const UNTRACED: u32 = 6;
    /// Records were lost before this point of the stream: [`super::LostRecord`].
    pub const LOST: u32 = 7;
    /// An io_uring operation of a traced process completed: [`super::IoUringRecord`].
    pub const IO_URING: u32 = 8;
    /// A traced task's ids in its own pid namespace, sent (with `--pidns-translation`)
    /// ahead of its first call and when they change: [`super::TaskIdsRecord`].
    pub const TASK_IDS: u32 = 9;
}

/// A task's ids as its own pid namespace numbers them, taken at a call, so that the
/// pids a task in another namespace names (its own, its process's, group's, session's)
/// are translated even once it is gone (`/proc` no longer has it).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskIdsRecord {
    pub kind: u32,
    /// The task and its process, as the records number them (the tracer's namespace).
    pub tid: u32,
    pub tgid: u32,
    /// Its namespace's depth (0: the initial one) and inode number (`ns/pid`'s).
    pub level: u32,
    pub ns_inum: u32,
    /// Task, process, process group and session ids in its namespace (0: the group or
    /// session is not in it).
    pub ids: [u32; 4],
    /// The process group's and session's ids in the initial namespace.
    pub pgid: u32,
    pub sid: u32,
}

const _: () = assert!(core::mem::size_of::<TaskIdsRecord>() == 44);

/// One syscall as the kernel saw it. Variable-length captures (paths, buffers, structs)
/// follow it in the same ring-buffer record, each behind a [`CaptureHeader`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyscallRecord {
    pub kind: u32,
    /// Thread id and process id (tgid) in the initial pid namespace.
    pub tid: u32,
    pub tgid: u32,
    /// Syscall number, with [`crate::COMPAT_NR`] for a 32-bit task's call.
    pub nr: u32,
    /// `bpf_ktime_get_ns()` (CLOCK_MONOTONIC) at sys_enter and sys_exit.
    pub enter_ns: u64,
    pub exit_ns: u64,
    pub args: [u64; MAX_ARGS],
    /// Raw return value (negative errno on failure).
    pub ret: i64,
    /// Number of [`CaptureHeader`]s that follow.
    pub ncaptures: u16,
    /// [`RECORD_NO_RETURN`], [`RECORD_ENTRY_LOST`], [`RECORD_FILTERED`].
    pub flags: u16,
    /// With `--diagnose`: the task's (real) uid at the call's exit; else [`NO_UID`].
    pub uid: u32,
}

/// The call never returned: the task exited inside it (`exit_group`, or killed).
pub const RECORD_NO_RETURN: u16 = 1;
/// The call's entry record, with what was copied at its entry, was lost.
pub const RECORD_ENTRY_LOST: u16 = 2;
/// The filters (`-z`, `-Z`, `--status`, `--min-duration`) keep the call out of the
/// trace; it is sent for `--diagnose`'s report only.
pub const RECORD_FILTERED: u16 = 4;
/// [`SyscallRecord::uid`] when it was not taken.
pub const NO_UID: u32 = u32::MAX;

/// A copy of tracee memory taken for one argument.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureHeader {
    /// Index of the argument (0..6) the bytes belong to.
    pub arg: u8,
    /// One of [`capture`]'s kinds.
    pub kind: u8,
    /// [`CAPTURE_TRUNCATED`] / [`CAPTURE_FAULT`].
    pub flags: u8,
    pub _pad: u8,
    /// Bytes that follow, unpadded; the next header starts at the next multiple of 8.
    pub len: u32,
}

/// The source held more than was copied.
pub const CAPTURE_TRUNCATED: u8 = 1;
/// The read of tracee memory failed: the formatter prints the pointer instead.
pub const CAPTURE_FAULT: u8 = 2;

/// A traced task left: emitted from `sched_process_exit`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskExitRecord {
    pub kind: u32,
    pub tid: u32,
    pub tgid: u32,
    /// Non-zero when the whole thread group is gone (the process exited).
    pub group_dead: u32,
    pub ns: u64,
    /// The code passed to `exit_group`/`exit` if the task was in one, else `u64::MAX`
    /// (the task was killed by a signal). Used when `status` is unknown.
    pub exit_code: u64,
    /// The task's wait status, as `task_struct.exit_code` holds it (`code << 8` for an
    /// exit, the signal number, `| 0x80` when a core was dumped), valid with
    /// [`EXIT_STATUS_KNOWN`] (the kernel's BTF gave its offset).
    pub status: u32,
    pub flags: u32,
    /// With `-Y` ([`crate::KernelConfig::comm`]), the task's name as it left; zeros
    /// otherwise.
    pub comm: [u8; 16],
}

/// [`TaskExitRecord::status`] is the kernel's own.
pub const EXIT_STATUS_KNOWN: u32 = 1;

/// Not an exit: another thread of the process (`exit_code`, its id before) called
/// execve and carries on as the leader, `tid`: strace's `+++ superseded by execve +++`.
pub const EXIT_SUPERSEDED: u32 = 2;

/// Written by a CPU before its first record after losing some (ring buffer full), so the
/// loss shows where it happened in the stream. The counts are the CPU's totals so far
/// (`Stats::lost_*`): userspace takes the difference from the last ones it saw.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LostRecord {
    pub kind: u32,
    pub cpu: u32,
    pub calls: u64,
    pub signals: u64,
    pub exits: u64,
    /// io_uring operations (their records, or their submissions the pending map could
    /// not hold).
    pub ops: u64,
}

/// Bytes of `siginfo_t` a [`SignalRecord`] carries: signo, errno, code and the union
/// members strace prints (pid, uid, status, utime, stime, addr, value).
pub const SIGINFO_BYTES: usize = 48;

/// A [`SignalRecord`]'s task stops with its process (strace's `--- stopped by SIGSTOP
/// ---`): the signal delivered, its default action a stop.
pub const SIGNAL_GROUP_STOP: u32 = 1;
/// [`SignalRecord::ip`] was read (`-i`, in the receiving task).
pub const SIGNAL_IP: u32 = 2;

/// A signal being delivered to a traced task (`signal_deliver`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalRecord {
    pub kind: u32,
    pub tid: u32,
    pub tgid: u32,
    /// [`SIGNAL_GROUP_STOP`], [`SIGNAL_IP`].
    pub flags: u32,
    pub ns: u64,
    /// With `-i` ([`crate::KernelConfig::ip`]), the receiving task's instruction
    /// pointer at the delivery, with [`SIGNAL_IP`] (not for a signal shown from its
    /// sender).
    pub ip: u64,
    pub siginfo: [u8; SIGINFO_BYTES],
}

/// One io_uring operation of a traced process: what its submission said (kept in the
/// kernel's pending map by ring and request until it completes) and its completion. Its
/// ids are the ring owner's: the task that submitted it, or for an SQPOLL thread's
/// submission, its process.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IoUringRecord {
    pub kind: u32,
    pub tid: u32,
    pub tgid: u32,
    /// `IORING_OP_*`.
    pub opcode: u8,
    /// [`URING_SQ_THREAD`], [`URING_FD`], [`URING_RW`], [`URING_FIXED_FILE`].
    pub flags: u8,
    pub _pad: u16,
    /// `bpf_ktime_get_ns()` at submission and completion.
    pub submit_ns: u64,
    pub complete_ns: u64,
    pub user_data: u64,
    /// The file offset (read/write operations, with [`URING_RW`]).
    pub off: u64,
    /// The result, as a syscall's (negative errno on failure).
    pub res: i64,
    /// The descriptor the submission named (with [`URING_FD`]).
    pub fd: i32,
    /// The length (read/write operations, with [`URING_RW`]).
    pub len: u32,
    /// The completion's `IORING_CQE_F_*` flags.
    pub cflags: u32,
    pub _pad2: u32,
}

/// Submitted by the ring's SQPOLL thread (`iou-sqp-*`), not by a system call.
pub const URING_SQ_THREAD: u8 = 1;
/// [`IoUringRecord::fd`] was read from the request.
pub const URING_FD: u8 = 2;
/// [`IoUringRecord::off`] and [`IoUringRecord::len`] were read from the request.
pub const URING_RW: u8 = 4;
/// [`IoUringRecord::fd`] is an index into the ring's registered files
/// (`IOSQE_FIXED_FILE`), not a descriptor.
pub const URING_FIXED_FILE: u8 = 8;
/// `IORING_CQE_F_MORE`: the request completes again (multishot); it stays pending.
pub const CQE_F_MORE: u32 = 2;
/// Opcodes the trace set can name (`KernelConfig::uring_ops` bits).
pub const URING_OPS: usize = 128;

/// The pending map's key: the ring and the request (its address where the tracepoints
/// give it, else the submission's `user_data`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UringKey {
    pub ctx: u64,
    pub id: u64,
}

const _: () = {
    assert!(core::mem::size_of::<IoUringRecord>() == 72);
    assert!(core::mem::size_of::<UringKey>() == 16);
    assert!(core::mem::size_of::<SyscallRecord>() == 96);
    assert!(core::mem::size_of::<CaptureHeader>() == 8);
    assert!(core::mem::size_of::<TaskExitRecord>() == 56);
    assert!(core::mem::size_of::<LostRecord>() == 40);
    assert!(core::mem::size_of::<SignalRecord>() == 32 + SIGINFO_BYTES);
};

#[cfg(feature = "user")]
mod pod {
    // SAFETY: plain-old-data: repr(C), integer fields only, explicit padding.
    unsafe impl aya::Pod for super::IoUringRecord {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::UringKey {}
}
