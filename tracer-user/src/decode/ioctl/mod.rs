//! `ioctl`: the request's name (`request`) and the third argument as strace's decoder
//! for the request's family prints it (`term`, `fs`, ...): nothing for requests that
//! take none, a number, or the struct the kernel reads or writes; strace's default,
//! the value in hex, for requests no decoder knows.

use std::fmt::Write;

use super::structs::Bytes;
use super::{Call, DecodeOptions, in_out, write_addr, write_hex};
use crate::event::{Capture, DEREF_ENTRY, DEREF_EXIT, FdNames};

mod block;
mod btrfs;
mod dm;
mod evdev;
mod fs;
mod gpio;
mod hdio;
mod kd;
mod kvm;
mod lirc;
mod loop_dev;
mod misc;
mod mtd;
mod names;
mod nbd;
mod nsfs;
mod perf;
mod ptp;
mod request;
mod rtc;
mod scsi;
mod seccomp;
mod sock;
mod tee;
mod term;
mod ubi;
mod uffdio;
mod v4l2;
mod xlat;

/// Interface flags, for netlink's link messages too.
pub(super) use xlat::IFFFLAGS as IFF_FLAGS;

pub use request::write_request;
pub(super) use seccomp::{AUDIT_ARCHES, syscall_name};

/// Prints a struct from its bytes; `None` (after writing anything) when they are too
/// few, and the address shows instead.
pub(super) type Writer = fn(&mut String, &Bytes, &Ctx) -> Option<()>;

/// What a writer may need besides the bytes.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    pub opts: &'a DecodeOptions,
    /// The request (a size or a number it encodes).
    pub request: u32,
    /// The argument: where the struct is.
    pub addr: u64,
    /// The calling thread.
    pub pid: u32,
    /// The call's result, when it succeeded (how many bytes the kernel wrote).
    pub ret: Option<u64>,
    /// The call returned an error.
    pub failed: bool,
    /// Which, when it did.
    pub errno: u32,
    /// `-y`'s names, for descriptors in the struct.
    pub fds: Option<&'a dyn FdNames>,
    /// What the entry's copy holds (empty when it could not be read), for a writer of
    /// what the kernel wrote that compares.
    pub entry: &'a [u8],
    /// Memory behind pointers in the struct, as it was when this writer's part was
    /// taken (entry or exit).
    pub mem: Mem<'a>,
}

impl<'a> Ctx<'a> {
    /// The same, for the part the kernel wrote (memory copied at exit).
    pub fn at_exit(&self) -> Ctx<'a> {
        self.with_mem(DEREF_EXIT)
    }

    /// The same, for the part printed at entry (memory copied then).
    pub fn at_entry(&self) -> Ctx<'a> {
        self.with_mem(DEREF_ENTRY)
    }

    fn with_mem(&self, kind: u8) -> Ctx<'a> {
        Ctx {
            mem: Mem { kind, ..self.mem },
            ..*self
        }
    }
}

/// Memory behind pointers in the struct (clips, controls, fonts), as copied at one of
/// the call's stops: the ptrace backend takes what [`derefs`] asks for.
pub(super) use super::mem::{Mem, Want};

/// The memory a request's decoder prints behind pointers in its struct, at entry or
/// exit: `args` the call's, `caps` the captures taken at this stop so far (the struct,
/// and the pointed-to memory already read, for a second level), `entry` those of the
/// entry (at exit the struct of a failed call, which the plan copies only at entry).
/// The ptrace backend reads these until the list stops growing.
pub fn derefs(args: &[u64; 6], exit: bool, entry: &[Capture], caps: &[Capture]) -> Vec<Want> {
    let request = args[1] as u32;
    let kind = if exit { DEREF_EXIT } else { DEREF_ENTRY };
    let mem = Mem { caps, kind };
    let is_struct = |c: &&Capture| c.arg == 2 && c.kind == tracer_common::capture::FIXED;
    let st = caps
        .iter()
        .find(is_struct)
        .or_else(|| entry.iter().find(is_struct))
        .filter(|c| !c.fault)
        .map_or(&[][..], |c| c.data.as_slice());
    let entry_struct = entry
        .iter()
        .find(is_struct)
        .filter(|c| !c.fault)
        .map_or(&[][..], |c| c.data.as_slice());
    let at = Where {
        request,
        addr: args[2],
        exit,
        entry: entry_struct,
    };
    let b = Bytes(st);
    match request::kind(request) as u8 {
        b'V' => v4l2::derefs(&at, &b, &mem),
        b'K' => kd::derefs(&at, &b),
        0xa4 => tee::derefs(&at, &b),
        b'$' => perf::derefs(&at, &b),
        0xae => kvm::derefs(&at, &b),
        0x94 => btrfs::derefs(&at, &b, &mem),
        0x12 => block::derefs(&at, &b),
        0x89 => sock::derefs(&at, &b),
        b'f' => fs::derefs(&at, &b),
        0x22 => scsi::derefs(&at, &b, &mem),
        b'o' | b'O' => ubi::derefs(&at),
        _ => Vec::new(),
    }
}

/// The call a [`derefs`] of a family looks at.
pub(super) struct Where<'a> {
    pub request: u32,
    /// The third argument: a family may ask for more of its struct than the request's
    /// size says, or than the capture plan copies.
    pub addr: u64,
    pub exit: bool,
    /// The struct as the entry's copy holds it.
    pub entry: &'a [u8],
}

/// How a request's third argument prints.
#[derive(Clone, Copy)]
pub(super) enum Shape {
    /// No third argument (`FIOCLEX`, `FIFREEZE`).
    None,
    /// strace's default: the value in hex.
    Hex,
    /// An address the decoder does not follow: `NULL` or hex.
    Addr,
    /// The value as a C `int` (`LOOP_CTL_ADD`'s device number).
    Int,
    /// The value as a descriptor (`LOOP_SET_FD`'s), named under `-y`.
    Fd,
    /// The value as an unsigned `long` (`HDIO_SET_*`).
    Ulong,
    /// The value itself, as a constant or flags (`KIOCSOUND`'s tone).
    Value(fn(&mut String, u64)),
    /// What the kernel reads, printed at entry.
    In(Writer),
    /// What the kernel writes, printed when the call succeeded.
    Out(Writer),
    /// Read and written: `{...} => {...}`, the second part when the call succeeded.
    InOut(Writer, Writer),
    /// Read and written, strace's other way: the first part unless its writer declines
    /// (`None`: nothing the kernel reads; the request's size must have been copied), then ` => ` and the second part, or the
    /// address when the call failed.
    Updated(Writer, Writer),
    /// Read, then, when the call succeeded, whatever the second writer adds (perhaps
    /// nothing: KDFONTOP's answer only for the operations that have one).
    Then(Writer, Writer),
    /// Printed at entry, then at exit whether or not the call failed (strace reads the
    /// struct again either way): the second writer gets the exit's copy, or the entry's
    /// when the call failed, and adds nothing by returning `None`.
    Both(Writer, Writer),
    /// Read, then written into the same braces: the first part without its closing
    /// brace, the second (from `, `) when the call succeeded, `, ???` when that copy
    /// could not be read; then the brace (PTP's system offsets).
    Continued(Writer, Writer),
}

fn shape(request: u32) -> Shape {
    let family = match request::kind(request) as u8 {
        b'T' => term::shape(request),
        b'f' | b'X' => fs::shape(request),
        b'E' => evdev::shape(request),
        0x03 => hdio::shape(request),
        b'!' => seccomp::shape(request),
        0xb4 => gpio::shape(request),
        b'p' => rtc::shape(request),
        b'=' => ptp::shape(request),
        b'M' => mtd::shape(request),
        b'L' => loop_dev::shape(request),
        0xab => nbd::shape(request),
        0xb7 => nsfs::shape(request),
        0x22 => scsi::shape(request),
        0xaa => uffdio::shape(request),
        b'V' => v4l2::shape(request),
        b'i' => lirc::shape(request),
        0x89 => sock::shape(request),
        0xae => kvm::shape(request),
        b'K' => kd::shape(request),
        0xa4 => tee::shape(request),
        0x94 => btrfs::shape(request).or_else(|| misc::shape(request)),
        0x12 => block::shape(request),
        b'$' => perf::shape(request),
        b'o' | b'O' => ubi::shape(request),
        0xfd => dm::shape(request),
        _ => misc::shape(request),
    };
    family.unwrap_or(Shape::Hex)
}

/// The descriptor an ioctl passes, as its value (`LOOP_SET_FD`, `NBD_SET_SOCK`) or in
/// the struct it reads (SECCOMP_IOCTL_NOTIF_ADDFD's source), for `-y` to name: the
/// pipeline looks it up as it does descriptor arguments.
pub fn passed_fd(call: &Call) -> Option<i32> {
    const SECCOMP_IOCTL_NOTIF_ADDFD: u32 = 0x4018_2103;
    let request = call.args[1] as u32;
    let fd = match shape(request) {
        Shape::Fd => call.args[2] as i32,
        _ if request == SECCOMP_IOCTL_NOTIF_ADDFD => {
            let (entry, _) = in_out(call, 2);
            Bytes(&entry.filter(|c| !c.fault)?.data).i32(12)?
        }
        _ => return None,
    };
    (fd >= 0).then_some(fd)
}

/// Whether a successful `request` returned a new descriptor (strace's `RVAL_FD`).
pub fn returns_fd(request: u32) -> bool {
    // NS_GET_USERNS, NS_GET_PARENT, KVM_CREATE_VM, KVM_CREATE_VCPU
    matches!(request, 0xb701 | 0xb702 | 0xae01 | 0xae41)
}

/// A successful call's result when the request gives it a meaning: NS_GET_NSTYPE's
/// namespace type, `268435456 (CLONE_NEWUSER)`. False when it is only a number.
pub fn write_return(out: &mut String, call: &Call, ret: u64) -> bool {
    const NS_GET_NSTYPE: u32 = 0xb703;
    if call.args[1] as u32 == tracer_common::KVM_RUN {
        return kvm::write_run_return(out, call, ret);
    }
    if call.args[1] as u32 == v4l2::VIDIOC_CREATE_BUFS {
        let _ = write!(out, "{ret}");
        if let (_, Some(exit)) = in_out(call, 2)
            && !exit.fault
        {
            v4l2::create_bufs_result(out, &exit.data);
        }
        return true;
    }
    if call.args[1] as u32 != NS_GET_NSTYPE {
        return false;
    }
    let _ = write!(out, "{ret}");
    if let Some(name) = crate::decode::flags::lookup(crate::decode::xlat::SETNS_TYPES, ret) {
        let _ = write!(out, " ({name})");
    }
    true
}

/// Whether the third argument shows at all.
pub fn visible(call: &Call) -> bool {
    !matches!(shape(call.args[1] as u32), Shape::None)
}

/// The third argument (index `i`), from its copies at entry and at a successful exit.
pub fn write_arg<'a>(
    out: &mut String,
    call: &'a Call,
    i: usize,
    opts: &'a DecodeOptions,
    fds: Option<&'a dyn FdNames>,
) {
    let v = call.args[i];
    let (entry, exit) = in_out(call, i);
    let ok = call.success().is_some();
    let ctx = Ctx {
        opts,
        request: call.args[1] as u32,
        addr: v,
        pid: call.pid,
        fds,
        ret: call.success(),
        failed: call.failed(),
        errno: call
            .ret
            .filter(|_| call.failed())
            .map_or(0, |r| r.unsigned_abs() as u32),
        entry: entry
            .filter(|c| !c.fault && v != 0)
            .map_or(&[], |c| c.data.as_slice()),
        mem: Mem {
            caps: &call.captures,
            kind: DEREF_ENTRY,
        },
    };
    let ctx = Ctx {
        entry: readable(entry, v, opts, &ctx).map_or(&[], |b| b.0),
        ..ctx
    };
    let at_exit = ctx.at_exit();
    let bytes = |cap, ctx: &Ctx<'a>| readable(cap, v, opts, ctx);
    // The plan's copy, or a longer one of the struct read as its family asked
    // (`derefs`).
    fn readable<'a>(
        cap: Option<&'a Capture>,
        v: u64,
        opts: &DecodeOptions,
        ctx: &Ctx<'a>,
    ) -> Option<Bytes<'a>> {
        let cap = cap.filter(|c| !c.fault && v != 0 && opts.dereference)?;
        match ctx.mem.get(v) {
            Some(more) if more.len() > cap.data.len() => Some(Bytes(more)),
            _ => Some(Bytes(&cap.data)),
        }
    }
    // The struct as `writer` prints it, or the address when it could not be read.
    let one = |out: &mut String, writer: Writer, b: Option<Bytes>, ctx: &Ctx| {
        let mut text = String::new();
        match b.and_then(|b| writer(&mut text, &b, ctx)) {
            Some(()) => out.push_str(&text),
            None => write_addr(out, v),
        }
    };
    match shape(call.args[1] as u32) {
        Shape::None => {}
        Shape::Hex => write_hex(out, v),
        Shape::Addr => write_addr(out, v),
        Shape::Int => {
            let _ = write!(out, "{}", v as i32);
        }
        Shape::Fd => crate::decode::write_plain_fd(out, ctx.pid, v as i32, ctx.fds),
        Shape::Ulong => {
            let _ = write!(out, "{v}");
        }
        Shape::Value(writer) => writer(out, v),
        Shape::In(writer) => one(out, writer, bytes(entry, &ctx), &ctx),
        Shape::Out(writer) if ok => one(out, writer, bytes(exit, &at_exit), &at_exit),
        Shape::Out(_) => write_addr(out, v),
        Shape::Updated(before, after) => {
            // Unreadable in full at entry: strace shows the address and no more.
            let whole = |b: &Bytes| b.0.len() >= request::size(ctx.request) as usize;
            let Some(b) = bytes(entry, &ctx).filter(whole) else {
                return write_addr(out, v);
            };
            let mut text = String::new();
            if before(&mut text, &b, &ctx).is_some() {
                out.push_str(&text);
                out.push_str(" => ");
            }
            match ok {
                true => one(out, after, bytes(exit, &at_exit), &at_exit),
                false => write_addr(out, v),
            }
        }
        Shape::Then(before, after) => {
            one(out, before, bytes(entry, &ctx), &ctx);
            let mut text = String::new();
            if ok
                && bytes(exit, &at_exit)
                    .and_then(|b| after(&mut text, &b, &at_exit))
                    .is_some()
            {
                out.push_str(&text);
            }
        }
        Shape::Both(before, after) => {
            one(out, before, bytes(entry, &ctx), &ctx);
            let copy = if ok { exit } else { entry };
            let mut text = String::new();
            if call.ret.is_some()
                && bytes(copy, &at_exit)
                    .and_then(|b| after(&mut text, &b, &at_exit))
                    .is_some()
            {
                out.push_str(&text);
            }
        }
        Shape::Continued(before, after) => {
            let mut text = String::new();
            let Some(()) = bytes(entry, &ctx).and_then(|b| before(&mut text, &b, &ctx)) else {
                return write_addr(out, v);
            };
            out.push_str(&text);
            if ok {
                let mut text = String::new();
                match bytes(exit, &at_exit).and_then(|b| after(&mut text, &b, &at_exit)) {
                    Some(()) => out.push_str(&text),
                    None => out.push_str(", ???"),
                }
            }
            out.push('}');
        }
        Shape::InOut(before, after) => {
            let mut text = String::new();
            let Some(()) = bytes(entry, &ctx).and_then(|b| before(&mut text, &b, &ctx)) else {
                return write_addr(out, v);
            };
            out.push_str(&text);
            if ok {
                out.push_str(" => ");
                one(out, after, bytes(exit, &at_exit), &at_exit);
            }
        }
    }
}

/// Whether the copy holds the whole struct of `size` bytes: one that ran into an
/// unreadable page is shorter (its page's end is all the kernel side could copy) and
/// shows as its address, as strace shows a struct it cannot read whole.
pub(super) fn need(b: &Bytes, size: usize) -> Option<()> {
    (b.0.len() >= size).then_some(())
}

/// `[N]`: an `int` the kernel reads or writes.
pub(super) fn int(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let _ = write!(out, "[{}]", b.i32(0)?);
    Some(())
}

/// `[N]`: an `unsigned int`.
pub(super) fn uint(out: &mut String, b: &Bytes, _: &Ctx) -> Option<()> {
    let _ = write!(out, "[{}]", b.u32(0)?);
    Some(())
}

/// A `char` array of `len` bytes at `off` as strace's `PRINT_FIELD_CSTRING` prints it:
/// quoted up to its NUL among the first `len - 1` bytes, `...` after the quote when
/// there is none in all `len` (strace's `QUOTE_0_TERMINATED` looks one byte ahead).
pub(super) fn cstring(
    out: &mut String,
    b: &Bytes,
    off: usize,
    len: usize,
    ctx: &Ctx,
) -> Option<()> {
    let whole = b.0.get(off..off + len)?;
    let bytes = &whole[..len.saturating_sub(1)];
    let end = bytes.iter().position(|&c| c == 0);
    let shown = &bytes[..end.unwrap_or(len).min(len.saturating_sub(1))];
    crate::decode::strings::quote(out, shown, ctx.opts.hex, false);
    if end.is_none() && whole.last() != Some(&0) {
        out.push_str("...");
    }
    Some(())
}

/// `[1, 2, ...]`: `count` unsigned elements of `elem` bytes from `off`, as strace's
/// `print_array` prints them: `...` after `-s` of them unless `-v`.
pub(super) fn uint_array(
    out: &mut String,
    b: &Bytes,
    off: usize,
    elem: usize,
    count: usize,
    ctx: &Ctx,
) -> Option<()> {
    array(out, count, ctx, |out, n| {
        let at = off + n * elem;
        let v = match elem {
            1 => u64::from(*b.0.get(at)?),
            2 => b.u16(at)?.into(),
            4 => b.u32(at)?.into(),
            _ => b.u64(at)?,
        };
        let _ = write!(out, "{v}");
        Some(())
    })
}

/// `[...]` of `count` elements each printed by `elem`, `...` after `-s` of them unless
/// `-v` (strace's `print_array`).
pub(super) fn array(
    out: &mut String,
    count: usize,
    ctx: &Ctx,
    mut elem: impl FnMut(&mut String, usize) -> Option<()>,
) -> Option<()> {
    out.push('[');
    for n in 0..count {
        if n > 0 {
            out.push_str(", ");
        }
        if ctx.opts.abbreviate && n >= ctx.opts.string_limit {
            out.push_str("...");
            break;
        }
        elem(out, n)?;
    }
    out.push(']');
    Some(())
}

/// strace's `print_array` over `count` elements of `size` bytes at `off` in the copy
/// (at `ctx.addr + off` in memory), each printed by `elem`: where the copy ends first,
/// as the memory did, `... /* address */` (the address alone when no element is held);
/// `...` after `-s` of them unless `-v`; `, ...` at the end when `truncated` (more
/// than the array holds: `PAF_ARRAY_TRUNCATED`).
#[allow(clippy::too_many_arguments)]
pub(super) fn held_array(
    out: &mut String,
    b: &Bytes,
    off: usize,
    size: usize,
    count: usize,
    truncated: bool,
    ctx: &Ctx,
    elem: impl FnMut(&mut String, &Bytes) -> Option<()>,
) {
    let data = b.0.get(off..).unwrap_or_default();
    let addr = ctx.addr + off as u64;
    print_array(out, addr, data, size, count, truncated, ctx, elem);
}

/// strace's `print_array` over `count` elements of `size` bytes at `addr`, `data` the
/// bytes read from there (fewer where the memory ended): NULL, `[]`, the address when
/// not one element was read, `... /* address */` where they end; `...` after `-s` of
/// them unless `-v`; `, ...` at the end when `truncated` (`PAF_ARRAY_TRUNCATED`).
/// Whether it went to the end (strace's return value: false for NULL, an empty array
/// or one cut short by the memory).
#[allow(clippy::too_many_arguments)]
pub(super) fn print_array(
    out: &mut String,
    addr: u64,
    data: &[u8],
    size: usize,
    count: usize,
    truncated: bool,
    ctx: &Ctx,
    mut elem: impl FnMut(&mut String, &Bytes) -> Option<()>,
) -> bool {
    if addr == 0 {
        out.push_str("NULL");
        return false;
    }
    if count == 0 {
        out.push_str(if truncated { "[...]" } else { "[]" });
        return false;
    }
    let limit = if ctx.opts.abbreviate {
        ctx.opts.string_limit
    } else {
        usize::MAX
    };
    let mut cut = false;
    for n in 0..count {
        let at = n * size;
        let Some(bytes) = data.get(at..at + size) else {
            let addr = addr + at as u64;
            if n == 0 {
                write_addr(out, addr);
                return false;
            }
            let _ = write!(out, ", ... /* {addr:#x} */");
            cut = true;
            break;
        };
        out.push_str(if n == 0 { "[" } else { ", " });
        if n >= limit {
            out.push_str("...");
            out.push(']');
            return true;
        }
        if elem(out, &Bytes(bytes)).is_none() {
            break;
        }
    }
    if truncated && !cut {
        out.push_str(", ...");
    }
    out.push(']');
    !cut
}

/// [`print_array`] of the memory at `addr` as copied behind a pointer (the address
/// when it was not).
pub(super) fn mem_array(
    out: &mut String,
    addr: u64,
    size: usize,
    count: usize,
    ctx: &Ctx,
    elem: impl FnMut(&mut String, &Bytes) -> Option<()>,
) -> bool {
    match ctx.mem.get(addr) {
        Some(data) => print_array(out, addr, data, size, count, false, ctx, elem),
        None if addr != 0 && count != 0 => {
            write_addr(out, addr);
            false
        }
        None => print_array(out, addr, &[], size, count, false, ctx, elem),
    }
}

/// How [`mem_str`] quotes: strace's `QUOTE_*` flags.
#[derive(Clone, Copy, Default)]
pub(super) struct Quote {
    /// Up to a NUL (`QUOTE_0_TERMINATED`).
    pub zero_end: bool,
    /// The last of `len` bytes is the NUL, not shown (`QUOTE_EXPECT_TRAILING_0`).
    pub trailing_zero: bool,
    /// Every byte in hex (`QUOTE_FORCE_HEX`).
    pub hex: bool,
}

/// strace's `printstr_ex`: `len` bytes at `addr` as copied behind a pointer, `-s` of
/// them shown, `...` after when there are more; the address when they could not be
/// read.
pub(super) fn mem_str(out: &mut String, addr: u64, len: usize, q: Quote, ctx: &Ctx) {
    if addr == 0 {
        return out.push_str("NULL");
    }
    let limit = ctx.opts.string_limit;
    // strace reads one byte past `-s`, to tell a string that ends there.
    let mut size = len.min(limit + 1);
    if size == 0 {
        return out.push_str("\"\"");
    }
    let Some(data) = ctx.mem.get(addr) else {
        return write_addr(out, addr);
    };
    let nul = data[..size.min(data.len())].iter().position(|&c| c == 0);
    if data.len() < size && !(q.zero_end && nul.is_some()) {
        return write_addr(out, addr);
    }
    // The byte after those shown, when strace looks at it: read, or its 0xff filler.
    let mut ahead = None;
    if size > limit {
        size = limit;
        ahead = data.get(size).copied();
    }
    if q.zero_end && q.trailing_zero && size == len {
        size -= 1;
        ahead = data.get(size).copied();
    }
    let (shown, ellipsis) = match nul.filter(|&n| q.zero_end && n < size) {
        Some(n) => (&data[..n], false),
        None if q.zero_end => (&data[..size], ahead != Some(0)),
        None => (&data[..size], len > limit),
    };
    let mode = if q.hex {
        crate::decode::HexMode::All
    } else {
        ctx.opts.hex
    };
    crate::decode::strings::quote(out, shown, mode, q.hex);
    if ellipsis {
        out.push_str("...");
    }
}

/// `[0, 0xfeedface]`: `count` `u32`s in hex (strace's `PRINT_FIELD_X_ARRAY`).
pub(super) fn hex_array(out: &mut String, b: &Bytes, off: usize, count: usize) -> Option<()> {
    out.push('[');
    for n in 0..count {
        if n > 0 {
            out.push_str(", ");
        }
        write_hex(out, b.u32(off + 4 * n)?.into());
    }
    out.push(']');
    Some(())
}

/// `[0, 0xfeedface]`: `count` `u64`s in hex.
pub(super) fn hex_u64s(out: &mut String, b: &Bytes, off: usize, count: usize) -> Option<()> {
    out.push('[');
    for n in 0..count {
        if n > 0 {
            out.push_str(", ");
        }
        write_hex(out, b.u64(off + 8 * n)?);
    }
    out.push(']');
    Some(())
}

/// Whether `count` `u32`s from `off` are all zero (strace's `IS_ARRAY_ZERO`).
pub(super) fn zero_u32s(b: &Bytes, off: usize, count: usize) -> bool {
    (0..count).all(|n| b.u32(off + 4 * n) == Some(0))
}
