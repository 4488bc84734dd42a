//! `-e inject=` and `-e fault=` (strace's syscall tampering): the chosen calls of real
//! programs are changed, and the programs see the faked results. The ptrace backend
//! tampers at its stops; the eBPF backend, for a command it starts, through a seccomp
//! filter whose calls wait for the tracer's answer, and refuses in one line what only
//! stops can do (a signal raised as the kernel raises it, tampering with a process it
//! did not start).

use std::process::{Command, Stdio};

use tracer_tests::{Backend, Traced, trace};

tracer_tests::both_backends!(
    the_chosen_call_fails_with_the_errno,
    a_faked_result_reaches_the_program,
    an_injected_value_is_never_an_error,
    fault_fails_with_enosys_and_counts_as_an_error,
    a_signal_is_delivered_after_the_delay,
    poked_memory_is_what_the_call_reads,
    each_thread_counts_its_own_calls,
    a_delayed_call_runs_late,
    an_attached_process_is_tampered_with_by_ptrace_only
);

/// Runs `args` on `backend`.
fn tamper(backend: Backend, args: &[&str]) -> Traced {
    let mut argv = vec![backend.arg()];
    argv.extend_from_slice(args);
    trace(&argv)
}

/// Checks the eBPF backend's one-line refusal of `args`: nothing runs.
fn refused_on_ebpf(t: &Traced, why: &str) {
    t.expect(t.code() == Some(1), "refused on eBPF");
    assert_eq!(
        t.stderr.trim(),
        format!("tracer: {why} needs the ptrace backend")
    );
    assert!(
        t.stdout.is_empty(),
        "the program must not run: {}",
        t.stdout
    );
}

/// `when=2`: only the second `chdir` fails, and the shell says so.
fn the_chosen_call_fails_with_the_errno(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-e",
            "trace=chdir",
            "-e",
            "inject=chdir:error=EACCES:when=2",
            "--",
            "sh",
            "-c",
            "cd /; cd /tmp 2>/dev/null && echo in-tmp; cd / && echo in-root",
        ],
    );
    let chdirs = t.calls("chdir");
    t.expect(chdirs.len() == 3, "three chdir lines");
    t.expect(
        chdirs[0].ends_with("= 0") && chdirs[2].ends_with("= 0"),
        "the first and third run",
    );
    t.expect(
        chdirs[1].starts_with("chdir(\"/tmp\")")
            && chdirs[1].ends_with("= -1 EACCES (Permission denied) (INJECTED)"),
        "the second is failed by the tracer",
    );
    assert_eq!(t.stdout, "in-root\n", "{}", t.stderr);
}

/// `retval=`: the call is not run and returns the value, which the program then uses.
fn a_faked_result_reaches_the_program(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-e",
            "trace=getpid",
            "--inject=getpid:retval=4242",
            "--",
            "sh",
            "-c",
            "echo $$",
        ],
    );
    assert_eq!(t.stdout, "4242\n", "{}", t.stderr);
    let getpid = t.calls("getpid");
    t.expect(
        getpid.iter().all(|l| l.ends_with("= 4242 (INJECTED)")),
        "every getpid line shows the injected value",
    );
}

/// `retval=` in the errno range is a value all the same, unsigned as strace prints it,
/// and an injected descriptor is named as what the process has open under it (strace's
/// inject-nf and memfd_secret-success-y tests).
fn an_injected_value_is_never_an_error(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-y",
            "-e",
            "trace=geteuid,memfd_create",
            "--inject=geteuid:retval=0xfffffffffffffffe",
            "--inject=memfd_create:retval=0",
            "--",
            "python3",
            "-c",
            "import os; os.geteuid(); os.memfd_create('x')",
        ],
    );
    t.expect(t.code() == Some(0), "python exits 0");
    let geteuid = t.calls("geteuid");
    t.expect(
        !geteuid.is_empty()
            && (geteuid.iter()).all(|l| l.ends_with("= 18446744073709551614 (INJECTED)")),
        "geteuid's injected value, unsigned",
    );
    t.expect(
        (t.calls("memfd_create").iter()).any(|l| l.ends_with("= 0</dev/null> (INJECTED)")),
        "the injected descriptor named as the process's stdin",
    );
}

/// `fault=` without an errno: ENOSYS; `-c` counts it as the failure the program saw.
fn fault_fails_with_enosys_and_counts_as_an_error(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-c",
            "-e",
            "fault=chdir",
            "--",
            "sh",
            "-c",
            "cd / || echo refused",
        ],
    );
    assert_eq!(t.stdout, "refused\n", "{}", t.stderr);
    let row = t
        .stderr
        .lines()
        .find(|l| l.ends_with(" chdir"))
        .unwrap_or_else(|| panic!("no chdir row:\n{}", t.stderr));
    let cols: Vec<&str> = row.split_whitespace().collect();
    // % time, seconds, usecs/call, calls, errors, syscall.
    t.expect(cols[3] == "1" && cols[4] == "1", "one call, one error");
}

/// `signal=` with `delay_enter=`: the call's entry is held back, then the signal comes,
/// and the program's handler runs.
fn a_signal_is_delivered_after_the_delay(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-e",
            "trace=chdir",
            "-e",
            "inject=chdir:signal=USR1:delay_enter=100ms",
            "--",
            "bash",
            "-c",
            "trap 'echo got-usr1' USR1; cd /",
        ],
    );
    if backend == Backend::Ebpf {
        return refused_on_ebpf(&t, "-e inject's signal= (raised as the kernel raises it)");
    }
    assert_eq!(t.stdout, "got-usr1\n", "{}", t.stderr);
    let chdir = t.calls("chdir");
    t.expect(
        chdir.len() == 1 && chdir[0].ends_with("= 0 (DELAYED)"),
        "the call runs, late",
    );
    t.expect(
        t.stderr
            .contains("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_KERNEL} ---"),
        "the signal's line",
    );
}

/// `poke_enter=`: the path `chdir` reads is rewritten before it runs (`/tmp` over
/// `/etc`), so the shell ends up where the tracer sent it.
fn poked_memory_is_what_the_call_reads(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-e",
            "trace=chdir",
            "-e",
            // "/tmp\0"
            "inject=chdir:poke_enter=@arg1=2f746d7000",
            "--",
            "sh",
            "-c",
            "cd /etc; pwd -P",
        ],
    );
    assert_eq!(t.stdout, "/tmp\n", "{}", t.stderr);
    let chdir = t.calls("chdir");
    t.expect(
        chdir.len() == 1
            && chdir[0] == "chdir(\"/tmp\")                           = 0 (INJECTED: args)",
        "the call shows the path it ran with",
    );
}

/// `when=` counts each thread's calls: with `-f`, the child shell's first `chdir` is its
/// first, whatever its parent did before.
fn each_thread_counts_its_own_calls(backend: Backend) {
    let t = tamper(
        backend,
        &[
            "-f",
            "-e",
            "trace=chdir",
            "-e",
            "inject=chdir:error=ENOENT:when=2",
            "--",
            "sh",
            "-c",
            "cd /; cd / || echo parent-second; sh -c 'cd / && echo child-first; cd / || echo child-second'",
        ],
    );
    assert_eq!(
        t.stdout, "parent-second\nchild-first\nchild-second\n",
        "{}",
        t.stderr
    );
    let failed = t
        .calls("chdir")
        .iter()
        .filter(|l| l.ends_with("= -1 ENOENT (No such file or directory) (INJECTED)"))
        .count();
    t.expect(failed == 2, "two chdir lines injected, one per process");
}

/// A process the tracer did not start: ptrace tampers with it once attached; the eBPF
/// backend, which can only filter a command from its start, refuses in one line (and
/// `auto` would choose ptrace).
fn an_attached_process_is_tampered_with_by_ptrace_only(backend: Backend) {
    let target = Command::new("sh")
        .args(["-c", "sleep 1.5; cd / || echo refused"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("sh");
    let pid = target.id().to_string();
    let t = tamper(
        backend,
        &[
            "-e",
            "trace=chdir",
            "-e",
            "inject=chdir:error=EPERM",
            "-p",
            &pid,
        ],
    );
    let out = target.wait_with_output().expect("sh's output");
    let out = String::from_utf8_lossy(&out.stdout);
    if backend == Backend::Ebpf {
        refused_on_ebpf(&t, "-e inject/fault on a process the tracer does not start");
        assert_eq!(out, "", "the process runs untouched");
        return;
    }
    assert_eq!(out, "refused\n", "{}", t.stderr);
    t.expect(
        t.calls("chdir")
            .iter()
            .any(|l| l.ends_with("= -1 EPERM (Operation not permitted) (INJECTED)")),
        "the injected line",
    );
}

/// `delay_enter=` alone: the call waits, then runs, and its line says so.
fn a_delayed_call_runs_late(backend: Backend) {
    let started = std::time::Instant::now();
    let t = tamper(
        backend,
        &[
            "-e",
            "trace=chdir",
            "-e",
            "inject=chdir:delay_enter=300ms",
            "--",
            "sh",
            "-c",
            "cd /tmp && pwd",
        ],
    );
    assert_eq!(t.stdout, "/tmp\n", "{}", t.stderr);
    let chdir = t.calls("chdir");
    t.expect(
        chdir.len() == 1 && chdir[0].ends_with("= 0 (DELAYED)"),
        "the call runs, marked as delayed",
    );
    t.expect(
        started.elapsed() >= std::time::Duration::from_millis(300),
        "the call waited",
    );
}
