//! Cgroup paths as each runtime writes them (from their sources and documentation), and
//! the identities they give.

use super::*;

const ID: &str = "be5624d9725d0eb4c1da035ef0d26fbfb649a4154750009ce119614571717c15";

fn id(path: &str) -> Option<(String, &'static str, Option<String>, Option<&'static str>)> {
    Identity::from_cgroup_path(path)
        .map(|i| (i.id, i.runtime.name(), i.pod_uid, i.qos.map(QosClass::name)))
}

fn plain(
    runtime: &'static str,
) -> Option<(String, &'static str, Option<String>, Option<&'static str>)> {
    Some((ID.to_owned(), runtime, None, None))
}

#[test]
fn docker_and_containerd() {
    assert_eq!(id(&format!("/docker/{ID}")), plain("docker"));
    assert_eq!(
        id(&format!("/system.slice/docker-{ID}.scope")),
        plain("docker")
    );
    // Docker's containerd shim namespace, and containerd's own (`ctr run`).
    assert_eq!(id(&format!("/moby/{ID}")), plain("docker"));
    assert_eq!(id(&format!("/default/{ID}")), plain("containerd"));
    assert_eq!(id("/system.slice/docker.service"), None);
}

#[test]
fn podman_and_crio() {
    assert_eq!(id(&format!("/libpod_parent/libpod-{ID}")), plain("podman"));
    assert_eq!(
        id(&format!("/machine.slice/libpod-{ID}.scope")),
        plain("podman")
    );
    assert_eq!(
        id(&format!("/machine.slice/libpod-{ID}.scope/container")),
        plain("podman")
    );
    assert_eq!(
        id(&format!(
            "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope"
        )),
        plain("podman")
    );
    // The monitors are not in the container.
    assert_eq!(
        id(&format!("/machine.slice/libpod-conmon-{ID}.scope")),
        None
    );
    assert_eq!(id(&format!("/system.slice/crio-conmon-{ID}.scope")), None);
    assert_eq!(
        id(&format!("/system.slice/crio-{ID}.scope")),
        plain("cri-o")
    );
}

#[test]
fn kubernetes_pods_and_qos() {
    let uid = "0f5a3f0e-8c3b-4b7e-9d4c-2f7b8e1c9a10";
    let under = uid.replace('-', "_");
    let k8s = |rt, qos| Some((ID.to_owned(), rt, Some(uid.to_owned()), Some(qos)));
    assert_eq!(
        id(&format!(
            "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{under}.slice/cri-containerd-{ID}.scope"
        )),
        k8s("containerd", "besteffort")
    );
    assert_eq!(
        id(&format!(
            "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{under}.slice/crio-{ID}.scope"
        )),
        k8s("cri-o", "burstable")
    );
    assert_eq!(
        id(&format!(
            "/kubepods.slice/kubepods-pod{under}.slice/cri-containerd-{ID}.scope"
        )),
        k8s("containerd", "guaranteed")
    );
    // cgroupfs driver: the runtime is not in the path.
    assert_eq!(
        id(&format!("/kubepods/burstable/pod{uid}/{ID}")),
        k8s("kubernetes", "burstable")
    );
    assert_eq!(
        id(&format!("/kubepods/pod{uid}/{ID}")),
        k8s("kubernetes", "guaranteed")
    );
    // The pod's own slice is not a container.
    assert_eq!(id(&format!("/kubepods/besteffort/pod{uid}")), None);
}

#[test]
fn nspawn_and_lxc() {
    let named = |rt, name: &str| Some((name.to_owned(), rt, None, None));
    assert_eq!(
        id("/machine.slice/machine-db\\x2dprimary.scope/payload"),
        named("systemd-nspawn", "db-primary")
    );
    assert_eq!(id("/lxc.payload.web1/init.scope"), named("lxc", "web1"));
    assert_eq!(id("/lxc/web1"), named("lxc", "web1"));
    assert_eq!(id("/lxc.monitor.web1"), None);
}

#[test]
fn host_paths_name_no_container() {
    for path in [
        "/",
        "/user.slice/user-0.slice/session-1.scope",
        "/system.slice/containerd.service",
        "/init.scope",
        "/process_api/1b9f249934bb03a661bc97e416a67946",
    ] {
        assert_eq!(id(path), None, "{path}");
    }
}

#[test]
fn hybrid_tables_fall_back_to_v1_lines() {
    // runc on a hybrid host: the unified line and the v1 lines agree.
    let both =
        format!("9:name=systemd:/libpod_parent/libpod-{ID}\n0::/libpod_parent/libpod-{ID}\n");
    assert_eq!(from_cgroup_table(&both).unwrap().id, ID);
    // A runtime that left the unified hierarchy alone: the v1 lines tell.
    let v1 = format!("4:memory:/docker/{ID}\n1:cpu:/docker/{ID}\n0::/\n");
    let found = from_cgroup_table(&v1).unwrap();
    assert_eq!((found.id.as_str(), found.runtime), (ID, Runtime::Docker));
    assert_eq!(found.short_id(), "be5624d9725d");
    assert_eq!(from_cgroup_table("0::/user.slice\n"), None);
}
