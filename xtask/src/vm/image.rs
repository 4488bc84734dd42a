//! arm64 kernels as QEMU's `-kernel` boots them: the raw `Image` (arm64's boot protocol,
//! Documentation/arch/arm64/booting.rst: magic `ARM\x64` at offset 56). Debian's
//! `vmlinuz` for arm64 is that raw image (its EFI stub header makes it start with `MZ`);
//! a gzip'd `Image.gz` or an EFI zboot image (`CONFIG_EFI_ZBOOT`: `MZ`, then `zimg`, the
//! payload's offset and size, the compression's name at 24; see the kernel's
//! drivers/firmware/efi/libstub/zboot-header.S) is unpacked here, so the harness does not
//! depend on which of these the machine's QEMU unpacks itself.

use std::{
    fs,
    io::Write as _,
    path::Path,
    process::{Command, Stdio},
};

use anyhow::{Context as _, Result, bail};

const IMAGE_MAGIC_AT: usize = 56;
const IMAGE_MAGIC: &[u8; 4] = b"ARM\x64";

fn is_raw(bytes: &[u8]) -> bool {
    bytes.get(IMAGE_MAGIC_AT..IMAGE_MAGIC_AT + 4) == Some(IMAGE_MAGIC)
}

/// Writes the raw image of `src` (raw, gzip or EFI zboot) to `dst`.
pub fn arm64_image(src: &Path, dst: &Path) -> Result<()> {
    let bytes = fs::read(src).with_context(|| format!("reading {}", src.display()))?;
    let raw = if is_raw(&bytes) {
        bytes
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        eprintln!("xtask vm: {} is gzip'd: unpacking", src.display());
        decompress("gzip", &bytes)?
    } else if bytes.starts_with(b"MZ") && bytes.get(4..8) == Some(b"zimg") {
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let (offset, size) = (word(8) as usize, word(12) as usize);
        let name: String = bytes[24..56]
            .iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as char)
            .collect();
        let payload = bytes
            .get(offset..offset + size)
            .with_context(|| format!("{}: zboot payload past the file's end", src.display()))?;
        eprintln!(
            "xtask vm: {} is an EFI zboot image ({name}): unpacking",
            src.display()
        );
        decompress(&name, payload)?
    } else {
        bail!(
            "{}: neither a raw arm64 Image, nor gzip'd, nor an EFI zboot image",
            src.display()
        );
    };
    if !is_raw(&raw) {
        bail!(
            "{}: the unpacked kernel is not an arm64 Image",
            src.display()
        );
    }
    fs::write(dst, raw).with_context(|| format!("writing {}", dst.display()))
}

/// Decompresses with the system's tool for the kernel's compression name.
fn decompress(kind: &str, data: &[u8]) -> Result<Vec<u8>> {
    let (tool, args): (&str, &[&str]) = match kind {
        "gzip" => ("gzip", &["-dc"]),
        // `xzkern` is xz with the kernel's branch filters, which xz undoes itself.
        "xzkern" | "xz" => ("xz", &["-dc"]),
        "lzma" => ("xz", &["--format=lzma", "-dc"]),
        // The kernel appends the size (4 bytes) after the zstd frame.
        "zstd22" | "zstd" => ("zstd", &["-dcq"]),
        other => bail!("kernel compressed with {other}: not unpacked by the harness"),
    };
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {tool} (install it to unpack this kernel)"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = data.to_vec();
    // Fed from a thread: the tool's output fills its pipe while it still reads.
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    let _ = feeder.join();
    // gzip and zstd complain about the bytes after the stream (the size the kernel
    // appends) but have written everything before them.
    if out.stdout.is_empty() {
        bail!(
            "{tool} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake_image() -> Vec<u8> {
        let mut image = vec![0u8; 4096];
        image[..2].copy_from_slice(b"MZ");
        image[IMAGE_MAGIC_AT..IMAGE_MAGIC_AT + 4].copy_from_slice(IMAGE_MAGIC);
        image
    }

    #[test]
    fn raw_kept_gzip_and_zboot_unpacked() {
        let dir = std::env::temp_dir().join(format!("xtask-image-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let image = fake_image();
        let gz = {
            let mut child = Command::new("gzip")
                .arg("-c")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("gzip");
            child.stdin.take().unwrap().write_all(&image).unwrap();
            child.wait_with_output().unwrap().stdout
        };
        let mut zboot = vec![0u8; 64];
        zboot[..2].copy_from_slice(b"MZ");
        zboot[4..8].copy_from_slice(b"zimg");
        zboot[8..12].copy_from_slice(&64u32.to_le_bytes());
        zboot[12..16].copy_from_slice(&(gz.len() as u32).to_le_bytes());
        zboot[24..28].copy_from_slice(b"gzip");
        zboot.extend_from_slice(&gz);
        zboot.extend_from_slice(&[0; 16]); // the rest of the EFI program
        for (name, input) in [("raw", &image), ("gz", &gz), ("zboot", &zboot)] {
            let (src, dst) = (dir.join(name), dir.join(format!("{name}.Image")));
            fs::write(&src, input).unwrap();
            arm64_image(&src, &dst).unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert_eq!(fs::read(&dst).unwrap(), image, "{name}");
        }
        fs::write(dir.join("junk"), [0u8; 100]).unwrap();
        assert!(arm64_image(&dir.join("junk"), &dir.join("junk.Image")).is_err());
        fs::remove_dir_all(&dir).unwrap();
    }
}
