//! Filtering (in the kernel for eBPF, in userspace for ptrace) and following process trees.

use std::{process::Command, time::Duration};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use regex::Regex;
use tracer_tests::Backend;
use tracer_tests::{Traced, spawn_tracer, strip_pid_prefix, trace};

tracer_tests::both_backends!(
    successful_only_and_failed_only,
    min_duration_catches_the_slow_read_and_nothing_faster,
    follow_forks_traces_children_grandchildren_threads_and_exec,
    a_call_interrupted_by_another_tasks_line_is_resumed,
    pids_are_those_of_the_tracers_own_pid_namespace,
    trace_path_shows_only_calls_touching_it,
    trace_path_follows_fds_opened_before_the_trace,
    calls_decided_at_exit_are_not_shown_in_progress,
    calls_decided_at_exit_keep_what_only_their_entry_had,
    trace_path_names_the_working_directory_as_strace_does,
    a_call_cut_short_keeps_what_its_entry_had
);

fn calls_bin() -> &'static str {
    env!("CARGO_BIN_EXE_calls")
}

/// Masks what differs between two runs: addresses and the tracer's own pid (getppid).
fn mask(text: &str) -> String {
    let addr = Regex::new(r"0x[0-9a-f]+").unwrap();
    let ppid = Regex::new(r"(?m)^(getppid\(\) +)= \d+$").unwrap();
    let text = addr.replace_all(text, "0x?");
    ppid.replace_all(&text, "$1= PID").into_owned()
}

/// Totals row of `--stats`: (seen, filtered, emitted, lost).
fn stats_total(t: &Traced) -> (u64, u64, u64, u64) {
    let line = t
        .stderr
        .lines()
        .find(|l| l.starts_with("tracer: total"))
        .expect("--stats total line");
    let n: Vec<u64> = line
        .split_whitespace()
        .skip(2)
        .map(|v| v.parse().unwrap())
        .collect();
    (n[0], n[1], n[2], n[3])
}

#[test]
fn only_and_all_of_the_trace_set_is_shown_on_both_attach_paths() {
    tracer_tests::skip_unless_root!();
    let mut outputs = Vec::new();
    for tracepoints in ["raw", "syscall"] {
        let t = trace(&[
            "--backend=ebpf",
            "--tracepoints",
            tracepoints,
            "-e",
            "trace=getppid,openat",
            "--",
            calls_bin(),
            "loop",
            "50",
        ]);
        t.expect(t.code() == Some(0), "success");
        let calls: Vec<&str> = t
            .lines()
            .into_iter()
            .filter(|l| !l.starts_with("+++"))
            .collect();
        t.expect(
            calls
                .iter()
                .all(|l| l.starts_with("getppid(") || l.starts_with("openat(")),
            "only the asked calls",
        );
        t.expect(t.calls("getppid").len() == 50, "every getppid");
        let missing = t
            .calls("openat")
            .into_iter()
            .filter(|l| {
                l.contains("\"/nonexistent/tracer-calls\"")
                    && l.ends_with("= -1 ENOENT (No such file or directory)")
            })
            .count();
        t.expect(missing == 50, "every failing openat, with its path");
        outputs.push(mask(&t.stderr));
    }
    assert_eq!(
        outputs[0], outputs[1],
        "raw and per-syscall tracepoints print the same"
    );
}

/// A syscall the kernel does not implement (`getpmsg` on x86_64) has no per-syscall
/// tracepoint: the rest of the set is traced, and a line says which are not.
/// eBPF-only: where the programs attach is the eBPF backend's.
#[test]
fn per_syscall_tracepoints_skip_syscalls_the_kernel_lacks() {
    tracer_tests::skip_unless_root!();
    let t = trace(&[
        "--backend=ebpf",
        "--tracepoints=syscall",
        "-e",
        "trace=getpmsg,getppid",
        "--",
        calls_bin(),
        "loop",
        "5",
    ]);
    t.expect(t.code() == Some(0), "success");
    t.expect(t.calls("getppid").len() == 5, "every getppid");
    let absent =
        !std::path::Path::new("/sys/kernel/tracing/events/syscalls/sys_enter_getpmsg").exists();
    t.expect(
        !absent
            || t.stderr.lines().any(|l| {
                l.starts_with("tracer: no tracepoint for getpmsg") && l.contains("not shown")
            }),
        "one line naming the syscall without a tracepoint",
    );
}

#[test]
fn filtered_calls_never_leave_the_kernel() {
    tracer_tests::skip_unless_root!();
    let t = trace(&[
        "--backend=ebpf",
        "--tracepoints=raw",
        "--stats",
        "-e",
        "trace=getppid",
        "--",
        calls_bin(),
        "loop",
        "200",
    ]);
    t.expect(t.code() == Some(0), "success");
    let (_, filtered, emitted, lost) = stats_total(&t);
    t.expect(lost == 0, "nothing lost");
    t.expect(
        emitted == 200,
        "one record per getppid, none for anything else",
    );
    t.expect(
        filtered >= 400,
        "the writes and openats were dropped in the kernel",
    );
}

#[test]
fn unknown_names_are_rejected() {
    tracer_tests::skip_unless_root!();
    let t = trace(&["-e", "trace=openat,nosuch", "--", "true"]);
    t.expect(t.code() == Some(1), "failure status");
    t.expect(
        t.stderr.trim() == "tracer: invalid system call 'nosuch'",
        "names the bad syscall",
    );
}

fn successful_only_and_failed_only(backend: Backend) {
    let t = trace(&[backend.arg(), "-Z", "--", calls_bin(), "loop", "20"]);
    let calls: Vec<&str> = t
        .lines()
        .into_iter()
        .filter(|l| !l.starts_with("+++"))
        .collect();
    t.expect(
        calls.iter().all(|l| l.contains("= -1 E")),
        "-Z shows failed calls only",
    );
    t.expect(
        t.calls("openat")
            .iter()
            .filter(|l| l.contains("tracer-calls"))
            .count()
            == 20,
        "all failures",
    );

    let t = trace(&[backend.arg(), "-z", "--", calls_bin(), "loop", "20"]);
    t.expect(!t.stderr.contains("= -1 E"), "-z hides failed calls");
    t.expect(t.calls("getppid").len() == 20, "successful calls stay");
}

fn min_duration_catches_the_slow_read_and_nothing_faster(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-T",
        "--min-duration=100ms",
        "--",
        calls_bin(),
        "slow-read",
        "300",
    ]);
    t.expect(t.code() == Some(0), "success");
    let timed = Regex::new(r"<(\d+\.\d+)>$").unwrap();
    let calls: Vec<&str> = t
        .lines()
        .into_iter()
        .map(strip_pid_prefix)
        .filter(|l| !l.starts_with("+++"))
        .collect();
    t.expect(
        calls.iter().any(|l| l.starts_with("read(")),
        "the slow read is shown",
    );
    for line in calls {
        let secs: f64 = timed
            .captures(line)
            .map(|c| c[1].parse().unwrap())
            .unwrap_or(0.0);
        t.expect(secs >= 0.1, &format!("only slow calls: {line}"));
    }
}

fn follow_forks_traces_children_grandchildren_threads_and_exec(backend: Backend) {
    let t = trace(&[backend.arg(), "-f", "--", calls_bin(), "tree"]);
    t.expect(t.code() == Some(0), "success");
    let pids: std::collections::BTreeSet<&str> = t
        .lines()
        .into_iter()
        .filter_map(|l| l.strip_prefix("[pid "))
        .filter_map(|l| l.split(']').next())
        .collect();
    t.expect(
        pids.len() >= 4,
        "lines of the child, grandchild, thread and exec'd true carry [pid N]",
    );
    t.expect(
        t.stderr.contains("+++ exited with 3 +++"),
        "the grandchild's exit",
    );
    t.expect(
        t.stderr.contains("+++ exited with 2 +++"),
        "the child's exit",
    );
    t.expect(
        t.calls("execve")
            .iter()
            .any(|l| l.contains("\"true\"") || l.contains("/true\"")),
        "exec in a child",
    );
    t.expect(
        t.stderr.lines().last() == Some("+++ exited with 0 +++"),
        "the command's exit comes last",
    );

    let t = trace(&[backend.arg(), "--", calls_bin(), "tree"]);
    t.expect(
        !t.stderr.contains("exited with 3"),
        "without -f the children are not traced",
    );
}

/// The cgroup v2 hierarchy's mount point.
fn cgroup2_root() -> std::path::PathBuf {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap();
    mounts
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(2) == Some(&"cgroup2"))
        .map(|f| f[1].into())
        .expect("a cgroup2 mount")
}

#[test]
fn cgroup_traces_processes_that_start_later() {
    tracer_tests::skip_unless_root!();
    let dir = cgroup2_root().join(format!("tracer-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (tracer, mut out) = spawn_tracer(&[
        "--backend=ebpf",
        "--cgroup",
        dir.to_str().unwrap(),
        "-e",
        "trace=openat",
    ]);
    // The trace runs until interrupted: make sure a failing test does not leave it behind.
    struct Guard(std::process::Child, std::path::PathBuf);
    impl Drop for Guard {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
            let _ = std::fs::remove_dir(&self.1);
        }
    }
    let mut guard = Guard(tracer, dir.clone());
    out.wait_for("the attach message", Duration::from_secs(20), |s| {
        s.contains("attached")
    });
    let procs = dir.join("cgroup.procs");
    let script = format!("echo $$ > {}; exec cat /etc/hostname", procs.display());
    let status = Command::new("sh")
        .args(["-c", &script])
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    out.wait_for(
        "cat's openat of /etc/hostname",
        Duration::from_secs(10),
        |s| s.contains("\"/etc/hostname\""),
    );
    kill(Pid::from_raw(guard.0.id() as i32), Signal::SIGINT).unwrap();
    assert!(guard.0.wait().unwrap().success());
}

fn a_call_interrupted_by_another_tasks_line_is_resumed(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=wait4,clock_nanosleep,exit_group",
        "--",
        "sh",
        "-c",
        "sleep 0.5; true",
    ]);
    t.expect(t.code() == Some(0), "success");
    // Some call is shown unfinished, another task's line follows, then it resumes.
    let lines = t.lines();
    let open = lines
        .iter()
        .position(|l| l.ends_with(" <unfinished ...>"))
        .expect("an unfinished call");
    let name = strip_pid_prefix(lines[open])
        .split('(')
        .next()
        .unwrap()
        .to_owned();
    let resumed = lines
        .iter()
        .position(|l| strip_pid_prefix(l).starts_with(&format!("<... {name} resumed>")));
    t.expect(
        resumed.is_some_and(|r| r > open + 1),
        "resumed later, with lines in between",
    );
    t.expect(
        t.stderr.contains("<... wait4 resumed>[{WIFEXITED(s)"),
        "wait4's result in its resumed half",
    );
}

fn pids_are_those_of_the_tracers_own_pid_namespace(backend: Backend) {
    // The tracer runs as pid 1 of a new pid namespace; the traced shell's own idea of its
    // pid ($$) must be what the trace shows.
    let out = Command::new("unshare")
        .args(["-fp", "--mount-proc"])
        .arg(tracer_tests::tracer_bin())
        .args([
            backend.arg(),
            "-f",
            "-e",
            "trace=getpid,execve",
            "--",
            "sh",
            "-c",
            "echo $$; /bin/true",
        ])
        .output()
        .expect("run unshare");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let trace = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{trace}");
    let pid: u32 = stdout.trim().parse().expect("the shell's pid");
    assert!(pid < 100, "a pid of the new namespace: {pid}");
    assert!(
        trace
            .lines()
            .any(|l| l.starts_with("getpid()") && l.ends_with(&format!("= {pid}"))),
        "getpid returns the namespace's pid:\n{trace}"
    );
    let child = Regex::new(r"\[pid +(\d+)\] execve\(").unwrap();
    let child: u32 = child
        .captures(&trace)
        .map(|c| c[1].parse().unwrap())
        .expect("the child's execve");
    assert!(
        child > pid && child < 100,
        "the child's pid is in the namespace too:\n{trace}"
    );
}

fn trace_path_shows_only_calls_touching_it(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "-P",
        "/etc/hostname",
        "--",
        "sh",
        "-c",
        "cat /etc/hostname /etc/passwd > /dev/null",
    ]);
    t.expect(t.code() == Some(0), "success");
    let calls: Vec<&str> = t
        .lines()
        .into_iter()
        .map(strip_pid_prefix)
        .filter(|l| !l.starts_with("+++") && !l.starts_with("---"))
        .collect();
    let open = calls
        .iter()
        .position(|l| l.starts_with("openat(AT_FDCWD, \"/etc/hostname\""));
    t.expect(open.is_some(), "the open of the path");
    let fd = calls[open.unwrap()].rsplit("= ").next().unwrap().to_owned();
    t.expect(
        calls
            .iter()
            .any(|l| l.starts_with(&format!("read({fd}, \"")) && !l.ends_with("= 0")),
        "a read from the fd opened on it",
    );
    t.expect(
        calls.iter().any(|l| {
            *l == format!("close({fd})").as_str() || l.starts_with(&format!("close({fd}) "))
        }),
        "its close",
    );
    t.expect(
        !t.stderr.contains("/etc/passwd"),
        "nothing about the other file",
    );
    t.expect(
        calls.iter().all(|l| {
            l.contains("/etc/hostname")
                || l.contains(&format!("({fd},"))
                || l.contains(&format!("({fd})"))
        }),
        "every call touches the path or its fd",
    );
}

/// `-P` also matches descriptors the command inherited on the path (strace's
/// `9>>/dev/full` tests) and the copies made of them. (Not across a fork on eBPF: the
/// kernel's `PATH_FDS` is per process.)
fn trace_path_follows_fds_opened_before_the_trace(backend: Backend) {
    let output = tracer_tests::tracer_env(&mut Command::new("sh"))
        .args(["-c", "exec 9</etc/hostname; exec \"$0\" \"$@\""])
        .arg(tracer_tests::tracer_bin())
        .args([backend.arg(), "-f", "-e", "trace=dup2,read,write", "-P"])
        .args(["/etc/hostname", "--", "sh", "-c", "exec cat <&9"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .output()
        .expect("run tracer");
    let t = Traced::from(output);
    t.expect(t.code() == Some(0), "success");
    let calls: Vec<&str> = t
        .lines()
        .into_iter()
        .map(strip_pid_prefix)
        .filter(|l| !l.starts_with("+++") && !l.starts_with("---"))
        .collect();
    t.expect(
        calls
            .iter()
            .any(|l| l.starts_with("dup2(9, 0)") && l.ends_with("= 0")),
        "the copy of the inherited fd",
    );
    t.expect(
        calls
            .iter()
            .any(|l| l.starts_with("read(0, \"") && !l.ends_with("= 0")),
        "a read from the copy",
    );
    t.expect(
        !calls.iter().any(|l| l.starts_with("write(")),
        "nothing about stdout",
    );
}

/// `-P` (like `-z`, `-Z`, `--min-duration`) decides at a call's exit: a call of another
/// process that blocks meanwhile must not be shown as in progress.
fn calls_decided_at_exit_are_not_shown_in_progress(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "-P",
        "/etc/hostname",
        "--",
        "sh",
        "-c",
        "sleep 0.5 | head -c1; cat /etc/hostname > /dev/null",
    ]);
    t.expect(t.code() == Some(0), "success");
    t.expect(
        !t.stderr.contains("<unfinished ...>") && !t.stderr.contains("resumed>"),
        "no call shown in progress",
    );
    t.expect(
        t.stderr.contains("openat(AT_FDCWD, \"/etc/hostname\""),
        "the open of the path",
    );
}

/// A filter on the result holds captures back until the exit, except execve's: by its
/// exit the exec has replaced the memory its path and argv were in.
fn calls_decided_at_exit_keep_what_only_their_entry_had(backend: Backend) {
    for filter in ["-z", "--min-duration=1ns"] {
        let t = trace(&[
            backend.arg(),
            filter,
            "-e",
            "trace=execve",
            "--",
            "/bin/true",
        ]);
        t.expect(t.code() == Some(0), "success");
        t.expect(
            t.calls("execve")
                .iter()
                .any(|l| l.starts_with("execve(\"/bin/true\", [\"/bin/true\"], 0x")),
            &format!("{filter}: execve's path and argv"),
        );
    }
}

/// `-P` with `-y`: `AT_FDCWD` is named after a `chdir` outside the trace set (the eBPF
/// programs pass it through `-P`'s filter for the table), and shown bare once the
/// directory's path is PATH_MAX bytes or longer, which `/proc` cannot give strace.
fn trace_path_names_the_working_directory_as_strace_does(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("tracer-pathmax-{backend:?}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    let long = "x".repeat(250);
    let script = format!(
        "cd sub && cat sample 2>/dev/null; n=0; while [ $n -lt 17 ]; do mkdir {long} && cd -P {long}; \
         n=$((n+1)); done; cat sample 2>/dev/null; true"
    );
    let t = Traced::from(
        tracer_tests::tracer()
            .current_dir(&dir)
            .args([
                backend.arg(),
                "-f",
                "-y",
                "-e",
                "trace=openat",
                "-P",
                "sample",
            ])
            .args(["--", "sh", "-c", &script])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run tracer"),
    );
    let _ = std::fs::remove_dir_all(&dir);
    let enoent = "\"sample\", O_RDONLY) = -1 ENOENT (No such file or directory)";
    let sub = format!("openat(AT_FDCWD<{}/sub>, {enoent}", dir.display());
    t.expect(
        t.calls("openat") == [sub.as_str(), &format!("openat(AT_FDCWD, {enoent}")],
        "the working directory, then none",
    );
}

/// A call decided at its exit (`--status=unfinished`) that its task dies in shows what
/// its entry had (strace read it then), not the address.
fn a_call_cut_short_keeps_what_its_entry_had(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "--status=unfinished",
        "-e",
        "trace=clock_nanosleep",
        "--",
        "sh",
        "-c",
        "sleep 7 & sleep 0.5; kill -9 $!",
    ]);
    t.expect(t.code() == Some(0), "success");
    t.expect(
        t.calls("clock_nanosleep")
            == ["clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=7, tv_nsec=0},  <unfinished ...>) = ?"],
        "the sleep's time",
    );
}
