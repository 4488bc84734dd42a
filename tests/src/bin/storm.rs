//! Load for the loss tests and `cargo xtask stress`, reporting the truth to check a trace
//! against on stdout:
//!
//! - `storm getppid THREADS CALLS`: each thread makes CALLS `getppid` calls as fast as it
//!   can; prints `calls=TOTAL seconds=S rate=R` (R calls per second, all threads).
//! - `storm write THREADS CALLS [SIZE]`: the same with `write`s of SIZE bytes (default 1)
//!   of `x` to /dev/null (a call whose buffer is copied at entry); same output.
//! - `storm children N`: N short-lived children, one after another, each exiting with
//!   `i % 256` or, every seventh, killed by SIGTERM (sent by the parent); prints one
//!   `PID exited CODE` or `PID killed SIGNAL` line per child, as waitpid told it.
//! - `storm threads N`: N threads alive at once, each making one `getppid` and exiting;
//!   prints `threads=N`.

use std::{
    io::Write,
    sync::{Arc, Barrier},
    time::Instant,
};

fn usage() -> ! {
    eprintln!(
        "usage: storm getppid THREADS CALLS | storm write THREADS CALLS [SIZE] | \
         storm children N | storm threads N"
    );
    std::process::exit(2);
}

fn number(arg: Option<&String>) -> u64 {
    arg.and_then(|a| a.parse().ok()).unwrap_or_else(|| usage())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("getppid") => calls(None, number(args.get(1)), number(args.get(2))),
        Some("write") => {
            let size = args.get(3).map_or(1, |_| number(args.get(3)));
            calls(
                Some(size as usize),
                number(args.get(1)),
                number(args.get(2)),
            )
        }
        Some("children") => children(number(args.get(1))),
        Some("threads") => threads(number(args.get(1))),
        _ => usage(),
    }
}

/// `write`: the size of each write, or getppid calls.
fn calls(write: Option<usize>, threads: u64, each: u64) {
    // SAFETY: a NUL-terminated path literal.
    let fd = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    assert!(fd >= 0, "open /dev/null");
    let buf = vec![b'x'; write.unwrap_or(0)];
    let start = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let buf = &buf;
            scope.spawn(move || {
                for _ in 0..each {
                    if write.is_some() {
                        // SAFETY: a buffer of the length given, alive across the call.
                        unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) };
                    } else {
                        // SAFETY: no arguments; the raw syscall avoids any caching.
                        unsafe { libc::syscall(libc::SYS_getppid) };
                    }
                }
            });
        }
    });
    let seconds = start.elapsed().as_secs_f64();
    let total = threads * each;
    println!(
        "calls={total} seconds={seconds:.3} rate={:.0}",
        total as f64 / seconds
    );
}

fn children(n: u64) {
    let mut out = std::io::stdout().lock();
    for i in 0..n {
        let killed = i % 7 == 6;
        // SAFETY: the child makes raw syscalls only before it exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork");
        if pid == 0 {
            if killed {
                // Waits to be killed.
                loop {
                    // SAFETY: pause has no preconditions.
                    unsafe { libc::pause() };
                }
            }
            // SAFETY: leaves the child at once.
            unsafe { libc::_exit((i % 256) as i32) };
        }
        if killed {
            // SAFETY: a signal to our own child.
            unsafe { libc::kill(pid, libc::SIGTERM) };
        }
        let mut status = 0;
        // SAFETY: a valid int for the status.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        let _ = if libc::WIFSIGNALED(status) {
            writeln!(out, "{pid} killed {}", libc::WTERMSIG(status))
        } else {
            writeln!(out, "{pid} exited {}", libc::WEXITSTATUS(status))
        };
    }
}

fn threads(n: u64) {
    // All alive at once: each waits for the others before its call and exit.
    let barrier = Arc::new(Barrier::new(n as usize));
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let barrier = barrier.clone();
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn(move || {
                    barrier.wait();
                    // SAFETY: no arguments.
                    unsafe { libc::syscall(libc::SYS_getppid) };
                })
                .expect("spawn a thread")
        })
        .collect();
    for h in handles {
        h.join().expect("thread");
    }
    println!("threads={n}");
}
