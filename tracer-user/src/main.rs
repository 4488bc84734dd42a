//! `tracer`: strace's output from eBPF.
//!
//! Data flows one way: a backend (`backend::ebpf` or `backend::ptrace`) turns what the
//! kernel reports into events, the middle stage (`pipeline`) does what is the same for
//! both, and the sinks format them (`format`) to their destinations (`output`) or fold
//! them into reports (`report`). ARCHITECTURE.md has the map.

mod backend;
mod cli;
mod config;
mod decode;
mod event;
mod format;
mod launch;
mod output;
mod pipeline;
mod qualifiers;
mod report;
mod syscalls;
mod version;

use std::{
    io::{self, Write as _},
    process::ExitCode,
};

use anyhow::{Context as _, Result};

use crate::{
    backend::{Backend, Outcome, Stop},
    cli::{CommandLine, Early, Generate},
    config::{Config, Target},
    event::ExitStatus,
    output::{file::WriteError, status::human_bytes},
    pipeline::Pipeline,
    report::{
        diagnose::Diagnosis,
        summary::{Counted, Summary, TableOptions},
    },
};

fn main() -> ExitCode {
    let command_line = match cli::parse(std::env::args_os()) {
        Ok(cl) => cl,
        Err(Early::Help(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(Early::Error(e)) => return fail(&e),
    };
    if let Some(code) = early_exit(&command_line) {
        return code;
    }
    let cfg = match command_line.into_config() {
        Ok(cfg) => cfg,
        Err(e) => return fail(&format!("{e:#}")),
    };
    init_logging(cfg.debug);
    for note in &cfg.notes {
        eprintln!("tracer: {note}");
    }
    match run(&cfg) {
        Ok(code) => code,
        Err(e) => {
            let status = e
                .downcast_ref::<launch::CommandError>()
                .map_or(1, |e| e.exit_status());
            fail(&format!("{e:#}"));
            ExitCode::from(status as u8)
        }
    }
}

/// Reports an error on one line, `tracer: ...`, and gives the exit status for it.
fn fail(message: &str) -> ExitCode {
    // Messages from elsewhere (a parser, the kernel) may span lines: one line each.
    let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("tracer: {message}");
    ExitCode::from(1)
}

/// `-V`, `--generate`, a lone `--tips`: answered without tracing anything.
fn early_exit(cl: &CommandLine) -> Option<ExitCode> {
    let args = &cl.args;
    if args.version {
        print!("{}", version::text());
        return Some(ExitCode::SUCCESS);
    }
    if let Some(what) = args.generate {
        let mut cmd = cli::command();
        let out = &mut io::stdout();
        let written = match what {
            Generate::Man => clap_mangen::Man::new(cmd).render(out),
            Generate::Bash | Generate::Zsh | Generate::Fish => {
                use clap_complete::Shell;
                let shell = match what {
                    Generate::Bash => Shell::Bash,
                    Generate::Zsh => Shell::Zsh,
                    _ => Shell::Fish,
                };
                clap_complete::generate(shell, &mut cmd, "tracer", out);
                Ok(())
            }
        };
        return Some(match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("--generate: {e}")),
        });
    }
    let nothing_to_trace = args.command.is_empty() && args.pids.is_empty() && args.cgroup.is_none();
    if args.tips.is_some() && nothing_to_trace {
        println!(
            "tracer: no tips here: `tracer --help` groups the options, `man tracer` explains them"
        );
        return Some(ExitCode::SUCCESS);
    }
    None
}

/// Log lines (the tracer's own warnings; with `-d` its debug messages) as one line each,
/// `tracer: ...`, like every other message.
fn init_logging(debug: bool) {
    let level = if debug { "debug" } else { "warn" };
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(level))
        .format(|buf, record| {
            if record.level() <= log::Level::Warn {
                writeln!(buf, "tracer: {}", record.args())
            } else {
                writeln!(buf, "tracer: {}: {}", record.target(), record.args())
            }
        })
        .init();
}

fn run(cfg: &Config) -> Result<ExitCode> {
    // A missing command is the user's error: report it before touching the kernel.
    let program = match &cfg.target {
        Target::Command(argv) => Some(launch::resolve(&argv[0])?),
        Target::Attach(_) | Target::Cgroup(_) => None,
    };
    // `-D`: from here on this is the tracer, a grandchild of the command.
    let daemonized = match (&cfg.target, &program, cfg.daemonize) {
        (Target::Command(argv), Some(path), Some(how)) => {
            Some(launch::daemonize(how, path, argv, &cfg.launch)?)
        }
        _ => None,
    };
    let signals = backend::block_signals(cfg.interruptible)?;
    let table = match &cfg.summary {
        Some(s) => Some(TableOptions::parse(&s.sort_by, s.columns.as_deref())?),
        None => None,
    };
    let backend = Backend::select(cfg)?;
    let counted = if backend.counts_in_kernel() {
        Counted::InKernel
    } else {
        Counted::FromEvents
    };
    let mut trace = output::trace_sink(cfg, format::formatter(cfg))?;
    let mut summary = match (&cfg.summary, table) {
        (Some(s), Some(table)) => Some(Summary::new(
            table,
            s.histogram,
            counted,
            s.interval,
            output::report_output(cfg)?,
        )),
        _ => None,
    };
    let mut diagnosis = cfg
        .diagnose
        .then(|| Diagnosis::new(cfg.decode.clone(), counted));
    let result = {
        let mut pipeline = Pipeline::new(cfg, backend.filters_in_kernel(), format::shows_comm(cfg));
        if cfg.shows_calls() {
            pipeline.push(&mut trace);
        }
        if let Some(s) = summary.as_mut() {
            pipeline.push(s);
        }
        if let Some(d) = diagnosis.as_mut() {
            pipeline.push(d);
        }
        backend.run(cfg, program, daemonized, signals, &mut pipeline)
    };
    trace.finish();
    if result.is_ok() {
        if let Some(s) = summary {
            s.finish().context("writing the summary")?;
        }
        if let Some(d) = diagnosis {
            output::report_output(cfg)?.write_all(d.report().as_bytes())?;
        }
    }
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => return stopped_by_error(e, trace),
    };
    drop(trace);
    Ok(finished(cfg, &outcome))
}

/// The trace stopped on an error. A reader that went away (`tracer ... 2>&1 | head`) is
/// no one to tell; a write that failed (disk full) says what is missing.
fn stopped_by_error(e: anyhow::Error, trace: output::status::Monitored) -> Result<ExitCode> {
    let Some(io_error) = e.chain().find_map(|c| c.downcast_ref::<io::Error>()) else {
        return Err(e);
    };
    if io_error.kind() == io::ErrorKind::BrokenPipe {
        drop(trace);
        return Ok(ExitCode::SUCCESS);
    }
    let Some(write_error) = io_error
        .get_ref()
        .and_then(|e| e.downcast_ref::<WriteError>())
    else {
        return Err(e);
    };
    let totals = trace.totals();
    drop(trace);
    eprintln!("tracer: writing the trace to {write_error}");
    eprintln!(
        "tracer: trace incomplete: stopped after {} events ({} written), {} events lost in \
         the kernel",
        totals.events,
        human_bytes(totals.bytes),
        totals.lost
    );
    Ok(ExitCode::from(1))
}

/// The last words after a trace that ran its course, and the exit status: as strace, the
/// command's own, or 128+N when it was killed by signal N.
fn finished(cfg: &Config, outcome: &Outcome) -> ExitCode {
    if outcome.lost > 0 {
        eprintln!("tracer: {} events lost", outcome.lost);
    }
    if outcome.stop == Some(Stop::SyscallLimit) && !cfg.quiet.attach() {
        eprintln!("tracer: System call limit has been reached, detaching tracees");
    }
    if let Target::Attach(pids) = &cfg.target
        && !cfg.quiet.attach()
        && outcome.stop.is_some()
    {
        for pid in pids {
            eprintln!("tracer: Process {pid} detached");
        }
    }
    match (outcome.launched_status, outcome.stop) {
        (Some(ExitStatus::Exited(code)), _) => ExitCode::from(code as u8),
        (Some(ExitStatus::Killed { signal, .. }), _) => ExitCode::from(128 + signal as u8),
        (_, Some(Stop::Signal(sig))) if cfg.target_is_command() => ExitCode::from(128 + sig as u8),
        // The tracees go on untraced, the tracer does not wait for them (as strace).
        _ => ExitCode::SUCCESS,
    }
}
