//! A terminal that stays readable: the live status line is drawn only where no traced
//! program can write, gives way to one line of totals at the end, and is off with `-q`
//! and `--no-status`; a trace read on a terminal shows each line while the program runs.

use std::{process::Stdio, time::Duration};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tracer_tests::{Backend, spawn_on_terminal};

tracer_tests::both_backends!(
    the_status_line_stays_off_a_terminal_the_program_writes_to,
    the_status_line_shows_for_a_service_and_gives_way_to_totals,
    quiet_and_no_status_turn_the_status_line_off,
    trace_lines_reach_a_terminal_while_the_program_runs
);

/// What the status line looks like while it is drawn: `tracer: N events (R/s), ...`.
const LIVE: &str = "/s), ";

fn scratch(name: &str) -> String {
    format!("/tmp/tracer-terminal-{}-{name}", std::process::id())
}

/// The reproduction from the issue: with the status line drawn on the terminal the
/// program writes to, its second line landed after the status text (`...0 lostline 2`).
fn the_status_line_stays_off_a_terminal_the_program_writes_to(backend: Backend) {
    let out = scratch(&format!("garble-{backend:?}"));
    let (mut tracer, watcher) = spawn_on_terminal(&[
        backend.arg(),
        "-o",
        &out,
        "--",
        "sh",
        "-c",
        "for i in 1 2 3; do echo line $i; sleep .7; done",
    ]);
    assert!(tracer.wait().unwrap().success());
    let screen = watcher.finish();
    let _ = std::fs::remove_file(&out);
    assert!(
        screen.contains("line 1\r\nline 2\r\nline 3\r\n"),
        "the program's lines are intact:\n{screen:?}"
    );
    assert!(
        !screen.contains(LIVE) && !screen.contains("events, "),
        "no status line, and so no totals line:\n{screen:?}"
    );
}

/// A process that writes nowhere near the terminal, traced into a file.
fn quiet_service() -> std::process::Child {
    std::process::Command::new("sh")
        .args([
            "-c",
            "while :; do cat /etc/hostname > /dev/null; sleep 0.05; done",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sh")
}

/// Traces the quiet service into a file for `wait`, then interrupts the tracer; returns
/// what the terminal showed.
fn trace_service(backend: Backend, extra: &[&str], wait: Duration) -> String {
    let mut service = quiet_service();
    let pid = service.id().to_string();
    let out = scratch(&format!("service-{backend:?}-{}", extra.join("")));
    let mut args = vec![backend.arg(), "-f", "-o", &out, "-p", &pid];
    args.extend_from_slice(extra);
    let (mut tracer, watcher) = spawn_on_terminal(&args);
    // Once the trace is under way (loading the programs takes a while), long enough for
    // the status line to be redrawn a few times.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while std::fs::metadata(&out).map_or(0, |m| m.len()) == 0 {
        assert!(std::time::Instant::now() < deadline, "no trace in {out}");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(wait);
    kill(Pid::from_raw(tracer.id() as i32), Signal::SIGINT).unwrap();
    let status = tracer.wait().unwrap();
    let _ = service.kill();
    let _ = service.wait();
    let screen = watcher.finish();
    let trace = std::fs::read_to_string(&out).unwrap_or_default();
    let _ = std::fs::remove_file(&out);
    // As strace: the process let go of, SIGINT ends the tracer.
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(libc::SIGINT),
        "{status:?}:\n{screen}"
    );
    assert!(
        trace.contains("/etc/hostname"),
        "the trace went to the file"
    );
    screen
}

fn the_status_line_shows_for_a_service_and_gives_way_to_totals(backend: Backend) {
    let screen = trace_service(backend, &[], Duration::from_millis(1500));
    assert!(
        screen.contains(LIVE),
        "the live status line is drawn:\n{screen:?}"
    );
    let totals =
        regex::Regex::new(r"\r\x1b\[2Ktracer: (\d+) events, [0-9.]+ \w+ written, 0 lost\r\n")
            .unwrap();
    let events: u64 = totals
        .captures(&screen)
        .unwrap_or_else(|| panic!("cleared, then one line of totals:\n{screen:?}"))[1]
        .parse()
        .unwrap();
    assert!(events > 0, "{screen:?}");
}

fn quiet_and_no_status_turn_the_status_line_off(backend: Backend) {
    for flags in [&["--no-status"][..], &["-q"], &["-qq"]] {
        let screen = trace_service(backend, flags, Duration::from_millis(1200));
        assert!(
            !screen.contains(LIVE) && !screen.contains(" events, "),
            "{flags:?}: no status line, no totals:\n{screen:?}"
        );
    }
}

/// The trace on the terminal keeps up with the program: the line of a call is there
/// before what the program prints a moment later, not batched until it ends.
fn trace_lines_reach_a_terminal_while_the_program_runs(backend: Backend) {
    let (mut tracer, mut watcher) = spawn_on_terminal(&[
        backend.arg(),
        "-f",
        "-e",
        "trace=openat",
        "--",
        "sh",
        "-c",
        "cat /etc/hostname > /dev/null; sleep 0.3; echo marker-after-the-call",
    ]);
    watcher.wait_for("the marker", Duration::from_secs(10), |s| {
        s.contains("marker-after-the-call")
    });
    assert!(tracer.wait().unwrap().success());
    let screen = watcher.finish();
    let call = screen
        .find("\"/etc/hostname\"")
        .unwrap_or_else(|| panic!("the openat line:\n{screen}"));
    let marker = screen.find("marker-after-the-call").unwrap();
    assert!(call < marker, "the call's line came first:\n{screen}");
}
