//! `-c`/`-C`: per-syscall totals written as strace's table, or as one JSON record, at the
//! end; as extras, wall-clock latency histograms (`--histogram`) and a table per period
//! (`--interval`), each labelled with its period.
//!
//! The time columns hold system CPU time (the time the task spent on a CPU between the
//! call's entry and exit), as strace's do, or wall-clock time with `-w`. The eBPF backend
//! counts in the kernel (per CPU, merged by the backend) and hands the totals on as
//! events; with ptrace the calls are counted here. Either way the table is rendered
//! here, with strace 6's layout: its column names, widths and sort keys.

use std::{
    fmt::Write as _,
    io::{self, Write},
    time::{Duration, Instant},
};

use anyhow::{Result, bail};
use serde::Serialize;
use tracer_common::SyscallTotals;

use crate::{
    event::{Context, Event, Sink, Totals},
    format::json,
    output::time::{Clock, broken_down},
    syscalls,
};

/// strace's summary columns (`-U`), and the keys `-S` sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    TimePercent,
    TotalTime,
    MinTime,
    MaxTime,
    AvgTime,
    Calls,
    Errors,
    Name,
    /// strace 7's wall-clock columns (with `-w`, the same as the time columns).
    WallTotal,
    WallMin,
    WallMax,
    WallAvg,
}

/// strace's names for the columns (`count.c`'s `column_aliases`); `None` is `nothing`.
const ALIASES: &[(&str, Option<Column>)] = &[
    ("time", Some(Column::TimePercent)),
    ("time_percent", Some(Column::TimePercent)),
    ("time-percent", Some(Column::TimePercent)),
    ("time_total", Some(Column::TotalTime)),
    ("time-total", Some(Column::TotalTime)),
    ("total_time", Some(Column::TotalTime)),
    ("total-time", Some(Column::TotalTime)),
    ("min_time", Some(Column::MinTime)),
    ("min-time", Some(Column::MinTime)),
    ("shortest", Some(Column::MinTime)),
    ("time_min", Some(Column::MinTime)),
    ("time-min", Some(Column::MinTime)),
    ("longest", Some(Column::MaxTime)),
    ("max_time", Some(Column::MaxTime)),
    ("max-time", Some(Column::MaxTime)),
    ("time_max", Some(Column::MaxTime)),
    ("time-max", Some(Column::MaxTime)),
    ("avg_time", Some(Column::AvgTime)),
    ("avg-time", Some(Column::AvgTime)),
    ("time_avg", Some(Column::AvgTime)),
    ("time-avg", Some(Column::AvgTime)),
    ("calls", Some(Column::Calls)),
    ("count", Some(Column::Calls)),
    ("error", Some(Column::Errors)),
    ("errors", Some(Column::Errors)),
    ("name", Some(Column::Name)),
    ("syscall", Some(Column::Name)),
    ("syscall_name", Some(Column::Name)),
    ("syscall-name", Some(Column::Name)),
    ("wall_total", Some(Column::WallTotal)),
    ("wall-total", Some(Column::WallTotal)),
    ("total_wall", Some(Column::WallTotal)),
    ("total-wall", Some(Column::WallTotal)),
    ("wall_min", Some(Column::WallMin)),
    ("wall-min", Some(Column::WallMin)),
    ("min_wall", Some(Column::WallMin)),
    ("min-wall", Some(Column::WallMin)),
    ("wall_max", Some(Column::WallMax)),
    ("wall-max", Some(Column::WallMax)),
    ("max_wall", Some(Column::WallMax)),
    ("max-wall", Some(Column::WallMax)),
    ("wall_avg", Some(Column::WallAvg)),
    ("wall-avg", Some(Column::WallAvg)),
    ("avg_wall", Some(Column::WallAvg)),
    ("avg-wall", Some(Column::WallAvg)),
    ("none", None),
    ("nothing", None),
];

impl Column {
    /// Header and least width, as strace prints them.
    fn header(self) -> (&'static str, usize) {
        match self {
            Self::TimePercent => ("% time", 6),
            Self::TotalTime => ("seconds", 11),
            Self::MinTime => ("shortest", 8),
            Self::MaxTime => ("longest", 7),
            Self::AvgTime => ("usecs/call", 11),
            Self::Calls => ("calls", 9),
            Self::Errors => ("errors", 9),
            Self::Name => ("syscall", 16),
            Self::WallTotal => ("wall-total", 11),
            Self::WallMin => ("wall-min", 8),
            Self::WallMax => ("wall-max", 8),
            Self::WallAvg => ("wall-avg", 11),
        }
    }
}

fn alias(name: &str) -> Option<Option<Column>> {
    ALIASES.iter().find(|(n, _)| *n == name).map(|(_, c)| *c)
}

/// How to render the table: `-S`, `-U` and `-w`.
#[derive(Clone, Debug)]
pub struct TableOptions {
    columns: Vec<Column>,
    /// `None`: by syscall number (`-S nothing`).
    sort: Option<Column>,
    /// `-w`: the time columns hold wall-clock time.
    wall_clock: bool,
}

impl TableOptions {
    /// strace's `-S` key, `-U` list and `-w`, with strace's messages for bad ones.
    pub fn parse(sort_by: &str, columns: Option<&str>, wall_clock: bool) -> Result<Self> {
        let Some(sort) = alias(sort_by) else {
            bail!("invalid sortby: '{sort_by}'");
        };
        let columns = match columns {
            Some(list) => parse_columns(list)?,
            None => vec![
                Column::TimePercent,
                Column::TotalTime,
                Column::AvgTime,
                Column::Calls,
                Column::Errors,
                Column::Name,
            ],
        };
        Ok(Self {
            columns,
            sort,
            wall_clock,
        })
    }

    /// The same table with `-w`'s clock, or system CPU time where the backend cannot
    /// measure it.
    pub fn on_wall_clock(self, wall_clock: bool) -> Self {
        Self { wall_clock, ..self }
    }

    /// What the time columns measure, for labels and JSON.
    fn clock(&self) -> &'static str {
        if self.wall_clock { "wall" } else { "system" }
    }
}

/// `-U`'s list: each column once; the name column is added when missing, since a table
/// without it means nothing (as strace does).
fn parse_columns(list: &str) -> Result<Vec<Column>> {
    let mut columns = Vec::new();
    let mut rest = list;
    for name in list.split(',') {
        let column = match alias(name) {
            Some(Some(column)) => column,
            _ => bail!("unknown column name: '{name}'"),
        };
        if columns.contains(&column) {
            bail!(
                "call summary column has been provided more than once: '{name}' (-U option \
                 residual: '{rest}')"
            );
        }
        columns.push(column);
        rest = rest.split_once(',').map_or("", |(_, r)| r);
    }
    if !columns.contains(&Column::Name) {
        columns.push(Column::Name);
    }
    Ok(columns)
}

/// One syscall's figures (or the totals'), in nanoseconds: `time` is system or wall
/// time as the options say, `wall` always wall-clock.
#[derive(Clone, Debug, Default)]
struct Row {
    name: String,
    nr: Option<u32>,
    calls: u64,
    errors: u64,
    time: u64,
    min: u64,
    max: u64,
    wall: u64,
    wall_min: u64,
    wall_max: u64,
}

/// What a table's rows are: syscalls by number, or io_uring operations by opcode (their
/// times always wall-clock, from submission to completion: no CPU time is theirs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rows {
    Syscalls,
    Ops,
}

impl Rows {
    fn name(self, nr: u32) -> String {
        match self {
            Self::Syscalls => {
                syscalls::name(nr).map_or_else(|| format!("syscall_{nr:#x}"), str::to_owned)
            }
            Self::Ops => format!("io_uring:{}", crate::uring::name(nr as u8)),
        }
    }
}

impl Row {
    fn of(nr: u32, t: &SyscallTotals, wall_clock: bool, kind: Rows) -> Self {
        let (time, min, max) = if wall_clock || kind == Rows::Ops {
            (t.total_ns, t.min_ns, t.max_ns)
        } else {
            (t.cpu_ns, t.cpu_min_ns, t.cpu_max_ns)
        };
        Self {
            name: kind.name(nr),
            nr: Some(nr),
            calls: t.calls,
            errors: t.errors,
            time,
            min,
            max,
            wall: t.total_ns,
            wall_min: t.min_ns,
            wall_max: t.max_ns,
        }
    }

    fn avg(&self) -> u64 {
        self.time / self.calls.max(1)
    }

    fn wall_avg(&self) -> u64 {
        self.wall / self.calls.max(1)
    }
}

/// The rows in the table's order and the totals row.
fn rows(totals: &Totals, opts: &TableOptions, kind: Rows) -> (Vec<Row>, Row) {
    let mut rows: Vec<Row> = totals
        .by_nr
        .iter()
        .filter(|(_, t)| t.calls > 0)
        .map(|(&nr, t)| Row::of(nr, t, opts.wall_clock, kind))
        .collect();
    let desc = |key: fn(&Row) -> u64| move |a: &Row, b: &Row| key(b).cmp(&key(a));
    match opts.sort {
        Some(Column::TimePercent | Column::TotalTime) => rows.sort_by(desc(|r| r.time)),
        Some(Column::MinTime) => rows.sort_by(desc(|r| r.min)),
        Some(Column::MaxTime) => rows.sort_by(desc(|r| r.max)),
        Some(Column::AvgTime) => rows.sort_by(desc(Row::avg)),
        Some(Column::Calls) => rows.sort_by(desc(|r| r.calls)),
        Some(Column::Errors) => rows.sort_by(desc(|r| r.errors)),
        Some(Column::Name) => rows.sort_by(|a, b| a.name.cmp(&b.name)),
        Some(Column::WallTotal) => rows.sort_by(desc(|r| r.wall)),
        Some(Column::WallMin) => rows.sort_by(desc(|r| r.wall_min)),
        Some(Column::WallMax) => rows.sort_by(desc(|r| r.wall_max)),
        Some(Column::WallAvg) => rows.sort_by(desc(Row::wall_avg)),
        None => {}
    }
    let total = Row {
        name: "total".into(),
        nr: None,
        calls: rows.iter().map(|r| r.calls).sum(),
        errors: rows.iter().map(|r| r.errors).sum(),
        time: rows.iter().map(|r| r.time).sum(),
        min: rows.iter().map(|r| r.min).min().unwrap_or(0),
        max: rows.iter().map(|r| r.max).max().unwrap_or(0),
        wall: rows.iter().map(|r| r.wall).sum(),
        wall_min: rows.iter().map(|r| r.wall_min).min().unwrap_or(0),
        wall_max: rows.iter().map(|r| r.wall_max).max().unwrap_or(0),
    };
    (rows, total)
}

/// Seconds with six decimals, as strace's `%.6f` of a time.
fn seconds(ns: u64) -> String {
    format!("{}.{:06}", ns / 1_000_000_000, ns % 1_000_000_000 / 1000)
}

fn percent(part: u64, whole: u64) -> f64 {
    if part == 0 || whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

/// strace's `-c` table.
fn render_table(totals: &Totals, opts: &TableOptions) -> String {
    render_rows(totals, opts, Rows::Syscalls)
}

/// The io_uring operations' table, after the syscalls' (none without operations).
fn render_ops_table(ops: &Totals, opts: &TableOptions) -> String {
    if ops.by_nr.is_empty() {
        return String::new();
    }
    let mut text =
        "\nio_uring operations (wall-clock time, submission to completion):\n".to_owned();
    text.push_str(&render_rows(ops, opts, Rows::Ops));
    text
}

fn render_rows(totals: &Totals, opts: &TableOptions, kind: Rows) -> String {
    let (rows, total) = rows(totals, opts, kind);
    let secs_width = |ns: u64| format!("{}.000000", ns / 1_000_000_000).len();
    let max_of = |key: fn(&Row) -> u64| rows.iter().map(key).max().unwrap_or(0);
    // Each column as wide as its header (or strace's historical width) and its widest
    // value, as strace computes it.
    let width = |col: Column| {
        let (header, least) = col.header();
        let value = match col {
            Column::TimePercent => "100.00".len(),
            Column::TotalTime => seconds(total.time).len(),
            Column::MinTime => secs_width(max_of(|r| r.min)),
            Column::MaxTime => secs_width(total.max),
            Column::AvgTime => (max_of(Row::avg) / 1000).to_string().len(),
            Column::Calls => total.calls.to_string().len(),
            Column::Errors => total.errors.to_string().len(),
            Column::Name => rows.iter().map(|r| r.name.len()).max().unwrap_or(0) + 1,
            Column::WallTotal => seconds(total.wall).len(),
            Column::WallMin => secs_width(max_of(|r| r.wall_min)),
            Column::WallMax => secs_width(total.wall_max),
            Column::WallAvg => (max_of(Row::wall_avg) / 1000).to_string().len(),
        };
        least.max(value).max(header.len())
    };
    let widths: Vec<usize> = opts.columns.iter().map(|&c| width(c)).collect();
    let last = opts.columns.len() - 1;
    let mut out = String::new();
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = String>| {
        for (i, ((col, w), cell)) in opts.columns.iter().zip(&widths).zip(cells).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            let _ = match col {
                // A last name column is not padded.
                Column::Name if i == last => write!(out, "{cell}"),
                Column::Name => write!(out, "{cell:<w$}"),
                _ => write!(out, "{cell:>w$}"),
            };
        }
        out.push('\n');
    };
    let divider = |out: &mut String| {
        let dashes: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        out.push_str(&dashes.join(" "));
        out.push('\n');
    };
    line(
        &mut out,
        &mut opts.columns.iter().map(|c| match (c, kind) {
            (Column::Name, Rows::Ops) => "operation".to_owned(),
            _ => c.header().0.to_owned(),
        }),
    );
    divider(&mut out);
    let cells = |row: &Row, is_total: bool| -> Vec<String> {
        opts.columns
            .iter()
            .map(|col| match col {
                Column::TimePercent if is_total => "100.00".into(),
                Column::TimePercent => format!("{:.2}", percent(row.time, total.time)),
                Column::TotalTime => seconds(row.time),
                Column::MinTime => seconds(row.min),
                Column::MaxTime => seconds(row.max),
                Column::AvgTime => (row.avg() / 1000).to_string(),
                Column::Calls => row.calls.to_string(),
                // strace's `%.0u`: a zero prints as nothing.
                Column::Errors if row.errors == 0 => String::new(),
                Column::Errors => row.errors.to_string(),
                Column::Name => row.name.clone(),
                Column::WallTotal => seconds(row.wall),
                Column::WallMin => seconds(row.wall_min),
                Column::WallMax => seconds(row.wall_max),
                Column::WallAvg => (row.wall_avg() / 1000).to_string(),
            })
            .collect()
    };
    for row in &rows {
        line(&mut out, &mut cells(row, false).into_iter());
    }
    divider(&mut out);
    line(&mut out, &mut cells(&total, true).into_iter());
    out
}

/// The bounds of histogram bucket `b`: `[2^(b-1), 2^b)` ns, bucket 0 under 1 ns.
fn bucket_bounds(b: usize) -> (u64, u64) {
    if b == 0 {
        (0, 1)
    } else {
        (1 << (b - 1), 1 << b)
    }
}

/// Wall-clock latency histograms of the `top` syscalls by total time, drawn like
/// bpftrace's `hist()`.
fn render_histograms(totals: &Totals, top: usize, kind: Rows) -> String {
    const BAR: u64 = 52;
    let mut rows: Vec<(u32, &SyscallTotals)> = totals
        .by_nr
        .iter()
        .filter(|(_, t)| t.calls > 0)
        .map(|(&nr, t)| (nr, t))
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1.total_ns));
    let mut out = String::new();
    for (nr, t) in rows.into_iter().take(top) {
        let name = kind.name(nr);
        let _ = writeln!(out, "\n{name} latency ({} calls, wall clock):", t.calls);
        let Some(first) = t.hist.iter().position(|&n| n > 0) else {
            continue;
        };
        let last = t.hist.iter().rposition(|&n| n > 0).unwrap_or(first);
        let peak = t.hist.iter().copied().max().unwrap_or(1).max(1);
        for bucket in first..=last {
            let (lo, hi) = bucket_bounds(bucket);
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

/// Local time of day with milliseconds, for period labels.
fn time_of_day(realtime_ns: i64) -> String {
    let tm = broken_down(realtime_ns.div_euclid(1_000_000_000), true);
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        realtime_ns.rem_euclid(1_000_000_000) / 1_000_000
    )
}

/// Which part of the trace a table covers.
#[derive(Clone, Copy, Debug)]
struct Period {
    /// `--interval`'s period number (from 1); `None` for the whole trace.
    number: Option<u64>,
    /// Wall-clock start and end, ns since the epoch.
    start_ns: i64,
    end_ns: i64,
}

impl Period {
    fn label(&self) -> String {
        let span = format!(
            "{} to {} ({:.3} s)",
            time_of_day(self.start_ns),
            time_of_day(self.end_ns),
            (self.end_ns - self.start_ns).max(0) as f64 / 1e9
        );
        match self.number {
            Some(n) => format!("Interval {n}, {span}:\n"),
            None => format!("Total of the whole trace, {span}:\n"),
        }
    }
}

/// A row of the JSON record; times in nanoseconds.
#[derive(Serialize)]
struct JsonRow<'a> {
    /// null for the totals.
    syscall: Option<&'a str>,
    nr: Option<u32>,
    calls: u64,
    errors: u64,
    /// System CPU time, or wall-clock time with `-w` (the record's `clock`).
    time_ns: u64,
    percent: f64,
    avg_ns: u64,
    min_ns: u64,
    max_ns: u64,
    wall_ns: u64,
    wall_min_ns: u64,
    wall_max_ns: u64,
    /// `--histogram`: wall-clock latency buckets that hold calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    latency: Option<Vec<Bucket>>,
}

#[derive(Serialize)]
struct Bucket {
    /// `[lo_ns, hi_ns)`.
    lo_ns: u64,
    hi_ns: u64,
    count: u64,
}

/// The `summary` record: strace's table as data.
#[derive(Serialize)]
struct JsonSummary<'a> {
    /// `"system"` (CPU time in the kernel, strace's default) or `"wall"` (`-w`).
    clock: &'static str,
    /// `--interval`'s period number (from 1), or null for the whole trace.
    interval: Option<u64>,
    start: String,
    end: String,
    rows: Vec<JsonRow<'a>>,
    total: JsonRow<'a>,
    /// io_uring operations, when there were any: their rows (`syscall` holds
    /// `io_uring:NAME`, `nr` the opcode) and totals, in wall-clock time.
    #[serde(skip_serializing_if = "Option::is_none")]
    io_uring: Option<JsonOps<'a>>,
}

#[derive(Serialize)]
struct JsonOps<'a> {
    rows: Vec<JsonRow<'a>>,
    total: JsonRow<'a>,
}

fn json_row<'a>(
    r: &'a Row,
    total: &Row,
    is_total: bool,
    hist: Option<&SyscallTotals>,
) -> JsonRow<'a> {
    let latency = hist.map(|t| {
        t.hist
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(b, &count)| {
                let (lo_ns, hi_ns) = bucket_bounds(b);
                Bucket {
                    lo_ns,
                    hi_ns,
                    count,
                }
            })
            .collect()
    });
    JsonRow {
        syscall: (!is_total).then_some(r.name.as_str()),
        nr: r.nr,
        calls: r.calls,
        errors: r.errors,
        time_ns: r.time,
        percent: if is_total {
            100.0
        } else {
            percent(r.time, total.time)
        },
        avg_ns: r.avg(),
        min_ns: r.min,
        max_ns: r.max,
        wall_ns: r.wall,
        wall_min_ns: r.wall_min,
        wall_max_ns: r.wall_max,
        latency,
    }
}

fn json_summary(
    totals: &Totals,
    ops: &Totals,
    opts: &TableOptions,
    histogram: bool,
    period: Period,
) -> String {
    let (op_rows, op_total) = rows(ops, opts, Rows::Ops);
    let (rows, total) = rows(totals, opts, Rows::Syscalls);
    let rfc3339 = |ns| {
        let mut s = String::new();
        crate::output::time::write_rfc3339(&mut s, ns);
        s
    };
    let hist = |r: &Row| {
        r.nr.filter(|_| histogram)
            .and_then(|nr| totals.by_nr.get(&nr))
    };
    let op_hist = |r: &Row| r.nr.filter(|_| histogram).and_then(|nr| ops.by_nr.get(&nr));
    let body = JsonSummary {
        clock: opts.clock(),
        interval: period.number,
        start: rfc3339(period.start_ns),
        end: rfc3339(period.end_ns),
        rows: rows
            .iter()
            .map(|r| json_row(r, &total, false, hist(r)))
            .collect(),
        total: json_row(&total, &total, true, None),
        io_uring: (!op_rows.is_empty()).then(|| JsonOps {
            rows: op_rows
                .iter()
                .map(|r| json_row(r, &op_total, false, op_hist(r)))
                .collect(),
            total: json_row(&op_total, &op_total, true, None),
        }),
    };
    json::record("summary", period.end_ns, &body)
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
    /// io_uring operations by opcode, always counted here from their events.
    ops: Totals,
    last_ops: Totals,
    /// `--interval` when counting here (the kernel's totals arrive with their own).
    interval: Option<(Duration, Instant)>,
    /// Whether tables are per period (labelled) at all.
    periodic: bool,
    periods: u64,
    clock: Clock,
    started_ns: i64,
    period_start_ns: i64,
    table: TableOptions,
    histogram: bool,
    json: bool,
    /// `-O`, taken off each call counted here.
    overhead_ns: u64,
    out: Box<dyn Write>,
}

/// How the totals are counted and shown: `-c`'s options beside the table's.
pub struct ReportOptions {
    pub table: TableOptions,
    pub histogram: bool,
    pub json: bool,
    pub interval: Option<Duration>,
    /// `-O`.
    pub overhead: Option<Duration>,
}

impl Summary {
    pub fn new(opts: ReportOptions, counted: Counted, out: Box<dyn Write>) -> Self {
        let ReportOptions {
            table,
            histogram,
            json,
            interval,
            overhead,
        } = opts;
        let clock = Clock::new();
        let now = clock.now_ns();
        Self {
            counted,
            totals: Totals::default(),
            last_interval: Totals::default(),
            ops: Totals::default(),
            last_ops: Totals::default(),
            interval: interval
                .filter(|_| counted == Counted::FromEvents)
                .map(|every| (every, Instant::now())),
            periodic: interval.is_some(),
            periods: 0,
            clock,
            started_ns: now,
            period_start_ns: now,
            table,
            histogram,
            json,
            overhead_ns: overhead.map_or(0, |o| o.as_nanos() as u64),
            out,
        }
    }

    fn write(&mut self, totals: &Totals, ops: &Totals, period: Period) -> io::Result<()> {
        let text = if self.json {
            json_summary(totals, ops, &self.table, self.histogram, period)
        } else {
            let mut text = if self.periodic {
                period.label()
            } else {
                String::new()
            };
            // A trace of operations alone (`-e trace=%io_uring`) has no syscall table.
            let calls = totals.by_nr.values().any(|t| t.calls > 0);
            if calls || ops.by_nr.is_empty() {
                text.push_str(&render_table(totals, &self.table));
            }
            if self.histogram {
                text.push_str(&render_histograms(totals, 5, Rows::Syscalls));
            }
            text.push_str(&render_ops_table(ops, &self.table));
            if self.histogram {
                text.push_str(&render_histograms(ops, 5, Rows::Ops));
            }
            if self.periodic {
                text.push('\n');
            }
            text
        };
        self.out.write_all(text.as_bytes())?;
        self.out.flush()
    }

    /// The calls of the period that just ended.
    fn interval_end(&mut self) -> io::Result<()> {
        let delta = self.totals.since(&self.last_interval);
        self.last_interval = self.totals.clone();
        let ops = self.ops.since(&self.last_ops);
        self.last_ops = self.ops.clone();
        self.periods += 1;
        let end_ns = self.clock.now_ns();
        let period = Period {
            number: Some(self.periods),
            start_ns: self.period_start_ns,
            end_ns,
        };
        self.period_start_ns = end_ns;
        self.write(&delta, &ops, period)
    }

    /// Writes the final table: the whole trace.
    pub fn finish(mut self) -> io::Result<()> {
        let totals = std::mem::take(&mut self.totals);
        let ops = std::mem::take(&mut self.ops);
        let period = Period {
            number: None,
            start_ns: self.started_ns,
            end_ns: self.clock.now_ns(),
        };
        self.write(&totals, &ops, period)
    }
}

impl Sink for Summary {
    fn event(&mut self, event: &Event, _ctx: &Context) -> io::Result<()> {
        match event {
            // As strace, calls that never returned (`exit_group`) are not counted.
            Event::Completed(call) if self.counted == Counted::FromEvents && call.ret.is_some() => {
                if let Some(duration) = call.duration_ns() {
                    let cpu = call.cpu_ns.unwrap_or(duration);
                    let o = self.overhead_ns;
                    self.totals.add_call(
                        call.nr,
                        duration.saturating_sub(o),
                        cpu.saturating_sub(o),
                        call.failed(),
                    );
                }
                Ok(())
            }
            Event::IoUring(op) => {
                let wall = op.duration_ns().saturating_sub(self.overhead_ns);
                self.ops
                    .add_call(u32::from(op.opcode), wall, wall, op.failed());
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

    fn opts(sort: &str, columns: Option<&str>) -> TableOptions {
        TableOptions::parse(sort, columns, false).unwrap()
    }

    /// `n` calls of `name`, each with this wall and system time.
    fn add(t: &mut Totals, name: &str, n: usize, wall: u64, cpu: u64, failed: bool) {
        for _ in 0..n {
            t.add_call(nr(name), wall, cpu, failed);
        }
    }

    #[test]
    fn io_uring_operations_have_their_own_wall_clock_table() {
        let mut ops = Totals::default();
        ops.add_call(22, 5_000, 5_000, false);
        ops.add_call(22, 7_000, 7_000, true);
        assert_eq!(
            render_ops_table(&Totals::default(), &opts("time", None)),
            ""
        );
        let text = render_ops_table(&ops, &opts("time", None));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("io_uring operations"), "{text}");
        assert!(lines[2].ends_with("errors operation"), "{text}");
        assert!(
            lines[4].contains("0.000012") && lines[4].ends_with("2         1 io_uring:READ"),
            "{text}"
        );
    }

    #[test]
    fn table_has_straces_layout_and_system_time() {
        let mut t = Totals::default();
        add(&mut t, "read", 3, 9_000, 2_000, false);
        add(&mut t, "openat", 1, 50_000, 10_000, true);
        let text = render_table(&t, &opts("time", None));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "% time     seconds  usecs/call     calls    errors syscall",
                "------ ----------- ----------- --------- --------- ----------------",
                " 62.50    0.000010          10         1         1 openat",
                " 37.50    0.000006           2         3           read",
                "------ ----------- ----------- --------- --------- ----------------",
                "100.00    0.000016           4         4         1 total",
            ]
        );
        // -w: the wall-clock time instead.
        let wall = TableOptions::parse("time", None, true).unwrap();
        let text = render_table(&t, &wall);
        assert!(
            text.contains(" 64.94    0.000050          50         1         1 openat"),
            "{text}"
        );
    }

    #[test]
    fn widths_grow_with_their_values_as_stracess_do() {
        let mut t = Totals::default();
        add(&mut t, "clock_nanosleep", 1, 0, 12_345_678_901, false);
        add(&mut t, "rt_sigprocmask", 1, 0, 1, false);
        let text = render_table(&t, &opts("time", Some("max-time,calls,name,time")));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "  longest     calls syscall          % time");
        assert_eq!(lines[2], "12.345678         1 clock_nanosleep  100.00");
        assert_eq!(lines[3], " 0.000000         1 rt_sigprocmask     0.00");
        assert_eq!(lines[5], "12.345678         2 total            100.00");
    }

    #[test]
    fn every_sort_key_and_column_of_strace() {
        let mut t = Totals::default();
        add(&mut t, "close", 4, 10, 1_000, false);
        add(&mut t, "openat", 1, 10, 5_000, false);
        add(&mut t, "write", 2, 10, 3_000, true);
        let order = |sort: &str| -> Vec<String> {
            let text = render_table(&t, &opts(sort, Some("name")));
            text.lines()
                .skip(2)
                .take(3)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(order("calls"), ["close", "write", "openat"]);
        assert_eq!(order("errors")[0], "write");
        assert_eq!(order("name"), ["close", "openat", "write"]);
        assert_eq!(order("time"), ["write", "openat", "close"]);
        assert_eq!(order("max-time"), ["openat", "write", "close"]);
        assert_eq!(order("min-time"), ["openat", "write", "close"]);
        assert_eq!(order("avg-time"), ["openat", "write", "close"]);
        assert_eq!(order("nothing")[0], "write");
        let text = render_table(
            &t,
            &opts("time", Some("min-time,max-time,avg-time,total-time,errors")),
        );
        let header = text.lines().next().unwrap();
        assert_eq!(
            header,
            "shortest  longest  usecs/call     seconds    errors syscall"
        );
        assert!(
            text.contains("0.000003 0.000003           3    0.000006         2 write"),
            "{text}"
        );
        assert!(TableOptions::parse("bogus", None, false).is_err());
        let err = TableOptions::parse("time", Some("name,bogus"), false).unwrap_err();
        assert_eq!(err.to_string(), "unknown column name: 'bogus'");
        assert!(TableOptions::parse("time", Some("calls,count"), false).is_err());
    }

    #[test]
    fn kernel_totals_merge_across_cpus_and_intervals_subtract() {
        let calls = |t: &Totals, nr| t.by_nr.get(&nr).map_or(0, |t| t.calls);
        let cpu = |calls, ns| SyscallTotals {
            calls,
            total_ns: ns,
            min_ns: ns / 2,
            max_ns: ns,
            ..Default::default()
        };
        let mut t = Totals::default();
        t.add_kernel(3, [cpu(2, 100), cpu(0, 0), cpu(1, 300)]);
        assert_eq!(calls(&t, 3), 3);
        assert_eq!(t.by_nr[&3].min_ns, 50, "the idle CPU's zero is no minimum");
        let earlier = t.clone();
        t.add_kernel(3, [cpu(4, 50)]);
        assert_eq!(calls(&t.since(&earlier), 3), 4);
        assert_eq!(t.since(&t).by_nr.len(), 0);
    }

    #[test]
    fn histograms_draw_wall_clock_buckets() {
        let mut t = Totals::default();
        add(&mut t, "read", 2, 1500, 0, false);
        add(&mut t, "read", 1, 5000, 0, false);
        let text = render_histograms(&t, 1, Rows::Syscalls);
        assert!(
            text.contains("read latency (3 calls, wall clock):"),
            "{text}"
        );
        assert!(text.contains("[1us, 2us)"), "{text}");
        assert!(text.contains("[4us, 8us)"), "{text}");
    }

    #[test]
    fn the_overhead_comes_off_each_call_counted_here() {
        let opts = ReportOptions {
            table: opts("time", None),
            histogram: false,
            json: false,
            interval: None,
            overhead: Some(Duration::from_micros(3)),
        };
        let mut s = Summary::new(opts, Counted::FromEvents, Box::new(io::sink()));
        let tasks = crate::pipeline::tasks::Tasks::default();
        let ctx = Context {
            tasks: &tasks,
            fds: None,
            names: None,
        };
        for (wall, cpu) in [(10_000, 5_000), (10_000, 2_000)] {
            let call = crate::event::Syscall {
                nr: nr("read"),
                exit_ns: Some(wall),
                ret: Some(0),
                cpu_ns: Some(cpu),
                ..Default::default()
            };
            s.event(&Event::Completed(call), &ctx).unwrap();
        }
        let t = s.totals.by_nr[&nr("read")];
        assert_eq!((t.cpu_ns, t.cpu_min_ns), (2_000, 0), "not below zero");
        assert_eq!(t.total_ns, 14_000);
    }

    #[test]
    fn periods_are_labelled_and_json_holds_the_table() {
        let mut t = Totals::default();
        add(&mut t, "read", 2, 4_000, 1_000, false);
        let period = Period {
            number: Some(2),
            start_ns: 1_000_000_000,
            end_ns: 1_250_000_000,
        };
        let label = period.label();
        assert!(label.starts_with("Interval 2, "), "{label}");
        assert!(label.ends_with(".250 (0.250 s):\n"), "{label}");
        let record = json_summary(&t, &Totals::default(), &opts("time", None), true, period);
        let v: serde_json::Value = serde_json::from_str(&record).unwrap();
        assert_eq!(v["type"], "summary");
        assert_eq!(v["clock"], "system");
        assert_eq!(v["interval"], 2);
        assert_eq!(v["rows"][0]["syscall"], "read");
        assert_eq!(v["rows"][0]["time_ns"], 2_000);
        assert_eq!(v["rows"][0]["wall_ns"], 8_000);
        assert_eq!(v["rows"][0]["latency"][0]["count"], 2);
        assert_eq!(v["total"]["calls"], 2);
        assert!(v["total"]["syscall"].is_null());
    }
}
