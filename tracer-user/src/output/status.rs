//! Counts what the run wrote and, where it cannot garble anything, keeps a one-line live
//! status on the terminal: events/s, bytes written, events lost; at the end, one line
//! with the totals takes its place.
//!
//! A line redrawn in place shares the terminal with whatever else writes there: a traced
//! program's output would land after it (`...0 lostline 2`). So it is drawn only where
//! no traced process can write to that terminal: the trace goes to a file or a pipe,
//! stderr is a terminal, and none of the traced processes has it as stdin, stdout or
//! stderr (a command the tracer starts inherits the tracer's, so never for those; a
//! service attached with `-p` or `--cgroup` usually logs elsewhere).

use std::{
    io::{self, IsTerminal as _, Write as _},
    os::fd::AsFd,
    path::Path,
    time::{Duration, Instant},
};

use super::file::ByteCount;
use crate::{
    config::Target,
    event::{Context, Event, Sink},
};

const EVERY: Duration = Duration::from_millis(500);

/// What a run wrote and lost, for the status line and the final report.
#[derive(Clone, Copy, Debug, Default)]
pub struct Totals {
    pub events: u64,
    pub bytes: u64,
    pub lost: u64,
}

pub struct Monitored {
    inner: Box<dyn Sink>,
    events: u64,
    lost: u64,
    bytes: ByteCount,
    status: Option<StatusLine>,
}

struct StatusLine {
    last: Instant,
    last_events: u64,
    /// The line is on the terminal now.
    drawn: bool,
}

/// Whether the live status line may be drawn for a trace of `target` that goes to a
/// file or a pipe: stderr is a terminal that none of the traced processes uses.
pub fn may_show(target: &Target) -> bool {
    let stderr = io::stderr();
    if !stderr.is_terminal() {
        return false;
    }
    let Ok(terminal) = nix::sys::stat::fstat(stderr.as_fd()) else {
        return false;
    };
    let uses_terminal = |pid: &str| {
        (0..3).any(|fd| {
            nix::sys::stat::stat(format!("/proc/{pid}/fd/{fd}").as_str())
                .is_ok_and(|s| s.st_rdev == terminal.st_rdev)
        })
    };
    match target {
        // The command inherits the tracer's stdin, stdout and stderr.
        Target::Command(_) => !uses_terminal("self"),
        Target::Attach(pids) => !pids.iter().any(|pid| uses_terminal(&pid.to_string())),
        Target::Cgroup(set) => !set
            .iter()
            .flat_map(|c| cgroup_pids(&c.dir))
            .any(|pid| uses_terminal(&pid)),
    }
}

/// The processes in a cgroup v2 subtree now.
fn cgroup_pids(dir: &Path) -> Vec<String> {
    let mut pids: Vec<String> = std::fs::read_to_string(dir.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            pids.extend(cgroup_pids(&entry.path()));
        }
    }
    pids
}

impl Monitored {
    /// `status`: keep the live status line on stderr (see [`may_show`]).
    pub fn new(inner: Box<dyn Sink>, bytes: ByteCount, status: bool) -> Self {
        let status = status.then(|| StatusLine {
            last: Instant::now(),
            last_events: 0,
            drawn: false,
        });
        Self {
            inner,
            events: 0,
            lost: 0,
            bytes,
            status,
        }
    }

    pub fn totals(&self) -> Totals {
        Totals {
            events: self.events,
            bytes: self.bytes.get(),
            lost: self.lost,
        }
    }

    /// The trace is over: the status line gives way to one line of totals (`summary`),
    /// or to nothing when the caller reports the end itself.
    pub fn finish(&mut self, summary: bool) {
        self.clear();
        if summary && self.status.take().is_some() {
            let t = self.totals();
            eprintln!(
                "tracer: {} events, {} written, {} lost",
                t.events,
                human_bytes(t.bytes),
                t.lost
            );
        }
    }

    /// Clears the status line; the terminal is the user's again.
    fn clear(&mut self) {
        if let Some(status) = &mut self.status
            && status.drawn
        {
            let _ = io::stderr().write_all(b"\r\x1b[2K");
            status.drawn = false;
        }
    }

    fn update(&mut self) {
        let Some(status) = &mut self.status else {
            return;
        };
        let elapsed = status.last.elapsed();
        if elapsed < EVERY {
            return;
        }
        let rate = (self.events - status.last_events) as f64 / elapsed.as_secs_f64();
        let line = format!(
            "\r\x1b[2Ktracer: {} events ({rate:.0}/s), {} written, {} lost",
            self.events,
            human_bytes(self.bytes.get()),
            self.lost
        );
        let _ = io::stderr().write_all(line.as_bytes());
        status.last = Instant::now();
        status.last_events = self.events;
        status.drawn = true;
    }
}

impl Sink for Monitored {
    fn event(&mut self, event: &Event, ctx: &Context) -> io::Result<()> {
        match event {
            Event::Lost(loss) => self.lost += loss.total(),
            Event::Totals { .. } | Event::InProgress { .. } => {}
            _ => self.events += 1,
        }
        self.inner.event(event, ctx)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()?;
        self.update();
        Ok(())
    }
}

impl Drop for Monitored {
    fn drop(&mut self) {
        self.clear();
    }
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
