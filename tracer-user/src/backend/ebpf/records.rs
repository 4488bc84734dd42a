//! Parsing ring-buffer records. Every length is checked before bytes are read: a record
//! that does not parse is an error, never undefined behaviour.

use tracer_common::{
    CAPTURE_FAULT, CAPTURE_TRUNCATED, CaptureHeader, IoUringRecord, LostRecord, NO_UID,
    RECORD_ENTRY_LOST, RECORD_FILTERED, RECORD_NO_RETURN, SignalRecord, SyscallRecord,
    TaskExitRecord, TaskIdsRecord, URING_FD, URING_FIXED_FILE, URING_RW, URING_SQ_THREAD, kind,
};

use crate::event::{Capture, IoUringOp, Syscall};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecordError {
    #[error("record of {len} bytes is too short for kind {kind}")]
    Short { kind: u32, len: usize },
    #[error("unknown record kind {0}")]
    UnknownKind(u32),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Record {
    Syscall {
        call: Syscall,
        entering: bool,
        /// The call's entry record was lost: what it copied is missing.
        entry_lost: bool,
        /// Kept out of the trace by the filters; for `--diagnose` only.
        filtered: bool,
    },
    TaskExit(TaskExitRecord),
    Signal(SignalRecord),
    /// A traced task started a traced task.
    Fork {
        tid: u32,
        parent: u32,
        ns: u64,
    },
    /// A process left the trace: its exec gave it privileges the tracer's user lacks.
    Untraced {
        tgid: u32,
    },
    /// CPU `cpu` lost records before this point: its totals so far.
    Lost(LostRecord),
    IoUring(IoUringOp),
    /// A task's ids in its own pid namespace (`--pidns-translation`).
    TaskIds(TaskIdsRecord),
}

impl Record {
    /// The process the record is about; None for a loss mark.
    pub fn tgid(&self) -> Option<u32> {
        match self {
            Record::Syscall { call, .. } => Some(call.pid),
            Record::TaskExit(exit) => Some(exit.tgid),
            Record::Signal(signal) => Some(signal.tgid),
            Record::Fork { tid, .. } => Some(*tid),
            Record::Untraced { tgid } => Some(*tgid),
            Record::IoUring(op) => Some(op.pid),
            Record::TaskIds(ids) => Some(ids.tgid),
            Record::Lost(_) => None,
        }
    }
}

/// Reads a `T` from the start of `bytes` if it is long enough.
fn read<T: Copy>(bytes: &[u8]) -> Option<T> {
    (bytes.len() >= size_of::<T>())
        // SAFETY: length checked above; `T` is a repr(C) integer-only type from
        // tracer-common, valid for any bit pattern; the read tolerates misalignment.
        .then(|| unsafe { std::ptr::read_unaligned(bytes.as_ptr().cast::<T>()) })
}

pub fn parse(bytes: &[u8]) -> Result<Record, RecordError> {
    let kind = read::<u32>(bytes).ok_or(RecordError::Short {
        kind: 0,
        len: bytes.len(),
    })?;
    let short = || RecordError::Short {
        kind,
        len: bytes.len(),
    };
    match kind {
        kind::SYSCALL | kind::SYSCALL_ENTER => {
            let rec: SyscallRecord = read(bytes).ok_or_else(short)?;
            let captures = parse_captures(&bytes[size_of::<SyscallRecord>()..], rec.ncaptures)
                .ok_or_else(short)?;
            let returned = kind == kind::SYSCALL && rec.flags & RECORD_NO_RETURN == 0;
            Ok(Record::Syscall {
                call: Syscall {
                    tid: rec.tid,
                    pid: rec.tgid,
                    nr: rec.nr,
                    args: rec.args,
                    enter_ns: rec.enter_ns,
                    exit_ns: returned.then_some(rec.exit_ns),
                    ret: returned.then_some(rec.ret),
                    captures,
                    ip: None,
                    uid: (rec.uid != NO_UID).then_some(rec.uid),
                    cpu_ns: None,
                    tampered: Default::default(),
                },
                entering: kind == kind::SYSCALL_ENTER,
                entry_lost: rec.flags & RECORD_ENTRY_LOST != 0,
                filtered: rec.flags & RECORD_FILTERED != 0,
            })
        }
        kind::TASK_EXIT => Ok(Record::TaskExit(read(bytes).ok_or_else(short)?)),
        kind::SIGNAL => Ok(Record::Signal(read(bytes).ok_or_else(short)?)),
        kind::TASK_FORK => {
            let rec: TaskExitRecord = read(bytes).ok_or_else(short)?;
            Ok(Record::Fork {
                tid: rec.tid,
                parent: rec.group_dead,
                ns: rec.ns,
            })
        }
        kind::LOST => Ok(Record::Lost(read(bytes).ok_or_else(short)?)),
        kind::IO_URING => {
            let rec: IoUringRecord = read(bytes).ok_or_else(short)?;
            Ok(Record::IoUring(IoUringOp {
                tid: rec.tid,
                pid: rec.tgid,
                opcode: rec.opcode,
                fd: (rec.flags & URING_FD != 0).then_some(rec.fd),
                rw: (rec.flags & URING_RW != 0).then_some((rec.off, rec.len)),
                user_data: rec.user_data,
                submit_ns: rec.submit_ns,
                complete_ns: rec.complete_ns,
                res: rec.res,
                cflags: rec.cflags,
                sq_thread: rec.flags & URING_SQ_THREAD != 0,
                fixed_file: rec.flags & URING_FIXED_FILE != 0,
            }))
        }
        kind::TASK_IDS => Ok(Record::TaskIds(read(bytes).ok_or_else(short)?)),
        kind::UNTRACED => {
            let rec: TaskExitRecord = read(bytes).ok_or_else(short)?;
            Ok(Record::Untraced { tgid: rec.tgid })
        }
        other => Err(RecordError::UnknownKind(other)),
    }
}

/// When the kernel wrote the record (`bpf_ktime_get_ns()`, CLOCK_MONOTONIC), the order
/// of the per-CPU buffers' merge; None for a loss mark or a task's ids, which have no
/// time of their own (both go just before the record that follows them in their
/// buffer), or a record too short to say.
pub fn written_ns(bytes: &[u8]) -> Option<u64> {
    match read::<u32>(bytes)? {
        // Both kinds stamp `exit_ns` as they are written, an entry's too.
        kind::SYSCALL | kind::SYSCALL_ENTER => read::<SyscallRecord>(bytes).map(|r| r.exit_ns),
        kind::TASK_EXIT | kind::TASK_FORK | kind::UNTRACED => {
            read::<TaskExitRecord>(bytes).map(|r| r.ns)
        }
        kind::SIGNAL => read::<SignalRecord>(bytes).map(|r| r.ns),
        kind::IO_URING => read::<IoUringRecord>(bytes).map(|r| r.complete_ns),
        _ => None,
    }
}

fn parse_captures(mut bytes: &[u8], count: u16) -> Option<Vec<Capture>> {
    let mut captures = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let header: CaptureHeader = read(bytes)?;
        bytes = &bytes[size_of::<CaptureHeader>()..];
        let len = header.len as usize;
        let data = bytes.get(..len)?.to_vec();
        // Each capture is padded to 8 bytes; the last one may end the record unpadded.
        bytes = bytes.get(len.next_multiple_of(8)..).unwrap_or(&[]);
        captures.push(Capture {
            arg: header.arg,
            kind: header.kind,
            data,
            truncated: header.flags & CAPTURE_TRUNCATED != 0,
            fault: header.flags & CAPTURE_FAULT != 0,
        });
    }
    Some(captures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes_of<T: Copy>(v: &T) -> Vec<u8> {
        // SAFETY: repr(C) integer-only test values.
        unsafe { std::slice::from_raw_parts((v as *const T).cast::<u8>(), size_of::<T>()) }.to_vec()
    }

    #[test]
    fn parses_a_syscall_with_a_capture() {
        let rec = SyscallRecord {
            kind: kind::SYSCALL,
            tid: 7,
            tgid: 5,
            nr: 257,
            enter_ns: 100,
            exit_ns: 250,
            ret: -2,
            ncaptures: 1,
            ..Default::default()
        };
        let mut bytes = bytes_of(&rec);
        bytes.extend(bytes_of(&CaptureHeader {
            arg: 1,
            kind: 1,
            flags: CAPTURE_TRUNCATED,
            _pad: 0,
            len: 3,
        }));
        bytes.extend(b"abc");
        let Record::Syscall { call, entering, .. } = parse(&bytes).unwrap() else {
            panic!()
        };
        assert!(!entering);
        assert_eq!(
            (call.tid, call.pid, call.nr, call.ret),
            (7, 5, 257, Some(-2))
        );
        assert_eq!(call.duration_ns(), Some(150));
        assert_eq!(call.captures[0].data, b"abc");
        assert!(call.captures[0].truncated && !call.captures[0].fault);
    }

    #[test]
    fn records_say_when_they_were_written() {
        let rec = SyscallRecord {
            kind: kind::SYSCALL_ENTER,
            enter_ns: 5,
            exit_ns: 7,
            ..Default::default()
        };
        assert_eq!(written_ns(&bytes_of(&rec)), Some(7));
        let exit = TaskExitRecord {
            kind: kind::TASK_EXIT,
            ns: 9,
            ..Default::default()
        };
        assert_eq!(written_ns(&bytes_of(&exit)), Some(9));
        let lost = LostRecord {
            kind: kind::LOST,
            ..Default::default()
        };
        assert_eq!(written_ns(&bytes_of(&lost)), None);
        assert_eq!(written_ns(&bytes_of(&rec)[..8]), None);
    }

    #[test]
    fn rejects_truncated_records() {
        let rec = SyscallRecord {
            kind: kind::SYSCALL,
            ncaptures: 1,
            ..Default::default()
        };
        let bytes = bytes_of(&rec);
        assert!(matches!(parse(&bytes), Err(RecordError::Short { .. })));
        assert!(matches!(
            parse(&bytes[..10]),
            Err(RecordError::Short { .. })
        ));
        assert_eq!(parse(&[99, 0, 0, 0]), Err(RecordError::UnknownKind(99)));
        // A task's ids cut short.
        assert!(matches!(
            parse(&[kind::TASK_IDS as u8, 0, 0, 0]),
            Err(RecordError::Short { .. })
        ));
    }

    #[test]
    fn a_call_that_never_returned_has_no_return_value() {
        let rec = SyscallRecord {
            kind: kind::SYSCALL,
            nr: 231,
            flags: RECORD_NO_RETURN,
            ..Default::default()
        };
        let Record::Syscall { call, .. } = parse(&bytes_of(&rec)).unwrap() else {
            panic!()
        };
        assert_eq!((call.ret, call.exit_ns), (None, None));
    }

    #[test]
    fn parses_an_io_uring_operation() {
        let rec = IoUringRecord {
            kind: kind::IO_URING,
            tid: 7,
            tgid: 5,
            opcode: 22,
            flags: URING_FD | URING_RW,
            submit_ns: 100,
            complete_ns: 350,
            off: 4096,
            len: 8192,
            fd: 3,
            res: -9,
            ..Default::default()
        };
        let Record::IoUring(op) = parse(&bytes_of(&rec)).unwrap() else {
            panic!()
        };
        assert_eq!((op.tid, op.pid, op.opcode, op.fd), (7, 5, 22, Some(3)));
        assert_eq!(
            (op.rw, op.res, op.duration_ns()),
            (Some((4096, 8192)), -9, 250)
        );
        assert!(op.failed() && !op.sq_thread);
        assert!(matches!(
            parse(&bytes_of(&rec)[..40]),
            Err(RecordError::Short { .. })
        ));
    }
}
