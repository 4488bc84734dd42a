//! What the eBPF programs copy behind pointers in a call's structs (their `DEREFS` map):
//! per syscall, by the value of the argument that picks the struct (an ioctl's request),
//! static descriptions of the memory the decoders ask the ptrace backend for
//! ([`super::derefs`]). The decoders find the copies by address whichever backend made
//! them; a value no table names shows its pointers as addresses on the eBPF backend.

mod aio;
mod argv;
mod bpf;
mod btrfs;
mod io_uring;
mod ioctl;
mod keyctl;
mod ptrace;

use tracer_common::{DEREF_EACH, DEREF_SELF, DerefPlan, DerefSpec, MAX_DEREFS, when};

const ENTER: u8 = when::ENTER;
const EXIT: u8 = when::EXIT;
const EXIT_OK: u8 = when::EXIT_OK;

/// A table's entries: the selecting argument's value and its copies, at most
/// [`tracer_common::MAX_DEREFS`] a part, [`tracer_common::MAX_DEREF_PARTS`] parts; a copy
/// for each element ([`each`]) follows the copy of the elements in its part.
type Entries = &'static [(u64, &'static [DerefSpec])];

/// The syscalls whose structs the programs follow: the name, the argument whose value
/// picks the copies ([`EVERY`]: none), the table.
const TABLES: &[(&str, usize, Entries)] = &[
    ("ioctl", 1, ioctl::TABLE),
    ("ioctl", 1, btrfs::TABLE),
    ("ptrace", 0, ptrace::TABLE),
    ("keyctl", 0, keyctl::TABLE),
    ("bpf", 0, bpf::TABLE),
    ("io_uring_register", 1, io_uring::TABLE),
    ("execve", EVERY, argv::EXECVE_TABLE),
    ("execveat", EVERY, argv::EXECVEAT_TABLE),
    ("io_submit", EVERY, aio::TABLE),
];

/// A table's selecting argument for a syscall whose copies no argument picks: every
/// call takes those under value 0.
const EVERY: usize = 6;

/// The argument of syscall `name` whose value picks its copies behind pointers
/// (`tracer_common::PLAN_DEREF_SHIFT`), if the programs take any for it.
pub fn selector(name: &str) -> Option<usize> {
    TABLES.iter().find(|t| t.0 == name).map(|t| t.1)
}

/// The programs' `DEREFS` entries: the syscall, its selecting argument's value (and in
/// the high 32 bits the part of a plan longer than [`MAX_DEREFS`]), the plan.
pub fn plans() -> impl Iterator<Item = (&'static str, u64, DerefPlan)> {
    TABLES.iter().flat_map(|&(name, _, table)| {
        table.iter().flat_map(move |&(value, specs)| {
            let parts = specs.len().div_ceil(MAX_DEREFS);
            specs
                .chunks(MAX_DEREFS)
                .enumerate()
                .map(move |(part, chunk)| {
                    let mut plan = DerefPlan {
                        more: (part + 1 < parts) as u32,
                        ..DerefPlan::default()
                    };
                    plan.specs[..chunk.len()].copy_from_slice(chunk);
                    (name, value | (part as u64) << 32, plan)
                })
        })
    })
}

/// `count.1` bytes at `count.0` of the struct argument `arg` points at count
/// `elem`-byte elements at the pointer at `ptr_at` of it, after `add` bytes; at most
/// `max` bytes.
const fn behind(
    when: u8,
    arg: u8,
    ptr_at: u16,
    count: (u16, u8),
    elem: u32,
    add: u32,
    max: u32,
) -> DerefSpec {
    DerefSpec {
        when,
        arg,
        count_bytes: count.1,
        guard: 0,
        ptr_at,
        count_at: count.0,
        elem,
        add,
        max,
    }
}

/// For each `elem`-byte element of the copy before: its pointer at `ptr_at`, for as
/// many bytes as its u32 at `size_at` says.
const fn each(when: u8, arg: u8, ptr_at: u16, size_at: u16, elem: u32, max: u32) -> DerefSpec {
    behind(when, arg, ptr_at, (size_at, DEREF_EACH), elem, 0, max)
}

/// `spec` only where the struct's first byte is `byte`.
const fn guarded(byte: u8, spec: DerefSpec) -> DerefSpec {
    DerefSpec {
        guard: byte,
        ..spec
    }
}

/// What argument `arg` points at, `bytes` long (longer than the plan's copy).
const fn whole(when: u8, arg: u8, bytes: u32) -> DerefSpec {
    behind(when, arg, DEREF_SELF, (0, 0), 0, bytes, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracer_common::{DEREF_EACH_PTR, MAX_DEREF_PARTS};

    #[test]
    fn every_value_fits_a_plan_once() {
        let mut seen = std::collections::HashSet::new();
        for &(name, selector, table) in TABLES {
            let sc = crate::syscalls::by_name(name).expect(name);
            assert!(
                selector < sc.args.len() || selector == EVERY,
                "{name}: selector {selector}"
            );
            if selector == EVERY {
                assert!(
                    table.iter().all(|e| e.0 == 0),
                    "{name}: every call is value 0"
                );
            }
            for (value, specs) in table {
                assert!(
                    specs.len() <= MAX_DEREFS * MAX_DEREF_PARTS,
                    "{name} {value:#x}"
                );
                // A copy for each element follows its array's copy in the same part, and
                // is not guarded (it follows whether that one was taken).
                for (part, chunk) in specs.chunks(MAX_DEREFS).enumerate() {
                    let each = |s: &DerefSpec| matches!(s.count_bytes, DEREF_EACH | DEREF_EACH_PTR);
                    assert!(!each(&chunk[0]), "{name} {value:#x} part {part}");
                    assert!(
                        chunk.iter().all(|s| !each(s) || s.guard == 0),
                        "{name} {value:#x}"
                    );
                }
                assert!(seen.insert((name, value)), "{name} {value:#x} twice");
                for spec in specs.iter() {
                    assert!((spec.arg as usize) < sc.args.len(), "{name} {value:#x}");
                }
            }
        }
    }

    #[test]
    fn counts_are_cut_to_a_capture() {
        // PIO_UNIMAP's 31 pairs: 124 bytes.
        let unimap = ioctl::TABLE.iter().find(|(r, _)| *r == 0x4b67).unwrap().1[0];
        assert_eq!(unimap.want(31), 124);
        // A count past what a capture holds is cut.
        assert_eq!(unimap.want(u64::MAX), 4096 - 8);
    }
}
