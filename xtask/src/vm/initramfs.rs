//! A `newc` cpio archive, the format the kernel unpacks as an initramfs. Written here so
//! the harness needs no cpio tool; uncompressed, which every kernel accepts.

use std::{fs, io::Write as _, path::Path};

use anyhow::{Context as _, Result};

const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFCHR: u32 = 0o020_000;

pub enum Entry<'a> {
    Dir(&'a str),
    /// A file copied from the host, executable.
    File(&'a str, &'a Path),
    Symlink(&'a str, &'a str),
    /// A character device node: (path, major, minor).
    CharDev(&'a str, u32, u32),
}

pub fn write(out: &Path, entries: &[Entry<'_>]) -> Result<()> {
    let mut archive = Vec::new();
    for (ino, entry) in (1u32..).zip(entries) {
        let (name, mode, data, rdev) = match entry {
            Entry::Dir(name) => (*name, S_IFDIR | 0o755, Vec::new(), (0, 0)),
            Entry::File(name, src) => (
                *name,
                S_IFREG | 0o755,
                fs::read(src).with_context(|| format!("reading {}", src.display()))?,
                (0, 0),
            ),
            Entry::Symlink(name, target) => {
                (*name, S_IFLNK | 0o777, target.as_bytes().to_vec(), (0, 0))
            }
            Entry::CharDev(name, major, minor) => {
                (*name, S_IFCHR | 0o600, Vec::new(), (*major, *minor))
            }
        };
        push(&mut archive, ino, name, mode, rdev, &data);
    }
    push(&mut archive, 0, "TRAILER!!!", 0, (0, 0), &[]);
    fs::File::create(out)
        .and_then(|mut f| f.write_all(&archive))
        .with_context(|| format!("writing {}", out.display()))
}

fn push(archive: &mut Vec<u8>, ino: u32, name: &str, mode: u32, rdev: (u32, u32), data: &[u8]) {
    let nlink = if mode & S_IFDIR != 0 { 2 } else { 1 };
    let fields = [
        ino,
        mode,
        0, // uid
        0, // gid
        nlink,
        0, // mtime
        data.len() as u32,
        0, // dev major
        0, // dev minor
        rdev.0,
        rdev.1,
        name.len() as u32 + 1,
        0, // check
    ];
    archive.extend_from_slice(b"070701");
    for field in fields {
        archive.extend_from_slice(format!("{field:08x}").as_bytes());
    }
    archive.extend_from_slice(name.as_bytes());
    archive.push(0);
    pad4(archive);
    archive.extend_from_slice(data);
    pad4(archive);
}

fn pad4(archive: &mut Vec<u8>) {
    while !archive.len().is_multiple_of(4) {
        archive.push(0);
    }
}
