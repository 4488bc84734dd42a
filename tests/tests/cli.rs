//! The command line itself: every bad invocation gets one line and a non-zero exit and
//! runs nothing; `--help`, `-V` and the generated man page and completions say what
//! they should.

use std::{path::PathBuf, process::Stdio};

use tracer_tests::{Backend, tracer};

/// Bad invocations, one per line. `CMD` is a command that would leave a marker file
/// behind if it ran.
const BAD: &str = "\
--folow-forks CMD
-j CMD
--nosuch-option CMD
-s abc CMD
-s -1 CMD
-s 99999999999 CMD
-a x CMD
-a -5 CMD
-o
-e
-e trace=nosuch CMD
-e trace=/[ CMD
-e trace=/a( CMD
-e trace=%nosuch CMD
-e trace=openat@32 CMD
-e trace=?%nosuch,nosuch CMD
-e signal=SIGFOO CMD
-e signal=999 CMD
-e status=bogus CMD
-e status=all,detached CMD
-e quiet=bogus CMD
-e decode-fds=bogus CMD
-e decode-pids=bogus CMD
-e read=x CMD
-e write=-1 CMD
-e abbrev=nosuch CMD
-e verbose=nosuch CMD
-e raw=nosuch CMD
-e inject=openat CMD
-e inject=openat:error=ENOENT:retval=0 CMD
-e fault=openat:retval=1 CMD
-e inject=openat:when=0:error=EIO CMD
-e kvm=foo CMD
-e trace-fds=3 CMD
-e secontext=full CMD
-e namespace=new CMD
-e foo=bar CMD
--trace=nosuch CMD
--signal=bogus CMD
--status=nope CMD
--quiet=nope CMD
--decode-fds=nope CMD
--decode-pids=nope CMD
--read=x CMD
--write=y CMD
--abbrev=zz CMD
--verbose=zz CMD
--raw=zz CMD
-k CMD
-kk CMD
--stack-trace CMD
--stack-traces=source CMD
--stack-trace-frame-limit=5 CMD
-N CMD
--arg-names CMD
--trace-fds=1 CMD
--inject=openat:poke_enter=@arg9=00 CMD
--fault=openat:error=ENOPE CMD
--kvm=foo CMD
--namespace=new CMD
--secontext CMD
--color=always CMD
-c -C CMD
-c --interval=0s CMD
-c --interval=5 CMD
--interval=1s CMD
--histogram CMD
-w CMD
-U calls CMD
-c -S bogus CMD
-c -U bogus CMD
-c -O abc CMD
-c -ff -o /tmp/tracer-bad-input.out CMD
--min-duration=10 CMD
--min-duration=10m CMD
--min-duration=abc CMD
-t --absolute-timestamps=unix CMD
--absolute-timestamps=bogus CMD
--absolute-timestamps=precision:xs CMD
--relative-timestamps=xs CMD
--syscall-times=xs CMD
-x --strings-in-hex=all CMD
--strings-in-hex=bogus CMD
-X bogus CMD
--const-print-style=rawish CMD
-y --decode-fds=all CMD
-q --quiet=exit CMD
-f --follow-forks CMD
-ff --output-separately CMD
-D --daemonize CMD
-DDDD CMD
--daemonize=bogus CMD
-D -p 1
--argv0=x -p 1
-u nobody -p 1
-b open CMD
--detach-on=close CMD
--syscall-limit=0 CMD
--syscall-limit=abc CMD
-I 7 CMD
-I bogus CMD
--kill-on-exit -p 1
-u nosuchuser-xyz CMD
-u 1:x CMD
--cgroup /nonexistent-cgroup CMD
--cgroup /nonexistent-cgroup
--cgroup /tmp
-p 0
-p abc
-p 2147483647
-p 0 CMD
-p 1,x
--attach=
-o /nonexistent-dir/trace.txt CMD
-o |/nonexistent-pipe-reader CMD
-o | CMD
-ff -o |cat CMD
--output-max-size=10M CMD
--output-max-size=abc -o /tmp/tracer-bad-input.out CMD
--output-max-size=0 -o /tmp/tracer-bad-input.out CMD
--output-keep=0 -o /tmp/tracer-bad-input.out CMD
--buffer-size=1000 CMD
--buffer-size=3M CMD
--buffer-size=2G CMD
--buffer-size=abc CMD
--buffer-size=0 CMD
--backend=bogus CMD
--tracepoints=bogus CMD
--format=xml CMD
--backend=ptrace --cgroup /sys/fs/cgroup
--backend=ptrace --stats CMD
--backend=ptrace --tracepoints=raw CMD
-P /a -P /b -P /c -P /d -P /e CMD
/nonexistent-program
-E A=1 /nonexistent-program
/etc
--generate=bogus
--user
-S
";

/// The marker a bad invocation's command would create, unique per backend and case.
fn marker(backend: Backend, n: usize) -> PathBuf {
    std::env::temp_dir().join(format!("tracer-bad-input-{backend:?}-{n}"))
}

fn bad_input_is_one_line_and_runs_nothing(backend: Backend) {
    let lines: Vec<&str> = BAD.lines().collect();
    assert!(lines.len() >= 100, "the table has {} cases", lines.len());
    let mut failures = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let marker = marker(backend, n);
        let _ = std::fs::remove_file(&marker);
        let mut args: Vec<String> = line.split(' ').map(str::to_owned).collect();
        let cmd = ["touch".to_owned(), marker.display().to_string()];
        // Lines without CMD are bad before any command (or are a bad command).
        if let Some(at) = args.iter().position(|a| a == "CMD") {
            args.splice(at..=at, cmd);
        }
        // The backend first: a line that names one overrides it, as the last one wins.
        args.insert(0, backend.arg().to_owned());
        let out = tracer()
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("run tracer");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let problems = [
            (out.status.success(), "exit status 0"),
            (stderr.lines().count() != 1, "not exactly one line"),
            (!stderr.starts_with("tracer: "), "no `tracer: ` prefix"),
            (!out.stdout.is_empty(), "output on stdout"),
            (marker.exists(), "the command ran"),
        ];
        for (bad, what) in problems {
            if bad {
                failures.push(format!("`{line}`: {what}: {stderr:?} ({})", out.status));
            }
        }
        let _ = std::fs::remove_file(&marker);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Non-UTF-8 in an option's value is refused on one line like any bad value.
fn non_utf8_option_value(backend: Backend) {
    use std::os::unix::ffi::OsStrExt;
    let marker = marker(backend, 1000);
    let out = tracer()
        .arg(backend.arg())
        .arg("-e")
        .arg(std::ffi::OsStr::from_bytes(b"trace=\xff"))
        .args(["touch", &marker.display().to_string()])
        .output()
        .expect("run tracer");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.lines().count() == 1,
        "{stderr}"
    );
    assert!(
        stderr.starts_with("tracer: ") && !marker.exists(),
        "{stderr}"
    );
}

/// An unprivileged user: eBPF is refused with what it would need, on one line; ptrace
/// traces the user's own command.
fn unprivileged_use_says_what_ebpf_needs(backend: Backend) {
    // A copy nobody can run (the build tree may not be reachable for it).
    let copy = std::env::temp_dir().join(format!("tracer-unprivileged-{backend:?}"));
    std::fs::copy(tracer_tests::tracer_bin(), &copy).expect("copy the binary");
    let out = tracer_tests::output_once_not_busy(|| {
        let mut cmd = std::process::Command::new("setpriv");
        tracer_tests::tracer_env(&mut cmd)
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&copy)
            .args([backend.arg(), "-e", "trace=none", "true"])
            .current_dir("/");
        cmd
    });
    let _ = std::fs::remove_file(&copy);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match backend {
        Backend::Ebpf => {
            assert!(!out.status.success(), "{stderr}");
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            let why = "bpf: Operation not permitted; it needs root, or CAP_BPF and CAP_PERFMON";
            assert!(
                stderr.starts_with("tracer: eBPF unavailable (") && stderr.contains(why),
                "{stderr}"
            );
        }
        Backend::Ptrace => {
            assert!(out.status.success(), "{stderr}");
            assert_eq!(stderr, "+++ exited with 0 +++\n");
        }
    }
}

tracer_tests::both_backends!(
    bad_input_is_one_line_and_runs_nothing,
    non_utf8_option_value,
    unprivileged_use_says_what_ebpf_needs
);

#[test]
fn help_is_grouped_as_strace_groups_it() {
    tracer_tests::skip_unless_root!();
    for flag in ["-h", "--help"] {
        let out = tracer().arg(flag).output().expect("run tracer");
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{help}");
        let mut at = 0;
        for heading in [
            "Startup:",
            "Tracing:",
            "Filtering:",
            "Output format:",
            "Statistics:",
            "Miscellaneous:",
            "Trace classes",
            "Privileges:",
            "Exit status:",
        ] {
            let found = help[at..].find(heading);
            assert!(
                found.is_some(),
                "{heading} missing or out of order:\n{help}"
            );
            at += found.unwrap();
        }
        for text in [
            "%network",
            "%%stat",
            "CAP_BPF",
            "128+N",
            "--seccomp-bpf",
            "-e <EXPR>",
        ] {
            assert!(help.contains(text), "{text} missing:\n{help}");
        }
        assert!(!help.contains("--generate"), "hidden options stay hidden");
    }
}

#[test]
fn version_names_the_commit_and_the_backend() {
    tracer_tests::skip_unless_root!();
    let out = tracer().arg("-V").output().expect("run tracer");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("tracer 0.") && lines[0].contains("(commit "),
        "{text}"
    );
    assert!(!lines[0].contains("commit )"), "{text}");
    assert!(
        lines.iter().any(|l| l.starts_with("kernel: Linux ")),
        "{text}"
    );
    // Root on this kernel: eBPF; the line says which and why either way.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("backend: ebpf would be used")),
        "{text}"
    );
}

#[test]
fn man_page_and_completions_come_from_the_definition() {
    tracer_tests::skip_unless_root!();
    let generate = |what: &str| {
        let out = tracer()
            .arg(format!("--generate={what}"))
            .output()
            .expect("run tracer");
        assert!(out.status.success(), "--generate={what}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let man = generate("man");
    assert!(
        man.starts_with(".ie") || man.contains(".TH tracer"),
        "{man}"
    );
    for option in ["follow\\-forks", "syscall\\-limit", "summary\\-only"] {
        assert!(man.contains(option), "{option} missing from the man page");
    }
    assert!(generate("bash").contains("_tracer()"));
    assert!(generate("zsh").contains("#compdef tracer"));
    assert!(generate("fish").contains("complete -c tracer"));
}
