//! `cargo xtask`: set-up, build, run and test for tracer. Orchestration only.

mod bench;
mod setup;
mod vm;

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "xtask", about = "Build, run and test tracer")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Install what the eBPF build and the tests need (idempotent).
    Setup,
    /// Build the eBPF object and the `tracer` binary.
    Build {
        #[arg(long)]
        release: bool,
    },
    /// Build, then run `tracer ARGS...` as root.
    Run {
        #[arg(long)]
        release: bool,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Set up, build, check formatting and lints, and run every test (BPF tests included).
    Test {
        /// Extra arguments for the test harness (e.g. a test name filter).
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Compare tracer's lines with strace's on every workload under every option set,
    /// on both backends (`tests/strace_compare.rs` in full; `test` runs a part of it),
    /// and print the table of identical lines per option set.
    Compare {
        /// Only these workloads (e.g. `git-commit`), all their option sets; repeatable.
        #[arg(long)]
        only: Vec<String>,
        /// Keep the raw traces in this directory.
        #[arg(long)]
        keep: Option<PathBuf>,
        /// Compare strace with itself instead: what differs between two runs anyway.
        #[arg(long)]
        strace_only: bool,
    },
    /// Measure tracer's overhead against strace and perf trace (Redis, PostgreSQL, a
    /// syscall loop) and write docs/benchmarks.md. Installs what it needs; needs root.
    Bench(bench::Options),
    /// Boot the kernel matrix under QEMU (5.10, 6.1, 6.12, 7.x, 6.1 without BPF, lockdown)
    /// and run the tracer's checks inside each; prints a table.
    VmTest {
        /// Only these cases (e.g. `6.1-nobpf`); repeatable.
        #[arg(long)]
        only: Vec<String>,
        /// Boots to run at a time.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
    },
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_owned()
}

/// Runs a command in the workspace, echoing it, failing on a non-zero status.
pub fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask: $ {}", display(cmd));
    let status = cmd
        .current_dir(workspace_root())
        .status()
        .with_context(|| format!("running {}", display(cmd)))?;
    if !status.success() {
        bail!("{} failed: {status}", display(cmd));
    }
    Ok(())
}

fn display(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|s| s.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// cargo (rustup's proxy, so `+nightly` works) with bpf-linker's LLVM on PATH.
fn cargo() -> Command {
    let mut cmd = Command::new("cargo");
    cmd.env("PATH", setup::build_path())
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("RUSTC");
    cmd
}

fn build(release: bool) -> Result<PathBuf> {
    let mut cmd = cargo();
    cmd.args(["build", "--package", "tracer-user", "--bin", "tracer"]);
    if release {
        cmd.arg("--release");
    }
    run(&mut cmd)?;
    Ok(workspace_root()
        .join("target")
        .join(if release { "release" } else { "debug" })
        .join("tracer"))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Setup => setup::setup(),
        Cmd::Build { release } => {
            setup::setup()?;
            build(release).map(drop)
        }
        Cmd::Run { release, args } => {
            setup::setup()?;
            let tracer = build(release)?;
            // Loading BPF needs root; use sudo only when we are not root already.
            let mut cmd = if is_root() {
                Command::new(&tracer)
            } else {
                let mut c = Command::new("sudo");
                c.arg("-E").arg(&tracer);
                c
            };
            cmd.args(&args);
            eprintln!("xtask: $ {}", display(&cmd));
            let status = cmd.status().context("running tracer")?;
            std::process::exit(status.code().unwrap_or(1));
        }
        Cmd::Test { args } => test(&args),
        Cmd::Compare {
            only,
            keep,
            strace_only,
        } => compare(&only, keep.as_deref(), strace_only),
        Cmd::Bench(opts) => bench::bench(opts),
        Cmd::VmTest { only, jobs } => {
            setup::setup()?;
            vm::vm_test(vm::Options { only, jobs })
        }
    }
}

fn compare(only: &[String], keep: Option<&Path>, strace_only: bool) -> Result<()> {
    setup::setup()?;
    setup::test_prerequisites()?;
    let tracer = build(false)?;
    let mut cmd = cargo();
    cmd.args([
        "test",
        "-p",
        "tracer-tests",
        "--test",
        "strace_compare",
        "--",
        "--nocapture",
    ]);
    cmd.env("TRACER_BIN", &tracer);
    if only.is_empty() {
        cmd.env("TRACER_COMPARE_ALL", "1");
    } else {
        cmd.env("TRACER_COMPARE_ONLY", only.join(","));
    }
    if let Some(dir) = keep {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        cmd.env("TRACER_COMPARE_KEEP", dir);
    }
    if strace_only {
        cmd.env("TRACER_COMPARE_SELF", "1");
    }
    run(&mut cmd)
}

fn test(args: &[String]) -> Result<()> {
    setup::setup()?;
    setup::test_prerequisites()?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    // Clippy in two passes: the eBPF crate only builds for the bpf target's rules
    // (`panic=abort`, no std), the rest is host code.
    // TRACER_EBPF_STUB: linting host code needs no real eBPF object (built below).
    run(cargo().env("TRACER_EBPF_STUB", "1").args([
        "clippy",
        "--workspace",
        "--exclude",
        "tracer-ebpf",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    run(cargo().args([
        "+nightly",
        "clippy",
        "--package",
        "tracer-ebpf",
        "--",
        "-C",
        "panic=abort",
        "-D",
        "warnings",
    ]))?;
    let tracer = build(false)?;
    let mut cmd = cargo();
    cmd.args(["test", "--workspace", "--exclude", "tracer-ebpf"]);
    cmd.env("TRACER_BIN", &tracer);
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    run(&mut cmd)
}
