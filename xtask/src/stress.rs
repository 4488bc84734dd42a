//! `cargo xtask stress`: the tracer under load it cannot keep up with, checked against
//! the truth. Each scenario runs the release `tracer` on real programs (the `storm`
//! helper, Redis) and checks:
//! - no silent loss: every call made is either shown or counted in a loss marker;
//! - exact `-c`: the kernel's counts equal the calls made;
//! - exit lines equal the truth: each child's `+++ exited/killed +++` line says what its
//!   parent's waitpid said (or is counted lost);
//! - memory bounded: the tracer's peak RSS stays under a bound;
//! - the target unharmed: it finishes with its own results, or (attached) keeps serving;
//! - nothing left loaded: no BPF program of ours after the tracer exits.
//!
//! Then it prints each scenario's figures (calls/s held, lines shown, lost, peak RSS).

use std::{
    fs,
    io::{BufRead as _, BufReader, Read as _},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail, ensure};

use crate::{setup, workspace_root};

/// Peak RSS allowed to the tracer: the default ring buffers (8 MiB per CPU: 16 MiB here), which it maps twice
/// (the kernel maps the data pages twice so records can wrap), plus 32 MiB of its own.
const RSS_BOUND_KIB: u64 = (2 * 16 + 32) * 1024;
const REDIS_PORT: u16 = 16399;

#[derive(clap::Args)]
pub struct Options {
    /// Calls per storm thread.
    #[arg(long, default_value_t = 3_000_000)]
    calls: u64,
    /// Attach/detach cycles per backend under load.
    #[arg(long, default_value_t = 15)]
    cycles: u32,
    /// Only the scenarios whose name contains this.
    #[arg(long)]
    only: Option<String>,
}

/// One scenario's outcome.
struct Figures {
    name: String,
    /// What was checked, as numbers: `calls=… shown=… lost=…`.
    figures: String,
    peak_rss_kib: u64,
    seconds: f64,
}

struct Bins {
    tracer: PathBuf,
    storm: PathBuf,
}

pub fn stress(opts: Options) -> Result<()> {
    ensure!(
        crate::is_root(),
        "cargo xtask stress loads BPF: run it as root"
    );
    setup::setup()?;
    let bins = build()?;
    let scratch = Scratch::new()?;
    let mut done = Vec::new();
    let mut failed = Vec::new();
    type Scenario<'a> = (&'static str, Box<dyn Fn() -> Result<Figures> + 'a>);
    let scenarios: Vec<Scenario> = vec![
        ("storm, untraced", Box::new(|| untraced(&bins, opts.calls))),
        (
            "storm, text",
            Box::new(|| storm(&bins, &scratch, Format::Text, Reader::Fast, opts.calls)),
        ),
        (
            "storm, JSON",
            Box::new(|| storm(&bins, &scratch, Format::Json, Reader::Fast, opts.calls)),
        ),
        (
            "storm, slow reader",
            Box::new(|| storm(&bins, &scratch, Format::Text, Reader::Slow, opts.calls)),
        ),
        ("storm, -c", Box::new(|| counts(&bins, opts.calls))),
        (
            "2000 children, eBPF",
            Box::new(|| children(&bins, &scratch, "ebpf")),
        ),
        (
            "2000 children, ptrace",
            Box::new(|| children(&bins, &scratch, "ptrace")),
        ),
        (
            "500 threads, eBPF",
            Box::new(|| threads(&bins, &scratch, "ebpf")),
        ),
        (
            "500 threads, ptrace",
            Box::new(|| threads(&bins, &scratch, "ptrace")),
        ),
        (
            "attach/detach under load",
            Box::new(|| attach_detach(&bins, &scratch, opts.cycles)),
        ),
    ];
    let wanted = |name: &str| opts.only.as_deref().is_none_or(|o| name.contains(o));
    for (name, run) in scenarios.into_iter().filter(|(name, _)| wanted(name)) {
        eprintln!("xtask stress: {name}");
        match run() {
            Ok(mut f) => {
                f.name = name.to_owned();
                eprintln!("xtask stress:   ok: {}", f.figures);
                done.push(f);
            }
            Err(e) => {
                eprintln!("xtask stress:   FAILED: {e:#}");
                failed.push(format!("{name}: {e:#}"));
            }
        }
    }
    print_table(&done);
    if !failed.is_empty() {
        bail!(
            "{} scenario(s) failed:\n{}",
            failed.len(),
            failed.join("\n")
        );
    }
    Ok(())
}

fn build() -> Result<Bins> {
    crate::run(crate::cargo().args([
        "build",
        "--release",
        "--package",
        "tracer-user",
        "--bin",
        "tracer",
    ]))?;
    crate::run(crate::cargo().args([
        "build",
        "--release",
        "--package",
        "tracer-tests",
        "--bin",
        "storm",
    ]))?;
    let release = workspace_root().join("target/release");
    Ok(Bins {
        tracer: release.join("tracer"),
        storm: release.join("storm"),
    })
}

fn print_table(done: &[Figures]) {
    println!();
    println!("| scenario | figures | tracer peak RSS | seconds |\n|---|---|---|---|");
    for f in done {
        println!(
            "| {} | {} | {:.1} MiB | {:.1} |",
            f.name,
            f.figures,
            f.peak_rss_kib as f64 / 1024.0,
            f.seconds
        );
    }
}

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Self> {
        let dir = std::env::temp_dir().join(format!("tracer-stress-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }

    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// How a traced process (the tracer) ended, with its peak RSS.
struct Ended {
    code: Option<i32>,
    /// The signal that ended it, if one did.
    signal: Option<i32>,
    peak_rss_kib: u64,
}

/// Waits for a child with `wait4`, for its peak RSS; kills it after `timeout`.
fn wait_rusage(child: &mut Child, timeout: Duration) -> Result<Ended> {
    let pid = child.id() as i32;
    let deadline = Instant::now() + timeout;
    loop {
        let mut status = 0;
        // SAFETY: plain data for the kernel to fill.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: valid pointers; `pid` is our child.
        let rc = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if rc == pid {
            return Ok(Ended {
                code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
                signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
                peak_rss_kib: usage.ru_maxrss as u64,
            });
        }
        ensure!(rc == 0, "wait4: {}", std::io::Error::last_os_error());
        if Instant::now() > deadline {
            let _ = child.kill();
            bail!("still running after {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    Fast,
    /// Reads at most this many bytes a second.
    Slow,
}

const SLOW_READER_BYTES_PER_SECOND: usize = 2 << 20;

/// What a reader of the trace counted.
#[derive(Default)]
struct Counted {
    shown: u64,
    lost: u64,
    loss_markers: u64,
    bytes: u64,
}

/// Counts `getppid` calls and losses in a trace stream, as fast as it can or throttled.
fn count_stream(stream: impl std::io::Read, format: Format, reader: Reader) -> Counted {
    let mut counted = Counted::default();
    let mut input = BufReader::with_capacity(1 << 16, stream);
    let started = Instant::now();
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(n) => counted.bytes += n as u64,
        }
        match format {
            Format::Text => {
                let l = line
                    .strip_prefix("[pid ")
                    .and_then(|r| r.split_once("] "))
                    .map_or(line.as_str(), |(_, rest)| rest);
                if l.starts_with("getppid()") {
                    counted.shown += 1;
                } else if let Some(what) = l
                    .strip_prefix("... ")
                    .and_then(|r| r.split_once(" lost (ring buffer full)"))
                {
                    counted.loss_markers += 1;
                    counted.lost += calls_in(what.0);
                }
            }
            Format::Json => {
                if line.contains("\"type\":\"call\"") && line.contains("\"syscall\":\"getppid\"") {
                    counted.shown += 1;
                } else if line.contains("\"type\":\"lost\"") {
                    counted.loss_markers += 1;
                    let calls = serde_json::from_str::<serde_json::Value>(&line)
                        .ok()
                        .and_then(|v| v["calls"].as_u64());
                    counted.lost += calls.unwrap_or(0);
                }
            }
        }
        if reader == Reader::Slow {
            let due = counted.bytes as f64 / SLOW_READER_BYTES_PER_SECOND as f64;
            let ahead = due - started.elapsed().as_secs_f64();
            if ahead > 0.001 {
                std::thread::sleep(Duration::from_secs_f64(ahead));
            }
        }
    }
    counted
}

/// `12 calls, 3 signals and 1 exit` -> 12.
fn calls_in(what: &str) -> u64 {
    let words: Vec<&str> = what.split([',', ' ']).filter(|w| !w.is_empty()).collect();
    words
        .windows(2)
        .filter(|w| w[1] == "call" || w[1] == "calls")
        .filter_map(|w| w[0].parse::<u64>().ok())
        .sum()
}

/// `calls=N seconds=S rate=R` from the storm.
fn storm_report(out: &str) -> Result<(u64, f64)> {
    let field = |key: &str| {
        out.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .and_then(|v| v.parse::<f64>().ok())
    };
    match (field("calls="), field("rate=")) {
        (Some(calls), Some(rate)) => Ok((calls as u64, rate)),
        _ => bail!("no report from the storm: {out:?}"),
    }
}

/// Two threads of `getppid` as fast as they can, traced with `-f`; the trace read from
/// a pipe by a fast or a slow reader.
fn storm(
    bins: &Bins,
    scratch: &Scratch,
    format: Format,
    reader: Reader,
    calls: u64,
) -> Result<Figures> {
    let storm_out = scratch.file("storm.out");
    let mut cmd = Command::new(&bins.tracer);
    cmd.args(["-f", "-e", "trace=getppid"]);
    if format == Format::Json {
        cmd.arg("--format=json");
    }
    cmd.arg("--")
        .arg(&bins.storm)
        .args(["getppid", "2", &calls.to_string()]);
    let started = Instant::now();
    let mut tracer = cmd
        .stdin(Stdio::null())
        .stdout(fs::File::create(&storm_out)?)
        .stderr(Stdio::piped())
        .spawn()
        .context("starting the tracer")?;
    let stream = tracer.stderr.take().expect("piped");
    let counting = std::thread::spawn(move || count_stream(stream, format, reader));
    let ended = wait_rusage(&mut tracer, Duration::from_secs(300))?;
    let counted = counting.join().expect("the reader thread");
    let seconds = started.elapsed().as_secs_f64();
    ensure!(
        ended.code == Some(0),
        "the tracer (and storm) exited with {:?}",
        ended.code
    );
    let (truth, rate) = storm_report(&fs::read_to_string(&storm_out)?)?;
    ensure!(
        truth == 2 * calls,
        "the storm made {truth} calls, not {}",
        2 * calls
    );
    ensure!(
        counted.shown + counted.lost == truth,
        "silent loss: {} shown + {} counted lost != {truth} made",
        counted.shown,
        counted.lost
    );
    check_rss(ended.peak_rss_kib)?;
    Ok(Figures {
        name: String::new(),
        figures: format!(
            "{truth} calls at {:.2} M/s; {} shown, {} lost in {} markers, {:.0} MiB read",
            rate / 1e6,
            counted.shown,
            counted.lost,
            counted.loss_markers,
            counted.bytes as f64 / (1 << 20) as f64
        ),
        peak_rss_kib: ended.peak_rss_kib,
        seconds,
    })
}

fn check_rss(kib: u64) -> Result<()> {
    ensure!(
        kib <= RSS_BOUND_KIB,
        "the tracer's peak RSS {} KiB is over the bound {RSS_BOUND_KIB} KiB",
        kib
    );
    Ok(())
}

/// The storm without a tracer: the load the traced storms offer.
fn untraced(bins: &Bins, calls: u64) -> Result<Figures> {
    let started = Instant::now();
    let out = Command::new(&bins.storm)
        .args(["getppid", "2", &calls.to_string()])
        .output()?;
    ensure!(out.status.success(), "the storm failed: {:?}", out.status);
    let (truth, rate) = storm_report(&String::from_utf8_lossy(&out.stdout))?;
    let load = fs::read_to_string("/proc/loadavg").unwrap_or_default();
    Ok(Figures {
        name: String::new(),
        figures: format!(
            "{truth} calls at {:.2} M/s (2 threads; load average {})",
            rate / 1e6,
            load.split_whitespace().next().unwrap_or("?")
        ),
        peak_rss_kib: 0,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `-c` of a storm: the kernel counts every call, nothing else leaves it.
fn counts(bins: &Bins, calls: u64) -> Result<Figures> {
    let started = Instant::now();
    let mut tracer = Command::new(&bins.tracer)
        // -f: the storm's calls are its threads'.
        .args(["-f", "-c", "-e", "trace=getppid", "--"])
        .arg(&bins.storm)
        .args(["getppid", "2", &calls.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut stdout = tracer.stdout.take().expect("piped");
    let mut stderr = tracer.stderr.take().expect("piped");
    let reading = std::thread::spawn(move || {
        let (mut out, mut err) = (String::new(), String::new());
        let _ = stdout.read_to_string(&mut out);
        let _ = stderr.read_to_string(&mut err);
        (out, err)
    });
    let ended = wait_rusage(&mut tracer, Duration::from_secs(300))?;
    let (out, err) = reading.join().expect("reader");
    ensure!(ended.code == Some(0), "exited with {:?}: {err}", ended.code);
    let (truth, rate) = storm_report(&out)?;
    let counted = err
        .lines()
        .find(|l| l.ends_with(" getppid"))
        .and_then(|l| l.split_whitespace().nth(3)?.parse::<u64>().ok())
        .with_context(|| format!("no getppid row in the table:\n{err}"))?;
    ensure!(
        counted == truth,
        "-c counted {counted} getppid calls, {truth} were made"
    );
    check_rss(ended.peak_rss_kib)?;
    Ok(Figures {
        name: String::new(),
        figures: format!("{truth} calls at {:.2} M/s, {counted} counted", rate / 1e6),
        peak_rss_kib: ended.peak_rss_kib,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A traced storm: its trace as (pid, line) (`-o FILE -f`'s `PID ` prefixes taken
/// off), the storm's stdout, how the tracer ended, and the seconds it took.
struct TracedStorm {
    lines: Vec<(u32, String)>,
    out: String,
    ended: Ended,
    seconds: f64,
}

/// Runs the tracer with `-f -o FILE` on `storm ARGS`.
fn traced_storm(
    bins: &Bins,
    scratch: &Scratch,
    backend: &str,
    trace_set: &str,
    storm_args: &[&str],
) -> Result<TracedStorm> {
    let trace = scratch.file("trace.txt");
    let storm_out = scratch.file("storm.out");
    let started = Instant::now();
    let mut tracer = Command::new(&bins.tracer)
        .arg(format!("--backend={backend}"))
        .args(["-f", "-e", trace_set, "-o"])
        .arg(&trace)
        .arg("--")
        .arg(&bins.storm)
        .args(storm_args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&storm_out)?)
        .stderr(fs::File::create(scratch.file("tracer.err"))?)
        .spawn()?;
    let ended = wait_rusage(&mut tracer, Duration::from_secs(300))?;
    let seconds = started.elapsed().as_secs_f64();
    let err = fs::read_to_string(scratch.file("tracer.err")).unwrap_or_default();
    ensure!(ended.code == Some(0), "exited with {:?}: {err}", ended.code);
    let lines = fs::read_to_string(&trace)?
        .lines()
        .map(|l| match l.split_once(' ') {
            Some((pid, rest)) if pid.parse::<u32>().is_ok() => {
                (pid.parse().unwrap_or(0), rest.trim_start().to_owned())
            }
            _ => (0, l.to_owned()),
        })
        .collect();
    let _ = fs::remove_file(&trace);
    Ok(TracedStorm {
        lines,
        out: fs::read_to_string(&storm_out)?,
        ended,
        seconds,
    })
}

/// Losses counted in a trace's markers: (calls, signals, exits).
fn losses(lines: &[(u32, String)]) -> (u64, u64, u64) {
    let mut total = (0, 0, 0);
    for (_, l) in lines {
        let Some((what, _)) = l
            .strip_prefix("... ")
            .and_then(|r| r.split_once(" lost (ring buffer full)"))
        else {
            continue;
        };
        let words: Vec<&str> = what.split([',', ' ']).filter(|w| !w.is_empty()).collect();
        for w in words.windows(2) {
            let n: u64 = w[0].parse().unwrap_or(0);
            match w[1] {
                "call" | "calls" => total.0 += n,
                "signal" | "signals" => total.1 += n,
                "exit" | "exits" => total.2 += n,
                _ => {}
            }
        }
    }
    total
}

/// 2,000 short-lived children, every seventh killed by SIGTERM: each child's exit line
/// says what its parent's waitpid said.
fn children(bins: &Bins, scratch: &Scratch, backend: &str) -> Result<Figures> {
    const N: usize = 2000;
    let TracedStorm {
        lines,
        out,
        ended,
        seconds,
    } = traced_storm(
        bins,
        scratch,
        backend,
        "trace=none",
        &["children", &N.to_string()],
    )?;
    let truth: Vec<(u32, String)> = out
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let pid = w.next()?.parse().ok()?;
            let line = match (w.next()?, w.next()?) {
                ("exited", code) => format!("+++ exited with {code} +++"),
                ("killed", "15") => "+++ killed by SIGTERM +++".to_owned(),
                (how, what) => format!("{how} {what}"),
            };
            Some((pid, line))
        })
        .collect();
    ensure!(
        truth.len() == N,
        "the storm reported {} children",
        truth.len()
    );
    let exits: std::collections::HashMap<u32, &str> = lines
        .iter()
        .filter(|(_, l)| l.starts_with("+++ "))
        .map(|(pid, l)| (*pid, l.as_str()))
        .collect();
    let (_, lost_signals, lost_exits) = losses(&lines);
    let mut missing = 0;
    for (pid, want) in &truth {
        match exits.get(pid) {
            Some(got) if got == want => {}
            Some(got) => bail!("child {pid}: {got:?}, its parent saw {want:?}"),
            None => missing += 1,
        }
    }
    ensure!(
        missing <= lost_exits,
        "{missing} children have no exit line, {lost_exits} exits were counted lost"
    );
    let killed = truth.iter().filter(|(_, l)| l.contains("SIGTERM")).count() as u64;
    let signal_lines = lines
        .iter()
        .filter(|(_, l)| l.starts_with("--- SIGTERM {si_signo=SIGTERM, si_code=SI_USER"))
        .count() as u64;
    ensure!(
        signal_lines + lost_signals >= killed,
        "{killed} children killed by SIGTERM, {signal_lines} SIGTERM lines, {lost_signals} lost"
    );
    check_rss(ended.peak_rss_kib)?;
    Ok(Figures {
        name: String::new(),
        figures: format!(
            "{N} children ({killed} killed): {} exit lines match, {missing} missing of \
             {lost_exits} counted lost, {signal_lines} SIGTERM lines",
            truth.len() as u64 - missing
        ),
        peak_rss_kib: ended.peak_rss_kib,
        seconds,
    })
}

/// 500 threads alive at once, each making one call: every call and every exit shown.
fn threads(bins: &Bins, scratch: &Scratch, backend: &str) -> Result<Figures> {
    const N: usize = 500;
    let TracedStorm {
        lines,
        out,
        ended,
        seconds,
    } = traced_storm(
        bins,
        scratch,
        backend,
        "trace=getppid",
        &["threads", &N.to_string()],
    )?;
    ensure!(
        out.trim() == format!("threads={N}"),
        "the storm said {out:?}"
    );
    // Whole, or resumed after another thread's line.
    let calls = lines
        .iter()
        .filter(|(_, l)| l.starts_with("getppid()") || l.starts_with("<... getppid resumed>"))
        .count() as u64;
    let exits = lines
        .iter()
        .filter(|(_, l)| l == "+++ exited with 0 +++")
        .count() as u64;
    let (lost_calls, _, lost_exits) = losses(&lines);
    ensure!(
        calls + lost_calls == N as u64,
        "{calls} calls shown + {lost_calls} lost, {N} made"
    );
    // The threads and the process.
    ensure!(
        exits + lost_exits == N as u64 + 1,
        "{exits} exit lines + {lost_exits} lost, {} tasks",
        N + 1
    );
    check_rss(ended.peak_rss_kib)?;
    Ok(Figures {
        name: String::new(),
        figures: format!("{N} threads: {calls} calls, {exits} exits shown"),
        peak_rss_kib: ended.peak_rss_kib,
        seconds,
    })
}

fn have(command: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {command}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn redis_ping() -> bool {
    Command::new("redis-cli")
        .args(["-p", &REDIS_PORT.to_string(), "ping"])
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"PONG"))
}

/// A child killed when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether a process (every thread of it) runs normally: none stopped.
fn none_stopped(pid: u32) -> bool {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.filter_map(|t| t.ok()).all(|t| {
        fs::read_to_string(t.path().join("stat"))
            .ok()
            .and_then(|s| Some(s.rsplit_once(") ")?.1.chars().next()? != 't'))
            .unwrap_or(true)
    })
}

/// Programs of ours (`tracer_*`) loaded with no process holding them (fdinfo names the
/// `prog_id` of every program and link descriptor): what a tracer left behind. Waits up
/// to 5 s for the kernel to free the programs of a tracer that just exited.
fn leaked_programs() -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let listed = Command::new("bpftool")
            .args(["prog", "list"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default();
        let ours: Vec<u64> = listed
            .lines()
            .filter(|l| l.contains(" name tracer_"))
            .filter_map(|l| l.split(':').next()?.trim().parse().ok())
            .collect();
        let mut held = std::collections::HashSet::new();
        for p in fs::read_dir("/proc").into_iter().flatten().flatten() {
            for fd in fs::read_dir(p.path().join("fdinfo"))
                .into_iter()
                .flatten()
                .flatten()
            {
                let info = fs::read_to_string(fd.path()).unwrap_or_default();
                held.extend(
                    info.lines()
                        .filter_map(|l| l.strip_prefix("prog_id:")?.trim().parse::<u64>().ok()),
                );
            }
        }
        let leaked = ours.iter().filter(|id| !held.contains(id)).count();
        if leaked == 0 || Instant::now() > deadline {
            return leaked;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Attaches to a loaded server and detaches (SIGINT), again and again, on both
/// backends: every detach exits 0 in time, the server keeps answering with no thread
/// left stopped, the load finishes without errors, and no program of ours stays loaded.
/// Redis under redis-benchmark where Redis is installed or installable; else a storm.
fn attach_detach(bins: &Bins, scratch: &Scratch, cycles: u32) -> Result<Figures> {
    if !have("redis-server") || !have("redis-benchmark") {
        eprintln!("xtask stress:   installing redis-server, redis-tools");
        if let Err(e) = setup::apt_install(&["redis-server", "redis-tools"]) {
            eprintln!("xtask stress:   ({e:#}): a local load generator instead");
        }
    }
    let redis = have("redis-server") && have("redis-benchmark");
    // The target, and the load on it when that is another process.
    let (target, mut load) = if redis {
        let server = Guard(
            Command::new("redis-server")
                .args(["--port", &REDIS_PORT.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no", "--dir"])
                .arg(&scratch.0)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()?,
        );
        let deadline = Instant::now() + Duration::from_secs(20);
        while !redis_ping() {
            ensure!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Enough requests to outlast the cycles.
        let load = Guard(
            Command::new("redis-benchmark")
                .args([
                    "-p",
                    &REDIS_PORT.to_string(),
                    "-q",
                    "-c",
                    "8",
                    "-t",
                    "set,get",
                ])
                .args(["-n", "20000000"])
                .stdout(fs::File::create(scratch.file("load.out"))?)
                .stderr(Stdio::null())
                .spawn()?,
        );
        (server, Some(load))
    } else {
        // Its own load: two threads of calls until it is killed.
        let storm = Guard(
            Command::new(&bins.storm)
                .args(["getppid", "2", "4000000000"])
                .stdout(Stdio::null())
                .spawn()?,
        );
        (storm, None)
    };
    let mut target = target;
    let pid = target.0.id();
    let started = Instant::now();
    let mut worst = Duration::ZERO;
    let mut peak = 0;
    for backend in ["ebpf", "ptrace"] {
        for cycle in 0..cycles {
            let mut tracer = Command::new(&bins.tracer)
                .arg(format!("--backend={backend}"))
                .args(["-f", "-o", "/dev/null", "-p", &pid.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()?;
            let mut err = BufReader::new(tracer.stderr.take().expect("piped"));
            let mut line = String::new();
            err.read_line(&mut line)?;
            ensure!(
                line.contains("attached"),
                "{backend} cycle {cycle}: {line:?}"
            );
            std::thread::sleep(Duration::from_millis(300));
            let asked = Instant::now();
            // SAFETY: a signal to our own child.
            unsafe { libc::kill(tracer.id() as i32, libc::SIGINT) };
            let ended = wait_rusage(&mut tracer, Duration::from_secs(20))
                .with_context(|| format!("{backend} cycle {cycle}: detaching"))?;
            worst = worst.max(asked.elapsed());
            peak = peak.max(ended.peak_rss_kib);
            // As strace: detached, it ends by the signal that stopped it.
            ensure!(
                ended.signal == Some(libc::SIGINT),
                "{backend} cycle {cycle}: the tracer ended with {:?}, signal {:?}",
                ended.code,
                ended.signal
            );
            ensure!(
                none_stopped(pid),
                "{backend} cycle {cycle}: a thread is left stopped"
            );
            ensure!(
                !redis || redis_ping(),
                "{backend} cycle {cycle}: redis does not answer"
            );
            let load = load.as_mut().unwrap_or(&mut target);
            ensure!(
                load.0.try_wait()?.is_none(),
                "{backend} cycle {cycle}: the load (or the target) ended"
            );
        }
    }
    let left = leaked_programs();
    ensure!(
        left == 0,
        "{left} BPF programs of ours left loaded, held by no process"
    );
    check_rss(peak)?;
    drop(load);
    let what = if redis {
        "redis-server under redis-benchmark"
    } else {
        "a storm process"
    };
    Ok(Figures {
        name: String::new(),
        figures: format!(
            "{cycles} cycles per backend on {what}: every detach ended by its SIGINT, as strace (slowest {:.0} ms), \
             target answering, nothing left loaded",
            worst.as_secs_f64() * 1e3
        ),
        peak_rss_kib: peak,
        seconds: started.elapsed().as_secs_f64(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loss_markers_count_calls() {
        assert_eq!(calls_in("12 calls, 3 signals and 1 exit"), 12);
        assert_eq!(calls_in("1 call"), 1);
        assert_eq!(calls_in("2 exits"), 0);
        let lines = vec![(
            0,
            "... 5 calls and 2 exits lost (ring buffer full) ...".into(),
        )];
        assert_eq!(losses(&lines), (5, 0, 2));
    }

    #[test]
    fn a_slow_reader_counts_what_a_fast_one_does() {
        let text =
            "getppid() = 1\n... 3 calls lost (ring buffer full) ...\n[pid 7] getppid() = 1\n";
        for reader in [Reader::Fast, Reader::Slow] {
            let c = count_stream(text.as_bytes(), Format::Text, reader);
            assert_eq!((c.shown, c.lost, c.loss_markers), (2, 3, 1));
        }
        let json = "{\"type\":\"call\",\"syscall\":\"getppid\"}\n{\"type\":\"lost\",\"calls\":4}\n";
        let c = count_stream(json.as_bytes(), Format::Json, Reader::Fast);
        assert_eq!((c.shown, c.lost), (1, 4));
    }
}
