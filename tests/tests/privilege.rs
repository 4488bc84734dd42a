//! A tracer with more privilege than its user (file capabilities on a copy of the binary,
//! `setcap cap_bpf,cap_perfmon,cap_dac_read_search+ep`, run by `nobody`) traces only
//! what that user may ptrace: another user's process is refused, the user's own is
//! traced, `--cgroup` needs root, a process that gains privileges at an exec leaves the
//! trace (eBPF; under ptrace the kernel does not let it gain them), and the tracer keeps
//! only CAP_BPF once loaded (nothing with ptrace) while the command runs with none. On
//! both backends.

use std::{
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

use tracer_tests::{Backend, Traced, both_backends, tracer_bin};

const SANDBOX: &str = env!("CARGO_BIN_EXE_sandbox");
const NOBODY: u32 = 65534;

/// A copy of the tracer with file capabilities, in a directory `nobody` can reach.
struct CapsCopy {
    dir: PathBuf,
    bin: PathBuf,
}

impl CapsCopy {
    /// `None` (the test is skipped, saying why) without `setcap`.
    fn new(name: &str) -> Option<Self> {
        let Some(setcap) = ["/usr/sbin/setcap", "/sbin/setcap"]
            .into_iter()
            .find(|p| Path::new(p).exists())
        else {
            println!("skipped: setcap (libcap2-bin) is not installed");
            return None;
        };
        let dir = std::env::temp_dir().join(format!("tracer-caps-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let bin = dir.join("tracer");
        std::fs::copy(tracer_bin(), &bin).unwrap();
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let status = Command::new(setcap)
            .args([
                "cap_bpf,cap_perfmon,cap_dac_read_search+ep",
                bin.to_str().unwrap(),
            ])
            .status()
            .unwrap();
        if !status.success() {
            println!("skipped: setcap failed here (a filesystem without capabilities?)");
            return None;
        }
        Some(Self { dir, bin })
    }

    /// Runs the copy as `nobody` (again, while it is busy for an instant).
    fn run(&self, backend: Backend, args: &[&str]) -> Traced {
        let out = tracer_tests::output_once_not_busy(|| {
            let mut cmd = Command::new(SANDBOX);
            cmd.args(["nobody", "--", self.bin.to_str().unwrap(), backend.arg()])
                .args(args)
                .current_dir(&self.dir)
                .stdin(Stdio::null());
            cmd
        });
        Traced::from(out)
    }
}

impl Drop for CapsCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A `sleep` of root's, or (`as_nobody`) of nobody's.
fn sleeper(as_nobody: bool, seconds: &str) -> Child {
    let mut cmd = if as_nobody {
        let mut c = Command::new(SANDBOX);
        c.args(["nobody", "--", "/bin/sleep", seconds]);
        c
    } else {
        let mut c = Command::new("/bin/sleep");
        c.arg(seconds);
        c
    };
    let child = cmd.spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    child
}

fn another_users_process_is_refused(backend: Backend) {
    let Some(copy) = CapsCopy::new(&format!("other-{backend:?}")) else {
        return;
    };
    let mut root = sleeper(false, "30");
    let pid = root.id().to_string();
    let t = copy.run(backend, &["-e", "trace=none", "-p", &pid]);
    let alive = tracer_tests::process_running(root.id());
    let _ = root.kill();
    let _ = root.wait();
    t.expect(t.code() == Some(1), "refused");
    t.expect(
        t.lines()
            == [format!(
                "tracer: attach: pid {pid}: Operation not permitted (user {NOBODY} may not ptrace \
                 it, and the tracer traces only what its user may)"
            )
            .as_str()],
        "one line, naming the user",
    );
    t.expect(alive, "root's process is untouched");
}

fn the_users_own_process_is_traced(backend: Backend) {
    let Some(copy) = CapsCopy::new(&format!("own-{backend:?}")) else {
        return;
    };
    let mut own = sleeper(true, "5");
    let pid = own.id().to_string();
    let t = copy.run(backend, &["-e", "trace=none", "-p", &pid]);
    own.wait().unwrap();
    t.expect(t.code() == Some(0), "traced to its end");
    t.expect(
        t.stderr
            .contains(&format!("tracer: Process {pid} attached"))
            && t.stderr.ends_with("+++ exited with 0 +++\n"),
        "attached, and its end shown",
    );
}

fn a_whole_cgroup_needs_root(backend: Backend) {
    let Some(copy) = CapsCopy::new(&format!("cgroup-{backend:?}")) else {
        return;
    };
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap();
    let Some(cgroup2) = mounts
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|f| f.get(2) == Some(&"cgroup2"))
        .map(|f| f[1].to_owned())
    else {
        println!("skipped: no cgroup2 mount");
        return;
    };
    let t = copy.run(backend, &["--cgroup", &cgroup2]);
    t.expect(t.code() == Some(1), "refused");
    t.expect(
        t.lines().len() == 1
            && t.stderr
                .starts_with("tracer: --cgroup traces every process of a cgroup")
            && t.stderr.contains(&format!("user {NOBODY}")),
        "one line saying why",
    );
}

/// A setuid-root copy of `id` run under the trace: with eBPF it gains root and leaves the
/// trace (nothing it does afterwards is shown); under ptrace the kernel ignores the
/// setuid bit for a tracer without CAP_SYS_PTRACE, so it stays traced and unprivileged.
fn a_process_gaining_privileges_leaves_the_trace(backend: Backend) {
    let Some(copy) = CapsCopy::new(&format!("setuid-{backend:?}")) else {
        return;
    };
    let id = copy.dir.join("suid-id");
    std::fs::copy("/usr/bin/id", &id).unwrap();
    std::fs::set_permissions(&id, std::fs::Permissions::from_mode(0o4755)).unwrap();
    let script = format!("{} -u; id -u", id.display());
    let t = copy.run(
        backend,
        &[
            "-f",
            "-e",
            "trace=execve,geteuid",
            "--",
            "sh",
            "-c",
            &script,
        ],
    );
    t.expect(t.code() == Some(0), "the command runs");
    match backend {
        Backend::Ebpf => {
            t.expect(
                t.stdout == format!("0\n{NOBODY}\n"),
                "the setuid program ran as root",
            );
            let pid: u32 = t
                .stderr
                .lines()
                .find_map(|l| {
                    l.strip_prefix("tracer: Process ")?.strip_suffix(
                        " detached: its exec gave it privileges the tracer's user does not have",
                    )
                })
                .and_then(|p| p.parse().ok())
                .unwrap_or_else(|| panic!("the tracer says it let it go:\n{}", t.stderr));
            let after_exec: Vec<&str> = t
                .lines()
                .into_iter()
                .filter(|l| l.starts_with(&format!("[pid {pid:>5}] ")))
                .filter(|l| !l.contains("execve("))
                .collect();
            t.expect(after_exec.is_empty(), "nothing it did as root is shown");
        }
        Backend::Ptrace => {
            t.expect(
                t.stdout == format!("{NOBODY}\n{NOBODY}\n"),
                "the kernel ignored the setuid bit under the trace",
            );
            t.expect(!t.stderr.contains("detached"), "it stays traced");
        }
    }
    t.expect(
        t.calls("geteuid")
            .iter()
            .all(|l| l.ends_with(&format!("= {NOBODY}"))),
        "every id shown is the user's",
    );
}

/// Once loaded, the tracer keeps CAP_BPF alone (nothing with ptrace); the command it
/// starts has none.
fn the_tracer_keeps_only_cap_bpf(backend: Backend) {
    let Some(copy) = CapsCopy::new(&format!("caps-{backend:?}")) else {
        return;
    };
    let t = copy.run(
        backend,
        &[
            "-e",
            "trace=none",
            "--",
            "sh",
            "-c",
            "grep CapEff /proc/$PPID/status /proc/self/status",
        ],
    );
    t.expect(t.code() == Some(0), "the command runs");
    let caps: Vec<&str> = t
        .stdout
        .lines()
        .map(|l| l.rsplit('\t').next().unwrap())
        .collect();
    // With eBPF, CAP_BPF for the maps; with ptrace, nothing.
    let tracer = match backend {
        Backend::Ebpf => "0000008000000000",
        Backend::Ptrace => "0000000000000000",
    };
    t.expect(
        caps == [tracer, "0000000000000000"],
        &format!("tracer: {tracer}, command: none ({caps:?})"),
    );
}

both_backends!(
    another_users_process_is_refused,
    the_users_own_process_is_traced,
    a_whole_cgroup_needs_root,
    a_process_gaining_privileges_leaves_the_trace,
    the_tracer_keeps_only_cap_bpf,
);
