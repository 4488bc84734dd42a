//! `--diagnose`: each pattern is produced by a real program and named in the report.

use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::{
    io::{BufRead, BufReader},
    process::Stdio,
};

use tracer_tests::Backend;
use tracer_tests::{LineWatcher, trace};

tracer_tests::both_backends!(
    permission_failures_are_grouped_by_path_and_syscall,
    a_library_search_is_recognised,
    slow_calls_and_latencies_are_reported,
    a_thread_blocked_on_a_lock_is_named
);

fn calls_bin() -> &'static str {
    env!("CARGO_BIN_EXE_calls")
}

fn permission_failures_are_grouped_by_path_and_syscall(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "--",
        calls_bin(),
        "eacces",
        "25",
    ]);
    t.expect(t.code() == Some(0), "success");
    t.expect(
        t.stderr
            .contains("25 x openat(\"/root/tracer-calls-secret\") = -1 EACCES"),
        "the EACCES loop is counted by path and syscall",
    );
    t.expect(!t.stderr.contains("\nopenat("), "no per-call lines");
}

fn a_library_search_is_recognised(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "--",
        "env",
        // No PATH search of its own: the only misses are the library search's.
        "-i",
        "LD_LIBRARY_PATH=/tracer-x1:/tracer-x2:/tracer-x3:/tracer-x4",
        "/bin/true",
    ]);
    t.expect(t.code() == Some(0), "success");
    let search = regex::Regex::new(r"search: libc\.so\.6 looked up in (\d+) directories").unwrap();
    let dirs: usize = search
        .captures(&t.stderr)
        .map_or(0, |c| c[1].parse().unwrap());
    t.expect(
        dirs >= 4,
        "libc.so.6 searched through the LD_LIBRARY_PATH directories",
    );
    t.expect(
        t.stderr.contains("/tracer-x1/"),
        "the missing paths are listed",
    );
}

fn slow_calls_and_latencies_are_reported(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "--",
        calls_bin(),
        "slow-read",
        "200",
    ]);
    t.expect(t.code() == Some(0), "success");
    let slow = t.stderr.split("Slow calls").nth(1).unwrap_or_default();
    t.expect(
        slow.lines().any(|l| l.contains("] read(")),
        "the slow read is listed with its thread",
    );
    t.expect(
        t.stderr.contains("p50 / p99 / max") && t.stderr.contains("\n  read "),
        "per-syscall percentiles",
    );
}

fn a_thread_blocked_on_a_lock_is_named(backend: Backend) {
    // The main thread waits on a mutex another thread holds for 10 s; the report is asked
    // for (Ctrl-C) while it waits.
    let mut tracer = tracer_tests::tracer()
        .args([
            backend.arg(),
            "--diagnose",
            "--",
            calls_bin(),
            "futex",
            "10000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tracer");
    let mut out = LineWatcher::new(tracer.stderr.take().unwrap());
    let mut line = String::new();
    BufReader::new(tracer.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, "waiting\n");
    std::thread::sleep(Duration::from_millis(300));
    kill(Pid::from_raw(tracer.id() as i32), Signal::SIGINT).unwrap();
    let _ = tracer.wait().unwrap();
    out.wait_for("the report", Duration::from_secs(10), |s| {
        s.contains("Threads blocked in a call now:")
    });
    let text = out.finish();
    let blocked = text
        .split("Threads blocked in a call now:")
        .nth(1)
        .unwrap_or_default();
    assert!(
        blocked
            .lines()
            .any(|l| l.contains("futex(") && l.contains("blocked for")),
        "the futex wait is reported as blocked:\n{text}"
    );
}
