//! Which container a process runs in, from its cgroup path: the one fact every runtime
//! leaves where anyone can read it (`/proc/PID/cgroup`), whether or not its daemon runs.
//! `runtimes` adds the names the runtimes' state files give and finds containers by id or
//! name for `--container`.

pub mod runtimes;

use std::{fmt, fs, sync::Arc};

/// A container as its cgroup path names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The runtime's id (64 hex digits for Docker, containerd, CRI-O and Podman; the
    /// machine or container name for systemd-nspawn and LXC).
    pub id: String,
    pub runtime: Runtime,
    /// Kubernetes: the pod's UID and QoS class, from a `kubepods` path.
    pub pod_uid: Option<String>,
    pub qos: Option<QosClass>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Runtime {
    Docker,
    Containerd,
    CriO,
    Podman,
    Nspawn,
    Lxc,
    /// A Kubernetes container whose path does not name its runtime (cgroupfs driver).
    Kubernetes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QosClass {
    Guaranteed,
    Burstable,
    BestEffort,
}

impl Runtime {
    pub fn name(self) -> &'static str {
        match self {
            Self::Docker => "docker",
            Self::Containerd => "containerd",
            Self::CriO => "cri-o",
            Self::Podman => "podman",
            Self::Nspawn => "systemd-nspawn",
            Self::Lxc => "lxc",
            Self::Kubernetes => "kubernetes",
        }
    }
}

impl QosClass {
    pub fn name(self) -> &'static str {
        match self {
            Self::Guaranteed => "guaranteed",
            Self::Burstable => "burstable",
            Self::BestEffort => "besteffort",
        }
    }
}

impl Identity {
    /// The id as `docker ps` shows it: 12 hex digits; names whole.
    pub fn short_id(&self) -> &str {
        if is_hex_id(&self.id) {
            &self.id[..12]
        } else {
            &self.id
        }
    }

    /// The container a cgroup path (as `/proc/PID/cgroup` gives it) names, if any: the
    /// innermost path component that names one (Podman's `libpod-ID.scope/container`,
    /// a container's own sub-cgroups).
    pub fn from_cgroup_path(path: &str) -> Option<Self> {
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let (at, runtime, id) = parts
            .iter()
            .enumerate()
            .rev()
            .find_map(|(i, part)| named_in(part, &parts[..i]).map(|(r, id)| (i, r, id)))?;
        let (pod_uid, qos) = kubernetes_pod(&parts[..at]);
        let runtime = match runtime {
            // A bare id under kubepods: the path does not say which runtime.
            Runtime::Docker if pod_uid.is_some() && !parts[at].starts_with("docker-") => {
                Runtime::Kubernetes
            }
            r => r,
        };
        Some(Self {
            id,
            runtime,
            pod_uid,
            qos,
        })
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{} {}", self.runtime.name(), self.short_id())
    }
}

/// The container of process `pid`, from `/proc/PID/cgroup`: the cgroup v2 line first,
/// then (hybrid and v1 hosts, where runtimes may use only the v1 hierarchies) the v1
/// lines. `None` outside any container, or when the process is gone.
pub fn of_process(pid: u32) -> Option<Arc<Identity>> {
    let table = fs::read_to_string(format!("/proc/{pid}/cgroup")).ok()?;
    from_cgroup_table(&table).map(Arc::new)
}

/// The container a `/proc/PID/cgroup` table names.
pub fn from_cgroup_table(table: &str) -> Option<Identity> {
    let paths = || {
        table
            .lines()
            .filter_map(|l| l.splitn(3, ':').nth(2).map(|p| (l.starts_with("0::"), p)))
    };
    paths()
        .filter(|(v2, _)| *v2)
        .chain(paths().filter(|(v2, _)| !v2))
        .find_map(|(_, path)| Identity::from_cgroup_path(path))
}

fn is_hex_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether one path component names a container (given the components above it), and
/// which: the runtimes' naming, by systemd driver (`PREFIX-ID.scope`) and cgroupfs
/// driver (`/docker/ID`, `/libpod_parent/libpod-ID`, `/kubepods/.../podUID/ID`).
fn named_in(part: &str, above: &[&str]) -> Option<(Runtime, String)> {
    let part = part.strip_suffix(".scope").unwrap_or(part);
    let hex = |rest: &str| is_hex_id(rest).then(|| rest.to_owned());
    for (prefix, runtime) in [
        ("docker-", Runtime::Docker),
        ("cri-containerd-", Runtime::Containerd),
        ("crio-", Runtime::CriO),
        ("libpod-", Runtime::Podman),
    ] {
        // `libpod-conmon-ID`, `crio-conmon-ID`: the monitors, not the containers.
        if let Some(id) = part.strip_prefix(prefix).and_then(hex) {
            return Some((runtime, id));
        }
    }
    let parent = above.last().copied().unwrap_or("");
    if let Some(id) = hex(part) {
        let in_pod = parent.starts_with("pod") || parent.contains("-pod");
        if parent == "docker" || in_pod {
            return Some((Runtime::Docker, id));
        }
        if above.len() == 1 {
            // containerd without Kubernetes: `/NAMESPACE/ID` (`/moby/ID` under Docker).
            let runtime = if parent == "moby" {
                Runtime::Docker
            } else {
                Runtime::Containerd
            };
            return Some((runtime, id));
        }
    }
    if parent == "machine.slice"
        && let Some(name) = part.strip_prefix("machine-")
    {
        return Some((Runtime::Nspawn, unescape_unit(name)));
    }
    if let Some(name) = part.strip_prefix("lxc.payload.") {
        return Some((Runtime::Lxc, name.to_owned()));
    }
    if parent == "lxc" && !part.starts_with("lxc.monitor") {
        return Some((Runtime::Lxc, part.to_owned()));
    }
    None
}

/// The pod UID and QoS class from the components above a container: `kubepods` (QoS
/// guaranteed), `kubepods/burstable`, `kubepods/besteffort`, then `pod<UID>`; with the
/// systemd driver `kubepods-burstable-pod<UID with _>.slice`.
fn kubernetes_pod(above: &[&str]) -> (Option<String>, Option<QosClass>) {
    let Some(root) = above.iter().position(|p| p.starts_with("kubepods")) else {
        return (None, None);
    };
    let mut qos = QosClass::Guaranteed;
    let mut uid = None;
    for part in &above[root..] {
        let part = part.strip_suffix(".slice").unwrap_or(part);
        if part.contains("besteffort") {
            qos = QosClass::BestEffort;
        } else if part.contains("burstable") {
            qos = QosClass::Burstable;
        }
        if let Some(at) = part.rfind("pod") {
            let rest = &part[at + 3..];
            if rest.len() == 36 || rest.len() == 32 {
                uid = Some(rest.replace('_', "-"));
            }
        }
    }
    (uid, Some(qos))
}

/// systemd's unit name escaping (`\x2d` for `-`).
fn unescape_unit(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find("\\x") {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 2..at + 4)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match code {
            Some(b) => {
                out.push(b as char);
                rest = &rest[at + 4..];
            }
            None => {
                out.push_str("\\x");
                rest = &rest[at + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
