//! `-V`: the version, the commit it was built from, and what this kernel offers: which
//! backend `--backend=auto` would use here and why, found without tracing anything.

use std::fmt::Write as _;

/// The commit the binary was built from (`git describe` at build time), or `unknown`
/// when it was built outside a git checkout.
const COMMIT: &str = env!("TRACER_COMMIT");

pub fn text() -> String {
    let mut s = format!("tracer {} (commit {COMMIT})\n", env!("CARGO_PKG_VERSION"));
    if let Ok(uts) = nix::sys::utsname::uname() {
        let _ = writeln!(
            s,
            "kernel: {} {} {}",
            uts.sysname().to_string_lossy(),
            uts.release().to_string_lossy(),
            uts.machine().to_string_lossy()
        );
    }
    let btf = if std::path::Path::new("/sys/kernel/btf/vmlinux").exists() {
        "BTF at /sys/kernel/btf/vmlinux"
    } else {
        "no BTF (signals an ignoring process drops are not shown)"
    };
    match crate::backend::ebpf_availability() {
        Ok(()) => {
            let _ = writeln!(
                s,
                "backend: ebpf would be used (BPF ring buffer, raw tracepoints; {btf})"
            );
            // What --tracepoints=auto takes for a started command's narrow trace.
            let narrow = crate::backend::ebpf::MAX_TRACED;
            let _ = match crate::backend::trampolines_allowed() {
                Ok(()) => writeln!(
                    s,
                    "narrow traces (up to {narrow} syscalls): fentry/fexit on the syscall \
                     functions (BPF trampolines allowed)"
                ),
                Err(why) => writeln!(
                    s,
                    "narrow traces (up to {narrow} syscalls): raw tracepoints (no fentry/fexit: {why})"
                ),
            };
        }
        // Unprivileged, the reason says what eBPF would need.
        Err(why) => {
            let _ = writeln!(s, "backend: ptrace would be used (eBPF unavailable: {why})");
        }
    }
    s
}
