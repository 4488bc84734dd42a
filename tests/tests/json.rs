//! `--format=json` is only JSON: every line the trace, `-c`/`-C`, `--interval` and
//! `--diagnose` write is one record that the published schema (docs/json-schema.json)
//! accepts, and the argument values carry their data beside strace's text.

use std::path::PathBuf;

use serde_json::Value;
use tracer_tests::{Backend, trace};

tracer_tests::both_backends!(
    a_trace_is_records_the_schema_accepts,
    summaries_and_intervals_are_records_too,
    a_diagnosis_is_one_record,
    arguments_carry_typed_values,
    io_uring_operations_are_records_too
);

fn calls_bin() -> &'static str {
    env!("CARGO_BIN_EXE_calls")
}

fn validator() -> jsonschema::Validator {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/json-schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the schema")).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// Every line of `text` is a record the schema accepts; returns them.
#[track_caller]
fn records(text: &str) -> Vec<Value> {
    let validator = validator();
    text.lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line)
                .unwrap_or_err(|e| panic!("not JSON ({e}): {line}\n--- all ---\n{text}"));
            let errors: Vec<String> = validator
                .iter_errors(&record)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{line}\n{errors:#?}");
            record
        })
        .collect()
}

/// `Result::unwrap_or_else` with the error, for messages that show the input.
trait UnwrapOrErr<T> {
    fn unwrap_or_err(self, f: impl FnOnce(String) -> T) -> T;
}

impl<T, E: std::fmt::Display> UnwrapOrErr<T> for Result<T, E> {
    fn unwrap_or_err(self, f: impl FnOnce(String) -> T) -> T {
        self.unwrap_or_else(|e| f(e.to_string()))
    }
}

fn types(records: &[Value]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect()
}

fn a_trace_is_records_the_schema_accepts(backend: Backend) {
    // Calls, a child's SIGCHLD, exits of several processes; a read shown while it blocks.
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-f",
        "-yy",
        "--",
        calls_bin(),
        "tree",
    ]);
    t.expect(t.code() == Some(0), "success");
    let all = records(&t.stderr);
    let kinds = types(&all);
    for kind in ["call", "signal", "exit"] {
        t.expect(kinds.contains(&kind), kind);
    }
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-f",
        "--",
        calls_bin(),
        "slow-read",
        // Well past the 200 ms after which a blocked call is shown, even on a busy host.
        "1500",
    ]);
    let all = records(&t.stderr);
    t.expect(
        all.iter()
            .any(|r| r["type"] == "entered" && r["syscall"] == "read"),
        "the blocked read is shown entered",
    );
}

fn summaries_and_intervals_are_records_too(backend: Backend) {
    let out = std::env::temp_dir().join(format!("tracer-json-summary-{backend:?}.jsonl"));
    // The reproduction: -C -o FILE appended a text table to the JSON lines.
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-C",
        "--histogram",
        "--interval=150ms",
        "-f",
        "-o",
        out.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        "cat /etc/hostname > /dev/null; sleep 0.4; cat /etc/hostname > /dev/null",
    ]);
    t.expect(t.code() == Some(0), "success");
    let text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    let all = records(&text);
    let summaries: Vec<&Value> = all.iter().filter(|r| r["type"] == "summary").collect();
    t.expect(all.iter().any(|r| r["type"] == "call"), "the calls");
    t.expect(summaries.len() >= 3, "a summary per period and the total");
    let last = summaries.last().unwrap();
    t.expect(
        last["interval"].is_null() && all.last().unwrap()["type"] == "summary",
        "the last record is the whole trace's summary",
    );
    t.expect(
        summaries[0]["interval"] == 1 && summaries[1]["interval"] == 2,
        "periods are numbered",
    );
    t.expect(last["clock"] == "system", "system time by default");
    let execve = last["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["syscall"] == "execve")
        .expect("an execve row");
    t.expect(execve["calls"] == 4, "sh, two cats and a sleep");
    t.expect(execve["latency"].is_array(), "--histogram's buckets");
    // -c alone: nothing but the summary, on stderr.
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-c",
        "-w",
        "--",
        calls_bin(),
        "loop",
        "10",
    ]);
    let all = records(&t.stderr);
    t.expect(types(&all) == ["summary"], "one summary record");
    t.expect(all[0]["clock"] == "wall", "-w");
    let getppid = all[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["syscall"] == "getppid")
        .unwrap();
    t.expect(getppid["calls"] == 10, "counted");
}

fn a_diagnosis_is_one_record(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "--diagnose",
        "--",
        calls_bin(),
        "eacces",
        "3",
    ]);
    t.expect(t.code() == Some(0), "success");
    let all = records(&t.stderr);
    t.expect(
        types(&all) == ["diagnosis"],
        "the report alone, as one record",
    );
    let denied = &all[0]["permission_failures"][0];
    t.expect(
        denied["count"] == 3
            && denied["errno"] == "EACCES"
            && denied["path"] == "/root/tracer-calls-secret"
            && denied["user"] == "nobody",
        "the permission failures",
    );
}

fn arguments_carry_typed_values(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-y",
        "-e",
        "trace=openat,read,execve",
        "--",
        "cat",
        "/etc/hostname",
    ]);
    let all = records(&t.stderr);
    let hostname = std::fs::read_to_string("/etc/hostname").unwrap();
    let open = all
        .iter()
        .find(|r| r["syscall"] == "openat" && r["args"][1]["str"] == "/etc/hostname")
        .expect("the openat of /etc/hostname, its path a string");
    let args = open["args"].as_array().unwrap();
    t.expect(args[0]["int"] == -100, "AT_FDCWD as a number");
    t.expect(args[0]["fd_name"].is_string(), "with -y, what it names");
    t.expect(
        args[2]["flags"] == serde_json::json!(["O_RDONLY"]),
        "flags as a list",
    );
    let fd = open["ret"].as_i64().unwrap();
    let read = all
        .iter()
        .find(|r| r["syscall"] == "read" && r["args"][0]["fd_name"] == "/etc/hostname")
        .expect("the read of it, its descriptor named");
    t.expect(read["args"][0]["int"] == fd, "the descriptor as a number");
    t.expect(
        read["args"][1]["str"] == hostname.as_str(),
        "the bytes read, as text",
    );
    t.expect(read["args"][2]["int"].is_u64(), "the count as a number");
    let exec = all.iter().find(|r| r["syscall"] == "execve").unwrap();
    t.expect(
        exec["args"][1]["strs"] == serde_json::json!(["cat", "/etc/hostname"]),
        "argv as a list of strings",
    );
}

/// io_uring operations (eBPF): `io_uring` records, and the summary's `io_uring` table.
fn io_uring_operations_are_records_too(backend: Backend) {
    let file = std::env::temp_dir().join(format!("tracer-json-uring-{backend:?}.dat"));
    std::fs::write(&file, vec![7u8; 32 << 10]).unwrap();
    let bin = tracer_tests::uring_ops_bin();
    // The default trace set: the operations where the backend sees them.
    let t = trace(&[
        backend.arg(),
        "--format=json",
        "-C",
        "--histogram",
        "-y",
        "--",
        bin.to_str().unwrap(),
        "reads",
        file.to_str().unwrap(),
    ]);
    let _ = std::fs::remove_file(&file);
    t.expect(t.code() == Some(0), "success");
    let all = records(&t.stderr);
    let ops: Vec<&Value> = all.iter().filter(|r| r["type"] == "io_uring").collect();
    let summary = all.last().unwrap();
    t.expect(summary["type"] == "summary", "the summary last");
    match backend {
        Backend::Ebpf => {
            t.expect(ops.len() == 3, "three reads");
            t.expect(
                ops.iter().all(|r| {
                    r["op"] == "READ"
                        && r["fd_name"] == file.to_str().unwrap()
                        && r["errno"].is_null()
                }),
                "reads of the file, named",
            );
            let rows = summary["io_uring"]["rows"]
                .as_array()
                .expect("the operations' table");
            t.expect(
                rows.len() == 1 && rows[0]["syscall"] == "io_uring:READ" && rows[0]["calls"] == 3,
                "one row, three reads",
            );
            t.expect(rows[0]["latency"].is_array(), "--histogram's buckets");
        }
        Backend::Ptrace => {
            t.expect(ops.is_empty(), "ptrace sees no operations");
            t.expect(summary.get("io_uring").is_none(), "nor counts them");
        }
    }
}
