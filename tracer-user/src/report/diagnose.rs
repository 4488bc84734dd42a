//! `--diagnose`: the patterns an operator looks for in a trace, found for them:
//! permission failures with the process and user that met them, missing files with the
//! searches they belong to and whether each search found its file, the slowest calls
//! (idle waits set apart), latency per syscall, and the threads blocked right now.
//!
//! With the trace not shown, the kernel streams only the calls the report needs (failed,
//! slow, or naming a path or a descriptor); totals and latency histograms come from the
//! kernel's per-syscall counters, and blocked threads from the in-flight map. Calls the
//! trace's filters hide (`--min-duration`, `-z`...) still reach the report.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fmt::Write as _,
    io,
};

use serde::Serialize;
use tracer_common::SyscallTotals;

use super::summary::Counted;
use crate::{
    config::DIAGNOSE_SLOW as SLOW,
    decode::{self, ArgsPart, DecodeOptions},
    event::{Context, Event, FdNames, IoUringOp, Sink, Syscall, Totals},
    format::json,
    output::time::Clock,
    syscalls::{self, ArgKind},
};

/// Slowest calls listed.
const TOP_SLOW: usize = 10;
/// Entries of the other lists shown before "and N more".
const LIST_MAX: usize = 20;
/// A file name looked up in at least this many directories is a search.
const SEARCH_DIRS: usize = 3;

const EPERM: i64 = 1;
const ENOENT: i64 = 2;
const EACCES: i64 = 13;

/// A call shown in the report, formatted once when it is recorded.
#[derive(Clone, Debug, Serialize)]
struct Shown {
    tid: u32,
    comm: Option<String>,
    duration_ns: u64,
    /// As strace prints it, descriptors with what they name.
    call: String,
}

/// Who met a permission failure, and on what.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Denial {
    errno: i64,
    syscall: &'static str,
    path: Option<String>,
    pid: u32,
    comm: Option<String>,
    uid: Option<u32>,
}

/// Time spent in idle waits of one syscall.
#[derive(Clone, Copy, Debug, Default, Serialize)]
struct Idle {
    calls: u64,
    total_ns: u64,
}

pub struct Diagnosis {
    decode: DecodeOptions,
    counted: Counted,
    json: bool,
    /// `--diagnose-idle`: idle waits are listed among the slow calls.
    idle_listed: bool,
    denied: BTreeMap<Denial, u64>,
    /// path -> count, for ENOENT.
    missing: BTreeMap<String, u64>,
    /// File names that were missing somewhere, and the path each was found at later.
    missing_names: BTreeSet<String>,
    found: HashMap<String, String>,
    slow: Vec<Shown>,
    /// Every slow call, listed or not.
    slow_calls: u64,
    idle: BTreeMap<&'static str, Idle>,
    blocked: Vec<Shown>,
    totals: Totals,
    lost: u64,
    users: HashMap<u32, Option<String>>,
}

/// The first path argument of a call, as captured.
fn path_of(call: &Syscall) -> Option<String> {
    let sc = syscalls::by_nr(call.nr)?;
    sc.args.iter().enumerate().find_map(|(i, arg)| {
        matches!(arg.kind, ArgKind::Path)
            .then(|| call.capture(i))
            .flatten()
            .filter(|c| !c.fault)
            .map(|c| {
                String::from_utf8_lossy(c.data.strip_suffix(b"\0").unwrap_or(&c.data)).into_owned()
            })
    })
}

/// The last component of a path.
fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// Whether a call is a wait for something else to happen (a peer, a timer, a child, a
/// lock), not work the kernel did slowly: time in it is idle time.
fn is_idle_wait(call: &Syscall, names: Option<&dyn FdNames>) -> bool {
    const FUTEX_WAITS: [u64; 5] = [0, 6, 9, 11, 13];
    let Some(name) = syscalls::name(call.nr) else {
        return false;
    };
    match name {
        "epoll_wait" | "epoll_pwait" | "epoll_pwait2" | "poll" | "ppoll" | "select"
        | "pselect6" | "nanosleep" | "clock_nanosleep" | "pause" | "rt_sigsuspend"
        | "rt_sigtimedwait" | "wait4" | "waitid" | "accept" | "accept4" | "recvfrom"
        | "recvmsg" | "recvmmsg" | "futex_waitv" | "msgrcv" | "semop" | "semtimedop"
        | "io_getevents" | "io_uring_enter" => true,
        // FUTEX_WAIT, LOCK_PI, WAIT_BITSET, WAIT_REQUEUE_PI, LOCK_PI2.
        "futex" => FUTEX_WAITS.contains(&(call.args[1] & 0x7f)),
        // A read waits for a peer on a socket, a pipe or a terminal.
        "read" | "readv" => names
            .and_then(|n| n.fd_name(call.pid, call.args[0] as i32))
            .is_some_and(|n| {
                [
                    "socket:",
                    "pipe:",
                    "TCP",
                    "UDP",
                    "UNIX",
                    "NETLINK",
                    "/dev/pts/",
                    "/dev/tty",
                ]
                .iter()
                .any(|p| n.starts_with(p))
                    || n.starts_with("anon_inode:[eventfd")
                    || n.starts_with("anon_inode:[timerfd")
                    || n.starts_with("anon_inode:[signalfd")
            }),
        _ => false,
    }
}

impl Diagnosis {
    /// `json`: the report is one `diagnosis` record; `idle_listed`: `--diagnose-idle`.
    pub fn new(decode: DecodeOptions, counted: Counted, json: bool, idle_listed: bool) -> Self {
        Self {
            decode,
            counted,
            json,
            idle_listed,
            denied: BTreeMap::new(),
            missing: BTreeMap::new(),
            missing_names: BTreeSet::new(),
            found: HashMap::new(),
            slow: Vec::new(),
            slow_calls: 0,
            idle: BTreeMap::new(),
            blocked: Vec::new(),
            totals: Totals::default(),
            lost: 0,
            users: HashMap::new(),
        }
    }

    fn shown(&self, call: &Syscall, duration_ns: u64, finished: bool, ctx: &Context) -> Shown {
        let mut line = format!("{}(", syscalls::name(call.nr).unwrap_or("?"));
        if finished {
            decode::write_args(&mut line, call, &self.decode, ArgsPart::All, ctx.names);
            line.push_str(") = ");
            decode::write_result(&mut line, call, &self.decode, ctx.names);
        } else {
            decode::write_args(&mut line, call, &self.decode, ArgsPart::Entering, ctx.names);
            line.push_str("...");
        }
        Shown {
            tid: call.tid,
            comm: ctx.tasks.comm(call.tid).map(str::to_owned),
            duration_ns,
            call: line,
        }
    }

    fn completed(&mut self, call: &Syscall, ctx: &Context) {
        let (Some(ret), Some(duration)) = (call.ret, call.duration_ns()) else {
            return;
        };
        let path = path_of(call);
        if call.failed() {
            let errno = -ret;
            if errno == EACCES || errno == EPERM {
                let denial = Denial {
                    errno,
                    syscall: syscalls::name(call.nr).unwrap_or("?"),
                    path: path.clone(),
                    pid: call.pid,
                    comm: ctx.tasks.comm(call.tid).map(str::to_owned),
                    uid: call.uid,
                };
                *self.denied.entry(denial).or_default() += 1;
            } else if errno == ENOENT
                && let Some(path) = &path
            {
                self.missing_names.insert(file_name(path).to_owned());
                *self.missing.entry(path.clone()).or_default() += 1;
            }
        } else if let Some(path) = &path {
            // A name missing elsewhere, found here: the end of a search.
            let name = file_name(path);
            if self.missing_names.contains(name) && !self.found.contains_key(name) {
                self.found.insert(name.to_owned(), path.clone());
            }
        }
        if duration >= SLOW.as_nanos() as u64 {
            if !self.idle_listed && is_idle_wait(call, ctx.names) {
                let idle = self
                    .idle
                    .entry(syscalls::name(call.nr).unwrap_or("?"))
                    .or_default();
                idle.calls += 1;
                idle.total_ns += duration;
                return;
            }
            self.slow_calls += 1;
            if self.slow.len() < TOP_SLOW || duration > self.slow[TOP_SLOW - 1].duration_ns {
                let shown = self.shown(call, duration, true, ctx);
                self.slow.push(shown);
                self.slow.sort_by_key(|r| std::cmp::Reverse(r.duration_ns));
                self.slow.truncate(TOP_SLOW);
            }
        }
    }

    /// A slow io_uring operation is listed with the slow calls: its line tells it apart.
    fn io_uring(&mut self, op: &IoUringOp, ctx: &Context) {
        let duration = op.duration_ns();
        if duration < SLOW.as_nanos() as u64 {
            return;
        }
        self.slow_calls += 1;
        if self.slow.len() < TOP_SLOW || duration > self.slow[TOP_SLOW - 1].duration_ns {
            let mut line = String::new();
            decode::uring::write_op(&mut line, op, ctx.names);
            line.push_str(" = ");
            decode::uring::write_op_result(&mut line, op);
            self.slow.push(Shown {
                tid: op.tid,
                comm: ctx.tasks.comm(op.tid).map(str::to_owned),
                duration_ns: duration,
                call: line,
            });
            self.slow.sort_by_key(|r| std::cmp::Reverse(r.duration_ns));
            self.slow.truncate(TOP_SLOW);
        }
    }

    fn user_name(&mut self, uid: u32) -> Option<String> {
        self.users
            .entry(uid)
            .or_insert_with(|| {
                nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid))
                    .ok()
                    .flatten()
                    .map(|u| u.name)
            })
            .clone()
    }

    /// File names looked up in many directories: (name, directories, where found).
    fn searches(&self) -> Vec<(&str, usize, Option<&str>)> {
        let mut dirs_by_name: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for path in self.missing.keys() {
            if let Some((dir, name)) = path.rsplit_once('/') {
                dirs_by_name.entry(name).or_default().insert(dir);
            }
        }
        let mut searches: Vec<_> = dirs_by_name
            .into_iter()
            .filter(|(_, dirs)| dirs.len() >= SEARCH_DIRS)
            .map(|(name, dirs)| (name, dirs.len(), self.found.get(name).map(String::as_str)))
            .collect();
        searches.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        searches
    }

    /// Permission failures, most frequent first, with the process and user.
    fn denials(&mut self) -> Vec<(Denial, u64, Option<String>)> {
        let mut denied: Vec<(Denial, u64)> =
            self.denied.iter().map(|(d, n)| (d.clone(), *n)).collect();
        denied.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        denied
            .into_iter()
            .map(|(d, n)| {
                let user = d.uid.and_then(|uid| self.user_name(uid));
                (d, n, user)
            })
            .collect()
    }

    /// The report, as text or as one JSON record.
    pub fn report(&mut self) -> String {
        if self.json {
            self.json_report()
        } else {
            self.text_report()
        }
    }

    fn text_report(&mut self) -> String {
        let mut out = String::from("\n=== tracer --diagnose ===\n");
        let secs = |ns: u64| ns as f64 / 1e9;
        let more = |out: &mut String, n: usize, what: &str| {
            if n > 0 {
                let _ = writeln!(out, "  ... and {n} more {what}");
            }
        };

        out.push_str("\nPermission failures (EACCES/EPERM):\n");
        let denials = self.denials();
        if denials.is_empty() {
            out.push_str("  none\n");
        }
        for (d, n, user) in denials.iter().take(LIST_MAX) {
            let e = decode::errno_name(d.errno as i32).unwrap_or("?");
            let target = d
                .path
                .as_ref()
                .map_or_else(String::new, |p| format!("\"{p}\""));
            let who = match (&d.comm, d.uid, user) {
                (comm, Some(uid), Some(user)) => {
                    format!(
                        "{} (pid {}), user {user} ({uid})",
                        comm.as_deref().unwrap_or("?"),
                        d.pid
                    )
                }
                (comm, Some(uid), None) => {
                    format!(
                        "{} (pid {}), uid {uid}",
                        comm.as_deref().unwrap_or("?"),
                        d.pid
                    )
                }
                (comm, None, _) => format!("{} (pid {})", comm.as_deref().unwrap_or("?"), d.pid),
            };
            let _ = writeln!(out, "  {n:>6} x {}({target}) = -1 {e}  [{who}]", d.syscall);
        }
        more(
            &mut out,
            denials.len().saturating_sub(LIST_MAX),
            "permission failures",
        );

        out.push_str("\nMissing files (ENOENT):\n");
        if self.missing.is_empty() {
            out.push_str("  none\n");
        }
        let searches = self.searches();
        for (name, dirs, found) in searches.iter().take(LIST_MAX) {
            let outcome = match found {
                Some(path) => format!("found at {path}"),
                None => "not found".to_owned(),
            };
            let _ = writeln!(
                out,
                "  search: {name} looked up in {dirs} directories, {outcome}"
            );
        }
        more(
            &mut out,
            searches.len().saturating_sub(LIST_MAX),
            "searches",
        );
        let mut missing: Vec<_> = self.missing.iter().collect();
        missing.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (path, n) in missing.iter().take(LIST_MAX) {
            let _ = writeln!(out, "  {n:>6} x {path}");
        }
        more(
            &mut out,
            missing.len().saturating_sub(LIST_MAX),
            "missing files",
        );

        let _ = writeln!(out, "\nSlow calls (at least {} ms):", SLOW.as_millis());
        if self.slow.is_empty() {
            out.push_str("  none\n");
        }
        for s in &self.slow {
            let comm = s
                .comm
                .as_deref()
                .map_or_else(String::new, |c| format!(" {c}"));
            let _ = writeln!(
                out,
                "  {:>10.6}s  [tid {}{comm}] {}",
                secs(s.duration_ns),
                s.tid,
                s.call
            );
        }
        more(
            &mut out,
            (self.slow_calls as usize).saturating_sub(self.slow.len()),
            "slow calls",
        );
        if !self.idle.is_empty() {
            let calls: u64 = self.idle.values().map(|i| i.calls).sum();
            let total: u64 = self.idle.values().map(|i| i.total_ns).sum();
            let each: Vec<String> = self
                .idle
                .iter()
                .map(|(name, i)| format!("{name} {} ({:.3} s)", i.calls, secs(i.total_ns)))
                .collect();
            let _ = writeln!(
                out,
                "  not listed: {calls} idle waits, {:.3} s in all: {} (--diagnose-idle lists them)",
                secs(total),
                each.join(", ")
            );
        }

        if !self.totals.by_nr.is_empty() {
            out.push_str("\nLatency by syscall (top by total time): p50 / p99 / max\n");
            for (name, p50, p99, max) in percentiles(&self.totals, 10) {
                let _ = writeln!(
                    out,
                    "  {name:<16} {:>10.6}s {:>10.6}s {:>10.6}s",
                    secs(p50),
                    secs(p99),
                    secs(max)
                );
            }
        }

        out.push_str("\nThreads blocked in a call now:\n");
        if self.blocked.is_empty() {
            out.push_str("  none\n");
        }
        for b in self.blocked.iter().take(LIST_MAX) {
            let comm = b
                .comm
                .as_deref()
                .map_or_else(String::new, |c| format!(" {c}"));
            let _ = writeln!(
                out,
                "  [tid {}{comm}] {} blocked for {:.3}s",
                b.tid,
                b.call,
                secs(b.duration_ns)
            );
        }
        more(
            &mut out,
            self.blocked.len().saturating_sub(LIST_MAX),
            "blocked threads",
        );

        if self.lost > 0 {
            let _ = writeln!(
                out,
                "\n{} events were lost: counts above may be short; totals and latencies are \
                 complete (counted in the kernel).",
                self.lost
            );
        }
        out
    }

    fn json_report(&mut self) -> String {
        #[derive(Serialize)]
        struct PermissionFailure {
            count: u64,
            errno: &'static str,
            syscall: &'static str,
            path: Option<String>,
            pid: u32,
            comm: Option<String>,
            uid: Option<u32>,
            user: Option<String>,
        }
        #[derive(Serialize)]
        struct Missing<'a> {
            count: u64,
            path: &'a str,
        }
        #[derive(Serialize)]
        struct Search<'a> {
            name: &'a str,
            directories: usize,
            /// Where the file was found in the end, or null.
            found: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Latency {
            syscall: &'static str,
            p50_ns: u64,
            p99_ns: u64,
            max_ns: u64,
        }
        #[derive(Serialize)]
        struct Body<'a> {
            slow_threshold_ns: u64,
            permission_failures: Vec<PermissionFailure>,
            missing_files: Vec<Missing<'a>>,
            searches: Vec<Search<'a>>,
            /// The slowest, at most ten; `slow_calls_total` counts them all.
            slow_calls: &'a [Shown],
            slow_calls_total: u64,
            /// Idle waits left out of `slow_calls`, by syscall.
            idle_waits: &'a BTreeMap<&'static str, Idle>,
            latency: Vec<Latency>,
            blocked: &'a [Shown],
            lost: u64,
        }
        let permission_failures = self
            .denials()
            .into_iter()
            .map(|(d, count, user)| PermissionFailure {
                count,
                errno: decode::errno_name(d.errno as i32).unwrap_or("?"),
                syscall: d.syscall,
                path: d.path,
                pid: d.pid,
                comm: d.comm,
                uid: d.uid,
                user,
            })
            .collect();
        let mut missing: Vec<_> = self
            .missing
            .iter()
            .map(|(path, &count)| Missing { count, path })
            .collect();
        missing.sort_by(|a, b| b.count.cmp(&a.count).then(a.path.cmp(b.path)));
        let body = Body {
            slow_threshold_ns: SLOW.as_nanos() as u64,
            permission_failures,
            missing_files: missing,
            searches: self
                .searches()
                .into_iter()
                .map(|(name, directories, found)| Search {
                    name,
                    directories,
                    found,
                })
                .collect(),
            slow_calls: &self.slow,
            slow_calls_total: self.slow_calls,
            idle_waits: &self.idle,
            latency: percentiles(&self.totals, 10)
                .into_iter()
                .map(|(syscall, p50_ns, p99_ns, max_ns)| Latency {
                    syscall,
                    p50_ns,
                    p99_ns,
                    max_ns,
                })
                .collect(),
            blocked: &self.blocked,
            lost: self.lost,
        };
        json::record("diagnosis", Clock::new().now_ns(), &body)
    }
}

impl Sink for Diagnosis {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        match event {
            Event::Completed(call) => {
                if self.counted == Counted::FromEvents
                    && let Some(duration) = call.duration_ns()
                {
                    self.totals.add_call(call.nr, duration, 0, call.failed());
                }
                self.completed(call, ctx);
            }
            Event::IoUring(op) => self.io_uring(op, ctx),
            Event::Lost(loss) => self.lost += loss.total(),
            Event::Totals { totals, .. } if self.counted == Counted::InKernel => {
                self.totals = totals.clone();
            }
            Event::InProgress { calls, now_ns } => {
                self.blocked = calls
                    .iter()
                    .map(|c| self.shown(c, now_ns.saturating_sub(c.enter_ns), false, ctx))
                    .filter(|s| s.duration_ns >= SLOW.as_nanos() as u64)
                    .collect();
                self.blocked
                    .sort_by_key(|r| std::cmp::Reverse(r.duration_ns));
            }
            _ => {}
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn sees_filtered(&self) -> bool {
        true
    }
}

/// (name, p50, p99, max) in ns for the `top` syscalls by total time. Percentiles come
/// from the log2 histogram: each is the upper edge of its bucket, capped by the max.
fn percentiles(totals: &Totals, top: usize) -> Vec<(&'static str, u64, u64, u64)> {
    let mut rows: Vec<(&u32, &SyscallTotals)> = totals.by_nr.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.total_ns));
    rows.into_iter()
        .take(top)
        .map(|(&nr, t)| {
            let at = |q: f64| {
                let rank = ((t.calls as f64) * q).ceil().max(1.0) as u64;
                let mut seen = 0;
                for (bucket, &n) in t.hist.iter().enumerate() {
                    seen += n;
                    if seen >= rank {
                        return (1u64 << bucket).min(t.max_ns);
                    }
                }
                t.max_ns
            };
            (
                syscalls::name(nr).unwrap_or("?"),
                at(0.5),
                at(0.99),
                t.max_ns,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Capture, TaskView};

    struct Tasks;

    impl TaskView for Tasks {
        fn many_at(&self, _: u64) -> bool {
            false
        }

        fn comm(&self, _: u32) -> Option<&str> {
            Some("worker")
        }

        fn container(&self, _: u32) -> Option<&std::sync::Arc<crate::container::Identity>> {
            None
        }
    }

    struct Names;

    impl FdNames for Names {
        fn fd_name(&self, _: u32, fd: i32) -> Option<&str> {
            match fd {
                3 => Some("/var/lib/db/x"),
                4 => Some("socket:[1234]"),
                _ => None,
            }
        }

        fn result_name(&self, _: u32, _: i32) -> Option<&str> {
            None
        }
    }

    fn ctx() -> Context<'static> {
        Context {
            tasks: &Tasks,
            fds: None,
            names: Some(&Names),
        }
    }

    fn call(name: &str, path: &str, ret: i64, duration_ns: u64) -> Syscall {
        let sc = syscalls::by_name(name).unwrap();
        let arg = sc
            .args
            .iter()
            .position(|a| matches!(a.kind, ArgKind::Path))
            .unwrap();
        Syscall {
            tid: 7,
            pid: 7,
            nr: sc.nr,
            args: [0xffffff9c, 0x1000, 0, 0, 0, 0],
            enter_ns: 1_000,
            exit_ns: Some(1_000 + duration_ns),
            ret: Some(ret),
            captures: vec![Capture {
                arg: arg as u8,
                kind: 1,
                data: path.as_bytes().to_vec(),
                ..Default::default()
            }],
            uid: Some(65534),
            ..Default::default()
        }
    }

    fn fd_call(name: &str, fd: u64, duration_ns: u64) -> Syscall {
        Syscall {
            tid: 7,
            pid: 7,
            nr: syscalls::by_name(name).unwrap().nr,
            args: [fd, 0x1000, 10, 0, 0, 0],
            enter_ns: 1_000,
            exit_ns: Some(1_000 + duration_ns),
            ret: Some(0),
            ..Default::default()
        }
    }

    #[test]
    fn groups_denials_missing_files_searches_and_slow_calls() {
        let mut d = Diagnosis::new(DecodeOptions::default(), Counted::FromEvents, false, false);
        let ctx = ctx();
        for _ in 0..3 {
            d.completed(&call("openat", "/etc/shadow", -EACCES, 1000), &ctx);
        }
        for dir in ["/a", "/b", "/c", "/d"] {
            let path = format!("{dir}/libfoo.so.1");
            d.completed(&call("openat", &path, -ENOENT, 1000), &ctx);
        }
        d.completed(&call("openat", "/usr/lib/libfoo.so.1", 3, 1000), &ctx);
        for dir in ["/a", "/b", "/c"] {
            d.completed(
                &call("openat", &format!("{dir}/libbar.so"), -ENOENT, 1000),
                &ctx,
            );
        }
        d.completed(&call("openat", "/data/slow", 3, 50_000_000), &ctx);
        d.completed(&fd_call("fsync", 3, 30_000_000), &ctx);
        let r = d.report();
        assert!(
            r.contains(
                "3 x openat(\"/etc/shadow\") = -1 EACCES  [worker (pid 7), user nobody (65534)]"
            ),
            "{r}"
        );
        assert!(
            r.contains(
                "search: libfoo.so.1 looked up in 4 directories, found at /usr/lib/libfoo.so.1"
            ),
            "{r}"
        );
        assert!(
            r.contains("search: libbar.so looked up in 3 directories, not found"),
            "{r}"
        );
        assert!(r.contains("1 x /a/libfoo.so.1"), "{r}");
        assert!(
            r.contains("0.050000s  [tid 7 worker] openat(AT_FDCWD, \"/data/slow\""),
            "{r}"
        );
        assert!(r.contains("] fsync(3</var/lib/db/x>) = 0"), "{r}");
    }

    #[test]
    fn slow_io_uring_operations_are_listed_with_the_slow_calls() {
        let mut d = Diagnosis::new(DecodeOptions::default(), Counted::FromEvents, false, false);
        let ctx = ctx();
        let op = |duration_ns: u64| IoUringOp {
            tid: 7,
            pid: 7,
            opcode: 22,
            fd: Some(3),
            rw: Some((8192, 4096)),
            submit_ns: 1_000,
            complete_ns: 1_000 + duration_ns,
            res: 4096,
            ..Default::default()
        };
        d.io_uring(&op(1_000), &ctx);
        d.io_uring(&op(40_000_000), &ctx);
        d.completed(&fd_call("fsync", 3, 30_000_000), &ctx);
        let r = d.report();
        let slow: Vec<&str> = r
            .lines()
            .skip_while(|l| !l.starts_with("Slow calls"))
            .skip(1)
            .take(3)
            .collect();
        assert!(
            slow[0].ends_with("io_uring:READ(3</var/lib/db/x>, len=4096, off=8192) = 4096")
                && slow[1].ends_with("fsync(3</var/lib/db/x>) = 0")
                && slow[2].is_empty(),
            "{r}"
        );
    }

    #[test]
    fn long_lists_say_how_much_is_cut_and_idle_waits_stand_apart() {
        let mut d = Diagnosis::new(DecodeOptions::default(), Counted::FromEvents, false, false);
        let ctx = ctx();
        for i in 0..25 {
            d.completed(&call("openat", &format!("/m/{i}"), -ENOENT, 1000), &ctx);
        }
        for i in 0..12 {
            d.completed(&fd_call("fsync", 3, 20_000_000 + i), &ctx);
        }
        d.completed(&fd_call("read", 4, 2_000_000_000), &ctx);
        d.completed(&fd_call("epoll_wait", 5, 1_000_000_000), &ctx);
        let r = d.report();
        assert!(r.contains("  ... and 5 more missing files"), "{r}");
        assert!(r.contains("  ... and 2 more slow calls"), "{r}");
        assert!(
            !r.contains("] read(") && !r.contains("] epoll_wait("),
            "{r}"
        );
        assert!(
            r.contains(
                "not listed: 2 idle waits, 3.000 s in all: epoll_wait 1 (1.000 s), read 1 (2.000 s)"
            ),
            "{r}"
        );
        let mut d = Diagnosis::new(DecodeOptions::default(), Counted::FromEvents, true, true);
        d.completed(&fd_call("read", 4, 2_000_000_000), &ctx);
        let v: serde_json::Value = serde_json::from_str(&d.report()).unwrap();
        assert_eq!(v["type"], "diagnosis");
        assert_eq!(v["slow_calls_total"], 1);
        assert!(
            v["slow_calls"][0]["call"]
                .as_str()
                .unwrap()
                .starts_with("read(4<socket:[1234]>"),
            "--diagnose-idle lists them: {v}"
        );
    }
}
