//! Every signal, 1..=64, shown as strace shows it and delivered, on both backends: the
//! real-time ones included (glibc sends its own for `setgid` in a threaded program and
//! for `pthread_cancel`); and how a process ends, as `+++ killed by SIG... +++` with the
//! fatal signal's line before it, whoever started the process.

use std::{collections::BTreeSet, process::Command, sync::LazyLock, time::Duration};

use regex::Regex;
use tracer_tests::{Backend, both_backends, spawn_tracer, strip_pid_prefix, trace};

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

/// `sleep 100 & tracer -e trace=none -p $!; kill -TERM %1`: the signal that killed a
/// process the tracer did not start, with its sender, and how it ended.
fn an_attached_process_killed_by_sigterm(backend: Backend) {
    let mut target = Command::new("sleep").arg("100").spawn().unwrap();
    let pid = target.id();
    let (mut tracer, mut out) =
        spawn_tracer(&[backend.arg(), "-e", "trace=none", "-p", &pid.to_string()]);
    out.wait_for("the attach", Duration::from_secs(20), |s| {
        s.contains("attached")
    });
    // Past the attach message; the trace set is in place by then.
    std::thread::sleep(Duration::from_millis(200));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    target.wait().unwrap();
    let status = tracer.wait().unwrap();
    let text = out.finish();
    assert!(status.success(), "{status:?}\n{text}");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with("tracer:")).collect();
    assert_eq!(
        lines,
        [
            format!(
                "--- SIGTERM {{si_signo=SIGTERM, si_code=SI_USER, si_pid={}, si_uid=0}} ---",
                std::process::id()
            ),
            "+++ killed by SIGTERM +++".to_owned()
        ],
        "{text}"
    );
}

/// A child of the traced command killed by its parent: `-f` children are not launched,
/// so their end comes from the kernel, not from waitpid.
fn a_child_killed_by_its_parent(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=none",
        "--",
        "sh",
        "-c",
        "sleep 100 & echo $$ $!; kill -TERM $!; wait",
    ]);
    t.expect(t.code() == Some(0), "sh exits 0");
    let (sh, child) = t.stdout.trim().split_once(' ').unwrap();
    let signal = format!(
        "[pid {child:>5}] --- SIGTERM {{si_signo=SIGTERM, si_code=SI_USER, si_pid={sh}, \
         si_uid=0}} ---"
    );
    let killed = format!("[pid {child:>5}] +++ killed by SIGTERM +++");
    let lines = t.lines();
    let at = |line: &str| lines.iter().position(|l| *l == line);
    t.expect(
        matches!((at(&signal), at(&killed)), (Some(s), Some(k)) if s < k),
        "the child's fatal signal, then its end",
    );
}

/// Every thread of a process killed by a signal ends killed by it, as strace shows them.
fn the_threads_of_a_killed_process(backend: Backend) {
    let script = "import os, signal, threading, time\n\
                  ts = [threading.Thread(target=time.sleep, args=(10,)) for _ in range(2)]\n\
                  [t.start() for t in ts]\n\
                  time.sleep(0.3)\n\
                  os.kill(os.getpid(), signal.SIGTERM)";
    let t = trace(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=none",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(
        t.killed_by() == Some(15),
        "the tracer's status is the command's",
    );
    let killed = t
        .lines()
        .iter()
        .filter(|l| strip_pid_prefix(l) == "+++ killed by SIGTERM +++")
        .count();
    t.expect(
        killed == 3,
        "the main thread and both others are killed by SIGTERM",
    );
    let signals = signal_lines(&t.stderr);
    t.expect(
        signals
            .iter()
            .filter(|(name, code, _)| name == "SIGTERM" && code == "SI_USER")
            .count()
            == 1,
        "one SIGTERM line",
    );
}

/// `(core dumped)` as the kernel says it: a child aborts, its parent reports what
/// waitpid said, and the trace's line for the child says the same.
fn a_core_dump_is_shown_as_the_kernel_reports_it(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("tracer-core-{backend:?}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = "import os\n\
                  pid = os.fork()\n\
                  if pid == 0:\n    os.abort()\n\
                  _, st = os.waitpid(pid, 0)\n\
                  print(pid, os.WTERMSIG(st), os.WCOREDUMP(st))";
    let shell = format!(
        "ulimit -c unlimited 2>/dev/null; cd {}; exec python3 -c '{script}'",
        dir.display()
    );
    let t = trace(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=none",
        "--",
        "sh",
        "-c",
        &shell,
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [child, signal, core] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    assert_eq!(signal, "6", "SIGABRT");
    let core = if core == "True" { " (core dumped)" } else { "" };
    let want = format!("[pid {child:>5}] +++ killed by SIGABRT{core} +++");
    t.expect(t.lines().contains(&want.as_str()), &want);
}

/// A server's ignored SIGPIPE: the write fails with EPIPE and the signal it raised is
/// shown after the write, where a ptraced task stops for it.
fn an_ignored_sigpipe_follows_the_write(backend: Backend) {
    let script = "import os, signal\n\
                  signal.signal(signal.SIGPIPE, signal.SIG_IGN)\n\
                  r, w = os.pipe()\n\
                  os.close(r)\n\
                  try:\n    os.write(w, b'x')\n\
                  except BrokenPipeError:\n    print(os.getpid())";
    let t = trace(&[
        backend.arg(),
        "-e",
        "trace=write",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let pid = t.stdout.trim();
    let lines = t.lines();
    let write = lines
        .iter()
        .position(|l| l.starts_with("write(") && l.ends_with("= -1 EPIPE (Broken pipe)"));
    let signal =
        format!("--- SIGPIPE {{si_signo=SIGPIPE, si_code=SI_USER, si_pid={pid}, si_uid=0}} ---");
    t.expect(
        matches!(write, Some(w) if lines.get(w + 1) == Some(&signal.as_str())),
        "the failed write, then its SIGPIPE",
    );
}

/// A call after which the task is killed never returns to it: strace shows `= ?`.
fn a_call_that_kills_its_caller_never_returns(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-e",
        "trace=kill",
        "--",
        "python3",
        "-c",
        "import os, signal; print(os.getpid(), flush=True); os.kill(os.getpid(), signal.SIGKILL)",
    ]);
    t.expect(
        t.killed_by() == Some(9),
        "the tracer's status is the command's",
    );
    let pid = t.stdout.trim();
    let lines = t.lines();
    let kill = format!("kill({pid}, SIGKILL)");
    let at = lines.iter().position(|l| l.starts_with(&kill));
    t.expect(
        matches!(at, Some(k) if lines[k].ends_with(" = ?")
            && lines.get(k + 1) == Some(&"+++ killed by SIGKILL +++")),
        "kill(self, SIGKILL) = ?, then the end",
    );
}

/// Signal and exit lines carry the time of the delivery and of the exit: with `-ttt`,
/// a signal sent by `kill` is stamped between the `kill` and the `rt_sigreturn` that
/// ends its handler, and the stamps never go back.
fn signal_lines_are_stamped_at_delivery(backend: Backend) {
    let script = "import os, signal\n\
                  signal.signal(signal.SIGUSR1, lambda s, f: None)\n\
                  for _ in range(20):\n    os.kill(os.getpid(), signal.SIGUSR1)";
    let t = trace(&[
        backend.arg(),
        "-ttt",
        "-e",
        "trace=kill,rt_sigreturn",
        "-e",
        "signal=SIGUSR1",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let stamped: Vec<(f64, &str)> = t
        .lines()
        .iter()
        .filter_map(|l| {
            let (stamp, rest) = l.split_once(' ')?;
            Some((stamp.parse().ok()?, rest))
        })
        .collect();
    t.expect(
        stamped.windows(2).all(|w| w[0].0 <= w[1].0),
        "time stamps never go back",
    );
    let signals = stamped
        .iter()
        .filter(|(_, l)| l.starts_with("--- SIGUSR1 "))
        .count();
    t.expect(signals == 20, "20 SIGUSR1 lines");
}

both_backends!(
    every_signal_is_shown_and_delivered,
    a_sigrtmin_handler_runs,
    setgid_in_a_threaded_program,
    pthread_cancel,
    an_attached_process_killed_by_sigterm,
    a_child_killed_by_its_parent,
    the_threads_of_a_killed_process,
    a_core_dump_is_shown_as_the_kernel_reports_it,
    an_ignored_sigpipe_follows_the_write,
    a_call_that_kills_its_caller_never_returns,
    signal_lines_are_stamped_at_delivery,
    a_stopped_orphan_dies_of_sighup,
);

/// A stop signal at its default action stops the task with its process: strace's
/// `--- stopped by SIGSTOP ---` after the signal's line. A stopped process orphaned with
/// its group gets SIGHUP, then SIGCONT; a ptraced task takes SIGHUP first and dies of
/// it, never stopping for SIGCONT: no SIGCONT line.
fn a_stopped_orphan_dies_of_sighup(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=none",
        "-e",
        "signal=!SIGCHLD",
        env!("CARGO_BIN_EXE_workload"),
        "orphaned",
    ]);
    t.expect(t.code() == Some(0), "success");
    let lines: Vec<&str> = t
        .lines()
        .into_iter()
        .map(strip_pid_prefix)
        .filter(|l| !l.starts_with("+++ exited"))
        .collect();
    t.expect(lines.len() == 4, "four lines of the orphan's");
    t.expect(
        lines[0].starts_with("--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_TKILL, ")
            && lines[1..]
                == [
                    "--- stopped by SIGSTOP ---",
                    "--- SIGHUP {si_signo=SIGHUP, si_code=SI_KERNEL} ---",
                    "+++ killed by SIGHUP +++",
                ],
        "stopped, then killed by SIGHUP",
    );
}
