//! `--pidns-translation`: a pid a task in another PID namespace gets or names is also
//! shown as the tracer's namespace numbers it, as strace shows it.

use regex::Regex;
use tracer_tests::{Backend, trace};

tracer_tests::both_backends!(pids_of_a_nested_namespace_are_translated);

/// A shell started by `unshare -pf` is pid 1 of its namespace: its `getpid()` is 1, and
/// the comment names the pid its line is prefixed with; a pid of the tracer's own
/// namespace (the same command without a new namespace) gets no comment.
fn pids_of_a_nested_namespace_are_translated(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "--pidns-translation",
        "-e",
        "trace=getpid",
        "--",
        "unshare",
        "-pf",
        "sh",
        "-c",
        // Alive while its line is decoded: the eBPF backend's lines come after the
        // call, and /proc is where the namespaces are read.
        "echo $$; sleep 0.5",
    ]);
    t.expect(t.code() == Some(0), "unshare -pf runs");
    assert_eq!(t.stdout, "1\n", "the shell is pid 1 of its namespace");
    let line =
        Regex::new(r"^\[pid +(\d+)\] getpid\(\) += 1 /\* (\d+) in strace's PID NS \*/$").unwrap();
    let translated = t
        .lines()
        .iter()
        .filter_map(|l| line.captures(l))
        .filter(|c| c[1] == c[2])
        .count();
    t.expect(
        translated >= 1,
        "getpid's 1 named as the tracer's pid of the shell",
    );

    let t = trace(&[
        backend.arg(),
        "--pidns-translation",
        "-e",
        "trace=getpid",
        "--",
        "sh",
        "-c",
        "echo $$",
    ]);
    let getpid = t.calls("getpid");
    t.expect(
        !getpid.is_empty() && getpid.iter().all(|l| !l.contains("PID NS")),
        "no comment in the tracer's own namespace",
    );
}
