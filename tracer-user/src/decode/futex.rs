//! `futex`: which of its arguments each operation uses, as strace prints them.

use super::Call;

/// `futex` commands and the arguments after `op` each one uses, as strace prints them.
pub(crate) fn futex_uses(call: &Call) -> FutexUse {
    match call.args[1] & 127 {
        0 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: false,
            val3: false,
        },
        1 | 2 => FutexUse {
            val: true,
            timeout: None,
            uaddr2: false,
            val3: false,
        },
        3 => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: false,
        },
        4 | 5 | 12 => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: true,
        },
        6 | 13 => FutexUse {
            val: false,
            timeout: Some(true),
            uaddr2: false,
            val3: false,
        },
        7 | 8 => FutexUse {
            val: false,
            timeout: None,
            uaddr2: false,
            val3: false,
        },
        9 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: false,
            val3: true,
        },
        10 => FutexUse {
            val: true,
            timeout: None,
            uaddr2: false,
            val3: true,
        },
        11 => FutexUse {
            val: true,
            timeout: Some(true),
            uaddr2: true,
            val3: false,
        },
        _ => FutexUse {
            val: true,
            timeout: Some(false),
            uaddr2: true,
            val3: true,
        },
    }
}

pub(crate) struct FutexUse {
    pub val: bool,
    /// `Some(true)`: a timespec; `Some(false)`: the integer `val2`.
    pub timeout: Option<bool>,
    pub uaddr2: bool,
    pub val3: bool,
}
