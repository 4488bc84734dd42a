//! `bpf`'s `union bpf_attr`, by command, as strace's `bpf.c` prints it: the fields of
//! each version of the command's struct the given size covers (a size that stops
//! inside a version stops the struct there), then `...` (`extra_data=` under `-v`)
//! when bytes past the known struct are not zero. Commands not decoded here print the
//! address.

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use super::mem::{Mem, Want};
use super::{
    DecodeOptions, strings::quote, strings::write_addr, structs::Bytes, write_hex, write_plain_fd,
};
use crate::event::{FdNames, Syscall as Call};

const BPF_MAP_CREATE: u32 = 0;
const BPF_PROG_LOAD: u32 = 5;
const BPF_OBJ_GET_INFO_BY_FD: u32 = 15;
const BPF_PROG_QUERY: u32 = 16;
const BPF_TASK_FD_QUERY: u32 = 20;
const BPF_LINK_CREATE: u32 = 28;
/// `struct bpf_map_info` as strace 6.1 knows it.
const MAP_INFO_SIZE: usize = 88;

/// How one field prints.
#[derive(Clone, Copy)]
enum Kind {
    U32,
    U64,
    Enum(Xlat, &'static str),
    Flags(Xlat, &'static str),
    Fd,
    Addr,
    /// A `char[16]` name.
    Name,
    /// `KERNEL_VERSION(a, b, c)`.
    KernelVersion,
    /// An interface: `if_nametoindex("lo")`.
    Ifindex,
    /// `map_create`'s `numa_node`, only with `BPF_F_NUMA_NODE`, always verbose.
    NumaNode,
    /// A `__u64` constant or flag set (0 printed as the table's zero name).
    Enum64(Xlat, &'static str),
    Flags64(Xlat, &'static str),
    /// A `__u32` the kernel writes back: `next_id=0 => 42` (the exit's copy).
    Updated,
    /// `link_update`'s `old_prog_fd`, only with `BPF_F_REPLACE` in its flags (at 8).
    OldProgFd,
    /// A `__u64` in hex (`PRINT_FIELD_X`).
    X64,
    /// A pid (`PRINT_FIELD_TGID`).
    Pid,
    /// A pointer to a C string (strace's `printstr`), or with a bound (`printstr_ex`
    /// of that many bytes, NUL-terminated); `LogBuf`: bounded by the `__u32` at 28.
    Str(Option<usize>),
    LogBuf,
    /// A pointer to as many bytes as the `__u32` at that offset says (`printstrn`).
    Bytes(usize),
    /// `prog_load`'s instructions (`-v`), as many as the `__u32` at 4 says.
    Insns,
    /// `task_fd_query`'s `buf` at exit, bounded by its `buf_len` (at 12) at entry and
    /// at exit.
    TaskBuf,
    /// `prog_query`'s program ids at exit, as many as its `prog_cnt` (at 24) says.
    ProgIds,
}

/// A field: its name, offset and kind; `since` marks the first field of a later
/// version of the struct (strace stops before it when the size ends there).
struct Field(&'static str, usize, Kind, bool);

const MAP_CREATE: (&[Field], usize) = (
    &[
        Field(
            "map_type",
            0,
            Kind::Enum(MAP_TYPES, "BPF_MAP_TYPE_???"),
            false,
        ),
        Field("key_size", 4, Kind::U32, false),
        Field("value_size", 8, Kind::U32, false),
        Field("max_entries", 12, Kind::U32, false),
        Field("map_flags", 16, Kind::Flags(MAP_FLAGS, "BPF_F_???"), true),
        Field("inner_map_fd", 20, Kind::Fd, true),
        Field("numa_node", 24, Kind::NumaNode, true),
        Field("map_name", 28, Kind::Name, true),
        Field("map_ifindex", 44, Kind::Ifindex, true),
        Field("btf_fd", 48, Kind::Fd, true),
        Field("btf_key_type_id", 52, Kind::U32, false),
        Field("btf_value_type_id", 56, Kind::U32, false),
        Field("btf_vmlinux_value_type_id", 60, Kind::U32, true),
        Field("map_extra", 64, Kind::U64, true),
    ],
    72,
);

const PROG_LOAD: (&[Field], usize) = (
    &[
        Field(
            "prog_type",
            0,
            Kind::Enum(PROG_TYPES, "BPF_PROG_TYPE_???"),
            false,
        ),
        Field("insn_cnt", 4, Kind::U32, false),
        Field("insns", 8, Kind::Insns, false),
        Field("license", 16, Kind::Str(None), false),
        Field("log_level", 24, Kind::U32, true),
        Field("log_size", 28, Kind::U32, false),
        Field("log_buf", 32, Kind::LogBuf, false),
        Field("kern_version", 40, Kind::KernelVersion, true),
        Field("prog_flags", 44, Kind::Flags(PROG_FLAGS, "BPF_F_???"), true),
        Field("prog_name", 48, Kind::Name, true),
        Field("prog_ifindex", 64, Kind::Ifindex, true),
        Field(
            "expected_attach_type",
            68,
            Kind::Enum(ATTACH_TYPES, "BPF_???"),
            true,
        ),
        Field("prog_btf_fd", 72, Kind::Fd, true),
        Field("func_info_rec_size", 76, Kind::U32, false),
        Field("func_info", 80, Kind::Addr, false),
        Field("func_info_cnt", 88, Kind::U32, false),
        Field("line_info_rec_size", 92, Kind::U32, false),
        Field("line_info", 96, Kind::Addr, false),
        Field("line_info_cnt", 104, Kind::U32, false),
        Field("attach_btf_id", 108, Kind::U32, true),
        Field("attach_prog_fd", 112, Kind::Fd, true),
        Field("fd_array", 120, Kind::Addr, true),
    ],
    128,
);

const MAP_ELEM: &[Field] = &[
    Field("map_fd", 0, Kind::Fd, false),
    Field("key", 8, Kind::Addr, false),
    Field("value", 16, Kind::Addr, false),
];

/// The commands whose attributes are only fields: their fields, struct size and the
/// name of the struct strace wraps them in (`{test={...}}`).
fn flat(cmd: u32) -> Option<(&'static [Field], usize, Option<&'static str>)> {
    const LOOKUP: &[Field] = &[
        Field("map_fd", 0, Kind::Fd, false),
        Field("key", 8, Kind::Addr, false),
        Field("value", 16, Kind::Addr, false),
        Field("flags", 24, Kind::Flags64(LOOKUP_FLAGS, "BPF_???"), true),
    ];
    const UPDATE: &[Field] = &[
        Field("map_fd", 0, Kind::Fd, false),
        Field("key", 8, Kind::Addr, false),
        Field("value", 16, Kind::Addr, false),
        Field("flags", 24, Kind::Enum64(UPDATE_FLAGS, "BPF_???"), false),
    ];
    const NEXT_KEY: &[Field] = &[
        Field("map_fd", 0, Kind::Fd, false),
        Field("key", 8, Kind::Addr, false),
        Field("next_key", 16, Kind::Addr, false),
    ];
    const ATTACH: &[Field] = &[
        Field("target_fd", 0, Kind::Fd, false),
        Field("attach_bpf_fd", 4, Kind::Fd, false),
        Field("attach_type", 8, Kind::Enum(ATTACH_TYPES, "BPF_???"), false),
        Field(
            "attach_flags",
            12,
            Kind::Flags(ATTACH_FLAGS, "BPF_F_???"),
            false,
        ),
        Field("replace_bpf_fd", 16, Kind::Fd, true),
    ];
    const DETACH: &[Field] = &[
        Field("target_fd", 0, Kind::Fd, false),
        Field("attach_type", 8, Kind::Enum(ATTACH_TYPES, "BPF_???"), false),
    ];
    const TEST_RUN: &[Field] = &[
        Field("prog_fd", 0, Kind::Fd, false),
        Field("retval", 4, Kind::U32, false),
        Field("data_size_in", 8, Kind::U32, false),
        Field("data_size_out", 12, Kind::U32, false),
        Field("data_in", 16, Kind::Addr, false),
        Field("data_out", 24, Kind::Addr, false),
        Field("repeat", 32, Kind::U32, false),
        Field("duration", 36, Kind::U32, false),
        Field("ctx_size_in", 40, Kind::U32, true),
        Field("ctx_size_out", 44, Kind::U32, false),
        Field("ctx_in", 48, Kind::Addr, false),
        Field("ctx_out", 56, Kind::Addr, false),
        Field("flags", 64, Kind::Flags(TEST_RUN_FLAGS, "BPF_F_???"), true),
        Field("cpu", 68, Kind::U32, false),
        Field("batch_size", 72, Kind::U32, true),
    ];
    const NEXT_ID: &[Field] = &[
        Field("start_id", 0, Kind::U32, false),
        Field("next_id", 4, Kind::Updated, false),
        Field(
            "open_flags",
            8,
            Kind::Flags(FILE_MODE_FLAGS, "BPF_F_???"),
            true,
        ),
    ];
    const PROG_BY_ID: &[Field] = &[
        Field("prog_id", 0, Kind::U32, false),
        Field("next_id", 4, Kind::U32, false),
        Field(
            "open_flags",
            8,
            Kind::Flags(FILE_MODE_FLAGS, "BPF_F_???"),
            true,
        ),
    ];
    const LINK_UPDATE: &[Field] = &[
        Field("link_fd", 0, Kind::Fd, false),
        Field("new_prog_fd", 4, Kind::Fd, false),
        Field("flags", 8, Kind::Flags(ATTACH_FLAGS, "BPF_F_???"), false),
        Field("old_prog_fd", 12, Kind::OldProgFd, false),
    ];
    const MAP_BY_ID: &[Field] = &[
        Field("map_id", 0, Kind::U32, false),
        Field("next_id", 4, Kind::U32, false),
        Field(
            "open_flags",
            8,
            Kind::Flags(FILE_MODE_FLAGS, "BPF_F_???"),
            true,
        ),
    ];
    const OBJ_PIN: &[Field] = &[
        Field("pathname", 0, Kind::Str(None), false),
        Field("bpf_fd", 8, Kind::Fd, false),
        Field(
            "file_flags",
            12,
            Kind::Flags(FILE_MODE_FLAGS, "BPF_F_???"),
            true,
        ),
    ];
    const PROG_QUERY: &[Field] = &[
        Field("target_fd", 0, Kind::Fd, false),
        Field("attach_type", 4, Kind::Enum(ATTACH_TYPES, "BPF_???"), false),
        Field(
            "query_flags",
            8,
            Kind::Flags(QUERY_FLAGS, "BPF_F_QUERY_???"),
            false,
        ),
        Field(
            "attach_flags",
            12,
            Kind::Flags(ATTACH_FLAGS, "BPF_F_???"),
            false,
        ),
        Field("prog_ids", 16, Kind::ProgIds, false),
        Field("prog_cnt", 24, Kind::Updated, false),
    ];
    const RAW_TRACEPOINT: &[Field] = &[
        Field("name", 0, Kind::Str(Some(128)), false),
        Field("prog_fd", 8, Kind::Fd, false),
    ];
    const BTF_LOAD: &[Field] = &[
        Field("btf", 0, Kind::Bytes(16), false),
        Field("btf_log_buf", 8, Kind::Addr, false),
        Field("btf_size", 16, Kind::U32, false),
        Field("btf_log_size", 20, Kind::U32, false),
        Field("btf_log_level", 24, Kind::U32, false),
    ];
    const TASK_FD_QUERY: &[Field] = &[
        Field("pid", 0, Kind::Pid, false),
        Field("fd", 4, Kind::Fd, false),
        Field("flags", 8, Kind::U32, false),
        Field("buf_len", 12, Kind::Updated, false),
        Field("buf", 16, Kind::TaskBuf, false),
        Field("prog_id", 24, Kind::U32, false),
        Field(
            "fd_type",
            28,
            Kind::Enum(FD_TYPES, "BPF_FD_TYPE_???"),
            false,
        ),
        Field("probe_offset", 32, Kind::X64, false),
        Field("probe_addr", 40, Kind::X64, false),
    ];
    const BATCH: &[Field] = &[
        Field("in_batch", 0, Kind::Addr, false),
        Field("out_batch", 8, Kind::Addr, false),
        Field("keys", 16, Kind::Addr, false),
        Field("values", 24, Kind::Addr, false),
        Field("count", 32, Kind::U32, false),
        Field("map_fd", 36, Kind::Fd, false),
        Field(
            "elem_flags",
            40,
            Kind::Flags64(LOOKUP_FLAGS, "BPF_???"),
            false,
        ),
        Field("flags", 48, Kind::X64, false),
    ];
    const DELETE_BATCH: &[Field] = &[
        Field("keys", 16, Kind::Addr, false),
        Field("count", 32, Kind::U32, false),
        Field("map_fd", 36, Kind::Fd, false),
        Field(
            "elem_flags",
            40,
            Kind::Flags64(LOOKUP_FLAGS, "BPF_???"),
            false,
        ),
        Field("flags", 48, Kind::X64, false),
    ];
    Some(match cmd {
        6 | 7 => (OBJ_PIN, 16, None),
        16 => (PROG_QUERY, 28, Some("query")),
        17 => (RAW_TRACEPOINT, 12, Some("raw_tracepoint")),
        18 => (BTF_LOAD, 28, None),
        20 => (TASK_FD_QUERY, 48, Some("task_fd_query")),
        // BPF_MAP_LOOKUP_BATCH, BPF_MAP_LOOKUP_AND_DELETE_BATCH, BPF_MAP_UPDATE_BATCH,
        // BPF_MAP_DELETE_BATCH
        24 | 25 => (BATCH, 56, Some("batch")),
        26 => (&BATCH[2..], 56, Some("batch")),
        27 => (DELETE_BATCH, 56, Some("batch")),
        // BPF_MAP_LOOKUP_ELEM, BPF_MAP_LOOKUP_AND_DELETE_ELEM
        1 | 21 => (LOOKUP, 32, None),
        2 => (UPDATE, 32, None),
        3 => (&MAP_ELEM[..2], 16, None),
        4 => (NEXT_KEY, 24, None),
        8 => (ATTACH, 20, None),
        9 => (DETACH, 12, None),
        10 => (TEST_RUN, 76, Some("test")),
        // BPF_PROG_GET_NEXT_ID, BPF_MAP_GET_NEXT_ID, BPF_BTF_GET_NEXT_ID,
        // BPF_LINK_GET_NEXT_ID
        11 | 12 | 23 | 31 => (NEXT_ID, 12, None),
        13 => (PROG_BY_ID, 12, None),
        14 => (MAP_BY_ID, 12, None),
        19 => (&[Field("btf_id", 0, Kind::U32, false)], 4, None),
        22 => (&MAP_ELEM[..1], 4, None),
        29 => (LINK_UPDATE, 16, Some("link_update")),
        30 => (&[Field("link_id", 0, Kind::U32, false)], 4, None),
        _ => return None,
    })
}

/// Whether the attributes of `call`'s command are decoded here.
pub(crate) fn decoded(call: &Call) -> bool {
    let size = call.args[2] as u32;
    let cmd = call.args[0] as u32;
    size > 0
        && size <= 4096
        && (matches!(
            cmd,
            BPF_MAP_CREATE | BPF_PROG_LOAD | BPF_OBJ_GET_INFO_BY_FD | BPF_LINK_CREATE
        ) || flat(cmd).is_some())
}

/// The attributes as strace copies them for a struct of `struct_size` bytes: the
/// bytes given, zeros past them.
fn padded(data: &[u8], size: usize, struct_size: usize) -> Vec<u8> {
    let mut attr = vec![0u8; struct_size];
    let len = size.min(struct_size).min(data.len());
    attr[..len].copy_from_slice(&data[..len]);
    attr
}

/// `, ...` (`-v`: `, extra_data="\x.." /* bytes 16..23 */`) when bytes past the
/// `known` of the `size` given are not zeros (strace's `decode_attr_extra_data`).
fn write_extra(out: &mut String, data: &[u8], size: usize, known: usize, opts: &DecodeOptions) {
    let Some(extra) = data.get(known..size) else {
        return;
    };
    if extra.iter().any(|&c| c != 0) {
        if opts.abbreviate {
            out.push_str(", ...");
        } else {
            out.push_str(", extra_data=");
            quote(out, extra, opts.hex, true);
            let _ = write!(out, " /* bytes {}..{} */", known, size - 1);
        }
    }
}

/// The descriptor `BPF_OBJ_GET_INFO_BY_FD` asks about, for `-y`.
pub(crate) fn named_fd(call: &Call) -> Option<i32> {
    let data = call.capture(1).filter(|c| !c.fault && decoded(call))?;
    (call.args[0] as u32 == BPF_OBJ_GET_INFO_BY_FD)
        .then(|| Bytes(&padded(&data.data, call.args[2] as u32 as usize, 16)).i32(0))?
}

/// `BPF_OBJ_GET_INFO_BY_FD`'s `{info={bpf_fd=3, info_len=88 => 80, info=...}}`: the
/// object's info (under `-v`, a map's) as the kernel wrote it, else its address.
fn write_obj_info(
    out: &mut String,
    call: &Call,
    entry: &[u8],
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let size = call.args[2] as u32 as usize;
    let before = padded(entry, size, 16);
    let exit = call.captures.iter().filter(|c| c.arg == 1).nth(1);
    let after_raw = exit
        .filter(|c| !c.fault && c.kind == tracer_common::capture::BUF)
        .and_then(|c| c.data.get(..size));
    let after = after_raw.map(|d| padded(d, size, 16));
    let b = Bytes(&before);
    let fd = b.i32(0).unwrap_or(0);
    out.push_str("{info={bpf_fd=");
    write_plain_fd(out, call.pid, fd, fds);
    let len = b.u32(4).unwrap_or(0);
    let _ = write!(out, ", info_len={len}");
    // (Where the exit's copy failed, strace showed the entry's fields only.)
    let Some(after) = after else {
        out.push_str("}}");
        return;
    };
    let a = Bytes(&after);
    let new_len = a.u32(4).unwrap_or(0);
    if new_len != len {
        let _ = write!(out, " => {new_len}");
    }
    out.push_str(", info=");
    let info = a.u64(8).unwrap_or(0);
    let is_map = fds.and_then(|f| f.fd_name(call.pid, fd)) == Some("anon_inode:bpf-map");
    let map_info = call
        .followed(1)
        .filter(|c| !c.fault && !opts.abbreviate && is_map && call.success().is_some())
        .and_then(|c| c.data.get(16..16 + new_len as usize))
        .filter(|_| new_len > 0);
    let is_prog = fds.and_then(|f| f.fd_name(call.pid, fd)) == Some("anon_inode:bpf-prog");
    // A program's info, read at entry (the sizes asked) and at exit, as far as
    // `info_len` says at each, with what its pointers point at.
    let prog_info = (is_prog && !opts.abbreviate && new_len > 0 && new_len <= 4096)
        .then(|| Mem::of(call, true).whole(info, new_len as usize))
        .flatten();
    match (map_info, prog_info) {
        (Some(m), _) => write_map_info(out, m, opts),
        (None, Some(p)) => {
            let entry = Mem::of(call, false).whole(b.u64(8).unwrap_or(0), len as usize);
            write_prog_info(out, call, entry.unwrap_or_default(), p, opts)
        }
        _ => write_addr(out, info),
    }
    out.push('}');
    write_extra(out, after_raw.unwrap_or_default(), size, 16, opts);
    out.push('}');
}

/// `struct bpf_prog_info` as the kernel wrote it (`after`, its size the `info_len` at
/// exit), with the values asked at entry (`before`) where they changed, and the map ids
/// and (`-v`) instructions it points at (strace's `print_bpf_prog_info`).
fn write_prog_info(
    out: &mut String,
    call: &Call,
    before: &[u8],
    after: &[u8],
    opts: &DecodeOptions,
) {
    let size = after.len();
    let (info, saved) = (padded(after, size, 224), padded(before, before.len(), 224));
    let (a, e) = (Bytes(&info), Bytes(&saved));
    let u = |off| a.u32(off).unwrap_or(0);
    let x = |off| a.u64(off).unwrap_or(0);
    // `before => after` for the fields the caller sets and the kernel answers in.
    let changed = |out: &mut String, name: &str, off: usize| {
        let (was, now) = (e.u32(off).unwrap_or(0), u(off));
        let _ = write!(out, ", {name}=");
        if was != now {
            let _ = write!(out, "{was} => ");
        }
        let _ = write!(out, "{now}");
    };
    let changed_addr = |out: &mut String, name: &str, off: usize| {
        let (was, now) = (e.u64(off).unwrap_or(0), x(off));
        let _ = write!(out, ", {name}=");
        if was != now {
            write_addr(out, was);
            out.push_str(" => ");
        }
        write_addr(out, now);
    };
    let mem = Mem::of(call, true);
    out.push_str("{type=");
    write_enum(out, u(0).into(), PROG_TYPES, "BPF_PROG_TYPE_???");
    let _ = write!(out, ", id={}, tag=", u(4));
    quote(out, &info[8..16], opts.hex, true);
    changed(out, "jited_prog_len", 16);
    out.push_str(", jited_prog_insns=");
    write_bytes_hex(out, &mem, x(24), u(16) as usize, opts);
    changed(out, "xlated_prog_len", 20);
    out.push_str(", xlated_prog_insns=");
    let insns = e.u32(20).unwrap_or(0).min(u(20)) / 8;
    if x(32) == 0 {
        out.push_str("NULL");
    } else if insns == 0 {
        out.push_str("[]");
    } else if call.success().is_none() {
        // strace reads no array after a failure.
        write_addr(out, x(32));
    } else {
        let cap = array_at(&mem, x(32), insns as usize * 8);
        super::args::write_array(out, cap.as_ref(), x(32), insns.into(), 8, opts, write_insn);
    }
    'fields: {
        if size <= 40 {
            break 'fields;
        }
        let _ = write!(out, ", load_time={}", x(40));
        if flags::style() != super::XlatStyle::Raw {
            super::structs::write_date_comment(out, boot_to_epoch(x(40)), 0, 1);
        }
        out.push_str(", created_by_uid=");
        match u(48) {
            u32::MAX => out.push_str("-1"),
            uid => {
                let _ = write!(out, "{uid}");
            }
        }
        changed(out, "nr_map_ids", 52);
        out.push_str(", map_ids=");
        let ids = e.u32(52).unwrap_or(0).min(u(52));
        write_u32s(out, call, x(56), ids, opts, |s, v| {
            let _ = write!(s, "{v}");
        });
        out.push_str(", name=");
        write_obj_name(out, &info[64..80], opts);
        if size <= 80 {
            break 'fields;
        }
        out.push_str(", ifindex=");
        let index = u(80);
        flags::styled(out, &index.to_string(), |s| {
            super::cmsg::write_ifindex(s, index)
        });
        let _ = write!(out, ", gpl_compatible={}, netns_dev=", u(84) & 1);
        super::structs::write_makedev(out, x(88));
        let _ = write!(out, ", netns_ino={}", x(96));
        if size <= 104 {
            break 'fields;
        }
        changed(out, "nr_jited_ksyms", 104);
        changed(out, "nr_jited_func_lens", 108);
        changed_addr(out, "jited_ksyms", 112);
        changed_addr(out, "jited_func_lens", 120);
        if size <= 128 {
            break 'fields;
        }
        let _ = write!(out, ", btf_id={}", u(128));
        changed(out, "func_info_rec_size", 132);
        out.push_str(", func_info=");
        write_addr(out, x(136));
        changed(out, "nr_func_info", 144);
        changed(out, "nr_line_info", 148);
        out.push_str(", line_info=");
        write_addr(out, x(152));
        changed_addr(out, "jited_line_info", 160);
        changed(out, "nr_jited_line_info", 168);
        changed(out, "line_info_rec_size", 172);
        changed(out, "jited_line_info_rec_size", 176);
        changed(out, "nr_prog_tags", 180);
        out.push_str(", prog_tags=");
        write_addr(out, x(184));
        if size <= 192 {
            break 'fields;
        }
        let _ = write!(out, ", run_time_ns={}, run_cnt={}", x(192), x(200));
        if size <= 208 {
            break 'fields;
        }
        let _ = write!(out, ", recursion_misses={}", x(208));
        if size <= 216 {
            break 'fields;
        }
        let _ = write!(out, ", verified_insns={}", u(216));
        write_extra(out, after, size, 220, opts);
    }
    out.push('}');
}

/// strace's `printstr_ex(..., QUOTE_FORCE_HEX)` of `len` bytes at `addr`.
fn write_bytes_hex(out: &mut String, mem: &Mem, addr: u64, len: usize, opts: &DecodeOptions) {
    if addr == 0 {
        return out.push_str("NULL");
    }
    let shown = len.min(opts.string_limit);
    match mem.get(addr).filter(|d| d.len() >= shown) {
        Some(d) => {
            quote(out, &d[..shown], opts.hex, true);
            if len > shown {
                out.push_str("...");
            }
        }
        None => write_addr(out, addr),
    }
}

/// A `CLOCK_BOOTTIME` time in nanoseconds as seconds since the epoch (strace's
/// `print_boottime`: the clocks' offset now, to the second).
fn boot_to_epoch(ns: u64) -> i64 {
    let now = |clock| {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `clock_gettime` only writes the timespec it is given.
        unsafe { libc::clock_gettime(clock, &mut ts) };
        ts.tv_sec as i128 * 1_000_000_000 + ts.tv_nsec as i128
    };
    let offset = now(libc::CLOCK_REALTIME) - now(libc::CLOCK_BOOTTIME);
    ((ns as i128 + offset) / 1_000_000_000) as i64
}

/// `struct bpf_map_info` from the `size` bytes the kernel wrote: the fields each
/// version adds as far as they reach (strace's `print_bpf_map_info`).
fn write_map_info(out: &mut String, data: &[u8], opts: &DecodeOptions) {
    let size = data.len();
    let info = padded(data, size, MAP_INFO_SIZE);
    let b = Bytes(&info);
    let u = |off| b.u32(off).unwrap_or(0);
    out.push_str("{type=");
    write_enum(out, u(0).into(), MAP_TYPES, "BPF_MAP_TYPE_???");
    let _ = write!(
        out,
        ", id={}, key_size={}, value_size={}, max_entries={}, map_flags=",
        u(4),
        u(8),
        u(12),
        u(16)
    );
    write_flags(out, u(20).into(), MAP_FLAGS, None, "BPF_F_???");
    'fields: {
        if size <= 24 {
            break 'fields;
        }
        out.push_str(", name=");
        write_obj_name(out, &info[24..40], opts);
        if size <= 40 {
            break 'fields;
        }
        out.push_str(", ifindex=");
        let index = u(40);
        flags::styled(out, &index.to_string(), |s| {
            super::cmsg::write_ifindex(s, index)
        });
        let _ = write!(out, ", btf_vmlinux_value_type_id={}, netns_dev=", u(44));
        super::structs::write_makedev(out, b.u64(48).unwrap_or(0));
        let _ = write!(out, ", netns_ino={}", b.u64(56).unwrap_or(0));
        if size <= 64 {
            break 'fields;
        }
        let _ = write!(
            out,
            ", btf_id={}, btf_key_type_id={}, btf_value_type_id={}",
            u(64),
            u(68),
            u(72)
        );
        write_extra(out, data, size, MAP_INFO_SIZE, opts);
    }
    out.push('}');
}

/// `bpf`'s attributes, argument 1, of `size` (argument 2) bytes; the address when
/// the command is not decoded here or the memory could not be read.
pub(crate) fn write_attr(
    out: &mut String,
    call: &Call,
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let addr = call.args[1];
    let size = call.args[2] as u32 as usize;
    let data = call
        .capture(1)
        .filter(|c| !c.fault && addr != 0 && decoded(call))
        .and_then(|c| c.data.get(..size));
    if let Some(entry) = data.filter(|_| call.args[0] as u32 == BPF_OBJ_GET_INFO_BY_FD) {
        return write_obj_info(out, call, entry, opts, fds);
    }
    if let Some(entry) = data.filter(|_| call.args[0] as u32 == BPF_LINK_CREATE) {
        return write_link_create(out, call, entry, opts, fds);
    }
    let (fields, struct_size, wrapper) = match call.args[0] as u32 {
        BPF_MAP_CREATE => (MAP_CREATE.0, MAP_CREATE.1, None),
        BPF_PROG_LOAD => (PROG_LOAD.0, PROG_LOAD.1, None),
        cmd => flat(cmd).unwrap_or((PROG_LOAD.0, PROG_LOAD.1, None)),
    };
    // What the kernel wrote back (`next_id`): the attributes as copied at exit.
    let exit = call
        .captures
        .iter()
        .filter(|c| c.arg == 1 && c.kind == tracer_common::capture::BUF)
        .nth(1)
        .filter(|c| !c.fault)
        .and_then(|c| c.data.get(..size))
        .map(|d| padded(d, size, struct_size));
    let Some(data) = data else {
        return write_addr(out, addr);
    };
    // The struct as strace copies it: the bytes given, zeros past them.
    let mut attr = vec![0u8; struct_size];
    let len = size.min(struct_size);
    attr[..len].copy_from_slice(&data[..len]);
    let entry_b = Bytes(&attr);
    // The fields strace prints at exit, from the attributes as the kernel left them.
    let exit_from = match call.args[0] as u32 {
        BPF_PROG_QUERY | BPF_TASK_FD_QUERY => 16,
        _ => usize::MAX,
    };
    let exit_b = exit.as_deref().map(Bytes);
    out.push('{');
    if let Some(name) = wrapper {
        let _ = write!(out, "{name}={{");
    }
    let mut whole = true;
    for (n, &Field(name, off, kind, since)) in fields.iter().enumerate() {
        if since && len <= off {
            whole = false;
            break;
        }
        let b = match &exit_b {
            Some(e) if off >= exit_from => e,
            _ => &entry_b,
        };
        let mut s = String::new();
        match kind {
            Kind::U32 => {
                let _ = write!(s, "{}", b.u32(off).unwrap_or(0));
            }
            Kind::U64 => {
                let _ = write!(s, "{}", b.u64(off).unwrap_or(0));
            }
            Kind::Enum(table, dflt) => {
                write_enum(&mut s, b.u32(off).unwrap_or(0) as u64, table, dflt)
            }
            Kind::Flags(table, dflt) => {
                write_flags(&mut s, b.u32(off).unwrap_or(0) as u64, table, None, dflt)
            }
            Kind::Fd => write_plain_fd(&mut s, call.pid, b.i32(off).unwrap_or(0), fds),
            Kind::Addr => write_addr(&mut s, b.u64(off).unwrap_or(0)),
            Kind::Name => {
                let room = (len - off).min(16);
                let bytes = &attr[off..off + room];
                // strace's `print_quoted_cstring`: without a NUL, the last byte is
                // where one should have been.
                match bytes.iter().position(|&c| c == 0) {
                    Some(end) => quote(&mut s, &bytes[..end], opts.hex, false),
                    None => {
                        quote(&mut s, &bytes[..room.saturating_sub(1)], opts.hex, false);
                        s.push_str("...");
                    }
                }
            }
            Kind::Ifindex => {
                let index = b.u32(off).unwrap_or(0);
                flags::styled(&mut s, &index.to_string(), |s| {
                    super::cmsg::write_ifindex(s, index)
                });
            }
            Kind::KernelVersion => {
                let v = b.u32(off).unwrap_or(0);
                flags::styled(&mut s, &flags::hex(v as u64), |s| {
                    let _ = write!(
                        s,
                        "KERNEL_VERSION({}, {}, {})",
                        v >> 16,
                        (v >> 8) & 0xff,
                        v & 0xff
                    );
                });
            }
            Kind::Enum64(table, dflt) => write_enum(&mut s, b.u64(off).unwrap_or(0), table, dflt),
            Kind::Flags64(table, dflt) => {
                let zero = lookup_zero(table);
                write_flags(&mut s, b.u64(off).unwrap_or(0), table, zero, dflt)
            }
            Kind::X64 => write_hex(&mut s, b.u64(off).unwrap_or(0)),
            Kind::Pid => {
                let _ = write!(s, "{}", b.i32(off).unwrap_or(0));
            }
            Kind::Str(bound) => write_cstr(
                &mut s,
                &Mem::of(call, false),
                b.u64(off).unwrap_or(0),
                bound,
                opts,
            ),
            Kind::LogBuf => {
                let bound = b.u32(28).unwrap_or(0) as usize;
                write_cstr(
                    &mut s,
                    &Mem::of(call, false),
                    b.u64(off).unwrap_or(0),
                    Some(bound),
                    opts,
                )
            }
            Kind::TaskBuf => {
                let bound = entry_b.u32(12).unwrap_or(0).min(b.u32(12).unwrap_or(0));
                let mem = Mem::of(call, true);
                write_cstr(
                    &mut s,
                    &mem,
                    b.u64(off).unwrap_or(0),
                    Some(bound as usize),
                    opts,
                )
            }
            Kind::Bytes(size_at) => {
                let size = b.u32(size_at).unwrap_or(0) as usize;
                write_bytes(
                    &mut s,
                    &Mem::of(call, false),
                    b.u64(off).unwrap_or(0),
                    size,
                    opts,
                )
            }
            Kind::Insns => {
                let addr = b.u64(off).unwrap_or(0);
                let count = b.u32(4).unwrap_or(0);
                if opts.abbreviate {
                    write_addr(&mut s, addr);
                } else {
                    let cap = array_at(&Mem::of(call, false), addr, count as usize * 8);
                    super::args::write_array(
                        &mut s,
                        cap.as_ref(),
                        addr,
                        count.into(),
                        8,
                        opts,
                        write_insn,
                    );
                }
            }
            Kind::ProgIds => {
                let addr = b.u64(off).unwrap_or(0);
                let count = b.u32(24).unwrap_or(0);
                write_u32s(&mut s, call, addr, count, opts, |s, v| {
                    let _ = write!(s, "{v}");
                });
            }
            Kind::Updated => {
                let before = entry_b.u32(off).unwrap_or(0);
                let _ = write!(s, "{before}");
                let after = exit.as_deref().and_then(|e| Bytes(e).u32(off));
                if let Some(after) = after.filter(|&a| a != before) {
                    let _ = write!(s, " => {after}");
                }
            }
            Kind::OldProgFd => {
                // BPF_F_REPLACE
                if b.u32(8).unwrap_or(0) & 4 == 0 {
                    continue;
                }
                write_plain_fd(&mut s, call.pid, b.i32(off).unwrap_or(0), fds);
            }
            Kind::NumaNode => {
                // Only with BPF_F_NUMA_NODE (map_flags, at 16).
                if b.u32(16).unwrap_or(0) & 4 == 0 {
                    continue;
                }
                let node = b.u32(off).unwrap_or(0);
                let _ = write!(s, "{node}");
                if node == u32::MAX && flags::style() != super::XlatStyle::Raw {
                    s.push_str(" /* NUMA_NO_NODE */");
                }
            }
        }
        if n > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{name}={s}");
    }
    if wrapper.is_some() {
        out.push('}');
    }
    // Bytes past the known struct: `...`, or all of them under `-v`.
    if whole && size > struct_size && data[struct_size..].iter().any(|&c| c != 0) {
        let extra = &data[struct_size..];
        if opts.abbreviate {
            out.push_str(", ...");
        } else {
            out.push_str(", extra_data=");
            quote(out, extra, opts.hex, true);
            let _ = write!(out, " /* bytes {}..{} */", struct_size, size - 1);
        }
    }
    out.push('}');
    // The batch commands: a count the kernel changed, after the struct.
    if wrapper == Some("batch")
        && let Some(after) = exit.as_deref().and_then(|e| Bytes(e).u32(32))
        && after != entry_b.u32(32).unwrap_or(0)
    {
        let _ = write!(out, " => {{batch={{count={after}}}}}");
    }
}

/// `BPF_LINK_CREATE`'s `{link_create={...}}`: the union after `flags` as the attach
/// type says (strace's guess), then the bytes past what that member covers.
fn write_link_create(
    out: &mut String,
    call: &Call,
    entry: &[u8],
    opts: &DecodeOptions,
    fds: Option<&dyn FdNames>,
) {
    let size = entry.len();
    let attr = padded(entry, size, 48);
    let b = Bytes(&attr);
    let u = |off| b.u32(off).unwrap_or(0);
    let x = |off| b.u64(off).unwrap_or(0);
    out.push_str("{link_create={prog_fd=");
    write_plain_fd(out, call.pid, u(0) as i32, fds);
    out.push_str(", target_fd=");
    write_plain_fd(out, call.pid, u(4) as i32, fds);
    out.push_str(", attach_type=");
    write_enum(out, u(8).into(), ATTACH_TYPES, "BPF_???");
    out.push_str(", flags=");
    write_hex(out, u(12).into());
    if size <= 16 {
        out.push_str("}}");
        return;
    }
    let mem = Mem::of(call, false);
    let known = match u(8) {
        0 => {
            if u(16) != 0 {
                let _ = write!(out, ", target_btf_id={}", u(16));
            }
            20
        }
        // BPF_TRACE_ITER
        28 => {
            out.push_str(", iter_info=");
            let (addr, count) = (x(16), u(24));
            let cap = array_at(&mem, addr, count as usize * 4);
            super::args::write_array(
                out,
                cap.as_ref(),
                addr,
                count.into(),
                4,
                opts,
                |s, e, at| {
                    s.push_str("{map={map_fd=");
                    write_plain_fd(s, call.pid, e.i32(at)?, fds);
                    s.push_str("}}");
                    Some(())
                },
            );
            let _ = write!(out, ", iter_info_len={count}");
            28
        }
        // BPF_PERF_EVENT
        41 => {
            out.push_str(", perf_event={bpf_cookie=");
            write_hex(out, x(16));
            out.push('}');
            24
        }
        // BPF_TRACE_KPROBE_MULTI
        42 => {
            out.push_str(", kprobe_multi={flags=");
            write_flags(out, u(16).into(), KPROBE_MULTI_FLAGS, None, "BPF_F_???");
            let count = u(20);
            let _ = write!(out, ", cnt={count}, syms=");
            let cap = array_at(&mem, x(24), count as usize * 8);
            super::args::write_array(
                out,
                cap.as_ref(),
                x(24),
                count.into(),
                8,
                opts,
                |s, e, at| {
                    write_cstr(s, &mem, e.u64(at)?, None, opts);
                    Some(())
                },
            );
            for (name, off) in [("addrs", 32), ("cookies", 40)] {
                let _ = write!(out, ", {name}=");
                let cap = array_at(&mem, x(off), count as usize * 8);
                super::args::write_array(
                    out,
                    cap.as_ref(),
                    x(off),
                    count.into(),
                    8,
                    opts,
                    |s, e, at| {
                        write_hex(s, e.u64(at)?);
                        Some(())
                    },
                );
            }
            out.push('}');
            48
        }
        _ => 16,
    };
    out.push('}');
    write_extra(out, entry, size, known, opts);
    out.push('}');
}

/// strace's `printstr_ex` with `QUOTE_0_TERMINATED`: the C string at `addr`, at most
/// `bound` bytes of it (None: `printstr`, `mem::write_str`), `...` when cut; the
/// address when it was not read. The ptrace backend's copy is the bytes asked for (a
/// NUL among them ends the string; fewer where the memory ended), the eBPF programs'
/// the string without its NUL (`DEREF_STRING`).
fn write_cstr(out: &mut String, mem: &Mem, addr: u64, bound: Option<usize>, opts: &DecodeOptions) {
    let Some(bound) = bound else {
        return super::mem::write_str(out, mem, addr, opts);
    };
    if addr == 0 {
        return out.push_str("NULL");
    }
    let limit = opts.string_limit;
    if bound == 0 {
        // Nothing to read: strace prints the empty string.
        return out.push_str("\"\"");
    }
    let Some(cap) = copy_at(mem, addr) else {
        return write_addr(out, addr);
    };
    let data = &cap.data[8..];
    let size = bound.min(limit);
    let seen = &data[..data.len().min(size)];
    match seen.iter().position(|&c| c == 0) {
        Some(n) => strings_quote(out, &seen[..n], opts, false),
        None if seen.len() >= size => strings_quote(out, seen, opts, true),
        // The eBPF programs' whole string (its NUL not kept).
        None if !cap.truncated && !cap.fault => strings_quote(out, seen, opts, false),
        None => write_addr(out, addr),
    }
}

fn strings_quote(out: &mut String, bytes: &[u8], opts: &DecodeOptions, cut: bool) {
    quote(out, bytes, opts.hex, false);
    if cut {
        out.push_str("...");
    }
}

/// strace's `printstrn`: `size` bytes at `addr`, `-s` of them shown; the address when
/// not all of those were read.
fn write_bytes(out: &mut String, mem: &Mem, addr: u64, size: usize, opts: &DecodeOptions) {
    if addr == 0 {
        return out.push_str("NULL");
    }
    let shown = size.min(opts.string_limit);
    match mem.get(addr).filter(|d| d.len() >= shown) {
        Some(d) => strings_quote(out, &d[..shown], opts, size > shown),
        None => write_addr(out, addr),
    }
}

/// The `len` bytes of an array at `addr` as far as they were read, for `write_array`:
/// where the memory ended, a fault after the elements read (`... /* 0x... */`).
fn array_at(mem: &Mem, addr: u64, len: usize) -> Option<crate::event::Capture> {
    mem.capture(addr, len).map(|mut c| {
        c.fault |= c.truncated;
        c
    })
}

/// The longest copy taken at `addr` (with its flags).
fn copy_at<'a>(mem: &Mem<'a>, addr: u64) -> Option<&'a crate::event::Capture> {
    mem.caps
        .iter()
        .filter(|c| c.kind == mem.kind && c.data.len() >= 8)
        .filter(|c| c.data[..8] == addr.to_le_bytes())
        .max_by_key(|c| c.data.len())
}

/// An array of `count` `__u32`s the kernel wrote at `addr` (copied at exit): `[]` when
/// empty, the address when the call failed (strace reads none then).
fn write_u32s(
    out: &mut String,
    call: &Call,
    addr: u64,
    count: u32,
    opts: &DecodeOptions,
    elem: impl Fn(&mut String, u32),
) {
    if addr == 0 {
        return out.push_str("NULL");
    }
    if count == 0 {
        return out.push_str("[]");
    }
    if call.success().is_none() {
        return write_addr(out, addr);
    }
    let cap = array_at(&Mem::of(call, true), addr, count as usize * 4);
    super::args::write_array(
        out,
        cap.as_ref(),
        addr,
        count.into(),
        4,
        opts,
        |s, e, at| {
            elem(s, e.u32(at)?);
            Some(())
        },
    );
}

/// One `struct bpf_insn` (strace's `print_ebpf_insn`).
fn write_insn(out: &mut String, e: &Bytes, at: usize) -> Option<()> {
    let code = *e.0.get(at)?;
    let regs = *e.0.get(at + 1)?;
    out.push_str("{code=");
    write_ebpf_code(out, code);
    out.push_str(", dst_reg=");
    write_enum(out, (regs & 15).into(), REGS, "BPF_REG_???");
    out.push_str(", src_reg=");
    write_enum(out, (regs >> 4).into(), REGS, "BPF_REG_???");
    let _ = write!(out, ", off={}, imm=", e.u16(at + 2)? as i16);
    write_hex(out, e.u32(at + 4)?.into());
    out.push('}');
    Some(())
}

/// An eBPF instruction's code (strace's `print_bpf_filter_code`, extended).
fn write_ebpf_code(out: &mut String, code: u8) {
    let class = code & 7;
    write_enum(out, class.into(), EBPF_CLASS, "BPF_???");
    let rest = code & !7;
    match class {
        // BPF_LD, BPF_LDX, BPF_ST, BPF_STX
        0..=3 => {
            out.push('|');
            write_enum(out, (code & 0x18).into(), EBPF_SIZE, "BPF_???");
            out.push('|');
            write_enum(out, (code & 0xe0).into(), EBPF_MODE, "BPF_???");
        }
        // BPF_ALU, BPF_ALU64, BPF_JMP
        4 | 5 | 7 => {
            out.push('|');
            write_enum(
                out,
                (code & 8).into(),
                &[(0, "BPF_K"), (8, "BPF_X")],
                "BPF_???",
            );
            out.push('|');
            let ops = if class == 5 {
                EBPF_OP_JMP
            } else {
                super::bpf_filter::OP_ALU
            };
            write_enum(out, (code & 0xf0).into(), ops, "BPF_???");
        }
        // BPF_JMP32: not known to strace 6.1's printer.
        _ if rest != 0 => {
            out.push('|');
            write_hex(out, rest.into());
            out.push_str(" /* BPF_??? */");
        }
        _ => {}
    }
}

/// What `bpf`'s decoder prints behind the attributes' pointers, to read at this stop
/// (entry, or `exit`): strings as far as `-s` (`limit`) shows and a byte.
pub(super) fn derefs(call: &Call, exit: bool, limit: usize, wants: &mut Vec<Want>) {
    let size = call.args[2] as u32 as usize;
    let Some(attr) = call
        .capture(1)
        .filter(|c| !c.fault && decoded(call))
        .map(|c| padded(&c.data, size.min(c.data.len()), 128))
    else {
        return;
    };
    let b = Bytes(&attr);
    let u = |off| b.u32(off).unwrap_or(0) as usize;
    let x = |off| b.u64(off).unwrap_or(0);
    let string = limit + 1;
    match (call.args[0] as u32, exit) {
        (BPF_PROG_LOAD, false) => {
            wants.push((x(8), u(4).min(BPF_MAXINSNS) * 8));
            wants.push((x(16), string));
            if size > 24 {
                wants.push((x(32), u(28).min(limit)));
            }
        }
        // BPF_OBJ_PIN, BPF_OBJ_GET, BPF_RAW_TRACEPOINT_OPEN
        (6 | 7, false) => wants.push((x(0), string)),
        (17, false) => wants.push((x(0), limit.min(128))),
        // BPF_BTF_LOAD
        (18, false) => wants.push((x(0), u(16).min(limit))),
        (BPF_PROG_QUERY | BPF_TASK_FD_QUERY, true) => {
            let at_exit = call
                .captures
                .iter()
                .filter(|c| c.arg == 1 && c.kind == tracer_common::capture::BUF)
                .nth(1)
                .filter(|c| !c.fault)
                .map(|c| padded(&c.data, size.min(c.data.len()), 48));
            let e = Bytes(at_exit.as_deref().unwrap_or(&attr));
            let eu = |off| e.u32(off).unwrap_or(0) as usize;
            if call.args[0] as u32 == BPF_PROG_QUERY {
                wants.push((e.u64(16).unwrap_or(0), eu(24).min(MAX_IDS) * 4));
            } else {
                wants.push((e.u64(16).unwrap_or(0), u(12).min(eu(12)).min(limit)));
            }
        }
        // A program's info (the decoder tells it from a map's by the descriptor), at
        // entry and exit, and at exit the map ids and instructions it points at.
        (BPF_OBJ_GET_INFO_BY_FD, false) => wants.push((x(8), u(4).min(4096))),
        (BPF_OBJ_GET_INFO_BY_FD, true) => {
            let mem = Mem::of(call, false);
            let Some(before) = mem.get(x(8)) else {
                return;
            };
            let e = Bytes(before);
            let at_exit = call
                .captures
                .iter()
                .filter(|c| c.arg == 1 && c.kind == tracer_common::capture::BUF)
                .nth(1)
                .filter(|c| !c.fault)
                .map(|c| padded(&c.data, size.min(c.data.len()), 16));
            let len = at_exit
                .as_deref()
                .map_or(u(4), |a| Bytes(a).u32(4).unwrap_or(0) as usize);
            wants.push((x(8), len.min(4096)));
            if let Some(after) = Mem::of(call, true).get(x(8)) {
                let a = Bytes(after);
                let both = |off| e.u32(off).unwrap_or(0).min(a.u32(off).unwrap_or(0)) as usize;
                wants.push((a.u64(32).unwrap_or(0), both(20) / 8 * 8));
                wants.push((a.u64(56).unwrap_or(0), both(52).min(MAX_IDS) * 4));
                let jited = a.u32(16).unwrap_or(0) as usize;
                wants.push((a.u64(24).unwrap_or(0), jited.min(limit)));
            }
        }
        (BPF_LINK_CREATE, false) => match u(8) {
            28 => wants.push((x(16), u(24).min(MAX_IDS) * 4)),
            42 => {
                let count = u(20).min(limit + 1);
                wants.push((x(24), count * 8));
                wants.push((x(32), count * 8));
                wants.push((x(40), count * 8));
                if let Some(syms) = Mem::of(call, false).get(x(24)) {
                    for p in syms.chunks_exact(8).take(count) {
                        let p = u64::from_le_bytes(p.try_into().expect("8 bytes"));
                        wants.push((p, string));
                    }
                }
            }
            _ => {}
        },
        _ => {}
    }
}

/// strace's `BPF_MAXINSNS`: most instructions shown.
const BPF_MAXINSNS: usize = 4096;
/// Most ids read behind a pointer.
const MAX_IDS: usize = 4096;

/// The name a table gives 0, which strace's `printflags` prints for no flags.
fn lookup_zero(table: Xlat) -> Option<&'static str> {
    flags::lookup(table, 0)
}

/// strace's `bpf_query_flags`.
const QUERY_FLAGS: Xlat = &[(1, "BPF_F_QUERY_EFFECTIVE")];

/// strace's `bpf_link_create_kprobe_multi_flags`.
const KPROBE_MULTI_FLAGS: Xlat = &[(1, "BPF_F_KPROBE_MULTI_RETURN")];

/// strace's `bpf_task_fd_type`.
const FD_TYPES: Xlat = &[
    (0, "BPF_FD_TYPE_RAW_TRACEPOINT"),
    (1, "BPF_FD_TYPE_TRACEPOINT"),
    (2, "BPF_FD_TYPE_KPROBE"),
    (3, "BPF_FD_TYPE_KRETPROBE"),
    (4, "BPF_FD_TYPE_UPROBE"),
    (5, "BPF_FD_TYPE_URETPROBE"),
];

/// strace's `ebpf_regs`.
const REGS: Xlat = &[
    (0, "BPF_REG_0"),
    (1, "BPF_REG_1"),
    (2, "BPF_REG_2"),
    (3, "BPF_REG_3"),
    (4, "BPF_REG_4"),
    (5, "BPF_REG_5"),
    (6, "BPF_REG_6"),
    (7, "BPF_REG_7"),
    (8, "BPF_REG_8"),
    (9, "BPF_REG_9"),
    (10, "BPF_REG_10"),
];

/// strace's `ebpf_class`.
const EBPF_CLASS: Xlat = &[
    (0, "BPF_LD"),
    (1, "BPF_LDX"),
    (2, "BPF_ST"),
    (3, "BPF_STX"),
    (4, "BPF_ALU"),
    (5, "BPF_JMP"),
    (6, "BPF_JMP32"),
    (7, "BPF_ALU64"),
];

/// strace's `bpf_size` with `ebpf_size`.
const EBPF_SIZE: Xlat = &[
    (0, "BPF_W"),
    (8, "BPF_H"),
    (0x10, "BPF_B"),
    (0x18, "BPF_DW"),
];

/// strace's `ebpf_mode`.
const EBPF_MODE: Xlat = &[
    (0, "BPF_IMM"),
    (0x20, "BPF_ABS"),
    (0x40, "BPF_IND"),
    (0x60, "BPF_MEM"),
    (0xc0, "BPF_XADD"),
];

/// strace's `bpf_op_jmp` with `ebpf_op_jmp`.
const EBPF_OP_JMP: Xlat = &[
    (0, "BPF_JA"),
    (0x10, "BPF_JEQ"),
    (0x20, "BPF_JGT"),
    (0x30, "BPF_JGE"),
    (0x40, "BPF_JSET"),
    (0x50, "BPF_JNE"),
    (0x60, "BPF_JSGT"),
    (0x70, "BPF_JSGE"),
    (0x80, "BPF_CALL"),
    (0x90, "BPF_EXIT"),
    (0xa0, "BPF_JLT"),
    (0xb0, "BPF_JLE"),
    (0xc0, "BPF_JSLT"),
    (0xd0, "BPF_JSLE"),
];

/// strace's `bpf_map_lookup_elem_flags`.
const LOOKUP_FLAGS: Xlat = &[(0, "BPF_ANY"), (4, "BPF_F_LOCK")];

/// strace's `bpf_map_update_elem_flags`.
const UPDATE_FLAGS: Xlat = &[
    (0, "BPF_ANY"),
    (1, "BPF_NOEXIST"),
    (2, "BPF_EXIST"),
    (4, "BPF_F_LOCK"),
];

/// strace's `bpf_attach_flags`.
const ATTACH_FLAGS: Xlat = &[
    (1, "BPF_F_ALLOW_OVERRIDE"),
    (2, "BPF_F_ALLOW_MULTI"),
    (4, "BPF_F_REPLACE"),
];

/// strace's `bpf_test_run_flags`.
const TEST_RUN_FLAGS: Xlat = &[
    (1, "BPF_F_TEST_RUN_ON_CPU"),
    (2, "BPF_F_TEST_XDP_LIVE_FRAMES"),
];

/// strace's `bpf_file_mode_flags`.
const FILE_MODE_FLAGS: Xlat = &[(1 << 3, "BPF_F_RDONLY"), (1 << 4, "BPF_F_WRONLY")];

/// strace's `bpf_map_types`.
const MAP_TYPES: Xlat = &[
    (0, "BPF_MAP_TYPE_UNSPEC"),
    (1, "BPF_MAP_TYPE_HASH"),
    (2, "BPF_MAP_TYPE_ARRAY"),
    (3, "BPF_MAP_TYPE_PROG_ARRAY"),
    (4, "BPF_MAP_TYPE_PERF_EVENT_ARRAY"),
    (5, "BPF_MAP_TYPE_PERCPU_HASH"),
    (6, "BPF_MAP_TYPE_PERCPU_ARRAY"),
    (7, "BPF_MAP_TYPE_STACK_TRACE"),
    (8, "BPF_MAP_TYPE_CGROUP_ARRAY"),
    (9, "BPF_MAP_TYPE_LRU_HASH"),
    (10, "BPF_MAP_TYPE_LRU_PERCPU_HASH"),
    (11, "BPF_MAP_TYPE_LPM_TRIE"),
    (12, "BPF_MAP_TYPE_ARRAY_OF_MAPS"),
    (13, "BPF_MAP_TYPE_HASH_OF_MAPS"),
    (14, "BPF_MAP_TYPE_DEVMAP"),
    (15, "BPF_MAP_TYPE_SOCKMAP"),
    (16, "BPF_MAP_TYPE_CPUMAP"),
    (17, "BPF_MAP_TYPE_XSKMAP"),
    (18, "BPF_MAP_TYPE_SOCKHASH"),
    (19, "BPF_MAP_TYPE_CGROUP_STORAGE"),
    (20, "BPF_MAP_TYPE_REUSEPORT_SOCKARRAY"),
    (21, "BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE"),
    (22, "BPF_MAP_TYPE_QUEUE"),
    (23, "BPF_MAP_TYPE_STACK"),
    (24, "BPF_MAP_TYPE_SK_STORAGE"),
    (25, "BPF_MAP_TYPE_DEVMAP_HASH"),
    (26, "BPF_MAP_TYPE_STRUCT_OPS"),
    (27, "BPF_MAP_TYPE_RINGBUF"),
    (28, "BPF_MAP_TYPE_INODE_STORAGE"),
    (29, "BPF_MAP_TYPE_TASK_STORAGE"),
    (30, "BPF_MAP_TYPE_BLOOM_FILTER"),
    (31, "BPF_MAP_TYPE_USER_RINGBUF"),
];

/// strace's `bpf_map_flags`.
const MAP_FLAGS: Xlat = &[
    (1 << 0, "BPF_F_NO_PREALLOC"),
    (1 << 1, "BPF_F_NO_COMMON_LRU"),
    (1 << 2, "BPF_F_NUMA_NODE"),
    (1 << 3, "BPF_F_RDONLY"),
    (1 << 4, "BPF_F_WRONLY"),
    (1 << 5, "BPF_F_STACK_BUILD_ID"),
    (1 << 6, "BPF_F_ZERO_SEED"),
    (1 << 7, "BPF_F_RDONLY_PROG"),
    (1 << 8, "BPF_F_WRONLY_PROG"),
    (1 << 9, "BPF_F_CLONE"),
    (1 << 10, "BPF_F_MMAPABLE"),
    (1 << 11, "BPF_F_PRESERVE_ELEMS"),
    (1 << 12, "BPF_F_INNER_MAP"),
];

/// strace's `bpf_prog_types`.
const PROG_TYPES: Xlat = &[
    (0, "BPF_PROG_TYPE_UNSPEC"),
    (1, "BPF_PROG_TYPE_SOCKET_FILTER"),
    (2, "BPF_PROG_TYPE_KPROBE"),
    (3, "BPF_PROG_TYPE_SCHED_CLS"),
    (4, "BPF_PROG_TYPE_SCHED_ACT"),
    (5, "BPF_PROG_TYPE_TRACEPOINT"),
    (6, "BPF_PROG_TYPE_XDP"),
    (7, "BPF_PROG_TYPE_PERF_EVENT"),
    (8, "BPF_PROG_TYPE_CGROUP_SKB"),
    (9, "BPF_PROG_TYPE_CGROUP_SOCK"),
    (10, "BPF_PROG_TYPE_LWT_IN"),
    (11, "BPF_PROG_TYPE_LWT_OUT"),
    (12, "BPF_PROG_TYPE_LWT_XMIT"),
    (13, "BPF_PROG_TYPE_SOCK_OPS"),
    (14, "BPF_PROG_TYPE_SK_SKB"),
    (15, "BPF_PROG_TYPE_CGROUP_DEVICE"),
    (16, "BPF_PROG_TYPE_SK_MSG"),
    (17, "BPF_PROG_TYPE_RAW_TRACEPOINT"),
    (18, "BPF_PROG_TYPE_CGROUP_SOCK_ADDR"),
    (19, "BPF_PROG_TYPE_LWT_SEG6LOCAL"),
    (20, "BPF_PROG_TYPE_LIRC_MODE2"),
    (21, "BPF_PROG_TYPE_SK_REUSEPORT"),
    (22, "BPF_PROG_TYPE_FLOW_DISSECTOR"),
    (23, "BPF_PROG_TYPE_CGROUP_SYSCTL"),
    (24, "BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE"),
    (25, "BPF_PROG_TYPE_CGROUP_SOCKOPT"),
    (26, "BPF_PROG_TYPE_TRACING"),
    (27, "BPF_PROG_TYPE_STRUCT_OPS"),
    (28, "BPF_PROG_TYPE_EXT"),
    (29, "BPF_PROG_TYPE_LSM"),
    (30, "BPF_PROG_TYPE_SK_LOOKUP"),
    (31, "BPF_PROG_TYPE_SYSCALL"),
];

/// strace's `bpf_prog_flags`.
const PROG_FLAGS: Xlat = &[
    (1 << 0, "BPF_F_STRICT_ALIGNMENT"),
    (1 << 1, "BPF_F_ANY_ALIGNMENT"),
    (1 << 2, "BPF_F_TEST_RND_HI32"),
    (1 << 3, "BPF_F_TEST_STATE_FREQ"),
    (1 << 4, "BPF_F_SLEEPABLE"),
];

/// strace's `bpf_attach_type`.
const ATTACH_TYPES: Xlat = &[
    (0, "BPF_CGROUP_INET_INGRESS"),
    (1, "BPF_CGROUP_INET_EGRESS"),
    (2, "BPF_CGROUP_INET_SOCK_CREATE"),
    (3, "BPF_CGROUP_SOCK_OPS"),
    (4, "BPF_SK_SKB_STREAM_PARSER"),
    (5, "BPF_SK_SKB_STREAM_VERDICT"),
    (6, "BPF_CGROUP_DEVICE"),
    (7, "BPF_SK_MSG_VERDICT"),
    (8, "BPF_CGROUP_INET4_BIND"),
    (9, "BPF_CGROUP_INET6_BIND"),
    (10, "BPF_CGROUP_INET4_CONNECT"),
    (11, "BPF_CGROUP_INET6_CONNECT"),
    (12, "BPF_CGROUP_INET4_POST_BIND"),
    (13, "BPF_CGROUP_INET6_POST_BIND"),
    (14, "BPF_CGROUP_UDP4_SENDMSG"),
    (15, "BPF_CGROUP_UDP6_SENDMSG"),
    (16, "BPF_LIRC_MODE2"),
    (17, "BPF_FLOW_DISSECTOR"),
    (18, "BPF_CGROUP_SYSCTL"),
    (19, "BPF_CGROUP_UDP4_RECVMSG"),
    (20, "BPF_CGROUP_UDP6_RECVMSG"),
    (21, "BPF_CGROUP_GETSOCKOPT"),
    (22, "BPF_CGROUP_SETSOCKOPT"),
    (23, "BPF_TRACE_RAW_TP"),
    (24, "BPF_TRACE_FENTRY"),
    (25, "BPF_TRACE_FEXIT"),
    (26, "BPF_MODIFY_RETURN"),
    (27, "BPF_LSM_MAC"),
    (28, "BPF_TRACE_ITER"),
    (29, "BPF_CGROUP_INET4_GETPEERNAME"),
    (30, "BPF_CGROUP_INET6_GETPEERNAME"),
    (31, "BPF_CGROUP_INET4_GETSOCKNAME"),
    (32, "BPF_CGROUP_INET6_GETSOCKNAME"),
    (33, "BPF_XDP_DEVMAP"),
    (34, "BPF_CGROUP_INET_SOCK_RELEASE"),
    (35, "BPF_XDP_CPUMAP"),
    (36, "BPF_SK_LOOKUP"),
    (37, "BPF_XDP"),
    (38, "BPF_SK_SKB_VERDICT"),
    (39, "BPF_SK_REUSEPORT_SELECT"),
    (40, "BPF_SK_REUSEPORT_SELECT_OR_MIGRATE"),
    (41, "BPF_PERF_EVENT"),
    (42, "BPF_TRACE_KPROBE_MULTI"),
    (43, "BPF_LSM_CGROUP"),
];

/// A program's or map's 16-byte name: up to its NUL, or cut (`...`) without one.
fn write_obj_name(out: &mut String, name: &[u8], opts: &DecodeOptions) {
    match name.iter().position(|&c| c == 0) {
        Some(end) => quote(out, &name[..end], opts.hex, false),
        None => {
            quote(out, &name[..15], opts.hex, false);
            out.push_str("...");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Capture;

    fn call(cmd: u64, attr: &[u8], size: u64) -> Call {
        Call {
            nr: crate::syscalls::by_name("bpf").map_or(0, |sc| sc.nr),
            args: [cmd, 0x7ffc_0000_1000, size, 0, 0, 0],
            ret: Some(-7),
            captures: vec![Capture {
                arg: 1,
                kind: tracer_common::capture::BUF,
                data: attr.to_vec(),
                truncated: false,
                fault: false,
            }],
            ..Default::default()
        }
    }

    // strace's tests/kernel_version.c.
    #[test]
    fn prog_load() {
        let mut attr = [0u8; 128];
        attr[0..4].copy_from_slice(&0x20u32.to_le_bytes());
        attr[4..8].copy_from_slice(&0xbadc_0dedu32.to_le_bytes());
        attr[24..28].copy_from_slice(&24u32.to_le_bytes());
        attr[28..32].copy_from_slice(&3_141_592_653u32.to_le_bytes());
        attr[40..44].copy_from_slice(&0xcafe_f00du32.to_le_bytes());
        let mut s = String::new();
        write_attr(
            &mut s,
            &call(5, &attr, 128),
            &DecodeOptions::default(),
            None,
        );
        assert_eq!(
            s,
            "{prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3134983661, insns=NULL, \
             license=NULL, log_level=24, log_size=3141592653, log_buf=NULL, \
             kern_version=KERNEL_VERSION(51966, 240, 13), prog_flags=0, prog_name=\"\", \
             prog_ifindex=0, expected_attach_type=BPF_CGROUP_INET_INGRESS, prog_btf_fd=0, \
             func_info_rec_size=0, func_info=NULL, func_info_cnt=0, line_info_rec_size=0, \
             line_info=NULL, line_info_cnt=0, attach_btf_id=0, attach_prog_fd=0, \
             fd_array=NULL}"
        );
    }

    // strace's tests/bpf.c: a size that ends before the second version stops there.
    #[test]
    fn map_create_short() {
        let mut attr = [0u8; 4];
        attr[0..4].copy_from_slice(&2u32.to_le_bytes());
        let mut s = String::new();
        write_attr(&mut s, &call(0, &attr, 4), &DecodeOptions::default(), None);
        assert_eq!(
            s,
            "{map_type=BPF_MAP_TYPE_ARRAY, key_size=0, value_size=0, max_entries=0}"
        );
    }

    /// A copy behind a pointer, as the backends take them: the address, then the bytes.
    fn deref(addr: u64, bytes: &[u8], truncated: bool) -> Capture {
        let mut data = addr.to_le_bytes().to_vec();
        data.extend_from_slice(bytes);
        Capture {
            arg: crate::event::DEREF_ARG,
            kind: crate::event::DEREF_ENTRY,
            data,
            truncated,
            fault: false,
        }
    }

    /// The license and log buffer of BPF_PROG_LOAD, from a ptrace copy (`-s` and a
    /// byte, its NUL among them) and from an eBPF one (the string without its NUL): the
    /// same line; a copy the mapping's end cut before any NUL shows the address.
    #[test]
    fn prog_load_strings_from_either_backend() {
        let mut attr = [0u8; 40];
        attr[0..4].copy_from_slice(&1u32.to_le_bytes());
        attr[16..24].copy_from_slice(&0x5000u64.to_le_bytes());
        attr[28..32].copy_from_slice(&4u32.to_le_bytes());
        attr[32..40].copy_from_slice(&0x6000u64.to_le_bytes());
        let line = |caps: Vec<Capture>| {
            let mut c = call(5, &attr, 40);
            c.captures.extend(caps);
            let mut s = String::new();
            write_attr(&mut s, &c, &DecodeOptions::default(), None);
            s
        };
        let want = "license=\"GPL\", log_level=0, log_size=4, log_buf=\"log \"...";
        let ptrace = line(vec![
            deref(0x5000, b"GPL\0garbage", false),
            deref(0x6000, b"log ", false),
        ]);
        assert!(ptrace.contains(want), "{ptrace}");
        let ebpf = line(vec![
            deref(0x5000, b"GPL", false),
            deref(0x6000, b"log buffer", false),
        ]);
        assert!(ebpf.contains(want), "{ebpf}");
        let cut = line(vec![deref(0x5000, b"GP", true)]);
        assert!(cut.contains("license=0x5000, "), "{cut}");
    }
}
