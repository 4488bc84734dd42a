//! `--pidns-translation` (`-e decode-pids=pidns`): a pid as a task in another PID
//! namespace names it (an argument, a result), in the tracer's namespace, for strace's
//! `2 /* 3724 in strace's PID NS */`. Found through `/proc`'s `NSpid:`, `NSpgid:` and
//! `NSsid:` lines, which list a task's ids from `/proc`'s namespace down to its own: the
//! caller's line says its depth, and the task (or group, or session: one number space)
//! with the pid at that depth gives the number at the tracer's depth. `/proc` may belong
//! to another namespace than the tracer's (`unshare -p` without a new `/proc`): the
//! tracer's own depth in it is read from `/proc/self` and its tids are found the same way.
//! Lookups are cached and checked again on use (pids are reused).

use std::{
    collections::HashMap,
    fs,
    sync::{Mutex, OnceLock},
};

/// The ids of task `dir` (`/proc/N` or `/proc/N/task/T`) on its `NSpid:`, `NSpgid:` and
/// `NSsid:` lines.
fn ids(dir: &str) -> Option<[Vec<u32>; 3]> {
    let status = fs::read_to_string(format!("{dir}/status")).ok()?;
    let line = |name: &str| -> Option<Vec<u32>> {
        let line = status.lines().find_map(|l| l.strip_prefix(name))?;
        line.split_whitespace().map(|n| n.parse().ok()).collect()
    };
    Some([line("NSpid:")?, line("NSpgid:")?, line("NSsid:")?])
}

fn namespace(dir: &str) -> Option<std::path::PathBuf> {
    fs::read_link(format!("{dir}/ns/pid")).ok()
}

/// The tracer's depth in `/proc`'s namespace (0 when `/proc` is its own).
fn own_depth() -> usize {
    static DEPTH: OnceLock<usize> = OnceLock::new();
    *DEPTH.get_or_init(|| ids("/proc/self").map_or(0, |[pid, ..]| pid.len().saturating_sub(1)))
}

/// Every task directory of `/proc`, threads included.
fn tasks() -> impl Iterator<Item = String> {
    let numbered = |dir: &str| {
        fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.parse::<u32>().is_ok())
            })
            .map(|e| e.path().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    };
    numbered("/proc").into_iter().flat_map(move |process| {
        let threads = numbered(&format!("{process}/task"));
        std::iter::once(process.clone()).chain(threads.into_iter().filter(move |t| {
            // The main thread is the process itself.
            t.rsplit('/').next() != process.rsplit('/').next()
        }))
    })
}

/// `/proc`'s directory of task `tid` (as the tracer numbers it).
fn dir_of(tid: u32) -> Option<String> {
    let depth = own_depth();
    if depth == 0 {
        return Some(format!("/proc/{tid}"));
    }
    // Other namespaces at the tracer's depth (other `unshare -p`s, containers) have their
    // own task `tid`: the one wanted is in the tracer's namespace or below it.
    tasks().find(|dir| {
        ids(dir).is_some_and(|[pid, ..]| pid.get(depth) == Some(&tid)) && under_own(dir, depth)
    })
}

/// `/proc`'s directory of task `tid` (as the tracer numbers it), for reading what it
/// has open: `/proc/TID` itself unless `/proc` belongs to an outer namespace, where the
/// task's directory found once is kept while it is still that task.
pub fn proc_dir(tid: u32) -> Option<String> {
    static CACHE: OnceLock<Mutex<HashMap<u32, String>>> = OnceLock::new();
    let depth = own_depth();
    if depth == 0 {
        return Some(format!("/proc/{tid}"));
    }
    let cache = CACHE.get_or_init(Mutex::default);
    let cached = cache.lock().ok()?.get(&tid).cloned();
    if let Some(dir) = cached
        && ids(&dir).is_some_and(|[pid, ..]| pid.get(depth) == Some(&tid))
    {
        return Some(dir);
    }
    let dir = dir_of(tid)?;
    cache.lock().ok()?.insert(tid, dir.clone());
    Some(dir)
}

/// Whether task `dir`, which has an id at the tracer's `depth`, is in the tracer's
/// namespace or one nested in it: its nearest ancestor at that depth is in the tracer's
/// (a namespace's first task is the child of a task of the namespace above).
fn under_own(dir: &str, depth: usize) -> bool {
    let Some(own) = namespace("/proc/self") else {
        return false;
    };
    let mut dir = dir.to_string();
    // Bounded: a parent chain ends at /proc's first task.
    for _ in 0..64 {
        let Some([pid, ..]) = ids(&dir) else {
            return false;
        };
        if pid.len() == depth + 1 {
            return namespace(&dir).is_some_and(|ns| ns == own);
        }
        let Some(parent) = fs::read_to_string(format!("{dir}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("PPid:")?.trim().parse::<u32>().ok())
            })
            .filter(|&p| p > 0)
        else {
            return false;
        };
        dir = format!("/proc/{parent}");
    }
    false
}

/// Whether task `dir` has `pid` (as a task, group or session id) at `depth`, in the
/// caller's namespace `ns` itself; if so, that id at the tracer's depth. (A task of a
/// namespace nested in the caller's is not looked at: a sibling namespace at the same
/// depth could not be told apart without walking namespace parents.)
fn matches(dir: &str, pid: u32, depth: usize, ns: &std::path::Path) -> Option<u32> {
    let all = ids(dir)?;
    let found = all.iter().find(|v| v.get(depth) == Some(&pid))?;
    (all[0].len() == depth + 1 && namespace(dir).as_deref() == Some(ns))
        .then(|| found.get(own_depth()).copied())
        .flatten()
}

/// Tasks' ids in their own namespaces as the eBPF programs took them at their calls
/// (`TaskIdsRecord`): what `/proc` would say, kept after the task is gone.
#[derive(Default)]
struct Learned {
    /// A task's namespace (its `ns/pid` inode), by tid in the tracer's namespace.
    ns_of: HashMap<u32, u32>,
    /// By namespace and id in it (a task's, a process's, a group's, a session's): the id
    /// in the tracer's namespace.
    ids: HashMap<(u32, u32), u32>,
}

fn learned() -> &'static Mutex<Learned> {
    static LEARNED: OnceLock<Mutex<Learned>> = OnceLock::new();
    LEARNED.get_or_init(Mutex::default)
}

/// The inode of the tracer's own pid namespace.
fn own_namespace() -> Option<u32> {
    static OWN: OnceLock<Option<u32>> = OnceLock::new();
    *OWN.get_or_init(|| {
        let link = namespace("/proc/self")?;
        link.to_str()?
            .strip_prefix("pid:[")?
            .strip_suffix(']')?
            .parse()
            .ok()
    })
}

/// The initial pid namespace's inode (`PROC_PID_INIT_INO`), whose ids the records'
/// group and session ids are.
const INITIAL_NAMESPACE: u32 = 0xEFFF_FFFC;

/// Keeps what `ids` says of a task: its ids in its namespace and ours.
pub fn learn(ids: &tracer_common::TaskIdsRecord) {
    let Some(own) = own_namespace() else { return };
    if ids.ns_inum == own {
        return;
    }
    let Ok(mut learned) = learned().lock() else {
        return;
    };
    let ns = ids.ns_inum;
    learned.ns_of.insert(ids.tid, ns);
    let [tid, tgid, pgid, sid] = ids.ids;
    learned.ids.insert((ns, tid), ids.tid);
    learned.ids.insert((ns, tgid), ids.tgid);
    // A group's or session's id is its leader's, in every namespace: ours as the records
    // give it when the tracer is in the initial namespace.
    if own == INITIAL_NAMESPACE {
        for (theirs, ours) in [(pgid, ids.pgid), (sid, ids.sid)] {
            if theirs != 0 && ours != 0 {
                learned.ids.insert((ns, theirs), ours);
            }
        }
    }
}

/// Keeps that task `ours` is `theirs` in the namespace of `caller` (a fork's result),
/// when [`learn`] has told that namespace.
pub fn learn_child(caller: u32, theirs: u32, ours: u32) {
    let Ok(mut learned) = learned().lock() else {
        return;
    };
    if let Some(&ns) = learned.ns_of.get(&caller) {
        learned.ids.insert((ns, theirs), ours);
    }
}

/// What [`learn`] knows of `pid` as `caller` names it: `Some(None)` when the caller is in
/// the tracer's namespace, `None` when it knows nothing of the caller or of `pid`.
fn from_learned(caller: u32, pid: u32) -> Option<Option<u32>> {
    let learned = learned().lock().ok()?;
    if learned.ns_of.is_empty() {
        return None;
    }
    let ns = learned.ns_of.get(&caller)?;
    Some(Some(*learned.ids.get(&(*ns, pid))?))
}

/// `pid` as task `caller` (a tid in the tracer's namespace) names it, in the tracer's
/// namespace; `None` when the caller shares the tracer's namespace or nothing has it.
pub fn translate(caller: u32, pid: i32) -> Option<u32> {
    static CACHE: OnceLock<Mutex<HashMap<(std::path::PathBuf, u32), String>>> = OnceLock::new();
    let pid = u32::try_from(pid).ok().filter(|&p| p > 0)?;
    if let Some(found) = from_learned(caller, pid) {
        return found;
    }
    let caller_dir = dir_of(caller)?;
    let [caller_ids, ..] = ids(&caller_dir)?;
    let depth = caller_ids.len().checked_sub(1)?;
    if depth <= own_depth() {
        return None;
    }
    let ns = namespace(&caller_dir)?;
    let cache = CACHE.get_or_init(Mutex::default);
    let key = (ns, pid);
    let cached = cache.lock().ok()?.get(&key).cloned();
    if let Some(dir) = cached
        && let Some(ours) = matches(&dir, pid, depth, &key.0)
    {
        return Some(ours);
    }
    let (dir, ours) =
        tasks().find_map(|dir| Some((dir.clone(), matches(&dir, pid, depth, &key.0)?)))?;
    cache.lock().ok()?.insert(key, dir);
    Some(ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// getpid--pidns-translation.c: `getpid() = 4 /* 23760 in strace's PID NS */` for a
    /// process gone before its call is decoded, from the ids taken at the call.
    #[test]
    fn ids_taken_at_the_call_translate_after_the_task_is_gone() {
        let ids = tracer_common::TaskIdsRecord {
            kind: tracer_common::kind::TASK_IDS,
            tid: 4_000_001,
            tgid: 4_000_000,
            level: 1,
            ns_inum: 4_026_000_001,
            ids: [5, 4, 4, 2],
            pgid: 4_000_000,
            sid: 3_999_998,
        };
        learn(&ids);
        // fork--pidns-translation.c: `fork() = 2 /* 1860 in strace's PID NS */`, the
        // child making no call of its own.
        learn_child(4_000_001, 7, 4_000_007);
        assert_eq!(translate(4_000_001, 7), Some(4_000_007));
        assert_eq!(translate(4_000_001, 4), Some(4_000_000));
        assert_eq!(translate(4_000_001, 5), Some(4_000_001));
        if own_namespace() == Some(INITIAL_NAMESPACE) {
            assert_eq!(translate(4_000_001, 2), Some(3_999_998));
        }
    }

    #[test]
    fn a_pid_of_the_tracers_own_namespace_needs_no_translation() {
        let me = std::process::id();
        assert_eq!(translate(me, me as i32), None);
        assert_eq!(translate(me, 0), None);
        assert_eq!(translate(me, -5), None);
    }
}
