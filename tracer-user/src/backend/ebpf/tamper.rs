//! `-e inject=` and `-e fault=` on the eBPF backend, for a command the tracer starts: a
//! seccomp filter installed before its exec (`backend::seccomp`) makes every call a rule
//! names wait on the filter's listener. Here each is decided (`inject::Injections`, `when=`
//! counted per thread, only calls of traced threads) and answered:
//! - its result faked (`error=`, `retval=`): the call never runs, so the kernel programs
//!   see no entry; its line is made here, from the notification's arguments and the
//!   caller's memory read while it waits, and counted for `-c` here too;
//! - let run (`poke_enter=`, `delay_enter=` alone, or not chosen): the programs trace it
//!   as any call; the marks its line takes (`DELAYED`, `INJECTED: args`) are handed to
//!   the run loop, which puts them on the call's record.
//!
//! A call is answered only after what its thread did before is out of the ring buffers
//! (the run loop drains them first), so each thread's lines stay in order.

use std::{
    collections::BTreeSet,
    os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd},
    time::{Duration, Instant},
};

use foldhash::{HashMap, HashMapExt};
use nix::{
    errno::Errno,
    poll::{PollFd, PollFlags, PollTimeout, poll},
    unistd::Pid,
};

use crate::{
    backend::{
        ptrace::{Phase, capture_with, poke},
        seccomp::{Filter, Wake},
    },
    config::Config,
    event::{Syscall, Tampered, Totals, now_ns},
    inject::{Action, Counts, Injections},
    pipeline::outcome::{OutcomeFilter, Verdict},
    syscalls,
};

/// The calls whose entry wakes the tracer: those a rule names that are traced (strace
/// tampers with traced calls only). `None`: no such call, no filter.
pub fn filter(cfg: &Config) -> Option<Filter> {
    let rules = Injections::new(&cfg.qualifiers.inject);
    let set: BTreeSet<u32> = (rules.numbers())
        .filter(|&nr| cfg.trace_set().contains(nr))
        .collect();
    (!set.is_empty()).then(|| Filter::waking(&set, Wake::Listener))
}

/// What became of a call the filter stopped.
pub enum Tampering {
    /// Answered for: the call as the program saw it, and whether the trace shows it
    /// (the result and duration filters the kernel applies to the calls it sees).
    Faked(Syscall, Verdict),
    /// Let run, its line to carry these marks.
    Marked { tid: u32, nr: u32, marks: Tampered },
}

/// A decided call, answered once its delay is over.
pub struct Decided {
    id: u64,
    due: Instant,
    /// `None`: the call runs; else the value it returns.
    result: Option<i64>,
    pub tampering: Option<Tampering>,
}

pub struct Tamperer {
    listener: OwnedFd,
    rules: Injections,
    counts: HashMap<u32, Counts>,
    /// Without `-f`, only the command's first thread is traced.
    launched: u32,
    follow: bool,
    /// Bytes of each string, strings of an argv.
    limits: (usize, usize),
    plan_options: Vec<crate::syscalls::plan::PlanOptions>,
    outcome: OutcomeFilter,
    /// Decided calls waiting for their answer (a delay, or the run loop).
    held: Vec<Decided>,
    /// Until every task under the filter is gone (the listener hangs up).
    open: bool,
    /// The faked calls' totals for `-c`: the kernel counted none of them.
    pub totals: Totals,
}

impl Tamperer {
    pub fn new(listener: OwnedFd, cfg: &Config, launched: u32) -> Self {
        Self {
            listener,
            rules: Injections::new(&cfg.qualifiers.inject),
            counts: HashMap::new(),
            launched,
            follow: cfg.follow_forks,
            limits: (cfg.capture_limit(), cfg.kernel.strv_strings as usize),
            plan_options: (0..tracer_common::MAX_SYSCALLS)
                .map(|nr| cfg.plan_options(nr))
                .collect(),
            outcome: OutcomeFilter::new(cfg.kernel, cfg.path_forms(), []),
            held: Vec::new(),
            open: true,
            totals: Totals::default(),
        }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.listener.as_fd()
    }

    /// Lets the waiting call run untouched: the command's own exec, before which no call
    /// is the command's.
    pub fn let_run(&self) {
        if let Some(notif) = receive(&self.listener) {
            self.reply(notif.id, None);
        }
    }

    /// When the trace stops before the command ends: the calls held are let run, and a
    /// forked process of the tracer's goes on letting the filter's calls run until every
    /// task under it is gone (a closed listener would fail them with ENOSYS). It holds
    /// nothing else: no BPF object outlives the tracer through it.
    pub fn hand_over(self) {
        for decided in &self.held {
            self.reply(decided.id, None);
        }
        let fd = self.listener.as_raw_fd();
        let mut fds = [PollFd::new(self.listener.as_fd(), PollFlags::POLLIN)];
        if poll(&mut fds, PollTimeout::ZERO).is_ok()
            && fds[0]
                .revents()
                .is_some_and(|r| r.contains(PollFlags::POLLHUP))
        {
            return;
        }
        // SAFETY: the child makes only async-signal-safe calls (close_range, poll, ioctl,
        // _exit) on memory of its own stack.
        match unsafe { nix::unistd::fork() } {
            Ok(nix::unistd::ForkResult::Child) => unsafe {
                libc::syscall(libc::SYS_close_range, 0, fd - 1, 0);
                libc::syscall(libc::SYS_close_range, fd + 1, u32::MAX, 0);
                libc::setsid();
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                loop {
                    if libc::poll(&mut pfd, 1, -1) < 0 {
                        if *libc::__errno_location() == libc::EINTR {
                            continue;
                        }
                        break;
                    }
                    if pfd.revents & libc::POLLIN == 0 {
                        break;
                    }
                    let mut notif: libc::seccomp_notif = std::mem::zeroed();
                    if libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_RECV as _, &mut notif) == 0 {
                        let mut resp = libc::seccomp_notif_resp {
                            id: notif.id,
                            val: 0,
                            error: 0,
                            flags: libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32,
                        };
                        libc::ioctl(fd, libc::SECCOMP_IOCTL_NOTIF_SEND as _, &mut resp);
                    }
                }
                libc::_exit(0)
            },
            Ok(nix::unistd::ForkResult::Parent { .. }) => {}
            Err(e) => crate::output::note(format_args!(
                "cannot keep answering the command's filtered calls ({e}): they fail with ENOSYS"
            )),
        }
    }

    /// How long until the next held call is due.
    pub fn next_due(&self) -> Option<Duration> {
        let now = Instant::now();
        (self.held.iter())
            .map(|d| d.due.saturating_duration_since(now))
            .min()
    }

    /// Takes every call waiting on the listener and decides it.
    pub fn receive_all(&mut self) {
        while self.open {
            let mut fds = [PollFd::new(self.listener.as_fd(), PollFlags::POLLIN)];
            let revents = match poll(&mut fds, PollTimeout::ZERO) {
                Ok(1) => fds[0].revents().unwrap_or(PollFlags::empty()),
                _ => return,
            };
            if revents.contains(PollFlags::POLLIN) {
                self.receive();
            } else {
                // POLLHUP: every task under the filter is gone.
                self.open = !revents.intersects(PollFlags::POLLHUP | PollFlags::POLLERR);
                return;
            }
        }
    }

    /// Whether a task under the filter may still call: the listener is worth waiting on.
    pub fn open(&self) -> bool {
        self.open
    }

    /// Takes the call waiting on the listener (it was readable) and decides it.
    fn receive(&mut self) {
        let Some(notif) = receive(&self.listener) else {
            return;
        };
        let (tid, nr) = (notif.pid, notif.data.nr as u32);
        let args = notif.data.args;
        let traced = self.follow || tid == self.launched;
        let action = traced
            .then(|| {
                let counts = self.counts.entry(tid).or_default();
                self.rules.at_entry(counts, nr)
            })
            .flatten();
        let decided = match action {
            None => Decided {
                id: notif.id,
                due: Instant::now(),
                result: None,
                tampering: None,
            },
            Some(action) => self.tamper(notif.id, tid, nr, args, action),
        };
        self.held.push(decided);
    }

    /// The calls due now, in the order they were decided.
    pub fn take_due(&mut self) -> Vec<Decided> {
        let now = Instant::now();
        let (due, held) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|d| d.due <= now);
        self.held = held;
        due
    }

    /// Lets the call go on, or returns its faked result.
    pub fn answer(&self, decided: &Decided) {
        self.reply(decided.id, decided.result);
    }

    fn reply(&self, id: u64, result: Option<i64>) {
        let mut resp = libc::seccomp_notif_resp {
            id,
            val: 0,
            error: 0,
            flags: 0,
        };
        match result {
            None => resp.flags = libc::SECCOMP_USER_NOTIF_FLAG_CONTINUE as u32,
            Some(ret) if (-4095..0).contains(&ret) => resp.error = ret as i32,
            Some(ret) => resp.val = ret,
        }
        // SAFETY: SECCOMP_IOCTL_NOTIF_SEND reads one seccomp_notif_resp. ENOENT: the
        // caller was killed meanwhile, nothing waits for the answer.
        unsafe {
            libc::ioctl(
                self.listener.as_raw_fd(),
                libc::SECCOMP_IOCTL_NOTIF_SEND as _,
                &mut resp,
            )
        };
    }

    /// Carries out `action` on thread `tid`'s call: pokes and reads now, answers when
    /// the delays are over.
    fn tamper(&mut self, id: u64, tid: u32, nr: u32, args: [u64; 6], action: Action) -> Decided {
        let enter_ns = now_ns();
        let poked_enter = (action.poke_enter.as_ref()).is_some_and(|p| poke(tid, &args, p));
        let mut marks = Tampered {
            injected: false,
            value: false,
            poked: poked_enter,
            delayed: action.delay_enter.is_some(),
        };
        let Some(fake) = action.result else {
            return Decided {
                id,
                due: Instant::now() + action.delay_enter.unwrap_or_default(),
                result: None,
                tampering: Some(Tampering::Marked { tid, nr, marks }),
            };
        };
        // Not run: the memory at its exit is what it is now, after `poke_exit=`.
        let ret = fake.register();
        let pid = Pid::from_raw(tid as i32);
        let mut call = Syscall {
            tid,
            pid: tgid_of(tid).unwrap_or(tid),
            nr,
            args,
            enter_ns,
            ..Default::default()
        };
        let plan = syscalls::plan_for(nr, self.plan_options[nr as usize]);
        call.captures = capture_with(pid, &call, &plan, self.limits, Phase::Enter);
        marks.poked |= (action.poke_exit.as_ref()).is_some_and(|p| poke(tid, &args, p));
        call.captures.extend(capture_with(
            pid,
            &call,
            &plan,
            self.limits,
            Phase::Exit(ret),
        ));
        // Its entry's delay and its exit's pass before the answer.
        let delay = action.delay_enter.unwrap_or_default() + action.delay_exit.unwrap_or_default();
        marks.injected = true;
        marks.value = matches!(fake, crate::inject::Fake::Value(_));
        marks.delayed |= action.delay_exit.is_some();
        call.tampered = marks;
        call.ret = Some(ret);
        call.exit_ns = Some(enter_ns + delay.as_nanos() as u64);
        call.cpu_ns = Some(0);
        let verdict = self.outcome.verdict(&call);
        let wall = delay.as_nanos() as u64;
        self.totals.add_call(nr, wall, 0, call.failed());
        Decided {
            id,
            due: Instant::now() + delay,
            result: Some(ret),
            tampering: Some(Tampering::Faked(call, verdict)),
        }
    }
}

/// The call waiting on `listener`, if it is still there.
fn receive(listener: &OwnedFd) -> Option<libc::seccomp_notif> {
    // SAFETY: seccomp_notif is plain data; the kernel wants it zeroed.
    let mut notif: libc::seccomp_notif = unsafe { std::mem::zeroed() };
    // SAFETY: SECCOMP_IOCTL_NOTIF_RECV fills one seccomp_notif.
    let rc = unsafe {
        libc::ioctl(
            listener.as_raw_fd(),
            libc::SECCOMP_IOCTL_NOTIF_RECV as _,
            &mut notif,
        )
    };
    // ENOENT: the caller was killed between the wake-up and this read.
    Errno::result(rc).ok().map(|_| notif)
}

fn tgid_of(tid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Tgid:"))?;
    line.trim().parse().ok()
}
