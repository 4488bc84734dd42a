//! Containers and OpenTelemetry, against the real components: a Podman container (runc)
//! started from a local root filesystem, rotel (an OTLP collector) receiving `--export`,
//! and the OpenTelemetry Collector (`otelcol-contrib`) shipping the JSON lines to rotel.
//! `cargo xtask test` installs them (xtask `fleet_prerequisites`); without them these
//! tests say so and skip.
//!
//! `--container` finds a container's processes with the kernel's cgroup filter: eBPF
//! only. On the ptrace backend those tests check that it is refused in one line.

use std::{
    fs,
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use tracer_tests::{Backend, both_backends, spawn_tracer, trace};

const SYSCALL_LOOP: &str = env!("CARGO_BIN_EXE_syscall_loop");

both_backends!(
    container_traced_by_name_with_later_processes,
    container_by_id_prefix_in_json,
    unknown_container_lists_the_running_ones,
    two_containers_until_sigterm_with_sighup_reopening,
    export_records_match_the_trace,
    export_over_grpc,
    export_survives_a_collector_restart,
    counts_alone_are_exported_as_metrics,
    otel_collector_ships_json_lines,
);

// ---- the container ----

/// A Podman container running a shell loop, removed on drop.
struct Container {
    name: String,
    id: String,
    rootfs: PathBuf,
}

impl Container {
    /// Starts one, or says why not and returns `None`.
    fn start(tag: &str, backend: Backend) -> Option<Self> {
        if !Path::new("/usr/bin/podman").exists() || !Path::new("/usr/sbin/runc").exists() {
            println!("skipped: podman and runc are not installed (cargo xtask test installs them)");
            return None;
        }
        let name = format!("tracer-test-{tag}-{backend:?}-{}", std::process::id()).to_lowercase();
        let rootfs = std::env::temp_dir().join(format!("{name}-rootfs"));
        make_rootfs(&rootfs, &["/bin/dash", "/bin/sleep", "/bin/cat"]);
        let _ = podman(&["rm", "-f", "-t", "0", &name]);
        // runc: crun refuses hybrid cgroup hosts where a controller sits on the unified
        // hierarchy; runc joins the unified hierarchy there too. Limits are lowered, as
        // root here may not raise them.
        let out = podman(&[
            "--runtime",
            "runc",
            "run",
            "-d",
            "--name",
            &name,
            "--network",
            "none",
            "--ulimit",
            "nofile=1024:1024",
            "--ulimit",
            "nproc=1024:1024",
            "--rootfs",
            rootfs.to_str().unwrap(),
            "/bin/dash",
            "-c",
            "while :; do cat /proc/self/stat > /dev/null; sleep 0.2; done",
        ]);
        let container = Self {
            id: out.trim().to_owned(),
            name,
            rootfs,
        };
        assert!(
            container.id.len() == 64,
            "podman run printed no container id: {out}"
        );
        Some(container)
    }

    fn short_id(&self) -> &str {
        &self.id[..12]
    }

    /// Starts a process in the container from outside it (not a child of its processes):
    /// `cat PATH`.
    fn exec_cat(&self, path: &str) {
        podman(&["exec", &self.name, "/bin/cat", path]);
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = podman(&["rm", "-f", "-t", "0", &self.name]);
        let _ = fs::remove_dir_all(&self.rootfs);
    }
}

fn podman(args: &[&str]) -> String {
    let out = Command::new("podman")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run podman");
    assert!(
        out.status.success() || args[0] == "rm",
        "podman {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A root filesystem of these programs and the libraries `ldd` names for them.
fn make_rootfs(root: &Path, programs: &[&str]) {
    let _ = fs::remove_dir_all(root);
    for dir in ["bin", "proc", "dev", "sys", "tmp", "etc"] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    for program in programs {
        let real = fs::canonicalize(program).unwrap();
        fs::copy(&real, root.join(program.trim_start_matches('/'))).unwrap();
        let ldd = Command::new("ldd").arg(&real).output().expect("ldd");
        for lib in String::from_utf8_lossy(&ldd.stdout)
            .split_whitespace()
            .filter(|w| w.starts_with('/'))
        {
            let to = root.join(lib.trim_start_matches('/'));
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(lib, &to).unwrap();
        }
    }
}

/// Waits until `path` holds text that satisfies `pred`.
#[track_caller]
fn wait_for_file(
    path: &Path,
    what: &str,
    timeout: Duration,
    pred: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + timeout;
    loop {
        let text = fs::read_to_string(path).unwrap_or_default();
        if pred(&text) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} in {}; it holds:\n{}",
            path.display(),
            &text[text.len().saturating_sub(4000)..]
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A tracer in the long-running mode, which only a signal ends: killed if the test
/// fails before it is stopped, so it does not outlive the test.
struct LongRunning(Option<Child>);

impl LongRunning {
    fn pid(&self) -> Pid {
        Pid::from_raw(self.0.as_ref().expect("running").id() as i32)
    }
}

impl Drop for LongRunning {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Starts `tracer ARGS` in the long-running mode.
fn long_running(args: &[&str]) -> (LongRunning, tracer_tests::LineWatcher) {
    let (child, watcher) = spawn_tracer(args);
    (LongRunning(Some(child)), watcher)
}

/// SIGTERM to a long-running tracer; its stderr and status.
fn stop(mut tracer: LongRunning, watcher: tracer_tests::LineWatcher) -> (String, Option<i32>) {
    kill(tracer.pid(), Signal::SIGTERM).unwrap();
    let status = tracer.0.take().expect("running").wait().unwrap();
    (watcher.finish(), status.code())
}

/// A fresh directory for one test on one backend (they run in parallel).
fn scratch(name: &str, backend: Backend) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tracer-fleet-{name}-{backend:?}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The ptrace backend refuses `--container` (its processes are found by the kernel's
/// cgroup filter) in one line, with status 1.
fn refused_on_ptrace(backend: Backend, container: &str) -> bool {
    if backend != Backend::Ptrace {
        return false;
    }
    let t = trace(&[backend.arg(), "--container", container]);
    t.expect(
        t.code() == Some(1) && t.stderr.trim() == "tracer: --container needs the eBPF backend",
        "--container refused on ptrace",
    );
    true
}

/// `--container NAME --show-container`: every line carries the container's short id,
/// and a process started in it later (`podman exec`) is traced too.
fn container_traced_by_name_with_later_processes(backend: Backend) {
    let Some(ctr) = Container::start("name", backend) else {
        return;
    };
    if refused_on_ptrace(backend, &ctr.name) {
        return;
    }
    let dir = scratch("text", backend);
    let out = dir.join("trace.txt");
    let (child, mut watcher) = long_running(&[
        backend.arg(),
        "--container",
        &ctr.name,
        "--show-container",
        "-o",
        out.to_str().unwrap(),
    ]);
    watcher.wait_for("the attach line", Duration::from_secs(20), |s| {
        s.contains(&format!(
            "tracer: container {} ({}, podman) attached",
            ctr.short_id(),
            ctr.name
        ))
    });
    wait_for_file(&out, "the container's loop", Duration::from_secs(20), |t| {
        t.contains("/proc/self/stat")
    });
    ctr.exec_cat("/proc/self/cgroup");
    // Its open, not its exec's argv (which names the file first).
    let text = wait_for_file(&out, "the later process", Duration::from_secs(20), |t| {
        t.contains("openat(AT_FDCWD, \"/proc/self/cgroup\"")
    });
    let (stderr, code) = stop(child, watcher);
    assert_eq!(code, Some(0), "{stderr}");
    let prefix = format!("[{}] ", ctr.short_id());
    for line in text.lines() {
        assert!(
            line.starts_with(&prefix),
            "line without the container: {line}\n{text}"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.contains("openat(AT_FDCWD, \"/proc/self/cgroup\", O_RDONLY) = 3")),
        "{text}"
    );
    let _ = fs::remove_dir_all(&dir);
}

/// `--container PREFIX --format=json`: each line's `container` is the container's full
/// id and runtime.
fn container_by_id_prefix_in_json(backend: Backend) {
    let Some(ctr) = Container::start("json", backend) else {
        return;
    };
    if refused_on_ptrace(backend, &ctr.id[..8]) {
        return;
    }
    let dir = scratch("json", backend);
    let out = dir.join("trace.jsonl");
    let (child, mut watcher) = long_running(&[
        backend.arg(),
        "--container",
        &ctr.id[..8],
        "--format=json",
        "-o",
        out.to_str().unwrap(),
    ]);
    watcher.wait_for("the attach line", Duration::from_secs(20), |s| {
        s.contains("attached")
    });
    wait_for_file(&out, "the container's loop", Duration::from_secs(20), |t| {
        t.contains("/proc/self/stat")
    });
    ctr.exec_cat("/proc/self/cgroup");
    // Its open, not its exec's argv (which names the file first).
    let text = wait_for_file(&out, "the later process", Duration::from_secs(20), |t| {
        t.lines()
            .any(|l| l.contains(r#""syscall":"openat""#) && l.contains("/proc/self/cgroup"))
    });
    let (stderr, code) = stop(child, watcher);
    assert_eq!(code, Some(0), "{stderr}");
    let mut later = 0;
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect(line);
        if v["type"] != "call" {
            continue;
        }
        assert_eq!(v["container"]["id"], ctr.id.as_str(), "{line}");
        assert_eq!(v["container"]["runtime"], "podman", "{line}");
        later += (v["syscall"] == "openat" && line.contains("/proc/self/cgroup")) as usize;
    }
    assert!(later > 0, "{text}");
    let _ = fs::remove_dir_all(&dir);
}

/// A name that matches nothing: one line that lists the running containers, status 1.
fn unknown_container_lists_the_running_ones(backend: Backend) {
    let Some(ctr) = Container::start("list", backend) else {
        return;
    };
    let t = trace(&[backend.arg(), "--container", "tracer-no-such-container"]);
    let line = t.stderr.trim();
    t.expect(
        t.code() == Some(1)
            && line.lines().count() == 1
            && line.starts_with(
                "tracer: --container tracer-no-such-container: no such container; running: ",
            )
            && line.contains(&format!("{} ({}, podman)", ctr.short_id(), ctr.name)),
        "one line listing the running containers",
    );
}

/// The long-running mode: two `--container` options trace both containers until
/// SIGTERM; SIGHUP (logrotate's) closes the `-o` file and opens it again by name.
fn two_containers_until_sigterm_with_sighup_reopening(backend: Backend) {
    let (Some(a), Some(b)) = (
        Container::start("first", backend),
        Container::start("second", backend),
    ) else {
        return;
    };
    if refused_on_ptrace(backend, &a.name) {
        return;
    }
    let dir = scratch("sighup", backend);
    let out = dir.join("trace.txt");
    let (child, mut watcher) = long_running(&[
        backend.arg(),
        "--container",
        &a.name,
        "--container",
        &b.short_id()[..10],
        "--show-container",
        "-e",
        "trace=openat",
        "-o",
        out.to_str().unwrap(),
    ]);
    watcher.wait_for("both attach lines", Duration::from_secs(20), |s| {
        s.matches(" attached").count() == 2
    });
    let both = |t: &str| {
        [&a, &b].iter().all(|c| {
            let prefix = format!("[{}] ", c.short_id());
            t.lines()
                .any(|l| l.starts_with(&prefix) && l.contains("openat("))
        })
    };
    wait_for_file(
        &out,
        "both containers' calls",
        Duration::from_secs(20),
        both,
    );
    // As logrotate does: move the file away, then SIGHUP.
    let rotated = dir.join("trace.txt.1");
    fs::rename(&out, &rotated).unwrap();
    kill(child.pid(), Signal::SIGHUP).unwrap();
    let fresh = wait_for_file(&out, "the reopened file", Duration::from_secs(20), both);
    let (stderr, code) = stop(child, watcher);
    assert_eq!(code, Some(0), "{stderr}");
    let old = fs::read_to_string(&rotated).unwrap();
    for text in [&old, &fresh] {
        assert!(text.ends_with('\n'), "a split line:\n{text}");
        assert!(text.lines().all(|l| l.starts_with('[')), "{text}");
    }
    let _ = fs::remove_dir_all(&dir);
}

// ---- the collectors ----

/// Where `cargo xtask test` installed the collectors.
fn otel_bin(name: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("TRACER_OTEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/tracer-otel"));
    let site = dir.join("venv/lib");
    let found = fs::read_dir(&site).ok()?.flatten().find_map(|py| {
        let path = py.path().join("site-packages").join(name);
        path.exists().then_some(path)
    });
    if found.is_none() {
        println!(
            "skipped: {name} is not installed under {} (cargo xtask test installs it)",
            dir.display()
        );
    }
    found
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// rotel-agent listening for OTLP/HTTP on 127.0.0.1:`port` (and OTLP/gRPC on `grpc`),
/// printing what it receives (its detailed debug log) to a file; killed on drop.
struct Rotel {
    child: Child,
    out: PathBuf,
    grpc: u16,
}

impl Rotel {
    fn start(bin: &Path, dir: &Path, port: u16, tag: &str) -> Self {
        let out = dir.join(format!("rotel-{tag}.out"));
        let grpc = free_port();
        let child = Command::new(bin)
            .args([
                "start",
                "--exporter",
                "blackhole",
                "--debug-log-verbosity",
                "detailed",
            ])
            .args([
                "--debug-log",
                "logs",
                "--debug-log",
                "traces",
                "--debug-log",
                "metrics",
            ])
            .arg("--otlp-http-endpoint")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--otlp-grpc-endpoint")
            .arg(format!("127.0.0.1:{grpc}"))
            .arg("--pid-file")
            .arg(dir.join(format!("rotel-{tag}.pid")))
            .arg("--log-file")
            .arg(dir.join(format!("rotel-{tag}.log")))
            .stdin(Stdio::null())
            .stdout(fs::File::create(&out).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rotel-agent");
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [port, grpc] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "rotel-agent did not listen on {port}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        Self { child, out, grpc }
    }

    fn received(&self) -> String {
        fs::read_to_string(&self.out).unwrap_or_default()
    }

    /// Waits until at least `n` log records arrived.
    #[track_caller]
    fn wait_for_logs(&self, n: usize) -> String {
        wait_for_file(
            &self.out,
            &format!("{n} log records"),
            Duration::from_secs(30),
            |t| log_records(t) >= n,
        )
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Rotel {
    fn drop(&mut self) {
        self.kill();
    }
}

fn log_records(debug_log: &str) -> usize {
    debug_log
        .lines()
        .filter(|l| l.starts_with("LogRecord #"))
        .count()
}

/// The tracer's last words on the export: `tracer: export: N log records, ...`.
fn export_summary(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|l| l.starts_with("tracer: export: ") && l.contains(" log records, "))
        .unwrap_or_else(|| panic!("no export summary:\n{stderr}"))
}

/// How many log records the tracer says it sent.
fn sent_logs(stderr: &str) -> usize {
    export_summary(stderr)["tracer: export: ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Every completed call of a traced `cat` arrives as one log record with its attributes;
/// the failed call also as a span; the per-syscall totals as metrics.
fn export_records_match_the_trace(backend: Backend) {
    export_of_cat(backend, false);
}

/// `otlp=grpc://`: the same, through the collector's OTLP/gRPC service.
fn export_over_grpc(backend: Backend) {
    export_of_cat(backend, true);
}

fn export_of_cat(backend: Backend, grpc: bool) {
    let Some(rotel) = otel_bin("rotel/rotel-agent") else {
        return;
    };
    let dir = scratch(if grpc { "grpc" } else { "export" }, backend);
    let port = free_port();
    let collector = Rotel::start(&rotel, &dir, port, "a");
    let out = dir.join("trace.txt");
    let url = if grpc {
        format!("otlp=grpc://127.0.0.1:{}", collector.grpc)
    } else {
        format!("otlp=http://127.0.0.1:{port}")
    };
    let t = trace(&[
        backend.arg(),
        "-o",
        out.to_str().unwrap(),
        "--export",
        &url,
        "--",
        "cat",
        "/etc/hostname",
        "/tracer-no-such-file",
    ]);
    t.expect(t.code() == Some(1), "cat's status");
    let text = fs::read_to_string(&out).unwrap();
    // Completed calls: all but `exit_group(...) = ?` and the exit line.
    let calls = text
        .lines()
        .filter(|l| l.contains(") ") && !l.ends_with("= ?"))
        .count();
    assert!(calls > 10, "{text}");
    assert_eq!(sent_logs(&t.stderr), calls, "{}\n{text}", t.stderr);
    let got = collector.wait_for_logs(calls);
    assert_eq!(log_records(&got), calls, "{got}");
    let host = fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    for want in [
        format!("-> host.name: Str({})", host.trim()),
        "-> process.executable.name: Str(cat)".into(),
        "-> syscall.name: Str(openat)".into(),
        "-> syscall.errno: Str(ENOENT)".into(),
        "Body: Str(openat(AT_FDCWD, \"/tracer-no-such-file\", O_RDONLY) = -1 ENOENT (No such file or directory))".into(),
    ] {
        assert!(got.contains(&want), "no `{want}` in:\n{got}");
    }
    // The failed openat is a span too, with its error; the totals are metrics.
    let got = wait_for_file(
        &collector.out,
        "a span and the metrics",
        Duration::from_secs(30),
        |t| t.contains("Status message : ENOENT") && t.contains("-> Name: syscall.duration"),
    );
    assert!(got.contains("Name           : openat"), "{got}");
    let _ = fs::remove_dir_all(&dir);
}

/// The collector dies mid-trace: the trace goes on, the tracer says so, holds what its
/// queue can and counts what it drops; a new collector on the same port gets the rest.
fn export_survives_a_collector_restart(backend: Backend) {
    let Some(rotel) = otel_bin("rotel/rotel-agent") else {
        return;
    };
    let dir = scratch("restart", backend);
    let port = free_port();
    let mut first = Rotel::start(&rotel, &dir, port, "first");
    let url = format!("otlp=http://127.0.0.1:{port}");
    // -f: the loop's calls are made by a thread it starts.
    let (child, watcher) = spawn_tracer(&[
        backend.arg(),
        "-f",
        "-o",
        "/dev/null",
        "--export",
        &url,
        "--export-queue",
        "64",
        "--",
        SYSCALL_LOOP,
        "--rate",
        "2000",
        "--seconds",
        "8",
    ]);
    first.wait_for_logs(100);
    first.kill();
    // Long enough for the sender to try at least once under load (seen: a loaded full
    // run whose 1.5 s outage had no request in it, so no `unreachable`).
    std::thread::sleep(Duration::from_millis(3000));
    let second = Rotel::start(&rotel, &dir, port, "second");
    let mut child = child;
    let status = child.wait().unwrap();
    let stderr = watcher.finish();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("collector at http://127.0.0.1:{port} unreachable")),
        "{stderr}"
    );
    assert!(stderr.contains("reachable again"), "{stderr}");
    let summary = export_summary(&stderr);
    assert!(summary.contains(" dropped ("), "{stderr}");
    let after = log_records(&second.received());
    assert!(after > 0, "nothing reached the new collector:\n{stderr}");
    let _ = fs::remove_dir_all(&dir);
}

/// `-c --export`: no call leaves the kernel (eBPF), and the per-syscall counts and
/// latencies still go out as metrics every `--interval`, while the trace runs.
fn counts_alone_are_exported_as_metrics(backend: Backend) {
    let Some(rotel) = otel_bin("rotel/rotel-agent") else {
        return;
    };
    let dir = scratch("metrics", backend);
    let port = free_port();
    let collector = Rotel::start(&rotel, &dir, port, "m");
    let url = format!("otlp=http://127.0.0.1:{port}");
    let (mut child, watcher) = spawn_tracer(&[
        backend.arg(),
        // The loop's calls are made by a thread it starts.
        "-f",
        "-c",
        "--export",
        &url,
        "--interval",
        "1s",
        "--",
        SYSCALL_LOOP,
        "--rate",
        "1000",
        "--seconds",
        "4",
    ]);
    // A data point for getppid arrives before the loop ends.
    let during = wait_for_file(&collector.out, "a metric", Duration::from_secs(20), |t| {
        t.contains("-> syscall.name: Str(getppid)")
    });
    assert!(
        child.try_wait().unwrap().is_none(),
        "metrics only at the end"
    );
    assert!(during.contains("-> Name: syscall.duration"), "{during}");
    assert!(during.contains("-> Name: syscall.errors"), "{during}");
    let status = child.wait().unwrap();
    let stderr = watcher.finish();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("getppid"), "the -c table:\n{stderr}");
    assert!(
        stderr.contains("tracer: export: 0 log records, 0 spans, "),
        "{stderr}"
    );
    assert_eq!(log_records(&collector.received()), 0);
    let _ = fs::remove_dir_all(&dir);
}

/// For users who prefer files: `--format=json -o FILE`, the OpenTelemetry Collector's
/// filelog receiver (the configuration the README gives) and its otlphttp exporter to
/// rotel: one log record per line, with the line's fields as attributes.
fn otel_collector_ships_json_lines(backend: Backend) {
    let (Some(rotel), Some(otelcol)) = (
        otel_bin("rotel/rotel-agent"),
        otel_bin("otel_collector/bin/otelcol-contrib_linux_amd64"),
    ) else {
        return;
    };
    let dir = scratch("otelcol", backend);
    let port = free_port();
    let collector = Rotel::start(&rotel, &dir, port, "sink");
    let out = dir.join("trace.jsonl");
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-o",
        out.to_str().unwrap(),
        "--",
        "cat",
        "/etc/hostname",
    ]);
    t.expect(t.code() == Some(0), "cat ran");
    let lines = fs::read_to_string(&out).unwrap().lines().count();
    let config = dir.join("otelcol.yaml");
    fs::write(
        &config,
        OTELCOL_CONFIG
            .replace("/var/log/tracer/*.jsonl", out.to_str().unwrap())
            .replace("127.0.0.1:4318", &format!("127.0.0.1:{port}")),
    )
    .unwrap();
    let mut otelcol = Command::new(otelcol)
        .arg("--config")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(dir.join("otelcol.err")).unwrap())
        .spawn()
        .expect("start otelcol-contrib");
    let got = collector.wait_for_logs(lines);
    let _ = otelcol.kill();
    let _ = otelcol.wait();
    assert_eq!(log_records(&got), lines, "{got}");
    for want in [
        "-> syscall: Str(openat)",
        "-> type: Str(call)",
        "-> comm: Str(cat)",
    ] {
        assert!(got.contains(want), "no `{want}` in:\n{got}");
    }
    let _ = fs::remove_dir_all(&dir);
}

/// The README's collector configuration ("Running it on a fleet"), tested as written
/// but for the file and the port.
const OTELCOL_CONFIG: &str = include_str!("../../docs/otelcol-filelog.yaml");
