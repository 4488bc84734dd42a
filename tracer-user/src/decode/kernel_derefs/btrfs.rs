//! btrfs ioctls' copies (the struct at argument 2, by request): the 4096-byte structs
//! whole (one capture and the piece after it), and what their pointers point at, as
//! `decode/ioctl/btrfs.rs` asks the ptrace backend for them.

use tracer_common::{DEREF_SELF, DerefSpec, MAX_CAPTURE};

use super::{ENTER, EXIT, Entries};

const ARG: u8 = 2;
/// What one copy holds of a struct: a capture less its address.
const PIECE: u32 = (MAX_CAPTURE - 8) as u32;

/// The 4096-byte struct at `when`: a capture's worth, then the rest.
const fn page(when: u8) -> [DerefSpec; 2] {
    [
        super::whole(when, ARG, 4096),
        super::behind(
            when,
            ARG,
            DEREF_SELF,
            (PIECE as u16, 0),
            0,
            4096 - PIECE,
            4096,
        ),
    ]
}

/// The struct itself, its size `add` + `elem` x the count (`count.1` bytes at
/// `count.0`), at entry and at exit.
const fn counted(count: (u16, u8), elem: u32, add: u32) -> [DerefSpec; 2] {
    [
        super::behind(ENTER, ARG, DEREF_SELF, count, elem, add, 4096),
        super::behind(EXIT, ARG, DEREF_SELF, count, elem, add, 4096),
    ]
}

const IN: [DerefSpec; 2] = page(ENTER);
const VOL_ARGS: &[DerefSpec] = &IN;
/// `btrfs_ioctl_vol_args_v2`, and its quota groups' header and groups (as many as a
/// kilobyte holds: the decoder takes the count the header gives).
const VOL_ARGS_V2: &[DerefSpec] = &[
    IN[0],
    IN[1],
    super::behind(ENTER, ARG, 32, (0, 0), 0, 1024, 1024),
];
const OUT: [DerefSpec; 2] = page(EXIT);
/// TREE_SEARCH, INO_LOOKUP, DEV_INFO: read and written.
const IN_OUT: &[DerefSpec] = &[IN[0], IN[1], OUT[0], OUT[1]];

pub const TABLE: Entries = &[
    // SNAP_CREATE, DEFRAG, RESIZE, SCAN_DEV, ADD_DEV, RM_DEV, SUBVOL_CREATE,
    // SNAP_DESTROY, DEVICES_READY: a descriptor and a name.
    (0x5000_9401, VOL_ARGS),
    (0x5000_9403, VOL_ARGS),
    (0x5000_9404, VOL_ARGS),
    (0x5000_9405, VOL_ARGS),
    (0x5000_940a, VOL_ARGS),
    (0x5000_940b, VOL_ARGS),
    (0x5000_940e, VOL_ARGS),
    (0x5000_940f, VOL_ARGS),
    (0x9000_9427, VOL_ARGS),
    // SNAP_CREATE_V2, SUBVOL_CREATE_V2.
    (0x5000_9417, VOL_ARGS_V2),
    (0x5000_9418, VOL_ARGS_V2),
    (0xd000_9411, IN_OUT),
    (0xd000_9412, IN_OUT),
    (0xd000_941e, IN_OUT),
    // TREE_SEARCH_V2: the key (104 bytes), the buffer's size, the buffer.
    (0xc070_9411, &counted((104, 8), 1, 112)),
    // SPACE_INFO: 16 bytes, then `total_spaces` 24-byte entries.
    (0xc010_9414, &counted((8, 8), 24, 16)),
    // FILE_EXTENT_SAME: 24 bytes, then `dest_count` 32-byte entries.
    (0xc018_9436, &counted((16, 2), 32, 24)),
    // DEV_REPLACE: 2600 bytes.
    (
        0xca28_9435,
        &[
            super::whole(ENTER, ARG, 2600),
            super::whole(EXIT, ARG, 2600),
        ],
    ),
    // SEND: `clone_sources_count` root ids at `clone_sources`.
    (
        0x4048_9426,
        &[super::behind(ENTER, ARG, 16, (8, 8), 8, 0, 4096)],
    ),
    // INO_PATHS, LOGICAL_INO: the container the kernel filled, `size` bytes at `fspath`.
    (
        0xc038_9423,
        &[super::behind(EXIT, ARG, 48, (8, 8), 1, 16, 4096)],
    ),
    (
        0xc038_9424,
        &[super::behind(EXIT, ARG, 48, (8, 8), 1, 16, 4096)],
    ),
];
