//! Capture plans: what the kernel programs copy of a syscall's memory arguments, one
//! plan per syscall number, derived by userspace from its syscall table.

use crate::record::MAX_ARGS;

/// What the capture plan copies for one argument.
pub mod capture {
    pub const NONE: u8 = 0;
    /// A NUL-terminated string (paths, names), up to the string limit.
    pub const CSTR: u8 = 1;
    /// `len` bytes, `len` taken from another argument or the return value.
    pub const BUF: u8 = 2;
    /// A fixed-size struct of `size` bytes.
    pub const FIXED: u8 = 3;
    /// A NULL-terminated array of string pointers (execve argv): the strings, each
    /// NUL-terminated, concatenated.
    pub const STRV: u8 = 4;
    /// A NULL-terminated array of pointers: only counted (execve envp): u32 count.
    pub const PTRV_COUNT: u8 = 5;
    /// A `struct iovec` array of `len_arg` elements with what each element points at:
    /// see [`super::IovecChunk`] for the layout.
    pub const IOVEC: u8 = 6;
    /// The same for the `msg_iov` array of a `struct msghdr`.
    pub const MSG_IOVEC: u8 = 7;
    /// The `msg_name` address of a `struct msghdr`: up to `msg_namelen` bytes (at most
    /// `size`).
    pub const MSG_NAME: u8 = 8;
    /// The `msg_control` data of a `struct msghdr` (its `cmsghdr`s): up to
    /// `msg_controllen` bytes (at most `size`).
    pub const MSG_CONTROL: u8 = 11;
    /// The records `getdents` filled (the return value counts their bytes): only
    /// counted, by walking `d_reclen`: u32 count.
    pub const DIRENT_COUNT: u8 = 9;
    /// The three `fd_set`s of `select`/`pselect6`, arguments 1 to 3, each
    /// [`super::fdset_bytes`] of the descriptor count, argument 0 (`arg`: no count, no
    /// capture): a [`super::FdSetsHeader`], then the three sets' bytes.
    pub const FD_SETS: u8 = 10;
    /// Never copied by the kernel: what userspace puts where a copy made at a call's
    /// entry was lost with its record (ring buffer full), so the argument shows
    /// `<entry lost>` rather than a bare pointer, which would read as a fault.
    pub const ENTRY_LOST: u8 = 0xff;
    /// A header of `size` bytes, then as many bytes as `len_arg` counts, those limited
    /// like a [`BUF`]'s (`struct msgbuf`: its `long` type, then its text).
    pub const HEADED_BUF: u8 = 12;
    /// A `struct mmsghdr` array of `len_arg` elements (`sendmmsg`'s, `recvmmsg`'s) with
    /// each message's address and iovecs: see [`super::MmsgChunk`] for the layout.
    pub const MMSG: u8 = 13;
    /// What descriptor argument `arg` (none when `arg` is [`super::FD_RET_ARG`]) and,
    /// with `size` bit [`super::FD_RETURNED`], the returned descriptor refer to (bit
    /// [`super::FD_ENDPOINTS`]: `-yy` wants sockets' endpoints, which the kernel reads
    /// anyway and ptrace only then): a [`super::FdFacts`] each (`-y`'s
    /// names taken at the call, not from `/proc` after the fact, when a short-lived
    /// process may have closed them). Always in plan slot [`super::FD_SLOT`].
    pub const FD_FACTS: u8 = 14;
    /// The same for the two descriptors `pipe`/`socketpair` write into the `int[2]` at
    /// `arg`: two [`super::FdFacts`].
    pub const FD_PAIR_FACTS: u8 = 15;
    /// A struct of `size` bytes (a multiple of 8), then the array a pointer in it points
    /// at, as long as a count in it says: the [`super::Follow`] shape `len_arg` names
    /// (`struct sock_fprog`'s instructions, `clone_args`'s `set_tid`). The array is read
    /// up to its page's end when it faults further on (strace shows the elements read,
    /// then where it stopped); nothing of it when the struct faults (the capture's
    /// fault flag). The decoder tells a short array from the count.
    pub const FOLLOW: u8 = 16;
    /// The calling task's name (`comm`, 16 bytes) at the call's exit, with `-Y`
    /// ([`crate::KernelConfig::comm`]); not a plan's: argument [`crate::DEREF_ARG`]. For
    /// an argument that names a child of the caller ([`crate::PLAN_PID_ARG_SHIFT`]), at
    /// the call's entry: the child's name.
    pub const COMM: u8 = 17;
    /// The calling task's instruction pointer (8 bytes) with `-i`
    /// ([`crate::KernelConfig::ip`]): in the entry record where there is one (an exec
    /// replaces it), else at the call's exit; argument [`crate::DEREF_ARG`].
    pub const IP: u8 = 18;
    /// A successful `KVM_RUN`'s `kvm_run.exit_reason` (4 bytes) with `-e kvm=vcpu`
    /// ([`crate::KernelConfig::kvm_vcpu_run`]); argument [`crate::DEREF_ARG`].
    pub const KVM_EXIT: u8 = 19;
}

/// `KVM_RUN`: `_IO(KVMIO, 0x80)`.
pub const KVM_RUN: u32 = 0xae80;
/// Where `struct kvm_run` holds `exit_reason` (after two flags and six bytes of padding).
pub const KVM_RUN_EXIT_REASON: usize = 8;

/// Where a [`capture::FOLLOW`] capture finds its array in the struct it copied: the
/// pointer's offset, the count's offset and width, the element size and the most
/// elements copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Follow {
    pub ptr_at: usize,
    pub count_at: usize,
    /// 2, 4 or 8; 0: always one element (what a pointer field points at).
    pub count_bytes: usize,
    pub elem: usize,
    pub max_elems: usize,
}

/// [`CaptureSpec::len_arg`] of a [`capture::FOLLOW`] capture: `struct sock_fprog`
/// (`unsigned short len`, `struct sock_filter *filter`), 8-byte instructions.
pub const FOLLOW_FPROG: u8 = 0;
/// `struct clone_args`'s `set_tid` (at 64) and `set_tid_size` (at 72): at most 32
/// pids (the kernel's nesting limit; strace shows a longer one as its address).
pub const FOLLOW_SET_TID: u8 = 1;
/// `struct clone_args`'s `pidfd` (at 8): the descriptor `CLONE_PIDFD` wrote there.
pub const FOLLOW_PIDFD: u8 = 2;
/// `struct clone_args`'s `parent_tid` (at 24): the tid `CLONE_PARENT_SETTID` wrote.
pub const FOLLOW_PARENT_TID: u8 = 3;
/// `pselect6`'s and `io_pgetevents`' `{const sigset_t *, size_t}`: the 8-byte set at
/// its pointer (strace shows a set of another size as its address).
pub const FOLLOW_SIGSET: u8 = 4;
/// `bpf`'s `BPF_OBJ_GET_INFO_BY_FD` attributes (`info` at 8): the object's info the
/// kernel wrote there, 256 bytes (up to its page's end), more than the versions strace
/// knows (its `info_len` is no count the shape can read: a `__u32` at 4).
pub const FOLLOW_BPF_INFO: u8 = 5;
/// Bytes of a [`capture::FOLLOW`] capture's struct at most.
pub const MAX_FOLLOW_STRUCT: usize = 128;

/// The shapes by [`CaptureSpec::len_arg`] (a table, so the kernel programs pick one
/// with a load rather than a branch per shape).
const FOLLOWS: [Follow; 8] = [
    Follow {
        ptr_at: 8,
        count_at: 0,
        count_bytes: 2,
        elem: 8,
        // What fits in a capture after the struct.
        max_elems: (MAX_CAPTURE - 16) / 8,
    },
    Follow {
        ptr_at: 64,
        count_at: 72,
        count_bytes: 8,
        elem: 4,
        max_elems: 32,
    },
    Follow {
        ptr_at: 8,
        count_at: 0,
        count_bytes: 0,
        elem: 4,
        max_elems: 1,
    },
    Follow {
        ptr_at: 24,
        count_at: 0,
        count_bytes: 0,
        elem: 4,
        max_elems: 1,
    },
    Follow {
        ptr_at: 0,
        count_at: 0,
        count_bytes: 0,
        elem: 8,
        max_elems: 1,
    },
    Follow {
        ptr_at: 8,
        count_at: 0,
        count_bytes: 0,
        elem: 256,
        max_elems: 1,
    },
    NO_FOLLOW,
    NO_FOLLOW,
];

/// A free place in [`FOLLOWS`]: no array.
const NO_FOLLOW: Follow = Follow {
    ptr_at: 0,
    count_at: 0,
    count_bytes: 0,
    elem: 0,
    max_elems: 0,
};

/// The shape [`CaptureSpec::len_arg`] names in a [`capture::FOLLOW`] capture.
#[inline(always)]
pub const fn follow_shape(index: u8) -> Follow {
    FOLLOWS[(index & 7) as usize]
}

/// Bytes of the array a [`capture::FOLLOW`] capture copies for a `count` read from its
/// struct (its width already applied): at most `max_elems` elements, and no more than
/// fits in a capture after the struct's `size` bytes.
#[inline(always)]
pub const fn follow_want(shape: &Follow, count: u64, size: usize) -> usize {
    let count = if count > shape.max_elems as u64 {
        shape.max_elems
    } else {
        count as usize
    };
    let want = count * shape.elem;
    let room = MAX_CAPTURE - size;
    if want > room { room } else { want }
}

/// A count `bytes` wide (2, 4 or 8; 0: one) from the 8-byte word at its offset (the low
/// bytes: both architectures are little-endian).
#[inline(always)]
pub const fn follow_count(word: u64, bytes: usize) -> u64 {
    match bytes {
        0 => 1,
        2 => word & 0xffff,
        4 => word & 0xffff_ffff,
        _ => word,
    }
}

/// [`CaptureSpec::arg`] of an [`capture::FD_FACTS`] capture of the return value alone.
pub const FD_RET_ARG: u8 = 6;
/// [`CaptureSpec::size`] bits of an [`capture::FD_FACTS`] capture.
pub const FD_RETURNED: u16 = 1;
pub const FD_ENDPOINTS: u16 = 2;
/// [`CaptureSpec::size`] bits of an [`capture::FD_FACTS`] capture naming one more
/// argument whose value the line shows as the caller's descriptor (`kcmp`'s `idx2`,
/// an `ioctl`'s `NBD_SET_SOCK` socket): the argument's index plus one (0: none).
pub const FD_EXTRA_SHIFT: u16 = 2;
pub const FD_EXTRA_MASK: u16 = 7 << FD_EXTRA_SHIFT;

/// The further argument an [`capture::FD_FACTS`] capture's `size` names, if any.
#[inline(always)]
pub const fn fd_extra_arg(size: u16) -> Option<usize> {
    match (size & FD_EXTRA_MASK) >> FD_EXTRA_SHIFT {
        0 => None,
        n => Some((n as usize - 1) % 6),
    }
}
/// The plan slot of the descriptor facts ([`capture::FD_FACTS`],
/// [`capture::FD_PAIR_FACTS`]; at most one per syscall), so the kernel programs carry
/// their reads once, not once per slot.
pub const FD_SLOT: usize = LOOP_SLOT - 1;
/// Bytes of an anonymous inode's name or a socket's protocol an [`FdFacts`] holds
/// (`[eventfd]`, `[io_uring]`, `UNIX-STREAM`...).
pub const FD_NAME_BYTES: usize = 24;
/// Bytes of a UNIX socket's address an [`FdFacts`] holds: all of `sun_path`.
pub const UNIX_PATH_BYTES: usize = 108;
/// [`FdFacts::family`] of a UNIX socket whose peer and address were read (`-yy`).
pub const AF_UNIX: u16 = 1;
pub const AF_NETLINK: u16 = 16;

/// What a descriptor referred to at the call: its inode's type and permission bits
/// (`i_mode`; an anonymous inode has no type bits), number and device (`i_rdev`, in the
/// kernel's encoding: major << 20 | minor), and the name of an anonymous inode
/// (`[eventfd]`) or of a socket's protocol (`TCP`, `UNIX-STREAM`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FdFacts {
    pub fd: i32,
    pub mode: u32,
    pub ino: u64,
    pub rdev: u32,
    /// Bytes of `name` used.
    pub name_len: u32,
    pub name: [u8; FD_NAME_BYTES],
    /// An internet socket's (`AF_INET`, `AF_INET6`; 0 for others, or where only the
    /// protocol is known): its ports in host order and its addresses (4 or 16 bytes).
    pub family: u16,
    pub local_port: u16,
    pub remote_port: u16,
    /// A socket's protocol (`sock.sk_protocol`; 0 where unknown): a netlink socket's
    /// says whose messages it carries (`NETLINK_ROUTE`, `NETLINK_SOCK_DIAG`).
    pub protocol: u16,
    pub local: [u8; 16],
    pub remote: [u8; 16],
    /// A UNIX socket's ([`AF_UNIX`]): its peer's inode (0: none) and the bytes of its
    /// address's `sun_path` (0: unbound; a leading NUL: abstract), as `unix_diag` gives
    /// them to strace. For a file or device, where the backend could read it at the call
    /// (ptrace, from `/proc`; the kernel programs leave it empty), its path. A netlink
    /// socket's ([`AF_NETLINK`], from the kernel programs): its port id (0: unbound).
    pub peer: u32,
    pub path_len: u32,
    pub path: [u8; UNIX_PATH_BYTES],
    /// The inode's link count (`i_nlink`): 0 for a file deleted while open, which
    /// strace's names mark `(deleted)`; 1 where it could not be read.
    pub nlink: u32,
    /// The device of the filesystem the inode is on (`i_sb->s_dev`, the kernel's
    /// encoding; 0: unknown): with `ino`, which file this is.
    pub dev: u32,
    pub _pad: u32,
}

const _: () = assert!(core::mem::size_of::<FdFacts>() == 216);

impl Default for FdFacts {
    fn default() -> Self {
        Self {
            fd: 0,
            mode: 0,
            ino: 0,
            rdev: 0,
            name_len: 0,
            name: [0; FD_NAME_BYTES],
            family: 0,
            local_port: 0,
            remote_port: 0,
            protocol: 0,
            local: [0; 16],
            remote: [0; 16],
            peer: 0,
            path_len: 0,
            path: [0; UNIX_PATH_BYTES],
            nlink: 1,
            dev: 0,
            _pad: 0,
        }
    }
}

impl FdFacts {
    pub const BYTES: usize = core::mem::size_of::<Self>();

    /// The bytes the kernel programs write (native byte order, `repr(C)` layout).
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut b = [0u8; Self::BYTES];
        b[0..4].copy_from_slice(&self.fd.to_ne_bytes());
        b[4..8].copy_from_slice(&self.mode.to_ne_bytes());
        b[8..16].copy_from_slice(&self.ino.to_ne_bytes());
        b[16..20].copy_from_slice(&self.rdev.to_ne_bytes());
        b[20..24].copy_from_slice(&self.name_len.to_ne_bytes());
        b[24..48].copy_from_slice(&self.name);
        b[48..50].copy_from_slice(&self.family.to_ne_bytes());
        b[50..52].copy_from_slice(&self.local_port.to_ne_bytes());
        b[52..54].copy_from_slice(&self.remote_port.to_ne_bytes());
        b[54..56].copy_from_slice(&self.protocol.to_ne_bytes());
        b[56..72].copy_from_slice(&self.local);
        b[72..88].copy_from_slice(&self.remote);
        b[88..92].copy_from_slice(&self.peer.to_ne_bytes());
        b[92..96].copy_from_slice(&self.path_len.to_ne_bytes());
        b[96..204].copy_from_slice(&self.path);
        b[204..208].copy_from_slice(&self.nlink.to_ne_bytes());
        b[208..212].copy_from_slice(&self.dev.to_ne_bytes());
        b
    }

    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        let b: &[u8; Self::BYTES] = b.get(..Self::BYTES)?.try_into().ok()?;
        let u32_at = |at: usize| u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        let mut ino = [0u8; 8];
        ino.copy_from_slice(&b[8..16]);
        let u16_at = |at: usize| u16::from_ne_bytes([b[at], b[at + 1]]);
        let mut name = [0u8; FD_NAME_BYTES];
        name.copy_from_slice(&b[24..48]);
        let (mut local, mut remote) = ([0u8; 16], [0u8; 16]);
        local.copy_from_slice(&b[56..72]);
        remote.copy_from_slice(&b[72..88]);
        let mut path = [0u8; UNIX_PATH_BYTES];
        path.copy_from_slice(&b[96..204]);
        Some(Self {
            fd: u32_at(0) as i32,
            mode: u32_at(4),
            ino: u64::from_ne_bytes(ino),
            rdev: u32_at(16),
            name_len: u32_at(20),
            name,
            family: u16_at(48),
            local_port: u16_at(50),
            remote_port: u16_at(52),
            protocol: u16_at(54),
            local,
            remote,
            peer: u32_at(88),
            path_len: u32_at(92),
            path,
            nlink: u32_at(204),
            dev: u32_at(208),
            _pad: 0,
        })
    }

    /// A UNIX socket's `sun_path` bytes, if it has an address.
    pub fn unix_path(&self) -> &[u8] {
        let len = (self.path_len as usize).min(UNIX_PATH_BYTES);
        &self.path[..len]
    }

    /// An anonymous inode's name (`[eventfd]`), if it has one.
    pub fn name(&self) -> &[u8] {
        let len = (self.name_len as usize).min(FD_NAME_BYTES);
        &self.name[..len]
    }
}

/// One piece of an [`capture::MMSG`] capture, followed by `a_len` bytes read at `addr`
/// and `b_len` bytes read where the first word of those points, padded to 8. A message
/// starts with a [`MMSG_MESSAGE`] piece (its `struct mmsghdr`, then its `msg_name`), and
/// each of its iovec elements follows as a piece of its own (the `struct iovec`, then
/// up to the string limit of what it points at). Pieces past the last one read are
/// missing (the capture's truncated flag says whether the vector went on).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MmsgChunk {
    pub addr: u64,
    pub a_len: u32,
    pub b_len: u32,
    /// [`MMSG_MESSAGE`], or 0 for an iovec element.
    pub kind: u32,
    /// [`CAPTURE_FAULT`](crate::CAPTURE_FAULT) when the `b` read failed.
    pub flags: u32,
}

/// [`MmsgChunk::kind`] of a message's piece.
pub const MMSG_MESSAGE: u32 = 1;
/// Bytes of a `struct mmsghdr` (a `struct msghdr` and the `msg_len` the kernel sets).
pub const MMSGHDR_BYTES: usize = 64;
/// Bytes of a message's address an [`capture::MMSG`] capture copies at most.
pub const MMSG_NAME_BYTES: usize = 128;
/// Pieces (messages and iovec elements together) an [`capture::MMSG`] capture reads at
/// most: strace's DNS-sized vectors (two messages of one element) and more.
pub const MAX_MMSG_PIECES: usize = 32;

/// Bytes of an `fd_set` the kernel reads for `nfds` descriptors (whole longs), at most
/// [`MAX_FDSET_BYTES`]; none for a count that is not positive.
#[inline(always)]
pub const fn fdset_bytes(nfds: u64) -> usize {
    // The kernel takes an `int`: the high half ignored, a negative count (refused) reads
    // none, as strace reads none.
    let nfds = nfds as u32 as i32;
    if nfds <= 0 {
        return 0;
    }
    let bytes = (nfds as u64).div_ceil(64) * 8;
    if bytes > MAX_FDSET_BYTES as u64 {
        MAX_FDSET_BYTES
    } else {
        bytes as usize
    }
}

/// Largest `fd_set` copied: 8192 descriptors.
pub const MAX_FDSET_BYTES: usize = 1024;

/// What an [`capture::FD_SETS`] capture holds before the sets' bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdSetsHeader {
    /// Per set: [`FDSET_NULL`], [`FDSET_READ`] or [`FDSET_FAULT`].
    pub status: [u8; 3],
    pub _pad: u8,
    /// Bytes of each set that follow (the three in a row).
    pub bytes: u32,
}

pub const FDSET_NULL: u8 = 0;
pub const FDSET_READ: u8 = 1;
pub const FDSET_FAULT: u8 = 2;

/// Records a [`capture::DIRENT_COUNT`] capture walks at most: a 32 KiB buffer (glibc's)
/// holds fewer (each record takes at least 24 bytes).
pub const MAX_DIRENTS: usize = 1536;
/// Offset of `d_reclen` in both `struct linux_dirent` and `struct linux_dirent64`.
pub const DIRENT_RECLEN: u64 = 16;

/// Elements of an iovec array a [`capture::IOVEC`] capture reads at most (strace shows
/// up to `-s` of them; 32 by default).
pub const MAX_IOV: usize = 32;

/// One element of an iovec capture. The capture is a run of these, each followed by
/// `len` bytes copied from `iov_base` and padding to 8:
/// `{base, iov_len, len, flags} bytes... {base, iov_len, len, flags} bytes...`.
/// Elements past the last one read are missing (the capture's truncated flag says
/// whether the array went on).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IovecChunk {
    pub base: u64,
    pub iov_len: u64,
    /// Bytes of `iov_base` that follow.
    pub len: u32,
    /// [`CAPTURE_TRUNCATED`] / [`CAPTURE_FAULT`] for this element's bytes.
    pub flags: u32,
}

/// Bytes of an iovec element a capture copies: up to `limit` (`-s`) and one more, as
/// strace's printstrn reads them (an element whose next byte is unreadable is shown as
/// its address). How many of them a read filled is for userspace to tell from the
/// return value.
#[inline(always)]
pub fn iov_copy_len(iov_len: u64, limit: usize) -> usize {
    if iov_len <= limit as u64 {
        iov_len as usize
    } else {
        limit + 1
    }
}

/// `CaptureSpec::len_arg` value meaning "the size is the syscall's return value".
pub const LEN_FROM_RET: u8 = 0xff;
/// `CaptureSpec::len_arg` value meaning "the size is `CaptureSpec::size`".
pub const LEN_FIXED: u8 = 0xfe;
/// `CaptureSpec::len_arg` value meaning "the size an ioctl request (argument 1) encodes,
/// `_IOC_SIZE`, at most `CaptureSpec::max`; `CaptureSpec::size` for a request that
/// encodes none": the struct the request reads or writes, so that one ending where its
/// page does copies whole.
pub const LEN_IOC_SIZE: u8 = 0xfd;
/// Or'd into an argument's index in `CaptureSpec::len_arg`: the count is that
/// argument's low 32 bits, an `unsigned int` whose upper half the kernel ignores
/// (io_uring_register's `nr_args`, which strace's tests fill).
pub const LEN_U32: u8 = 0x08;

/// When a capture is taken.
pub mod when {
    pub const ENTER: u8 = 1;
    pub const EXIT: u8 = 2;
    /// At exit, and only when the call succeeded (e.g. a struct the kernel filled in).
    pub const EXIT_OK: u8 = 3;
}

/// One capture: which argument points at what, when to copy it and how much.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureSpec {
    pub kind: u8,
    pub when: u8,
    pub arg: u8,
    /// Argument holding the byte count, or [`LEN_FROM_RET`] / [`LEN_FIXED`].
    pub len_arg: u8,
    /// Struct size for [`capture::FIXED`]; for [`capture::BUF`] a multiplier of the
    /// length (element size, e.g. 8 for `struct pollfd`), 0 meaning 1.
    pub size: u16,
    /// Most bytes to copy for [`capture::CSTR`], [`capture::BUF`] and [`capture::STRV`]
    /// strings; 0 means "the `-s` string limit" (paths, which strace always prints in
    /// full, set PATH_MAX here). Bit [`PARTIAL`] is a flag, not part of the limit.
    pub max: u16,
}

/// [`CaptureSpec::max`]'s flag for a [`capture::FIXED`], [`capture::BUF`] or
/// [`capture::MSG_NAME`] capture whose read, when it faults, is retried up to the end of
/// the page (see [`page_room`]): a struct
/// the kernel writes only part of, placed at a mapping's end (a `sockaddr` as long as
/// the length the call returns, an option value as long as `optlen`). A short copy is
/// then no fault; the decoder checks it holds what the call's length says.
pub const PARTIAL: u16 = 0x8000;

/// Bytes from `addr` to the end of its page: what a read that faults further on can
/// still copy (a mapping ends at a page boundary).
#[inline(always)]
pub const fn page_room(addr: u64) -> usize {
    4096 - (addr & 4095) as usize
}

/// Bytes a [`capture::BUF`]/[`capture::FIXED`]/[`capture::HEADED_BUF`] capture covers,
/// or None when there is nothing to copy (the length is the return value and the call
/// failed or is still in progress: `ret` is None at entry). Shared by the kernel side and
/// the ptrace backend so both copy the same bytes.
#[inline(always)]
pub fn capture_len(spec: &CaptureSpec, ret: Option<i64>, args: &[u64; MAX_ARGS]) -> Option<usize> {
    if spec.kind == capture::HEADED_BUF {
        let count = args[(spec.len_arg & 7) as usize % MAX_ARGS];
        let count = if count > 1 << 20 { 1 << 20 } else { count };
        return Some(spec.size as usize + count as usize);
    }
    let count = match spec.len_arg {
        LEN_FIXED => return Some(spec.size as usize),
        LEN_IOC_SIZE => return Some(ioc_size(spec, args[1])),
        LEN_FROM_RET => match ret {
            Some(r) if r >= 0 => r as u64,
            _ => return None,
        },
        n if n & LEN_U32 != 0 => args[(n & 7) as usize % MAX_ARGS] as u32 as u64,
        n => args[(n & 7) as usize % MAX_ARGS],
    };
    let elem = if spec.size == 0 { 1 } else { spec.size as u64 };
    // Clamped before multiplying: an overflow check would need 128-bit arithmetic, which
    // BPF lacks; far more than any capture copies anyway.
    let count = if count > 1 << 20 { 1 << 20 } else { count };
    Some((count * elem) as usize)
}

/// `_IOW('R', 0x03, int[2])`: `struct rand_pool_info`, its bytes after it.
const RNDADDENTROPY: u64 = 0x4008_5203;

/// [`LEN_IOC_SIZE`]'s byte count.
#[inline(always)]
fn ioc_size(spec: &CaptureSpec, request: u64) -> usize {
    // A header the data it sizes follows, which strace shows (the device mapper's
    // `struct dm_ioctl` and its payload, RNDADDENTROPY's bytes), counts as larger than
    // any cap: as much as the copy may take. Branch-free: the enter program has no
    // stack to spare on old kernels' verifiers.
    let headed = (request & 0xff00 == 0xfd00) | (request & 0xffff_ffff == RNDADDENTROPY);
    let size = ((request >> 16) & 0x3fff) as usize | (headed as usize) << 14;
    if request & 0xc000_0000 == 0 || size == 0 {
        spec.size as usize
    } else if size > spec.max as usize {
        spec.max as usize
    } else {
        size
    }
}

/// The shorter copy to retry when a capture of `want` bytes at `src` faulted: up to the
/// end of `src`'s page, where the mapping ends (a copy spans at most two pages,
/// [`MAX_CAPTURE`]). For a [`LEN_IOC_SIZE`] or [`PARTIAL`] capture, where the struct ends
/// when the request overstates its size (`FS_IOC_GETFLAGS` says `long` and takes an
/// `int`) or states none, or where the caller put a struct sized to the call's length;
/// for a struct ([`capture::FIXED`]) or an array ([`CaptureSpec::is_array`]), the
/// readable part strace shows (a struct's first fields, an array's first elements). None
/// for other captures, or when the copy did not cross a page. Only taken once the
/// whole copy failed: the common case costs one read.
#[inline(always)]
pub fn capture_retry_len(spec: &CaptureSpec, src: u64, want: usize) -> Option<usize> {
    let rest = page_room(src);
    let retried = spec.len_arg == LEN_IOC_SIZE
        || spec.partial()
        || spec.kind == capture::FIXED
        || spec.is_array();
    if retried && rest < want {
        Some(rest)
    } else {
        None
    }
}

/// The flags of a [`capture_len`] capture of `total` bytes that copied `len` of the
/// `want` it tried: an array cut short by a fault reads as faulted (strace shows the
/// elements read, then where it stopped: `[1, ... /* 0x7f... */]`); anything else
/// shorter than `total` as truncated (a struct's first fields, a buffer limited by `-s`).
#[inline(always)]
pub fn copied_flags(spec: &CaptureSpec, total: usize, want: usize, len: usize) -> u8 {
    if len < want && spec.is_array() {
        crate::CAPTURE_FAULT
    } else if total > len {
        crate::CAPTURE_TRUNCATED
    } else {
        0
    }
}

/// Bytes of the `total` a [`capture_len`] capture covers that are copied, `limit` being
/// the spec's `max` or the `-s` string limit: a buffer's are limited, a struct's not.
#[inline(always)]
pub fn capture_want(spec: &CaptureSpec, total: usize, limit: usize) -> usize {
    let limit = match spec.kind {
        // A buffer shown up to `-s` is read one byte further, as strace's printstrn
        // reads it: one whose next byte is unreadable is printed as its address.
        capture::BUF if spec.max & !PARTIAL == 0 => limit + 1,
        capture::BUF => limit,
        capture::HEADED_BUF => limit + spec.size as usize,
        _ => return total,
    };
    if total > limit { limit } else { total }
}

impl CaptureSpec {
    /// The byte limit `max` sets: `string_limit` (`-s`) when it sets none.
    #[inline(always)]
    pub fn limit(&self, string_limit: usize) -> usize {
        let max = (self.max & !PARTIAL) as usize;
        if max != 0 { max } else { string_limit }
    }

    /// Whether a read that faults is retried up to the end of its page ([`PARTIAL`]).
    #[inline(always)]
    pub fn partial(&self) -> bool {
        self.max & PARTIAL != 0
    }

    /// Whether this is an array, a [`capture::BUF`] limited by its element count rather
    /// than by `-s` (its `max` is [`MAX_CAPTURE`]).
    #[inline(always)]
    pub fn is_array(&self) -> bool {
        self.kind == capture::BUF && self.max as usize == MAX_CAPTURE
    }

    /// A spec with the default size limit (`max` 0: the `-s` string limit).
    pub const fn new(kind: u8, when: u8, arg: u8, len_arg: u8, size: u16) -> Self {
        Self {
            kind,
            when,
            arg,
            len_arg,
            size,
            max: 0,
        }
    }
}

/// Captures per syscall.
pub const MAX_CAPTURES: usize = 5;
/// The plan slot of a capture that loops over tracee memory at exit
/// ([`capture::IOVEC`], [`capture::MSG_IOVEC`], [`capture::DIRENT_COUNT`],
/// [`capture::MMSG`]; at most one
/// per syscall): always the last, so the kernel programs carry each such loop once, not
/// once per slot. A plan with no loop may hold any other copy there (with `-y`, the one
/// [`FD_SLOT`] gave up for the facts): the generic copies are taken in every slot.
pub const LOOP_SLOT: usize = MAX_CAPTURES - 1;

/// Whether a capture kind belongs in [`LOOP_SLOT`].
pub const fn loops(kind: u8) -> bool {
    matches!(
        kind,
        capture::IOVEC | capture::MSG_IOVEC | capture::DIRENT_COUNT | capture::MMSG
    )
}

/// What to copy for one syscall.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CapturePlan {
    pub specs: [CaptureSpec; MAX_CAPTURES],
}

// Every kind a plan holds has a bit in a u32 (`ENTRY_LOST` is never in a plan).
const _: () = assert!(capture::FOLLOW < 32);

impl CapturePlan {
    /// The kinds (a bit per [`capture`] kind) this plan may copy in each slot at a call's
    /// entry and at its exit. The exit's include the entry's: an entry copy is taken at
    /// the exit when it is deferred or its read faulted.
    pub fn kinds(&self) -> ([u32; MAX_CAPTURES], [u32; MAX_CAPTURES]) {
        let mut entry = [0; MAX_CAPTURES];
        let mut exit = [0; MAX_CAPTURES];
        for (slot, spec) in self.specs.iter().enumerate() {
            let bit = 1u32.checked_shl(spec.kind as u32).unwrap_or(0) & !1;
            if spec.when == when::ENTER {
                entry[slot] = bit;
            }
            exit[slot] = bit;
        }
        (entry, exit)
    }
}

/// Everything the kernel side needs to know about one syscall number: whether the trace
/// set includes it and what to copy. Userspace fills the `PLANS` array (index = number)
/// from the syscall table, so the kernel programs stay generic.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SyscallPlan {
    /// [`PLAN_TRACE`].
    pub flags: u32,
    /// The plan slots (bits) of entry captures that may be taken at exit instead, when
    /// a result filter holds everything back until the exit: computed by userspace, so
    /// the kernel programs carry no loop for it.
    pub deferrable: u32,
    pub capture: CapturePlan,
}

/// The syscall is in the trace set: its calls are recorded and emitted.
pub const PLAN_TRACE: u32 = 1;
/// It returns a new file descriptor (for `-P`: fds opened on a traced path).
pub const PLAN_RET_FD: u32 = 2;
/// It closes the descriptor in its first argument.
pub const PLAN_CLOSES_FD: u32 = 4;
/// Argument 0 is given the address of the signal mask that `rt_sigreturn` (which has no
/// arguments) restores, from the stack pointer: see [`sigframe_mask`].
pub const PLAN_SIGFRAME: u32 = 8;
/// It changes what the process's descriptors (or its working directory) name: opens,
/// closes, duplicates, pipes, forks, execs... (the `-y` table follows it).
pub const PLAN_FD_EFFECT: u32 = 16;
/// Outside the trace set, but with `-P` its descriptors are followed (an open of a
/// traced path, a duplicate of a traced descriptor, a close), as strace knows them
/// whatever it shows: set by userspace, see [`tracks_path_fds`].
pub const PLAN_PATH_TRACK: u32 = 32;
/// With `-P`, the kernel lets the call through: userspace decides whether it touches a
/// traced path (`pipeline::outcome::special_path_match`: strace matches its descriptors
/// in an array or a set, its second path, or by command, which the plan's flags do not
/// say), or shows none of its records (a `chdir` outside the trace set, followed for
/// `-y`'s table only: `/proc` has no working directory of a program gone when its
/// records are read). Set by userspace.
pub const PLAN_PATH_PASS: u32 = 64;
/// Bits `PLAN_FD_ARGS_SHIFT..+6`: which arguments are file descriptors.
pub const PLAN_FD_ARGS_SHIFT: u32 = 8;
/// Bits `PLAN_DEREF_SHIFT..+3`: 1 + the argument whose value picks the call's copies of
/// memory behind pointers in its structs (an ioctl's request: a [`DerefPlan`] in the
/// programs' `DEREFS` by number and that value), 0 for none.
pub const PLAN_DEREF_SHIFT: u32 = 20;

/// The argument [`PLAN_DEREF_SHIFT`]'s bits name in `flags`.
pub const fn deref_selector(flags: u32) -> Option<usize> {
    match flags >> PLAN_DEREF_SHIFT & 7 {
        0 => None,
        n => Some(n as usize - 1),
    }
}

/// Bits `PLAN_PID_ARG_SHIFT..+3`: 1 + the argument that names a process (`waitid`'s,
/// `kill`'s), 0 for none: with `-Y` the entry record carries the name of the caller's
/// child it names ([`capture::COMM`] for that argument), which may be reaped by the time
/// the line is printed.
pub const PLAN_PID_ARG_SHIFT: u32 = 24;

/// The argument [`PLAN_PID_ARG_SHIFT`]'s bits name in `flags`.
pub const fn pid_arg(flags: u32) -> Option<usize> {
    match flags >> PLAN_PID_ARG_SHIFT & 7 {
        0 => None,
        n => Some(n as usize - 1),
    }
}

/// Bits `PLAN_PATH_ARG_SHIFT..+3`: 1 + the argument `-P` compares as a path (the first
/// one the plan copies in full), 0 for none.
pub const PLAN_PATH_ARG_SHIFT: u32 = 16;

/// Whether a call with plan `flags`, with `-P`, changes which descriptors name a traced
/// path: it returns a descriptor and takes a path or a descriptor, or it closes one.
pub const fn tracks_path_fds(flags: u32) -> bool {
    let takes = flags >> PLAN_PATH_ARG_SHIFT & 7 != 0 || flags >> PLAN_FD_ARGS_SHIFT & 0x3f != 0;
    flags & PLAN_CLOSES_FD != 0 || flags & PLAN_RET_FD != 0 && takes
}

/// Strings in a [`capture::STRV`] capture (execve's argv) beyond which it is truncated.
pub const MAX_STRV: usize = 32;
/// The most strings of an exec's argv or environment copied when the exec is not
/// abbreviated ([`crate::KernelConfig::strv_strings`]); `MAX_CAPTURE` bytes hold about
/// as many of `-s 32`'s.
pub const MAX_STRV_ALL: usize = 128;
/// Pointers a [`capture::PTRV_COUNT`] capture counts at most.
pub const MAX_PTRV: usize = 512;

/// Size of the per-CPU scratch buffer records are assembled in before `bpf_ringbuf_output`.
pub const SCRATCH_SIZE: usize = 16384;
/// Largest single capture; keeps `len` provably bounded for the verifier.
pub const MAX_CAPTURE: usize = 4096;

const _: () = {
    assert!(core::mem::size_of::<IovecChunk>() == 24);
    assert!(core::mem::size_of::<MmsgChunk>() == 24);
    assert!(core::mem::size_of::<FdSetsHeader>() == 8);
    assert!(core::mem::size_of::<CaptureSpec>() == 8);
    assert!(core::mem::size_of::<CapturePlan>() == 40);
    assert!(core::mem::size_of::<SyscallPlan>() == 48);
};

#[cfg(feature = "user")]
// SAFETY: plain-old-data: repr(C), integer fields only, no implicit padding.
unsafe impl aya::Pod for SyscallPlan {}
#[cfg(feature = "user")]
// SAFETY: as above.
unsafe impl aya::Pod for DerefKey {}
#[cfg(feature = "user")]
// SAFETY: as above.
unsafe impl aya::Pod for DerefPlan {}

const _: () = {
    assert!(core::mem::size_of::<DerefKey>() == 16);
    assert!(core::mem::size_of::<DerefSpec>() == 20);
    assert!(core::mem::size_of::<DerefPlan>() == 88);
};

#[cfg(test)]
mod tests {
    use super::*;

    /// An ioctl's copy: the size its request encodes (capped), the fallback for one
    /// that encodes none; retried up to its page's end.
    #[test]
    fn ioctl_copies_follow_the_request() {
        let spec = CaptureSpec {
            max: 512,
            ..CaptureSpec::new(capture::FIXED, when::ENTER, 2, LEN_IOC_SIZE, 64)
        };
        let len = |request: u64| capture_len(&spec, None, &[0, request, 0, 0, 0, 0]);
        // FITRIM: _IOWR('X', 121, struct fstrim_range), 24 bytes.
        assert_eq!(len(0xc018_5879), Some(24));
        // TCGETS: no size in the number.
        assert_eq!(len(0x5401), Some(64));
        // A size beyond the cap.
        assert_eq!(len(0x8fff_4500), Some(512));
        // A header and the data it sizes: DM_VERSION's struct dm_ioctl and payload,
        // RNDADDENTROPY's bytes.
        assert_eq!(len(0xc138_fd00), Some(512));
        assert_eq!(len(0x4008_5203), Some(512));
        assert_eq!(capture_retry_len(&spec, 0x7000_0ffc, 8), Some(4));
        assert_eq!(capture_retry_len(&spec, 0x7000_0ff0, 8), None);
    }

    /// A followed array: as many elements as the struct's count says (its width only),
    /// at most the shape's and what fits in a capture after the struct.
    #[test]
    fn followed_arrays_are_bounded() {
        let fprog = follow_shape(FOLLOW_FPROG);
        assert_eq!(follow_count(0xdead_0000_0003, fprog.count_bytes), 3);
        assert_eq!(follow_want(&fprog, 3, 16), 24);
        assert_eq!(follow_want(&fprog, 0xffff, 16), MAX_CAPTURE - 16);
        let set_tid = follow_shape(FOLLOW_SET_TID);
        assert_eq!(follow_count(u64::MAX, set_tid.count_bytes), u64::MAX);
        assert_eq!(follow_want(&set_tid, 2, 88), 8);
        assert_eq!(follow_want(&set_tid, u64::MAX, 88), 32 * 4);
        let pidfd = follow_shape(FOLLOW_PIDFD);
        assert_eq!(follow_count(0, pidfd.count_bytes), 1);
        assert_eq!(follow_want(&pidfd, 1, 88), 4);
    }

    /// A struct or an array ending past its mapping's end keeps what is readable, as
    /// strace shows it: a struct's first fields (truncated), an array's first elements
    /// (faulted where it stopped); a buffer limited by `-s` fails whole.
    #[test]
    fn structs_and_arrays_keep_their_readable_part() {
        // fcntl(F_SETOWN_EX)'s 8-byte owner at a page's end, copied as a 32-byte flock.
        let fixed = CaptureSpec::new(capture::FIXED, when::ENTER, 2, LEN_FIXED, 32);
        assert_eq!(capture_retry_len(&fixed, 0x7000_0ff8, 32), Some(8));
        assert_eq!(capture_retry_len(&fixed, 0x7000_0fe0, 32), None);
        assert_eq!(copied_flags(&fixed, 32, 32, 8), crate::CAPTURE_TRUNCATED);
        assert_eq!(copied_flags(&fixed, 32, 32, 32), 0);
        // setgroups(2, [-1, ... /* 0x7f...000 */]): one gid readable of two.
        let array = CaptureSpec {
            max: MAX_CAPTURE as u16,
            ..CaptureSpec::new(capture::BUF, when::ENTER, 1, 0, 4)
        };
        assert!(array.is_array());
        assert_eq!(capture_retry_len(&array, 0x7000_0ffc, 8), Some(4));
        assert_eq!(copied_flags(&array, 8, 8, 4), crate::CAPTURE_FAULT);
        assert_eq!(copied_flags(&array, 8, 8, 8), 0);
        let string = CaptureSpec::new(capture::BUF, when::ENTER, 1, 2, 0);
        assert_eq!(capture_retry_len(&string, 0x7000_0ffc, 8), None);
    }
}

/// A capture of memory behind a pointer in a struct, taken at a call's entry: the
/// address (8 bytes, little-endian), then the bytes read from it (fewer where the memory
/// ended). Made by the eBPF programs from a [`DerefPlan`] and by the ptrace backend as
/// the decoders ask; never a plan slot's kind.
pub const DEREF_ENTRY: u8 = 0xfd;
/// The same, taken at the call's exit.
pub const DEREF_EXIT: u8 = 0xfe;
/// The [`CaptureHeader::arg`] of a [`DEREF_ENTRY`]/[`DEREF_EXIT`] copy: no argument's.
pub const DEREF_ARG: u8 = 0x80;

/// The `DEREFS` key: a syscall number and its selecting argument's value, its low 32
/// bits ([`PLAN_DEREF_SHIFT`]); the high 32 the part of a plan longer than one
/// ([`DerefPlan::more`]).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DerefKey {
    pub nr: u32,
    pub _pad: u32,
    pub value: u64,
}

/// One copy of memory a pointer in a struct points at: the struct's address is in
/// argument `arg`; the pointer at byte `ptr_at` of it ([`DEREF_SELF`]: the struct itself,
/// longer than its plan copies); as many bytes as `count_bytes` bytes at `count_at`
/// count, times `elem`, plus `add`, at most `max` (and [`MAX_CAPTURE`] less the address).
/// A read that faults is retried up to its page's end.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DerefSpec {
    /// [`when::ENTER`], [`when::EXIT`] or [`when::EXIT_OK`]; 0: no copy.
    pub when: u8,
    pub arg: u8,
    /// 0 (no count: `add` bytes), 1, 2, 4 or 8; or [`DEREF_EACH`], [`DEREF_EACH_PTR`],
    /// [`DEREF_COUNT_RET`], [`DEREF_COUNT_ARG`], [`DEREF_STRING`].
    pub count_bytes: u8,
    /// Not 0: the copy is taken only when the struct's first byte is this one (one
    /// request, two structs: SG_IO's v3 and v4 headers by their interface id). Not for a
    /// [`DEREF_EACH`] copy, which follows the one before.
    pub guard: u8,
    pub ptr_at: u16,
    pub count_at: u16,
    pub elem: u32,
    pub add: u32,
    pub max: u32,
}

/// [`DerefSpec::ptr_at`]: the struct itself; without a count, from its byte `count_at`
/// (the rest of a struct longer than one capture: the decoders get the pieces joined).
pub const DEREF_SELF: u16 = u16::MAX;
/// [`DerefSpec::count_bytes`]: a copy for each `elem`-byte element of the plan's previous
/// copy (at most [`MAX_DEREF_EACH`]), from the pointer at `ptr_at` of the element for as
/// many bytes as its u32 at `count_at` says (at most `max`, and `-s` + 1): a v4l2
/// control's string; `add` not 0: the u32 counts `add`-byte elements, not limited by
/// `-s` (a BPF program's map ids, an iocb's iovecs); `count_at` [`EACH_FIXED`] or
/// [`EACH_STRING`]: a fixed size, a string.
pub const DEREF_EACH: u8 = 0xff;
pub const MAX_DEREF_EACH: usize = 8;
/// [`DerefSpec::count_bytes`]: [`DEREF_EACH`] where the previous copy's elements are
/// pointers (`elem` 8) to the structs holding the pointer and count (an io_submit
/// iocb's buffer).
pub const DEREF_EACH_PTR: u8 = 0xfb;
/// A [`DEREF_EACH`] copy's `count_at`: `add` bytes at each element's pointer (an
/// io_submit iocb).
pub const EACH_FIXED: u16 = u16::MAX;
/// A [`DEREF_EACH`] copy's `count_at`: a NUL-terminated string at each element's pointer,
/// at most `max` bytes and `-s` + 1 (an execve argv's, a BPF kprobe's symbols).
pub const EACH_STRING: u16 = u16::MAX - 1;
/// [`DerefSpec::count_bytes`]: the count is the call's return value (a copy at exit;
/// none when it failed): ptrace's PEEKSIGINFO.
pub const DEREF_COUNT_RET: u8 = 0xfe;
/// [`DerefSpec::count_bytes`]: the count is argument `count_at`'s low 32 bits:
/// io_uring_register's `nr_args`.
pub const DEREF_COUNT_ARG: u8 = 0xfd;
/// [`DerefSpec::count_bytes`]: a NUL-terminated string at the pointer, at most `max`
/// bytes and `-s` + 1, read as a string argument is (a BPF program's license); from its
/// byte `add` on (not 0: a later piece of a string longer than a copy, taken only where
/// `-s` reaches past it; the decoders join a full copy and the pieces that follow it,
/// `decode::join_pieces`).
pub const DEREF_STRING: u8 = 0xfc;
/// Copies per [`DerefPlan`].
pub const MAX_DEREFS: usize = 4;
/// [`DerefPlan`]s one call's copies take at most ([`DerefPlan::more`]).
pub const MAX_DEREF_PARTS: usize = 4;

/// The copies behind pointers a call takes (the programs' `DEREFS`, filled by userspace
/// from the decoders' tables).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DerefPlan {
    pub specs: [DerefSpec; MAX_DEREFS],
    /// 1: the copies go on in the next part's plan ([`DerefKey::value`] plus `1 << 32`).
    /// Parts rather than more specs in one: the programs' code for a plan is verified
    /// once whatever the number of parts, and only a few calls take more than one.
    pub more: u32,
    pub _pad: u32,
}

impl DerefSpec {
    /// Bytes to copy for a count of `count`.
    pub const fn want(&self, count: u64) -> usize {
        let count = if count > MAX_CAPTURE as u64 {
            MAX_CAPTURE as u64
        } else {
            count
        };
        let bytes = count * self.elem as u64 + self.add as u64;
        let max = if (self.max as usize) < MAX_CAPTURE - 8 {
            self.max as usize
        } else {
            MAX_CAPTURE - 8
        };
        if bytes > max as u64 {
            max
        } else {
            bytes as usize
        }
    }
}
