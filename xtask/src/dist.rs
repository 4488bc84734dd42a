//! `cargo xtask dist`: the release binary with its man page and shell completions, as a
//! tarball and a Debian package in `target/dist/`; `--test` then installs the package
//! on this system, runs it, reads its man page and removes it. `--target aarch64` makes
//! arm64's artefacts on an x86_64 host (cross-built, as `cargo xtask build --target`);
//! its `--test` boots an arm64 kernel of the VM matrix with the packaged binary and runs
//! the matrix's checks with it.
//!
//! The package is built with `dpkg-deb` from a generated control file rather than
//! cargo-deb: dpkg-deb is on every Debian system, where cargo-deb would be one more
//! tool to build; what cargo-deb would add (dependencies from the binary's symbols,
//! the staging layout) is a few lines here.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, Result, bail};

use crate::{build, build_for, cross::Arch, display, run, setup, workspace_root};

/// What a release ships, built from `tracer`: (path inside the package, contents).
fn generated(tracer: &Path) -> Result<Vec<(&'static str, Vec<u8>)>> {
    let generate = |what: &str| -> Result<Vec<u8>> {
        let out = Command::new(tracer)
            .arg(format!("--generate={what}"))
            .output()
            .with_context(|| format!("running {} --generate={what}", tracer.display()))?;
        if !out.status.success() {
            bail!("{} --generate={what} failed", tracer.display());
        }
        Ok(out.stdout)
    };
    Ok(vec![
        ("share/man/man1/tracer.1", generate("man")?),
        (
            "share/bash-completion/completions/tracer",
            generate("bash")?,
        ),
        ("share/zsh/vendor-completions/_tracer", generate("zsh")?),
        (
            "share/fish/vendor_completions.d/tracer.fish",
            generate("fish")?,
        ),
    ])
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

fn output(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .with_context(|| format!("running {}", display(cmd)))?;
    if !out.status.success() {
        bail!("{} failed: {}", display(cmd), out.status);
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn write(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    fs::write(path, contents).with_context(|| format!("writing {}", path.display()))
}

/// Builds `target/dist/tracer-VERSION-ARCH-linux.tar.gz` and `tracer_VERSION_DEBARCH.deb`
/// for `arch`; returns the package's path. Each architecture's artefacts replace that
/// architecture's earlier ones only.
pub fn dist(arch: Arch) -> Result<PathBuf> {
    setup::setup()?;
    let built = build_for(arch, true, false)?;
    let root = workspace_root();
    let dist = root.join("target/dist");
    let name = format!("tracer-{}-{}-linux", version(), arch.name());
    let deb_name = format!("tracer_{}_{}", version(), arch.debian());
    for stale in [
        name.clone(),
        format!("{name}.tar.gz"),
        deb_name.clone(),
        format!("{deb_name}.deb"),
        format!("tracer-{}", arch.name()),
    ] {
        let path = dist.join(stale);
        let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
    }
    // Shipped without its symbols (a fifth of the size); the build keeps them.
    fs::create_dir_all(&dist)?;
    let tracer = dist.join(format!("tracer-{}", arch.name()));
    fs::copy(&built, &tracer).context("copying the binary")?;
    run(Command::new(arch.binutil("strip"))
        .arg("--strip-unneeded")
        .arg(&tracer))?;
    // The man page and completions are the same on every architecture; a binary for
    // another one does not run here, so the host's build writes them.
    let files = if arch == Arch::host() {
        generated(&tracer)?
    } else {
        generated(&build(true)?)?
    };
    let readme = fs::read(root.join("README.md")).context("reading README.md")?;

    // The tarball: a prefix to unpack under /usr/local or ~/.local.
    let stage = dist.join(&name);
    write(&stage.join("bin/tracer"), &fs::read(&tracer)?)?;
    set_executable(&stage.join("bin/tracer"))?;
    for (path, contents) in &files {
        write(&stage.join(path), contents)?;
    }
    write(&stage.join("README.md"), &readme)?;
    let tarball = dist.join(format!("{name}.tar.gz"));
    run(Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(&dist)
        .arg(&name))?;
    eprintln!("xtask dist: {}", tarball.display());

    let deb = debian_package(arch, &dist, &tracer, &files, &readme)?;
    eprintln!("xtask dist: {}", deb.display());
    Ok(deb)
}

fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .with_context(|| format!("chmod {}", path.display()))
}

/// The Debian package: the files under `/usr`, the man page compressed as Debian's
/// policy wants, and a control file whose dependencies come from the binary itself.
fn debian_package(
    arch: Arch,
    dist: &Path,
    tracer: &Path,
    files: &[(&str, Vec<u8>)],
    readme: &[u8],
) -> Result<PathBuf> {
    output(Command::new("dpkg").arg("--print-architecture"))
        .context("dpkg-deb builds the package: this needs a Debian system")?;
    let arch_name = arch.debian();
    let stage = dist.join(format!("tracer_{}_{arch_name}", version()));
    let usr = stage.join("usr");
    write(&usr.join("bin/tracer"), &fs::read(tracer)?)?;
    set_executable(&usr.join("bin/tracer"))?;
    for (path, contents) in files {
        if path.ends_with(".1") {
            write(&usr.join(format!("{path}.gz")), &gzip(contents)?)?;
        } else {
            write(&usr.join(path), contents)?;
        }
    }
    let doc = usr.join("share/doc/tracer");
    write(&doc.join("README.md"), readme)?;
    write(
        &doc.join("copyright"),
        format!(
            "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\
             Upstream-Name: tracer\n\n\
             Files: *\n\
             License: {}\n",
            env!("CARGO_PKG_LICENSE")
        )
        .as_bytes(),
    )?;
    let installed_kib = output(Command::new("du").args(["-sk"]).arg(&usr))?
        .split_whitespace()
        .next()
        .unwrap_or("0")
        .to_owned();
    let control = format!(
        "Package: tracer\n\
         Version: {}\n\
         Architecture: {arch_name}\n\
         Maintainer: tracer developers <tracer@localhost>\n\
         Installed-Size: {installed_kib}\n\
         Depends: {}\n\
         Recommends: man-db\n\
         Section: utils\n\
         Priority: optional\n\
         Description: strace's output at a fraction of strace's cost\n \
         A Linux syscall tracer that prints what strace prints, from eBPF programs\n \
         on the kernel's syscall tracepoints, with a ptrace fallback that prints the\n \
         same lines where eBPF is not available.\n",
        version(),
        depends(arch, tracer)?,
    );
    write(&stage.join("DEBIAN/control"), control.as_bytes())?;
    let deb = dist.join(format!("tracer_{}_{arch_name}.deb", version()));
    run(Command::new("dpkg-deb")
        .args(["--root-owner-group", "--build"])
        .arg(&stage)
        .arg(&deb))?;
    Ok(deb)
}

fn gzip(data: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let mut child = Command::new("gzip")
        .args(["-9", "-n", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("running gzip")?;
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(data)
        .context("gzip")?;
    let out = child.wait_with_output().context("gzip")?;
    if !out.status.success() {
        bail!("gzip failed");
    }
    Ok(out.stdout)
}

/// The packages the binary needs, from the libraries it links (as `dpkg-shlibdeps`
/// would find them) and the newest glibc symbol version it uses.
fn depends(arch: Arch, tracer: &Path) -> Result<String> {
    let packages = if arch == Arch::host() {
        host_libraries(tracer)?
    } else {
        cross_libraries(arch, tracer)?
    };
    let symbols =
        output(Command::new(arch.binutil("objdump")).arg("-T").arg(tracer)).unwrap_or_default();
    let glibc = symbols
        .split_whitespace()
        .filter_map(|w| {
            w.strip_prefix("(GLIBC_")
                .or_else(|| w.strip_prefix("GLIBC_"))
        })
        .map(|v| v.trim_end_matches(')').to_owned())
        .max_by(|a, b| version_key(a).cmp(&version_key(b)));
    Ok(packages
        .into_iter()
        .map(|p| match (&*p, &glibc) {
            ("libc6", Some(v)) => format!("libc6 (>= {v})"),
            _ => p,
        })
        .collect::<Vec<_>>()
        .join(", "))
}

/// The packages of the libraries `ldd` finds for a binary of this machine.
fn host_libraries(tracer: &Path) -> Result<Vec<String>> {
    let ldd = output(Command::new("ldd").arg(tracer))?;
    let mut packages: Vec<String> = Vec::new();
    for lib in ldd.lines().filter_map(|l| l.split("=>").nth(1)) {
        let Some(path) = lib.split_whitespace().next() else {
            continue;
        };
        let real = fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
        // dpkg knows the path the package installed, which may be the /usr one.
        let owner = [PathBuf::from(path), real]
            .iter()
            .find_map(|p| output(Command::new("dpkg").arg("-S").arg(p)).ok());
        if let Some(owner) = owner {
            let package = owner.split(':').next().unwrap_or_default().to_owned();
            if !package.is_empty() && !packages.contains(&package) {
                packages.push(package);
            }
        }
    }
    Ok(packages)
}

/// The packages of a foreign binary's libraries (its `NEEDED` entries): Debian's cross
/// package of each (`libc6-arm64-cross`, which the build linked against) names the
/// architecture's own (`libc6`).
fn cross_libraries(arch: Arch, tracer: &Path) -> Result<Vec<String>> {
    let headers = output(Command::new(arch.binutil("objdump")).arg("-p").arg(tracer))?;
    let suffix = format!("-{}-cross", arch.debian());
    let mut packages: Vec<String> = Vec::new();
    for lib in headers
        .lines()
        .filter_map(|l| l.trim().strip_prefix("NEEDED"))
    {
        let path = arch.cross_libs().join(lib.trim());
        let owner = output(Command::new("dpkg").arg("-S").arg(&path))
            .with_context(|| format!("no cross package has {}", path.display()))?;
        let package = owner.split(':').next().unwrap_or_default();
        let package = package.strip_suffix(&suffix).unwrap_or(package).to_owned();
        if !package.is_empty() && !packages.contains(&package) {
            packages.push(package);
        }
    }
    Ok(packages)
}

fn version_key(v: &str) -> Vec<u32> {
    v.split('.').filter_map(|n| n.parse().ok()).collect()
}

/// `--test` of another architecture's package: its binary, as installed, replaces the
/// static one in that architecture's quickest default VM case, whose checks must pass.
pub fn test_in_vm(arch: Arch, deb: &Path) -> Result<()> {
    let unpacked = deb.with_extension("unpacked");
    let _ = fs::remove_dir_all(&unpacked);
    run(Command::new("dpkg-deb").arg("-x").arg(deb).arg(&unpacked))?;
    let tracer = unpacked.join("usr/bin/tracer");
    let result = crate::vm::check_binary(arch, &tracer);
    let _ = fs::remove_dir_all(&unpacked);
    result?;
    eprintln!(
        "xtask dist: the {} package's binary passes the VM checks",
        arch.debian()
    );
    Ok(())
}

/// `--test`: installs the package on this system, traces `ls` with the installed
/// binary, reads its man page and completions, and removes it again.
pub fn test(deb: &Path) -> Result<()> {
    if !crate::is_root() {
        bail!("installing the package needs root");
    }
    let installed = |pkg: &str| {
        output(Command::new("dpkg-query").args(["-W", "-f=${Status}", pkg]))
            .is_ok_and(|s| s.ends_with(" installed"))
    };
    if installed("tracer") {
        bail!("a `tracer` package is installed already: not replacing it");
    }
    if !installed("man-db") {
        eprintln!("xtask dist: installing man-db (to read the man page)");
        setup::apt_install(&["man-db"])?;
    }
    run(Command::new("dpkg").arg("-i").arg(deb))?;
    let result = check_installed();
    // Removed whatever happened, so a failed check leaves nothing behind.
    let removed = run(Command::new("dpkg").args(["--purge", "tracer"]));
    result?;
    removed?;
    if Path::new("/usr/bin/tracer").exists() {
        bail!("/usr/bin/tracer is still there after removing the package");
    }
    eprintln!("xtask dist: the package installs, traces, has its man page, and removes cleanly");
    Ok(())
}

fn check_installed() -> Result<()> {
    let out = Command::new("/usr/bin/tracer")
        .args(["-f", "--", "ls", "/"])
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .context("running the installed tracer")?;
    let trace = String::from_utf8_lossy(&out.stderr);
    if !out.status.success()
        || !trace.contains("execve(\"/")
        || !trace.contains("+++ exited with 0 +++")
    {
        bail!(
            "`tracer -f -- ls /` from the package failed ({}):\n{trace}",
            out.status
        );
    }
    let page = output(
        Command::new("man")
            .args(["-P", "cat", "tracer"])
            .env("MANWIDTH", "80"),
    )
    .context("man tracer")?;
    for text in ["tracer", "--follow-forks", "--syscall-limit"] {
        if !page.contains(text) {
            bail!("`man tracer` lacks {text}:\n{page}");
        }
    }
    let completes = output(Command::new("bash").args([
        "-c",
        "source /usr/share/bash-completion/completions/tracer && complete -p tracer",
    ]))?;
    if !completes.contains("tracer") {
        bail!("the bash completion does not register: {completes}");
    }
    eprintln!("xtask dist: `tracer -f -- ls /` and `man tracer` work from the package");
    Ok(())
}
