//! The storm by producing threads: `syscall_loop` flat out with 1, 2, 4 and 8 threads,
//! untraced and under `tracer -f -T -o FILE --stats` (and under a baseline tracer, to
//! compare two builds in the same window), in interleaved runs; medians. It shows what
//! the per-CPU ring buffers are for: producers on different CPUs do not share a lock.

use std::{fmt::Write as _, path::PathBuf};

use anyhow::Result;

use super::{Env, loop_rate};

pub const HEADING: &str = "## Storm by producing threads";

/// Producing threads.
pub const THREADS: [usize; 4] = [1, 2, 4, 8];

/// A tracer build measured: its label in the table and its binary.
#[derive(Clone, Debug)]
pub struct Build {
    pub label: String,
    pub tracer: PathBuf,
}

impl Build {
    /// `label`, with the commit the binary says it was built from (`tracer -V`).
    pub fn new(label: &str, tracer: PathBuf) -> Self {
        let commit = std::process::Command::new(&tracer)
            .arg("-V")
            .output()
            .ok()
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stdout).into_owned();
                let (_, rest) = text.split_once("(commit ")?;
                Some(rest.split_once(')')?.0.to_owned())
            });
        let label = match commit {
            Some(c) => format!("{label} ({c})"),
            None => label.to_owned(),
        };
        Self { label, tracer }
    }
}

/// One traced run: the loop's calls/s, and the kernel's records emitted and lost.
#[derive(Clone, Copy, Debug, Default)]
pub struct Run {
    pub rate: f64,
    pub emitted: u64,
    pub lost: u64,
}

/// All runs at one thread count.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub threads: usize,
    pub untraced: Vec<f64>,
    /// Per build, in the order given.
    pub traced: Vec<Vec<Run>>,
}

pub struct Table {
    pub builds: Vec<Build>,
    pub rows: Vec<Row>,
    pub runs: usize,
    pub seconds: f64,
}

/// `runs` rounds; each runs every thread count untraced and under each build, so slow
/// drifts of a shared machine touch every column alike.
pub fn measure(env: &Env, builds: &[Build], runs: usize) -> Result<Table> {
    let mut rows: Vec<Row> = THREADS
        .iter()
        .map(|&threads| Row {
            threads,
            untraced: Vec::new(),
            traced: vec![Vec::new(); builds.len()],
        })
        .collect();
    for round in 0..runs {
        for row in &mut rows {
            let (rate, _) = loop_rate(env, None, row.threads, None)?;
            row.untraced.push(rate);
            for (b, build) in builds.iter().enumerate() {
                let (rate, counts) = loop_rate(env, None, row.threads, Some(&build.tracer))?;
                let (emitted, lost) = counts.expect("traced");
                eprintln!(
                    "xtask bench: storm round {} x{} {}: {rate:.0} calls/s ({:.0} untraced), {emitted} emitted, {lost} lost",
                    round + 1,
                    row.threads,
                    build.label,
                    row.untraced.last().copied().unwrap_or_default(),
                );
                row.traced[b].push(Run {
                    rate,
                    emitted,
                    lost,
                });
            }
        }
    }
    Ok(Table {
        builds: builds.to_vec(),
        rows,
        runs,
        seconds: env.sizes.loss_seconds,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The share of records lost, in percent.
fn lost_percent(run: &Run) -> f64 {
    let all = run.emitted + run.lost;
    if all == 0 {
        0.0
    } else {
        100.0 * run.lost as f64 / all as f64
    }
}

/// The report's section.
pub fn section(table: &Table) -> String {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut md = String::new();
    let _ = writeln!(md, "{HEADING}\n");
    let _ = writeln!(
        md,
        "`syscall_loop --rate <flat out> --seconds {} --threads N` (getppid and a 1-byte \
         write to /dev/null, each call one record), untraced and under `tracer -f -T -o \
         FILE --stats`; medians of {} interleaved runs on this {cpus}-CPU machine (past {cpus} \
         threads the producers share CPUs, and the reader competes with them). `calls/s` is \
         what the loop achieved; `lost` is the kernel's count of records the ring buffers \
         could not take (shown in the trace, never silent), as a share of all records. \
         Reproduce with `cargo xtask bench --producers` (`--baseline PATH` adds another \
         build's columns, run in the same rounds).\n",
        table.seconds, table.runs
    );
    let mut head = "| threads | untraced calls/s |".to_owned();
    let mut rule = "|---|---|".to_owned();
    for b in &table.builds {
        let _ = write!(head, " {0} calls/s | {0} records/s | {0} lost |", b.label);
        rule.push_str("---|---|---|");
    }
    let _ = writeln!(md, "{head}\n{rule}");
    for row in &table.rows {
        let mut line = format!("| {} | {:.0} |", row.threads, median(row.untraced.clone()));
        for runs in &row.traced {
            let rate = median(runs.iter().map(|r| r.rate).collect());
            let records = median(
                runs.iter()
                    .map(|r| r.emitted as f64 / table.seconds)
                    .collect(),
            );
            let lost = median(runs.iter().map(|r| r.lost as f64).collect());
            let share = median(runs.iter().map(lost_percent).collect());
            let _ = write!(
                line,
                " {rate:.0} | {records:.0} | {lost:.0} ({share:.1}%) |"
            );
        }
        let _ = writeln!(md, "{line}");
    }
    md.push('\n');
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_has_a_column_group_per_build_and_medians() {
        let run = |rate, emitted, lost| Run {
            rate,
            emitted,
            lost,
        };
        let table = Table {
            builds: vec![
                Build {
                    label: "before".into(),
                    tracer: "/a".into(),
                },
                Build {
                    label: "after".into(),
                    tracer: "/b".into(),
                },
            ],
            rows: vec![Row {
                threads: 2,
                untraced: vec![10.0, 30.0, 20.0],
                traced: vec![
                    vec![run(1.0, 8, 2), run(3.0, 8, 2), run(2.0, 8, 2)],
                    vec![run(5.0, 10, 0), run(4.0, 10, 0), run(6.0, 10, 0)],
                ],
            }],
            runs: 3,
            seconds: 2.0,
        };
        let md = section(&table);
        assert!(md.starts_with(HEADING), "{md}");
        assert!(
            md.contains("| threads | untraced calls/s | before calls/s |"),
            "{md}"
        );
        assert!(
            md.contains("| 2 | 20 | 2 | 4 | 2 (20.0%) | 5 | 5 | 0 (0.0%) |"),
            "{md}"
        );
    }
}
