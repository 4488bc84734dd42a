//! Formatters turn [`Event`]s into output. They share one interface so the run loop does
//! not care which one the user picked; [`build`] puts together the formatter, where its
//! output goes (stderr, a rotated file, a pipe, a file per task) and the status line.

pub mod fds;
pub mod json;
pub mod output;
pub mod route;
pub mod status;
pub mod text;
pub mod time;

use std::{cell::RefCell, io, path::Path, rc::Rc};

use anyhow::{Context as _, Result};

use crate::{
    cli::{Config, OutputFormat, Target},
    decode::DecodeOptions,
    event::Event,
};
use fds::FdTable;
use json::{JsonFormatter, JsonOptions};
use output::{ByteCount, FileOptions, Output, Rotation, WriteError};
use route::{Lazy, PerTask};
use status::Monitored;
use text::{PidPrefix, TextFormatter, TextOptions};

pub trait Sink {
    fn event(&mut self, event: &Event) -> io::Result<()>;
    /// Called when the backend has drained a batch: a good moment to flush.
    fn flush(&mut self) -> io::Result<()>;

    /// Per-syscall totals counted in the kernel (`-c`), replacing any counted from
    /// events. `interval_end` marks the end of an `--interval` period.
    fn kernel_totals(
        &mut self,
        _totals: &crate::summary::Totals,
        _interval_end: bool,
    ) -> io::Result<()> {
        Ok(())
    }

    /// The calls in progress when the trace ends, read from the kernel (`--diagnose`).
    fn in_progress(&mut self, _calls: &[crate::event::Syscall], _now_ns: u64) -> io::Result<()> {
        Ok(())
    }
}

impl Sink for Box<dyn Sink + '_> {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        (**self).event(event)
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn kernel_totals(
        &mut self,
        totals: &crate::summary::Totals,
        interval_end: bool,
    ) -> io::Result<()> {
        (**self).kernel_totals(totals, interval_end)
    }

    fn in_progress(&mut self, calls: &[crate::event::Syscall], now_ns: u64) -> io::Result<()> {
        (**self).in_progress(calls, now_ns)
    }
}

/// Hands every event and report to several sinks: the trace lines, the `-c` summary,
/// the `--diagnose` report.
pub struct Fanout<'a> {
    sinks: Vec<&'a mut dyn Sink>,
}

impl<'a> Fanout<'a> {
    pub fn new() -> Self {
        Self { sinks: Vec::new() }
    }

    pub fn push(&mut self, sink: &'a mut dyn Sink) {
        self.sinks.push(sink);
    }
}

impl Sink for Fanout<'_> {
    fn event(&mut self, event: &Event) -> io::Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.event(event))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.sinks.iter_mut().try_for_each(|s| s.flush())
    }

    fn kernel_totals(
        &mut self,
        totals: &crate::summary::Totals,
        interval_end: bool,
    ) -> io::Result<()> {
        self.sinks
            .iter_mut()
            .try_for_each(|s| s.kernel_totals(totals, interval_end))
    }

    fn in_progress(&mut self, calls: &[crate::event::Syscall], now_ns: u64) -> io::Result<()> {
        self.sinks
            .iter_mut()
            .try_for_each(|s| s.in_progress(calls, now_ns))
    }
}

/// Where reports (the `-c` table, `--diagnose`) go: the `-o` file after the trace, or
/// stderr, as strace does.
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

/// Makes formatters over an output; cloned into the factories of per-task and lazy sinks.
#[derive(Clone)]
struct Formatters {
    format: OutputFormat,
    text: TextOptions,
    json: JsonOptions,
    initial_tasks: Vec<u32>,
}

impl Formatters {
    fn make(&self, out: Output, pid_prefix: PidPrefix) -> Box<dyn Sink> {
        match self.format {
            OutputFormat::Text => Box::new(TextFormatter::new(
                out,
                TextOptions {
                    pid_prefix,
                    ..self.text.clone()
                },
                &self.initial_tasks,
            )),
            OutputFormat::Json => Box::new(JsonFormatter::new(out, self.json.clone())),
        }
    }
}

/// The sink for this run's settings, wrapped in the counters and status line.
pub fn build(cfg: &Config) -> Result<Monitored> {
    let o = &cfg.out;
    let clock = time::Clock::new();
    let start_secs = clock.now_ns().div_euclid(1_000_000_000);
    let bytes = ByteCount::default();
    let decode = DecodeOptions {
        string_limit: cfg.string_limit,
        hex: cfg.hex,
        ..Default::default()
    };
    let fds = (o.decode_fds > 0).then(|| {
        let complete = cfg.qualifiers.trace == crate::filter::TraceSet::all();
        let table = FdTable::new(o.decode_fds > 1, cfg.target_is_command(), complete);
        Rc::new(RefCell::new(table))
    });
    let initial_tasks = match &cfg.target {
        Target::Attach(pids) => pids.clone(),
        Target::Command(_) => Vec::new(),
    };
    let formatters = Formatters {
        format: o.format,
        text: TextOptions {
            syscall_times: cfg.syscall_times,
            pid_prefix: PidPrefix::WhenMany,
            decode: decode.clone(),
            timestamps: o.timestamps,
            clock,
            exit_lines: cfg.quiet < 2,
            fds: fds.clone(),
        },
        json: JsonOptions { decode, clock, fds },
        initial_tasks: initial_tasks.clone(),
    };
    let file_opts = FileOptions {
        append: o.append,
        rotation: o.max_size.map(|max| Rotation { max, keep: o.keep }),
    };
    let prefix = if cfg.follow_forks {
        PidPrefix::Always
    } else {
        PidPrefix::WhenMany
    };
    let Some(path) = &cfg.output else {
        let sink = formatters.make(Output::stderr(bytes.clone()), PidPrefix::WhenMany);
        return Ok(Monitored::new(sink, bytes, false));
    };
    let template = path.to_string_lossy().into_owned();
    let sink: Box<dyn Sink> = if let Some(command) = template.strip_prefix(['|', '!']) {
        let out = Output::pipe(command, bytes.clone())
            .with_context(|| format!("can't run '{command}'"))?;
        formatters.make(out, prefix)
    } else if o.per_task {
        let counter = bytes.clone();
        Box::new(PerTask::new(Box::new(move |tid| {
            let path = format!("{}.{tid}", output::expand(&template, Some(tid), start_secs));
            let out = open_file(&path, file_opts, &counter)?;
            Ok(formatters.make(out, PidPrefix::Never))
        })))
    } else if template.contains("%p") && initial_tasks.is_empty() {
        // The command's pid is known at its first event.
        let counter = bytes.clone();
        Box::new(Lazy::new(Box::new(move |pid| {
            let path = output::expand(&template, Some(pid), start_secs);
            let out = open_file(&path, file_opts, &counter)?;
            Ok(formatters.make(out, prefix))
        })))
    } else {
        let path = output::expand(&template, initial_tasks.first().copied(), start_secs);
        let out = Output::file(Path::new(&path), file_opts, bytes.clone())
            .with_context(|| format!("can't open '{path}'"))?;
        formatters.make(out, prefix)
    };
    Ok(Monitored::new(sink, bytes, true))
}

fn open_file(path: &str, opts: FileOptions, bytes: &ByteCount) -> io::Result<Output> {
    Output::file(Path::new(path), opts, bytes.clone())
        .map_err(|e| WriteError::wrap(format!("'{path}'"), e))
}
