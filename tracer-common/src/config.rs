//! The kernel programs' settings: one struct, written once by userspace before the
//! programs load (a read-only global, so the verifier sees the values and prunes what they
//! switch off), and the decisions both sides derive from it. The ptrace backend applies
//! the same decisions in userspace, from the same struct.

use crate::{MAX_CAPTURES, path::MAX_PATH_FILTERS, trace::status};

/// What the programs are told at load time: the user's filters and the facts about the
/// running kernel that userspace looked up (offsets that differ between builds).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelConfig {
    /// `-s`: bytes of strings and buffers to copy.
    pub string_limit: u32,
    /// Which outcomes are recorded (`status::*` bits): `-z`, `-Z`, `--status`.
    pub status_mask: u8,
    /// Non-zero when numbers outside the table (32-bit tasks', x32's or invalid ones) are
    /// traced.
    pub trace_unknown: u8,
    /// Non-zero with `-f`: children join the trace set when they are forked, and the set
    /// holds processes (every thread of one is traced). Zero: it holds single tasks, as
    /// strace without `-f` traces only the task it started or attached to
    /// ([`Self::trace_key`]).
    pub follow_forks: u8,
    /// [`SUMMARY_OFF`], [`SUMMARY_COUNT`] (`-C`) or [`SUMMARY_ONLY`] (`-c`: nothing but
    /// the per-syscall totals leaves the kernel).
    pub summary: u8,
    /// Non-zero with `--stats`: count every call the syscall programs see. Off by default
    /// because it costs untraced processes a per-CPU map update per syscall.
    pub count_seen: u8,
    /// Non-zero with `-c`/`-C` without `-w`: the totals count each call's system CPU
    /// time too (`sched_switch` measures the time calls spend off the CPU; it finds the
    /// task switched in by its pid, at `task_pid_offset`).
    pub count_cpu: u8,
    /// Non-zero with `--diagnose` and no trace shown: only the calls the report needs
    /// leave the kernel (the totals cover the rest).
    pub diagnose_only: u8,
    /// Non-zero with `-P` when the trace set leaves out calls that open, duplicate or
    /// close descriptors (`PLAN_PATH_TRACK`): the exit program then follows them too.
    /// Its own setting, so that a `-P` trace of every call (nothing to follow) verifies
    /// without that code.
    pub path_follows_untraced: u8,
    /// The most strings of an exec's argv (and environment, with `-v`) copied:
    /// [`crate::MAX_STRV`], what strace shows of an abbreviated exec, or
    /// [`crate::MAX_STRV_ALL`] when the exec is not abbreviated (`-v`, `-e abbrev=`) and
    /// strace shows them all. Frozen: the verifier walks only as many rounds.
    pub strv_strings: u8,
    /// Non-zero when a traced syscall's plan picks copies behind pointers in its structs
    /// ([`crate::DerefPlan`]): frozen, so that the programs verify without that code
    /// otherwise.
    pub derefs: u8,
    /// `-Y`: each call's record carries its task's name at the call
    /// ([`crate::capture::COMM`]), which the task may change before the line is printed.
    pub comm: u8,
    /// `-i`: each call's record carries the task's instruction pointer
    /// ([`crate::capture::IP`]) and each signal delivered its own
    /// ([`crate::SignalRecord::ip`]), read with `bpf_task_pt_regs` (Linux 5.15).
    pub ip: u8,
    /// `--cgroup`/`--container`: the depth of each traced cgroup below the cgroup2 root.
    pub cgroup_levels: [u32; MAX_CGROUPS],
    /// Per plan slot, the capture kinds (a bit per [`crate::capture`] kind) the traced
    /// syscalls' plans take there at a call's entry and at its exit
    /// ([`crate::CapturePlan::kinds`]): the verifier, which knows these frozen values,
    /// skips the code of every other kind. All ones (the default): every kind.
    pub entry_kinds: [u32; MAX_CAPTURES],
    pub exit_kinds: [u32; MAX_CAPTURES],
    /// `--cgroup`/`--container`: trace every task whose cgroup is one of these (id =
    /// inode of the cgroup v2 directory) or below one; the first 0 ends the set. All
    /// zero: trace the `TRACED` set.
    pub cgroup_ids: [u64; MAX_CGROUPS],
    /// `--min-duration`: calls faster than this are dropped at exit (0: keep all).
    pub min_duration_ns: u64,
    /// `-O`: subtracted from each call's times in the `-c` totals (not below zero), as
    /// strace does.
    pub summary_overhead_ns: u64,
    /// `--diagnose`'s slow calls: those at least this long (0: no `--diagnose`). The calls
    /// the report needs ([`Self::diagnosed`]) leave the kernel even when the filters keep
    /// them out of the trace ([`crate::RECORD_FILTERED`]).
    pub diagnose_slow_ns: u64,
    /// `-P`: hashes ([`crate::path::path_hash`]) of the paths to trace; 0 = unused slot.
    /// All zero: no path filter.
    pub path_hashes: [u64; MAX_PATH_FILTERS],
    /// Wake the consumer only once this many bytes wait in the ring buffer; below it the
    /// consumer finds the records on its next poll tick (a wake-up per record costs ~15 µs).
    /// 0 (a trace read on a terminal, where lines should appear as the calls happen):
    /// wake it whenever it has caught up.
    pub wakeup_bytes: u64,
    /// The tracer's pid namespace (device and inode of its nsfs file) when it is not the
    /// initial one: ids in records are then translated to it, and `-p`/launched pids,
    /// which userspace only knows in its namespace, are registered through `NS_PENDING`.
    pub pidns_dev: u64,
    pub pidns_ino: u64,
    /// Offsets of `pid` and `tgid` in `struct task_struct`, from the kernel's BTF (0: none):
    /// the ids of a signal's target and of the task `sched_switch` switches to.
    pub task_pid_offset: u32,
    pub task_tgid_offset: u32,
    /// Field offsets in the sched tracepoints' records, from tracefs (they differ between
    /// kernel versions): `sched_process_fork`'s `child_pid`, `sched_process_exec`'s `pid`
    /// and `old_pid`, `sched_process_exit`'s `group_dead` (0 when the kernel has none).
    pub fork_child_pid_offset: u32,
    pub exec_pid_offset: u32,
    pub exec_old_pid_offset: u32,
    pub exit_group_dead_offset: u32,
    /// Offset of `exit_code` in `struct task_struct` (the wait status a task leaves
    /// with), from BTF; 0: unknown.
    pub task_exit_code_offset: u32,
    /// For [`Self::owner_uid`]: offsets of `real_cred` in `struct task_struct`, of
    /// `uid` in `struct cred` (the eight ids `uid, gid, suid, sgid, euid, egid, fsuid,
    /// fsgid` follow it) and of `cap_permitted`; from BTF.
    pub task_real_cred_offset: u32,
    pub cred_ids_offset: u32,
    pub cred_caps_offset: u32,
    /// A tracer with more privilege than its user traces only processes with that
    /// user's ids and no capabilities: one that gains others at an exec (setuid, file
    /// capabilities) leaves the trace set. [`NO_OWNER`]: no such limit.
    pub owner_uid: u32,
    pub owner_gid: u32,
    /// Offset in `struct task_struct` of the word with the architecture's compat flag
    /// (`arch::COMPAT_TASK_FLAG`), from BTF; 0: the registers tell
    /// (`arch::PT_REGS_COMPAT`).
    pub compat_task_offset: u32,
    /// Offset in `struct task_struct` of the first word of its pending signals
    /// (`pending.signal`), from BTF; 0: unknown. A call that returns with SIGKILL pending
    /// never gets back to its program: shown as one that never returned (`= ?`), as
    /// strace shows it.
    pub task_sigpending_offset: u32,
    /// Offsets of `sighand` in `struct task_struct` and of `action` in `struct
    /// sighand_struct`, and the size of `struct k_sigaction`, from BTF (0: unknown): a
    /// signal's handler, to tell whether a signal pending kills the process before an
    /// ignored one would be taken (then a ptraced task never stops for that one).
    pub task_sighand_offset: u32,
    pub sighand_action_offset: u32,
    pub k_sigaction_size: u32,
    /// `-e kvm=vcpu`: `kvm_vcpu.run`'s offset from BTF (0: off). A `KVM_RUN` that
    /// succeeds carries its `exit_reason` ([`crate::capture::KVM_EXIT`]), read from the
    /// vcpu its descriptor's file holds (`file.private_data`, [`FdFields`]).
    pub kvm_vcpu_run: u32,
    /// io_uring operations traced, a bit per opcode ([`Self::traces_uring_op`]); all
    /// zero: none (the io_uring programs are not attached).
    pub uring_ops: [u64; 2],
    /// Where the io_uring tracepoints' records hold their fields (tracefs; they differ
    /// between kernel versions): [`UringFields`].
    pub uring: UringFields,
    /// Where the kernel keeps what a descriptor refers to (from BTF; all 0: unknown), for
    /// `-y`'s names taken at the call ([`crate::capture::FD_FACTS`]).
    pub fd_fields: FdFields,
    /// With `--pidns-translation` (from BTF; all 0: off): where a task's ids in its own
    /// pid namespace are, for [`crate::TaskIdsRecord`].
    pub ns_fields: NsFields,
    /// With `-Y` (from BTF; all 0: off): where a task's children and names are, for the
    /// name of the child a call's pid argument names ([`crate::PLAN_PID_ARG_SHIFT`]).
    pub child_fields: ChildFields,
}

/// Offsets, from BTF, of what leads from a task to the names of its children: its
/// `children` list (of their `sibling` entries), a task's `pid` and `comm`, and whether
/// the caller is in the initial pid namespace (`thread_pid`'s `level` is 0), where its
/// pid arguments are the kernel's numbers.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChildFields {
    pub task_children: u32,
    pub task_sibling: u32,
    pub task_pid: u32,
    pub task_comm: u32,
    pub task_thread_pid: u32,
    pub pid_level: u32,
}

impl ChildFields {
    pub const NONE: Self = Self {
        task_children: 0,
        task_sibling: 0,
        task_pid: 0,
        task_comm: 0,
        task_thread_pid: 0,
        pid_level: 0,
    };

    /// Whether BTF gave them (`task_struct.children` is never at 0).
    #[inline(always)]
    pub fn known(&self) -> bool {
        self.task_children != 0
    }
}

/// Offsets, from BTF, of the fields that lead from a task to its ids in its own pid
/// namespace: `task_struct.thread_pid` (a `struct pid`: its `level`, and `numbers[level]`,
/// a `struct upid` of `upid_size` bytes with the id `nr` and the namespace `ns`, whose
/// `ns.inum` names it), `task_struct.group_leader` (the process id), and
/// `task_struct.signal` → `signal_struct.pids[PIDTYPE_PGID]`, `[PIDTYPE_SID]`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NsFields {
    pub task_thread_pid: u32,
    pub task_group_leader: u32,
    pub task_signal: u32,
    pub signal_pids: u32,
    pub pid_level: u32,
    pub pid_numbers: u32,
    pub upid_size: u32,
    pub upid_ns: u32,
    pub ns_inum: u32,
    pub _pad: u32,
}

impl NsFields {
    pub const NONE: Self = Self {
        task_thread_pid: 0,
        task_group_leader: 0,
        task_signal: 0,
        signal_pids: 0,
        pid_level: 0,
        pid_numbers: 0,
        upid_size: 0,
        upid_ns: 0,
        ns_inum: 0,
        _pad: 0,
    };

    /// Whether the programs announce tasks' ids (`--pidns-translation`, with BTF).
    #[inline(always)]
    pub fn known(&self) -> bool {
        self.task_thread_pid != 0
    }
}

/// Offsets, from BTF, of the fields that lead from the current task to what one of its
/// descriptors refers to: `task_struct.files` → `files_struct.fdt` → `fdtable.fd[fd]`
/// (below `fdtable.max_fds`) → `file.f_inode` → `inode.i_mode`, `.i_ino`, `.i_rdev`;
/// and `file.f_path.dentry` → `dentry.d_name.name` (an anonymous inode's name, such as
/// `[eventfd]`); for a socket, `file.private_data` (its `struct socket`) → `socket.sk`
/// → `sock.sk_prot_creator` → `proto.name` (`TCP`, `UNIX-STREAM`: what strace's `-yy`
/// reads from the `system.sockprotoname` attribute), and in the `sock_common` that opens
/// `struct sock` an internet socket's family, addresses and ports.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FdFields {
    pub task_files: u32,
    pub files_fdt: u32,
    pub fdt_fd: u32,
    pub fdt_max_fds: u32,
    pub file_inode: u32,
    pub file_dentry: u32,
    pub inode_mode: u32,
    pub inode_ino: u32,
    pub inode_rdev: u32,
    pub dentry_name: u32,
    pub file_private_data: u32,
    pub socket_sk: u32,
    pub sock_prot_creator: u32,
    pub proto_name: u32,
    pub sk_family: u32,
    pub sk_daddr: u32,
    pub sk_rcv_saddr: u32,
    pub sk_dport: u32,
    pub sk_num: u32,
    pub sk_v6_daddr: u32,
    pub sk_v6_rcv_saddr: u32,
    /// `-yy`'s UNIX sockets (0 without `-yy`, or where BTF lacks one): `unix_sock.addr`
    /// and `.peer`, `unix_address.len` and where its `sun_path` starts, `sock.sk_socket`,
    /// and a `struct socket`'s inode number (its `struct socket_alloc`'s `vfs_inode`).
    pub unix_addr: u32,
    pub unix_peer: u32,
    pub unix_address_len: u32,
    pub unix_address_path: u32,
    pub sock_socket: u32,
    pub socket_ino: u32,
    /// `inode.i_nlink` (`(deleted)` files); 0 where BTF lacks it.
    pub inode_nlink: u32,
    /// `sock.sk_protocol` (a netlink socket's protocol, which its messages' decoding
    /// needs); 0 where BTF lacks it.
    pub sk_protocol: u32,
    /// `netlink_sock.portid` (`-yy`'s `NETLINK:[ROUTE:1234]`); 0 where BTF lacks it.
    pub netlink_portid: u32,
    /// `inode.i_sb` and `super_block.s_dev`: the device of the filesystem an inode is on
    /// (a file is told from another by its inode and device); 0 where BTF lacks them.
    pub inode_sb: u32,
    pub sb_dev: u32,
}

impl FdFields {
    pub const NONE: Self = Self {
        task_files: 0,
        files_fdt: 0,
        fdt_fd: 0,
        fdt_max_fds: 0,
        file_inode: 0,
        file_dentry: 0,
        inode_mode: 0,
        inode_ino: 0,
        inode_rdev: 0,
        dentry_name: 0,
        file_private_data: 0,
        socket_sk: 0,
        sock_prot_creator: 0,
        proto_name: 0,
        sk_family: 0,
        sk_daddr: 0,
        sk_rcv_saddr: 0,
        sk_dport: 0,
        sk_num: 0,
        sk_v6_daddr: 0,
        sk_v6_rcv_saddr: 0,
        unix_addr: 0,
        unix_peer: 0,
        unix_address_len: 0,
        unix_address_path: 0,
        sock_socket: 0,
        socket_ino: 0,
        inode_nlink: 0,
        sk_protocol: 0,
        netlink_portid: 0,
        inode_sb: 0,
        sb_dev: 0,
    };

    /// Whether BTF gave every offset (`task_struct.files` is never at 0).
    #[inline(always)]
    pub fn known(&self) -> bool {
        self.task_files != 0
    }
}

/// Where the io_uring programs find what a line shows. The raw tracepoint programs
/// ([`Self::submit_hook`], [`Self::complete_hook`]: the tracepoint's arguments, and the
/// request's and ring's fields at offsets from BTF) are used where BTF gives the
/// tracepoints' prototypes; the tracepoint twins (their records' fields at offsets from
/// tracefs; 0: the field is missing) otherwise. `io_uring_submit_req` (or
/// `io_uring_submit_sqe`) and `io_uring_complete`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UringFields {
    pub submit_ctx: u16,
    /// The request's address (`struct io_kiocb *`; 5.11+; in the completion 5.18+:
    /// requests are matched by it where both have it, else by `user_data`).
    pub submit_req: u16,
    pub submit_user_data: u16,
    pub submit_opcode: u16,
    pub submit_sq_thread: u16,
    pub complete_ctx: u16,
    pub complete_req: u16,
    pub complete_user_data: u16,
    pub complete_res: u16,
    /// 4 (`int`) or 8 (5.10's `long`): the record's field, or the raw tracepoint's
    /// argument (which the kernel widens without its sign).
    pub complete_res_size: u16,
    pub complete_cflags: u16,
    /// In `struct io_kiocb`: the descriptor the submission named (`cqe.fd`), and for
    /// read/write operations the file offset (`rw.kiocb.ki_pos`) and length (`rw.len`).
    pub req_fd: u16,
    pub req_pos: u16,
    pub req_len: u16,
    /// The request's `REQ_F_*` flags (5.11+), whose bit 0 is `REQ_F_FIXED_FILE`.
    pub submit_flags: u16,
    /// Non-zero: requests are matched by `user_data` (the completion does not give the
    /// request: before 5.18).
    pub by_user_data: u16,
    /// For the raw submission program ([`URING_SUBMIT_REQ`]): in `struct io_kiocb` its
    /// ring (`ctx`), `opcode`, `flags` and `user_data` (`cqe.user_data` since 5.19); in
    /// `struct io_ring_ctx` its setup `flags` (may be 0: the first field).
    pub req_ctx: u16,
    pub req_opcode: u16,
    pub req_flags: u16,
    pub req_user_data: u16,
    pub ring_flags: u16,
    /// For the raw completion program ([`URING_COMPLETE_CQE`]): `io_uring_cqe.res` and
    /// `.flags`.
    pub cqe_res: u16,
    pub cqe_flags: u16,
    /// Which programs attach: the tracepoints' ([`URING_TRACEPOINT`]) or a raw
    /// tracepoint's for the prototype BTF shows (`URING_SUBMIT_*`, `URING_COMPLETE_*`).
    /// Userspace's choice, kept here with the offsets it goes with.
    pub submit_hook: u8,
    pub complete_hook: u8,
}

/// [`UringFields::submit_hook`], [`UringFields::complete_hook`]: the tracepoint programs
/// (the record's fields at tracefs offsets).
pub const URING_TRACEPOINT: u8 = 0;
/// `io_uring_submit_req(req)`, or `io_uring_submit_sqe(req, force_nonblock)` (6.1): the
/// rest from the request.
pub const URING_SUBMIT_REQ: u8 = 1;
/// `io_uring_submit_sqe(ctx, req, opcode, user_data, flags, force_nonblock, sq_thread)`
/// (5.11 to 5.18, and Debian's 5.10).
pub const URING_SUBMIT_ARGS: u8 = 2;
/// `io_uring_complete(ctx, req, cqe)` (6.18, 7.x): result and flags from the CQE.
pub const URING_COMPLETE_CQE: u8 = 1;
/// `io_uring_complete(ctx, req, user_data, res, cflags, ...)` (5.18 to 6.12 at least).
pub const URING_COMPLETE_ARGS: u8 = 2;
/// `io_uring_complete(ctx, user_data, res, cflags)` (before 5.18, Debian's 5.10): requests
/// are matched by `user_data`.
pub const URING_COMPLETE_OLD: u8 = 3;

impl UringFields {
    pub const NONE: Self = Self {
        submit_ctx: 0,
        submit_req: 0,
        submit_user_data: 0,
        submit_opcode: 0,
        submit_sq_thread: 0,
        complete_ctx: 0,
        complete_req: 0,
        complete_user_data: 0,
        complete_res: 0,
        complete_res_size: 0,
        complete_cflags: 0,
        req_fd: 0,
        req_pos: 0,
        req_len: 0,
        submit_flags: 0,
        by_user_data: 0,
        req_ctx: 0,
        req_opcode: 0,
        req_flags: 0,
        req_user_data: 0,
        ring_flags: 0,
        cqe_res: 0,
        cqe_flags: 0,
        submit_hook: URING_TRACEPOINT,
        complete_hook: URING_TRACEPOINT,
    };
}

/// [`KernelConfig::owner_uid`]: the tracer may trace anything.
pub const NO_OWNER: u32 = u32::MAX;
/// How many cgroups (`--cgroup`, `--container`) one trace can follow: each costs an
/// untraced task one helper call per syscall.
pub const MAX_CGROUPS: usize = 8;

pub const SUMMARY_OFF: u8 = 0;
pub const SUMMARY_COUNT: u8 = 1;
pub const SUMMARY_ONLY: u8 = 2;

impl KernelConfig {
    /// Everything shown, nothing counted: what the programs do before userspace says more.
    pub const DEFAULT: Self = Self {
        string_limit: 32,
        status_mask: status::ALL,
        trace_unknown: 1,
        follow_forks: 0,
        summary: SUMMARY_OFF,
        count_seen: 0,
        count_cpu: 0,
        diagnose_only: 0,
        path_follows_untraced: 0,
        strv_strings: crate::MAX_STRV as u8,
        derefs: 0,
        comm: 0,
        ip: 0,
        cgroup_levels: [0; MAX_CGROUPS],
        entry_kinds: [u32::MAX; MAX_CAPTURES],
        exit_kinds: [u32::MAX; MAX_CAPTURES],
        cgroup_ids: [0; MAX_CGROUPS],
        min_duration_ns: 0,
        summary_overhead_ns: 0,
        diagnose_slow_ns: 0,
        path_hashes: [0; MAX_PATH_FILTERS],
        wakeup_bytes: 0,
        pidns_dev: 0,
        pidns_ino: 0,
        task_pid_offset: 0,
        task_tgid_offset: 0,
        fork_child_pid_offset: 0,
        exec_pid_offset: 0,
        exec_old_pid_offset: 0,
        exit_group_dead_offset: 0,
        task_exit_code_offset: 0,
        task_real_cred_offset: 0,
        cred_ids_offset: 0,
        cred_caps_offset: 0,
        owner_uid: NO_OWNER,
        owner_gid: NO_OWNER,
        compat_task_offset: 0,
        task_sigpending_offset: 0,
        task_sighand_offset: 0,
        sighand_action_offset: 0,
        k_sigaction_size: 0,
        kvm_vcpu_run: 0,
        uring_ops: [0; 2],
        uring: UringFields::NONE,
        fd_fields: FdFields::NONE,
        ns_fields: NsFields::NONE,
        child_fields: ChildFields::NONE,
    };

    /// A task's key in the trace set (`TRACED`): its process with `-f`, else itself. One
    /// lookup either way, decided by the loader once.
    #[inline(always)]
    pub fn trace_key(&self, tid: u32, tgid: u32) -> u32 {
        if self.follow_forks != 0 { tgid } else { tid }
    }

    /// Whether the trace set is a set of cgroups (`--cgroup`, `--container`).
    #[inline(always)]
    pub fn cgroup_filtered(&self) -> bool {
        self.cgroup_ids[0] != 0
    }

    /// Whether `-P` is on.
    #[inline(always)]
    pub fn path_filtered(&self) -> bool {
        self.path_hashes[0] != 0
    }

    /// Whether `hash` is one of the `-P` paths.
    #[inline(always)]
    pub fn path_matches(&self, hash: u64) -> bool {
        let h = &self.path_hashes;
        h[0] == hash || h[1] == hash || h[2] == hash || h[3] == hash
    }

    /// Whether a call's fate is known only at its exit: a filter on its result, its
    /// duration or (`-P`) the fds it returns or closes. Such a call is not shown while it
    /// is in progress, and what its line needs from memory is copied at its exit, so that
    /// nothing filtered out leaves the kernel.
    #[inline(always)]
    pub fn decides_at_exit(&self) -> bool {
        const RETURNED: u8 = status::SUCCESSFUL | status::FAILED;
        self.status_mask & RETURNED != RETURNED
            || self.min_duration_ns != 0
            || self.diagnose_only != 0
            || self.path_filtered()
    }

    /// Whether `--diagnose`'s report needs a call that returned: a failure, a slow call,
    /// or one that names a path or opens or closes a descriptor (whether a searched file
    /// was found in the end; what descriptors name). `plan_flags`: the call's
    /// [`crate::SyscallPlan::flags`].
    #[inline(always)]
    pub fn diagnosed(&self, failed: bool, duration_ns: u64, plan_flags: u32) -> bool {
        const NAMES: u32 = crate::PLAN_FD_EFFECT | 7 << crate::PLAN_PATH_ARG_SHIFT;
        self.diagnose_slow_ns != 0
            && (failed || duration_ns >= self.diagnose_slow_ns || plan_flags & NAMES != 0)
    }

    /// Whether a call that returned passes the result and duration filters.
    #[inline(always)]
    pub fn admits(&self, failed: bool, duration_ns: u64) -> bool {
        let outcome = if failed {
            status::FAILED
        } else {
            status::SUCCESSFUL
        };
        self.status_mask & outcome != 0 && duration_ns >= self.min_duration_ns
    }

    /// Whether a call that never returned (its task left inside it: `exit_group`, or
    /// killed) is shown. Such a call never touches a `-P` path.
    #[inline(always)]
    pub fn admits_unfinished(&self, duration_ns: u64) -> bool {
        self.status_mask & status::UNFINISHED != 0
            && !self.path_filtered()
            && duration_ns >= self.min_duration_ns
    }

    /// Whether io_uring operation `opcode` is in the trace set.
    #[inline(always)]
    pub fn traces_uring_op(&self, opcode: u8) -> bool {
        let op = opcode as usize;
        op < crate::URING_OPS && self.uring_ops[op >> 6] >> (op & 63) & 1 != 0
    }

    /// Whether any io_uring operation is traced.
    #[inline(always)]
    pub fn traces_uring(&self) -> bool {
        self.uring_ops != [0; 2]
    }

    /// Whether per-call records leave the kernel at all (not with `-c` alone).
    #[inline(always)]
    pub fn emits_calls(&self) -> bool {
        self.summary != SUMMARY_ONLY
    }
}

impl Default for KernelConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}

const _: () = assert!(core::mem::size_of::<KernelConfig>() == 264 + 16 + 48 + 128 + 40 + 40 + 24);

#[cfg(feature = "user")]
// SAFETY: plain-old-data: repr(C), integer fields only, explicit padding.
unsafe impl aya::Pod for KernelConfig {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_duration_and_path_filters_decide_at_exit() {
        let base = KernelConfig::DEFAULT;
        assert!(!base.decides_at_exit());
        // --status=successful,failed,!unfinished still shows calls in progress.
        let c = KernelConfig {
            status_mask: status::SUCCESSFUL | status::FAILED,
            ..base
        };
        assert!(!c.decides_at_exit());
        for c in [
            KernelConfig {
                status_mask: status::FAILED,
                ..base
            },
            KernelConfig {
                min_duration_ns: 1,
                ..base
            },
            KernelConfig {
                diagnose_slow_ns: 1,
                diagnose_only: 1,
                ..base
            },
            KernelConfig {
                path_hashes: [7, 0, 0, 0],
                ..base
            },
        ] {
            assert!(c.decides_at_exit(), "{c:?}");
        }
    }

    #[test]
    fn a_cgroup_set_is_on_with_its_first_id() {
        let mut c = KernelConfig::DEFAULT;
        assert!(!c.cgroup_filtered());
        c.cgroup_ids[0] = 42;
        assert!(c.cgroup_filtered());
    }

    #[test]
    fn outcomes_admitted() {
        let z = KernelConfig {
            status_mask: status::SUCCESSFUL,
            min_duration_ns: 100,
            ..KernelConfig::DEFAULT
        };
        assert!(z.admits(false, 100));
        assert!(!z.admits(false, 99));
        assert!(!z.admits(true, 1000));
        assert!(!z.admits_unfinished(1000));
        assert!(KernelConfig::DEFAULT.admits_unfinished(0));
        let p = KernelConfig {
            path_hashes: [7, 0, 0, 0],
            ..KernelConfig::DEFAULT
        };
        assert!(!p.admits_unfinished(0) && p.path_matches(7) && !p.path_matches(8));
    }

    #[test]
    fn diagnose_needs_failures_slow_calls_and_names() {
        let d = KernelConfig {
            diagnose_slow_ns: 10,
            ..KernelConfig::DEFAULT
        };
        let path = 2 << crate::PLAN_PATH_ARG_SHIFT;
        assert!(d.diagnosed(true, 0, 0));
        assert!(d.diagnosed(false, 10, 0));
        assert!(d.diagnosed(false, 0, path));
        assert!(d.diagnosed(false, 0, crate::PLAN_FD_EFFECT));
        assert!(!d.diagnosed(false, 9, crate::PLAN_TRACE));
        assert!(!KernelConfig::DEFAULT.diagnosed(true, 100, path));
        // With the trace shown, --diagnose decides nothing at exit.
        assert!(!d.decides_at_exit());
    }
}
