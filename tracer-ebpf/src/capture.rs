//! Copies of tracee memory, driven by the per-syscall [`CapturePlan`] userspace derived
//! from the syscall table. No syscall is special-cased here.
//!
//! A record is assembled in a per-CPU scratch buffer — `SyscallRecord`, then for each
//! capture a `CaptureHeader` and its bytes padded to 8 — and copied to the ring buffer in
//! one `bpf_ringbuf_output`. Every offset and length is masked so the verifier can prove
//! it stays inside the scratch buffer; a capture that would not fit is dropped and the
//! previous one marked truncated, never written out of bounds.

use core::ffi::c_void;

use crate::{
    config::config,
    fdfacts,
    maps::{DEREFS, PLANS},
};
use aya_ebpf::{
    helpers::{
        bpf_get_current_pid_tgid, bpf_get_current_task, bpf_probe_read_kernel,
        generated::{
            bpf_get_current_comm, bpf_loop, bpf_probe_read_kernel as read_kernel_raw,
            bpf_probe_read_user, bpf_probe_read_user_str,
        },
    },
    macros::map,
    maps::PerCpuArray,
};
use tracer_common::{
    CAPTURE_FAULT, CAPTURE_TRUNCATED, CaptureHeader, CapturePlan, CaptureSpec, DEREF_ARG,
    DEREF_COUNT_ARG, DEREF_COUNT_RET, DEREF_EACH, DEREF_EACH_PTR, DEREF_ENTRY, DEREF_EXIT,
    DEREF_SELF, DEREF_STRING, DIRENT_RECLEN, DerefKey, DerefPlan, DerefSpec, EACH_FIXED,
    EACH_STRING, FD_RET_ARG, FD_RETURNED, FD_SLOT, FdFacts, FdSetsHeader, IovecChunk, LEN_FROM_RET,
    LOOP_SLOT, MAX_CAPTURE, MAX_CAPTURES, MAX_DEREF_EACH, MAX_DEREF_PARTS, MAX_DEREFS, MAX_DIRENTS,
    MAX_FDSET_BYTES, MAX_FOLLOW_STRUCT, MAX_IOV, MAX_MMSG_PIECES, MAX_PTRV, MAX_STRV_ALL,
    MMSG_MESSAGE, MMSG_NAME_BYTES, MMSGHDR_BYTES, MSGHDR_CONTROL, MSGHDR_IOV, MSGHDR_NAME,
    MmsgChunk, PT_REGS_IP, SyscallPlan, SyscallRecord, capture, capture_len, capture_retry_len,
    capture_want, copied_flags, deref_selector, fdset_bytes, follow_count, follow_shape,
    follow_want, iov_copy_len, page_room, pid_arg, when,
};

/// The `T` at `base + offset` in kernel memory.
#[inline(always)]
fn kernel<T>(base: *const u8, offset: u32) -> Option<T> {
    // SAFETY: a kernel address and an offset from BTF; the helper checks the read.
    unsafe { bpf_probe_read_kernel(base.wrapping_add(offset as usize).cast::<T>()) }.ok()
}

/// Scratch space per CPU, one slot for entries and one for exits (a preempted enter
/// program and an exit program can run on one CPU at once; programs of one kind can too,
/// on kernels that preempt them: [`Builder::finish`] tells).
pub const SCRATCH_BYTES: usize = 32768;
/// Records grow until this offset; past it no capture starts.
const OFF_LIMIT: usize = 16384;
const OFF_MASK: usize = OFF_LIMIT - 1;
/// Past the end of any record: the last capture starts below `OFF_LIMIT` and takes at
/// most a header and `2 * MAX_CAPTURE` bytes.
const OFF_END: usize = OFF_LIMIT + 2 * MAX_CAPTURE + 8;
/// Cells for values the verifier should not follow, past anything a record reaches
/// (`OFF_LIMIT` + a capture header + at most `2 * MAX_CAPTURE`): see [`Builder::forget`].
const FORGET_CELL: usize = SCRATCH_BYTES - 8;
const FAULTED_CELL: usize = SCRATCH_BYTES - 16;
const STASH_CELL: usize = SCRATCH_BYTES - 24;
/// The record's length, to and from the captures' global functions ([`reopen`]).
const OFF_CELL: usize = SCRATCH_BYTES - 32;
/// A looping capture's state between its steps ([`Step`]): in memory, where a
/// `bpf_loop` callback finds it.
const LOOP_CELLS: usize = SCRATCH_BYTES - 128;
const LOOP_BYTES: usize = OFF_CELL - LOOP_CELLS;
/// `MAX_CAPTURE` rounded up to a mask.
const LEN_MASK: usize = 2 * MAX_CAPTURE - 1;
const _: () = assert!(MAX_CAPTURE.is_power_of_two());

#[repr(C)]
pub struct Scratch {
    pub buf: [u8; SCRATCH_BYTES],
}

pub const SCRATCH_ENTER: u32 = 0;
pub const SCRATCH_EXIT: u32 = 1;

#[map]
static SCRATCH: PerCpuArray<Scratch> = PerCpuArray::with_max_entries(2, 0);

/// Which captures of a plan to take now.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// At entry, except the plan slots in `deferred` (`SyscallPlan::deferrable`), which are
    /// taken at the exit instead.
    Enter { deferred: u32 },
    /// At exit, with the return value.
    Exit(i64),
}

impl Phase {
    #[inline(always)]
    fn wants(self, spec: &CaptureSpec, slot: usize) -> bool {
        if spec.kind == capture::NONE {
            return false;
        }
        match self {
            Phase::Enter { deferred } => spec.when == when::ENTER && deferred & (1 << slot) == 0,
            Phase::Exit(ret) => spec.when == when::EXIT || (spec.when == when::EXIT_OK && ret >= 0),
        }
    }
}

impl Phase {
    #[inline(always)]
    fn is_exit(self) -> bool {
        matches!(self, Phase::Exit(_))
    }

    #[inline(always)]
    fn ret(self) -> Option<i64> {
        match self {
            Phase::Exit(ret) => Some(ret),
            Phase::Enter { .. } => None,
        }
    }
}

/// How a record's looping captures run ([`Builder::repeat`]): unrolled, which every
/// kernel verifies, or through `bpf_loop` (5.17+), whose body the verifier checks once.
/// A program and the functions it calls take one of these throughout; the programs
/// built with a helper's come as twins of the unrolled ones, picked at load.
pub trait Loops {
    /// With `bpf_loop`: the scratch slot the callback finds the record in.
    const HELPER: Option<u32>;
}

/// Loops the verifier unrolls: every kernel.
pub struct Unrolled;
/// `bpf_loop`, in an entry record.
pub struct EntryHelper;
/// `bpf_loop`, in an exit record.
pub struct ExitHelper;

impl Loops for Unrolled {
    const HELPER: Option<u32> = None;
}
impl Loops for EntryHelper {
    const HELPER: Option<u32> = Some(SCRATCH_ENTER);
}
impl Loops for ExitHelper {
    const HELPER: Option<u32> = Some(SCRATCH_EXIT);
}

/// The capture kinds (a bit each) the trace set's plans take in plan slot `slot` in
/// `phase`: frozen settings, so the verifier skips the code of every kind without its
/// bit (`slot` is a constant wherever this is called: the loops over the slots are
/// unrolled, by the compiler or the verifier).
#[inline(always)]
fn kinds(phase: Phase, slot: usize) -> u32 {
    let cfg = config();
    if phase.is_exit() {
        cfg.exit_kinds[slot]
    } else {
        cfg.entry_kinds[slot]
    }
}

/// The bit of `kind` in [`kinds`].
const fn bit(kind: u8) -> u32 {
    1 << kind
}

/// Whether any plan of the trace set copies anything in `phase`.
#[inline(always)]
fn takes_any(phase: Phase) -> bool {
    let mut all = 0;
    let mut i = 0;
    while i < MAX_CAPTURES {
        all |= kinds(phase, i);
        i += 1;
    }
    all != 0
}

/// Whether `plan` copies anything in `phase`.
#[inline(always)]
pub fn any(plan: &CapturePlan, phase: Phase) -> bool {
    if !takes_any(phase) {
        return false;
    }
    let mut i = 0;
    while i < MAX_CAPTURES {
        if kinds(phase, i) != 0 && phase.wants(&plan.specs[i], i) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `spec` is `-y`'s descriptor facts (plan slot `FD_SLOT`).
#[inline(always)]
fn is_fd_facts(spec: &CaptureSpec) -> bool {
    spec.kind == capture::FD_FACTS || spec.kind == capture::FD_PAIR_FACTS
}

/// A record being assembled in scratch memory.
pub struct Builder {
    buf: *mut u8,
    /// End of what has been written; always a multiple of 8 and below `OFF_LIMIT`
    /// between captures.
    off: usize,
}

impl Builder {
    /// Starts a record with `record` at its head, in the scratch slot `slot`.
    #[inline(always)]
    pub fn new(slot: u32, record: impl FnOnce() -> SyscallRecord) -> Option<Self> {
        let scratch = SCRATCH.get_ptr_mut(slot)?;
        // SAFETY: the map value is SCRATCH_BYTES long and the record far shorter.
        let buf = unsafe { (*scratch).buf.as_mut_ptr() };
        // SAFETY: as above; `push` counts the captures in the copy. Made in place, not on
        // the stack: the exit program's stack and the captures' function's add up.
        unsafe {
            *(buf as *mut SyscallRecord) = record();
            (*(buf as *mut SyscallRecord)).ncaptures = 0;
        }
        Some(Self {
            buf,
            off: size_of::<SyscallRecord>(),
        })
    }

    /// Copies what the record's plan asks for: at entry (`exit` false) but the slots in
    /// `bits` (deferred to the exit); at exit, plus the entry captures whose bit is set in
    /// `bits` (retried). Returns the bits of the captures whose read faulted. (`exit` is a
    /// constant at each call: one of the global functions is called.)
    #[inline(always)]
    pub fn take<L: Loops>(&mut self, exit: bool, bits: u32) -> u32 {
        self.store(OFF_CELL, self.off as u64);
        let bits = bits as u64;
        let faulted = match (exit, L::HELPER.is_some()) {
            (false, false) => tracer_capture_entry(bits),
            (false, true) => tracer_capture_entry_loops(bits),
            (true, false) => tracer_capture_exit(bits),
            (true, true) => tracer_capture_exit_loops(bits),
        };
        // Frozen: without a traced call that takes them, the verifier skips this.
        if config().derefs != 0 {
            // The plan's parts, each by a call of the same function (verified once).
            let mut part = 0;
            while part < MAX_DEREF_PARTS as u64 {
                let more = if exit {
                    tracer_capture_derefs_exit(part)
                } else {
                    tracer_capture_derefs_entry(part)
                };
                if more == 0 {
                    break;
                }
                part += 1;
            }
        }
        self.resume();
        faulted as u32
    }

    /// The record's length after a captures' function, from memory (`OFF_CELL`, which
    /// carries it both ways).
    #[inline(always)]
    fn resume(&mut self) {
        self.off = self.load(OFF_CELL) as usize;
        self.forget_offset();
    }

    /// Copies what `plan` asks for in `phase`, plus (at exit) the entry captures whose
    /// bit is set in `retry`. Returns the bits of the captures whose read faulted.
    #[inline(always)]
    fn capture_all<L: Loops>(
        &mut self,
        plan: &CapturePlan,
        phase: Phase,
        args: &[u64; 6],
        string_limit: usize,
        retry: u32,
    ) -> u32 {
        // Everything that differs between paths through the slots lives in memory
        // the verifier does not follow (see `forget`): the record's length, its capture
        // count and these bits.
        self.store(FAULTED_CELL, 0);
        let mut i = 0;
        while i < MAX_CAPTURES {
            self.forget_offset();
            let spec = &plan.specs[i];
            let retrying = retry & (1 << i) != 0 && spec.when == when::ENTER;
            if kinds(phase, i) != 0 && (phase.wants(spec, i) || retrying) {
                // A function of its own, checked once for every slot (see
                // `capture_slot`); the record's length goes through memory.
                self.store(OFF_CELL, self.off as u64);
                let faulted = if phase.is_exit() {
                    tracer_capture_slot_exit(i as u64)
                } else if L::HELPER.is_some() {
                    tracer_capture_slot_entry_loops(i as u64)
                } else {
                    tracer_capture_slot_entry(i as u64)
                };
                self.off = self.load(OFF_CELL) as usize;
                if faulted != 0 {
                    self.fault(i);
                }
            }
            i += 1;
        }
        // Descriptor facts sit in `FD_SLOT`, their reads in the code once; without `-y`
        // (no offsets in the frozen settings) the verifier skips all of it.
        self.forget_offset();
        let spec = &plan.specs[FD_SLOT];
        if config().fd_fields.known()
            && kinds(phase, FD_SLOT) & (bit(capture::FD_FACTS) | bit(capture::FD_PAIR_FACTS)) != 0
            && is_fd_facts(spec)
            && phase.wants(spec, FD_SLOT)
        {
            self.capture_fds(spec, phase, args);
        }
        // Captures that loop always sit in the last slot (see `LOOP_SLOT`), so their
        // loops are in the code once rather than once per slot (another kind there was
        // taken above: `capture_loop` passes it over).
        self.forget_offset();
        let spec = &plan.specs[LOOP_SLOT];
        let retrying = retry & (1 << LOOP_SLOT) != 0 && spec.when == when::ENTER;
        if kinds(phase, LOOP_SLOT) != 0
            && (phase.wants(spec, LOOP_SLOT) || retrying)
            && self.capture_loop::<L>(spec, phase, args, string_limit)
        {
            self.fault(LOOP_SLOT);
        }
        self.load(FAULTED_CELL) as u32
    }

    /// Where a capture of `spec` starts: the argument's pointer and the offsets of the
    /// capture's header and data. `None` for a NULL pointer (printed from the argument
    /// itself) or a full record (it takes no more).
    #[inline(always)]
    fn start(&self, spec: &CaptureSpec, args: &[u64; 6]) -> Option<(u64, usize, usize)> {
        let src = args[(spec.arg & 7) as usize % 6];
        if src == 0 || self.off >= OFF_LIMIT {
            return None;
        }
        let header_off = self.off & OFF_MASK;
        Some((src, header_off, header_off + size_of::<CaptureHeader>()))
    }

    /// Copies one argument's memory, of the capture kinds in `kinds`; true when the read
    /// faulted.
    #[inline(always)]
    fn capture<L: Loops>(
        &mut self,
        spec: &CaptureSpec,
        phase: Phase,
        args: &[u64; 6],
        string_limit: usize,
        kinds: u32,
    ) -> bool {
        if kinds == 0 || is_fd_facts(spec) {
            // Fd facts are taken once, from `FD_SLOT`, by `capture_all`.
            return false;
        }
        let Some((src, header_off, data_off)) = self.start(spec, args) else {
            return false;
        };
        let limit = spec.limit(string_limit);
        let (len, flags) = match spec.kind {
            capture::CSTR if kinds & bit(capture::CSTR) != 0 => self.read_str(data_off, src, limit),
            capture::BUF | capture::FIXED | capture::HEADED_BUF
                if kinds & (bit(capture::BUF) | bit(capture::FIXED) | bit(capture::HEADED_BUF))
                    != 0 =>
            {
                let Some(total) = capture_len(spec, phase.ret(), args) else {
                    return false;
                };
                let want = capture_want(spec, total, limit);
                let (mut len, mut flags) = self.read_bytes(data_off, src, want);
                if flags != 0
                    && let Some(rest) = capture_retry_len(spec, src, want)
                {
                    (len, flags) = self.read_bytes(data_off, src, rest);
                    // What is readable at entry may be more by the exit (a page not yet
                    // present): a copy cut short at entry counts as faulted, so the exit
                    // takes it again and its copy wins.
                    if flags == 0 && !phase.is_exit() {
                        flags = CAPTURE_FAULT;
                    }
                }
                // Wanted past what a capture holds (`-s 4096` and a byte): the last byte
                // still tells whether strace's read would fault (then it prints the
                // address).
                if flags == 0 && want > MAX_CAPTURE && !self.readable(src + want as u64 - 1) {
                    (len, flags) = (0, CAPTURE_FAULT);
                }
                if flags == 0 {
                    flags = copied_flags(spec, total, want, len);
                }
                (len, flags)
            }
            // A (pointer, length) pair in the msghdr, then what it points at.
            capture::MSG_NAME | capture::MSG_CONTROL
                if kinds & (bit(capture::MSG_NAME) | bit(capture::MSG_CONTROL)) != 0 =>
            {
                let pair = if spec.kind == capture::MSG_NAME {
                    MSGHDR_NAME
                } else {
                    MSGHDR_CONTROL
                };
                let (ptr, len) = self.read_pair(data_off, src + pair);
                if ptr == 0 {
                    return false;
                }
                let len = len as u32 as usize;
                let want = if len > spec.size as usize {
                    spec.size as usize
                } else {
                    len
                };
                let (mut len, mut flags) = self.read_bytes(data_off, ptr, want);
                if flags != 0
                    && let Some(rest) = capture_retry_len(spec, ptr, want)
                {
                    (len, flags) = self.read_bytes(data_off, ptr, rest);
                }
                (len, flags)
            }
            capture::FOLLOW if kinds & bit(capture::FOLLOW) != 0 => {
                self.read_follow(data_off, src, spec)
            }
            capture::FD_SETS if kinds & bit(capture::FD_SETS) != 0 => {
                let nfds = args[(spec.len_arg & 7) as usize % 6];
                self.read_fd_sets(data_off, args, nfds)
            }
            // argv/envp are only copied at entry; keeping their loops out of the exit
            // program's code saves the verifier most of its work there.
            capture::STRV if !phase.is_exit() && kinds & bit(capture::STRV) != 0 => {
                self.read_strv::<L>(header_off, src, limit)
            }
            capture::PTRV_COUNT if !phase.is_exit() && kinds & bit(capture::PTRV_COUNT) != 0 => {
                self.count_ptrs::<L>(header_off, src)
            }
            _ => return false,
        };
        self.push(header_off, spec.arg, spec.kind, len, flags)
    }

    /// Passes `v` through memory the verifier does not follow, so it forgets what it
    /// knew of it (its exact range, the branch that made it). Paths that differ only in
    /// such a value then look alike and are verified once, not once per path: without
    /// this, older verifiers (5.10, 6.1) walk every combination of the plan slots' kinds.
    #[inline(always)]
    fn forget(&mut self, v: usize) -> usize {
        self.store(FORGET_CELL, v as u64);
        self.load(FORGET_CELL) as usize
    }

    #[inline(always)]
    fn store(&mut self, cell: usize, v: u64) {
        // SAFETY: the cells are inside the buffer and no record reaches them; volatile
        // so the compiler keeps every access.
        unsafe { core::ptr::write_volatile(self.buf.wrapping_add(cell) as *mut u64, v) }
    }

    #[inline(always)]
    fn load(&self, cell: usize) -> u64 {
        // SAFETY: as in `store`.
        unsafe { core::ptr::read_volatile(self.buf.wrapping_add(cell) as *const u64) }
    }

    /// The calling task's name now ([`capture::COMM`]): with `-Y`, the name at the call,
    /// which the task may change before userspace prints the line.
    #[inline(always)]
    pub fn comm(&mut self) {
        if self.off >= OFF_LIMIT {
            return;
        }
        let header_off = self.off & OFF_MASK;
        let at = (header_off + size_of::<CaptureHeader>()) & (2 * OFF_LIMIT - 8);
        // SAFETY: 16 bytes at `at` < OFF_LIMIT + 8: inside the scratch buffer.
        let rc = unsafe { bpf_get_current_comm(self.buf.add(at).cast(), 16) };
        if rc == 0 {
            self.push(header_off, DEREF_ARG, capture::COMM, 16, 0);
        }
    }

    /// The name of the caller's child `pid` ([`capture::COMM`] for argument `arg`), found
    /// in its list of children (`CHILDREN_SEEN` at most): its waiter may reap it before
    /// userspace prints the line, and `/proc` forgets it then. Only for a caller in the
    /// initial pid namespace, where the argument is the kernel's number.
    /// Through a global function of its own: its reads, inlined, took the per-syscall
    /// tracepoint program's frame past what its copies' calls leave of 512 bytes.
    #[inline(always)]
    pub fn take_child_comm(&mut self) {
        self.store(OFF_CELL, self.off as u64);
        tracer_capture_child_comm();
        self.resume();
    }

    #[inline(always)]
    fn child_comm(&mut self, arg: usize, pid: u64) {
        const CHILDREN_SEEN: usize = 16;
        let f = &config().child_fields;
        // The kernel reads an `int` (the upper half may be anything).
        let pid = pid as i32;
        if self.off >= OFF_LIMIT || pid <= 0 {
            return;
        }
        // SAFETY: the current task, read only through the checked helper below.
        let task = unsafe { bpf_get_current_task() } as *const u8;
        let level = kernel::<u64>(task, f.task_thread_pid)
            .and_then(|thread_pid| kernel::<u32>(thread_pid as *const u8, f.pid_level));
        if level != Some(0) {
            return;
        }
        let head = task.wrapping_add(f.task_children as usize) as u64;
        let mut next = kernel::<u64>(task, f.task_children).unwrap_or(head);
        for _ in 0..CHILDREN_SEEN {
            if next == head || next == 0 {
                return;
            }
            let child = (next - f.task_sibling as u64) as *const u8;
            if kernel::<i32>(child, f.task_pid) == Some(pid) {
                let header_off = self.off & OFF_MASK;
                let at = (header_off + size_of::<CaptureHeader>()) & (2 * OFF_LIMIT - 8);
                let comm = child.wrapping_add(f.task_comm as usize);
                // SAFETY: 16 bytes at `at` < OFF_LIMIT + 8: inside the scratch buffer.
                let rc = unsafe { read_kernel_raw(self.buf.add(at).cast(), 16, comm.cast()) };
                if rc == 0 {
                    self.push(header_off, arg as u8, capture::COMM, 16, 0);
                }
                return;
            }
            next = kernel::<u64>(next as *const u8, 0).unwrap_or(0);
        }
    }

    /// The calling task's instruction pointer ([`capture::IP`]), with `-i`.
    #[inline(always)]
    pub fn ip(&mut self) {
        if self.off >= OFF_LIMIT {
            return;
        }
        let header_off = self.off & OFF_MASK;
        let at = (header_off + size_of::<CaptureHeader>()) & (2 * OFF_LIMIT - 8);
        let Some(regs) = crate::emit::current_regs() else {
            return;
        };
        // Straight into the record (a stack slot would add to the program's frame).
        // SAFETY: 8 bytes at `at` < OFF_LIMIT + 8: inside the scratch buffer; the helper
        // checks the kernel read.
        let rc = unsafe {
            read_kernel_raw(
                self.buf.add(at).cast(),
                8,
                regs.wrapping_add(PT_REGS_IP).cast(),
            )
        };
        if rc == 0 {
            self.push(header_off, DEREF_ARG, capture::IP, 8, 0);
        }
    }

    /// A vcpu's exit reason after its `KVM_RUN` ([`capture::KVM_EXIT`]), with
    /// `-e kvm=vcpu`: descriptor `fd`'s.
    #[inline(always)]
    pub fn kvm_exit(&mut self, fd: u64) {
        if self.off >= OFF_LIMIT {
            return;
        }
        let reason = crate::fdfacts::kvm_exit_reason(fd as i64);
        if reason < 0 {
            return;
        }
        let header_off = self.off & OFF_MASK;
        let at = (header_off + size_of::<CaptureHeader>()) & (2 * OFF_LIMIT - 8);
        // SAFETY: 4 bytes at `at` < OFF_LIMIT + 8: inside the scratch buffer.
        unsafe { (self.buf.add(at) as *mut u32).write_unaligned(reason as u32) };
        self.push(header_off, DEREF_ARG, capture::KVM_EXIT, 4, 0);
    }

    /// Keeps a flag for the caller in scratch memory, out of the verifier's sight (see
    /// [`Self::forget`]) while the captures are taken; [`Self::stashed`] reads it back.
    #[inline(always)]
    pub fn stash(&mut self, flag: bool) {
        self.store(STASH_CELL, flag as u64);
    }

    #[inline(always)]
    pub fn stashed(&self) -> bool {
        self.load(STASH_CELL) != 0
    }

    /// Records that the capture in plan slot `slot` faulted.
    #[inline(always)]
    fn fault(&mut self, slot: usize) {
        let bits = self.load(FAULTED_CELL);
        self.store(FAULTED_CELL, bits | 1 << slot);
    }

    /// [`Self::forget`] for the record's length, which every capture changes
    /// differently; it stays a multiple of 8, and a full record stays full, as long as
    /// it is: a capture started below `OFF_LIMIT` may end past it (cut there, its bytes
    /// would be missing from the record its header describes).
    #[inline(always)]
    fn forget_offset(&mut self) {
        let off = self.forget(self.off);
        self.off = if off >= OFF_END { OFF_END } else { off & !7 };
    }

    /// Takes the plan's looping capture: an iovec array and what its elements point
    /// at, or a count of directory entries. True when the read faulted.
    #[inline(always)]
    fn capture_loop<L: Loops>(
        &mut self,
        spec: &CaptureSpec,
        phase: Phase,
        args: &[u64; 6],
        string_limit: usize,
    ) -> bool {
        let Some((src, header_off, data_off)) = self.start(spec, args) else {
            return false;
        };
        let kinds = kinds(phase, LOOP_SLOT);
        let (len, flags) = match spec.kind {
            capture::IOVEC | capture::MSG_IOVEC
                if kinds & (bit(capture::IOVEC) | bit(capture::MSG_IOVEC)) != 0 =>
            {
                let (array, count) = if spec.kind == capture::IOVEC {
                    (src, args[(spec.len_arg & 7) as usize % 6])
                } else {
                    self.read_pair(data_off, src + MSGHDR_IOV)
                };
                if array == 0 {
                    return false;
                }
                self.read_iovec::<L>(header_off, array, count, string_limit)
            }
            capture::DIRENT_COUNT if kinds & bit(capture::DIRENT_COUNT) != 0 => match phase.ret() {
                Some(ret) if ret >= 0 => self.count_dirents::<L>(data_off, src, ret as u64),
                _ => return false,
            },
            // Only taken at exit: the loop stays out of the entry program.
            capture::MMSG if phase.is_exit() && kinds & bit(capture::MMSG) != 0 => {
                let count = match (spec.len_arg, phase.ret()) {
                    (LEN_FROM_RET, Some(ret)) if ret >= 0 => ret as u64,
                    (LEN_FROM_RET, _) => return false,
                    (n, _) => args[(n & 7) as usize % 6] as u32 as u64,
                };
                self.read_mmsg::<L>(header_off, src, count, string_limit)
            }
            _ => return false,
        };
        self.push(header_off, spec.arg, spec.kind, len, flags)
    }

    /// What one or two descriptors refer to ([`capture::FD_FACTS`],
    /// [`capture::FD_PAIR_FACTS`]): a [`FdFacts`] each. True when the pair's array could
    /// not be read.
    #[inline(always)]
    fn capture_fds(&mut self, spec: &CaptureSpec, phase: Phase, args: &[u64; 6]) -> bool {
        if self.off >= OFF_LIMIT {
            return false;
        }
        let header_off = self.off & OFF_MASK;
        let data_off = header_off + size_of::<CaptureHeader>();
        let returned = match phase.ret() {
            Some(ret) if ret >= 0 && spec.size & FD_RETURNED != 0 => ret,
            _ => -1,
        };
        let fds: [i64; 2] = if spec.kind == capture::FD_PAIR_FACTS {
            let mut pair = [0i32; 2];
            // SAFETY: 8 bytes into a local array; the helper checks the user read.
            let rc = unsafe {
                bpf_probe_read_user(
                    pair.as_mut_ptr() as *mut c_void,
                    8,
                    args[(spec.arg & 7) as usize % 6] as *const c_void,
                )
            };
            if rc < 0 {
                return self.push(header_off, spec.arg, spec.kind, 0, CAPTURE_FAULT);
            }
            [pair[0] as i64, pair[1] as i64]
        } else if spec.arg == FD_RET_ARG {
            [-1, returned]
        } else {
            [args[(spec.arg & 7) as usize % 6] as i32 as i64, returned]
        };
        let mut len = 0;
        let mut i = 0;
        while i < 2 {
            let at = (data_off + len) & (2 * OFF_LIMIT - 8);
            // SAFETY: at < OFF_LIMIT + 8 + FdFacts, a multiple of 8: the facts are
            // written in place (no copy through the stack), inside the buffer, aligned.
            let facts = unsafe { &mut *(self.buf.add(at) as *mut FdFacts) };
            if fdfacts::read(fds[i], facts) {
                len += size_of::<FdFacts>();
            }
            i += 1;
        }
        // Even empty: a descriptor argument not open at the call names nothing.
        self.push(header_off, spec.arg, spec.kind, len, 0)
    }

    /// A copy of memory behind a pointer in a struct ([`DerefSpec`]), if `phase` takes
    /// it: the address, then what was read there (up to the page's end when the whole
    /// faults).
    #[inline(always)]
    fn deref(&mut self, spec: &DerefSpec, phase: Phase, args: &[u64; 6]) -> (usize, usize) {
        let Some(kind) = deref_kind(spec, phase) else {
            return (0, 0);
        };
        let base = args[(spec.arg & 7) as usize % 6];
        if base == 0 || self.off >= OFF_LIMIT {
            return (0, 0);
        }
        let header_off = self.off & OFF_MASK;
        let data_off = header_off + size_of::<CaptureHeader>();
        if spec.guard != 0 && self.read_word(data_off, base, 1) != spec.guard as u64 {
            return (0, 0);
        }
        // The pointer and the count, read through the scratch space (as `read_pair`).
        let addr = if spec.ptr_at == DEREF_SELF {
            if spec.count_bytes == 0 {
                base + spec.count_at as u64
            } else {
                base
            }
        } else {
            self.read_word(data_off, base + spec.ptr_at as u64, 8)
        };
        if addr == 0 {
            return (0, 0);
        }
        let count = match spec.count_bytes {
            0 | DEREF_STRING => 0,
            DEREF_COUNT_RET => match phase.ret() {
                Some(ret) if ret > 0 => ret as u64,
                _ => return (0, 0),
            },
            // (An `unsigned int`: io_uring_register's `nr_args`.)
            DEREF_COUNT_ARG => selected(self, args, spec.count_at as usize) as u32 as u64,
            n => self.read_word(data_off, base + spec.count_at as u64, n as usize),
        };
        let want = self.forget(spec.want(count)) & (MAX_CAPTURE - 1);
        let at = data_off & (2 * OFF_LIMIT - 8);
        if spec.count_bytes == DEREF_STRING {
            // From byte `add` on: a later piece of a string longer than a copy, only where
            // `-s` reaches it.
            let limit = config().string_limit as usize + 1;
            if limit <= spec.add as usize {
                return (0, 0);
            }
            let addr = addr + spec.add as u64;
            // SAFETY: at < OFF_LIMIT + 8: the address's 8 bytes are inside the buffer.
            unsafe { *(self.buf.add(at) as *mut u64) = addr };
            let (len, flags) = self.read_str(at + 8, addr, limit.min(spec.max as usize));
            self.push(header_off, DEREF_ARG, kind, 8 + len, flags);
            return (addr as usize, len);
        }
        // SAFETY: as above.
        unsafe { *(self.buf.add(at) as *mut u64) = addr };
        let (len, flags) = self.read_to_page_end(at + 8, addr, want);
        self.push(header_off, DEREF_ARG, kind, 8 + len, flags);
        (addr as usize, len)
    }

    /// For each element of the copy just taken (`len` bytes from `array`,
    /// [`DEREF_EACH`]): what its pointer at `ptr_at` points at, as many bytes as its u32
    /// at `count_at` says, at most `max` and `-s` + 1 (a v4l2 control's string), or
    /// `add` bytes ([`EACH_FIXED`]: an iocb), or a string ([`EACH_STRING`]). The
    /// element's fields are read again from the tracee (pointer arithmetic on the copy's
    /// place does not verify before 6.x).
    #[inline(always)]
    fn deref_each(&mut self, spec: &DerefSpec, phase: Phase, (array, len): (u64, usize)) {
        let Some(kind) = deref_kind(spec, phase) else {
            return;
        };
        let elem = spec.elem as usize;
        if elem == 0 {
            return;
        }
        let limit = config().string_limit as usize + 1;
        // One path leaves each iteration (an element without a pointer or a size makes
        // an empty copy), as in the loops of `Step`s.
        let mut i = 0;
        while i < MAX_DEREF_EACH {
            self.forget_offset();
            if (i + 1) * elem > len || self.off >= OFF_LIMIT {
                return;
            }
            let el = array + (i * elem) as u64;
            let header_off = self.off & OFF_MASK;
            let data_off = header_off + size_of::<CaptureHeader>();
            // The element's struct, or where its pointer points ([`DEREF_EACH_PTR`]).
            let el = if spec.count_bytes == DEREF_EACH_PTR {
                self.read_word(data_off, el, 8)
            } else {
                el
            };
            let addr = self.read_word(data_off, el + spec.ptr_at as u64, 8);
            if spec.count_at == EACH_STRING {
                // (Past a NULL too: a BPF kprobe's symbols may have one among them; a NULL's
                // read faults, an empty copy.)
                // SAFETY: data_off < OFF_LIMIT + 8.
                unsafe { *(self.buf.add(data_off) as *mut u64) = addr };
                // `-s` bytes and two more: one longer than `-s` shows cut; the NUL kept
                // where there was one (a string read whole).
                let (got, flags) =
                    self.read_str(data_off + 8, addr, (spec.max as usize).min(limit + 1));
                let got = (got + (flags == 0) as usize) & (MAX_CAPTURE - 1);
                self.push(header_off, DEREF_ARG, kind, 8 + got, flags);
                i += 1;
                continue;
            }
            let size = if spec.count_at == EACH_FIXED {
                spec.add as usize
            } else {
                let count = self.read_word(data_off, el + spec.count_at as u64, 4) as usize;
                // Elements of `add` bytes (an iocb's iovecs, a BPF program's map ids),
                // else bytes up to `-s`.
                if spec.add != 0 {
                    count.min(MAX_CAPTURE) * spec.add as usize
                } else {
                    count.min(limit)
                }
            };
            let size = if addr == 0 { 0 } else { size };
            // (Below a capture's room: the mask would make MAX_CAPTURE 0.)
            let want = size.min(spec.max as usize).min(MAX_CAPTURE - 8);
            let want = self.forget(want) & (MAX_CAPTURE - 1);
            // SAFETY: data_off < OFF_LIMIT + 8.
            unsafe { *(self.buf.add(data_off) as *mut u64) = addr };
            let (got, flags) = self.read_to_page_end(data_off + 8, addr, want);
            self.push(header_off, DEREF_ARG, kind, 8 + got, flags);
            i += 1;
        }
    }

    /// `bytes` (at most 8) of tracee memory at `src`, through the scratch space at
    /// `off`, as a little-endian number; 0 when unreadable.
    #[inline(always)]
    fn read_word(&mut self, off: usize, src: u64, bytes: usize) -> u64 {
        let at = self.buf.wrapping_add(off & (2 * OFF_LIMIT - 8)) as *mut u64;
        // SAFETY: 8 bytes at off < OFF_LIMIT + 8: inside the buffer. The read size is
        // bounded by the mask.
        unsafe {
            *at = 0;
            let size = (bytes.wrapping_sub(1) & 7) + 1;
            if bpf_probe_read_user(at as *mut c_void, size as u32, src as *const c_void) < 0 {
                return 0;
            }
            *at
        }
    }

    /// Whether the tracee's byte at `addr` can be read.
    #[inline(always)]
    fn readable(&mut self, addr: u64) -> bool {
        let mut byte: u8 = 0;
        // SAFETY: reads one byte of the tracee's memory into a stack variable.
        let rc = unsafe {
            bpf_probe_read_user(
                &mut byte as *mut u8 as *mut c_void,
                1,
                addr as *const c_void,
            )
        };
        rc >= 0
    }

    /// Writes the header of the capture whose `len` bytes follow `header_off`; true
    /// when its read faulted.
    #[inline(always)]
    fn push(&mut self, header_off: usize, arg: u8, kind: u8, len: usize, flags: u8) -> bool {
        let header = CaptureHeader {
            arg,
            kind,
            flags,
            _pad: 0,
            len: len as u32,
        };
        // SAFETY: header_off <= OFF_MASK, so the 8-byte header is inside the buffer.
        unsafe { *(self.buf.add(header_off) as *mut CaptureHeader) = header };
        self.off = (header_off + size_of::<CaptureHeader>() + len + 7) & !7;
        // SAFETY: the record header is at the start of the buffer.
        unsafe {
            let record = self.buf as *mut SyscallRecord;
            let count = core::ptr::read_volatile(&raw const (*record).ncaptures);
            core::ptr::write_volatile(&raw mut (*record).ncaptures, count + 1);
        }
        flags & CAPTURE_FAULT != 0
    }

    /// Reads up to `limit` bytes of a NUL-terminated string (without the NUL).
    #[inline(always)]
    fn read_str(&mut self, off: usize, src: u64, limit: usize) -> (usize, u8) {
        // At most `limit` bytes, as strace's umovestr reads them: a string with no NUL
        // among them is cut (`...`); one that faults first is printed as its address.
        let want = if limit > MAX_CAPTURE {
            MAX_CAPTURE
        } else if limit == 0 {
            // `-s 0`: one byte tells "" from ""...
            1
        } else {
            limit
        };
        let want = want & LEN_MASK;
        // SAFETY: off < OFF_LIMIT + 8 and want <= LEN_MASK: inside the scratch buffer.
        let n = unsafe {
            bpf_probe_read_user_str(
                self.buf.add(off & (2 * OFF_LIMIT - 1)) as *mut c_void,
                want as u32,
                src as *const c_void,
            )
        };
        if n <= 0 {
            return (0, CAPTURE_FAULT);
        }
        let len = (n - 1) as usize & LEN_MASK;
        if (n as usize) < want {
            return (len, 0);
        }
        // The helper put a NUL in the last byte: whether the string had one there is
        // told by that byte itself (readable: it was just read).
        let mut last: u8 = 1;
        // SAFETY: reads one byte of the tracee's memory into a stack variable.
        unsafe {
            bpf_probe_read_user(
                &mut last as *mut u8 as *mut c_void,
                1,
                src.wrapping_add(len as u64) as *const c_void,
            )
        };
        let flags = if last == 0 { 0 } else { CAPTURE_TRUNCATED };
        (len, flags)
    }

    /// `want` bytes at `src`, or where that faults, those up to its page's end (a
    /// buffer shorter than its length says, at a mapping's end: `CAPTURE_TRUNCATED`).
    #[inline(always)]
    fn read_to_page_end(&mut self, off: usize, src: u64, want: usize) -> (usize, u8) {
        let (len, flags) = self.read_bytes(off, src, want);
        if flags == 0 {
            return (len, flags);
        }
        let rest = self.forget(page_room(src)) & (MAX_CAPTURE - 1);
        if rest >= want {
            return (len, flags);
        }
        match self.read_bytes(off, src, rest) {
            (len, 0) => (len, CAPTURE_TRUNCATED),
            faulted => faulted,
        }
    }

    #[inline(always)]
    fn read_bytes(&mut self, off: usize, src: u64, want: usize) -> (usize, u8) {
        let want = if want > MAX_CAPTURE {
            MAX_CAPTURE
        } else {
            want
        };
        let want = want & LEN_MASK;
        if want == 0 {
            return (0, 0);
        }
        // SAFETY: bounded as in `read_str`.
        let rc = unsafe {
            bpf_probe_read_user(
                self.buf.add(off & (2 * OFF_LIMIT - 1)) as *mut c_void,
                want as u32,
                src as *const c_void,
            )
        };
        if rc < 0 {
            (0, CAPTURE_FAULT)
        } else {
            (want, 0)
        }
    }

    /// A struct, then the array a pointer in it points at, as long as a count in it
    /// says ([`capture::FOLLOW`]): the array up to its page's end when it faults further
    /// on, none of it when the struct faults.
    #[inline(always)]
    fn read_follow(&mut self, off: usize, src: u64, spec: &CaptureSpec) -> (usize, u8) {
        let size = spec.size as usize & (MAX_FOLLOW_STRUCT - 1);
        let (len, flags) = self.read_bytes(off, src, size);
        if flags != 0 || len == 0 {
            return (len, flags);
        }
        let shape = follow_shape(spec.len_arg);
        let at = off & (2 * OFF_LIMIT - 1);
        // SAFETY: the struct was just read at `at`; the plan puts both words inside it
        // (offsets below its size, multiples of 8) and `at` is a multiple of 8.
        let (ptr, word) = unsafe {
            let ptr_at = self
                .buf
                .wrapping_add(at + (shape.ptr_at & (MAX_FOLLOW_STRUCT - 8)));
            let count_at = self
                .buf
                .wrapping_add(at + (shape.count_at & (MAX_FOLLOW_STRUCT - 8)));
            (*(ptr_at as *const u64), *(count_at as *const u64))
        };
        let want = follow_want(&shape, follow_count(word, shape.count_bytes), size);
        // Which branch made the size is of no use to the verifier later; the mask bounds
        // it (a no-op: at most MAX_CAPTURE).
        let want = self.forget(want) & LEN_MASK;
        if ptr == 0 || want == 0 {
            return (size, 0);
        }
        let dst = self.buf.wrapping_add((off + size) & (2 * OFF_LIMIT - 1)) as *mut c_void;
        // SAFETY: off < OFF_LIMIT + 8, size < MAX_FOLLOW_STRUCT and want <= LEN_MASK:
        // inside the scratch buffer, below its cells. On failure the helper zeroes them.
        let rc = unsafe { bpf_probe_read_user(dst, want as u32, ptr as *const c_void) };
        let mut got = want;
        if rc < 0 {
            // The elements before the page's end, as strace shows them (then where it
            // stopped).
            let rest = self.forget(page_room(ptr)) & LEN_MASK;
            got = 0;
            if rest < want {
                // SAFETY: as above, rest < want.
                let rc = unsafe { bpf_probe_read_user(dst, rest as u32, ptr as *const c_void) };
                if rc >= 0 {
                    got = rest;
                }
            }
        }
        ((size + got) & LEN_MASK, 0)
    }

    /// Two words of tracee memory (a pointer and a length in a `struct msghdr`), read
    /// through the scratch space at `off` (the stack would cost the verifier more);
    /// zeros when unreadable.
    #[inline(always)]
    fn read_pair(&mut self, off: usize, src: u64) -> (u64, u64) {
        let at = self.buf.wrapping_add(off & (2 * OFF_LIMIT - 1)) as *mut [u64; 2];
        // SAFETY: off < OFF_LIMIT + 8: 16 bytes inside the buffer.
        let rc = unsafe { bpf_probe_read_user(at as *mut c_void, 16, src as *const c_void) };
        if rc < 0 {
            return (0, 0);
        }
        // SAFETY: just written.
        let pair = unsafe { *at };
        (pair[0], pair[1])
    }

    /// An iovec array: each element's [`IovecChunk`] and up to `limit` bytes of what it
    /// points at, after the capture header at `header_off`. How much of that a read
    /// filled is for userspace to work out from the return value.
    #[inline(always)]
    fn read_iovec<L: Loops>(
        &mut self,
        header_off: usize,
        array: u64,
        count: u64,
        limit: usize,
    ) -> (usize, u8) {
        // The first element always fits, whatever `-s`.
        let limit = if limit > MAX_CAPTURE - IOVEC_CHUNK - 1 {
            MAX_CAPTURE - IOVEC_CHUNK - 1
        } else {
            limit
        };
        let mut iovecs = Iovecs {
            header_off: header_off as u64,
            array,
            count,
            limit: limit as u64,
            len: 0,
            i: 0,
            flags: if count > MAX_IOV as u64 {
                CAPTURE_TRUNCATED as u64
            } else {
                0
            },
        };
        self.repeat::<L, _>(&mut iovecs, MAX_IOV as u32);
        (iovecs.len as usize & LEN_MASK, iovecs.flags as u8)
    }

    /// A `struct mmsghdr` vector of `count` messages, after the capture header at
    /// `header_off`: per message an [`MmsgChunk`] with its header and address, per iovec
    /// element one with the `struct iovec` and up to `limit` bytes of its data.
    #[inline(always)]
    fn read_mmsg<L: Loops>(
        &mut self,
        header_off: usize,
        vec: u64,
        count: u64,
        limit: usize,
    ) -> (usize, u8) {
        let limit = if limit > MMSG_NAME_BYTES {
            MMSG_NAME_BYTES
        } else {
            limit
        };
        let mut mmsgs = Mmsgs {
            header_off: header_off as u64,
            vec,
            count,
            limit: limit as u64,
            len: 0,
            i: 0,
            msg: 0,
            elem: 0,
            left: 0,
            iov: 0,
            flags: u64::MAX,
        };
        self.repeat::<L, _>(&mut mmsgs, MAX_MMSG_PIECES as u32);
        let flags = if mmsgs.flags != u64::MAX {
            mmsgs.flags as u8
        } else if mmsgs.msg < count || mmsgs.left != 0 {
            CAPTURE_TRUNCATED
        } else {
            0
        };
        (mmsgs.len as usize & LEN_MASK, flags)
    }

    /// `select`'s three sets, arguments 1 to 3, `fdset_bytes(nfds)` each. Without
    /// branches on the pointers: reading NULL fails like any bad pointer, and the
    /// status tells the two apart.
    #[inline(always)]
    fn read_fd_sets(&mut self, off: usize, args: &[u64; 6], nfds: u64) -> (usize, u8) {
        const HEADER: usize = size_of::<FdSetsHeader>();
        // Through memory and masked (a no-op: at most MAX_FDSET_BYTES), so the verifier
        // has a bound whatever the compiler made of the clamp.
        let bytes = self.forget(fdset_bytes(nfds)) & (2 * MAX_FDSET_BYTES - 1);
        let header = self.buf.wrapping_add(off & (2 * OFF_LIMIT - 1)) as *mut FdSetsHeader;
        let mut k = 0;
        while k < 3 {
            // The verifier knows `k` in each round, so this picks without a branch.
            let ptr = match k {
                0 => args[1],
                1 => args[2],
                _ => args[3],
            };
            let status = self.read_fd_set(off + HEADER + k * bytes, bytes, ptr);
            // SAFETY: the header is inside the buffer (off < OFF_LIMIT + 8).
            unsafe { (*header).status[k] = status };
            k += 1;
        }
        // SAFETY: as above.
        unsafe {
            (*header)._pad = 0;
            (*header).bytes = bytes as u32;
        }
        (HEADER + 3 * bytes, 0)
    }

    /// One `fd_set` of `bytes` at `ptr` into the scratch space at `at`: its status.
    #[inline(always)]
    fn read_fd_set(&mut self, at: usize, bytes: usize, ptr: u64) -> u8 {
        let at = at & (2 * OFF_LIMIT - 1);
        // SAFETY: at + bytes < OFF_LIMIT + 16 + 3 * 2 * MAX_FDSET_BYTES, inside the
        // buffer; the helper checks the tracee side.
        let rc = unsafe {
            bpf_probe_read_user(
                self.buf.wrapping_add(at) as *mut c_void,
                bytes as u32,
                ptr as *const c_void,
            )
        };
        let read = (ptr != 0) as u8;
        read + read * (rc as u64 >> 63) as u8
    }

    /// The records in `len` bytes of `getdents` output: u32 count.
    #[inline(always)]
    fn count_dirents<L: Loops>(&mut self, off: usize, src: u64, len: u64) -> (usize, u8) {
        let mut dirents = Dirents {
            off: off as u64,
            src,
            end: len,
            pos: 0,
            count: 0,
            flags: CAPTURE_TRUNCATED as u64,
        };
        self.repeat::<L, _>(&mut dirents, MAX_DIRENTS as u32);
        // SAFETY: 4 bytes at off < 2 * OFF_LIMIT.
        unsafe { *(self.buf.add(off & (2 * OFF_LIMIT - 1)) as *mut u32) = dirents.count as u32 };
        (4, dirents.flags as u8)
    }

    /// Runs `state`'s steps until one says the loop is done, at most `max` of them:
    /// unrolled (the verifier checks each iteration on its own; the state stays in
    /// registers), or with `L`'s helper by `bpf_loop`, whose callback it checks once (the
    /// state goes through the loop cells, where the callback finds it).
    #[inline(always)]
    fn repeat<L: Loops, S: Step>(&mut self, state: &mut S, max: u32) {
        if L::HELPER.is_some() {
            const { assert!(size_of::<S>() <= LOOP_BYTES) };
            let cells = self.buf.wrapping_add(LOOP_CELLS) as *mut S;
            // SAFETY: the cells are inside the buffer, 8-aligned, LOOP_BYTES long. The
            // callback is one of this program's functions and takes no context: its
            // state is in the cells (its stack would add to this program's).
            unsafe {
                *cells = *state;
                bpf_loop(
                    max,
                    step_callback::<L, S> as *mut c_void,
                    core::ptr::null_mut(),
                    0,
                );
                *state = *cells;
            }
        } else {
            let mut i = 0;
            while i < max {
                if state.step(self) {
                    break;
                }
                i += 1;
            }
        }
    }

    /// argv: each string NUL-terminated, concatenated, up to `strv_strings` strings (a
    /// frozen setting: unrolled, the verifier walks that many rounds), after the capture
    /// header at `header_off`.
    #[inline(always)]
    fn read_strv<L: Loops>(&mut self, header_off: usize, src: u64, limit: usize) -> (usize, u8) {
        let strings = config().strv_strings as usize;
        let rounds = if strings < MAX_STRV_ALL {
            strings
        } else {
            MAX_STRV_ALL
        };
        let mut strv = Strv {
            header_off: header_off as u64,
            src,
            limit: limit as u64,
            len: 0,
            i: 0,
            flags: CAPTURE_TRUNCATED as u64,
        };
        self.repeat::<L, _>(&mut strv, rounds as u32);
        (strv.len as usize & LEN_MASK, strv.flags as u8)
    }

    /// envp: only the number of entries, after the capture header at `header_off`.
    #[inline(always)]
    fn count_ptrs<L: Loops>(&mut self, header_off: usize, src: u64) -> (usize, u8) {
        let mut ptrs = Ptrs {
            header_off: header_off as u64,
            src,
            count: 0,
            i: 0,
            flags: CAPTURE_TRUNCATED as u64,
        };
        self.repeat::<L, _>(&mut ptrs, (MAX_PTRV / 8) as u32);
        let at = (header_off & OFF_MASK) + size_of::<CaptureHeader>();
        // SAFETY: 4 bytes at at < OFF_LIMIT + 8.
        unsafe { *(self.buf.add(at) as *mut u32) = ptrs.count as u32 };
        (4, ptrs.flags as u8)
    }

    /// The assembled record, or nothing (an empty slice) if another thread's record took
    /// the scratch slot meanwhile: where the kernel lets tracing programs be preempted,
    /// another program using the slot (another syscall's fentry program) can run on this
    /// CPU in between. A preempted thread makes no other record, so the id in the head
    /// tells. The current thread's id is asked again, not kept (5.10's verifier has not a
    /// stack slot to spare), and where the tracer has its own pid namespace the head holds
    /// another number for it: no check there.
    #[inline(always)]
    pub fn finish(self) -> &'static [u8] {
        // SAFETY: the head is a SyscallRecord (`new`).
        let head_tid =
            unsafe { core::ptr::read_volatile(&(*(self.buf as *const SyscallRecord)).tid) };
        let ours = config().pidns_ino != 0 || head_tid == bpf_get_current_pid_tgid() as u32;
        let len = if ours {
            self.off & (2 * OFF_LIMIT - 1)
        } else {
            0
        };
        // SAFETY: len < 2 * OFF_LIMIT <= SCRATCH_BYTES.
        unsafe { core::slice::from_raw_parts(self.buf, len) }
    }
}

/// The record at the head of scratch slot `slot`, as [`Builder::new`] wrote it: a
/// builder at its length so far (`OFF_CELL`), its plan, arguments and result. For the
/// global functions below, whose arguments can only be numbers.
#[inline(always)]
fn reopen(slot: u32) -> Option<(Builder, &'static SyscallPlan, &'static [u64; 6], i64)> {
    let scratch = SCRATCH.get_ptr_mut(slot)?;
    // SAFETY: the map value is SCRATCH_BYTES long; its head is the record `Builder::new`
    // wrote. The arguments stay where they are (a copy would take stack, which the
    // verifier counts against the caller's).
    let (buf, nr, args, ret) = unsafe {
        let buf = (*scratch).buf.as_mut_ptr();
        let head = buf as *const SyscallRecord;
        (buf, (*head).nr, &(*head).args, (*head).ret)
    };
    let plan = PLANS.get(nr)?;
    let mut b = Builder { buf, off: 0 };
    b.off = b.load(OFF_CELL) as usize;
    b.forget_offset();
    Some((b, plan, args, ret))
}

/// The captures of the record at the head of scratch slot `slot` in `phase`
/// ([`Builder::capture_all`]), its length left in `OFF_CELL`.
///
/// Called only through the global functions below: the verifier checks a global function
/// once, on its own, rather than again for every state its callers reach it in (the
/// trace set's filters and flags multiplied the capture code's checks).
#[inline(always)]
fn capture_record<L: Loops>(slot: u32, phase: impl FnOnce(i64) -> Phase, retry: u32) -> u64 {
    let Some((mut b, plan, args, ret)) = reopen(slot) else {
        return 0;
    };
    let limit = config().string_limit as usize;
    let faulted = b.capture_all::<L>(&plan.capture, phase(ret), args, limit, retry);
    b.store(OFF_CELL, b.off as u64);
    faulted as u64
}

/// The record in scratch slot `scratch` ([`reopen`]), its [`DerefPlan`] (from `DEREFS`
/// by its number and the value of the argument its plan names) and the phase; `None`
/// when it takes no copies behind pointers.
#[inline(always)]
fn reopen_derefs(
    scratch: u32,
    exit: bool,
    part: u64,
) -> Option<(Builder, &'static DerefPlan, &'static [u64; 6], Phase)> {
    let (mut b, plan, args, ret) = reopen(scratch)?;
    let selector = deref_selector(plan.flags)?;
    // The argument's low 32 bits: an `int` or `unsigned int` in every table (the
    // kernel ignores the rest, as does strace: io_uring_register's tests fill them).
    let key = DerefKey {
        nr: nr_of(&b),
        _pad: 0,
        value: selected(&mut b, args, selector) as u32 as u64 | part << 32,
    };
    // SAFETY: a value of the map, which only userspace writes (before attaching).
    let derefs = unsafe { DEREFS.get(key) }?;
    let phase = if exit {
        Phase::Exit(ret)
    } else {
        Phase::Enter { deferred: 0 }
    };
    Some((b, derefs, args, phase))
}

/// The copies behind pointers in the structs of the record in scratch slot `scratch`
/// its plan's selector picks (part `part` of its [`DerefPlan`]), appended at `OFF_CELL`;
/// whether the plan goes on. A global function of its own: after the loops, its code
/// would be walked again for every state they leave.
#[inline(always)]
fn capture_derefs(scratch: u32, exit: bool, part: u64) -> u64 {
    let Some((mut b, derefs, args, phase)) = reopen_derefs(scratch, exit, part) else {
        return 0;
    };
    let mut last = (0, 0);
    let mut i = 0;
    while i < MAX_DEREFS {
        b.forget_offset();
        let spec = &derefs.specs[i];
        if spec.count_bytes == DEREF_EACH || spec.count_bytes == DEREF_EACH_PTR {
            // A function of its own (its loop would be walked once per spec slot).
            b.store(OFF_CELL, b.off as u64);
            let (array, len) = (last.0 as u64, last.1 as u64);
            let index = part * MAX_DEREFS as u64 + i as u64;
            if exit {
                tracer_capture_deref_each_exit(index, array, len);
            } else {
                tracer_capture_deref_each_entry(index, array, len);
            }
            b.off = b.load(OFF_CELL) as usize;
        } else {
            last = b.deref(spec, phase, args);
        }
        i += 1;
    }
    b.store(OFF_CELL, b.off as u64);
    derefs.more as u64
}

/// [`Builder::deref_each`] for the spec `index` of the record's [`DerefPlan`] (in
/// scratch slot `scratch`; its part `index / MAX_DEREFS`), over the `len` bytes copied
/// from `array`; at `OFF_CELL`.
#[inline(always)]
fn capture_deref_each(scratch: u32, exit: bool, index: u64, array: u64, len: u64) {
    let part = index / MAX_DEREFS as u64 % MAX_DEREF_PARTS as u64;
    let Some((mut b, derefs, _, phase)) = reopen_derefs(scratch, exit, part) else {
        return;
    };
    let spec = &derefs.specs[index as usize % MAX_DEREFS];
    b.deref_each(spec, phase, (array, len as usize & (MAX_CAPTURE - 1)));
    b.store(OFF_CELL, b.off as u64);
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_deref_each_entry(index: u64, array: u64, len: u64) -> u64 {
    capture_deref_each(SCRATCH_ENTER, false, index, array, len);
    0
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_deref_each_exit(index: u64, array: u64, len: u64) -> u64 {
    capture_deref_each(SCRATCH_EXIT, true, index, array, len);
    0
}

/// [`Builder::child_comm`] for the record in the entry scratch slot, its length carried
/// in `OFF_CELL` both ways.
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_child_comm() -> u64 {
    if let Some((mut b, plan, args, _)) = reopen(SCRATCH_ENTER)
        && let Some(arg) = pid_arg(plan.flags)
    {
        let pid = selected(&mut b, args, arg);
        b.child_comm(arg, pid);
        b.store(OFF_CELL, b.off as u64);
    }
    0
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_derefs_entry(part: u64) -> u64 {
    capture_derefs(SCRATCH_ENTER, false, part)
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_derefs_exit(part: u64) -> u64 {
    capture_derefs(SCRATCH_EXIT, true, part)
}

/// The kind of a [`DerefSpec`]'s copy `phase` takes, if it takes one.
#[inline(always)]
fn deref_kind(spec: &DerefSpec, phase: Phase) -> Option<u8> {
    match (spec.when, phase.ret()) {
        (when::ENTER, None) => Some(DEREF_ENTRY),
        (when::EXIT, Some(_)) => Some(DEREF_EXIT),
        (when::EXIT_OK, Some(ret)) if ret >= 0 => Some(DEREF_EXIT),
        _ => None,
    }
}

/// Argument `index` of `args`. (Through memory and masked: LLVM, knowing the index
/// is below 7, would compute the offset in ways verifiers before 6.x cannot bound.)
#[inline(always)]
fn selected(b: &mut Builder, args: &[u64; 6], index: usize) -> u64 {
    let index = b.forget(index) & 7;
    if index < 6 { args[index] } else { 0 }
}

/// The record's syscall number (its head's).
#[inline(always)]
fn nr_of(b: &Builder) -> u32 {
    // SAFETY: the head is the record `Builder::new` wrote.
    unsafe { core::ptr::read_volatile(&(*(b.buf as *const SyscallRecord)).nr) }
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_entry(deferred: u64) -> u64 {
    let deferred = deferred as u32;
    capture_record::<Unrolled>(SCRATCH_ENTER, |_| Phase::Enter { deferred }, 0)
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_entry_loops(deferred: u64) -> u64 {
    let deferred = deferred as u32;
    capture_record::<EntryHelper>(SCRATCH_ENTER, |_| Phase::Enter { deferred }, 0)
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_exit(retry: u64) -> u64 {
    capture_record::<Unrolled>(SCRATCH_EXIT, Phase::Exit, retry as u32)
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_exit_loops(retry: u64) -> u64 {
    capture_record::<ExitHelper>(SCRATCH_EXIT, Phase::Exit, retry as u32)
}

/// One plan slot's capture (not the descriptor facts nor a loop: `capture_all` takes
/// those), appended to the record in scratch slot `scratch` at `OFF_CELL`, which it
/// moves on: nonzero when the read faulted. One function for every slot, checked once,
/// with the code of every kind any slot of the trace set takes.
#[inline(always)]
fn capture_slot<L: Loops>(scratch: u32, exit: bool, slot: u64) -> u64 {
    let slot = slot as usize;
    if slot >= MAX_CAPTURES {
        return 0;
    }
    let Some((mut b, plan, args, ret)) = reopen(scratch) else {
        return 0;
    };
    let phase = if exit {
        Phase::Exit(ret)
    } else {
        Phase::Enter { deferred: 0 }
    };
    let mut kinds = 0;
    let mut i = 0;
    while i < MAX_CAPTURES {
        kinds |= self::kinds(phase, i);
        i += 1;
    }
    let limit = config().string_limit as usize;
    let faulted = b.capture::<L>(&plan.capture.specs[slot], phase, args, limit, kinds);
    b.store(OFF_CELL, b.off as u64);
    faulted as u64
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_slot_entry(slot: u64) -> u64 {
    capture_slot::<Unrolled>(SCRATCH_ENTER, false, slot)
}

#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_slot_entry_loops(slot: u64) -> u64 {
    capture_slot::<EntryHelper>(SCRATCH_ENTER, false, slot)
}

/// (No loop is taken in a slot at exit: one function serves both exit programs.)
#[unsafe(no_mangle)]
#[inline(never)]
pub extern "C" fn tracer_capture_slot_exit(slot: u64) -> u64 {
    capture_slot::<Unrolled>(SCRATCH_EXIT, true, slot)
}

/// A looping capture's state and one iteration of it ([`Builder::repeat`]): plain
/// words (`repr(C)`, at most `LOOP_BYTES`), kept in the loop cells for `bpf_loop`.
trait Step: Copy {
    /// One iteration: true when the loop is done.
    fn step(&mut self, b: &mut Builder) -> bool;
}

/// `bpf_loop`'s callback for `S`, in `L`'s scratch slot: 0 goes on, 1 stops.
#[inline(never)]
extern "C" fn step_callback<L: Loops, S: Step>(_index: u64, _ctx: *mut c_void) -> i64 {
    let Some(scratch) = L::HELPER.and_then(|slot| SCRATCH.get_ptr_mut(slot)) else {
        return 1;
    };
    let mut b = Builder {
        // SAFETY: the map value is SCRATCH_BYTES long.
        buf: unsafe { (*scratch).buf.as_mut_ptr() },
        off: 0,
    };
    // SAFETY: the loop cells hold an `S` (`repeat` put it there), inside the buffer.
    let state = unsafe { &mut *(b.buf.add(LOOP_CELLS) as *mut S) };
    state.step(&mut b) as i64
}

/// Counting `getdents` entries: each `d_reclen` is read into the scratch space at `off`
/// (which the count then overwrites).
#[repr(C)]
#[derive(Clone, Copy)]
struct Dirents {
    off: u64,
    src: u64,
    end: u64,
    pos: u64,
    count: u64,
    flags: u64,
}

impl Step for Dirents {
    #[inline(always)]
    fn step(&mut self, b: &mut Builder) -> bool {
        if self.pos >= self.end {
            self.flags = 0;
            return true;
        }
        // A multiple of 8 below OFF_LIMIT + 8; masked for the verifier, which no longer
        // knows it once it went through memory.
        let cell = b.buf.wrapping_add(self.off as usize & (2 * OFF_LIMIT - 8)) as *mut u16;
        // SAFETY: 2 bytes below 2 * OFF_LIMIT: inside the buffer.
        let rc = unsafe {
            bpf_probe_read_user(
                cell as *mut c_void,
                2,
                (self.src + self.pos + DIRENT_RECLEN) as *const c_void,
            )
        };
        // SAFETY: just written (or zeroed by the failed helper).
        let reclen = unsafe { *cell };
        if rc < 0 || reclen == 0 {
            self.flags = CAPTURE_FAULT as u64;
            return true;
        }
        self.pos += reclen as u64;
        self.count += 1;
        false
    }
}

/// The bytes of an [`IovecChunk`].
const IOVEC_CHUNK: usize = size_of::<IovecChunk>();

/// An iovec array's elements, one per step.
///
/// Written so that one path leaves each step: unrolled, the verifier cannot prune states
/// across iterations (the counter is precise), and older verifiers hardly within one,
/// so every branch that went on with a different state would double its work.
#[repr(C)]
#[derive(Clone, Copy)]
struct Iovecs {
    header_off: u64,
    array: u64,
    count: u64,
    limit: u64,
    len: u64,
    i: u64,
    flags: u64,
}

impl Step for Iovecs {
    #[inline(always)]
    fn step(&mut self, b: &mut Builder) -> bool {
        const CHUNK: usize = IOVEC_CHUNK;
        if self.i >= self.count {
            self.flags = 0;
            return true;
        }
        // Masks that change nothing but bound the values for the verifier whatever it
        // made of the comparisons (or lost through memory).
        let len = self.len as usize & (MAX_CAPTURE - 1);
        if len + CHUNK >= MAX_CAPTURE {
            self.flags = CAPTURE_TRUNCATED as u64;
            return true;
        }
        let off = (self.header_off as usize & OFF_MASK) + size_of::<CaptureHeader>();
        let chunk = b.buf.wrapping_add(off + len) as *mut IovecChunk;
        // SAFETY: off + len < OFF_LIMIT + 8 + MAX_CAPTURE: the chunk is inside the buffer.
        let rc = unsafe {
            bpf_probe_read_user(
                chunk as *mut c_void,
                16,
                (self.array + 16 * self.i) as *const c_void,
            )
        };
        if rc < 0 {
            self.flags = if self.i == 0 {
                CAPTURE_FAULT
            } else {
                CAPTURE_TRUNCATED
            } as u64;
            return true;
        }
        // SAFETY: just written.
        let (base, iov_len) = unsafe { ((*chunk).base, (*chunk).iov_len) };
        let want = iov_copy_len(iov_len, self.limit as usize);
        // Which branch made the size is of no use to the verifier later. The mask
        // bounds it as above, and `want` is compared as it is: 6.12's verifier loses
        // the unsigned bounds of a register when it compares that register plus a
        // constant.
        let want = b.forget(want) & (MAX_CAPTURE - 1);
        let room = MAX_CAPTURE - CHUNK - len;
        if want > room {
            self.flags = CAPTURE_TRUNCATED as u64;
            return true;
        }
        // SAFETY: off + len + CHUNK + want < OFF_LIMIT + 8 + 2 * MAX_CAPTURE. On failure
        // the helper zeroes the bytes.
        let rc = unsafe {
            bpf_probe_read_user(
                chunk.wrapping_add(1) as *mut c_void,
                want as u32,
                base as *const c_void,
            )
        };
        // The sign bit, as a flag, without a branch.
        let fault = (rc as u64 >> 63) as u32 * CAPTURE_FAULT as u32;
        // SAFETY: as above.
        unsafe {
            (*chunk).len = want as u32;
            (*chunk).flags = fault;
        }
        self.len = (len + CHUNK + ((want + 7) & !7)) as u64;
        self.i += 1;
        false
    }
}

/// A `struct mmsghdr` vector, one piece per step, messages and elements alike: each step
/// reads a fixed part `a` (the 64-byte header or the 16-byte iovec) and then what its
/// first word points at, as long as its second word says (capped), and only arithmetic
/// picks which. What the steps carry over goes through memory ([`Builder::forget`]), so
/// one path leaves each step, as in [`Iovecs`].
#[repr(C)]
#[derive(Clone, Copy)]
struct Mmsgs {
    header_off: u64,
    vec: u64,
    count: u64,
    limit: u64,
    len: u64,
    /// Pieces taken.
    i: u64,
    /// Messages started, the current message's iovec elements taken, its elements
    /// left, and where its iovec array is.
    msg: u64,
    elem: u64,
    left: u64,
    iov: u64,
    /// The capture's flags once a step ends it early, `u64::MAX` until then.
    flags: u64,
}

impl Step for Mmsgs {
    #[inline(always)]
    fn step(&mut self, b: &mut Builder) -> bool {
        const CHUNK: usize = size_of::<MmsgChunk>();
        // Room for the largest step: a header, a name and a chunk.
        const STEP: usize = CHUNK + MMSGHDR_BYTES + MMSG_NAME_BYTES;
        let header = (self.left == 0) as u64;
        if header == 1 && self.msg >= self.count {
            self.flags = 0;
            return true;
        }
        let len = self.len as usize & (MAX_CAPTURE - 1);
        if len + STEP >= MAX_CAPTURE {
            self.flags = CAPTURE_TRUNCATED as u64;
            return true;
        }
        let off = (self.header_off as usize & OFF_MASK) + size_of::<CaptureHeader>();
        let chunk = b.buf.wrapping_add(off + len) as *mut MmsgChunk;
        let a = chunk.wrapping_add(1) as *mut u8;
        // A message's header or its next iovec, 64 or 16 bytes.
        let a_addr = header * (self.vec + MMSGHDR_BYTES as u64 * self.msg)
            + (1 - header) * (self.iov + 16 * self.elem);
        let a_len = (16 + header as usize * (MMSGHDR_BYTES - 16)) & (MMSGHDR_BYTES * 2 - 1);
        // SAFETY: off + len < OFF_LIMIT + 8 + MAX_CAPTURE and a_len <= 64: in the buffer.
        let rc =
            unsafe { bpf_probe_read_user(a as *mut c_void, a_len as u32, a_addr as *const c_void) };
        if rc < 0 {
            self.flags = if self.i == 0 {
                CAPTURE_FAULT
            } else {
                CAPTURE_TRUNCATED
            } as u64;
            return true;
        }
        // SAFETY: just written, at least 32 bytes (a header's are 64).
        let (ptr, size, next_iov, next_left) = unsafe {
            let w = a as *const u64;
            (*w, *w.add(1), *w.add(2), *w.add(3))
        };
        // A header's second word is `msg_namelen` and 4 bytes of padding.
        let size = size & (u32::MAX as u64 | (1 - header).wrapping_neg());
        let cap = header as usize * MMSG_NAME_BYTES + (1 - header as usize) * self.limit as usize;
        let want = if size < cap as u64 {
            size as usize
        } else {
            cap
        };
        let want = b.forget(want) & (MAX_CAPTURE - 1);
        if want > MMSG_NAME_BYTES {
            self.flags = CAPTURE_TRUNCATED as u64;
            return true;
        }
        let dst = a.wrapping_add(a_len);
        // SAFETY: dst + want < OFF_LIMIT + 8 + MAX_CAPTURE + 2 * 64 + 128: in the
        // buffer. On failure the helper zeroes the bytes.
        let rc =
            unsafe { bpf_probe_read_user(dst as *mut c_void, want as u32, ptr as *const c_void) };
        let fault = (rc as u64 >> 63) as u32 * CAPTURE_FAULT as u32;
        // SAFETY: as above.
        unsafe {
            *chunk = MmsgChunk {
                addr: a_addr,
                a_len: a_len as u32,
                b_len: want as u32,
                kind: header as u32 * MMSG_MESSAGE,
                flags: fault,
            };
        }
        let len = len + CHUNK + a_len + ((want + 7) & !7);
        // After a header its elements (at most MAX_IOV), after an element the next.
        let next_left = if next_left > MAX_IOV as u64 {
            MAX_IOV as u64
        } else {
            next_left
        };
        let (iov, left, elem) = (self.iov, self.left, self.elem);
        self.iov = b.forget((header * next_iov + (1 - header) * iov) as usize) as u64;
        self.left =
            b.forget((header * next_left + (1 - header) * left.wrapping_sub(1)) as usize) as u64;
        self.elem = b.forget(((1 - header) * (elem + 1)) as usize) as u64;
        self.msg += header;
        self.len = (b.forget(len) & (2 * MAX_CAPTURE - 1)) as u64;
        self.i += 1;
        false
    }
}

/// argv's strings, one per step.
#[repr(C)]
#[derive(Clone, Copy)]
struct Strv {
    header_off: u64,
    src: u64,
    limit: u64,
    len: u64,
    i: u64,
    flags: u64,
}

impl Step for Strv {
    #[inline(always)]
    fn step(&mut self, b: &mut Builder) -> bool {
        let mut ptr: u64 = 0;
        // SAFETY: reads one pointer of the tracee's array into a stack variable.
        let rc = unsafe {
            bpf_probe_read_user(
                &mut ptr as *mut u64 as *mut c_void,
                8,
                (self.src + 8 * self.i) as *const c_void,
            )
        };
        if rc < 0 {
            self.flags = CAPTURE_FAULT as u64;
            return true;
        }
        if ptr == 0 {
            self.flags = 0;
            return true;
        }
        // Each string takes up to `-s` bytes and one more (to tell a longer one) and its
        // NUL, or what room is left: a large `-s` fills the capture with the first
        // strings rather than show none.
        let len = self.len as usize;
        if len + 2 > MAX_CAPTURE {
            self.flags = CAPTURE_TRUNCATED as u64;
            return true;
        }
        // LLVM proves these bounds from the check above and would drop plain masks;
        // verifiers before 7.x cannot follow that proof, so the values are forgotten and
        // masked again (len < MAX_CAPTURE, a power of two).
        let len_b = b.forget(len) & (MAX_CAPTURE - 1);
        let room = MAX_CAPTURE - len_b;
        let limit = self.limit as usize;
        let cut_by_room = limit + 2 > room;
        let want = b.forget(if cut_by_room { room } else { limit + 2 }) & LEN_MASK;
        let at = (self.header_off as usize & OFF_MASK) + size_of::<CaptureHeader>() + len_b;
        // SAFETY: at < OFF_LIMIT + 8 + MAX_CAPTURE and want <= LEN_MASK: inside the
        // scratch buffer, below its cells.
        let n = unsafe {
            bpf_probe_read_user_str(
                b.buf.add(at) as *mut c_void,
                want as u32,
                ptr as *const c_void,
            )
        };
        if n <= 0 {
            self.flags = CAPTURE_FAULT as u64;
            return true;
        }
        if cut_by_room && n as usize >= want {
            // The string filled the room: kept without its NUL, which tells userspace
            // it was cut.
            self.len = (len + ((n as usize - 1) & LEN_MASK)) as u64;
            self.flags = CAPTURE_TRUNCATED as u64;
            return true;
        }
        self.len = (len + (n as usize & LEN_MASK)) as u64;
        self.i += 1;
        false
    }
}

/// envp's pointers, counted eight a step: each eight read into the scratch space the
/// count then overwrites (a zeroed array on the stack would cost a memset loop per
/// verifier path).
#[repr(C)]
#[derive(Clone, Copy)]
struct Ptrs {
    header_off: u64,
    src: u64,
    count: u64,
    i: u64,
    flags: u64,
}

impl Step for Ptrs {
    #[inline(always)]
    fn step(&mut self, b: &mut Builder) -> bool {
        let at = (self.header_off as usize & OFF_MASK) + size_of::<CaptureHeader>();
        let chunk = b.buf.wrapping_add(at) as *mut [u64; 8];
        // SAFETY: 64 bytes at at < OFF_LIMIT + 8: inside the buffer.
        let rc = unsafe {
            bpf_probe_read_user(
                chunk as *mut c_void,
                64,
                (self.src + 64 * self.i) as *const c_void,
            )
        };
        if rc < 0 {
            // The array may end near the end of a mapping: userspace counts the rest.
            self.flags = CAPTURE_FAULT as u64;
            return true;
        }
        let mut j = 0;
        while j < 8 {
            // SAFETY: just written.
            if unsafe { (*chunk)[j] } == 0 {
                self.flags = 0;
                return true;
            }
            self.count += 1;
            j += 1;
        }
        self.i += 1;
        false
    }
}
