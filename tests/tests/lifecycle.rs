//! Attaching, detaching and cleaning up: the traced process is never harmed and no BPF
//! program, link or map of ours outlives the tracer (the programs a tracer holds are
//! known by id from its descriptors, so other tracers running meanwhile do not matter).

use std::{
    collections::BTreeSet,
    process::{Child, Command},
    time::Duration,
};

use nix::{
    sys::signal::{Signal, kill},
    unistd::Pid,
};
use tracer_tests::{assert_programs_freed, bpf_programs_of, process_running, spawn_tracer};

/// A shell loop that bumps a counter file every 50 ms.
struct Loop {
    child: Child,
    counter: std::path::PathBuf,
}

impl Loop {
    fn start(name: &str) -> Self {
        let counter =
            std::env::temp_dir().join(format!("tracer-loop-{name}-{}", std::process::id()));
        // Written aside and renamed, so a reader never sees a half-written counter.
        let script = format!(
            "i=0; while :; do i=$((i+1)); echo $i > {c}.tmp; mv {c}.tmp {c}; sleep 0.05; done",
            c = counter.display()
        );
        let child = Command::new("sh")
            .args(["-c", &script])
            .spawn()
            .expect("start loop");
        std::thread::sleep(Duration::from_millis(200));
        Self { child, counter }
    }

    fn count(&self) -> u64 {
        std::fs::read_to_string(&self.counter)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    #[track_caller]
    fn assert_alive_and_progressing(&self) {
        let pid = self.child.id();
        assert!(process_running(pid), "loop {pid} is not running normally");
        let before = self.count();
        // A few iterations, with room for a loaded machine.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while self.count() < before + 3 {
            assert!(
                std::time::Instant::now() < deadline,
                "loop {pid} stopped making progress"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Loop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.counter);
        let _ = std::fs::remove_file(self.counter.with_extension("tmp"));
    }
}

/// Attaches a tracer to `target`; also returns the ids of the BPF programs it loaded.
fn attach(target: &Loop) -> (Child, tracer_tests::LineWatcher, BTreeSet<u32>) {
    let pid = target.child.id().to_string();
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
        let target = Loop::start(signal.as_str());
        let (mut tracer, out, programs) = attach(&target);
        kill(Pid::from_raw(tracer.id() as i32), signal).unwrap();
        let status = tracer.wait().unwrap();
        let text = out.finish();
        assert!(
            status.success(),
            "tracer exits 0 after {signal}: {status:?}\n{text}"
        );
        assert!(
            text.contains(&format!("Process {} detached", target.child.id())),
            "{text}"
        );
        target.assert_alive_and_progressing();
        assert_programs_freed(&programs);
    }

    // SIGKILL of the tracer itself: the kernel frees everything, the loop goes on.
    let target = Loop::start("sigkill");
    let (mut tracer, _out, programs) = attach(&target);
    tracer.kill().unwrap();
    tracer.wait().unwrap();
    target.assert_alive_and_progressing();
    assert_programs_freed(&programs);
}
