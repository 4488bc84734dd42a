//! `-y`/`-yy`: what each file descriptor of each traced process refers to.
//!
//! The table follows the trace by the syscall table's effect column: opens add the path
//! (canonical, as strace's readlink gives it), duplicates copy, closes remove, an exec
//! drops close-on-exec descriptors, a fork copies the parent's table; descriptors other
//! calls return (`socket`, `accept`, `eventfd`...) are named from `/proc`. Descriptors
//! the trace did not see open (those that existed before attach, stdin/stdout/stderr)
//! are read from `/proc` when first printed. With `-yy`, sockets show their endpoints,
//! resolved again when the socket is connected, bound or listening.

use std::fs;

use foldhash::{HashMap, HashMapExt};

use super::procfs::{self, Entry, FileId, O_CLOEXEC};
use crate::{
    event::{FdNames, Syscall},
    syscalls::{self, ArgKind, Effect, StructKind},
};
use tracer_common::{FD_RET_ARG, FdFacts, capture};

use crate::decode::{self, HexMode};

const AT_FDCWD: i32 = -100;
/// What `/proc/PID/fd` adds to the path of a file deleted while open.
const DELETED: &str = " (deleted)";
const CLONE_FILES: u64 = 0x400;
const CLONE_PIDFD: u64 = 0x1000;
const CLONE_THREAD: u64 = 0x10000;
const F_DUPFD: u64 = 0;
const F_SETFD: u64 = 2;
const F_DUPFD_CLOEXEC: u64 = 1030;
const CLOSE_RANGE_CLOEXEC: u64 = 4;
const MSG_CMSG_CLOEXEC: u64 = 0x4000_0000;

#[derive(Clone, Debug, Default)]
struct Process {
    fds: HashMap<i32, Entry>,
    cwd: Option<String>,
}

#[derive(Debug)]
pub struct FdTable {
    /// `-yy`: socket endpoints instead of `socket:[inode]`.
    detail: bool,
    /// `--decode-fds=`'s kinds (`DecodeFds` bits): what a line shows of each name.
    kinds: u8,
    /// By process (thread group): threads share their descriptors.
    procs: HashMap<u32, Process>,
    /// What a process the trace did not see forked starts with: the tracer's own stdio
    /// and cwd for a command it launched (the command may be gone before `/proc` is read).
    inherited: Process,
    /// Look descriptors the trace did not see opened up in `/proc`. Not for a launched
    /// command whose every call is traced: there `/proc` could only show a later file.
    lookup_unknown: bool,
    /// The calls that change the working directory are seen even outside the trace set
    /// (`Config::follows_fds_untraced`): `/proc`, read after the call, could only show
    /// a later one.
    follows_cwd: bool,
    /// `-yy`: sockets' details as first resolved.
    sockets: SocketCache,
    /// `/dev`'s nodes, read when a device descriptor first needs its path (and again,
    /// once per device not found: a new pseudo-terminal).
    devices: HashMap<(u32, u64), String>,
    missing_devices: std::collections::HashSet<(u32, u64)>,
    /// The process that started each task the trace saw start: a child's first calls
    /// may come before its parent's fork returns (a vfork child runs first), and its
    /// table starts as its parent's.
    parents: HashMap<u32, u32>,
    /// The peers of the sockets whose pairs the trace saw made (`socketpair`), by inode.
    peers: HashMap<u64, u64>,
    /// The names of descriptors passed (`SCM_RIGHTS`) by the sending socket's inode, in
    /// order, until its peer receives them.
    in_transit: HashMap<u64, std::collections::VecDeque<Option<String>>>,
}

/// Most names of descriptors kept in transit per socket.
const MAX_IN_TRANSIT: usize = 1024;

/// strace's cache of socket details: a socket keeps the text of the first lookup that
/// found it in the kernel's tables (an internet socket once bound, a UNIX one once bound
/// or connected), whatever it does later; 1,024 slots by inode, a later socket
/// replacing an earlier one in its slot, as strace's does.
#[derive(Debug)]
struct SocketCache(Vec<Option<(u64, String)>>);

impl SocketCache {
    const SLOTS: usize = 1024;

    fn new() -> Self {
        Self(vec![None; Self::SLOTS])
    }

    fn get(&self, ino: u64) -> Option<&str> {
        match &self.0[ino as usize % Self::SLOTS] {
            Some((at, details)) if *at == ino => Some(details),
            _ => None,
        }
    }

    fn put(&mut self, ino: u64, details: &str) {
        self.0[ino as usize % Self::SLOTS] = Some((ino, details.to_owned()));
    }
}

/// The names a call's descriptor arguments had before the call changed the table
/// (`close(3</etc/passwd>)`, `dup2(3</a>, 1</dev/pts/0>) = 1</a>`).
pub struct Before {
    pid: u32,
    names: Vec<(i32, Option<String>)>,
}

/// The table as a call's line sees it: its arguments as they were, its result as it is.
pub struct CallView<'a> {
    pub table: &'a FdTable,
    pub before: Option<&'a Before>,
}

impl FdNames for CallView<'_> {
    fn fd_name(&self, pid: u32, fd: i32) -> Option<&str> {
        if let Some(before) = self.before.filter(|b| b.pid == pid)
            && let Some((_, name)) = before.names.iter().find(|(f, _)| *f == fd)
        {
            return shown(self.table.kinds, fd, name.as_deref()?);
        }
        shown(self.table.kinds, fd, self.table.name(pid, fd)?)
    }

    fn result_name(&self, pid: u32, fd: i32) -> Option<&str> {
        shown(self.table.kinds, fd, self.table.name(pid, fd)?)
    }
}

/// What `--decode-fds=` with `kinds` shows of a descriptor's `name`, as strace's
/// `printfd_pid` tries them: a socket's endpoints (`socket`), a device's numbers
/// (`dev`), a pidfd's process (`pidfd`, named `pid:N` when the table learnt it), else the
/// path (`path`; the only kind `AT_FDCWD` has).
fn shown(kinds: u8, fd: i32, name: &str) -> Option<&str> {
    use crate::qualifiers::DecodeFds;
    // A path `/proc` cannot give (the kernel's readlink fails with ENAMETOOLONG from
    // PATH_MAX bytes on): strace shows the descriptor bare.
    const PATH_MAX: usize = 4096;
    if name.starts_with('/') && name.len() >= PATH_MAX && procfs::path_bytes(name).len() >= PATH_MAX
    {
        return None;
    }
    let path = kinds & DecodeFds::PATH != 0;
    if fd == AT_FDCWD {
        return path.then_some(name);
    }
    if name.starts_with("pid:") {
        return Some(name);
    }
    if let Some(bare) = procfs::strip_device(name) {
        return if kinds & DecodeFds::DEV != 0 {
            Some(name)
        } else {
            path.then_some(bare)
        };
    }
    let socket = name.split_once(":[").is_some_and(|(proto, _)| {
        proto == "socket" || proto.starts_with(|c: char| c.is_ascii_uppercase())
    });
    (path || socket && kinds & DecodeFds::SOCKET != 0).then_some(name)
}

impl FdTable {
    /// `launched`: the traced processes are the tracer's children, which start with its
    /// stdin, stdout, stderr and cwd. `complete`: every call is traced (no `-e trace=`).
    pub fn new(kinds: u8, launched: bool, complete: bool) -> Self {
        use crate::qualifiers::DecodeFds;
        // A table kept for a report (`--diagnose`) alone names by path.
        let kinds = if kinds == 0 { DecodeFds::PATH } else { kinds };
        // Socket endpoints and device numbers are looked up for any kind beyond paths.
        let detail = kinds & !DecodeFds::PATH != 0;
        let mut inherited = Process::default();
        if launched {
            let me = std::process::id();
            inherited.cwd = procfs::read_link(&format!("/proc/{me}/cwd"));
            // stdin, stdout, stderr and whatever else the tracer was given open that the
            // command inherits (`7>/dev/zero` on the tracer's command line): what the
            // tracer opened itself is close-on-exec.
            let open = fs::read_dir(format!("/proc/{me}/fd")).into_iter().flatten();
            for fd in open.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok()) {
                if let Some(entry) = procfs::from_proc(me, fd, detail)
                    && (fd < 3 || !entry.cloexec)
                {
                    inherited.fds.insert(fd, entry);
                }
            }
        }
        Self {
            detail,
            kinds,
            procs: HashMap::new(),
            inherited,
            lookup_unknown: !(launched && complete),
            follows_cwd: false,
            sockets: SocketCache::new(),
            devices: HashMap::new(),
            missing_devices: Default::default(),
            parents: HashMap::new(),
            peers: HashMap::new(),
            in_transit: HashMap::new(),
        }
    }

    /// The calls that change the working directory reach the table whatever the trace
    /// set.
    pub fn following_cwd(mut self, follows: bool) -> Self {
        self.follows_cwd = follows;
        self
    }

    fn name(&self, pid: u32, fd: i32) -> Option<&str> {
        let proc = self.procs.get(&pid)?;
        if fd == AT_FDCWD {
            return proc.cwd.as_deref();
        }
        proc.fds.get(&fd).map(|e| e.name.as_str())
    }

    fn process(&mut self, pid: u32) -> &mut Process {
        if !self.procs.contains_key(&pid) {
            let parent = self.parents.get(&pid).and_then(|p| self.procs.get(p));
            let start = parent.unwrap_or(&self.inherited).clone();
            self.procs.insert(pid, start);
        }
        self.procs.get_mut(&pid).expect("inserted above")
    }

    /// Task `tid` was started by process `parent`.
    pub fn started(&mut self, tid: u32, parent: u32) {
        self.parents.insert(tid, parent);
    }

    /// Task `tid` is gone.
    pub fn exited(&mut self, tid: u32) {
        self.parents.remove(&tid);
    }

    /// Before `call` is printed: learns from `/proc` the descriptors it uses that the
    /// trace has not seen opened.
    pub fn prepare(&mut self, call: &Syscall) {
        let Some(sc) = syscalls::by_nr(call.nr) else {
            return;
        };
        self.learn_facts(call);
        const EBADF: i64 = 9;
        // A call refused for a bad descriptor had none open: `/proc` can only show a
        // later one.
        let lookup = self.lookup_unknown && call.ret != Some(-EBADF);
        let cwd_lookup = lookup && !self.follows_cwd;
        let detail = self.detail;
        let proc = self.process(call.pid);
        for (i, arg) in sc.args.iter().enumerate() {
            let fd = call.args[i] as i32;
            // `dup2`'s and `dup3`'s target: `/proc`, read after the call, would show it
            // as the call made it, not as the line should show it (unless it failed).
            if sc.effect == Effect::Dup && i == 1 && !call.failed() {
                continue;
            }
            match arg.kind {
                // Read again where a `chdir` may be outside the trace set.
                ArgKind::DirFd if fd == AT_FDCWD && (proc.cwd.is_none() || cwd_lookup) => {
                    const ENAMETOOLONG: i32 = 36;
                    match fs::read_link(format!("/proc/{}/cwd", call.pid)) {
                        Ok(cwd) => {
                            use std::os::unix::ffi::OsStrExt;
                            proc.cwd = Some(procfs::path_string(cwd.as_os_str().as_bytes()));
                        }
                        // A directory `/proc` cannot name (its path PATH_MAX long or
                        // longer): strace shows `AT_FDCWD` bare. (A process gone keeps
                        // the directory last found.)
                        Err(e) if e.raw_os_error() == Some(ENAMETOOLONG) => proc.cwd = None,
                        Err(_) => {}
                    }
                }
                ArgKind::Fd | ArgKind::DirFd if fd >= 0 && lookup => {
                    // Only the file the call saw, where its facts say which: `/proc`,
                    // read after the call, may show a later one under the number.
                    if !proc.fds.contains_key(&fd)
                        && let Some(entry) = procfs::from_proc(call.pid, fd, detail)
                        && seen_as(call, fd, &entry)
                    {
                        proc.fds.insert(fd, entry);
                    }
                }
                _ => {}
            }
        }
        // A pidfd argument the table names only as one: `pid:N`, with
        // `--decode-fds=pidfd`, from its fdinfo while it is open.
        for (i, arg) in sc.args.iter().enumerate() {
            if arg.kind == ArgKind::Fd && call.args[i] as i32 >= 0 {
                self.name_pidfd(call, call.args[i] as i32, None);
            }
        }
        // (A bad descriptor argument says nothing of these.)
        if self.lookup_unknown {
            for (pid, fd) in decode::other_fds(call) {
                let known = self
                    .procs
                    .get(&pid)
                    .is_some_and(|p| p.fds.contains_key(&fd));
                if fd >= 0
                    && !known
                    && let Some(entry) = procfs::from_proc(pid, fd, detail)
                {
                    self.process(pid).fds.insert(fd, entry);
                }
            }
        }
    }

    /// What the kernel (or ptrace, from `/proc` at the stop) saw the call's descriptor
    /// arguments refer to at the call: pipes, sockets, anonymous inodes and devices are
    /// named from it (and files, where ptrace read their paths); an entry the table kept
    /// for another file (a descriptor reused by calls outside the trace set) is dropped,
    /// for `prepare` to look `/proc` up again, and to keep what it finds only if it is
    /// the file the call saw.
    fn learn_facts(&mut self, call: &Syscall) {
        // A descriptor the call returned is named after it (`apply`).
        let returned = syscalls::by_nr(call.nr)
            .filter(|sc| sc.ret.may_be_fd())
            .and_then(|_| call.success())
            .map(|r| r as i32);
        for c in &call.captures {
            if c.kind != capture::FD_FACTS || c.arg >= FD_RET_ARG || c.fault {
                continue;
            }
            // The argument's facts, not those of a descriptor the call returns.
            let arg_fd = call.args[c.arg as usize] as i32;
            let all = || {
                c.data
                    .chunks_exact(FdFacts::BYTES)
                    .filter_map(FdFacts::from_bytes)
            };
            // A further argument the line names as one of the caller's descriptors
            // (`kcmp`'s second index); not open, it names nothing the table had.
            for facts in all().filter(|f| f.fd != arg_fd && Some(f.fd) != returned) {
                self.learn(call.pid, &facts);
            }
            let Some(facts) = all().find(|f| f.fd == arg_fd) else {
                // Not open at the call: what the table had is stale.
                if arg_fd >= 0 {
                    self.process(call.pid).fds.remove(&arg_fd);
                }
                continue;
            };
            self.learn(call.pid, &facts);
        }
    }

    /// What `facts`, taken at a call of process `pid`, say of its descriptor.
    fn learn(&mut self, pid: u32, facts: &FdFacts) {
        let entry = self.facts_entry(pid, facts, true);
        let fds = &mut self.process(pid).fds;
        let id = FileId::of(facts);
        let known = fds.get(&facts.fd);
        let same = known.and_then(|e| e.id).is_some_and(|k| k.same(id));
        match entry {
            Some(entry) if !same => {
                // The same descriptor keeps its close-on-exec flag.
                let cloexec = known.is_some_and(|e| e.cloexec);
                fds.insert(facts.fd, Entry { cloexec, ..entry });
            }
            // The same file or socket (maybe bound or connected since); a pidfd keeps
            // the process it was named by (`pid:N`), which its facts do not say.
            Some(entry) => {
                if let Some(known) = fds.get_mut(&facts.fd)
                    && !known.name.starts_with("pid:")
                {
                    known.name = entry.name;
                }
            }
            // A file deleted while open, named as `/proc` then names it.
            None if same => {
                if facts.nlink == 0
                    && facts.mode & 0o170000 == 0o100000
                    && let Some(e) = fds.get_mut(&facts.fd)
                    && !e.name.ends_with(DELETED)
                {
                    if e.name.ends_with('\0') {
                        e.name.pop();
                    }
                    e.name.push_str(DELETED);
                }
            }
            // Another file than the one the table knew under this number.
            None if known.is_some_and(|e| e.id.is_some()) => {
                fds.remove(&facts.fd);
            }
            // (An entry that never knew its file is kept: nothing tells it wrong.)
            None => {}
        }
    }

    /// After `bind`, `connect` or `listen`: the socket's details as `/proc` has them
    /// now, under the protocol's name the entry has (`UNIX-STREAM`, which `/proc`
    /// does not give), unless strace's cache already holds its text.
    fn refresh_socket(&mut self, pid: u32, fd: i32) {
        if !self.detail {
            return;
        }
        let Some(inode) = self.entry_mut(pid, fd).and_then(|e| e.socket) else {
            return;
        };
        if self.sockets.get(inode).is_some() {
            return;
        }
        let Some(details) = procfs::socket_details(pid, inode) else {
            return;
        };
        if let Some(e) = self.entry_mut(pid, fd) {
            e.name = match (e.name.split_once(":["), details.split_once(":[")) {
                (Some((label, _)), Some((_, rest))) => format!("{label}:[{rest}"),
                _ => details,
            };
        }
    }

    /// A call the trace does not show, seen for what it did to the descriptors.
    pub fn follow(&mut self, call: &Syscall) {
        self.learn_facts(call);
        self.apply(call);
    }

    /// The names of `call`'s descriptor arguments now, when the call may change them.
    pub fn before(&self, call: &Syscall) -> Option<Before> {
        let sc = syscalls::by_nr(call.nr)?;
        if sc.effect == Effect::None && !sc.ret.may_be_fd() {
            return None;
        }
        let names = (0..sc.args.len())
            .filter(|&i| matches!(sc.args[i].kind, ArgKind::Fd | ArgKind::DirFd))
            .map(|i| {
                let fd = call.args[i] as i32;
                (fd, self.name(call.pid, fd).map(str::to_owned))
            })
            .collect();
        Some(Before {
            pid: call.pid,
            names,
        })
    }

    /// After `call` completed: what it opened, duplicated, closed or executed.
    pub fn apply(&mut self, call: &Syscall) {
        let (Some(ret), Some(sc)) = (call.success(), syscalls::by_nr(call.nr)) else {
            return;
        };
        let (pid, a) = (call.pid, call.args);
        let new_fd = ret as i32;
        if call.tampered.injected {
            // The call did not run: its result names what the process has open under
            // that number, if anything (strace reads `/proc` at the stop).
            let known = self
                .procs
                .get(&pid)
                .is_some_and(|p| p.fds.contains_key(&new_fd));
            if sc.ret.new_fd(&call.args)
                && self.lookup_unknown
                && !known
                && let Some(e) = procfs::from_proc(pid, new_fd, self.detail)
            {
                self.process(pid).fds.insert(new_fd, e);
            }
            return;
        }
        let cloexec = flags_cloexec(sc, call);
        match sc.effect {
            Effect::Open => self.open(sc, call, new_fd, cloexec),
            Effect::Dup => self.dup(pid, a[0] as i32, new_fd, cloexec),
            Effect::Fcntl => self.fcntl(call, new_fd),
            Effect::Close => {
                self.process(pid).fds.remove(&(a[0] as i32));
            }
            Effect::CloseRange => self.close_range(call),
            Effect::Exec => self.process(pid).fds.retain(|_, e| !e.cloexec),
            // Unless the child's own calls came first (and started its table).
            Effect::Fork => {
                if !shares_files(sc, call) && !self.procs.contains_key(&(ret as u32)) {
                    let child = self.process(pid).clone();
                    self.procs.insert(ret as u32, child);
                }
                // `clone`'s CLONE_PIDFD descriptor, written at `parent_tid`.
                let flags = arg_of(sc, ArgKind::CloneFlags).map_or(0, |i| a[i]);
                let pidfd = arg_of(sc, ArgKind::CloneParentTid)
                    .and_then(|i| call.capture(i))
                    .filter(|c| !c.fault && flags & CLONE_PIDFD != 0)
                    .and_then(|c| Some(i32::from_le_bytes(c.data.get(..4)?.try_into().ok()?)));
                if let Some(fd) = pidfd {
                    self.process(pid).fds.remove(&fd);
                    self.name_pidfd(call, fd, Some(ret as i64));
                }
            }
            Effect::Chdir => self.chdir(sc, call),
            Effect::FdPair => self.fd_pair(sc, call, cloexec),
            // What the call made of its socket, for the lines after that carry no facts
            // of their own (their copies fill the plan): from `/proc`, under the
            // protocol's name the table has (strace's cache is left to the lines).
            Effect::SocketAddress => self.refresh_socket(pid, a[0] as i32),
            // Any other call returning a descriptor: socket, accept, eventfd, memfd...
            Effect::None if sc.ret.new_fd(&call.args) => self.name_new(call, new_fd, cloexec),
            Effect::None | Effect::Autobind => {}
        }
        match sc.name {
            "sendmsg" => self.sent_fds(call),
            "recvmsg" => self.received_fds(call),
            _ => {}
        }
    }

    /// `open*`: the path, absolute and canonical, as strace's readlink gives it.
    fn open(&mut self, sc: &syscalls::Syscall, call: &Syscall, fd: i32, cloexec: bool) {
        let pid = call.pid;
        let dirfd = arg_of(sc, ArgKind::DirFd).map_or(AT_FDCWD, |i| call.args[i] as i32);
        let path = arg_of(sc, ArgKind::Path).and_then(|i| captured_path(call, i));
        let name = match path.map(|path| own_proc(&path, pid, call.tid)) {
            Some(path) if self.detail => {
                Some(procfs::with_device(self.absolute(pid, dirfd, &path)))
            }
            Some(path) => Some(self.absolute(pid, dirfd, &path)),
            None => procfs::from_proc(pid, fd, self.detail).map(|e| e.name),
        };
        if let Some(mut name) = name {
            // A file named so, not deleted: marked as `/proc`'s names are
            // (`decode::DELETED_SUFFIX`).
            if name.ends_with(DELETED) {
                name.push('\0');
            }
            let entry = Entry {
                name,
                cloexec,
                socket: None,
                // Which file it is (the call's facts, with -y), so that a later call's
                // facts tell whether the number still names it.
                id: facts_of(call, fd).map(|f| FileId::of(&f)),
            };
            self.process(pid).fds.insert(fd, entry);
        }
    }

    /// `fcntl`'s duplicating and close-on-exec commands.
    fn fcntl(&mut self, call: &Syscall, new_fd: i32) {
        let (pid, a) = (call.pid, call.args);
        match a[1] {
            F_DUPFD | F_DUPFD_CLOEXEC => {
                self.dup(pid, a[0] as i32, new_fd, a[1] == F_DUPFD_CLOEXEC);
            }
            F_SETFD => {
                if let Some(e) = self.entry_mut(pid, a[0] as i32) {
                    e.cloexec = a[2] & 1 != 0;
                }
            }
            _ => {}
        }
    }

    fn close_range(&mut self, call: &Syscall) {
        let a = call.args;
        let (first, last) = (a[0] as u32 as i64, a[1] as u32 as i64);
        let fds = &mut self.process(call.pid).fds;
        if a[2] & CLOSE_RANGE_CLOEXEC != 0 {
            fds.iter_mut()
                .filter(|(fd, _)| (first..=last).contains(&(**fd as i64)))
                .for_each(|(_, e)| e.cloexec = true);
        } else {
            fds.retain(|fd, _| !(first..=last).contains(&(*fd as i64)));
        }
    }

    /// `chdir` to a path, `fchdir` to what a descriptor names.
    fn chdir(&mut self, sc: &syscalls::Syscall, call: &Syscall) {
        let pid = call.pid;
        let cwd = match arg_of(sc, ArgKind::Path) {
            Some(i) => captured_path(call, i).map(|path| self.absolute(pid, AT_FDCWD, &path)),
            None => self.name(pid, call.args[0] as i32).map(str::to_owned),
        };
        self.process(pid).cwd = cwd;
    }

    /// Descriptors `sendmsg` passed (`SCM_RIGHTS`): their names wait, by the sending
    /// socket, for the `recvmsg` of its peer, should `/proc` no longer show them then
    /// (the eBPF backend reads a process's records after the fact).
    fn sent_fds(&mut self, call: &Syscall) {
        let fds = decode::passed_fds(call, 1, false);
        let Some(socket) = self.socket_of(call.pid, call.args[0] as i32) else {
            return;
        };
        if fds.is_empty() {
            return;
        }
        let names: Vec<Option<String>> = (fds.iter())
            .map(|&fd| self.name(call.pid, fd).map(str::to_owned))
            .collect();
        let queue = self.in_transit.entry(socket).or_default();
        queue.extend(names);
        // Never received: the oldest go.
        while queue.len() > MAX_IN_TRANSIT {
            queue.pop_front();
        }
    }

    /// Descriptors `recvmsg` received (`SCM_RIGHTS`): the caller's now, named from `/proc`
    /// as strace's `printfd` names them, or else as the peer socket's `sendmsg` named
    /// them.
    fn received_fds(&mut self, call: &Syscall) {
        let (pid, a) = (call.pid, call.args);
        let cloexec = a[2] & MSG_CMSG_CLOEXEC != 0;
        let peer = self
            .socket_of(pid, a[0] as i32)
            .and_then(|s| self.peers.get(&s).copied());
        for fd in decode::passed_fds(call, 1, true) {
            let sent = peer
                .and_then(|p| self.in_transit.get_mut(&p)?.pop_front())
                .flatten();
            if fd < 0 {
                continue;
            }
            match (procfs::from_proc(pid, fd, self.detail), sent) {
                (Some(e), _) => {
                    self.process(pid).fds.insert(fd, Entry { cloexec, ..e });
                }
                (None, Some(name)) => {
                    let entry = Entry {
                        name,
                        cloexec,
                        socket: None,
                        id: None,
                    };
                    self.process(pid).fds.insert(fd, entry);
                }
                (None, None) => {}
            }
        }
    }

    /// The socket inode descriptor `fd` of process `pid` names, as the table has it.
    fn socket_of(&self, pid: u32, fd: i32) -> Option<u64> {
        self.procs.get(&pid)?.fds.get(&fd)?.socket
    }

    /// `pipe`, `socketpair`: the two descriptors written into the call's array.
    fn fd_pair(&mut self, sc: &syscalls::Syscall, call: &Syscall, cloexec: bool) {
        let pair = sc
            .args
            .iter()
            .position(|a| matches!(a.kind, ArgKind::Struct(StructKind::FdPair, _)));
        let Some(c) = pair
            .and_then(|i| call.capture(i))
            .filter(|c| !c.fault && c.data.len() >= 8)
        else {
            return;
        };
        let pair: Vec<i32> = (c.data[..8].chunks_exact(4))
            .map(|half| i32::from_le_bytes(half.try_into().expect("4 bytes")))
            .collect();
        for &fd in &pair {
            self.name_new(call, fd, cloexec);
        }
        // A socketpair's ends are each other's peers for life.
        if let (Some(a), Some(b)) = (
            self.socket_of(call.pid, pair[0]),
            self.socket_of(call.pid, pair[1]),
        ) {
            self.peers.insert(a, b);
            self.peers.insert(b, a);
        }
    }

    /// A descriptor the call made, named from what the call saw it refer to
    /// ([`capture::FD_FACTS`], [`capture::FD_PAIR_FACTS`]) or else from `/proc` now.
    fn name_new(&mut self, call: &Syscall, fd: i32, cloexec: bool) {
        match facts_of(call, fd).and_then(|f| self.facts_entry(call.pid, &f, true)) {
            Some(entry) => {
                self.process(call.pid)
                    .fds
                    .insert(fd, Entry { cloexec, ..entry });
            }
            None => self.name_from_proc(call.pid, fd, cloexec),
        }
        let opened = syscalls::name(call.nr) == Some("pidfd_open");
        if opened {
            self.name_pidfd(call, fd, Some(call.args[0] as i32 as i64));
        } else {
            self.name_pidfd(call, fd, None);
        }
    }

    /// A pidfd `pidfd_open` or `clone` (`target`: its process) made is one even when
    /// `/proc` no longer shows it; with `--decode-fds=pidfd` it is named by its process,
    /// `pid:N` (`Pid:` of its fdinfo; `target` once the descriptor is gone).
    fn name_pidfd(&mut self, call: &Syscall, fd: i32, target: Option<i64>) {
        let pid = call.pid;
        let opened = target.is_some();
        if opened && self.entry_mut(pid, fd).is_none() {
            // Gone from `/proc` already (the eBPF backend reads it later).
            self.process(pid).fds.insert(
                fd,
                Entry {
                    name: "anon_inode:[pidfd]".into(),
                    // Pidfds are always close-on-exec.
                    cloexec: true,
                    socket: None,
                    id: None,
                },
            );
        }
        if self.kinds & crate::qualifiers::DecodeFds::PIDFD == 0 {
            return;
        }
        let Some(entry) = self.entry_mut(pid, fd) else {
            return;
        };
        if entry.name != "anon_inode:[pidfd]" {
            return;
        }
        let target = fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}"))
            .ok()
            .and_then(|info| {
                info.lines()
                    .find_map(|l| l.strip_prefix("Pid:"))?
                    .trim()
                    .parse::<i64>()
                    .ok()
            })
            // -1 once the process is gone: the call that made it said which it was.
            .filter(|&pid| pid > 0)
            .or(target);
        if let Some(target) = target {
            entry.name = format!("pid:{target}");
        }
    }

    /// A descriptor named as `/proc` names it now.
    fn name_from_proc(&mut self, pid: u32, fd: i32, cloexec: bool) {
        if let Some(e) = procfs::from_proc(pid, fd, self.detail) {
            self.process(pid).fds.insert(fd, Entry { cloexec, ..e });
        }
    }

    /// A process is gone.
    pub fn forget(&mut self, pid: u32) {
        self.procs.remove(&pid);
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
            .or_else(|| procfs::from_proc(pid, new, detail));
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
                    proc.cwd = procfs::read_link(&format!("/proc/{pid}/cwd"));
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
        use std::os::unix::ffi::OsStrExt;
        fs::canonicalize(procfs::path_bytes_os(&joined))
            .map(|p| procfs::path_string(p.as_os_str().as_bytes()))
            .unwrap_or_else(|_| lexically_normal(&joined))
    }
}

impl FdTable {
    /// The table's entry for what `facts` describe, when they name it: `pipe:[N]`,
    /// `socket:[N]` (with `-yy` its details, as strace's cache has them) and
    /// `anon_inode:[eventfd]`, as `/proc/PID/fd` would, a device by its `/dev` node, a
    /// file by the path the backend read at the call (ptrace); `None` for other files,
    /// which are named by path (the opens the trace saw, or `/proc`).
    fn facts_entry(&mut self, pid: u32, facts: &FdFacts, cache: bool) -> Option<Entry> {
        const S_IFMT: u32 = 0o170000;
        const S_IFSOCK: u32 = 0o140000;
        const S_IFIFO: u32 = 0o010000;
        const S_IFCHR: u32 = 0o020000;
        const S_IFBLK: u32 = 0o060000;
        let ino = facts.ino;
        let (name, socket) = match facts.mode & S_IFMT {
            S_IFSOCK if self.detail => (self.socket_details(pid, facts, cache), Some(ino)),
            S_IFSOCK => (format!("socket:[{ino}]"), Some(ino)),
            S_IFIFO => (format!("pipe:[{ino}]"), None),
            0 if !facts.name().is_empty() => (
                format!("anon_inode:{}", String::from_utf8_lossy(facts.name())),
                None,
            ),
            // A pidfd (pidfs, since Linux 6.9), as `/proc` names it.
            _ if facts.dev != 0 && Some(facts.dev) == procfs::pidfs_dev() => {
                ("anon_inode:[pidfd]".to_owned(), None)
            }
            // A file or device whose path the backend read at the call (ptrace), or a
            // device node of `/dev` (the kernel programs read its numbers).
            kind if !facts.unix_path().is_empty() || matches!(kind, S_IFCHR | S_IFBLK) => {
                let path = match facts.unix_path() {
                    [] => self.device_path(facts.rdev, ino)?,
                    path => procfs::path_string(path),
                };
                let name = if self.detail {
                    procfs::with_device(path)
                } else {
                    path
                };
                return Some(Entry {
                    name,
                    cloexec: false,
                    socket: None,
                    id: Some(FileId::of(facts)),
                });
            }
            _ => return None,
        };
        Some(Entry {
            name,
            cloexec: false,
            socket,
            id: Some(FileId::of(facts)),
        })
    }

    /// The `/dev` node of device `rdev` (the kernel's encoding) and inode `ino`.
    fn device_path(&mut self, rdev: u32, ino: u64) -> Option<String> {
        let key = (rdev, ino);
        if !self.devices.contains_key(&key) && self.missing_devices.insert(key) {
            self.devices = procfs::device_nodes().into_iter().collect();
        }
        self.devices.get(&key).cloned()
    }

    /// `-yy`'s text for the socket `facts` describe: the protocol the kernel names
    /// (`TCP`, `UNIX-STREAM`) with the details strace's cache holds or a lookup now
    /// finds (kept in the cache with `cache`), else the inode.
    fn socket_details(&mut self, pid: u32, facts: &FdFacts, cache: bool) -> String {
        let ino = facts.ino;
        if let Some(cached) = self.sockets.get(ino) {
            return cached.to_owned();
        }
        let proto = String::from_utf8_lossy(facts.name()).into_owned();
        let label = if proto.is_empty() { "socket" } else { &proto };
        let found = match facts.family {
            2 | 10 => inet_details(label, facts),
            tracer_common::AF_UNIX => unix_details(label, facts),
            // Bound (a port id): `NETLINK:[ROUTE:1234]`; else its inode, as strace finds
            // no unbound socket in `/proc/net/netlink`.
            tracer_common::AF_NETLINK => (facts.peer != 0).then(|| {
                let proto = facts.protocol as u64;
                match crate::decode::flags::lookup(crate::decode::flags::NETLINK_PROTOCOLS, proto) {
                    Some(name) => {
                        let name = name.strip_prefix("NETLINK_").unwrap_or(name);
                        format!("{label}:[{name}:{}]", facts.peer)
                    }
                    None => format!("{label}:[{proto}]"),
                }
            }),
            // An internet socket the facts know no family of was in no table at the
            // call (unbound): strace shows its inode.
            _ if ["TCP", "TCPv6", "UDP", "UDPv6"].contains(&label) => None,
            // Facts without a family (a protocol the programs do not read, or no BTF):
            // `/proc`, under the kernel's name for the protocol.
            _ => {
                let details =
                    procfs::socket_details(pid, ino).map(|details| match details.split_once(':') {
                        Some((_, rest)) if !proto.is_empty() => format!("{proto}:{rest}"),
                        _ => details,
                    });
                // A bound netlink socket's `NETLINK:[ROUTE:1234]` is kept, as strace's
                // cache keeps it (its `close` shows it).
                if label != "NETLINK" {
                    return details.unwrap_or_else(|| format!("{label}:[{ino}]"));
                }
                details
            }
        };
        match found {
            Some(details) => {
                if cache {
                    self.sockets.put(ino, &details);
                }
                details
            }
            None => format!("{label}:[{ino}]"),
        }
    }
}

/// strace's `-yy` text for an internet socket the kernel's tables hold (bound:
/// `TCP:[127.0.0.1:5432]`, connected: `TCP:[127.0.0.1:5432->127.0.0.1:40000]`); `None`
/// for one not bound yet.
fn inet_details(proto: &str, facts: &FdFacts) -> Option<String> {
    if facts.local_port == 0 {
        return None;
    }
    let socket = procfs::InetSocket {
        proto: "",
        family: facts.family,
        local: (facts.local, facts.local_port),
        remote: (facts.remote, facts.remote_port),
    };
    Some(socket.describe(proto, facts.ino))
}

/// strace's `-yy` text for a UNIX socket with a peer or an address:
/// `UNIX-STREAM:[INODE->PEER,"/run/x.sock"]`, `,@"name"` for an abstract one; `None`
/// for one with neither (unix_diag's answer strace does not use).
fn unix_details(proto: &str, facts: &FdFacts) -> Option<String> {
    let path = facts.unix_path();
    if facts.peer == 0 && path.is_empty() {
        return None;
    }
    let mut out = format!("{proto}:[{}", facts.ino);
    if facts.peer != 0 {
        out.push_str(&format!("->{}", facts.peer));
    }
    if !path.is_empty() {
        out.push(',');
        let path = match path.split_first() {
            Some((0, abstract_name)) => {
                out.push('@');
                abstract_name
            }
            _ => path,
        };
        // strace quotes up to the first NUL (`QUOTE_0_TERMINATED`).
        let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
        crate::decode::strings::quote(&mut out, &path[..end], HexMode::None, false);
    }
    out.push(']');
    Some(out)
}

/// `/proc/self` and `/proc/thread-self` as the calling task sees them: the tracer,
/// which makes the path canonical, is another process.
fn own_proc(path: &str, pid: u32, tid: u32) -> String {
    if let Some(rest) = path.strip_prefix("/proc/self")
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return format!("/proc/{pid}{rest}");
    }
    if let Some(rest) = path.strip_prefix("/proc/thread-self")
        && (rest.is_empty() || rest.starts_with('/'))
    {
        return format!("/proc/{pid}/task/{tid}{rest}");
    }
    path.to_owned()
}

/// What the call's facts (with `-y`, taken at the call) say descriptor `fd` referred
/// to: an argument's or the one it returned.
fn facts_of(call: &Syscall, fd: i32) -> Option<FdFacts> {
    call.captures
        .iter()
        .filter(|c| !c.fault && matches!(c.kind, capture::FD_FACTS | capture::FD_PAIR_FACTS))
        .flat_map(|c| c.data.chunks_exact(FdFacts::BYTES))
        .filter_map(FdFacts::from_bytes)
        .find(|f| f.fd == fd)
}

/// Whether `entry` (read from `/proc` after the call) is what descriptor argument `fd`
/// referred to at the call, as far as the call's facts tell (no facts: nothing says
/// otherwise).
fn seen_as(call: &Syscall, fd: i32, entry: &Entry) -> bool {
    let taken = call.captures.iter().any(|c| {
        !c.fault
            && c.kind == capture::FD_FACTS
            && c.arg < FD_RET_ARG
            && call.args[c.arg as usize] as i32 == fd
    });
    match (facts_of(call, fd), entry.id) {
        (Some(facts), Some(id)) => id.same(FileId::of(&facts)),
        // Not open at the call, by its facts.
        (None, _) if taken => false,
        _ => true,
    }
}

/// The first argument of `kind`.
fn arg_of(sc: &syscalls::Syscall, kind: ArgKind) -> Option<usize> {
    sc.args.iter().position(|a| a.kind == kind)
}

/// A path argument as the call read it.
fn captured_path(call: &Syscall, arg: usize) -> Option<String> {
    call.capture(arg)
        .filter(|c| !c.fault)
        .map(|c| procfs::path_string(c.data.strip_suffix(b"\0").unwrap_or(&c.data)))
}

/// An absolute `path` without its `.` and empty components and with each `..` taking
/// the one before it away: the kernel's name for it where the file is gone before the
/// table could ask (a directory the program has removed since).
fn lexically_normal(path: &str) -> String {
    if !path.starts_with('/') {
        return path.to_owned();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether the call's flag arguments ask for close-on-exec descriptors.
fn flags_cloexec(sc: &syscalls::Syscall, call: &Syscall) -> bool {
    sc.args.iter().zip(call.args).any(|(arg, v)| {
        matches!(
            arg.kind,
            ArgKind::OpenFlags
                | ArgKind::FdFlags
                | ArgKind::SocketType
                | ArgKind::SockFlags
                | ArgKind::EfdFlags
                | ArgKind::TfdFlags
                | ArgKind::SfdFlags
                | ArgKind::InotifyInitFlags
                | ArgKind::EpollCreateFlags
        ) && v & O_CLOEXEC != 0
    })
}

/// Whether a fork shares its parent's descriptors (a thread, `CLONE_FILES`): from the
/// `clone` flags, or the flags at the head of `clone3`'s struct.
fn shares_files(sc: &syscalls::Syscall, call: &Syscall) -> bool {
    let flags = sc
        .args
        .iter()
        .enumerate()
        .find_map(|(i, arg)| match arg.kind {
            ArgKind::CloneFlags => Some(call.args[i]),
            ArgKind::Struct(StructKind::CloneArgs, _) => call
                .capture(i)
                .filter(|c| !c.fault)
                .and_then(|c| Some(u64::from_le_bytes(c.data.get(..8)?.try_into().ok()?))),
            _ => None,
        });
    flags.is_some_and(|f| f & (CLONE_FILES | CLONE_THREAD) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;
    use crate::qualifiers::DecodeFds;

    /// A process no `/proc` shows (pids stop far below).
    const GONE: u32 = u32::MAX - 7;

    fn facts(fd: i32, ino: u64, mode: u32) -> FdFacts {
        FdFacts {
            fd,
            ino,
            mode,
            dev: 42,
            ..FdFacts::default()
        }
    }

    fn call(name: &str, args: [u64; 6], ret: i64, captures: Vec<Capture>) -> Syscall {
        Syscall {
            tid: GONE,
            pid: GONE,
            nr: syscalls::by_name(name).unwrap().nr,
            args,
            ret: Some(ret),
            captures,
            ..Syscall::default()
        }
    }

    #[test]
    fn gone_paths_are_normalized_lexically() {
        assert_eq!(lexically_normal("/a/b/./c//d/../e/."), "/a/b/c/e");
        assert_eq!(lexically_normal("/.."), "/");
        assert_eq!(lexically_normal("rel/./x"), "rel/./x");
    }

    fn facts_capture(arg: u8, all: &[FdFacts]) -> Capture {
        Capture {
            arg,
            kind: capture::FD_FACTS,
            data: all.iter().flat_map(|f| f.to_bytes()).collect(),
            ..Capture::default()
        }
    }

    /// A descriptor received (`SCM_RIGHTS`) by a process `/proc` no longer shows is named
    /// as its socketpair's other end sent it.
    #[test]
    fn passed_descriptors_are_named_as_sent() {
        const S_IFSOCK: u32 = 0o140000;
        let mut table = FdTable::new(DecodeFds::PATH, false, false);
        let pair = call(
            "socketpair",
            [1, 1, 0, 0x1000, 0, 0],
            0,
            vec![
                Capture {
                    arg: 3,
                    kind: capture::FIXED,
                    data: [5i32, 6].iter().flat_map(|v| v.to_le_bytes()).collect(),
                    ..Capture::default()
                },
                Capture {
                    kind: capture::FD_PAIR_FACTS,
                    ..facts_capture(3, &[facts(5, 100, S_IFSOCK), facts(6, 101, S_IFSOCK)])
                },
            ],
        );
        table.apply(&pair);
        let path = Capture {
            arg: 1,
            kind: capture::CSTR,
            data: b"/nonexistent/f\0".to_vec(),
            ..Capture::default()
        };
        let open = call(
            "openat",
            [AT_FDCWD as u32 as u64, 0, 0, 0, 0, 0],
            7,
            vec![path],
        );
        table.apply(&open);
        // A header with 24 bytes of control data, and the message passing descriptor 7.
        let mut header = vec![0u8; 56];
        header[40..48].copy_from_slice(&24u64.to_le_bytes());
        let header = Capture {
            arg: 1,
            kind: capture::FIXED,
            data: header,
            ..Capture::default()
        };
        let mut control = 20u64.to_le_bytes().to_vec();
        control.extend([1u32, 1, 7, 0].iter().flat_map(|v| v.to_le_bytes()));
        let control = Capture {
            arg: 1,
            kind: capture::MSG_CONTROL,
            data: control,
            ..Capture::default()
        };
        let message = vec![header.clone(), control.clone()];
        table.apply(&call("sendmsg", [6, 0x2000, 0, 0, 0, 0], 1, message));
        table.apply(&call("close", [7, 0, 0, 0, 0, 0], 0, vec![]));
        assert_eq!(table.name(GONE, 7), None);
        let message = vec![header.clone(), header, control];
        table.apply(&call("recvmsg", [5, 0x2000, 0, 0, 0, 0], 1, message));
        assert_eq!(table.name(GONE, 7), Some("/nonexistent/f"));
    }

    /// A number an untraced open reused names the file the call saw, or nothing: never
    /// the file the table knew it as (the facts' inode against the entry's).
    #[test]
    fn a_reused_number_is_not_named_by_an_earlier_file() {
        const S_IFREG: u32 = 0o100644;
        let mut table = FdTable::new(DecodeFds::PATH, false, false);
        let path = Capture {
            arg: 1,
            kind: capture::CSTR,
            data: b"/nonexistent/a\0".to_vec(),
            ..Capture::default()
        };
        let at_fdcwd = AT_FDCWD as u32 as u64;
        let open = call(
            "openat",
            [at_fdcwd, 0, 0, 0, 0, 0],
            3,
            vec![path, facts_capture(0, &[facts(3, 10, S_IFREG)])],
        );
        table.prepare(&open);
        table.apply(&open);
        assert_eq!(table.name(GONE, 3), Some("/nonexistent/a"));
        let read = |ino| {
            call(
                "read",
                [3, 0, 1, 0, 0, 0],
                1,
                vec![facts_capture(0, &[facts(3, ino, S_IFREG)])],
            )
        };
        table.prepare(&read(10));
        assert_eq!(table.name(GONE, 3), Some("/nonexistent/a"), "the same file");
        table.prepare(&read(11));
        assert_eq!(
            table.name(GONE, 3),
            None,
            "another file, and no /proc to name it"
        );
        // Not open at the call: nothing.
        table.apply(&open);
        table.prepare(&call(
            "read",
            [3, 0, 1, 0, 0, 0],
            -9,
            vec![facts_capture(0, &[])],
        ));
        assert_eq!(table.name(GONE, 3), None);
    }

    /// `/proc`'s name, read after the call, only when it is the file the call saw.
    #[test]
    fn proc_names_only_the_file_the_call_saw() {
        let entry = |ino| Entry {
            name: "/x".into(),
            cloexec: false,
            socket: None,
            id: Some(FileId { ino, dev: 0 }),
        };
        let read = call(
            "read",
            [3, 0, 1, 0, 0, 0],
            1,
            vec![facts_capture(0, &[facts(3, 10, 0o100644)])],
        );
        assert!(
            seen_as(&read, 3, &entry(10)),
            "the inode alone: stat's device may differ"
        );
        assert!(!seen_as(&read, 3, &entry(11)));
        let closed = call("read", [3, 0, 1, 0, 0, 0], -9, vec![facts_capture(0, &[])]);
        assert!(!seen_as(&closed, 3, &entry(10)), "not open at the call");
        let bare = call("read", [3, 0, 1, 0, 0, 0], 1, Vec::new());
        assert!(
            seen_as(&bare, 3, &entry(11)),
            "no facts: nothing says otherwise"
        );
    }

    /// strace's dev--decode-fds-*.c and pidfd_open--decode-fd-*.c: what each kind shows.
    #[test]
    fn decode_fds_kinds_show_their_part_of_a_name() {
        const DEV: &str = "/dev/zero<char 1:5>";
        let show = |kinds, fd, name| shown(kinds, fd, name);
        assert_eq!(show(DecodeFds::DEV, 3, DEV), Some(DEV));
        assert_eq!(show(DecodeFds::PATH, 3, DEV), Some("/dev/zero"));
        assert_eq!(show(DecodeFds::SOCKET, 3, DEV), None);
        assert_eq!(show(DecodeFds::DEV, AT_FDCWD, "/tmp"), None);
        assert_eq!(show(DecodeFds::PATH, AT_FDCWD, "/tmp"), Some("/tmp"));
        assert_eq!(show(DecodeFds::DEV, 3, "/etc/hostname"), None);
        assert_eq!(
            show(DecodeFds::SOCKET, 3, "TCP:[1.2.3.4:5]"),
            Some("TCP:[1.2.3.4:5]")
        );
        assert_eq!(show(DecodeFds::SOCKET, 3, "socket:[7]"), Some("socket:[7]"));
        assert_eq!(show(DecodeFds::SOCKET, 3, "anon_inode:[pidfd]"), None);
        assert_eq!(show(DecodeFds::SOCKET, 3, "pipe:[7]"), None);
        assert_eq!(show(DecodeFds::PATH, 3, "pipe:[7]"), Some("pipe:[7]"));
        assert_eq!(show(DecodeFds::PIDFD, 3, "pid:42"), Some("pid:42"));
    }
}
