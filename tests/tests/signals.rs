//! Every signal, 1..=64, shown as strace shows it and delivered, on both backends: the
//! real-time ones included (glibc sends its own for `setgid` in a threaded program and
//! for `pthread_cancel`); and how a process ends, as `+++ killed by SIG... +++` with the
//! fatal signal's line before it, whoever started the process.

use std::{collections::BTreeSet, sync::LazyLock};

use regex::Regex;
use tracer_tests::{Backend, both_backends, strip_pid_prefix, trace};

const CANCEL: &str = env!("CARGO_BIN_EXE_cancel");

static SIGNAL_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^--- (SIG\w+) \{si_signo=(SIG\w+), si_code=(\w+), si_pid=(\d+), si_uid=0\} ---$")
        .unwrap()
});

/// The signal lines of a trace: (name, si_code, si_pid).
fn signal_lines(text: &str) -> Vec<(String, String, u32)> {
    text.lines()
        .map(strip_pid_prefix)
        .filter_map(|l| SIGNAL_LINE.captures(l))
        .map(|c| {
            assert_eq!(c[1], c[2], "si_signo names the signal");
            (c[1].to_owned(), c[3].to_owned(), c[4].parse().unwrap())
        })
        .collect()
}

/// strace's name of signal `n`: `SIGRTMIN` is 32, `SIGRT_n` is 32 + n.
fn strace_name(n: i32) -> String {
    match n {
        32 => "SIGRTMIN".to_owned(),
        33..=64 => format!("SIGRT_{}", n - 32),
        _ => nix::sys::signal::Signal::try_from(n)
            .unwrap()
            .as_str()
            .to_owned(),
    }
}

/// A Python program that handles every signal it may (all but SIGKILL, SIGSTOP and
/// glibc's own 32 and 33), sends each to itself and prints those its handler saw.
const EVERY_SIGNAL: &str = r#"
import os, signal
seen = []
catchable = [s for s in range(1, 65) if s not in (9, 19, 32, 33)]
for s in catchable:
    signal.signal(s, lambda n, f: seen.append(n))
for s in catchable:
    os.kill(os.getpid(), s)
print(" ".join(map(str, sorted(set(seen)))))
"#;

fn every_signal_is_shown_and_delivered(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-e",
        "trace=none",
        "--",
        "python3",
        "-c",
        EVERY_SIGNAL,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let catchable: Vec<i32> = (1..=64).filter(|s| ![9, 19, 32, 33].contains(s)).collect();
    let handled: Vec<i32> = t
        .stdout
        .split_whitespace()
        .map(|s| s.parse().unwrap())
        .collect();
    t.expect(
        handled == catchable,
        &format!("every signal reached its handler: {handled:?}"),
    );
    let shown: BTreeSet<String> = signal_lines(&t.stderr)
        .into_iter()
        .map(|(name, code, _)| {
            assert_eq!(code, "SI_USER", "{name} was sent with kill");
            name
        })
        .collect();
    let want: BTreeSet<String> = catchable.iter().map(|&s| strace_name(s)).collect();
    t.expect(shown == want, &format!("shown: {shown:?}"));
}

fn a_sigrtmin_handler_runs(backend: Backend) {
    let script = "import signal, os\n\
                  signal.signal(signal.SIGRTMIN, lambda *a: print('handled', a[0]))\n\
                  os.kill(os.getpid(), signal.SIGRTMIN)\n\
                  print('ok')";
    let t = trace(&[
        backend.arg(),
        "-e",
        "trace=kill",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    t.expect(
        t.stdout == "handled 34\nok\n",
        "the handler ran, then the program went on",
    );
    let kill = t.calls("kill");
    t.expect(
        kill.len() == 1 && kill[0].contains(", SIGRT_2)"),
        "kill(PID, SIGRT_2) is decoded",
    );
    let signals = signal_lines(&t.stderr);
    t.expect(
        signals.len() == 1 && signals[0].0 == "SIGRT_2" && signals[0].1 == "SI_USER",
        "--- SIGRT_2 {si_signo=SIGRT_2, si_code=SI_USER, ...} ---",
    );
}

fn setgid_in_a_threaded_program(backend: Backend) {
    // glibc makes every thread change its ids, by sending each SIGRT_1 (SIGSETXID).
    let script = "import os, threading, time\n\
                  t = threading.Thread(target=time.sleep, args=(0.5,))\n\
                  t.start()\n\
                  os.setgid(os.getgid())\n\
                  t.join()\n\
                  print('ok')";
    let t = trace(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=setgid",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0) && t.stdout == "ok\n", "python exits 0");
    t.expect(
        t.calls("setgid").len() == 2 && t.calls("setgid").iter().all(|l| l.ends_with("= 0")),
        "both threads change their gid",
    );
    let signals = signal_lines(&t.stderr);
    t.expect(
        signals
            .iter()
            .any(|(name, code, _)| name == "SIGRT_1" && code == "SI_TKILL"),
        "--- SIGRT_1 {si_signo=SIGRT_1, si_code=SI_TKILL, ...} ---",
    );
}

fn pthread_cancel(backend: Backend) {
    let t = trace(&[backend.arg(), "-f", "-e", "trace=tgkill", "--", CANCEL]);
    t.expect(
        t.code() == Some(0) && t.stdout == "cancelled\n",
        "the thread is cancelled and joined",
    );
    let tgkill = t.calls("tgkill");
    t.expect(
        tgkill.len() == 1 && tgkill[0].contains(", SIGRTMIN)"),
        "tgkill(PID, TID, SIGRTMIN)",
    );
    let signals = signal_lines(&t.stderr);
    t.expect(
        signals
            .iter()
            .any(|(name, code, _)| name == "SIGRTMIN" && code == "SI_TKILL"),
        "--- SIGRTMIN {si_signo=SIGRTMIN, si_code=SI_TKILL, ...} ---",
    );
}

both_backends!(
    every_signal_is_shown_and_delivered,
    a_sigrtmin_handler_runs,
    setgid_in_a_threaded_program,
    pthread_cancel,
);
