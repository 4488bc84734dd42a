//! Decode like strace: trace real programs with both `tracer` and `/usr/bin/strace` under
//! the same options, normalise and mask both traces (`tracer_tests::compare`), pair the
//! lines and count those identical, per option set, on each backend.
//!
//! The matrix is workloads (coreutils, tar, gzip, git, sqlite3, python3, perl, shell
//! pipelines, the project's own programs: sockets, SysV IPC, signals, threads, files, a
//! process attached with `-p`...) × option sets (`-f`, `%file`, `%network`, ..., `-c`,
//! `-p`). `cargo xtask test` runs a representative part of it: every workload under
//! `-f`, every option set on a few workloads that exercise it. `TRACER_COMPARE_ALL=1`
//! (or `cargo xtask compare`) runs all of it. Either way the test prints a table of the
//! share of identical lines per option set (also written to
//! `target/tmp/strace-compare-BACKEND.md`, with the lines that differ) and fails when an
//! option set falls below [`min_identical`]. `TRACER_COMPARE_KEEP=DIR` keeps the raw
//! traces; `TRACER_COMPARE_ONLY=NAME[,NAME]` runs only those workloads (all their sets).

use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use tracer_tests::{
    Backend, LineWatcher,
    compare::{Comparison, compare, compare_summaries},
    tracer,
};

tracer_tests::both_backends!(strace_and_tracer_print_the_same_lines);

/// The share of identical lines (%) an option set must reach over its workloads. The
/// goal is 99.5 in every set; these floors leave room for what varies between runs
/// anyway (random bytes, pipe timing: see `cargo xtask compare --strace-only`), and are
/// lower where a known gap of issue 16 is still open: `-yy` (a UNIX socket's peer, which
/// strace shows and the tracer does not read: 97.9-98.1% in runs here), `-p` (two
/// attached processes make few lines, and strace against itself agrees on 80% of them).
fn min_identical(set: &str) -> f64 {
    match set {
        "-yy" => 95.0,
        "-p" => 50.0,
        _ => 97.0,
    }
}

const STRACE: &str = "/usr/bin/strace";
/// Longest a traced run may take.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// A program to trace. `command` and `setup` get the run's scratch directory.
struct Workload {
    name: &'static str,
    /// Programs it needs: without them it is skipped, saying so.
    needs: &'static [&'static str],
    command: fn(&Path) -> Vec<String>,
    /// Prepares the (emptied) scratch directory before each run.
    setup: fn(&Path),
    /// Traced by attaching to it (the `-p` option set) rather than launched.
    attach: Option<Attach>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Attach {
    /// `workload attach-loop`: three requests served while attached.
    Loop,
    /// `workload stuck-futex`: two threads deadlocked, attached with `-f`.
    StuckFutex,
}

struct OptionSet {
    name: &'static str,
    args: &'static [&'static str],
    /// The workloads `cargo xtask test` runs it on (every workload runs under `-f`).
    representative: &'static [&'static str],
}

const OPTION_SETS: &[OptionSet] = &[
    OptionSet {
        name: "-f",
        args: &["-f"],
        representative: &[],
    },
    OptionSet {
        name: "%file",
        args: &["-f", "-e", "trace=%file"],
        representative: &["files", "git-commit", "tar-extract"],
    },
    OptionSet {
        name: "%network",
        args: &["-f", "-e", "trace=%network"],
        representative: &["tcp", "unix", "mmsg", "python-tcp"],
    },
    OptionSet {
        name: "%process",
        args: &["-f", "-e", "trace=%process"],
        representative: &["sh-pipelines", "python-subprocess", "tar-gzip"],
    },
    OptionSet {
        name: "%signal",
        args: &["-f", "-e", "trace=%signal"],
        representative: &["signals", "python-signals", "sh-pipelines"],
    },
    OptionSet {
        name: "%ipc",
        args: &["-f", "-e", "trace=%ipc"],
        representative: &["ipc", "python-ipc"],
    },
    OptionSet {
        name: "%desc",
        args: &["-f", "-e", "trace=%desc"],
        representative: &["syscall-mix", "sqlite", "cat"],
    },
    OptionSet {
        name: "%memory",
        args: &["-f", "-e", "trace=%memory"],
        representative: &["python-mmap", "files", "ls"],
    },
    OptionSet {
        name: "-s 64",
        args: &["-f", "-s", "64"],
        representative: &["cat", "syscall-mix", "python-script"],
    },
    OptionSet {
        name: "-tt -T",
        args: &["-f", "-tt", "-T"],
        representative: &["ls", "sh-pipelines", "tcp"],
    },
    OptionSet {
        name: "-ttt",
        args: &["-f", "-ttt"],
        representative: &["cat", "files"],
    },
    OptionSet {
        name: "-r",
        args: &["-f", "-r"],
        representative: &["cat", "stat"],
    },
    OptionSet {
        name: "-y",
        args: &["-f", "-y"],
        representative: &["cat", "files", "tcp"],
    },
    OptionSet {
        name: "-yy",
        args: &["-f", "-yy"],
        representative: &["cat", "unix", "python-tcp"],
    },
    OptionSet {
        name: "-c",
        args: &["-f", "-c"],
        representative: &["ls", "tar-create", "python-script"],
    },
    OptionSet {
        name: "-p",
        args: &["-f"],
        representative: &["attach-loop", "stuck-futex"],
    },
];

fn have_strace() -> bool {
    let ok = Path::new(STRACE).exists();
    if !ok {
        println!("skipped: {STRACE} is missing (`cargo xtask test` installs it)");
    }
    ok
}

fn strings(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

fn at(dir: &Path, name: &str) -> String {
    dir.join(name).to_string_lossy().into_owned()
}

fn workload_bin() -> &'static str {
    env!("CARGO_BIN_EXE_workload")
}

fn nothing(_: &Path) {}

fn write_file(path: &Path, data: &[u8]) {
    std::fs::write(path, data).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Runs a set-up command (untraced); it must succeed.
fn setup_run(args: &[&str]) {
    let status = Command::new(args[0])
        .args(&args[1..])
        .envs(run_env())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert!(status.success(), "set-up {args:?}: {status}");
}

/// Python under `setarch -R`: where the allocator's arenas land decides how many it
/// maps, so without address randomisation the call sequence is the same each run.
fn python(script: &str) -> Vec<String> {
    strings(&["setarch", "-R", "/usr/bin/python3", "-c", script])
}

fn sh(script: &str) -> Vec<String> {
    strings(&["/bin/sh", "-c", script])
}

fn workloads() -> Vec<Workload> {
    let w = |name, needs, command, setup| Workload {
        name,
        needs,
        command,
        setup,
        attach: None,
    };
    vec![
        // coreutils
        w("ls", &[], |_| strings(&["ls", "-la", "/etc"]), nothing),
        w(
            "cat",
            &[],
            |_| strings(&["cat", "/etc/passwd", "/etc/hostname", "/nonexistent"]),
            nothing,
        ),
        w(
            "cp",
            &[],
            |d| vec!["cp".into(), "/etc/services".into(), at(d, "services")],
            nothing,
        ),
        w(
            "mv",
            &[],
            |d| vec!["mv".into(), at(d, "a"), at(d, "b")],
            |d| write_file(&d.join("a"), b"a\n"),
        ),
        w(
            "rm-r",
            &[],
            |d| vec!["rm".into(), "-r".into(), at(d, "tree")],
            |d| {
                std::fs::create_dir_all(d.join("tree/sub")).expect("mkdir");
                write_file(&d.join("tree/x"), b"x");
                write_file(&d.join("tree/sub/y"), b"y");
            },
        ),
        w(
            "mkdir-p",
            &[],
            |d| {
                vec![
                    "mkdir".into(),
                    "-p".into(),
                    "-m".into(),
                    "0750".into(),
                    at(d, "a/b/c"),
                ]
            },
            nothing,
        ),
        w(
            "touch",
            &[],
            |d| {
                vec![
                    "touch".into(),
                    "-d".into(),
                    "2020-01-02 03:04:05".into(),
                    at(d, "t"),
                ]
            },
            nothing,
        ),
        w(
            "chmod",
            &[],
            |d| vec!["chmod".into(), "4750".into(), at(d, "f")],
            |d| write_file(&d.join("f"), b"f"),
        ),
        w(
            "stat",
            &[],
            |_| strings(&["stat", "/etc/hostname", "/etc", "/dev/null"]),
            nothing,
        ),
        w("df", &[], |_| strings(&["df", "/", "/proc"]), nothing),
        w("du", &[], |_| strings(&["du", "-s", "/etc/apt"]), nothing),
        w(
            "find",
            &[],
            |_| strings(&["find", "/etc", "-maxdepth", "1", "-name", "*.conf"]),
            nothing,
        ),
        w(
            "ln-readlink",
            &[],
            |d| {
                sh(&format!(
                    "ln -s /etc/hostname {0}/l && readlink -f {0}/l",
                    d.display()
                ))
            },
            nothing,
        ),
        w(
            "head-tail",
            &[],
            |_| sh("head -c 100 /etc/services; tail -n 3 /etc/services"),
            nothing,
        ),
        w("id", &[], |_| strings(&["id"]), nothing),
        w(
            "date",
            &[],
            |_| strings(&["date", "-u", "-d", "@0"]),
            nothing,
        ),
        w("sleep", &[], |_| strings(&["sleep", "0.05"]), nothing),
        w(
            "sort-wc",
            &[],
            |_| sh("sort -r /etc/passwd | wc -l"),
            nothing,
        ),
        w(
            "dd",
            &[],
            |d| {
                vec![
                    "dd".into(),
                    "if=/dev/zero".into(),
                    format!("of={}", at(d, "z")),
                    "bs=4096".into(),
                    "count=4".into(),
                    "conv=fsync".into(),
                    // The report's speed differs from run to run.
                    "status=none".into(),
                ]
            },
            nothing,
        ),
        w(
            "env",
            &[],
            |_| strings(&["env", "-i", "A=1", "B=2", "env"]),
            nothing,
        ),
        w("uname", &[], |_| strings(&["uname", "-a"]), nothing),
        // shells and pipes
        w(
            "sh-pipelines",
            &[],
            |_| sh("echo hi | wc -c; cat /etc/hostname | tr a-z A-Z; ls /nonexistent; exit 0"),
            nothing,
        ),
        w(
            "seq-sort",
            &[],
            // tail reads it all: head could exit first and SIGPIPE sort, or not.
            |_| sh("seq 1 2000 | sort -rn | tail -3"),
            nothing,
        ),
        w(
            "tee-redirect",
            &[],
            |d| {
                sh(&format!(
                    "tee {0}/out < /etc/hostname > /dev/null; cat {0}/out",
                    d.display()
                ))
            },
            nothing,
        ),
        // tar and gzip
        w(
            "tar-create",
            &["tar"],
            |d| {
                vec![
                    "tar".into(),
                    "cf".into(),
                    at(d, "x.tar"),
                    "-C".into(),
                    "/etc".into(),
                    "hostname".into(),
                    "passwd".into(),
                    "group".into(),
                ]
            },
            nothing,
        ),
        w(
            "tar-extract",
            &["tar"],
            |d| {
                vec![
                    "tar".into(),
                    "xf".into(),
                    at(d, "x.tar"),
                    "-C".into(),
                    at(d, "out"),
                ]
            },
            |d| {
                std::fs::create_dir_all(d.join("out")).expect("mkdir");
                setup_run(&[
                    "tar",
                    "cf",
                    &at(d, "x.tar"),
                    "-C",
                    "/etc",
                    "hostname",
                    "passwd",
                ]);
            },
        ),
        w(
            "tar-gzip",
            &["tar", "gzip"],
            |d| {
                vec![
                    "tar".into(),
                    "czf".into(),
                    at(d, "x.tgz"),
                    "-C".into(),
                    "/etc".into(),
                    "hostname".into(),
                ]
            },
            nothing,
        ),
        w(
            "gzip",
            &["gzip"],
            |_| strings(&["gzip", "-9", "-c", "/etc/services"]),
            nothing,
        ),
        w(
            "gunzip",
            &["gzip"],
            |d| vec!["gzip".into(), "-d".into(), "-c".into(), at(d, "s.gz")],
            |d| {
                let out = Command::new("gzip")
                    .args(["-c", "/etc/services"])
                    .output()
                    .expect("gzip");
                write_file(&d.join("s.gz"), &out.stdout);
            },
        ),
        // git
        w(
            "git-commit",
            &["/usr/bin/git"],
            |d| {
                sh(&format!(
                    "cd {} && git init -q r && cd r && echo x > f && git add f && \
                     git commit -qm first",
                    d.display()
                ))
            },
            nothing,
        ),
        w(
            "git-log-status",
            &["/usr/bin/git"],
            |d| {
                sh(&format!(
                    "cd {}/r && git log --oneline && git status --short",
                    d.display()
                ))
            },
            |d| {
                let r = at(d, "r");
                setup_run(&["/usr/bin/git", "init", "-q", &r]);
                write_file(&d.join("r/f"), b"x\n");
                write_file(&d.join("r/g"), b"y\n");
                // Files older than the index: none is racily clean, so `git status`
                // never rewrites the index, whatever the timing.
                for name in ["r/f", "r/g"] {
                    let file = std::fs::File::options()
                        .write(true)
                        .open(d.join(name))
                        .expect("open");
                    file.set_modified(std::time::UNIX_EPOCH + Duration::from_secs(1_577_836_800))
                        .expect("set the file's time");
                }
                setup_run(&["/usr/bin/git", "-C", &r, "add", "f"]);
                setup_run(&["/usr/bin/git", "-C", &r, "commit", "-qm", "first"]);
            },
        ),
        // sqlite3
        w(
            "sqlite",
            &["sqlite3"],
            |d| {
                vec![
                    "sqlite3".into(),
                    at(d, "db"),
                    "create table t(a); insert into t values(1),(2); select count(*) from t;"
                        .into(),
                ]
            },
            nothing,
        ),
        // python3
        w(
            "python-script",
            &["/usr/bin/python3"],
            |_| {
                python(
                    "import os, json, socket\n\
                     print(json.dumps(sorted(os.listdir('/etc'))[:5]))\n\
                     s = socket.socketpair()\n\
                     s[0].send(b'ping'); print(s[1].recv(16))\n\
                     print(os.stat('/etc/hostname').st_mode)\n",
                )
            },
            nothing,
        ),
        w(
            "python-tcp",
            &["/usr/bin/python3"],
            |_| {
                python(
                    "import socket\n\
                     l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen()\n\
                     c = socket.create_connection(l.getsockname())\n\
                     s, _ = l.accept()\n\
                     c.sendall(b'x' * 100); print(len(s.recv(100)))\n\
                     s.sendall(b'y' * 10); print(c.recv(10))\n\
                     c.shutdown(socket.SHUT_WR); print(s.recv(10))\n\
                     s.close(); c.close(); l.close()\n",
                )
            },
            nothing,
        ),
        w(
            "python-subprocess",
            &["/usr/bin/python3"],
            |_| {
                python(
                    "import subprocess\n\
                     print(subprocess.run(['/bin/true']).returncode)\n\
                     print(subprocess.run(['/bin/echo', 'hi'], capture_output=True).stdout)\n",
                )
            },
            nothing,
        ),
        w(
            "python-signals",
            &["/usr/bin/python3"],
            |_| {
                python(
                    "import os, signal\n\
                     seen = []\n\
                     signal.signal(signal.SIGUSR1, lambda s, f: seen.append(s))\n\
                     os.kill(os.getpid(), signal.SIGUSR1)\n\
                     signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])\n\
                     os.kill(os.getpid(), signal.SIGUSR2)\n\
                     print(signal.sigpending())\n\
                     print(seen)\n",
                )
            },
            nothing,
        ),
        w(
            "python-mmap",
            &["/usr/bin/python3"],
            |d| {
                python(&format!(
                    "import mmap, os\n\
                     fd = os.open('{}/m', os.O_RDWR | os.O_CREAT, 0o600)\n\
                     os.ftruncate(fd, 8192)\n\
                     m = mmap.mmap(fd, 8192)\n\
                     m[0:5] = b'hello'; m.flush(); m.close(); os.close(fd)\n",
                    d.display()
                ))
            },
            nothing,
        ),
        w(
            "python-ipc",
            &["/usr/bin/python3"],
            |_| {
                python(
                    "import ctypes\n\
                     libc = ctypes.CDLL(None, use_errno=True)\n\
                     i = libc.shmget(0, 4096, 0o1600)\n\
                     libc.shmctl(i, 0, None)\n\
                     q = libc.msgget(0, 0o1600)\n\
                     libc.msgctl(q, 0, None)\n",
                )
            },
            nothing,
        ),
        // perl
        w(
            "perl",
            &["perl"],
            |d| {
                vec![
                    "perl".into(),
                    "-e".into(),
                    format!(
                        "opendir D, '/etc'; my @f = readdir D; closedir D; \
                         open F, '>', '{0}/p' or die; print F scalar(@f); close F; \
                         rename '{0}/p', '{0}/q'; unlink '{0}/q'; print qq(ok\\n)",
                        d.display()
                    ),
                ]
            },
            nothing,
        ),
        w(
            "perl-grep",
            &["perl"],
            |_| strings(&["perl", "-ne", "print if /root/", "/etc/passwd"]),
            nothing,
        ),
        // the project's own programs
        w(
            "syscall-mix",
            &[],
            |d| {
                vec![
                    env!("CARGO_BIN_EXE_syscall_mix").into(),
                    d.to_string_lossy().into_owned(),
                ]
            },
            nothing,
        ),
        w("ipc", &[], |d| own("ipc", d), nothing),
        w("signals", &[], |d| own("signals", d), nothing),
        w("threads", &[], |d| own("threads", d), nothing),
        w("tcp", &[], |d| own("tcp", d), nothing),
        w("unix", &[], |d| own("unix", d), nothing),
        w("mmsg", &[], |d| own("mmsg", d), nothing),
        w("files", &[], |d| own("files", d), nothing),
        Workload {
            name: "attach-loop",
            needs: &[],
            command: |d| own("attach-loop", d),
            setup: nothing,
            attach: Some(Attach::Loop),
        },
        Workload {
            name: "stuck-futex",
            needs: &[],
            command: |d| own("stuck-futex", d),
            setup: nothing,
            attach: Some(Attach::StuckFutex),
        },
    ]
}

fn own(mode: &str, dir: &Path) -> Vec<String> {
    vec![
        workload_bin().into(),
        mode.into(),
        dir.to_string_lossy().into_owned(),
    ]
}

/// The same environment for every run: no hash randomisation in python and perl, one
/// malloc arena, fixed locale, time zone and git identity and dates.
fn run_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("PYTHONHASHSEED", "0"),
        ("PERL_HASH_SEED", "0"),
        // One malloc arena: where a thread's own arena lands (and how much of its
        // mapping is trimmed) depends on which thread allocates first.
        ("MALLOC_ARENA_MAX", "1"),
        ("PERL_PERTURB_KEYS", "0"),
        ("LC_ALL", "C"),
        ("TZ", "UTC"),
        ("GIT_AUTHOR_NAME", "t"),
        ("GIT_AUTHOR_EMAIL", "t@example.org"),
        ("GIT_COMMITTER_NAME", "t"),
        ("GIT_COMMITTER_EMAIL", "t@example.org"),
        ("GIT_AUTHOR_DATE", "2020-01-01T00:00:00Z"),
        ("GIT_COMMITTER_DATE", "2020-01-01T00:00:00Z"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ]
}

fn available(w: &Workload) -> bool {
    w.needs.iter().all(|n| {
        Path::new(n).is_absolute() && Path::new(n).exists()
            || std::env::var_os("PATH")
                .is_some_and(|p| std::env::split_paths(&p).any(|dir| dir.join(n).exists()))
    })
}

/// The scratch directory of a backend's runs (the two backends' tests run at once, and
/// other runs of the test may too). Workloads see its path: the same for both tools.
fn scratch_dir(backend: Backend) -> PathBuf {
    std::env::temp_dir().join(format!("tracer-compare-{}-{backend:?}", std::process::id()))
}

fn reset_scratch(w: &Workload, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("create the scratch directory");
    (w.setup)(dir);
}

fn command(tool: &Tool, backend: Backend) -> Command {
    match tool {
        Tool::Strace => Command::new(STRACE),
        // TRACER_COMPARE_SELF=1: strace against itself, what varies from run to run.
        Tool::Tracer if std::env::var_os("TRACER_COMPARE_SELF").is_some() => Command::new(STRACE),
        Tool::Tracer => {
            let mut cmd = tracer();
            cmd.arg(backend.arg());
            cmd
        }
    }
}

enum Tool {
    Strace,
    Tracer,
}

impl Tool {
    fn label(&self) -> &'static str {
        match self {
            Tool::Strace => "strace",
            Tool::Tracer => "tracer",
        }
    }
}

/// Waits for `child`, killing it after `timeout`; false if it had to be killed.
fn wait_with_timeout(child: &mut Child, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            return true;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Traces one run of `w` with `tool` and returns the trace (or `-c`'s table).
fn trace_run(
    tool: Tool,
    backend: Backend,
    w: &Workload,
    set: &OptionSet,
    dir: &Path,
    file: &Path,
) -> String {
    reset_scratch(w, dir);
    let _ = std::fs::remove_file(file);
    let mut cmd = command(&tool, backend);
    cmd.args(set.args).arg("-o").arg(file).envs(run_env());
    cmd.env_remove("LD_LIBRARY_PATH");
    match w.attach {
        None => {
            let argv = (w.command)(dir);
            let mut child = cmd
                .arg("--")
                .args(&argv)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("{}: run {}: {e}", w.name, tool.label()));
            assert!(
                wait_with_timeout(&mut child, RUN_TIMEOUT),
                "{} under {}: still running after {RUN_TIMEOUT:?}",
                w.name,
                tool.label()
            );
        }
        Some(mode) => attached_run(cmd, w, mode, dir),
    }
    std::fs::read_to_string(file).unwrap_or_else(|e| {
        panic!(
            "{} ({}): {} wrote no trace: {e}",
            w.name,
            set.name,
            tool.label()
        )
    })
}

/// Starts the target, attaches `tool` (its options in `cmd`), lets the target work and
/// detaches with SIGINT, as an operator would.
fn attached_run(mut cmd: Command, w: &Workload, mode: Attach, dir: &Path) {
    let argv = (w.command)(dir);
    let mut target = Command::new(&argv[0])
        .args(&argv[1..])
        .envs(run_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the target");
    let mut out = BufReader::new(target.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line)
        .expect("read the target's ready line");
    assert_eq!(line.trim(), "ready", "{}", w.name);
    let mut tool = cmd
        .arg("-p")
        .arg(target.id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the tracer");
    let mut watcher = LineWatcher::new(tool.stderr.take().expect("stderr"));
    watcher.wait_for("attached", Duration::from_secs(20), |s| {
        s.contains("attached")
    });
    // Both tools print the message once the process is seized; give the threads' too.
    std::thread::sleep(Duration::from_millis(200));
    match mode {
        Attach::Loop => {
            let stdin = target.stdin.as_mut().expect("stdin");
            for _ in 0..3 {
                stdin.write_all(b"go\n").expect("write to the target");
                stdin.flush().expect("flush");
                line.clear();
                out.read_line(&mut line).expect("read the target's answer");
                assert_eq!(line.trim(), "done");
            }
        }
        Attach::StuckFutex => std::thread::sleep(Duration::from_millis(300)),
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) on the tool we started.
    unsafe { libc::kill(tool.id() as i32, libc::SIGINT) };
    assert!(
        wait_with_timeout(&mut tool, Duration::from_secs(20)),
        "{}: the tracer did not detach",
        w.name
    );
    let _ = target.kill();
    let _ = target.wait();
}

/// Compares one workload under one option set.
fn compare_case(backend: Backend, w: &Workload, set: &OptionSet) -> Comparison {
    let dir = scratch_dir(backend);
    let tmp = std::env::temp_dir();
    let file = |label: &str| {
        tmp.join(format!(
            "tracer-compare-{}-{backend:?}-{}-{label}.txt",
            std::process::id(),
            w.name
        ))
    };
    if w.attach.is_none() {
        // A first, untraced run fills caches (python's bytecode, the page cache) so both
        // traced runs see the same state.
        reset_scratch(w, &dir);
        let argv = (w.command)(&dir);
        let _ = Command::new(&argv[0])
            .args(&argv[1..])
            .envs(run_env())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let (sfile, tfile) = (file("strace"), file("tracer"));
    let s = trace_run(Tool::Strace, backend, w, set, &dir, &sfile);
    let t = trace_run(Tool::Tracer, backend, w, set, &dir, &tfile);
    keep(&[(&sfile, "strace"), (&tfile, "tracer")], w, set, backend);
    if set.name == "-c" {
        compare_summaries(&s, &t)
    } else {
        compare(&s, &t)
    }
}

/// TRACER_COMPARE_KEEP=DIR keeps the raw traces for a closer look.
fn keep(files: &[(&Path, &str)], w: &Workload, set: &OptionSet, backend: Backend) {
    let dir = std::env::var_os("TRACER_COMPARE_KEEP");
    for (file, label) in files {
        if let Some(dir) = &dir {
            let set_name: String = set
                .name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            let kept =
                Path::new(dir).join(format!("{}-{set_name}-{backend:?}-{label}.txt", w.name));
            let _ = std::fs::copy(file, &kept);
        }
        let _ = std::fs::remove_file(file);
    }
}

/// Which (workload, option set) cases run: all of them, or every workload under `-f`
/// and each other set on its representative workloads.
fn cases(workloads: &[Workload], all: bool) -> Vec<(&Workload, &'static OptionSet)> {
    let only: Option<Vec<String>> = std::env::var("TRACER_COMPARE_ONLY")
        .ok()
        .map(|s| s.split(',').map(str::to_owned).collect());
    let mut out = Vec::new();
    for set in OPTION_SETS {
        for w in workloads {
            // Attached workloads go with `-p`, launched ones with the others.
            if (set.name == "-p") != w.attach.is_some() {
                continue;
            }
            let wanted = match &only {
                Some(names) => names.iter().any(|n| n == w.name),
                None => all || set.name == "-f" || set.representative.contains(&w.name),
            };
            if wanted {
                out.push((w, set));
            }
        }
    }
    out
}

#[derive(Default)]
struct SetTotals {
    workloads: usize,
    total: usize,
    exact: usize,
    /// Lines that differ, by cause, with counts.
    causes: BTreeMap<String, usize>,
}

fn strace_and_tracer_print_the_same_lines(backend: Backend) {
    if !have_strace() {
        return;
    }
    let all = std::env::var_os("TRACER_COMPARE_ALL").is_some();
    let workloads = workloads();
    let started = Instant::now();
    let mut by_set: BTreeMap<&str, SetTotals> = BTreeMap::new();
    let mut details = String::new();
    for (w, set) in cases(&workloads, all) {
        if !available(w) {
            println!("skipped {} ({}): needs {:?}", w.name, set.name, w.needs);
            continue;
        }
        let cmp = compare_case(backend, w, set);
        let totals = by_set.entry(set.name).or_default();
        totals.workloads += 1;
        totals.total += cmp.total;
        totals.exact += cmp.exact;
        for cause in cmp.causes() {
            *totals.causes.entry(cause).or_default() += 1;
        }
        details += &cmp.report(&format!("{} [{}]", w.name, set.name));
    }
    let _ = std::fs::remove_dir_all(scratch_dir(backend));
    let table = table(&by_set, backend, all, started.elapsed());
    println!("{table}");
    let report = format!("{table}\n## Lines that differ\n\n```\n{details}```\n");
    let path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("strace-compare-{backend:?}.md"));
    let _ = std::fs::write(&path, &report);
    println!("(the lines that differ: {})", path.display());
    for (name, t) in &by_set {
        let percent = 100.0 * t.exact as f64 / t.total.max(1) as f64;
        let min = min_identical(name);
        assert!(
            percent >= min,
            "option set {name}: {percent:.2}% of the lines identical, under {min}%\n\
             {table}\n{details}"
        );
    }
}

/// The results as a Markdown table, then the most frequent causes of differences.
fn table(
    by_set: &BTreeMap<&str, SetTotals>,
    backend: Backend,
    all: bool,
    took: Duration,
) -> String {
    let mut s = format!(
        "strace 6.1 vs tracer ({backend:?} backend, {} cases, {:.0} s)\n\n\
         | option set | workloads | lines | identical | % |\n|---|---:|---:|---:|---:|\n",
        if all { "all" } else { "representative" },
        took.as_secs_f64()
    );
    let (mut total, mut exact) = (0, 0);
    let order: Vec<&str> = OPTION_SETS.iter().map(|o| o.name).collect();
    let mut causes: BTreeMap<&str, usize> = BTreeMap::new();
    for name in order {
        let Some(t) = by_set.get(name) else { continue };
        total += t.total;
        exact += t.exact;
        for (cause, n) in &t.causes {
            *causes.entry(cause).or_default() += n;
        }
        s += &format!(
            "| `{name}` | {} | {} | {} | {:.2} |\n",
            t.workloads,
            t.total,
            t.exact,
            100.0 * t.exact as f64 / t.total.max(1) as f64
        );
    }
    s += &format!(
        "| all | | {total} | {exact} | {:.2} |\n\nMost frequent differences:\n",
        100.0 * exact as f64 / total.max(1) as f64
    );
    let mut ranked: Vec<(&str, usize)> = causes.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (cause, n) in ranked.into_iter().take(15) {
        s += &format!("  {n:5}  {cause}\n");
    }
    s
}
