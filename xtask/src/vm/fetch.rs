//! Kernel images from Debian packages, fetched with `apt-get download` through a private
//! sources list (other suites on the mirror the machine's apt sources name), unpacked with
//! `dpkg-deb`, never installed. The system's apt configuration is left untouched.

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
    sync::OnceLock,
};

use anyhow::{Context as _, Result, bail};

use super::exec;
use crate::cross::Arch;

const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// apt with its own sources list, lists and cache under `dir`, for one architecture.
pub struct Apt {
    dir: PathBuf,
    arch: Arch,
    suites: Vec<&'static str>,
    updated: OnceLock<()>,
}

impl Apt {
    /// The package lists of `suites` for `arch` (amd64 under `cache/apt`, others under
    /// `cache/apt-ARCH`).
    pub fn new(cache: &Path, arch: Arch, suites: &[&'static str]) -> Self {
        let dir = match arch {
            Arch::X86_64 => cache.join("apt"),
            _ => cache.join(format!("apt-{}", arch.debian())),
        };
        Self {
            dir,
            arch,
            suites: suites.to_vec(),
            updated: OnceLock::new(),
        }
    }

    fn options(&self) -> Vec<String> {
        let d = self.dir.display();
        vec![
            format!("-oDir::Etc::sourcelist={d}/sources.list"),
            "-oDir::Etc::sourceparts=-".into(),
            format!("-oDir::State::Lists={d}/lists"),
            format!("-oDir::Cache={d}/cache"),
            // Only the package lists: no translations, Contents or AppStream metadata.
            "-oAcquire::Languages=none".into(),
            "-oAcquire::IndexTargets::deb::DEP-11::DefaultEnabled=false".into(),
            "-oAcquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false".into(),
            "-oAcquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false".into(),
            "-oAcquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false".into(),
            "-oAPT::Get::List-Cleanup=false".into(),
            // That architecture's lists only, as if it were the machine's: `apt-get
            // download` then takes its packages by their plain names.
            format!("-oAPT::Architecture={}", self.arch.debian()),
            format!("-oAPT::Architectures={}", self.arch.debian()),
            // The cache is root's; apt's `_apt` sandbox user could not write there.
            "-oAPT::Sandbox::User=root".into(),
        ]
    }

    fn command(&self, tool: &str) -> Command {
        let mut cmd = Command::new(tool);
        cmd.args(self.options());
        cmd
    }

    /// `apt-get update` of the private lists, once per run.
    fn update(&self) -> Result<()> {
        if self.updated.get().is_some() {
            return Ok(());
        }
        for sub in ["lists/partial", "cache/archives/partial"] {
            fs::create_dir_all(self.dir.join(sub))?;
        }
        let mirror = super::sources::debian_mirror()?;
        let arch = self.arch.debian();
        let sources: String = self
            .suites
            .iter()
            .map(|suite| format!("deb [arch={arch} signed-by={KEYRING}] {mirror} {suite} main\n"))
            .collect();
        fs::write(self.dir.join("sources.list"), sources)?;
        eprintln!(
            "xtask vm: {arch} package lists of {} from {mirror}",
            self.suites.join(", ")
        );
        exec(self.command("apt-get").args(["update", "-qq"]))?;
        let _ = self.updated.set(());
        Ok(())
    }

    /// `apt-cache show PKG/SUITE`: the stanza of the candidate in that suite.
    fn show(&self, package: &str, suite: &str) -> Result<String> {
        self.update()?;
        let out = self
            .command("apt-cache")
            .args(["show", &format!("{package}/{suite}")])
            .output()
            .context("apt-cache show")?;
        if !out.status.success() {
            bail!(
                "apt-cache show {package}/{suite}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // Several versions may be listed: take the first stanza (the candidate).
        Ok(text.split("\n\n").next().unwrap_or_default().to_owned())
    }

    /// `apt-get download NAME=VERSION` into `dir`; returns the .deb's path.
    fn download(&self, name: &str, version: &str, dir: &Path) -> Result<PathBuf> {
        self.update()?;
        fs::create_dir_all(dir)?;
        // apt-get download writes to its working directory.
        exec(self.command("apt-get").current_dir(dir).args([
            "download",
            "-qq",
            &format!("{name}={version}"),
        ]))?;
        find_deb(dir, name)
    }
}

fn find_deb(dir: &Path, name: &str) -> Result<PathBuf> {
    let prefix = format!("{name}_");
    fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".deb"))
        })
        .with_context(|| format!("no {name}_*.deb in {}", dir.display()))
}

fn field<'a>(stanza: &'a str, name: &str) -> Option<&'a str> {
    let prefix = format!("{name}: ");
    stanza.lines().find_map(|l| l.strip_prefix(&prefix))
}

/// A kernel unpacked from a Debian package.
pub struct Fetched {
    pub image: PathBuf,
    /// e.g. `linux-image-6.1.0-50-cloud-amd64 6.1.176-1`.
    pub package: String,
}

/// The `cloud-ARCH` kernel of `suite` for the Apt's architecture, from the cache or
/// fetched. Kept under `cache/kernels/SUITE/` (amd64: `vmlinuz`) or
/// `cache/kernels/SUITE-ARCH/` (arm64: `Image`, the raw image QEMU boots), with `package`.
pub fn debian_kernel(apt: &Apt, cache: &Path, suite: &str) -> Result<Fetched> {
    let arch = apt.arch;
    let (dir, file) = match arch {
        Arch::X86_64 => (cache.join("kernels").join(suite), "vmlinuz"),
        Arch::Aarch64 => (
            cache
                .join("kernels")
                .join(format!("{suite}-{}", arch.debian())),
            "Image",
        ),
    };
    let (image, stamp) = (dir.join(file), dir.join("package"));
    if image.is_file()
        && let Ok(package) = fs::read_to_string(&stamp)
    {
        return Ok(Fetched {
            image,
            package: package.trim().to_owned(),
        });
    }
    // The meta-package names the current image package of the suite. The cloud flavour:
    // the smallest, for virtual machines, with the serial console and virtio built in.
    let meta_name = format!("linux-image-cloud-{}", arch.debian());
    let meta = apt.show(&meta_name, suite)?;
    let depends = field(&meta, "Depends").with_context(|| format!("{meta_name} has no Depends"))?;
    let (name, version) = dependency(depends, "linux-image-")
        .with_context(|| format!("no linux-image-* in {depends:?}"))?;
    let debs = cache.join("debs");
    let deb = apt.download(&name, &version, &debs)?;
    let mut found = extract_vmlinuz(&deb, &dir)?;
    if !found {
        // Newer suites split the image: the kernel is in `linux-binary-*`.
        let stanza = apt.show(&name, suite)?;
        let deps = field(&stanza, "Depends").unwrap_or_default();
        if let Some((binary, version)) = dependency(deps, "linux-binary-") {
            let deb = apt.download(&binary, &version, &debs)?;
            found = extract_vmlinuz(&deb, &dir)?;
        }
    }
    if !found {
        bail!("no vmlinuz in {name} {version} or the packages it depends on");
    }
    if arch == Arch::Aarch64 {
        let vmlinuz = dir.join("vmlinuz");
        super::image::arm64_image(&vmlinuz, &image)?;
        fs::remove_file(&vmlinuz)?;
    }
    let package = format!("{name} {version}");
    fs::write(&stamp, &package)?;
    let _ = fs::remove_dir_all(&debs);
    Ok(Fetched { image, package })
}

/// The first `NAME (= VERSION)` in a Depends field whose name starts with `prefix`.
fn dependency(depends: &str, prefix: &str) -> Option<(String, String)> {
    depends.split(',').find_map(|dep| {
        let dep = dep.trim();
        let (name, rest) = dep.split_once(' ')?;
        let version = rest.trim().strip_prefix("(= ")?.strip_suffix(')')?;
        name.starts_with(prefix)
            .then(|| (name.to_owned(), version.to_owned()))
    })
}

/// Unpacks the package's `vmlinuz*` (in /boot or /usr/lib/modules) to `dir/vmlinuz`.
fn extract_vmlinuz(deb: &Path, dir: &Path) -> Result<bool> {
    let tmp = dir.with_extension("unpack");
    let _ = fs::remove_dir_all(&tmp);
    fs::create_dir_all(&tmp)?;
    // tar fails when nothing matches: that is the "not in this package" answer.
    let _ = Command::new("bash")
        .args([
            "-c",
            r#"dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards '*vmlinuz*' 2>/dev/null"#,
            "extract",
        ])
        .arg(deb)
        .arg(&tmp)
        .status()
        .context("dpkg-deb | tar")?;
    let image = find_file(&tmp, "vmlinuz")?;
    let found = match image {
        Some(image) => {
            fs::create_dir_all(dir)?;
            fs::copy(&image, dir.join("vmlinuz"))?;
            true
        }
        None => false,
    };
    fs::remove_dir_all(&tmp)?;
    Ok(found)
}

/// The first regular file under `dir` whose name starts with `prefix`.
fn find_file(dir: &Path, prefix: &str) -> Result<Option<PathBuf>> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            if let Some(found) = find_file(&path, prefix)? {
                return Ok(Some(found));
            }
        } else if path.is_file()
            && path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Downloads `package` (its candidate) of `suite` into `dir`; returns the .deb and its
/// version.
pub fn package(apt: &Apt, suite: &str, package: &str, dir: &Path) -> Result<(PathBuf, String)> {
    let stanza = apt.show(package, suite)?;
    let version = field(&stanza, "Version")
        .with_context(|| format!("{package}/{suite} has no Version"))?
        .to_owned();
    let deb = apt.download(package, &version, dir)?;
    Ok((deb, version))
}
