//! `cargo xtask strace-suite`: strace's own test suite (the tests/ of the source the
//! installed strace was built from: about 1,250 scripts, most running a small C program
//! under `$STRACE` and diffing the trace with the lines it printed). Fetched and built once
//! into the cache: `target/strace-suite/`, or `$TRACER_SUITE_CACHE`. A tool, not part of
//! `cargo xtask test`.

mod source;

use std::{
    fs,
    path::PathBuf,
    process::{Command, Stdio},
    time::Instant,
};

use anyhow::{Context as _, Result, bail};

use crate::{display, setup, workspace_root};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Jobs for make (default: the CPU count).
    #[arg(long)]
    jobs: Option<usize>,
}

pub(crate) fn step(what: &str) {
    eprintln!("xtask strace-suite: {what}");
}

/// Runs a command as given (working directory included), echoing it.
pub(crate) fn exec(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask strace-suite: $ {}", display(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("running {}", display(cmd)))?;
    if !status.success() {
        bail!("{} failed: {status}", display(cmd));
    }
    Ok(())
}

/// `target/strace-suite`, or `TRACER_SUITE_CACHE` (a cache that outlives the work tree).
fn cache_dir() -> Result<PathBuf> {
    let cache = std::env::var_os("TRACER_SUITE_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target").join("strace-suite"));
    fs::create_dir_all(&cache)?;
    Ok(cache)
}

pub fn strace_suite(opts: Options) -> Result<()> {
    let cache = cache_dir()?;
    let jobs = opts
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let start = Instant::now();
    prerequisites()?;
    let (package, version) = source::installed_version()?;
    let tree = source::built_tree(&cache, &package, &version, jobs)?;
    step(&format!(
        "{package} {version}: fetched and built (or found cached) in {:.1}s: {}",
        start.elapsed().as_secs_f64(),
        tree.display()
    ));
    Ok(())
}

/// The packages fetching, building and running the suite needs, installed when missing.
fn prerequisites() -> Result<()> {
    // strace itself: the version whose source is fetched, and the reference.
    setup::test_prerequisites()?;
    let wanted: Vec<(&str, &str)> = [
        ("dpkg-dev", "dpkg-source unpacks the source package"),
        ("xz-utils", "the source tarballs are .tar.xz"),
        ("gcc", "builds strace and its test programs"),
        ("make", "builds strace and its test programs"),
        ("libc6-dev", "headers and libraries of the test programs"),
        ("gawk", "tests that match their output with awk scripts"),
    ]
    .into_iter()
    .filter(|(package, _)| !installed(package))
    .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    for (package, why) in &wanted {
        step(&format!("installing {package} ({why})"));
    }
    let packages: Vec<&str> = wanted.iter().map(|(p, _)| *p).collect();
    setup::apt_install(&packages)
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.stdout.ends_with(b"install ok installed"))
}
