//! `tracer`: strace's output from eBPF.

mod backend;
mod cli;
mod decode;
mod diagnose;
mod event;
mod filter;
mod format;
mod launch;
mod summary;
mod syscalls;

use std::{
    io::{self, Write as _},
    process::ExitCode,
};

use anyhow::{Context as _, Result};
use clap::Parser as _;

use crate::{
    backend::Stop,
    cli::{Args, Config, Target},
    event::ExitStatus,
    format::{output::WriteError, status::human_bytes},
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
    let mut sink = format::build(cfg)?;
    // -c prints only the table, -C the calls too; --diagnose only its report.
    let show_calls = cfg.summary.as_ref().is_none_or(|s| s.with_calls) && !cfg.diagnose;
    let mut summary = match &cfg.summary {
        Some(s) => Some(summary::Summary::new(
            summary::TableOptions::parse(&s.sort_by, s.columns.as_deref())?,
            s.histogram,
            format::report_output(cfg)?,
        )),
        None => None,
    };
    let mut diagnosis = cfg.diagnose.then(|| {
        diagnose::Diagnosis::new(decode::DecodeOptions {
            string_limit: cfg.string_limit,
            ..Default::default()
        })
    });
    let result = {
        let mut fanout = format::Fanout::new();
        if show_calls {
            fanout.push(&mut sink);
        }
        if let Some(s) = summary.as_mut() {
            fanout.push(s);
        }
        if let Some(d) = diagnosis.as_mut() {
            fanout.push(d);
        }
        backend::run(cfg, signals, &mut fanout)
    };
    sink.finish();
    if result.is_ok() {
        if let Some(s) = summary {
            s.finish().context("writing the summary")?;
        }
        if let Some(d) = diagnosis {
            format::report_output(cfg)?.write_all(d.report().as_bytes())?;
        }
    }
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            let Some(io_error) = e.chain().find_map(|c| c.downcast_ref::<io::Error>()) else {
                return Err(e);
            };
            // `tracer ... 2>&1 | head`: the reader is gone and so is anyone to tell.
            if io_error.kind() == io::ErrorKind::BrokenPipe {
                drop(sink);
                return Ok(ExitCode::SUCCESS);
            }
            let Some(write_error) = io_error
                .get_ref()
                .and_then(|e| e.downcast_ref::<WriteError>())
            else {
                return Err(e);
            };
            // A write failed (disk full...): the trace stopped there; say what is missing.
            let totals = sink.totals();
            drop(sink);
            eprintln!("tracer: writing the trace to {write_error}");
            eprintln!(
                "tracer: trace incomplete: stopped after {} events ({} written), {} events \
                 lost in the kernel",
                totals.events,
                human_bytes(totals.bytes),
                totals.lost
            );
            return Ok(ExitCode::from(1));
        }
    };
    drop(sink);

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
    // As strace: the command's own status, or 128+N when it was killed by signal N.
    Ok(match (outcome.launched_status, outcome.stop) {
        (Some(ExitStatus::Exited(code)), _) => ExitCode::from(code as u8),
        (Some(ExitStatus::Killed { signal, .. }), _) => ExitCode::from(128 + signal as u8),
        (_, Some(Stop::Signal(sig))) if cfg.target_is_command() => ExitCode::from(128 + sig as u8),
        _ => ExitCode::SUCCESS,
    })
}
