//! keyctl's copies behind its pointers, by command (argument 0): static descriptions of
//! what [`crate::decode::keyctl`]'s `derefs` asks the ptrace backend for (the plan for
//! keyctl has no slot left for them).

use tracer_common::{DEREF_COUNT_RET, DEREF_SELF, DEREF_STRING, DerefSpec};

use super::{ENTER, EXIT_OK, Entries, behind, whole};

/// An operation's buffer: its length is in the parameters another argument points at,
/// which the programs cannot follow, so a capture's worth (up to its page's end).
const BUF: u32 = 4096;

/// `struct keyctl_dh_params` (argument 1), `struct keyctl_kdf_params` (argument 4), the
/// KDF's hash name (a string at 0) and other info (at 8, its length a u32 at 16).
const DH_COMPUTE: &[DerefSpec] = &[
    whole(ENTER, 1, 12),
    whole(ENTER, 4, 56),
    behind(ENTER, 4, 0, (0, DEREF_STRING), 0, 0, 4096),
    behind(ENTER, 4, 8, (16, 4), 1, 0, 4096),
];

/// ENCRYPT, DECRYPT, SIGN: `struct keyctl_pkey_params` (argument 1), the input
/// (argument 3), and after a success the output (argument 4).
const PKEY_OP: &[DerefSpec] = &[
    whole(ENTER, 1, 40),
    whole(ENTER, 3, BUF),
    whole(EXIT_OK, 4, BUF),
];

/// By command: DH_COMPUTE's parameters, PKEY_QUERY's answer, the PKEY operations'
/// parameters and buffers, CAPABILITIES' answer (as long as it returns).
pub const TABLE: Entries = &[
    (23, DH_COMPUTE),
    (24, &[whole(EXIT_OK, 4, 56)]),
    (25, PKEY_OP),
    (26, PKEY_OP),
    (27, PKEY_OP),
    (
        28,
        &[
            whole(ENTER, 1, 40),
            whole(ENTER, 3, BUF),
            whole(ENTER, 4, BUF),
        ],
    ),
    (
        31,
        &[behind(
            EXIT_OK,
            1,
            DEREF_SELF,
            (0, DEREF_COUNT_RET),
            1,
            0,
            4096,
        )],
    ),
];
