//! Following threads, as strace does: without `-f` only the task started (or named by
//! `-p`) is traced, not the other threads of its process: no `[pid N]` lines, no calls
//! of theirs, no exit lines of theirs, nothing of theirs counted by `-c`. With `-f`
//! every thread is. On both backends, and for `-p` checked against strace itself.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::Duration,
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};
use tracer_tests::{Backend, Traced, both_backends, spawn_tracer, trace};

const MT_WORKER: &str = env!("CARGO_BIN_EXE_mt_worker");
/// getppid calls of each of the two threads `mt_worker threads` starts.
const THREAD_CALLS: usize = 5;

fn launched(backend: Backend, extra: &[&str]) -> Traced {
    let mut args = vec![backend.arg()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", MT_WORKER, "threads"]);
    let t = trace(&args);
    t.expect(t.code() == Some(0), "the worker exits 0 under the trace");
    t
}

/// The calls column of `-c`'s row for `name` (None: no row).
fn counted(t: &Traced, name: &str) -> Option<u64> {
    t.lines().iter().find_map(|l| {
        let cols: Vec<&str> = l.split_whitespace().collect();
        (cols.last() == Some(&name)).then(|| cols[3].parse().unwrap())
    })
}

fn launched_threads_only_with_f(backend: Backend) {
    let t = launched(backend, &[]);
    t.expect(!t.calls("getpid").is_empty(), "the main thread is traced");
    t.expect(
        t.calls("getppid").is_empty(),
        "the other threads are not traced without -f",
    );
    t.expect(
        !t.stderr.contains("[pid "),
        "no [pid N] lines without -f: one task is traced",
    );
    let exits: Vec<&str> = t
        .lines()
        .into_iter()
        .filter(|l| l.contains("+++ exited"))
        .collect();
    t.expect(
        exits == ["+++ exited with 0 +++"],
        "one exit line, the process's",
    );
    t.expect(
        t.lines().last() == Some(&"+++ exited with 0 +++"),
        "the exit line is the last",
    );

    let t = launched(backend, &["-f"]);
    t.expect(
        t.calls("getppid").len() == 2 * THREAD_CALLS,
        "with -f every thread's calls are traced",
    );
    t.expect(
        t.lines()
            .iter()
            .filter(|l| l.starts_with("[pid ") && l.ends_with("+++ exited with 0 +++"))
            .count()
            == 2,
        "with -f each thread's exit is shown",
    );
}

fn summary_counts_only_traced_threads(backend: Backend) {
    let t = launched(backend, &["-c"]);
    t.expect(
        counted(&t, "getpid") == Some(1),
        "the main thread's call counted",
    );
    t.expect(
        counted(&t, "getppid").is_none(),
        "without -f the other threads' calls are not counted",
    );
    let t = launched(backend, &["-c", "-f"]);
    t.expect(
        counted(&t, "getppid") == Some(2 * THREAD_CALLS as u64),
        "with -f every thread's calls are counted",
    );
}

/// `mt_worker spin`, running untraced: the main thread calls getpid, a second getppid.
struct Spinner(Child, u32);

impl Spinner {
    fn start() -> Self {
        let mut child = Command::new(MT_WORKER)
            .arg("spin")
            .stdout(Stdio::piped())
            .spawn()
            .expect("start mt_worker spin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let pid = line.trim().parse().unwrap();
        Self(child, pid)
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Attaches `program ARGS -p PID` to a spinner, lets it trace until the main thread's
/// getpid has shown a few times, interrupts it, and returns its output.
fn attach(program: Option<&str>, args: &[&str], pid: u32) -> String {
    let pid = pid.to_string();
    let mut all = args.to_vec();
    all.extend_from_slice(&["-p", &pid]);
    let (mut child, mut out) = match program {
        None => spawn_tracer(&all),
        Some(program) => {
            let mut child = Command::new(program)
                .args(&all)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn strace");
            let out = tracer_tests::LineWatcher::new(child.stderr.take().unwrap());
            (child, out)
        }
    };
    out.wait_for("the main thread's calls", Duration::from_secs(10), |s| {
        s.matches("getpid()").count() >= 5
    });
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    child.wait().unwrap();
    out.finish()
}

/// What a `-p` trace of the spinner shows: whether the other thread's calls appear, and
/// whether lines have `[pid N]` prefixes.
fn shape(text: &str) -> (bool, bool) {
    (text.contains("getppid()"), text.contains("[pid "))
}

fn attach_without_f_traces_the_named_thread(backend: Backend) {
    let spinner = Spinner::start();
    let text = attach(None, &[backend.arg()], spinner.1);
    assert!(
        text.contains(&format!("Process {} attached", spinner.1)),
        "{text}"
    );
    assert_eq!(
        shape(&text),
        (false, false),
        "-p without -f traces only the thread named:\n{text}"
    );
    let text = attach(None, &[backend.arg(), "-f"], spinner.1);
    assert_eq!(
        shape(&text),
        (true, true),
        "-p with -f traces every thread:\n{text}"
    );
}

fn strace_installed() -> bool {
    Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The tracer's `-p`, with and without `-f`, is what strace's is on this machine.
#[test]
fn attach_matches_strace() {
    tracer_tests::skip_unless_root!();
    if !strace_installed() {
        println!("skipped: no strace to compare with");
        return;
    }
    let spinner = Spinner::start();
    for follow in [&[][..], &["-f"][..]] {
        let strace = attach(Some("strace"), follow, spinner.1);
        for backend in [Backend::Ebpf, Backend::Ptrace] {
            let mut args = vec![backend.arg()];
            args.extend_from_slice(follow);
            let ours = attach(None, &args, spinner.1);
            assert_eq!(
                shape(&ours),
                shape(&strace),
                "{backend:?} {follow:?}: the tracer's\n{ours}\nstrace's\n{strace}"
            );
        }
    }
}

both_backends!(
    launched_threads_only_with_f,
    summary_counts_only_traced_threads,
    attach_without_f_traces_the_named_thread,
    an_exec_in_another_thread_ends_with_its_program,
    an_exec_in_another_thread_supersedes_the_leader,
    a_superseded_leader_in_json,
);

/// With `-f`, a thread other than the leader that execs takes the process's id (strace's
/// threads-execve.test): the trace follows the new program and ends with it, waiting for
/// no thread id that no longer exists.
fn an_exec_in_another_thread_ends_with_its_program(backend: Backend) {
    let script = "import os, threading, time\n\
                  threading.Thread(target=lambda: os.execv('/bin/true', ['true'])).start()\n\
                  time.sleep(60)";
    let (mut tracer, watcher) = spawn_tracer(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=execve",
        "--",
        "python3",
        "-c",
        script,
    ]);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = tracer.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = tracer.kill();
            let _ = tracer.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let seen = watcher.finish();
    let status = status.unwrap_or_else(|| panic!("the trace never ended:\n{seen}"));
    assert_eq!(status.code(), Some(0), "true's status\n{seen}");
    // Its pid changed to the leader's, where the call returns (strace's
    // maybe_switch_current_tcp).
    assert!(
        seen.lines()
            .any(|l| l.contains("execve(\"/bin/true\", [\"true\"]")
                && l.contains(" <pid changed to "))
            && (seen.lines()).any(|l| l.contains("<... execve resumed>) ") && l.ends_with("= 0")),
        "the thread's exec\n{seen}"
    );
}

/// The leader of a process whose other thread execs is gone (strace's
/// status-unfinished-threads.test): its sleep never returns and shows as strace shows a
/// call its task died in, what its entry showed and `<unfinished ...>) = ?` (the time
/// left would have come at its exit), then `+++ superseded by execve in pid T +++`;
/// `--quiet=thread-execve` drops that line.
fn an_exec_in_another_thread_supersedes_the_leader(backend: Backend) {
    // `-qq` drops the exit lines only.
    for quiet in [None, Some("--quiet=thread-execve"), Some("-qq")] {
        let mut args = vec![
            backend.arg(),
            "-f",
            "-e",
            "trace=execve,nanosleep,clock_nanosleep",
        ];
        args.extend(quiet);
        let quiet = quiet == Some("--quiet=thread-execve");
        args.extend(["--", MT_WORKER, "exec"]);
        let t = trace(&args);
        t.expect(t.code() == Some(0), "/bin/true's status");
        let lines = t.lines();
        let pid_of = |l: &str| {
            l.strip_prefix("[pid")
                .and_then(|r| r.split(']').next())
                .map(|n| n.trim().to_owned())
        };
        // Whole, or shown in progress when another task's line came after its entry (as
        // strace shows it) and resumed: `<... clock_nanosleep resumed> <unfinished ...>) = ?`.
        let sleep = lines
            .iter()
            .position(|l| l.contains("{tv_sec=10, tv_nsec=0},  <unfinished ...>"))
            .unwrap_or_else(|| panic!("no unfinished sleep:\n{}", t.stderr));
        let leader = pid_of(lines[sleep]);
        let sleep_end = lines
            .iter()
            .position(|l| pid_of(l) == leader && l.ends_with("<unfinished ...>) = ?"));
        t.expect(
            sleep_end.is_some_and(|e| e >= sleep),
            "the leader's sleep as its entry showed it, never returning",
        );
        let superseded = lines.iter().position(|l| {
            pid_of(l) == leader
                && tracer_tests::strip_pid_prefix(l).starts_with("+++ superseded by execve in pid ")
        });
        // strace's maybe_switch_current_tcp: the thread's exec, its pid changed to the
        // leader's (or left unfinished by the leader's lines), resumed under the leader's
        // pid.
        let changed = format!(
            " <pid changed to {} ...>",
            leader.clone().unwrap_or_default()
        );
        let exec = lines.iter().position(|l| {
            l.contains("execve(\"/bin/true\"")
                && (l.ends_with(&changed) || l.ends_with(" <unfinished ...>"))
        });
        let resumed = lines.iter().position(|l| {
            pid_of(l) == leader
                && tracer_tests::strip_pid_prefix(l).starts_with("<... execve resumed>)")
                && l.ends_with("= 0")
        });
        t.expect(
            exec.is_some_and(|c| resumed.is_some_and(|r| c < r)),
            "the thread's exec, then resumed under the leader's pid",
        );
        // (The leader may reach its sleep only after the exec began, when busy.)
        if exec.is_some_and(|c| lines[c].ends_with(" <unfinished ...>") && sleep < c) {
            t.expect(
                exec.is_some_and(|c| sleep_end.is_some_and(|e| c < e)),
                "the exec shown in progress between the two halves of the sleep",
            );
        }
        if quiet {
            t.expect(superseded.is_none(), "no superseded line when quiet");
        } else {
            t.expect(
                superseded.is_some_and(|k| {
                    sleep_end.is_some_and(|e| e < k)
                        && exec.is_some_and(|c| c < k)
                        && resumed.is_some_and(|r| k < r)
                }),
                "the leader superseded between the two halves of the exec",
            );
        }
    }
}

/// In JSON the superseded leader is an `exit` record with the thread that took its place.
fn a_superseded_leader_in_json(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "--format=json",
        "-e",
        "trace=execve",
        "--",
        MT_WORKER,
        "exec",
    ]);
    t.expect(t.code() == Some(0), "/bin/true's status");
    let exits: Vec<serde_json::Value> = t
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "exit")
        .collect();
    let superseded = exits
        .iter()
        .find(|v| v.get("superseded_by").is_some())
        .unwrap_or_else(|| panic!("no superseded exit record:\n{}", t.stderr));
    t.expect(
        superseded["tid"] == superseded["pid"]
            && superseded["superseded_by"] != superseded["tid"]
            && superseded["group"] == false,
        "the leader, superseded by another thread",
    );
}
