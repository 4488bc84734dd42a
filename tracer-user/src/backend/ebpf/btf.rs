//! Member offsets of kernel structs, from the kernel's BTF (`/sys/kernel/btf/vmlinux`).
//! The programs read a few kernel struct fields directly: the ids of the task a signal is
//! sent to, a task's exit code, (for a tracer with more privilege than its user) a task's
//! credentials, on x86_64 the flag of a 32-bit call, and an io_uring request's fd,
//! offset and length. Offsets differ between kernel
//! builds, and aya 0.14 does not expose
//! struct members, so this reads the few bytes of BTF needed.

use std::fs;

use tracer_common::{ChildFields, FdFields, NsFields, TaskFlag};

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
    /// `task_struct.sighand`, `sighand_struct.action` and the size of `k_sigaction`.
    pub sighand: Option<(u32, u32, u32)>,
    /// With `uring`: the io_uring tracepoints' prototypes and the fields the raw
    /// programs read.
    pub uring: Option<UringBtf>,
}

/// The kernel's BTF: mapped where sysfs lets it be (6.16+), else read whole (sysfs gives
/// it 4 KiB at a time: ~3 ms for its 5 MB here, the start-up's critical path). `None`
/// without it. Parse it once with [`Types::parse`] for every lookup the loader makes.
pub fn read() -> Option<Data> {
    let file = fs::File::open(VMLINUX).ok()?;
    // SAFETY: the kernel's BTF does not change while the kernel runs, and a private
    // read-only mapping cannot be written through.
    match unsafe { memmap2::MmapOptions::new().map_copy_read_only(&file) } {
        Ok(map) => Some(Data::Mapped(map)),
        Err(_) => fs::read(VMLINUX).ok().map(Data::Read),
    }
}

/// The kernel's BTF as [`read`] got it.
pub enum Data {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl std::ops::Deref for Data {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Data::Mapped(map) => map,
            Data::Read(bytes) => bytes,
        }
    }
}

/// This kernel's offsets (with `uring`, the io_uring programs' too); all `None` without
/// BTF.
pub fn offsets(btf: Option<&Types>, uring: bool) -> Offsets {
    let Some(btf) = btf else {
        return Offsets::default();
    };
    let task = |members: &[&str]| btf.member_offsets("task_struct", members);
    const IDS: [&str; 8] = [
        "uid", "gid", "suid", "sgid", "euid", "egid", "fsuid", "fsgid",
    ];
    let ids = btf
        .member_offsets("cred", &IDS)
        // kuid_t/kgid_t are 4 bytes: the eight must follow each other.
        .filter(|o| {
            o.iter()
                .enumerate()
                .all(|(i, &at)| at == o[0] + 4 * i as u32)
        });
    let caps = btf.member_offsets("cred", &["cap_permitted"]);
    Offsets {
        task_ids: task(&["pid", "tgid"]).map(|o| (o[0], o[1])),
        task_exit_code: task(&["exit_code"]).map(|o| o[0]),
        creds: match (task(&["real_cred"]), ids, caps) {
            (Some(cred), Some(ids), Some(caps)) => Some((cred[0], ids[0], caps[0])),
            _ => None,
        },
        compat_task: tracer_common::COMPAT_TASK_FLAG.and_then(|flag| task_flag(btf, &flag)),
        uring_fd: uring_fd(btf),
        uring_rw: uring_rw(btf),
        task_sigpending: task(&["pending"])
            .zip(btf.member_offsets("sigpending", &["signal"]))
            .map(|(pending, signal)| pending[0] + signal[0]),
        sighand: match (
            task(&["sighand"]),
            btf.member_offsets("sighand_struct", &["action"]),
            btf.struct_size("k_sigaction"),
        ) {
            (Some(sighand), Some(action), Some(size)) => Some((sighand[0], action[0], size)),
            _ => None,
        },
        uring: uring.then(|| uring_btf(btf)),
    }
}

/// `io_kiocb.cqe.fd` (6.0+): `struct io_cqe { u64 user_data; s32 res; union { u32 flags;
/// int fd; }; }`, the unnamed union right after `res`, which BTF lists without its
/// members' names.
fn uring_fd(btf: &Types) -> Option<u32> {
    let cqe = btf.member_offsets("io_kiocb", &["cqe"])?[0];
    let res = btf.member_offsets("io_cqe", &["res"])?[0];
    Some(cqe + res + 4)
}

/// A read's or write's `struct io_rw` (`kiocb.ki_pos`, `len`): since 6.0 an operation's
/// data opens the request (`io_kiocb.cmd`, in an unnamed union with `file` at offset 0,
/// the layout `io_kiocb_to_cmd` relies on); the 6.0 layout is told by `io_kiocb.cqe` and
/// `io_cmd_data`.
fn uring_rw(btf: &Types) -> Option<(u32, u32)> {
    btf.member_offsets("io_kiocb", &["cqe"])?;
    btf.member_offsets("io_cmd_data", &["file"])
        .filter(|o| o[0] == 0)?;
    let rw = btf.member_offsets("io_rw", &["kiocb", "len"])?;
    let pos = btf.member_offsets("kiocb", &["ki_pos"])?[0];
    Some((rw[0] + pos, rw[1]))
}

/// Where the kernel keeps what a descriptor refers to (`-y`'s names at the call);
/// `None` without BTF or when a field is missing. Read only when `-y` asks; a UNIX
/// socket's peer and address only for `-yy` (`unix`).
pub fn fd_fields(btf: &Types, unix: bool) -> Option<FdFields> {
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
            .then(|| unix_fields(btf))
            .flatten()
            .unwrap_or(FdFields::NONE)
    })
}

/// `kvm_vcpu.run` (`-e kvm=vcpu`: the `struct kvm_run` a vcpu's `KVM_RUN` fills); `None`
/// without BTF or a kernel without KVM.
pub fn kvm_vcpu_run(btf: &Types) -> Option<u32> {
    btf.member_offset("kvm_vcpu", "run")
}

/// Where a task's ids in its own pid namespace are (`--pidns-translation`); `None`
/// without BTF or when a field is missing (the translation then reads `/proc` alone).
pub fn ns_fields(btf: &Types) -> Option<NsFields> {
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

/// With `-Y`: where a task's children and their names are; `None` where a field is
/// missing (pid arguments are then named from `/proc` when the line is printed).
pub fn child_fields(btf: &Types) -> Option<ChildFields> {
    let at = |strukt: &str, member: &str| btf.member_offset(strukt, member);
    Some(ChildFields {
        task_children: at("task_struct", "children")?,
        task_sibling: at("task_struct", "sibling")?,
        task_pid: at("task_struct", "pid")?,
        task_comm: at("task_struct", "comm")?,
        task_thread_pid: at("task_struct", "thread_pid")?,
        pid_level: at("pid", "level")?,
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

/// The BTF ids of the kernel functions `names` that take one `struct pt_regs *` (as the
/// syscall functions do), in order: `None` for one BTF does not have, or with another
/// prototype; `None` without BTF. One pass over the types.
pub fn pt_regs_functions(btf: Option<&Types>, names: &[String]) -> Option<Vec<Option<u32>>> {
    const KIND_FUNC: u32 = 12;
    let btf = btf?;
    let mut ids = vec![None; names.len()];
    for id in 1..btf.at.len() {
        let pos = btf.at[id];
        if (btf.u32_at(pos + 4) >> 24) & 0x1f != KIND_FUNC {
            continue;
        }
        let name = btf.name(btf.u32_at(pos));
        if let Some(at) = names.iter().position(|n| n == name)
            && ids[at].is_none()
            && btf.takes_pt_regs(btf.u32_at(pos + 8) as usize)
        {
            ids[at] = Some(id as u32);
        }
    }
    Some(ids)
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

/// The io_uring tracepoints' prototypes and the fields the raw programs read.
fn uring_btf(btf: &Types) -> UringBtf {
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
    UringBtf {
        submit,
        complete: btf.tracepoint_params("io_uring_complete"),
        req,
        cqe: at("io_uring_cqe", "res").zip(at("io_uring_cqe", "flags")),
    }
}

/// The BTF's types by id, for lookups that follow type references: a member inside an
/// unnamed struct or union.
pub struct Types<'a> {
    btf: &'a [u8],
    strings: &'a [u8],
    /// Byte position of each type's header, by id (id 0 is `void`).
    at: Vec<usize>,
    /// The structs' ids by name (a kernel with modules may have several of a name): the
    /// lookups by name need not walk every type. (Names as bytes, hashed fast: made for
    /// every struct at each start, looked up a dozen times.)
    structs: foldhash::HashMap<&'a [u8], Vec<usize>>,
}

impl<'a> Types<'a> {
    pub fn parse(btf: &'a [u8]) -> Option<Self> {
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
        let mut types = Self {
            btf,
            strings,
            at,
            structs: foldhash::HashMap::default(),
        };
        for id in 1..types.at.len() {
            let pos = types.at[id];
            if (types.u32_at(pos + 4) >> 24) & 0x1f == KIND_STRUCT {
                let name = types.name_bytes(types.u32_at(pos));
                types.structs.entry(name).or_default().push(id);
            }
        }
        Some(types)
    }

    fn u32_at(&self, off: usize) -> u32 {
        self.btf
            .get(off..off + 4)
            .map_or(0, |b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    fn name(&self, off: u32) -> &'a str {
        std::str::from_utf8(self.name_bytes(off)).unwrap_or_default()
    }

    fn name_bytes(&self, off: u32) -> &'a [u8] {
        let s = self.strings.get(off as usize..).unwrap_or_default();
        &s[..s.iter().position(|&b| b == 0).unwrap_or(0)]
    }

    /// Byte offset of `member` in the first struct named `strukt` that has it.
    fn member_offset(&self, strukt: &str, member: &str) -> Option<u32> {
        (self.structs.get(strukt.as_bytes())?.iter()).find_map(|&id| self.find(id, member, 0))
    }

    /// The byte offsets of `members` in the first struct named `name` that has them all
    /// (none a bitfield); `None` if there is none.
    fn member_offsets(&self, name: &str, members: &[&str]) -> Option<Vec<u32>> {
        (self.structs.get(name.as_bytes())?.iter()).find_map(|&id| {
            (members.iter())
                .map(|member| self.find(id, member, 0))
                .collect()
        })
    }

    /// The size of the first struct named `name`.
    fn struct_size(&self, name: &str) -> Option<u32> {
        self.size(*self.structs.get(name.as_bytes())?.first()?, 0)
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

    /// Whether the function prototype `proto` takes one parameter, a (const) pointer to
    /// `struct pt_regs`.
    fn takes_pt_regs(&self, proto: usize) -> bool {
        const KIND_PTR: u32 = 2;
        const KIND_CONST: u32 = 10;
        const KIND_FUNC_PROTO: u32 = 13;
        let kind = |id: usize| self.at.get(id).map(|&pos| (self.u32_at(pos + 4), pos));
        let Some((info, pos)) = kind(proto) else {
            return false;
        };
        if (info >> 24) & 0x1f != KIND_FUNC_PROTO || info & 0xffff != 1 {
            return false;
        }
        // The parameter's type: through the pointer and any const, the struct.
        let mut id = self.u32_at(pos + 12 + 4) as usize;
        let mut pointer = false;
        for _ in 0..4 {
            let Some((info, pos)) = kind(id) else {
                return false;
            };
            match (info >> 24) & 0x1f {
                KIND_PTR if !pointer => pointer = true,
                KIND_CONST => {}
                KIND_STRUCT => return pointer && self.name(self.u32_at(pos)) == "pt_regs",
                _ => return false,
            }
            id = self.u32_at(pos + 8) as usize;
        }
        false
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
fn task_flag(btf: &Types, flag: &TaskFlag) -> Option<u32> {
    let outer = btf.member_offsets("task_struct", &[flag.task_member])?[0];
    let inner = btf.member_offsets(flag.strukt, &[flag.member])?[0];
    Some(outer + inner)
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

    /// This kernel's BTF, or `None` (the test says it is skipped) without it.
    fn this_kernels() -> Option<Data> {
        let data = read();
        if data.is_none() {
            println!("skipped: no {VMLINUX}");
        }
        data
    }

    #[test]
    fn this_kernels_offsets_are_found() {
        let Some(data) = this_kernels() else { return };
        let btf = Types::parse(&data).unwrap();
        let o = offsets(Some(&btf), true);
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
        if btf.member_offsets("io_kiocb", &["cqe"]).is_some() {
            assert!(o.uring_fd.unwrap() > 64);
            assert_eq!(o.uring_rw.unwrap().0, 8);
        }
        // struct sigpending { struct list_head list; sigset_t signal; }, after the ids.
        let pending = o.task_sigpending.expect("task_struct.pending.signal");
        assert!(pending > tgid, "{pending}");
        // `sighand_struct` opens with its count and lock; a `k_sigaction` holds a
        // `sigaction`: the handler, flags, (restorer,) mask.
        let (sighand, action, size) = o.sighand.expect("task_struct.sighand and k_sigaction");
        assert!(
            sighand > tgid && action >= 8 && size >= 24,
            "{sighand} {action} {size}"
        );
    }

    #[test]
    fn this_kernels_fd_fields_are_found() {
        let Some(data) = this_kernels() else { return };
        let btf = Types::parse(&data).unwrap();
        let f = fd_fields(&btf, false).expect("the descriptor fields");
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
        let f = fd_fields(&btf, true).expect("the descriptor fields");
        // struct unix_sock opens with its struct sock; struct unix_address { refcount_t
        // refcnt; int len; [unsigned int hash;] struct sockaddr_un name[]; }, and
        // sun_path follows the 2-byte family.
        assert!(f.unix_addr > 256 && f.unix_peer > f.unix_addr, "{f:?}");
        assert_eq!(f.unix_address_len, 4);
        assert!(matches!(f.unix_address_path, 10 | 14), "{f:?}");
        assert!(f.sock_socket > 0 && f.socket_ino > f.inode_ino, "{f:?}");
    }

    #[test]
    fn this_kernels_child_fields_are_found() {
        let Some(data) = this_kernels() else { return };
        let btf = Types::parse(&data).unwrap();
        let f = child_fields(&btf).expect("the children's fields");
        assert!(f.known());
        // struct list_head children, sibling; one after the other, after the ids.
        assert_eq!(f.task_sibling, f.task_children + 16, "{f:?}");
        assert!(
            f.task_children > f.task_pid && f.task_comm > f.task_pid,
            "{f:?}"
        );
        // struct pid { refcount_t count; unsigned int level; ... }
        assert_eq!(f.pid_level, 4, "{f:?}");
    }

    #[test]
    fn syscall_functions_are_found() {
        let prefix = tracer_common::SYSCALL_FN_PREFIX;
        let names = [
            format!("{prefix}openat"),
            format!("{prefix}no_such_call"),
            // Takes its arguments, not the registers.
            "do_sys_openat2".to_owned(),
        ];
        let Some(data) = this_kernels() else { return };
        let ids = pt_regs_functions(Types::parse(&data).as_ref(), &names).expect("BTF");
        assert!(ids[0].is_some_and(|id| id > 0), "{ids:?}");
        assert_eq!(ids[1..], [None, None]);
    }

    #[test]
    fn the_mapping_holds_what_a_read_gives() {
        let Some(data) = this_kernels() else { return };
        assert_eq!(
            *data,
            *fs::read(VMLINUX).expect("a read of what was mapped")
        );
    }

    #[test]
    fn anything_else_is_none() {
        assert!(Types::parse(b"not btf").is_none());
        assert!(Types::parse(&[]).is_none());
        assert_eq!(offsets(None, true), Offsets::default());
        if let Some(data) = read() {
            let btf = Types::parse(&data).unwrap();
            assert_eq!(btf.member_offsets("task_struct", &["no_such_member"]), None);
            assert_eq!(btf.member_offsets("no_such_struct", &["pid"]), None);
        }
    }
}
