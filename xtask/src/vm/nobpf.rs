//! A kernel without BPF: Debian's `linux-source-6.1`, `tinyconfig` plus what the tests
//! need, `CONFIG_BPF_SYSCALL` off (its bpf(2) returns ENOSYS). About two minutes on two
//! cores; the image is cached under `cache/kernels/nobpf-6.1/` with the option list as
//! its key, and the source tree is removed after the build.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, Result, bail};

use super::{exec, fetch};

pub const SUITE: &str = "bookworm";
const SOURCE: &str = "linux-source-6.1";

/// `tinyconfig` plus these (`y`), each checked after `olddefconfig`.
const ENABLE: &[&str] = &[
    // Console on the first serial port, the initramfs and the kernel's messages.
    "64BIT",
    "PRINTK",
    "TTY",
    "SERIAL_8250",
    "SERIAL_8250_CONSOLE",
    "BLK_DEV_INITRD",
    "BINFMT_ELF",
    "BINFMT_SCRIPT",
    // Filesystems /init mounts.
    "PROC_FS",
    "PROC_SYSCTL",
    "SYSFS",
    "DEVTMPFS",
    "TMPFS",
    "SHMEM",
    // What statically linked Rust programs and the tracer use.
    "MULTIUSER",
    "FUTEX",
    "EPOLL",
    "SIGNALFD",
    "TIMERFD",
    "EVENTFD",
    "POSIX_TIMERS",
    "FILE_LOCKING",
    "ADVISE_SYSCALLS",
    "MEMBARRIER",
    "RSEQ",
    "CROSS_MEMORY_ATTACH",
    // tracefs with the syscall tracepoints, as a distribution kernel has them.
    "FTRACE",
    "FTRACE_SYSCALLS",
    // The ptrace backend's seccomp filter; on 6.1 seccomp filters need NET.
    "NET",
    "UNIX",
    "SECCOMP",
    "SECCOMP_FILTER",
];

/// Off, checked too: the point of this kernel.
const DISABLE: &[&str] = &["BPF_SYSCALL"];

fn key() -> String {
    format!(
        "{SUITE} {SOURCE}\nenable {}\ndisable {}\n",
        ENABLE.join(" "),
        DISABLE.join(" ")
    )
}

/// The cached image, or builds it.
pub fn kernel(apt: &fetch::Apt, cache: &Path) -> Result<(PathBuf, String)> {
    let dir = cache.join("kernels").join("nobpf-6.1");
    let (image, stamp) = (dir.join("bzImage"), dir.join("key"));
    let package = dir.join("package");
    if image.is_file() && fs::read_to_string(&stamp).is_ok_and(|k| k == key()) {
        let package = fs::read_to_string(&package).unwrap_or_default();
        return Ok((image, package.trim().to_owned()));
    }
    eprintln!("xtask vm: building the no-BPF kernel from {SOURCE} (about 2 minutes, cached)");
    let build = cache.join("build");
    let _ = fs::remove_dir_all(&build);
    fs::create_dir_all(&build)?;
    let (deb, version) = fetch::package(apt, SUITE, SOURCE, &build)?;
    // The package holds /usr/src/linux-source-6.1.tar.xz; unpack it straight from the pipe.
    exec(
        Command::new("bash")
            .args([
                "-c",
                r#"set -o pipefail; dpkg-deb --fsys-tarfile "$1" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz' | tar -xJ -C "$2""#,
                "unpack",
            ])
            .arg(&deb)
            .arg(&build),
    )?;
    fs::remove_file(&deb)?;
    let src = fs::read_dir(&build)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.join("Makefile").is_file())
        .context("no kernel tree in the source package")?;
    let make = || {
        let mut cmd = Command::new("make");
        cmd.current_dir(&src).arg("ARCH=x86_64");
        cmd
    };
    exec(make().args(["-s", "tinyconfig"]))?;
    let mut config = Command::new(src.join("scripts/config"));
    config.current_dir(&src);
    for option in ENABLE {
        config.args(["--enable", option]);
    }
    for option in DISABLE {
        config.args(["--disable", option]);
    }
    exec(&mut config)?;
    exec(make().args(["-s", "olddefconfig"]))?;
    let dotconfig = fs::read_to_string(src.join(".config"))?;
    let value = |option: &str| {
        dotconfig
            .lines()
            .find_map(|l| l.strip_prefix(&format!("CONFIG_{option}=")))
            .unwrap_or("n")
            .to_owned()
    };
    let wrong: Vec<String> = ENABLE
        .iter()
        .filter(|o| value(o) != "y")
        .chain(DISABLE.iter().filter(|o| value(o) != "n"))
        .map(|o| format!("CONFIG_{o}={}", value(o)))
        .collect();
    if !wrong.is_empty() {
        bail!(
            "the no-BPF kernel's config came out as {}",
            wrong.join(", ")
        );
    }
    let jobs = std::thread::available_parallelism().map_or(2, |n| n.get());
    exec(make().args(["-s", &format!("-j{jobs}"), "bzImage"]))?;
    fs::create_dir_all(&dir)?;
    fs::copy(src.join("arch/x86/boot/bzImage"), &image)?;
    fs::copy(src.join(".config"), dir.join("config"))?;
    let package = format!("{SOURCE} {version}, tinyconfig, BPF_SYSCALL=n");
    fs::write(dir.join("package"), &package)?;
    fs::write(&stamp, key())?;
    fs::remove_dir_all(&build)?;
    Ok((image, package))
}
