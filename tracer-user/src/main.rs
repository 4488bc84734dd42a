//! `tracer`: strace's output from eBPF.
//!
//! Data flows one way: a backend (`backend::ebpf` or `backend::ptrace`) turns what the
//! kernel reports into events, the middle stage (`pipeline`) does what is the same for
//! both, and the sinks format them (`format`) to their destinations (`output`) or fold
//! them into reports (`report`). ARCHITECTURE.md has the map.

mod attach;
mod backend;
mod cli;
mod config;
mod decode;
mod event;
mod format;
mod launch;
mod output;
mod pipeline;
mod privilege;
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
    backend::{Backend, Outcome, Running, Stop, Waited},
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
    privilege::check(cfg)?;
    // A missing command is the user's error: report it before touching the kernel.
    let program = match &cfg.target {
        Target::Command(argv) => Some(launch::resolve(&argv[0])?),
        Target::Attach(_) | Target::Cgroup(_) => None,
    };
    let backend = Backend::select(cfg)?;
    // What follows (outputs, the command, attaching) is done as the user.
    privilege::drop_after_load(backend.uses_bpf())?;
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
    let outcome = {
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
        backend.run(cfg, program, &signals, &mut pipeline)?
    };
    trace.finish();
    let mut code = None;
    match &outcome.stop {
        Some(Stop::Error(e)) => code = stopped_by_error(e, &trace),
        Some(Stop::Signal(_)) | None => {
            if let Some(s) = summary {
                s.finish().context("writing the summary")?;
            }
            if let Some(d) = diagnosis {
                output::report_output(cfg)?.write_all(d.report().as_bytes())?;
            }
        }
    }
    drop(trace);
    Ok(finished(cfg, outcome, code, &signals))
}

/// The trace stopped on an error. A reader that went away (`tracer ... 2>&1 | head`) is
/// no one to tell, and the exit status stays the command's; anything else is said, and
/// the status is 1.
fn stopped_by_error(e: &anyhow::Error, trace: &output::status::Monitored) -> Option<ExitCode> {
    let io_error = e.chain().find_map(|c| c.downcast_ref::<io::Error>());
    if io_error.is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
        return None;
    }
    let Some(write_error) = io_error
        .and_then(|e| e.get_ref())
        .and_then(|e| e.downcast_ref::<WriteError>())
    else {
        output::note(format_args!("{e:#}"));
        return Some(ExitCode::from(1));
    };
    let totals = trace.totals();
    output::note(format_args!("writing the trace to {write_error}"));
    output::note(format_args!(
        "trace incomplete: stopped after {} events ({} written), {} events lost in the kernel",
        totals.events,
        human_bytes(totals.bytes),
        totals.lost
    ));
    Some(ExitCode::from(1))
}

/// The last words after the trace, and the exit status. As strace, it is the command's
/// own, or 128+N when signal N killed it; a command that outlives its trace goes on
/// untraced and is waited for, so its status is not lost. `error_code` is the status an
/// error decided.
fn finished(
    cfg: &Config,
    outcome: Outcome,
    error_code: Option<ExitCode>,
    signals: &nix::sys::signalfd::SignalFd,
) -> ExitCode {
    if outcome.lost.total() > 0 {
        output::note(format_args!(
            "{} events lost ({}): the ring buffer was full (--buffer-size makes it larger)",
            outcome.lost.total(),
            outcome.lost.describe()
        ));
    }
    if cfg.quiet == 0 && outcome.stop.is_some() {
        for pid in &outcome.attached {
            output::note(format_args!("Process {pid} detached"));
        }
    }
    let mut status = outcome.launched_status.map(Ok);
    if let Some(running) = outcome.running {
        let pid = running.pid();
        // Not when the trace's reader went away: stderr may be that reader.
        let reader_gone = matches!(outcome.stop, Some(Stop::Error(_))) && error_code.is_none();
        if cfg.quiet == 0 && !reader_gone {
            let hint = match (&running, &outcome.stop) {
                (Running::Filtered(_), _) => "",
                (Running::Detached(_), Some(Stop::Signal(_))) => {
                    " (interrupt again to leave it running)"
                }
                (Running::Detached(_), _) => " (interrupt to leave it running)",
            };
            output::note(format_args!(
                "Process {pid} runs on untraced; waiting for it to exit{hint}"
            ));
        }
        status = match running.wait(signals) {
            Waited::Ended(s) => Some(Ok(s)),
            Waited::Interrupted(sig) => Some(Err(sig)),
            Waited::Unknown => None,
        };
    }
    if let Some(code) = error_code {
        return code;
    }
    match (status, &outcome.stop) {
        (Some(Ok(ExitStatus::Exited(code))), _) => ExitCode::from(code as u8),
        (Some(Ok(ExitStatus::Killed { signal, .. })), _) => ExitCode::from(128 + signal as u8),
        (Some(Err(sig)), _) => ExitCode::from(128 + sig as u8),
        (_, Some(Stop::Signal(sig))) if cfg.target_is_command() => ExitCode::from(128 + *sig as u8),
        _ => ExitCode::SUCCESS,
    }
}
