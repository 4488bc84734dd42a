//! `bpf`'s `union bpf_attr`, by command, as strace's `bpf.c` prints it: the fields of
//! each version of the command's struct the given size covers (a size that stops
//! inside a version stops the struct there), then `...` (`extra_data=` under `-v`)
//! when bytes past the known struct are not zero. Commands not decoded here print the
//! address.

use std::fmt::Write;

use super::flags::{self, Xlat, write_enum, write_flags};
use super::{DecodeOptions, strings::quote, strings::write_addr, structs::Bytes, write_plain_fd};
use crate::event::{FdNames, Syscall as Call};

const BPF_MAP_CREATE: u32 = 0;
const BPF_PROG_LOAD: u32 = 5;
const BPF_OBJ_GET_INFO_BY_FD: u32 = 15;
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
        Field("insns", 8, Kind::Addr, false),
        Field("license", 16, Kind::Addr, false),
        Field("log_level", 24, Kind::U32, true),
        Field("log_size", 28, Kind::U32, false),
        Field("log_buf", 32, Kind::Addr, false),
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
    Some(match cmd {
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
        && (matches!(cmd, BPF_MAP_CREATE | BPF_PROG_LOAD | BPF_OBJ_GET_INFO_BY_FD)
            || flat(cmd).is_some())
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
    match map_info {
        Some(m) => write_map_info(out, m, opts),
        None => write_addr(out, info),
    }
    out.push('}');
    write_extra(out, after_raw.unwrap_or_default(), size, 16, opts);
    out.push('}');
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
        let name = &info[24..40];
        match name.iter().position(|&c| c == 0) {
            Some(end) => quote(out, &name[..end], opts.hex, false),
            None => {
                quote(out, &name[..15], opts.hex, false);
                out.push_str("...");
            }
        }
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
    let b = Bytes(&attr);
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
            Kind::Updated => {
                let before = b.u32(off).unwrap_or(0);
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
}

/// The name a table gives 0, which strace's `printflags` prints for no flags.
fn lookup_zero(table: Xlat) -> Option<&'static str> {
    flags::lookup(table, 0)
}

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
}
