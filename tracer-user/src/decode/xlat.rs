//! The named constants and flag sets of [`NamedSet`](crate::syscalls::NamedSet) arguments: strace's tables (its
//! `xlat/*.in` files, values as the x86_64 and arm64 kernels define them, which agree
//! for every entry here), in strace's order, and how each is printed.

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use crate::syscalls::NamedSet as Named;

/// How a set prints.
enum Shape {
    /// `printflags`: `A|B|0x10`, `0`, `0x10 /* DFLT */`.
    Flags,
    /// `printxval`: `A`, `0x10 /* DFLT */`.
    Enum,
}

/// The table, strace's default comment, shape and whether the value is 64-bit.
fn spec(n: Named) -> (Xlat, &'static str, Shape, bool) {
    use Named::*;
    use Shape::*;
    match n {
        CloseRangeFlags => (CLOSE_RANGE_FLAGS, "CLOSE_RANGE_???", Flags, false),
        ClockFlags => (CLOCK_FLAGS, "TIMER_???", Flags, false),
        ClockName => (flags::CLOCKS, "CLOCK_???", Enum, false),
        DeleteModuleFlags => (DELETE_MODULE_FLAGS, "O_???", Flags, false),
        FallocFlags => (FALLOC_FLAGS, "FALLOC_FL_???", Flags, false),
        FanInitFlags => (FAN_INIT_FLAGS, "FAN_???", Flags, false),
        FanMarkFlags => (FAN_MARK_FLAGS, "FAN_MARK_???", Flags, false),
        FsmountAttrFlags => (FSMOUNT_ATTR_FLAGS, "MOUNT_ATTR_???", Flags, false),
        FsmountFlags => (FSMOUNT_FLAGS, "FSMOUNT_???", Flags, false),
        FsopenFlags => (FSOPEN_FLAGS, "FSOPEN_???", Flags, false),
        FspickFlags => (FSPICK_FLAGS, "FSPICK_???", Flags, false),
        InotifyFlags => (INOTIFY_FLAGS, "IN_???", Flags, false),
        LandlockCreateRulesetFlags => (
            LANDLOCK_CREATE_RULESET_FLAGS,
            "LANDLOCK_CREATE_RULESET_???",
            Flags,
            false,
        ),
        MbindFlags => (MBIND_FLAGS, "MPOL_???", Flags, false),
        MemfdSecretFlags => (MEMFD_SECRET_FLAGS, "", Flags, false),
        ModuleInitFlags => (MODULE_INIT_FLAGS, "MODULE_INIT_???", Flags, false),
        MountSetattrFlags => (MOUNT_SETATTR_FLAGS, "AT_???", Flags, false),
        MoveMountFlags => (MOVE_MOUNT_FLAGS, "MOVE_MOUNT_???", Flags, false),
        MovePagesFlags => (MOVE_PAGES_FLAGS, "MPOL_???", Flags, false),
        OpenTreeFlags => (OPEN_TREE_FLAGS, "OPEN_TREE_???", Flags, false),
        PidfdOpenFlags => (PIDFD_OPEN_FLAGS, "PIDFD_???", Flags, false),
        RwfFlags => (RWF_FLAGS, "RWF_???", Flags, false),
        SetnsTypes => (SETNS_TYPES, "CLONE_NEW???", Flags, false),
        SyncFileRangeFlags => (SYNC_FILE_RANGE_FLAGS, "SYNC_FILE_RANGE_???", Flags, false),
        TimerfdSettimeFlags => (TIMERFD_SETTIME_FLAGS, "TFD_???", Flags, false),
        UffdFlags => (UFFD_FLAGS, "UFFD_???", Flags, false),
        UmountFlags => (UMOUNT_FLAGS, "MNT_???", Flags, false),
        UringEnterFlags => (URING_ENTER_FLAGS, "IORING_ENTER_???", Flags, false),
        XattrFlags => (XATTR_FLAGS, "XATTR_???", Flags, false),
        FanEventFlags => (FAN_EVENT_FLAGS, "FAN_???", Flags, true),
        GetMempolicyFlags => (GET_MEMPOLICY_FLAGS, "MPOL_???", Flags, true),
        KexecFileLoadFlags => (KEXEC_FILE_LOAD_FLAGS, "KEXEC_FILE_???", Flags, true),
        PerfEventOpenFlags => (PERF_EVENT_OPEN_FLAGS, "PERF_FLAG_???", Flags, true),
        PkeyAccess => (PKEY_ACCESS, "PKEY_???", Flags, true),
        UnshareFlags => (UNSHARE_FLAGS, "CLONE_???", Flags, true),
        BpfCommand => (BPF_COMMANDS, "BPF_???", Enum, false),
        IoprioWho => (IOPRIO_WHO, "IOPRIO_WHO_???", Enum, false),
        KcmpType => (KCMP_TYPES, "KCMP_???", Enum, false),
        KeyctlCommand => (KEYCTL_COMMANDS, "KEYCTL_???", Enum, false),
        KeySerial => (KEY_SPEC, "", Enum, false),
        LandlockRuleType => (LANDLOCK_RULE_TYPES, "LANDLOCK_RULE_???", Enum, false),
        MpolMode => (MPOL_MODES, "MPOL_???", Enum, false),
        MpolMode64 => (MPOL_MODES, "MPOL_???", Enum, true),
        PrioWhich => (PRIORITIES, "PRIO_???", Enum, false),
        RusageWho => (RUSAGE_WHO, "RUSAGE_???", Enum, false),
        PtraceRequest => (PTRACE_CMDS, "PTRACE_???", Enum, true),
        SchedPolicy => (SCHEDULERS, "SCHED_???", Enum, false),
        SeccompOp => (SECCOMP_OPS, "SECCOMP_SET_MODE_???", Enum, false),
        UringRegisterOpcode => (URING_REGISTER_OPCODES, "IORING_REGISTER_???", Enum, false),
    }
}

/// Whether `n` prints as a flag set (a list of names for JSON).
pub(crate) fn is_flags(n: Named) -> bool {
    matches!(spec(n).2, Shape::Flags)
}

/// Argument value `v` of set `n`, as strace prints it.
pub(crate) fn write_named(out: &mut String, n: Named, v: u64) {
    let (table, dflt, shape, wide) = spec(n);
    let v = if wide { v } else { v as u32 as u64 };
    match (n, shape) {
        // `printxval_d`: a key id that is no special keyring prints as the signed number.
        (Named::KeySerial, _) => {
            let id = v as u32 as i32;
            match flags::lookup(KEY_SPEC, id as i64 as u64) {
                Some(name) => flags::styled(out, &id.to_string(), |out| out.push_str(name)),
                None => {
                    let _ = write!(out, "{id}");
                }
            }
        }
        (Named::FanInitFlags, _) => write_fan_init(out, v),
        (Named::MpolMode | Named::MpolMode64, _) => write_mpol_mode(out, v),
        (_, Shape::Flags) => write_flags(out, v, table, None, dflt),
        (_, Shape::Enum) => write_enum(out, v, table, dflt),
    }
}

/// A scheduling policy's name (`sched_getscheduler`'s result).
pub(crate) fn sched_policy_name(policy: u64) -> Option<&'static str> {
    flags::lookup(SCHEDULERS, policy)
}

/// `fanotify_init`'s class, then its other flags: `FAN_CLASS_NOTIF|FAN_CLOEXEC` (the
/// names written inside `styled`, which has made the style `abbrev` there).
fn write_fan_init(out: &mut String, v: u64) {
    const CLASS_BITS: u64 = 0xc;
    flags::styled(out, &flags::hex(v), |out| {
        write_enum(out, v & CLASS_BITS, FAN_CLASSES, "FAN_CLASS_???");
        if v & !CLASS_BITS != 0 {
            out.push('|');
            write_flags(out, v & !CLASS_BITS, FAN_INIT_FLAGS, None, "FAN_???");
        }
    });
}

/// A memory policy mode with its mode flags, as strace's `print_mode`: the mode alone
/// (`MPOL_DEFAULT`), with flags (`MPOL_BIND|MPOL_F_STATIC_NODES`), or when the mode is
/// unknown, all as flags.
fn write_mpol_mode(out: &mut String, v: u64) {
    // MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING.
    const FLAG_BITS: u64 = (1 << 15) | (1 << 14) | (1 << 13);
    let (mode, mode_flags) = (v & !FLAG_BITS, v & FLAG_BITS);
    if mode_flags == 0 {
        return write_enum(out, mode, MPOL_MODES, "MPOL_???");
    }
    match flags::lookup(MPOL_MODES, mode) {
        None => write_flags(out, v, MPOL_MODE_FLAGS, None, "MPOL_???"),
        Some(name) => flags::styled(out, &flags::hex(v), |out| {
            out.push_str(name);
            out.push('|');
            write_flags(out, mode_flags, MPOL_MODE_FLAGS, None, "");
        }),
    }
}

const DELETE_MODULE_FLAGS: Xlat = &[(0x800, "O_NONBLOCK"), (0x200, "O_TRUNC")];

const MODULE_INIT_FLAGS: Xlat = &[
    (0x1, "MODULE_INIT_IGNORE_MODVERSIONS"),
    (0x2, "MODULE_INIT_IGNORE_VERMAGIC"),
    (0x4, "MODULE_INIT_COMPRESSED_FILE"),
];

const LANDLOCK_CREATE_RULESET_FLAGS: Xlat = &[(0x1, "LANDLOCK_CREATE_RULESET_VERSION")];

const PIDFD_OPEN_FLAGS: Xlat = &[(0x800, "PIDFD_NONBLOCK")];

const UFFD_FLAGS: Xlat = &[
    (0x1, "UFFD_USER_MODE_ONLY"),
    (0x800, "O_NONBLOCK"),
    (0x80000, "O_CLOEXEC"),
];

const FSMOUNT_FLAGS: Xlat = &[(0x1, "FSMOUNT_CLOEXEC")];

const FSMOUNT_ATTR_FLAGS: Xlat = &[
    (0x1, "MOUNT_ATTR_RDONLY"),
    (0x2, "MOUNT_ATTR_NOSUID"),
    (0x4, "MOUNT_ATTR_NODEV"),
    (0x8, "MOUNT_ATTR_NOEXEC"),
    (0x10, "MOUNT_ATTR_NOATIME"),
    (0x20, "MOUNT_ATTR_STRICTATIME"),
    (0x80, "MOUNT_ATTR_NODIRATIME"),
];

const FSOPEN_FLAGS: Xlat = &[(0x1, "FSOPEN_CLOEXEC")];

const FSPICK_FLAGS: Xlat = &[
    (0x1, "FSPICK_CLOEXEC"),
    (0x2, "FSPICK_SYMLINK_NOFOLLOW"),
    (0x4, "FSPICK_NO_AUTOMOUNT"),
    (0x8, "FSPICK_EMPTY_PATH"),
];

const OPEN_TREE_FLAGS: Xlat = &[
    (0x1, "OPEN_TREE_CLONE"),
    (0x80000, "OPEN_TREE_CLOEXEC"),
    (0x100, "AT_SYMLINK_NOFOLLOW"),
    (0x200, "AT_REMOVEDIR"),
    (0x400, "AT_SYMLINK_FOLLOW"),
    (0x800, "AT_NO_AUTOMOUNT"),
    (0x1000, "AT_EMPTY_PATH"),
    (0x8000, "AT_RECURSIVE"),
];

const MOVE_MOUNT_FLAGS: Xlat = &[
    (0x1, "MOVE_MOUNT_F_SYMLINKS"),
    (0x2, "MOVE_MOUNT_F_AUTOMOUNTS"),
    (0x4, "MOVE_MOUNT_F_EMPTY_PATH"),
    (0x10, "MOVE_MOUNT_T_SYMLINKS"),
    (0x20, "MOVE_MOUNT_T_AUTOMOUNTS"),
    (0x40, "MOVE_MOUNT_T_EMPTY_PATH"),
    (0x100, "MOVE_MOUNT_SET_GROUP"),
];

const FAN_MARK_FLAGS: Xlat = &[
    (0x1, "FAN_MARK_ADD"),
    (0x2, "FAN_MARK_REMOVE"),
    (0x4, "FAN_MARK_DONT_FOLLOW"),
    (0x8, "FAN_MARK_ONLYDIR"),
    (0x10, "FAN_MARK_MOUNT"),
    (0x20, "FAN_MARK_IGNORED_MASK"),
    (0x40, "FAN_MARK_IGNORED_SURV_MODIFY"),
    (0x80, "FAN_MARK_FLUSH"),
    (0x100, "FAN_MARK_FILESYSTEM"),
    (0x200, "FAN_MARK_EVICTABLE"),
    (0x400, "FAN_MARK_IGNORE"),
];

const XATTR_FLAGS: Xlat = &[(0x1, "XATTR_CREATE"), (0x2, "XATTR_REPLACE")];

const UMOUNT_FLAGS: Xlat = &[
    (0x1, "MNT_FORCE"),
    (0x2, "MNT_DETACH"),
    (0x4, "MNT_EXPIRE"),
    (0x8, "UMOUNT_NOFOLLOW"),
];

pub(crate) const RWF_FLAGS: Xlat = &[
    (0x1, "RWF_HIPRI"),
    (0x2, "RWF_DSYNC"),
    (0x4, "RWF_SYNC"),
    (0x8, "RWF_NOWAIT"),
    (0x10, "RWF_APPEND"),
];

const SYNC_FILE_RANGE_FLAGS: Xlat = &[
    (0x1, "SYNC_FILE_RANGE_WAIT_BEFORE"),
    (0x2, "SYNC_FILE_RANGE_WRITE"),
    (0x4, "SYNC_FILE_RANGE_WAIT_AFTER"),
];

const FALLOC_FLAGS: Xlat = &[
    (0x1, "FALLOC_FL_KEEP_SIZE"),
    (0x2, "FALLOC_FL_PUNCH_HOLE"),
    (0x4, "FALLOC_FL_NO_HIDE_STALE"),
    (0x8, "FALLOC_FL_COLLAPSE_RANGE"),
    (0x10, "FALLOC_FL_ZERO_RANGE"),
    (0x20, "FALLOC_FL_INSERT_RANGE"),
    (0x40, "FALLOC_FL_UNSHARE_RANGE"),
];

const INOTIFY_FLAGS: Xlat = &[
    (0x1, "IN_ACCESS"),
    (0x2, "IN_MODIFY"),
    (0x4, "IN_ATTRIB"),
    (0x8, "IN_CLOSE_WRITE"),
    (0x10, "IN_CLOSE_NOWRITE"),
    (0x20, "IN_OPEN"),
    (0x40, "IN_MOVED_FROM"),
    (0x80, "IN_MOVED_TO"),
    (0x100, "IN_CREATE"),
    (0x200, "IN_DELETE"),
    (0x400, "IN_DELETE_SELF"),
    (0x800, "IN_MOVE_SELF"),
    (0x2000, "IN_UNMOUNT"),
    (0x4000, "IN_Q_OVERFLOW"),
    (0x8000, "IN_IGNORED"),
    (0x1000000, "IN_ONLYDIR"),
    (0x2000000, "IN_DONT_FOLLOW"),
    (0x4000000, "IN_EXCL_UNLINK"),
    (0x10000000, "IN_MASK_CREATE"),
    (0x20000000, "IN_MASK_ADD"),
    (0x40000000, "IN_ISDIR"),
    (0x80000000, "IN_ONESHOT"),
];

const TIMERFD_SETTIME_FLAGS: Xlat = &[
    (0x1, "TFD_TIMER_ABSTIME"),
    (0x2, "TFD_TIMER_CANCEL_ON_SET"),
    (0x80000, "TFD_CLOEXEC"),
    (0x800, "TFD_NONBLOCK"),
];

const MOUNT_SETATTR_FLAGS: Xlat = &[
    (0x100, "AT_SYMLINK_NOFOLLOW"),
    (0x800, "AT_NO_AUTOMOUNT"),
    (0x1000, "AT_EMPTY_PATH"),
    (0x8000, "AT_RECURSIVE"),
];

pub(crate) const SETNS_TYPES: Xlat = &[
    (0x80, "CLONE_NEWTIME"),
    (0x20000, "CLONE_NEWNS"),
    (0x2000000, "CLONE_NEWCGROUP"),
    (0x4000000, "CLONE_NEWUTS"),
    (0x8000000, "CLONE_NEWIPC"),
    (0x10000000, "CLONE_NEWUSER"),
    (0x20000000, "CLONE_NEWPID"),
    (0x40000000, "CLONE_NEWNET"),
];

const MEMFD_SECRET_FLAGS: Xlat = &[(0x80000, "O_CLOEXEC")];

const URING_ENTER_FLAGS: Xlat = &[
    (0x1, "IORING_ENTER_GETEVENTS"),
    (0x2, "IORING_ENTER_SQ_WAKEUP"),
    (0x4, "IORING_ENTER_SQ_WAIT"),
    (0x8, "IORING_ENTER_EXT_ARG"),
    (0x10, "IORING_ENTER_REGISTERED_RING"),
];

const CLOCK_FLAGS: Xlat = &[(0x1, "TIMER_ABSTIME")];

const MBIND_FLAGS: Xlat = &[
    (0x1, "MPOL_MF_STRICT"),
    (0x2, "MPOL_MF_MOVE"),
    (0x4, "MPOL_MF_MOVE_ALL"),
];

const MOVE_PAGES_FLAGS: Xlat = &[(0x2, "MPOL_MF_MOVE"), (0x4, "MPOL_MF_MOVE_ALL")];

const FAN_EVENT_FLAGS: Xlat = &[
    (0x1, "FAN_ACCESS"),
    (0x2, "FAN_MODIFY"),
    (0x4, "FAN_ATTRIB"),
    (0x8, "FAN_CLOSE_WRITE"),
    (0x10, "FAN_CLOSE_NOWRITE"),
    (0x20, "FAN_OPEN"),
    (0x40, "FAN_MOVED_FROM"),
    (0x80, "FAN_MOVED_TO"),
    (0x100, "FAN_CREATE"),
    (0x200, "FAN_DELETE"),
    (0x400, "FAN_DELETE_SELF"),
    (0x800, "FAN_MOVE_SELF"),
    (0x1000, "FAN_OPEN_EXEC"),
    (0x4000, "FAN_Q_OVERFLOW"),
    (0x8000, "FAN_FS_ERROR"),
    (0x10000, "FAN_OPEN_PERM"),
    (0x20000, "FAN_ACCESS_PERM"),
    (0x40000, "FAN_OPEN_EXEC_PERM"),
    (0x80000, "FAN_DIR_MODIFY"),
    (0x40000000, "FAN_ONDIR"),
    (0x8000000, "FAN_EVENT_ON_CHILD"),
    (0x10000000, "FAN_RENAME"),
];

const KEXEC_FILE_LOAD_FLAGS: Xlat = &[
    (0x1, "KEXEC_FILE_UNLOAD"),
    (0x2, "KEXEC_FILE_ON_CRASH"),
    (0x4, "KEXEC_FILE_NO_INITRAMFS"),
];

const PERF_EVENT_OPEN_FLAGS: Xlat = &[
    (0x1, "PERF_FLAG_FD_NO_GROUP"),
    (0x2, "PERF_FLAG_FD_OUTPUT"),
    (0x4, "PERF_FLAG_PID_CGROUP"),
    (0x8, "PERF_FLAG_FD_CLOEXEC"),
];

const PKEY_ACCESS: Xlat = &[
    (0x1, "PKEY_DISABLE_ACCESS"),
    (0x2, "PKEY_DISABLE_WRITE"),
    (0x4, "PKEY_DISABLE_EXECUTE"),
];

const GET_MEMPOLICY_FLAGS: Xlat = &[
    (0x1, "MPOL_F_NODE"),
    (0x2, "MPOL_F_ADDR"),
    (0x4, "MPOL_F_MEMS_ALLOWED"),
];

const MPOL_MODES: Xlat = &[
    (0, "MPOL_DEFAULT"),
    (0x1, "MPOL_PREFERRED"),
    (0x2, "MPOL_BIND"),
    (0x3, "MPOL_INTERLEAVE"),
    (0x4, "MPOL_LOCAL"),
    (0x5, "MPOL_PREFERRED_MANY"),
];

const MPOL_MODE_FLAGS: Xlat = &[
    (0x8000, "MPOL_F_STATIC_NODES"),
    (0x4000, "MPOL_F_RELATIVE_NODES"),
    (0x2000, "MPOL_F_NUMA_BALANCING"),
];

const LANDLOCK_RULE_TYPES: Xlat = &[(0x1, "LANDLOCK_RULE_PATH_BENEATH")];

const PRIORITIES: Xlat = &[(0, "PRIO_PROCESS"), (0x1, "PRIO_PGRP"), (0x2, "PRIO_USER")];

const IOPRIO_WHO: Xlat = &[
    (0x1, "IOPRIO_WHO_PROCESS"),
    (0x2, "IOPRIO_WHO_PGRP"),
    (0x3, "IOPRIO_WHO_USER"),
];

const KCMP_TYPES: Xlat = &[
    (0, "KCMP_FILE"),
    (0x1, "KCMP_VM"),
    (0x2, "KCMP_FILES"),
    (0x3, "KCMP_FS"),
    (0x4, "KCMP_SIGHAND"),
    (0x5, "KCMP_IO"),
    (0x6, "KCMP_SYSVSEM"),
    (0x7, "KCMP_EPOLL_TFD"),
];

const KEYCTL_COMMANDS: Xlat = &[
    (0, "KEYCTL_GET_KEYRING_ID"),
    (0x1, "KEYCTL_JOIN_SESSION_KEYRING"),
    (0x2, "KEYCTL_UPDATE"),
    (0x3, "KEYCTL_REVOKE"),
    (0x4, "KEYCTL_CHOWN"),
    (0x5, "KEYCTL_SETPERM"),
    (0x6, "KEYCTL_DESCRIBE"),
    (0x7, "KEYCTL_CLEAR"),
    (0x8, "KEYCTL_LINK"),
    (0x9, "KEYCTL_UNLINK"),
    (0xa, "KEYCTL_SEARCH"),
    (0xb, "KEYCTL_READ"),
    (0xc, "KEYCTL_INSTANTIATE"),
    (0xd, "KEYCTL_NEGATE"),
    (0xe, "KEYCTL_SET_REQKEY_KEYRING"),
    (0xf, "KEYCTL_SET_TIMEOUT"),
    (0x10, "KEYCTL_ASSUME_AUTHORITY"),
    (0x11, "KEYCTL_GET_SECURITY"),
    (0x12, "KEYCTL_SESSION_TO_PARENT"),
    (0x13, "KEYCTL_REJECT"),
    (0x14, "KEYCTL_INSTANTIATE_IOV"),
    (0x15, "KEYCTL_INVALIDATE"),
    (0x16, "KEYCTL_GET_PERSISTENT"),
    (0x17, "KEYCTL_DH_COMPUTE"),
    (0x18, "KEYCTL_PKEY_QUERY"),
    (0x19, "KEYCTL_PKEY_ENCRYPT"),
    (0x1a, "KEYCTL_PKEY_DECRYPT"),
    (0x1b, "KEYCTL_PKEY_SIGN"),
    (0x1c, "KEYCTL_PKEY_VERIFY"),
    (0x1d, "KEYCTL_RESTRICT_KEYRING"),
    (0x1e, "KEYCTL_MOVE"),
    (0x1f, "KEYCTL_CAPABILITIES"),
    (0x20, "KEYCTL_WATCH_KEY"),
];

const BPF_COMMANDS: Xlat = &[
    (0, "BPF_MAP_CREATE"),
    (0x1, "BPF_MAP_LOOKUP_ELEM"),
    (0x2, "BPF_MAP_UPDATE_ELEM"),
    (0x3, "BPF_MAP_DELETE_ELEM"),
    (0x4, "BPF_MAP_GET_NEXT_KEY"),
    (0x5, "BPF_PROG_LOAD"),
    (0x6, "BPF_OBJ_PIN"),
    (0x7, "BPF_OBJ_GET"),
    (0x8, "BPF_PROG_ATTACH"),
    (0x9, "BPF_PROG_DETACH"),
    (0xa, "BPF_PROG_TEST_RUN"),
    (0xb, "BPF_PROG_GET_NEXT_ID"),
    (0xc, "BPF_MAP_GET_NEXT_ID"),
    (0xd, "BPF_PROG_GET_FD_BY_ID"),
    (0xe, "BPF_MAP_GET_FD_BY_ID"),
    (0xf, "BPF_OBJ_GET_INFO_BY_FD"),
    (0x10, "BPF_PROG_QUERY"),
    (0x11, "BPF_RAW_TRACEPOINT_OPEN"),
    (0x12, "BPF_BTF_LOAD"),
    (0x13, "BPF_BTF_GET_FD_BY_ID"),
    (0x14, "BPF_TASK_FD_QUERY"),
    (0x15, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"),
    (0x16, "BPF_MAP_FREEZE"),
    (0x17, "BPF_BTF_GET_NEXT_ID"),
    (0x18, "BPF_MAP_LOOKUP_BATCH"),
    (0x19, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"),
    (0x1a, "BPF_MAP_UPDATE_BATCH"),
    (0x1b, "BPF_MAP_DELETE_BATCH"),
    (0x1c, "BPF_LINK_CREATE"),
    (0x1d, "BPF_LINK_UPDATE"),
    (0x1e, "BPF_LINK_GET_FD_BY_ID"),
    (0x1f, "BPF_LINK_GET_NEXT_ID"),
    (0x20, "BPF_ENABLE_STATS"),
    (0x21, "BPF_ITER_CREATE"),
    (0x22, "BPF_LINK_DETACH"),
    (0x23, "BPF_PROG_BIND_MAP"),
];

const URING_REGISTER_OPCODES: Xlat = &[
    (0, "IORING_REGISTER_BUFFERS"),
    (0x1, "IORING_UNREGISTER_BUFFERS"),
    (0x2, "IORING_REGISTER_FILES"),
    (0x3, "IORING_UNREGISTER_FILES"),
    (0x4, "IORING_REGISTER_EVENTFD"),
    (0x5, "IORING_UNREGISTER_EVENTFD"),
    (0x6, "IORING_REGISTER_FILES_UPDATE"),
    (0x7, "IORING_REGISTER_EVENTFD_ASYNC"),
    (0x8, "IORING_REGISTER_PROBE"),
    (0x9, "IORING_REGISTER_PERSONALITY"),
    (0xa, "IORING_UNREGISTER_PERSONALITY"),
    (0xb, "IORING_REGISTER_RESTRICTIONS"),
    (0xc, "IORING_REGISTER_ENABLE_RINGS"),
    (0xd, "IORING_REGISTER_FILES2"),
    (0xe, "IORING_REGISTER_FILES_UPDATE2"),
    (0xf, "IORING_REGISTER_BUFFERS2"),
    (0x10, "IORING_REGISTER_BUFFERS_UPDATE"),
    (0x11, "IORING_REGISTER_IOWQ_AFF"),
    (0x12, "IORING_UNREGISTER_IOWQ_AFF"),
    (0x13, "IORING_REGISTER_IOWQ_MAX_WORKERS"),
    (0x14, "IORING_REGISTER_RING_FDS"),
    (0x15, "IORING_UNREGISTER_RING_FDS"),
    (0x16, "IORING_REGISTER_PBUF_RING"),
    (0x17, "IORING_UNREGISTER_PBUF_RING"),
];

const SECCOMP_OPS: Xlat = &[
    (0, "SECCOMP_SET_MODE_STRICT"),
    (0x1, "SECCOMP_SET_MODE_FILTER"),
    (0x2, "SECCOMP_GET_ACTION_AVAIL"),
    (0x3, "SECCOMP_GET_NOTIF_SIZES"),
];

const SCHEDULERS: Xlat = &[
    (0, "SCHED_OTHER"),
    (0x1, "SCHED_FIFO"),
    (0x2, "SCHED_RR"),
    (0x3, "SCHED_BATCH"),
    (0x4, "SCHED_ISO"),
    (0x5, "SCHED_IDLE"),
    (0x6, "SCHED_DEADLINE"),
];

const PTRACE_CMDS: Xlat = &[
    (0, "PTRACE_TRACEME"),
    (0x1, "PTRACE_PEEKTEXT"),
    (0x2, "PTRACE_PEEKDATA"),
    (0x3, "PTRACE_PEEKUSER"),
    (0x4, "PTRACE_POKETEXT"),
    (0x5, "PTRACE_POKEDATA"),
    (0x6, "PTRACE_POKEUSER"),
    (0x7, "PTRACE_CONT"),
    (0x8, "PTRACE_KILL"),
    (0x9, "PTRACE_SINGLESTEP"),
    (0x10, "PTRACE_ATTACH"),
    (0x11, "PTRACE_DETACH"),
    (0x18, "PTRACE_SYSCALL"),
    (0x4200, "PTRACE_SETOPTIONS"),
    (0x4201, "PTRACE_GETEVENTMSG"),
    (0x4202, "PTRACE_GETSIGINFO"),
    (0x4203, "PTRACE_SETSIGINFO"),
    (0x4204, "PTRACE_GETREGSET"),
    (0x4205, "PTRACE_SETREGSET"),
    (0x4206, "PTRACE_SEIZE"),
    (0x4207, "PTRACE_INTERRUPT"),
    (0x4208, "PTRACE_LISTEN"),
    (0x4209, "PTRACE_PEEKSIGINFO"),
    (0x420a, "PTRACE_GETSIGMASK"),
    (0x420b, "PTRACE_SETSIGMASK"),
    (0x420c, "PTRACE_SECCOMP_GET_FILTER"),
    (0x420d, "PTRACE_SECCOMP_GET_METADATA"),
    (0x420e, "PTRACE_GET_SYSCALL_INFO"),
    (0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"),
    (0xc, "PTRACE_GETREGS"),
    (0xd, "PTRACE_SETREGS"),
    (0xe, "PTRACE_GETFPREGS"),
    (0xf, "PTRACE_SETFPREGS"),
    (0x12, "PTRACE_GETFPXREGS"),
    (0x13, "PTRACE_SETFPXREGS"),
    (0x15, "PTRACE_OLDSETOPTIONS"),
    (0x19, "PTRACE_GET_THREAD_AREA"),
    (0x1a, "PTRACE_SET_THREAD_AREA"),
    (0x1f, "PTRACE_SYSEMU"),
    (0x20, "PTRACE_SYSEMU_SINGLESTEP"),
    (0x21, "PTRACE_SINGLEBLOCK"),
    (0x1e, "PTRACE_ARCH_PRCTL"),
];

const KEY_SPEC: Xlat = &[
    (0xffffffffffffffff, "KEY_SPEC_THREAD_KEYRING"),
    (0xfffffffffffffffe, "KEY_SPEC_PROCESS_KEYRING"),
    (0xfffffffffffffffd, "KEY_SPEC_SESSION_KEYRING"),
    (0xfffffffffffffffc, "KEY_SPEC_USER_KEYRING"),
    (0xfffffffffffffffb, "KEY_SPEC_USER_SESSION_KEYRING"),
    (0xfffffffffffffffa, "KEY_SPEC_GROUP_KEYRING"),
    (0xfffffffffffffff9, "KEY_SPEC_REQKEY_AUTH_KEY"),
    (0xfffffffffffffff8, "KEY_SPEC_REQUESTOR_KEYRING"),
];

const FAN_CLASSES: Xlat = &[
    (0, "FAN_CLASS_NOTIF"),
    (0x4, "FAN_CLASS_CONTENT"),
    (0x8, "FAN_CLASS_PRE_CONTENT"),
];

const FAN_INIT_FLAGS: Xlat = &[
    (0x1, "FAN_CLOEXEC"),
    (0x2, "FAN_NONBLOCK"),
    (0x10, "FAN_UNLIMITED_QUEUE"),
    (0x20, "FAN_UNLIMITED_MARKS"),
    (0x40, "FAN_ENABLE_AUDIT"),
    (0x80, "FAN_REPORT_PIDFD"),
    (0x100, "FAN_REPORT_TID"),
    (0x200, "FAN_REPORT_FID"),
    (0x400, "FAN_REPORT_DIR_FID"),
    (0x800, "FAN_REPORT_NAME"),
    (0x1000, "FAN_REPORT_TARGET_FID"),
];

const CLOSE_RANGE_FLAGS: Xlat = &[(0x2, "CLOSE_RANGE_UNSHARE"), (0x4, "CLOSE_RANGE_CLOEXEC")];

const UNSHARE_FLAGS: Xlat = &[
    (0x80, "CLONE_NEWTIME"),
    (0x100, "CLONE_VM"),
    (0x200, "CLONE_FS"),
    (0x400, "CLONE_FILES"),
    (0x800, "CLONE_SIGHAND"),
    (0x10000, "CLONE_THREAD"),
    (0x20000, "CLONE_NEWNS"),
    (0x40000, "CLONE_SYSVSEM"),
    (0x2000000, "CLONE_NEWCGROUP"),
    (0x4000000, "CLONE_NEWUTS"),
    (0x8000000, "CLONE_NEWIPC"),
    (0x10000000, "CLONE_NEWUSER"),
    (0x20000000, "CLONE_NEWPID"),
    (0x40000000, "CLONE_NEWNET"),
];

const RUSAGE_WHO: Xlat = &[
    (0, "RUSAGE_SELF"),
    (0xffffffff, "RUSAGE_CHILDREN"),
    (0xfffffffe, "RUSAGE_BOTH"),
    (1, "RUSAGE_THREAD"),
];
