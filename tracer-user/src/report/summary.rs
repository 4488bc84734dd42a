//! `-c`: per-syscall totals and strace's summary table, plus latency histograms.
//!
//! The eBPF backend counts in the kernel (per CPU, merged by the backend) and hands the
//! totals on as events; with ptrace the calls are counted here. Either way the table is
//! rendered here.

use std::{
    fmt::Write as _,
    io::{self, Write},
    time::{Duration, Instant},
};

use anyhow::{Result, bail};
use tracer_common::SyscallTotals;

use crate::{
    event::{Context, Event, Sink, Totals},
    syscalls,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    TimePercent,
    TotalTime,
    AvgTime,
    Calls,
    Errors,
    Name,
    MinTime,
    MaxTime,
}

impl Column {
    fn parse(name: &str) -> Result<Self> {
        Ok(match name {
            "time-percent" | "time" | "%time" => Self::TimePercent,
            "total-time" | "seconds" | "total_time" => Self::TotalTime,
            "avg-time" | "usecs/call" | "avg_time" => Self::AvgTime,
            "calls" | "count" => Self::Calls,
            "errors" | "error" => Self::Errors,
            "name" | "syscall" | "syscall-name" => Self::Name,
            "min-time" | "shortest" | "min" => Self::MinTime,
            "max-time" | "longest" | "max" => Self::MaxTime,
            other => bail!("invalid summary column '{other}'"),
        })
    }

    /// Header and width, as strace prints them.
    fn header(self) -> (&'static str, usize) {
        match self {
            Self::TimePercent => ("% time", 6),
            Self::TotalTime => ("seconds", 11),
            Self::AvgTime => ("usecs/call", 11),
            Self::Calls => ("calls", 9),
            Self::Errors => ("errors", 9),
            Self::Name => ("syscall", 16),
            Self::MinTime => ("shortest", 8),
            Self::MaxTime => ("longest", 8),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortBy {
    Time,
    Calls,
    Errors,
    Name,
    Nothing,
}

/// How to render the table: `-S` and `-U`.
#[derive(Clone, Debug)]
pub struct TableOptions {
    columns: Vec<Column>,
    sort: SortBy,
}

impl TableOptions {
    pub fn parse(sort_by: &str, columns: Option<&str>) -> Result<Self> {
        let sort = match sort_by {
            "time" | "time-total" | "total-time" => SortBy::Time,
            "calls" | "count" => SortBy::Calls,
            "errors" | "error" => SortBy::Errors,
            "name" | "syscall" | "syscall-name" => SortBy::Name,
            "nothing" | "none" => SortBy::Nothing,
            other => bail!("invalid sortby: '{other}'"),
        };
        let columns = match columns {
            Some(list) => list
                .split(',')
                .map(Column::parse)
                .collect::<Result<Vec<_>>>()?,
            None => vec![
                Column::TimePercent,
                Column::TotalTime,
                Column::AvgTime,
                Column::Calls,
                Column::Errors,
                Column::Name,
            ],
        };
        Ok(Self { columns, sort })
    }
}

fn seconds(ns: u64) -> String {
    format!("{}.{:06}", ns / 1_000_000_000, ns % 1_000_000_000 / 1000)
}

/// strace's `-c` table.
pub fn render_table(totals: &Totals, opts: &TableOptions) -> String {
    let mut rows: Vec<(&str, SyscallTotals)> = totals
        .by_nr
        .iter()
        .map(|(&nr, t)| {
            let name = syscalls::name(nr).unwrap_or("?");
            (name, *t)
        })
        .collect();
    match opts.sort {
        SortBy::Time => rows.sort_by_key(|r| std::cmp::Reverse(r.1.total_ns)),
        SortBy::Calls => rows.sort_by_key(|r| std::cmp::Reverse(r.1.calls)),
        SortBy::Errors => rows.sort_by_key(|r| std::cmp::Reverse(r.1.errors)),
        SortBy::Name => rows.sort_by(|a, b| a.0.cmp(b.0)),
        SortBy::Nothing => {}
    }
    let grand = rows.iter().fold(SyscallTotals::default(), |mut g, (_, t)| {
        g.calls += t.calls;
        g.errors += t.errors;
        g.total_ns += t.total_ns;
        g.max_ns = g.max_ns.max(t.max_ns);
        g
    });
    let mut out = String::new();
    let line = |out: &mut String, cells: Vec<String>| {
        let mut first = true;
        for (col, cell) in opts.columns.iter().zip(cells) {
            if !first {
                out.push(' ');
            }
            first = false;
            let (_, width) = col.header();
            if *col == Column::Name {
                let _ = write!(out, "{cell:<width$}");
            } else {
                let _ = write!(out, "{cell:>width$}");
            }
        }
        // strace leaves no trailing blanks after a final name column.
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    };
    line(
        &mut out,
        opts.columns
            .iter()
            .map(|c| c.header().0.to_owned())
            .collect(),
    );
    let dashes: Vec<String> = opts
        .columns
        .iter()
        .map(|c| "-".repeat(c.header().1))
        .collect();
    line(&mut out, dashes.clone());
    let cells = |name: &str, t: &SyscallTotals, min_ns: Option<u64>| -> Vec<String> {
        opts.columns
            .iter()
            .map(|col| match col {
                Column::TimePercent => {
                    let pct = if grand.total_ns == 0 {
                        0.0
                    } else {
                        100.0 * t.total_ns as f64 / grand.total_ns as f64
                    };
                    format!("{pct:.2}")
                }
                Column::TotalTime => seconds(t.total_ns),
                Column::AvgTime => (t.total_ns / 1000 / t.calls.max(1)).to_string(),
                Column::Calls => t.calls.to_string(),
                Column::Errors if t.errors == 0 => String::new(),
                Column::Errors => t.errors.to_string(),
                Column::Name => name.to_owned(),
                Column::MinTime => seconds(min_ns.unwrap_or(0)),
                Column::MaxTime => seconds(t.max_ns),
            })
            .collect()
    };
    for (name, t) in &rows {
        line(&mut out, cells(name, t, Some(min_from_hist(t))));
    }
    line(&mut out, dashes);
    line(&mut out, cells("total", &grand, None));
    out
}

/// The lower edge of the lowest non-empty histogram bucket: the kernel keeps no exact
/// minimum, so the shortest call is known to within a factor of two.
fn min_from_hist(t: &SyscallTotals) -> u64 {
    t.hist
        .iter()
        .position(|&n| n > 0)
        .map_or(0, |b| if b == 0 { 0 } else { 1 << (b - 1) })
}

/// Latency histograms of the `top` syscalls by total time, drawn like bpftrace's `hist()`.
pub fn render_histograms(totals: &Totals, top: usize) -> String {
    const BAR: u64 = 52;
    let mut rows: Vec<(u32, &SyscallTotals)> =
        totals.by_nr.iter().map(|(&nr, t)| (nr, t)).collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.total_ns));
    let mut out = String::new();
    for (nr, t) in rows.into_iter().take(top) {
        let name = syscalls::name(nr).unwrap_or("?");
        let _ = writeln!(out, "\n{name} latency ({} calls):", t.calls);
        let Some(first) = t.hist.iter().position(|&n| n > 0) else {
            continue;
        };
        let last = t.hist.iter().rposition(|&n| n > 0).unwrap_or(first);
        let peak = t.hist.iter().copied().max().unwrap_or(1).max(1);
        for bucket in first..=last {
            let (lo, hi) = if bucket == 0 {
                (0, 1)
            } else {
                (1u64 << (bucket - 1), 1u64 << bucket)
            };
            let n = t.hist[bucket];
            let bar = "@".repeat((n * BAR / peak) as usize);
            let range = format!("[{}, {})", human_ns(lo), human_ns(hi));
            let _ = writeln!(
                out,
                "{range:<20}{n:>8} |{bar:<width$}|",
                width = BAR as usize
            );
        }
    }
    out
}

fn human_ns(ns: u64) -> String {
    match ns {
        n if n >= 1_000_000_000 && n % 1_000_000_000 == 0 => format!("{}s", n / 1_000_000_000),
        n if n >= 1_000_000_000 => format!("{:.1}s", n as f64 / 1e9),
        n if n >= 1_000_000 => format!("{}ms", n / 1_000_000),
        n if n >= 1_000 => format!("{}us", n / 1_000),
        n => format!("{n}ns"),
    }
}

/// Where the totals come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// The backend counts in the kernel and sends `Event::Totals`.
    InKernel,
    /// Counted here from the completed calls.
    FromEvents,
}

/// The `-c` sink: the totals (the kernel's, or counted from events) written as strace's
/// table at the end, and every `--interval` as the calls of that period.
pub struct Summary {
    counted: Counted,
    totals: Totals,
    last_interval: Totals,
    /// `--interval` when counting here (the kernel's totals arrive with their own).
    interval: Option<(Duration, Instant)>,
    table: TableOptions,
    histogram: bool,
    out: Box<dyn Write>,
}

impl Summary {
    pub fn new(
        table: TableOptions,
        histogram: bool,
        counted: Counted,
        interval: Option<Duration>,
        out: Box<dyn Write>,
    ) -> Self {
        Self {
            counted,
            totals: Totals::default(),
            last_interval: Totals::default(),
            interval: interval
                .filter(|_| counted == Counted::FromEvents)
                .map(|every| (every, Instant::now())),
            table,
            histogram,
            out,
        }
    }

    fn write(&mut self, totals: &Totals) -> io::Result<()> {
        let mut text = render_table(totals, &self.table);
        if self.histogram {
            text.push_str(&render_histograms(totals, 5));
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// The calls of the period that just ended.
    fn interval_end(&mut self) -> io::Result<()> {
        let delta = self.totals.since(&self.last_interval);
        self.last_interval = self.totals.clone();
        self.write(&delta)
    }

    /// Writes the final table.
    pub fn finish(mut self) -> io::Result<()> {
        let totals = std::mem::take(&mut self.totals);
        self.write(&totals)
    }
}

impl Sink for Summary {
    fn event(&mut self, event: &Event, _ctx: &Context) -> io::Result<()> {
        match event {
            // As strace, calls that never returned (`exit_group`) are not counted.
            Event::Completed(call) if self.counted == Counted::FromEvents && call.ret.is_some() => {
                self.totals
                    .add_call(call.nr, call.duration_ns().unwrap_or(0), call.failed());
                Ok(())
            }
            Event::Totals {
                totals,
                interval_end,
            } if self.counted == Counted::InKernel => {
                self.totals = totals.clone();
                if *interval_end {
                    self.interval_end()?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some((every, last)) = &mut self.interval
            && last.elapsed() >= *every
        {
            *last = Instant::now();
            self.interval_end()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nr(name: &str) -> u32 {
        syscalls::by_name(name).unwrap().nr
    }

    #[test]
    fn table_has_straces_layout() {
        let mut t = Totals::default();
        for _ in 0..3 {
            t.add_call(nr("read"), 2_000, false);
        }
        t.add_call(nr("openat"), 10_000, true);
        let text = render_table(&t, &TableOptions::parse("time", None).unwrap());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "% time     seconds  usecs/call     calls    errors syscall"
        );
        assert_eq!(
            lines[1],
            "------ ----------- ----------- --------- --------- ----------------"
        );
        assert_eq!(
            lines[2],
            " 62.50    0.000010          10         1         1 openat"
        );
        assert_eq!(
            lines[3],
            " 37.50    0.000006           2         3           read"
        );
        assert_eq!(
            lines[5],
            "100.00    0.000016           4         4         1 total"
        );
    }

    #[test]
    fn columns_and_sorting_follow_the_options() {
        let mut t = Totals::default();
        t.add_call(nr("close"), 1_000, false);
        t.add_call(nr("close"), 1_000, false);
        t.add_call(nr("openat"), 5_000, false);
        let opts = TableOptions::parse("calls", Some("name,calls,max-time")).unwrap();
        let text = render_table(&t, &opts);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "syscall              calls  longest");
        assert!(lines[2].starts_with("close                    2"), "{text}");
        assert!(TableOptions::parse("bogus", None).is_err());
        assert!(TableOptions::parse("time", Some("name,bogus")).is_err());
    }

    #[test]
    fn kernel_totals_merge_across_cpus_and_intervals_subtract() {
        let calls = |t: &Totals, nr| t.by_nr.get(&nr).map_or(0, |t| t.calls);
        let cpu = |calls, ns| SyscallTotals {
            calls,
            total_ns: ns,
            max_ns: ns,
            ..Default::default()
        };
        let mut t = Totals::default();
        t.add_kernel(3, [cpu(2, 100), cpu(1, 300)]);
        assert_eq!(calls(&t, 3), 3);
        let earlier = t.clone();
        t.add_kernel(3, [cpu(4, 50)]);
        assert_eq!(calls(&t.since(&earlier), 3), 4);
        assert_eq!(t.since(&t).by_nr.len(), 0);
    }

    #[test]
    fn histograms_draw_buckets() {
        let mut t = Totals::default();
        t.add_call(nr("read"), 1500, false);
        t.add_call(nr("read"), 1600, false);
        t.add_call(nr("read"), 5000, false);
        let text = render_histograms(&t, 1);
        assert!(text.contains("read latency (3 calls):"), "{text}");
        assert!(text.contains("[1us, 2us)"), "{text}");
        assert!(text.contains("[4us, 8us)"), "{text}");
    }
}
