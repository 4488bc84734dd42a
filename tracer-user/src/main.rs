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
mod container;
mod decode;
mod event;
mod export;
mod format;
mod inject;
mod launch;
mod output;
mod pipeline;
mod privilege;
mod qualifiers;
mod report;
mod syscalls;
mod uring;
mod version;

use std::{
    io::{self, Write as _},
    process::ExitCode,
};

use anyhow::{Context as _, Result};

use crate::{
    backend::{Backend, Outcome, Running, Stop, Waited},
    cli::{CommandLine, Early, Generate},
    config::{Config, Target},
    event::ExitStatus,
    output::{file::WriteError, status::human_bytes},
    pipeline::Pipeline,
    report::{
        diagnose::Diagnosis,
        summary::{Counted, ReportOptions, Summary, TableOptions},
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
        Ok(Ending::Status(code)) => code,
        Ok(Ending::Signal(sig)) => die_by(sig),
        Err(e) => {
            let status = e
                .downcast_ref::<launch::CommandError>()
                .map_or(1, |e| e.exit_status());
            fail(&format!("{e:#}"));
            ExitCode::from(status as u8)
        }
    }
}

/// How the tracer ends: with an exit status, or by the signal that killed the command,
/// as strace ends, so whoever waits for the tracer learns what the command died of.
enum Ending {
    Status(ExitCode),
    Signal(i32),
}

/// Ends the tracer by `sig` (everything of the trace is written and freed by now): no
/// core file of ours, the signal unblocked at its default action. Should it survive
/// that, the status says 128+sig.
fn die_by(sig: i32) -> ExitCode {
    let _ = io::stdout().flush();
    let no_core = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain calls on valid arguments; the process is single-threaded again
    // (the backend's threads are joined), and raising a signal is what is meant.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &no_core);
        libc::signal(sig, libc::SIG_DFL);
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        libc::raise(sig);
    }
    ExitCode::from(128 + sig as u8)
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
    let nothing_to_trace = args.command.is_empty()
        && args.pids.is_empty()
        && args.cgroup.is_empty()
        && args.containers.is_empty();
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

fn run(cfg: &Config) -> Result<Ending> {
    privilege::check(cfg)?;
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
        Some(s) => Some(TableOptions::parse(
            &s.sort_by,
            s.columns.as_deref(),
            s.wall_clock,
        )?),
        None => None,
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
    // Reports are JSON records in a JSON trace.
    let json = cfg.out.format == cli::OutputFormat::Json;
    let mut summary = match (&cfg.summary, table) {
        (Some(s), Some(table)) => Some(Summary::new(
            ReportOptions {
                table: table.on_wall_clock(s.wall_clock || !backend.measures_system_time()),
                histogram: s.histogram,
                json,
                interval: s.interval,
                overhead: s.overhead,
            },
            counted,
            output::report_output(cfg)?,
        )),
        _ => None,
    };
    let mut diagnosis = cfg
        .diagnose
        .then(|| Diagnosis::new(cfg.decode.clone(), counted, json, cfg.diagnose_idle));
    let mut exporter = match &cfg.export {
        Some(opts) => Some(export::Exporter::new(cfg, opts)?),
        None => None,
    };
    let outcome = {
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
        backend.run(cfg, program, daemonized, &signals, &mut pipeline)?
    };
    trace.finish(!matches!(outcome.stop, Some(Stop::Error(_))));
    if let Some(e) = exporter {
        e.finish();
    }
    let mut code = None;
    match &outcome.stop {
        Some(Stop::Error(e)) => code = stopped_by_error(e, &trace),
        Some(Stop::Signal(_) | Stop::SyscallLimit) | None => {
            if let Some(s) = summary {
                s.finish().context("writing the summary")?;
            }
            if let Some(mut d) = diagnosis {
                output::diagnosis_output(cfg)?.write_all(d.report().as_bytes())?;
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
) -> Ending {
    // A JSON trace on stderr has said so in its `lost` records, and must stay JSON.
    let json_on_stderr = cfg.out.format == cli::OutputFormat::Json && cfg.output.is_none();
    if outcome.lost.total() > 0 && !json_on_stderr {
        let why = if outcome.lost.ops > 0 {
            "the ring buffer was full (--buffer-size makes it larger), or more io_uring \
             operations were in flight than the tracer holds (8192)"
        } else {
            "the ring buffer was full (--buffer-size makes it larger)"
        };
        output::note(format_args!(
            "{} events lost ({}): {why}",
            outcome.lost.total(),
            outcome.lost.describe(),
        ));
    }
    if outcome.lost.preempted > 0 && !json_on_stderr {
        output::note(format_args!(
            "{} runs of the tracer's programs were lost to preemption (the kernel skips a \
             program preempted on its CPU until it resumes): calls may be missing from the trace",
            outcome.lost.preempted,
        ));
    }
    if matches!(outcome.stop, Some(Stop::SyscallLimit)) && !cfg.quiet.attach() {
        output::note(format_args!(
            "System call limit has been reached, detaching tracees"
        ));
    }
    if !cfg.quiet.attach() && outcome.stop.is_some() {
        for pid in &outcome.attached {
            output::note(format_args!("Process {pid} detached"));
        }
    }
    let mut status = outcome.launched_status.map(Ok);
    if let Some(running) = outcome.running {
        let pid = running.pid();
        // Not when the trace's reader went away: stderr may be that reader.
        let reader_gone = matches!(outcome.stop, Some(Stop::Error(_))) && error_code.is_none();
        if !cfg.quiet.attach() && !reader_gone {
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
        status = match running.wait(signals, cfg) {
            Waited::Ended(s) => Some(Ok(s)),
            Waited::Interrupted(sig) => Some(Err(sig)),
            Waited::Unknown => None,
        };
    }
    if let Some(code) = error_code {
        return Ending::Status(code);
    }
    Ending::Status(match (status, &outcome.stop) {
        (Some(Ok(ExitStatus::Exited(code))), _) => ExitCode::from(code as u8),
        (Some(Ok(ExitStatus::Killed { signal, .. })), _) => return Ending::Signal(signal),
        (Some(Err(sig)), _) => ExitCode::from(128 + sig as u8),
        (_, Some(Stop::Signal(sig))) if cfg.target_is_command() => ExitCode::from(128 + *sig as u8),
        // As strace: the processes let go of, it ends by the signal that stopped it.
        (_, Some(Stop::Signal(sig))) if matches!(cfg.target, Target::Attach(_)) => {
            return Ending::Signal(*sig as i32);
        }
        _ => ExitCode::SUCCESS,
    })
}
