//! strace's options beyond the everyday ones, each checked on both backends against
//! what strace 6.1 prints for the same program where strace has the option.

use std::{
    os::unix::ffi::OsStrExt,
    process::{Command, Stdio},
    time::Duration,
};

use tracer_tests::{Backend, Traced, trace, tracer};

tracer_tests::both_backends!(
    options_end_at_the_command,
    const_print_styles_match_strace,
    verbose_expands_structures_and_the_environment,
    verbose_none_and_raw_sets,
    read_and_write_dumps_match_strace,
    signal_and_status_qualifiers,
    quiet_sets,
    numbers_columns_and_pids,
    always_show_pid,
    instruction_pointer,
    time_precisions,
    environment_user_and_argv0,
    detach_on_execve,
    syscall_limit,
    daemonize_keeps_the_command_the_callers_child,
    large_string_limits_keep_argv,
    non_utf8_arguments_are_traced,
    uninterruptible,
    kill_on_exit,
    notes_of_what_strace_only_warns_about,
    buffer_size,
    decode_fds_kinds,
    strings_at_a_mappings_end_as_strace_reads_them,
    structs_at_a_mappings_end_as_strace_reads_them,
    memory_a_struct_points_at_is_followed,
);

const STRACE: &str = "/usr/bin/strace";

/// `tracer BACKEND ARGS`.
fn traced(backend: Backend, args: &[&str]) -> Traced {
    let mut all = vec![backend.arg()];
    all.extend_from_slice(args);
    trace(&all)
}

/// strace's trace of `args` (its stderr), or `None` when strace is missing.
fn strace(args: &[&str]) -> Option<String> {
    if !std::path::Path::new(STRACE).exists() {
        println!("skipped the strace comparison: {STRACE} is missing");
        return None;
    }
    let out = Command::new(STRACE)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run strace");
    Some(String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The first line of `text` that starts with `prefix`.
fn line<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.lines().find(|l| l.starts_with(prefix))
}

fn options_end_at_the_command(backend: Backend) {
    // Clusters, attached values and long forms; `-l` and `-f` after the command are ls's.
    let t = traced(
        backend,
        &[
            "-fT",
            "-s8",
            "-etrace=write",
            "--string-limit=8",
            "ls",
            "-l",
            "-d",
            "/",
        ],
    );
    t.expect(t.code() == Some(0), "ls runs");
    t.expect(t.stdout.starts_with("dr"), "ls got -l and -d");
    let write = t.calls("write");
    t.expect(
        write
            .iter()
            .any(|l| l.contains("\"dr") && l.contains("\"...") && l.contains(" <0.")),
        "-s8 and -T apply",
    );
    // `--` ends the options too.
    let t = traced(backend, &["-e", "trace=none", "--", "sh", "-c", "exit 3"]);
    t.expect(t.code() == Some(3), "the command's status");
}

fn const_print_styles_match_strace(backend: Backend) {
    for style in ["raw", "verbose"] {
        let args = [
            "-X",
            style,
            "-e",
            "trace=openat,rt_sigaction",
            "cat",
            "/etc/hostname",
        ];
        let t = traced(backend, &args);
        let ours = line(&t.stderr, "openat(").expect("openat");
        t.expect(
            ours.contains(match style {
                "raw" => "openat(-100, ",
                _ => "openat(-100 /* AT_FDCWD */, ",
            }),
            "AT_FDCWD in the style",
        );
        let Some(theirs) = strace(&args) else {
            continue;
        };
        let pick = |text: &str| {
            text.lines()
                .find(|l| l.contains("\"/etc/hostname\""))
                .map(str::to_owned)
        };
        assert_eq!(pick(&t.stderr), pick(&theirs), "-X {style}:\n{}", t.stderr);
    }
}

fn verbose_expands_structures_and_the_environment(backend: Backend) {
    let args = [
        "-v",
        "-e",
        "trace=execve,newfstatat,uname",
        "env",
        "-i",
        "A=1",
        "uname",
        "-s",
    ];
    let t = traced(backend, &args);
    let exec = t.calls("execve");
    t.expect(
        exec.iter()
            .any(|l| l.contains("\", [\"uname\", \"-s\"], [\"A=1\"]) = 0")),
        "-v prints the environment",
    );
    // Unabbreviated, every string of the environment and argv (strace's abbreviation
    // stops at `-s` of them, 32 by default).
    let vars: Vec<String> = (1..=60).map(|i| format!("V{i}=x")).collect();
    let mut many = vec!["-v", "-e", "trace=execve", "env", "-i"];
    many.extend(vars.iter().map(String::as_str));
    many.push("true");
    let t3 = traced(backend, &many);
    let env = format!(
        "[{}]",
        vars.iter()
            .map(|v| format!("\"{v}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    t3.expect(
        t3.calls("execve")
            .iter()
            .any(|l| l.contains(&format!("[\"true\"], {env}) = 0"))),
        "-v prints all 60 variables",
    );
    // abbrev= names the syscalls that stay abbreviated: only those.
    let t2 = traced(
        backend,
        &["-e", "abbrev=execve", "-e", "trace=execve", "true"],
    );
    t2.expect(
        t2.stderr.contains(" vars */) = 0"),
        "abbrev=execve: the environment counted",
    );
    let uname = line(&t.stderr, "uname(").expect("uname");
    t.expect(
        uname.contains("release=") && uname.contains("machine=") && !uname.contains("..."),
        "-v prints every utsname field",
    );
    if let Some(theirs) = strace(&args) {
        assert_eq!(
            line(&t.stderr, "uname("),
            line(&theirs, "uname("),
            "uname as strace prints it"
        );
    }
    // stat's and statx's fields in full, the same as strace's for the same file; the
    // access time may move between the two runs.
    let atime =
        regex::Regex::new(r"atime=(\{[^}]*\}|\d+) /\* [^*]+ \*/(, st_atime_nsec=\d+)?").unwrap();
    let masked = |l: &str| atime.replace(l, "atime=T").into_owned();
    for (call, prog) in [
        ("newfstatat", &["sh", "-c", "test -f /etc/hostname"][..]),
        ("statx", &["stat", "-c", "%s", "/etc/hostname"][..]),
    ] {
        let trace_set = format!("trace={call}");
        let mut args = vec!["-v", "-e", &trace_set];
        args.extend_from_slice(prog);
        let t = traced(backend, &args);
        let ours = t
            .stderr
            .lines()
            .find(|l| l.contains("\"/etc/hostname\""))
            .unwrap_or_else(|| panic!("a {call} of /etc/hostname:\n{}", t.stderr))
            .to_owned();
        t.expect(
            ours.contains("_ino=") && ours.contains("_blocks=") && !ours.contains("..."),
            "-v prints every field",
        );
        if let Some(theirs) = strace(&args) {
            let theirs = theirs.lines().find(|l| l.contains("\"/etc/hostname\""));
            assert_eq!(
                Some(masked(&ours)),
                theirs.map(masked),
                "{call} -v as strace"
            );
        }
    }
}

fn verbose_none_and_raw_sets(backend: Backend) {
    let t = traced(
        backend,
        &[
            "-e",
            "verbose=none",
            "-e",
            "trace=execve,statx",
            "stat",
            "-c",
            "%s",
            "/",
        ],
    );
    let exec = t.calls("execve");
    t.expect(
        exec.iter().any(|l| {
            regex::Regex::new(r#"^execve\("/usr/bin/stat", 0x[0-9a-f]+, 0x[0-9a-f]+\) = 0"#)
                .unwrap()
                .is_match(l)
        }),
        "verbose=none: arrays are pointers",
    );
    let stat = t.calls("statx");
    t.expect(
        stat.iter()
            .any(|l| l.contains("\"/\", ") && l.contains(", 0x")),
        "verbose=none: structures are pointers, strings are not",
    );
    let t = traced(
        backend,
        &[
            "-e",
            "raw=openat",
            "-e",
            "trace=openat,close",
            "cat",
            "/dev/null",
        ],
    );
    t.expect(
        t.calls("openat").iter().all(|l| {
            let hex = "(0|0x[0-9a-f]+)";
            regex::Regex::new(&format!(
                r"^openat\({hex}, {hex}, {hex}, {hex}\) = ({hex}|-1 E)"
            ))
            .unwrap()
            .is_match(l)
        }),
        "raw=openat: numbers only, the result in hex",
    );
    t.expect(
        t.calls("close")
            .iter()
            .all(|l| !l.contains("0x") && l.ends_with("= 0")),
        "other calls decoded",
    );
}

fn read_and_write_dumps_match_strace(backend: Backend) {
    let args = [
        "-e",
        "trace=read,write",
        "-e",
        "write=1",
        "-e",
        "read=3",
        "sh",
        "-c",
        "printf 'hello, dump\\n'; head -c 40 /etc/passwd > /dev/null",
    ];
    let t = traced(backend, &args);
    let dumps = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with(" | "))
            .map(str::to_owned)
            .collect()
    };
    let ours = dumps(&t.stderr);
    t.expect(
        ours.iter()
            .any(|l| l.starts_with(" | 00000  68 65 6c 6c 6f 2c 20 64") && l.ends_with(" |")),
        "the write to stdout is dumped",
    );
    t.expect(ours.len() >= 4, "the 40 bytes read are dumped, in 3 lines");
    if let Some(theirs) = strace(&args) {
        // The ELF headers the loader reads differ by nothing: compare them all.
        assert_eq!(ours, dumps(&theirs), "dumps as strace's:\n{}", t.stderr);
    }

    // sendmmsg/recvmmsg: each message's buffers, as strace's dumpiov_in_mmsghdr.
    let args = [
        "-e",
        "trace=sendmmsg,recvmmsg",
        "-e",
        "write=3",
        "-e",
        "read=3",
        env!("CARGO_BIN_EXE_workload"),
        "mmsg",
    ];
    let t = traced(backend, &args);
    let dumps = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| [" | ", " * ", " = "].iter().any(|p| l.starts_with(p)))
            .map(str::to_owned)
            .collect()
    };
    let ours = dumps(&t.stderr);
    let sent = [
        " = 1 buffers in vector 0",
        " * 11 bytes in buffer 0",
        " | 00000  12 34 01 00 71 75 65 72  79 2d 61                 .4..query-a      |",
        " = 1 buffers in vector 1",
        " * 14 bytes in buffer 0",
    ];
    t.expect(
        ours.len() > sent.len() && ours[..sent.len()] == sent,
        "the messages sendmmsg sent are dumped, buffer by buffer",
    );
    if let Some(theirs) = strace(&args) {
        assert_eq!(
            ours,
            dumps(&theirs),
            "mmsg dumps as strace's:\n{}",
            t.stderr
        );
    }
}

fn signal_and_status_qualifiers(backend: Backend) {
    let prog = ["sh", "-c", "sleep 0 & wait; cat /nonexistent"];
    let with = |extra: &[&str]| {
        let mut args = vec!["-f", "-e", "trace=openat,wait4"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&prog);
        traced(backend, &args)
    };
    let t = with(&[]);
    t.expect(t.stderr.contains("--- SIGCHLD"), "SIGCHLD shown by default");
    let t = with(&["-e", "signal=none"]);
    t.expect(!t.stderr.contains("--- SIG"), "signal=none hides it");
    let t = with(&["--signal=!SIGCHLD"]);
    t.expect(
        !t.stderr.contains("--- SIGCHLD"),
        "--signal=!SIGCHLD hides it",
    );
    let t = with(&["-e", "status=failed"]);
    let opens = t.calls("openat");
    t.expect(
        !opens.is_empty() && opens.iter().all(|l| l.contains("= -1 E")),
        "status=failed: failed calls only",
    );
    // The last of -z/-Z/status= wins, with strace's note.
    let t = with(&["-Z", "-z"]);
    t.expect(
        t.calls("openat").iter().all(|l| !l.contains("= -1")),
        "-z last",
    );
    t.expect(t.stderr.contains("tracer: Only the last of -z"), "the note");
}

fn quiet_sets(backend: Backend) {
    let t = traced(backend, &["--quiet=exit", "-e", "trace=none", "true"]);
    t.expect(!t.stderr.contains("+++ exited"), "--quiet=exit");
    let t = traced(backend, &["-e", "quiet=none", "-e", "trace=none", "true"]);
    t.expect(t.stderr.contains("+++ exited with 0 +++"), "quiet=none");
    let t = traced(backend, &["-qq", "-e", "trace=none", "true"]);
    t.expect(t.stderr.is_empty(), "-qq");
}

fn numbers_columns_and_pids(backend: Backend) {
    let args = [
        "-n",
        "-a",
        "20",
        "-e",
        "trace=close,getpid",
        "sh",
        "-c",
        "exec 3</dev/null; exec 3<&-",
    ];
    let t = traced(backend, &args);
    t.expect(
        t.stderr.lines().any(|l| l == "[   3] close(3)     = 0"),
        "-n's number and -a's column",
    );
    let t = traced(
        backend,
        &[
            "-Y",
            "-e",
            "trace=getppid,getpid",
            "sh",
            "-c",
            "echo $$ $PPID",
        ],
    );
    let pid = t.stdout.split_whitespace().next().expect("sh's pid");
    t.expect(
        t.calls("getpid")
            .iter()
            .any(|l| l.ends_with(&format!("= {pid}<sh>"))),
        "-Y: the pid with its command name",
    );
    // A name the process gives itself is escaped inside the brackets, as strace does.
    let script = "import ctypes, os, time\n\
                  ctypes.CDLL(None).prctl(15, b'a<b>', 0, 0, 0)\n\
                  os.getpid()\n\
                  time.sleep(0.5)";
    let t = traced(
        backend,
        &["-Y", "-e", "trace=getpid", "python3", "-c", script],
    );
    t.expect(
        t.calls("getpid").iter().any(|l| l.contains(r"<a\74b\76>")),
        "-Y: < and > in a command name escaped",
    );
    // The name at the call, though the process takes another at once (an exec) and is
    // gone before the line is printed.
    let script = "import ctypes, os\n\
                  ctypes.CDLL(None).prctl(15, b'renamed', 0, 0, 0)\n\
                  os.getpid()\n\
                  os.execv('/bin/true', ['true'])";
    let t = traced(
        backend,
        &["-Y", "-e", "trace=getpid", "python3", "-c", script],
    );
    t.expect(
        t.calls("getpid").iter().any(|l| l.ends_with("<renamed>")),
        "-Y: the name the process had at the call",
    );
}

fn always_show_pid(backend: Backend) {
    let t = traced(
        backend,
        &[
            "--always-show-pid",
            "-e",
            "trace=getpid",
            "sh",
            "-c",
            "echo $$",
        ],
    );
    let pid = t.stdout.trim().to_owned();
    t.expect(
        t.stderr
            .lines()
            .all(|l| l.starts_with(&format!("{pid:<5} "))),
        "every line starts with the pid",
    );
}

fn instruction_pointer(backend: Backend) {
    let t = traced(backend, &["-i", "-e", "trace=close", "cat", "/dev/null"]);
    t.expect(
        t.stderr.lines().any(|l| {
            regex::Regex::new(r"^\[[0-9a-f]{16}\] close\(3\) +=")
                .unwrap()
                .is_match(l)
        }),
        "-i: [ip] before each call",
    );
    // A signal's line shows where it interrupted the task (a jump to 0), not where its
    // last call was made.
    let t = traced(
        backend,
        &[
            "-i",
            "-e",
            "trace=getppid",
            env!("CARGO_BIN_EXE_workload"),
            "jump-null",
        ],
    );
    t.expect(
        t.stderr.lines().any(|l| {
            regex::Regex::new(r"^\[[0-9a-f]{16}\] getppid\(\) += \d+$")
                .unwrap()
                .is_match(l)
        }),
        "the call's own",
    );
    t.expect(
        t.stderr.contains(
            "\n[0000000000000000] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, \
             si_addr=NULL} ---\n[????????????????] +++ killed by SIGSEGV",
        ),
        "the signal's own",
    );
}

fn time_precisions(backend: Backend) {
    let t = traced(
        backend,
        &[
            "--syscall-times=ms",
            "--relative-timestamps=ns",
            "-e",
            "trace=close",
            "cat",
            "/dev/null",
        ],
    );
    let re = regex::Regex::new(r"^ +\d+\.\d{9} close\(3\) += 0 <\d+\.\d{3}>$").unwrap();
    t.expect(
        t.stderr.lines().any(|l| re.is_match(l)),
        "-T in ms, -r in ns",
    );
    let t = traced(
        backend,
        &["--syscall-times=s", "-e", "trace=close", "cat", "/dev/null"],
    );
    t.expect(t.stderr.lines().any(|l| l.ends_with("= 0 <0>")), "-T in s");
    let t = traced(
        backend,
        &[
            "--absolute-timestamps=format:unix,precision:ms",
            "-e",
            "trace=close",
            "true",
        ],
    );
    let re = regex::Regex::new(r"^\d{10}\.\d{3} ").unwrap();
    t.expect(t.stderr.lines().all(|l| re.is_match(l)), "unix time in ms");
}

fn environment_user_and_argv0(backend: Backend) {
    let t = traced(
        backend,
        &[
            "-E",
            "TRACER_TEST=set",
            "-E",
            "HOME",
            "--argv0=renamed",
            "-e",
            "trace=none",
            "sh",
            "-c",
            "echo $TRACER_TEST ${HOME:-unset} $0",
        ],
    );
    t.expect(t.stdout.trim() == "set unset renamed", "-E and --argv0");
    let t = traced(backend, &["-u", "nobody", "-e", "trace=none", "id", "-u"]);
    t.expect(t.stdout.trim() == "65534", "-u nobody");
    let t = traced(
        backend,
        &["-u", "65534:65534", "-e", "trace=none", "id", "-g"],
    );
    t.expect(t.stdout.trim() == "65534", "-u UID:GID");
}

fn detach_on_execve(backend: Backend) {
    // The child's exec is shown unfinished and detached; the child still runs and
    // prints; the shell goes on traced. execve is not in the trace set: -b sees it all
    // the same, and shows it only because strace does.
    let t = traced(
        backend,
        &[
            "-f",
            "-b",
            "execve",
            "-e",
            "trace=execve,write",
            "sh",
            "-c",
            "/bin/echo hi; echo done",
        ],
    );
    t.expect(t.stdout == "hi\ndone\n", "the detached child ran");
    t.expect(
        t.stderr.lines().any(|l| {
            l.contains("execve(\"/bin/echo\", [\"/bin/echo\", \"hi\"], ")
                && l.ends_with(" <detached ...>")
        }),
        "the exec ends <detached ...>",
    );
    t.expect(
        !t.stderr.contains("write(1, \"hi\\n\""),
        "nothing of the detached process after",
    );
    t.expect(
        t.stderr.contains("write(1, \"done\\n\""),
        "the shell is still traced",
    );
    let t = traced(
        backend,
        &[
            "-f",
            "-b",
            "execve",
            "-e",
            "trace=write",
            "sh",
            "-c",
            "/bin/echo hi",
        ],
    );
    t.expect(
        t.stdout == "hi\n" && !t.stderr.contains("execve("),
        "only the trace set shows",
    );
    t.expect(
        !t.stderr.contains("write(1, \"hi\\n\""),
        "and the exec it does not show still detaches",
    );
}

fn syscall_limit(backend: Backend) {
    let t = traced(
        backend,
        &[
            "--syscall-limit=3",
            "-e",
            "trace=openat,close",
            "cat",
            "/etc/hostname",
        ],
    );
    let calls = t
        .stderr
        .lines()
        .filter(|l| l.starts_with("openat(") || l.starts_with("close("))
        .count();
    t.expect(calls == 3, "three calls shown");
    t.expect(
        t.stderr
            .contains("tracer: System call limit has been reached, detaching tracees"),
        "strace's message",
    );
    t.expect(t.code() == Some(0), "exit 0");
    // The command goes on untraced and finishes its work.
    let file = std::env::temp_dir().join(format!("tracer-limit-{backend:?}"));
    let _ = std::fs::remove_file(&file);
    let script = format!(
        "cat /etc/hostname >/dev/null; sleep 0.3; echo ok > {}",
        file.display()
    );
    let t = traced(backend, &["-f", "--syscall-limit=2", "sh", "-c", &script]);
    t.expect(t.code() == Some(0), "exit 0");
    std::thread::sleep(Duration::from_millis(800));
    let done = std::fs::read_to_string(&file).unwrap_or_default();
    let _ = std::fs::remove_file(&file);
    t.expect(done == "ok\n", "the command finished untraced");
}

fn daemonize_keeps_the_command_the_callers_child(backend: Backend) {
    // The shell prints its pid, then becomes `tracer -D`; the command tracer starts
    // must be that same process.
    let script = format!(
        "echo $$; exec {} {} -D -e trace=getpid sh -c 'echo $$'",
        tracer_tests::tracer_bin().display(),
        backend.arg()
    );
    let out = tracer_tests::tracer_env(Command::new("sh").args(["-c", &script]))
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .expect("run sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pids: Vec<&str> = stdout.lines().collect();
    assert_eq!(pids.len(), 2, "{stdout}");
    assert_eq!(pids[0], pids[1], "the command kept the caller's pid");
    assert!(out.status.success());
    // The trace comes from the grandchild, which may finish after the command.
    std::thread::sleep(Duration::from_millis(500));
}

fn large_string_limits_keep_argv(backend: Backend) {
    let t = traced(
        backend,
        &["-s", "4096", "-e", "trace=execve", "/bin/echo", "a", "b"],
    );
    t.expect(
        t.stderr
            .starts_with("execve(\"/bin/echo\", [\"/bin/echo\", \"a\", \"b\"], "),
        "-s 4096 keeps argv",
    );
    // As strace: `-s` counts argv's strings too (20: the path and 19 more), and says
    // when there were more; a larger `-s` shows all 41.
    let many: Vec<String> = (0..40).map(|n| n.to_string()).collect();
    let mut args = vec!["-s", "20", "-e", "trace=execve", "/bin/echo"];
    args.extend(many.iter().map(String::as_str));
    let t = traced(backend, &args);
    t.expect(
        t.stderr.contains("\"17\", \"18\", ...], 0x"),
        "argv cut at -s strings, saying so",
    );
    args[1] = "64";
    let t = traced(backend, &args);
    t.expect(
        t.stderr.contains("\"38\", \"39\"], 0x"),
        "argv whole within -s strings",
    );
    // 600 variables: the count stops at the capture's 512, and says so.
    let vars: Vec<String> = (0..600).map(|n| format!("V{n}=x")).collect();
    let mut args = vec!["-e", "trace=execve", "env", "-i"];
    args.extend(vars.iter().map(String::as_str));
    args.push("/bin/true");
    let t = traced(backend, &args);
    t.expect(
        t.stderr.contains("[\"/bin/true\"], 0x")
            && t.stderr.contains(" /* at least 512 vars */) = 0"),
        "a cut environment count says so",
    );
    // A string longer than the plan's copy has room for: read again (ptrace) or copied
    // in pieces (eBPF: an array's first string), whole as strace shows it; the eBPF
    // programs' copy of a later one ends with `...`.
    let long = "x".repeat(5000);
    let t = traced(
        backend,
        &["-s", "8192", "-e", "trace=execve", "/bin/echo", &long],
    );
    let whole = format!("\"/bin/echo\", \"{long}\"], 0x");
    match backend {
        Backend::Ptrace => t.expect(t.stderr.contains(&whole), "a long argument whole"),
        Backend::Ebpf => t.expect(
            t.stderr.contains("xxx\"...], 0x"),
            "a long argument after the first ends with ...",
        ),
    }
    // umovestr2's: an environment string of two pages, whole under `-v`.
    let var = format!("LONG={}", "y".repeat(8186));
    let t = traced(
        backend,
        &[
            "-v",
            "-s",
            "262144",
            "-e",
            "trace=execve",
            "env",
            "-i",
            &var,
            "/bin/true",
        ],
    );
    let line = format!("execve(\"/bin/true\", [\"/bin/true\"], [\"{var}\"]) = 0");
    t.expect(t.stderr.contains(&line), "a long environment string whole");
}

fn non_utf8_arguments_are_traced(backend: Backend) {
    let out = tracer()
        .arg(backend.arg())
        .args(["-e", "trace=execve", "/bin/echo"])
        .arg(std::ffi::OsStr::from_bytes(b"\xff\xfeok"))
        .stdin(Stdio::null())
        .output()
        .expect("run tracer");
    let t = Traced::from(out);
    t.expect(t.code() == Some(0), "traced");
    t.expect(
        t.stderr
            .contains(r#"execve("/bin/echo", ["/bin/echo", "\377\376ok"], "#),
        "the argument as strace prints it",
    );
}

fn uninterruptible(backend: Backend) {
    use nix::{sys::signal::Signal, unistd::Pid};
    let mut child = tracer()
        .args([
            backend.arg(),
            "-I",
            "never",
            "-e",
            "trace=none",
            "sleep",
            "1",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tracer");
    std::thread::sleep(Duration::from_millis(300));
    nix::sys::signal::kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        child.try_wait().unwrap().is_none(),
        "-I never: SIGINT does not stop the trace"
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("+++ exited with 0 +++"), "{stderr}");
}

fn kill_on_exit(backend: Backend) {
    use nix::{sys::signal::Signal, unistd::Pid};
    use std::io::BufRead as _;
    let mut child = tracer()
        .args([backend.arg(), "--kill-on-exit", "-e", "trace=none"])
        .args(["sh", "-c", "echo $$; exec sleep 30"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tracer");
    let mut pid = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut pid)
        .unwrap();
    let pid: u32 = pid.trim().parse().expect("the command's pid");
    std::thread::sleep(Duration::from_millis(300));
    assert!(tracer_tests::process_running(pid), "the command runs");
    nix::sys::signal::kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
    child.wait().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while tracer_tests::process_running(pid) && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !tracer_tests::process_running(pid),
        "--kill-on-exit: the command died with the tracer"
    );
}

fn notes_of_what_strace_only_warns_about(backend: Backend) {
    let t = traced(backend, &["-A", "-e", "trace=none", "true"]);
    t.expect(
        t.stderr
            .starts_with("tracer: -A/--output-append-mode has no effect without -o/--output\n"),
        "-A without -o says so",
    );
    t.expect(t.code() == Some(0), "and traces");
    let t = traced(backend, &["--seccomp-bpf", "-e", "trace=none", "true"]);
    t.expect(
        t.stderr
            .starts_with("tracer: --seccomp-bpf cannot be used without -f/--follow-forks"),
        "--seccomp-bpf without -f says so",
    );
    let t = traced(backend, &["--tips", "-e", "trace=none", "true"]);
    t.expect(t.code() == Some(0), "--tips accepted");
}

/// `--buffer-size` (perf's `-m`): the eBPF ring buffer the tracer maps is that size, seen
/// from the traced command in its parent's fd table; ptrace has no buffer, and the
/// option changes nothing there. The trace is the same either way.
fn buffer_size(backend: Backend) {
    // The ring buffers among the tracer's fds: (map_type 27) max_entries.
    let script = "for f in /proc/$PPID/fdinfo/*; do \
        grep -q '^map_type:.27$' $f 2>/dev/null && grep '^max_entries:' $f; done; \
        exec cat /etc/hostname";
    let run = |size: Option<&str>| {
        let mut args: Vec<&str> = size.into_iter().collect();
        args.extend(["-e", "trace=openat", "sh", "-c", script]);
        let t = traced(backend, &args);
        t.expect(t.code() == Some(0), "exit 0");
        t.expect(
            t.stderr.contains(r#""/etc/hostname", O_RDONLY) = 3"#),
            "the traced command's openat",
        );
        let sizes: Vec<u64> = t
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("max_entries:")?.trim().parse().ok())
            .collect();
        (t, sizes)
    };
    let (small, small_sizes) = run(Some("--buffer-size=64k"));
    let (_, default_sizes) = run(None);
    match backend {
        Backend::Ebpf => {
            small.expect(small_sizes.contains(&65536), "a 64 KiB ring buffer");
            small.expect(
                default_sizes.iter().any(|&s| s >= 8 << 20) && !default_sizes.contains(&65536),
                "by default, one of at least 8 MiB",
            );
        }
        Backend::Ptrace => {
            small.expect(
                small_sizes.is_empty() && default_sizes.is_empty(),
                "no ring buffer",
            );
        }
    }
}

/// `--decode-fds=KIND,...` shows only the kinds named, as strace 6.1 does (its
/// dev--decode-fds-*.test): a device's numbers with `dev`, its path with `path`, nothing
/// of it with `socket`; `AT_FDCWD` is decorated with `path` only.
fn decode_fds_kinds(backend: Backend) {
    let open = |kinds: &str| {
        let opt = format!("--decode-fds={kinds}");
        let t = traced(
            backend,
            &[&opt, "-e", "trace=openat", "--", "cat", "/dev/null"],
        );
        t.expect(t.code() == Some(0), "success");
        let line = t
            .calls("openat")
            .into_iter()
            .find(|l| l.contains("\"/dev/null\""))
            .map(str::to_owned);
        t.expect(line.is_some(), "the open of /dev/null");
        line.unwrap()
    };
    let dev = open("dev");
    assert!(
        dev.starts_with("openat(AT_FDCWD, ") && dev.ends_with("= 3</dev/null<char 1:3>>"),
        "dev: {dev}"
    );
    let path = open("path");
    assert!(
        path.starts_with("openat(AT_FDCWD</") && path.ends_with("= 3</dev/null>"),
        "path: {path}"
    );
    let socket = open("socket");
    assert!(
        socket.starts_with("openat(AT_FDCWD, ") && socket.ends_with("= 3"),
        "socket: {socket}"
    );
    let all = open("all");
    assert!(
        all.starts_with("openat(AT_FDCWD</") && all.ends_with("= 3</dev/null<char 1:3>>"),
        "all: {all}"
    );
}

/// strace reads `-s` bytes and one more of a string or buffer: with 33 readable bytes
/// and no NUL, it shows 32 and `...`; with 32 readable, the address; with a NUL as the
/// 33rd, the 32 bytes whole.
fn strings_at_a_mappings_end_as_strace_reads_them(backend: Backend) {
    let args = [
        "-e",
        "trace=write,delete_module",
        env!("CARGO_BIN_EXE_workload"),
        "page-end",
    ];
    let t = traced(backend, &args);
    let addr = regex::Regex::new(r"0x[0-9a-f]+").unwrap();
    let calls = |stderr: &str| -> Vec<String> {
        stderr
            .lines()
            .filter(|l| {
                [
                    "write(-1",
                    "delete_module(",
                    "memfd_create(",
                    "prctl(PR_SET_NAME",
                ]
                .iter()
                .any(|call| l.starts_with(call))
            })
            .map(|l| {
                addr.replace_all(l.split(" = ").next().unwrap_or(l), "ADDR")
                    .trim_end()
                    .to_owned()
            })
            .collect()
    };
    let x32 = "x".repeat(32);
    let expected = [
        format!("write(-1, \"{x32}\"..., 33)"),
        "write(-1, ADDR, 33)".to_owned(),
        format!("delete_module(\"{x32}\"..., 0)"),
        "delete_module(ADDR, 0)".to_owned(),
        format!("delete_module(\"{x32}\", 0)"),
    ];
    // (strace's own tests, printstr.c and delete_module.c, expect the same; strace run
    // here interleaves its "short read" warnings with these lines.)
    assert_eq!(calls(&t.stderr), expected, "{}", t.stderr);
    // Strings the kernel reads up to a length of its own, as far as `-s` allows:
    // strace's printstr_ex reads that many bytes (a memfd's name 250, PR_SET_NAME's
    // 15) and shows them, `...` when no NUL was among them; one byte fewer readable is
    // an address.
    let t = traced(
        backend,
        &[
            "-s",
            "300",
            "-e",
            "trace=memfd_create,prctl",
            env!("CARGO_BIN_EXE_workload"),
            "page-end",
        ],
    );
    let expected = [
        format!("memfd_create(\"{}\"..., 0)", "m".repeat(250)),
        "memfd_create(ADDR, 0)".to_owned(),
        format!("prctl(PR_SET_NAME, \"{}\"...)", "n".repeat(15)),
        "prctl(PR_SET_NAME, ADDR)".to_owned(),
        "prctl(PR_SET_NAME, \"workload\")".to_owned(),
    ];
    assert_eq!(calls(&t.stderr), expected, "{}", t.stderr);
}

/// Structs and arrays that end a mapping, as strace reads them: a struct the call
/// writes shows its length before and after; an argv and envp without their NULL show
/// the elements there are, then where the array stops (the kernel programs copy them
/// again behind the plan's failed copy); `-s 4096` and a byte of a 4096-byte page is
/// unreadable: the address.
fn structs_at_a_mappings_end_as_strace_reads_them(backend: Backend) {
    let t = traced(
        backend,
        &[
            "-s",
            "4096",
            "-e",
            "trace=ioctl,execve,add_key",
            env!("CARGO_BIN_EXE_workload"),
            "page-end-structs",
        ],
    );
    let addr = regex::Regex::new(r"0x[0-9a-f]{6,}").unwrap();
    let lines: Vec<String> = t
        .stderr
        .lines()
        .filter(|l| {
            ["ioctl(", "execve(\"/nonexistent", "add_key("]
                .iter()
                .any(|call| l.starts_with(call))
        })
        .map(|l| addr.replace_all(l, "ADDR").into_owned())
        .collect();
    let expected = [
        "ioctl(3, SIOCGIFCONF, {ifc_len=1 => 0, ifc_buf=[]}) = 0",
        "execve(\"/nonexistent/tracer-test\", [\"first\", \"second\", ... /* ADDR */], \
         ADDR /* 1 var, unterminated */) = -1 ENOENT (No such file or directory)",
        "add_key(NULL, NULL, ADDR, 4097, KEY_SPEC_THREAD_KEYRING) = -1 EFAULT (Bad address)",
    ];
    assert_eq!(lines, expected, "{}", t.stderr);
}

/// strace follows a pointer inside a struct: a filter program's instructions (`struct
/// sock_fprog`, `-v` only) given to `setsockopt`, `prctl` and `seccomp` and read back by
/// `getsockopt`; `clone3`'s `set_tid` pids, up to an unreadable page, and the pidfd and
/// tid it wrote back.
fn memory_a_struct_points_at_is_followed(backend: Backend) {
    let trace_set = "trace=setsockopt,getsockopt,prctl,seccomp,clone3";
    let workload = env!("CARGO_BIN_EXE_workload");
    let args = ["-v", "-e", trace_set, workload, "filters"];
    let t = traced(backend, &args);
    t.expect(t.code() == Some(0), "the workload ran");
    let filter = |l: &str| -> Option<String> {
        let start = l
            .find("filter=[")
            .map(|at| at + "filter=".len())
            .or(l.find(", ["))?;
        let rest = &l[start..];
        Some(rest[..=rest.find("]")?].trim_start_matches(", ").to_owned())
    };
    // What the kernel was given is what it gives back: five instructions, the third a
    // jump (jf 1), the protocol compared with UDP's number.
    let set = t.calls("setsockopt");
    let given = set.first().and_then(|l| filter(l));
    let got = t.calls("getsockopt").first().and_then(|l| filter(l));
    t.expect(
        given.is_some() && given == got,
        "setsockopt's instructions as getsockopt reads them back",
    );
    let given = given.unwrap_or_default();
    t.expect(
        set[0].contains("{len=5, filter=[")
            && given.matches("BPF_STMT(").count() == 4
            && given.matches("BPF_JUMP(").count() == 1
            && given.contains(&format!("{:#x}, 0, 0x1)", libc::IPPROTO_UDP)),
        "the socket filter's five instructions",
    );
    let allow = "{len=1, filter=[BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW)]}";
    t.expect(
        t.calls("prctl").iter().any(|l| l.contains(allow))
            && t.calls("seccomp").iter().any(|l| l.contains(allow)),
        "the seccomp filter, set by prctl and by seccomp",
    );
    // The pids the program passed (as it printed them), the second array running into
    // an unreadable page after two of its three.
    let pids: Vec<String> = t
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("set_tid "))
        .map(|l| l.split(' ').collect::<Vec<_>>().join(", "))
        .collect();
    let clone3 = t.calls("clone3");
    t.expect(
        pids.len() == 2 && clone3.len() == 3,
        &format!("three clone3 calls, pids {pids:?}"),
    );
    // What the kernel wrote where the child's struct pointed, as the program read it.
    let written = t
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("pidfd "))
        .and_then(|l| l.split_once(" parent_tid "));
    t.expect(
        written.is_some_and(|(fd, tid)| {
            clone3[2].contains(&format!(
                "=> {{pidfd=[{fd}], parent_tid=[{tid}]}}, 88) = {tid}"
            ))
        }),
        &format!("clone3's pidfd and tid written back: {written:?}"),
    );
    t.expect(
        clone3[0].contains(&format!("set_tid=[{}], set_tid_size=3}}", pids[0]))
            && clone3[1].contains(&format!("set_tid=[{}, ... /* 0x", pids[1]))
            && clone3[1].contains("000 */], set_tid_size=3}"),
        "clone3's set_tid pids",
    );
    // Abbreviated, the program's address.
    let t2 = traced(backend, &["-e", trace_set, workload, "filters"]);
    t2.expect(
        t2.calls("setsockopt")
            .first()
            .is_some_and(|l| l.contains("{len=5, filter=0x"))
            && t2
                .calls("prctl")
                .iter()
                .any(|l| l.contains("{len=1, filter=0x")),
        "without -v, the instructions' address",
    );
    // The same lines as strace's, addresses and pids (checked above) aside.
    if let Some(theirs) = strace(&args) {
        let addr = regex::Regex::new(r"0x[0-9a-f]{6,}").unwrap();
        let pids = regex::Regex::new(r"\b[0-9]{3,}\b").unwrap();
        let calls = |text: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.starts_with("+++") && !l.starts_with("---"))
                .map(|l| addr.replace_all(l, "ADDR"))
                .map(|l| pids.replace_all(&l, "PID").into_owned())
                .collect()
        };
        assert_eq!(calls(&t.stderr), calls(&theirs), "as strace prints them");
    }
}
