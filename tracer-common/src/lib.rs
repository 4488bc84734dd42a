//! Types that cross the kernel/user boundary.
//!
//! Everything here is `#[repr(C)]`, uses fixed-width integers only and carries explicit
//! padding, so the eBPF object and the userspace binary agree on every byte. Sizes are
//! asserted at compile time.
#![no_std]

/// Syscall arguments passed to a syscall (x86_64 has six).
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
}

/// One syscall as the kernel saw it. Variable-length captures (paths, buffers, structs)
/// follow it in the same ring-buffer record, each behind a [`CaptureHeader`].
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyscallRecord {
    pub kind: u32,
    /// Thread id and process id (tgid) in the initial pid namespace.
    pub tid: u32,
    pub tgid: u32,
    /// Syscall number (`orig_ax`).
    pub nr: u32,
    /// `bpf_ktime_get_ns()` (CLOCK_MONOTONIC) at sys_enter and sys_exit.
    pub enter_ns: u64,
    pub exit_ns: u64,
    pub args: [u64; MAX_ARGS],
    /// Raw return value (negative errno on failure).
    pub ret: i64,
    /// Number of [`CaptureHeader`]s that follow.
    pub ncaptures: u16,
    /// [`RECORD_NO_RETURN`].
    pub flags: u16,
    pub _pad: [u8; 4],
}

/// The call never returned: the task exited inside it (`exit_group`, or killed).
pub const RECORD_NO_RETURN: u16 = 1;

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
    /// (the task was killed by a signal).
    pub exit_code: u64,
}

/// Bytes of `siginfo_t` a [`SignalRecord`] carries: signo, errno, code and the union
/// members strace prints (pid, uid, status, utime, stime, addr, value).
pub const SIGINFO_BYTES: usize = 48;

/// A signal being delivered to a traced task (`signal_deliver`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignalRecord {
    pub kind: u32,
    pub tid: u32,
    pub tgid: u32,
    pub _pad: u32,
    pub ns: u64,
    pub siginfo: [u8; SIGINFO_BYTES],
}

/// What the capture plan copies for one argument.
pub mod capture {
    pub const NONE: u8 = 0;
    /// A NUL-terminated string (paths, names), up to the string limit.
    pub const CSTR: u8 = 1;
    /// `len` bytes, `len` taken from another argument or the return value.
    pub const BUF: u8 = 2;
    /// A fixed-size struct of `size` bytes.
    pub const FIXED: u8 = 3;
    /// A NULL-terminated array of string pointers (execve argv): the strings, each
    /// NUL-terminated, concatenated.
    pub const STRV: u8 = 4;
    /// A NULL-terminated array of pointers: only counted (execve envp): u32 count.
    pub const PTRV_COUNT: u8 = 5;
    /// A `struct iovec` array of `len_arg` elements with what each element points at:
    /// see [`super::IovecChunk`] for the layout.
    pub const IOVEC: u8 = 6;
    /// The same for the `msg_iov` array of a `struct msghdr`.
    pub const MSG_IOVEC: u8 = 7;
    /// The `msg_name` address of a `struct msghdr`: up to `msg_namelen` bytes (at most
    /// `size`).
    pub const MSG_NAME: u8 = 8;
    /// The `msg_control` data of a `struct msghdr` (its `cmsghdr`s): up to
    /// `msg_controllen` bytes (at most `size`).
    pub const MSG_CONTROL: u8 = 11;
    /// The records `getdents` filled (the return value counts their bytes): only
    /// counted, by walking `d_reclen`: u32 count.
    pub const DIRENT_COUNT: u8 = 9;
    /// The three `fd_set`s of `select`/`pselect6`, arguments 1 to 3, each
    /// [`super::fdset_bytes`] of the descriptor count, argument 0 (`arg`: no count, no
    /// capture): a [`super::FdSetsHeader`], then the three sets' bytes.
    pub const FD_SETS: u8 = 10;
}

/// Bytes of an `fd_set` the kernel reads for `nfds` descriptors (whole longs), at most
/// [`MAX_FDSET_BYTES`].
#[inline(always)]
pub const fn fdset_bytes(nfds: u64) -> usize {
    let bytes = nfds.div_ceil(64) * 8;
    if bytes > MAX_FDSET_BYTES as u64 {
        MAX_FDSET_BYTES
    } else {
        bytes as usize
    }
}

/// Largest `fd_set` copied: 8192 descriptors.
pub const MAX_FDSET_BYTES: usize = 1024;

/// What an [`capture::FD_SETS`] capture holds before the sets' bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdSetsHeader {
    /// Per set: [`FDSET_NULL`], [`FDSET_READ`] or [`FDSET_FAULT`].
    pub status: [u8; 3],
    pub _pad: u8,
    /// Bytes of each set that follow (the three in a row).
    pub bytes: u32,
}

pub const FDSET_NULL: u8 = 0;
pub const FDSET_READ: u8 = 1;
pub const FDSET_FAULT: u8 = 2;

/// Records a [`capture::DIRENT_COUNT`] capture walks at most: a 32 KiB buffer (glibc's)
/// holds fewer (each record takes at least 24 bytes).
pub const MAX_DIRENTS: usize = 1536;
/// Offset of `d_reclen` in both `struct linux_dirent` and `struct linux_dirent64`.
pub const DIRENT_RECLEN: u64 = 16;

/// Elements of an iovec array a [`capture::IOVEC`] capture reads at most (strace shows
/// up to `-s` of them; 32 by default).
pub const MAX_IOV: usize = 32;
/// Offsets in `struct msghdr` (x86_64) of `msg_name`, `msg_namelen`, `msg_iov`,
/// `msg_iovlen`.
pub const MSGHDR_NAME: u64 = 0;
pub const MSGHDR_NAMELEN: u64 = 8;
pub const MSGHDR_IOV: u64 = 16;
pub const MSGHDR_IOVLEN: u64 = 24;
/// `msg_control` and `msg_controllen`.
pub const MSGHDR_CONTROL: u64 = 32;

/// One element of an iovec capture. The capture is a run of these, each followed by
/// `len` bytes copied from `iov_base` and padding to 8:
/// `{base, iov_len, len, flags} bytes... {base, iov_len, len, flags} bytes...`.
/// Elements past the last one read are missing (the capture's truncated flag says
/// whether the array went on).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IovecChunk {
    pub base: u64,
    pub iov_len: u64,
    /// Bytes of `iov_base` that follow.
    pub len: u32,
    /// [`CAPTURE_TRUNCATED`] / [`CAPTURE_FAULT`] for this element's bytes.
    pub flags: u32,
}

/// Bytes of an iovec element a capture copies: up to `limit` (`-s`). How many of them a
/// read filled is for userspace to tell from the return value.
#[inline(always)]
pub fn iov_copy_len(iov_len: u64, limit: usize) -> usize {
    if iov_len < limit as u64 {
        iov_len as usize
    } else {
        limit
    }
}

/// `CaptureSpec::len_arg` value meaning "the size is the syscall's return value".
pub const LEN_FROM_RET: u8 = 0xff;
/// `CaptureSpec::len_arg` value meaning "the size is `CaptureSpec::size`".
pub const LEN_FIXED: u8 = 0xfe;

/// When a capture is taken.
pub mod when {
    pub const ENTER: u8 = 1;
    pub const EXIT: u8 = 2;
    /// At exit, and only when the call succeeded (e.g. a struct the kernel filled in).
    pub const EXIT_OK: u8 = 3;
}

/// One capture: which argument points at what, when to copy it and how much.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureSpec {
    pub kind: u8,
    pub when: u8,
    pub arg: u8,
    /// Argument holding the byte count, or [`LEN_FROM_RET`] / [`LEN_FIXED`].
    pub len_arg: u8,
    /// Struct size for [`capture::FIXED`]; for [`capture::BUF`] a multiplier of the
    /// length (element size, e.g. 8 for `struct pollfd`), 0 meaning 1.
    pub size: u16,
    /// Most bytes to copy for [`capture::CSTR`], [`capture::BUF`] and [`capture::STRV`]
    /// strings; 0 means "the `-s` string limit" (paths, which strace always prints in
    /// full, set PATH_MAX here).
    pub max: u16,
}

/// Bytes a [`capture::BUF`]/[`capture::FIXED`] capture covers, or None when there is
/// nothing to copy (the length is the return value and the call failed or is still in
/// progress: `ret` is None at entry). Shared by the kernel side and the ptrace backend so
/// both copy the same bytes.
#[inline(always)]
pub fn capture_len(spec: &CaptureSpec, ret: Option<i64>, args: &[u64; MAX_ARGS]) -> Option<usize> {
    let count = match spec.len_arg {
        LEN_FIXED => return Some(spec.size as usize),
        LEN_FROM_RET => match ret {
            Some(r) if r >= 0 => r as u64,
            _ => return None,
        },
        n => args[(n & 7) as usize % MAX_ARGS],
    };
    let elem = if spec.size == 0 { 1 } else { spec.size as u64 };
    // Clamped before multiplying: an overflow check would need 128-bit arithmetic, which
    // BPF lacks; far more than any capture copies anyway.
    let count = if count > 1 << 20 { 1 << 20 } else { count };
    Some((count * elem) as usize)
}

impl CaptureSpec {
    /// A spec with the default size limit (`max` 0: the `-s` string limit).
    pub const fn new(kind: u8, when: u8, arg: u8, len_arg: u8, size: u16) -> Self {
        Self {
            kind,
            when,
            arg,
            len_arg,
            size,
            max: 0,
        }
    }
}

/// Captures per syscall.
pub const MAX_CAPTURES: usize = 5;
/// The plan slot of a capture that loops over tracee memory at exit
/// ([`capture::IOVEC`], [`capture::MSG_IOVEC`], [`capture::DIRENT_COUNT`]; at most one
/// per syscall): always the last, so the kernel programs carry each such loop once, not
/// once per slot.
pub const LOOP_SLOT: usize = MAX_CAPTURES - 1;

/// Whether a capture kind belongs in [`LOOP_SLOT`].
pub const fn loops(kind: u8) -> bool {
    matches!(
        kind,
        capture::IOVEC | capture::MSG_IOVEC | capture::DIRENT_COUNT
    )
}

/// What to copy for one syscall.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CapturePlan {
    pub specs: [CaptureSpec; MAX_CAPTURES],
}

/// Everything the kernel side needs to know about one syscall number: whether the trace
/// set includes it and what to copy. Userspace fills the `PLANS` array (index = number)
/// from the syscall table, so the kernel programs stay generic.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyscallPlan {
    /// [`PLAN_TRACE`].
    pub flags: u32,
    /// The plan slots (bits) of entry captures that may be taken at exit instead, when
    /// a result filter holds everything back until the exit: computed by userspace, so
    /// the kernel programs carry no loop for it.
    pub deferrable: u32,
    pub capture: CapturePlan,
}

/// The syscall is in the trace set: its calls are recorded and emitted.
pub const PLAN_TRACE: u32 = 1;
/// It returns a new file descriptor (for `-P`: fds opened on a traced path).
pub const PLAN_RET_FD: u32 = 2;
/// It closes the descriptor in its first argument.
pub const PLAN_CLOSES_FD: u32 = 4;
/// Argument 0 is given the address of the signal mask that `rt_sigreturn` (which has no
/// arguments) restores, from the stack pointer: see [`sigframe_mask`].
pub const PLAN_SIGFRAME: u32 = 8;
/// Bits `PLAN_FD_ARGS_SHIFT..+6`: which arguments are file descriptors.
pub const PLAN_FD_ARGS_SHIFT: u32 = 8;
/// Bits `PLAN_PATH_ARG_SHIFT..+3`: 1 + the argument `-P` compares as a path (the first
/// one the plan copies in full), 0 for none.
pub const PLAN_PATH_ARG_SHIFT: u32 = 16;

/// Where the mask `rt_sigreturn` restores is, given the stack pointer it is called with
/// (x86_64): the signal frame's `struct ucontext` starts there (the handler's return
/// popped the frame's return address), and `uc_sigmask` follows `uc_flags`, `uc_link`,
/// `uc_stack` (24 bytes) and `uc_mcontext` (256).
pub const fn sigframe_mask(sp: u64) -> u64 {
    sp.wrapping_add(8 + 8 + 24 + 256)
}

/// `-P` compares paths by a hash of their first bytes and their length: equal paths hash
/// equal, and a 64-bit collision at worst shows one call too many.
pub const PATH_HASH_BYTES: usize = 256;
/// Most `-P` paths (each given path and its canonical form count once).
pub const MAX_PATH_FILTERS: usize = 4;

/// FNV-1a-style over the first `PATH_HASH_BYTES` bytes taken as little-endian words,
/// bytes past the path counted as zero, then the full length. The kernel side runs the
/// same steps over captured bytes in place, a word at a time and with bytes past the
/// string masked by [`path_word_mask`]; the fixed number of steps keeps its loop free of
/// data-dependent exits, which the verifier needs.
pub fn path_hash(bytes: &[u8]) -> u64 {
    let mut h = PATH_HASH_SEED;
    for w in 0..PATH_HASH_BYTES / 8 {
        let mut word = [0u8; 8];
        for (k, b) in word.iter_mut().enumerate() {
            *b = bytes.get(8 * w + k).copied().unwrap_or(0);
        }
        h = path_hash_step(h, u64::from_le_bytes(word));
    }
    path_hash_finish(h, bytes.len())
}

/// The bytes of word `w` that lie inside a string of `len` bytes, as a mask, computed
/// without branches.
#[inline(always)]
pub fn path_word_mask(w: usize, len: usize) -> u64 {
    let rem = len as i64 - 8 * w as i64;
    let before = (rem >> 63) as u64; // the string ended before this word
    let whole = ((7 - rem) >> 63) as u64; // it covers the whole word
    let part = (1u64 << ((rem as u64 & 7) * 8)).wrapping_sub(1);
    !before & (whole | part)
}

pub const PATH_HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

#[inline(always)]
pub fn path_hash_step(h: u64, word: u64) -> u64 {
    (h ^ word).wrapping_mul(0x0100_0000_01b3)
}

#[inline(always)]
pub fn path_hash_finish(h: u64, len: usize) -> u64 {
    // Never 0: 0 marks an unused filter slot.
    path_hash_step(h ^ len as u64, 0xff) | 1
}

/// Size of the `PLANS` array: every x86_64 syscall number is below it.
pub const MAX_SYSCALLS: u32 = 512;

/// Strings in a [`capture::STRV`] capture (execve's argv) beyond which it is truncated.
pub const MAX_STRV: usize = 32;
/// Pointers a [`capture::PTRV_COUNT`] capture counts at most.
pub const MAX_PTRV: usize = 512;

/// Per-CPU kernel-side counters, index 0 of the `STATS` per-CPU array.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// sys_enter hits (every syscall on the CPU while attached to raw_syscalls).
    pub seen: u64,
    /// Calls by traced tasks that the filters dropped in the kernel.
    pub filtered: u64,
    /// Records written to the ring buffer.
    pub emitted: u64,
    /// Records the ring buffer could not take.
    pub lost: u64,
    /// Calls whose entry could not be remembered (in-flight map full).
    pub inflight_full: u64,
    /// Forked tasks that could not be added to the trace set (map full).
    pub pidset_full: u64,
}

/// What the kernel remembers between sys_enter and sys_exit of one task.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InFlight {
    pub nr: u32,
    /// Thread and process ids as the tracer sees them (its own pid namespace).
    pub tid: u32,
    pub tgid: u32,
    pub _pad: u32,
    pub enter_ns: u64,
    pub args: [u64; MAX_ARGS],
    /// [`INFLIGHT_SHOWN`].
    pub flags: u32,
    /// Entry captures (bit = plan slot) whose read faulted: the page was not resident.
    /// They are read again at exit, after the kernel itself has touched the memory.
    pub retry: u32,
}

/// The call is in the trace set. Calls outside it are remembered only when the kernel
/// needs them (exit_group's status).
pub const INFLIGHT_SHOWN: u32 = 1;
/// The thread is inside this call. Entries stay in the map for the thread's life and are
/// overwritten in place at each entry (cheaper than inserting and deleting per call);
/// the exit clears this bit.
pub const INFLIGHT_ACTIVE: u32 = 2;

/// Buckets of the per-syscall latency histogram: bucket `i` counts calls that took
/// `[2^(i-1), 2^i)` ns (bucket 0: under 1 ns), so 40 buckets reach about 9 minutes.
pub const HIST_BUCKETS: usize = 40;

/// Per-syscall totals counted in the kernel (per CPU; userspace adds the CPUs up).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyscallTotals {
    pub calls: u64,
    pub errors: u64,
    pub total_ns: u64,
    pub max_ns: u64,
    pub hist: [u64; HIST_BUCKETS],
}

impl Default for SyscallTotals {
    fn default() -> Self {
        Self {
            calls: 0,
            errors: 0,
            total_ns: 0,
            max_ns: 0,
            hist: [0; HIST_BUCKETS],
        }
    }
}

/// `STATUS_MASK` bits: which call outcomes are recorded (strace's `--status`).
pub mod status {
    pub const SUCCESSFUL: u8 = 1;
    pub const FAILED: u8 = 2;
    /// Calls that never returned (exit_group, a task killed inside a call).
    pub const UNFINISHED: u8 = 4;
    pub const ALL: u8 = 7;
}

/// Size of the per-CPU scratch buffer records are assembled in before `bpf_ringbuf_output`.
pub const SCRATCH_SIZE: usize = 16384;
/// Largest single capture; keeps `len` provably bounded for the verifier.
pub const MAX_CAPTURE: usize = 4096;

const _: () = {
    assert!(core::mem::size_of::<SyscallRecord>() == 96);
    assert!(core::mem::size_of::<CaptureHeader>() == 8);
    assert!(core::mem::size_of::<IovecChunk>() == 24);
    assert!(core::mem::size_of::<FdSetsHeader>() == 8);
    assert!(core::mem::size_of::<TaskExitRecord>() == 32);
    assert!(core::mem::size_of::<SignalRecord>() == 24 + SIGINFO_BYTES);
    assert!(core::mem::size_of::<CaptureSpec>() == 8);
    assert!(core::mem::size_of::<CapturePlan>() == 40);
    assert!(core::mem::size_of::<Stats>() == 48);
    assert!(core::mem::size_of::<InFlight>() == 80);
    assert!(core::mem::size_of::<SyscallPlan>() == 48);
    assert!(core::mem::size_of::<SyscallTotals>() == 32 + 8 * HIST_BUCKETS);
};

#[cfg(feature = "user")]
mod pod {
    // SAFETY: plain-old-data: repr(C), integer fields only, no implicit padding.
    unsafe impl aya::Pod for super::SyscallPlan {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::Stats {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::InFlight {}
    // SAFETY: as above.
    unsafe impl aya::Pod for super::SyscallTotals {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_masks_cover_the_string_exactly() {
        assert_eq!(path_word_mask(0, 0), 0);
        assert_eq!(path_word_mask(0, 3), 0xff_ffff);
        assert_eq!(path_word_mask(0, 8), u64::MAX);
        assert_eq!(path_word_mask(1, 8), 0);
        assert_eq!(path_word_mask(1, 11), 0xff_ffff);
        assert_eq!(path_word_mask(2, 300), u64::MAX);
    }

    /// The kernel hashes the words of its buffer, masked, where bytes past the string are
    /// whatever was there before; userspace hashes the path itself. They must agree.
    #[test]
    fn masked_words_hash_like_the_path() {
        let path = b"/etc/hostname";
        let mut buf = [0xaau8; PATH_HASH_BYTES];
        buf[..path.len()].copy_from_slice(path);
        let mut h = PATH_HASH_SEED;
        for w in 0..PATH_HASH_BYTES / 8 {
            let word = u64::from_le_bytes(buf[8 * w..8 * w + 8].try_into().unwrap());
            h = path_hash_step(h, word & path_word_mask(w, path.len()));
        }
        assert_eq!(path_hash_finish(h, path.len()), path_hash(path));
        assert_ne!(path_hash(b"/etc/hostnamf"), path_hash(path));
        assert_ne!(path_hash(b"/etc/hostname/"), path_hash(path));
    }
}
