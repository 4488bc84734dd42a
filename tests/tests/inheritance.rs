//! What a launched command inherits through the tracer: the signal mask and an ignored
//! SIGPIPE or SIGCHLD it was started with, as it would untraced (the tracer blocks
//! signals of its own, Rust's runtime ignores SIGPIPE, and the tracer cannot wait for its
//! children with SIGCHLD ignored: none of which may leak into the command);
//! its `CLONE_PARENT` children, which are the tracer's.

use std::process::{Command, Stdio};

use tracer_tests::{Backend, tracer_bin, tracer_env};

tracer_tests::both_backends!(
    the_command_gets_the_mask_and_dispositions_the_tracer_got,
    a_child_made_with_clone_parent_is_reaped
);

/// A child the command makes with `CLONE_PARENT` is the tracer's child: the tracer reaps
/// it when it exits, as strace does (its clone_parent.c), or the command, waiting for
/// it to be gone, would wait forever.
fn a_child_made_with_clone_parent_is_reaped(backend: Backend) {
    let out = tracer_env(&mut Command::new(tracer_bin()))
        .args([backend.arg(), "-qq", "-e", "trace=none", "--"])
        .args([env!("CARGO_BIN_EXE_workload"), "clone-parent"])
        .stdin(Stdio::null())
        .output()
        .expect("run tracer");
    assert_eq!(
        out.status.code(),
        Some(0),
        "the command saw its sibling gone: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `SigBlk` and `SigIgn` of the traced `cat /proc/self/status`, the tracer started by a
/// Python parent that first blocks SIGHUP (or not) and sets SIGPIPE and SIGCHLD to
/// `ignored`; and the trace's last line.
fn masks(backend: Backend, block_hup: bool, ignored: &str) -> (u64, u64, String) {
    let script = format!(
        "import os, signal, sys\n\
         if {block}: signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGHUP])\n\
         signal.signal(signal.SIGPIPE, signal.{ignored})\n\
         signal.signal(signal.SIGCHLD, signal.{ignored})\n\
         os.execv(sys.argv[1], sys.argv[1:])",
        block = if block_hup { "True" } else { "False" },
    );
    let mut cmd = Command::new("python3");
    tracer_env(&mut cmd);
    let out = cmd
        .args(["-c", &script])
        .arg(tracer_bin())
        .args([backend.arg(), "-e", "trace=none", "--"])
        .args(["cat", "/proc/self/status"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let status = String::from_utf8(out.stdout).unwrap();
    let field = |name: &str| {
        let line = status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("no {name} in {status}"));
        u64::from_str_radix(line.trim(), 16).unwrap()
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default().to_owned();
    (field("SigBlk:"), field("SigIgn:"), last)
}

fn the_command_gets_the_mask_and_dispositions_the_tracer_got(backend: Backend) {
    const HUP: u64 = 1 << (libc::SIGHUP - 1);
    const PIPE: u64 = 1 << (libc::SIGPIPE - 1);
    const CHLD: u64 = 1 << (libc::SIGCHLD - 1);
    let (blocked, ignored, last) = masks(backend, true, "SIG_IGN");
    assert_eq!(
        blocked, HUP,
        "only what the tracer was started with is blocked"
    );
    assert_eq!(
        ignored & (PIPE | CHLD),
        PIPE | CHLD,
        "SIGPIPE and SIGCHLD stay ignored"
    );
    assert_eq!(
        last, "+++ exited with 0 +++",
        "the exit seen with SIGCHLD ignored"
    );
    let (blocked, ignored, _) = masks(backend, false, "SIG_DFL");
    assert_eq!(blocked, 0, "nothing of the tracer's own blocking leaks");
    assert_eq!(
        ignored & PIPE,
        0,
        "the runtime's ignored SIGPIPE does not leak"
    );
}
