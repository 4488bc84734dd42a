//! x86_64: arch/x86/include/uapi/asm/unistd_64.h, arch/x86/include/asm/ptrace.h,
//! arch/x86/kernel/signal_64.c, and the uapi headers for the layouts and flags.

use super::{EpollEventLayout, StatLayout, TaskFlag, WordTest};

/// Size of the `PLANS` array: every x86_64 syscall number is below it.
pub const MAX_SYSCALLS: u32 = 512;

/// Syscall numbers the tracer's code names (the rest come from the syscall table).
pub mod nr {
    pub const IOCTL: u32 = 16;
    pub const EXECVE: u32 = 59;
    pub const EXIT: u32 = 60;
    pub const EXIT_GROUP: u32 = 231;
    pub const EXECVEAT: u32 = 322;
    /// i386's (arch/x86/entry/syscalls/syscall_32.tbl), for ia32 tasks' exits.
    pub const COMPAT_EXIT: u32 = 1;
    pub const COMPAT_EXIT_GROUP: u32 = 252;
}

/// The syscall argument registers of `struct pt_regs` (a stable ABI, so no CO-RE is
/// needed), of both the 64-bit and the ia32 calling conventions, lie in one 88-byte span
/// from bp (offset 32) to di (offset 112): bp, bx, r11, r10, r9, r8, ax, cx, dx, si, di.
/// One read of the span costs one helper call instead of six.
pub const PT_REGS_ARGS_SPAN: usize = 32;
pub const PT_REGS_SPAN_WORDS: usize = 11;
/// Index in that span of each argument: di, si, dx, r10, r8, r9.
pub const PT_REGS_ARG_SLOTS: [usize; crate::MAX_ARGS] = [10, 9, 8, 3, 5, 4];
/// The same for an ia32 call: bx, cx, dx, si, di, bp.
pub const PT_REGS_COMPAT_ARG_SLOTS: [usize; crate::MAX_ARGS] = [1, 7, 8, 9, 10, 0];
/// Offset of `sp` in `struct pt_regs`.
pub const PT_REGS_SP: usize = 152;
/// Offset of `ip` in `struct pt_regs` (`-i`).
pub const PT_REGS_IP: usize = 128;
/// Offset of `orig_ax`, the syscall's number, in `struct pt_regs` (its low 32 bits).
pub const PT_REGS_NR: usize = 120;

/// The syscall functions' prefix (`__x64_sys_openat(const struct pt_regs *)`, what
/// `SYSCALL_DEFINE` makes for 64-bit calls), where fentry/fexit programs attach.
pub const SYSCALL_FN_PREFIX: &str = "__x64_sys_";
/// Where a no-argument syscall's function is only an alias of its body
/// (`__x64_sys_getppid` of `__do_sys_getppid`, both taking the registers): BTF has the
/// body's name only. The ia32 stub is the same alias, so 32-bit calls enter it too.
pub const SYSCALL_FN_ALIAS_PREFIX: Option<&str> = Some("__do_sys_");

/// A compat (ia32) call, from its registers: the code segment is `__USER32_CS` (0x23;
/// 64-bit code runs in 0x33). Catches 32-bit programs; `int $0x80` from 64-bit code is
/// only seen through [`COMPAT_TASK_FLAG`].
pub const PT_REGS_COMPAT: WordTest = WordTest {
    offset: 136,
    mask: 0xffff,
    value: 0x23,
};

/// A compat call, from the task: the 32-bit entry paths set `TS_COMPAT` in
/// `current->thread_info.status` before `sys_enter` and clear it on the way back to user
/// mode (arch/x86/include/asm/entry-common.h); `syscall_get_arch()` reads the same bit,
/// so this agrees with `PTRACE_GET_SYSCALL_INFO`'s `arch`. The offset comes from BTF.
pub const COMPAT_TASK_FLAG: Option<TaskFlag> = Some(TaskFlag {
    task_member: "thread_info",
    strukt: "thread_info",
    member: "status",
    mask: 0x0002,
});

/// `AUDIT_ARCH_X86_64` and `AUDIT_ARCH_I386` (include/uapi/linux/audit.h): the `arch`
/// of `PTRACE_GET_SYSCALL_INFO` and `seccomp_data`.
pub const AUDIT_ARCH: u32 = 0xc000_003e;
pub const AUDIT_ARCH_COMPAT: u32 = 0x4000_0003;
/// x32 calls come through the 64-bit entry with this bit in the number.
pub const X32_SYSCALL_BIT: Option<u32> = Some(0x4000_0000);

/// Where the mask `rt_sigreturn` restores is, given the stack pointer it is called with:
/// the signal frame's `struct ucontext` starts there (the handler's return popped the
/// frame's return address), and `uc_sigmask` follows `uc_flags`, `uc_link`, `uc_stack`
/// (24 bytes) and `uc_mcontext` (256).
pub const fn sigframe_mask(sp: u64) -> u64 {
    sp.wrapping_add(8 + 8 + 24 + 256)
}

/// `O_*` values asm-generic/fcntl.h gives x86_64 (other architectures override them).
pub const O_DIRECT: u64 = 0o40000;
pub const O_LARGEFILE: u64 = 0o100000;
pub const O_DIRECTORY: u64 = 0o200000;
pub const O_NOFOLLOW: u64 = 0o400000;
pub const O_TMPFILE: u64 = 0o20000000 | O_DIRECTORY;

/// arch/x86/include/uapi/asm/stat.h: `st_nlink` is a long, before `st_mode`.
pub const STAT: StatLayout = StatLayout {
    size: 144,
    mode: 24,
    rdev: 40,
    st_size: 48,
};

/// include/uapi/linux/eventpoll.h: packed on x86_64 only.
pub const EPOLL_EVENT: EpollEventLayout = EpollEventLayout { size: 12, data: 4 };

/// arch/x86/include/uapi/asm/mman.h (0 where an architecture has no such flag).
pub const MAP_32BIT: u64 = 0x40;
