//! Tracee memory: the same captures the kernel programs take (`tracer-ebpf/src/capture.rs`),
//! read from userspace with `process_vm_readv`, or `PTRACE_PEEKDATA` where that is not
//! allowed. Same limits, same truncation and fault flags, so decoders see identical data.

use std::{
    io::IoSliceMut,
    sync::atomic::{AtomicBool, Ordering},
};

use nix::{
    errno::Errno,
    sys::{
        ptrace,
        uio::{RemoteIoVec, process_vm_readv},
    },
    unistd::Pid,
};
use tracer_common::{
    CAPTURE_FAULT, CAPTURE_TRUNCATED, CapturePlan, CaptureSpec, DIRENT_RECLEN, FD_ENDPOINTS,
    FD_NAME_BYTES, FD_RET_ARG, FD_RETURNED, FDSET_FAULT, FDSET_NULL, FDSET_READ, FdFacts,
    IovecChunk, MAX_CAPTURE, MAX_DIRENTS, MAX_IOV, MAX_PTRV, MAX_STRV, MSGHDR_CONTROL, MSGHDR_IOV,
    MSGHDR_NAME, capture, fd_extra_arg, fdset_bytes, iov_copy_len, when,
};

use crate::event::{Capture, Syscall};

/// Which captures of a plan to take now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Enter,
    /// At exit, with the return value.
    Exit(i64),
}

impl Phase {
    fn ret(self) -> Option<i64> {
        match self {
            Phase::Exit(ret) => Some(ret),
            Phase::Enter => None,
        }
    }

    fn wants(self, spec: &CaptureSpec) -> bool {
        if spec.kind == capture::NONE {
            return false;
        }
        match self {
            Phase::Enter => spec.when == when::ENTER,
            Phase::Exit(ret) => spec.when == when::EXIT || (spec.when == when::EXIT_OK && ret >= 0),
        }
    }
}

/// Set once `process_vm_readv` is refused (ENOSYS, or EPERM under some LSMs).
static PEEK_ONLY: AtomicBool = AtomicBool::new(false);

/// Reads as much of `buf.len()` bytes at `addr` as is mapped from the start; returns the
/// count (0 when the first byte is unreadable).
pub fn read(pid: Pid, addr: u64, buf: &mut [u8]) -> usize {
    if buf.is_empty() {
        return 0;
    }
    if !PEEK_ONLY.load(Ordering::Relaxed) {
        let remote = [RemoteIoVec {
            base: addr as usize,
            len: buf.len(),
        }];
        // A fault past the first page ends the read there: the partial count is returned.
        match process_vm_readv(pid, &mut [IoSliceMut::new(buf)], &remote) {
            Ok(n) => return n,
            Err(Errno::ENOSYS | Errno::EPERM) => PEEK_ONLY.store(true, Ordering::Relaxed),
            Err(_) => return 0,
        }
    }
    peek(pid, addr, buf)
}

/// `-e inject=`'s `poke_*=`: writes `data` at `addr`, word by word through ptrace
/// (which also writes read-only pages), or, for a task not in a ptrace stop (the eBPF
/// backend's, waiting on its seccomp filter), through `/proc/PID/mem`, which forces
/// writes as ptrace does; whether all of it was written.
pub fn write(pid: Pid, addr: u64, data: &[u8]) -> bool {
    poke(pid, addr, data) || write_proc_mem(pid, addr, data)
}

fn write_proc_mem(pid: Pid, addr: u64, data: &[u8]) -> bool {
    use std::os::unix::fs::FileExt;
    std::fs::OpenOptions::new()
        .write(true)
        .open(format!("/proc/{pid}/mem"))
        .and_then(|mem| mem.write_all_at(data, addr))
        .is_ok()
}

fn poke(pid: Pid, addr: u64, data: &[u8]) -> bool {
    const WORD: usize = size_of::<libc::c_long>();
    let mut done = 0;
    while done < data.len() {
        let at = addr + done as u64;
        let aligned = at & !(WORD as u64 - 1);
        let skip = (at - aligned) as usize;
        let n = (WORD - skip).min(data.len() - done);
        // A partial word keeps the bytes around the ones written.
        let mut bytes = [0u8; WORD];
        if n < WORD {
            let Ok(word) = ptrace::read(pid, aligned as ptrace::AddressType) else {
                return false;
            };
            bytes = word.to_ne_bytes();
        }
        bytes[skip..skip + n].copy_from_slice(&data[done..done + n]);
        let word = libc::c_long::from_ne_bytes(bytes);
        if ptrace::write(pid, aligned as ptrace::AddressType, word).is_err() {
            return false;
        }
        done += n;
    }
    true
}

/// Word-by-word reads through ptrace (the tracee is in a ptrace stop).
fn peek(pid: Pid, addr: u64, buf: &mut [u8]) -> usize {
    const WORD: usize = size_of::<libc::c_long>();
    let mut done = 0;
    while done < buf.len() {
        // Aligned words, so a read never straddles into an unmapped page needlessly.
        let at = addr + done as u64;
        let aligned = at & !(WORD as u64 - 1);
        let Ok(word) = ptrace::read(pid, aligned as ptrace::AddressType) else {
            break;
        };
        let bytes = word.to_ne_bytes();
        let skip = (at - aligned) as usize;
        let n = (WORD - skip).min(buf.len() - done);
        buf[done..done + n].copy_from_slice(&bytes[skip..skip + n]);
        done += n;
    }
    done
}

/// A NUL-terminated string read as strace's umovestr reads one: at most `max` bytes,
/// stopping at the NUL. `Some((bytes without NUL, whether a NUL ended them))`, cut to
/// `max - 1` bytes when none did; `None` on a fault before the NUL or the `max`th byte.
fn read_str(pid: Pid, addr: u64, max: usize) -> Option<(Vec<u8>, bool)> {
    let mut buf = vec![0u8; max];
    // Strings are short and usually end well before the page does: one read, then a
    // second one only if the first stopped at a page boundary before the NUL.
    let mut got = 0;
    while got < max {
        let n = read(pid, addr + got as u64, &mut buf[got..]);
        if let Some(nul) = buf[got..got + n].iter().position(|&b| b == 0) {
            buf.truncate(got + nul);
            return Some((buf, true));
        }
        if n == 0 {
            return None;
        }
        got += n;
    }
    buf.truncate(max.saturating_sub(1));
    Some((buf, false))
}

/// Takes the captures `plan` asks for in `phase`, with the kernel programs' semantics
/// (argv as abbreviated execs show them).
pub fn capture(
    pid: Pid,
    call: &Syscall,
    plan: &CapturePlan,
    string_limit: usize,
    phase: Phase,
) -> Vec<Capture> {
    capture_with(pid, call, plan, (string_limit, MAX_STRV), phase)
}

/// [`capture`], with `limits`: bytes of each string or buffer, and strings of an argv
/// (`KernelConfig::strv_strings`).
pub fn capture_with(
    pid: Pid,
    call: &Syscall,
    plan: &CapturePlan,
    limits: (usize, usize),
    phase: Phase,
) -> Vec<Capture> {
    let mut caps: Vec<Capture> = plan
        .specs
        .iter()
        .filter(|spec| phase.wants(spec))
        .filter_map(|spec| capture_one(pid, spec, phase, &call.args, limits))
        .collect();
    read_derefs(pid, call, phase, limits.0, &mut caps);
    caps
}

/// `-e kvm=vcpu`: the `exit_reason` of the `struct kvm_run` vcpu descriptor `fd` of
/// task `tid` has mapped, as strace finds it: the mapping of the descriptor's file
/// (`anon_inode:kvm-vcpu:N`, device major 0), if it is as long as the struct
/// ([`tracer_common::capture::KVM_EXIT`]).
pub fn kvm_exit_reason(tid: u32, fd: i32) -> Option<Capture> {
    /// `sizeof(struct kvm_run)` (x86_64, arm64).
    const KVM_RUN_SIZE: u64 = 2352;
    let name = std::fs::read_link(format!("/proc/{tid}/fd/{fd}")).ok()?;
    let name = name.to_str()?;
    let maps = std::fs::read_to_string(format!("/proc/{tid}/maps")).ok()?;
    let start = maps.lines().find_map(|line| {
        let mut cols = line.split_whitespace();
        let (range, dev) = (cols.next()?, cols.nth(2)?);
        let path = cols.nth(1)?;
        let (start, end) = range.split_once('-')?;
        let (start, end) = (
            u64::from_str_radix(start, 16).ok()?,
            u64::from_str_radix(end, 16).ok()?,
        );
        (path == name && dev.starts_with("00:") && end.saturating_sub(start) >= KVM_RUN_SIZE)
            .then_some(start)
    })?;
    let mut reason = [0u8; 4];
    let at = start + tracer_common::KVM_RUN_EXIT_REASON as u64;
    (read(Pid::from_raw(tid as i32), at, &mut reason) == 4).then(|| Capture {
        arg: crate::event::DEREF_ARG,
        kind: capture::KVM_EXIT,
        data: reason.to_vec(),
        ..Capture::default()
    })
}

/// Most read behind one pointer.
const MAX_DEREF: usize = 1 << 16;

/// Memory behind pointers in what the call's arguments point at, as its decoder asks
/// (`decode::derefs`: an ioctl's struct, keyctl's parameters, io_submit's iocbs, ...):
/// each address read once, as far as it is readable, in rounds while the answers name
/// further pointers (a control's string, an iocb's buffer).
fn read_derefs(
    pid: Pid,
    call: &Syscall,
    phase: Phase,
    string_limit: usize,
    caps: &mut Vec<Capture>,
) {
    use crate::event::{DEREF_ARG, DEREF_ENTRY, DEREF_EXIT};
    let kind = match phase {
        Phase::Exit(_) => DEREF_EXIT,
        Phase::Enter => DEREF_ENTRY,
    };
    for _ in 0..4 {
        let mut added = false;
        for (addr, len) in crate::decode::derefs(call, phase.ret(), caps, string_limit) {
            let len = len.min(MAX_DEREF);
            // Read already, as far as asked or as the memory went.
            let known = caps.iter().any(|c| {
                c.kind == kind
                    && c.data.len() >= 8
                    && c.data[..8] == addr.to_le_bytes()
                    && (c.truncated || c.data.len() - 8 >= len)
            });
            if addr == 0 || len == 0 || known {
                continue;
            }
            let mut data = vec![0u8; 8 + len];
            data[..8].copy_from_slice(&addr.to_le_bytes());
            let n = read(pid, addr, &mut data[8..]);
            data.truncate(8 + n);
            caps.push(Capture {
                arg: DEREF_ARG,
                kind,
                data,
                truncated: n < len,
                fault: n == 0,
            });
            added = true;
        }
        if !added {
            break;
        }
    }
}

fn capture_one(
    pid: Pid,
    spec: &CaptureSpec,
    phase: Phase,
    args: &[u64; 6],
    (string_limit, strings): (usize, usize),
) -> Option<Capture> {
    if matches!(spec.kind, capture::FD_FACTS | capture::FD_PAIR_FACTS) {
        return fd_facts(pid, spec, phase, args);
    }
    let src = args[(spec.arg & 7) as usize % 6];
    if src == 0 {
        // NULL is printed from the argument itself.
        return None;
    }
    let limit = spec.limit(string_limit);
    let (data, flags) = match spec.kind {
        capture::CSTR => match read_str(pid, src, limit.clamp(1, MAX_CAPTURE)) {
            None => (Vec::new(), CAPTURE_FAULT),
            Some((s, true)) => (s, 0),
            // No NUL among the bytes read: the formatter shows "...".
            Some((s, false)) => (s, CAPTURE_TRUNCATED),
        },
        capture::BUF | capture::FIXED | capture::HEADED_BUF => {
            let total = tracer_common::capture_len(spec, phase.ret(), args)?;
            let full = tracer_common::capture_want(spec, total, limit);
            let want = full.min(MAX_CAPTURE);
            // The kernel programs' copy, to the same bytes: whole, or (a struct's first
            // fields, an array's first elements, which strace shows) up to the end of
            // the mapping; as faulted where a byte wanted past a capture's room is not
            // readable (strace's read of `-s` and a byte fails).
            let past = full > want && read(pid, src + full as u64 - 1, &mut [0u8]) != 1;
            match read_partial(pid, spec, src, want).filter(|_| !past) {
                Some(buf) => {
                    let flags = tracer_common::copied_flags(spec, total, want, buf.len());
                    (buf, flags)
                }
                None => (Vec::new(), CAPTURE_FAULT),
            }
        }
        capture::IOVEC | capture::MSG_IOVEC => {
            let (array, count) = if spec.kind == capture::IOVEC {
                (src, args[(spec.len_arg & 7) as usize % 6])
            } else {
                read_pair(pid, src + MSGHDR_IOV).unwrap_or_default()
            };
            if array == 0 {
                return None;
            }
            read_iovec(pid, array, count, string_limit)
        }
        capture::MSG_NAME | capture::MSG_CONTROL => {
            let pair = if spec.kind == capture::MSG_NAME {
                MSGHDR_NAME
            } else {
                MSGHDR_CONTROL
            };
            let (ptr, len) = read_pair(pid, src + pair).unwrap_or_default();
            if ptr == 0 {
                return None;
            }
            let want = (len as u32 as usize).min(spec.size as usize);
            match read_partial(pid, spec, ptr, want) {
                None => (Vec::new(), CAPTURE_FAULT),
                Some(buf) => (buf, 0),
            }
        }
        capture::MMSG => {
            let count = match (spec.len_arg, phase.ret()) {
                (tracer_common::LEN_FROM_RET, Some(ret)) if ret >= 0 => ret as u64,
                (tracer_common::LEN_FROM_RET, _) => return None,
                (n, _) => args[(n & 7) as usize % 6] as u32 as u64,
            };
            read_mmsg(pid, src, count, string_limit)
        }
        capture::DIRENT_COUNT => {
            let len = tracer_common::capture_len(spec, phase.ret(), args)?;
            count_dirents(pid, src, len as u64)
        }
        capture::FD_SETS => {
            let nfds = args[(spec.len_arg & 7) as usize % 6];
            read_fd_sets(pid, args, nfds)
        }
        capture::FOLLOW => read_follow(pid, spec, src),
        capture::STRV => read_strv(pid, src, limit, strings),
        capture::PTRV_COUNT => count_ptrs(pid, src),
        _ => return None,
    };
    Some(Capture {
        arg: spec.arg,
        kind: spec.kind,
        data,
        truncated: flags & CAPTURE_TRUNCATED != 0,
        fault: flags & CAPTURE_FAULT != 0,
    })
}

/// `want` bytes at `src`, or for a [`tracer_common::PARTIAL`] or ioctl-sized spec whose
/// read faults, those before the end of the page (as the kernel programs retry); None
/// on a fault.
fn read_partial(pid: Pid, spec: &CaptureSpec, src: u64, want: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; want];
    if read(pid, src, &mut buf) == want {
        return Some(buf);
    }
    // The kernel side's retry, to the same bytes.
    let rest = tracer_common::capture_retry_len(spec, src, want)?;
    buf.truncate(rest);
    (read(pid, src, &mut buf) == rest).then_some(buf)
}

/// A struct, then the array a pointer in it points at ([`capture::FOLLOW`]), as the
/// kernel programs read them: the array whole, or up to its page's end when it faults
/// further on; nothing but the fault flag when the struct faults.
fn read_follow(pid: Pid, spec: &CaptureSpec, src: u64) -> (Vec<u8>, u8) {
    use tracer_common::{MAX_FOLLOW_STRUCT, follow_count, follow_shape, follow_want, page_room};
    let size = spec.size as usize & (MAX_FOLLOW_STRUCT - 1);
    let mut buf = vec![0u8; size];
    if read(pid, src, &mut buf) != size {
        return (Vec::new(), CAPTURE_FAULT);
    }
    let shape = follow_shape(spec.len_arg);
    let word = |at: usize| {
        buf.get(at..at + 8)
            .map_or(0, |w| u64::from_ne_bytes(w.try_into().expect("8 bytes")))
    };
    let ptr = word(shape.ptr_at);
    let want = follow_want(
        &shape,
        follow_count(word(shape.count_at), shape.count_bytes),
        size,
    );
    if ptr == 0 || want == 0 {
        return (buf, 0);
    }
    let mut array = vec![0u8; want];
    let got = if read(pid, ptr, &mut array) == want {
        want
    } else {
        let rest = page_room(ptr);
        if rest < want && read(pid, ptr, &mut array[..rest]) == rest {
            rest
        } else {
            0
        }
    };
    buf.extend_from_slice(&array[..got]);
    (buf, 0)
}

/// What one or two descriptors refer to, as the kernel programs read it from the
/// kernel's structures: here from `/proc` while the tracee is stopped at the call.
fn fd_facts(pid: Pid, spec: &CaptureSpec, phase: Phase, args: &[u64; 6]) -> Option<Capture> {
    let fds: Vec<i64> = if spec.kind == capture::FD_PAIR_FACTS {
        let mut pair = [0u8; 8];
        if read(pid, args[(spec.arg & 7) as usize % 6], &mut pair) < 8 {
            return Some(Capture {
                arg: spec.arg,
                kind: spec.kind,
                data: Vec::new(),
                truncated: false,
                fault: true,
            });
        }
        pair.chunks_exact(4)
            .map(|h| i32::from_ne_bytes(h.try_into().expect("4 bytes")) as i64)
            .collect()
    } else {
        let returned = phase
            .ret()
            .filter(|&r| r >= 0 && spec.size & FD_RETURNED != 0);
        let arg = (spec.arg != FD_RET_ARG).then(|| args[(spec.arg & 7) as usize % 6] as i32 as i64);
        let extra = fd_extra_arg(spec.size).map(|i| args[i] as i32 as i64);
        arg.into_iter().chain(returned).chain(extra).collect()
    };
    let endpoints = spec.size & FD_ENDPOINTS != 0;
    let data: Vec<u8> = fds
        .into_iter()
        .filter_map(|fd| proc_fd_facts(pid, fd, endpoints))
        .flat_map(|f| f.to_bytes())
        .collect();
    // Even empty, as the kernel programs send it: a descriptor not open at the call.
    Some(Capture {
        arg: spec.arg,
        kind: spec.kind,
        data,
        truncated: false,
        fault: false,
    })
}

/// [`FdFacts`] of descriptor `fd` of task `pid`, from `/proc/PID/fd/FD`.
/// `endpoints`: an internet socket's addresses too (a scan of `/proc/PID/net`, so only
/// for `-yy`).
fn proc_fd_facts(pid: Pid, fd: i64, endpoints: bool) -> Option<FdFacts> {
    use std::os::unix::{ffi::OsStrExt, fs::MetadataExt};
    const S_IFMT: u32 = 0o170000;
    const S_IFSOCK: u32 = 0o140000;
    const S_IFIFO: u32 = 0o010000;
    let fd = i32::try_from(fd).ok().filter(|&fd| fd >= 0)?;
    // (`/proc` may be an outer PID namespace's, `unshare -p` without a new one.)
    let dir = crate::decode::proc_dir(pid.as_raw() as u32)?;
    let proc_pid: u32 = dir.rsplit('/').next()?.parse().ok()?;
    let link = format!("{dir}/fd/{fd}");
    let meta = std::fs::metadata(&link).ok()?;
    let kernel_dev = crate::pipeline::procfs::kernel_dev;
    let mut facts = FdFacts {
        fd,
        mode: meta.mode(),
        ino: meta.ino(),
        rdev: kernel_dev(meta.rdev()),
        dev: kernel_dev(meta.dev()),
        nlink: meta.nlink() as u32,
        ..FdFacts::default()
    };
    let name = match facts.mode & S_IFMT {
        0 => std::fs::read_link(&link).ok().and_then(|target| {
            Some(
                target
                    .to_str()?
                    .strip_prefix("anon_inode:")?
                    .as_bytes()
                    .to_vec(),
            )
        }),
        S_IFSOCK => {
            let protocol = socket_protocol(&link);
            // A netlink socket's messages decode by its protocol, read at the stop.
            if protocol.as_deref() == Some(b"NETLINK") {
                facts.protocol =
                    crate::pipeline::procfs::netlink_protocol(proc_pid, facts.ino).unwrap_or(0);
            }
            if endpoints {
                let unix = protocol.as_ref().is_some_and(|p| p.starts_with(b"UNIX"));
                socket_endpoints(pid.as_raw() as u32, fd, unix, &mut facts);
            }
            protocol
        }
        S_IFIFO => None,
        // A file's or device's path, which the kernel programs cannot read cheaply (the
        // table names those by the opens it saw): here it is what `/proc` shows at the
        // stop, as strace reads it.
        _ => {
            if let Ok(target) = std::fs::read_link(&link)
                && let path = target.as_os_str().as_bytes()
                && path.starts_with(b"/")
                && path.len() < facts.path.len()
            {
                facts.path[..path.len()].copy_from_slice(path);
                facts.path_len = path.len() as u32;
                // A file whose own name ends in " (deleted)", still there: its name is
                // all of it (strace's check, the name's file against the descriptor's),
                // marked with a NUL no path holds.
                if path.ends_with(crate::decode::DELETED_SUFFIX.as_bytes())
                    && std::fs::symlink_metadata(&target)
                        .is_ok_and(|m| m.ino() == meta.ino() && m.dev() == meta.dev())
                {
                    facts.path_len += 1;
                }
            }
            None
        }
    };
    if let Some(name) = name {
        // As the kernel's bounded string read leaves it: room for the NUL.
        let name = &name[..name.len().min(FD_NAME_BYTES - 1)];
        facts.name[..name.len()].copy_from_slice(name);
        facts.name_len = name.len() as u32;
    }
    Some(facts)
}

/// A socket's endpoints now, at the stop, as the kernel programs read them (see
/// `pipeline::sockinfo`); an internet socket's from `/proc/PID/net` where the kernel
/// refuses a copy of the descriptor.
fn socket_endpoints(pid: u32, fd: i32, unix: bool, facts: &mut FdFacts) {
    use crate::pipeline::{procfs, sockinfo};
    if unix {
        if let Some(s) = sockinfo::unix(facts.ino) {
            facts.family = tracer_common::AF_UNIX;
            facts.peer = s.peer;
            facts.path[..s.path.len()].copy_from_slice(&s.path);
            facts.path_len = s.path.len() as u32;
        }
        return;
    }
    let tgid = super::status_field(pid, "Tgid:").unwrap_or(pid);
    if let Some(s) = sockinfo::inet(tgid, fd).or_else(|| procfs::inet_socket(pid, facts.ino)) {
        facts.family = s.family;
        (facts.local, facts.local_port) = s.local;
        (facts.remote, facts.remote_port) = s.remote;
    }
}

/// A socket's protocol name (`TCP`, `UNIX-STREAM`), from its `system.sockprotoname`
/// attribute, as strace reads it.
fn socket_protocol(link: &str) -> Option<Vec<u8>> {
    let path = std::ffi::CString::new(link).ok()?;
    let mut buf = [0u8; 32];
    // SAFETY: NUL-terminated strings and a buffer of the length passed.
    let n = unsafe {
        libc::getxattr(
            path.as_ptr(),
            c"system.sockprotoname".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    let n = usize::try_from(n).ok()?;
    let name = &buf[..n];
    Some(name.strip_suffix(b"\0").unwrap_or(name).to_vec())
}

/// Two words: a pointer and a length (in a `struct msghdr`, or an iovec).
fn read_pair(pid: Pid, src: u64) -> Option<(u64, u64)> {
    let mut pair = [0u8; 16];
    if read(pid, src, &mut pair) < 16 {
        return None;
    }
    let word = |i: usize| u64::from_ne_bytes(pair[i..i + 8].try_into().expect("8 bytes"));
    Some((word(0), word(8)))
}

/// An iovec array as the kernel programs copy it: per element an [`IovecChunk`] and up
/// to `limit` of its bytes padded to 8 (zeros where unreadable), all within
/// `MAX_CAPTURE`.
fn read_iovec(pid: Pid, array: u64, count: u64, limit: usize) -> (Vec<u8>, u8) {
    const CHUNK: usize = size_of::<IovecChunk>();
    // The first element always fits, whatever `-s`.
    let limit = limit.min(MAX_CAPTURE - CHUNK - 1);
    let mut out = Vec::new();
    for i in 0..count.min(MAX_IOV as u64) {
        if out.len() + CHUNK >= MAX_CAPTURE {
            return (out, CAPTURE_TRUNCATED);
        }
        let Some((base, iov_len)) = read_pair(pid, array + 16 * i) else {
            let flags = if i == 0 {
                CAPTURE_FAULT
            } else {
                CAPTURE_TRUNCATED
            };
            return (out, flags);
        };
        let want = iov_copy_len(iov_len, limit);
        if out.len() + CHUNK + want > MAX_CAPTURE {
            return (out, CAPTURE_TRUNCATED);
        }
        let mut data = vec![0u8; want];
        let flags = if read(pid, base, &mut data) < want {
            data.fill(0);
            CAPTURE_FAULT
        } else {
            0
        };
        out.extend_from_slice(&base.to_ne_bytes());
        out.extend_from_slice(&iov_len.to_ne_bytes());
        out.extend_from_slice(&(want as u32).to_ne_bytes());
        out.extend_from_slice(&(flags as u32).to_ne_bytes());
        out.extend_from_slice(&data);
        out.resize(out.len().next_multiple_of(8), 0);
    }
    let flags = if count > MAX_IOV as u64 {
        CAPTURE_TRUNCATED
    } else {
        0
    };
    (out, flags)
}

/// An `mmsghdr` vector as the kernel programs copy it (see [`tracer_common::MmsgChunk`]):
/// per message its header and address, per iovec element the iovec and up to `limit`
/// bytes of its data, at most `MAX_MMSG_PIECES` pieces within `MAX_CAPTURE`.
fn read_mmsg(pid: Pid, vec: u64, count: u64, limit: usize) -> (Vec<u8>, u8) {
    use tracer_common::{MAX_MMSG_PIECES, MMSG_MESSAGE, MMSG_NAME_BYTES, MMSGHDR_BYTES, MmsgChunk};
    const CHUNK: usize = size_of::<MmsgChunk>();
    const STEP: usize = CHUNK + MMSGHDR_BYTES + MMSG_NAME_BYTES;
    let limit = limit.min(MMSG_NAME_BYTES);
    let mut out = Vec::new();
    let (mut msg, mut elem, mut left, mut iov) = (0u64, 0u64, 0u64, 0u64);
    for i in 0..MAX_MMSG_PIECES {
        let header = left == 0;
        if header && msg >= count {
            return (out, 0);
        }
        if out.len() + STEP >= MAX_CAPTURE {
            return (out, CAPTURE_TRUNCATED);
        }
        let (a_addr, a_len) = if header {
            (vec + (MMSGHDR_BYTES as u64) * msg, MMSGHDR_BYTES)
        } else {
            (iov + 16 * elem, 16)
        };
        let mut a = vec![0u8; a_len];
        if read(pid, a_addr, &mut a) < a_len {
            let flags = if i == 0 {
                CAPTURE_FAULT
            } else {
                CAPTURE_TRUNCATED
            };
            return (out, flags);
        }
        let word = |n: usize| u64::from_ne_bytes(a[8 * n..8 * n + 8].try_into().expect("8 bytes"));
        let (ptr, size) = (
            word(0),
            if header {
                word(1) & 0xffff_ffff
            } else {
                word(1)
            },
        );
        let want = size.min(if header { MMSG_NAME_BYTES } else { limit } as u64) as usize;
        let mut b = vec![0u8; want];
        let flags = if read(pid, ptr, &mut b) < want {
            b.fill(0);
            CAPTURE_FAULT as u32
        } else {
            0
        };
        out.extend_from_slice(&a_addr.to_ne_bytes());
        out.extend_from_slice(&(a_len as u32).to_ne_bytes());
        out.extend_from_slice(&(want as u32).to_ne_bytes());
        out.extend_from_slice(&(if header { MMSG_MESSAGE } else { 0 }).to_ne_bytes());
        out.extend_from_slice(&flags.to_ne_bytes());
        out.extend_from_slice(&a);
        out.extend_from_slice(&b);
        out.resize(out.len().next_multiple_of(8), 0);
        if header {
            (iov, left, elem) = (word(2), word(3).min(MAX_IOV as u64), 0);
            msg += 1;
        } else {
            (left, elem) = (left - 1, elem + 1);
        }
    }
    let more = msg < count || left != 0;
    (out, if more { CAPTURE_TRUNCATED } else { 0 })
}

/// The records in `len` bytes of `getdents` output (u32), walked by `d_reclen` as the
/// kernel programs do: at most `MAX_DIRENTS`, a fault at an unreadable or zero length.
fn count_dirents(pid: Pid, src: u64, len: u64) -> (Vec<u8>, u8) {
    // One read of the whole buffer (as far as the walk can go), then the walk.
    let mut buf = vec![0u8; len.min(MAX_DIRENTS as u64 * u16::MAX as u64) as usize];
    let got = read(pid, src, &mut buf);
    let (mut pos, mut count, mut flags) = (0u64, 0u32, CAPTURE_TRUNCATED);
    for _ in 0..MAX_DIRENTS {
        if pos >= len {
            flags = 0;
            break;
        }
        let at = (pos + DIRENT_RECLEN) as usize;
        let reclen = match buf.get(at..at + 2).filter(|_| at + 2 <= got) {
            Some(b) => u16::from_ne_bytes([b[0], b[1]]),
            None => 0,
        };
        if reclen == 0 {
            flags = CAPTURE_FAULT;
            break;
        }
        pos += reclen as u64;
        count += 1;
    }
    (count.to_ne_bytes().to_vec(), flags)
}

/// `select`'s three sets (arguments 1 to 3) as the kernel programs copy them: a header
/// with each set's status, then `fdset_bytes(nfds)` bytes of each (zeros where not read).
fn read_fd_sets(pid: Pid, args: &[u64; 6], nfds: u64) -> (Vec<u8>, u8) {
    let bytes = fdset_bytes(nfds);
    let mut status = [FDSET_NULL; 3];
    let mut sets = vec![0u8; 3 * bytes];
    for k in 0..3 {
        let ptr = args[1 + k];
        if ptr != 0 {
            status[k] = if read(pid, ptr, &mut sets[k * bytes..(k + 1) * bytes]) == bytes {
                FDSET_READ
            } else {
                FDSET_FAULT
            };
        }
    }
    let mut out = vec![status[0], status[1], status[2], 0];
    out.extend_from_slice(&(bytes as u32).to_ne_bytes());
    out.extend_from_slice(&sets);
    (out, 0)
}

/// argv: each string (at most `limit + 1` bytes) NUL-terminated, concatenated, up to
/// `strings` strings and `MAX_CAPTURE` bytes.
fn read_strv(pid: Pid, src: u64, limit: usize, strings: usize) -> (Vec<u8>, u8) {
    let mut out = Vec::new();
    for i in 0..strings as u64 {
        let mut ptr = [0u8; 8];
        if read(pid, src + 8 * i, &mut ptr) < 8 {
            return (out, CAPTURE_FAULT);
        }
        let ptr = u64::from_ne_bytes(ptr);
        if ptr == 0 {
            return (out, 0);
        }
        // As the kernel side: up to `-s` + 1 bytes of each string, or the room left.
        if out.len() + 2 > MAX_CAPTURE {
            return (out, CAPTURE_TRUNCATED);
        }
        let room = MAX_CAPTURE - out.len();
        let want = (limit + 2).min(room);
        match read_str(pid, ptr, want) {
            // Filled the room: kept without its NUL, which says it was cut.
            Some((s, _)) if want < limit + 2 && s.len() + 1 >= want => {
                out.extend_from_slice(&s[..want - 1]);
                return (out, CAPTURE_TRUNCATED);
            }
            Some((s, _)) => {
                out.extend_from_slice(&s);
                out.push(0);
            }
            None => return (out, CAPTURE_FAULT),
        }
    }
    (out, CAPTURE_TRUNCATED)
}

/// envp: only the number of entries (u32), read 8 pointers at a time.
fn count_ptrs(pid: Pid, src: u64) -> (Vec<u8>, u8) {
    let mut count = 0u32;
    let mut flags = CAPTURE_TRUNCATED;
    'chunks: for i in 0..(MAX_PTRV / 8) as u64 {
        let mut chunk = [0u8; 64];
        if read(pid, src + 64 * i, &mut chunk) < 64 {
            flags = CAPTURE_FAULT;
            break;
        }
        for ptr in chunk.chunks_exact(8) {
            if ptr.iter().all(|&b| b == 0) {
                flags = 0;
                break 'chunks;
            }
            count += 1;
        }
    }
    (count.to_le_bytes().to_vec(), flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: u8, when: u8, arg: u8, len_arg: u8, size: u16) -> CaptureSpec {
        CaptureSpec::new(kind, when, arg, len_arg, size)
    }

    fn me() -> Pid {
        Pid::this()
    }

    fn call(args: [u64; 6]) -> Syscall {
        Syscall {
            args,
            ..Default::default()
        }
    }

    #[test]
    fn strings_are_cut_at_the_limit_and_flagged() {
        let s = c"/etc/hostname";
        let args = [0, s.as_ptr() as u64, 0, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[0] = spec(capture::CSTR, when::ENTER, 1, 0, 0);
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        assert_eq!(caps.len(), 1);
        assert_eq!(caps[0].data, b"/etc/hostname");
        assert!(!caps[0].truncated && !caps[0].fault);

        // At most `limit` bytes are read, as strace reads `-s` + 1: no NUL among them
        // is a cut string; a NUL as the last of them, a whole one.
        let caps = capture(me(), &call(args), &plan, 5, Phase::Enter);
        assert_eq!(caps[0].data, b"/etc");
        assert!(caps[0].truncated);
        let caps = capture(me(), &call(args), &plan, 14, Phase::Enter);
        assert_eq!(caps[0].data, b"/etc/hostname");
        assert!(!caps[0].truncated);
        let caps = capture(me(), &call(args), &plan, 13, Phase::Enter);
        assert_eq!(caps[0].data, b"/etc/hostnam");
        assert!(caps[0].truncated);

        assert!(capture(me(), &call(args), &plan, 32, Phase::Exit(0)).is_empty());
        // An unmapped pointer is a fault; NULL is no capture at all.
        let bad = [0, 8, 0, 0, 0, 0];
        let caps = capture(me(), &call(bad), &plan, 32, Phase::Enter);
        assert!(caps[0].fault && caps[0].data.is_empty());
        assert!(capture(me(), &call([0; 6]), &plan, 32, Phase::Enter).is_empty());
    }

    #[test]
    fn buffers_follow_their_length_argument_or_the_return_value() {
        let data = b"hello world";
        let args = [1, data.as_ptr() as u64, data.len() as u64, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[0] = spec(
            capture::BUF,
            when::EXIT_OK,
            1,
            tracer_common::LEN_FROM_RET,
            0,
        );
        let caps = capture(me(), &call(args), &plan, 32, Phase::Exit(5));
        assert_eq!(
            (caps[0].data.as_slice(), caps[0].truncated),
            (&b"hello"[..], false)
        );
        assert!(capture(me(), &call(args), &plan, 32, Phase::Exit(-9)).is_empty());
        let caps = capture(me(), &call(args), &plan, 32, Phase::Exit(0));
        assert!(
            caps[0].data.is_empty() && !caps[0].fault,
            "an empty read is an empty string"
        );

        // `-s` bytes and one more, as strace reads them (the decoder shows `-s`).
        plan.specs[0] = spec(capture::BUF, when::ENTER, 1, 2, 0);
        let caps = capture(me(), &call(args), &plan, 4, Phase::Enter);
        assert_eq!(
            (caps[0].data.as_slice(), caps[0].truncated),
            (&b"hello"[..], true)
        );

        plan.specs[0] = spec(capture::FIXED, when::EXIT, 1, tracer_common::LEN_FIXED, 8);
        let caps = capture(me(), &call(args), &plan, 4, Phase::Exit(-1));
        assert_eq!(caps[0].data, b"hello wo", "fixed structs ignore -s");
    }

    #[test]
    fn a_partial_struct_at_a_mappings_end_keeps_what_precedes_it() {
        // Two pages, the second made unreadable: an int at the first one's end.
        // SAFETY: a fresh anonymous mapping of our own, unmapped before returning.
        let page = unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            assert_eq!(
                libc::mprotect(p.cast::<u8>().add(4096).cast(), 4096, libc::PROT_NONE),
                0
            );
            p as u64
        };
        let at = page + 4092;
        // SAFETY: inside the readable page.
        unsafe { std::ptr::write_unaligned(at as *mut u32, 7) };
        let args = [3, 1, 1, at, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[0] = spec(capture::FIXED, when::EXIT, 3, tracer_common::LEN_FIXED, 16);
        let caps = capture(me(), &call(args), &plan, 32, Phase::Exit(0));
        // Without the flag too, this backend keeps what it read (a struct's first fields,
        // which decoders take only where strace reads no more); the kernel's copy faults.
        assert_eq!(caps[0].data, 7u32.to_le_bytes());
        assert!(!caps[0].fault && caps[0].truncated);
        plan.specs[0].max = tracer_common::PARTIAL;
        let caps = capture(me(), &call(args), &plan, 32, Phase::Exit(0));
        assert_eq!(
            caps[0].data,
            7u32.to_le_bytes(),
            "PARTIAL keeps the page's part"
        );
        assert!(!caps[0].fault && caps[0].truncated);
        // A buffer: its limit is `max` without the flag (none: `-s`).
        plan.specs[0] = spec(capture::BUF, when::ENTER, 3, 4, 0);
        plan.specs[0].max = tracer_common::PARTIAL;
        let caps = capture(me(), &call([3, 1, 1, at, 64, 0]), &plan, 32, Phase::Enter);
        assert_eq!((caps[0].data.len(), caps[0].fault), (4, false));
        // SAFETY: the mapping made above.
        unsafe { libc::munmap(page as *mut libc::c_void, 8192) };
    }

    /// A struct and what a pointer in it points at ([`capture::FOLLOW`]): the struct's
    /// bytes, then the array as long as its count says; the elements before an
    /// unreadable page; nothing of the array for a NULL pointer, no capture but the
    /// fault for an unreadable struct.
    #[test]
    fn a_struct_is_copied_with_the_array_it_points_at() {
        use tracer_common::{FOLLOW_FPROG, FOLLOW_SET_TID};
        let insns: [u64; 3] = [0x1111, 0x2222, 0x3333];
        let mut fprog = [0u64; 2];
        fprog[0] = 3; // len (u16), then padding
        fprog[1] = insns.as_ptr() as u64;
        let args = [0, 0, fprog.as_ptr() as u64, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[0] = spec(capture::FOLLOW, when::ENTER, 2, FOLLOW_FPROG, 16);
        let bytes =
            |words: &[u64]| -> Vec<u8> { words.iter().flat_map(|w| w.to_ne_bytes()).collect() };
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        assert_eq!(caps[0].kind, capture::FOLLOW);
        assert_eq!(caps[0].data, [bytes(&fprog), bytes(&insns)].concat());
        assert!(!caps[0].fault && !caps[0].truncated);
        // Only the count's width counts: a u16 `len` with garbage in the padding.
        fprog[0] = 0xdead_0000_0002;
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        assert_eq!(caps[0].data, [bytes(&fprog), bytes(&insns[..2])].concat());
        fprog[1] = 0;
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        assert_eq!(caps[0].data, bytes(&fprog), "NULL: the struct alone");
        let caps = capture(me(), &call([0, 0, 8, 0, 0, 0]), &plan, 32, Phase::Enter);
        assert!(caps[0].fault && caps[0].data.is_empty());

        // `clone_args`' set_tid: two pids readable of three, at a mapping's end.
        // SAFETY: a fresh anonymous mapping of our own, unmapped before returning.
        let page = unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                8192,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            assert_eq!(
                libc::mprotect(p.cast::<u8>().add(4096).cast(), 4096, libc::PROT_NONE),
                0
            );
            p as u64
        };
        let pids = page + 4088;
        // SAFETY: inside the readable page.
        unsafe { std::ptr::write_unaligned(pids as *mut [i32; 2], [41, 42]) };
        let mut clone_args = [0u64; 11];
        clone_args[8] = pids;
        clone_args[9] = 3;
        plan.specs[0] = spec(capture::FOLLOW, when::ENTER, 0, FOLLOW_SET_TID, 88);
        let args = [clone_args.as_ptr() as u64, 88, 0, 0, 0, 0];
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        let mut want = bytes(&clone_args);
        want.extend([41i32, 42].iter().flat_map(|p| p.to_ne_bytes()));
        assert_eq!(caps[0].data, want);
        // More pids than the kernel takes: the first 32 only.
        let mut many = clone_args;
        many[8] = insns.as_ptr() as u64;
        many[9] = 1000;
        let args = [many.as_ptr() as u64, 88, 0, 0, 0, 0];
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        assert_eq!(caps[0].data.len(), 88 + 4 * 32);
        assert_eq!(caps[0].data[..88], bytes(&many));
        // SAFETY: the mapping made above.
        unsafe { libc::munmap(page as *mut libc::c_void, 8192) };
    }

    #[test]
    fn argv_and_envp_are_captured_like_the_kernel_does() {
        let (a, b) = (c"ls", c"/very/long/argument");
        let argv = [a.as_ptr() as u64, b.as_ptr() as u64, 0];
        let envp = [argv[0], argv[0], argv[0], 0];
        let args = [0, argv.as_ptr() as u64, envp.as_ptr() as u64, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[0] = spec(capture::STRV, when::ENTER, 1, 0, 0);
        plan.specs[1] = spec(capture::PTRV_COUNT, when::ENTER, 2, 0, 0);
        let caps = capture(me(), &call(args), &plan, 5, Phase::Enter);
        // Each string keeps limit + 1 bytes, so the decoder can tell it was longer.
        assert_eq!(caps[0].data, b"ls\0/very/\0");
        assert!(!caps[0].truncated);
        assert_eq!(caps[1].data, 3u32.to_le_bytes());
        assert!(!caps[1].truncated && !caps[1].fault);
    }

    /// The kernel's layout: per element base, iov_len, copied length, flags, then the
    /// bytes padded to 8.
    fn chunk(base: u64, iov_len: u64, data: &[u8], flags: u32) -> Vec<u8> {
        let mut out = [base.to_ne_bytes(), iov_len.to_ne_bytes()].concat();
        out.extend_from_slice(&(data.len() as u32).to_ne_bytes());
        out.extend_from_slice(&flags.to_ne_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().next_multiple_of(8), 0);
        out
    }

    #[test]
    fn mmsg_vectors_are_laid_out_like_the_kernel_does() {
        use tracer_common::{MMSG_MESSAGE, MmsgChunk};
        let (a, b) = (b"query-a".as_slice(), b"query-aaaa".as_slice());
        let iovs = [[a.as_ptr() as u64, 7], [b.as_ptr() as u64, 10]];
        let name = [2u8, 0, 0, 53, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        // Two struct mmsghdr: name, namelen (+ padding), iov, iovlen, control,
        // controllen, flags, msg_len.
        let mut vec = [[0u64; 8]; 2];
        vec[0] = [
            name.as_ptr() as u64,
            16 | 0xdead_0000_0000,
            iovs.as_ptr() as u64,
            1,
            0,
            0,
            0,
            7,
        ];
        vec[1] = [0, 0, iovs[1..].as_ptr() as u64, 1, 0, 0, 0, 10];
        let piece = |addr: u64, a: &[u8], b: &[u8], kind: u32| {
            let head = MmsgChunk {
                addr,
                a_len: a.len() as u32,
                b_len: b.len() as u32,
                kind,
                flags: 0,
            };
            let mut out = Vec::new();
            out.extend_from_slice(&head.addr.to_ne_bytes());
            out.extend_from_slice(&head.a_len.to_ne_bytes());
            out.extend_from_slice(&head.b_len.to_ne_bytes());
            out.extend_from_slice(&head.kind.to_ne_bytes());
            out.extend_from_slice(&head.flags.to_ne_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b);
            out.resize(out.len().next_multiple_of(8), 0);
            out
        };
        let bytes = |words: &[u64]| {
            words
                .iter()
                .flat_map(|w| w.to_ne_bytes())
                .collect::<Vec<_>>()
        };
        let base = vec.as_ptr() as u64;
        // Each message's header and address, then its element and up to -s (3) bytes.
        let first = [
            piece(base, &bytes(&vec[0]), &name, MMSG_MESSAGE),
            piece(iovs.as_ptr() as u64, &bytes(&iovs[0]), b"que", 0),
        ]
        .concat();
        let second = [
            piece(base + 64, &bytes(&vec[1]), b"", MMSG_MESSAGE),
            piece(iovs[1..].as_ptr() as u64, &bytes(&iovs[1]), b"que", 0),
        ]
        .concat();
        let expected = [first.clone(), second].concat();
        let mut plan = CapturePlan::default();
        plan.specs[tracer_common::LOOP_SLOT] = spec(capture::MMSG, when::EXIT_OK, 1, 2, 0);
        let args = [3, base, 2, 0, 0, 0];
        let caps = capture(me(), &call(args), &plan, 3, Phase::Exit(2));
        assert_eq!(caps[0].data, expected);
        assert!(!caps[0].fault && !caps[0].truncated);
        // recvmmsg: as many messages as it returned.
        plan.specs[tracer_common::LOOP_SLOT] = spec(
            capture::MMSG,
            when::EXIT_OK,
            1,
            tracer_common::LEN_FROM_RET,
            0,
        );
        let caps = capture(me(), &call(args), &plan, 3, Phase::Exit(1));
        assert_eq!(caps[0].data, first);
    }

    #[test]
    fn iovecs_and_messages_are_laid_out_like_the_kernel_does() {
        let (a, b) = (b"hello".as_slice(), b" world".as_slice());
        let iov = [
            [a.as_ptr() as u64, a.len() as u64],
            [8, 4],
            [b.as_ptr() as u64, b.len() as u64],
        ];
        let args = [1, iov.as_ptr() as u64, 3, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[3] = spec(capture::IOVEC, when::EXIT, 1, 2, 0);
        // Up to -s bytes of each element and one more, whatever the read returned (the
        // decoder cuts them to it); an unreadable element's bytes are zeros, flagged.
        let expected = [
            chunk(iov[0][0], 5, b"hell", 0),
            chunk(8, 4, &[0, 0, 0, 0], CAPTURE_FAULT as u32),
            chunk(iov[2][0], 6, b" wor", 0),
        ]
        .concat();
        for ret in [7, -9] {
            let caps = capture(me(), &call(args), &plan, 3, Phase::Exit(ret));
            assert_eq!(caps[0].data, expected);
            assert!(!caps[0].fault && !caps[0].truncated);
        }
        // More elements than the kernel reads.
        let args = [1, iov.as_ptr() as u64, MAX_IOV as u64 + 1, 0, 0, 0];
        plan.specs[3] = spec(capture::IOVEC, when::ENTER, 1, 2, 0);
        let caps = capture(me(), &call(args), &plan, 3, Phase::Enter);
        assert!(caps[0].truncated, "the array goes on past what was read");

        // sendmsg: the header, the address, the iovecs.
        let name = [2u8, 0, 0, 53, 127, 0, 0, 1];
        let mut msg = [0u64; 7];
        msg[0] = name.as_ptr() as u64;
        msg[1] = 8 | 0xdead_0000_0000; // msg_namelen is 32 bits: the rest is padding
        msg[2] = iov.as_ptr() as u64;
        msg[3] = 1;
        let args = [3, msg.as_ptr() as u64, 0, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[0] = spec(
            capture::MSG_NAME,
            when::ENTER,
            1,
            tracer_common::LEN_FIXED,
            128,
        );
        plan.specs[3] = spec(
            capture::MSG_IOVEC,
            when::ENTER,
            1,
            tracer_common::LEN_FIXED,
            0,
        );
        let caps = capture(me(), &call(args), &plan, 32, Phase::Enter);
        assert_eq!(caps[0].data, name);
        assert_eq!(caps[1].data, chunk(iov[0][0], 5, b"hello", 0));
    }

    #[test]
    fn dirents_are_counted_by_their_lengths() {
        // Two records of 24 and 32 bytes, d_reclen at offset 16, then one of length 0.
        let mut buf = [0u8; 80];
        buf[16..18].copy_from_slice(&24u16.to_ne_bytes());
        buf[24 + 16..24 + 18].copy_from_slice(&32u16.to_ne_bytes());
        let args = [3, buf.as_ptr() as u64, 32768, 0, 0, 0];
        let mut plan = CapturePlan::default();
        plan.specs[3] = spec(
            capture::DIRENT_COUNT,
            when::EXIT_OK,
            1,
            tracer_common::LEN_FROM_RET,
            0,
        );
        let count = |ret| {
            let caps = capture(me(), &call(args), &plan, 32, Phase::Exit(ret));
            let c = &caps[0];
            (u32::from_ne_bytes(c.data[..4].try_into().unwrap()), c.fault)
        };
        assert_eq!(count(56), (2, false));
        assert_eq!(count(0), (0, false));
        assert_eq!(count(80), (2, true), "a zero length ends the walk");
        assert!(capture(me(), &call(args), &plan, 32, Phase::Exit(-9)).is_empty());
    }

    #[test]
    fn unaligned_reads_return_exact_bytes() {
        let data: Vec<u8> = (0..100).collect();
        let mut a = [0u8; 37];
        assert_eq!(read(me(), data.as_ptr() as u64 + 3, &mut a), 37);
        assert_eq!(&a[..], &data[3..40]);
    }
}
