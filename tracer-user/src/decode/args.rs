//! Each argument as strace prints it, by its kind in the syscall table: plain numbers
//! here, named constants and flag sets in [`write_named`], memory the call points at
//! in [`write_memory`].

use std::fmt::Write;

use super::{
    DecodeOptions, clone, fcntl,
    fcntl::FcntlArg,
    fdset,
    flags::{self, Xlat, write_enum, write_flags},
    futex::futex_uses,
    in_out, ioctl,
    iovec::{self, Contents},
    ipc, netlink, prctl, reboot, sockopt, strings,
    strings::write_addr,
    structs, syslog, write_fd, write_hex, write_int, write_new_fd,
};
use crate::{
    event::{Capture, FdNames, Syscall as Call},
    syscalls::{ArgKind, Dir, StructKind, When},
};

const O_CREAT: u64 = 0o100;
/// `__NEW_UTS_LEN`: the longest host or domain name.
const UTS_LEN: u32 = 64;
const O_TMPFILE: u64 = 0o20000000;

/// Whether strace prints argument `i` at all: some only exist for certain commands.
pub(crate) fn visible(call: &Call, i: usize, kind: ArgKind) -> bool {
    match kind {
        ArgKind::OpenMode => call.args[i - 1] & (O_CREAT | O_TMPFILE) != 0,
        ArgKind::MqAttr => call.args[i - 2] & O_CREAT != 0,
        ArgKind::FcntlArg => fcntl::fcntl_arg(call.args[i - 1]) != FcntlArg::None,
        // mknod's device is a character or block device's.
        ArgKind::MknodDev => matches!(call.args[i - 1] & 0o170000, 0o020000 | 0o060000),
        // MREMAP_MAYMOVE|MREMAP_FIXED: the mapping moves to the new address.
        ArgKind::MremapNewAddr => call.args[i - 1] & 3 == 3,
        ArgKind::FutexVal => futex_uses(call).val,
        ArgKind::FutexTimeout => futex_uses(call).timeout.is_some(),
        ArgKind::FutexUaddr2 => futex_uses(call).uaddr2,
        ArgKind::FutexVal3 => futex_uses(call).val3,
        ArgKind::Unused => false,
        ArgKind::ArchPrctlArg => super::arch_prctl::visible(call),
        ArgKind::PrctlArg { n } => prctl::visible(call, n),
        ArgKind::KeyctlArg { n } => super::keyctl::visible(call, n),
        ArgKind::PtraceArg { n } => super::ptrace::visible(call, n),
        ArgKind::SyslogBuf | ArgKind::SyslogLen => syslog::visible(call),
        ArgKind::Reboot { n } => reboot::visible(call, n),
        ArgKind::QuotaId { cmd } => super::quota::visible(call, cmd, true),
        ArgKind::QuotaAddr { cmd } => super::quota::visible(call, cmd, false),
        // KCMP_VM, KCMP_FILES, KCMP_FS, KCMP_SIGHAND, KCMP_IO, KCMP_SYSVSEM compare
        // without them.
        ArgKind::KcmpIdx => !(1..=6).contains(&(call.args[2] as u32)),
        ArgKind::IoctlArg => ioctl::visible(call),
        _ => true,
    }
}

/// Argument `i` of `call`, of kind `kind`.
pub(crate) fn write_arg(
    out: &mut String,
    call: &Call,
    i: usize,
    kind: ArgKind,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let v = call.args[i];
    match kind {
        ArgKind::DirFd => write_fd(out, call.pid, v as i32, fds),
        // Only a directory descriptor names -100 `AT_FDCWD`.
        ArgKind::Fd => super::write_plain_fd(out, call.pid, v as i32, fds),
        // Never visible.
        ArgKind::Unused => {}
        ArgKind::Int => write_int(out, v as i32),
        // strace's futex.c prints `val` unsigned.
        ArgKind::FutexVal => write_int(out, v as u32),
        ArgKind::Pid => super::write_pid_arg(out, call, v as i32, opts),
        ArgKind::WhoPid { process, pgrp }
            if [process, pgrp]
                .map(i32::from)
                .contains(&(call.args[0] as i32)) =>
        {
            super::write_pid_arg(out, call, v as i32, opts)
        }
        ArgKind::WhoPid { .. } => write_int(out, v as i32),
        ArgKind::Long => write_int(out, v as i64),
        ArgKind::UInt => write_int(out, v as u32),
        ArgKind::ULong => write_int(out, v),
        ArgKind::Hex => write_hex(out, v),
        ArgKind::Hex32 => write_hex(out, v as u32 as u64),
        ArgKind::Uid => write_uid(out, v as u32),
        ArgKind::Named(n) => super::xlat::write_named(out, n, v),
        ArgKind::Ptr => write_addr(out, v),
        ArgKind::ArchPrctlArg => super::arch_prctl::write_arg(out, call, i, opts),
        ArgKind::PtraceArg { n } => super::ptrace::write_arg(out, call, n, opts, fds),
        ArgKind::LdtDesc => super::ldt::write_desc(out, call, i),
        ArgKind::ThreadArea { get } => super::ldt::write_thread_area(out, call, i, get, opts),
        ArgKind::Ioprio => super::ioprio::write_arg(out, v as u32),
        ArgKind::QuotaCmd => super::quota::write_qcmd(out, v as u32),
        ArgKind::FsconfigArg { n } => super::fsconfig::write_arg(out, call, n, opts, fds),
        ArgKind::KexecFlags => super::kexec::write_flags_arg(out, v),
        ArgKind::KexecSegments { count_arg } => {
            let count = call.args[count_arg as usize];
            if count > super::kexec::SEGMENT_MAX {
                return write_addr(out, v);
            }
            write_array(
                out,
                call.capture(i),
                v,
                count,
                32,
                opts,
                super::kexec::write_segment,
            );
        }
        ArgKind::SeccompArg { n } => super::seccomp::write_arg(out, call, n.into(), opts),
        ArgKind::QuotaId { cmd } => super::quota::write_id(out, call, i, cmd),
        ArgKind::QuotaAddr { cmd } => super::quota::write_addr_arg(out, call, i, cmd, opts),
        // `fanotify_mark`'s directory: -1 is FAN_NOFD.
        ArgKind::FanDirFd if v as i32 == -1 => {
            flags::styled(out, "-1", |out| out.push_str("FAN_NOFD"))
        }
        ArgKind::FanDirFd => write_fd(out, call.pid, v as i32, fds),
        // `kcmp`'s indexes are descriptors for KCMP_FILE, else numbers strace shows in hex.
        // KCMP_FILE's two descriptors, KCMP_EPOLL_TFD's first.
        // (Descriptors of `pid1` and `pid2`.)
        ArgKind::KcmpIdx if call.args[2] as u32 == 0 || (call.args[2] as u32 == 7 && i == 3) => {
            let owner = super::other_fds::kcmp_owner(call, i - 3);
            super::write_plain_fd(out, owner, v as i32, fds)
        }
        // KCMP_EPOLL_TFD's `struct kcmp_epoll_slot`, read at entry.
        ArgKind::KcmpIdx if call.args[2] as u32 == 7 => {
            let slot = call
                .captures
                .iter()
                .find(|c| c.arg as usize == i && !c.fault && v != 0)
                .map(|c| structs::Bytes(&c.data));
            match slot.and_then(|b| Some((b.i32(0)?, b.i32(4)?, b.u32(8)?))) {
                Some((efd, tfd, toff)) => {
                    let _ = write!(out, "{{efd={efd}, tfd={tfd}, toff={toff}}}");
                }
                None => write_addr(out, v),
            }
        }
        ArgKind::KcmpIdx => write_hex(out, v),
        // What the call returned is a copy of it: named the same, even once the process
        // is gone; else as the pidfd's process has it.
        ArgKind::PidfdTargetFd => match call.success() {
            Some(ret) => {
                write_int(out, v as i32);
                if let Some(name) = fds.and_then(|f| f.result_name(call.pid, ret as i32)) {
                    super::write_fd_name(out, name);
                }
            }
            None => match super::other_fds::pidfd_target(call) {
                Some(target) => super::write_plain_fd(out, target, v as i32, fds),
                None => write_int(out, v as i32),
            },
        },
        ArgKind::MountFlags => {
            const MS_MGC_VAL: u64 = 0xc0ed_0000;
            let (magic, rest) = if v & 0xffff_0000 == MS_MGC_VAL {
                (true, v & !0xffff_0000)
            } else {
                (false, v)
            };
            if magic {
                flags::styled(out, "0xc0ed0000", |out| out.push_str("MS_MGC_VAL"));
                if rest != 0 {
                    out.push('|');
                }
            }
            if rest != 0 || !magic {
                write_flags(out, rest, flags::MOUNT_FLAGS, None, "MS_???");
            }
        }
        ArgKind::SwapFlags => {
            // SWAP_FLAG_PRIO_MASK: the priority, printed after the flags.
            let (flags, prio) = (v as u32 & !0x7fff, v as u32 & 0x7fff);
            if flags != 0 {
                write_flags(out, flags as u64, flags::SWAP_FLAGS, None, "SWAP_FLAG_???");
                out.push('|');
            }
            write_int(out, prio);
        }
        // A copy the kernel made at entry, lost with its record: say so, not a pointer.
        _ if call
            .capture(i)
            .is_some_and(|c| c.kind == tracer_common::capture::ENTRY_LOST) =>
        {
            out.push_str("<entry lost>");
        }
        // A named constant or flag set, else something printed from memory.
        kind => {
            if !write_named(out, call, i, kind) {
                write_memory(out, call, i, kind, opts, fds);
            }
        }
    }
}

/// An argument printed from tracee memory.
fn write_memory(
    out: &mut String,
    call: &Call,
    i: usize,
    kind: ArgKind,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let v = call.args[i];
    let cap = call.capture(i);
    if !opts.dereference && is_structured(kind) {
        // `-e verbose=` without this syscall: strace reads no structure or array.
        return write_addr(out, v);
    }
    // A socket buffer of netlink messages (the whole of it copied), as strace decodes it.
    let netlink = |out: &mut String, len: u64| {
        let Some(proto) = netlink::socket_protocol(call, fds) else {
            return false;
        };
        let Some(c) = cap.filter(|c| !c.fault && v != 0) else {
            return false;
        };
        let buf = netlink::Buffer {
            data: &c.data[..c.data.len().min(len as usize)],
            len: len as usize,
            addr: v,
        };
        // `sendto`'s buffer is copied whole, the others up to `-s`.
        let copy_limit = match kind {
            ArgKind::SockBufIn { .. } => tracer_common::MAX_CAPTURE,
            _ => opts.string_limit,
        };
        let ctx = netlink::Ctx::new(opts, call.pid, fds);
        netlink::write_messages(out, buf, proto, &ctx, copy_limit)
    };
    match kind {
        ArgKind::Path => strings::write_cstr(out, cap, v, None, opts),
        ArgKind::Str => strings::write_cstr(out, cap, v, Some(opts.string_limit), opts),
        ArgKind::StrUpTo { max } => strings::write_str_upto(out, cap, v, max, opts),
        ArgKind::MountStr { data } => {
            // MS_MGC_MSK/MS_MGC_VAL, MS_REMOUNT; MS_BIND|MS_MOVE|MS_SHARED|MS_PRIVATE|
            // MS_SLAVE|MS_UNBINDABLE.
            let mut mflags = call.args[3];
            if mflags & 0xffff_0000 == 0xc0ed_0000 {
                mflags &= !0xffff_0000;
            }
            let moves = mflags & (0x1000 | 0x2000 | 0x10_0000 | 0x4_0000 | 0x8_0000 | 0x2_0000);
            let ignored = if data {
                mflags & 0x20 == 0 && moves != 0
            } else {
                mflags & 0x20 != 0 || moves != 0
            };
            if ignored {
                write_addr(out, v)
            } else {
                strings::write_cstr(out, cap, v, Some(opts.string_limit), opts)
            }
        }
        ArgKind::UtsName if call.args[1] as u32 > UTS_LEN => write_addr(out, v),
        ArgKind::UtsName => {
            strings::write_buf(out, cap, v, call.args[1] as u32 as u64, opts, false)
        }
        ArgKind::BufIn { len_arg } | ArgKind::SockBufIn { len_arg } => {
            let len = call.args[len_arg as usize];
            if !netlink(out, len) {
                strings::write_buf(out, cap, v, len, opts, false)
            }
        }
        // `recvfrom` with `MSG_TRUNC` returns the datagram's length: strace shows what
        // the buffer holds.
        ArgKind::BufOut | ArgKind::HexBufOut => {
            match call
                .success()
                .map(|n| match crate::syscalls::name(call.nr) {
                    Some("recvfrom") => n.min(call.args[2]),
                    _ => n,
                }) {
                Some(len) if kind == ArgKind::BufOut && netlink(out, len) => {}
                Some(len) => strings::write_buf(out, cap, v, len, opts, kind == ArgKind::HexBufOut),
                None => write_addr(out, v),
            }
        }
        ArgKind::XattrValue { dir } => {
            const XATTR_SIZE_MAX: u64 = 65536;
            let len = match dir {
                Dir::In => Some(call.args[i + 1]),
                Dir::Out => call.success(),
            };
            match len.filter(|&n| n <= XATTR_SIZE_MAX) {
                Some(len) => {
                    // strace's QUOTE_OMIT_TRAILING_0.
                    let nul = cap.filter(|c| !c.fault).is_some_and(|c| {
                        len > 0 && c.data.len() >= len as usize && c.data[len as usize - 1] == 0
                    });
                    strings::write_buf(out, cap, v, len - u64::from(nul), opts, false)
                }
                None => write_addr(out, v),
            }
        }
        ArgKind::XattrList => match call.success().filter(|_| call.args[i + 1] != 0) {
            Some(len) => strings::write_buf(out, cap, v, len, opts, false),
            None => write_addr(out, v),
        },
        ArgKind::PathOut => match (call.success(), cap) {
            (Some(_), Some(c)) if !c.fault => {
                let path = c.data.strip_suffix(b"\0").unwrap_or(&c.data);
                strings::quote(out, path, opts.hex, false);
            }
            _ => write_addr(out, v),
        },
        ArgKind::FdSet => fdset::write_fdset_arg(out, call, i, fds),
        ArgKind::Iovec { count_arg, dir } => {
            let contents = match dir {
                Dir::In => Contents::Data(u64::MAX),
                Dir::Out => call.success().map_or(Contents::Addresses, Contents::Data),
            };
            let count = call.args[count_arg as usize];
            iovec::write_iovec(out, cap, v, count, contents, opts);
        }
        ArgKind::FutexWaiters { count_arg } => {
            let count = call.args[count_arg as usize] as u32 as u64;
            super::futex::write_waiters(out, cap, v, count, opts.string_limit);
        }
        ArgKind::IovecAddrs { count_arg } => {
            let count = call.args[count_arg as usize];
            iovec::write_iovec_addrs(out, cap, v, count, opts);
        }
        // (Where the plan's copy failed, what the ptrace backend read of the array.)
        ArgKind::StrArray if super::argv::write_argv(out, call, cap, v, opts) => {}
        ArgKind::StrArray => strings::write_strv(out, cap, v, opts),
        // The strings themselves when the plan copied them (`-v`), else their count.
        ArgKind::EnvArray => match cap {
            Some(c) if c.kind == tracer_common::capture::STRV => {
                if !super::argv::write_argv(out, call, cap, v, opts) {
                    strings::write_strv(out, cap, v, opts)
                }
            }
            _ if super::argv::write_envc(out, call, cap, v) => {}
            _ => strings::write_ptrv_count(out, cap, v),
        },
        ArgKind::PrctlArg { n } => prctl::write_arg(out, call, i, n, opts),
        ArgKind::KeyctlArg { n } => super::keyctl::write_arg(out, call, i, n, opts),
        ArgKind::BpfAttr => super::bpf::write_attr(out, call, opts, fds),
        ArgKind::IoctlArg => ioctl::write_arg(out, call, i, opts, fds),
        ArgKind::SyslogBuf => syslog::write_buf(out, call, i, opts),
        ArgKind::Reboot { n } => reboot::write_arg(out, call, n, opts),
        ArgKind::FcntlArg => fcntl::write_arg(out, call, i),
        ArgKind::OffInOut => write_off_in_out(out, call, i),
        ArgKind::IpcBuf {
            ipc: family,
            cmd_arg,
        } => ipc::write_buf(out, call, i, family, cmd_arg),
        ArgKind::Msgbuf { len_arg, dir } => ipc::write_msgbuf(out, call, i, len_arg, dir, opts),
        ArgKind::Mmsghdrs { dir } => iovec::write_mmsghdrs(out, call, i, dir == Dir::In, opts),
        ArgKind::Sembufs { count_arg } => {
            let count = call.args[count_arg as usize] as u32 as u64;
            let size = crate::syscalls::layout::SEMBUF_SIZE as usize;
            write_array(out, cap, v, count, size, opts, ipc::write_sembuf);
        }
        ArgKind::Struct(StructKind::Msghdr, w) => {
            let named = fds
                .and_then(|f| f.fd_name(call.pid, call.args[0] as i32))
                .and_then(netlink::protocol_from_name);
            iovec::write_msghdr(out, call, i, w == When::ExitOk, opts, named, fds)
        }
        ArgKind::Struct(StructKind::CapHeader, _) => {
            super::capability::write_header(out, call, i, opts)
        }
        ArgKind::Struct(StructKind::CapData, _) => super::capability::write_data(out, call, i),
        ArgKind::Struct(StructKind::CloneArgs, _) => clone::write_clone3(out, call, i, opts),
        ArgKind::Struct(StructKind::Iocb, _) => {
            let header = cap
                .filter(|c| !c.fault && !c.truncated && v != 0)
                .and_then(|c| {
                    let mut s = String::new();
                    super::aio::write_iocb_header(&mut s, &structs::Bytes(&c.data), call.pid, fds)
                        .map(|()| s)
                });
            match header {
                Some(s) => out.push_str(&s),
                None => write_addr(out, v),
            }
        }
        ArgKind::Struct(StructKind::UringParams, _) => {
            super::uring_setup::write_params(out, call, i, fds)
        }
        ArgKind::Struct(StructKind::MountAttr, _) => {
            super::mount_attr::write_arg(out, call, i, opts, fds)
        }
        ArgKind::SchedAttr { dir } => super::sched::write_arg(out, call, i, dir == Dir::In, opts),
        ArgKind::MqAttr => match cap.filter(|c| !c.fault && !c.truncated && v != 0) {
            Some(c)
                if super::posix_ipc::write_mq_attr(out, &structs::Bytes(&c.data), false)
                    .is_some() => {}
            _ => write_addr(out, v),
        },
        // The two new descriptors, named as results are (`[3<pipe:[N]>, 4<pipe:[N]>]`).
        ArgKind::Struct(StructKind::FdPair, _) if fds.is_some() => {
            let pair = call
                .capture(i)
                .filter(|c| !c.fault && call.success().is_some())
                .and_then(|c| {
                    Some((
                        structs::Bytes(&c.data).i32(0)?,
                        structs::Bytes(&c.data).i32(4)?,
                    ))
                });
            match pair {
                Some((a, b)) => {
                    out.push('[');
                    write_new_fd(out, call.pid, a, fds);
                    out.push_str(", ");
                    write_new_fd(out, call.pid, b, fds);
                    out.push(']');
                }
                None => write_struct_arg(out, call, i, StructKind::FdPair, opts, fds),
            }
        }
        ArgKind::Struct(sk, _) => write_struct_arg(out, call, i, sk, opts, fds),
        ArgKind::SigframeMask => match cap
            .filter(|c| !c.fault)
            .and_then(|c| structs::Bytes(&c.data).u64(0))
        {
            Some(mask) => {
                out.push_str("{mask=");
                flags::write_sigmask(out, mask);
                out.push('}');
            }
            None => write_addr(out, v),
        },
        // Meaningful only when a signal interrupted the sleep (strace's `is_erestart`:
        // ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND, ERESTART_RESTARTBLOCK).
        // `clock_nanosleep` (the fourth argument) with flags (TIMER_ABSTIME) leaves it.
        ArgKind::SigsetSized => write_sigset_sized(out, call.followed(i), v),
        ArgKind::Iocbs { count_arg } => {
            super::aio::write_iocbs(out, call, v, call.args[count_arg as usize], opts, fds)
        }
        ArgKind::IoEvents => match call.success() {
            Some(n) => {
                let size = StructKind::IoEvent.size() as usize;
                write_array(out, cap, v, n, size, opts, super::aio::write_io_event);
            }
            None => write_addr(out, v),
        },
        ArgKind::PerfEventAttr => super::perf::write_attr(out, call, i, opts),
        ArgKind::UringRegisterArg => {
            let count = call.args[3] as u32 as u64;
            // The array (an entry copy the mapping's end cut is taken again at exit, after
            // the struct's).
            let cap = call
                .captures
                .iter()
                .find(|c| c.arg as usize == i && c.kind == tracer_common::capture::BUF)
                .or(cap);
            let header = call
                .captures
                .iter()
                .find(|c| c.arg as usize == i && c.kind == tracer_common::capture::FIXED)
                .filter(|c| !c.fault && v != 0);
            // strace's `print_array`: `[]` for no elements, the address when not even
            // the first is readable.
            let elems = |size: usize| {
                let first = cap.is_some_and(|c| c.data.len() >= size);
                (count == 0 && v != 0) || first
            };
            if super::uring_setup::write_register_arg(out, call, opts, fds) {
                return;
            }
            match call.args[1] as u32 {
                // IORING_REGISTER_BUFFERS
                0 => iovec::write_iovec_addrs(out, cap, v, count, opts),
                2 | 4 | 7 | 11 | 20 | 21
                    if !elems(if matches!(call.args[1] as u32, 11 | 20 | 21) {
                        16
                    } else {
                        4
                    }) =>
                {
                    write_addr(out, v)
                }
                2 | 4 | 7 | 11 | 20 | 21 if count == 0 => out.push_str("[]"),
                // IORING_REGISTER_FILES, _EVENTFD, _EVENTFD_ASYNC
                2 | 4 | 7 => write_array(out, cap, v, count, 4, opts, |s, b, at| {
                    super::write_plain_fd(s, call.pid, b.i32(at)?, fds);
                    Some(())
                }),
                // IORING_REGISTER_RESTRICTIONS
                11 => write_array(out, cap, v, count, 16, opts, |s, b, at| {
                    super::uring_setup::write_restriction(s, b, at)
                }),
                // IORING_REGISTER_RING_FDS, IORING_UNREGISTER_RING_FDS
                20 | 21 => write_array(out, cap, v, count, 16, opts, |s, b, at| {
                    let register = call.args[1] as u32 == 20;
                    super::uring_setup::write_ring_fd(s, b, at, register, call.pid, fds)
                }),
                // IORING_REGISTER_PBUF_RING, IORING_UNREGISTER_PBUF_RING
                22 | 23 => {
                    let mut s = String::new();
                    match header.and_then(|c| {
                        super::uring_setup::write_buf_reg(&mut s, &structs::Bytes(&c.data))
                    }) {
                        Some(()) => out.push_str(&s),
                        None => write_addr(out, v),
                    }
                }
                _ => write_addr(out, v),
            }
        }
        ArgKind::SleepLeft if i == 3 && call.args[1] != 0 => write_addr(out, v),
        ArgKind::SleepLeft => match call.ret {
            Some(-516 | -514 | -513 | -512) => {
                write_struct_arg(out, call, i, StructKind::Timespec, opts, fds)
            }
            _ => write_addr(out, v),
        },
        ArgKind::FutexTimeout => match futex_uses(call).timeout {
            Some(true) => write_struct_arg(out, call, i, StructKind::Timespec, opts, fds),
            // An unknown operation's: an address, as strace prints it.
            _ if call.args[1] & 127 > 13 => write_addr(out, v),
            _ => write_int(out, v as u32),
        },
        ArgKind::Dirents
            if cap.is_some_and(|c| c.kind == tracer_common::capture::BUF)
                && call.success().is_some_and(|n| n <= call.args[2]) =>
        {
            let is64 = crate::syscalls::name(call.nr) == Some("getdents64");
            super::dirent::write_dirents(out, cap, v, is64, opts);
        }
        ArgKind::Dirents => {
            write_addr(out, v);
            // Counted in the kernel; shown only when every record was.
            if let (Some(_), Some(c)) = (call.success(), cap)
                && !c.fault
                && !c.truncated
                && let Some(n) = structs::Bytes(&c.data).u32(0)
            {
                let _ = write!(out, " /* {n} entries */");
            }
        }
        ArgKind::GidsIn { .. }
        | ArgKind::GidsOut
        | ArgKind::AddrArray { .. }
        | ArgKind::IntArray { .. }
        | ArgKind::StatusArray { .. }
        | ArgKind::Nodemask { .. }
        | ArgKind::MpolModeOut
        | ArgKind::MincoreVec
        | ArgKind::PollFds { .. }
        | ArgKind::EpollEvents
        | ArgKind::CpuSetIn { .. }
        | ArgKind::CpuSetOut => write_array_arg(out, call, i, kind, opts, fds),
        ArgKind::SockaddrIn { .. }
        | ArgKind::SockLen
        | ArgKind::SockoptIn { .. }
        | ArgKind::SockoptOut => write_socket_arg(out, call, i, kind, opts, fds),
        _ => write_addr(out, v),
    }
}

/// Whether strace reads this argument as a structure or an array (which `-e verbose=`
/// turns off), rather than as a string or buffer.
fn is_structured(kind: ArgKind) -> bool {
    matches!(
        kind,
        ArgKind::Struct(..)
            | ArgKind::Mmsghdrs { .. }
            | ArgKind::Iovec { .. }
            | ArgKind::IovecAddrs { .. }
            | ArgKind::FutexWaiters { .. }
            | ArgKind::MqAttr
            | ArgKind::SchedAttr { .. }
            | ArgKind::StrArray
            | ArgKind::EnvArray
            | ArgKind::FdSet
            | ArgKind::PollFds { .. }
            | ArgKind::EpollEvents
            | ArgKind::GidsIn { .. }
            | ArgKind::GidsOut
            | ArgKind::AddrArray { .. }
            | ArgKind::IntArray { .. }
            | ArgKind::StatusArray { .. }
            | ArgKind::Nodemask { .. }
            | ArgKind::MpolModeOut
            | ArgKind::MincoreVec
            | ArgKind::BpfAttr
            | ArgKind::CpuSetIn { .. }
            | ArgKind::CpuSetOut
            | ArgKind::SockaddrIn { .. }
            | ArgKind::SockLen
            | ArgKind::SockoptIn { .. }
            | ArgKind::SockoptOut
            | ArgKind::SigframeMask
            | ArgKind::FutexTimeout
            | ArgKind::SleepLeft
            | ArgKind::SigsetSized
            | ArgKind::IoEvents
            | ArgKind::Iocbs { .. }
            | ArgKind::UringRegisterArg
            | ArgKind::PerfEventAttr
            | ArgKind::Dirents
    )
}

/// `{sigmask=[HUP], sigsetsize=8}`: the set's address where its size is not the
/// kernel's or it cannot be read (strace's `print_sigset_addr_len`).
fn write_sigset_sized(out: &mut String, cap: Option<&crate::event::Capture>, addr: u64) {
    let Some(b) = structs::readable(cap, addr) else {
        return write_addr(out, addr);
    };
    let (Some(ptr), Some(size)) = (b.u64(0), b.u64(8)) else {
        return write_addr(out, addr);
    };
    out.push_str("{sigmask=");
    match b.u64(16) {
        Some(set) if size == 8 && ptr != 0 => super::flags::write_sigmask(out, set),
        _ => write_addr(out, ptr),
    }
    let _ = write!(out, ", sigsetsize={size}}}");
}

/// An array the kernel reads or fills: group lists, poll and epoll entries, CPU sets.
fn write_array_arg(
    out: &mut String,
    call: &Call,
    i: usize,
    kind: ArgKind,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let v = call.args[i];
    let cap = call.capture(i);
    match kind {
        // strace's `print_nodemask`: the longs `maxnode - 1` bits take.
        // What a failed call did not fill.
        ArgKind::Nodemask { dir: Dir::Out, .. } if call.success().is_none() => write_addr(out, v),
        ArgKind::Nodemask { maxnode_arg, .. } => {
            let maxnode = call.args[maxnode_arg as usize];
            let longs = maxnode.checked_add(62).map(|n| n / 64);
            match longs {
                Some(n) if n > 0 || maxnode == 0 => {
                    write_array(out, cap, v, n, 8, opts, |out, b, off| {
                        match b.u64(off)? {
                            0 => out.push_str("0000000000000000"),
                            word => {
                                let _ = write!(out, "{word:#016x}");
                            }
                        }
                        Some(())
                    })
                }
                _ => write_addr(out, v),
            }
        }
        // A page's state in bit 0 of its byte.
        ArgKind::MincoreVec => match call.success() {
            Some(_) => {
                // SAFETY: sysconf reads a constant of the system.
                let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
                let pages = call.args[1].div_ceil(page);
                write_array(out, cap, v, pages, 1, opts, |out, b, off| {
                    write_int(out, b.0.get(off)? & 1);
                    Some(())
                })
            }
            None => write_addr(out, v),
        },
        ArgKind::MpolModeOut => match call
            .success()
            .and(structs::readable(cap, v))
            .and_then(|b| b.i32(0))
        {
            Some(mode) => {
                out.push('[');
                super::xlat::write_named(
                    out,
                    crate::syscalls::NamedSet::MpolMode,
                    mode as u32 as u64,
                );
                out.push(']');
            }
            None => write_addr(out, v),
        },
        ArgKind::AddrArray { count_arg } => {
            let count = call.args[count_arg as usize];
            write_array(out, cap, v, count, 8, opts, |out, b, off| {
                write_addr(out, b.u64(off)?);
                Some(())
            });
        }
        ArgKind::IntArray { count_arg } => {
            let count = call.args[count_arg as usize];
            write_array(out, cap, v, count, 4, opts, |out, b, off| {
                write_int(out, b.i32(off)?);
                Some(())
            });
        }
        // strace reads nothing of an empty array, whether the call failed or not.
        ArgKind::StatusArray { count_arg } if call.args[count_arg as usize] == 0 && v != 0 => {
            out.push_str("[]")
        }
        ArgKind::StatusArray { count_arg } => match call.success() {
            Some(_) => {
                let count = call.args[count_arg as usize];
                write_array(out, cap, v, count, 4, opts, |out, b, off| {
                    write_status(out, b.i32(off)?);
                    Some(())
                });
            }
            None => write_addr(out, v),
        },
        // More than NGROUPS_MAX: strace reads none.
        ArgKind::GidsIn { count_arg } if call.args[count_arg as usize] as u32 > 65536 => {
            write_addr(out, v)
        }
        ArgKind::GidsIn { count_arg } => {
            let count = call.args[count_arg as usize] as u32 as u64;
            write_array(out, cap, v, count, 4, opts, write_gid);
        }
        // The kernel wrote as many as it returned, none when asked for the count only.
        ArgKind::GidsOut => match call.success() {
            Some(n) => {
                let count = n.min(call.args[0] as u32 as u64);
                write_array(out, cap, v, count, 4, opts, write_gid);
            }
            None => write_addr(out, v),
        },
        // `nfds` is an `unsigned int`: the kernel ignores the upper bits.
        ArgKind::PollFds { count_arg } => write_array(
            out,
            cap,
            v,
            call.args[count_arg as usize] as u32 as u64,
            8,
            opts,
            |out, b, off| {
                out.push_str("{fd=");
                let fd = b.i32(off)?;
                super::write_plain_fd(out, call.pid, fd, fds);
                // The kernel ignores a negative descriptor's entry: strace shows no events.
                if fd < 0 {
                    out.push('}');
                    return Some(());
                }
                out.push_str(", events=");
                write_flags(
                    out,
                    b.u16(off + 4)? as u64,
                    flags::POLL_EVENTS,
                    None,
                    "POLL???",
                );
                out.push('}');
                Some(())
            },
        ),
        ArgKind::EpollEvents => match call.success() {
            Some(n) => {
                let size = tracer_common::EPOLL_EVENT.size as usize;
                write_array(out, cap, v, n, size, opts, structs::write_epoll_event)
            }
            None => write_addr(out, v),
        },
        ArgKind::CpuSetIn { .. } => match cap.filter(|c| !c.fault && v != 0) {
            Some(c) => flags::write_cpu_set(out, &c.data),
            None => write_addr(out, v),
        },
        ArgKind::CpuSetOut => match (call.success(), cap) {
            (Some(_), Some(c)) if !c.fault => flags::write_cpu_set(out, &c.data),
            _ => write_addr(out, v),
        },
        _ => write_addr(out, v),
    }
}

/// Socket addresses, their lengths and socket option values.
fn write_socket_arg(
    out: &mut String,
    call: &Call,
    i: usize,
    kind: ArgKind,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let v = call.args[i];
    let cap = call.capture(i);
    match kind {
        ArgKind::SockaddrIn { .. } => match cap.filter(|c| !c.fault && v != 0) {
            Some(c) => {
                let mut s = String::new();
                match structs::write_sockaddr(&mut s, &c.data, opts) {
                    Some(()) => {
                        // An AF_XDP address's last field, `sxdp_shared_umem_fd`, with
                        // what it names.
                        if let Some(name) = super::sockaddr::shared_umem_fd(&c.data)
                            .and_then(|fd| fds?.fd_name(call.pid, fd))
                        {
                            s.pop();
                            super::write_fd_name(&mut s, name);
                            s.push('}');
                        }
                        out.push_str(&s);
                    }
                    None => write_addr(out, v),
                }
            }
            None => write_addr(out, v),
        },
        ArgKind::SockLen => write_socklen(out, call, i),
        ArgKind::SockoptIn { .. } => sockopt::write_set(out, call, i, opts),
        ArgKind::SockoptOut => sockopt::write_get(out, call, i, opts),
        _ => write_addr(out, v),
    }
}

/// Writes `kind` if it is a named constant or flag set; false (writing nothing) if not.
fn write_named(out: &mut String, call: &Call, i: usize, kind: ArgKind) -> bool {
    let v = call.args[i];
    // strace's `printflags` and `printxval` take an `unsigned int`: the C types of these
    // arguments, whatever the register holds above them.
    let v32 = v as u32 as u64;
    let flags =
        |out: &mut String, table: Xlat, dflt: &str| write_flags(out, v32, table, None, dflt);
    match kind {
        ArgKind::OpenFlags => flags::write_open_flags(out, v32),
        // An `unsigned short`, all of it (`0100744` where the caller passed a type).
        ArgKind::Mode | ArgKind::OpenMode => flags::write_octal(out, v & 0xffff),
        ArgKind::FileMode => flags::write_mode_t(out, v & 0xffff),
        ArgKind::MknodDev | ArgKind::Dev => structs::write_makedev(out, v as u32 as u64),
        ArgKind::FlockOp => flags(out, flags::FLOCK_OPS, "LOCK_???"),
        ArgKind::MsyncFlags => flags(out, flags::MSYNC_FLAGS, "MS_???"),
        ArgKind::MlockallFlags => flags(out, flags::MLOCKALL_FLAGS, "MCL_???"),
        ArgKind::MlockFlags => flags(out, flags::MLOCK_FLAGS, "MLOCK_???"),
        ArgKind::SpliceFlags => flags(out, flags::SPLICE_FLAGS, "SPLICE_F_???"),
        ArgKind::MremapNewAddr => write_addr(out, v),
        ArgKind::ItimerWhich => write_enum(out, v as u32 as u64, flags::ITIMER_WHICH, "ITIMER_???"),
        ArgKind::IdType => write_enum(out, v as u32 as u64, flags::ID_TYPES, "P_???"),
        ArgKind::IpcKey => ipc::write_key(out, v),
        ArgKind::IpcFlags => ipc::write_get_flags(out, v),
        ArgKind::ShmgetFlags => ipc::write_shmget_flags(out, v),
        ArgKind::ShmatFlags => ipc::write_shmat_flags(out, v),
        ArgKind::IpcMsgFlags => ipc::write_msg_flags(out, v),
        ArgKind::IpcCmd(family) => ipc::write_cmd(out, family, v),
        ArgKind::AccessMode => write_flags(out, v32, flags::ACCESS_MODES, Some("F_OK"), "?_OK"),
        ArgKind::AtFlags => flags(out, flags::AT_FLAGS, "AT_???"),
        ArgKind::StatxFlags => flags::write_statx_flags(out, v),
        ArgKind::MmapProt => write_flags(out, v, flags::PROT, Some("PROT_NONE"), "PROT_???"),
        ArgKind::MmapFlags => flags::write_mmap_flags(out, v),
        ArgKind::MemfdFlags => flags::write_memfd_flags(out, v as u32 as u64),
        // An `unsigned long`.
        ArgKind::MremapFlags => write_flags(out, v, flags::MREMAP_FLAGS, None, "MREMAP_???"),
        ArgKind::Madvise => write_enum(out, v32, flags::MADVISE, "MADV_???"),
        ArgKind::CloneFlags => flags::write_clone_flags(out, v),
        ArgKind::SocketDomain => {
            write_enum(out, v as u32 as u64, flags::ADDRESS_FAMILIES, "AF_???")
        }
        ArgKind::SocketType => flags::styled(out, &flags::hex(v), |out| {
            write_enum(out, v & 0xf, flags::SOCK_TYPES, "SOCK_???");
            if v & !0xf != 0 {
                out.push('|');
                write_flags(out, v & !0xf, flags::SOCK_TYPE_FLAGS, None, "SOCK_???");
            }
        }),
        ArgKind::SocketProtocol => {
            let table = match call.args[0] {
                2 | 10 => Some((flags::IP_PROTOCOLS, "IPPROTO_???")),
                16 => Some((flags::NETLINK_PROTOCOLS, "NETLINK_???")),
                _ => None,
            };
            match table {
                Some((table, dflt)) => write_enum(out, v as u32 as u64, table, dflt),
                None => write_int(out, v as i32),
            }
        }
        ArgKind::MsgFlags => flags(out, flags::MSG_FLAGS, "MSG_???"),
        ArgKind::ShutdownHow => write_enum(out, v as u32 as u64, flags::SHUTDOWN, "SHUT_???"),
        ArgKind::SockoptLevel => write_enum(out, v as u32 as u64, flags::SOCKOPT_LEVELS, "SOL_???"),
        ArgKind::FcntlCmd => write_enum(out, v as u32 as u64, flags::FCNTL_CMDS, "F_???"),
        ArgKind::Whence => write_enum(out, v as u32 as u64, flags::WHENCE, "SEEK_???"),
        ArgKind::Signal => flags::write_signal(out, v as i32),
        ArgKind::SigHow => write_enum(out, v as u32 as u64, flags::SIG_HOW, "SIG_???"),
        ArgKind::WaitOptions => flags(out, flags::WAIT_OPTIONS, "W???"),
        ArgKind::EpollCtlOp => {
            write_enum(out, v as u32 as u64, flags::EPOLL_CTL_OPS, "EPOLL_CTL_???")
        }
        ArgKind::FutexOp => flags::write_futex_op(out, v as u32 as u64),
        ArgKind::FutexUaddr2 => write_addr(out, v),
        ArgKind::FutexVal3 if call.args[1] & 127 == 9 || call.args[1] & 127 == 10 => {
            match v as u32 {
                u32::MAX => out.push_str("FUTEX_BITSET_MATCH_ANY"),
                bits => write_hex(out, bits as u64),
            }
        }
        ArgKind::FutexVal3 if call.args[1] & 127 == 5 => write_futex_wake_op(out, v as u32),
        // FUTEX_CMP_REQUEUE(_PI)'s expected value: unsigned decimal.
        ArgKind::FutexVal3 if matches!(call.args[1] & 127, 4 | 12) => write_int(out, v as u32),
        ArgKind::FutexVal3 => write_hex(out, v as u32 as u64),
        ArgKind::SyslogAction => syslog::write_action(out, call),
        ArgKind::SyslogLen => syslog::write_len(out, call, i),
        ArgKind::PrctlOption => write_enum(out, v as u32 as u64, flags::PRCTL_OPTIONS, "PR_???"),
        ArgKind::ArchPrctlCode => {
            write_enum(out, v as u32 as u64, flags::ARCH_PRCTL_CODES, "ARCH_???")
        }
        ArgKind::IoctlRequest => ioctl::write_request(out, v),
        ArgKind::ClockId => match flags::lookup(flags::CLOCKS, v as u32 as u64) {
            Some(name) => out.push_str(name),
            None => write_int(out, v as i32),
        },
        ArgKind::RlimitResource => write_enum(out, v as u32 as u64, flags::RLIMITS, "RLIMIT_???"),
        ArgKind::GrndFlags => flags(out, flags::GRND_FLAGS, "GRND_???"),
        // strace names every `open` flag here (`O_TRUNC` too).
        ArgKind::FdFlags => flags(out, flags::OPEN_FLAGS, "O_???"),
        ArgKind::StatxMask => flags(out, flags::STATX_MASK, "STATX_???"),
        ArgKind::SockFlags => flags(out, flags::SOCK_TYPE_FLAGS, "SOCK_???"),
        ArgKind::EpollCreateFlags => flags(out, flags::EPOLL_CREATE_FLAGS, "EPOLL_???"),
        ArgKind::EfdFlags => flags(out, flags::EFD_FLAGS, "EFD_???"),
        ArgKind::TfdFlags => flags(out, flags::TFD_FLAGS, "TFD_???"),
        ArgKind::SfdFlags => flags(out, flags::SFD_FLAGS, "SFD_???"),
        ArgKind::InotifyInitFlags => flags(out, flags::INOTIFY_INIT_FLAGS, "IN_???"),
        ArgKind::RenameFlags => flags(out, flags::RENAME_FLAGS, "RENAME_???"),
        ArgKind::Fadvice => write_enum(out, v as u32 as u64, flags::FADVICE, "POSIX_FADV_???"),
        ArgKind::AccessAtFlags => flags(out, flags::ACCESS_AT_FLAGS, "AT_???"),
        ArgKind::Personality => flags::write_personality(out, v as u32),
        ArgKind::SockoptName => {
            let get = crate::syscalls::name(call.nr) == Some("getsockopt");
            flags::write_sockopt_name(out, call.args[i - 1] as u32, v as u32, get)
        }
        _ => return false,
    }
    true
}

/// A `socklen_t *` read at entry and written at exit: `[128 => 16]`, `[16]` when
/// unchanged, the entry value alone when the call failed.
/// FUTEX_WAKE_OP's encoded operation, as strace's futex.c spells it:
/// `FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0`.
fn write_futex_wake_op(out: &mut String, v: u32) {
    const OPS: Xlat = &[
        (0, "FUTEX_OP_SET"),
        (1, "FUTEX_OP_ADD"),
        (2, "FUTEX_OP_OR"),
        (3, "FUTEX_OP_ANDN"),
        (4, "FUTEX_OP_XOR"),
    ];
    const CMPS: Xlat = &[
        (0, "FUTEX_OP_CMP_EQ"),
        (1, "FUTEX_OP_CMP_NE"),
        (2, "FUTEX_OP_CMP_LT"),
        (3, "FUTEX_OP_CMP_LE"),
        (4, "FUTEX_OP_CMP_GT"),
        (5, "FUTEX_OP_CMP_GE"),
    ];
    // A name, or the number and a comment after the shift.
    let field =
        |out: &mut String, table: Xlat, value: u32, shift: u8, dflt: &str| match flags::lookup(
            table,
            value as u64,
        )
        .filter(|_| flags::style() != super::XlatStyle::Raw)
        {
            Some(name) => {
                let _ = write!(out, "{name}<<{shift}");
            }
            None => {
                write_hex(out, value as u64);
                let _ = write!(out, "<<{shift}");
                if flags::style() != super::XlatStyle::Raw {
                    let _ = write!(out, " /* {dflt} */");
                }
            }
        };
    if (v >> 28) & 8 != 0 {
        out.push_str("FUTEX_OP_OPARG_SHIFT<<28|");
    }
    field(out, OPS, (v >> 28) & 7, 28, "FUTEX_OP_???");
    out.push('|');
    write_hex(out, ((v >> 12) & 0xfff) as u64);
    out.push_str("<<12|");
    field(out, CMPS, (v >> 24) & 0xf, 24, "FUTEX_OP_CMP_???");
    out.push('|');
    write_hex(out, (v & 0xfff) as u64);
}

fn write_socklen(out: &mut String, call: &Call, i: usize) {
    let value = |c: Option<&Capture>| {
        c.filter(|c| !c.fault)
            .and_then(|c| structs::Bytes(&c.data).i32(0))
    };
    let (entry, exit) = in_out(call, i);
    let _ = match (value(entry), value(exit)) {
        (Some(a), Some(b)) if a != b => write!(out, "[{a} => {b}]"),
        (_, Some(v)) | (Some(v), None) => write!(out, "[{v}]"),
        (None, None) => {
            write_addr(out, call.args[i]);
            Ok(())
        }
    };
}

/// `sendfile`'s offset: `[2]`, and after a call that sent something the offset it left,
/// `[2] => [7]`.
fn write_off_in_out(out: &mut String, call: &Call, i: usize) {
    let value = |c: Option<&Capture>| {
        c.filter(|c| !c.fault && call.args[i] != 0)
            .and_then(|c| structs::Bytes(&c.data).u64(0))
    };
    let (entry, exit) = in_out(call, i);
    let Some(before) = value(entry) else {
        return write_addr(out, call.args[i]);
    };
    let _ = write!(out, "[{before}]");
    if let Some(after) = value(exit).filter(|_| call.success().is_some_and(|n| n != 0)) {
        let _ = write!(out, " => [{after}]");
    }
}

/// A struct argument: `NULL`, the decoded struct, or the pointer when it was not read.
fn write_struct_arg(
    out: &mut String,
    call: &Call,
    i: usize,
    sk: StructKind,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let addr = call.args[i];
    let name = crate::syscalls::name(call.nr);
    // `wait4` with WNOHANG returns 0 without touching the status or the usage.
    let written = !(matches!(sk, StructKind::WaitStatus | StructKind::Rusage)
        && name == Some("wait4")
        && call.success() == Some(0));
    // What strace does not read: a signal set of another size than the kernel's, an
    // `open_how` shorter than its first version, `epoll_ctl`'s event for EPOLL_CTL_DEL.
    let sized = |n: &str| {
        crate::syscalls::by_nr(call.nr)
            .and_then(|sc| sc.args.iter().position(|a| a.name == n))
            .map(|j| call.args[j])
    };
    // `rt_sigpending` alone takes a set shorter than the kernel's.
    let pending = name == Some("rt_sigpending");
    // (`io_uring_enter`'s `argp` is a signal set as strace reads it, `argsz` its size.)
    let set_size = sized("sigsetsize").or(sized("sizemask")).or(sized("argsz"));
    let unread = match sk {
        StructKind::Sigset if pending => set_size.is_some_and(|n| !(1..=8).contains(&n)),
        StructKind::Sigset => set_size.is_some_and(|n| n != 8),
        StructKind::OpenHow => sized("usize").is_some_and(|n| n < 24),
        StructKind::LandlockRulesetAttr => sized("size").is_some_and(|n| n < 8),
        // Another rule type's attributes (LANDLOCK_RULE_PATH_BENEATH is 1).
        StructKind::LandlockPathBeneath => call.args[1] as u32 != 1,
        StructKind::EpollEvent => name == Some("epoll_ctl") && call.args[1] as u32 == 2,
        _ => false,
    };
    if unread {
        return write_addr(out, addr);
    }
    // Part of a struct (the ptrace backend read up to the end of the mapping) is
    // enough only where strace reads less than the copy: a short signal set, an
    // address as long as its length says. Where the copy is the struct's first bytes
    // (a `siginfo_t`), strace reads the rest too, and fails.
    let enough = |c: &&crate::event::Capture| {
        !c.truncated || matches!(sk, StructKind::Sigset | StructKind::Sockaddr)
    };
    let data = call
        .capture(i)
        .filter(|c| !c.fault && addr != 0 && written && enough(c))
        .map(|c| &c.data[..]);
    let mut s = String::new();
    let mut short_set = [0u8; 8];
    // A sockaddr the kernel wrote back is as long as the length it wrote after it.
    let data = match (sk, data) {
        // The bytes of a short set, the rest of the kernel's empty.
        (StructKind::Sigset, Some(d)) if pending => {
            let n = set_size.unwrap_or(8).min(8) as usize;
            let given = d.get(..n);
            given.map(|g| {
                short_set[..n].copy_from_slice(g);
                &short_set[..]
            })
        }
        (StructKind::Sockaddr, Some(d)) => {
            // As strace: the shorter of the length given and the one returned, all of it
            // read (a copy cut short at a mapping's end may not hold it).
            let (entry, exit) = in_out(call, i + 1);
            let value = |c: Option<&crate::event::Capture>| {
                c.filter(|c| !c.fault)
                    .and_then(|c| structs::Bytes(&c.data).u32(0))
            };
            let len = match (value(entry), value(exit)) {
                (Some(given), Some(returned)) => Some(given.min(returned)),
                (given, returned) => returned.or(given),
            };
            let len = len.map_or(d.len(), |l| {
                (l as usize).min(StructKind::Sockaddr.size() as usize)
            });
            d.get(..len)
        }
        (_, d) => d,
    };
    // A `siginfo_t`'s pids and descriptors are named as the caller's.
    let names = super::siginfo::Names {
        opts,
        pid: call.pid,
        tid: call.tid,
        fds,
        child: super::named_child(call),
    };
    let printed = match data {
        Some(d) if sk == StructKind::Siginfo && d.len() >= sk.size() as usize => {
            s.push_str(&super::siginfo::fields_of(d, Some(&names)));
            Some(())
        }
        // `parent_fd` with what it names.
        Some(d) if sk == StructKind::LandlockPathBeneath => {
            let fd = structs::Bytes(d).i32(8);
            let printed = structs::write_struct(&mut s, sk, d, opts);
            if printed.is_some()
                && let Some(name) = fd.and_then(|fd| fds?.fd_name(call.pid, fd))
            {
                s.pop();
                super::write_fd_name(&mut s, name);
                s.push('}');
            }
            printed
        }
        d => d.and_then(|d| structs::write_struct(&mut s, sk, d, opts)),
    };
    match printed {
        Some(()) => {
            // Past the version strace knows, without reading it.
            if sk == StructKind::LandlockRulesetAttr && sized("size").is_some_and(|n| n > 8) {
                s.pop();
                s.push_str(", ...}");
            }
            if sk == StructKind::OpenHow
                && let Some(size) = sized("usize")
                && let Some(tail) = structs::extension_tail(call, i, 24, size, opts)
            {
                s.pop();
                s.push_str(", ");
                s.push_str(&tail);
                s.push('}');
            }
            out.push_str(&s)
        }
        None => write_addr(out, addr),
    }
}

/// An array of `count` elements of `size` bytes, at most `-s` of them shown, as strace
/// limits arrays.
pub(super) fn write_array(
    out: &mut String,
    cap: Option<&crate::event::Capture>,
    addr: u64,
    count: u64,
    size: usize,
    opts: &DecodeOptions,
    elem: impl Fn(&mut String, &structs::Bytes, usize) -> Option<()>,
) {
    // A fault after the first element (the ptrace backend keeps what it read up to the
    // end of the mapping) shows the elements before it, then where it stopped.
    let whole = |c: &&crate::event::Capture| !c.fault || (size > 0 && c.data.len() >= size);
    let Some(cap) = cap.filter(|c| addr != 0 && whole(c)) else {
        return write_addr(out, addr);
    };
    let b = structs::Bytes(&cap.data);
    let mut s = String::from("[");
    // One past the limit: strace reads an element before it sees it is one too many.
    // Unabbreviated (`-v`), every element.
    let limit = if opts.abbreviate {
        opts.string_limit
    } else {
        usize::MAX - 1
    };
    for n in 0..count.min(limit as u64 + 1) as usize {
        if n > 0 {
            s.push_str(", ");
        }
        if cap.fault && (n + 1) * size > cap.data.len() {
            let _ = write!(s, "... /* {:#x} */", addr + (n * size) as u64);
            break;
        }
        if n == limit || elem(&mut s, &b, n * size).is_none() {
            // Past the limit, or the capture ended early.
            s.push_str("...");
            break;
        }
    }
    s.push(']');
    out.push_str(&s);
}

/// A node, or a negated errno by name (strace's `print_err`): `-EFAULT`,
/// `-14 /* -EFAULT */` under `-X verbose`.
fn write_status(out: &mut String, status: i32) {
    let name = (status < 0)
        .then(|| super::errno::errno_name(-status))
        .flatten();
    match name {
        Some(name) => flags::styled(out, &status.to_string(), |out| {
            out.push('-');
            out.push_str(name);
        }),
        None => write_int(out, status),
    }
}

fn write_gid(out: &mut String, b: &structs::Bytes, off: usize) -> Option<()> {
    write_uid(out, b.u32(off)?);
    Some(())
}

/// A `uid_t`/`gid_t` as strace's `printuid`: unsigned, but `-1` for "unchanged".
fn write_uid(out: &mut String, id: u32) {
    if id == u32::MAX {
        out.push_str("-1");
    } else {
        write_int(out, id);
    }
}
