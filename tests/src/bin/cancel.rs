//! `pthread_cancel` of a thread blocked in `nanosleep`: glibc cancels it with its own
//! real-time signal (SIGCANCEL, 32, strace's `SIGRTMIN`), sent with `tgkill`. Prints
//! `cancelled` once the thread is joined as cancelled, and exits 0; a tracer that loses
//! or mishandles the signal leaves the thread sleeping (this then fails after 10 s).

use std::{ffi::c_void, time::Duration};

/// The thread's body: a plain frame (nothing to drop), so glibc's forced unwinding may
/// pass through it (`C-unwind`).
extern "C-unwind" fn sleeper(_: *mut c_void) -> *mut c_void {
    loop {
        // SAFETY: sleep is a cancellation point with no preconditions.
        unsafe { libc::sleep(10) };
    }
}

fn main() {
    // SAFETY: all-zero is how a pthread_t is initialised before pthread_create fills it.
    let mut thread: libc::pthread_t = unsafe { std::mem::zeroed() };
    // SAFETY: `sleeper` matches the start routine's signature (its unwind ABI aside).
    let rc = unsafe {
        libc::pthread_create(
            &mut thread,
            std::ptr::null(),
            std::mem::transmute::<
                extern "C-unwind" fn(*mut c_void) -> *mut c_void,
                extern "C" fn(*mut c_void) -> *mut c_void,
            >(sleeper),
            std::ptr::null_mut(),
        )
    };
    assert_eq!(rc, 0, "pthread_create");
    std::thread::sleep(Duration::from_millis(100));
    let mut result = std::ptr::null_mut();
    // SAFETY: `thread` is a joinable thread created above.
    unsafe {
        assert_eq!(libc::pthread_cancel(thread), 0, "pthread_cancel");
        assert_eq!(libc::pthread_join(thread, &mut result), 0, "pthread_join");
    }
    // PTHREAD_CANCELED is ((void *) -1).
    if result as isize == -1 {
        println!("cancelled");
    } else {
        println!("not cancelled");
        std::process::exit(1);
    }
}
