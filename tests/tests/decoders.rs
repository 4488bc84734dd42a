//! Calls strace decodes argument by argument, checked on both backends against what
//! strace 6.1 prints for the same program (skipped, with a message, without strace).

use std::process::{Command, Stdio};

use regex::Regex;
use tracer_tests::{Backend, trace};

tracer_tests::both_backends!(keyctl_commands_as_strace_prints_them);
tracer_tests::both_backends!(passed_descriptors_named_as_strace_names_them);
tracer_tests::both_backends!(netlink_link_attributes_as_strace_prints_them);
tracer_tests::both_backends!(ptrace_and_xattr_arguments_as_strace_prints_them);
tracer_tests::both_backends!(socket_and_kvm_ioctls_as_strace_prints_them);
tracer_tests::both_backends!(kvm_descriptors_named_as_strace_names_them);
tracer_tests::both_backends!(kvm_exit_reason_as_strace_prints_it);
tracer_tests::both_backends!(block_perf_ubi_and_tee_ioctls_as_strace_prints_them);
tracer_tests::both_backends!(v4l2_ioctls_as_strace_prints_them);
tracer_tests::both_backends!(console_ioctls_as_strace_prints_them);
tracer_tests::both_backends!(btrfs_ioctls_as_strace_prints_them);
tracer_tests::both_backends!(ioctl_pointers_as_strace_prints_them);
tracer_tests::both_backends!(struct_arguments_as_strace_prints_them);
tracer_tests::both_backends!(socket_addresses_as_strace_prints_them);
tracer_tests::both_backends!(ancillary_data_as_strace_prints_it);
tracer_tests::both_backends!(siginfo_fields_as_strace_prints_them);
tracer_tests::both_backends!(descriptor_paths_as_strace_prints_them);
tracer_tests::both_backends!(netlink_attribute_descriptors_as_strace_prints_them);
tracer_tests::both_backends!(reaped_child_named_as_strace_names_it);
tracer_tests::both_backends!(structs_pointing_at_more_as_strace_prints_them);
tracer_tests::both_backends!(bpf_attributes_behind_pointers_as_strace_prints_them);
tracer_tests::both_backends!(io_uring_register_structs_as_strace_prints_them);
#[cfg(target_arch = "x86_64")]
tracer_tests::both_backends!(thread_area_descriptors_as_strace_prints_them);
tracer_tests::both_backends!(capabilities_as_strace_prints_them);

const STRACE: &str = "/usr/bin/strace";

/// `lines` with what differs between two runs replaced, each `(pattern, by)` in turn.
fn masked(lines: &[String], rules: &[(&Regex, &str)]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            rules.iter().fold(l.clone(), |l, (re, by)| {
                re.replace_all(&l, *by).into_owned()
            })
        })
        .collect()
}

/// `args` traced by tracer on `backend` and by strace: the lines of each that start
/// with one of `calls`, with the numbers that differ between runs (at least six
/// digits: key serials, addresses' digits) masked.
fn both(backend: Backend, args: &[&str], calls: &[&str]) -> Option<(Vec<String>, Vec<String>)> {
    let mut ours = vec![backend.arg()];
    ours.extend_from_slice(args);
    let t = trace(&ours);
    t.expect(t.code() == Some(0), "the program runs");
    if !std::path::Path::new(STRACE).exists() {
        println!("skipped the strace comparison: {STRACE} is missing");
        return None;
    }
    let theirs = Command::new(STRACE)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run strace");
    let run_dependent = Regex::new(r"\b\d{6,}\b").unwrap();
    // (The result's column follows the line's length, which the masked numbers set.)
    let column = Regex::new(r"\s+= ").unwrap();
    let pick = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| calls.iter().any(|c| l.starts_with(c)))
            .map(|l| {
                column
                    .replace_all(&run_dependent.replace_all(l, "N"), " = ")
                    .into_owned()
            })
            .collect()
    };
    Some((
        pick(&t.stderr),
        pick(&String::from_utf8_lossy(&theirs.stderr)),
    ))
}

fn keyctl_commands_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=keyctl,add_key",
        env!("CARGO_BIN_EXE_workload"),
        "keyctl",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["keyctl(", "add_key("]) else {
        return;
    };
    assert_eq!(ours.len(), 12, "every call: {ours:#?}");
    assert_eq!(ours, theirs);
}

fn netlink_link_attributes_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=sendto",
        "-v",
        env!("CARGO_BIN_EXE_workload"),
        "netlink-link",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["sendto("]) else {
        return;
    };
    assert_eq!(ours.len(), 12, "every message: {ours:#?}");
    assert!(ours[0].contains("rx_nohandler=24}"), "{}", ours[0]);
    assert!(ours[6].contains("nlmsg_type=nlctrl"), "{}", ours[6]);
    assert!(ours[7].contains("[{prefix=\"libudev\""), "{}", ours[7]);
    assert!(ours[8].contains("pdr_features=7}"), "{}", ours[8]);
    assert!(
        ours[9].contains("/* SMC_CLC_DECL_OPTUNSUPP */"),
        "{}",
        ours[9]
    );
    assert!(ours[10].contains("port=80, addr="), "{}", ours[10]);
    assert!(
        ours[11].contains("INET_DIAG_SHUTDOWN}, 0x3 /* RCV_SHUTDOWN|SEND_SHUTDOWN */]"),
        "{}",
        ours[11]
    );
    assert!(
        ours[11].contains("TLS_INFO_CIPHER}, TLS_CIPHER_AES_GCM_256]"),
        "{}",
        ours[11]
    );
    assert!(
        ours[11].contains("[9 /* SK_MEMINFO_??? */]=10]"),
        "{}",
        ours[11]
    );
    assert_eq!(ours, theirs);
}

fn ptrace_and_xattr_arguments_as_strace_prints_them(backend: Backend) {
    let dir = std::env::temp_dir();
    let args = [
        "-e",
        "trace=ptrace,fsetxattr,listxattr",
        "-e",
        "signal=none",
        env!("CARGO_BIN_EXE_workload"),
        "ptrace-xattr",
        dir.to_str().expect("UTF-8 path"),
    ];
    let calls = ["ptrace(", "fsetxattr(", "listxattr("];
    let Some((ours, theirs)) = both(backend, &args, &calls) else {
        return;
    };
    // Pids and stack addresses differ between the runs.
    let (addr, pid) = (
        Regex::new(r"0x[0-9a-f]{6,}").unwrap(),
        Regex::new(r"\b\d{3,5}\b").unwrap(),
    );
    let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR"), (&pid, "PID")]);
    let ours = mask(ours);
    assert_eq!(ours.len(), 11, "every call: {ours:#?}");
    assert_eq!(ours, mask(theirs));
}

fn socket_and_kvm_ioctls_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-sock-kvm",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    // The guest memory's address differs between the runs.
    let addr = Regex::new(r"0x[0-9a-f]{6,}").unwrap();
    let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR")]);
    let ours = mask(ours);
    assert!(ours.len() >= 10, "every call: {ours:#?}");
    assert!(
        ours[0].contains("SIOCGIFINDEX, {ifr_name=\"lo\", ifr_ifindex=1}"),
        "{}",
        ours[0]
    );
    assert_eq!(ours, mask(theirs));
}

/// `-y`: the descriptors KVM_CREATE_VM and KVM_CREATE_VCPU return are named as the
/// call made them (`= 5<anon_inode:kvm-vm>`), though the program is gone by the time the
/// eBPF backend's records are read.
fn kvm_descriptors_named_as_strace_names_them(backend: Backend) {
    let args = [
        "-y",
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-sock-kvm",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    let addr = Regex::new(r"0x[0-9a-f]{6,}").unwrap();
    let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR")]);
    let ours = mask(ours);
    if std::path::Path::new("/dev/kvm").exists() {
        assert!(
            ours.iter()
                .any(|l| l.contains("KVM_CREATE_VM, 0) = ") && l.ends_with("<anon_inode:kvm-vm>")),
            "{ours:#?}"
        );
    }
    assert_eq!(ours, mask(theirs));
}

fn kvm_exit_reason_as_strace_prints_it(backend: Backend) {
    if !std::path::Path::new("/dev/kvm").exists() {
        println!("skipped: no /dev/kvm");
        return;
    }
    let args = [
        "-e",
        "kvm=vcpu",
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "kvm-run",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    let run = |lines: &[String]| -> Vec<String> {
        (lines.iter())
            .filter(|l| l.contains("KVM_RUN"))
            .cloned()
            .collect()
    };
    assert_eq!(
        run(&ours),
        ["ioctl(5, KVM_RUN, 0) = 0 (KVM_EXIT_HLT)"],
        "{ours:#?}"
    );
    assert_eq!(run(&ours), run(&theirs));
}

fn block_perf_ubi_and_tee_ioctls_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-block-perf-ubi-tee",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    assert_eq!(ours.len(), 13, "every call: {ours:#?}");
    assert!(ours[0].contains("BLKROSET, [12345]"), "{}", ours[0]);
    assert!(
        ours[5].contains("PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP"),
        "{}",
        ours[5]
    );
    assert_eq!(ours, theirs);
}

fn v4l2_ioctls_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-v4l2",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    assert_eq!(ours.len(), 12, "every call: {ours:#?}");
    assert!(
        ours[2].contains("pixelformat=v4l2_fourcc('Y', 'U', 'Y', 'V') /* V4L2_PIX_FMT_YUYV */"),
        "{}",
        ours[2]
    );
    assert!(
        ours[4].contains("{id=V4L2_CTRL_FLAG_NEXT_CTRL|V4L2_CID_CONTRAST}"),
        "{}",
        ours[4]
    );
    assert_eq!(ours, theirs);
}

fn console_ioctls_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-kd",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    assert_eq!(ours.len(), 10, "every call: {ours:#?}");
    assert!(
        ours[0].contains("KIOCSOUND, 440 /* 2711 Hz */"),
        "{}",
        ours[0]
    );
    assert_eq!(ours, theirs);
}

/// Requests whose structs point at more memory: the ptrace backend reads it as strace
/// does, the eBPF programs copy what `decode/kernel_derefs/` describes; the others'
/// pointers show as addresses.
fn ioctl_pointers_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-pointers",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    assert_eq!(ours.len(), 10, "every call: {ours:#?}");
    assert!(
        ours[7].contains("qgroup_inherit={flags=0, num_qgroups=1, "),
        "{}",
        ours[7]
    );
    if backend == Backend::Ebpf {
        // The programs copy what the kernel-side table describes (v4l2, kd, tee, perf,
        // btrfs: the first eight calls); the rest show their pointers.
        let request = |l: &str| l.split(',').nth(1).map(str::to_owned);
        let names: Vec<_> = ours.iter().map(|l| request(l)).collect();
        assert_eq!(names, theirs.iter().map(|l| request(l)).collect::<Vec<_>>());
        assert_eq!(ours[..8], theirs[..8]);
        assert!(ours[1].contains("size=3, string=\"abc\""), "{}", ours[1]);
        return;
    }
    assert!(
        ours[0].contains("clips=[{c={left=1, top=2, width=30, height=40}}, "),
        "{}",
        ours[0]
    );
    assert!(ours[1].contains("size=3, string=\"abc\""), "{}", ours[1]);
    assert!(ours[9].contains("cmdp=\"\\x12\\x00"), "{}", ours[9]);
    assert_eq!(ours, theirs);
}

fn capabilities_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=capget,capset",
        env!("CARGO_BIN_EXE_workload"),
        "capabilities",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["capget(", "capset("]) else {
        return;
    };
    assert_eq!(ours.len(), 5, "every call: {ours:#?}");
    assert!(
        ours[0].starts_with(
            "capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_CHOWN|"
        ),
        "{}",
        ours[0]
    );
    assert_eq!(ours, theirs);
}

fn btrfs_ioctls_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl",
        env!("CARGO_BIN_EXE_workload"),
        "ioctl-btrfs",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["ioctl("]) else {
        return;
    };
    assert_eq!(ours.len(), 9, "every call: {ours:#?}");
    assert!(
        ours[5].ends_with(&format!(
            "{}\"}}) = -1 EBADF (Bad file descriptor)",
            "f".repeat(100)
        )),
        "{}",
        ours[5]
    );
    assert!(ours[6].contains("len=UINT64_MAX"), "{}", ours[6]);
    assert_eq!(ours, theirs);
}

/// select's count and ready sets, pselect6's signal set, getdents64's records (-v),
/// io_uring_setup's params, setsockopt's group_req, perf_event_open's attributes,
/// a device mapper ioctl and bpf's BPF_OBJ_GET_INFO_BY_FD, against strace's lines.
fn struct_arguments_as_strace_prints_them(backend: Backend) {
    let dir = std::env::temp_dir();
    let args = [
        "-v",
        "-e",
        "trace=select,pselect6,getdents64,io_uring_setup,setsockopt,perf_event_open,ioctl,bpf,io_cancel,io_getevents",
        env!("CARGO_BIN_EXE_workload"),
        "struct-args",
        dir.to_str().expect("UTF-8 path"),
    ];
    let calls = [
        "select(",
        "pselect6(",
        "getdents64(",
        "io_uring_setup(",
        "setsockopt(",
        "perf_event_open(",
        "ioctl(-1, DM_",
        "bpf(",
        "io_cancel(",
        "io_getevents(",
    ];
    let Some((ours, theirs)) = both(backend, &args, &calls) else {
        return;
    };
    // Addresses (not the 64-bit flag values), and the time pselect6 had left, which
    // depends on how soon the ready descriptor was seen.
    let addr = Regex::new(r"0x[0-9a-f]{9,12}\b").unwrap();
    let left = Regex::new(r"left \{tv_sec=0, tv_nsec=\d+\}").unwrap();
    let rules = [(&addr, "ADDR"), (&left, "left {tv_sec=0, tv_nsec=N}")];
    let mask = |lines: Vec<String>| masked(&lines, &rules);
    let ours = mask(ours);
    assert_eq!(ours.len(), 13, "every call: {ours:#?}");
    assert!(ours[11].contains("aio_reqprio=99"), "{}", ours[11]);
    assert!(ours[0].ends_with(" = 2 ()"), "{}", ours[0]);
    assert!(
        ours[1].contains("{sigmask=[HUP], sigsetsize=8}"),
        "{}",
        ours[1]
    );
    assert!(ours[3].contains("d_name=\"..\""), "{}", ours[3]);
    assert!(ours[4].contains("sq_off={head=0, "), "{}", ours[4]);
    assert!(
        ours[6].contains("gr_interface=if_nametoindex(\"lo\")"),
        "{}",
        ours[6]
    );
    assert_eq!(ours, mask(theirs));
}

fn socket_addresses_as_strace_prints_them(backend: Backend) {
    for style in ["-Xabbrev", "-Xverbose", "-Xraw"] {
        let args = [
            "-y",
            "-e",
            "trace=connect",
            style,
            env!("CARGO_BIN_EXE_workload"),
            "sockaddrs",
        ];
        let Some((ours, theirs)) = both(backend, &args, &["connect("]) else {
            return;
        };
        assert_eq!(ours.len(), 13, "every address: {ours:#?}");
        if style == "-Xabbrev" {
            assert!(ours[0].contains("sax25_call=VALID-13"), "{}", ours[0]);
            assert!(
                ours[4].contains("srx_service=0x9c4 /* YFS_FS_SERVICE */"),
                "{}",
                ours[4]
            );
            assert!(ours[9].contains("svm_cid=VMADDR_CID_HOST"), "{}", ours[9]);
            assert!(ours[11].contains("sxdp_shared_umem_fd=0</"), "{}", ours[11]);
        }
        assert_eq!(ours, theirs, "{style}");
    }
}

fn ancillary_data_as_strace_prints_it(backend: Backend) {
    let args = [
        "-e",
        "trace=sendmsg",
        env!("CARGO_BIN_EXE_workload"),
        "msg-control",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["sendmsg("]) else {
        return;
    };
    assert_eq!(ours.len(), 4, "every message: {ours:#?}");
    assert!(ours[0].contains("-1, -1, ...]}]"), "{}", ours[0]);
    assert!(ours[2].contains("}, ... /* 0x"), "{}", ours[2]);
    assert!(ours[3].contains("cmsg_data=???}"), "{}", ours[3]);
    // The address of the bytes left over differs between the runs.
    let addr = Regex::new(r"0x[0-9a-f]+").unwrap();
    let mask = |l: &[String]| masked(l, &[(&addr, "ADDR")]);
    assert_eq!(mask(&ours), mask(&theirs));
}

fn passed_descriptors_named_as_strace_names_them(backend: Backend) {
    let args = [
        "-y",
        "-e",
        "trace=sendmsg,recvmsg",
        env!("CARGO_BIN_EXE_workload"),
        "scm-rights",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["sendmsg(", "recvmsg("]) else {
        return;
    };
    assert_eq!(ours.len(), 2, "{ours:#?}");
    for line in &ours {
        assert!(line.contains("</dev/null>]}], msg_controllen="), "{line}");
    }
    assert_eq!(ours, theirs);
}

fn siginfo_fields_as_strace_prints_them(backend: Backend) {
    // Pids differ between the runs.
    let pid = Regex::new(r"\b\d{3,5}\b").unwrap();
    for style in ["-Xabbrev", "-Xverbose", "-Xraw"] {
        let args = [
            "-y",
            style,
            "-e",
            "trace=ptrace,waitid",
            env!("CARGO_BIN_EXE_workload"),
            "siginfo",
        ];
        let Some((ours, theirs)) = both(backend, &args, &["ptrace(", "waitid("]) else {
            return;
        };
        let mask = |l: &[String]| masked(l, &[(&pid, "PID")]);
        let ours = mask(&ours);
        assert_eq!(ours.len(), 6, "every call: {ours:#?}");
        if style == "-Xabbrev" {
            assert!(
                ours[0].contains("si_code=POLL_IN, si_errno=ENOENT, si_band=-2, si_fd=0<"),
                "{}",
                ours[0]
            );
            assert!(ours[1].contains("si_syscall=__NR_"), "{}", ours[1]);
            assert!(ours[2].contains("si_addr_lsb=0xbeef}"), "{}", ours[2]);
            assert!(ours[4].contains("si_code=0x7"), "{}", ours[4]);
        }
        assert_eq!(ours, mask(&theirs), "{style}");
    }
}

fn descriptor_paths_as_strace_prints_them(backend: Backend) {
    let dir = std::env::temp_dir().join(format!(
        "tracer-odd-names-{}-{backend:?}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let args = [
        "-y",
        "-e",
        "trace=fsync",
        env!("CARGO_BIN_EXE_workload"),
        "odd-names",
        dir.to_str().expect("UTF-8 path"),
    ];
    let both = both(backend, &args, &["fsync("]);
    let _ = std::fs::remove_dir_all(&dir);
    let Some((ours, theirs)) = both else {
        return;
    };
    assert_eq!(ours.len(), 3, "every call: {ours:#?}");
    assert!(ours[0].contains("/\\200\\377~>)"), "{}", ours[0]);
    assert!(ours[1].contains("/sample (deleted)>)"), "{}", ours[1]);
    assert!(
        ours[2].contains("/sample (deleted)>(deleted))"),
        "{}",
        ours[2]
    );
    assert_eq!(ours, theirs);
}

fn netlink_attribute_descriptors_as_strace_prints_them(backend: Backend) {
    let args = [
        "-y",
        "-e",
        "trace=sendto",
        env!("CARGO_BIN_EXE_workload"),
        "netlink-fd",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["sendto("]) else {
        return;
    };
    assert_eq!(ours.len(), 1, "the message: {ours:#?}");
    assert!(
        ours[0].contains("IFLA_XDP_EXPECTED_FD}, 0</"),
        "{}",
        ours[0]
    );
    assert_eq!(ours, theirs);
}

/// `-Y` names the child a `waitid` reaps as it was at the call's entry (strace prints the
/// argument then): the ptrace backend reads its name at the entry stop, the eBPF programs
/// find it among the caller's children at the entry.
fn reaped_child_named_as_strace_names_it(backend: Backend) {
    let args = [
        "-Y",
        "-e",
        "trace=waitid",
        env!("CARGO_BIN_EXE_workload"),
        "siginfo",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["waitid("]) else {
        return;
    };
    assert_eq!(ours.len(), 1, "the call: {ours:#?}");
    assert!(
        ours[0].contains("<workload>, {si_signo=SIGCHLD"),
        "{}",
        ours[0]
    );
    // The pids differ between the runs.
    let pid = Regex::new(r"\b\d{3,5}\b").unwrap();
    let mask = |l: &[String]| masked(l, &[(&pid, "PID")]);
    assert_eq!(mask(&ours), mask(&theirs));
}

#[cfg(target_arch = "x86_64")]
fn thread_area_descriptors_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=set_thread_area,get_thread_area",
        env!("CARGO_BIN_EXE_workload"),
        "thread-area",
    ];
    let calls = ["set_thread_area(", "get_thread_area("];
    let Some((ours, theirs)) = both(backend, &args, &calls) else {
        return;
    };
    let addr = Regex::new(r"0x[0-9a-f]{9,12}\b").unwrap();
    let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR")]);
    let ours = mask(ours);
    assert_eq!(ours.len(), 5, "every call: {ours:#?}");
    assert!(
        ours[0].starts_with("set_thread_area({entry_number=-1, base_addr=0x001000, limit=0x0fffff, seg_32bit=1, contents=1, "),
        "{}",
        ours[0]
    );
    assert!(
        ours[2].starts_with("get_thread_area({entry_number=12"),
        "{}",
        ours[2]
    );
    assert_eq!(ours, mask(theirs));
}

/// The ptrace backend reads what a struct's pointer points at (BLKPG's partition,
/// SIOCGIFCONF's interfaces, KEYCTL_DH_COMPUTE's parameters and hash name), a struct
/// larger than its request says (UBI_IOCEBCH's), SG_IO's header, command and data, and
/// what keyctl's plan has no slot for (KEYCTL_CAPABILITIES' answer) as strace does; the
/// kernel programs copy the ioctls' (BLKPG, SIOCGIFCONF, UBI_IOCEBCH, SG_IO's data but
/// not its command), keyctl's, ptrace's registers, io_submit's iocbs and an execve
/// argv's bad element: SG_IO's command shows the pointer.
fn structs_pointing_at_more_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=ioctl,keyctl,io_submit,ptrace,execve",
        env!("CARGO_BIN_EXE_workload"),
        "struct-pointers",
    ];
    let calls = [
        "ioctl(",
        "keyctl(",
        "io_submit(",
        "ptrace(",
        "execve(\"/nonexistent",
    ];
    let Some((ours, theirs)) = both(backend, &args, &calls) else {
        return;
    };
    let addr = Regex::new(r"0x[0-9a-f]{9,12}\b").unwrap();
    let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR")]);
    let mut ours = mask(ours);
    let ubi = ours.remove(1);
    let sg_io = ours.remove(1);
    let sg_io_v4 = ours.remove(1);
    // (x86's register requests.)
    let regs = if cfg!(target_arch = "x86_64") { 2 } else { 0 };
    assert_eq!(ours.len(), 8 + regs, "every call: {ours:#?}");
    assert!(ours[1].ends_with(", ifc_buf=NULL}) = 0"), "{}", ours[1]);
    assert!(ours[2].contains("{ifc_len=160 /* 4 * "), "{}", ours[2]);
    assert!(
        sg_io_v4.contains(", request=\"\\x12\\x00\\x00\\x00\\x24\\x00\", request_tag=0, ")
            && sg_io_v4.contains(", dout_xferp=[{iov_base=\"abcd\", iov_len=4}], ")
            && sg_io_v4.contains(", response=\"\\x70\\x00\", din_xferp=\"\\x77\\x78\\x79\\x7a\", "),
        "{sg_io_v4}"
    );
    match backend {
        Backend::Ptrace => {
            assert!(
                ours[0].contains(
                    "data={start=4096, length=N, pno=2, devname=\"sda2\", volname=\"root\"}}"
                ),
                "{}",
                ours[0]
            );
            assert!(
                ours[2].contains("ifc_buf=[{ifr_name=\"lo\", "),
                "{}",
                ours[2]
            );
            assert_eq!(
                ubi,
                "ioctl(-1, UBI_IOCEBCH, {lnum=3, bytes=4096, dtype=UBI_UNKNOWN}) = -1 EBADF \
                 (Bad file descriptor)"
            );
            assert!(ours[3].contains("{hashname=\"sha256\", "), "{}", ours[3]);
            assert!(ours[4].contains(", [KEYCTL_CAPS0_"), "{}", ours[4]);
            assert!(
                ours[5].contains(
                    "{key_id=KEY_SPEC_PROCESS_KEYRING, in_len=5, out_len=4}, \"enc=pkcs1\", \
                     \"hello\", ADDR)"
                ),
                "{}",
                ours[5]
            );
            assert!(ours[6].contains("aio_buf=\"hello\", "), "{}", ours[6]);
            if regs > 0 {
                assert!(
                    ours[7].starts_with("ptrace(PTRACE_SETREGS, N, {r15=0x10, r14=0x10, "),
                    "{}",
                    ours[7]
                );
                assert!(
                    ours[8].contains("NT_PRSTATUS, {iov_base={r15=0x10}, iov_len=8})"),
                    "{}",
                    ours[8]
                );
            }
            assert!(
                ours[7 + regs].contains(", 0xffffffffffffffff], "),
                "{}",
                ours[7 + regs]
            );
            assert!(
                sg_io.contains("cmdp=\"\\x12\\x00\\x00\\x00\\x24\\x00\", "),
                "{}",
                sg_io
            );
            let mut theirs = mask(theirs);
            assert_eq!(theirs.remove(1), ubi);
            assert_eq!(theirs.remove(1), sg_io);
            assert_eq!(theirs.remove(1), sg_io_v4);
            assert_eq!(ours, theirs);
        }
        Backend::Ebpf => {
            // The calls whose pointers the programs follow (`decode/kernel_derefs/`) as
            // strace prints them (SG_IO's by its header's interface id, in three plans);
            // the other calls' memory as addresses.
            let mut theirs = mask(theirs);
            assert_eq!(theirs.remove(1), ubi);
            assert_eq!(theirs.remove(1), sg_io);
            assert_eq!(theirs.remove(1), sg_io_v4);
            // (The ioctls, keyctl's DH_COMPUTE, CAPABILITIES and PKEY_ENCRYPT, io_submit's
            // iocbs, ptrace's SETREGS and SETREGSET, execve's bad argv element.)
            assert!(ours[5].contains(", in_len=5, out_len=4}, "), "{}", ours[5]);
            assert!(ours[6].contains("aio_buf=\"hello\", "), "{}", ours[6]);
            assert!(
                ours[7 + regs].contains(", 0xffffffffffffffff], "),
                "{}",
                ours[7 + regs]
            );
            assert_eq!(ours, theirs);
            assert!(ours[3].contains("{hashname=\"sha256\", "), "{}", ours[3]);
        }
    }
}

/// bpf's attributes with what their pointers point at (a program's instructions under
/// `-v`, its license and log buffer, a path, a tracepoint's name, a kprobe link's
/// symbols and addresses), copied by the kernel programs as by ptrace: strace's lines.
fn bpf_attributes_behind_pointers_as_strace_prints_them(backend: Backend) {
    let addr = Regex::new(r"0x[0-9a-f]{9,12}\b").unwrap();
    for verbose in [false, true] {
        let mut args = vec![
            "-e",
            "trace=bpf",
            env!("CARGO_BIN_EXE_workload"),
            "bpf-pointers",
        ];
        if verbose {
            args.insert(0, "-v");
        }
        let Some((ours, theirs)) = both(backend, &args, &["bpf("]) else {
            return;
        };
        let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR")]);
        let ours = mask(ours);
        assert_eq!(ours.len(), 4, "every call: {ours:#?}");
        assert!(
            ours[0].contains("license=\"GPL\", log_level=1, log_size=64, log_buf=\"\""),
            "{}",
            ours[0]
        );
        if verbose {
            assert!(
                ours[0].contains("insns=[{code=BPF_ALU64|BPF_K|BPF_MOV, dst_reg=BPF_REG_0, "),
                "{}",
                ours[0]
            );
        }
        assert!(
            ours[1].contains("pathname=\"/nonexistent/bpf/pinned\""),
            "{}",
            ours[1]
        );
        assert!(
            ours[2].contains("name=\"no_such_tracepoint\""),
            "{}",
            ours[2]
        );
        assert!(
            ours[3].contains(
                "syms=[\"vfs_read\", \"vfs_write\"], addrs=[0x1000, 0x2000], cookies=NULL"
            ),
            "{}",
            ours[3]
        );
        assert_eq!(ours, mask(theirs));
    }
}

/// io_uring_register's structs with what they point at (descriptors, tags) and the
/// worker limits, copied by the kernel programs as by ptrace: strace's lines.
fn io_uring_register_structs_as_strace_prints_them(backend: Backend) {
    let args = [
        "-e",
        "trace=io_uring_register",
        env!("CARGO_BIN_EXE_workload"),
        "uring-register",
    ];
    let Some((ours, theirs)) = both(backend, &args, &["io_uring_register("]) else {
        return;
    };
    let addr = Regex::new(r"0x[0-9a-f]{9,12}\b").unwrap();
    let mask = |lines: Vec<String>| masked(&lines, &[(&addr, "ADDR")]);
    let ours = mask(ours);
    assert_eq!(ours.len(), 4, "every call: {ours:#?}");
    assert!(
        ours[0].contains("{offset=1, fds=[0, -1, IORING_REGISTER_FILES_SKIP]}"),
        "{}",
        ours[0]
    );
    assert!(
        ours[1].contains("{nr=3, flags=0, data=[0, -1, -2], tags=[0x10, 0x20, 0x30]}"),
        "{}",
        ours[1]
    );
    assert!(
        ours[2]
            .contains("data=[0, -1, IORING_REGISTER_FILES_SKIP], tags=[0x10, 0x20, 0x30], nr=3}"),
        "{}",
        ours[2]
    );
    assert!(
        ours[3].contains("[[IO_WQ_BOUND]=4, [IO_WQ_UNBOUND]=8] => ADDR"),
        "{}",
        ours[3]
    );
    assert_eq!(ours, mask(theirs));
}
