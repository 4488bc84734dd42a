//! fentry/fexit programs on the syscall functions (BPF trampolines), for narrow trace
//! sets. Any syscall tracepoint, raw or per-syscall, moves every task of the host to the
//! slow syscall path (`SYSCALL_WORK_SYSCALL_TRACEPOINT`): each call of every process
//! beside the trace pays for it. A trampoline patches only the functions it is attached
//! to, so untraced calls, and every other process, pay nothing. A tracing program is
//! verified for one function, so each function costs a load (the verifier's time): only
//! trace sets of up to [`MAX_TRACED`] syscalls take this path by default. Where the
//! kernel refuses trampolines (some refuse every tracing program with EPERM before the
//! verifier) or its BTF lacks a function, the tracepoints serve and `--stats` says why.

use std::{
    io,
    os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd},
};

use aya::{
    Btf,
    programs::{Program, ProgramFd},
};

use super::{
    btf::{self, Types},
    loader::LoadError,
};
use crate::config::{Config, Target};

/// The most syscalls a trace set may name for `--tracepoints=auto` to attach fentry and
/// fexit programs: with the entries always watched, 8 syscalls load up to 19 programs.
pub const MAX_TRACED: usize = 8;

/// Entered always, traced or not: exit and exit_group, whose status the process-exit
/// record takes, and execve, where the trace of a started command begins (`launch`
/// execs it with execve; the per-syscall tracepoints watch execveat too, but 5.10's BTF
/// gives its function a prototype with an incomplete `struct pt_regs`, which a tracing
/// program may not read: not attachable). Their exits are watched only when
/// traced (exit and exit_group never return: `sched_process_exit` ends their tasks'
/// calls).
pub const ALWAYS_ENTERED: [&str; 3] = ["exit", "exit_group", "execve"];

/// Syscalls that never return: no fexit program for them (its trampoline would be
/// entered and never left).
const NEVER_RETURN: [&str; 2] = ["exit", "exit_group"];

/// The kernel functions one trace attaches to: `__x64_sys_NAME` (`__arm64_sys_NAME`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Functions {
    /// fentry: the traced syscalls' and [`ALWAYS_ENTERED`]'s.
    pub entries: Vec<String>,
    /// fexit: the traced syscalls' that return.
    pub exits: Vec<String>,
}

impl Functions {
    /// The functions of the syscalls `traced` (their kernel names).
    pub fn of(traced: &[&str]) -> Self {
        let function = |name: &str| format!("{}{name}", tracer_common::SYSCALL_FN_PREFIX);
        let mut entries: Vec<String> = traced.iter().map(|n| function(n)).collect();
        let exits = (traced.iter())
            .filter(|n| !NEVER_RETURN.contains(n))
            .map(|n| function(n))
            .collect();
        for always in ALWAYS_ENTERED.map(function) {
            if !entries.contains(&always) {
                entries.push(always);
            }
        }
        Self { entries, exits }
    }
}

/// Why `cfg`'s trace cannot be served by trampolines at all: calls they would not see.
pub fn unfit(cfg: &Config) -> Option<String> {
    if cfg.kernel.trace_unknown != 0 {
        Some("the trace set takes syscall numbers the table does not name".into())
    } else if !cfg.paths.is_empty() {
        Some("-P follows the descriptors of calls outside the trace set".into())
    } else {
        None
    }
}

/// Why `--tracepoints=auto` leaves a trace of `traced` syscalls to the tracepoints.
pub fn not_by_default(cfg: &Config, traced: usize) -> Option<String> {
    if let Some(why) = unfit(cfg) {
        Some(why)
    } else if traced > MAX_TRACED {
        Some(format!(
            "the trace set has {traced} syscalls, more than the {MAX_TRACED} they serve by \
             default"
        ))
    } else if !matches!(cfg.target, Target::Command(_)) {
        // Attached to a call already in progress, an fexit program never runs for it.
        Some(
            "the traced processes run already: calls in progress would not be seen returning"
                .into(),
        )
    } else {
        None
    }
}

/// The functions this kernel attaches for `functions`: each in its BTF, taking the
/// registers (a no-argument syscall's may be there only under its body's name,
/// `SYSCALL_FN_ALIAS_PREFIX`), and an empty tracing program loads and attaches to the
/// first (arm64 kernels before 6.4 load them but cannot attach them). The error says
/// why not.
pub fn check(types: Option<&Types>, functions: &Functions) -> Result<Functions, String> {
    let prefix = tracer_common::SYSCALL_FN_PREFIX;
    let alias = |name: &String| match tracer_common::SYSCALL_FN_ALIAS_PREFIX {
        Some(body) => name.replacen(prefix, body, 1),
        None => name.clone(),
    };
    let names: Vec<String> = (functions.entries.iter().cloned())
        .chain(functions.entries.iter().map(alias))
        .collect();
    let ids = btf::pt_regs_functions(types, &names).ok_or("the kernel has no BTF")?;
    let (own, aliased) = ids.split_at(functions.entries.len());
    let mut resolved = Vec::new();
    let mut missing = Vec::new();
    for (at, name) in functions.entries.iter().enumerate() {
        match (own[at], aliased[at]) {
            (Some(id), _) => resolved.push((name.clone(), id)),
            (None, Some(id)) => resolved.push((alias(name), id)),
            (None, None) => missing.push(name.as_str()),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "BTF has no function {} taking the registers",
            missing.join(", ")
        ));
    }
    let program = probe(resolved[0].1)
        .map_err(|e| format!("the kernel refused a BPF trampoline program: {e}"))?;
    attach(program.as_fd())
        .map(drop)
        .map_err(|e| format!("the kernel refused to attach a BPF trampoline: {e}"))?;
    let name_of = |function: &String| {
        let at = functions.entries.iter().position(|e| e == function);
        at.map_or_else(|| function.clone(), |at| resolved[at].0.clone())
    };
    Ok(Functions {
        entries: resolved.iter().map(|(name, _)| name.clone()).collect(),
        exits: functions.exits.iter().map(name_of).collect(),
    })
}

/// A tracing program (`return 0`) loaded for the function of BTF id `btf_id`: what a
/// refusal of trampolines trips on, without the verifier's work.
fn probe(btf_id: u32) -> io::Result<OwnedFd> {
    const BPF_PROG_LOAD: libc::c_long = 5;
    const BPF_PROG_TYPE_TRACING: u32 = 26;
    const BPF_TRACE_FENTRY: u32 = 24;
    // union bpf_attr for BPF_PROG_LOAD, as far as `attach_btf_id` (offset 108).
    #[repr(C)]
    #[derive(Default)]
    struct ProgLoad {
        prog_type: u32,
        insn_cnt: u32,
        insns: u64,
        license: u64,
        log_level: u32,
        log_size: u32,
        log_buf: u64,
        kern_version: u32,
        prog_flags: u32,
        prog_name: [u8; 16],
        prog_ifindex: u32,
        expected_attach_type: u32,
        prog_btf_fd: u32,
        func_info_rec_size: u32,
        func_info: u64,
        func_info_cnt: u32,
        line_info_rec_size: u32,
        line_info: u64,
        line_info_cnt: u32,
        attach_btf_id: u32,
        attach_prog_fd: u32,
        _pad: u32,
    }
    // r0 = 0; exit
    let insns: [u64; 2] = [0xb7, 0x95];
    let license = c"GPL";
    let attr = ProgLoad {
        prog_type: BPF_PROG_TYPE_TRACING,
        insn_cnt: insns.len() as u32,
        insns: insns.as_ptr() as u64,
        license: license.as_ptr() as u64,
        expected_attach_type: BPF_TRACE_FENTRY,
        attach_btf_id: btf_id,
        ..Default::default()
    };
    // SAFETY: `attr` is a valid, zero-padded bpf_attr of the size passed; the pointers
    // in it outlive the call.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            BPF_PROG_LOAD,
            &raw const attr,
            size_of::<ProgLoad>() as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the descriptor was just created and is ours alone.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// Loads `program` (an fentry or fexit program) once for each of `functions`, keeping
/// each load's descriptor (which holds it in the kernel) and letting go of aya's for the
/// next load: a tracing program is verified for one function.
pub fn load_each(
    name: &'static str,
    program: &mut Program,
    functions: &[String],
    btf: &Btf,
) -> Result<Vec<ProgramFd>, LoadError> {
    let failed = |source| LoadError::Program { name, source };
    let mut loaded = Vec::with_capacity(functions.len());
    for function in functions {
        let started = std::time::Instant::now();
        macro_rules! load_one {
            ($p:expr) => {{
                $p.load(function, btf).map_err(failed)?;
                let fd = $p.fd().map_err(failed)?.try_clone();
                $p.unload().map_err(failed)?;
                fd.map_err(|e| failed(aya::programs::ProgramError::IOError(e)))?
            }};
        }
        let fd = match program {
            Program::FEntry(p) => load_one!(p),
            Program::FExit(p) => load_one!(p),
            _ => panic!("program {name} is an fentry or fexit program"),
        };
        log::debug!("{name} for {function} loaded in {:?}", started.elapsed());
        loaded.push(fd);
    }
    Ok(loaded)
}

/// Attaches a loaded tracing program to the function it was loaded for; closing the
/// returned link detaches it (`BPF_RAW_TRACEPOINT_OPEN` with no name, 5.5+).
pub fn attach(program: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    const BPF_RAW_TRACEPOINT_OPEN: libc::c_long = 17;
    // union bpf_attr's raw_tracepoint: name (none: the program's own target), prog_fd.
    let attr: [u64; 3] = [0, program.as_raw_fd() as u64, 0];
    // SAFETY: `attr` is a valid, zero-padded bpf_attr of the size passed.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_bpf,
            BPF_RAW_TRACEPOINT_OPEN,
            attr.as_ptr(),
            size_of_val(&attr) as libc::c_uint,
        )
    };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: the descriptor was just created and is ours alone.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_always_watch_exits_and_execs() {
        let f = Functions::of(&["openat", "execve"]);
        let p = tracer_common::SYSCALL_FN_PREFIX;
        assert_eq!(f.exits, [format!("{p}openat"), format!("{p}execve")]);
        // exit_group never returns: entered only.
        let f = Functions::of(&["exit_group", "read"]);
        assert_eq!(f.exits, [format!("{p}read")]);
        assert_eq!(f.entries.len(), 2 + 2);
        let f = Functions::of(&["openat", "execve"]);
        assert_eq!(
            f.entries,
            ["openat", "execve", "exit", "exit_group"].map(|n| format!("{p}{n}"))
        );
        assert_eq!(Functions::of(&[]).entries.len(), ALWAYS_ENTERED.len());
    }
}
