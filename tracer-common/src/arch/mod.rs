//! What differs between the architectures the tracer runs on, each in its own module:
//! the syscall numbers the code names, where the kernel keeps a call's registers, the
//! signal frame, how a 32-bit (compat) call shows, and the user ABI's layouts and flag
//! values that are not the same everywhere. Everything else in this crate, and the
//! decoders in userspace, are architecture-neutral and take these from here.
//!
//! Both modules are always compiled (they are constants), so tests on one architecture
//! can check the other's; the build target's is re-exported here. The eBPF object is
//! built for `bpf`, so there the architecture is the `bpf_target_arch` cfg that
//! aya-build sets from the user crate's target.

pub mod aarch64;
pub mod x86_64;

#[cfg(any(target_arch = "aarch64", bpf_target_arch = "aarch64"))]
pub use aarch64::*;
#[cfg(any(target_arch = "x86_64", bpf_target_arch = "x86_64"))]
pub use x86_64::*;

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    bpf_target_arch = "x86_64",
    bpf_target_arch = "aarch64"
)))]
compile_error!("tracer supports x86_64 and aarch64 only");

/// Bit set in the syscall number of a call made through the 32-bit (compat) entry of a
/// 64-bit kernel (ia32 on x86_64, AArch32 on arm64). Both backends set it, so such a
/// number is outside every table and is never decoded as the 64-bit call of the same
/// number; formatters print it as a call of the 32-bit personality.
pub const COMPAT_NR: u32 = 1 << 31;

/// The number as the 32-bit program made it, if `nr` is a compat call's.
#[inline(always)]
pub const fn compat_nr(nr: u32) -> Option<u32> {
    if nr & COMPAT_NR != 0 {
        Some(nr & !COMPAT_NR)
    } else {
        None
    }
}

/// Whether `nr` ends the task (`exit`) or its process (`exit_group`), in either
/// personality: the exit record carries its status.
#[inline(always)]
pub const fn is_exit(nr: u32) -> bool {
    nr == nr::EXIT || nr == COMPAT_NR | nr::COMPAT_EXIT || is_exit_group(nr)
}

/// Whether `nr` is `exit_group`, in either personality.
#[inline(always)]
pub const fn is_exit_group(nr: u32) -> bool {
    nr == nr::EXIT_GROUP || nr == COMPAT_NR | nr::COMPAT_EXIT_GROUP
}

/// A word in a kernel struct the programs test with `word & mask == value`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WordTest {
    pub offset: usize,
    pub mask: u64,
    pub value: u64,
}

impl WordTest {
    #[inline(always)]
    pub const fn holds(&self, word: u64) -> bool {
        word & self.mask == self.value
    }
}

/// A flag word the programs read from the current `task_struct`, at an offset userspace
/// resolves from BTF: `task_member` of `task_struct` (a struct `strukt`), then `member`
/// of it; the flag is set when `word & mask != 0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskFlag {
    pub task_member: &'static str,
    pub strukt: &'static str,
    pub member: &'static str,
    pub mask: u32,
}

/// Where `struct stat` (`fstat`, `newfstatat`) keeps what strace prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatLayout {
    pub size: u16,
    pub mode: usize,
    pub rdev: usize,
    pub st_size: usize,
}

/// `struct epoll_event`: its size and where its `data` is (`events` is at 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpollEventLayout {
    pub size: u16,
    pub data: usize,
}

// The generic 64-bit (LP64) layouts, the same on x86_64 and arm64 (checked with both
// compilers' `offsetof`): `struct user_msghdr`'s `msg_name`, `msg_namelen`, `msg_iov`,
// `msg_iovlen`, `msg_control` and `msg_controllen`.
pub const MSGHDR_NAME: u64 = 0;
pub const MSGHDR_NAMELEN: u64 = 8;
pub const MSGHDR_IOV: u64 = 16;
pub const MSGHDR_IOVLEN: u64 = 24;
pub const MSGHDR_CONTROL: u64 = 32;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compat_numbers_are_apart() {
        assert_eq!(compat_nr(COMPAT_NR | 20), Some(20));
        assert_eq!(compat_nr(20), None);
        assert!(is_exit(nr::EXIT_GROUP) && is_exit(COMPAT_NR | nr::COMPAT_EXIT_GROUP));
        assert!(!is_exit(nr::EXECVE) && !is_exit(COMPAT_NR | nr::EXECVE));
        for n in [nr::EXECVE, nr::EXECVEAT, nr::EXIT, nr::EXIT_GROUP] {
            assert!(n < MAX_SYSCALLS, "{n}");
        }
    }

    #[test]
    fn frames_and_flags_per_architecture() {
        assert_eq!(x86_64::sigframe_mask(0x1000), 0x1000 + 296);
        assert_eq!(aarch64::sigframe_mask(0x1000), 0x1000 + 168);
        // arm64 swaps asm-generic's O_DIRECT/O_DIRECTORY and O_LARGEFILE/O_NOFOLLOW.
        assert_eq!(
            (x86_64::O_DIRECT, x86_64::O_DIRECTORY),
            (aarch64::O_DIRECTORY, aarch64::O_DIRECT)
        );
        assert_eq!(
            (x86_64::O_LARGEFILE, x86_64::O_NOFOLLOW),
            (aarch64::O_NOFOLLOW, aarch64::O_LARGEFILE)
        );
        assert_eq!(x86_64::O_TMPFILE, 0o20200000);
        assert_eq!(aarch64::O_TMPFILE, 0o20040000);
    }
}
