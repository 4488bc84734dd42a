//! The tax on untraced processes beside a narrow trace, measured in each boot of the
//! matrix (`vm_check`'s `bystander` check: `VMTEST INFO bystander=alone=.. raw=..
//! fentry=.. rounds=..`): the section of docs/benchmarks.md `vm-test` writes, which
//! `cargo xtask bench` keeps.

use std::{fmt::Write as _, fs, path::Path};

use anyhow::{Context as _, Result};

use crate::bench::startup::splice_section;

pub const HEADING: &str = "## Beside a narrow trace: tracepoints and trampolines (kernel matrix)";

/// One boot's medians, in ns per call.
pub struct Row {
    pub case: &'static str,
    pub release: String,
    pub alone: f64,
    pub raw: f64,
    pub fentry: f64,
    pub rounds: u32,
}

/// A boot's `bystander` info value, read.
pub fn parse(case: &'static str, release: &str, info: &str) -> Option<Row> {
    let value = |key: &str| {
        info.split_whitespace()
            .find_map(|w| w.strip_prefix(key)?.strip_prefix('='))
    };
    Some(Row {
        case,
        release: release.to_owned(),
        alone: value("alone")?.parse().ok()?,
        raw: value("raw")?.parse().ok()?,
        fentry: value("fentry")?.parse().ok()?,
        rounds: value("rounds")?.parse().ok()?,
    })
}

pub fn section(rows: &[Row]) -> String {
    let mut md = format!("{HEADING}\n\n");
    md.push_str(
        "An untraced loop of `getppid` calls (`vm_check loop`, one second), in ns per call: \
         alone, beside `tracer --tracepoints=raw -e trace=openat,read,close -- IDLE` (any \
         syscall tracepoint puts every task on the slow syscall path) and beside the same \
         trace with `--tracepoints=fentry` (BPF trampolines on the three syscall functions \
         and the entries always watched: nothing of ours on other calls), alternated, the \
         median of the rounds within one boot of each stock kernel (QEMU TCG, one CPU: the \
         absolute numbers are the emulator's, the ratios within a boot are what to \
         compare). `tracer --tracepoints=auto` takes fentry/fexit for such a trace. \
         Written by `cargo xtask vm-test` (`xtask/src/vm/bystander.rs`).\n\n",
    );
    md.push_str(
        "| case | kernel | rounds | alone | beside raw tracepoints | beside fentry/fexit | raw / alone | fentry / alone |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.2} | {:.2} |",
            r.case,
            r.release,
            r.rounds,
            r.alone,
            r.raw,
            r.fentry,
            r.raw / r.alone,
            r.fentry / r.alone
        );
    }
    md.push('\n');
    md
}

/// Puts `rows` into the report at `out`: this run's boots replace their own rows, the
/// other cases' rows of an earlier run stay.
pub fn write(out: &Path, rows: Vec<Row>) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let report = fs::read_to_string(out).unwrap_or_default();
    let mut all = earlier(&report);
    all.retain(|old| !rows.iter().any(|r| r.case == old.case));
    all.extend(rows);
    all.sort_by_key(|r| crate::vm::matrix_position(r.case));
    fs::write(out, splice_section(&report, HEADING, &section(&all)))
        .with_context(|| format!("writing {}", out.display()))
}

/// The rows of the section already in `report`.
fn earlier(report: &str) -> Vec<Row> {
    let Some(section) = crate::bench::startup::section_of(report, HEADING) else {
        return Vec::new();
    };
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let case = crate::vm::case_name(cells.first()?)?;
            let num = |i: usize| cells.get(i)?.parse::<f64>().ok();
            Some(Row {
                case,
                release: cells.get(1)?.to_string(),
                rounds: cells.get(2)?.parse().ok()?,
                alone: num(3)?,
                raw: num(4)?,
                fentry: num(5)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_read_back_and_replaced() {
        let row = parse(
            "6.1",
            "6.1.0-1",
            "alone=100.0 raw=150.5 fentry=101.0 rounds=5",
        )
        .expect("parsed");
        assert_eq!(
            (row.alone, row.raw, row.fentry, row.rounds),
            (100.0, 150.5, 101.0, 5)
        );
        let doc = format!("# B\n\n{}## Notes\n\n- n\n", section(&[row]));
        let back = earlier(&doc);
        assert_eq!(back.len(), 1);
        assert_eq!((back[0].case, back[0].raw), ("6.1", 150.5));
        assert!(parse("6.1", "r", "alone=1 raw=2").is_none());
    }
}
