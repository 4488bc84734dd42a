//! `--pidns-translation`: a pid a task in another PID namespace gets or names is also
//! shown as the tracer's namespace numbers it, as strace shows it.

use std::process::{Command, Stdio};

use regex::Regex;
use tracer_tests::{Backend, Traced, trace, tracer_bin, tracer_env};

tracer_tests::both_backends!(pids_of_a_nested_namespace_are_translated);
tracer_tests::both_backends!(sockets_are_named_with_proc_of_an_outer_namespace);

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

/// A tracer in a PID namespace of its own whose `/proc` is the outer one (`unshare -p`
/// without a new `/proc`) finds its tracees' sockets there by their ids in it: their
/// netlink messages decode by the socket's protocol (`/proc/TID` is another task).
fn sockets_are_named_with_proc_of_an_outer_namespace(backend: Backend) {
    let tracer = tracer_bin();
    let mut cmd = Command::new("unshare");
    tracer_env(&mut cmd).args(["-pf", "--"]).arg(&tracer).args([
        backend.arg(),
        "-e",
        "trace=sendto",
        env!("CARGO_BIN_EXE_workload"),
        "netlink-link",
    ]);
    let t = Traced::from(cmd.stdin(Stdio::null()).output().expect("run unshare"));
    t.expect(t.code() == Some(0), "unshare -pf runs the tracer");
    let sends = t.calls("sendto");
    t.expect(
        sends.len() >= 10 && sends.iter().all(|l| l.starts_with("sendto(3, [{")),
        "every message decoded by its socket's protocol",
    );
}
