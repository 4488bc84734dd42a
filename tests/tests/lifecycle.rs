//! Attaching, detaching and cleaning up: the traced process is never harmed and no BPF
//! program, link or map of ours outlives the tracer (the programs a tracer holds are
//! known by id from its descriptors, so other tracers running meanwhile do not matter).

use std::{
    collections::BTreeSet, os::unix::process::ExitStatusExt, process::Child, time::Duration,
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};
use tracer_tests::{CountingLoop, assert_programs_freed, bpf_programs_of, spawn_tracer};

/// Where a loop of this test counts.
fn loop_counter(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tracer-loop-{name}-{}", std::process::id()))
}

/// Attaches a tracer to `target`; also returns the ids of the BPF programs it loaded.
fn attach(target: &CountingLoop) -> (Child, tracer_tests::LineWatcher, BTreeSet<u32>) {
    let pid = target.pid().to_string();
    let (tracer, mut out) = spawn_tracer(&["--backend=ebpf", "-p", &pid]);
    out.wait_for("attach and traced calls", Duration::from_secs(10), |s| {
        s.contains("attached") && s.contains("wait4(")
    });
    let programs = bpf_programs_of(tracer.id());
    assert!(!programs.is_empty(), "the tracer holds its programs");
    (tracer, out, programs)
}

#[test]
fn detach_leaves_the_target_running_and_nothing_loaded() {
    tracer_tests::skip_unless_root!();

    // Ctrl-C and SIGTERM: clean stop, the loop goes on.
    for signal in [Signal::SIGINT, Signal::SIGTERM] {
        let target = CountingLoop::start(loop_counter(signal.as_str()));
        let (mut tracer, out, programs) = attach(&target);
        kill(Pid::from_raw(tracer.id() as i32), signal).unwrap();
        let status = tracer.wait().unwrap();
        let text = out.finish();
        // As strace: the target let go of, the signal ends the tracer.
        assert_eq!(
            status.signal(),
            Some(signal as i32),
            "tracer ends by {signal}: {status:?}\n{text}"
        );
        assert!(
            text.contains(&format!("Process {} detached", target.pid())),
            "{text}"
        );
        target.assert_goes_on("the trace stopped");
        assert_programs_freed(&programs);
    }

    // SIGKILL of the tracer itself: the kernel frees everything, the loop goes on.
    let target = CountingLoop::start(loop_counter("sigkill"));
    let (mut tracer, _out, programs) = attach(&target);
    tracer.kill().unwrap();
    tracer.wait().unwrap();
    target.assert_goes_on("the trace stopped");
    assert_programs_freed(&programs);
}
