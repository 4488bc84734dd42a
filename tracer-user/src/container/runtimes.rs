//! The running containers and their names, found without any runtime's daemon or API:
//! processes and their cgroups from `/proc`, names from the state files the runtimes keep
//! on disk (containers/storage's `containers.json` for Podman and CRI-O, Docker's
//! `config.v2.json`, containerd's task bundles with their CRI annotations).

use std::{collections::BTreeMap, fs, path::Path};

use super::{Identity, from_cgroup_table, is_hex_id};

/// A running container.
#[derive(Clone, Debug)]
pub struct Running {
    pub identity: Identity,
    /// Its name, where a runtime's state gives one.
    pub name: Option<String>,
    /// Its cgroup v2 path (below the cgroup2 mount), when it has one of its own: the
    /// shortest path that still names the container.
    pub cgroup_v2: Option<String>,
}

impl Running {
    /// `be5624d9725d (trtest, podman)`.
    pub fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!(
                "{} ({name}, {})",
                self.identity.short_id(),
                self.identity.runtime.name()
            ),
            None => format!(
                "{} ({})",
                self.identity.short_id(),
                self.identity.runtime.name()
            ),
        }
    }
}

/// Every container with a process running now, by id.
pub fn running() -> Vec<Running> {
    let names = names();
    let mut found: BTreeMap<String, Running> = BTreeMap::new();
    let Ok(dir) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(table) = fs::read_to_string(format!("/proc/{pid}/cgroup")) else {
            continue;
        };
        let Some(identity) = from_cgroup_table(&table) else {
            continue;
        };
        let v2 = table
            .lines()
            .find_map(|l| l.strip_prefix("0::"))
            .and_then(|path| container_cgroup(path, &identity.id));
        let running = found.entry(identity.id.clone()).or_insert_with(|| Running {
            name: names.get(&identity.id).cloned(),
            identity,
            cgroup_v2: None,
        });
        // The container's own cgroup, not a sub-cgroup some of its processes use.
        if let Some(v2) = v2
            && running
                .cgroup_v2
                .as_ref()
                .is_none_or(|p| p.len() > v2.len())
        {
            running.cgroup_v2 = Some(v2);
        }
    }
    found.into_values().collect()
}

/// The running containers `arg` names: an id, a prefix of one, or a name.
pub fn matching<'a>(arg: &str, running: &'a [Running]) -> Vec<&'a Running> {
    if let Some(by_name) = running
        .iter()
        .find(|r| r.name.as_deref() == Some(arg) || r.identity.id == arg)
    {
        return vec![by_name];
    }
    if arg.is_empty() {
        return Vec::new();
    }
    running
        .iter()
        .filter(|r| r.identity.id.starts_with(arg))
        .collect()
}

/// The shortest prefix of a cgroup path that still names container `id`.
fn container_cgroup(path: &str, id: &str) -> Option<String> {
    let mut prefix = String::new();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        prefix.push('/');
        prefix.push_str(part);
        if Identity::from_cgroup_path(&prefix).is_some_and(|i| i.id == id) {
            return Some(prefix);
        }
    }
    None
}

/// Container names by id, from every runtime state found on this host.
fn names() -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    // containers/storage (Podman, CRI-O, Buildah), any graph driver, persistent or
    // transient store.
    for root in ["/var/lib/containers/storage", "/run/containers/storage"] {
        for dir in read_dir_names(Path::new(root)) {
            if dir.ends_with("-containers") {
                storage_names(
                    &Path::new(root).join(dir).join("containers.json"),
                    &mut names,
                );
            }
        }
    }
    // Docker: one directory per container.
    for id in read_dir_names(Path::new("/var/lib/docker/containers")) {
        let config = Path::new("/var/lib/docker/containers")
            .join(&id)
            .join("config.v2.json");
        if let Some(name) = json(&config).and_then(|c| {
            c.get("Name")?
                .as_str()
                .map(|n| n.trim_start_matches('/').to_owned())
        }) {
            names.insert(id, name);
        }
    }
    // containerd: task bundles per namespace; Kubernetes (CRI) annotates the names.
    let tasks = Path::new("/run/containerd/io.containerd.runtime.v2.task");
    for ns in read_dir_names(tasks) {
        for id in read_dir_names(&tasks.join(&ns)) {
            let annotation = json(&tasks.join(&ns).join(&id).join("config.json")).and_then(|c| {
                let a = c.get("annotations")?;
                let name = a.get("io.kubernetes.cri.container-name")?.as_str()?;
                Some(
                    match a
                        .get("io.kubernetes.cri.sandbox-name")
                        .and_then(|s| s.as_str())
                    {
                        Some(pod) => format!("{pod}/{name}"),
                        None => name.to_owned(),
                    },
                )
            });
            if let Some(name) = annotation {
                names.entry(id).or_insert(name);
            }
        }
    }
    names
}

/// containers/storage's list: `[{"id": ..., "names": [...]}, ...]`.
fn storage_names(path: &Path, names: &mut BTreeMap<String, String>) {
    let Some(serde_json::Value::Array(list)) = json(path) else {
        return;
    };
    for c in list {
        let id = c.get("id").and_then(|v| v.as_str());
        let name = c
            .get("names")
            .and_then(|n| n.get(0))
            .and_then(|v| v.as_str());
        if let (Some(id), Some(name)) = (id, name)
            && is_hex_id(id)
        {
            names.insert(id.to_owned(), name.to_owned());
        }
    }
}

fn json(path: &Path) -> Option<serde_json::Value> {
    serde_json::from_slice(&fs::read(path).ok()?).ok()
}

fn read_dir_names(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default()
}
