//! `-y`/`-yy`: what each file descriptor of each traced process refers to.
//!
//! The table follows the trace: `open*` adds the path (canonical, as strace's readlink
//! gives it), `socket`/`pipe`/`accept`... add what `/proc/PID/fd/N` says, `dup*` copies,
//! `close` removes, a successful `execve` drops close-on-exec descriptors and a fork
//! copies the parent's table. Descriptors the trace did not see open (those that existed
//! before attach, stdin/stdout/stderr) are read from `/proc` when first printed. With
//! `-yy`, sockets show their endpoints from `/proc/PID/net/*`, resolved when the socket is
//! connected, bound or accepted.

use std::{collections::HashMap, fs};

use crate::{decode::FdNames, event::Syscall, syscalls};

const AT_FDCWD: i32 = -100;
const O_CLOEXEC: u64 = 0o2000000;
const CLONE_FILES: u64 = 0x400;
const CLONE_THREAD: u64 = 0x10000;
const F_DUPFD: u64 = 0;
const F_SETFD: u64 = 2;
const F_DUPFD_CLOEXEC: u64 = 1030;
const CLOSE_RANGE_CLOEXEC: u64 = 4;

#[derive(Clone, Debug)]
struct Entry {
    name: String,
    cloexec: bool,
    /// Socket inode, to look its endpoints up again after connect/bind.
    socket: Option<u64>,
}

#[derive(Clone, Debug, Default)]
struct Process {
    fds: HashMap<i32, Entry>,
    cwd: Option<String>,
}

#[derive(Debug)]
pub struct FdTable {
    /// `-yy`: socket endpoints instead of `socket:[inode]`.
    detail: bool,
    /// By process (thread group): threads share their descriptors.
    procs: HashMap<u32, Process>,
    /// What a process the trace did not see forked starts with: the tracer's own stdio
    /// and cwd for a command it launched (the command may be gone before `/proc` is read).
    inherited: Process,
    /// Look descriptors the trace did not see opened up in `/proc`. Not for a launched
    /// command whose every call is traced: there `/proc` could only show a later file.
    lookup_unknown: bool,
}

impl FdNames for FdTable {
    fn fd_name(&self, pid: u32, fd: i32) -> Option<String> {
        let proc = self.procs.get(&pid)?;
        if fd == AT_FDCWD {
            return proc.cwd.clone();
        }
        proc.fds.get(&fd).map(|e| e.name.clone())
    }
}

impl FdTable {
    /// `launched`: the traced processes are the tracer's children, which start with its
    /// stdin, stdout, stderr and cwd. `complete`: every call is traced (no `-e trace=`).
    pub fn new(detail: bool, launched: bool, complete: bool) -> Self {
        let mut inherited = Process::default();
        if launched {
            let me = std::process::id();
            inherited.cwd = read_link(&format!("/proc/{me}/cwd"));
            for fd in 0..3 {
                if let Some(entry) = from_proc(me, fd, detail) {
                    inherited.fds.insert(fd, entry);
                }
            }
        }
        Self {
            detail,
            procs: HashMap::new(),
            inherited,
            lookup_unknown: !(launched && complete),
        }
    }

    fn process(&mut self, pid: u32) -> &mut Process {
        self.procs
            .entry(pid)
            .or_insert_with(|| self.inherited.clone())
    }

    /// Before `call` is printed: learns from `/proc` the descriptors it uses that the
    /// trace has not seen opened.
    pub fn prepare(&mut self, call: &Syscall) {
        let Some(sc) = syscalls::by_nr(call.nr) else {
            return;
        };
        let (detail, lookup) = (self.detail, self.lookup_unknown);
        let proc = self.process(call.pid);
        for (i, arg) in sc.args.iter().enumerate() {
            let fd = call.args[i] as i32;
            match arg.kind {
                syscalls::ArgKind::DirFd if fd == AT_FDCWD && proc.cwd.is_none() => {
                    proc.cwd = read_link(&format!("/proc/{}/cwd", call.pid));
                }
                syscalls::ArgKind::Fd | syscalls::ArgKind::DirFd if fd >= 0 && lookup => {
                    if !proc.fds.contains_key(&fd)
                        && let Some(entry) = from_proc(call.pid, fd, detail)
                    {
                        proc.fds.insert(fd, entry);
                    }
                }
                _ => {}
            }
        }
    }

    /// After `call` completed: what it opened, duplicated, closed or executed.
    pub fn apply(&mut self, call: &Syscall) {
        let Some(ret) = call.ret.filter(|r| !(-4095..0).contains(r)) else {
            return;
        };
        let Some(name) = syscalls::name(call.nr) else {
            return;
        };
        let (pid, a) = (call.pid, call.args);
        let new_fd = ret as i32;
        let detail = self.detail;
        match name {
            "open" | "creat" | "openat" | "openat2" => {
                let (dirfd, path_arg) = if name.starts_with("openat") {
                    (a[0] as i32, 1)
                } else {
                    (AT_FDCWD, 0)
                };
                let flags = match name {
                    "open" => a[1],
                    "openat" => a[2],
                    _ => 0,
                };
                let path = call.capture(path_arg).filter(|c| !c.fault).map(|c| {
                    String::from_utf8_lossy(c.data.strip_suffix(b"\0").unwrap_or(&c.data))
                        .into_owned()
                });
                let name = match path {
                    Some(path) => Some(self.absolute(pid, dirfd, &path)),
                    None => from_proc(pid, new_fd, detail).map(|e| e.name),
                };
                if let Some(name) = name {
                    self.insert(
                        pid,
                        new_fd,
                        Entry {
                            name,
                            cloexec: flags & O_CLOEXEC != 0,
                            socket: None,
                        },
                    );
                }
            }
            "dup" | "dup2" | "dup3" => {
                self.dup(
                    pid,
                    a[0] as i32,
                    new_fd,
                    name == "dup3" && a[2] & O_CLOEXEC != 0,
                );
            }
            "fcntl" => match a[1] {
                F_DUPFD | F_DUPFD_CLOEXEC => {
                    self.dup(pid, a[0] as i32, new_fd, a[1] == F_DUPFD_CLOEXEC);
                }
                F_SETFD => {
                    if let Some(e) = self.entry_mut(pid, a[0] as i32) {
                        e.cloexec = a[2] & 1 != 0;
                    }
                }
                _ => {}
            },
            "close" => {
                self.process(pid).fds.remove(&(a[0] as i32));
            }
            "close_range" => {
                let (first, last) = (a[0] as u32 as i64, a[1] as u32 as i64);
                let fds = &mut self.process(pid).fds;
                if a[2] & CLOSE_RANGE_CLOEXEC != 0 {
                    fds.iter_mut()
                        .filter(|(fd, _)| (first..=last).contains(&(**fd as i64)))
                        .for_each(|(_, e)| e.cloexec = true);
                } else {
                    fds.retain(|fd, _| !(first..=last).contains(&(*fd as i64)));
                }
            }
            "execve" | "execveat" => {
                self.process(pid).fds.retain(|_, e| !e.cloexec);
            }
            "fork" | "vfork" | "clone" | "clone3" => {
                let shared = name == "clone" && a[0] & (CLONE_FILES | CLONE_THREAD) != 0;
                if !shared {
                    let child = self.process(pid).clone();
                    self.procs.insert(ret as u32, child);
                }
            }
            "chdir" => {
                let cwd = call
                    .capture(0)
                    .filter(|c| !c.fault)
                    .map(|c| {
                        String::from_utf8_lossy(c.data.strip_suffix(b"\0").unwrap_or(&c.data))
                            .into_owned()
                    })
                    .map(|path| self.absolute(pid, AT_FDCWD, &path));
                self.process(pid).cwd = cwd;
            }
            "fchdir" => {
                let proc = self.process(pid);
                proc.cwd = proc.fds.get(&(a[0] as i32)).map(|e| e.name.clone());
            }
            "pipe" | "pipe2" | "socketpair" => {
                let (arg, flags) = match name {
                    "socketpair" => (3, a[1]),
                    "pipe2" => (0, a[1]),
                    _ => (0, 0),
                };
                let Some(c) = call.capture(arg).filter(|c| !c.fault && c.data.len() >= 8) else {
                    return;
                };
                for half in c.data[..8].chunks_exact(4) {
                    let fd = i32::from_le_bytes(half.try_into().expect("4 bytes"));
                    if let Some(mut e) = from_proc(pid, fd, detail) {
                        e.cloexec = flags & O_CLOEXEC != 0;
                        self.insert(pid, fd, e);
                    }
                }
            }
            "connect" | "bind" | "listen" => {
                if detail
                    && let Some(e) = self.entry_mut(pid, a[0] as i32)
                    && let Some(name) = e.socket.and_then(|inode| socket_details(pid, inode))
                {
                    e.name = name;
                }
            }
            _ => {
                // Any other call returning a descriptor: socket, accept, eventfd, memfd...
                if syscalls::by_nr(call.nr).is_some_and(|sc| sc.ret == syscalls::RetKind::Fd)
                    && let Some(mut e) = from_proc(pid, new_fd, detail)
                {
                    e.cloexec = match name {
                        "socket" => a[1] & O_CLOEXEC != 0,
                        "accept4" => a[3] & O_CLOEXEC != 0,
                        _ => false,
                    };
                    self.insert(pid, new_fd, e);
                }
            }
        }
    }

    /// A process is gone.
    pub fn forget(&mut self, pid: u32) {
        self.procs.remove(&pid);
    }

    fn insert(&mut self, pid: u32, fd: i32, entry: Entry) {
        self.process(pid).fds.insert(fd, entry);
    }

    fn entry_mut(&mut self, pid: u32, fd: i32) -> Option<&mut Entry> {
        self.procs.get_mut(&pid)?.fds.get_mut(&fd)
    }

    fn dup(&mut self, pid: u32, old: i32, new: i32, cloexec: bool) {
        let detail = self.detail;
        let proc = self.process(pid);
        let entry = proc
            .fds
            .get(&old)
            .cloned()
            .or_else(|| from_proc(pid, new, detail));
        if let Some(entry) = entry {
            proc.fds.insert(new, Entry { cloexec, ..entry });
        }
    }

    /// `path` as opened relative to `dirfd`, made absolute and canonical when it exists.
    fn absolute(&mut self, pid: u32, dirfd: i32, path: &str) -> String {
        let joined = if path.starts_with('/') {
            path.to_owned()
        } else {
            let proc = self.process(pid);
            let base = if dirfd == AT_FDCWD {
                if proc.cwd.is_none() {
                    proc.cwd = read_link(&format!("/proc/{pid}/cwd"));
                }
                proc.cwd.clone()
            } else {
                proc.fds.get(&dirfd).map(|e| e.name.clone())
            };
            match base {
                Some(base) => format!("{}/{path}", base.trim_end_matches('/')),
                None => path.to_owned(),
            }
        };
        fs::canonicalize(&joined)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or(joined)
    }
}

/// The descriptor `call` returned, when it returns one and succeeded.
pub fn returned_fd(call: &Syscall) -> Option<i32> {
    let ret = call.ret.filter(|r| (0..=i32::MAX as i64).contains(r))?;
    syscalls::by_nr(call.nr)
        .is_some_and(|sc| sc.ret == syscalls::RetKind::Fd)
        .then_some(ret as i32)
}

fn read_link(path: &str) -> Option<String> {
    fs::read_link(path)
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// What `/proc/PID/fd/FD` names now, with its close-on-exec flag.
fn from_proc(pid: u32, fd: i32, detail: bool) -> Option<Entry> {
    let name = read_link(&format!("/proc/{pid}/fd/{fd}"))?;
    let socket = name
        .strip_prefix("socket:[")
        .and_then(|s| s.strip_suffix(']'))
        .and_then(|s| s.parse().ok());
    let cloexec = fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}"))
        .ok()
        .and_then(|info| {
            let flags = info.lines().find_map(|l| l.strip_prefix("flags:"))?;
            u64::from_str_radix(flags.trim(), 8).ok()
        })
        .is_some_and(|flags| flags & O_CLOEXEC != 0);
    let name = match socket.filter(|_| detail) {
        Some(inode) => socket_details(pid, inode).unwrap_or(name),
        None => name,
    };
    Some(Entry {
        name,
        cloexec,
        socket,
    })
}

/// strace's `-yy` socket text: `TCP:[127.0.0.1:5432->127.0.0.1:40000]`,
/// `UDPv6:[[::1]:53]`, `UNIX:[12345,"/run/x.sock"]`.
fn socket_details(pid: u32, inode: u64) -> Option<String> {
    for (file, proto) in [
        ("tcp", "TCP"),
        ("tcp6", "TCPv6"),
        ("udp", "UDP"),
        ("udp6", "UDPv6"),
    ] {
        let Ok(table) = fs::read_to_string(format!("/proc/{pid}/net/{file}")) else {
            continue;
        };
        for line in table.lines().skip(1) {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[9].parse() != Ok(inode) {
                continue;
            }
            let local = inet_endpoint(f[1])?;
            let remote = inet_endpoint(f[2])?;
            return Some(if remote.ends_with(":0") {
                format!("{proto}:[{local}]")
            } else {
                format!("{proto}:[{local}->{remote}]")
            });
        }
    }
    let unix = fs::read_to_string(format!("/proc/{pid}/net/unix")).ok()?;
    unix.lines().skip(1).find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        (f.len() >= 7 && f[6].parse() == Ok(inode)).then(|| match f.get(7) {
            Some(path) => format!("UNIX:[{inode},\"{path}\"]"),
            None => format!("UNIX:[{inode}]"),
        })
    })
}

/// `0100007F:1538` (address words in host order, port in hex) as `127.0.0.1:5432`.
fn inet_endpoint(field: &str) -> Option<String> {
    let (addr, port) = field.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for word in addr.as_bytes().chunks(8) {
        let word = u32::from_str_radix(std::str::from_utf8(word).ok()?, 16).ok()?;
        bytes.extend_from_slice(&word.to_ne_bytes());
    }
    Some(match bytes.len() {
        4 => format!(
            "{}:{port}",
            std::net::Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)
        ),
        16 => {
            let v6 = std::net::Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?);
            match v6.to_ipv4_mapped() {
                Some(v4) => format!("{v4}:{port}"),
                None => format!("[{v6}]:{port}"),
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_net_endpoints() {
        assert_eq!(inet_endpoint("0100007F:1538").unwrap(), "127.0.0.1:5432");
        assert_eq!(
            inet_endpoint("00000000000000000000000001000000:0035").unwrap(),
            "[::1]:53"
        );
    }
}
