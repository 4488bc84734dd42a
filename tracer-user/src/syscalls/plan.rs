//! The capture plan the kernel side follows for each syscall: which argument points at
//! memory worth copying, when, and how much. Derived from the argument kinds alone, so
//! it can never disagree with what the decoders expect.

use super::{ArgKind, Dir, StructKind, Syscall, When};
use tracer_common::{
    CapturePlan, CaptureSpec, LEN_FIXED, LEN_FROM_RET, MAX_CAPTURES, capture, when,
};

/// Longest path the kernel accepts, NUL included.
const PATH_MAX: u16 = 4096;

/// What to copy for one argument, if anything.
pub fn capture_spec(arg: u8, kind: ArgKind) -> Option<CaptureSpec> {
    let spec = |kind, when, len_arg, size| CaptureSpec {
        kind,
        when,
        arg,
        len_arg,
        size,
        max: 0,
    };
    let fixed = |sk: StructKind, w: When| {
        let w = match w {
            When::Enter => when::ENTER,

            When::ExitOk => when::EXIT_OK,
        };
        spec(capture::FIXED, w, LEN_FIXED, sk.size())
    };
    Some(match kind {
        // strace prints paths whole, other strings up to `-s` (max 0).
        ArgKind::Path => CaptureSpec {
            max: PATH_MAX,
            ..spec(capture::CSTR, when::ENTER, LEN_FIXED, 0)
        },
        ArgKind::Str => spec(capture::CSTR, when::ENTER, LEN_FIXED, 0),
        ArgKind::BufIn { len_arg } | ArgKind::SockaddrIn { len_arg } => {
            spec(capture::BUF, when::ENTER, len_arg, 0)
        }
        // Only a successful call has filled the buffer, and its result is the length.
        ArgKind::BufOut | ArgKind::HexBufOut => spec(capture::BUF, when::EXIT_OK, LEN_FROM_RET, 0),
        ArgKind::PathOut => CaptureSpec {
            max: PATH_MAX,
            ..spec(capture::BUF, when::EXIT_OK, LEN_FROM_RET, 0)
        },
        ArgKind::EpollEvents => spec(
            capture::BUF,
            when::EXIT_OK,
            LEN_FROM_RET,
            StructKind::EpollEvent.size(),
        ),
        ArgKind::Iovec { count_arg, dir } => {
            let w = if dir == Dir::In {
                when::ENTER
            } else {
                when::EXIT_OK
            };
            spec(capture::BUF, w, count_arg, 16)
        }
        ArgKind::PollFds { count_arg } => spec(capture::BUF, when::ENTER, count_arg, 8),
        ArgKind::StrArray => spec(capture::STRV, when::ENTER, LEN_FIXED, 0),
        ArgKind::EnvArray => spec(capture::PTRV_COUNT, when::ENTER, LEN_FIXED, 0),
        ArgKind::Struct(sk, w) => fixed(sk, w),
        // Read whatever the operation: when the argument is `val2` rather than a
        // timeout, the copy faults or is ignored.
        ArgKind::FutexTimeout => fixed(StructKind::Timespec, When::Enter),
        _ => return None,
    })
}

/// The capture plan of `sc`: its first [`MAX_CAPTURES`] memory arguments.
pub fn capture_plan(sc: &Syscall) -> CapturePlan {
    let mut plan = CapturePlan::default();
    let specs = (0u8..)
        .zip(sc.args)
        .filter_map(|(i, arg)| capture_spec(i, arg.kind))
        .take(MAX_CAPTURES);
    for (slot, spec) in plan.specs.iter_mut().zip(specs) {
        *slot = spec;
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syscalls::{all, by_name};

    fn plan(name: &str) -> Vec<CaptureSpec> {
        let plan = capture_plan(by_name(name).unwrap());
        plan.specs
            .into_iter()
            .filter(|s| s.kind != capture::NONE)
            .collect()
    }

    #[test]
    fn common_syscalls() {
        let read = plan("read");
        assert_eq!(read.len(), 1);
        assert_eq!(
            (read[0].kind, read[0].when, read[0].arg, read[0].len_arg),
            (capture::BUF, when::EXIT_OK, 1, LEN_FROM_RET)
        );
        let write = plan("write");
        assert_eq!(
            (write[0].kind, write[0].when, write[0].len_arg),
            (capture::BUF, when::ENTER, 2)
        );
        let openat = plan("openat");
        assert_eq!(
            (openat[0].kind, openat[0].arg, openat[0].max),
            (capture::CSTR, 1, 4096)
        );
        assert_eq!(plan("memfd_create")[0].max, 0, "non-path strings follow -s");
        let execve = plan("execve");
        let kinds: Vec<_> = execve.iter().map(|s| (s.kind, s.arg)).collect();
        assert_eq!(
            kinds,
            [
                (capture::CSTR, 0),
                (capture::STRV, 1),
                (capture::PTRV_COUNT, 2)
            ]
        );
        let fstat = plan("fstat");
        assert_eq!(
            (fstat[0].kind, fstat[0].when, fstat[0].size),
            (capture::FIXED, when::EXIT_OK, 144)
        );
        let nanosleep = plan("nanosleep");
        assert_eq!(
            (nanosleep[0].kind, nanosleep[0].when, nanosleep[0].size),
            (capture::FIXED, when::ENTER, 16)
        );
        let connect = plan("connect");
        assert_eq!((connect[0].kind, connect[0].len_arg), (capture::BUF, 2));
        let poll = plan("poll");
        assert_eq!(
            (poll[0].kind, poll[0].len_arg, poll[0].size),
            (capture::BUF, 1, 8)
        );
        assert!(plan("getpid").is_empty());
    }

    #[test]
    fn every_plan_is_well_formed() {
        for sc in all() {
            let plan = capture_plan(sc);
            for s in plan.specs.iter().filter(|s| s.kind != capture::NONE) {
                assert!((s.arg as usize) < sc.args.len(), "{}", sc.name);
                let len_ok = matches!(s.len_arg, LEN_FIXED | LEN_FROM_RET)
                    || (s.len_arg as usize) < sc.args.len();
                assert!(len_ok, "{}", sc.name);
                assert!(s.size as usize <= tracer_common::MAX_CAPTURE, "{}", sc.name);
            }
        }
    }
}
