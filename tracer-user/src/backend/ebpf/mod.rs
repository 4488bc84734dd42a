//! The eBPF backend: loads the kernel programs, registers the traced processes and turns
//! ring-buffer records into [`Event`]s for the middle stage.

mod btf;
mod loader;
mod merge;
mod records;
mod rings;
mod skips;
mod tamper;
mod trampoline;
mod uring;

use std::{
    ffi::{OsStr, OsString},
    os::fd::{AsFd, AsRawFd, BorrowedFd},
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result};
use aya::maps::{HashMap as BpfHashMap, MapData, PerCpuArray};
use foldhash::{HashMap, HashMapExt};
use nix::{
    poll::{PollFd, PollFlags, PollTimeout, poll},
    sys::{
        signalfd::SignalFd,
        socket::{AddressFamily, SockFlag, SockType, socketpair},
        wait::{WaitPidFlag, WaitStatus, waitpid},
    },
    unistd::Pid,
};
use tracer_common::{
    EXIT_STATUS_KNOWN, EXIT_SUPERSEDED, INFLIGHT_ACTIVE, INFLIGHT_SHOWN, InFlight, MAX_SYSCALLS,
    Stats, SyscallTotals, TRACE_FROM_EXEC, TRACE_ON, capture, is_exit_group, nr, when,
};

pub use loader::{load, preflight};
pub use trampoline::MAX_TRACED;

/// Whether this kernel lets narrow traces use fentry/fexit on the syscall functions
/// (BPF trampolines), or why not: the functions every such trace enters are in its BTF
/// and an empty tracing program loads (for `-V`).
pub fn trampolines_allowed() -> Result<(), String> {
    let data = btf::read();
    let types = data.as_deref().and_then(btf::Types::parse);
    trampoline::check(types.as_ref(), &trampoline::Functions::of(&[])).map(drop)
}
use records::Record;
use rings::Rings;
use tamper::Tampering;

use crate::pipeline::outcome::{Verdict, special_path_match};

use super::{BLOCKED_AFTER, Outcome, Running, Stop, blocked, ptrace};
use crate::{
    config::{Config, Target},
    event::{Capture, Event, ExitStatus, Loss, SignalInfo, Syscall, Tampered, Totals, now_ns},
    launch,
    pipeline::{Pipeline, outcome::fds_open_on},
    syscalls,
};

/// How often the consumer looks at the ring buffer when the kernel did not wake it (a
/// trace not read on a terminal wakes it only once a quarter of a buffer is full): the
/// longest a line waits to be written, 100 looks a second when nothing happens.
const POLL_TICK: Duration = Duration::from_millis(10);

/// The loaded programs and the maps the run loop uses.
pub struct EbpfTracer {
    // Dropping `Ebpf` detaches the programs and frees every map: nothing is pinned.
    ebpf: aya::Ebpf,
    logger: Option<aya_log::EbpfLogger<&'static dyn log::Log>>,
    /// The per-CPU ring buffers and their merge.
    rings: Rings,
    traced: BpfHashMap<MapData, u32, u8>,
    inflight: BpfHashMap<MapData, u32, InFlight>,
    /// When the tracer runs in a pid namespace: processes to trace by their id there,
    /// which the kernel moves into `traced` at their next syscall.
    ns_pending: Option<BpfHashMap<MapData, u32, u8>>,
    /// `-P`: the kernel's set of fds open on a traced path.
    path_fds: Option<BpfHashMap<MapData, u64, u8>>,
    /// The same map, for the run loop's `-P` decisions the kernel leaves to userspace.
    path_fds_seen: Option<BpfHashMap<MapData, u64, u8>>,
    stats: PerCpuArray<MapData, Stats>,
    /// `-c`: per-syscall totals, by number, per CPU.
    summary: Option<PerCpuArray<MapData, SyscallTotals>>,
    /// The totals hold system CPU time (not without BTF).
    counts_cpu: bool,
    /// The fentry/fexit programs' links (`trampoline`): closing one detaches it.
    trampolines: Vec<std::os::fd::OwnedFd>,
    /// The syscall tracepoint programs' links (`--tracepoints=syscall`, the task programs
    /// without BTF), each detached on its own thread at the end.
    perf_links: Vec<aya::programs::trace_point::TracePointLink>,
    /// The runs of the programs the kernel skipped.
    skips: skips::Skips,
    /// Where the syscall programs attached, and why there, for `--stats`.
    attach_facts: String,
    /// `-e inject=`: the calls a seccomp filter in the launched command holds for us.
    tamper: Option<tamper::Tamperer>,
}

impl Drop for EbpfTracer {
    /// A tracepoint program's links are perf events, and closing one waits for a grace
    /// period (~70 ms each on 6.18; raw tracepoints' links detach at once): the links
    /// the loader kept (`--tracepoints=syscall`'s, the task programs' without BTF) are
    /// closed each on its own thread and the other tracepoint programs (io_uring's)
    /// unloaded side by side, so their waits overlap as far as the kernel lets them
    /// (io_uring's two: ~125 ms instead of ~150); the rest goes with `Ebpf`.
    fn drop(&mut self) {
        let perf_links = std::mem::take(&mut self.perf_links);
        let slow = self
            .ebpf
            .programs_mut()
            .filter_map(|(_, program)| match program {
                aya::programs::Program::TracePoint(p) if p.fd().is_ok() => Some(p),
                _ => None,
            });
        // Trampolines too: removing one rewrites its function's entry and may wait for
        // the tasks in it to leave.
        let links = std::mem::take(&mut self.trampolines);
        std::thread::scope(|s| {
            for link in perf_links {
                s.spawn(move || drop(link));
            }
            for program in slow {
                s.spawn(move || {
                    let _ = program.unload();
                });
            }
            for link in links {
                s.spawn(move || drop(link));
            }
        });
    }
}

impl EbpfTracer {
    /// Starts `argv` (resolved to `path`) so that the trace covers it from its exec on;
    /// with `-e inject=`, under the seccomp filter whose listener the tamperer reads.
    pub fn launch(
        &mut self,
        path: &Path,
        argv: &[OsString],
        cfg: &Config,
        path_forms: &[PathBuf],
    ) -> Result<Pid> {
        let Some(filter) = tamper::filter(cfg) else {
            let gated = launch::spawn_gated(path, argv, &cfg.launch)?;
            return self.launch_prepared(gated, &argv[0], path_forms);
        };
        let (ours, theirs) = socketpair(
            AddressFamily::Unix,
            SockType::SeqPacket,
            None,
            SockFlag::SOCK_CLOEXEC,
        )
        .context("socketpair")?;
        let gated = launch::spawn_gated_with(path, argv, &cfg.launch, &|| {
            filter.install_and_send_listener(theirs.as_raw_fd())
        })?;
        drop(theirs);
        let (pid, exec_error) = self.traced_from_exec(gated, path_forms)?.release_nowait()?;
        let listener = match super::seccomp::receive_listener(ours.as_fd()) {
            Ok(listener) => listener,
            Err(errno) => {
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
                let _ = waitpid(pid, None);
                anyhow::bail!(
                    "-e inject: cannot install the seccomp filter: {}",
                    errno.desc()
                );
            }
        };
        let tamperer = tamper::Tamperer::new(listener, cfg, pid.as_raw() as u32);
        // The exec itself may be a call the filter names: it is the tracer's, not the
        // command's, and runs untouched.
        loop {
            let mut fds = [
                PollFd::new(exec_error.as_fd(), PollFlags::POLLIN),
                PollFd::new(tamperer.fd(), PollFlags::POLLIN),
            ];
            poll(&mut fds, PollTimeout::NONE).or_else(|e| match e {
                nix::errno::Errno::EINTR => Ok(0),
                e => Err(e),
            })?;
            if fds[0].any().unwrap_or(false) {
                break;
            }
            if fds[1].any().unwrap_or(false) {
                tamperer.let_run();
            }
        }
        let pid = launch::exec_outcome(pid, &exec_error, &argv[0])?;
        self.tamper = Some(tamperer);
        Ok(pid)
    }

    /// Traces a process held before its exec (by [`launch::spawn_gated`] or `-D`'s
    /// [`launch::daemonize`]) from that exec on, and lets it go; with `-P`, the fds it
    /// inherited on one of `path_forms` count as open on a traced path.
    pub fn launch_prepared(
        &mut self,
        gated: launch::Gated,
        argv0: &OsStr,
        path_forms: &[PathBuf],
    ) -> Result<Pid> {
        self.traced_from_exec(gated, path_forms)?.release(argv0)
    }

    /// Puts a process held before its exec in the trace set, from that exec on (with
    /// `-P`, its inherited fds on one of `path_forms`); on failure it never runs.
    fn traced_from_exec(
        &mut self,
        gated: launch::Gated,
        path_forms: &[PathBuf],
    ) -> Result<launch::Gated> {
        let pid = gated.pid.as_raw() as u32;
        let registered = self
            .seed_path_fds(pid, path_forms)
            .and_then(|()| self.register(pid, TRACE_FROM_EXEC));
        match registered {
            Ok(()) => Ok(gated),
            Err(e) => {
                gated.abort();
                Err(e)
            }
        }
    }

    /// Takes processes out of the kernel's trace set (`-b execve`): their calls stop
    /// at the first lookup.
    fn untrace(&mut self, pids: &[u32]) {
        for &pid in pids {
            let _ = self.traced.remove(&pid);
            if let Some(pending) = self.ns_pending.as_mut() {
                let _ = pending.remove(&pid);
            }
        }
    }

    /// `--kill-on-exit`: every traced process dies with the tracer, as ptrace's
    /// `PTRACE_O_EXITKILL` would have it.
    fn kill_traced(&self) {
        for pid in self.traced.keys().filter_map(Result::ok) {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid as i32), nix::sys::signal::SIGKILL);
        }
    }

    /// Adds a running process (thread group) to the kernel's trace set; with `-P`, the
    /// fds it already has open on one of `path_forms` count as open on a traced path.
    pub fn trace(&mut self, tgid: u32, path_forms: &[PathBuf]) -> Result<()> {
        self.seed_path_fds(tgid, path_forms)?;
        self.register(tgid, TRACE_ON)
    }

    /// `-p PID` given with a command: those processes are traced besides it. The command
    /// runs already: a failure is said and the trace goes on with it.
    fn also_attach(&mut self, cfg: &Config) -> Result<Vec<u32>> {
        if cfg.also_attach.is_empty() {
            return Ok(Vec::new());
        }
        let forms = cfg.path_forms();
        Ok(
            super::attach_each(cfg, &cfg.also_attach, |pid| self.trace(pid, &forms))
                .unwrap_or_else(|e| {
                    crate::output::note(format_args!("{e:#}"));
                    Vec::new()
                }),
        )
    }

    /// `-P`: the fds process `tgid` has open on one of `path_forms` now go into the
    /// kernel's `PATH_FDS` (the kernel cannot tell what an fd it never saw opened is).
    fn seed_path_fds(&mut self, tgid: u32, path_forms: &[PathBuf]) -> Result<()> {
        // The kernel keys by its own pids: only the tracer's pid namespace's are known.
        if let (Some(fds), None) = (self.path_fds.as_mut(), self.ns_pending.as_ref()) {
            for fd in fds_open_on(tgid, path_forms) {
                fds.insert(u64::from(tgid) << 32 | fd as u64, 1, 0)
                    .context("seeding -P fds")?;
            }
        }
        Ok(())
    }

    /// `pid` is in the tracer's pid namespace, which is the kernel's key only when that
    /// is the initial namespace.
    fn register(&mut self, pid: u32, state: u8) -> Result<()> {
        let map = self.ns_pending.as_mut().unwrap_or(&mut self.traced);
        map.insert(pid, state, 0)
            .context("adding a pid to the kernel trace set")
    }

    /// Attached processes that are gone but still in the trace set: one that exited
    /// while it was being added is never seen leaving by the kernel side, and the trace
    /// would wait for it forever.
    fn forget_gone(&mut self, attached: &[u32]) {
        for &pid in attached.iter().filter(|&&pid| crate::attach::gone(pid)) {
            let _ = self.traced.remove(&pid);
            if let Some(pending) = self.ns_pending.as_mut() {
                let _ = pending.remove(&pid);
            }
        }
    }

    /// The calls the threads of `tgid` are blocked in now, as the kernel would have
    /// remembered them had it seen them enter: each goes into the in-flight map, so that
    /// its exit (a sys_exit with no entry seen) completes it as any traced call's does,
    /// and is returned to be shown in progress. The kernel's programs are unchanged: an
    /// exit finds its call in the map whoever put it there.
    fn seed_blocked(&mut self, tgid: u32, cfg: &Config) -> Vec<Syscall> {
        /// `BPF_NOEXIST`: a call the thread entered since it was traced is the newer.
        const NOEXIST: u64 = 1;
        // The kernel keys by its own thread ids: only the initial namespace's are known.
        if self.ns_pending.is_some() || tgid == std::process::id() {
            return Vec::new();
        }
        let mut calls = Vec::new();
        for (tid, raw) in blocked::threads_in_calls(tgid) {
            // Without -f only the thread attached to is traced. A stopped thread left its
            // call before it stopped (it resumes with `restart_syscall`).
            if !cfg.trace_set().contains(raw.nr)
                || (!cfg.follow_forks && tid != tgid)
                || blocked::stop_signal(tgid, tid).is_some()
            {
                continue;
            }
            let enter_ns = now_ns();
            let plan = syscalls::plan_for(raw.nr, cfg.plan_options(raw.nr));
            let call = blocked::entered(tgid, tid, &raw, enter_ns, plan, cfg.capture_limit());
            let entry = InFlight {
                nr: call.nr,
                tid,
                tgid,
                _pad: 0,
                enter_ns,
                args: call.args,
                flags: INFLIGHT_ACTIVE | INFLIGHT_SHOWN,
                retry: 0,
                switched_out_ns: 0,
                off_cpu_ns: 0,
            };
            if self.inflight.insert(tid, entry, NOEXIST).is_err() {
                continue;
            }
            // Still in the same call: its exit will find the entry. Otherwise it
            // returned before the entry was in (a stale entry, taken out, lest it be
            // shown in progress later) or after (its exit record completes it).
            if blocked::read(tgid, tid) != Some(raw) {
                if self
                    .inflight
                    .get(&tid, 0)
                    .is_ok_and(|c| c.enter_ns == enter_ns && c.flags & INFLIGHT_ACTIVE != 0)
                {
                    let _ = self.inflight.remove(&tid);
                }
                continue;
            }
            calls.push(call);
        }
        calls
    }

    /// Whether `-c`'s totals hold system CPU time.
    pub fn counts_cpu(&self) -> bool {
        self.counts_cpu
    }

    fn trace_set_empty(&self) -> bool {
        self.traced.keys().next().is_none()
            && self
                .ns_pending
                .as_ref()
                .is_none_or(|m| m.keys().next().is_none())
    }

    /// The `-c` totals so far, all CPUs merged.
    fn kernel_totals(&self) -> Option<Totals> {
        let map = self.summary.as_ref()?;
        let mut totals = Totals::default();
        for nr in 0..MAX_SYSCALLS {
            if let Ok(per_cpu) = map.get(&nr, 0) {
                totals.add_kernel(nr, per_cpu.iter().copied());
            }
        }
        // The calls `-e inject=` answered for never ran: counted as they were faked.
        if let Some(tamper) = &self.tamper {
            for (&nr, t) in &tamper.totals.by_nr {
                totals.add_kernel(nr, [*t]);
            }
        }
        Some(totals)
    }

    fn per_cpu_stats(&self) -> Vec<Stats> {
        self.stats
            .get(&0, 0)
            .map(|v| v.iter().copied().collect())
            .unwrap_or_default()
    }

    /// `--stats`: what the kernel side did, per CPU. `seen` counts every syscall that ran
    /// our program; `filtered`, traced-process calls (and io_uring operations) dropped in
    /// the kernel; `uring_full`, io_uring submissions the pending map could not hold
    /// (their operations are in `lost`).
    fn print_stats(&self) {
        eprintln!("tracer: syscall programs: {}", self.attach_facts);
        let row = |cpu: &str, s: &Stats| {
            eprintln!(
                "tracer: {cpu:>5} {:>12} {:>12} {:>12} {:>8} {:>8} {:>10}",
                s.seen, s.filtered, s.emitted, s.lost, s.inflight_full, s.uring_full
            )
        };
        eprintln!(
            "tracer: {:>5} {:>12} {:>12} {:>12} {:>8} {:>8} {:>10}",
            "cpu", "seen", "filtered", "emitted", "lost", "dropped", "uring_full"
        );
        let per_cpu = self.per_cpu_stats();
        for (cpu, s) in per_cpu.iter().enumerate() {
            row(&cpu.to_string(), s);
        }
        row("total", &total(&per_cpu));
        eprintln!(
            "tracer: program runs lost to preemption: {} skipped by the kernel, {} records spoilt",
            self.skips.skipped(),
            total(&per_cpu).spoilt
        );
    }

    /// The calls in progress now, oldest first, with what was copied at their entry.
    fn in_progress(&self, run: &Run) -> Vec<Syscall> {
        let active = INFLIGHT_SHOWN | INFLIGHT_ACTIVE;
        let mut calls: Vec<Syscall> = self
            .inflight
            .iter()
            .filter_map(Result::ok)
            .filter(|(_, call)| call.flags & active == active)
            .map(|(tid, call)| Syscall {
                tid,
                pid: call.tgid,
                nr: call.nr,
                args: call.args,
                enter_ns: call.enter_ns,
                captures: match run.entries.get(&tid) {
                    Some(entry) if entry.enter_ns == call.enter_ns => entry.captures.clone(),
                    _ => Vec::new(),
                },
                ..Default::default()
            })
            .collect();
        calls.sort_by_key(|c| c.enter_ns);
        calls
    }

    /// The records no ring buffer can still precede; at the end (`all`), every record.
    fn drain(&mut self, run: &mut Run, all: bool) -> Result<()> {
        self.rings.drain(all, |record| run.record(record))
    }
}

fn total(per_cpu: &[Stats]) -> Stats {
    per_cpu.iter().fold(Stats::default(), |mut t, s| {
        t.seen += s.seen;
        t.filtered += s.filtered;
        t.emitted += s.emitted;
        t.lost += s.lost;
        t.inflight_full += s.inflight_full;
        t.pidset_full += s.pidset_full;
        t.lost_calls += s.lost_calls;
        t.lost_entries += s.lost_entries;
        t.lost_signals += s.lost_signals;
        t.lost_exits += s.lost_exits;
        t.lost_ops += s.lost_ops;
        t.uring_full += s.uring_full;
        t.spoilt += s.spoilt;
        t
    })
}

/// State of one run: what has been shown, what the launched command did.
struct Run<'p, 'a> {
    pipeline: &'p mut Pipeline<'a>,
    launched: Option<Pid>,
    launched_status: Option<ExitStatus>,
    /// When the launched command's last task left (its kernel exit record).
    launched_exit_ns: Option<u64>,
    /// Its name as it left (`-Y`).
    launched_exit_comm: Option<String>,
    launched_exit_shown: bool,
    /// `-f`: a process's threads are traced with it. Without, each traced task is on its
    /// own: its exit is the last of it the trace sees.
    follow: bool,
    /// Calls already shown as in progress: tid -> entry time.
    announced: HashMap<u32, u64>,
    /// Exit codes passed to exit_group, by process, for threads that die with it.
    group_codes: HashMap<u32, i32>,
    /// The calls whose entry records came (with the memory copied at entry), by thread,
    /// waiting for their exit records.
    entries: HashMap<u32, Syscall>,
    /// Calls are shown in progress (no filter decides at their exits).
    shows_in_progress: bool,
    /// Per CPU, the loss totals already reported (calls, signals, exits, operations).
    lost_seen: HashMap<u32, [u64; 4]>,
    lost: Loss,
    /// `--pidns-translation`: the task each thread forked in the call it is in, until
    /// that call's record gives the number the parent's namespace knows it by.
    forked: Option<HashMap<u32, u32>>,
    /// `-e inject=`: the marks of the call each thread was let run with (by number).
    tampered: HashMap<u32, (u32, Tampered)>,
    /// `-P`: the settings and the kernel's `PATH_FDS`, for the calls whose match the
    /// kernel leaves to userspace (`tracer_common::PLAN_PATH_PASS`).
    path_check: Option<(tracer_common::KernelConfig, BpfHashMap<MapData, u64, u8>)>,
    /// A traced task left (its exit record) or was let go of since the trace set was
    /// last looked at: the set may be empty now.
    left: bool,
}

impl Run<'_, '_> {
    fn emit(&mut self, mut event: Event) -> Result<()> {
        // `-i`: where the call was made, from its entry record's copy where it has one.
        if let Event::Entered(call) | Event::Completed(call) = &mut event
            && call.ip.is_none()
        {
            call.ip = (call.captures.iter())
                .find(|c| c.kind == capture::IP)
                .and_then(|c| Some(u64::from_le_bytes(c.data.get(..8)?.try_into().ok()?)));
        }
        self.pipeline.event(event).context("writing the trace")
    }

    /// strace prints a call's entry as it is made: the calls other tasks made before
    /// `at`, when `tid`'s next line is printed, and are still in (those whose entry
    /// records came), are shown in progress first, to be resumed after that line.
    fn announce_before(&mut self, tid: u32, at: u64) -> Result<()> {
        if !self.shows_in_progress || self.entries.is_empty() {
            return Ok(());
        }
        let announced = &self.announced;
        let mut due: Vec<Syscall> = (self.entries.values())
            .filter(|c| c.tid != tid && c.enter_ns < at)
            .filter(|c| announced.get(&c.tid) != Some(&c.enter_ns))
            .cloned()
            .collect();
        due.sort_by_key(|c| c.enter_ns);
        for call in due {
            self.announced.insert(call.tid, call.enter_ns);
            self.emit(Event::Entered(call))?;
        }
        Ok(())
    }

    fn record(&mut self, record: Record) -> Result<()> {
        match record {
            Record::Syscall {
                call,
                entering: true,
                ..
            } => {
                self.entries.insert(call.tid, call);
                Ok(())
            }
            Record::Syscall {
                call,
                entering: false,
                entry_lost,
                filtered,
            } => {
                // Printed at its entry, or (shown in progress) at its exit (one that did
                // not return: now, after every entry that came before its record).
                let at = match self.announced.get(&call.tid) {
                    Some(&ns) if ns == call.enter_ns => call.exit_ns.unwrap_or(u64::MAX),
                    _ => call.enter_ns,
                };
                self.announce_before(call.tid, at)?;
                self.completed(call, entry_lost, filtered)
            }
            Record::Lost(lost) => {
                self.lost_so_far(lost.cpu, [lost.calls, lost.signals, lost.exits, lost.ops])
            }
            Record::IoUring(op) => self.emit(Event::IoUring(op)),
            Record::Fork { tid, parent, ns } => {
                if let Some(forked) = &mut self.forked {
                    forked.insert(parent, tid);
                }
                self.emit(Event::Started { tid, parent, ns })
            }
            Record::Signal(signal) => {
                self.announce_before(signal.tid, signal.ns)?;
                let signo = i32::from_ne_bytes(signal.siginfo[..4].try_into().expect("4 bytes"));
                let info = if signal.flags & tracer_common::SIGNAL_GROUP_STOP != 0 {
                    SignalInfo::GroupStop
                } else {
                    SignalInfo::Siginfo(signal.siginfo)
                };
                self.emit(Event::Signal {
                    tid: signal.tid,
                    pid: signal.tgid,
                    signal: signo,
                    info,
                    ns: signal.ns,
                    ip: (signal.flags & tracer_common::SIGNAL_IP != 0).then_some(signal.ip),
                })
            }
            Record::TaskExit(exit) => self.task_exit(exit),
            Record::TaskIds(ids) => {
                crate::decode::learn_task_ids(&ids);
                Ok(())
            }
            Record::Untraced { tgid } => {
                crate::output::note(format_args!(
                    "Process {tgid} detached: its exec gave it privileges the tracer's user \
                     does not have"
                ));
                Ok(())
            }
        }
    }

    /// CPU `cpu`'s loss totals so far (from a [`Record::Lost`] in the stream, or its
    /// counters): what is new since the last report is shown here.
    fn lost_so_far(&mut self, cpu: u32, totals: [u64; 4]) -> Result<()> {
        let seen = self.lost_seen.entry(cpu).or_default();
        let new: Vec<u64> = totals
            .iter()
            .zip(seen.iter_mut())
            .map(|(&total, seen)| {
                let new = total.saturating_sub(*seen);
                *seen = (*seen).max(total);
                new
            })
            .collect();
        let loss = Loss {
            calls: new[0],
            signals: new[1],
            exits: new[2],
            ops: new[3],
            preempted: 0,
        };
        if loss.total() == 0 {
            return Ok(());
        }
        self.lost.calls += loss.calls;
        self.lost.signals += loss.signals;
        self.lost.exits += loss.exits;
        self.lost.ops += loss.ops;
        self.emit(Event::Lost(loss))
    }

    /// A call's exit record, joined with what was copied at its entry. When the entry
    /// record was lost, what it held is marked lost (`<entry lost>`); `filtered`: kept
    /// out of the trace, for the reports that see everything.
    fn completed(&mut self, mut call: Syscall, entry_lost: bool, filtered: bool) -> Result<()> {
        // A fork's result is the child's id in the parent's namespace: kept for
        // `--pidns-translation` (the child may make no call of its own to tell it).
        if let Some(child) = self.forked.as_mut().and_then(|f| f.remove(&call.tid))
            && let Some(theirs) = call.ret.filter(|&r| r > 0)
        {
            crate::decode::learn_child(call.tid, theirs as u32, child);
        }
        // By thread; an exec from a non-leader thread returns under the process id,
        // so failing that, by entry time.
        let key = match self.entries.get(&call.tid) {
            Some(entry) if entry.enter_ns == call.enter_ns => Some(call.tid),
            _ if matches!(call.nr, nr::EXECVE | nr::EXECVEAT) => self
                .entries
                .iter()
                .find(|(_, entry)| entry.enter_ns == call.enter_ns)
                .map(|(&tid, _)| tid),
            _ => None,
        };
        if let Some(Syscall { mut captures, .. }) = key.and_then(|k| self.entries.remove(&k)) {
            // A faulted entry capture is read again at exit: the later copy wins. One cut
            // at its page's end both times was whole at entry (the mapping ends there):
            // its bytes are the entry's (a struct the call then wrote, SIOCGIFCONF's).
            for c in captures.iter().filter(|c| c.fault && !c.data.is_empty()) {
                if let Some(e) = call.captures.iter_mut().find(|e| e.arg == c.arg)
                    && e.kind == c.kind
                    && e.data.len() == c.data.len()
                {
                    e.data.clone_from(&c.data);
                }
            }
            captures.retain(|c| !c.fault || !call.captures.iter().any(|e| e.arg == c.arg));
            captures.append(&mut call.captures);
            call.captures = captures;
        }
        crate::decode::join_pieces(&mut call.captures);
        if entry_lost {
            for spec in syscalls::plan_for(call.nr, Default::default()).specs {
                if spec.when == when::ENTER && call.capture(spec.arg as usize).is_none() {
                    call.captures.push(Capture {
                        arg: spec.arg,
                        kind: capture::ENTRY_LOST,
                        fault: true,
                        ..Capture::default()
                    });
                }
            }
        }
        if let Some((nr, marks)) = self.tampered.remove(&call.tid)
            && nr == call.nr
        {
            call.tampered = marks;
        }
        if is_exit_group(call.nr) {
            self.group_codes.insert(call.pid, call.args[0] as u8 as i32);
        }
        self.announced.remove(&call.tid);
        if filtered {
            return self.pipeline.filtered(call).context("writing the trace");
        }
        if !self.touches_traced_path(&call) {
            return Ok(());
        }
        self.emit(Event::Completed(call))
    }

    /// `-P` for the calls the kernel lets through for userspace to decide: the shared
    /// decision, with the descriptors the kernel knows open on a traced path.
    fn touches_traced_path(&self, call: &Syscall) -> bool {
        let Some((config, fds)) = &self.path_check else {
            return true;
        };
        let pid = call.pid;
        let open_on = |fd: i32| fd >= 0 && fds.get(&(u64::from(pid) << 32 | fd as u64), 0).is_ok();
        special_path_match(call, config, &open_on).unwrap_or(true)
    }

    fn task_exit(&mut self, exit: tracer_common::TaskExitRecord) -> Result<()> {
        self.left = true;
        if exit.flags & EXIT_SUPERSEDED != 0 {
            // The leader, gone with another thread's exec: that thread is the leader now.
            return self.emit(Event::Exited {
                tid: exit.tid,
                pid: exit.tgid,
                status: ExitStatus::Superseded {
                    by: exit.exit_code as u32,
                },
                group: false,
                ns: exit.ns,
                comm: None,
            });
        }
        // Without -f the other threads are not traced: no later exit of the group comes.
        let group = exit.group_dead != 0 || !self.follow;
        // An entry whose exit record was lost waits for nothing any more.
        self.entries.remove(&exit.tid);
        self.announce_before(exit.tid, exit.ns)?;
        // The launched command's leader ends last, as waitpid (and strace) report it:
        // with the status waitpid gives, once its whole group is gone.
        if self.launched == Some(Pid::from_raw(exit.tgid as i32)) {
            let leader = exit.tid == exit.tgid;
            if leader && !group {
                self.announced.remove(&exit.tid);
                return Ok(());
            }
            if group {
                if !leader {
                    self.show_task_exit(&exit, group)?;
                }
                self.launched_exit_ns = Some(exit.ns);
                self.launched_exit_comm = comm_of(&exit);
                return self.show_launched_exit();
            }
        }
        self.show_task_exit(&exit, group)
    }

    fn show_task_exit(&mut self, exit: &tracer_common::TaskExitRecord, group: bool) -> Result<()> {
        let status = if exit.flags & EXIT_STATUS_KNOWN != 0 {
            ExitStatus::from_wait_status(exit.status)
        } else if exit.exit_code != u64::MAX {
            ExitStatus::Exited(exit.exit_code as i32)
        } else if let Some(&code) = self.group_codes.get(&exit.tgid) {
            ExitStatus::Exited(code)
        } else {
            ExitStatus::Unknown
        };
        if group {
            self.group_codes.remove(&exit.tgid);
        }
        self.announced.remove(&exit.tid);
        self.emit(Event::Exited {
            tid: exit.tid,
            pid: exit.tgid,
            status,
            group,
            ns: exit.ns,
            comm: comm_of(exit),
        })
    }

    /// The launched command's `+++ exited +++` line uses waitpid's status, which also
    /// knows the signal that killed it; it waits until both the kernel's exit record
    /// and the status are in.
    fn show_launched_exit(&mut self) -> Result<()> {
        if let (Some(pid), Some(status), Some(ns), false) = (
            self.launched,
            self.launched_status,
            self.launched_exit_ns,
            self.launched_exit_shown,
        ) {
            self.launched_exit_shown = true;
            let pid = pid.as_raw() as u32;
            let comm = self.launched_exit_comm.take();
            self.emit(Event::Exited {
                tid: pid,
                pid,
                status,
                group: true,
                ns,
                comm,
            })?;
        }
        Ok(())
    }

    /// Notes how the launched command ended, once it has. Other children of the tracer
    /// that ended are reaped too, as strace reaps them: a traced process's child made
    /// with `CLONE_PARENT` is the tracer's, and its parent may wait for it to be gone.
    fn reap_launched(&mut self) -> Result<()> {
        loop {
            let status = match waitpid(None, Some(WaitPidFlag::WNOHANG)) {
                Ok(WaitStatus::StillAlive) | Err(_) => break,
                Ok(status) => status,
            };
            if status.pid().is_some() && status.pid() == self.launched {
                self.note_launched_status(status)?;
            }
        }
        // The command may have ended since the loop looked: this wait reaps it too, so
        // its status is kept, not only the news that it is gone.
        if let (Some(pid), None) = (self.launched, self.launched_status) {
            match waitpid(pid, Some(WaitPidFlag::WNOHANG)) {
                Ok(status) => self.note_launched_status(status)?,
                Err(nix::errno::Errno::ECHILD) => self.launched_status = Some(ExitStatus::Unknown),
                Err(_) => {}
            }
        }
        Ok(())
    }

    fn note_launched_status(&mut self, status: WaitStatus) -> Result<()> {
        if let Some(status) = wait_status(status) {
            self.launched_status = Some(status);
            self.show_launched_exit()?;
        }
        Ok(())
    }
}

/// A task's name as its exit record gives it (`-Y`), when the programs took it.
fn comm_of(exit: &tracer_common::TaskExitRecord) -> Option<String> {
    let name = exit
        .comm
        .split(|&b| b == 0)
        .next()
        .filter(|n| !n.is_empty())?;
    Some(String::from_utf8_lossy(name).into_owned())
}

/// Reports the losses the kernel counted that no record in the stream has marked yet.
/// Then the runs the kernel skipped since the last report (at the `end`, all of them).
fn report_losses(tracer: &mut EbpfTracer, run: &mut Run, end: bool) -> Result<()> {
    let per_cpu = tracer.per_cpu_stats();
    for (cpu, s) in per_cpu.iter().enumerate() {
        run.lost_so_far(
            cpu as u32,
            [s.lost_calls, s.lost_signals, s.lost_exits, s.lost_ops],
        )?;
    }
    let spoilt = per_cpu.iter().map(|s| s.spoilt).sum();
    let preempted = tracer.skips.new_since_last(end, spoilt);
    if preempted > 0 {
        run.lost.preempted += preempted;
        run.emit(Event::Lost(Loss {
            preempted,
            ..Loss::default()
        }))?;
    }
    Ok(())
}

/// The calls in progress when the trace starts (`-p`, `--cgroup`): shown at once, as
/// strace shows the call it finds a thread stopped in; their exits complete them.
fn announce_at_attach(
    tracer: &mut EbpfTracer,
    cfg: &Config,
    run: &mut Run,
    pids: &[u32],
) -> Result<()> {
    if !cfg.kernel.emits_calls() {
        return Ok(());
    }
    for &pid in pids {
        stopped_at_attach(cfg, run, pid)?;
        for call in tracer.seed_blocked(pid, cfg) {
            run.entries.insert(call.tid, call.clone());
            if cfg.shows_in_progress() {
                run.announced.insert(call.tid, call.enter_ns);
                run.emit(Event::Entered(call))?;
            }
        }
    }
    run.pipeline.flush().context("writing the trace")
}

/// The traced threads of process `pid` that a stop signal stopped before the attach:
/// strace's seized threads report their group-stop at once, `--- stopped by SIGSTOP ---`.
fn stopped_at_attach(cfg: &Config, run: &mut Run, pid: u32) -> Result<()> {
    let threads: Vec<u32> = match std::fs::read_dir(format!("/proc/{pid}/task")) {
        Ok(dir) if cfg.follow_forks => dir
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
            .collect(),
        _ => vec![pid],
    };
    for tid in threads {
        if let Some(signal) = blocked::stop_signal(pid, tid) {
            run.emit(Event::Signal {
                tid,
                pid,
                signal,
                info: SignalInfo::GroupStop,
                ns: now_ns(),
                ip: None,
            })?;
        }
    }
    Ok(())
}

/// Shows calls that have been in progress for a while, as strace shows a blocked call.
fn announce_blocked(tracer: &EbpfTracer, run: &mut Run) -> Result<()> {
    let now = now_ns();
    let threshold = BLOCKED_AFTER.as_nanos() as u64;
    for call in tracer.in_progress(run) {
        if now.saturating_sub(call.enter_ns) < threshold
            || run.announced.get(&call.tid) == Some(&call.enter_ns)
        {
            continue;
        }
        run.announced.insert(call.tid, call.enter_ns);
        run.emit(Event::Entered(call))?;
    }
    Ok(())
}

fn wait_status(status: WaitStatus) -> Option<ExitStatus> {
    match status {
        WaitStatus::Exited(_, code) => Some(ExitStatus::Exited(code)),
        WaitStatus::Signaled(_, signal, core_dumped) => Some(ExitStatus::Killed {
            signal: signal as i32,
            core_dumped,
        }),
        _ => None,
    }
}

/// Waits for records (or the poll tick, a signal, the kernel's log) and flushes the
/// kernel's log when it has something.
fn wait(tracer: &mut EbpfTracer, signals: &SignalFd) -> Result<()> {
    let log_fd = tracer.logger.as_ref().map(|l| l.as_raw_fd());
    let mut fds = vec![PollFd::new(signals.as_fd(), PollFlags::POLLIN)];
    if let Some(fd) = log_fd {
        // SAFETY: the logger outlives this poll call.
        fds.push(PollFd::new(
            unsafe { BorrowedFd::borrow_raw(fd) },
            PollFlags::POLLIN,
        ));
    }
    // SAFETY: the ring buffers outlive this poll call.
    fds.extend(
        tracer
            .rings
            .fds()
            .map(|fd| PollFd::new(unsafe { BorrowedFd::borrow_raw(fd) }, PollFlags::POLLIN)),
    );
    if let Some(tamper) = tracer.tamper.as_ref().filter(|t| t.open()) {
        fds.push(PollFd::new(tamper.fd(), PollFlags::POLLIN));
    }
    // Records the merge holds back go as soon as they may (within its window), not at
    // the next tick; so do calls `-e inject=` holds.
    let due = match (tracer.rings.next_due(), tracer.tamper.as_ref()) {
        (due, Some(tamper)) => due.into_iter().chain(tamper.next_due()).min(),
        (due, None) => due,
    };
    let timeout = match due {
        Some(due) => due.clamp(Duration::from_millis(1), POLL_TICK),
        None => POLL_TICK,
    };
    match poll(
        &mut fds,
        PollTimeout::try_from(timeout).expect("small timeout"),
    ) {
        Ok(_) | Err(nix::errno::Errno::EINTR) => {}
        Err(e) => return Err(e).context("poll"),
    }
    let log_ready = log_fd.is_some()
        && fds
            .get(1)
            .and_then(|f| f.revents())
            .is_some_and(|r| !r.is_empty());
    drop(fds);
    if log_ready && let Some(logger) = tracer.logger.as_mut() {
        logger.flush();
    }
    Ok(())
}

/// Starts or attaches to the target, then traces until every traced process is gone, a
/// stop signal arrives or the trace cannot go on. An error means nothing was traced.
/// `daemonized`, with `-D`, is the process that becomes the command (not the tracer's
/// child): it is followed as any traced process, to its exit.
pub fn run(
    mut tracer: EbpfTracer,
    cfg: &Config,
    program: Option<&Path>,
    daemonized: Option<launch::Gated>,
    signals: &SignalFd,
    pipeline: &mut Pipeline,
) -> Result<Outcome> {
    let (launched, attached) = match (&cfg.target, program, daemonized) {
        (Target::Command(argv), Some(_), Some(gated)) => {
            tracer.launch_prepared(gated, &argv[0], &cfg.path_forms())?;
            (None, tracer.also_attach(cfg)?)
        }
        (Target::Command(argv), Some(path), None) => {
            let launched = tracer.launch(path, argv, cfg, &cfg.path_forms())?;
            (Some(launched), tracer.also_attach(cfg)?)
        }
        (Target::Attach(pids), _, _) => {
            let forms = cfg.path_forms();
            let attached = super::attach_each(cfg, pids, |pid| tracer.trace(pid, &forms))?;
            (None, attached)
        }
        (Target::Cgroup(set), _, _) => {
            if !cfg.quiet.attach() {
                for c in set {
                    crate::output::note(format_args!("{} attached", c.label));
                }
            }
            (None, Vec::new())
        }
        (Target::Command(_), None, _) => unreachable!("commands are resolved first"),
    };
    let mut run = Run {
        pipeline,
        launched,
        launched_status: None,
        launched_exit_ns: None,
        launched_exit_comm: None,
        launched_exit_shown: false,
        follow: cfg.follow_forks,
        announced: HashMap::new(),
        group_codes: HashMap::new(),
        entries: HashMap::new(),
        shows_in_progress: cfg.shows_in_progress(),
        lost_seen: HashMap::new(),
        lost: Loss::default(),
        forked: cfg.decode.pidns.then(HashMap::new),
        tampered: HashMap::new(),
        path_check: (tracer.path_fds_seen.take()).map(|fds| (cfg.kernel, fds)),
        left: false,
    };
    let existing = match &cfg.target {
        Target::Attach(_) => attached.clone(),
        Target::Cgroup(set) => set
            .iter()
            .flat_map(|c| blocked::cgroup_processes(&c.dir))
            .collect(),
        Target::Command(_) => attached.clone(),
    };
    let stop = announce_at_attach(&mut tracer, cfg, &mut run, &existing)
        .and_then(|()| trace(&mut tracer, cfg, signals, &mut run, &attached))
        .unwrap_or_else(|e| Some(Stop::Error(e)));
    // After an error the trace may not be writable: what follows is best effort.
    let end = finish(&mut tracer, cfg, &mut run);
    let stop = match (stop, end) {
        (None, Err(e)) => Some(Stop::Error(e)),
        (stop, _) => stop,
    };
    if cfg.stats {
        tracer.print_stats();
    }
    if cfg.kill_on_exit {
        tracer.kill_traced();
    }
    // A command under `-e inject=`'s filter that outlives the trace goes on untouched.
    if let Some(tamper) = tracer.tamper.take()
        && tamper.open()
    {
        tamper.hand_over();
    }
    let lost = run.lost;
    // The programs go before the command is waited for: it runs on untraced.
    drop(tracer);
    let running = match (&stop, run.launched, run.launched_status) {
        (Some(_), Some(pid), None) => Some(Running::Detached(pid)),
        _ => None,
    };
    Ok(Outcome {
        launched_status: run.launched_status,
        stop,
        lost,
        running,
        attached,
    })
}

/// Drains the ring buffer until every traced process is gone (`Ok(None)`), a stop
/// signal arrives or `--syscall-limit` is reached (`Ok(Some(stop))`), or the trace
/// cannot be written.
fn trace(
    tracer: &mut EbpfTracer,
    cfg: &Config,
    signals: &SignalFd,
    run: &mut Run,
    attached: &[u32],
) -> Result<Option<Stop>> {
    // The trace set is the cgroup, so the trace runs until interrupted.
    let until_stopped = matches!(cfg.target, Target::Cgroup(_));
    let interval = cfg.summary.as_ref().and_then(|s| s.interval);
    // The export's metrics want the kernel's totals as often, without ending a -c period.
    let totals_every = interval.or(cfg.export.as_ref().map(|e| e.interval));
    let mut last_scan = Instant::now();
    let mut last_interval = Instant::now();
    let mut last_set_look = Instant::now();
    loop {
        wait(tracer, signals)?;
        tracer.drain(run, false)?;
        serve_tampering(tracer, run)?;
        let stop = super::stop_signal(signals, cfg).map(Stop::Signal);
        // `-b execve`: processes the pipeline let go of.
        let detached = run.pipeline.take_detached();
        if !detached.is_empty() {
            tracer.untrace(&detached);
            run.left = true;
        }
        let stop = stop.or_else(|| run.pipeline.limit_reached().then_some(Stop::SyscallLimit));
        // The launched command stays a zombie, its /proc entry readable (names, fds),
        // until the merge has let its records go.
        if !run
            .launched
            .is_some_and(|pid| tracer.rings.holds_process(pid.as_raw() as u32))
        {
            run.reap_launched()?;
        }
        // Losses the stream has not marked yet (no record followed them on their CPU).
        report_losses(tracer, run, false)?;
        if last_scan.elapsed() >= BLOCKED_AFTER {
            if cfg.shows_in_progress() {
                announce_blocked(tracer, run)?;
            }
            tracer.forget_gone(attached);
            run.left = true;
            last_scan = Instant::now();
        }
        if let Some(every) = totals_every
            && last_interval.elapsed() >= every
            && let Some(totals) = tracer.kernel_totals()
        {
            // The period's lines go out before its table.
            run.pipeline.flush().context("writing the trace")?;
            run.emit(Event::Totals {
                totals,
                interval_end: interval.is_some(),
            })?;
            last_interval = Instant::now();
        }
        run.pipeline.flush().context("writing the trace")?;

        let launched_done = run.launched.is_none() || run.launched_status.is_some();
        if stop.is_some() {
            return Ok(stop);
        }
        // Looking scans the map's buckets (a 16384-entry hash: a tenth of a busy reader's
        // time when done at every wake-up): done when a task left or was let go of, else
        // now and then (an exit record lost).
        let look = launched_done
            && !until_stopped
            && (run.left || last_set_look.elapsed() >= BLOCKED_AFTER);
        if look {
            (run.left, last_set_look) = (false, Instant::now());
        }
        if look && tracer.trace_set_empty() {
            // The records the merge still holds may reach the call limit.
            tracer.drain(run, true)?;
            if run.pipeline.limit_reached() {
                return Ok(Some(Stop::SyscallLimit));
            }
            return Ok(None);
        }
    }
}

/// `-e inject=`: the calls the seccomp filter holds, decided, and answered once they are
/// due; what their threads did before goes out first, so each thread's lines stay in
/// order.
fn serve_tampering(tracer: &mut EbpfTracer, run: &mut Run) -> Result<()> {
    let Some(tamper) = tracer.tamper.as_mut() else {
        return Ok(());
    };
    tamper.receive_all();
    let due = tamper.take_due();
    if due.iter().any(|d| d.tampering.is_some()) {
        tracer.drain(run, true)?;
    }
    for decided in due {
        match &decided.tampering {
            Some(Tampering::Faked(call, Verdict::Shown)) => {
                run.emit(Event::Completed(call.clone()))?
            }
            Some(Tampering::Faked(call, Verdict::Filtered)) => run
                .pipeline
                .filtered(call.clone())
                .context("writing the trace")?,
            Some(Tampering::Faked(_, Verdict::Dropped)) | None => {}
            Some(Tampering::Marked { tid, nr, marks }) => {
                run.tampered.insert(*tid, (*nr, *marks));
            }
        }
        if let Some(tamper) = &tracer.tamper {
            tamper.answer(&decided);
        }
    }
    Ok(())
}

/// The end of the trace: the last records, the calls in progress, the `-c` totals.
fn finish(tracer: &mut EbpfTracer, cfg: &Config, run: &mut Run) -> Result<()> {
    // Every record of a finished task is submitted before it leaves the trace set.
    tracer.drain(run, true)?;
    report_losses(tracer, run, true)?;
    if run.launched_status.is_some() {
        run.launched_exit_ns.get_or_insert_with(now_ns);
        run.show_launched_exit()?;
    }
    let mut calls = tracer.in_progress(run);
    // A filter on the result held their entry copies back for the exit (nothing left the
    // kernel): the calls are still inside, their memory read now, as strace read it at
    // the entry (`-e status=detached` prints them).
    if cfg.kernel.decides_at_exit() {
        let limits = (cfg.capture_limit(), cfg.kernel.strv_strings as usize);
        for call in calls.iter_mut().filter(|c| c.captures.is_empty()) {
            let plan = syscalls::plan_for(call.nr, cfg.plan_options(call.nr));
            let pid = Pid::from_raw(call.tid as i32);
            call.captures = ptrace::capture_with(pid, call, &plan, limits, ptrace::Phase::Enter);
        }
    }
    run.emit(Event::InProgress {
        calls,
        now_ns: now_ns(),
    })?;
    if let Some(totals) = tracer.kernel_totals() {
        run.emit(Event::Totals {
            totals,
            interval_end: false,
        })?;
    }
    run.pipeline.flush().context("writing the trace")
}
