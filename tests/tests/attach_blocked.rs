//! Calls in progress at attach: `-f -p` on a process whose threads are already blocked
//! (two in futex waits, the main thread in a read of its stdin, as a deadlocked program
//! is) shows each blocked call at once, as strace does, before anything wakes them; once
//! woken, each call's resumed line with its return value. Text (checked against strace's
//! own lines for the same process when strace is installed), JSON and `--diagnose`.

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Write},
    process::{Child, ChildStdin, Command, Stdio},
    time::{Duration, Instant},
};

use regex::Regex;
use serde_json::Value;
use tracer_tests::{Backend, LineWatcher, both_backends, tracer};

/// Generous: the tracer loads its programs first.
const DEADLINE: Duration = Duration::from_secs(30);

/// `calls blocked`, once its three threads are inside their calls.
struct Blocked {
    child: Child,
    stdin: Option<ChildStdin>,
    pid: u32,
    /// The futex waiters' thread ids.
    waiters: Vec<u32>,
}

impl Blocked {
    // Waited for in `drop`.
    #[allow(clippy::zombie_processes)]
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_calls"))
            .arg("blocked")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut ready)
            .unwrap();
        assert_eq!(ready, "ready\n");
        let pid = child.id();
        let deadline = Instant::now() + DEADLINE;
        loop {
            let calls = in_calls(pid);
            let reading = calls
                .iter()
                .any(|&(tid, nr)| tid == pid && nr == libc::SYS_read);
            let waiters: Vec<u32> = calls
                .iter()
                .filter(|&&(tid, nr)| tid != pid && nr == libc::SYS_futex)
                .map(|&(tid, _)| tid)
                .collect();
            if reading && waiters.len() == 2 {
                let stdin = child.stdin.take();
                return Self {
                    child,
                    stdin,
                    pid,
                    waiters,
                };
            }
            assert!(
                Instant::now() < deadline,
                "the helper's threads never blocked"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether every thread is still inside its call.
    fn still_blocked(&self) -> bool {
        // A thread the ptrace backend holds in a stop for a moment shows no call then.
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if in_calls(self.pid).len() == 3 {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// A byte on stdin: the read returns 1, the futex waits 0, the process exits.
    fn wake(&mut self) {
        let mut stdin = self.stdin.take().unwrap();
        stdin.write_all(b"x").unwrap();
    }
}

impl Drop for Blocked {
    fn drop(&mut self) {
        if self.stdin.is_some() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// The threads of `pid` inside a call, with the call's number.
fn in_calls(pid: u32) -> Vec<(u32, i64)> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    tasks
        .filter_map(|t| {
            let tid: u32 = t.ok()?.file_name().to_str()?.parse().ok()?;
            let line = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/syscall")).ok()?;
            let nr: i64 = line.split_whitespace().next()?.parse().ok()?;
            (nr >= 0).then_some((tid, nr))
        })
        .collect()
}

fn masked(text: &str) -> String {
    let addr = Regex::new(r"0x[0-9a-f]+").unwrap();
    addr.replace_all(text, "0xADDR").into_owned()
}

/// The calls shown in progress in `trace` (strace's `-o` lines, `TID  call`, or ours on
/// stderr, `[pid TID] call`, the main thread's unprefixed while it is the only task
/// known): (tid, the call's text up to `<unfinished ...>`, addresses masked).
fn entering(trace: &str, main: u32) -> BTreeSet<(u32, String)> {
    let line =
        Regex::new(r"^(?:\[pid +(\d+)\] |(\d+) +)?([a-z_0-9]+\(.*?)(?: <unfinished \.\.\.>)?$")
            .unwrap();
    let returned = Regex::new(r"\) += ").unwrap();
    trace
        .lines()
        .filter(|l| !returned.is_match(l) && !l.contains("resumed>") && !l.contains("+++"))
        .filter_map(|l| {
            let c = line.captures(l)?;
            let tid = c
                .get(1)
                .or(c.get(2))
                .map_or(main, |m| m.as_str().parse().unwrap());
            Some((tid, masked(&c[3])))
        })
        .collect()
}

fn expected(b: &Blocked) -> BTreeSet<(u32, String)> {
    let mut want = BTreeSet::new();
    want.insert((b.pid, "read(0, ".to_owned()));
    for &tid in &b.waiters {
        want.insert((tid, "futex(0xADDR, FUTEX_WAIT_PRIVATE, 0, NULL".to_owned()));
    }
    want
}

/// strace's lines for the calls it finds the helper blocked in, if strace is installed;
/// it then detaches, leaving the calls blocked (restarted) as they were.
fn strace_entering(b: &Blocked) -> Option<BTreeSet<(u32, String)>> {
    let out = std::env::temp_dir().join(format!("tracer-attach-blocked-{}.strace", b.pid));
    let mut strace = Command::new("strace")
        .args(["-f", "-o", out.to_str().unwrap(), "-p", &b.pid.to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + DEADLINE;
    let mut seen = BTreeSet::new();
    while seen.len() < 3 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        seen = entering(&std::fs::read_to_string(&out).unwrap_or_default(), b.pid);
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(strace.id() as i32),
        nix::sys::signal::SIGINT,
    )
    .unwrap();
    strace.wait().unwrap();
    let _ = std::fs::remove_file(&out);
    // Detached, the threads go back into their calls.
    let deadline = Instant::now() + DEADLINE;
    while !b.still_blocked() {
        assert!(
            Instant::now() < deadline,
            "strace's detach left the helper running"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    Some(seen)
}

fn spawn(backend: Backend, extra: &[&str], pid: u32) -> (Child, LineWatcher) {
    let pid = pid.to_string();
    let mut args = vec![backend.arg(), "-f"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-p", &pid]);
    let mut child = tracer()
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watcher = LineWatcher::new(child.stderr.take().unwrap());
    (child, watcher)
}

/// Waits for the tracer to end (the traced process exited) and collects its output.
fn finish(mut tracer: Child, watcher: LineWatcher) -> String {
    let deadline = Instant::now() + DEADLINE;
    while tracer.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = tracer.kill();
            panic!("the trace did not end with the process");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = tracer.wait().unwrap();
    let out = watcher.finish();
    assert!(status.success(), "tracer failed:\n{out}");
    out
}

/// Waits for the tracer stopped by SIGINT: it ends by it, as strace does once it has let
/// the process go; collects its output.
fn finish_interrupted(mut tracer: Child, watcher: LineWatcher) -> String {
    use std::os::unix::process::ExitStatusExt;
    let status = tracer.wait().unwrap();
    let out = watcher.finish();
    assert_eq!(status.signal(), Some(libc::SIGINT), "tracer failed:\n{out}");
    out
}

fn blocked_calls_show_at_attach_and_resume(backend: Backend) {
    let mut b = Blocked::start();
    let want = expected(&b);
    if let Some(strace) = strace_entering(&b) {
        assert_eq!(strace, want, "strace's lines for the blocked calls");
    }
    let (tracer, mut watcher) = spawn(backend, &[], b.pid);
    // Each blocked call, as strace shows it (the output so far is shown if not).
    watcher.wait_for("the three blocked calls", DEADLINE, |out| {
        entering(out, b.pid) == want
    });
    assert!(b.still_blocked(), "nothing woke the threads yet");
    b.wake();
    let out = finish(tracer, watcher);
    let ret = Regex::new(r"\) += (\S+)").unwrap();
    // Each thread's blocked call completes: resumed, or (the last line open) in place.
    let completion = |tid: u32, name: &str, head: &str| -> String {
        let resumed = format!("<... {name} resumed>");
        out.lines()
            .find(|l| {
                let mine = l.starts_with(&format!("[pid {tid:>5}] "))
                    || (tid == b.pid && !l.starts_with("[pid "));
                mine && (l.contains(&resumed) || (l.contains(head) && ret.is_match(l)))
            })
            .map(|l| masked(l.split_once("] ").map_or(l, |(_, l)| l)))
            .unwrap_or_else(|| panic!("no completion of {tid}'s {name}:\n{out}"))
    };
    for &tid in &b.waiters {
        let line = completion(tid, "futex", "FUTEX_WAIT_PRIVATE, 0, NULL)");
        assert!(
            line.starts_with("<... futex resumed>)")
                || line.starts_with("futex(0xADDR, FUTEX_WAIT_PRIVATE, 0, NULL)"),
            "{line}"
        );
        assert_eq!(
            &ret.captures(&line).expect("a return value")[1],
            "0",
            "{line}"
        );
    }
    let line = completion(b.pid, "read", "read(0, \"x\", 1)");
    assert!(
        line.starts_with("<... read resumed>\"x\", 1)") || line.starts_with("read(0, \"x\", 1)"),
        "{line}"
    );
    assert_eq!(
        &ret.captures(&line).expect("a return value")[1],
        "1",
        "{line}"
    );
}

fn blocked_calls_are_entered_records(backend: Backend) {
    let mut b = Blocked::start();
    let (tracer, mut watcher) = spawn(backend, &["--format=json"], b.pid);
    let entered = |out: &str| -> Vec<Value> {
        out.lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|r| r["type"] == "entered")
            .collect()
    };
    watcher.wait_for("three entered records", DEADLINE, |out| {
        entered(out).len() >= 3
    });
    assert!(b.still_blocked(), "nothing woke the threads yet");
    let records = entered(&watcher.seen);
    let of = |tid: u32| {
        records
            .iter()
            .find(|r| r["tid"] == tid)
            .unwrap_or_else(|| panic!("no entered record of {tid}:\n{}", watcher.seen))
    };
    let read = of(b.pid);
    assert_eq!(read["syscall"], "read");
    assert_eq!(read["pid"], b.pid);
    assert_eq!(read["args"][0]["value"], "0");
    for &tid in &b.waiters {
        let futex = of(tid);
        assert_eq!(futex["syscall"], "futex");
        assert_eq!(futex["pid"], b.pid);
        assert_eq!(futex["args"][1]["value"], "FUTEX_WAIT_PRIVATE");
        assert_eq!(futex["args"][3]["value"], "NULL");
    }
    b.wake();
    let out = finish(tracer, watcher);
    // The completions are call records with the entry's time and the result.
    let calls: Vec<Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["type"] == "call")
        .collect();
    for r in &records {
        let done = calls
            .iter()
            .find(|c| c["tid"] == r["tid"] && c["enter_ns"] == r["enter_ns"])
            .unwrap_or_else(|| panic!("no completion of {r}:\n{out}"));
        let want = if r["syscall"] == "read" { 1 } else { 0 };
        assert_eq!(done["ret"], want, "{done}");
    }
}

fn diagnose_lists_calls_blocked_at_attach(backend: Backend) {
    let b = Blocked::start();
    let (tracer, mut watcher) = spawn(backend, &["--diagnose"], b.pid);
    watcher.wait_for("the attach", DEADLINE, |out| out.contains("attached"));
    // The report is written when the trace stops.
    std::thread::sleep(Duration::from_millis(500));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(tracer.id() as i32),
        nix::sys::signal::SIGINT,
    )
    .unwrap();
    let out = finish_interrupted(tracer, watcher);
    let blocked = out
        .split("Threads blocked in a call now:")
        .nth(1)
        .unwrap_or_else(|| panic!("no blocked threads section:\n{out}"));
    for &tid in &b.waiters {
        assert!(
            blocked.lines().any(|l| l.contains(&format!("[tid {tid} "))
                && masked(l).contains("futex(0xADDR, FUTEX_WAIT_PRIVATE, 0, NULL")),
            "{tid}'s futex wait:\n{out}"
        );
    }
    assert!(
        blocked
            .lines()
            .any(|l| l.contains(&format!("[tid {} ", b.pid)) && l.contains("read(0")),
        "the main thread's read:\n{out}"
    );
}

both_backends!(
    blocked_calls_show_at_attach_and_resume,
    blocked_calls_are_entered_records,
    diagnose_lists_calls_blocked_at_attach,
);
