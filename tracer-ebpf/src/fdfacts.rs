//! What one of the current task's descriptors refers to, read from the kernel's own
//! structures at the call (`-y`'s names: a short-lived process's pipes and sockets are
//! gone from `/proc` by the time userspace would look). Offsets come from BTF through
//! `KernelConfig::fd_fields`; every read is checked by the helper.

use core::ffi::c_void;

use aya_ebpf::helpers::{
    bpf_get_current_task, bpf_probe_read_kernel, bpf_probe_read_kernel_str_bytes,
    generated::bpf_probe_read_kernel as read_raw,
};
use tracer_common::{AF_NETLINK, AF_UNIX, FdFacts, KVM_RUN_EXIT_REASON, UNIX_PATH_BYTES};

use crate::config::config;

/// `S_IFMT`: an anonymous inode has none of these bits.
const S_IFMT: u32 = 0o170000;
const S_IFSOCK: u32 = 0o140000;

/// Fills `facts` for descriptor `fd` of the current task; false when it is not open (or
/// BTF gave no offsets). A function of its own (a BPF-to-BPF call): its reads are in the
/// program once, and their stack is not the caller's, which older verifiers count
/// against the entry program's already large frame.
#[inline(never)]
pub fn read(fd: i64, facts: &mut FdFacts) -> bool {
    let f = &config().fd_fields;
    let Some(file) = file_of(fd) else {
        return false;
    };
    let Some(inode) = field::<u64>(file, f.file_inode) else {
        return false;
    };
    let inode = inode as *const u8;
    facts.fd = fd as i32;
    facts.mode = field::<u16>(inode, f.inode_mode).unwrap_or(0) as u32;
    facts.ino = field::<u64>(inode, f.inode_ino).unwrap_or(0);
    facts.rdev = field::<u32>(inode, f.inode_rdev).unwrap_or(0);
    facts.nlink = match f.inode_nlink {
        0 => 1,
        at => field::<u32>(inode, at).unwrap_or(1),
    };
    // Which filesystem: a later file under the same number is told by it and the inode.
    facts.dev = match f.inode_sb {
        0 => 0,
        at => field::<u64>(inode, at)
            .and_then(|sb| field::<u32>(sb as *const u8, f.sb_dev))
            .unwrap_or(0),
    };
    facts.name_len = 0;
    facts.family = 0;
    facts.protocol = 0;
    facts.peer = 0;
    facts.path_len = 0;
    let name = match facts.mode & S_IFMT {
        // An anonymous inode: its dentry's name.
        0 => field::<u64>(file, f.file_dentry)
            .and_then(|dentry| field::<u64>(dentry as *const u8, f.dentry_name)),
        // A socket: its protocol's name, inside `struct proto`, and its endpoints.
        S_IFSOCK if f.proto_name != 0 => field::<u64>(file, f.file_private_data)
            .and_then(|socket| field::<u64>(socket as *const u8, f.socket_sk))
            .and_then(|sk| {
                if f.sk_protocol != 0 {
                    facts.protocol = field::<u16>(sk as *const u8, f.sk_protocol).unwrap_or(0);
                }
                endpoints(sk as *const u8, facts);
                field::<u64>(sk as *const u8, f.sock_prot_creator)
            })
            .map(|proto| proto + f.proto_name as u64),
        _ => None,
    };
    if let Some(name) = name.filter(|&n| n != 0) {
        // SAFETY: a NUL-terminated kernel string; the helper checks the read and bounds
        // it by the buffer.
        if let Ok(read) =
            unsafe { bpf_probe_read_kernel_str_bytes(name as *const u8, &mut facts.name) }
        {
            facts.name_len = read.len() as u32;
        }
    }
    true
}

/// The `struct file` descriptor `fd` of the current task refers to; `None` when it is
/// not open (or BTF gave no offsets).
#[inline(always)]
fn file_of(fd: i64) -> Option<*const u8> {
    let f = &config().fd_fields;
    if !f.known() || !(0..i32::MAX as i64).contains(&fd) {
        return None;
    }
    // SAFETY: the helper returns the current task, valid while the program runs.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    let files = field::<u64>(task, f.task_files)?;
    let fdt = field::<u64>(files as *const u8, f.files_fdt)? as *const u8;
    if (fd as u64) >= field::<u32>(fdt, f.fdt_max_fds)? as u64 {
        return None;
    }
    let array = field::<u64>(fdt, f.fdt_fd)?;
    match field::<u64>(array as *const u8, 0u32.wrapping_add((fd as u32) << 3))? {
        0 => None,
        file => Some(file as *const u8),
    }
}

/// `-e kvm=vcpu`: the `exit_reason` of the `struct kvm_run` of the vcpu descriptor `fd`
/// refers to (its file's `private_data` is the `struct kvm_vcpu`, whose `run` the
/// task has mapped), after a `KVM_RUN` that succeeded; -1 where it cannot be read.
/// Inlined: behind a frozen setting, the verifier skips it unless asked for.
#[inline(always)]
pub fn kvm_exit_reason(fd: i64) -> i64 {
    let (f, run_at) = (&config().fd_fields, config().kvm_vcpu_run);
    file_of(fd)
        .and_then(|file| field::<u64>(file, f.file_private_data))
        .filter(|&vcpu| vcpu != 0)
        .and_then(|vcpu| field::<u64>(vcpu as *const u8, run_at))
        .filter(|&run| run != 0)
        .and_then(|run| field::<u32>(run as *const u8, KVM_RUN_EXIT_REASON as u32))
        .map_or(-1, |reason| reason as i64)
}

/// An internet socket's family, addresses and ports (`struct sock_common`), or with
/// `-yy` a UNIX socket's peer and address; the family stays 0 for any other socket.
#[inline(always)]
fn endpoints(sk: *const u8, facts: &mut FdFacts) {
    const AF_INET: u16 = 2;
    const AF_INET6: u16 = 10;
    let f = &config().fd_fields;
    if f.sk_family == 0 {
        return;
    }
    let family = field::<u16>(sk, f.sk_family).unwrap_or(0);
    let (local, remote, len) = match family {
        AF_INET => (f.sk_rcv_saddr, f.sk_daddr, 4),
        AF_INET6 if f.sk_v6_daddr != 0 => (f.sk_v6_rcv_saddr, f.sk_v6_daddr, 16),
        AF_UNIX if f.unix_addr != 0 => return unix(sk, facts),
        // `-yy`'s `NETLINK:[ROUTE:1234]`: its port id (strace reads `/proc`, gone when a
        // short-lived program has exited).
        AF_NETLINK if f.netlink_portid != 0 => {
            facts.peer = field::<u32>(sk, f.netlink_portid).unwrap_or(0);
            facts.family = AF_NETLINK;
            return;
        }
        _ => return,
    };
    // Word stores and helper reads straight into the record: a byte-wise copy of the
    // arrays would cost older verifiers a state per byte.
    for (to, from) in [
        (facts.local.as_mut_ptr(), local),
        (facts.remote.as_mut_ptr(), remote),
    ] {
        // SAFETY: `to` is one of the 16-byte, 8-aligned arrays of `facts`; the helper
        // checks the kernel read and writes at most `len` (4 or 16) bytes.
        unsafe {
            *(to as *mut u64) = 0;
            *(to.add(8) as *mut u64) = 0;
            read_raw(
                to as *mut c_void,
                len,
                sk.wrapping_add(from as usize) as *const c_void,
            );
        }
    }
    facts.local_port = field::<u16>(sk, f.sk_num).unwrap_or(0);
    // Network byte order in the kernel.
    facts.remote_port = u16::from_be(field::<u16>(sk, f.sk_dport).unwrap_or(0));
    facts.family = family;
}

/// A UNIX socket's peer (its inode number, as `unix_diag` gives it) and address
/// (`unix_sock.addr`: `len` counts the 2-byte family before `sun_path`).
#[inline(always)]
fn unix(sk: *const u8, facts: &mut FdFacts) {
    let f = &config().fd_fields;
    facts.family = AF_UNIX;
    if let Some(peer) = field::<u64>(sk, f.unix_peer).filter(|&p| p != 0)
        && let Some(socket) = field::<u64>(peer as *const u8, f.sock_socket).filter(|&s| s != 0)
    {
        facts.peer = field::<u64>(socket as *const u8, f.socket_ino).unwrap_or(0) as u32;
    }
    let Some(addr) = field::<u64>(sk, f.unix_addr).filter(|&a| a != 0) else {
        return;
    };
    let addr = addr as *const u8;
    let len = field::<i32>(addr, f.unix_address_len).unwrap_or(0) as i64 - 2;
    if len <= 0 {
        return;
    }
    // Bounded for the verifier: at most all of `sun_path`.
    let len = (len as u32 & 0x7f).min(UNIX_PATH_BYTES as u32);
    // SAFETY: `len` bytes (at most the array's) into `facts.path`; the helper checks
    // the kernel read.
    let rc = unsafe {
        read_raw(
            facts.path.as_mut_ptr() as *mut c_void,
            len,
            addr.wrapping_add(f.unix_address_path as usize) as *const c_void,
        )
    };
    if rc == 0 {
        facts.path_len = len;
    }
}

/// The `T` at `base + offset` in kernel memory.
#[inline(always)]
fn field<T>(base: *const u8, offset: u32) -> Option<T> {
    // SAFETY: a kernel address and an offset from BTF; the helper checks the read.
    unsafe { bpf_probe_read_kernel(base.wrapping_add(offset as usize).cast::<T>()) }.ok()
}
