//! `docs/benchmarks.md` and its chart: medians, ranges, ratios to the untraced run of the
//! same round, the targets of the issue checked against them.

use std::{fmt::Write as _, fs, path::Path, process::Command};

use anyhow::{Context as _, Result};

use super::{
    Results, Runs, Sample, Sizes,
    configs::{Metric, Mode, Setup, Tool, Workload},
};

/// The section with `cargo xtask strace-suite`'s figures (README's, copied by hand).
const SUITE_HEADING: &str = "## strace's own test suite";

/// Median, min and max of some numbers (None when there are none).
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Spread {
    fn of(mut values: Vec<f64>) -> Option<Self> {
        values.retain(|v| v.is_finite());
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        Some(Self {
            median,
            min: values[0],
            max: values[n - 1],
        })
    }
}

/// One configuration's numbers for one metric.
pub struct Summary {
    pub value: Spread,
    /// Throughput relative to the untraced run of the same round (>1 is faster).
    pub ratio: Option<Spread>,
    /// Per round, value minus untraced (for costs: ns added per call).
    pub delta: Option<Spread>,
}

fn ok_samples<'a>(runs: &'a Runs, id: &str) -> Vec<Option<&'a Sample>> {
    runs.get(id)
        .map(|v| v.iter().map(|r| r.as_ref().ok()).collect())
        .unwrap_or_default()
}

/// The first reason a configuration has no numbers.
fn failure(runs: &Runs, id: &str) -> Option<String> {
    let all = runs.get(id)?;
    if all.iter().any(Result::is_ok) {
        return None;
    }
    all.iter().find_map(|r| r.as_ref().err().cloned())
}

/// Per-round ratio of `a` to `b` for a metric, as throughput (>1: `a` is faster).
fn per_round_ratio(runs: &Runs, a: &str, b: &str, index: usize, metric: &Metric) -> Option<Spread> {
    let (xs, ys) = (ok_samples(runs, a), ok_samples(runs, b));
    Spread::of(
        xs.iter()
            .zip(&ys)
            .filter_map(|(x, y)| {
                let (x, y) = ((*x)?.values[index], (*y)?.values[index]);
                Some(if metric.higher_is_better {
                    x / y
                } else {
                    y / x
                })
            })
            .collect(),
    )
}

pub fn summarize(runs: &Runs, id: &str, index: usize, metric: &Metric) -> Option<Summary> {
    let samples = ok_samples(runs, id);
    let value = Spread::of(samples.iter().flatten().map(|s| s.values[index]).collect())?;
    let base = ok_samples(runs, "untraced");
    let delta = Spread::of(
        samples
            .iter()
            .zip(&base)
            .filter_map(|(s, b)| Some(s.as_ref()?.values[index] - b.as_ref()?.values[index]))
            .collect(),
    );
    Some(Summary {
        value,
        ratio: per_round_ratio(runs, id, "untraced", index, metric),
        delta,
    })
}

fn number(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn ratio_text(r: &Spread) -> String {
    format!("{:.2} ({:.2}–{:.2})", r.median, r.min, r.max)
}

fn first_line(cmd: &mut Command) -> String {
    cmd.output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|| "?".to_owned())
}

fn machine(env_pg_bin: &Path) -> Vec<(&'static str, String)> {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_default();
    let cpus = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let mem_gib = fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0 / 1024.0);
    let os = fs::read_to_string("/etc/os-release")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .unwrap_or("")
        .trim_matches('"')
        .to_owned();
    let root = crate::workspace_root();
    let rev = first_line(
        Command::new("git")
            .args(["rev-parse", "--short", "HEAD"])
            .current_dir(&root),
    );
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(&root)
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    vec![
        ("CPU", format!("{model}, {cpus} CPUs")),
        ("memory", format!("{mem_gib:.1} GiB")),
        ("kernel", first_line(Command::new("uname").args(["-r"]))),
        ("OS", os),
        (
            "tracer",
            format!(
                "{rev}{}",
                if dirty {
                    " (with uncommitted changes)"
                } else {
                    ""
                }
            ),
        ),
        ("rustc", first_line(Command::new("rustc").arg("--version"))),
        ("strace", first_line(Command::new("strace").arg("-V"))),
        ("perf", first_line(Command::new("perf").arg("version"))),
        (
            "bpftrace",
            first_line(Command::new("bpftrace").arg("--version")),
        ),
        (
            "Redis",
            first_line(Command::new("redis-server").arg("--version")),
        ),
        (
            "PostgreSQL",
            first_line(Command::new(env_pg_bin.join("postgres")).arg("--version")),
        ),
    ]
}

fn tool_color(setup: &Setup) -> &'static str {
    match (setup.tool, setup.mode) {
        (None, _) => "#888888",
        (Some(_), Mode::Beside) => "#4caf50",
        (Some(Tool::Strace), _) => "#d9534f",
        (Some(Tool::Perf), _) => "#f0ad4e",
        (Some(Tool::Bpftrace), _) => "#17a2b8",
        (Some(Tool::Tracer), _) if setup.args.iter().any(|a| a.contains("ptrace")) => "#8e44ad",
        (Some(Tool::Tracer), _) => "#2a6fdb",
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Horizontal bars: throughput relative to untraced, one panel per charted metric, the
/// median as the bar and the min–max over rounds as a whisker.
fn chart(results: &Results) -> String {
    const LABEL: f64 = 170.0;
    const BAR: f64 = 440.0;
    const ROW: f64 = 18.0;
    const WIDTH: f64 = LABEL + BAR + 110.0;
    let mut panels = Vec::new();
    for (workload, runs) in &results.workloads {
        for (index, metric) in workload.metrics().iter().enumerate() {
            if !metric.chart {
                continue;
            }
            let rows: Vec<(&Setup, Option<Spread>, Option<String>)> = results
                .setups
                .iter()
                .filter(|s| s.runs_on(*workload))
                .map(|s| {
                    let ratio = summarize(runs, s.id, index, metric).and_then(|m| m.ratio);
                    (*s, ratio, failure(runs, s.id))
                })
                .collect();
            panels.push((format!("{} ({})", metric.name, metric.unit), rows));
        }
    }
    let x_max = panels
        .iter()
        .flat_map(|(_, rows)| rows.iter().filter_map(|(_, r, _)| r.map(|r| r.max)))
        .fold(1.2_f64, f64::max)
        .min(3.0);
    let x = |ratio: f64| LABEL + BAR * (ratio.min(x_max) / x_max);
    let height: f64 = 40.0
        + panels
            .iter()
            .map(|(_, rows)| 46.0 + ROW * rows.len() as f64)
            .sum::<f64>();
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="10" y="20" font-size="14" font-weight="bold">Throughput relative to untraced (median of {} rounds; whiskers: min–max; higher is better)</text>"#,
        results.rounds
    );
    let mut y = 40.0;
    for (title, rows) in &panels {
        let _ = writeln!(
            svg,
            r#"<text x="10" y="{}" font-size="12" font-weight="bold">{}</text>"#,
            y + 14.0,
            escape(title)
        );
        y += 22.0;
        let top = y;
        let bottom = y + ROW * rows.len() as f64;
        let mut tick = 0.0;
        while tick <= x_max + 1e-9 {
            let tx = x(tick);
            let dash = if (tick - 1.0).abs() < 1e-9 {
                r##" stroke="#333" stroke-dasharray="4,3""##
            } else {
                r##" stroke="#ddd""##
            };
            let _ = writeln!(
                svg,
                r#"<line x1="{tx:.1}" y1="{top}" x2="{tx:.1}" y2="{bottom}"{dash}/>"#
            );
            let _ = writeln!(
                svg,
                r##"<text x="{tx:.1}" y="{}" text-anchor="middle" fill="#666">{tick:.2}</text>"##,
                bottom + 12.0
            );
            tick += 0.25;
        }
        for (setup, ratio, failed) in rows {
            let cy = y + ROW / 2.0;
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                LABEL - 6.0,
                cy + 4.0,
                escape(setup.id)
            );
            match ratio {
                Some(r) => {
                    let _ = writeln!(
                        svg,
                        r#"<rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"/>"#,
                        y + 3.0,
                        (x(r.median) - LABEL).max(0.5),
                        ROW - 6.0,
                        tool_color(setup)
                    );
                    let _ = writeln!(
                        svg,
                        r#"<line x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="black"/>"#,
                        x(r.min),
                        x(r.max)
                    );
                    let _ = writeln!(
                        svg,
                        r#"<text x="{:.1}" y="{:.1}">{:.2}</text>"#,
                        x(r.max) + 5.0,
                        cy + 4.0,
                        r.median
                    );
                }
                None => {
                    let why = failed.as_deref().unwrap_or("no data");
                    let short: String = why.chars().take(60).collect();
                    let _ = writeln!(
                        svg,
                        r##"<text x="{}" y="{:.1}" fill="#a00">n/a ({})</text>"##,
                        LABEL + 4.0,
                        cy + 4.0,
                        escape(&short)
                    );
                }
            }
            y += ROW;
        }
        y += 24.0;
    }
    svg.push_str("</svg>\n");
    svg
}

/// One row of the targets table: what, the numbers, met or not.
struct Verdict {
    target: &'static str,
    measured: String,
    met: Option<bool>,
}

fn ratio_of(results: &Results, workload: Workload, id: &str, index: usize) -> Option<Spread> {
    let runs = results.runs(workload)?;
    summarize(runs, id, index, &workload.metrics()[index])?.ratio
}

/// Each (workload, metric index, label) a ratio target applies to.
const SERVER_METRICS: [(Workload, usize, &str); 3] = [
    (Workload::Redis, 0, "Redis"),
    (Workload::Pgbench, 0, "pgbench -S"),
    (Workload::Pgbench, 1, "tpcb-like"),
];

fn at_least(
    results: &Results,
    target: &'static str,
    id: &str,
    metrics: &[(Workload, usize, &str)],
    min: f64,
) -> Verdict {
    let mut parts = Vec::new();
    let mut met = Some(true);
    for &(workload, index, label) in metrics {
        match ratio_of(results, workload, id, index) {
            Some(r) => {
                parts.push(format!("{label} {:.2}", r.median));
                if r.median < min {
                    met = Some(false);
                }
            }
            None => {
                parts.push(format!("{label} n/a"));
                met = met.and(None);
            }
        }
    }
    Verdict {
        target,
        measured: parts.join(", "),
        met,
    }
}

fn loop_delta(results: &Results, id: &str) -> Option<f64> {
    let runs = results.runs(Workload::Loop)?;
    Some(
        summarize(runs, id, 0, &Workload::Loop.metrics()[0])?
            .delta?
            .median,
    )
}

fn verdicts(results: &Results) -> Vec<Verdict> {
    let mut out = Vec::new();
    let fmt_delta = |d: Option<f64>| d.map_or("n/a".to_owned(), |d| format!("{d:+.0} ns"));
    let raw = loop_delta(results, "tracer-network");
    out.push(Verdict {
        target: "Calls filtered out in the kernel: at most +160 ns per syscall on the loop",
        measured: format!(
            "raw tracepoints (default) {}; per-syscall tracepoints {}; bare bpftrace enter+exit {}",
            fmt_delta(raw),
            fmt_delta(loop_delta(results, "tracer-network-syscall")),
            fmt_delta(loop_delta(results, "bpftrace-empty")),
        ),
        met: raw.map(|d| d <= 160.0),
    });
    out.push(at_least(
        results,
        "Redis and pgbench with `tracer -c`: at least 0.9 of untraced",
        "tracer-c",
        &SERVER_METRICS,
        0.9,
    ));
    // Counting at the floor, beside the floor itself: empty programs on every syscall
    // (the raw tracepoints' cost to every call, whatever the programs do).
    let mut counting = at_least(
        results,
        "`tracer -c` at least 0.95 of untraced on Redis and pgbench -S; on the loop within +60 ns per call of empty enter+exit programs in the same run",
        "tracer-c",
        &SERVER_METRICS[..2],
        0.95,
    );
    // The floors: our raw tracepoint programs with nothing of the workload traced, and
    // bpftrace's empty (perf-event tracepoint) programs.
    let ours = at_least(results, "", "beside-full", &SERVER_METRICS[..2], 0.0);
    let floor = at_least(results, "", "bpftrace-empty", &SERVER_METRICS[..2], 0.0);
    let (counted, empty) = (
        loop_delta(results, "tracer-c"),
        loop_delta(results, "bpftrace-empty"),
    );
    let over = counted.zip(empty).map(|(c, e)| c - e);
    counting.measured = format!(
        "{}; beside-full (nothing of it traced): {}; empty bpftrace programs: {}; loop {} against {} ({} over them)",
        counting.measured,
        ours.measured,
        floor.measured,
        fmt_delta(counted),
        fmt_delta(empty),
        fmt_delta(over),
    );
    counting.met = counting
        .met
        .zip(over)
        .map(|(met, over)| met && over <= 60.0);
    out.push(counting);
    let mut few = at_least(
        results,
        "Redis and pgbench with a filter that matches few calls: at least 0.9 (`-e trace=%file` on both; `%network` on Redis, where it matches only accepts)",
        "tracer-file",
        &SERVER_METRICS,
        0.9,
    );
    let network = at_least(results, "", "tracer-network", &SERVER_METRICS[..1], 0.9);
    few.measured = format!("%file: {}; %network: {}", few.measured, network.measured);
    few.met = match (few.met, network.met) {
        (Some(a), Some(b)) => Some(a && b),
        _ => None,
    };
    out.push(few);
    out.push(at_least(
        results,
        "Redis, every call streamed to a file (`-f -T -o`): at least 0.7 of untraced",
        "tracer-full",
        &SERVER_METRICS[..1],
        0.7,
    ));
    let vs_strace = results.runs(Workload::Redis).and_then(|runs| {
        per_round_ratio(
            runs,
            "tracer-full",
            "strace-full",
            0,
            &Workload::Redis.metrics()[0],
        )
    });
    out.push(Verdict {
        target: "Redis full trace: at least 8x the throughput of `strace -f` in the same run",
        measured: vs_strace.map_or("n/a".to_owned(), |r| {
            format!("{:.1}x ({:.1}–{:.1})", r.median, r.min, r.max)
        }),
        met: vs_strace.map(|r| r.median >= 8.0),
    });
    out.push(at_least(
        results,
        "pgbench tpcb-like, full trace: at least 0.95",
        "tracer-full",
        &SERVER_METRICS[2..],
        0.95,
    ));
    out.push(at_least(
        results,
        "pgbench -S, full trace: at least 0.5",
        "tracer-full",
        &SERVER_METRICS[1..2],
        0.5,
    ));
    let mut beside = at_least(
        results,
        "Untraced processes beside a narrow-set trace: indistinguishable from untraced (read as: median ratio at least 0.97)",
        "beside-narrow",
        &[
            SERVER_METRICS[0],
            SERVER_METRICS[1],
            SERVER_METRICS[2],
            (Workload::Loop, 0, "loop"),
        ],
        0.97,
    );
    if let Some(d) = loop_delta(results, "beside-narrow") {
        beside
            .measured
            .push_str(&format!(" (loop {d:+.0} ns/call)"));
    }
    out.push(beside);
    // ptrace backend against strace with the same options, per round.
    let mut parts = Vec::new();
    let mut met = Some(true);
    for (pairs, need, what) in [
        (("ptrace-full", "strace-full"), 0.97, "full"),
        (("ptrace-network", "strace-seccomp"), 0.9, "seccomp"),
    ] {
        for (workload, index, label) in [
            SERVER_METRICS[0],
            SERVER_METRICS[1],
            SERVER_METRICS[2],
            (Workload::Loop, 0, "loop"),
        ] {
            let metric = &workload.metrics()[index];
            match results
                .runs(workload)
                .and_then(|runs| per_round_ratio(runs, pairs.0, pairs.1, index, metric))
            {
                Some(r) => {
                    parts.push(format!("{what} {label} {:.2}x", r.median));
                    if r.median < need {
                        met = Some(false);
                    }
                }
                None => {
                    parts.push(format!("{what} {label} n/a"));
                    met = met.and(None);
                }
            }
        }
    }
    out.push(Verdict {
        target: "ptrace backend: never slower than strace on the same options (read as: at least 0.97x, the noise); with the seccomp filter, within 10% of `strace --seccomp-bpf`",
        measured: parts.join(", "),
        met,
    });
    let redis_full: Vec<&Sample> = results
        .runs(Workload::Redis)
        .and_then(|r| r.get("tracer-full"))
        .map(|v| v.iter().filter_map(|s| s.as_ref().ok()).collect())
        .unwrap_or_default();
    let lost: u64 = redis_full.iter().filter_map(|s| s.lost).sum();
    let rate = Spread::of(
        redis_full
            .iter()
            .map(|s| s.lines as f64 / s.seconds)
            .collect(),
    );
    out.push(Verdict {
        target: "No lost events at the Redis full-trace rate with default buffer sizes",
        measured: match rate {
            Some(r) => format!(
                "{lost} lost over {} runs at {:.0} lines/s",
                redis_full.len(),
                r.median
            ),
            None => "n/a".to_owned(),
        },
        met: rate.map(|_| lost == 0),
    });
    if let Some(Ok(steps)) = &results.loss {
        let first_loss = steps.iter().find(|s| s.lost > 0);
        let flat = steps
            .iter()
            .find(|s| s.requested.is_none() && s.threads == 1);
        let every_cpu = steps
            .iter()
            .find(|s| s.requested.is_none() && s.threads > 1)
            .map(|s| {
                format!(
                    "; {} threads flat out: {:.0} calls/s, {} of {} records lost",
                    s.threads,
                    s.achieved,
                    s.lost,
                    s.lost + s.emitted
                )
            })
            .unwrap_or_default();
        let slowdown = match (flat, results.loss_baseline) {
            (Some(f), Some(base)) => format!(
                "; flat out the traced loop ran {:.0} calls/s against {:.0} untraced ({:+.0} ns per call)",
                f.achieved,
                base,
                1e9 / f.achieved - 1e9 / base
            ),
            _ => String::new(),
        };
        out.push(Verdict {
            target: "Past what userspace can format, losses are counted and reported, and the traced process is not slowed to wait",
            measured: match first_loss {
                Some(s) => format!(
                    "first loss at {:.0} calls/s x{} ({} of {} records lost, counted){slowdown}{every_cpu}",
                    s.achieved,
                    s.threads,
                    s.lost,
                    s.lost + s.emitted
                ),
                None => format!("no loss at any rate reached{slowdown}{every_cpu}"),
            },
            met: None,
        });
    }
    out
}

fn sizes_text(s: &Sizes) -> String {
    format!(
        "redis-benchmark `-n {}` per test (`-n {}` for the configurations marked slow), \
         pgbench `-T {}` per mode on scale {}, syscall loop {} iterations per call \
         (capped at {} s), lost-events sweep {} s per step",
        s.redis,
        s.redis_requests(true),
        s.pgbench_seconds,
        s.pg_scale,
        s.loop_iterations,
        s.loop_max_seconds,
        s.loss_seconds
    )
}

pub fn write(results: &Results, out: &Path, pg_bin: &Path) -> Result<()> {
    let dir = out.parent().context("report path has a directory")?;
    fs::create_dir_all(dir)?;
    let svg_name = out
        .file_stem()
        .map(|s| format!("{}.svg", s.to_string_lossy()))
        .unwrap_or_else(|| "benchmarks.svg".to_owned());
    fs::write(dir.join(&svg_name), chart(results))?;

    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Overhead of tracing a real database, side by side with strace and perf trace. \
         Written by `cargo xtask bench` (source: `xtask/src/bench.rs`); run it again to \
         reproduce. Every configuration runs once per round, in the order of the tables, \
         rounds repeat; each number is the median over rounds with the min–max, and each \
         ratio is taken against the untraced run of the same round (throughput ratio: 1.00 \
         is no slowdown). Servers run on 127.0.0.1 in a scratch directory; tools attach \
         with `-p PID` (following forks: new postgres backends) unless marked launched.\n"
    );
    let _ = writeln!(md, "![throughput relative to untraced]({svg_name})\n");
    let _ = writeln!(md, "## Machine and run\n");
    let _ = writeln!(md, "| | |\n|---|---|");
    for (k, v) in machine(pg_bin) {
        let _ = writeln!(md, "| {k} | {} |", v.replace('|', "/"));
    }
    let _ = writeln!(md, "| command | `{}` |", results.command_line);
    let _ = writeln!(md, "| rounds | {} |", results.rounds);
    let _ = writeln!(md, "| sizes | {} |", sizes_text(&results.sizes));
    let _ = writeln!(
        md,
        "| duration | {:.1} min (set-up and build included) |\n",
        results.started.elapsed().as_secs_f64() / 60.0
    );
    let _ = writeln!(
        md,
        "The machine is shared: other work running at the same time moves the absolute \
         numbers; the ratios within a round are what to compare.\n"
    );

    let _ = writeln!(md, "## Targets\n");
    let _ = writeln!(md, "| target | measured | |\n|---|---|---|");
    for v in verdicts(results) {
        let mark = match v.met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None => "-",
        };
        let _ = writeln!(md, "| {} | {} | {mark} |", v.target, v.measured);
    }
    md.push('\n');

    let _ = writeln!(md, "## Configurations\n");
    let _ = writeln!(md, "| id | command | what |\n|---|---|---|");
    for s in &results.setups {
        let slow = if s.slow {
            " (slow: short Redis run)"
        } else {
            ""
        };
        let _ = writeln!(
            md,
            "| {} | `{}` | {}{slow} |",
            s.id,
            s.command_line().replace('|', "\\|"),
            s.describe()
        );
    }
    md.push('\n');

    for (workload, runs) in &results.workloads {
        for (index, metric) in workload.metrics().iter().enumerate() {
            let cost = !metric.higher_is_better;
            let _ = writeln!(md, "## {} ({})\n", metric.name, metric.unit);
            let _ = writeln!(
                md,
                "| configuration | median | min–max | throughput vs untraced{} |",
                if cost { " | added per call" } else { "" }
            );
            let _ = writeln!(md, "|---|---|---|---{}|", if cost { "|---" } else { "" });
            for setup in results.setups.iter().filter(|s| s.runs_on(*workload)) {
                match summarize(runs, setup.id, index, metric) {
                    Some(s) => {
                        let ratio = s.ratio.map_or("n/a".to_owned(), |r| ratio_text(&r));
                        let delta = match (cost, s.delta) {
                            (true, Some(d)) if setup.tool.is_some() => {
                                format!(" | {:+.0} ns ({:+.0}–{:+.0})", d.median, d.min, d.max)
                            }
                            (true, _) => " | ".to_owned(),
                            _ => String::new(),
                        };
                        let _ = writeln!(
                            md,
                            "| {} | {} | {}–{} | {ratio}{delta} |",
                            setup.id,
                            number(s.value.median),
                            number(s.value.min),
                            number(s.value.max)
                        );
                    }
                    None => {
                        let why = failure(runs, setup.id).unwrap_or_else(|| "no data".to_owned());
                        let _ = writeln!(
                            md,
                            "| {} | n/a ({}) | | {} |",
                            setup.id,
                            why.replace('|', "/").replace('\n', " "),
                            if cost { " |" } else { "" }
                        );
                    }
                }
            }
            md.push('\n');
        }
        // What each tool cost while the workload ran.
        let _ = writeln!(md, "### Tool cost during {} (medians)\n", workload.name());
        let _ = writeln!(
            md,
            "| configuration | tool CPU (s) | tool CPU / wall | collector CPU (s) | peak RSS (MiB) | lines written | lines/s | lost events |"
        );
        let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
        for setup in results
            .setups
            .iter()
            .filter(|s| s.tool.is_some() && s.runs_on(*workload))
        {
            let samples: Vec<&Sample> = runs
                .get(setup.id)
                .map(|v| v.iter().filter_map(|r| r.as_ref().ok()).collect())
                .unwrap_or_default();
            if samples.is_empty() {
                continue;
            }
            let med = |f: &dyn Fn(&Sample) -> Option<f64>| {
                Spread::of(samples.iter().filter_map(|s| f(s)).collect()).map(|s| s.median)
            };
            let cpu = med(&|s| s.usage.map(|u| u.cpu_seconds));
            let share = med(&|s| s.usage.map(|u| u.cpu_seconds / u.wall_seconds.max(1e-9)));
            let collector = med(&|s| s.collector_cpu);
            let rss = med(&|s| s.usage.map(|u| u.peak_rss_kib as f64 / 1024.0));
            let lines = med(&|s| Some(s.lines as f64));
            let rate = med(&|s| Some(s.lines as f64 / s.seconds.max(1e-9)));
            let lost = samples
                .iter()
                .map(|s| s.lost)
                .try_fold(0, |acc, l| l.map(|l| acc + l));
            let show = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("-".to_owned(), f);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                setup.id,
                show(cpu, &|v| format!("{v:.2}")),
                show(share, &|v| format!("{:.0}%", v * 100.0)),
                show(collector, &|v| format!("{v:.2}")),
                show(rss, &|v| format!("{v:.1}")),
                show(lines, &|v| format!("{v:.0}")),
                show(rate, &|v| format!("{v:.0}")),
                lost.map_or("-".to_owned(), |l| l.to_string()),
            );
        }
        md.push('\n');
    }

    if let Some(loss) = &results.loss {
        let _ = writeln!(md, "## Event rate without loss\n");
        let _ = writeln!(
            md,
            "`tracer -f -T -o FILE --stats -- syscall_loop --rate R`: the loop alternates \
             getppid and a 1-byte write at R calls/s (each call one event); rates double \
             until the kernel counts a lost record or the loop cannot go faster, then it \
             runs flat out. Counts are the kernel's (`--stats`).{}\n",
            results
                .loss_baseline
                .map(|b| format!(" Untraced, the loop runs {b:.0} calls/s flat out."))
                .unwrap_or_default()
        );
        match loss {
            Ok(steps) => {
                let _ = writeln!(
                    md,
                    "| asked (calls/s) | threads | done (calls/s) | records emitted | lost |"
                );
                let _ = writeln!(md, "|---|---|---|---|---|");
                for s in steps {
                    let _ = writeln!(
                        md,
                        "| {} | {} | {:.0} | {} | {} |",
                        s.requested
                            .map_or("flat out".to_owned(), |r| format!("{r:.0}")),
                        s.threads,
                        s.achieved,
                        s.emitted,
                        s.lost
                    );
                }
                let sustained = steps
                    .iter()
                    .filter(|s| s.lost == 0)
                    .map(|s| s.achieved)
                    .fold(0.0, f64::max);
                let _ = writeln!(
                    md,
                    "\nSustained without loss: {sustained:.0} events/s{}.\n",
                    steps
                        .iter()
                        .find(|s| s.lost > 0)
                        .map(|s| format!(
                            "; first loss at {:.0} events/s ({} threads)",
                            s.achieved, s.threads
                        ))
                        .unwrap_or_else(|| "; no loss at any rate reached".to_owned())
                );
            }
            Err(e) => {
                let _ = writeln!(md, "n/a ({e})\n");
            }
        }
    }
    match &results.producers {
        Some(Ok(table)) => md.push_str(&super::producers::section(table)),
        Some(Err(e)) => {
            let _ = writeln!(md, "{}\n\nn/a ({e})\n", super::producers::HEADING);
        }
        None => {}
    }
    md.push_str(&super::startup::section(
        &results.startup,
        &results.verified,
    ));
    // Written elsewhere, kept as the last writer left them: the kernel matrix's by
    // `cargo xtask vm-test`, the suite's figures from `cargo xtask strace-suite`'s report.
    let earlier = fs::read_to_string(out).unwrap_or_default();
    for heading in [crate::vm::bystander::HEADING, SUITE_HEADING] {
        if let Some(kept) = super::startup::section_of(&earlier, heading) {
            md.push_str(kept);
        }
    }
    let _ = writeln!(md, "## Notes\n");
    let _ = writeln!(
        md,
        "- PostgreSQL runs with `synchronous_commit=off`: commits do not wait for the WAL \
         fsync, whose latency on a shared VM disk varies more than any tracer's cost.\n\
         - `strace-network` and `strace-c` still stop the server at every syscall (ptrace \
         without a seccomp filter); `strace-seccomp` and `ptrace-network` are launched with \
         the server so the filter applies from its first call.\n\
         - `beside-*` run the workload untraced while `tracer` traces an idle `sleep`: \
         `beside-narrow` uses per-syscall tracepoints (nothing of ours runs for other \
         processes' other calls), `beside-full` the raw_syscalls tracepoints (one hash \
         lookup per call of every process). `bpftrace-empty` is the reference cost of \
         empty enter+exit programs on every syscall.\n\
         - Tool CPU is the tracing process's own CPU time (from /proc) while the client \
         ran; the kernel-side cost of eBPF programs is paid by the traced processes and \
         shows in their throughput instead. Collector CPU is the local OTLP collector's \
         (rotel-agent, blackhole exporter) over the same time, for the exporting \
         configurations: on the same cores, it too is taken from the workload.\n\
         - A configuration that could not run shows `n/a` with the reason."
    );
    fs::write(out, md).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}
