//! Where formatted lines go: stderr, a file (rotated, appended, `%p`/`%t` in its name),
//! a pipe, one file per task; the live status line and the counts of what was written;
//! and the wall-clock side of time stamps.

pub mod file;
pub mod route;
pub mod status;
pub mod time;

use std::{
    io::{self, Write as _},
    path::Path,
};

use anyhow::{Context as _, Result};

use crate::{
    config::{Config, Target},
    event::Sink,
};
use file::{ByteCount, FileOptions, Output, Rotation, WriteError};
use route::{Lazy, PerTask};
use status::Monitored;

/// When a line starts with its task's id, as strace decides it by destination.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidPrefix {
    /// `[pid  123] ` once more than one task is traced (output to a terminal/stderr).
    WhenMany,
    /// `123   ` on every line (strace's `-o FILE -f`).
    Always,
    /// No prefix: one task per output (`-ff`).
    Never,
}

/// Makes a formatter writing to an output.
pub type MakeSink = dyn Fn(Output, PidPrefix) -> Box<dyn Sink>;

/// The trace's destination for this run's settings, with a formatter from `make` on each
/// output, wrapped in the counters and the status line.
pub fn trace_sink(cfg: &Config, make: Box<MakeSink>) -> Result<Monitored> {
    let o = &cfg.out;
    let start_secs = time::Clock::new().now_ns().div_euclid(1_000_000_000);
    let bytes = ByteCount::default();
    let file_opts = FileOptions {
        append: o.append,
        rotation: o.max_size.map(|max| Rotation { max, keep: o.keep }),
    };
    // As strace: `1234  ` on every line of a shared file that can hold several
    // processes, and everywhere with --always-show-pid.
    let several = match &cfg.target {
        Target::Attach(pids) => pids.len() > 1,
        Target::Command(_) => !cfg.also_attach.is_empty(),
        Target::Cgroup(_) => false,
    };
    let prefix = if cfg.follow_forks || several || o.always_show_pid {
        PidPrefix::Always
    } else {
        PidPrefix::WhenMany
    };
    let Some(path) = &cfg.output else {
        let prefix = if o.always_show_pid {
            PidPrefix::Always
        } else {
            PidPrefix::WhenMany
        };
        let sink = make(Output::stderr(bytes.clone()), prefix);
        return Ok(Monitored::new(sink, bytes, false));
    };
    let first_pid = match &cfg.target {
        Target::Attach(pids) => pids.first().copied(),
        Target::Command(_) | Target::Cgroup(_) => None,
    };
    let template = path.to_string_lossy().into_owned();
    let sink: Box<dyn Sink> = if let Some(command) = template.strip_prefix(['|', '!']) {
        let out = Output::pipe(command, bytes.clone())
            .with_context(|| format!("can't run '{command}'"))?;
        make(out, prefix)
    } else if o.per_task {
        let counter = bytes.clone();
        let per_task_prefix = if o.always_show_pid {
            PidPrefix::Always
        } else {
            PidPrefix::Never
        };
        Box::new(PerTask::new(Box::new(move |tid| {
            let path = format!("{}.{tid}", file::expand(&template, Some(tid), start_secs));
            let out = open_file(&path, file_opts, &counter)?;
            Ok(make(out, per_task_prefix))
        })))
    } else if template.contains("%p") && first_pid.is_none() {
        // The command's pid is known at its first event.
        let counter = bytes.clone();
        Box::new(Lazy::new(Box::new(move |pid| {
            let path = file::expand(&template, Some(pid), start_secs);
            let out = open_file(&path, file_opts, &counter)?;
            Ok(make(out, prefix))
        })))
    } else {
        let path = file::expand(&template, first_pid, start_secs);
        let out = Output::file(Path::new(&path), file_opts, bytes.clone())
            .with_context(|| format!("can't open '{path}'"))?;
        make(out, prefix)
    };
    Ok(Monitored::new(
        sink,
        bytes,
        cfg.status_line && status::may_show(&cfg.target),
    ))
}

/// Where the `-c` table goes: the `-o` file after the trace, or stderr, as strace does.
pub fn report_output(cfg: &Config) -> Result<Box<dyn io::Write>> {
    match &cfg.output {
        Some(path) if !path.to_string_lossy().starts_with(['|', '!']) && !cfg.out.per_task => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("can't open '{}'", path.display()))?;
            Ok(Box::new(file))
        }
        _ => Ok(Box::new(io::stderr())),
    }
}

/// Where `--diagnose`'s report goes: `--diagnose-output`'s file, else stderr (the trace,
/// when shown, has `-o`).
pub fn diagnosis_output(cfg: &Config) -> Result<Box<dyn io::Write>> {
    match &cfg.diagnose_output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("can't open '{}'", path.display()))?;
            Ok(Box::new(file))
        }
        None => Ok(Box::new(io::stderr())),
    }
}

fn open_file(path: &str, opts: FileOptions, bytes: &ByteCount) -> io::Result<Output> {
    Output::file(Path::new(path), opts, bytes.clone())
        .map_err(|e| WriteError::wrap(format!("'{path}'"), e))
}

/// One line for the user on stderr, `tracer: ...`, whatever stderr is: a reader that went
/// away (`tracer ... 2>&1 | head`) loses it without the tracer failing (`eprintln!`
/// would panic).
pub fn note(message: std::fmt::Arguments) {
    let _ = writeln!(io::stderr(), "tracer: {message}");
}
