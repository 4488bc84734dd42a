//! Memory behind pointers inside what a call's arguments point at, which no capture plan
//! names: an ioctl struct's clips or buffers, keyctl's parameters, the strings of an
//! execve argv the plan could not copy, io_submit's iocbs, ptrace's registers. Each
//! family's decoder says what it prints ([`derefs`]: `(address, bytes)` pairs, from the
//! captures taken so far), the ptrace backend reads that at the call's entry or exit
//! (in rounds, while the answers name more) as [`crate::event::DEREF_ENTRY`] /
//! [`crate::event::DEREF_EXIT`] captures, and the decoders find it by address ([`Mem`]).
//! The eBPF programs take the copies [`super::kernel_derefs`] describes, a struct longer
//! than one capture in pieces ([`join_pieces`]). Without copies the decoders show the
//! pointers.

use super::{DecodeOptions, strings, write_addr};
use crate::event::{Capture, DEREF_ENTRY, DEREF_EXIT, Syscall as Call};

/// Joins the eBPF programs' copies of a struct or string longer than one capture (a
/// full copy, cut where it is a string's, and the pieces that follow it, taken at the
/// same stop) into one copy, as the ptrace backend reads it.
pub fn join_pieces(caps: &mut Vec<Capture>) {
    const FULL: usize = tracer_common::MAX_CAPTURE;
    let address = |c: &Capture| u64::from_le_bytes(c.data[..8].try_into().unwrap());
    let is_copy = |c: &Capture| matches!(c.kind, DEREF_ENTRY | DEREF_EXIT) && c.data.len() >= 8;
    let mut i = 0;
    while i < caps.len() {
        let c = &caps[i];
        // (Whole pieces so far: a string may take three.)
        let pieces = c.data.len() - 8 * is_copy(c) as usize;
        if is_copy(c) && pieces > 0 && pieces.is_multiple_of(FULL - 8) && !c.fault {
            let (kind, end) = (c.kind, address(c) + pieces as u64);
            let next = |p: &Capture| is_copy(p) && !p.fault && p.kind == kind && address(p) == end;
            if let Some(j) = caps.iter().position(next) {
                let piece = caps.remove(j);
                let at = if j < i { i - 1 } else { i };
                caps[at].data.extend_from_slice(&piece.data[8..]);
                caps[at].truncated = piece.truncated;
                continue;
            }
        }
        i += 1;
    }
}

/// What to copy behind a pointer: `(address, bytes)`.
pub(crate) type Want = (u64, usize);

/// The copies of memory behind pointers taken at one of a call's stops.
#[derive(Clone, Copy)]
pub(crate) struct Mem<'a> {
    pub(super) caps: &'a [Capture],
    pub(super) kind: u8,
}

impl<'a> Mem<'a> {
    /// Those of `call` taken at its entry, or (`exit`) at its exit.
    pub fn of(call: &'a Call, exit: bool) -> Self {
        Mem {
            caps: &call.captures,
            kind: if exit { DEREF_EXIT } else { DEREF_ENTRY },
        }
    }

    /// Whether these are the copies taken at exit.
    pub fn exit(&self) -> bool {
        self.kind == DEREF_EXIT
    }

    /// What was read at `addr`: as many bytes as asked or fewer where the memory
    /// ended (none: unreadable); `None` when nothing was copied from there.
    pub fn get(&self, addr: u64) -> Option<&'a [u8]> {
        self.copy(addr).map(|c| &c.data[8..])
    }

    /// The copy at `addr` (its data starts with the address).
    fn copy(&self, addr: u64) -> Option<&'a Capture> {
        // (The longest copy: a header read first, then as far as it says.)
        self.caps
            .iter()
            .filter(|c| c.kind == self.kind && c.data.len() >= 8)
            .filter(|c| c.data[..8] == addr.to_le_bytes())
            .max_by_key(|c| c.data.len())
    }

    /// The `size` bytes at `addr`, when all of them were read (a struct).
    pub fn whole(&self, addr: u64, size: usize) -> Option<&'a [u8]> {
        self.get(addr)
            .filter(|d| addr != 0 && d.len() >= size)
            .map(|d| &d[..size])
    }

    /// Up to `len` bytes at `addr` as a capture, for printers that take one (`fault`
    /// when none could be read, `truncated` when fewer); `None` when nothing was copied.
    pub fn capture(&self, addr: u64, len: usize) -> Option<Capture> {
        let data = self.get(addr)?;
        let n = data.len().min(len);
        Some(Capture {
            arg: crate::event::DEREF_ARG,
            kind: self.kind,
            data: data[..n].to_vec(),
            truncated: n < len,
            fault: n == 0 && len > 0,
        })
    }
}

/// strace's `printstr` of a C string behind a pointer (read up to `-s` and a byte):
/// `-s` of it shown, `...` when longer; the address where it was not read or runs into
/// unreadable memory.
pub(super) fn write_str(out: &mut String, mem: &Mem, addr: u64, opts: &DecodeOptions) {
    const PIECE: usize = tracer_common::MAX_CAPTURE - 8;
    if addr == 0 {
        return out.push_str("NULL");
    }
    let Some(copy) = mem.copy(addr) else {
        return write_addr(out, addr);
    };
    let data = &copy.data[8..];
    let limit = opts.string_limit;
    // The ptrace backend reads `-s` and a byte of memory, the kernel programs the string
    // without its NUL, at most `-s` bytes (`DEREF_STRING`; cut: `truncated`), so a copy
    // without a NUL of `-s` bytes or fewer is a whole string if not cut, else the
    // programs' string longer than `-s` or (shorter) the memory's end before a NUL.
    match data.iter().position(|&b| b == 0) {
        Some(n) if n <= limit => strings::quote(out, &data[..n], opts.hex, false),
        None if !copy.truncated && !copy.fault && data.len() <= limit => {
            strings::quote(out, data, opts.hex, false)
        }
        _ if data.len() > limit || (copy.truncated && data.len() == limit) => {
            strings::quote(out, &data[..limit], opts.hex, false);
            out.push_str("...");
        }
        // The kernel programs' copy that ran out of room (whole pieces, cut where a read
        // that faulted would have left none): cut, as a plan's copy without room shows.
        None if copy.truncated && !data.is_empty() && data.len().is_multiple_of(PIECE) => {
            strings::quote(out, data, opts.hex, false);
            out.push_str("...");
        }
        _ => write_addr(out, addr),
    }
}

/// The memory `call`'s decoders print behind pointers, to read at this stop: at entry
/// (`ret` None) or at exit (with the result); `caps` the captures taken at this stop so
/// far (the plan's, then what earlier rounds read, for a pointer found in them), the
/// call's own those of its entry; strings as long as `-s` (`string_limit`) shows and a
/// byte. The ptrace backend reads these until the list stops growing.
pub fn derefs(call: &Call, ret: Option<i64>, caps: &[Capture], string_limit: usize) -> Vec<Want> {
    let exit = ret.is_some();
    let name = crate::syscalls::name(call.nr);
    if name == Some("ioctl") {
        return super::ioctl::derefs(&call.args, exit, &call.captures, caps);
    }
    let wanted = |name| match name {
        "keyctl" | "ptrace" | "bpf" | "io_uring_register" => true,
        "execve" | "execveat" | "io_submit" => !exit,
        _ => false,
    };
    if !name.is_some_and(wanted) {
        return Vec::new();
    }
    // The call as its decoder will see it: the entry's copies, this stop's, the result.
    let mut view = call.clone();
    view.captures.extend_from_slice(caps);
    view.ret = ret;
    let mut wants = Vec::new();
    match name {
        Some("keyctl") => super::keyctl::derefs(&view, exit, string_limit, &mut wants),
        Some("ptrace") => super::ptrace::derefs(&view, exit, &mut wants),
        Some("bpf") => super::bpf::derefs(&view, exit, string_limit, &mut wants),
        Some("io_uring_register") => super::uring_setup::derefs(&view, exit, &mut wants),
        Some("execve") => super::argv::derefs(&view, 1, string_limit, &mut wants),
        Some("execveat") => super::argv::derefs(&view, 2, string_limit, &mut wants),
        Some("io_submit") => super::aio::derefs(&view, string_limit, &mut wants),
        _ => {}
    }
    wants.retain(|&(addr, len)| addr != 0 && len != 0);
    wants
}

#[cfg(test)]
mod tests {
    use super::*;

    fn copy(kind: u8, addr: u64, bytes: &[u8]) -> Capture {
        let mut data = addr.to_le_bytes().to_vec();
        data.extend_from_slice(bytes);
        Capture {
            arg: crate::event::DEREF_ARG,
            kind,
            data,
            ..Capture::default()
        }
    }

    #[test]
    fn a_full_copy_and_its_next_piece_are_joined() {
        let full = vec![b'a'; tracer_common::MAX_CAPTURE - 8];
        let end = 0x1000 + full.len() as u64;
        let mut caps = vec![
            copy(DEREF_ENTRY, end, b"rest"),
            copy(DEREF_EXIT, end, b"exit"),
            copy(DEREF_ENTRY, 0x1000, &full),
        ];
        join_pieces(&mut caps);
        assert_eq!(caps.len(), 2, "the exit's copy stays on its own");
        let joined = Mem {
            caps: &caps,
            kind: DEREF_ENTRY,
        }
        .get(0x1000)
        .unwrap();
        assert_eq!(joined.len(), full.len() + 4);
        assert!(joined.ends_with(b"arest"));
        // A short copy is whole already: nothing follows it.
        let mut caps = vec![
            copy(DEREF_ENTRY, 0x1000, b"ab"),
            copy(DEREF_ENTRY, 0x1002, b"c"),
        ];
        join_pieces(&mut caps);
        assert_eq!(caps.len(), 2);
    }
}
