//! What one of the current task's descriptors refers to, read from the kernel's own
//! structures at the call (`-y`'s names: a short-lived process's pipes and sockets are
//! gone from `/proc` by the time userspace would look). Offsets come from BTF through
//! `KernelConfig::fd_fields`; every read is checked by the helper.

use aya_ebpf::helpers::{
    bpf_get_current_task, bpf_probe_read_kernel, bpf_probe_read_kernel_str_bytes,
};
use tracer_common::FdFacts;

use crate::config::config;

/// `S_IFMT`: an anonymous inode has none of these bits.
const S_IFMT: u32 = 0o170000;

/// Fills `facts` for descriptor `fd` of the current task; false when it is not open (or
/// BTF gave no offsets).
#[inline(always)]
pub fn read(fd: i64, facts: &mut FdFacts) -> bool {
    let f = &config().fd_fields;
    if !f.known() || !(0..i32::MAX as i64).contains(&fd) {
        return false;
    }
    // SAFETY: the helper returns the current task, valid while the program runs.
    let task = unsafe { bpf_get_current_task() } as *const u8;
    let Some(files) = field::<u64>(task, f.task_files) else {
        return false;
    };
    let Some(fdt) = field::<u64>(files as *const u8, f.files_fdt) else {
        return false;
    };
    let fdt = fdt as *const u8;
    match field::<u32>(fdt, f.fdt_max_fds) {
        Some(max) if (fd as u64) < max as u64 => {}
        _ => return false,
    }
    let Some(array) = field::<u64>(fdt, f.fdt_fd) else {
        return false;
    };
    let file = match field::<u64>(array as *const u8, 0u32.wrapping_add((fd as u32) << 3)) {
        Some(file) if file != 0 => file as *const u8,
        _ => return false,
    };
    let Some(inode) = field::<u64>(file, f.file_inode) else {
        return false;
    };
    let inode = inode as *const u8;
    facts.fd = fd as i32;
    facts.mode = field::<u16>(inode, f.inode_mode).unwrap_or(0) as u32;
    facts.ino = field::<u64>(inode, f.inode_ino).unwrap_or(0);
    facts.rdev = field::<u32>(inode, f.inode_rdev).unwrap_or(0);
    facts.name_len = 0;
    if facts.mode & S_IFMT == 0
        && let Some(dentry) = field::<u64>(file, f.file_dentry)
        && let Some(name) = field::<u64>(dentry as *const u8, f.dentry_name)
    {
        // SAFETY: the dentry's name, a NUL-terminated kernel string; the helper checks
        // the read and bounds it by the buffer.
        if let Ok(read) =
            unsafe { bpf_probe_read_kernel_str_bytes(name as *const u8, &mut facts.name) }
        {
            facts.name_len = read.len() as u32;
        }
    }
    true
}

/// The `T` at `base + offset` in kernel memory.
#[inline(always)]
fn field<T>(base: *const u8, offset: u32) -> Option<T> {
    // SAFETY: a kernel address and an offset from BTF; the helper checks the read.
    unsafe { bpf_probe_read_kernel(base.wrapping_add(offset as usize).cast::<T>()) }.ok()
}
