//! Structures read from tracee memory, in strace's abbreviated (non `-v`) form. Layouts
//! are the generic 64-bit ones, except where `tracer_common::arch` says where the build
//! target's fields are (`stat`, `epoll_event`); every reader is bounds-checked, so a
//! short capture prints the pointer instead of garbage.

use super::DecodeOptions;
use super::flags::{self, write_flags};
use super::strings::quote;
use crate::syscalls::StructKind;
use std::fmt::Write;

/// Little-endian field readers over captured bytes.
pub(crate) struct Bytes<'a>(pub &'a [u8]);

impl Bytes<'_> {
    fn get<const N: usize>(&self, off: usize) -> Option<[u8; N]> {
        self.0.get(off..off + N)?.try_into().ok()
    }
    pub fn u16(&self, off: usize) -> Option<u16> {
        self.get(off).map(u16::from_le_bytes)
    }
    pub fn u32(&self, off: usize) -> Option<u32> {
        self.get(off).map(u32::from_le_bytes)
    }
    pub fn i32(&self, off: usize) -> Option<i32> {
        self.get(off).map(i32::from_le_bytes)
    }
    pub fn u64(&self, off: usize) -> Option<u64> {
        self.get(off).map(u64::from_le_bytes)
    }
    pub fn i64(&self, off: usize) -> Option<i64> {
        self.get(off).map(i64::from_le_bytes)
    }
}

/// The bytes a capture holds of what `addr` points at: none for NULL or a failed read.
pub(crate) fn readable(cap: Option<&crate::event::Capture>, addr: u64) -> Option<Bytes<'_>> {
    cap.filter(|c| !c.fault && addr != 0)
        .map(|c| Bytes(&c.data))
}

/// What strace's `print_nonzero_bytes` shows of an extensible struct given `size`
/// bytes of which it knows the first `known`: nothing when the rest are zeros,
/// `/* bytes 24..31 */ "\x80..."` when not, `???` when they cannot be read. The whole
/// given size (up to a page) is the argument's [`capture::BUF`] copy.
///
/// [`capture::BUF`]: tracer_common::capture::BUF
pub(crate) fn extension_tail(
    call: &crate::event::Syscall,
    i: usize,
    known: usize,
    size: u64,
    opts: &DecodeOptions,
) -> Option<String> {
    let copy = call
        .captures
        .iter()
        .find(|c| c.arg as usize == i && c.kind == tracer_common::capture::BUF);
    tail_of(copy, known, size, opts)
}

/// [`extension_tail`] of the copy `copy`.
pub(crate) fn tail_of(
    copy: Option<&crate::event::Capture>,
    known: usize,
    size: u64,
    opts: &DecodeOptions,
) -> Option<String> {
    let total = size.min(tracer_common::MAX_CAPTURE as u64) as usize;
    if total <= known {
        return None;
    }
    let Some(rest) = copy
        .filter(|c| !c.fault)
        .and_then(|c| c.data.get(known..total))
    else {
        return Some("???".into());
    };
    if rest.iter().all(|&b| b == 0) {
        return None;
    }
    let mut s = format!("/* bytes {known}..{} */ ", total - 1);
    let shown = rest.len().min(opts.string_limit);
    quote(&mut s, &rest[..shown], opts.hex, true);
    if shown < rest.len() {
        s.push_str("...");
    }
    Some(s)
}

/// Writes the struct `kind` decoded from `data`; `None` (nothing written) when `data` is
/// too short for it.
pub fn write_struct(
    out: &mut String,
    kind: StructKind,
    data: &[u8],
    opts: &DecodeOptions,
) -> Option<()> {
    if data.len() < kind.size() as usize && kind != StructKind::Sockaddr {
        return None;
    }
    let b = Bytes(data);
    let mut s = String::new();
    match kind {
        StructKind::Stat if !opts.abbreviate => write_stat_verbose(&mut s, &b)?,
        StructKind::Stat => write_stat(&mut s, &b)?,
        StructKind::Statx if !opts.abbreviate => write_statx_verbose(&mut s, &b)?,
        StructKind::Statx => write_statx(&mut s, &b)?,
        StructKind::Statfs => write_statfs(&mut s, &b)?,
        StructKind::Timespec => write_time(&mut s, &b, "tv_nsec")?,
        StructKind::Timeval => write_time(&mut s, &b, "tv_usec")?,
        StructKind::Sigaction => write_sigaction(&mut s, &b)?,
        StructKind::Sigset => flags::write_sigmask(&mut s, b.u64(0)?),
        StructKind::Rlimit => {
            s.push_str("{rlim_cur=");
            write_rlim(&mut s, b.u64(0)?);
            s.push_str(", rlim_max=");
            write_rlim(&mut s, b.u64(8)?);
            s.push('}');
        }
        StructKind::Utsname => {
            const FIELDS: [&str; 6] = [
                "sysname",
                "nodename",
                "release",
                "version",
                "machine",
                "domainname",
            ];
            // strace shows the first two unless -v.
            let shown = if opts.abbreviate { 2 } else { FIELDS.len() };
            s.push('{');
            for (i, name) in FIELDS[..shown].iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                let field = &data[i * 65..(i + 1) * 65];
                let len = field.iter().position(|&c| c == 0).unwrap_or(field.len());
                let _ = write!(s, "{name}=");
                quote(&mut s, &field[..len], opts.hex, false);
            }
            s.push_str(if opts.abbreviate { ", ...}" } else { "}" });
        }
        StructKind::EpollEvent => write_epoll_event(&mut s, &b, 0)?,
        // Need more than their own bytes: see `iovec::write_msghdr`, `write_clone3`.
        // Printed by their own writers (`iovec`, `clone`, `ioctl`).
        StructKind::Msghdr
        | StructKind::CloneArgs
        | StructKind::MountAttr
        | StructKind::UringParams
        | StructKind::Iocb
        | StructKind::CapHeader
        | StructKind::CapData => return None,
        StructKind::IoEvent => super::aio::write_io_event(&mut s, &b, 0)?,
        StructKind::Sysinfo => write_sysinfo(&mut s, &b)?,
        StructKind::MqAttr => super::posix_ipc::write_mq_attr(&mut s, &b, true)?,
        StructKind::Sigevent => super::posix_ipc::write_sigevent(&mut s, &b)?,
        StructKind::Timex => super::timex::write_timex(&mut s, &b)?,
        // strace 6.1 shows the name's address, not the names.
        StructKind::SysctlArgs => {
            let addr = |s: &mut String, name: &str, off: usize| -> Option<()> {
                let _ = write!(s, "{name}=");
                super::strings::write_addr(s, b.u64(off)?);
                Some(())
            };
            addr(&mut s, "{name", 0)?;
            let _ = write!(s, ", nlen={}, ", b.i32(8)?);
            addr(&mut s, "oldval", 16)?;
            addr(&mut s, ", oldlenp", 24)?;
            addr(&mut s, ", newval", 32)?;
            let _ = write!(s, ", newlen={}}}", b.u64(40)?);
        }
        StructKind::IntPtr => {
            let _ = write!(s, "[{}]", b.i32(0)?);
        }
        StructKind::FdPair => {
            let _ = write!(s, "[{}, {}]", b.i32(0)?, b.i32(4)?);
        }
        StructKind::WaitStatus => write_wait_status(&mut s, b.i32(0)?),
        StructKind::Sockaddr => write_sockaddr(&mut s, data, opts)?,
        StructKind::TimespecPair => write_utimes(&mut s, &b, 1_000_000_000)?,
        StructKind::TimevalPair => write_utimes(&mut s, &b, 1_000_000)?,
        StructKind::Utimbuf => {
            let (actime, modtime) = (b.i64(0)?, b.i64(8)?);
            let _ = write!(s, "{{actime={actime}");
            write_date_comment(&mut s, actime, 0, 1);
            let _ = write!(s, ", modtime={modtime}");
            write_date_comment(&mut s, modtime, 0, 1);
            s.push('}');
        }
        StructKind::Itimerval => {
            s.push_str("{it_interval=");
            write_time(&mut s, &b, "tv_usec")?;
            s.push_str(", it_value=");
            write_time(&mut s, &Bytes(&data[16..]), "tv_usec")?;
            s.push('}');
        }
        StructKind::Itimerspec => {
            s.push_str("{it_interval=");
            write_time(&mut s, &b, "tv_nsec")?;
            s.push_str(", it_value=");
            write_time(&mut s, &Bytes(data.get(16..)?), "tv_nsec")?;
            s.push('}');
        }
        // Both open with a `__u64` of LANDLOCK_ACCESS_FS_* rights.
        StructKind::LandlockRulesetAttr | StructKind::LandlockPathBeneath => {
            let ruleset = kind == StructKind::LandlockRulesetAttr;
            s.push_str(if ruleset {
                "{handled_access_fs="
            } else {
                "{allowed_access="
            });
            let access = b.u64(0)?;
            write_flags(
                &mut s,
                access,
                flags::LANDLOCK_ACCESS_FS,
                None,
                "LANDLOCK_ACCESS_FS_???",
            );
            if ruleset {
                s.push('}');
            } else {
                let _ = write!(s, ", parent_fd={}}}", b.i32(8)?);
            }
        }
        StructKind::TimeT => {
            let t = b.i64(0)?;
            let _ = write!(s, "[{t}");
            write_time_comment(&mut s, t, 0);
            s.push(']');
        }
        StructKind::Timezone => {
            let _ = write!(
                s,
                "{{tz_minuteswest={}, tz_dsttime={}}}",
                b.i32(0)?,
                b.i32(4)?
            );
        }
        StructKind::Tms => {
            s.push('{');
            for (n, name) in ["tms_utime", "tms_stime", "tms_cutime", "tms_cstime"]
                .iter()
                .enumerate()
            {
                if n > 0 {
                    s.push_str(", ");
                }
                let _ = write!(s, "{name}=");
                write_clock_t(&mut s, b.u64(8 * n)?);
            }
            s.push('}');
        }
        StructKind::Rusage => write_rusage(&mut s, &b, opts.abbreviate)?,
        StructKind::OpenHow => {
            let (oflags, mode, resolve) = (b.u64(0)?, b.u64(8)?, b.u64(16)?);
            s.push_str("{flags=");
            flags::write_open_flags(&mut s, oflags);
            // O_CREAT, __O_TMPFILE
            if oflags & (0o100 | 0o20000000) != 0 || mode != 0 {
                s.push_str(", mode=");
                flags::write_octal(&mut s, mode);
            }
            s.push_str(", resolve=");
            write_flags(&mut s, resolve, flags::RESOLVE_FLAGS, None, "RESOLVE_???");
            s.push('}');
        }
        StructKind::AddrPtr => {
            s.push('[');
            super::strings::write_addr(&mut s, b.u64(0)?);
            s.push(']');
        }
        StructKind::Siginfo => s.push_str(&super::siginfo::fields(data)),
        StructKind::Loff => {
            let _ = write!(s, "[{}]", b.i64(0)?);
        }
        // Printed by the command's own writer (`fcntl`, `ipc`).
        StructKind::Flock | StructKind::IpcBuf => return None,
        StructKind::StackT => {
            s.push_str("{ss_sp=");
            super::strings::write_addr(&mut s, b.u64(0)?);
            s.push_str(", ss_flags=");
            write_flags(&mut s, b.u32(8)? as u64, flags::SS_FLAGS, None, "SS_???");
            let _ = write!(s, ", ss_size={}}}", b.u64(16)?);
        }
    }
    out.push_str(&s);
    Some(())
}

/// The two times `utimensat` (`per_sec` 10^9: timespecs) or `utimes` (10^6: timevals)
/// sets: `[{tv_sec=1, tv_nsec=2} /* 1970-01-01T00:00:01.000000002+0000 */, UTIME_NOW]`.
fn write_utimes(out: &mut String, b: &Bytes, per_sec: u64) -> Option<()> {
    const UTIME_NOW: i64 = (1 << 30) - 1;
    const UTIME_OMIT: i64 = (1 << 30) - 2;
    let frac = if per_sec == 1_000_000 {
        "tv_usec"
    } else {
        "tv_nsec"
    };
    out.push('[');
    for n in 0..2 {
        let (sec, part) = (b.i64(16 * n)?, b.i64(16 * n + 8)?);
        if n > 0 {
            out.push_str(", ");
        }
        match part {
            UTIME_NOW | UTIME_OMIT if per_sec != 1_000_000 => {
                let raw = format!("{{tv_sec={sec}, {frac}={part}}}");
                let name = if part == UTIME_NOW {
                    "UTIME_NOW"
                } else {
                    "UTIME_OMIT"
                };
                flags::styled(out, &raw, |out| out.push_str(name));
            }
            _ => {
                let _ = write!(out, "{{tv_sec={sec}, {frac}={}}}", part as u64);
                write_date_comment(out, sec, part, per_sec);
            }
        }
    }
    out.push(']');
    Some(())
}

/// strace's comment after a time it sets: ` /* 2023-11-14T22:13:20.123456789+0000 */`,
/// in local time, the fraction (`part` of `per_sec`) only when not zero; nothing for
/// the epoch itself or a fraction out of range.
pub(crate) fn write_date_comment(out: &mut String, sec: i64, part: i64, per_sec: u64) {
    if (sec == 0 && part == 0) || part as u64 > per_sec - 1 {
        return;
    }
    let t: libc::time_t = sec;
    // SAFETY: `localtime_r` only writes the `tm` it is given.
    let tm = unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&t, &mut tm).is_null() {
            return;
        }
        tm
    };
    let _ = write!(
        out,
        " /* {:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        tm.tm_year as i64 + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    );
    if part > 0 {
        let width = per_sec.ilog10() as usize;
        let _ = write!(out, ".{part:0width$}");
    }
    let off = tm.tm_gmtoff / 60;
    let sign = if off < 0 { '-' } else { '+' };
    let _ = write!(out, "{sign}{:02}{:02} */", off.abs() / 60, off.abs() % 60);
}

/// `makedev(0x1, 0x3)` from a glibc-encoded `dev_t` (the number itself with `-X raw`,
/// both with `-X verbose`, as strace's `print_dev_t`).
pub(crate) fn write_makedev(out: &mut String, dev: u64) {
    // glibc's `major`/`minor`: 32-bit values.
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & 0xffff_f000);
    let minor = (dev & 0xff) | ((dev >> 12) & 0xffff_ff00);
    super::flags::styled(out, &hex(dev), |out| {
        let _ = write!(out, "makedev({}, {})", hex(major), hex(minor));
    });
}

/// C's `%#x`: zero has no prefix.
fn hex(v: u64) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

fn write_stat(out: &mut String, b: &Bytes) -> Option<()> {
    let at = tracer_common::STAT;
    let mode = b.u32(at.mode)? as u64;
    out.push_str("{st_mode=");
    flags::write_mode_t(out, mode);
    if matches!(mode & 0o170000, 0o020000 | 0o060000) {
        out.push_str(", st_rdev=");
        write_makedev(out, b.u64(at.rdev)?);
    } else {
        let _ = write!(out, ", st_size={}", b.i64(at.st_size)?);
    }
    out.push_str(", ...}");
    Some(())
}

/// `-v`: every field, with the times as strace dates them.
fn write_stat_verbose(out: &mut String, b: &Bytes) -> Option<()> {
    let mode = b.u32(24)? as u64;
    out.push_str("{st_dev=");
    write_makedev(out, b.u64(0)?);
    let _ = write!(out, ", st_ino={}, st_mode=", b.u64(8)?);
    flags::write_mode_t(out, mode);
    let _ = write!(
        out,
        ", st_nlink={}, st_uid={}, st_gid={}, st_blksize={}, st_blocks={}",
        b.u64(16)?,
        b.u32(28)?,
        b.u32(32)?,
        b.i64(56)?,
        b.i64(64)?
    );
    if matches!(mode & 0o170000, 0o020000 | 0o060000) {
        out.push_str(", st_rdev=");
        write_makedev(out, b.u64(40)?);
    } else {
        let _ = write!(out, ", st_size={}", b.i64(48)?);
    }
    for (name, off) in [("st_atime", 72), ("st_mtime", 88), ("st_ctime", 104)] {
        let (sec, nsec) = (b.i64(off)?, b.u64(off + 8)?);
        let _ = write!(out, ", {name}={sec}");
        write_time_comment(out, sec, nsec);
        let _ = write!(out, ", {name}_nsec={nsec}");
    }
    out.push('}');
    Some(())
}

/// strace's ` /* 2024-01-31T12:34:56.123456789+0000 */` after a time in seconds (local
/// time); nothing for the epoch itself.
pub(crate) fn write_time_comment(out: &mut String, sec: i64, nsec: u64) {
    if (sec == 0 && nsec == 0) || nsec > 999_999_999 {
        return;
    }
    let tm = crate::output::time::broken_down(sec, true);
    let _ = write!(
        out,
        " /* {:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        tm.tm_year + 1900,
        tm.tm_mon + 1,
        tm.tm_mday,
        tm.tm_hour,
        tm.tm_min,
        tm.tm_sec
    );
    if nsec > 0 {
        let _ = write!(out, ".{nsec:09}");
    }
    let offset = tm.tm_gmtoff;
    let sign = if offset < 0 { '-' } else { '+' };
    let offset = offset.abs();
    let _ = write!(
        out,
        "{sign}{:02}{:02} */",
        offset / 3600,
        offset % 3600 / 60
    );
}

/// `-v`'s statx: every field the mask says is filled, in strace's order.
fn write_statx_verbose(out: &mut String, b: &Bytes) -> Option<()> {
    const NLINK: u32 = 0x4;
    const UID: u32 = 0x8;
    const GID: u32 = 0x10;
    const TYPE_MODE: u32 = 0x3;
    const ATIME: u32 = 0x20;
    const MTIME: u32 = 0x40;
    const CTIME: u32 = 0x80;
    const INO: u32 = 0x100;
    const SIZE: u32 = 0x200;
    const BLOCKS: u32 = 0x400;
    const BTIME: u32 = 0x800;
    const MNT_ID: u32 = 0x1000;
    const DIOALIGN: u32 = 0x2000;
    const SUBVOL: u32 = 0x8000;
    const DIO_READ_ALIGN: u32 = 0x20000;
    const ATTR_WRITE_ATOMIC: u64 = 0x40_0000;
    let mask = b.u32(0)?;
    let attributes = b.u64(8)?;
    out.push_str("{stx_mask=");
    write_flags(out, mask as u64, flags::STATX_MASK, None, "STATX_???");
    let _ = write!(out, ", stx_blksize={}, stx_attributes=", b.u32(4)?);
    write_flags(out, attributes, flags::STATX_ATTRS, None, "STATX_ATTR_???");
    let id = |v: u32| {
        if v == u32::MAX {
            "-1".to_owned()
        } else {
            v.to_string()
        }
    };
    if mask & NLINK != 0 {
        let _ = write!(out, ", stx_nlink={}", b.u32(16)?);
    }
    if mask & UID != 0 {
        let _ = write!(out, ", stx_uid={}", id(b.u32(20)?));
    }
    if mask & GID != 0 {
        let _ = write!(out, ", stx_gid={}", id(b.u32(24)?));
    }
    if mask & TYPE_MODE != 0 {
        out.push_str(", stx_mode=");
        flags::write_mode_t(out, b.u16(28)? as u64);
    }
    if mask & INO != 0 {
        let _ = write!(out, ", stx_ino={}", b.u64(32)?);
    }
    if mask & SIZE != 0 {
        let _ = write!(out, ", stx_size={}", b.u64(40)?);
    }
    if mask & BLOCKS != 0 {
        let _ = write!(out, ", stx_blocks={}", b.u64(48)?);
    }
    out.push_str(", stx_attributes_mask=");
    write_flags(out, b.u64(56)?, flags::STATX_ATTRS, None, "STATX_ATTR_???");
    for (bit, name, off) in [
        (ATIME, "stx_atime", 64),
        (BTIME, "stx_btime", 80),
        (CTIME, "stx_ctime", 96),
        (MTIME, "stx_mtime", 112),
    ] {
        if mask & bit != 0 {
            let (sec, nsec) = (b.i64(off)?, b.u32(off + 8)?);
            let _ = write!(out, ", {name}={{tv_sec={sec}, tv_nsec={nsec}}}");
            write_time_comment(out, sec, nsec as u64);
        }
    }
    let _ = write!(
        out,
        ", stx_rdev_major={}, stx_rdev_minor={}, stx_dev_major={}, stx_dev_minor={}",
        b.u32(128)?,
        b.u32(132)?,
        b.u32(136)?,
        b.u32(140)?
    );
    if mask & MNT_ID != 0 {
        let _ = write!(out, ", stx_mnt_id={}", hex(b.u64(144)?));
    }
    if mask & DIOALIGN != 0 {
        let _ = write!(
            out,
            ", stx_dio_mem_align={}, stx_dio_offset_align={}",
            b.u32(152)?,
            b.u32(156)?
        );
    }
    if mask & SUBVOL != 0 {
        let _ = write!(out, ", stx_subvol={}", hex(b.u64(160)?));
    }
    if attributes & ATTR_WRITE_ATOMIC != 0 {
        let _ = write!(
            out,
            ", stx_atomic_write_unit_min={}, stx_atomic_write_unit_max={}, \
             stx_atomic_write_segments_max={}",
            b.u32(168)?,
            b.u32(172)?,
            b.u32(176)?
        );
    }
    if mask & DIO_READ_ALIGN != 0 {
        let _ = write!(out, ", stx_dio_read_offset_align={}", b.u32(180)?);
    }
    if attributes & ATTR_WRITE_ATOMIC != 0 {
        let _ = write!(out, ", stx_atomic_write_unit_max_opt={}", b.u32(184)?);
    }
    out.push('}');
    Some(())
}

fn write_statx(out: &mut String, b: &Bytes) -> Option<()> {
    out.push_str("{stx_mask=");
    write_flags(out, b.u32(0)? as u64, flags::STATX_MASK, None, "STATX_???");
    out.push_str(", stx_attributes=");
    write_flags(out, b.u64(8)?, flags::STATX_ATTRS, None, "STATX_ATTR_???");
    out.push_str(", stx_mode=");
    flags::write_mode_t(out, b.u16(28)? as u64);
    let _ = write!(out, ", stx_size={}, ...}}", b.u64(40)?);
    Some(())
}

const FS_MAGICS: flags::Xlat = &[
    (0xef53, "EXT2_SUPER_MAGIC"),
    (0x0102_1994, "TMPFS_MAGIC"),
    (0x9fa0, "PROC_SUPER_MAGIC"),
    (0x6265_6572, "SYSFS_MAGIC"),
    (0x6367_7270, "CGROUP2_SUPER_MAGIC"),
    (0x794c_7630, "OVERLAYFS_SUPER_MAGIC"),
    (0x9123_683e, "BTRFS_SUPER_MAGIC"),
    (0x5846_5342, "XFS_SUPER_MAGIC"),
    (0x1cd1, "DEVPTS_SUPER_MAGIC"),
    (0x6969, "NFS_SUPER_MAGIC"),
    (0x0102_1997, "V9FS_MAGIC"),
    (0x6573_5546, "FUSE_SUPER_MAGIC"),
    (0x7372_7279, "SECURITYFS_MAGIC"),
    (0xcafe_4a11, "BPF_FS_MAGIC"),
    (0x7472_6163, "TRACEFS_MAGIC"),
    (0x6462_6720, "DEBUGFS_MAGIC"),
    (0x4d44, "MSDOS_SUPER_MAGIC"),
    (0x2fc1_2fc1, "ZFS_SUPER_MAGIC"),
    (0x5346_544e, "NTFS_SB_MAGIC"),
    (0x7375_7245, "CODA_SUPER_MAGIC"),
    (0x0000_9660, "ISOFS_SUPER_MAGIC"),
    (0x7363_6673, "SQUASHFS_MAGIC"),
    (0x2801_1994, "RAMFS_MAGIC"),
];

const ST_FLAGS: flags::Xlat = &[
    (1, "ST_RDONLY"),
    (2, "ST_NOSUID"),
    (4, "ST_NODEV"),
    (8, "ST_NOEXEC"),
    (16, "ST_SYNCHRONOUS"),
    (32, "ST_VALID"),
    (64, "ST_MANDLOCK"),
    (1024, "ST_NOATIME"),
    (2048, "ST_NODIRATIME"),
    (4096, "ST_RELATIME"),
    (0x2000, "ST_NOSYMFOLLOW"),
];

fn write_statfs(out: &mut String, b: &Bytes) -> Option<()> {
    out.push_str("{f_type=");
    let ty = b.u64(0)?;
    match flags::lookup(FS_MAGICS, ty) {
        Some(name) => out.push_str(name),
        None => out.push_str(&hex(ty)),
    }
    let _ = write!(
        out,
        ", f_bsize={}, f_blocks={}, f_bfree={}, f_bavail={}, f_files={}, f_ffree={}, \
         f_fsid={{val=[{}, {}]}}, f_namelen={}, f_frsize={}, f_flags=",
        b.i64(8)?,
        b.u64(16)?,
        b.u64(24)?,
        b.u64(32)?,
        b.u64(40)?,
        b.u64(48)?,
        hex(b.u32(56)? as u64),
        hex(b.u32(60)? as u64),
        b.i64(64)?,
        b.i64(72)?,
    );
    write_flags(out, b.u64(80)?, ST_FLAGS, None, "ST_???");
    out.push('}');
    Some(())
}

/// A `clock_t` in ticks, with the seconds they make as strace's `print_clock_t` adds
/// them: `25 /* 0.25 s */` (none for 0 or under `-X raw`).
fn write_clock_t(out: &mut String, ticks: u64) {
    let _ = write!(out, "{ticks}");
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz <= 0 || ticks == 0 || flags::style() == super::XlatStyle::Raw {
        return;
    }
    let hz = hz as u64;
    let width = hz.ilog10() as usize;
    let _ = write!(out, " /* {}.{:0width$} s */", ticks / hz, ticks % hz);
}

/// `struct rusage`: the user and system times, then (`-v`) every counter.
fn write_rusage(out: &mut String, b: &Bytes, abbreviate: bool) -> Option<()> {
    out.push_str("{ru_utime=");
    write_time(out, b, "tv_usec")?;
    out.push_str(", ru_stime=");
    write_time(out, &Bytes(b.0.get(16..)?), "tv_usec")?;
    if abbreviate {
        out.push_str(", ...}");
        return Some(());
    }
    const COUNTERS: [&str; 14] = [
        "ru_maxrss",
        "ru_ixrss",
        "ru_idrss",
        "ru_isrss",
        "ru_minflt",
        "ru_majflt",
        "ru_nswap",
        "ru_inblock",
        "ru_oublock",
        "ru_msgsnd",
        "ru_msgrcv",
        "ru_nsignals",
        "ru_nvcsw",
        "ru_nivcsw",
    ];
    for (n, name) in COUNTERS.iter().enumerate() {
        let _ = write!(out, ", {name}={}", b.u64(32 + 8 * n)?);
    }
    out.push('}');
    Some(())
}

fn write_time(out: &mut String, b: &Bytes, frac: &str) -> Option<()> {
    // strace prints the fraction unsigned (a negative one shows as a huge number).
    let _ = write!(out, "{{tv_sec={}, {frac}={}}}", b.i64(0)?, b.u64(8)?);
    Some(())
}

fn write_sigaction(out: &mut String, b: &Bytes) -> Option<()> {
    const SA_RESTORER: u64 = 0x0400_0000;
    let (handler, sa_flags, restorer, mask) = (b.u64(0)?, b.u64(8)?, b.u64(16)?, b.u64(24)?);
    out.push_str("{sa_handler=");
    match handler {
        0 => flags::styled(out, "0", |out| out.push_str("SIG_DFL")),
        1 => flags::styled(out, "0x1", |out| out.push_str("SIG_IGN")),
        _ => {
            let _ = write!(out, "{handler:#x}");
        }
    }
    out.push_str(", sa_mask=");
    flags::write_sigmask(out, mask);
    out.push_str(", sa_flags=");
    write_flags(out, sa_flags, flags::SA_FLAGS, None, "SA_???");
    if sa_flags & SA_RESTORER != 0 {
        out.push_str(", sa_restorer=");
        super::strings::write_addr(out, restorer);
    }
    out.push('}');
    Some(())
}

/// strace shows limits that are whole KiB as `N*1024`.
fn write_rlim(out: &mut String, v: u64) {
    flags::styled(out, &v.to_string(), |out| {
        let _ = match v {
            u64::MAX => write!(out, "RLIM64_INFINITY"),
            v if v > 1024 && v % 1024 == 0 => write!(out, "{}*1024", v / 1024),
            v => write!(out, "{v}"),
        };
    });
}

pub(crate) fn write_epoll_event(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let (events, data) = (b.u32(off)?, b.u64(off + tracer_common::EPOLL_EVENT.data)?);
    out.push_str("{events=");
    write_flags(out, events as u64, flags::EPOLL_EVENTS, None, "EPOLL???");
    let _ = write!(out, ", data={{u32={}, u64={data}}}}}", data as u32);
    Some(())
}

fn write_sysinfo(out: &mut String, b: &Bytes) -> Option<()> {
    let _ = write!(
        out,
        "{{uptime={}, loads=[{}, {}, {}], totalram={}, freeram={}, sharedram={}, \
         bufferram={}, totalswap={}, freeswap={}, procs={}, totalhigh={}, freehigh={}, \
         mem_unit={}}}",
        b.i64(0)?,
        b.u64(8)?,
        b.u64(16)?,
        b.u64(24)?,
        b.u64(32)?,
        b.u64(40)?,
        b.u64(48)?,
        b.u64(56)?,
        b.u64(64)?,
        b.u64(72)?,
        b.u16(80)?,
        b.u64(88)?,
        b.u64(96)?,
        b.u32(104)?,
    );
    Some(())
}

/// A `wait` status as strace spells it: the macros that are true of it.
fn write_wait_status(out: &mut String, status: i32) {
    let sig = |out: &mut String, s: i32| flags::write_signal(out, s);
    out.push_str("[{");
    let low = status & 0x7f;
    if low == 0 {
        let _ = write!(
            out,
            "WIFEXITED(s) && WEXITSTATUS(s) == {}",
            (status >> 8) & 0xff
        );
    } else if status & 0xff == 0x7f {
        out.push_str("WIFSTOPPED(s) && WSTOPSIG(s) == ");
        sig(out, (status >> 8) & 0xff);
    } else if status == 0xffff {
        out.push_str("WIFCONTINUED(s)");
    } else {
        out.push_str("WIFSIGNALED(s) && WTERMSIG(s) == ");
        sig(out, low);
        if status & 0x80 != 0 {
            out.push_str(" && WCOREDUMP(s)");
        }
    }
    out.push_str("}]");
    let event = (status as u32) >> 16;
    if event != 0 {
        let _ = write!(out, " | {event:#x} << 16");
    }
}

/// A socket address of `data.len()` bytes.
pub fn write_sockaddr(out: &mut String, data: &[u8], opts: &DecodeOptions) -> Option<()> {
    super::sockaddr::write(out, data, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(kind: StructKind, data: &[u8]) -> Option<String> {
        let mut s = String::new();
        write_struct(&mut s, kind, data, &DecodeOptions::default()).map(|_| s)
    }

    fn put(buf: &mut [u8], off: usize, bytes: &[u8]) {
        buf[off..off + bytes.len()].copy_from_slice(bytes);
    }

    #[test]
    fn stat() {
        // The build target's layout (x86_64: 144 bytes, st_mode at 24, st_rdev at 40;
        // arm64: 128, 16, 32).
        let at = tracer_common::STAT;
        let mut st = vec![0u8; at.size as usize];
        put(&mut st, at.mode, &0o100644u32.to_le_bytes());
        put(&mut st, at.st_size, &33827i64.to_le_bytes());
        assert_eq!(
            decode(StructKind::Stat, &st).unwrap(),
            "{st_mode=S_IFREG|0644, st_size=33827, ...}"
        );
        put(&mut st, at.mode, &0o20666u32.to_le_bytes());
        put(&mut st, at.rdev, &0x103u64.to_le_bytes());
        assert_eq!(
            decode(StructKind::Stat, &st).unwrap(),
            "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}"
        );
        assert_eq!(decode(StructKind::Stat, &st[..100]), None, "short capture");
    }

    #[test]
    fn verbose_stat_and_uname() {
        let verbose = DecodeOptions {
            abbreviate: false,
            ..Default::default()
        };
        let mut st = [0u8; 144];
        put(&mut st, 0, &0xfe00u64.to_le_bytes());
        put(&mut st, 8, &372u64.to_le_bytes());
        put(&mut st, 16, &1u64.to_le_bytes());
        put(&mut st, 24, &0o100644u32.to_le_bytes());
        put(&mut st, 48, &36451i64.to_le_bytes());
        put(&mut st, 56, &4096i64.to_le_bytes());
        put(&mut st, 64, &72i64.to_le_bytes());
        let mut s = String::new();
        write_struct(&mut s, StructKind::Stat, &st, &verbose).unwrap();
        assert_eq!(
            s,
            "{st_dev=makedev(0xfe, 0), st_ino=372, st_mode=S_IFREG|0644, st_nlink=1, \
             st_uid=0, st_gid=0, st_blksize=4096, st_blocks=72, st_size=36451, \
             st_atime=0, st_atime_nsec=0, st_mtime=0, st_mtime_nsec=0, st_ctime=0, \
             st_ctime_nsec=0}"
        );
        let mut u = [0u8; 390];
        for (i, v) in ["Linux", "vm", "6.1", "#1", "x86_64", "(none)"]
            .iter()
            .enumerate()
        {
            put(&mut u, i * 65, v.as_bytes());
        }
        let mut s = String::new();
        write_struct(&mut s, StructKind::Utsname, &u, &verbose).unwrap();
        assert_eq!(
            s,
            r##"{sysname="Linux", nodename="vm", release="6.1", version="#1", machine="x86_64", domainname="(none)"}"##
        );
    }

    #[test]
    fn statx() {
        let mut stx = [0u8; 256];
        put(&mut stx, 0, &0x17ffu32.to_le_bytes());
        put(&mut stx, 8, &0x2000u64.to_le_bytes());
        put(&mut stx, 28, &0o40755u16.to_le_bytes());
        put(&mut stx, 40, &4096u64.to_le_bytes());
        assert_eq!(
            decode(StructKind::Statx, &stx).unwrap(),
            "{stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=STATX_ATTR_MOUNT_ROOT, \
             stx_mode=S_IFDIR|0755, stx_size=4096, ...}"
        );
    }

    #[test]
    fn small_structs() {
        let ts = [1i64.to_le_bytes(), 500i64.to_le_bytes()].concat();
        assert_eq!(
            decode(StructKind::Timespec, &ts).unwrap(),
            "{tv_sec=1, tv_nsec=500}"
        );
        assert_eq!(
            decode(StructKind::Timeval, &ts).unwrap(),
            "{tv_sec=1, tv_usec=500}"
        );
        let rl = [(8192u64 * 1024).to_le_bytes(), u64::MAX.to_le_bytes()].concat();
        assert_eq!(
            decode(StructKind::Rlimit, &rl).unwrap(),
            "{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}"
        );
        assert_eq!(
            decode(StructKind::IntPtr, &16i32.to_le_bytes()).unwrap(),
            "[16]"
        );
        let pair = [3i32.to_le_bytes(), 4i32.to_le_bytes()].concat();
        assert_eq!(decode(StructKind::FdPair, &pair).unwrap(), "[3, 4]");
        assert_eq!(
            decode(StructKind::Sigset, &0u64.to_le_bytes()).unwrap(),
            "[]"
        );
        let wait = |s: i32| decode(StructKind::WaitStatus, &s.to_le_bytes()).unwrap();
        assert_eq!(wait(0), "[{WIFEXITED(s) && WEXITSTATUS(s) == 0}]");
        assert_eq!(wait(1 << 8), "[{WIFEXITED(s) && WEXITSTATUS(s) == 1}]");
        assert_eq!(wait(9), "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}]");
        assert_eq!(
            wait(0x8b),
            "[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]"
        );
        assert_eq!(wait(0x137f), "[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]");
    }

    #[test]
    fn sigaction() {
        let sa = [0u64, 0x1400_0000, 0x7f04_35d7_0050, 1 << 16]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>();
        assert_eq!(
            decode(StructKind::Sigaction, &sa).unwrap(),
            "{sa_handler=SIG_DFL, sa_mask=[CHLD], sa_flags=SA_RESTORER|SA_RESTART, \
             sa_restorer=0x7f0435d70050}"
        );
        let sa = [1u64, 0, 0, 0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect::<Vec<_>>();
        assert_eq!(
            decode(StructKind::Sigaction, &sa).unwrap(),
            "{sa_handler=SIG_IGN, sa_mask=[], sa_flags=0}"
        );
    }

    #[test]
    fn utsname() {
        let mut u = [0u8; 390];
        put(&mut u, 0, b"Linux");
        put(&mut u, 65, b"vm");
        assert_eq!(
            decode(StructKind::Utsname, &u).unwrap(),
            r#"{sysname="Linux", nodename="vm", ...}"#
        );
    }

    #[test]
    fn sockaddrs() {
        use std::net::Ipv6Addr;
        let sa = |d: &[u8]| {
            let mut s = String::new();
            write_sockaddr(&mut s, d, &DecodeOptions::default()).map(|_| s)
        };
        let mut un = vec![1, 0];
        un.extend_from_slice(b"/run/x.sock\0");
        assert_eq!(
            sa(&un).unwrap(),
            r#"{sa_family=AF_UNIX, sun_path="/run/x.sock"}"#
        );
        let abs = [&[1u8, 0, 0][..], b"abs"].concat();
        assert_eq!(sa(&abs).unwrap(), r#"{sa_family=AF_UNIX, sun_path=@"abs"}"#);
        let inet = [2, 0, 0, 80, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            sa(&inet).unwrap(),
            r#"{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}"#
        );
        let mut in6 = vec![10, 0, 1, 187, 0, 0, 0, 0];
        in6.extend_from_slice(&Ipv6Addr::LOCALHOST.octets());
        in6.extend_from_slice(&0u32.to_le_bytes());
        assert_eq!(
            sa(&in6).unwrap(),
            "{sa_family=AF_INET6, sin6_port=htons(443), sin6_flowinfo=htonl(0), \
             inet_pton(AF_INET6, \"::1\", &sin6_addr), sin6_scope_id=0}"
        );
        let nl = [16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(
            sa(&nl).unwrap(),
            "{sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}"
        );
        // Too short for its family: the bytes (strace's `sa_data`).
        assert_eq!(
            sa(&[2, 0, 0]).unwrap(),
            r#"{sa_family=AF_INET, sa_data="\0"}"#
        );
    }

    #[test]
    fn epoll_event() {
        // Packed on x86_64 (data at 4), aligned on arm64 (data at 8).
        let at = tracer_common::EPOLL_EVENT;
        let mut ev = vec![0u8; at.size as usize];
        put(&mut ev, 0, &1u32.to_le_bytes());
        put(&mut ev, at.data, &3u64.to_le_bytes());
        assert_eq!(
            decode(StructKind::EpollEvent, &ev).unwrap(),
            "{events=EPOLLIN, data={u32=3, u64=3}}"
        );
    }
}
