//! ioctl's copies behind pointers in its struct (argument 2), by request: static
//! descriptions of what [`crate::decode::derefs`] asks the ptrace backend for, where a
//! pointer and a count at fixed places in the struct say it.

use tracer_common::{DEREF_SELF, DerefSpec};

use super::{ENTER, EXIT, Entries};

const ARG: u8 = 2;

/// `count_bytes` bytes at `count_at` of the struct count `elem`-byte elements at the
/// pointer at `ptr_at`, after `add` bytes; at most `max` bytes.
const fn behind(
    when: u8,
    ptr_at: u16,
    count: (u16, u8),
    elem: u32,
    add: u32,
    max: u32,
) -> DerefSpec {
    super::behind(when, ARG, ptr_at, count, elem, add, max)
}

/// For each `elem`-byte element of the copy before: its pointer at `ptr_at`, for as
/// many bytes as its u32 at `size_at` says.
const fn each(when: u8, ptr_at: u16, size_at: u16, elem: u32, max: u32) -> DerefSpec {
    super::each(when, ARG, ptr_at, size_at, elem, max)
}

/// The struct itself, `bytes` long (longer than the request's size says).
const fn whole(when: u8, bytes: u32) -> DerefSpec {
    super::whole(when, ARG, bytes)
}

/// VIDIOC_S/TRY/G_EXT_CTRLS: the controls (20 bytes each, packed) and each control's
/// string (its pointer at 12, its size at 4), at entry and at exit.
const EXT_CTRLS: &[DerefSpec] = &[
    behind(ENTER, 24, (4, 4), 20, 0, 4096),
    each(ENTER, 12, 4, 20, 4096),
    behind(EXIT, 24, (4, 4), 20, 0, 4096),
    each(EXIT, 12, 4, 20, 4096),
];

/// By request: the copies (parts of at most [`tracer_common::MAX_DEREFS`]); a copy for
/// each element ([`each`]) follows the copy of the elements in its part.
pub const TABLE: Entries = &[
    // kd: the Unicode maps' pairs (GIO_UNIMAP, PIO_UNIMAP), the fonts' glyphs (GIO_FONTX,
    // PIO_FONTX; KDFONTOP's, up to 32 rows of 4 bytes a glyph, or SET_DEFAULT's name),
    // and the structs longer than the plan's copy.
    (0x4b66, &[behind(EXIT, 8, (0, 2), 4, 0, 4096)]),
    (0x4b67, &[behind(ENTER, 8, (0, 2), 4, 0, 4096)]),
    (0x4b6b, &[behind(EXIT, 8, (0, 2), 32, 0, 512 * 32)]),
    (0x4b6c, &[behind(ENTER, 8, (0, 2), 32, 0, 512 * 32)]),
    (
        0x4b72,
        &[
            behind(ENTER, 24, (16, 4), 128, 0, 512 * 128),
            behind(EXIT, 24, (16, 4), 128, 0, 512 * 128),
        ],
    ),
    (0x4b69, &[whole(EXIT, 512)]),
    (0x4b6a, &[whole(ENTER, 512)]),
    (0x4b48, &[whole(EXIT, 513)]),
    (0x4b49, &[whole(ENTER, 513)]),
    (0x4b4a, &[whole(EXIT, 4 + 256 * 3)]),
    (0x4b4b, &[whole(ENTER, 4 + 256 * 3)]),
    (0x4bfa, &[whole(EXIT, 4 + 256 * 12)]),
    (0x4bfb, &[whole(ENTER, 4 + 256 * 12)]),
    // v4l2: an overlay format's clips (S_FMT, TRY_FMT, G_FMT; CREATE_BUFS's format),
    // extended controls (S/TRY/G_EXT_CTRLS; and each control's string).
    (
        0xc0d05605,
        &[
            behind(ENTER, 32, (40, 4), 24, 0, 4096),
            behind(EXIT, 32, (40, 4), 24, 0, 4096),
        ],
    ),
    (
        0xc0d05640,
        &[
            behind(ENTER, 32, (40, 4), 24, 0, 4096),
            behind(EXIT, 32, (40, 4), 24, 0, 4096),
        ],
    ),
    (0xc0d05604, &[behind(EXIT, 32, (40, 4), 24, 0, 4096)]),
    (0xc100565c, &[behind(ENTER, 48, (56, 4), 24, 0, 4096)]),
    (0xc0205648, EXT_CTRLS),
    (0xc0205649, EXT_CTRLS),
    (0xc0205647, EXT_CTRLS),
    // block: BLKPG's partition.
    (0x1269, &[behind(ENTER, 16, (0, 0), 0, 152, 152)]),
    // tee: the arguments behind `buf_ptr` (OPEN_SESSION, INVOKE, SUPPL_RECV, SUPPL_SEND).
    (0x8010a402, TEE_BUF),
    (0x8010a403, TEE_BUF),
    (0x8010a406, TEE_BUF),
    (0x8010a407, TEE_BUF),
    // perf: SET_FILTER's string (up to its page's end), MODIFY_ATTRIBUTES' whole
    // attributes (the request says 8 bytes).
    (0x40082406, &[whole(ENTER, 4096)]),
    (0x4008240b, &[whole(ENTER, 128)]),
    // kvm: a CPUID table's entries after its header (SET_CPUID2, GET_SUPPORTED_CPUID).
    (
        0x4008ae90,
        &[behind(ENTER, DEREF_SELF, (0, 4), 40, 8, 4096)],
    ),
    (0xc008ae05, &[behind(EXIT, DEREF_SELF, (0, 4), 40, 8, 4096)]),
    // ubi: UBI_IOCEBCH's 16 bytes (the request says 4).
    (0x40044f02, &[whole(ENTER, 16)]),
    // UBI_IOCRNVOL's 4368 bytes: a capture's worth, then the rest (joined for the
    // decoder, `decode::join_pieces`).
    (
        0x5110_6f03,
        &[
            whole(ENTER, 4368),
            behind(ENTER, DEREF_SELF, (4088, 0), 0, 4368 - 4088, 4368 - 4088),
        ],
    ),
    // SIOCGIFCONF: the interfaces the kernel wrote into `ifc_buf`, `ifc_len` bytes.
    (0x8912, &[behind(EXIT, 8, (0, 4), 1, 0, 4096)]),
    // SG_IO: v3's data, v4's request, data and response.
    (0x2285, SG_IO),
];

/// SG_IO, by the header's interface id (its first byte). v3's `dxferp` (at 16), a
/// buffer or `iovec_count` iovecs: a capture's worth (up to its page's end), which holds
/// either (the struct has no count for both), and for each iovec in it what it points
/// at, at entry and at exit; its command (`cmd_len` bytes at `cmdp`) at entry, its sense
/// buffer (`sb_len_wr` bytes at `sbp`) at exit. v4's request (`request_len` bytes) at
/// entry, `dout_xferp` (at 72) as v3's data at entry, `din_xferp` (at 80) at exit, its
/// response (`response_len` bytes) at exit. (The copies of data read as iovecs are of
/// memory the decoder does not print.) Three parts ([`tracer_common::DerefPlan::more`]).
const SG_IO: &[DerefSpec] = &[
    v3(behind(ENTER, 16, (0, 0), 0, 4096, 4096)),
    each(ENTER, 0, 8, 16, 4096),
    v3(behind(EXIT, 16, (0, 0), 0, 4096, 4096)),
    each(EXIT, 0, 8, 16, 4096),
    v3(behind(ENTER, 24, (8, 1), 1, 0, 255)),
    v3(behind(EXIT, 32, (67, 1), 1, 0, 255)),
    v4(behind(ENTER, 16, (12, 4), 1, 0, 4096)),
    v4(behind(EXIT, 48, (132, 4), 1, 0, 4096)),
    v4(behind(ENTER, 72, (0, 0), 0, 4096, 4096)),
    each(ENTER, 0, 8, 16, 4096),
    v4(behind(EXIT, 80, (0, 0), 0, 4096, 4096)),
    each(EXIT, 0, 8, 16, 4096),
];

/// An SG_IO copy of v3's header (`interface_id` 'S').
const fn v3(spec: DerefSpec) -> DerefSpec {
    super::guarded(b'S', spec)
}

/// An SG_IO copy of v4's header (`guard` 'Q').
const fn v4(spec: DerefSpec) -> DerefSpec {
    super::guarded(b'Q', spec)
}

/// TEE's `struct tee_ioctl_buf_data`: `buf_len` (u64 at 8) bytes at `buf_ptr`, at entry
/// and at exit.
const TEE_BUF: &[DerefSpec] = &[
    behind(ENTER, 0, (8, 8), 1, 0, 1024),
    behind(EXIT, 0, (8, 8), 1, 0, 1024),
];
