//! io_uring operations as lines of their own (`io_uring:READ(3, len=4096, off=0) = 4096`):
//! real io_uring users (fio, and a small liburing program: reads, a bad descriptor, a
//! timeout, an SQPOLL ring) traced with the filters, `-c` and JSON. Only the eBPF backend
//! sees operations; the ptrace backend refuses a trace that asks for them by name, in one
//! line, and shows the rest of a default trace as before.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    sync::LazyLock,
};

use regex::Regex;
use tracer_tests::{Backend, Traced, spawn_tracer, strip_pid_prefix, trace, uring_ops_bin};

tracer_tests::both_backends!(
    liburing_reads_show_fd_length_offset_and_result,
    failures_and_timeouts_show_their_errno_and_duration,
    the_default_trace_has_them_and_trace_selects_them,
    result_and_duration_filters_apply,
    sqpoll_submissions_are_the_owners,
    fio_reads_and_writes_are_counted_exactly,
    json_records_and_summary_rows,
    diagnose_lists_slow_operations,
    an_attached_process_operations_are_shown,
    more_in_flight_than_the_kernel_holds_are_counted_lost,
);

const REFUSAL: &str =
    "tracer: -e trace=%io_uring (ptrace cannot see io_uring operations) needs the eBPF backend";

/// A file of known bytes for the reads, one per test (tests run in parallel).
fn data_file(name: &str, len: usize) -> PathBuf {
    let path = std::env::temp_dir().join(format!("tracer-uring-{name}.dat"));
    let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, bytes).expect("writing the data file");
    path
}

/// One operation's line: its name, its arguments, its result and its `-T` time.
#[derive(Debug)]
struct Op {
    name: String,
    args: String,
    result: String,
    secs: Option<f64>,
}

fn ops(t: &Traced) -> Vec<Op> {
    static LINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^io_uring:(\w+)\(([^)]*)\) += (.*?)(?: <(\d+\.\d+)>)?$").unwrap()
    });
    t.lines()
        .into_iter()
        .map(strip_pid_prefix)
        .filter_map(|l| LINE.captures(l))
        .map(|c| Op {
            name: c[1].to_owned(),
            args: c[2].to_owned(),
            result: c[3].to_owned(),
            secs: c.get(4).map(|s| s.as_str().parse().unwrap()),
        })
        .collect()
}

/// `pid N`, the program's first line.
fn program_pid(t: &Traced) -> u32 {
    t.stdout
        .lines()
        .find_map(|l| l.strip_prefix("pid "))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no pid line in {:?}", t.stdout))
}

/// `tracer BACKEND ARGS uring_ops MODE FILE`.
fn run_ops(backend: Backend, args: &[&str], mode: &str, file: &Path) -> Traced {
    let bin = uring_ops_bin();
    let mut all = vec![backend.arg()];
    all.extend_from_slice(args);
    all.extend(["--", bin.to_str().unwrap(), mode, file.to_str().unwrap()]);
    trace(&all)
}

/// ptrace: asked for by name, the operations are refused in one line, and nothing runs.
#[track_caller]
fn refused(t: &Traced) {
    t.expect(t.code() == Some(1), "the trace fails");
    t.expect(t.stderr.trim() == REFUSAL, "one line says why");
    t.expect(t.stdout.is_empty(), "the program was not started");
}

fn liburing_reads_show_fd_length_offset_and_result(backend: Backend) {
    let file = data_file("reads", 32 << 10);
    let t = run_ops(
        backend,
        &["-y", "-e", "trace=%io_uring,openat"],
        "reads",
        &file,
    );
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    t.expect(t.code() == Some(0), "the program's reads all succeed");
    let path = file.display();
    let fd = t
        .calls("openat")
        .iter()
        .find(|l| l.contains(&format!("\"{path}\"")))
        .and_then(|l| l.rsplit("= ").next())
        .and_then(|r| r.split('<').next())
        .map(str::to_owned)
        .expect("the data file's openat");
    let got: Vec<(String, String, String)> = ops(&t)
        .into_iter()
        .map(|o| (o.name, o.args, o.result))
        .collect();
    let want: Vec<(String, String, String)> = [(4096, 0), (2048, 8192), (1024, 16384)]
        .iter()
        .map(|(len, off)| {
            (
                "READ".to_owned(),
                format!("{fd}<{path}>, len={len}, off={off}"),
                len.to_string(),
            )
        })
        .collect();
    t.expect(got == want, &format!("three reads: {got:?}"));
    // Unmistakably apart: no syscall line starts with `io_uring:`, each op line does.
    t.expect(
        t.calls("READ").is_empty() && t.calls("read").is_empty(),
        "no syscall lines for the operations",
    );
}

fn failures_and_timeouts_show_their_errno_and_duration(backend: Backend) {
    let file = data_file("failures", 4096);
    let t = run_ops(backend, &["-T", "-e", "trace=%io_uring"], "badfd", &file);
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    t.expect(t.code() == Some(0), "the read fails as expected");
    let got = ops(&t);
    t.expect(got.len() == 1, "one operation");
    t.expect(
        got[0].name == "READ"
            && got[0].args == "1000, len=4096, off=0"
            && got[0].result == "-1 EBADF (Bad file descriptor)",
        &format!("the bad descriptor's read: {got:?}"),
    );
    let t = run_ops(
        backend,
        &["-T", "-e", "trace=io_uring:timeout"],
        "timeout",
        &file,
    );
    t.expect(t.code() == Some(0), "the timeout expires");
    let got = ops(&t);
    t.expect(
        got.len() == 1 && got[0].name == "TIMEOUT" && got[0].args.is_empty(),
        &format!("one timeout: {got:?}"),
    );
    t.expect(
        got[0].result == "-1 ETIME (Timer expired)",
        "expired, as strace shows an errno",
    );
    // 20 ms from submission to completion.
    let secs = got[0].secs.expect("-T's time");
    t.expect(
        (0.019..1.0).contains(&secs),
        &format!("its duration: {secs}"),
    );
}

fn the_default_trace_has_them_and_trace_selects_them(backend: Backend) {
    let file = data_file("default", 32 << 10);
    // The default trace set is everything, io_uring operations included where they can
    // be seen; ptrace shows the calls as ever, and no word about operations.
    let t = run_ops(backend, &[], "reads", &file);
    t.expect(t.code() == Some(0), "success");
    t.expect(
        !t.calls("io_uring_enter").is_empty(),
        "the syscalls are there",
    );
    let reads = ops(&t).iter().filter(|o| o.name == "READ").count();
    match backend {
        Backend::Ebpf => t.expect(reads == 3, "and the operations"),
        Backend::Ptrace => {
            t.expect(reads == 0, "ptrace sees no operations");
            t.expect(!t.stderr.contains("tracer:"), "and says nothing of them");
        }
    }
    // By name, in any case; a syscall list without them has none.
    let t = run_ops(
        backend,
        &["-e", "trace=io_uring:Read,io_uring_enter"],
        "reads",
        &file,
    );
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    t.expect(
        ops(&t).len() == 3 && t.calls("io_uring_enter").len() == 1,
        "reads and enter",
    );
    let t = run_ops(backend, &["-e", "trace=io_uring:write"], "reads", &file);
    t.expect(ops(&t).is_empty(), "no writes");
    let t = run_ops(
        backend,
        &["-e", "trace=read,io_uring_enter"],
        "reads",
        &file,
    );
    t.expect(
        ops(&t).is_empty() && !t.calls("read").is_empty(),
        "a syscall list leaves them out",
    );
    let t = run_ops(backend, &["-e", "trace=!%io_uring"], "reads", &file);
    t.expect(
        ops(&t).is_empty() && !t.calls("io_uring_enter").is_empty(),
        "all but the operations",
    );
    let t = run_ops(backend, &["-e", "trace=io_uring:nosuch"], "reads", &file);
    t.expect(
        t.code() == Some(1) && t.stderr.trim() == "tracer: invalid io_uring operation 'nosuch'",
        "an unknown operation is refused",
    );
}

fn result_and_duration_filters_apply(backend: Backend) {
    let file = data_file("filters", 32 << 10);
    let only = |args: &[&str], mode: &str| {
        let mut all = args.to_vec();
        all.extend(["-e", "trace=%io_uring"]);
        let t = run_ops(backend, &all, mode, &file);
        if backend == Backend::Ebpf {
            t.expect(t.code() == Some(0), "success");
        }
        t
    };
    // --min-duration: the slow operation (a 20 ms timeout), never the fast reads.
    let t = only(&["--min-duration=10ms"], "reads");
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    t.expect(ops(&t).is_empty(), "fast reads are dropped");
    let t = only(&["--min-duration=10ms"], "timeout");
    t.expect(
        ops(&t).len() == 1 && ops(&t)[0].name == "TIMEOUT",
        "the slow timeout is kept",
    );
    // -z: successful ones only; -Z: failed ones only.
    let t = only(&["-z"], "badfd");
    t.expect(ops(&t).is_empty(), "-z drops the failed read");
    let t = only(&["-z"], "reads");
    t.expect(ops(&t).len() == 3, "-z keeps the reads");
    let t = only(&["-Z"], "reads");
    t.expect(ops(&t).is_empty(), "-Z drops the reads");
    let t = only(&["-Z"], "badfd");
    t.expect(
        ops(&t).len() == 1 && ops(&t)[0].result.starts_with("-1 EBADF"),
        "-Z keeps the failed read",
    );
}

fn sqpoll_submissions_are_the_owners(backend: Backend) {
    let file = data_file("sqpoll", 32 << 10);
    for follow in [true, false] {
        let mut args = vec!["--format=json", "-e", "trace=%io_uring"];
        if follow {
            args.push("-f");
        }
        let t = run_ops(backend, &args, "sqpoll", &file);
        if backend == Backend::Ptrace {
            return refused(&t);
        }
        t.expect(t.code() == Some(0), "the SQPOLL reads succeed");
        let pid = program_pid(&t);
        let reads: Vec<serde_json::Value> = t
            .lines()
            .into_iter()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|r| r["type"] == "io_uring")
            .collect();
        t.expect(reads.len() == 2, &format!("two reads (-f: {follow})"));
        for r in &reads {
            t.expect(
                r["op"] == "READ" && r["len"] == 512 && r["ret"] == 512,
                "512 bytes each",
            );
            t.expect(
                r["pid"] == pid && r["tid"] == pid,
                "the ring's owner, not the iou-sqp thread",
            );
            t.expect(r["sq_thread"] == true, "submitted by the SQPOLL thread");
        }
        let offsets: Vec<i64> = reads.iter().map(|r| r["off"].as_i64().unwrap()).collect();
        t.expect(offsets == [4096, 12288], &format!("offsets {offsets:?}"));
    }
}

/// `-c` rows by name: `(calls, errors)`.
fn op_rows(t: &Traced) -> BTreeMap<String, (u64, u64)> {
    let mut rows = BTreeMap::new();
    let table = t
        .stderr
        .split("io_uring operations (wall-clock time")
        .nth(1)
        .unwrap_or("");
    for line in table.lines() {
        let cells: Vec<&str> = line.split_whitespace().collect();
        if let Some(name) = cells.last().and_then(|n| n.strip_prefix("io_uring:")) {
            let calls = cells[3].parse().unwrap();
            let errors = if cells.len() == 6 {
                cells[4].parse().unwrap()
            } else {
                0
            };
            rows.insert(name.to_owned(), (calls, errors));
        }
    }
    rows
}

fn fio_reads_and_writes_are_counted_exactly(backend: Backend) {
    let file = data_file("fio", 256 << 10);
    let fio = |rw: &str, bs: &str, args: &[&str]| {
        // Tracer options, then after a `--` more fio options.
        let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        let mut all = vec![backend.arg(), "-f"];
        all.extend_from_slice(&args[..split]);
        let name = format!("--filename={}", file.display());
        let bs = format!("--bs={bs}");
        let rw = format!("--rw={rw}");
        all.extend([
            "--",
            "fio",
            "--name=uring",
            "--ioengine=io_uring",
            &name,
            "--size=256k",
            &bs,
            &rw,
            "--iodepth=4",
            "--output=/dev/null",
        ]);
        all.extend_from_slice(args.get(split + 1..).unwrap_or_default());
        trace(&all)
    };
    // 256 KiB in 4 KiB reads: 64 reads, each offset once.
    let t = fio("read", "4k", &["-e", "trace=%io_uring"]);
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    // fio runs its job in a forked process: without -f nothing of it is traced.
    let mut all = vec![backend.arg(), "-e", "trace=%io_uring", "--", "fio"];
    let name = format!("--filename={}", file.display());
    all.extend(["--name=uring", "--ioengine=io_uring", &name, "--size=64k"]);
    all.extend(["--bs=4k", "--rw=read", "--output=/dev/null"]);
    let untraced = trace(&all);
    untraced.expect(
        untraced.code() == Some(0) && ops(&untraced).is_empty(),
        "without -f, no operations of fio's job process",
    );
    t.expect(t.code() == Some(0), "fio succeeds");
    let reads = ops(&t);
    let mut offsets: Vec<u64> = reads
        .iter()
        .map(|o| {
            t.expect(o.name == "READ" && o.result == "4096", "4 KiB reads");
            let off = o.args.rsplit("off=").next().unwrap();
            t.expect(o.args.contains("len=4096"), "of 4096 bytes");
            off.parse().unwrap()
        })
        .collect();
    offsets.sort_unstable();
    let want: Vec<u64> = (0..64).map(|i| i * 4096).collect();
    t.expect(
        offsets == want,
        &format!("64 reads, each offset once: {offsets:?}"),
    );
    // -c: their own rows, counted exactly: 32 writes of 8 KiB.
    let t = fio("write", "8k", &["-c", "-e", "trace=%io_uring"]);
    t.expect(t.code() == Some(0), "fio succeeds");
    let rows = op_rows(&t);
    t.expect(
        rows.get("WRITE") == Some(&(32, 0)),
        &format!("32 writes: {rows:?}"),
    );
    t.expect(!rows.contains_key("READ"), "and no reads");
    // Registered files: the index, not a descriptor.
    let t = fio(
        "read",
        "64k",
        &["-e", "trace=%io_uring", "--", "--registerfiles=1"],
    );
    let reads = ops(&t);
    t.expect(
        reads.len() == 4
            && reads
                .iter()
                .all(|o| o.args.starts_with("fixed_file=0, len=65536, off=")),
        "four reads of registered file 0",
    );
}

fn json_records_and_summary_rows(backend: Backend) {
    let file = data_file("json", 4096);
    let t = run_ops(
        backend,
        &["--format=json", "-y", "-e", "trace=%io_uring"],
        "badfd",
        &file,
    );
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    let pid = program_pid(&t);
    let records: Vec<serde_json::Value> = t
        .lines()
        .into_iter()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .filter(|r: &serde_json::Value| r["type"] == "io_uring")
        .collect();
    t.expect(records.len() == 1, "one record");
    let r = &records[0];
    t.expect(
        r["op"] == "READ"
            && r["opcode"] == 22
            && r["fd"] == 1000
            && r["ret"] == -1
            && r["errno"] == "EBADF"
            && r["pid"] == pid
            && r["sq_thread"] == false,
        &format!("the failed read: {r}"),
    );
    // -c: the operations' rows beside the syscalls'.
    let t = run_ops(backend, &["-c"], "timeout", &file);
    let rows = op_rows(&t);
    t.expect(
        rows.get("TIMEOUT") == Some(&(1, 1)),
        &format!("one failed timeout: {rows:?}"),
    );
    t.expect(
        t.stderr.contains("io_uring_enter\n") || t.stderr.contains(" io_uring_enter"),
        "the syscalls' table is still there",
    );
}

fn diagnose_lists_slow_operations(backend: Backend) {
    let file = data_file("diagnose", 4096);
    // The default trace set: eBPF has the operations, ptrace only the calls.
    let t = run_ops(backend, &["--diagnose"], "timeout", &file);
    t.expect(t.code() == Some(0), "success");
    let slow: Vec<&str> = t
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("Slow calls"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    let listed = slow
        .iter()
        .any(|l| l.ends_with("io_uring:TIMEOUT() = -1 ETIME (Timer expired)"));
    match backend {
        Backend::Ebpf => t.expect(listed, "the 20 ms timeout is a slow operation"),
        Backend::Ptrace => t.expect(!listed, "ptrace sees no operations"),
    }
}

fn an_attached_process_operations_are_shown(backend: Backend) {
    let file = data_file(&format!("attach-{backend:?}"), 4096);
    let stop = PathBuf::from(format!("{}.stop", file.display()));
    let _ = std::fs::remove_file(&stop);
    let mut program = std::process::Command::new(uring_ops_bin())
        .args(["paced".as_ref(), file.as_os_str()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("the paced reader");
    let pid = program.id().to_string();
    let (mut tracer, mut lines) =
        spawn_tracer(&[backend.arg(), "-e", "trace=%io_uring", "-p", &pid]);
    match backend {
        Backend::Ebpf => {
            // Reads made after the attach are shown, as the process's own (the trace
            // goes to a pipe: written in batches, so one read is enough to wait for).
            let read = |l: &str| {
                l.starts_with("io_uring:READ(3, len=4096, off=0)") && l.ends_with(" = 4096")
            };
            lines.wait_for("a read", std::time::Duration::from_secs(20), |seen| {
                seen.lines().any(read)
            });
            // A few more (one every 20 ms), then the program stops and the trace ends.
            std::thread::sleep(std::time::Duration::from_millis(200));
            std::fs::write(&stop, b"").expect("the stop file");
            let status = tracer.wait().expect("the tracer");
            let seen = lines.finish();
            assert!(status.success(), "{seen}");
            let ops: Vec<&str> = seen
                .lines()
                .filter(|l| l.starts_with("io_uring:"))
                .collect();
            assert!(
                ops.len() >= 2 && ops.iter().all(|l| read(l)),
                "reads until the stop: {seen}"
            );
        }
        Backend::Ptrace => {
            let status = tracer.wait().expect("the tracer");
            std::fs::write(&stop, b"").expect("the stop file");
            let seen = lines.finish();
            assert!(
                status.code() == Some(1) && seen.trim() == REFUSAL,
                "refused in one line: {seen}"
            );
        }
    }
    let status = program.wait().expect("the paced reader");
    assert!(status.success(), "its reads all succeeded, traced or not");
    let _ = std::fs::remove_file(&stop);
}

fn more_in_flight_than_the_kernel_holds_are_counted_lost(backend: Backend) {
    let file = data_file("flood", 4096);
    let out = std::env::temp_dir().join(format!("tracer-uring-flood-{backend:?}.txt"));
    let out_arg = out.to_str().unwrap().to_owned();
    // 9000 timeouts in flight at once; the kernel keeps 8192 pending operations.
    let t = run_ops(
        backend,
        &["-e", "trace=%io_uring", "-o", &out_arg],
        "flood",
        &file,
    );
    if backend == Backend::Ptrace {
        return refused(&t);
    }
    t.expect(t.code() == Some(0), "the timeouts all expire");
    t.expect(t.stdout.contains("9000 timeouts"), "9000 of them");
    let trace = std::fs::read_to_string(&out).expect("the trace file");
    let _ = std::fs::remove_file(&out);
    let shown = trace
        .lines()
        .filter(|l| {
            l.starts_with("io_uring:TIMEOUT() ") && l.ends_with("= -1 ETIME (Timer expired)")
        })
        .count() as u64;
    let marked: u64 = trace
        .lines()
        .filter_map(|l| l.strip_prefix("... "))
        .filter_map(|l| l.split_once(" io_uring operation"))
        .map(|(n, _)| n.parse::<u64>().unwrap())
        .sum();
    t.expect(
        marked > 0 && shown + marked == 9000,
        &format!(
            "shown {shown} + lost {marked} = 9000:\n{}",
            &trace[trace.len().saturating_sub(500)..]
        ),
    );
    t.expect(
        t.stderr.contains(&format!(
            "tracer: {marked} events lost ({marked} io_uring operations)"
        )),
        "and said at exit",
    );
}
