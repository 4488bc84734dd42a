//! The syscall loop of `cargo xtask bench`: the cheapest real syscalls, timed from inside
//! the process, so the cost a tracer adds to each call shows without the tracer's start-up.
//!
//! Usage:
//!   `syscall_loop N [--max-seconds S]`: `getppid` N times, then a 1-byte `write` to
//!   /dev/null N times; each phase stops early after S/2 seconds (default 10). Prints
//!   `calls=C seconds=T getppid_ns=G write_ns=W ns_per_call=A` on stdout.
//!   `syscall_loop --rate R --seconds S [--threads K]`: alternates the two calls at R calls
//!   per second (or as fast as it can, when it cannot keep up) for S seconds, split over K
//!   threads (default 1). Prints `calls=C seconds=T rate=ACHIEVED`. Calls due 0.1 ms or
//!   more apart are waited for asleep (`clock_nanosleep`), closer ones spinning: a slow
//!   rate leaves the CPU to others (the start-up bench's tracers load on both CPUs).
//!
//! The clock is read through the vDSO (`clock_gettime`), which makes no syscall, so the
//! only syscalls in the timed loops are the measured ones.

use std::time::{Duration, Instant};

/// The clock is read every this many calls when checking the time budget.
const CHECK_EVERY: u64 = 256;

/// A paced call due this far ahead is waited for asleep.
const SLEEP_FROM: Duration = Duration::from_micros(100);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut iterations = None;
    let mut max_seconds = 10.0;
    let mut rate = None;
    let mut seconds = 2.0;
    let mut threads = 1.0;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| -> f64 {
            it.next()
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| usage(&format!("{name} needs a number")))
        };
        match arg.as_str() {
            "--max-seconds" => max_seconds = value("--max-seconds"),
            "--rate" => rate = Some(value("--rate")),
            "--seconds" => seconds = value("--seconds"),
            "--threads" => threads = value("--threads"),
            n => iterations = Some(n.parse::<u64>().unwrap_or_else(|_| usage(n))),
        }
    }
    let devnull = open_devnull();
    match (rate, iterations) {
        (Some(rate), None) => {
            let threads = (threads as usize).max(1);
            let seconds = Duration::from_secs_f64(seconds);
            let start = Instant::now();
            let calls: u64 = std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads)
                    .map(|_| scope.spawn(move || paced(devnull, rate / threads as f64, seconds)))
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("paced thread"))
                    .sum()
            });
            let elapsed = start.elapsed().as_secs_f64();
            println!(
                "calls={calls} seconds={elapsed:.3} rate={:.0}",
                calls as f64 / elapsed
            );
        }
        (None, Some(n)) => timed(devnull, n, Duration::from_secs_f64(max_seconds / 2.0)),
        _ => usage("give either N or --rate R"),
    }
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "syscall_loop: {problem}\nusage: syscall_loop N [--max-seconds S] | \
         syscall_loop --rate R [--seconds S]"
    );
    std::process::exit(2);
}

fn open_devnull() -> i32 {
    // SAFETY: a NUL-terminated path literal.
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    assert!(
        fd >= 0,
        "open /dev/null: {}",
        std::io::Error::last_os_error()
    );
    fd
}

#[inline(always)]
fn getppid() {
    // SAFETY: getppid has no preconditions; the raw syscall avoids any libc caching.
    unsafe { libc::syscall(libc::SYS_getppid) };
}

#[inline(always)]
fn write_byte(fd: i32) {
    let byte = [b'x'];
    // SAFETY: a 1-byte buffer that lives across the call.
    unsafe { libc::write(fd, byte.as_ptr().cast(), 1) };
}

/// Runs `call` up to `n` times or until `budget` has passed; returns (calls, elapsed).
fn phase(n: u64, budget: Duration, mut call: impl FnMut()) -> (u64, Duration) {
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        let batch = CHECK_EVERY.min(n - done);
        for _ in 0..batch {
            call();
        }
        done += batch;
        if start.elapsed() >= budget {
            break;
        }
    }
    (done, start.elapsed())
}

fn timed(fd: i32, n: u64, budget: Duration) {
    let (getppid_calls, getppid_time) = phase(n, budget, getppid);
    let (write_calls, write_time) = phase(n, budget, || write_byte(fd));
    let ns = |time: Duration, calls: u64| time.as_nanos() as f64 / calls.max(1) as f64;
    let calls = getppid_calls + write_calls;
    println!(
        "calls={calls} seconds={:.3} getppid_ns={:.1} write_ns={:.1} ns_per_call={:.1}",
        (getppid_time + write_time).as_secs_f64(),
        ns(getppid_time, getppid_calls),
        ns(write_time, write_calls),
        (ns(getppid_time, getppid_calls) + ns(write_time, write_calls)) / 2.0,
    );
}

/// Alternates the two calls, each one due at `start + i / rate`; busy-waits on the vDSO
/// clock between calls (no syscall), so the traced process makes only the paced calls.
fn paced(fd: i32, rate: f64, seconds: Duration) -> u64 {
    let start = Instant::now();
    let interval = 1.0 / rate.max(1.0);
    let mut calls: u64 = 0;
    loop {
        let elapsed = start.elapsed();
        if elapsed >= seconds {
            break;
        }
        let due = (elapsed.as_secs_f64() / interval) as u64;
        if calls >= due {
            let next = Duration::from_secs_f64((calls + 1) as f64 * interval);
            match next.checked_sub(elapsed) {
                Some(wait) if wait >= SLEEP_FROM => std::thread::sleep(wait),
                _ => std::hint::spin_loop(),
            }
            continue;
        }
        // Catch up in small bursts, at most CHECK_EVERY calls between clock reads.
        let burst = (due - calls).min(CHECK_EVERY);
        for i in 0..burst {
            if (calls + i).is_multiple_of(2) {
                getppid();
            } else {
                write_byte(fd);
            }
        }
        calls += burst;
    }
    calls
}
