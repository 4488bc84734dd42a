//! strace's source, as Debian built the strace installed here: fetched with `apt-get source`
//! through a private sources list (the `deb` entries of the machine's apt configuration
//! turned into `deb-src`), unpacked with its Debian patches, then configured and built once
//! with its test programs. The system's apt configuration is left untouched.

use std::{
    fs::{self, File},
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, Result, bail};

use super::{exec, step};

/// `--enable-bundled=yes`: strace 6.1 does not build against this machine's newer kernel
/// headers (linux-libc-dev renamed `nexthop_grp.resvd1`); it ships the ones it expects.
/// `--enable-mpers=no`: native personality only (m32/mx32 need gcc-multilib and run
/// tests-m32/, which are not run here).
const CONFIGURE: &[&str] = &["--enable-bundled=yes", "--enable-mpers=no"];

/// Written into the tree when strace and its test programs are built; holds what was built.
const STAMP: &str = ".xtask-built";

/// The Debian source package of the installed strace, e.g. (`strace`, `6.1-0.1`).
pub fn installed_version() -> Result<(String, String)> {
    let out = Command::new("dpkg-query")
        .args(["-W", "-f=${source:Package} ${source:Version}", "strace"])
        .output()
        .context("dpkg-query")?;
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_once(' ') {
        Some((name, version)) if out.status.success() && !version.is_empty() => {
            Ok((name.to_owned(), version.to_owned()))
        }
        _ => bail!("strace is not installed as a Debian package (dpkg-query -W strace)"),
    }
}

/// The built tree of `package` `version` under `cache`: reused when its stamp matches,
/// otherwise fetched (if absent), configured and built. `jobs` for make.
pub fn built_tree(cache: &Path, package: &str, version: &str, jobs: usize) -> Result<PathBuf> {
    let tree = cache.join(format!("{package}-{version}"));
    let stamp = format!("{package} {version}\nconfigure {}\n", CONFIGURE.join(" "));
    if fs::read_to_string(tree.join(STAMP)).is_ok_and(|s| s == stamp) {
        return Ok(tree);
    }
    if !tree.join("configure").is_file() {
        let _ = fs::remove_dir_all(&tree);
        let downloads = cache.join("downloads");
        let dsc = download(cache, &downloads, package, version)?;
        // Unpacked beside the downloads (dpkg-source links the upstream tarball next to
        // the tree it makes), then moved. Its signature check warns without the uploaders'
        // keyring: apt already checked the files against the signed Sources index.
        let unpacked = downloads.join("tree");
        exec(
            Command::new("dpkg-source")
                .arg("-x")
                .arg(&dsc)
                .arg(&unpacked),
        )?;
        fs::rename(&unpacked, &tree)?;
        fs::remove_dir_all(&downloads)?;
    }
    build(&tree, &cache.join("build.log"), jobs)?;
    fs::write(tree.join(STAMP), stamp)?;
    Ok(tree)
}

/// configure, make, and the test programs (`make check` with no tests to run); their
/// output goes to `log`, shown when a step fails.
fn build(tree: &Path, log_path: &Path, jobs: usize) -> Result<()> {
    step(&format!(
        "building strace and its test programs in {} (a few minutes, once; output in {})",
        tree.display(),
        log_path.display()
    ));
    let log = File::create(log_path)?;
    let jobs = format!("-j{jobs}");
    let steps: [&[&str]; 3] = [
        &[&["./configure"], CONFIGURE].concat(),
        &["make", &jobs],
        &["make", &jobs, "-C", "tests", "check", "TESTS="],
    ];
    for args in steps {
        let mut cmd = Command::new(args[0]);
        cmd.args(&args[1..])
            .current_dir(tree)
            .stdout(log.try_clone()?)
            .stderr(log.try_clone()?);
        exec(&mut cmd).with_context(|| format!("see {}", log_path.display()))?;
    }
    Ok(())
}

/// `apt-get source --download-only PACKAGE=VERSION` into `dir`; returns the .dsc.
fn download(cache: &Path, dir: &Path, package: &str, version: &str) -> Result<PathBuf> {
    let apt = cache.join("apt");
    for sub in ["lists/partial", "cache/archives/partial"] {
        fs::create_dir_all(apt.join(sub))?;
    }
    fs::create_dir_all(dir)?;
    let sources = deb_src_lines(&system_sources());
    if sources.is_empty() {
        bail!("no `deb` entry in the machine's apt sources to take a deb-src entry from");
    }
    fs::write(apt.join("sources.list"), &sources)?;
    step(&format!(
        "source package lists from:\n{}",
        sources.trim_end()
    ));
    exec(apt_get(&apt).args(["update", "-qq"]))?;
    // apt-get source writes to its working directory.
    exec(apt_get(&apt).current_dir(dir).args([
        "source",
        "--download-only",
        "-qq",
        &format!("{package}={version}"),
    ]))?;
    let dsc = dir.join(format!("{package}_{}.dsc", without_epoch(version)));
    if !dsc.is_file() {
        bail!("apt-get source left no {}", dsc.display());
    }
    Ok(dsc)
}

/// Debian file names leave out the version's epoch (`1:2.3-4` -> `2.3-4`).
fn without_epoch(version: &str) -> &str {
    version.split_once(':').map_or(version, |(_, v)| v)
}

/// apt-get with its sources list, lists and cache under `apt`, nothing of the system's
/// configuration but its keyrings.
fn apt_get(apt: &Path) -> Command {
    let d = apt.display();
    let mut cmd = Command::new("apt-get");
    cmd.args([
        format!("-oDir::Etc::sourcelist={d}/sources.list"),
        "-oDir::Etc::sourceparts=-".into(),
        format!("-oDir::State::Lists={d}/lists"),
        format!("-oDir::Cache={d}/cache"),
        "-oAcquire::Languages=none".into(),
        "-oAPT::Get::List-Cleanup=false".into(),
        // The cache is root's; apt's `_apt` sandbox user could not write there.
        "-oAPT::Sandbox::User=root".into(),
    ]);
    cmd
}

/// The machine's apt source files: `sources.list`, then `sources.list.d/*.{list,sources}`.
fn system_sources() -> Vec<(PathBuf, String)> {
    let mut paths = vec![PathBuf::from("/etc/apt/sources.list")];
    if let Ok(dir) = fs::read_dir("/etc/apt/sources.list.d") {
        let mut more: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "list" || e == "sources"))
            .collect();
        more.sort();
        paths.extend(more);
    }
    paths
        .into_iter()
        .filter_map(|p| fs::read_to_string(&p).ok().map(|text| (p, text)))
        .collect()
}

/// One-line `deb-src` entries for every `deb` entry of the files (one-line `.list` or
/// deb822 `.sources`).
fn deb_src_lines(files: &[(PathBuf, String)]) -> String {
    let mut lines = Vec::new();
    for (path, text) in files {
        if path.extension().is_some_and(|e| e == "sources") {
            lines.extend(text.split("\n\n").flat_map(deb822_to_src));
        } else {
            lines.extend(text.lines().filter_map(one_line_to_src));
        }
    }
    lines.dedup();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// `deb [opts] URI SUITE COMPONENTS` -> the same with `deb-src`.
fn one_line_to_src(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("deb ")?;
    Some(format!("deb-src {}", rest.trim()))
}

/// A deb822 stanza with `Types: deb` -> one `deb-src` line per URI and suite.
fn deb822_to_src(stanza: &str) -> Vec<String> {
    let field = |name: &str| {
        stanza.lines().find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let enabled = field("Enabled").is_none_or(|v| v != "no");
    let is_deb = field("Types").is_some_and(|t| t.split_whitespace().any(|t| t == "deb"));
    let (Some(uris), Some(suites)) = (field("URIs"), field("Suites")) else {
        return Vec::new();
    };
    if !enabled || !is_deb {
        return Vec::new();
    }
    let components = field("Components").unwrap_or_default();
    // A keyring path is kept; an inline key (a multi-line field) is left to apt's defaults.
    let options = match field("Signed-By") {
        Some(key) if key.starts_with('/') => format!("[signed-by={key}] "),
        _ => String::new(),
    };
    let mut lines = Vec::new();
    for uri in uris.split_whitespace() {
        for suite in suites.split_whitespace() {
            lines.push(format!("deb-src {options}{uri} {suite} {components}"));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deb822_stanzas_become_deb_src_lines() {
        let text = "Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm \
                    bookworm-updates\nComponents: main\nSigned-By: /k.gpg\n\n\
                    Types: deb-src\nURIs: http://other.example/debian\nSuites: sid\n\
                    Components: main\n";
        let lines = deb_src_lines(&[(PathBuf::from("x.sources"), text.into())]);
        assert_eq!(
            lines,
            "deb-src [signed-by=/k.gpg] http://mirror.example/debian bookworm main\n\
             deb-src [signed-by=/k.gpg] http://mirror.example/debian bookworm-updates main\n"
        );
    }

    #[test]
    fn one_line_entries_keep_their_options() {
        let text = "# comment\ndeb [arch=amd64] http://mirror.example/debian bookworm main\n\
                    deb-src http://mirror.example/debian bookworm main\n";
        let lines = deb_src_lines(&[(PathBuf::from("sources.list"), text.into())]);
        assert_eq!(
            lines,
            "deb-src [arch=amd64] http://mirror.example/debian bookworm main\n"
        );
    }
}
