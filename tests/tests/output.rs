//! Output options on real processes: time stamps, `-o` files (per task, appended, piped,
//! rotated, dated), `-y`/`-yy`, JSON lines, and what happens when the output fails.

use std::{
    fs,
    io::{Read, Write},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use regex::Regex;
use serde_json::Value;
use tracer_tests::Backend;
use tracer_tests::{Traced, strip_pid_prefix, trace, tracer};

tracer_tests::both_backends!(
    unix_timestamps_are_monotonic_and_in_range,
    time_of_day_and_relative_stamps_have_strace_shapes,
    ff_writes_one_file_per_task,
    y_names_fds_across_open_dup_and_close,
    yy_shows_tcp_endpoints,
    yy_names_unix_peers_and_keeps_what_it_first_found,
    y_marks_files_deleted_while_open,
    y_starts_a_child_with_its_parents_descriptors,
    y_names_as_strace_does_at_the_call,
    y_names_descriptors_outside_the_fd_arguments,
    y_names_pidfd_getfd_descriptors,
    y_names_files_of_a_narrow_trace_after_the_process_is_gone,
    y_names_pipes_and_sockets_of_a_process_gone_before_they_are_read,
    yy_names_a_received_socket_in_a_narrow_trace_set,
    y_never_names_a_reused_descriptor_by_an_earlier_file,
    yy_shows_bind_and_connect_sockets_as_they_were,
    yy_names_tcp_sockets_made_outside_a_narrow_trace_set,
    json_lines_carry_the_text_facts,
    rotation_keeps_at_most_n_files_of_at_most_size,
    o_placeholders_append_and_pipes,
    qq_drops_exit_lines_and_k_is_refused,
    full_disk_is_reported_once_and_stops_the_trace,
    a_closed_pipe_ends_the_trace_quietly,
    the_tracer_lets_go_of_its_stdin_and_stdout,
    a_closed_stdin_stays_closed_for_the_command
);

/// A scratch directory, removed at the end of the test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        // Tests run in parallel, each backend's too.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("tracer-out-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).to_str().unwrap().to_owned()
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn epoch_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// A command that makes a few hundred lines: dash opens, dups and closes per iteration.
const BUSY: &str = "for i in $(seq 200); do echo $i > /dev/null; done";

fn unix_timestamps_are_monotonic_and_in_range(backend: Backend) {
    let before = epoch_secs();
    let t = trace(&[backend.arg(), "-ttt", "--", "cat", "/etc/hostname"]);
    let after = epoch_secs();
    t.expect(t.code() == Some(0), "success");
    let stamped = Regex::new(r"^(\d+\.\d{6}) \S").unwrap();
    let mut last = 0.0;
    for line in t.lines() {
        let caps = stamped
            .captures(line)
            .unwrap_or_else(|| panic!("no -ttt stamp: {line:?}\n{}", t.stderr));
        let at: f64 = caps[1].parse().unwrap();
        t.expect(at >= last, &format!("monotonic: {line}"));
        t.expect(
            at >= before - 0.01 && at <= after + 0.01,
            &format!("{at} within [{before}, {after}]: {line}"),
        );
        last = at;
    }
}

fn time_of_day_and_relative_stamps_have_strace_shapes(backend: Backend) {
    let t = trace(&[backend.arg(), "-tt", "--", "true"]);
    let tt = Regex::new(r"^\d\d:\d\d:\d\d\.\d{6} (execve|[a-z_0-9]+\(|\+\+\+)").unwrap();
    for line in t.lines() {
        t.expect(tt.is_match(line), &format!("-tt shape: {line}"));
    }
    let t = trace(&[backend.arg(), "-t", "--", "true"]);
    let t1 = Regex::new(r"^\d\d:\d\d:\d\d [a-z+]").unwrap();
    t.expect(t.lines().iter().all(|l| t1.is_match(l)), "-t shape");

    let started = Instant::now();
    let t = trace(&[backend.arg(), "-r", "--", "sh", "-c", "sleep 0.2"]);
    let elapsed = started.elapsed().as_secs_f64();
    let r = Regex::new(r"^ {0,5}(\d+\.\d{6}) ").unwrap();
    let mut total = 0.0;
    for line in t.lines() {
        let caps = r
            .captures(line)
            .unwrap_or_else(|| panic!("-r shape: {line:?}\n{}", t.stderr));
        total += caps[1].parse::<f64>().unwrap();
    }
    t.expect(
        total >= 0.19 && total <= elapsed,
        &format!("relative stamps add up to the run ({total} of {elapsed})"),
    );
}

fn ff_writes_one_file_per_task(backend: Backend) {
    let dir = Scratch::new("ff");
    let base = dir.path("trace");
    let t = trace(&[
        backend.arg(),
        "-ff",
        "-o",
        &base,
        "--",
        "sh",
        "-c",
        "/bin/true & wait",
    ]);
    t.expect(t.code() == Some(0), "success");
    let files = dir.files();
    assert_eq!(files.len(), 2, "two tasks, two files: {files:?}");
    let text = |name: &str| fs::read_to_string(dir.0.join(name)).unwrap();
    let (parent, child): (Vec<&String>, Vec<&String>) = files
        .iter()
        .partition(|f| text(f).starts_with("execve(\"/usr/bin/sh\""));
    let (parent, child) = (parent[0], child[0]);
    let child_pid = child.strip_prefix("trace.").unwrap();
    let parent_text = text(parent);
    assert!(
        parent_text
            .lines()
            .any(|l| l.starts_with("clone") && l.ends_with(&format!("= {child_pid}"))),
        "the parent's file shows the fork returning the child's pid:\n{parent_text}"
    );
    let child_text = text(child);
    assert!(
        child_text.contains("execve(\"/bin/true\""),
        "child file:\n{child_text}"
    );
    for body in [&parent_text, &child_text] {
        assert!(body.ends_with("+++ exited with 0 +++\n"), "{body}");
        assert!(
            !body
                .lines()
                .any(|l| l.starts_with("[pid") || l.starts_with(child_pid)),
            "no pid prefixes in per-task files:\n{body}"
        );
    }
}

fn y_names_fds_across_open_dup_and_close(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-f",
        "-y",
        "--",
        "sh",
        "-c",
        "exec 7</etc/hostname; exec 8<&7; exec 7<&-; cat /etc/hostname",
    ]);
    t.expect(t.code() == Some(0), "success");
    let has = |pattern: &str| {
        let re = Regex::new(pattern).unwrap();
        t.lines().iter().any(|l| re.is_match(strip_pid_prefix(l)))
    };
    t.expect(
        has(r#"^openat\(AT_FDCWD</[^>]*>, "/etc/hostname", O_RDONLY\) += 3</etc/hostname>$"#),
        "open shows the cwd and the returned fd's path",
    );
    t.expect(
        has(r"^(dup2|fcntl)\(7</etc/hostname>, .*= 8</etc/hostname>$"),
        "the duplicate names the same file",
    );
    t.expect(
        has(r"^close\(7</etc/hostname>\) += 0$"),
        "close names what it closes",
    );
    t.expect(
        has(r"^read\(3</etc/hostname>, "),
        "cat's read names the file (after exec)",
    );
    t.expect(
        has(r"^write\(1<"),
        "stdout, open before the trace, is named from /proc",
    );
}

/// strace's names in the places it gives them: a device's numbers with `-yy`, the
/// descriptor `F_DUPFD` returns, `/proc/self` as the traced process's own pid, the
/// descriptors of a `poll` array, and a `dup2` target closed before the call unnamed.
fn y_names_as_strace_does_at_the_call(backend: Backend) {
    let script = "import fcntl, os, select\n\
                  fd = os.open('/dev/null', os.O_RDONLY)\n\
                  copy = fcntl.fcntl(fd, fcntl.F_DUPFD, 20)\n\
                  os.close(copy)\n\
                  os.dup2(fd, copy)\n\
                  os.close(os.open('/proc/self/stat', os.O_RDONLY))\n\
                  p = select.poll()\n\
                  p.register(fd)\n\
                  p.poll(0)\n\
                  select.select([fd], [], [], 0)\n\
                  print(os.getpid(), fd, copy)";
    let t = trace(&[
        backend.arg(),
        "-yy",
        "-e",
        "trace=openat,fcntl,dup2,poll,select,pselect6,close",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [pid, fd, copy] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    let null = "/dev/null<char 1:3>";
    let lines = t.lines();
    let has = |want: &str| lines.iter().any(|l| l.starts_with(want));
    t.expect(
        lines.iter().any(|l| {
            l.starts_with(r#"openat(AT_FDCWD</"#) && l.ends_with(&format!("= {fd}<{null}>"))
        }),
        "a device has its numbers",
    );
    t.expect(
        lines.iter().any(|l| {
            l.starts_with(&format!("fcntl({fd}<{null}>, F_DUPFD, 20)"))
                && l.ends_with(&format!("= {copy}<{null}>"))
        }),
        "F_DUPFD's result is named",
    );
    t.expect(
        lines.iter().any(|l| {
            l.starts_with(&format!("dup2({fd}<{null}>, {copy})"))
                && l.ends_with(&format!("= {copy}<{null}>"))
        }),
        "dup2's target, closed before the call, is not named",
    );
    t.expect(
        lines.iter().any(|l| {
            l.contains(r#""/proc/self/stat""#) && l.contains(&format!("</proc/{pid}/stat>"))
        }),
        "/proc/self is the traced process",
    );
    t.expect(
        has(&format!("poll([{{fd={fd}<{null}>, events=")),
        "poll's array names its descriptors",
    );
    let set = format!("[{fd}<{null}>], NULL, NULL, ");
    t.expect(
        has(&format!(
            "select({}, {set}",
            fd.parse::<u32>().unwrap_or(0) + 1
        )) || has(&format!(
            "pselect6({}, {set}",
            fd.parse::<u32>().unwrap_or(0) + 1
        )),
        "select's sets name their descriptors",
    );
}

/// Pipes, sockets and anonymous inodes named as they were at the call (the kernel's
/// own structures on eBPF; `/proc` at the stop on ptrace), though the process that made
/// them is gone long before the tracer could look in `/proc`.
fn y_names_pipes_and_sockets_of_a_process_gone_before_they_are_read(backend: Backend) {
    let script = "import os, socket\n\
                  s = socket.socket()\n\
                  r, w = os.pipe()\n\
                  e = os.eventfd(0)\n\
                  os.write(w, b'x')\n\
                  os.close(s.fileno())";
    let t = trace(&[
        backend.arg(),
        "-f",
        "-y",
        "-e",
        "trace=socket,pipe2,eventfd2,write,close",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let lines: Vec<&str> = t.lines().into_iter().map(strip_pid_prefix).collect();
    let re = |p: &str| Regex::new(p).unwrap();
    let find = |pattern: &Regex| lines.iter().find_map(|l| pattern.captures(l));
    let socket = find(&re(r"^socket\(AF_INET, .*\) += (\d+)<socket:\[(\d+)\]>$"));
    t.expect(socket.is_some(), "socket's result names the socket");
    let (fd, ino) = socket
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .unwrap_or_default();
    t.expect(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("close({fd}<socket:[{ino}]>)"))),
        "its close names it",
    );
    let pipe = find(&re(
        r"^pipe2\(\[(\d+)<pipe:\[(\d+)\]>, (\d+)<pipe:\[(\d+)\]>\], O_CLOEXEC\)",
    ));
    t.expect(
        pipe.as_ref().is_some_and(|c| c[2] == c[4]),
        "pipe2 names both ends, one pipe",
    );
    if let Some(c) = pipe {
        t.expect(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("write({}<pipe:[{}]>, \"x\", 1)", &c[3], &c[4]))),
            "the write names the pipe",
        );
    }
    t.expect(
        lines.iter().any(|l| {
            re(r"^eventfd2\(0, EFD_CLOEXEC\) += \d+<anon_inode:\[eventfd\]>$").is_match(l)
        }),
        "eventfd2's result is an anonymous inode",
    );
}

/// `recvfrom`'s copies fill most of its plan, its descriptor's facts still taken at the
/// call: a socket made outside the trace set, by a process gone right after the call.
fn yy_names_a_received_socket_in_a_narrow_trace_set(backend: Backend) {
    let script = "import os, socket\n\
                  a, b = socket.socketpair()\n\
                  a.send(b'x')\n\
                  b.recv(1)\n\
                  print(b.fileno(), os.fstat(b.fileno()).st_ino, os.fstat(a.fileno()).st_ino)";
    let t = trace(&[
        backend.arg(),
        "-yy",
        "-e",
        "trace=recvfrom",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [fd, ino, peer] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    let want = format!("recvfrom({fd}<UNIX-STREAM:[{ino}->{peer}]>, \"x\", 1, 0, NULL, NULL) = 1");
    t.expect(
        t.calls("recvfrom").contains(&want.as_str()),
        &format!("the socket named with its peer: {want}"),
    );
}

/// A descriptor number reused by calls outside the trace set names the file the call
/// saw (the facts' inode and device against `/proc`'s), never the one it had before:
/// while the process lives, by its path; once it is gone, bare rather than wrong.
fn y_never_names_a_reused_descriptor_by_an_earlier_file(backend: Backend) {
    let script = |end: &str| {
        format!(
            "import os, time\n\
             f = os.open('/etc/hostname', os.O_RDONLY)\n\
             os.read(f, 1)\n\
             os.close(f)\n\
             g = os.open('/etc/passwd', os.O_RDONLY)\n\
             os.read(g, 1)\n\
             print(f, g)\n\
             {end}"
        )
    };
    let one_byte = Regex::new(r", 1\) += 1$").unwrap();
    for (end, lives) in [("time.sleep(0.5)", true), ("", false)] {
        let t = trace(&[
            backend.arg(),
            "-y",
            "-e",
            "trace=read",
            "--",
            "python3",
            "-c",
            &script(end),
        ]);
        t.expect(t.code() == Some(0), "python exits 0");
        let fields: Vec<&str> = t.stdout.split_whitespace().collect();
        let [f, g] = fields[..] else {
            panic!("unexpected output {:?}", t.stdout)
        };
        t.expect(f == g, "the second open reused the number");
        let reads: Vec<&str> = t
            .calls("read")
            .into_iter()
            .filter(|l| {
                l.starts_with(&format!("read({g}<")) || l.starts_with(&format!("read({g}, "))
            })
            .filter(|l| one_byte.is_match(l))
            .collect();
        t.expect(reads.len() >= 2, "both one-byte reads are shown");
        let last = reads.last().copied().unwrap_or_default();
        let named = last.starts_with(&format!("read({g}</etc/passwd>, "));
        // The tracer's ptrace stops see `/proc` at the call; the kernel programs' records
        // are read after it, when a gone process has no `/proc`.
        let exact = lives || backend == Backend::Ptrace;
        t.expect(
            named || !exact && last.starts_with(&format!("read({g}, ")),
            &format!("the second file's read names it (or, gone, nothing): {last}"),
        );
        let first = reads[reads.len() - 2];
        t.expect(
            first.starts_with(&format!("read({g}</etc/hostname>, "))
                || backend != Backend::Ptrace && first.starts_with(&format!("read({g}, ")),
            &format!("the first file's read names it (or nothing): {first}"),
        );
    }
}

/// `bind`, `listen` and `connect` show their sockets as they were before the call
/// (strace looks at the call's entry), though the sockets were made outside the trace
/// set by a process gone right after.
fn yy_shows_bind_and_connect_sockets_as_they_were(backend: Backend) {
    let dir = Scratch::new("yy-bind");
    let path = dir.path("u.sock");
    let script = format!(
        "import os, socket\n\
         l = socket.socket(socket.AF_UNIX)\n\
         l.bind('{path}')\n\
         l.listen()\n\
         c = socket.socket(socket.AF_UNIX)\n\
         c.connect('{path}')\n\
         s, _ = l.accept()\n\
         c.send(b'x')\n\
         s.recv(1)\n\
         ino = lambda s: os.fstat(s.fileno()).st_ino\n\
         print(l.fileno(), ino(l), c.fileno(), ino(c))"
    );
    let t = trace(&[
        backend.arg(),
        "-yy",
        "-e",
        "trace=bind,listen,connect",
        "--",
        "python3",
        "-c",
        &script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [l, l_ino, c, c_ino] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    let quoted = format!("\"{path}\"");
    let addr = format!("{{sa_family=AF_UNIX, sun_path={quoted}}}");
    for want in [
        format!("bind({l}<UNIX-STREAM:[{l_ino}]>, {addr}, "),
        format!("listen({l}<UNIX-STREAM:[{l_ino},{quoted}]>, "),
        format!("connect({c}<UNIX-STREAM:[{c_ino}]>, {addr}, "),
    ] {
        t.expect(
            t.lines().iter().any(|line| line.starts_with(&want)),
            &format!("{want}..."),
        );
    }
}

/// A TCP client and server made outside a narrow trace set: each call names its
/// socket as it was at the call, with its endpoints.
fn yy_names_tcp_sockets_made_outside_a_narrow_trace_set(backend: Backend) {
    let script = "import os, socket\n\
                  l = socket.socket()\n\
                  l.bind(('127.0.0.1', 0))\n\
                  l.listen()\n\
                  c = socket.socket()\n\
                  c.connect(l.getsockname())\n\
                  s, _ = l.accept()\n\
                  c.sendall(b'x')\n\
                  s.recv(1)\n\
                  ino = lambda s: os.fstat(s.fileno()).st_ino\n\
                  port = lambda a: a[1]\n\
                  print(l.fileno(), ino(l), port(l.getsockname()), c.fileno(), ino(c), \
                  port(c.getsockname()), s.fileno())";
    let t = trace(&[
        backend.arg(),
        "-yy",
        "-e",
        "trace=connect,accept4,sendto,recvfrom",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [l, _l_ino, port, c, c_ino, c_port, s] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    let server = format!("127.0.0.1:{port}");
    let client = format!("127.0.0.1:{c_port}");
    for want in [
        // Unbound before the call: its inode.
        format!("connect({c}<TCP:[{c_ino}]>, "),
        format!("accept4({l}<TCP:[{server}]>, "),
        format!("sendto({c}<TCP:[{client}->{server}]>, \"x\", 1, 0, NULL, 0) = 1"),
        format!("recvfrom({s}<TCP:[{server}->{client}]>, \"x\", 1, 0, NULL, NULL) = 1"),
    ] {
        t.expect(
            t.lines().iter().any(|line| line.starts_with(&want)),
            &format!("{want}..."),
        );
    }
    t.expect(
        t.lines().iter().any(|line| {
            line.starts_with(&format!("accept4({l}<"))
                && line.ends_with(&format!("= {s}<TCP:[{server}->{client}]>"))
        }),
        "accept4's result has its endpoints",
    );
}

fn yy_shows_tcp_endpoints(backend: Backend) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut conn, peer) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        conn.write_all(b"hi\n").unwrap();
        let mut rest = Vec::new();
        let _ = conn.read_to_end(&mut rest);
        peer.port()
    });
    let script = format!("exec 3<>/dev/tcp/127.0.0.1/{port}; read -u 3 line; exec 3>&-");
    let t = trace(&[backend.arg(), "-yy", "--", "bash", "-c", &script]);
    let client_port = server.join().unwrap();
    t.expect(t.code() == Some(0), "success");
    let endpoint = format!("3<TCP:[127.0.0.1:{client_port}->127.0.0.1:{port}]>");
    t.expect(
        t.calls("read")
            .iter()
            .any(|l| l.starts_with(&format!("read({endpoint}, "))),
        &format!("reads name the connection: {endpoint}"),
    );
    t.expect(
        t.calls("close")
            .iter()
            .any(|l| l.starts_with(&format!("close({endpoint})"))),
        "the close names it too",
    );
}

/// strace's `-yy` for UNIX sockets (`unix_diag`): the peer's inode and the address,
/// abstract ones after `@`; a socket keeps the details first found (strace caches them
/// by inode), and a call that binds or connects shows its socket as it was before.
fn yy_names_unix_peers_and_keeps_what_it_first_found(backend: Backend) {
    let dir = Scratch::new("yy-unix");
    let path = dir.path("sock");
    let script = format!(
        "import socket\n\
         a, b = socket.socketpair()\n\
         a.send(b'x')\n\
         l = socket.socket(socket.AF_UNIX)\n\
         l.bind('{path}')\n\
         l.listen()\n\
         c = socket.socket(socket.AF_UNIX)\n\
         c.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)\n\
         c.connect('{path}')\n\
         s, _ = l.accept()\n\
         c.send(b'y')\n\
         u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
         u.sendto(b'z', ('127.0.0.1', 9))\n\
         u.sendto(b'w', ('127.0.0.1', 9))"
    );
    let t = trace(&[
        backend.arg(),
        "-f",
        "-yy",
        "-e",
        "trace=%network",
        "--",
        "python3",
        "-c",
        &script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let lines: Vec<&str> = t.lines().into_iter().map(strip_pid_prefix).collect();
    let find = |pattern: &str| {
        let re = Regex::new(pattern).unwrap();
        lines.iter().find_map(|l| re.captures(l))
    };
    let pair = find(
        r"^socketpair\(AF_UNIX, .*\[(\d+)<UNIX-STREAM:\[(\d+)->(\d+)\]>, (\d+)<UNIX-STREAM:\[(\d+)->(\d+)\]>\]\) += 0",
    );
    t.expect(
        pair.as_ref().is_some_and(|c| c[2] == c[6] && c[3] == c[5]),
        "socketpair's ends name each other as peers",
    );
    let quoted = format!("\"{path}\"");
    let bind = find(&format!(
        r"^bind\((\d+)<UNIX-STREAM:\[(\d+)\]>, \{{sa_family=AF_UNIX, sun_path={}\}}",
        regex::escape(&quoted)
    ));
    t.expect(
        bind.is_some(),
        "bind shows its socket as it was: no address yet",
    );
    let (listener, listener_ino) = bind
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .unwrap_or_default();
    t.expect(
        lines.iter().any(|l| {
            l.starts_with(&format!(
                "listen({listener}<UNIX-STREAM:[{listener_ino},{quoted}]>, "
            ))
        }),
        "listen's socket has the address bind gave it",
    );
    let accepted = find(&format!(
        r"^accept4?\({listener}<.*\) += (\d+)<UNIX-STREAM:\[(\d+)->(\d+),{}\]>",
        regex::escape(&quoted)
    ));
    t.expect(
        accepted.is_some(),
        "the accepted socket has its peer and the listener's address",
    );
    if let Some(a) = accepted {
        let (server_ino, client_ino) = (&a[2], &a[3]);
        t.expect(
            find(&format!(
                r#"^sendto\(\d+<UNIX-STREAM:\[{client_ino}->{server_ino},@"[0-9a-f]{{5}}"\]>, "y""#
            ))
            .is_some(),
            "the client, connected and autobound (SO_PASSCRED), shows its peer and @\"name\"",
        );
    }
    let udp: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("sendto(") && l.contains("<UDP:"))
        .collect();
    let first = Regex::new(r"^sendto\(\d+<UDP:\[\d+\]>, .z.").unwrap();
    let second = Regex::new(r"^sendto\(\d+<UDP:\[0\.0\.0\.0:\d+\]>, .w.").unwrap();
    t.expect(
        udp.len() == 2 && first.is_match(udp[0]) && second.is_match(udp[1]),
        &format!("the first send shows the socket unbound, the second bound by it: {udp:?}"),
    );
}

/// A file unlinked while open: strace's `</path>(deleted)`, from the inode's link count
/// at the call.
fn y_marks_files_deleted_while_open(backend: Backend) {
    let dir = Scratch::new("deleted");
    let path = dir.path("gone");
    let script =
        format!("import os\nf = open('{path}', 'w')\nos.unlink('{path}')\nf.write('x')\nf.close()");
    let t = trace(&[
        backend.arg(),
        "-f",
        "-y",
        "-e",
        "trace=openat,unlink,write,close",
        "--",
        "python3",
        "-c",
        &script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let lines: Vec<&str> = t.lines().into_iter().map(strip_pid_prefix).collect();
    let opened = Regex::new(&format!(
        r"^openat\(.*\) = (\d+)<{}>$",
        regex::escape(&path)
    ))
    .unwrap();
    let fd = lines
        .iter()
        .find_map(|l| opened.captures(l))
        .map(|c| c[1].to_owned());
    t.expect(fd.is_some(), "the open names the file");
    let fd = fd.unwrap_or_default();
    for (call, rest) in [("write", ", \"x\", 1)"), ("close", ")")] {
        let want = format!("{call}({fd}<{path}>(deleted){rest}");
        t.expect(
            lines.iter().any(|l| l.starts_with(&want)),
            &format!("{want} after the unlink"),
        );
    }
}

/// A child's descriptors start as its parent's, though its own calls may be reported
/// before its parent's fork returns: the shell's child redirects stdout to a file and
/// execs echo, whose write names the file.
fn y_starts_a_child_with_its_parents_descriptors(backend: Backend) {
    let dir = Scratch::new("child-fds");
    let out = dir.path("out");
    let t = trace(&[
        backend.arg(),
        "-f",
        "-y",
        "--",
        "sh",
        "-c",
        &format!("/bin/echo hi > {out}; true"),
    ]);
    t.expect(t.code() == Some(0), "sh exits 0");
    t.expect(
        t.calls("write")
            .iter()
            .any(|l| l.starts_with(&format!("write(1<{out}>, "))),
        "echo's write names the file its shell redirected stdout to",
    );
}

/// Numbers, addresses and random bytes differ between runs (ASLR, pids, getrandom); the
/// rest must not.
fn skeleton(s: &str) -> String {
    let numbers = Regex::new(r"\\x[0-9a-f]{2}|0x[0-9a-f]+|\d+").unwrap();
    let spaces = Regex::new(r"\s+").unwrap();
    spaces
        .replace_all(&numbers.replace_all(s, "N"), " ")
        .into_owned()
}

fn json_lines_carry_the_text_facts(backend: Backend) {
    let dir = Scratch::new("json");
    let command = [
        "-y",
        "--",
        "cat",
        "/etc/hostname",
        "/nonexistent/tracer-json",
    ];
    let (text_file, json_file) = (dir.path("text"), dir.path("json"));
    let t = trace(&[&[backend.arg(), "-o", &text_file][..], &command].concat());
    t.expect(t.code() == Some(1), "cat's status comes through");
    let t = trace(
        &[
            &[backend.arg(), "--format=json", "-o", &json_file][..],
            &command,
        ]
        .concat(),
    );
    t.expect(t.code() == Some(1), "cat's status comes through");
    let text = fs::read_to_string(&text_file).unwrap();
    let json = fs::read_to_string(&json_file).unwrap();
    let records: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    for r in &records {
        assert_eq!(r["v"], 1, "schema version: {r}");
        assert!(r["time"].as_str().is_some_and(|t| t.ends_with('Z')), "{r}");
    }
    let calls: Vec<&Value> = records.iter().filter(|r| r["type"] == "call").collect();
    let as_text: Vec<String> = calls
        .iter()
        .map(|r| {
            let args: Vec<&str> = r["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["value"].as_str().unwrap())
                .collect();
            format!(
                "{}({}) = {}",
                r["syscall"].as_str().unwrap(),
                args.join(", "),
                r["retval"].as_str().unwrap()
            )
        })
        .map(|l| skeleton(&l))
        .collect();
    let text_calls: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with("+++"))
        .map(skeleton)
        .collect();
    assert_eq!(as_text, text_calls, "same calls, same decoded facts");

    let open = calls
        .iter()
        .find(|r| r["syscall"] == "openat" && r["retval"] == "3</etc/hostname>")
        .expect("the openat of /etc/hostname");
    assert_eq!(open["ret"], 3);
    assert_eq!(open["comm"], "cat");
    assert_eq!(open["pid"], open["tid"]);
    assert!(open["errno"].is_null() && open["duration_ns"].as_u64().is_some());
    assert_eq!(open["args"][1]["name"], "filename");
    assert!(open["args"][1]["raw"].as_str().unwrap().starts_with("0x"));
    let failed = calls
        .iter()
        .find(|r| r["errno"] == "ENOENT")
        .expect("the failed openat");
    assert_eq!(failed["ret"], -1);
    let exit = records.last().unwrap();
    assert_eq!(exit["type"], "exit");
    assert_eq!(exit["exit_code"], 1);
}

fn rotation_keeps_at_most_n_files_of_at_most_size(backend: Backend) {
    let dir = Scratch::new("rotate");
    let base = dir.path("trace");
    let t = trace(&[
        backend.arg(),
        "-o",
        &base,
        "--output-max-size=4k",
        "--output-keep=3",
        "--",
        "sh",
        "-c",
        BUSY,
    ]);
    t.expect(t.code() == Some(0), "success");
    assert_eq!(dir.files(), ["trace", "trace.1", "trace.2"]);
    for name in dir.files() {
        let len = fs::metadata(dir.0.join(&name)).unwrap().len();
        assert!(len <= 4096, "{name} is {len} bytes");
    }
    let last = fs::read_to_string(&base).unwrap();
    assert!(last.ends_with("+++ exited with 0 +++\n"), "{last}");
    let older = fs::read_to_string(dir.path("trace.1")).unwrap();
    assert!(older.ends_with('\n'), "lines are not split across files");
}

fn o_placeholders_append_and_pipes(backend: Backend) {
    let dir = Scratch::new("o");
    let t = trace(&[backend.arg(), "-o", &dir.path("t-%p-%t.txt"), "--", "true"]);
    t.expect(t.code() == Some(0), "success");
    let files = dir.files();
    let named = Regex::new(r"^t-(\d+)-\d{8}-\d{6}\.txt$").unwrap();
    assert!(files.len() == 1 && named.is_match(&files[0]), "{files:?}");

    let appended = dir.path("appended");
    for _ in 0..2 {
        trace(&[backend.arg(), "-A", "-o", &appended, "--", "true"]);
    }
    let text = fs::read_to_string(&appended).unwrap();
    assert_eq!(text.matches("execve(").count(), 2, "-A appends:\n{text}");

    let piped = dir.path("piped");
    let t = trace(&[
        backend.arg(),
        "-o",
        &format!("|cat > {piped}"),
        "--",
        "true",
    ]);
    t.expect(t.code() == Some(0), "success");
    let text = fs::read_to_string(&piped).unwrap();
    assert!(
        text.starts_with("execve(") && text.ends_with("+++ exited with 0 +++\n"),
        "{text}"
    );
}

fn qq_drops_exit_lines_and_k_is_refused(backend: Backend) {
    let t = trace(&[backend.arg(), "-qq", "--", "true"]);
    t.expect(t.code() == Some(0), "success");
    t.expect(!t.stderr.contains("+++"), "no exit line with -qq");
    let t = trace(&[backend.arg(), "-k", "--", "true"]);
    t.expect(t.code() == Some(1), "-k fails");
    t.expect(
        t.stderr.contains("-k (stack traces) is not supported"),
        "-k says why",
    );
}

/// A tmpfs of 64 KiB, unmounted when dropped.
struct SmallFs(Scratch);

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0.0).status();
    }
}

fn full_disk_is_reported_once_and_stops_the_trace(backend: Backend) {
    let fs = SmallFs(Scratch::new("full"));
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&fs.0.0)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount a small tmpfs");
    let file = fs.0.path("trace");
    let started = Instant::now();
    let t = trace(&[
        backend.arg(),
        "-o",
        &file,
        "--",
        "sh",
        "-c",
        &BUSY.replace("200", "5000"),
    ]);
    t.expect(t.code() == Some(1), "a failed trace is a failure");
    t.expect(
        t.stderr.matches("No space left on device").count() == 1,
        "the error is reported once",
    );
    t.expect(t.stderr.contains(&format!("'{file}'")), "naming the file");
    t.expect(t.stderr.contains("trace incomplete"), "and what is missing");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "stops promptly"
    );
    assert!(Path::new(&file).exists());
}

fn output_of(child: std::process::Child) -> Traced {
    Traced::from(child.wait_with_output().unwrap())
}

fn a_closed_pipe_ends_the_trace_quietly(backend: Backend) {
    // The trace's reader (`-o |CMD`) goes away after one line.
    let t = trace(&[
        backend.arg(),
        "-o",
        "|head -c 10 >/dev/null",
        "--",
        "sh",
        "-c",
        BUSY,
    ]);
    t.expect(t.code() == Some(0), "quiet exit");
    t.expect(!t.stderr.contains("tracer:"), "no error message");

    // `tracer ... 2>&1 | head`: stderr itself is the closed pipe.
    let mut child = tracer()
        .args([backend.arg(), "--", "sh", "-c", BUSY])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut first = [0u8; 100];
    stderr.read_exact(&mut first).unwrap();
    drop(stderr);
    let t = output_of(child);
    assert_eq!(t.code(), Some(0), "exits quietly on a closed stderr pipe");
}

/// As strace (its redirect.test), the tracer keeps no copy of its stdin and stdout once
/// the command has them: a command that closes its stdout ends the pipe it was while
/// the trace goes on, and one that closes its stdin ends the writer's pipe.
fn the_tracer_lets_go_of_its_stdin_and_stdout(backend: Backend) {
    let dir = Scratch::new("stdio");
    let stop = dir.0.join("stop");
    let script = format!(
        "exec <&- >&-; while [ ! -e {} ]; do sleep 0.05; done",
        stop.display()
    );
    let mut child = tracer()
        .args([
            backend.arg(),
            "-qq",
            "-e",
            "none",
            "--",
            "sh",
            "-c",
            &script,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tracer");
    let mut stdout = child.stdout.take().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut rest = Vec::new();
        let eof = stdout.read_to_end(&mut rest).is_ok();
        // A reader of the command's stdin: writing fails once no one holds its end.
        let closed = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(10));
            stdin.write_all(b"x").is_err()
        });
        let _ = tx.send((eof, closed));
    });
    let ends = rx.recv_timeout(Duration::from_secs(20));
    let running = child.try_wait().unwrap().is_none();
    fs::write(&stop, "").unwrap();
    let status = child.wait().unwrap();
    let (eof, closed) = ends.expect("stdout ends while the command runs");
    assert!(
        eof && running,
        "stdout reached its end while the trace went on"
    );
    assert!(closed, "stdin has no reader once the command closed it");
    assert!(status.success(), "{status:?}");
}

/// A tracer started with its stdin closed starts the command with it closed too (not on
/// a file the tracer opened, nor on the `/dev/null` Rust's runtime would put there), as
/// strace does (its redirect-fds.test).
fn a_closed_stdin_stays_closed_for_the_command(backend: Backend) {
    let dir = Scratch::new("closed-stdin");
    let log = dir.0.join("log");
    let output = tracer_tests::tracer_env(&mut Command::new("sh"))
        .args(["-c", "exec \"$0\" \"$@\" <&-"])
        .arg(tracer_tests::tracer_bin())
        .args([
            backend.arg(),
            "-o",
            log.to_str().unwrap(),
            "-e",
            "trace=none",
        ])
        .args([
            "--",
            "sh",
            "-c",
            "if [ -e /proc/self/fd/0 ]; then exit 7; fi",
        ])
        .output()
        .expect("run tracer");
    assert_eq!(
        output.status.code(),
        Some(0),
        "the command found a stdin: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `kcmp(..., KCMP_FILE, fd1, fd2)` names the two processes' descriptors, as strace's
/// kcmp-y test expects (the process stays alive a moment: the eBPF backend reads the
/// second from `/proc` after the call).
fn y_names_descriptors_outside_the_fd_arguments(backend: Backend) {
    let script = "import ctypes, os, time\n\
                  libc = ctypes.CDLL(None, use_errno=True)\n\
                  a = os.open('/dev/null', os.O_RDONLY)\n\
                  b = os.open('/dev/zero', os.O_RDONLY)\n\
                  me = os.getpid()\n\
                  libc.syscall(312, me, me, 0, a, b)\n\
                  print(me, a, b, flush=True)\n\
                  time.sleep(1)";
    if std::env::consts::ARCH != "x86_64" {
        println!("skipped: kcmp's number here is x86_64's");
        return;
    }
    let t = trace(&[
        backend.arg(),
        "-y",
        "-e",
        "trace=kcmp",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [pid, a, b] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    let want = format!("kcmp({pid}, {pid}, KCMP_FILE, {a}</dev/null>, {b}</dev/zero>)");
    t.expect(
        t.lines().iter().any(|l| l.starts_with(&want)),
        &format!("the descriptors named: {want}"),
    );
}

/// A narrow trace (`-e trace=fsync`) names what calls outside it opened, in the
/// directory a `chdir` outside it entered, once the process has closed them and exited
/// (the eBPF backend follows those calls for the table; `/proc` is empty by then), a
/// file whose own name ends in ` (deleted)` as strace does, and a descriptor the tracer
/// was given open (`7</dev/zero`), which the command inherits: strace's fsync-y,
/// fchmod-y and sockaddr_xlat-y tests.
fn y_names_files_of_a_narrow_trace_after_the_process_is_gone(backend: Backend) {
    let dir = Scratch::new("narrow");
    let script = "import os\n\
                  os.mkdir('sub')\n\
                  os.chdir('sub')\n\
                  fd = os.open('f (deleted)', os.O_CREAT | os.O_RDONLY, 0o600)\n\
                  os.fsync(fd)\n\
                  os.unlink('f (deleted)')\n\
                  os.fsync(fd)\n\
                  try: os.fsync(7)\n\
                  except OSError: pass\n\
                  print(fd, flush=True)";
    let output = tracer_tests::output_once_not_busy(|| {
        let mut cmd = Command::new("sh");
        tracer_tests::tracer_env(&mut cmd)
            .current_dir(&dir.0)
            .args(["-c", "exec \"$@\" 7</dev/zero", "sh"])
            .arg(tracer_tests::tracer_bin())
            .args([
                backend.arg(),
                "-y",
                "-e",
                "trace=fsync",
                "--",
                "python3",
                "-c",
            ])
            .arg(script)
            .stdin(Stdio::null());
        cmd
    });
    let t = Traced::from(output);
    t.expect(t.code() == Some(0), "python exits 0");
    let fd = t.stdout.trim();
    let file = dir.path("sub/f (deleted)");
    // Short lines are padded to strace's column before ` = `.
    let pad = Regex::new(r" +=").unwrap();
    let lines: Vec<String> = (t.lines().iter())
        .map(|l| pad.replace(l, " =").into_owned())
        .collect();
    for want in [
        format!("fsync({fd}<{file}>) = 0"),
        format!("fsync({fd}<{file}>(deleted)) = 0"),
        "fsync(7</dev/zero>) = -1 EINVAL".to_owned(),
    ] {
        t.expect(
            lines.iter().any(|l| l.starts_with(&want)),
            &format!("the descriptor named: {want}"),
        );
    }
}

/// `pidfd_getfd(pidfd, targetfd, 0)`: the pidfd named as one, the target descriptor (of
/// the pidfd's process) as the copy the call returned, after the process closed them all
/// and exited, as strace's pidfd_getfd-y test expects.
fn y_names_pidfd_getfd_descriptors(backend: Backend) {
    let script = "import ctypes, os\n\
                  libc = ctypes.CDLL(None, use_errno=True)\n\
                  pidfd = os.pidfd_open(os.getpid())\n\
                  a = os.open('/dev/null', os.O_RDONLY)\n\
                  b = libc.syscall(438, pidfd, a, 0)\n\
                  for fd in (pidfd, a, b): os.close(fd)\n\
                  print(pidfd, a, b, flush=True)";
    let t = trace(&[
        backend.arg(),
        "-y",
        "-e",
        "trace=pidfd_getfd",
        "--",
        "python3",
        "-c",
        script,
    ]);
    t.expect(t.code() == Some(0), "python exits 0");
    let fields: Vec<&str> = t.stdout.split_whitespace().collect();
    let [pidfd, a, b] = fields[..] else {
        panic!("unexpected output {:?}", t.stdout)
    };
    let want =
        format!("pidfd_getfd({pidfd}<anon_inode:[pidfd]>, {a}</dev/null>, 0) = {b}</dev/null>");
    t.expect(
        t.lines().iter().any(|l| l.starts_with(&want)),
        &format!("the descriptors named: {want}"),
    );
}
