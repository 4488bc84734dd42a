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

/// `--tracepoints=auto` attaches a started command's narrow trace with fentry/fexit on
/// the syscall functions where the kernel allows BPF trampolines, so that no other
/// process pays for it, and falls back to the raw tracepoints where it refuses them (a
/// 6.18 development kernel refuses every tracing program): `--stats` and `-V` say which
/// and why, `--tracepoints=fentry` makes a refusal a one-line error, and the lines are
/// the raw tracepoints' either way: `-f`'s children, the result filters, `-c`'s counts.
/// eBPF only: where the kernel programs attach is the eBPF backend's own fact (ptrace
/// attaches nothing); the VM matrix (`vm_check`'s `trampolines`) checks the kernels that
/// allow them.
#[test]
fn a_narrow_trace_takes_trampolines_or_says_why_not() {
    tracer_tests::skip_unless_root!();
    let file = std::env::temp_dir().join(format!("tracer-trampolines-{}", std::process::id()));
    std::fs::write(&file, "trampolines\n").expect("write the file");
    let script = format!(
        "echo $$; cat {0} >/dev/null; cat {0}.missing 2>/dev/null; cat {0} >/dev/null",
        file.display()
    );
    let run = |options: &[&str]| {
        let set = ["-e", "trace=openat,read,close,exit_group"];
        let command = ["--", "sh", "-c", &script];
        trace(&[&["--backend=ebpf", "-f"], options, &set, &command].concat())
    };
    // Each process's lines (the shell's unprefixed ones its own, calls cut by another
    // process's lines joined), processes in any order: which runs first is the
    // scheduler's choice. No tracer notes, no signals (whose si_pid differs).
    let comparable = |t: &Traced| -> Vec<Vec<String>> {
        let shell = t.stdout.lines().next().unwrap_or_default().to_owned();
        let mut pids: Vec<String> = Vec::new();
        let mut streams: Vec<(Vec<String>, Option<String>)> = Vec::new();
        for line in t.lines() {
            let (pid, body) = match line.strip_prefix("[pid ") {
                Some(rest) => rest
                    .split_once("] ")
                    .map_or((shell.as_str(), line), |(p, b)| (p.trim(), b)),
                None => (shell.as_str(), line),
            };
            if body.starts_with("tracer: ") || body.starts_with("--- ") {
                continue;
            }
            let at = pids.iter().position(|p| p == pid).unwrap_or_else(|| {
                pids.push(pid.to_owned());
                streams.push((Vec::new(), None));
                pids.len() - 1
            });
            let (lines, pending) = &mut streams[at];
            if let Some(start) = body.strip_suffix("<unfinished ...>") {
                *pending = Some(start.trim_end().to_owned());
            } else if let Some(rest) = body.strip_prefix("<... ")
                && let Some(start) = pending.take()
            {
                lines.push(format!("{start} <...> {rest}"));
            } else {
                lines.push(body.to_owned());
            }
        }
        let mut streams: Vec<Vec<String>> = streams.into_iter().map(|(l, _)| l).collect();
        streams.sort();
        streams
    };
    let attached = |t: &Traced| -> String {
        t.lines()
            .iter()
            .find_map(|l| l.strip_prefix("tracer: syscall programs: "))
            .unwrap_or_default()
            .to_owned()
    };
    let auto = run(&["--stats"]);
    auto.expect(auto.code() == Some(0), "the narrow trace runs");
    let facts = attached(&auto);
    let forced = run(&["--tracepoints=fentry"]);
    let version = tracer().arg("-V").output().expect("tracer -V");
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    let narrow = version
        .lines()
        .find(|l| l.starts_with("narrow traces (up to "))
        .unwrap_or_default();
    if facts.starts_with("fentry/fexit") {
        forced.expect(forced.code() == Some(0), "trampolines load when forced");
        assert!(narrow.contains("fentry/fexit"), "-V: {version}");
    } else {
        auto.expect(
            facts.starts_with("raw tracepoints") && facts.contains("; not fentry/fexit: "),
            &format!("--stats says the raw tracepoints serve, and why: {facts:?}"),
        );
        let why = facts.split_once("; not fentry/fexit: ").unwrap().1;
        forced.expect(forced.code() != Some(0), "a refusal fails the forced mode");
        let errors: Vec<&str> = forced
            .lines()
            .into_iter()
            .filter(|l| l.starts_with("tracer: "))
            .collect();
        forced.expect(
            errors.len() == 1 && errors[0].contains(why),
            &format!("one line with the same reason ({why})"),
        );
        forced.expect(forced.calls("openat").is_empty(), "nothing traced");
        assert!(
            narrow.contains("raw tracepoints") && narrow.contains(why),
            "-V gives the reason: {version}"
        );
    }
    for options in [&[][..], &["-z"], &["-Z"]] {
        let auto = run(options);
        let raw = run(&[options, &["--tracepoints=raw"]].concat());
        auto.expect(auto.code() == Some(0), "auto runs");
        raw.expect(raw.code() == Some(0), "raw runs");
        assert_eq!(
            comparable(&auto),
            comparable(&raw),
            "{options:?}: the same lines as the raw tracepoints"
        );
        if options.is_empty() {
            // dash runs the last command in the shell's own process.
            auto.expect(comparable(&auto).len() >= 3, "the shell and its children");
        }
    }
    // -c: the same calls and errors (the times differ, and so the rows' order).
    let counts = |t: &Traced| tracer_tests::summary_counts(&t.lines());
    let (auto, raw) = (run(&["-c"]), run(&["-c", "--tracepoints=raw"]));
    let _ = std::fs::remove_file(&file);
    assert_eq!(counts(&auto), counts(&raw), "-c counts");
    auto.expect(!counts(&auto).is_empty(), "-c rows");
}
