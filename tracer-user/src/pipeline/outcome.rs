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
        let fd = |fd| self.fd_matches(call, fd);
        let hit = special_path_match(call, &self.config, &fd).unwrap_or_else(|| {
            let path_arg = (flags >> PLAN_PATH_ARG_SHIFT & 7) as usize;
            (path_arg != 0 && path_arg_matches(&self.config, call, path_arg - 1))
                || (0..6).any(|i| {
                    flags >> PLAN_FD_ARGS_SHIFT & (1 << i) != 0
                        && self.fd_matches(call, call.args[i] as i32)
                })
        });
        if !hit {
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

impl OutcomeFilter {
    /// Whether descriptor `fd` of `call`'s process is open on a traced path.
    fn fd_matches(&self, call: &Syscall, fd: i32) -> bool {
        self.path_fds.contains(&(call.pid, fd)) || fd >= 0 && fd_open_on(call.pid, fd, &self.forms)
    }
}

/// Whether path argument `arg` of `call` is a traced path.
fn path_arg_matches(config: &KernelConfig, call: &Syscall, arg: usize) -> bool {
    call.capture(arg)
        .filter(|c| !c.fault)
        .is_some_and(|c| config.path_matches(kernel_hash(&c.data)))
}

/// The calls [`special_path_match`] decides.
const SPECIAL_PATH_CALLS: &[&str] = &[
    "fsconfig",
    "link",
    "mount",
    "pivot_root",
    "linkat",
    "move_mount",
    "renameat",
    "renameat2",
    "poll",
    "ppoll",
    "select",
    "pselect6",
    "_newselect",
];

/// Whether `-P` for syscall `name` is [`special_path_match`]'s (the kernel programs let
/// it through: `tracer_common::PLAN_PATH_PASS`).
pub fn path_match_is_special(name: &str) -> bool {
    SPECIAL_PATH_CALLS.contains(&name)
}

/// strace's `-P` for the calls whose paths and descriptors are not the plan's
/// (`pathtrace.c`): two paths, descriptors in an array or a set, `fsconfig`'s by
/// command; `fd` says whether a descriptor of the call's process is open on a traced
/// path (each backend knows it its own way). `None` for the other calls.
pub fn special_path_match(
    call: &Syscall,
    config: &KernelConfig,
    fd_matches: &dyn Fn(i32) -> bool,
) -> Option<bool> {
    let name = syscalls::name(call.nr).filter(|n| path_match_is_special(n))?;
    let a = &call.args;
    let fd = |i: usize| fd_matches(a[i] as i32);
    let path = |i: usize| path_arg_matches(config, call, i);
    // The copy of argument `arg`'s memory at entry.
    let entry = |arg: u8| {
        (call.captures.iter())
            .find(|c| c.arg == arg && c.kind != tracer_common::capture::FD_FACTS)
            .map(|c| c.data.as_slice())
    };
    Some(match name {
        "fsconfig" => match a[1] as u32 {
            // FSCONFIG_SET_PATH, FSCONFIG_SET_PATH_EMPTY: the path and its dirfd.
            3 | 4 => fd(4) || path(3),
            // FSCONFIG_SET_FD.
            5 => fd(4),
            _ => false,
        },
        "link" | "mount" | "pivot_root" => path(0) || path(1),
        "linkat" | "move_mount" | "renameat" | "renameat2" => fd(0) || fd(2) || path(1) || path(3),
        "poll" | "ppoll" => {
            let count = (a[1] as u32).min(1 << 20) as usize;
            entry(0).is_some_and(|data| {
                (data.chunks_exact(8).take(count))
                    .any(|e| fd_matches(i32::from_le_bytes(e[..4].try_into().unwrap())))
            })
        }
        // "select" | "pselect6" | "_newselect"
        _ => (crate::decode::fdset::entry_members(call))
            .into_iter()
            .any(fd_matches),
    })
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
