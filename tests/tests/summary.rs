//! `-c`: totals (counted in the kernel with eBPF, from the calls with ptrace), checked
//! against programs with known call counts.

use std::collections::HashMap;

use tracer_tests::Backend;
use tracer_tests::{Traced, trace};

tracer_tests::both_backends!(
    counts_are_exact,
    dash_big_c_prints_calls_and_table_and_histograms_draw,
    interval_prints_periodic_deltas
);

fn calls_bin() -> &'static str {
    env!("CARGO_BIN_EXE_calls")
}

/// Rows of strace's table: name -> (calls, errors).
fn table(t: &Traced) -> HashMap<String, (u64, u64)> {
    let mut rows = HashMap::new();
    let mut in_table = false;
    for line in t.stderr.lines() {
        if line.starts_with("% time") {
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("------") {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors], name
        let (calls, errors) = match cols.len() {
            6 => (cols[3].parse().unwrap(), cols[4].parse().unwrap()),
            5 => (cols[3].parse().unwrap(), 0),
            _ => continue,
        };
        let name = cols.last().unwrap().to_string();
        let done = name == "total";
        rows.insert(name, (calls, errors));
        if done {
            break;
        }
    }
    rows
}

fn summary_of(backend: Backend, n: &str, extra: &[&str]) -> Traced {
    let mut args = vec![backend.arg(), "-c"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", calls_bin(), "loop", n]);
    let t = trace(&args);
    t.expect(t.code() == Some(0), "success");
    t
}

fn counts_are_exact(backend: Backend) {
    let base = table(&summary_of(backend, "0", &[]));
    let t = summary_of(backend, "1000", &[]);
    let rows = table(&t);
    let diff = |name: &str| {
        let (c, e) = rows.get(name).copied().unwrap_or_default();
        let (bc, be) = base.get(name).copied().unwrap_or_default();
        (c - bc, e - be)
    };
    t.expect(diff("getppid") == (1000, 0), "getppid calls");
    t.expect(diff("write") == (1000, 0), "write calls");
    t.expect(diff("openat") == (1000, 1000), "openat calls and errors");
    t.expect(!t.stderr.contains("getppid("), "-c alone prints no calls");
    let total = t.stderr.lines().last().unwrap();
    t.expect(
        total.ends_with(" total") && total.starts_with("100.00"),
        "total row",
    );
}

/// The kernel's counts (eBPF only): nothing but the totals leaves the kernel.
#[test]
fn a_syscall_storm_loses_nothing_and_streams_nothing() {
    tracer_tests::skip_unless_root!();
    let t = summary_of(Backend::Ebpf, "200000", &["--stats"]);
    t.expect(!t.stderr.contains("events lost"), "no loss");
    let rows = table(&t);
    t.expect(
        rows.get("getppid").map(|r| r.0) == Some(200_000),
        "every call counted",
    );
    let line = t
        .stderr
        .lines()
        .find(|l| l.starts_with("tracer: total"))
        .unwrap();
    let emitted: u64 = line.split_whitespace().nth(4).unwrap().parse().unwrap();
    t.expect(emitted == 0, "no per-call record left the kernel");
}

fn dash_big_c_prints_calls_and_table_and_histograms_draw(backend: Backend) {
    let mut args = vec![
        backend.arg(),
        "-C",
        "--histogram",
        "--",
        calls_bin(),
        "loop",
        "10",
    ];
    let t = trace(&args);
    t.expect(t.calls("getppid").len() == 10, "calls printed");
    t.expect(
        table(&t).get("getppid").map(|r| r.0) == Some(10),
        "and counted",
    );
    t.expect(
        t.stderr.contains("getppid latency (10 calls):") || t.stderr.contains("latency ("),
        "histograms",
    );
    t.expect(t.stderr.contains('@'), "bars");
    args.clear();
}

fn interval_prints_periodic_deltas(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-c",
        "-f",
        "--interval=250ms",
        "--",
        "sh",
        "-c",
        "for i in 1 2 3 4; do cat /etc/hostname > /dev/null; sleep 0.3; done",
    ]);
    t.expect(t.code() == Some(0), "success");
    let tables = t.stderr.matches("% time").count();
    t.expect(tables >= 3, "periodic tables plus the final one");
    let execs: Vec<u64> = t
        .stderr
        .lines()
        .filter(|l| l.ends_with(" execve"))
        .map(|l| l.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect();
    let (last, deltas) = execs.split_last().expect("execve rows");
    t.expect(
        *last >= 9,
        "the final table counts every execve (sh, 4 cats, 4 sleeps)",
    );
    t.expect(
        deltas.iter().all(|n| n < last),
        "interval tables hold deltas, not totals",
    );
    t.expect(
        deltas.iter().sum::<u64>() <= *last,
        "deltas add up to at most the total",
    );
}
