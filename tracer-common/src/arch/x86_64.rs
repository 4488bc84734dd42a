//! What is x86_64's: the syscall numbers the code names, register and struct offsets.
//! Everything else in this crate is architecture-neutral.

/// Size of the `PLANS` array: every x86_64 syscall number is below it.
pub const MAX_SYSCALLS: u32 = 512;

/// Syscall numbers the tracer's code names (the rest come from the syscall table).
pub mod nr {
    pub const CLONE: u32 = 56;
    pub const FORK: u32 = 57;
    pub const VFORK: u32 = 58;
    pub const EXECVE: u32 = 59;
    pub const EXIT: u32 = 60;
    pub const EXIT_GROUP: u32 = 231;
    pub const EXECVEAT: u32 = 322;
    pub const CLONE3: u32 = 435;
}

/// The syscall argument registers of `struct pt_regs` (a stable ABI, so no CO-RE is
/// needed) lie in one 64-byte span from r10 (offset 56) to di (offset 112): r10, r9, r8,
/// ax, cx, dx, si, di. One read of the span costs one helper call instead of six.
pub const PT_REGS_ARGS_SPAN: usize = 56;
/// Index in that span of each argument (di, si, dx, r10, r8, r9).
pub const PT_REGS_ARG_SLOTS: [usize; crate::MAX_ARGS] = [7, 6, 5, 0, 2, 1];
/// Offset of `sp` in `struct pt_regs`.
pub const PT_REGS_SP: usize = 152;

/// Offsets in `struct msghdr` (x86_64) of `msg_name`, `msg_namelen`, `msg_iov`,
/// `msg_iovlen`.
pub const MSGHDR_NAME: u64 = 0;
pub const MSGHDR_NAMELEN: u64 = 8;
pub const MSGHDR_IOV: u64 = 16;
pub const MSGHDR_IOVLEN: u64 = 24;
/// `msg_control` and `msg_controllen`.
pub const MSGHDR_CONTROL: u64 = 32;

/// Where the mask `rt_sigreturn` restores is, given the stack pointer it is called with
/// (x86_64): the signal frame's `struct ucontext` starts there (the handler's return
/// popped the frame's return address), and `uc_sigmask` follows `uc_flags`, `uc_link`,
/// `uc_stack` (24 bytes) and `uc_mcontext` (256).
pub const fn sigframe_mask(sp: u64) -> u64 {
    sp.wrapping_add(8 + 8 + 24 + 256)
}
