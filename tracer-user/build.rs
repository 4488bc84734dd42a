//! Compiles the eBPF programs (crate `tracer-ebpf`) for the bpf target on every build that
//! needs them, so the binary always embeds an object built from the current source; and
//! records the commit the binary is built from, for `tracer -V`.
use std::{env, fs, path::PathBuf, process::Command};

fn main() -> anyhow::Result<()> {
    commit();
    let ebpf_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("../tracer-ebpf");
    let ebpf_dir = ebpf_dir.canonicalize()?;
    println!("cargo:rerun-if-env-changed=TRACER_EBPF_STUB");
    if env::var_os("TRACER_EBPF_STUB").is_some() {
        // `cargo clippy`/`check` of the host crates: an empty object keeps
        // `include_bytes_aligned!` compiling without the BPF toolchain.
        let out = PathBuf::from(env::var("OUT_DIR")?).join("tracer");
        fs::write(out, [])?;
        return Ok(());
    }
    aya_build::build_ebpf(
        [aya_build::Package {
            name: "tracer-ebpf",
            root_dir: ebpf_dir.to_str().expect("utf-8 path"),
            ..Default::default()
        }],
        aya_build::Toolchain::default(),
    )
}

/// `TRACER_COMMIT`: `git describe`'s short commit (`-dirty` with uncommitted changes),
/// or `unknown` outside a git checkout (a source tarball, `cargo install` of a copy).
fn commit() {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let commit = git(&[
        "describe",
        "--always",
        "--dirty",
        "--abbrev=12",
        "--exclude=*",
    ])
    .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=TRACER_COMMIT={commit}");
    // Rebuilt when HEAD moves (a commit, a checkout); not for every edit.
    for path in ["HEAD", "refs/heads", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["rev-parse", "--git-path", &head])
    {
        println!("cargo:rerun-if-changed={p}");
    }
}
