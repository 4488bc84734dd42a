//! `--diagnose`: the patterns an operator looks for in a trace, found for them.
//!
//! The kernel streams only failed calls and slow ones (see `DIAGNOSE_SLOW_NS`); totals
//! and latency histograms come from the kernel's per-syscall counters, and threads that
//! are blocked right now from the in-flight map. So the report costs little more than
//! `-c`, and still names paths, syscalls and threads.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fmt::Write as _,
    io,
};

use tracer_common::SyscallTotals;

use super::summary::Counted;
use crate::{
    config::DIAGNOSE_SLOW as SLOW,
    decode::{self, ArgsPart, DecodeOptions},
    event::{Context, Event, Sink, Syscall, Totals},
    syscalls::{self, ArgKind},
};
/// Slowest calls listed.
const TOP_SLOW: usize = 10;
/// A file name looked up in at least this many directories is a search.
const SEARCH_DIRS: usize = 3;

const EPERM: i64 = 1;
const ENOENT: i64 = 2;
const EACCES: i64 = 13;

/// A call shown in the report, formatted once when it is recorded.
#[derive(Clone, Debug)]
struct Shown {
    tid: u32,
    duration_ns: u64,
    line: String,
}

#[derive(Default)]
pub struct Diagnosis {
    /// (errno, syscall, path) -> count, for EACCES/EPERM.
    denied: BTreeMap<(i64, &'static str, String), u64>,
    /// path -> count, for ENOENT.
    missing: BTreeMap<String, u64>,
    slow: Vec<Shown>,
    blocked: Vec<Shown>,
    totals: Totals,
    counted: Option<Counted>,
    lost: u64,
    decode: DecodeOptions,
}

/// The first path argument of a call, as captured.
fn path_of(call: &Syscall) -> Option<String> {
    let sc = syscalls::by_nr(call.nr)?;
    sc.args.iter().enumerate().find_map(|(i, arg)| {
        matches!(arg.kind, ArgKind::Path)
            .then(|| call.capture(i))
            .flatten()
            .filter(|c| !c.fault)
            .map(|c| String::from_utf8_lossy(&c.data).into_owned())
    })
}

impl Diagnosis {
    pub fn new(decode: DecodeOptions, counted: Counted) -> Self {
        Self {
            decode,
            counted: Some(counted),
            ..Default::default()
        }
    }

    fn shown(&self, call: &Syscall, duration_ns: u64, finished: bool) -> Shown {
        let mut line = format!("{}(", syscalls::name(call.nr).unwrap_or("?"));
        if finished {
            decode::write_args(&mut line, call, &self.decode, ArgsPart::All, None);
            line.push_str(") = ");
            decode::write_result(&mut line, call, &self.decode, None);
        } else {
            decode::write_args(&mut line, call, &self.decode, ArgsPart::Entering, None);
            line.push_str("...");
        }
        Shown {
            tid: call.tid,
            duration_ns,
            line,
        }
    }

    fn completed(&mut self, call: &Syscall) {
        let duration = call.duration_ns().unwrap_or(0);
        if let Some(ret) = call.ret {
            let errno = -ret;
            if errno == EACCES || errno == EPERM {
                let name = syscalls::name(call.nr).unwrap_or("?");
                let path = path_of(call).unwrap_or_default();
                *self.denied.entry((errno, name, path)).or_default() += 1;
            } else if errno == ENOENT
                && let Some(path) = path_of(call)
            {
                *self.missing.entry(path).or_default() += 1;
            }
        }
        if duration >= SLOW.as_nanos() as u64 {
            let shown = self.shown(call, duration, true);
            self.slow.push(shown);
            self.slow.sort_by_key(|r| std::cmp::Reverse(r.duration_ns));
            self.slow.truncate(TOP_SLOW);
        }
    }

    /// The report, as text.
    pub fn report(&self) -> String {
        let mut out = String::from("\n=== tracer --diagnose ===\n");
        let secs = |ns: u64| ns as f64 / 1e9;

        out.push_str("\nPermission failures (EACCES/EPERM):\n");
        if self.denied.is_empty() {
            out.push_str("  none\n");
        }
        let mut denied: Vec<_> = self.denied.iter().collect();
        denied.sort_by(|a, b| b.1.cmp(a.1));
        for ((errno, name, path), n) in denied {
            let e = decode::errno_name(*errno as i32).unwrap_or("?");
            let _ = writeln!(out, "  {n:>6} x {name}(\"{path}\") = -1 {e}");
        }

        out.push_str("\nMissing files (ENOENT):\n");
        if self.missing.is_empty() {
            out.push_str("  none\n");
        }
        // Library-search spam: one file name looked up in many directories.
        let mut dirs_by_name: HashMap<&str, BTreeSet<&str>> = HashMap::new();
        for path in self.missing.keys() {
            if let Some((dir, name)) = path.rsplit_once('/') {
                dirs_by_name.entry(name).or_default().insert(dir);
            }
        }
        let mut searches: Vec<(&str, usize)> = dirs_by_name
            .iter()
            .filter(|(_, dirs)| dirs.len() >= SEARCH_DIRS)
            .map(|(name, dirs)| (*name, dirs.len()))
            .collect();
        searches.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        for (name, dirs) in &searches {
            let _ = writeln!(
                out,
                "  search: {name} looked up in {dirs} directories before it was found or given up \
                 (a long LD_LIBRARY_PATH or search path?)"
            );
        }
        let mut missing: Vec<_> = self.missing.iter().collect();
        missing.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (path, n) in missing.into_iter().take(20) {
            let _ = writeln!(out, "  {n:>6} x {path}");
        }

        let _ = writeln!(out, "\nSlow calls (at least {} ms):", SLOW.as_millis());
        if self.slow.is_empty() {
            out.push_str("  none\n");
        }
        for s in &self.slow {
            let _ = writeln!(
                out,
                "  {:>10.6}s  [tid {}] {}",
                secs(s.duration_ns),
                s.tid,
                s.line
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
        for b in &self.blocked {
            let _ = writeln!(
                out,
                "  [tid {}] {} blocked for {:.3}s",
                b.tid,
                b.line,
                secs(b.duration_ns)
            );
        }

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
}

impl Sink for Diagnosis {
    fn event(&mut self, event: &Event, _ctx: &Context) -> io::Result<()> {
        match event {
            Event::Completed(call) => {
                if self.counted == Some(Counted::FromEvents) {
                    self.totals
                        .add_call(call.nr, call.duration_ns().unwrap_or(0), call.failed());
                }
                self.completed(call);
            }
            Event::Lost { count } => self.lost += count,
            Event::Totals { totals, .. } if self.counted == Some(Counted::InKernel) => {
                self.totals = totals.clone();
            }
            Event::InProgress { calls, now_ns } => {
                self.blocked = calls
                    .iter()
                    .map(|c| self.shown(c, now_ns.saturating_sub(c.enter_ns), false))
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
    use crate::event::Capture;

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
            ..Default::default()
        }
    }

    #[test]
    fn groups_denials_missing_files_searches_and_slow_calls() {
        let mut d = Diagnosis::new(DecodeOptions::default(), Counted::FromEvents);
        for _ in 0..3 {
            d.completed(&call("openat", "/etc/shadow", -EACCES, 1000));
        }
        for dir in ["/a", "/b", "/c", "/d"] {
            d.completed(&call(
                "openat",
                &format!("{dir}/libfoo.so.1"),
                -ENOENT,
                1000,
            ));
        }
        d.completed(&call("openat", "/data/slow", 3, 50_000_000));
        let r = d.report();
        assert!(r.contains("3 x openat(\"/etc/shadow\") = -1 EACCES"), "{r}");
        assert!(
            r.contains("search: libfoo.so.1 looked up in 4 directories"),
            "{r}"
        );
        assert!(r.contains("1 x /a/libfoo.so.1"), "{r}");
        assert!(
            r.contains("0.050000s  [tid 7] openat(AT_FDCWD, \"/data/slow\""),
            "{r}"
        );
    }
}
