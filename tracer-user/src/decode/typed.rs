//! Argument values as data, for formats that keep them apart from strace's text (JSON):
//! numbers as numbers, descriptors with what they name, strings, paths and buffers as
//! their bytes, `execve`'s argv as a list, flag sets as lists of names. Derived from the
//! same table kinds and captures as the text, so both say the same; arguments whose
//! value is only text (structs, named constants, addresses) have none.

use super::DecodeOptions;
use crate::{
    event::{FdNames, Syscall as Call},
    syscalls::ArgKind,
};

/// Borrowed from the call, its text and the descriptor table: no allocation per value
/// but an argv's or a flag set's list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed<'a> {
    /// A signed number: an `int`, a `long`, an offset.
    Int(i64),
    /// An unsigned number: a size, a count, a mode.
    UInt(u64),
    /// A descriptor (`AT_FDCWD` is -100), with what it names under `-y`.
    Fd { fd: i64, name: Option<&'a str> },
    /// A string, path or buffer: the bytes strace shows (up to `-s` where it cuts), and
    /// whether there were more.
    Bytes { bytes: &'a [u8], truncated: bool },
    /// `execve`'s argv: each string as shown, and whether the list or a string was cut.
    Strings {
        items: Vec<&'a [u8]>,
        truncated: bool,
    },
    /// A flag set: each flag's name, unknown bits as `0x...`; empty for none.
    Flags(Vec<&'a str>),
}

/// Argument `i` of `call`, of kind `kind`, which strace prints as `text`.
pub fn typed<'a>(
    call: &'a Call,
    i: usize,
    kind: ArgKind,
    text: &'a str,
    opts: &DecodeOptions,
    fds: Option<&'a dyn FdNames>,
) -> Option<Typed<'a>> {
    let v = call.args[i];
    let cap = call.capture(i).filter(|c| !c.fault && v != 0);
    Some(match kind {
        ArgKind::Int => Typed::Int(v as i32 as i64),
        ArgKind::FutexVal => Typed::UInt(v as u32 as u64),
        ArgKind::Long => Typed::Int(v as i64),
        ArgKind::UInt => Typed::UInt(v as u32 as u64),
        ArgKind::ULong => Typed::UInt(v),
        ArgKind::Uid if v as u32 == u32::MAX => Typed::Int(-1),
        ArgKind::Uid => Typed::UInt(v as u32 as u64),
        ArgKind::Mode | ArgKind::OpenMode => Typed::UInt(v & 0o7777),
        ArgKind::Fd | ArgKind::DirFd => {
            let fd = v as i32;
            Typed::Fd {
                fd: fd.into(),
                name: fds.and_then(|f| f.fd_name(call.pid, fd)),
            }
        }
        ArgKind::Path => {
            let c = cap?;
            Typed::Bytes {
                bytes: &c.data,
                truncated: c.truncated,
            }
        }
        ArgKind::StrUpTo { max } => {
            let c = cap?;
            let wanted = crate::syscalls::plan::str_up_to(max, opts.string_limit) as usize;
            let (text, ended) = match c.data.iter().position(|&b| b == 0) {
                Some(nul) => (&c.data[..nul], true),
                None if c.data.len() >= wanted => (&c.data[..wanted], false),
                // Unreadable before its end, as the text line shows it.
                None => return None,
            };
            let shown = opts.string_limit.min(text.len());
            Typed::Bytes {
                bytes: &text[..shown],
                truncated: !ended || shown < text.len(),
            }
        }
        ArgKind::Str => {
            let c = cap?;
            let shown = opts.string_limit.min(c.data.len());
            Typed::Bytes {
                bytes: &c.data[..shown],
                truncated: c.truncated || shown < c.data.len(),
            }
        }
        ArgKind::BufIn { len_arg } | ArgKind::SockBufIn { len_arg } => {
            buffer(cap?, call.args[len_arg as usize], opts)
        }
        ArgKind::UtsName => buffer(cap?, call.args[1] as u32 as u64, opts),
        ArgKind::BufOut | ArgKind::HexBufOut => buffer(cap?, call.success()?, opts),
        ArgKind::PathOut => {
            call.success()?;
            let c = cap?;
            Typed::Bytes {
                bytes: c.data.strip_suffix(b"\0").unwrap_or(&c.data),
                truncated: false,
            }
        }
        ArgKind::StrArray => {
            let c = cap?;
            let mut items: Vec<&[u8]> = c.data.split(|&b| b == 0).collect();
            // The data ends with a NUL, leaving an empty piece; without it the last
            // string was cut.
            let last_cut = c.data.last().is_some_and(|&b| b != 0);
            if !last_cut {
                items.pop();
            }
            let mut truncated = c.truncated || last_cut;
            for item in &mut items {
                if item.len() > opts.string_limit {
                    *item = &item[..opts.string_limit];
                    truncated = true;
                }
            }
            Typed::Strings { items, truncated }
        }
        kind if is_flag_set(kind) => Typed::Flags(if text == "0" {
            Vec::new()
        } else {
            text.split('|').collect()
        }),
        _ => return None,
    })
}

/// `len` bytes at a buffer, of which the capture holds the first: as many as strace
/// shows (`-s`).
fn buffer<'a>(cap: &'a crate::event::Capture, len: u64, opts: &DecodeOptions) -> Typed<'a> {
    let shown = (len.min(opts.string_limit as u64) as usize).min(cap.data.len());
    Typed::Bytes {
        bytes: &cap.data[..shown],
        truncated: len > shown as u64,
    }
}

/// Kinds strace prints as `A|B|0x10`.
fn is_flag_set(kind: ArgKind) -> bool {
    matches!(
        kind,
        ArgKind::OpenFlags
            | ArgKind::AccessMode
            | ArgKind::AtFlags
            | ArgKind::AccessAtFlags
            | ArgKind::StatxFlags
            | ArgKind::StatxMask
            | ArgKind::MmapProt
            | ArgKind::MmapFlags
            | ArgKind::MemfdFlags
            | ArgKind::MremapFlags
            | ArgKind::CloneFlags
            | ArgKind::SocketType
            | ArgKind::SockFlags
            | ArgKind::MsgFlags
            | ArgKind::WaitOptions
            | ArgKind::GrndFlags
            | ArgKind::FdFlags
            | ArgKind::EpollCreateFlags
            | ArgKind::EfdFlags
            | ArgKind::TfdFlags
            | ArgKind::SfdFlags
            | ArgKind::InotifyInitFlags
            | ArgKind::RenameFlags
            | ArgKind::Personality
    ) || matches!(kind, ArgKind::Named(n) if super::xlat::is_flags(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{event::Capture, syscalls};

    fn call(name: &str, args: [u64; 6], ret: i64, captures: Vec<Capture>) -> Call {
        Call {
            nr: syscalls::by_name(name).unwrap().nr,
            args,
            ret: Some(ret),
            exit_ns: Some(2),
            captures,
            ..Default::default()
        }
    }

    fn cap(arg: u8, data: &[u8], truncated: bool) -> Capture {
        Capture {
            arg,
            data: data.to_vec(),
            truncated,
            ..Default::default()
        }
    }

    #[test]
    fn numbers_paths_buffers_and_flags() {
        let open = call(
            "openat",
            [(-100i64) as u64, 0x1000, 0o2000000, 0, 0, 0],
            3,
            vec![cap(1, b"/etc/hostname", false)],
        );
        fn typed_of<'a>(c: &'a Call, i: usize, kind: ArgKind, text: &'a str) -> Option<Typed<'a>> {
            let opts = DecodeOptions {
                string_limit: 4,
                ..Default::default()
            };
            typed(c, i, kind, text, &opts, None)
        }
        let typed = typed_of;
        assert_eq!(
            typed(&open, 0, ArgKind::DirFd, "AT_FDCWD"),
            Some(Typed::Fd {
                fd: -100,
                name: None
            })
        );
        assert_eq!(
            typed(&open, 1, ArgKind::Path, "\"/etc/hostname\""),
            Some(Typed::Bytes {
                bytes: b"/etc/hostname",
                truncated: false
            })
        );
        assert_eq!(
            typed(&open, 2, ArgKind::OpenFlags, "O_RDONLY|O_CLOEXEC"),
            Some(Typed::Flags(vec!["O_RDONLY", "O_CLOEXEC"]))
        );
        let write = call(
            "write",
            [1, 0x1000, 10, 0, 0, 0],
            10,
            vec![cap(1, b"hello worl", false)],
        );
        assert_eq!(
            typed(&write, 1, ArgKind::BufIn { len_arg: 2 }, "\"hell\"..."),
            Some(Typed::Bytes {
                bytes: b"hell",
                truncated: true
            })
        );
        assert_eq!(
            typed(&write, 2, ArgKind::ULong, "10"),
            Some(Typed::UInt(10))
        );
        let failed_read = call("read", [0, 0x1000, 10, 0, 0, 0], -11, vec![]);
        assert_eq!(
            typed(&failed_read, 1, ArgKind::BufOut, "0x1000"),
            None,
            "no bytes where strace shows the address"
        );
        let recv = call("recvfrom", [3, 0x1000, 10, 0, 0, 0], 1, vec![]);
        assert_eq!(
            typed(&recv, 3, ArgKind::MsgFlags, "0"),
            Some(Typed::Flags(vec![]))
        );
        let exec = call(
            "execve",
            [0x1000, 0x2000, 0x3000, 0, 0, 0],
            0,
            vec![cap(1, b"ls\0-la\0/etcetera\0", false)],
        );
        assert_eq!(
            typed(&exec, 1, ArgKind::StrArray, ""),
            Some(Typed::Strings {
                items: vec![b"ls", b"-la", b"/etc"],
                truncated: true
            })
        );
    }
}
