//! The in-VM half of `cargo xtask vm-test`: runs as `/init` of a small initramfs on the
//! kernel under test, traces a workload with `/bin/tracer` and checks the lines.
//!
//! `vm_check` (as PID 1, or `vm_check run`) mounts what the tracer needs, runs the checks
//! and powers the VM off. It prints, on the serial console:
//! - `VMTEST INFO key=value` facts for the host's table (kernel release, backend chosen);
//! - `VMTEST PASS name` or `VMTEST FAIL name: reason` per check;
//! - `VMTEST TRACE line` the normalized workload trace, compared across kernels by the host;
//! - `VMTEST DONE passed=N failed=M` last.
//!
//! `vm_check workload` is the traced program: a fixed sequence of syscalls between two
//! marker calls (`openat` of `/vmtest/begin` and `/vmtest/end`). `vm_check compat32`
//! makes one 32-bit (compat) call (`tracer_tests::compat32`); `vm_check uring` three
//! io_uring operations (a read of /dev/zero, a NOP and a read into a bad address)
//! through raw syscalls. `vm_check loop` times `getppid` calls and `vm_check idle`
//! sleeps, for the bystander measurement.
//!
//! Words `key=value` of the kernel command line arrive as environment variables:
//! `VMTEST_EXPECT=ebpf|ptrace` (the backend `auto` must choose) and `VMTEST_LOCKDOWN=1`
//! (booted with `lockdown=confidentiality`: a clear fallback or a clear error is wanted).
//! To chase a rare failure, `VMTEST_REPEAT=N` (through `TRACER_VM_CMDLINE` on the host)
//! runs the `trampolines` check alone, N times.

use std::{
    ffi::CString,
    io::Read as _,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use regex::Regex;

/// In the VM; `VMTEST_TRACER` overrides it (to try the checks on a host).
const TRACER: &str = "/bin/tracer";
/// The workload's child exits with this status.
const CHILD_STATUS: i32 = 7;
/// How many `getppid` calls the workload makes (checked in `-c` counts).
const GETPPIDS: usize = 3;
/// The workload's sleep; `-T` must show at least this.
const SLEEP: Duration = Duration::from_millis(60);
/// One tracer run under TCG (the verifier alone can take a minute there); a hang past
/// this is a failure, not a stuck VM.
const RUN_TIMEOUT: Duration = Duration::from_secs(480);
const FALLBACK: &str = "; using ptrace";
/// A tracer run's options and environment.
type Setup<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)]);
/// Makes the ptrace backend read registers as before Linux 5.3.
const REGISTERS: (&str, &str) = ("TRACER_PTRACE_REGISTERS", "1");

fn main() {
    let mode = std::env::args().nth(1);
    match mode.as_deref() {
        Some("workload") => workload(),
        Some("compat32") => tracer_tests::compat32::run(std::path::Path::new("/tmp")),
        Some("uring") => uring_workload(),
        Some("loop") => syscall_loop(),
        Some("idle") => idle(),
        Some("run") => std::process::exit(if run_checks() { 0 } else { 1 }),
        None if std::process::id() == 1 => {
            init_mounts();
            // SAFETY: single-threaded here, before any run.
            unsafe { std::env::set_var("TRACER_VERIFIER_LOG", VERIFIER_LOG) };
            skip_small_ids();
            run_checks();
            print_verifier_log();
            power_off();
        }
        _ => {
            eprintln!("usage: vm_check [run|workload]");
            std::process::exit(2);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The workload

fn c(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

/// Fixed syscalls, made directly so every backend and kernel sees the same sequence.
fn workload() {
    let (begin, end) = (c("/vmtest/begin"), c("/vmtest/end"));
    let (null, missing) = (c("/dev/null"), c("/nonexistent/vmtest"));
    // SAFETY: plain syscalls on NUL-terminated paths, a 6-byte buffer and a timespec that
    // outlive the calls; the forked child (single-threaded parent) only makes syscalls.
    unsafe {
        libc::openat(libc::AT_FDCWD, begin.as_ptr(), libc::O_RDONLY);
        let fd = libc::openat(libc::AT_FDCWD, null.as_ptr(), libc::O_WRONLY);
        libc::write(fd, b"vmtest".as_ptr().cast(), 6);
        // iovecs: the kernel side's one nested capture, at entry and at exit.
        let mut pipe = [0i32; 2];
        libc::pipe(pipe.as_mut_ptr());
        let (a, b) = (b"vm".as_slice(), b"test".as_slice());
        let out = [a, b].map(|p| libc::iovec {
            iov_base: p.as_ptr() as *mut libc::c_void,
            iov_len: p.len(),
        });
        libc::writev(pipe[1], out.as_ptr(), 2);
        // Structs whose layout is the architecture's: epoll_event (packed on x86_64
        // only) and stat. 77777 is above pid_max: never masked as an id.
        let ep = libc::epoll_create1(libc::EPOLL_CLOEXEC);
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: 77777,
        };
        libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, pipe[0], &mut ev);
        let mut ready = [libc::epoll_event { events: 0, u64: 0 }; 2];
        let no_mask = std::ptr::null::<libc::sigset_t>();
        libc::syscall(
            libc::SYS_epoll_pwait,
            ep,
            ready.as_mut_ptr(),
            2,
            0,
            no_mask,
            // A C variadic int leaves the register's upper half undefined: a full word.
            8usize,
        );
        libc::close(ep);
        let mut st: libc::stat = std::mem::zeroed();
        libc::syscall(libc::SYS_fstat, fd, &mut st);
        // Not 16: the checks mask small numbers that equal a pid of the VM.
        let mut buf = [0u8; 512];
        let inp = libc::iovec {
            iov_base: buf.as_mut_ptr().cast(),
            iov_len: buf.len(),
        };
        libc::readv(pipe[0], &inp, 1);
        libc::close(pipe[0]);
        libc::close(pipe[1]);
        libc::openat(libc::AT_FDCWD, missing.as_ptr(), libc::O_RDONLY);
        for _ in 0..GETPPIDS {
            libc::syscall(libc::SYS_getppid);
        }
        let ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: SLEEP.as_nanos() as libc::c_long,
        };
        libc::syscall(
            libc::SYS_nanosleep,
            &ts,
            std::ptr::null_mut::<libc::timespec>(),
        );
        libc::close(fd);
        let child = libc::fork();
        if child == 0 {
            libc::syscall(libc::SYS_getppid);
            libc::syscall(libc::SYS_exit_group, CHILD_STATUS);
        }
        let mut status = 0;
        libc::wait4(child, &mut status, 0, std::ptr::null_mut());
        libc::openat(libc::AT_FDCWD, end.as_ptr(), libc::O_RDONLY);
        // After the end marker, out of the transcripts: a connected pair of UNIX
        // sockets, whose peers -yy reads in the kernel.
        let mut pair = [0i32; 2];
        libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM, 0, pair.as_mut_ptr());
        // recvfrom: its copies fill four plan slots, its socket's facts the fifth.
        libc::send(pair[0], b"x".as_ptr().cast(), 1, 0);
        let mut byte = [0u8; 1];
        libc::recvfrom(
            pair[1],
            byte.as_mut_ptr().cast(),
            1,
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        libc::close(pair[0]);
        libc::close(pair[1]);
        // After the end marker: the ids the checks need to recognise in the lines.
        let line = format!("ids {} {} {child}\n", libc::getpid(), libc::getppid());
        libc::write(1, line.as_ptr().cast(), line.len());
    }
}

// ---------------------------------------------------------------------------------------
// Running the tracer

struct Run {
    /// Exit code; `None` when killed by a signal or timed out.
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    fn lines(&self) -> impl Iterator<Item = &str> {
        self.stderr.lines()
    }

    /// The workload's ids from its stdout: (pid, ppid, child).
    fn ids(&self) -> Option<(String, String, String)> {
        let line = self.stdout.lines().find(|l| l.starts_with("ids "))?;
        let mut words = line.split_whitespace().skip(1).map(str::to_owned);
        Some((words.next()?, words.next()?, words.next()?))
    }

    /// The fallback notice; its reason may span lines (a verifier log).
    fn fell_back(&self) -> bool {
        self.lines()
            .any(|l| l.starts_with("tracer: eBPF unavailable ("))
            && self.lines().any(|l| l.ends_with(FALLBACK))
    }

    /// The notice's first line and, from a verifier log, the line that says why.
    fn notice(&self) -> Option<String> {
        let first = self
            .lines()
            .find(|l| l.starts_with("tracer: eBPF unavailable"))?;
        let mut notice: String = first.chars().take(200).collect();
        if let Some(why) = self
            .lines()
            .find(|l| l.contains("too large") || l.starts_with("processed "))
        {
            notice.push_str(" … ");
            notice.push_str(why);
        }
        Some(notice)
    }

    fn crashed(&self) -> Option<String> {
        if self.timed_out {
            return Some(format!("no exit within {RUN_TIMEOUT:?}"));
        }
        if let Some(sig) = self.signal {
            return Some(format!("killed by signal {sig}"));
        }
        if self.stderr.contains("panicked at") {
            return Some(format!("panicked: {}", last_lines(&self.stderr, 3)));
        }
        None
    }

    /// A clean failure: non-zero exit with a `tracer: ` or `Error: ` message, no crash.
    fn clear_error(&self) -> Result<String, String> {
        if let Some(crash) = self.crashed() {
            return Err(crash);
        }
        if self.code == Some(0) {
            return Err("exited 0".into());
        }
        self.lines()
            .find(|l| l.starts_with("tracer: ") || l.starts_with("Error: "))
            .map(str::to_owned)
            .ok_or_else(|| format!("exit {:?} without a message", self.code))
    }

    fn describe(&self) -> String {
        format!(
            "exit {:?}, signal {:?}; stderr ends: {}",
            self.code,
            self.signal,
            last_lines(&self.stderr, 6)
        )
    }
}

/// For a failed `-f` check: every raw line that names the child, and the tracer's own
/// notices (a child's calls once went missing on 7.x while its exit line was there).
fn child_context(run: &Run) -> String {
    let Some((_, _, child)) = run.ids() else {
        return String::new();
    };
    let lines: Vec<&str> = run
        .lines()
        .filter(|l| l.contains(&child) || l.starts_with("tracer:"))
        .collect();
    format!(
        "; raw lines naming the child or from the tracer: {}",
        lines.join(" | ")
    )
}

fn last_lines(s: &str, n: usize) -> String {
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

/// Runs `tracer ARGS -- vm_check workload` (or `tracer ARGS` when `workload` is false).
fn tracer(args: &[&str], workload: bool) -> Run {
    tracer_env(args, workload, &[])
}

/// The same, with `env` in the tracer's environment. Where the kernel preempts tracing
/// programs (7.2's syscall tracepoints; trampolines on preemptible kernels), a run may
/// lose calls to it, counted and said: such a run is made again (twice at most), so the
/// checks see whole traces, and a loss nothing counted still fails them.
fn tracer_env(args: &[&str], workload: bool, env: &[(&str, &str)]) -> Run {
    let mut tries = 0;
    loop {
        let mut cmd = Command::new(std::env::var_os("VMTEST_TRACER").unwrap_or(TRACER.into()));
        cmd.args(args).envs(env.iter().copied());
        if workload {
            let me = std::env::current_exe().expect("/proc/self/exe");
            cmd.arg("--").arg(me).arg("workload");
        }
        let run = run_with_timeout(cmd, RUN_TIMEOUT);
        tries += 1;
        let lost = preempted(&run);
        if lost == 0 || tries == 3 {
            return run;
        }
        info(
            "preempted",
            &format!("tracer {}: {lost} program runs lost; again", args.join(" ")),
        );
    }
}

fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Run {
    let mut child = match cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            return Run {
                code: None,
                signal: None,
                timed_out: false,
                stdout: String::new(),
                stderr: format!("spawning {cmd:?}: {e}"),
            };
        }
    };
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if start.elapsed() > timeout => {
                timed_out = true;
                let _ = child.kill();
                break child.wait().ok();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    use std::os::unix::process::ExitStatusExt as _;
    Run {
        code: if timed_out {
            None
        } else {
            status.and_then(|s| s.code())
        },
        signal: if timed_out {
            None
        } else {
            status.and_then(|s| s.signal())
        },
        timed_out,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------
// Reading the lines

/// The workload's calls between the markers (exclusive), `[pid N] ` prefixes kept, the
/// ids replaced by `<pid>`, `<ppid>`, `<child>`, addresses by `0x…` and durations dropped.
fn transcript(run: &Run) -> Result<Vec<String>, String> {
    let (pid, ppid, child) = run
        .ids()
        .ok_or_else(|| format!("the workload did not finish ({})", run.describe()))?;
    let addr = Regex::new(r"0x[0-9a-f]+").expect("regex");
    let duration = Regex::new(r" <\d+\.\d+>$").expect("regex");
    // strace pads `[pid  N]` and the ` = ` column; the lines compare without the padding.
    let pid_prefix = Regex::new(r"^\[pid +").expect("regex");
    let result_column = Regex::new(r"\) +=").expect("regex");
    let ids = [(&child, "<child>"), (&ppid, "<ppid>"), (&pid, "<pid>")];
    Ok(between_markers(run)?
        .into_iter()
        .map(|line| {
            let mut line = duration.replace(line, "").into_owned();
            line = pid_prefix.replace(&line, "[pid ").into_owned();
            line = result_column.replace_all(&line, ") =").into_owned();
            line = addr.replace_all(&line, "0x…").into_owned();
            for (id, name) in ids {
                let word = Regex::new(&format!(r"\b{id}\b")).expect("regex");
                line = word.replace_all(&line, name).into_owned();
            }
            line
        })
        .collect())
}

/// The trace lines between the workload's marker calls (exclusive).
fn between_markers(run: &Run) -> Result<Vec<&str>, String> {
    let mut lines = run.lines();
    if !lines.any(|l| l.contains("\"/vmtest/begin\"")) {
        return Err(format!("no begin marker in the trace ({})", run.describe()));
    }
    let mut inside = Vec::new();
    for line in lines {
        if line.contains("\"/vmtest/end\"") {
            return Ok(inside);
        }
        inside.push(line);
    }
    Err("no end marker in the trace".into())
}

/// The lines both backends must print alike: signal deliveries (`--- SIGCHLD ... ---`) are
/// left out, as only ptrace sees them (the eBPF programs see syscalls, not signals).
fn comparable(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| !l.starts_with("--- ") && !l.contains("] --- "))
        .cloned()
        .collect()
}

/// Checks that `patterns` match lines of `lines` in this order (other lines may come
/// between).
fn in_order(lines: &[String], patterns: &[&str]) -> Result<(), String> {
    let mut rest = lines.iter();
    for pattern in patterns {
        let re = Regex::new(&format!("^{pattern}$")).expect("regex");
        if !rest.any(|l| re.is_match(l)) {
            return Err(format!(
                "no line matching /{pattern}/ in order; lines: {}",
                lines.join(" | ")
            ));
        }
    }
    Ok(())
}

/// The main process's lines the workload must produce, with any backend.
const EXPECTED: &[&str] = &[
    r#"openat\(AT_FDCWD, "/dev/null", O_WRONLY\) = 3"#,
    r#"write\(3, "vmtest", 6\) = 6"#,
    r#"writev\(5, \[\{iov_base="vm", iov_len=2\}, \{iov_base="test", iov_len=4\}\], 2\) = 6"#,
    r"epoll_create1\(EPOLL_CLOEXEC\) = 6",
    r"epoll_ctl\(6, EPOLL_CTL_ADD, 4, \{events=EPOLLIN, data=\{u32=77777, u64=77777\}\}\) = 0",
    r"epoll_pwait\(6, \[\{events=EPOLLIN, data=\{u32=77777, u64=77777\}\}\], 2, 0, NULL, 8\) = 1",
    r"close\(6\) = 0",
    r"fstat\(3, \{st_mode=S_IFCHR\|0666, st_rdev=makedev\(0x…, 0x…\), \.\.\.\}\) = 0",
    r#"readv\(4, \[\{iov_base="vmtest", iov_len=512\}\], 1\) = 6"#,
    r#"openat\(AT_FDCWD, "/nonexistent/vmtest", O_RDONLY\) = -1 ENOENT \(No such file or directory\)"#,
    r"getppid\(\) = <ppid>",
    r"getppid\(\) = <ppid>",
    r"getppid\(\) = <ppid>",
    r"nanosleep\(\{tv_sec=0, tv_nsec=60000000\}, NULL\) = 0",
    r"close\(3\) = 0",
    r"clone\(.*\) = <child>",
    r"wait4\(<child>, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 7\}\], 0, NULL\) = <child>",
];

/// A call line of the main process (no `[pid N]` prefix, not a signal or exit line).
fn call_name(line: &str) -> Option<&str> {
    let name = line.split('(').next()?;
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(name)
}

// ---------------------------------------------------------------------------------------
// The checks

struct Report {
    passed: usize,
    failed: usize,
}

impl Report {
    fn check(&mut self, name: &str, result: Result<(), String>) {
        match result {
            Ok(()) => {
                self.passed += 1;
                println!("VMTEST PASS {name}");
            }
            Err(why) => {
                self.failed += 1;
                // One line per result: the host parses the console line by line.
                println!("VMTEST FAIL {name}: {}", why.replace('\n', " | "));
            }
        }
    }
}

fn info(key: &str, value: &str) {
    println!("VMTEST INFO {key}={}", value.replace('\n', " "));
}

fn expect_ok(run: &Run) -> Result<(), String> {
    if let Some(crash) = run.crashed() {
        return Err(crash);
    }
    if run.code != Some(0) {
        return Err(format!("tracer failed: {}", run.describe()));
    }
    if !run.lines().any(|l| l == "+++ exited with 0 +++") {
        return Err(format!("no `+++ exited with 0 +++`: {}", run.describe()));
    }
    Ok(())
}

fn run_checks() -> bool {
    let expect = std::env::var("VMTEST_EXPECT").unwrap_or_else(|_| "ebpf".into());
    let lockdown = std::env::var_os("VMTEST_LOCKDOWN").is_some();
    let mut uname = String::new();
    let _ = std::fs::File::open("/proc/sys/kernel/osrelease")
        .and_then(|mut f| f.read_to_string(&mut uname));
    info("kernel", uname.trim());
    info(
        "lockdown",
        std::fs::read_to_string("/sys/kernel/security/lockdown")
            .unwrap_or_default()
            .trim(),
    );
    let mut report = Report {
        passed: 0,
        failed: 0,
    };
    let repeat = std::env::var("VMTEST_REPEAT")
        .ok()
        .and_then(|n| n.parse().ok());
    if let Some(times) = repeat {
        for _ in 0..times {
            report.check("trampolines", trampolines());
        }
    } else if lockdown {
        lockdown_checks(&mut report);
    } else {
        checks(&mut report, &expect);
    }
    println!(
        "VMTEST DONE passed={} failed={}",
        report.passed, report.failed
    );
    report.failed == 0
}

/// Runs that load the eBPF programs are few: under TCG the kernel's verifier takes tens of
/// seconds per load. One `-f -T` run gives the lines, the durations and the child's lines;
/// `-e trace=` (per-syscall tracepoints) and `-c` (in-kernel counts) are separate paths.
fn checks(report: &mut Report, expect: &str) {
    let auto = unpreempted(&["-f", "-T"]);
    let chosen = if auto.fell_back() {
        "ptrace"
    } else if auto.code == Some(0) {
        "ebpf"
    } else {
        "error"
    };
    info("backend", chosen);
    if let Some(notice) = auto.notice() {
        info("notice", &notice);
    }
    // Where auto fell back although eBPF was expected, every further eBPF run would fall
    // back the same slow way (a verifier rejection can take minutes under TCG): check the
    // rest with the fallback, so the kernel still gets its ptrace results.
    let rest: &[&str] = if chosen == "ptrace" && expect == "ebpf" {
        info("rest", "--backend=ptrace (auto fell back)");
        &["--backend=ptrace"]
    } else {
        &[]
    };
    report.check(
        "backend-auto",
        expect_ok(&auto).and_then(|()| {
            if chosen == expect {
                Ok(())
            } else {
                Err(format!("auto chose {chosen}, expected {expect}"))
            }
        }),
    );
    let streams = transcript(&auto).map(|l| streams(&l));
    report.check(
        "lines",
        streams
            .clone()
            .and_then(|(parent, _)| in_order(&parent, EXPECTED))
            .and_then(|()| expect_ok(&auto)),
    );
    report.check(
        "follow-forks",
        streams.clone().and_then(|(_, child)| {
            let want = [
                r"getppid\(\) = <pid>".to_owned(),
                format!(r"exit_group\({CHILD_STATUS}\) = \?"),
                format!(r"\+\+\+ exited with {CHILD_STATUS} \+\+\+"),
            ];
            in_order(&child, &want.iter().map(String::as_str).collect::<Vec<_>>())
                .map_err(|e| format!("{e}{}", child_context(&auto)))
        }),
    );
    report.check("durations", durations(&auto));
    // The child's SIGCHLD, which the workload ignores (default action): ptrace is sent
    // it anyway; the eBPF path must catch it where it is generated.
    report.check(
        "ignored-signal",
        transcript(&auto).and_then(|lines| {
            lines
                .iter()
                .any(|l| {
                    l.starts_with(
                        "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=<child>",
                    ) && l.contains("si_status=7")
                })
                .then_some(())
                .ok_or_else(|| format!("no SIGCHLD line; lines: {}", lines.join(" | ")))
        }),
    );
    if let Ok((parent, child)) = &streams {
        for line in comparable(parent) {
            println!("VMTEST TRACE {line}");
        }
        for line in comparable(child) {
            println!("VMTEST TRACE [child] {line}");
        }
    }

    if expect == "ebpf" {
        // The fallback, run where eBPF works, must print what eBPF prints.
        let ptrace = tracer(&["--backend=ptrace", "-f", "-T"], true);
        report.check(
            "ptrace-same-lines",
            expect_ok(&ptrace).and_then(|()| {
                let (ep, ec) = streams.clone()?;
                let (pp, pc) = streams_of(&ptrace)?;
                same_lines(&comparable(&ep), &comparable(&pp))?;
                same_lines(&comparable(&ec), &comparable(&pc))
            }),
        );
    } else {
        let forced = tracer(&["--backend=ebpf"], true);
        report.check(
            "backend-ebpf-clear-error",
            forced.clear_error().and_then(|msg| {
                if msg.contains("eBPF unavailable") {
                    Ok(())
                } else {
                    Err(format!("unexpected message: {msg}"))
                }
            }),
        );
    }
    // ptrace's register fallback (kernels before 5.3), on this kernel: the same lines.
    let registers = tracer_env(&["--backend=ptrace", "-f", "-T"], true, &[REGISTERS]);
    report.check(
        "ptrace-registers",
        expect_ok(&registers).and_then(|()| {
            let (ep, ec) = streams.clone()?;
            let (rp, rc) = streams_of(&registers)?;
            same_lines(&comparable(&ep), &comparable(&rp))?;
            same_lines(&comparable(&ec), &comparable(&rc))
        }),
    );
    report.check("filter", filter(rest, expect == "ebpf"));
    report.check("summary", summary(rest));
    report.check("inject", inject(rest, expect == "ebpf"));
    report.check("compat32", compat32(rest, expect == "ebpf"));
    if std::path::Path::new(STRACE).exists() {
        report.check("strace-same-lines", strace_same_lines(&auto));
    }
    if expect == "ebpf" && rest.is_empty() {
        report.check("option-sets", option_sets());
        report.check("capture-kinds-alone", capture_kinds_alone());
        report.check("io-uring", io_uring());
        report.check("trampolines", trampolines());
        report.check("bystander", bystander());
    }
}

/// The trace set of the trampoline checks: few enough for `--tracepoints=auto` to take
/// fentry/fexit, the workload's parent and child calls among them.
const NARROW: &[&str] = &["-e", "trace=openat,write,close,getppid,wait4,exit_group"];

/// Where `--stats` says the syscall programs attached.
fn attached_to(run: &Run) -> Option<String> {
    run.lines()
        .find_map(|l| l.strip_prefix("tracer: syscall programs: "))
        .map(str::to_owned)
}

/// Every line of a run but the tracer's own, ids masked and durations dropped as in
/// [`transcript`] (whose markers the result filters may drop).
fn masked(run: &Run) -> Result<Vec<String>, String> {
    let (pid, ppid, child) = run
        .ids()
        .ok_or_else(|| format!("the workload did not finish ({})", run.describe()))?;
    let duration = Regex::new(r" <\d+\.\d+>$").expect("regex");
    let pid_prefix = Regex::new(r"^\[pid +").expect("regex");
    let result_column = Regex::new(r"\) +=").expect("regex");
    let ids = [(&child, "<child>"), (&ppid, "<ppid>"), (&pid, "<pid>")];
    // Loss markers (`... 3 program runs lost to preemption ...`) say what is missing;
    // the comparisons look at what is there, and at the counts (`preempted`).
    let marker = |l: &str| l.starts_with("... ") && l.ends_with(" ...");
    Ok(run
        .lines()
        .filter(|l| !l.starts_with("tracer: ") && !marker(l))
        .map(|line| {
            let mut line = duration.replace(line, "").into_owned();
            line = pid_prefix.replace(&line, "[pid ").into_owned();
            line = result_column.replace_all(&line, ") =").into_owned();
            for (id, name) in ids {
                let word = Regex::new(&format!(r"\b{id}\b")).expect("regex");
                line = word.replace_all(&line, name).into_owned();
            }
            line
        })
        .collect())
}

/// `-c`'s rows without their times, sorted.
fn counts(run: &Run) -> Vec<String> {
    tracer_tests::summary_counts(&run.lines().collect::<Vec<_>>())
}

/// fentry/fexit on the syscall functions (`--tracepoints=auto` for a started command's
/// narrow trace): attached on every stock kernel, printing what the raw tracepoints
/// print, with `-f`'s child, the result filters and `-c`; `-P` (which follows calls
/// outside the set) keeps to the tracepoints, saying why.
fn trampolines() -> Result<(), String> {
    let sets: &[&[&str]] = &[&["-f"], &["-f", "-z"], &["-f", "-Z"], &["-f", "-c"]];
    for options in sets {
        same_in_both_modes(options)?;
    }
    let paths = tracer(
        &[&["--backend=ebpf", "--stats", "-P", "/dev/null"], NARROW].concat(),
        true,
    );
    expect_ok(&paths)?;
    let attached = attached_to(&paths).unwrap_or_default();
    if !attached.contains("not fentry/fexit: -P") {
        return Err(format!("-P attached {attached:?}"));
    }
    info(
        "trampolines",
        &attached_to(&tracer(
            &[&["--backend=ebpf", "--stats"], NARROW].concat(),
            true,
        ))
        .unwrap_or_default(),
    );
    Ok(())
}

/// A run of the tracer with `args` that lost none of its programs' runs to preemption,
/// out of three at most (else the last): it is the reference the other backends' lines
/// are compared with. Under emulation on 6.14+, whose syscall tracepoints run preemptible,
/// another task's call on the CPU sometimes finds a program preempted there and the
/// kernel skips it (counted, shown: the trace says calls may be missing).
fn unpreempted(args: &[&str]) -> Run {
    let mut run = tracer(args, true);
    for _ in 1..3 {
        if !run.lines().any(|l| l.contains("lost to preemption")) {
            break;
        }
        info("rerun", "the reference run lost program runs to preemption");
        run = tracer(args, true);
    }
    run
}

/// The runs of the tracer's programs `run` says were lost to preemption.
fn preempted(run: &Run) -> u64 {
    let note = Regex::new(r"tracer: (\d+) runs of the tracer's programs were lost to preemption")
        .expect("regex");
    run.lines()
        .find_map(|l| note.captures(l)?[1].parse().ok())
        .unwrap_or(0)
}

/// The trace of [`NARROW`] with `options`, with fentry/fexit (where the kernel allows
/// them) and with raw tracepoints: the same calls, in each process's order.
fn same_in_both_modes(options: &[&str]) -> Result<(), String> {
    let mode = |tracepoints: &str| {
        tracer(
            &[&["--backend=ebpf", "--stats", tracepoints], options, NARROW].concat(),
            true,
        )
    };
    let (fentry, raw) = (mode("--tracepoints=auto"), mode("--tracepoints=raw"));
    let lost = preempted(&fentry) + preempted(&raw);
    let fail = |e: String| format!("{options:?}: {e} ({lost} runs counted lost to preemption)");
    for run in [&fentry, &raw] {
        if run.crashed().is_some() || run.code != Some(0) {
            return Err(fail(format!("tracer failed: {}", run.describe())));
        }
    }
    let attached = attached_to(&fentry).unwrap_or_default();
    let allowed = trampolines_expected();
    if attached.starts_with("fentry/fexit") != allowed {
        return Err(fail(format!("auto attached {attached:?}")));
    }
    if options.contains(&"-c") {
        same_lines(&counts(&raw), &counts(&fentry)).map_err(fail)?;
        if counts(&fentry).is_empty() {
            return Err(fail("no -c rows".into()));
        }
        return Ok(());
    }
    let (want, got) = (masked(&raw).map_err(fail)?, masked(&fentry).map_err(fail)?);
    // Each process's own order, calls cut by the other's lines joined; between the
    // two, scheduling decides.
    let split = |lines: &[String]| {
        let (parent, child) = streams(lines);
        (comparable(&parent), comparable(&child))
    };
    let ((wp, wc), (gp, gc)) = (split(&want), split(&got));
    // Both runs whole in the message: a difference is rare and costly to reproduce.
    let both = || format!("raw: {} || fentry: {}", want.join(" | "), got.join(" | "));
    same_lines(&wp, &gp).map_err(|e| fail(format!("parent: {e}; {}", both())))?;
    same_lines(&wc, &gc).map_err(|e| fail(format!("child: {e}; {}", both())))?;
    if gc.is_empty() || gp.is_empty() {
        return Err(fail(format!("too few lines: {got:?}")));
    }
    Ok(())
}

/// Whether this kernel attaches BPF trampolines to kernel functions: every stock x86_64
/// kernel of the matrix; arm64 from 6.4 (ftrace direct calls), where 6.1 loads tracing
/// programs but refuses to attach them.
fn trampolines_expected() -> bool {
    if std::env::consts::ARCH != "aarch64" {
        return true;
    }
    let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let mut numbers = release
        .split(['.', '-'])
        .map(|n| n.parse::<u32>().unwrap_or(0));
    (numbers.next().unwrap_or(0), numbers.next().unwrap_or(0)) >= (6, 4)
}

/// `vm_check loop`: `getppid` in a loop for about a second; prints `ns/call N`.
fn syscall_loop() {
    let started = Instant::now();
    let mut calls = 0u64;
    while started.elapsed() < Duration::from_secs(1) {
        for _ in 0..1000 {
            // SAFETY: a syscall without arguments.
            unsafe { libc::syscall(libc::SYS_getppid) };
        }
        calls += 1000;
    }
    println!(
        "ns/call {:.1}",
        started.elapsed().as_nanos() as f64 / calls as f64
    );
}

/// `vm_check idle`: a traced process that does nothing: says `ready PID` (tracing has
/// begun: it was started under the tracer) and sleeps until killed.
fn idle() {
    println!("ready {}", std::process::id());
    std::thread::sleep(Duration::from_secs(3600));
}

/// The tax on a process nobody traces, beside a narrow trace of an idle one: `vm_check
/// loop` alone, beside the raw tracepoints and beside fentry/fexit, alternated over
/// rounds in this one boot; `VMTEST INFO bystander=` has the medians in ns per call,
/// which `cargo xtask vm-test` writes to docs/benchmarks.md.
fn bystander() -> Result<(), String> {
    use std::io::BufRead as _;
    let me = std::env::current_exe().expect("/proc/self/exe");
    let measure = || -> Result<f64, String> {
        let out = Command::new(&me)
            .arg("loop")
            .output()
            .map_err(|e| e.to_string())?;
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .strip_prefix("ns/call ")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| "no ns/call from the loop".to_owned())
    };
    let beside = |tracepoints: &str| -> Result<f64, String> {
        let mut tracer = Command::new(std::env::var_os("VMTEST_TRACER").unwrap_or(TRACER.into()))
            .args(["--backend=ebpf", tracepoints, "-o", "/dev/null"])
            .args(["-e", "trace=openat,read,close", "--"])
            .arg(&me)
            .arg("idle")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut ready = String::new();
        let stdout = tracer.stdout.take().expect("piped");
        let _ = std::io::BufReader::new(stdout).read_line(&mut ready);
        let idle: Option<i32> = ready
            .trim()
            .strip_prefix("ready ")
            .and_then(|p| p.parse().ok());
        let measured = match idle {
            Some(pid) => {
                let measured = measure();
                // SAFETY: a signal to the idle process, which the tracer started for us;
                // the tracer ends with it.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                measured
            }
            None => {
                let _ = tracer.kill();
                Err(format!("{tracepoints}: the idle process did not start"))
            }
        };
        let _ = tracer.wait();
        measured
    };
    if !trampolines_expected() {
        info("bystander", "skipped: no BPF trampolines on this kernel");
        return Ok(());
    }
    const ROUNDS: usize = 5;
    let mut times: [Vec<f64>; 3] = Default::default();
    for _ in 0..ROUNDS {
        times[0].push(measure()?);
        times[1].push(beside("--tracepoints=raw")?);
        times[2].push(beside("--tracepoints=fentry")?);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let [alone, raw, fentry] = times.each_mut().map(median);
    info(
        "bystander",
        &format!("alone={alone:.1} raw={raw:.1} fentry={fentry:.1} rounds={ROUNDS}"),
    );
    Ok(())
}

/// io_uring operations (`-e trace=%io_uring`): their lines where the kernel has the
/// tracepoints (5.10's older ones give no fd, offset or length), else one line that says
/// they are not shown, and the trace goes on.
fn io_uring() -> Result<(), String> {
    let mut cmd = Command::new(std::env::var_os("VMTEST_TRACER").unwrap_or(TRACER.into()));
    let me = std::env::current_exe().expect("/proc/self/exe");
    cmd.args(["--backend=ebpf", "-e", "trace=%io_uring,exit_group", "--"])
        .arg(me)
        .arg("uring");
    let run = run_with_timeout(cmd, RUN_TIMEOUT);
    expect_ok(&run)?;
    let lines: Vec<String> = run.lines().map(str::to_owned).collect();
    let tracepoints = std::path::Path::new("/sys/kernel/tracing/events/io_uring").is_dir();
    info("io_uring", if tracepoints { "tracepoints" } else { "none" });
    if run.stdout.contains("no io_uring") || !tracepoints {
        // No io_uring, or no tracepoints for it: at most one line about it, the rest
        // of the trace as ever.
        let notes = lines.iter().filter(|l| l.starts_with("tracer: ")).count();
        if notes > 1 || !lines.iter().any(|l| l.starts_with("exit_group(0)")) {
            return Err(format!("lines: {}", lines.join(" | ")));
        }
        return Ok(());
    }
    // Raw tracepoint programs wherever BTF gives the tracepoints' prototypes: their
    // links detach at once (a tracepoint's perf-event link takes ~70 ms at every exit).
    let mut cmd = Command::new(std::env::var_os("VMTEST_TRACER").unwrap_or(TRACER.into()));
    cmd.args([
        "--backend=ebpf",
        "-d",
        "-o",
        "/dev/null",
        "-e",
        "trace=%io_uring",
        "--",
    ])
    .arg(std::env::current_exe().expect("/proc/self/exe"))
    .arg("uring");
    let debug = run_with_timeout(cmd, RUN_TIMEOUT);
    if debug.code != Some(0) {
        return Err(format!("tracer -d failed: {}", debug.describe()));
    }
    let loaded: Vec<&str> = debug
        .stderr
        .lines()
        .filter(|l| l.contains(" loaded in "))
        .filter_map(|l| {
            l.split_whitespace()
                .find(|w| w.starts_with("tracer_uring_"))
        })
        .collect();
    info("io_uring_programs", &loaded.join(","));
    let raw = ["_raw", "_args", "_cqe", "_old"];
    let all_raw = loaded.len() == 2 && loaded.iter().all(|p| raw.iter().any(|r| p.ends_with(r)));
    if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() && !all_raw {
        return Err(format!("io_uring programs with BTF: {loaded:?}"));
    }
    // Each in its place before the exit; between them, the order they completed in.
    for op in [
        r"io_uring:READ\((\d+, len=16, off=0)?\) += 16",
        r"io_uring:NOP\(\) += 0",
        // A negative result, as the raw tracepoint's argument or the CQE gives it.
        r"io_uring:READ\((\d+, len=16, off=0)?\) += -1 EFAULT \(Bad address\)",
    ] {
        in_order(&lines, &[op, r"exit_group\(0\) += \?"])?;
    }
    Ok(())
}

/// Three io_uring operations made with raw syscalls (no liburing in the VM): a read of
/// 16 bytes of /dev/zero at offset 0, a NOP, and the same read into an address that is
/// not mapped (EFAULT when it is issued), submitted and waited for in one
/// `io_uring_enter`. Prints `no io_uring` where the kernel has none.
fn uring_workload() {
    // io_uring_params as 30 words: sq_entries, cq_entries, ..., then io_sqring_offsets
    // (head, tail, ring_mask, ring_entries, flags, dropped, array) from word 10 and
    // io_cqring_offsets (head, tail, ring_mask, ring_entries, overflow, cqes) from 20.
    let mut p = [0u32; 30];
    // SAFETY: raw io_uring syscalls on buffers that outlive them; the rings are mapped
    // with the sizes the kernel's offsets give, and written within them.
    unsafe {
        let ring = libc::syscall(libc::SYS_io_uring_setup, 4, p.as_mut_ptr()) as i32;
        if ring < 0 {
            println!("no io_uring");
            libc::exit(0);
        }
        let map = |len: usize, offset: libc::off_t| {
            let at = libc::mmap(
                std::ptr::null_mut(),
                len,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED | libc::MAP_POPULATE,
                ring,
                offset,
            );
            assert!(at != libc::MAP_FAILED, "mmap of the io_uring rings");
            at.cast::<u8>()
        };
        let sq = map(p[16] as usize + p[0] as usize * 4, 0);
        let sqes = map(p[0] as usize * 64, 0x1000_0000);
        let zero = libc::open(c("/dev/zero").as_ptr(), libc::O_RDONLY);
        let buf = [0u8; 16];
        // READ (22): fd, off 0, addr, len 16; NOP (0).
        let read = sqes;
        std::ptr::write_bytes(read, 0, 128);
        *read = 22;
        read.add(4).cast::<i32>().write(zero);
        read.add(16).cast::<u64>().write(buf.as_ptr() as u64);
        read.add(24).cast::<u32>().write(16);
        read.add(32).cast::<u64>().write(1);
        let nop = sqes.add(64);
        nop.add(32).cast::<u64>().write(2);
        let fault = sqes.add(128);
        std::ptr::copy_nonoverlapping(read, fault, 64);
        fault.add(16).cast::<u64>().write(8);
        fault.add(32).cast::<u64>().write(3);
        let array = sq.add(p[16] as usize).cast::<u32>();
        for i in 0..3 {
            array.add(i).write(i as u32);
        }
        let tail = &*sq
            .add(p[11] as usize)
            .cast::<std::sync::atomic::AtomicU32>();
        tail.fetch_add(3, std::sync::atomic::Ordering::Release);
        // IORING_ENTER_GETEVENTS: all completed when it returns.
        libc::syscall(libc::SYS_io_uring_enter, ring, 3, 3, 1, 0, 0);
        libc::exit(0);
    }
}

/// Options the verifier sees as constants, each set a different program to verify:
/// result and path filters hold captures until the exit, with raw and per-syscall
/// tracepoints. Each must load here (no fallback) and show the calls it selects.
fn option_sets() -> Result<(), String> {
    let sets: &[(&[&str], &str)] = &[
        (&["-z"], r"readv\(4, .* = 6"),
        (
            &["-P", "/dev/null"],
            r#"openat\(AT_FDCWD, "/dev/null", O_WRONLY\) = 3"#,
        ),
        // -P with the open outside the trace set: followed all the same.
        (
            &["-P", "/dev/null", "-e", "trace=write"],
            r#"write\(3, "vmtest", 6\) += 6"#,
        ),
        // --pidns-translation: tasks' ids in their namespaces read at their calls.
        (
            &["--pidns-translation", "-e", "trace=write"],
            r#"write\(3, "vmtest", 6\) += 6"#,
        ),
        (
            &["-Z", "-e", "trace=openat,writev"],
            r"openat\(.* = -1 ENOENT .*",
        ),
        (
            &["--min-duration=0", "-e", "trace=writev,readv"],
            r#"writev\(5, \[\{iov_base="vm".*"#,
        ),
        // -y's names taken in the kernel at the call (a pipe: nothing in /proc says
        // more, and the process may be gone when the record is read).
        (
            &["-y", "-e", "trace=writev,close"],
            r"writev\(5<pipe:\[\d+\]>, .* = 6",
        ),
        // -c of a narrow set (its counting alone in the exit program), with --stats.
        (
            &[
                "--stats",
                "-f",
                "-c",
                "-e",
                "trace=openat,write,close,getppid,wait4,exit_group",
            ],
            r".*\d+\s+getppid$",
        ),
        // -v: every call's program with the exec's environment strings, up to
        // MAX_STRV_ALL of each argv (a loop the verifier walks that many rounds).
        (&["-v"], r#"execve\(".*", \[".*"\], \[.*\]\) = 0"#),
        // -yy: a UNIX socket's peer, read in the kernel (`UNIX` before 5.15).
        (
            &["-yy", "-e", "trace=socketpair,close"],
            r"close\(\d+<UNIX(-STREAM)?:\[\d+->\d+\]>\) += 0",
        ),
        // A call whose copies fill the other slots (one moved to the last), and every
        // call at once: the slots' kinds the verifier sees are the most there are.
        (
            &["-yy", "-e", "trace=recvfrom"],
            r#"recvfrom\(\d+<UNIX(-STREAM)?:\[\d+->\d+\]>, "x", 1, 0, NULL, NULL\) += 1"#,
        ),
        (&["-yy"], r"writev\(5<pipe:\[\d+\]>, .* = 6"),
    ];
    for (options, pattern) in sets {
        let run = tracer(&[&["--backend=ebpf"], *options].concat(), true);
        // (`-c` prints its table instead of the exit line.)
        if options.contains(&"-c") {
            if let Some(crash) = run.crashed() {
                return Err(format!("{options:?}: {crash}"));
            }
            if run.code != Some(0) {
                return Err(format!("{options:?}: tracer failed: {}", run.describe()));
            }
        } else {
            expect_ok(&run).map_err(|e| format!("{options:?}: {e}"))?;
        }
        // Not `transcript`: the filters drop its begin marker.
        let lines: Vec<String> = run.lines().map(str::to_owned).collect();
        in_order(&lines, &[pattern]).map_err(|e| format!("{options:?}: {e}"))?;
    }
    Ok(())
}

/// Trace sets whose calls copy one or two kinds of memory: the loader tells the programs
/// which kinds the set copies, and the verifier sees a program without the others' code
/// (a program of its own for each set). Each must load here and show the workload's
/// calls it selects.
fn capture_kinds_alone() -> Result<(), String> {
    let sets: &[(&[&str], Option<&str>)] = &[
        (
            &["-e", "trace=openat"],
            Some(r#"openat\(AT_FDCWD, "/dev/null", O_WRONLY\) = \d+"#),
        ),
        (
            &["-e", "trace=writev"],
            Some(r#"writev\(\d+, \[\{iov_base="vm".*"#),
        ),
        (
            &["-e", "trace=fstat"],
            Some(r"fstat\(\d+, \{st_mode=S_IFCHR.*"),
        ),
        (&["-e", "trace=execve"], Some(r#"execve\(".*", \[".*"#)),
        (&["-e", "trace=getdents64,pselect6"], None),
        (&["-e", "trace=sendmsg,recvmsg"], None),
        (&["-e", "trace=sendmmsg,recvmmsg"], None),
        (&["-e", "trace=msgsnd,msgrcv"], None),
        (&["-e", "trace=getpid"], None),
        // -y's facts: one descriptor's (close) and a pair's (pipe2).
        (
            &["-y", "-e", "trace=pipe2,close"],
            Some(r"close\(\d+<pipe:\[\d+\]>\) += 0"),
        ),
    ];
    for (options, pattern) in sets {
        let run = tracer(&[&["--backend=ebpf"], *options].concat(), true);
        expect_ok(&run).map_err(|e| format!("{options:?}: {e}"))?;
        if let Some(pattern) = pattern {
            let lines: Vec<String> = run.lines().map(str::to_owned).collect();
            in_order(&lines, &[pattern]).map_err(|e| format!("{options:?}: {e}"))?;
        }
    }
    Ok(())
}

fn streams_of(run: &Run) -> Result<(Vec<String>, Vec<String>), String> {
    transcript(run).map(|l| streams(&l))
}

/// Splits a `-f` transcript into the parent's and the child's lines, prefixes removed and
/// each `<unfinished ...>`/`<... resumed>` pair joined into one line: the order between
/// the two processes depends on scheduling, each one's own order does not.
fn streams(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let (mut parent, mut child) = (Vec::new(), Vec::new());
    let (mut parent_pending, mut child_pending) = (None::<String>, None::<String>);
    for line in lines {
        let (body, out, pending) = match line.strip_prefix("[pid <child>] ") {
            Some(body) => (body, &mut child, &mut child_pending),
            None => (
                line.strip_prefix("[pid <pid>] ").unwrap_or(line),
                &mut parent,
                &mut parent_pending,
            ),
        };
        if let Some(start) = body.strip_suffix("<unfinished ...>") {
            *pending = Some(start.trim_end().to_owned());
            continue;
        }
        if let Some(rest) = body.strip_prefix("<... ")
            && let Some((_, rest)) = rest.split_once(" resumed>")
            && let Some(start) = pending.take()
        {
            // strace cuts a line after an argument's separator (`wait4(7, `) or before
            // it (`clone(... <unfinished ...>`, then `<... clone resumed>, ...`).
            let rest = rest.trim_start();
            let sep = if start.ends_with('(') || rest.starts_with([')', ',']) {
                ""
            } else {
                " "
            };
            out.push(format!("{start}{sep}{rest}"));
            continue;
        }
        out.push(body.to_owned());
    }
    (parent, child)
}

/// Same lines, or the first difference.
fn same_lines(want: &[String], got: &[String]) -> Result<(), String> {
    if want == got {
        return Ok(());
    }
    let at = want
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(want.len().min(got.len()));
    Err(format!(
        "line {}: expected {:?}, got {:?}",
        at + 1,
        want.get(at),
        got.get(at)
    ))
}

/// `-T`: every finished call line has a duration, and the sleep's is at least the sleep.
fn durations(run: &Run) -> Result<(), String> {
    expect_ok(run)?;
    let re = Regex::new(r"^nanosleep\(.*\) += 0 <(\d+\.\d+)>$").expect("regex");
    let secs: f64 = run
        .lines()
        .find_map(|l| re.captures(l))
        .ok_or_else(|| format!("no nanosleep line with a duration: {}", run.describe()))?[1]
        .parse()
        .map_err(|e| format!("duration: {e}"))?;
    if secs < SLEEP.as_secs_f64() || secs > 30.0 {
        return Err(format!("nanosleep took {secs}s, slept {SLEEP:?}"));
    }
    let with = Regex::new(r" <\d+\.\d+>$").expect("regex");
    let prefix = Regex::new(r"^\[pid +\d+\] ").expect("regex");
    let missing: Vec<&str> = between_markers(run)?
        .into_iter()
        .map(|l| prefix.find(l).map_or(l, |m| &l[m.end()..]))
        .filter(|l| {
            // `exit_group(N) = ?` never returns; an unfinished line gets its duration
            // on the resumed one.
            call_name(l).is_some()
                && !l.ends_with("= ?")
                && !l.ends_with("<unfinished ...>")
                && !with.is_match(l)
        })
        .collect();
    if !missing.is_empty() {
        return Err(format!("call lines without a duration: {missing:?}"));
    }
    Ok(())
}

/// `-e trace=openat,write`: those calls only; where eBPF is expected, on per-syscall
/// tracepoints (`auto` takes the raw ones).
fn filter(extra: &[&str], expect_ebpf: bool) -> Result<(), String> {
    let per_syscall: &[&str] = if expect_ebpf && extra.is_empty() {
        &["--tracepoints=syscall"]
    } else {
        &[]
    };
    let run = tracer(
        &[extra, per_syscall, &["-e", "trace=openat,write"]].concat(),
        true,
    );
    expect_ok(&run)?;
    // Signal lines stay, as with strace (`-e signal=all` is the default).
    let lines = comparable(&transcript(&run)?);
    let others: Vec<&String> = lines
        .iter()
        .filter(|l| call_name(l).is_some_and(|n| n != "openat" && n != "write"))
        .collect();
    if !others.is_empty() {
        return Err(format!("calls outside the set: {others:?}"));
    }
    let expected: Vec<&str> = EXPECTED
        .iter()
        .copied()
        .filter(|p| p.starts_with(r"openat\(") || p.starts_with(r"write\("))
        .collect();
    in_order(&lines, &expected)?;
    if lines.len() != expected.len() {
        return Err(format!(
            "expected {} lines, got {}: {lines:?}",
            expected.len(),
            lines.len()
        ));
    }
    // Per-syscall tracepoints load programs of their own: they must not have fallen
    // back where the raw ones did not (`--tracepoints` makes a failure an error).
    if expect_ebpf && extra.is_empty() && run.fell_back() {
        return Err(format!("fell back: {}", run.notice().unwrap_or_default()));
    }
    Ok(())
}

/// `-e inject=` on this kernel (on eBPF, through a seccomp filter's listener: 5.5 lets a
/// held call run): the second getppid is answered by the tracer, the others run.
fn inject(extra: &[&str], expect_ebpf: bool) -> Result<(), String> {
    // openat: the workload's begin and end markers.
    let rule = [
        "-e",
        "trace=openat,getppid",
        "-e",
        "inject=getppid:retval=4242:when=2",
    ];
    let run = tracer(&[extra, &rule].concat(), true);
    expect_ok(&run)?;
    let lines = comparable(&transcript(&run)?);
    in_order(
        &lines,
        &[
            r"getppid\(\) = <ppid>",
            r"getppid\(\) = 4242 \(INJECTED\)",
            r"getppid\(\) = <ppid>",
        ],
    )?;
    if expect_ebpf && extra.is_empty() && run.fell_back() {
        return Err(format!("fell back: {}", run.notice().unwrap_or_default()));
    }
    Ok(())
}

/// `-c`: a table instead of the calls, with the workload's counts.
fn summary(extra: &[&str]) -> Result<(), String> {
    let run = tracer(&[extra, &["-c"]].concat(), true);
    if let Some(crash) = run.crashed() {
        return Err(crash);
    }
    if run.code != Some(0) {
        return Err(format!("tracer failed: {}", run.describe()));
    }
    if run.lines().any(|l| l.starts_with("openat(")) {
        return Err("-c printed calls".into());
    }
    // Rows: `% time  seconds  usecs/call  calls  errors  syscall`, errors blank when 0.
    let row = |name: &str| -> Result<(u64, u64), String> {
        let line = run
            .lines()
            .find(|l| l.split_whitespace().last() == Some(name))
            .ok_or_else(|| format!("no {name} row: {}", run.describe()))?;
        let nums: Vec<u64> = line
            .split_whitespace()
            .skip(3)
            .take_while(|w| w.parse::<u64>().is_ok())
            .map(|w| w.parse().expect("checked"))
            .collect();
        match nums[..] {
            [calls] => Ok((calls, 0)),
            [calls, errors] => Ok((calls, errors)),
            _ => Err(format!("unreadable row {line:?}")),
        }
    };
    // One more after the end marker, for the ids line.
    let (calls, _) = row("getppid")?;
    if calls != GETPPIDS as u64 + 1 {
        return Err(format!("getppid: {calls} calls, made {}", GETPPIDS + 1));
    }
    let (calls, errors) = row("openat")?;
    if calls < 4 || errors < 3 {
        return Err(format!(
            "openat: {calls} calls {errors} errors, want >= 4 and >= 3"
        ));
    }
    let (calls, errors) = row("nanosleep")?;
    if (calls, errors) != (1, 0) {
        return Err(format!(
            "nanosleep: {calls} calls {errors} errors, want 1 0"
        ));
    }
    Ok(())
}

/// Where the harness puts the architecture's strace (arm64's, with its libraries);
/// absent elsewhere (x86_64's lines are compared with strace on the host).
const STRACE: &str = "/usr/bin/strace";

/// strace with its libraries where Debian's packages put them (there is no
/// ld.so.cache in the initramfs).
fn strace() -> Command {
    let mut cmd = Command::new(STRACE);
    let arch = std::env::consts::ARCH;
    cmd.env(
        "LD_LIBRARY_PATH",
        format!("/lib/{arch}-linux-gnu:/usr/lib/{arch}-linux-gnu"),
    );
    cmd
}

/// strace, run in the guest on the same workload, prints the lines the tracer printed
/// (`auto`'s run: eBPF where expected), ids, addresses and durations masked alike.
fn strace_same_lines(tracer: &Run) -> Result<(), String> {
    let me = std::env::current_exe().expect("/proc/self/exe");
    let mut cmd = strace();
    // -q: no "Process N attached" between the lines.
    cmd.args(["-q", "-f", "-T", "--"]).arg(me).arg("workload");
    let run = run_with_timeout(cmd, RUN_TIMEOUT);
    if let Some(crash) = run.crashed() {
        return Err(format!("strace: {crash}"));
    }
    let version = strace().arg("-V").output().ok().and_then(|o| {
        let out = String::from_utf8_lossy(&o.stdout);
        out.lines().next().map(str::to_owned)
    });
    if let Some(version) = version {
        info("strace", &version);
    }
    let (sp, sc) = streams_of(&run).map_err(|e| format!("strace: {e}"))?;
    let (tp, tc) = streams_of(tracer)?;
    same_lines(&comparable(&sp), &comparable(&tp)).map_err(|e| format!("parent: {e}"))?;
    same_lines(&comparable(&sc), &comparable(&tc)).map_err(|e| format!("child: {e}"))
}

/// A 32-bit (compat) call is labelled as strace labels it, with its raw arguments, and
/// never decoded as the 64-bit call of its number; with `auto` (eBPF where expected)
/// and with ptrace.
fn compat32(extra: &[&str], expect_ebpf: bool) -> Result<(), String> {
    use tracer_tests::compat32::{ARGS, GETPID, STATUS};
    let me = std::env::current_exe().expect("/proc/self/exe");
    let me = me.to_str().expect("UTF-8 path");
    let mut untraced = Command::new(me);
    untraced.arg("compat32");
    let alone = run_with_timeout(untraced, RUN_TIMEOUT);
    if alone.code != Some(STATUS) {
        // No 32-bit programs on this kernel or CPU: nothing to label.
        info(
            "compat32",
            &format!("skipped: no 32-bit call ran ({})", alone.describe()),
        );
        return Ok(());
    }
    let args = ARGS.map(|a| format!("{a:#x}")).join(", ");
    let ptrace: &[&str] = &["--backend=ptrace"];
    let mut runs: Vec<Setup> = vec![(ptrace, &[]), (ptrace, &[REGISTERS])];
    if expect_ebpf && extra.is_empty() {
        runs.insert(0, (&["--backend=ebpf"], &[]));
    }
    for (backend, env) in runs {
        let run = tracer_env(&[backend, &["--", me, "compat32"]].concat(), false, env);
        let lines: Vec<&str> = run.lines().collect();
        let fail =
            |what: &str| format!("{backend:?} {env:?}: {what}; lines: {}", lines.join(" | "));
        if run.code != Some(STATUS) {
            return Err(fail(&format!("exit {:?}", run.code)));
        }
        let at = lines
            .iter()
            .position(|l| l.starts_with("[ Process PID=") && l.ends_with(" runs in 32 bit mode. ]"))
            .ok_or_else(|| fail("no switch to 32-bit mode"))?;
        let pid = lines[at]
            .trim_start_matches("[ Process PID=")
            .split(' ')
            .next()
            .unwrap_or_default();
        let call = format!("syscall_{GETPID:#x}({args})");
        let next = lines.get(at + 1).copied().unwrap_or_default();
        if !(next.starts_with(&call) && next.ends_with(&format!("= {pid}"))) {
            return Err(fail(&format!("no `{call} = {pid}` after it")));
        }
        // x86_64's 20 is writev, arm64's 20 epoll_create1.
        if lines
            .iter()
            .any(|l| l.starts_with("writev(") || l.starts_with("epoll_create1("))
        {
            return Err(fail("the 32-bit number decoded as a 64-bit call"));
        }
    }
    Ok(())
}

/// Booted with `lockdown=confidentiality`: `auto` falls back cleanly or fails cleanly, and
/// `--backend=ebpf` works or fails cleanly; nothing crashes or hangs.
fn lockdown_checks(report: &mut Report) {
    let auto = tracer(&[], true);
    let outcome = if auto.code == Some(0) && auto.fell_back() {
        "ptrace"
    } else if auto.code == Some(0) {
        "ebpf"
    } else {
        "error"
    };
    info("backend", outcome);
    if let Some(notice) = auto.notice() {
        info("notice", &notice);
    }
    report.check(
        "lockdown-auto",
        match outcome {
            "error" => auto.clear_error().map(drop),
            _ => expect_ok(&auto)
                .and_then(|()| transcript(&auto))
                .and_then(|l| in_order(&l, EXPECTED)),
        },
    );
    let forced = tracer(&["--backend=ebpf"], true);
    report.check(
        "lockdown-ebpf",
        if forced.code == Some(0) {
            expect_ok(&forced)
        } else {
            forced.clear_error().map(|msg| info("ebpf_error", &msg))
        },
    );
}

// ---------------------------------------------------------------------------------------
// PID 1 duties

fn init_mounts() {
    for (source, target, fstype) in [
        ("proc", "/proc", "proc"),
        ("sysfs", "/sys", "sysfs"),
        ("devtmpfs", "/dev", "devtmpfs"),
        ("tmpfs", "/tmp", "tmpfs"),
        ("securityfs", "/sys/kernel/security", "securityfs"),
    ] {
        let _ = std::fs::create_dir_all(target);
        if let Err(e) = nix::mount::mount(
            Some(source),
            target,
            Some(fstype),
            nix::mount::MsFlags::empty(),
            None::<&str>,
        ) {
            // securityfs is absent on small kernels; the rest must mount.
            if fstype != "securityfs" {
                println!("VMTEST FAIL mount-{fstype}: {e}");
            }
        }
    }
    // tracefs stays for the tracer to mount, as it must on a system that has not.
}

/// Where the tracer writes the log of a program the verifier rejected.
const VERIFIER_LOG: &str = "/tmp/verifier.log";

/// The end of the last rejected program's verifier log, into the console log: the path
/// the verifier was on when it gave up is what tells why.
fn print_verifier_log() {
    if let Ok(log) = std::fs::read_to_string(VERIFIER_LOG) {
        let lines: Vec<&str> = log.lines().collect();
        for line in &lines[lines.len().saturating_sub(120)..] {
            println!("VERIFIER {line}");
        }
    }
}

/// Takes the pids up to 1000 (a thread takes one too, and costs less than a process):
/// the transcripts mask each id wherever it appears as a word, so an id must not equal
/// a number a line prints (a small kernel's first pids would be below 100).
fn skip_small_ids() {
    // SAFETY: gettid takes no argument.
    let new_id = || std::thread::spawn(|| unsafe { libc::gettid() }).join();
    while new_id().is_ok_and(|tid| tid < 1000) {}
}

fn power_off() -> ! {
    // SAFETY: sync and reboot take no pointers; as PID 1 we may reboot. QEMU runs with
    // -no-reboot, so a restart ends it.
    unsafe {
        libc::sync();
        libc::reboot(libc::RB_AUTOBOOT);
    }
    // Unreachable unless reboot failed; PID 1 must not exit.
    loop {
        std::thread::sleep(Duration::from_secs(60));
    }
}
