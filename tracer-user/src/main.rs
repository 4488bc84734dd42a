//! `tracer`: strace's output from eBPF.
//!
//! Data flows one way: a backend (`backend::ebpf` or `backend::ptrace`) turns what the
//! kernel reports into events, the middle stage (`pipeline`) does what is the same for
//! both, and the sinks format them (`format`) to their destinations (`output`) or fold
//! them into reports (`report`). ARCHITECTURE.md has the map.

mod backend;
mod cli;
mod config;
mod container;
mod decode;
mod event;
mod export;
mod format;
mod launch;
mod output;
mod pipeline;
mod qualifiers;
mod report;
mod syscalls;

use std::{
    io::{self, Write as _},
    process::ExitCode,
};

use anyhow::{Context as _, Result};
use clap::Parser as _;

use crate::{
    backend::{Backend, Outcome, Stop},
    cli::Args,
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
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .format_timestamp(None)
        .init();
    let cfg = match Args::parse().into_config() {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!("tracer: {e:#}");
            return ExitCode::from(1);
        }
    };
    match run(&cfg) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tracer: {e:#}");
            let status = e
                .downcast_ref::<launch::CommandError>()
                .map_or(1, |e| e.exit_status());
            ExitCode::from(status as u8)
        }
    }
}

fn run(cfg: &Config) -> Result<ExitCode> {
    let signals = backend::block_signals()?;
    // A missing command is the user's error: report it before touching the kernel.
    let program = match &cfg.target {
        Target::Command(argv) => Some(launch::resolve(&argv[0])?),
        Target::Attach(_) | Target::Cgroup(_) => None,
    };
    let backend = Backend::select(cfg)?;
    let counted = if backend.counts_in_kernel() {
        Counted::InKernel
    } else {
        Counted::FromEvents
    };
    let mut trace = output::trace_sink(cfg, format::formatter(cfg))?;
    let mut summary = match &cfg.summary {
        Some(s) => Some(Summary::new(
            TableOptions::parse(&s.sort_by, s.columns.as_deref())?,
            s.histogram,
            counted,
            s.interval,
            output::report_output(cfg)?,
        )),
        None => None,
    };
    let mut diagnosis = cfg
        .diagnose
        .then(|| Diagnosis::new(cfg.decode.clone(), counted));
    let mut exporter = match &cfg.export {
        Some(opts) => Some(export::Exporter::new(cfg, opts)?),
        None => None,
    };
    let result = {
        let mut pipeline = Pipeline::new(cfg, backend.filters_in_kernel(), cfg.task_facts());
        if cfg.shows_calls() {
            pipeline.push(&mut trace);
        }
        if let Some(s) = summary.as_mut() {
            pipeline.push(s);
        }
        if let Some(d) = diagnosis.as_mut() {
            pipeline.push(d);
        }
        if let Some(e) = exporter.as_mut() {
            pipeline.push(e);
        }
        backend.run(cfg, program, signals, &mut pipeline)
    };
    trace.finish();
    if let Some(e) = exporter {
        e.finish();
    }
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
    if let Target::Attach(pids) = &cfg.target
        && cfg.quiet == 0
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
        _ => ExitCode::SUCCESS,
    }
}
