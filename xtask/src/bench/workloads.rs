//! The servers (redis-server, a scratch PostgreSQL cluster) and the clients that load them.

use std::{
    ffi::OsString,
    fs,
    path::PathBuf,
    process::{Command, Stdio},
    time::Duration,
};

use anyhow::{Context as _, Result, bail};

use super::{
    Env,
    procs::{Proc, output_within},
};

pub const REDIS_PORT: u16 = 16379;
pub const PG_PORT: u16 = 15432;
const PG_USER: &str = "postgres";

/// A server the bench starts for one measurement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Redis,
    Postgres,
}

impl Server {
    /// The server's command line, run directly or under a tool.
    pub fn command(self, env: &Env) -> Vec<OsString> {
        match self {
            Server::Redis => [
                "redis-server".into(),
                "--port".into(),
                REDIS_PORT.to_string().into(),
                "--bind".into(),
                "127.0.0.1".into(),
                "--save".into(),
                "".into(),
                "--appendonly".into(),
                "no".into(),
                "--daemonize".into(),
                "no".into(),
                "--dir".into(),
                env.scratch.path.clone().into_os_string(),
                "--pidfile".into(),
                self.pid_file(env).into_os_string(),
                "--logfile".into(),
                env.scratch.file("redis.log").into_os_string(),
            ]
            .into(),
            Server::Postgres => {
                let mut cmd = as_postgres_user();
                cmd.push(env.pg_bin.join("postgres").into_os_string());
                cmd.push("-D".into());
                cmd.push(pg_data(env).into_os_string());
                for setting in [
                    "listen_addresses=127.0.0.1".to_owned(),
                    format!("port={PG_PORT}"),
                    format!(
                        "unix_socket_directories={}",
                        env.scratch.file("pgsock").display()
                    ),
                    "max_connections=20".to_owned(),
                    // Commits do not wait for the WAL flush: on a shared VM disk the fsync
                    // latency varies far more than any tracer's cost, and would decide the
                    // tpcb-like numbers. The WAL is still written (by the WAL writer).
                    "synchronous_commit=off".to_owned(),
                ] {
                    cmd.push("-c".into());
                    cmd.push(setting.into());
                }
                cmd
            }
        }
    }

    fn pid_file(self, env: &Env) -> PathBuf {
        match self {
            Server::Redis => env.scratch.file("redis.pid"),
            Server::Postgres => pg_data(env).join("postmaster.pid"),
        }
    }

    /// The signal that stops it cleanly (postgres: SIGINT, fast shutdown).
    pub fn stop_signal(self) -> i32 {
        match self {
            Server::Redis => libc::SIGTERM,
            Server::Postgres => libc::SIGINT,
        }
    }

    /// Removes a pid file left by a server that was killed.
    pub fn clear_stale(self, env: &Env) {
        let _ = fs::remove_file(self.pid_file(env));
    }

    /// The server's pid, once it has written its pid file.
    pub fn pid(self, env: &Env) -> Option<i32> {
        fs::read_to_string(self.pid_file(env))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// Whether it answers on its port.
    pub fn ready(self, env: &Env) -> bool {
        let mut cmd = match self {
            Server::Redis => {
                let mut c = Command::new("redis-cli");
                c.args(["-h", "127.0.0.1", "-p", &REDIS_PORT.to_string(), "ping"]);
                c
            }
            Server::Postgres => {
                let mut c = Command::new(env.pg_bin.join("pg_isready"));
                c.args(["-q", "-h", "127.0.0.1", "-p", &PG_PORT.to_string()]);
                c
            }
        };
        let ok = cmd
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .is_ok_and(|o| {
                o.status.success()
                    && (self != Server::Redis
                        || String::from_utf8_lossy(&o.stdout).contains("PONG"))
            });
        ok && self.pid(env).is_some()
    }
}

fn pg_data(env: &Env) -> PathBuf {
    env.scratch.file("pgdata")
}

/// `setpriv` to the postgres user: it execs (no fork), so a tool launching the server
/// traces the postmaster itself.
fn as_postgres_user() -> Vec<OsString> {
    [
        "setpriv",
        &format!("--reuid={PG_USER}"),
        &format!("--regid={PG_USER}"),
        "--init-groups",
        "--",
    ]
    .iter()
    .map(OsString::from)
    .collect()
}

fn chown_to_postgres(path: &std::path::Path) -> Result<()> {
    crate::run(Command::new("chown").arg(PG_USER).arg(path))
}

/// Creates the scratch cluster and loads pgbench's tables (scale `env.sizes.pg_scale`).
pub fn init_postgres(env: &Env) -> Result<()> {
    let data = pg_data(env);
    let sock = env.scratch.file("pgsock");
    fs::create_dir_all(&data)?;
    fs::create_dir_all(&sock)?;
    chown_to_postgres(&data)?;
    chown_to_postgres(&sock)?;
    let mut initdb = Command::new(as_postgres_user()[0].clone());
    initdb
        .args(&as_postgres_user()[1..])
        .arg(env.pg_bin.join("initdb"))
        .args(["-D"])
        .arg(&data)
        .args(["-U", PG_USER, "--auth=trust", "-E", "UTF8", "--no-sync"])
        // initdb runs as postgres: a cwd it can read.
        .current_dir(&env.scratch.path);
    output_within("initdb", &mut initdb, Duration::from_secs(300)).context("initdb")?;
    let server = start_plain(env, Server::Postgres)?;
    let mut init = pgbench();
    init.args([
        "-i",
        "-q",
        "-s",
        &env.sizes.pg_scale.to_string(),
        "postgres",
    ]);
    eprintln!("xtask bench: $ {}", crate::display(&init));
    output_within("pgbench -i", &mut init, Duration::from_secs(600))?;
    drop(server);
    Ok(())
}

/// Starts a server untraced and waits until it answers.
pub fn start_plain(env: &Env, server: Server) -> Result<Proc> {
    server.clear_stale(env);
    let argv = server.command(env);
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..])
        .current_dir(&env.scratch.path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(fs::File::create(env.scratch.file("server.log"))?);
    let mut proc = Proc::spawn(&format!("{server:?}"), &mut cmd, server.stop_signal())?;
    let mut gone = false;
    super::procs::wait_until(
        &format!("{server:?} start"),
        Duration::from_secs(120),
        || {
            gone = proc.exited().is_some();
            gone
        },
        || server.ready(env),
    )?;
    Ok(proc)
}

fn pgbench() -> Command {
    let mut cmd = Command::new("pgbench");
    cmd.args(["-h", "127.0.0.1", "-p", &PG_PORT.to_string(), "-U", PG_USER]);
    cmd
}

/// `tps = 1234.5 (without initial connection time)`.
fn parse_tps(out: &str) -> Result<f64> {
    out.lines()
        .filter_map(|l| l.strip_prefix("tps = "))
        .filter_map(|rest| rest.split_whitespace().next()?.parse().ok())
        .next_back()
        .with_context(|| format!("no tps line in pgbench output{}", super::procs::tail(out)))
}

/// Runs the workload's client(s) against the running server; returns the metrics in the
/// order of `Workload::metrics`.
pub fn run_client(env: &Env, server: Server, slow: bool) -> Result<Vec<f64>> {
    match server {
        Server::Redis => {
            let requests = env.sizes.redis_requests(slow);
            let mut cmd = Command::new("redis-benchmark");
            cmd.args([
                "-h",
                "127.0.0.1",
                "-p",
                &REDIS_PORT.to_string(),
                "-t",
                "set,get",
                "-c",
                "50",
                "-n",
                &requests.to_string(),
                "--csv",
            ]);
            let out = output_within("redis-benchmark", &mut cmd, Duration::from_secs(600))?;
            let rps = |test: &str| -> Result<f64> {
                out.lines()
                    .find(|l| l.starts_with(&format!("\"{test}\"")))
                    .and_then(|l| l.split(',').nth(1))
                    .and_then(|v| v.trim_matches('"').parse().ok())
                    .with_context(|| format!("no {test} line in redis-benchmark output"))
            };
            let (set, get) = (rps("SET")?, rps("GET")?);
            // The same number of each: requests over total time.
            Ok(vec![2.0 / (1.0 / set + 1.0 / get)])
        }
        Server::Postgres => {
            let seconds = env.sizes.pgbench_seconds.to_string();
            let timeout = Duration::from_secs(env.sizes.pgbench_seconds + 300);
            let mut tps = Vec::new();
            for select_only in [true, false] {
                let mut cmd = pgbench();
                cmd.args(["-c", "4", "-j", "2", "-T", &seconds]);
                if select_only {
                    cmd.arg("-S");
                }
                cmd.arg("postgres");
                tps.push(parse_tps(&output_within("pgbench", &mut cmd, timeout)?)?);
            }
            Ok(tps)
        }
    }
}

/// `key=value` pairs of syscall_loop's output.
pub fn parse_loop(out: &str, key: &str) -> Result<f64> {
    out.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
        .with_context(|| format!("no {key}= in syscall_loop output '{}'", out.trim()))
}

/// The loop's metrics (ns per call; getppid; write) from its output.
pub fn loop_metrics(out: &str) -> Result<Vec<f64>> {
    let values = ["ns_per_call", "getppid_ns", "write_ns"]
        .iter()
        .map(|k| parse_loop(out, k))
        .collect::<Result<Vec<_>>>()?;
    if values.iter().any(|v| !v.is_finite() || *v <= 0.0) {
        bail!("syscall_loop printed nonsense: {}", out.trim());
    }
    Ok(values)
}

/// fio's file: 64 MiB, written once and read from the page cache, so the run measures
/// io_uring's per-operation path (and a tracer's cost on it), not the disk.
fn fio_file(env: &Env) -> PathBuf {
    env.scratch.file("fio.dat")
}

pub fn init_fio(env: &Env) -> Result<()> {
    let file = fio_file(env);
    let chunk = vec![0x5au8; 1 << 20];
    let mut out = fs::File::create(&file).context("fio's file")?;
    for _ in 0..64 {
        std::io::Write::write_all(&mut out, &chunk)?;
    }
    Ok(())
}

/// `fio --ioengine=io_uring`: 4 KiB random reads, 16 in flight, for `fio_seconds`.
pub fn fio_args(env: &Env) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec!["fio".into()];
    args.extend(
        [
            "--name=bench",
            "--ioengine=io_uring",
            "--rw=randread",
            "--bs=4k",
            "--iodepth=16",
            "--size=64M",
            "--time_based",
            "--output-format=json",
        ]
        .map(OsString::from),
    );
    args.push(format!("--runtime={}", env.sizes.fio_seconds).into());
    let mut file = OsString::from("--filename=");
    file.push(fio_file(env));
    args.push(file);
    args
}

/// IOPS from fio's JSON report.
pub fn fio_metrics(out: &str) -> Result<Vec<f64>> {
    // fio may print notes before the JSON.
    let json = out.find('{').map_or(out, |at| &out[at..]);
    let report: serde_json::Value = serde_json::from_str(json)
        .with_context(|| format!("fio printed no JSON report: {}", out.trim()))?;
    let iops = report["jobs"][0]["read"]["iops"]
        .as_f64()
        .filter(|v| v.is_finite() && *v > 0.0)
        .with_context(|| format!("no read IOPS in fio's report: {}", out.trim()))?;
    Ok(vec![iops])
}
