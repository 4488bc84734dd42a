//! Runs strace's test scripts the way automake's `make check` does, without make: each
//! script through the Makefile's own log compiler (`env STRACE_ARCH=... ./run.sh`), from
//! the built tests directory, with `srcdir`, `STRACE` and `STRACE_EXE` set, several at a
//! time, each with a deadline.

use std::{
    collections::HashMap,
    fs::{self, File},
    io::Write as _,
    os::unix::process::CommandExt as _,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};

use super::test_name as name;

/// Prints what automake would run: the log compiler and its flags, then the tests.
const PRINT_MK: &str = "xtask-print:\n\t@echo $(TEST_LOG_COMPILER) $(AM_TEST_LOG_FLAGS)\n\
                        \t@echo $(TESTS)\n";

/// The built test suite.
pub struct Suite {
    /// The built tests/ directory (in-tree build, so it is also `srcdir`).
    dir: PathBuf,
    /// What runs a test script: `env VAR=... ./run.sh`.
    driver: Vec<String>,
    /// Test script names, e.g. `chdir.gen.test`.
    pub tests: Vec<String>,
}

impl Suite {
    /// Asks the tests' Makefile for its list of tests and its log compiler.
    pub fn load(tree: &Path) -> Result<Self> {
        let dir = tree.join("tests");
        let mk = tree.join(".xtask-print.mk");
        fs::write(&mk, PRINT_MK)?;
        let out = Command::new("make")
            .current_dir(&dir)
            .args(["-s", "-f", "Makefile", "-f"])
            .arg(&mk)
            .arg("xtask-print")
            .output()
            .context("make xtask-print")?;
        if !out.status.success() {
            bail!(
                "asking {}/Makefile for its tests: {}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let driver: Vec<String> = words(lines.next());
        let tests: Vec<String> = words(lines.next());
        if driver.is_empty() || tests.is_empty() {
            bail!("{}/Makefile names no tests", dir.display());
        }
        Ok(Self { dir, driver, tests })
    }

    /// Runs `tests` with `STRACE=strace`, `jobs` at a time; logs go to `logs/TEST.log`.
    pub fn run(&self, tests: &[String], run: &Run) -> Result<Vec<Outcome>> {
        fs::create_dir_all(&run.logs)?;
        let next = AtomicUsize::new(0);
        let done = Mutex::new(Progress::new(run.label.clone(), tests.len()));
        let outcomes: Mutex<Vec<Option<Outcome>>> = Mutex::new(vec![None; tests.len()]);
        thread::scope(|s| {
            for _ in 0..run.jobs.max(1) {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(test) = tests.get(i) else { break };
                        let outcome = self.run_one(test, run);
                        done.lock().unwrap().add(&outcome);
                        outcomes.lock().unwrap()[i] = Some(outcome);
                    }
                });
            }
        });
        done.into_inner().unwrap().finish();
        Ok(outcomes
            .into_inner()
            .unwrap()
            .into_iter()
            .flatten()
            .collect())
    }

    /// One test script; a spawn failure counts as a failed test with the reason in its log.
    fn run_one(&self, test: &str, run: &Run) -> Outcome {
        let log = run.logs.join(format!("{}.log", name(test)));
        let timeout = run.limit(name(test));
        let start = Instant::now();
        let mut status = self.spawn(test, run, &log, timeout).map_or_else(
            |e| {
                let _ = fs::write(&log, format!("xtask: {e:#}\n"));
                Status::Fail
            },
            |child| wait(child, timeout),
        );
        if status == Status::Fail {
            let text = fs::read_to_string(&log).unwrap_or_default();
            // init.sh's SIGXCPU trap: run.sh's timeout ended it.
            if text.contains(": time limit (") {
                status = Status::Timeout;
            }
            let _ = self.keep_complaints(name(test), &log);
        }
        Outcome {
            test: name(test).to_owned(),
            status,
            seconds: start.elapsed().as_secs_f64(),
        }
    }

    /// Tests that send the tracer's stderr to a file of their own leave the log without
    /// a clue, and the next run replaces their directory: copy the complaints (`tracer:`,
    /// clap's `error:`) from the files of `NAME.dir` into the log.
    fn keep_complaints(&self, name: &str, log: &Path) -> Result<()> {
        let dir = self.dir.join(format!("{name}.dir"));
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.metadata().is_ok_and(|m| m.is_file() && m.len() < 1 << 20))
            .collect();
        files.sort();
        let mut found = String::new();
        for file in files {
            let text = String::from_utf8_lossy(&fs::read(&file)?).into_owned();
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.starts_with("tracer: ") || l.starts_with("error: "))
                .take(3)
                .collect();
            if !lines.is_empty() {
                let file = file.file_name().unwrap_or_default().to_string_lossy();
                found += &format!("xtask: in {name}.dir/{file}:\n{}\n", lines.join("\n"));
            }
        }
        if !found.is_empty() {
            fs::OpenOptions::new()
                .append(true)
                .open(log)?
                .write_all(found.as_bytes())?;
        }
        Ok(())
    }

    fn spawn(&self, test: &str, run: &Run, log: &Path, timeout: Duration) -> Result<Child> {
        let out = File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let (program, args) = self.driver.split_first().expect("checked in load");
        Command::new(program)
            .args(args)
            .arg(format!("./{test}"))
            .current_dir(&self.dir)
            .env("srcdir", ".")
            .env("STRACE", &run.strace)
            // Tests also run the tracer as $STRACE_EXE (as a program to exec, e.g.
            // get_regs.test) and expect it in messages: the same wrapper.
            .env("STRACE_EXE", &run.strace)
            // run.sh's own limit (SIGXCPU, then init.sh prints the log and fails).
            .env("TIMEOUT_DURATION", timeout.as_secs().to_string())
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            // Its own process group, so a test that outlives its deadline dies whole.
            .process_group(0)
            .spawn()
            .with_context(|| format!("running {program} ./{test}"))
    }
}

/// The whitespace-separated words of a line.
fn words(line: Option<&str>) -> Vec<String> {
    line.unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

/// Waits for the test: run.sh's timeout ends a slow one first; this backstop kills its
/// whole process group a little later.
fn wait(mut child: Child, timeout: Duration) -> Status {
    let deadline = Instant::now() + timeout + Duration::from_secs(15);
    let mut pause = Duration::from_millis(2);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Status::from_code(status.code()),
            Ok(None) if Instant::now() < deadline => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            _ => {
                kill_group(&child);
                let _ = child.wait();
                break Status::Timeout;
            }
        }
    };
    // What the script left behind (a test program that waits, spinning, for a tracer that
    // failed to attach) would run on: the group outlives its reaped leader.
    kill_group(&child);
    status
}

fn kill_group(child: &Child) {
    let pgid = child.id() as i32;
    // SAFETY: kill has no memory preconditions; -pgid names the group spawn created (its
    // number cannot be reused while a member of the group lives).
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
}

/// What a run of the suite is given.
pub struct Run {
    /// For progress lines, e.g. `tracer --backend=ebpf`.
    pub label: String,
    /// `$STRACE`: one path (the harness splits it on spaces).
    pub strace: PathBuf,
    pub logs: PathBuf,
    pub jobs: usize,
    /// Each test's time limit, by name; `timeout` for the others.
    pub limits: HashMap<String, Duration>,
    pub timeout: Duration,
}

impl Run {
    fn limit(&self, test: &str) -> Duration {
        self.limits.get(test).copied().unwrap_or(self.timeout)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Skip,
    Fail,
    Timeout,
}

impl Status {
    /// automake's meaning of a test's exit status: 0 pass, 77 skip, else fail (99 is a
    /// "hard error", a failure too).
    fn from_code(code: Option<i32>) -> Self {
        match code {
            Some(0) => Self::Pass,
            Some(77) => Self::Skip,
            _ => Self::Fail,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Skip => "skip",
            Self::Fail => "fail",
            Self::Timeout => "timeout",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Pass, Self::Skip, Self::Fail, Self::Timeout]
            .into_iter()
            .find(|st| st.as_str() == s)
    }

    /// Timeouts are failures in the counts.
    pub fn failed(self) -> bool {
        matches!(self, Self::Fail | Self::Timeout)
    }
}

#[derive(Clone, Debug)]
pub struct Outcome {
    /// Test name without `.test`/`.gen.test`.
    pub test: String,
    pub status: Status,
    pub seconds: f64,
}

/// A line every tenth of the tests.
struct Progress {
    label: String,
    total: usize,
    counts: [usize; 3],
    start: Instant,
}

impl Progress {
    fn new(label: String, total: usize) -> Self {
        eprintln!("xtask strace-suite: {label}: {total} tests");
        Self {
            label,
            total,
            counts: [0; 3],
            start: Instant::now(),
        }
    }

    fn add(&mut self, outcome: &Outcome) {
        let slot = match outcome.status {
            Status::Pass => 0,
            Status::Skip => 2,
            Status::Fail | Status::Timeout => 1,
        };
        self.counts[slot] += 1;
        let done: usize = self.counts.iter().sum();
        if done.is_multiple_of((self.total / 10).max(1)) && done < self.total {
            self.print(done);
        }
    }

    fn print(&self, done: usize) {
        let [pass, fail, skip] = self.counts;
        eprintln!(
            "xtask strace-suite: {}: {done}/{} (pass {pass}, fail {fail}, skip {skip}) {:.0}s",
            self.label,
            self.total,
            self.start.elapsed().as_secs_f64()
        );
    }

    fn finish(&self) {
        self.print(self.total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_test_leaves_behind_is_killed() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 100 >/dev/null & echo $!"])
            .stdout(Stdio::piped())
            .process_group(0);
        let mut child = cmd.spawn().expect("sh runs");
        let mut out = String::new();
        std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
        assert_eq!(wait(child, Duration::from_secs(5)), Status::Pass);
        let sleeper = format!("/proc/{}", out.trim());
        let deadline = Instant::now() + Duration::from_secs(5);
        // Killed, then reaped by init: gone, or a zombie until then.
        while Path::new(&sleeper).exists()
            && !fs::read_to_string(format!("{sleeper}/stat")).is_ok_and(|s| s.contains(") Z"))
        {
            assert!(Instant::now() < deadline, "the sleep outlived its test");
            thread::sleep(Duration::from_millis(10));
        }
    }
}
