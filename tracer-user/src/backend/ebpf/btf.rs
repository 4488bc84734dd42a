//! Member offsets of kernel structs, from the kernel's BTF (`/sys/kernel/btf/vmlinux`).
//! The programs read a few kernel struct fields directly: the ids of the task a signal is
//! sent to, a task's exit code, (for a tracer with more privilege than its user) a task's
//! credentials, on x86_64 the flag of a 32-bit call, and an io_uring request's fd,
//! offset and length. Offsets differ between kernel
//! builds, and aya 0.14 does not expose
//! struct members, so this reads the few bytes of BTF needed.

use std::fs;

use tracer_common::{FdFields, NsFields, TaskFlag};

const VMLINUX: &str = "/sys/kernel/btf/vmlinux";
const MAGIC: u16 = 0xeb9f;

const KIND_STRUCT: u32 = 4;

/// The offsets the programs use; each `None` when this kernel's BTF does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Offsets {
    /// `task_struct.pid` and `.tgid`.
    pub task_ids: Option<(u32, u32)>,
    /// `task_struct.exit_code`.
    pub task_exit_code: Option<u32>,
    /// `task_struct.real_cred`, `cred.uid` (the eight ids after it contiguous) and
    /// `cred.cap_permitted`.
    pub creds: Option<(u32, u32, u32)>,
    /// The word of `task_struct` that holds the architecture's compat flag (x86_64's
    /// 32-bit calls).
    pub compat_task: Option<u32>,
    /// In `struct io_kiocb`: the descriptor the submission named; a read's or write's
    /// file offset and length.
    pub uring_fd: Option<u32>,
    pub uring_rw: Option<(u32, u32)>,
    /// `task_struct.pending.signal`: the task's own pending signals (a SIGKILL on its
    /// way is there).
    pub task_sigpending: Option<u32>,
    /// With `uring`: the io_uring tracepoints' prototypes and the fields the raw
    /// programs read.
    pub uring: Option<UringBtf>,
}

/// This kernel's offsets (with `uring`, the io_uring programs' too: one read of the
/// BTF, which sysfs gives 4 KiB at a time); all `None` without BTF.
pub fn offsets(uring: bool) -> Offsets {
    let Ok(btf) = fs::read(VMLINUX) else {
        return Offsets::default();
    };
    let task = |members: &[&str]| member_offsets(&btf, "task_struct", members);
    const IDS: [&str; 8] = [
        "uid", "gid", "suid", "sgid", "euid", "egid", "fsuid", "fsgid",
    ];
    let ids = member_offsets(&btf, "cred", &IDS)
        // kuid_t/kgid_t are 4 bytes: the eight must follow each other.
        .filter(|o| {
            o.iter()
                .enumerate()
                .all(|(i, &at)| at == o[0] + 4 * i as u32)
        });
    let caps = member_offsets(&btf, "cred", &["cap_permitted"]);
    Offsets {
        task_ids: task(&["pid", "tgid"]).map(|o| (o[0], o[1])),
        task_exit_code: task(&["exit_code"]).map(|o| o[0]),
        creds: match (task(&["real_cred"]), ids, caps) {
            (Some(cred), Some(ids), Some(caps)) => Some((cred[0], ids[0], caps[0])),
            _ => None,
        },
        compat_task: tracer_common::COMPAT_TASK_FLAG.and_then(|flag| task_flag(&btf, &flag)),
        uring_fd: uring_fd(&btf),
        uring_rw: uring_rw(&btf),
        task_sigpending: task(&["pending"])
            .zip(member_offsets(&btf, "sigpending", &["signal"]))
            .map(|(pending, signal)| pending[0] + signal[0]),
        uring: uring.then(|| uring_btf(&btf)).flatten(),
    }
}

/// `io_kiocb.cqe.fd` (6.0+): `struct io_cqe { u64 user_data; s32 res; union { u32 flags;
/// int fd; }; }`, the unnamed union right after `res`, which BTF lists without its
/// members' names.
fn uring_fd(btf: &[u8]) -> Option<u32> {
    let cqe = member_offsets(btf, "io_kiocb", &["cqe"])?[0];
    let res = member_offsets(btf, "io_cqe", &["res"])?[0];
    Some(cqe + res + 4)
}

/// A read's or write's `struct io_rw` (`kiocb.ki_pos`, `len`): since 6.0 an operation's
/// data opens the request (`io_kiocb.cmd`, in an unnamed union with `file` at offset 0,
/// the layout `io_kiocb_to_cmd` relies on); the 6.0 layout is told by `io_kiocb.cqe` and
/// `io_cmd_data`.
fn uring_rw(btf: &[u8]) -> Option<(u32, u32)> {
    member_offsets(btf, "io_kiocb", &["cqe"])?;
    member_offsets(btf, "io_cmd_data", &["file"]).filter(|o| o[0] == 0)?;
    let rw = member_offsets(btf, "io_rw", &["kiocb", "len"])?;
    let pos = member_offsets(btf, "kiocb", &["ki_pos"])?[0];
    Some((rw[0] + pos, rw[1]))
}

/// Where the kernel keeps what a descriptor refers to (`-y`'s names at the call);
/// `None` without BTF or when a field is missing. Read only when `-y` asks; a UNIX
/// socket's peer and address only for `-yy` (`unix`).
pub fn fd_fields(unix: bool) -> Option<FdFields> {
    let data = fs::read(VMLINUX).ok()?;
    let btf = Types::parse(&data)?;
    let at = |strukt: &str, member: &str| btf.member_offset(strukt, member);
    Some(FdFields {
        task_files: at("task_struct", "files")?,
        files_fdt: at("files_struct", "fdt")?,
        fdt_max_fds: at("fdtable", "max_fds")?,
        fdt_fd: at("fdtable", "fd")?,
        file_inode: at("file", "f_inode")?,
        // 6.12+ keep `f_path` and `d_name` in unnamed unions.
        file_dentry: at("file", "f_path")? + at("path", "dentry")?,
        inode_mode: at("inode", "i_mode")?,
        inode_ino: at("inode", "i_ino")?,
        inode_rdev: at("inode", "i_rdev")?,
        inode_nlink: at("inode", "i_nlink").unwrap_or(0),
        dentry_name: at("dentry", "d_name")? + at("qstr", "name")?,
        // Only the protocol's name hangs on these: 0 (no name) where one is missing.
        file_private_data: at("file", "private_data").unwrap_or(0),
        socket_sk: at("socket", "sk").unwrap_or(0),
        sock_prot_creator: at("sock", "sk_prot_creator").unwrap_or(0),
        proto_name: at("proto", "name").unwrap_or(0),
        // `struct sock` opens with its `sock_common`; 0 (family unknown: the endpoints
        // come from /proc) where one is missing.
        sk_family: at("sock_common", "skc_family").unwrap_or(0),
        sk_daddr: at("sock_common", "skc_daddr").unwrap_or(0),
        sk_rcv_saddr: at("sock_common", "skc_rcv_saddr").unwrap_or(0),
        sk_dport: at("sock_common", "skc_dport").unwrap_or(0),
        sk_num: at("sock_common", "skc_num").unwrap_or(0),
        sk_v6_daddr: at("sock_common", "skc_v6_daddr").unwrap_or(0),
        sk_v6_rcv_saddr: at("sock_common", "skc_v6_rcv_saddr").unwrap_or(0),
        // A plain `u16` since 5.6 (a bitfield before, which no supported kernel has).
        sk_protocol: at("sock", "sk_protocol").unwrap_or(0),
        netlink_portid: at("netlink_sock", "portid").unwrap_or(0),
        inode_sb: at("inode", "i_sb").unwrap_or(0),
        sb_dev: at("super_block", "s_dev").unwrap_or(0),
        ..unix
            .then(|| unix_fields(&btf))
            .flatten()
            .unwrap_or(FdFields::NONE)
    })
}

/// Where a task's ids in its own pid namespace are (`--pidns-translation`); `None`
/// without BTF or when a field is missing (the translation then reads `/proc` alone).
pub fn ns_fields() -> Option<NsFields> {
    let data = fs::read(VMLINUX).ok()?;
    let btf = Types::parse(&data)?;
    let at = |strukt: &str, member: &str| btf.member_offset(strukt, member);
    // `struct upid { int nr; struct pid_namespace *ns; }`: the id first, the pointer last.
    let upid_ns = at("upid", "ns")?;
    (at("upid", "nr")? == 0).then_some(())?;
    Some(NsFields {
        task_thread_pid: at("task_struct", "thread_pid")?,
        task_group_leader: at("task_struct", "group_leader")?,
        task_signal: at("task_struct", "signal")?,
        signal_pids: at("signal_struct", "pids")?,
        pid_level: at("pid", "level")?,
        pid_numbers: at("pid", "numbers")?,
        upid_size: upid_ns + 8,
        upid_ns,
        ns_inum: at("pid_namespace", "ns")? + at("ns_common", "inum")?,
        _pad: 0,
    })
}

/// `-yy`'s UNIX socket fields (`unix_sock` opens with its `struct sock`); `None` where
/// one is missing (the names then come from `/proc/net/unix`, without the peer).
fn unix_fields(btf: &Types) -> Option<FdFields> {
    let at = |strukt: &str, member: &str| btf.member_offset(strukt, member);
    // A socket's inode is the `vfs_inode` beside it in its `struct socket_alloc`.
    let inode = at("socket_alloc", "vfs_inode")?.checked_sub(at("socket_alloc", "socket")?)?;
    Some(FdFields {
        unix_addr: at("unix_sock", "addr")?,
        unix_peer: at("unix_sock", "peer")?,
        unix_address_len: at("unix_address", "len")?,
        unix_address_path: at("unix_address", "name")? + at("sockaddr_un", "sun_path")?,
        sock_socket: at("sock", "sk_socket")?,
        socket_ino: inode + at("inode", "i_ino")?,
        ..FdFields::NONE
    })
}

/// A tracepoint's parameter, after the `void *__data` every probe takes: its name where
/// BTF has the kernel's `__bpf_trace_<event>` glue function (not Debian's 5.10), else
/// only its type's size (the `btf_trace_<event>` typedef has no names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    pub name: Option<String>,
    /// Bytes (a pointer: 8); `None` for a type without a size.
    pub size: Option<u32>,
}

/// What the raw io_uring programs need from BTF: the tracepoints' prototypes and where
/// the fields they read are.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UringBtf {
    /// The submission tracepoint this kernel has (`io_uring_submit_req`, or
    /// `io_uring_submit_sqe`) and its prototype.
    pub submit: Option<(&'static str, Vec<Param>)>,
    pub complete: Option<Vec<Param>>,
    /// `struct io_kiocb`'s `ctx`, `opcode`, `flags` and `user_data` (`cqe.user_data` since
    /// 5.19), and `io_ring_ctx.flags`.
    pub req: Option<[u32; 5]>,
    /// `io_uring_cqe.res` and `.flags`.
    pub cqe: Option<(u32, u32)>,
}

/// The io_uring tracepoints' prototypes and the fields the raw programs read, from
/// `data`; `None` if it is not BTF.
fn uring_btf(data: &[u8]) -> Option<UringBtf> {
    let btf = Types::parse(data)?;
    let submit = ["io_uring_submit_req", "io_uring_submit_sqe"]
        .into_iter()
        .find_map(|event| Some((event, btf.tracepoint_params(event)?)));
    let at = |strukt: &str, member: &str| btf.member_offset(strukt, member);
    let user_data = at("io_kiocb", "cqe")
        .and_then(|cqe| Some(cqe + at("io_cqe", "user_data")?))
        .or_else(|| at("io_kiocb", "user_data"));
    let req = (|| {
        Some([
            at("io_kiocb", "ctx")?,
            at("io_kiocb", "opcode")?,
            at("io_kiocb", "flags")?,
            user_data?,
            at("io_ring_ctx", "flags")?,
        ])
    })();
    Some(UringBtf {
        submit,
        complete: btf.tracepoint_params("io_uring_complete"),
        req,
        cqe: at("io_uring_cqe", "res").zip(at("io_uring_cqe", "flags")),
    })
}

/// The BTF's types by id, for lookups that follow type references: a member inside an
/// unnamed struct or union.
struct Types<'a> {
    btf: &'a [u8],
    strings: &'a [u8],
    /// Byte position of each type's header, by id (id 0 is `void`).
    at: Vec<usize>,
}

impl<'a> Types<'a> {
    fn parse(btf: &'a [u8]) -> Option<Self> {
        let u32_at = |off: usize| Some(u32::from_le_bytes(btf.get(off..off + 4)?.try_into().ok()?));
        if u16::from_le_bytes(btf.get(0..2)?.try_into().ok()?) != MAGIC {
            return None;
        }
        let hdr_len = u32_at(4)? as usize;
        let (type_off, type_len) = (u32_at(8)? as usize, u32_at(12)? as usize);
        let strings = btf.get(hdr_len + u32_at(16)? as usize..)?;
        let mut at = vec![0];
        let mut pos = hdr_len + type_off;
        let end = pos + type_len;
        while pos + 12 <= end {
            at.push(pos);
            let info = u32_at(pos + 4)?;
            pos += 12 + trailing_bytes((info >> 24) & 0x1f, (info & 0xffff) as usize)?;
        }
        Some(Self { btf, strings, at })
    }

    fn u32_at(&self, off: usize) -> u32 {
        self.btf
            .get(off..off + 4)
            .map_or(0, |b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    fn name(&self, off: u32) -> &str {
        let s = self.strings.get(off as usize..).unwrap_or_default();
        let end = s.iter().position(|&b| b == 0).unwrap_or(0);
        std::str::from_utf8(&s[..end]).unwrap_or_default()
    }

    /// Byte offset of `member` in the first struct named `strukt` that has it.
    fn member_offset(&self, strukt: &str, member: &str) -> Option<u32> {
        (1..self.at.len())
            .filter(|&id| {
                let pos = self.at[id];
                (self.u32_at(pos + 4) >> 24) & 0x1f == KIND_STRUCT
                    && self.name(self.u32_at(pos)) == strukt
            })
            .find_map(|id| self.find(id, member, 0))
    }

    /// The id of the first type of `kind` named `name`.
    fn named(&self, kind: u32, name: &str) -> Option<usize> {
        (1..self.at.len()).find(|&id| {
            let pos = self.at[id];
            (self.u32_at(pos + 4) >> 24) & 0x1f == kind && self.name(self.u32_at(pos)) == name
        })
    }

    /// The size of type `id` in bytes, through typedefs and qualifiers.
    fn size(&self, id: usize, depth: u32) -> Option<u32> {
        let pos = *self.at.get(id)?;
        match (self.u32_at(pos + 4) >> 24) & 0x1f {
            // INT, STRUCT, UNION, ENUM, FLOAT, ENUM64: the size follows the info word.
            1 | 4 | 5 | 6 | 16 | 19 => Some(self.u32_at(pos + 8)),
            // PTR (64-bit kernels).
            2 => Some(8),
            // TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG
            8..=11 | 18 if depth < 8 => self.size(self.u32_at(pos + 8) as usize, depth + 1),
            _ => None,
        }
    }

    /// `event`'s tracepoint parameters (`TP_PROTO`): from the kernel's `__bpf_trace_<event>`
    /// function, whose parameters have names, else from the `btf_trace_<event>` typedef
    /// (a pointer to the prototype), whose do not.
    fn tracepoint_params(&self, event: &str) -> Option<Vec<Param>> {
        const KIND_FUNC: u32 = 12;
        const KIND_TYPEDEF: u32 = 8;
        let proto = match self.named(KIND_FUNC, &format!("__bpf_trace_{event}")) {
            Some(func) => self.u32_at(self.at[func] + 8) as usize,
            None => {
                let typedef = self.named(KIND_TYPEDEF, &format!("btf_trace_{event}"))?;
                let ptr = self.u32_at(self.at[typedef] + 8) as usize;
                self.u32_at(*self.at.get(ptr)? + 8) as usize
            }
        };
        let pos = *self.at.get(proto)?;
        let info = self.u32_at(pos + 4);
        const KIND_FUNC_PROTO: u32 = 13;
        if (info >> 24) & 0x1f != KIND_FUNC_PROTO {
            return None;
        }
        let params = (0..(info & 0xffff) as usize).map(|i| {
            let p = pos + 12 + 8 * i;
            let name = self.name(self.u32_at(p));
            Param {
                name: (!name.is_empty()).then(|| name.to_owned()),
                size: self.size(self.u32_at(p + 4) as usize, 0),
            }
        });
        // The first is the probe's `void *__data`.
        Some(params.skip(1).collect())
    }

    /// Byte offset of `member` in struct or union `id`, or in its unnamed members.
    fn find(&self, id: usize, member: &str, depth: u32) -> Option<u32> {
        const KIND_UNION: u32 = 5;
        let pos = *self.at.get(id)?;
        let info = self.u32_at(pos + 4);
        let (vlen, kind, kind_flag) = (info & 0xffff, (info >> 24) & 0x1f, info >> 31 != 0);
        if !(kind == KIND_STRUCT || kind == KIND_UNION) || depth > 4 {
            return None;
        }
        (0..vlen as usize).find_map(|i| {
            let m = pos + 12 + 12 * i;
            let bits = self.u32_at(m + 8);
            let (size, offset) = if kind_flag {
                (bits >> 24, bits & 0xff_ffff)
            } else {
                (0, bits)
            };
            if size != 0 || offset % 8 != 0 {
                return None;
            }
            match self.name(self.u32_at(m)) {
                "" => self
                    .find(self.u32_at(m + 4) as usize, member, depth + 1)
                    .map(|inner| offset / 8 + inner),
                name if name == member => Some(offset / 8),
                _ => None,
            }
        })
    }
}

/// Byte offset in `struct task_struct` of the word that holds `flag`.
fn task_flag(btf: &[u8], flag: &TaskFlag) -> Option<u32> {
    let outer = member_offsets(btf, "task_struct", &[flag.task_member])?[0];
    let inner = member_offsets(btf, flag.strukt, &[flag.member])?[0];
    Some(outer + inner)
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
    fn this_kernels_offsets_are_found() {
        if fs::metadata(VMLINUX).is_err() {
            println!("skipped: no {VMLINUX}");
            return;
        }
        let o = offsets(true);
        let (pid, tgid) = o.task_ids.unwrap();
        // pid_t pid; pid_t tgid; sit side by side, well into the struct.
        assert_eq!(tgid, pid + 4);
        assert!(pid > 64, "{pid}");
        // int exit_state; int exit_code; int exit_signal; sit before pid.
        assert!(o.task_exit_code.unwrap() < pid);
        let (real_cred, uid, caps) = o.creds.unwrap();
        assert!(real_cred > pid);
        // atomic usage counter first, the ids after it, the capability sets later.
        assert!(uid >= 4 && caps >= uid + 32, "{uid} {caps}");
        // x86_64: `thread_info` opens `task_struct`; `status` follows `flags` and (5.11+)
        // `syscall_work`.
        if tracer_common::COMPAT_TASK_FLAG.is_some() {
            let at = o.compat_task.expect("the compat flag's word");
            assert!(matches!(at, 8 | 16), "{at}");
        }
        // io_uring (6.0+): `cqe` after the opcode and flags; `ki_pos` after `ki_filp`.
        if member_offsets(&fs::read(VMLINUX).unwrap(), "io_kiocb", &["cqe"]).is_some() {
            assert!(o.uring_fd.unwrap() > 64);
            assert_eq!(o.uring_rw.unwrap().0, 8);
        }
        // struct sigpending { struct list_head list; sigset_t signal; }, after the ids.
        let pending = o.task_sigpending.expect("task_struct.pending.signal");
        assert!(pending > tgid, "{pending}");
    }

    #[test]
    fn this_kernels_fd_fields_are_found() {
        if fs::metadata(VMLINUX).is_err() {
            println!("skipped: no {VMLINUX}");
            return;
        }
        let f = fd_fields(false).expect("the descriptor fields");
        assert!(f.known());
        // struct fdtable { unsigned int max_fds; struct file __rcu **fd; ... }
        assert_eq!((f.fdt_max_fds, f.fdt_fd), (0, 8));
        // umode_t i_mode opens struct inode; i_ino and i_rdev come later.
        assert_eq!(f.inode_mode, 0);
        assert!(f.inode_ino > 0 && f.inode_rdev > 0);
        // In an unnamed union with `__i_nlink`, after the ids.
        assert!(f.inode_nlink > f.inode_mode, "{f:?}");
        assert_eq!(f.unix_addr, 0, "UNIX sockets' fields are -yy's only");
        // In struct sock, past its sock_common.
        assert!(f.sk_protocol > f.sk_v6_rcv_saddr, "{f:?}");
        // struct netlink_sock opens with its struct sock.
        assert!(f.netlink_portid > f.sk_protocol, "{f:?}");
        // struct inode's superblock pointer; struct super_block { list_head s_list;
        // dev_t s_dev; ... }.
        assert!(f.inode_sb > 0 && f.sb_dev == 16, "{f:?}");
        let f = fd_fields(true).expect("the descriptor fields");
        // struct unix_sock opens with its struct sock; struct unix_address { refcount_t
        // refcnt; int len; [unsigned int hash;] struct sockaddr_un name[]; }, and
        // sun_path follows the 2-byte family.
        assert!(f.unix_addr > 256 && f.unix_peer > f.unix_addr, "{f:?}");
        assert_eq!(f.unix_address_len, 4);
        assert!(matches!(f.unix_address_path, 10 | 14), "{f:?}");
        assert!(f.sock_socket > 0 && f.socket_ino > f.inode_ino, "{f:?}");
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
