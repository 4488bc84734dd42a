//! The traced tasks as far as the events tell: their process, when they started (which
//! decides strace's `[pid N]` prefixes), their names (`comm`) and their containers. Names
//! and containers are looked up once per task (and again at exec), never per call.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};

use crate::{
    container::{self, Identity},
    event::{Event, ExitStatus, Syscall, TaskView},
    syscalls::{self, ArgKind, Effect},
};

#[derive(Clone, Debug, Default)]
struct Task {
    /// Its process (0 while unknown).
    pid: u32,
    /// When it started (CLOCK_MONOTONIC; 0 for tasks traced from the start). strace
    /// decides a line's prefix when the line starts, at the call's entry: a child a
    /// `clone` creates does not prefix the `clone` line itself.
    since: u64,
    /// Its name, once looked up (`None` inside: unknown).
    comm: Option<Option<String>>,
    /// `comm` is the name its last call's record gave (the eBPF programs with `-Y`):
    /// the name at the call, which `/proc` may no longer have.
    named_at_call: bool,
    /// Its container, once looked up (`None` inside: none, or unknown).
    container: Option<Option<Arc<Identity>>>,
}

/// Which task facts the sinks use (each costs a `/proc` read per task).
#[derive(Clone, Debug, Default)]
pub struct Wanted {
    pub comm: bool,
    pub container: bool,
    /// The container of a task whose own cannot be read (it is gone): the one container
    /// traced, with `--container`.
    pub only_container: Option<Arc<Identity>>,
}

#[derive(Debug, Default)]
pub struct Tasks {
    by_tid: HashMap<u32, Task>,
    /// Facts are looked up only when a sink shows them.
    want: Wanted,
}

impl Tasks {
    /// `initial`: the processes attached to, traced from the start (with `follow`, `-f`,
    /// every thread of each; without, the thread of that id only).
    pub fn new(initial: &[u32], follow: bool, want: Wanted) -> Self {
        let mut tasks = Self {
            by_tid: HashMap::new(),
            want,
        };
        // Named now, while they surely exist: their first event may be their exit.
        // With -f every thread of an attached process is traced from the start, as
        // strace's `attached with 3 threads` has it: its lines are prefixed from the
        // first.
        for &pid in initial {
            tasks.seen(pid, Some(pid));
            if !follow {
                continue;
            }
            let threads = std::fs::read_dir(format!("/proc/{pid}/task"))
                .into_iter()
                .flatten();
            for tid in threads.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()) {
                if tid != pid {
                    tasks.seen(tid, Some(pid));
                }
            }
        }
        tasks
    }

    /// The process task `tid` belongs to, as far as the trace has seen.
    pub fn pid_of(&self, tid: u32) -> Option<u32> {
        self.by_tid.get(&tid).map(|t| t.pid).filter(|&pid| pid != 0)
    }

    /// Task `tid` of process `pid` made a call the trace does not show (one followed for
    /// the descriptor table): its process is known, for the children it starts.
    pub fn in_process(&mut self, tid: u32, pid: u32) {
        self.by_tid.entry(tid).or_default().pid = pid;
    }

    /// Before `event` goes to the sinks: the task it is about is known, with its name.
    pub fn before(&mut self, event: &Event) {
        match event {
            Event::Started { tid, parent, ns } => {
                // The parent may have had no line yet (`-e trace=none`): it is a task all
                // the same, traced from before.
                let parent = self.by_tid.entry(*parent).or_default().clone();
                // A thread shares its parent's process; a forked child corrects this with
                // its first line. It inherits the parent's name and cgroup.
                self.by_tid.entry(*tid).or_insert(Task {
                    pid: parent.pid,
                    since: *ns,
                    comm: parent.comm,
                    container: parent.container,
                    named_at_call: false,
                });
            }
            Event::Entered(call) => self.seen(call.tid, Some(call.pid)),
            Event::Completed(call) => {
                self.seen(call.tid, Some(call.pid));
                self.named_by(call);
                if let Some(comm) = call.comm_at_call() {
                    let task = self.by_tid.entry(call.tid).or_default();
                    task.comm = Some(Some(comm));
                    task.named_at_call = true;
                }
                if self.want.container && is_exec(call) {
                    // A runtime moves its process into the container's cgroup before the
                    // exec that starts the container's program.
                    let found = container::of_process(call.pid)
                        .or_else(|| self.want.only_container.clone());
                    self.by_tid.entry(call.tid).or_default().container = Some(found);
                }
            }
            Event::Signal { tid, pid, .. } => self.seen(*tid, Some(*pid)),
            Event::Exited { tid, pid, comm, .. } => {
                self.seen(*tid, Some(*pid));
                // The name it left with, which `/proc` no longer has.
                if let Some(comm) = comm {
                    let task = self.by_tid.entry(*tid).or_default();
                    task.comm = Some(Some(comm.clone()));
                    task.named_at_call = true;
                }
            }
            Event::IoUring(op) => self.seen(op.tid, Some(op.pid)),
            // Threads known only by the call they are blocked in (one blocked since
            // before a `-p` attach, under `--diagnose` alone): named in its report too.
            Event::InProgress { calls, .. } => {
                for call in calls {
                    self.seen(call.tid, Some(call.pid));
                }
            }
            Event::Lost(_) | Event::Totals { .. } | Event::Detached { .. } => {}
        }
    }

    /// After `event` went to the sinks: tasks that are gone.
    pub fn after(&mut self, event: &Event) {
        match event {
            Event::Completed(call) if is_exec(call) => {
                // The process's other threads are gone; the exec'ing one carries on alone.
                self.by_tid
                    .retain(|&tid, t| tid == call.tid || (t.pid != call.pid && tid != call.pid));
            }
            Event::Exited {
                tid,
                pid,
                status: ExitStatus::Superseded { by },
                ..
            } => {
                // The process's other threads are gone; the exec'ing one (`by`, whose
                // process may not be known yet) carries on as its leader, under the
                // leader's id.
                self.by_tid
                    .retain(|&t, task| t == *tid || (task.pid != *pid && t != *by));
            }
            Event::Exited { tid, .. } => {
                self.by_tid.remove(tid);
            }
            _ => {}
        }
    }

    fn seen(&mut self, tid: u32, pid: Option<u32>) {
        let task = self.by_tid.entry(tid).or_default();
        if let Some(pid) = pid {
            task.pid = pid;
        }
        if self.want.comm && task.comm.is_none() {
            task.comm = Some(
                std::fs::read_to_string(format!("/proc/{tid}/comm"))
                    .ok()
                    .map(|c| c.trim_end().to_owned()),
            );
        }
        if self.want.container && task.container.is_none() {
            let pid = task.pid;
            let known = (pid != tid && pid != 0)
                .then(|| self.by_tid.get(&pid).and_then(|t| t.container.clone()))
                .flatten();
            let found = known.unwrap_or_else(|| {
                container::of_process(if pid != 0 { pid } else { tid })
                    .or_else(|| self.want.only_container.clone())
            });
            self.by_tid.entry(tid).or_default().container = Some(found);
        }
    }

    /// A successful exec names the task after the program (what the kernel does, so
    /// short-lived tasks get theirs too); a fork's child inherits its parent's name.
    fn named_by(&mut self, call: &Syscall) {
        let (Some(ret), Some(sc)) = (call.success(), syscalls::by_nr(call.nr)) else {
            return;
        };
        match sc.effect {
            Effect::Exec if self.want.comm => {
                let path = sc.args.iter().position(|a| a.kind == ArgKind::Path);
                if let Some(c) = path.and_then(|i| call.capture(i)).filter(|c| !c.fault) {
                    let path = c.data.strip_suffix(b"\0").unwrap_or(&c.data);
                    let base = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
                    let comm = String::from_utf8_lossy(&base[..base.len().min(15)]).into_owned();
                    self.by_tid.entry(call.tid).or_default().comm = Some(Some(comm));
                }
            }
            // Only a traced child (`-f`) is known here, from its `Started` event.
            Effect::Fork => {
                let comm = self.by_tid.get(&call.tid).and_then(|t| t.comm.clone());
                if let Some(child) = self.by_tid.get_mut(&(ret as u32))
                    && child.comm.is_none()
                {
                    child.comm = comm;
                }
            }
            _ => {}
        }
    }
}

impl TaskView for Tasks {
    fn many_at(&self, ns: u64) -> bool {
        self.by_tid.values().filter(|t| t.since <= ns).count() > 1
    }

    fn comm(&self, tid: u32) -> Option<&str> {
        self.by_tid.get(&tid)?.comm.as_ref()?.as_deref()
    }

    fn comm_at_call(&self, tid: u32) -> Option<&str> {
        let task = self.by_tid.get(&tid).filter(|t| t.named_at_call)?;
        task.comm.as_ref()?.as_deref()
    }

    fn container(&self, tid: u32) -> Option<&Arc<Identity>> {
        self.by_tid.get(&tid)?.container.as_ref()?.as_ref()
    }
}

/// A successful exec.
pub fn is_exec(call: &Syscall) -> bool {
    call.ret == Some(0) && syscalls::by_nr(call.nr).is_some_and(|sc| sc.effect == Effect::Exec)
}
