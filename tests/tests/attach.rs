//! `-p` never hangs: a process gone before or while the tracer attaches gives one line
//! and a failure status (or, gone after attaching, a trace that ends), and processes
//! strace refuses (a kernel thread, a zombie, the tracer itself) are refused with one
//! line, on both backends. (A pid that is gone when the command line is read is refused
//! there, before anything is loaded.)

use std::{
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use tracer_tests::{Backend, Traced, both_backends, spawn_tracer, trace, tracer, tracer_bin};

/// Runs the tracer to completion, failing if it takes longer than `limit`.
fn trace_within(args: &[&str], limit: Duration) -> Traced {
    let mut child = tracer()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "tracer {args:?} still running after {limit:?}:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Traced::from(child.wait_with_output().unwrap())
}

#[track_caller]
fn assert_refused(t: &Traced, pid: u32, reason: &str) {
    let lines = t.lines();
    t.expect(t.code() == Some(1), "a refusal fails");
    // The tracer's own checks name the pid; a race lost in the kernel gets strace's
    // wording for the failed request.
    t.expect(
        lines.len() == 1
            && (lines[0].starts_with(&format!("tracer: attach: pid {pid}: "))
                || lines[0].starts_with(&format!("tracer: attach: ptrace(PTRACE_SEIZE, {pid}): "))),
        "one line naming the pid",
    );
    t.expect(lines[0].contains(reason), reason);
}

/// A pid that no process has: a child's, once it is reaped.
fn gone_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn a_process_gone_before_attach_is_refused(backend: Backend) {
    let pid = gone_pid();
    let t = trace_within(
        &[backend.arg(), "-p", &pid.to_string()],
        Duration::from_secs(20),
    );
    assert_refused(&t, pid, "No such process");
}

fn a_kernel_thread_is_refused(backend: Backend) {
    // kthreadd.
    let t = trace(&[backend.arg(), "-p", "2"]);
    assert_refused(&t, 2, "Operation not permitted (a kernel thread)");
}

fn a_zombie_is_refused(backend: Backend) {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    // Not reaped yet: a zombie until `wait`.
    while !std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .unwrap()
        .contains(") Z ")
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    let t = trace(&[backend.arg(), "-p", &pid.to_string()]);
    child.wait().unwrap();
    assert_refused(&t, pid, "Operation not permitted (a zombie)");
}

fn the_tracer_itself_is_refused(backend: Backend) {
    // The shell's pid becomes the tracer's with exec. strace's words.
    let script = format!("exec {} {} -p $$", tracer_bin().display(), backend.arg());
    let out = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let t = Traced::from(out);
    t.expect(t.code() == Some(1), "a refusal fails");
    t.expect(
        t.lines() == ["tracer: I'm sorry, I can't let you do that, Dave."],
        "one line, as strace's",
    );
}

/// Processes that exit at every point of the attach (before, during, just after): the
/// tracer never waits for one that is gone.
fn a_process_gone_during_attach_never_hangs(backend: Backend) {
    for ms in [0, 20, 50, 100, 200, 400, 800] {
        let mut target = Command::new("sleep")
            .arg(format!("{}", ms as f64 / 1000.0))
            .spawn()
            .unwrap();
        let pid = target.id();
        // Reaped as soon as it exits, as a parent would: the pid is then gone.
        let reaper = std::thread::spawn(move || target.wait());
        let t = trace_within(
            &[backend.arg(), "-e", "trace=none", "-p", &pid.to_string()],
            Duration::from_secs(20),
        );
        reaper.join().unwrap().unwrap();
        match t.code() {
            Some(0) => t.expect(
                t.stderr.contains(&format!("Process {pid} attached")),
                "traced until it exited",
            ),
            // Gone, or exited and not reaped yet.
            Some(1) if t.stderr.contains("zombie") => assert_refused(&t, pid, "a zombie"),
            Some(1) => assert_refused(&t, pid, "No such process"),
            other => t.expect(false, &format!("unexpected status {other:?}")),
        }
    }
}

/// Stopped while the attached process is inside a call: its open line ends as strace
/// ends it when it detaches, and the process goes on.
fn a_call_in_progress_at_the_stop_is_detached(backend: Backend) {
    let mut target = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = target.id();
    std::thread::sleep(Duration::from_millis(200));
    let (mut tracer, mut watcher) = spawn_tracer(&[backend.arg(), "-p", &pid.to_string()]);
    watcher.wait_for("the sleep in progress", Duration::from_secs(30), |seen| {
        seen.lines()
            .any(|l| l.starts_with("clock_nanosleep(") || l.starts_with("restart_syscall("))
    });
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(tracer.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = tracer.wait().unwrap();
    let seen = watcher.finish();
    let still_running = target.try_wait().unwrap().is_none();
    let _ = target.kill();
    let _ = target.wait();
    // Let go of the process, the tracer ends by the signal, as strace does.
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGINT),
        "{status:?}\n{seen}"
    );
    assert!(still_running, "the process goes on after the trace");
    assert!(
        seen.lines().any(|l| (l.starts_with("clock_nanosleep(")
            || l.starts_with("restart_syscall("))
            && l.ends_with(" <detached ...>")),
        "the call in progress ends with <detached ...>:\n{seen}"
    );
}

/// The state letter of process `pid` (`S`, `T`, ...), from its `stat`.
fn state(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    Some(stat[stat.rfind(')')? + 2..].chars().next()?.to_string())
}

fn interrupt(child: &std::process::Child) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).unwrap();
}

/// A process stopped (`kill -STOP`) before the attach: its group-stop is shown at once, as
/// strace's seized thread reports it (its detach-stopped.test), not the call it left to
/// stop; after the trace it is still stopped.
fn a_process_stopped_before_the_attach_shows_its_stop(backend: Backend) {
    let mut target = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = target.id();
    let raw = nix::unistd::Pid::from_raw(pid as i32);
    nix::sys::signal::kill(raw, nix::sys::signal::Signal::SIGSTOP).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while state(pid).as_deref() != Some("T") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let (mut tracer, mut watcher) = spawn_tracer(&[backend.arg(), "-p", &pid.to_string()]);
    watcher.wait_for("the stop", Duration::from_secs(30), |seen| {
        seen.contains("--- stopped by SIGSTOP ---")
    });
    interrupt(&tracer);
    tracer.wait().unwrap();
    let seen = watcher.finish();
    std::thread::sleep(Duration::from_millis(100));
    let after = state(pid);
    let _ = target.kill();
    let _ = target.wait();
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(
        lines,
        [
            format!("tracer: Process {pid} attached"),
            "--- stopped by SIGSTOP ---".into(),
            format!("tracer: Process {pid} detached"),
        ],
        "{seen}"
    );
    assert_eq!(after.as_deref(), Some("T"), "still stopped after the trace");
}

/// `-e status=detached`: only the calls in progress when the tracer lets go are shown,
/// whole, as strace shows them (its status-detached.test), though no line was printed at
/// their entry (a filter on the outcome holds every line until the call returns).
fn status_detached_shows_the_call_in_progress_at_the_end(backend: Backend) {
    let (mut tracer, mut watcher) =
        spawn_tracer(&[backend.arg(), "-e", "status=detached", "sleep", "30"]);
    // The sleep is blocked in its call (after its exec: its name is sleep's).
    let tid = tracer.id();
    let deadline = Instant::now() + Duration::from_secs(30);
    let sleeper = loop {
        let children = std::fs::read_to_string(format!("/proc/{tid}/task/{tid}/children"));
        let child = children
            .ok()
            .and_then(|c| c.split_whitespace().next()?.parse().ok());
        let sleeping = child.filter(|&c: &u32| {
            let comm = std::fs::read_to_string(format!("/proc/{c}/comm")).unwrap_or_default();
            let nr = std::fs::read_to_string(format!("/proc/{c}/syscall")).unwrap_or_default();
            comm == "sleep\n"
                && nr.split(' ').next() == Some(&libc::SYS_clock_nanosleep.to_string())
        });
        if let Some(c) = sleeping {
            break c;
        }
        assert!(Instant::now() < deadline, "the sleep never blocked");
        std::thread::sleep(Duration::from_millis(20));
    };
    // Once to stop the trace, again not to wait for the command.
    interrupt(&tracer);
    watcher.wait_for("the note", Duration::from_secs(30), |seen| {
        seen.contains("interrupt again to leave it running")
    });
    interrupt(&tracer);
    tracer.wait().unwrap();
    let seen = watcher.finish();
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(sleeper as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
    let calls: Vec<&str> = seen
        .lines()
        .filter(|l| !l.starts_with("tracer: "))
        .collect();
    assert_eq!(
        calls,
        ["clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=30, tv_nsec=0},  <detached ...>"],
        "{seen}"
    );
}

both_backends!(
    a_process_stopped_before_the_attach_shows_its_stop,
    status_detached_shows_the_call_in_progress_at_the_end,
    a_call_in_progress_at_the_stop_is_detached,
    a_process_gone_before_attach_is_refused,
    a_kernel_thread_is_refused,
    a_zombie_is_refused,
    the_tracer_itself_is_refused,
    a_process_gone_during_attach_never_hangs,
    p_with_a_command_traces_both,
);

/// `-p PID CMD`: strace traces the process and the command both (its attach-p-cmd.test),
/// until both are gone; the status is the command's.
fn p_with_a_command_traces_both(backend: Backend) {
    let stop = std::env::temp_dir().join(format!(
        "tracer-p-cmd-{}-{}",
        std::process::id(),
        backend.arg().trim_start_matches("--backend=")
    ));
    let _ = std::fs::remove_file(&stop);
    let wait = format!("while [ ! -e {} ]; do", stop.display());
    let mut target = Command::new("sh")
        .args(["-c", &format!("{wait} cd /; sleep 0.05; done")])
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let pid = target.id().to_string();
    let command = format!("cd /tmp; {wait} sleep 0.05; done; exit 3");
    let args = ["-e", "trace=chdir", "-p", &pid, "--", "sh", "-c", &command];
    let (mut tracer, mut watcher) = spawn_tracer(&[&[backend.arg()][..], &args].concat());
    let target_line = format!("[pid {pid:>5}] chdir(\"/\")");
    watcher.wait_for("both traced", Duration::from_secs(30), |seen| {
        seen.contains(&target_line) && seen.contains("chdir(\"/tmp\")")
    });
    std::fs::write(&stop, "").unwrap();
    let status = tracer.wait().unwrap();
    let seen = watcher.finish();
    let _ = target.kill();
    let _ = target.wait();
    let _ = std::fs::remove_file(&stop);
    assert_eq!(status.code(), Some(3), "the command's status\n{seen}");
    // The last process left is shown without its pid, as strace shows it.
    assert!(
        seen.lines().any(|l| {
            l == "+++ exited with 0 +++" || l == format!("[pid {pid:>5}] +++ exited with 0 +++")
        }),
        "the attached process followed to its end\n{seen}"
    );
}
