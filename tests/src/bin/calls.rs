//! Makes a known set of syscalls, for tests that count or filter them.
//!
//! `calls loop N`        N × getppid, N × 1-byte write to /dev/null, N × failing openat
//! `calls slow-read MS`  one read that blocks MS milliseconds, then exits
//! `calls tree`          a child that forks a grandchild, a thread, a vfork+exec of true
//! `calls eacces N`      as `nobody`, N × openat of a file under /root (EACCES)
//! `calls futex MS`      main thread waits MS ms on a mutex another thread holds
//! `calls cpu-sleep MS`  one getrandom of 32 MiB (CPU time in the kernel), then one
//!                       nanosleep of MS milliseconds (none)
//! `calls flock MS`      a thread's flock of /tmp/tracer-calls-lock-PID waits MS ms for
//!                       the main thread's lock
//! `calls blocked`       two threads in `futex(.., FUTEX_WAIT_PRIVATE, 0, NULL)`, the
//!                       main thread in `read(0, .., 1)`; prints `ready` before the main
//!                       thread's read. A byte on stdin wakes the threads (each
//!                       futex returns 0) and the process exits

use std::{ffi::CString, io::Write, time::Duration};

fn count(arg: Option<String>) -> u64 {
    arg.and_then(|a| a.parse().ok()).expect("a number")
}

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("loop") => {
            let n = count(args.next());
            let null = CString::new("/dev/null").unwrap();
            let missing = CString::new("/nonexistent/tracer-calls").unwrap();
            // SAFETY: plain syscalls on valid, NUL-terminated paths and a 1-byte buffer.
            unsafe {
                let fd = libc::open(null.as_ptr(), libc::O_WRONLY);
                for _ in 0..n {
                    libc::getppid();
                    libc::write(fd, b"x".as_ptr().cast(), 1);
                    libc::openat(libc::AT_FDCWD, missing.as_ptr(), libc::O_RDONLY);
                }
            }
        }
        Some("slow-read") => {
            let ms = count(args.next());
            let (mut reader, mut writer) = std::io::pipe().expect("pipe");
            let t = std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(ms));
                writer.write_all(b"!").unwrap();
            });
            let mut buf = [0u8; 1];
            std::io::Read::read_exact(&mut reader, &mut buf).unwrap();
            t.join().unwrap();
        }
        Some("tree") => {
            // SAFETY: fork in a single-threaded process; the children only make syscalls
            // and exit.
            unsafe {
                let child = libc::fork();
                if child == 0 {
                    let grandchild = libc::fork();
                    if grandchild == 0 {
                        libc::getppid();
                        libc::_exit(3);
                    }
                    libc::waitpid(grandchild, std::ptr::null_mut(), 0);
                    libc::_exit(2);
                }
                libc::waitpid(child, std::ptr::null_mut(), 0);
            }
            std::thread::spawn(|| unsafe { libc::getppid() })
                .join()
                .unwrap();
            let status = std::process::Command::new("true").status().unwrap();
            assert!(status.success());
        }
        Some("eacces") => {
            let n = count(args.next());
            let secret = CString::new("/root/tracer-calls-secret").unwrap();
            // SAFETY: dropping privileges, then plain syscalls on a valid path.
            unsafe {
                assert_eq!(libc::setgid(65534), 0, "setgid");
                assert_eq!(libc::setuid(65534), 0, "setuid");
                for _ in 0..n {
                    libc::openat(libc::AT_FDCWD, secret.as_ptr(), libc::O_RDONLY);
                }
            }
        }
        Some("futex") => {
            let ms = count(args.next());
            let lock = std::sync::Arc::new(std::sync::Mutex::new(()));
            let (held_tx, held_rx) = std::sync::mpsc::channel();
            let holder = {
                let lock = lock.clone();
                std::thread::spawn(move || {
                    let _guard = lock.lock().unwrap();
                    held_tx.send(()).unwrap();
                    std::thread::sleep(Duration::from_millis(ms));
                })
            };
            held_rx.recv().unwrap();
            // Tell the test the wait begins now.
            println!("waiting");
            std::io::stdout().flush().unwrap();
            drop(lock.lock().unwrap());
            holder.join().unwrap();
        }
        Some("cpu-sleep") => {
            let ms = count(args.next());
            let mut buf = vec![0u8; 32 << 20];
            let pause = libc::timespec {
                tv_sec: (ms / 1000) as libc::time_t,
                tv_nsec: (ms % 1000 * 1_000_000) as libc::c_long,
            };
            // SAFETY: the buffer is as long as the length passed; `pause` is valid.
            unsafe {
                libc::getrandom(buf.as_mut_ptr().cast(), buf.len(), 0);
                libc::nanosleep(&pause, std::ptr::null_mut());
            }
        }
        Some("flock") => {
            let ms = count(args.next());
            let path = format!("/tmp/tracer-calls-lock-{}", std::process::id());
            let holder = std::fs::File::create(&path).expect("create the lock file");
            let waiter = std::fs::File::open(&path).expect("open the lock file");
            use std::os::fd::AsRawFd;
            // SAFETY: flock on descriptors this process owns.
            unsafe { libc::flock(holder.as_raw_fd(), libc::LOCK_EX) };
            let (tx, rx) = std::sync::mpsc::channel();
            let t = std::thread::spawn(move || unsafe {
                let _ = tx.send(libc::gettid());
                libc::flock(waiter.as_raw_fd(), libc::LOCK_EX)
            });
            // The wait starts once the waiter is inside its flock (a loaded machine, or a
            // tracer slow to let the new thread go, may start it late).
            let tid = rx.recv().expect("the waiter's id");
            let inside = format!("{} ", libc::SYS_flock);
            while !std::fs::read_to_string(format!("/proc/self/task/{tid}/syscall"))
                .is_ok_and(|s| s.starts_with(&inside))
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            std::thread::sleep(Duration::from_millis(ms));
            // SAFETY: as above.
            unsafe { libc::flock(holder.as_raw_fd(), libc::LOCK_UN) };
            assert_eq!(t.join().unwrap(), 0);
            let _ = std::fs::remove_file(&path);
        }
        Some("blocked") => blocked(),
        _ => {
            eprintln!(
                "usage: calls loop N | slow-read MS | tree | eacces N | futex MS | cpu-sleep MS \
                 | flock MS | blocked"
            );
            std::process::exit(2);
        }
    }
}

/// `calls blocked`: threads blocked as a deadlocked program's are, for `-p` tests of the
/// calls in progress at attach.
fn blocked() {
    use std::sync::atomic::{AtomicU32, Ordering};
    static WORDS: [AtomicU32; 2] = [AtomicU32::new(0), AtomicU32::new(0)];
    let waiters: Vec<_> = WORDS
        .iter()
        .map(|word| {
            std::thread::spawn(move || {
                while word.load(Ordering::SeqCst) == 0 {
                    // SAFETY: a futex wait on a word this process owns, no timeout.
                    unsafe {
                        libc::syscall(
                            libc::SYS_futex,
                            word.as_ptr(),
                            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
                            0,
                            std::ptr::null::<libc::timespec>(),
                        )
                    };
                }
            })
        })
        .collect();
    println!("ready");
    std::io::stdout().flush().unwrap();
    let mut byte = [0u8; 1];
    // SAFETY: a 1-byte read into a 1-byte buffer.
    unsafe { libc::read(0, byte.as_mut_ptr().cast(), 1) };
    for word in &WORDS {
        word.store(1, Ordering::SeqCst);
        // SAFETY: a futex wake on a word this process owns.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                word.as_ptr(),
                libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
                1,
            )
        };
    }
    for w in waiters {
        w.join().unwrap();
    }
}
