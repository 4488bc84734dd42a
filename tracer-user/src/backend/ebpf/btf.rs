//! Member offsets of kernel structs, from the kernel's BTF (`/sys/kernel/btf/vmlinux`).
//! The programs read one kernel struct directly, the task: the ids of the task a signal
//! is sent to, which are not in the tracepoint's arguments, and on x86_64 the flag of a
//! 32-bit call. Offsets differ between kernel builds, and aya 0.14 does not expose
//! struct members, so this reads the few bytes of BTF needed.

use std::fs;

use tracer_common::TaskFlag;

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";
const MAGIC: u16 = 0xeb9f;

const KIND_STRUCT: u32 = 4;

/// The running kernel's BTF.
pub struct KernelBtf(Vec<u8>);

impl KernelBtf {
    /// `None` without BTF.
    pub fn load() -> Option<Self> {
        fs::read(VMLINUX).ok().map(Self)
    }

    /// Byte offsets of `pid` and `tgid` in `struct task_struct`.
    pub fn task_ids(&self) -> Option<(u32, u32)> {
        let offsets = member_offsets(&self.0, "task_struct", &["pid", "tgid"])?;
        Some((offsets[0], offsets[1]))
    }

    /// Byte offset in `struct task_struct` of the word that holds `flag`.
    pub fn task_flag(&self, flag: &TaskFlag) -> Option<u32> {
        let outer = member_offsets(&self.0, "task_struct", &[flag.task_member])?[0];
        let inner = member_offsets(&self.0, flag.strukt, &[flag.member])?[0];
        Some(outer + inner)
    }
}

/// The byte offsets of `members` in the struct `name`; `None` if the data is not BTF,
/// the struct is missing or one of the members is (or is a bitfield).
fn member_offsets(btf: &[u8], name: &str, members: &[&str]) -> Option<Vec<u32>> {
    let u16_at = |off: usize| Some(u16::from_le_bytes(btf.get(off..off + 2)?.try_into().ok()?));
    let u32_at = |off: usize| Some(u32::from_le_bytes(btf.get(off..off + 4)?.try_into().ok()?));
    if u16_at(0)? != MAGIC {
        return None;
    }
    let hdr_len = u32_at(4)? as usize;
    let (type_off, type_len) = (u32_at(8)? as usize, u32_at(12)? as usize);
    let str_off = u32_at(16)? as usize;
    let strings = btf.get(hdr_len + str_off..)?;
    let name_at = |off: u32| {
        let s = strings.get(off as usize..)?;
        let end = s.iter().position(|&b| b == 0)?;
        std::str::from_utf8(&s[..end]).ok()
    };
    let mut at = hdr_len + type_off;
    let end = at + type_len;
    while at + 12 <= end {
        let (name_off, info) = (u32_at(at)?, u32_at(at + 4)?);
        let (vlen, kind, kind_flag) = (
            (info & 0xffff) as usize,
            (info >> 24) & 0x1f,
            info >> 31 != 0,
        );
        let body = at + 12;
        if kind == KIND_STRUCT && name_at(name_off) == Some(name) {
            let found: Option<Vec<u32>> = members
                .iter()
                .map(|member| {
                    (0..vlen).find_map(|i| {
                        let m = body + 12 * i;
                        if name_at(u32_at(m)?)? != *member {
                            return None;
                        }
                        let bits = u32_at(m + 8)?;
                        // With kind_flag the top 8 bits are a bitfield size.
                        let (size, offset) = if kind_flag {
                            (bits >> 24, bits & 0xff_ffff)
                        } else {
                            (0, bits)
                        };
                        (size == 0 && offset % 8 == 0).then_some(offset / 8)
                    })
                })
                .collect();
            // Kernels may carry several structs of a name (modules); the first whole
            // match wins.
            if found.is_some() {
                return found;
            }
        }
        at = body + trailing_bytes(kind, vlen)?;
    }
    None
}

/// Bytes that follow a type's 12-byte header, by kind (linux/btf.h).
fn trailing_bytes(kind: u32, vlen: usize) -> Option<usize> {
    Some(match kind {
        // INT, VAR, DECL_TAG
        1 | 14 | 17 => 4,
        // ARRAY
        3 => 12,
        // STRUCT, UNION, DATASEC, ENUM64
        4 | 5 | 15 | 19 => 12 * vlen,
        // ENUM, FUNC_PROTO
        6 | 13 => 8 * vlen,
        // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG
        2 | 7..=12 | 16 | 18 => 0,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_kernels_task_ids_are_found() {
        let Some(btf) = KernelBtf::load() else {
            println!("skipped: no {VMLINUX}");
            return;
        };
        let (pid, tgid) = btf.task_ids().expect("task_struct's pid and tgid");
        // pid_t pid; pid_t tgid; sit side by side, well into the struct.
        assert_eq!(tgid, pid + 4);
        assert!(pid > 64, "{pid}");
        // x86_64: `thread_info` opens `task_struct`; `status` follows `flags` and (5.11+)
        // `syscall_work`.
        if let Some(flag) = tracer_common::COMPAT_TASK_FLAG {
            let at = btf.task_flag(&flag).expect("the compat flag's word");
            assert!(matches!(at, 8 | 16), "{at}");
        }
    }

    #[test]
    fn anything_else_is_none() {
        assert_eq!(member_offsets(b"not btf", "task_struct", &["pid"]), None);
        assert_eq!(member_offsets(&[], "task_struct", &["pid"]), None);
        if let Ok(btf) = fs::read(VMLINUX) {
            assert_eq!(
                member_offsets(&btf, "task_struct", &["no_such_member"]),
                None
            );
            assert_eq!(member_offsets(&btf, "no_such_struct", &["pid"]), None);
        }
    }
}
