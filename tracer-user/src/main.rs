//! `tracer`: strace's output from eBPF.

mod backend;
mod cli;
mod decode;
mod event;
mod filter;
mod format;
mod launch;
mod summary;
mod syscalls;

use std::{io, process::ExitCode};

use anyhow::Result;
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
    let result = backend::run(cfg, signals, &mut sink);
    sink.finish();
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
