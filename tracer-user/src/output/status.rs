//! Counts what the run wrote and, when the trace goes to a file and stderr is a terminal,
//! keeps a one-line live status there: events/s, bytes written, events lost.

use std::{
    io::{self, IsTerminal as _, Write as _},
    time::{Duration, Instant},
};

use super::file::ByteCount;
use crate::event::{Context, Event, Sink};

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
    shown: bool,
}

impl Monitored {
    /// `live`: the trace goes somewhere else than stderr; the line shows only on a terminal.
    pub fn new(inner: Box<dyn Sink>, bytes: ByteCount, live: bool) -> Self {
        let status = (live && io::stderr().is_terminal()).then(|| StatusLine {
            last: Instant::now(),
            last_events: 0,
            shown: false,
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

    /// Clears the status line; the terminal is the user's again.
    pub fn finish(&mut self) {
        if let Some(status) = &mut self.status
            && status.shown
        {
            let _ = io::stderr().write_all(b"\r\x1b[2K");
            status.shown = false;
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
        status.shown = true;
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
        self.finish();
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
