//! `cargo xtask`: set-up, build, run and test for tracer. Orchestration only.

mod bench;
mod cross;
mod dist;
mod gen_syscalls;
mod setup;
mod strace_suite;
mod stress;
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
    /// Build the eBPF object and the `tracer` binary (for this machine, or cross-built
    /// for another architecture's Linux with `--target aarch64`).
    Build {
        #[arg(long)]
        release: bool,
        /// The architecture to build for (default: this machine's). A foreign one gets its
        /// Rust target, Debian's cross gcc and glibc installed when missing.
        #[arg(long, value_enum)]
        target: Option<cross::Arch>,
        /// Link statically (glibc's `+crt-static`): runs on any Linux of that architecture.
        #[arg(long = "static")]
        static_link: bool,
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
    /// Build the release tarball (binary, man page, completions, README) and Debian
    /// package into target/dist/.
    Dist {
        /// Then install the package on this system, trace `ls` and read `man tracer`
        /// with it, and remove it (root); for another architecture, boot its VM case
        /// with the package's binary and run the checks.
        #[arg(long)]
        test: bool,
        /// The architecture (default: this machine's); `aarch64` from an x86_64 host.
        #[arg(long, value_enum)]
        target: Option<cross::Arch>,
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
    /// Load the tracer beyond what it can keep up with (syscall storms with fast and slow
    /// readers, 2,000 children, 500 threads, attach/detach under Redis load) and check it
    /// against the truth: no silent loss, exact -c, true exit lines, bounded memory, the
    /// target unharmed. Prints the figures. Needs root.
    Stress(stress::Options),
    /// Run strace's own test suite (fetched and built once into target/strace-suite/)
    /// against strace and against tracer with each backend; writes report.md there.
    StraceSuite(strace_suite::Options),
    /// Generate another architecture's syscall table (tracer-user/src/syscalls/ARCH.rs)
    /// from its kernel headers' numbers and the x86_64 table's entries of the same names.
    GenSyscalls {
        #[arg(long, value_enum)]
        arch: cross::Arch,
        /// The architecture's `asm/unistd_64.h` (default: from Debian sid's linux-libc-dev).
        #[arg(long)]
        header: Option<PathBuf>,
        /// Only check that the file is what would be generated.
        #[arg(long)]
        check: bool,
    },
    /// Boot the kernel matrix under QEMU (x86_64: 5.10, 6.1, 6.12, 7.x, 6.1 without BPF,
    /// lockdown; arm64: 6.1, and 6.12 and 7.x with `--all`) and run the tracer's checks
    /// inside each; prints a table.
    VmTest {
        /// Only these cases (e.g. `6.1-nobpf`, `arm64-6.1`); repeatable.
        #[arg(long)]
        only: Vec<String>,
        /// Every case, also those a plain run leaves out (the slower arm64 boots).
        #[arg(long, conflicts_with = "only")]
        all: bool,
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

/// Builds `tracer` for this machine; returns its path.
fn build(release: bool) -> Result<PathBuf> {
    build_for(cross::Arch::host(), release, false)
}

fn build_for(arch: cross::Arch, release: bool, static_link: bool) -> Result<PathBuf> {
    let dir = cross::Build {
        arch,
        release,
        static_link,
        target_dir: None,
        bins: &[("tracer-user", "tracer")],
    }
    .run()?;
    Ok(dir.join("tracer"))
}

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Setup => setup::setup(),
        Cmd::Build {
            release,
            target,
            static_link,
        } => {
            setup::setup()?;
            let arch = target.unwrap_or_else(cross::Arch::host);
            let tracer = build_for(arch, release, static_link)?;
            eprintln!("xtask: built {}", tracer.display());
            Ok(())
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
        Cmd::Dist { test, target } => {
            let arch = target.unwrap_or_else(cross::Arch::host);
            let deb = dist::dist(arch)?;
            match (test, arch == cross::Arch::host()) {
                (false, _) => Ok(()),
                (true, true) => dist::test(&deb),
                (true, false) => dist::test_in_vm(arch, &deb),
            }
        }
        Cmd::Compare {
            only,
            keep,
            strace_only,
        } => compare(&only, keep.as_deref(), strace_only),
        Cmd::Bench(opts) => bench::bench(opts),
        Cmd::Stress(opts) => stress::stress(opts),
        Cmd::StraceSuite(opts) => strace_suite::strace_suite(opts),
        Cmd::GenSyscalls {
            arch,
            header,
            check,
        } => gen_syscalls::gen_syscalls(gen_syscalls::Options {
            arch,
            header,
            check,
        }),
        Cmd::VmTest { only, all, jobs } => {
            setup::setup()?;
            vm::vm_test(vm::Options { only, all, jobs })
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
    setup::fleet_prerequisites();
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
    cmd.env("TRACER_OTEL_DIR", setup::otel_dir());
    if !args.is_empty() {
        cmd.arg("--").args(args);
    }
    run(&mut cmd)
}
