//! `-e inject=` and `-e fault=`: strace's syscall tampering. A rule names a syscall set
//! and what to do to its calls (fail them with an errno, make them return a value
//! without running, deliver a signal, delay their entry or exit), and on which calls of
//! each thread (`when=`). The ptrace backend does it at its stops; the eBPF backend, for a
//! command it starts, through a seccomp filter whose calls wait for the tracer's answer
//! (`backend::ebpf::tamper`), all but what only stops can do ([`ptrace_only`]). The
//! decisions are made here.

use std::{sync::Arc, time::Duration};

use anyhow::{Result, bail};

use crate::qualifiers::TraceSet;

/// `when=`'s "no last call".
const LAST_INF: u16 = u16::MAX;

/// What happens to a call chosen for tampering.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Action {
    /// The call is not run (its number is replaced by an invalid one, or by `syscall=`'s)
    /// and returns this instead.
    pub result: Option<Fake>,
    /// `syscall=`: the call run in its place (a pure one, without effects).
    pub substitute: Option<u32>,
    /// Delivered to the task as it enters the call.
    pub signal: Option<i32>,
    pub delay_enter: Option<Duration>,
    pub delay_exit: Option<Duration>,
    /// `poke_enter=`, `poke_exit=`: bytes written where arguments point.
    pub poke_enter: Option<Arc<[Poke]>>,
    pub poke_exit: Option<Arc<[Poke]>>,
}

/// `@argN=HEX`: the bytes written at the address in argument N (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Poke {
    pub arg: usize,
    pub data: Vec<u8>,
}

/// The result a tampered call returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fake {
    Error(i32),
    Value(u64),
}

impl Fake {
    /// The return register's value.
    pub fn register(self) -> i64 {
        match self {
            Self::Error(errno) => -i64::from(errno),
            Self::Value(v) => v as i64,
        }
    }
}

/// `when=F..L+S`, as strace counts it: the F-th call is the first tampered with, then
/// every S-th after it, up to the L-th.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct When {
    first: u16,
    last: u16,
    step: u16,
}

impl Default for When {
    fn default() -> Self {
        Self {
            first: 1,
            last: LAST_INF,
            step: 1,
        }
    }
}

/// One `-e inject=` or `-e fault=`.
#[derive(Clone, Debug)]
pub struct Rule {
    set: TraceSet,
    action: Action,
    when: When,
}

impl Rule {
    /// `SET:TOKEN:...`; `fault` takes only `error=` and `when=` (and defaults to
    /// `error=ENOSYS`), `inject` needs at least one action.
    pub fn parse(spec: &str, fault: bool) -> Result<Self> {
        let what = if fault {
            "fault argument"
        } else {
            "inject argument"
        };
        let invalid = || anyhow::anyhow!("invalid {what} '{spec}'");
        // strace's order: the actions, then the syscall set, then whether anything acts.
        let (set, tokens) = spec.split_once(':').unwrap_or((spec, ""));
        if set.is_empty() {
            bail!("invalid system call ''");
        }
        let (mut action, mut when) = (Action::default(), When::default());
        for token in tokens.split(':').filter(|t| !t.is_empty()) {
            let (key, value) = token.split_once('=').ok_or_else(invalid)?;
            let ok = match key {
                "when" => parse_when(value).map(|w| when = w).is_some(),
                "error" if action.result.is_none() => error_number(value)
                    .map(|e| action.result = Some(Fake::Error(e)))
                    .is_some(),
                "retval" if !fault && action.result.is_none() => parse_u64(value)
                    .map(|v| action.result = Some(Fake::Value(v)))
                    .is_some(),
                "signal" if !fault && action.signal.is_none() => {
                    crate::qualifiers::signal_number(value)
                        .filter(|&s| s <= 64)
                        .map(|s| action.signal = Some(s as i32))
                        .is_some()
                }
                "syscall" if action.substitute.is_none() => crate::syscalls::by_name(value)
                    .filter(|sc| PURE.contains(&sc.name))
                    .map(|sc| action.substitute = Some(sc.nr))
                    .is_some(),
                "delay_enter" if !fault && action.delay_enter.is_none() => parse_delay(value)
                    .map(|d| action.delay_enter = Some(d))
                    .is_some(),
                "delay_exit" if !fault && action.delay_exit.is_none() => parse_delay(value)
                    .map(|d| action.delay_exit = Some(d))
                    .is_some(),
                "poke_enter" if !fault && action.poke_enter.is_none() => parse_pokes(value)
                    .map(|p| action.poke_enter = Some(p))
                    .is_some(),
                "poke_exit" if !fault && action.poke_exit.is_none() => parse_pokes(value)
                    .map(|p| action.poke_exit = Some(p))
                    .is_some(),
                _ => false,
            };
            if !ok {
                return Err(invalid());
            }
        }
        let set = TraceSet::parse(set)?;
        let acts = action.result.is_some()
            || action.poke_enter.is_some()
            || action.poke_exit.is_some()
            || action.signal.is_some()
            || action.delay_enter.is_some()
            || action.delay_exit.is_some();
        if !acts {
            if !fault {
                return Err(invalid());
            }
            action.result = Some(Fake::Error(libc::ENOSYS));
        }
        Ok(Self { set, action, when })
    }
}

/// Calls strace lets `syscall=` run in place of a tampered one: pure, no side effects.
const PURE: &[&str] = &[
    "getpid",
    "getppid",
    "gettid",
    "getuid",
    "geteuid",
    "getgid",
    "getegid",
    "getpgrp",
    "getpgid",
    "getsid",
    "sched_yield",
    "umask",
    "getcpu",
];

/// What in `rules` only the ptrace backend can do: a signal raised as the kernel raises
/// it (`si_code=SI_KERNEL`; another process can only queue one of its own), and what
/// happens at the exit of a call that runs (`delay_exit=`, `poke_exit=`) or instead of it
/// (`syscall=` whose result is not faked): a seccomp filter's caller waits at the entry
/// only.
pub fn ptrace_only(rules: &[Rule]) -> Option<&'static str> {
    rules.iter().find_map(|rule| {
        let a = &rule.action;
        if a.signal.is_some() {
            Some("-e inject's signal= (raised as the kernel raises it)")
        } else if a.result.is_none()
            && (a.delay_exit.is_some() || a.poke_exit.is_some() || a.substitute.is_some())
        {
            Some("-e inject's delay_exit=, poke_exit= or syscall= on a call that runs")
        } else {
            None
        }
    })
}

/// The rules of a trace, by syscall: a later rule replaces an earlier one for the calls
/// both name, as in strace.
#[derive(Clone, Debug, Default)]
pub struct Injections {
    by_nr: Vec<Option<(Action, When)>>,
}

impl Injections {
    pub fn new(rules: &[Rule]) -> Self {
        let mut by_nr = vec![None; tracer_common::MAX_SYSCALLS as usize];
        for rule in rules {
            for (nr, slot) in by_nr.iter_mut().enumerate() {
                if rule.set.contains(nr as u32) {
                    *slot = Some((rule.action.clone(), rule.when));
                }
            }
        }
        Self { by_nr }
    }

    pub fn is_empty(&self) -> bool {
        self.by_nr.iter().all(Option::is_none)
    }

    /// The syscalls some rule names.
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        (self.by_nr.iter().enumerate()).filter_map(|(nr, rule)| rule.as_ref().map(|_| nr as u32))
    }

    /// At the entry of thread `counts`' call `nr`: what to do to it, if this is one of
    /// the calls `when=` chooses.
    pub fn at_entry(&self, counts: &mut Counts, nr: u32) -> Option<Action> {
        let (action, when) = self.by_nr.get(nr as usize)?.as_ref()?;
        let left = counts.left.entry(nr).or_insert((when.first, when.last));
        let (first, last) = left;
        if *first == 0 || *last == 0 {
            return None;
        }
        if *last != LAST_INF {
            *last -= 1;
        }
        *first -= 1;
        if *first != 0 {
            return None;
        }
        *first = when.step;
        Some(action.clone())
    }
}

/// One thread's count of its calls toward each rule's `when=` (strace counts per
/// thread, from the thread's first call).
#[derive(Debug, Default)]
pub struct Counts {
    /// By syscall: calls until the next tampered one, and until the last.
    left: std::collections::HashMap<u32, (u16, u16)>,
}

/// `F`, `F+`, `F+S`, `F..L`, `F..L+`, `F..L+S`, each number 1..65534.
fn parse_when(value: &str) -> Option<When> {
    let number = |s: &str| s.parse::<u16>().ok().filter(|n| (1..LAST_INF).contains(n));
    let (range, step) = match value.split_once('+') {
        Some((range, "")) => (range, Some(1)),
        Some((range, step)) => (range, Some(number(step)?)),
        None => (value, None),
    };
    let (first, last) = match range.split_once("..") {
        Some((first, last)) => (number(first)?, Some(number(last)?)),
        None => (number(range)?, None),
    };
    if last.is_some_and(|l| l < first) {
        return None;
    }
    Some(When {
        first,
        last: last.unwrap_or(LAST_INF),
        // `F` alone is that call only; `F..L` every call of the range.
        step: step.unwrap_or(if last.is_some() { 1 } else { 0 }),
    })
}

/// An errno by name (`ENOENT`, in any case) or number (1..4095).
fn error_number(value: &str) -> Option<i32> {
    if let Ok(n) = value.parse::<i32>() {
        return (1..=4095).contains(&n).then_some(n);
    }
    (1..=4095)
        .find(|&n| crate::decode::errno_name(n).is_some_and(|e| e.eq_ignore_ascii_case(value)))
}

/// `@argN=HEX[,@argM=HEX...]`: N 1..7, up to 1024 bytes each.
fn parse_pokes(value: &str) -> Option<Arc<[Poke]>> {
    value
        .split(',')
        .map(|token| {
            let (arg, hex) = token.strip_prefix("@arg")?.split_once('=')?;
            let arg = arg.parse::<usize>().ok().filter(|n| (1..=7).contains(n))?;
            if hex.is_empty() || hex.len() % 2 != 0 || hex.len() > 2048 {
                return None;
            }
            let data = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()?;
            Some(Poke { arg, data })
        })
        .collect::<Option<Vec<Poke>>>()
        // An argument written twice is a mistake, as strace says.
        .filter(|pokes| {
            let mut args: Vec<usize> = pokes.iter().map(|p| p.arg).collect();
            args.sort_unstable();
            args.windows(2).all(|w| w[0] != w[1])
        })
        .map(Arc::from)
}

/// A number as C's `strtoull(..., 0)` reads it: decimal, `0x` hex or `0` octal.
fn parse_u64(value: &str) -> Option<u64> {
    if let Some(hex) = value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        u64::from_str_radix(hex, 16).ok()
    } else if value.len() > 1
        && let Some(octal) = value.strip_prefix('0')
    {
        u64::from_str_radix(octal, 8).ok()
    } else {
        value.parse().ok()
    }
}

/// Microseconds, or a number with a unit (`10ms`, `1.5s`), as strace's delays.
fn parse_delay(value: &str) -> Option<Duration> {
    let split = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: f64 = number.parse().ok().filter(|n: &f64| n.is_finite())?;
    let scale = match unit {
        "" | "us" => 1e-6,
        "ns" => 1e-9,
        "ms" => 1e-3,
        "s" => 1.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(number * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(spec: &str) -> Rule {
        Rule::parse(spec, false).unwrap()
    }

    /// Which of a thread's first `n` calls of `nr` are tampered with.
    fn chosen(spec: &str, n: usize) -> Vec<usize> {
        let injections = Injections::new(&[rule(spec)]);
        let nr = crate::syscalls::by_name("chdir").unwrap().nr;
        let mut counts = Counts::default();
        (1..=n)
            .filter(|_| injections.at_entry(&mut counts, nr).is_some())
            .collect()
    }

    #[test]
    fn when_counts_calls_as_strace_does() {
        assert_eq!(chosen("chdir:error=ENOENT", 4), [1, 2, 3, 4]);
        assert_eq!(chosen("chdir:error=ENOENT:when=3", 8), [3]);
        assert_eq!(chosen("chdir:error=ENOENT:when=3+", 5), [3, 4, 5]);
        assert_eq!(chosen("chdir:error=ENOENT:when=2+3", 9), [2, 5, 8]);
        assert_eq!(chosen("chdir:error=ENOENT:when=2..4", 9), [2, 3, 4]);
        assert_eq!(chosen("chdir:error=ENOENT:when=2..8+3", 12), [2, 5, 8]);
    }

    #[test]
    fn actions_and_bad_specs() {
        let r = rule("chdir:retval=0x2a:signal=USR1:delay_exit=10ms");
        assert_eq!(r.action.result, Some(Fake::Value(42)));
        assert_eq!(r.action.signal, Some(libc::SIGUSR1));
        assert_eq!(r.action.delay_exit, Some(Duration::from_millis(10)));
        assert_eq!(
            rule("chdir:error=ENOENT").action.result,
            Some(Fake::Error(libc::ENOENT))
        );
        let fault = Rule::parse("chdir", true).unwrap();
        assert_eq!(fault.action.result, Some(Fake::Error(libc::ENOSYS)));
        assert_eq!(
            Rule::parse("chdir:error=einval", true)
                .unwrap()
                .action
                .result,
            Some(Fake::Error(libc::EINVAL))
        );
        let pokes = rule("chdir:poke_enter=@arg1=2f00,@arg2=ff")
            .action
            .poke_enter;
        assert_eq!(
            pokes.as_deref(),
            Some(
                &[
                    Poke {
                        arg: 1,
                        data: vec![0x2f, 0]
                    },
                    Poke {
                        arg: 2,
                        data: vec![0xff]
                    }
                ][..]
            )
        );
        for bad in [
            "chdir",
            "chdir:",
            ":error=ENOENT",
            ",,:error=ENOENT",
            "chdir:error=ENOENT:retval=1",
            "chdir:error=EWHAT",
            "chdir:when=0",
            "chdir:when=3..2",
            "chdir:when=65535",
            "chdir:signal=SIGNOPE",
            "chdir:syscall=unlink",
            "chdir:delay_enter=1:delay_enter=2",
            "chdir:delay_enter=-1",
            "chdir:poke_enter=",
            "chdir:poke_enter=@arg8=00",
            "chdir:poke_enter=@arg1=0",
            "chdir:poke_enter=@arg1=zz",
            "chdir:poke_enter=@arg1=00:poke_enter=@arg1=00",
            "chdir:poke_enter=@arg1=00,@arg1=00",
            "chdir:frobnicate=1",
        ] {
            assert!(Rule::parse(bad, false).is_err(), "{bad}");
        }
        assert!(
            Rule::parse("chdir:retval=1", true).is_err(),
            "fault= has no retval"
        );
    }
}
