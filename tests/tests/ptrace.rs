//! The ptrace backend: the same text as the eBPF backend for the same commands (after
//! masking what differs between any two runs), the fallback where BPF really is
//! unavailable, signals and stops as strace shows them, and detaching that leaves a
//! multi-threaded process exactly as it was.

use std::{
    collections::HashSet,
    io::{BufRead, BufReader},
    process::{Child, ChildStdout, Command, Stdio},
    sync::LazyLock,
    time::Duration,
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};
use regex::Regex;
use tracer_tests::{Traced, spawn_tracer, trace, tracer_bin};

const SANDBOX: &str = env!("CARGO_BIN_EXE_sandbox");
const MT_WORKER: &str = env!("CARGO_BIN_EXE_mt_worker");

fn with_backend<'a>(backend: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec![backend];
    all.extend_from_slice(args);
    all
}

static ADDR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"0x[0-9a-f]+").unwrap());
static DURATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<\d+\.\d+>").unwrap());
static RANDOM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"getrandom\(".*?""#).unwrap());
static PORT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"htons\(\d+\)").unwrap());
static TIME_LEFT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"left \{tv_sec=\d+, tv_(?:nsec|usec)=\d+\}").unwrap());
static PID_RESULT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:getpid|getppid|gettid|set_tid_address|clone|clone3|fork|vfork|wait4)\(.*= (\d+)(?: <[\d.]+>)?$",
    )
    .unwrap()
});
static PID_FIELD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\[pid +|si_pid=)(\d+)").unwrap());
static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d+\b").unwrap());

/// Splits `-o FILE -f` output (`PID   line`) into one masked stream per task, sorted so
/// that scheduling order does not matter. Signal lines are dropped: only the ptrace
/// backend sees signals.
fn streams(text: &str) -> Vec<Vec<String>> {
    let lines: Vec<(&str, &str)> = text
        .lines()
        .map(|l| {
            let (pid, rest) = l.split_once(' ').unwrap_or(("", l));
            (pid, rest.trim_start())
        })
        .filter(|(_, rest)| !timing_dependent(rest))
        .collect();
    let mut pids: HashSet<String> = lines.iter().map(|(p, _)| p.to_string()).collect();
    for (_, line) in &lines {
        pids.extend(pid_mentions(line));
    }
    let mut order: Vec<&str> = Vec::new();
    for (pid, _) in &lines {
        if !order.contains(pid) {
            order.push(pid);
        }
    }
    let mut out: Vec<Vec<String>> = order
        .iter()
        .map(|pid| {
            lines
                .iter()
                .filter(|(p, l)| p == pid && !l.starts_with("--- "))
                .map(|(_, l)| mask(l, &pids))
                .collect()
        })
        .map(rejoined)
        .collect();
    out.sort();
    out
}

/// A task's lines with a call shown in progress and resumed (`vfork( <unfinished ...>`,
/// `<... vfork resumed>) = PID`: whether another task's line came between depends on
/// the backend's timing) made one line again, the result's column aside.
fn rejoined(lines: Vec<String>) -> Vec<String> {
    let column = Regex::new(r"\s+= ").unwrap();
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        let resumed = line
            .strip_prefix("<... ")
            .and_then(|r| r.split_once(" resumed>"))
            .map(|(_, rest)| rest.to_owned());
        match (out.last_mut(), resumed) {
            (Some(open), Some(rest)) if open.ends_with(" <unfinished ...>") => {
                open.truncate(open.len() - " <unfinished ...>".len());
                open.push_str(&rest);
            }
            _ => out.push(line),
        }
    }
    out.into_iter()
        .map(|l| column.replace_all(&l, " = ").into_owned())
        .collect()
}

fn pid_mentions(line: &str) -> Vec<String> {
    let mut found: Vec<String> = PID_FIELD
        .captures_iter(line)
        .map(|c| c[1].to_owned())
        .collect();
    if let Some(c) = PID_RESULT.captures(line) {
        found.push(c[1].to_owned());
    }
    found
}

fn mask(line: &str, pids: &HashSet<String>) -> String {
    let line = ADDR.replace_all(line, "0xADDR");
    let line = DURATION.replace_all(&line, "<T>");
    let line = RANDOM.replace_all(&line, "getrandom(RANDOM");
    let line = PORT.replace_all(&line, "htons(PORT)");
    let line = TIME_LEFT.replace_all(&line, "left {TIME}");
    NUMBER
        .replace_all(&line, |c: &regex::Captures| {
            if pids.contains(&c[0]) {
                "PID".to_owned()
            } else {
                c[0].to_owned()
            }
        })
        .into_owned()
}

/// The masked lines of a single-task trace.
/// Lines whose place depends on when a signal lands, which differs between a process that
/// ptrace stops at every call and one that runs freely: signal lines and the return from
/// a signal handler.
fn timing_dependent(line: &str) -> bool {
    line.starts_with("--- ") || line.starts_with("rt_sigreturn(")
}

fn masked(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().filter(|l| !timing_dependent(l)).collect();
    let pids: HashSet<String> = lines.iter().flat_map(|l| pid_mentions(l)).collect();
    lines.iter().map(|l| mask(l, &pids)).collect()
}

/// Runs `tracer BACKEND [-f] -o FILE ARGS` (a file, so the command's own stderr does not
/// mix with the trace) and returns the exit status, the command's stdout and the trace.
fn trace_to_file(backend: &str, follow: bool, args: &[&str]) -> (Option<i32>, String, String) {
    trace_to_file_with(&[], backend, follow, args)
}

/// [`trace_to_file`] with `env` set for the tracer.
fn trace_to_file_with(
    env: &[(&str, &str)],
    backend: &str,
    follow: bool,
    args: &[&str],
) -> (Option<i32>, String, String) {
    static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = std::env::temp_dir().join(format!("tracer-ptrace-{}-{n}", std::process::id()));
    let out = file.to_str().unwrap();
    let mut all = vec![backend, "-o", out];
    if follow {
        all.push("-f");
    }
    all.extend_from_slice(args);
    let output = tracer_tests::tracer()
        .envs(env.iter().copied())
        .args(&all)
        .stdin(Stdio::null())
        .output()
        .expect("run tracer");
    let t = Traced::from(output);
    let text = std::fs::read_to_string(&file).expect("trace file");
    let _ = std::fs::remove_file(&file);
    (t.code(), t.stdout, text)
}

/// The syscall mix's command line (`-s 64`), in `scratch`: without address
/// randomisation, as the Rust runtime reads /proc/self/maps.
fn syscall_mix(scratch: &std::path::Path) -> [&str; 7] {
    [
        "-s",
        "64",
        "--",
        "setarch",
        "-R",
        env!("CARGO_BIN_EXE_syscall_mix"),
        scratch.to_str().unwrap(),
    ]
}

#[track_caller]
fn assert_same(what: &str, ebpf: &[impl AsRef<str>], ptrace: &[impl AsRef<str>]) {
    let (e, p): (Vec<&str>, Vec<&str>) = (
        ebpf.iter().map(AsRef::as_ref).collect(),
        ptrace.iter().map(AsRef::as_ref).collect(),
    );
    if e != p {
        let first = e
            .iter()
            .zip(&p)
            .position(|(a, b)| a != b)
            .unwrap_or(e.len().min(p.len()));
        panic!(
            "{what}: the backends differ at line {first}:\n  ebpf:   {:?}\n  ptrace: {:?}\n\
             --- ebpf ---\n{}\n--- ptrace ---\n{}",
            e.get(first),
            p.get(first),
            e.join("\n"),
            p.join("\n")
        );
    }
}

#[test]
fn both_backends_print_the_same_trace() {
    tracer_tests::skip_unless_root!();
    let scenarios: &[&[&str]] = &[
        &["--", "true"],
        &["--", "cat", "/etc/hostname"],
        &["--", "cat", "/nonexistent/tracer-test"],
        &["--", "sh", "-c", "exit 7"],
        &["-T", "--", "true"],
        &["-s", "4", "--", "cat", "/etc/hostname"],
        // A partial trace set: the ptrace backend filters with seccomp.
        &[
            "-e",
            "trace=openat,read,write,close,exit_group",
            "--",
            "cat",
            "/etc/hostname",
        ],
    ];
    // Every decoder the mix exercises (iovecs, messages, sockets, structs) reads the
    // same bytes from both backends.
    let scratch = std::env::temp_dir().join(format!("tracer-ptrace-mix-{}", std::process::id()));
    let mix = syscall_mix(&scratch);
    for args in scenarios.iter().copied().chain([&mix[..]]) {
        // The mix leaves its directory empty; it must exist.
        std::fs::create_dir_all(&scratch).expect("create the scratch directory");
        let e = trace_to_file("--backend=ebpf", false, args);
        let p = trace_to_file("--backend=ptrace", false, args);
        assert_eq!(e.0, p.0, "{args:?}: exit status");
        assert_eq!(e.1, p.1, "{args:?}: the command's output");
        assert_same(&format!("{args:?}"), &masked(&e.2), &masked(&p.2));
    }
}

/// The eBPF exit program comes twice: with its loops (iovec arrays, message vectors,
/// directory entries) unrolled, for kernels before 5.17, and run by `bpf_loop`, which the
/// loader picks where the kernel has it. Both copy the same bytes: the mix's lines are
/// the same whichever this kernel runs (on one older than 5.17 both runs take the
/// unrolled one, and the kernel matrix covers it there).
#[test]
fn the_exit_programs_twins_print_the_same_trace() {
    tracer_tests::skip_unless_root!();
    let scratch = std::env::temp_dir().join(format!("tracer-twins-mix-{}", std::process::id()));
    let mix = syscall_mix(&scratch);
    let mmsg = [
        "--",
        "setarch",
        "-R",
        env!("CARGO_BIN_EXE_workload"),
        "mmsg",
    ];
    let mut seen = String::new();
    for args in [&mix[..], &mmsg[..]] {
        std::fs::create_dir_all(&scratch).expect("create the scratch directory");
        // As many variables each time: the command's execve line counts them.
        let looped = trace_to_file_with(&[("TRACER_TWIN", "1")], "--backend=ebpf", false, args);
        let unrolled = trace_to_file_with(
            &[("TRACER_NO_BPF_LOOP", "1")],
            "--backend=ebpf",
            false,
            args,
        );
        assert_eq!(looped.0, Some(0), "{args:?} runs: {}", looped.2);
        assert_eq!(looped.1, unrolled.1, "{args:?}: the command's output");
        assert_same(
            &format!("{args:?}: the two exit programs"),
            &masked(&looped.2),
            &masked(&unrolled.2),
        );
        seen.push_str(&looped.2);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    for call in ["readv(", "recvmmsg(", "sendmmsg(", "getdents64("] {
        assert!(
            seen.lines().any(|l| l.starts_with(call)),
            "the programs make {call}...): {seen}"
        );
    }
}

#[test]
fn both_backends_agree_on_every_task_with_f() {
    tracer_tests::skip_unless_root!();
    let scenarios: &[&[&str]] = &[
        &["--", "sh", "-c", "/bin/true; exit 3"],
        &[
            "-e",
            "trace=execve,wait4,exit_group",
            "--",
            "sh",
            "-c",
            "/bin/true; /bin/true",
        ],
    ];
    for args in scenarios {
        let e = trace_to_file("--backend=ebpf", true, args);
        let p = trace_to_file("--backend=ptrace", true, args);
        assert_eq!(e.0, p.0, "{args:?}: exit status");
        let (es, ps) = (streams(&e.2), streams(&p.2));
        assert_eq!(es.len(), ps.len(), "{args:?}: tasks\n{}\n---\n{}", e.2, p.2);
        for (e, p) in es.iter().zip(&ps) {
            assert_same(&format!("{args:?}"), e, p);
        }
    }
}

fn ptrace(args: &[&str]) -> Traced {
    trace(&with_backend("--backend=ptrace", args))
}

#[test]
fn signals_are_shown_and_delivered() {
    tracer_tests::skip_unless_root!();
    let t = ptrace(&["-f", "--", "sh", "-c", "/bin/true; exit 0"]);
    t.expect(t.code() == Some(0), "success");
    let sigchld = Regex::new(concat!(
        r"^--- SIGCHLD \{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=\d+, si_uid=0, ",
        r"si_status=0, si_utime=\d+, si_stime=\d+\} ---$",
    ))
    .unwrap();
    t.expect(
        t.lines().iter().any(|l| sigchld.is_match(l)),
        "the shell's SIGCHLD is shown as strace shows it",
    );

    let t = ptrace(&["--", "sh", "-c", "kill -KILL $$"]);
    t.expect(
        t.killed_by() == Some(9),
        "killed by SIGKILL, as the command",
    );
    t.expect(
        t.lines().last() == Some(&"+++ killed by SIGKILL +++"),
        "killed line",
    );
}

#[test]
fn a_stopped_child_stays_stopped_until_continued() {
    tracer_tests::skip_unless_root!();
    // Under the trace, kill -STOP/-CONT must do what they do untraced: the parent sees
    // the child stop and continue, and the child finishes normally.
    let script = "sleep 0.5 & p=$!; /bin/sleep 0.1; kill -STOP $p; /bin/sleep 0.3; \
                  kill -CONT $p; wait $p; echo done $?";
    let t = ptrace(&["-f", "-e", "trace=kill", "--", "sh", "-c", script]);
    t.expect(t.code() == Some(0), "success");
    t.expect(
        t.stdout.trim() == "done 0",
        "the stopped child finished normally",
    );
    t.expect(
        t.stderr.contains("--- stopped by SIGSTOP ---"),
        "the group-stop is shown",
    );
    t.expect(
        t.stderr.contains("si_code=CLD_STOPPED") && t.stderr.contains("si_code=CLD_CONTINUED"),
        "the parent is told about the stop and the continue",
    );
}

#[test]
fn execve_in_a_multithreaded_process() {
    tracer_tests::skip_unless_root!();
    let t = ptrace(&[
        "-f",
        "-e",
        "trace=execve,exit_group",
        "--",
        MT_WORKER,
        "exec",
    ]);
    t.expect(t.code() == Some(0), "/bin/true's status");
    // As strace shows a thread's exec: its call cut where the thread took the leader's
    // pid, then resumed under that pid.
    t.expect(
        t.calls("execve")
            .iter()
            .any(|l| l.starts_with("execve(\"/bin/true\"") && l.contains("<pid changed to ")),
        "the second thread's execve is shown",
    );
    t.expect(
        t.lines()
            .iter()
            .any(|l| tracer_tests::strip_pid_prefix(l) == "<... execve resumed>)       = 0"),
        "and completes",
    );
    t.expect(
        t.lines().last() == Some(&"+++ exited with 0 +++"),
        "the new program's exit",
    );
}

fn sandboxed(mode: &str, args: &[&str]) -> Traced {
    let bin = tracer_bin();
    let output = Command::new(SANDBOX)
        .args([mode, "--", bin.to_str().unwrap()])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run the sandbox");
    Traced::from(output)
}

#[track_caller]
fn assert_falls_back(t: &Traced, why: &str) {
    let lines = t.lines();
    t.expect(
        lines.first() == Some(&format!("tracer: eBPF unavailable ({why}); using ptrace").as_str()),
        "one line says why eBPF is not used",
    );
    t.expect(
        lines.get(1).is_some_and(|l| l.starts_with("execve(")),
        "the trace starts at the execve",
    );
    t.expect(
        lines.last() == Some(&"+++ exited with 0 +++"),
        "and ends with the exit",
    );
    t.expect(t.code() == Some(0), "the command's status");
    t.expect(
        t.calls("openat")
            .iter()
            .any(|l| l.starts_with("openat(AT_FDCWD, \"/etc/hostname\"")),
        "calls are decoded",
    );
}

#[test]
fn falls_back_where_the_kernel_has_no_bpf() {
    tracer_tests::skip_unless_root!();
    let t = sandboxed("no-bpf", &["--", "cat", "/etc/hostname"]);
    assert_falls_back(&t, "bpf: Function not implemented");
    t.expect(!t.stdout.is_empty(), "cat's output comes through");

    let t = sandboxed("no-bpf", &["--backend=ebpf", "--", "true"]);
    t.expect(t.code() == Some(1), "--backend=ebpf fails");
    t.expect(
        t.lines() == ["tracer: eBPF unavailable (bpf: Function not implemented)"],
        "with the reason, and no fallback",
    );
}

#[test]
fn falls_back_for_an_unprivileged_user() {
    tracer_tests::skip_unless_root!();
    let t = sandboxed("nobody", &["-f", "--", "sh", "-c", "cat /etc/hostname"]);
    assert_falls_back(
        &t,
        "bpf: Operation not permitted; it needs root, or CAP_BPF and CAP_PERFMON",
    );
}

/// The multi-threaded worker, started untraced; returns once it is running.
fn start_worker() -> (Child, BufReader<ChildStdout>) {
    let mut child = Command::new(MT_WORKER)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start mt_worker");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    (child, out)
}

/// What mt_worker computes when nothing disturbs it.
fn expected_result() -> String {
    let result = (0..3u64)
        .map(|seed| {
            (0..1500u64).fold(seed, |acc, step| {
                acc.wrapping_mul(6364136223846793005).wrapping_add(step)
            })
        })
        .fold(0u64, u64::wrapping_add);
    format!("result={result} signals=300\n")
}

#[track_caller]
fn assert_no_thread_stopped(pid: u32) {
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).unwrap() {
        let stat = std::fs::read_to_string(task.unwrap().path().join("stat")).unwrap_or_default();
        let state = stat.rsplit_once(") ").and_then(|(_, s)| s.chars().next());
        assert!(
            !matches!(state, Some('t' | 'T')),
            "a thread of {pid} is left stopped: {stat}"
        );
    }
}

#[track_caller]
fn assert_worker_finishes(mut child: Child, mut out: BufReader<ChildStdout>) {
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "the worker failed ({status:?}): {rest}");
    assert_eq!(rest, expected_result(), "the worker's result");
}

fn attach_to_worker(pid: u32) -> (Child, tracer_tests::LineWatcher) {
    let pid = pid.to_string();
    // -f: every thread is seized (the workers make the getppid calls).
    let (tracer, mut out) = spawn_tracer(&["--backend=ptrace", "-f", "-p", &pid]);
    out.wait_for("traced calls of the worker", Duration::from_secs(10), |s| {
        s.contains("attached") && s.matches("getppid()").count() > 20
    });
    (tracer, out)
}

#[test]
fn detaching_leaves_a_multithreaded_process_running() {
    tracer_tests::skip_unless_root!();
    for signal in [Signal::SIGINT, Signal::SIGHUP] {
        let (worker, out) = start_worker();
        let (mut tracer, lines) = attach_to_worker(worker.id());
        kill(Pid::from_raw(tracer.id() as i32), signal).unwrap();
        let status = tracer.wait().unwrap();
        let text = lines.finish();
        // As strace: the process let go of, the signal ends the tracer.
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(signal as i32),
            "tracer ends by {signal}: {status:?}"
        );
        assert!(
            text.contains(&format!("Process {} detached", worker.id())),
            "{text}"
        );
        assert_no_thread_stopped(worker.id());
        assert_worker_finishes(worker, out);
    }
}

#[test]
fn a_killed_tracer_leaves_the_process_running() {
    tracer_tests::skip_unless_root!();
    let (worker, out) = start_worker();
    let (mut tracer, _lines) = attach_to_worker(worker.id());
    tracer.kill().unwrap();
    tracer.wait().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert_no_thread_stopped(worker.id());
    assert_worker_finishes(worker, out);
}

/// `rt_sigreturn` has no arguments: both backends read the mask it restores from the
/// signal frame at the stack pointer. A narrow trace set must still give the registers
/// (raw tracepoints, not per-syscall ones). And a signal the process ignores (its
/// child's SIGCHLD, default action) is shown as strace shows it, though the eBPF path
/// never sees it delivered.
#[test]
fn handled_and_ignored_signals_show_as_with_strace() {
    tracer_tests::skip_unless_root!();
    for backend in ["--backend=ebpf", "--backend=ptrace"] {
        for set in ["trace=all", "trace=rt_sigreturn,kill"] {
            let dir = std::env::temp_dir().join(format!(
                "tracer-sigreturn-{}-{}",
                std::process::id(),
                backend.len() + set.len()
            ));
            std::fs::create_dir_all(&dir).expect("create the scratch directory");
            let t = tracer_tests::trace(&[
                backend,
                "-e",
                set,
                "--",
                env!("CARGO_BIN_EXE_syscall_mix"),
                dir.to_str().unwrap(),
            ]);
            t.expect(t.code() == Some(0), "the mix succeeds");
            let sigreturns = t.calls("rt_sigreturn");
            t.expect(
                sigreturns
                    .iter()
                    .any(|l| l.starts_with("rt_sigreturn({mask=[USR2]})") && l.ends_with("= 0")),
                &format!("{backend} {set}: rt_sigreturn({{mask=[USR2]}}) = 0"),
            );
            t.expect(
                t.lines().iter().any(|l| {
                    l.starts_with("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=")
                        && l.contains(", si_status=3,")
                }),
                &format!("{backend} {set}: the child's SIGCHLD"),
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
}

/// Without -f, children run untraced: they must not inherit the seccomp filter a partial
/// trace set would use (its stops fail a call with ENOSYS when nobody traces it).
#[test]
fn children_run_unharmed_without_f_and_a_partial_set() {
    tracer_tests::skip_unless_root!();
    let t = tracer_tests::trace(&[
        "--backend=ptrace",
        "-e",
        "trace=openat,execve",
        "--",
        "sh",
        "-c",
        "/bin/true && /bin/echo child-ran",
    ]);
    t.expect(t.code() == Some(0), "the command succeeds");
    t.expect(
        t.stdout.trim_end() == "child-ran",
        "the child's exec worked and it printed",
    );
}

/// strace decides a line's `[pid N]` prefix when the line starts: the call that creates
/// the first child is printed unprefixed, the child's lines prefixed.
#[test]
fn the_first_fork_line_has_no_pid_prefix() {
    tracer_tests::skip_unless_root!();
    for backend in ["--backend=ebpf", "--backend=ptrace"] {
        let t = tracer_tests::trace(&[backend, "-f", "--", "sh", "-c", "/bin/true; echo x"]);
        t.expect(t.code() == Some(0), "sh succeeds");
        let lines = t.lines();
        let fork = lines.iter().find(|l| {
            let call = tracer_tests::strip_pid_prefix(l);
            ["clone(", "clone3(", "fork(", "vfork("]
                .iter()
                .any(|c| call.starts_with(c))
        });
        t.expect(
            fork.is_some_and(|l| !l.starts_with("[pid")),
            &format!("{backend}: the first fork line is unprefixed: {fork:?}"),
        );
        t.expect(
            lines
                .iter()
                .any(|l| l.starts_with("[pid") && l.contains("execve(\"/bin/true\"")),
            &format!("{backend}: the child's lines are prefixed"),
        );
    }
}

/// `-P` with ptrace looks up in `/proc` a descriptor it never saw opened, as strace does:
/// the reads of a file opened by a call not traced are shown. (The kernel programs know
/// only the descriptors they saw opened or that were open when the trace began.)
#[test]
fn trace_path_finds_fds_opened_by_calls_not_traced() {
    let t = trace(&[
        "--backend=ptrace",
        "-e",
        "trace=read",
        "-P",
        "/etc/hostname",
        "--",
        "cat",
        "/etc/hostname",
    ]);
    t.expect(t.code() == Some(0), "success");
    let reads = t.calls("read");
    t.expect(
        reads.iter().any(|l| !l.ends_with("= 0")) && reads.len() >= 2,
        "the reads of the file, to its end",
    );
    t.expect(
        reads
            .iter()
            .all(|l| l.starts_with(reads[0].split(',').next().unwrap())),
        "only the reads of its fd",
    );
}

/// `-P` as strace's `pathtrace.c` matches the calls whose descriptors or paths are not
/// (only) their first arguments: a `poll` array's descriptors, `select`'s sets,
/// `renameat`'s second path (not `rename`'s), `fsconfig`'s by command. (The kernel
/// programs let these calls through for userspace to decide.)
#[test]
fn trace_path_matches_arrays_sets_and_second_paths() {
    tracer_tests::skip_unless_root!();
    for backend in ["--backend=ebpf", "--backend=ptrace"] {
        trace_path_matches_arrays_sets_and_second_paths_on(backend);
    }
}

fn trace_path_matches_arrays_sets_and_second_paths_on(backend: &str) {
    let script = "import os, select\n\
                  fd = os.open('/dev/full', os.O_WRONLY)\n\
                  p = select.poll()\n\
                  p.register(fd, select.POLLOUT)\n\
                  p.poll(0)\n\
                  select.select([], [fd], [], 0)\n\
                  select.select([], [1], [], 0)\n\
                  d = os.open('/', os.O_RDONLY)\n\
                  for dst in ('/dev/full', '/nonexistent-tracer-dst'):\n\
                  \x20   try: os.rename('/nonexistent-tracer-src', dst, src_dir_fd=d, dst_dir_fd=d)\n\
                  \x20   except OSError: pass";
    let t = trace(&[
        backend,
        "-e",
        "trace=poll,select,pselect6,rename,renameat,renameat2",
        "-P",
        "/dev/full",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), &format!("{backend}: python exits 0"));
    let lines = t.lines();
    let has = |start: &str| lines.iter().any(|l| l.starts_with(start));
    t.expect(
        has("poll([{fd="),
        &format!("{backend}: the poll of its descriptor"),
    );
    t.expect(
        (lines.iter())
            .filter(|l| l.starts_with("select(") || l.starts_with("pselect6("))
            .count()
            == 1,
        &format!("{backend}: the select of its descriptor only"),
    );
    t.expect(
        lines
            .iter()
            .filter(|l| l.starts_with("rename"))
            .all(|l| l.contains("\"/dev/full\""))
            && has("rename"),
        &format!("{backend}: the rename onto it only"),
    );
}
