//! The start-up part of `cargo xtask bench`: how long each tool takes to trace `true`
//! from its start to its exit, and with `-p` how long until the first traced call shows
//! and how long it takes to be gone after SIGINT. Medians of several runs of each.

use std::{
    ffi::OsString,
    fmt::Write as _,
    io::{BufRead as _, BufReader},
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};

use super::procs::{Proc, signal};

/// Runs of each launched command, and of each attach.
const LAUNCH_RUNS: usize = 11;
const ATTACH_RUNS: usize = 5;

/// The attached process calls `getppid` (and writes a byte to /dev/null) this often:
/// the first traced call shows within a millisecond of the tool being ready.
const TARGET_RATE: &str = "1000";

/// The traced command.
const TRUE: &str = "/usr/bin/true";

/// Medians and spreads, in milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Millis {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

impl Millis {
    fn of(mut samples: Vec<f64>) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        samples.sort_by(f64::total_cmp);
        Some(Self {
            median: samples[samples.len() / 2],
            min: samples[0],
            max: samples[samples.len() - 1],
        })
    }

    fn text(m: Option<Self>) -> String {
        m.map_or("-".to_owned(), |m| {
            format!("{:.0} ({:.0}–{:.0})", m.median, m.min, m.max)
        })
    }
}

/// One tool's figures; `error` says why a part has none.
#[derive(Debug)]
pub struct Row {
    pub id: &'static str,
    pub launch: String,
    pub attach: String,
    pub total: Option<Millis>,
    pub ready: Option<Millis>,
    pub stop: Option<Millis>,
    pub error: Option<String>,
}

/// A tool: its command before `true` (launched) and before the pid (attached: `{pid}`
/// stands for it); `None` where the tool has no such form worth timing.
struct Tool {
    id: &'static str,
    program: &'static str,
    launch: &'static [&'static str],
    attach: Option<&'static [&'static str]>,
}

const TOOLS: &[Tool] = &[
    Tool {
        id: "untraced",
        program: "",
        launch: &[],
        attach: None,
    },
    Tool {
        id: "tracer",
        program: "tracer",
        launch: &["-o", "/dev/null", "--"],
        attach: Some(&["-f", "-p", "{pid}"]),
    },
    Tool {
        id: "tracer-narrow",
        program: "tracer",
        launch: &["-e", "trace=openat", "-o", "/dev/null", "--"],
        attach: Some(&["-f", "-e", "trace=getppid", "-p", "{pid}"]),
    },
    Tool {
        id: "tracer-syscall-tp",
        program: "tracer",
        launch: &[
            "-e",
            "trace=openat",
            "--tracepoints=syscall",
            "-o",
            "/dev/null",
            "--",
        ],
        attach: Some(&[
            "-f",
            "-e",
            "trace=getppid",
            "--tracepoints=syscall",
            "-p",
            "{pid}",
        ]),
    },
    Tool {
        id: "tracer-c",
        program: "tracer",
        launch: &["-c", "-o", "/dev/null", "--"],
        attach: None,
    },
    Tool {
        id: "tracer-ptrace",
        program: "tracer",
        launch: &["--backend=ptrace", "-o", "/dev/null", "--"],
        attach: Some(&["--backend=ptrace", "-f", "-p", "{pid}"]),
    },
    Tool {
        id: "strace",
        program: "strace",
        launch: &["-o", "/dev/null", "--"],
        attach: Some(&["-f", "-p", "{pid}"]),
    },
    Tool {
        id: "strace-c",
        program: "strace",
        launch: &["-c", "-o", "/dev/null", "--"],
        attach: None,
    },
    Tool {
        id: "perf-trace",
        program: "perf",
        launch: &["trace", "-o", "/dev/null", "--"],
        attach: Some(&["trace", "-p", "{pid}"]),
    },
    Tool {
        id: "bpftrace",
        program: "bpftrace",
        launch: &[
            "-o",
            "/dev/null",
            "-e",
            "tracepoint:raw_syscalls:sys_enter /pid == cpid/ { @[args->id] = count(); }",
            "-c",
        ],
        attach: Some(&[
            "-e",
            "tracepoint:raw_syscalls:sys_enter /pid == {pid}/ { printf(\"getppid %d\\n\", args->id); }",
        ]),
    },
];

/// The trace sets whose verifier cost is timed: what each start of the tracer waits
/// for in the kernel, the syscall programs being the longest by far. Each with the
/// environment of its run: `TRACER_NO_BPF_LOOP` loads the exit program kernels before
/// 5.17 verify (its loops unrolled).
const VERIFIED: &[(&str, &[&str], Env)] = &[
    ("default", &[], &[]),
    (
        "default, loops unrolled (before 5.17)",
        &[],
        &[("TRACER_NO_BPF_LOOP", "1")],
    ),
    ("`-e trace=nanosleep`", &["-e", "trace=nanosleep"], &[]),
    ("`-e trace=openat`", &["-e", "trace=openat"], &[]),
    ("`-e trace=readv`", &["-e", "trace=readv"], &[]),
    ("`-e trace=getdents64`", &["-e", "trace=getdents64"], &[]),
    ("`-e trace=recvmmsg`", &["-e", "trace=recvmmsg"], &[]),
    ("`-e trace=%network`", &["-e", "trace=%network"], &[]),
    ("`-e trace=%desc`", &["-e", "trace=%desc"], &[]),
    ("`-c`", &["-c"], &[]),
    ("`-y`", &["-y"], &[]),
];

/// Variables set for a run.
type Env = &'static [(&'static str, &'static str)];

/// The syscall programs whose load `tracer -d` reports, as the table's columns: the
/// entry program and the exit program (or their twins whose loops `bpf_loop` runs); and
/// its line for the whole load.
const VERIFIED_PROGRAMS: [(&str, &[&str]); 2] = [
    (
        "tracer_sys_enter",
        &["tracer_sys_enter", "tracer_sys_enter_loops"],
    ),
    (
        "tracer_sys_exit",
        &["tracer_sys_exit", "tracer_sys_exit_loops"],
    ),
];
const LOADED_LINE: &str = "programs loaded and attached: ";

/// One trace set's load times (`tracer -d`): each syscall program's, verified side by
/// side, and everything's from the start of loading to the last attach; and the
/// instructions the verifier walked in each program (5.16+), which other work on the
/// machine does not change.
#[derive(Debug)]
pub struct Verified {
    pub set: &'static str,
    pub programs: [Option<Millis>; 2],
    pub instructions: [Option<u64>; 2],
    pub loaded: Option<Millis>,
    pub error: Option<String>,
}

/// The tracer's load times per trace set, over `LAUNCH_RUNS` runs each (after one not
/// counted).
pub fn measure_verifier(tracer: &Path) -> Vec<Verified> {
    VERIFIED
        .iter()
        .map(|&(set, args, env)| {
            eprintln!("xtask bench: verifier cost with {set}");
            let mut samples: [Vec<f64>; 3] = Default::default();
            let mut instructions = [None; 2];
            let mut error = None;
            for run in 0..=LAUNCH_RUNS {
                let out = Command::new(tracer)
                    .envs(env.iter().copied())
                    .arg("-d")
                    .args(args)
                    .args(["-o", "/dev/null", "--", TRUE])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .output();
                let out = match out {
                    Ok(out) if out.status.success() => out,
                    Ok(out) => {
                        error = Some(format!("tracer exited with {}", out.status));
                        break;
                    }
                    Err(e) => {
                        error = Some(format!("starting the tracer: {e}"));
                        break;
                    }
                };
                if run == 0 {
                    continue;
                }
                let log = String::from_utf8_lossy(&out.stderr);
                for (i, (_, names)) in VERIFIED_PROGRAMS.iter().enumerate() {
                    let line = log.lines().find_map(|l| {
                        let at = names
                            .iter()
                            .find_map(|n| l.find(&format!("{n} loaded in ")))?;
                        Some(&l[at..])
                    });
                    let Some(line) = line else { continue };
                    samples[i].extend(duration_after(line, " loaded in "));
                    instructions[i] = instructions[i].or_else(|| verified_count(line));
                }
                samples[2].extend(log.lines().find_map(|l| duration_after(l, LOADED_LINE)));
            }
            let [enter, exit, loaded] = samples;
            Verified {
                set,
                programs: [Millis::of(enter), Millis::of(exit)],
                instructions,
                loaded: Millis::of(loaded),
                error,
            }
        })
        .collect()
}

/// The count in `..., N instructions verified`.
fn verified_count(line: &str) -> Option<u64> {
    let end = line.find(" instructions verified")?;
    line[..end].rsplit([' ', ',']).next()?.parse().ok()
}

/// The duration (Rust's `Debug` of a `Duration`: `1.5ms`, `250µs`, `1.2s`) after
/// `prefix` in `line`, in milliseconds.
fn duration_after(line: &str, prefix: &str) -> Option<f64> {
    let text = &line[line.find(prefix)? + prefix.len()..];
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit() && c != '.')?;
    let (number, unit) = text.split_at(split);
    let unit = unit.split([' ', ',']).next().unwrap_or_default();
    let scale = match unit {
        "ns" => 1e-6,
        "µs" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        _ => return None,
    };
    Some(number.parse::<f64>().ok()? * scale)
}

/// Every tool's figures; `tracer` is the binary under test, `syscall_loop` the paced
/// loop attached to.
pub fn measure(tracer: &Path, syscall_loop: &Path) -> Vec<Row> {
    TOOLS
        .iter()
        .map(|tool| {
            let program: OsString = match tool.program {
                "tracer" => tracer.into(),
                other => other.into(),
            };
            eprintln!("xtask bench: start-up of {}", tool.id);
            let mut row = Row {
                id: tool.id,
                launch: launch_text(tool),
                attach: tool.attach.map_or("-".to_owned(), |a| {
                    format!("`{} {}`", tool.program, a.join(" "))
                }),
                total: None,
                ready: None,
                stop: None,
                error: None,
            };
            let mut errors = Vec::new();
            match launched(&program, tool) {
                Ok(m) => row.total = m,
                Err(e) => errors.push(format!("launched: {e:#}")),
            }
            if let Some(args) = tool.attach {
                match attached(&program, args, syscall_loop) {
                    Ok((ready, stop)) => (row.ready, row.stop) = (ready, stop),
                    Err(e) => errors.push(format!("attached: {e:#}")),
                }
            }
            row.error = (!errors.is_empty()).then(|| errors.join("; "));
            row
        })
        .collect()
}

fn launch_text(tool: &Tool) -> String {
    if tool.program.is_empty() {
        return "`true`".to_owned();
    }
    let args: Vec<String> = tool
        .launch
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("'{a}'")
            } else {
                (*a).to_owned()
            }
        })
        .collect();
    format!("`{} {} true`", tool.program, args.join(" "))
}

/// Wall time of `tool ... true`, start to exit, over `LAUNCH_RUNS` runs (the first,
/// which may fill caches, not counted).
fn launched(program: &OsString, tool: &Tool) -> Result<Option<Millis>> {
    let mut samples = Vec::new();
    for run in 0..=LAUNCH_RUNS {
        let mut cmd = if tool.program.is_empty() {
            Command::new(TRUE)
        } else {
            let mut cmd = Command::new(program);
            // A path: bpftrace's -c wants one binary, and the tools all search alike.
            cmd.args(tool.launch).arg(TRUE);
            cmd
        };
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let start = Instant::now();
        let out = cmd
            .output()
            .with_context(|| format!("starting {}", crate::display(&cmd)))?;
        let took = start.elapsed();
        if !out.status.success() {
            bail!(
                "{} exited with {}: {}",
                crate::display(&cmd),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        if run > 0 {
            samples.push(took.as_secs_f64() * 1e3);
        }
    }
    Ok(Millis::of(samples))
}

/// With the paced loop running: from the tool's start to its first line naming
/// `getppid` (ready), and from SIGINT to its exit (stop).
fn attached(
    program: &OsString,
    args: &[&str],
    syscall_loop: &Path,
) -> Result<(Option<Millis>, Option<Millis>)> {
    let mut target = Proc::spawn(
        "syscall_loop",
        Command::new(syscall_loop)
            .args(["--rate", TARGET_RATE, "--seconds", "600"])
            .stdout(Stdio::null()),
        libc::SIGKILL,
    )?;
    let pid = target.pid().to_string();
    let (mut ready, mut stop) = (Vec::new(), Vec::new());
    for _ in 0..ATTACH_RUNS {
        let (reader, writer) = std::io::pipe()?;
        let mut cmd = Command::new(program);
        cmd.args(args.iter().map(|a| a.replace("{pid}", &pid)))
            .stdin(Stdio::null())
            .stdout(writer.try_clone()?)
            .stderr(writer);
        let start = Instant::now();
        let mut tool = Proc::spawn("tool", &mut cmd, libc::SIGINT)?;
        // The command holds the write ends now: the reader sees the end when it exits.
        drop(cmd);
        let (seen, first) = mpsc::channel();
        let drain = std::thread::spawn(move || {
            let mut seen = Some(seen);
            for line in BufReader::new(reader).lines() {
                let Ok(line) = line else { break };
                if line.contains("getppid")
                    && let Some(s) = seen.take()
                {
                    let _ = s.send(Instant::now());
                }
            }
        });
        let Ok(at) = first.recv_timeout(Duration::from_secs(20)) else {
            drop(tool);
            let _ = drain.join();
            bail!("no traced call shown within 20 s");
        };
        ready.push((at - start).as_secs_f64() * 1e3);
        // Let it trace for a moment, as a user would, before stopping it.
        std::thread::sleep(Duration::from_millis(200));
        let stopping = Instant::now();
        signal(tool.pid(), libc::SIGINT);
        // Polled every millisecond (Proc::wait_timeout's 10 ms would be the resolution).
        while tool.exited().is_none() {
            if stopping.elapsed() > Duration::from_secs(30) {
                bail!("did not stop within 30 s of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        stop.push(stopping.elapsed().as_secs_f64() * 1e3);
        let _ = drain.join();
    }
    target.stop(Duration::from_secs(1));
    Ok((Millis::of(ready), Millis::of(stop)))
}

/// The report's section.
pub fn section(rows: &[Row], verified: &[Verified]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "{HEADING}\n");
    let _ = writeln!(
        md,
        "Wall time in ms, median (min–max): `launched` is the whole run of `TOOL true` \
         ({LAUNCH_RUNS} runs after a first one not counted); with `-p` on a process making \
         {TARGET_RATE} calls/s, `ready` is from the tool's start to its first line showing \
         a call, `stop` from SIGINT to the tool's exit ({ATTACH_RUNS} runs). \
         Reproduce with `cargo xtask bench --startup`.\n"
    );
    let _ = writeln!(
        md,
        "| tool | launched | command | ready (-p) | stop (-p) | attached as |"
    );
    let _ = writeln!(md, "|---|---|---|---|---|---|");
    for row in rows {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            row.id,
            Millis::text(row.total),
            row.launch,
            Millis::text(row.ready),
            Millis::text(row.stop),
            row.attach.replace('|', "\\|"),
        );
    }
    let _ = writeln!(md);
    for line in verdicts(rows) {
        let _ = writeln!(md, "- {line}");
    }
    let errors: Vec<&Row> = rows.iter().filter(|r| r.error.is_some()).collect();
    if !errors.is_empty() {
        let _ = writeln!(md);
        for row in errors {
            let _ = writeln!(
                md,
                "- {}: n/a ({})",
                row.id,
                row.error.as_deref().unwrap_or_default()
            );
        }
    }
    let _ = writeln!(md);
    if !verified.is_empty() {
        verifier_table(&mut md, verified);
    }
    md
}

/// The load times per trace set: the kernel's verifier, mostly.
fn verifier_table(md: &mut String, verified: &[Verified]) {
    let _ = writeln!(
        md,
        "Load times in ms, median (min–max) of {LAUNCH_RUNS} runs of \
         `tracer -d SET -o /dev/null -- true` (its log): each syscall program's (the \
         kernel's verifier, the two side by side) and the whole load, from the start to \
         the last attach; and the instructions the verifier walked in each (its time \
         grows with them; the count does not change with other work on the machine). \
         The programs are verified without the code the frozen settings switch off (the \
         trace set's capture kinds, `-c`, `-y`...); their captures are global functions \
         the verifier checks once, and on 5.17+ the exit program's loops run through \
         `bpf_loop` (the unrolled row is what older kernels verify).\n"
    );
    let (enter, exit) = (VERIFIED_PROGRAMS[0].0, VERIFIED_PROGRAMS[1].0);
    let _ = writeln!(
        md,
        "| trace set | {enter} | {exit} | {enter} (instructions) | {exit} (instructions) | loaded and attached |"
    );
    let _ = writeln!(md, "|---|---|---|--:|--:|---|");
    let count = |n: Option<u64>| n.map_or("-".to_owned(), |n| n.to_string());
    for v in verified {
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} |",
            v.set,
            Millis::text(v.programs[0]),
            Millis::text(v.programs[1]),
            count(v.instructions[0]),
            count(v.instructions[1]),
            Millis::text(v.loaded),
        );
    }
    let _ = writeln!(md);
    for v in verified.iter().filter(|v| v.error.is_some()) {
        let _ = writeln!(
            md,
            "- {}: n/a ({})",
            v.set,
            v.error.as_deref().unwrap_or_default()
        );
    }
}

/// Issue 17's targets, against the medians of the tracer's eBPF rows (the default
/// attach mode: `tracer-syscall-tp` is the opt-in shown for comparison).
fn verdicts(rows: &[Row]) -> Vec<String> {
    let ebpf = ["tracer", "tracer-narrow", "tracer-c"];
    let of = |pick: fn(&Row) -> Option<Millis>| -> Vec<(&'static str, f64)> {
        rows.iter()
            .filter(|r| ebpf.contains(&r.id))
            .filter_map(|r| Some((r.id, pick(r)?.median)))
            .collect()
    };
    let verdict = |target: &str, limit: f64, got: Vec<(&str, f64)>| {
        let met = !got.is_empty() && got.iter().all(|&(_, v)| v <= limit);
        let measured: Vec<String> = got.iter().map(|(id, v)| format!("{id} {v:.0}")).collect();
        format!(
            "target: {target} (at most {limit:.0} ms): {}: {}",
            if measured.is_empty() {
                "n/a".to_owned()
            } else {
                measured.join(", ")
            },
            if met { "met" } else { "**missed**" }
        )
    };
    vec![
        verdict("`tracer -- true` end to end", 100.0, of(|r| r.total)),
        verdict("`-p` ready", 50.0, of(|r| r.ready)),
        verdict("exit after SIGINT with `-p`", 50.0, of(|r| r.stop)),
    ]
}

pub const HEADING: &str = "## Start-up and teardown";

/// `report` with its start-up section replaced by `section` (or put before the notes).
pub fn splice(report: &str, section: &str) -> String {
    splice_section(report, HEADING, section)
}

/// The section under `heading` of `report`, up to the next heading, if it has one.
pub fn section_of<'a>(report: &'a str, heading: &str) -> Option<&'a str> {
    section_range(report, heading).map(|r| &report[r])
}

fn section_range(report: &str, heading: &str) -> Option<std::ops::Range<usize>> {
    let at = report.find(&format!("{heading}\n"))?;
    let rest = &report[at + heading.len()..];
    let end = rest
        .find("\n## ")
        .map_or(report.len(), |e| at + heading.len() + e + 1);
    Some(at..end)
}

/// `report` with its section under `heading` replaced by `section`, or `section` added
/// before the notes.
pub fn splice_section(report: &str, heading: &str, section: &str) -> String {
    if let Some(r) = section_range(report, heading) {
        return format!("{}{section}{}", &report[..r.start], &report[r.end..]);
    }
    match report.find("## Notes\n") {
        Some(at) => format!("{}{section}{}", &report[..at], &report[at..]),
        None => format!("{report}\n{section}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_times_are_read_from_the_debug_log() {
        let line = "tracer: tracer::backend::ebpf::loader: tracer_sys_exit loaded in 101.691494ms";
        assert_eq!(
            duration_after(line, "tracer_sys_exit loaded in "),
            Some(101.691494)
        );
        assert_eq!(
            duration_after("x loaded in 250µs", "x loaded in "),
            Some(0.25)
        );
        assert_eq!(
            duration_after("x loaded in 1.5s", "x loaded in "),
            Some(1500.0)
        );
        assert_eq!(duration_after("y loaded in 3ms", "x loaded in "), None);
        let line = "tracer_sys_exit_loops loaded in 11.2ms, 11364 instructions verified";
        assert_eq!(duration_after(line, " loaded in "), Some(11.2));
        assert_eq!(verified_count(line), Some(11364));
        assert_eq!(verified_count("tracer_sys_exit loaded in 11.2ms"), None);
    }

    #[test]
    fn the_section_is_replaced_or_put_before_the_notes() {
        let new = format!("{HEADING}\n\nnew\n\n");
        let before = "# B\n\n## Loop\n\nx\n\n## Notes\n\n- n\n";
        let once = splice(before, &new);
        assert_eq!(
            once,
            format!("# B\n\n## Loop\n\nx\n\n{HEADING}\n\nnew\n\n## Notes\n\n- n\n")
        );
        let newer = format!("{HEADING}\n\nnewer\n\n");
        assert_eq!(splice(&once, &newer), once.replace("new\n", "newer\n"));
    }
}
