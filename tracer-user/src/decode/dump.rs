//! `-e read=FDS` / `-e write=FDS`: the data a call moved, hex-dumped after its line as
//! strace's `dumpio` does (` | 00000  68 65 6c 6c 6f 0a ...  hello. |`).

use std::fmt::Write;

use super::{Call, iovec};
use crate::syscalls;

/// Bytes per dump line.
const WIDTH: usize = 16;

/// How a call moves data, for dumping.
enum Moves {
    /// One buffer (argument 1), of the length in argument 2 (written) or the return
    /// value (read).
    Buffer,
    /// An iovec array (argument 1).
    Iovec,
    /// The iovecs of a `msghdr` (argument 1).
    Message,
    /// The iovecs of each message of an `mmsghdr` vector (argument 1) the call sent or
    /// received.
    Messages,
}

/// What `nr` writes and reads, as strace's `dumpio` knows them.
fn moves(name: &str) -> (Option<Moves>, Option<Moves>) {
    match name {
        "write" | "pwrite64" | "sendto" | "mq_timedsend" => (Some(Moves::Buffer), None),
        "writev" | "pwritev" | "pwritev2" | "vmsplice" => (Some(Moves::Iovec), None),
        "sendmsg" => (Some(Moves::Message), None),
        "sendmmsg" => (Some(Moves::Messages), None),
        "recvmmsg" => (None, Some(Moves::Messages)),
        "read" | "pread64" | "recvfrom" | "mq_timedreceive" => (None, Some(Moves::Buffer)),
        "readv" | "preadv" | "preadv2" => (None, Some(Moves::Iovec)),
        "recvmsg" => (None, Some(Moves::Message)),
        _ => (None, None),
    }
}

/// Appends the dumps for `call` when its descriptor (argument 0) is in `write` (data
/// written, dumped whether the call failed or not, as strace does) or `read` (data read,
/// only when the call succeeded). Each line ends with a newline.
pub fn write_dumps(
    out: &mut String,
    call: &Call,
    read: &dyn Fn(u32) -> bool,
    write: &dyn Fn(u32) -> bool,
) {
    let Some(sc) = syscalls::by_nr(call.nr) else {
        return;
    };
    let Ok(fd) = u32::try_from(call.args[0] as i32) else {
        return;
    };
    let (written, was_read) = moves(sc.name);
    let (how, limit) = match (written, was_read) {
        (Some(how), _) if write(fd) => (how, u64::MAX),
        (_, Some(how)) if read(fd) => match call.success() {
            Some(n) => (how, n),
            None => return,
        },
        _ => return,
    };
    match how {
        Moves::Buffer => {
            let len = if limit == u64::MAX {
                call.args[2]
            } else {
                limit
            };
            if let Some(cap) = call.capture(1).filter(|c| !c.fault) {
                dump(out, &cap.data, len);
            }
        }
        Moves::Iovec | Moves::Message => {
            let Some(elements) = iovec::element_data(call, 1) else {
                return;
            };
            // strace reads the whole array first: none of it when part is unreadable.
            let count = call.args[2].min(tracer_common::MAX_IOV as u64);
            if matches!(how, Moves::Iovec) && (elements.len() as u64) < count {
                return;
            }
            dump_elements(out, elements, limit);
        }
        // strace's dumpiov_in_mmsghdr: the messages the call moved, each up to its
        // `msg_len`.
        Moves::Messages => {
            let Some(done) = call.success() else {
                return;
            };
            for (i, msg) in iovec::mmsg_data(call, 1)
                .iter()
                .take(done as usize)
                .enumerate()
            {
                let _ = writeln!(out, " = {} buffers in vector {i}", msg.iovlen);
                let elements = msg.elements.iter().map(|(n, d)| (*n, d.as_slice()));
                dump_elements(out, elements.collect(), msg.msg_len);
            }
        }
    }
}

/// An iovec's elements (length, captured bytes), `limit` bytes of them in all.
fn dump_elements(out: &mut String, elements: Vec<(u64, &[u8])>, limit: u64) {
    let mut left = limit;
    for (i, (iov_len, data)) in elements.into_iter().enumerate() {
        let len = iov_len.min(left);
        if len == 0 {
            break;
        }
        left -= len;
        let _ = writeln!(out, " * {len} bytes in buffer {i}");
        dump(out, data, len);
    }
}

/// One buffer of `len` bytes of which `data` was captured.
fn dump(out: &mut String, data: &[u8], len: u64) {
    let shown = &data[..data.len().min(len as usize)];
    // strace widens the offset column for dumps past 1 MiB.
    let digits = if len > 1 << 20 {
        1 + (len - 1).ilog2() as usize / 4
    } else {
        5
    };
    for (n, chunk) in shown.chunks(WIDTH).enumerate() {
        let _ = write!(out, " | {:0digits$x}  ", n * WIDTH);
        for i in 0..WIDTH {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if i % 8 == 7 {
                out.push(' ');
            }
        }
        for i in 0..WIDTH {
            out.push(match chunk.get(i) {
                Some(&b) if (b' '..0x7f).contains(&b) => b as char,
                Some(_) => '.',
                None => ' ',
            });
        }
        out.push_str(" |\n");
    }
    if (shown.len() as u64) < len {
        let _ = writeln!(
            out,
            " | <{} more bytes not captured>",
            len - shown.len() as u64
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;

    fn call(name: &str, args: [u64; 6], ret: i64, data: &[u8]) -> Call {
        Call {
            nr: syscalls::by_name(name).unwrap().nr,
            args,
            ret: Some(ret),
            captures: vec![Capture {
                arg: 1,
                kind: tracer_common::capture::BUF,
                data: data.to_vec(),
                truncated: false,
                fault: false,
            }],
            ..Default::default()
        }
    }

    #[test]
    fn strace_layout() {
        let mut s = String::new();
        let c = call("write", [1, 0x1000, 6, 0, 0, 0], 6, b"hello\n");
        write_dumps(&mut s, &c, &|_| false, &|fd| fd == 1);
        assert_eq!(
            s,
            " | 00000  68 65 6c 6c 6f 0a                                 \
             hello.           |\n"
        );
        let data: Vec<u8> = (0u8..20).map(|b| b + b'a').collect();
        let c = call("read", [3, 0x1000, 4096, 0, 0, 0], 20, &data);
        s.clear();
        write_dumps(&mut s, &c, &|fd| fd == 3, &|_| true);
        assert_eq!(
            s,
            " | 00000  61 62 63 64 65 66 67 68  69 6a 6b 6c 6d 6e 6f 70  abcdefghijklmnop |\n \
             | 00010  71 72 73 74                                       qrst             |\n"
        );
        s.clear();
        write_dumps(&mut s, &c, &|fd| fd == 4, &|_| true);
        assert_eq!(s, "", "another descriptor");
        let failed = Call {
            ret: Some(-11),
            ..c
        };
        write_dumps(&mut s, &failed, &|_| true, &|_| true);
        assert_eq!(s, "", "a failed read moved nothing");
    }
}
