//! 32-bit (compat) calls: labelled as strace labels a personality change, never decoded
//! as the 64-bit call of the same number (`tracer_tests::compat32` makes one).

use regex::Regex;
use tracer_tests::{Backend, Traced, compat32, trace, tracer};

tracer_tests::both_backends!(
    a_32_bit_call_is_labelled_not_decoded,
    a_narrow_trace_set_leaves_32_bit_calls_out
);

const COMPAT32: &str = env!("CARGO_BIN_EXE_compat32");

fn a_32_bit_call_is_labelled_not_decoded(backend: Backend) {
    labelled(&trace(&[backend.arg(), "--", COMPAT32]));
    let quiet = trace(&[backend.arg(), "-q", "--", COMPAT32]);
    quiet.expect(
        !quiet.lines().iter().any(|l| l.starts_with("[ Process")),
        "-q leaves the personality lines out",
    );
}

/// ptrace's register fallback (kernels before 5.3) tells 32-bit calls apart too.
#[test]
fn the_register_fallback_labels_32_bit_calls_too() {
    tracer_tests::skip_unless_root!();
    let out = tracer()
        .env("TRACER_PTRACE_REGISTERS", "1")
        .args([Backend::Ptrace.arg(), "--", COMPAT32])
        .output()
        .expect("run tracer");
    labelled(&Traced::from(out));
}

fn labelled(t: &Traced) {
    t.expect(t.code() == Some(compat32::STATUS), "the program's status");
    let Some(pid) = t
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("compat32 pid "))
    else {
        // arm64 hardware without AArch32 at EL0 runs no 32-bit program.
        println!("skipped: no 32-bit call was made ({})", t.stdout);
        return;
    };
    let lines = t.lines();
    let at = |pattern: &str| {
        let re = Regex::new(pattern).unwrap();
        lines.iter().position(|l| re.is_match(l))
    };
    let args = compat32::ARGS.map(|a| format!("{a:#x}")).join(", ");
    let to32 = at(&format!(r"^\[ Process PID={pid} runs in 32 bit mode\. \]$"));
    let call = at(&format!(
        r"^syscall_{:#x}\({}\) += {pid}$",
        compat32::GETPID,
        regex::escape(&args)
    ));
    let to64 = at(&format!(r"^\[ Process PID={pid} runs in 64 bit mode\. \]$"));
    t.expect(
        to32.is_some() && call == to32.map(|i| i + 1),
        "the 32-bit call, raw, after the switch to 32-bit mode",
    );
    if cfg!(target_arch = "x86_64") {
        // `int $0x80` from a 64-bit program: back to 64-bit for the next call.
        t.expect(
            to64 == call.map(|i| i + 1),
            "the switch back before the next 64-bit call",
        );
        t.expect(
            lines[to64.unwrap_or(0) + 1..]
                .iter()
                .any(|l| l.starts_with("write(1, \"compat32 pid ")),
            "64-bit calls decoded again",
        );
    }
    // x86_64's 20 is writev, arm64's 20 epoll_create1.
    t.expect(
        !lines
            .iter()
            .any(|l| l.starts_with("writev(") || l.starts_with("epoll_create1(")),
        "no 64-bit decoding of the 32-bit number",
    );
}

/// A trace set names the native table's calls: 32-bit calls are not in it (nor counted
/// by `-c`).
fn a_narrow_trace_set_leaves_32_bit_calls_out(backend: Backend) {
    let t = trace(&[
        backend.arg(),
        "-e",
        "trace=getpid,exit_group",
        "--",
        COMPAT32,
    ]);
    t.expect(t.code() == Some(compat32::STATUS), "the program's status");
    t.expect(
        !t.lines()
            .iter()
            .any(|l| l.starts_with("[ Process") || l.starts_with("syscall_")),
        "nothing of the 32-bit call",
    );
    t.expect(
        t.lines().iter().any(|l| l.starts_with("exit_group(7)")),
        "the traced 64-bit call",
    );
    let c = trace(&[backend.arg(), "-c", "--", COMPAT32]);
    c.expect(
        !c.lines()
            .iter()
            .any(|l| l.contains("syscall_") || l.ends_with(" ?")),
        "no row for the 32-bit call",
    );
}
