//! What is measured: the workloads and the tracing configurations, as data.

/// A program driven against (or run under) each configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Workload {
    /// `redis-benchmark -t set,get -c 50` against a redis-server without persistence.
    Redis,
    /// `pgbench -S` and the default TPC-B-like mix, 4 clients, against a scratch cluster.
    Pgbench,
    /// `syscall_loop`: getppid and a 1-byte write to /dev/null, ns per call.
    Loop,
    /// `fio --ioengine=io_uring`: 4 KiB random reads of a cached file, 16 in flight; IOPS.
    /// Few syscalls, many io_uring operations (each one a line in a full trace).
    Fio,
}

impl Workload {
    pub const ALL: [Workload; 4] = [
        Workload::Redis,
        Workload::Pgbench,
        Workload::Loop,
        Workload::Fio,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Workload::Redis => "redis",
            Workload::Pgbench => "pgbench",
            Workload::Loop => "loop",
            Workload::Fio => "fio",
        }
    }

    /// The numbers one run of the workload produces, in order.
    pub fn metrics(self) -> &'static [Metric] {
        match self {
            Workload::Redis => &[Metric {
                name: "Redis SET+GET",
                unit: "req/s",
                higher_is_better: true,
                chart: true,
            }],
            Workload::Pgbench => &[
                Metric {
                    name: "pgbench -S",
                    unit: "tps",
                    higher_is_better: true,
                    chart: true,
                },
                Metric {
                    name: "pgbench tpcb-like",
                    unit: "tps",
                    higher_is_better: true,
                    chart: true,
                },
            ],
            Workload::Loop => &[
                Metric {
                    name: "syscall loop",
                    unit: "ns/call",
                    higher_is_better: false,
                    chart: true,
                },
                Metric {
                    name: "getppid",
                    unit: "ns/call",
                    higher_is_better: false,
                    chart: false,
                },
                Metric {
                    name: "write 1 byte",
                    unit: "ns/call",
                    higher_is_better: false,
                    chart: false,
                },
            ],
            Workload::Fio => &[Metric {
                name: "fio io_uring randread",
                unit: "IOPS",
                higher_is_better: true,
                chart: true,
            }],
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Metric {
    pub name: &'static str,
    pub unit: &'static str,
    /// Throughput (req/s, tps) rather than a cost (ns per call).
    pub higher_is_better: bool,
    /// Drawn in the chart (as a throughput ratio).
    pub chart: bool,
}

/// The tracing program of a configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Strace,
    /// `perf trace` (the `trace` subcommand is in the arguments).
    Perf,
    /// This project's `tracer`, release build.
    Tracer,
    /// Reference point: empty programs on every syscall's entry and exit.
    Bpftrace,
}

impl Tool {
    pub fn program(self) -> &'static str {
        match self {
            Tool::Strace => "strace",
            Tool::Perf => "perf",
            Tool::Tracer => "tracer",
            Tool::Bpftrace => "bpftrace",
        }
    }

    /// Whether the tool names its target with `-p PID` / `-- COMMAND` (bpftrace's
    /// program here traces everything).
    pub fn takes_target(self) -> bool {
        self != Tool::Bpftrace
    }
}

/// How the tool meets the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Attach to the running server with `-p PID` (following its forks: new postgres
    /// backends). The syscall loop, being short-lived, is launched instead.
    Attach,
    /// Start the server (or the loop) under the tool: `tool ARGS -- server ...`.
    Launch,
    /// The workload runs untraced while the tool traces an idle process beside it:
    /// the tax every other process pays.
    Beside,
}

/// One column of the comparison.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// Short name, used in tables, the chart and `--configs`.
    pub id: &'static str,
    /// None: untraced.
    pub tool: Option<Tool>,
    pub mode: Mode,
    /// The tool's arguments before the target; `{out}` is a scratch file.
    pub args: &'static [&'static str],
    /// The workloads it runs on (empty: all).
    pub only: &'static [Workload],
    /// Stops the traced process at every syscall (ptrace): on Redis it runs a fifth of the
    /// requests, so a round stays short. Throughput does not depend on the count.
    pub slow: bool,
    /// Exports to an OpenTelemetry collector: `{otlp}` in the arguments is the URL of a
    /// local rotel-agent the bench runs for it.
    pub collector: bool,
}

const ALL: &[Workload] = &[];
const LOOP: &[Workload] = &[Workload::Loop];
const REDIS: &[Workload] = &[Workload::Redis];

const fn setup(id: &'static str, tool: Tool, mode: Mode, args: &'static [&'static str]) -> Setup {
    Setup {
        id,
        tool: Some(tool),
        mode,
        args,
        only: ALL,
        slow: false,
        collector: false,
    }
}

const fn exporting(s: Setup) -> Setup {
    Setup {
        collector: true,
        ..s
    }
}

const fn slow(s: Setup) -> Setup {
    Setup { slow: true, ..s }
}

const fn only(s: Setup, workloads: &'static [Workload]) -> Setup {
    Setup {
        only: workloads,
        ..s
    }
}

/// Every configuration, in the order each round runs them. `untraced` comes first: every
/// other one is compared with the untraced run of the same round.
pub const SETUPS: &[Setup] = &[
    Setup {
        id: "untraced",
        tool: None,
        mode: Mode::Attach,
        args: &[],
        only: ALL,
        slow: false,
        collector: false,
    },
    slow(setup(
        "strace-full",
        Tool::Strace,
        Mode::Attach,
        &["-f", "-o", "{out}"],
    )),
    slow(setup(
        "strace-network",
        Tool::Strace,
        Mode::Attach,
        &["-f", "-e", "trace=%network", "-o", "{out}"],
    )),
    slow(setup(
        "strace-c",
        Tool::Strace,
        Mode::Attach,
        &["-c", "-f", "-o", "{out}"],
    )),
    setup(
        "strace-seccomp",
        Tool::Strace,
        Mode::Launch,
        &["-f", "--seccomp-bpf", "-e", "trace=%network", "-o", "{out}"],
    ),
    // perf trace -p does not follow the forks of the traced process (new postgres
    // backends): it is launched with the server instead.
    slow(setup(
        "perf-trace",
        Tool::Perf,
        Mode::Launch,
        &["trace", "-o", "{out}"],
    )),
    setup(
        "tracer-full",
        Tool::Tracer,
        Mode::Attach,
        &["-f", "-T", "-o", "{out}"],
    ),
    // JSON lines at the full-trace rate: the formatter's cost against text's.
    only(
        setup(
            "tracer-full-json",
            Tool::Tracer,
            Mode::Attach,
            &["-f", "-T", "--format=json", "-o", "{out}"],
        ),
        REDIS,
    ),
    // `--export` beside `-o`: the same trace to the file and to a local collector.
    only(
        exporting(setup(
            "tracer-full-export",
            Tool::Tracer,
            Mode::Attach,
            &["-f", "-T", "-o", "{out}", "--export", "otlp={otlp}"],
        )),
        REDIS,
    ),
    only(
        exporting(setup(
            "tracer-export-only",
            Tool::Tracer,
            Mode::Attach,
            &["-f", "-T", "-o", "/dev/null", "--export", "otlp={otlp}"],
        )),
        REDIS,
    ),
    setup(
        "tracer-network",
        Tool::Tracer,
        Mode::Attach,
        &["-f", "-e", "trace=%network", "-o", "{out}"],
    ),
    setup(
        "tracer-file",
        Tool::Tracer,
        Mode::Attach,
        &["-f", "-e", "trace=%file", "-o", "{out}"],
    ),
    only(
        setup(
            "tracer-network-syscall",
            Tool::Tracer,
            Mode::Attach,
            &[
                "-f",
                "-e",
                "trace=%network",
                "--tracepoints=syscall",
                "-o",
                "{out}",
            ],
        ),
        LOOP,
    ),
    setup(
        "tracer-c",
        Tool::Tracer,
        Mode::Attach,
        &["-c", "-f", "-o", "{out}"],
    ),
    setup(
        "tracer-min-1ms",
        Tool::Tracer,
        Mode::Attach,
        &["-f", "--min-duration=1ms", "-o", "{out}"],
    ),
    slow(setup(
        "ptrace-full",
        Tool::Tracer,
        Mode::Attach,
        &["--backend=ptrace", "-f", "-o", "{out}"],
    )),
    setup(
        "ptrace-network",
        Tool::Tracer,
        Mode::Launch,
        &[
            "--backend=ptrace",
            "-f",
            "-e",
            "trace=%network",
            "-o",
            "{out}",
        ],
    ),
    setup(
        "beside-narrow",
        Tool::Tracer,
        Mode::Beside,
        &[
            "-f",
            "-e",
            "trace=%network",
            "--tracepoints=syscall",
            "-o",
            "{out}",
        ],
    ),
    setup(
        "beside-full",
        Tool::Tracer,
        Mode::Beside,
        &["-f", "-T", "-o", "{out}"],
    ),
    // The floor of any program on every syscall (the servers' too: `tracer -c`'s target).
    setup(
        "bpftrace-empty",
        Tool::Bpftrace,
        Mode::Beside,
        &[
            "-e",
            "tracepoint:raw_syscalls:sys_enter {} tracepoint:raw_syscalls:sys_exit {}",
        ],
    ),
];

impl Setup {
    pub fn runs_on(&self, workload: Workload) -> bool {
        self.only.is_empty() || self.only.contains(&workload)
    }

    /// What it does, in words, for the tables.
    pub fn describe(&self) -> &'static str {
        match self.id {
            "untraced" => "no tracer",
            "strace-full" => "every call to a file",
            "strace-network" => "network calls only (every call still stops)",
            "strace-c" => "counts only",
            "strace-seccomp" => "network calls, seccomp filter (launched)",
            "perf-trace" => "every call to a file (launched: -p does not follow forks)",
            "tracer-full" => "every call to a file, with times",
            "tracer-full-json" => "as tracer-full, as JSON lines",
            "tracer-full-export" => "as tracer-full, and every call to a local OTLP collector",
            "tracer-export-only" => "every call to a local OTLP collector (text to /dev/null)",
            "tracer-network" => "network calls only (on postgres: every query's send/recv)",
            "tracer-file" => "file calls only (few on both servers)",
            "tracer-network-syscall" => "network calls only, per-syscall tracepoints",
            "tracer-c" => "counts in the kernel",
            "tracer-min-1ms" => "calls of 1 ms or more",
            "ptrace-full" => "ptrace backend, every call to a file",
            "ptrace-network" => "ptrace backend, network calls (launched)",
            "beside-narrow" => "untraced; tracer -e trace=%network on another process",
            "beside-full" => "untraced; tracer -f -T on another process",
            "bpftrace-empty" => "untraced; empty bpftrace programs on every syscall",
            _ => "",
        }
    }

    /// The command line, with the target as a placeholder.
    pub fn command_line(&self) -> String {
        let Some(tool) = self.tool else {
            return "-".to_owned();
        };
        let mut words = vec![tool.program().to_owned()];
        words.extend(self.args.iter().map(|a| {
            let a = a.replace("{out}", "FILE").replace("{otlp}", "URL");
            if a.contains(' ') { format!("'{a}'") } else { a }
        }));
        if tool.takes_target() {
            words.push(
                match self.mode {
                    Mode::Attach => "-p SERVER",
                    Mode::Launch => "-- SERVER...",
                    Mode::Beside => "-p OTHER",
                }
                .to_owned(),
            );
        }
        words.join(" ")
    }
}
