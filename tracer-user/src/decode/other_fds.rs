//! Descriptors a call's line names outside its descriptor arguments: an ioctl's value
//! or inside a struct (`SECCOMP_IOCTL_NOTIF_ADDFD`'s `srcfd`, `mount_setattr`'s
//! `userns_fd`, `PTRACE_SETSIGINFO`'s `si_fd`, `landlock_add_rule`'s `parent_fd`, a
//! netlink attribute's), or another process's (`kcmp`'s `KCMP_FILE` indexes). The fd
//! table learns them from `/proc` before the line is printed, as strace's
//! `printfd_pid` looks them up when it prints.

use std::cell::RefCell;

use crate::{
    event::{FdNames, Syscall as Call},
    syscalls,
};

/// The descriptors a decoder asks the names of: the line's own, whatever the message.
#[derive(Default)]
struct Asked(RefCell<Vec<(u32, i32)>>);

impl FdNames for Asked {
    fn fd_name(&self, pid: u32, fd: i32) -> Option<&str> {
        self.0.borrow_mut().push((pid, fd));
        None
    }
    fn result_name(&self, _: u32, _: i32) -> Option<&str> {
        None
    }
}

/// The descriptors inside the messages of a call that carries netlink (`IFLA_XDP_FD`,
/// `IFLA_NET_NS_FD`...): the line decoded once, noting what it names beyond the
/// call's descriptor arguments.
fn in_messages(call: &Call, sc: &syscalls::Syscall) -> Vec<(u32, i32)> {
    let asked = Asked::default();
    let mut line = String::new();
    let opts = super::DecodeOptions::default();
    super::write_args(&mut line, call, &opts, super::ArgsPart::All, Some(&asked));
    let args: Vec<i32> = sc
        .args
        .iter()
        .zip(call.args)
        .filter(|(a, _)| matches!(a.kind, syscalls::ArgKind::Fd | syscalls::ArgKind::DirFd))
        .map(|(_, v)| v as i32)
        .collect();
    let mut fds = asked.0.into_inner();
    fds.retain(|&(pid, fd)| !(pid == call.pid && args.contains(&fd)));
    fds.sort_unstable();
    fds.dedup();
    fds
}

const KCMP_FILE: u32 = 0;
const KCMP_EPOLL_TFD: u32 = 7;

/// `(process, descriptor)` pairs the line of `call` names beyond its fd arguments.
pub fn other_fds(call: &Call) -> Vec<(u32, i32)> {
    let Some(sc) = syscalls::by_nr(call.nr) else {
        return Vec::new();
    };
    let a = &call.args;
    match sc.name {
        "kcmp" if a[2] as u32 == KCMP_FILE => {
            vec![
                (kcmp_owner(call, 0), a[3] as i32),
                (kcmp_owner(call, 1), a[4] as i32),
            ]
        }
        "kcmp" if a[2] as u32 == KCMP_EPOLL_TFD => vec![(kcmp_owner(call, 0), a[3] as i32)],
        // SECCOMP_IOCTL_NOTIF_ADDFD's source, LOOP_SET_FD's, NBD_SET_SOCK's.
        "ioctl" => super::ioctl::passed_fd(call)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        "pidfd_getfd" => pidfd_target(call)
            .map(|target| vec![(target, a[1] as i32)])
            .unwrap_or_default(),
        "bpf" => super::bpf::named_fd(call)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        "io_uring_register" => super::uring_setup::registered_fds(call)
            .into_iter()
            .map(|fd| (call.pid, fd))
            .collect(),
        "io_uring_setup" => super::uring_setup::named_fd(call)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        // FSCONFIG_SET_PATH's, FSCONFIG_SET_PATH_EMPTY's and FSCONFIG_SET_FD's `aux`.
        "fsconfig" if matches!(a[1] as u32, 3..=5) => vec![(call.pid, a[4] as i32)],
        // LANDLOCK_RULE_PATH_BENEATH's `parent_fd`.
        "landlock_add_rule" if a[1] as u32 == 1 => super::in_out(call, 2)
            .0
            .filter(|c| !c.fault)
            .and_then(|c| super::structs::Bytes(&c.data).i32(8))
            .filter(|&fd| fd >= 0)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        // An AF_XDP address's `sxdp_shared_umem_fd`.
        "bind" | "connect" => super::in_out(call, 1)
            .0
            .filter(|c| !c.fault)
            .and_then(|c| super::sockaddr::shared_umem_fd(&c.data))
            .filter(|&fd| fd >= 0)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        "ptrace" => super::ptrace::named_fd(call)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        "sendto" | "sendmsg" | "sendmmsg" | "recvfrom" | "recvmsg" | "recvmmsg" => {
            in_messages(call, sc)
        }
        "mount_setattr" => super::mount_attr::named_fd(call)
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The process (in the tracer's PID namespace) whose descriptor `kcmp`'s index names:
/// its `pid1` (`arg` 0) or `pid2` (1), as the caller names it.
pub(crate) fn kcmp_owner(call: &Call, arg: usize) -> u32 {
    let pid = call.args[arg] as i32;
    super::pidns::translate(call.tid, pid).unwrap_or(pid as u32)
}

/// The process `pidfd_getfd`'s pidfd refers to (`Pid:` of its fdinfo, in the tracer's
/// PID namespace), while the caller still has it open.
pub(crate) fn pidfd_target(call: &Call) -> Option<u32> {
    let info =
        std::fs::read_to_string(format!("/proc/{}/fdinfo/{}", call.pid, call.args[0] as i32));
    let pid = info
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("Pid:"))?
        .trim()
        .parse::<i32>()
        .ok()?;
    u32::try_from(pid).ok().filter(|&p| p > 0)
}
