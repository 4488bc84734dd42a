//! bpf's copies behind pointers in its attributes (argument 1), by command (argument
//! 0): static descriptions of what [`crate::decode::bpf`]'s `derefs` asks the ptrace
//! backend for. Strings are read as strings (up to their NUL, `-s` and a byte).

use tracer_common::{DEREF_EACH, DEREF_STRING, DerefSpec, EACH_STRING, when};

use super::{ENTER, EXIT, Entries};

const ARG: u8 = 1;
/// Most bytes copied behind one pointer.
const MAX: u32 = 4096;

/// `count.1` bytes at `count.0` of the attributes count `elem`-byte elements at the
/// pointer at `ptr_at`.
const fn array(when: u8, ptr_at: u16, count: (u16, u8), elem: u32) -> DerefSpec {
    super::behind(when, ARG, ptr_at, count, elem, 0, MAX)
}

/// The NUL-terminated string at the pointer at `ptr_at`, at most `max` bytes.
const fn string(when: u8, ptr_at: u16, max: u32) -> DerefSpec {
    super::behind(when, ARG, ptr_at, (0, DEREF_STRING), 0, 0, max)
}

/// For each 8-byte pointer of the copy before, the string it points at.
const fn each_string(when: u8) -> DerefSpec {
    super::behind(when, ARG, 0, (EACH_STRING, DEREF_EACH), 8, 0, MAX)
}

/// For the copy before (a struct at least `min` bytes long): the array at its pointer
/// at `ptr_at`, as many `elem`-byte elements as its u32 at `count_at` says.
const fn inner_array(when: u8, ptr_at: u16, count_at: u16, min: u32, elem: u32) -> DerefSpec {
    super::behind(when, ARG, ptr_at, (count_at, DEREF_EACH), min, elem, MAX)
}

/// By command: the copies, at most [`tracer_common::MAX_DEREFS`].
pub const TABLE: Entries = &[
    // BPF_PROG_LOAD: the instructions (`-v`), the license, the log buffer (strace prints
    // it as a string at entry).
    (
        5,
        &[
            array(ENTER, 8, (4, 4), 8),
            string(ENTER, 16, MAX),
            string(ENTER, 32, MAX),
        ],
    ),
    // BPF_OBJ_GET_INFO_BY_FD: the object's info, as long as `info_len` says at entry
    // and at exit; after it, a program's map ids and instructions (`struct
    // bpf_prog_info`: 200 bytes and more since Linux 5.1; a map's info is shorter).
    // Its JITed code (at 24) does not fit the plan.
    (
        15,
        &[
            array(ENTER, 8, (4, 4), 1),
            array(EXIT, 8, (4, 4), 1),
            inner_array(EXIT, 56, 52, 200, 4),
            inner_array(EXIT, 32, 20, 200, 1),
        ],
    ),
    // BPF_OBJ_PIN, BPF_OBJ_GET: the path.
    (6, &[string(ENTER, 0, MAX)]),
    (7, &[string(ENTER, 0, MAX)]),
    // BPF_PROG_QUERY: the program ids the kernel wrote, as many as `prog_cnt` at exit.
    (16, &[array(when::EXIT_OK, 16, (24, 4), 4)]),
    // BPF_RAW_TRACEPOINT_OPEN: the tracepoint's name (strace reads up to 128 bytes).
    (17, &[string(ENTER, 0, 128)]),
    // BPF_BTF_LOAD: `btf_size` bytes of BTF.
    (18, &[array(ENTER, 0, (16, 4), 1)]),
    // BPF_TASK_FD_QUERY: the name the kernel wrote.
    (20, &[string(EXIT, 16, MAX)]),
    // BPF_LINK_CREATE, by attach type (the union after `flags`; all are taken, the
    // decoder finds the one it prints by address): BPF_TRACE_ITER's `iter_info`,
    // BPF_TRACE_KPROBE_MULTI's symbols (each a string) and addresses. Its cookies
    // (at 40) do not fit the plan: shown as an address unless they are the addresses.
    (
        28,
        &[
            array(ENTER, 16, (24, 4), 4),
            array(ENTER, 24, (20, 4), 8),
            each_string(ENTER),
            array(ENTER, 32, (20, 4), 8),
        ],
    ),
];
