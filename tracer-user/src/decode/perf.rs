//! `perf_event_open`'s `struct perf_event_attr`, as strace's `perf.c` prints it: the
//! type, size and config (by type), the sampling settings, the flag bits (those set,
//! all of them under `-v`), and under `-v` the fields each later version of the struct
//! adds as far as its size reaches; `...` when the caller's struct is longer than what
//! was read. A call refused with `E2BIG` shows the size the kernel wrote back.

use std::fmt::Write;

use super::flags::{CLOCKS, Xlat, write_enum, write_flags};
use super::structs::Bytes;
use super::{Call, DecodeOptions, in_out, write_addr, write_hex};

/// `sizeof(struct perf_event_attr)` as strace 6.1 knows it (`PERF_ATTR_SIZE_VER7`).
pub const SIZE: u16 = 128;
const SIZE_VER0: usize = 64;
/// `offsetof(struct perf_event_attr, wakeup_events)`: what strace reads abbreviated.
const ABBREV_SIZE: usize = 48;
const E2BIG: i64 = -7;

const TYPE_HARDWARE: u32 = 0;
const TYPE_SOFTWARE: u32 = 1;
const TYPE_TRACEPOINT: u32 = 2;
const TYPE_HW_CACHE: u32 = 3;
const TYPE_BREAKPOINT: u32 = 5;

const SAMPLE_BRANCH_STACK: u64 = 1 << 11;
const SAMPLE_STACK_USER: u64 = 1 << 13;

const TYPES: Xlat = &[
    (0, "PERF_TYPE_HARDWARE"),
    (1, "PERF_TYPE_SOFTWARE"),
    (2, "PERF_TYPE_TRACEPOINT"),
    (3, "PERF_TYPE_HW_CACHE"),
    (4, "PERF_TYPE_RAW"),
    (5, "PERF_TYPE_BREAKPOINT"),
];

const SIZES: Xlat = &[
    (64, "PERF_ATTR_SIZE_VER0"),
    (72, "PERF_ATTR_SIZE_VER1"),
    (80, "PERF_ATTR_SIZE_VER2"),
    (96, "PERF_ATTR_SIZE_VER3"),
    (104, "PERF_ATTR_SIZE_VER4"),
    (112, "PERF_ATTR_SIZE_VER5"),
    (120, "PERF_ATTR_SIZE_VER6"),
    (128, "PERF_ATTR_SIZE_VER7"),
];

const HW_IDS: Xlat = &[
    (0, "PERF_COUNT_HW_CPU_CYCLES"),
    (1, "PERF_COUNT_HW_INSTRUCTIONS"),
    (2, "PERF_COUNT_HW_CACHE_REFERENCES"),
    (3, "PERF_COUNT_HW_CACHE_MISSES"),
    (4, "PERF_COUNT_HW_BRANCH_INSTRUCTIONS"),
    (5, "PERF_COUNT_HW_BRANCH_MISSES"),
    (6, "PERF_COUNT_HW_BUS_CYCLES"),
    (7, "PERF_COUNT_HW_STALLED_CYCLES_FRONTEND"),
    (8, "PERF_COUNT_HW_STALLED_CYCLES_BACKEND"),
    (9, "PERF_COUNT_HW_REF_CPU_CYCLES"),
];

const SW_IDS: Xlat = &[
    (0, "PERF_COUNT_SW_CPU_CLOCK"),
    (1, "PERF_COUNT_SW_TASK_CLOCK"),
    (2, "PERF_COUNT_SW_PAGE_FAULTS"),
    (3, "PERF_COUNT_SW_CONTEXT_SWITCHES"),
    (4, "PERF_COUNT_SW_CPU_MIGRATIONS"),
    (5, "PERF_COUNT_SW_PAGE_FAULTS_MIN"),
    (6, "PERF_COUNT_SW_PAGE_FAULTS_MAJ"),
    (7, "PERF_COUNT_SW_ALIGNMENT_FAULTS"),
    (8, "PERF_COUNT_SW_EMULATION_FAULTS"),
    (9, "PERF_COUNT_SW_DUMMY"),
    (10, "PERF_COUNT_SW_BPF_OUTPUT"),
    (11, "PERF_COUNT_SW_CGROUP_SWITCHES"),
];

const CACHE_IDS: Xlat = &[
    (0, "PERF_COUNT_HW_CACHE_L1D"),
    (1, "PERF_COUNT_HW_CACHE_L1I"),
    (2, "PERF_COUNT_HW_CACHE_LL"),
    (3, "PERF_COUNT_HW_CACHE_DTLB"),
    (4, "PERF_COUNT_HW_CACHE_ITLB"),
    (5, "PERF_COUNT_HW_CACHE_BPU"),
    (6, "PERF_COUNT_HW_CACHE_NODE"),
];

const CACHE_OPS: Xlat = &[
    (0, "PERF_COUNT_HW_CACHE_OP_READ"),
    (1, "PERF_COUNT_HW_CACHE_OP_WRITE"),
    (2, "PERF_COUNT_HW_CACHE_OP_PREFETCH"),
];

const CACHE_RESULTS: Xlat = &[
    (0, "PERF_COUNT_HW_CACHE_RESULT_ACCESS"),
    (1, "PERF_COUNT_HW_CACHE_RESULT_MISS"),
];

const SAMPLE_FORMAT: Xlat = &[
    (1 << 0, "PERF_SAMPLE_IP"),
    (1 << 1, "PERF_SAMPLE_TID"),
    (1 << 2, "PERF_SAMPLE_TIME"),
    (1 << 3, "PERF_SAMPLE_ADDR"),
    (1 << 4, "PERF_SAMPLE_READ"),
    (1 << 5, "PERF_SAMPLE_CALLCHAIN"),
    (1 << 6, "PERF_SAMPLE_ID"),
    (1 << 7, "PERF_SAMPLE_CPU"),
    (1 << 8, "PERF_SAMPLE_PERIOD"),
    (1 << 9, "PERF_SAMPLE_STREAM_ID"),
    (1 << 10, "PERF_SAMPLE_RAW"),
    (1 << 11, "PERF_SAMPLE_BRANCH_STACK"),
    (1 << 12, "PERF_SAMPLE_REGS_USER"),
    (1 << 13, "PERF_SAMPLE_STACK_USER"),
    (1 << 14, "PERF_SAMPLE_WEIGHT"),
    (1 << 15, "PERF_SAMPLE_DATA_SRC"),
    (1 << 16, "PERF_SAMPLE_IDENTIFIER"),
    (1 << 17, "PERF_SAMPLE_TRANSACTION"),
    (1 << 18, "PERF_SAMPLE_REGS_INTR"),
    (1 << 19, "PERF_SAMPLE_PHYS_ADDR"),
    (1 << 20, "PERF_SAMPLE_AUX"),
    (1 << 21, "PERF_SAMPLE_CGROUP"),
    (1 << 22, "PERF_SAMPLE_DATA_PAGE_SIZE"),
    (1 << 23, "PERF_SAMPLE_CODE_PAGE_SIZE"),
    (1 << 24, "PERF_SAMPLE_WEIGHT_STRUCT"),
];

const READ_FORMAT: Xlat = &[
    (1 << 0, "PERF_FORMAT_TOTAL_TIME_ENABLED"),
    (1 << 1, "PERF_FORMAT_TOTAL_TIME_RUNNING"),
    (1 << 2, "PERF_FORMAT_ID"),
    (1 << 3, "PERF_FORMAT_GROUP"),
    (1 << 4, "PERF_FORMAT_LOST"),
];

const BRANCH_SAMPLE: Xlat = &[
    (1 << 0, "PERF_SAMPLE_BRANCH_USER"),
    (1 << 1, "PERF_SAMPLE_BRANCH_KERNEL"),
    (1 << 2, "PERF_SAMPLE_BRANCH_HV"),
    (1 << 3, "PERF_SAMPLE_BRANCH_ANY"),
    (1 << 4, "PERF_SAMPLE_BRANCH_ANY_CALL"),
    (1 << 5, "PERF_SAMPLE_BRANCH_ANY_RETURN"),
    (1 << 6, "PERF_SAMPLE_BRANCH_IND_CALL"),
    (1 << 7, "PERF_SAMPLE_BRANCH_ABORT_TX"),
    (1 << 8, "PERF_SAMPLE_BRANCH_IN_TX"),
    (1 << 9, "PERF_SAMPLE_BRANCH_NO_TX"),
    (1 << 10, "PERF_SAMPLE_BRANCH_COND"),
    (1 << 11, "PERF_SAMPLE_BRANCH_CALL_STACK"),
    (1 << 12, "PERF_SAMPLE_BRANCH_IND_JUMP"),
    (1 << 13, "PERF_SAMPLE_BRANCH_CALL"),
    (1 << 14, "PERF_SAMPLE_BRANCH_NO_FLAGS"),
    (1 << 15, "PERF_SAMPLE_BRANCH_NO_CYCLES"),
    (1 << 16, "PERF_SAMPLE_BRANCH_TYPE_SAVE"),
    (1 << 17, "PERF_SAMPLE_BRANCH_HW_INDEX"),
    (1 << 18, "PERF_SAMPLE_BRANCH_PRIV_SAVE"),
];

const BREAKPOINT_TYPES: Xlat = &[
    (0, "HW_BREAKPOINT_EMPTY"),
    (1, "HW_BREAKPOINT_R"),
    (2, "HW_BREAKPOINT_W"),
    (3, "HW_BREAKPOINT_RW"),
    (4, "HW_BREAKPOINT_X"),
];

/// The bit flags of the word at 40, in order, before and after `precise_ip` (bits 15
/// and 16); `__reserved_1` is bits 38 to 63.
const FLAGS_LOW: [&str; 15] = [
    "disabled",
    "inherit",
    "pinned",
    "exclusive",
    "exclude_user",
    "exclude_kernel",
    "exclude_hv",
    "exclude_idle",
    "mmap",
    "comm",
    "freq",
    "inherit_stat",
    "enable_on_exec",
    "task",
    "watermark",
];
const FLAGS_HIGH: [&str; 21] = [
    "mmap_data",
    "sample_id_all",
    "exclude_host",
    "exclude_guest",
    "exclude_callchain_kernel",
    "exclude_callchain_user",
    "mmap2",
    "comm_exec",
    "use_clockid",
    "context_switch",
    "write_backward",
    "namespaces",
    "ksymbol",
    "bpf_event",
    "aux_output",
    "cgroup",
    "text_poke",
    "build_id",
    "inherit_thread",
    "remove_on_exec",
    "sigtrap",
];
const PRECISE_IP: [&str; 4] = [
    "arbitrary skid",
    "constant skid",
    "requested to have 0 skid",
    "must have 0 skid",
];

/// Argument `i`: the attributes as strace read them at entry (as many bytes as their
/// `size` says, the first 48 abbreviated), else the address.
pub fn write_attr(out: &mut String, call: &Call, i: usize, opts: &DecodeOptions) {
    let addr = call.args[i];
    let (entry, exit) = in_out(call, i);
    let data = entry.filter(|c| !c.fault && addr != 0).map(|c| &c.data[..]);
    let Some(text) = data.and_then(|d| attr_text(d, call.ret, exit, opts)) else {
        return write_addr(out, addr);
    };
    out.push_str(&text);
}

/// The attributes in `data` (what strace read of them), or None when strace shows the
/// address; `ret` the call's, for `E2BIG`'s size at `exit`.
pub(crate) fn attr_text(
    data: &[u8],
    ret: Option<i64>,
    exit: Option<&crate::event::Capture>,
    opts: &DecodeOptions,
) -> Option<String> {
    let declared = Bytes(data).u32(4)?;
    let mut size = (declared as usize).min(SIZE as usize);
    if size == 0 {
        size = SIZE_VER0;
    }
    if size < SIZE_VER0 {
        return None;
    }
    if opts.abbreviate {
        size = ABBREV_SIZE;
    }
    let given = data.get(..size)?;
    let mut attr = vec![0u8; SIZE as usize];
    attr[..size].copy_from_slice(given);
    let b = Bytes(&attr);
    let u32_at = |off| b.u32(off).unwrap_or(0);
    let u64_at = |off| b.u64(off).unwrap_or(0);
    let kind = u32_at(0);
    let mut s = String::from("{type=");
    write_enum(&mut s, kind.into(), TYPES, "PERF_TYPE_???");
    s.push_str(", size=");
    write_enum(&mut s, declared.into(), SIZES, "PERF_ATTR_SIZE_???");
    if ret == Some(E2BIG) {
        s.push_str(" => ");
        match exit
            .filter(|c| !c.fault)
            .and_then(|c| Bytes(&c.data).u32(4))
        {
            Some(new) => write_enum(&mut s, new.into(), SIZES, "PERF_ATTR_SIZE_???"),
            None => s.push_str("???"),
        }
    }
    let config = u64_at(8);
    s.push_str(", config=");
    write_config(&mut s, kind, config);
    let flags = u64_at(40);
    let bit = |n: u32| (flags >> n) & 1;
    let _ = write!(
        s,
        ", {}={}",
        if bit(10) == 1 {
            "sample_freq"
        } else {
            "sample_period"
        },
        u64_at(16)
    );
    let sample_type = u64_at(24);
    s.push_str(", sample_type=");
    write_flags(&mut s, sample_type, SAMPLE_FORMAT, None, "PERF_SAMPLE_???");
    s.push_str(", read_format=");
    write_flags(&mut s, u64_at(32), READ_FORMAT, None, "PERF_FORMAT_???");
    let flag = |s: &mut String, name: &str, v: u64| {
        if !opts.abbreviate || v != 0 {
            let _ = write!(s, ", {name}={v}");
        }
    };
    for (n, name) in FLAGS_LOW.iter().enumerate() {
        flag(&mut s, name, bit(n as u32));
    }
    let precise = (flags >> 15) & 3;
    let _ = write!(
        s,
        ", precise_ip={precise} /* {} */",
        PRECISE_IP[precise as usize]
    );
    for (n, name) in FLAGS_HIGH.iter().enumerate() {
        flag(&mut s, name, bit(17 + n as u32));
    }
    let reserved = flags >> 38;
    if reserved != 0 {
        let _ = write!(s, ", __reserved_1={reserved:#x} /* Bits 63..38 */");
    }
    if !opts.abbreviate {
        write_later_fields(&mut s, &b, kind, flags, sample_type, size);
    }
    if (declared != 0 && declared as usize > size) || (declared == 0 && size < SIZE_VER0) {
        s.push_str(", ...");
    }
    s.push('}');
    Some(s)
}

/// `config` as its type reads it.
fn write_config(s: &mut String, kind: u32, config: u64) {
    let high = |s: &mut String, v: u64, shift: u32| {
        if v != 0 {
            write_hex(s, v);
            let _ = write!(s, "<<{shift}|");
        }
    };
    match kind {
        TYPE_HARDWARE => {
            high(s, config >> 32, 32);
            write_enum(s, config & 0xffff_ffff, HW_IDS, "PERF_COUNT_HW_???");
        }
        TYPE_SOFTWARE => write_enum(s, config, SW_IDS, "PERF_COUNT_SW_???"),
        TYPE_TRACEPOINT => {
            let _ = write!(s, "{config}");
        }
        TYPE_HW_CACHE => {
            high(s, config >> 32, 32);
            high(s, (config & 0xffff_ffff) >> 24, 24);
            write_enum(
                s,
                (config >> 16) & 0xff,
                CACHE_RESULTS,
                "PERF_COUNT_HW_CACHE_RESULT_???",
            );
            s.push_str("<<16|");
            write_enum(
                s,
                (config >> 8) & 0xff,
                CACHE_OPS,
                "PERF_COUNT_HW_CACHE_OP_???",
            );
            s.push_str("<<8|");
            write_enum(s, config & 0xff, CACHE_IDS, "PERF_COUNT_HW_CACHE_???");
        }
        _ => write_hex(s, config),
    }
}

/// What `-v` adds: the fields past the flags, each later one only where `size`
/// reaches it.
fn write_later_fields(s: &mut String, b: &Bytes, kind: u32, flags: u64, sample: u64, size: usize) {
    let u16_at = |off| b.u16(off).unwrap_or(0);
    let u32_at = |off| b.u32(off).unwrap_or(0);
    let u64_at = |off| b.u64(off).unwrap_or(0);
    let breakpoint = kind == TYPE_BREAKPOINT;
    let watermark = (flags >> 14) & 1 == 1;
    let _ = write!(
        s,
        ", {}={}",
        if watermark {
            "wakeup_watermark"
        } else {
            "wakeup_events"
        },
        u32_at(48)
    );
    if breakpoint {
        let bp_type = u32_at(52);
        let dflt = if bp_type <= 5 {
            "HW_BREAKPOINT_INVALID"
        } else {
            "HW_BREAKPOINT_???"
        };
        s.push_str(", bp_type=");
        write_enum(s, bp_type.into(), BREAKPOINT_TYPES, dflt);
    }
    s.push_str(if breakpoint {
        ", bp_addr="
    } else {
        ", config1="
    });
    write_hex(s, u64_at(56));
    // Each later field only where the size given reaches it.
    let reaches = |off: usize| off < size;
    if !reaches(64) {
        return;
    }
    if breakpoint {
        let _ = write!(s, ", bp_len={}", u64_at(64));
    } else {
        s.push_str(", config2=");
        write_hex(s, u64_at(64));
    }
    if !reaches(72) {
        return;
    }
    if sample & SAMPLE_BRANCH_STACK != 0 {
        s.push_str(", branch_sample_type=");
        write_flags(s, u64_at(72), BRANCH_SAMPLE, None, "PERF_SAMPLE_BRANCH_???");
    }
    if !reaches(80) {
        return;
    }
    s.push_str(", sample_regs_user=");
    write_hex(s, u64_at(80));
    if !reaches(88) {
        return;
    }
    if sample & SAMPLE_STACK_USER != 0 {
        s.push_str(", sample_stack_user=");
        write_hex(s, u32_at(88).into());
    }
    if (flags >> 25) & 1 == 1 {
        if !reaches(92) {
            return;
        }
        s.push_str(", clockid=");
        write_enum(s, u32_at(92).into(), CLOCKS, "CLOCK_???");
    }
    if !reaches(96) {
        return;
    }
    s.push_str(", sample_regs_intr=");
    write_hex(s, u64_at(96));
    if !reaches(104) {
        return;
    }
    let _ = write!(s, ", aux_watermark={}", u32_at(104));
    if !reaches(108) {
        return;
    }
    let _ = write!(s, ", sample_max_stack={}", u16_at(108));
    if !reaches(110) {
        return;
    }
    let reserved_2 = u16_at(110);
    if reserved_2 != 0 {
        let _ = write!(s, " /* bytes 110..111: {reserved_2:#x} */");
    }
    if !reaches(112) {
        return;
    }
    let _ = write!(s, ", aux_sample_size={}", u32_at(112));
    if !reaches(116) {
        return;
    }
    let reserved_3 = u32_at(116);
    if reserved_3 != 0 {
        let _ = write!(s, " /* bytes 116..119: {reserved_3:#x} */");
    }
    if !reaches(120) {
        return;
    }
    s.push_str(", sig_data=");
    write_hex(s, u64_at(120));
}
