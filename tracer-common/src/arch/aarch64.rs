//! arm64: the generic syscall table (include/uapi/asm-generic/unistd.h, or
//! scripts/syscall.tbl since 6.11), arch/arm64/include/asm/ptrace.h,
//! arch/arm64/kernel/signal.c, and the uapi headers for the layouts and flags
//! (docs/arm64-notes.md has the sources).

use super::{EpollEventLayout, StatLayout, TaskFlag, WordTest};

/// Size of the `PLANS` array: every arm64 syscall number is below it.
pub const MAX_SYSCALLS: u32 = 512;

/// Syscall numbers the tracer's code names (the rest come from the syscall table).
pub mod nr {
    pub const IOCTL: u32 = 29;
    pub const EXIT: u32 = 93;
    pub const EXIT_GROUP: u32 = 94;
    pub const EXECVE: u32 = 221;
    pub const EXECVEAT: u32 = 281;
    /// arm's EABI numbers (arch/arm64/include/asm/unistd32.h), for AArch32 tasks' exits.
    pub const COMPAT_EXIT: u32 = 1;
    pub const COMPAT_EXIT_GROUP: u32 = 248;
}

/// `struct pt_regs` starts with x0..x30: the arguments are x0..x5, in order, read at
/// once from offset 0. At `sys_exit` x0 holds the result (the first argument is then in
/// `orig_x0`, 272), but the programs keep the arguments from the entry.
pub const PT_REGS_ARGS_SPAN: usize = 0;
pub const PT_REGS_SPAN_WORDS: usize = 6;
pub const PT_REGS_ARG_SLOTS: [usize; crate::MAX_ARGS] = [0, 1, 2, 3, 4, 5];
/// An AArch32 call's r0..r5 are x0..x5 too (`compat_*` registers alias the low ones).
pub const PT_REGS_COMPAT_ARG_SLOTS: [usize; crate::MAX_ARGS] = [0, 1, 2, 3, 4, 5];
/// Offset of `sp` in `struct pt_regs`.
pub const PT_REGS_SP: usize = 248;
/// Offset of `pc` in `struct pt_regs` (`-i`).
pub const PT_REGS_IP: usize = 256;
/// Offset of `syscallno` (an `s32` after `orig_x0`) in `struct pt_regs`.
pub const PT_REGS_NR: usize = 280;

/// The syscall functions' prefix (`__arm64_sys_openat(const struct pt_regs *)`), where
/// fentry/fexit programs attach.
pub const SYSCALL_FN_PREFIX: &str = "__arm64_sys_";
/// arm64 defines every syscall function under its own name: no alias to look for.
pub const SYSCALL_FN_ALIAS_PREFIX: Option<&str> = None;

/// A compat (AArch32) call: `pstate` (264) has `PSR_MODE32_BIT` (0x10), what
/// `compat_user_mode()` tests.
pub const PT_REGS_COMPAT: WordTest = WordTest {
    offset: 264,
    mask: 0x10,
    value: 0x10,
};

/// The registers say it all: nothing to read from the task.
pub const COMPAT_TASK_FLAG: Option<TaskFlag> = None;

/// `AUDIT_ARCH_AARCH64` and `AUDIT_ARCH_ARM` (include/uapi/linux/audit.h).
pub const AUDIT_ARCH: u32 = 0xc000_00b7;
pub const AUDIT_ARCH_COMPAT: u32 = 0x4000_0028;
/// No x32-like ABI in the syscall number.
pub const X32_SYSCALL_BIT: Option<u32> = None;

/// Where the mask `rt_sigreturn` restores is, given the stack pointer it is called with:
/// the frame (`struct rt_sigframe`: a 128-byte `siginfo`, then `struct ucontext`) starts
/// at `sp`, and `uc_sigmask` follows `uc_flags`, `uc_link` and `uc_stack` (24 bytes).
pub const fn sigframe_mask(sp: u64) -> u64 {
    sp.wrapping_add(128 + 8 + 8 + 24)
}

/// `O_*` values arch/arm64/include/uapi/asm/fcntl.h overrides.
pub const O_DIRECTORY: u64 = 0o40000;
pub const O_NOFOLLOW: u64 = 0o100000;
pub const O_DIRECT: u64 = 0o200000;
pub const O_LARGEFILE: u64 = 0o400000;
pub const O_TMPFILE: u64 = 0o20000000 | O_DIRECTORY;

/// include/uapi/asm-generic/stat.h: `st_mode` and a 32-bit `st_nlink` first.
pub const STAT: StatLayout = StatLayout {
    size: 128,
    mode: 16,
    rdev: 32,
    st_size: 48,
};

/// include/uapi/linux/eventpoll.h: not packed, so `data` is aligned to 8.
pub const EPOLL_EVENT: EpollEventLayout = EpollEventLayout { size: 16, data: 8 };

/// x86_64's only. (arm64's own `PROT_BTI` 0x10 and `PROT_MTE` 0x20, which glibc's loader
/// passes to `mprotect` for BTI-marked code where the CPU has BTI, are not in strace's
/// table either: both print them as `|0x10`.)
pub const MAP_32BIT: u64 = 0;
