//! Loss shown where it happens: a ring buffer too small for a storm of calls loses
//! records, and the trace says so at that point, in calls (`... N calls lost ...`, a
//! JSON `lost` record), so that the calls shown plus the calls lost are exactly the
//! calls made; a call whose entry record alone was lost is shown with `<entry lost>`,
//! never as if its memory could not be read; `-c`'s counts stay exact. On both backends
//! (ptrace loses nothing: the same totals hold with no loss).

use std::{collections::HashMap, sync::LazyLock};

use regex::Regex;
use tracer_tests::{Backend, Traced, both_backends, trace};

const STORM: &str = env!("CARGO_BIN_EXE_storm");

/// `... 12 calls, 3 signals and 1 exit lost (ring buffer full) ...`
static LOST_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\.\.\. (.*) lost \(ring buffer full\) \.\.\.$").unwrap());

struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        Self(std::env::temp_dir().join(format!("tracer-loss-{name}-{}", std::process::id())))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The storm's own count: `calls=N ...`.
fn truth(t: &Traced) -> u64 {
    t.stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix("calls="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count from the storm: {}", t.stdout))
}

/// The calls a loss line counts.
fn lost_calls(line: &str) -> Option<u64> {
    let what = LOST_LINE.captures(line)?.get(1)?.as_str().to_owned();
    Some(
        what.split([',', ' '])
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[1] == "call" || w[1] == "calls")
            .filter_map(|w| w[0].parse::<u64>().ok())
            .sum(),
    )
}

/// `-o FILE -f` lines without their `PID ` prefix.
fn lines(file: &str) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| match l.split_once(' ') {
            Some((pid, rest)) if pid.parse::<u32>().is_ok() => rest.trim_start().to_owned(),
            _ => l.to_owned(),
        })
        .collect()
}

fn storm(backend: Backend, call: &str, threads: &str, each: &str, extra: &[&str]) -> Traced {
    let mut args = vec![backend.arg(), "--buffer-size=4096", "-f"];
    args.extend(extra);
    args.extend(["--", STORM, call, threads, each]);
    let t = trace(&args);
    t.expect(t.code() == Some(0), "the storm runs to its end");
    t
}

fn each_call_shown_or_counted_lost_in_the_text(backend: Backend) {
    let out = Scratch::new(&format!("text-{backend:?}"));
    let file = out.0.to_str().unwrap();
    let t = storm(
        backend,
        "getppid",
        "2",
        "50000",
        &["-e", "trace=getppid", "-o", file],
    );
    let lines = lines(file);
    // A call whole, or (another thread's line after its entry, as strace shows it) resumed.
    let shown = lines
        .iter()
        .filter(|l| l.starts_with("getppid()") || l.starts_with("<... getppid resumed>)"))
        .count() as u64;
    let lost: u64 = lines.iter().filter_map(|l| lost_calls(l)).sum();
    t.expect(
        shown + lost == truth(&t),
        &format!("{shown} shown + {lost} lost = the calls made"),
    );
    if backend == Backend::Ebpf {
        t.expect(lost > 0, "a 4 KiB ring buffer cannot hold this storm");
        // Shown where it happened: between calls, not after all of them.
        let first_loss = lines.iter().position(|l| lost_calls(l).is_some()).unwrap();
        let last_call = lines
            .iter()
            .rposition(|l| l.starts_with("getppid()"))
            .unwrap();
        t.expect(first_loss < last_call, "the loss is marked in the stream");
        t.expect(
            t.stderr.contains(&format!(" events lost ({lost} calls")),
            &format!("the exit summary counts the same {lost} calls"),
        );
    } else {
        t.expect(lost == 0, "ptrace loses nothing");
    }
}

fn each_call_shown_or_counted_lost_in_json(backend: Backend) {
    let out = Scratch::new(&format!("json-{backend:?}"));
    let file = out.0.to_str().unwrap();
    let t = storm(
        backend,
        "getppid",
        "2",
        "50000",
        &["-e", "trace=getppid", "--format=json", "-o", file],
    );
    let records: Vec<serde_json::Value> = std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let is_call = |r: &serde_json::Value| r["type"] == "call" && r["syscall"] == "getppid";
    let shown = records.iter().filter(|r| is_call(r)).count() as u64;
    let mut lost = 0;
    for r in records.iter().filter(|r| r["type"] == "lost") {
        let field = |name: &str| r[name].as_u64().unwrap();
        assert_eq!(
            field("count"),
            field("calls") + field("signals") + field("exits"),
            "{r}"
        );
        lost += field("calls");
    }
    t.expect(
        shown + lost == truth(&t),
        &format!("{shown} shown + {lost} lost = the calls made"),
    );
    if backend == Backend::Ebpf {
        t.expect(lost > 0, "a 4 KiB ring buffer cannot hold this storm");
        let first_loss = records.iter().position(|r| r["type"] == "lost").unwrap();
        let last_call = records.iter().rposition(is_call).unwrap();
        t.expect(first_loss < last_call, "the loss is marked in the stream");
    }
}

static WRITE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"^write\((\d+), (.*), 512\) += 512$"#).unwrap());

fn a_call_whose_entry_was_lost_says_so(backend: Backend) {
    let out = Scratch::new(&format!("entry-{backend:?}"));
    let file = out.0.to_str().unwrap();
    // Entry records of 512-byte writes are bigger than exit records (no copy): a full
    // buffer often has room for the exit record only.
    let mut args = vec![backend.arg(), "--buffer-size=4096", "-f", "-s", "512"];
    args.extend([
        "-e",
        "trace=write",
        "-o",
        file,
        "--",
        STORM,
        "write",
        "2",
        "20000",
        "512",
    ]);
    let t = trace(&args);
    t.expect(t.code() == Some(0), "the storm runs to its end");
    let buffer = format!("\"{}\"", "x".repeat(512));
    let lines = lines(file);
    let mut shown = 0;
    let mut entry_lost = 0;
    let mut stdout_shown = 0;
    for line in lines.iter().filter(|l| l.starts_with("write(")) {
        let Some(c) = WRITE_LINE.captures(line) else {
            // The storm's report on stdout.
            stdout_shown += 1;
            continue;
        };
        match &c[2] {
            "<entry lost>" => entry_lost += 1,
            b if b == buffer => shown += 1,
            other => t.expect(false, &format!("a write's buffer shown as {other}: {line}")),
        }
    }
    let lost: u64 = lines.iter().filter_map(|l| lost_calls(l)).sum();
    // The storm's one write to stdout may be among the lost ones.
    let made = truth(&t) + 1 - stdout_shown;
    t.expect(
        shown + entry_lost + lost == made,
        &format!("{shown} shown + {entry_lost} without their entry + {lost} lost = {made}"),
    );
    if backend == Backend::Ptrace {
        t.expect(entry_lost == 0 && lost == 0, "ptrace loses nothing");
    } else {
        // Entry and exit records compete for the same full buffer: some exits get in
        // without their entry.
        t.expect(entry_lost > 0, "some writes are shown with <entry lost>");
    }
}

/// `-C`: the calls (some lost) and the table, whose counts stay exact: the kernel counts
/// every call before its record can be lost.
fn counts_stay_exact_under_loss(backend: Backend) {
    let out = Scratch::new(&format!("counts-{backend:?}"));
    let file = out.0.to_str().unwrap();
    let t = storm(
        backend,
        "getppid",
        "2",
        "50000",
        &["-C", "-e", "trace=getppid", "-o", file],
    );
    let text = std::fs::read_to_string(file).unwrap();
    let rows: HashMap<&str, u64> = text
        .lines()
        .skip_while(|l| !l.starts_with("% time"))
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            Some((*cols.last()?, cols.get(3)?.parse().ok()?))
        })
        .collect();
    t.expect(
        rows.get("getppid") == Some(&truth(&t)),
        &format!("getppid counted {:?} times\n{text}", rows.get("getppid")),
    );
}

both_backends!(
    each_call_shown_or_counted_lost_in_the_text,
    each_call_shown_or_counted_lost_in_json,
    a_call_whose_entry_was_lost_says_so,
    counts_stay_exact_under_loss,
);
