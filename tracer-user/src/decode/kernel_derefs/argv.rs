//! execve's and execveat's `argv` and `envp`, copied again at every call (no argument
//! picks them: the plan's copy cannot tell in advance whether it will fail): each
//! array's first 64 pointers, up to its page's end where it ends a mapping, and the
//! strings of its first elements (the first in pieces, for one longer than a copy).
//! [`crate::decode::argv`] uses them only where the plan's copy failed (an element
//! pointing at unreadable memory, an unterminated array) or had no room for a string,
//! as the ptrace backend reads them then.

use tracer_common::{DEREF_STRING, DerefSpec, EACH_STRING, MAX_CAPTURE};

use super::{ENTER, Entries, each, whole};

/// An array's pointers copied (as the ptrace side reads them).
const POINTERS: u32 = 64 * 8;

/// A string's piece: a copy's worth with its address, which the decoders join to the
/// pieces that follow ([`crate::decode::join_pieces`]).
const PIECE: u32 = (MAX_CAPTURE - 8) as u32;

/// The copies for the array at argument `arg`: its pointers, its first strings, and the
/// later pieces of its first string (taken only where `-s` reaches them: a string
/// longer than the plan's copy has room for, up to three pieces).
const fn array(arg: u8) -> [DerefSpec; 4] {
    [
        whole(ENTER, arg, POINTERS),
        each(ENTER, arg, 0, EACH_STRING, 8, PIECE + 1),
        piece(arg, 1),
        piece(arg, 2),
    ]
}

/// Piece `n` of the first string of the array at argument `arg`.
const fn piece(arg: u8, n: u32) -> DerefSpec {
    super::behind(ENTER, arg, 0, (0, DEREF_STRING), 0, n * PIECE, PIECE + 1)
}

/// `envp` (at argument `argv` + 1) first: with a large `-s`, strings past `argv`'s NULL
/// (its copy goes on past it) would take the record's room.
const fn arrays(argv: u8) -> [DerefSpec; 8] {
    let [a, b, c, d] = array(argv + 1);
    let [e, f, g, h] = array(argv);
    [a, b, c, d, e, f, g, h]
}

const EXECVE: [DerefSpec; 8] = arrays(1);
const EXECVEAT: [DerefSpec; 8] = arrays(2);

pub const EXECVE_TABLE: Entries = &[(0, &EXECVE)];
pub const EXECVEAT_TABLE: Entries = &[(0, &EXECVEAT)];
