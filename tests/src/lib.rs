//! Helpers for the integration tests: run the real `tracer` binary against real processes.
//!
//! The binary comes from `TRACER_BIN` (set by `cargo xtask test`) or, failing that, the
//! workspace's debug build. Tests need root, as the tracer does, to load BPF.

pub mod compare;

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Read},
    path::PathBuf,
    process::{Child, Command, Output, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

pub mod compat32;

pub fn tracer_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("TRACER_BIN") {
        return bin.into();
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let bin = root.join("target/debug/tracer");
    assert!(
        bin.exists(),
        "no tracer binary at {}: run `cargo xtask test`",
        bin.display()
    );
    bin
}

/// Whether the integration tests can run here: they load BPF and trace other users'
/// processes, which takes root. Says why a test is skipped when not.
pub fn have_root() -> bool {
    let root = nix::unistd::geteuid().is_root();
    if !root {
        println!("skipped: the integration tests load BPF and trace processes, which needs root");
    }
    root
}

/// Returns from the test, saying why, when not root.
#[macro_export]
macro_rules! skip_unless_root {
    () => {
        if !$crate::have_root() {
            return;
        }
    };
}

/// The backends. A behaviour test runs on both: `both_backends!(name)` makes
/// `name::ebpf` and `name::ptrace` tests of `fn name(backend: Backend)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Ebpf,
    Ptrace,
}

impl Backend {
    /// The option that picks it.
    pub fn arg(self) -> &'static str {
        match self {
            Self::Ebpf => concat!("--backend=", "ebpf"),
            Self::Ptrace => concat!("--backend=", "ptrace"),
        }
    }
}

/// One test per backend for each behaviour test named (`fn NAME(backend: Backend)`):
/// `NAME::ebpf` and `NAME::ptrace`, skipped without root.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn ebpf() {
                    $crate::skip_unless_root!();
                    super::$name($crate::Backend::Ebpf);
                }

                #[test]
                fn ptrace() {
                    $crate::skip_unless_root!();
                    super::$name($crate::Backend::Ptrace);
                }
            }
        )*
    };
}

pub fn tracer() -> Command {
    assert!(
        nix::unistd::geteuid().is_root(),
        "the integration tests load BPF and must run as root"
    );
    let mut cmd = Command::new(tracer_bin());
    tracer_env(&mut cmd);
    cmd
}

/// The environment a command that runs the tracer (directly or through a shell) needs:
/// `cargo test` points `LD_LIBRARY_PATH` at its toolchain's libraries, which traced
/// programs would search too.
pub fn tracer_env(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("LD_LIBRARY_PATH")
}

/// The output of `command()`, run again while it fails with ETXTBSY: another test
/// thread's fork may briefly hold a freshly copied binary open for writing (its
/// descriptor lives until that child's exec).
pub fn output_once_not_busy(mut command: impl FnMut() -> Command) -> Output {
    (0..20)
        .map(|_| command().output().expect("run the command"))
        .find(|out| {
            let busy = String::from_utf8_lossy(&out.stderr).contains("Text file busy");
            if busy {
                std::thread::sleep(Duration::from_millis(50));
            }
            !busy
        })
        .expect("the copy is executable within a second")
}

/// Runs `tracer ARGS` to completion; the trace is on stderr, as with strace.
pub fn trace(args: &[&str]) -> Traced {
    let output = tracer()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tracer");
    Traced::from(output)
}

pub struct Traced {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Traced {
    fn from(o: Output) -> Self {
        Self {
            status: o.status,
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Traced {
    pub fn lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// Lines of calls to `name` (with or without a `[pid N] ` prefix).
    pub fn calls(&self, name: &str) -> Vec<&str> {
        let open = format!("{name}(");
        self.stderr
            .lines()
            .map(strip_pid_prefix)
            .filter(|l| l.starts_with(&open))
            .collect()
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// The signal the tracer died of: as strace, it ends by the signal that killed the
    /// traced command.
    pub fn killed_by(&self) -> Option<i32> {
        std::os::unix::process::ExitStatusExt::signal(&self.status)
    }

    /// Panics with the whole trace when `cond` fails, so failures are readable.
    #[track_caller]
    pub fn expect(&self, cond: bool, what: &str) {
        assert!(
            cond,
            "{what}\n--- trace (status {:?}) ---\n{}",
            self.status, self.stderr
        );
    }
}

/// `-c`'s rows without their times (calls, errors and the syscall's name), sorted: the
/// table is in order of time, which differs from run to run.
pub fn summary_counts<S: AsRef<str>>(lines: &[S]) -> Vec<String> {
    lines
        .iter()
        .map(AsRef::as_ref)
        .filter(|l| {
            l.split_whitespace()
                .next()
                .is_some_and(|w| w.parse::<f64>().is_ok())
        })
        .map(|l| l.split_whitespace().skip(3).collect::<Vec<_>>().join(" "))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

pub fn strip_pid_prefix(line: &str) -> &str {
    if let Some(rest) = line.strip_prefix("[pid ") {
        rest.split_once("] ").map_or(line, |(_, l)| l)
    } else {
        line
    }
}

/// Reads a child's stderr line by line on a thread, so tests can wait for a line with a
/// deadline. Partial lines (a call shown while it blocks) are delivered too.
pub struct LineWatcher {
    rx: mpsc::Receiver<String>,
    pub seen: String,
}

impl LineWatcher {
    /// Watches `stderr` (or any stream: a terminal's master side, say).
    pub fn new(stderr: impl Read + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut buf = [0u8; 4096];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if tx
                            .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                            .is_err()
                        {
                            break;
                        }
                    }
                }
            }
        });
        Self {
            rx,
            seen: String::new(),
        }
    }

    /// Waits until the output so far satisfies `pred`; panics after `timeout`.
    #[track_caller]
    pub fn wait_for(&mut self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        while !pred(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(chunk) => self.seen.push_str(&chunk),
                Err(_) => panic!(
                    "timed out waiting for {what}; output so far:\n{}",
                    self.seen
                ),
            }
        }
    }

    /// Collects everything until the writer closes.
    pub fn finish(mut self) -> String {
        while let Ok(chunk) = self.rx.recv() {
            self.seen.push_str(&chunk);
        }
        self.seen
    }
}

/// Spawns `tracer ARGS` with piped stdin and stderr.
pub fn spawn_tracer(args: &[&str]) -> (Child, LineWatcher) {
    let mut child = tracer()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tracer");
    let watcher = LineWatcher::new(child.stderr.take().expect("stderr"));
    (child, watcher)
}

/// Spawns `tracer ARGS` on a terminal, as from an interactive shell: a pseudo-terminal
/// is its stdin, stdout and stderr (and so the traced program's). The watcher sees what
/// the terminal shows (with its `\r\n` line ends).
pub fn spawn_on_terminal(args: &[&str]) -> (Child, LineWatcher) {
    let pty = nix::pty::openpty(None, None).expect("openpty");
    let slave = |_| Stdio::from(pty.slave.try_clone().expect("dup"));
    let child = tracer()
        .args(args)
        .stdin(slave(0))
        .stdout(slave(1))
        .stderr(slave(2))
        .spawn()
        .expect("spawn tracer");
    drop(pty.slave);
    // Reads fail (EIO) once every holder of the terminal has closed it: the end.
    let watcher = LineWatcher::new(std::fs::File::from(pty.master));
    (child, watcher)
}

/// The ids of the BPF programs a process holds (its program and link descriptors'
/// `prog_id`): a tracer's own, whatever other tracers run on the machine.
pub fn bpf_programs_of(pid: u32) -> BTreeSet<u32> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return BTreeSet::new();
    };
    fds.flatten()
        .filter_map(|fd| std::fs::read_to_string(fd.path()).ok())
        .filter_map(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("prog_id:"))
                .and_then(|id| id.trim().parse().ok())
        })
        .collect()
}

/// The ids of every loaded BPF program, from bpftool.
pub fn loaded_bpf_programs() -> BTreeSet<u32> {
    let out = Command::new("bpftool")
        .args(["prog", "list"])
        .output()
        .expect("run bpftool");
    assert!(out.status.success(), "bpftool prog list failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split(':').next()?.trim().parse().ok())
        .collect()
}

/// Waits (the kernel frees programs asynchronously) until none of `ids` is loaded.
#[track_caller]
pub fn assert_programs_freed(ids: &BTreeSet<u32>) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let left: Vec<u32> = loaded_bpf_programs().intersection(ids).copied().collect();
        if left.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "BPF programs left loaded: {left:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether a process exists and is not stopped or a zombie.
pub fn process_running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        let state = stat.rsplit_once(") ").map(|(_, rest)| rest.chars().next());
        matches!(state, Some(Some('R' | 'S' | 'D')))
    })
}

/// Reads a file's first line, trimmed.
pub fn first_line(path: &str) -> String {
    let f = std::fs::File::open(path).expect("open");
    let mut line = String::new();
    BufReader::new(f).read_line(&mut line).expect("read");
    line.trim_end().to_owned()
}

/// A shell loop, started untraced, that bumps a counter file every 50 ms: a process to
/// trace and stop tracing, whose progress shows it was not harmed.
pub struct CountingLoop {
    child: Child,
    counter: PathBuf,
}

impl CountingLoop {
    /// Starts the loop, counting in the file `counter`.
    pub fn start(counter: PathBuf) -> Self {
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

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn count(&self) -> u64 {
        std::fs::read_to_string(&self.counter)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0)
    }

    /// The loop goes on after `what`: a few more iterations (with room for a loaded
    /// machine), and running normally (not stopped, not a zombie).
    #[track_caller]
    pub fn assert_goes_on(&self, what: &str) {
        let pid = self.pid();
        let before = self.count();
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.count() < before + 3 {
            assert!(
                Instant::now() < deadline,
                "loop {pid} stopped making progress after {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(
            process_running(pid),
            "loop {pid} is not running normally after {what}"
        );
    }
}

impl Drop for CountingLoop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.counter);
        let _ = std::fs::remove_file(self.counter.with_extension("tmp"));
    }
}

/// `tests/c/uring_ops.c` (io_uring operations through liburing: reads, a bad descriptor,
/// a timeout, an SQPOLL ring), compiled once with the system's C compiler into
/// `target/tests-c/` (`cargo xtask test` installs gcc and liburing-dev).
pub fn uring_ops_bin() -> PathBuf {
    static BIN: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BIN.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let source = root.join("c/uring_ops.c");
        let dir = root.join("../target/tests-c");
        std::fs::create_dir_all(&dir).expect("target/tests-c");
        let bin = dir.join("uring_ops");
        let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        if modified(&bin).is_some() && modified(&bin) >= modified(&source) {
            return bin;
        }
        // Another test binary may be compiling it too: each writes its own file and
        // renames it into place.
        let tmp = dir.join(format!("uring_ops.{}", std::process::id()));
        let out = Command::new("cc")
            .args(["-O1", "-Wall", "-o"])
            .arg(&tmp)
            .arg(&source)
            .arg("-luring")
            .output()
            .expect("cc (gcc; `cargo xtask test` installs it)");
        assert!(
            out.status.success(),
            "compiling {} (needs liburing-dev; `cargo xtask test` installs it):\n{}",
            source.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::rename(&tmp, &bin).expect("renaming the compiled program");
        bin
    })
    .clone()
}
