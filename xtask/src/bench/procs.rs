//! Processes the bench starts: a guard that stops each by pid (also on error), a sampler of
//! a tool's CPU time and peak memory, the scratch directory.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread::JoinHandle,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};

/// A scratch directory under /tmp, removed on drop. Readable by the `postgres` user.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new() -> Result<Self> {
        let mut template = *b"/tmp/tracer-bench.XXXXXX\0";
        // SAFETY: a writable NUL-terminated template that mkdtemp fills in place.
        let ptr = unsafe { libc::mkdtemp(template.as_mut_ptr().cast()) };
        if ptr.is_null() {
            return Err(std::io::Error::last_os_error()).context("mkdtemp /tmp/tracer-bench");
        }
        let path = PathBuf::from(
            std::str::from_utf8(&template[..template.len() - 1]).expect("ASCII template"),
        );
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755))?;
        Ok(Self { path })
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

pub fn signal(pid: i32, sig: i32) {
    if pid > 0 {
        // SAFETY: kill has no memory preconditions; the pid is one we started.
        unsafe { libc::kill(pid, sig) };
    }
}

pub fn alive(pid: i32) -> bool {
    // A zombie still answers kill(0); its stat state is Z.
    fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, rest)| rest.trim_start().starts_with('Z'))
        })
        .is_some_and(|zombie| !zombie)
}

/// A child process stopped by pid when dropped: `stop_signal`, then SIGKILL.
pub struct Proc {
    pub name: String,
    child: Child,
    stop_signal: i32,
    status: Option<ExitStatus>,
}

impl Proc {
    pub fn spawn(name: &str, cmd: &mut Command, stop_signal: i32) -> Result<Self> {
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {name} ({})", crate::display(cmd)))?;
        Ok(Self {
            name: name.to_owned(),
            child,
            stop_signal,
            status: None,
        })
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// The exit status, if it has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.status.is_none() {
            self.status = self.child.try_wait().ok().flatten();
        }
        self.status
    }

    pub fn wait_timeout(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.exited() {
                return Some(status);
            }
            if start.elapsed() >= timeout {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends the stop signal, waits up to `grace`, then kills. Returns the exit status and
    /// whether it had to be killed.
    pub fn stop(&mut self, grace: Duration) -> (Option<ExitStatus>, bool) {
        if let Some(status) = self.exited() {
            return (Some(status), false);
        }
        signal(self.pid(), self.stop_signal);
        if let Some(status) = self.wait_timeout(grace) {
            return (Some(status), false);
        }
        eprintln!(
            "xtask bench: {} did not stop in {grace:?}: killing it",
            self.name
        );
        signal(self.pid(), libc::SIGKILL);
        (self.wait_timeout(Duration::from_secs(10)), true)
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if self.exited().is_none() {
            self.stop(Duration::from_secs(20));
        }
    }
}

/// A process we did not fork ourselves (a server launched under a tool), stopped by pid
/// on drop: `stop_signal`, then SIGKILL.
pub struct PidGuard {
    pub name: &'static str,
    pub pid: i32,
    pub stop_signal: i32,
}

impl PidGuard {
    pub fn stop(&mut self, grace: Duration) {
        if self.pid <= 0 || !alive(self.pid) {
            self.pid = 0;
            return;
        }
        signal(self.pid, self.stop_signal);
        let start = Instant::now();
        while alive(self.pid) && start.elapsed() < grace {
            std::thread::sleep(Duration::from_millis(10));
        }
        if alive(self.pid) {
            eprintln!(
                "xtask bench: {} (pid {}) did not stop: killing it",
                self.name, self.pid
            );
            signal(self.pid, libc::SIGKILL);
        }
        self.pid = 0;
    }
}

impl Drop for PidGuard {
    fn drop(&mut self) {
        self.stop(Duration::from_secs(20));
    }
}

/// What a tool cost while the workload ran.
#[derive(Clone, Copy, Debug, Default)]
pub struct Usage {
    /// CPU seconds (user + system) of the tool's own process from the workload's start
    /// until the tool exited (what it wrote out afterwards included).
    pub cpu_seconds: f64,
    pub wall_seconds: f64,
    /// Peak resident memory over the tool's life (VmHWM), KiB.
    pub peak_rss_kib: u64,
}

/// Samples a process's CPU time and peak memory every 50 ms until stopped.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Usage>,
}

fn cpu_ticks(pid: i32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, rest) = stat.rsplit_once(')')?;
    // After the command name: state is field 3, utime 14, stime 15.
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn peak_rss(pid: i32) -> Option<u64> {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

impl Sampler {
    pub fn start(pid: i32) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            // SAFETY: sysconf has no preconditions.
            let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
            let first = cpu_ticks(pid);
            let mut last = first;
            let mut peak = 0;
            loop {
                if let Some(t) = cpu_ticks(pid) {
                    last = Some(t);
                }
                peak = peak.max(peak_rss(pid).unwrap_or(0));
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Usage {
                cpu_seconds: match (first, last) {
                    (Some(a), Some(b)) => b.saturating_sub(a) as f64 / hz,
                    _ => 0.0,
                },
                wall_seconds: 0.0,
                peak_rss_kib: peak,
            }
        });
        Self { stop, thread }
    }

    /// Stops sampling; `wall_seconds` is how long the workload ran.
    pub fn finish(self, wall_seconds: f64) -> Usage {
        self.stop.store(true, Ordering::Relaxed);
        Usage {
            wall_seconds,
            ..self.thread.join().unwrap_or_default()
        }
    }
}

/// Runs a command to completion within `timeout`, returning its stdout; fails on a
/// non-zero status (with the end of its stderr).
pub fn output_within(name: &str, cmd: &mut Command, timeout: Duration) -> Result<String> {
    let dir = std::env::temp_dir();
    let out_path = dir.join(format!("tracer-bench-{}-{name}.out", std::process::id()));
    let err_path = dir.join(format!("tracer-bench-{}-{name}.err", std::process::id()));
    cmd.stdin(Stdio::null())
        .stdout(fs::File::create(&out_path)?)
        .stderr(fs::File::create(&err_path)?);
    let mut proc = Proc::spawn(name, cmd, libc::SIGTERM)?;
    let status = proc.wait_timeout(timeout);
    let stdout = fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = fs::read_to_string(&err_path).unwrap_or_default();
    let _ = fs::remove_file(&out_path);
    let _ = fs::remove_file(&err_path);
    match status {
        None => {
            proc.stop(Duration::from_secs(5));
            bail!("{name} timed out after {timeout:?}{}", tail(&stderr))
        }
        Some(s) if !s.success() => bail!("{name} failed ({s}){}", tail(&stderr)),
        Some(_) => Ok(stdout),
    }
}

/// The last lines of some output, for an error message.
pub fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(3);
    if lines.is_empty() {
        String::new()
    } else {
        format!(": {}", lines[start..].join(" | "))
    }
}

/// Waits until `ready` holds, or fails after `timeout` (or as soon as `gone` holds).
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut gone: impl FnMut() -> bool,
    mut ready: impl FnMut() -> bool,
) -> Result<()> {
    let start = Instant::now();
    loop {
        if ready() {
            return Ok(());
        }
        if gone() {
            bail!("{what}: the process exited");
        }
        if start.elapsed() >= timeout {
            bail!("{what}: not ready after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Lines in a file (0 when it does not exist), counted without loading it whole.
pub fn count_lines(path: &Path) -> u64 {
    use std::io::Read as _;
    let Ok(mut file) = fs::File::open(path) else {
        return 0;
    };
    let mut buf = vec![0u8; 1 << 20];
    let mut lines = 0;
    while let Ok(n) = file.read(&mut buf) {
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
    }
    lines
}
