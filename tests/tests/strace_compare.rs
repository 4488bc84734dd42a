//! Decode like strace: trace real programs with both `tracer` and `/usr/bin/strace`, mask
//! what differs from run to run, and compare line by line.
//!
//! For every workload, each line strace printed must have a counterpart in tracer's
//! output with the same syscall name, return value and errno (lines are paired by a diff
//! on those keys, so one missing line does not shift all the others), and at least
//! [`MIN_EXACT`] of strace's lines must match exactly after masking.
//!
//! Signal lines (`--- SIGCHLD {...} ---`) are compared as a set: the same signals must
//! show, but where they land, and how many of a kind are merged while pending, depends
//! on timing (a ptrace-slowed process against a free running one). For the same reason `rt_sigreturn` / `? ERESTART...` calls left
//! unpaired are not compared; they are counted and printed.

use std::{
    collections::HashSet,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::LazyLock,
};

use regex::Regex;
use tracer_tests::{Backend, tracer};

tracer_tests::both_backends!(
    ls_long_listing,
    cat_files,
    cat_with_a_trace_filter,
    sh_pipelines,
    python_script,
    own_syscall_mix
);

/// Share of strace's lines that must match exactly after masking.
const MIN_EXACT: f64 = 0.90;

const STRACE: &str = "/usr/bin/strace";

struct Workload {
    name: &'static str,
    /// Options given to both tracers, before `-o FILE -- COMMAND`.
    opts: Vec<String>,
    command: Vec<String>,
    /// A scratch directory to empty before each traced run.
    scratch: Option<PathBuf>,
}

fn workload(name: &'static str, opts: &[&str], command: &[&str]) -> Workload {
    Workload {
        name,
        opts: opts.iter().map(|s| s.to_string()).collect(),
        command: command.iter().map(|s| s.to_string()).collect(),
        scratch: None,
    }
}

/// A scratch directory of the workload's own (each backend's test runs in parallel).
fn scratch_dir(backend: Backend) -> PathBuf {
    std::env::temp_dir().join(format!("tracer-strace-compare-{backend:?}"))
}

fn reset_scratch(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("create the scratch directory");
}

fn have_strace() -> bool {
    let ok = Path::new(STRACE).exists();
    if !ok {
        println!("skipped: {STRACE} is missing (`cargo xtask test` installs it)");
    }
    ok
}

/// Runs `tool OPTS -o FILE -- COMMAND` and returns the trace.
fn run(mut tool: Command, w: &Workload, label: &str) -> String {
    if let Some(dir) = &w.scratch {
        reset_scratch(dir);
    }
    let file = std::env::temp_dir().join(format!(
        "tracer-compare-{}-{}-{label}.txt",
        std::process::id(),
        w.name
    ));
    let status = tool
        .args(&w.opts)
        .arg("-o")
        .arg(&file)
        .arg("--")
        .args(&w.command)
        // Same environment for both runs, and no hash randomisation in python.
        .env("PYTHONHASHSEED", "0")
        .env("LC_ALL", "C")
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{}: run {label}: {e}", w.name));
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {label} wrote no trace ({status}): {e}", w.name));
    // TRACER_COMPARE_KEEP=DIR keeps the raw traces for a closer look.
    match std::env::var_os("TRACER_COMPARE_KEEP") {
        Some(dir) => {
            let kept = Path::new(&dir).join(format!("{}-{label}.txt", w.name));
            std::fs::rename(&file, &kept)
                .or_else(|_| std::fs::copy(&file, &kept).map(drop))
                .unwrap_or_else(|e| panic!("keep {}: {e}", kept.display()));
        }
        None => {
            let _ = std::fs::remove_file(&file);
        }
    }
    text
}

macro_rules! re {
    ($name:ident, $re:literal) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($re).unwrap());
    };
}

re!(ADDR, r"0x[0-9a-f]+");
re!(LONG_HEX, r"\b[0-9a-f]{8,}\b");
re!(ALIGN, r"\) +=( |$)");
re!(PORT, r"htons\(\d+\)");
re!(TIMESPEC, r"tv_sec=\d+, tv_(?:nsec|usec)=\d+");
re!(SIGNAL_TIMES, r"si_utime=\d+, si_stime=\d+");
re!(RANDOM, r#"^getrandom\("(?:[^"\\]|\\.)*"(\.\.\.)?"#);
re!(SYSINFO, r"^sysinfo\(\{.*\}\)");
re!(NUMBER, r"\b\d{3,}\b");
re!(
    LINE,
    r"^([a-z0-9_]+)\((.*)\) = (\?|0x[0-9a-f]+|-?\d+)(?: ([A-Z][A-Z0-9_]+) \(.*\))?(?:$| )"
);

/// Calls whose return value is a process or thread id.
const PID_CALLS: &[&str] = &[
    "getpid",
    "gettid",
    "getppid",
    "set_tid_address",
    "clone",
    "clone3",
    "fork",
    "vfork",
    "wait4",
    "waitid",
    "getpgrp",
    "getpgid",
    "getsid",
    "setsid",
];

/// Replaces what differs between two runs of the same command; each line comes with its
/// [`Key`].
fn mask(trace: &str) -> Vec<(String, Key)> {
    // Ids of processes and threads this run saw, wherever they appear.
    let lines: Vec<String> = trace
        .lines()
        .map(|l| ALIGN.replace_all(l, ") =$1").into_owned())
        .collect();
    let mut pids = HashSet::new();
    for line in &lines {
        if let Some(c) = LINE.captures(line)
            && PID_CALLS.contains(&&c[1])
            && c[3].len() >= 3
        {
            pids.insert(c[3].to_owned());
        }
    }
    lines
        .iter()
        .map(|line| {
            let key = key(line, &pids);
            let line = RANDOM.replace(line, "getrandom(RANDOM");
            let line = SYSINFO.replace(&line, "sysinfo({SYSINFO})");
            let line = ADDR.replace_all(&line, "0xADDR");
            let line = LONG_HEX.replace_all(&line, "HEX");
            let line = PORT.replace_all(&line, "htons(PORT)");
            let line = TIMESPEC.replace_all(&line, "tv_sec=S, tv_nsec=NS");
            let line = NUMBER
                .replace_all(&line, |c: &regex::Captures| {
                    if pids.contains(&c[0]) {
                        "PID".to_owned()
                    } else {
                        c[0].to_owned()
                    }
                })
                .into_owned();
            (line, key)
        })
        .collect()
}

/// What every line must agree on: name, return value, errno.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Key {
    name: String,
    ret: String,
    errno: String,
}

/// The key of an unmasked line: `0x1` and `1` are the same value, addresses and ids of
/// processes (`pids`) are masked.
fn key(line: &str, pids: &HashSet<String>) -> Key {
    match LINE.captures(line) {
        Some(c) => {
            let ret = &c[3];
            let value = match ret.strip_prefix("0x") {
                Some(hex) => i64::from_str_radix(hex, 16).ok(),
                None => ret.parse::<i64>().ok(),
            };
            let ret = match value {
                _ if pids.contains(ret) => "PID".to_owned(),
                Some(v) if v > 0xffff && ret.starts_with("0x") => "ADDR".to_owned(),
                Some(v) => v.to_string(),
                None => ret.to_owned(),
            };
            Key {
                name: c[1].to_owned(),
                ret,
                errno: c.get(4).map_or("", |m| m.as_str()).to_owned(),
            }
        }
        // `+++ exited with 0 +++` and anything unexpected: the whole line.
        None => Key {
            name: line.to_owned(),
            ret: String::new(),
            errno: String::new(),
        },
    }
}

/// Lines whose place depends on when a signal arrived.
fn timing_dependent(line: &str) -> bool {
    line.starts_with("rt_sigreturn(") || line.contains("= ? ERESTART")
}

/// Pairs the lines of `a` and `b` with equal keys, in order (a longest common
/// subsequence). Returns pairs of indices; unpaired lines are the rest.
fn pair(a: &[Key], b: &[Key]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

struct Comparison {
    total: usize,
    exact: usize,
    /// (strace, tracer) lines paired by key but differing in text.
    differ: Vec<(String, String)>,
    /// Lines only one side printed, timing-dependent ones excluded.
    only_strace: Vec<String>,
    only_tracer: Vec<String>,
    /// Lines not compared: unpaired timing-dependent calls.
    skipped: Vec<String>,
    /// The distinct signal lines of each side, sorted: compared as sets.
    signals: (Vec<String>, Vec<String>),
}

impl Comparison {
    fn percent(&self) -> f64 {
        100.0 * self.exact as f64 / self.total.max(1) as f64
    }

    fn report(&self, name: &str) -> String {
        let mut s = format!(
            "{name}: {}/{} lines match exactly ({:.1}%), {} differ in text, {} only in strace, \
             {} only in tracer, {} not compared\n",
            self.exact,
            self.total,
            self.percent(),
            self.differ.len(),
            self.only_strace.len(),
            self.only_tracer.len(),
            self.skipped.len(),
        );
        for (a, b) in &self.differ {
            s += &format!("  strace: {a}\n  tracer: {b}\n");
        }
        for a in &self.only_strace {
            s += &format!("  only strace: {a}\n");
        }
        for b in &self.only_tracer {
            s += &format!("  only tracer: {b}\n");
        }
        for l in &self.skipped {
            s += &format!("  not compared: {l}\n");
        }
        if self.signals.0 != self.signals.1 {
            s += &format!(
                "  signals differ:\n    strace: {:?}\n    tracer: {:?}\n",
                self.signals.0, self.signals.1
            );
        }
        s
    }
}

fn compare(strace: &str, tracer: &str) -> Comparison {
    // Calls (with their keys) and, apart and sorted, signal lines.
    let split = |lines: Vec<(String, Key)>| {
        let (signals, calls): (Vec<_>, Vec<_>) =
            lines.into_iter().partition(|(l, _)| l.starts_with("--- "));
        let mut signals: Vec<String> = signals
            .into_iter()
            .map(|(l, _)| {
                SIGNAL_TIMES
                    .replace(&l, "si_utime=T, si_stime=T")
                    .into_owned()
            })
            .collect();
        // As a set: a standard signal sent while one is pending is merged with it, and
        // how often that happens depends on timing.
        signals.sort();
        signals.dedup();
        let (lines, keys): (Vec<String>, Vec<Key>) = calls.into_iter().unzip();
        (lines, keys, signals)
    };
    let (s, sk, s_signals) = split(mask(strace));
    let (t, tk, t_signals) = split(mask(tracer));
    let pairs = pair(&sk, &tk);
    let mut cmp = Comparison {
        total: 0,
        exact: 0,
        differ: Vec::new(),
        only_strace: Vec::new(),
        only_tracer: Vec::new(),
        skipped: Vec::new(),
        signals: (s_signals, t_signals),
    };
    let (mut paired_s, mut paired_t) = (vec![false; s.len()], vec![false; t.len()]);
    for &(i, j) in &pairs {
        paired_s[i] = true;
        paired_t[j] = true;
        if s[i] == t[j] {
            cmp.exact += 1;
        } else {
            cmp.differ.push((s[i].clone(), t[j].clone()));
        }
    }
    cmp.total = pairs.len();
    for (_, line) in s.iter().enumerate().filter(|(i, _)| !paired_s[*i]) {
        if timing_dependent(line) {
            cmp.skipped.push(format!("strace: {line}"));
        } else {
            cmp.only_strace.push(line.clone());
            cmp.total += 1;
        }
    }
    for (_, line) in t.iter().enumerate().filter(|(j, _)| !paired_t[*j]) {
        if timing_dependent(line) {
            cmp.skipped.push(format!("tracer: {line}"));
        } else if let Some(k) = cmp.only_strace.iter().position(|s| s == line) {
            // The same line on both sides, in another place: a signal landed elsewhere
            // relative to it (e.g. a SIGCHLD handler around `wait4`). It matches.
            cmp.only_strace.remove(k);
            cmp.exact += 1;
        } else {
            cmp.only_tracer.push(line.clone());
        }
    }
    cmp
}

/// Traces `w` with both tools (tracer on `backend`) and asserts the comparison's
/// conditions.
fn check(backend: Backend, w: Workload) {
    if !have_strace() {
        return;
    }
    // A first, untraced run fills caches (python's bytecode, the page cache) so both
    // traced runs see the same state.
    if let Some(dir) = &w.scratch {
        reset_scratch(dir);
    }
    let _ = Command::new(&w.command[0])
        .args(&w.command[1..])
        .env("PYTHONHASHSEED", "0")
        .env("LC_ALL", "C")
        .env_remove("LD_LIBRARY_PATH")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let mut tool = tracer();
    tool.arg(backend.arg());
    let t = run(tool, &w, &format!("tracer-{backend:?}"));
    let s = run(Command::new(STRACE), &w, "strace");
    let cmp = compare(&s, &t);
    let report = cmp.report(&format!("{} ({backend:?})", w.name));
    println!("{report}");
    assert!(
        cmp.only_strace.is_empty() && cmp.only_tracer.is_empty(),
        "every line must match in name, return value and errno\n{report}"
    );
    assert!(
        cmp.percent() >= MIN_EXACT * 100.0,
        "at least {:.0}% of the lines must match exactly\n{report}",
        MIN_EXACT * 100.0
    );
    assert_eq!(
        cmp.signals.0, cmp.signals.1,
        "the same signal lines, wherever they land\n{report}"
    );
}

fn ls_long_listing(backend: Backend) {
    check(
        backend,
        workload("ls", &["-s", "64"], &["ls", "-la", "/etc"]),
    );
}

fn cat_files(backend: Backend) {
    check(
        backend,
        workload(
            "cat",
            &["-s", "64"],
            &["cat", "/etc/passwd", "/etc/hostname", "/nonexistent"],
        ),
    );
}

fn cat_with_a_trace_filter(backend: Backend) {
    check(
        backend,
        workload(
            "cat-filtered",
            &["-e", "trace=%file,read,write,close"],
            &["cat", "/etc/os-release"],
        ),
    );
}

fn sh_pipelines(backend: Backend) {
    check(
        backend,
        workload(
            "sh",
            &["-s", "64"],
            &[
                "sh",
                "-c",
                "echo hi | wc -c; cat /etc/hostname | tr a-z A-Z; ls /nonexistent; exit 0",
            ],
        ),
    );
}

fn python_script(backend: Backend) {
    let python = "/usr/bin/python3";
    if !Path::new(python).exists() {
        println!("skipped: no {python}");
        return;
    }
    let script = "import os, json, socket, subprocess\n\
                  print(json.dumps(sorted(os.listdir('/etc'))[:5]))\n\
                  s = socket.socketpair()\n\
                  s[0].send(b'ping'); print(s[1].recv(16))\n\
                  print(os.stat('/etc/hostname').st_mode)\n";
    // Without address randomisation: where the allocator's arenas land decides how many
    // it maps, which would make the run-to-run call sequence differ.
    check(
        backend,
        workload(
            "python",
            &["-s", "64"],
            &["setarch", "-R", python, "-c", script],
        ),
    );
}

fn own_syscall_mix(backend: Backend) {
    let dir = scratch_dir(backend);
    let mut w = workload(
        "syscall_mix",
        &["-s", "64"],
        &[env!("CARGO_BIN_EXE_syscall_mix"), dir.to_str().unwrap()],
    );
    w.scratch = Some(dir);
    check(backend, w);
}

#[test]
fn the_comparison_itself() {
    let strace = "getpid()                                = 4242\n\
                  openat(AT_FDCWD, \"/x\", O_RDONLY) = 3\n\
                  --- SIGCHLD {si_signo=SIGCHLD, si_pid=4243} ---\n\
                  rt_sigreturn({mask=[]})                 = 4243\n\
                  fcntl(3, F_GETFD)                       = 0x1 (flags FD_CLOEXEC)\n\
                  read(3, 0x7ffc0000, 10)                 = -1 EBADF (Bad file descriptor)\n\
                  +++ exited with 0 +++\n";
    let tracer = "getpid()                                = 5151\n\
                  openat(AT_FDCWD, \"/x\", O_RDONLY) = 3\n\
                  fcntl(3, F_GETFD)                       = 1\n\
                  read(3, 0x7ffd0000, 10)                 = -1 EBADF (Bad file descriptor)\n\
                  +++ exited with 0 +++\n";
    let cmp = compare(strace, tracer);
    assert_eq!(cmp.total, 5, "{}", cmp.report("self"));
    assert_eq!(cmp.exact, 4, "{}", cmp.report("self"));
    assert_eq!(cmp.differ.len(), 1);
    assert!(cmp.only_strace.is_empty() && cmp.only_tracer.is_empty());
    assert_eq!(cmp.skipped.len(), 1, "rt_sigreturn");
    assert_eq!(
        (cmp.signals.0.len(), cmp.signals.1.len()),
        (1, 0),
        "the signal only strace showed"
    );
    let cmp = compare(strace, "getpid() = 5151\n+++ exited with 0 +++\n");
    assert_eq!(cmp.only_strace.len(), 3, "{}", cmp.report("self"));
}
