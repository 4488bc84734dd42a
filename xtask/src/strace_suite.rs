//! `cargo xtask strace-suite`: strace's own test suite (the tests/ of the source the
//! installed strace was built from: about 1,250 scripts, most running a small C program
//! under `$STRACE` and diffing the trace with the lines it printed) run with `STRACE` set to
//! strace, then to tracer once per backend. Writes `report.md` (counts, tracer's pass rate
//! on the tests strace passes, tracer's failures grouped by cause) and `failures.tsv` (each
//! failure's first differing line) to the cache: `target/strace-suite/`, or
//! `$TRACER_SUITE_CACHE`. A tool, not part of `cargo xtask test`.

mod causes;
mod report;
mod runner;
mod source;

use std::{
    collections::{BTreeMap, HashMap},
    fs,
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use regex::Regex;

use crate::{display, setup, workspace_root};
use runner::{Outcome, Run, Status, Suite};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// The tracer binary to test (default: `cargo xtask build`'s target/debug/tracer).
    #[arg(long, value_name = "PATH")]
    tracer: Option<PathBuf>,
    /// The reference strace (default: the one built with the tests; the installed
    /// /usr/bin/strace is the same version, built with other options).
    #[arg(long, value_name = "PATH")]
    strace: Option<PathBuf>,
    /// Which runs (comma list; default all). A run left out keeps its last results.
    #[arg(long, value_enum, value_delimiter = ',')]
    runs: Vec<Variant>,
    /// Only the tests whose name (e.g. `chdir`, `strace-V`) matches this regex.
    #[arg(long, value_name = "REGEX")]
    only: Option<String>,
    /// Tests to run at a time (default: the CPU count).
    #[arg(long)]
    jobs: Option<usize>,
    /// The most seconds a test may take (strace's harness allows 1500). Under tracer a test
    /// gets 30 s plus 3 times strace's last time on it, within that, so a hang costs little.
    #[arg(long, default_value_t = 600, value_name = "SECS")]
    timeout: u64,
    /// Run nothing: write the report again from the last results of the selected tests.
    #[arg(long, conflicts_with = "runs")]
    report_only: bool,
    /// Also print every cause with the tests it fails.
    #[arg(long)]
    list_causes: bool,
}

impl Options {
    fn runs(&self) -> Vec<Variant> {
        match (self.report_only, self.runs.is_empty()) {
            (true, _) => Vec::new(),
            (false, true) => Variant::ALL.to_vec(),
            (false, false) => self.runs.clone(),
        }
    }
}

/// What `$STRACE` is in a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Variant {
    Strace,
    Ebpf,
    Ptrace,
}

impl Variant {
    const ALL: [Self; 3] = [Self::Strace, Self::Ebpf, Self::Ptrace];

    fn key(self) -> &'static str {
        match self {
            Self::Strace => "strace",
            Self::Ebpf => "ebpf",
            Self::Ptrace => "ptrace",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Strace => "strace",
            Self::Ebpf => "tracer --backend=ebpf",
            Self::Ptrace => "tracer --backend=ptrace",
        }
    }

    fn parse(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.key() == key)
    }
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
    // The harness runs `$STRACE ARGS` unquoted: the wrappers' path must be one word.
    if cache.to_string_lossy().contains(char::is_whitespace) {
        bail!("the cache path {} has a space in it", cache.display());
    }
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
    let prepared = start.elapsed();
    step(&format!(
        "{package} {version}: fetched and built (or found cached) in {}",
        report::duration(prepared)
    ));
    let suite = Suite::load(&tree)?;
    let mut tests = select(&suite, opts.only.as_deref())?;

    let runs = opts.runs();
    let tracer = if runs.iter().any(|v| *v != Variant::Strace) {
        Some(tracer_binary(opts.tracer.as_deref())?)
    } else {
        None
    };
    let mut results = Results::load(&cache)?;
    // The slowest first, so that no long test starts last.
    results.longest_first(&mut tests);
    let mut durations = BTreeMap::new();
    for &variant in &runs {
        let strace = match (variant, &tracer) {
            (Variant::Strace, _) => opts.strace.clone().unwrap_or(tree.join("src/strace")),
            (_, Some(tracer)) => wrapper(&cache, tracer, variant)?,
            (_, None) => unreachable!("tracer is built when a tracer run is asked for"),
        };
        answers_version(&strace)?;
        let timeout = Duration::from_secs(opts.timeout);
        let run = Run {
            label: variant.label().to_owned(),
            strace,
            logs: logs_dir(&cache, variant),
            jobs,
            limits: match variant {
                Variant::Strace => HashMap::new(),
                _ => results.limits_from_strace(timeout),
            },
            timeout,
        };
        let started = Instant::now();
        let outcomes = suite.run(&tests, &run)?;
        durations.insert(variant, started.elapsed());
        results.update(variant, &outcomes);
        results.save()?;
    }

    let mut names: Vec<&str> = tests.iter().map(|t| test_name(t)).collect();
    names.sort_unstable();
    let known = known_options(&cache, tracer.as_deref())?;
    let input = report::Input {
        suite: format!("{package} {version}"),
        tests: &names,
        results: &results,
        durations: &durations,
        prepared,
        tracer: tracer.as_deref(),
        only: opts.only.as_deref(),
        jobs,
        known: &known,
        logs: &|variant, test| logs_dir(&cache, variant).join(format!("{test}.log")),
    };
    write_report(&cache, &report::Report::new(&input), opts.list_causes)
}

/// The test scripts whose name matches `only`.
fn select(suite: &Suite, only: Option<&str>) -> Result<Vec<String>> {
    let only = only.map(Regex::new).transpose()?;
    let tests: Vec<String> = suite
        .tests
        .iter()
        .filter(|t| only.as_ref().is_none_or(|re| re.is_match(test_name(t))))
        .cloned()
        .collect();
    if tests.is_empty() {
        bail!(
            "no test matches --only {}",
            only.as_ref().map_or("", |re| re.as_str())
        );
    }
    Ok(tests)
}

/// report.md and failures.tsv in the cache; the report (and causes' tests) on stdout.
fn write_report(cache: &Path, report: &report::Report, list_causes: bool) -> Result<()> {
    let (md, tsv) = (cache.join("report.md"), cache.join("failures.tsv"));
    fs::write(&md, report.markdown())?;
    fs::write(&tsv, report.failures_tsv())?;
    println!("{}", report.markdown());
    if list_causes {
        println!("{}", report.causes_detail());
    }
    step(&format!("wrote {} and {}", md.display(), tsv.display()));
    Ok(())
}

/// The tracer's options from its `--help`, kept in the cache for `--report-only`.
fn known_options(cache: &Path, tracer: Option<&Path>) -> Result<causes::Known> {
    let saved = cache.join("tracer-help.txt");
    if let Some(tracer) = tracer {
        let out = Command::new(tracer)
            .arg("--help")
            .output()
            .with_context(|| format!("{} --help", tracer.display()))?;
        fs::write(&saved, &out.stdout)?;
    }
    let help = fs::read_to_string(&saved).unwrap_or_default();
    Ok(causes::Known::from_help(&help))
}

/// `chdir.gen.test` -> `chdir`.
fn test_name(script: &str) -> &str {
    script
        .strip_suffix(".gen.test")
        .or_else(|| script.strip_suffix(".test"))
        .unwrap_or(script)
}

fn logs_dir(cache: &Path, variant: Variant) -> PathBuf {
    cache.join("logs").join(variant.key())
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

/// `--tracer PATH`, or target/debug/tracer built now.
fn tracer_binary(given: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = given {
        return fs::canonicalize(path).with_context(|| format!("--tracer {}", path.display()));
    }
    setup::setup()?;
    crate::build(false)
}

/// `CACHE/bin/tracer-BACKEND`: tracer with its backend fixed, as one path for `$STRACE`.
/// It runs tracer through a link named `strace`: the tests that show the tracer's own
/// command name (`-Y`, `--decode-pids=comm` on the parent) expect the binary's name.
/// A compiled program, not a shell script: the shell would reset an ignored SIGCHLD
/// (`sigign`) before the tracer sees it.
fn wrapper(cache: &Path, tracer: &Path, variant: Variant) -> Result<PathBuf> {
    let dir = cache.join("bin");
    let named = dir.join("as-strace");
    fs::create_dir_all(&named)?;
    let link = named.join("strace");
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(tracer, &link)?;
    let path = dir.join(format!("tracer-{}", variant.key()));
    let source = dir.join(format!("tracer-{}.c", variant.key()));
    let c_string = |s: &str| format!("{s:?}");
    fs::write(
        &source,
        format!(
            "/* strace's tests run $STRACE (and $STRACE_EXE): tracer, one backend. */\n\
             #include <unistd.h>\n\
             int main(int argc, char **argv) {{\n\
             \tchar *args[argc + 2];\n\
             \targs[0] = {link};\n\
             \targs[1] = {backend};\n\
             \tfor (int i = 1; i <= argc; i++)\n\
             \t\targs[i + 1] = argv[i];\n\
             \texecv(args[0], args);\n\
             \treturn 127;\n\
             }}\n",
            link = c_string(&link.to_string_lossy()),
            backend = c_string(&format!("--backend={}", variant.key())),
        ),
    )?;
    let built = Command::new("cc")
        .arg("-O2")
        .arg("-o")
        .arg(&path)
        .arg(&source)
        .status()
        .context("running cc for the tracer wrapper")?;
    if !built.success() {
        bail!("cc could not build {}", path.display());
    }
    Ok(path)
}

/// run.sh calls every test a framework failure unless `$STRACE -V` succeeds.
fn answers_version(strace: &Path) -> Result<()> {
    let ok = Command::new(strace)
        .arg("-V")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        bail!("{} -V failed: strace's harness needs it", strace.display());
    }
    Ok(())
}

/// The latest status of every (run, test), kept in `CACHE/results.tsv` so a run of one
/// variant or of a few tests is reported beside the others' last results.
pub struct Results {
    path: PathBuf,
    map: BTreeMap<(Variant, String), (Status, f64)>,
}

impl Results {
    fn load(cache: &Path) -> Result<Self> {
        let path = cache.join("results.tsv");
        let text = fs::read_to_string(&path).unwrap_or_default();
        let map = text
            .lines()
            .filter_map(|line| {
                let mut f = line.split('\t');
                let variant = Variant::parse(f.next()?)?;
                let test = f.next()?.to_owned();
                let status = Status::parse(f.next()?)?;
                let seconds = f.next()?.parse().ok()?;
                Some(((variant, test), (status, seconds)))
            })
            .collect();
        Ok(Self { path, map })
    }

    fn update(&mut self, variant: Variant, outcomes: &[Outcome]) {
        for o in outcomes {
            self.map
                .insert((variant, o.test.clone()), (o.status, o.seconds));
        }
    }

    fn save(&self) -> Result<()> {
        let text: String = self
            .map
            .iter()
            .map(|((v, test), (status, secs))| {
                format!("{}\t{test}\t{}\t{secs:.3}\n", v.key(), status.as_str())
            })
            .collect();
        fs::write(&self.path, text).with_context(|| format!("writing {}", self.path.display()))
    }

    /// Sorts tests (script names) by their longest last time in any run, longest first.
    fn longest_first(&self, tests: &mut [String]) {
        let mut longest: HashMap<&str, f64> = HashMap::new();
        for ((_, test), (_, secs)) in &self.map {
            let slot = longest.entry(test).or_default();
            *slot = slot.max(*secs);
        }
        let time = |script: &String| longest.get(test_name(script)).copied().unwrap_or(0.0);
        tests.sort_by(|a, b| time(b).total_cmp(&time(a)));
    }

    /// Per test: 30 s plus 3 times strace's last time on it, at most `timeout`.
    fn limits_from_strace(&self, timeout: Duration) -> HashMap<String, Duration> {
        self.map
            .iter()
            .filter(|((variant, _), _)| *variant == Variant::Strace)
            .map(|((_, test), (_, secs))| {
                let limit = Duration::from_secs_f64(30.0 + 3.0 * secs).min(timeout);
                (test.clone(), limit)
            })
            .collect()
    }

    pub fn status(&self, variant: Variant, test: &str) -> Option<Status> {
        self.map.get(&(variant, test.to_owned())).map(|(s, _)| *s)
    }
}
