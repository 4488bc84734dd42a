//! Formatters turn events into lines: strace's text, or JSON. They only format: what is
//! shown, the fd names and the task facts come with each event from the middle stage;
//! where lines go is `output`'s.

pub mod json;
pub mod text;

use crate::{
    cli::OutputFormat,
    config::Config,
    event::Sink,
    output::{MakeSink, PidPrefix, file::Output, time::Clock},
};
use json::JsonFormatter;
use text::{TextFormatter, TextOptions};

/// Makes the chosen formatter over an output (once per output: `-ff` has many).
pub fn formatter(cfg: &Config) -> Box<MakeSink> {
    let clock = Clock::new();
    let decode = cfg.decode.clone();
    match cfg.out.format {
        OutputFormat::Text => {
            let opts = TextOptions {
                syscall_times: cfg.syscall_times,
                syscall_times_precision: cfg.out.syscall_times_precision,
                pid_prefix: PidPrefix::WhenMany,
                decode,
                timestamps: cfg.out.timestamps,
                clock,
                exit_lines: !cfg.quiet.exit(),
                personality_lines: !cfg.quiet.personality(),
                superseded_lines: !cfg.quiet.thread_execve(),
                column: cfg.out.column,
                syscall_numbers: cfg.out.syscall_numbers,
                instruction_pointer: cfg.out.instruction_pointer,
                pid_comm: cfg.out.pid_comm,
                detached_calls: cfg.out.detached_calls,
                dump_read: cfg.out.dump_read.clone(),
                dump_write: cfg.out.dump_write.clone(),
                show_container: cfg.out.show_container,
            };
            Box::new(move |out: Output, pid_prefix| {
                let opts = TextOptions {
                    pid_prefix,
                    ..opts.clone()
                };
                Box::new(TextFormatter::new(out, opts)) as Box<dyn Sink>
            })
        }
        OutputFormat::Json => Box::new(move |out: Output, _| {
            Box::new(JsonFormatter::new(out, decode.clone(), clock)) as Box<dyn Sink>
        }),
    }
}
