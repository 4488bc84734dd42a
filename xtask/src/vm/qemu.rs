//! One boot under QEMU with TCG (the nested /dev/kvm here cannot run stock kernels), the
//! serial console to a log file, a deadline, and what the log says.

use std::{
    fs,
    path::Path,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, Result};

use crate::cross::Arch;

/// QEMU for `arch`: its binary, machine and CPU options, and the kernel's console.
fn machine(arch: Arch) -> (&'static str, &'static [&'static str], &'static str) {
    match arch {
        // QEMU's default CPU model: measurably faster under TCG than `max`.
        Arch::X86_64 => ("qemu-system-x86_64", &[], "ttyS0"),
        // The generic `virt` board (PL011 UART as ttyAMA0, GIC, PSCI for power off) with
        // every CPU feature TCG emulates; `pauth-impdef` swaps the architected pointer
        // authentication hash (QARMA, slow to emulate) for QEMU's own, which the guest
        // cannot tell apart.
        Arch::Aarch64 => (
            "qemu-system-aarch64",
            &["-M", "virt", "-cpu", "max,pauth-impdef=on"],
            "ttyAMA0",
        ),
    }
}

/// What a boot's console showed.
#[derive(Debug, Default)]
pub struct Console {
    /// `VMTEST INFO key=value`.
    pub info: Vec<(String, String)>,
    pub passed: Vec<String>,
    /// (check, reason)
    pub failed: Vec<(String, String)>,
    pub trace: Vec<String>,
    /// `VMTEST DONE` seen.
    pub done: bool,
}

impl Console {
    pub fn info(&self, key: &str) -> Option<&str> {
        self.info
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a boot did not get to the end of the checks: worth one retry.
#[derive(Debug)]
pub enum Broken {
    SoftLockup,
    Panic(String),
    Timeout(Duration),
    /// QEMU ended without the final marker and without a panic.
    NoMarker,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SoftLockup => write!(f, "soft lockup"),
            Self::Panic(line) => write!(f, "kernel panic: {line}"),
            Self::Timeout(t) => write!(f, "no end marker within {}s", t.as_secs()),
            Self::NoMarker => write!(f, "VM stopped without the end marker"),
        }
    }
}

pub struct Boot<'a> {
    pub arch: Arch,
    pub kernel: &'a Path,
    pub initramfs: &'a Path,
    /// Extra kernel command line words (`key=value` reach /init's environment).
    pub cmdline: &'a str,
    pub log: &'a Path,
    pub timeout: Duration,
}

impl Boot<'_> {
    pub fn run(&self) -> Result<Result<Console, Broken>> {
        let log = fs::File::create(self.log)
            .with_context(|| format!("creating {}", self.log.display()))?;
        // panic=-1 restarts at once on a panic, softlockup_panic=1 turns a soft lockup
        // into one, and -no-reboot turns the restart into QEMU's exit. mitigations=off:
        // measurably faster under TCG, where the BPF verifier is the bulk of a run.
        let (qemu, machine, console) = machine(self.arch);
        let append = format!(
            "console={console} quiet panic=-1 softlockup_panic=1 mitigations=off {}",
            self.cmdline
        );
        let mut cmd = Command::new(qemu);
        cmd.args(machine)
            .args(["-accel", "tcg", "-m", "768", "-smp", "1"])
            .args(["-display", "none", "-monitor", "none", "-serial", "stdio"])
            .args(["-no-reboot", "-nodefaults"])
            .arg("-kernel")
            .arg(self.kernel)
            .arg("-initrd")
            .arg(self.initramfs)
            .args(["-append", &append])
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        let mut child = cmd.spawn().with_context(|| format!("starting {qemu}"))?;
        let start = Instant::now();
        let timed_out = loop {
            if child.try_wait()?.is_some() {
                break false;
            }
            if start.elapsed() > self.timeout {
                let _ = child.kill();
                let _ = child.wait();
                break true;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        let text = String::from_utf8_lossy(&fs::read(self.log)?).into_owned();
        let console = parse(&text);
        if text.contains("soft lockup") {
            return Ok(Err(Broken::SoftLockup));
        }
        if let Some(line) = text.lines().find(|l| l.contains("Kernel panic")) {
            return Ok(Err(Broken::Panic(line.trim().to_owned())));
        }
        if console.done {
            return Ok(Ok(console));
        }
        Ok(Err(if timed_out {
            Broken::Timeout(self.timeout)
        } else {
            Broken::NoMarker
        }))
    }
}

/// The `VMTEST ...` lines; kernel messages may share a line with them on the console.
fn parse(text: &str) -> Console {
    let mut console = Console::default();
    for line in text.lines() {
        let Some(at) = line.find("VMTEST ") else {
            continue;
        };
        let rest = line[at + "VMTEST ".len()..].trim_end_matches('\r');
        let (kind, body) = rest.split_once(' ').unwrap_or((rest, ""));
        match kind {
            "INFO" => {
                let (k, v) = body.split_once('=').unwrap_or((body, ""));
                console.info.push((k.to_owned(), v.to_owned()));
            }
            "PASS" => console.passed.push(body.to_owned()),
            "FAIL" => {
                let (name, why) = body.split_once(": ").unwrap_or((body, ""));
                console.failed.push((name.to_owned(), why.to_owned()));
            }
            "TRACE" => console.trace.push(body.to_owned()),
            "DONE" => console.done = true,
            _ => {}
        }
    }
    console
}
