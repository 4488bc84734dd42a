//! `tracer`: strace's output from eBPF.

mod backend;
mod cli;
mod decode;
mod event;
mod filter;
mod format;
mod launch;
mod syscalls;

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    process::ExitCode,
};

use anyhow::{Context as _, Result};
use clap::Parser as _;

use crate::{
    backend::Stop,
    cli::{Args, Config, Target},
    event::ExitStatus,
    format::text::{PidPrefix, TextFormatter, TextOptions},
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
    let (out, pid_prefix): (Box<dyn Write>, _) = match &cfg.output {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("can't open '{}'", path.display()))?;
            let prefix = if cfg.follow_forks {
                PidPrefix::Always
            } else {
                PidPrefix::WhenMany
            };
            (Box::new(BufWriter::with_capacity(1 << 16, file)), prefix)
        }
        None => (
            Box::new(BufWriter::with_capacity(1 << 16, io::stderr())),
            PidPrefix::WhenMany,
        ),
    };
    let initial: Vec<u32> = match &cfg.target {
        Target::Attach(pids) => pids.clone(),
        Target::Command(_) => Vec::new(),
    };
    let opts = TextOptions {
        syscall_times: cfg.syscall_times,
        pid_prefix,
        decode: decode::DecodeOptions {
            string_limit: cfg.string_limit,
            hex: cfg.hex,
            ..Default::default()
        },
    };
    let mut sink = TextFormatter::new(out, opts, &initial);
    let outcome = backend::run(cfg, signals, &mut sink)?;

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
