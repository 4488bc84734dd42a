//! strace in the guest, for the architectures whose lines no host compares with strace
//! (arm64: `tests/strace_compare.rs` runs on the x86_64 host). Debian's package and the
//! libraries it loads (libc6, libunwind8 and its liblzma5) of one suite, fetched through
//! the harness's private apt lists, unpacked under `cache/strace-ARCH/`, never installed;
//! the binary, its ELF interpreter and the shared libraries go into the initramfs, where
//! `vm_check` runs strace on the workload and compares its lines with the tracer's.
//! With libgcc-s1 too, the libraries are all a dynamically linked tracer needs (the
//! dist package's, `check_binary`).

use std::{
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, Result, bail};

use super::{exec, fetch};
use crate::cross::Arch;

/// The architectures that get it.
pub const ARCHES: &[Arch] = &[Arch::Aarch64];
/// The suite of the reference strace: Debian 12's 6.1, the host's.
pub const SUITE: &str = "bookworm";
/// strace and what it links, directly or not; libgcc-s1 for a dynamically linked tracer.
const PACKAGES: &[&str] = &["strace", "libc6", "libunwind8", "liblzma5", "libgcc-s1"];
/// Where the guest looks for it (`vm_check`'s `STRACE`).
const BINARY: &str = "usr/bin/strace";

pub struct GuestStrace {
    /// e.g. `strace 6.1-0.1 (bookworm)`.
    pub package: String,
    /// (path in the guest, without the leading `/`; file here).
    pub files: Vec<(String, PathBuf)>,
}

/// The unpacked packages, from the cache or fetched, and the files the guest needs.
pub fn fetch(apt: &fetch::Apt, cache: &Path, arch: Arch) -> Result<GuestStrace> {
    let dir = cache.join(format!("strace-{}", arch.debian()));
    let (root, stamp) = (dir.join("root"), dir.join("package"));
    let package = match fs::read_to_string(&stamp) {
        Ok(package) if root.join(BINARY).is_file() && fetched_all(&stamp_packages(&dir)) => {
            package.trim().to_owned()
        }
        _ => {
            let _ = fs::remove_dir_all(&dir);
            let debs = dir.join("debs");
            let mut package = String::new();
            for name in PACKAGES {
                let (deb, version) = fetch::package(apt, SUITE, name, &debs)?;
                exec(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root))?;
                if *name == "strace" {
                    package = format!("strace {version} ({SUITE})");
                }
            }
            fs::remove_dir_all(&debs)?;
            fs::write(&stamp, &package)?;
            fs::write(stamp_packages(&dir), PACKAGES.join("\n"))?;
            package
        }
    };
    let mut files = vec![(BINARY.to_owned(), resolve(&root, BINARY)?)];
    let interp = interpreter(&fs::read(root.join(BINARY))?)
        .with_context(|| format!("{BINARY}: no ELF interpreter"))?;
    let interp = interp.trim_start_matches('/').to_owned();
    files.push((interp.clone(), resolve(&root, &interp)?));
    // Every shared library of the packages: libc6's few unused ones cost less than
    // following DT_NEEDED.
    let triplet = format!(
        "{}-linux-gnu",
        arch.triple().split('-').next().unwrap_or("")
    );
    for lib_dir in [format!("lib/{triplet}"), format!("usr/lib/{triplet}")] {
        let Ok(entries) = fs::read_dir(root.join(&lib_dir)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str().filter(|n| n.contains(".so")) else {
                continue;
            };
            let guest = format!("{lib_dir}/{name}");
            if guest != interp {
                files.push((guest.clone(), resolve(&root, &guest)?));
            }
        }
    }
    files.sort();
    Ok(GuestStrace { package, files })
}

/// Where the unpacked packages' names are kept.
fn stamp_packages(dir: &Path) -> PathBuf {
    dir.join("packages")
}

/// Whether the cache holds every package of [`PACKAGES`].
fn fetched_all(list: &Path) -> bool {
    let Ok(list) = fs::read_to_string(list) else {
        return false;
    };
    PACKAGES.iter().all(|p| list.lines().any(|l| l == *p))
}

/// The file `rel` names under `root`, following symlinks (absolute ones from `root`).
fn resolve(root: &Path, rel: &str) -> Result<PathBuf> {
    let mut path = root.join(rel);
    for _ in 0..16 {
        let Ok(target) = fs::read_link(&path) else {
            if path.is_file() {
                return Ok(path);
            }
            bail!("{} is missing", path.display());
        };
        path = match target.strip_prefix("/") {
            Ok(absolute) => root.join(absolute),
            Err(_) => path.parent().unwrap_or(root).join(target),
        };
    }
    bail!("{rel}: too many symlinks")
}

/// An ELF64 file's `PT_INTERP`.
fn interpreter(elf: &[u8]) -> Option<String> {
    let u16_at = |off: usize| Some(u16::from_le_bytes(elf.get(off..off + 2)?.try_into().ok()?));
    let u32_at = |off: usize| Some(u32::from_le_bytes(elf.get(off..off + 4)?.try_into().ok()?));
    let u64_at = |off: usize| Some(u64::from_le_bytes(elf.get(off..off + 8)?.try_into().ok()?));
    if elf.get(..5)? != b"\x7fELF\x02" {
        return None;
    }
    let (phoff, phentsize, phnum) = (u64_at(32)? as usize, u16_at(54)?, u16_at(56)?);
    (0..phnum as usize).find_map(|i| {
        let ph = phoff + i * phentsize as usize;
        // PT_INTERP: a NUL-terminated path at p_offset.
        (u32_at(ph)? == 3).then_some(())?;
        let (off, len) = (u64_at(ph + 8)? as usize, u64_at(ph + 32)? as usize);
        let path = elf.get(off..off + len)?;
        let path = path.strip_suffix(b"\0").unwrap_or(path);
        String::from_utf8(path.to_vec()).ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interpreter_of_a_binary_here() {
        let elf = fs::read("/bin/sh").expect("/bin/sh");
        let interp = interpreter(&elf).expect("a dynamic /bin/sh");
        assert!(
            interp.starts_with('/') && interp.contains("ld-linux"),
            "{interp}"
        );
        assert_eq!(interpreter(b"not an ELF"), None);
    }

    #[test]
    fn symlinks_resolve_inside_the_root() {
        let root = std::env::temp_dir().join(format!("strace-resolve-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("lib/x")).unwrap();
        fs::write(root.join("lib/x/ld.so"), b"ld").unwrap();
        std::os::unix::fs::symlink("x/ld.so", root.join("lib/ld")).unwrap();
        std::os::unix::fs::symlink("/lib/x/ld.so", root.join("lib/abs")).unwrap();
        assert_eq!(resolve(&root, "lib/ld").unwrap(), root.join("lib/x/ld.so"));
        assert_eq!(resolve(&root, "lib/abs").unwrap(), root.join("lib/x/ld.so"));
        assert!(resolve(&root, "lib/none").is_err());
        fs::remove_dir_all(&root).unwrap();
    }
}
