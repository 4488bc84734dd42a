//! A multi-threaded process for the attach/detach tests. Prints `ready`, then three
//! threads do a fixed amount of work (a syscall per step), while a fourth sends SIGUSR1
//! to the main thread one at a time, each waiting until the handler saw it: a lost
//! signal makes the process fail (exit 3) rather than hang. At the end it prints
//! `result=R signals=N`, where R only depends on the work done.
//!
//! `mt_worker exec` instead has a second thread exec `/bin/true` while the main thread
//! blocks: execve in a multi-threaded process.
//!
//! `mt_worker threads` (for following threads or not): the main thread calls getpid,
//! starts two threads that each call getppid `THREAD_CALLS` times, joins them and exits
//! 0. `mt_worker spin` prints its pid, then until killed the main thread calls getpid
//! and a second thread getppid, each every few milliseconds (for `-p`).

use std::{
    io::Write,
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

const WORKERS: u64 = 3;
const STEPS: u64 = 1500;
const SIGNALS: u64 = 300;

static HANDLED: AtomicU64 = AtomicU64::new(0);

extern "C" fn on_usr1(_: libc::c_int) {
    HANDLED.fetch_add(1, Ordering::SeqCst);
}

fn work(seed: u64) -> u64 {
    let mut acc = seed;
    for step in 0..STEPS {
        acc = acc.wrapping_mul(6364136223846793005).wrapping_add(step);
        // SAFETY: getppid has no arguments; it makes every step a traced syscall.
        unsafe { libc::getppid() };
        std::thread::sleep(Duration::from_millis(1));
    }
    acc
}

/// getppid calls of each thread `mt_worker threads` starts.
const THREAD_CALLS: usize = 5;

fn threads() {
    // SAFETY: no arguments.
    unsafe { libc::getpid() };
    let workers: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(|| {
                for _ in 0..THREAD_CALLS {
                    // SAFETY: no arguments.
                    unsafe { libc::getppid() };
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
}

fn spin() -> ! {
    std::thread::spawn(|| {
        loop {
            // SAFETY: no arguments.
            unsafe { libc::getppid() };
            std::thread::sleep(Duration::from_millis(7));
        }
    });
    println!("{}", std::process::id());
    std::io::stdout().flush().unwrap();
    loop {
        // SAFETY: no arguments.
        unsafe { libc::getpid() };
        std::thread::sleep(Duration::from_millis(11));
    }
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("threads") => return threads(),
        Some("spin") => spin(),
        _ => {}
    }
    if std::env::args().nth(1).as_deref() == Some("exec") {
        std::thread::spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            let err = std::process::Command::new("/bin/true").spawn_exec();
            panic!("exec failed: {err}");
        });
        loop {
            std::thread::sleep(Duration::from_secs(10));
        }
    }
    // SAFETY: the handler only touches an atomic.
    unsafe { libc::signal(libc::SIGUSR1, on_usr1 as *const () as libc::sighandler_t) };
    // SAFETY: gettid has no arguments.
    let main_tid = unsafe { libc::gettid() };
    println!("ready");
    std::io::stdout().flush().unwrap();

    let workers: Vec<_> = (0..WORKERS)
        .map(|i| std::thread::spawn(move || work(i)))
        .collect();
    let signaller = std::thread::spawn(move || {
        for sent in 1..=SIGNALS {
            // SAFETY: plain tgkill to our own main thread.
            unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), main_tid, libc::SIGUSR1) };
            let deadline = Instant::now() + Duration::from_secs(5);
            while HANDLED.load(Ordering::SeqCst) < sent {
                if Instant::now() > deadline {
                    eprintln!("signal {sent} was lost");
                    std::process::exit(3);
                }
                std::thread::sleep(Duration::from_micros(500));
            }
            std::thread::sleep(Duration::from_millis(3));
        }
    });
    let result = workers
        .into_iter()
        .map(|w| w.join().unwrap())
        .fold(0u64, u64::wrapping_add);
    signaller.join().unwrap();
    println!("result={result} signals={}", HANDLED.load(Ordering::SeqCst));
}

trait SpawnExec {
    fn spawn_exec(&mut self) -> std::io::Error;
}

impl SpawnExec for std::process::Command {
    fn spawn_exec(&mut self) -> std::io::Error {
        std::os::unix::process::CommandExt::exec(self)
    }
}
