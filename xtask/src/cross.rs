//! Target architectures: the native build, and aarch64 cross-built on an x86_64 host
//! (rustup's target, Debian's cross gcc as the linker, set through the environment so no
//! cargo configuration is committed).
//!
//! The eBPF object follows the target: aya-build's build script reads the target's
//! `CARGO_CFG_TARGET_ARCH` and builds `tracer-ebpf` with `--cfg bpf_target_arch="aarch64"`
//! (aya-ebpf's `PtRegs` and register bindings), in a target directory under the user
//! crate's `OUT_DIR`, so each target embeds its own object.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::Result;

use crate::{cargo, run, setup, workspace_root};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Arch {
    #[value(name = "x86_64", alias = "amd64", alias = "x86_64-unknown-linux-gnu")]
    X86_64,
    #[value(name = "aarch64", alias = "arm64", alias = "aarch64-unknown-linux-gnu")]
    Aarch64,
}

impl Arch {
    /// The architecture xtask itself runs on.
    pub fn host() -> Self {
        if cfg!(target_arch = "aarch64") {
            Self::Aarch64
        } else {
            Self::X86_64
        }
    }

    pub fn triple(self) -> &'static str {
        match self {
            Self::X86_64 => "x86_64-unknown-linux-gnu",
            Self::Aarch64 => "aarch64-unknown-linux-gnu",
        }
    }

    /// Debian's name (`dpkg --print-architecture`).
    pub fn debian(self) -> &'static str {
        match self {
            Self::X86_64 => "amd64",
            Self::Aarch64 => "arm64",
        }
    }

    /// The GNU triplet of Debian's cross toolchain packages (`gcc-aarch64-linux-gnu`).
    fn gnu(self) -> &'static str {
        match self {
            Self::X86_64 => "x86_64-linux-gnu",
            Self::Aarch64 => "aarch64-linux-gnu",
        }
    }

    /// `uname -m`'s name (`x86_64`, `aarch64`), as release file names use it.
    pub fn name(self) -> &'static str {
        match self {
            Self::X86_64 => "x86_64",
            Self::Aarch64 => "aarch64",
        }
    }

    /// A binutils tool for this architecture's files: the host's own, or the cross one
    /// Debian's `gcc-ARCH-linux-gnu` brings (`aarch64-linux-gnu-strip`).
    pub fn binutil(self, tool: &str) -> String {
        if self == Self::host() {
            tool.to_owned()
        } else {
            format!("{}-{tool}", self.gnu())
        }
    }

    /// Where Debian's cross packages for this architecture put its libraries
    /// (`/usr/aarch64-linux-gnu/lib`), on another host.
    pub fn cross_libs(self) -> PathBuf {
        PathBuf::from(format!("/usr/{}/lib", self.gnu()))
    }

    /// The triple as cargo spells it in environment variables.
    fn env_triple(self) -> String {
        self.triple().to_uppercase().replace('-', "_")
    }
}

/// What to build for which target.
pub struct Build<'a> {
    pub arch: Arch,
    pub release: bool,
    /// Link with glibc's static libraries (`+crt-static`), for an initramfs or a machine
    /// without the same glibc.
    pub static_link: bool,
    /// `--target-dir`; the workspace's `target/` when `None`.
    pub target_dir: Option<&'a Path>,
    /// (package, binary) pairs.
    pub bins: &'a [(&'a str, &'a str)],
}

impl Build<'_> {
    /// Installs what the target needs, builds, and returns the binaries' directory.
    pub fn run(&self) -> Result<PathBuf> {
        prerequisites(self.arch, self.static_link)?;
        let native = self.arch == Arch::host();
        let mut cmd = cargo();
        cmd.arg("build");
        if self.release {
            cmd.arg("--release");
        }
        // A native dynamic build stays in target/{debug,release}, where `run` and the
        // tests look; anything else names its target (so build scripts and the eBPF
        // object's own build are not linked statically or for the other machine).
        let explicit = !native || self.static_link;
        if explicit {
            cmd.args(["--target", self.arch.triple()]);
        }
        let env = self.arch.env_triple();
        if !native {
            cmd.env(
                format!("CARGO_TARGET_{env}_LINKER"),
                format!("{}-gcc", self.arch.gnu()),
            );
        }
        if self.static_link {
            // The target's flags, which RUSTFLAGS would override.
            cmd.env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .env(
                    format!("CARGO_TARGET_{env}_RUSTFLAGS"),
                    "-C target-feature=+crt-static",
                );
        }
        let target_dir = match self.target_dir {
            Some(dir) => {
                cmd.arg("--target-dir").arg(dir);
                dir.to_owned()
            }
            None => std::env::var_os("CARGO_TARGET_DIR")
                .map_or_else(|| workspace_root().join("target"), PathBuf::from),
        };
        for (package, bin) in self.bins {
            cmd.args(["--package", package, "--bin", bin]);
        }
        run(&mut cmd)?;
        let mut dir = target_dir;
        if explicit {
            dir.push(self.arch.triple());
        }
        dir.push(if self.release { "release" } else { "debug" });
        Ok(dir)
    }
}

/// For a foreign target: rustup's standard library for it, Debian's cross gcc (the
/// linker) and the target's glibc (`libc6-dev-arm64-cross`, which also holds the static
/// `libc.a`). Each installed only when missing, saying so.
pub fn prerequisites(arch: Arch, static_link: bool) -> Result<()> {
    if arch == Arch::host() {
        if static_link {
            // glibc's static libraries are in libc6-dev, there whenever gcc links at all.
            let libc_a = Path::new("/usr/lib").join(arch.gnu()).join("libc.a");
            if !libc_a.exists() {
                setup::step("installing libc6-dev (static glibc for the VM's binaries)");
                setup::apt_install(&["libc6-dev"])?;
            }
        }
        return Ok(());
    }
    // In the workspace, as the build: the toolchain that builds is the one asked.
    let installed = setup::output(Command::new("rustup").current_dir(workspace_root()).args([
        "target",
        "list",
        "--installed",
    ]));
    if !installed.lines().any(|l| l.trim() == arch.triple()) {
        setup::step(&format!(
            "adding the {} target to the default toolchain (cross build)",
            arch.triple()
        ));
        run(Command::new("rustup").args(["target", "add", arch.triple()]))?;
    }
    let gnu = arch.gnu();
    let cross_dev = format!("libc6-dev-{}-cross", arch.debian());
    // Debian package names have no `_`: `gcc-x86-64-linux-gnu` on an arm64 host.
    let gcc = format!("gcc-{}", gnu.replace('_', "-"));
    let wanted: Vec<&str> = [
        (format!("/usr/bin/{gnu}-gcc"), gcc.as_str()),
        (format!("/usr/{gnu}/lib/libc.a"), cross_dev.as_str()),
    ]
    .iter()
    .filter(|(path, _)| !Path::new(path).exists())
    .map(|(_, package)| *package)
    .collect();
    if !wanted.is_empty() {
        setup::step(&format!(
            "installing {} (linker and glibc for {})",
            wanted.join(", "),
            arch.triple()
        ));
        setup::apt_install(&wanted)?;
    }
    Ok(())
}
