//! One 32-bit (compat) syscall for the tests to trace: a 64-bit kernel runs it through
//! its 32-bit entry with the 32-bit table's numbers, which the tracer must label, not
//! decode as the 64-bit call of the same number.
//!
//! - x86_64: this process makes `getpid` with `int $0x80` (the ia32 entry, as a 32-bit
//!   program would), then exits normally: strace shows the switch to 32-bit mode and
//!   back.
//! - arm64: a 64-bit process cannot make an AArch32 call, so this writes a minimal
//!   AArch32 program (an ELF of 7 instructions) and execs it: it makes the same
//!   `getpid`, then `exit_group(STATUS)`.

use std::path::Path;

/// The 32-bit call's number: `getpid` in both i386's and arm's EABI tables.
pub const GETPID: u32 = 20;
/// Its arguments (ignored by `getpid`): the trace shows them as the registers hold them.
pub const ARGS: [u32; 6] = [1, 2, 3, 4, 5, 6];
/// The status the program exits with.
pub const STATUS: i32 = 7;

/// Makes the call and exits with [`STATUS`]; `dir` is where arm64's program is written.
pub fn run(dir: &Path) -> ! {
    #[cfg(target_arch = "x86_64")]
    {
        let _ = dir;
        let pid: u32;
        // SAFETY: `int $0x80` with eax = 20 is ia32 getpid, which only returns a value;
        // rbx and rbp, which asm! operands cannot name, are saved and restored around
        // it; the other registers are declared.
        unsafe {
            std::arch::asm!(
                "push rbx",
                "push rbp",
                "mov ebx, {a0:e}",
                "mov ebp, {a5:e}",
                "int 0x80",
                "pop rbp",
                "pop rbx",
                a0 = in(reg) ARGS[0],
                a5 = in(reg) ARGS[5],
                inout("eax") GETPID => pid,
                in("ecx") ARGS[1],
                in("edx") ARGS[2],
                in("esi") ARGS[3],
                in("edi") ARGS[4],
            );
        }
        println!("compat32 pid {pid}");
        // SAFETY: exits without running destructors, like a program's last call.
        unsafe { libc::_exit(STATUS) }
    }
    #[cfg(target_arch = "aarch64")]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let path = dir.join("compat32");
        std::fs::write(&path, aarch32_program()).expect("writing the AArch32 program");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        let prog = std::ffi::CString::new(path.to_str().expect("UTF-8 path")).expect("path");
        let err = nix::unistd::execv(&prog, &[&prog]).unwrap_err();
        // ENOEXEC: the CPU or kernel runs no AArch32 programs.
        eprintln!("compat32: exec {}: {err}", path.display());
        std::process::exit(100);
    }
}

/// A static AArch32 ELF: `r0..r5 = ARGS; r7 = GETPID; svc 0; r0 = STATUS; r7 =
/// exit_group (248); svc 0`, loaded at 0x10000.
#[cfg(any(target_arch = "aarch64", test))]
pub fn aarch32_program() -> Vec<u8> {
    const BASE: u32 = 0x10000;
    const HEADERS: u32 = 52 + 32;
    // `mov rN, #imm8` (ARM, always).
    let mov = |reg: u32, imm: u32| 0xe3a0_0000 | reg << 12 | imm;
    const SVC: u32 = 0xef00_0000;
    let mut code: Vec<u32> = ARGS
        .iter()
        .enumerate()
        .map(|(i, &a)| mov(i as u32, a))
        .collect();
    code.extend([mov(7, GETPID), SVC, mov(0, STATUS as u32), mov(7, 248), SVC]);
    let size = HEADERS + 4 * code.len() as u32;
    let mut elf = Vec::new();
    let u16s = |elf: &mut Vec<u8>, v: &[u16]| v.iter().for_each(|x| elf.extend(x.to_le_bytes()));
    let u32s = |elf: &mut Vec<u8>, v: &[u32]| v.iter().for_each(|x| elf.extend(x.to_le_bytes()));
    // e_ident: ELFCLASS32, ELFDATA2LSB, EV_CURRENT.
    elf.extend([0x7f, b'E', b'L', b'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // ET_EXEC, EM_ARM, version.
    u16s(&mut elf, &[2, 40]);
    // e_version, e_entry, e_phoff, e_shoff, e_flags (EABI version 5: the kernel runs
    // only EABI programs).
    u32s(&mut elf, &[1, BASE + HEADERS, 52, 0, 0x0500_0000]);
    // e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx.
    u16s(&mut elf, &[52, 32, 1, 40, 0, 0]);
    // One PT_LOAD of the whole file, read and execute.
    u32s(&mut elf, &[1, 0, BASE, BASE, size, size, 5, 0x1000]);
    u32s(&mut elf, &code);
    assert_eq!(elf.len() as u32, size);
    elf
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_aarch32_program_is_what_it_says() {
        let elf = super::aarch32_program();
        assert_eq!(&elf[..4], b"\x7fELF");
        // mov r0, #1 first; svc #0 last.
        assert_eq!(&elf[84..88], &0xe3a0_0001u32.to_le_bytes());
        assert_eq!(&elf[elf.len() - 4..], &0xef00_0000u32.to_le_bytes());
        // mov r7, #20 (getpid), mov r7, #248 (exit_group).
        assert_eq!(&elf[84 + 24..84 + 28], &0xe3a0_7014u32.to_le_bytes());
        assert!(elf.windows(4).any(|w| w == 0xe3a0_70f8u32.to_le_bytes()));
    }
}
