//! `cargo xtask vm-test`: the kernel matrix. Boots each kernel under QEMU (TCG) with an
//! initramfs holding the statically linked tracer and `vm_check` (tests/src/bin), which
//! traces a workload and checks the lines; prints a table of kernel, backend chosen and
//! checks passed/failed. Downloads and the built kernel are cached under target/vm-cache/.
//!
//! x86_64 kernels boot on `qemu-system-x86_64`; arm64 ones on `qemu-system-aarch64 -M
//! virt`, with binaries cross-built for aarch64 and the same initramfs scheme, plus
//! Debian's arm64 strace, which `vm_check` compares the tracer's lines with (x86_64's
//! are compared on the host, `tests/strace_compare.rs`).

pub(crate) mod bystander;
pub(crate) mod fetch;
mod image;
mod initramfs;
mod nobpf;
mod qemu;
mod sources;
mod strace;

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};

use crate::{
    cross::{self, Arch},
    display, workspace_root,
};

/// Where a kernel comes from.
#[derive(Clone, Copy)]
enum Source {
    /// The `cloud-amd64` (or `cloud-arm64`) image of a Debian suite.
    Debian(&'static str),
    /// Built here from linux-source-6.1 without BPF (x86_64).
    NoBpf,
}

/// One boot of the matrix.
struct Case {
    name: &'static str,
    arch: Arch,
    source: Source,
    /// The backend `--backend=auto` must choose (`VMTEST_EXPECT`).
    expect: &'static str,
    /// Extra kernel command line words.
    cmdline: &'static str,
    /// Booted by a plain `vm-test`; the others only with `--all` or when named by `--only`.
    default: bool,
    /// Its boot and checks, in seconds, as measured warm on 2 shared cores: the longest
    /// start first, so the short ones fill in around them.
    typical_secs: u32,
    /// Its failed checks fail the run. A case that is not (a kernel or architecture on
    /// its way in) has its failures reported and marked in the table, and the run goes
    /// on.
    gating: bool,
}

const MATRIX: &[Case] = &[
    Case {
        name: "5.10",
        arch: Arch::X86_64,
        source: Source::Debian("bullseye"),
        expect: "ebpf",
        cmdline: "",
        default: true,
        typical_secs: 50,
        gating: true,
    },
    Case {
        name: "6.1",
        arch: Arch::X86_64,
        source: Source::Debian("bookworm"),
        expect: "ebpf",
        cmdline: "",
        default: true,
        typical_secs: 55,
        gating: true,
    },
    Case {
        name: "6.12",
        arch: Arch::X86_64,
        source: Source::Debian("trixie"),
        expect: "ebpf",
        cmdline: "",
        default: true,
        typical_secs: 55,
        gating: true,
    },
    Case {
        name: "7.x",
        arch: Arch::X86_64,
        source: Source::Debian("sid"),
        expect: "ebpf",
        cmdline: "",
        default: true,
        typical_secs: 130,
        gating: true,
    },
    Case {
        name: "6.1-nobpf",
        arch: Arch::X86_64,
        source: Source::NoBpf,
        expect: "ptrace",
        cmdline: "",
        default: true,
        typical_secs: 15,
        gating: true,
    },
    Case {
        name: "6.12-lockdown",
        arch: Arch::X86_64,
        source: Source::Debian("trixie"),
        expect: "ebpf",
        cmdline: "lockdown=confidentiality VMTEST_LOCKDOWN=1",
        default: true,
        typical_secs: 15,
        gating: true,
    },
    Case {
        name: "arm64-6.1",
        arch: Arch::Aarch64,
        source: Source::Debian("bookworm"),
        expect: "ebpf",
        cmdline: "",
        default: true,
        typical_secs: 55,
        gating: true,
    },
    Case {
        name: "arm64-6.12",
        arch: Arch::Aarch64,
        source: Source::Debian("trixie"),
        expect: "ebpf",
        cmdline: "",
        default: false,
        typical_secs: 110,
        gating: true,
    },
    Case {
        name: "arm64-7.x",
        arch: Arch::Aarch64,
        source: Source::Debian("sid"),
        expect: "ebpf",
        cmdline: "",
        default: true,
        typical_secs: 210,
        gating: true,
    },
];

/// The no-BPF kernel's lines are compared with this kernel's: same source, BPF on.
const SAME_LINES_AS: (&str, &str) = ("6.1-nobpf", "6.1");

/// One boot under TCG: about a minute normally, several where the verifier rejects the
/// programs only after its full instruction budget (5.10); a hang ends here.
const BOOT_TIMEOUT: Duration = Duration::from_secs(900);

pub struct Options {
    /// Only these cases (by name); the default ones (or all with `all`) when empty.
    pub only: Vec<String>,
    /// Every case, the non-default ones too.
    pub all: bool,
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

/// The packages the harness uses, installed when missing: QEMU for each architecture
/// booted, and the no-BPF kernel's build tools when it is built.
fn prerequisites(cases: &[&Case]) -> Result<()> {
    let has = |arch: Arch| cases.iter().any(|c| c.arch == arch);
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    if has(Arch::X86_64) {
        wanted.push(("/usr/bin/qemu-system-x86_64", "qemu-system-x86"));
    }
    if has(Arch::Aarch64) {
        wanted.push(("/usr/bin/qemu-system-aarch64", "qemu-system-arm"));
    }
    if cases.iter().any(|c| matches!(c.source, Source::NoBpf)) {
        wanted.extend([
            ("/usr/bin/make", "make"),
            ("/usr/bin/gcc", "gcc"),
            ("/usr/bin/flex", "flex"),
            ("/usr/bin/bison", "bison"),
            ("/usr/bin/bc", "bc"),
            ("/usr/bin/xz", "xz-utils"),
            ("/usr/include/gelf.h", "libelf-dev"),
            ("/usr/include/x86_64-linux-gnu/sys/types.h", "libc6-dev"),
        ]);
    }
    let wanted: Vec<&str> = wanted
        .into_iter()
        .filter(|(path, _)| !Path::new(path).exists())
        .map(|(_, package)| package)
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    eprintln!(
        "xtask vm: installing {} (QEMU; the no-BPF kernel's build tools)",
        wanted.join(", ")
    );
    crate::setup::apt_install(&wanted)
}

/// Whether `arch`'s guests get strace and the libraries it links: where no host
/// compares the lines with strace, and for a dynamically linked tracer.
fn guest_libs(arch: Arch, given: Option<&Path>) -> bool {
    strace::ARCHES.contains(&arch) || given.is_some()
}

/// The VM's binaries for one architecture.
struct Binaries {
    /// `None` where it did not build (a non-gating architecture: the cases say why).
    tracer: Option<PathBuf>,
    vm_check: PathBuf,
}

/// The statically linked tracer and vm_check for `arch` (cross-built for a foreign one),
/// in their own target directory so the normal build's cache stays as it is. Where the
/// tracer does not build for an architecture none of whose cases gate the run, its cases
/// boot with vm_check alone (every check then fails saying so) rather than stopping the
/// other architectures' runs.
fn build_static(arch: Arch, gating: bool) -> Result<Binaries> {
    let build = |bins: &[(&str, &str)]| static_build(arch, bins);
    if gating {
        let dir = build(&[TRACER, VM_CHECK])?;
        return Ok(Binaries {
            tracer: Some(dir.join("tracer")),
            vm_check: dir.join("vm_check"),
        });
    }
    let dir = build(&[VM_CHECK])?;
    let tracer = match build(&[TRACER]) {
        Ok(dir) => Some(dir.join("tracer")),
        Err(e) => {
            eprintln!(
                "xtask vm: the tracer did not build for {} ({e:#}); its cases boot without it",
                arch.triple()
            );
            None
        }
    };
    Ok(Binaries {
        tracer,
        vm_check: dir.join("vm_check"),
    })
}

const TRACER: (&str, &str) = ("tracer-user", "tracer");
const VM_CHECK: (&str, &str) = ("tracer-tests", "vm_check");

/// Builds `bins` (package, binary) for `arch`, release and static, in their own target
/// directory; returns the binaries' directory.
fn static_build(arch: Arch, bins: &[(&str, &str)]) -> Result<PathBuf> {
    let target_dir = workspace_root().join("target").join("vm-static");
    cross::Build {
        arch,
        release: true,
        static_link: true,
        target_dir: Some(&target_dir),
        bins,
    }
    .run()
}

/// The initramfs of one architecture: `/init` is vm_check, `/bin/tracer` the tracer, and
/// where there is one, strace with its libraries under their Debian paths.
fn write_initramfs(
    path: &Path,
    bins: &Binaries,
    guest_strace: Option<&strace::GuestStrace>,
) -> Result<()> {
    use initramfs::Entry;
    let mut entries = vec![
        Entry::Dir("dev"),
        Entry::CharDev("dev/console", 5, 1),
        Entry::Dir("proc"),
        Entry::Dir("sys"),
        Entry::Dir("tmp"),
        Entry::Dir("bin"),
        Entry::File("bin/vm_check", &bins.vm_check),
        Entry::Symlink("init", "/bin/vm_check"),
    ];
    if let Some(tracer) = &bins.tracer {
        entries.push(Entry::File("bin/tracer", tracer));
    }
    let files = guest_strace.map_or(&[][..], |s| &s.files[..]);
    // Each file's directories, parents first, once.
    let mut dirs: Vec<&str> = files
        .iter()
        .flat_map(|(guest, _)| {
            guest
                .match_indices('/')
                .map(|(i, _)| &guest[..i])
                .collect::<Vec<_>>()
        })
        .filter(|d| !matches!(*d, "bin" | "dev" | "proc" | "sys" | "tmp"))
        .collect();
    dirs.sort();
    dirs.dedup();
    entries.extend(dirs.into_iter().map(Entry::Dir));
    entries.extend(files.iter().map(|(guest, file)| Entry::File(guest, file)));
    initramfs::write(path, &entries)
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
    /// `vm_check`'s bystander measurement, as its info line gave it.
    bystander: Option<String>,
}

/// A case's place in the matrix (for the order of the bystander rows).
pub(crate) fn matrix_position(name: &str) -> usize {
    MATRIX
        .iter()
        .position(|c| c.name == name)
        .unwrap_or(MATRIX.len())
}

/// The matrix's own spelling of a case's name.
pub(crate) fn case_name(name: &str) -> Option<&'static str> {
    MATRIX.iter().find(|c| c.name == name).map(|c| c.name)
}

/// The cases `opts` selects, in matrix order.
fn select(opts: &Options) -> Result<Vec<&'static Case>> {
    if let Some(unknown) = opts
        .only
        .iter()
        .find(|o| !MATRIX.iter().any(|c| c.name == o.as_str()))
    {
        bail!(
            "no case named {unknown:?}; cases: {}",
            MATRIX.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(MATRIX
        .iter()
        .filter(|c| {
            if opts.only.is_empty() {
                c.default || opts.all
            } else {
                opts.only.iter().any(|o| o == c.name)
            }
        })
        .collect())
}

pub fn vm_test(opts: Options) -> Result<()> {
    run(opts, None)
}

/// Runs the checks of `arch`'s quickest default case with `tracer` (a dynamically
/// linked release binary, as a package ships it) in place of the static build; the
/// guest gets the libraries it links.
pub fn check_binary(arch: Arch, tracer: &Path) -> Result<()> {
    let case = MATRIX
        .iter()
        .filter(|c| c.arch == arch && c.default)
        .min_by_key(|c| c.typical_secs)
        .with_context(|| format!("no default VM case for {}", arch.triple()))?;
    let opts = Options {
        only: vec![case.name.to_owned()],
        all: false,
        jobs: 1,
    };
    run(opts, Some(tracer))
}

/// The matrix run; `given` is a tracer to use instead of the static build (its cases'
/// architecture's).
fn run(opts: Options, given: Option<&Path>) -> Result<()> {
    let start = Instant::now();
    let cases = select(&opts)?;
    prerequisites(&cases)?;
    let cache = cache_dir();
    fs::create_dir_all(cache.join("logs"))?;
    let arches: Vec<Arch> = [Arch::X86_64, Arch::Aarch64]
        .into_iter()
        .filter(|a| cases.iter().any(|c| c.arch == *a))
        .collect();

    // Kernels first (downloads, the no-BPF build), then the binaries.
    let apts: Vec<(Arch, fetch::Apt)> = arches
        .iter()
        .map(|&arch| {
            let mut suites: Vec<&'static str> = Vec::new();
            for case in cases.iter().filter(|c| c.arch == arch) {
                let suite = match case.source {
                    Source::Debian(suite) => suite,
                    Source::NoBpf => nobpf::SUITE,
                };
                if !suites.contains(&suite) {
                    suites.push(suite);
                }
            }
            if guest_libs(arch, given) && !suites.contains(&strace::SUITE) {
                suites.push(strace::SUITE);
            }
            (arch, fetch::Apt::new(&cache, arch, &suites))
        })
        .collect();
    let apt_for = |arch: Arch| &apts.iter().find(|(a, _)| *a == arch).expect("an apt").1;
    let mut kernels = Vec::new();
    for case in &cases {
        let apt = apt_for(case.arch);
        let (image, package) = match case.source {
            Source::Debian(suite) => {
                let fetched = fetch::debian_kernel(apt, &cache, suite)?;
                (fetched.image, fetched.package)
            }
            Source::NoBpf => nobpf::kernel(apt, &cache)?,
        };
        kernels.push((*case, image, package));
    }
    let mut guest_straces = Vec::new();
    for &arch in arches.iter().filter(|&&a| guest_libs(a, given)) {
        let guest = strace::fetch(apt_for(arch), &cache, arch)?;
        eprintln!(
            "xtask vm: {} and its libraries for the {} guests",
            guest.package,
            arch.debian()
        );
        guest_straces.push((arch, guest));
    }
    let prepared = start.elapsed();
    let mut initramfs = Vec::new();
    let mut build_notes = Vec::new();
    for &arch in &arches {
        let gating = cases.iter().any(|c| c.arch == arch && c.gating);
        let t = Instant::now();
        let bins = match given {
            Some(tracer) => Binaries {
                tracer: Some(tracer.to_owned()),
                vm_check: static_build(arch, &[VM_CHECK])?.join("vm_check"),
            },
            None => build_static(arch, gating)?,
        };
        let path = cache.join(format!("initramfs-{}.cpio", arch.debian()));
        let guest_strace = guest_straces
            .iter()
            .find(|(a, _)| *a == arch)
            .map(|(_, s)| s);
        write_initramfs(&path, &bins, guest_strace)?;
        if bins.tracer.is_none() {
            build_notes.push((arch, "the tracer did not build for this architecture"));
        }
        eprintln!(
            "xtask vm: {} binaries in {:.0}s",
            arch.triple(),
            t.elapsed().as_secs_f64()
        );
        initramfs.push((arch, path));
    }
    let initramfs_for = |arch: Arch| {
        initramfs
            .iter()
            .find(|(a, _)| *a == arch)
            .map(|(_, p)| p.as_path())
            .expect("an initramfs per architecture")
    };
    let built = start.elapsed();

    // Boots on `jobs` workers taking the next case as they finish, the longest first (the
    // slow kernels do not hold the fast ones back); outcomes in matrix order.
    let jobs = opts.jobs.max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut order: Vec<usize> = (0..kernels.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(kernels[i].0.typical_secs));
    let results: Vec<(usize, Result<Outcome>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..jobs)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(&i) = order.get(n) else {
                            return done;
                        };
                        let (case, image, package) = &kernels[i];
                        let initramfs = initramfs_for(case.arch);
                        done.push((i, boot_case(case, image, package, initramfs, &cache)));
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
        let mut outcome = result?;
        for (arch, note) in &build_notes {
            if outcome.case.arch == *arch {
                outcome.notes.insert(0, (*note).to_owned());
            }
        }
        if !outcome.case.gating {
            outcome.notes.insert(0, "not gating".to_owned());
        }
        outcomes.push(outcome);
    }
    compare_lines(&mut outcomes);
    let rows = outcomes
        .iter()
        .filter_map(|o| bystander::parse(o.case.name, &o.release, o.bystander.as_deref()?))
        .collect::<Vec<_>>();
    if !rows.is_empty() {
        let out = workspace_root().join("docs/benchmarks.md");
        bystander::write(&out, rows)?;
        eprintln!("xtask vm: wrote the bystander table to {}", out.display());
    }

    let table = table(&outcomes);
    println!("\n{table}");
    fs::write(cache.join("table.md"), &table)?;
    let passed: usize = outcomes.iter().map(|o| o.passed.len()).sum();
    let count = |gating: bool| -> usize {
        outcomes
            .iter()
            .filter(|o| o.case.gating == gating)
            .map(|o| o.failed.len())
            .sum()
    };
    let (failed, tolerated) = (count(true), count(false));
    for o in &outcomes {
        for (name, why) in &o.failed {
            let tag = if o.case.gating {
                "FAIL"
            } else {
                "fail (not gating)"
            };
            println!("{tag} {} {name}: {why}", o.case.name);
        }
    }
    for o in &outcomes {
        eprintln!(
            "xtask vm: {} booted and checked in {:.0}s",
            o.case.name,
            o.elapsed.as_secs_f64()
        );
    }
    eprintln!(
        "xtask vm: kernels ready after {:.0}s, binaries after {:.0}s, all done after {:.0}s \
         (console logs in {})",
        prepared.as_secs_f64(),
        built.as_secs_f64(),
        start.elapsed().as_secs_f64(),
        cache.join("logs").display()
    );
    if tolerated > 0 {
        println!(
            "vm-test: {passed} passed, {failed} failed, {tolerated} failed in non-gating cases"
        );
    } else {
        println!("vm-test: {passed} passed, {failed} failed");
    }
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
    // TRACER_VM_CMDLINE: words for a developer's experiment (`VMTEST_REPEAT=20`,
    // `preempt=none`), after the case's own.
    let extra = std::env::var("TRACER_VM_CMDLINE").unwrap_or_default();
    let cmdline = format!("VMTEST_EXPECT={} {} {extra}", case.expect, case.cmdline);
    let mut notes = Vec::new();
    let mut console = None;
    for attempt in 1..=2 {
        let log = cache
            .join("logs")
            .join(format!("{}.{attempt}.log", case.name));
        let boot = qemu::Boot {
            arch: case.arch,
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
            bystander: None,
        });
    };
    for key in ["notice", "ebpf_error", "rest", "compat32", "strace"] {
        if let Some(v) = console.info(key) {
            notes.push(v.strip_prefix("tracer: ").unwrap_or(v).to_owned());
        }
    }
    if let Some(mode) = console.info("lockdown").filter(|m| !m.is_empty())
        && case.cmdline.contains("lockdown")
    {
        notes.push(format!("lockdown: {mode}"));
    }
    let bystander = console.info("bystander").map(str::to_owned);
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
        bystander,
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
