//! `cargo xtask bench`: tracer's overhead against strace and perf trace on Redis,
//! PostgreSQL and a syscall loop, measured side by side on this machine, written to
//! `docs/benchmarks.md` with a chart.
//!
//! Every configuration (`configs::SETUPS`) runs once per round, rounds repeat, and each
//! number is compared with the untraced run of the same round, so slow drifts of a shared
//! machine cancel out. Servers listen on 127.0.0.1 only, live in a scratch directory and
//! are stopped by pid, also when something fails.

mod configs;
mod procs;
mod producers;
mod report;
pub(crate) mod startup;
mod workloads;

use std::{
    collections::HashMap,
    ffi::OsString,
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};

use configs::{Mode, SETUPS, Setup, Tool, Workload};
use procs::{PidGuard, Proc, Sampler, Scratch, Usage, count_lines, output_within, wait_until};
use workloads::Server;

use crate::{cargo, display, is_root, run, setup, workspace_root};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Rounds: each runs every configuration once, in order.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// A smoke run: small workloads (a few seconds each), one round unless --rounds says
    /// otherwise; the report goes to target/bench/ unless --out says otherwise.
    #[arg(long)]
    quick: bool,
    /// Only these workloads (comma list).
    #[arg(long, value_enum, value_delimiter = ',')]
    workloads: Vec<Workload>,
    /// Only these configurations (comma list of ids; `untraced` is always run).
    #[arg(long, value_delimiter = ',')]
    configs: Vec<String>,
    /// Skip the lost-events sweep.
    #[arg(long)]
    no_loss: bool,
    /// Only the start-up and teardown table (each tool on `true`, and ready/stop with
    /// `-p`), written into the report in place of its previous one.
    #[arg(long)]
    startup: bool,
    /// Only the storm by producing threads (1, 2, 4, 8 threads flat out, untraced and
    /// traced, --rounds interleaved runs), written into the report in place of its
    /// previous one.
    #[arg(long)]
    producers: bool,
    /// With --producers: another tracer build (e.g. main's release binary), measured in
    /// the same rounds, its columns before this build's.
    #[arg(long, requires = "producers")]
    baseline: Option<PathBuf>,
    /// Where the Markdown report goes (the chart goes beside it).
    #[arg(long)]
    out: Option<PathBuf>,
}

/// How big each workload is.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// redis-benchmark `-n` (per test) for configurations that do not stop the server at
    /// every call; the others run a fifth of it.
    redis: u64,
    pub pgbench_seconds: u64,
    pub pg_scale: u32,
    loop_iterations: u64,
    /// Cap per loop run, for the tools that make each call cost tens of µs.
    loop_max_seconds: f64,
    /// Seconds per step of the lost-events sweep.
    loss_seconds: f64,
    /// Seconds of each fio run.
    fio_seconds: u64,
}

impl Sizes {
    const FULL: Sizes = Sizes {
        redis: 100_000,
        pgbench_seconds: 4,
        pg_scale: 8,
        loop_iterations: 1_000_000,
        loop_max_seconds: 3.0,
        loss_seconds: 2.0,
        fio_seconds: 5,
    };
    const QUICK: Sizes = Sizes {
        redis: 20_000,
        pgbench_seconds: 2,
        pg_scale: 2,
        loop_iterations: 200_000,
        loop_max_seconds: 1.0,
        loss_seconds: 0.5,
        fio_seconds: 1,
    };

    pub fn redis_requests(&self, slow: bool) -> u64 {
        if slow { self.redis / 5 } else { self.redis }
    }
}

/// What every measurement needs.
pub struct Env {
    pub scratch: Scratch,
    pub tracer: PathBuf,
    pub syscall_loop: PathBuf,
    pub pg_bin: PathBuf,
    pub sizes: Sizes,
    /// The local collector's OTLP/HTTP URL, for the exporting configurations.
    pub otlp_url: String,
    /// The collector's pid, while it runs.
    pub collector: Option<i32>,
}

/// One run of one configuration on one workload.
#[derive(Clone, Debug)]
pub struct Sample {
    /// In the order of `Workload::metrics`.
    pub values: Vec<f64>,
    /// The tool's CPU and memory while the workload ran (None when untraced).
    pub usage: Option<Usage>,
    /// The local collector's CPU seconds over the same time (exporting configurations).
    pub collector_cpu: Option<f64>,
    /// `tracer: N events lost` (tracer only; 0 when it printed none).
    pub lost: Option<u64>,
    /// Lines the tool wrote to its output file.
    pub lines: u64,
    /// How long the client ran.
    pub seconds: f64,
}

/// `[setup][round]` samples of one workload; an error is the reason a run has no numbers.
pub type Runs = HashMap<&'static str, Vec<Result<Sample, String>>>;

/// One step of the lost-events sweep.
#[derive(Clone, Copy, Debug)]
pub struct LossStep {
    /// Calls per second asked of the loop (None: as fast as it goes).
    pub requested: Option<f64>,
    /// Loop threads (more than one: every CPU busy with traced calls).
    pub threads: usize,
    pub achieved: f64,
    pub emitted: u64,
    pub lost: u64,
}

/// Everything the report is made of.
pub struct Results {
    pub rounds: usize,
    pub sizes: Sizes,
    pub workloads: Vec<(Workload, Runs)>,
    pub setups: Vec<&'static Setup>,
    pub loss: Option<Result<Vec<LossStep>, String>>,
    /// Untraced paced loop as fast as it goes: calls per second.
    pub loss_baseline: Option<f64>,
    pub started: Instant,
    pub command_line: String,
    /// The start-up and teardown figures.
    pub startup: Vec<startup::Row>,
    pub verified: Vec<startup::Verified>,
    /// The storm by producing threads.
    pub producers: Option<Result<producers::Table, String>>,
}

impl Results {
    pub fn runs(&self, workload: Workload) -> Option<&Runs> {
        self.workloads
            .iter()
            .find(|(w, _)| *w == workload)
            .map(|(_, r)| r)
    }
}

const PACKAGES: &[(&str, &str)] = &[
    ("redis-server", "the Redis workload"),
    ("redis-tools", "redis-benchmark, redis-cli"),
    ("postgresql", "the PostgreSQL workload"),
    ("postgresql-contrib", "pgbench's extras"),
    ("strace", "the reference tracer"),
    ("linux-perf", "perf trace"),
    ("bpftrace", "the bare cost of a raw_syscalls program"),
    ("fio", "the io_uring workload"),
];

fn package_installed(name: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", name])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// Installs what is missing from Debian, saying what and why; nothing when all is there.
fn install_prerequisites() -> Result<()> {
    let missing: Vec<&(&str, &str)> = PACKAGES
        .iter()
        .filter(|(p, _)| !package_installed(p))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    for (pkg, why) in &missing {
        eprintln!("xtask bench: installing {pkg} ({why})");
    }
    let packages: Vec<&str> = missing.iter().map(|(p, _)| *p).collect();
    crate::setup::apt_install(&packages)
}

/// The newest `/usr/lib/postgresql/N/bin`.
fn postgres_bin() -> Result<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .context("/usr/lib/postgresql (is postgresql installed?)")?
        .filter_map(|e| {
            let e = e.ok()?;
            let v = e.file_name().to_str()?.parse().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, p)| p.join("postgres").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, p)| p)
        .context("no PostgreSQL server in /usr/lib/postgresql")
}

pub fn bench(opts: Options) -> Result<()> {
    let started = Instant::now();
    if !is_root() {
        bail!("the bench loads BPF programs and starts servers as other users: run it as root");
    }
    setup::setup()?;
    install_prerequisites()?;
    let tracer = crate::build(true)?;
    run(cargo().args([
        "build",
        "--release",
        "--package",
        "tracer-tests",
        "--bin",
        "syscall_loop",
    ]))?;
    let syscall_loop = workspace_root().join("target/release/syscall_loop");
    if opts.startup {
        let out = opts
            .out
            .clone()
            .unwrap_or_else(|| workspace_root().join("docs/benchmarks.md"));
        let section = startup::section(
            &startup::measure(&tracer, &syscall_loop),
            &startup::measure_verifier(&tracer),
        );
        let report = fs::read_to_string(&out).unwrap_or_default();
        fs::write(&out, startup::splice(&report, &section))
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("xtask bench: wrote the start-up table to {}", out.display());
        return Ok(());
    }

    let sizes = if opts.quick {
        Sizes::QUICK
    } else {
        Sizes::FULL
    };
    let rounds = if opts.quick && opts.rounds == 3 {
        1
    } else {
        opts.rounds.max(1)
    };
    let scratch = Scratch::new()?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut env = Env {
        tracer,
        syscall_loop,
        pg_bin: postgres_bin()?,
        sizes,
        otlp_url: format!("http://127.0.0.1:{port}"),
        collector: None,
        scratch,
    };
    let this_build = producers::Build::new("tracer", env.tracer.clone());
    if opts.producers {
        let out = opts
            .out
            .clone()
            .unwrap_or_else(|| workspace_root().join("docs/benchmarks.md"));
        let mut builds = Vec::new();
        if let Some(path) = &opts.baseline {
            builds.push(producers::Build::new("baseline", path.clone()));
        }
        builds.push(this_build);
        let table = producers::measure(&env, &builds, opts.rounds.max(1))?;
        let section = producers::section(&table);
        let report = fs::read_to_string(&out).unwrap_or_default();
        fs::write(
            &out,
            startup::splice_section(&report, producers::HEADING, &section),
        )
        .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("xtask bench: wrote the storm table to {}", out.display());
        return Ok(());
    }
    let workloads: Vec<Workload> = if opts.workloads.is_empty() {
        Workload::ALL.to_vec()
    } else {
        opts.workloads.clone()
    };
    for id in &opts.configs {
        if !SETUPS.iter().any(|s| s.id == id) {
            let ids: Vec<&str> = SETUPS.iter().map(|s| s.id).collect();
            bail!("unknown configuration '{id}' (known: {})", ids.join(", "));
        }
    }
    let setups: Vec<&'static Setup> = SETUPS
        .iter()
        .filter(|s| {
            s.tool.is_none() || opts.configs.is_empty() || opts.configs.iter().any(|c| c == s.id)
        })
        .collect();
    // One local collector for the whole run (idle but for the exporting configurations).
    let _collector = if setups.iter().any(|s| s.collector) {
        let proc = start_collector(&env, port)?;
        env.collector = Some(proc.pid());
        Some(proc)
    } else {
        None
    };
    eprintln!(
        "xtask bench: {} workloads x {} configurations x {rounds} rounds, scratch {}",
        workloads.len(),
        setups.len(),
        env.scratch.path.display()
    );

    let mut results = Results {
        rounds,
        sizes,
        workloads: Vec::new(),
        setups: setups.clone(),
        loss: None,
        loss_baseline: None,
        started,
        startup: Vec::new(),
        verified: Vec::new(),
        producers: None,
        command_line: std::iter::once("cargo xtask bench".to_owned())
            .chain(std::env::args().skip(2))
            .collect::<Vec<_>>()
            .join(" "),
    };
    for &workload in &workloads {
        let runs = bench_workload(&env, workload, &setups, rounds)
            .with_context(|| format!("workload {}", workload.name()))?;
        results.workloads.push((workload, runs));
    }
    if !opts.no_loss {
        results.loss_baseline = loop_rate(&env, None, 1, None).ok().map(|(rate, _)| rate);
        results.loss = Some(loss_sweep(&env).map_err(|e| format!("{e:#}")));
        results.producers =
            Some(producers::measure(&env, &[this_build], rounds).map_err(|e| format!("{e:#}")));
    }

    results.startup = startup::measure(&env.tracer, &env.syscall_loop);
    results.verified = startup::measure_verifier(&env.tracer);

    let out = opts.out.clone().unwrap_or_else(|| {
        if opts.quick {
            workspace_root().join("target/bench/benchmarks.md")
        } else {
            workspace_root().join("docs/benchmarks.md")
        }
    });
    report::write(&results, &out, &env.pg_bin)?;
    eprintln!(
        "xtask bench: done in {:.1} min; wrote {}",
        started.elapsed().as_secs_f64() / 60.0,
        out.display()
    );
    Ok(())
}

fn bench_workload(
    env: &Env,
    workload: Workload,
    setups: &[&'static Setup],
    rounds: usize,
) -> Result<Runs> {
    let server = match workload {
        Workload::Redis => Some(Server::Redis),
        Workload::Pgbench => {
            workloads::init_postgres(env)?;
            Some(Server::Postgres)
        }
        Workload::Loop => None,
        Workload::Fio => {
            workloads::init_fio(env)?;
            None
        }
    };
    let mut runs: Runs = HashMap::new();
    for round in 0..rounds {
        for setup in setups.iter().filter(|s| s.runs_on(workload)) {
            let previous = runs.entry(setup.id).or_default();
            // A configuration that cannot run at all is not retried every round.
            if round > 0 && previous.iter().all(Result::is_err) {
                let reason = previous[0].clone();
                previous.push(reason);
                continue;
            }
            let start = Instant::now();
            let sample = match server {
                Some(server) => measure_server(env, server, setup),
                None if workload == Workload::Fio => measure_command(
                    env,
                    setup,
                    &workloads::fio_args(env),
                    "fio",
                    workloads::fio_metrics,
                ),
                None => measure_loop(env, setup),
            };
            let line = match &sample {
                Ok(s) => format!(
                    "{}{}",
                    s.values
                        .iter()
                        .map(|v| format!("{v:.1}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    s.lost
                        .filter(|&l| l > 0)
                        .map(|l| format!(" lost={l}"))
                        .unwrap_or_default()
                ),
                Err(e) => format!("n/a ({e:#})"),
            };
            eprintln!(
                "xtask bench: {} round {}/{rounds} {:<20} {line}  [{:.1}s]",
                workload.name(),
                round + 1,
                setup.id,
                start.elapsed().as_secs_f64()
            );
            previous.push(sample.map_err(|e| format!("{e:#}")));
        }
    }
    Ok(runs)
}

/// Whom a tool traces.
enum Target<'a> {
    Pid(i32),
    Command(&'a [OsString]),
}

fn trace_out(env: &Env) -> PathBuf {
    env.scratch.file("trace.out")
}

fn tool_log(env: &Env) -> PathBuf {
    env.scratch.file("tool.log")
}

/// Starts the configuration's tool on `target`; its stdout goes to `stdout` (or the log).
fn start_tool(env: &Env, setup: &Setup, target: Target, stdout: Option<&Path>) -> Result<Proc> {
    let tool = setup.tool.expect("a traced configuration");
    let mut cmd = match tool {
        Tool::Tracer => Command::new(&env.tracer),
        other => Command::new(other.program()),
    };
    let out = trace_out(env);
    cmd.args(setup.args.iter().map(|a| {
        a.replace("{out}", &out.to_string_lossy())
            .replace("{otlp}", &env.otlp_url)
    }));
    if tool.takes_target() {
        match target {
            Target::Pid(pid) => {
                cmd.arg("-p").arg(pid.to_string());
            }
            Target::Command(argv) => {
                cmd.arg("--").args(argv);
            }
        }
    }
    let log = fs::File::create(tool_log(env))?;
    let stdout_file = match stdout {
        Some(path) => fs::File::create(path)?,
        None => log.try_clone()?,
    };
    cmd.current_dir(&env.scratch.path)
        .stdin(Stdio::null())
        .stdout(stdout_file)
        .stderr(log);
    eprintln!("xtask bench:   $ {}", display(&cmd));
    Proc::spawn(tool.program(), &mut cmd, libc::SIGINT)
}

/// rotel-agent (installed by `setup::fleet_prerequisites`) receiving OTLP/HTTP on
/// 127.0.0.1:`port` and discarding it (its blackhole exporter): the collector of the
/// exporting configurations, on the same machine, so its CPU counts against them.
fn start_collector(env: &Env, port: u16) -> Result<Proc> {
    setup::fleet_prerequisites();
    let site = setup::otel_dir().join("venv/lib");
    let rotel = fs::read_dir(&site)
        .ok()
        .and_then(|d| {
            d.flatten()
                .map(|py| py.path().join("site-packages/rotel/rotel-agent"))
                .find(|p| p.exists())
        })
        .with_context(|| format!("no rotel-agent under {}", site.display()))?;
    let grpc = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut cmd = Command::new(rotel);
    cmd.args(["start", "--exporter", "blackhole"])
        .arg("--otlp-http-endpoint")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--otlp-grpc-endpoint")
        .arg(format!("127.0.0.1:{grpc}"))
        .arg("--pid-file")
        .arg(env.scratch.file("rotel.pid"))
        .arg("--log-file")
        .arg(env.scratch.file("rotel.log"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    eprintln!("xtask bench:   $ {}", display(&cmd));
    let mut proc = Proc::spawn("rotel-agent", &mut cmd, libc::SIGTERM)?;
    wait_until(
        "rotel-agent listening",
        Duration::from_secs(30),
        || proc.exited().is_some(),
        || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
    )?;
    Ok(proc)
}

/// Waits until an attaching tool has attached.
fn wait_attached(env: &Env, tool: Tool, proc: &mut Proc) -> Result<()> {
    let log = tool_log(env);
    let says = |word: &str| fs::read_to_string(&log).is_ok_and(|l| l.contains(word));
    let settle = match tool {
        // Both print `Process N attached` once the tracee is theirs.
        Tool::Tracer | Tool::Strace => {
            wait_until(
                "attaching",
                Duration::from_secs(60),
                || proc.exited().is_some(),
                || says("attached"),
            )?;
            Duration::from_millis(200)
        }
        // `Attaching N probes...` comes before the attach itself.
        Tool::Bpftrace => {
            wait_until(
                "bpftrace",
                Duration::from_secs(60),
                || proc.exited().is_some(),
                || says("Attaching"),
            )?;
            Duration::from_secs(1)
        }
        // perf trace says nothing; it is ready well within this.
        Tool::Perf => Duration::from_millis(1500),
    };
    std::thread::sleep(settle);
    if let Some(status) = proc.exited() {
        bail!(
            "{} exited ({status}){}",
            tool.program(),
            procs::tail(&fs::read_to_string(&log).unwrap_or_default())
        );
    }
    Ok(())
}

/// Events the tool says it lost: `tracer: N events lost (...)` at exit; perf trace's
/// `LOST N events!` lines in its output.
fn lost_events(env: &Env, tool: Tool) -> Option<u64> {
    let (path, pick): (PathBuf, fn(&str) -> Option<&str>) = match tool {
        Tool::Tracer => (tool_log(env), |l| {
            Some(l.strip_prefix("tracer: ")?.split_once(" events lost")?.0)
        }),
        Tool::Perf => (trace_out(env), |l| {
            l.split_once("LOST ")?.1.split_whitespace().next()
        }),
        Tool::Strace | Tool::Bpftrace => return None,
    };
    let text = fs::read(path).unwrap_or_default();
    Some(
        String::from_utf8_lossy(&text)
            .lines()
            .filter_map(pick)
            .filter_map(|n| n.trim().parse::<u64>().ok())
            .sum(),
    )
}

/// An idle process for the tool to trace in `Mode::Beside`.
fn idle_process() -> Result<Proc> {
    Proc::spawn(
        "sleep",
        Command::new("sleep")
            .arg("100000")
            .stdin(Stdio::null())
            .stdout(Stdio::null()),
        libc::SIGKILL,
    )
}

/// Starts a tool beside the workload (tracing an idle process, or everything for bpftrace).
fn start_beside(env: &Env, setup: &Setup) -> Result<(Proc, Proc)> {
    let idle = idle_process()?;
    let mut tool = start_tool(env, setup, Target::Pid(idle.pid()), None)?;
    wait_attached(env, setup.tool.expect("traced"), &mut tool)?;
    Ok((idle, tool))
}

/// Stops an attached tool (it detaches on SIGINT) and checks it exited by itself.
fn stop_tool(tool: &mut Proc) -> Result<()> {
    // A tool with a backlog writes it out first; give it time.
    let (status, killed) = tool.stop(Duration::from_secs(180));
    if killed {
        bail!("{} did not exit after SIGINT", tool.name);
    }
    match status {
        Some(s) if s.success() || s.signal() == Some(libc::SIGINT) || s.code() == Some(130) => {
            Ok(())
        }
        Some(s) => bail!("{} exited with {s}", tool.name),
        None => bail!("{} did not exit", tool.name),
    }
}

use std::os::unix::process::ExitStatusExt as _;

fn finish_sample(
    env: &Env,
    setup: &Setup,
    values: Vec<f64>,
    usage: Option<Usage>,
    seconds: f64,
) -> Sample {
    let out = trace_out(env);
    let lines = count_lines(&out);
    let lost = setup.tool.and_then(|t| lost_events(env, t));
    let _ = fs::remove_file(&out);
    Sample {
        values,
        usage,
        collector_cpu: None,
        lost,
        lines,
        seconds,
    }
}

fn measure_server(env: &Env, server: Server, setup: &Setup) -> Result<Sample> {
    let _ = fs::remove_file(trace_out(env));
    let mut beside = match (setup.tool, setup.mode) {
        (Some(_), Mode::Beside) => Some(start_beside(env, setup)?),
        _ => None,
    };
    let launched = setup.tool.is_some() && setup.mode == Mode::Launch;
    // Either the server itself, or the tool that launched it.
    let (mut main, mut server_guard) = if launched {
        server.clear_stale(env);
        let argv = server.command(env);
        let tool = start_tool(env, setup, Target::Command(&argv), None)?;
        (tool, None)
    } else {
        (workloads::start_plain(env, server)?, None)
    };
    wait_until(
        &format!("{server:?} start"),
        Duration::from_secs(180),
        || main.exited().is_some(),
        || server.ready(env),
    )
    .with_context(|| procs::tail(&fs::read_to_string(tool_log(env)).unwrap_or_default()))?;
    let pid = server.pid(env).context("server pid file")?;
    if launched {
        server_guard = Some(PidGuard {
            name: "server",
            pid,
            stop_signal: server.stop_signal(),
        });
    }
    let mut attached = match (setup.tool, setup.mode) {
        (Some(tool), Mode::Attach) => {
            let mut proc = start_tool(env, setup, Target::Pid(pid), None)?;
            wait_attached(env, tool, &mut proc)?;
            Some(proc)
        }
        _ => None,
    };
    let sampled = match (&attached, &beside) {
        (Some(t), _) | (None, Some((_, t))) => Some(t.pid()),
        (None, None) if launched => Some(main.pid()),
        _ => None,
    };
    let sampler = sampled.map(Sampler::start);
    // The collector shares the machine: its CPU is part of what exporting costs.
    let collector = env
        .collector
        .filter(|_| setup.collector)
        .map(Sampler::start);
    let start = Instant::now();
    let values = workloads::run_client(env, server, setup.slow);
    let seconds = start.elapsed().as_secs_f64();

    // Tear down: attached tools detach first, then the server stops; a launching tool
    // exits when its server does.
    let mut stopped = Ok(());
    if let Some(tool) = attached.as_mut() {
        stopped = stop_tool(tool);
    }
    if let Some((_, tool)) = beside.as_mut() {
        stopped = stopped.and(stop_tool(tool));
    }
    if let Some(mut guard) = server_guard.take() {
        guard.stop(Duration::from_secs(60));
        if main.wait_timeout(Duration::from_secs(180)).is_none() {
            stopped = stopped.and(Err(anyhow::anyhow!(
                "{} did not exit after the server",
                main.name
            )));
        }
    }
    main.stop(Duration::from_secs(60));
    drop(beside);
    // Sampled until the tool exited: what it wrote out after the client finished counts.
    let usage = sampler.map(|s| s.finish(seconds));
    let collector_cpu = collector.map(|s| s.finish(seconds).cpu_seconds);
    let values = values?;
    stopped?;
    Ok(Sample {
        collector_cpu,
        ..finish_sample(env, setup, values, usage, seconds)
    })
}

fn loop_args(env: &Env) -> Vec<OsString> {
    vec![
        env.syscall_loop.clone().into_os_string(),
        env.sizes.loop_iterations.to_string().into(),
        "--max-seconds".into(),
        env.sizes.loop_max_seconds.to_string().into(),
    ]
}

fn measure_loop(env: &Env, setup: &Setup) -> Result<Sample> {
    measure_command(
        env,
        setup,
        &loop_args(env),
        "syscall_loop",
        workloads::loop_metrics,
    )
}

/// A short-lived program (`argv`), untraced, beside the tool or launched under it; its
/// numbers from its stdout (`metrics`).
fn measure_command(
    env: &Env,
    setup: &Setup,
    argv: &[OsString],
    name: &str,
    metrics: fn(&str) -> Result<Vec<f64>>,
) -> Result<Sample> {
    let _ = fs::remove_file(trace_out(env));
    let timeout = Duration::from_secs(300);
    let traced = setup.tool.is_some() && setup.mode != Mode::Beside;
    if !traced {
        let mut beside = match setup.tool {
            Some(_) => Some(start_beside(env, setup)?),
            None => None,
        };
        let sampler = beside.as_ref().map(|(_, t)| Sampler::start(t.pid()));
        let start = Instant::now();
        let out = output_within(name, Command::new(&argv[0]).args(&argv[1..]), timeout);
        let seconds = start.elapsed().as_secs_f64();
        if let Some((_, tool)) = beside.as_mut() {
            stop_tool(tool)?;
        }
        let usage = sampler.map(|s| s.finish(seconds));
        let values = metrics(&out?)?;
        return Ok(finish_sample(env, setup, values, usage, seconds));
    }
    // The program is short-lived: launched under the tool whatever the mode.
    let stdout = env.scratch.file(&format!("{name}.out"));
    let mut tool = start_tool(env, setup, Target::Command(argv), Some(&stdout))?;
    let sampler = Sampler::start(tool.pid());
    let start = Instant::now();
    let status = tool.wait_timeout(timeout);
    let seconds = start.elapsed().as_secs_f64();
    let usage = sampler.finish(seconds);
    let log = fs::read_to_string(tool_log(env)).unwrap_or_default();
    match status {
        None => bail!("timed out after {timeout:?}"),
        Some(s) if !s.success() => bail!("{} exited with {s}{}", tool.name, procs::tail(&log)),
        Some(_) => {}
    }
    let values = metrics(&fs::read_to_string(&stdout).unwrap_or_default())
        .with_context(|| procs::tail(&log))?;
    Ok(finish_sample(env, setup, values, Some(usage), seconds))
}

/// The paced loop at `rate` calls/s (None: flat out), untraced or under `TRACER -f -T -o
/// FILE --stats`. Returns the achieved rate and, traced, (emitted, lost).
fn loop_rate(
    env: &Env,
    rate: Option<f64>,
    threads: usize,
    tracer: Option<&Path>,
) -> Result<(f64, Option<(u64, u64)>)> {
    let mut argv: Vec<OsString> = vec![
        env.syscall_loop.clone().into_os_string(),
        "--rate".into(),
        rate.unwrap_or(1e12).to_string().into(),
        "--seconds".into(),
        env.sizes.loss_seconds.to_string().into(),
        "--threads".into(),
        threads.to_string().into(),
    ];
    let out = trace_out(env);
    if let Some(tracer) = tracer {
        let mut cmd: Vec<OsString> = vec![
            tracer.as_os_str().to_owned(),
            "-f".into(),
            "-T".into(),
            "--stats".into(),
            "-o".into(),
            out.clone().into_os_string(),
            "--".into(),
        ];
        cmd.append(&mut argv);
        argv = cmd;
    }
    let log = tool_log(env);
    let stdout_path = env.scratch.file("loop.out");
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout_path)?)
        .stderr(fs::File::create(&log)?);
    let mut proc = Proc::spawn("paced loop", &mut cmd, libc::SIGINT)?;
    let status = proc.wait_timeout(Duration::from_secs(300));
    let _ = fs::remove_file(&out);
    let stderr = fs::read_to_string(&log).unwrap_or_default();
    if !status.is_some_and(|s| s.success()) {
        bail!("paced loop failed ({status:?}){}", procs::tail(&stderr));
    }
    let achieved = workloads::parse_loop(&fs::read_to_string(&stdout_path)?, "rate")?;
    if tracer.is_none() {
        return Ok((achieved, None));
    }
    // `tracer: total <seen> <filtered> <emitted> <lost> <dropped>`
    let total = stderr
        .lines()
        .find_map(|l| l.strip_prefix("tracer: total"))
        .context("no `tracer: total` line from --stats")?;
    let fields: Vec<u64> = total
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    let (emitted, lost) = match fields[..] {
        [_, _, emitted, lost, ..] => (emitted, lost),
        _ => bail!("unexpected --stats line: {total}"),
    };
    Ok((achieved, Some((emitted, lost))))
}

/// The rate of calls (one event each) `tracer -f -T -o FILE` sustains without loss:
/// doubling paced rates until the kernel counts a lost record or the loop cannot go
/// faster, then flat out, then flat out on every CPU (the consumer then competes with the
/// traced threads for CPU: losses must be counted, the traced threads not held up).
fn loss_sweep(env: &Env) -> Result<Vec<LossStep>> {
    let mut steps = Vec::new();
    let mut rate = 50_000.0;
    let mut requested = Some(rate);
    let mut threads = 1;
    loop {
        let (achieved, counts) = loop_rate(env, requested, threads, Some(&env.tracer))?;
        let (emitted, lost) = counts.expect("traced");
        eprintln!(
            "xtask bench: loss sweep {:>12} calls/s asked x{threads}, {achieved:>10.0} done, {emitted} emitted, {lost} lost",
            requested.map_or("flat out".to_owned(), |r| format!("{r:.0}"))
        );
        steps.push(LossStep {
            requested,
            threads,
            achieved,
            emitted,
            lost,
        });
        if requested.is_none() {
            if threads > 1 {
                return Ok(steps);
            }
            threads = std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .max(2);
            continue;
        }
        let saturated = achieved < 0.9 * rate;
        rate *= 2.0;
        requested = if lost > 0 || saturated || rate > 20e6 {
            None
        } else {
            Some(rate)
        };
    }
}
