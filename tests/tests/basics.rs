//! The walking skeleton's behaviour: real commands traced through the eBPF path.

use std::{io::Write, time::Duration};

use regex::Regex;
use tracer_tests::{Backend, Traced, first_line, spawn_tracer, trace, tracer};

tracer_tests::both_backends!(
    true_is_traced_from_execve_to_exit,
    cat_reads_the_file_it_opened,
    failed_openat_prints_the_errno,
    exit_status_and_fatal_signals_come_through,
    syscall_times_are_shown_with_t,
    output_goes_to_the_o_file,
    a_blocked_read_is_visible_while_it_blocks
);

fn last_line(t: &Traced) -> &str {
    t.lines().last().copied().unwrap_or_default()
}

fn true_is_traced_from_execve_to_exit(backend: Backend) {
    let t = trace(&[backend.arg(), "--", "true"]);
    t.expect(
        t.code() == Some(0),
        "tracer exits with the command's status",
    );
    let lines = t.lines();
    t.expect(
        lines.first().is_some_and(|l| l.starts_with("execve(")),
        "first line is the execve",
    );
    t.expect(
        lines
            .iter()
            .any(|l| l.starts_with("exit_group(") && l.ends_with("= ?")),
        "exit_group never returns",
    );
    t.expect(
        last_line(&t) == "+++ exited with 0 +++",
        "last line is the exit",
    );
    let shaped =
        Regex::new(r"^[a-z0-9_]+\(.*\) += (-?\d+|0x[0-9a-f]+|\?)( [A-Z0-9_]+ \(.+\))?$").unwrap();
    for line in &lines[..lines.len() - 1] {
        t.expect(
            shaped.is_match(line),
            &format!("strace-shaped line: {line}"),
        );
    }
}

fn cat_reads_the_file_it_opened(backend: Backend) {
    let size = std::fs::metadata("/etc/hostname")
        .expect("stat /etc/hostname")
        .len();
    let t = trace(&[backend.arg(), "--", "cat", "/etc/hostname"]);
    t.expect(t.code() == Some(0), "cat succeeds");
    t.expect(
        t.stdout.trim_end() == first_line("/etc/hostname"),
        "cat's output is untouched",
    );
    t.expect(!t.calls("openat").is_empty(), "openat is traced");
    // cat copies with read/write, or with copy_file_range/sendfile on newer coreutils.
    let copied = format!("= {size}");
    let copy = ["read", "copy_file_range", "sendfile", "splice"]
        .iter()
        .flat_map(|name| t.calls(name))
        .any(|l| l.ends_with(&copied));
    t.expect(copy, "a call returns the file's size");
}

fn failed_openat_prints_the_errno(backend: Backend) {
    let t = trace(&[backend.arg(), "--", "cat", "/nonexistent/tracer-test"]);
    t.expect(
        t.code() == Some(1),
        "cat's own failure status comes through",
    );
    let failed = t
        .calls("openat")
        .into_iter()
        .any(|l| l.ends_with("= -1 ENOENT (No such file or directory)"));
    t.expect(failed, "the failed openat shows ENOENT with its message");
    t.expect(
        last_line(&t) == "+++ exited with 1 +++",
        "exit line carries the status",
    );
}

fn exit_status_and_fatal_signals_come_through(backend: Backend) {
    let t = trace(&[backend.arg(), "--", "sh", "-c", "exit 7"]);
    t.expect(t.code() == Some(7), "status 7");
    t.expect(last_line(&t) == "+++ exited with 7 +++", "exit line");

    let t = trace(&[backend.arg(), "--", "sh", "-c", "kill -KILL $$"]);
    t.expect(
        t.killed_by() == Some(9),
        "killed by SIGKILL, as the command",
    );
    t.expect(last_line(&t) == "+++ killed by SIGKILL +++", "killed line");
}

fn syscall_times_are_shown_with_t(backend: Backend) {
    let t = trace(&[backend.arg(), "-T", "--", "true"]);
    let timed = Regex::new(r" <\d+\.\d{6}>$").unwrap();
    let calls: Vec<&str> = t
        .lines()
        .into_iter()
        .filter(|l| !l.starts_with("+++") && !l.ends_with("= ?"))
        .collect();
    t.expect(!calls.is_empty(), "calls are traced");
    for line in calls {
        t.expect(
            timed.is_match(line),
            &format!("duration at the end: {line}"),
        );
    }
}

fn output_goes_to_the_o_file(backend: Backend) {
    let dir =
        std::env::temp_dir().join(format!("tracer-test-o-{}-{backend:?}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("trace.txt");
    let t = trace(&[backend.arg(), "-o", file.to_str().unwrap(), "--", "true"]);
    t.expect(t.code() == Some(0), "success");
    t.expect(!t.stderr.contains("execve("), "nothing traced on stderr");
    let text = std::fs::read_to_string(&file).expect("trace file");
    assert!(
        text.starts_with("execve("),
        "trace file starts with execve:\n{text}"
    );
    assert!(
        text.ends_with("+++ exited with 0 +++\n"),
        "trace file ends with the exit:\n{text}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn a_blocked_read_is_visible_while_it_blocks(backend: Backend) {
    let (mut child, mut out) = spawn_tracer(&[backend.arg(), "--", "cat"]);
    // cat blocks reading its stdin (our pipe): the call must show before it returns.
    let open_read = |s: &str| {
        let tail = s.rsplit('\n').next().unwrap_or_default();
        tail.starts_with("read(") && !tail.contains(" = ")
    };
    out.wait_for(
        "the blocked read, shown unfinished",
        Duration::from_secs(10),
        open_read,
    );
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"hello\n").unwrap();
    drop(stdin);
    let status = child.wait().unwrap();
    let text = out.finish();
    assert!(status.success(), "{text}");
    let read = text
        .lines()
        .find(|l| l.starts_with("read(") && l.contains("= 6"))
        .unwrap_or_else(|| panic!("no completed read line in:\n{text}"));
    assert!(
        read.ends_with("= 6"),
        "the open line is completed in place: {read:?}\n{text}"
    );
    let column = read.find("= 6").unwrap();
    assert!(
        column == 40 || (column > 40 && read[..column].ends_with(") ")),
        "return value aligned as strace does: {read:?}"
    );
}

#[test]
fn bad_input_gets_one_line_and_a_failure_status() {
    tracer_tests::skip_unless_root!();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--", "/nonexistent/command"],
            127,
            "cannot run '/nonexistent/command': No such file or directory",
        ),
        (&["-p", "0"], 1, "Invalid process id: '0'"),
        (&["-p", "4194304"], 1, "No such process"),
        (
            &["-o", "/nonexistent/dir/trace", "--", "true"],
            1,
            "can't open '/nonexistent/dir/trace'",
        ),
    ];
    for (args, code, message) in cases {
        let t = trace(args);
        t.expect(t.code() == Some(*code), &format!("{args:?} exits {code}"));
        let lines = t.lines();
        t.expect(
            lines.len() == 1 && lines[0].starts_with("tracer: ") && lines[0].contains(message),
            &format!("{args:?}: one line naming the problem ({message})"),
        );
    }
    let out = tracer().output().unwrap();
    assert!(!out.status.success(), "no command and no -p is an error");
}

#[test]
fn events_the_ring_buffer_cannot_take_are_counted_and_reported() {
    tracer_tests::skip_unless_root!();
    // A one-page ring buffer cannot hold a syscall storm: the losses must be reported,
    // and the traced program must run to completion regardless.
    let calls = env!("CARGO_BIN_EXE_calls");
    let t = trace(&[
        "--backend=ebpf",
        "--buffer-size",
        "4096",
        "-o",
        "/dev/null",
        "--",
        calls,
        "loop",
        "20000",
    ]);
    t.expect(t.code() == Some(0), "the traced program completes");
    let lost: u64 = t
        .stderr
        .lines()
        .find_map(|l| Some(l.strip_prefix("tracer: ")?.split_once(" events lost")?.0))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    t.expect(lost > 0, "the loss is reported with its count");
}

/// The options set globals the verifier knows as constants, so each combination is a
/// different program to verify (code the options turn off is never walked). Every one
/// must load, with raw and with per-syscall tracepoints, well inside the verifier's
/// budget: `--backend=ebpf` fails instead of falling back. (`--cgroup` loads in
/// `tests/filters.rs`.)
#[test]
fn every_option_set_loads_with_either_attach_mode() {
    tracer_tests::skip_unless_root!();
    let option_sets: &[&[&str]] = &[
        &[],
        &["-f"],
        &["-z"],
        &["-Z"],
        &["--min-duration=1us"],
        &["-P", "/etc/passwd"],
        &["-z", "-P", "/etc/passwd", "--min-duration=1us"],
        &["-c"],
        &["-c", "-w"],
        &["-C"],
        &["--diagnose", "--min-duration=1us"],
        &["--stats"],
        &["-s", "4096"],
        &["-f", "-T", "-s", "1"],
    ];
    let attach: &[&[&str]] = &[
        &["--tracepoints=raw"],
        &[
            "--tracepoints=syscall",
            "-e",
            "trace=openat,read,writev,recvmsg,execve",
        ],
    ];
    for options in option_sets {
        for mode in attach {
            let args = [
                &["--backend=ebpf", "-o", "/dev/null"],
                *mode,
                options,
                &["--", "true"],
            ]
            .concat();
            let t = trace(&args);
            t.expect(
                t.code() == Some(0),
                &format!("{args:?} loads and runs: {}", t.stderr),
            );
        }
    }
}
