//! The ptrace backend, for where eBPF is not available (no BPF, no privilege): the same
//! [`Event`]s from syscall stops, so the output is the same.
//!
//! Tasks are seized (`PTRACE_SEIZE`, so group-stops keep their meaning and no SIGSTOP is
//! injected) and resumed with `PTRACE_SYSCALL`; each stop is read with
//! `PTRACE_GET_SYSCALL_INFO` (registers on older kernels). A launched command with a
//! partial trace set and `-f` gets a seccomp filter, so only traced calls stop it.
//! Signals are raw numbers throughout (`wait`): every one of 1..=64 is shown and
//! delivered.
//!
//! One loop serves tracee stops, the stop signals and the blocked-call scan: SIGCHLD
//! arrives through the same signalfd as SIGINT/SIGTERM/SIGHUP, so the loop polls that
//! one descriptor with a timeout (the next blocked-call deadline) and drains
//! `waitpid(WNOHANG)` whenever it wakes. A blocking `waitpid` would be one syscall
//! cheaper per stop, but could neither see a stop signal nor time out.
//!
//! However the trace stops (a stop signal, a failed write, the tracer's own error), the
//! tasks are let go unharmed: detached where they can run on without a tracer, and
//! otherwise (a command under the seccomp filter, whose traced calls would fail with
//! ENOSYS without one) served silently until they exit (`serve`).

mod cputime;
mod memory;
mod regs;
mod serve;
mod wait;

use std::{
    collections::{BTreeSet, HashMap, HashSet},
    ffi::OsString,
    os::fd::{AsFd, OwnedFd},
    path::Path,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result};
use nix::{
    errno::Errno,
    poll::{PollFd, PollFlags, PollTimeout, poll},
    sys::{
        ptrace::{self, Event as PtraceEvent, Options as PtraceOptions},
        signal::Signal,
        signalfd::SignalFd,
    },
    unistd::Pid,
};

use super::seccomp::Filter;
pub use memory::{Phase, capture, capture_with};
use regs::{StopKind, SyscallStop};
pub use serve::Serving;
use wait::{Resume, Status};

use tracer_common::{
    MAX_SYSCALLS,
    nr::{EXECVE, EXECVEAT},
};

use super::{BLOCKED_AFTER, Outcome, Running, Stop, blocked};
use crate::{
    config::{Config, LaunchOptions, Target},
    event::{Event, ExitStatus, SignalInfo, Syscall, now_ns as monotonic_ns},
    inject::{self, Injections},
    launch::{self, CommandError},
    pipeline::Pipeline,
    syscalls::{self, plan::PlanOptions},
};

/// The longest the loop sleeps without a reason to wake.
const IDLE_TICK: Duration = Duration::from_millis(100);
/// How long detaching waits for the tasks to report the stop it asked for.
const DETACH_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, thiserror::Error)]
pub enum PtraceError {
    #[error("attach: ptrace(PTRACE_SEIZE, {pid}): {}", errno.desc())]
    Attach { pid: u32, errno: Errno },
    #[error("ptrace({op}, {pid}): {}", errno.desc())]
    Request {
        op: &'static str,
        pid: u32,
        errno: Errno,
    },
    #[error("waitpid: {}", .0.desc())]
    Wait(Errno),
}

/// What the backend needs from the configuration.
struct Options {
    follow_forks: bool,
    /// Bytes of buffers copied (`-s`, more when they are dumped).
    string_limit: usize,
    /// Strings of an exec's argv or environment copied (as the kernel programs).
    strv_strings: usize,
    /// Each syscall's plan options (`-v`'s environment strings).
    plans: Vec<PlanOptions>,
    /// The trace set: `None` traces every call.
    traced: Option<BTreeSet<u32>>,
    /// Whether numbers outside the table (32-bit tasks' calls...) are traced, as the
    /// kernel side decides (`KernelConfig::trace_unknown`).
    unknown: bool,
    /// Show calls in progress (`read(0, `).
    show_in_progress: bool,
    /// A seccomp filter may serve the trace: not when tasks are let go of while they
    /// run on (`-b execve`, `--syscall-limit`), whose filtered calls would then fail.
    seccomp_allowed: bool,
    /// `--kill-on-exit`: the traced processes die when the trace stops.
    kill_on_exit: bool,
    /// Measure each call's system CPU time (`-c` without `-w`).
    cpu_time: bool,
    /// Note the uid of the task a permission failure happened to (`--diagnose`).
    uid: bool,
    /// `-e inject=`, `-e fault=`.
    inject: Injections,
    /// `-Y`: the names of the processes a call's pid arguments name, read at its entry.
    pid_comm: bool,
    /// `-i`: a signal's line shows where it interrupted the task.
    instruction_pointer: bool,
    /// `-e kvm=vcpu`: a `KVM_RUN`'s exit reason, from its vcpu's mapping.
    kvm_vcpu: bool,
}

impl Options {
    fn new(cfg: &Config) -> Self {
        let trace = cfg.trace_set();
        Self {
            follow_forks: cfg.follow_forks,
            string_limit: cfg.capture_limit(),
            strv_strings: cfg.kernel.strv_strings as usize,
            plans: (0..MAX_SYSCALLS).map(|nr| cfg.plan_options(nr)).collect(),
            traced: (!trace.is_all())
                .then(|| (0..MAX_SYSCALLS).filter(|&nr| trace.contains(nr)).collect()),
            unknown: trace.traces_unknown(),
            show_in_progress: cfg.shows_in_progress(),
            // Attached processes (`-p` with a command) have no filter: every task stops
            // at every call, or none does.
            seccomp_allowed: !cfg.detach_on_execve
                && cfg.syscall_limit.is_none()
                && cfg.also_attach.is_empty(),
            kill_on_exit: cfg.kill_on_exit,
            cpu_time: cfg.kernel.count_cpu != 0,
            uid: cfg.diagnose,
            inject: Injections::new(&cfg.qualifiers.inject),
            pid_comm: cfg.out.pid_comm,
            instruction_pointer: cfg.out.instruction_pointer,
            kvm_vcpu: cfg.qualifiers.kvm_vcpu,
        }
    }

    fn plan(&self, nr: u32) -> PlanOptions {
        self.plans.get(nr as usize).copied().unwrap_or_default()
    }

    fn traces(&self, nr: u32) -> bool {
        match &self.traced {
            Some(_) if nr >= MAX_SYSCALLS => self.unknown,
            Some(set) => set.contains(&nr),
            None => true,
        }
    }
}

/// A call between its entry and exit stops.
struct InCall {
    call: Syscall,
    /// In the trace set (and past the launched command's exec): it will be shown.
    shown: bool,
    /// Already shown as in progress (`read(0, `).
    announced: bool,
    /// Entered through a seccomp stop.
    seccomp: bool,
    /// The thread's CPU time at the entry stop (`-c`).
    cpu_at_entry: Option<u64>,
    /// What `-e inject=` does to the call.
    tamper: Option<inject::Action>,
}

struct Task {
    /// Thread group id.
    pid: u32,
    call: Option<InCall>,
    /// The launched command before its exec: its calls are the tracer's set-up.
    pre_exec: bool,
    /// Not to be traced (a child while not following forks): let go at its first stop.
    detach: bool,
    /// Its calls counted toward `-e inject=`'s `when=`.
    inject_counts: inject::Counts,
    /// `-e inject=`'s delay: resumed (with this signal) only at this time.
    held: Option<(Instant, i32)>,
    /// `-e inject=`'s `poke_enter=` wrote into the current call's arguments.
    poked: bool,
}

impl Task {
    fn new(pid: u32, pre_exec: bool, detach: bool) -> Self {
        Self {
            pid,
            call: None,
            pre_exec,
            detach,
            inject_counts: inject::Counts::default(),
            held: None,
            poked: false,
        }
    }
}

struct Tracer<'p, 'a> {
    opts: Options,
    pipeline: &'p mut Pipeline<'a>,
    tasks: HashMap<u32, Task>,
    launched: Option<Pid>,
    launched_status: Option<ExitStatus>,
    /// The launched command's exec-failure pipe, until its exec succeeds.
    exec_error: Option<OwnedFd>,
    /// The launched command as the user named it, for error messages.
    program: OsString,
    /// Whether the launched command was given a seccomp filter (it may then never run
    /// without a tracer), and whether it is known to run under it.
    seccomp_requested: bool,
    seccomp: bool,
    ptrace_options: PtraceOptions,
    /// Threads that were inside a call when they were seized (`-p`). The interrupt
    /// that stops them makes the kernel restart the call, and the restarted call's
    /// entry is the first stop they make: it is shown in progress at once, as strace
    /// shows the call it finds a thread stopped in.
    blocked_at_attach: HashSet<u32>,
}

/// `-e inject=`'s `poke_*=`: each payload written where its argument points; whether
/// all were (else strace's warning, and the call is not marked as poked).
pub(crate) fn poke(tid: u32, args: &[u64; 6], pokes: &[inject::Poke]) -> bool {
    let pid = Pid::from_raw(tid as i32);
    let poked = pokes
        .iter()
        .all(|p| p.arg <= args.len() && memory::write(pid, args[p.arg - 1], &p.data));
    if !poked {
        eprintln!("tracer: Failed to tamper with process {tid}: couldn't poke");
    }
    poked
}

fn request(op: &'static str, pid: Pid) -> impl FnOnce(Errno) -> PtraceError {
    move |errno| PtraceError::Request {
        op,
        pid: pid.as_raw() as u32,
        errno,
    }
}

fn exit_status(status: Status) -> Option<(u32, ExitStatus)> {
    match status {
        Status::Exited { tid, code } => Some((tid, ExitStatus::Exited(code))),
        Status::Killed {
            tid,
            signal,
            core_dumped,
        } => Some((
            tid,
            ExitStatus::Killed {
                signal,
                core_dumped,
            },
        )),
        _ => None,
    }
}

fn is_new_task_event(event: i32) -> bool {
    [
        PtraceEvent::PTRACE_EVENT_CLONE,
        PtraceEvent::PTRACE_EVENT_FORK,
        PtraceEvent::PTRACE_EVENT_VFORK,
    ]
    .iter()
    .any(|&e| e as i32 == event)
}

/// The thread group of a task, from /proc (a fresh clone's parent may not have told us).
fn tgid_of(tid: u32) -> Option<u32> {
    status_field(tid, "Tgid:")
}

/// A number of `/proc/TID/status` (`Tgid:`, `PPid:`).
pub(super) fn status_field(tid: u32, field: &str) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .trim()
        .parse()
        .ok()
}

/// Seccomp filters attached to a task (`Seccomp_filters:` in /proc, Linux 5.9+; falls
/// back to the mode, 2 meaning "filtered").
fn seccomp_filters(pid: &str) -> u32 {
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return 0;
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u32>().ok())
    };
    field("Seccomp_filters:")
        .or_else(|| field("Seccomp:").map(|mode| u32::from(mode == 2)))
        .unwrap_or(0)
}

/// A task's real uid, from `/proc/TID/status` (the task is stopped: it is current).
fn real_uid(tid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The first bytes of a task's pending `siginfo_t`, as the kernel side copies them.
fn siginfo(tid: u32) -> Option<SignalInfo> {
    let info = ptrace::getsiginfo(Pid::from_raw(tid as i32)).ok()?;
    let mut bytes = [0u8; tracer_common::SIGINFO_BYTES];
    // SAFETY: siginfo_t is plain data of 128 bytes; the first SIGINFO_BYTES are copied.
    unsafe {
        std::ptr::copy_nonoverlapping(
            (&info as *const libc::siginfo_t).cast::<u8>(),
            bytes.as_mut_ptr(),
            bytes.len(),
        );
    }
    Some(SignalInfo::Siginfo(bytes))
}

impl<'p, 'a> Tracer<'p, 'a> {
    fn new(opts: Options, pipeline: &'p mut Pipeline<'a>) -> Self {
        let mut ptrace_options =
            PtraceOptions::PTRACE_O_TRACESYSGOOD | PtraceOptions::PTRACE_O_TRACEEXEC;
        // Without -f, as strace, only the task started or attached to is traced: not
        // its threads either.
        if opts.follow_forks {
            ptrace_options |= PtraceOptions::PTRACE_O_TRACECLONE
                | PtraceOptions::PTRACE_O_TRACEFORK
                | PtraceOptions::PTRACE_O_TRACEVFORK;
        }
        if opts.kill_on_exit {
            ptrace_options |= PtraceOptions::PTRACE_O_EXITKILL;
        }
        Self {
            opts,
            pipeline,
            tasks: HashMap::new(),
            launched: None,
            launched_status: None,
            exec_error: None,
            program: OsString::new(),
            seccomp_requested: false,
            seccomp: false,
            ptrace_options,
            blocked_at_attach: HashSet::new(),
        }
    }

    fn emit(&mut self, event: Event) -> Result<()> {
        if let Event::Signal { tid, ns, .. } | Event::Exited { tid, ns, .. } = event {
            self.announce_before(tid, ns)?;
        }
        self.pipeline.event(event).context("writing the trace")
    }

    /// strace prints a call's entry as it is made: the calls other tasks made before
    /// `at`, when `tid`'s next line is printed, and are still in, are shown in progress
    /// first, to be resumed after that line.
    fn announce_before(&mut self, tid: u32, at: u64) -> Result<()> {
        if !self.opts.show_in_progress || self.tasks.is_empty() {
            return Ok(());
        }
        let mut due = Vec::new();
        for (&other, task) in self.tasks.iter_mut().filter(|(_, t)| !t.pre_exec) {
            if let Some(c) = task.call.as_mut().filter(|c| c.shown && !c.announced)
                && other != tid
                && c.call.enter_ns < at
            {
                c.announced = true;
                due.push(c.call.clone());
            }
        }
        due.sort_by_key(|c| c.enter_ns);
        for call in due {
            self.pipeline
                .event(Event::Entered(call))
                .context("writing the trace")?;
        }
        Ok(())
    }

    /// Starts `argv` under the trace; only its exec and what follows are shown.
    fn launch(
        &mut self,
        path: &Path,
        argv: &[OsString],
        opts: &LaunchOptions,
        daemonized: Option<launch::Gated>,
    ) -> Result<()> {
        // Without a trace set every call stops anyway: a filter would only add cost.
        // Without -f neither: children are not traced but would inherit the filter, and
        // a filter's "stop for the tracer" without a tracer fails the call (ENOSYS).
        // strace's --seccomp-bpf has the same condition. `-D`'s command was forked
        // before the filter existed: it goes without.
        let traced = self
            .opts
            .traced
            .as_ref()
            .filter(|_| self.opts.follow_forks && self.opts.seccomp_allowed)
            .filter(|_| daemonized.is_none());
        let filter = traced.map(|set| {
            let mut set = set.clone();
            // The exec must stop, to know when the command proper starts.
            set.extend([EXECVE, EXECVEAT]);
            Filter::new(&set)
        });
        let gated = match daemonized {
            Some(gated) => gated,
            None => launch::spawn_gated_with(path, argv, opts, &|| {
                if let Some(filter) = &filter {
                    // On failure the command runs unfiltered: every call stops, which
                    // the tracer notices (no filter in /proc) and handles.
                    let _ = filter.install();
                }
            })?,
        };
        let pid = gated.pid;
        let mut options = self.ptrace_options;
        if filter.is_some() {
            // A command under the filter cannot run without a tracer (its traced calls
            // would fail): the tracer serves it to its end whatever stops the trace
            // (`serve`), and if the tracer itself is killed, so is the command, rather
            // than run on with failing calls. Without a filter nothing ties the command
            // to the tracer: a killed tracer leaves it running, untraced.
            options |= PtraceOptions::PTRACE_O_TRACESECCOMP | PtraceOptions::PTRACE_O_EXITKILL;
        }
        if let Err(errno) = ptrace::seize(pid, options) {
            gated.abort();
            return Err(PtraceError::Attach {
                pid: pid.as_raw() as u32,
                errno,
            }
            .into());
        }
        // The child waits on the gate; stop it once so it can be resumed with syscall
        // stops enabled before it goes on.
        let prepared = ptrace::interrupt(pid)
            .map_err(request("PTRACE_INTERRUPT", pid))
            .and_then(|()| {
                nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::__WALL))
                    .map_err(PtraceError::Wait)?;
                ptrace::syscall(pid, None).map_err(request("PTRACE_SYSCALL", pid))
            });
        if let Err(e) = prepared {
            gated.abort();
            return Err(e.into());
        }
        self.seccomp_requested = filter.is_some();
        self.tasks.insert(
            pid.as_raw() as u32,
            Task::new(pid.as_raw() as u32, true, false),
        );
        let (pid, exec_error) = gated.release_nowait()?;
        self.launched = Some(pid);
        self.exec_error = Some(exec_error);
        self.program = argv[0].clone();
        Ok(())
    }

    /// Seizes every thread of a running process (with `-f`; without, only the thread
    /// `tgid` names, as strace). Threads started meanwhile are caught by TRACECLONE once
    /// their creator is seized, or by the next pass over /proc.
    fn attach(&mut self, tgid: u32) -> Result<()> {
        let mut tried = HashSet::new();
        let mut seized = 0;
        loop {
            let dir = format!("/proc/{tgid}/task");
            let Ok(entries) = std::fs::read_dir(&dir) else {
                // Gone meanwhile: its exit report follows for what was seized.
                if seized > 0 {
                    return Ok(());
                }
                return Err(PtraceError::Attach {
                    pid: tgid,
                    errno: Errno::ESRCH,
                }
                .into());
            };
            let tids: Vec<u32> = entries
                .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .filter(|&tid| self.opts.follow_forks || tid == tgid)
                .filter(|tid| tried.insert(*tid))
                .collect();
            if tids.is_empty() {
                return Ok(());
            }
            for tid in tids {
                let pid = Pid::from_raw(tid as i32);
                let in_call = blocked::read(tgid, tid).is_some();
                match ptrace::seize(pid, self.ptrace_options) {
                    Ok(()) => {
                        seized += 1;
                        if in_call {
                            self.blocked_at_attach.insert(tid);
                        }
                        // Stop it once, to resume it with syscall stops.
                        let _ = ptrace::interrupt(pid);
                        self.tasks
                            .entry(tid)
                            .or_insert(Task::new(tgid, false, false));
                    }
                    // Gone, or already ours through TRACECLONE.
                    Err(Errno::ESRCH | Errno::EPERM) if tid != tgid => {}
                    // Gone since it was checked: said as the check says it.
                    Err(Errno::ESRCH) if seized == 0 => {
                        return Err(crate::attach::Refused::Gone(tgid).into());
                    }
                    Err(errno) => return Err(PtraceError::Attach { pid: tid, errno }.into()),
                }
            }
        }
    }

    /// Resumes a task: with syscall stops while it is inside a traced call or has no
    /// filter, else until the filter's next seccomp stop.
    fn resume(&mut self, tid: u32, mut signal: i32) {
        // `-e inject=`: held back until its delay is over, then resumed with its signal.
        if let Some(task) = self.tasks.get_mut(&tid)
            && let Some((at, held_signal)) = task.held
        {
            if at > Instant::now() {
                return;
            }
            task.held = None;
            if signal == 0 {
                signal = held_signal;
            }
        }
        let step = self
            .tasks
            .get(&tid)
            .is_none_or(|t| t.call.is_some() || t.pre_exec || !self.seccomp);
        let how = if step { Resume::Syscall } else { Resume::Cont };
        // ESRCH: killed meanwhile (SIGKILL needs no stop); its exit report follows.
        let _ = wait::resume(how, tid, signal);
    }

    /// A task the tracer has not heard of (a new clone whose parent's event is not in
    /// yet): traced only when following forks.
    fn adopt(&mut self, tid: u32) -> &mut Task {
        if !self.tasks.contains_key(&tid) {
            let pid = tgid_of(tid).unwrap_or(tid);
            self.tasks
                .insert(tid, Task::new(pid, false, !self.opts.follow_forks));
        }
        self.tasks.get_mut(&tid).expect("inserted above")
    }

    fn handle(&mut self, status: Status) -> Result<()> {
        if let Some((tid, exit)) = exit_status(status) {
            return self.task_exited(tid, exit);
        }
        let (tid, signal) = match status {
            Status::Signal { tid, signal } => (tid, signal),
            Status::Syscall { tid } | Status::Event { tid, .. } => (tid, 0),
            Status::Exited { .. } | Status::Killed { .. } => return Ok(()),
        };
        let known = self.tasks.contains_key(&tid);
        if self.adopt(tid).detach {
            let _ = wait::resume(Resume::Detach, tid, signal);
            self.tasks.remove(&tid);
            return Ok(());
        }
        // A new task's first stop came before its parent's event: it is announced now,
        // with its parent from /proc (a thread's process, a child's parent), so the
        // middle stage starts it from its parent's state (descriptors, cwd).
        if !known {
            let pid = self.tasks[&tid].pid;
            let parent = if pid != tid {
                Some(pid)
            } else {
                status_field(tid, "PPid:")
            };
            if let Some(parent) = parent {
                self.emit(Event::Started {
                    tid,
                    parent,
                    ns: monotonic_ns(),
                })?;
            }
        }
        match status {
            Status::Syscall { .. } => self.syscall_stop(tid, StopKind::Syscall)?,
            Status::Event { event, signal, .. } => match event {
                e if e == PtraceEvent::PTRACE_EVENT_SECCOMP as i32 => {
                    self.syscall_stop(tid, StopKind::Seccomp)?;
                }
                e if e == PtraceEvent::PTRACE_EVENT_EXEC as i32 => self.exec(tid)?,
                e if is_new_task_event(e) => {
                    if let Ok(child) = ptrace::getevent(Pid::from_raw(tid as i32)) {
                        let child = child as u32;
                        // Unless announced at its own first stop.
                        let known = self.tasks.contains_key(&child);
                        if !self.adopt(child).detach && !known {
                            self.emit(Event::Started {
                                tid: child,
                                parent: tid,
                                ns: monotonic_ns(),
                            })?;
                        }
                    }
                }
                e if e == PtraceEvent::PTRACE_EVENT_STOP as i32 && wait::is_group_stop(signal) => {
                    // A group-stop (kill -STOP): show it, and stay stopped until
                    // SIGCONT, as the process would untraced.
                    let task = &self.tasks[&tid];
                    if !task.pre_exec {
                        let event = Event::Signal {
                            tid,
                            pid: task.pid,
                            signal,
                            info: SignalInfo::GroupStop,
                            ns: monotonic_ns(),
                            ip: None,
                        };
                        self.emit(event)?;
                    }
                    let _ = wait::listen(tid);
                    return Ok(());
                }
                // PTRACE_EVENT_STOP from PTRACE_INTERRUPT or a new task's first stop.
                _ => {}
            },
            Status::Signal { signal, .. } => {
                // A signal-delivery-stop: show the signal and deliver it.
                let task = &self.tasks[&tid];
                if !task.pre_exec
                    && let Some(info) = siginfo(tid)
                {
                    let event = Event::Signal {
                        tid,
                        pid: task.pid,
                        signal,
                        info,
                        ns: monotonic_ns(),
                        // `-i`: where the signal interrupted the task, not its last call.
                        ip: self
                            .opts
                            .instruction_pointer
                            .then(|| regs::ip(Pid::from_raw(tid as i32)))
                            .flatten(),
                    };
                    self.emit(event)?;
                }
                self.resume(tid, signal);
                return Ok(());
            }
            Status::Exited { .. } | Status::Killed { .. } => {}
        }
        self.resume(tid, 0);
        Ok(())
    }

    fn syscall_stop(&mut self, tid: u32, kind: StopKind) -> Result<()> {
        let now = monotonic_ns();
        let pid = Pid::from_raw(tid as i32);
        let in_call = self.tasks[&tid].call.is_some();
        let stop = match regs::read(pid, kind, in_call) {
            Ok(stop) => stop,
            Err(Errno::ESRCH) => return Ok(()),
            Err(errno) => return Err(request("PTRACE_GET_SYSCALL_INFO", pid)(errno).into()),
        };
        match stop {
            SyscallStop::Entry { nr, args, sp, ip } => {
                let args = syscalls::entry_args(nr, args, sp);
                self.entered(tid, nr, args, ip, false, now);
                if self.blocked_at_attach.remove(&tid) {
                    self.announce(tid)?;
                }
                self.exit_at_entry(tid)
            }
            SyscallStop::Seccomp { nr, args, sp, ip } => {
                let task = &self.tasks[&tid];
                // Resumed with PTRACE_SYSCALL, a filtered call stops twice on its way
                // in: at the entry stop, then at the seccomp stop.
                let seen = task
                    .call
                    .as_ref()
                    .is_some_and(|c| c.call.nr == nr && !c.seccomp);
                if !seen {
                    self.entered(tid, nr, syscalls::entry_args(nr, args, sp), ip, true, now);
                }
                self.exit_at_entry(tid)
            }
            SyscallStop::Exit { ret } => self.exited_call(tid, ret, now),
        }
    }

    /// `exit`, `exit_group`: shown whole at their entry (`exit(42) = ?`), as strace shows
    /// them: they never return, and a leader that leaves before its threads is reported
    /// gone only with the last of them. (One tampered with may return: shown at its exit.)
    fn exit_at_entry(&mut self, tid: u32) -> Result<()> {
        let Some(task) = self.tasks.get_mut(&tid).filter(|t| !t.pre_exec) else {
            return Ok(());
        };
        let Some(c) = (task.call.as_mut())
            .filter(|c| c.shown && c.tamper.is_none() && tracer_common::is_exit(c.call.nr))
        else {
            return Ok(());
        };
        c.shown = false;
        let call = c.call.clone();
        self.announce_before(tid, call.enter_ns)?;
        self.emit(Event::Completed(call))
    }

    fn entered(&mut self, tid: u32, nr: u32, args: [u64; 6], ip: u64, seccomp: bool, now: u64) {
        let task = &self.tasks[&tid];
        let shown = self.opts.traces(nr) && (!task.pre_exec || nr == EXECVE || nr == EXECVEAT);
        // As strace: only traced calls are tampered with.
        let tamper = shown
            .then(|| self.tamper_at_entry(tid, nr, &args))
            .flatten();
        let task = &self.tasks[&tid];
        let mut call = Syscall {
            tid,
            pid: task.pid,
            nr,
            args,
            enter_ns: now,
            ip: Some(ip),
            ..Default::default()
        };
        if shown && self.opts.pid_comm {
            // As strace prints them, at the entry: a child `waitid` reaps has a name
            // until then.
            crate::decode::note_entry_comms(&call);
        }
        if shown {
            call.captures = capture_with(
                Pid::from_raw(tid as i32),
                &call,
                &syscalls::plan_for(nr, self.opts.plan(nr)),
                (self.opts.string_limit, self.opts.strv_strings),
                Phase::Enter,
            );
        }
        let cpu_at_entry = (shown && self.opts.cpu_time)
            .then(|| cputime::on_cpu_ns(tid))
            .flatten();
        self.tasks.get_mut(&tid).expect("known task").call = Some(InCall {
            call,
            shown,
            announced: false,
            seccomp,
            cpu_at_entry,
            tamper,
        });
    }

    /// `-e inject=` at a call's entry: the call replaced (by an invalid number, or
    /// `syscall=`'s) when its result is to be faked, the task held back for
    /// `delay_enter=` and resumed with `signal=`'s signal. Not the launched command's
    /// calls before its exec: those are the tracer's own set-up.
    fn tamper_at_entry(&mut self, tid: u32, nr: u32, args: &[u64; 6]) -> Option<inject::Action> {
        let task = self.tasks.get_mut(&tid)?;
        task.poked = false;
        if task.pre_exec {
            return None;
        }
        let action = self.opts.inject.at_entry(&mut task.inject_counts, nr)?;
        if let Some(pokes) = &action.poke_enter {
            task.poked = poke(tid, args, pokes);
        }
        if action.result.is_some() {
            let substitute = action.substitute.map_or(-1, i64::from);
            // ESRCH: killed meanwhile; nothing is left to tamper with.
            let _ = regs::set_nr(Pid::from_raw(tid as i32), substitute);
        }
        if action.signal.is_some() || action.delay_enter.is_some() {
            let at = Instant::now() + action.delay_enter.unwrap_or_default();
            task.held = Some((at, action.signal.unwrap_or(0)));
        }
        Some(action)
    }

    /// `-e inject=` at a call's exit: the faked result in the task's register and the
    /// call's, and the task held back for `delay_exit=`.
    fn tamper_at_exit(
        &mut self,
        tid: u32,
        call: &mut Syscall,
        action: inject::Action,
        ret: &mut i64,
    ) {
        let poked_at_entry = self
            .tasks
            .get_mut(&tid)
            .is_some_and(|t| std::mem::take(&mut t.poked));
        let poked_at_exit = action
            .poke_exit
            .as_ref()
            .is_some_and(|p| poke(tid, &call.args, p));
        call.tampered.poked = poked_at_entry || poked_at_exit;
        if let Some(fake) = action.result {
            *ret = fake.register();
            let _ = regs::set_return(Pid::from_raw(tid as i32), *ret);
            call.tampered.injected = true;
            call.tampered.value = matches!(fake, inject::Fake::Value(_));
        }
        if let Some(delay) = action.delay_exit
            && let Some(task) = self.tasks.get_mut(&tid)
        {
            task.held = Some((Instant::now() + delay, 0));
        }
        call.tampered.delayed = action.delay_enter.is_some() || action.delay_exit.is_some();
    }

    /// Resumes the tasks whose `-e inject=` delay is over; returns how long until the
    /// next one is due.
    fn resume_held(&mut self) -> Duration {
        let now = Instant::now();
        let mut next = IDLE_TICK;
        let mut due = Vec::new();
        for (&tid, task) in &self.tasks {
            match task.held {
                Some((at, _)) if at <= now => due.push(tid),
                Some((at, _)) => next = next.min(at - now),
                None => {}
            }
        }
        for tid in due {
            self.resume(tid, 0);
        }
        next
    }

    fn exited_call(&mut self, tid: u32, mut ret: i64, now: u64) -> Result<()> {
        let task = self.tasks.get_mut(&tid).expect("known task");
        // An exit with no entry seen: the call was in progress when we attached.
        let Some(InCall {
            mut call,
            shown,
            announced,
            cpu_at_entry,
            tamper,
            ..
        }) = task.call.take()
        else {
            return Ok(());
        };
        if let Some(action) = tamper {
            self.tamper_at_exit(tid, &mut call, action, &mut ret);
        }
        let task = &self.tasks[&tid];
        // A failed exec of the launched command is the tracer's business, not output.
        if !shown || task.pre_exec {
            return Ok(());
        }
        let mut exit_captures = capture_with(
            Pid::from_raw(tid as i32),
            &call,
            &syscalls::plan_for(call.nr, self.opts.plan(call.nr)),
            (self.opts.string_limit, self.opts.strv_strings),
            Phase::Exit(ret),
        );
        call.captures.append(&mut exit_captures);
        if self.opts.kvm_vcpu
            && ret == 0
            && call.nr == tracer_common::nr::IOCTL
            && call.args[1] as u32 == tracer_common::KVM_RUN
            && let Some(exit) = memory::kvm_exit_reason(tid, call.args[0] as i32)
        {
            call.captures.push(exit);
        }
        call.exit_ns = Some(now);
        call.ret = Some(ret);
        // EPERM, EACCES: the kernel's uid is in its record too.
        if self.opts.uid && (ret == -1 || ret == -13) {
            call.uid = real_uid(tid);
        }
        if self.opts.cpu_time {
            // Without the thread's clock, the call's wall-clock time stands in.
            call.cpu_ns = cpu_at_entry
                .zip(cputime::on_cpu_ns(tid))
                .map(|(entry, exit)| exit.saturating_sub(entry))
                .or(call.duration_ns());
        }
        // Printed at its entry, or (shown in progress) now.
        self.announce_before(tid, if announced { now } else { call.enter_ns })?;
        self.emit(Event::Completed(call))
    }

    /// After a successful exec. In a multi-threaded process the exec'ing thread has
    /// taken over the leader's tid and every other thread is gone.
    fn exec(&mut self, tid: u32) -> Result<()> {
        let former = ptrace::getevent(Pid::from_raw(tid as i32)).map_or(tid, |t| t as u32);
        if former != tid {
            if let Some(leader) = self.tasks.remove(&tid) {
                if let Some(InCall {
                    call, shown: true, ..
                }) = leader.call
                {
                    // The leader never returns from the call it was in.
                    self.announce_before(tid, u64::MAX)?;
                    self.emit(Event::Completed(call))?;
                }
                self.emit(Event::Exited {
                    tid,
                    pid: tid,
                    status: ExitStatus::Superseded { by: former },
                    group: false,
                    ns: monotonic_ns(),
                    comm: None,
                })?;
            }
            if let Some(mut task) = self.tasks.remove(&former) {
                if let Some(c) = task.call.as_mut() {
                    c.call.tid = tid;
                }
                self.tasks.insert(tid, task);
            }
        }
        let task = self.adopt(tid);
        let was_pre_exec = std::mem::replace(&mut task.pre_exec, false);
        if was_pre_exec && Some(Pid::from_raw(tid as i32)) == self.launched {
            self.exec_error = None;
            // Compare with our own count: the tracer may run under a filter itself.
            self.seccomp = self.seccomp_requested
                && seccomp_filters(&tid.to_string()) > seccomp_filters("self");
        }
        Ok(())
    }

    fn task_exited(&mut self, tid: u32, status: ExitStatus) -> Result<()> {
        if Some(Pid::from_raw(tid as i32)) == self.launched {
            self.launched_status = Some(status);
        }
        let Some(task) = self.tasks.remove(&tid) else {
            return Ok(());
        };
        if task.pre_exec {
            return Ok(());
        }
        if let Some(InCall {
            mut call,
            shown: true,
            ..
        }) = task.call
        {
            // Left inside the call (exit_group, or killed while blocked): `= ?`.
            call.ret = None;
            call.exit_ns = None;
            self.announce_before(tid, u64::MAX)?;
            self.emit(Event::Completed(call))?;
        }
        let group = !self.tasks.values().any(|t| t.pid == task.pid);
        self.emit(Event::Exited {
            tid,
            pid: task.pid,
            status,
            group,
            ns: monotonic_ns(),
            comm: None,
        })
    }

    /// Handles every stop reported so far.
    fn drain(&mut self) -> Result<()> {
        loop {
            match wait::wait_any(false) {
                Ok(Some(status)) => {
                    if let Err(e) = self.handle(status) {
                        // The stop was taken but the task not resumed: it must not be
                        // left stopped when the trace ends.
                        self.resume_after_failure(status);
                        return Err(e);
                    }
                }
                Ok(None) => return Ok(()),
                // No tracee is left at all: a task still in the table left without a
                // report the tracer saw (it must not wait for it forever).
                Err(Errno::ECHILD) => {
                    self.tasks.clear();
                    return Ok(());
                }
                Err(Errno::EINTR) => {}
                Err(e) => return Err(PtraceError::Wait(e).into()),
            }
        }
    }

    /// Resumes a task whose stop `handle` failed on, as `handle` would have.
    fn resume_after_failure(&mut self, status: Status) {
        match status {
            Status::Signal { tid, signal } => self.resume(tid, signal),
            Status::Event { tid, event, signal }
                if event == PtraceEvent::PTRACE_EVENT_STOP as i32
                    && wait::is_group_stop(signal) =>
            {
                let _ = wait::listen(tid);
            }
            Status::Syscall { tid } | Status::Event { tid, .. } => self.resume(tid, 0),
            Status::Exited { .. } | Status::Killed { .. } => {}
        }
    }

    /// Shows `tid`'s call in progress now (a call it was blocked in at attach).
    fn announce(&mut self, tid: u32) -> Result<()> {
        if !self.opts.show_in_progress {
            return Ok(());
        }
        let Some(task) = self.tasks.get_mut(&tid) else {
            return Ok(());
        };
        if task.pre_exec {
            return Ok(());
        }
        let Some(c) = task.call.as_mut().filter(|c| c.shown && !c.announced) else {
            return Ok(());
        };
        c.announced = true;
        let call = c.call.clone();
        self.emit(Event::Entered(call))
    }

    /// Shows calls that have been in progress for a while, as the eBPF backend does.
    /// Returns how long until the next one would be due.
    fn announce_blocked(&mut self) -> Result<Duration> {
        let now = monotonic_ns();
        let threshold = BLOCKED_AFTER.as_nanos() as u64;
        let mut next = IDLE_TICK.as_nanos() as u64;
        let mut due = Vec::new();
        for task in self.tasks.values_mut() {
            if let Some(c) = task.call.as_mut().filter(|c| c.shown && !c.announced) {
                let age = now.saturating_sub(c.call.enter_ns);
                if age >= threshold && !task.pre_exec {
                    c.announced = true;
                    due.push(c.call.clone());
                } else {
                    next = next.min(threshold - age.min(threshold));
                }
            }
        }
        due.sort_by_key(|c| c.enter_ns);
        for call in due {
            self.emit(Event::Entered(call))?;
        }
        Ok(Duration::from_nanos(next.max(1_000_000)))
    }

    /// The calls in progress now, oldest first (for `--diagnose`'s threads blocked now).
    fn report_in_progress(&mut self) -> Result<()> {
        let mut calls: Vec<Syscall> = self
            .tasks
            .values()
            .filter(|t| !t.pre_exec)
            .filter_map(|t| t.call.as_ref().filter(|c| c.shown))
            .map(|c| c.call.clone())
            .collect();
        calls.sort_by_key(|c| c.enter_ns);
        self.emit(Event::InProgress {
            calls,
            now_ns: monotonic_ns(),
        })
    }

    fn done(&self) -> bool {
        self.tasks.is_empty() && (self.launched.is_none() || self.launched_status.is_some())
    }

    /// Traces until every task is gone (`Ok(None)`), a stop signal arrives or
    /// `--syscall-limit` is reached (`Ok(Some(stop))`), or something fails.
    fn trace(&mut self, signals: &SignalFd, cfg: &Config) -> Result<Option<Stop>> {
        let mut timeout = IDLE_TICK;
        loop {
            // Signals are read before the stops are drained: a SIGCHLD that arrives
            // later stays pending and ends the next poll at once.
            if let Some(sig) = super::stop_signal(signals, cfg) {
                return Ok(Some(Stop::Signal(sig)));
            }
            if self.pipeline.limit_reached() {
                return Ok(Some(Stop::SyscallLimit));
            }
            self.drain()?;
            // The limit may be reached in the drain that also saw the command end: it is
            // still why the trace stopped.
            if self.pipeline.limit_reached() {
                return Ok(Some(Stop::SyscallLimit));
            }
            // `-b execve`: processes the pipeline let go of.
            let detached = self.pipeline.take_detached();
            if !detached.is_empty() {
                self.detach_processes(&detached);
            }
            if self.opts.show_in_progress {
                timeout = timeout.min(self.announce_blocked()?);
            }
            if !self.opts.inject.is_empty() {
                timeout = timeout.min(self.resume_held());
            }
            self.pipeline.flush().context("writing the trace")?;
            if self.done() {
                return Ok(None);
            }
            let mut fds = [PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
            let ms = PollTimeout::try_from(timeout).unwrap_or(PollTimeout::MAX);
            match poll(&mut fds, ms) {
                Ok(_) | Err(Errno::EINTR) => {}
                Err(e) => return Err(e).context("poll"),
            }
            timeout = IDLE_TICK;
        }
    }

    /// Ends the trace of tasks that are still running, leaving each as it would be
    /// untraced. A command under the seccomp filter cannot be let go (its traced calls
    /// would fail with ENOSYS): it is handed over to be served silently to its end.
    /// Returns the launched command if it is still running (or, under the filter, what
    /// is left of its tree).
    fn leave(&mut self) -> Option<Running> {
        // Tasks under the filter are served to their end even when the command itself
        // has ended (its children, or threads whose exits are still to come).
        if self.seccomp_requested
            && !self.tasks.is_empty()
            && let Some(launched) = self.launched
        {
            return Some(Running::Filtered(Serving::new(
                launched,
                self.launched_status,
            )));
        }
        self.detach_all();
        // The exit status may have come in while detaching.
        self.launched
            .filter(|_| self.launched_status.is_none())
            .map(Running::Detached)
    }

    /// `--kill-on-exit`: every traced task dies with the trace.
    fn kill_all(&mut self) {
        for &tid in self.tasks.keys() {
            let _ = nix::sys::signal::kill(Pid::from_raw(tid as i32), Signal::SIGKILL);
        }
    }

    /// Lets every task go, each exactly as it was: a task is detached at the stop the
    /// interrupt causes, or at an earlier one, with any signal it was about to receive.
    /// What it reports meanwhile is still shown, as far as the trace can still be
    /// written.
    fn detach_all(&mut self) {
        let mut pending: HashSet<u32> = self.tasks.keys().copied().collect();
        for &tid in &pending {
            let _ = ptrace::interrupt(Pid::from_raw(tid as i32));
        }
        let deadline = Instant::now() + DETACH_TIMEOUT;
        while !pending.is_empty() && Instant::now() < deadline {
            let status = match wait::wait_any(false) {
                Ok(Some(status)) => status,
                Ok(None) => {
                    std::thread::sleep(Duration::from_millis(1));
                    continue;
                }
                Err(Errno::EINTR) => continue,
                Err(_) => break,
            };
            if let Some((tid, exit)) = exit_status(status) {
                pending.remove(&tid);
                let _ = self.task_exited(tid, exit);
                continue;
            }
            let (tid, signal) = match status {
                Status::Signal { tid, signal } => (tid, signal),
                Status::Event { tid, event, .. } => {
                    if is_new_task_event(event)
                        && let Ok(child) = ptrace::getevent(Pid::from_raw(tid as i32))
                    {
                        // The new task is ours too until it is let go.
                        pending.insert(child as u32);
                    }
                    (tid, 0)
                }
                Status::Syscall { tid } => (tid, 0),
                Status::Exited { .. } | Status::Killed { .. } => continue,
            };
            let _ = wait::resume(Resume::Detach, tid, signal);
            pending.remove(&tid);
            self.tasks.remove(&tid);
        }
        if !pending.is_empty() {
            log::debug!("{} tasks did not stop to be detached", pending.len());
        }
    }

    /// Lets go of every task of these processes (`-b execve`), as they are.
    fn detach_processes(&mut self, pids: &[u32]) {
        let tids: Vec<u32> = self
            .tasks
            .iter()
            .filter(|(_, t)| pids.contains(&t.pid))
            .map(|(&tid, _)| tid)
            .collect();
        for tid in tids {
            // Each is in a stop (the exec's exit stop) or gets one to be let go at.
            let pid = Pid::from_raw(tid as i32);
            if ptrace::detach(pid, None).is_err() {
                let _ = ptrace::interrupt(pid);
                let _ = nix::sys::wait::waitpid(pid, Some(nix::sys::wait::WaitPidFlag::__WALL));
                let _ = ptrace::detach(pid, None);
            }
            self.tasks.remove(&tid);
        }
    }

    /// Why the launched command died before its exec succeeded, if it did.
    fn exec_failure(&mut self) -> Option<CommandError> {
        let fd = self.exec_error.take()?;
        let mut buf = [0u8; 4];
        match nix::unistd::read(fd.as_fd(), &mut buf) {
            Ok(4) => Some(CommandError {
                program: std::mem::take(&mut self.program)
                    .to_string_lossy()
                    .into_owned(),
                errno: Errno::from_raw(i32::from_ne_bytes(buf)),
            }),
            _ => None,
        }
    }
}

/// Starts or attaches, then traces until every task is gone, a stop signal arrives or
/// the trace cannot go on. `program` is the launched command's resolved path. An error
/// is returned only when nothing could be traced; later ones end the trace (`Stop`).
pub fn run(
    cfg: &Config,
    program: Option<&Path>,
    daemonized: Option<launch::Gated>,
    signals: &SignalFd,
    pipeline: &mut Pipeline,
) -> Result<Outcome> {
    let mut tracer = Tracer::new(Options::new(cfg), pipeline);
    let attached = match (&cfg.target, program) {
        (Target::Command(argv), Some(path)) => {
            tracer.launch(path, argv, &cfg.launch, daemonized)?;
            // `-p PID` too: traced besides the command, which runs already (a failure
            // is said and the trace goes on with it).
            super::attach_each(cfg, &cfg.also_attach, |pid| tracer.attach(pid)).unwrap_or_else(
                |e| {
                    crate::output::note(format_args!("{e:#}"));
                    Vec::new()
                },
            )
        }
        (Target::Attach(pids), _) => {
            match super::attach_each(cfg, pids, |pid| tracer.attach(pid)) {
                Ok(attached) => attached,
                Err(e) => {
                    // Threads seized before a later one failed go back as they were.
                    tracer.detach_all();
                    return Err(e);
                }
            }
        }
        (Target::Cgroup(_), _) => unreachable!("--cgroup and --container need the eBPF backend"),
        (Target::Command(_), None) => unreachable!("commands are resolved first"),
    };
    let stop = match tracer.trace(signals, cfg) {
        Ok(Some(Stop::Signal(sig))) => {
            let _ = tracer.report_in_progress();
            Some(Stop::Signal(sig))
        }
        Ok(stop) => stop,
        Err(e) => Some(Stop::Error(e)),
    };
    let running = if stop.is_some() && tracer.opts.kill_on_exit {
        tracer.kill_all();
        None
    } else if stop.is_some() {
        tracer.leave()
    } else {
        if let Some(err) = tracer.exec_failure() {
            return Err(err.into());
        }
        None
    };
    let stop = match (stop, tracer.pipeline.flush()) {
        (None, Err(e)) => Some(Stop::Error(
            anyhow::Error::new(e).context("writing the trace"),
        )),
        (stop, _) => stop,
    };
    Ok(Outcome {
        launched_status: tracer.launched_status,
        stop,
        lost: Default::default(),
        running,
        attached,
    })
}
