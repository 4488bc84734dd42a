//! Descriptors a call's line names outside its descriptor arguments: inside a struct
//! (`SECCOMP_IOCTL_NOTIF_ADDFD`'s `srcfd`), or another process's (`kcmp`'s
//! `KCMP_FILE` indexes). The fd table learns them from `/proc` before the line is
//! printed, as strace's `printfd_pid` looks them up when it prints.

use crate::{event::Syscall as Call, syscalls};

const KCMP_FILE: u32 = 0;
const KCMP_EPOLL_TFD: u32 = 7;
const SECCOMP_IOCTL_NOTIF_ADDFD: u32 = 0x4018_2103;

/// `(process, descriptor)` pairs the line of `call` names beyond its fd arguments.
pub fn other_fds(call: &Call) -> Vec<(u32, i32)> {
    let Some(sc) = syscalls::by_nr(call.nr) else {
        return Vec::new();
    };
    let a = &call.args;
    match sc.name {
        "kcmp" if a[2] as u32 == KCMP_FILE => {
            vec![(a[0] as u32, a[3] as i32), (a[1] as u32, a[4] as i32)]
        }
        "kcmp" if a[2] as u32 == KCMP_EPOLL_TFD => vec![(a[0] as u32, a[3] as i32)],
        "ioctl" if a[1] as u32 == SECCOMP_IOCTL_NOTIF_ADDFD => call
            .capture(2)
            .filter(|c| !c.fault)
            .and_then(|c| super::structs::Bytes(&c.data).i32(12))
            .map(|fd| vec![(call.pid, fd)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}
