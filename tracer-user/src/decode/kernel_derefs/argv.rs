//! execve's and execveat's `argv` and `envp`, copied again at every call (no argument
//! picks them: the plan's copy cannot tell in advance whether it will fail): each
//! array's first 64 pointers, up to its page's end where it ends a mapping, and the
//! strings of its first elements. [`crate::decode::argv`] uses them only where the
//! plan's copy failed (an element pointing at unreadable memory, an unterminated
//! array), as the ptrace backend reads them then.

use tracer_common::{DerefSpec, EACH_STRING};

use super::{ENTER, Entries, each, whole};

/// An array's pointers copied (as the ptrace side reads them).
const POINTERS: u32 = 64 * 8;

/// The copies for `argv` at argument `argv` and `envp` after it.
const fn arrays(argv: u8) -> [DerefSpec; 4] {
    [
        whole(ENTER, argv, POINTERS),
        each(ENTER, argv, 0, EACH_STRING, 8, 4096),
        whole(ENTER, argv + 1, POINTERS),
        each(ENTER, argv + 1, 0, EACH_STRING, 8, 4096),
    ]
}

const EXECVE: [DerefSpec; 4] = arrays(1);
const EXECVEAT: [DerefSpec; 4] = arrays(2);

pub const EXECVE_TABLE: Entries = &[(0, &EXECVE)];
pub const EXECVEAT_TABLE: Entries = &[(0, &EXECVEAT)];
