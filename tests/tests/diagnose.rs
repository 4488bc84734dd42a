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
    a_thread_blocked_on_a_lock_is_named,
    idle_waits_stay_out_of_the_slow_calls_unless_asked,
    the_report_sees_what_min_duration_hides,
    the_report_goes_beside_the_trace_when_the_trace_has_a_destination
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
            .contains("25 x openat(\"/root/tracer-calls-secret\") = -1 EACCES  [calls (pid "),
        "the EACCES loop is counted by path and syscall, with the process",
    );
    t.expect(
        t.stderr.contains("), user nobody (65534)]"),
        "and the user it ran as",
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
    let search = regex::Regex::new(
        r"search: libc\.so\.6 looked up in (\d+) directories, found at (/\S+/libc\.so\.6)\n",
    )
    .unwrap();
    let found = search.captures(&t.stderr);
    let dirs: usize = found.as_ref().map_or(0, |c| c[1].parse().unwrap());
    t.expect(
        dirs >= 4,
        "libc.so.6 searched through the LD_LIBRARY_PATH directories, and found",
    );
    let path = found.unwrap()[2].to_owned();
    t.expect(std::path::Path::new(&path).exists(), "found where it is");
    t.expect(
        t.stderr.contains("/tracer-x1/"),
        "the missing paths are listed",
    );
    // A search that finds nothing says so.
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "--",
        "sh",
        "-c",
        "PATH=/tracer-p1:/tracer-p2:/tracer-p3 tracer-no-such-command; true",
    ]);
    t.expect(
        t.stderr
            .contains("search: tracer-no-such-command looked up in 3 directories, not found"),
        "the PATH search found nothing",
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
        !slow.lines().any(|l| l.contains("] read(")),
        "a read waiting on a pipe is an idle wait, not a slow call",
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

/// A read that waits on a pipe is set apart as an idle wait; `--diagnose-idle` lists it,
/// with what its descriptor names. A lock that makes a thread wait is a slow call, named.
fn idle_waits_stay_out_of_the_slow_calls_unless_asked(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "--",
        calls_bin(),
        "slow-read",
        "200",
    ]);
    let slow = t.stderr.split("Slow calls").nth(1).unwrap_or_default();
    t.expect(
        regex::Regex::new(r"not listed: \d+ idle waits, [0-9.]+ s in all: .*read 1 ")
            .unwrap()
            .is_match(slow),
        "the read is counted among the idle waits",
    );
    let t = trace(&[
        backend.arg(),
        "--diagnose-idle",
        "--",
        calls_bin(),
        "slow-read",
        "200",
    ]);
    let slow = t.stderr.split("Slow calls").nth(1).unwrap_or_default();
    t.expect(
        regex::Regex::new(r"\] read\(\d+<pipe:\[\d+\]>, ")
            .unwrap()
            .is_match(slow),
        "--diagnose-idle lists the read, its descriptor named",
    );
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "-f",
        "--",
        calls_bin(),
        "flock",
        "200",
    ]);
    let slow = t.stderr.split("Slow calls").nth(1).unwrap_or_default();
    t.expect(
        regex::Regex::new(
            r"\[tid \d+ calls\] flock\(\d+</tmp/tracer-calls-lock-\d+>, LOCK_EX\) = 0",
        )
        .unwrap()
        .is_match(slow),
        "the lock wait is a slow call, its file named",
    );
}

/// `--min-duration` keeps fast calls out of the trace, not out of the report.
fn the_report_sees_what_min_duration_hides(backend: Backend) {
    let missing = "/tracer-diagnose-missing";
    for extra in [&[][..], &["-o", "/dev/null"]] {
        let mut args = vec![backend.arg(), "--diagnose", "--min-duration=50ms"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", "cat", missing]);
        let t = trace(&args);
        t.expect(t.code() == Some(1), "cat failed");
        let report = t.stderr.split("Missing files").nth(1).unwrap_or_default();
        t.expect(
            report.contains(&format!("1 x {missing}\n")),
            "the fast ENOENT is in the report",
        );
    }
}

/// With `-o`, the trace goes there and the report to stderr; `--diagnose-output` puts the
/// report in a file and leaves the trace where it goes.
fn the_report_goes_beside_the_trace_when_the_trace_has_a_destination(backend: Backend) {
    let dir = std::env::temp_dir();
    let trace_file = dir.join(format!("tracer-diagnose-trace-{backend:?}"));
    let report_file = dir.join(format!("tracer-diagnose-report-{backend:?}"));
    let t = trace(&[
        backend.arg(),
        "--diagnose",
        "-o",
        trace_file.to_str().unwrap(),
        "--",
        calls_bin(),
        "eacces",
        "3",
    ]);
    let traced = std::fs::read_to_string(&trace_file).unwrap();
    t.expect(
        traced.contains("openat(AT_FDCWD, \"/root/tracer-calls-secret\", O_RDONLY) = -1 EACCES"),
        "the trace in the file",
    );
    t.expect(
        !traced.contains("=== tracer --diagnose ==="),
        "no report in the trace",
    );
    t.expect(
        t.stderr
            .contains("3 x openat(\"/root/tracer-calls-secret\") = -1 EACCES"),
        "the report on stderr",
    );
    let t = trace(&[
        backend.arg(),
        "--diagnose-output",
        report_file.to_str().unwrap(),
        "--",
        calls_bin(),
        "eacces",
        "3",
    ]);
    let report = std::fs::read_to_string(&report_file).unwrap();
    t.expect(
        report.contains("3 x openat(\"/root/tracer-calls-secret\") = -1 EACCES"),
        "the report in its file",
    );
    t.expect(
        t.calls("openat").len() >= 3 && !t.stderr.contains("=== tracer --diagnose ==="),
        "the trace on stderr",
    );
    let _ = std::fs::remove_file(&trace_file);
    let _ = std::fs::remove_file(&report_file);
}
