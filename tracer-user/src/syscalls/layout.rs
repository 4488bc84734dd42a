//! Where the fields of the structs the newer decoders read lie: sizes and offsets that
//! are the architecture's, in one place. x86_64 and aarch64 share the generic 64-bit
//! layouts except where an item says otherwise.

/// `struct flock` (`fcntl`'s locks; `flock64` is the same on 64-bit).
pub mod flock {
    pub const SIZE: u16 = 32;
    pub const TYPE: usize = 0;
    pub const WHENCE: usize = 2;
    pub const START: usize = 8;
    pub const LEN: usize = 16;
    pub const PID: usize = 24;
}

/// `struct ipc64_perm`, at the start of each SysV IPC control struct.
pub mod ipc_perm {
    pub const KEY: usize = 0;
    pub const UID: usize = 4;
    pub const GID: usize = 8;
    pub const CUID: usize = 12;
    pub const CGID: usize = 16;
    pub const MODE: usize = 20;
}

/// `struct shmid64_ds`.
pub mod shmid_ds {
    pub const SEGSZ: usize = 48;
    pub const ATIME: usize = 56;
    pub const DTIME: usize = 64;
    pub const CTIME: usize = 72;
    pub const CPID: usize = 80;
    pub const LPID: usize = 84;
    pub const NATTCH: usize = 88;
}

/// `struct semid64_ds`: x86_64 keeps a padding word after each time, the generic
/// layout (aarch64) does not.
pub mod semid_ds {
    pub const OTIME: usize = 48;
    #[cfg(not(target_arch = "aarch64"))]
    pub const CTIME: usize = 64;
    #[cfg(not(target_arch = "aarch64"))]
    pub const NSEMS: usize = 80;
    #[cfg(target_arch = "aarch64")]
    pub const CTIME: usize = 56;
    #[cfg(target_arch = "aarch64")]
    pub const NSEMS: usize = 64;
}

/// `struct msqid64_ds`, the largest of the three.
pub mod msqid_ds {
    pub const SIZE: u16 = 120;
    pub const STIME: usize = 48;
    pub const RTIME: usize = 56;
    pub const CTIME: usize = 64;
    pub const QNUM: usize = 80;
    pub const QBYTES: usize = 88;
    pub const LSPID: usize = 96;
    pub const LRPID: usize = 100;
}

/// `struct sembuf`: `unsigned short sem_num; short sem_op; short sem_flg`.
pub const SEMBUF_SIZE: u16 = 6;
/// `struct msgbuf`'s `long mtype`, before the text.
pub const MSGBUF_HEADER: u16 = 8;

/// `struct cmsghdr`: `size_t cmsg_len; int cmsg_level; int cmsg_type`, then the data
/// (aligned to `size_t`).
pub const CMSGHDR_SIZE: usize = 16;

/// `struct mq_attr`: four longs and four reserved (strace reads all of it).
pub const MQ_ATTR_SIZE: u16 = 64;
/// The fields of `struct sigevent` strace reads (its own `struct_sigevent`, without the
/// kernel's padding to 64 bytes): one that ends a mapping is still shown.
pub const SIGEVENT_SIZE: u16 = 32;
/// `struct sched_attr` as far as strace knows it (`SCHED_ATTR_SIZE_VER1`).
pub const SCHED_ATTR_SIZE: u16 = 56;
/// `struct __sysctl_args` (`_sysctl`, x86_64 only), its reserved longs included.
pub const SYSCTL_ARGS_SIZE: u16 = 80;
/// `struct mount_attr`'s first version (`MOUNT_ATTR_SIZE_VER0`).
pub const MOUNT_ATTR_SIZE: u16 = 32;
/// The kernel's `struct __kernel_timex` (`adjtimex`).
pub const TIMEX_SIZE: u16 = 208;
