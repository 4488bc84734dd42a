//! `cargo xtask vm-test`: the kernel matrix. Boots each kernel under QEMU (TCG) with an
//! initramfs holding the statically linked tracer and `vm_check` (tests/src/bin), which
//! traces a workload and checks the lines; prints a table of kernel, backend chosen and
//! checks passed/failed. Downloads and the built kernel are cached under target/vm-cache/.

mod fetch;
mod initramfs;
mod nobpf;
mod qemu;
mod sources;

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};

use crate::{cargo, display, workspace_root};

/// Where a kernel comes from.
#[derive(Clone, Copy)]
enum Source {
    /// The `cloud-amd64` image of a Debian suite.
    Debian(&'static str),
    /// Built here from linux-source-6.1 without BPF.
    NoBpf,
}

/// One boot of the matrix.
struct Case {
    name: &'static str,
    source: Source,
    /// The backend `--backend=auto` must choose (`VMTEST_EXPECT`).
    expect: &'static str,
    /// Extra kernel command line words.
    cmdline: &'static str,
}

const MATRIX: &[Case] = &[
    Case {
        name: "5.10",
        source: Source::Debian("bullseye"),
        expect: "ebpf",
        cmdline: "",
    },
    Case {
        name: "6.1",
        source: Source::Debian("bookworm"),
        expect: "ebpf",
        cmdline: "",
    },
    Case {
        name: "6.12",
        source: Source::Debian("trixie"),
        expect: "ebpf",
        cmdline: "",
    },
    Case {
        name: "7.x",
        source: Source::Debian("sid"),
        expect: "ebpf",
        cmdline: "",
    },
    Case {
        name: "6.1-nobpf",
        source: Source::NoBpf,
        expect: "ptrace",
        cmdline: "",
    },
    Case {
        name: "6.12-lockdown",
        source: Source::Debian("trixie"),
        expect: "ebpf",
        cmdline: "lockdown=confidentiality VMTEST_LOCKDOWN=1",
    },
];

/// The no-BPF kernel's lines are compared with this kernel's: same source, BPF on.
const SAME_LINES_AS: (&str, &str) = ("6.1-nobpf", "6.1");

/// One boot under TCG: about a minute normally, several where the verifier rejects the
/// programs only after its full instruction budget (5.10); a hang ends here.
const BOOT_TIMEOUT: Duration = Duration::from_secs(900);

const STATIC_TARGET: &str = "x86_64-unknown-linux-gnu";

pub struct Options {
    /// Only these cases (by name); all when empty.
    pub only: Vec<String>,
    /// Boots at a time.
    pub jobs: usize,
}

/// Runs a command as given (working directory included), echoing it.
pub(crate) fn exec(cmd: &mut Command) -> Result<()> {
    eprintln!("xtask vm: $ {}", display(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("running {}", display(cmd)))?;
    if !status.success() {
        bail!("{} failed: {status}", display(cmd));
    }
    Ok(())
}

/// `target/vm-cache`, or `TRACER_VM_CACHE` (a cache that outlives the work tree, e.g. for
/// CI's fresh clones on the same machine).
pub fn cache_dir() -> PathBuf {
    std::env::var_os("TRACER_VM_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target").join("vm-cache"))
}

/// The packages the harness uses, installed when missing.
fn prerequisites() -> Result<()> {
    let wanted: Vec<&str> = [
        ("/usr/bin/qemu-system-x86_64", "qemu-system-x86"),
        ("/usr/bin/make", "make"),
        ("/usr/bin/gcc", "gcc"),
        ("/usr/bin/flex", "flex"),
        ("/usr/bin/bison", "bison"),
        ("/usr/bin/bc", "bc"),
        ("/usr/bin/xz", "xz-utils"),
        ("/usr/include/gelf.h", "libelf-dev"),
        ("/usr/include/x86_64-linux-gnu/sys/types.h", "libc6-dev"),
    ]
    .into_iter()
    .filter(|(path, _)| !Path::new(path).exists())
    .map(|(_, package)| package)
    .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    eprintln!(
        "xtask vm: installing {} (QEMU, the no-BPF kernel's build)",
        wanted.join(", ")
    );
    crate::setup::apt_install(&wanted)
}

/// The statically linked tracer and vm_check, in their own target directory so the
/// normal build's cache stays as it is.
fn build_static() -> Result<(PathBuf, PathBuf)> {
    let target_dir = workspace_root().join("target").join("vm-static");
    let mut cmd = cargo();
    cmd.current_dir(workspace_root())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        // Only the target's code is linked statically, not build scripts or the eBPF
        // object's own build.
        .env(
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
            "-C target-feature=+crt-static",
        )
        .args(["build", "--release", "--target", STATIC_TARGET])
        .arg("--target-dir")
        .arg(&target_dir)
        .args(["-p", "tracer-user", "--bin", "tracer"])
        .args(["-p", "tracer-tests", "--bin", "vm_check"]);
    exec(&mut cmd)?;
    let bin = target_dir.join(STATIC_TARGET).join("release");
    Ok((bin.join("tracer"), bin.join("vm_check")))
}

/// What one case came to.
struct Outcome {
    case: &'static Case,
    release: String,
    package: String,
    backend: String,
    passed: Vec<String>,
    failed: Vec<(String, String)>,
    trace: Vec<String>,
    notes: Vec<String>,
    elapsed: Duration,
}

pub fn vm_test(opts: Options) -> Result<()> {
    let start = Instant::now();
    prerequisites()?;
    let cache = cache_dir();
    fs::create_dir_all(cache.join("logs"))?;
    let cases: Vec<&'static Case> = MATRIX
        .iter()
        .filter(|c| opts.only.is_empty() || opts.only.iter().any(|o| o == c.name))
        .collect();
    if cases.is_empty() {
        bail!(
            "no case named {:?}; cases: {}",
            opts.only,
            MATRIX.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
        );
    }

    // Kernels first (downloads, the no-BPF build), then the binaries.
    let apt = fetch::Apt::new(&cache);
    let mut kernels = Vec::new();
    for case in &cases {
        let (image, package) = match case.source {
            Source::Debian(suite) => {
                let fetched = fetch::debian_kernel(&apt, &cache, suite)?;
                (fetched.image, fetched.package)
            }
            Source::NoBpf => nobpf::kernel(&apt, &cache)?,
        };
        kernels.push((*case, image, package));
    }
    let prepared = start.elapsed();
    let (tracer, vm_check) = build_static()?;
    let initramfs = cache.join("initramfs.cpio");
    use initramfs::Entry;
    initramfs::write(
        &initramfs,
        &[
            Entry::Dir("dev"),
            Entry::CharDev("dev/console", 5, 1),
            Entry::Dir("proc"),
            Entry::Dir("sys"),
            Entry::Dir("tmp"),
            Entry::Dir("bin"),
            Entry::File("bin/tracer", &tracer),
            Entry::File("bin/vm_check", &vm_check),
            Entry::Symlink("init", "/bin/vm_check"),
        ],
    )?;
    let built = start.elapsed();

    // Boots on `jobs` workers taking the next case as they finish (the slow kernels do
    // not hold the fast ones back); outcomes in matrix order.
    let jobs = opts.jobs.max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<(usize, Result<Outcome>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some((case, image, package)) = kernels.get(i) else {
                            return done;
                        };
                        done.push((i, boot_case(case, image, package, &initramfs, &cache)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("boot worker"))
            .collect()
    });
    let mut results = results;
    results.sort_by_key(|(i, _)| *i);
    let mut outcomes = Vec::new();
    for (_, result) in results {
        outcomes.push(result?);
    }
    compare_lines(&mut outcomes);

    let table = table(&outcomes);
    println!("\n{table}");
    fs::write(cache.join("table.md"), &table)?;
    let passed: usize = outcomes.iter().map(|o| o.passed.len()).sum();
    let failed: usize = outcomes.iter().map(|o| o.failed.len()).sum();
    for o in &outcomes {
        for (name, why) in &o.failed {
            println!("FAIL {} {name}: {why}", o.case.name);
        }
    }
    eprintln!(
        "xtask vm: kernels ready after {:.0}s, binaries after {:.0}s, all done after {:.0}s \
         (console logs in {})",
        prepared.as_secs_f64(),
        built.as_secs_f64(),
        start.elapsed().as_secs_f64(),
        cache.join("logs").display()
    );
    println!("vm-test: {passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} kernel matrix checks failed");
    }
    Ok(())
}

/// Boots one case, once more when the boot itself broke (soft lockup, panic, hang).
fn boot_case(
    case: &'static Case,
    image: &Path,
    package: &str,
    initramfs: &Path,
    cache: &Path,
) -> Result<Outcome> {
    let start = Instant::now();
    let cmdline = format!("VMTEST_EXPECT={} {}", case.expect, case.cmdline);
    let mut notes = Vec::new();
    let mut console = None;
    for attempt in 1..=2 {
        let log = cache
            .join("logs")
            .join(format!("{}.{attempt}.log", case.name));
        let boot = qemu::Boot {
            kernel: image,
            initramfs,
            cmdline: &cmdline,
            log: &log,
            timeout: BOOT_TIMEOUT,
        };
        match boot.run()? {
            Ok(c) => {
                console = Some(c);
                break;
            }
            Err(broken) => {
                eprintln!(
                    "xtask vm: {} boot {attempt}: {broken} (log: {})",
                    case.name,
                    log.display()
                );
                notes.push(format!("boot {attempt}: {broken}"));
            }
        }
    }
    let elapsed = start.elapsed();
    eprintln!(
        "xtask vm: {} done in {:.0}s",
        case.name,
        elapsed.as_secs_f64()
    );
    let Some(console) = console else {
        return Ok(Outcome {
            case,
            release: "?".into(),
            package: package.to_owned(),
            backend: "?".into(),
            passed: Vec::new(),
            failed: vec![("boot".into(), notes.join("; "))],
            trace: Vec::new(),
            notes,
            elapsed,
        });
    };
    for key in ["notice", "ebpf_error", "rest"] {
        if let Some(v) = console.info(key) {
            notes.push(v.strip_prefix("tracer: ").unwrap_or(v).to_owned());
        }
    }
    if let Some(mode) = console.info("lockdown").filter(|m| !m.is_empty())
        && case.cmdline.contains("lockdown")
    {
        notes.push(format!("lockdown: {mode}"));
    }
    Ok(Outcome {
        case,
        release: console.info("kernel").unwrap_or("?").to_owned(),
        package: package.to_owned(),
        backend: console.info("backend").unwrap_or("?").to_owned(),
        passed: console.passed,
        failed: console.failed,
        trace: console.trace,
        notes,
        elapsed,
    })
}

/// The no-BPF kernel must print the same lines (ptrace) as the same kernel with BPF.
fn compare_lines(outcomes: &mut [Outcome]) {
    let (nobpf, reference) = SAME_LINES_AS;
    let Some(want) = outcomes
        .iter()
        .find(|o| o.case.name == reference)
        .map(|o| o.trace.clone())
    else {
        return;
    };
    let Some(o) = outcomes.iter_mut().find(|o| o.case.name == nobpf) else {
        return;
    };
    let name = format!("same-lines-as-{reference}");
    if want.is_empty() {
        o.failed.push((
            name,
            format!("{reference} produced no trace to compare with"),
        ));
    } else if o.trace == want {
        o.passed.push(name);
    } else {
        let at = want.iter().zip(&o.trace).position(|(a, b)| a != b);
        let at = at.unwrap_or(want.len().min(o.trace.len()));
        o.failed.push((
            name,
            format!(
                "line {}: {reference} has {:?}, {nobpf} has {:?}",
                at + 1,
                want.get(at),
                o.trace.get(at)
            ),
        ));
    }
}

fn table(outcomes: &[Outcome]) -> String {
    let mut out = String::from(
        "| case | kernel (uname -r) | package | backend chosen | passed | failed | time | notes |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    for o in outcomes {
        let failed = if o.failed.is_empty() {
            "0".to_owned()
        } else {
            format!(
                "{} ({})",
                o.failed.len(),
                o.failed
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.0}s | {} |\n",
            o.case.name,
            o.release,
            o.package,
            o.backend,
            o.passed.len(),
            failed,
            o.elapsed.as_secs_f64(),
            o.notes.join("; ").replace('|', "\\|"),
        ));
    }
    out
}
