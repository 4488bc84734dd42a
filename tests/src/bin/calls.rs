//! Makes a known set of syscalls, for tests that count or filter them.
//!
//! `calls loop N`        N × getppid, N × 1-byte write to /dev/null, N × failing openat
//! `calls slow-read MS`  one read that blocks MS milliseconds, then exits
//! `calls tree`          a child that forks a grandchild, a thread, a vfork+exec of true

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
        _ => {
            eprintln!("usage: calls loop N | slow-read MS | tree");
            std::process::exit(2);
        }
    }
}
