//! ptrace's copies behind `data` (argument 3), by request (argument 0): static
//! descriptions of what [`crate::decode::ptrace`]'s `derefs` asks the ptrace backend for.

use tracer_common::{DEREF_COUNT_RET, DEREF_SELF, DerefSpec};

use super::{ENTER, EXIT_OK, Entries};

const DATA: u8 = 3;

/// What `data` points at, `bytes` long (longer than the plan's copy).
const fn whole(when: u8, bytes: u32) -> DerefSpec {
    super::whole(when, DATA, bytes)
}

/// A regset's registers: what the iovec at `data` points at, as long as its `iov_len`
/// says (the kernel's after GETREGSET), up to `struct user_fpregs_struct`.
const fn regset(when: u8) -> DerefSpec {
    super::behind(when, DATA, 0, (8, 8), 1, 0, 512)
}

/// By request: the registers (x86_64's GETREGS, SETREGS, GETFPREGS, SETFPREGS), a
/// regset's (GETREGSET, SETREGSET), PEEKSIGINFO's `siginfo_t`s (as many as it
/// returns; a capture's worth).
pub const TABLE: Entries = &[
    #[cfg(target_arch = "x86_64")]
    (12, &[whole(EXIT_OK, 216)]),
    #[cfg(target_arch = "x86_64")]
    (13, &[whole(ENTER, 216)]),
    #[cfg(target_arch = "x86_64")]
    (14, &[whole(EXIT_OK, 512)]),
    #[cfg(target_arch = "x86_64")]
    (15, &[whole(ENTER, 512)]),
    // (The regsets' iovec as given, too: the plan's longer copy of `data` may fault at
    // entry and be taken at exit, after the kernel wrote its length.)
    (0x4204, &[whole(ENTER, 16), regset(EXIT_OK)]),
    (0x4205, &[whole(ENTER, 16), regset(ENTER)]),
    (
        0x4209,
        &[super::behind(
            EXIT_OK,
            DATA,
            DEREF_SELF,
            (0, DEREF_COUNT_RET),
            128,
            0,
            4096,
        )],
    ),
];
