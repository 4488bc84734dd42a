//! Calls in progress at attach: a `-p` (or `--cgroup`) process may already be blocked
//! (a deadlock's futex waits, a `read(0, `) when the trace starts. strace shows each such
//! call at once as unfinished (it finds the thread in a syscall-stop) and its resumed
//! line when it returns. Both backends learn of them here, from
//! `/proc/PID/task/TID/syscall`, and show them with the same [`Event::Entered`] a call
//! seen entering gets.
//!
//! [`Event::Entered`]: crate::event::Event::Entered

use std::path::Path;

use nix::unistd::Pid;

use crate::{
    backend::ptrace::{Phase, capture},
    event::Syscall,
    syscalls,
};

/// What `/proc/PID/task/TID/syscall` says of a thread inside a call: its number, its six
/// argument registers, its stack pointer and instruction pointer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawCall {
    pub nr: u32,
    pub args: [u64; 6],
    pub sp: u64,
    pub ip: u64,
}

/// Parses the file's line: `NR ARG1..ARG6 SP PC` inside a call; `running`, or `-1 SP PC`
/// outside one (`None`).
pub fn parse(line: &str) -> Option<RawCall> {
    let mut fields = line.split_whitespace();
    let nr: i64 = fields.next()?.parse().ok()?;
    let nr = u32::try_from(nr).ok()?;
    let mut hex = fields.map(|f| u64::from_str_radix(f.trim_start_matches("0x"), 16));
    let mut next = || hex.next()?.ok();
    let mut args = [0u64; 6];
    for arg in &mut args {
        *arg = next()?;
    }
    let (sp, ip) = (next()?, next()?);
    Some(RawCall { nr, args, sp, ip })
}

/// The call thread `tid` of process `tgid` is inside now, if any (and readable).
pub fn read(tgid: u32, tid: u32) -> Option<RawCall> {
    let line = std::fs::read_to_string(format!("/proc/{tgid}/task/{tid}/syscall")).ok()?;
    parse(&line)
}

/// The threads of process `tgid` inside a call now, by thread id.
pub fn threads_in_calls(tgid: u32) -> Vec<(u32, RawCall)> {
    let Ok(entries) = std::fs::read_dir(format!("/proc/{tgid}/task")) else {
        return Vec::new();
    };
    let mut tids: Vec<u32> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    tids.sort_unstable();
    tids.into_iter()
        .filter_map(|tid| Some((tid, read(tgid, tid)?)))
        .filter(|(_, call)| !tracer_common::is_exit(call.nr))
        .collect()
}

/// The signal that stopped thread `tid` of process `tgid`, when it is in a group-stop
/// (`kill -STOP` before the attach: strace's seized thread reports it at once). From
/// `/proc`: the thread's state `T` in its `stat`, and the last field of the process's,
/// its group's stop signal while stopped (0 once a `wait` of the parent's took it: then
/// SIGSTOP, the signal that stops processes by far most often).
pub fn stop_signal(tgid: u32, tid: u32) -> Option<i32> {
    let stat = |dir| std::fs::read_to_string(format!("/proc/{tgid}/{dir}stat")).ok();
    let thread = stat(format!("task/{tid}/"))?;
    if parse_stat(&thread)?.0 != "T" {
        return None;
    }
    let code = stat(String::new())
        .and_then(|s| parse_stat(&s)?.1)
        .unwrap_or(0);
    Some(match code & 0x7f {
        0 => libc::SIGSTOP,
        signal => signal,
    })
}

/// A `stat` line's state and exit code (its last field).
fn parse_stat(stat: &str) -> Option<(&str, Option<i32>)> {
    // After the name, which may hold anything: `(name) STATE ... EXIT_CODE`.
    let mut fields = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    Some((
        fields.next()?,
        fields.next_back().and_then(|c| c.parse().ok()),
    ))
}

/// The processes of a cgroup and of the cgroups below it.
pub fn cgroup_processes(dir: &Path) -> Vec<u32> {
    let mut pids = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        if let Ok(procs) = std::fs::read_to_string(dir.join("cgroup.procs")) {
            pids.extend(procs.lines().filter_map(|l| l.trim().parse::<u32>().ok()));
        }
        if let Ok(entries) = std::fs::read_dir(&dir) {
            dirs.extend(
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| e.path()),
            );
        }
    }
    pids
}

/// The call as a backend shows it in progress: its arguments as at entry (a signal
/// frame's mask where the table says so) and the memory its entry line shows, read
/// while the call blocks.
pub fn entered(
    tgid: u32,
    tid: u32,
    raw: &RawCall,
    enter_ns: u64,
    plan: tracer_common::CapturePlan,
    string_limit: usize,
) -> Syscall {
    let mut call = Syscall {
        tid,
        pid: tgid,
        nr: raw.nr,
        args: syscalls::entry_args(raw.nr, raw.args, raw.sp),
        enter_ns,
        ip: Some(raw.ip),
        ..Default::default()
    };
    call.captures = capture(
        Pid::from_raw(tid as i32),
        &call,
        &plan,
        string_limit,
        Phase::Enter,
    );
    call
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proc_line_is_read_as_the_kernel_writes_it() {
        let line = "202 0x559371e66024 0x80 0x0 0x0 0x0 0x0 0x7ff2a4972b28 0x7ff2a4a78829\n";
        assert_eq!(
            parse(line),
            Some(RawCall {
                nr: 202,
                args: [0x559371e66024, 0x80, 0, 0, 0, 0],
                sp: 0x7ff2a4972b28,
                ip: 0x7ff2a4a78829,
            })
        );
        assert_eq!(parse("running\n"), None);
        assert_eq!(parse("-1 0x7ffeb2da6360 0x7ff2a4a6f2ec\n"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn a_group_stop_is_read_from_the_stat_line() {
        let tail =
            "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0";
        let stat = format!("4780 (a) b) T 1 {tail} 19\n");
        assert_eq!(parse_stat(&stat), Some(("T", Some(19))));
        assert_eq!(parse_stat("4780 (sleep) S 1 0\n"), Some(("S", Some(0))));
        assert_eq!(parse_stat("4780 (sleep"), None);
    }
}
