//! The result, duration and `-P` filters in userspace, for a backend that does not apply
//! them in the kernel (ptrace): the same decisions as the kernel programs, from the same
//! `KernelConfig` and the same plan flags.

use std::{collections::HashSet, os::unix::ffi::OsStrExt, path::PathBuf};

use tracer_common::{
    KernelConfig, PATH_HASH_BYTES, PLAN_CLOSES_FD, PLAN_FD_ARGS_SHIFT, PLAN_PATH_ARG_SHIFT,
    PLAN_RET_FD, path_hash,
};

use crate::{
    event::{Syscall, now_ns},
    syscalls,
};

/// What becomes of a completed call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Shown,
    /// Kept out of the trace, but `--diagnose` needs it.
    Filtered,
    Dropped,
}

pub struct OutcomeFilter {
    config: KernelConfig,
    /// `-P`: descriptors open on a traced path, by (process, fd), as the kernel's
    /// `PATH_FDS`.
    path_fds: HashSet<(u32, i32)>,
    /// `-P`'s paths as given and canonical: a descriptor not in `path_fds` (opened by a
    /// call not traced, or before the trace) is looked up in `/proc`, as strace does.
    forms: Vec<PathBuf>,
}

impl OutcomeFilter {
    /// `seeds`: descriptors already open on a traced path when the trace began.
    pub fn new(
        config: KernelConfig,
        forms: Vec<PathBuf>,
        seeds: impl IntoIterator<Item = (u32, i32)>,
    ) -> Self {
        Self {
            config,
            path_fds: seeds.into_iter().collect(),
            forms,
        }
    }

    /// Whether a completed call is shown (calls in progress are not shown at all when
    /// a filter decides at exit), or only goes to `--diagnose`, as the kernel decides.
    pub fn verdict(&mut self, call: &Syscall) -> Verdict {
        let Some(ret) = call.ret else {
            // Left inside the call: the time until now is what the kernel counts.
            return if self
                .config
                .admits_unfinished(now_ns().saturating_sub(call.enter_ns))
            {
                Verdict::Shown
            } else {
                Verdict::Dropped
            };
        };
        let duration = call.duration_ns().unwrap_or(0);
        if !self.config.admits(call.failed(), duration) {
            let flags = syscalls::plan_flags(call.nr);
            return if self.config.diagnosed(call.failed(), duration, flags) {
                Verdict::Filtered
            } else {
                Verdict::Dropped
            };
        }
        if self.config.path_filtered() && !self.path_call(call, ret) {
            return Verdict::Dropped;
        }
        Verdict::Shown
    }

    /// `-P`: whether the call touches a traced path (a path argument, or an fd argument
    /// that refers to one); fds it opens on such a path, or closes, update the set.
    fn path_call(&mut self, call: &Syscall, ret: i64) -> bool {
        let flags = syscalls::plan_flags(call.nr);
        let path_arg = (flags >> PLAN_PATH_ARG_SHIFT & 7) as usize;
        let path_hit = path_arg != 0
            && call
                .capture(path_arg - 1)
                .filter(|c| !c.fault)
                .is_some_and(|c| self.config.path_matches(kernel_hash(&c.data)));
        let fd_hit = (0..6).any(|i| {
            let fd = call.args[i] as i32;
            flags >> PLAN_FD_ARGS_SHIFT & (1 << i) != 0
                && (self.path_fds.contains(&(call.pid, fd))
                    || fd >= 0 && fd_open_on(call.pid, fd, &self.forms))
        });
        if !path_hit && !fd_hit {
            return false;
        }
        if flags & PLAN_RET_FD != 0 && ret >= 0 {
            self.path_fds.insert((call.pid, ret as i32));
        }
        if flags & PLAN_CLOSES_FD != 0 {
            self.path_fds.remove(&(call.pid, call.args[0] as i32));
        }
        true
    }
}

/// The hash the kernel computes for a path argument: of its first `PATH_HASH_BYTES`
/// bytes, with their length (a longer path counts as its prefix).
fn kernel_hash(path: &[u8]) -> u64 {
    let path = path.strip_suffix(b"\0").unwrap_or(path);
    path_hash(&path[..path.len().min(PATH_HASH_BYTES)])
}

/// Whether descriptor `fd` of process `pid` is open on one of `forms` now.
fn fd_open_on(pid: u32, fd: i32, forms: &[PathBuf]) -> bool {
    std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).is_ok_and(|target| {
        forms
            .iter()
            .any(|f| f.as_os_str().as_bytes() == target.as_os_str().as_bytes())
    })
}

/// The descriptors of process `pid` open on one of `forms` now (for `-P` with `-p`:
/// opened before the trace began).
pub fn fds_open_on(pid: u32, forms: &[PathBuf]) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let fd = entry.file_name().to_str()?.parse().ok()?;
            let target = std::fs::read_link(entry.path()).ok()?;
            forms
                .iter()
                .any(|f| f.as_os_str().as_bytes() == target.as_os_str().as_bytes())
                .then_some(fd)
        })
        .collect()
}
