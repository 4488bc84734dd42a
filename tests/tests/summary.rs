//! `-c`: totals (counted in the kernel with eBPF, from the calls with ptrace), checked
//! against programs with known call counts.

use std::collections::HashMap;

use tracer_tests::Backend;
use tracer_tests::{Traced, trace};

tracer_tests::both_backends!(
    counts_are_exact,
    dash_big_c_prints_calls_and_table_and_histograms_draw,
    interval_prints_periodic_deltas,
    system_time_leaves_out_sleeping_and_dash_w_counts_it,
    calls_that_never_return_are_not_counted,
    sort_keys_and_columns_are_straces
);

fn calls_bin() -> &'static str {
    env!("CARGO_BIN_EXE_calls")
}

/// A table with the columns `-U` asked for: its header, its divider and its rows by name
/// (each row's cells split at blanks; an `errors` cell of zero is blank).
struct Table {
    header: String,
    divider: String,
    rows: Vec<(String, Vec<String>)>,
}

impl Table {
    fn of(stderr: &str, name_column: usize) -> Table {
        let mut lines = stderr
            .lines()
            .skip_while(|l| !l.contains("syscall") || l.starts_with('+'));
        let header = lines.next().expect("a table").to_owned();
        let divider = lines.next().expect("a divider").to_owned();
        let rows = lines
            .take_while(|l| !l.starts_with("---"))
            .map(|l| {
                let cells: Vec<String> = l.split_whitespace().map(str::to_owned).collect();
                (cells[name_column].clone(), cells)
            })
            .collect();
        Table {
            header,
            divider,
            rows,
        }
    }

    fn row(&self, name: &str) -> &[String] {
        &self
            .rows
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no {name} row in {:?}", self.rows))
            .1
    }

    fn seconds(&self, name: &str, cell: usize) -> f64 {
        self.row(name)[cell].parse().expect("seconds")
    }
}

/// Rows of strace's table: name -> (calls, errors).
fn table(t: &Traced) -> HashMap<String, (u64, u64)> {
    let mut rows = HashMap::new();
    let mut in_table = false;
    for line in t.stderr.lines() {
        if line.starts_with("% time") {
            in_table = true;
            continue;
        }
        if !in_table || line.starts_with("------") {
            continue;
        }
        let cols: Vec<&str> = line.split_whitespace().collect();
        // % time, seconds, usecs/call, calls, [errors], name
        let (calls, errors) = match cols.len() {
            6 => (cols[3].parse().unwrap(), cols[4].parse().unwrap()),
            5 => (cols[3].parse().unwrap(), 0),
            _ => continue,
        };
        let name = cols.last().unwrap().to_string();
        let done = name == "total";
        rows.insert(name, (calls, errors));
        if done {
            break;
        }
    }
    rows
}

fn summary_of(backend: Backend, n: &str, extra: &[&str]) -> Traced {
    let mut args = vec![backend.arg(), "-c"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", calls_bin(), "loop", n]);
    let t = trace(&args);
    t.expect(t.code() == Some(0), "success");
    t
}

fn counts_are_exact(backend: Backend) {
    let base = table(&summary_of(backend, "0", &[]));
    let t = summary_of(backend, "1000", &[]);
    let rows = table(&t);
    let diff = |name: &str| {
        let (c, e) = rows.get(name).copied().unwrap_or_default();
        let (bc, be) = base.get(name).copied().unwrap_or_default();
        (c - bc, e - be)
    };
    t.expect(diff("getppid") == (1000, 0), "getppid calls");
    t.expect(diff("write") == (1000, 0), "write calls");
    t.expect(diff("openat") == (1000, 1000), "openat calls and errors");
    t.expect(!t.stderr.contains("getppid("), "-c alone prints no calls");
    let total = t.stderr.lines().last().unwrap();
    t.expect(
        total.ends_with(" total") && total.starts_with("100.00"),
        "total row",
    );
}

/// The kernel's counts (eBPF only): nothing but the totals leaves the kernel.
#[test]
fn a_syscall_storm_loses_nothing_and_streams_nothing() {
    tracer_tests::skip_unless_root!();
    let t = summary_of(Backend::Ebpf, "200000", &["--stats"]);
    t.expect(!t.stderr.contains("events lost"), "no loss");
    let rows = table(&t);
    t.expect(
        rows.get("getppid").map(|r| r.0) == Some(200_000),
        "every call counted",
    );
    let line = t
        .stderr
        .lines()
        .find(|l| l.starts_with("tracer: total"))
        .unwrap();
    let emitted: u64 = line.split_whitespace().nth(4).unwrap().parse().unwrap();
    t.expect(emitted == 0, "no per-call record left the kernel");
}

fn dash_big_c_prints_calls_and_table_and_histograms_draw(backend: Backend) {
    let mut args = vec![
        backend.arg(),
        "-C",
        "--histogram",
        "--",
        calls_bin(),
        "loop",
        "10",
    ];
    let t = trace(&args);
    t.expect(t.calls("getppid").len() == 10, "calls printed");
    t.expect(
        table(&t).get("getppid").map(|r| r.0) == Some(10),
        "and counted",
    );
    t.expect(
        t.stderr.contains("getppid latency (10 calls):") || t.stderr.contains("latency ("),
        "histograms",
    );
    t.expect(t.stderr.contains('@'), "bars");
    args.clear();
}

fn interval_prints_periodic_deltas(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-c",
        "-f",
        "--interval=250ms",
        "--",
        "sh",
        "-c",
        "for i in 1 2 3 4; do cat /etc/hostname > /dev/null; sleep 0.3; done",
    ]);
    t.expect(t.code() == Some(0), "success");
    let tables = t.stderr.matches("% time").count();
    t.expect(tables >= 3, "periodic tables plus the final one");
    let execs: Vec<u64> = t
        .stderr
        .lines()
        .filter(|l| l.ends_with(" execve"))
        .map(|l| l.split_whitespace().nth(3).unwrap().parse().unwrap())
        .collect();
    let (last, deltas) = execs.split_last().expect("execve rows");
    t.expect(
        *last >= 9,
        "the final table counts every execve (sh, 4 cats, 4 sleeps)",
    );
    t.expect(
        deltas.iter().all(|n| n < last),
        "interval tables hold deltas, not totals",
    );
    t.expect(
        deltas.iter().sum::<u64>() <= *last,
        "deltas add up to at most the total",
    );
    let labels: Vec<&str> = t
        .stderr
        .lines()
        .filter(|l| l.starts_with("Interval ") || l.starts_with("Total "))
        .collect();
    t.expect(
        labels[0].starts_with("Interval 1, ") && labels[1].starts_with("Interval 2, "),
        "each period is labelled with its number",
    );
    t.expect(
        labels
            .last()
            .is_some_and(|l| l.starts_with("Total of the whole trace, ") && l.ends_with(" s):")),
        "the last table is the whole trace's, named so, with its time span",
    );
}

/// strace's `-c` sums the time calls spend on a CPU in the kernel: a sleep costs next to
/// nothing, filling 32 MiB with random bytes costs milliseconds; `-w` counts wall-clock
/// time instead.
fn system_time_leaves_out_sleeping_and_dash_w_counts_it(backend: Backend) {
    let run = |extra: &[&str]| {
        let mut args = vec![backend.arg(), "-c"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--", calls_bin(), "cpu-sleep", "300"]);
        let t = trace(&args);
        t.expect(t.code() == Some(0), "success");
        t
    };
    let t = run(&["-U", "name,total-time,wall-total"]);
    let table = Table::of(&t.stderr, 0);
    t.expect(
        table
            .header
            .split_whitespace()
            .eq(["syscall", "seconds", "wall-total"]),
        "strace's headers",
    );
    let (sleep, sleep_wall) = (
        table.seconds("clock_nanosleep", 1),
        table.seconds("clock_nanosleep", 2),
    );
    t.expect(sleep_wall >= 0.29, "the sleep took its 300 ms");
    t.expect(sleep < 0.03, "but almost no system time");
    let (random, random_wall) = (table.seconds("getrandom", 1), table.seconds("getrandom", 2));
    t.expect(
        random >= 0.002 && random <= random_wall + 0.001,
        "32 MiB of random bytes cost system time, at most the call's wall-clock time",
    );
    let t = run(&["-w", "-U", "name,total-time"]);
    let table = Table::of(&t.stderr, 0);
    t.expect(
        table.seconds("clock_nanosleep", 1) >= 0.29,
        "-w: wall-clock time",
    );
}

/// `exit_group` never returns: strace gives it no row.
fn calls_that_never_return_are_not_counted(backend: Backend) {
    let t = trace(&[backend.arg(), "-c", "-f", "--", "sh", "-c", "exit 3"]);
    t.expect(t.code() == Some(3), "the command's status");
    let rows = table(&t);
    t.expect(
        rows.contains_key("execve"),
        "calls that returned are counted",
    );
    t.expect(
        !rows.contains_key("exit_group") && !rows.contains_key("exit"),
        "exit_group has no row",
    );
}

/// `-S` and `-U` with strace's keys: the same header, divider and counts as strace 6.1's.
fn sort_keys_and_columns_are_straces(backend: Backend) {
    let columns = "name,calls,errors,min-time,max-time,avg-time";
    let args = [
        "-c",
        "-S",
        "calls",
        "-U",
        columns,
        "--",
        calls_bin(),
        "loop",
        "50",
    ];
    let strace = tracer_tests::Traced::from(
        std::process::Command::new("strace")
            .args(args)
            // As the tracer runs it (`cargo test` adds its toolchain's libraries).
            .env_remove("LD_LIBRARY_PATH")
            .output()
            .expect("run strace"),
    );
    let theirs = Table::of(&strace.stderr, 0);
    let t = trace(&[&[backend.arg()][..], &args].concat());
    t.expect(t.code() == Some(0), "success");
    let ours = Table::of(&t.stderr, 0);
    t.expect(ours.header == theirs.header, &theirs.header);
    t.expect(ours.divider == theirs.divider, &theirs.divider);
    // Name and calls; errors where there are some (a zero is blank).
    for (name, cells) in [("getppid", 2), ("write", 2), ("openat", 3)] {
        t.expect(
            ours.row(name)[..cells] == theirs.row(name)[..cells],
            &format!("{name}: strace says {:?}", theirs.row(name)),
        );
    }
    let calls: Vec<u64> = ours.rows.iter().map(|r| r.1[1].parse().unwrap()).collect();
    t.expect(
        calls.windows(2).all(|w| w[0] >= w[1]),
        "-S calls: most calls first",
    );
    // Each time key sorts by its column, longest first.
    for (key, column) in [("max-time", "max-time"), ("min-time", "min-time")] {
        let t = trace(&[
            backend.arg(),
            "-c",
            "-S",
            key,
            "-U",
            &format!("name,{column}"),
            "--",
            calls_bin(),
            "loop",
            "50",
        ]);
        let table = Table::of(&t.stderr, 0);
        let times: Vec<f64> = table.rows.iter().map(|r| r.1[1].parse().unwrap()).collect();
        t.expect(times.windows(2).all(|w| w[0] >= w[1]), key);
    }
}
