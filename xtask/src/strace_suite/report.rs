//! The report: counts per run, tracer's pass rate on the tests strace passes, and tracer's
//! failures on those tests grouped by cause (report.md); every tracer failure with its
//! first differing line (failures.tsv).

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
    time::Duration,
};

use super::{Results, Variant, causes, runner::Status};

const BACKENDS: [Variant; 2] = [Variant::Ebpf, Variant::Ptrace];
/// Causes in the markdown table; the rest are summed in one row.
const TOP_CAUSES: usize = 25;

/// What the report is made from.
pub struct Input<'a> {
    /// e.g. `strace 6.1-0.1`.
    pub suite: String,
    /// The selected tests, by name.
    pub tests: &'a [&'a str],
    pub results: &'a Results,
    /// How long each run of this invocation took.
    pub durations: &'a BTreeMap<Variant, Duration>,
    /// Fetching and building strace and its tests (or finding them cached).
    pub prepared: Duration,
    pub tracer: Option<&'a Path>,
    pub only: Option<&'a str>,
    pub jobs: usize,
    /// The tracer's options, to tell unknown ones from misparsed ones.
    pub known: &'a causes::Known,
    pub logs: &'a dyn Fn(Variant, &str) -> PathBuf,
}

/// A tracer failure.
struct Failed {
    variant: Variant,
    test: String,
    /// strace's status on the same test.
    strace: Option<Status>,
    failure: causes::Failure,
}

/// One cause's tests, per backend.
#[derive(Default)]
struct Group {
    tests: BTreeMap<Variant, Vec<String>>,
}

impl Group {
    fn count(&self, variant: Variant) -> usize {
        self.tests.get(&variant).map_or(0, Vec::len)
    }

    fn total(&self) -> usize {
        self.tests.values().map(Vec::len).sum()
    }
}

pub struct Report {
    markdown: String,
    failed: Vec<Failed>,
    groups: Vec<(String, Group)>,
}

impl Report {
    pub fn new(input: &Input) -> Self {
        let failed = tracer_failures(input);
        let groups = group(&failed);
        let mut report = Self {
            markdown: String::new(),
            failed,
            groups,
        };
        report.markdown = report.render(input);
        report
    }

    pub fn markdown(&self) -> &str {
        &self.markdown
    }

    /// Every tracer failure (also where strace fails) with its first differing line.
    pub fn failures_tsv(&self) -> String {
        let mut out = String::from("backend\ttest\tstrace\tcause\tfirst difference\n");
        for f in &self.failed {
            let strace = f.strace.map_or("-", Status::as_str);
            let detail = f.failure.detail.replace('\t', " ");
            let _ = writeln!(
                out,
                "{}\t{}\t{strace}\t{}\t{detail}",
                f.variant.key(),
                f.test,
                f.failure.cause
            );
        }
        out
    }

    /// Every cause with the tests it fails (on tests strace passes).
    pub fn causes_detail(&self) -> String {
        let mut out = String::from("## Tests per cause (tests strace passes)\n");
        for (cause, group) in &self.groups {
            let tests: BTreeSet<&String> = group.tests.values().flatten().collect();
            let counts: Vec<String> = BACKENDS
                .iter()
                .map(|&v| format!("{} {}", v.key(), group.count(v)))
                .collect();
            let _ = writeln!(out, "\n{cause} ({}):", counts.join(", "));
            let mut line = String::from(" ");
            for test in tests {
                if line.len() + test.len() > 99 {
                    let _ = writeln!(out, "{line}");
                    line = String::from(" ");
                }
                line = format!("{line} {test}");
            }
            let _ = writeln!(out, "{line}");
        }
        out
    }

    fn render(&self, input: &Input) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# strace's test suite run against tracer\n");
        let selection = match input.only {
            Some(re) => format!("the {} matching `--only {re}`", input.tests.len()),
            None => format!("all {}", input.tests.len()),
        };
        let _ = writeln!(
            md,
            "The tests of {} (Debian's source package, as installed here): {selection} \
             scripts, {} at a time. strace and its tests built or found cached in {}.",
            input.suite,
            input.jobs,
            duration(input.prepared)
        );
        if let Some(tracer) = input.tracer {
            let _ = writeln!(md, "tracer: `{}`.", tracer.display());
        }
        md.push('\n');
        counts_table(&mut md, input);
        pass_rate(&mut md, input);
        self.causes_table(&mut md);
        backend_differences(&mut md, input);
        md
    }

    fn causes_table(&self, md: &mut String) {
        if self.groups.is_empty() {
            return;
        }
        let _ = writeln!(
            md,
            "\n## Why tracer fails the tests strace passes, biggest cause first\n"
        );
        let _ = writeln!(md, "| cause | ebpf | ptrace | e.g. |\n|---|--:|--:|---|");
        for (cause, group) in self.groups.iter().take(TOP_CAUSES) {
            let example = group.tests.values().flatten().next().map_or("", |t| t);
            let _ = writeln!(
                md,
                "| {} | {} | {} | {example} |",
                cause.replace('|', r"\|"),
                group.count(Variant::Ebpf),
                group.count(Variant::Ptrace)
            );
        }
        let rest = &self.groups[self.groups.len().min(TOP_CAUSES)..];
        if !rest.is_empty() {
            let sum = |v| rest.iter().map(|(_, g)| g.count(v)).sum::<usize>();
            let _ = writeln!(
                md,
                "| {} other causes | {} | {} | |",
                rest.len(),
                sum(Variant::Ebpf),
                sum(Variant::Ptrace)
            );
        }
        let _ = writeln!(
            md,
            "\nA test counts under its first cause only: tracer stops at the first argument it \
             refuses, the diff at its first differing line. Each failure's line: failures.tsv \
             (`--list-causes` prints the tests of every cause)."
        );
    }
}

fn counts_table(md: &mut String, input: &Input) {
    let _ = writeln!(
        md,
        "| run | tests | pass | fail | skip | of the fails, timeouts | time |\n\
         |---|--:|--:|--:|--:|--:|--:|"
    );
    for variant in Variant::ALL {
        let statuses: Vec<Status> = input
            .tests
            .iter()
            .filter_map(|t| input.results.status(variant, t))
            .collect();
        if statuses.is_empty() {
            let _ = writeln!(md, "| {} | not run | | | | | |", variant.label());
            continue;
        }
        let count = |f: fn(Status) -> bool| statuses.iter().filter(|s| f(**s)).count();
        let time = input
            .durations
            .get(&variant)
            .map_or("(earlier run)".to_owned(), |d| duration(*d));
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {time} |",
            variant.label(),
            statuses.len(),
            count(|s| s == Status::Pass),
            count(Status::failed),
            count(|s| s == Status::Skip),
            count(|s| s == Status::Timeout),
        );
    }
}

/// The tests strace passes.
fn baseline<'a>(input: &Input<'a>) -> Vec<&'a str> {
    input
        .tests
        .iter()
        .copied()
        .filter(|t| input.results.status(Variant::Strace, t) == Some(Status::Pass))
        .collect()
}

fn pass_rate(md: &mut String, input: &Input) {
    let base = baseline(input);
    if base.is_empty() {
        return;
    }
    let rates: Vec<String> = BACKENDS
        .iter()
        .filter(|&&v| base.iter().any(|t| input.results.status(v, t).is_some()))
        .map(|&v| {
            let pass = base
                .iter()
                .filter(|t| input.results.status(v, t) == Some(Status::Pass))
                .count();
            format!(
                "**{pass}** ({:.1}%) with --backend={}",
                100.0 * pass as f64 / base.len() as f64,
                v.key()
            )
        })
        .collect();
    if !rates.is_empty() {
        let _ = writeln!(
            md,
            "\nOf the {} tests strace passes, tracer passes {}.",
            base.len(),
            rates.join(" and ")
        );
    }
}

/// Tests strace passes that one backend passes and the other fails.
fn backend_differences(md: &mut String, input: &Input) {
    let status = |v, t| input.results.status(v, t);
    let split: Vec<String> = baseline(input)
        .into_iter()
        .filter_map(
            |t| match (status(Variant::Ebpf, t), status(Variant::Ptrace, t)) {
                (Some(Status::Pass), Some(s)) if s.failed() => Some(format!("{t} (ebpf only)")),
                (Some(s), Some(Status::Pass)) if s.failed() => Some(format!("{t} (ptrace only)")),
                _ => None,
            },
        )
        .collect();
    if !split.is_empty() {
        let _ = writeln!(
            md,
            "\nPassed by one backend only ({}): {}.",
            split.len(),
            split.join(", ")
        );
    }
}

/// Every tracer failure among the selected tests, classified from its log.
fn tracer_failures(input: &Input) -> Vec<Failed> {
    let mut failed = Vec::new();
    for variant in BACKENDS {
        for &test in input.tests {
            let Some(status) = input.results.status(variant, test) else {
                continue;
            };
            if !status.failed() {
                continue;
            }
            let log = fs::read((input.logs)(variant, test)).unwrap_or_default();
            let timed_out = status == Status::Timeout;
            let failure = causes::classify(&String::from_utf8_lossy(&log), timed_out, input.known);
            failed.push(Failed {
                variant,
                test: test.to_owned(),
                strace: input.results.status(Variant::Strace, test),
                failure,
            });
        }
    }
    failed
}

/// Failures on tests strace passes, by cause, biggest first.
fn group(failed: &[Failed]) -> Vec<(String, Group)> {
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
    for f in failed.iter().filter(|f| f.strace == Some(Status::Pass)) {
        groups
            .entry(&f.failure.cause)
            .or_default()
            .tests
            .entry(f.variant)
            .or_default()
            .push(f.test.clone());
    }
    let mut groups: Vec<(String, Group)> =
        groups.into_iter().map(|(c, g)| (c.to_owned(), g)).collect();
    groups.sort_by(|a, b| b.1.total().cmp(&a.1.total()).then(a.0.cmp(&b.0)));
    groups
}

/// `3m05s`, `42.1s`.
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        format!("{}m{:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}
