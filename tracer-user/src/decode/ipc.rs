//! SysV IPC as strace prints it: keys and flags (`shmget(IPC_PRIVATE, 8192,
//! IPC_CREAT|0600)`), the control commands and their structs (`shmctl(3, IPC_STAT,
//! {shm_perm={uid=0, ...}, shm_segsz=8192, ...})`), semaphore operations and messages.

use std::fmt::Write;

use super::{
    Call, DecodeOptions,
    flags::{self, Xlat, write_enum, write_flags, write_octal},
    in_out,
    strings::{quote, write_addr},
    structs::{Bytes, readable},
    write_hex,
};
use crate::syscalls::{Dir, Ipc, layout};

const IPC_RMID: u32 = 0;
const IPC_SET: u32 = 1;
const IPC_STAT: u32 = 2;
const IPC_INFO: u32 = 3;
/// Set on a control command by the old, 64-bit-unaware ABIs.
const IPC_64: u32 = 0x100;
/// `shmget`'s huge page size, `log2(size) << SHM_HUGE_SHIFT`.
const SHM_HUGE_SHIFT: u32 = 26;
const SHM_HUGE_MASK: u32 = 0x3f << SHM_HUGE_SHIFT;

/// `IPC_PRIVATE` or the key in hex.
pub(crate) fn write_key(out: &mut String, key: u64) {
    match key as u32 {
        0 => flags::styled(out, "0", |out| out.push_str("IPC_PRIVATE")),
        k => write_hex(out, k as u64),
    }
}

/// `msgget`'s and `semget`'s flags, then the mode: `IPC_CREAT|0600`, `000`. As in
/// strace, the `|` only follows a known flag.
pub(crate) fn write_get_flags(out: &mut String, v: u64) {
    let rest = v as u32 & !0o777;
    if rest != 0 {
        write_flags(out, rest as u64, flags::IPC_RESOURCE_FLAGS, None, "");
        if flags::IPC_RESOURCE_FLAGS
            .iter()
            .any(|&(b, _)| rest as u64 & b != 0)
        {
            out.push('|');
        }
    }
    write_octal(out, v & 0o777);
}

/// `shmget`'s flags, huge page size and mode: `SHM_HUGETLB|21<<SHM_HUGE_SHIFT|0600`.
pub(crate) fn write_shmget_flags(out: &mut String, v: u64) {
    let all = v as u32 & !0o777;
    let huge = all & SHM_HUGE_MASK;
    let rest = all & !SHM_HUGE_MASK;
    if rest != 0 {
        write_flags(out, rest as u64, flags::SHM_RESOURCE_FLAGS, None, "");
    }
    if huge != 0 {
        if rest != 0 {
            out.push('|');
        }
        let _ = write!(out, "{}<<", huge >> SHM_HUGE_SHIFT);
        flags::styled(out, "26", |out| out.push_str("SHM_HUGE_SHIFT"));
    }
    if all != 0 {
        out.push('|');
    }
    write_octal(out, v & 0o777);
}

/// A control command: `IPC_STAT`, `IPC_64|IPC_RMID`, `0x63 /* SHM_??? */`.
pub(crate) fn write_cmd(out: &mut String, ipc: Ipc, cmd: u64) {
    let cmd = cmd as u32;
    if cmd & IPC_64 != 0 {
        out.push_str("IPC_64|");
    }
    let (table, dflt) = cmd_table(ipc);
    write_enum(out, (cmd & !IPC_64) as u64, table, dflt);
}

fn cmd_table(ipc: Ipc) -> (Xlat, &'static str) {
    match ipc {
        Ipc::Shm => (flags::SHMCTL_CMDS, "SHM_???"),
        Ipc::Sem => (flags::SEMCTL_CMDS, "SEM_???"),
        Ipc::Msg => (flags::MSGCTL_CMDS, "MSG_???"),
    }
}

/// The struct a control command passes, at argument `i`: read at entry for `IPC_SET`,
/// filled by a successful `*_STAT` or `*_INFO`, a pointer for the other commands.
pub(crate) fn write_buf(out: &mut String, call: &Call, i: usize, ipc: Ipc, cmd_arg: u8) {
    let addr = call.args[i];
    let cmd = call.args[cmd_arg as usize] as u32 & !IPC_64;
    let (entry, exit) = in_out(call, i);
    let bytes = |c| readable(c, addr);
    let shown = match cmd {
        IPC_SET => bytes(entry).and_then(|b| write_ds(out, ipc, &b, true)),
        IPC_RMID => None,
        _ if is_stat(ipc, cmd) => bytes(exit)
            .filter(|_| call.success().is_some())
            .and_then(|b| write_ds(out, ipc, &b, false)),
        _ if is_info(ipc, cmd) => bytes(exit)
            .filter(|_| call.success().is_some())
            .and_then(|b| write_info(out, ipc, cmd, &b)),
        _ => None,
    };
    if shown.is_none() {
        write_addr(out, addr);
    }
}

/// `IPC_STAT`, `*_STAT` and `*_STAT_ANY`.
fn is_stat(ipc: Ipc, cmd: u32) -> bool {
    cmd == IPC_STAT
        || match ipc {
            Ipc::Shm => matches!(cmd, 13 | 15),
            Ipc::Sem => matches!(cmd, 18 | 20),
            Ipc::Msg => matches!(cmd, 11 | 13),
        }
}

/// `IPC_INFO` and `*_INFO`.
fn is_info(ipc: Ipc, cmd: u32) -> bool {
    cmd == IPC_INFO
        || match ipc {
            Ipc::Shm => cmd == 14,
            Ipc::Sem => cmd == 19,
            Ipc::Msg => cmd == 12,
        }
}

/// `{uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}`; `IPC_SET` sets only the first
/// three.
fn write_perm(out: &mut String, b: &Bytes, set: bool) -> Option<()> {
    use layout::ipc_perm::*;
    let _ = write!(
        out,
        "{{uid={}, gid={}, mode=",
        id(b.u32(UID)?),
        id(b.u32(GID)?)
    );
    write_octal(out, b.u16(MODE)? as u64);
    if !set {
        let _ = write!(
            out,
            ", key={}, cuid={}, cgid={}",
            b.u32(KEY)?,
            id(b.u32(CUID)?),
            id(b.u32(CGID)?)
        );
    }
    out.push('}');
    Some(())
}

/// A user or group id: `-1` for the "no change" value, unsigned otherwise.
fn id(v: u32) -> String {
    if v == u32::MAX {
        "-1".into()
    } else {
        v.to_string()
    }
}

/// `shmid_ds`, `semid_ds` or `msqid_ds`.
fn write_ds(out: &mut String, ipc: Ipc, b: &Bytes, set: bool) -> Option<()> {
    let mut s = String::new();
    let prefix = match ipc {
        Ipc::Shm => "shm",
        Ipc::Sem => "sem",
        Ipc::Msg => "msg",
    };
    let _ = write!(s, "{{{prefix}_perm=");
    write_perm(&mut s, b, set)?;
    match ipc {
        Ipc::Shm if !set => {
            use layout::shmid_ds::*;
            let _ = write!(
                s,
                ", shm_segsz={}, shm_cpid={}, shm_lpid={}, shm_nattch={}, shm_atime={}, \
                 shm_dtime={}, shm_ctime={}",
                b.u64(SEGSZ)?,
                b.i32(CPID)?,
                b.i32(LPID)?,
                b.u64(NATTCH)?,
                b.u64(ATIME)?,
                b.u64(DTIME)?,
                b.u64(CTIME)?
            );
        }
        Ipc::Sem if !set => {
            use layout::semid_ds::*;
            let _ = write!(
                s,
                ", sem_otime={}, sem_ctime={}, sem_nsems={}",
                b.u64(OTIME)?,
                b.u64(CTIME)?,
                b.u64(NSEMS)?
            );
        }
        Ipc::Msg => {
            use layout::msqid_ds::*;
            if !set {
                let _ = write!(
                    s,
                    ", msg_stime={}, msg_rtime={}, msg_ctime={}, msg_qnum={}",
                    b.u64(STIME)?,
                    b.u64(RTIME)?,
                    b.u64(CTIME)?,
                    b.u64(QNUM)?
                );
            }
            let _ = write!(s, ", msg_qbytes={}", b.u64(QBYTES)?);
            if !set {
                let _ = write!(
                    s,
                    ", msg_lspid={}, msg_lrpid={}",
                    b.i32(LSPID)?,
                    b.i32(LRPID)?
                );
            }
        }
        _ => {}
    }
    s.push('}');
    out.push_str(&s);
    Some(())
}

/// The limits and usage the `*_INFO` commands return.
fn write_info(out: &mut String, ipc: Ipc, cmd: u32, b: &Bytes) -> Option<()> {
    let mut s = String::from("{");
    let ints = |s: &mut String, names: &[&str]| -> Option<()> {
        for (n, name) in names.iter().enumerate() {
            let sep = if n > 0 { ", " } else { "" };
            let _ = write!(s, "{sep}{name}={}", b.i32(4 * n)?);
        }
        Some(())
    };
    match ipc {
        Ipc::Shm if cmd == IPC_INFO => {
            let names = ["shmmax", "shmmin", "shmmni", "shmseg", "shmall"];
            for (n, name) in names.iter().enumerate() {
                let sep = if n > 0 { ", " } else { "" };
                let _ = write!(s, "{sep}{name}={}", b.u64(8 * n)?);
            }
        }
        Ipc::Shm => {
            let _ = write!(s, "used_ids={}", b.i32(0)?);
            let names = [
                "shm_tot",
                "shm_rss",
                "shm_swp",
                "swap_attempts",
                "swap_successes",
            ];
            for (n, name) in names.iter().enumerate() {
                let _ = write!(s, ", {name}={}", b.u64(8 + 8 * n)?);
            }
        }
        Ipc::Sem => ints(
            &mut s,
            &[
                "semmap", "semmni", "semmns", "semmnu", "semmsl", "semopm", "semume", "semusz",
                "semvmx", "semaem",
            ],
        )?,
        Ipc::Msg => {
            ints(
                &mut s,
                &[
                    "msgpool", "msgmap", "msgmax", "msgmnb", "msgmni", "msgssz", "msgtql",
                ],
            )?;
            let _ = write!(s, ", msgseg={}", b.u16(28)?);
        }
    }
    s.push('}');
    out.push_str(&s);
    Some(())
}

/// `[{sem_num=0, sem_op=1, sem_flg=SEM_UNDO}]`.
pub(crate) fn write_sembuf(out: &mut String, b: &Bytes, off: usize) -> Option<()> {
    let (num, op, flg) = (b.u16(off)?, b.u16(off + 2)? as i16, b.u16(off + 4)?);
    let _ = write!(out, "{{sem_num={num}, sem_op={op}, sem_flg=");
    write_flags(out, flg as u64, flags::SEMOP_FLAGS, None, "SEM_???");
    out.push('}');
    Some(())
}

/// `{mtype=1, mtext="hello"}`: the text as long as the call's size argument, up to
/// `-s`. A message the kernel fills shows once the call succeeded.
pub(crate) fn write_msgbuf(
    out: &mut String,
    call: &Call,
    i: usize,
    len_arg: u8,
    dir: Dir,
    opts: &DecodeOptions,
) {
    let addr = call.args[i];
    let len = call.args[len_arg as usize];
    let filled = dir == Dir::In || call.success().is_some();
    let cap = call.capture(i).filter(|c| !c.fault && addr != 0 && filled);
    let header = layout::MSGBUF_HEADER as usize;
    let Some((mtype, text)) = cap.and_then(|c| {
        let mtype = Bytes(&c.data).i64(0)?;
        Some((mtype, c.data.get(header..)?))
    }) else {
        return write_addr(out, addr);
    };
    let _ = write!(out, "{{mtype={mtype}, mtext=");
    let shown = (len.min(opts.string_limit as u64) as usize).min(text.len());
    quote(out, &text[..shown], opts.hex, false);
    if len > shown as u64 {
        out.push_str("...");
    }
    out.push('}');
}

pub(crate) fn write_shmat_flags(out: &mut String, v: u64) {
    write_flags(out, v, flags::SHM_FLAGS, None, "SHM_???");
}

pub(crate) fn write_msg_flags(out: &mut String, v: u64) {
    write_flags(out, v, flags::IPC_MSG_FLAGS, None, "MSG_???");
}
