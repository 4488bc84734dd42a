//! Compiles the eBPF programs (crate `tracer-ebpf`) for the bpf target on every build that
//! needs them, so the binary always embeds an object built from the current source.
use std::{env, fs, path::PathBuf};

fn main() -> anyhow::Result<()> {
    let ebpf_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("../tracer-ebpf");
    let ebpf_dir = ebpf_dir.canonicalize()?;
    println!("cargo:rerun-if-env-changed=TRACER_EBPF_STUB");
    // aya-build watches tracer-ebpf only; the object also embeds tracer-common's types
    // and constants.
    let common = ebpf_dir.join("../tracer-common").canonicalize()?;
    println!("cargo:rerun-if-changed={}", common.display());
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
