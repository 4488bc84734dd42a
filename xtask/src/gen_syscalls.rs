//! `cargo xtask gen-syscalls --arch aarch64`: another architecture's syscall table, in the
//! format of `tracer-user/src/syscalls/x86_64.rs` (dense, index == number, holes as
//! `gap!`), generated from two inputs:
//!
//! - the architecture's numbers: its `asm/unistd_64.h`, a flat `#define __NR_name N`
//!   list the kernel generates from `scripts/syscall.tbl` with the architecture's ABIs
//!   (arm64: `common`, `64`, `renameat`, `rlimit`, `memfd_secret`, in
//!   arch/arm64/kernel/Makefile.syscalls; before 6.11 the same numbers came from
//!   include/uapi/asm-generic/unistd.h, which is cross-checked here). By default taken
//!   from Debian sid's `linux-libc-dev` (architecture `all`, every architecture's uapi
//!   headers), fetched through the vm-test's private apt lists; `--header FILE` instead.
//!   Numbers are ABI: a newer header gives the same table up to the cap below.
//! - per name, the x86_64 entry's classes, return kind, arguments and effect, with the
//!   arguments reordered where the architecture's prototype differs (arm64's `clone`);
//!   names x86_64 lacks need a hand-written entry here.
//!
//! The table stops at the x86_64 table's highest number, so both cover the same kernel;
//! newer numbers in the header are listed and left out.

use std::{
    collections::BTreeMap,
    fs,
    path::{Path, PathBuf},
    process::Command,
};

use anyhow::{Context as _, Result, bail};

use crate::{cross::Arch, vm, workspace_root};

const X86_64_TABLE: &str = "tracer-user/src/syscalls/x86_64.rs";

/// Where a syscall's arguments come in another order on this architecture: the x86_64
/// entry's arguments, permuted (each keeps its name and kind, so the decoders, which
/// find `clone`'s arguments by kind, print them in strace's order either way).
const AARCH64_REORDERED: &[(&str, &[usize])] = &[
    // CONFIG_CLONE_BACKWARDS (set in Debian's arm64 config; kernel/fork.c): tls comes
    // before child_tidptr. strace's clone.c: ARG_TLS 3, ARG_CTID 4 on every
    // architecture but x86_64, s390 and a few others.
    ("clone", &[0, 1, 2, 4, 3]),
];

/// Entries for syscalls the x86_64 table lacks (none up to Linux 6.18: every arm64
/// syscall has an x86_64 namesake).
const AARCH64_HAND: &[(&str, &str)] = &[];

/// The kernel's names (`syscalls:sys_enter_NAME`) that differ from strace's on arm64,
/// read from the `sys_enter_*` event names in Debian's arm64 kernels (6.1, 6.12, 7.2):
/// the native table reaches `sys_arm64_personality`, `sys_fadvise64_64`, `sys_newfstat`,
/// `sys_newuname`, `sys_sendfile64` and `sys_umount`.
const AARCH64_ALIASES: &[(&str, &str)] = &[
    ("arm64_personality", "personality"),
    ("fadvise64_64", "fadvise64"),
    ("newfstat", "fstat"),
    ("newuname", "uname"),
    ("sendfile64", "sendfile"),
    ("umount", "umount2"),
];

pub struct Options {
    pub arch: Arch,
    pub header: Option<PathBuf>,
    pub check: bool,
}

/// One entry of the x86_64 table: its number and the text after the name.
struct Entry {
    nr: u32,
    rest: String,
}

pub fn gen_syscalls(opts: Options) -> Result<()> {
    if opts.arch != Arch::Aarch64 {
        bail!("only aarch64 is generated; x86_64.rs is the source table");
    }
    let root = workspace_root();
    let x86_text = fs::read_to_string(root.join(X86_64_TABLE))
        .with_context(|| format!("reading {X86_64_TABLE}"))?;
    let (x86, preamble) = parse_table(&x86_text)?;
    let (header, generic) = match opts.header {
        Some(path) => (path, None),
        None => {
            let (arm, generic) = fetch_headers()?;
            (arm, Some(generic))
        }
    };
    let numbers = parse_unistd(&fs::read_to_string(&header)?);
    if numbers.is_empty() {
        bail!(
            "{}: no `#define __NR_name N` lines (want arm64's generated asm/unistd_64.h)",
            header.display()
        );
    }
    if let Some(generic) = generic {
        cross_check(&numbers, &fs::read_to_string(generic)?);
    }
    for (alias, real) in AARCH64_ALIASES {
        if !numbers.values().any(|n| n == real) {
            bail!("alias {alias} -> {real}: no {real} on aarch64");
        }
    }
    let cap = x86.values().map(|e| e.nr).max().unwrap_or(0);
    let text = render(&numbers, &x86, &preamble, cap)?;
    let out = root.join("tracer-user/src/syscalls/aarch64.rs");
    if opts.check {
        let current = fs::read_to_string(&out).unwrap_or_default();
        if current != text {
            bail!(
                "{} is not what `cargo xtask gen-syscalls --arch aarch64` generates",
                out.display()
            );
        }
        eprintln!("xtask gen-syscalls: {} is up to date", out.display());
        return Ok(());
    }
    fs::write(&out, text)?;
    eprintln!("xtask gen-syscalls: wrote {}", out.display());
    Ok(())
}

/// The entries by name, and the text from the `use` lines to `ALIASES`, which the
/// generated file repeats.
fn parse_table(text: &str) -> Result<(BTreeMap<String, Entry>, String)> {
    let mut entries = BTreeMap::new();
    for line in text.lines() {
        let Some(body) = line.trim().strip_prefix("sc!(") else {
            continue;
        };
        let body = body
            .strip_suffix("),")
            .with_context(|| format!("unexpected table line: {line}"))?;
        let (nr, rest) = body.split_once(", \"").context("no name")?;
        let (name, rest) = rest.split_once("\", ").context("no name's end")?;
        let nr: u32 = nr.parse().with_context(|| format!("number in {line}"))?;
        entries.insert(
            name.to_owned(),
            Entry {
                nr,
                rest: rest.to_owned(),
            },
        );
    }
    let start = text
        .find("use super::")
        .context("no `use super::` in the table")?;
    let end = text
        .find("/// Kernel (tracefs) names")
        .context("no ALIASES comment in the table")?;
    Ok((entries, text[start..end].to_owned()))
}

/// `#define __NR_name N` lines.
fn parse_unistd(text: &str) -> BTreeMap<u32, String> {
    text.lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            (words.next()? == "#define").then_some(())?;
            let name = words.next()?.strip_prefix("__NR_")?;
            let nr = words.next()?.parse().ok()?;
            Some((nr, name.to_owned()))
        })
        .collect()
}

/// Says how far include/uapi/asm-generic/unistd.h agrees (by number) with the
/// architecture's generated header: its `__NR_name N` and `__NR3264_name N` lines.
fn cross_check(numbers: &BTreeMap<u32, String>, generic: &str) {
    let mut by_name: BTreeMap<String, u32> = BTreeMap::new();
    for line in generic.lines() {
        let mut words = line.split_whitespace();
        if words.next() != Some("#define") {
            continue;
        }
        let (Some(macro_name), Some(value)) = (words.next(), words.next()) else {
            continue;
        };
        let name = macro_name
            .strip_prefix("__NR3264_")
            .or_else(|| macro_name.strip_prefix("__NR_"));
        if let (Some(name), Ok(nr)) = (name, value.parse::<u32>()) {
            by_name.insert(name.to_owned(), nr);
        }
    }
    let (mut same, mut other) = (0, Vec::new());
    for (nr, name) in numbers {
        if by_name.get(name) == Some(nr) {
            same += 1;
        } else {
            other.push(format!("{name} {nr}"));
        }
    }
    eprintln!(
        "xtask gen-syscalls: asm-generic/unistd.h has {same} of {} numbers under the same \
         name; not there by that name: {}",
        numbers.len(),
        other.join(", ")
    );
}

fn render(
    numbers: &BTreeMap<u32, String>,
    x86: &BTreeMap<String, Entry>,
    preamble: &str,
    cap: u32,
) -> Result<String> {
    let newer: Vec<String> = numbers
        .iter()
        .filter(|(nr, _)| **nr > cap)
        .map(|(nr, name)| format!("{name} ({nr})"))
        .collect();
    if !newer.is_empty() {
        eprintln!(
            "xtask gen-syscalls: left out, newer than the x86_64 table (up to {cap}): {}",
            newer.join(", ")
        );
    }
    let mut lines = Vec::new();
    let mut missing = Vec::new();
    for nr in 0..=cap {
        let Some(name) = numbers.get(&nr) else {
            lines.push(format!("    gap!({nr}),"));
            continue;
        };
        let lookup = |table: &[(&str, &str)]| {
            table
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, rest)| (*rest).to_owned())
        };
        let rest = match lookup(AARCH64_HAND) {
            Some(rest) => Some(rest),
            None => x86.get(name).map(|e| reorder(name, &e.rest)).transpose()?,
        };
        match rest {
            Some(rest) => lines.push(format!("    sc!({nr}, \"{name}\", {rest}),")),
            None => missing.push(format!("{name} ({nr})")),
        }
    }
    if !missing.is_empty() {
        bail!(
            "no x86_64 entry and no hand-written one (AARCH64_HAND in {}) for: {}",
            file!(),
            missing.join(", ")
        );
    }
    let aliases: String = AARCH64_ALIASES
        .iter()
        .map(|(alias, real)| format!("    (\"{alias}\", \"{real}\"),\n"))
        .collect();
    let len = cap + 1;
    Ok(format!(
        "//! The aarch64 (arm64) syscall table, generated by `cargo xtask gen-syscalls --arch \
         aarch64`\n\
         //! (xtask/src/gen_syscalls.rs; edit that, not this): the numbers from the kernel's \
         arm64\n\
         //! `asm/unistd_64.h` (the generic table), and for each name the classes, return \
         kind,\n\
         //! arguments and effect of the x86_64 table's entry of that name, `clone`'s \
         arguments in\n\
         //! arm64's order (`tls` before `child_tidptr`). Covers what x86_64.rs covers \
         (Linux 6.18).\n\
         //!\n\
         //! Line format: `sc!(nr, name, [classes], return kind, [arg: kind, ...] [, \
         effect])`.\n\
         \n\
         {preamble}\
         /// Kernel (tracefs) names that differ from strace's, and strace's name for them.\n\
         pub(super) const ALIASES: &[(&str, &str)] = &[\n\
         {aliases}\
         ];\n\
         \n\
         pub static SYSCALLS: [Syscall; {len}] = [\n\
         {}\n\
         ];\n",
        lines.join("\n")
    ))
}

/// An entry's text (`[classes], ret, [args] [, effect]`) with its arguments in this
/// architecture's order.
fn reorder(name: &str, rest: &str) -> Result<String> {
    let Some((_, order)) = AARCH64_REORDERED.iter().find(|(n, _)| *n == name) else {
        return Ok(rest.to_owned());
    };
    // `[classes], ret, [args]...`: the argument list is the second bracket.
    let classes = matching_bracket(rest).context("no classes")?;
    let open = classes + rest[classes..].find('[').context("no argument list")?;
    let close = open + matching_bracket(&rest[open..]).context("unclosed argument list")?;
    let args = split_top_level(&rest[open + 1..close]);
    if order.len() != args.len() {
        bail!(
            "{name}: {} arguments, reordering {}",
            args.len(),
            order.len()
        );
    }
    let permuted: Vec<&str> = order.iter().map(|&i| args[i]).collect();
    Ok(format!(
        "{}[{}]{}",
        &rest[..open],
        permuted.join(", "),
        &rest[close + 1..]
    ))
}

/// Index of the bracket closing the one `text` starts with.
fn matching_bracket(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `a, B(c, d), e { f: 1 }` split at the commas outside brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !text[start..].trim().is_empty() {
        parts.push(text[start..].trim());
    }
    parts
}

/// arm64's `asm/unistd_64.h` and `asm-generic/unistd.h` from Debian sid's
/// `linux-libc-dev`, cached under the vm-test cache (`gen/`).
fn fetch_headers() -> Result<(PathBuf, PathBuf)> {
    let dir = vm::cache_dir().join("gen");
    let unpacked = dir.join("linux-libc-dev");
    let arm = unpacked.join("usr/lib/linux/uapi/arm64/asm/unistd_64.h");
    let generic = unpacked.join("usr/include/asm-generic/unistd.h");
    if arm.is_file() && generic.is_file() {
        return Ok((arm, generic));
    }
    let apt = vm::fetch::Apt::new(&dir, Arch::host(), &["sid"]);
    let debs = dir.join("debs");
    let (deb, version) = vm::fetch::package(&apt, "sid", "linux-libc-dev", &debs)?;
    eprintln!("xtask gen-syscalls: headers from linux-libc-dev {version} (sid)");
    let _ = fs::remove_dir_all(&unpacked);
    fs::create_dir_all(&unpacked)?;
    vm::exec(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&unpacked))?;
    fs::remove_dir_all(&debs)?;
    for path in [&arm, &generic] {
        if !path.is_file() {
            bail!(
                "linux-libc-dev {version} has no {} (older packages keep arm64's headers in \
                 the arm64 package; pass --header)",
                relative(path, &unpacked).display()
            );
        }
    }
    Ok((arm, generic))
}

fn relative<'a>(path: &'a Path, base: &Path) -> &'a Path {
    path.strip_prefix(base).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_gaps() {
        let x86 = "use super::X;\nmacros\n/// Kernel (tracefs) names\n\
                   sc!(0, \"read\", [DESC], Int, [\"fd\": Fd]),\n\
                   sc!(1, \"clone\", [PROCESS], Int, [\"a\": Int, \"b\": Int, \"c\": Int, \"d\": Int, \"e\": Int]),\n";
        let (entries, preamble) = parse_table(x86).unwrap();
        assert_eq!(preamble, "use super::X;\nmacros\n");
        assert_eq!(entries["read"].rest, r#"[DESC], Int, ["fd": Fd]"#);
        // Past the cap (the x86 table's highest number, 2 here): left out.
        let numbers =
            parse_unistd("#define __NR_clone 0\n#define __NR_read 2\n#define __NR_listns 3\n");
        let text = render(&numbers, &entries, &preamble, 2).unwrap();
        assert!(text.contains(
            r#"    sc!(0, "clone", [PROCESS], Int, ["a": Int, "b": Int, "c": Int, "e": Int, "d": Int]),"#
        ));
        assert!(text.contains("    gap!(1),\n    sc!(2, \"read\", [DESC], Int, [\"fd\": Fd]),"));
        assert!(text.contains("pub static SYSCALLS: [Syscall; 3] = ["));
        // A name neither table knows is an error naming it.
        let numbers = parse_unistd("#define __NR_frob 0\n");
        let err = render(&numbers, &entries, &preamble, 1).unwrap_err();
        assert!(err.to_string().contains("frob (0)"), "{err}");
    }

    #[test]
    fn clone_takes_arm64s_order() {
        let x86 = r#"[PROCESS], Int, ["clone_flags": CloneFlags, "newsp": CloneStack, "parent_tidptr": Struct(StructKind::IntPtr, When::ExitOk), "child_tidptr": CloneChildTid, "tls": CloneTls], Fork"#;
        assert_eq!(
            reorder("clone", x86).unwrap(),
            r#"[PROCESS], Int, ["clone_flags": CloneFlags, "newsp": CloneStack, "parent_tidptr": Struct(StructKind::IntPtr, When::ExitOk), "tls": CloneTls, "child_tidptr": CloneChildTid], Fork"#
        );
        assert_eq!(
            reorder("read", "[DESC], Int, []").unwrap(),
            "[DESC], Int, []"
        );
        assert!(reorder("clone", "[PROCESS], Int, [\"a\": Int]").is_err());
    }
}
