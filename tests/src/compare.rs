//! Comparing a trace with strace's: both are normalised (alignment, calls split by other
//! tasks' lines joined, run-dependent values masked), then paired line by line on what
//! every line must agree on (name, return value, errno) and compared in full.
//!
//! What is masked: addresses, ids of the run's processes and SysV IPC objects, times
//! (time stamps, `-T` durations, timespecs and IPC times), ports, inode numbers in `-y`
//! names, `getrandom`'s bytes, temporary files' random names, `sysinfo`, free space. Signal lines are compared as a set (where one lands,
//! and how many of a kind merge while pending, depends on timing); `rt_sigreturn` and
//! `ERESTART*` lines left unpaired are not compared.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::{Captures, Regex};

macro_rules! re {
    ($name:ident, $re:literal) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($re).unwrap());
    };
}

re!(ALIGN, r"\) +=( |$)");
// `[pid N] ` on a terminal, `N ` in a file (`-o`).
re!(PID_PREFIX, r"^(?:\[pid +(\d+)\]|(\d+)) +");
re!(
    STAMP,
    r"^(?:\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?|\d{9,}\.\d{1,9}|\s*\d+\.\d{6})(?: \(\+\s*\d+\.\d{6}\))? "
);
re!(DURATION, r" <\d+\.\d+>$");
re!(RESUMED, r"^<\.\.\. ([a-z0-9_]+) resumed>");
re!(ADDR, r"0x[0-9a-f]+");
re!(HEX_RUN, r"[0-9a-f]{8,}");
// Names made unique by random letters (`mkstemp`): git's objects and locks.
re!(TEMP_NAME, r"(tmp_obj_|\.git/t)[A-Za-z0-9]{6}\b");
// An address range of `/proc/PID/maps`.
re!(MAPS_RANGE, r"[0-9a-f]{8,}-[0-9a-f]{8,}");
re!(PORT, r"htons\(\d+\)");
re!(TIMESPEC, r"tv_sec=\d+, tv_(?:nsec|usec)=\d+");
re!(DATE, r" /\* \d{4}-\d\d-\d\dT[^*]*\*/");
re!(IPC_TIME, r"_[a-z]?time=\d+");
// What changes on a file system between two runs.
re!(FS_FREE, r"\bf_(bfree|bavail|ffree)=\d+");
re!(
    SIGNAL_TIMES,
    r"si_utime=\d+(?: /\* [^*]* \*/)?, si_stime=\d+(?: /\* [^*]* \*/)?"
);
re!(RANDOM, r#"^getrandom\("(?:[^"\\]|\\.)*"(\.\.\.)?"#);
re!(SYSINFO, r"^sysinfo\(\{.*\}\)");
re!(TIMES, r"^times\((.*)\) = \d+");
re!(FD_NAME, r":\[[^\]]*\]");
// A UNIX socket's address the kernel chose (autobind: five hex digits, abstract).
re!(AUTOBIND, r#"@"[0-9a-f]{5}""#);
re!(NUMBER, r"\b\d{3,}\b");
// A call and its result; a descriptor result's `-y` name (`= 3</etc/passwd>`) is not
// part of the value.
re!(
    LINE,
    r"^([a-z0-9_]+)\((.*)\) = (\?|0x[0-9a-f]+|-?\d+)(?:<.*>)?(?: ([A-Z][A-Z0-9_]+) \(.*\))?(?:$| )"
);
re!(CALL_NAME, r"(?:^|\s)([a-z_][a-z0-9_]*)\(");

/// Calls whose return value is a process or thread id.
const PID_CALLS: &[&str] = &[
    "getpid",
    "gettid",
    "getppid",
    "set_tid_address",
    "clone",
    "clone3",
    "fork",
    "vfork",
    "wait4",
    "waitid",
    "getpgrp",
    "getpgid",
    "getsid",
    "setsid",
];

/// Calls whose return value is a SysV IPC id.
const IPC_ID_CALLS: &[&str] = &["shmget", "semget", "msgget"];
/// Calls whose first argument is one (their `get` may not be in the trace set).
const IPC_ID_USERS: &[&str] = &[
    "shmat",
    "shmctl",
    "semop",
    "semtimedop",
    "semctl",
    "msgsnd",
    "msgrcv",
    "msgctl",
];

/// A line split into what precedes the call and the call itself.
struct Parts<'a> {
    pid: Option<&'a str>,
    stamp: &'a str,
    call: &'a str,
}

fn parts(line: &str) -> Parts<'_> {
    let (pid, rest) = match PID_PREFIX.captures(line) {
        Some(c) => (
            c.get(1).or(c.get(2)).map(|m| m.as_str()),
            &line[c.get(0).expect("match").end()..],
        ),
        None => (None, line),
    };
    let (stamp, call) = match STAMP.find(rest) {
        Some(m) => rest.split_at(m.end()),
        None => ("", rest),
    };
    Parts { pid, stamp, call }
}

/// The lines of a trace with alignment removed, messages (`strace: ...`) dropped and
/// each call split by another task's lines (`foo(1 <unfinished ...>` ... `<... foo
/// resumed>) = 0`) joined into one line where it finished, stamped when it started.
pub fn normalize(trace: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // By task: the start of its unfinished call's line.
    let mut open: HashMap<String, String> = HashMap::new();
    for raw in trace.lines() {
        if raw.starts_with("strace: ") || raw.starts_with("tracer: ") || raw.is_empty() {
            continue;
        }
        let line = ALIGN.replace_all(raw, ") =$1").into_owned();
        let p = parts(&line);
        let task = p.pid.unwrap_or("").to_owned();
        // A call in progress when the trace let go of its task: strace ends the line
        // printed last `<detached ...>` and the others (cut by it) `<unfinished ...>`,
        // an order that varies between runs; both are calls never finished.
        let pending = p
            .call
            .strip_suffix(" <unfinished ...>")
            .or_else(|| p.call.strip_suffix(" <detached ...>"));
        if let Some(head) = pending {
            let prefix = &line[..line.len() - p.call.len()];
            open.insert(task, format!("{prefix}{head}"));
            continue;
        }
        if let Some(m) = RESUMED.find(p.call)
            && let Some(head) = open.remove(&task)
        {
            // Where it finished, as a tracer that shows whole calls prints it.
            out.push(format!("{head}{}", &p.call[m.end()..]));
            continue;
        }
        out.push(line);
    }
    // Calls never resumed (the trace ended, a task was detached) stay unfinished, last,
    // whichever way strace ended their lines.
    let mut left: Vec<String> = open
        .into_values()
        .map(|head| format!("{head} <unfinished ...>"))
        .collect();
    left.sort();
    out.extend(left);
    out
}

/// What every line must agree on: name, return value, errno.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub name: String,
    ret: String,
    errno: String,
}

/// Ids this run's processes and IPC objects had, from the calls that return them.
fn run_ids(lines: &[String]) -> HashSet<String> {
    let mut ids = HashSet::new();
    for line in lines {
        let p = parts(line);
        if let Some(pid) = p.pid {
            ids.insert(pid.to_owned());
        }
        let call = DURATION.replace(p.call, "");
        if let Some(c) = LINE.captures(&call) {
            if (PID_CALLS.contains(&&c[1]) || IPC_ID_CALLS.contains(&&c[1])) && c[3].len() >= 3 {
                ids.insert(c[3].to_owned());
            }
            if IPC_ID_USERS.contains(&&c[1])
                && let Some(id) = c[2].split(',').next().filter(|a| a.len() >= 3)
            {
                ids.insert(id.to_owned());
            }
        }
    }
    ids
}

/// The key of a line (`ids`: the run's process and IPC ids): `0x1` and `1` are the same
/// value, addresses and ids are masked.
fn key(line: &str, ids: &HashSet<String>) -> Key {
    let call = DURATION.replace(parts(line).call, "").into_owned();
    match LINE.captures(&call) {
        Some(c) => {
            let ret = &c[3];
            let value = match ret.strip_prefix("0x") {
                Some(hex) => i64::from_str_radix(hex, 16).ok(),
                None => ret.parse::<i64>().ok(),
            };
            let ret = match value {
                _ if ids.contains(ret) => "ID".to_owned(),
                Some(v) if v > 0xffff && ret.starts_with("0x") => "ADDR".to_owned(),
                _ if c[1] == *"times" => "TICKS".to_owned(),
                Some(v) => v.to_string(),
                None => ret.to_owned(),
            };
            Key {
                name: c[1].to_owned(),
                ret,
                errno: c.get(4).map_or("", |m| m.as_str()).to_owned(),
            }
        }
        // `+++ exited with 0 +++` and anything unexpected: the whole line, masked.
        None => Key {
            name: mask_line(line, ids),
            ret: String::new(),
            errno: String::new(),
        },
    }
}

/// Replaces the run-dependent values of one line.
fn mask_line(line: &str, ids: &HashSet<String>) -> String {
    let p = parts(line);
    let pid = p.pid.map_or(String::new(), |_| "[pid ID] ".to_owned());
    let stamp = p.stamp.replace(|c: char| c.is_ascii_digit(), "N");
    let call = DURATION.replace(p.call, |c: &Captures| {
        c[0].replace(|ch: char| ch.is_ascii_digit(), "N")
    });
    let call = RANDOM.replace(&call, "getrandom(RANDOM");
    let call = SYSINFO.replace(&call, "sysinfo({SYSINFO})");
    let call = TIMES.replace(&call, "times($1) = TICKS");
    let call = ADDR.replace_all(&call, "0xADDR");
    let call = MAPS_RANGE.replace_all(&call, "HEX-HEX");
    let call = TEMP_NAME.replace_all(&call, "${1}XXXXXX");
    // Addresses without their 0x (`/proc/self/maps`), hashes: hex runs with a letter.
    let call = HEX_RUN.replace_all(&call, |c: &Captures| {
        if c[0].bytes().any(|b| b.is_ascii_alphabetic()) {
            "HEX".to_owned()
        } else {
            c[0].to_owned()
        }
    });
    let call = PORT.replace_all(&call, "htons(PORT)");
    let call = TIMESPEC.replace_all(&call, "tv_sec=S, tv_nsec=NS");
    let call = DATE.replace_all(&call, " /* DATE */");
    let call = SIGNAL_TIMES.replace_all(&call, "si_utime=T, si_stime=T");
    let call = IPC_TIME.replace_all(&call, "_time=T");
    let call = FS_FREE.replace_all(&call, "f_$1=N");
    let call = AUTOBIND.replace_all(&call, "@\"AUTOBIND\"");
    // `-y` names of pipes, sockets, anonymous inodes: inode numbers, ports.
    let call = FD_NAME.replace_all(&call, |c: &Captures| {
        c[0].replace(|ch: char| ch.is_ascii_digit(), "N")
    });
    let call = NUMBER.replace_all(&call, |c: &Captures| {
        if ids.contains(&c[0]) {
            "ID".to_owned()
        } else {
            c[0].to_owned()
        }
    });
    format!("{pid}{stamp}{call}")
}

/// A trace's lines, masked (`ids`: the process and IPC ids to hide), each with its key.
pub fn mask(lines: &[String], ids: &HashSet<String>) -> Vec<(String, Key)> {
    lines
        .iter()
        .map(|l| (mask_line(l, ids), key(l, ids)))
        .collect()
}

/// `-c`'s table as comparable rows: `name calls errors`, sorted by name (the times,
/// and so the order, differ between runs).
pub fn summary_rows(trace: &str) -> Vec<(String, Key)> {
    let mut rows: Vec<(String, Key)> = trace
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // % time, seconds, usecs/call, calls, [errors,] syscall
            let numeric = f.len() >= 5 && f[..4].iter().all(|x| x.parse::<f64>().is_ok());
            if !numeric {
                return None;
            }
            let name = f[f.len() - 1].to_owned();
            // The sum of the other rows: a difference there is counted once, in its row.
            if name == "total" {
                return None;
            }
            let errors = if f.len() == 6 { f[4] } else { "" };
            // How many signals were handled, and whether one cut a call short, depends
            // on timing, as the lines of these calls do (`timing_dependent`).
            let text = if name == "rt_sigreturn" {
                name.clone()
            } else {
                format!("{name} calls={} errors={errors}", f[3])
            };
            let key = Key {
                name: name.clone(),
                ret: String::new(),
                errno: String::new(),
            };
            Some((text, key))
        })
        .collect();
    rows.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    rows
}

// What a masked line's prefix became: `[pid ID] ` and a time stamp's digits as `N`.
re!(
    MASKED_PREFIX,
    r"^(?:\[pid ID\] )?(?:\s*N[N:.]*(?: \(\+\s*N\.N+\))? )?"
);

/// The call (or signal, or exit) of a masked line.
fn masked_call(line: &str) -> &str {
    let end = MASKED_PREFIX.find(line).map_or(0, |m| m.end());
    &line[end..]
}

/// Lines whose place depends on when a signal arrived.
fn timing_dependent(line: &str) -> bool {
    let call = masked_call(line);
    call.starts_with("rt_sigreturn(") || call.contains("= ? ERESTART")
}

/// Pairs the lines of `a` and `b` with equal keys, in order (a longest common
/// subsequence). Returns pairs of indices; unpaired lines are the rest.
fn pair(a: &[Key], b: &[Key]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let (mut i, mut j, mut pairs) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            pairs.push((i, j));
            i += 1;
            j += 1;
        } else if lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

#[derive(Debug, Default)]
pub struct Comparison {
    /// Lines compared: paired ones, those only one side printed, distinct signals.
    pub total: usize,
    pub exact: usize,
    /// (strace, tracer) lines paired by key but differing in text.
    pub differ: Vec<(String, String)>,
    /// Lines only one side printed, timing-dependent ones excluded.
    pub only_strace: Vec<String>,
    pub only_tracer: Vec<String>,
    /// Lines not compared: unpaired timing-dependent calls.
    pub skipped: Vec<String>,
    /// The distinct signal lines of each side, sorted: compared as sets.
    pub signals: (Vec<String>, Vec<String>),
}

impl Comparison {
    /// Adds another comparison's counts and lines to these.
    fn add(&mut self, other: Comparison) {
        self.total += other.total;
        self.exact += other.exact;
        self.differ.extend(other.differ);
        self.only_strace.extend(other.only_strace);
        self.only_tracer.extend(other.only_tracer);
        self.skipped.extend(other.skipped);
        self.signals.0.extend(other.signals.0);
        self.signals.1.extend(other.signals.1);
    }

    pub fn percent(&self) -> f64 {
        100.0 * self.exact as f64 / self.total.max(1) as f64
    }

    /// The syscalls (or line kinds) of the lines that differ, for a list of causes.
    pub fn causes(&self) -> Vec<String> {
        // The syscall's name; for other lines (`+++ exited ...`, `--- SIGCHLD`) their
        // first words.
        let name = |l: &str| -> String {
            let l = masked_call(l);
            if let Some(c) = CALL_NAME.captures(l) {
                return c[1].to_owned();
            }
            l.split_whitespace()
                .skip_while(|w| w.starts_with(|c: char| c.is_ascii_digit() || c == 'N'))
                .take(2)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut causes: Vec<String> = Vec::new();
        for (s, _) in &self.differ {
            causes.push(format!("{} differs", name(s)));
        }
        for s in &self.only_strace {
            causes.push(format!("{} only in strace", name(s)));
        }
        for t in &self.only_tracer {
            causes.push(format!("{} only in tracer", name(t)));
        }
        let (s, t) = &self.signals;
        for sig in s.iter().filter(|x| !t.contains(x)) {
            causes.push(format!("{} only in strace", name(sig)));
        }
        for sig in t.iter().filter(|x| !s.contains(x)) {
            causes.push(format!("{} only in tracer", name(sig)));
        }
        causes
    }

    pub fn report(&self, name: &str) -> String {
        let mut s = format!(
            "{name}: {}/{} lines match exactly ({:.1}%), {} differ in text, {} only in strace, \
             {} only in tracer, {} not compared\n",
            self.exact,
            self.total,
            self.percent(),
            self.differ.len(),
            self.only_strace.len(),
            self.only_tracer.len(),
            self.skipped.len(),
        );
        for (a, b) in &self.differ {
            s += &format!("  strace: {a}\n  tracer: {b}\n");
        }
        for a in &self.only_strace {
            s += &format!("  only strace: {a}\n");
        }
        for b in &self.only_tracer {
            s += &format!("  only tracer: {b}\n");
        }
        for l in &self.skipped {
            s += &format!("  not compared: {l}\n");
        }
        if self.signals.0 != self.signals.1 {
            s += &format!(
                "  signals differ:\n    strace: {:?}\n    tracer: {:?}\n",
                self.signals.0, self.signals.1
            );
        }
        s
    }
}

/// Compares two traces (strace's first).
///
/// With several tasks (`-f`), each task's lines are compared with those of its
/// counterpart (see [`Tasks::counterparts`]), so how the tasks' lines interleave, which
/// differs from run to run, does not matter.
pub fn compare(strace: &str, tracer: &str) -> Comparison {
    let (s, t) = (normalize(strace), normalize(tracer));
    let (s_tasks, t_tasks) = (Tasks::of(&s), Tasks::of(&t));
    // Both runs' ids mask both traces: a number that is a pid in one run (4096, once pids
    // wrap) is masked alike in the other, where it may be a size.
    let ids: HashSet<String> = run_ids(&s).union(&run_ids(&t)).cloned().collect();
    let (s_masked, t_masked) = (mask(&s, &ids), mask(&t, &ids));
    let lines = |masked: &[(String, Key)], tasks: &Tasks, pid: &str| -> Vec<(String, Key)> {
        tasks.lines[pid]
            .iter()
            .map(|&i| masked[i].clone())
            .collect()
    };
    let mut total = Comparison::default();
    let pairs = s_tasks.counterparts(&t_tasks, |sp, tp| {
        let keys = |m: &[(String, Key)], tasks: &Tasks, pid: &str| -> Vec<Key> {
            lines(m, tasks, pid).into_iter().map(|(_, k)| k).collect()
        };
        pair(
            &keys(&s_masked, &s_tasks, sp),
            &keys(&t_masked, &t_tasks, tp),
        )
        .len()
    });
    let mut t_used = HashSet::new();
    for (sp, tp) in pairs {
        let theirs = match tp {
            Some(tp) => {
                t_used.insert(tp.to_owned());
                lines(&t_masked, &t_tasks, tp)
            }
            None => Vec::new(),
        };
        total.add(compare_masked(lines(&s_masked, &s_tasks, sp), theirs));
    }
    for pid in t_tasks.order.iter().filter(|p| !t_used.contains(*p)) {
        total.add(compare_masked(Vec::new(), lines(&t_masked, &t_tasks, pid)));
    }
    total
}

/// A trace's lines by task, and which tasks each started.
struct Tasks {
    /// Tasks in the order their first line came.
    order: Vec<String>,
    /// Each task's lines (indices).
    lines: HashMap<String, Vec<usize>>,
    /// The tasks each task's `clone`/`fork` calls returned, in order.
    children: HashMap<String, Vec<String>>,
}

impl Tasks {
    fn of(lines: &[String]) -> Tasks {
        const STARTS: &[&str] = &["clone", "clone3", "fork", "vfork"];
        let mut t = Tasks {
            order: Vec::new(),
            lines: HashMap::new(),
            children: HashMap::new(),
        };
        for (i, line) in lines.iter().enumerate() {
            let p = parts(line);
            let pid = p.pid.unwrap_or("").to_owned();
            if !t.lines.contains_key(&pid) {
                t.order.push(pid.clone());
            }
            t.lines.entry(pid.clone()).or_default().push(i);
            let call = DURATION.replace(p.call, "");
            if let Some(c) = LINE.captures(&call)
                && STARTS.contains(&&c[1])
                && c[3].parse::<i64>().is_ok_and(|v| v > 0)
            {
                t.children.entry(pid).or_default().push(c[3].to_owned());
            }
        }
        t
    }

    /// Each of these tasks with its counterpart in `other`, if it has one: the first
    /// task with the other's first, each task's k-th child with the counterpart's k-th
    /// (when the trace shows the calls that started them), and the tasks left over
    /// (their starts filtered out, threads of an attached process) with the other's
    /// whose lines pair best (`similarity`: paired lines), greedily.
    fn counterparts<'a>(
        &'a self,
        other: &'a Tasks,
        similarity: impl Fn(&str, &str) -> usize,
    ) -> Vec<(&'a str, Option<&'a str>)> {
        let mut out: Vec<(&str, Option<&str>)> = Vec::new();
        let (mut seen, mut theirs_seen) = (HashSet::new(), HashSet::new());
        let mut queue: Vec<(&str, Option<&str>)> = self
            .order
            .first()
            .map(|p| (p.as_str(), other.order.first().map(String::as_str)))
            .into_iter()
            .collect();
        while let Some((pid, counterpart)) = queue.pop() {
            if !self.lines.contains_key(pid) || !seen.insert(pid) {
                continue;
            }
            let counterpart =
                counterpart.filter(|c| other.lines.contains_key(*c) && !theirs_seen.contains(*c));
            if let Some(c) = counterpart {
                theirs_seen.insert(c);
            }
            out.push((pid, counterpart));
            let mine = self.children.get(pid).map_or(&[][..], |c| &c[..]);
            let theirs = counterpart
                .and_then(|c| other.children.get(c))
                .map_or(&[][..], |c| &c[..]);
            for (k, child) in mine.iter().enumerate() {
                queue.push((child, theirs.get(k).map(String::as_str)));
            }
        }
        // The tasks left on both sides, best pairs first.
        let left: Vec<&str> = self
            .order
            .iter()
            .map(String::as_str)
            .filter(|p| !seen.contains(p))
            .collect();
        let theirs_left: Vec<&str> = other
            .order
            .iter()
            .map(String::as_str)
            .filter(|p| !theirs_seen.contains(p))
            .collect();
        let mut scored: Vec<(usize, usize, usize)> = Vec::new();
        for (i, p) in left.iter().enumerate() {
            for (j, q) in theirs_left.iter().enumerate() {
                scored.push((similarity(p, q), i, j));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let (mut used_i, mut used_j) = (HashSet::new(), HashSet::new());
        let mut matched: Vec<(usize, Option<usize>)> = Vec::new();
        for (score, i, j) in scored {
            if score > 0 && !used_i.contains(&i) && !used_j.contains(&j) {
                used_i.insert(i);
                used_j.insert(j);
                matched.push((i, Some(j)));
            }
        }
        matched.extend(
            (0..left.len())
                .filter(|i| !used_i.contains(i))
                .map(|i| (i, None)),
        );
        matched.sort();
        out.extend(
            matched
                .into_iter()
                .map(|(i, j)| (left[i], j.map(|j| theirs_left[j]))),
        );
        out
    }
}

/// Compares two `-c` tables.
pub fn compare_summaries(strace: &str, tracer: &str) -> Comparison {
    compare_masked(summary_rows(strace), summary_rows(tracer))
}

fn compare_masked(strace: Vec<(String, Key)>, tracer: Vec<(String, Key)>) -> Comparison {
    // Calls (with their keys) and, apart and sorted, signal lines.
    let split = |lines: Vec<(String, Key)>| {
        let (signals, calls): (Vec<_>, Vec<_>) = lines
            .into_iter()
            .partition(|(l, _)| masked_call(l).starts_with("--- "));
        let mut signals: Vec<String> = signals
            .into_iter()
            .map(|(l, _)| masked_call(&l).to_owned())
            .collect();
        // As a set: a standard signal sent while one is pending is merged with it, and
        // how often that happens depends on timing.
        signals.sort();
        signals.dedup();
        let (lines, keys): (Vec<String>, Vec<Key>) = calls.into_iter().unzip();
        (lines, keys, signals)
    };
    let (s, sk, s_signals) = split(strace);
    let (t, tk, t_signals) = split(tracer);
    let pairs = pair(&sk, &tk);
    let mut cmp = Comparison::default();
    let (mut paired_s, mut paired_t) = (vec![false; s.len()], vec![false; t.len()]);
    for &(i, j) in &pairs {
        paired_s[i] = true;
        paired_t[j] = true;
        if s[i] == t[j] {
            cmp.exact += 1;
        } else {
            cmp.differ.push((s[i].clone(), t[j].clone()));
        }
    }
    cmp.total = pairs.len();
    for (_, line) in s.iter().enumerate().filter(|(i, _)| !paired_s[*i]) {
        if timing_dependent(line) {
            cmp.skipped.push(format!("strace: {line}"));
        } else {
            cmp.only_strace.push(line.clone());
        }
    }
    for (_, line) in t.iter().enumerate().filter(|(j, _)| !paired_t[*j]) {
        if timing_dependent(line) {
            cmp.skipped.push(format!("tracer: {line}"));
        } else if let Some(k) = cmp.only_strace.iter().position(|s| s == line) {
            // The same line on both sides, in another place: a signal landed elsewhere
            // relative to it, or another task ran first. It matches.
            cmp.only_strace.remove(k);
            cmp.exact += 1;
            cmp.total += 1;
        } else {
            cmp.only_tracer.push(line.clone());
        }
    }
    cmp.total += cmp.only_strace.len() + cmp.only_tracer.len();
    // Each distinct signal line once.
    let both = s_signals.iter().filter(|l| t_signals.contains(l)).count();
    cmp.exact += both;
    cmp.total += s_signals.len() + t_signals.len() - both;
    cmp.signals = (s_signals, t_signals);
    cmp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_paired_masked_and_counted() {
        let strace = "getpid()                                = 4242\n\
                      openat(AT_FDCWD, \"/x\", O_RDONLY) = 3\n\
                      --- SIGCHLD {si_signo=SIGCHLD, si_pid=4243} ---\n\
                      rt_sigreturn({mask=[]})                 = 4243\n\
                      fcntl(3, F_GETFD)                       = 0x1 (flags FD_CLOEXEC)\n\
                      read(3, 0x7ffc0000, 10)                 = -1 EBADF (Bad file descriptor)\n\
                      +++ exited with 0 +++\n";
        let tracer = "getpid()                                = 5151\n\
                      openat(AT_FDCWD, \"/x\", O_RDONLY) = 3\n\
                      fcntl(3, F_GETFD)                       = 1\n\
                      read(3, 0x7ffd0000, 10)                 = -1 EBADF (Bad file descriptor)\n\
                      +++ exited with 0 +++\n";
        let cmp = compare(strace, tracer);
        // 5 paired calls and the signal only strace printed.
        assert_eq!(cmp.total, 6, "{}", cmp.report("self"));
        assert_eq!(cmp.exact, 4, "{}", cmp.report("self"));
        assert_eq!(cmp.differ.len(), 1);
        assert!(cmp.only_strace.is_empty() && cmp.only_tracer.is_empty());
        assert_eq!(cmp.skipped.len(), 1, "rt_sigreturn");
        assert_eq!((cmp.signals.0.len(), cmp.signals.1.len()), (1, 0));
        let cmp = compare(strace, "getpid() = 5151\n+++ exited with 0 +++\n");
        assert_eq!(cmp.only_strace.len(), 3, "{}", cmp.report("self"));
    }

    #[test]
    fn calls_split_by_other_tasks_are_joined() {
        let strace = "[pid  101] read(0,  <unfinished ...>\n\
                      [pid  100] getppid()                = 1\n\
                      [pid  101] <... read resumed>\"go\\n\", 8192) = 3\n\
                      [pid  101] close(3 <unfinished ...>\n";
        let lines = normalize(strace);
        assert_eq!(
            lines,
            [
                "[pid  100] getppid() = 1",
                "[pid  101] read(0, \"go\\n\", 8192) = 3",
                "[pid  101] close(3 <unfinished ...>"
            ]
        );
    }

    #[test]
    fn tasks_pair_by_who_started_them() {
        // The same two children, started in the same order, their lines interleaved
        // differently; `-o` files' `PID ` prefixes.
        let strace = "100 clone(child_stack=NULL, flags=SIGCHLD) = 101\n\
                      100 clone(child_stack=NULL, flags=SIGCHLD) = 102\n\
                      101 write(1, \"a\", 1) = 1\n\
                      102 write(1, \"bb\", 2) = 2\n\
                      100 wait4(-1, NULL, 0, NULL) = 101\n";
        let tracer = "200 clone(child_stack=NULL, flags=SIGCHLD) = 201\n\
                      202 write(1, \"bb\", 2) = 2\n\
                      200 clone(child_stack=NULL, flags=SIGCHLD) = 202\n\
                      201 write(1, \"a\", 1) = 1\n\
                      200 wait4(-1, NULL, 0, NULL) = 201\n";
        let cmp = compare(strace, tracer);
        assert_eq!((cmp.exact, cmp.total), (5, 5), "{}", cmp.report("tasks"));
        // A child that wrote something else does not match.
        let other = tracer.replace("\"a\", 1) = 1", "\"c\", 1) = 1");
        let cmp = compare(strace, &other);
        assert_eq!((cmp.exact, cmp.total), (4, 5), "{}", cmp.report("tasks"));
    }

    #[test]
    fn times_and_names_are_masked() {
        let ids = HashSet::new();
        assert_eq!(
            mask_line("12:34:56.123456 read(3</x>, \"a\", 1) = 1 <0.000012>", &ids),
            "NN:NN:NN.NNNNNN read(3</x>, \"a\", 1) = 1 <N.NNNNNN>"
        );
        assert_eq!(
            mask_line(
                "     0.000123 pipe2([3<pipe:[4567]>, 4<pipe:[4567]>], 0) = 0",
                &ids
            ),
            "     N.NNNNNN pipe2([3<pipe:[NNNN]>, 4<pipe:[NNNN]>], 0) = 0"
        );
        assert_eq!(
            mask_line("1796537557.858731 close(3) = 0", &ids),
            "NNNNNNNNNN.NNNNNN close(3) = 0"
        );
        assert_eq!(
            mask_line(
                "--- SIGCHLD {si_status=0, si_utime=1 /* 0.01 s */, si_stime=0} ---",
                &ids
            ),
            "--- SIGCHLD {si_status=0, si_utime=T, si_stime=T} ---"
        );
        let key_of = |l: &str| key(l, &ids);
        assert_eq!(
            key_of("12:00:00.000001 close(3) = 0 <0.000002>").name,
            "close"
        );
    }

    #[test]
    fn summaries_compare_counts_by_name() {
        let strace = "% time     seconds  usecs/call     calls    errors syscall\n\
                      ------ ----------- ----------- --------- --------- ----------------\n\
                      60.00    0.000060          10         6           mmap\n\
                      40.00    0.000040           4        10         2 openat\n\
                      ------ ----------- ----------- --------- --------- ----------------\n\
                      100.00    0.000100           6        16         2 total\n";
        let tracer = "% time     seconds  usecs/call     calls    errors syscall\n\
                      ------ ----------- ----------- --------- --------- ----------------\n\
                      70.00    0.000070           7        10         2 openat\n\
                      30.00    0.000030           5         6           mmap\n\
                      ------ ----------- ----------- --------- --------- ----------------\n\
                      100.00    0.000100           6        16         2 total\n";
        let cmp = compare_summaries(strace, tracer);
        // The rows, not their sum.
        assert_eq!((cmp.exact, cmp.total), (2, 2), "{}", cmp.report("summary"));
        let fewer = tracer.replace("        10         2 openat", "         9         2 openat");
        let cmp = compare_summaries(strace, &fewer);
        assert_eq!((cmp.exact, cmp.total), (1, 2), "{}", cmp.report("summary"));
    }

    #[test]
    fn calls_never_finished_compare_however_strace_ended_their_lines() {
        let strace = "[pid 10] futex(0x1, FUTEX_WAIT_PRIVATE, 2, NULL <unfinished ...>\n\
                      [pid 11] futex(0x2, FUTEX_WAIT, 10, NULL <detached ...>\n";
        let tracer = "[pid 11] futex(0x2, FUTEX_WAIT, 10, NULL <unfinished ...>\n\
                      [pid 10] futex(0x1, FUTEX_WAIT_PRIVATE, 2, NULL <detached ...>\n";
        let (mut a, mut b) = (normalize(strace), normalize(tracer));
        a.sort();
        b.sort();
        assert_eq!(a, b);
        assert!(a.iter().all(|l| l.ends_with(" <unfinished ...>")), "{a:?}");
    }
}
