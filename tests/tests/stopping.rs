//! Whatever stops the trace (Ctrl-C, SIGTERM, SIGHUP, a failed write, a reader that went
//! away, running out of file descriptors, the tracer's own error), the traced program
//! goes on, working: every call of a launched command still works after the trace stops
//! (under the ptrace backend's seccomp filter too, which `-f` with a partial trace set
//! installs), the tracer waits for it and exits with its status (1 after an error it
//! reports); an attached process is let go running (a signal that stopped the trace then
//! ends the tracer, as strace ends). One test per cause and target, on both backends.

use std::{
    io::{BufRead, BufReader},
    os::unix::process::ExitStatusExt,
    path::PathBuf,
    process::{Child, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};
use tracer_tests::{Backend, CountingLoop, LineWatcher, both_backends, tracer};

#[derive(Clone, Copy, Debug)]
enum Cause {
    Signal(Signal),
    /// `-o /dev/full`.
    WriteError,
    /// The reader of the trace (stderr) goes away.
    ClosedPipe,
    /// `-ff` runs out of file descriptors.
    TooManyFiles,
    /// The tracer fails (`TRACER_TEST_FAIL_AFTER`).
    OwnError,
}

impl Cause {
    /// The tracer's exit status for a command that exits with 3, or an attached process
    /// (`None`: it ended by the signal that stopped it, as strace does, after letting the
    /// process go).
    fn status(self, launched: bool) -> Option<i32> {
        match (self, launched) {
            (Cause::Signal(_) | Cause::ClosedPipe, true) => Some(3),
            (Cause::Signal(_), false) => None,
            (Cause::ClosedPipe, false) => Some(0),
            (Cause::WriteError | Cause::TooManyFiles | Cause::OwnError, _) => Some(1),
        }
    }

    /// The signal the tracer ends by, attached to a process.
    fn ends_by(self) -> Option<i32> {
        match self {
            Cause::Signal(sig) => Some(sig as i32),
            _ => None,
        }
    }

    /// What the tracer says on stderr about it.
    fn says(self) -> &'static str {
        match self {
            Cause::Signal(_) | Cause::ClosedPipe => "",
            Cause::WriteError => "No space left on device",
            Cause::TooManyFiles => "Too many open files",
            Cause::OwnError => "failing as asked",
        }
    }
}

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        // Shell scripts name files in it: letters, digits and dashes only.
        let name: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let dir = std::env::temp_dir().join(format!("tracer-stop-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Lowers the tracer's soft limit of open files so that the next per-task file it opens
/// fails (EMFILE): to just above the descriptor of the first one open, so that even a
/// descriptor a finished task's file frees cannot be reused.
fn squeeze_fds(pid: u32) {
    let first_file = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let target = std::fs::read_link(e.path()).ok()?;
            let is_trace = target.file_name()?.to_str()?.starts_with("t.");
            is_trace.then(|| e.file_name().to_str()?.parse::<u64>().ok())?
        })
        .min()
        .expect("a per-task file is open");
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid pointers to rlimit structs; prlimit on another process as root.
    unsafe {
        assert_eq!(
            libc::prlimit(
                pid as i32,
                libc::RLIMIT_NOFILE,
                std::ptr::null(),
                &mut limit
            ),
            0
        );
        limit.rlim_cur = first_file + 1;
        assert_eq!(
            libc::prlimit(
                pid as i32,
                libc::RLIMIT_NOFILE,
                &limit,
                std::ptr::null_mut()
            ),
            0
        );
    }
}

/// Waits for the tracer, killing it (and failing) if it does not exit in time.
fn wait_for(child: &mut Child, what: &str) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the tracer did not exit ({what})");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the tracer on `target` (`-- cmd...` or `-p PID`) and stops it by `cause` once
/// it traces. Returns its status and stderr (what could be read of it).
fn stopped_trace(
    backend: Backend,
    cause: Cause,
    target: &[&str],
    dir: &Scratch,
) -> (ExitStatus, String) {
    let per_task = dir.file("t");
    let mut args = vec![backend.arg(), "-f", "-e", "trace=openat,write,execve,wait4"];
    match cause {
        Cause::WriteError => args.extend(["-o", "/dev/full"]),
        Cause::TooManyFiles => args.extend(["-ff", "-o", per_task.to_str().unwrap()]),
        _ => {}
    }
    args.extend(target);
    let mut cmd = tracer();
    cmd.args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Cause::OwnError = cause {
        cmd.env("TRACER_TEST_FAIL_AFTER", "5");
    }
    let mut child = cmd.spawn().expect("spawn tracer");
    let pid = child.id();
    let stderr = child.stderr.take().unwrap();
    if let Cause::ClosedPipe = cause {
        let mut stderr = BufReader::new(stderr);
        let mut seen = String::new();
        let mut line = String::new();
        while !seen.contains("openat(") {
            line.clear();
            if stderr.read_line(&mut line).unwrap() == 0 {
                panic!("the trace ended before any call: {seen}");
            }
            seen.push_str(&line);
        }
        // The next write of the trace finds no reader.
        drop(stderr);
        return (wait_for(&mut child, "closed pipe"), seen);
    }
    let mut out = LineWatcher::new(stderr);
    match cause {
        Cause::Signal(sig) => {
            out.wait_for("a traced call", Duration::from_secs(20), |s| {
                s.contains("openat(")
            });
            kill(Pid::from_raw(pid as i32), sig).unwrap();
        }
        Cause::TooManyFiles => {
            let deadline = Instant::now() + Duration::from_secs(20);
            while !std::fs::read_dir(format!("/proc/{pid}/fd"))
                .unwrap()
                .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .any(|target| target.starts_with(&dir.0))
            {
                assert!(Instant::now() < deadline, "no per-task file was opened");
                std::thread::sleep(Duration::from_millis(10));
            }
            squeeze_fds(pid);
        }
        Cause::WriteError | Cause::OwnError | Cause::ClosedPipe => {}
    }
    let status = wait_for(&mut child, &format!("{cause:?}"));
    (status, out.finish())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname").unwrap()
}

/// A launched command that keeps working after the trace stops: after a second's sleep
/// (the trace stops meanwhile) it starts more tasks, opens and writes a file, and exits
/// with 3.
fn launched_command_goes_on(backend: Backend, cause: Cause) {
    launched_goes_on(backend, cause, &[])
}

/// The same under `-e inject=` on the calls the command makes after the trace stopped:
/// they run untouched then (the eBPF backend's seccomp filter stays in the command, and
/// a closed listener would fail them with ENOSYS).
fn tampered_command_goes_on(backend: Backend, cause: Cause) {
    launched_goes_on(
        backend,
        cause,
        &["-e", "inject=openat:error=EACCES:when=60000"],
    )
}

fn launched_goes_on(backend: Backend, cause: Cause, options: &[&str]) {
    let dir = Scratch::new(&format!("launched-{cause:?}-{backend:?}-{}", options.len()));
    let out = dir.file("out");
    let script = format!(
        "sleep 1; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 0.5 & done; wait; \
         cat /etc/hostname > {o} || exit 9; echo more >> {o} || exit 9; exit 3",
        o = out.display()
    );
    let mut target = options.to_vec();
    target.extend(["--", "sh", "-c", &script]);
    let (status, stderr) = stopped_trace(backend, cause, &target, &dir);
    assert_eq!(
        status.code(),
        cause.status(true),
        "the tracer's status after {cause:?}\n{stderr}"
    );
    assert!(
        stderr.contains(cause.says()),
        "{cause:?} is reported:\n{stderr}"
    );
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(
        written,
        format!("{}more\n", hostname()),
        "the command's calls work after the trace stopped ({cause:?}):\n{stderr}"
    );
}

fn attached_process_goes_on(backend: Backend, cause: Cause) {
    let dir = Scratch::new(&format!("attached-{cause:?}-{backend:?}"));
    let target = CountingLoop::start(dir.0.join("counter"));
    let pid = target.pid().to_string();
    let (status, stderr) = stopped_trace(backend, cause, &["-p", &pid], &dir);
    assert_eq!(
        (status.code(), status.signal()),
        (cause.status(false), cause.ends_by()),
        "the tracer's status after {cause:?}\n{stderr}"
    );
    assert!(
        stderr.contains(cause.says()),
        "{cause:?} is reported:\n{stderr}"
    );
    target.assert_goes_on(&format!("{cause:?}"));
}

macro_rules! causes {
    ($($name:ident: $run:ident($cause:expr);)*) => {
        $(fn $name(backend: Backend) { $run(backend, $cause) })*
        both_backends!($($name),*);
    };
}

causes! {
    launched_sigint: launched_command_goes_on(Cause::Signal(Signal::SIGINT));
    launched_sigterm: launched_command_goes_on(Cause::Signal(Signal::SIGTERM));
    launched_sighup: launched_command_goes_on(Cause::Signal(Signal::SIGHUP));
    launched_write_error: launched_command_goes_on(Cause::WriteError);
    launched_closed_pipe: launched_command_goes_on(Cause::ClosedPipe);
    launched_too_many_files: launched_command_goes_on(Cause::TooManyFiles);
    launched_own_error: launched_command_goes_on(Cause::OwnError);
    tampered_sigint: tampered_command_goes_on(Cause::Signal(Signal::SIGINT));
    tampered_own_error: tampered_command_goes_on(Cause::OwnError);
    attached_sigint: attached_process_goes_on(Cause::Signal(Signal::SIGINT));
    attached_sigterm: attached_process_goes_on(Cause::Signal(Signal::SIGTERM));
    attached_sighup: attached_process_goes_on(Cause::Signal(Signal::SIGHUP));
    attached_write_error: attached_process_goes_on(Cause::WriteError);
    attached_closed_pipe: attached_process_goes_on(Cause::ClosedPipe);
    attached_too_many_files: attached_process_goes_on(Cause::TooManyFiles);
    attached_own_error: attached_process_goes_on(Cause::OwnError);
}

/// Without `-f` the ptrace backend installs no filter and detaches; the command still
/// goes on, and a second interrupt leaves it running without the tracer.
fn a_second_interrupt_leaves_the_command_running(backend: Backend) {
    let dir = Scratch::new(&format!("twice-{backend:?}"));
    let out = dir.file("out");
    let script = format!("sleep 2; cat /etc/hostname > {}", out.display());
    let mut child = tracer()
        .args([
            backend.arg(),
            "-e",
            "trace=openat",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let tracer_pid = Pid::from_raw(child.id() as i32);
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let mut line = String::new();
    while !seen.contains("openat(") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
    }
    kill(tracer_pid, Signal::SIGINT).unwrap();
    while !seen.contains("waiting for it to exit") {
        line.clear();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
    }
    kill(tracer_pid, Signal::SIGINT).unwrap();
    let status = wait_for(&mut child, "a second SIGINT");
    assert_eq!(status.code(), Some(130), "{seen}");
    // The command, now without its parent, still does its work.
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::fs::read_to_string(&out).unwrap_or_default() != hostname() {
        assert!(
            Instant::now() < deadline,
            "the command did not finish its work"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

both_backends!(a_second_interrupt_leaves_the_command_running);

/// A stop signal the tracer was started with blocked (and pending) stays blocked, as
/// strace keeps its start mask: it does not stop the trace (strace's
/// interactive_block.test).
fn a_signal_blocked_at_start_does_not_stop_the_trace(backend: Backend) {
    use std::os::unix::process::CommandExt;
    let mut cmd = tracer();
    cmd.args([backend.arg(), "-e", "trace=chdir", "--", "sh", "-c", "cd /"]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, libc::SIGHUP);
            libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
            libc::raise(libc::SIGHUP);
            Ok(())
        });
    }
    let out = cmd.output().expect("run the tracer");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() == Some(0)
            && stderr
                .lines()
                .any(|l| l.starts_with("chdir(\"/\")") && l.ends_with("= 0"))
            && stderr.contains("+++ exited with 0 +++"),
        "the whole trace, not stopped by the pending SIGHUP: {:?}\n{stderr}",
        out.status
    );
}

both_backends!(a_signal_blocked_at_start_does_not_stop_the_trace);
