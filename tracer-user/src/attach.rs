//! Whether a running process may be traced (`-p`), checked before either backend
//! attaches, so both refuse the same processes with the same line: one that is gone, a
//! kernel thread, a zombie, the tracer itself (strace refuses each of them), and, when
//! the tracer runs with more privilege than its user (`privilege`), a process that user
//! may not ptrace.

use std::fs;

use crate::privilege;

/// `PF_KTHREAD` in `/proc/PID/stat`'s flags.
const PF_KTHREAD: u64 = 0x0020_0000;

/// Why a process is not traced. The wording follows strace's
/// `attach: ptrace(PTRACE_SEIZE, 2): Operation not permitted`, with the reason added.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Refused {
    #[error("attach: pid {0}: No such process")]
    Gone(u32),
    #[error("attach: pid {0}: Operation not permitted (a kernel thread)")]
    KernelThread(u32),
    #[error("attach: pid {0}: Operation not permitted (a zombie)")]
    Zombie(u32),
    #[error("attach: pid {0}: Operation not permitted (the tracer itself)")]
    Tracer(u32),
    #[error(
        "attach: pid {pid}: Operation not permitted (user {uid} may not ptrace it, and the \
         tracer traces only what its user may)"
    )]
    NotPermitted { pid: u32, uid: u32 },
}

/// What `/proc/PID/stat` says: the state letter and the flags.
fn stat(pid: u32) -> Option<(char, u64)> {
    read_stat(pid).ok().flatten()
}

/// `/proc/PID/stat`'s state and flags; `Ok(None)` when it does not parse, an error when it
/// cannot be read (NotFound: no such process).
fn read_stat(pid: u32) -> std::io::Result<Option<(char, u64)>> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    Ok(parse_stat(&stat))
}

fn parse_stat(stat: &str) -> Option<(char, u64)> {
    // The name in parentheses may hold spaces and parentheses: fields follow the last.
    let (_, rest) = stat.rsplit_once(") ")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let flags = fields.get(6)?.parse().ok()?;
    Some((state, flags))
}

/// The thread group of `pid`, from `/proc/PID/status`.
fn tgid(pid: u32) -> Option<u32> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Tgid:"))?
        .trim()
        .parse()
        .ok()
}

/// Whether some thread of process `pid` still runs (a zombie leader's threads may).
fn has_live_thread(pid: u32) -> bool {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .any(|tid| stat(tid).is_some_and(|(state, _)| !matches!(state, 'Z' | 'X')))
}

/// Checks that process `pid` may be traced.
pub fn check(pid: u32) -> Result<(), Refused> {
    let me = std::process::id();
    let Some((state, flags)) = stat(pid) else {
        return Err(Refused::Gone(pid));
    };
    if pid == me || tgid(pid) == Some(me) {
        return Err(Refused::Tracer(pid));
    }
    if flags & PF_KTHREAD != 0 {
        return Err(Refused::KernelThread(pid));
    }
    if matches!(state, 'Z' | 'X') && !has_live_thread(pid) {
        return Err(Refused::Zombie(pid));
    }
    if let Some(uid) = privilege::real_user_may_not_trace(pid) {
        return Err(Refused::NotPermitted { pid, uid });
    }
    Ok(())
}

/// Whether process `pid` is gone (or only a zombie is left): a trace that waits for it
/// would wait forever. Only `/proc` saying so counts: a read that fails otherwise (out
/// of descriptors) proves nothing.
pub fn gone(pid: u32) -> bool {
    match read_stat(pid) {
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
        Ok(Some((state, _))) => matches!(state, 'Z' | 'X') && !has_live_thread(pid),
        Ok(None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tracer_a_kernel_thread_and_a_missing_process_are_refused() {
        let me = std::process::id();
        assert_eq!(check(me), Err(Refused::Tracer(me)));
        // kthreadd is pid 2 wherever there is a kernel to ask.
        if stat(2).is_some_and(|(_, flags)| flags & PF_KTHREAD != 0) {
            assert_eq!(check(2), Err(Refused::KernelThread(2)));
        }
        // Beyond pid_max (at most 2^22).
        assert_eq!(check(1 << 23), Err(Refused::Gone(1 << 23)));
        assert!(gone(1 << 23));
        assert!(!gone(me));
    }

    #[test]
    fn a_zombie_is_refused() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Not reaped: it stays a zombie until `wait`.
        while stat(pid).is_some_and(|(state, _)| state != 'Z') {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert_eq!(check(pid), Err(Refused::Zombie(pid)));
        assert!(gone(pid));
        child.wait().unwrap();
    }
}
