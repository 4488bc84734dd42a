//! Time stamps: the kernel's CLOCK_MONOTONIC entry times turned into wall-clock time with
//! one offset measured at start, and strace's `-t`/`-tt`/`-ttt`/`-r` prefixes.

use std::fmt::Write as _;

use nix::time::{ClockId, clock_gettime};

use crate::config::{TimeFormat, Timestamps};

const NS: i64 = 1_000_000_000;

fn clock_ns(id: ClockId) -> i64 {
    let ts = clock_gettime(id).expect("the clock is always available");
    ts.tv_sec() * NS + ts.tv_nsec()
}

/// Converts CLOCK_MONOTONIC times to CLOCK_REALTIME with the offset between the two
/// clocks taken once, so every line uses the kernel's entry time, not the time we format.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    offset_ns: i64,
}

impl Clock {
    pub fn new() -> Self {
        // Bracket the realtime read with two monotonic reads and take their midpoint.
        let before = clock_ns(ClockId::CLOCK_MONOTONIC);
        let real = clock_ns(ClockId::CLOCK_REALTIME);
        let after = clock_ns(ClockId::CLOCK_MONOTONIC);
        Self {
            offset_ns: real - (before + (after - before) / 2),
        }
    }

    /// Nanoseconds since the epoch of a CLOCK_MONOTONIC time.
    pub fn realtime_ns(&self, monotonic_ns: u64) -> i64 {
        monotonic_ns as i64 + self.offset_ns
    }

    pub fn now_ns(&self) -> i64 {
        clock_ns(ClockId::CLOCK_REALTIME)
    }
}

/// A broken-down time, local or UTC.
pub fn broken_down(secs: i64, local: bool) -> libc::tm {
    let t = secs as libc::time_t;
    // SAFETY: an all-zero `tm` is valid (the pointer field may be null) and both
    // functions only write to the `tm` we pass, reading `t`.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if local {
            libc::localtime_r(&t, &mut tm);
        } else {
            libc::gmtime_r(&t, &mut tm);
        }
        tm
    }
}

/// `YYYYmmdd-HHMMSS` in local time, for `%t` in file names.
pub fn file_stamp(secs: i64) -> String {
    let tm = broken_down(secs, true);
    format!(
        "{:04}{:02}{:02}-{:02}{:02}{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    )
}

/// RFC 3339 in UTC with microseconds: `2025-01-31T12:34:56.123456Z`.
pub fn write_rfc3339(out: &mut String, ns: i64) {
    let tm = broken_down(ns.div_euclid(NS), false);
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec,
        ns.rem_euclid(NS) / 1000
    );
}

/// [`write_rfc3339`] for a stream of stamps: the date and time of day formatted once
/// per second, the microseconds by hand.
#[derive(Default)]
pub struct Rfc3339 {
    second: Option<i64>,
    /// `2025-01-31T12:34:56` of `second`.
    prefix: String,
}

impl Rfc3339 {
    pub fn write(&mut self, out: &mut String, ns: i64) {
        let second = ns.div_euclid(NS);
        if self.second != Some(second) {
            self.prefix.clear();
            write_rfc3339(&mut self.prefix, second * NS);
            self.prefix.truncate(self.prefix.len() - ".000000Z".len());
            self.second = Some(second);
        }
        out.push_str(&self.prefix);
        out.push('.');
        let micros = ns.rem_euclid(NS) / 1000;
        for shift in [100_000, 10_000, 1_000, 100, 10, 1] {
            out.push(char::from(b'0' + (micros / shift % 10) as u8));
        }
        out.push('Z');
    }
}

/// Writes `.` and the first `precision` decimals of a nanosecond fraction.
fn write_fraction(out: &mut String, frac_ns: i64, precision: u8) {
    if precision > 0 {
        let digits = frac_ns / 10i64.pow(9 - precision as u32);
        let _ = write!(out, ".{digits:0width$}", width = precision as usize);
    }
}

/// Writes the time stamp prefix of one line, as strace does (`12:34:56.123456 `,
/// `     0.000123 `, or both: `12:34:56.123456 (+     0.000123) `).
pub struct Stamper {
    clock: Clock,
    opts: Timestamps,
    /// Entry time of the previous line, for `-r`.
    previous: Option<u64>,
    /// The last second formatted as local time, and its text.
    cached: Option<(i64, String)>,
}

impl Stamper {
    pub fn new(clock: Clock, opts: Timestamps) -> Self {
        Self {
            clock,
            opts,
            previous: None,
            cached: None,
        }
    }

    pub fn enabled(&self) -> bool {
        self.opts.absolute.is_some() || self.opts.relative.is_some()
    }

    /// Writes the prefix for a line about something that happened at `monotonic_ns`.
    pub fn write(&mut self, out: &mut String, monotonic_ns: u64) {
        if let Some((format, precision)) = self.opts.absolute {
            let ns = self.clock.realtime_ns(monotonic_ns);
            let secs = ns.div_euclid(NS);
            match format {
                TimeFormat::Unix => {
                    let _ = write!(out, "{secs}");
                }
                TimeFormat::TimeOfDay => {
                    if self.cached.as_ref().is_none_or(|(s, _)| *s != secs) {
                        let tm = broken_down(secs, true);
                        let text = format!("{:02}:{:02}:{:02}", tm.tm_hour, tm.tm_min, tm.tm_sec);
                        self.cached = Some((secs, text));
                    }
                    out.push_str(self.cached.as_ref().map_or("", |(_, t)| t));
                }
            }
            write_fraction(out, ns.rem_euclid(NS), precision);
            out.push(' ');
        }
        if let Some(precision) = self.opts.relative {
            let delta = self
                .previous
                .map_or(0, |p| monotonic_ns.saturating_sub(p) as i64);
            let (open, close) = match self.opts.absolute {
                Some(_) => ("(+", ") "),
                None => ("", " "),
            };
            let _ = write!(out, "{open}{:>6}", delta / NS);
            write_fraction(out, delta % NS, precision);
            out.push_str(close);
        }
        self.previous = Some(self.previous.map_or(monotonic_ns, |p| p.max(monotonic_ns)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_stamps_are_rfc3339_stamps() {
        let mut stamps = Rfc3339::default();
        let second = 1_764_000_000 * NS;
        for ns in [
            0,
            1,
            999,
            1_000,
            123_456_789,
            NS - 1,
            NS,
            second,
            second + 7_000,
        ] {
            for ns in [ns, -ns] {
                let (mut want, mut got) = (String::new(), String::new());
                write_rfc3339(&mut want, ns);
                stamps.write(&mut got, ns);
                assert_eq!(got, want, "{ns}");
            }
        }
    }

    fn stamp(opts: Timestamps, times: &[u64]) -> Vec<String> {
        let mut s = Stamper::new(Clock { offset_ns: 0 }, opts);
        times
            .iter()
            .map(|&t| {
                let mut out = String::new();
                s.write(&mut out, t);
                out
            })
            .collect()
    }

    #[test]
    fn strace_shapes() {
        let relative = Timestamps {
            absolute: None,
            relative: Some(6),
        };
        assert_eq!(
            stamp(relative, &[5_000_000_000, 5_000_123_456]),
            ["     0.000000 ", "     0.000123 "]
        );
        let unix = Timestamps {
            absolute: Some((TimeFormat::Unix, 6)),
            relative: None,
        };
        assert_eq!(
            stamp(unix, &[1_700_000_000_123_456_789]),
            ["1700000000.123456 "]
        );
        let both = Timestamps {
            absolute: Some((TimeFormat::Unix, 3)),
            relative: Some(6),
        };
        assert_eq!(
            stamp(both, &[1_000_000_000, 3_500_000_000]),
            ["1.000 (+     0.000000) ", "3.500 (+     2.500000) "]
        );
        let ns_relative = Timestamps {
            absolute: None,
            relative: Some(9),
        };
        assert_eq!(
            stamp(ns_relative, &[5, 256_468]),
            ["     0.000000000 ", "     0.000256463 "]
        );
        let mut out = String::new();
        write_rfc3339(&mut out, 1_700_000_000_123_456_789);
        assert_eq!(out, "2023-11-14T22:13:20.123456Z");
    }
}
